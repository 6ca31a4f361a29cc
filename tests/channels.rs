//! Where components came from, end to end: git dependencies Cargo locks
//! from a branch or tag (DEL-04), npm `file:` dependencies on folders, and
//! the git crates of a cargo-sbom BOM (CON-04). Fixtures: fixtures/channels/.

mod common;

use common::{root, scan_json};
use std::collections::BTreeMap;

fn fixture(rel: &str) -> String {
    root()
        .join("fixtures/channels")
        .join(rel)
        .display()
        .to_string()
}

/// `name → message` of one rule's findings.
fn messages(report: &serde_json::Value, rule: &str) -> BTreeMap<String, String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| {
            let c = &report["components"][f["component"].as_u64().unwrap() as usize];
            (
                c["name"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn cargo_git_sources_following_a_branch_or_tag_are_unpinned() {
    let report = scan_json(&[&fixture("cargo-git/Cargo.lock")]);
    common::assert_valid_report(&report, "Cargo git sources");
    let del04 = messages(&report, "DEL-04");
    assert_eq!(
        del04.keys().map(String::as_str).collect::<Vec<_>>(),
        ["gitdep", "headdep", "tagged"],
        "{del04:?}"
    );
    assert_eq!(
        del04["gitdep"],
        "gitdep@0.3.0 is taken from git following a branch or tag that can move (now at commit 0123456789abcdef0123456789abcdef01234567)"
    );
    // The branch shows in the evidence, as Cargo wrote the source.
    let gitdep = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "DEL-04" && f["message"].as_str().unwrap().starts_with("gitdep"))
        .unwrap();
    assert!(
        gitdep["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["key"] == "declared as"
                && e["value"].as_str().unwrap().contains("?branch=main#")),
        "{gitdep}"
    );
    // Every git crate is still an irregular channel, the pinned one included.
    assert_eq!(messages(&report, "CON-04").len(), 4);
}

#[test]
fn npm_file_dependencies_on_folders_are_irregular_channels() {
    let report = scan_json(&[&fixture("npm-file/package-lock.json")]);
    common::assert_valid_report(&report, "npm file: dependencies");
    let con04 = messages(&report, "CON-04");
    assert_eq!(
        con04.get("lib").map(String::as_str),
        Some("lib@2.0.0 comes from local path ../lib, not from a registry"),
        "{con04:?}"
    );
    assert!(con04.contains_key("tarred"), "{con04:?}");
    // `lib` is a dependency, not the project: judged like any other.
    let lib = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "lib")
        .unwrap();
    assert!(lib.get("root").is_none_or(|r| r == false), "{lib}");
}

#[test]
fn a_git_crate_of_a_cargo_sbom_bom_is_an_irregular_channel() {
    let report = scan_json(&[&fixture("cargo-sbom.cdx.json")]);
    common::assert_valid_report(&report, "cargo-sbom BOM");
    let con04 = messages(&report, "CON-04");
    assert_eq!(
        con04.keys().map(String::as_str).collect::<Vec<_>>(),
        ["gitdep"],
        "the crates.io crate and the workspace member are not: {con04:?}"
    );
    assert_eq!(
        con04["gitdep"],
        "gitdep@0.3.0 does not come from its ecosystem's default registry: cargo-sbom writes a purl for crates.io crates only, and this crate has none: it came from git, a local path or another registry"
    );
    let gitdep = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "gitdep")
        .unwrap();
    assert_eq!(gitdep["ecosystem"], "cargo");
    assert_eq!(gitdep["source"]["kind"], "elsewhere");
}
