//! `yarn.lock`: Yarn classic (v1), a format of its own, and Yarn berry
//! (2 and later), which is YAML with a `__metadata` entry.
//!
//! Every entry is one resolved package, headed by the descriptors
//! (`name@range`) that resolve to it; dependencies name descriptors, so the
//! graph is a lookup by descriptor. Positions are `line N` of the entry header.
//!
//! v1 does not record the project itself: its own dependencies come from
//! the `package.json` beside the lockfile when there is one (the root project
//! is then the primary component, outside the component list, as in the npm
//! reader). Berry records each workspace as an entry (`name@workspace:path`):
//! the workspace at `.` is the primary component and stays in the list.
//! Neither format records install scripts (`build_code` stays unknown).

use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde_saphyr::Spanned;
use std::collections::HashMap;
use std::fmt;

use super::node::{
    DepKind, ROOT_REF, add_integrity, classify_resolved, is_sha1_hex, manifest_beside, package_at,
    scopes_from_graph, split_descriptor,
};
use crate::ingest::{Input, ParsedDoc, source};
use crate::model::encode::percent_decode;
use crate::model::{Format, Scope, SourceKind};
use crate::model::{InputError, Position};

pub fn parse(input: &Input) -> Result<ParsedDoc, InputError> {
    let text = std::str::from_utf8(input.bytes).map_err(|e| {
        InputError::at(
            "yarn.lock is not UTF-8 text",
            Position::at_offset(input.bytes, e.valid_up_to()),
        )
    })?;
    let is_berry = text
        .lines()
        .any(|l| l.starts_with("__metadata:") || l.starts_with("\"__metadata\":"));
    if is_berry {
        parse_berry(input, text)
    } else {
        parse_classic(input, text)
    }
}

// ---------------------------------------------------------------------------
// Yarn classic (v1)
// ---------------------------------------------------------------------------

/// Nesting deeper than this is not a yarn lockfile (yarn writes two levels).
const MAX_DEPTH: usize = 16;

/// A value in a v1 lockfile: text, or a block of fields.
#[derive(Debug, PartialEq)]
enum Value {
    Text(String),
    Block(Vec<Field>),
}

#[derive(Debug, PartialEq)]
struct Field {
    key: String,
    line: usize,
    value: Value,
}

/// One entry: the descriptors of its header and its fields.
#[derive(Debug, PartialEq)]
struct Entry {
    keys: Vec<String>,
    line: usize,
    fields: Vec<Field>,
}

impl Entry {
    fn text(&self, key: &str) -> Option<&str> {
        self.fields.iter().find_map(|f| match &f.value {
            Value::Text(t) if f.key == key => Some(t.as_str()),
            _ => None,
        })
    }

    fn block(&self, key: &str) -> &[Field] {
        self.fields
            .iter()
            .find_map(|f| match &f.value {
                Value::Block(b) if f.key == key => Some(b.as_slice()),
                _ => None,
            })
            .unwrap_or(&[])
    }
}

/// A significant line: its number, indentation and content.
struct Line<'a> {
    no: usize,
    indent: usize,
    text: &'a str,
}

#[derive(Debug, PartialEq)]
enum Tok {
    Str(String),
    Colon,
    Comma,
}

fn error_at(line: usize, column: usize, message: impl Into<String>) -> InputError {
    InputError::at(message, Position::line_col(line, column))
}

/// Splits one line's content into strings (quoted with JSON escapes, or
/// bare), colons and commas. A `#` where a token starts begins a comment.
fn tokenize(l: &Line) -> Result<Vec<Tok>, InputError> {
    let s = l.text;
    let bytes = s.as_bytes();
    let column = |i: usize| l.indent + s[..i].chars().count() + 1;
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b' ' | b'\t' => i += 1,
            b'#' => break,
            b',' => {
                out.push(Tok::Comma);
                i += 1;
            }
            b':' => {
                out.push(Tok::Colon);
                i += 1;
            }
            b'"' => {
                let mut j = i + 1;
                let mut escaped = false;
                while j < bytes.len() {
                    match bytes[j] {
                        b'\\' if !escaped => escaped = true,
                        b'"' if !escaped => break,
                        _ => escaped = false,
                    }
                    j += 1;
                }
                if j >= bytes.len() {
                    return Err(error_at(l.no, column(i), "unterminated quoted string"));
                }
                let value: String = serde_json::from_str(&s[i..=j]).map_err(|e| {
                    error_at(
                        l.no,
                        column(i),
                        format!("invalid quoted string: {}", strip_json_position(&e)),
                    )
                })?;
                out.push(Tok::Str(value));
                i = j + 1;
            }
            _ => {
                let start = i;
                while i < bytes.len() {
                    let b = bytes[i];
                    let colon_ends =
                        b == b':' && bytes.get(i + 1).is_none_or(|n| *n == b' ' || *n == b'\t');
                    if b == b' ' || b == b'\t' || b == b',' || colon_ends {
                        break;
                    }
                    i += 1;
                }
                out.push(Tok::Str(s[start..i].to_string()));
            }
        }
    }
    Ok(out)
}

fn strip_json_position(e: &serde_json::Error) -> String {
    let t = e.to_string();
    match t.rfind(" at line ") {
        Some(i) => t[..i].to_string(),
        None => t,
    }
}

