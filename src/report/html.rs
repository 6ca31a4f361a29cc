//! The HTML report: one self-contained file (inline CSS and SVG, no script,
//! no external fetch) for the review file, printable to PDF from a browser.
//! It shows the same [`View`] as the Markdown report. Every value from the
//! input goes through [`esc`]; markup comes only from this file.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::Assessment;
use super::blocks::{Bar, Block, Chart, Inline, KeyValue, KvHtml, Row, Table};
use super::i18n::{Lang, Tr};
use super::sections;
use super::view::{DETAILED_PER_RULE, NAMED_PER_GROUP};
use super::view::{FindingRow, View};
use crate::model::{Severity, untrusted};

/// Appends formatted text; writing to a `String` cannot fail.
macro_rules! w {
    ($out:expr, $($arg:tt)*) => {{ let _ = write!($out, $($arg)*); }};
}

/// Escapes text for HTML element content and double- or single-quoted
/// attribute values. Control and invisible formatting characters become
/// visible escapes first: HTML forbids most controls, and a bidirectional
/// override would make the text read differently from what it is.
pub fn esc(s: &str) -> Cow<'_, str> {
    let s = untrusted::escape(s);
    // Most values need no escaping: hand them back without copying.
    if !s.chars().any(|c| matches!(c, '&' | '<' | '>' | '"' | '\'')) {
        return s;
    }
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Turns `` `x` `` spans of escaped catalogue text into `<code>` elements.
/// The text is escaped first, so only backticks become markup.
fn code_spans(escaped: &str) -> String {
    let mut out = String::with_capacity(escaped.len() + 16);
    let mut parts = escaped.split('`');
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    let rest: Vec<&str> = parts.collect();
    // An odd number of backticks leaves the last one as text.
    let pairs = rest.len() / 2 * 2;
    for (i, part) in rest.iter().enumerate() {
        if i >= pairs {
            out.push('`');
            out.push_str(part);
        } else if i % 2 == 0 {
            out.push_str("<code>");
            out.push_str(part);
            out.push_str("</code>");
        } else {
            out.push_str(part);
        }
    }
    out
}

fn sev_class(s: Severity) -> &'static str {
    s.as_str()
}

const CSS: &str = include_str!("templates/report.css");

pub fn render(a: &Assessment, lang: Lang) -> String {
    let v = View::new(a);
    let t = Tr(lang);
    let mut out = String::with_capacity(16384 + 600 * (a.components.len() + a.findings.len()));
    let subject = match &a.subject.version {
        Some(ver) => format!("{} {}", a.subject.name, ver),
        None => a.subject.name.clone(),
    };
    w!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"{} {}\">\n\
         <title>{} — {}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<main>\n",
        lang.tag(),
        esc(&a.tool.name),
        esc(&a.tool.version),
        esc(&subject),
        esc(t.t("title")),
    );
    write(&sections::cover(&v, t), t, &mut out);
    write(&sections::contents(t), t, &mut out);
    write(&sections::summary(&v, t), t, &mut out);
    findings(&v, t, &mut out);
    write(&sections::conformance(&v, t), t, &mut out);
    write(&sections::matrix(&v, t), t, &mut out);
    write(&sections::unknowns(&v, t), t, &mut out);
    write(&sections::policy(&v, t), t, &mut out);
    write(&sections::inventory(&v, t), t, &mut out);
    write(&sections::reproducibility(&v, t), t, &mut out);
    w!(
        out,
        "<footer>{} {} · {} {} · {} <code>{}</code></footer>\n</main>\n</body>\n</html>\n",
        esc(&a.tool.name),
        esc(&a.tool.version),
        esc(t.t("repro.ruleset")),
        esc(&a.tool.ruleset),
        esc(t.t("report_id")),
        esc(&v.report_id)
    );
    out
}

