//! Registry facts about one package, normalised across registries. Filled by
//! the resolve stage; a fact that is not known stays `None` and is reported as
//! unknown, never guessed.

use serde::{Deserialize, Serialize};

/// Where a fact came from, so every finding can name its evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum FactSource {
    Live { fetched_at: String },
    Cache { fetched_at: String },
    Snapshot { file: String, created_at: String },
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Origin {
    /// `Some(false)`: the registry answered that the package does not exist.
    pub exists: Option<bool>,
    pub latest_version: Option<String>,
    /// Release time of the newest version of any line (RFC 3339).
    pub latest_release: Option<String>,
    /// Release time of the version in use.
    pub used_version_release: Option<String>,
    pub yanked: Option<bool>,
    pub deprecated: Option<String>,
    pub maintainers: Option<Vec<String>>,
    pub repository: Option<String>,
    pub license: Option<String>,
    pub checksum: Option<String>,
    pub install_scripts: Option<bool>,
    pub source: Option<FactSource>,
}
