//! Bad input: a clear one-line error naming the file and the position, exit 2,
//! never a panic; the other inputs are still scanned.

mod common;
use common::*;

/// Scans one file and returns (exit code, stderr).
fn scan_err(name: &str, bytes: &[u8]) -> (i32, String) {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), name, bytes);
    let out = bin()
        .args(["scan", "--format", "json"])
        .arg(&p)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!stderr.contains("panicked"), "{name} panicked: {stderr}");
    // The report is still written and still valid.
    let report: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("a JSON report even on failure");
    assert_valid_report(&report, name);
    (out.status.code().unwrap(), stderr)
}

fn assert_one_line_error(name: &str, bytes: &[u8], expect: &[&str]) {
    let (code, stderr) = scan_err(name, bytes);
    assert_eq!(code, 2, "{name}: {stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{name}: one line expected, got {stderr}");
    assert!(
        lines[0].starts_with("error: ") && lines[0].contains(name),
        "{name}: {stderr}"
    );
    for e in expect {
        assert!(lines[0].contains(e), "{name}: expected {e:?} in {stderr}");
    }
}

#[test]
fn empty_file() {
    assert_one_line_error("empty.json", b"", &["empty file"]);
}

#[test]
fn binary_garbage() {
    assert_one_line_error(
        "garbage.bin",
        b"\x7fELF\x02\x01\x01\x00\x00\x00\xff\xfe",
        &["binary data", "line 1, column"],
    );
}

#[test]
fn truncated_json() {
    let bytes =
        br#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [{"name": "a", "vers"#;
    assert_one_line_error(
        "truncated.cdx.json",
        bytes,
        &["unexpected end of file", "line 1, column"],
    );
}

#[test]
fn truncated_xml() {
    let bytes = b"<?xml version=\"1.0\"?>\n<bom xmlns=\"http://cyclonedx.org/schema/bom/1.4\">\n  <components>\n    <component type=\"library\">\n      <name>a</na";
    assert_one_line_error("truncated.cdx.xml", bytes, &["line "]);
}

#[test]
fn wrong_types_in_structure() {
    let bytes = br#"{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": "oops"}"#;
    assert_one_line_error("wrong-type.cdx.json", bytes, &["at /components", "array"]);
}

#[test]
fn wrong_type_in_one_component_skips_only_that_component() {
    let bytes = br#"{"bomFormat": "CycloneDX", "specVersion": "1.5", "components": [
        {"name": "bad", "hashes": "not-a-list"},
        {"name": "good", "version": "1.0.0", "purl": "pkg:npm/good@1.0.0"}]}"#;
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "partly-bad.cdx.json", bytes);
    let out = bin()
        .args(["scan", "--format", "json"])
        .arg(&p)
        .assert()
        .success();
    let report: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(report["inputs"][0]["components_read"], 1);
    assert_eq!(report["components"][0]["name"], "good");
    let warnings = report["inputs"][0]["warnings"].to_string();
    assert!(warnings.contains("/components/0/hashes"), "{warnings}");
}

#[test]
fn unknown_format() {
    assert_one_line_error(
        "list.json",
        br#"[{"vendor": "x", "purl": "pkg:npm/a@1"}]"#,
        &["unrecognised format", "JSON array"],
    );
    assert_one_line_error("notes.txt", b"just some notes\n", &["unrecognised format"]);
    assert_one_line_error("other.json", br#"{"name": "x"}"#, &["unrecognised format"]);
}

#[test]
fn directory_and_missing_path() {
    let dir = tempfile::tempdir().unwrap();
    let out = bin().args(["scan"]).arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("is a directory with no SBOM, manifest or lockfile"),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let out = bin()
        .args(["scan", "does-not-exist.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr).trim(),
        "error: does-not-exist.json: no such file"
    );
}

#[test]
fn deep_nesting_json() {
    let mut s = String::from(r#"{"bomFormat":"CycloneDX","specVersion":"1.6","components":["#);
    for _ in 0..200 {
        s.push_str(r#"{"name":"n","components":["#);
    }
    for _ in 0..200 {
        s.push_str("]}");
    }
    s.push_str("]}");
    assert_one_line_error(
        "deep.cdx.json",
        s.as_bytes(),
        &["recursion limit", "line 1, column"],
    );
}

#[test]
fn deep_nesting_xml() {
    let mut s = String::from(
        "<?xml version=\"1.0\"?><bom xmlns=\"http://cyclonedx.org/schema/bom/1.5\"><components>",
    );
    for _ in 0..2000 {
        s.push_str("<component type=\"library\"><name>n</name><components>");
    }
    for _ in 0..2000 {
        s.push_str("</components></component>");
    }
    s.push_str("</components></bom>");
    assert_one_line_error("deep.cdx.xml", s.as_bytes(), &["line 1, column"]);
}

#[test]
fn valid_sbom_without_components_is_an_empty_report_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "empty-bom.cdx.json",
        br#"{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1}"#,
    );
    let out = bin()
        .args(["scan", "--format", "json"])
        .arg(&p)
        .assert()
        .success();
    let report: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(report["summary"]["components"], 0);
    assert!(
        report["inputs"][0]["warnings"]
            .to_string()
            .contains("no components")
    );
    assert!(report["inputs"][0]["error"].is_null());
}

#[test]
fn one_failing_input_does_not_stop_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), "bad.json", b"{ not json");
    let out = bin()
        .args(["scan", "--format", "json"])
        .arg(demo())
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_report(&report, "mixed");
    assert_eq!(
        report["summary"]["components"], 17,
        "the good input is still scanned"
    );
    let failed = &report["inputs"][1];
    assert!(
        failed["error"]
            .as_str()
            .unwrap()
            .contains("line 1, column 3"),
        "{failed}"
    );
    assert!(
        failed["sha256"].is_string(),
        "the bytes were read, so they are hashed"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
}

