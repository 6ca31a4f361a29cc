//! The resolve stage through the binary, against the loopback mock registry:
//! cold and warm cache, offline, snapshots, a shared cache, a corrupt cache,
//! an ecosystem with no endpoint, and a registry failing for one package.

mod common;
#[path = "support/mock_registry.rs"]
mod mock_registry;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{bin, write};
use mock_registry::{MockRegistry, Reply};
use serde_json::{Value, json};

/// A packument with one version published by `publisher`.
fn packument(name: &str, version: &str, publisher: &str) -> String {
    json!({
        "name": name,
        "dist-tags": {"latest": version},
        "versions": {
            version: {
                "name": name,
                "version": version,
                "dist": {"shasum": "0123456789abcdef0123456789abcdef01234567"},
                "_npmUser": {"name": publisher}
            }
        },
        "time": {version: "2024-05-01T10:00:00.000Z", "created": "2024-05-01T10:00:00.000Z"},
        "maintainers": [{"name": publisher}],
        "repository": {"type": "git", "url": "git+https://git.example/org/repo.git"},
        "license": "MIT"
    })
    .to_string()
}

/// A package-lock v3 with `names` at version 1.0.0, all from the registry.
fn lockfile(dir: &Path, names: &[&str]) -> PathBuf {
    let mut packages = serde_json::Map::new();
    let deps: serde_json::Map<String, Value> = names
        .iter()
        .map(|n| (n.to_string(), json!("^1.0.0")))
        .collect();
    packages.insert(
        String::new(),
        json!({"name": "app", "version": "0.1.0", "dependencies": deps}),
    );
    for n in names {
        let base = n.rsplit('/').next().unwrap();
        packages.insert(
            format!("node_modules/{n}"),
            json!({
                "version": "1.0.0",
                "resolved": format!("https://registry.example/{n}/-/{base}-1.0.0.tgz"),
                "integrity": "sha512-AAAA"
            }),
        );
    }
    let doc = json!({"name": "app", "version": "0.1.0", "lockfileVersion": 3, "requires": true, "packages": packages});
    write(dir, "package-lock.json", doc.to_string().as_bytes())
}

/// The mock serving `names` (scoped names encoded as npm sends them) under `/npm/`.
fn registry_with(names: &[&str]) -> MockRegistry {
    let mock = MockRegistry::start();
    for n in names {
        mock.route(
            &format!("/npm/{}", n.replacen('/', "%2f", 1)),
            vec![Reply::json(packument(n, "1.0.0", "alice"))],
        );
    }
    mock
}

/// Runs a JSON scan; returns the report and stderr.
fn scan(args: &[&str]) -> (Value, String) {
    let out = bin()
        .arg("scan")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(0), "scan {args:?} failed: {stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    common::assert_valid_report(&report, "resolve scan");
    (report, stderr)
}

fn component<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| {
            c["name"]
                .as_str()
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
        })
        .unwrap_or_else(|| panic!("no component {name}"))
}

