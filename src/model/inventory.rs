//! The inventory: the subject of the scan, the input documents, the merged
//! components and the dependency graph between them.

use serde::{Deserialize, Serialize};
use std::fmt;

use super::component::{Component, ComponentId};

/// The input formats chainrisk reads, as detected from content.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Format {
    CyclonedxJson,
    CyclonedxXml,
    SpdxJson,
    SpdxTagValue,
    #[serde(rename = "spdx3-jsonld")]
    Spdx3JsonLd,
    /// A Cargo manifest (a directory or `Cargo.toml`), read through `cargo metadata`.
    CargoMetadata,
    CargoLock,
    /// `package-lock.json` or `npm-shrinkwrap.json`.
    NpmLock,
    /// `package.json` with no lockfile beside it.
    NpmManifest,
    /// `yarn.lock`, classic (v1) or berry.
    YarnLock,
    PnpmLock,
    /// pip's `requirements.txt` format.
    Requirements,
    PoetryLock,
    UvLock,
    PipfileLock,
    /// `go.mod`, with `go.sum` beside it when present.
    GoMod,
    /// `go.sum` alone.
    GoSum,
    /// A delivered product's root filesystem (a directory): its os-release
    /// and installed-package databases.
    #[serde(rename = "rootfs")]
    RootFilesystem,
    /// A single delivered executable (ELF) and the build records it carries.
    Executable,
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::CyclonedxJson => "cyclonedx-json",
            Format::CyclonedxXml => "cyclonedx-xml",
            Format::SpdxJson => "spdx-json",
            Format::SpdxTagValue => "spdx-tag-value",
            Format::Spdx3JsonLd => "spdx3-jsonld",
            Format::CargoMetadata => "cargo-metadata",
            Format::CargoLock => "cargo-lock",
            Format::NpmLock => "npm-lock",
            Format::NpmManifest => "npm-manifest",
            Format::YarnLock => "yarn-lock",
            Format::PnpmLock => "pnpm-lock",
            Format::Requirements => "requirements",
            Format::PoetryLock => "poetry-lock",
            Format::UvLock => "uv-lock",
            Format::PipfileLock => "pipfile-lock",
            Format::GoMod => "go-mod",
            Format::GoSum => "go-sum",
            Format::RootFilesystem => "rootfs",
            Format::Executable => "executable",
        }
    }
}

impl Format {
    /// An SBOM (a document about a product), as opposed to what a package
    /// manager wrote (a manifest or lockfile).
    pub fn is_sbom(self) -> bool {
        matches!(
            self,
            Format::CyclonedxJson
                | Format::CyclonedxXml
                | Format::SpdxJson
                | Format::SpdxTagValue
                | Format::Spdx3JsonLd
        )
    }
}

impl Format {
    /// What was delivered itself (a root filesystem, an image, an
    /// executable), as opposed to a document about it.
    pub fn is_delivered(self) -> bool {
        matches!(self, Format::RootFilesystem | Format::Executable)
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an SBOM says about itself: the facts the document-level SBM rules need.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DocumentMeta {
    /// CycloneDX `serialNumber`, SPDX `documentNamespace` or SPDX 3 document id.
    pub serial: Option<String>,
    /// Creation time as written in the document.
    pub timestamp: Option<String>,
    /// Authors and creators (people and organisations).
    #[serde(default)]
    pub authors: Vec<String>,
    /// Generating tools, `name version` where the version is known.
    #[serde(default)]
    pub tools: Vec<String>,
    /// The document-local reference of the primary component (the product).
    pub primary: Option<String>,
    /// Components that stand for the product itself: parts nested in the
    /// primary component (such as a Go binary's own packages) or the project a
    /// lockfile lists beside its requirements (the go.mod module). They are
    /// ingested, but not counted in `components_read`, which counts the
    /// entries of the document's component or requirement list.
    #[serde(default)]
    pub primary_parts: usize,
    /// The product's name, version and supplier, from the primary component.
    pub subject_name: Option<String>,
    pub subject_version: Option<String>,
    pub subject_supplier: Option<String>,
    /// The document carries dependency relationships at all.
    #[serde(default)]
    pub has_dependency_graph: bool,
    /// CycloneDX `compositions` or an SPDX completeness assertion is present.
    #[serde(default)]
    pub completeness_declared: bool,
    /// Relationship endpoints that name no component of the document.
    #[serde(default)]
    pub dangling_refs: Vec<String>,
    /// Components no root reaches through the graph (filled when merging).
    #[serde(default)]
    pub unreachable: usize,
    /// A delivered product's binaries and those nothing accounts for
    /// (OPQ-07); `None` for other inputs, or when files were not examined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub executables: Option<super::ExecutableCensus>,
    /// A delivered product's os-release `SUPPORT_END` (`YYYY-MM-DD`): the
    /// distribution's end of support for the release, written into the release.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_support_end: Option<String>,
    /// Files an SBOM says the product delivers (they account for binaries,
    /// OPQ-07). Not written to reports: they can be many, and are the input's own.
    #[serde(skip)]
    pub declared_files: Vec<super::installed::DeclaredFile>,
}

/// One input of the scan, as the report lists it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Document {
    pub path: String,
    /// SHA-256 of the input's bytes, when they could be read.
    pub sha256: Option<String>,
    pub format: Option<Format>,
    pub spec_version: Option<String>,
    /// Entries of the document's component list (CycloneDX `components` with
    /// nested ones, SPDX packages), before merging with other inputs.
    pub components_read: usize,
    /// Entries that name a package already read (here or in an earlier
    /// input) and were merged into that component.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub merged: usize,
    pub warnings: Vec<String>,
    /// Why the input could not be read; `None` when it was.
    pub error: Option<String>,
    /// What the document says about itself (written as `document` in reports).
    #[serde(default, rename = "document")]
    pub meta: DocumentMeta,
}

/// A dependency edge: `from` depends on (or contains) `to`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Edge {
    pub from: ComponentId,
    pub to: ComponentId,
}