/// Parses the whole v1 text into entries; any line that does not fit the
/// format is an error naming it.
fn parse_v1_text(text: &str) -> Result<Vec<Entry>, InputError> {
    let mut lines = Vec::new();
    for (i, raw) in text.split('\n').enumerate() {
        let raw = raw.strip_suffix('\r').unwrap_or(raw);
        let content = raw.trim_start_matches(' ');
        if content.trim().is_empty() || content.starts_with('#') {
            continue;
        }
        let indent = raw.len() - content.len();
        if content.starts_with('\t') {
            return Err(error_at(
                i + 1,
                indent + 1,
                "tab in indentation: yarn.lock indents with spaces",
            ));
        }
        lines.push(Line {
            no: i + 1,
            indent,
            text: content.trim_end(),
        });
    }
    let mut entries = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let l = &lines[i];
        if l.indent != 0 {
            return Err(error_at(
                l.no,
                l.indent + 1,
                "unexpected indentation: expected an entry header (`name@range, …:`) at the start of the line",
            ));
        }
        let toks = tokenize(l)?;
        let mut keys = Vec::new();
        let mut expect_key = true;
        let mut closed = false;
        for (n, t) in toks.iter().enumerate() {
            match (t, expect_key) {
                (Tok::Str(k), true) => {
                    keys.push(k.clone());
                    expect_key = false;
                }
                (Tok::Comma, false) => expect_key = true,
                (Tok::Colon, false) if n + 1 == toks.len() => closed = true,
                _ => break,
            }
        }
        if !closed {
            return Err(error_at(
                l.no,
                1,
                "expected an entry header: descriptors separated by commas, ending with `:`",
            ));
        }
        i += 1;
        let fields = match lines.get(i) {
            Some(next) if next.indent > 0 => block(&lines, &mut i, next.indent, 1)?,
            _ => Vec::new(),
        };
        entries.push(Entry {
            keys,
            line: l.no,
            fields,
        });
    }
    Ok(entries)
}

/// The fields of one block, all at `indent`.
fn block(
    lines: &[Line],
    i: &mut usize,
    indent: usize,
    depth: usize,
) -> Result<Vec<Field>, InputError> {
    if depth > MAX_DEPTH {
        let l = &lines[*i];
        return Err(error_at(
            l.no,
            l.indent + 1,
            format!("nesting deeper than {MAX_DEPTH} levels"),
        ));
    }
    let mut out = Vec::new();
    while let Some(l) = lines.get(*i) {
        if l.indent < indent {
            break;
        }
        if l.indent > indent {
            return Err(error_at(
                l.no,
                l.indent + 1,
                format!(
                    "unexpected indentation: {} spaces where the block above uses {indent}",
                    l.indent
                ),
            ));
        }
        *i += 1;
        let toks = tokenize(l)?;
        let deeper = lines
            .get(*i)
            .filter(|n| n.indent > indent)
            .map(|n| n.indent);
        let value = match (&toks[..], deeper) {
            ([Tok::Str(k), Tok::Colon] | [Tok::Str(k)], Some(child)) => {
                (k, Value::Block(block(lines, i, child, depth + 1)?))
            }
            ([Tok::Str(k), Tok::Colon], None) => (k, Value::Block(Vec::new())),
            ([Tok::Str(k), Tok::Str(v)] | [Tok::Str(k), Tok::Colon, Tok::Str(v)], None) => {
                (k, Value::Text(v.clone()))
            }
            ([Tok::Str(k), Tok::Str(_)] | [Tok::Str(k), Tok::Colon, Tok::Str(_)], Some(child)) => {
                return Err(error_at(
                    lines[*i].no,
                    child + 1,
                    format!(
                        "unexpected indentation: `{k}` on the line above has a value, not a block"
                    ),
                ));
            }
            _ => {
                return Err(error_at(
                    l.no,
                    l.indent + 1,
                    "expected `key value` or `key:` followed by an indented block",
                ));
            }
        };
        out.push(Field {
            key: value.0.clone(),
            line: l.no,
            value: value.1,
        });
    }
    Ok(out)
}

/// The real package name a descriptor's range points at: an alias range
/// `npm:real@^1` names `real`.
fn real_name<'a>(name: &'a str, range: &'a str) -> &'a str {
    range
        .strip_prefix("npm:")
        .and_then(split_descriptor)
        .map_or(name, |(n, _)| n)
}

