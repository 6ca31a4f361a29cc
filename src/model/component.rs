//! A component: one package (library, application, container, file…) of the product.

use serde::{Deserialize, Serialize};

use super::license::License;
use super::purl::{ParsedPurl, parse_purl, parse_purl_canonical};
use super::rare::{Rare, RareFacts};

/// Index of a component in its [`Inventory`](super::Inventory).
pub type ComponentId = usize;

/// The packaging world a component lives in, mostly taken from the purl type.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", from = "String")]
pub enum Ecosystem {
    Cargo,
    Npm,
    Pypi,
    Golang,
    Maven,
    Nuget,
    Gem,
    Composer,
    Deb,
    Rpm,
    Apk,
    /// OpenWrt and Yocto packages (`opkg`), ordered like dpkg's.
    Opkg,
    Github,
    Docker,
    Oci,
    Generic,
    /// A purl type we do not know by name; the type is kept.
    Other(String),
    /// No purl and no other hint.
    #[default]
    Unknown,
}

impl From<String> for Ecosystem {
    fn from(s: String) -> Ecosystem {
        if s == "unknown" {
            Ecosystem::Unknown
        } else {
            Ecosystem::from_purl_type(&s)
        }
    }
}

impl From<Ecosystem> for String {
    fn from(e: Ecosystem) -> String {
        e.as_str().to_string()
    }
}

impl Ecosystem {
    pub fn from_purl_type(ty: &str) -> Ecosystem {
        match ty.to_ascii_lowercase().as_str() {
            "cargo" => Ecosystem::Cargo,
            "npm" => Ecosystem::Npm,
            "pypi" => Ecosystem::Pypi,
            "golang" => Ecosystem::Golang,
            "maven" => Ecosystem::Maven,
            "nuget" => Ecosystem::Nuget,
            "gem" => Ecosystem::Gem,
            "composer" => Ecosystem::Composer,
            "deb" => Ecosystem::Deb,
            "rpm" => Ecosystem::Rpm,
            "apk" | "alpine" => Ecosystem::Apk,
            "opkg" => Ecosystem::Opkg,
            "github" => Ecosystem::Github,
            "docker" => Ecosystem::Docker,
            "oci" => Ecosystem::Oci,
            "generic" => Ecosystem::Generic,
            other => Ecosystem::Other(other.to_string()),
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            Ecosystem::Cargo => "cargo",
            Ecosystem::Npm => "npm",
            Ecosystem::Pypi => "pypi",
            Ecosystem::Golang => "golang",
            Ecosystem::Maven => "maven",
            Ecosystem::Nuget => "nuget",
            Ecosystem::Gem => "gem",
            Ecosystem::Composer => "composer",
            Ecosystem::Deb => "deb",
            Ecosystem::Rpm => "rpm",
            Ecosystem::Apk => "apk",
            Ecosystem::Opkg => "opkg",
            Ecosystem::Github => "github",
            Ecosystem::Docker => "docker",
            Ecosystem::Oci => "oci",
            Ecosystem::Generic => "generic",
            Ecosystem::Other(s) => s,
            Ecosystem::Unknown => "unknown",
        }
    }

    /// Packages a distribution builds for one release (deb, rpm, apk, opkg).
    pub fn is_distribution(&self) -> bool {
        matches!(
            self,
            Ecosystem::Deb | Ecosystem::Rpm | Ecosystem::Apk | Ecosystem::Opkg
        )
    }

    /// Ecosystems whose packages normally come from a package registry, so that
    /// anything else (git, path, URL) is an irregular delivery channel.
    pub fn has_registry(&self) -> bool {
        matches!(
            self,
            Ecosystem::Cargo
                | Ecosystem::Npm
                | Ecosystem::Pypi
                | Ecosystem::Golang
                | Ecosystem::Maven
                | Ecosystem::Nuget
                | Ecosystem::Gem
                | Ecosystem::Composer
        )
    }
}

