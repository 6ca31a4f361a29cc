//! Every renderer on a 10,000-component assessment built through the real
//! ingest and rules path from a generated CycloneDX document (as
//! `benches/ingest.rs` does), one figure per format and the total.
//!
//! Goal (issue #6): all formats together under 1 s. Run with
//! `cargo bench --bench render`.

use std::time::{Duration, Instant};

use chainrisk::report::{self, Assessment, i18n::Lang};

#[path = "support/gapped_bom.rs"]
mod gapped_bom;
use gapped_bom::synthetic_bom;

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
