//! A delivered product read as delivered: a Debian 12 root filesystem
//! (fixtures/rootfs/README.md), alone and held against the supplier's SBOM
//! of the same system (fixtures/debian/).

mod common;
use common::bin;
use serde_json::Value;

const ROOT: &str = "fixtures/rootfs/debian-12-minbase";
const SBOM: &str = "fixtures/debian/minbase-bookworm.cdx.json";
/// 2026-12-03: bookworm is past its regular security support.
const AFTER_EOL: &str = "1796256000";

fn scan(args: &[&str]) -> Value {
    let out = bin()
        .args(["scan", "--format", "json"])
        .args(args)
        .env("SOURCE_DATE_EPOCH", AFTER_EOL)
        .assert()
        .success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

fn rules(report: &Value, rule: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_root_filesystem_is_read_as_its_installed_packages() {
    let report = scan(&[ROOT]);
    assert_eq!(report["inputs"][0]["format"], "rootfs");
    let debs: Vec<&Value> = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["ecosystem"] == "deb")
        .collect();
    assert_eq!(
        debs.len(),
        88,
        "every installed package of the status database"
    );
    let libc = debs.iter().find(|c| c["name"] == "libc6").unwrap();
    assert_eq!(libc["source_package"]["name"], "glibc");
    assert_eq!(libc["release"]["codename"], "bookworm");
    assert!(
        libc["locations"][0]["pointer"]
            .as_str()
            .unwrap()
            .starts_with("var/lib/dpkg/status:line "),
        "{}",
        libc["locations"][0]
    );
    assert_eq!(report["subject"]["name"], "Debian GNU/Linux");
    let unm07 = rules(&report, "UNM-07");
    assert_eq!(unm07.len(), 1);
    assert!(unm07[0].contains("88 packages"), "{}", unm07[0]);
}

#[test]
fn the_suppliers_sbom_of_the_same_system_does_not_drift() {
    let report = scan(&[ROOT, SBOM]);
    assert_eq!(rules(&report, "SBM-07"), Vec::<String>::new());
    let debs = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["ecosystem"] == "deb")
        .count();
    assert_eq!(
        debs, 151,
        "88 binaries merged across both spellings of the release, 63 sources"
    );
}

#[test]
fn an_sbom_that_leaves_a_package_out_or_lies_about_a_version_drifts() {
    let mut sbom: Value = serde_json::from_str(&std::fs::read_to_string(SBOM).unwrap()).unwrap();
    let comps = sbom["components"].as_array_mut().unwrap();
    comps.retain(|c| {
        !c["purl"]
            .as_str()
            .unwrap()
            .starts_with("pkg:deb/debian/bash@")
    });
    let tar = comps
        .iter_mut()
        .find(|c| {
            c["purl"]
                .as_str()
                .unwrap()
                .starts_with("pkg:deb/debian/tar@")
        })
        .unwrap();
    let real = tar["version"].as_str().unwrap().to_string();
    tar["version"] = "9.9-9".into();
    let encoded = real.replace('+', "%2B");
    tar["purl"] = tar["purl"]
        .as_str()
        .unwrap()
        .replace(&encoded, "9.9-9")
        .into();
    let dir = tempfile::tempdir().unwrap();
    let edited = dir.path().join("supplier.cdx.json");
    std::fs::write(&edited, serde_json::to_vec(&sbom).unwrap()).unwrap();

    let report = scan(&[ROOT, edited.to_str().unwrap()]);
    let mut drift = rules(&report, "SBM-07");
    drift.sort();
    assert_eq!(
        drift,
        vec![
            "debian/bash 5.2.15-2+b13 is in the delivered product but missing from the SBOM"
                .to_string(),
            format!("debian/tar is at 9.9-9 in the SBOM but {real} in the delivered product"),
        ]
    );
}

#[test]
fn a_directory_that_is_neither_project_nor_root_filesystem_names_both() {
    let dir = tempfile::tempdir().unwrap();
    bin()
        .args(["scan", dir.path().to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not a root filesystem"));
}

#[test]
fn the_distribution_fields_are_in_the_report_schema() {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string("docs/report.schema.json").unwrap()).unwrap();
    let validator = jsonschema::options().offline().build(&schema).unwrap();
    for report in [
        scan(&[ROOT, SBOM]),
        scan(&["fixtures/debian/minbase-bookworm.spdx.json"]),
    ] {
        let errors: Vec<String> = validator
            .iter_errors(&report)
            .take(5)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        assert!(report["lifecycle"].is_array() && report["components"][1]["release"].is_object());
    }
}
