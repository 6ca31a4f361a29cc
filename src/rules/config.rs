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

/// A `[thresholds]` key: what rules declare they read, what `chainrisk
/// init` documents, and what reports show next to a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Threshold {
    MaxSupplierShare,
    MinComponentsForConcentration,
    MaxReleaseAgeMonths,
    MaxMajorLag,
    MaxVersionAgeMonths,
    MinReleaseAgeDays,
    FanInPercent,
    MaxSnapshotAgeDays,
    MaxAdvisoryDbAgeDays,
}

impl Threshold {
    /// Every key, in the order `chainrisk init` writes them. A test checks
    /// every field of [`Thresholds`] is listed.
    pub const ALL: [Threshold; 9] = [
        Threshold::MaxSupplierShare,
        Threshold::MinComponentsForConcentration,
        Threshold::MaxReleaseAgeMonths,
        Threshold::MaxMajorLag,
        Threshold::MaxVersionAgeMonths,
        Threshold::MinReleaseAgeDays,
        Threshold::FanInPercent,
        Threshold::MaxSnapshotAgeDays,
        Threshold::MaxAdvisoryDbAgeDays,
    ];

    /// The policy file's key.
    pub const fn key(self) -> &'static str {
        match self {
            Threshold::MaxSupplierShare => "max_supplier_share",
            Threshold::MinComponentsForConcentration => "min_components_for_concentration",
            Threshold::MaxReleaseAgeMonths => "max_release_age_months",
            Threshold::MaxMajorLag => "max_major_lag",
            Threshold::MaxVersionAgeMonths => "max_version_age_months",
            Threshold::MinReleaseAgeDays => "min_release_age_days",
            Threshold::FanInPercent => "fan_in_percent",
            Threshold::MaxSnapshotAgeDays => "max_snapshot_age_days",
            Threshold::MaxAdvisoryDbAgeDays => "max_advisory_db_age_days",
        }
    }

    /// The comment `chainrisk init` writes above the key.
    pub const fn doc(self) -> &'static str {
        match self {
            Threshold::MaxSupplierShare => {
                "CON-03: share of components (0-1) one supplier may account for before it is reported."
            }
            Threshold::MinComponentsForConcentration => {
                "CON-03: with fewer components of known supplier, concentration is not judged."
            }
            Threshold::MaxReleaseAgeMonths => {
                "UNM-04: the newest release of any version is older than this many months."
            }
            Threshold::MaxMajorLag => {
                "UNM-05: the used version is this many major versions behind the latest."
            }
            Threshold::MaxVersionAgeMonths => {
                "UNM-05: the used version was released this many months before the latest."
            }
            Threshold::MinReleaseAgeDays => {
                "DEL-06: the used version was published fewer than this many days before the scan."
            }
            Threshold::FanInPercent => {
                "CON-02: percent of components that depend on one component transitively."
            }
            Threshold::MaxSnapshotAgeDays => {
                "Registry facts from a snapshot older than this many days are flagged stale."
            }
            Threshold::MaxAdvisoryDbAgeDays => {
                "An advisory database whose newest advisory is older than this is flagged stale."
            }
        }
    }
}

impl Serialize for Threshold {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

impl Thresholds {
    /// A threshold's value for `chainrisk rules` and the reports, with its unit.
    pub fn describe(&self, key: Threshold) -> String {
        match key {
            Threshold::MaxSupplierShare => format!("{:.0} %", self.max_supplier_share * 100.0),
            Threshold::MinComponentsForConcentration => {
                format!("{} components", self.min_components_for_concentration)
            }
            Threshold::MaxReleaseAgeMonths => format!("{} months", self.max_release_age_months),
            Threshold::MaxMajorLag => format!("{} majors", self.max_major_lag),
            Threshold::MaxVersionAgeMonths => format!("{} months", self.max_version_age_months),
            Threshold::MinReleaseAgeDays => format!("{} days", self.min_release_age_days),
            Threshold::FanInPercent => format!("{} %", self.fan_in_percent),
            Threshold::MaxSnapshotAgeDays => format!("{} days", self.max_snapshot_age_days),
            Threshold::MaxAdvisoryDbAgeDays => format!("{} days", self.max_advisory_db_age_days),
        }
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
    fn every_threshold_field_is_a_typed_key() {
        let table = toml::Table::try_from(Thresholds::default()).unwrap();
        for key in table.keys() {
            assert!(
                Threshold::ALL.iter().any(|t| t.key() == key),
                "{key} is not in Threshold::ALL"
            );
        }
        assert_eq!(table.len(), Threshold::ALL.len());
        assert!(Thresholds::default().out_of_range().is_empty());
    }
}
