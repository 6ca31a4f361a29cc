//! Directories as inputs: they stand for the manifests, lockfiles and SBOMs
//! at their top.

mod common;
use common::*;

#[test]
fn package_json_without_a_lockfile_reports_unpinned_ranges() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "package.json",
        br#"{"name": "web", "version": "0.1.0", "dependencies": {"lodash": "^4.17.21", "left-pad": "1.3.0"}}"#,
    );
    let out = bin()
        .args(["scan", "--format", "json"])
        .arg(dir.path())
        .assert()
        .success();
    let report: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_valid_report(&report, "package.json");
    assert_eq!(report["inputs"][0]["format"], "npm-manifest");
    assert!(
        report["inputs"][0]["warnings"]
            .to_string()
            .contains("no lockfile")
    );
    let del04: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "DEL-04")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(del04.len(), 1, "{del04:?}");
    assert!(
        del04[0].contains("lodash") && del04[0].contains("^4.17.21"),
        "{del04:?}"
    );
}

#[test]
fn a_directory_stands_for_every_input_at_its_top() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(demo(), dir.path().join("product.cdx.json")).unwrap();
    write(
        dir.path(),
        "package.json",
        br#"{"name": "web", "dependencies": {"lodash": "^4"}}"#,
    );
    write(dir.path(), "notes.txt", b"not an input");
    let out = bin()
        .args(["scan", "--format", "json"])
        .arg(dir.path())
        .assert()
        .success();
    let report: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let formats: Vec<&str> = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["format"].as_str().unwrap())
        .collect();
    assert_eq!(formats, ["npm-manifest", "cyclonedx-json"]);
}

/// A file name from a directory scan is quoted on stderr; escape sequences
/// (window title), a bell and a carriage return in it showed raw. Each now
/// shows as a visible escape.
#[cfg(unix)]
#[test]
fn a_file_name_quoted_on_stderr_shows_controls_as_escapes() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "evil\u{1b}]0;owned\u{7}\u{9b}2J\u{202e}\r\nerror: forged.cdx.json",
        b"not an SBOM",
    );
    let out = bin().arg("scan").arg(dir.path()).output().unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(terminal_controls(&stderr), Vec::<String>::new(), "{stderr}");
    assert!(
        stderr.contains(
            "evil\\u{1b}]0;owned\\u{7}\\u{9b}2J\\u{202e}\\u{d}\\u{a}error: forged.cdx.json: "
        ),
        "{stderr}"
    );
}

/// Every pip requirements file at a directory's top is an input; what a
/// development or test file lists is dev scope, and a plain requirements
/// file's entries are direct.
#[test]
fn every_requirements_file_at_the_top_is_read_and_dev_files_are_dev_scope() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "requirements.txt", b"requests==2.32.3\n");
    write(dir.path(), "requirements-dev.txt", b"pytest==8.0.0\n");
    write(dir.path(), "test-requirements.txt", b"hypothesis==6.0.0\n");
    write(dir.path(), "notes.txt", b"not a requirements file\n");
    let out = bin()
        .args(["scan", "--offline", "--format", "json"])
        .arg(dir.path())
        .assert()
        .success();
    let report: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_valid_report(&report, "requirements directory");
    let inputs: Vec<&str> = report["inputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap().rsplit('/').next().unwrap())
        .collect();
    assert_eq!(
        inputs,
        [
            "requirements-dev.txt",
            "requirements.txt",
            "test-requirements.txt"
        ]
    );
    let scope = |name: &str| {
        report["components"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap_or_else(|| panic!("no {name}"))["scope"]
            .clone()
    };
    assert_eq!(scope("requests"), "required");
    assert_eq!(scope("pytest"), "dev");
    assert_eq!(scope("hypothesis"), "dev");
    assert_eq!(report["summary"]["direct"], 3);
    assert_eq!(report["summary"]["directness_unknown"], 0);
    assert_eq!(report["summary"]["dev"], 2);

    // The terminal shows them apart; --scope shipped leaves them out.
    let text = bin()
        .args(["scan", "--offline"])
        .arg(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout).to_string();
    assert!(
        text.contains("of which 2 development or test dependencies"),
        "{text}"
    );
    let out = bin()
        .args([
            "scan",
            "--offline",
            "--scope",
            "shipped",
            "--format",
            "json",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("2 development or test dependencies left out")
    );
    let shipped: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_report(&shipped, "--scope shipped");
    let names: Vec<&str> = shipped["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["requests"]);
    assert!(
        shipped["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["component"].as_u64().is_none_or(|i| i == 0))
    );
}
