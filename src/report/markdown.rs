//! The Markdown report for review files and pull-request pages: the same
//! [`View`] as the HTML report, as GitHub/GitLab-flavoured tables. Every value
//! from the input goes through [`cell`], so no input text becomes markup.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::Assessment;
use super::i18n::{Lang, Tr};
use super::view::{DETAILED_PER_RULE, NAMED_PER_GROUP};
use super::view::{FACTORS, FAMILIES, FindingRow, SECTIONS, View};
use crate::model::{Category, ExceptionReport, untrusted};

/// Appends a formatted line; writing to a `String` cannot fail.
macro_rules! w {
    ($out:expr) => {{ $out.push('\n'); }};
    ($out:expr, $($arg:tt)*) => {{ let _ = writeln!($out, $($arg)*); }};
}

pub fn render(a: &Assessment, lang: Lang) -> String {
    let v = View::new(a);
    let t = Tr(lang);
    let mut out = String::with_capacity(4096 + 256 * (a.components.len() + a.findings.len()));
    cover(&v, t, &mut out);
    contents(t, &mut out);
    summary(&v, t, &mut out);
    findings(&v, t, &mut out);
    conformance(&v, t, &mut out);
    matrix(&v, t, &mut out);
    unknowns(&v, t, &mut out);
    policy(&v, t, &mut out);
    inventory(&v, t, &mut out);
    reproducibility(&v, t, &mut out);
    out
}

/// chainrisk's own text (rule summaries, written with `code` spans): its
/// code spans stay Markdown; only what would break a line or a table cell
/// is escaped. Never for text read from an input: that is [`cell`].
fn own_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('|', "\\|")
}