/// Hash algorithm, normalised across CycloneDX and SPDX spellings; written
/// in CycloneDX's spelling (`SHA-256`).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "String", from = "String")]
pub enum HashAlg {
    Md5,
    Sha1,
    Sha224,
    Sha256,
    Sha384,
    Sha512,
    Sha3_256,
    Sha3_384,
    Sha3_512,
    Blake2b256,
    Blake2b384,
    Blake2b512,
    Blake3,
    Other(String),
}

impl From<String> for HashAlg {
    fn from(s: String) -> HashAlg {
        HashAlg::parse(&s)
    }
}

impl From<HashAlg> for String {
    fn from(h: HashAlg) -> String {
        h.as_str().to_string()
    }
}

impl HashAlg {
    /// Accepts CycloneDX (`SHA-256`), SPDX 2 (`SHA256`), SPDX 3 (`sha256`) and
    /// lockfile spellings.
    pub fn parse(s: &str) -> HashAlg {
        let norm: String = s
            .chars()
            .filter(|c| *c != '-' && *c != '_')
            .collect::<String>()
            .to_ascii_uppercase();
        match norm.as_str() {
            "MD5" => HashAlg::Md5,
            "SHA1" => HashAlg::Sha1,
            "SHA224" => HashAlg::Sha224,
            "SHA256" => HashAlg::Sha256,
            "SHA384" => HashAlg::Sha384,
            "SHA512" => HashAlg::Sha512,
            "SHA3256" => HashAlg::Sha3_256,
            "SHA3384" => HashAlg::Sha3_384,
            "SHA3512" => HashAlg::Sha3_512,
            "BLAKE2B256" => HashAlg::Blake2b256,
            "BLAKE2B384" => HashAlg::Blake2b384,
            "BLAKE2B512" => HashAlg::Blake2b512,
            "BLAKE3" => HashAlg::Blake3,
            _ => HashAlg::Other(s.to_string()),
        }
    }

    /// MD5 and SHA-1 have practical collisions: they do not protect delivery.
    pub fn is_weak(&self) -> bool {
        matches!(self, HashAlg::Md5 | HashAlg::Sha1)
    }

    pub fn as_str(&self) -> &str {
        match self {
            HashAlg::Md5 => "MD5",
            HashAlg::Sha1 => "SHA-1",
            HashAlg::Sha224 => "SHA-224",
            HashAlg::Sha256 => "SHA-256",
            HashAlg::Sha384 => "SHA-384",
            HashAlg::Sha512 => "SHA-512",
            HashAlg::Sha3_256 => "SHA3-256",
            HashAlg::Sha3_384 => "SHA3-384",
            HashAlg::Sha3_512 => "SHA3-512",
            HashAlg::Blake2b256 => "BLAKE2b-256",
            HashAlg::Blake2b384 => "BLAKE2b-384",
            HashAlg::Blake2b512 => "BLAKE2b-512",
            HashAlg::Blake3 => "BLAKE3",
            HashAlg::Other(s) => s,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Hash {
    pub alg: HashAlg,
    pub value: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RefKind {
    Vcs,
    Website,
    Distribution,
    IssueTracker,
    Bom,
    Other,
}

/// An external reference of the component: where its source, website or
/// distribution lives.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Reference {
    pub kind: RefKind,
    pub url: String,
}

/// How the component reached the product.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum SourceKind {
    /// From a package registry (the usual, auditable channel).
    Registry {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        url: Option<String>,
    },
    /// Straight from a version-control repository.
    Git {
        url: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        rev: Option<String>,
        /// True when the input fixes the source to one commit. False for a
        /// branch or tag, which can move, even when a lockfile recorded the
        /// commit it pointed at (then `rev` is that commit).
        pinned: bool,
    },
    /// A local path (workspace member, `file:` or `link:` dependency).
    Path { path: String },
    /// A direct download URL (tarball, wheel) outside any registry protocol.
    Url { url: String },
    /// Copied into the product's own tree.
    Vendored,
    /// Not from the ecosystem's default registry, though the input does not
    /// say where from; `note` says how that is known (cargo-sbom writes a
    /// purl for crates.io crates only).
    Elsewhere { note: String },
    #[default]
    Unknown,
}

impl SourceKind {
    pub fn label(&self) -> &'static str {
        match self {
            SourceKind::Registry { .. } => "registry",
            SourceKind::Git { .. } => "git",
            SourceKind::Path { .. } => "path",
            SourceKind::Url { .. } => "url",
            SourceKind::Vendored => "vendored",
            SourceKind::Elsewhere { .. } => "elsewhere",
            SourceKind::Unknown => "unknown",
        }
    }
}

#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    #[default]
    Required,
    Optional,
    Dev,
    Build,
    /// CycloneDX `excluded`: listed but not part of the delivered product.
    Excluded,
}

