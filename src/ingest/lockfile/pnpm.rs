//! `pnpm-lock.yaml`, lockfile versions 6.x to 9.x.
//!
//! `packages` holds one entry per resolved package (`name@version`, in 6.x
//! to 8.x with a leading `/` and with the peer-dependency suffix
//! `(peer@1.0.0)` that tells apart copies resolved against different peers).
//! The graph is in the entries themselves up to 8.x and in `snapshots` from
//! 9.0; the projects are `importers` (or, in a 6.x lockfile of a single
//! project, the top-level `dependencies`). Positions are `line N` of the key.
//!
//! The project at `.` is the primary component and, as in the npm reader,
//! not one of the components (reference `.`), so `components_read` counts
//! `packages` keys. The other importers are the project's own parts: they
//! are components, counted in `primary_parts`, and roots of the graph.
//!
//! Scopes: up to 8.x pnpm writes `dev` and `optional` on every entry; 9.x
//! does not, and they are told from the graph. Install scripts: up to 8.x
//! `requiresBuild` is recorded (`build_code` set); 9.x dropped it (unknown).

use indexmap::IndexMap;
use serde::Deserialize;
use serde_saphyr::Spanned;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::node::{
    DepKind, Manifest, ROOT_REF, add_integrity, classify_resolved, package_at, read_manifest,
    scopes_from_graph, split_descriptor,
};
use super::yarn::{yaml_error, yaml_options};
use crate::ingest::{Input, ParsedDoc, include, source};
use crate::model::{BuildCode, Component, Format, Scope, SourceKind};
use crate::model::{InputError, Position};

/// A dependency of an importer: `{specifier, version}` from 6.0 on, a bare
/// version before.
#[derive(Deserialize)]
#[serde(untagged)]
enum ImporterDep {
    Full { version: String },
    Bare(String),
}

