//! What the registry-backed rules share: reaching a component's registry
//! facts (or saying precisely why there are none), naming their source as
//! evidence, and reading times and versions the way each ecosystem writes them.

use std::borrow::Cow;

use super::Verdict;
use crate::model::{Component, Ecosystem, Evidence, EvidenceSource, Origin, Presence, SourceKind};

/// The component's registry facts for a rule that needs the package to exist
/// at its registry; otherwise the not-evaluated verdict with the reason.
pub fn found(c: &Component) -> Result<&Origin, Verdict> {
    let o = known(c)?;
    match o.presence {
        Presence::Found => Ok(o),
        Presence::NotFound => Err(Verdict::not_evaluated(
            "the package is unknown to its registry (see OPQ-02)",
        )),
    }
}

/// The component's registry facts, whether or not the registry knows it.
pub fn known(c: &Component) -> Result<&Origin, Verdict> {
    match &c.origin {
        Some(o) => Ok(o),
        None if !matches!(c.source, SourceKind::Registry { .. } | SourceKind::Unknown) => {
            Err(Verdict::not_evaluated(
                "not delivered through a registry (git, path, URL or vendored source)",
            ))
        }
        None if !c.ecosystem.has_registry() => Err(Verdict::not_evaluated(
            "no registry for this component's ecosystem",
        )),
        None => Err(Verdict::not_evaluated(
            "no registry facts for this component (no endpoint configured, offline without cached facts, or the fetch failed: see the report's resolution block)",
        )),
    }
}

/// Whether the registry's answer carries package metadata (repository,
/// licence, maintainers) at all. The Cargo sparse index gives only versions,
/// yank flags, checksums and publication times: there, a missing repository
/// is unknown, not absent.
pub fn registry_describes_packages(ecosystem: &Ecosystem) -> bool {
    *ecosystem != Ecosystem::Cargo
}

/// Evidence read from the component's registry facts, naming their source
/// and fetch time.
pub fn evidence(
    c: &Component,
    o: &Origin,
    key: impl Into<Cow<'static, str>>,
    value: impl Into<String>,
) -> Evidence {
    Evidence::new(key, value, EvidenceSource::facts(&o.source, &c.ecosystem))
}

/// Evidence read from the component's input (SBOM or lockfile).
pub fn input_evidence(
    ctx: &super::Ctx,
    c: &Component,
    key: impl Into<Cow<'static, str>>,
    value: impl Into<String>,
) -> Evidence {
    Evidence::new(key, value, super::component_source(ctx.inv, c))
}

/// Evidence about a threshold the policy sets.
pub fn threshold(key: &str, value: impl Into<String>) -> Evidence {
    Evidence::new(format!("threshold {key}"), value, EvidenceSource::policy())
}

/// An RFC 3339 time as registries write it (`Z` or an offset, fractions allowed).
pub fn parse_time(s: &str) -> Option<jiff::Timestamp> {
    s.trim().parse::<jiff::Timestamp>().ok()
}

/// Whole days from `from` to `to` (negative when `to` is earlier).
pub fn days_between(from: jiff::Timestamp, to: jiff::Timestamp) -> i64 {
    (to.as_second() - from.as_second()).div_euclid(86_400)
}

/// Months as the policy counts them: 30.44 days each, so thresholds read in
/// months compare with any two instants without calendar arithmetic.
pub fn months_between(from: jiff::Timestamp, to: jiff::Timestamp) -> f64 {
    (to.as_second() - from.as_second()) as f64 / (86_400.0 * 30.436_875)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        let a = parse_time("2024-01-01T00:00:00Z").unwrap();
        let b = parse_time("2024-01-08T12:00:00.123+00:00").unwrap();
        assert_eq!(days_between(a, b), 7);
        assert!(
            (months_between(a, parse_time("2026-01-01T00:00:00Z").unwrap()) - 24.0).abs() < 0.1
        );
        assert!(parse_time("yesterday").is_none());
    }
}
