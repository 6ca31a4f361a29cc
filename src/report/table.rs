//! The terminal summary: what a person at a prompt needs first. Counts by
//! category and severity, coverage, the riskiest components, and what could
//! not be judged. Colours are written as ANSI styles; the caller's stream
//! strips them when the output is not a terminal. Text from the inputs goes
//! through [`escape`] before it is styled, so it cannot drive the terminal.

use anstyle::{AnsiColor, Style};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::Assessment;
use crate::model::untrusted::escape;
use crate::model::{Category, ComponentId, Finding, Severity};

const BOLD: Style = Style::new().bold();
const DIM: Style = Style::new().dimmed();

fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Critical => Style::new()
            .bold()
            .fg_color(Some(AnsiColor::BrightRed.into())),
        Severity::High => Style::new().fg_color(Some(AnsiColor::Red.into())),
        Severity::Medium => Style::new().fg_color(Some(AnsiColor::Yellow.into())),
        Severity::Low => Style::new().fg_color(Some(AnsiColor::Cyan.into())),
        Severity::Info => DIM,
    }
}

fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

/// Options of the terminal summary.
#[derive(Clone, Copy, Debug)]
pub struct TableOptions {
    /// How many components to list under "riskiest components" (0: all).
    pub top: usize,
}

impl Default for TableOptions {
    fn default() -> TableOptions {
        TableOptions { top: 10 }
    }
}

pub fn render(a: &Assessment, opts: TableOptions) -> String {
    let mut out = String::new();
    header(a, &mut out);
    inputs(a, &mut out);
    advisory_databases(a, &mut out);
    lifecycle_data(a, &mut out);
    if a.components.is_empty() && a.findings.is_empty() {
        let _ = writeln!(
            out,
            "\nNo components were read, so there is nothing to judge."
        );
        return out;
    }
    counts(a, &mut out);
    coverage(a, &mut out);
    let widespread_rules = super::view::widespread_rules(a);
    riskiest(a, opts, &widespread_rules, &mut out);
    widespread(a, &widespread_rules, &mut out);
    document_findings(a, &mut out);
    unknowns(a, &mut out);
    out
}

fn header(a: &Assessment, out: &mut String) {
    let s = &a.summary;
    let subject = match &a.subject.version {
        Some(v) => format!("{} {v}", a.subject.name),
        None => a.subject.name.clone(),
    };
    let subject = escape(&subject);
    let roots = match s.roots {
        0 => String::new(),
        1 => "1 root, ".to_string(),
        n => format!("{n} roots, "),
    };
    let _ = writeln!(
        out,
        "{} {} · {} · {} input{} · {} ({roots}{} direct, {} transitive, {} unknown)",
        paint(BOLD, &a.tool.name),
        a.tool.version,
        paint(BOLD, &subject),
        a.inputs.len(),
        if a.inputs.len() == 1 { "" } else { "s" },
        plural(s.components, "component"),
        s.direct,
        s.transitive,
        s.directness_unknown
    );
    if s.dev > 0 {
        let _ = writeln!(
            out,
            "{}",
            paint(
                DIM,
                &format!(
                    "  of which {} development or test dependencies, marked (dev) below; --scope shipped leaves them out",
                    s.dev
                )
            )
        );
    }
}

fn inputs(a: &Assessment, out: &mut String) {
    let _ = writeln!(out, "\n{}", paint(BOLD, "Inputs"));
    for d in &a.inputs {
        match &d.error {
            Some(e) => {
                let _ = writeln!(
                    out,
                    "  {}  {}: {}",
                    paint(severity_style(Severity::Critical), "error"),
                    escape(&d.path),
                    escape(e)
                );
            }
            None => {
                let status = if d.warnings.is_empty() {
                    paint(
                        Style::new().fg_color(Some(AnsiColor::Green.into())),
                        "ok   ",
                    )
                } else {
                    paint(severity_style(Severity::Medium), "warn ")
                };
                let format = d.format.map(|f| f.as_str()).unwrap_or("?");
                let format = match d.spec_version.as_deref() {
                    Some(v) => format!("{format} {}", escape(v)),
                    None => format.to_string(),
                };
                let merged = match d.merged {
                    0 => String::new(),
                    n => format!(", {n} merged as the same package as another entry"),
                };
                let _ = writeln!(
                    out,
                    "  {status}  {}  {}",
                    escape(&d.path),
                    paint(
                        DIM,
                        &format!(
                            "{format}, {}{merged}",
                            plural(d.components_read, "component")
                        )
                    )
                );
                const SHOWN: usize = 3;
                for w in d.warnings.iter().take(SHOWN) {
                    let _ = writeln!(
                        out,
                        "         {}",
                        paint(DIM, &format!("warning: {}", escape(w)))
                    );
                }
                if d.warnings.len() > SHOWN {
                    let _ = writeln!(
                        out,
                        "         {}",
                        paint(
                            DIM,
                            &format!(
                                "… and {} more warnings (see the JSON report)",
                                d.warnings.len() - SHOWN
                            )
                        )
                    );
                }
            }
        }
    }
}

