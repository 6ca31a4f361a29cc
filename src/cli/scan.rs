//! `chainrisk scan`: ingest, evaluate, report, and pick the exit code.

use super::{EXIT_USAGE, OutputFormat, ScanArgs, emit};
use crate::report::{self, Assessment, table};
use crate::rules::{self, Thresholds};

pub fn run(args: &ScanArgs) -> u8 {
    let options = crate::ingest::IngestOptions {
        offline: args.offline,
    };
    let inventory = crate::ingest::ingest_with(&args.inputs, &options);
    let now = report::scan_timestamp();
    let evaluation = rules::evaluate(&inventory, &Thresholds::default(), now, None);
    let assessment = Assessment::new(inventory, evaluation, report::format_time(now));

    let text = match args.format {
        OutputFormat::Table => table::render(&assessment, table::TableOptions { top: args.top }),
        OutputFormat::Json => {
            let mut buf = Vec::new();
            if let Err(e) = report::json::write(&assessment, &mut buf) {
                eprintln!("error: cannot serialise the report: {e}");
                return EXIT_USAGE;
            }
            String::from_utf8(buf).unwrap_or_default()
        }
    };
    if let Err(e) = emit(&text, args.output.as_deref(), args.color) {
        eprintln!("error: {e}");
        return EXIT_USAGE;
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