impl ImporterDep {
    fn version(&self) -> &str {
        match self {
            ImporterDep::Full { version } | ImporterDep::Bare(version) => version,
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Importer {
    dependencies: IndexMap<String, ImporterDep>,
    dev_dependencies: IndexMap<String, ImporterDep>,
    optional_dependencies: IndexMap<String, ImporterDep>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Resolution {
    integrity: Option<String>,
    tarball: Option<String>,
    #[serde(rename = "type")]
    kind: Option<String>,
    repo: Option<String>,
    commit: Option<String>,
    directory: Option<String>,
    path: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Package {
    resolution: Option<Resolution>,
    name: Option<String>,
    version: Option<String>,
    dev: Option<bool>,
    optional: Option<bool>,
    requires_build: Option<bool>,
    /// The registry's deprecation message, copied by pnpm.
    deprecated: Option<String>,
    dependencies: IndexMap<String, String>,
    optional_dependencies: IndexMap<String, String>,
}

#[derive(Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
struct Snapshot {
    dependencies: IndexMap<String, String>,
    optional_dependencies: IndexMap<String, String>,
}

#[derive(Deserialize)]
struct Lock {
    #[serde(rename = "lockfileVersion")]
    lockfile_version: Spanned<String>,
    #[serde(default)]
    importers: Option<IndexMap<String, Importer>>,
    #[serde(default)]
    dependencies: IndexMap<String, ImporterDep>,
    #[serde(default, rename = "devDependencies")]
    dev_dependencies: IndexMap<String, ImporterDep>,
    #[serde(default, rename = "optionalDependencies")]
    optional_dependencies: IndexMap<String, ImporterDep>,
    #[serde(default)]
    packages: IndexMap<Spanned<String>, Package>,
    #[serde(default)]
    snapshots: IndexMap<String, Snapshot>,
}

/// The lockfile version on the first lines (pnpm writes it first), so an
/// unsupported version is reported as such rather than as a shape error.
fn version_line(text: &str) -> Option<(usize, &str)> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'))
        .take(3)
        .find_map(|(i, l)| {
            let v = l.strip_prefix("lockfileVersion:")?;
            Some((i + 1, v.trim().trim_matches(['\'', '"'])))
        })
}

fn check_version(v: &str, line: usize) -> Result<(), InputError> {
    let major = v
        .split('.')
        .next()
        .and_then(|m| m.trim().parse::<u32>().ok());
    match major {
        Some(6..=9) => Ok(()),
        _ => Err(InputError::at(
            format!("unsupported pnpm-lock version {v} (supported: 6.0 to 9.x)"),
            Position::line_col(line, 1),
        )),
    }
}

/// A key without its leading `/` (6.x to 8.x).
fn normal_key(k: &str) -> &str {
    k.strip_prefix('/').unwrap_or(k)
}

/// A key without its peer suffix: `a@1.0.0(b@2.0.0)` → `a@1.0.0`.
fn without_peers(k: &str) -> &str {
    // The suffix starts after the version: skip a scoped name's `@` first.
    let from = split_descriptor(k).map_or(0, |(n, _)| n.len() + 1);
    match k[from..].find('(') {
        Some(i) => &k[..from + i],
        None => k,
    }
}

/// The name and version a package key names, when it names a registry
/// version (`name@1.2.3`); a URL or path after the name is no version.
fn name_version(key: &str) -> (Option<&str>, Option<&str>) {
    match split_descriptor(without_peers(key)) {
        Some((n, v)) if !v.contains(':') && !v.contains('/') && !v.is_empty() => (Some(n), Some(v)),
        Some((n, _)) => (Some(n), None),
        None => (None, None),
    }
}

fn resolution_source(r: Option<&Resolution>) -> SourceKind {
    let Some(r) = r else {
        return SourceKind::Unknown;
    };
    match r.kind.as_deref() {
        Some("git") => {
            let rev = r.commit.clone().filter(|c| !c.is_empty());
            return SourceKind::Git {
                url: r.repo.clone().unwrap_or_default(),
                pinned: rev.as_deref().is_some_and(source::is_commit_id),
                rev,
            };
        }
        Some("directory") => {
            return SourceKind::Path {
                path: r.directory.clone().or(r.path.clone()).unwrap_or_default(),
            };
        }
        _ => {}
    }
    match (&r.tarball, &r.integrity) {
        (Some(t), _) => match classify_resolved(t) {
            SourceKind::Unknown => SourceKind::Path { path: t.clone() },
            k => k,
        },
        (None, Some(_)) => SourceKind::Registry { url: None },
        (None, None) => SourceKind::Unknown,
    }
}

/// `a/b/../c` → `a/c`; `.` parts dropped.
fn normalize_path(p: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

pub fn parse(input: &Input) -> Result<ParsedDoc, InputError> {
    let mut lock = read_lock(input)?;
    let version = lock.lockfile_version.value.trim().to_string();
    check_version(&version, lock.lockfile_version.referenced.line() as usize)?;
    let v9 = version
        .split('.')
        .next()
        .and_then(|m| m.parse::<u32>().ok())
        .is_some_and(|m| m >= 9);
    let mut doc = ParsedDoc::new(Format::PnpmLock);
    doc.spec_version = Some(version);
    let mut warnings = Vec::new();

    // Packages, by key without the leading `/`.
    let keys: Vec<String> = lock
        .packages
        .keys()
        .map(|k| normal_key(&k.value).to_string())
        .collect();
    let packages = PackageIndex::new(&keys);
    let flags_recorded = push_packages(&mut doc, &lock.packages, &keys, v9, &mut warnings);
    let n_packages = doc.components.len();

    // Importers: `.` is the project; the others are its parts.
    let mut importers = Importers::new(lock.take_importers());
    let dir = input
        .path
        .file_name()
        .map(|_| input.path.parent().unwrap_or(Path::new("")));
    let roots = include::roots(input.path, input.options);
    importers.push_parts(&mut doc, dir, &roots, &mut warnings);

    // Edges and the walk that tells scopes.
    let n = doc.components.len();
    let mut linker = Linker {
        components: &doc.components,
        packages: &packages,
        importers: &importers,
        starts: Vec::new(),
        graph: Vec::new(),
        edges: Vec::new(),
    };
    linker.link_importers();
    linker.link_packages(&lock, &mut warnings);
    let Linker {
        starts,
        graph,
        mut edges,
        ..
    } = linker;
    edges.sort();
    edges.dedup();
    doc.edges = edges;
    if !flags_recorded {
        let scopes = scopes_from_graph(n, &starts, &graph);
        for (c, s) in doc.components.iter_mut().zip(scopes).take(n_packages) {
            if let Some(s) = s {
                c.scope = s;
            }
        }
    }

    // The project itself.
    let manifest = manifest_or_warn(dir.map(|d| d.join("package.json")), &roots, &mut warnings);
    describe_project(&mut doc, manifest, &importers);
    doc.warnings.extend(warnings);
    Ok(doc)
}

/// Decodes the text and its YAML, reporting an unsupported version before
/// any shape error.
fn read_lock(input: &Input) -> Result<Lock, InputError> {
    let text = std::str::from_utf8(input.bytes).map_err(|e| {
        InputError::at(
            "pnpm-lock.yaml is not UTF-8 text",
            Position::at_offset(input.bytes, e.valid_up_to()),
        )
    })?;
    if let Some((line, v)) = version_line(text) {
        check_version(v, line)?;
    }
    serde_saphyr::from_str_with_options(text, yaml_options(text.len()))
        .map_err(|e| yaml_error("invalid pnpm-lock.yaml", &e, text.len()))
}

impl Lock {
    /// The importers, or for a 6.x lockfile of a single project the
    /// top-level dependencies as the importer `.`.
    fn take_importers(&mut self) -> Vec<(String, Importer)> {
        match self.importers.take() {
            Some(m) => m.into_iter().collect(),
            None => vec![(
                ".".to_string(),
                Importer {
                    dependencies: std::mem::take(&mut self.dependencies),
                    dev_dependencies: std::mem::take(&mut self.dev_dependencies),
                    optional_dependencies: std::mem::take(&mut self.optional_dependencies),
                },
            )],
        }
    }
}

/// Package positions by normalised key, found with or without the peer suffix.
struct PackageIndex<'a> {
    index: HashMap<&'a str, usize>,
}

impl<'a> PackageIndex<'a> {
    /// Indexes `keys`, the first of equal keys winning.
    fn new(keys: &'a [String]) -> Self {
        let mut index: HashMap<&str, usize> = HashMap::with_capacity(keys.len());
        for (i, k) in keys.iter().enumerate() {
            index.entry(k.as_str()).or_insert(i);
        }
        PackageIndex { index }
    }

    /// 9.x keys carry no peer suffix, snapshot keys and references do.
    fn find(&self, k: &str) -> Option<usize> {
        let k = normal_key(k);
        self.index
            .get(k)
            .or_else(|| self.index.get(without_peers(k)))
            .copied()
    }
}

/// Pushes one component per `packages` entry; true when the entries record
/// `dev` (up to 8.x), so scopes need not be told from the graph.
fn push_packages(
    doc: &mut ParsedDoc,
    packages: &IndexMap<Spanned<String>, Package>,
    keys: &[String],
    v9: bool,
    warnings: &mut Vec<String>,
) -> bool {
    let mut flags_recorded = false;
    for (i, (key, p)) in packages.iter().enumerate() {
        let at = format!("line {}", key.referenced.line());
        let (key_name, key_version) = name_version(&keys[i]);
        let name = p.name.as_deref().or(key_name).unwrap_or(&keys[i]);
        let version = p.version.as_deref().or(key_version);
        let mut c = package_at(name, version, &at, warnings);
        c.bom_ref = Some(keys[i].clone());
        c.source = resolution_source(p.resolution.as_ref());
        if let Some(sri) = p.resolution.as_ref().and_then(|r| r.integrity.as_deref()) {
            add_integrity(&mut c, sri, &at, warnings);
        }
        if let Some(dev) = p.dev {
            flags_recorded = true;
            c.scope = match (dev, p.optional == Some(true)) {
                (true, _) => Scope::Dev,
                (false, true) => Scope::Optional,
                (false, false) => Scope::Required,
            };
        } else if p.optional == Some(true) {
            c.scope = Scope::Optional;
        }
        c.rare.build_code = match p.requires_build {
            Some(true) => Some(vec![BuildCode::InstallScript]),
            // 6.x to 8.x record `requiresBuild` when true; 9.x never does.
            _ if v9 => None,
            _ => Some(Vec::new()),
        };
        if let Some(message) = p.deprecated.as_deref().filter(|m| !m.trim().is_empty()) {
            c.rare.deprecated = Some(message.to_string());
        }
        doc.push(c, at, None);
    }
    flags_recorded
}

/// Reads a `package.json` when there is a directory to look in, keeping
/// the warning of one that cannot be used.
fn manifest_or_warn(
    path: Option<PathBuf>,
    roots: &[PathBuf],
    warnings: &mut Vec<String>,
) -> Option<Manifest> {
    path.and_then(|path| match read_manifest(&path, roots) {
        Ok(m) => m,
        Err(w) => {
            warnings.push(w.to_string());
            None
        }
    })
}

/// The importers with their references (`.` is the project, the others
/// `importer:PATH`) and, once pushed, the components of the parts.
struct Importers {
    list: Vec<(String, Importer)>,
    /// Reference by normalised path.
    refs: HashMap<String, String>,
    /// Component index of each part (every importer but `.`).
    index: HashMap<String, usize>,
}

impl Importers {
    /// Names each importer's reference.
    fn new(list: Vec<(String, Importer)>) -> Self {
        let mut refs: HashMap<String, String> = HashMap::new();
        for (path, _) in &list {
            let p = normalize_path(path);
            let r = if p == "." {
                ROOT_REF.to_string()
            } else {
                format!("importer:{p}")
            };
            refs.insert(p, r);
        }
        Importers {
            list,
            refs,
            index: HashMap::new(),
        }
    }

    /// Pushes a component for each part, named by its `package.json` when
    /// there is one, else by its directory.
    fn push_parts(
        &mut self,
        doc: &mut ParsedDoc,
        dir: Option<&Path>,
        roots: &[PathBuf],
        warnings: &mut Vec<String>,
    ) {
        for (path, _) in &self.list {
            let p = normalize_path(path);
            if p == "." {
                continue;
            }
            let manifest = manifest_or_warn(
                dir.map(|d| d.join(&p).join("package.json")),
                roots,
                warnings,
            );
            let name = manifest
                .as_ref()
                .and_then(|m| m.name.clone())
                .unwrap_or_else(|| p.rsplit('/').next().unwrap_or(&p).to_string());
            let version = manifest.as_ref().and_then(|m| m.version.clone());
            let at = format!("/importers/{p}");
            let mut c = package_at(&name, version.as_deref(), &at, warnings);
            c.bom_ref = Some(self.refs[&p].clone());
            c.source = SourceKind::Path { path: p.clone() };
            self.index.insert(p.clone(), doc.components.len());
            doc.push(c, at, None);
            doc.meta.primary_parts += 1;
        }
    }
}

/// Resolves the dependencies of importers and packages into the document's
/// edges and the index graph the scope walk goes over.
struct Linker<'a> {
    components: &'a [Component],
    packages: &'a PackageIndex<'a>,
    importers: &'a Importers,
    /// The importers' own dependencies, where the scope walk starts.
    starts: Vec<(usize, DepKind)>,
    graph: Vec<(usize, usize, DepKind)>,
    edges: Vec<(String, String)>,
}

impl Linker<'_> {
    /// The component a dependency resolves to, if the lockfile has it (a
    /// missing one is an edge to `name@value`, not an error).
    fn target(&self, from_dir: &str, name: &str, value: &str) -> Option<usize> {
        if let Some(link) = value.strip_prefix("link:") {
            let p = normalize_path(&format!("{from_dir}/{link}"));
            return self.importers.index.get(&p).copied();
        }
        self.packages
            .find(&format!("{name}@{value}"))
            .or_else(|| self.packages.find(value))
    }

    fn bom_ref(&self, i: usize) -> String {
        self.components[i].bom_ref.clone().unwrap_or_default()
    }

    /// Edges from each importer; its dependencies and the part itself start
    /// the scope walk.
    fn link_importers(&mut self) {
        let importers = self.importers;
        for (path, imp) in &importers.list {
            let p = normalize_path(path);
            let from = importers.refs[&p].clone();
            let groups = [
                (&imp.dependencies, DepKind::Prod),
                (&imp.optional_dependencies, DepKind::Optional),
                (&imp.dev_dependencies, DepKind::Dev),
            ];
            for (deps, kind) in groups {
                for (name, dep) in deps {
                    match self.target(&p, name, dep.version()) {
                        Some(t) => {
                            self.starts.push((t, kind));
                            self.edges.push((from.clone(), self.bom_ref(t)));
                        }
                        None if kind == DepKind::Optional => {}
                        None => {
                            let missing = format!("{name}@{}", dep.version());
                            self.edges.push((from.clone(), missing));
                        }
                    }
                }
            }
            if let Some(&i) = importers.index.get(&p) {
                self.starts.push((i, DepKind::Prod));
            }
        }
    }

    /// Edges between packages: from the entries up to 8.x, from `snapshots`
    /// in 9.x.
    fn link_packages(&mut self, lock: &Lock, warnings: &mut Vec<String>) {
        if lock.snapshots.is_empty() {
            for (i, p) in lock.packages.values().enumerate() {
                self.link_package(i, &p.dependencies, DepKind::Prod);
                self.link_package(i, &p.optional_dependencies, DepKind::Optional);
            }
            return;
        }
        for (key, s) in &lock.snapshots {
            match self.packages.find(key) {
                Some(i) => {
                    self.link_package(i, &s.dependencies, DepKind::Prod);
                    self.link_package(i, &s.optional_dependencies, DepKind::Optional);
                }
                None => warnings.push(format!(
                    "snapshot {key:?} names no entry of `packages`; its dependencies are ignored"
                )),
            }
        }
    }

    /// One package's dependencies of one kind; a missing optional one is no
    /// edge.
    fn link_package(&mut self, from: usize, deps: &IndexMap<String, String>, kind: DepKind) {
        for (name, value) in deps {
            let from_ref = self.bom_ref(from);
            match self.target(".", name, value) {
                Some(t) => {
                    self.graph.push((from, t, kind));
                    self.edges.push((from_ref, self.bom_ref(t)));
                }
                None if kind == DepKind::Optional => {}
                None => self.edges.push((from_ref, format!("{name}@{value}"))),
            }
        }
    }
}

/// The project as the primary component and the roots: the project, then
/// its parts in the order they were pushed.
fn describe_project(doc: &mut ParsedDoc, manifest: Option<Manifest>, importers: &Importers) {
    if let Some(m) = manifest {
        doc.meta.subject_name = m.name.filter(|n| !n.is_empty());
        doc.meta.subject_version = m.version.filter(|v| !v.is_empty());
    }
    doc.meta.has_dependency_graph = true;
    doc.meta.primary = Some(ROOT_REF.to_string());
    doc.roots.push(ROOT_REF.to_string());
    let mut parts: Vec<(&String, &usize)> = importers.index.iter().collect();
    parts.sort_by_key(|(_, i)| **i);
    for (p, _) in parts {
        doc.roots.push(importers.refs[p].clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::IngestOptions;

    fn parse_at(path: &Path, text: &str) -> Result<ParsedDoc, InputError> {
        crate::ingest::read_as(parse, path, text.as_bytes())
    }

    fn parse_str(text: &str) -> ParsedDoc {
        parse_at(Path::new("/nonexistent/pnpm-lock.yaml"), text).unwrap()
    }

    const V9: &str = r#"lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

importers:

  .:
    dependencies:
      '@s/a':
        specifier: ^1.0.0
        version: 1.0.0(peer@2.0.0)
      sub:
        specifier: workspace:*
        version: link:packages/sub
    devDependencies:
      tool:
        specifier: ^3.0.0
        version: 3.0.0
    optionalDependencies:
      gz:
        specifier: github:o/gz
        version: https://codeload.github.com/o/gz/tar.gz/c887c803ac56deb5f91b617ef0486ca3fb98473b

  packages/sub:
    dependencies:
      sw-cjs:
        specifier: npm:string-width@^4.2.0
        version: string-width@4.2.3
      gone:
        specifier: ^1.0.0
        version: 1.0.0

packages:

  '@s/a@1.0.0':
    resolution: {integrity: sha512-H0D8ktokFpR1CXnubPWC8tXX0o4YM13gWrxU0FYOD1MChgxlK/CNVgJSql50IQVG82n7u86MEs/HlXsmUv6adQ==}
    engines: {node: '>=10'}
    peerDependencies:
      peer: ^2.0.0

  peer@2.0.0:
    resolution: {integrity: sha1-hvfkN/qlp/zhXR3cuerq6jd2Z7g=}
    hasBin: true

  string-width@4.2.3:
    resolution: {integrity: sha1-hvfkN/qlp/zhXR3cuerq6jd2Z7g=}

  tool@3.0.0:
    resolution: {tarball: https://example.com/tool-3.0.0.tgz}
    deprecated: use something else

  gz@https://codeload.github.com/o/gz/tar.gz/c887c803ac56deb5f91b617ef0486ca3fb98473b:
    resolution: {tarball: https://codeload.github.com/o/gz/tar.gz/c887c803ac56deb5f91b617ef0486ca3fb98473b}
    version: 0.3.0

  fromgit@git+https://git.example/o/fromgit.git#0123456789012345678901234567890123456789:
    resolution: {type: git, repo: https://git.example/o/fromgit.git, commit: 0123456789012345678901234567890123456789}
    version: 1.1.0

  local@file:../local:
    resolution: {directory: ../local, type: directory}
    version: 0.0.1

snapshots:

  '@s/a@1.0.0(peer@2.0.0)':
    dependencies:
      peer: 2.0.0
    optionalDependencies:
      local: file:../local

  peer@2.0.0: {}

  string-width@4.2.3: {}

  tool@3.0.0:
    dependencies:
      peer: 2.0.0
      fromgit: git+https://git.example/o/fromgit.git#0123456789012345678901234567890123456789

  gz@https://codeload.github.com/o/gz/tar.gz/c887c803ac56deb5f91b617ef0486ca3fb98473b: {}

  fromgit@git+https://git.example/o/fromgit.git#0123456789012345678901234567890123456789: {}

  local@file:../local: {}
"#;

    #[test]
    fn v9_maps_every_field() {
        let d = parse_str(V9);
        assert_eq!(d.spec_version.as_deref(), Some("9.0"));
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
        assert_eq!(d.components.len(), 8, "7 packages and the workspace part");
        assert_eq!(d.meta.primary_parts, 1);
        let a = d.by_ref("@s/a@1.0.0");
        assert_eq!(a.purl.as_deref(), Some("pkg:npm/%40s/a@1.0.0"));
        assert_eq!(a.locations[0].pointer, "line 37");
        assert_eq!(a.source, SourceKind::Registry { url: None });
        assert_eq!(a.hashes[0].alg.as_str(), "SHA-512");
        assert_eq!(
            a.rare.build_code, None,
            "9.x does not record install scripts"
        );
        assert_eq!(
            d.by_ref("tool@3.0.0").source,
            SourceKind::Url {
                url: "https://example.com/tool-3.0.0.tgz".into()
            }
        );
        let gz = d.by_ref(
            "gz@https://codeload.github.com/o/gz/tar.gz/c887c803ac56deb5f91b617ef0486ca3fb98473b",
        );
        assert_eq!(gz.version.as_deref(), Some("0.3.0"));
        assert!(matches!(gz.source, SourceKind::Git { pinned: true, .. }));
        let fromgit = d.by_ref("fromgit@git+https://git.example/o/fromgit.git#0123456789012345678901234567890123456789",
        );
        assert_eq!(
            fromgit.source,
            SourceKind::Git {
                url: "https://git.example/o/fromgit.git".into(),
                rev: Some("0123456789012345678901234567890123456789".into()),
                pinned: true
            }
        );
        assert_eq!(
            d.by_ref("local@file:../local").source,
            SourceKind::Path {
                path: "../local".into()
            }
        );
        let sub = d.by_ref("importer:packages/sub");
        assert_eq!(
            sub.source,
            SourceKind::Path {
                path: "packages/sub".into()
            }
        );
        assert_eq!(sub.name, "sub");

        // Edges: importers, snapshots (peer suffixes dropped), aliases, links.
        assert!(d.has_edge(ROOT_REF, "@s/a@1.0.0"));
        assert!(d.has_edge(ROOT_REF, "importer:packages/sub"));
        assert!(d.has_edge(ROOT_REF, "tool@3.0.0"));
        assert!(d.has_edge("@s/a@1.0.0", "peer@2.0.0"));
        assert!(d.has_edge("@s/a@1.0.0", "local@file:../local"));
        assert!(d.has_edge("importer:packages/sub", "string-width@4.2.3"));
        assert!(
            d.has_edge("importer:packages/sub", "gone@1.0.0"),
            "dangling"
        );
        assert_eq!(
            d.roots,
            vec![ROOT_REF.to_string(), "importer:packages/sub".to_string()]
        );

        // Scopes from the graph.
        let scope = |r: &str| d.by_ref(r).scope;
        assert_eq!(scope("@s/a@1.0.0"), Scope::Required);
        assert_eq!(
            scope("peer@2.0.0"),
            Scope::Required,
            "also reached from a dev tool"
        );
        assert_eq!(scope("local@file:../local"), Scope::Optional);
        assert_eq!(scope("tool@3.0.0"), Scope::Dev);
        assert_eq!(
            scope(
                "fromgit@git+https://git.example/o/fromgit.git#0123456789012345678901234567890123456789"
            ),
            Scope::Dev
        );
        assert_eq!(
            scope(
                "gz@https://codeload.github.com/o/gz/tar.gz/c887c803ac56deb5f91b617ef0486ca3fb98473b"
            ),
            Scope::Optional
        );
        assert_eq!(scope("string-width@4.2.3"), Scope::Required);
    }

    #[test]
    fn the_project_comes_from_package_json() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("package.json"),
            r#"{"name": "proj", "version": "1.0.0"}"#,
        )
        .unwrap();
        std::fs::create_dir_all(dir.path().join("packages/sub")).unwrap();
        std::fs::write(
            dir.path().join("packages/sub/package.json"),
            r#"{"name": "@proj/sub", "version": "0.2.0"}"#,
        )
        .unwrap();
        let d = parse_at(&dir.path().join("pnpm-lock.yaml"), V9).unwrap();
        assert_eq!(d.meta.subject_name.as_deref(), Some("proj"));
        assert_eq!(d.meta.subject_version.as_deref(), Some("1.0.0"));
        let sub = d.by_ref("importer:packages/sub");
        assert_eq!(sub.purl.as_deref(), Some("pkg:npm/%40proj/sub@0.2.0"));
    }

    const V6: &str = r#"lockfileVersion: '6.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

dependencies:
  bufferutil:
    specifier: ^4.0.8
    version: 4.1.0

devDependencies:
  '@types/ms':
    specifier: ^0.7.34
    version: 0.7.34

packages:

  /@types/ms@0.7.34:
    resolution: {integrity: sha1-hvfkN/qlp/zhXR3cuerq6jd2Z7g=}
    dev: true

  /bufferutil@4.1.0:
    resolution: {integrity: sha1-hvfkN/qlp/zhXR3cuerq6jd2Z7g=}
    engines: {node: '>=6.14.2'}
    requiresBuild: true
    dependencies:
      node-gyp-build: 4.8.4
    dev: false

  /node-gyp-build@4.8.4:
    resolution: {integrity: sha1-hvfkN/qlp/zhXR3cuerq6jd2Z7g=}
    hasBin: true
    dev: false

  /fsevents@2.3.3:
    resolution: {integrity: sha1-hvfkN/qlp/zhXR3cuerq6jd2Z7g=}
    os: [darwin]
    requiresBuild: true
    dev: true
    optional: true
"#;

    #[test]
    fn v6_records_dev_and_requires_build() {
        let d = parse_str(V6);
        assert_eq!(d.spec_version.as_deref(), Some("6.0"));
        assert_eq!(d.components.len(), 4);
        let b = d.by_ref("bufferutil@4.1.0");
        assert_eq!(b.purl.as_deref(), Some("pkg:npm/bufferutil@4.1.0"));
        assert_eq!(b.rare.build_code, Some(vec![BuildCode::InstallScript]));
        assert_eq!(b.scope, Scope::Required);
        let n = d.by_ref("node-gyp-build@4.8.4");
        assert_eq!(n.rare.build_code, Some(vec![]));
        assert_eq!(d.by_ref("@types/ms@0.7.34").scope, Scope::Dev);
        assert_eq!(d.by_ref("fsevents@2.3.3").scope, Scope::Dev);
        assert!(d.has_edge(ROOT_REF, "bufferutil@4.1.0"));
        assert!(d.has_edge(ROOT_REF, "@types/ms@0.7.34"));
        assert!(d.has_edge("bufferutil@4.1.0", "node-gyp-build@4.8.4"));
        assert_eq!(d.roots, vec![ROOT_REF.to_string()]);
    }

    #[test]
    fn keys_and_peer_suffixes() {
        assert_eq!(without_peers("a@1.0.0(b@2.0.0)(c@3)"), "a@1.0.0");
        assert_eq!(without_peers("@s/a@1.0.0(@s/b@2.0.0)"), "@s/a@1.0.0");
        assert_eq!(without_peers("a@1.0.0"), "a@1.0.0");
        assert_eq!(
            name_version("@s/a@1.0.0(x@1)"),
            (Some("@s/a"), Some("1.0.0"))
        );
        assert_eq!(name_version("a@https://x/y.tgz"), (Some("a"), None));
        assert_eq!(name_version("nonsense"), (None, None));
        assert_eq!(normalize_path("./packages/a/../b"), "packages/b");
        assert_eq!(normalize_path("."), ".");
    }

    #[test]
    fn errors_name_line_and_column() {
        let e = parse_at(
            Path::new("pnpm-lock.yaml"),
            "lockfileVersion: 5.4\n\nspecifiers: {}\n",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 1, column 1: unsupported pnpm-lock version 5.4 (supported: 6.0 to 9.x)"
        );
        let e = parse_at(
            Path::new("pnpm-lock.yaml"),
            "lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    resolution: {integrity: x\n",
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("line "), "{e}");
        assert!(e.message.starts_with("invalid pnpm-lock.yaml: "), "{e}");
        assert_eq!(e.to_string().lines().count(), 1);
        let e = parse_at(Path::new("pnpm-lock.yaml"), "importers: {}\n").unwrap_err();
        assert!(e.message.contains("lockfileVersion"), "{e}");
        let e = parse_at(
            Path::new("pnpm-lock.yaml"),
            "lockfileVersion: '9.0'\npackages:\n  a@1.0.0:\n    dependencies: 3\n",
        )
        .unwrap_err();
        assert!(e.to_string().starts_with("line 4, column 19"), "{e}");
        let e = parse(&Input {
            path: Path::new("pnpm-lock.yaml"),
            bytes: b"lockfileVersion: '9.0'\n\xfe",
            options: &IngestOptions::default(),
        })
        .unwrap_err();
        assert!(e.to_string().starts_with("line 2, column 1"), "{e}");
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC*") {
            let _ = parse(&Input { path: Path::new(""), bytes: text.as_bytes(), options: &IngestOptions::default() });
        }

        #[test]
        fn truncated_lockfiles_never_panic(cut in 0usize..V9.len()) {
            if let Some(t) = V9.get(..cut) {
                let _ = parse(&Input { path: Path::new(""), bytes: t.as_bytes(), options: &IngestOptions::default() });
            }
        }
    }
}