/// Code a package runs when it is installed or built, before anyone reviews it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum BuildCode {
    /// npm `preinstall` / `install` / `postinstall` scripts (`hasInstallScript`).
    InstallScript,
    /// A Cargo build script (`build.rs`).
    BuildScript,
    /// A Rust procedural macro: compiler plugin code.
    ProcMacro,
    /// A Python package installed from a source distribution (runs `setup.py` or a build backend).
    SourceDistribution,
}

impl BuildCode {
    /// In words, for messages and evidence.
    pub fn describe(self) -> &'static str {
        match self {
            BuildCode::InstallScript => "install script",
            BuildCode::BuildScript => "build script",
            BuildCode::ProcMacro => "procedural macro",
            BuildCode::SourceDistribution => "source distribution built at install time",
        }
    }
}

/// Where a component was read: the input (index into [`Inventory::documents`](super::Inventory))
/// and a JSON pointer, XML path or `line N` inside it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    pub input: usize,
    pub pointer: String,
}

/// Pushes onto a list that usually holds one item (a component's hashes,
/// licences, references, locations): the first push allocates room for one,
/// not the four a `Vec` starts with — 100,000 components carry a few such
/// lists each.
pub fn push_tight<T>(list: &mut Vec<T>, item: T) {
    if list.capacity() == 0 {
        list.reserve_exact(1);
    }
    list.push(item);
}

/// One component. Serialised field by field (below) so that the facts
/// kept out of line in [`Rare`] keep their places in reports.
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct Component {
    pub id: ComponentId,
    /// The document-local reference (CycloneDX `bom-ref`, SPDX id) of the first occurrence.
    #[serde(default)]
    pub bom_ref: Option<String>,
    /// Canonical package URL, when the input gave a valid one.
    #[serde(default)]
    pub purl: Option<String>,
    #[serde(default)]
    pub cpe: Option<String>,
    pub ecosystem: Ecosystem,
    /// Namespace or group (purl namespace, CycloneDX `group`, Maven groupId).
    #[serde(default)]
    pub namespace: Option<String>,
    pub name: String,
    #[serde(default)]
    pub version: Option<String>,
    /// CycloneDX type or SPDX primary package purpose, lower-case (`library`, `application`…).
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub supplier: Option<String>,
    #[serde(default)]
    pub licenses: Vec<License>,
    #[serde(default)]
    pub hashes: Vec<Hash>,
    #[serde(default)]
    pub references: Vec<Reference>,
    #[serde(default)]
    pub source: SourceKind,
    #[serde(default)]
    pub scope: Scope,
    /// `Some(true)` when a root depends on it directly, `Some(false)` when only
    /// transitively, `None` when the input has no dependency graph to tell.
    #[serde(default)]
    pub direct: Option<bool>,
    /// The primary component (the product itself) or another graph root.
    #[serde(default)]
    pub root: bool,
    /// Distribution packages: the release the package was built for, when
    /// the input or the delivered product tells.
    #[serde(default)]
    pub release: Option<Box<super::distro::DistroRelease>>,
    /// Distribution packages: the source package it was built from.
    #[serde(default)]
    pub source_package: Option<Box<super::distro::SourcePackage>>,
    /// Delivered products: the package's installed files checked against the
    /// digests its package database recorded.
    #[serde(default)]
    pub files: Option<Box<super::installed::FileVerification>>,
    /// The input declares nested components or an external BOM for this component.
    #[serde(default)]
    pub has_own_bom: bool,
    #[serde(default)]
    pub locations: Vec<Location>,
    /// Registry facts for this component (resolve stage); `None` when it was
    /// not resolved (see the report's `resolution` for why).
    // Boxed: most components of a large inventory have none, and an inline
    // `Origin` would add its whole size to every component.
    #[serde(default)]
    pub origin: Option<Box<super::origin::Origin>>,
    /// Invalid purl, SWID, authors, nesting parent, build code, deprecation,
    /// version constraint: see [`RareFacts`](super::rare::RareFacts).
    #[serde(flatten)]
    pub rare: Rare,
}