fn parse_classic(input: &Input, text: &str) -> Result<ParsedDoc, InputError> {
    let entries = parse_v1_text(text)?;
    let mut doc = ParsedDoc::new(Format::YarnLock);
    doc.spec_version = Some("yarn v1".into());
    let mut by_descriptor: HashMap<&str, usize> = HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        for k in &e.keys {
            by_descriptor.entry(k.as_str()).or_insert(i);
        }
    }
    let mut warnings = Vec::new();
    let mut edges_by_index: Vec<(usize, usize, DepKind)> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let at = format!("line {}", e.line);
        let first = e.keys.first().map(String::as_str).unwrap_or_default();
        let (name, range) = split_descriptor(first).unwrap_or((first, ""));
        let version = e.text("version");
        if version.is_none() {
            warnings.push(format!("{at}: entry {first:?} has no version"));
        }
        let mut c = package_at(real_name(name, range), version, &at, &mut warnings);
        c.bom_ref = Some(first.to_string());
        let mut tarball_sha1 = None;
        c.source = match e.text("resolved").map(str::trim).filter(|r| !r.is_empty()) {
            Some(r) => match classify_resolved(r) {
                git @ SourceKind::Git { .. } => git,
                _ => {
                    // A registry URL's fragment is the tarball's SHA-1.
                    let (url, fragment) = r.split_once('#').unwrap_or((r, ""));
                    tarball_sha1 = Some(fragment).filter(|f| is_sha1_hex(f));
                    classify_resolved(url)
                }
            },
            None => match classify_resolved(range) {
                SourceKind::Url { .. } | SourceKind::Registry { .. } | SourceKind::Unknown => {
                    SourceKind::Unknown
                }
                k => k,
            },
        };
        if let Some(sri) = e.text("integrity") {
            add_integrity(&mut c, sri, &at, &mut warnings);
        }
        if let Some(sha1) = tarball_sha1 {
            c.add_hash("SHA-1", sha1);
        }
        for (key, kind) in [
            ("dependencies", DepKind::Prod),
            ("optionalDependencies", DepKind::Optional),
        ] {
            for f in e.block(key) {
                let Value::Text(dep_range) = &f.value else {
                    continue;
                };
                let descriptor = format!("{}@{dep_range}", f.key);
                match by_descriptor.get(descriptor.as_str()) {
                    Some(&t) => {
                        edges_by_index.push((i, t, kind));
                        doc.edges
                            .push((first.to_string(), entries[t].keys[0].clone()));
                    }
                    None => doc.edges.push((first.to_string(), descriptor)),
                }
            }
        }
        doc.push(c, at, None);
    }

    // The project itself, from the package.json beside the lockfile.
    doc.meta.has_dependency_graph = true;
    let manifest = manifest_beside(input, &mut warnings);
    if let Some(m) = manifest {
        let mut starts = Vec::new();
        for (name, range, kind) in &m.deps {
            let descriptor = format!("{name}@{range}");
            match by_descriptor.get(descriptor.as_str()) {
                Some(&t) => {
                    starts.push((t, *kind));
                    doc.edges
                        .push((ROOT_REF.to_string(), entries[t].keys[0].clone()));
                }
                None if *kind == DepKind::Optional => {}
                None => doc.edges.push((ROOT_REF.to_string(), descriptor)),
            }
        }
        let scopes = scopes_from_graph(entries.len(), &starts, &edges_by_index);
        for (c, s) in doc.components.iter_mut().zip(scopes) {
            c.scope = s.unwrap_or(Scope::Required);
        }
        doc.meta.subject_name = m.name.filter(|n| !n.is_empty());
        doc.meta.subject_version = m.version.filter(|v| !v.is_empty());
        doc.meta.primary = Some(ROOT_REF.to_string());
        doc.roots.push(ROOT_REF.to_string());
    } else {
        warnings.push(
            "yarn.lock v1 does not record the project's own dependencies and there is no package.json beside it: direct and transitive dependencies and scopes are not told apart".into(),
        );
    }
    doc.warnings.extend(warnings);
    Ok(doc)
}

// ---------------------------------------------------------------------------
// Yarn berry
// ---------------------------------------------------------------------------

#[derive(Deserialize, Default)]
struct Metadata {
    #[serde(default)]
    version: Option<String>,
}

#[derive(Deserialize, Default)]
struct DepMeta {
    #[serde(default)]
    optional: bool,
}

#[derive(Deserialize, Default)]
struct BerryEntry {
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    resolution: Option<String>,
    #[serde(default)]
    dependencies: IndexMap<String, String>,
    #[serde(default, rename = "dependenciesMeta")]
    dependencies_meta: IndexMap<String, DepMeta>,
    #[serde(default)]
    checksum: Option<String>,
}

/// The document: `__metadata` and the entries, each with the line of its key.
#[derive(Default)]
struct Berry {
    metadata: Option<Metadata>,
    entries: Vec<(String, usize, BerryEntry)>,
}

impl<'de> Deserialize<'de> for Berry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Berry;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of descriptors to packages")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Berry, A::Error> {
                let mut out = Berry::default();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    if key.value == "__metadata" {
                        out.metadata = Some(map.next_value()?);
                    } else {
                        let e: BerryEntry = map.next_value()?;
                        out.entries
                            .push((key.value, key.referenced.line() as usize, e));
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_map(V)
    }
}

/// The YAML readers' limits: serde-saphyr's defaults, with node and event
/// counts that grow with the input instead of a fixed cap.
fn yaml_budget(len: usize) -> serde_saphyr::Budget {
    let mut budget = serde_saphyr::Budget::default();
    budget.max_nodes = budget.max_nodes.max(len);
    budget.max_events = budget.max_events.max(len.saturating_mul(2));
    budget
}

/// Options for the YAML readers: no snippet in errors (one line each), and
/// the limits of [`yaml_budget`].
pub(super) fn yaml_options(len: usize) -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(yaml_budget(len));
    options.with_snippet = false;
    options
}

/// A YAML reader's error, with its line and column and without the crate's
/// own position suffix. `len` is the input's length, which set the limits.
pub(super) fn yaml_error(what: &str, e: &serde_saphyr::Error, len: usize) -> InputError {
    use serde_saphyr::MessageFormatter;
    let mut inner = e.without_snippet();
    // A limit reached while an alias is replayed is wrapped in the alias's error.
    while let serde_saphyr::Error::AliasError { error, .. }
    | serde_saphyr::Error::WithSnippet { error, .. } = inner
    {
        inner = error;
    }
    let message = match inner {
        serde_saphyr::Error::Budget { breach, .. } => limit_message(breach, &yaml_budget(len)),
        _ => serde_saphyr::DefaultMessageFormatter
            .format_message(e.without_snippet())
            .into_owned(),
    };
    let message = format!("{what}: {message}");
    match e.location().filter(|l| l.line() > 0) {
        Some(l) => InputError::at(
            message,
            Position::line_col(l.line() as usize, l.column() as usize),
        ),
        None => InputError::new(message),
    }
}

