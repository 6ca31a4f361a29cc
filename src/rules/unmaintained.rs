//! UNM: unmaintained components (technical support). Most of this family
//! needs registry or advisory data; what an input itself records is judged here.

use super::advisories::{NO_DATABASE, affecting, fire, ids};
use super::facts::{self, evidence, input_evidence, threshold};
use super::{Ctx, Verdict};
use crate::advisory::Kind;
use crate::model::{Component, Ecosystem, Message, Sep, Template, Version};

/// Why UNM-01 has no answer without an advisory database. The manifest part
/// (Cargo `badges.maintenance`) is never read: `cargo metadata` does not report
/// badges, and lockfiles and SBOMs do not carry them.
const UNM01_NO_DATABASE: &str = "needs an advisory database (--advisories); none was given. The manifest's maintenance badge is not read: cargo metadata does not report badges";

static DECLARED_UNMAINTAINED: Template = Template::new(
    "{component} is declared unmaintained by {advisories}{title}",
    "{component} 已被 {advisories} 声明为无人维护{title}",
);

/// UNM-01: an advisory marks the package unmaintained for the used version.
pub fn declared_unmaintained(c: &Component, ctx: &Ctx) -> Verdict {
    let Some(db) = ctx.advisories else {
        return Verdict::not_evaluated(UNM01_NO_DATABASE);
    };
    match affecting(c, db, |a, _| a.kind == Kind::Unmaintained) {
        Err(why) => Verdict::NotEvaluated(why),
        Ok(hits) if hits.is_empty() => Verdict::Pass,
        Ok(hits) => fire(
            Message::new(&DECLARED_UNMAINTAINED)
                .arg("component", c.display_name())
                .arg("advisories", ids(&hits))
                .arg(
                    "title",
                    hits[0]
                        .0
                        .title
                        .as_ref()
                        .map(|t| format!(": {t}"))
                        .unwrap_or_default(),
                ),
            c,
            &hits,
            Vec::new(),
        )
        .into(),
    }
}

static UNFIXED: Template = Template::new(
    "{component} is affected by {advisories} with no fixed version",
    "{component} 受 {advisories} 影响，且没有已修复的版本",
);

