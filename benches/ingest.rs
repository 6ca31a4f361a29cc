//! Ingest + rules on synthetic CycloneDX JSON of 10,000 and 100,000
//! components, against a bare `serde_json::from_slice::<Value>` of the same
//! bytes; and the peak heap of each, against the file size.
//!
//! Goals (issue #2): ingest + rules within 3× the bare parse; memory within
//! 5× the file size. Run with `cargo bench --bench ingest`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// Counts live heap bytes and their peak, so a run's peak can be measured.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size > layout.size() {
                let now = LIVE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size
                    - layout.size();
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                LIVE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// A CycloneDX 1.6 document shaped like real generator output: purls,
/// SHA-512 hashes, licences, references, a dependency graph, and the usual
/// share of gaps (missing licences, weak hashes, git sources).
fn synthetic_bom(n: usize) -> Vec<u8> {
    let mut components = Vec::with_capacity(n);
    let mut deps = Vec::with_capacity(n + 1);
    let ecosystems = ["npm", "pypi", "cargo", "maven", "golang"];
    for i in 0..n {
        let eco = ecosystems[i % ecosystems.len()];
        let (ns, name) = match eco {
            "maven" => (format!("org.example.g{}/", i % 97), format!("artifact-{i}")),
            "golang" => (format!("example.com/owner{}/", i % 211), format!("mod{i}")),
            "npm" if i % 3 == 0 => (format!("%40scope{}/", i % 53), format!("pkg-{i}")),
            _ => (String::new(), format!("pkg-{i}")),
        };
        let version = format!("{}.{}.{}", i % 7, i % 13, i % 29);
        let mut purl = format!("pkg:{eco}/{ns}{name}@{version}");
        if i % 50 == 0 {
            purl.push_str("?vcs_url=git%2Bhttps%3A%2F%2Fgit.example%2Fo%2Fr.git%23main");
        }
        let hash = if i % 20 == 0 {
            serde_json::json!([{"alg": "SHA-1", "content": format!("{:040x}", i)}])
        } else {
            serde_json::json!([{"alg": "SHA-512", "content": format!("{:0128x}", i * 7919)}])
        };
        let mut c = serde_json::json!({
            "type": "library",
            "bom-ref": format!("c{i}"),
            "name": name,
            "version": version,
            "purl": purl,
            "hashes": hash,
            "externalReferences": [
                {"type": "vcs", "url": format!("git+https://git.example/o{}/r{i}.git", i % 300)},
                {"type": "distribution", "url": format!("https://{eco}.registry.example/{name}/-/{name}-{i}.tgz")}
            ]
        });
        if i % 10 != 0 {
            c["licenses"] = serde_json::json!([{"license": {"id": if i % 2 == 0 { "MIT" } else { "Apache-2.0" }}}]);
        }
        if i % 4 == 0 {
            c["author"] = format!("Author {}", i % 400).into();
        }
        components.push(c);
        let depends: Vec<String> = (1..=3)
            .map(|k| format!("c{}", (i * 7 + k * 13) % n))
            .filter(|d| *d != format!("c{i}"))
            .collect();
        deps.push(serde_json::json!({"ref": format!("c{i}"), "dependsOn": depends}));
    }
    deps.push(serde_json::json!({"ref": "app", "dependsOn": (0..n.min(50)).map(|i| format!("c{i}")).collect::<Vec<_>>()}));
    let bom = serde_json::json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": "urn:uuid:00000000-0000-4000-8000-000000000000",
        "version": 1,
        "metadata": {
            "timestamp": "2026-11-24T00:00:00Z",
            "tools": {"components": [{"type": "application", "name": "bench"}]},
            "component": {"type": "application", "bom-ref": "app", "name": "app", "version": "1.0.0"}
        },
        "components": components,
        "dependencies": deps
    });
    serde_json::to_vec(&bom).unwrap()
}

/// Best wall time of `runs` runs, and the peak heap growth over the run.
fn measure<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut peak = 0;
    for _ in 0..runs {
        let base = LIVE.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        let t = Instant::now();
        let out = f();
        best = best.min(t.elapsed());
        peak = peak.max(PEAK.load(Ordering::Relaxed) - base);
        drop(out);
    }
    (best, peak)
}

fn mib(b: usize) -> f64 {
    b as f64 / (1024.0 * 1024.0)
}

fn main() {
    // `cargo test --benches` runs benches once with `--bench` absent: keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let sizes: &[usize] = if quick { &[1_000] } else { &[10_000, 100_000] };
    let dir = std::env::temp_dir().join(format!("chainrisk-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    println!(
        "{:>9} {:>9} {:>12} {:>14} {:>7} {:>12} {:>12} {:>8}",
        "components",
        "file MiB",
        "bare parse",
        "ingest+rules",
        "ratio",
        "peak (bare)",
        "peak (ours)",
        "× file"
    );
    for &n in sizes {
        let bytes = synthetic_bom(n);
        let path = dir.join(format!("bom-{n}.cdx.json"));
        std::fs::write(&path, &bytes).unwrap();
        let runs = if n >= 100_000 { 3 } else { 5 };
        let (bare, bare_peak) = measure(runs, || {
            serde_json::from_slice::<serde_json::Value>(&bytes).unwrap()
        });
        let thresholds = chainrisk::rules::Thresholds::default();
        let paths = [path.clone()];
        let (ours, our_peak) = measure(runs, || {
            let inv = chainrisk::ingest::ingest(&paths);
            assert_eq!(inv.documents[0].components_read, n);
            let eval =
                chainrisk::rules::evaluate(&inv, &thresholds, jiff::Timestamp::UNIX_EPOCH, None);
            (inv, eval)
        });
        // Where the time goes: parsing one document, then read + hash + merge, then the rules.
        let (parse, parse_peak) = measure(runs, || chainrisk::ingest::parse_bytes(&bytes).unwrap());
        let (whole_ingest, ingest_peak) = measure(runs, || chainrisk::ingest::ingest(&paths));
        let inv = chainrisk::ingest::ingest(&paths);
        let (rules, rules_peak) = measure(runs, || {
            chainrisk::rules::evaluate(&inv, &thresholds, jiff::Timestamp::UNIX_EPOCH, None)
        });
        eprintln!(
            "  breakdown for {n}: parse {:.1}ms (peak {:.0}MiB), read+hash+merge {:.1}ms (ingest peak {:.0}MiB), rules {:.1}ms (peak {:.0}MiB over the inventory)",
            parse.as_secs_f64() * 1e3,
            mib(parse_peak),
            (whole_ingest.saturating_sub(parse)).as_secs_f64() * 1e3,
            mib(ingest_peak),
            rules.as_secs_f64() * 1e3,
            mib(rules_peak)
        );
        println!(
            "{:>9} {:>9.1} {:>10.1}ms {:>12.1}ms {:>6.2}× {:>10.1}MiB {:>10.1}MiB {:>7.2}×",
            n,
            mib(bytes.len()),
            bare.as_secs_f64() * 1e3,
            ours.as_secs_f64() * 1e3,
            ours.as_secs_f64() / bare.as_secs_f64(),
            mib(bare_peak),
            mib(our_peak),
            our_peak as f64 / bytes.len() as f64
        );
    }
    // CHAINRISK_BENCH_KEEP=1 keeps the generated files for profiling the binary on them.
    if std::env::var_os("CHAINRISK_BENCH_KEEP").is_some() {
        eprintln!("kept the generated files in {}", dir.display());
    } else {
        let _ = std::fs::remove_dir_all(&dir);
    }
}
