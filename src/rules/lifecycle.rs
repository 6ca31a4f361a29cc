//! Distribution lifecycle (technical support): UNM-07, the OS release past its
//! regular security support, and UNM-08, a package whose security support the
//! distribution declares ended or limited. Both read the distributions' own
//! published data (`crate::lifecycle`); a release or package the data does
//! not list is not evaluated, never passed. Components of other ecosystems
//! are not applicable: no verdict at all.

use std::collections::BTreeMap;

use super::{Ctx, Fire, Verdict};
use crate::lifecycle::{Period, SecuritySupport};
use crate::model::{
    Component, DistroRelease, Evidence, EvidenceSource, Message, Sep, Severity, Template,
};

static RELEASE_ENDED_ONE: Template = Template::new(
    "{release} is past the end of its regular security support ({end}){tail}; {n} package of the product is built for it",
    "{release} 已过常规安全支持期（{end}）{tail}；产品中有 {n} 个软件包为其构建",
);
static RELEASE_ENDED_MANY: Template = Template::new(
    "{release} is past the end of its regular security support ({end}){tail}; {n} packages of the product are built for it",
    "{release} 已过常规安全支持期（{end}）{tail}；产品中有 {n} 个软件包为其构建",
);
/// A release named only by an operating-system component (os-release, an
/// SBOM's `operating-system`), with no distribution package built for it.
static RELEASE_ENDED_NAMED: Template = Template::new(
    "{release} is past the end of its regular security support ({end}){tail}; the product names it as its operating system, though no package of the product is known to be built for it",
    "{release} 已过常规安全支持期（{end}）{tail}；产品将其列为操作系统，但未发现产品中有为其构建的软件包",
);
static EVERY_PERIOD_ENDED: Template = Template::new(
    "; every published support period has ended",
    "，所有公布的支持期均已结束",
);
static STILL_RUNNING: Template =
    Template::new("; still running: {periods}", "；仍在进行：{periods}");
static PERIOD_UNTIL: Template = Template::new("{period} until {end}", "{period} 至 {end}");
static SUPPORT_ENDED: Template = Template::new(
    "security support for source package {source} in {release} ended on {ends}{details}",
    "源码包 {source} 在 {release} 中的安全支持已于 {ends} 结束{details}",
);
static SUPPORT_ENDS: Template = Template::new(
    "security support for source package {source} in {release} ends on {ends}{details}",
    "源码包 {source} 在 {release} 中的安全支持将于 {ends} 结束{details}",
);
static SUPPORT_LIMITED: Template = Template::new(
    "security support for source package {source} in {release} is limited{details}",
    "源码包 {source} 在 {release} 中的安全支持受限{details}",
);
static COMMUNITY_ENDED: Template = Template::new(
    "{package} is from the community repository of {release}, whose security support ended on {end}",
    "{package} 来自 {release} 的 community 仓库，其安全支持已于 {end} 结束",
);
static COMMUNITY_LIMITED: Template = Template::new(
    "{package} is from the community repository of {release}: security support is limited, it ends on {end}, before main's",
    "{package} 来自 {release} 的 community 仓库：安全支持受限，将于 {end} 结束，早于 main 仓库",
);

const NO_RELEASE: &str = "the distribution release the package was built for is unknown (no purl `distro` qualifier, operating-system component or os-release)";
const RELEASE_NOT_LISTED: &str = "the distribution's lifecycle data does not list this release";
const NO_SOURCE: &str = "the package's source package is unknown (the lists are by source package)";
const NO_LISTS: &str = "no security-support list is published for this release or distribution";

