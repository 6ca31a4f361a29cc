//! `chainrisk diff` between two scans of a small product: one component
//! added (mystery-blob), one removed (left-pad), one upgraded (requests);
//! lodash keeps its missing hash across both.

mod common;
use common::*;

use serde_json::Value;
use std::path::{Path, PathBuf};

/// Scans a fixture with the real binary into a JSON report in `dir`.
fn report(dir: &Path, fixture: &str, name: &str) -> PathBuf {
    let out = dir.join(name);
    let status = bin()
        .current_dir(root())
        .args(["scan", fixture, "--format", "json", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    out
}

fn reports() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let old = report(dir.path(), "fixtures/diff/before.cdx.json", "old.json");
    let new = report(dir.path(), "fixtures/diff/after.cdx.json", "new.json");
    (dir, old, new)
}

fn diff(args: &[&str]) -> (i32, String, String) {
    let out = bin().arg("diff").args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

fn names(list: &Value, field: &str) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|x| x[field].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn components_and_findings_between_two_scans() {
    let (_dir, old, new) = reports();
    let (code, out, err) = diff(&[
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 0, "{err}");
    let d: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(d["schema"], "chainrisk.diff/v1");
    let c = &d["components"];
    assert_eq!(names(&c["added"], "name"), ["mystery-blob"]);
    assert_eq!(names(&c["removed"], "name"), ["left-pad"]);
    assert_eq!(names(&c["changed"], "name"), ["requests"]);
    assert_eq!(c["changed"][0]["old_version"], "2.31.0");
    assert_eq!(c["changed"][0]["new_version"], "2.32.3");
    assert_eq!(
        c["changed"][0]["changes"],
        serde_json::json!(["version", "hashes"])
    );

    let f = &d["findings"];
    let new_findings: Vec<String> = f["new"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            format!(
                "{} {}",
                x["rule"].as_str().unwrap(),
                x["component"].as_str().unwrap_or("-")
            )
        })
        .collect();
    assert!(
        new_findings.contains(&"DEL-01 mystery-blob".to_string()),
        "{new_findings:?}"
    );
    assert!(
        new_findings.contains(&"OPQ-05 mystery-blob".to_string()),
        "{new_findings:?}"
    );
    assert!(
        new_findings.iter().all(|x| x.ends_with("mystery-blob")),
        "{new_findings:?}"
    );
    let resolved: Vec<String> = names(&f["resolved"], "component");
    assert!(
        resolved.iter().all(|x| x == "left-pad") && !resolved.is_empty(),
        "{resolved:?}"
    );
    let unchanged: Vec<String> = f["unchanged"]
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            format!(
                "{} {}",
                x["rule"].as_str().unwrap(),
                x["component"].as_str().unwrap_or("-")
            )
        })
        .collect();
    assert_eq!(unchanged, ["DEL-01 lodash"]);
}

#[test]
fn table_and_markdown() {
    let (dir, old, new) = reports();
    let (code, table, _) = diff(&[old.to_str().unwrap(), new.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(
        table.contains("components: 1 added, 1 removed, 1 changed"),
        "{table}"
    );
    assert!(
        table.contains("~ requests 2.31.0 → 2.32.3 (version, hashes)"),
        "{table}"
    );
    assert!(table.contains("- left-pad 1.3.0"), "{table}");

    let md_path = dir.path().join("diff.md");
    let (code, stdout, _) = diff(&[
        old.to_str().unwrap(),
        new.to_str().unwrap(),
        "-f",
        "markdown",
        "-o",
        md_path.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert!(stdout.is_empty(), "-o writes the file, not stdout");
    let md = std::fs::read_to_string(&md_path).unwrap();
    assert!(md.starts_with("## chainrisk: changes in diff-demo"), "{md}");
    assert!(md.contains("| components | 1 | 1 | 1 |"), "{md}");
    assert!(
        md.contains("| changed | requests | 2.31.0 | 2.32.3 | version, hashes |"),
        "{md}"
    );
    assert!(
        md.contains("| resolved | medium | DEL-01 | left-pad@1.3.0 |"),
        "{md}"
    );
}

#[test]
fn a_report_against_itself_has_no_changes() {
    let (_dir, old, _) = reports();
    let (code, out, _) = diff(&[old.to_str().unwrap(), old.to_str().unwrap(), "-f", "json"]);
    assert_eq!(code, 0);
    let d: Value = serde_json::from_str(&out).unwrap();
    for k in ["added", "removed", "changed"] {
        assert_eq!(d["components"][k], serde_json::json!([]), "{k}");
    }
    assert_eq!(d["findings"]["new"], serde_json::json!([]));
    assert_eq!(d["findings"]["resolved"], serde_json::json!([]));
    assert_eq!(
        d["findings"]["unchanged"].as_array().unwrap().len(),
        d["old"]["findings"].as_u64().unwrap() as usize
    );
}

#[test]
fn a_file_that_is_not_a_report_is_named_with_its_position() {
    let (dir, old, _) = reports();
    // An SBOM is JSON, but not a chainrisk report.
    let (code, out, err) = diff(&[old.to_str().unwrap(), demo().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains("acme-edge-gateway.cdx.json is not a chainrisk report"),
        "{err}"
    );
    assert!(err.contains("line ") && err.contains("column "), "{err}");

    // Broken JSON: the line and column of the break.
    let broken = write(
        dir.path(),
        "broken.json",
        b"{\n  \"schema\": \"chainrisk.report/v1\",\n  \"tool\": [\n",
    );
    let (code, _, err) = diff(&[broken.to_str().unwrap(), old.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("broken.json is not a chainrisk report"),
        "{err}"
    );
    assert!(err.contains("line 3") || err.contains("line 4"), "{err}");
    assert!(err.contains("(at tool)"), "{err}");

    // Another schema id.
    let mut other: Value = serde_json::from_str(&std::fs::read_to_string(&old).unwrap()).unwrap();
    other["schema"] = "chainrisk.report/v0".into();
    let other = write(dir.path(), "v0.json", other.to_string().as_bytes());
    let (code, _, err) = diff(&[old.to_str().unwrap(), other.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        err.contains("v0.json is not a chainrisk report") && err.contains("chainrisk.report/v0"),
        "{err}"
    );

    let (code, _, err) = diff(&[old.to_str().unwrap(), "/nonexistent/report.json"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("cannot read /nonexistent/report.json"),
        "{err}"
    );
}
