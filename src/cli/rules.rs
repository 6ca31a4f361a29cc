//! `chainrisk rules [ID]`: the catalogue, or one rule's full doc.

use std::fmt::Write as _;

use super::{ColorChoice, EXIT_USAGE, RulesArgs, RulesFormat, emit};
use crate::rules::{RULES, RuleInfo, Thresholds, catalogue};

pub fn run(args: &RulesArgs) -> u8 {
    let selected: Vec<&RuleInfo> = match &args.id {
        None => RULES.iter().collect(),
        Some(id) => match catalogue::find(id) {
            Some(r) => vec![r],
            None => {
                eprintln!(
                    "error: no rule {id:?}; run `chainrisk rules` for the list (ids look like UNM-01, OPQ-05, DEL-04)"
                );
                return EXIT_USAGE;
            }
        },
    };
    let text = match args.format {
        RulesFormat::Json => {
            let list: Vec<serde_json::Value> = selected.iter().map(|r| to_json(r)).collect();
            let mut s = serde_json::to_string_pretty(&list).unwrap_or_default();
            s.push('\n');
            s
        }
        RulesFormat::Table if args.id.is_some() => explain(selected[0]),
        RulesFormat::Table => list(&selected),
    };
    match emit(&text, None, ColorChoice::Auto) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_USAGE
        }
    }
}

fn evaluated_here(r: &RuleInfo) -> &'static str {
    match r.needs {
        catalogue::Needs::Sbom => "SBOM",
        catalogue::Needs::Registry => "registry data",
        catalogue::Needs::Advisories => "advisory database",
        catalogue::Needs::Artifacts => "package artifacts",
        catalogue::Needs::Lockfile => "lockfile",
        catalogue::Needs::Policy => "policy list",
    }
}

fn list(rules: &[&RuleInfo]) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<7} {:<13} {:<9} {:<36} {:<18} maps to",
        "id", "category", "severity", "name", "needs"
    );
    for r in rules {
        let _ = writeln!(
            out,
            "{:<7} {:<13} {:<9} {:<36} {:<18} {}",
            r.id,
            r.category.as_str(),
            r.severity.as_str(),
            r.name,
            evaluated_here(r),
            r.maps_to.join(", ")
        );
    }
    let _ = writeln!(out, "\n`chainrisk rules ID` explains one rule.");
    out
}

fn explain(r: &RuleInfo) -> String {
    let t = Thresholds::default();
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", r.id, r.name);
    let _ = writeln!(out, "category:  {}", r.category);
    let _ = writeln!(out, "severity:  {} (default)", r.severity);
    let _ = writeln!(out, "needs:     {}", evaluated_here(r));
    let _ = writeln!(out, "maps to:   {}", r.maps_to.join(", "));
    for key in r.thresholds {
        let value = t.describe(key).unwrap_or_default();
        let _ = writeln!(out, "threshold: {key} = {value}");
    }
    let _ = writeln!(out, "\nFires when {}.\n\n{}", r.summary, r.doc);
    out
}

fn to_json(r: &RuleInfo) -> serde_json::Value {
    let t = Thresholds::default();
    serde_json::json!({
        "id": r.id,
        "name": r.name,
        "category": r.category,
        "severity": r.severity,
        "needs": evaluated_here(r),
        "maps_to": r.maps_to,
        "thresholds": r.thresholds.iter().map(|k| serde_json::json!({"key": k, "default": t.describe(k)})).collect::<Vec<_>>(),
        "summary": r.summary,
        "doc": r.doc,
    })
}
