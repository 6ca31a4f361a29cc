//! `--baseline OLD_REPORT.json`: the fingerprints of an earlier report, so
//! each finding of this scan is marked new or known.

use rustc_hash::FxHashSet;
use serde::Deserialize;
use std::path::Path;

use crate::model::{InputError, Position};

/// What a baseline keeps of an earlier report.
#[derive(Clone, Debug, Default)]
pub struct Baseline {
    pub file: String,
    pub generated_at: String,
    pub fingerprints: FxHashSet<String>,
}

/// Only the parts of a `chainrisk.report/v1` file a baseline needs; the rest
/// is not read, so a report of a newer tool with more fields still works.
#[derive(Deserialize)]
struct OldReport {
    generated_at: String,
    findings: Vec<OldFinding>,
}

#[derive(Deserialize)]
struct OldFinding {
    fingerprint: String,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline, InputError> {
        let shown = path.display().to_string();
        let bytes = crate::model::document_read::read_document(path).map_err(|e| {
            InputError::in_file(
                &shown,
                None,
                format!("cannot read the baseline report: {e}"),
            )
        })?;
        Baseline::parse(&bytes, &shown)
    }

    pub fn parse(bytes: &[u8], shown: &str) -> Result<Baseline, InputError> {
        let bytes = crate::model::text::strip_utf8_bom(bytes);
        let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|e| {
            InputError::in_file(
                shown,
                Some(Position::line_col(e.line(), e.column())),
                format!(
                    "the baseline is not JSON ({e}); expected a report written by `chainrisk scan --format json`"
                ),
            )
        })?;
        let schema = value.get("schema").and_then(|s| s.as_str());
        if schema != Some(crate::model::REPORT_SCHEMA) {
            return Err(InputError::in_file(
                shown,
                None,
                format!(
                    "not a chainrisk report: its \"schema\" is {}, expected \"{}\" (write one with `chainrisk scan --format json`)",
                    schema.map_or("absent".to_string(), |s| format!("{s:?}")),
                    crate::model::REPORT_SCHEMA
                ),
            ));
        }
        let report: OldReport = serde_path_to_error::deserialize(value).map_err(|e| {
            InputError::in_file(
                shown,
                None,
                format!(
                    "a {} report, but {} is wrong: {}",
                    crate::model::REPORT_SCHEMA,
                    e.path(),
                    e.inner()
                ),
            )
        })?;
        Ok(Baseline {
            file: shown.to_string(),
            generated_at: report.generated_at,
            fingerprints: report.findings.into_iter().map(|f| f.fingerprint).collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fingerprints_and_rejects_other_files() {
        let ok = br#"{"schema":"chainrisk.report/v1","generated_at":"2026-01-01T00:00:00Z","findings":[{"fingerprint":"ab"},{"fingerprint":"cd"}],"extra":1}"#;
        let b = Baseline::parse(ok, "old.json").unwrap();
        assert_eq!(b.fingerprints.len(), 2);
        assert_eq!(b.generated_at, "2026-01-01T00:00:00Z");

        let e = Baseline::parse(br#"{"bomFormat":"CycloneDX"}"#, "bom.json")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("not a chainrisk report") && e.contains("absent"),
            "{e}"
        );
        let e = Baseline::parse(b"{\n  nope", "x.json")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("x.json:2:"), "{e}");
        let e = Baseline::parse(
            br#"{"schema":"chainrisk.report/v1","generated_at":"x","findings":[{"rule":"A"}]}"#,
            "y.json",
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.contains("findings[0]") && e.contains("fingerprint"),
            "{e}"
        );
    }
}
