//! DEL-10 from advisory directories: a vulnerability with a published fix
//! that the used version lacks. A RustSec advisory (RUSTSEC-2026-0009, copied
//! from the RustSec database) against a Cargo.lock, and the OSV fixtures
//! against an npm lockfile and a requirements file; in both, the advisories
//! without a fix stay UNM-06 and the fixed versions pass.

mod common;

use common::{bin, root, scan_json, write};

fn fixture(rel: &str) -> String {
    root().join(rel).display().to_string()
}

/// The findings of one rule: (component name@version, severity, message).
fn findings(report: &serde_json::Value, rule: &str) -> Vec<(String, String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| {
            let c = &report["components"][f["component"].as_u64().unwrap() as usize];
            (
                format!(
                    "{}@{}",
                    c["name"].as_str().unwrap(),
                    c["version"].as_str().unwrap()
                ),
                f["severity"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn rustsec_advisory_with_a_fix_is_del10_until_the_lockfile_takes_it() {
    let report = scan_json(&[
        &fixture("fixtures/advisories/cargo/Cargo.lock"),
        "--advisories",
        &fixture("fixtures/advisories/rustsec"),
    ]);
    common::assert_valid_report(&report, "DEL-10 on a Cargo.lock");
    assert_eq!(
        findings(&report, "DEL-10"),
        vec![(
            "time@0.3.45".to_string(),
            "high".to_string(),
            "time@0.3.45 is affected by RUSTSEC-2026-0009 (severity CVSS:4.0/AV:N/AC:H/AT:N/PR:L/UI:A/VC:N/VI:N/VA:H/SC:N/SI:N/SA:H), fixed in 0.3.47".to_string()
        )]
    );
    let del10 = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "DEL-10")
        .unwrap();
    let evidence = |key: &str| {
        del10["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["key"] == key)
            .unwrap_or_else(|| panic!("no {key} evidence"))
            .clone()
    };
    assert_eq!(evidence("nearest fix")["value"], "0.3.47");
    assert_eq!(
        evidence("nearest fix")["source"],
        "advisory:RUSTSEC-2026-0009"
    );
    assert_eq!(evidence("patched")["value"], ">=0.3.47");
    // A fix exists: not UNM-06's.
    assert!(findings(&report, "UNM-06").is_empty());

    // The same lockfile after `cargo update -p time --precise 0.3.47`.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(root().join("fixtures/advisories/cargo/Cargo.lock"))
        .unwrap()
        .replace("version = \"0.3.45\"", "version = \"0.3.47\"");
    let updated = write(dir.path(), "Cargo.lock", text.as_bytes());
    let report = scan_json(&[
        updated.to_str().unwrap(),
        "--advisories",
        &fixture("fixtures/advisories/rustsec"),
    ]);
    assert!(findings(&report, "DEL-10").is_empty());
    // Judged, not skipped: no known unknown for DEL-10 either.
    assert!(
        report["not_evaluated"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["rule"] != "DEL-10"),
        "{}",
        report["not_evaluated"]
    );
}

#[test]
fn osv_fixed_events_give_del10_with_the_advisory_rating() {
    let report = scan_json(&[
        &fixture("fixtures/advisories/fixable/package-lock.json"),
        &fixture("fixtures/advisories/fixable/requirements.txt"),
        "--advisories",
        &fixture("fixtures/advisories/osv"),
    ]);
    common::assert_valid_report(&report, "DEL-10 from OSV");
    let del10 = findings(&report, "DEL-10");
    assert_eq!(
        del10,
        vec![
            // GHSA rates it CRITICAL; of its fixes (0.2.4, 1.2.6) the nearest above 1.2.5.
            (
                "minimist@1.2.5".to_string(),
                "critical".to_string(),
                "minimist@1.2.5 is affected by GHSA-xvch-5gv4-984h (severity CRITICAL), fixed in 1.2.6".to_string()
            ),
            // No severity given: the rule's own, high (PyPI names read normalized).
            (
                "pyyaml@5.3.1".to_string(),
                "high".to_string(),
                "pyyaml@5.3.1 is affected by PYSEC-2021-142, fixed in 5.4".to_string()
            ),
        ]
    );
    // node-serialize's advisory has no fix: UNM-06, not DEL-10.
    let unm06 = findings(&report, "UNM-06");
    assert_eq!(unm06.len(), 1);
    assert_eq!(unm06[0].0, "node-serialize@0.0.4");
}

#[test]
fn fail_on_turns_a_del10_into_exit_1_and_the_rule_is_documented() {
    let out = bin()
        .arg("scan")
        .arg(fixture("fixtures/advisories/cargo/Cargo.lock"))
        .args(["--advisories", &fixture("fixtures/advisories/rustsec")])
        .args(["--fail-on", "high", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = bin().args(["rules", "DEL-10"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("security fix not applied"), "{text}");
    assert!(text.contains("M10(1)"), "{text}");
}
