//! The Alpine client against a loopback mirror (fixtures/archive/alpine/,
//! written in the documented APKINDEX shape and signed with a test key, see
//! fixtures/archive/make-alpine.py): mirrors from a flag and from apk's own
//! `repositories`, signatures (SHA-1 and SHA-256, a changed index, an
//! unknown key), the distribution rules on what the indexes say, and faults.

mod common;
#[path = "support/mock_registry.rs"]
mod mock_registry;

use common::bin;
use mock_registry::{Fault, MockRegistry, Reply};
use serde_json::Value;

const ROOT: &str = "fixtures/rootfs/alpine-3.20-mini";
const KEY: &str = "fixtures/archive/alpine-keys/chainrisk-test-alpine.rsa.pub";
/// 2024-12-23: after every fixture build time.
const NOW: &str = "1734912000";

fn index_paths() -> Vec<String> {
    [
        "v3.20/main",
        "v3.20/community",
        "edge/main",
        "edge/community",
    ]
    .iter()
    .map(|b| format!("/alpine/{b}/x86_64/APKINDEX.tar.gz"))
    .collect()
}

/// Serves the fixture mirror; `change` may replace one index's reply.
fn mirror(change: impl Fn(&str, Vec<u8>) -> Reply) -> MockRegistry {
    let mock = MockRegistry::start();
    for path in index_paths() {
        let bytes =
            std::fs::read(common::root().join("fixtures/archive").join(&path[1..])).unwrap();
        mock.route(&path, vec![change(&path, bytes)]);
    }
    mock
}

fn plain(_: &str, bytes: Vec<u8>) -> Reply {
    Reply::new(200, bytes)
}

