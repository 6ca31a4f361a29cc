//! `chainrisk scan`: read the policy and baseline, ingest, evaluate, apply
//! the policy, report, and pick the exit code.

use super::{EXIT_USAGE, OutputFormat, ScanArgs, emit};
use crate::policy::{self, Baseline};
use crate::report::{self, Assessment, table};
use crate::rules;

pub fn run(args: &ScanArgs) -> u8 {
    // Policy and baseline first: a bad one stops the scan before any work.
    let loaded = match policy::discover(args.policy.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let baseline = match args.baseline.as_deref().map(Baseline::load).transpose() {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let thresholds = &loaded.policy.thresholds;
    let now = report::scan_timestamp();
    let advisories = if args.advisories.is_empty() {
        None
    } else {
        match crate::advisory::load_all(&args.advisories, now, thresholds.max_advisory_db_age_days)
        {
            Ok(set) => Some(set),
            Err(e) => {
                // Names the file and line of the unreadable advisory.
                eprintln!("error: {e}");
                return EXIT_USAGE;
            }
        }
    };

    let options = crate::ingest::IngestOptions {
        offline: args.offline,
    };
    let inventory = crate::ingest::ingest_with(&args.inputs, &options);
    let mut evaluation = rules::evaluate(&inventory, thresholds, now, advisories.as_ref());
    let today = jiff::tz::TimeZone::UTC.to_datetime(now).date();
    let (policy_info, baseline_info) = policy::apply(
        &loaded,
        &inventory,
        &mut evaluation,
        baseline.as_ref(),
        today,
    );
    let mut assessment = Assessment::new(inventory, evaluation, report::format_time(now));
    assessment.policy = Some(policy_info);
    assessment.baseline = baseline_info;
    if let Some(set) = &advisories {
        assessment.advisories = set.databases.clone();
    }

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

    // Exceptions that need the policy owner's attention, whatever the format.
    if let Some(info) = &assessment.policy {
        report_stale_exceptions(info);
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
    // Accepted findings never fail a build; with --only-new, known ones neither.
    match (
        args.fail_on,
        policy::gating_worst(&assessment.findings, args.only_new),
    ) {
        (Some(limit), Some(worst)) if worst >= limit => 1,
        _ => 0,
    }
}

/// One stderr line per expired or unused exception, with its `file:line`:
/// an expired one no longer accepts anything, an unused one is dead weight.
fn report_stale_exceptions(info: &crate::model::PolicyInfo) {
    use crate::model::ExceptionState;
    for e in &info.exceptions {
        let at = e.location.as_deref().unwrap_or("policy");
        let what = format!("exception for {} {}", e.rule, e.package);
        match e.state {
            ExceptionState::Expired => eprintln!(
                "warning: {at}: {what} expired on {}; it no longer applies ({} finding(s) it would accept)",
                e.expires.as_deref().unwrap_or("?"),
                e.matched
            ),
            ExceptionState::Unused => {
                eprintln!("warning: {at}: {what} matched no finding; remove it if it is obsolete")
            }
            ExceptionState::Applied => {}
        }
    }
}
