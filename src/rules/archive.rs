//! Distribution packages judged against their release's archive indexes
//! (the facts `ArchiveFacts` holds): DEL-08 (a newer build is published for
//! the release), UNM-09 (dropped from the development suites, or orphaned),
//! and the distribution side of OPQ-01, OPQ-02, CON-01 and DEL-02, which the
//! family rules hand over to this file for deb, rpm, apk and opkg.

use std::cmp::Ordering;

use super::{Ctx, Fire, Verdict};
use crate::model::{
    ArchiveBuild, ArchiveFacts, Channel, Component, Evidence, EvidenceSource, Hash, HashAlg,
    Message, Origin, Presence, Sep, Severity, Template, Version, parse_purl,
};

static UPDATE_NOT_APPLIED: Template = Template::new(
    "{package} {installed} is not the release's current build: {newer} is published for {release}{channel}",
    "{package} {installed} 不是该发行版本的当前构建：已为 {release} 发布了 {newer}{channel}",
);
static UPDATES_NOT_APPLIED: Template = Template::new(
    "{package} {installed} is not the release's current build: {newer} are published for {release}{channel}",
    "{package} {installed} 不是该发行版本的当前构建：已为 {release} 发布了 {newer}{channel}",
);
static NEWER_BUILD: Template = Template::new("{version} in {suite}", "{suite} 中的 {version}");
static THROUGH_SECURITY: Template =
    Template::new(" through the security channel", "（经安全更新渠道）");
static NOT_IN_ARCHIVE: Template = Template::new(
    "{package} is not in the archive of {release}: not a package the distribution builds",
    "{package} 不在 {release} 的软件仓库中：不是该发行版构建的软件包",
);
static NOT_A_BUILD_OF_RELEASE: Template = Template::new(
    "{package} {installed} is not a build of {release}: the archive's newest is {newest} in {suite} (a vendor or local rebuild)",
    "{package} {installed} 不是 {release} 的构建：软件仓库中最新的是 {suite} 中的 {newest}（供应商或本地重新构建）",
);
static ORPHANED: Template = Template::new(
    "source package {source} is orphaned: its maintainer is the distribution's QA team ({maintainer})",
    "源码包 {source} 已无人维护：其维护者是发行版的 QA 团队（{maintainer}）",
);
static DROPPED: Template = Template::new(
    "source package {source} is in none of the distribution's development suites: dropped from the next release of {distro}",
    "源码包 {source} 不在发行版的任何开发套件中：已从 {distro} 的下一个版本中移除",
);
static SINGLE_MAINTAINER: Template = Template::new(
    "{package} has a single maintainer in {release} ({maintainer}) and no uploaders: at or below the limit of 1",
    "{package} 在 {release} 中只有一名维护者（{maintainer}），且没有上传者：达到或低于 1 名的下限",
);
static NO_SOURCE_REPOSITORY: Template = Template::new(
    "{package} names no source repository: the archive gives neither a Vcs field nor a Homepage, and the SBOM no VCS reference",
    "{package} 未指明源代码仓库：软件仓库既没有 Vcs 字段也没有 Homepage，SBOM 中也没有 VCS 引用",
);

const NO_RELEASE: &str = "the distribution release the package was built for is unknown (no purl `distro` qualifier, operating-system component or os-release)";
const NOT_RESOLVED: &str = "needs the release's archive indexes; the distribution archive was not resolved (see the report's resolution block)";
const NO_DEVELOPMENT_INDEXES: &str = "needs the distribution's development suites (Debian's unstable, Ubuntu's next series, Alpine's edge); they were not read";
const NO_MAINTAINER: &str = "the archive index gives no maintainer for this package";
const NO_BUILDS: &str =
    "the archive lists no build of this package for the component's architecture";

