//! `chainrisk scan`: read the policy and baseline, ingest, resolve, evaluate,
//! apply the policy, report, and pick the exit code.

use std::mem::ManuallyDrop;
use std::path::Path;

use super::output::{self, RenderOptions, Target};
use super::{EXIT_USAGE, OutputFormat, ScanArgs};
use crate::advisory::AdvisorySet;
use crate::lifecycle::Lifecycle;
use crate::model::{Inventory, Resolution};
use crate::policy::{self, Baseline, LoadedPolicy};
use crate::report::{self, Assessment, Invocation};
use crate::resolve::ResolveOptions;
use crate::rules;

pub fn run(args: &ScanArgs) -> u8 {
    // Every usage mistake stops the scan before any work: where each report
    // goes, the policy, the baseline, the advisory databases, the endpoints.
    let mut setup = match Setup::check(args) {
        Ok(s) => s,
        Err(e) => {
            stderr_line!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let scanned = scan(args, &mut setup);
    let assessment = setup.assess(args, scanned);
    let opts = RenderOptions {
        top: args.top,
        lang: args.lang,
        pretty: args.pretty,
        color: args.color,
    };
    for (format, target) in &setup.plan {
        let written = output::write(*format, &assessment, target, &opts);
        if let Err(e) = written {
            stderr_line!("error: {e}");
            return EXIT_USAGE;
        }
    }
    exit_code(args, &assessment)
}

/// What the scan needs once its arguments passed every usage check.
struct Setup {
    /// Where each report goes.
    plan: Vec<(OutputFormat, Target)>,
    loaded: LoadedPolicy,
    baseline: Option<Baseline>,
    /// The scan time.
    now: jiff::Timestamp,
    advisories: Option<AdvisorySet>,
    resolve_options: ResolveOptions,
}

/// The inputs' inventory, resolved, and the lifecycle data it was completed with.
struct Scanned {
    inventory: Inventory,
    lifecycle: Lifecycle,
    /// Some component belongs to a distribution release (lifecycle data used).
    uses_distribution: bool,
    resolution: Resolution,
}

impl Setup {
    /// Reads the policy, baseline, advisory databases and endpoints, and
    /// checks that no report overwrites a file the scan reads; the first
    /// usage mistake is the error.
    fn check(args: &ScanArgs) -> Result<Setup, String> {
        let plan = output::plan(&args.format, args.output.as_deref())?;
        let loaded = policy::discover(args.policy.as_deref()).map_err(|e| e.to_string())?;
        refuse_overwriting_reads(args, &plan, &loaded)?;
        let baseline = args
            .baseline
            .as_deref()
            .map(Baseline::load)
            .transpose()
            .map_err(|e| e.to_string())?;
        let thresholds = &loaded.policy.thresholds;
        let now = report::scan_timestamp();
        let advisories = if args.advisories.is_empty() {
            None
        } else {
            // Names the file and line of the unreadable advisory.
            let set = crate::advisory::load_all(
                &args.advisories,
                now,
                thresholds.max_advisory_db_age_days,
            )
            .map_err(|e| e.to_string())?;
            Some(set)
        };
        let resolve_options =
            super::resolve::options(&args.resolve, args.snapshot.as_deref(), now, &loaded.policy)?;
        Ok(Setup {
            plan,
            loaded,
            baseline,
            now,
            advisories,
            resolve_options,
        })
    }

    /// Evaluates the rules, applies the policy and baseline, and gathers
    /// everything the reports show.
    fn assess(&self, args: &ScanArgs, scanned: Scanned) -> ManuallyDrop<Assessment> {
        let Scanned {
            inventory,
            lifecycle,
            uses_distribution,
            resolution,
        } = scanned;
        let now = self.now;
        let mut evaluation = rules::evaluate_with(
            &inventory,
            &self.loaded.policy.thresholds,
            now,
            self.advisories.as_ref(),
            &lifecycle,
            wording(args),
        );
        let today = jiff::tz::TimeZone::UTC.to_datetime(now).date();
        let (policy_info, baseline_info) = policy::apply(
            &self.loaded,
            &inventory,
            &mut evaluation,
            self.baseline.as_ref(),
            today,
        );
        // Never dropped: the process ends right after the reports, and freeing a
        // large inventory piece by piece took a tenth of a 100,000-component scan.
        let mut assessment = ManuallyDrop::new(Assessment::new(
            inventory,
            evaluation,
            report::format_time(now),
        ));
        assessment.invocation = Some(Invocation {
            args: std::env::args()
                .skip(1)
                .map(|a| without_passwords(&a))
                .collect(),
            offline: args.resolve.offline,
        });
        assessment.resolution = Some(resolution);
        assessment.policy = Some(policy_info);
        assessment.baseline = baseline_info;
        if let Some(set) = &self.advisories {
            assessment.advisories = set.databases.clone();
        }
        if uses_distribution {
            assessment.lifecycle = lifecycle.files.clone();
        }
        assessment
    }
}

/// Refuses a report written over a file the scan reads: an input, the
/// policy (given or discovered), the baseline, the snapshot, an advisory database.
fn refuse_overwriting_reads(
    args: &ScanArgs,
    plan: &[(OutputFormat, Target)],
    loaded: &LoadedPolicy,
) -> Result<(), String> {
    let outputs: Vec<&Path> = plan
        .iter()
        .filter_map(|(_, t)| match t {
            Target::File(p) => Some(p.as_path()),
            Target::Stdout => None,
        })
        .collect();
    let mut read: Vec<(&Path, &str)> = args.inputs.iter().map(|p| (p.as_path(), "input")).collect();
    read.extend(args.policy.as_deref().map(|p| (p, "policy")));
    // A policy found by discovery (chainrisk.toml above the working directory) too.
    let discovered = loaded.file.as_deref().map(Path::new);
    read.extend(discovered.map(|p| (p, "policy")));
    read.extend(args.baseline.as_deref().map(|p| (p, "baseline")));
    read.extend(args.snapshot.as_deref().map(|p| (p, "snapshot")));
    read.extend(
        args.advisories
            .iter()
            .map(|p| (p.as_path(), "advisory database")),
    );
    super::same_file::refuse_overwriting(&outputs, &read)
}

/// Ingests the inputs, completes the inventory with the lifecycle data when
/// a distribution is in use, and resolves it (warnings on stderr).
fn scan(args: &ScanArgs, setup: &mut Setup) -> Scanned {
    let options = crate::ingest::IngestOptions {
        offline: args.resolve.offline,
        include_roots: args.resolve.include_roots.clone(),
        no_verify_files: args.no_verify_files,
        platform: args.platform.clone(),
    };
    let mut inventory = crate::ingest::ingest_with(&args.inputs, &options);
    if args.scope == super::ScanScope::Shipped {
        let left_out = inventory.retain_components(|c| c.scope != crate::model::Scope::Dev);
        if left_out > 0 {
            stderr_line!(
                "note: --scope shipped: {left_out} development or test dependencies left out"
            );
        }
    }
    let mut lifecycle = match args.lifecycle_data.as_str() {
        "bundled" => Lifecycle::bundled(),
        root => Lifecycle::load(Path::new(root)),
    };
    let uses_distribution = inventory
        .components
        .iter()
        .any(|c| c.release.is_some() || c.ecosystem.is_distribution());
    let resolve_options = &mut setup.resolve_options;
    if uses_distribution {
        for w in &lifecycle.warnings {
            stderr_line!("warning: lifecycle data: {w}");
        }
        lifecycle.add_product_support_ends(&inventory);
        lifecycle.complete_inventory(&mut inventory);
        resolve_options.development_series =
            lifecycle.development_series(jiff::tz::TimeZone::UTC.to_datetime(setup.now).date());
    }
    crate::resolve::ask_package_managers(resolve_options, &inventory);
    let outcome = crate::resolve::resolve(&mut inventory, resolve_options);
    for w in &outcome.warnings {
        stderr_line!("warning: {w}");
    }
    // Failed lookups are in the JSON report too; the terminal summary does not list them.
    for e in &outcome.resolution.errors {
        stderr_line!("warning: registry: {e}");
    }
    Scanned {
        inventory,
        lifecycle,
        uses_distribution,
        resolution: outcome.resolution,
    }
}

/// The exit code once the reports are written: 2 for an unreadable input,
/// 1 when `--fail-on` fails the scan, else 0; stale exceptions, unreadable
/// inputs and failing findings are said on stderr whatever the format.
fn exit_code(args: &ScanArgs, assessment: &Assessment) -> u8 {
    // Exceptions that need the policy owner's attention, whatever the format.
    if let Some(info) = &assessment.policy {
        report_stale_exceptions(info);
    }

    // Unreadable inputs: one line each on stderr, whatever the format, and exit 2.
    let mut failed = false;
    for d in &assessment.inputs {
        if let Some(e) = &d.error {
            stderr_line!("error: {}: {e}", d.path);
            failed = true;
        }
    }
    if failed {
        return EXIT_USAGE;
    }
    // Accepted findings never fail a build; with --only-new, known ones neither.
    let Some(limit) = args.fail_on else {
        return 0;
    };
    let failing: Vec<&crate::model::Finding> = policy::gating(&assessment.findings, args.only_new)
        .filter(|f| f.severity >= limit)
        .collect();
    if failing.is_empty() {
        return 0;
    }
    report_gate(assessment, &failing, limit, args.only_new);
    1
}

/// Findings printed on stderr when `--fail-on` fails the scan; the rest are in the report.
const GATE_SHOWN: usize = 50;

/// Why the scan failed: each finding at or above the threshold (worst first,
/// one line: severity, rule, component, message) and a last line naming the
/// threshold and the count, whatever the report format.
fn report_gate(
    a: &Assessment,
    failing: &[&crate::model::Finding],
    limit: crate::model::Severity,
    only_new: bool,
) {
    let mut sorted = failing.to_vec();
    // Worst first; within a severity, the report's order (stable sort).
    sorted.sort_by_key(|f| std::cmp::Reverse(f.severity));
    for f in sorted.iter().take(GATE_SHOWN) {
        // Messages name their component; one that does not gets it in front.
        let subject = f
            .component
            .and_then(|id| a.components.get(id))
            .map(|c| c.display_name())
            .filter(|name| !f.message.contains(name.as_str()))
            .map(|name| format!("{name}: "))
            .unwrap_or_default();
        stderr_line!(
            "{:<8} {}  {}{}",
            f.severity.as_str(),
            f.rule,
            crate::model::untrusted::escape(&subject),
            crate::model::untrusted::escape(&f.message)
        );
    }
    if sorted.len() > GATE_SHOWN {
        stderr_line!(
            "… and {} more (every finding is in the report: --format json)",
            sorted.len() - GATE_SHOWN
        );
    }
    stderr_line!(
        "error: {} {}finding{} at or above {} (--fail-on {}); accepted findings do not count",
        sorted.len(),
        if only_new { "new " } else { "" },
        if sorted.len() == 1 { "" } else { "s" },
        limit.as_str(),
        limit.as_str(),
    );
}

/// One stderr line per expired or unused exception, with its `file:line`:
/// an expired one no longer accepts anything, an unused one is dead weight.
fn report_stale_exceptions(info: &crate::model::PolicyInfo) {
    use crate::model::ExceptionState;
    for e in &info.exceptions {
        let at = e.location.as_deref().unwrap_or("policy");
        let what = format!("exception for {} {}", e.rule, e.package);
        match e.state {
            ExceptionState::Expired => stderr_line!(
                "warning: {at}: {what} expired on {}; it no longer applies ({} finding(s) it would accept)",
                e.expires.as_deref().unwrap_or("?"),
                e.matched
            ),
            ExceptionState::Unused => {
                stderr_line!(
                    "warning: {at}: {what} matched no finding; remove it if it is obsolete"
                )
            }
            ExceptionState::Applied => {}
        }
    }
}

/// An argument as the report may show it: a URL's password (a database
/// cache's, a registry token in its user part) and `password=` parameters
/// removed.
fn without_passwords(arg: &str) -> String {
    let mut out = String::with_capacity(arg.len());
    let mut rest = arg;
    while let Some(at) = rest.find("://") {
        let (before, after) = rest.split_at(at + 3);
        out.push_str(before);
        let authority_end = after.find(['/', '?', '#', ' ']).unwrap_or(after.len());
        let authority = &after[..authority_end];
        match authority.rfind('@') {
            Some(user_end) => {
                let user = &authority[..user_end];
                out.push_str(user.split(':').next().unwrap_or(""));
                out.push_str(&authority[user_end..]);
            }
            None => out.push_str(authority),
        }
        rest = &after[authority_end..];
    }
    out.push_str(rest);
    // `password=…` up to the next separator.
    let mut cleaned = String::with_capacity(out.len());
    let mut tail = out.as_str();
    while let Some(i) = tail.find("password=") {
        let value_start = i + "password=".len();
        cleaned.push_str(&tail[..value_start]);
        cleaned.push_str("***");
        let value_end = tail[value_start..]
            .find(['&', ' ', '#'])
            .map_or(tail.len(), |e| value_start + e);
        tail = &tail[value_end..];
    }
    cleaned.push_str(tail);
    cleaned
}

/// Templates are kept only for a Markdown or HTML report in another language
/// than English: every other report writes the English text.
fn wording(args: &ScanArgs) -> rules::Wording {
    let human = args
        .format
        .iter()
        .any(|f| matches!(f, OutputFormat::Markdown | OutputFormat::Html));
    if human && args.lang != super::LangArg::En {
        rules::Wording::Translatable
    } else {
        rules::Wording::EnglishOnly
    }
}

#[cfg(test)]
mod tests {
    use super::without_passwords;

    #[test]
    fn passwords_are_removed_from_arguments() {
        assert_eq!(
            without_passwords("--cache=postgres://u:s3cret@h:5432/db?sslmode=disable&password=x2"),
            "--cache=postgres://u@h:5432/db?sslmode=disable&password=***"
        );
        assert_eq!(
            without_passwords("npm=https://ci:tok@registry.example/npm/"),
            "npm=https://ci@registry.example/npm/"
        );
        assert_eq!(without_passwords("fixtures/a b.json"), "fixtures/a b.json");
        assert_eq!(without_passwords("http://h/p@q"), "http://h/p@q");
    }
}