fn npm_stats(report: &Value) -> &Value {
    report["resolution"]["ecosystems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["ecosystem"] == "npm")
        .expect("npm in resolution")
}

/// Origins by component name, without their source (which differs by design).
fn origins(report: &Value) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| !c["origin"].is_null())
        .map(|c| {
            let mut o = c["origin"].clone();
            o.as_object_mut().unwrap().remove("source");
            (c["name"].as_str().unwrap().to_string(), o)
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

#[test]
fn cold_scan_resolves_and_a_warm_cache_sends_no_request() {
    let dir = tempfile::tempdir().unwrap();
    let lock = lockfile(dir.path(), &["left-pad", "@scope/util", "ghost"]);
    let mock = registry_with(&["left-pad", "@scope/util"]);
    let cache = dir.path().join("cache.sqlite3");
    let npm = format!("npm={}", mock.url("npm/"));
    let args = [
        lock.to_str().unwrap(),
        "--registry",
        &npm,
        "--cache",
        cache.to_str().unwrap(),
    ];

    let (cold, _) = scan(&args);
    assert_eq!(mock.requests(), 3, "one request per package");
    let pad = &component(&cold, "left-pad")["origin"];
    assert_eq!(pad["presence"], "found");
    assert_eq!(pad["version_listed"], true);
    assert_eq!(pad["published"], "2024-05-01T10:00:00Z");
    assert_eq!(pad["publisher"], "alice");
    assert_eq!(pad["maintainers"], json!(["alice"]));
    assert_eq!(pad["source"]["kind"], "live");
    assert!(pad["source"]["fetched_at"].is_string());
    assert_eq!(pad["registry"], mock.url("npm/"));
    assert_eq!(
        component(&cold, "util")["origin"]["presence"],
        "found",
        "scoped name fetched as @scope%2futil"
    );
    assert_eq!(component(&cold, "ghost")["origin"]["presence"], "not_found");
    let stats = npm_stats(&cold);
    assert_eq!(
        (
            stats["packages"].clone(),
            stats["live"].clone(),
            stats["not_found"].clone()
        ),
        (json!(3), json!(3), json!(1))
    );
    assert_eq!(stats["configured_by"], "--registry");
    assert_eq!(cold["resolution"]["mode"], "online");
    assert_eq!(cold["resolution"]["cache"], cache.to_str().unwrap());

    mock.reset_counters();
    let (warm, _) = scan(&args);
    assert_eq!(mock.requests(), 0, "a warm cache asks nothing");
    assert_eq!(
        component(&warm, "left-pad")["origin"]["source"]["kind"],
        "cache"
    );
    assert_eq!(
        component(&warm, "ghost")["origin"]["presence"],
        "not_found",
        "not found is cached like any fact"
    );
    assert_eq!(npm_stats(&warm)["cached"], 3);
    assert_eq!(origins(&warm), origins(&cold));

    // Past its time-to-live the cache is asked again.
    let (_, _) = scan(&[&args[..], &["--cache-ttl", "0"]].concat());
    assert_eq!(mock.requests(), 3);
}

#[test]
fn offline_sends_no_request_with_or_without_a_cache() {
    let dir = tempfile::tempdir().unwrap();
    let lock = lockfile(dir.path(), &["left-pad", "ghost"]);
    let mock = registry_with(&["left-pad"]);
    let cache = dir.path().join("cache.sqlite3");
    let npm = format!("npm={}", mock.url("npm/"));
    let base = [
        lock.to_str().unwrap(),
        "--registry",
        &npm,
        "--cache",
        cache.to_str().unwrap(),
    ];

    let (cold, _) = scan(&[&base[..], &["--offline"]].concat());
    assert_eq!(mock.requests(), 0);
    assert_eq!(cold["resolution"]["mode"], "offline");
    let note = npm_stats(&cold)["note"].as_str().unwrap().to_string();
    assert!(
        note.contains("offline: 2 package(s) not in the cache"),
        "{note}"
    );
    assert!(component(&cold, "left-pad")["origin"].is_null());

    scan(&base);
    assert_eq!(mock.requests(), 2);
    mock.reset_counters();
    // Offline uses the cache however old it is.
    let (warm, _) = scan(&[&base[..], &["--offline", "--cache-ttl", "0"]].concat());
    assert_eq!(mock.requests(), 0);
    assert_eq!(
        component(&warm, "left-pad")["origin"]["source"]["kind"],
        "cache"
    );
    assert_eq!(npm_stats(&warm)["cached"], 2);
}

#[test]
fn a_snapshot_gives_the_same_origins_offline_and_ages() {
    let dir = tempfile::tempdir().unwrap();
    let lock = lockfile(dir.path(), &["left-pad", "@scope/util", "ghost"]);
    let mock = registry_with(&["left-pad", "@scope/util"]);
    let cache = dir.path().join("cache.sqlite3");
    let npm = format!("npm={}", mock.url("npm/"));
    let (online, _) = scan(&[
        lock.to_str().unwrap(),
        "--registry",
        &npm,
        "--cache",
        cache.to_str().unwrap(),
    ]);

    let snap = dir.path().join("facts.snapshot.json");
    let out = bin()
        .args(["snapshot", "export", "-o", snap.to_str().unwrap()])
        .arg(&lock)
        .args(["--registry", &npm, "--cache", cache.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(mock.requests(), 3, "the export read the warm cache");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&snap).unwrap()).unwrap();
    assert_eq!(doc["format"], "chainrisk.snapshot/v1");
    assert_eq!(doc["packages"].as_array().unwrap().len(), 3);
    assert_eq!(doc["packages"][0]["name"], "@scope/util");
    assert_eq!(doc["packages"][1]["status"], "not_found");

    // A lab: no endpoint, no cache, no network.
    let (lab, _) = scan(&[
        lock.to_str().unwrap(),
        "--offline",
        "--no-cache",
        "--snapshot",
        snap.to_str().unwrap(),
    ]);
    assert_eq!(mock.requests(), 3);
    assert_eq!(origins(&lab), origins(&online));
    let source = &component(&lab, "left-pad")["origin"]["source"];
    assert_eq!(source["kind"], "snapshot");
    assert_eq!(source["file"], snap.to_str().unwrap());
    assert_eq!(npm_stats(&lab)["from_snapshot"], 3);
    assert_eq!(lab["resolution"]["snapshot"]["stale"], false);
    assert_eq!(lab["resolution"]["snapshot"]["packages"], 3);

    // The same snapshot, written long ago.
    let mut old = doc.clone();
    old["created_at"] = json!("2020-01-01T00:00:00Z");
    let old_file = write(dir.path(), "old.json", old.to_string().as_bytes());
    let (aged, _) = scan(&[
        lock.to_str().unwrap(),
        "--offline",
        "--snapshot",
        old_file.to_str().unwrap(),
    ]);
    assert_eq!(aged["resolution"]["snapshot"]["stale"], true);
    assert!(aged["resolution"]["snapshot"]["age_days"].as_i64().unwrap() > 30);

    let info = bin()
        .args(["snapshot", "info"])
        .arg(&old_file)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&info.stdout);
    assert!(info.status.success());
    assert!(
        text.contains("stale") && text.contains("packages   3"),
        "{text}"
    );

    // No input: the whole cache.
    let all = dir.path().join("all.json");
    let out = bin()
        .args(["snapshot", "export", "-o", all.to_str().unwrap()])
        .args(["--cache", cache.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let all: Value = serde_json::from_str(&std::fs::read_to_string(&all).unwrap()).unwrap();
    assert_eq!(all["packages"], doc["packages"]);
}

#[test]
fn a_malformed_snapshot_is_a_usage_error_with_its_position() {
    let dir = tempfile::tempdir().unwrap();
    let lock = lockfile(dir.path(), &["left-pad"]);
    let bad = write(
        dir.path(),
        "bad.json",
        b"{\"format\": \"chainrisk.snapshot/v1\",\n  \"created_at\": \"2026-01-01T00:00:00Z\",\n  \"packages\": [}\n",
    );
    for args in [
        vec!["scan".to_string(), lock.display().to_string()],
        vec!["snapshot".to_string(), "info".to_string()],
    ] {
        let mut cmd = bin();
        cmd.args(&args);
        if args[0] == "scan" {
            cmd.arg("--snapshot");
        }
        let out = cmd.arg(&bad).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("bad.json:3:"), "{stderr}");
    }
}

#[test]
fn two_scans_share_one_cache() {
    let dir = tempfile::tempdir().unwrap();
    let names: Vec<String> = (0..40).map(|i| format!("pkg-{i}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    let lock = lockfile(dir.path(), &refs);
    let mock = registry_with(&refs);
    mock.set_latency(Duration::from_millis(10));
    let cache = dir.path().join("shared.sqlite3");
    let npm = format!("npm={}", mock.url("npm/"));
    let spawn = || {
        common::std_bin()
            .args(["scan", "--format", "json", "--concurrency", "4"])
            .arg(&lock)
            .args(["--registry", &npm, "--cache", cache.to_str().unwrap()])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    for child in [a, b] {
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stderr}");
        assert!(
            !stderr.contains("warning"),
            "no cache write was lost: {stderr}"
        );
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let stats = npm_stats(&report);
        assert_eq!(stats["packages"], 40);
        assert_eq!(stats["failed"], 0, "{stats}");
        assert!(
            report["resolution"]["errors"].is_null(),
            "{}",
            report["resolution"]
        );
    }
    let out = bin()
        .args(["cache", "stats", "--cache", cache.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(text.contains("entries    40 "), "{text}");
    assert!(text.contains("npm      40"), "{text}");

    mock.reset_counters();
    scan(&[
        lock.to_str().unwrap(),
        "--registry",
        &npm,
        "--cache",
        cache.to_str().unwrap(),
    ]);
    assert_eq!(mock.requests(), 0, "every package is in the shared cache");

    let out = bin()
        .args(["cache", "clear", "--cache", cache.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("removed 40 entries"));

    let missing = dir.path().join("none.sqlite3");
    let out = bin()
        .args(["cache", "stats", "--cache", missing.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("no cache at "));
    assert!(!missing.exists(), "stats creates nothing");
}

#[test]
fn a_corrupt_cache_is_moved_aside_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let lock = lockfile(dir.path(), &["left-pad"]);
    let mock = registry_with(&["left-pad"]);
    let cache = write(dir.path(), "cache.sqlite3", &[0x5a; 4096]);
    let npm = format!("npm={}", mock.url("npm/"));
    let (report, stderr) = scan(&[
        lock.to_str().unwrap(),
        "--registry",
        &npm,
        "--cache",
        cache.to_str().unwrap(),
    ]);
    assert!(stderr.contains("warning: the cache"), "{stderr}");
    assert!(stderr.contains(".corrupt-"), "{stderr}");
    assert_eq!(
        component(&report, "left-pad")["origin"]["source"]["kind"],
        "live"
    );
    let aside = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("cache.sqlite3.corrupt-")
        })
        .count();
    assert_eq!(aside, 1);
    mock.reset_counters();
    scan(&[
        lock.to_str().unwrap(),
        "--registry",
        &npm,
        "--cache",
        cache.to_str().unwrap(),
    ]);
    assert_eq!(mock.requests(), 0, "the rebuilt cache works");
}

#[test]
fn an_ecosystem_without_endpoint_is_reported_not_resolved() {
    let dir = tempfile::tempdir().unwrap();
    let lock = lockfile(dir.path(), &["left-pad"]);
    let reqs = write(dir.path(), "requirements.txt", b"Requests==2.31.0\n");
    let mock = registry_with(&["left-pad"]);
    let npm = format!("npm={}", mock.url("npm/"));
    let (report, _) = scan(&[
        lock.to_str().unwrap(),
        reqs.to_str().unwrap(),
        "--registry",
        &npm,
    ]);
    let pypi = report["resolution"]["ecosystems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["ecosystem"] == "pypi")
        .expect("pypi is listed");
    assert_eq!(pypi["packages"], 1);
    assert!(pypi["registry"].is_null());
    let note = pypi["note"].as_str().unwrap();
    assert!(
        note.starts_with("no endpoint configured for pypi: set --registry pypi=URL"),
        "{note}"
    );
    assert!(component(&report, "requests")["origin"].is_null());
    assert_eq!(
        component(&report, "left-pad")["origin"]["presence"],
        "found"
    );
    assert_eq!(mock.requests(), 1);
}

#[test]
fn a_registry_error_for_one_package_does_not_stop_the_scan() {
    let dir = tempfile::tempdir().unwrap();
    let lock = lockfile(dir.path(), &["left-pad", "broken"]);
    let mock = registry_with(&["left-pad"]);
    mock.route("/npm/broken", vec![Reply::status(500)]);
    let npm = format!("npm={}", mock.url("npm/"));
    let (report, _) = scan(&[lock.to_str().unwrap(), "--registry", &npm]);
    assert_eq!(
        component(&report, "left-pad")["origin"]["presence"],
        "found"
    );
    assert!(component(&report, "broken")["origin"].is_null());
    let errors = report["resolution"]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{errors:?}");
    let e = errors[0].as_str().unwrap();
    assert!(e.starts_with("npm/broken: ") && e.contains("500"), "{e}");
    let stats = npm_stats(&report);
    assert_eq!(
        (stats["live"].clone(), stats["failed"].clone()),
        (json!(1), json!(1))
    );
    assert!(mock.requests_to("/npm/broken") > 1, "retried");
}

#[test]
fn bad_resolve_flags_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let lock = lockfile(dir.path(), &["left-pad"]);
    for (flags, expected) in [
        (vec!["--registry", "npm"], "expected ECOSYSTEM=URL"),
        (
            vec!["--registry", "maven=http://127.0.0.1:1/"],
            "unknown ecosystem",
        ),
        (vec!["--concurrency", "0"], "--concurrency"),
        (vec!["--cache-ttl=-1"], "hours"),
        (vec!["--snapshot", "/nonexistent/snap.json"], "cannot read"),
    ] {
        let out = bin().arg("scan").arg(&lock).args(&flags).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {stderr}");
        assert!(stderr.contains(expected), "{flags:?}: {stderr}");
    }
}

#[test]
fn an_expired_entry_is_revalidated_and_kept_when_the_registry_fails() {
    let dir = tempfile::tempdir().unwrap();
    let lock = lockfile(dir.path(), &["left-pad"]);
    let mock = MockRegistry::start();
    mock.route(
        "/npm/left-pad",
        vec![
            Reply::json(packument("left-pad", "1.0.0", "alice")).header("ETag", "\"v1\""),
            Reply::status(304),
            Reply::status(503),
        ],
    );
    let cache = dir.path().join("cache.sqlite3");
    let npm = format!("npm={}", mock.url("npm/"));
    let args = [
        lock.to_str().unwrap(),
        "--registry",
        &npm,
        "--cache",
        cache.to_str().unwrap(),
        "--cache-ttl",
        "0",
    ];
    let (first, _) = scan(&args);
    assert_eq!(
        component(&first, "left-pad")["origin"]["source"]["kind"],
        "live"
    );

    // Expired: asked again with the ETag; 304 keeps the facts, fetched now.
    let (second, _) = scan(&args);
    let sent = mock.received();
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[1].header("if-none-match"), Some("\"v1\""));
    let origin = &component(&second, "left-pad")["origin"];
    assert_eq!(origin["source"]["kind"], "live");
    assert_eq!(origin["publisher"], "alice");

    // The registry fails: the old facts are used, and the failure is listed.
    let (third, _) = scan(&args);
    let origin = &component(&third, "left-pad")["origin"];
    assert_eq!(origin["source"]["kind"], "cache");
    assert_eq!(origin["publisher"], "alice");
    let errors = third["resolution"]["errors"].as_array().unwrap();
    assert!(
        errors[0].as_str().unwrap().starts_with("npm/left-pad: "),
        "{errors:?}"
    );
}

#[test]
fn every_protocol_resolves_through_the_binary_and_caches() {
    let dir = tempfile::tempdir().unwrap();
    let sum = "ab".repeat(32);
    let cargo_lock = write(
        dir.path(),
        "Cargo.lock",
        format!(
            "version = 3\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\"serde\"]\n\n\
             [[package]]\nname = \"serde\"\nversion = \"1.0.0\"\nsource = \"sparse+https://registry.example/index/\"\nchecksum = \"{sum}\"\n"
        )
        .as_bytes(),
    );
    let reqs = write(dir.path(), "requirements.txt", b"Requests==2.31.0\n");
    let go_dir = dir.path().join("go");
    std::fs::create_dir(&go_dir).unwrap();
    let go_mod = write(
        &go_dir,
        "go.mod",
        b"module example.com/app\n\ngo 1.22\n\nrequire example.com/Mod v1.2.3\n",
    );

    let mock = MockRegistry::start();
    let line = |v: &str, t: &str| {
        json!({"name": "serde", "vers": v, "deps": [], "cksum": sum, "features": {}, "yanked": false, "pubtime": t})
            .to_string()
    };
    mock.route(
        "/cargo/se/rd/serde",
        vec![Reply::new(
            200,
            format!(
                "{}\n{}\n",
                line("1.0.0", "2020-01-01T00:00:00Z"),
                line("1.1.0", "2024-01-01T00:00:00Z")
            ),
        )],
    );
    mock.route(
        "/pypi/requests/json",
        vec![Reply::json(
            json!({
                "info": {"name": "Requests", "version": "2.32.0", "license": "Apache-2.0"},
                "releases": {
                    "2.31.0": [{"packagetype": "bdist_wheel", "upload_time_iso_8601": "2023-05-22T15:12:42.313790Z",
                                "yanked": false, "digests": {"sha256": sum}}],
                    "2.32.0": [{"packagetype": "bdist_wheel", "upload_time_iso_8601": "2024-05-20T00:00:00Z",
                                "yanked": false, "digests": {"sha256": sum}}]
                }
            })
            .to_string(),
        )],
    );
    mock.route(
        "/go/example.com/!mod/@v/list",
        vec![Reply::new(200, "v1.2.3\nv1.3.0\n")],
    );
    mock.route(
        "/go/example.com/!mod/@latest",
        vec![Reply::json(
            r#"{"Version":"v1.3.0","Time":"2024-02-02T00:00:00Z"}"#,
        )],
    );
    mock.route(
        "/go/example.com/!mod/@v/v1.2.3.info",
        vec![Reply::json(
            r#"{"Version":"v1.2.3","Time":"2022-02-02T00:00:00Z"}"#,
        )],
    );
    mock.route(
        "/go/example.com/!mod/@v/v1.3.0.mod",
        vec![Reply::new(200, "module example.com/Mod\n")],
    );

    let cache = dir.path().join("cache.sqlite3");
    let flags = [
        format!("cargo={}", mock.url("cargo/")),
        format!("pypi={}", mock.url("simple/")),
        format!("golang={}", mock.url("go/")),
    ];
    let args: Vec<&str> = [
        cargo_lock.to_str().unwrap(),
        reqs.to_str().unwrap(),
        go_mod.to_str().unwrap(),
        "--cache",
        cache.to_str().unwrap(),
    ]
    .into_iter()
    .chain(flags.iter().flat_map(|f| ["--registry", f.as_str()]))
    .collect();

    let (cold, _) = scan(&args);
    let serde = &component(&cold, "serde")["origin"];
    assert_eq!(serde["published"], "2020-01-01T00:00:00Z");
    assert_eq!(serde["latest_version"], "1.1.0");
    let requests = &component(&cold, "requests")["origin"];
    assert_eq!(requests["version_listed"], true, "{requests}");
    assert_eq!(requests["latest_version"], "2.32.0");
    let module = &component(&cold, "Mod")["origin"];
    assert_eq!(module["published"], "2022-02-02T00:00:00Z", "{module}");
    assert_eq!(module["latest_version"], "v1.3.0");
    for eco in ["cargo", "pypi", "golang"] {
        let stats = cold["resolution"]["ecosystems"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["ecosystem"] == eco)
            .unwrap();
        assert_eq!(
            (stats["live"].clone(), stats["failed"].clone()),
            (json!(1), json!(0)),
            "{stats}"
        );
    }

    mock.reset_counters();
    let (warm, _) = scan(&args);
    assert_eq!(
        mock.requests(),
        0,
        "{:?}",
        mock.received().iter().map(|r| &r.path).collect::<Vec<_>>()
    );
    assert_eq!(component(&warm, "Mod")["origin"]["source"]["kind"], "cache");
    assert_eq!(origins(&warm), origins(&cold));
}

/// A SQLite file of another application: two tables, its own user version.
fn foreign_database(path: &Path) {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.execute_batch(
        "CREATE TABLE packages (id INTEGER PRIMARY KEY, label TEXT);
         INSERT INTO packages (label) VALUES ('keep me');
         CREATE TABLE notes (body TEXT);
         INSERT INTO notes VALUES ('mine');
         PRAGMA user_version = 7;",
    )
    .unwrap();
}

#[test]
fn a_foreign_database_given_as_cache_is_refused_and_left_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let lock = lockfile(dir.path(), &["left-pad"]);
    let mock = registry_with(&["left-pad"]);
    let npm = format!("npm={}", mock.url("npm/"));
    let db = dir.path().join("someone-else.db");
    foreign_database(&db);
    let before = std::fs::read(&db).unwrap();

    let out = bin()
        .args(["cache", "stats", "--cache", db.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains(db.to_str().unwrap()) && stderr.contains("not a chainrisk cache"),
        "{stderr}"
    );
    let out = bin()
        .args(["cache", "clear", "--cache", db.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));

    // A scan warns, resolves without the cache, and does not touch the file.
    let (report, stderr) = scan(&[
        lock.to_str().unwrap(),
        "--registry",
        &npm,
        "--cache",
        db.to_str().unwrap(),
    ]);
    assert!(
        stderr.contains("warning: ") && stderr.contains("not a chainrisk cache"),
        "{stderr}"
    );
    assert_eq!(
        component(&report, "left-pad")["origin"]["source"]["kind"],
        "live"
    );
    assert_eq!(std::fs::read(&db).unwrap(), before, "the file is unchanged");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let label: String = conn
        .query_row("SELECT label FROM packages", [], |r| r.get(0))
        .unwrap();
    assert_eq!(label, "keep me");
}

/// Whether this process runs as root, which ignores file modes: the owner
/// of a file it creates is its effective user.
fn running_as_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    let f = tempfile::NamedTempFile::new().unwrap();
    f.as_file().metadata().unwrap().uid() == 0
}

/// Runs `cmd` as a user for whom the test's read-only files really are
/// read-only: as root (CI), the unprivileged `nobody`; otherwise as is.
fn as_unprivileged(mut cmd: std::process::Command, home: &Path) -> std::process::Command {
    use std::os::unix::process::CommandExt;
    if running_as_root() {
        cmd.uid(65534).gid(65534);
    }
    // A home it may read (root's is closed to `nobody`).
    cmd.env("HOME", home).env("CARGO_HOME", home.join(".cargo"));
    cmd
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn a_read_only_cache_is_read_offline_and_by_cache_stats() {
    let dir = tempfile::tempdir().unwrap();
    set_mode(dir.path(), 0o755);
    let lock = lockfile(dir.path(), &["left-pad", "@scope/util"]);
    let mock = registry_with(&["left-pad", "@scope/util"]);
    let npm = format!("npm={}", mock.url("npm/"));
    let store = dir.path().join("store");
    std::fs::create_dir(&store).unwrap();
    let cache = store.join("cache.sqlite3");
    scan(&[
        lock.to_str().unwrap(),
        "--registry",
        &npm,
        "--cache",
        cache.to_str().unwrap(),
    ]);
    let before = std::fs::read(&cache).unwrap();

    // A read-only file in a writable directory, then a read-only directory
    // too (a lab's read-only mount: no journal or shared-memory file can be made).
    for dir_mode in [0o555, 0o777] {
        set_mode(&store, dir_mode);
        set_mode(&cache, 0o444);
        let mut probe = std::process::Command::new("sh");
        probe.arg("-c").arg(format!(": >> '{}'", cache.display()));
        let probe = as_unprivileged(probe, dir.path()).output().unwrap();
        assert!(
            !probe.status.success(),
            "the test could not make the cache read-only for the scan"
        );

        let mut cmd = common::std_bin();
        cmd.args(["scan", "--format", "json", "--offline"])
            .arg(&lock)
            .args(["--registry", &npm, "--cache", cache.to_str().unwrap()]);
        let out = as_unprivileged(cmd, dir.path()).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{stderr}");
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            npm_stats(&report)["cached"],
            2,
            "dir {dir_mode:o}: {stderr}"
        );
        assert_eq!(
            component(&report, "left-pad")["origin"]["source"]["kind"],
            "cache"
        );
        let notes: Vec<&str> = stderr.lines().filter(|l| l.contains("read-only")).collect();
        assert_eq!(notes.len(), 1, "one note: {stderr}");
        assert!(notes[0].contains(cache.to_str().unwrap()), "{stderr}");
        assert!(!stderr.contains("without a cache"), "{stderr}");

        let mut cmd = common::std_bin();
        cmd.args(["cache", "stats", "--cache", cache.to_str().unwrap()]);
        let out = as_unprivileged(cmd, dir.path()).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "dir {dir_mode:o}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(text.contains("entries    2 "), "{text}");
    }
    set_mode(&store, 0o755);
    set_mode(&cache, 0o644);
    assert_eq!(
        std::fs::read(&cache).unwrap(),
        before,
        "nothing was written"
    );
    assert_eq!(mock.requests(), 2, "offline asked nothing");
}

#[test]
fn offline_the_cache_facts_are_used_without_naming_the_endpoint_again() {
    let dir = tempfile::tempdir().unwrap();
    let lock = lockfile(dir.path(), &["left-pad", "@scope/util"]);
    let mock = registry_with(&["left-pad", "@scope/util"]);
    let npm = format!("npm={}", mock.url("npm/"));
    let cache = dir.path().join("cache.sqlite3");
    let (online, _) = scan(&[
        lock.to_str().unwrap(),
        "--registry",
        &npm,
        "--cache",
        cache.to_str().unwrap(),
    ]);

    // The assessor's export: offline, no endpoint configured.
    let snap = dir.path().join("facts.json");
    let out = bin()
        .args([
            "snapshot",
            "export",
            "--offline",
            "-o",
            snap.to_str().unwrap(),
        ])
        .arg(&lock)
        .args(["--cache", cache.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&snap).unwrap()).unwrap();
    assert_eq!(doc["packages"].as_array().unwrap().len(), 2, "{stderr}");
    assert_eq!(doc["packages"][0]["registry"], mock.url("npm/"));

    // The same for an offline scan.
    let (offline, _) = scan(&[
        lock.to_str().unwrap(),
        "--offline",
        "--cache",
        cache.to_str().unwrap(),
    ]);
    assert_eq!(origins(&offline), origins(&online));
    let stats = npm_stats(&offline);
    assert_eq!(stats["cached"], 2, "{stats}");
    assert_eq!(stats["registry"], mock.url("npm/"));
    assert!(stats["note"].is_null(), "{stats}");
    assert_eq!(mock.requests(), 2);

    // Nothing to export is an error, and no file is written.
    std::fs::create_dir(dir.path().join("other")).unwrap();
    let other = lockfile(&dir.path().join("other"), &["not-cached"]);
    let empty = dir.path().join("empty.json");
    let out = bin()
        .args([
            "snapshot",
            "export",
            "--offline",
            "-o",
            empty.to_str().unwrap(),
        ])
        .arg(&other)
        .args(["--cache", cache.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("nothing to export"), "{stderr}");
    assert!(!empty.exists());

    // The same for the whole cache, once cleared.
    let out = bin()
        .args(["cache", "clear", "--cache", cache.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(out.status.success());
    let out = bin()
        .args(["snapshot", "export", "-o", empty.to_str().unwrap()])
        .args(["--cache", cache.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("nothing to export"), "{stderr}");
    assert!(!empty.exists());
}

#[test]
fn a_snapshot_from_the_future_is_stale_and_flagged() {
    let dir = tempfile::tempdir().unwrap();
    let lock = lockfile(dir.path(), &["left-pad"]);
    let mock = registry_with(&["left-pad"]);
    let npm = format!("npm={}", mock.url("npm/"));
    let snap = dir.path().join("facts.json");
    let out = bin()
        .args(["snapshot", "export", "-o", snap.to_str().unwrap()])
        .arg(&lock)
        .args(["--registry", &npm])
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&snap).unwrap()).unwrap();
    doc["created_at"] = json!("2999-01-01T00:00:00Z");
    doc["packages"][0]["fetched_at"] = json!("2999-01-01T00:00:00Z");
    let future = write(dir.path(), "future.json", doc.to_string().as_bytes());

    let (report, stderr) = scan(&[
        lock.to_str().unwrap(),
        "--offline",
        "--no-cache",
        "--snapshot",
        future.to_str().unwrap(),
    ]);
    assert_eq!(report["resolution"]["snapshot"]["stale"], true);
    assert!(
        stderr.contains("warning: ") && stderr.contains("in the future"),
        "{stderr}"
    );
    let out = bin()
        .args(["snapshot", "info"])
        .arg(&future)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success());
    assert!(
        text.contains("in the future") && text.contains("stale"),
        "{text}"
    );
}

#[test]
fn conflicting_duplicates_in_a_snapshot_are_an_error_naming_the_package() {
    let dir = tempfile::tempdir().unwrap();
    let lock = lockfile(dir.path(), &["left-pad"]);
    let mock = registry_with(&["left-pad"]);
    let npm = format!("npm={}", mock.url("npm/"));
    let snap = dir.path().join("facts.json");
    let out = bin()
        .args(["snapshot", "export", "-o", snap.to_str().unwrap()])
        .arg(&lock)
        .args(["--registry", &npm])
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&snap).unwrap()).unwrap();
    let mut twin = doc["packages"][0].clone();
    twin["facts"]["latest"] = json!("9.9.9");
    doc["packages"].as_array_mut().unwrap().push(twin);
    let dup = write(dir.path(), "dup.json", doc.to_string().as_bytes());
    for mut cmd in [
        {
            let mut c = bin();
            c.arg("scan")
                .arg(&lock)
                .args(["--offline", "--snapshot"])
                .arg(&dup);
            c
        },
        {
            let mut c = bin();
            c.args(["snapshot", "info"]).arg(&dup);
            c
        },
    ] {
        let out = cmd.output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("packages[0]")
                && stderr.contains("packages[1]")
                && stderr.contains("npm/left-pad"),
            "{stderr}"
        );
    }
}

#[test]
fn a_ca_file_that_is_not_pem_is_a_usage_error_before_any_request() {
    let dir = tempfile::tempdir().unwrap();
    let lock = lockfile(dir.path(), &["left-pad", "@scope/util"]);
    let mock = registry_with(&["left-pad", "@scope/util"]);
    let npm = format!("npm={}", mock.url("npm/"));
    let ca = write(dir.path(), "ca.pem", b"this is not a certificate\n");
    let out = bin()
        .arg("scan")
        .arg(&lock)
        .args(["--registry", &npm, "--no-cache", "--ca-file"])
        .arg(&ca)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("--ca-file") && stderr.contains("ca.pem"),
        "{stderr}"
    );
    assert_eq!(
        stderr.matches("--ca-file").count(),
        1,
        "said once: {stderr}"
    );
    assert_eq!(mock.requests(), 0);
}

