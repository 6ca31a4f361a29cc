//! Advisory databases read offline: a RustSec directory (Markdown files with
//! TOML front matter) or an OSV directory (one JSON advisory per file). Both
//! are normalized into [`Advisory`] and indexed by (ecosystem, package name)
//! so a component's advisories are one hash lookup away.

pub mod cvss;
mod load;
pub mod osv;
pub mod rustsec;

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use crate::model::Version;
use crate::model::{AdvisoryDatabase, Component, Ecosystem, Severity};
pub use load::load_all;

/// What an advisory is about (RustSec `informational`; OSV `database_specific.informational`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A vulnerability (no `informational` marker).
    Vulnerability,
    Unmaintained,
    Unsound,
    Notice,
    /// Another informational marker.
    Other,
}

impl Kind {
    pub fn from_informational(text: Option<&str>) -> Kind {
        match text.map(|t| t.trim().to_ascii_lowercase()).as_deref() {
            None | Some("") => Kind::Vulnerability,
            Some("unmaintained") => Kind::Unmaintained,
            Some("unsound") => Kind::Unsound,
            Some("notice") => Kind::Notice,
            Some(_) => Kind::Other,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Vulnerability => "vulnerability",
            Kind::Unmaintained => "unmaintained",
            Kind::Unsound => "unsound",
            Kind::Notice => "notice",
            Kind::Other => "informational",
        }
    }
}

/// One advisory, whatever format it was read from.
#[derive(Clone, Debug)]
pub struct Advisory {
    pub id: String,
    pub kind: Kind,
    /// `YYYY-MM-DD`: RustSec `date`, OSV `published` (else `modified`).
    pub date: Option<String>,
    /// Newest date the advisory carries (OSV `modified`), for the database's age.
    pub updated: Option<String>,
    pub aliases: Vec<String>,
    pub title: Option<String>,
    /// The file it was read from.
    pub file: String,
    pub severity: AdvisorySeverity,
    pub packages: Vec<AffectedPackage>,
}

/// What an advisory says about its severity, as written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AdvisorySeverity {
    /// CVSS vectors (RustSec `cvss`; OSV `severity[].score` of a `CVSS_*` type).
    pub cvss: Vec<String>,
    /// A rating in words (OSV `database_specific.severity`, as GHSA writes
    /// LOW / MODERATE / HIGH / CRITICAL; `ecosystem_specific.severity`).
    pub stated: Option<String>,
}

impl AdvisorySeverity {
    pub fn is_given(&self) -> bool {
        !self.cvss.is_empty() || self.stated.is_some()
    }

    /// The advisory's rating: the one it states in words, else the highest
    /// CVSS v3 base score among its vectors; `None` when it gives neither
    /// (or only vectors of other CVSS versions).
    pub fn rating(&self) -> Option<Severity> {
        if let Some(stated) = &self.stated {
            let rated = match stated.trim().to_ascii_lowercase().as_str() {
                "critical" => Some(Severity::Critical),
                "high" | "important" => Some(Severity::High),
                "moderate" | "medium" => Some(Severity::Medium),
                "low" => Some(Severity::Low),
                "none" | "negligible" => Some(Severity::Info),
                _ => None,
            };
            if rated.is_some() {
                return rated;
            }
        }
        self.cvss
            .iter()
            .filter_map(|v| cvss::v3_base_score(v))
            .max_by(f64::total_cmp)
            .map(cvss::rating)
    }

    /// For messages: the stated rating, then each vector with its v3 base
    /// score (`CVSS:3.1/… (9.8 critical)`); `None` when nothing is given.
    pub fn describe(&self) -> Option<String> {
        let mut parts: Vec<String> = self.stated.iter().cloned().collect();
        for v in &self.cvss {
            parts.push(match cvss::v3_base_score(v) {
                Some(score) => format!("{v} ({score:.1} {})", cvss::rating(score).as_str()),
                None => v.clone(),
            });
        }
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

/// The versions of one package an advisory affects.
#[derive(Clone, Debug)]
pub struct AffectedPackage {
    pub ecosystem: Ecosystem,
    pub name: String,
    pub versions: Affected,
}

#[derive(Clone, Debug)]
pub enum Affected {
    /// RustSec: every version is affected unless a `patched` or `unaffected`
    /// requirement matches it.
    Requirements {
        patched: Vec<semver::VersionReq>,
        unaffected: Vec<semver::VersionReq>,
    },
    /// OSV: version ranges of events, and versions listed one by one.
    Ranges {
        ranges: Vec<osv::Range>,
        versions: Vec<String>,
    },
}

/// Whether an advisory affects one version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Match {
    Affected,
    NotAffected,
    /// The version (or the advisory's ranges) cannot be read in that ecosystem's scheme.
    Unknown(String),
}

impl AffectedPackage {
    pub fn matches(&self, version: &str) -> Match {
        match &self.versions {
            Affected::Requirements {
                patched,
                unaffected,
            } => match semver::Version::parse(version.trim()) {
                Ok(v) if patched.iter().chain(unaffected).any(|r| r.matches(&v)) => {
                    Match::NotAffected
                }
                Ok(_) => Match::Affected,
                Err(e) => Match::Unknown(format!("{version:?} is not a semver version: {e}")),
            },
            Affected::Ranges { ranges, versions } => {
                osv::affects(&self.ecosystem, ranges, versions, version)
            }
        }
    }

