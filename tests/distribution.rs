//! Distribution packages end to end: a real Debian 12 system described by
//! debsbom (fixtures/debian/README.md), its release and source packages,
//! and the lifecycle rules UNM-07 and UNM-08 on the bundled lifecycle data.

mod common;
use common::bin;
use serde_json::Value;

const CDX: &str = "fixtures/debian/minbase-bookworm.cdx.json";
const SPDX: &str = "fixtures/debian/minbase-bookworm.spdx.json";
/// 2026-12-03: bookworm is past its regular security support (2026-07-11), in LTS.
const AFTER_EOL: &str = "1796256000";
/// 2026-07-01: still in regular security support.
const BEFORE_EOL: &str = "1782864000";

fn scan(args: &[&str], epoch: &str) -> Value {
    let out = bin()
        .args(["scan", "--format", "json"])
        .args(args)
        .env("SOURCE_DATE_EPOCH", epoch)
        .assert()
        .success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

fn findings<'a>(report: &'a Value, rule: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

fn binaries(report: &Value) -> Vec<&Value> {
    report["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["ecosystem"] == "deb" && !c["purl"].as_str().unwrap().contains("arch=source"))
        .collect()
}

#[test]
fn a_debian_12_system_past_regular_support_gets_one_unm07_naming_its_dates() {
    let report = scan(&[CDX], AFTER_EOL);
    let unm07 = findings(&report, "UNM-07");
    assert_eq!(unm07.len(), 1, "one finding per release in use");
    let f = unm07[0];
    assert_eq!(f["severity"], "high", "LTS still runs");
    assert_eq!(f["component"], Value::Null, "a product-level finding");
    let bins = binaries(&report).len();
    assert_eq!(bins, 88);
    assert_eq!(
        f["message"],
        format!(
            "debian 12 (bookworm) is past the end of its regular security support (2026-07-11); still running: LTS until 2028-06-30, Extended LTS until 2033-06-30; {bins} packages of the product are built for it"
        )
    );
    let sources: Vec<&str> = f["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["source"].as_str().unwrap())
        .collect();
    assert!(
        sources.contains(&"lifecycle:debian.csv@2026-04-25"),
        "{sources:?}"
    );
    assert_eq!(
        report["lifecycle"][0],
        serde_json::json!({"file": "debian.csv", "path": "bundled", "as_of": "2026-04-25"})
    );
}

#[test]
fn before_the_end_of_regular_support_there_is_no_unm07() {
    let report = scan(&[CDX], BEFORE_EOL);
    assert!(findings(&report, "UNM-07").is_empty());
    let ne = report["not_evaluated"].as_array().unwrap();
    assert!(!ne.iter().any(|n| n["rule"] == "UNM-07"), "{ne:?}");
}

#[test]
fn every_package_carries_its_completed_release_and_every_binary_its_source() {
    let report = scan(&[CDX], AFTER_EOL);
    for c in report["components"].as_array().unwrap() {
        if c["ecosystem"] != "deb" {
            continue;
        }
        assert_eq!(
            c["release"],
            serde_json::json!({"distro": "debian", "version": "12", "codename": "bookworm"}),
            "{}",
            c["purl"]
        );
    }
    let bins = binaries(&report);
    let libc6 = bins.iter().find(|c| c["name"] == "libc6").unwrap();
    assert_eq!(libc6["source_package"]["name"], "glibc");
    let without: Vec<&str> = bins
        .iter()
        .filter(|c| c["source_package"].is_null())
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(without.is_empty(), "binaries without a source: {without:?}");
}

#[test]
fn the_spdx_and_cyclonedx_of_one_system_give_the_same_sources_and_finding() {
    let cdx = scan(&[CDX], AFTER_EOL);
    let spdx = scan(&[SPDX], AFTER_EOL);
    let sources = |r: &Value| {
        let mut v: Vec<(String, String)> = binaries(r)
            .iter()
            .map(|c| {
                (
                    c["name"].as_str().unwrap().to_string(),
                    c["source_package"]["name"]
                        .as_str()
                        .unwrap_or("-")
                        .to_string(),
                )
            })
            .collect();
        v.sort();
        v
    };
    assert_eq!(sources(&cdx), sources(&spdx));
    assert_eq!(
        findings(&cdx, "UNM-07")[0]["message"],
        findings(&spdx, "UNM-07")[0]["message"]
    );
}

/// A handmade SBOM: one package in each state of Debian's security-support lists.
const SUPPORT: &str = r#"{"bomFormat":"CycloneDX","specVersion":"1.5","version":1,
 "metadata":{"component":{"type":"operating-system","name":"Debian","version":"12"}},
 "components":[
  {"type":"library","name":"libwolfssl35","version":"5.5.4-2+deb12u2","purl":"pkg:deb/debian/libwolfssl35@5.5.4-2%2Bdeb12u2?arch=amd64&distro=debian-12&upstream=wolfssl"},
  {"type":"library","name":"binutils","version":"2.40-2","purl":"pkg:deb/debian/binutils@2.40-2?arch=amd64&distro=debian-12&upstream=binutils"},
  {"type":"library","name":"libssl3","version":"3.0.17-1~deb12u2","purl":"pkg:deb/debian/libssl3@3.0.17-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl"},
  {"type":"library","name":"mystery","version":"1.0-1","purl":"pkg:deb/debian/mystery@1.0-1?arch=amd64"},
  {"type":"library","name":"left-pad","version":"1.3.0","purl":"pkg:npm/left-pad@1.3.0"}
 ]}"#;

#[test]
fn unm08_follows_debians_security_support_lists() {
    let dir = tempfile::tempdir().unwrap();
    let sbom = dir.path().join("support.cdx.json");
    std::fs::write(&sbom, SUPPORT).unwrap();
    let report = scan(&[sbom.to_str().unwrap()], AFTER_EOL);
    let unm08 = findings(&report, "UNM-08");
    let by = |name: &str| {
        unm08
            .iter()
            .find(|f| {
                f["message"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("source package {name} "))
            })
            .copied()
    };
    assert_eq!(unm08.len(), 2, "{unm08:#?}");
    assert_eq!(by("wolfssl").unwrap()["severity"], "high");
    assert_eq!(by("binutils").unwrap()["severity"], "medium");
    assert!(by("openssl").is_none());
    let ne: Vec<&Value> = report["not_evaluated"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["rule"] == "UNM-08")
        .collect();
    assert_eq!(
        ne.len(),
        1,
        "only `mystery` (no source package) is unknown: {ne:?}"
    );
    assert_eq!(ne[0]["count"], 1);
}

#[test]
fn a_product_without_distribution_packages_has_no_lifecycle_block_or_unknowns() {
    let report = scan(&["fixtures/demo/gsutil-5.29.cdx.json"], AFTER_EOL);
    assert!(report.get("lifecycle").is_none());
    let ne = report["not_evaluated"].as_array().unwrap();
    assert!(
        !ne.iter()
            .any(|n| n["rule"] == "UNM-07" || n["rule"] == "UNM-08"),
        "not applicable is not unknown: {ne:?}"
    );
}
