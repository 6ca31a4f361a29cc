//! The RPM repository client against loopback repositories
//! (fixtures/archive/fedora/, written in createrepo's documented shape by
//! fixtures/archive/make-fedora.py): repositories from flags and from dnf's
//! own `.repo` files, repomd.xml checksums and its detached signature, the
//! updates and their security advisories, and faults.

mod common;
#[path = "support/mock_registry.rs"]
mod mock_registry;

use std::path::Path;

use common::bin;
use mock_registry::{MockRegistry, Reply};
use serde_json::Value;

const ROOT: &str = "fixtures/rootfs/fedora-40-mini";
/// The key the updates repository's repomd.xml is signed with.
const KEY: &str = "fixtures/archive/test-archive-key.asc";
/// 2024-12-23.
const NOW: &str = "1734912000";
const RELEASE: &str = "fedora/releases/$releasever/Everything/$basearch/os/";
const UPDATES: &str = "fedora/updates/$releasever/Everything/$basearch/";

/// Serves fixtures/archive/fedora; `change` may replace a file's reply.
fn repositories(change: impl Fn(&str, Vec<u8>) -> Reply) -> MockRegistry {
    let mock = MockRegistry::start();
    let top = common::root().join("fixtures/archive");
    for f in common::files_under(&top.join("fedora")) {
        let path = format!("/{}", f.strip_prefix(&top).unwrap().display());
        let bytes = std::fs::read(&f).unwrap();
        mock.route(&path, vec![change(&path, bytes)]);
    }
    mock
}

fn plain(_: &str, bytes: Vec<u8>) -> Reply {
    Reply::new(200, bytes)
}

fn flags(mock: &MockRegistry) -> Vec<String> {
    vec![
        "--no-cache".into(),
        "--registry".into(),
        format!("rpm={}", mock.url(RELEASE)),
        "--registry".into(),
        format!("rpm={}", mock.url(UPDATES)),
        "--archive-keyring".into(),
        KEY.into(),
    ]
}