/// Which of the YAML reader's limits the input went past, in words (the
/// crate's own message is its enum's debug form).
fn limit_message(breach: &serde_saphyr::budget::BudgetBreach, b: &serde_saphyr::Budget) -> String {
    use serde_saphyr::budget::BudgetBreach as B;
    let why = "the limit for a file of this size";
    match breach {
        B::Nodes { .. } => format!(
            "more than {} YAML nodes (values, lists and mappings; an alias counts its anchor's nodes each time it is used), {why}",
            b.max_nodes
        ),
        B::Events { .. } => format!(
            "more than {} YAML parser events (an alias counts its anchor's events each time it is used), {why}",
            b.max_events
        ),
        B::Aliases { .. } => format!("more than {} aliases (`*name`)", b.max_aliases),
        B::Anchors { .. } => format!("more than {} anchors (`&name`)", b.max_anchors),
        B::Depth { .. } => format!("lists and mappings nested more than {} deep", b.max_depth),
        B::Documents { .. } => format!("more than {} YAML documents", b.max_documents),
        B::ScalarBytes { .. } => format!(
            "more than {} bytes of text values",
            b.max_total_scalar_bytes
        ),
        B::MergeKeys { .. } => format!("more than {} merge keys (`<<`)", b.max_merge_keys),
        B::AliasAnchorRatio { aliases, anchors } => format!(
            "{aliases} alias uses for {anchors} anchor(s), more than {} per anchor: an alias bomb is not expanded",
            b.alias_anchor_ratio_multiplier
        ),
        B::SequenceUnbalanced => {
            "a list or mapping closed that was never opened (a truncated or malformed file)".into()
        }
        B::InputBytes { .. } => match b.max_reader_input_bytes {
            Some(max) => format!("more than {max} bytes of YAML"),
            None => "too many bytes of YAML".into(),
        },
        B::RecordedAnchorEvents { .. } | B::RecordedAnchorBytes { .. } => format!(
            "anchors too large to replay (more than {} events or {} bytes kept for aliases)",
            b.max_recorded_anchor_events, b.max_recorded_anchor_bytes
        ),
        _ => "the document goes past a limit of the YAML reader (too large or too deeply nested)"
            .into(),
    }
}

/// The source a berry locator's reference (what follows `name@`) names.
/// The algorithm name of yarn berry's `checksum` (a SHA-512 of Yarn's cache zip).
pub const YARN_CACHE_SHA512: &str = "yarn-cache-SHA-512";

fn berry_source(reference: &str, depth: usize) -> SourceKind {
    let r = reference.trim();
    if r.starts_with("npm:") {
        return SourceKind::Registry { url: None };
    }
    for p in ["workspace:", "portal:", "link:", "file:"] {
        if let Some(path) = r.strip_prefix(p) {
            return SourceKind::Path {
                path: path.split("::").next().unwrap_or(path).to_string(),
            };
        }
    }
    if let Some(rest) = r.strip_prefix("patch:") {
        // `patch:name@npm%3A1.2.3#./patch::version=…`: the patched package's own source.
        let inner = percent_decode(rest.split('#').next().unwrap_or(rest));
        if depth < 4
            && let Some((_, inner_ref)) = split_descriptor(&inner)
        {
            return berry_source(inner_ref, depth + 1);
        }
        return SourceKind::Unknown;
    }
    if let Some((url, fragment)) = r.split_once('#') {
        // `url#commit=…&…`, `url#head=main`, `url#tag=v1`, or npm's `url#rev`.
        let params: Vec<(&str, &str)> = fragment
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .collect();
        let get = |k: &str| params.iter().find(|(key, _)| *key == k).map(|(_, v)| *v);
        let commit = get("commit").filter(|c| !c.is_empty());
        // Only a commit pins; a branch (`head`), tag or semver range can move.
        let (rev, pinned) = match commit {
            Some(c) => (Some(c), source::is_commit_id(c)),
            None => {
                let plain = (!fragment.contains('=')).then_some(fragment);
                let rev = get("head")
                    .or_else(|| get("tag"))
                    .or_else(|| get("semver"))
                    .or(plain)
                    .filter(|r| !r.is_empty());
                (rev, plain.is_some_and(source::is_commit_id))
            }
        };
        if commit.is_some() || source::is_vcs_url(url) {
            return SourceKind::Git {
                url: url.to_string(),
                rev: rev.map(str::to_string),
                pinned,
            };
        }
    }
    classify_resolved(r)
}

