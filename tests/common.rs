//! Helpers shared by the integration tests (included with `mod common;`).
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

pub fn bin() -> Command {
    let mut c = Command::cargo_bin("chainrisk").expect("the chainrisk binary is built");
    c.env("SOURCE_DATE_EPOCH", "1764000000")
        .env_remove("CHAINRISK_COLOR");
    c
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The open corpus beside the repository (`../shared/corpus`), if present.
pub fn corpus() -> Option<PathBuf> {
    let p = root().join("../shared/corpus");
    p.join("SOURCES.md").exists().then_some(p)
}

pub fn demo() -> PathBuf {
    root().join("fixtures/demo/acme-edge-gateway.cdx.json")
}

/// Validates a report against `docs/report.schema.json`, listing every violation.
pub fn assert_valid_report(report: &serde_json::Value, what: &str) {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/report.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the report schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(report)
        .take(10)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: report does not match docs/report.schema.json:\n{}",
        errors.join("\n")
    );
}

pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}