/// The component's archive facts, or why a distribution rule cannot judge it.
pub fn facts(c: &Component) -> Result<(&Origin, &ArchiveFacts), Verdict> {
    // A source package is judged through the binaries built from it.
    if c.is_source_package() {
        return Err(Verdict::Pass);
    }
    if c.release.is_none() {
        return Err(Verdict::not_evaluated(NO_RELEASE));
    }
    let origin = c
        .origin
        .as_deref()
        .ok_or_else(|| Verdict::not_evaluated(NOT_RESOLVED))?;
    match &origin.archive {
        Some(a) => Ok((origin, a)),
        None if origin.presence == Presence::NotFound => Err(Verdict::Pass),
        None => Err(Verdict::not_evaluated(NOT_RESOLVED)),
    }
}

/// The builds that stand for the release itself: the release suite, its
/// updates and security suites (not backports, not development), of the
/// component's architecture or `all`.
fn release_builds<'a>(
    c: &Component,
    a: &'a ArchiveFacts,
) -> impl Iterator<Item = &'a ArchiveBuild> {
    let arch = architecture(c);
    a.builds.iter().filter(move |b| {
        matches!(
            b.channel,
            Some(Channel::Release | Channel::Updates | Channel::Security) | None
        ) && match (&arch, &b.architecture) {
            (Some(want), Some(have)) => have == want || have == "all",
            _ => true,
        }
    })
}

fn architecture(c: &Component) -> Option<String> {
    let purl = parse_purl(c.purl.as_deref()?).ok()?;
    purl.qualifier("arch").map(str::to_string)
}

fn compare(c: &Component, a: &str, b: &str) -> Option<Ordering> {
    let va = Version::parse(&c.ecosystem, a)?;
    let vb = Version::parse(&c.ecosystem, b)?;
    va.compare(&vb)
}

/// The evidence source of one build: the index that listed it.
fn build_source(a: &ArchiveFacts, o: &Origin, c: &Component, b: &ArchiveBuild) -> EvidenceSource {
    let prefix = format!("archive:{}/", b.suite);
    a.indexes
        .iter()
        .find(|i| i.starts_with(&prefix))
        .map(|i| EvidenceSource(i.as_str().into()))
        .unwrap_or_else(|| EvidenceSource::facts(&o.source, &c.ecosystem))
}

/// DEL-08: a newer build of the same package is published for the same release.
pub fn update_not_applied(c: &Component, _: &Ctx) -> Verdict {
    if !c.ecosystem.is_distribution() || c.is_source_package() {
        return Verdict::Pass;
    }
    let (o, a) = match facts(c) {
        Ok(f) => f,
        Err(v) => return v,
    };
    let Some(installed) = c.version.as_deref() else {
        return Verdict::not_evaluated("the component has no version");
    };
    let mut newer: Vec<&ArchiveBuild> = release_builds(c, a)
        .filter(|b| compare(c, &b.version, installed) == Some(Ordering::Greater))
        .collect();
    if newer.is_empty() {
        return Verdict::Pass;
    }
    newer.sort_by(|x, y| compare(c, &y.version, &x.version).unwrap_or(Ordering::Equal));
    let security = newer.iter().any(|b| b.channel == Some(Channel::Security));
    let listed: Vec<Message> = newer
        .iter()
        .map(|b| {
            Message::new(&NEWER_BUILD)
                .arg("version", b.version.as_str())
                .arg("suite", b.suite.as_str())
        })
        .collect();
    let mut sourced = vec![Evidence::new(
        "installed version",
        installed.to_string(),
        EvidenceSource::inventory(),
    )];
    for b in &newer {
        sourced.push(Evidence::new(
            format!("newer build in {}", b.suite),
            b.version.clone(),
            build_source(a, o, c, b),
        ));
    }
    Verdict::Fire(Fire {
        message: Message::new(if newer.len() == 1 {
            &UPDATE_NOT_APPLIED
        } else {
            &UPDATES_NOT_APPLIED
        })
        .arg("package", c.name.as_str())
        .arg("installed", installed)
        .list("newer", listed, Sep::Comma)
        .arg("release", a.release.label())
        .phrase(
            "channel",
            if security {
                Message::new(&THROUGH_SECURITY)
            } else {
                Message::data("")
            },
        ),
        evidence: Vec::new(),
        sourced,
        key: None,
        severity: Some(if security {
            Severity::High
        } else {
            Severity::Medium
        }),
    })
}

