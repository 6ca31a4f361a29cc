//! The binary, driven as a user drives it: README commands, formats, exit codes.

mod common;
use common::*;

use predicates::prelude::*;

#[test]
fn readme_demo_command_prints_a_summary() {
    let out = bin()
        .args(["scan", "fixtures/demo/acme-edge-gateway.cdx.json"])
        .current_dir(root())
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("acme-edge-gateway 4.2.0"), "{text}");
    assert!(text.contains("Riskiest components"), "{text}");
    assert!(text.contains("wifi-radio-firmware@7.45.98"), "{text}");
    assert!(
        !text.contains('\u{1b}'),
        "no colour codes when stdout is not a terminal"
    );
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let out = bin()
        .args(["scan", "--color", "always"])
        .arg(demo())
        .assert()
        .success();
    assert!(String::from_utf8_lossy(&out.get_output().stdout).contains('\u{1b}'));
}

/// Names, versions, suppliers and groups carry escape sequences (clear the
/// screen, set the window title and the clipboard, a hyperlink), line
/// breaks, a C1 CSI and bidirectional overrides. On a terminal (`--color
/// always`) and off one, the summary writes only its own styles and shows
/// each of them as a visible escape.
#[test]
fn terminal_summary_shows_control_characters_as_escapes() {
    for color in ["always", "never"] {
        let out = bin()
            .current_dir(root())
            .args(["scan", "fixtures/injection/payloads.cdx.json", "--top", "0"])
            .args(["--color", color])
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert_eq!(
            terminal_controls(&text),
            Vec::<String>::new(),
            "--color {color}:\n{text}"
        );
        // The component (group and name, cut to 40 characters) and its supplier.
        for shown in [
            "grp\\u{202e}exe.txt/term\\u{1b}[2J\\u{1b}]…",
            "\\u{9b}2J\\u{2066}Supplier\\u{2069}\\u{200e}\\u{202e}",
        ] {
            assert!(text.contains(shown), "--color {color}: {shown} in\n{text}");
        }
        assert_eq!(text.contains('\u{1b}'), color == "always", "{text}");
    }
}

#[test]
fn json_report_validates_and_names_evidence() {
    let out = bin()
        .args(["scan", "--format", "json"])
        .arg(demo())
        .assert()
        .success();
    let report: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_valid_report(&report, "demo");
    assert_eq!(report["schema"], "chainrisk.report/v1");
    assert_eq!(
        report["generated_at"], "2025-11-24T16:00:00Z",
        "SOURCE_DATE_EPOCH is honoured"
    );
    assert_eq!(report["summary"]["components"], 17);
    let findings = report["findings"].as_array().unwrap();
    let del05 = findings
        .iter()
        .find(|f| f["rule"] == "DEL-05")
        .expect("the http firmware download is flagged");
    let comp = &report["components"][del05["component"].as_u64().unwrap() as usize];
    assert_eq!(comp["name"], "wifi-radio-firmware");
    let src = del05["evidence"][0]["source"].as_str().unwrap();
    assert!(
        src.starts_with("sbom:") && src.ends_with("#/components/14"),
        "{src}"
    );
    // Registry rules are listed as known unknowns, never silently passed.
    let unknown: Vec<&str> = report["not_evaluated"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["rule"].as_str().unwrap())
        .collect();
    assert!(
        unknown.contains(&"UNM-04") && unknown.contains(&"DEL-02"),
        "{unknown:?}"
    );
}

#[test]
fn output_file_gets_the_report_without_colour() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.txt");
    bin()
        .args(["scan", "--color", "always", "-o"])
        .arg(&path)
        .arg(demo())
        .assert()
        .success()
        .stdout("");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("Findings"));
    assert!(!text.contains('\u{1b}'));
}

