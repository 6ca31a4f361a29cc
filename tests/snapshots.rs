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

#[path = "../benches/support/gapped_bom.rs"]
mod gapped_bom;

/// The JSON report of the render bench's 10,000-component document, built
/// through the real ingest and rules at a fixed time: its content (keys
/// sorted, whitespace and the temporary directory left out) hashes to the
/// golden digest captured before the report writer was changed for speed
/// (issue 12). A change of content on purpose updates
/// `fixtures/golden/report-10k.sha256` and says why in the commit.
#[test]
fn the_10k_report_content_is_the_golden_one() {
    use sha2::Digest;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bom-10000.cdx.json");
    std::fs::write(&path, gapped_bom::synthetic_bom(10_000)).unwrap();
    let inv = chainrisk::ingest::ingest(std::slice::from_ref(&path));
    let now = jiff::Timestamp::from_second(1_764_000_000).unwrap();
    let eval =
        chainrisk::rules::evaluate(&inv, &chainrisk::rules::Thresholds::default(), now, None);
    let a = chainrisk::Assessment::new(inv, eval, chainrisk::report::format_time(now));
    // The compact form `scan --format json` streams since; the golden was
    // captured from the pretty one: the content must not differ.
    let mut bytes = Vec::new();
    chainrisk::report::json::write_as(&a, &mut bytes, false).unwrap();
    let text = String::from_utf8(bytes)
        .unwrap()
        .replace(&format!("{}/", dir.path().display()), "");
    let value: serde_json::Value = serde_json::from_str(&text).unwrap();
    let canonical = serde_json::to_vec(&value).unwrap();
    let digest = chainrisk::model::encode::hex(&sha2::Sha256::digest(&canonical));
    let golden = std::fs::read_to_string(root().join("fixtures/golden/report-10k.sha256")).unwrap();
    let golden = golden.split_whitespace().next().unwrap();
    assert_eq!(
        digest,
        golden,
        "the 10,000-component report's content changed ({} findings)",
        a.findings.len()
    );
}

/// `--format json` is one compact line; `--pretty` indents it for people;
/// the content is the same (and `-o FILE` writes the same bytes as stdout).
#[test]
fn json_is_compact_by_default_and_pretty_on_request() {
    let compact = scan(&["--format", "json"]);
    let pretty = scan(&["--format", "json", "--pretty"]);
    assert_eq!(compact.lines().count(), 1);
    assert!(pretty.lines().count() > 100);
    // The same content; only the recorded command line differs.
    let content = |text: &str| {
        let mut v: serde_json::Value = serde_json::from_str(text).unwrap();
        v.as_object_mut().unwrap().remove("invocation");
        v
    };
    assert_eq!(content(&compact), content(&pretty));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("r.json");
    scan(&["--format", "json", "-o", file.to_str().unwrap()]);
    let written = std::fs::read_to_string(&file).unwrap();
    assert_eq!(written.lines().count(), 1);
    assert_eq!(content(&written), content(&compact));
}

/// SARIF and CycloneDX are compact too, and `--pretty` indents them; the
/// content is the same but for the scan's own time and command line.
#[test]
fn sarif_and_cyclonedx_are_compact_by_default_and_pretty_on_request() {
    fn stable(v: &mut serde_json::Value) {
        match v {
            serde_json::Value::Object(map) => {
                for volatile in [
                    "invocations",
                    "timestamp",
                    "serialNumber",
                    "startTimeUtc",
                    "endTimeUtc",
                ] {
                    map.remove(volatile);
                }
                map.values_mut().for_each(stable);
            }
            serde_json::Value::Array(items) => items.iter_mut().for_each(stable),
            _ => {}
        }
    }
    let content = |text: &str| {
        let mut v: serde_json::Value = serde_json::from_str(text).unwrap();
        stable(&mut v);
        v
    };
    for format in ["sarif", "cyclonedx"] {
        let compact = scan(&["--format", format]);
        let pretty = scan(&["--format", format, "--pretty"]);
        assert_eq!(compact.lines().count(), 1, "{format}");
        assert!(pretty.lines().count() > 100, "{format}");
        assert_eq!(content(&compact), content(&pretty), "{format}");
    }
}