#[test]
fn an_unreadable_cargo_configuration_does_not_stop_an_npm_scan() {
    let dir = tempfile::tempdir().unwrap();
    let lock = lockfile(dir.path(), &["left-pad"]);
    let mock = registry_with(&["left-pad"]);
    let npm = format!("npm={}", mock.url("npm/"));
    // A directory where the file should be: unreadable even for root.
    let cargo_home = dir.path().join("cargo-home");
    std::fs::create_dir_all(cargo_home.join("config.toml")).unwrap();
    let out = bin()
        .current_dir(dir.path())
        .env("CARGO_HOME", &cargo_home)
        .args(["scan", "--format", "json", "--no-cache"])
        .arg(&lock)
        .args(["--registry", &npm])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        component(&report, "left-pad")["origin"]["presence"],
        "found"
    );

    // A Cargo scan is told why cargo stays unresolved.
    let cargo_lock = write(
        dir.path(),
        "Cargo.lock",
        b"version = 3\n\n[[package]]\nname = \"serde\"\nversion = \"1.0.0\"\nsource = \"registry+https://registry.example/index\"\n",
    );
    let out = bin()
        .current_dir(dir.path())
        .env("CARGO_HOME", &cargo_home)
        .args(["scan", "--format", "json", "--no-cache"])
        .arg(&cargo_lock)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(
        stderr.contains("warning: ") && stderr.contains("config.toml"),
        "{stderr}"
    );
}

