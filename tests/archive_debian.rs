//! The Debian archive client against a loopback archive serving real index
//! stanzas (fixtures/archive/README.md): endpoints from flags and from apt's
//! own configuration, Release checksums, the distribution rules on what the
//! indexes say, the cache, and the archive's faults.
//!
//! What the rules should find is worked out independently: the expected
//! DEL-08 set is every installed package for which `dpkg --compare-versions`
//! says an index of the updates or security suite has a newer version.

mod common;
#[path = "support/debian_archive.rs"]
mod debian_archive;
#[path = "support/mock_registry.rs"]
mod mock_registry;

use std::collections::{BTreeMap, BTreeSet};

use common::bin;
use mock_registry::{Fault, MockRegistry, Reply};
use serde_json::Value;

const CDX: &str = "fixtures/debian/minbase-bookworm.cdx.json";

/// Serves every file of fixtures/archive/{debian,debian-security} at its path.
fn archive() -> MockRegistry {
    debian_archive::serve(|bytes| vec![Reply::new(200, bytes)])
}

/// The key the fixture archive's InRelease files are signed with.
const KEY: &str = "fixtures/archive/test-archive-key.asc";

fn flags(mock: &MockRegistry) -> Vec<String> {
    vec![
        "--archive-keyring".into(),
        KEY.into(),
        "--registry".into(),
        format!("deb={}", mock.url("debian")),
        "--registry".into(),
        format!("deb-security={}", mock.url("debian-security")),
    ]
}

