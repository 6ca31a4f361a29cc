//! The PostgreSQL cache against a real server (a throwaway cluster per
//! test) and the loopback mock registry: facts shared between scans, TTL
//! and revalidation, migrations, single flight across concurrent scanners,
//! a scanner killed or stopped mid-fetch, the server stopped mid-scan, an
//! unreachable server, a read-only role — and the password never shown.

mod common;
#[path = "support/debian_archive.rs"]
mod debian_archive;
#[path = "support/mock_registry.rs"]
mod mock_registry;
#[path = "support/postgres.rs"]
mod postgres;

use std::path::{Path, PathBuf};
use std::process::{Child, Output, Stdio};
use std::time::{Duration, Instant};

use chainrisk::resolve::cache::{self, CacheLocation};
use common::{std_bin, write};
use mock_registry::{MockRegistry, Reply};
use postgres::{Cluster, PASSWORD};
use serde_json::{Value, json};

fn packument(name: &str) -> String {
    json!({
        "name": name,
        "dist-tags": {"latest": "1.0.0"},
        "versions": {"1.0.0": {"name": name, "version": "1.0.0",
            "dist": {"shasum": "0123456789abcdef0123456789abcdef01234567"},
            "_npmUser": {"name": "alice"}}},
        "time": {"1.0.0": "2024-05-01T10:00:00.000Z", "created": "2024-05-01T10:00:00.000Z"},
        "maintainers": [{"name": "alice"}],
        "license": "MIT"
    })
    .to_string()
}

fn names(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("pkg-{i:03}")).collect()
}

/// A package-lock v3 with `names` at 1.0.0.
fn lockfile(dir: &Path, names: &[String]) -> PathBuf {
    let mut packages = serde_json::Map::new();
    packages.insert(String::new(), json!({"name": "app", "version": "0.1.0"}));
    for n in names {
        packages.insert(
            format!("node_modules/{n}"),
            json!({"version": "1.0.0",
                   "resolved": format!("https://registry.example/{n}/-/{n}-1.0.0.tgz"),
                   "integrity": "sha512-AAAA"}),
        );
    }
    let doc = json!({"name": "app", "lockfileVersion": 3, "packages": packages});
    write(dir, "package-lock.json", doc.to_string().as_bytes())
}

fn registry(names: &[String], reply: impl Fn(&str) -> Reply) -> MockRegistry {
    let mock = MockRegistry::start();
    for n in names {
        mock.route(&format!("/npm/{n}"), vec![reply(n)]);
    }
    mock
}

fn scan_command(
    lock: &Path,
    mock: &MockRegistry,
    cache: &str,
    extra: &[&str],
) -> std::process::Command {
    let mut c = std_bin();
    c.arg("scan")
        .arg(lock)
        .args(["--registry", &format!("npm={}", mock.url("npm/"))])
        .args(["--cache", cache])
        .args(["--format", "json"])
        .args(extra)
        .stdin(Stdio::null());
    c
}

/// Runs a scan to its end: report, stderr.
fn scan(lock: &Path, mock: &MockRegistry, cache: &str, extra: &[&str]) -> (Value, String) {
    let out = scan_command(lock, mock, cache, extra).output().unwrap();
    finished(out)
}

fn finished(out: Output) -> (Value, String) {
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        !stdout.contains(PASSWORD) && !stderr.contains(PASSWORD),
        "the password was shown:\n{stderr}"
    );
    assert!(
        matches!(out.status.code(), Some(0 | 1)),
        "scan failed ({:?}): {stderr}",
        out.status
    );
    let report: Value = serde_json::from_str(&stdout).expect("a JSON report");
    (report, stderr)
}

fn npm(report: &Value) -> &Value {
    report["resolution"]["ecosystems"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["ecosystem"] == "npm")
        .expect("npm in the resolution")
}

