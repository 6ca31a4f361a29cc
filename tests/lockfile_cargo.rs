//! Cargo inputs driven through the binary: `Cargo.lock` v1–v4 read directly,
//! a manifest read through `cargo metadata` (with the lockfile as fallback),
//! the corpus counts, a real generated project against cargo's own listing,
//! chainrisk's own workspace against `cargo metadata`, and clear failures.
//! Every scan runs `--offline`: no test touches the network.

mod common;
use common::*;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

fn scan(path: &Path, envs: &[(&str, &Path)]) -> Output {
    let mut cmd = bin();
    cmd.args(["scan", "--offline", "--format", "json"])
        .arg(path);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn scan_json(path: &Path) -> serde_json::Value {
    scan_json_with(path, &[])
}

fn scan_json_with(path: &Path, envs: &[(&str, &Path)]) -> serde_json::Value {
    let out = scan(path, envs);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "scan of {} failed: {stderr}",
        path.display()
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_report(&report, &path.display().to_string());
    report
}

/// `name version` of every component of a report.
fn name_versions(report: &serde_json::Value) -> BTreeSet<String> {
    report["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} {}",
                c["name"].as_str().unwrap(),
                c["version"].as_str().unwrap_or("")
            )
        })
        .collect()
}

fn component<'a>(report: &'a serde_json::Value, name: &str) -> &'a serde_json::Value {
    report["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no component {name}"))
}

