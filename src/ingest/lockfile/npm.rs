//! npm's `package-lock.json` and `npm-shrinkwrap.json` (lockfile v1, v2 and
//! v3). What the npm, Yarn and pnpm readers share is in `node`.
//!
//! v2 and v3 list every installed package under `packages`, keyed by its
//! path (`node_modules/a/node_modules/b`); the root project is the key `""`.
//! v1 nests `dependencies` the way the tree is laid out on disk. Either way a
//! dependency is found as Node.js finds it: in the nearest `node_modules` up
//! the path. Packages are indexed by path, so each lookup is a few hash
//! probes, never a scan.
//!
//! Mapped per entry: name (the `name` field of an alias, else the path's
//! last `node_modules/` segment), `version`, purl, `resolved` (source),
//! `integrity` (hashes), `license` (declared licence), `hasInstallScript`
//! (`build_code`: v2 and v3 record it, so its absence means none; v1 does
//! not), and the scope flags: `dev` → `Dev`; `optional`, `devOptional`
//! (needed by a development and by an optional dependency) and `peer` →
//! `Optional`. `deprecated` has no place in the model yet and is not read.
//!
//! The root project is the primary component and, as CycloneDX's
//! `metadata.component`, not one of the components (reference `.`):
//! `components_read` counts the lockfile's package entries. A bundled
//! package (`inBundle`, v1 `bundled`) ships inside the tarball of the package
//! that bundles it: that package becomes its parent (nested component), and
//! when the lockfile gives no `resolved` URL its source is
//! [`SourceKind::Vendored`].

use indexmap::IndexMap;
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use std::collections::HashMap;
use std::fmt;

use super::node::{
    DepKind, Manifest, ROOT_REF, add_integrity, classify_resolved, dep_map, manifest_beside,
    package_at, pointer_segment, split_descriptor,
};
use crate::ingest::json::{Typed, entry, kind_of, parse_typed, parse_value, root_object};
use crate::ingest::lenient::{ScalarText, opt_string};
use crate::ingest::{Input, ParsedDoc};
use crate::model::{BuildCode, Component, Format, License, LicenseKind, Scope, SourceKind};
use crate::model::{InputError, Position};

// ---------------------------------------------------------------------------
// package-lock.json
// ---------------------------------------------------------------------------

/// One entry of v2/v3 `packages`.
#[derive(Deserialize, Default)]
struct Package {
    #[serde(default, deserialize_with = "opt_string")]
    name: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    version: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    resolved: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    integrity: Option<String>,
    #[serde(default)]
    link: bool,
    #[serde(default)]
    dev: bool,
    #[serde(default)]
    optional: bool,
    #[serde(default, rename = "devOptional")]
    dev_optional: bool,
    #[serde(default)]
    peer: bool,
    #[serde(default, rename = "inBundle")]
    in_bundle: bool,
    #[serde(default, rename = "hasInstallScript")]
    has_install_script: bool,
    /// The registry's deprecation message, copied by npm 7+.
    #[serde(default, deserialize_with = "opt_string")]
    deprecated: Option<String>,
    #[serde(default)]
    license: Option<serde_json::Value>,
    #[serde(default, deserialize_with = "dep_map")]
    dependencies: Vec<(String, String)>,
    #[serde(default, rename = "optionalDependencies", deserialize_with = "dep_map")]
    optional_dependencies: Vec<(String, String)>,
    #[serde(default, rename = "peerDependencies", deserialize_with = "dep_map")]
    peer_dependencies: Vec<(String, String)>,
    #[serde(default, rename = "devDependencies", deserialize_with = "dep_map")]
    dev_dependencies: Vec<(String, String)>,
    /// The root's `workspaces` globs, copied from its package.json.
    #[serde(default, deserialize_with = "workspace_globs")]
    workspaces: Vec<String>,
}

/// `workspaces` as npm reads it from package.json: a list of globs, or
/// yarn's `{"packages": [...]}`; any other shape is no workspaces.
fn workspace_globs<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    let list = match &value {
        serde_json::Value::Object(o) => o.get("packages"),
        v => Some(v),
    };
    Ok(list
        .and_then(|l| l.as_array())
        .map(|l| {
            l.iter()
                .filter_map(|g| g.as_str())
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default())
}

/// Whether the folder entry at `path` is one of the project's workspaces:
/// a folder the root's `workspaces` globs name. Any other folder entry (npm
/// writes one for each `file:` dependency on a directory, `../lib` as much
/// as `vendor/lib`) is a dependency reached by path, not the project itself.
fn is_own_workspace(globs: &[String], path: &str) -> bool {
    if path.contains("node_modules/") {
        return false;
    }
    let tidy = |p: &str| {
        p.trim()
            .trim_start_matches("./")
            .trim_end_matches('/')
            .to_string()
    };
    let path = tidy(path);
    let segments: Vec<&str> = path.split('/').collect();
    // Later patterns win, as npm applies `!` exclusions in order.
    let mut own = false;
    for glob in globs {
        let (exclude, glob) = match glob.trim().strip_prefix('!') {
            Some(g) => (true, g),
            None => (false, glob.as_str()),
        };
        let glob = tidy(glob);
        let parts: Vec<&str> = glob.split('/').collect();
        if glob_matches(&parts, &segments) {
            own = !exclude;
        }
    }
    own
}

/// Path segments against glob segments: `**` spans any number of segments,
/// `*` any run of characters within one. Dynamic programming over
/// (glob, path) positions, so no pattern takes more than their product.
fn glob_matches(glob: &[&str], path: &[&str]) -> bool {
    // matches[i][j]: glob[i..] matches path[j..].
    let mut matches = vec![vec![false; path.len() + 1]; glob.len() + 1];
    matches[glob.len()][path.len()] = true;
    for i in (0..glob.len()).rev() {
        for j in (0..=path.len()).rev() {
            matches[i][j] = if glob[i] == "**" {
                matches[i + 1][j] || (j < path.len() && matches[i][j + 1])
            } else {
                j < path.len() && segment_matches(glob[i], path[j]) && matches[i + 1][j + 1]
            };
        }
    }
    matches[0][0]
}

/// One segment against a pattern where `*` matches any run of characters.
fn segment_matches(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&b| b == b'*')
}

