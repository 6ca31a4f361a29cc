//! What identifies a document chainrisk writes: the report's schema id, the
//! tool block (shared by reports and snapshots) and the one time format.

use serde::{Deserialize, Serialize};

/// Schema id of the JSON report, which baselines are read back from.
pub const REPORT_SCHEMA: &str = "chainrisk.report/v1";

/// Which build of chainrisk wrote a document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
    /// Version of the rule catalogue that judged the inventory.
    pub ruleset: String,
}

impl Tool {
    /// This build, judging with the rule catalogue of version `ruleset`
    /// (the catalogue lives in `rules`, which the model cannot see).
    pub fn current(ruleset: &str) -> Tool {
        Tool {
            name: env!("CARGO_PKG_NAME").to_string(),
            version: env!("CARGO_PKG_VERSION").to_string(),
            ruleset: ruleset.to_string(),
        }
    }
}

/// RFC 3339 in UTC to the second, the form every report time takes.
pub fn format_time(ts: jiff::Timestamp) -> String {
    ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}
