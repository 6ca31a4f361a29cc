//! pip's requirements format (`requirements.txt`, `pip freeze`, `pip-compile`,
//! `uv pip compile`): one component per requirement line. Pinned lines
//! (`==`, `===`) give the version; ranges and bare names keep the specifier as
//! the constraint; URL, path and VCS lines give the source. `-r` includes are
//! read relative to the including file, and only when they are regular files
//! inside the input's directory tree or an `--include-root` (see
//! [`include`]); `-c` constraint files pin the requirements they name. A
//! line that is no requirement is reported by its position, never its text. Index and other options are ignored, and their
//! values (registry hosts) are never kept. The format has no dependency graph.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use super::{
    Dist, add_prefixed_hash, build_code_of, dist_kind, dist_name_version, file_name_of, pep503,
    percent_decode, pypi,
};
use crate::ingest::include;
use crate::ingest::source::{classify_location, is_commit_id, is_vcs_url};
use crate::ingest::{Input, ParsedDoc};
use crate::model::InputError;
use crate::model::{BuildCode, Component, Ecosystem, Format, SourceKind};

/// Deepest chain of `-r` / `-c` includes followed.
const MAX_INCLUDE_DEPTH: usize = 16;

/// Options that take no part in what is installed, or that only say where
/// from (index URLs, find-links, trusted hosts): skipped with their values.
const IGNORED_OPTIONS: &[&str] = &[
    "-i",
    "--index-url",
    "--extra-index-url",
    "--no-index",
    "-f",
    "--find-links",
    "--trusted-host",
    "--pre",
    "--prefer-binary",
    "--require-hashes",
    "--only-binary",
    "--no-binary",
    "--use-feature",
    "-Z",
    "--always-unzip",
    "--process-dependency-links",
    "--global-option",
    "--install-option",
    "--config-settings",
    "-C",
    "--no-build-isolation",
];

/// Options that include other files or name an editable install.
const INCLUDE_OPTIONS: &[&str] = &[
    "-r",
    "--requirement",
    "-c",
    "--constraint",
    "-e",
    "--editable",
];

/// Whether pip reads `option` at the start of a requirements line.
pub fn is_pip_option(option: &str) -> bool {
    INCLUDE_OPTIONS.contains(&option) || IGNORED_OPTIONS.contains(&option)
}

pub fn parse(input: &Input) -> Result<ParsedDoc, InputError> {
    let mut doc = ParsedDoc::new(Format::Requirements);
    let text = String::from_utf8_lossy(input.bytes);
    let mut reader = Reader {
        doc: &mut doc,
        constraints: HashMap::new(),
        visited: HashSet::new(),
        top: input.path.parent().map(Path::to_path_buf),
        roots: include::roots(input.path, input.options),
    };
    if !input.path.as_os_str().is_empty() {
        reader.visited.insert(canonical(input.path));
    }
    let base = input.path.parent().map(Path::to_path_buf);
    reader.read(&text, base.as_deref(), None, 0, false);
    let constraints = std::mem::take(&mut reader.constraints);
    apply_constraints(&mut doc, &constraints);
    mark_direct(&mut doc, &text);
    if is_development_file(input.path) {
        for c in &mut doc.components {
            c.scope = crate::model::Scope::Dev;
        }
    }
    Ok(doc)
}

/// A requirements file for development or tests by its conventional name
/// (`requirements-dev.txt`, `dev-requirements.txt`, `requirements_test.txt`,
/// `test-requirements.txt`): what it lists is not shipped.
fn is_development_file(path: &Path) -> bool {
    let Some(name) = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
    else {
        return false;
    };
    let stem = name.trim_end_matches(".txt").trim_end_matches(".in");
    stem.split(['-', '_', '.']).any(|w| {
        matches!(
            w,
            "dev" | "develop" | "development" | "test" | "tests" | "testing" | "lint" | "docs"
        )
    })
}

/// Directness. A requirements file lists what the project asks for, so its
/// entries are direct — unless a resolver wrote it and says why each entry
/// is there: `pip-compile` and `uv pip compile` annotate each pin with
/// `# via -r requirements.in` (asked for) or `# via <package>` (pulled in).
/// In an annotated file an entry with a `-r` reason is direct, one with
/// package reasons only is transitive. Constraint-only entries stay unknown.
fn mark_direct(doc: &mut ParsedDoc, text: &str) {
    let via = via_annotations(text);
    for c in &mut doc.components {
        let line = c
            .locations
            .first()
            .and_then(|l| l.pointer.strip_prefix("line "))
            .and_then(|n| n.parse::<usize>().ok());
        c.direct = match line.and_then(|n| via.get(&n)) {
            Some(reasons) => Some(reasons.iter().any(|r| is_asked_for(r))),
            None => Some(true),
        };
    }
}