fn spawn(mut c: std::process::Command) -> Child {
    c.stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits until some scanner holds a claim in `db`.
fn wait_for_claims(cluster: &Cluster, db: &str) {
    let start = Instant::now();
    loop {
        // Before the first scanner migrated, there is no table to read.
        let n = cluster.try_psql(db, "SELECT COUNT(*) FROM chainrisk.claims");
        if n.is_ok_and(|n| n != "0") {
            return;
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no claim appeared"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn facts_written_by_one_scan_are_read_by_another_and_by_cache_commands() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let url = cluster.database("facts");
    let dir = tempfile::tempdir().unwrap();
    let names = names(3);
    let lock = lockfile(dir.path(), &names);
    let mock = registry(&names, |n| {
        Reply::json(packument(n)).header("ETag", "\"v1\"")
    });

    let (cold, _) = scan(&lock, &mock, &url, &[]);
    assert_eq!(mock.requests(), 3, "one request per package");
    assert_eq!(npm(&cold)["live"], 3);
    let shown = cold["resolution"]["cache"].as_str().unwrap();
    assert_eq!(
        shown,
        format!(
            "postgres://chainrisk@127.0.0.1:{}/facts?sslmode=disable",
            cluster.port
        )
    );

    let (warm, _) = scan(&lock, &mock, &url, &[]);
    assert_eq!(mock.requests(), 3, "the warm shared cache asks nothing");
    assert_eq!(npm(&warm)["cached"], 3);

    // Expired: revalidated with the stored ETag, a 304 keeps the facts.
    mock.reset_counters();
    for n in &names {
        mock.route(&format!("/npm/{n}"), vec![Reply::status(304)]);
    }
    let (revalidated, _) = scan(&lock, &mock, &url, &["--cache-ttl", "0"]);
    assert_eq!(mock.requests(), 3);
    assert!(
        mock.received()
            .iter()
            .all(|r| r.header("if-none-match") == Some("\"v1\"")),
        "conditional requests"
    );
    assert_eq!(npm(&revalidated)["live"], 3);
    assert_eq!(npm(&revalidated)["failed"], 0);

    let stats = std_bin()
        .args(["cache", "stats", "--cache", &url])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&stats.stdout);
    assert!(
        stats.status.success(),
        "{}",
        String::from_utf8_lossy(&stats.stderr)
    );
    assert!(!text.contains(PASSWORD), "{text}");
    assert!(text.contains("entries    3 (0 not found"), "{text}");

    let snap = dir.path().join("snap.json");
    let export = std_bin()
        .args(["snapshot", "export", "--cache", &url, "-o"])
        .arg(&snap)
        .output()
        .unwrap();
    assert!(
        export.status.success(),
        "{}",
        String::from_utf8_lossy(&export.stderr)
    );
    let exported: Value = serde_json::from_slice(&std::fs::read(&snap).unwrap()).unwrap();
    assert_eq!(exported["packages"].as_array().unwrap().len(), 3);

    let clear = std_bin()
        .args(["cache", "clear", "--older-than", "1", "--cache", &url])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&clear.stdout).contains("removed 0 entries"));
    let clear = std_bin()
        .args(["cache", "clear", "--cache", &url])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&clear.stdout).contains("removed 3 entries"));
    assert_eq!(
        cluster.psql("facts", "SELECT COUNT(*) FROM chainrisk.packages"),
        "0"
    );
}

#[test]
fn an_empty_database_and_one_of_the_previous_layout_are_migrated_once() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let url = cluster.database("layouts");
    let CacheLocation::Postgres(pg) = CacheLocation::parse(&url).unwrap() else {
        panic!("a postgres URL");
    };
    // The previous layout, as the chainrisk before claims left it, with a fact in it.
    assert_eq!(cache::migrate_postgres_to(&pg, 2).unwrap(), vec![1, 2]);
    cluster.psql(
        "layouts",
        "INSERT INTO chainrisk.packages (ecosystem, registry, name, status, facts, fetched_at)
         VALUES ('npm', 'http://127.0.0.1:9/', 'kept', 'found',
                 '{\"ecosystem\":\"npm\",\"registry\":\"http://127.0.0.1:9/\",\"name\":\"kept\"}',
                 '2026-01-01T00:00:00Z')",
    );
    // Eight openers at once: the migration is applied once, under its lock.
    let openers: Vec<_> = (0..8)
        .map(|_| {
            let location = CacheLocation::parse(&url).unwrap();
            std::thread::spawn(move || {
                cache::open(&location).map(|(c, _)| c.stats().map(|s| s.entries()))
            })
        })
        .collect();
    for o in openers {
        assert_eq!(
            o.join().unwrap().unwrap().unwrap(),
            1,
            "the old row is kept"
        );
    }
    assert_eq!(
        cluster.psql("layouts", "SELECT string_agg(version::text, ',' ORDER BY version) FROM chainrisk.schema_migrations"),
        "1,2,3"
    );
    assert_eq!(
        cluster.psql(
            "layouts",
            "SELECT to_regclass('chainrisk.claims') IS NOT NULL"
        ),
        "t"
    );

    // From nothing.
    let fresh = cluster.database("fresh");
    let (c, warnings) = cache::open(&CacheLocation::parse(&fresh).unwrap()).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(c.stats().unwrap().entries(), 0);
    assert_eq!(
        cluster.psql("fresh", "SELECT COUNT(*) FROM chainrisk.schema_migrations"),
        "3"
    );
}

