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