/// The advisory databases read, with their newest advisory; a stale one is flagged.
fn advisory_databases(a: &Assessment, out: &mut String) {
    for db in &a.advisories {
        let status = if db.stale {
            paint(severity_style(Severity::Medium), "stale")
        } else {
            paint(
                Style::new().fg_color(Some(AnsiColor::Green.into())),
                "ok   ",
            )
        };
        let newest = escape(db.newest.as_deref().unwrap_or("no dated advisory"));
        let _ = writeln!(
            out,
            "  {status}  {}  {}",
            escape(&db.path),
            paint(
                DIM,
                &format!(
                    "{} advisory database, {} advisories, newest {newest}",
                    escape(&db.format),
                    db.advisories
                )
            )
        );
    }
}

/// The lifecycle data read, one entry per kind and origin: the system's
/// files or the bundled copy, with their date.
fn lifecycle_data(a: &Assessment, out: &mut String) {
    if a.lifecycle.is_empty() {
        return;
    }
    let mut seen: Vec<String> = Vec::new();
    for f in &a.lifecycle {
        let kind = if f.file.ends_with(".csv") {
            "distro-info-data"
        } else {
            "security-support lists"
        };
        let origin = match f.path.as_str() {
            "bundled" => "bundled".to_string(),
            p => p.rsplit_once('/').map_or(p, |(dir, _)| dir).to_string(),
        };
        let entry = format!(
            "{kind} ({origin}, {})",
            f.as_of.as_deref().unwrap_or("undated")
        );
        if !seen.contains(&entry) {
            seen.push(entry);
        }
    }
    let ok = paint(
        Style::new().fg_color(Some(AnsiColor::Green.into())),
        "ok   ",
    );
    let _ = writeln!(
        out,
        "  {ok}  lifecycle data  {}",
        paint(DIM, &escape(&seen.join(" · ")))
    );
}

fn counts(a: &Assessment, out: &mut String) {
    let s = &a.summary;
    let by_sev: Vec<String> = Severity::ALL
        .iter()
        .map(|sev| {
            let n = s.findings_by_severity.get(sev).copied().unwrap_or(0);
            let text = format!("{n} {sev}");
            if n > 0 {
                paint(severity_style(*sev), &text)
            } else {
                paint(DIM, &text)
            }
        })
        .collect();
    let _ = writeln!(
        out,
        "\n{}  {}",
        paint(BOLD, &format!("Findings {}", s.findings)),
        by_sev.join(" · ")
    );

    // Category × severity matrix.
    let mut grid: BTreeMap<(Category, Severity), usize> = BTreeMap::new();
    for f in &a.findings {
        *grid.entry((f.category, f.severity)).or_default() += 1;
    }
    let _ = write!(out, "  {:<14}", "");
    for sev in Severity::ALL {
        let _ = write!(out, "{:>9}", sev.as_str());
    }
    let _ = writeln!(out);
    for cat in Category::ALL {
        let _ = write!(out, "  {:<14}", cat.as_str());
        for sev in Severity::ALL {
            let n = grid.get(&(cat, sev)).copied().unwrap_or(0);
            let cell = format!(
                "{:>9}",
                if n == 0 {
                    "·".to_string()
                } else {
                    n.to_string()
                }
            );
            let _ = write!(
                out,
                "{}",
                if n == 0 {
                    paint(DIM, &cell)
                } else {
                    paint(severity_style(sev), &cell)
                }
            );
        }
        let _ = writeln!(out);
    }
}

