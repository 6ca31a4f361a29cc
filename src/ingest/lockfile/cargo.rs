//! Cargo: a `Cargo.lock` read directly, and a manifest (`Cargo.toml`, or the
//! directory holding it) read through `cargo metadata`, which knows what the
//! lockfile does not: dependency kinds, build scripts, procedural macros,
//! licences. When `cargo metadata` cannot run (no cargo, no network, an empty
//! cargo home offline), the manifest is read from its `Cargo.lock` instead,
//! with a warning saying what is then unknown.
//!
//! The lockfile is read with our own serde model of its TOML, and the
//! `cargo-lock` crate's types for its values (format version, source ids).
//! `cargo_lock::Lockfile` itself resolves every dependency string by scanning
//! all packages, and every v1 `[metadata]` checksum by re-parsing all keys:
//! quadratic, 4.5× a bare TOML parse on 5,000 packages (v3) and 9 seconds on a
//! 5,000-package v1 file. Here packages are indexed by name once.

use std::borrow::Cow;
use std::collections::{HashMap, VecDeque};
use std::path::{Component as PathPart, Path, PathBuf};

use cargo_lock::ResolveVersion;
use cargo_lock::package::{GitReference, SourceId, SourceKind as LockSourceKind};
use cargo_metadata::{DependencyKind, Metadata, MetadataCommand, TargetKind};
use serde::Deserialize;
use toml::Spanned;

use crate::ingest::source::is_commit_id;
use crate::ingest::{Input, ParsedDoc};
use crate::model::encode::{is_unreserved, percent_encode};
use crate::model::{
    BuildCode, Component, Ecosystem, Format, License, LicenseKind, RefKind, Scope, SourceKind,
};
use crate::model::{InputError, Position};

// ---------------------------------------------------------------------------
// Cargo.lock
// ---------------------------------------------------------------------------

/// A `Cargo.lock` as written: unknown keys are ignored.
#[derive(Deserialize)]
struct RawLock {
    version: Option<Spanned<i64>>,
    #[serde(default)]
    package: Vec<RawPackage>,
    /// The root package of very old (pre-workspace) lockfiles.
    root: Option<RawPackage>,
    /// v1: `"checksum NAME VERSION (SOURCE)" = "HEX"` entries.
    #[serde(default)]
    metadata: HashMap<String, toml::Value>,
}

#[derive(Deserialize)]
struct RawPackage {
    name: Spanned<String>,
    version: Spanned<String>,
    source: Option<Spanned<String>>,
    checksum: Option<Spanned<String>>,
    #[serde(default)]
    dependencies: Vec<String>,
    replace: Option<Spanned<String>>,
}

/// One package of a lockfile, its dependencies resolved.
#[derive(Debug)]
struct LockPackage {
    name: String,
    version: String,
    /// The source as written (`registry+…`, `git+…?branch=x#commit`); `None`
    /// for workspace and path crates.
    source: Option<String>,
    /// SHA-256, lower-case hex.
    checksum: Option<String>,
    /// Resolved dependencies (indices into `packages`), or the text of one
    /// that names no package of the file.
    deps: Vec<Result<usize, String>>,
    /// Line of the `name =` key.
    line: usize,
}

#[derive(Debug)]
struct Lock {
    version: ResolveVersion,
    packages: Vec<LockPackage>,
    warnings: Vec<String>,
}

fn version_label(v: ResolveVersion) -> String {
    format!("v{}", u32::from(v))
}

/// Line numbers of byte offsets, from one scan of the text.
struct Lines(Vec<usize>);

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
fn without_fragment(source: &str) -> &str {
    source.split('#').next().unwrap_or(source)
}

