//! Issue 15's input hazards: a FIFO given as an input must not block the
//! scan, and a URL given as `--cache` must not become a directory.

mod common;
use common::{bin, std_bin};
use std::time::{Duration, Instant};

#[test]
fn a_fifo_input_is_refused_at_once_not_read_forever() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("bom.cdx.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let mut child = std_bin()
        .args(["scan"])
        .arg(&fifo)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > Duration::from_secs(30) {
            child.kill().unwrap();
            panic!("the scan blocked on a FIFO");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(2));
    let mut err = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert!(err.contains("is not a regular file"), "{err}");
}

#[test]
fn a_url_as_cache_is_a_usage_error_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::root().join("fixtures/demo/gsutil-5.29.cdx.json");
    for args in [
        vec![
            "scan",
            demo.to_str().unwrap(),
            "--cache",
            "postgres://db.example/chainrisk",
        ],
        vec!["cache", "stats", "--cache", "http://cache.example/x.db"],
    ] {
        bin()
            .current_dir(dir.path())
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicates::str::contains("is a URL"));
    }
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no `postgres:` directory"
    );
}

#[test]
fn an_output_never_overwrites_what_the_scan_reads() {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::root().join("fixtures/demo/gsutil-5.29.cdx.json");
    let sbom = dir.path().join("bom.cdx.json");
    std::fs::copy(&demo, &sbom).unwrap();
    let before = std::fs::read(&sbom).unwrap();
    let link = dir.path().join("same.json");
    std::os::unix::fs::symlink(&sbom, &link).unwrap();
    let policy = dir.path().join("chainrisk.toml");
    std::fs::write(&policy, "[thresholds]\n").unwrap();
    let s = |p: &std::path::Path| p.to_str().unwrap().to_string();
    for (args, what) in [
        (
            vec![
                "--format".into(),
                "json".into(),
                "-o".into(),
                s(&sbom),
                s(&sbom),
            ],
            "is the input",
        ),
        (
            vec![
                "--format".into(),
                "json".into(),
                "-o".into(),
                s(&link),
                s(&sbom),
            ],
            "is the input",
        ),
        (
            vec![
                "--format".into(),
                "json".into(),
                "-o".into(),
                s(&policy),
                "--policy".into(),
                s(&policy),
                s(&sbom),
            ],
            "is the policy",
        ),
    ] {
        bin()
            .arg("scan")
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(what));
    }
    assert_eq!(std::fs::read(&sbom).unwrap(), before, "the SBOM is intact");
    assert_eq!(std::fs::read_to_string(&policy).unwrap(), "[thresholds]\n");
}
