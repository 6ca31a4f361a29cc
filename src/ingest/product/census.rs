//! What the product's binaries are made of and who accounts for them
//! (OPQ-07). Every executable and shared library (ELF, PE, Mach-O) is matched, by its
//! real path (symlinks followed inside the root), against the files the
//! package databases list; one that no database lists and that carries no
//! build record is unaccounted. The modules and crates a build record names
//! (Go build information, cargo-auditable) join the inventory as components
//! under the binary's own component, itself under the package that owns the
//! binary, else under the operating system.

use std::collections::HashMap;

use super::super::ParsedDoc;
use super::binary::Binary;
use super::go_buildinfo::GoBuild;
use super::tree::{DigestAlg, FileState, Tree};
use crate::ingest::lockfile::{cargo::cargo_purl, golang};
use crate::model::{
    Component, Ecosystem, ExecutableCensus, PrebuiltBinary, Scope, SourceKind, UnaccountedBinary,
};

/// Files as a package database wrote them (`/bin/bash`), each with the
/// reference of its package, by their real path in the product (`usr/bin/bash`).
pub fn owners(
    tree: &dyn Tree,
    owned: impl IntoIterator<Item = (String, String)>,
) -> HashMap<String, String> {
    let mut real = RealPaths::default();
    owned
        .into_iter()
        .filter_map(|(path, owner)| Some((real.of(tree, &path)?, owner)))
        .collect()
}

/// Real paths of listed files: the directory part resolved once per
/// directory (a system's package lists name a hundred thousand files in a
/// few thousand directories), the file name kept as listed.
#[derive(Default)]
pub struct RealPaths(HashMap<String, Option<String>>);

impl RealPaths {
    pub fn of(&mut self, tree: &dyn Tree, path: &str) -> Option<String> {
        let rel = path.trim_start_matches('/');
        let (parent, name) = rel.rsplit_once('/').unwrap_or(("", rel));
        if name.is_empty() || name == "." || name == ".." {
            return tree.canonical(rel);
        }
        let dir = self
            .0
            .entry(parent.to_string())
            .or_insert_with(|| tree.canonical(parent))
            .as_deref()?;
        Some(if dir.is_empty() {
            name.to_string()
        } else {
            format!("{dir}/{name}")
        })
    }
}

/// Counts the product's binaries, names the unaccounted ones, and adds the
/// components their build records list. `owners` maps the real path of each
/// file a package lists to the package's reference; `owner_dirs` gives
/// directories that belong whole to a package (an npm package's), deepest first.
pub fn take(
    tree: &dyn Tree,
    owners: &HashMap<String, String>,
    owner_dirs: &[(String, String)],
    doc: &mut ParsedDoc,
    os_ref: &str,
) -> ExecutableCensus {
    let mut census = ExecutableCensus::default();
    for (path, binary) in tree.binaries() {
        census.binaries += 1;
        let in_dir = || {
            owner_dirs
                .iter()
                .find(|(dir, _)| {
                    path.strip_prefix(dir.as_str())
                        .is_some_and(|r| r.starts_with('/'))
                })
                .map(|(_, r)| r)
        };
        let owner = match owners.get(&path) {
            Some(listed) => Some(listed),
            None => in_dir().inspect(|package| {
                census.prebuilt.push(PrebuiltBinary {
                    package: pointer_of(doc, package),
                    path: format!("/{path}"),
                    kind: binary.kind.describe().to_string(),
                    size: binary.size,
                })
            }),
        };
        if let Some(problem) = &binary.problem {
            doc.warnings.push(format!("/{path}: {problem}"));
        }
        if owner.is_some() {
            census.owned_by_packages += 1;
        } else if binary.has_build_record() {
            census.with_build_record += 1;
        } else {
            census.unaccounted.push(UnaccountedBinary {
                path: format!("/{path}"),
                kind: binary.kind.describe().to_string(),
                size: Some(binary.size),
                sha256: None,
            });
        }
        add_build_record(doc, &path, &binary, owner.map_or(os_ref, String::as_str));
    }
    // Each unaccounted binary's SHA-256 identifies it in the evidence: hashed in parallel.
    use rayon::prelude::*;
    census.unaccounted.par_iter_mut().for_each(|u| {
        if let FileState::Digest(d) = tree.digest(u.path.trim_start_matches('/'), DigestAlg::Sha256)
        {
            u.sha256 = Some(d);
        }
    });
    census
}

