//! Findings as CSV, one row each, for spreadsheets and ticket imports.
//!
//! Spreadsheets run a cell that starts with `=`, `+`, `-` or `@` (and, in
//! some, a tab or carriage return) as a formula; component names, messages
//! and evidence come from the inputs, so such cells get a leading `'`.
//! Control and invisible formatting characters become visible escapes
//! first: a spreadsheet that drops a leading control would otherwise run
//! the formula behind it.

use super::Assessment;
use crate::model::{BaselineState, Finding, untrusted};

pub const HEADER: [&str; 11] = [
    "rule",
    "severity",
    "category",
    "component",
    "version",
    "purl",
    "message",
    "evidence",
    "fingerprint",
    "exception",
    "baseline",
];

pub fn render(a: &Assessment) -> String {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    // Writing to a Vec cannot fail; the results are ignored on purpose.
    let _ = w.write_record(HEADER);
    for f in &a.findings {
        let _ = w.write_record(row(a, f).iter().map(|c| neutralise(c)));
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).unwrap_or_default()
}

fn row(a: &Assessment, f: &Finding) -> [String; 11] {
    let c = f.component.and_then(|id| a.components.get(id));
    let evidence: Vec<String> = f
        .evidence
        .iter()
        .map(|e| format!("{}={} ({})", e.key, e.value, e.source.0))
        .collect();
    let exception = match &f.exception {
        Some(e) => match &e.expires {
            Some(x) => format!("{} (until {x})", e.reason),
            None => e.reason.clone(),
        },
        None => String::new(),
    };
    let baseline = match f.baseline {
        Some(BaselineState::New) => "new",
        Some(BaselineState::Known) => "known",
        None => "",
    };
    [
        f.rule.clone(),
        f.severity.as_str().to_string(),
        f.category.as_str().to_string(),
        c.map(|c| c.display_name_without_version())
            .unwrap_or_else(|| "(product)".to_string()),
        c.and_then(|c| c.version.clone()).unwrap_or_default(),
        c.and_then(|c| c.purl.clone()).unwrap_or_default(),
        f.message.clone(),
        evidence.join("; "),
        f.fingerprint.clone(),
        exception,
        baseline.to_string(),
    ]
}

/// The cell as written: control and invisible formatting characters escaped,
/// then prefixed with `'` when a spreadsheet would evaluate it. Leading
/// spaces are skipped when looking (some spreadsheets trim them), and the
/// full-width `＝＋－＠` count too (some spreadsheets read them as formulas).
pub fn neutralise(cell: &str) -> String {
    let cell = untrusted::escape(cell);
    match cell.trim_start_matches(' ').chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠') => {
            format!("'{cell}")
        }
        _ => cell.into_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised() {
        for bad in ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)"] {
            assert!(neutralise(bad).starts_with('\''), "{bad:?}");
        }
        assert_eq!(neutralise("left-pad"), "left-pad");
        assert_eq!(neutralise(""), "");
    }

    /// A control before the formula hid it from the guard; a spreadsheet
    /// that drops the control then ran the formula.
    #[test]
    fn a_control_before_a_formula_does_not_hide_it() {
        assert_eq!(neutralise("\u{7}=1+1"), "\\u{7}=1+1");
        assert_eq!(
            neutralise("\u{1b}[0m=HYPERLINK(\"http://evil.example\",\"x\")"),
            "\\u{1b}[0m=HYPERLINK(\"http://evil.example\",\"x\")"
        );
        for bad in [" =1+1", "  @SUM(A1)", "＝1+1", "＋1", "－1", "＠SUM(A1)"] {
            assert!(neutralise(bad).starts_with('\''), "{bad:?}");
        }
        // Escaped, a leading tab or carriage return no longer reaches the cell.
        assert_eq!(neutralise("\tx"), "\\u{9}x");
        assert_eq!(neutralise("a\u{202e}b"), "a\\u{202e}b");
        assert_eq!(neutralise("中文 -1"), "中文 -1");
    }
}
