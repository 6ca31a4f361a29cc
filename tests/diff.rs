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

/// The reports compared are inputs too. A component whose group, name and
/// version carry escape sequences (clear the screen, window title,
/// clipboard, hyperlink), line breaks, a C1 CSI and a bidirectional
/// override shows them as visible escapes: in the table on a terminal
/// (`CLICOLOR_FORCE`) and off one, and in the Markdown, whose rows stay rows.
#[test]
fn control_characters_in_a_report_show_as_escapes() {
    let dir = tempfile::tempdir().unwrap();
    let old = report(dir.path(), "fixtures/diff/before.cdx.json", "old.json");
    let new = report(
        dir.path(),
        "fixtures/injection/payloads.cdx.json",
        "new.json",
    );
    let (old, new) = (old.to_str().unwrap(), new.to_str().unwrap());
    let shown = "grp\\u{202e}exe.txt/term\\u{1b}[2J\\u{1b}]0;owned title\\u{7}\\u{1b}]52;c;ZXZpbA==\\u{7}\\u{1b}]8;;http://evil.example/\\u{1b}\\link\\u{1b}]8;;\\u{1b}\\";
    let version = "4.0.0\\u{d}\\u{a}  ok     forged-line\\u{9b}31m";
    for force in ["1", "0"] {
        let out = bin()
            .env("CLICOLOR_FORCE", force)
            .env_remove("NO_COLOR")
            .args(["diff", old, new])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0));
        let table = String::from_utf8(out.stdout).unwrap();
        assert_eq!(
            terminal_controls(&table),
            Vec::<String>::new(),
            "CLICOLOR_FORCE={force}:\n{table}"
        );
        assert!(
            table.contains(&format!("  + {shown} {version}\n")),
            "CLICOLOR_FORCE={force}:\n{table}"
        );
    }

    let (code, md, _) = diff(&[old, new, "--format", "markdown"]);
    assert_eq!(code, 0);
    assert_eq!(terminal_controls(&md), Vec::<String>::new(), "{md}");
    let row = md
        .lines()
        .find(|l| l.starts_with("| added | grp"))
        .unwrap_or_else(|| panic!("the payload component is added:\n{md}"));
    assert!(
        row.starts_with("| added | grp\\u{202e}exe.txt/term\\u{1b}\\[2J"),
        "{row}"
    );
    assert!(
        row.contains("| 4.0.0\\u{d}\\u{a}  ok     forged-line\\u{9b}31m |"),
        "{row}"
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