/// One entry of v1 `dependencies` (nested entries read apart).
#[derive(Deserialize, Default)]
struct V1Dep {
    #[serde(default, deserialize_with = "opt_string")]
    version: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    resolved: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    integrity: Option<String>,
    #[serde(default)]
    dev: bool,
    #[serde(default)]
    optional: bool,
    #[serde(default)]
    bundled: bool,
    #[serde(default, deserialize_with = "dep_map")]
    requires: Vec<(String, String)>,
    #[serde(default)]
    dependencies: Option<IndexMap<String, V1Dep>>,
}

/// The typed document. `dependencies` is only read when there is no
/// `packages` before it (v2 repeats the tree there for old npm versions).
#[derive(Default)]
struct Lock {
    name: Option<String>,
    version: Option<String>,
    lockfile_version: Option<String>,
    packages: Option<IndexMap<String, Package>>,
    dependencies: Option<IndexMap<String, V1Dep>>,
}

impl<'de> Deserialize<'de> for Lock {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Lock;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a package-lock.json object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Lock, A::Error> {
                let mut lock = Lock::default();
                // A key written twice sends the lockfile to the tolerant
                // pass, which combines both and says where they are.
                let mut seen: Vec<&'static str> = Vec::with_capacity(5);
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    if let Some(&known) = [
                        "name",
                        "version",
                        "lockfileVersion",
                        "packages",
                        "dependencies",
                    ]
                    .iter()
                    .find(|k| **k == key.as_ref())
                    {
                        if seen.contains(&known) {
                            return Err(de::Error::duplicate_field(known));
                        }
                        seen.push(known);
                    }
                    match key.as_ref() {
                        "name" => lock.name = map.next_value::<ScalarText>()?.0,
                        "version" => lock.version = map.next_value::<ScalarText>()?.0,
                        "lockfileVersion" => {
                            lock.lockfile_version = map.next_value::<ScalarText>()?.0
                        }
                        "packages" => lock.packages = map.next_value()?,
                        "dependencies" if lock.packages.is_none() => {
                            lock.dependencies = map.next_value()?
                        }
                        _ => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(lock)
            }
        }
        d.deserialize_map(V)
    }
}

/// One package entry, whatever the lockfile version, with its path.
struct Entry {
    /// v2/v3 key, or the same path built from v1 nesting.
    path: String,
    pointer: String,
    package: Package,
    /// v1 only: the `version` field held a location (git, file, URL).
    v1_location: Option<String>,
    bundled: bool,
}

pub fn parse(input: &Input) -> Result<ParsedDoc, InputError> {
    let mut doc = ParsedDoc::new(Format::NpmLock);
    let lock = match parse_typed::<Lock>(input.bytes)? {
        Typed::Ok { value, trailing } => {
            doc.warnings.extend(trailing);
            value
        }
        Typed::Mismatch(first) => tolerant(input.bytes, first, &mut doc)?,
    };
    let version = check_version(lock.lockfile_version.as_deref())?;
    doc.spec_version = Some(format!("v{version}"));
    let mut root = Package::default();
    let mut entries: Vec<Entry> = Vec::new();
    // v2 also writes v1's tree for old npm versions; `packages` is the one read.
    let use_packages = lock.packages.is_some() && version != 1;
    if let (true, Some(packages)) = (use_packages, lock.packages) {
        entries.reserve(packages.len());
        for (path, package) in packages {
            if path.is_empty() {
                root = package;
                continue;
            }
            entries.push(Entry {
                pointer: format!("/packages/{}", pointer_segment(&path)),
                bundled: package.in_bundle,
                path,
                package,
                v1_location: None,
            });
        }
    } else if let Some(deps) = lock.dependencies {
        flatten_v1(deps, &mut entries);
    }
    let manifest = if use_packages {
        None
    } else {
        manifest_beside(input, &mut doc.warnings)
    };
    let project = Project {
        lock_name: lock.name,
        lock_version: lock.version,
        root,
        manifest,
        v2: use_packages,
    };
    build(&mut doc, project, entries);
    Ok(doc)
}

/// The supported version, or the error for any other.
fn check_version(raw: Option<&str>) -> Result<u32, InputError> {
    let Some(raw) = raw else {
        return Err(InputError::at(
            "no `lockfileVersion`: not a package-lock.json written by npm 5 or later",
            Position::pointer("/lockfileVersion"),
        ));
    };
    match raw.trim().parse::<u32>() {
        Ok(v @ 1..=3) => Ok(v),
        _ => Err(InputError::at(
            format!(
                "unsupported package-lock version {} (supported: 1, 2, 3)",
                raw.trim()
            ),
            Position::pointer("/lockfileVersion"),
        )),
    }
}

/// The slow path when some value has the wrong shape: every entry is read on
/// its own, and one that does not fit is skipped with a warning.
fn tolerant(bytes: &[u8], first: InputError, doc: &mut ParsedDoc) -> Result<Lock, InputError> {
    let (value, warnings) = parse_value(bytes)?;
    doc.warnings.extend(warnings);
    let mut obj = root_object(value, "a package-lock.json")?;
    let text = |v: Option<serde_json::Value>| match v {
        Some(serde_json::Value::String(s)) => Some(s),
        Some(v @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_))) => {
            Some(v.to_string())
        }
        _ => None,
    };
    let lockfile_version = text(obj.remove("lockfileVersion"));
    check_version(lockfile_version.as_deref())?;
    doc.warnings
        .push(format!("{first}; reading the lockfile entry by entry"));
    let mut lock = Lock {
        name: text(obj.remove("name")),
        version: text(obj.remove("version")),
        lockfile_version,
        ..Lock::default()
    };
    let object = |key: &str, v: serde_json::Value| match v {
        serde_json::Value::Object(m) => Ok(m),
        other => Err(InputError::at(
            format!(
                "expected `{key}` to be an object, found {}",
                kind_of(&other)
            ),
            Position::pointer(format!("/{key}")),
        )),
    };
    match obj.remove("packages") {
        None | Some(serde_json::Value::Null) => {}
        Some(v) => {
            let mut packages = IndexMap::new();
            for (k, v) in object("packages", v)? {
                let at = format!("/packages/{}", pointer_segment(&k));
                match entry::<Package>(v, &at) {
                    Ok(p) => {
                        packages.insert(k, p);
                    }
                    Err(w) => doc.warnings.push(w.to_string()),
                }
            }
            lock.packages = Some(packages);
        }
    }
    if lock.packages.is_none()
        && let Some(v) = obj.remove("dependencies").filter(|v| !v.is_null())
    {
        lock.dependencies = Some(tolerant_v1(
            object("dependencies", v)?,
            "/dependencies",
            &mut doc.warnings,
        ));
    }
    Ok(lock)
}

