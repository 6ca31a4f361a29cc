//! UNM: unmaintained components (technical support). Most of this family
//! needs registry or advisory data; what an input itself records is judged here.

use std::borrow::Cow;

use super::{Ctx, Fire, Verdict};
use crate::advisory::{Advisory, AdvisorySet, AffectedPackage, Kind, Match};
use crate::model::{Component, Ecosystem, Evidence, EvidenceSource};

/// Why UNM-01 has no answer without an advisory database. The manifest part
/// (Cargo `badges.maintenance`) is never read: `cargo metadata` does not report
/// badges, and lockfiles and SBOMs do not carry them.
const UNM01_NO_DATABASE: &str = "needs an advisory database (--advisories); none was given. The manifest's maintenance badge is not read: cargo metadata does not report badges";
const UNM06_NO_DATABASE: &str = "needs an advisory database (--advisories); none was given";

/// The advisories of `db` that affect the component's version, filtered by
/// `wanted`; `Err` when there is no answer (database silent on the
/// ecosystem, no version, a version the advisory cannot be compared with).
fn affecting<'a>(
    c: &Component,
    db: &'a AdvisorySet,
    wanted: impl Fn(&Advisory, &AffectedPackage) -> bool,
) -> Result<Vec<(&'a Advisory, &'a AffectedPackage)>, Cow<'static, str>> {
    if !db.covers(&c.ecosystem) {
        return Err(not_covered(&c.ecosystem));
    }
    let Some(version) = c.version.as_deref() else {
        return Err(Cow::Borrowed(
            "no version to match advisories against (see SBM-02)",
        ));
    };
    let mut hits: Vec<(&Advisory, &AffectedPackage)> = Vec::new();
    let mut unknown = None;
    for (adv, pkg) in db.for_component(c) {
        if !wanted(adv, pkg) {
            continue;
        }
        match pkg.matches(version) {
            // An OSV record may list one package in several `affected` entries.
            Match::Affected if hits.iter().any(|(a, _)| a.id == adv.id) => {}
            Match::Affected => hits.push((adv, pkg)),
            Match::NotAffected => {}
            Match::Unknown(why) => unknown = Some(format!("advisory {}: {why}", adv.id)),
        }
    }
    match (hits.is_empty(), unknown) {
        (true, Some(why)) => Err(Cow::Owned(why)),
        _ => Ok(hits),
    }
}

/// Why a database says nothing about a component: a fixed text for the
/// common ecosystems, so judging many components allocates nothing.
fn not_covered(ecosystem: &Ecosystem) -> Cow<'static, str> {
    Cow::Borrowed(match ecosystem {
        Ecosystem::Cargo => "no advisory database given covers the cargo ecosystem",
        Ecosystem::Npm => "no advisory database given covers the npm ecosystem",
        Ecosystem::Pypi => "no advisory database given covers the pypi ecosystem",
        Ecosystem::Golang => "no advisory database given covers the golang ecosystem",
        Ecosystem::Maven => "no advisory database given covers the maven ecosystem",
        Ecosystem::Nuget => "no advisory database given covers the nuget ecosystem",
        Ecosystem::Gem => "no advisory database given covers the gem ecosystem",
        Ecosystem::Unknown => {
            "the component's ecosystem is unknown, so no advisory database can speak for it"
        }
        other => {
            return Cow::Owned(format!(
                "no advisory database given covers the {} ecosystem",
                other.as_str()
            ));
        }
    })
}

/// Evidence naming each advisory (`advisory:<id>`): id, kind, date, title, fixes.
fn advisory_evidence(hits: &[(&Advisory, &AffectedPackage)]) -> Vec<Evidence> {
    let mut out = Vec::new();
    for (adv, pkg) in hits {
        let src = EvidenceSource::advisory(&adv.id);
        out.push(Evidence::new("advisory", adv.id.clone(), src.clone()));
        out.push(Evidence::new("kind", adv.kind.as_str(), src.clone()));
        if let Some(date) = &adv.date {
            out.push(Evidence::new("date", date.clone(), src.clone()));
        }
        if let Some(title) = &adv.title {
            out.push(Evidence::new("title", title.clone(), src.clone()));
        }
        let fixes = pkg.fixes();
        out.push(Evidence::new(
            "patched",
            if fixes.is_empty() {
                "none".to_string()
            } else {
                fixes
            },
            src.clone(),
        ));
        out.push(Evidence::new("file", adv.file.clone(), src));
    }
    out
}

