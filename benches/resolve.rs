//! Resolution of 1,000 distinct npm packages against the loopback mock
//! registry answering each request after 20 ms, at 32 requests in flight:
//! cold (every packument fetched, then written to the cache) and warm (every
//! package read from the cache, no request).
//!
//! Goals (issue #4): cold under 2 s (latency × count ÷ concurrency ≈ 0.6 s is
//! the floor); warm under 0.2 s. Run with `cargo bench --bench resolve`.

#[path = "../tests/support/mock_registry.rs"]
mod mock_registry;

use std::time::{Duration, Instant};

use chainrisk::model::{Component, Ecosystem, Inventory, SourceKind};
use chainrisk::resolve::client::ClientOptions;
use chainrisk::resolve::endpoints::Endpoint;
use chainrisk::resolve::{ResolveOptions, resolve};
use mock_registry::{MockRegistry, Reply};

const PACKAGES: usize = 1_000;
const LATENCY: Duration = Duration::from_millis(20);
const CONCURRENCY: usize = 32;

fn packument(name: &str) -> String {
    // A few versions each, so parsing is not free.
    let versions: Vec<String> = (0..5)
        .map(|i| {
            format!(
                r#""1.{i}.0": {{"name": "{name}", "version": "1.{i}.0", "dist": {{"shasum": "0123456789abcdef0123456789abcdef0123456{i}"}}, "_npmUser": {{"name": "alice"}}}}"#
            )
        })
        .collect();
    let times: Vec<String> = (0..5)
        .map(|i| format!(r#""1.{i}.0": "2024-0{}-01T00:00:00.000Z""#, i + 1))
        .collect();
    format!(
        r#"{{"name": "{name}", "dist-tags": {{"latest": "1.4.0"}}, "versions": {{{}}}, "time": {{{}}}, "maintainers": [{{"name": "alice"}}], "license": "MIT"}}"#,
        versions.join(", "),
        times.join(", ")
    )
}

fn inventory() -> Inventory {
    let components = (0..PACKAGES)
        .map(|i| Component {
            id: i,
            ecosystem: Ecosystem::Npm,
            name: format!("bench-pkg-{i}"),
            version: Some("1.2.0".into()),
            source: SourceKind::Registry { url: None },
            ..Component::default()
        })
        .collect();
    Inventory {
        components,
        ..Inventory::default()
    }
}

fn run(options: &ResolveOptions) -> (Duration, Inventory) {
    let mut inv = inventory();
    let start = Instant::now();
    let outcome = resolve(&mut inv, options);
    let took = start.elapsed();
    assert!(
        outcome.resolution.errors.is_empty(),
        "{:?}",
        outcome.resolution.errors
    );
    assert!(outcome.warnings.is_empty(), "{:?}", outcome.warnings);
    (took, inv)
}

fn main() {
    let mock = MockRegistry::start();
    for i in 0..PACKAGES {
        let name = format!("bench-pkg-{i}");
        mock.route(&format!("/{name}"), vec![Reply::json(packument(&name))]);
    }
    mock.set_latency(LATENCY);
    let dir = tempfile::tempdir().expect("a temporary directory");
    let options = ResolveOptions {
        endpoints: vec![Endpoint {
            ecosystem: Ecosystem::Npm,
            url: url::Url::parse(&mock.url("")).expect("the mock's URL"),
            configured_by: "bench".into(),
        }],
        client: ClientOptions {
            concurrency: CONCURRENCY,
            ..ClientOptions::default()
        },
        cache: Some(chainrisk::resolve::cache::CacheLocation::Sqlite(
            dir.path().join("cache.sqlite3"),
        )),
        ..ResolveOptions::default()
    };

    let (cold, inv) = run(&options);
    let requests = mock.requests();
    let peak = mock.peak_in_flight();
    let resolved = inv.components.iter().filter(|c| c.origin.is_some()).count();
    assert_eq!(resolved, PACKAGES);
    mock.reset_counters();
    let (warm, inv) = run(&options);
    assert_eq!(mock.requests(), 0, "the warm run asked the registry");
    assert!(inv.components.iter().all(|c| c.origin.is_some()));

    let floor = LATENCY.as_secs_f64() * PACKAGES as f64 / CONCURRENCY as f64;
    println!(
        "resolve {PACKAGES} npm packages, {} ms latency, concurrency {CONCURRENCY} (peak in flight {peak})",
        LATENCY.as_millis()
    );
    println!(
        "  cold: {:>7.3} s  ({requests} requests; latency floor {floor:.2} s; goal < 2 s) {}",
        cold.as_secs_f64(),
        verdict(cold, Duration::from_secs(2))
    );
    println!(
        "  warm: {:>7.3} s  (0 requests; goal < 0.2 s) {}",
        warm.as_secs_f64(),
        verdict(warm, Duration::from_millis(200))
    );
}

fn verdict(took: Duration, goal: Duration) -> &'static str {
    if took < goal { "ok" } else { "MISSED" }
}
