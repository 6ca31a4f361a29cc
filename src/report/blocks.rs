//! The human reports as typed blocks: what each section shows is decided
//! here once, from the [`View`](super::view::View); `markdown.rs` and
//! `html.rs` only write the blocks in their own syntax.
//!
//! Text read from an input is always [`Inline::Text`] (or inside
//! [`Inline::Code`]), which each writer escapes; no input text becomes
//! markup in either format.

use std::borrow::Cow;

use crate::model::Severity;

/// A run of text inside a block.
pub enum Inline<'a> {
    /// Text read from an input (or derived from one): escaped by each writer.
    Text(Cow<'a, str>),
    /// chainrisk's own text (labels, separators, numbers): Markdown writes it
    /// as it is, HTML escapes it.
    Label(Cow<'a, str>),
    /// chainrisk's own text with `` `code` `` spans (rule summaries).
    Own(Cow<'a, str>),
    /// Input text set as code in HTML (`<code class=…>`); plain text in Markdown.
    Code(Option<&'static str>, Vec<Inline<'a>>),
    /// A digest after its subject: `(sha256 …)` in Markdown, code in HTML.
    Digest(Option<&'static str>, Cow<'a, str>),
    Strong(Vec<Inline<'a>>),
    /// Emphasised in Markdown (a table's totals); plain in HTML, where the
    /// table's foot sets it apart.
    Total(Vec<Inline<'a>>),
    /// A link to an anchor in the report.
    Link(String, Vec<Inline<'a>>),
    /// A line break in HTML; this separator in Markdown, where a break
    /// would end a table row or a list item.
    Wrap(&'static str),
    /// A share (0–100) drawn as a meter in HTML; nothing in Markdown.
    Meter(f64),
    /// Links to findings by their numbers, comma-separated (a review
    /// matrix cell may list thousands: no string is built per link).
    Findings(&'a [usize]),
    /// A dependency path, root first: names joined by arrows.
    Path(&'a [String]),
    /// An identifier chainrisk wrote (a fingerprint): code in both formats.
    Literal(Cow<'a, str>),
    /// A count set off in HTML (strong); plain in Markdown.
    Figure(usize),
    /// Secondary text: muted in HTML, plain in Markdown.
    Muted(Vec<Inline<'a>>),
    /// A status mark: coloured by its class in HTML, plain in Markdown.
    Status(&'static str, Vec<Inline<'a>>),
    /// A warning: a not-met status in HTML, strong in Markdown.
    Alert(Vec<Inline<'a>>),
    /// The severity's name, as a coloured badge in HTML.
    Badge(Severity),
    /// The "not given" placeholder of a value the report does not record.
    NotGiven,
    /// A parenthetical remark after its subject: ` (…)` in Markdown,
    /// muted in HTML.
    Aside(Vec<Inline<'a>>),
    /// A line break inside a cell or a paragraph.
    Break,
}

/// A table cell; `class` is HTML's (`num`, `num zero`, …). A head cell
/// names its row.
pub struct Cell<'a> {
    pub class: Option<&'static str>,
    pub head: bool,
    pub content: Vec<Inline<'a>>,
}

/// A column heading; `class` is HTML's (`num` right-aligns the column).
pub struct Head<'a> {
    pub class: Option<&'static str>,
    pub content: Vec<Inline<'a>>,
}

/// A table row; `class` is HTML's.
pub struct Row<'a> {
    pub class: Option<&'static str>,
    pub cells: Vec<Cell<'a>>,
}

impl<'a> From<Vec<Cell<'a>>> for Row<'a> {
    fn from(cells: Vec<Cell<'a>>) -> Row<'a> {
        Row { class: None, cells }
    }
}

pub struct Table<'a> {
    /// HTML's `id` and `class` of the table.
    pub id: Option<&'static str>,
    pub class: &'static str,
    pub heads: Vec<Head<'a>>,
    pub rows: Vec<Row<'a>>,
    /// The totals under the rows.
    pub foot: Option<Row<'a>>,
}

/// How a key–value list looks in HTML.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum KvHtml {
    /// A two-column table without a head, with this id.
    Table(&'static str),
    /// A `<dl class="kv">`.
    List,
}

/// How a key–value list looks in Markdown.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum KvMarkdown {
    /// A table with a field and a value column.
    Table,
    /// A bullet list, keys strong.
    Strong,
    /// A bullet list, keys plain.
    Plain,
}

pub struct KeyValue<'a> {
    pub html: KvHtml,
    pub markdown: KvMarkdown,
    pub rows: Vec<(Cow<'a, str>, Vec<Inline<'a>>)>,
}

/// A horizontal bar chart: one labelled bar per row.
pub struct Chart<'a> {
    pub id: &'static str,
    pub title: Cow<'a, str>,
    pub bars: Vec<Bar<'a>>,
}

/// One bar of a chart.
pub struct Bar<'a> {
    /// Input text where it names a supplier.
    pub label: Cow<'a, str>,
    /// The bar's length, relative to the chart's longest.
    pub value: f64,
    /// The value as written beside the bar.
    pub shown: String,
    pub colour: &'static str,
}

/// The findings of one severity.
pub struct FindingGroup<'a> {
    pub severity: Severity,
    /// Findings in the group, shown or grouped.
    pub count: usize,
    pub single: Vec<FindingEntry<'a>>,
    pub grouped: Vec<GroupEntry<'a>>,
}

/// A status mark: its HTML class and its text.
pub struct Status<'a> {
    pub class: &'static str,
    pub label: Cow<'a, str>,
}

/// One finding, shown in full.
pub struct FindingEntry<'a> {
    pub number: usize,
    pub severity: Severity,
    pub rule: &'a str,
    pub title: Cow<'a, str>,
    /// The component's name with its version, or what stands for the product.
    pub component: Cow<'a, str>,
    pub purl: Option<&'a str>,
    pub fingerprint: &'a str,
    pub status: Vec<Status<'a>>,
    pub message: Cow<'a, str>,
    /// Why it fired, severity, path, thresholds, exception, baseline, fingerprint.
    pub facts: Vec<(Cow<'a, str>, Vec<Inline<'a>>)>,
    pub evidence: Option<Table<'a>>,
}

/// The findings of one rule shown as one entry: a widespread rule, or a
/// rule's findings past the first ones shown in full.
pub struct GroupEntry<'a> {
    pub first: usize,
    pub last: usize,
    pub severity: Severity,
    pub rule: &'a str,
    pub title: Cow<'a, str>,
    /// "N components".
    pub count: Cow<'a, str>,
    /// Why the findings are grouped.
    pub note: Cow<'a, str>,
    /// Counts of the findings by status.
    pub status: Vec<Status<'a>>,
    /// The first message, as the example.
    pub example: Cow<'a, str>,
    /// The rule's summary (chainrisk's text with code spans).
    pub summary: Cow<'a, str>,
    /// Finding numbers and component names; the rest counted in `more`.
    pub names: Vec<(usize, Cow<'a, str>)>,
    pub more: Option<Cow<'a, str>>,
}

/// One fact on the cover. A wide fact spans the cover in HTML, after the
/// grid of the others.
pub struct Fact<'a> {
    pub key: Cow<'a, str>,
    pub value: Vec<Inline<'a>>,
    pub wide: bool,
}

