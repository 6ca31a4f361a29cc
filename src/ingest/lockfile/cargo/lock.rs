//! `Cargo.lock`, read with our own serde model of its TOML and the
//! `cargo-lock` crate's types for its values, packages indexed by name once.

use super::source::*;
use std::collections::HashMap;

use cargo_lock::ResolveVersion;
use serde::Deserialize;
use toml::Spanned;

use crate::ingest::{Input, ParsedDoc};
use crate::model::Format;
use crate::model::{InputError, Position};

// ---------------------------------------------------------------------------
// Cargo.lock
// ---------------------------------------------------------------------------

/// A `Cargo.lock` as written: unknown keys are ignored.
#[derive(Deserialize)]
pub(super) struct RawLock {
    pub(super) version: Option<Spanned<i64>>,
    #[serde(default)]
    pub(super) package: Vec<RawPackage>,
    /// The root package of very old (pre-workspace) lockfiles.
    pub(super) root: Option<RawPackage>,
    /// v1: `"checksum NAME VERSION (SOURCE)" = "HEX"` entries.
    #[serde(default)]
    pub(super) metadata: HashMap<String, toml::Value>,
}

#[derive(Deserialize)]
pub(super) struct RawPackage {
    pub(super) name: Spanned<String>,
    pub(super) version: Spanned<String>,
    pub(super) source: Option<Spanned<String>>,
    pub(super) checksum: Option<Spanned<String>>,
    #[serde(default)]
    pub(super) dependencies: Vec<String>,
    pub(super) replace: Option<Spanned<String>>,
}

/// One package of a lockfile, its dependencies resolved.
/// A dependency entry: the package of the file it names (an index into
/// `packages`), or its text when it names none (not an error: an edge to
/// a package the file does not list).
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Dep {
    Package(usize),
    Unlisted(String),
}

#[derive(Debug)]
pub(super) struct LockPackage {
    pub(super) name: String,
    pub(super) version: String,
    /// The source as written (`registry+…`, `git+…?branch=x#commit`); `None`
    /// for workspace and path crates.
    pub(super) source: Option<String>,
    /// SHA-256, lower-case hex.
    pub(super) checksum: Option<String>,
    /// Resolved dependencies, and those that name no package of the file.
    pub(super) deps: Vec<Dep>,
    /// Line of the `name =` key.
    pub(super) line: usize,
}

#[derive(Debug)]
pub(super) struct Lock {
    pub(super) version: ResolveVersion,
    pub(super) packages: Vec<LockPackage>,
    pub(super) warnings: Vec<String>,
}

pub(super) fn version_label(v: ResolveVersion) -> String {
    format!("v{}", u32::from(v))
}

/// Line numbers of byte offsets, from one scan of the text.
pub(super) struct Lines(pub(super) Vec<usize>);

impl Lines {
    fn new(text: &str) -> Lines {
        Lines(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i)
                .collect(),
        )
    }

    fn line(&self, offset: usize) -> usize {
        self.0.partition_point(|&nl| nl < offset) + 1
    }
}

/// The source without its fragment (the locked commit of a git source), as
/// dependency strings and v1 checksum keys write it.
pub(super) fn without_fragment(source: &str) -> &str {
    source.split('#').next().unwrap_or(source)
}

/// `name`, `name version` or `name version (source)`.
pub(super) fn split_dependency(s: &str) -> Option<(&str, Option<&str>, Option<&str>)> {
    let mut parts = s.split_whitespace();
    let name = parts.next()?;
    let version = parts.next();
    let source = match parts.next() {
        Some(p) => Some(p.strip_prefix('(')?.strip_suffix(')')?),
        None => None,
    };
    if parts.next().is_some() {
        return None;
    }
    Some((name, version, source))
}

pub(super) fn toml_error(e: &toml::de::Error, bytes: &[u8], what: &str) -> InputError {
    let message = format!("invalid {what}: {}", e.message().trim());
    match e.span() {
        Some(span) => InputError::at(message, Position::at_offset(bytes, span.start)),
        None => InputError::new(message),
    }
}

pub(super) fn valid_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Reads a `Cargo.lock` of any format version (1 to 4).
pub(super) fn read_lock(bytes: &[u8]) -> Result<Lock, InputError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        InputError::at(
            "invalid Cargo.lock: not UTF-8 text",
            Position::at_offset(bytes, e.valid_up_to()),
        )
    })?;
    let raw: RawLock = toml::from_str(text).map_err(|e| toml_error(&e, bytes, "Cargo.lock"))?;
    let mut warnings = Vec::new();
    let version = resolve_version(&raw, bytes)?;
    let v1_checksums = v1_checksums(&raw, &mut warnings);
    let reader = PackageReader::new(&raw, v1_checksums, Lines::new(text));
    let packages: Vec<LockPackage> = reader
        .all
        .iter()
        .map(|p| reader.package(p, &mut warnings))
        .collect();
    let dangling = packages
        .iter()
        .flat_map(|p| &p.deps)
        .filter(|d| matches!(d, Dep::Unlisted(_)))
        .count();
    if dangling > 0 {
        warnings.push(format!(
            "{dangling} dependency entries name no [[package]] of the file"
        ));
    }
    Ok(Lock {
        version,
        packages,
        warnings,
    })
}

