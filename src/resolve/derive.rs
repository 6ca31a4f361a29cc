//! Package facts narrowed to one component: the [`Origin`] the rules read.
//!
//! Nothing is guessed here: a fact the registry did not give stays `None`.

use std::cmp::Ordering;
use std::str::FromStr;

use crate::model::{Ecosystem, FactSource, Origin, PackageFacts, Presence, ReleaseFacts, Version};

/// The origin of the component at `version` (`None`: the component has no version).
pub fn origin(facts: &PackageFacts, version: Option<&str>, source: FactSource) -> Origin {
    let found = facts.presence == Presence::Found;
    let release = version.and_then(|v| find_release(facts, v));
    // A distribution's suite index keeps only its newest build: an older
    // version missing from it is superseded (DEL-08), not unpublished.
    let version_listed = version
        .filter(|_| !facts.ecosystem.is_distribution())
        .map(|_| found && release.is_some());
    let latest_version = if found {
        facts
            .latest
            .clone()
            .or_else(|| highest_release(facts).map(|r| r.version.clone()))
    } else {
        None
    };
    let latest_version_published = latest_version
        .as_deref()
        .and_then(|v| find_release(facts, v))
        .and_then(|r| r.published.clone());
    Origin {
        registry: facts.registry.clone(),
        presence: facts.presence,
        version_listed,
        latest_version,
        latest_version_published,
        newest_release: newest_release(facts),
        published: release.and_then(|r| r.published.clone()),
        yanked: release.and_then(|r| r.yanked),
        deprecated: release
            .and_then(|r| r.deprecated.clone())
            .or_else(|| facts.deprecated.clone()),
        maintainers: facts.maintainers.clone(),
        organization: facts.organization.clone(),
        publisher: release.and_then(|r| r.publisher.clone()),
        earlier_publishers: release.and_then(|r| earlier_publishers(facts, r)),
        repository: facts.repository.clone(),
        license: facts.license.clone(),
        checksums: release.map(|r| r.checksums.clone()).unwrap_or_default(),
        install_scripts: release.and_then(|r| r.install_scripts),
        sdist_only: release.and_then(|r| r.sdist_only),
        archive: facts.archive.clone(),
        source,
    }
}

/// The registry's entry for `version`, compared as the ecosystem compares versions.
pub fn find_release<'a>(facts: &'a PackageFacts, version: &str) -> Option<&'a ReleaseFacts> {
    let eco = &facts.ecosystem;
    facts
        .versions
        .iter()
        .find(|r| r.version == version)
        .or_else(|| {
            facts
                .versions
                .iter()
                .find(|r| same_version(eco, &r.version, version))
        })
}

/// Whether two version strings name the same version: PEP 440 normalisation
/// for PyPI (`1.0` = `1.0.0`, `1.0-alpha1` = `1.0a1`), an optional `v` for Go,
/// exact SemVer otherwise.
pub fn same_version(eco: &Ecosystem, a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    match eco {
        Ecosystem::Pypi => match (
            pep440_rs::Version::from_str(a.trim()),
            pep440_rs::Version::from_str(b.trim()),
        ) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        },
        Ecosystem::Golang => a.trim_start_matches('v') == b.trim_start_matches('v'),
        Ecosystem::Npm | Ecosystem::Cargo => {
            let (a, b) = (a.trim().trim_start_matches(['v', '=']), b.trim());
            a == b.trim_start_matches(['v', '='])
        }
        _ => false,
    }
}

/// Orders versions as the ecosystem does; `None` when either does not parse.
pub fn compare_versions(eco: &Ecosystem, a: &str, b: &str) -> Option<Ordering> {
    Version::parse(eco, a)?.compare(&Version::parse(eco, b)?)
}

/// Whether a version is a pre-release, which a "latest" never is by default.
fn is_prerelease(eco: &Ecosystem, v: &str) -> bool {
    Version::parse(eco, v).is_some_and(|v| v.is_prerelease())
}

/// The highest listed version that is neither yanked nor a pre-release, for
/// registries that do not name a latest version (Cargo, Go).
fn highest_release(facts: &PackageFacts) -> Option<&ReleaseFacts> {
    let eco = &facts.ecosystem;
    facts
        .versions
        .iter()
        .filter(|r| r.yanked != Some(true) && !is_prerelease(eco, &r.version))
        .filter(|r| compare_versions(eco, &r.version, &r.version).is_some())
        .max_by(|a, b| compare_versions(eco, &a.version, &b.version).unwrap_or(Ordering::Equal))
}