pub enum Block<'a> {
    /// A numbered section with its anchor, title and content.
    Section {
        anchor: &'static str,
        title: Cow<'a, str>,
        body: Vec<Block<'a>>,
    },
    /// The table of contents: its title, and the sections' anchors and titles.
    Contents {
        title: Cow<'a, str>,
        entries: Vec<(&'static str, Cow<'a, str>)>,
    },
    /// A sub-heading within a section.
    Heading(Vec<Inline<'a>>),
    /// A paragraph; a note is styled as one in HTML.
    Paragraph {
        note: bool,
        content: Vec<Inline<'a>>,
    },
    Table(Table<'a>),
    KeyValue(KeyValue<'a>),
    /// Side by side in HTML; one after the other in Markdown.
    Columns(Vec<Vec<Block<'a>>>),
    /// A bullet list; each item may carry an anchor. `class` is HTML's.
    List {
        class: &'static str,
        items: Vec<(Option<String>, Vec<Inline<'a>>)>,
    },
    /// Headline counts: stat boxes in HTML, a one-row table under a
    /// heading in Markdown.
    Stats {
        title: Cow<'a, str>,
        items: Vec<(Cow<'a, str>, usize)>,
    },
    /// Bar charts, drawn in HTML only; the tables beside them hold the numbers.
    Charts(Vec<Chart<'a>>),
    /// The findings, most severe first: an overview row per finding (or per
    /// group of findings) and its details. Markdown writes a table per
    /// severity followed by the details; HTML one table with a detail row
    /// under each finding.
    Findings(Vec<FindingGroup<'a>>),
    /// Content a reader can fold away; open by default in HTML, so it prints.
    Details {
        summary: Cow<'a, str>,
        body: Vec<Block<'a>>,
    },
    /// The report's cover: its kind, the subject (input text), and the
    /// facts of the report.
    Cover {
        title: Cow<'a, str>,
        subject: Cow<'a, str>,
        facts: Vec<Fact<'a>>,
    },
}

/// Text read from an input.
pub fn text<'a>(s: impl Into<Cow<'a, str>>) -> Inline<'a> {
    Inline::Text(s.into())
}

/// chainrisk's own text.
pub fn label<'a>(s: impl Into<Cow<'a, str>>) -> Inline<'a> {
    Inline::Label(s.into())
}

/// A number, as chainrisk writes it.
pub fn num<'a>(n: usize) -> Inline<'a> {
    Inline::Label(Cow::Owned(n.to_string()))
}

/// Input text, or the "not given" placeholder where it is absent or empty.
pub fn given(v: Option<&str>) -> Inline<'_> {
    match v {
        Some(s) if !s.is_empty() => Inline::Text(Cow::Borrowed(s)),
        _ => Inline::NotGiven,
    }
}

/// Input text set as code in HTML.
pub fn code<'a>(class: Option<&'static str>, s: impl Into<Cow<'a, str>>) -> Inline<'a> {
    Inline::Code(class, vec![Inline::Text(s.into())])
}

impl<'a> Cell<'a> {
    pub fn new(content: Vec<Inline<'a>>) -> Cell<'a> {
        Cell {
            class: None,
            head: false,
            content,
        }
    }

    /// A cell that names its row.
    pub fn head(content: Vec<Inline<'a>>) -> Cell<'a> {
        Cell {
            class: None,
            head: true,
            content,
        }
    }

    pub fn with_class(class: &'static str, content: Vec<Inline<'a>>) -> Cell<'a> {
        Cell {
            class: Some(class),
            head: false,
            content,
        }
    }

    pub fn one(content: Inline<'a>) -> Cell<'a> {
        Cell::new(vec![content])
    }

    /// A number, right-aligned in HTML.
    pub fn num(n: usize) -> Cell<'a> {
        Cell::with_class("num", vec![num(n)])
    }

    /// A count, right-aligned in HTML and dimmed when zero.
    pub fn count(n: usize) -> Cell<'a> {
        Cell::with_class(if n == 0 { "num zero" } else { "num" }, vec![num(n)])
    }
}

impl<'a> Head<'a> {
    pub fn new(s: impl Into<Cow<'a, str>>) -> Head<'a> {
        Head {
            class: None,
            content: vec![label(s)],
        }
    }

    pub fn num(s: impl Into<Cow<'a, str>>) -> Head<'a> {
        Head {
            class: Some("num"),
            content: vec![label(s)],
        }
    }
}

impl<'a> Block<'a> {
    pub fn heading(s: impl Into<Cow<'a, str>>) -> Block<'a> {
        Block::Heading(vec![label(s)])
    }

    pub fn paragraph(content: Vec<Inline<'a>>) -> Block<'a> {
        Block::Paragraph {
            note: false,
            content,
        }
    }

    pub fn note(s: impl Into<Cow<'a, str>>) -> Block<'a> {
        Block::Paragraph {
            note: true,
            content: vec![label(s)],
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::report::html::esc;
    use crate::report::markdown::cell;

    /// Input text as each writer escapes it: no markup survives, a line
    /// break cannot end a table row, and controls and bidirectional
    /// overrides (once dropped or passed) show as visible escapes.
    #[test]
    fn input_text_carries_no_markup_in_either_format() {
        // (input, Markdown, HTML)
        let cases = [
            ("a|b", "a\\|b", "a|b"),
            (
                "<script>alert(1)</script>",
                "&lt;script&gt;alert(1)&lt;/script&gt;",
                "&lt;script&gt;alert(1)&lt;/script&gt;",
            ),
            (
                "\"><img src=x onerror=alert(1)>",
                "\"&gt;&lt;img src=x onerror=alert(1)&gt;",
                "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
            ),
            (
                "' onmouseover='x",
                "' onmouseover='x",
                "&#39; onmouseover=&#39;x",
            ),
            ("a & b", "a &amp; b", "a &amp; b"),
            ("&lt;", "&amp;lt;", "&amp;lt;"),
            ("my_crate", "my\\_crate", "my_crate"),
            (
                "`code` [l](u) *b*",
                "\\`code\\` \\[l\\](u) \\*b\\*",
                "`code` [l](u) *b*",
            ),
            (
                "x\ny\r\nz",
                "x\\\\u{a}y\\\\u{d}\\\\u{a}z",
                "x\\u{a}y\\u{d}\\u{a}z",
            ),
            (
                "nul\u{0}bell\u{7}",
                "nul\\\\u{0}bell\\\\u{7}",
                "nul\\u{0}bell\\u{7}",
            ),
            (
                "a\u{1b}[2Jb\u{9b}c\u{202e}d\u{7}",
                "a\\\\u{1b}\\[2Jb\\\\u{9b}c\\\\u{202e}d\\\\u{7}",
                "a\\u{1b}[2Jb\\u{9b}c\\u{202e}d\\u{7}",
            ),
            (
                "\u{2066}x\u{2069}",
                "\\\\u{2066}x\\\\u{2069}",
                "\\u{2066}x\\u{2069}",
            ),
            ("<\u{2066}>", "&lt;\\\\u{2066}&gt;", "&lt;\\u{2066}&gt;"),
            ("中文名称", "中文名称", "中文名称"),
        ];
        for (input, markdown, html) in cases {
            assert_eq!(cell(input), markdown, "Markdown of {input:?}");
            assert_eq!(esc(input), html, "HTML of {input:?}");
        }
    }
}
