//! The language layer of a product: Python distributions and npm packages
//! installed outside any distribution package. One that a distribution
//! package installed (its metadata is in that package's file list) is the
//! distribution's and is not listed twice. Each becomes a component of its
//! ecosystem, linked by what it requires within its environment; those
//! nothing requires hang under the operating system. Their files belong to
//! them (OPQ-07): Python's by RECORD, npm's by directory.

use std::collections::HashMap;

use super::super::ParsedDoc;
use super::node_modules;
use super::python_dist;
use super::tree::Tree;
use crate::model::{Component, Ecosystem, License, LicenseKind, RefKind};

/// What an installed package's own metadata declares about it, read alike
/// from a `package.json` and from a Python distribution's METADATA.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Declared {
    pub name: String,
    pub version: String,
    pub licence: Option<String>,
    pub author: Option<String>,
}

impl Declared {
    /// The component of `ecosystem` it describes: name, version, the
    /// declared licence, the author as supplier.
    fn component(&self, ecosystem: Ecosystem) -> Component {
        let mut c = Component::named(self.name.clone());
        c.ecosystem = ecosystem;
        c.version = Some(self.version.clone());
        if let Some(l) = &self.licence {
            c.licenses.push(License::new(LicenseKind::Declared, l));
        }
        c.supplier = self.author.clone();
        c
    }
}

/// Largest metadata file read.
const MAX_METADATA: u64 = 16 << 20;

/// Adds the product's Python and npm packages to `doc`; `owners` (real path
/// → package reference) gains the files Python's RECORDs list. Returns the
/// npm packages' directories with their references, deepest first.
pub fn add(
    tree: &dyn Tree,
    doc: &mut ParsedDoc,
    owners: &mut HashMap<String, String>,
    os_ref: &str,
    verify_files: bool,
) -> Vec<(String, String)> {
    add_python(tree, doc, owners, os_ref, verify_files);
    add_java(tree, doc, owners, os_ref);
    add_npm(tree, doc, owners, os_ref)
}

/// Java archives outside any distribution package: each artifact a
/// `pom.properties` or manifest identifies, the nested ones under the
/// archive's own (a Spring Boot or web application's libraries).
fn add_java(tree: &dyn Tree, doc: &mut ParsedDoc, owners: &HashMap<String, String>, os_ref: &str) {
    for (path, read) in tree.jars() {
        if owners.contains_key(&path) {
            continue;
        }
        let artifacts = match read {
            Ok(a) => a,
            Err(e) => {
                doc.warnings.push(e.to_string());
                continue;
            }
        };
        if artifacts.is_empty() {
            doc.warnings.push(format!(
                "/{path}: a Java archive that names no artifact (no META-INF/maven/**/pom.properties, no manifest title): what it is cannot be told"
            ));
            continue;
        }
        let top = artifacts
            .iter()
            .find(|a| a.depth == 0)
            .map(|a| format!("maven:{}", a.pointer));
        for a in &artifacts {
            let mut c = Component::named(a.name.clone());
            c.ecosystem = Ecosystem::Maven;
            c.namespace = a.group.clone();
            c.version = a.version.clone();
            if let Ok(mut purl) = packageurl::PackageUrl::new("maven", a.name.as_str()) {
                let ok = a
                    .group
                    .as_deref()
                    .is_none_or(|g| purl.with_namespace(g).is_ok())
                    && a.version
                        .as_deref()
                        .is_none_or(|v| purl.with_version(v).is_ok());
                if ok {
                    let _ = c.set_purl(&purl.to_string());
                }
            }
            let r = format!("maven:{}", a.pointer);
            c.bom_ref = Some(r.clone());
            doc.push(c, a.pointer.clone(), None);
            let parent = match (&top, a.depth) {
                (Some(t), d) if d > 0 => t.clone(),
                _ => os_ref.to_string(),
            };
            doc.edges.push((parent, r));
        }
    }
}