/// `name`, `name version` or `name version (source)`.
fn split_dependency(s: &str) -> Option<(&str, Option<&str>, Option<&str>)> {
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

fn toml_error(e: &toml::de::Error, bytes: &[u8], what: &str) -> InputError {
    let message = format!("invalid {what}: {}", e.message().trim());
    match e.span() {
        Some(span) => InputError::at(message, Position::at_offset(bytes, span.start)),
        None => InputError::new(message),
    }
}

fn valid_sha256(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Reads a `Cargo.lock` of any format version (1 to 4).
fn read_lock(bytes: &[u8]) -> Result<Lock, InputError> {
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
        .filter(|d| d.is_err())
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
fn has_v1_checksums(raw: &RawLock) -> bool {
    raw.metadata.keys().any(|k| k.starts_with("checksum "))
}

/// The format version: the `version` key, or before version 3, which had
/// none, what the file's shape tells.
fn resolve_version(raw: &RawLock, bytes: &[u8]) -> Result<ResolveVersion, InputError> {
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
type V1Checksums<'a> = HashMap<(&'a str, &'a str), Vec<(&'a str, &'a str)>>;

/// The v1 checksums of `[metadata]`, warning of entries that are not.
fn v1_checksums<'a>(raw: &'a RawLock, warnings: &mut Vec<String>) -> V1Checksums<'a> {
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
struct PackageReader<'a> {
    all: Vec<&'a RawPackage>,
    by_name: HashMap<&'a str, Vec<usize>>,
    v1_checksums: V1Checksums<'a>,
    lines: Lines,
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
        let mut deps: Vec<Result<usize, String>> = p
            .dependencies
            .iter()
            .map(|d| self.resolve(d).ok_or_else(|| d.trim().to_string()))
            .collect();
        // A `[replace]`d package stands in for its replacement.
        if let Some(r) = &p.replace {
            deps.push(
                self.resolve(r.get_ref())
                    .ok_or_else(|| r.get_ref().trim().to_string()),
            );
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

// ---------------------------------------------------------------------------
// Sources, purls, references
// ---------------------------------------------------------------------------

/// What a Cargo source id says, computed once per distinct source.
#[derive(Clone, Debug)]
struct CargoSource {
    kind: SourceKind,
    /// The purl qualifier: `vcs_url` for git, `repository_url` for a registry
    /// other than the default one.
    qualifier: Option<(&'static str, String)>,
    /// A git source is also a VCS reference, written as Cargo wrote it, so
    /// that the branch, tag or rev it follows stays visible.
    vcs_reference: bool,
}

fn classify_source(raw: &str) -> Result<CargoSource, String> {
    let id = SourceId::from_url(raw).map_err(|e| e.to_string())?;
    let plain = |kind| CargoSource {
        kind,
        qualifier: None,
        vcs_reference: false,
    };
    Ok(match id.kind() {
        LockSourceKind::Git(reference) => {
            let url = format!("git+{}", id.url());
            // The locked commit; a source without one follows its reference.
            let rev = id
                .precise()
                .map(str::to_string)
                .or_else(|| match reference {
                    GitReference::Branch(r) | GitReference::Tag(r) | GitReference::Rev(r) => {
                        Some(r.clone())
                    }
                    GitReference::DefaultBranch => None,
                });
            // Pinned only when the manifest names a commit: a branch, a tag
            // or the default branch moves on `cargo update`, whatever commit
            // the lockfile recorded for it now.
            let pinned = rev.as_deref().is_some_and(is_commit_id)
                && match reference {
                    GitReference::Rev(r) => is_commit_prefix(r),
                    GitReference::Branch(_)
                    | GitReference::Tag(_)
                    | GitReference::DefaultBranch => false,
                };
            let vcs_url = match &rev {
                Some(r) => format!("{url}@{r}"),
                None => url.clone(),
            };
            CargoSource {
                kind: SourceKind::Git { url, rev, pinned },
                qualifier: Some(("vcs_url", vcs_url)),
                vcs_reference: true,
            }
        }
        LockSourceKind::Registry
        | LockSourceKind::SparseRegistry
        | LockSourceKind::LocalRegistry => {
            let url = id.url().to_string();
            CargoSource {
                qualifier: (!id.is_default_registry()).then(|| ("repository_url", url.clone())),
                kind: SourceKind::Registry { url: Some(url) },
                vcs_reference: false,
            }
        }
        LockSourceKind::Path => plain(SourceKind::Path {
            path: id
                .url()
                .to_file_path()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| id.url().to_string()),
        }),
        LockSourceKind::Directory => plain(SourceKind::Vendored),
        _ => plain(SourceKind::Unknown),
    })
}

/// A `rev = "…"` that names a commit: hexadecimal, at least 7 digits (git's
/// shortest abbreviation). Anything else (`refs/pull/1/head`) is a ref that can move.
fn is_commit_prefix(rev: &str) -> bool {
    rev.len() >= 7 && rev.len() <= 64 && rev.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Percent-encodes what a purl part must not carry raw (`+` in a semver build
/// suffix, `#`, `?`, `&`, `=` in a URL qualifier).
fn purl_encode<'a>(s: &'a str, keep: &[u8]) -> Cow<'a, str> {
    percent_encode(s, |_, ch| {
        is_unreserved(ch) || (ch.is_ascii() && keep.contains(&(ch as u8)))
    })
}

pub(crate) fn cargo_purl(
    name: &str,
    version: &str,
    qualifier: Option<&(&'static str, String)>,
) -> String {
    let mut purl = format!(
        "pkg:cargo/{}@{}",
        purl_encode(name, b""),
        purl_encode(version, b"")
    );
    if let Some((key, value)) = qualifier {
        purl.push('?');
        purl.push_str(key);
        purl.push('=');
        purl.push_str(&purl_encode(value, b":/@"));
    }
    purl
}

/// Document-local references in Cargo's own style: `name version`, with
/// ` (source)` added where two packages share a name and version (as Cargo
/// does in dependency lists). Short keys keep edges and merging cheap.
fn package_keys<'a>(
    packages: impl Iterator<Item = (&'a str, &'a str, Option<&'a str>)>,
) -> Vec<String> {
    let packages: Vec<_> = packages.collect();
    let mut seen: HashMap<(&str, &str), u32> = HashMap::with_capacity(packages.len());
    for (name, version, _) in &packages {
        *seen.entry((*name, *version)).or_default() += 1;
    }
    packages
        .iter()
        .map(|(name, version, source)| match source {
            Some(s) if seen[&(*name, *version)] > 1 => format!("{name} {version} ({s})"),
            _ => format!("{name} {version}"),
        })
        .collect()
}

/// Classifies sources once each: a lockfile names a handful of sources for
/// thousands of packages.
#[derive(Default)]
struct Sources(HashMap<String, Result<CargoSource, String>>);

impl Sources {
    fn get(&mut self, raw: &str) -> &Result<CargoSource, String> {
        if !self.0.contains_key(raw) {
            self.0.insert(raw.to_string(), classify_source(raw));
        }
        &self.0[raw]
    }
}

/// A Cargo component with its identity, source, purl and checksum; `path`
/// is the location of a crate that has no source (workspace and path crates).
#[allow(clippy::too_many_arguments)]
fn new_component(
    key: &str,
    name: &str,
    version: &str,
    source: Option<&str>,
    path: &str,
    sources: &mut Sources,
    warnings: &mut Vec<String>,
    pointer: &str,
) -> Component {
    let mut c = Component::named(name);
    c.ecosystem = Ecosystem::Cargo;
    c.version = Some(version.to_string());
    c.bom_ref = Some(key.to_string());
    let classified = match source {
        None => Ok(CargoSource {
            kind: SourceKind::Path {
                path: path.to_string(),
            },
            qualifier: None,
            vcs_reference: false,
        }),
        Some(s) => sources.get(s).clone(),
    };
    let qualifier = match classified {
        Ok(cs) => {
            if cs.vcs_reference
                && let Some(s) = source
            {
                c.add_reference(RefKind::Vcs, s);
            }
            c.source = cs.kind;
            cs.qualifier
        }
        Err(e) => {
            warnings.push(format!(
                "{pointer}: source {:?} of {name} {version} not understood ({e})",
                source.unwrap_or_default()
            ));
            None
        }
    };
    if let Err(e) = c.set_purl(&cargo_purl(name, version, qualifier.as_ref())) {
        warnings.push(format!(
            "{pointer}: no valid purl for {name} {version} ({e})"
        ));
    }
    c
}

/// The components, edges and roots of a lockfile. `pointer_prefix` names the
/// file in locations when the input is another file (the manifest).
fn lock_to_doc(lock: &Lock, pointer_prefix: &str, doc: &mut ParsedDoc) {
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
                Ok(i) => keys[*i].clone(),
                Err(text) => text.clone(),
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

// ---------------------------------------------------------------------------
// Cargo.toml through cargo metadata
// ---------------------------------------------------------------------------

/// Why `cargo metadata` gave nothing.
enum MetadataFailure {
    /// cargo could not be started (not on PATH).
    NoCargo(String),
    /// cargo ran and failed; its stderr.
    Failed(String),
}

impl MetadataFailure {
    fn reason(&self) -> String {
        match self {
            MetadataFailure::NoCargo(e) => format!("cargo could not be run ({e})"),
            MetadataFailure::Failed(stderr) => {
                format!("cargo metadata failed: {}", first_error_line(stderr))
            }
        }
    }
}

fn run_metadata(
    manifest: &Path,
    locked: bool,
    offline: bool,
    no_deps: bool,
    platform: Option<&str>,
) -> Result<Metadata, MetadataFailure> {
    let mut cmd = MetadataCommand::new();
    // cargo reads `.cargo/config.toml` and rustup reads `rust-toolchain.toml`
    // from the working directory up, not from the manifest's. Scanning from
    // inside an untrusted checkout must not let it choose the `rustc` that
    // `cargo metadata` runs (`build.rustc`) or a toolchain to install: run
    // cargo from a neutral directory, with the user's own configuration only.
    cmd.manifest_path(manifest)
        .current_dir(std::env::temp_dir())
        .env("CARGO_TERM_COLOR", "never");
    if no_deps {
        cmd.no_deps();
    }
    let mut options = Vec::new();
    if locked {
        options.push("--locked".to_string());
    }
    if offline {
        options.push("--offline".to_string());
    }
    if let Some(p) = platform {
        options.push("--filter-platform".to_string());
        options.push(p.to_string());
    }
    cmd.other_options(options);
    cmd.exec().map_err(|e| match e {
        cargo_metadata::Error::CargoMetadata { stderr } => MetadataFailure::Failed(stderr),
        cargo_metadata::Error::Io(io) => MetadataFailure::NoCargo(io.to_string()),
        other => MetadataFailure::Failed(other.to_string()),
    })
}

/// The platform cargo builds for here (`host:` of `cargo -vV`).
fn host_platform() -> Option<String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = std::process::Command::new(cargo)
        .arg("-vV")
        .current_dir(std::env::temp_dir())
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(|h| h.trim().to_string())
}

/// Cargo's status lines (`Updating`, `Downloading`…) come before the error.
fn error_lines(stderr: &str) -> impl Iterator<Item = &str> {
    let lines: Vec<&str> = stderr.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with("error"))
        .unwrap_or(0);
    lines.into_iter().skip(start)
}

/// A line of a source snippet in cargo's messages (`  3 | name =`, `    |   ^`).
fn is_snippet(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('|')
        || t.starts_with('^')
        || t.starts_with("-->")
        || t.split_once(" |")
            .is_some_and(|(n, _)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
}

fn strip_error_prefix(line: &str) -> &str {
    let t = line.trim();
    t.strip_prefix("error:").map(str::trim).unwrap_or(t)
}

fn first_error_line(stderr: &str) -> String {
    error_lines(stderr)
        .map(strip_error_prefix)
        .find(|l| !l.is_empty())
        .unwrap_or("no message")
        .to_string()
}

/// Where cargo's message points: `--> FILE:LINE:COLUMN` (its diagnostics),
/// else `at line L, column C` (older TOML errors); with the file when named.
fn location_in(stderr: &str) -> Option<(Option<String>, Position)> {
    for line in stderr.lines() {
        let Some(rest) = line.trim_start().strip_prefix("--> ") else {
            continue;
        };
        let mut parts = rest.trim().rsplitn(3, ':');
        let (Some(col), Some(row), Some(file)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        if let (Ok(row), Ok(col)) = (row.parse(), col.parse()) {
            return Some((Some(file.to_string()), Position::line_col(row, col)));
        }
    }
    let at = stderr.find("at line ")?;
    let rest = &stderr[at + 8..];
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let line: usize = digits.parse().ok()?;
    let rest = &rest[digits.len()..];
    let column = rest
        .trim_start_matches([',', ' '])
        .strip_prefix("column ")
        .and_then(|r| {
            r.chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .ok()
        });
    Some((
        None,
        Position {
            line: Some(line),
            column,
            pointer: None,
        },
    ))
}

/// The input's error from cargo's stderr: its position when cargo points
/// into the manifest given, else the file and position in the message.
fn cargo_error(stderr: &str, manifest: &Path) -> InputError {
    let mut message = format!("cargo metadata failed: {}", summarise_stderr(stderr));
    match location_in(stderr) {
        Some((Some(file), pos)) if std::fs::canonicalize(&file).is_ok_and(|f| f != manifest) => {
            message.push_str(&format!(" (in {file}, {pos})"));
            InputError::new(message)
        }
        Some((_, pos)) => InputError::at(message, pos),
        None => InputError::new(message),
    }
}

/// cargo's error as one line: the error and its causes, without source
/// snippets and without the position (given apart).
fn summarise_stderr(stderr: &str) -> String {
    let mut parts: Vec<String> = Vec::new();
    for line in error_lines(stderr) {
        let t = strip_error_prefix(line);
        if t.is_empty() || t == "Caused by:" || is_snippet(line) {
            continue;
        }
        if t.starts_with("TOML parse error at line") {
            continue;
        }
        if !parts.iter().any(|p| p == t) {
            parts.push(t.to_string());
        }
        if parts.len() == 4 {
            break;
        }
    }
    if parts.is_empty() {
        return "no message".into();
    }
    let mut s = parts.join(": ");
    if s.len() > 400 {
        let cut = (0..=400)
            .rev()
            .find(|&i| s.is_char_boundary(i))
            .unwrap_or(0);
        s.truncate(cut);
        s.push('…');
    }
    s
}

/// The manifest's `Cargo.toml`, parsed loosely (only `workspace` keys matter).
fn manifest_table(path: &Path) -> Option<toml::Table> {
    std::fs::read_to_string(path).ok()?.parse().ok()
}

/// Where the workspace's `Cargo.lock` is, if it exists, and the directories
/// looked in (beside the manifest, and the workspace root as cargo finds it:
/// `package.workspace`, else the nearest ancestor whose manifest has `[workspace]`).
fn find_lockfile(manifest: &Path) -> (Option<PathBuf>, Vec<PathBuf>) {
    let dir = manifest
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let mut looked = vec![dir.clone()];
    if dir.join("Cargo.lock").is_file() {
        return (Some(dir.join("Cargo.lock")), looked);
    }
    let table = manifest_table(manifest);
    if table.as_ref().is_some_and(|t| t.contains_key("workspace")) {
        return (None, looked);
    }
    let explicit = table.as_ref().and_then(|t| {
        t.get("package")?
            .get("workspace")?
            .as_str()
            .map(str::to_string)
    });
    let root = match explicit {
        Some(rel) => Some(dir.join(rel)),
        None => dir.ancestors().skip(1).find_map(|a| {
            let m = a.join("Cargo.toml");
            (m.is_file() && manifest_table(&m).is_some_and(|t| t.contains_key("workspace")))
                .then(|| a.to_path_buf())
        }),
    };
    if let Some(root) = root {
        let lock = root.join("Cargo.lock");
        looked.push(root);
        if lock.is_file() {
            return (Some(lock), looked);
        }
    }
    (None, looked)
}

/// `path` relative to `base`, with `..` where it lies outside; `.` for `base` itself.
fn relative(path: &Path, base: &Path) -> String {
    let p: Vec<PathPart> = path.components().collect();
    let b: Vec<PathPart> = base.components().collect();
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common == 0 && path.is_absolute() != base.is_absolute() {
        return path.display().to_string();
    }
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for part in &p[common..] {
        out.push(part.as_os_str());
    }
    if out.as_os_str().is_empty() {
        ".".to_string()
    } else {
        out.display().to_string()
    }
}

/// What `cargo metadata` tells beyond the lockfile: licence, references,
/// authors, the native library it links, and the code it runs at build time.
fn enrich(c: &mut Component, p: &cargo_metadata::Package) {
    for a in &p.authors {
        if !c.authors.contains(a) {
            c.authors.push(a.clone());
        }
    }
    if let Some(l) = p.license.as_deref().filter(|l| !l.trim().is_empty()) {
        c.licenses.push(License::new(LicenseKind::Declared, l));
    } else if let Some(f) = &p.license_file {
        // A licence text of its own, not an SPDX expression: kept as npm spells it.
        c.licenses.push(License::new(
            LicenseKind::Declared,
            &format!("SEE LICENSE IN {f}"),
        ));
    }
    if let Some(r) = &p.repository {
        c.add_reference(RefKind::Vcs, r);
    }
    if let Some(h) = &p.homepage {
        c.add_reference(RefKind::Website, h);
    }
    if let Some(l) = &p.links {
        // `links = "z"`: the package links a native library (and so has a
        // build script that finds or builds it).
        c.add_reference(RefKind::Other, &format!("links:{l}"));
    }
    let mut code = Vec::new();
    for t in &p.targets {
        for k in &t.kind {
            let b = match k {
                TargetKind::CustomBuild => BuildCode::BuildScript,
                TargetKind::ProcMacro => BuildCode::ProcMacro,
                _ => continue,
            };
            if !code.contains(&b) {
                code.push(b);
            }
        }
    }
    c.build_code = Some(code);
}

/// The directory of a package's manifest, relative to the workspace root.
fn package_dir(p: &cargo_metadata::Package, workspace_root: &Path) -> String {
    let manifest = p.manifest_path.as_std_path();
    relative(manifest.parent().unwrap_or(manifest), workspace_root)
}

/// The kinds of dependency one edge stands for: a crate may depend on
/// another as a normal, a build and a dev dependency at once.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct EdgeKinds {
    normal: bool,
    build: bool,
    dev: bool,
}

impl EdgeKinds {
    const NORMAL: EdgeKinds = EdgeKinds {
        normal: true,
        build: false,
        dev: false,
    };
    const BUILD: EdgeKinds = EdgeKinds {
        normal: false,
        build: true,
        dev: false,
    };
    const DEV: EdgeKinds = EdgeKinds {
        normal: false,
        build: false,
        dev: true,
    };

    fn with(self, other: EdgeKinds) -> EdgeKinds {
        EdgeKinds {
            normal: self.normal || other.normal,
            build: self.build || other.build,
            dev: self.dev || other.dev,
        }
    }

    fn shares_any(self, other: EdgeKinds) -> bool {
        (self.normal && other.normal) || (self.build && other.build) || (self.dev && other.dev)
    }
}

/// Nodes reachable from `starts` through edges of the `allowed` kinds.
fn reach(adj: &[Vec<(usize, EdgeKinds)>], starts: &[usize], allowed: EdgeKinds) -> Vec<bool> {
    let mut seen = vec![false; adj.len()];
    let mut queue: VecDeque<usize> = VecDeque::new();
    for &s in starts {
        if !seen[s] {
            seen[s] = true;
            queue.push_back(s);
        }
    }
    while let Some(v) = queue.pop_front() {
        for &(t, kinds) in &adj[v] {
            if kinds.shares_any(allowed) && !seen[t] {
                seen[t] = true;
                queue.push_back(t);
            }
        }
    }
    seen
}

/// Checksums of a lockfile by name, version and source (without a git fragment).
fn lock_checksums(lock: &Lock) -> HashMap<(&str, &str, &str), (&str, usize)> {
    lock.packages
        .iter()
        .filter_map(|p| {
            let src = p.source.as_deref().map(without_fragment).unwrap_or("");
            Some((
                (p.name.as_str(), p.version.as_str(), src),
                (p.checksum.as_deref()?, p.line),
            ))
        })
        .collect()
}

/// The doc of a full `cargo metadata`: every package of the resolved graph.
fn from_metadata(
    meta: &Metadata,
    lock: Option<&Lock>,
    doc: &mut ParsedDoc,
) -> Result<(), InputError> {
    let resolve = meta
        .resolve
        .as_ref()
        .ok_or_else(|| InputError::new("cargo metadata gave no dependency graph (resolve)"))?;
    let root = meta.workspace_root.as_std_path();
    let packages: HashMap<&str, &cargo_metadata::Package> = meta
        .packages
        .iter()
        .map(|p| (p.id.repr.as_str(), p))
        .collect();
    let checksums = lock.map(lock_checksums).unwrap_or_default();
    let mut sources = Sources::default();

    let nodes: Vec<(&cargo_metadata::Node, &cargo_metadata::Package)> = resolve
        .nodes
        .iter()
        .filter_map(|n| match packages.get(n.id.repr.as_str()) {
            Some(p) => Some((n, *p)),
            None => {
                doc.warnings.push(format!(
                    "cargo metadata resolves {} but does not describe it; skipped",
                    n.id
                ));
                None
            }
        })
        .collect();
    let index: HashMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, (n, _))| (n.id.repr.as_str(), i))
        .collect();
    let versions: Vec<String> = nodes.iter().map(|(_, p)| p.version.to_string()).collect();
    let keys = package_keys(nodes.iter().zip(&versions).map(|((_, p), v)| {
        (
            p.name.as_str(),
            v.as_str(),
            p.source.as_ref().map(|s| s.repr.as_str()),
        )
    }));

    // Edges with their kinds; a dependency without kinds (cargo before 1.41) is normal.
    let mut adj: Vec<Vec<(usize, EdgeKinds)>> = vec![Vec::new(); nodes.len()];
    for (i, (n, _)) in nodes.iter().enumerate() {
        if n.deps.is_empty() {
            for d in &n.dependencies {
                if let Some(&t) = index.get(d.repr.as_str()) {
                    adj[i].push((t, EdgeKinds::NORMAL));
                }
            }
            continue;
        }
        for d in &n.deps {
            let Some(&t) = index.get(d.pkg.repr.as_str()) else {
                continue;
            };
            let mut kinds = EdgeKinds::default();
            for k in &d.dep_kinds {
                kinds = kinds.with(match k.kind {
                    DependencyKind::Development => EdgeKinds::DEV,
                    DependencyKind::Build => EdgeKinds::BUILD,
                    _ => EdgeKinds::NORMAL,
                });
            }
            if kinds == EdgeKinds::default() {
                kinds = EdgeKinds::NORMAL;
            }
            match adj[i].iter_mut().find(|(x, _)| *x == t) {
                Some((_, k)) => *k = k.with(kinds),
                None => adj[i].push((t, kinds)),
            }
        }
    }
    let members: Vec<usize> = meta
        .workspace_members
        .iter()
        .filter_map(|id| index.get(id.repr.as_str()).copied())
        .collect();
    let required = reach(&adj, &members, EdgeKinds::NORMAL);
    let built = reach(&adj, &members, EdgeKinds::NORMAL.with(EdgeKinds::BUILD));
    let any = reach(
        &adj,
        &members,
        EdgeKinds::NORMAL
            .with(EdgeKinds::BUILD)
            .with(EdgeKinds::DEV),
    );

    for (i, (_, p)) in nodes.iter().enumerate() {
        let version = &versions[i];
        let source = p.source.as_ref().map(|s| s.repr.as_str());
        let src_key = source.map(without_fragment).unwrap_or("");
        let lock_entry = checksums.get(&(p.name.as_str(), version.as_str(), src_key));
        let pointer = match (lock_entry, source) {
            (Some((_, line)), _) => format!("Cargo.lock line {line}"),
            (None, None) => relative(p.manifest_path.as_std_path(), root),
            (None, Some(_)) => format!("cargo metadata: {}", keys[i]),
        };
        let dir = package_dir(p, root);
        let mut c = new_component(
            &keys[i],
            &p.name,
            version,
            source,
            &dir,
            &mut sources,
            &mut doc.warnings,
            &pointer,
        );
        if let Some((sum, _)) = lock_entry {
            c.add_hash("SHA-256", sum);
        }
        enrich(&mut c, p);
        c.scope = if required[i] {
            Scope::Required
        } else if built[i] {
            Scope::Build
        } else if any[i] {
            Scope::Dev
        } else {
            Scope::Required
        };
        for &(t, _) in &adj[i] {
            doc.edges.push((keys[i].clone(), keys[t].clone()));
        }
        doc.push(c, pointer, None);
    }
    for &m in &members {
        doc.roots.push(keys[m].clone());
    }
    let primary = resolve
        .root
        .as_ref()
        .and_then(|r| index.get(r.repr.as_str()).copied())
        .or_else(|| (members.len() == 1).then(|| members[0]));
    if let Some(pi) = primary {
        doc.meta.primary = Some(keys[pi].clone());
        doc.meta.subject_name = Some(nodes[pi].1.name.to_string());
        doc.meta.subject_version = Some(nodes[pi].1.version.to_string());
    }
    doc.meta.has_dependency_graph = true;
    Ok(())
}

/// Workspace members from `cargo metadata --no-deps` folded into a doc read
/// from the lockfile (or added when the lockfile lacks them).
fn add_members(meta: &Metadata, doc: &mut ParsedDoc) {
    let root = meta.workspace_root.as_std_path();
    let mut sources = Sources::default();
    let mut member_keys = Vec::new();
    for p in meta.workspace_packages() {
        let version = p.version.to_string();
        let dir = package_dir(p, root);
        let found = doc.components.iter().position(|c| {
            c.name == p.name.as_str()
                && c.version.as_deref() == Some(version.as_str())
                && matches!(c.source, SourceKind::Path { .. })
        });
        let key = match found {
            Some(i) => {
                let c = &mut doc.components[i];
                c.source = SourceKind::Path { path: dir };
                enrich(c, p);
                c.bom_ref.clone().unwrap_or_default()
            }
            None => {
                let pointer = relative(p.manifest_path.as_std_path(), root);
                let mut key = format!("{} {version}", p.name);
                if doc
                    .components
                    .iter()
                    .any(|c| c.bom_ref.as_deref() == Some(&key))
                {
                    key.push_str(" (path)");
                }
                let mut c = new_component(
                    &key,
                    &p.name,
                    &version,
                    None,
                    &dir,
                    &mut sources,
                    &mut doc.warnings,
                    &pointer,
                );
                enrich(&mut c, p);
                doc.push(c, pointer, None);
                key
            }
        };
        if !doc.roots.contains(&key) {
            doc.roots.push(key.clone());
        }
        member_keys.push(key);
    }
    if let [only] = member_keys.as_slice() {
        let c = doc
            .components
            .iter()
            .find(|c| c.bom_ref.as_deref() == Some(only.as_str()));
        if let Some(c) = c {
            doc.meta.primary = Some(only.clone());
            doc.meta.subject_name = Some(c.name.clone());
            doc.meta.subject_version = c.version.clone();
        }
    }
}

pub fn parse_manifest(input: &Input) -> Result<ParsedDoc, InputError> {
    if input.path.as_os_str().is_empty() {
        return Err(InputError::new(
            "a Cargo manifest is read through cargo metadata, which needs its path",
        ));
    }
    let manifest = if input.path.is_dir() {
        input.path.join("Cargo.toml")
    } else {
        input.path.to_path_buf()
    };
    let manifest = std::fs::canonicalize(&manifest).unwrap_or(manifest);
    let offline = input.options.offline;
    let (lock_path, looked) = find_lockfile(&manifest);
    let lock_bytes = lock_path
        .as_ref()
        .and_then(|p| crate::model::document_read::read_document(p).ok());
    let mut doc = ParsedDoc::new(Format::CargoMetadata);

    let mut result = run_metadata(&manifest, lock_path.is_some(), offline, false, None);
    // Offline, cargo needs every platform's dependencies downloaded; a machine
    // that built for its own platform only has those: list them, and say so.
    if offline
        && let Err(MetadataFailure::Failed(stderr)) = &result
        && (stderr.contains("--offline was specified") || stderr.contains("failed to download"))
        && let Some(host) = host_platform()
        && let Ok(meta) = run_metadata(&manifest, lock_path.is_some(), offline, false, Some(&host))
    {
        doc.warnings.push(format!(
            "offline, cargo has not downloaded the dependencies of other platforms: the packages listed are those of {host}, the platform of this machine"
        ));
        result = Ok(meta);
    }
    match result {
        Ok(meta) => {
            let lock = match &lock_bytes {
                Some(b) => match read_lock(b) {
                    Ok(l) => Some(l),
                    Err(e) => {
                        doc.warnings
                            .push(format!("Cargo.lock could not be read ({e}): no checksums"));
                        None
                    }
                },
                None => None,
            };
            if let Some(l) = &lock {
                doc.warnings
                    .extend(l.warnings.iter().map(|w| format!("Cargo.lock: {w}")));
                doc.spec_version = Some(version_label(l.version));
            }
            if lock_path.is_none() {
                let written = meta.workspace_root.as_std_path().join("Cargo.lock");
                let written = std::fs::canonicalize(&written).unwrap_or(written);
                // cargo writes a lockfile where there was none: remove it
                // again when it is in a directory we saw without one.
                let removed = written.is_file()
                    && looked.iter().any(|d| {
                        std::fs::canonicalize(d.join("Cargo.lock")).is_ok_and(|p| p == written)
                    })
                    && std::fs::remove_file(&written).is_ok();
                doc.warnings.push(format!(
                    "no Cargo.lock: these are the versions cargo resolved for this scan, and a build may resolve others{}",
                    if removed {
                        " (the Cargo.lock cargo metadata wrote was removed again)"
                    } else {
                        ""
                    }
                ));
            }
            from_metadata(&meta, lock.as_ref(), &mut doc)?;
            Ok(doc)
        }
        Err(failure) => {
            let reason = failure.reason();
            let members = match &failure {
                MetadataFailure::NoCargo(_) => None,
                MetadataFailure::Failed(_) => {
                    run_metadata(&manifest, lock_path.is_some(), offline, true, None).ok()
                }
            };
            match (&lock_bytes, members) {
                (Some(bytes), members) => {
                    let lock = read_lock(bytes).map_err(|e| {
                        InputError::new(format!(
                            "{reason}, and Cargo.lock could not be read instead: {e}"
                        ))
                    })?;
                    doc.warnings.push(format!(
                        "{reason}; read Cargo.lock instead, so build scripts, proc-macros and licences of dependencies are unknown"
                    ));
                    lock_to_doc(&lock, "Cargo.lock ", &mut doc);
                    if let Some(meta) = members {
                        add_members(&meta, &mut doc);
                    }
                    Ok(doc)
                }
                (None, Some(meta)) => {
                    doc.warnings.push(format!(
                        "{reason}; there is no Cargo.lock, so only the workspace members are known"
                    ));
                    add_members(&meta, &mut doc);
                    Ok(doc)
                }
                (None, None) => Err(match failure {
                    MetadataFailure::NoCargo(e) => InputError::new(format!(
                        "cargo could not be run ({e}) and there is no Cargo.lock to read instead"
                    )),
                    MetadataFailure::Failed(stderr) => cargo_error(&stderr, &manifest),
                }),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::IngestOptions;
    use crate::model::HashAlg;

    fn lock(text: &str) -> Result<ParsedDoc, InputError> {
        parse_lock(&Input {
            path: Path::new("Cargo.lock"),
            bytes: text.as_bytes(),
            options: &IngestOptions::default(),
        })
    }

    fn find<'a>(doc: &'a ParsedDoc, name: &str) -> &'a Component {
        doc.components
            .iter()
            .find(|c| c.name == name)
            .unwrap_or_else(|| panic!("no {name}"))
    }

    const V3: &str = r#"# This file is automatically @generated by Cargo.
# It is not intended for manual editing.
version = 3

[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "helper",
 "itoa",
 "serde 1.0.200 (registry+https://github.com/rust-lang/crates.io-index)",
 "serde 1.0.200 (registry+https://cargo.registry.example/index)",
 "gitdep",
 "tagged 0.0.1+build.5",
]

[[package]]
name = "helper"
version = "0.2.0"

[[package]]
name = "itoa"
version = "1.0.11"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "49F1F14873335454500D59611F1CF4A4B0F786F9AC11F4BB78F8E2F49B8765C4"

[[package]]
name = "serde"
version = "1.0.200"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "ddc6f9cc94d67c0e21aaf7eda3a010fd3af78ebf6e096aa6e2e13c79749cce4f"

[[package]]
name = "serde"
version = "1.0.200"
source = "registry+https://cargo.registry.example/index"
checksum = "ddc6f9cc94d67c0e21aaf7eda3a010fd3af78ebf6e096aa6e2e13c79749cce40"

[[package]]
name = "gitdep"
version = "0.3.0"
source = "git+https://git.example/org/gitdep?branch=main#0123456789abcdef0123456789abcdef01234567"

[[package]]
name = "tagged"
version = "0.0.1+build.5"
source = "git+https://git.example/org/tagged?tag=v0.0.1#v0.0.1"
unknown_key = [1, 2]
"#;

    #[test]
    fn v3_registry_git_and_path_entries() {
        let doc = lock(V3).unwrap();
        assert_eq!(doc.spec_version.as_deref(), Some("v3"));
        assert_eq!(doc.components.len(), 7);
        assert!(doc.meta.has_dependency_graph);

        let app = find(&doc, "app");
        assert_eq!(app.source, SourceKind::Path { path: ".".into() });
        assert_eq!(app.purl.as_deref(), Some("pkg:cargo/app@0.1.0"));
        assert_eq!(app.build_code, None, "a lockfile does not tell");
        assert_eq!(app.locations[0].pointer, "line 6");
        assert_eq!(doc.roots, vec!["app 0.1.0", "helper 0.2.0"]);
        assert_eq!(doc.meta.primary, None, "two path crates: no single product");

        let itoa = find(&doc, "itoa");
        assert_eq!(itoa.ecosystem, Ecosystem::Cargo);
        assert_eq!(itoa.purl.as_deref(), Some("pkg:cargo/itoa@1.0.11"));
        assert_eq!(
            itoa.source,
            SourceKind::Registry {
                url: Some("https://github.com/rust-lang/crates.io-index".into())
            }
        );
        assert_eq!(itoa.hashes[0].alg, HashAlg::Sha256);
        assert_eq!(
            itoa.hashes[0].value,
            "49f1f14873335454500d59611f1cf4a4b0f786f9ac11f4bb78f8e2f49b8765c4"
        );

        // The alternative registry's serde keeps its own identity.
        let alt = doc
            .components
            .iter()
            .find(|c| {
                c.bom_ref.as_deref()
                    == Some("serde 1.0.200 (registry+https://cargo.registry.example/index)")
            })
            .unwrap();
        assert!(
            alt.purl.as_deref().unwrap().contains("repository_url="),
            "{:?}",
            alt.purl
        );

        let git = find(&doc, "gitdep");
        match &git.source {
            SourceKind::Git { url, rev, pinned } => {
                assert_eq!(url, "git+https://git.example/org/gitdep");
                assert_eq!(
                    rev.as_deref(),
                    Some("0123456789abcdef0123456789abcdef01234567")
                );
                // `?branch=main`: the lockfile records a commit, the manifest follows a branch.
                assert!(!pinned);
            }
            other => panic!("{other:?}"),
        }
        assert!(
            git.references
                .iter()
                .any(|r| r.kind == RefKind::Vcs && r.url.contains("?branch=main#0123456789abcdef"))
        );
        assert!(
            git.purl.as_deref().unwrap().contains("vcs_url="),
            "{:?}",
            git.purl
        );

        let tagged = find(&doc, "tagged");
        assert!(
            matches!(&tagged.source, SourceKind::Git { rev: Some(r), pinned: false, .. } if r == "v0.0.1")
        );
        assert_eq!(tagged.version.as_deref(), Some("0.0.1+build.5"));
        assert!(tagged.purl.is_some(), "a build suffix still makes a purl");

        // Every dependency form resolves to the exact package.
        let from_app: Vec<&str> = doc
            .edges
            .iter()
            .filter(|(f, _)| f == "app 0.1.0")
            .map(|(_, t)| t.as_str())
            .collect();
        assert_eq!(
            from_app,
            vec![
                "helper 0.2.0",
                "itoa 1.0.11",
                "serde 1.0.200 (registry+https://github.com/rust-lang/crates.io-index)",
                "serde 1.0.200 (registry+https://cargo.registry.example/index)",
                "gitdep 0.3.0",
                "tagged 0.0.1+build.5",
            ]
        );
        assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
    }

    #[test]
    fn v1_checksums_from_metadata_and_full_dependency_strings() {
        let text = r#"[[package]]
name = "app"
version = "0.1.0"
dependencies = [
 "a 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)",
 "g 2.0.0 (git+https://git.example/g?branch=dev)",
]

[[package]]
name = "a"
version = "1.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"

[[package]]
name = "g"
version = "2.0.0"
source = "git+https://git.example/g?branch=dev#c887c803ac56deb5f91b617ef0486ca3fb98473b"

[metadata]
"checksum a 1.0.0 (registry+https://github.com/rust-lang/crates.io-index)" = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"
"checksum g 2.0.0 (git+https://git.example/g?branch=dev)" = "<none>"
"#;
        let doc = lock(text).unwrap();
        assert_eq!(doc.spec_version.as_deref(), Some("v1"));
        let a = find(&doc, "a");
        assert_eq!(
            a.hashes[0].value,
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert!(find(&doc, "g").hashes.is_empty());
        assert_eq!(doc.edges.len(), 2);
        assert_eq!(doc.edges[1].1, "g 2.0.0");
        assert_eq!(doc.meta.primary.as_deref(), Some("app 0.1.0"));
        assert_eq!(doc.meta.subject_name.as_deref(), Some("app"));
        assert_eq!(doc.meta.subject_version.as_deref(), Some("0.1.0"));
    }

    #[test]
    fn v4_sparse_registry_and_encoded_git_query() {
        let text = r#"version = 4

[[package]]
name = "x"
version = "1.0.0"
source = "sparse+https://cargo.registry.example/index/"
checksum = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

[[package]]
name = "y"
version = "1.0.0"
source = "git+https://git.example/y?branch=feature%2Fone#c887c803"
"#;
        let doc = lock(text).unwrap();
        assert_eq!(doc.spec_version.as_deref(), Some("v4"));
        assert_eq!(
            find(&doc, "x").source,
            SourceKind::Registry {
                url: Some("https://cargo.registry.example/index/".into())
            }
        );
        assert!(matches!(
            &find(&doc, "y").source,
            SourceKind::Git { rev: Some(r), pinned: false, .. } if r == "c887c803"
        ));
        assert!(doc.roots.is_empty());
    }

    #[test]
    fn git_sources_are_pinned_only_by_a_commit_rev() {
        let text = r#"version = 4

[[package]]
name = "branch"
version = "1.0.0"
source = "git+https://git.example/branch?branch=main#0123456789abcdef0123456789abcdef01234567"

[[package]]
name = "tag"
version = "1.0.0"
source = "git+https://git.example/tag?tag=v1.0.0#0123456789abcdef0123456789abcdef01234567"

[[package]]
name = "head"
version = "1.0.0"
source = "git+https://git.example/head#0123456789abcdef0123456789abcdef01234567"

[[package]]
name = "short-rev"
version = "1.0.0"
source = "git+https://git.example/short?rev=0123456#0123456789abcdef0123456789abcdef01234567"

[[package]]
name = "full-rev"
version = "1.0.0"
source = "git+https://git.example/full?rev=0123456789abcdef0123456789abcdef01234567#0123456789abcdef0123456789abcdef01234567"

[[package]]
name = "ref-rev"
version = "1.0.0"
source = "git+https://git.example/pr?rev=refs%2Fpull%2F1%2Fhead#0123456789abcdef0123456789abcdef01234567"
"#;
        let doc = lock(text).unwrap();
        for (name, expect) in [
            ("branch", false),
            ("tag", false),
            ("head", false),
            ("short-rev", true),
            ("full-rev", true),
            ("ref-rev", false),
        ] {
            match &find(&doc, name).source {
                SourceKind::Git { rev, pinned, .. } => {
                    assert_eq!(*pinned, expect, "{name}");
                    // The commit built is the one the lockfile recorded.
                    assert_eq!(
                        rev.as_deref(),
                        Some("0123456789abcdef0123456789abcdef01234567"),
                        "{name}"
                    );
                }
                other => panic!("{name}: {other:?}"),
            }
        }
    }

    #[test]
    fn dangling_dependencies_are_kept_for_the_merge_to_report() {
        let text = "version = 3\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\ndependencies = [\"missing\"]\n";
        let doc = lock(text).unwrap();
        assert_eq!(
            doc.edges,
            vec![("a 1.0.0".to_string(), "missing".to_string())]
        );
        assert!(
            doc.warnings
                .iter()
                .any(|w| w.contains("name no [[package]]"))
        );
    }

    #[test]
    fn syntax_error_names_line_and_column() {
        let e = lock("version = 3\n\n[[package]]\nname = \"a\nversion = \"1.0.0\"\n").unwrap_err();
        let p = e.position.clone().unwrap();
        assert_eq!(p.line, Some(4), "{e}");
        assert!(p.column.is_some());
        assert!(e.message.starts_with("invalid Cargo.lock"), "{e}");
    }

    #[test]
    fn missing_name_is_a_structural_error() {
        let e = lock("version = 3\n\n[[package]]\nversion = \"1.0.0\"\n").unwrap_err();
        assert!(e.message.contains("name"), "{e}");
        assert!(e.position.is_some(), "{e}");
    }

    #[test]
    fn unknown_format_version_is_refused_clearly() {
        let e = lock("# x\nversion = 99\n\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\n")
            .unwrap_err();
        assert_eq!(e.position.as_ref().and_then(|p| p.line), Some(2));
        assert!(e.message.contains("format version 99"), "{e}");
        assert!(e.message.contains("1 to 4"), "{e}");
    }

    #[test]
    fn bad_checksum_and_source_are_warnings() {
        let text = r#"version = 3
[[package]]
name = "a"
version = "1.0.0"
source = "svn+https://svn.example/a"
checksum = "nothex"
"#;
        let doc = lock(text).unwrap();
        assert_eq!(doc.components.len(), 1);
        assert!(find(&doc, "a").hashes.is_empty());
        assert_eq!(doc.warnings.len(), 2, "{:?}", doc.warnings);
        assert_eq!(find(&doc, "a").source, SourceKind::Unknown);
    }

    #[test]
    fn non_utf8_is_an_error_with_a_position() {
        let e = lock("version = 3\n\u{0}").map(|_| ()).err();
        // NUL is valid UTF-8 but not valid TOML.
        assert!(e.is_some());
        let e = read_lock(b"version = 3\n\xff").unwrap_err();
        assert_eq!(e.position.unwrap().line, Some(2));
    }

    #[test]
    fn corpus_counts() {
        for (rel, n, spec) in [
            ("v1-xi-editor-2020/Cargo.lock", 160, "v1"),
            ("v4-cyclonedx-rust-cargo/Cargo.lock", 279, "v4"),
        ] {
            let (_, bytes) = crate::ingest::test_corpus::file(&format!("lockfiles/cargo/{rel}"));
            let doc = parse_lock(&Input {
                path: Path::new("Cargo.lock"),
                bytes: &bytes,
                options: &IngestOptions::default(),
            })
            .unwrap();
            assert_eq!(doc.components.len(), n, "{rel}");
            assert_eq!(doc.spec_version.as_deref(), Some(spec), "{rel}");
            assert!(doc.warnings.is_empty(), "{rel}: {:?}", doc.warnings);
            let registry = doc
                .components
                .iter()
                .filter(|c| matches!(c.source, SourceKind::Registry { .. }));
            for c in registry {
                assert_eq!(c.hashes.len(), 1, "{rel}: {} has its checksum", c.name);
            }
        }
    }

    #[test]
    fn cargo_stderr_becomes_one_line_with_its_position() {
        let stderr = "error: failed to parse manifest at `/tmp/x/Cargo.toml`\n\nCaused by:\n  TOML parse error at line 3, column 8\n    |\n  3 | name = \n    |        ^\n  string values must be quoted, expected literal string\n";
        assert_eq!(
            summarise_stderr(stderr),
            "failed to parse manifest at `/tmp/x/Cargo.toml`: string values must be quoted, expected literal string"
        );
        assert_eq!(location_in(stderr), Some((None, Position::line_col(3, 8))));
        let current = "error: string values must be quoted, expected literal string\n --> broken/Cargo.toml:3:11\n  |\n3 | version = \n  |           ^\n";
        assert_eq!(
            summarise_stderr(current),
            "string values must be quoted, expected literal string"
        );
        assert_eq!(
            location_in(current),
            Some((Some("broken/Cargo.toml".into()), Position::line_col(3, 11)))
        );
        assert_eq!(
            first_error_line(
                "    Updating index\nerror: no matching package named `itoa` found\nlocation searched: x\n"
            ),
            "no matching package named `itoa` found"
        );
    }

    #[test]
    fn relative_paths() {
        assert_eq!(relative(Path::new("/w"), Path::new("/w")), ".");
        assert_eq!(
            relative(Path::new("/w/crates/a"), Path::new("/w")),
            "crates/a"
        );
        assert_eq!(
            relative(Path::new("/other/b"), Path::new("/w")),
            "../other/b"
        );
    }

    /// A workspace of two members: `app` depends on `lib` (normal), `bt`
    /// (build) and `dt` (dev); `shared` is reached both normally and as a
    /// dev-dependency; `deep` only through `dt`.
    const METADATA: &str = r#"{
  "packages": [
    {"name": "app", "version": "0.1.0", "id": "path+file:///w#app@0.1.0", "source": null,
     "license": "MIT OR Apache-2.0", "authors": ["A <a@example.com>"], "repository": "https://git.example/app",
     "homepage": "https://app.example", "links": null, "dependencies": [], "features": {},
     "manifest_path": "/w/Cargo.toml",
     "targets": [{"name": "app", "kind": ["bin"], "crate_types": ["bin"], "src_path": "/w/src/main.rs"},
                 {"name": "build-script-build", "kind": ["custom-build"], "crate_types": ["bin"], "src_path": "/w/build.rs"}]},
    {"name": "lib", "version": "0.2.0", "id": "path+file:///w/crates/lib#0.2.0", "source": null,
     "dependencies": [], "features": {}, "manifest_path": "/w/crates/lib/Cargo.toml",
     "targets": [{"name": "lib", "kind": ["lib"], "crate_types": ["lib"], "src_path": "/w/crates/lib/src/lib.rs"}]},
    {"name": "bt", "version": "1.0.0", "id": "registry+https://github.com/rust-lang/crates.io-index#bt@1.0.0",
     "source": "registry+https://github.com/rust-lang/crates.io-index", "license": "MIT", "links": "z",
     "dependencies": [], "features": {}, "manifest_path": "/home/.cargo/registry/src/bt-1.0.0/Cargo.toml",
     "targets": [{"name": "bt", "kind": ["lib"], "crate_types": ["lib"], "src_path": "/x/lib.rs"},
                 {"name": "build-script-build", "kind": ["custom-build"], "crate_types": ["bin"], "src_path": "/x/build.rs"}]},
    {"name": "dt", "version": "1.0.0", "id": "registry+https://github.com/rust-lang/crates.io-index#dt@1.0.0",
     "source": "registry+https://github.com/rust-lang/crates.io-index", "license": "Apache 2.0",
     "dependencies": [], "features": {}, "manifest_path": "/home/.cargo/registry/src/dt-1.0.0/Cargo.toml",
     "targets": [{"name": "dt", "kind": ["proc-macro"], "crate_types": ["proc-macro"], "src_path": "/x/lib.rs"}]},
    {"name": "shared", "version": "1.0.0", "id": "git+https://git.example/shared?branch=main#c887c803ac56deb5f91b617ef0486ca3fb98473b",
     "source": "git+https://git.example/shared?branch=main#c887c803ac56deb5f91b617ef0486ca3fb98473b",
     "dependencies": [], "features": {}, "manifest_path": "/home/.cargo/git/shared/Cargo.toml",
     "targets": [{"name": "shared", "kind": ["lib"], "crate_types": ["lib"], "src_path": "/x/lib.rs"}]},
    {"name": "deep", "version": "1.0.0", "id": "registry+https://github.com/rust-lang/crates.io-index#deep@1.0.0",
     "source": "registry+https://github.com/rust-lang/crates.io-index",
     "dependencies": [], "features": {}, "manifest_path": "/home/.cargo/registry/src/deep-1.0.0/Cargo.toml",
     "targets": [{"name": "deep", "kind": ["lib"], "crate_types": ["lib"], "src_path": "/x/lib.rs"}]},
    {"name": "unused", "version": "1.0.0", "id": "registry+https://github.com/rust-lang/crates.io-index#unused@1.0.0",
     "source": "registry+https://github.com/rust-lang/crates.io-index",
     "dependencies": [], "features": {}, "manifest_path": "/home/.cargo/registry/src/unused-1.0.0/Cargo.toml",
     "targets": []}
  ],
  "workspace_members": ["path+file:///w#app@0.1.0", "path+file:///w/crates/lib#0.2.0"],
  "resolve": {
    "nodes": [
      {"id": "path+file:///w#app@0.1.0", "dependencies": [], "features": [], "deps": [
        {"name": "lib", "pkg": "path+file:///w/crates/lib#0.2.0", "dep_kinds": [{"kind": null, "target": null}]},
        {"name": "bt", "pkg": "registry+https://github.com/rust-lang/crates.io-index#bt@1.0.0", "dep_kinds": [{"kind": "build", "target": null}]},
        {"name": "dt", "pkg": "registry+https://github.com/rust-lang/crates.io-index#dt@1.0.0", "dep_kinds": [{"kind": "dev", "target": null}]},
        {"name": "shared", "pkg": "git+https://git.example/shared?branch=main#c887c803ac56deb5f91b617ef0486ca3fb98473b", "dep_kinds": [{"kind": "dev", "target": null}]}
      ]},
      {"id": "path+file:///w/crates/lib#0.2.0", "dependencies": [], "features": [], "deps": [
        {"name": "shared", "pkg": "git+https://git.example/shared?branch=main#c887c803ac56deb5f91b617ef0486ca3fb98473b", "dep_kinds": [{"kind": null, "target": "cfg(unix)"}]}
      ]},
      {"id": "registry+https://github.com/rust-lang/crates.io-index#bt@1.0.0", "dependencies": [], "features": [], "deps": []},
      {"id": "registry+https://github.com/rust-lang/crates.io-index#dt@1.0.0", "dependencies": [], "features": [], "deps": [
        {"name": "deep", "pkg": "registry+https://github.com/rust-lang/crates.io-index#deep@1.0.0", "dep_kinds": [{"kind": null, "target": null}]}
      ]},
      {"id": "git+https://git.example/shared?branch=main#c887c803ac56deb5f91b617ef0486ca3fb98473b", "dependencies": [], "features": [], "deps": []},
      {"id": "registry+https://github.com/rust-lang/crates.io-index#deep@1.0.0", "dependencies": [], "features": [], "deps": []}
    ],
    "root": "path+file:///w#app@0.1.0"
  },
  "workspace_root": "/w",
  "target_directory": "/w/target",
  "version": 1
}"#;

    #[test]
    fn metadata_gives_scopes_build_code_licences_and_references() {
        let meta = MetadataCommand::parse(METADATA).unwrap();
        let lock_text = r#"version = 4

[[package]]
name = "bt"
version = "1.0.0"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
"#;
        let lock = read_lock(lock_text.as_bytes()).unwrap();
        let mut doc = ParsedDoc::new(Format::CargoMetadata);
        from_metadata(&meta, Some(&lock), &mut doc).unwrap();

        let names: Vec<&str> = doc.components.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            ["app", "lib", "bt", "dt", "shared", "deep"],
            "only resolved packages"
        );
        assert_eq!(doc.roots, ["app 0.1.0", "lib 0.2.0"]);
        assert_eq!(doc.meta.primary.as_deref(), Some("app 0.1.0"));
        assert_eq!(doc.meta.subject_name.as_deref(), Some("app"));

        let app = find(&doc, "app");
        assert_eq!(app.source, SourceKind::Path { path: ".".into() });
        assert_eq!(app.build_code, Some(vec![BuildCode::BuildScript]));
        assert_eq!(
            app.licenses[0].expression.as_deref(),
            Some("MIT OR Apache-2.0")
        );
        assert_eq!(app.authors, ["A <a@example.com>"]);
        assert!(app.references.iter().any(|r| r.kind == RefKind::Vcs));
        assert!(app.references.iter().any(|r| r.kind == RefKind::Website));
        assert_eq!(app.locations[0].pointer, "Cargo.toml");

        let lib = find(&doc, "lib");
        assert_eq!(
            lib.source,
            SourceKind::Path {
                path: "crates/lib".into()
            }
        );
        assert_eq!(lib.build_code, Some(vec![]));
        assert_eq!(lib.scope, Scope::Required);

        let bt = find(&doc, "bt");
        assert_eq!(bt.scope, Scope::Build);
        assert_eq!(bt.build_code, Some(vec![BuildCode::BuildScript]));
        assert_eq!(bt.hashes.len(), 1, "checksum from the Cargo.lock");
        assert_eq!(bt.locations[0].pointer, "Cargo.lock line 4");
        assert!(
            bt.references
                .iter()
                .any(|r| r.kind == RefKind::Other && r.url == "links:z")
        );

        let dt = find(&doc, "dt");
        assert_eq!(dt.scope, Scope::Dev);
        assert_eq!(dt.build_code, Some(vec![BuildCode::ProcMacro]));
        assert!(dt.licenses[0].expression.is_some(), "{:?}", dt.licenses);
        assert_eq!(find(&doc, "deep").scope, Scope::Dev);
        assert_eq!(
            find(&doc, "shared").scope,
            Scope::Required,
            "normal through lib wins over dev from app"
        );
        // `?branch=main`: the recorded commit, but a branch that moves on update.
        assert!(matches!(
            find(&doc, "shared").source,
            SourceKind::Git { pinned: false, .. }
        ));

        assert_eq!(doc.edges.len(), 6);
        assert!(
            doc.edges
                .contains(&("dt 1.0.0".into(), "deep 1.0.0".into()))
        );
    }

    #[test]
    fn workspace_without_dependencies_reads_through_cargo() {
        // Path crates only: cargo metadata needs no registry and no network.
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::write(
            root.join("Cargo.toml"),
            "[package]\nname = \"solo\"\nversion = \"0.3.0\"\nedition = \"2021\"\nlicense = \"MIT\"\n\n[dependencies]\ninner = { path = \"inner\" }\n\n[workspace]\n",
        )
        .unwrap();
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::write(root.join("src/lib.rs"), "").unwrap();
        std::fs::create_dir_all(root.join("inner/src")).unwrap();
        std::fs::write(
            root.join("inner/Cargo.toml"),
            "[package]\nname = \"inner\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
        )
        .unwrap();
        std::fs::write(root.join("inner/src/lib.rs"), "").unwrap();
        let manifest = root.join("Cargo.toml");
        let options = IngestOptions {
            offline: true,
            ..IngestOptions::default()
        };
        let bytes = std::fs::read(&manifest).unwrap();
        let doc = parse_manifest(&Input {
            path: &manifest,
            bytes: &bytes,
            options: &options,
        })
        .unwrap();
        let names: Vec<&str> = doc.components.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names.len(), 2, "{names:?} {:?}", doc.warnings);
        assert!(
            doc.warnings.iter().any(|w| w.starts_with("no Cargo.lock")),
            "{:?}",
            doc.warnings
        );
        assert!(
            !root.join("Cargo.lock").exists(),
            "the lockfile cargo wrote is removed again"
        );
        let inner = find(&doc, "inner");
        assert_eq!(
            inner.source,
            SourceKind::Path {
                path: "inner".into()
            }
        );
        assert_eq!(doc.meta.subject_name.as_deref(), Some("solo"));
        assert_eq!(find(&doc, "solo").licenses[0].raw, "MIT");
    }
}
