//! Advisory matching shared by the rules that read advisory databases:
//! UNM-01 (unmaintained notices), UNM-06 (no fix exists) and DEL-10 (a fix
//! exists but is not applied).

use std::borrow::Cow;

use super::Fire;
use crate::advisory::{Advisory, AdvisorySet, AffectedPackage, Match};
use crate::model::{Component, Ecosystem, Evidence, EvidenceSource, Message};

/// Why an advisory rule has no answer without a database.
pub(super) const NO_DATABASE: &str = "needs an advisory database (--advisories); none was given";

/// The advisories of `db` that affect the component's version, filtered by
/// `wanted`; `Err` when there is no answer (database silent on the
/// ecosystem, no version, a version the advisory cannot be compared with).
pub(super) fn affecting<'a>(
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
pub(super) fn advisory_evidence(hits: &[(&Advisory, &AffectedPackage)]) -> Vec<Evidence> {
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

/// A finding on the advisories `hits`, with `extra` evidence after theirs.
pub(super) fn fire(
    message: Message,
    c: &Component,
    hits: &[(&Advisory, &AffectedPackage)],
    extra: Vec<Evidence>,
) -> Fire {
    Fire {
        message,
        evidence: vec![("version".into(), c.version.clone().unwrap_or_default())],
        sourced: {
            let mut sourced = advisory_evidence(hits);
            sourced.extend(extra);
            sourced
        },
        severity: None,
        // The advisories are part of the finding's identity: a new advisory
        // on an already flagged package is a new finding for a baseline,
        // while a version bump within the same advisory is not.
        key: Some({
            let mut ids: Vec<&str> = hits.iter().map(|(a, _)| a.id.as_str()).collect();
            ids.sort_unstable();
            ids.dedup();
            ids.join(",")
        }),
    }
}

pub(super) fn ids(hits: &[(&Advisory, &AffectedPackage)]) -> String {
    hits.iter()
        .map(|(a, _)| match &a.date {
            Some(d) => format!("{} ({d})", a.id),
            None => a.id.clone(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}
