//! What rules are configured with: numeric thresholds (defaults from
//! RULES.md) and the policy's lists (allowed registries and suppliers, listed
//! suppliers). The policy file (`src/policy/`) overrides them; `chainrisk
//! init` writes these same defaults, so the two cannot drift.

use serde::{Deserialize, Serialize};

use crate::model::Severity;

/// The `[thresholds]` table of the policy file. Every numeric key is a
/// policy key; the lists are filled from the policy's top-level keys.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Thresholds {
    /// CON-03: share of components one supplier may account for before it is reported (0–1).
    pub max_supplier_share: f64,
    /// CON-03: fewer components with a known supplier than this and concentration is not judged.
    pub min_components_for_concentration: usize,
    /// UNM-04: newest release older than this many months.
    pub max_release_age_months: u32,
    /// UNM-05: majors behind the latest.
    pub max_major_lag: u32,
    /// UNM-05: months between the used release and the latest.
    pub max_version_age_months: u32,
    /// DEL-06: days a release must age before use.
    pub min_release_age_days: u32,
    /// CON-02: share of components (percent) that depend on one component transitively.
    pub fan_in_percent: f64,
    /// Registry facts from a snapshot older than this many days are flagged stale.
    pub max_snapshot_age_days: u32,
    /// An advisory database whose newest advisory is older than this many days
    /// is flagged stale. A week: the RustSec and OSV databases receive new
    /// advisories every few days, so a week-old copy has likely missed some.
    pub max_advisory_db_age_days: u32,
    /// The policy's lists; not part of `[thresholds]`.
    #[serde(skip)]
    pub lists: Lists,
}

/// The policy's lists that rules read.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Lists {
    /// CON-04: registry URLs components may come from. `None`: any registry.
    pub allowed_registries: Option<Vec<String>>,
    /// Suppliers accepted by policy: they never fire CON-03 (their share is
    /// still counted and shown) and never match CON-06. Compared with the
    /// supplier key CON-03 uses, ignoring case.
    pub allowed_suppliers: Vec<String>,
    /// CON-06: suppliers, namespaces or regions that need attention.
    pub listed: Vec<Listed>,
}

/// The evidence key of a CON-06 finding naming its `[[listed]]` entry
/// (`#0 supplier Acme`), so the policy stage can give the entry's severity.
pub const LISTED_ENTRY_KEY: &str = "listed entry";

/// One `[[listed]]` entry: at least one of supplier, namespace, region.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Listed {
    pub supplier: Option<String>,
    pub namespace: Option<String>,
    pub region: Option<String>,
    /// Severity of CON-06 findings from this entry (else the rule's).
    pub severity: Option<Severity>,
    pub reason: Option<String>,
}

impl Default for Thresholds {
    fn default() -> Thresholds {
        Thresholds {
            max_supplier_share: 0.30,
            min_components_for_concentration: 5,
            max_release_age_months: 24,
            max_major_lag: 2,
            max_version_age_months: 36,
            min_release_age_days: 7,
            fan_in_percent: 10.0,
            max_snapshot_age_days: 30,
            max_advisory_db_age_days: 7,
            lists: Lists::default(),
        }
    }
}

/// Each `[thresholds]` key with the comment `chainrisk init` writes above it,
/// in the order it writes them. A test checks every field is listed.
pub const THRESHOLD_DOCS: &[(&str, &str)] = &[
    (
        "max_supplier_share",
        "CON-03: share of components (0-1) one supplier may account for before it is reported.",
    ),
    (
        "min_components_for_concentration",
        "CON-03: with fewer components of known supplier, concentration is not judged.",
    ),
    (
        "max_release_age_months",
        "UNM-04: the newest release of any version is older than this many months.",
    ),
    (
        "max_major_lag",
        "UNM-05: the used version is this many major versions behind the latest.",
    ),
    (
        "max_version_age_months",
        "UNM-05: the used version was released this many months before the latest.",
    ),
    (
        "min_release_age_days",
        "DEL-06: the used version was published fewer than this many days before the scan.",
    ),
    (
        "fan_in_percent",
        "CON-02: percent of components that depend on one component transitively.",
    ),
    (
        "max_snapshot_age_days",
        "Registry facts from a snapshot older than this many days are flagged stale.",
    ),
    (
        "max_advisory_db_age_days",
        "An advisory database whose newest advisory is older than this is flagged stale.",
    ),
];

impl Thresholds {
    /// A threshold's value for `chainrisk rules`, with its unit.
    pub fn describe(&self, key: &str) -> Option<String> {
        Some(match key {
            "max_supplier_share" => format!("{:.0} %", self.max_supplier_share * 100.0),
            "min_components_for_concentration" => {
                format!("{} components", self.min_components_for_concentration)
            }
            "max_release_age_months" => format!("{} months", self.max_release_age_months),
            "max_major_lag" => format!("{} majors", self.max_major_lag),
            "max_version_age_months" => format!("{} months", self.max_version_age_months),
            "min_release_age_days" => format!("{} days", self.min_release_age_days),
            "fan_in_percent" => format!("{} %", self.fan_in_percent),
            "max_snapshot_age_days" => format!("{} days", self.max_snapshot_age_days),
            "max_advisory_db_age_days" => format!("{} days", self.max_advisory_db_age_days),
            _ => return None,
        })
    }

    /// Values out of their meaningful range, as (key, what is expected).
    pub fn out_of_range(&self) -> Vec<(&'static str, &'static str)> {
        let mut bad = Vec::new();
        if !(self.max_supplier_share > 0.0 && self.max_supplier_share <= 1.0) {
            bad.push((
                "max_supplier_share",
                "a share greater than 0 and at most 1 (0.3 = 30 %)",
            ));
        }
        if !(self.fan_in_percent > 0.0 && self.fan_in_percent <= 100.0) {
            bad.push((
                "fan_in_percent",
                "a percentage greater than 0 and at most 100",
            ));
        }
        bad
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_threshold_has_a_doc_and_a_description() {
        let table = toml::Table::try_from(Thresholds::default()).unwrap();
        for key in table.keys() {
            assert!(
                THRESHOLD_DOCS.iter().any(|(k, _)| k == key),
                "{key} has no entry in THRESHOLD_DOCS"
            );
            assert!(Thresholds::default().describe(key).is_some(), "{key}");
        }
        assert_eq!(table.len(), THRESHOLD_DOCS.len());
        assert!(Thresholds::default().out_of_range().is_empty());
    }
}
