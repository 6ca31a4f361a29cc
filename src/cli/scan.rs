//! `chainrisk scan`: ingest, resolve, evaluate, report, and pick the exit code.

use super::output::{self, RenderOptions, Target};
use super::{EXIT_USAGE, ScanArgs, emit};
use crate::report::{self, Assessment, Invocation};
use crate::rules::{self, Thresholds};

pub fn run(args: &ScanArgs) -> u8 {
    // Where each report goes is settled before the scan: a usage mistake costs nothing.
    let plan = match output::plan(&args.format, args.output.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let now = report::scan_timestamp();
    // Flags, endpoints and the snapshot are checked before any work.
    let resolve_options =
        match super::resolve::options(&args.resolve, args.snapshot.as_deref(), now) {
            Ok(o) => o,
            Err(e) => {
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        };
    let options = crate::ingest::IngestOptions {
        offline: args.resolve.offline,
    };
    let mut inventory = crate::ingest::ingest_with(&args.inputs, &options);
    let outcome = crate::resolve::resolve(&mut inventory, &resolve_options);
    for w in &outcome.warnings {
        eprintln!("warning: {w}");
    }
    // Failed lookups are in the JSON report too; the terminal summary does not list them.
    for e in &outcome.resolution.errors {
        eprintln!("warning: registry: {e}");
    }
    let evaluation = rules::evaluate(&inventory, &Thresholds::default(), now);
    let mut assessment = Assessment::new(inventory, evaluation, report::format_time(now));
    assessment.invocation = Some(Invocation {
        args: std::env::args().skip(1).collect(),
        offline: args.resolve.offline,
    });
    assessment.resolution = Some(outcome.resolution);

    let opts = RenderOptions {
        top: args.top,
        lang: args.lang,
    };
    for (format, target) in &plan {
        let written = output::render(*format, &assessment, &opts).and_then(|text| {
            output::prepare(target)?;
            let path = match target {
                Target::Stdout => None,
                Target::File(p) => Some(p.as_path()),
            };
            emit(&text, path, args.color)
        });
        if let Err(e) = written {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    }

    // Unreadable inputs: one line each on stderr, whatever the format, and exit 2.
    let mut failed = false;
    for d in &assessment.inputs {
        if let Some(e) = &d.error {
            eprintln!("error: {}: {e}", d.path);
            failed = true;
        }
    }
    if failed {
        return EXIT_USAGE;
    }
    match (args.fail_on, rules::worst(&assessment.findings)) {
        (Some(limit), Some(worst)) if worst >= limit => 1,
        _ => 0,
    }
}