/// UNM-07: one verdict per release in use, from the packages built for it
/// and the operating-system components; the count is of binary packages
/// (what is installed), not the source packages an SBOM may list too.
pub fn release_out_of_support(ctx: &Ctx) -> Vec<Verdict> {
    let today = jiff::tz::TimeZone::UTC.to_datetime(ctx.now).date();
    let mut in_use: BTreeMap<DistroRelease, usize> = BTreeMap::new();
    let mut unknown = 0usize;
    for c in &ctx.inv.components {
        match (c.release.as_deref(), c.ecosystem.is_distribution()) {
            (Some(r), true) if !c.is_source_package() => *in_use.entry(r.clone()).or_default() += 1,
            (Some(r), _) => {
                in_use.entry(r.clone()).or_default();
            }
            (None, true) => unknown += 1,
            (None, false) => {}
        }
    }
    let mut out: Vec<Verdict> = Vec::new();
    if unknown > 0 && in_use.is_empty() {
        out.push(Verdict::not_evaluated(NO_RELEASE));
    }
    for (release, packages) in in_use {
        let Some((life, data)) = ctx.lifecycle.release(&release) else {
            out.push(Verdict::not_evaluated(RELEASE_NOT_LISTED));
            continue;
        };
        let Some(&(_, regular_end)) = life.periods.iter().find(|(p, _)| *p == Period::Regular)
        else {
            // A development release (sid) or one the data gives no end for.
            out.push(Verdict::Pass);
            continue;
        };
        if today <= regular_end {
            out.push(Verdict::Pass);
            continue;
        }
        let source = EvidenceSource::lifecycle(&data.file, data.as_of.as_deref());
        let running: Vec<Message> = life
            .periods
            .iter()
            .filter(|(p, end)| *p != Period::Regular && today <= *end)
            .map(|(p, end)| {
                Message::new(&PERIOD_UNTIL)
                    .arg("period", p.label())
                    .arg("end", end.to_string())
            })
            .collect();
        let label = release.label();
        let all_ended = running.is_empty();
        let tail = if all_ended {
            Message::new(&EVERY_PERIOD_ENDED)
        } else {
            Message::new(&STILL_RUNNING).list("periods", running, Sep::Comma)
        };
        let mut evidence = vec![
            Evidence::new("release", label.clone(), source.clone()),
            Evidence::new(
                "regular security support ended",
                regular_end.to_string(),
                source.clone(),
            ),
        ];
        for (p, end) in life.periods.iter().filter(|(p, _)| *p != Period::Regular) {
            evidence.push(Evidence::new(
                format!("{} ends", p.label()),
                end.to_string(),
                source.clone(),
            ));
        }
        evidence.push(Evidence::new(
            "packages built for it",
            packages.to_string(),
            EvidenceSource::inventory(),
        ));
        out.push(Verdict::Fire(Fire {
            message: Message::new(match packages {
                0 => &RELEASE_ENDED_NAMED,
                1 => &RELEASE_ENDED_ONE,
                _ => &RELEASE_ENDED_MANY,
            })
            .arg("release", label.as_str())
            .arg("end", regular_end.to_string())
            .phrase("tail", tail)
            .arg("n", packages.to_string()),
            evidence: Vec::new(),
            sourced: evidence,
            key: Some(label),
            severity: all_ended.then_some(Severity::Critical),
        }));
    }
    out
}

/// UNM-08: Debian's security-support lists name the package's source, or
/// an Alpine package comes from `community`, whose support is shorter.
pub fn security_support_ended(c: &Component, ctx: &Ctx) -> Verdict {
    if !c.ecosystem.is_distribution() {
        return Verdict::Pass;
    }
    let Some(release) = &c.release else {
        return Verdict::not_evaluated(NO_RELEASE);
    };
    if c.ecosystem == crate::model::Ecosystem::Apk {
        return alpine_community(c, ctx, release);
    }
    if !ctx.lifecycle.has_security_support_lists(release) {
        return Verdict::not_evaluated(NO_LISTS);
    }
    let Some(source) = &c.source_package else {
        return Verdict::not_evaluated(NO_SOURCE);
    };
    let today = jiff::tz::TimeZone::UTC.to_datetime(ctx.now).date();
    let label = release.label();
    let (message, severity, entry, data) =
        match ctx.lifecycle.security_support(release, &source.name) {
            None => return Verdict::Pass,
            Some(SecuritySupport::Ended { entry, evidence }) => {
                let ends = entry.ends.map(|d| d.to_string()).unwrap_or_default();
                let past = entry.ends.is_some_and(|d| d <= today);
                (
                    Message::new(if past { &SUPPORT_ENDED } else { &SUPPORT_ENDS })
                        .arg("source", source.name.as_str())
                        .arg("release", label.as_str())
                        .arg("ends", ends)
                        .arg("details", details(&entry.details)),
                    if past {
                        Severity::High
                    } else {
                        Severity::Medium
                    },
                    entry,
                    evidence,
                )
            }
            Some(SecuritySupport::Limited { entry, evidence }) => (
                Message::new(&SUPPORT_LIMITED)
                    .arg("source", source.name.as_str())
                    .arg("release", label.as_str())
                    .arg("details", details(&entry.details)),
                Severity::Medium,
                entry,
                evidence,
            ),
        };
    let lc = EvidenceSource::lifecycle(&data.file, data.as_of.as_deref());
    let mut sourced = vec![Evidence::new(
        "source package",
        source.name.clone(),
        lc.clone(),
    )];
    if let Some(v) = &entry.last_version {
        sourced.push(Evidence::new(
            "last supported version",
            v.clone(),
            lc.clone(),
        ));
    }
    if let Some(d) = entry.ends {
        sourced.push(Evidence::new("support ends", d.to_string(), lc.clone()));
    }
    if !entry.details.is_empty() {
        sourced.push(Evidence::new("details", entry.details.clone(), lc));
    }
    Verdict::Fire(Fire {
        message,
        evidence: Vec::new(),
        sourced,
        key: None,
        severity: Some(severity),
    })
}