fn fire(message: String, c: &Component, hits: &[(&Advisory, &AffectedPackage)]) -> Verdict {
    Verdict::Fire(Fire {
        message,
        evidence: vec![("version".to_string(), c.version.clone().unwrap_or_default())],
        sourced: advisory_evidence(hits),
        key: None,
    })
}

fn ids(hits: &[(&Advisory, &AffectedPackage)]) -> String {
    hits.iter()
        .map(|(a, _)| match &a.date {
            Some(d) => format!("{} ({d})", a.id),
            None => a.id.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// UNM-01: an advisory marks the package unmaintained for the used version.
pub fn declared_unmaintained(c: &Component, ctx: &Ctx) -> Verdict {
    let Some(db) = ctx.advisories else {
        return Verdict::not_evaluated(UNM01_NO_DATABASE);
    };
    match affecting(c, db, |a, _| a.kind == Kind::Unmaintained) {
        Err(why) => Verdict::NotEvaluated(why),
        Ok(hits) if hits.is_empty() => Verdict::Pass,
        Ok(hits) => fire(
            format!(
                "{} is declared unmaintained by {}{}",
                c.display_name(),
                ids(&hits),
                hits[0]
                    .0
                    .title
                    .as_ref()
                    .map(|t| format!(": {t}"))
                    .unwrap_or_default()
            ),
            c,
            &hits,
        ),
    }
}

/// UNM-06: an advisory of any kind affects the used version and names no
/// fixed version at all.
pub fn unfixed_advisory(c: &Component, ctx: &Ctx) -> Verdict {
    let Some(db) = ctx.advisories else {
        return Verdict::not_evaluated(UNM06_NO_DATABASE);
    };
    match affecting(c, db, |_, p| !p.has_fix()) {
        Err(why) => Verdict::NotEvaluated(why),
        Ok(hits) if hits.is_empty() => Verdict::Pass,
        Ok(hits) => fire(
            format!(
                "{} is affected by {} with no fixed version",
                c.display_name(),
                hits.iter()
                    .map(|(a, _)| format!("{} ({})", a.id, a.kind.as_str()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            c,
            &hits,
        ),
    }
}

/// UNM-02 (lockfile part): the input records the registry's deprecation of
/// the used version. Without that record only the registry can tell.
pub fn deprecated(c: &Component, _: &Ctx) -> Verdict {
    match &c.deprecated {
        Some(message) => Verdict::fire(
            format!(
                "{} is deprecated by its publisher: {message}",
                c.display_name()
            ),
            vec![("deprecated", message.clone())],
        ),
        None => Verdict::not_evaluated(
            "the input records no deprecation; the registry's metadata is needed, and registry resolution is not part of this scan",
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{NOW, inventory, run};
    use super::*;

    fn rustsec(informational: &str, patched: &str) -> Advisory {
        let text = format!(
            "```toml\n[advisory]\nid = \"RUSTSEC-2099-0001\"\npackage = \"old-crate\"\ndate = \"2099-01-02\"\n{informational}\n\n[versions]\npatched = [{patched}]\n```\n\n# Old crate is old\n"
        );
        crate::advisory::rustsec::parse("crates/old-crate/RUSTSEC-2099-0001.md", &text)
            .unwrap()
            .unwrap()
    }

    fn crate_at(version: &str) -> Component {
        let mut c = Component::named("old-crate");
        c.ecosystem = Ecosystem::Cargo;
        c.version = Some(version.into());
        c
    }

    fn judge(rule: super::super::ComponentRule, c: Component, db: Option<&AdvisorySet>) -> Verdict {
        let inv = inventory(vec![c]);
        let t = super::super::Thresholds::default();
        rule(
            &inv.components[0],
            &Ctx {
                inv: &inv,
                thresholds: &t,
                now: NOW,
                advisories: db,
            },
        )
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
                    f.message,
                    "old-crate@1.4.0 is declared unmaintained by RUSTSEC-2099-0001 (2099-01-02): Old crate is old"
                );
                assert!(
                    f.sourced
                        .iter()
                        .all(|e| e.source.0 == "advisory:RUSTSEC-2099-0001")
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
                    f.message,
                    "old-crate@0.3.0 is affected by RUSTSEC-2099-0001 (vulnerability) with no fixed version"
                );
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
        c.deprecated = Some("request has been deprecated".into());
        match run(deprecated, c) {
            Verdict::Fire(f) => assert_eq!(
                f.message,
                "request@2.88.2 is deprecated by its publisher: request has been deprecated"
            ),
            v => panic!("{v:?}"),
        }
    }
}