fn scan(args: &[String]) -> Value {
    let out = bin()
        .args(["scan", "--format", "json"])
        .args(args)
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

fn findings<'a>(report: &'a Value, rule: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

fn component_name(report: &Value, f: &Value) -> String {
    let id = f["component"].as_u64().unwrap() as usize;
    report["components"][id]["name"]
        .as_str()
        .unwrap()
        .to_string()
}

fn deb(report: &Value) -> &Value {
    report["resolution"]["ecosystems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["ecosystem"] == "deb")
        .expect("a deb resolution entry")
}

/// name → version of every binary package an index file lists.
fn index_versions(path: &str) -> BTreeMap<String, String> {
    let out = std::process::Command::new("xz")
        .args(["-dc"])
        .arg(common::root().join("fixtures/archive").join(path))
        .output()
        .expect("xz is installed");
    let text = String::from_utf8(out.stdout).unwrap();
    let mut map = BTreeMap::new();
    for para in text.split("\n\n") {
        let field = |name: &str| {
            para.lines()
                .find_map(|l| l.strip_prefix(&format!("{name}: ")))
                .map(str::to_string)
        };
        if let (Some(p), Some(v)) = (field("Package"), field("Version")) {
            map.insert(p, v);
        }
    }
    map
}

fn dpkg_newer(a: &str, b: &str) -> bool {
    std::process::Command::new("dpkg")
        .args(["--compare-versions", a, "gt", b])
        .status()
        .expect("dpkg is installed")
        .success()
}

/// The binaries of the SBOM (name → version).
fn installed(report: &Value) -> BTreeMap<String, String> {
    report["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["ecosystem"] == "deb" && !c["purl"].as_str().unwrap().contains("arch=source"))
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["version"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_debian_system_is_judged_against_its_archive_and_then_from_the_cache() {
    let mock = archive();
    let cache = common::fresh_cache();
    let mut args = flags(&mock);
    args.extend(["--cache".into(), cache.display().to_string(), CDX.into()]);
    let report = scan(&args);

    common::assert_valid_report(&report, "a Debian system resolved against its archive");
    let d = deb(&report);
    assert_eq!(d["packages"], 88, "{d}");
    assert_eq!(d["live"], 88, "{d}");
    assert_eq!(d["failed"], 0, "{d}");
    assert_eq!(d["configured_by"], "--registry");
    let indexes = d["indexes"].as_array().unwrap();
    assert!(
        indexes.iter().all(|i| i.get("error").is_none()),
        "{indexes:?}"
    );
    assert!(
        indexes.iter().any(|i| i["index"]
            .as_str()
            .unwrap()
            .starts_with("archive:unstable/main/source/Sources.xz@")),
        "the development suite is read: {indexes:?}"
    );

    // DEL-08, worked out with dpkg from the indexes themselves.
    let security: BTreeMap<String, String> =
        index_versions("debian-security/dists/bookworm-security/main/binary-amd64/Packages.xz")
            .into_iter()
            .chain(index_versions(
                "debian-security/dists/bookworm-security/main/binary-all/Packages.xz",
            ))
            .collect();
    let updates = index_versions("debian/dists/bookworm-updates/main/binary-amd64/Packages.xz");
    let mut expected = BTreeMap::new();
    for (name, version) in installed(&report) {
        if security.get(&name).is_some_and(|v| dpkg_newer(v, &version)) {
            expected.insert(name, "high");
        } else if updates.get(&name).is_some_and(|v| dpkg_newer(v, &version)) {
            expected.insert(name, "medium");
        }
    }
    assert!(
        expected.len() >= 10,
        "the fixture has security updates: {expected:?}"
    );
    let del08 = findings(&report, "DEL-08");
    let got: BTreeMap<String, &str> = del08
        .iter()
        .map(|f| (component_name(&report, f), f["severity"].as_str().unwrap()))
        .collect();
    assert_eq!(got, expected);
    let evidence = del08[0]["evidence"].to_string();
    assert!(
        evidence.contains("archive:bookworm-security/main/binary-"),
        "{evidence}"
    );

    // Every package is the archive's own build: no OPQ-02, and UNM-09 finds
    // every source in unstable.
    assert!(
        findings(&report, "OPQ-02").is_empty(),
        "{:?}",
        findings(&report, "OPQ-02")
    );
    assert!(findings(&report, "UNM-09").is_empty());
    let not_evaluated = report["not_evaluated"].to_string();
    for rule in ["\"UNM-09\"", "\"OPQ-02\"", "\"DEL-08\""] {
        assert!(
            !not_evaluated.contains(rule),
            "{rule} not evaluated: {not_evaluated}"
        );
    }

    // Again, offline: the same verdicts from the cache, no request.
    let before = mock.requests();
    let mut offline = vec!["--offline".to_string()];
    offline.extend(args.iter().cloned());
    let again = scan(&offline);
    assert_eq!(mock.requests(), before);
    assert_eq!(deb(&again)["cached"], 88);
    let got_again: BTreeSet<String> = findings(&again, "DEL-08")
        .iter()
        .map(|f| component_name(&again, f))
        .collect();
    assert_eq!(got_again, expected.keys().cloned().collect());
}

#[test]
fn apt_sources_configure_the_archives() {
    let mock = archive();
    let etc = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(etc.path().join("sources.list.d")).unwrap();
    std::fs::write(
        etc.path().join("sources.list.d/debian.sources"),
        format!(
            "Types: deb\nURIs: {}\nSuites: bookworm bookworm-updates\nComponents: main\nSigned-By: {key}\n\n\
             Types: deb\nURIs: {}\nSuites: bookworm-security\nComponents: main\nSigned-By: {key}\n",
            mock.url("debian"),
            mock.url("debian-security"),
            key = common::root().join(KEY).display()
        ),
    )
    .unwrap();
    let out = bin()
        .env("CHAINRISK_APT_ETC", etc.path())
        .args(["scan", "--no-cache", "--format", "json", CDX])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let d = deb(&report);
    assert_eq!(d["live"], 88, "{d}");
    assert!(
        d["configured_by"]
            .as_str()
            .unwrap()
            .ends_with("debian.sources:1"),
        "{d}"
    );
    assert!(!findings(&report, "DEL-08").is_empty());
}

#[test]
fn without_an_archive_the_distribution_rules_say_how_to_configure_one() {
    let report = scan(&["--no-cache".into(), CDX.into()]);
    let d = deb(&report);
    assert_eq!(d["live"], 0);
    let note = d["note"].as_str().unwrap();
    assert!(
        note.contains("--registry deb=URL") && note.contains("sources.list"),
        "{note}"
    );
}

#[test]
fn an_index_that_does_not_match_its_release_file_is_not_used() {
    let mock = archive();
    let path = "/debian-security/dists/bookworm-security/main/binary-amd64/Packages.xz";
    let mut bytes =
        std::fs::read(common::root().join("fixtures/archive").join(&path[1..])).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    mock.route(path, vec![Reply::new(200, bytes)]);
    let mut args = flags(&mock);
    args.extend(["--no-cache".into(), CDX.into()]);
    let report = scan(&args);
    common::assert_valid_report(&report, "an index not used");
    let indexes = deb(&report)["indexes"].to_string();
    assert!(indexes.contains("where the Release file says"), "{indexes}");
    let errors = report["resolution"]["errors"].to_string();
    assert!(
        errors.contains("bookworm-security/main/binary-amd64/Packages.xz"),
        "{errors}"
    );
    // Nothing from that index: no security update of an amd64 package is claimed.
    for f in findings(&report, "DEL-08") {
        assert!(
            !f["evidence"]
                .to_string()
                .contains("bookworm-security/main/binary-amd64"),
            "{f}"
        );
    }
}

#[test]
fn a_package_or_version_the_archive_does_not_publish_is_opq_02() {
    let mock = archive();
    let dir = tempfile::tempdir().unwrap();
    let sbom = common::write(
        dir.path(),
        "vendor.cdx.json",
        br#"{"bomFormat":"CycloneDX","specVersion":"1.5","components":[
          {"type":"library","name":"vendor-agent","version":"1.0-1","purl":"pkg:deb/debian/vendor-agent@1.0-1?arch=amd64&distro=debian-12"},
          {"type":"library","name":"bash","version":"5.2.15-2+b99","purl":"pkg:deb/debian/bash@5.2.15-2+b99?arch=amd64&distro=debian-12"},
          {"type":"library","name":"dash","version":"0.5.12-2","purl":"pkg:deb/debian/dash@0.5.12-2?arch=amd64&distro=debian-12"}
        ]}"#,
    );
    let mut args = flags(&mock);
    args.extend(["--no-cache".into(), sbom.display().to_string()]);
    let report = scan(&args);
    let opq: BTreeMap<String, String> = findings(&report, "OPQ-02")
        .iter()
        .map(|f| {
            (
                component_name(&report, f),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        opq["vendor-agent"].contains("not in the archive of debian 12"),
        "{opq:?}"
    );
    assert!(opq["bash"].contains("a vendor or local rebuild"), "{opq:?}");
    assert!(!opq.contains_key("dash"), "{opq:?}");
    assert_eq!(deb(&report)["not_found"], 1);
}

#[test]
fn an_archive_that_fails_leaves_the_packages_unresolved_with_the_reason() {
    let mock = archive();
    mock.route("/debian/dists/bookworm/InRelease", vec![Reply::status(503)]);
    let mut args = flags(&mock);
    args.extend([
        "--no-cache".into(),
        "--timeout".into(),
        "5".into(),
        CDX.into(),
    ]);
    let report = scan(&args);
    let d = deb(&report);
    assert_eq!(d["failed"], 88, "{d}");
    let errors = report["resolution"]["errors"].to_string();
    assert!(errors.contains("503"), "{errors}");
    assert!(findings(&report, "DEL-08").is_empty());

    // A truncated index: the packages it would have listed are failures, not "unknown to the archive".
    let mock = archive();
    let path = "/debian/dists/bookworm/main/binary-amd64/Packages.xz";
    let bytes = std::fs::read(common::root().join("fixtures/archive").join(&path[1..])).unwrap();
    mock.route(path, vec![Reply::new(200, bytes).fault(Fault::Truncate)]);
    let mut args = flags(&mock);
    args.extend(["--no-cache".into(), CDX.into()]);
    let report = scan(&args);
    assert!(
        findings(&report, "OPQ-02").is_empty(),
        "{:?}",
        findings(&report, "OPQ-02")
    );
    assert_eq!(deb(&report)["not_found"], 0);
}

/// The README's Debian demo: the bundled snapshot, recorded from the same
/// archive, gives the same distribution verdicts offline with no endpoint.
#[test]
fn the_bundled_archive_snapshot_gives_the_same_verdicts_offline() {
    let mock = archive();
    let mut args = flags(&mock);
    args.extend(["--no-cache".into(), CDX.into()]);
    let live = scan(&args);
    let out = bin()
        .env("SOURCE_DATE_EPOCH", "1796385600")
        .args(["scan", "--offline", "--no-cache", "--format", "json"])
        .args([
            "--snapshot",
            "fixtures/debian/minbase-bookworm.snapshot.json",
            CDX,
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let offline: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(deb(&offline)["from_snapshot"], 88);
    for rule in ["DEL-08", "OPQ-02", "UNM-09", "CON-01", "OPQ-01"] {
        let names = |r: &Value| -> BTreeSet<String> {
            findings(r, rule)
                .iter()
                .map(|f| component_name(r, f))
                .collect()
        };
        assert_eq!(names(&live), names(&offline), "{rule}");
    }
    assert_eq!(findings(&offline, "DEL-08").len(), 12);
}

/// A suite is used only when its InRelease verifies: a forged Release (its
/// text changed, the signature kept), an unsigned archive and a key that is
/// not the archive's all leave the packages unresolved, with the reason.
#[test]
fn a_suite_whose_signature_does_not_verify_is_not_used() {
    let root = common::root().join("fixtures/archive");
    let signed = std::fs::read_to_string(root.join("debian/dists/bookworm/InRelease")).unwrap();
    let forged = signed.replacen("Version: 12.15", "Version: 12.99", 1);
    assert_ne!(forged, signed);
    let cases: Vec<(&str, Option<Reply>, Vec<String>)> = vec![
        ("does not verify", Some(Reply::new(200, forged)), vec![]),
        (
            "an unsigned Release is not used",
            Some(Reply::status(404)),
            vec![],
        ),
        (
            "no archive key",
            None,
            vec!["--archive-keyring".into(), "/nonexistent/key.gpg".into()],
        ),
    ];
    for (why, reply, extra) in cases {
        let mock = archive();
        if let Some(r) = reply {
            mock.route("/debian/dists/bookworm/InRelease", vec![r]);
        }
        let mut args = if extra.is_empty() {
            flags(&mock)
        } else {
            let mut a = extra.clone();
            a.extend(["--registry".into(), format!("deb={}", mock.url("debian"))]);
            a
        };
        args.extend(["--no-cache".into(), CDX.into()]);
        let report = scan(&args);
        let d = deb(&report);
        assert_eq!(d["failed"], 88, "{why}: {d}");
        let errors = report["resolution"]["errors"].to_string();
        assert!(errors.contains(why), "{why}: {errors}");
        assert!(findings(&report, "DEL-08").is_empty(), "{why}");
        assert!(findings(&report, "OPQ-02").is_empty(), "{why}");
    }
}

/// A suite past its Release's `Valid-Until` (the security suite's, in the
/// fixture, is 2026-12-08) is not used: its updates are not claimed.
#[test]
fn a_suite_past_its_valid_until_is_not_used() {
    let mock = archive();
    let mut args = flags(&mock);
    args.extend(["--no-cache".into(), CDX.into()]);
    let out = bin()
        .env("SOURCE_DATE_EPOCH", "1796774400")
        .args(["scan", "--format", "json"])
        .args(&args)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let errors = report["resolution"]["errors"].to_string();
    assert!(
        errors.contains("bookworm-security/InRelease") && errors.contains("Valid-Until"),
        "{errors}"
    );
    for f in findings(&report, "DEL-08") {
        assert!(
            !f["message"].as_str().unwrap().contains("bookworm-security"),
            "{f}"
        );
    }
}

/// A Sources index that cannot be read leaves maintainers unknown — CON-01
/// is not evaluated rather than calling every package single-maintainer
/// from Packages' Maintainer alone — and changes nothing else.
#[test]
fn a_sources_index_not_read_leaves_maintainers_unknown_and_nothing_else() {
    let mock = archive();
    let mut args = flags(&mock);
    args.extend(["--no-cache".into(), CDX.into()]);
    let full = scan(&args);
    mock.route(
        "/debian/dists/bookworm/main/source/Sources.xz",
        vec![Reply::status(404)],
    );
    let partial = scan(&args);
    let names = |r: &Value, rule: &str| -> BTreeSet<String> {
        findings(r, rule)
            .iter()
            .map(|f| component_name(r, f))
            .collect()
    };
    assert_eq!(names(&partial, "DEL-08"), names(&full, "DEL-08"));
    assert!(names(&partial, "OPQ-02").is_empty());
    let con_full = names(&full, "CON-01");
    let con_partial = names(&partial, "CON-01");
    assert!(!con_full.is_empty());
    assert!(con_partial.is_subset(&con_full), "{con_partial:?}");
    assert!(con_partial.len() < con_full.len());
    assert!(
        partial["not_evaluated"]
            .to_string()
            .contains("the archive index gives no maintainer"),
        "{}",
        partial["not_evaluated"]
    );
}

/// Packages missing because an index could not be read are failures that
/// are remembered briefly, like an archive that is down: the next scan
/// within the window does not read every index again for them.
#[test]
fn packages_an_unread_index_may_hold_are_asked_again_only_later() {
    let mock = archive();
    let path = "/debian/dists/bookworm/main/binary-amd64/Packages.xz";
    let bytes = std::fs::read(common::root().join("fixtures/archive").join(&path[1..])).unwrap();
    mock.route(path, vec![Reply::new(200, bytes).fault(Fault::Truncate)]);
    let cache = common::fresh_cache();
    let mut args = flags(&mock);
    args.extend(["--cache".into(), cache.display().to_string(), CDX.into()]);
    let first = scan(&args);
    let failed = deb(&first)["failed"].as_u64().unwrap();
    assert!(failed > 0, "{}", deb(&first));
    let before = mock.requests_to(path);
    let second = scan(&args);
    assert_eq!(
        mock.requests_to(path),
        before,
        "not asked again within the window"
    );
    assert_eq!(deb(&second)["failed"].as_u64().unwrap(), failed);
    assert!(
        second["resolution"]["errors"]
            .to_string()
            .contains("not asked again"),
        "{}",
        second["resolution"]["errors"]
    );
}

/// An Ubuntu system against a loopback archive in the same format
/// (fixtures/archive/ubuntu/, written by make-ubuntu.py): the release, its
/// updates and security suites, and the development series the lifecycle
/// data names at the scan's date (26.10 `stonking` on 2026-05-01), whose
/// Sources say which sources Ubuntu still develops (UNM-09).
#[test]
fn an_ubuntu_system_is_judged_by_its_suites_and_the_development_series() {
    let mock = MockRegistry::start();
    let root = common::root().join("fixtures/archive");
    for file in common::files_under(&root.join("ubuntu")) {
        let rel = file.strip_prefix(&root).unwrap().to_str().unwrap();
        mock.route(
            &format!("/{rel}"),
            vec![Reply::new(200, std::fs::read(&file).unwrap())],
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let components: Vec<Value> = [
        ("bash", "5.2.21-2ubuntu4"),
        ("libssl3t64", "3.0.13-0ubuntu3"),
        ("zlib1g", "1:1.3.dfsg-3.1ubuntu2"),
        ("libfoo-legacy", "0.4-2"),
    ]
    .iter()
    .map(|(n, v)| {
        serde_json::json!({"type": "library", "name": n, "version": v,
            "purl": format!("pkg:deb/ubuntu/{n}@{v}?arch=amd64&distro=ubuntu-24.04")})
    })
    .collect();
    let sbom = dir.path().join("noble.cdx.json");
    std::fs::write(
        &sbom,
        serde_json::json!({"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "components": components})
            .to_string(),
    )
    .unwrap();
    let out = bin()
        .args(["scan", "--format", "json", "--no-cache"])
        .arg(&sbom)
        .args([
            "--archive-keyring".to_string(),
            KEY.to_string(),
            "--registry".to_string(),
            format!("deb={}", mock.url("ubuntu")),
            "--registry".to_string(),
            format!("deb-security={}", mock.url("ubuntu")),
        ])
        .env("SOURCE_DATE_EPOCH", "1777593600")
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut del08: Vec<(String, String)> = findings(&report, "DEL-08")
        .iter()
        .map(|f| {
            (
                component_name(&report, f),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    del08.sort();
    assert_eq!(
        del08,
        [
            ("libssl3t64".to_string(), "high".to_string()),
            ("zlib1g".to_string(), "medium".to_string())
        ]
    );
    let unm09: Vec<String> = findings(&report, "UNM-09")
        .iter()
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        unm09,
        [
            "source package foo-legacy is in none of the distribution's development suites: dropped from the next release of ubuntu"
        ]
    );
    assert!(findings(&report, "OPQ-02").is_empty());
    assert!(
        mock.requests_to("/ubuntu/dists/stonking/InRelease") == 1,
        "the development series the lifecycle data names is read"
    );
}