fn warnings(report: &serde_json::Value) -> Vec<String> {
    report["inputs"][0]["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .collect()
}

fn cargo_lock_corpus() -> PathBuf {
    corpus().join("lockfiles/cargo")
}

fn demo_dir() -> PathBuf {
    root().join("fixtures/lockfiles/cargo/demo")
}

/// What `cargo metadata` listed for the demo project when it was generated.
fn demo_expected() -> BTreeSet<String> {
    std::fs::read_to_string(demo_dir().join("cargo-metadata-packages.txt"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

#[test]
fn corpus_lockfiles_have_one_component_per_package() {
    let dir = cargo_lock_corpus();
    for (rel, n, spec) in [
        ("v1-xi-editor-2020/Cargo.lock", 160, "v1"),
        ("v4-cyclonedx-rust-cargo/Cargo.lock", 279, "v4"),
    ] {
        let report = scan_json(&dir.join(rel));
        let input = &report["inputs"][0];
        assert_eq!(input["format"], "cargo-lock", "{rel}");
        assert_eq!(input["spec_version"], spec, "{rel}");
        assert_eq!(input["components_read"], n, "{rel}");
        assert_eq!(report["components"].as_array().unwrap().len(), n, "{rel}");
        assert!(
            input["warnings"].as_array().unwrap().is_empty(),
            "{rel}: {input}"
        );
    }
}

#[test]
fn v1_lockfile_checksums_git_branches_and_workspace_roots() {
    let dir = cargo_lock_corpus();
    let report = scan_json(&dir.join("v1-xi-editor-2020/Cargo.lock"));

    // Checksums come from the [metadata] table.
    let adler = component(&report, "adler32");
    assert_eq!(adler["hashes"][0]["alg"], "SHA-256");
    assert_eq!(adler["hashes"][0]["value"].as_str().unwrap().len(), 64);
    assert_eq!(adler["purl"], "pkg:cargo/adler32@1.0.4");
    assert_eq!(adler["source"]["kind"], "registry");

    // onig follows a branch: the lockfile records the commit it resolved
    // today, but the next update moves it, so it is not pinned (DEL-04).
    let onig = component(&report, "onig");
    assert_eq!(onig["source"]["kind"], "git");
    assert_eq!(
        onig["source"]["url"],
        "git+https://github.com/kornelski/rust-onig"
    );
    assert_eq!(
        onig["source"]["rev"],
        "3c40d5646bd00e91357f6f26dfa17f140fd1f5d9"
    );
    assert_eq!(onig["source"]["pinned"], false);
    assert!(
        onig["references"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["url"].as_str().unwrap().contains("?branch=bindgen#3c40d")),
        "the branch stays visible: {onig}"
    );
    assert!(
        onig["hashes"].as_array().unwrap().is_empty(),
        "<none> is no checksum"
    );
    assert_eq!(component(&report, "onig_sys")["source"]["pinned"], false);

    // Still a git dependency: CON-04 reports the irregular channel.
    let id = onig["id"].as_u64().unwrap();
    let con04 = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "CON-04" && f["component"].as_u64() == Some(id))
        .expect("CON-04 fires on onig");
    assert!(
        con04["message"]
            .as_str()
            .unwrap()
            .contains("at commit 3c40d"),
        "{con04}"
    );

    // The 11 workspace crates are the roots; their dependencies are direct.
    let roots: Vec<&serde_json::Value> = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["root"] == true)
        .collect();
    assert_eq!(roots.len(), 11);
    assert!(roots.iter().all(|c| c["source"]["kind"] == "path"));
    assert_eq!(component(&report, "memchr")["direct"], true);
    assert!(component(&report, "xi-core-lib")["build_code"].is_null());
}

#[test]
fn v4_lockfile_with_git_path_and_registry_entries() {
    let dir = tempfile::tempdir().unwrap();
    let lock = write(
        dir.path(),
        "Cargo.lock",
        br#"# This file is automatically @generated by Cargo.
# It is not intended for manual editing.
version = 4

[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "fork",
 "itoa",
 "util",
]

[[package]]
name = "fork"
version = "0.9.0"
source = "git+https://git.example/team/fork?rev=v0.9#c887c803ac56deb5f91b617ef0486ca3fb98473b"

[[package]]
name = "itoa"
version = "1.0.11"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "49f1f14873335454500d59611f1cf4a4b0f786f9ac11f4bb78f8e2f49b8765c4"

[[package]]
name = "util"
version = "0.1.0"
dependencies = [
 "itoa",
]
"#,
    );
    let report = scan_json(&lock);
    assert_eq!(report["inputs"][0]["spec_version"], "v4");
    assert_eq!(report["components"].as_array().unwrap().len(), 4);
    let fork = component(&report, "fork");
    assert_eq!(fork["source"]["kind"], "git");
    // `rev = "v0.9"` names a tag, not a commit: the recorded commit can move on update.
    assert_eq!(fork["source"]["pinned"], false);
    assert!(
        fork["purl"].as_str().unwrap().contains("vcs_url="),
        "{fork}"
    );
    assert_eq!(fork["direct"], true);
    let itoa = component(&report, "itoa");
    assert_eq!(itoa["source"]["kind"], "registry");
    assert_eq!(itoa["hashes"][0]["alg"], "SHA-256");
    let util = component(&report, "util");
    assert_eq!(util["source"]["kind"], "path");
    assert_eq!(util["root"], true);
    assert_eq!(component(&report, "app")["root"], true);
}

#[test]
fn syntax_error_in_a_lockfile_is_one_line_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let lock = write(
        dir.path(),
        "Cargo.lock",
        b"version = 3\n\n[[package]]\nname = \"a\nversion = \"1.0.0\"\n",
    );
    let out = scan(&lock, &[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(lines[0].contains("Cargo.lock"), "{stderr}");
    assert!(lines[0].contains("line 4, column"), "{stderr}");
    assert!(lines[0].contains("invalid Cargo.lock"), "{stderr}");
}

#[test]
fn unknown_lockfile_version_is_refused_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let lock = write(
        dir.path(),
        "Cargo.lock",
        b"# This file is automatically @generated by Cargo.\nversion = 99\n\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n",
    );
    let out = scan(&lock, &[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("line 2") && stderr.contains("format version 99"),
        "{stderr}"
    );
}

#[test]
fn broken_manifest_fails_with_cargos_error_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = write(
        dir.path(),
        "Cargo.toml",
        b"[package]\nname = \"broken\"\nversion = \n",
    );
    for input in [manifest.clone(), dir.path().to_path_buf()] {
        let out = scan(&input, &[]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        let lines: Vec<&str> = stderr.lines().collect();
        assert_eq!(lines.len(), 1, "{stderr}");
        assert!(
            lines[0].starts_with("error: ") && lines[0].contains("Cargo.toml"),
            "{stderr}"
        );
        assert!(lines[0].contains("cargo metadata failed"), "{stderr}");
        assert!(
            lines[0].contains("line 3"),
            "cargo's position is kept: {stderr}"
        );
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_valid_report(&report, "broken manifest");
    }
    assert!(
        !dir.path().join("Cargo.lock").exists(),
        "the scan writes nothing"
    );
}

/// Acceptance: `chainrisk scan .` on this repository lists exactly the
/// packages `cargo metadata` resolves for it.
#[test]
fn own_workspace_matches_cargo_metadata() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let metadata = |extra: &[&str]| {
        std::process::Command::new(cargo())
            .args(["metadata", "--format-version", "1", "--locked", "--offline"])
            .args(extra)
            .arg("--manifest-path")
            .arg(&manifest)
            .output()
            .unwrap()
    };
    let mut out = metadata(&[]);
    // A fresh clone has downloaded this platform's dependencies only (what
    // the build needed): then cargo, and chainrisk, list this platform's.
    let host_only = !out.status.success()
        && String::from_utf8_lossy(&out.stderr).contains("--offline was specified");
    if host_only {
        let host = String::from_utf8(
            std::process::Command::new(cargo())
                .arg("-vV")
                .output()
                .unwrap()
                .stdout,
        )
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
        .unwrap();
        out = metadata(&["--filter-platform", &host]);
    }
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let resolved: BTreeSet<&str> = meta["resolve"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    let expected: BTreeSet<String> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| resolved.contains(p["id"].as_str().unwrap()))
        .map(|p| {
            format!(
                "{} {}",
                p["name"].as_str().unwrap(),
                p["version"].as_str().unwrap()
            )
        })
        .collect();

    // `chainrisk scan .` in the repository, as a user types it.
    let out = bin()
        .args(["scan", "--offline", "--format", "json", "."])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_report(&report, "chainrisk scan .");
    assert_eq!(report["inputs"].as_array().unwrap().len(), 1);
    assert_eq!(report["inputs"][0]["format"], "cargo-metadata");
    assert!(
        !warnings(&report)
            .iter()
            .any(|w| w.contains("cargo metadata failed")),
        "{:?}",
        warnings(&report)
    );
    assert_eq!(
        warnings(&report)
            .iter()
            .any(|w| w.contains("has not downloaded the dependencies of other platforms")),
        host_only,
        "{:?}",
        warnings(&report)
    );
    assert_eq!(name_versions(&report), expected);
    let me = component(&report, "chainrisk");
    assert_eq!(me["root"], true);
    assert_eq!(me["source"]["kind"], "path");
    assert_eq!(me["source"]["path"], ".");
    assert_eq!(report["subject"]["name"], "chainrisk");
    // Dev-dependencies of chainrisk only (its test tools) are dev scope.
    assert_eq!(component(&report, "assert_cmd")["scope"], "dev");
    assert_eq!(component(&report, "serde")["scope"], "required");
}

#[test]
fn demo_project_matches_its_recorded_cargo_metadata_listing() {
    let expected = demo_expected();
    assert_eq!(expected.len(), 13);

    // The lockfile alone gives the same packages.
    let lock = scan_json(&demo_dir().join("Cargo.lock"));
    assert_eq!(name_versions(&lock), expected);
    assert_eq!(lock["inputs"][0]["spec_version"], "v4");

    // The directory stands for its manifest, read through cargo metadata.
    let report = scan_json(&demo_dir());
    assert_eq!(report["inputs"].as_array().unwrap().len(), 1);
    assert_eq!(report["inputs"][0]["format"], "cargo-metadata");
    assert_eq!(name_versions(&report), expected);
    assert_eq!(report["subject"]["name"], "chainrisk-cargo-demo");
    if warnings(&report)
        .iter()
        .any(|w| w.contains("cargo metadata failed"))
    {
        // A cargo home without the demo's crates: the fallback (tested below) was used.
        skip("cargo metadata could not run offline here (fallback used): build code unchecked");
        return;
    }
    let demo = component(&report, "chainrisk-cargo-demo");
    assert_eq!(demo["build_code"], serde_json::json!(["build-script"]));
    assert_eq!(demo["root"], true);
    assert_eq!(
        component(&report, "serde_derive")["build_code"],
        serde_json::json!(["proc-macro"])
    );
    assert_eq!(
        component(&report, "libc")["build_code"],
        serde_json::json!(["build-script"])
    );
    assert_eq!(
        component(&report, "itoa")["build_code"],
        serde_json::json!([])
    );
    assert_eq!(component(&report, "itoa")["hashes"][0]["alg"], "SHA-256");
    assert_eq!(component(&report, "itoa")["scope"], "required");
    assert_eq!(component(&report, "fastrand")["scope"], "dev");
    assert_eq!(component(&report, "autocfg")["scope"], "build");
    assert_eq!(component(&report, "syn")["scope"], "required");
    assert!(
        component(&report, "libc")["licenses"][0]["raw"]
            .as_str()
            .is_some()
    );
}

/// `cargo metadata` fails offline with an empty cargo home ("no matching
/// package"): the manifest is then read from its Cargo.lock, with a warning.
#[test]
fn failing_cargo_metadata_falls_back_to_the_lockfile() {
    let home = tempfile::tempdir().unwrap();
    let report = scan_json_with(&demo_dir(), &[("CARGO_HOME", home.path())]);
    let w = warnings(&report);
    assert!(
        w.iter().any(|w| w.starts_with("cargo metadata failed: ")
            && w.ends_with(
                "read Cargo.lock instead, so build scripts, proc-macros and licences of dependencies are unknown"
            )),
        "{w:?}"
    );
    assert_eq!(name_versions(&report), demo_expected());
    // The workspace member still comes from `cargo metadata --no-deps`.
    let demo = component(&report, "chainrisk-cargo-demo");
    assert_eq!(demo["build_code"], serde_json::json!(["build-script"]));
    assert_eq!(demo["licenses"][0]["raw"], "Apache-2.0");
    assert_eq!(demo["root"], true);
    // The lockfile's packages: checksums, but build code unknown.
    let serde_derive = component(&report, "serde_derive");
    assert!(serde_derive["build_code"].is_null(), "{serde_derive}");
    assert_eq!(serde_derive["hashes"][0]["alg"], "SHA-256");
}

#[test]
fn without_cargo_the_lockfile_is_read_with_a_warning() {
    let report = scan_json_with(
        &demo_dir(),
        &[("CARGO", Path::new("/nonexistent/bin/cargo"))],
    );
    let w = warnings(&report);
    assert!(
        w.iter()
            .any(|w| w.starts_with("cargo could not be run")
                && w.contains("read Cargo.lock instead")),
        "{w:?}"
    );
    assert_eq!(name_versions(&report), demo_expected());
    assert!(
        report["components"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["build_code"].is_null())
    );
}

#[test]
fn the_lockfile_beside_a_manifest_is_not_touched() {
    let before = std::fs::read(demo_dir().join("Cargo.lock")).unwrap();
    scan_json(&demo_dir());
    assert_eq!(
        std::fs::read(demo_dir().join("Cargo.lock")).unwrap(),
        before
    );
    assert!(!demo_dir().join("target").exists(), "nothing is built");
}

/// A manifest that no longer matches its lockfile: `cargo metadata --locked`
/// refuses, and the lockfile (what a `--locked` build would use) is read,
/// untouched.
#[test]
fn outdated_lockfile_is_read_as_is_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = std::fs::read_to_string(demo_dir().join("Cargo.toml")).unwrap();
    let manifest = manifest.replace("[dependencies]\n", "[dependencies]\nsmallvec = \"1\"\n");
    write(dir.path(), "Cargo.toml", manifest.as_bytes());
    write(dir.path(), "build.rs", b"fn main() {}\n");
    std::fs::create_dir(dir.path().join("src")).unwrap();
    write(dir.path(), "src/lib.rs", b"");
    let lock = std::fs::read(demo_dir().join("Cargo.lock")).unwrap();
    write(dir.path(), "Cargo.lock", &lock);

    let report = scan_json(dir.path());
    let w = warnings(&report);
    assert!(
        w.iter()
            .any(|w| w.starts_with("cargo metadata failed: ")
                && w.contains("read Cargo.lock instead")),
        "{w:?}"
    );
    assert_eq!(name_versions(&report), demo_expected());
    assert_eq!(std::fs::read(dir.path().join("Cargo.lock")).unwrap(), lock);
}

/// A Cargo.lock records no licences, and the crates index none either: a
/// lockfile scan cannot tell a crate's licence, so OPQ-05 is a known
/// unknown, never "has no licence". `cargo metadata` (the manifest) knows them.
#[test]
fn a_lockfile_without_licences_leaves_opq05_not_evaluated() {
    let report = scan_json(&demo_dir().join("Cargo.lock"));
    let opq05 = |r: &serde_json::Value| {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "OPQ-05")
            .count()
    };
    assert_eq!(opq05(&report), 0);
    let unknown: u64 = report["not_evaluated"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["rule"] == "OPQ-05")
        .map(|u| u["count"].as_u64().unwrap())
        .sum();
    assert!(unknown > 5, "{unknown}");
}
