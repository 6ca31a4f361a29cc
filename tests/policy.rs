//! The policy file through the binary: discovery, every key's effect on a
//! scan, scopes, exceptions in each state, `chainrisk init`, `chainrisk rules`
//! with a policy, and malformed policies (exit 2 with file and line).
//!
//! `fixtures/policy/app.cdx.json`: left-pad (direct, registry URL given),
//! tiny (transitive, through left-pad), orphan (outside the graph: directness
//! unknown), serde (direct, hashed). Without a policy, DEL-01 fires on the
//! three npm packages and SBM-04 on the document.

mod common;

use common::{assert_valid_report, bin, root, terminal_controls, write};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn app() -> PathBuf {
    root().join("fixtures/policy/app.cdx.json")
}

fn fixture(name: &str) -> PathBuf {
    root().join("fixtures/policy").join(name)
}

/// Scans app.cdx.json with `policy` text; returns the report and the exit code.
fn scan_with(policy: &str, extra: &[&str]) -> (Value, i32) {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "p.toml", policy.as_bytes());
    scan_files(&[app()], Some(&p), extra)
}

fn scan_files(inputs: &[PathBuf], policy: Option<&Path>, extra: &[&str]) -> (Value, i32) {
    let mut cmd = bin();
    cmd.arg("scan").args(inputs).args(["--format", "json"]);
    if let Some(p) = policy {
        cmd.arg("--policy").arg(p);
    }
    let out = cmd.args(extra).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("no JSON report ({e}); stderr: {stderr}"));
    assert_valid_report(&report, "policy scan");
    (report, out.status.code().unwrap())
}

/// `(rule, component name or "-")` of every finding, sorted.
fn found(report: &Value) -> Vec<(String, String)> {
    let names: Vec<&str> = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    let mut out: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let who = f["component"]
                .as_u64()
                .map_or("-".to_string(), |i| names[i as usize].to_string());
            (f["rule"].as_str().unwrap().to_string(), who)
        })
        .collect();
    out.sort();
    out
}

fn of_rule<'a>(report: &'a Value, rule: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = list
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
    v.sort();
    v
}