#[test]
fn fail_on_sets_exit_code() {
    // The demo's worst finding is high. A failed gate says why on stderr:
    // each finding at or above the threshold, then the threshold and count,
    // counted from the JSON report of the same scan.
    let out = bin()
        .args(["scan", "--fail-on", "high", "--format", "json"])
        .arg(demo())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let high: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| matches!(f["severity"].as_str(), Some("high" | "critical")))
        .collect();
    assert!(!high.is_empty());
    let stderr = String::from_utf8(out.stderr).unwrap();
    for f in &high {
        let line = format!(
            "{:<8} {}  ",
            f["severity"].as_str().unwrap(),
            f["rule"].as_str().unwrap()
        );
        assert!(
            stderr
                .lines()
                .any(|l| l.starts_with(&line) && l.ends_with(f["message"].as_str().unwrap())),
            "{line}… missing from:\n{stderr}"
        );
    }
    assert!(
        stderr.lines().last().unwrap().starts_with(&format!(
            "error: {} findings at or above high (--fail-on high)",
            high.len()
        )),
        "{stderr}"
    );
    assert!(
        !stderr.contains("medium "),
        "only findings at or above the threshold: {stderr}"
    );
    // A passing gate prints nothing.
    bin()
        .args(["scan", "--fail-on", "critical"])
        .arg(demo())
        .assert()
        .code(0)
        .stderr(predicate::str::contains("--fail-on").not());
    bin()
        .args(["scan", "--fail-on", "medium"])
        .arg(demo())
        .assert()
        .code(1);
    bin()
        .args(["scan", "--fail-on", "critical"])
        .arg(demo())
        .assert()
        .code(0);
    bin()
        .args(["scan", "--fail-on", "urgent"])
        .arg(demo())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("critical, high"));
}

#[test]
fn usage_errors_exit_2() {
    bin().args(["scan"]).assert().code(2);
    bin().args(["frobnicate"]).assert().code(2);
    bin()
        .args(["scan", "--format", "pdf"])
        .arg(demo())
        .assert()
        .code(2);
}

#[test]
fn rules_lists_and_explains() {
    let out = bin().arg("rules").assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    for id in ["UNM-01", "OPQ-06", "CON-03", "DEL-07", "SBM-07"] {
        assert!(text.contains(id), "{id} missing from the list");
    }
    let out = bin().args(["rules", "con-03"]).assert().success();
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(text.contains("CON-03 — supplier concentration"));
    assert!(text.contains("threshold: max_supplier_share = 30 %"));
    assert!(text.contains("M10(3)"));
    bin()
        .args(["rules", "XYZ-01"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no rule"));
    let out = bin().args(["rules", "--format", "json"]).assert().success();
    let list: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 39);
}

/// The README's first command: the real demo product with its registry
/// snapshot, offline, shows a finding of every category, and the registry
/// facts name the snapshot as their source.
#[test]
fn readme_first_command_shows_every_category_offline() {
    let args = [
        "fixtures/demo/gsutil-5.29.cdx.json",
        "--snapshot",
        "fixtures/demo/gsutil-5.29.snapshot.json",
        "--offline",
    ];
    let out = bin()
        .arg("scan")
        .args(args)
        .current_dir(root())
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("36 of 36 components resolved"), "{text}");
    // A fact the SBOM lacks for every component (no hash, no supplier) is one
    // grouped line, not a line under each riskiest component; what differs
    // per component (a registry's deprecation) stays under it.
    let (riskiest, rest) = text
        .split_once("Riskiest components")
        .unwrap()
        .1
        .split_once("Widespread findings")
        .expect("a widespread section");
    assert!(
        riskiest.contains("UNM-02  is deprecated at its registry"),
        "{riskiest}"
    );
    assert!(!riskiest.contains("has no hash"), "{riskiest}");
    assert!(rest.contains("DEL-01  36 components, e.g."), "{rest}");
    assert!(rest.contains("SBM-01  36 components, e.g."), "{rest}");

    let out = bin()
        .arg("scan")
        .args(args)
        .args(["--format", "json"])
        .current_dir(root())
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    let categories: std::collections::BTreeSet<&str> = findings
        .iter()
        .map(|f| f["category"].as_str().unwrap())
        .collect();
    assert_eq!(
        categories.into_iter().collect::<Vec<_>>(),
        [
            "completeness",
            "concentration",
            "delivery",
            "opaque",
            "unmaintained"
        ]
    );
    let name_of = |f: &serde_json::Value| {
        report["components"][f["component"].as_u64().unwrap() as usize]["name"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // OPQ-05 reads the registry's licence where the SBOM's (a trove
    // classifier) is not SPDX: it fires only where neither is, saying so.
    let opq05: Vec<&serde_json::Value> =
        findings.iter().filter(|f| f["rule"] == "OPQ-05").collect();
    assert_eq!(opq05.len(), 2, "{opq05:?}");
    for f in &opq05 {
        assert!(
            f["message"]
                .as_str()
                .unwrap()
                .contains("the registry's licence \"Apache"),
            "{f}"
        );
        assert!(
            f["evidence"]
                .as_array()
                .unwrap()
                .iter()
                .any(|e| e["key"] == "registry licence"
                    && e["source"].as_str().unwrap().starts_with("snapshot:")),
            "{f}"
        );
    }
    let yanked: Vec<&serde_json::Value> =
        findings.iter().filter(|f| f["rule"] == "UNM-03").collect();
    assert_eq!(yanked.len(), 1);
    assert_eq!(name_of(yanked[0]), "requests");
    assert!(
        yanked[0]["evidence"][0]["source"]
            .as_str()
            .unwrap()
            .starts_with("snapshot:fixtures/demo/gsutil-5.29.snapshot.json@"),
        "{}",
        yanked[0]
    );
    // No primary component: what nothing depends on (gsutil) is direct.
    let direct: Vec<&str> = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["direct"] == true)
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(direct, ["gsutil"]);
    assert_valid_report(&report, "demo with snapshot");
}

/// An SBOM with a dependency graph but no primary component: the components
/// nothing depends on are direct, the rest transitive, with a warning.
#[test]
fn graph_without_primary_measures_directness_from_its_tops() {
    let dir = tempfile::tempdir().unwrap();
    let sbom = write(
        dir.path(),
        "env.cdx.json",
        br#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":[
            {"bom-ref":"a","type":"library","name":"a","version":"1"},
            {"bom-ref":"b","type":"library","name":"b","version":"1"},
            {"bom-ref":"c","type":"library","name":"c","version":"1"},
            {"bom-ref":"d","type":"library","name":"d","version":"1"}],
          "dependencies":[{"ref":"a","dependsOn":["b"]},{"ref":"b","dependsOn":["c"]},
            {"ref":"d","dependsOn":["c"]}]}"#,
    );
    let report = scan_json(&[sbom.to_str().unwrap()]);
    let direct: Vec<(String, serde_json::Value)> = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap().to_string(), c["direct"].clone()))
        .collect();
    assert_eq!(
        direct,
        [
            ("a".to_string(), serde_json::json!(true)),
            ("b".to_string(), serde_json::json!(false)),
            ("c".to_string(), serde_json::json!(false)),
            ("d".to_string(), serde_json::json!(true)),
        ]
    );
    let warnings = report["inputs"][0]["warnings"].to_string();
    assert!(warnings.contains("no primary component"), "{warnings}");
    // SBM-04 still reports the missing primary.
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "SBM-04")
    );
}