#[test]
fn eight_concurrent_scans_send_one_request_per_package() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let url = cluster.database("fleet");
    let dir = tempfile::tempdir().unwrap();
    let names = names(40);
    let lock = lockfile(dir.path(), &names);
    let mock = registry(&names, |n| Reply::json(packument(n)));
    mock.set_latency(Duration::from_millis(30));

    let scans: Vec<Child> = (0..8)
        .map(|_| spawn(scan_command(&lock, &mock, &url, &[])))
        .collect();
    let mut said = String::new();
    for child in scans {
        let (report, stderr) = finished(child.wait_with_output().unwrap());
        said.push_str(&stderr);
        let npm = npm(&report);
        assert_eq!(npm["failed"], 0, "{stderr}");
        assert_eq!(
            npm["live"].as_u64().unwrap() + npm["cached"].as_u64().unwrap(),
            40,
            "every package resolved: {npm}"
        );
    }
    assert_eq!(
        mock.requests(),
        40,
        "one request per distinct package across the fleet:\n{said}"
    );
    assert_eq!(
        cluster.psql("fleet", "SELECT COUNT(*) FROM chainrisk.packages"),
        "40"
    );
    assert_eq!(
        cluster.psql("fleet", "SELECT COUNT(*) FROM chainrisk.claims"),
        "0",
        "every claim released"
    );
}

#[test]
fn a_scanner_killed_or_stopped_mid_fetch_does_not_block_the_others() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let url = cluster.database("claims");
    let dir = tempfile::tempdir().unwrap();
    let names = names(3);
    let lock = lockfile(dir.path(), &names);
    let mock = registry(&names, |n| Reply::json(packument(n)));

    // Killed: its session ends with it, and so does its claim.
    mock.set_latency(Duration::from_secs(20));
    let mut killed = spawn(scan_command(&lock, &mock, &url, &[]));
    wait_for_claims(&cluster, "claims");
    killed.kill().unwrap();
    let _ = killed.wait();
    mock.set_latency(Duration::ZERO);
    let start = Instant::now();
    let (report, _) = scan(&lock, &mock, &url, &[]);
    assert!(
        start.elapsed() < Duration::from_secs(15),
        "waited {:?}",
        start.elapsed()
    );
    assert_eq!(npm(&report)["live"], 3);

    // Stopped (alive, silent): its claim holds until it expires.
    cluster.psql("claims", "DELETE FROM chainrisk.packages");
    mock.set_latency(Duration::from_secs(20));
    let mut slow = scan_command(&lock, &mock, &url, &[]);
    slow.env("CHAINRISK_CACHE_CLAIM_TTL", "2");
    let mut stopped = spawn(slow);
    wait_for_claims(&cluster, "claims");
    let pid = stopped.id().to_string();
    std::process::Command::new("kill")
        .args(["-STOP", &pid])
        .status()
        .unwrap();
    mock.set_latency(Duration::ZERO);
    let start = Instant::now();
    let (report, _) = scan(&lock, &mock, &url, &[]);
    let waited = start.elapsed();
    std::process::Command::new("kill")
        .args(["-KILL", &pid])
        .status()
        .unwrap();
    let _ = stopped.wait();
    assert!(
        waited >= Duration::from_millis(500),
        "did not wait for the claim: {waited:?}"
    );
    assert!(
        waited < Duration::from_secs(15),
        "waited past the claim's expiry: {waited:?}"
    );
    assert_eq!(npm(&report)["live"], 3);
}

#[test]
fn the_server_stopped_mid_scan_leaves_a_complete_report_and_one_warning() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let url = cluster.database("outage");
    let dir = tempfile::tempdir().unwrap();
    let names = names(5);
    let lock = lockfile(dir.path(), &names);
    let mock = registry(&names, |n| Reply::json(packument(n)));
    mock.set_latency(Duration::from_secs(2));
    let child = spawn(scan_command(&lock, &mock, &url, &[]));
    wait_for_claims(&cluster, "outage");
    cluster.stop_server();
    let (report, stderr) = finished(child.wait_with_output().unwrap());
    assert_eq!(npm(&report)["live"], 5, "every package fetched live");
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("the cache postgres://"))
        .collect();
    assert_eq!(warnings.len(), 1, "one warning names the cause:\n{stderr}");
    assert!(
        warnings[0].contains(&format!("127.0.0.1:{}/outage", cluster.port)),
        "{stderr}"
    );
}

