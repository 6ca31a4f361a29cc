//! Registry facts. [`PackageFacts`] is what one registry says about one
//! package (all versions), as the resolve stage fetches, caches and snapshots
//! it; [`Origin`] is the part of it that concerns one component (its version),
//! which the rules read. A fact the registry does not give stays `None` and is
//! reported as unknown, never guessed.

use serde::{Deserialize, Serialize};

use super::component::{Ecosystem, Hash};

/// Where a fact came from, so every finding can name its evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum FactSource {
    /// Fetched during this scan.
    Live { fetched_at: String },
    /// Read from the local cache, fetched earlier.
    Cache { fetched_at: String },
    /// Read from a snapshot file; `fetched_at` is when the fact was fetched
    /// before it was exported, `created_at` when the snapshot was written.
    Snapshot {
        file: String,
        created_at: String,
        fetched_at: String,
    },
}

impl FactSource {
    pub fn fetched_at(&self) -> &str {
        match self {
            FactSource::Live { fetched_at }
            | FactSource::Cache { fetched_at }
            | FactSource::Snapshot { fetched_at, .. } => fetched_at,
        }
    }

    /// The evidence source string of RULES.md: `registry:<ecosystem>@<time>`
    /// for live and cached facts, `snapshot:<file>@<created>`.
    pub fn evidence(&self, ecosystem: &Ecosystem) -> String {
        match self {
            FactSource::Live { fetched_at } | FactSource::Cache { fetched_at } => {
                format!("registry:{}@{fetched_at}", ecosystem.as_str())
            }
            FactSource::Snapshot {
                file, created_at, ..
            } => format!("snapshot:{file}@{created_at}"),
        }
    }
}

/// One version as the registry lists it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ReleaseFacts {
    pub version: String,
    /// Publication time (RFC 3339), when the registry records it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yanked: Option<bool>,
    /// The registry's deprecation message for this version (npm).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<String>,
    /// The registry's checksums of the distributed artifact(s).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checksums: Vec<Hash>,
    /// Install-time scripts (npm `hasInstallScript` / `scripts`), build
    /// scripts and proc-macros (Cargo, from the index's `links`/features when told).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub install_scripts: Option<bool>,
    /// The account that published this version (npm `_npmUser`), when recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// PyPI: the release has source distributions only (built at install time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sdist_only: Option<bool>,
}

/// Whether the registry knows the package.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    #[default]
    Found,
    /// The registry answered "not found" (HTTP 404/410): a fact, cached like any other.
    NotFound,
}

/// What one registry says about one package.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PackageFacts {
    pub ecosystem: Ecosystem,
    /// The endpoint the facts came from, as configured.
    pub registry: String,
    pub name: String,
    pub presence: Presence,
    /// The registry's idea of the current version (npm `dist-tags.latest`,
    /// PyPI `info.version`, else the highest non-yanked version).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest: Option<String>,
    /// A package-level end-of-life signal (PyPI `Development Status :: 7 -
    /// Inactive`, project status archived or deprecated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<String>,
    /// Accounts allowed to publish, when the registry lists them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maintainers: Option<Vec<String>>,
    /// The organisation that owns the package (PyPI `ownership.organization`):
    /// its accounts, not one person, answer for it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    #[serde(default)]
    pub versions: Vec<ReleaseFacts>,
    /// Distribution packages: what the release's archive publishes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive: Option<super::distro::ArchiveFacts>,
    /// Limits met while reading (a capped body, an unparsable version line…).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// The facts that concern one component: its package's facts narrowed to the
/// version in use. Attached to the component as `origin`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Origin {
    pub registry: String,
    pub presence: Presence,
    /// Whether the registry lists the version in use (`None`: the component has no version).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version_listed: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_version: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_version_published: Option<String>,
    /// Newest publication time over all versions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newest_release: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yanked: Option<bool>,
    /// Version-level or package-level deprecation message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deprecated: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maintainers: Option<Vec<String>>,
    /// The organisation that owns the package, when the registry says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// Publishers of earlier versions (DEL-07), when the registry records publishers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earlier_publishers: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checksums: Vec<Hash>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub install_scripts: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sdist_only: Option<bool>,
    /// Distribution packages: what the release's archive publishes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive: Option<super::distro::ArchiveFacts>,
    pub source: FactSource,
}

/// Why a component has no origin, or how resolution went, per ecosystem.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EcosystemResolution {
    pub ecosystem: Ecosystem,
    /// The endpoint used, or `None` when none is configured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry: Option<String>,
    /// Where the endpoint came from (`--registry`, an environment variable, `.npmrc`…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub configured_by: Option<String>,
    /// Distinct packages asked for.
    pub packages: usize,
    pub live: usize,
    pub cached: usize,
    pub from_snapshot: usize,
    pub not_found: usize,
    pub failed: usize,
    /// Why this ecosystem (or part of it) was not resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Distribution archives: every archive and its suites (`URL suites (configured by)`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub archives: Vec<String>,
    /// Distribution archives: the indexes read this scan, with their fetch times.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indexes: Vec<super::distro::ArchiveIndex>,
}

/// The snapshot a scan read, with its age.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SnapshotInfo {
    pub file: String,
    pub created_at: String,
    pub format: String,
    pub packages: usize,
    pub age_days: i64,
    /// Older than the policy's `max_snapshot_age_days`, or created or
    /// fetched in the future (its age cannot be known; `age_days` is then 0).
    pub stale: bool,
}

/// How the resolve stage went: the report's "metadata source and age".
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Resolution {
    /// `online`, `offline` (cache and snapshot only) or `off` (not asked for).
    pub mode: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot: Option<SnapshotInfo>,
    pub ecosystems: Vec<EcosystemResolution>,
    /// Per-package failures (bounded), e.g. `npm/left-pad: HTTP 500 after 3 tries`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<String>,
}
