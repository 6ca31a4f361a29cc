//! What a rule found: a finding with its evidence and a stable fingerprint.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use super::component::ComponentId;

/// Ordered from least to most severe, so `>=` compares as a reviewer reads it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|v| v.as_str().eq_ignore_ascii_case(s))
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The rule families of RULES.md, one per kind of supply-chain risk.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Category {
    Unmaintained,
    Opaque,
    Concentration,
    Delivery,
    Completeness,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Category::Unmaintained,
        Category::Opaque,
        Category::Concentration,
        Category::Delivery,
        Category::Completeness,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Unmaintained => "unmaintained",
            Category::Opaque => "opaque",
            Category::Concentration => "concentration",
            Category::Delivery => "delivery",
            Category::Completeness => "completeness",
        }
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a piece of evidence was read, written as RULES.md prescribes:
/// `sbom:<file>#<pointer>`, `lockfile:<file>:<line>`, `registry:<ecosystem>`…
/// Shared, not copied: every finding on a component and each of its
/// evidence entries name the same source (200,000 entries on 100,000
/// components).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EvidenceSource(pub Arc<str>);

impl EvidenceSource {
    pub fn sbom(file: &str, pointer: &str) -> EvidenceSource {
        EvidenceSource(format!("sbom:{file}#{pointer}").into())
    }
    /// `lockfile:<file>:<line>` where the reader gave a line, else
    /// `lockfile:<file>#<pointer>`.
    pub fn lockfile(file: &str, pointer: &str) -> EvidenceSource {
        match pointer.strip_prefix("line ") {
            Some(line) => EvidenceSource(format!("lockfile:{file}:{line}").into()),
            None => EvidenceSource(format!("lockfile:{file}#{pointer}").into()),
        }
    }
    pub fn inventory() -> EvidenceSource {
        EvidenceSource("inventory".into())
    }
    pub fn policy() -> EvidenceSource {
        EvidenceSource("policy".into())
    }
    /// `product:<root><path>`: a file of a delivered product, its path
    /// inside the root written with a leading `/`.
    pub fn product(root: &str, path: &str) -> EvidenceSource {
        EvidenceSource(format!("product:{}{path}", root.trim_end_matches('/')).into())
    }
    /// `advisory:<id>`.
    pub fn advisory(id: &str) -> EvidenceSource {
        EvidenceSource(format!("advisory:{id}").into())
    }
    /// `lifecycle:<file>@<date>`: a distribution's published lifecycle data.
    pub fn lifecycle(file: &str, as_of: Option<&str>) -> EvidenceSource {
        EvidenceSource(format!("lifecycle:{file}@{}", as_of.unwrap_or("unknown")).into())
    }
    /// `registry:<ecosystem>@<fetched>` or `snapshot:<file>@<created>`.
    pub fn facts(
        source: &super::origin::FactSource,
        ecosystem: &super::Ecosystem,
    ) -> EvidenceSource {
        EvidenceSource(source.evidence(ecosystem).into())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    /// What the value is; the rules' keys are constants, so not copied.
    pub key: Cow<'static, str>,
    pub value: String,
    pub source: EvidenceSource,
}

impl Evidence {
    pub fn new(
        key: impl Into<Cow<'static, str>>,
        value: impl Into<String>,
        source: EvidenceSource,
    ) -> Evidence {
        Evidence {
            key: key.into(),
            value: value.into(),
            source,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    pub category: Category,
    /// The component, or `None` for a finding about the whole product or one input document.
    pub component: Option<ComponentId>,
    /// In English, as every machine report writes it.
    pub message: String,
    /// The message as its rule's template and parameters, so the human
    /// reports can render it in their language; absent in a report read back.
    #[serde(skip)]
    pub localized: Option<Box<super::Message>>,
    pub evidence: Vec<Evidence>,
    pub fingerprint: String,
    /// For a transitive component: the shortest chain of components (ids)
    /// from a root or direct dependency down to it, so a reviewer sees which
    /// direct dependency brought it in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<Vec<ComponentId>>,
    /// Components left out of the middle of a path longer than
    /// `2 * PATH_END`, between its first and last [`super::PATH_END`]
    /// (non-zero, so a finding stays within its size budget).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_omitted: Option<std::num::NonZeroU32>,
    /// The policy exception that accepts this finding (it stays in the report).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exception: Option<Box<super::review::ExceptionMark>>,
    /// New or known against `--baseline`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<super::review::BaselineState>,
}

/// A stable fingerprint: SHA-256 over rule id, the versionless identity of the
/// component (or the document/product key) and the input subject, truncated to
/// 128 bits. Versions are left out on purpose so a baseline survives upgrades.
pub fn fingerprint(rule: &str, identity: &str, subject: &str) -> String {
    let mut h = Sha256::new();
    for part in [rule, identity, subject] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    let digest = h.finalize();
    super::encode::hex(&digest[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_orders_as_reviewers_read_it() {
        assert!(Severity::Critical > Severity::High);
        assert!(Severity::Low > Severity::Info);
        assert_eq!(Severity::parse("HIGH"), Some(Severity::High));
        assert_eq!(Severity::parse("urgent"), None);
    }

    #[test]
    fn fingerprint_is_stable_and_separates_parts() {
        let a = fingerprint("DEL-01", "pkg:npm/a", "demo");
        assert_eq!(a, fingerprint("DEL-01", "pkg:npm/a", "demo"));
        assert_eq!(a.len(), 32);
        assert_ne!(a, fingerprint("DEL-01", "pkg:npm/ad", "emo"));
        assert_ne!(a, fingerprint("DEL-03", "pkg:npm/a", "demo"));
    }
}