/// Text safe inside a table cell or a line of prose: control and invisible
/// formatting characters become visible escapes first (a newline would end a
/// row), then Markdown punctuation is backslash-escaped and `<`, `>` and `&`
/// become entities, so no raw HTML reaches the page.
pub fn cell(s: &str) -> Cow<'_, str> {
    let s = untrusted::escape(s);
    // Most values need no escaping: hand them back without copying.
    if !s.chars().any(|c| {
        matches!(
            c,
            '<' | '>' | '&' | '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' | '!' | '$'
        )
    }) {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        match ch {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '#' | '!' | '$' => {
                out.push('\\');
                out.push(ch);
            }
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

fn or_not_given(t: Tr, v: Option<&str>) -> String {
    match v {
        Some(s) if !s.is_empty() => cell(s).into_owned(),
        _ => format!("*{}*", t.t("not_given")),
    }
}

fn table_head(out: &mut String, heads: &[&str]) {
    w!(out, "| {} |", heads.join(" | "));
    w!(out, "|{}", "---|".repeat(heads.len()));
}

fn cover(v: &View, t: Tr, out: &mut String) {
    let a = v.a;
    let subject = match &a.subject.version {
        Some(ver) => format!("{} {}", a.subject.name, ver),
        None => a.subject.name.clone(),
    };
    w!(out, "# {}: {}\n", t.t("title"), cell(&subject));
    table_head(out, &[t.t("field"), t.t("value")]);
    w!(out, "| {} | {} |", t.t("product"), cell(&a.subject.name));
    w!(
        out,
        "| {} | {} |",
        t.t("version"),
        or_not_given(t, a.subject.version.as_deref())
    );
    w!(
        out,
        "| {} | {} |",
        t.t("supplier"),
        or_not_given(t, a.subject.supplier.as_deref())
    );
    let inputs: Vec<String> = a
        .inputs
        .iter()
        .map(|d| {
            let format = d.format.map(|f| f.as_str()).unwrap_or("?");
            format!("{} ({format})", cell(&d.path))
        })
        .collect();
    w!(out, "| {} | {} |", t.t("inputs"), inputs.join("<br>"));
    w!(out, "| {} | {} |", t.t("generated"), cell(&v.generated));
    w!(out, "| {} | {} |", t.t("report_id"), v.report_id);
    w!(
        out,
        "| {} | {} {} |\n",
        t.t("tool"),
        cell(&a.tool.name),
        cell(&a.tool.version)
    );
}

fn section(out: &mut String, anchor: &str, title: &str) {
    w!(out, "<a id=\"{anchor}\"></a>\n\n## {title}\n");
}

fn contents(t: Tr, out: &mut String) {
    w!(out, "**{}**\n", t.t("contents"));
    for (i, (anchor, key)) in SECTIONS.iter().enumerate() {
        w!(out, "{}. [{}](#{anchor})", i + 1, t.t(key));
    }
    w!(out);
}

fn summary(v: &View, t: Tr, out: &mut String) {
    let s = &v.a.summary;
    section(out, "summary", t.t("sec.summary"));
    w!(out, "### {}\n", t.t("sum.components"));
    table_head(
        out,
        &[
            t.t("sum.total"),
            t.t("sum.direct"),
            t.t("sum.transitive"),
            t.t("sum.directness_unknown"),
        ],
    );
    w!(
        out,
        "| {} | {} | {} | {} |\n",
        s.components,
        s.direct,
        s.transitive,
        s.directness_unknown
    );

    w!(out, "### {}\n", t.t("sum.findings"));
    let mut heads = vec![t.t("severity")];
    heads.extend(Category::ALL.iter().map(|c| t.cat(*c)));
    heads.push(t.t("sum.total"));
    table_head(out, &heads);
    let mut col_totals = [0usize; 5];
    for (sev, counts) in &v.severity_category {
        let total: usize = counts.iter().sum();
        let cells: Vec<String> = counts.iter().map(|n| n.to_string()).collect();
        for (i, n) in counts.iter().enumerate() {
            col_totals[i] += n;
        }
        w!(out, "| {} | {} | {total} |", t.sev(*sev), cells.join(" | "));
    }
    let cells: Vec<String> = col_totals.iter().map(|n| n.to_string()).collect();
    w!(
        out,
        "| **{}** | {} | **{}** |\n",
        t.t("sum.total"),
        cells.join(" | "),
        s.findings
    );

    w!(out, "### {}\n", t.t("sum.coverage"));
    table_head(out, &[t.t("field"), t.t("sum.components"), "%"]);
    for (key, share) in &v.coverage {
        w!(
            out,
            "| {} | {} / {} | {:.1} |",
            t.t(key),
            share.count,
            s.components,
            share.percent
        );
    }
    w!(out);

    w!(out, "### {}\n", t.t("sum.suppliers"));
    w!(
        out,
        "{}: **{:.1}** · {}\n",
        t.t("sum.hhi"),
        s.suppliers.hhi,
        t.n2(
            "sum.with_supplier",
            s.suppliers.with_supplier,
            s.suppliers.components
        )
    );
    if !s.suppliers.shares.is_empty() {
        table_head(out, &[t.t("supplier"), t.t("sum.components"), "%"]);
        for sh in &s.suppliers.shares {
            w!(
                out,
                "| {} | {} | {:.1} |",
                cell(&sh.supplier),
                sh.components,
                sh.share * 100.0
            );
        }
        w!(out);
    }
}

fn conformance(v: &View, t: Tr, out: &mut String) {
    section(out, "conformance", t.t("sec.conformance"));
    w!(out, "{}\n", t.t("conf.note"));
    for (title, rows) in [(t.t("conf.ntia"), &v.ntia), (t.t("conf.bsi"), &v.bsi)] {
        w!(out, "### {title}\n");
        table_head(
            out,
            &[t.t("conf.element"), t.t("conf.rules"), t.t("conf.status")],
        );
        for r in rows.iter() {
            let rules = if r.rules.is_empty() {
                "—".to_string()
            } else {
                r.rules.join(", ")
            };
            w!(
                out,
                "| {} | {rules} | {} |",
                t.t(r.key),
                t.conformance(r.status)
            );
        }
        w!(out);
    }
}

fn matrix(v: &View, t: Tr, out: &mut String) {
    section(out, "review-matrix", t.t("sec.matrix"));
    w!(out, "{}\n", t.t("matrix.note"));
    let mut heads = vec![t.t("matrix.factor")];
    let fams: Vec<String> = FAMILIES
        .iter()
        .map(|f| format!("{} {f}", t.family(f)))
        .collect();
    heads.extend(fams.iter().map(String::as_str));
    table_head(out, &heads);
    for row in &v.matrix {
        let cells: Vec<String> = row
            .cells
            .iter()
            .map(|c| match c.findings.len() {
                0 => "0".to_string(),
                n => format!("[{n}](#{})", c.anchor),
            })
            .collect();
        w!(
            out,
            "| **{}** {} | {} |",
            cell(row.factor),
            t.factor(row.factor),
            cells.join(" | ")
        );
    }
    w!(out);
    for row in &v.matrix {
        for c in row.cells.iter().filter(|c| !c.findings.is_empty()) {
            let links: Vec<String> = c
                .findings
                .iter()
                .map(|n| format!("[F{n}](#f{n})"))
                .collect();
            w!(
                out,
                "- <a id=\"{}\"></a>{} × {}: {}",
                c.anchor,
                cell(row.factor),
                c.family,
                links.join(", ")
            );
        }
    }
    debug_assert_eq!(v.matrix.len(), FACTORS.len());
    w!(out);
}

fn finding_status(r: &FindingRow, t: Tr) -> String {
    let mut parts = Vec::new();
    if r.exception.is_some() {
        parts.push(t.t("exc.accepted").to_string());
    }
    if let Some(b) = r.baseline {
        parts.push(t.baseline(b).to_string());
    }
    if parts.is_empty() {
        t.t("status.open").to_string()
    } else {
        parts.join(", ")
    }
}

fn findings(v: &View, t: Tr, out: &mut String) {
    section(out, "findings", t.t("sec.findings"));
    if v.groups.is_empty() {
        w!(out, "{}\n", t.t("findings.none"));
        return;
    }
    for g in &v.groups {
        let (single, grouped) = g.split(&v.widespread);
        w!(out, "### {} ({})\n", t.sev(g.severity), g.rows.len());
        table_head(
            out,
            &[
                "#",
                t.t("rule"),
                t.t("f.title"),
                t.t("component"),
                "purl",
                t.t("conf.status"),
            ],
        );
        for r in &single {
            let component = r.component_label(t);
            let purl = r.component.and_then(|c| c.purl.as_deref()).unwrap_or("");
            w!(
                out,
                "| [F{n}](#f{n}) | {} | {} | {} | {} | {} |",
                cell(&r.finding.rule),
                t.rule_name(&r.finding.rule),
                cell(&component),
                cell(purl),
                finding_status(r, t),
                n = r.number,
            );
        }
        for rg in &grouped {
            let (first, last) = (rg.rows[0].number, rg.rows[rg.rows.len() - 1].number);
            w!(
                out,
                "| [F{first}–F{last}](#f{first}) | {} | {} | {} | | {} |",
                cell(rg.rule),
                t.rule_name(rg.rule),
                t.n("f.grouped", rg.rows.len()),
                group_status(&rg.rows, t),
            );
        }
        w!(out);
        for r in &single {
            finding_detail(r, t, out);
        }
        for rg in &grouped {
            grouped_detail(rg, t, out);
        }
    }
}

/// How many of a group's findings are open, accepted or known.
fn group_status(rows: &[&FindingRow], t: Tr) -> String {
    let mut counts: Vec<(String, usize)> = Vec::new();
    for r in rows {
        let s = finding_status(r, t);
        match counts.iter_mut().find(|(k, _)| *k == s) {
            Some((_, n)) => *n += 1,
            None => counts.push((s, 1)),
        }
    }
    counts
        .into_iter()
        .map(|(s, n)| format!("{s} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One entry for a widespread rule: the first message as the example, the
/// rule's summary, and every component, collapsed, each with its finding's anchor.
fn grouped_detail(rg: &super::view::RuleGroup, t: Tr, out: &mut String) {
    let (first, last) = (rg.rows[0].number, rg.rows[rg.rows.len() - 1].number);
    w!(
        out,
        "#### F{first}–F{last} · {} {} · {}\n",
        cell(rg.rule),
        t.rule_name(rg.rule),
        t.n("f.grouped", rg.rows.len())
    );
    w!(out, "{}\n", t.n(rg.note_key(), DETAILED_PER_RULE));
    w!(
        out,
        "- **{}**: {}",
        t.t("f.example"),
        cell(&t.message(rg.rows[0].finding))
    );
    w!(
        out,
        "- **{}**: {}",
        t.t("f.summary"),
        own_text(&t.rule_summary(rg.rule))
    );
    w!(
        out,
        "- **{}**: {}\n",
        t.t("f.components"),
        group_status(&rg.rows, t)
    );
    w!(
        out,
        "<details><summary>{}</summary>\n",
        t.n("f.grouped", rg.rows.len())
    );
    let mut names: Vec<String> = rg
        .rows
        .iter()
        .take(NAMED_PER_GROUP)
        .map(|r| {
            let name = r.component_label(t);
            format!("<a id=\"f{}\"></a>F{} {}", r.number, r.number, cell(&name))
        })
        .collect();
    if rg.rows.len() > NAMED_PER_GROUP {
        names.push(t.n("f.more", rg.rows.len() - NAMED_PER_GROUP));
    }
    w!(out, "{}\n\n</details>\n", names.join(" · "));
}

fn finding_detail(r: &FindingRow, t: Tr, out: &mut String) {
    let f = r.finding;
    let component = r.component_label(t);
    w!(
        out,
        "#### <a id=\"{}\"></a>F{} · {} {} · {}\n",
        r.anchor(),
        r.number,
        cell(&f.rule),
        t.rule_name(&f.rule),
        cell(&component)
    );
    w!(out, "- **{}**: {}", t.t("f.message"), cell(&t.message(f)));
    w!(
        out,
        "- **{}**: {}",
        t.t("f.summary"),
        own_text(&t.rule_summary(&f.rule))
    );
    w!(
        out,
        "- **{}**: {} · {}",
        t.t("severity"),
        t.sev(f.severity),
        t.cat(f.category)
    );
    if let Some(p) = r.component.and_then(|c| c.purl.as_deref()) {
        w!(out, "- **purl**: {}", cell(p));
    }
    if !r.path.is_empty() {
        let names: Vec<String> = r.path.iter().map(|n| cell(n).into_owned()).collect();
        w!(out, "- **{}**: {}", t.t("f.path"), names.join(" → "));
    }
    if !r.thresholds.is_empty() {
        let ts: Vec<String> = r
            .thresholds
            .iter()
            .map(|th| {
                let suffix = if th.default {
                    format!(" ({})", t.t("f.default"))
                } else {
                    String::new()
                };
                format!("{} = {}{suffix}", cell(th.key), cell(&th.value))
            })
            .collect();
        w!(out, "- **{}**: {}", t.t("f.threshold"), ts.join("; "));
    }
    match r.exception {
        Some(e) => w!(
            out,
            "- **{}**: {} — {}; {}: {}; {}: {}",
            t.t("f.exception"),
            t.t("exc.accepted"),
            cell(&e.reason),
            t.t("exc.owner"),
            or_not_given(t, e.owner.as_deref()),
            t.t("exc.expires"),
            or_not_given(t, e.expires.as_deref())
        ),
        None => w!(out, "- **{}**: {}", t.t("f.exception"), t.t("exc.none")),
    }
    if let Some(b) = r.baseline {
        w!(out, "- **{}**: {}", t.t("f.baseline"), t.baseline(b));
    }
    w!(out, "- **{}**: `{}`\n", t.t("f.fingerprint"), f.fingerprint);
    if !r.evidence.is_empty() {
        table_head(
            out,
            &[
                t.t("f.evidence"),
                t.t("value"),
                t.t("f.source"),
                t.t("f.fetched"),
            ],
        );
        for e in &r.evidence {
            w!(
                out,
                "| {} | {} | {} | {} |",
                cell(&t.evidence_key(e.key)),
                cell(&t.evidence_value(e.value)),
                cell(e.source),
                e.fetched.map(cell).unwrap_or(Cow::Borrowed("—"))
            );
        }
        w!(out);
    }
}

fn unknowns(v: &View, t: Tr, out: &mut String) {
    section(out, "known-unknowns", t.t("sec.unknowns"));
    w!(out, "{}\n", t.t("unknowns.note"));
    if v.unknowns.is_empty() {
        w!(out, "{}\n", t.t("unknowns.none"));
        return;
    }
    table_head(
        out,
        &[t.t("rule"), t.t("f.title"), t.t("count"), t.t("reason")],
    );
    for u in &v.unknowns {
        w!(
            out,
            "| {} | {} | {} | {} |",
            cell(u.rule),
            t.rule_name(u.rule),
            u.count,
            cell(&t.reason(u.reason))
        );
    }
    w!(out);
}

fn exception_package(e: &ExceptionReport) -> String {
    match &e.versions {
        Some(v) => format!("{} ({})", cell(&e.package), cell(v)),
        None => cell(&e.package).into_owned(),
    }
}

fn policy(v: &View, t: Tr, out: &mut String) {
    section(out, "policy", t.t("sec.policy"));
    w!(out, "{}\n", t.t("pol.note"));
    let file = v.policy.as_ref().map(|p| {
        let file = p.file.map_or_else(
            || t.t("repro.defaults").to_string(),
            |f| cell(f).into_owned(),
        );
        format!("{file} (sha256 {})", cell(p.sha256))
    });
    w!(
        out,
        "- **{}**: {}",
        t.t("pol.file"),
        file.unwrap_or_else(|| or_not_given(t, None))
    );
    let baseline = v.baseline.map(|b| {
        format!(
            "{} · {} {} · {} {} · {} {} · {} {}",
            cell(&b.file),
            t.t("pol.generated"),
            cell(&b.generated_at),
            t.t("baseline.new"),
            b.new,
            t.t("baseline.known"),
            b.known,
            t.t("pol.resolved"),
            b.resolved
        )
    });
    w!(
        out,
        "- **{}**: {}\n",
        t.t("f.baseline"),
        baseline.unwrap_or_else(|| or_not_given(t, None))
    );

    w!(out, "### {}\n", t.t("pol.rules"));
    match &v.policy {
        None => w!(out, "{}\n", or_not_given(t, None)),
        Some(p) if p.rules.is_empty() => w!(out, "{}\n", t.t("pol.rules_none")),
        Some(p) => {
            table_head(
                out,
                &[
                    t.t("rule"),
                    t.t("f.title"),
                    t.t("pol.enabled"),
                    t.t("severity"),
                    t.t("pol.scope"),
                    t.t("pol.removed"),
                    t.t("pol.kept_unknown"),
                ],
            );
            for r in &p.rules {
                let c = r.change;
                let severity = match (c.severity, r.info) {
                    (Some(s), Some(info)) => format!("{} → {}", t.sev(info.severity), t.sev(s)),
                    (Some(s), None) => t.sev(s).to_string(),
                    (None, _) => format!("— ({})", t.t("f.default")),
                };
                w!(
                    out,
                    "| {} | {} | {} | {} | {} | {} | {} |",
                    cell(&c.rule),
                    cell(&t.rule_name(&c.rule)),
                    t.t(if c.enabled { "pol.on" } else { "pol.off" }),
                    severity,
                    cell(&t.scope(&c.scope)),
                    c.removed,
                    c.unknown_directness
                );
            }
            w!(out);
        }
    }

    w!(out, "### {}\n", t.t("pol.exceptions"));
    match &v.policy {
        None => w!(out, "{}\n", or_not_given(t, None)),
        Some(p) if p.exceptions.is_empty() => w!(out, "{}\n", t.t("pol.exceptions_none")),
        Some(p) => {
            table_head(
                out,
                &[
                    t.t("conf.status"),
                    t.t("rule"),
                    t.t("pol.package"),
                    t.t("reason"),
                    t.t("pol.owner"),
                    t.t("pol.expires"),
                    t.t("pol.matched"),
                    t.t("pol.location"),
                ],
            );
            for e in &p.exceptions {
                w!(
                    out,
                    "| {} | {} | {} | {} | {} | {} | {} | {} |",
                    t.exception_state(e.state),
                    cell(&e.rule),
                    exception_package(e),
                    cell(&e.reason),
                    or_not_given(t, e.owner.as_deref()),
                    or_not_given(t, e.expires.as_deref()),
                    e.matched,
                    or_not_given(t, e.location.as_deref())
                );
            }
            w!(out);
        }
    }
}

fn inventory(v: &View, t: Tr, out: &mut String) {
    section(out, "inventory", t.t("sec.inventory"));
    w!(
        out,
        "<details><summary>{}</summary>\n",
        t.n("inventory.summary", v.inventory_total)
    );
    table_head(
        out,
        &[
            "id",
            t.t("component"),
            t.t("version"),
            "purl",
            t.t("supplier"),
            t.t("inv.licence"),
            t.t("inv.hash"),
            t.t("inv.relation"),
            t.t("inv.source"),
            t.t("sec.findings"),
        ],
    );
    for r in &v.inventory {
        let c = r.component;
        w!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            c.id,
            cell(&c.name),
            c.version.as_deref().map(cell).unwrap_or_default(),
            c.purl.as_deref().map(cell).unwrap_or_default(),
            c.responsible_party().map(cell).unwrap_or_default(),
            cell(&r.licences),
            cell(&r.hashes),
            t.relation(r.relation),
            c.source.label(),
            r.findings
        );
    }
    if v.inventory_total > v.inventory.len() {
        w!(
            out,
            "\n{}",
            t.n("inventory.more", v.inventory_total - v.inventory.len())
        );
    }
    w!(out, "\n</details>\n");
}

fn reproducibility(v: &View, t: Tr, out: &mut String) {
    let a = v.a;
    section(out, "reproducibility", t.t("sec.reproducibility"));
    table_head(out, &[t.t("field"), t.t("value")]);
    w!(
        out,
        "| {} | {} {} |",
        t.t("tool"),
        cell(&a.tool.name),
        cell(&a.tool.version)
    );
    w!(
        out,
        "| {} | {} |",
        t.t("repro.ruleset"),
        cell(&a.tool.ruleset)
    );
    w!(out, "| {} | {} |", t.t("repro.schema"), cell(&a.schema));
    let policy = a.policy.as_ref().map(|p| {
        let file = p.file.as_deref().unwrap_or(t.t("repro.defaults"));
        format!("{} (sha256 {})", cell(file), cell(&p.sha256))
    });
    w!(
        out,
        "| {} | {} |",
        t.t("repro.policy"),
        policy.unwrap_or_else(|| or_not_given(t, None))
    );
    let cmd = a.invocation.as_ref().map(|i| {
        let mut line = String::from("chainrisk");
        for arg in &i.args {
            line.push(' ');
            line.push_str(arg);
        }
        cell(&line).into_owned()
    });
    w!(
        out,
        "| {} | {} |",
        t.t("repro.command"),
        cmd.unwrap_or_else(|| or_not_given(t, None))
    );
    w!(
        out,
        "| {} | {} |",
        t.t("repro.mode"),
        v.mode
            .as_deref()
            .map(|m| t.mode(m))
            .unwrap_or_else(|| or_not_given(t, None))
    );
    w!(out, "| {} | {} |", t.t("generated"), cell(&v.generated));
    w!(out);
    repro_inputs(a, t, out);
    repro_metadata(a, t, out);
    repro_advisories(a, t, out);
}

/// The inputs a reproduction needs: path, format, spec version, SHA-256.
fn repro_inputs(a: &Assessment, t: Tr, out: &mut String) {
    w!(out, "### {}\n", t.t("inputs"));
    table_head(
        out,
        &[
            t.t("repro.path"),
            t.t("repro.format"),
            t.t("repro.spec"),
            "SHA-256",
            t.t("sum.components"),
        ],
    );
    for d in &a.inputs {
        w!(
            out,
            "| {} | {} | {} | {} | {} |",
            cell(&d.path),
            d.format.map(|f| f.as_str()).unwrap_or("—"),
            or_not_given(t, d.spec_version.as_deref()),
            or_not_given(t, d.sha256.as_deref()),
            d.components_read
        );
    }
    w!(out);
}

/// Where the registry facts came from and how old they are.
fn repro_metadata(a: &Assessment, t: Tr, out: &mut String) {
    w!(out, "### {}\n", t.t("repro.metadata"));
    match &a.resolution {
        None => w!(out, "{}\n", or_not_given(t, None)),
        Some(r) => {
            w!(out, "- {}: {}", t.t("repro.mode"), t.mode(&r.mode));
            if let Some(c) = &r.cache {
                w!(out, "- {}: {}", t.t("repro.cache"), cell(c));
            }
            match &r.snapshot {
                Some(s) => w!(
                    out,
                    "- {}: {} · {} {} · {}{}",
                    t.t("repro.snapshot"),
                    cell(&s.file),
                    t.t("repro.created"),
                    cell(&s.created_at),
                    t.n("repro.age_days", s.age_days.max(0) as usize),
                    if s.stale {
                        format!(" · **{}**", t.t("repro.stale"))
                    } else {
                        String::new()
                    }
                ),
                None => w!(out, "- {}: {}", t.t("repro.snapshot"), t.t("none")),
            }
            w!(out);
            if !r.ecosystems.is_empty() {
                table_head(
                    out,
                    &[
                        t.t("repro.ecosystem"),
                        t.t("repro.registry"),
                        t.t("repro.packages"),
                        t.t("repro.live"),
                        t.t("repro.cached"),
                        t.t("repro.snapshot"),
                        t.t("repro.not_found"),
                        t.t("repro.failed"),
                        t.t("repro.note"),
                    ],
                );
                for e in &r.ecosystems {
                    w!(
                        out,
                        "| {} | {} | {} | {} | {} | {} | {} | {} | {} |",
                        cell(e.ecosystem.as_str()),
                        or_not_given(t, e.registry.as_deref()),
                        e.packages,
                        e.live,
                        e.cached,
                        e.from_snapshot,
                        e.not_found,
                        e.failed,
                        e.note.as_deref().map(cell).unwrap_or_default()
                    );
                }
                w!(out);
            }
        }
    }
}

/// The advisory databases read, with their age.
fn repro_advisories(a: &Assessment, t: Tr, out: &mut String) {
    w!(out, "### {}\n", t.t("repro.advisories"));
    if a.advisories.is_empty() {
        w!(out, "{}\n", or_not_given(t, None));
    } else {
        table_head(
            out,
            &[
                t.t("repro.path"),
                t.t("repro.format"),
                t.t("count"),
                t.t("repro.newest"),
                t.t("conf.status"),
            ],
        );
        for d in &a.advisories {
            w!(
                out,
                "| {} | {} | {} | {} | {} |",
                cell(&d.path),
                cell(&d.format),
                d.advisories,
                or_not_given(t, d.newest.as_deref()),
                if d.stale {
                    t.t("repro.stale")
                } else {
                    t.t("repro.current")
                }
            );
        }
        w!(out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_carry_no_markup() {
        assert_eq!(cell("a|b"), "a\\|b");
        assert_eq!(
            cell("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        // A line break would end the row; it shows as an escape instead.
        assert_eq!(cell("x\ny\r\nz"), "x\\\\u{a}y\\\\u{d}\\\\u{a}z");
        assert_eq!(cell("`code` [l](u) *b*"), "\\`code\\` \\[l\\](u) \\*b\\*");
        assert_eq!(cell("&lt;"), "&amp;lt;");
        assert_eq!(cell("my_crate"), "my\\_crate");
    }

    /// Controls were dropped (and line breaks made spaces), bidirectional
    /// overrides passed: now each shows as a visible escape.
    #[test]
    fn cells_show_controls_and_bidi_overrides_as_escapes() {
        assert_eq!(
            cell("a\u{1b}[2Jb\u{9b}c\u{202e}d\u{7}"),
            "a\\\\u{1b}\\[2Jb\\\\u{9b}c\\\\u{202e}d\\\\u{7}"
        );
        assert_eq!(cell("\u{2066}x\u{2069}"), "\\\\u{2066}x\\\\u{2069}");
        assert_eq!(cell("中文名称"), "中文名称");
    }
}