/// v1 `dependencies`, one level at a time, so a bad entry costs only itself
/// and what is nested in it.
fn tolerant_v1(
    map: serde_json::Map<String, serde_json::Value>,
    at: &str,
    warnings: &mut Vec<String>,
) -> IndexMap<String, V1Dep> {
    let mut out = IndexMap::new();
    for (k, v) in map {
        let here = format!("{at}/{}", pointer_segment(&k));
        let mut v = v;
        let nested = v.as_object_mut().and_then(|o| o.remove("dependencies"));
        match entry::<V1Dep>(v, &here) {
            Ok(mut d) => {
                match nested {
                    Some(serde_json::Value::Object(m)) => {
                        d.dependencies =
                            Some(tolerant_v1(m, &format!("{here}/dependencies"), warnings))
                    }
                    None | Some(serde_json::Value::Null) => {}
                    Some(other) => warnings.push(format!(
                        "at {here}/dependencies: expected an object, found {}; ignored",
                        kind_of(&other)
                    )),
                }
                out.insert(k, d);
            }
            Err(w) => warnings.push(w.to_string()),
        }
    }
    out
}

/// v1's nested tree as entries with the paths v2 would give them.
fn flatten_v1(deps: IndexMap<String, V1Dep>, out: &mut Vec<Entry>) {
    let mut stack: Vec<(String, String, IndexMap<String, V1Dep>)> =
        vec![(String::new(), "/dependencies".to_string(), deps)];
    while let Some((base, at, deps)) = stack.pop() {
        for (name, mut d) in deps {
            let path = if base.is_empty() {
                format!("node_modules/{name}")
            } else {
                format!("{base}/node_modules/{name}")
            };
            let pointer = format!("{at}/{}", pointer_segment(&name));
            if let Some(nested) = d.dependencies.take() {
                stack.push((path.clone(), format!("{pointer}/dependencies"), nested));
            }
            // `version` holds an alias (`npm:name@1.0.0`) or a location for
            // packages that do not come from the registry.
            let mut real_name = None;
            let mut version = d.version.take();
            let mut v1_location = None;
            if let Some(v) = version.as_deref() {
                if let Some((n, ver)) = v.strip_prefix("npm:").and_then(split_descriptor) {
                    real_name = Some(n.to_string());
                    version = Some(ver.to_string());
                } else if !matches!(
                    classify_resolved(v),
                    SourceKind::Unknown | SourceKind::Registry { .. }
                ) || v.contains(':')
                {
                    v1_location = Some(v.to_string());
                    version = None;
                }
            }
            out.push(Entry {
                path,
                pointer,
                bundled: d.bundled,
                v1_location,
                package: Package {
                    name: real_name,
                    version,
                    resolved: d.resolved,
                    integrity: d.integrity,
                    dev: d.dev,
                    optional: d.optional,
                    in_bundle: d.bundled,
                    dependencies: d.requires,
                    ..Package::default()
                },
            });
        }
    }
}

/// Name of the package installed at `path` (`node_modules/@s/a` → `@s/a`;
/// a workspace folder `packages/a` → `a`).
fn name_from_path(path: &str) -> &str {
    match path.rfind("node_modules/") {
        Some(i) => &path[i + "node_modules/".len()..],
        None => path.rsplit('/').next().unwrap_or(path),
    }
}

/// Finds `name` from the package at `from` as Node.js does: in
/// `node_modules` of `from`, then of each folder above it.
fn resolve(
    index: &HashMap<&str, usize>,
    from: &str,
    name: &str,
    buf: &mut String,
) -> Option<usize> {
    let mut dir = from;
    loop {
        if dir.rsplit('/').next() != Some("node_modules") {
            buf.clear();
            if !dir.is_empty() {
                buf.push_str(dir);
                buf.push('/');
            }
            buf.push_str("node_modules/");
            buf.push_str(name);
            if let Some(&i) = index.get(buf.as_str()) {
                return Some(i);
            }
        }
        if dir.is_empty() {
            return None;
        }
        dir = dir.rfind('/').map_or("", |i| &dir[..i]);
    }
}

/// The package folder that contains the folder `path` (`a/node_modules/b` → `a`; top level → root `""`).
fn parent_package(path: &str) -> &str {
    path.rfind("/node_modules/").map_or("", |i| &path[..i])
}

fn license_text(v: &serde_json::Value) -> Option<String> {
    match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Object(o) => o.get("type").and_then(|t| t.as_str()).map(str::to_string),
        serde_json::Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(license_text).collect();
            (!parts.is_empty()).then(|| parts.join(" OR "))
        }
        _ => None,
    }
}

/// What the lockfile and the `package.json` beside it say of the project
/// itself.
struct Project {
    lock_name: Option<String>,
    lock_version: Option<String>,
    /// The `""` entry of `packages` (v2/v3).
    root: Package,
    /// Read beside a v1 lockfile only.
    manifest: Option<Manifest>,
    /// `packages` was read (v2/v3) rather than v1's `dependencies`.
    v2: bool,
}

fn build(doc: &mut ParsedDoc, project: Project, mut entries: Vec<Entry>) {
    let pointers: Vec<String> = entries
        .iter_mut()
        .map(|e| std::mem::take(&mut e.pointer))
        .collect();
    let installed = Installed::new(&entries);
    let mut warnings = Vec::new();

    // Components, in document order; entry indexes are component indexes.
    let parents = installed.bundle_parents();
    doc.components.reserve(entries.len());
    for ((e, parent), pointer) in entries.iter().zip(parents).zip(pointers) {
        let c = installed.component(e, &pointer, project.v2, &mut warnings);
        doc.push(c, pointer, parent);
    }
    let edges = installed.edges(&project);

    // Workspace packages are the project's own: roots beside the root project.
    let workspaces: Vec<String> = entries
        .iter()
        .filter(|e| !e.package.link && is_own_workspace(&project.root.workspaces, &e.path))
        .map(|e| e.path.clone())
        .collect();

    doc.edges = edges;
    doc.warnings.extend(warnings);
    describe_project(doc, project, workspaces);
}

/// The installed packages with an index by path.
struct Installed<'a> {
    entries: &'a [Entry],
    index: HashMap<&'a str, usize>,
}

impl<'a> Installed<'a> {
    /// Indexes `entries` by path, the last of equal paths winning.
    fn new(entries: &'a [Entry]) -> Self {
        let index = entries
            .iter()
            .enumerate()
            .map(|(i, e)| (e.path.as_str(), i))
            .collect();
        Installed { entries, index }
    }