/// Writes one block as HTML.
fn write(b: &Block, t: Tr, out: &mut String) {
    match b {
        Block::Section {
            anchor,
            title,
            body,
        } => {
            section_start(out, anchor, title);
            for b in body {
                write(b, t, out);
            }
            out.push_str("</section>\n");
        }
        Block::Contents { title, entries } => {
            w!(
                out,
                "<nav class=\"toc\" id=\"toc\" aria-label=\"{0}\">\n<h2>{0}</h2>\n<ol>\n",
                esc(title)
            );
            for (anchor, title) in entries {
                w!(out, "<li><a href=\"#{anchor}\">{}</a></li>\n", esc(title));
            }
            out.push_str("</ol>\n</nav>\n");
        }
        Block::Heading(content) => {
            out.push_str("<h3>");
            inlines(content, t, out);
            out.push_str("</h3>\n");
        }
        Block::Paragraph { note, content } => {
            out.push_str(if *note { "<p class=\"note\">" } else { "<p>" });
            inlines(content, t, out);
            out.push_str("</p>\n");
        }
        Block::Table(table) => write_table(table, t, out),
        Block::KeyValue(kv) => key_value(kv, t, out),
        Block::Columns(columns) => {
            out.push_str("<div class=\"two\">\n");
            for column in columns {
                out.push_str("<div>\n");
                for b in column {
                    write(b, t, out);
                }
                out.push_str("</div>\n");
            }
            out.push_str("</div>\n");
        }
        Block::List { class, items } => {
            w!(out, "<ul class=\"{class}\">\n");
            for (anchor, content) in items {
                match anchor {
                    Some(anchor) => w!(out, "<li id=\"{}\">", esc(anchor)),
                    None => out.push_str("<li>"),
                }
                inlines(content, t, out);
                out.push_str("</li>\n");
            }
            out.push_str("</ul>\n");
        }
        Block::Stats { items, .. } => {
            out.push_str("<div class=\"stats\">\n");
            for (label, n) in items {
                w!(
                    out,
                    "<div class=\"stat\"><span class=\"num\">{n}</span><span class=\"label\">{}</span></div>\n",
                    esc(label)
                );
            }
            out.push_str("</div>\n");
        }
        Block::Charts(charts) => {
            out.push_str("<div class=\"charts\">\n");
            for c in charts {
                bar_chart(c, out);
            }
            out.push_str("</div>\n");
        }
        Block::Details { summary, body } => {
            w!(out, "<details open>\n<summary>{}</summary>\n", esc(summary));
            for b in body {
                write(b, t, out);
            }
            out.push_str("</details>\n");
        }
        Block::Cover {
            title,
            subject,
            facts,
        } => {
            w!(
                out,
                "<header class=\"cover\" id=\"cover\">\n<p class=\"kicker\">{}</p>\n<h1>{}</h1>\n<dl class=\"facts\">\n",
                esc(title),
                esc(subject)
            );
            // The wide facts span the cover, after the grid of the others.
            for f in facts
                .iter()
                .filter(|f| !f.wide)
                .chain(facts.iter().filter(|f| f.wide))
            {
                let wide = if f.wide { " class=\"wide\"" } else { "" };
                w!(out, "<div{wide}><dt>{}</dt><dd>", esc(&f.key));
                inlines(&f.value, t, out);
                out.push_str("</dd></div>\n");
            }
            out.push_str("</dl>\n</header>\n");
        }
    }
}

