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
        RulesFormat::Markdown => markdown(&selected, policy),
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
        .map(|k| format!("{} = {}", k.key(), policy.thresholds.describe(*k)))
        .collect::<Vec<_>>()
        .join("; ")
}

fn list(rules: &[&RuleInfo], policy: &Policy) -> String {
    list_in(rules, policy, terminal_width())
}

/// The table in one line per rule when that fits `width`, else the fixed
/// columns on the rule's line and its review mappings and thresholds
/// wrapped beneath it.
fn list_in(rules: &[&RuleInfo], policy: &Policy, width: usize) -> String {
    let row = |r: &RuleInfo| {
        format!(
            "{:<7} {:<13} {:<9} {:<36} {:<18}",
            r.id,
            r.category.as_str(),
            severity_shown(r, policy),
            r.name,
            evaluated_here(r)
        )
    };
    let wide = rules.iter().all(|r| {
        let extra = r.maps_to_text().len().max(22) + 1 + thresholds_shown(r, policy).len();
        row(r).len() + 1 + extra <= width
    });
    let mut out = String::new();
    let head = format!(
        "{:<7} {:<13} {:<9} {:<36} {:<18}",
        "id", "category", "severity", "name", "needs"
    );
    if wide {
        let _ = writeln!(out, "{head} {:<22} thresholds", "maps to");
    } else {
        let _ = writeln!(out, "{:<7} {:<13} {:<9} name", "id", "category", "severity");
    }
    for r in rules {
        let maps = r.maps_to_text();
        let thresholds = thresholds_shown(r, policy);
        if wide {
            let _ = writeln!(out, "{} {maps:<22} {thresholds}", row(r));
            continue;
        }
        let _ = writeln!(
            out,
            "{:<7} {:<13} {:<9} {}",
            r.id,
            r.category.as_str(),
            severity_shown(r, policy),
            r.name
        );
        let details = format!("needs {} · maps to {maps}", evaluated_here(r));
        for line in wrap(&details, width.saturating_sub(8).max(20)) {
            let _ = writeln!(out, "        {line}");
        }
        if !thresholds.is_empty() {
            for line in wrap(&thresholds, width.saturating_sub(8).max(20)) {
                let _ = writeln!(out, "        {line}");
            }
        }
    }
    let _ = writeln!(out, "\n`chainrisk rules ID` explains one rule.");
    out
}

/// Words of `text` in lines of at most `width` characters (a longer word alone).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// The terminal's width: `COLUMNS`, else the terminal standard output is,
/// else 100 (a pipe or a file).
fn terminal_width() -> usize {
    if let Some(n) = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse().ok())
    {
        return n;
    }
    // SAFETY: TIOCGWINSZ writes one `winsize` into the struct we pass.
    let mut size: libc::winsize = unsafe { std::mem::zeroed() };
    let got = unsafe { libc::ioctl(libc::STDOUT_FILENO, libc::TIOCGWINSZ, &mut size) };
    if got == 0 && size.ws_col > 0 {
        usize::from(size.ws_col)
    } else {
        100
    }
}

/// The catalogue as a Markdown document: a table per family, then each
/// rule's doc. `docs/rules.md` is this output with the default policy.
fn markdown(rules: &[&RuleInfo], policy: &Policy) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# chainrisk rules\n");
    let _ = writeln!(
        out,
        "Written by `chainrisk rules --format markdown` from the rule catalogue (rule set {}); the thresholds are the defaults, which `chainrisk.toml` can change. A rule returns a finding, a pass, or *not evaluated* with the reason when the data it needs is missing: never a pass for lack of data.\n",
        catalogue::RULESET_VERSION
    );
    let _ = writeln!(
        out,
        "\"Maps to\" feeds the report's review matrix: **M4(2)** risk throughout R&D, delivery and technical support; **M10(1)** illegal control, interference or tampering; **M10(2)** interruption of supply and business continuity; **M10(3)** security, openness, transparency, diversity of sources and reliability of supply channels; **NTIA** minimum elements; **BSI** TR-03183-2; **Scorecard** OpenSSF Scorecard checks.\n"
    );
    let mut family = "";
    for r in rules {
        let prefix = &r.id[..3];
        if prefix != family {
            family = prefix;
            let _ = writeln!(out, "## {} — {}\n", prefix, r.category.as_str());
            let _ = writeln!(
                out,
                "| id | name | severity | needs | maps to | thresholds |"
            );
            let _ = writeln!(out, "|---|---|---|---|---|---|");
            for q in rules.iter().filter(|q| q.id.starts_with(prefix)) {
                let _ = writeln!(
                    out,
                    "| [{id}](#{anchor}) | {} | {} | {} | {} | {} |",
                    q.name,
                    severity_shown(q, policy),
                    evaluated_here(q),
                    q.maps_to_text(),
                    thresholds_shown(q, policy).replace('|', "\\|"),
                    id = q.id,
                    anchor = q.id.to_ascii_lowercase(),
                );
            }
            let _ = writeln!(out);
        }
        let _ = writeln!(out, "### {}\n", r.id);
        let _ = writeln!(out, "**{}.** Fires when {}.\n", r.name, r.summary);
        let _ = writeln!(out, "{}\n", r.doc);
    }
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
    let _ = writeln!(out, "maps to:   {}", r.maps_to_text());
    for key in r.thresholds {
        let value = policy.thresholds.describe(*key);
        let _ = writeln!(out, "threshold: {} = {value}", key.key());
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
        "thresholds": r.thresholds.iter().map(|k| serde_json::json!({"key": k, "value": policy.thresholds.describe(*k)})).collect::<Vec<_>>(),
        "summary": r.summary,
        "doc": r.doc,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rule_list_fits_the_width_it_is_given() {
        let rules: Vec<&RuleInfo> = RULES.iter().collect();
        let policy = Policy::default();
        for width in [80, 100, 120] {
            let text = list_in(&rules, &policy, width);
            let longest = text.lines().map(|l| l.chars().count()).max().unwrap();
            assert!(longest <= width, "{width}: a line of {longest}");
            assert!(text.contains("max_release_age_months = 24 months"));
        }
        let wide = list_in(&rules, &policy, 400);
        assert_eq!(wide.lines().count(), RULES.len() + 3);
    }
}