/// A `# via` reason that is the project's own request: an input file
/// (`-r requirements.in`) or the project named with its manifest
/// (`demo (pyproject.toml)`, `demo (pyproject.toml:dev)`, `demo (setup.py)`).
fn is_asked_for(reason: &str) -> bool {
    reason.starts_with("-r")
        || reason
            .split_once(" (")
            .is_some_and(|(_, file)| file.ends_with(')') && file.contains('.'))
}

/// `# via` reasons by the line of the requirement they annotate, from the
/// main file: inline (`pkg==1  # via x`, older pip-compile) or on the
/// comment lines that follow (`    # via` then `    #   x`).
fn via_annotations(text: &str) -> HashMap<usize, Vec<String>> {
    let mut out: HashMap<usize, Vec<String>> = HashMap::new();
    let mut current: Option<usize> = None;
    let mut in_via = false;
    for (n, line) in logical_lines(text) {
        let t = line.trim();
        if let Some(body) = t.strip_prefix('#') {
            let body = body.trim();
            if let Some(rest) = body.strip_prefix("via") {
                in_via = rest.is_empty() || rest.starts_with(' ');
                if in_via && !rest.trim().is_empty() {
                    add_reasons(&mut out, current, rest);
                }
            } else if in_via && line.starts_with(char::is_whitespace) && !body.is_empty() {
                add_reasons(&mut out, current, body);
            } else {
                in_via = false;
            }
            continue;
        }
        in_via = false;
        if t.is_empty() {
            continue;
        }
        current = (!t.starts_with('-') || t.starts_with("-e") || t.starts_with("--editable"))
            .then_some(n);
        if let Some((_, rest)) = line.split_once("# via") {
            in_via = true;
            if !rest.trim().is_empty() {
                add_reasons(&mut out, current, rest);
            }
        }
    }
    out
}

fn add_reasons(out: &mut HashMap<usize, Vec<String>>, line: Option<usize>, reasons: &str) {
    let Some(line) = line else {
        return;
    };
    // Older pip-compile writes several on one line: `# via a, b`.
    let entry = out.entry(line).or_default();
    for r in reasons.split(',').map(str::trim).filter(|r| !r.is_empty()) {
        entry.push(r.to_string());
    }
}

fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
}

/// A version pinned by a constraints file, with the hashes given for it.
struct Pin {
    version: String,
    hashes: Vec<String>,
}

struct Reader<'a> {
    doc: &'a mut ParsedDoc,
    /// PEP 503 name → pin, from `-c` files.
    constraints: HashMap<String, Pin>,
    /// Files already read (canonical paths), against include cycles.
    visited: HashSet<PathBuf>,
    /// The main file's directory, to name included files relative to it.
    top: Option<PathBuf>,
    /// Where included files may be read from.
    roots: Vec<PathBuf>,
}

