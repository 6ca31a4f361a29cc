//! SBM-07 on a real pair: an SBOM written by cyclonedx-npm and the lockfile
//! of the same project after it moved on (see fixtures/drift/npm/README.md).

mod common;
use common::*;

#[test]
fn drift_between_a_real_sbom_and_its_changed_lockfile() {
    let dir = root().join("fixtures/drift/npm");
    let out = bin()
        .args(["scan", "--format", "json"])
        .arg(dir.join("bom.cdx.json"))
        .arg(dir.join("package-lock.json"))
        .assert()
        .success();
    let report: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_valid_report(&report, "drift");
    let mut drift: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "SBM-07")
        .map(|f| {
            (
                f["evidence"][0]["value"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    drift.sort();
    assert_eq!(
        drift,
        [
            (
                "in SBOM only".to_string(),
                "node-gyp-build 4.8.4 is in the SBOM but not in the lockfile".to_string()
            ),
            (
                "in lockfile only".to_string(),
                "left-pad 1.3.0 is in the lockfile but missing from the SBOM".to_string()
            ),
            (
                "other version".to_string(),
                "ms is at 2.1.3 in the SBOM but 2.1.2 in the lockfile (2.0.0 in both)".to_string()
            ),
        ]
    );
    // The unchanged packages merged: one component each, read from both inputs.
    let debug = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "debug")
        .unwrap();
    assert_eq!(debug["locations"].as_array().unwrap().len(), 2);
}

#[test]
fn no_drift_between_an_sbom_and_the_lockfile_it_was_made_from() {
    let out = bin()
        .args(["scan", "--format", "json"])
        .arg(root().join("fixtures/drift/npm/bom.cdx.json"))
        .arg(root().join("fixtures/lockfiles/npm/demo/package-lock.json"))
        .assert()
        .success();
    let report: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["rule"] != "SBM-07")
    );
    assert!(
        !report["not_evaluated"]
            .as_array()
            .unwrap()
            .iter()
            .any(|u| u["rule"] == "SBM-07")
    );
}
