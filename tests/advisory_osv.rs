//! OSV advisory directories (npm and PyPI fixtures), UNM-01 and UNM-06 from
//! them, the known unknowns without a database, and malformed advisory
//! files: exit 2 with file and line, no panic.

mod common;

use common::{bin, root, scan_json, write};
use std::collections::BTreeSet;

fn inputs() -> [String; 2] {
    let dir = root().join("fixtures/advisories/inputs");
    [
        dir.join("package-lock.json").display().to_string(),
        dir.join("requirements.txt").display().to_string(),
    ]
}

fn osv_dir() -> String {
    root().join("fixtures/advisories/osv").display().to_string()
}

fn scan(extra: &[&str]) -> serde_json::Value {
    let inputs = inputs();
    let mut args: Vec<&str> = inputs.iter().map(String::as_str).collect();
    args.extend_from_slice(extra);
    scan_json(&args)
}

/// `rule name@version → advisory ids` of the findings of one rule.
fn fired(report: &serde_json::Value, rule: &str) -> BTreeSet<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| {
            let c = &report["components"][f["component"].as_u64().unwrap() as usize];
            let name = match c["namespace"].as_str() {
                Some(ns) => format!("{ns}/{}", c["name"].as_str().unwrap()),
                None => c["name"].as_str().unwrap().to_string(),
            };
            let ids: Vec<&str> = f["evidence"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|e| e["key"] == "advisory")
                .map(|e| e["value"].as_str().unwrap())
                .collect();
            format!(
                "{name}@{} {}",
                c["version"].as_str().unwrap(),
                ids.join(",")
            )
        })
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn osv_unmaintained_and_unfixed_advisories_for_npm_and_pypi() {
    let report = scan(&["--advisories", &osv_dir()]);
    common::assert_valid_report(&report, "OSV fixtures");
    // Unmaintained markers at the affected entry (npm) and at the top (PyPI,
    // a name written `Nose`, matched under PEP 503). legacy-utils 2.4.0 is
    // at or below `last_affected` 2.9.9.
    assert_eq!(
        fired(&report, "UNM-01"),
        set(&[
            "@example/legacy-utils@2.4.0 GHSA-9m3c-7qh2-wr4j",
            "nose@1.3.7 PYSEC-2026-7",
            "request@2.88.2 GHSA-p8p7-x288-28g6",
        ])
    );
    // No fixed version at all. Not here: minimist 1.2.8 (fixed in 1.2.6),
    // PyYAML 6.0.1 (fixed in 5.4), lodash (its advisory is withdrawn), and
    // the three unmaintained notices above (UNM-01's, not counted twice).
    assert_eq!(
        fired(&report, "UNM-06"),
        set(&[
            "node-serialize@0.0.4 GHSA-5v2h-r2cx-5xgj",
            "pycrypto@2.6.1 PYSEC-2017-94",
        ])
    );
    let dbs = report["advisories"].as_array().unwrap();
    assert_eq!(dbs.len(), 1);
    assert_eq!(dbs[0]["format"], "osv");
    // Eight files, one withdrawn.
    assert_eq!(dbs[0]["advisories"], 7);
    assert_eq!(dbs[0]["newest"], "2026-11-03");
    // The scan time of the tests (2025-11-24) is before the newest advisory: not stale.
    assert_eq!(dbs[0]["stale"], false);
    // Advisory rules judged every component: nothing left unknown for them.
    assert!(
        report["not_evaluated"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["rule"] != "UNM-01" && n["rule"] != "UNM-06")
    );
}

#[test]
fn without_a_database_advisory_rules_are_known_unknowns() {
    let report = scan(&[]);
    assert!(report.get("advisories").is_none());
    for rule in ["UNM-01", "UNM-06"] {
        assert!(fired(&report, rule).is_empty());
        let unknown = report["not_evaluated"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["rule"] == rule)
            .unwrap_or_else(|| panic!("{rule} is not reported as not evaluated"));
        assert_eq!(unknown["count"], 9);
        assert!(
            unknown["reason"]
                .as_str()
                .unwrap()
                .contains("advisory database")
        );
    }
}

