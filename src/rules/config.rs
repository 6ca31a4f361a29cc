//! Rule thresholds: one struct, defaults from RULES.md. The policy file
//! (a later stage) overrides them.

use serde::{Deserialize, Serialize};

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
        }
    }
}

impl Thresholds {
    /// The thresholds as `key = value` pairs for `chainrisk rules`.
    pub fn describe(&self, key: &str) -> Option<String> {
        Some(match key {
            "max_supplier_share" => format!("{:.0} %", self.max_supplier_share * 100.0),
            "max_release_age_months" => format!("{} months", self.max_release_age_months),
            "max_major_lag" => format!("{} majors", self.max_major_lag),
            "max_version_age_months" => format!("{} months", self.max_version_age_months),
            "min_release_age_days" => format!("{} days", self.min_release_age_days),
            "fan_in_percent" => format!("{} %", self.fan_in_percent),
            _ => return None,
        })
    }
}