fn coverage(a: &Assessment, out: &mut String) {
    let c = &a.summary.coverage;
    let items = [
        ("supplier", c.supplier),
        ("version", c.version),
        ("identifier", c.identifier),
        ("hash", c.hash),
        ("licence", c.licence),
        ("source repo", c.source_repository),
    ];
    let parts: Vec<String> = items
        .iter()
        .map(|(k, s)| {
            let style = if s.percent >= 95.0 {
                Style::new().fg_color(Some(AnsiColor::Green.into()))
            } else if s.percent >= 50.0 {
                severity_style(Severity::Medium)
            } else {
                severity_style(Severity::High)
            };
            format!("{k} {}", paint(style, &format!("{:.0} %", s.percent)))
        })
        .collect();
    let _ = writeln!(out, "\n{}  {}", paint(BOLD, "Coverage"), parts.join(" · "));
    let sup = &a.summary.suppliers;
    if sup.with_supplier > 0 {
        let top: Vec<String> = sup
            .shares
            .iter()
            .take(3)
            .map(|s| format!("{} {:.0} %", escape(&s.supplier), s.share * 100.0))
            .collect();
        let _ = writeln!(
            out,
            "{}  HHI {:.0} over {} with a supplier, namespace or repository owner; largest: {}",
            paint(BOLD, "Suppliers"),
            sup.hhi,
            plural(sup.with_supplier, "component"),
            top.join(", ")
        );
    }
    registry_facts(a, out);
    review_state(a, out);
}

/// The policy in force, what its exceptions did, and the baseline: what a
/// reviewer needs to know before reading findings as open or accepted.
fn review_state(a: &Assessment, out: &mut String) {
    use crate::model::ExceptionState;
    let mut parts: Vec<String> = Vec::new();
    if let Some(p) = &a.policy {
        parts.push(match &p.file {
            Some(f) => format!(
                "{} (sha256 {}…)",
                escape(f),
                escape(&p.sha256.chars().take(12).collect::<String>())
            ),
            None => "built-in defaults".to_string(),
        });
        let accepted = a.findings.iter().filter(|f| f.exception.is_some()).count();
        if !p.exceptions.is_empty() {
            let count = |s: ExceptionState| p.exceptions.iter().filter(|e| e.state == s).count();
            parts.push(format!(
                "{accepted} finding(s) accepted by {} exception(s)",
                count(ExceptionState::Applied)
            ));
            let (expired, unused) = (
                count(ExceptionState::Expired),
                count(ExceptionState::Unused),
            );
            if expired > 0 {
                parts.push(paint(
                    severity_style(Severity::Medium),
                    &format!("{expired} expired"),
                ));
            }
            if unused > 0 {
                parts.push(format!("{unused} unused"));
            }
        }
    }
    if let Some(b) = &a.baseline {
        parts.push(format!(
            "baseline {}: {} new, {} known, {} resolved",
            escape(&b.file),
            b.new,
            b.known,
            b.resolved
        ));
    }
    if !parts.is_empty() {
        let _ = writeln!(out, "{}  {}", paint(BOLD, "Policy"), parts.join(" · "));
    }
}

