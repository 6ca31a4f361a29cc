//! A fleet of scanners sharing one cache (issue 13): eight concurrent cold
//! scans of one 1,000-package lockfile, against the loopback mock registry
//! answering each request after 20 ms, sharing one PostgreSQL database (a
//! throwaway cluster on loopback, as the tests start it) — and, for
//! comparison, one SQLite file on this machine. The release binary is run
//! as eight processes, as a CI fleet would.
//!
//! Goals: with PostgreSQL, requests = distinct packages and wall time ≤ 1.5×
//! one cold scan. Run with `cargo bench --bench fleet` (the PostgreSQL
//! server binaries must be installed: apt install postgresql).

#[path = "../tests/support/mock_registry.rs"]
mod mock_registry;
#[path = "../tests/support/postgres.rs"]
mod postgres;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use mock_registry::{MockRegistry, Reply};

const PACKAGES: usize = 1_000;
const SCANNERS: usize = 8;
const LATENCY: Duration = Duration::from_millis(20);

fn packument(name: &str) -> String {
    format!(
        r#"{{"name": "{name}", "dist-tags": {{"latest": "1.0.0"}}, "versions": {{"1.0.0": {{"name": "{name}", "version": "1.0.0", "dist": {{"shasum": "0123456789abcdef0123456789abcdef01234567"}}, "_npmUser": {{"name": "alice"}}}}}}, "time": {{"1.0.0": "2024-05-01T10:00:00.000Z"}}, "maintainers": [{{"name": "alice"}}], "license": "MIT"}}"#
    )
}

fn lockfile(dir: &Path) -> std::path::PathBuf {
    let mut packages = vec![r#""": {"name": "app", "version": "0.1.0"}"#.to_string()];
    for i in 0..PACKAGES {
        packages.push(format!(
            r#""node_modules/pkg-{i:04}": {{"version": "1.0.0", "resolved": "https://registry.example/pkg-{i:04}/-/pkg-{i:04}-1.0.0.tgz", "integrity": "sha512-AAAA"}}"#
        ));
    }
    let path = dir.join("package-lock.json");
    std::fs::write(
        &path,
        format!(
            r#"{{"name": "app", "lockfileVersion": 3, "packages": {{{}}}}}"#,
            packages.join(", ")
        ),
    )
    .unwrap();
    path
}

fn scan(lock: &Path, mock: &MockRegistry, cache: &str) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_chainrisk"));
    c.arg("scan")
        .arg(lock)
        .args(["--registry", &format!("npm={}", mock.url("npm/"))])
        .args(["--cache", cache, "--format", "json", "-o", "/dev/null"])
        .env("CHAINRISK_PACKAGE_MANAGERS", "off")
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    c
}

/// Runs `n` scans at once; wall time, and whether every one succeeded.
fn fleet(n: usize, lock: &Path, mock: &MockRegistry, cache: &str) -> (Duration, bool) {
    let start = Instant::now();
    let children: Vec<_> = (0..n)
        .map(|_| scan(lock, mock, cache).spawn().unwrap())
        .collect();
    let mut ok = true;
    for child in children {
        let out = child.wait_with_output().unwrap();
        if !matches!(out.status.code(), Some(0 | 1)) {
            ok = false;
            eprintln!("{}", String::from_utf8_lossy(&out.stderr));
        }
    }
    (start.elapsed(), ok)
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let lock = lockfile(dir.path());
    let mock = MockRegistry::start();
    for i in 0..PACKAGES {
        let name = format!("pkg-{i:04}");
        mock.route(&format!("/npm/{name}"), vec![Reply::json(packument(&name))]);
    }
    mock.set_latency(LATENCY);
    let Some(cluster) = postgres::Cluster::start() else {
        println!("PostgreSQL not measured: its server binaries are not installed");
        return;
    };
    println!(
        "{PACKAGES} npm packages, {} ms per request, {SCANNERS} concurrent scans (release binary)",
        LATENCY.as_millis()
    );
    println!("{:<44} {:>9} {:>9} {:>6}", "", "wall", "requests", "ratio");
    let mut rows = Vec::new();
    for backend in ["postgres", "sqlite"] {
        let cache_for = |tag: &str| match backend {
            "postgres" => cluster.database(&format!("fleet_{tag}")),
            _ => dir
                .path()
                .join(format!("{tag}.sqlite3"))
                .display()
                .to_string(),
        };
        mock.reset_counters();
        let (one, ok1) = fleet(1, &lock, &mock, &cache_for("one"));
        let one_requests = mock.requests();
        mock.reset_counters();
        let (eight, ok8) = fleet(SCANNERS, &lock, &mock, &cache_for("eight"));
        let eight_requests = mock.requests();
        assert!(ok1 && ok8, "a scan failed");
        rows.push((format!("{backend}: one cold scan"), one, one_requests, 1.0));
        rows.push((
            format!("{backend}: {SCANNERS} concurrent cold scans"),
            eight,
            eight_requests,
            eight.as_secs_f64() / one.as_secs_f64(),
        ));
    }
    for (what, wall, requests, ratio) in rows {
        println!(
            "{what:<44} {:>8.2}s {requests:>9} {ratio:>5.2}×",
            wall.as_secs_f64()
        );
    }
}
