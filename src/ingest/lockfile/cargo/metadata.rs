//! A manifest through `cargo metadata`: packages, dependency kinds and scopes,
//! workspace members, with the lockfile's checksums.

use super::lock::*;
use super::run::*;
use super::source::*;
use std::collections::{HashMap, VecDeque};
use std::path::{Component as PathPart, Path, PathBuf};

use cargo_metadata::{DependencyKind, Metadata, TargetKind};

use crate::ingest::{Input, ParsedDoc};
use crate::model::InputError;
use crate::model::{
    BuildCode, Component, Format, License, LicenseKind, RefKind, Scope, SourceKind,
};

/// The manifest's `Cargo.toml`, parsed loosely (only `workspace` keys matter).
pub(super) fn manifest_table(path: &Path) -> Option<toml::Table> {
    std::fs::read_to_string(path).ok()?.parse().ok()
}

/// Where the workspace's `Cargo.lock` is, if it exists, and the directories
/// looked in (beside the manifest, and the workspace root as cargo finds it:
/// `package.workspace`, else the nearest ancestor whose manifest has `[workspace]`).
pub(super) fn find_lockfile(manifest: &Path) -> (Option<PathBuf>, Vec<PathBuf>) {
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
pub(super) fn relative(path: &Path, base: &Path) -> String {
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
pub(super) fn enrich(c: &mut Component, p: &cargo_metadata::Package) {
    for a in &p.authors {
        if !c.rare.authors.contains(a) {
            c.rare.authors.push(a.clone());
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
    c.rare.build_code = Some(code);
}

/// The directory of a package's manifest, relative to the workspace root.
pub(super) fn package_dir(p: &cargo_metadata::Package, workspace_root: &Path) -> String {
    let manifest = p.manifest_path.as_std_path();
    relative(manifest.parent().unwrap_or(manifest), workspace_root)
}

/// The kinds of dependency one edge stands for: a crate may depend on
/// another as a normal, a build and a dev dependency at once.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct EdgeKinds {
    pub(super) normal: bool,
    pub(super) build: bool,
    pub(super) dev: bool,
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
pub(super) fn reach(
    adj: &[Vec<(usize, EdgeKinds)>],
    starts: &[usize],
    allowed: EdgeKinds,
) -> Vec<bool> {
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
pub(super) fn lock_checksums(lock: &Lock) -> HashMap<(&str, &str, &str), (&str, usize)> {
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
pub(super) fn from_metadata(
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
pub(super) fn add_members(meta: &Metadata, doc: &mut ParsedDoc) {
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
