//! `chainrisk rules [ID]`: the catalogue, or one rule's full doc.

use std::fmt::Write as _;

use super::{ColorChoice, EXIT_USAGE, RulesArgs, RulesFormat, emit};
use crate::policy::{self, Policy};
use crate::rules::{RULES, RuleInfo, catalogue};

pub fn run(args: &RulesArgs) -> u8 {
    // Thresholds and severities as the policy in force sets them.
    let loaded = match policy::discover(args.policy.as_deref()) {
        Ok(p) => p,
        Err(e) => {
            stderr_line!("error: {e}");
            return EXIT_USAGE;
        }
    };
    let policy = &loaded.policy;
    let selected: Vec<&RuleInfo> = match &args.id {
        None => RULES.iter().collect(),
        Some(id) => match catalogue::find(id) {
            Some(r) => vec![r],
            None => {
                stderr_line!(
                    "error: no rule {id:?}; run `chainrisk rules` for the list (ids look like UNM-01, OPQ-05, DEL-04)"
                );
                return EXIT_USAGE;
            }
        },
    };
    let text = match args.format {
        RulesFormat::Json => {
            let list: Vec<serde_json::Value> =
                selected.iter().map(|r| to_json(r, policy)).collect();
            let mut s = serde_json::to_string_pretty(&list).unwrap_or_default();
            s.push('\n');
            s
        }
        RulesFormat::Table if args.id.is_some() => explain(selected[0], policy),
        RulesFormat::Table => list(&selected, policy),
    };
    match emit(&text, None, ColorChoice::Auto) {
        Ok(()) => 0,
        Err(e) => {
            stderr_line!("error: {e}");
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
        catalogue::Needs::Lifecycle => "lifecycle data",
    }
}

/// Severity as the policy sets it, `off` for a rule switched off.
fn severity_shown(r: &RuleInfo, policy: &Policy) -> String {
    let s = policy.rule(r.id);
    if !s.enabled {
        return "off".to_string();
    }
    s.severity.unwrap_or(r.severity).as_str().to_string()
}

/// `key = value` of each threshold the rule reads, from the policy.
fn thresholds_shown(r: &RuleInfo, policy: &Policy) -> String {
    r.thresholds
        .iter()
        .map(|k| {
            format!(
                "{k} = {}",
                policy.thresholds.describe(k).unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn list(rules: &[&RuleInfo], policy: &Policy) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<7} {:<13} {:<9} {:<36} {:<18} {:<22} thresholds",
        "id", "category", "severity", "name", "needs", "maps to"
    );
    for r in rules {
        let _ = writeln!(
            out,
            "{:<7} {:<13} {:<9} {:<36} {:<18} {:<22} {}",
            r.id,
            r.category.as_str(),
            severity_shown(r, policy),
            r.name,
            evaluated_here(r),
            r.maps_to.join(", "),
            thresholds_shown(r, policy)
        );
    }
    let _ = writeln!(out, "\n`chainrisk rules ID` explains one rule.");
    out
}

fn explain(r: &RuleInfo, policy: &Policy) -> String {
    let settings = policy.rule(r.id);
    let mut out = String::new();
    let _ = writeln!(out, "{} — {}", r.id, r.name);
    let _ = writeln!(out, "category:  {}", r.category);
    match settings.severity {
        Some(s) if settings.enabled => {
            let _ = writeln!(out, "severity:  {s} (policy; default {})", r.severity);
        }
        _ => {
            let _ = writeln!(out, "severity:  {} (default)", r.severity);
        }
    }
    if !settings.enabled {
        let _ = writeln!(out, "enabled:   no (switched off by the policy)");
    }
    if settings.scope != policy::RuleScope::All {
        let _ = writeln!(out, "scope:     {} (policy)", settings.scope.as_str());
    }
    let _ = writeln!(out, "needs:     {}", evaluated_here(r));
    let _ = writeln!(out, "maps to:   {}", r.maps_to.join(", "));
    for key in r.thresholds {
        let value = policy.thresholds.describe(key).unwrap_or_default();
        let _ = writeln!(out, "threshold: {key} = {value}");
    }
    let _ = writeln!(out, "\nFires when {}.\n\n{}", r.summary, r.doc);
    out
}

fn to_json(r: &RuleInfo, policy: &Policy) -> serde_json::Value {
    let settings = policy.rule(r.id);
    serde_json::json!({
        "id": r.id,
        "name": r.name,
        "category": r.category,
        "severity": r.severity,
        "policy_severity": settings.severity,
        "enabled": settings.enabled,
        "scope": settings.scope.as_str(),
        "needs": evaluated_here(r),
        "maps_to": r.maps_to,
        "thresholds": r.thresholds.iter().map(|k| serde_json::json!({"key": k, "value": policy.thresholds.describe(k)})).collect::<Vec<_>>(),
        "summary": r.summary,
        "doc": r.doc,
    })
}
