//! Reports: renderers of one [`Assessment`]. The JSON report
//! (`chainrisk.report/v1`, `docs/report.schema.json`) is the source of truth;
//! every other format reads the same structure.

mod blocks;
pub mod csv;
pub mod cyclonedx;
pub mod diff;
pub mod html;
pub mod i18n;
pub mod json;
pub mod markdown;
pub mod sarif;
mod sections;
mod streamed;
mod summary;
pub mod table;
pub mod view;
mod windows;

use serde::{Deserialize, Serialize};

use crate::model::{
    AdvisoryDatabase, BaselineInfo, Component, Document, Edge, Finding, Inventory, LifecycleData,
    PolicyInfo, Resolution, Subject,
};
use crate::rules::{Evaluation, NotEvaluated};
pub use summary::{Coverage, Share, Summary};

/// The report's schema id, tool block and time format are the model's:
/// baselines and snapshots read and write them too.
pub use crate::model::{REPORT_SCHEMA as SCHEMA, Tool, format_time};

/// Everything one scan established: the inventory, what the rules found, and
/// what they could not judge.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Assessment {
    pub schema: String,
    pub tool: Tool,
    /// RFC 3339 time of the scan (from `SOURCE_DATE_EPOCH` when set, for reproducible reports).
    pub generated_at: String,
    pub subject: Subject,
    pub inputs: Vec<Document>,
    pub components: Vec<Component>,
    /// Dependency edges by component id: `from` depends on or contains `to`.
    pub dependencies: Vec<Edge>,
    pub findings: Vec<Finding>,
    pub not_evaluated: Vec<NotEvaluated>,
    pub summary: Summary,
    /// How registry facts were obtained (live, cache, snapshot) and their age.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Resolution>,
    /// The policy in force and the state of each exception.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<PolicyInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineInfo>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub advisories: Vec<AdvisoryDatabase>,
    /// The distribution lifecycle files read, when the product has distribution packages.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lifecycle: Vec<LifecycleData>,
    /// The command line and mode of the scan, for the reproducibility block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invocation: Option<Invocation>,
}

/// How the scan was run.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invocation {
    /// Arguments after the program name.
    pub args: Vec<String>,
    pub offline: bool,
}

impl Assessment {
    pub fn new(inv: Inventory, eval: Evaluation, generated_at: String) -> Assessment {
        let summary = Summary::new(&inv, &eval);
        Assessment {
            schema: SCHEMA.to_string(),
            tool: Tool::current(crate::rules::catalogue::RULESET_VERSION),
            generated_at,
            subject: inv.subject,
            inputs: inv.documents,
            components: inv.components,
            dependencies: inv.edges,
            findings: eval.findings,
            not_evaluated: eval.not_evaluated,
            summary,
            resolution: None,
            policy: None,
            baseline: None,
            advisories: Vec::new(),
            lifecycle: Vec::new(),
            invocation: None,
        }
    }

    /// True when some input could not be read (exit code 2).
    pub fn has_failed_input(&self) -> bool {
        self.inputs.iter().any(|d| d.error.is_some())
    }
}

/// The scan time: `SOURCE_DATE_EPOCH` when set (reproducible builds'
/// convention), else now.
pub fn scan_time() -> String {
    format_time(scan_timestamp())
}

/// The scan time as a timestamp (see [`scan_time`]), whole seconds.
pub fn scan_timestamp() -> jiff::Timestamp {
    std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .and_then(|secs| jiff::Timestamp::from_second(secs).ok())
        .unwrap_or_else(|| {
            jiff::Timestamp::from_second(jiff::Timestamp::now().as_second())
                .unwrap_or(jiff::Timestamp::UNIX_EPOCH)
        })
}