/// The report's component object: the same fields in the same order as
/// before the rare facts moved out of line, absent ones left out as they
/// always were (`purl`, `version`, `supplier`, `direct`, the lists but
/// `authors` and `references`, and `source`/`scope` are always written).
impl Serialize for Component {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        fn opt<S: SerializeStruct, T: Serialize>(
            st: &mut S,
            key: &'static str,
            value: &Option<T>,
        ) -> Result<(), S::Error> {
            match value {
                Some(v) => st.serialize_field(key, v),
                None => st.skip_field(key),
            }
        }
        fn unless<S: SerializeStruct, T: Serialize + ?Sized>(
            st: &mut S,
            key: &'static str,
            value: &T,
            skip: bool,
        ) -> Result<(), S::Error> {
            if skip {
                st.skip_field(key)
            } else {
                st.serialize_field(key, value)
            }
        }
        let rare: &RareFacts = &self.rare;
        let mut st = s.serialize_struct("Component", 30)?;
        st.serialize_field("id", &self.id)?;
        opt(&mut st, "bom_ref", &self.bom_ref)?;
        st.serialize_field("purl", &self.purl)?;
        opt(&mut st, "invalid_purl", &rare.invalid_purl)?;
        opt(&mut st, "cpe", &self.cpe)?;
        opt(&mut st, "swid", &rare.swid)?;
        st.serialize_field("ecosystem", &self.ecosystem)?;
        opt(&mut st, "namespace", &self.namespace)?;
        st.serialize_field("name", &self.name)?;
        st.serialize_field("version", &self.version)?;
        opt(&mut st, "kind", &self.kind)?;
        st.serialize_field("supplier", &self.supplier)?;
        unless(&mut st, "authors", &rare.authors, rare.authors.is_empty())?;
        st.serialize_field("licenses", &self.licenses)?;
        st.serialize_field("hashes", &self.hashes)?;
        unless(
            &mut st,
            "references",
            &self.references,
            self.references.is_empty(),
        )?;
        st.serialize_field("source", &self.source)?;
        st.serialize_field("scope", &self.scope)?;
        st.serialize_field("direct", &self.direct)?;
        unless(&mut st, "root", &self.root, !self.root)?;
        opt(&mut st, "parent", &rare.parent)?;
        opt(&mut st, "build_code", &rare.build_code)?;
        opt(&mut st, "deprecated", &rare.deprecated)?;
        opt(&mut st, "constraint", &rare.constraint)?;
        opt(&mut st, "release", &self.release)?;
        opt(&mut st, "source_package", &self.source_package)?;
        opt(&mut st, "files", &self.files)?;
        unless(&mut st, "has_own_bom", &self.has_own_bom, !self.has_own_bom)?;
        st.serialize_field("locations", &self.locations)?;
        opt(&mut st, "origin", &self.origin)?;
        st.end()
    }
}

impl Component {
    /// A component with a name and nothing else known.
    pub fn named(name: impl Into<String>) -> Component {
        Component {
            name: name.into(),
            ecosystem: Ecosystem::Unknown,
            ..Component::default()
        }
    }

    /// A distribution's source package (purl `arch=source`), as opposed to
    /// the binary packages built from it and installed.
    pub fn is_source_package(&self) -> bool {
        self.purl.as_deref().is_some_and(|p| {
            p.contains("arch=source")
                && parse_purl(p).is_ok_and(|p| p.qualifier("arch") == Some("source"))
        })
    }