impl Reader<'_> {
    /// Reads one file's text. `base` is its directory (for includes), `label`
    /// its name in pointers (`None` for the input itself).
    fn read(
        &mut self,
        text: &str,
        base: Option<&Path>,
        label: Option<&str>,
        depth: usize,
        as_constraints: bool,
    ) {
        for (n, line) in logical_lines(text) {
            let line = strip_comment(&line).trim();
            if line.is_empty() {
                continue;
            }
            let pointer = match label {
                Some(l) => format!("{l}, line {n}"),
                None => format!("line {n}"),
            };
            if line.starts_with('-') {
                let (opt, value) = split_option(line);
                match opt {
                    "-r" | "--requirement" => {
                        self.include(value, base, &pointer, depth, as_constraints)
                    }
                    "-c" | "--constraint" => self.include(value, base, &pointer, depth, true),
                    "-e" | "--editable" => match value {
                        Some(v) => self.requirement(v, pointer, true, as_constraints),
                        None => self
                            .doc
                            .warnings
                            .push(format!("{pointer}: {opt} without a requirement; ignored")),
                    },
                    o if IGNORED_OPTIONS.contains(&o) => {}
                    o => self.doc.warnings.push(format!(
                        "{pointer}: unknown option {}ignored",
                        option_name(o)
                    )),
                }
                continue;
            }
            self.requirement(line, pointer, false, as_constraints);
        }
    }

    fn include(
        &mut self,
        arg: Option<&str>,
        base: Option<&Path>,
        pointer: &str,
        depth: usize,
        as_constraints: bool,
    ) {
        let what = if as_constraints {
            "constraints"
        } else {
            "requirements"
        };
        let w = &mut self.doc.warnings;
        let Some(arg) = arg else {
            w.push(format!("{pointer}: include without a file name; ignored"));
            return;
        };
        if arg.contains("://") {
            w.push(format!(
                "{pointer}: an include names a URL, which is not fetched: its {what} are not listed"
            ));
            return;
        }
        let Some(base) = base else {
            w.push(format!(
                "{pointer}: {} cannot be resolved (the input has no file name): its {what} are not listed",
                shown(arg)
            ));
            return;
        };
        if depth >= MAX_INCLUDE_DEPTH {
            w.push(format!(
                "{pointer}: {} is nested more than {MAX_INCLUDE_DEPTH} includes deep; not read",
                shown(arg)
            ));
            return;
        }
        let path = base.join(arg);
        if !self.visited.insert(canonical(&path)) {
            w.push(format!(
                "{pointer}: {} is already read (an include cycle or a repeated include); not read again",
                shown(arg)
            ));
            return;
        }
        let bytes = match include::read(&path, &self.roots) {
            Ok(b) => b,
            Err(e) => {
                w.push(format!(
                    "{pointer}: {} could not be read ({e}): its {what} are not listed",
                    shown(arg)
                ));
                return;
            }
        };
        let label = match &self.top {
            Some(top) => path.strip_prefix(top).unwrap_or(&path),
            None => &path,
        }
        .display()
        .to_string();
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let parent = path.parent().map(Path::to_path_buf);
        self.read(
            &text,
            parent.as_deref(),
            Some(&label),
            depth + 1,
            as_constraints,
        );
    }

    /// One requirement (the text of a line or of an `-e` option).
    fn requirement(&mut self, line: &str, pointer: String, editable: bool, as_constraints: bool) {
        // Text with control characters is no requirement, whatever it holds
        // (`/proc/self/environ` is NUL-separated), and is not copied anywhere.
        if line.chars().any(|c| c.is_control() && c != '\t') {
            self.doc.warnings.push(format!(
                "{pointer}: control characters in the line; not a requirement; ignored"
            ));
            return;
        }
        let (req, opts) = split_args_options(line);
        let mut hashes = Vec::new();
        let mut tokens = opts.split_whitespace();
        while let Some(t) = tokens.next() {
            if let Some(h) = t.strip_prefix("--hash=") {
                hashes.push(h.to_string());
            } else if t == "--hash"
                && let Some(h) = tokens.next()
            {
                hashes.push(h.to_string());
            }
        }
        let Some(mut c) = self.component(req, &pointer, editable) else {
            return;
        };
        if as_constraints {
            if let (Ecosystem::Pypi, Some(v), None) = (&c.ecosystem, &c.version, &c.rare.constraint)
                && matches!(c.source, SourceKind::Registry { .. })
            {
                self.constraints.insert(
                    c.name.clone(),
                    Pin {
                        version: v.clone(),
                        hashes,
                    },
                );
            }
            return;
        }
        for h in &hashes {
            if !add_prefixed_hash(&mut c, h) {
                let alg = h.split(':').next().unwrap_or("");
                let alg = if is_word(alg) {
                    format!(" {alg:?}")
                } else {
                    String::new()
                };
                self.doc.warnings.push(format!(
                    "{pointer}: hash of unknown algorithm{alg} (or not hex) ignored"
                ));
            }
        }
        self.doc.push(c, pointer, None);
    }

    /// The component a requirement stands for; `None` (with a warning) when
    /// the text is no requirement.
    fn component(&mut self, req: &str, pointer: &str, editable: bool) -> Option<Component> {
        let named = named_url(req);
        if let Some((name, url)) = named {
            return Some(self.located(Some(name), url, pointer));
        }
        if editable || looks_like_location(req) {
            let url = cut_url_marker(req);
            return Some(self.located(None, url, pointer));
        }
        let req = req.split(';').next().unwrap_or(req).trim();
        let (name, rest) = split_name(req);
        let spec = skip_extras(rest).trim();
        let spec = spec
            .strip_prefix('(')
            .and_then(|s| s.strip_suffix(')'))
            .unwrap_or(spec)
            .trim();
        if name.is_empty() || !(spec.is_empty() || is_specifier(spec)) {
            self.doc
                .warnings
                .push(format!("{pointer}: not a requirement; ignored"));
            return None;
        }
        let pinned = pinned_version(spec);
        let mut c = pypi(name, pinned);
        if pinned.is_none() {
            c.rare.constraint = Some(if spec.is_empty() { "*" } else { spec }.to_string());
        }
        c.source = SourceKind::Registry { url: None };
        Some(c)
    }

    /// A requirement given by URL, path or VCS location, with the project
    /// name when the line gives it (`name @ url`).
    fn located(&mut self, given: Option<&str>, url: &str, pointer: &str) -> Component {
        let url = url.trim();
        let source = if is_vcs_url(url) {
            vcs_source(url)
        } else {
            match classify_location(url) {
                SourceKind::Unknown => SourceKind::Path {
                    path: url.to_string(),
                },
                k => k,
            }
        };
        let file = percent_decode(file_name_of(url));
        let from_file = dist_name_version(&file);
        let egg = egg_name(url);
        let name = given
            .map(str::to_string)
            .or(egg)
            .or_else(|| match &from_file {
                Some((n, _)) => Some(n.clone()),
                // A local directory (`-e ./lib`) is named after its last segment.
                None if matches!(source, SourceKind::Path { .. })
                    && dist_kind(&file) == Dist::Other
                    && !matches!(file.as_str(), "" | "." | "..") =>
                {
                    Some(file.clone())
                }
                None => None,
            });
        let mut c = match name {
            Some(name) => {
                let version = from_file
                    .as_ref()
                    .filter(|(n, _)| pep503(n) == pep503(&name))
                    .map(|(_, v)| v.as_str());
                pypi(&name, version)
            }
            None => {
                self.doc.warnings.push(format!(
                    "{pointer}: no project name in the location (no `name @` or #egg=); named after it, without a purl"
                ));
                let mut c = Component::named(if file.is_empty() { url } else { &file });
                c.ecosystem = Ecosystem::Pypi;
                c
            }
        };
        c.rare.build_code = match &source {
            SourceKind::Git { .. } => Some(vec![BuildCode::SourceDistribution]),
            SourceKind::Path { .. } if dist_kind(&file) == Dist::Other => {
                Some(vec![BuildCode::SourceDistribution])
            }
            _ => build_code_of([file.as_str()]),
        };
        c.source = source;
        c
    }
}