/// docs/rules.md is the catalogue as `chainrisk rules --format markdown`
/// writes it with the default policy: regenerate it when a rule changes.
#[test]
fn docs_rules_md_is_the_catalogue() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin()
        .current_dir(dir.path())
        .args(["rules", "--format", "markdown"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let written = std::fs::read_to_string(root().join("docs/rules.md")).unwrap();
    assert!(
        written == String::from_utf8(out.stdout).unwrap(),
        "docs/rules.md is stale: run `chainrisk rules --format markdown > docs/rules.md` outside a directory with a chainrisk.toml"
    );
    let json = bin()
        .current_dir(dir.path())
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let rules: Vec<serde_json::Value> = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(written.matches("\n### ").count(), rules.len());
}

/// Every relative link of the README and docs/ points at a file in the
/// repository: a clone has nothing beside it.
#[test]
fn readme_and_docs_link_only_inside_the_repository() {
    let mut files = vec![root().join("README.md")];
    for e in std::fs::read_dir(root().join("docs")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "md") {
            files.push(p);
        }
    }
    let mut broken = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (i, _) in text.match_indices("](") {
            let target: String = text[i + 2..].chars().take_while(|c| *c != ')').collect();
            let path = target.split('#').next().unwrap();
            if path.is_empty() || path.contains("://") || path.starts_with("mailto:") {
                continue;
            }
            let resolved = file.parent().unwrap().join(path);
            let inside = resolved
                .canonicalize()
                .is_ok_and(|p| p.starts_with(root().canonicalize().unwrap()));
            if !inside {
                broken.push(format!("{}: {target}", file.display()));
            }
        }
    }
    assert!(broken.is_empty(), "links out of the repository: {broken:?}");
}