fn details(text: &str) -> String {
    if text.is_empty() {
        String::new()
    } else {
        format!(": {text}")
    }
}

/// UNM-08 for Alpine: a package built only in a branch's `community`
/// repository is supported until that repository's end of support
/// (releases.json), which comes long before `main`'s: limited while it
/// runs, ended after.
fn alpine_community(c: &Component, ctx: &Ctx, release: &DistroRelease) -> Verdict {
    let archive = match super::archive::facts(c) {
        Ok((_, a)) => a,
        Err(v) => return v,
    };
    let repos: Vec<&str> = archive
        .builds
        .iter()
        .filter(|b| b.channel == Some(crate::model::Channel::Release))
        .map(|b| b.suite.rsplit('/').next().unwrap_or(&b.suite))
        .collect();
    if repos.is_empty() || repos.iter().any(|r| *r != "community") {
        return Verdict::Pass;
    }
    let Some((end, data)) = ctx.lifecycle.alpine_community_end(release) else {
        return Verdict::not_evaluated(
            "the package is from Alpine's community repository, whose support ends before main's; Alpine's releases.json was not given (CHAINRISK_ALPINE_RELEASES)",
        );
    };
    let today = jiff::tz::TimeZone::UTC.to_datetime(ctx.now).date();
    let label = release.label();
    let past = end <= today;
    let lc = EvidenceSource::lifecycle(&data.file, data.as_of.as_deref());
    Verdict::Fire(Fire {
        message: Message::new(if past {
            &COMMUNITY_ENDED
        } else {
            &COMMUNITY_LIMITED
        })
        .arg("package", c.name.as_str())
        .arg("release", label)
        .arg("end", end.to_string()),
        evidence: Vec::new(),
        sourced: vec![
            Evidence::new("repository", "community", EvidenceSource::inventory()),
            Evidence::new("community support ends", end.to_string(), lc),
        ],
        key: None,
        severity: Some(if past {
            Severity::High
        } else {
            Severity::Medium
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Ecosystem, Inventory, SourcePackage};
    use crate::rules::Thresholds;

    fn deb(name: &str, release: Option<(&str, &str)>, source: Option<&str>) -> Component {
        let mut c = Component::named(name);
        c.ecosystem = Ecosystem::Deb;
        c.version = Some("1.0-1".into());
        c.release = release.map(|(d, v)| {
            Box::new(DistroRelease {
                distro: d.into(),
                version: Some(v.into()),
                codename: None,
            })
        });
        c.source_package = source.map(|s| {
            Box::new(SourcePackage {
                name: s.into(),
                version: None,
            })
        });
        c
    }

    fn at(date: &str) -> jiff::Timestamp {
        format!("{date}T12:00:00Z").parse().unwrap()
    }

    fn run<T>(inv: &Inventory, now: &str, f: impl Fn(&Ctx) -> T) -> T {
        let thresholds = Thresholds::default();
        let lifecycle = crate::lifecycle::Lifecycle::bundled();
        let ctx = Ctx {
            inv,
            thresholds: &thresholds,
            now: at(now),
            advisories: None,
            lifecycle: &lifecycle,
        };
        f(&ctx)
    }

    fn inv(components: Vec<Component>) -> Inventory {
        Inventory {
            components,
            ..Inventory::default()
        }
    }

    #[test]
    fn unm07_fires_after_regular_support_and_names_what_still_runs() {
        let inv = inv(vec![
            deb("bash", Some(("debian", "12")), None),
            deb("libc6", Some(("debian", "12")), None),
            deb("zlib1g", Some(("debian", "13")), None),
        ]);
        let v = run(&inv, "2026-12-03", release_out_of_support);
        assert_eq!(v.len(), 2, "one verdict per release in use");
        let Verdict::Fire(f) = &v[0] else {
            panic!("{v:?}")
        };
        assert_eq!(
            f.message.to_string(),
            "debian 12 is past the end of its regular security support (2026-07-11); still running: LTS until 2028-06-30, Extended LTS until 2033-06-30; 2 packages of the product are built for it"
        );
        assert_eq!(f.severity, None, "high while a period still runs");
        assert_eq!(f.key.as_deref(), Some("debian 12"));
        assert!(
            f.sourced
                .iter()
                .any(|e| &*e.source.0 == "lifecycle:debian.csv@2026-04-25")
        );
        assert_eq!(v[1], Verdict::Pass, "Debian 13 is still supported");
    }

    #[test]
    fn unm07_says_when_only_the_operating_system_names_the_release() {
        // A root with an os-release and no package database.
        let mut os = Component::named("debian");
        os.kind = Some("operating-system".into());
        os.release = Some(Box::new(crate::model::distro::rel(
            "debian",
            Some("12"),
            None,
        )));
        let v = run(&inv(vec![os]), "2026-12-03", release_out_of_support);
        let Verdict::Fire(f) = &v[0] else {
            panic!("{v:?}")
        };
        assert!(
            f.message.to_string().ends_with(
                "; the product names it as its operating system, though no package of the product is known to be built for it"
            ),
            "{}",
            f.message
        );
    }

    #[test]
    fn unm07_is_critical_once_every_period_has_ended_and_quiet_before_the_end() {
        let inv = inv(vec![deb("bash", Some(("debian", "9")), None)]);
        let Verdict::Fire(f) = &run(&inv, "2027-07-01", release_out_of_support)[0] else {
            panic!()
        };
        assert_eq!(f.severity, Some(Severity::Critical));
        assert!(
            f.message
                .to_string()
                .contains("every published support period has ended"),
            "{}",
            f.message.to_string()
        );
        let inv = crate::model::Inventory {
            components: vec![deb("bash", Some(("debian", "12")), None)],
            ..Default::default()
        };
        assert_eq!(
            run(&inv, "2026-07-11", release_out_of_support),
            vec![Verdict::Pass],
            "the end day itself is supported"
        );
    }

    #[test]
    fn unm07_does_not_guess_a_release_it_does_not_know() {
        let unknown = inv(vec![deb("bash", None, None)]);
        assert_eq!(
            run(&unknown, "2026-12-03", release_out_of_support),
            vec![Verdict::not_evaluated(NO_RELEASE)]
        );
        let unlisted = inv(vec![deb("bash", Some(("debian", "99")), None)]);
        assert_eq!(
            run(&unlisted, "2026-12-03", release_out_of_support),
            vec![Verdict::not_evaluated(RELEASE_NOT_LISTED)]
        );
        let mut npm = Component::named("left-pad");
        npm.ecosystem = Ecosystem::Npm;
        assert!(
            run(&inv(vec![npm]), "2026-12-03", release_out_of_support).is_empty(),
            "not applicable"
        );
    }

    #[test]
    fn unm08_ended_is_high_limited_medium_and_unlisted_passes() {
        let inventory = inv(Vec::new());
        let judge = |c: &Component| {
            run(&inventory, "2026-12-03", |ctx| {
                security_support_ended(c, ctx)
            })
        };
        let Verdict::Fire(ended) = judge(&deb(
            "libwolfssl35",
            Some(("debian", "12")),
            Some("wolfssl"),
        )) else {
            panic!()
        };
        assert_eq!(ended.severity, Some(Severity::High));
        assert!(ended.message.to_string().starts_with("security support for source package wolfssl in debian 12 ended on 2026-06-12: Crypto library"), "{}", ended.message);
        assert!(
            ended
                .sourced
                .iter()
                .any(|e| e.key == "last supported version" && e.value == "5.5.4-2+deb12u2")
        );
        let Verdict::Fire(limited) =
            judge(&deb("binutils", Some(("debian", "12")), Some("binutils")))
        else {
            panic!()
        };
        assert_eq!(limited.severity, Some(Severity::Medium));
        assert_eq!(
            judge(&deb("libssl3", Some(("debian", "12")), Some("openssl"))),
            Verdict::Pass
        );
        assert_eq!(
            judge(&deb("libssl3", Some(("debian", "12")), None)),
            Verdict::not_evaluated(NO_SOURCE)
        );
        assert_eq!(
            judge(&deb("libssl3", Some(("ubuntu", "22.04")), Some("openssl"))),
            Verdict::not_evaluated(NO_LISTS)
        );
        assert_eq!(
            judge(&deb("libssl3", None, Some("openssl"))),
            Verdict::not_evaluated(NO_RELEASE)
        );
        let mut npm = Component::named("wolfssl");
        npm.ecosystem = Ecosystem::Npm;
        assert_eq!(judge(&npm), Verdict::Pass, "not applicable");
    }

    #[test]
    fn unm08_a_future_end_is_medium() {
        let inventory = inv(Vec::new());
        let c = deb("libwolfssl35", Some(("debian", "12")), Some("wolfssl"));
        let Verdict::Fire(f) = run(&inventory, "2026-01-01", |ctx| {
            security_support_ended(&c, ctx)
        }) else {
            panic!()
        };
        assert_eq!(f.severity, Some(Severity::Medium));
        assert!(
            f.message.to_string().contains("ends on 2026-06-12"),
            "{}",
            f.message.to_string()
        );
    }
}