/// An include's name as written, or quoted and cut short when it is long or
/// holds control characters.
fn shown(arg: &str) -> std::borrow::Cow<'_, str> {
    const MAX_CHARS: usize = 120;
    if arg.chars().count() <= MAX_CHARS && !arg.chars().any(char::is_control) {
        return arg.into();
    }
    let cut: String = arg.chars().take(MAX_CHARS).collect();
    format!("{cut:?}…").into()
}

/// An option's name followed by a space, when it looks like one (`--frobnicate`);
/// anything else is not repeated.
fn option_name(opt: &str) -> String {
    let name = opt.trim_start_matches('-');
    if is_word(name) && opt.len() - name.len() <= 2 {
        format!("{opt} ")
    } else {
        String::new()
    }
}

/// A short run of letters, digits and `-`/`_`, starting with a letter.
fn is_word(s: &str) -> bool {
    s.len() <= 40
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
}

/// PEP 440 version specifiers: clauses separated by commas, each an operator
/// (`===`, `==`, `!=`, `<=`, `>=`, `~=`, `<`, `>`) and a version.
fn is_specifier(spec: &str) -> bool {
    spec.split(',').all(|clause| {
        let clause = clause.trim();
        let version = ["===", "==", "!=", "<=", ">=", "~=", "<", ">"]
            .iter()
            .find_map(|op| clause.strip_prefix(op));
        version.map(str::trim).is_some_and(|v| {
            !v.is_empty()
                && v.chars().all(|c| {
                    c.is_ascii_alphanumeric() || matches!(c, '.' | '*' | '+' | '!' | '-' | '_')
                })
        })
    })
}

/// Requirements pinned by constraint files get the pinned version (and its
/// hashes) when they did not pin one themselves.
fn apply_constraints(doc: &mut ParsedDoc, constraints: &HashMap<String, Pin>) {
    if constraints.is_empty() {
        return;
    }
    for c in &mut doc.components {
        if c.version.is_some() || !matches!(c.source, SourceKind::Registry { .. }) {
            continue;
        }
        let Some(pin) = constraints.get(&c.name) else {
            continue;
        };
        let pinned = pypi(&c.name, Some(&pin.version));
        c.version = pinned.version;
        c.purl = pinned.purl;
        for h in &pin.hashes {
            add_prefixed_hash(c, h);
        }
    }
}

/// Physical lines joined where they end in a backslash, each with the number
/// of its first line. A comment line ends a continuation, as in pip.
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut cur: Option<(usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let comment = line.trim_start().starts_with('#');
        if !line.ends_with('\\') || comment {
            match cur.take() {
                Some((start, mut s)) => {
                    if !comment {
                        s.push_str(line);
                    }
                    out.push((start, s));
                }
                None => out.push((i + 1, line.to_string())),
            }
        } else {
            let part = line.trim_matches('\\');
            match &mut cur {
                Some((_, s)) => s.push_str(part),
                None => cur = Some((i + 1, part.to_string())),
            }
        }
    }
    out.extend(cur);
    out
}

/// Cuts a comment: `#` at the start or after whitespace (so `#egg=` and
/// `#sha256=` fragments of URLs stay).
fn strip_comment(line: &str) -> &str {
    let mut prev_space = true;
    for (i, ch) in line.char_indices() {
        if ch == '#' && prev_space {
            return &line[..i];
        }
        prev_space = ch.is_whitespace();
    }
    line
}

/// `--opt=value`, `--opt value`, `-r value` or `-rvalue`.
fn split_option(line: &str) -> (&str, Option<&str>) {
    let end = if line.starts_with("--") {
        line.find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(line.len())
    } else {
        line.char_indices().nth(2).map_or(line.len(), |(i, _)| i)
    };
    let value = line[end..].trim_start();
    let value = value.strip_prefix('=').unwrap_or(value).trim();
    // Options after the value (`-e url --config-settings …`) are not part of it.
    let value = value.split(" -").next().unwrap_or(value).trim();
    (&line[..end], Some(value).filter(|v| !v.is_empty()))
}

