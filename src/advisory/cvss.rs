//! CVSS v3.0/v3.1 base scores from a vector string, for the rating an
//! advisory gives only as a vector (RustSec `cvss`, OSV `CVSS_V3`). Other
//! CVSS versions are shown as written: v4.0 needs the specification's
//! lookup tables, and v2 ratings do not compare with today's scales.

use crate::model::Severity;

/// The base score (0.0–10.0) of a `CVSS:3.0/…` or `CVSS:3.1/…` vector;
/// `None` for another version or a vector missing a base metric.
pub fn v3_base_score(vector: &str) -> Option<f64> {
    let mut parts = vector.trim().split('/');
    if !matches!(parts.next(), Some("CVSS:3.0" | "CVSS:3.1")) {
        return None;
    }
    let (mut av, mut ac, mut pr, mut ui, mut scope_changed) = (None, None, None, None, None);
    let (mut c, mut i, mut a) = (None, None, None);
    for part in parts {
        let (key, value) = part.split_once(':')?;
        let impact = || match value {
            "H" => Some(0.56),
            "L" => Some(0.22),
            "N" => Some(0.0),
            _ => None,
        };
        match key {
            "AV" => {
                av = Some(match value {
                    "N" => 0.85,
                    "A" => 0.62,
                    "L" => 0.55,
                    "P" => 0.2,
                    _ => return None,
                })
            }
            "AC" => {
                ac = Some(match value {
                    "L" => 0.77,
                    "H" => 0.44,
                    _ => return None,
                })
            }
            "PR" => pr = Some(value),
            "UI" => {
                ui = Some(match value {
                    "N" => 0.85,
                    "R" => 0.62,
                    _ => return None,
                })
            }
            "S" => {
                scope_changed = Some(match value {
                    "U" => false,
                    "C" => true,
                    _ => return None,
                })
            }
            "C" => c = Some(impact()?),
            "I" => i = Some(impact()?),
            "A" => a = Some(impact()?),
            // Temporal and environmental metrics do not change the base score.
            _ => {}
        }
    }
    let changed = scope_changed?;
    let pr = match (pr?, changed) {
        ("N", _) => 0.85,
        ("L", false) => 0.62,
        ("L", true) => 0.68,
        ("H", false) => 0.27,
        ("H", true) => 0.5,
        _ => return None,
    };
    let iss = 1.0 - (1.0 - c?) * (1.0 - i?) * (1.0 - a?);
    let impact = if changed {
        7.52 * (iss - 0.029) - 3.25 * (iss - 0.02f64).powi(15)
    } else {
        6.42 * iss
    };
    if impact <= 0.0 {
        return Some(0.0);
    }
    let exploitability = 8.22 * av? * ac? * pr * ui?;
    let sum = if changed {
        1.08 * (impact + exploitability)
    } else {
        impact + exploitability
    };
    Some(round_up(sum.min(10.0)))
}

/// CVSS v3.1 `Roundup`: the smallest one-decimal number at or above `x`,
/// computed on integers so that 4.000000001 stays 4.0.
fn round_up(x: f64) -> f64 {
    let int = (x * 100_000.0).round() as i64;
    if int % 10_000 == 0 {
        int as f64 / 100_000.0
    } else {
        ((int / 10_000) + 1) as f64 / 10.0
    }
}

/// The qualitative rating of a CVSS v3 score (specification table 14); a
/// score of 0.0 ("none") is informational.
pub fn rating(score: f64) -> Severity {
    match score {
        s if s >= 9.0 => Severity::Critical,
        s if s >= 7.0 => Severity::High,
        s if s >= 4.0 => Severity::Medium,
        s if s > 0.0 => Severity::Low,
        _ => Severity::Info,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_scores_match_the_specification_examples() {
        let score = |v: &str| v3_base_score(v).unwrap();
        assert_eq!(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"), 9.8);
        assert_eq!(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"), 10.0);
        assert_eq!(score("CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:H"), 5.9);
        assert_eq!(score("CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N"), 5.5);
        assert_eq!(score("CVSS:3.0/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"), 6.1);
        assert_eq!(score("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N"), 6.4);
        assert_eq!(score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"), 0.0);
        // Temporal metrics are ignored.
        assert_eq!(
            score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O"),
            9.8
        );
    }

    #[test]
    fn other_versions_and_broken_vectors_have_no_score() {
        assert_eq!(
            v3_base_score("CVSS:4.0/AV:N/AC:H/AT:N/PR:L/UI:A/VC:N/VI:N/VA:H/SC:N/SI:N/SA:H"),
            None
        );
        assert_eq!(v3_base_score("AV:N/AC:L/Au:N/C:P/I:P/A:P"), None);
        assert_eq!(
            v3_base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H"),
            None
        );
        assert_eq!(
            v3_base_score("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            None
        );
        assert_eq!(v3_base_score("CVSS:3.1/garbage"), None);
    }

    #[test]
    fn ratings_follow_the_score_bands() {
        assert_eq!(rating(9.0), Severity::Critical);
        assert_eq!(rating(8.9), Severity::High);
        assert_eq!(rating(4.0), Severity::Medium);
        assert_eq!(rating(0.1), Severity::Low);
        assert_eq!(rating(0.0), Severity::Info);
    }
}