#[test]
fn an_unreachable_server_is_one_warning_online_and_an_error_offline() {
    let dir = tempfile::tempdir().unwrap();
    let names = names(2);
    let lock = lockfile(dir.path(), &names);
    let mock = registry(&names, |n| Reply::json(packument(n)));
    // Nothing listens there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("postgres://scanner:{PASSWORD}@127.0.0.1:{port}/facts");
    let (report, stderr) = scan(&lock, &mock, &url, &[]);
    assert_eq!(npm(&report)["live"], 2);
    assert!(report["resolution"]["cache"].is_null());
    let warnings: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .collect();
    assert_eq!(warnings.len(), 1, "{stderr}");
    assert!(
        warnings[0].contains(&format!("postgres://scanner@127.0.0.1:{port}/facts")),
        "{stderr}"
    );
    assert!(
        warnings[0].contains("resolving without a cache"),
        "{stderr}"
    );

    let (offline, _) = scan(&lock, &mock, &url, &["--offline"]);
    assert_eq!(mock.requests(), 2, "offline asks nothing");
    let errors = offline["resolution"]["errors"].as_array().unwrap();
    assert!(
        errors.iter().any(|e| e
            .as_str()
            .unwrap()
            .contains("offline, no fact can come from anywhere else")),
        "{errors:?}"
    );
}

#[test]
fn a_read_only_role_reads_the_shared_facts_and_writes_nothing() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let url = cluster.database("shared");
    let dir = tempfile::tempdir().unwrap();
    let names = names(2);
    let lock = lockfile(dir.path(), &names);
    let mock = registry(&names, |n| Reply::json(packument(n)));
    scan(&lock, &mock, &url, &[]);
    cluster.psql(
        "shared",
        "CREATE ROLE reader LOGIN PASSWORD 'reader-pw';
         GRANT USAGE ON SCHEMA chainrisk TO reader;
         GRANT SELECT ON ALL TABLES IN SCHEMA chainrisk TO reader;",
    );
    let reader = format!(
        "postgres://reader@127.0.0.1:{}/shared?sslmode=disable",
        cluster.port
    );
    // The password from PGPASSWORD, as libpq reads it.
    let more = lockfile(
        dir.path(),
        &[names.clone(), vec!["extra".to_string()]].concat(),
    );
    mock.route("/npm/extra", vec![Reply::json(packument("extra"))]);
    let out = scan_command(&more, &mock, &reader, &[])
        .env("PGPASSWORD", "reader-pw")
        .output()
        .unwrap();
    let (report, stderr) = finished(out);
    assert_eq!(npm(&report)["cached"], 2, "{stderr}");
    assert_eq!(npm(&report)["live"], 1);
    assert!(
        stderr.contains("is read-only (the role may not write its tables)"),
        "{stderr}"
    );
    assert_eq!(
        cluster.psql("shared", "SELECT COUNT(*) FROM chainrisk.packages"),
        "2"
    );
    // Offline, the read-only role still gives the facts.
    let out = scan_command(&lock, &mock, &reader, &["--offline"])
        .env("PGPASSWORD", "reader-pw")
        .output()
        .unwrap();
    let (report, _) = finished(out);
    assert_eq!(npm(&report)["cached"], 2);
}

#[test]
fn distribution_indexes_are_kept_in_the_shared_cache() {
    let Some(cluster) = Cluster::start() else {
        return;
    };
    let url = cluster.database("indexes");
    // The loopback Debian archive of the archive tests, each file with a
    // validator, then 304 to the conditional request a stored copy allows
    // (without one, the 304 would be an error).
    let mock = debian_archive::serve(|bytes| {
        vec![
            Reply::new(200, bytes).header("ETag", "\"v1\""),
            Reply::status(304),
        ]
    });
    let run = |extra: &[&str]| {
        let mut c = std_bin();
        c.args([
            "scan",
            "--format",
            "json",
            "fixtures/debian/minbase-bookworm.cdx.json",
        ])
        .args(["--archive-keyring", "fixtures/archive/test-archive-key.asc"])
        .args(["--registry", &format!("deb={}", mock.url("debian"))])
        .args([
            "--registry",
            &format!("deb-security={}", mock.url("debian-security")),
        ])
        .args(["--cache", &url])
        .args(extra)
        .current_dir(common::root());
        finished(c.output().unwrap()).0
    };
    let del08 = |r: &Value| {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "DEL-08")
            .count()
    };
    let cold = run(&[]);
    let cold_requests = mock.requests();
    let stored: i64 = cluster
        .psql("indexes", "SELECT COUNT(*) FROM chainrisk.indexes")
        .parse()
        .unwrap();
    assert!(stored >= 4, "indexes stored: {stored}");
    // Facts expired: every index is asked for again with its validator, and
    // the 304 is answered from the copy in the shared cache.
    mock.reset_counters();
    let again = run(&["--cache-ttl", "0"]);
    let sent = mock.received();
    assert_eq!(sent.len(), cold_requests);
    assert!(
        sent.iter()
            .all(|r| r.header("if-none-match") == Some("\"v1\"")),
        "conditional requests only"
    );
    let errors = again["resolution"]["errors"].to_string();
    assert!(!errors.contains("304"), "{errors}");
    assert!(del08(&cold) >= 10);
    assert_eq!(del08(&again), del08(&cold));
}