/// Where the registry facts came from and how many components they cover:
/// a reviewer reads the age of the evidence before the findings built on it.
fn registry_facts(a: &Assessment, out: &mut String) {
    let Some(r) = &a.resolution else {
        return;
    };
    let mut parts: Vec<String> = Vec::new();
    if let Some(s) = &r.snapshot {
        let age = format!("{} days old", s.age_days);
        parts.push(format!(
            "snapshot {} ({}, {})",
            escape(&s.file),
            escape(&s.created_at.chars().take(10).collect::<String>()),
            if s.stale {
                paint(severity_style(Severity::High), &format!("{age}, stale"))
            } else {
                age
            }
        ));
    }
    for e in &r.ecosystems {
        if e.registry.is_none() && e.from_snapshot == 0 {
            parts.push(format!(
                "{} {}",
                escape(e.ecosystem.as_str()),
                paint(DIM, "not resolved: no endpoint")
            ));
            continue;
        }
        let got = e.live + e.cached + e.from_snapshot;
        let mut how = Vec::new();
        for (n, what) in [
            (e.live, "live"),
            (e.cached, "cached"),
            (e.from_snapshot, "snapshot"),
            (e.not_found, "not found"),
            (e.failed, "failed"),
        ] {
            if n > 0 {
                how.push(format!("{n} {what}"));
            }
        }
        let from = match (&e.registry, &e.configured_by) {
            (Some(url), Some(by)) => format!(" from {} ({})", escape(url), escape(by)),
            (Some(url), None) => format!(" from {}", escape(url)),
            _ => String::new(),
        };
        parts.push(format!(
            "{} {got}/{} ({}){from}",
            escape(e.ecosystem.as_str()),
            e.packages,
            how.join(", ")
        ));
    }
    let cov = a.summary.coverage.origin_resolved;
    // A run that asked no registry is not called online.
    let asked = r.ecosystems.iter().any(|e| e.live + e.failed > 0);
    let mode = if r.mode == "online" && !asked {
        "online, no registry asked"
    } else {
        r.mode.as_str()
    };
    let _ = writeln!(
        out,
        "{}  {} · {} of {} components resolved{}",
        paint(BOLD, "Registry facts"),
        mode,
        cov.count,
        a.summary.components,
        if parts.is_empty() {
            String::new()
        } else {
            format!(" · {}", parts.join(" · "))
        }
    );
    // What stayed unresolved, and the one setting that fixes it: a reader
    // must not take "0 high" for a clean bill when nothing was looked up.
    for e in &r.ecosystems {
        let resolved = e.live + e.cached + e.from_snapshot;
        if let Some(note) = e.note.as_deref().filter(|_| resolved < e.packages) {
            let _ = writeln!(
                out,
                "  {}  {}: {} of {} packages not resolved, so their registry rules were not evaluated: {}",
                paint(severity_style(Severity::High), "!"),
                escape(e.ecosystem.as_str()),
                e.packages - resolved,
                e.packages,
                escape(note)
            );
        }
    }
}

/// Messages shown under each of the riskiest components; the rest are counted.
const MESSAGES_SHOWN: usize = 3;
/// Width a message is cut to in the riskiest list.
const MESSAGE_WIDTH: usize = 110;

fn riskiest(a: &Assessment, opts: TableOptions, widespread: &BTreeSet<String>, out: &mut String) {
    // Each finding on a component, by component and then in report order.
    let mut on: Vec<(ComponentId, usize)> = a
        .findings
        .iter()
        .enumerate()
        .filter_map(|(i, f)| f.component.map(|c| (c, i)))
        .collect();
    if on.is_empty() {
        return;
    }
    on.sort_unstable();
    // Worst open severity first, then most open findings, then input order:
    // each component's key made once, and only the shown ones put in order
    // (comparing the findings at every step: 100,000 components' terminal
    // scan took 572 ms, 549 ms this way).
    type Rank = (
        std::cmp::Reverse<Option<Severity>>,
        std::cmp::Reverse<usize>,
        ComponentId,
        std::ops::Range<usize>,
    );
    let mut ranked: Vec<Rank> = Vec::new();
    let mut start = 0;
    for run in on.chunk_by(|x, y| x.0 == y.0) {
        // Accepted findings stay visible but rank nothing: a component is as
        // risky as its worst open finding (none open ranks below every open one).
        let open = run
            .iter()
            .map(|&(_, i)| &a.findings[i])
            .filter(|f| f.exception.is_none());
        let worst = open.clone().map(|f| f.severity).max();
        ranked.push((
            std::cmp::Reverse(worst),
            std::cmp::Reverse(open.count()),
            run[0].0,
            start..start + run.len(),
        ));
        start += run.len();
    }
    let key = |r: &Rank| (r.0, r.1, r.2);
    let total = ranked.len();
    let shown = if opts.top == 0 {
        total
    } else {
        opts.top.min(total)
    };
    if shown < total {
        ranked.select_nth_unstable_by_key(shown, key);
        ranked.truncate(shown);
    }
    ranked.sort_unstable_by_key(key);
    let _ = writeln!(
        out,
        "\n{}  {}",
        paint(BOLD, "Riskiest components"),
        paint(DIM, &format!("{shown} of {total} with findings"))
    );
    for (std::cmp::Reverse(worst_open), _, id, range) in ranked {
        let mut fs: Vec<&Finding> = on[range].iter().map(|&(_, i)| &a.findings[i]).collect();
        let name = a
            .components
            .get(id)
            .map(|c| c.display_name())
            .unwrap_or_default();
        let mut rules: Vec<&str> = fs.iter().map(|f| f.rule.as_str()).collect();
        rules.sort_unstable();
        rules.dedup();
        let label = match worst_open {
            Some(worst) => paint(severity_style(worst), &format!("{:<8}", worst.as_str())),
            None => paint(DIM, &format!("{:<8}", "accepted")),
        };
        let dev = a
            .components
            .get(id)
            .is_some_and(|c| c.scope == crate::model::Scope::Dev);
        let name = if dev { format!("{name} (dev)") } else { name };
        let _ = writeln!(
            out,
            "  {label}  {:<40} {}",
            truncate(&escape(&name), 40),
            paint(DIM, &escape(&rules.join(" ")))
        );
        // Open findings first, worst first, then the report's order; a
        // widespread rule is told once in its own section, not per component.
        fs.retain(|f| !widespread.contains(f.rule.as_str()));
        fs.sort_by_key(|f| (f.exception.is_some(), std::cmp::Reverse(f.severity)));
        for f in fs.iter().take(MESSAGES_SHOWN) {
            let text = without_subject(&f.message, a.components.get(id));
            let message = if f.exception.is_some() {
                format!("(accepted) {text}")
            } else {
                text.to_string()
            };
            let _ = writeln!(
                out,
                "            {}  {}",
                paint(severity_style(f.severity), &format!("{:<6}", f.rule)),
                truncate(&escape(&message), MESSAGE_WIDTH)
            );
        }
        if fs.len() > MESSAGES_SHOWN {
            let _ = writeln!(
                out,
                "            {}",
                paint(DIM, &format!("… {} more", fs.len() - MESSAGES_SHOWN))
            );
        }
    }
}