fn scan(inputs: &[&str], extra: &[String]) -> Value {
    let out = bin()
        .args(["scan", "--format", "json", "--no-cache"])
        .args(inputs)
        .args(extra)
        .env("SOURCE_DATE_EPOCH", NOW)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn flags(mock: &MockRegistry) -> Vec<String> {
    vec![
        "--registry".into(),
        format!("apk={}", mock.url("alpine")),
        "--archive-keyring".into(),
        KEY.into(),
    ]
}

fn messages(report: &Value, rule: &str) -> Vec<String> {
    let mut v: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

fn apk_resolution(report: &Value) -> &Value {
    report["resolution"]["ecosystems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["ecosystem"] == "apk")
        .expect("an apk resolution block")
}

#[test]
fn an_alpine_root_is_resolved_against_its_branch_and_edge() {
    let mock = mirror(plain);
    let report = scan(&[ROOT], &flags(&mock));
    let apk = apk_resolution(&report);
    assert_eq!(
        (apk["packages"].as_u64(), apk["live"].as_u64()),
        (Some(8), Some(8)),
        "{apk}"
    );
    let indexes = apk["indexes"].as_array().unwrap();
    assert_eq!(indexes.len(), 4, "v3.20 and edge, main and community");
    assert!(
        indexes
            .iter()
            .all(|i| i["signed_by"] == KEY && i["error"].is_null()),
        "{indexes:?}"
    );
    // Only libcrypto3 has a newer build in v3.20 (3.3.3-r0 over the installed 3.3.2-r0).
    assert_eq!(
        messages(&report, "DEL-08"),
        [
            "libcrypto3 3.3.2-r0 is not the release's current build: 3.3.3-r0 in v3.20/main is published for alpine 3.20"
        ]
    );
    let del08 = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "DEL-08")
        .unwrap();
    assert!(
        del08["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["source"]
                .as_str()
                .unwrap()
                .starts_with("archive:v3.20/main/x86_64/APKINDEX.tar.gz@")),
        "{del08}"
    );
    assert!(
        messages(&report, "OPQ-02").is_empty(),
        "every package is one the branch built"
    );
    assert!(
        messages(&report, "UNM-09").is_empty(),
        "edge still builds every origin"
    );
    // One index per branch, repository and architecture, each fetched once.
    for path in index_paths() {
        assert_eq!(mock.requests_to(&path), 1, "{path}");
    }
}

#[test]
fn an_sboms_alpine_packages_are_judged_by_the_same_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let sbom = dir.path().join("alpine.cdx.json");
    let purl = |name: &str, version: &str| {
        format!("pkg:apk/alpine/{name}@{version}?arch=x86_64&distro=alpine-3.20.3")
    };
    let components: Vec<Value> = [
        ("py3-legacy", "0.9.1-r4"),
        ("vendor-agent", "1.0-r0"),
        ("zlib", "1.3.1-r9"),
        ("musl", "1.2.5-r0"),
    ]
    .iter()
    .map(|(n, v)| serde_json::json!({"type": "library", "name": n, "version": v, "purl": purl(n, v)}))
    .collect();
    let bom = serde_json::json!({"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "components": components});
    std::fs::write(&sbom, bom.to_string()).unwrap();
    let mock = mirror(plain);
    let report = scan(&[sbom.to_str().unwrap()], &flags(&mock));
    assert_eq!(
        messages(&report, "OPQ-02"),
        [
            "vendor-agent is not in the archive of alpine 3.20.3: not a package the distribution builds",
            "zlib 1.3.1-r9 is not a build of alpine 3.20.3: the archive's newest is 1.3.1-r1 in v3.20/main (a vendor or local rebuild)",
        ]
    );
    assert_eq!(
        messages(&report, "UNM-09"),
        [
            "source package py3-legacy is in none of the distribution's development suites: dropped from the next release of alpine"
        ]
    );
    // Without Alpine's releases.json, when community's support ends is unknown.
    assert!(
        report["not_evaluated"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["rule"] == "UNM-08"
                && n["reason"]
                    .as_str()
                    .unwrap_or("")
                    .contains("CHAINRISK_ALPINE_RELEASES")),
        "{}",
        report["not_evaluated"]
    );
    // py3-legacy's only build is from 2022: no build for more than 24 months.
    let unm04 = messages(&report, "UNM-04");
    assert_eq!(unm04.len(), 1, "{unm04:?}");
    assert!(
        unm04[0].starts_with(
            "alpine/py3-legacy: no release of any version for 32 months (newest 2022-04-15)"
        ),
        "{unm04:?}"
    );
}

#[test]
fn mirrors_come_from_apks_own_repositories_file() {
    let mock = mirror(plain);
    let etc = tempfile::tempdir().unwrap();
    std::fs::create_dir(etc.path().join("keys")).unwrap();
    std::fs::copy(KEY, etc.path().join("keys/chainrisk-test-alpine.rsa.pub")).unwrap();
    std::fs::write(
        etc.path().join("repositories"),
        format!(
            "{0}/v3.20/main\n{0}/v3.20/community\n@testing {0}/edge/testing\n",
            mock.url("alpine")
        ),
    )
    .unwrap();
    let out = bin()
        .args(["scan", "--format", "json", "--no-cache", ROOT])
        .env("CHAINRISK_APK_ETC", etc.path())
        .env("SOURCE_DATE_EPOCH", NOW)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let apk = apk_resolution(&report);
    assert_eq!(apk["live"], 8, "{apk}");
    assert!(
        apk["configured_by"]
            .as_str()
            .unwrap()
            .ends_with("repositories:1"),
        "{apk}"
    );
    assert!(
        apk["indexes"]
            .as_array()
            .unwrap()
            .iter()
            .all(|i| i["signed_by"] == "chainrisk-test-alpine.rsa.pub"),
        "keys/ holds the key by the name the signature gives"
    );
    assert_eq!(messages(&report, "DEL-08").len(), 1);
}

#[test]
fn an_index_that_does_not_verify_is_not_used() {
    // The release branch's main index changed in transit: its signature fails.
    let tampered = mirror(|path, mut bytes| {
        if path.contains("v3.20/main") {
            let at = bytes.len() - 9;
            bytes[at] ^= 1;
        }
        Reply::new(200, bytes)
    });
    let report = scan(&[ROOT], &flags(&tampered));
    let apk = apk_resolution(&report);
    let main = apk["indexes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["url"].as_str().unwrap().contains("v3.20/main"))
        .unwrap();
    assert!(
        main["error"].as_str().unwrap().contains("does not verify"),
        "{main}"
    );
    assert!(messages(&report, "DEL-08").is_empty());
    assert!(
        messages(&report, "OPQ-02").is_empty(),
        "a package missing because an index was refused is not called unknown"
    );
    let errors = report["resolution"]["errors"].to_string();
    assert!(errors.contains("apk: archive:v3.20/main/"), "{errors}");

    // No key at all: nothing is used, and the message says how to give one.
    let mock = mirror(plain);
    let report = scan(
        &[ROOT],
        &["--registry".into(), format!("apk={}", mock.url("alpine"))],
    );
    let apk = apk_resolution(&report);
    assert!(
        apk["indexes"][0]["error"]
            .as_str()
            .unwrap()
            .contains("no apk key is known"),
        "{apk}"
    );
    assert_eq!(apk["live"], 0);
}

#[test]
fn a_mirror_that_fails_leaves_packages_unresolved_not_unknown() {
    let mock = mirror(|path, bytes| {
        if path.contains("v3.20/main") {
            Reply::new(200, bytes).fault(Fault::Truncate)
        } else if path.contains("edge/community") {
            Reply::status(503)
        } else {
            Reply::new(200, bytes)
        }
    });
    let report = scan(&[ROOT], &flags(&mock));
    assert!(messages(&report, "OPQ-02").is_empty());
    assert!(messages(&report, "DEL-08").is_empty());
    let not_evaluated = report["not_evaluated"].as_array().unwrap();
    assert!(
        not_evaluated.iter().any(|n| n["rule"] == "UNM-09"),
        "edge not read whole: whether it still builds a package is unknown"
    );
}

/// The indexes a scan read are kept in the cache: a later scan that needs a
/// package no earlier scan asked for sends conditional requests, and the
/// mirror's 304 is answered from the kept index, with no download.
#[test]
fn a_later_scan_answers_new_packages_from_the_kept_indexes() {
    let mock = MockRegistry::start();
    for path in index_paths() {
        let bytes =
            std::fs::read(common::root().join("fixtures/archive").join(&path[1..])).unwrap();
        mock.route(
            &path,
            vec![
                Reply::new(200, bytes).header("ETag", "\"v1\""),
                Reply::status(304).header("ETag", "\"v1\""),
            ],
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache.sqlite");
    let mut args = flags(&mock);
    args.extend(["--cache".to_string(), cache.display().to_string()]);
    let scan_with_cache = |inputs: &[&str]| {
        let out = bin()
            .args(["scan", "--format", "json"])
            .args(inputs)
            .args(&args)
            .env("SOURCE_DATE_EPOCH", NOW)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Value>(&out.stdout).unwrap()
    };
    let first = scan_with_cache(&[ROOT]);
    assert_eq!(apk_resolution(&first)["live"], 8);
    let sbom = dir.path().join("more.cdx.json");
    std::fs::write(
        &sbom,
        serde_json::json!({"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "components": [
            {"type": "library", "name": "htop", "version": "3.3.0-r0",
             "purl": "pkg:apk/alpine/htop@3.3.0-r0?arch=x86_64&distro=alpine-3.20.3"}]})
        .to_string(),
    )
    .unwrap();
    let second = scan_with_cache(&[sbom.to_str().unwrap()]);
    let apk = apk_resolution(&second);
    assert_eq!(
        (apk["live"].as_u64(), apk["failed"].as_u64()),
        (Some(1), Some(0)),
        "{apk}"
    );
    assert!(
        messages(&second, "OPQ-02").is_empty(),
        "htop is found in the kept community index"
    );
    let received = mock.received();
    assert_eq!(received.len(), 8, "four indexes, each asked twice");
    let conditional = received
        .iter()
        .skip(4)
        .filter(|r| r.header("if-none-match") == Some("\"v1\""))
        .count();
    assert_eq!(
        conditional, 4,
        "the second scan's requests carry the kept ETag"
    );
}

/// With Alpine's releases.json given, the release's support dates are known
/// (UNM-07 judges the branch) and a package only `community` builds is past
/// that repository's end of support (UNM-08, high).
#[test]
fn alpines_releases_json_dates_the_branch_and_its_community_repository() {
    let dir = tempfile::tempdir().unwrap();
    let sbom = dir.path().join("alpine.cdx.json");
    std::fs::write(
        &sbom,
        serde_json::json!({"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "components": [
            {"type": "library", "name": "py3-legacy", "version": "0.9.1-r4",
             "purl": "pkg:apk/alpine/py3-legacy@0.9.1-r4?arch=x86_64&distro=alpine-3.20.3"},
            {"type": "library", "name": "musl", "version": "1.2.5-r0",
             "purl": "pkg:apk/alpine/musl@1.2.5-r0?arch=x86_64&distro=alpine-3.20.3"}]})
        .to_string(),
    )
    .unwrap();
    let mock = mirror(plain);
    let out = bin()
        .args(["scan", "--format", "json", "--no-cache"])
        .arg(&sbom)
        .args(flags(&mock))
        .env("SOURCE_DATE_EPOCH", NOW)
        .env(
            "CHAINRISK_ALPINE_RELEASES",
            common::root().join("fixtures/archive/alpine-releases.json"),
        )
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        messages(&report, "UNM-08"),
        [
            "py3-legacy is from the community repository of alpine 3.20.3 (v3.20), whose security support ended on 2024-11-01"
        ]
    );
    assert!(
        messages(&report, "UNM-07").is_empty(),
        "3.20 is supported until 2026-04-01"
    );
    assert!(
        !report["not_evaluated"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["rule"] == "UNM-07"),
        "the release is in the data: judged, not unknown"
    );
    assert!(
        report["lifecycle"]
            .to_string()
            .contains("alpine-releases.json"),
        "the report names the data used: {}",
        report["lifecycle"]
    );
}