fn parse_berry(input: &Input, text: &str) -> Result<ParsedDoc, InputError> {
    let lock: Berry = serde_saphyr::from_str_with_options(text, yaml_options(text.len()))
        .map_err(|e| yaml_error("invalid yarn.lock (berry)", &e, text.len()))?;
    let mut doc = ParsedDoc::new(Format::YarnLock);
    let version = lock
        .metadata
        .and_then(|m| m.version)
        .unwrap_or_else(|| "?".into());
    doc.spec_version = Some(format!("berry {}", version.trim()));
    let entries = lock.entries;

    let mut by_descriptor: HashMap<&str, usize> = HashMap::new();
    let mut refs: Vec<&str> = Vec::with_capacity(entries.len());
    for (i, (key, _, _)) in entries.iter().enumerate() {
        let mut first = None;
        for d in key.split(',').map(str::trim).filter(|d| !d.is_empty()) {
            first.get_or_insert(d);
            by_descriptor.entry(d).or_insert(i);
        }
        refs.push(first.unwrap_or(key.as_str()));
    }

    let mut warnings = Vec::new();
    // Berry lists a workspace's development dependencies with the others;
    // the package.json beside the lockfile tells them apart.
    let manifest = manifest_beside(input, &mut warnings);
    let mut edges: Vec<(usize, usize, DepKind)> = Vec::new();
    let mut starts: Vec<(usize, DepKind)> = Vec::new();
    let mut workspaces: Vec<usize> = Vec::new();
    let mut primary: Option<usize> = None;
    for (i, (_, line, e)) in entries.iter().enumerate() {
        let at = format!("line {line}");
        let locator = e.resolution.as_deref().unwrap_or(refs[i]);
        let (name, reference) = split_descriptor(locator).unwrap_or((locator, ""));
        let is_workspace = reference.starts_with("workspace:");
        let is_primary = reference == "workspace:.";
        // Workspaces without a version of their own get this placeholder.
        let version = e
            .version
            .as_deref()
            .filter(|v| !(is_workspace && *v == "0.0.0-use.local"));
        let mut c = package_at(name, version, &at, &mut warnings);
        c.bom_ref = Some(refs[i].to_string());
        c.source = berry_source(reference, 0);
        if let Some(sum) = e.checksum.as_deref() {
            // `cacheKey/hex`: the SHA-512 of the archive in Yarn's cache, not
            // of the registry's tarball: named apart so it is never compared
            // with a registry checksum (DEL-02), yet still pins the content.
            let hex = sum.rsplit('/').next().unwrap_or(sum).trim();
            if hex.len() == 128 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                c.add_hash(YARN_CACHE_SHA512, hex);
            } else {
                warnings.push(format!("{at}: checksum {sum:?} is not a SHA-512; ignored"));
            }
        }
        if is_workspace {
            workspaces.push(i);
            starts.push((i, DepKind::Prod));
            if is_primary && primary.is_none() {
                primary = Some(i);
            }
        }
        for (dep, range) in &e.dependencies {
            let mut kind = if e.dependencies_meta.get(dep).is_some_and(|m| m.optional) {
                DepKind::Optional
            } else {
                DepKind::Prod
            };
            if is_primary
                && let Some(m) = &manifest
                && let Some((_, _, k)) = m.deps.iter().find(|(n, _, _)| n == dep)
            {
                kind = *k;
            }
            let descriptor = format!("{dep}@{range}");
            // Older berry lockfiles leave out the default `npm:` protocol.
            let target = by_descriptor
                .get(descriptor.as_str())
                .or_else(|| by_descriptor.get(format!("{dep}@npm:{range}").as_str()));
            match target {
                Some(&t) => {
                    if is_workspace {
                        starts.push((t, kind));
                    } else {
                        edges.push((i, t, kind));
                    }
                    doc.edges.push((refs[i].to_string(), refs[t].to_string()));
                }
                None if kind == DepKind::Optional => {}
                None => doc.edges.push((refs[i].to_string(), descriptor)),
            }
        }
        doc.push(c, at, None);
    }
    doc.meta.has_dependency_graph = true;
    let scopes = scopes_from_graph(entries.len(), &starts, &edges);
    for (c, s) in doc.components.iter_mut().zip(scopes) {
        c.scope = s.unwrap_or(Scope::Required);
    }

    if let Some(p) = primary {
        let c = &doc.components[p];
        doc.meta.subject_name = manifest
            .as_ref()
            .and_then(|m| m.name.clone())
            .or_else(|| Some(c.display_name_without_version()))
            .filter(|n| !n.is_empty());
        doc.meta.subject_version = c
            .version
            .clone()
            .or_else(|| manifest.as_ref().and_then(|m| m.version.clone()));
        doc.meta.primary = Some(refs[p].to_string());
    } else {
        warnings.push(
            "no workspace entry for the project itself (`name@workspace:.`): direct and transitive dependencies are not told apart".into(),
        );
    }
    // Every workspace is the project's own: a root of the graph.
    for &w in &workspaces {
        doc.roots.push(refs[w].to_string());
    }
    doc.warnings.extend(warnings);
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::IngestOptions;
    use std::path::Path;

    fn parse_at(path: &Path, text: &str) -> Result<ParsedDoc, InputError> {
        crate::ingest::read_as(parse, path, text.as_bytes())
    }

    fn parse_str(text: &str) -> ParsedDoc {
        parse_at(Path::new("/nonexistent/yarn.lock"), text).unwrap()
    }

    const CLASSIC: &str = "# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\r
# yarn lockfile v1\r
\r
\r
\"@s/a@^1.0.0\", \"@s/a@^1.1.0\":\r
  version \"1.2.0\"\r
  resolved \"https://yarn.registry.example/@s/a/-/a-1.2.0.tgz#86f7e437faa5a7fce15d1ddcb9eaeaea377667b8\"\r
  integrity sha512-H0D8ktokFpR1CXnubPWC8tXX0o4YM13gWrxU0FYOD1MChgxlK/CNVgJSql50IQVG82n7u86MEs/HlXsmUv6adQ==\r
  dependencies:\r
    b \"^2\"\r
    \"str-cjs\" \"npm:string-width@^4.2.0\"\r
  optionalDependencies:\r
    fsevents \"~2.3.2\"\r
    missing-opt \"^1\"\r
\r
b@^2:\r
  version \"2.0.1\"\r
  resolved \"https://npm.registry.example/b/-/b-2.0.1.tgz\"\r
  dependencies:\r
    gone \"^1.0.0\"\r
