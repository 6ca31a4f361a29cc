//! A finding's message as a template with named parameters, in the two
//! report languages. A rule defines its templates once, next to its check,
//! in English and Simplified Chinese; the English text goes into every
//! machine report (JSON, SARIF, CSV stay English and stable) and the
//! Markdown and HTML reports render the language they are asked for.

use std::fmt::Write as _;

/// The languages of the human reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lang {
    En,
    ZhCn,
}

impl Lang {
    /// `en` or `zh-CN` (case and `_`/`-` do not matter; `zh` alone is Simplified Chinese).
    pub fn parse(s: &str) -> Option<Lang> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "en" | "en-us" | "en-gb" => Some(Lang::En),
            "zh-cn" | "zh" | "zh-hans" | "zh-hans-cn" => Some(Lang::ZhCn),
            _ => None,
        }
    }

    /// The BCP 47 tag, for `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }
}

/// A text in both languages. Parameters are written `{name}`; both texts
/// must name the same ones, which [`Template::new`] checks when the
/// constant is compiled (a missing translation does not build).
#[derive(Debug, PartialEq, Eq)]
pub struct Template {
    pub en: &'static str,
    pub zh: &'static str,
}

impl Template {
    pub const fn new(en: &'static str, zh: &'static str) -> Template {
        assert!(
            !en.is_empty() && !zh.is_empty(),
            "a message has a text in both languages"
        );
        assert!(
            placeholders_covered(en, zh) && placeholders_covered(zh, en),
            "both texts of a message name the same parameters"
        );
        Template { en, zh }
    }

    fn text(&self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.en,
            Lang::ZhCn => self.zh,
        }
    }
}

/// A parameter's value.
#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    /// Data shown as read: names, versions, paths, numbers.
    Text(String),
    /// A phrase of its own, rendered in the message's language.
    Phrase(Message),
    /// Phrases joined with a separator of the message's language.
    List(Vec<Message>, Sep),
}

/// How the phrases of a list are joined.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sep {
    /// `; ` / `；`
    Semicolon,
    /// `, ` / `、`
    Comma,
    /// ` and ` / `和`
    And,
}

impl Sep {
    fn text(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Sep::Semicolon, Lang::En) => "; ",
            (Sep::Semicolon, Lang::ZhCn) => "；",
            (Sep::Comma, Lang::En) => ", ",
            (Sep::Comma, Lang::ZhCn) => "、",
            (Sep::And, Lang::En) => " and ",
            (Sep::And, Lang::ZhCn) => " 和 ",
        }
    }
}

/// A template with its parameters' values.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    pub template: &'static Template,
    pub args: Vec<(&'static str, Arg)>,
}

impl Message {
    pub fn new(template: &'static Template) -> Message {
        Message {
            template,
            args: Vec::new(),
        }
    }

    /// Data shown as read where a phrase could stand.
    pub fn data(value: impl Into<String>) -> Message {
        static DATA: Template = Template::new("{data}", "{data}");
        Message::new(&DATA).arg("data", value)
    }

    /// Sets `{name}` to data shown as read.
    pub fn arg(mut self, name: &'static str, value: impl Into<String>) -> Message {
        self.args.push((name, Arg::Text(value.into())));
        self
    }

    /// Sets `{name}` to a phrase rendered in the message's language.
    pub fn phrase(mut self, name: &'static str, value: Message) -> Message {
        self.args.push((name, Arg::Phrase(value)));
        self
    }

    /// Sets `{name}` to a list of phrases.
    pub fn list(mut self, name: &'static str, values: Vec<Message>, sep: Sep) -> Message {
        self.args.push((name, Arg::List(values, sep)));
        self
    }

    pub fn render(&self, lang: Lang) -> String {
        let mut out = String::new();
        self.render_into(lang, &mut out);
        out
    }

    fn render_into(&self, lang: Lang, out: &mut String) {
        let mut rest = self.template.text(lang);
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                out.push_str(&rest[open..]);
                return;
            };
            let name = &after[..close];
            match self.args.iter().find(|(n, _)| *n == name) {
                Some((_, arg)) => arg.render_into(lang, out),
                // A parameter the rule did not set stays visible, never blank.
                None => {
                    let _ = write!(out, "{{{name}}}");
                }
            }
            rest = &after[close + 1..];
        }
        out.push_str(rest);
    }
}

/// The English text, as the machine reports write it.
impl std::fmt::Display for Message {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render(Lang::En))
    }
}

impl Arg {
    fn render_into(&self, lang: Lang, out: &mut String) {
        match self {
            Arg::Text(s) => out.push_str(s),
            Arg::Phrase(m) => m.render_into(lang, out),
            Arg::List(ms, sep) => {
                for (i, m) in ms.iter().enumerate() {
                    if i > 0 {
                        out.push_str(sep.text(lang));
                    }
                    m.render_into(lang, out);
                }
            }
        }
    }
}

/// Whether every `{name}` of `a` also appears in `b` (const: templates are
/// checked as they compile).
const fn placeholders_covered(a: &str, b: &str) -> bool {
    let a = a.as_bytes();
    let mut i = 0;
    while i < a.len() {
        if a[i] == b'{' {
            let mut j = i + 1;
            while j < a.len() && a[j] != b'}' {
                j += 1;
            }
            if j == a.len() || !contains(b.as_bytes(), a, i, j + 1) {
                return false;
            }
            i = j;
        }
        i += 1;
    }
    true
}

/// Whether `hay` contains `needle[from..to]`.
const fn contains(hay: &[u8], needle: &[u8], from: usize, to: usize) -> bool {
    let n = to - from;
    if n > hay.len() {
        return false;
    }
    let mut start = 0;
    while start + n <= hay.len() {
        let mut k = 0;
        while k < n && hay[start + k] == needle[from + k] {
            k += 1;
        }
        if k == n {
            return true;
        }
        start += 1;
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    static SHORT: Template = Template::new("{who} lacks {what}", "{who} 缺少{what}");
    static WORD: Template = Template::new("a hash", "哈希值");
    static LIST: Template = Template::new("{path}: {problems}", "{path}：{problems}");

    #[test]
    fn parameters_are_filled_in_each_language() {
        let m = Message::new(&SHORT)
            .arg("who", "left-pad@1.3.0")
            .phrase("what", Message::new(&WORD));
        assert_eq!(m.render(Lang::En), "left-pad@1.3.0 lacks a hash");
        assert_eq!(m.render(Lang::ZhCn), "left-pad@1.3.0 缺少哈希值");
    }

    #[test]
    fn phrase_lists_take_each_languages_separator() {
        let m = Message::new(&LIST).arg("path", "a.json").list(
            "problems",
            vec![Message::new(&WORD), Message::new(&WORD)],
            Sep::Semicolon,
        );
        assert_eq!(m.render(Lang::En), "a.json: a hash; a hash");
        assert_eq!(m.render(Lang::ZhCn), "a.json：哈希值；哈希值");
    }

    #[test]
    fn an_unset_parameter_stays_visible() {
        assert_eq!(Message::new(&SHORT).render(Lang::En), "{who} lacks {what}");
    }

    #[test]
    fn placeholder_sets_are_compared_both_ways() {
        assert!(placeholders_covered("{a} and {b}", "{b}{a}"));
        assert!(!placeholders_covered("{a} and {b}", "{a}"));
        assert!(!placeholders_covered("{a", "{a}"));
        assert!(placeholders_covered("no parameters", "没有参数"));
    }
}
