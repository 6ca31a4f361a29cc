//! The Markdown report for review files and pull-request pages: the blocks
//! of `sections.rs` (the same as the HTML report's), written as
//! GitHub/GitLab-flavoured Markdown. Every value from the input goes
//! through [`cell`], so no input text becomes markup.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::Assessment;
use super::blocks::{Block, FindingGroup, Inline, KeyValue, KvMarkdown, Status, Table};
use super::i18n::{Lang, Tr};
use super::sections;
use super::view::View;
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
    sections::report(&v, t, |b| write(b, t, &mut out));
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
        Block::Findings(groups) => {
            for g in groups {
                findings(g, t, out);
            }
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

/// A severity's findings: a table of them, then each one's details.
fn findings(g: &FindingGroup, t: Tr, out: &mut String) {
    w!(out, "### {} ({})\n", t.sev(g.severity), g.count);
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
    for e in &g.single {
        wr!(
            out,
            "| [F{n}](#f{n}) | {} | {} | {} | {} | ",
            cell(e.rule),
            cell(&e.title),
            cell(&e.component),
            cell(e.purl.unwrap_or("")),
            n = e.number,
        );
        statuses(&e.status, out);
        out.push_str(" |\n");
    }
    for e in &g.grouped {
        wr!(
            out,
            "| [F{first}–F{last}](#f{first}) | {} | {} | {} | | ",
            cell(e.rule),
            cell(&e.title),
            e.count,
            first = e.first,
            last = e.last,
        );
        statuses(&e.status, out);
        out.push_str(" |\n");
    }
    w!(out);
    for e in &g.single {
        w!(
            out,
            "#### <a id=\"f{n}\"></a>F{n} · {} {} · {}\n",
            cell(e.rule),
            cell(&e.title),
            cell(&e.component),
            n = e.number,
        );
        w!(out, "- **{}**: {}", t.t("f.message"), cell(&e.message));
        for (key, value) in &e.facts {
            wr!(out, "- **{key}**: ");
            inlines(value, t, out);
            out.push('\n');
        }
        w!(out);
        if let Some(evidence) = &e.evidence {
            write_table(evidence, t, out);
        }
    }
    for e in &g.grouped {
        w!(
            out,
            "#### F{}–F{} · {} {} · {}\n",
            e.first,
            e.last,
            cell(e.rule),
            cell(&e.title),
            e.count
        );
        w!(out, "{}\n", e.note);
        w!(out, "- **{}**: {}", t.t("f.example"), cell(&e.example));
        w!(out, "- **{}**: {}", t.t("f.summary"), own_text(&e.summary));
        wr!(out, "- **{}**: ", t.t("f.components"));
        statuses(&e.status, out);
        w!(out, "\n\n<details><summary>{}</summary>\n", e.count);
        for (i, (n, name)) in e.names.iter().enumerate() {
            if i > 0 {
                out.push_str(" · ");
            }
            wr!(out, "<a id=\"f{n}\"></a>F{n} {}", cell(name));
        }
        if let Some(more) = &e.more {
            wr!(out, " · {more}");
        }
        w!(out, "\n\n</details>\n");
    }
}

/// Statuses joined.
fn statuses(status: &[Status], out: &mut String) {
    for (i, s) in status.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push_str(&s.label);
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
        Inline::Own(s) => out.push_str(&own_text(s)),
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
        Inline::Findings(numbers) => {
            for (i, n) in numbers.iter().enumerate() {
                let sep = if i == 0 { "" } else { ", " };
                wr!(out, "{sep}[F{n}](#f{n})");
            }
        }
        Inline::Path(names) => {
            for (i, name) in names.iter().enumerate() {
                if i > 0 {
                    out.push_str(" → ");
                }
                out.push_str(&cell(name));
            }
        }
        // Fingerprints are hex; anything else is input text.
        Inline::Literal(s) if s.chars().all(|c| c.is_ascii_alphanumeric()) => wr!(out, "`{s}`"),
        Inline::Literal(s) => out.push_str(&cell(s)),
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

fn table_head(out: &mut String, heads: &[&str]) {
    w!(out, "| {} |", heads.join(" | "));
    w!(out, "|{}", "---|".repeat(heads.len()));
}

fn section(out: &mut String, anchor: &str, title: &str) {
    w!(out, "<a id=\"{anchor}\"></a>\n\n## {title}\n");
}
