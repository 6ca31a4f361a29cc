//! The Markdown report for review files and pull-request pages: the same
//! [`View`] as the HTML report, as GitHub/GitLab-flavoured tables. Every value
//! from the input goes through [`cell`], so no input text becomes markup.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::Assessment;
use super::blocks::{Block, Inline, KeyValue, KvMarkdown, Table};
use super::i18n::{Lang, Tr};
use super::sections;
use super::view::{DETAILED_PER_RULE, NAMED_PER_GROUP};
use super::view::{FindingRow, View};
use crate::model::untrusted;

/// Appends a formatted line; writing to a `String` cannot fail.
macro_rules! w {
    ($out:expr) => {{ $out.push('\n'); }};
    ($out:expr, $($arg:tt)*) => {{ let _ = writeln!($out, $($arg)*); }};
}

/// Appends formatted text without ending the line.
macro_rules! wr {
    ($out:expr, $($arg:tt)*) => {{ let _ = write!($out, $($arg)*); }};
}

pub fn render(a: &Assessment, lang: Lang) -> String {
    let v = View::new(a);
    let t = Tr(lang);
    let mut out = String::with_capacity(4096 + 256 * (a.components.len() + a.findings.len()));
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
    out
}

/// Writes one block as Markdown.
fn write(b: &Block, t: Tr, out: &mut String) {
    match b {
        Block::Section {
            anchor,
            title,
            body,
        } => {
            section(out, anchor, title);
            for b in body {
                write(b, t, out);
            }
        }
        Block::Contents { title, entries } => {
            w!(out, "**{title}**\n");
            for (i, (anchor, title)) in entries.iter().enumerate() {
                w!(out, "{}. [{title}](#{anchor})", i + 1);
            }
            w!(out);
        }
        Block::Heading(content) => {
            out.push_str("### ");
            inlines(content, t, out);
            out.push_str("\n\n");
        }
        Block::Paragraph { content, .. } => {
            inlines(content, t, out);
            out.push_str("\n\n");
        }
        Block::Table(table) => write_table(table, t, out),
        Block::KeyValue(kv) => key_value(kv, t, out),
        Block::Columns(columns) => {
            for b in columns.iter().flatten() {
                write(b, t, out);
            }
        }
        Block::List { items, .. } => {
            for (anchor, content) in items {
                out.push_str("- ");
                if let Some(anchor) = anchor {
                    wr!(out, "<a id=\"{anchor}\"></a>");
                }
                inlines(content, t, out);
                out.push('\n');
            }
            w!(out);
        }
        Block::Stats { title, items } => {
            w!(out, "### {title}\n");
            let heads: Vec<&str> = items.iter().map(|(label, _)| label.as_ref()).collect();
            table_head(out, &heads);
            for (_, n) in items {
                wr!(out, "| {n} ");
            }
            w!(out, "|\n");
        }
        // The tables hold the charts' numbers.
        Block::Charts(_) => {}
        Block::Details { summary, body } => {
            w!(out, "<details><summary>{summary}</summary>\n");
            for b in body {
                write(b, t, out);
            }
            w!(out, "</details>\n");
        }
        Block::Cover {
            title,
            subject,
            facts,
        } => {
            w!(out, "# {title}: {}\n", cell(subject));
            table_head(out, &[t.t("field"), t.t("value")]);
            for f in facts {
                wr!(out, "| {} | ", f.key);
                inlines(&f.value, t, out);
                out.push_str(" |\n");
            }
            w!(out);
        }
    }
}

fn write_table(table: &Table, t: Tr, out: &mut String) {
    out.push('|');
    for h in &table.heads {
        out.push(' ');
        inlines(&h.content, t, out);
        out.push_str(" |");
    }
    w!(out, "\n|{}", "---|".repeat(table.heads.len()));
    for row in table.rows.iter().chain(&table.foot) {
        out.push('|');
        for c in &row.cells {
            out.push(' ');
            inlines(&c.content, t, out);
            out.push_str(" |");
        }
        out.push('\n');
    }
    w!(out);
}

fn key_value(kv: &KeyValue, t: Tr, out: &mut String) {
    if kv.markdown == KvMarkdown::Table {
        table_head(out, &[t.t("field"), t.t("value")]);
    }
    for (key, value) in &kv.rows {
        match kv.markdown {
            KvMarkdown::Table => wr!(out, "| {key} | "),
            KvMarkdown::Strong => wr!(out, "- **{key}**: "),
            KvMarkdown::Plain => wr!(out, "- {key}: "),
        }
        inlines(value, t, out);
        out.push_str(if kv.markdown == KvMarkdown::Table {
            " |\n"
        } else {
            "\n"
        });
    }
    w!(out);
}

fn inlines(content: &[Inline], t: Tr, out: &mut String) {
    for i in content {
        inline(i, t, out);
    }
}

/// Writes a run of text: input text through [`cell`], chainrisk's own
/// summaries through [`own_text`], labels as they are.
fn inline(i: &Inline, t: Tr, out: &mut String) {
    match i {
        Inline::Text(s) => out.push_str(&cell(s)),
        Inline::Label(s) => out.push_str(s),
        Inline::Code(_, content) | Inline::Muted(content) | Inline::Status(_, content) => {
            inlines(content, t, out)
        }
        Inline::Digest(_, s) => wr!(out, " (sha256 {})", cell(s)),
        Inline::Strong(content) | Inline::Total(content) | Inline::Alert(content) => {
            out.push_str("**");
            inlines(content, t, out);
            out.push_str("**");
        }
        Inline::Figure(n) => wr!(out, "{n}"),
        Inline::Link(anchor, content) => {
            out.push('[');
            inlines(content, t, out);
            wr!(out, "](#{anchor})");
        }
        Inline::Wrap(separator) => out.push_str(separator),
        Inline::Meter(_) => {}
        Inline::Badge(s) => out.push_str(t.sev(*s)),
        Inline::NotGiven => wr!(out, "*{}*", t.t("not_given")),
        Inline::Aside(content) => {
            out.push_str(" (");
            inlines(content, t, out);
            out.push(')');
        }
        Inline::Break => out.push_str("<br>"),
    }
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

fn section(out: &mut String, anchor: &str, title: &str) {
    w!(out, "<a id=\"{anchor}\"></a>\n\n## {title}\n");
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