    /// Sets the purl when it parses (and fills ecosystem, namespace, version
    /// and name where the input did not give them); keeps it as `invalid_purl`
    /// otherwise. Returns the parsed purl (`None` for empty input) so callers
    /// need not parse it again, or the parse error for the caller's warning.
    pub fn set_purl(&mut self, raw: &str) -> Result<Option<ParsedPurl>, String> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Ok(None);
        }
        match parse_purl_canonical(raw) {
            Ok((p, canonical)) => {
                self.ecosystem = Ecosystem::from_purl_type(&p.ty);
                if self.namespace.is_none() {
                    self.namespace = p.namespace.clone();
                }
                if self.version.is_none() {
                    self.version = p.version.clone();
                }
                if self.name.is_empty() {
                    self.name = p.name.clone();
                }
                self.purl = Some(canonical);
                Ok(Some(p))
            }
            Err(e) => {
                self.rare.invalid_purl = Some(raw.to_string());
                Err(e)
            }
        }
    }

    /// The licence the component's registry states, parsed, when the
    /// registry knows the package (OPQ-05 and the inventory read it).
    pub fn registry_licence(&self) -> Option<License> {
        let o = self
            .origin
            .as_deref()
            .filter(|o| o.presence == super::origin::Presence::Found)?;
        let raw = o.license.as_deref()?;
        Some(License::new(super::license::LicenseKind::Declared, raw))
    }

    /// The supplier, else the first author: who answers for this component.
    pub fn responsible_party(&self) -> Option<&str> {
        self.supplier
            .as_deref()
            .or_else(|| self.rare.authors.first().map(String::as_str))
    }

    /// `name@version` for messages, with the namespace where there is one.
    pub fn display_name(&self) -> String {
        let mut s = String::new();
        if let Some(ns) = &self.namespace {
            s.push_str(ns);
            s.push('/');
        }
        s.push_str(&self.name);
        if let Some(v) = &self.version {
            s.push('@');
            s.push_str(v);
        }
        s
    }

    /// `namespace/name` without the version, for messages about a package
    /// rather than one release of it.
    pub fn display_name_without_version(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{ns}/{}", self.name),
            None => self.name.clone(),
        }
    }

    /// The purl without its version (and qualifiers): the identity that survives version bumps.
    pub fn versionless_key(&self) -> String {
        match &self.purl {
            Some(p) => {
                let base = p.split(['?', '#']).next().unwrap_or(p);
                match base.rfind('@') {
                    // `@` in a scoped npm name is percent-encoded in a purl, so the last `@` is the version.
                    Some(at) if at > base.find('/').unwrap_or(0) => base[..at].to_string(),
                    _ => base.to_string(),
                }
            }
            None => match &self.namespace {
                Some(ns) => format!("{}:{}/{}", self.ecosystem.as_str(), ns, self.name),
                None => format!("{}:{}", self.ecosystem.as_str(), self.name),
            },
        }
    }

    pub fn add_hash(&mut self, alg: &str, value: &str) {
        let value = value.trim();
        if value.is_empty() {
            return;
        }
        // Hex digests compare case-insensitively; base64 ones (Go `h1:`) must keep their case.
        let value = if value.bytes().all(|b| b.is_ascii_hexdigit()) {
            value.to_ascii_lowercase()
        } else {
            value.to_string()
        };
        let hash = Hash {
            alg: HashAlg::parse(alg),
            value,
        };
        if !self.hashes.contains(&hash) {
            push_tight(&mut self.hashes, hash);
        }
    }

    pub fn add_reference(&mut self, kind: RefKind, url: &str) {
        let url = url.trim();
        if url.is_empty() {
            return;
        }
        let r = Reference {
            kind,
            url: url.to_string(),
        };
        if !self.references.contains(&r) {
            push_tight(&mut self.references, r);
        }
    }

    /// Folds another record of the same package (from another input, or a
    /// duplicate entry) into this one: nothing known is lost.
    pub fn absorb(&mut self, other: Component) {
        fn fill<T>(a: &mut Option<T>, b: Option<T>) {
            if a.is_none() {
                *a = b;
            }
        }
        fill(&mut self.purl, other.purl);
        fill(&mut self.cpe, other.cpe);
        fill(&mut self.namespace, other.namespace);
        fill(&mut self.version, other.version);
        fill(&mut self.kind, other.kind);
        fill(&mut self.supplier, other.supplier);
        if self.ecosystem == Ecosystem::Unknown {
            self.ecosystem = other.ecosystem;
        }
        for l in other.licenses {
            if !self.licenses.contains(&l) {
                self.licenses.push(l);
            }
        }
        for h in other.hashes {
            if !self.hashes.contains(&h) {
                self.hashes.push(h);
            }
        }
        for r in other.references {
            if !self.references.contains(&r) {
                self.references.push(r);
            }
        }
        if self.source == SourceKind::Unknown {
            self.source = other.source;
        }
        // The widest scope wins: a package required anywhere is required.
        self.scope = self.scope.min(other.scope);
        self.has_own_bom |= other.has_own_bom;
        if let Some(theirs) = other.rare.into_facts() {
            let has_purl = self.purl.is_some();
            let mine = &mut *self.rare;
            fill(&mut mine.swid, theirs.swid);
            if mine.invalid_purl.is_none() && !has_purl {
                mine.invalid_purl = theirs.invalid_purl;
            }
            for a in theirs.authors {
                if !mine.authors.contains(&a) {
                    mine.authors.push(a);
                }
            }
            match (&mut mine.build_code, theirs.build_code) {
                (Some(mine), Some(theirs)) => {
                    for b in theirs {
                        if !mine.contains(&b) {
                            mine.push(b);
                        }
                    }
                }
                (mine @ None, theirs) => *mine = theirs,
                (Some(_), None) => {}
            }
            fill(&mut mine.constraint, theirs.constraint);
            fill(&mut mine.deprecated, theirs.deprecated);
        }
        self.locations.extend(other.locations);
    }
}

