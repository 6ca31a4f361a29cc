//! The stages only look down: a test that reads every file under
//! `src/<stage>/` and refuses a path into a stage the table below does not
//! allow — `crate::stage`, `use crate::{stage, …}` groups, `super::` chains
//! that climb out of the stage, and crate-root re-exports of a stage's items.
//! The compiler cannot say this, so the test does, on the source text.

use std::path::{Path, PathBuf};

/// Each stage and the other stages it may import, in pipeline order.
const ALLOWED: &[(&str, &[&str])] = &[
    ("model", &[]),
    ("ingest", &["model"]),
    ("resolve", &["model"]),
    ("advisory", &["model"]),
    ("lifecycle", &["model"]),
    ("rules", &["model", "advisory", "lifecycle"]),
    ("policy", &["model", "rules"]),
    ("report", &["model", "rules"]),
    (
        "cli",
        &[
            "model",
            "ingest",
            "resolve",
            "advisory",
            "lifecycle",
            "rules",
            "policy",
            "report",
        ],
    ),
];

/// One import a stage may not make.
#[derive(Debug, PartialEq)]
struct Violation {
    line: usize,
    target: String,
    path: String,
}

#[test]
fn stages_import_only_the_stages_below_them() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let root_items = crate_root_reexports(&std::fs::read_to_string(src.join("lib.rs")).unwrap());
    let mut problems = Vec::new();
    let mut stages: Vec<String> = std::fs::read_dir(&src)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    stages.sort();
    for stage in &stages {
        let Some((_, allowed)) = ALLOWED.iter().find(|(s, _)| s == stage) else {
            problems.push(format!(
                "src/{stage}/ is a stage the table in src/architecture.rs does not list"
            ));
            continue;
        };
        let mut files = Vec::new();
        rust_files(&src.join(stage), &mut files);
        assert!(!files.is_empty(), "no Rust files under src/{stage}/");
        for file in files {
            let rel = file.strip_prefix(&src).unwrap();
            let text = std::fs::read_to_string(&file).unwrap();
            for v in violations(stage, allowed, module_depth(rel), &text, &root_items) {
                problems.push(format!(
                    "src/{}:{}: {stage} imports {} through `{}` ({stage} may import {})",
                    rel.display(),
                    v.line,
                    v.target,
                    v.path,
                    if allowed.is_empty() {
                        "no other stage".to_string()
                    } else {
                        allowed.join(", ")
                    }
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "imports against the stage order:\n{}",
        problems.join("\n")
    );
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// How many modules deep the file's top level is below the crate root:
/// `rules/mod.rs` is 1 (`crate::rules`), `rules/fan_in.rs` is 2.
fn module_depth(rel: &Path) -> usize {
    let parts = rel.components().count();
    if rel.file_name().is_some_and(|n| n == "mod.rs") {
        parts - 1
    } else {
        parts
    }
}

/// Names the crate root re-exports, with the stage they come from
/// (`pub use report::Assessment;` makes `crate::Assessment` a path into report).
fn crate_root_reexports(lib: &str) -> Vec<(String, String)> {
    let tokens = tokens(&blank_comments_and_literals(lib));
    let mut out = Vec::new();
    for (i, w) in tokens.windows(2).enumerate() {
        if w[0].text != "use" || i > 0 && tokens[i - 1].text == "::" {
            continue;
        }
        let stage = &w[1].text;
        let end = tokens[i..]
            .iter()
            .position(|t| t.text == ";")
            .map_or(tokens.len(), |e| i + e);
        // The last name of the path, or of each entry of a trailing group.
        for (j, t) in tokens[i..end].iter().enumerate() {
            let next = tokens.get(i + j + 1).map(|t| t.text.as_str());
            if t.is_ident() && matches!(next, Some(";" | "," | "}")) {
                out.push((t.text.clone(), stage.clone()));
            }
        }
    }
    out
}

#[derive(Debug)]
struct Token {
    text: String,
    line: usize,
}

impl Token {
    fn is_ident(&self) -> bool {
        self.text
            .starts_with(|c: char| c.is_alphabetic() || c == '_' || c == '$')
    }
}

/// The places in one file of `stage` that name a stage outside `allowed`.
/// `depth` is the module depth of the file's top level (see [`module_depth`]).
fn violations(
    stage: &str,
    allowed: &[&str],
    depth: usize,
    text: &str,
    root_items: &[(String, String)],
) -> Vec<Violation> {
    let tokens = tokens(&blank_comments_and_literals(text));
    let mut out = Vec::new();
    // Brace depths at which an inline `mod name {` opened: each adds a level.
    let mut inline_mods: Vec<usize> = Vec::new();
    let mut braces = 0usize;
    let mut i = 0;
    while i < tokens.len() {
        let t = &tokens[i].text;
        match t.as_str() {
            "{" => {
                let opens_mod = i >= 2 && tokens[i - 2].text == "mod" && tokens[i - 1].is_ident();
                braces += 1;
                if opens_mod {
                    inline_mods.push(braces);
                }
            }
            "}" => {
                if inline_mods.last() == Some(&braces) {
                    inline_mods.pop();
                }
                braces = braces.saturating_sub(1);
            }
            _ => {}
        }
        let starts_path = i == 0 || tokens[i - 1].text != "::";
        if !starts_path || !matches!(t.as_str(), "crate" | "$crate" | "super") {
            i += 1;
            continue;
        }
        // Walk `crate::` or `super::super::…` to the first name below the root.
        let mut j = i;
        let at_root = if t == "super" {
            let here = depth + inline_mods.len();
            let mut climbed = 0;
            while tokens.get(j).is_some_and(|t| t.text == "super")
                && tokens.get(j + 1).is_some_and(|t| t.text == "::")
            {
                climbed += 1;
                j += 2;
            }
            climbed >= here
        } else {
            j += 2;
            tokens.get(i + 1).is_some_and(|t| t.text == "::")
        };
        if !at_root {
            i = j.max(i + 1);
            continue;
        }
        let path: String = tokens[i..j].iter().map(|t| t.text.as_str()).collect();
        for (name, line) in root_names(&tokens, j) {
            let target = if ALLOWED.iter().any(|(s, _)| *s == name) {
                name.clone()
            } else if let Some((_, s)) = root_items.iter().find(|(n, _)| *n == name) {
                s.clone()
            } else {
                continue;
            };
            if target != stage && !allowed.contains(&target.as_str()) {
                out.push(Violation {
                    line,
                    target,
                    path: format!("{path}{name}"),
                });
            }
        }
        i = j.max(i + 1);
    }
    out
}

/// The names a path continues with just below the crate root, starting at
/// token `at`: one name, or the first name of each entry of a `{…}` group.
fn root_names(tokens: &[Token], at: usize) -> Vec<(String, usize)> {
    let Some(first) = tokens.get(at) else {
        return Vec::new();
    };
    if first.text != "{" {
        return vec![(first.text.clone(), first.line)];
    }
    let mut names = Vec::new();
    let mut nesting = 0;
    let mut entry_start = true;
    for t in &tokens[at..] {
        match t.text.as_str() {
            "{" => {
                nesting += 1;
                if nesting == 1 {
                    entry_start = true;
                    continue;
                }
            }
            "}" => {
                nesting -= 1;
                if nesting == 0 {
                    break;
                }
            }
            "," if nesting == 1 => {
                entry_start = true;
                continue;
            }
            _ if nesting == 1 && entry_start && t.is_ident() => {
                names.push((t.text.clone(), t.line));
            }
            _ => {}
        }
        entry_start = false;
    }
    names
}

/// Identifiers, `::` and single punctuation characters, with their lines.
fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    let mut line = 1;
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c.is_alphanumeric() || c == '_' || c == '$' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '$')
            {
                i += 1;
            }
            out.push(Token {
                text: chars[start..i].iter().collect(),
                line,
            });
        } else if c == ':' && chars.get(i + 1) == Some(&':') {
            out.push(Token {
                text: "::".into(),
                line,
            });
            i += 2;
        } else {
            out.push(Token {
                text: c.to_string(),
                line,
            });
            i += 1;
        }
    }
    out
}

