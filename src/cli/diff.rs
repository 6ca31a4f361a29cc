//! `chainrisk diff OLD NEW`: what changed between two JSON reports.

use super::{ColorChoice, DiffArgs, DiffFormat, EXIT_USAGE, emit};
use crate::report::diff;

pub fn run(args: &DiffArgs) -> u8 {
    if let Some(out) = args
        .output
        .as_deref()
        .filter(|p| *p != std::path::Path::new("-"))
        && let Err(e) = super::same_file::refuse_overwriting(
            &[out],
            &[
                (args.old.as_path(), "old report"),
                (args.new.as_path(), "new report"),
            ],
        )
    {
        stderr_line!("error: {e}");
        return EXIT_USAGE;
    }
    let read = |p: &std::path::Path| diff::read_report(p);
    let (old, new) = match (read(&args.old), read(&args.new)) {
        (Ok(o), Ok(n)) => (o, n),
        (o, n) => {
            for e in [o.err(), n.err()].into_iter().flatten() {
                stderr_line!("error: {e}");
            }
            return EXIT_USAGE;
        }
    };
    let d = diff::diff(
        &old,
        &args.old.display().to_string(),
        &new,
        &args.new.display().to_string(),
    );
    let text = match args.format {
        DiffFormat::Table => diff::to_table(&d),
        DiffFormat::Json => diff::to_json(&d),
        DiffFormat::Markdown => diff::to_markdown(&d),
    };
    let path = args
        .output
        .as_deref()
        .filter(|p| *p != std::path::Path::new("-"));
    match emit(&text, path, ColorChoice::Auto) {
        Ok(()) => 0,
        Err(e) => {
            stderr_line!("error: {e}");
            EXIT_USAGE
        }
    }
}