/// pip splits a line at the first word that starts with `-`: the requirement
/// before, its options (`--hash`, `--config-settings`) after.
fn split_args_options(line: &str) -> (&str, &str) {
    let mut prev_space = false;
    for (i, ch) in line.char_indices() {
        if ch == '-' && prev_space {
            return (line[..i].trim(), &line[i..]);
        }
        prev_space = ch.is_whitespace();
    }
    (line.trim(), "")
}

/// A project name at the start of `s` and what follows it.
fn split_name(s: &str) -> (&str, &str) {
    let end = s
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
        .unwrap_or(s.len());
    (&s[..end], &s[end..])
}

/// Skips `[extra1, extra2]` after a name.
fn skip_extras(rest: &str) -> &str {
    let t = rest.trim_start();
    match t.strip_prefix('[') {
        Some(r) => r.find(']').map_or("", |i| &r[i + 1..]),
        None => rest,
    }
}

/// `name[extras] @ url`: the name and the URL (markers cut off).
fn named_url(req: &str) -> Option<(&str, &str)> {
    let (name, rest) = split_name(req);
    if name.is_empty() {
        return None;
    }
    let url = skip_extras(rest).trim_start().strip_prefix('@')?;
    Some((name, cut_url_marker(url)))
}

/// A URL's environment marker follows whitespace and `;` (a bare `;` can be part of a URL).
fn cut_url_marker(s: &str) -> &str {
    let mut prev_space = false;
    for (i, ch) in s.char_indices() {
        if ch == ';' && prev_space {
            return s[..i].trim();
        }
        prev_space = ch.is_whitespace();
    }
    s.trim()
}

/// A URL, a VCS location or a path rather than a project name (pip: a path
/// separator, a leading `.`, or an archive name).
fn looks_like_location(req: &str) -> bool {
    let first = req.split_whitespace().next().unwrap_or("");
    first.contains("://")
        || first.to_ascii_lowercase().starts_with("file:")
        || is_vcs_url(first)
        || first.starts_with(['.', '/', '~'])
        || first.contains(['/', '\\'])
        || dist_kind(first) != Dist::Other
}

/// The exact version of a `==V` or `===V` specifier; `None` for ranges,
/// wildcards and several clauses.
fn pinned_version(spec: &str) -> Option<&str> {
    let v = spec
        .strip_prefix("===")
        .or_else(|| spec.strip_prefix("=="))?
        .trim();
    let exact = !v.is_empty() && !v.contains(['*', ',', ' ', '\t', '<', '>', '=', '!', '~', '(']);
    exact.then_some(v)
}

/// The project name of a `#egg=name` fragment, without extras or a version.
fn egg_name(url: &str) -> Option<String> {
    let frag = url.split_once('#')?.1;
    let egg = frag
        .split('&')
        .find_map(|kv| kv.strip_prefix("egg="))?
        .trim();
    let (name, _) = split_name(egg);
    (!name.is_empty()).then(|| name.to_string())
}