\r
str-cjs@npm:string-width@^4.2.0:\r
  version \"4.2.3\"\r
  resolved \"https://npm.registry.example/string-width/-/string-width-4.2.3.tgz#0123456789012345678901234567890123456789\"\r
\r
fsevents@~2.3.2:\r
  version \"2.3.3\"\r
  resolved \"https://npm.registry.example/fsevents/-/fsevents-2.3.3.tgz\"\r
\r
mousetrap@chabou/mousetrap#useCapture:\r
  version \"1.6.1\"\r
  resolved \"https://codeload.github.com/chabou/mousetrap/tar.gz/c95eeeaafba1131dd8d35bc130d4a79b2ff9261a\"\r
\r
\"local@file:../local\":\r
  version \"0.0.1\"\r
\r
dev-only@^3:\r
  version \"3.0.0\"\r
  resolved \"https://npm.registry.example/dev-only/-/dev-only-3.0.0.tgz\"\r
  dependencies:\r
    b \"^2\"\r
";

    #[test]
    fn classic_maps_every_field() {
        let d = parse_str(CLASSIC);
        assert_eq!(d.spec_version.as_deref(), Some("yarn v1"));
        assert_eq!(d.components.len(), 7);
        let a = d.by_ref("@s/a@^1.0.0");
        assert_eq!(a.purl.as_deref(), Some("pkg:npm/%40s/a@1.2.0"));
        assert_eq!(a.locations[0].pointer, "line 5");
        assert_eq!(
            a.source,
            SourceKind::Registry {
                url: Some("https://yarn.registry.example/@s/a/-/a-1.2.0.tgz".into())
            }
        );
        assert_eq!(a.hashes.len(), 2);
        assert_eq!(a.hashes[0].alg.as_str(), "SHA-512");
        assert_eq!(a.hashes[1].alg.as_str(), "SHA-1");
        assert_eq!(
            a.hashes[1].value,
            "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8"
        );
        assert_eq!(
            a.rare.build_code, None,
            "yarn does not record install scripts"
        );
        // The alias resolves to the real package.
        let alias = d.by_ref("str-cjs@npm:string-width@^4.2.0");
        assert_eq!(alias.purl.as_deref(), Some("pkg:npm/string-width@4.2.3"));
        assert_eq!(alias.locations[0].pointer, "line 22");
        let m = d.by_ref("mousetrap@chabou/mousetrap#useCapture");
        assert!(matches!(m.source, SourceKind::Git { pinned: true, .. }));
        assert!(m.hashes.is_empty());
        let local = d.by_ref("local@file:../local");
        assert_eq!(
            local.source,
            SourceKind::Path {
                path: "file:../local".into()
            }
        );
        // Dependencies by descriptor, optional ones included.
        assert!(d.has_edge("@s/a@^1.0.0", "b@^2"));
        assert!(d.has_edge("@s/a@^1.0.0", "str-cjs@npm:string-width@^4.2.0"));
        assert!(d.has_edge("@s/a@^1.0.0", "fsevents@~2.3.2"));
        assert!(
            d.has_edge("b@^2", "gone@^1.0.0"),
            "dangling, for the merge to report"
        );
        assert!(d.has_edge("@s/a@^1.0.0", "missing-opt@^1"));
        // No package.json beside: no project, no scopes.
        assert_eq!(d.meta.primary, None);
        assert!(d.roots.is_empty());
        assert!(d.components.iter().all(|c| c.scope == Scope::Required));
        assert!(
            d.warnings[0].contains("no package.json"),
            "{:?}",
            d.warnings
        );
    }

    #[test]
    fn classic_takes_the_project_from_package_json() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("package.json"),
            r#"{"name": "proj", "version": "2.0.0",
                "dependencies": {"@s/a": "^1.1.0"},
                "optionalDependencies": {"mousetrap": "chabou/mousetrap#useCapture"},
                "devDependencies": {"dev-only": "^3", "local": "file:../local"}}"#,
        )
        .unwrap();
        let d = parse_at(&dir.path().join("yarn.lock"), CLASSIC).unwrap();
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
        assert_eq!(d.meta.subject_name.as_deref(), Some("proj"));
        assert_eq!(d.meta.subject_version.as_deref(), Some("2.0.0"));
        assert_eq!(d.meta.primary.as_deref(), Some(ROOT_REF));
        assert_eq!(d.roots, vec![ROOT_REF.to_string()]);
        assert!(d.has_edge(ROOT_REF, "@s/a@^1.0.0"));
        let scope = |r: &str| d.by_ref(r).scope;
        assert_eq!(scope("@s/a@^1.0.0"), Scope::Required);
        assert_eq!(scope("b@^2"), Scope::Required, "also reached from dev-only");
        assert_eq!(scope("fsevents@~2.3.2"), Scope::Optional);
        assert_eq!(
            scope("mousetrap@chabou/mousetrap#useCapture"),
            Scope::Optional
        );
        assert_eq!(scope("dev-only@^3"), Scope::Dev);
        assert_eq!(scope("local@file:../local"), Scope::Dev);
    }

    #[test]
    fn classic_syntax() {
        let entries = parse_v1_text(
            "a@1, \"b@2\" , c@npm:x@3:\n  k \"v \\\"q\\\"\"\n  bare value\n  colon: \"x\"\n  block:\n    deep:\n      deeper yes\n# c\nempty@1:\n",
        )
        .unwrap();
        assert_eq!(entries.len(), 2);
        assert_eq!(entries[0].keys, vec!["a@1", "b@2", "c@npm:x@3"]);
        assert_eq!(entries[0].text("k"), Some("v \"q\""));
        assert_eq!(entries[0].text("bare"), Some("value"));
        assert_eq!(entries[0].text("colon"), Some("x"));
        assert_eq!(entries[0].block("block").len(), 1);
        assert_eq!(entries[1].keys, vec!["empty@1"]);
        assert!(entries[1].fields.is_empty());
    }

    #[test]
    fn classic_errors_name_the_line() {
        let cases = [
            (
                "a@1:\n  version \"1.0.0\n",
                "line 2, column 11: unterminated quoted string",
            ),
            (
                "a@1\n  version \"1\"\n",
                "line 1, column 1: expected an entry header",
            ),
            ("a@1, :\n", "line 1, column 1: expected an entry header"),
            (
                "  version \"1\"\n",
                "line 1, column 3: unexpected indentation",
            ),
            (
                "a@1:\n  version \"1\"\n    extra \"2\"\n",
                "line 3, column 5: unexpected indentation",
            ),
            (
                "a@1:\n    version \"1\"\n  x \"2\"\n",
                "line 3, column 3: unexpected indentation",
            ),
            (
                "a@1:\n\tversion \"1\"\n",
                "line 2, column 1: tab in indentation",
            ),
            (
                "a@1:\n  version \"1\" \"2\"\n",
                "line 2, column 3: expected `key value`",
            ),
            (
                "a@1:\n  k \"\\x\"\n",
                "line 2, column 5: invalid quoted string",
            ),
        ];
        for (text, want) in cases {
            let e = parse_str_err(text);
            assert!(e.starts_with(want), "{text:?}: {e}");
        }
        let e = parse(&Input {
            path: Path::new("yarn.lock"),
            bytes: b"a@1:\n  version \"\xff\"\n",
            options: &IngestOptions::default(),
        })
        .unwrap_err();
        assert!(
            e.to_string()
                .starts_with("line 2, column 12: yarn.lock is not UTF-8"),
            "{e}"
        );
        let deep: String = (0..40)
            .map(|i| format!("{}k:\n", " ".repeat(i * 2)))
            .collect();
        let e = parse_str_err(&format!("a@1:\n{}", &deep[4..]));
        assert!(e.contains("nesting deeper than"), "{e}");
    }

    fn parse_str_err(text: &str) -> String {
        parse_at(Path::new("yarn.lock"), text)
            .unwrap_err()
            .to_string()
    }

    const BERRY: &str = r#"# This file is generated by running "yarn install" inside your project.