#[test]
fn without_a_policy_the_defaults_apply_and_are_hashed() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .current_dir(dir.path())
        .arg("scan")
        .arg(app())
        .args(["--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        found(&report),
        pairs(&[
            ("DEL-01", "left-pad"),
            ("DEL-01", "orphan"),
            ("DEL-01", "tiny"),
            ("SBM-04", "-")
        ])
    );
    assert!(report["policy"].get("file").is_none());
    // SHA-256 of the empty string: the built-in defaults.
    assert_eq!(
        report["policy"]["sha256"],
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
}

#[test]
fn chainrisk_toml_in_the_current_directory_is_used() {
    let dir = tempfile::tempdir().unwrap();
    let text = b"[rules.DEL-01]\nenabled = false\n";
    write(dir.path(), "chainrisk.toml", text);
    let out = bin()
        .current_dir(dir.path())
        .arg("scan")
        .arg(app())
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(of_rule(&report, "DEL-01").is_empty());
    assert_eq!(report["policy"]["file"], "chainrisk.toml");
    use sha2::Digest;
    let want = sha2::Sha256::digest(text)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>();
    assert_eq!(report["policy"]["sha256"], want.as_str());
}

#[test]
fn a_rule_switched_off_loses_its_findings_and_known_unknowns() {
    let (report, _) = scan_with(
        "[rules.DEL-01]\nenabled = false\n[rules.UNM-04]\nenabled = false\n",
        &[],
    );
    assert!(of_rule(&report, "DEL-01").is_empty());
    let unknown: Vec<&str> = report["not_evaluated"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["rule"].as_str().unwrap())
        .collect();
    assert!(!unknown.contains(&"UNM-04") && unknown.contains(&"UNM-05"));
    let rules = report["policy"]["rules"].as_array().unwrap();
    let del01 = rules.iter().find(|r| r["rule"] == "DEL-01").unwrap();
    assert_eq!(del01["enabled"], false);
    assert_eq!(del01["removed"], 3);
}

#[test]
fn each_scope_keeps_what_it_names_and_never_hides_unknown_directness() {
    let scoped = |scope: &str| {
        let (report, _) = scan_with(&format!("[rules.DEL-01]\nscope = \"{scope}\"\n"), &[]);
        let on: Vec<String> = found(&report)
            .into_iter()
            .filter(|(r, _)| r == "DEL-01")
            .map(|(_, c)| c)
            .collect();
        let entry = report["policy"]["rules"]
            .as_array()
            .and_then(|rules| rules.iter().find(|r| r["rule"] == "DEL-01"))
            .cloned();
        (report, on, entry)
    };
    let (_, on, entry) = scoped("all");
    assert_eq!(on, ["left-pad", "orphan", "tiny"]);
    assert!(
        entry.is_none(),
        "scope all is the default: nothing to report"
    );

    let (report, on, entry) = scoped("direct");
    assert_eq!(on, ["left-pad", "orphan"]);
    let entry = entry.unwrap();
    assert_eq!(
        (
            entry["removed"].as_u64(),
            entry["unknown_directness"].as_u64()
        ),
        (Some(1), Some(1))
    );
    // The finding kept for lack of data says so.
    let orphan = of_rule(&report, "DEL-01")
        .into_iter()
        .find(|f| f["message"].as_str().unwrap().contains("orphan"))
        .unwrap();
    let scope_note = orphan["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["key"] == "scope")
        .unwrap();
    assert_eq!(scope_note["source"], "policy");
    assert!(
        scope_note["value"]
            .as_str()
            .unwrap()
            .contains("direct dependency")
    );

    let (_, on, entry) = scoped("transitive");
    assert_eq!(on, ["orphan", "tiny"]);
    assert_eq!(entry.unwrap()["removed"], 1);

    let (report, on, entry) = scoped("none");
    assert!(on.is_empty());
    assert_eq!(entry.unwrap()["removed"], 3);
    // Document findings are not judged by directness, and other rules are untouched.
    assert_eq!(of_rule(&report, "SBM-04").len(), 1);
}

#[test]
fn severity_overrides_change_findings_and_fail_on() {
    let (report, code) = scan_with(
        "[rules.DEL-01]\nseverity = \"critical\"\n",
        &["--fail-on", "critical"],
    );
    assert!(
        of_rule(&report, "DEL-01")
            .iter()
            .all(|f| f["severity"] == "critical")
    );
    assert_eq!(report["findings"][0]["rule"], "DEL-01", "most severe first");
    assert_eq!(code, 1);
    let (_, code) = scan_with("", &["--fail-on", "critical"]);
    assert_eq!(code, 0);
}

#[test]
fn thresholds_and_allowed_suppliers_drive_con03() {
    // Four suppliers of one component each: 25 % apiece.
    let base = "[thresholds]\nmin_components_for_concentration = 2\nmax_supplier_share = 0.25\n";
    let (report, _) = scan_with(base, &[]);
    assert_eq!(of_rule(&report, "CON-03").len(), 4);
    let msg = of_rule(&report, "CON-03")[0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        msg.contains("25.0 %") && msg.contains("25 % limit") && msg.contains("HHI 2500"),
        "{msg}"
    );

    let (report, _) = scan_with(&format!("allowed_suppliers = [\"pad corp\"]\n{base}"), &[]);
    let con03 = of_rule(&report, "CON-03");
    assert_eq!(con03.len(), 3);
    assert!(
        con03
            .iter()
            .all(|f| !f["message"].as_str().unwrap().contains("Pad Corp"))
    );

    let (report, _) = scan_with(
        "[thresholds]\nmin_components_for_concentration = 2\nmax_supplier_share = 0.3\n",
        &[],
    );
    assert!(of_rule(&report, "CON-03").is_empty());
}

#[test]
fn allowed_registries_drive_con04() {
    let (report, _) = scan_with(
        "allowed_registries = [\"https://registry.example/other\"]\n",
        &[],
    );
    let con04 = of_rule(&report, "CON-04");
    assert_eq!(con04.len(), 1);
    let msg = con04[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("left-pad") && msg.contains("not in the policy's allowed_registries"),
        "{msg}"
    );
    // Components whose registry the SBOM does not name are known unknowns.
    let unknown = report["not_evaluated"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["rule"] == "CON-04")
        .unwrap();
    assert_eq!(unknown["count"], 3);

    // A trailing `/` does not matter.
    let (report, _) = scan_with(
        "allowed_registries = [\"https://registry.example/npm/\"]\n",
        &[],
    );
    assert!(of_rule(&report, "CON-04").is_empty());
    // Without the key, any registry is allowed.
    let (report, _) = scan_with("", &[]);
    assert!(of_rule(&report, "CON-04").is_empty());
}

#[test]
fn listed_suppliers_fire_con06_with_the_entry_or_policy_severity() {
    let (report, _) = scan_with(
        "[[listed]]\nsupplier = \"shady  LTD\"\nseverity = \"high\"\nreason = \"procurement review\"\n",
        &[],
    );
    let con06 = of_rule(&report, "CON-06");
    assert_eq!(con06.len(), 1);
    assert_eq!(con06[0]["severity"], "high");
    let msg = con06[0]["message"].as_str().unwrap();
    assert!(
        msg.contains("tiny@0.1.0")
            && msg.contains("Shady Ltd")
            && msg.contains("procurement review"),
        "{msg}"
    );

    let (report, _) = scan_with(
        "[rules.CON-06]\nseverity = \"low\"\n[[listed]]\nsupplier = \"Shady Ltd\"\n",
        &[],
    );
    assert_eq!(of_rule(&report, "CON-06")[0]["severity"], "low");
    // An allowed supplier is never listed.
    let (report, _) = scan_with(
        "allowed_suppliers = [\"Shady Ltd\"]\n[[listed]]\nsupplier = \"Shady Ltd\"\n",
        &[],
    );
    assert!(of_rule(&report, "CON-06").is_empty());
    // No list: not evaluated, not passed.
    let (report, _) = scan_with("", &[]);
    assert!(
        report["not_evaluated"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["rule"] == "CON-06")
    );
}

#[test]
fn exceptions_in_each_state() {
    let (report, code) = scan_files(
        &[app()],
        Some(&fixture("exceptions.toml")),
        &["--fail-on", "medium"],
    );
    let ex = report["policy"]["exceptions"].as_array().unwrap();
    let state = |i: usize| {
        (
            ex[i]["state"].as_str().unwrap(),
            ex[i]["matched"].as_u64().unwrap(),
        )
    };
    assert_eq!(state(0), ("applied", 1));
    assert_eq!(state(1), ("expired", 1));
    assert_eq!(state(2), ("unused", 0));
    assert_eq!(state(3), ("applied", 1));
    assert!(
        ex[0]["location"]
            .as_str()
            .unwrap()
            .ends_with("exceptions.toml:5"),
        "{}",
        ex[0]["location"]
    );
    assert!(
        ex[1]["location"]
            .as_str()
            .unwrap()
            .ends_with("exceptions.toml:14")
    );
    assert_eq!(ex[0]["versions"], ">=1.0, <2");
    assert_eq!(ex[0]["expires"], "2099-12-31");

    // Accepted findings stay in the report, marked with reason, owner and expiry.
    assert_eq!(found(&report).len(), 4);
    let del01 = of_rule(&report, "DEL-01");
    let left_pad = del01
        .iter()
        .find(|f| f["message"].as_str().unwrap().starts_with("left-pad"))
        .unwrap();
    assert_eq!(left_pad["exception"]["index"], 0);
    assert_eq!(left_pad["exception"]["owner"], "alice@example.com");
    assert_eq!(left_pad["exception"]["expires"], "2099-12-31");
    let tiny = del01
        .iter()
        .find(|f| f["message"].as_str().unwrap().starts_with("tiny"))
        .unwrap();
    assert!(
        tiny.get("exception").is_none(),
        "an expired exception no longer applies"
    );
    assert!(of_rule(&report, "SBM-04")[0]["exception"].is_object());
    // tiny and orphan (medium) are not accepted: the build fails on medium…
    assert_eq!(code, 1);
    // Expired and unused exceptions are called out on stderr with their line.
    let out = bin()
        .arg("scan")
        .arg(app())
        .arg("--policy")
        .arg(fixture("exceptions.toml"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "exceptions.toml:14: exception for DEL-01 pkg:npm/tiny expired on 2025-01-01"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("exceptions.toml:21: exception for * pkg:npm/orphan matched no finding"),
        "{stderr}"
    );
    assert!(!stderr.contains("exceptions.toml:5:"), "{stderr}");
    // The riskiest list ranks by open findings: left-pad's DEL-01 is
    // accepted, so it comes after tiny and orphan and is labelled so.
    let text = String::from_utf8_lossy(&out.stdout);
    let riskiest: Vec<&str> = text
        .split_once("Riskiest components")
        .unwrap()
        .1
        .split("\n\n")
        .next()
        .unwrap()
        .lines()
        .skip(1)
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
        .collect();
    assert_eq!(riskiest.len(), 3, "{text}");
    assert!(
        riskiest[2].starts_with("  accepted  left-pad@1.3.0"),
        "{text}"
    );
    assert!(text.contains("DEL-01  (accepted) has no hash"), "{text}");
    // …but accepted findings alone never fail it: SBM-04 (high) is accepted.
    let (_, code) = scan_files(
        &[app()],
        Some(&fixture("exceptions.toml")),
        &["--fail-on", "high"],
    );
    assert_eq!(code, 0);
}

#[test]
fn init_writes_the_defaults_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin().current_dir(dir.path()).arg("init").output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let path = dir.path().join("chainrisk.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("max_advisory_db_age_days = 7"));
    assert!(
        text.lines().filter(|l| l.starts_with('#')).count() > 20,
        "commented"
    );
    let parsed = chainrisk::policy::parse(&text, "chainrisk.toml").unwrap();
    assert_eq!(parsed, chainrisk::policy::Policy::default());

    std::fs::write(&path, "# mine\n").unwrap();
    let out = bin().current_dir(dir.path()).arg("init").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "# mine\n");

    // The written file drives a scan like the defaults do.
    std::fs::write(&path, &text).unwrap();
    let out = bin()
        .current_dir(dir.path())
        .arg("scan")
        .arg(app())
        .args(["--format", "json"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(found(&report).len(), 4);
}

/// An exception's package pattern and an unknown key are quoted on stderr;
/// escape sequences (window title, clipboard), a bidirectional override and
/// a line break in them showed raw. Each now shows as a visible escape.
#[test]
fn policy_text_quoted_on_stderr_shows_controls_as_escapes() {
    let payload = "\\u001b]0;owned\\u0007\\u202eevil\\r\\nwarning: forged";
    let shown = "\\u{1b}]0;owned\\u{7}\\u{202e}evil\\u{d}\\u{a}warning: forged";
    for (policy, code, needle) in [
        (
            format!(
                "[[exception]]\nrule = \"DEL-01\"\npackage = \"pkg:npm/{payload}\"\nreason = \"x\"\n"
            ),
            0,
            format!("exception for DEL-01 pkg:npm/{shown} matched no finding"),
        ),
        (
            format!("\"{payload}\" = 1\n"),
            2,
            format!("unknown field `{shown}`"),
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "p.toml", policy.as_bytes());
        let out = bin()
            .arg("scan")
            .arg(app())
            .args(["--format", "json", "--policy"])
            .arg(&p)
            .output()
            .unwrap();
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(code), "{stderr}");
        assert_eq!(terminal_controls(&stderr), Vec::<String>::new(), "{stderr}");
        assert!(stderr.contains(&needle), "{needle} in {stderr}");
    }
}

#[test]
fn malformed_policies_exit_2_with_file_line_and_no_panic() {
    for (file, line, needles) in [
        (
            "bad-unknown-key.toml",
            4,
            &["max_release_age_month", "max_release_age_months"][..],
        ),
        ("bad-type.toml", 3, &["whole number"][..]),
        ("bad-date.toml", 6, &["2026-02-30", "YYYY-MM-DD"][..]),
    ] {
        for cmd in [&["scan", "--format", "json"][..], &["rules"][..]] {
            let mut c = bin();
            c.args(cmd);
            if cmd[0] == "scan" {
                c.arg(app());
            }
            let out = c.arg("--policy").arg(fixture(file)).output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{file}: {stderr}");
            assert!(!stderr.contains("panicked"), "{stderr}");
            assert!(
                stderr.contains(&format!("{file}:{line}:")),
                "{file}: {stderr}"
            );
            for n in needles {
                assert!(stderr.contains(n), "{file}: {n} missing from {stderr}");
            }
            assert!(out.stdout.is_empty(), "no report for a bad policy");
        }
    }
    let out = bin()
        .arg("scan")
        .arg(app())
        .args(["--policy", "/nonexistent/chainrisk.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read the policy file"));
}

#[test]
fn rules_lists_thresholds_and_severities_from_the_policy() {
    let out = bin().arg("rules").output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    for r in ["UNM-01", "CON-06", "SBM-07"] {
        assert!(text.contains(r), "{r}");
    }
    assert!(
        text.contains("max_release_age_months = 24 months"),
        "{text}"
    );
    assert!(text.contains("M10(2)"));

    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "p.toml",
        b"[thresholds]\nmax_release_age_months = 12\n[rules.UNM-04]\nseverity = \"high\"\n[rules.DEL-03]\nenabled = false\n",
    );
    let out = bin()
        .args(["rules", "UNM-04", "--policy"])
        .arg(&p)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("threshold: max_release_age_months = 12 months"),
        "{text}"
    );
    assert!(
        text.contains("severity:  high (policy; default medium)"),
        "{text}"
    );
    assert!(text.contains("Fires when"));
    let out = bin().args(["rules", "--policy"]).arg(&p).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let del03 = text.lines().find(|l| l.starts_with("DEL-03")).unwrap();
    assert!(del03.contains(" off "), "{del03}");
}

/// What each rule decided in a report: its findings (fingerprint and
/// severity) and its not-evaluated counts with their reasons.
fn verdicts_by_rule(report: &Value) -> std::collections::BTreeMap<String, Vec<String>> {
    let mut by_rule: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    for f in report["findings"].as_array().unwrap() {
        by_rule
            .entry(f["rule"].as_str().unwrap().to_string())
            .or_default()
            .push(format!("{} {}", f["fingerprint"], f["severity"]));
    }
    for n in report["not_evaluated"].as_array().unwrap() {
        by_rule
            .entry(n["rule"].as_str().unwrap().to_string())
            .or_default()
            .push(format!("not evaluated {} {}", n["count"], n["reason"]));
    }
    for v in by_rule.values_mut() {
        v.sort();
    }
    by_rule
}

/// The catalogue's list of thresholds per rule is the truth: moving any
/// other threshold to either end of its range changes no rule's verdicts,
/// and every declared threshold changes its rule's verdicts at some end
/// (on the demo product with its registry snapshot, where every rule with a
/// threshold is evaluated).
#[test]
fn every_rule_declares_exactly_the_thresholds_it_reads() {
    let out = bin().args(["rules", "--format", "json"]).output().unwrap();
    assert!(out.status.success());
    let rules: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    let declared = |rule: &str, key: &str| {
        rules.iter().any(|r| {
            r["id"] == rule
                && r["thresholds"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|t| t["key"] == key)
        })
    };
    let inputs = [
        root().join("fixtures/demo/gsutil-5.29.cdx.json"),
        root().join("fixtures/demo/gsutil-5.29.snapshot.json"),
    ];
    let scan = |policy: &str| {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "p.toml", policy.as_bytes());
        let (report, _) = scan_files(
            &inputs[..1],
            Some(&p),
            &["--snapshot", inputs[1].to_str().unwrap(), "--offline"],
        );
        verdicts_by_rule(&report)
    };
    let defaults = scan("");
    // Each key at both ends of its valid range.
    let ends: [(&str, [&str; 2]); 9] = [
        ("max_supplier_share", ["0.01", "1.0"]),
        ("min_components_for_concentration", ["0", "1000000"]),
        ("max_release_age_months", ["0", "100000"]),
        ("max_major_lag", ["0", "100000"]),
        ("max_version_age_months", ["0", "100000"]),
        ("min_release_age_days", ["0", "100000"]),
        ("fan_in_percent", ["0.01", "100"]),
        ("max_snapshot_age_days", ["0", "100000"]),
        ("max_advisory_db_age_days", ["0", "100000"]),
    ];
    let mut problems = Vec::new();
    for (key, values) in ends {
        let mut moved_by_key = std::collections::BTreeSet::new();
        for value in values {
            let moved = scan(&format!("[thresholds]\n{key} = {value}\n"));
            let rules_seen: std::collections::BTreeSet<&String> =
                defaults.keys().chain(moved.keys()).collect();
            for rule in rules_seen {
                if defaults.get(rule) != moved.get(rule)
                    && moved_by_key.insert(rule.clone())
                    && !declared(rule, key)
                {
                    problems.push(format!(
                        "{rule} changes with {key} = {value} but does not declare it"
                    ));
                }
            }
        }
        for r in &rules {
            let id = r["id"].as_str().unwrap();
            if declared(id, key) && !moved_by_key.contains(id) {
                problems.push(format!("{id} declares {key} but ignores it"));
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

/// The thresholds a policy sets reach the report, and a finding that does
/// not state a threshold its rule reads shows the policy's value, not the
/// built-in default (CON-02 reads `max_release_age_months` through UNM-04).
#[test]
fn a_report_shows_the_thresholds_in_force() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "p.toml",
        b"[thresholds]\nmax_release_age_months = 30\nfan_in_percent = 5.0\n",
    );
    let demo = root().join("fixtures/demo/gsutil-5.29.cdx.json");
    let snapshot = root().join("fixtures/demo/gsutil-5.29.snapshot.json");
    let args = ["--snapshot", snapshot.to_str().unwrap(), "--offline"];
    let (report, _) = scan_files(std::slice::from_ref(&demo), Some(&p), &args);
    assert_eq!(
        report["policy"]["thresholds"],
        serde_json::json!([
            {"key": "max_release_age_months", "value": "30 months"},
            {"key": "fan_in_percent", "value": "5 %"}
        ])
    );
    let md = dir.path().join("r.md");
    let out = bin()
        .arg("scan")
        .arg(&demo)
        .arg("--policy")
        .arg(&p)
        .args(args)
        .args(["--format", "markdown", "-o"])
        .arg(&md)
        .output()
        .unwrap();
    assert!(out.status.code().is_some_and(|c| c < 2), "{out:?}");
    let md = std::fs::read_to_string(md).unwrap();
    let rows: Vec<&str> = md
        .lines()
        .filter(|l| l.starts_with("- **Threshold**: fan\\_in\\_percent"))
        .collect();
    assert!(!rows.is_empty(), "no CON-02 finding");
    for row in rows {
        assert_eq!(
            row,
            "- **Threshold**: fan\\_in\\_percent = 5 %; max\\_release\\_age\\_months = 30 months"
        );
    }
}