/// UNM-06: an advisory affects the used version and names no fixed version
/// at all. "Unmaintained" notices are UNM-01's: an abandoned package has no
/// fix by nature, and counting it twice would double the same signal.
pub fn unfixed_advisory(c: &Component, ctx: &Ctx) -> Verdict {
    let Some(db) = ctx.advisories else {
        return Verdict::not_evaluated(NO_DATABASE);
    };
    match affecting(c, db, |a, p| !p.has_fix() && a.kind != Kind::Unmaintained) {
        Err(why) => Verdict::NotEvaluated(why),
        Ok(hits) if hits.is_empty() => Verdict::Pass,
        Ok(hits) => fire(
            Message::new(&UNFIXED)
                .arg("component", c.display_name())
                .arg(
                    "advisories",
                    hits.iter()
                        .map(|(a, _)| format!("{} ({})", a.id, a.kind.as_str()))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            c,
            &hits,
            Vec::new(),
        )
        .into(),
    }
}

static DEPRECATED_IN_LOCKFILE: Template = Template::new(
    "{component} is deprecated by its publisher (recorded in the lockfile): {message}",
    "{component} 已被其发布者弃用（记录于锁文件）：{message}",
);
static DEPRECATED_AT_REGISTRY: Template = Template::new(
    "{component} is deprecated at its registry: {message}",
    "{component} 已在其注册表被弃用：{message}",
);

/// UNM-02: the registry deprecates the used version or the whole package (npm
/// `deprecated`, PyPI `Development Status :: 7 - Inactive` or an archived /
/// deprecated project status), or the lockfile copied such a deprecation.
pub fn deprecated(c: &Component, ctx: &Ctx) -> Verdict {
    if let Some(message) = &c.rare.deprecated {
        return Verdict::fire_sourced(
            Message::new(&DEPRECATED_IN_LOCKFILE)
                .arg("component", c.display_name())
                .arg("message", message.as_str()),
            vec![input_evidence(ctx, c, "deprecated", message.clone())],
        );
    }
    let o = match facts::found(c) {
        Ok(o) => o,
        Err(v) => return v,
    };
    match &o.deprecated {
        Some(message) => Verdict::fire_sourced(
            Message::new(&DEPRECATED_AT_REGISTRY)
                .arg("component", c.display_name())
                .arg("message", message.as_str()),
            vec![evidence(c, o, "deprecated", message.clone())],
        ),
        // npm mirrors may strip `deprecated`: only a registry that gives the
        // field for this version can pass it. The clients set `deprecated`
        // when present and leave the version's facts otherwise untouched, so
        // a listed version with no message is judged not deprecated.
        None if o.version_listed == Some(true) => Verdict::Pass,
        None => Verdict::not_evaluated(
            "the registry does not list the used version, so its deprecation is unknown",
        ),
    }
}

static YANKED: Template = Template::new(
    "{component} is yanked at its registry: the publisher withdrew this version",
    "{component} 已在其注册表被撤回：发布者撤回了此版本",
);
static NOT_PUBLISHED: Template = Template::new(
    "{component} is not published at its registry (unpublished, or never released there)",
    "{component} 未在其注册表发布（已取消发布，或从未在此发布）",
);

/// UNM-03: the used version is yanked (Cargo, PyPI) or no longer published
/// (npm unpublish, a version the registry does not list).
pub fn yanked(c: &Component, _: &Ctx) -> Verdict {
    let o = match facts::found(c) {
        Ok(o) => o,
        Err(v) => return v,
    };
    let Some(version) = c.version.as_deref() else {
        return Verdict::not_evaluated("no version to look up (see SBM-02)");
    };
    match (o.version_listed, o.yanked) {
        (_, Some(true)) => Verdict::fire_sourced(
            Message::new(&YANKED).arg("component", c.display_name()),
            vec![evidence(c, o, "yanked", format!("{version}: yes"))],
        ),
        (Some(false), _) => Verdict::fire_sourced(
            Message::new(&NOT_PUBLISHED).arg("component", c.display_name()),
            vec![evidence(c, o, "version listed", format!("{version}: no"))],
        ),
        (Some(true), Some(false)) => Verdict::Pass,
        // npm has no yanking: a listed version is a published one.
        (Some(true), None) if c.ecosystem == Ecosystem::Npm => Verdict::Pass,
        (Some(true), None) => {
            Verdict::not_evaluated("the registry does not record whether versions are yanked")
        }
        (None, _) => Verdict::not_evaluated("the registry's version list is not known"),
    }
}

static NO_RECENT_RELEASE: Template = Template::new(
    "{package}: no release of any version for {months} months (newest {newest}), at or above the {limit}-month limit",
    "{package}：已有 {months} 个月没有发布任何版本（最新为 {newest}），达到或超过 {limit} 个月的上限",
);

/// UNM-04: the newest release of any version is older than
/// `max_release_age_months`.
pub fn no_recent_release(c: &Component, ctx: &Ctx) -> Verdict {
    let o = match facts::found(c) {
        Ok(o) => o,
        Err(v) => return v,
    };
    let Some((raw, newest)) = o
        .newest_release
        .as_deref()
        .and_then(|s| Some((s, facts::parse_time(s)?)))
    else {
        return Verdict::not_evaluated("the registry gives no release times for this package");
    };
    let limit = ctx.thresholds.max_release_age_months;
    let months = facts::months_between(newest, ctx.now);
    if months < f64::from(limit) {
        return Verdict::Pass;
    }
    Verdict::fire_sourced(
        Message::new(&NO_RECENT_RELEASE)
            .arg("package", c.display_name_without_version())
            .arg("months", format!("{:.0}", months.floor()))
            .arg("newest", &raw[..raw.len().min(10)])
            .arg("limit", limit.to_string()),
        vec![
            evidence(c, o, "newest release", raw),
            threshold("max_release_age_months", format!("{limit} months")),
        ],
    )
}

static VERSION_LAG: Template = Template::new(
    "{component} lags the latest version {latest}: {reasons}",
    "{component} 落后于最新版本 {latest}：{reasons}",
);
static MAJORS_BEHIND: Template = Template::new(
    "{n} major versions behind (limit {limit})",
    "落后 {n} 个主版本（上限 {limit}）",
);
static RELEASED_BEFORE_LATEST: Template = Template::new(
    "released {months} months before the latest (limit {limit})",
    "比最新版本早 {months} 个月发布（上限 {limit}）",
);

/// UNM-05: the used version is `max_major_lag` or more breaking release
/// lines behind the latest, or was released `max_version_age_months` or more
/// before it.
pub fn version_lag(c: &Component, ctx: &Ctx) -> Verdict {
    let o = match facts::found(c) {
        Ok(o) => o,
        Err(v) => return v,
    };
    let (Some(used), Some(latest)) = (c.version.as_deref(), o.latest_version.as_deref()) else {
        return Verdict::not_evaluated("the used or the latest version is not known");
    };
    let t = ctx.thresholds;
    let parsed = (
        Version::parse_lenient(&c.ecosystem, used),
        Version::parse_lenient(&c.ecosystem, latest),
    );
    if let (Some(u), Some(l)) = &parsed
        && u.compare(l).is_some_and(|ord| ord.is_ge())
    {
        return Verdict::Pass;
    }
    let behind = match &parsed {
        (Some(u), Some(l)) => Some(u.lines_behind(l)),
        _ => None,
    };
    let age_gap = match (
        o.published.as_deref().and_then(facts::parse_time),
        o.latest_version_published
            .as_deref()
            .and_then(facts::parse_time),
    ) {
        (Some(u), Some(l)) => Some(facts::months_between(u, l)),
        _ => None,
    };
    if behind.is_none() && age_gap.is_none() {
        return Verdict::not_evaluated(
            "versions that do not compare and no release times to measure the lag",
        );
    }
    let mut why = Vec::new();
    let mut ev = vec![
        input_evidence(ctx, c, "used version", used),
        evidence(c, o, "latest version", latest),
    ];
    if let Some(n) = behind.filter(|n| *n >= u64::from(t.max_major_lag)) {
        why.push(
            Message::new(&MAJORS_BEHIND)
                .arg("n", n.to_string())
                .arg("limit", t.max_major_lag.to_string()),
        );
        ev.push(threshold(
            "max_major_lag",
            format!("{} majors", t.max_major_lag),
        ));
    }
    if let Some(m) = age_gap.filter(|m| *m >= f64::from(t.max_version_age_months)) {
        why.push(
            Message::new(&RELEASED_BEFORE_LATEST)
                .arg("months", format!("{:.0}", m.floor()))
                .arg("limit", t.max_version_age_months.to_string()),
        );
        ev.push(threshold(
            "max_version_age_months",
            format!("{} months", t.max_version_age_months),
        ));
    }
    if why.is_empty() {
        return Verdict::Pass;
    }
    Verdict::fire_sourced(
        Message::new(&VERSION_LAG)
            .arg("component", c.display_name())
            .arg("latest", latest)
            .list("reasons", why, Sep::Semicolon),
        ev,
    )
}

#[cfg(test)]
mod tests {
    use super::super::testing::{self, judge, run};
    use super::*;
    use crate::advisory::{Advisory, AdvisorySet};

    fn rustsec(informational: &str, patched: &str) -> Advisory {
        testing::rustsec(
            ("RUSTSEC-2099-0001", "old-crate", "2099-01-02"),
            informational,
            &format!("patched = [{patched}]"),
            "Old crate is old",
        )
    }

    fn crate_at(version: &str) -> Component {
        testing::crate_at("old-crate", version)
    }

    #[test]
    fn unm01_fires_on_an_unmaintained_advisory_covering_the_version() {
        let db = AdvisorySet::new(
            Vec::new(),
            vec![rustsec("informational = \"unmaintained\"", "\">= 2.0.0\"")],
        );
        match judge(declared_unmaintained, crate_at("1.4.0"), Some(&db)) {
            Verdict::Fire(f) => {
                assert_eq!(
                    f.message.to_string(),
                    "old-crate@1.4.0 is declared unmaintained by RUSTSEC-2099-0001 (2099-01-02): Old crate is old"
                );
                assert!(
                    f.sourced
                        .iter()
                        .all(|e| &*e.source.0 == "advisory:RUSTSEC-2099-0001")
                );
                assert!(
                    f.sourced
                        .iter()
                        .any(|e| e.key == "patched" && e.value == ">=2.0.0")
                );
            }
            v => panic!("{v:?}"),
        }
        // Patched version: pass. Another ecosystem: the database says nothing.
        assert_eq!(
            judge(declared_unmaintained, crate_at("2.1.0"), Some(&db)),
            Verdict::Pass
        );
        let mut npm = crate_at("1.4.0");
        npm.ecosystem = Ecosystem::Npm;
        assert!(matches!(
            judge(declared_unmaintained, npm, Some(&db)),
            Verdict::NotEvaluated(_)
        ));
        // No database: not evaluated, never passed, and the reason names the badge gap.
        match judge(declared_unmaintained, crate_at("1.4.0"), None) {
            Verdict::NotEvaluated(why) => assert!(why.contains("badge"), "{why}"),
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn unm01_ignores_vulnerabilities_and_passes_clean_packages() {
        let db = AdvisorySet::new(Vec::new(), vec![rustsec("", "")]);
        assert_eq!(
            judge(declared_unmaintained, crate_at("1.0.0"), Some(&db)),
            Verdict::Pass
        );
        let mut other = crate_at("1.0.0");
        other.name = "fresh-crate".into();
        assert_eq!(
            judge(declared_unmaintained, other, Some(&db)),
            Verdict::Pass
        );
    }

    #[test]
    fn unm06_fires_only_without_any_fix() {
        let unfixed = AdvisorySet::new(Vec::new(), vec![rustsec("", "")]);
        match judge(unfixed_advisory, crate_at("0.3.0"), Some(&unfixed)) {
            Verdict::Fire(f) => {
                assert_eq!(
                    f.message.to_string(),
                    "old-crate@0.3.0 is affected by RUSTSEC-2099-0001 (vulnerability) with no fixed version"
                );
                // The advisory id is part of the fingerprint's identity.
                assert_eq!(f.key.as_deref(), Some("RUSTSEC-2099-0001"));
                assert!(
                    f.sourced
                        .iter()
                        .any(|e| e.key == "patched" && e.value == "none")
                );
            }
            v => panic!("{v:?}"),
        }
        let fixed = AdvisorySet::new(Vec::new(), vec![rustsec("", "\">= 0.4.0\"")]);
        assert_eq!(
            judge(unfixed_advisory, crate_at("0.3.0"), Some(&fixed)),
            Verdict::Pass
        );
        // An unmaintained notice is UNM-01's, not counted again here.
        let abandoned = AdvisorySet::new(
            Vec::new(),
            vec![rustsec("informational = \"unmaintained\"", "")],
        );
        assert_eq!(
            judge(unfixed_advisory, crate_at("0.3.0"), Some(&abandoned)),
            Verdict::Pass
        );
        assert!(matches!(
            judge(unfixed_advisory, crate_at("0.3.0"), None),
            Verdict::NotEvaluated(_)
        ));
        let mut unversioned = crate_at("0.3.0");
        unversioned.version = None;
        assert!(matches!(
            judge(unfixed_advisory, unversioned, Some(&unfixed)),
            Verdict::NotEvaluated(_)
        ));
    }

    #[test]
    fn unm02_from_a_recorded_deprecation() {
        let mut c = Component::named("request");
        c.version = Some("2.88.2".into());
        assert!(matches!(
            run(deprecated, c.clone()),
            Verdict::NotEvaluated(_)
        ));
        c.rare.deprecated = Some("request has been deprecated".into());
        match run(deprecated, c) {
            Verdict::Fire(f) => assert_eq!(
                f.message.to_string(),
                "request@2.88.2 is deprecated by its publisher (recorded in the lockfile): request has been deprecated"
            ),
            v => panic!("{v:?}"),
        }
    }

    use super::super::testing::{fired, resolved};
    use crate::model::Presence;

    fn message(v: Verdict) -> String {
        match v {
            Verdict::Fire(f) => f.message.to_string(),
            v => panic!("expected a finding, got {v:?}"),
        }
    }

    #[test]
    fn unm02_at_the_registry() {
        let mut c = resolved(Ecosystem::Npm, "request", "2.88.2");
        assert_eq!(run(deprecated, c.clone()), Verdict::Pass);
        c.origin.as_mut().unwrap().deprecated = Some("request has been deprecated".into());
        let m = message(run(deprecated, c.clone()));
        assert!(m.contains("deprecated at its registry"), "{m}");
        // A version the registry does not list: its deprecation is unknown.
        let o = c.origin.as_mut().unwrap();
        o.deprecated = None;
        o.version_listed = Some(false);
        assert!(matches!(
            run(deprecated, c.clone()),
            Verdict::NotEvaluated(_)
        ));
        // No facts at all: unknown, never a pass.
        c.origin = None;
        assert!(matches!(run(deprecated, c), Verdict::NotEvaluated(_)));
    }

    #[test]
    fn unm03_yanked_or_unpublished() {
        let mut c = resolved(Ecosystem::Cargo, "time", "0.2.23");
        c.origin.as_mut().unwrap().yanked = Some(false);
        assert_eq!(run(yanked, c.clone()), Verdict::Pass);
        c.origin.as_mut().unwrap().yanked = Some(true);
        assert!(message(run(yanked, c.clone())).contains("yanked"));
        let o = c.origin.as_mut().unwrap();
        o.yanked = None;
        assert!(matches!(run(yanked, c.clone()), Verdict::NotEvaluated(_)));
        c.origin.as_mut().unwrap().version_listed = Some(false);
        assert!(message(run(yanked, c.clone())).contains("not published"));
        // npm has no yanking: listed means published.
        let n = resolved(Ecosystem::Npm, "left-pad", "1.3.0");
        assert_eq!(run(yanked, n), Verdict::Pass);
        // Unknown to the registry: OPQ-02's business, not a yank.
        c.origin.as_mut().unwrap().presence = Presence::NotFound;
        assert!(matches!(run(yanked, c), Verdict::NotEvaluated(_)));
    }

    #[test]
    fn unm04_newest_release_age() {
        let mut c = resolved(Ecosystem::Pypi, "nose", "1.3.7");
        // NOW is 2026-11-24; 24 months before is 2024-11-24.
        c.origin.as_mut().unwrap().newest_release = Some("2025-01-10T00:00:00Z".into());
        assert_eq!(run(no_recent_release, c.clone()), Verdict::Pass);
        c.origin.as_mut().unwrap().newest_release = Some("2015-06-02T03:26:07.000Z".into());
        let m = message(run(no_recent_release, c.clone()));
        assert!(
            m.contains("137 months") && m.contains("24-month limit"),
            "{m}"
        );
        c.origin.as_mut().unwrap().newest_release = None;
        assert!(matches!(
            run(no_recent_release, c),
            Verdict::NotEvaluated(_)
        ));
    }

    #[test]
    fn unm05_version_lag() {
        let mut c = resolved(Ecosystem::Npm, "chalk", "2.4.2");
        c.origin.as_mut().unwrap().latest_version = Some("3.0.0".into());
        assert_eq!(
            run(version_lag, c.clone()),
            Verdict::Pass,
            "one major behind"
        );
        c.origin.as_mut().unwrap().latest_version = Some("5.3.0".into());
        let m = message(run(version_lag, c.clone()));
        assert!(m.contains("3 major versions behind (limit 2)"), "{m}");
        // Same major, but released long before the latest.
        let mut d = resolved(Ecosystem::Cargo, "rand", "0.8.0");
        let o = d.origin.as_mut().unwrap();
        o.latest_version = Some("0.8.5".into());
        o.published = Some("2020-12-18T00:00:00Z".into());
        o.latest_version_published = Some("2024-02-14T00:00:00Z".into());
        let m = message(run(version_lag, d.clone()));
        assert!(m.contains("released 37 months before the latest"), "{m}");
        // Newer than "latest" (a prerelease channel): no lag.
        d.version = Some("0.9.0".into());
        assert_eq!(run(version_lag, d), Verdict::Pass);
        // Nothing comparable and no times: unknown.
        let mut e = resolved(Ecosystem::Golang, "example.org/m", "r20200101");
        e.origin.as_mut().unwrap().latest_version = Some("r20240101".into());
        assert!(matches!(run(version_lag, e), Verdict::NotEvaluated(_)));
        assert!(!fired(&run(
            version_lag,
            resolved(Ecosystem::Npm, "x", "1.0.0")
        )));
    }
}