#[test]
fn a_database_of_another_ecosystem_proves_nothing() {
    // A RustSec database says nothing about npm or PyPI packages.
    let dir = tempfile::tempdir().unwrap();
    let crates = dir.path().join("crates/old");
    std::fs::create_dir_all(&crates).unwrap();
    write(
        &crates,
        "RUSTSEC-2020-0001.md",
        b"```toml\n[advisory]\nid = \"RUSTSEC-2020-0001\"\npackage = \"old\"\ndate = \"2020-01-01\"\ninformational = \"unmaintained\"\n\n[versions]\npatched = []\n```\n\n# old is unmaintained\n",
    );
    let report = scan(&["--advisories", dir.path().to_str().unwrap()]);
    let reasons: Vec<(String, u64)> = report["not_evaluated"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["rule"] == "UNM-01")
        .map(|n| {
            (
                n["reason"].as_str().unwrap().to_string(),
                n["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        reasons,
        vec![
            (
                "no advisory database given covers the npm ecosystem".to_string(),
                5
            ),
            (
                "no advisory database given covers the pypi ecosystem".to_string(),
                4
            ),
        ]
    );
}

/// Runs a scan with one advisory directory; returns (exit code, stderr).
fn scan_with(dir: &std::path::Path) -> (Option<i32>, String) {
    let out = bin()
        .arg("scan")
        .args(inputs())
        .args(["--advisories", dir.to_str().unwrap(), "-f", "json"])
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn malformed_rustsec_file_exits_2_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let crates = dir.path().join("crates/broken");
    std::fs::create_dir_all(&crates).unwrap();
    // Line 6 of the file: a string that never closes.
    let path = write(
        &crates,
        "RUSTSEC-2021-0099.md",
        b"```toml\n[advisory]\nid = \"RUSTSEC-2021-0099\"\npackage = \"broken\"\ndate = \"2021-01-01\"\ninformational = \"unmaint\n\n[versions]\npatched = []\n```\n\n# broken\n",
    );
    let (code, stderr) = scan_with(dir.path());
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("{}:6:", path.display())),
        "{stderr}"
    );
    assert!(!stderr.contains("panicked"), "{stderr}");

    // A requirement that is not semver: its own line.
    write(
        &crates,
        "RUSTSEC-2021-0099.md",
        b"```toml\n[advisory]\nid = \"RUSTSEC-2021-0099\"\npackage = \"broken\"\ndate = \"2021-01-01\"\n\n[versions]\npatched = [\">= 1.x.y\"]\n```\n",
    );
    let (code, stderr) = scan_with(dir.path());
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("{}:8:", path.display())),
        "{stderr}"
    );
    assert!(stderr.contains("semver requirement"), "{stderr}");
}

#[test]
fn malformed_osv_file_exits_2_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        root().join("fixtures/advisories/osv/GHSA-xvch-5gv4-984h.json"),
        dir.path().join("GHSA-xvch-5gv4-984h.json"),
    )
    .unwrap();
    let bad = write(
        dir.path(),
        "GHSA-bad0-0000-0000.json",
        b"{\n  \"id\": \"GHSA-bad0-0000-0000\",\n  \"affected\": [\n    {\"package\": {\"ecosystem\": \"npm\", \"name\": \"x\"}, \"ranges\": [{\"type\": \"SEMVER\", \"events\": 3}]}\n  ]\n}\n",
    );
    let (code, stderr) = scan_with(dir.path());
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("{}:4:", bad.display())),
        "{stderr}"
    );
    assert!(stderr.contains("events"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");

    // Not JSON at all.
    write(
        dir.path(),
        "GHSA-bad0-0000-0000.json",
        b"{\n  \"id\": \"x\",\n  oops\n}\n",
    );
    let (code, stderr) = scan_with(dir.path());
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains(&format!("{}:3:", bad.display())),
        "{stderr}"
    );
}

#[test]
fn a_missing_or_empty_directory_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stderr) = scan_with(&dir.path().join("nowhere"));
    assert_eq!(code, Some(2));
    assert!(stderr.contains("not a directory"), "{stderr}");
    let (code, stderr) = scan_with(dir.path());
    assert_eq!(code, Some(2));
    assert!(stderr.contains("no advisories found"), "{stderr}");
}