/// Whether `[metadata]` holds v1 checksums.
pub(super) fn has_v1_checksums(raw: &RawLock) -> bool {
    raw.metadata.keys().any(|k| k.starts_with("checksum "))
}

/// The format version: the `version` key, or before version 3, which had
/// none, what the file's shape tells.
pub(super) fn resolve_version(raw: &RawLock, bytes: &[u8]) -> Result<ResolveVersion, InputError> {
    Ok(match &raw.version {
        Some(v) => {
            let n = *v.get_ref();
            u32::try_from(n)
                .ok()
                .and_then(|n| ResolveVersion::try_from(n).ok())
                .ok_or_else(|| {
                    InputError::at(
                        format!(
                            "unsupported Cargo.lock format version {n}: this reader knows versions 1 to 4 (a newer cargo may have written it)"
                        ),
                        Position::at_offset(bytes, v.span().start),
                    )
                })?
        }
        // Before version 3 the format had no version key: v1 keeps checksums
        // in [metadata] and sources in every dependency string; v2 does neither.
        None if has_v1_checksums(raw) => ResolveVersion::V1,
        None if raw.package.iter().any(|p| p.checksum.is_some()) => ResolveVersion::V2,
        None if raw
            .package
            .iter()
            .flat_map(|p| &p.dependencies)
            .any(|d| d.contains('(')) =>
        {
            ResolveVersion::V1
        }
        None => ResolveVersion::V2,
    })
}

/// v1 checksums by name and version, each with its source (without a git
/// fragment), which tells apart the rare packages that share both.
pub(super) type V1Checksums<'a> = HashMap<(&'a str, &'a str), Vec<(&'a str, &'a str)>>;

/// The v1 checksums of `[metadata]`, warning of entries that are not.
pub(super) fn v1_checksums<'a>(raw: &'a RawLock, warnings: &mut Vec<String>) -> V1Checksums<'a> {
    let mut v1_checksums: V1Checksums = HashMap::new();
    if !has_v1_checksums(raw) {
        return v1_checksums;
    }
    for (key, value) in &raw.metadata {
        let Some(dep) = key.strip_prefix("checksum ") else {
            continue;
        };
        let Some((name, Some(ver), source)) = split_dependency(dep) else {
            warnings.push(format!("[metadata] {key:?}: not a checksum key; ignored"));
            continue;
        };
        let Some(value) = value.as_str() else {
            warnings.push(format!(
                "[metadata] {key:?}: the checksum is not text; ignored"
            ));
            continue;
        };
        if value == "<none>" {
            continue;
        }
        if !valid_sha256(value) {
            warnings.push(format!(
                "[metadata] {key:?}: {value:?} is not a SHA-256 checksum; ignored"
            ));
            continue;
        }
        v1_checksums
            .entry((name, ver))
            .or_default()
            .push((source.map(without_fragment).unwrap_or(""), value));
    }
    if raw.package.iter().any(|p| p.checksum.is_some()) {
        warnings.push(
            "checksums both in [[package]] entries and in [metadata]: the package's own is used"
                .into(),
        );
    }
    v1_checksums
}

/// Turns raw packages into lock packages: the packages (and an old root)
/// indexed by name, so dependency strings resolve to indices.
pub(super) struct PackageReader<'a> {
    pub(super) all: Vec<&'a RawPackage>,
    pub(super) by_name: HashMap<&'a str, Vec<usize>>,
    pub(super) v1_checksums: V1Checksums<'a>,
    pub(super) lines: Lines,
}

impl<'a> PackageReader<'a> {
    fn new(raw: &'a RawLock, v1_checksums: V1Checksums<'a>, lines: Lines) -> Self {
        let all: Vec<&RawPackage> = raw.package.iter().chain(raw.root.as_ref()).collect();
        let mut by_name: HashMap<&str, Vec<usize>> = HashMap::with_capacity(all.len());
        for (i, p) in all.iter().enumerate() {
            by_name
                .entry(p.name.get_ref().as_str())
                .or_default()
                .push(i);
        }
        PackageReader {
            all,
            by_name,
            v1_checksums,
            lines,
        }
    }

    /// The package a dependency string names: of its version, and of its
    /// source when one is given and matches.
    fn resolve(&self, dep: &str) -> Option<usize> {
        let (name, ver, source) = split_dependency(dep)?;
        let candidates = self.by_name.get(name)?;
        let of_version = |i: &&usize| ver.is_none_or(|v| self.all[**i].version.get_ref() == v);
        if let Some(s) = source {
            let s = without_fragment(s);
            let exact = candidates.iter().filter(of_version).find(|i| {
                self.all[**i]
                    .source
                    .as_ref()
                    .is_some_and(|ps| without_fragment(ps.get_ref()) == s)
            });
            if let Some(i) = exact {
                return Some(*i);
            }
        }
        candidates.iter().find(of_version).copied()
    }

