//! Every renderer on a 10,000-component assessment built through the real
//! ingest and rules path from a generated CycloneDX document (as
//! `benches/ingest.rs` does), one figure per format and the total.
//!
//! Goal (issue #6): all formats together under 1 s. Run with
//! `cargo bench --bench render`.

use std::time::{Duration, Instant};

use chainrisk::report::{self, Assessment, i18n::Lang};

/// A CycloneDX 1.6 document with the usual gaps, so the rules find plenty:
/// missing licences and suppliers, weak hashes, git sources.
fn synthetic_bom(n: usize) -> Vec<u8> {
    let ecosystems = ["npm", "pypi", "cargo", "maven", "golang"];
    let mut components = Vec::with_capacity(n);
    let mut deps = Vec::with_capacity(n + 1);
    for i in 0..n {
        let eco = ecosystems[i % ecosystems.len()];
        let ns = match eco {
            "maven" => format!("org.example.g{}/", i % 97),
            "golang" => format!("example.com/owner{}/", i % 211),
            _ => String::new(),
        };
        let name = format!("pkg-{i}");
        let version = format!("{}.{}.{}", i % 7, i % 13, i % 29);
        let mut purl = format!("pkg:{eco}/{ns}{name}@{version}");
        if i % 50 == 0 {
            purl.push_str("?vcs_url=git%2Bhttps%3A%2F%2Fgit.example%2Fo%2Fr.git%23main");
        }
        let mut c = serde_json::json!({
            "type": "library",
            "bom-ref": format!("c{i}"),
            "name": name,
            "version": version,
            "purl": purl,
            "externalReferences": [
                {"type": "vcs", "url": format!("git+https://git.example/o{}/r{i}.git", i % 300)}
            ]
        });
        if i % 20 == 0 {
            c["hashes"] = serde_json::json!([{"alg": "SHA-1", "content": format!("{:040x}", i)}]);
        } else if i % 7 != 0 {
            c["hashes"] =
                serde_json::json!([{"alg": "SHA-512", "content": format!("{:0128x}", i * 7919)}]);
        }
        if i % 10 != 0 {
            c["licenses"] = serde_json::json!([{"license": {"id": if i % 2 == 0 { "MIT" } else { "Apache-2.0" }}}]);
        }
        if i % 4 == 0 {
            c["supplier"] = serde_json::json!({"name": format!("Supplier {}", i % 40)});
        }
        components.push(c);
        let depends: Vec<String> = (1..=3)
            .map(|k| format!("c{}", (i * 7 + k * 13) % n))
            .filter(|d| *d != format!("c{i}"))
            .collect();
        deps.push(serde_json::json!({"ref": format!("c{i}"), "dependsOn": depends}));
    }
    deps.push(serde_json::json!({"ref": "app", "dependsOn": (0..n.min(50)).map(|i| format!("c{i}")).collect::<Vec<_>>()}));
    serde_json::to_vec(&serde_json::json!({
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
    }))
    .unwrap()
}

/// Best wall time of `runs` runs, and the output size.
fn measure(runs: usize, mut f: impl FnMut() -> String) -> (Duration, usize) {
    let mut best = Duration::MAX;
    let mut size = 0;
    for _ in 0..runs {
        let t = Instant::now();
        let out = f();
        best = best.min(t.elapsed());
        size = out.len();
    }
    (best, size)
}

fn main() {
    // `cargo test --benches` runs benches without `--bench`: keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let n = if quick { 500 } else { 10_000 };
    let runs = if quick { 1 } else { 5 };
    let dir = std::env::temp_dir().join(format!("chainrisk-render-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("bom-{n}.cdx.json"));
    std::fs::write(&path, synthetic_bom(n)).unwrap();

    let inv = chainrisk::ingest::ingest(std::slice::from_ref(&path));
    assert_eq!(inv.documents[0].components_read, n);
    let now = jiff::Timestamp::from_second(1_764_000_000).unwrap();
    let eval =
        chainrisk::rules::evaluate(&inv, &chainrisk::rules::Thresholds::default(), now, None);
    let a = Assessment::new(inv, eval, report::format_time(now));
    println!(
        "assessment: {} components, {} findings, {} edges",
        a.components.len(),
        a.findings.len(),
        a.dependencies.len()
    );

    type Renderer<'a> = (&'a str, Box<dyn Fn(&Assessment) -> String>);
    let renderers: Vec<Renderer> = vec![
        (
            "json",
            Box::new(|a| {
                let mut buf = Vec::new();
                report::json::write(a, &mut buf).unwrap();
                String::from_utf8(buf).unwrap()
            }),
        ),
        ("sarif", Box::new(report::sarif::render)),
        ("cyclonedx", Box::new(report::cyclonedx::render)),
        ("csv", Box::new(report::csv::render)),
        (
            "markdown",
            Box::new(|a| report::markdown::render(a, Lang::En)),
        ),
        ("html", Box::new(|a| report::html::render(a, Lang::En))),
        (
            "table",
            Box::new(|a| report::table::render(a, report::table::TableOptions { top: 10 })),
        ),
    ];
    println!("{:>10} {:>10} {:>10}", "format", "time", "MiB out");
    let mut total = Duration::ZERO;
    for (name, render) in &renderers {
        let (t, size) = measure(runs, || render(&a));
        total += t;
        println!(
            "{:>10} {:>8.1}ms {:>10.1}",
            name,
            t.as_secs_f64() * 1e3,
            size as f64 / (1024.0 * 1024.0)
        );
    }
    println!(
        "{:>10} {:>8.1}ms  (goal: under 1000 ms)",
        "total",
        total.as_secs_f64() * 1e3
    );
    let _ = std::fs::remove_dir_all(&dir);
}
