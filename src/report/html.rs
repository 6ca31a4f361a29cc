//! The HTML report: one self-contained file (inline CSS and SVG, no script,
//! no external fetch) for the review file, printable to PDF from a browser.
//! It writes the blocks of `sections.rs`, the same as the Markdown report's.
//! Every value from the input goes through [`esc`]; markup comes only from
//! this file.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::Assessment;
use super::blocks::{Bar, Block, Chart, FindingEntry, GroupEntry, Inline, KeyValue, KvHtml};
use super::blocks::{Row, Status, Table};
use super::i18n::{Lang, Tr};
use super::sections;
use super::view::View;
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
    w!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"{} {}\">\n\
         <title>{} — {}</title>\n<style>\n{CSS}</style>\n</head>\n<body>\n<main>\n",
        lang.tag(),
        esc(&a.tool.name),
        esc(&a.tool.version),
        esc(&v.subject),
        esc(t.t("title")),
    );
    sections::report(&v, t, |b| write(b, t, &mut out));
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
        Block::Table(table) => write_table(table, t, out, false),
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
        Block::Findings(groups) => {
            w!(
                out,
                "<table class=\"findings\" id=\"findings-table\">\n<thead><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead>\n",
                esc(t.t("rule")),
                esc(t.t("f.title")),
                esc(t.t("component")),
                esc(t.t("conf.status"))
            );
            for g in groups {
                w!(
                    out,
                    "<tbody class=\"group\" id=\"severity-{}\">\n<tr class=\"group-head\"><th colspan=\"5\">{} <span class=\"muted\">({})</span></th></tr>\n",
                    g.severity.as_str(),
                    badge(t, g.severity),
                    g.count
                );
                for e in &g.single {
                    finding_rows(e, t, out);
                }
                for e in &g.grouped {
                    grouped_rows(e, t, out);
                }
                out.push_str("</tbody>\n");
            }
            out.push_str("</table>\n");
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

/// One finding's row, and its details in the row under it.
fn finding_rows(e: &FindingEntry, t: Tr, out: &mut String) {
    w!(
        out,
        "<tr class=\"finding {sev}\" id=\"f{n}\" data-rule=\"{rule}\" data-fingerprint=\"{fp}\">\
         <td class=\"n\"><a href=\"#f{n}\">F{n}</a></td><td><code class=\"id\">{rule}</code></td>\
         <td>{title}</td><td><span class=\"comp\">{comp}</span>",
        sev = e.severity.as_str(),
        n = e.number,
        rule = esc(e.rule),
        fp = esc(e.fingerprint),
        title = esc(&e.title),
        comp = esc(&e.component),
    );
    if let Some(p) = e.purl {
        w!(out, "<br><code class=\"purl\">{}</code>", esc(p));
    }
    detail_row(&e.status, "message", &e.message, out);
    for (key, value) in &e.facts {
        w!(out, "<dt>{}</dt><dd>", esc(key));
        inlines(value, t, out);
        out.push_str("</dd>\n");
    }
    out.push_str("</dl>\n");
    if let Some(evidence) = &e.evidence {
        write_table(evidence, t, out, true);
    }
    out.push_str("</td></tr>\n");
}

/// One entry for a group of findings: the range of finding numbers, the
/// components collapsed (each with its finding's anchor, which opens the
/// list when followed), and the first message as the example.
fn grouped_rows(e: &GroupEntry, t: Tr, out: &mut String) {
    w!(
        out,
        "<tr class=\"finding grouped {sev}\" data-rule=\"{rule}\">\
         <td class=\"n\"><a href=\"#f{first}\">F{first}–F{last}</a></td><td><code class=\"id\">{rule}</code></td>\
         <td>{title}</td><td><details><summary>{count}</summary>",
        sev = e.severity.as_str(),
        rule = esc(e.rule),
        first = e.first,
        last = e.last,
        title = esc(&e.title),
        count = esc(&e.count),
    );
    for (i, (n, name)) in e.names.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        w!(out, "<span class=\"comp\" id=\"f{n}\">{}</span>", esc(name));
    }
    if let Some(more) = &e.more {
        w!(out, ", <span class=\"muted\">{}</span>", esc(more));
    }
    out.push_str("</details>");
    detail_row(&e.status, "muted", &e.note, out);
    w!(
        out,
        "<dt>{}</dt><dd>{}</dd>\n<dt>{}</dt><dd>{}</dd>\n</dl>\n</td></tr>\n",
        esc(t.t("f.example")),
        esc(&e.example),
        esc(t.t("f.summary")),
        code_spans(&esc(&e.summary)),
    );
}

/// Ends a finding's row with its status marks and opens the detail row
/// under it: a paragraph of `class`, then a key–value list.
fn detail_row(status: &[Status], class: &str, text: &str, out: &mut String) {
    out.push_str("</td><td>");
    statuses(status, out);
    w!(
        out,
        "</td></tr>\n<tr class=\"detail\"><td></td><td colspan=\"4\">\n<p class=\"{class}\">{}</p>\n<dl class=\"kv\">\n",
        esc(text)
    );
}

/// Status marks, side by side.
fn statuses(status: &[Status], out: &mut String) {
    for (i, s) in status.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        w!(
            out,
            "<span class=\"status {}\">{}</span>",
            s.class,
            esc(&s.label)
        );
    }
}

/// A table; a compact one (a finding's evidence) has no line breaks
/// around its head.
fn write_table(table: &Table, t: Tr, out: &mut String, compact: bool) {
    let nl = if compact { "" } else { "\n" };
    w!(out, "<table class=\"{}\"", table.class);
    if let Some(id) = table.id {
        w!(out, " id=\"{id}\"");
    }
    w!(out, ">{nl}<thead><tr>");
    for h in &table.heads {
        open_tag(out, "th", h.class);
        inlines(&h.content, t, out);
        out.push_str("</th>");
    }
    w!(out, "</tr></thead>{nl}<tbody>\n");
    for row in &table.rows {
        table_row(row, t, out);
    }
    w!(out, "</tbody>{nl}");
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
        Inline::Findings(numbers) => {
            for (i, n) in numbers.iter().enumerate() {
                let sep = if i == 0 { "" } else { ", " };
                w!(out, "{sep}<a href=\"#f{n}\">F{n}</a>");
            }
        }
        Inline::Path(names) => {
            out.push_str("<span class=\"path\">");
            for (i, name) in names.iter().enumerate() {
                if i > 0 {
                    out.push_str(" <span class=\"arrow\">→</span> ");
                }
                out.push_str(&esc(name));
            }
            out.push_str("</span>");
        }
        Inline::Literal(s) => w!(out, "<code>{}</code>", esc(s)),
        Inline::Own(s) => out.push_str(&code_spans(&esc(s))),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paired_backticks_become_code() {
        assert_eq!(code_spans("a `b` c"), "a <code>b</code> c");
        assert_eq!(code_spans("`x` and `y"), "<code>x</code> and `y");
        assert_eq!(code_spans("none"), "none");
    }
}