    /// Bundled packages nest in the package whose tarball carries them.
    fn bundle_parents(&self) -> Vec<Option<usize>> {
        self.entries
            .iter()
            .map(|e| {
                if !e.bundled {
                    return None;
                }
                let mut up = parent_package(&e.path);
                while let Some(&i) = self.index.get(up) {
                    if !self.entries[i].bundled {
                        return Some(i);
                    }
                    up = parent_package(up);
                }
                None
            })
            .collect()
    }

    /// The component of one entry: name, version (a link's from its
    /// target), source, hashes, scope, install scripts, licence.
    fn component(
        &self,
        e: &Entry,
        pointer: &str,
        v2: bool,
        warnings: &mut Vec<String>,
    ) -> Component {
        let p = &e.package;
        let is_folder = !e.path.contains("node_modules/");
        let name = p
            .name
            .as_deref()
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| name_from_path(&e.path));
        // A link has no version of its own: it is the package it points at.
        let target = (p.link)
            .then(|| p.resolved.as_deref().and_then(|r| self.index.get(r)))
            .flatten()
            .map(|&t| &self.entries[t].package);
        let version = p
            .version
            .as_deref()
            .or_else(|| target.and_then(|t| t.version.as_deref()));
        let mut c = package_at(name, version, pointer, warnings);
        c.bom_ref = Some(e.path.clone());
        c.source = if p.link {
            SourceKind::Path {
                path: p.resolved.clone().unwrap_or_else(|| e.path.clone()),
            }
        } else if let Some(r) = p.resolved.as_deref().filter(|r| !r.trim().is_empty()) {
            classify_resolved(r)
        } else if let Some(loc) = &e.v1_location {
            classify_resolved(loc)
        } else if e.bundled {
            SourceKind::Vendored
        } else if is_folder {
            SourceKind::Path {
                path: e.path.clone(),
            }
        } else {
            // npm leaves out `resolved` only for the configured registry's tarballs.
            SourceKind::Registry { url: None }
        };
        if let Some(sri) = p.integrity.as_deref() {
            add_integrity(&mut c, sri, pointer, warnings);
        }
        c.scope = if p.dev {
            Scope::Dev
        } else if p.optional || p.dev_optional || p.peer {
            Scope::Optional
        } else {
            Scope::Required
        };
        c.rare.build_code = match (v2, p.link) {
            (true, false) if p.has_install_script => Some(vec![BuildCode::InstallScript]),
            (true, false) => Some(Vec::new()),
            _ => None,
        };
        if let Some(l) = p.license.as_ref().and_then(license_text) {
            c.licenses.push(License::new(LicenseKind::Declared, &l));
        }
        if let Some(message) = p.deprecated.as_deref().filter(|m| !m.trim().is_empty()) {
            c.rare.deprecated = Some(message.to_string());
        }
        c
    }

    /// Edges: the root's and every package's dependencies, found as Node.js
    /// finds them.
    fn edges(&self, project: &Project) -> Vec<(String, String)> {
        let mut out = EdgeList {
            installed: self,
            buf: String::new(),
            edges: Vec::new(),
        };
        if project.v2 {
            out.add(ROOT_REF, "", &project.root, true);
        } else if let Some(m) = &project.manifest {
            out.add(ROOT_REF, "", &manifest_deps(m), false);
        }
        for e in self.entries {
            let p = &e.package;
            if p.link {
                if let Some(r) = p.resolved.as_deref().filter(|r| self.index.contains_key(r)) {
                    out.edges.push((e.path.clone(), r.to_string()));
                }
                continue;
            }
            // A workspace's own development dependencies are installed; those of a
            // `file:` dependency are not.
            let own = is_own_workspace(&project.root.workspaces, &e.path);
            out.add(&e.path, &e.path, p, own);
        }
        out.edges
    }
}

/// The edges being collected, with a buffer reused by the lookups.
struct EdgeList<'i, 'a> {
    installed: &'i Installed<'a>,
    buf: String,
    edges: Vec<(String, String)>,
}

impl EdgeList<'_, '_> {
    /// The edges from `from`, installed at `from_dir`, to its dependencies;
    /// development ones only when `own_dev`.
    fn add(&mut self, from: &str, from_dir: &str, deps: &Package, own_dev: bool) {
        let groups: [(&[(String, String)], bool); 4] = [
            (&deps.dependencies, true),
            (&deps.optional_dependencies, false),
            (&deps.peer_dependencies, false),
            (if own_dev { &deps.dev_dependencies } else { &[] }, true),
        ];
        for (list, required) in groups {
            for (name, range) in list {
                match resolve(&self.installed.index, from_dir, name, &mut self.buf) {
                    Some(t) => self
                        .edges
                        .push((from.to_string(), self.installed.entries[t].path.clone())),
                    // Optional and peer dependencies may be absent; a missing
                    // required one stays a dangling reference.
                    None if required => self
                        .edges
                        .push((from.to_string(), format!("{name}@{range}"))),
                    None => {}
                }
            }
        }
    }
}

/// A v1 project's own dependencies, from its `package.json`, as a package's.
fn manifest_deps(m: &Manifest) -> Package {
    Package {
        dependencies: m
            .deps
            .iter()
            .filter(|d| d.2 != DepKind::Optional)
            .map(|(n, r, _)| (n.clone(), r.clone()))
            .collect(),
        optional_dependencies: m
            .deps
            .iter()
            .filter(|d| d.2 == DepKind::Optional)
            .map(|(n, r, _)| (n.clone(), r.clone()))
            .collect(),
        ..Package::default()
    }
}