/// `text` with comments and the contents of string and character literals
/// replaced by spaces (newlines kept, so lines still count), so that a path
/// written in a doc comment or a test's input is not read as an import.
fn blank_comments_and_literals(text: &str) -> String {
    let c: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let blank = |out: &mut String, ch: char| out.push(if ch == '\n' { '\n' } else { ' ' });
    let mut i = 0;
    while i < c.len() {
        let next = c.get(i + 1).copied();
        if c[i] == '/' && next == Some('/') {
            while i < c.len() && c[i] != '\n' {
                blank(&mut out, c[i]);
                i += 1;
            }
        } else if c[i] == '/' && next == Some('*') {
            let mut nesting = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    nesting += 1;
                    out.push_str("  ");
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    nesting -= 1;
                    out.push_str("  ");
                    i += 2;
                    if nesting == 0 {
                        break;
                    }
                } else {
                    blank(&mut out, c[i]);
                    i += 1;
                }
            }
        } else if let Some(hashes) = raw_string_start(&c, i) {
            // r"…", r#"…"#, br"…": no escapes; ends at a quote and as many hashes.
            let open = i + c[i..].iter().position(|&ch| ch == '"').unwrap_or(0);
            for &ch in &c[i..=open] {
                blank(&mut out, ch);
            }
            i = open + 1;
            while i < c.len() {
                let closes = c[i] == '"' && (0..hashes).all(|k| c.get(i + 1 + k) == Some(&'#'));
                if closes {
                    for _ in 0..=hashes {
                        out.push(' ');
                    }
                    i += 1 + hashes;
                    break;
                }
                blank(&mut out, c[i]);
                i += 1;
            }
        } else if c[i] == '"' || (c[i] == '\'' && is_char_literal(&c, i)) {
            i = blank_quoted(&c, i, &mut out);
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

/// Blanks the string or character literal whose opening quote is at `i`
/// (escapes included) and returns the index after its closing quote.
fn blank_quoted(c: &[char], mut i: usize, out: &mut String) -> usize {
    let quote = c[i];
    out.push(' ');
    i += 1;
    while i < c.len() && c[i] != quote {
        if c[i] == '\\' {
            out.push(' ');
            i += 1;
        }
        if i < c.len() {
            out.push(if c[i] == '\n' { '\n' } else { ' ' });
            i += 1;
        }
    }
    out.push(' ');
    i + 1
}

/// The number of `#` of a raw string starting at `i` (`r"`, `r#"`, `br"`),
/// if one starts there and is not the end of a longer identifier.
fn raw_string_start(c: &[char], i: usize) -> Option<usize> {
    if i > 0 && (c[i - 1].is_alphanumeric() || c[i - 1] == '_') {
        return None;
    }
    let mut j = i;
    if c.get(j) == Some(&'b') {
        j += 1;
    }
    if c.get(j) != Some(&'r') {
        return None;
    }
    j += 1;
    let mut hashes = 0;
    while c.get(j) == Some(&'#') {
        hashes += 1;
        j += 1;
    }
    (c.get(j) == Some(&'"')).then_some(hashes)
}

/// A quote at `i` opens a character literal (`'a'`, `'\n'`, `'\u{1F}'`)
/// rather than a lifetime or label (`'a`, `'static`).
fn is_char_literal(c: &[char], i: usize) -> bool {
    match c.get(i + 1) {
        Some('\\') => true,
        Some(_) => c.get(i + 2) == Some(&'\''),
        None => false,
    }
}

#[cfg(test)]
mod scanner {
    use super::*;

    fn found(stage: &str, depth: usize, text: &str) -> Vec<(usize, String, String)> {
        let allowed = ALLOWED.iter().find(|(s, _)| *s == stage).unwrap().1;
        let roots = crate_root_reexports("pub mod report;\npub use report::Assessment;\n");
        violations(stage, allowed, depth, text, &roots)
            .into_iter()
            .map(|v| (v.line, v.target, v.path))
            .collect()
    }

    #[test]
    fn every_way_of_naming_a_stage_is_read() {
        let text = "use crate::report::Tool;\n\
                    use crate::{model::Hash, ingest::hex};\n\
                    fn f() { crate::resolve::go(); }\n\
                    use crate::{\n  model::{A, B},\n  rules::X,\n};\n\
                    use crate::Assessment;\n";
        assert_eq!(
            found("model", 2, text),
            vec![
                (1, "report".into(), "crate::report".into()),
                (2, "ingest".into(), "crate::ingest".into()),
                (3, "resolve".into(), "crate::resolve".into()),
                (6, "rules".into(), "crate::rules".into()),
                (8, "report".into(), "crate::Assessment".into()),
            ]
        );
    }

    #[test]
    fn super_chains_count_files_and_inline_modules() {
        // From rules/fan_in.rs (depth 2), a test module adds a level: two
        // supers stay in rules, three reach the root.
        let text = "mod tests {\n\
                    use super::super::Thresholds;\n\
                    use super::super::super::report::X;\n\
                    }\n\
                    use super::super::policy::Y;\n";
        assert_eq!(
            found("rules", 2, text),
            vec![
                (3, "report".into(), "super::super::super::report".into()),
                (5, "policy".into(), "super::super::policy".into()),
            ]
        );
        // From a stage's mod.rs one super is the root.
        assert_eq!(
            found("policy", 1, "use super::{rules::T, ingest::hex};"),
            vec![(1, "ingest".into(), "super::ingest".into())]
        );
    }

    #[test]
    fn comments_and_literals_are_not_imports() {
        let text = "// crate::report::x\n\
                    /* crate::ingest /* nested */ crate::cli */\n\
                    const A: &str = \"crate::report\";\n\
                    const B: &str = r#\"crate::\"report\"#;\n\
                    const C: char = '\"'; fn f<'a>(x: &'a str) {}\n\
                    use crate::cli::run;\n";
        assert_eq!(
            found("ingest", 2, text),
            vec![(6, "cli".into(), "crate::cli".into())]
        );
    }

    #[test]
    fn allowed_and_own_stage_imports_pass() {
        let text = "use crate::model::X;\nuse crate::advisory::Kind;\nuse crate::rules::config;";
        assert!(found("rules", 2, text).is_empty());
    }
}
