//! Cost of the advisory rules at 100,000 components (ignored by default; run
//! `cargo test --release --test advisory_scale -- --ignored --nocapture`):
//! loading the RustSec database (a full snapshot under `$CHAINRISK_SHARED`
//! when that is set, else the subset in fixtures), and evaluating all rules with and without
//! it, so the advisory rules' share is visible.

use chainrisk::model::{Component, Document, Edge, Inventory, Location};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// A full RustSec snapshot under `$CHAINRISK_SHARED`, else the subset in
/// `fixtures/advisories/rustsec`.
fn database() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    std::env::var_os("CHAINRISK_SHARED")
        .map(|s| PathBuf::from(s).join("data/rustsec-advisory-db"))
        .filter(|p| p.exists())
        .unwrap_or_else(|| root.join("fixtures/advisories/rustsec"))
}

/// 100,000 components over five ecosystems; every fifth cargo one named after
/// an advised crate at 0.1.0; a ternary dependency tree.
fn inventory(crates: &[String]) -> Inventory {
    let mut inv = Inventory {
        documents: vec![Document {
            path: "synthetic.cdx.json".into(),
            ..Document::default()
        }],
        ..Inventory::default()
    };
    inv.subject.name = "synthetic".into();
    let ecosystems = ["npm", "pypi", "cargo", "maven", "golang"];
    for i in 0..100_000 {
        let eco = ecosystems[i % 5];
        let name = if eco == "cargo" && i % 25 == 2 {
            crates[i % crates.len()].clone()
        } else {
            format!("pkg-{i}")
        };
        let mut c = Component::named(name.clone());
        let _ = c.set_purl(&format!("pkg:{eco}/{name}@0.1.0"));
        c.version = Some("0.1.0".into());
        c.id = i;
        c.locations.push(Location {
            input: 0,
            pointer: format!("/components/{i}"),
        });
        inv.components.push(c);
    }
    for i in 0..100_000 {
        for k in 1..=3 {
            if i * 3 + k < 100_000 {
                inv.edges.push(Edge {
                    from: i,
                    to: i * 3 + k,
                });
            }
        }
    }
    inv.roots = vec![0];
    inv
}

fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut out = None;
    for _ in 0..runs {
        let t = Instant::now();
        let r = f();
        best = best.min(t.elapsed());
        out = Some(r);
    }
    (best, out.unwrap())
}

#[test]
#[ignore]
fn advisory_rules_at_100k_components() {
    let db = database();
    let mut crates: Vec<String> = std::fs::read_dir(db.join("crates"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    crates.sort();
    let inv = inventory(&crates);
    let now = jiff::Timestamp::UNIX_EPOCH;
    let t = chainrisk::rules::Thresholds::default();
    let (load, set) = best(5, || {
        chainrisk::advisory::load_all(std::slice::from_ref(&db), now, 7).unwrap()
    });
    let (without, e0) = best(3, || chainrisk::rules::evaluate(&inv, &t, now, None));
    let (with, e1) = best(3, || chainrisk::rules::evaluate(&inv, &t, now, Some(&set)));
    let count = |e: &chainrisk::rules::Evaluation, r: &str| {
        e.findings.iter().filter(|f| f.rule == r).count()
    };
    eprintln!(
        "load {} advisories: {:.1} ms; all rules without advisories {:.1} ms, with {:.1} ms; UNM-01 {} / UNM-06 {} findings",
        set.len(),
        load.as_secs_f64() * 1e3,
        without.as_secs_f64() * 1e3,
        with.as_secs_f64() * 1e3,
        count(&e1, "UNM-01"),
        count(&e1, "UNM-06"),
    );
    assert_eq!(count(&e0, "UNM-01"), 0);
    assert!(count(&e1, "UNM-01") > 0);
}