# Manual changes might be lost - proceed with caution!

__metadata:
  version: 6
  cacheKey: 8

"@s/lib@https://github.com/o/lib.git#v1.0.0":
  version: 1.0.0
  resolution: "@s/lib@https://github.com/o/lib.git#commit=a4a74012c163b44ffd25bc6146fc7f59aa7e33e7"
  dependencies:
    ajv: ^8.12.0
    resolve: "patch:resolve@^1.20.0#~builtin<compat/resolve>"
    libxml: "npm:^0.31"
    gone: "npm:^1"
  dependenciesMeta:
    libxml:
      optional: true
  checksum: 658c35e7b8d9e6e3904a21f8316a93cc1d36a0ece33033eb33dbd5a61cc7669ca67e7971acabf742ffc5176b27f8fb19efe57aaacedb463b406ca6ee3b421909
  languageName: node
  linkType: hard

"ajv@npm:^8.12.0":
  version: 8.12.0
  resolution: "ajv@npm:8.12.0"
  checksum: 10c0/658c35e7b8d9e6e3904a21f8316a93cc1d36a0ece33033eb33dbd5a61cc7669ca67e7971acabf742ffc5176b27f8fb19efe57aaacedb463b406ca6ee3b421909
  languageName: node
  linkType: hard

"resolve@patch:resolve@^1.20.0#~builtin<compat/resolve>":
  version: 1.22.8
  resolution: "resolve@patch:resolve@npm%3A1.22.8#~builtin<compat/resolve>::version=1.22.8&hash=c3c19d"
  languageName: node
  linkType: hard

"libxml@npm:^0.31":
  version: 0.31.0
  resolution: "libxml@npm:0.31.0"
  languageName: node
  linkType: hard

"proj@workspace:.":
  version: 0.0.0-use.local
  resolution: "proj@workspace:."
  dependencies:
    "@s/lib": "https://github.com/o/lib.git#v1.0.0"
    ajv: "npm:^8.12.0"
  languageName: unknown
  linkType: soft

"sub@workspace:packages/sub":
  version: 2.0.0
  resolution: "sub@workspace:packages/sub"
  languageName: unknown
  linkType: soft
