//! The policy stage: between the rules (pure) and the report. A policy file
//! (`chainrisk.toml`) sets thresholds and lists for the rules, switches rules
//! off, overrides severities, narrows scopes, and accepts findings through
//! justified, expiring exceptions; a baseline marks findings new or known.
//! See `docs/policy.md`.

mod apply;
mod baseline;
mod exceptions;
mod file;
mod init;

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::Path;

use crate::model::{InputError, Position, Severity};
use crate::rules::Thresholds;
pub use apply::{apply, gating, gating_worst};
pub use baseline::Baseline;
pub use exceptions::{Exception, PackagePattern, VersionRange, normalise};
pub use init::default_policy_text;

/// The name of the policy file looked for in the current directory.
pub const FILE_NAME: &str = "chainrisk.toml";

/// Which components a rule judges, by how they are depended on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleScope {
    /// Every component.
    #[default]
    All,
    /// Direct dependencies (and the product's own root components).
    Direct,
    /// Transitive dependencies only.
    Transitive,
    /// No component: the rule's findings are all dropped.
    None,
}

impl RuleScope {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleScope::All => "all",
            RuleScope::Direct => "direct",
            RuleScope::Transitive => "transitive",
            RuleScope::None => "none",
        }
    }
}

/// The `[rules.<ID>]` settings of one rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleSettings {
    pub enabled: bool,
    pub severity: Option<Severity>,
    pub scope: RuleScope,
}

impl Default for RuleSettings {
    fn default() -> RuleSettings {
        RuleSettings {
            enabled: true,
            severity: None,
            scope: RuleScope::All,
        }
    }
}

/// A parsed, validated policy.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Policy {
    /// Thresholds, and the lists rules read (allowed registries and suppliers, listed).
    pub thresholds: Thresholds,
    /// Per-rule settings by canonical rule id (`UNM-05`).
    pub rules: BTreeMap<String, RuleSettings>,
    /// `[registries]`: ecosystem → registry URL, for the resolve stage.
    pub registries: BTreeMap<String, String>,
    pub exceptions: Vec<Exception>,
    /// `[cache] location`: a file or a database URL, as written.
    pub cache: Option<String>,
}

impl Policy {
    /// The settings of a rule (defaults when the policy does not name it).
    pub fn rule(&self, id: &str) -> RuleSettings {
        self.rules.get(id).cloned().unwrap_or_default()
    }
}

/// A policy with where it came from.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoadedPolicy {
    pub policy: Policy,
    /// The file, or `None` for the built-in defaults.
    pub file: Option<String>,
    /// SHA-256 of the file's bytes (of the empty string for the defaults).
    pub sha256: String,
}

impl LoadedPolicy {
    /// The built-in defaults (no policy file).
    pub fn defaults() -> LoadedPolicy {
        LoadedPolicy {
            policy: Policy::default(),
            file: None,
            sha256: crate::model::encode::hex(&Sha256::digest(b"")),
        }
    }
}

/// Parses policy text; `file` names it in errors and exception locations.
pub fn parse(text: &str, file: &str) -> Result<Policy, InputError> {
    file::parse(text, file)
}

/// Reads and parses a policy file.
pub fn load(path: &Path) -> Result<LoadedPolicy, InputError> {
    let shown = path.display().to_string();
    let bytes = crate::model::document_read::read_document(path).map_err(|e| {
        InputError::in_file(&shown, None, format!("cannot read the policy file: {e}"))
    })?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        InputError::in_file(
            &shown,
            Some(Position::at_offset(&bytes, e.valid_up_to())),
            "the policy file is not UTF-8 text",
        )
    })?;
    Ok(LoadedPolicy {
        policy: parse(text, &shown)?,
        file: Some(shown),
        sha256: crate::model::encode::hex(&Sha256::digest(&bytes)),
    })
}

/// The policy in force: `explicit` when given, else `chainrisk.toml` in the
/// current directory when it exists, else the built-in defaults.
pub fn discover(explicit: Option<&Path>) -> Result<LoadedPolicy, InputError> {
    match explicit {
        Some(p) => load(p),
        None if Path::new(FILE_NAME).is_file() => load(Path::new(FILE_NAME)),
        None => Ok(LoadedPolicy::defaults()),
    }
}