    /// Whether any fixed version exists (RustSec `patched`, OSV `fixed` events).
    pub fn has_fix(&self) -> bool {
        match &self.versions {
            Affected::Requirements { patched, .. } => !patched.is_empty(),
            Affected::Ranges { ranges, .. } => ranges.iter().any(osv::Range::has_fix),
        }
    }

    /// The lowest fixed version above `version`, as the advisory writes it
    /// (RustSec: the lower bound of a `patched` requirement, `>1.2.3` when
    /// that bound is exclusive); `None` when no fix lies above it or the
    /// versions cannot be compared.
    pub fn nearest_fix(&self, version: &str) -> Option<String> {
        match &self.versions {
            Affected::Requirements { patched, .. } => {
                let used = semver::Version::parse(version.trim()).ok()?;
                patched
                    .iter()
                    .map(lower_bound)
                    .filter(|(v, exclusive)| *v > used || (*exclusive && *v == used))
                    .min()
                    .map(|(v, exclusive)| {
                        if exclusive {
                            format!(">{v}")
                        } else {
                            v.to_string()
                        }
                    })
            }
            Affected::Ranges { ranges, .. } => osv::nearest_fix(&self.ecosystem, ranges, version),
        }
    }

    /// The fixed versions as the advisory states them, for evidence.
    pub fn fixes(&self) -> String {
        match &self.versions {
            Affected::Requirements { patched, .. } => patched
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" or "),
            Affected::Ranges { ranges, .. } => ranges
                .iter()
                .flat_map(|r| r.fixed())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

/// The lowest version a semver requirement admits, and whether that bound
/// is exclusive (`>1.2.3`); `0.0.0` for a requirement with no lower bound.
fn lower_bound(req: &semver::VersionReq) -> (semver::Version, bool) {
    use semver::Op;
    let mut bound = (semver::Version::new(0, 0, 0), false);
    for c in &req.comparators {
        let v = semver::Version {
            major: c.major,
            minor: c.minor.unwrap_or(0),
            patch: c.patch.unwrap_or(0),
            pre: c.pre.clone(),
            build: semver::BuildMetadata::EMPTY,
        };
        let this = match c.op {
            Op::Exact | Op::GreaterEq | Op::Tilde | Op::Caret | Op::Wildcard => (v, false),
            // `>1.2` admits 1.3.0 first; `>1.2.3` anything above 1.2.3.
            Op::Greater if c.patch.is_none() => match c.minor {
                Some(minor) => (semver::Version::new(c.major, minor + 1, 0), false),
                None => (semver::Version::new(c.major + 1, 0, 0), false),
            },
            Op::Greater => (v, true),
            _ => continue,
        };
        if this.0 > bound.0 {
            bound = this;
        }
    }
    bound
}

/// The name under which an ecosystem's packages are compared: PyPI names
/// normalized as PEP 503 says; npm, Cargo, NuGet and Go names lower-case (Go
/// module paths are case-sensitive in principle, but purls lower-case their
/// namespace and code hosts ignore case, so `github.com/Azure/x` in an
/// advisory must meet `github.com/azure/x` from an SBOM); others as written.
/// Borrowed when the name is already in that form, as it mostly is (no
/// allocation per component looked up).
pub fn package_key<'n>(ecosystem: &Ecosystem, name: &'n str) -> Cow<'n, str> {
    match ecosystem {
        Ecosystem::Pypi
            if name.starts_with('-')
                || name.ends_with('-')
                || name.contains("--")
                || name
                    .bytes()
                    .any(|b| b.is_ascii_uppercase() || b == b'_' || b == b'.') =>
        {
            Cow::Owned(crate::model::pep503(name))
        }
        Ecosystem::Cargo | Ecosystem::Npm | Ecosystem::Golang | Ecosystem::Nuget
            if name.bytes().any(|b| b.is_ascii_uppercase()) =>
        {
            Cow::Owned(name.to_ascii_lowercase())
        }
        _ => Cow::Borrowed(name),
    }
}

/// A component's package name as advisory databases write it: npm
/// `@scope/name`, Go `module/path`, Maven `group:artifact`.
pub fn component_package(c: &Component) -> Cow<'_, str> {
    match (&c.ecosystem, &c.namespace) {
        (_, None) => Cow::Borrowed(&c.name),
        (Ecosystem::Maven, Some(group)) => Cow::Owned(format!("{group}:{}", c.name)),
        (_, Some(ns)) => Cow::Owned(format!("{ns}/{}", c.name)),
    }
}