"#;

    #[test]
    fn berry_maps_every_field() {
        let d = parse_str(BERRY);
        assert_eq!(d.spec_version.as_deref(), Some("berry 6"));
        assert_eq!(d.components.len(), 6, "every entry, workspaces included");
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
        let lib = d.by_ref("@s/lib@https://github.com/o/lib.git#v1.0.0");
        assert_eq!(lib.purl.as_deref(), Some("pkg:npm/%40s/lib@1.0.0"));
        assert_eq!(lib.locations[0].pointer, "line 8");
        assert_eq!(
            lib.source,
            SourceKind::Git {
                url: "https://github.com/o/lib.git".into(),
                rev: Some("a4a74012c163b44ffd25bc6146fc7f59aa7e33e7".into()),
                pinned: true
            }
        );
        assert_eq!(lib.hashes[0].alg.as_str(), YARN_CACHE_SHA512);
        assert_eq!(lib.rare.build_code, None);
        let ajv = d.by_ref("ajv@npm:^8.12.0");
        assert_eq!(ajv.source, SourceKind::Registry { url: None });
        assert_eq!(
            ajv.hashes.len(),
            1,
            "the cache key prefix is not part of the digest"
        );
        let resolve = d.by_ref("resolve@patch:resolve@^1.20.0#~builtin<compat/resolve>");
        assert_eq!(resolve.purl.as_deref(), Some("pkg:npm/resolve@1.22.8"));
        assert_eq!(resolve.source, SourceKind::Registry { url: None });
        // Older berry writes dependency ranges without the `npm:` protocol.
        assert!(d.has_edge(
            "@s/lib@https://github.com/o/lib.git#v1.0.0",
            "ajv@npm:^8.12.0"
        ));
        assert!(d.has_edge(
            "@s/lib@https://github.com/o/lib.git#v1.0.0",
            "resolve@patch:resolve@^1.20.0#~builtin<compat/resolve>"
        ));
        assert!(d.has_edge("@s/lib@https://github.com/o/lib.git#v1.0.0", "gone@npm:^1"));
        assert_eq!(d.by_ref("libxml@npm:^0.31").scope, Scope::Optional);
        assert_eq!(ajv.scope, Scope::Required);

        let root = d.by_ref("proj@workspace:.");
        assert_eq!(root.version, None, "0.0.0-use.local is no version");
        assert_eq!(root.source, SourceKind::Path { path: ".".into() });
        assert_eq!(d.meta.primary.as_deref(), Some("proj@workspace:."));
        assert_eq!(d.meta.subject_name.as_deref(), Some("proj"));
        assert_eq!(
            d.roots,
            vec![
                "proj@workspace:.".to_string(),
                "sub@workspace:packages/sub".to_string()
            ]
        );
        assert_eq!(
            d.by_ref("sub@workspace:packages/sub").version.as_deref(),
            Some("2.0.0")
        );
    }

    #[test]
    fn berry_dev_dependencies_come_from_package_json() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("package.json"),
            r#"{"name": "proj", "version": "3.0.0", "devDependencies": {"ajv": "^8.12.0"}}"#,
        )
        .unwrap();
        let d = parse_at(&dir.path().join("yarn.lock"), BERRY).unwrap();
        // ajv is also a dependency of @s/lib, which the project requires.
        assert_eq!(d.by_ref("ajv@npm:^8.12.0").scope, Scope::Required);
        assert_eq!(d.meta.subject_version.as_deref(), Some("3.0.0"));
        let only_dev = BERRY.replace("    ajv: ^8.12.0\n", "");
        let d = parse_at(&dir.path().join("yarn.lock"), &only_dev).unwrap();
        assert_eq!(d.by_ref("ajv@npm:^8.12.0").scope, Scope::Dev);
    }

    #[test]
    fn berry_sources() {
        let git = |r: &str| berry_source(r, 0);
        assert!(matches!(
            git("git@github.com:o/r.git#head=main"),
            SourceKind::Git { pinned: false, rev: Some(ref r), .. } if r == "main"
        ));
        assert!(matches!(
            git("github:o/r#commit=c887c803ac56deb5f91b617ef0486ca3fb98473b"),
            SourceKind::Git { pinned: true, .. }
        ));
        assert!(matches!(git("link:../x"), SourceKind::Path { .. }));
        assert!(
            matches!(git("portal:../x::locator=a%40workspace%3A."), SourceKind::Path { ref path } if path == "../x")
        );
        assert!(matches!(
            git("https://example.com/x.tgz"),
            SourceKind::Url { .. }
        ));
        assert_eq!(git("exec:./gen.js"), SourceKind::Unknown);
        assert_eq!(percent_decode("npm%3A1.0.0%"), "npm:1.0.0%");
    }

    #[test]
    fn berry_errors_name_line_and_column() {
        let e = parse_str_err("__metadata:\n  version: 8\n\n\"a@npm:1\":\n  version: [1\n");
        assert!(e.starts_with("line 5, column"), "{e}");
        assert!(e.contains("invalid yarn.lock (berry)"), "{e}");
        assert_eq!(e.lines().count(), 1, "{e}");
        let e = parse_str_err("__metadata:\n  version: 8\n\n\"a@npm:1\":\n  dependencies: 3\n");
        assert!(e.starts_with("line 5, column 17"), "{e}");
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics_the_classic_parser(text in "\\PC*") {
            let _ = parse_v1_text(&text);
            let _ = parse(&Input { path: Path::new(""), bytes: text.as_bytes(), options: &IngestOptions::default() });
        }

        #[test]
        fn yarn_like_text_never_panics(
            lines in proptest::collection::vec(
                "( {0,6})(\"[a-z@^:/ ]{0,8}\"?|[a-z@^.#/:-]{0,8})([ ,:]{0,2})(\"[a-z0-9.\\\\]{0,5}\"?|[a-z0-9.:]{0,5})( #x)?",
                0..30,
            )
        ) {
            let text = lines.join("\n");
            let _ = parse_v1_text(&text);
        }

        #[test]
        fn truncated_lockfiles_never_panic(cut in 0usize..2000) {
            for text in [CLASSIC, BERRY] {
                let cut = cut.min(text.len());
                if let Some(t) = text.get(..cut) {
                    let _ = parse(&Input { path: Path::new(""), bytes: t.as_bytes(), options: &IngestOptions::default() });
                }
            }
        }
    }
}
