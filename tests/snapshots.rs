//! Snapshot tests of the reports on the demo product: any change to what a
//! reviewer or a machine reads shows up as a diff to review.

mod common;
use common::*;

fn scan(args: &[&str]) -> String {
    let out = bin()
        .current_dir(root())
        .args([
            "scan",
            "fixtures/demo/acme-edge-gateway.cdx.json",
            "--color",
            "never",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn demo_json_report() {
    let mut report: serde_json::Value = serde_json::from_str(&scan(&["--format", "json"])).unwrap();
    // The tool version changes with every release; the rest must not change unnoticed.
    report["tool"]["version"] = "[version]".into();
    insta::assert_json_snapshot!("demo-report", report);
}

#[test]
fn demo_terminal_summary() {
    let text = scan(&[]).replace(env!("CARGO_PKG_VERSION"), "[version]");
    insta::assert_snapshot!("demo-table", text);
}

/// A report or an SBOM given where a snapshot belongs is named for what it
/// is, not as a snapshot missing a field.
#[test]
fn a_report_or_sbom_given_as_snapshot_is_named_for_what_it_is() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    bin()
        .args(["scan", "--offline", "--format", "json", "-o"])
        .arg(&report)
        .arg(demo())
        .assert()
        .success();
    for (file, what) in [
        (
            report.as_path(),
            "is a chainrisk report, not a registry snapshot",
        ),
        (demo().as_path(), "is an SBOM, not a registry snapshot"),
    ] {
        let out = bin().args(["snapshot", "info"]).arg(file).output().unwrap();
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(what), "{stderr}");
        assert!(stderr.contains("chainrisk snapshot export"), "{stderr}");
    }
}