/// OPQ-02 for a distribution package: unknown to the release's archive, or
/// a version above every build the archive publishes (a vendor or local
/// build). A version below is superseded, which is DEL-08's.
pub fn not_built_by_distribution(c: &Component) -> Verdict {
    if c.is_source_package() {
        return Verdict::Pass;
    }
    if c.release.is_none() {
        return Verdict::not_evaluated(NO_RELEASE);
    }
    let Some(o) = c.origin.as_deref() else {
        return Verdict::not_evaluated(NOT_RESOLVED);
    };
    let release = c.release.as_ref().map(|r| r.label()).unwrap_or_default();
    if o.presence == Presence::NotFound {
        return Verdict::fire_sourced(
            Message::new(&NOT_IN_ARCHIVE)
                .arg("package", c.name.as_str())
                .arg("release", release.as_str()),
            vec![Evidence::new(
                "archive answer",
                "not found",
                EvidenceSource::facts(&o.source, &c.ecosystem),
            )],
        );
    }
    let Some(a) = &o.archive else {
        return Verdict::not_evaluated(NOT_RESOLVED);
    };
    let Some(installed) = c.version.as_deref() else {
        return Verdict::not_evaluated("the component has no version");
    };
    let listed = a
        .builds
        .iter()
        .any(|b| compare(c, &b.version, installed) == Some(Ordering::Equal));
    if !listed && !a.unread.is_empty() {
        return Verdict::not_evaluated(format!(
            "some of the release's indexes could not be read ({}); the build in use may be in them",
            a.unread.join("; ")
        ));
    }
    if a.builds
        .iter()
        .any(|b| compare(c, &b.version, installed) == Some(Ordering::Equal))
    {
        return Verdict::Pass;
    }
    let newest = release_builds(c, a)
        .max_by(|x, y| compare(c, &x.version, &y.version).unwrap_or(Ordering::Equal));
    let Some(newest) = newest else {
        return Verdict::not_evaluated(NO_BUILDS);
    };
    match compare(c, installed, &newest.version) {
        Some(Ordering::Greater) => Verdict::fire_sourced(
            Message::new(&NOT_A_BUILD_OF_RELEASE)
                .arg("package", c.name.as_str())
                .arg("installed", installed)
                .arg("release", release.as_str())
                .arg("newest", newest.version.as_str())
                .arg("suite", newest.suite.as_str()),
            vec![
                Evidence::new(
                    "installed version",
                    installed.to_string(),
                    EvidenceSource::inventory(),
                ),
                Evidence::new(
                    format!("newest build in {}", newest.suite),
                    newest.version.clone(),
                    build_source(a, o, c, newest),
                ),
            ],
        ),
        Some(_) => Verdict::Pass,
        None => Verdict::not_evaluated(
            "the version does not parse under the distribution's version rules",
        ),
    }
}

/// UNM-09: the source is in neither development suite, or the QA team maintains it.
pub fn dropped_by_distribution(c: &Component, _: &Ctx) -> Verdict {
    if !c.ecosystem.is_distribution() {
        return Verdict::Pass;
    }
    let (o, a) = match facts(c) {
        Ok(f) => f,
        Err(v) => return v,
    };
    let source = a
        .source
        .as_ref()
        .map(|s| s.name.clone())
        .or_else(|| c.source_package.as_ref().map(|s| s.name.clone()))
        .unwrap_or_else(|| c.name.clone());
    let src = EvidenceSource::facts(&o.source, &c.ecosystem);
    if let Some(m) = a.maintainer.as_deref().filter(|m| is_qa_team(m)) {
        return Verdict::fire_sourced(
            Message::new(&ORPHANED)
                .arg("source", source.as_str())
                .arg("maintainer", m),
            vec![Evidence::new("maintainer", m.to_string(), src)],
        );
    }
    match a.in_development {
        Some(true) => Verdict::Pass,
        Some(false) => Verdict::fire_sourced(
            Message::new(&DROPPED)
                .arg("source", source.as_str())
                .arg("distro", a.release.distro.to_string()),
            vec![Evidence::new("in development suites", "no", src)],
        ),
        None => Verdict::not_evaluated(NO_DEVELOPMENT_INDEXES),
    }
}