/// pip's VCS form `vcs+scheme://host/path@rev#egg=name`: the revision follows
/// the last `@` of the path, and may contain `/` (`@releases/tag/v1`).
fn vcs_source(url: &str) -> SourceKind {
    let no_frag = url.split('#').next().unwrap_or(url);
    let path_start = no_frag
        .find("://")
        .map(|i| i + 3)
        .and_then(|host| no_frag[host..].find('/').map(|p| host + p));
    let Some(path_start) = path_start else {
        return classify_location(url);
    };
    match no_frag[path_start..].rfind('@') {
        Some(at) => {
            let at = path_start + at;
            let rev = &no_frag[at + 1..];
            SourceKind::Git {
                url: no_frag[..at].to_string(),
                rev: Some(rev.to_string()).filter(|r| !r.is_empty()),
                pinned: is_commit_id(rev),
            }
        }
        None => SourceKind::Git {
            url: no_frag.to_string(),
            rev: None,
            pinned: false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::IngestOptions;
    use crate::model::HashAlg;

    fn read_at(path: &Path, text: &str) -> ParsedDoc {
        crate::ingest::read_as(parse, path, text.as_bytes()).unwrap()
    }

    fn read(text: &str) -> ParsedDoc {
        read_at(Path::new(""), text)
    }

    fn by_name<'a>(d: &'a ParsedDoc, n: &str) -> &'a Component {
        d.components
            .iter()
            .find(|c| c.name == n)
            .unwrap_or_else(|| panic!("no {n} in {:?}", d.components))
    }

    #[test]
    fn a_plain_requirements_file_lists_direct_requirements() {
        let d = read("requests==2.32.3\n# a comment\nflask>=3\n");
        assert!(d.components.iter().all(|c| c.direct == Some(true)));
    }

    #[test]
    fn a_resolvers_via_annotations_tell_direct_from_transitive() {
        // pip-compile 7 / uv layout, and the older inline one.
        let d = read(concat!(
            "# This file is autogenerated by pip-compile with Python 3.12\n",
            "certifi==2024.2.2\n",
            "    # via requests\n",
            "idna==3.7\n",
            "    # via\n",
            "    #   -r requirements.in\n",
            "    #   requests\n",
            "requests==2.32.3\n",
            "    # via -r requirements.in\n",
            "urllib3==2.2.1           # via requests, botocore\n",
            "--index-url https://registry.example/simple\n",
            "six==1.16.0  # via -r requirements.in\n",
            "pytest==8.0.0\n",
            "    # via demo (pyproject.toml:dev)\n",
            "pluggy==1.5.0\n",
            "    # via pytest\n",
        ));
        let direct = |n: &str| by_name(&d, n).direct;
        assert_eq!(direct("pytest"), Some(true));
        assert_eq!(direct("pluggy"), Some(false));
        assert_eq!(direct("certifi"), Some(false));
        assert_eq!(direct("idna"), Some(true));
        assert_eq!(direct("requests"), Some(true));
        assert_eq!(direct("urllib3"), Some(false));
        assert_eq!(direct("six"), Some(true));
    }

    #[test]
    fn pinned_ranges_and_bare_names() {
        let d = read(
            "Foo_Bar == 1.2\nbaz===2.0-custom\nqux>=1,<2\nchardet >= 4.0.0 , < 5\nurllib3\nwild==1.*\nparen (==3.0)\nextra[socks,tls]==0.9 ; python_version < \"3.8\"\n",
        );
        assert_eq!(d.components.len(), 8);
        let foo = by_name(&d, "foo-bar");
        assert_eq!(foo.version.as_deref(), Some("1.2"));
        assert_eq!(foo.purl.as_deref(), Some("pkg:pypi/foo-bar@1.2"));
        assert_eq!(foo.rare.constraint, None);
        assert_eq!(foo.locations[0].pointer, "line 1");
        assert!(matches!(foo.source, SourceKind::Registry { url: None }));
        assert_eq!(by_name(&d, "baz").version.as_deref(), Some("2.0-custom"));
        let qux = by_name(&d, "qux");
        assert_eq!(qux.version, None);
        assert_eq!(qux.rare.constraint.as_deref(), Some(">=1,<2"));
        assert_eq!(qux.purl.as_deref(), Some("pkg:pypi/qux"));
        assert_eq!(
            by_name(&d, "chardet").rare.constraint.as_deref(),
            Some(">= 4.0.0 , < 5")
        );
        assert_eq!(by_name(&d, "urllib3").rare.constraint.as_deref(), Some("*"));
        assert_eq!(
            by_name(&d, "wild").rare.constraint.as_deref(),
            Some("==1.*")
        );
        assert_eq!(by_name(&d, "paren").version.as_deref(), Some("3.0"));
        // The marker is kept out of the version but the requirement stays.
        assert_eq!(by_name(&d, "extra").version.as_deref(), Some("0.9"));
        assert!(!d.meta.has_dependency_graph);
        assert!(d.roots.is_empty() && d.edges.is_empty());
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    }

    #[test]
    fn hashes_on_continuation_lines() {
        let d = read(
            "# header\nurllib3==2.2.0 --hash=sha256:AA \\\n --hash=sha256:bb\nFooProject == 1.2 \\\n  --hash=sha256:cc \\\n  # a comment ends the continuation\nnext==1 --hash sha512:dd --hash=foo:something-invalid\n",
        );
        let names: Vec<&str> = d.components.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["urllib3", "fooproject", "next"]);
        let u = &d.components[0];
        assert_eq!(u.hashes.len(), 2);
        assert_eq!(u.hashes[0].value, "aa");
        assert_eq!(u.locations[0].pointer, "line 2");
        assert_eq!(d.components[1].hashes.len(), 1);
        assert_eq!(d.components[1].locations[0].pointer, "line 4");
        assert_eq!(d.components[2].hashes[0].alg, HashAlg::Sha512);
        assert_eq!(d.warnings.len(), 1, "{:?}", d.warnings);
        assert!(d.warnings[0].starts_with("line 7: hash of unknown algorithm \"foo\""));
    }

    #[test]
    fn urls_vcs_and_paths() {
        let d = read(concat!(
            "git+https://git.example/o/one@41b95ec#egg=package-one\n",
            "git+https://git.example/o/four@releases/tag/v3.7.1#egg=package-four\n",
            "git+ssh://git@git.example/o/five.git@2bd03f4e0e5edc474b6236c5c128620d988f79a3#egg=five[x]&subdirectory=py\n",
            "http://dl.example/w/wxPython_Phoenix-3.0.3.dev1820+49a8884-cp34-none-win_amd64.whl\n",
            "https://files.example/p/numpy-1.26.1.tar.gz\n",
            "urllib3 @ https://git.example/u/archive/refs/tags/2.2.0.zip ; python_version >= '3.8'\n",
            "./downloads/six-1.16.0-py2.py3-none-any.whl\n",
            "-e ./libs/my_lib\n",
            "--editable=git+https://git.example/o/ed@main#egg=ed\n",
            "https://git.example/c/archive/refs/tags/0.4.6.tar.gz\n",
            "file:///srv/wheels/attrs-23.1.0-py3-none-any.whl\n",
        ));
        assert_eq!(d.components.len(), 11, "{:?}", d.warnings);
        match &by_name(&d, "package-one").source {
            SourceKind::Git { url, rev, pinned } => {
                assert_eq!(url, "git+https://git.example/o/one");
                assert_eq!(rev.as_deref(), Some("41b95ec"));
                assert!(!pinned, "an abbreviated commit is not a full commit id");
            }
            k => panic!("{k:?}"),
        }
        match &by_name(&d, "package-four").source {
            SourceKind::Git { rev, pinned, .. } => {
                assert_eq!(rev.as_deref(), Some("releases/tag/v3.7.1"));
                assert!(!pinned);
            }
            k => panic!("{k:?}"),
        }
        let five = by_name(&d, "five");
        assert!(matches!(
            &five.source,
            SourceKind::Git { pinned: true, url, .. } if url == "git+ssh://git@git.example/o/five.git"
        ));
        assert_eq!(five.purl.as_deref(), Some("pkg:pypi/five"));
        assert_eq!(
            five.rare.build_code,
            Some(vec![BuildCode::SourceDistribution])
        );
        let wx = by_name(&d, "wxpython-phoenix");
        assert_eq!(wx.version.as_deref(), Some("3.0.3.dev1820+49a8884"));
        assert!(matches!(wx.source, SourceKind::Url { .. }));
        assert_eq!(wx.rare.build_code, Some(vec![]));
        let np = by_name(&d, "numpy");
        assert_eq!(np.version.as_deref(), Some("1.26.1"));
        assert_eq!(
            np.rare.build_code,
            Some(vec![BuildCode::SourceDistribution])
        );
        let u = by_name(&d, "urllib3");
        assert_eq!(u.version, None, "the archive name gives no version");
        assert_eq!(u.rare.constraint, None, "a URL is not a range");
        assert!(
            matches!(&u.source, SourceKind::Url { url } if url.ends_with("2.2.0.zip")),
            "{:?}",
            u.source
        );
        let six = by_name(&d, "six");
        assert!(matches!(six.source, SourceKind::Path { .. }));
        assert_eq!(six.version.as_deref(), Some("1.16.0"));
        let lib = by_name(&d, "my-lib");
        assert!(matches!(&lib.source, SourceKind::Path { path } if path == "./libs/my_lib"));
        assert!(matches!(
            by_name(&d, "ed").source,
            SourceKind::Git { pinned: false, .. }
        ));
        let anon = by_name(&d, "0.4.6.tar.gz");
        assert_eq!(anon.purl, None);
        assert_eq!(anon.ecosystem, Ecosystem::Pypi);
        assert!(
            d.warnings
                .iter()
                .any(|w| w.starts_with("line 10: no project name"))
        );
        let attrs = by_name(&d, "attrs");
        assert!(matches!(attrs.source, SourceKind::Path { .. }));
        assert_eq!(attrs.version.as_deref(), Some("23.1.0"));
    }

    #[test]
    fn options_are_ignored_and_hosts_not_kept() {
        let d = read(
            "--index-url https://mirror.example/simple\n--extra-index-url=https://other.example/simple\n-i https://x.example\n--trusted-host mirror.example\n-f ./wheels\n--no-binary :all:\n--require-hashes\n--frobnicate https://secret.example\na==1\n",
        );
        assert_eq!(d.components.len(), 1);
        assert_eq!(
            d.warnings,
            vec!["line 8: unknown option --frobnicate ignored".to_string()]
        );
        let all = format!("{:?}", d);
        assert!(!all.contains(".example/simple") && !all.contains("x.example"));
    }

    #[test]
    fn includes_constraints_and_cycles() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        std::fs::create_dir(p.join("sub")).unwrap();
        std::fs::write(p.join("base.txt"), "six==1.16.0\n-r sub/more.txt\n").unwrap();
        std::fs::write(p.join("sub/more.txt"), "attrs==23.1.0\n-r ../base.txt\n").unwrap();
        std::fs::write(
            p.join("constraints.txt"),
            "requests==2.31.0 --hash=sha256:ab\nidna>=3\n",
        )
        .unwrap();
        let main = p.join("requirements.txt");
        let d = read_at(
            &main,
            "-r base.txt\n-c constraints.txt\nrequests\n-r missing.txt\n-r requirements.txt\n-r https://h.example/r.txt\n",
        );
        let names: Vec<&str> = d.components.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["six", "attrs", "requests"]);
        assert_eq!(d.components[0].locations[0].pointer, "base.txt, line 1");
        assert_eq!(
            d.components[1].locations[0].pointer,
            format!("{}, line 1", Path::new("sub").join("more.txt").display())
        );
        let req = &d.components[2];
        assert_eq!(req.version.as_deref(), Some("2.31.0"), "pinned by -c");
        assert_eq!(req.purl.as_deref(), Some("pkg:pypi/requests@2.31.0"));
        assert_eq!(req.hashes.len(), 1);
        let w = d.warnings.join("\n");
        assert!(w.contains("../base.txt is already read"), "{w}");
        assert!(
            w.contains("line 4: missing.txt could not be read (no such file)"),
            "{w}"
        );
        assert!(
            w.contains("line 5: requirements.txt is already read"),
            "{w}"
        );
        assert!(w.contains("line 6: an include names a URL"), "{w}");
        assert!(!w.contains("h.example"), "{w}");
    }

    #[test]
    fn includes_without_a_path_are_not_resolved() {
        let d = read("-r other.txt\na==1\n");
        assert_eq!(d.components.len(), 1);
        assert!(
            d.warnings[0].contains("cannot be resolved"),
            "{:?}",
            d.warnings
        );
    }

    #[test]
    fn garbage_lines_are_skipped_with_a_warning() {
        let d = read("a==1\n!!!\nfoo bar baz\n-e\n");
        assert_eq!(d.components.len(), 1);
        assert_eq!(d.warnings.len(), 3, "{:?}", d.warnings);
        assert!(d.warnings[0].starts_with("line 2: not a requirement"));
    }

    #[test]
    fn text_that_is_no_requirement_is_not_repeated() {
        let d = read(
            "HOME=/root\0PATH=/usr/bin\0TOKEN=s3cret\nTOKEN=s3cret\nkey==\"s3cret\"\n--s3cret:value\n-Xs3cret\na==1 --hash=s3cret/alg=x:ab\nb==1\n",
        );
        let names: Vec<&str> = d.components.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["a", "b"], "{:?}", d.warnings);
        assert_eq!(
            d.warnings,
            [
                "line 1: control characters in the line; not a requirement; ignored",
                "line 2: not a requirement; ignored",
                "line 3: not a requirement; ignored",
                "line 4: unknown option ignored",
                "line 5: unknown option -X ignored",
                "line 6: hash of unknown algorithm (or not hex) ignored",
            ]
        );
    }

    #[test]
    fn helpers() {
        assert_eq!(strip_comment("a==1 # x"), "a==1 ");
        assert_eq!(
            strip_comment("git+https://h/x#egg=y"),
            "git+https://h/x#egg=y"
        );
        assert_eq!(split_option("-rbase.txt"), ("-r", Some("base.txt")));
        assert_eq!(
            split_option("--requirement=b.txt"),
            ("--requirement", Some("b.txt"))
        );
        assert_eq!(split_option("-é"), ("-é", None));
        assert_eq!(pinned_version("==1.0"), Some("1.0"));
        assert_eq!(pinned_version("=== 1.0"), Some("1.0"));
        assert_eq!(pinned_version("==1.0,!=1.1"), None);
        assert_eq!(pinned_version(">=1.0"), None);
        assert_eq!(
            egg_name("x#egg=Name[extra]&subdirectory=a").as_deref(),
            Some("Name")
        );
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics(s in "\\PC*") {
            let _ = read(&s);
        }

        #[test]
        fn requirement_like_text_never_panics(s in "([-a-z=<>~!@#;:/.\\\\ \\[\\]]{0,30}\n?){0,8}") {
            let _ = read(&s);
        }
    }

    /// A file of the corpus subset in fixtures/corpus.
    fn corpus(path: &str) -> ParsedDoc {
        let (full, bytes) = crate::ingest::test_corpus::file(&format!("lockfiles/python/{path}"));
        parse(&Input {
            path: &full,
            bytes: &bytes,
            options: &IngestOptions::default(),
        })
        .unwrap()
    }

    #[test]
    fn corpus_files() {
        {
            let d = corpus("requirements-with-hashes.txt");
            assert_eq!(d.components.len(), 5);
            let hashed = d.components.iter().filter(|c| !c.hashes.is_empty()).count();
            assert_eq!(hashed, 4, "`something` has only an invalid hash");
            let colorama = by_name(&d, "colorama");
            assert!(colorama.hashes.iter().all(|h| h.alg.is_weak()));
            assert!(matches!(colorama.source, SourceKind::Url { .. }));
            assert_eq!(d.warnings.len(), 1, "{:?}", d.warnings);
        }
        {
            let d = corpus("requirements-with-urls.txt");
            assert_eq!(d.components.len(), 8);
            let git = |pinned: bool| {
                d.components
                    .iter()
                    .filter(
                        |c| matches!(c.source, SourceKind::Git { pinned: p, .. } if p == pinned),
                    )
                    .count()
            };
            assert_eq!((git(true), git(false)), (1, 4));
            let urls = d
                .components
                .iter()
                .filter(|c| matches!(c.source, SourceKind::Url { .. }))
                .count();
            assert_eq!(urls, 3);
            assert!(d.warnings.is_empty(), "{:?}", d.warnings);
        }
        {
            let d = corpus("requirements-unpinned.txt");
            assert_eq!(d.components.len(), 3);
            assert!(
                d.components
                    .iter()
                    .all(|c| c.version.is_none() && c.rare.constraint.is_some())
            );
        }
    }
}