fn write_table(table: &Table, t: Tr, out: &mut String) {
    w!(out, "<table class=\"{}\"", table.class);
    if let Some(id) = table.id {
        w!(out, " id=\"{id}\"");
    }
    out.push_str(">\n<thead><tr>");
    for h in &table.heads {
        open_tag(out, "th", h.class);
        inlines(&h.content, t, out);
        out.push_str("</th>");
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for row in &table.rows {
        table_row(row, t, out);
    }
    out.push_str("</tbody>\n");
    if let Some(foot) = &table.foot {
        out.push_str("<tfoot>");
        table_row(foot, t, out);
        out.truncate(out.len() - 1);
        out.push_str("</tfoot>\n");
    }
    out.push_str("</table>\n");
}

fn table_row(row: &Row, t: Tr, out: &mut String) {
    open_tag(out, "tr", row.class);
    for c in &row.cells {
        let tag = if c.head { "th" } else { "td" };
        open_tag(out, tag, c.class);
        inlines(&c.content, t, out);
        w!(out, "</{tag}>");
    }
    out.push_str("</tr>\n");
}

/// `<tag>` or `<tag class="…">`.
fn open_tag(out: &mut String, tag: &str, class: Option<&str>) {
    match class {
        Some(class) => w!(out, "<{tag} class=\"{class}\">"),
        None => w!(out, "<{tag}>"),
    }
}

fn key_value(kv: &KeyValue, t: Tr, out: &mut String) {
    match kv.html {
        KvHtml::Table(id) => {
            w!(out, "<table class=\"grid kvtable\" id=\"{id}\">\n<tbody>\n");
            for (key, value) in &kv.rows {
                w!(out, "<tr><th>{}</th><td>", esc(key));
                inlines(value, t, out);
                out.push_str("</td></tr>\n");
            }
            out.push_str("</tbody>\n</table>\n");
        }
        KvHtml::List => {
            out.push_str("<dl class=\"kv\">\n");
            for (key, value) in &kv.rows {
                w!(out, "<dt>{}</dt><dd>", esc(key));
                inlines(value, t, out);
                out.push_str("</dd>\n");
            }
            out.push_str("</dl>\n");
        }
    }
}

fn inlines(content: &[Inline], t: Tr, out: &mut String) {
    for i in content {
        inline(i, t, out);
    }
}

/// Writes a run of text: input text and labels through [`esc`], chainrisk's
/// own summaries through [`code_spans`] after escaping.
fn inline(i: &Inline, t: Tr, out: &mut String) {
    match i {
        Inline::Text(s) | Inline::Label(s) => out.push_str(&esc(s)),
        Inline::Code(class, content) => {
            match class {
                Some(class) => w!(out, "<code class=\"{class}\">"),
                None => out.push_str("<code>"),
            }
            inlines(content, t, out);
            out.push_str("</code>");
        }
        Inline::Digest(class, s) => {
            match class {
                Some(class) => w!(out, " <code class=\"{class}\">"),
                None => out.push_str(" <code>"),
            }
            w!(out, "{}</code>", esc(s));
        }
        Inline::Muted(content) => span(out, "", "muted", content, t),
        Inline::Status(class, content) => span(out, "status ", class, content, t),
        Inline::Alert(content) => span(out, "status ", "not-met", content, t),
        Inline::Figure(n) => w!(out, "<strong>{n}</strong>"),
        Inline::Strong(content) => {
            out.push_str("<strong>");
            inlines(content, t, out);
            out.push_str("</strong>");
        }
        Inline::Total(content) => inlines(content, t, out),
        Inline::Link(anchor, content) => {
            w!(out, "<a href=\"#{}\">", esc(anchor));
            inlines(content, t, out);
            out.push_str("</a>");
        }
        Inline::Wrap(_) => out.push_str("<br>"),
        Inline::Meter(percent) => w!(
            out,
            "<span class=\"meter\"><span style=\"width:{:.1}%\"></span></span> ",
            percent.clamp(0.0, 100.0)
        ),
        Inline::Badge(s) => out.push_str(&badge(t, *s)),
        Inline::NotGiven => out.push_str(&not_given(t)),
        Inline::Aside(content) => {
            out.push(' ');
            span(out, "", "muted", content, t);
        }
        Inline::Break => out.push_str("<br>"),
    }
}

/// A `<span>` of the class around a run of text.
fn span(out: &mut String, kind: &str, class: &str, content: &[Inline], t: Tr) {
    w!(out, "<span class=\"{kind}{class}\">");
    inlines(content, t, out);
    out.push_str("</span>");
}

fn not_given(t: Tr) -> String {
    format!("<span class=\"missing\">{}</span>", esc(t.t("not_given")))
}

fn or_not_given(t: Tr, v: Option<&str>) -> String {
    match v {
        Some(s) if !s.is_empty() => esc(s).into_owned(),
        _ => not_given(t),
    }
}

fn badge(t: Tr, s: Severity) -> String {
    format!(
        "<span class=\"badge {}\">{}</span>",
        sev_class(s),
        esc(t.sev(s))
    )
}

fn section_start(out: &mut String, anchor: &str, title: &str) {
    w!(out, "<section id=\"{anchor}\">\n<h2>{}</h2>\n", esc(title));
}

/// A horizontal bar chart: one labelled bar per row, scaled to the largest value.
fn bar_chart(chart: &Chart, svg: &mut String) {
    let Chart {
        id,
        title,
        bars: rows,
    } = chart;
    const LABEL_W: f64 = 136.0;
    const BAR_W: f64 = 150.0;
    const ROW_H: f64 = 22.0;
    let width = LABEL_W + BAR_W + 52.0;
    let height = ROW_H * rows.len().max(1) as f64 + 6.0;
    let max = rows.iter().map(|r| r.value).fold(0.0, f64::max);
    w!(
        svg,
        "<figure class=\"chart\">\n<figcaption>{title}</figcaption>\n\
         <svg id=\"{id}\" xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" aria-label=\"{title}\" \
         viewBox=\"0 0 {width} {height}\" preserveAspectRatio=\"xMinYMin meet\">\n\
         <title>{title}</title>\n",
        title = esc(title),
    );
    for (
        i,
        Bar {
            label,
            value,
            shown,
            colour,
        },
    ) in rows.iter().enumerate()
    {
        let y = 3.0 + i as f64 * ROW_H;
        let len = if max > 0.0 { value / max * BAR_W } else { 0.0 };
        let label: &str = label;
        // Long supplier names are cut for the chart; the table below has them
        // whole. The kind of key ("repository owner …") would use up the
        // room, and the owner's own name tells the bars apart.
        let label = label
            .strip_prefix("repository owner ")
            .or_else(|| label.strip_prefix("namespace "))
            .unwrap_or(label);
        let label =
            label.split_once('/').map_or(
                label,
                |(host, owner)| {
                    if host.contains('.') { owner } else { label }
                },
            );
        let short: String = if label.chars().count() > 17 {
            label.chars().take(16).chain(['…']).collect()
        } else {
            label.to_string()
        };
        w!(
            svg,
            "<g><text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{}</text>\
             <rect x=\"{LABEL_W}\" y=\"{ry}\" width=\"{len:.1}\" height=\"{bh}\" rx=\"2\" fill=\"{colour}\"/>\
             <text x=\"{vx:.1}\" y=\"{ty}\" class=\"value\">{}</text></g>\n",
            esc(&short),
            esc(shown),
            lx = LABEL_W - 8.0,
            ty = y + 14.0,
            ry = y + 3.0,
            bh = ROW_H - 8.0,
            vx = LABEL_W + len + 6.0,
        );
    }
    svg.push_str("</svg>\n</figure>\n");
}

fn findings(v: &View, t: Tr, out: &mut String) {
    section_start(out, "findings", t.t("sec.findings"));
    if v.groups.is_empty() {
        w!(out, "<p>{}</p>\n</section>\n", esc(t.t("findings.none")));
        return;
    }
    w!(
        out,
        "<table class=\"findings\" id=\"findings-table\">\n<thead><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n",
        esc(t.t("rule")),
        esc(t.t("f.title")),
        esc(t.t("component")),
        esc(t.t("conf.status"))
    );
    for g in &v.groups {
        w!(
            out,
            "<tbody class=\"group\" id=\"severity-{}\">\n<tr class=\"group-head\"><th colspan=\"5\">{} <span class=\"muted\">({})</span></th></tr>\n",
            sev_class(g.severity),
            badge(t, g.severity),
            g.rows.len()
        );
        let (single, grouped) = g.split(&v.widespread);
        for r in &single {
            finding_rows(r, t, out);
        }
        for rg in &grouped {
            grouped_rows(rg, t, out);
        }
        w!(out, "</tbody>\n");
    }
    w!(out, "</table>\n</section>\n");
}

/// One entry for a widespread rule: the range of finding numbers, the
/// components collapsed (each with its finding's anchor, which opens the
/// list when followed), and the first message as the example.
fn grouped_rows(rg: &super::view::RuleGroup, t: Tr, out: &mut String) {
    let (first, last) = (rg.rows[0].number, rg.rows[rg.rows.len() - 1].number);
    let sev = sev_class(rg.rows[0].finding.severity);
    let mut open = 0;
    let mut accepted = 0;
    for r in &rg.rows {
        if r.exception.is_some() {
            accepted += 1;
        } else {
            open += 1;
        }
    }
    let mut status = Vec::new();
    if open > 0 {
        status.push(format!(
            "<span class=\"status open\">{} {open}</span>",
            esc(t.t("status.open"))
        ));
    }
    if accepted > 0 {
        status.push(format!(
            "<span class=\"status accepted\">{} {accepted}</span>",
            esc(t.t("exc.accepted"))
        ));
    }
    let mut names: Vec<String> = rg
        .rows
        .iter()
        .take(NAMED_PER_GROUP)
        .map(|r| {
            format!(
                "<span class=\"comp\" id=\"{}\">{}</span>",
                r.anchor(),
                esc(&r.component_label(t))
            )
        })
        .collect();
    if rg.rows.len() > NAMED_PER_GROUP {
        names.push(format!(
            "<span class=\"muted\">{}</span>",
            esc(&t.n("f.more", rg.rows.len() - NAMED_PER_GROUP))
        ));
    }
    w!(
        out,
        "<tr class=\"finding grouped {sev}\" data-rule=\"{rule}\">\
         <td class=\"n\"><a href=\"#f{first}\">F{first}–F{last}</a></td><td><code class=\"id\">{rule}</code></td>\
         <td>{title}</td><td><details><summary>{count}</summary>{names}</details></td><td>{status}</td></tr>\n",
        rule = esc(rg.rule),
        title = esc(&t.rule_name(rg.rule)),
        count = esc(&t.n("f.grouped", rg.rows.len())),
        names = names.join(", "),
        status = status.join(" "),
    );
    w!(
        out,
        "<tr class=\"detail\"><td></td><td colspan=\"4\">\n<p class=\"muted\">{}</p>\n<dl class=\"kv\">\n<dt>{}</dt><dd>{}</dd>\n<dt>{}</dt><dd>{}</dd>\n</dl>\n</td></tr>\n",
        esc(&t.n(rg.note_key(), DETAILED_PER_RULE)),
        esc(t.t("f.example")),
        esc(&t.message(rg.rows[0].finding)),
        esc(t.t("f.summary")),
        code_spans(&esc(&t.rule_summary(rg.rule))),
    );
}

fn finding_rows(r: &FindingRow, t: Tr, out: &mut String) {
    let f = r.finding;
    let mut status = Vec::new();
    if r.exception.is_some() {
        status.push(format!(
            "<span class=\"status accepted\">{}</span>",
            esc(t.t("exc.accepted"))
        ));
    }
    if let Some(b) = r.baseline {
        status.push(format!(
            "<span class=\"status baseline\">{}</span>",
            esc(t.baseline(b))
        ));
    }
    if status.is_empty() {
        status.push(format!(
            "<span class=\"status open\">{}</span>",
            esc(t.t("status.open"))
        ));
    }
    let purl = r.component.and_then(|c| c.purl.as_deref());
    w!(
        out,
        "<tr class=\"finding {sev}\" id=\"{anchor}\" data-rule=\"{rule}\" data-fingerprint=\"{fp}\">\
         <td class=\"n\"><a href=\"#{anchor}\">F{n}</a></td><td><code class=\"id\">{rule}</code></td>\
         <td>{title}</td><td><span class=\"comp\">{comp}</span>{purl}</td><td>{status}</td></tr>\n",
        sev = sev_class(f.severity),
        anchor = r.anchor(),
        n = r.number,
        rule = esc(&f.rule),
        fp = esc(&f.fingerprint),
        title = esc(&t.rule_name(&f.rule)),
        comp = esc(&r.component_label(t)),
        purl = purl
            .map(|p| format!("<br><code class=\"purl\">{}</code>", esc(p)))
            .unwrap_or_default(),
        status = status.join(" "),
    );
    w!(
        out,
        "<tr class=\"detail\"><td></td><td colspan=\"4\">\n<p class=\"message\">{}</p>\n<dl class=\"kv\">\n",
        esc(&t.message(f))
    );
    let mut item = |label: &str, value: String| {
        w!(out, "<dt>{}</dt><dd>{value}</dd>\n", esc(label));
    };
    item(t.t("f.summary"), code_spans(&esc(&t.rule_summary(&f.rule))));
    item(t.t("category"), esc(t.cat(f.category)).into_owned());
    if !r.path.is_empty() {
        let names: Vec<String> = r.path.iter().map(|n| esc(n).into_owned()).collect();
        item(
            t.t("f.path"),
            format!(
                "<span class=\"path\">{}</span>",
                names.join(" <span class=\"arrow\">→</span> ")
            ),
        );
    }
    if !r.thresholds.is_empty() {
        let ts: Vec<String> = r
            .thresholds
            .iter()
            .map(|th| {
                let suffix = if th.default {
                    format!(" <span class=\"muted\">({})</span>", esc(t.t("f.default")))
                } else {
                    String::new()
                };
                format!("<code>{}</code> = {}{suffix}", esc(th.key), esc(&th.value))
            })
            .collect();
        item(t.t("f.threshold"), ts.join("; "));
    }
    let exception = match r.exception {
        Some(e) => format!(
            "{} — {}; {}: {}; {}: {}",
            esc(t.t("exc.accepted")),
            esc(&e.reason),
            esc(t.t("exc.owner")),
            or_not_given(t, e.owner.as_deref()),
            esc(t.t("exc.expires")),
            or_not_given(t, e.expires.as_deref())
        ),
        None => esc(t.t("exc.none")).into_owned(),
    };
    item(t.t("f.exception"), exception);
    if let Some(b) = r.baseline {
        item(t.t("f.baseline"), esc(t.baseline(b)).into_owned());
    }
    item(
        t.t("f.fingerprint"),
        format!("<code>{}</code>", esc(&f.fingerprint)),
    );
    w!(out, "</dl>\n");
    if !r.evidence.is_empty() {
        w!(
            out,
            "<table class=\"evidence\"><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>\n",
            esc(t.t("f.evidence")),
            esc(t.t("value")),
            esc(t.t("f.source")),
            esc(t.t("f.fetched"))
        );
        for e in &r.evidence {
            w!(
                out,
                "<tr><td>{}</td><td>{}</td><td><code>{}</code></td><td>{}</td></tr>\n",
                esc(&t.evidence_key(e.key)),
                esc(&t.evidence_value(e.value)),
                esc(e.source),
                e.fetched.map(esc).unwrap_or(Cow::Borrowed("—"))
            );
        }
        w!(out, "</tbody></table>\n");
    }
    w!(out, "</td></tr>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaper_neutralises_markup_and_attribute_breaks() {
        assert_eq!(
            esc("<script>alert(1)</script>"),
            "&lt;script&gt;alert(1)&lt;/script&gt;"
        );
        assert_eq!(
            esc("\"><img src=x onerror=alert(1)>"),
            "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"
        );
        assert_eq!(esc("' onmouseover='x"), "&#39; onmouseover=&#39;x");
        assert_eq!(esc("a & b"), "a &amp; b");
        assert_eq!(esc("nul\u{0}bell\u{7}"), "nul\\u{0}bell\\u{7}");
    }

    /// Controls were dropped silently and bidirectional overrides passed:
    /// now each shows as a visible escape.
    #[test]
    fn escaper_shows_controls_and_bidi_overrides() {
        assert_eq!(
            esc("a\u{1b}[2J\u{9b}\r\n\u{202e}b"),
            "a\\u{1b}[2J\\u{9b}\\u{d}\\u{a}\\u{202e}b"
        );
        assert_eq!(esc("<\u{2066}>"), "&lt;\\u{2066}&gt;");
        assert_eq!(esc("中文名称"), "中文名称");
    }

    #[test]
    fn only_paired_backticks_become_code() {
        assert_eq!(code_spans("a `b` c"), "a <code>b</code> c");
        assert_eq!(code_spans("`x` and `y"), "<code>x</code> and `y");
        assert_eq!(code_spans("none"), "none");
    }
}