/// What was scanned: the product named by the SBOM's primary component, or by
/// the input file when no SBOM names one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Subject {
    pub name: String,
    pub version: Option<String>,
    pub supplier: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Inventory {
    pub subject: Subject,
    pub documents: Vec<Document>,
    pub components: Vec<Component>,
    pub edges: Vec<Edge>,
    pub roots: Vec<ComponentId>,
}

impl Inventory {
    /// The input path a component was first read from, for evidence sources.
    pub fn first_location(&self, id: ComponentId) -> Option<(&str, &str)> {
        let loc = self.components.get(id)?.locations.first()?;
        let doc = self.documents.get(loc.input)?;
        Some((doc.path.as_str(), loc.pointer.as_str()))
    }

    /// Keeps the components `keep` accepts (and every root), renumbering
    /// them and their edges, parents and roots; returns how many were left out.
    pub fn retain_components(&mut self, keep: impl Fn(&Component) -> bool) -> usize {
        let mut new_id: Vec<Option<ComponentId>> = Vec::with_capacity(self.components.len());
        let mut next = 0;
        for c in &self.components {
            if c.root || keep(c) {
                new_id.push(Some(next));
                next += 1;
            } else {
                new_id.push(None);
            }
        }
        let left_out = self.components.len() - next;
        if left_out == 0 {
            return 0;
        }
        let components = std::mem::take(&mut self.components);
        self.components = components
            .into_iter()
            .zip(&new_id)
            .filter_map(|(mut c, id)| {
                c.id = (*id)?;
                if let Some(rare) = c.rare.get_mut() {
                    rare.parent = rare.parent.and_then(|p| new_id[p]);
                }
                Some(c)
            })
            .collect();
        self.edges = self
            .edges
            .iter()
            .filter_map(|e| {
                Some(Edge {
                    from: new_id[e.from]?,
                    to: new_id[e.to]?,
                })
            })
            .collect();
        self.roots = self.roots.iter().filter_map(|r| new_id[*r]).collect();
        left_out
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retained_components_are_renumbered_with_their_edges_parents_and_roots() {
        let mut inv = Inventory::default();
        for (i, name) in ["app", "dev-tool", "lib", "lib-part"].iter().enumerate() {
            let mut c = Component::named(*name);
            c.id = i;
            inv.components.push(c);
        }
        inv.components[0].root = true;
        inv.components[3].rare.parent = Some(2);
        inv.roots = vec![0];
        inv.edges = vec![
            Edge { from: 0, to: 1 },
            Edge { from: 0, to: 2 },
            Edge { from: 1, to: 2 },
        ];
        // Roots stay even when `keep` refuses them.
        let left_out = inv.retain_components(|c| c.name != "dev-tool" && c.name != "app");
        assert_eq!(left_out, 1);
        let names: Vec<(usize, &str)> = inv
            .components
            .iter()
            .map(|c| (c.id, c.name.as_str()))
            .collect();
        assert_eq!(names, [(0, "app"), (1, "lib"), (2, "lib-part")]);
        assert_eq!(inv.components[2].rare.parent, Some(1));
        assert_eq!(inv.edges, [Edge { from: 0, to: 1 }]);
        assert_eq!(inv.roots, [0]);
    }
}