/// The project as the primary component, and the roots: the project, then
/// its workspace packages.
fn describe_project(doc: &mut ParsedDoc, project: Project, workspaces: Vec<String>) {
    let Project {
        lock_name,
        lock_version,
        root,
        manifest,
        v2,
    } = project;
    let name = root
        .name
        .or(lock_name)
        .or_else(|| manifest.as_ref().and_then(|m| m.name.clone()));
    let version = root
        .version
        .or(lock_version)
        .or_else(|| manifest.as_ref().and_then(|m| m.version.clone()));
    doc.meta.subject_name = name.filter(|n| !n.is_empty());
    doc.meta.subject_version = version.filter(|v| !v.is_empty());
    doc.meta.primary = Some(ROOT_REF.to_string());
    doc.meta.has_dependency_graph = true;
    doc.roots.push(ROOT_REF.to_string());
    doc.roots.extend(workspaces);
    if !v2 && manifest.is_none() {
        doc.warnings.push(
            "a v1 lockfile does not list the project's own dependencies and there is no package.json beside it: direct and transitive dependencies are not told apart".into(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::super::node::{package, scopes_from_graph};
    use super::*;
    use crate::ingest::IngestOptions;
    use crate::model::Ecosystem;
    use crate::model::testing::{assert_warning_contains, assert_warning_starts_with};
    use std::path::Path;

    const SHA512_A: &str = "sha512-H0D8ktokFpR1CXnubPWC8tXX0o4YM13gWrxU0FYOD1MChgxlK/CNVgJSql50IQVG82n7u86MEs/HlXsmUv6adQ==";
    const SHA1_A: &str = "sha1-hvfkN/qlp/zhXR3cuerq6jd2Z7g=";

    fn parse_at(path: &Path, text: &str) -> Result<ParsedDoc, InputError> {
        crate::ingest::read_as(parse, path, text.as_bytes())
    }

    fn parse_str(text: &str) -> ParsedDoc {
        parse_at(Path::new("/nonexistent/package-lock.json"), text).unwrap()
    }

    #[test]
    fn descriptors_split_after_the_name() {
        assert_eq!(split_descriptor("a@^1"), Some(("a", "^1")));
        assert_eq!(split_descriptor("@s/a@1.0.0"), Some(("@s/a", "1.0.0")));
        assert_eq!(
            split_descriptor("x@npm:@s/a@^2"),
            Some(("x", "npm:@s/a@^2"))
        );
        assert_eq!(split_descriptor("@s/a"), None);
        assert_eq!(split_descriptor(""), None);
        assert_eq!(split_descriptor("@"), None);
    }

    #[test]
    fn purls_for_plain_scoped_and_odd_names() {
        let (c, w) = package("@types/Node", Some("20.1.0"));
        assert_eq!(w, None);
        assert_eq!(c.purl.as_deref(), Some("pkg:npm/%40types/node@20.1.0"));
        assert_eq!(c.namespace.as_deref(), Some("@types"));
        assert_eq!(c.name, "Node");
        assert_eq!(c.ecosystem, Ecosystem::Npm);
        let (c, _) = package("JSONStream", Some("1.3.5"));
        assert_eq!(c.purl.as_deref(), Some("pkg:npm/jsonstream@1.3.5"));
        assert_eq!(c.name, "JSONStream");
        // Characters that need escaping go through set_purl.
        let (c, w) = package("a", Some("1.0.0+build.1"));
        assert_eq!(w, None);
        assert_eq!(c.purl.as_deref(), Some("pkg:npm/a@1.0.0%2Bbuild.1"));
        assert_eq!(c.version.as_deref(), Some("1.0.0+build.1"));
        let (c, _) = package("a", None);
        assert_eq!(c.purl.as_deref(), Some("pkg:npm/a"));
        let (c, w) = package("", Some("1.0.0"));
        assert!(w.is_some() && c.purl.is_none());
    }

    #[test]
    fn the_fast_purl_is_what_set_purl_makes() {
        for (name, version) in [
            ("lodash", "4.17.21"),
            ("@babel/core", "7.23.5"),
            ("@types/node", "20.14.10-beta_1"),
            ("a.b-c_d", "0.0.0-use.local"),
            ("Upper", "1.0.0-RC.1"),
        ] {
            let (fast, _) = package(name, Some(version));
            let mut slow = Component::default();
            let raw = fast.purl.clone().unwrap();
            slow.set_purl(&raw).unwrap();
            assert_eq!(slow.purl, fast.purl, "{name}@{version}");
            assert_eq!(
                slow.namespace.map(|n| n.to_lowercase()),
                fast.namespace.map(|n| n.to_lowercase())
            );
        }
    }

    #[test]
    fn integrity_strings_become_hex_hashes() {
        let mut c = Component::default();
        let mut w = Vec::new();
        add_integrity(&mut c, &format!("{SHA512_A} {SHA1_A}?opt"), "at", &mut w);
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(c.hashes.len(), 2);
        assert_eq!(c.hashes[0].alg.as_str(), "SHA-512");
        assert!(c.hashes[0].value.starts_with("1f40fc92da241694"));
        assert_eq!(c.hashes[0].value.len(), 128);
        assert_eq!(c.hashes[1].alg.as_str(), "SHA-1");
        assert_eq!(
            c.hashes[1].value,
            "86f7e437faa5a7fce15d1ddcb9eaeaea377667b8"
        );
        // Unpadded base64 is accepted.
        let mut c = Component::default();
        add_integrity(&mut c, SHA1_A.trim_end_matches('='), "at", &mut w);
        assert_eq!(c.hashes.len(), 1);
        assert!(w.is_empty());
        for bad in ["sha512-!!!", "sha512-aGVsbG8=", "md4-aGVsbG8=", "nodash"] {
            let mut c = Component::default();
            let mut w = Vec::new();
            add_integrity(&mut c, bad, "/packages/x", &mut w);
            assert!(c.hashes.is_empty(), "{bad}");
            assert_eq!(w.len(), 1, "{bad}");
            assert!(w[0].starts_with("/packages/x: "), "{w:?}");
        }
    }

    #[test]
    fn resolved_urls_name_their_source() {
        assert_eq!(
            classify_resolved("https://npm.registry.example/@s/a/-/a-1.0.0.tgz"),
            SourceKind::Registry {
                url: Some("https://npm.registry.example/@s/a/-/a-1.0.0.tgz".into())
            }
        );
        assert_eq!(
            classify_resolved(
                "git+ssh://git@example.com/o/r.git#c887c803ac56deb5f91b617ef0486ca3fb98473b"
            ),
            SourceKind::Git {
                url: "git+ssh://git@example.com/o/r.git".into(),
                rev: Some("c887c803ac56deb5f91b617ef0486ca3fb98473b".into()),
                pinned: true
            }
        );
        assert!(matches!(
            classify_resolved("github:o/r#main"),
            SourceKind::Git { pinned: false, .. }
        ));
        assert_eq!(
            classify_resolved("gitlab:o/r#v1"),
            SourceKind::Git {
                url: "gitlab:o/r".into(),
                rev: Some("v1".into()),
                pinned: false
            }
        );
        assert_eq!(
            classify_resolved(
                "https://codeload.github.com/o/r/tar.gz/c95eeeaafba1131dd8d35bc130d4a79b2ff9261a"
            ),
            SourceKind::Git {
                url: "https://github.com/o/r".into(),
                rev: Some("c95eeeaafba1131dd8d35bc130d4a79b2ff9261a".into()),
                pinned: true
            }
        );
        assert_eq!(
            classify_resolved("file:../lib"),
            SourceKind::Path {
                path: "file:../lib".into()
            }
        );
        assert_eq!(
            classify_resolved("https://example.com/downloads/a.tgz"),
            SourceKind::Url {
                url: "https://example.com/downloads/a.tgz".into()
            }
        );
    }

    #[test]
    fn scopes_follow_the_strongest_path() {
        // 0 prod → 2 → 3; 1 dev → 3, 1 → 4; 0 → 5 optional; 6 unreachable.
        let starts = [(0, DepKind::Prod), (1, DepKind::Dev)];
        let edges = [
            (0, 2, DepKind::Prod),
            (2, 3, DepKind::Prod),
            (1, 3, DepKind::Prod),
            (1, 4, DepKind::Prod),
            (0, 5, DepKind::Optional),
            (5, 2, DepKind::Prod),
            (4, 6, DepKind::Dev),
        ];
        let s = scopes_from_graph(7, &starts, &edges);
        use Scope::*;
        assert_eq!(
            s,
            vec![
                Some(Required),
                Some(Dev),
                Some(Required),
                Some(Required),
                Some(Dev),
                Some(Optional),
                None
            ]
        );
    }

    /// A v3 lockfile with every field the reader maps.
    const V3: &str = r#"{
  "name": "app",
  "version": "1.2.3",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "app",
      "version": "1.2.3",
      "workspaces": ["packages/*"],
      "dependencies": {"a": "^1.0.0", "alias": "npm:@s/real@^2.0.0", "gone": "^1.0.0", "w": "*"},
      "devDependencies": {"dev-tool": "^3.0.0"},
      "optionalDependencies": {"opt": "^1.0.0", "absent-opt": "^1.0.0"},
      "peerDependencies": {"peer": "^1.0.0"}
    },
    "node_modules/a": {
      "version": "1.0.0",
      "resolved": "https://npm.registry.example/a/-/a-1.0.0.tgz",
      "integrity": "SHA512_A",
      "license": "MIT",
      "hasInstallScript": true,
      "dependencies": {"b": "^2.0.0", "c": "^1.0.0"}
    },
    "node_modules/a/node_modules/b": {
      "version": "2.0.0",
      "resolved": "https://npm.registry.example/b/-/b-2.0.0.tgz",
      "integrity": "SHA1_A",
      "license": {"type": "ISC"}
    },
    "node_modules/b": {"version": "1.0.0", "integrity": "SHA1_A", "dev": true},
    "node_modules/c": {"version": "1.0.0", "license": ["MIT", {"type": "Apache-2.0"}]},
    "node_modules/alias": {
      "name": "@s/real",
      "version": "2.0.0",
      "resolved": "git+ssh://git@example.com/s/real.git#c887c803ac56deb5f91b617ef0486ca3fb98473b"
    },
    "node_modules/dev-tool": {
      "version": "3.0.0",
      "dev": true,
      "dependencies": {"bundled": "^1.0.0", "b": "^1.0.0"}
    },
    "node_modules/dev-tool/node_modules/bundled": {"version": "1.0.0", "dev": true, "inBundle": true},
    "node_modules/opt": {"version": "1.0.0", "optional": true, "resolved": "https://example.com/opt.tgz"},
    "node_modules/peer": {"version": "1.0.0", "peer": true},
    "node_modules/both": {"version": "1.0.0", "devOptional": true},
    "node_modules/w": {"resolved": "packages/w", "link": true},
    "packages/w": {
      "name": "w",
      "version": "0.1.0",
      "dependencies": {"a": "^1.0.0"},
      "devDependencies": {"dev-tool": "^3.0.0"}
    }
  }
}"#;

    fn v3() -> String {
        V3.replace("SHA512_A", SHA512_A).replace("SHA1_A", SHA1_A)
    }

    #[test]
    fn file_dependencies_on_folders_are_path_sources_not_workspaces() {
        let text = r#"{
  "name": "app", "version": "1.0.0", "lockfileVersion": 3,
  "packages": {
    "": {"name": "app", "version": "1.0.0", "workspaces": ["packages/*", "!packages/skip"],
         "dependencies": {"lib": "file:../lib", "inner": "file:vendor/inner", "w": "*"}},
    "../lib": {"name": "lib", "version": "2.0.0", "devDependencies": {"tool": "^1.0.0"}},
    "node_modules/lib": {"resolved": "../lib", "link": true},
    "vendor/inner": {"name": "inner", "version": "0.1.0"},
    "node_modules/inner": {"resolved": "vendor/inner", "link": true},
    "packages/w": {"name": "w", "version": "0.1.0"},
    "node_modules/w": {"resolved": "packages/w", "link": true},
    "packages/skip": {"name": "skip", "version": "0.1.0"}
  }
}"#;
        let d = parse_str(text);
        // Only the folders the root's `workspaces` globs name are the project's own.
        assert_eq!(
            d.roots,
            vec![ROOT_REF.to_string(), "packages/w".to_string()]
        );
        assert_eq!(
            d.by_ref("../lib").source,
            SourceKind::Path {
                path: "../lib".into()
            }
        );
        assert_eq!(
            d.by_ref("node_modules/lib").source,
            SourceKind::Path {
                path: "../lib".into()
            }
        );
        assert_eq!(
            d.by_ref("node_modules/lib").version.as_deref(),
            Some("2.0.0")
        );
        assert!(matches!(
            d.by_ref("vendor/inner").source,
            SourceKind::Path { .. }
        ));
        // A `file:` dependency's development dependencies are not installed.
        assert!(!d.edges.iter().any(|(f, _)| f == "../lib"), "{:?}", d.edges);
    }

    #[test]
    fn workspace_globs_match_as_npm_expands_them() {
        let globs = |g: &[&str]| g.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let ws = globs(&["packages/*", "./apps/**", "tools/cli", "!packages/old-*"]);
        assert!(is_own_workspace(&ws, "packages/a"));
        assert!(!is_own_workspace(&ws, "packages/a/b"));
        assert!(is_own_workspace(&ws, "apps/web/site"));
        assert!(is_own_workspace(&ws, "tools/cli"));
        assert!(!is_own_workspace(&ws, "packages/old-x"));
        assert!(!is_own_workspace(&ws, "../lib"));
        assert!(!is_own_workspace(&ws, "node_modules/packages/a"));
        assert!(!is_own_workspace(&[], "packages/a"));
        // Many `**` against a deep path: answered at once.
        let deep = vec!["**"; 200].join("/") + "/x";
        let path = vec!["d"; 200].join("/");
        assert!(!is_own_workspace(&[deep], &path));
        assert!(segment_matches("a*b*c", "aXXbYYc"));
        assert!(!segment_matches("a*b", "aXXc"));
    }

    #[test]
    fn v3_maps_every_field() {
        let d = parse_str(&v3());
        assert_eq!(d.spec_version.as_deref(), Some("v3"));
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
        assert_eq!(d.components.len(), 12, "every key but the root");
        assert_eq!(d.meta.subject_name.as_deref(), Some("app"));
        assert_eq!(d.meta.subject_version.as_deref(), Some("1.2.3"));
        assert_eq!(d.meta.primary.as_deref(), Some(ROOT_REF));
        assert!(d.meta.has_dependency_graph);
        assert_eq!(
            d.roots,
            vec![ROOT_REF.to_string(), "packages/w".to_string()]
        );

        let a = d.by_ref("node_modules/a");
        assert_eq!(a.purl.as_deref(), Some("pkg:npm/a@1.0.0"));
        assert_eq!(a.locations[0].pointer, "/packages/node_modules~1a");
        assert_eq!(
            a.source,
            SourceKind::Registry {
                url: Some("https://npm.registry.example/a/-/a-1.0.0.tgz".into())
            }
        );
        assert_eq!(a.hashes[0].alg.as_str(), "SHA-512");
        assert_eq!(a.rare.build_code, Some(vec![BuildCode::InstallScript]));
        assert_eq!(a.licenses[0].raw, "MIT");
        assert_eq!(a.scope, Scope::Required);

        let nested_b = d.by_ref("node_modules/a/node_modules/b");
        assert_eq!(nested_b.version.as_deref(), Some("2.0.0"));
        assert_eq!(nested_b.rare.build_code, Some(vec![]));
        assert_eq!(nested_b.licenses[0].raw, "ISC");
        assert_eq!(nested_b.hashes[0].alg.as_str(), "SHA-1");
        // Without `resolved`, a package under node_modules came from the registry.
        assert_eq!(
            d.by_ref("node_modules/b").source,
            SourceKind::Registry { url: None }
        );
        assert_eq!(d.by_ref("node_modules/b").scope, Scope::Dev);
        assert_eq!(
            d.by_ref("node_modules/c").licenses[0].raw,
            "MIT OR Apache-2.0"
        );

        let alias = d.by_ref("node_modules/alias");
        assert_eq!(alias.purl.as_deref(), Some("pkg:npm/%40s/real@2.0.0"));
        assert!(matches!(alias.source, SourceKind::Git { pinned: true, .. }));

        let bundled = d.by_ref("node_modules/dev-tool/node_modules/bundled");
        assert_eq!(bundled.source, SourceKind::Vendored);
        let bi = d
            .components
            .iter()
            .position(|c| std::ptr::eq(c, bundled))
            .unwrap();
        let dev_tool = d
            .components
            .iter()
            .position(|c| c.bom_ref.as_deref() == Some("node_modules/dev-tool"))
            .unwrap();
        assert_eq!(d.parents[bi], Some(dev_tool));
        assert_eq!(d.parents.iter().filter(|p| p.is_some()).count(), 1);

        assert_eq!(d.by_ref("node_modules/opt").scope, Scope::Optional);
        assert_eq!(
            d.by_ref("node_modules/opt").source,
            SourceKind::Url {
                url: "https://example.com/opt.tgz".into()
            }
        );
        assert_eq!(d.by_ref("node_modules/peer").scope, Scope::Optional);
        assert_eq!(d.by_ref("node_modules/both").scope, Scope::Optional);

        let link = d.by_ref("node_modules/w");
        assert_eq!(
            link.version.as_deref(),
            Some("0.1.0"),
            "the target's version"
        );
        assert_eq!(
            link.source,
            SourceKind::Path {
                path: "packages/w".into()
            }
        );
        assert_eq!(link.rare.build_code, None);
        assert_eq!(
            d.by_ref("packages/w").source,
            SourceKind::Path {
                path: "packages/w".into()
            }
        );

        // Edges: nearest node_modules first, then up the tree.
        assert!(d.has_edge("node_modules/a", "node_modules/a/node_modules/b"));
        assert!(d.has_edge("node_modules/a", "node_modules/c"));
        assert!(d.has_edge("node_modules/dev-tool", "node_modules/b"));
        assert!(d.has_edge(
            "node_modules/dev-tool",
            "node_modules/dev-tool/node_modules/bundled"
        ));
        for to in [
            "node_modules/a",
            "node_modules/alias",
            "node_modules/w",
            "node_modules/dev-tool",
            "node_modules/opt",
            "node_modules/peer",
        ] {
            assert!(d.has_edge(ROOT_REF, to), "{to}");
        }
        assert!(d.has_edge("node_modules/w", "packages/w"));
        // A workspace's dev dependencies count; a package's never do.
        assert!(d.has_edge("packages/w", "node_modules/dev-tool"));
        // A missing required dependency stays a dangling reference; a missing optional one is no edge.
        assert!(d.has_edge(ROOT_REF, "gone@^1.0.0"));
        assert!(!d.edges.iter().any(|(_, t)| t.starts_with("absent-opt")));
    }

    #[test]
    fn v2_reads_packages_and_ignores_the_legacy_tree() {
        let text = r#"{"name": "x", "version": "1.0.0", "lockfileVersion": 2,
            "packages": {"": {"dependencies": {"a": "1"}}, "node_modules/a": {"version": "1.0.0"}},
            "dependencies": {"a": {"version": "1.0.0"}, "ghost": {"version": "9.9.9"}}}"#;
        let d = parse_str(text);
        assert_eq!(d.spec_version.as_deref(), Some("v2"));
        assert_eq!(d.components.len(), 1);
        assert_eq!(d.components[0].rare.build_code, Some(vec![]));
        assert_eq!(d.meta.subject_name.as_deref(), Some("x"));
    }

    const V1: &str = r#"{
  "name": "old",
  "version": "0.1.0",
  "lockfileVersion": 1,
  "requires": true,
  "dependencies": {
    "a": {
      "version": "1.0.0",
      "resolved": "https://npm.registry.example/a/-/a-1.0.0.tgz",
      "integrity": "SHA1_A",
      "requires": {"b": "^2.0.0", "c": "^1.0.0"},
      "dependencies": {
        "b": {"version": "2.0.0", "bundled": true}
      }
    },
    "b": {"version": "1.0.0", "dev": true},
    "c": {"version": "npm:@s/c@1.1.0", "optional": true},
    "g": {"version": "github:o/g#c887c803ac56deb5f91b617ef0486ca3fb98473b", "from": "github:o/g"},
    "f": {"version": "file:../f"}
  }
}"#;

    #[test]
    fn v1_nested_dependencies() {
        let d = parse_str(&V1.replace("SHA1_A", SHA1_A));
        assert_eq!(d.spec_version.as_deref(), Some("v1"));
        assert_eq!(d.components.len(), 6);
        let a = d.by_ref("node_modules/a");
        assert_eq!(a.locations[0].pointer, "/dependencies/a");
        assert_eq!(
            a.rare.build_code, None,
            "v1 does not record install scripts"
        );
        assert_eq!(a.hashes.len(), 1);
        let nested = d.by_ref("node_modules/a/node_modules/b");
        assert_eq!(
            nested.locations[0].pointer,
            "/dependencies/a/dependencies/b"
        );
        assert_eq!(nested.source, SourceKind::Vendored);
        assert!(d.has_edge("node_modules/a", "node_modules/a/node_modules/b"));
        assert!(d.has_edge("node_modules/a", "node_modules/c"));
        assert_eq!(d.by_ref("node_modules/b").scope, Scope::Dev);
        let c = d.by_ref("node_modules/c");
        assert_eq!(c.purl.as_deref(), Some("pkg:npm/%40s/c@1.1.0"));
        assert_eq!(c.scope, Scope::Optional);
        let g = d.by_ref("node_modules/g");
        assert_eq!(g.version, None);
        assert!(matches!(g.source, SourceKind::Git { pinned: true, .. }));
        assert!(matches!(
            d.by_ref("node_modules/f").source,
            SourceKind::Path { .. }
        ));
        // No package.json beside: the project's own dependencies are unknown.
        assert!(d.edges.iter().all(|(f, _)| f != ROOT_REF));
        assert_eq!(d.warnings.len(), 1);
        assert_warning_contains(&d.warnings, 0, "v1 lockfile");
    }

    #[test]
    fn v1_takes_the_projects_dependencies_from_package_json() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("package.json"),
            r#"{"name": "old", "dependencies": {"a": "^1.0.0"}, "devDependencies": {"b": "^1.0.0"}}"#,
        )
        .unwrap();
        let path = dir.path().join("npm-shrinkwrap.json");
        let d = parse_at(&path, &V1.replace("SHA1_A", SHA1_A)).unwrap();
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
        assert!(d.has_edge(ROOT_REF, "node_modules/a"));
        assert!(d.has_edge(ROOT_REF, "node_modules/b"));
        std::fs::write(dir.path().join("package.json"), "{ not json").unwrap();
        let d = parse_at(&path, &V1.replace("SHA1_A", SHA1_A)).unwrap();
        assert_warning_contains(&d.warnings, 0, "package.json");
    }

    #[test]
    fn errors_name_their_position() {
        let refused = |text: &str| parse_at(Path::new("package-lock.json"), text).unwrap_err();
        let e = refused("{\n  \"lockfileVersion\": 3,\n  \"packages\": {\n");
        assert!(e.to_string().starts_with("line 4, "), "{e}");
        assert!(e.message.starts_with("unexpected end of file"), "{e}");
        let e = refused(r#"{"lockfileVersion": 99, "packages": {}}"#);
        assert_eq!(
            e.to_string(),
            "at /lockfileVersion: unsupported package-lock version 99 (supported: 1, 2, 3)"
        );
        let e = refused(r#"{"packages": {}}"#);
        assert!(e.message.contains("no `lockfileVersion`"), "{e}");
        let e = refused(r#"{"lockfileVersion": 3, "packages": []}"#);
        assert_eq!(
            e.to_string(),
            "at /packages: expected `packages` to be an object, found an array"
        );
        let e = refused("[]");
        assert!(e.message.contains("JSON object"), "{e}");
        // The version is checked before the shape.
        let e = refused(r#"{"lockfileVersion": "7", "packages": 1}"#);
        assert!(
            e.message.contains("unsupported package-lock version 7"),
            "{e}"
        );
    }

    #[test]
    fn a_wrong_typed_entry_is_skipped_and_the_rest_read() {
        let d = parse_str(
            r#"{"lockfileVersion": 3, "packages": {
                "": {"dependencies": {"a": "1", "b": "1"}},
                "node_modules/a": {"version": "1.0.0", "dev": "yes"},
                "node_modules/b": {"version": "1.0.0"}}}"#,
        );
        assert_eq!(d.components.len(), 1);
        assert_eq!(d.components[0].name, "b");
        assert_warning_contains(&d.warnings, 0, "reading the lockfile entry by entry");
        assert_warning_starts_with(&d.warnings, 1, "at /packages/node_modules~1a/dev:");
        // The skipped package is then a dangling reference of the root.
        assert!(d.has_edge(ROOT_REF, "a@1"));
        let d = parse_str(
            r#"{"lockfileVersion": 1, "dependencies": {
                "a": {"version": "1.0.0", "dependencies": {"x": {"version": 5, "dev": 1}}},
                "b": {"version": "1.0.0", "dependencies": 7}}}"#,
        );
        assert_eq!(d.components.len(), 2);
        assert!(
            d.warnings
                .iter()
                .any(|w| w.contains("/dependencies/a/dependencies/x")),
            "{:?}",
            d.warnings
        );
        assert!(
            d.warnings
                .iter()
                .any(|w| w.contains("/dependencies/b/dependencies")),
            "{:?}",
            d.warnings
        );
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_input_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            let _ = parse(&Input { path: Path::new(""), bytes: &bytes, options: &IngestOptions::default() });
        }

        #[test]
        fn truncating_a_valid_lockfile_never_panics(cut in 0usize..V3.len()) {
            let text = v3();
            let cut = cut.min(text.len());
            let _ = parse(&Input { path: Path::new(""), bytes: &text.as_bytes()[..cut], options: &IngestOptions::default() });
        }
    }
}