#[test]
fn a_failing_registry_is_remembered_briefly_and_reported_as_a_failure() {
    let dir = tempfile::tempdir().unwrap();
    let lock = lockfile(dir.path(), &["left-pad", "broken"]);
    let mock = registry_with(&["left-pad"]);
    mock.route("/npm/broken", vec![Reply::status(503)]);
    let npm = format!("npm={}", mock.url("npm/"));
    let cache = dir.path().join("cache.sqlite3");
    let args = [
        lock.to_str().unwrap(),
        "--registry",
        &npm,
        "--cache",
        cache.to_str().unwrap(),
    ];
    let (first, _) = scan(&args);
    let tries = mock.requests_to("/npm/broken");
    assert!(tries > 1, "retried");
    assert_eq!(npm_stats(&first)["failed"], 1);

    // Within the failure's short time-to-live: not asked again, still a failure.
    let started = std::time::Instant::now();
    let (second, _) = scan(&args);
    assert_eq!(mock.requests_to("/npm/broken"), tries, "remembered");
    assert!(started.elapsed() < Duration::from_secs(5));
    assert_eq!(npm_stats(&second)["failed"], 1);
    assert_eq!(npm_stats(&second)["cached"], 1, "left-pad only");
    assert!(component(&second, "broken")["origin"].is_null());
    let errors = second["resolution"]["errors"].as_array().unwrap();
    assert!(
        errors.len() == 1 && errors[0].as_str().unwrap().contains("503"),
        "{errors:?}"
    );
    let out = bin()
        .args(["cache", "stats", "--cache", cache.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("entries    1 "));

    // A zero time-to-live asks again.
    scan(&[&args[..], &["--cache-ttl", "0"]].concat());
    assert!(mock.requests_to("/npm/broken") > tries);
}

/// The endpoint and its origin as the report's resolution block gives them.
fn endpoint_of(report: &Value, eco: &str) -> (String, String) {
    let e = report["resolution"]["ecosystems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["ecosystem"] == eco)
        .unwrap_or_else(|| panic!("{eco} not in resolution"));
    (
        e["registry"].as_str().unwrap_or("").to_string(),
        e["configured_by"].as_str().unwrap_or("").to_string(),
    )
}

/// With nothing configured where chainrisk reads configuration itself, the
/// package managers are asked: npm reports the registry of its global
/// `$prefix/etc/npmrc`, pip the index of its site `pip.conf` (a virtual
/// environment's), and Cargo's index directory names the sparse index it
/// uses. The terminal names each endpoint's origin.
#[test]
fn package_managers_are_asked_for_the_registry_they_use() {
    let dir = tempfile::tempdir().unwrap();
    let lock = lockfile(dir.path(), &["left-pad"]);
    let reqs = write(dir.path(), "requirements.txt", b"Requests==2.31.0\n");
    let mock = registry_with(&["left-pad"]);
    mock.route(
        "/pypi/requests/json",
        vec![Reply::json(
            json!({"info": {"name": "Requests", "version": "2.31.0", "license": "Apache-2.0"},
                   "releases": {"2.31.0": [{"packagetype": "bdist_wheel",
                       "upload_time_iso_8601": "2023-05-22T15:12:42Z", "yanked": false,
                       "digests": {"sha256": "ab".repeat(32)}}]}})
            .to_string(),
        )],
    );
    // npm: a global npmrc under a prefix of our own.
    let prefix = dir.path().join("npm-prefix");
    std::fs::create_dir_all(prefix.join("etc")).unwrap();
    write(
        &prefix.join("etc"),
        "npmrc",
        format!("registry={}\n", mock.url("npm/")).as_bytes(),
    );
    // pip: a virtual environment over this machine's Python, with a site pip.conf.
    let venv = dir.path().join("venv");
    let made = std::process::Command::new("python3")
        .args(["-m", "venv", "--without-pip", "--system-site-packages"])
        .arg(&venv)
        .status()
        .expect("python3 is installed (.ci/run installs it)");
    assert!(made.success());
    write(
        &venv,
        "pip.conf",
        format!("[global]\nindex-url = {}\n", mock.url("simple/")).as_bytes(),
    );
    let path = format!(
        "{}:{}",
        venv.join("bin").display(),
        std::env::var("PATH").unwrap()
    );
    let run = |format: &str| {
        bin()
            .current_dir(dir.path())
            .env("CHAINRISK_PACKAGE_MANAGERS", "on")
            .env("npm_config_prefix", &prefix)
            .env("PATH", &path)
            .env("CARGO_HOME", dir.path().join("cargo-home"))
            .args(["scan", "--format", format])
            .arg(&lock)
            .arg(&reqs)
            .output()
            .unwrap()
    };
    let out = run("json");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (npm, npm_by) = endpoint_of(&report, "npm");
    assert_eq!(npm, mock.url("npm/"));
    assert_eq!(npm_by, "`npm config get registry`");
    let (pypi, pypi_by) = endpoint_of(&report, "pypi");
    assert_eq!(pypi, mock.url("pypi/"));
    assert_eq!(pypi_by, "`python3 -m pip config list`");
    assert_eq!(
        component(&report, "left-pad")["origin"]["presence"],
        "found"
    );
    assert_eq!(
        component(&report, "requests")["origin"]["presence"],
        "found"
    );
    let text = String::from_utf8_lossy(&run("table").stdout).to_string();
    assert!(text.contains("`npm config get registry`"), "{text}");
    assert!(text.contains("`python3 -m pip config list`"), "{text}");

    // Turned off, nothing is asked and nothing resolves.
    let out = bin()
        .current_dir(dir.path())
        .env("npm_config_prefix", &prefix)
        .env("PATH", &path)
        .args(["scan", "--format", "json"])
        .arg(&lock)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(endpoint_of(&report, "npm").0, "");
}

/// Cargo's built-in registry is the sparse index it keeps under
/// `$CARGO_HOME/registry/index/<host>-<hash>/`: named with its origin
/// (the fetch itself fails here: nothing serves https on loopback).
#[test]
fn cargos_own_sparse_index_directory_names_its_registry() {
    let dir = tempfile::tempdir().unwrap();
    let lock = write(
        dir.path(),
        "Cargo.lock",
        b"version = 3\n\n[[package]]\nname = \"serde\"\nversion = \"1.0.0\"\nsource = \"registry+https://registry.example/index\"\n",
    );
    let index = dir
        .path()
        .join("cargo-home/registry/index/127.0.0.1-0123456789abcdef");
    std::fs::create_dir_all(&index).unwrap();
    write(&index, "config.json", b"{}");
    let out = bin()
        .current_dir(dir.path())
        .env("CHAINRISK_PACKAGE_MANAGERS", "on")
        .env("CARGO_HOME", dir.path().join("cargo-home"))
        .args(["scan", "--format", "json"])
        .arg(&lock)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (url, by) = endpoint_of(&report, "cargo");
    assert_eq!(url, "https://127.0.0.1/");
    assert!(
        by.ends_with("127.0.0.1-0123456789abcdef (the sparse index Cargo uses)"),
        "{by}"
    );
}

#[test]
fn the_policy_names_the_cache_when_no_flag_or_variable_does() {
    let dir = tempfile::tempdir().unwrap();
    let lock = lockfile(dir.path(), &["left-pad"]);
    let mock = registry_with(&["left-pad"]);
    let from_policy = dir.path().join("from-policy.sqlite3");
    let policy = write(
        dir.path(),
        "chainrisk.toml",
        format!(
            "[cache]\nlocation = {:?}\n",
            from_policy.display().to_string()
        )
        .as_bytes(),
    );
    let npm = format!("npm={}", mock.url("npm/"));
    let out = bin()
        .env_remove("CHAINRISK_CACHE")
        .args([
            "scan",
            lock.to_str().unwrap(),
            "--registry",
            &npm,
            "--format",
            "json",
        ])
        .arg("--policy")
        .arg(&policy)
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
        report["resolution"]["cache"],
        from_policy.display().to_string()
    );
    assert!(from_policy.exists());

    // A URL of another kind is a usage error naming the key.
    std::fs::write(&policy, "[cache]\nlocation = \"redis://127.0.0.1:6379\"\n").unwrap();
    let out = bin()
        .env_remove("CHAINRISK_CACHE")
        .args(["scan", lock.to_str().unwrap(), "--registry", &npm])
        .arg("--policy")
        .arg(&policy)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("cache.location: `redis://…`"), "{stderr}");
}
