//! One installed package as any package database describes it (dpkg, apk,
//! rpm, opkg), and how the packages of a product become components: each
//! with its purl, release and source package, linked by what it depends on,
//! and those nothing depends on hung under the operating system.

use std::collections::HashMap;

use super::super::ParsedDoc;
use crate::model::{Component, DistroRelease, Ecosystem, License, LicenseKind, SourcePackage};

/// One installed package, as its database records it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Package {
    pub name: String,
    pub version: String,
    /// The version the purl writes, when it differs (rpm: without the epoch).
    pub purl_version: Option<String>,
    pub architecture: Option<String>,
    /// The source package it was built from (the package itself when the database names none).
    pub source: SourcePackage,
    pub maintainer: Option<String>,
    /// The licence as the database states it.
    pub licence: Option<String>,
    /// What it depends on: groups of alternatives, each a name a package has or provides.
    pub depends: Vec<Vec<String>>,
    /// Names it provides besides its own (apk `p:`, rpm `Provides`).
    pub provides: Vec<String>,
    /// Purl qualifiers besides `arch` and `distro` (rpm `epoch`).
    pub qualifiers: Vec<(String, String)>,
    /// Where it was read: `<file>:line <n>` or `<file>:<record>`.
    pub pointer: String,
}

impl Package {
    /// The reference it gets inside the document: unique per name and architecture.
    pub fn reference(&self, ecosystem: &Ecosystem) -> String {
        format!(
            "{}:{}:{}",
            ecosystem.as_str(),
            self.name,
            self.architecture.as_deref().unwrap_or("")
        )
    }
}

/// Adds `packages` to `doc` as components of `ecosystem` under the purl
/// namespace `namespace`; returns the index of the first one added.
pub fn add_packages(
    doc: &mut ParsedDoc,
    ecosystem: Ecosystem,
    packages: &[Package],
    namespace: &str,
    release: Option<&DistroRelease>,
    os_ref: &str,
) -> usize {
    let first = doc.components.len();
    // A relation names a package or something one provides.
    let mut by_name: HashMap<&str, usize> = HashMap::new();
    for (i, p) in packages.iter().enumerate() {
        for name in &p.provides {
            by_name.entry(name.as_str()).or_insert(i);
        }
    }
    for (i, p) in packages.iter().enumerate() {
        by_name.insert(p.name.as_str(), i);
    }
    let refs: Vec<String> = packages.iter().map(|p| p.reference(&ecosystem)).collect();
    let mut depended_on = vec![false; packages.len()];
    for (i, p) in packages.iter().enumerate() {
        let mut c = Component::named(p.name.clone());
        let purl = purl(ecosystem.as_str(), namespace, p, release);
        if let Err(e) = c.set_purl(&purl) {
            doc.warnings.push(format!("{}: {e}", p.pointer));
        }
        c.ecosystem = ecosystem.clone();
        c.version = Some(p.version.clone());
        // The maintainer's name, as SBOM generators give it (the address is contact data).
        c.supplier = p
            .maintainer
            .as_deref()
            .map(|m| m.split('<').next().unwrap_or(m).trim().to_string())
            .filter(|m| !m.is_empty());
        if let Some(l) = &p.licence {
            c.licenses.push(License::new(LicenseKind::Declared, l));
        }
        c.release = release.cloned().map(Box::new);
        c.source_package = Some(Box::new(p.source.clone()));
        c.bom_ref = Some(refs[i].clone());
        doc.push(c, p.pointer.clone(), None);
        for group in &p.depends {
            if let Some(&j) = group.iter().find_map(|n| by_name.get(n.as_str()))
                && j != i
            {
                doc.edges.push((refs[i].clone(), refs[j].clone()));
                depended_on[j] = true;
            }
        }
    }
    // The system's top: what no installed package depends on.
    for (i, r) in refs.iter().enumerate() {
        if !depended_on[i] {
            doc.edges.push((os_ref.to_string(), r.clone()));
        }
    }
    first
}

/// `pkg:<type>/<namespace>/<name>@<version>?arch=…&distro=<id>-<version>`.
fn purl(kind: &str, namespace: &str, p: &Package, release: Option<&DistroRelease>) -> String {
    let version = p.purl_version.as_deref().unwrap_or(&p.version);
    let mut purl = format!("pkg:{kind}/{namespace}/{}@{}", p.name, encode(version));
    let mut qualifiers = Vec::new();
    if let Some(a) = &p.architecture {
        qualifiers.push(format!("arch={}", encode(a)));
    }
    if let Some(r) = release {
        match (&r.version, &r.codename) {
            (Some(v), _) => qualifiers.push(format!("distro={}-{}", r.distro, encode(v))),
            (None, Some(c)) => qualifiers.push(format!("distro={}", encode(c))),
            _ => {}
        }
    }
    for (k, v) in &p.qualifiers {
        qualifiers.push(format!("{k}={}", encode(v)));
    }
    // The purl spec sorts qualifiers by key.
    qualifiers.sort();
    if !qualifiers.is_empty() {
        purl.push('?');
        purl.push_str(&qualifiers.join("&"));
    }
    purl
}

/// A version or qualifier as a purl writes it: what is not unreserved percent-encoded (`+`, `:`).
fn encode(v: &str) -> String {
    crate::model::encode::percent_encode(v, |_, c| crate::model::encode::is_unreserved(c))
        .into_owned()
}

/// Every file the per-package lists in `dir` name, with the package each
/// list belongs to (`<name>[:<arch>].<ext>`): dpkg and opkg `*.list`
/// (one path per line), dpkg `*.md5sums` (`<md5>  <path>`).
pub fn listed_files(tree: &dyn super::tree::Tree, dir: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for name in tree.list_dir(dir) {
        let Some((stem, ext)) = name.rsplit_once('.') else {
            continue;
        };
        if ext != "list" && ext != "md5sums" {
            continue;
        }
        let package = stem.split(':').next().unwrap_or(stem).to_string();
        let Ok(Some(bytes)) = tree.read(&format!("{dir}/{name}"), super::MAX_DATABASE_BYTES) else {
            continue;
        };
        for line in String::from_utf8_lossy(&bytes).lines() {
            let path = if ext == "md5sums" {
                line.split_once(char::is_whitespace)
                    .map(|(_, p)| p.trim_start())
                    .unwrap_or("")
            } else {
                line.trim_end()
            };
            if !path.is_empty() && path != "/." {
                out.push((
                    format!("/{}", path.trim_start_matches('/')),
                    package.clone(),
                ));
            }
        }
    }
    out
}