/// Debian's "Debian QA Group": the maintainer of orphaned packages.
fn is_qa_team(maintainer: &str) -> bool {
    maintainer.to_ascii_lowercase().contains("qa group")
}

/// A maintainer field naming a team or list rather than one person.
fn is_team(maintainer: &str) -> bool {
    let m = maintainer.to_ascii_lowercase();
    [
        "team",
        "maintainers",
        "group",
        "packagers",
        "@lists.",
        "pkg-",
        "-devel@",
        "developers",
    ]
    .iter()
    .any(|w| m.contains(w))
}

/// CON-01 for a distribution package: one person as Maintainer and no Uploaders.
pub fn single_maintainer(c: &Component) -> Verdict {
    let (o, a) = match facts(c) {
        Ok(f) => f,
        Err(v) => return v,
    };
    let Some(m) = a.maintainer.as_deref() else {
        return Verdict::not_evaluated(NO_MAINTAINER);
    };
    if is_team(m) || !a.uploaders.is_empty() {
        return Verdict::Pass;
    }
    Verdict::fire_sourced(
        Message::new(&SINGLE_MAINTAINER)
            .arg("package", c.name.as_str())
            .arg("release", a.release.label())
            .arg("maintainer", m),
        vec![
            Evidence::new(
                "maintainer",
                m.to_string(),
                EvidenceSource::facts(&o.source, &c.ecosystem),
            ),
            Evidence::new(
                "uploaders",
                "none",
                EvidenceSource::facts(&o.source, &c.ecosystem),
            ),
        ],
    )
}

/// OPQ-01 for a distribution package: no `Vcs-*` and no `Homepage` field.
pub fn no_source_repository(c: &Component) -> Verdict {
    let (o, a) = match facts(c) {
        Ok(f) => f,
        Err(v) => return v,
    };
    if !a.vcs.is_empty() || a.homepage.is_some() {
        return Verdict::Pass;
    }
    Verdict::fire_sourced(
        Message::new(&NO_SOURCE_REPOSITORY).arg("package", c.name.as_str()),
        vec![Evidence::new(
            "archive Vcs/Homepage",
            "absent",
            EvidenceSource::facts(&o.source, &c.ecosystem),
        )],
    )
}