    /// One package, checked, with its checksum and resolved dependencies.
    fn package(&self, p: &RawPackage, warnings: &mut Vec<String>) -> LockPackage {
        let name = p.name.get_ref().trim().to_string();
        let version = p.version.get_ref().trim().to_string();
        let line = self.lines.line(p.name.span().start);
        if name.is_empty() {
            warnings.push(format!("line {line}: a [[package]] with an empty name"));
        }
        if cargo_lock::Version::parse(&version).is_err() {
            warnings.push(format!(
                "line {}: version {version:?} of {name} is not a semantic version; kept as written",
                self.lines.line(p.version.span().start)
            ));
        }
        let source = p.source.as_ref().map(|s| s.get_ref().trim().to_string());
        let checksum = match &p.checksum {
            Some(c) if valid_sha256(c.get_ref()) => Some(c.get_ref().to_ascii_lowercase()),
            Some(c) => {
                warnings.push(format!(
                    "line {}: checksum {:?} of {name} {version} is not a SHA-256 checksum; ignored",
                    self.lines.line(c.span().start),
                    c.get_ref()
                ));
                None
            }
            None => self.v1_checksum(p, source.as_deref()),
        };
        let dep = |text: &str| {
            self.resolve(text)
                .map_or_else(|| Dep::Unlisted(text.trim().to_string()), Dep::Package)
        };
        let mut deps: Vec<Dep> = p.dependencies.iter().map(|d| dep(d)).collect();
        // A `[replace]`d package stands in for its replacement.
        if let Some(r) = &p.replace {
            deps.push(dep(r.get_ref()));
        }
        LockPackage {
            name,
            version,
            source,
            checksum,
            deps,
            line,
        }
    }

    /// The package's v1 checksum: the one of its source, or the only one of
    /// its name and version.
    fn v1_checksum(&self, p: &RawPackage, source: Option<&str>) -> Option<String> {
        self.v1_checksums
            .get(&(p.name.get_ref().as_str(), p.version.get_ref().as_str()))
            .and_then(|list| {
                let src = source.map(without_fragment).unwrap_or("");
                list.iter()
                    .find(|(s, _)| *s == src)
                    .or_else(|| (list.len() == 1).then(|| &list[0]))
                    .map(|(_, v)| v.to_ascii_lowercase())
            })
    }
}

/// The components, edges and roots of a lockfile. `pointer_prefix` names the
/// file in locations when the input is another file (the manifest).
pub(super) fn lock_to_doc(lock: &Lock, pointer_prefix: &str, doc: &mut ParsedDoc) {
    let mut sources = Sources::default();
    doc.spec_version = Some(version_label(lock.version));
    let label = if pointer_prefix.is_empty() {
        ""
    } else {
        "Cargo.lock: "
    };
    doc.warnings
        .extend(lock.warnings.iter().map(|w| format!("{label}{w}")));
    doc.meta.has_dependency_graph = true;
    doc.components.reserve(lock.packages.len());
    let keys = package_keys(
        lock.packages
            .iter()
            .map(|p| (p.name.as_str(), p.version.as_str(), p.source.as_deref())),
    );
    for (p, key) in lock.packages.iter().zip(&keys) {
        let pointer = format!("{pointer_prefix}line {}", p.line);
        let mut c = new_component(
            key,
            &p.name,
            &p.version,
            p.source.as_deref(),
            ".",
            &mut sources,
            &mut doc.warnings,
            &pointer,
        );
        if let Some(sum) = &p.checksum {
            c.add_hash("SHA-256", sum);
        }
        for d in &p.deps {
            let to = match d {
                Dep::Package(i) => keys[*i].clone(),
                Dep::Unlisted(text) => text.clone(),
            };
            doc.edges.push((key.clone(), to));
        }
        // No source: a workspace member (or a path dependency), a root of the graph.
        if p.source.is_none() {
            doc.roots.push(key.clone());
        }
        doc.push(c, pointer, None);
    }
    if let [root] = doc.roots.as_slice() {
        let c = doc
            .components
            .iter()
            .find(|c| c.bom_ref.as_deref() == Some(root.as_str()));
        if let Some(c) = c {
            doc.meta.subject_name = Some(c.name.clone());
            doc.meta.subject_version = c.version.clone();
        }
        doc.meta.primary = Some(root.clone());
    }
}

pub fn parse_lock(input: &Input) -> Result<ParsedDoc, InputError> {
    let lock = read_lock(input.bytes)?;
    let mut doc = ParsedDoc::new(Format::CargoLock);
    lock_to_doc(&lock, "", &mut doc);
    Ok(doc)
}