/// The widespread rules, one line each: how many components, the worst
/// severity, and one message as the example.
fn widespread(a: &Assessment, widespread: &BTreeSet<String>, out: &mut String) {
    if widespread.is_empty() {
        return;
    }
    let mut rules: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in a.findings.iter().filter(|f| f.component.is_some()) {
        if widespread.contains(f.rule.as_str()) {
            rules.entry(f.rule.as_str()).or_default().push(f);
        }
    }
    let _ = writeln!(
        out,
        "\n{}  {}",
        paint(BOLD, "Widespread findings"),
        paint(
            DIM,
            "one fact over many components; each is listed in the JSON report"
        )
    );
    for (rule, fs) in rules {
        let worst = fs
            .iter()
            .map(|f| f.severity)
            .max()
            .unwrap_or(Severity::Info);
        let example = fs[0];
        let _ = writeln!(
            out,
            "  {}  {:<6}  {} components, e.g. {}",
            paint(severity_style(worst), &format!("{:<8}", worst.as_str())),
            escape(rule),
            fs.len(),
            truncate(&escape(&example.message), MESSAGE_WIDTH)
        );
    }
}

/// A message without the component name it starts with, for a line under
/// that name.
fn without_subject<'m>(message: &'m str, c: Option<&crate::model::Component>) -> &'m str {
    let Some(c) = c else {
        return message;
    };
    let name_version = c.version.as_ref().map(|v| format!("{} {v}", c.name));
    for prefix in [Some(c.display_name()), name_version, Some(c.name.clone())]
        .into_iter()
        .flatten()
    {
        if let Some(rest) = message.strip_prefix(prefix.as_str())
            && let Some(rest) = rest.strip_prefix(' ').or_else(|| rest.strip_prefix(": "))
        {
            return rest;
        }
    }
    message
}

fn document_findings(a: &Assessment, out: &mut String) {
    let doc: Vec<&Finding> = a
        .findings
        .iter()
        .filter(|f| f.component.is_none())
        .collect();
    if doc.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{}", paint(BOLD, "Document and product findings"));
    for f in doc {
        let _ = writeln!(
            out,
            "  {}  {}  {}",
            paint(
                severity_style(f.severity),
                &format!("{:<8}", f.severity.as_str())
            ),
            escape(&f.rule),
            escape(&f.message)
        );
    }
}

fn unknowns(a: &Assessment, out: &mut String) {
    if a.not_evaluated.is_empty() {
        return;
    }
    let mut rules: Vec<&str> = a.not_evaluated.iter().map(|u| u.rule.as_str()).collect();
    rules.dedup();
    let _ = writeln!(
        out,
        "\n{}  {} checks in {} rules could not be made for lack of data ({}); the JSON report lists each reason",
        paint(BOLD, "Known unknowns"),
        a.summary.not_evaluated,
        rules.len(),
        escape(&rules.join(" "))
    );
}

/// `1 component`, `2 components`.
fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

fn truncate(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(width - 1).collect();
        t.push('…');
        t
    }
}