/// The archive's SHA-256 of the component's own build (same version and
/// architecture), for DEL-02.
pub fn checksums(c: &Component, a: &ArchiveFacts) -> Vec<Hash> {
    let Some(v) = c.version.as_deref() else {
        return Vec::new();
    };
    let arch = architecture(c);
    a.builds
        .iter()
        .filter(|b| compare(c, &b.version, v) == Some(Ordering::Equal))
        .filter(|b| match (&arch, &b.architecture) {
            (Some(want), Some(have)) => have == want || have == "all",
            _ => true,
        })
        .filter_map(|b| b.sha256.clone())
        .map(|value| Hash {
            alg: HashAlg::Sha256,
            value,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DistroRelease, Ecosystem, FactSource, SourcePackage};

    fn build(suite: &str, channel: Channel, version: &str) -> ArchiveBuild {
        ArchiveBuild {
            suite: suite.into(),
            channel: Some(channel),
            version: version.into(),
            architecture: Some("amd64".into()),
            sha256: Some(format!("{:0>64}", version.len())),
            built: None,
        }
    }

    fn bookworm() -> DistroRelease {
        DistroRelease {
            distro: "debian".into(),
            version: Some("12".into()),
            codename: Some("bookworm".into()),
        }
    }

    fn deb(name: &str, version: &str, archive: Option<ArchiveFacts>) -> Component {
        let mut c = Component::default();
        c.set_purl(&format!(
            "pkg:deb/debian/{name}@{version}?arch=amd64&distro=bookworm"
        ))
        .unwrap();
        c.release = Some(Box::new(bookworm()));
        c.source_package = Some(Box::new(SourcePackage {
            name: name.into(),
            version: None,
        }));
        let mut o = crate::rules::testing::resolved(Ecosystem::Deb, name, version)
            .origin
            .unwrap();
        o.source = FactSource::Live {
            fetched_at: "2026-12-03T00:00:00Z".into(),
        };
        o.archive = archive;
        c.origin = Some(o);
        c
    }

    fn archive(builds: Vec<ArchiveBuild>) -> ArchiveFacts {
        ArchiveFacts {
            release: bookworm(),
            builds,
            maintainer: Some("Jane Doe <jane@example.org>".into()),
            in_development: Some(true),
            indexes: vec![
                "archive:bookworm/main/binary-amd64/Packages@2026-12-03T00:00:00Z".into(),
                "archive:bookworm-security/main/binary-amd64/Packages@2026-12-03T00:00:00Z".into(),
            ],
            ..ArchiveFacts::default()
        }
    }

    fn judge(c: &Component, rule: fn(&Component, &Ctx) -> Verdict) -> Verdict {
        let inv = crate::model::Inventory::default();
        let t = crate::rules::Thresholds::default();
        let ctx = crate::rules::testing::ctx(&inv, &t);
        rule(c, &ctx)
    }

    #[test]
    fn del08_is_high_for_a_security_update_and_medium_for_a_point_release() {
        let a = archive(vec![
            build("bookworm", Channel::Release, "3.0.11-1~deb12u2"),
            build("bookworm-security", Channel::Security, "3.0.17-1~deb12u2"),
        ]);
        let Verdict::Fire(f) = judge(
            &deb("libssl3", "3.0.11-1~deb12u2", Some(a.clone())),
            update_not_applied,
        ) else {
            panic!()
        };
        assert_eq!(f.severity, Some(Severity::High));
        assert_eq!(
            f.message.to_string(),
            "libssl3 3.0.11-1~deb12u2 is not the release's current build: 3.0.17-1~deb12u2 in bookworm-security is published for debian 12 (bookworm) through the security channel"
        );
        assert!(
            f.sourced
                .iter()
                .any(|e| e.source.0.starts_with("archive:bookworm-security/"))
        );
        assert_eq!(
            judge(
                &deb("libssl3", "3.0.17-1~deb12u2", Some(a)),
                update_not_applied
            ),
            Verdict::Pass
        );
        let point = archive(vec![
            build("bookworm", Channel::Release, "1.2-1+deb12u1"),
            build("bookworm-updates", Channel::Updates, "1.2-1+deb12u2"),
        ]);
        let Verdict::Fire(f) = judge(&deb("tzdata", "1.2-1", Some(point)), update_not_applied)
        else {
            panic!()
        };
        assert_eq!(f.severity, Some(Severity::Medium));
    }

    #[test]
    fn del08_ignores_backports_and_development_builds() {
        let a = archive(vec![
            build("bookworm", Channel::Release, "2.0-1"),
            build("bookworm-backports", Channel::Backports, "3.0-1~bpo12+1"),
            build("unstable", Channel::Development, "4.0-1"),
        ]);
        assert_eq!(
            judge(&deb("x", "2.0-1", Some(a)), update_not_applied),
            Verdict::Pass
        );
    }

    #[test]
    fn del08_and_opq02_are_not_evaluated_without_archive_facts_or_release() {
        let mut c = deb("x", "1.0-1", None);
        assert_eq!(
            judge(&c, update_not_applied),
            Verdict::not_evaluated(NOT_RESOLVED)
        );
        c.release = None;
        assert_eq!(
            not_built_by_distribution(&c),
            Verdict::not_evaluated(NO_RELEASE)
        );
        let mut npm = Component::named("left-pad");
        npm.ecosystem = Ecosystem::Npm;
        assert_eq!(
            judge(&npm, update_not_applied),
            Verdict::Pass,
            "not applicable"
        );
    }

    #[test]
    fn opq02_fires_above_the_archive_and_never_below_it() {
        let a = archive(vec![build("bookworm", Channel::Release, "1.2-3")]);
        let Verdict::Fire(f) =
            not_built_by_distribution(&deb("x", "1.2-3+vendor1", Some(a.clone())))
        else {
            panic!()
        };
        assert!(
            f.message.to_string().contains("a vendor or local rebuild"),
            "{}",
            f.message.to_string()
        );
        assert_eq!(
            not_built_by_distribution(&deb("x", "1.2-2", Some(a.clone()))),
            Verdict::Pass,
            "superseded: DEL-08's"
        );
        assert_eq!(
            not_built_by_distribution(&deb("x", "1.2-3", Some(a))),
            Verdict::Pass
        );
        let mut gone = deb("x", "1.0-1", None);
        gone.origin.as_mut().unwrap().presence = Presence::NotFound;
        assert!(matches!(not_built_by_distribution(&gone), Verdict::Fire(_)));
    }

    #[test]
    fn opq02_is_not_evaluated_when_an_index_of_the_release_was_not_read() {
        // Only the security suite was read; the point release's newer build
        // may be in the unread release index: no "vendor rebuild" claim.
        let mut a = archive(vec![build(
            "bookworm-security",
            Channel::Security,
            "2.36-9+deb12u7",
        )]);
        a.unread = vec!["bookworm/main/binary-amd64/Packages.xz: truncated".into()];
        let v = not_built_by_distribution(&deb("libc6", "2.36-9+deb12u14", Some(a.clone())));
        assert!(
            matches!(v, Verdict::NotEvaluated(ref why) if why.contains("truncated")),
            "{v:?}"
        );
        // A build the read indexes do list is still judged.
        assert_eq!(
            not_built_by_distribution(&deb("libc6", "2.36-9+deb12u7", Some(a))),
            Verdict::Pass
        );
    }

    #[test]
    fn unm09_fires_for_dropped_and_orphaned_sources() {
        let mut dropped = archive(vec![build("bookworm", Channel::Release, "1.0-1")]);
        dropped.in_development = Some(false);
        let Verdict::Fire(f) = judge(
            &deb("x", "1.0-1", Some(dropped.clone())),
            dropped_by_distribution,
        ) else {
            panic!()
        };
        assert!(
            f.message
                .to_string()
                .contains("none of the distribution's development suites"),
            "{}",
            f.message.to_string()
        );
        let mut orphan = dropped.clone();
        orphan.in_development = Some(true);
        orphan.maintainer = Some("Debian QA Group <qa@example.org>".into());
        assert!(matches!(
            judge(&deb("x", "1.0-1", Some(orphan)), dropped_by_distribution),
            Verdict::Fire(_)
        ));
        let mut unknown = dropped;
        unknown.in_development = None;
        assert_eq!(
            judge(&deb("x", "1.0-1", Some(unknown)), dropped_by_distribution),
            Verdict::not_evaluated(NO_DEVELOPMENT_INDEXES)
        );
    }

    #[test]
    fn con01_a_team_or_uploaders_is_not_a_single_maintainer() {
        let one = archive(Vec::new());
        assert!(matches!(
            single_maintainer(&deb("x", "1", Some(one.clone()))),
            Verdict::Fire(_)
        ));
        let mut uploaders = one.clone();
        uploaders.uploaders = vec!["John Roe <john@example.org>".into()];
        assert_eq!(
            single_maintainer(&deb("x", "1", Some(uploaders))),
            Verdict::Pass
        );
        let mut team = one;
        team.maintainer = Some("Debian OpenSSL Team <pkg-openssl-devel@example.org>".into());
        assert_eq!(single_maintainer(&deb("x", "1", Some(team))), Verdict::Pass);
    }

    #[test]
    fn opq01_needs_vcs_or_homepage_and_del02_compares_the_own_build() {
        let bare = archive(vec![build("bookworm", Channel::Release, "1.0-1")]);
        assert!(matches!(
            no_source_repository(&deb("x", "1.0-1", Some(bare.clone()))),
            Verdict::Fire(_)
        ));
        let mut home = bare.clone();
        home.homepage = Some("https://example.org/x".into());
        assert_eq!(
            no_source_repository(&deb("x", "1.0-1", Some(home))),
            Verdict::Pass
        );
        let c = deb("x", "1.0-1", Some(bare.clone()));
        assert_eq!(checksums(&c, &bare).len(), 1);
        assert!(checksums(&deb("x", "0.9-1", None), &bare).is_empty());
    }
}