/// All advisories of the databases given, indexed by package.
#[derive(Debug, Default)]
pub struct AdvisorySet {
    /// One entry per directory, for the report.
    pub databases: Vec<AdvisoryDatabase>,
    advisories: Vec<Advisory>,
    /// ecosystem → package key → (advisory, affected package) indices.
    index: HashMap<Ecosystem, HashMap<String, Vec<(u32, u32)>>>,
    /// Ecosystems at least one database speaks about: for the others, a
    /// missing advisory proves nothing.
    covered: HashSet<Ecosystem>,
}

impl AdvisorySet {
    /// Indexes advisories (withdrawn ones are expected to be left out already).
    pub fn new(databases: Vec<AdvisoryDatabase>, advisories: Vec<Advisory>) -> AdvisorySet {
        let mut index: HashMap<Ecosystem, HashMap<String, Vec<(u32, u32)>>> = HashMap::new();
        let mut covered = HashSet::new();
        for (a, adv) in advisories.iter().enumerate() {
            for (p, pkg) in adv.packages.iter().enumerate() {
                covered.insert(pkg.ecosystem.clone());
                index
                    .entry(pkg.ecosystem.clone())
                    .or_default()
                    .entry(package_key(&pkg.ecosystem, &pkg.name).into_owned())
                    .or_default()
                    .push((a as u32, p as u32));
            }
        }
        AdvisorySet {
            databases,
            advisories,
            index,
            covered,
        }
    }

    /// Declares that a database covers an ecosystem even if it holds no advisory
    /// for it yet (an empty RustSec database still speaks for Cargo).
    pub fn cover(&mut self, ecosystem: Ecosystem) {
        self.covered.insert(ecosystem);
    }

    pub fn len(&self) -> usize {
        self.advisories.len()
    }

    pub fn is_empty(&self) -> bool {
        self.advisories.is_empty()
    }

    pub fn covers(&self, ecosystem: &Ecosystem) -> bool {
        self.covered.contains(ecosystem)
    }

    /// The advisories naming a package, in database order.
    pub fn for_package<'a>(
        &'a self,
        ecosystem: &Ecosystem,
        name: &str,
    ) -> impl Iterator<Item = (&'a Advisory, &'a AffectedPackage)> + use<'a> {
        let hits = self
            .index
            .get(ecosystem)
            .and_then(|names| names.get(package_key(ecosystem, name).as_ref()));
        hits.into_iter().flatten().map(|&(a, p)| {
            let adv = &self.advisories[a as usize];
            (adv, &adv.packages[p as usize])
        })
    }

    /// The advisories naming a component's package.
    pub fn for_component<'a>(
        &'a self,
        c: &Component,
    ) -> impl Iterator<Item = (&'a Advisory, &'a AffectedPackage)> + use<'a> {
        let name = component_package(c);
        self.for_package(&c.ecosystem, &name)
    }
}

/// Parses a version for comparisons, re-exported for rules and tests.
pub fn parse_version(ecosystem: &Ecosystem, text: &str) -> Option<Version> {
    Version::parse(ecosystem, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_keys_compare_as_each_ecosystem_does() {
        let key = |e: Ecosystem, n: &str| package_key(&e, n).into_owned();
        assert_eq!(key(Ecosystem::Pypi, "Zope.Interface"), "zope-interface");
        assert_eq!(
            key(Ecosystem::Pypi, "typing__extensions-"),
            "typing-extensions"
        );
        assert!(matches!(
            package_key(&Ecosystem::Pypi, "requests"),
            Cow::Borrowed(_)
        ));
        assert_eq!(key(Ecosystem::Npm, "JSONStream"), "jsonstream");
        // Go module paths as purls spell them: lower case.
        assert_eq!(
            key(Ecosystem::Golang, "github.com/Azure/go-autorest"),
            "github.com/azure/go-autorest"
        );
    }
}