/// A publication time as an instant, for comparing times written with
/// different precisions and offsets.
fn instant(t: &str) -> Option<jiff::Timestamp> {
    t.trim().parse::<jiff::Timestamp>().ok()
}

/// The newest publication time over all versions, as the registry wrote
/// it; for a distribution package, its newest build time where the archive
/// records one (Alpine `t:`, RPM build time).
fn newest_release(facts: &PackageFacts) -> Option<String> {
    let built = facts
        .archive
        .iter()
        .flat_map(|a| &a.builds)
        .filter_map(|b| b.built.as_deref());
    facts
        .versions
        .iter()
        .filter_map(|r| r.published.as_deref())
        .chain(built)
        .filter_map(|t| Some((instant(t)?, t)))
        .max_by_key(|(ts, _)| *ts)
        .map(|(_, t)| t.to_string())
}

/// The accounts that published versions before `release` (DEL-07); `None`
/// when the registry records no publishers or the release time is unknown.
fn earlier_publishers(facts: &PackageFacts, release: &ReleaseFacts) -> Option<Vec<String>> {
    if !facts.versions.iter().any(|r| r.publisher.is_some()) {
        return None;
    }
    let this = instant(release.published.as_deref()?)?;
    let mut names: Vec<String> = facts
        .versions
        .iter()
        .filter(|r| {
            r.published
                .as_deref()
                .and_then(instant)
                .is_some_and(|t| t < this)
        })
        .filter_map(|r| r.publisher.clone())
        .collect();
    names.sort();
    names.dedup();
    Some(names)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Hash, HashAlg};

    fn live() -> FactSource {
        FactSource::Live {
            fetched_at: "2026-01-01T00:00:00Z".into(),
        }
    }

    fn rel(v: &str, published: Option<&str>, publisher: Option<&str>) -> ReleaseFacts {
        ReleaseFacts {
            version: v.into(),
            published: published.map(str::to_string),
            publisher: publisher.map(str::to_string),
            ..ReleaseFacts::default()
        }
    }

    fn npm_facts() -> PackageFacts {
        let mut old = rel("1.0.0", Some("2020-01-01T00:00:00.000Z"), Some("alice"));
        old.checksums = vec![Hash {
            alg: HashAlg::Sha512,
            value: "ab".into(),
        }];
        let mut mid = rel("1.1.0", Some("2021-06-01T00:00:00Z"), Some("bob"));
        mid.deprecated = Some("use 2.x".into());
        mid.install_scripts = Some(true);
        let new = rel("2.0.0", Some("2024-03-01T12:00:00+01:00"), Some("mallory"));
        PackageFacts {
            ecosystem: Ecosystem::Npm,
            registry: "http://127.0.0.1:1/".into(),
            name: "pkg".into(),
            presence: Presence::Found,
            latest: Some("2.0.0".into()),
            maintainers: Some(vec!["alice".into()]),
            repository: Some("https://git.example/pkg".into()),
            license: Some("MIT".into()),
            versions: vec![old, mid, new],
            ..PackageFacts::default()
        }
    }

    #[test]
    fn narrows_package_facts_to_the_used_version() {
        let f = npm_facts();
        let o = origin(&f, Some("1.1.0"), live());
        assert_eq!(o.version_listed, Some(true));
        assert_eq!(o.published.as_deref(), Some("2021-06-01T00:00:00Z"));
        assert_eq!(o.deprecated.as_deref(), Some("use 2.x"));
        assert_eq!(o.install_scripts, Some(true));
        assert_eq!(o.publisher.as_deref(), Some("bob"));
        assert_eq!(o.earlier_publishers, Some(vec!["alice".to_string()]));
        assert_eq!(o.latest_version.as_deref(), Some("2.0.0"));
        assert_eq!(
            o.latest_version_published.as_deref(),
            Some("2024-03-01T12:00:00+01:00")
        );
        assert_eq!(
            o.newest_release.as_deref(),
            Some("2024-03-01T12:00:00+01:00")
        );
        assert_eq!(o.maintainers, Some(vec!["alice".to_string()]));
        assert_eq!(o.license.as_deref(), Some("MIT"));
        assert_eq!(o.source, live());
        assert!(o.checksums.is_empty());
        assert_eq!(origin(&f, Some("1.0.0"), live()).checksums.len(), 1);
        assert_eq!(
            origin(&f, Some("1.0.0"), live()).earlier_publishers,
            Some(vec![])
        );
        assert_eq!(
            origin(&f, Some("2.0.0"), live()).earlier_publishers,
            Some(vec!["alice".to_string(), "bob".to_string()])
        );
    }

    #[test]
    fn unknown_stays_unknown() {
        let mut f = npm_facts();
        for r in &mut f.versions {
            r.publisher = None;
        }
        f.versions[1].published = None;
        let o = origin(&f, Some("1.1.0"), live());
        assert_eq!(o.earlier_publishers, None, "no publishers recorded");
        assert_eq!(o.published, None);
        assert_eq!(o.yanked, None);
        assert_eq!(o.sdist_only, None);

        let o = origin(&f, Some("9.9.9"), live());
        assert_eq!(o.version_listed, Some(false));
        assert_eq!(o.deprecated, None);
        assert_eq!(origin(&f, None, live()).version_listed, None);
    }

    #[test]
    fn package_level_deprecation_applies_when_the_version_has_none() {
        let mut f = npm_facts();
        f.deprecated = Some("Development Status :: 7 - Inactive".into());
        assert_eq!(
            origin(&f, Some("2.0.0"), live()).deprecated.as_deref(),
            Some("Development Status :: 7 - Inactive")
        );
        assert_eq!(
            origin(&f, Some("1.1.0"), live()).deprecated.as_deref(),
            Some("use 2.x")
        );
    }

    #[test]
    fn not_found_lists_nothing() {
        let f = PackageFacts {
            ecosystem: Ecosystem::Cargo,
            registry: "r".into(),
            name: "ghost".into(),
            presence: Presence::NotFound,
            ..PackageFacts::default()
        };
        let o = origin(&f, Some("1.0.0"), live());
        assert_eq!(o.presence, Presence::NotFound);
        assert_eq!(o.version_listed, Some(false));
        assert_eq!(o.latest_version, None);
    }

    #[test]
    fn versions_compare_as_their_ecosystem_does() {
        assert!(same_version(&Ecosystem::Pypi, "1.0", "1.0.0"));
        assert!(same_version(&Ecosystem::Pypi, "1.0-alpha1", "1.0a1"));
        assert!(same_version(&Ecosystem::Pypi, "2.0.POST1", "2.0.post1"));
        assert!(!same_version(&Ecosystem::Pypi, "1.0", "1.0.1"));
        assert!(same_version(&Ecosystem::Golang, "v1.2.3", "1.2.3"));
        assert!(!same_version(&Ecosystem::Golang, "v1.2.3", "v1.2.4"));
        assert!(!same_version(&Ecosystem::Cargo, "1.0", "1.0.0"));

        let mut f = npm_facts();
        f.ecosystem = Ecosystem::Pypi;
        f.versions[0].version = "1.0".into();
        assert_eq!(
            origin(&f, Some("1.0.0"), live()).published.as_deref(),
            Some("2020-01-01T00:00:00.000Z")
        );
    }

    #[test]
    fn latest_falls_back_to_the_highest_stable_unyanked_version() {
        let mut f = npm_facts();
        f.ecosystem = Ecosystem::Cargo;
        f.latest = None;
        f.versions.push(rel("10.0.0", None, None));
        f.versions.push(rel("11.0.0-rc.1", None, None));
        let mut yanked = rel("12.0.0", None, None);
        yanked.yanked = Some(true);
        f.versions.push(yanked);
        let o = origin(&f, Some("1.0.0"), live());
        assert_eq!(o.latest_version.as_deref(), Some("10.0.0"));
        assert_eq!(o.latest_version_published, None);

        f.ecosystem = Ecosystem::Golang;
        for (i, r) in f.versions.iter_mut().enumerate() {
            r.version = format!("v{i}.0.0");
        }
        assert_eq!(
            origin(&f, None, live()).latest_version.as_deref(),
            Some("v4.0.0"),
            "v5 is yanked"
        );
    }
}