#[cfg(test)]
impl SourceKind {
    pub fn git(url: &str, rev: Option<&str>, pinned: bool) -> SourceKind {
        SourceKind::Git {
            url: url.into(),
            rev: rev.map(Into::into),
            pinned,
        }
    }
}

/// What reader tests compare: each list as (kind, text) pairs.
#[cfg(test)]
impl Component {
    pub fn hash_pairs(&self) -> Vec<(HashAlg, &str)> {
        self.hashes
            .iter()
            .map(|h| (h.alg.clone(), h.value.as_str()))
            .collect()
    }

    pub fn reference_pairs(&self) -> Vec<(RefKind, &str)> {
        self.references
            .iter()
            .map(|r| (r.kind, r.url.as_str()))
            .collect()
    }

    pub fn licence_pairs(&self) -> Vec<(super::LicenseKind, &str)> {
        self.licenses
            .iter()
            .map(|l| (l.kind, l.raw.as_str()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rare facts are written in their old places, read back into the
    /// out-of-line set, and a component without any reads back without one.
    #[test]
    fn rare_facts_keep_their_places_in_the_report_and_read_back() {
        let mut rich = Component::named("a");
        rich.purl = Some("pkg:npm/a@1".into());
        rich.rare.invalid_purl = Some("pkg:".into());
        rich.cpe = Some("cpe:2.3:a:x:a:1:*:*:*:*:*:*:*".into());
        rich.rare.swid = Some("tag".into());
        rich.rare.authors = vec!["Ann".into()];
        rich.root = true;
        rich.rare.parent = Some(7);
        rich.rare.build_code = Some(vec![BuildCode::InstallScript]);
        rich.rare.deprecated = Some("old".into());
        rich.rare.constraint = Some("^1".into());
        rich.has_own_bom = true;
        let text = serde_json::to_string(&rich).unwrap();
        let keys: Vec<String> =
            serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&text)
                .unwrap()
                .keys()
                .cloned()
                .collect();
        let order = |key: &str| text.find(&format!("\"{key}\":")).unwrap();
        let written = [
            "id",
            "bom_ref",
            "purl",
            "invalid_purl",
            "cpe",
            "swid",
            "ecosystem",
            "name",
            "version",
            "supplier",
            "authors",
            "licenses",
            "hashes",
            "source",
            "scope",
            "direct",
            "root",
            "parent",
            "build_code",
            "deprecated",
            "constraint",
            "has_own_bom",
            "locations",
        ];
        let present: Vec<&str> = written
            .iter()
            .copied()
            .filter(|k| keys.iter().any(|x| x == k))
            .collect();
        assert_eq!(present.len(), keys.len(), "unexpected keys in {text}");
        assert!(
            present.windows(2).all(|w| order(w[0]) < order(w[1])),
            "{text}"
        );
        let back: Component = serde_json::from_str(&text).unwrap();
        assert_eq!(back, rich);

        let plain = Component::named("b");
        let text = serde_json::to_string(&plain).unwrap();
        for absent in [
            "invalid_purl",
            "swid",
            "authors",
            "parent",
            "build_code",
            "deprecated",
        ] {
            assert!(!text.contains(absent), "{text}");
        }
        let back: Component = serde_json::from_str(&text).unwrap();
        assert_eq!(back, plain);
        assert!(
            back.rare.never_written(),
            "read back with an allocated empty set"
        );
    }

    #[test]
    fn hash_algorithms_normalise_across_formats() {
        assert_eq!(HashAlg::parse("SHA-256"), HashAlg::Sha256);
        assert_eq!(HashAlg::parse("SHA256"), HashAlg::Sha256);
        assert_eq!(HashAlg::parse("sha256"), HashAlg::Sha256);
        assert_eq!(HashAlg::parse("SHA3-512"), HashAlg::Sha3_512);
        assert_eq!(HashAlg::parse("BLAKE2b-256"), HashAlg::Blake2b256);
        assert!(HashAlg::parse("SHA1").is_weak());
        assert!(!HashAlg::parse("SHA-512").is_weak());
        assert_eq!(HashAlg::parse("ADLER32"), HashAlg::Other("ADLER32".into()));
    }

    #[test]
    fn purl_fills_identity_fields() {
        let mut c = Component::named("");
        c.set_purl("pkg:npm/%40angular/core@16.2.0").unwrap();
        assert_eq!(c.ecosystem, Ecosystem::Npm);
        assert_eq!(c.name, "core");
        assert_eq!(c.namespace.as_deref(), Some("@angular"));
        assert_eq!(c.version.as_deref(), Some("16.2.0"));
        assert_eq!(c.versionless_key(), "pkg:npm/%40angular/core");
    }

    #[test]
    fn invalid_purl_is_kept_aside() {
        let mut c = Component::named("x");
        assert!(c.set_purl("pkg:/").is_err());
        assert_eq!(c.purl, None);
        assert_eq!(c.rare.invalid_purl.as_deref(), Some("pkg:/"));
    }

    #[test]
    fn absorb_keeps_everything_known() {
        let mut a = Component::named("left-pad");
        a.add_hash("SHA-512", "AB");
        let mut b = Component::named("left-pad");
        b.supplier = Some("Acme".into());
        b.add_hash("SHA-512", "ab");
        b.add_hash("SHA-1", "cd");
        b.scope = Scope::Dev;
        a.scope = Scope::Required;
        a.absorb(b);
        assert_eq!(a.supplier.as_deref(), Some("Acme"));
        assert_eq!(a.hashes.len(), 2);
        assert_eq!(a.scope, Scope::Required);
    }
}

#[cfg(test)]
mod size {
    /// A 100,000-component scan holds every component and finding at once:
    /// rarely set fields are boxed so that the common ones stay small (the
    /// scale bench's peak memory moved with these sizes).
    #[test]
    fn components_and_findings_stay_small() {
        assert!(std::mem::size_of::<super::Component>() <= 576);
        assert!(std::mem::size_of::<crate::model::Finding>() <= 160);
    }
}
