//! What the registry-backed rules share: reaching a component's registry
//! facts (or saying precisely why there are none), naming their source as
//! evidence, and reading times and versions the way each ecosystem writes them.

use std::cmp::Ordering;

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
pub fn evidence(c: &Component, o: &Origin, key: &str, value: impl Into<String>) -> Evidence {
    Evidence::new(key, value, EvidenceSource::facts(&o.source, &c.ecosystem))
}

/// Evidence read from the component's input (SBOM or lockfile).
pub fn input_evidence(
    ctx: &super::Ctx,
    c: &Component,
    key: &str,
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

/// A version parsed enough to compare and to count majors.
#[derive(Debug, Clone)]
pub enum Version {
    Semver(semver::Version),
    Pep440(pep440_rs::Version),
}

impl Version {
    /// Parses per ecosystem: PEP 440 for PyPI, semver (with a `v` prefix for
    /// Go, lenient about missing minor/patch) for the rest. `None` for
    /// versions that follow neither (dates, distro versions…).
    pub fn parse(ecosystem: &Ecosystem, v: &str) -> Option<Version> {
        let v = v.trim();
        if *ecosystem == Ecosystem::Pypi {
            return v.parse::<pep440_rs::Version>().ok().map(Version::Pep440);
        }
        let v = v.strip_prefix('v').unwrap_or(v);
        if let Ok(s) = semver::Version::parse(v) {
            return Some(Version::Semver(s));
        }
        // `1.2` or `3`: complete with zeros, as npm and Cargo requirements read them.
        let core = v.split(['-', '+']).next().unwrap_or(v);
        let parts: Vec<&str> = core.split('.').collect();
        if parts.is_empty() || parts.len() > 3 || parts.iter().any(|p| p.parse::<u64>().is_err()) {
            return None;
        }
        let mut full = parts.join(".");
        for _ in parts.len()..3 {
            full.push_str(".0");
        }
        full.push_str(&v[core.len()..]);
        semver::Version::parse(&full).ok().map(Version::Semver)
    }

    /// The release line that breaking changes move: the major, or for a
    /// `0.x` semver version the minor (Cargo's and npm's caret rule), as a
    /// (major, minor-if-zero-major) pair so `0.3` and `1.0` differ.
    fn line(&self) -> (u64, u64) {
        match self {
            Version::Semver(s) if s.major == 0 => (0, s.minor),
            Version::Semver(s) => (s.major, 0),
            Version::Pep440(p) => (p.release().first().copied().unwrap_or(0), 0),
        }
    }

    pub fn compare(&self, other: &Version) -> Option<Ordering> {
        match (self, other) {
            (Version::Semver(a), Version::Semver(b)) => Some(a.cmp(b)),
            (Version::Pep440(a), Version::Pep440(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }

    /// How many breaking release lines `self` is behind `latest` (0 when not behind).
    pub fn lines_behind(&self, latest: &Version) -> u64 {
        let (a, b) = (self.line(), latest.line());
        if b <= a {
            0
        } else if a.0 == b.0 {
            // Both 0.x: each minor is a breaking line.
            b.1 - a.1
        } else if a.0 == 0 {
            // From 0.x to N.y: the 0.x line counts as one, then each major.
            b.0
        } else {
            b.0 - a.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_per_ecosystem() {
        let v = |e: Ecosystem, s: &str| Version::parse(&e, s).unwrap();
        assert_eq!(
            v(Ecosystem::Npm, "1.2").compare(&v(Ecosystem::Npm, "1.10.0")),
            Some(Ordering::Less)
        );
        assert_eq!(
            v(Ecosystem::Golang, "v1.4.0").compare(&v(Ecosystem::Golang, "v1.3.9")),
            Some(Ordering::Greater)
        );
        assert_eq!(
            v(Ecosystem::Pypi, "2.0rc1").compare(&v(Ecosystem::Pypi, "2.0")),
            Some(Ordering::Less)
        );
        assert!(Version::parse(&Ecosystem::Npm, "r20200101-git").is_none());
    }

    #[test]
    fn breaking_lines_behind() {
        let v = |s: &str| Version::parse(&Ecosystem::Cargo, s).unwrap();
        assert_eq!(v("1.2.0").lines_behind(&v("3.0.0")), 2);
        assert_eq!(v("3.1.0").lines_behind(&v("3.0.0")), 0);
        assert_eq!(v("0.3.1").lines_behind(&v("0.5.0")), 2);
        assert_eq!(v("0.3.1").lines_behind(&v("2.0.0")), 2);
        let p = |s: &str| Version::parse(&Ecosystem::Pypi, s).unwrap();
        assert_eq!(p("1.26.4").lines_behind(&p("2.1.0")), 1);
    }

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