/// A key written twice (here the list of components) keeps every entry of
/// both, in every JSON reader, with a warning naming both positions.
#[test]
fn a_key_written_twice_hides_no_component() {
    let cases: [(&str, &str, &str); 5] = [
        (
            "dup.cdx.json",
            r#"{"bomFormat": "CycloneDX", "specVersion": "1.5",
"components": [{"name": "event-stream", "version": "3.3.6", "purl": "pkg:npm/event-stream@3.3.6"}],
"components": [{"name": "left-pad", "name": "left-pad", "version": "1.3.0", "purl": "pkg:npm/left-pad@1.3.0"}]}"#,
            "components",
        ),
        (
            "dup.spdx.json",
            r#"{"spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT",
"packages": [{"SPDXID": "SPDXRef-a", "name": "event-stream", "versionInfo": "3.3.6"}],
"packages": [{"SPDXID": "SPDXRef-b", "name": "left-pad", "versionInfo": "1.3.0"}]}"#,
            "packages",
        ),
        (
            "dup.spdx3.json",
            r#"{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld",
"@graph": [{"type": "software_Package", "spdxId": "urn:a", "name": "event-stream", "software_packageVersion": "3.3.6"}],
"@graph": [{"type": "software_Package", "spdxId": "urn:b", "name": "left-pad", "software_packageVersion": "1.3.0"}]}"#,
            "@graph",
        ),
        (
            "package-lock.json",
            r#"{"name": "app", "lockfileVersion": 3,
"packages": {"": {"name": "app"}, "node_modules/event-stream": {"version": "3.3.6"}},
"packages": {"node_modules/left-pad": {"version": "1.3.0"}}}"#,
            "packages",
        ),
        (
            "Pipfile.lock",
            r#"{"_meta": {"pipfile-spec": 6},
"default": {"event-stream": {"version": "==3.3.6"}},
"default": {"left-pad": {"version": "==1.3.0"}}}"#,
            "default",
        ),
    ];
    for (name, text, key) in cases {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), name, text.as_bytes());
        let out = bin()
            .args(["scan", "--offline", "--format", "json"])
            .arg(&p)
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_valid_report(&report, name);
        let names: Vec<&str> = report["components"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c["name"].as_str())
            .collect();
        for want in ["event-stream", "left-pad"] {
            assert!(
                names.contains(&want),
                "{name}: {want} missing from {names:?}"
            );
        }
        let warnings = report["inputs"][0]["warnings"].to_string();
        let expect = format!(
            "line 2, column 1 and line 3, column 1: key \\\"{key}\\\" written twice at the top level"
        );
        assert!(warnings.contains(&expect), "{name}: {warnings}");
    }
}

/// A YAML lockfile past one of the reader's limits (here an anchor replayed
/// by many aliases) is told in words, with the limit, not the YAML crate's
/// internal value ("budget breached: Nodes { nodes: 250001 }").
#[test]
fn yaml_limits_are_told_in_words() {
    let anchor = format!("&a [{}1]", "1,".repeat(999));
    let aliases = vec!["*a"; 300].join(", ");
    let pnpm = format!("lockfileVersion: '9.0'\nx: {anchor}\ny: [{aliases}]\n");
    let yarn = format!(
        "__metadata:\n  version: 6\n\n\"a@npm:1.0.0\":\n  version: 1.0.0\n  x: {anchor}\n  y: [{aliases}]\n"
    );
    for (name, text) in [("pnpm-lock.yaml", pnpm), ("yarn.lock", yarn)] {
        let expect = [
            "more than 250000 YAML nodes",
            "the limit for a file of this size",
            "line ",
        ];
        assert_one_line_error(name, text.as_bytes(), &expect);
        let (_, stderr) = scan_err(name, text.as_bytes());
        for internal in ["budget", "Nodes", "{"] {
            assert!(!stderr.contains(internal), "{name}: {stderr}");
        }
    }
    let bomb = format!(
        "lockfileVersion: '9.0'\nx: &a [1]\ny: [{}]\n",
        vec!["*a"; 2000].join(", ")
    );
    assert_one_line_error(
        "pnpm-lock.yaml",
        bomb.as_bytes(),
        &[
            "2000 alias uses for 1 anchor(s)",
            "an alias bomb is not expanded",
        ],
    );
}
