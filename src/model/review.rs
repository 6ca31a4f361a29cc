//! What the review workflow adds to an assessment: the policy in force, the
//! exceptions and their states, the baseline, and the advisory databases read.

use serde::{Deserialize, Serialize};

/// The exception that accepted a finding, copied onto the finding so every
/// renderer shows the reason, owner and expiry next to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExceptionMark {
    /// Index of the `[[exception]]` entry in the policy file (0-based).
    pub index: usize,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BaselineState {
    New,
    Known,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ExceptionState {
    /// In force and matched at least one finding.
    Applied,
    /// Past its `expires` date: no longer applies.
    Expired,
    /// In force but matched nothing.
    Unused,
}

/// One `[[exception]]` entry of the policy and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExceptionReport {
    pub index: usize,
    /// Rule id or `*`.
    pub rule: String,
    /// Package pattern (purl without version) as written.
    pub package: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versions: Option<String>,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    pub state: ExceptionState,
    /// Findings it accepted (or would have accepted, when expired).
    pub matched: usize,
    /// `file:line` of the entry in the policy file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
}

/// The policy in force.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyInfo {
    /// The policy file, or `None` for the built-in defaults.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// SHA-256 of the policy file's bytes (of the empty string for defaults).
    pub sha256: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub exceptions: Vec<ExceptionReport>,
    /// The rules the policy changes (switched off, severity, scope), and what
    /// that did to their findings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<RulePolicy>,
    /// The thresholds the policy sets off their defaults, with the values in
    /// force, so a report shows them beside findings that do not state them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub thresholds: Vec<ThresholdSetting>,
}

/// A threshold in force: its policy key and its value as the reports write it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThresholdSetting {
    pub key: String,
    pub value: String,
}

/// How the policy changes one rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RulePolicy {
    pub rule: String,
    /// False: switched off; its findings and not-evaluated entries are removed.
    pub enabled: bool,
    /// Severity set by the policy instead of the rule's default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<super::Severity>,
    /// `all`, `direct`, `transitive` or `none`.
    pub scope: String,
    /// Findings removed: the rule is off, or they are outside its scope.
    pub removed: usize,
    /// Findings kept in a `direct` or `transitive` scope because the inputs do
    /// not say whether the component is a direct dependency.
    pub unknown_directness: usize,
}

/// The earlier report findings were compared with.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineInfo {
    pub file: String,
    pub generated_at: String,
    pub new: usize,
    pub known: usize,
    /// Fingerprints in the baseline that no longer occur.
    pub resolved: usize,
}

/// A distribution lifecycle file that was read (distro-info-data, the
/// security-support lists), with its age like an advisory database's.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifecycleData {
    /// The file's name (`debian.csv`, `security-support-ended.deb12`).
    pub file: String,
    /// Where it was read: a path on the scanning machine, or `bundled`.
    pub path: String,
    /// The data's date (`YYYY-MM-DD`): the bundled copy's package date, or the file's modification date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<String>,
}

/// An advisory database that was read.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvisoryDatabase {
    pub path: String,
    /// `rustsec` or `osv`.
    pub format: String,
    pub advisories: usize,
    /// Date of the newest advisory (`YYYY-MM-DD`), the database's age.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub newest: Option<String>,
    /// Older than the policy's `max_advisory_db_age_days`.
    pub stale: bool,
}