fn add_python(
    tree: &dyn Tree,
    doc: &mut ParsedDoc,
    owners: &mut HashMap<String, String>,
    os_ref: &str,
    verify_files: bool,
) {
    let mut dists = Vec::new();
    for rel in tree.files_matching(&python_dist::is_metadata) {
        if owners.contains_key(&rel) {
            continue;
        }
        match python_dist::read(tree, &rel, MAX_METADATA) {
            Ok(d) => dists.push(d),
            Err(e) => doc.warnings.push(e.to_string()),
        }
    }
    let refs: Vec<String> = dists.iter().map(|d| format!("pypi:/{}", d.dir)).collect();
    // Within one environment (site directory), by normalised name.
    let by_name: HashMap<(&str, String), usize> = dists
        .iter()
        .enumerate()
        .map(|(i, d)| ((d.site(), python_dist::normalize(&d.declared.name)), i))
        .collect();
    let mut required = vec![false; dists.len()];
    let mut real = super::census::RealPaths::default();
    for (i, d) in dists.iter().enumerate() {
        let mut c = d.declared.component(Ecosystem::Pypi);
        let _ = c.set_purl(&format!(
            "pkg:pypi/{}@{}",
            python_dist::normalize(&d.declared.name),
            crate::model::encode::percent_encode(&d.declared.version, |_, ch| {
                crate::model::encode::is_unreserved(ch)
            })
        ));
        if let Some(h) = &d.home_page {
            c.add_reference(RefKind::Website, h);
        }
        if verify_files {
            c.files = python_dist::verify(tree, d).map(Box::new);
        }
        c.bom_ref = Some(refs[i].clone());
        doc.push(c, d.metadata_path(), None);
        for r in &d.requires {
            if let Some(&j) = by_name.get(&(d.site(), r.clone()))
                && j != i
            {
                doc.edges.push((refs[i].clone(), refs[j].clone()));
                required[j] = true;
            }
        }
        for (path, _) in &d.record {
            if let Some(path) = real.of(tree, path) {
                owners.entry(path).or_insert_with(|| refs[i].clone());
            }
        }
    }
    for (i, r) in refs.iter().enumerate() {
        if !required[i] {
            doc.edges.push((os_ref.to_string(), r.clone()));
        }
    }
}

fn add_npm(
    tree: &dyn Tree,
    doc: &mut ParsedDoc,
    owners: &HashMap<String, String>,
    os_ref: &str,
) -> Vec<(String, String)> {
    let mut packages = Vec::new();
    for rel in tree.files_matching(&node_modules::is_package_json) {
        if owners.contains_key(&rel) {
            continue;
        }
        match node_modules::read(tree, &rel, MAX_METADATA) {
            Ok(p) => packages.push(p),
            Err(e) => doc.warnings.push(e.to_string()),
        }
    }
    let refs: Vec<String> = packages.iter().map(|p| format!("npm:/{}", p.dir)).collect();
    let by_dir: HashMap<&str, &str> = packages
        .iter()
        .zip(&refs)
        .map(|(p, r)| (p.dir.as_str(), r.as_str()))
        .collect();
    let mut required: HashMap<&str, bool> = HashMap::new();
    for (i, p) in packages.iter().enumerate() {
        let mut c = p.declared.component(Ecosystem::Npm);
        let (name, version) = (&p.declared.name, &p.declared.version);
        if let Ok(mut purl) =
            packageurl::PackageUrl::new("npm", name.rsplit('/').next().unwrap_or(name))
            && purl.with_version(version.as_str()).is_ok()
        {
            let ok = match name.split_once('/') {
                Some((scope, _)) => purl.with_namespace(scope).is_ok(),
                None => true,
            };
            if ok {
                let _ = c.set_purl(&purl.to_string());
            }
        }

        if let Some(sri) = &p.integrity {
            c.hashes.extend(
                crate::model::encode::integrity_hashes(sri)
                    .into_iter()
                    .flatten(),
            );
        }
        if let Some(url) = &p.resolved {
            c.add_reference(RefKind::Distribution, url);
        }
        c.bom_ref = Some(refs[i].clone());
        doc.push(c, format!("{}/package.json", p.dir), None);
        for dep in &p.dependencies {
            if let Some(to) = node_modules::locate(&p.dir, dep, &by_dir)
                && to != refs[i]
            {
                doc.edges.push((refs[i].clone(), to.to_string()));
                required.insert(to, true);
            }
        }
    }
    for r in &refs {
        if !required.contains_key(r.as_str()) {
            doc.edges.push((os_ref.to_string(), r.clone()));
        }
    }
    let mut dirs: Vec<(String, String)> = packages
        .iter()
        .zip(refs)
        .filter_map(|(p, r)| Some((tree.canonical(&p.dir)?, r)))
        .collect();
    // Deepest first: a binary in a nested copy belongs to that copy.
    dirs.sort_by_key(|(d, _)| std::cmp::Reverse(d.len()));
    dirs
}