fn scan(args: &[String], env: &[(&str, &Path)]) -> Value {
    let mut cmd = bin();
    cmd.args(["scan", "--format", "json", ROOT])
        .args(args)
        .env("SOURCE_DATE_EPOCH", NOW);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn findings(report: &Value, rule: &str) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| {
            (
                f["severity"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

fn rpm_resolution(report: &Value) -> &Value {
    report["resolution"]["ecosystems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["ecosystem"] == "rpm")
        .expect("an rpm resolution block")
}

#[test]
fn an_rpm_root_is_resolved_against_its_release_and_updates() {
    let mock = repositories(plain);
    let report = scan(&flags(&mock), &[]);
    let rpm = rpm_resolution(&report);
    assert_eq!(
        (rpm["packages"].as_u64(), rpm["live"].as_u64()),
        (Some(3), Some(3)),
        "{rpm}"
    );
    assert_eq!(
        findings(&report, "DEL-08"),
        [
            (
                "high".to_string(),
                "fixture-libs 1:2.3-4.fc40 is not the release's current build: 1:2.3-5.fc40 in updates is published for fedora 40 through the security channel".to_string()
            ),
            (
                "medium".to_string(),
                "fixture-shell 5.2.26-3.fc40 is not the release's current build: 5.2.26-4.fc40 in updates is published for fedora 40".to_string()
            ),
        ],
        "the security update (updateinfo type=security) is high, the bugfix medium"
    );
    assert!(findings(&report, "OPQ-02").is_empty());
    let indexes = rpm["indexes"].as_array().unwrap();
    // The updates repository's repomd.xml is signed with the test key; the release's is not.
    for i in indexes {
        let url = i["url"].as_str().unwrap();
        assert_eq!(
            i["signed_by"]
                .as_str()
                .is_some_and(|s| s.contains("chainrisk test archive key")),
            url.contains("/updates/"),
            "{i}"
        );
    }
    assert!(
        indexes
            .iter()
            .any(|i| i["url"].as_str().unwrap().ends_with("-updateinfo.xml.gz"))
    );
    // Each metadata file once.
    assert_eq!(
        mock.requests_to("/fedora/updates/40/Everything/x86_64/repodata/repomd.xml"),
        1
    );
}

#[test]
fn repositories_come_from_dnfs_own_repo_files() {
    let mock = repositories(plain);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("fedora.repo"),
        format!(
            "[fedora]\nname=Fedora $releasever\nbaseurl={}\nenabled=1\n\n[updates]\nbaseurl={}\ngpgkey=file://{}\n\n[updates-testing]\nmetalink=https://mirrors.registry.example/metalink?repo=updates-testing-f$releasever\nenabled=0\n\n[cisco]\nmetalink=https://mirrors.registry.example/metalink?repo=cisco\n",
            mock.url(RELEASE),
            mock.url(UPDATES),
            common::root().join(KEY).display()
        ),
    )
    .unwrap();
    let report = scan(&[], &[("CHAINRISK_YUM_REPOS_D", dir.path())]);
    let rpm = rpm_resolution(&report);
    assert_eq!(rpm["live"], 3, "{rpm}");
    assert!(
        rpm["configured_by"]
            .as_str()
            .unwrap()
            .ends_with("fedora.repo:1"),
        "{rpm}"
    );
    assert_eq!(findings(&report, "DEL-08").len(), 2);
    let errors = report["resolution"]["errors"].to_string();
    assert!(
        errors.contains("[cisco] names its mirrors through a metalink"),
        "a repository given by a metalink only is named, not silently skipped: {errors}"
    );
    assert!(
        !errors.contains("updates-testing"),
        "a disabled repository is not a problem"
    );
}

#[test]
fn metadata_that_does_not_match_or_verify_is_not_used() {
    // The updates' primary.xml changed in transit: its checksum in repomd.xml does not match.
    let mock = repositories(|path, mut bytes| {
        if path.contains("/updates/") && path.contains("-primary.xml") {
            let last = bytes.len() - 1;
            bytes[last] ^= 1;
        }
        Reply::new(200, bytes)
    });
    let report = scan(&flags(&mock), &[]);
    assert!(findings(&report, "DEL-08").is_empty());
    assert!(
        findings(&report, "OPQ-02").is_empty(),
        "packages missing because a repository was not read are not called unknown"
    );
    let errors = report["resolution"]["errors"].to_string();
    assert!(errors.contains("where repomd.xml says"), "{errors}");

    // A forged signature: the updates repository is not used at all.
    let forged = repositories(|path, bytes| {
        if path.ends_with("repomd.xml.asc") {
            let text = String::from_utf8(bytes).unwrap().replace('A', "B");
            Reply::new(200, text)
        } else {
            Reply::new(200, bytes)
        }
    });
    let report = scan(&flags(&forged), &[]);
    assert!(findings(&report, "DEL-08").is_empty());
    let errors = report["resolution"]["errors"].to_string();
    assert!(
        errors.contains("signature not verified, the repository is not used"),
        "{errors}"
    );
}

/// createrepo names primary and updateinfo by their checksum: once kept in
/// the cache, a later scan (here asking for a package the first did not)
/// reads them from there; only repomd.xml is asked again.
#[test]
fn checksum_named_metadata_is_read_from_the_cache_the_second_time() {
    let mock = repositories(plain);
    let dir = tempfile::tempdir().unwrap();
    let mut args = flags(&mock);
    args.retain(|a| a != "--no-cache");
    args.extend([
        "--cache".to_string(),
        dir.path().join("c.sqlite").display().to_string(),
    ]);
    let first = scan(&args, &[]);
    assert_eq!(rpm_resolution(&first)["live"], 3);
    let sbom = dir.path().join("more.cdx.json");
    std::fs::write(
        &sbom,
        serde_json::json!({"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "components": [
            {"type": "library", "name": "unrelated", "version": "9.9-1.fc40",
             "purl": "pkg:rpm/fedora/unrelated@9.9-1.fc40?arch=noarch&distro=fedora-40"}]})
        .to_string(),
    )
    .unwrap();
    args.push(sbom.display().to_string());
    let second = scan(&args, &[]);
    assert!(
        findings(&second, "OPQ-02").is_empty(),
        "found in the kept primary"
    );
    let primaries: Vec<String> = mock
        .received()
        .iter()
        .map(|r| r.path.clone())
        .filter(|p| p.contains("-primary.xml"))
        .collect();
    assert_eq!(
        primaries.len(),
        2,
        "each repository's primary once, over two scans: {primaries:?}"
    );
    assert_eq!(
        mock.requests_to("/fedora/updates/40/Everything/x86_64/repodata/repomd.xml"),
        2,
        "repomd.xml says what is current: asked every scan"
    );
}