/// Where the component of reference `r` was read (empty when none is).
fn pointer_of(doc: &ParsedDoc, r: &str) -> String {
    doc.components
        .iter()
        .find(|c| c.bom_ref.as_deref() == Some(r))
        .and_then(|c| c.locations.first())
        .map(|l| l.pointer.clone())
        .unwrap_or_default()
}

/// The components a binary's build record lists, under `parent`.
pub(super) fn add_build_record(doc: &mut ParsedDoc, path: &str, binary: &Binary, parent: &str) {
    let pointer = format!("/{path}");
    if let Some(go) = &binary.go {
        add_go(doc, &pointer, go, parent);
    }
    if let Some(info) = &binary.rust {
        add_rust(doc, &pointer, info, parent);
    }
}

fn add_go(doc: &mut ParsedDoc, pointer: &str, go: &GoBuild, parent: &str) {
    let Some(main) = &go.main else {
        return;
    };
    let main_ref = format!("bin:{pointer}");
    let version = (main.version != "(devel)").then_some(main.version.as_str());
    let mut c = golang::go_component(&main.path, version);
    c.kind = Some("application".to_string());
    c.bom_ref = Some(main_ref.clone());
    doc.push(c, pointer.to_string(), None);
    doc.edges.push((parent.to_string(), main_ref.clone()));
    for dep in &go.deps {
        // A module replaced by a local directory has no identity beyond its path.
        let local = dep.path.starts_with('.') || dep.path.starts_with('/');
        let version = (dep.version != "(devel)").then_some(dep.version.as_str());
        let mut c = if local {
            let mut c = Component::named(dep.path.clone());
            c.ecosystem = Ecosystem::Golang;
            c.source = SourceKind::Path {
                path: dep.path.clone(),
            };
            c
        } else {
            golang::go_component(&dep.path, version)
        };
        if let Some(sum) = dep.sum.as_deref().and_then(|s| s.strip_prefix("h1:")) {
            golang::add_go_hash(&mut c, sum);
        }
        let dep_ref = format!("{main_ref}:go:{}@{}", dep.path, dep.version);
        c.bom_ref = Some(dep_ref.clone());
        doc.push(c, format!("{pointer} (Go build information)"), None);
        doc.edges.push((main_ref.clone(), dep_ref));
    }
}

fn add_rust(doc: &mut ParsedDoc, pointer: &str, info: &auditable_serde::VersionInfo, parent: &str) {
    use auditable_serde::{DependencyKind, Source};
    let refs: Vec<String> = info
        .packages
        .iter()
        .map(|p| format!("bin:{pointer}:cargo:{}@{}", p.name, p.version))
        .collect();
    for (i, p) in info.packages.iter().enumerate() {
        let version = p.version.to_string();
        let mut c = Component::named(p.name.clone());
        c.ecosystem = Ecosystem::Cargo;
        c.version = Some(version.clone());
        c.source = match &p.source {
            // The program itself: where its code came from is the product's own build.
            _ if p.root => SourceKind::Unknown,
            Source::CratesIo => SourceKind::Registry { url: None },
            Source::Local => SourceKind::Path {
                path: String::new(),
            },
            Source::Git => SourceKind::Elsewhere {
                note: "a git repository (cargo-auditable records no URL)".to_string(),
            },
            Source::Registry => SourceKind::Elsewhere {
                note: "a registry other than crates.io (cargo-auditable records no URL)"
                    .to_string(),
            },
            _ => SourceKind::Unknown,
        };
        if matches!(p.source, Source::CratesIo) {
            let _ = c.set_purl(&cargo_purl(&p.name, &version, None));
        }
        if p.kind == DependencyKind::Build {
            c.scope = Scope::Build;
        }
        if p.root {
            c.kind = Some("application".to_string());
            doc.edges.push((parent.to_string(), refs[i].clone()));
        }
        c.bom_ref = Some(refs[i].clone());
        let where_ = if p.root {
            pointer.to_string()
        } else {
            format!("{pointer} (cargo-auditable)")
        };
        doc.push(c, where_, None);
        for &d in &p.dependencies {
            if let Some(to) = refs.get(d) {
                doc.edges.push((refs[i].clone(), to.clone()));
            }
        }
    }
}
