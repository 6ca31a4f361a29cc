//! Distribution packages (deb, rpm, apk, opkg): the release a package was
//! built for, its source package, and what the release's archive says about
//! it. Ingest fills [`DistroRelease`] and [`SourcePackage`] on components;
//! the archive clients of the resolve stage fill [`ArchiveFacts`]; the
//! distribution rules read both.

use serde::{Deserialize, Serialize};

/// The operating-system release a package was built for, as the
/// distribution names it. Either field may be unknown; the distribution
/// id is always known (`debian`, `ubuntu`, `alpine`, `fedora`…, lower case,
/// as os-release `ID` writes it).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct DistroRelease {
    pub distro: String,
    /// The release's number as the distribution writes it (`12`, `22.04`, `3.19`, `40`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The release's codename (`bookworm`, `jammy`), when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codename: Option<String>,
}

impl DistroRelease {
    /// `debian 12 (bookworm)`, `alpine 3.19`, `debian bookworm`.
    pub fn label(&self) -> String {
        match (&self.version, &self.codename) {
            (Some(v), Some(c)) => format!("{} {v} ({c})", self.distro),
            (Some(v), None) => format!("{} {v}", self.distro),
            (None, Some(c)) => format!("{} {c}", self.distro),
            (None, None) => self.distro.clone(),
        }
    }

    /// Whether two descriptions can name the same release: same distribution
    /// and no known field that disagrees.
    pub fn matches(&self, other: &DistroRelease) -> bool {
        fn agree(a: &Option<String>, b: &Option<String>) -> bool {
            match (a, b) {
                (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                _ => true,
            }
        }
        self.distro.eq_ignore_ascii_case(&other.distro)
            && agree(&self.version, &other.version)
            && agree(&self.codename, &other.codename)
    }
}

/// The source package a binary package was built from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SourcePackage {
    pub name: String,
    /// The source version, when it differs from the binary's or is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

impl SourcePackage {
    /// From an rpm's source package file name (`SOURCERPM`, primary.xml's
    /// `rpm:sourcerpm`): `python-requests-2.31.0-3.fc40.src.rpm` →
    /// `python-requests` `2.31.0-3.fc40` (name, version and release split at
    /// the last two dashes).
    pub fn from_source_rpm(file: &str) -> Option<SourcePackage> {
        let stem = file
            .strip_suffix(".src.rpm")
            .or_else(|| file.strip_suffix(".nosrc.rpm"))?;
        let (rest, release) = stem.rsplit_once('-')?;
        let (name, version) = rest.rsplit_once('-')?;
        Some(SourcePackage {
            name: name.to_string(),
            version: Some(format!("{version}-{release}")),
        })
    }
}

/// Which publication channel of a release an index belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// The release suite itself (`bookworm`, point releases included).
    Release,
    /// Stable updates (`bookworm-updates`, Ubuntu `-updates`, an RPM updates repository).
    Updates,
    /// Security updates (`bookworm-security`, Ubuntu `-security`).
    Security,
    /// Backports (`bookworm-backports`): newer builds a user opts into, never "an update not applied".
    Backports,
    /// The distribution's development suites (Debian testing and unstable, Ubuntu devel).
    Development,
}

/// One build of a binary package that one index of the archive publishes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveBuild {
    /// The suite or branch (`bookworm-security`, `v3.19/main`).
    pub suite: String,
    pub channel: Option<Channel>,
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub architecture: Option<String>,
    /// SHA-256 of the package file, lower-case hex, when the index gives it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
    /// Build time (RFC 3339) where the archive records it (Alpine `t:`, RPM build time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub built: Option<String>,
}

/// What a distribution archive says about one binary package in one release.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveFacts {
    pub release: DistroRelease,
    /// Every build of the package the release's indexes publish.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub builds: Vec<ArchiveBuild>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourcePackage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maintainer: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub uploaders: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub homepage: Option<String>,
    /// `Vcs-Git`, `Vcs-Browser` and the like.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vcs: Vec<String>,
    /// Whether the source package is in the distribution's development
    /// suites; `None` when those indexes were not read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub in_development: Option<bool>,
    /// The indexes read, as evidence: `archive:<suite>/<index>@<fetched>`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<String>,
    /// Binary indexes of the release that could not be read: a build may be
    /// missing from `builds`, so absence proves nothing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unread: Vec<String>,
    /// Whether every index read had a verified signature; `None` when not checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verified: Option<bool>,
}

/// One archive index a scan read (or tried to), for the report's account.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArchiveIndex {
    /// `archive:<suite>/<path>@<fetched>` (`archive:<suite>/Release` for a suite's Release file).
    pub index: String,
    pub url: String,
    /// Why it was not used (not found, a checksum that does not match…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// For a suite's `InRelease`: the key whose signature verified.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed_by: Option<String>,
}

/// A release as tests write it: distribution, version, codename.
#[cfg(test)]
pub fn rel(distro: &str, version: Option<&str>, codename: Option<&str>) -> DistroRelease {
    DistroRelease {
        distro: distro.into(),
        version: version.map(Into::into),
        codename: codename.map(Into::into),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn releases_match_unless_a_known_field_disagrees() {
        let full = rel("debian", Some("12"), Some("bookworm"));
        assert!(full.matches(&rel("debian", None, Some("bookworm"))));
        assert!(full.matches(&rel("Debian", Some("12"), None)));
        assert!(!full.matches(&rel("debian", Some("11"), None)));
        assert!(!full.matches(&rel("ubuntu", None, None)));
        assert_eq!(full.label(), "debian 12 (bookworm)");
        assert_eq!(rel("alpine", Some("3.19"), None).label(), "alpine 3.19");
    }
}
