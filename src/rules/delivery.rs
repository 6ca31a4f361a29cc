//! DEL: delivery integrity. Can the delivered component be verified and was it
//! pinned and fetched over a safe channel?

use super::advisories::{NO_DATABASE, affecting, fire};
use super::facts::{self, evidence, input_evidence, threshold};
use super::{Ctx, Verdict};
use crate::advisory::Kind;
use crate::model::{
    Component, Evidence, EvidenceSource, HashAlg, Message, RefKind, Sep, Severity, SourceKind,
    Template,
};

static NO_HASH: Template = Template::new(
    "{component} has no hash in its {input}",
    "{component} 在其{input}中没有哈希值",
);
static SBOM: Template = Template::new("SBOM", " SBOM ");
static LOCKFILE: Template = Template::new("lockfile", "锁文件");
static INPUT: Template = Template::new("input", "输入");
static HASH_MISMATCH: Template = Template::new(
    "{component}: the {alg} {hash} in the input differs from the registry's checksum for this version",
    "{component}：输入中的 {alg} {hash} 与注册表为此版本给出的校验和不一致",
);
static FRESH_RELEASE: Template = Template::new(
    "{component} was published {age} before the scan, under the {limit}-day minimum age",
    "{component} 在扫描前{age}发布，低于 {limit} 天的最短发布时长",
);
static LESS_THAN_A_DAY: Template = Template::new("less than a day", "不到一天");
static ONE_DAY: Template = Template::new("1 day", " 1 天");
static DAYS: Template = Template::new("{n} days", " {n} 天");
static NEW_PUBLISHER: Template = Template::new(
    "{component} was published by {publisher}, who published none of its earlier versions",
    "{component} 由 {publisher} 发布，而此前的版本都不是该账户发布的",
);
static WEAK_HASH_ONLY: Template = Template::new(
    "{component} is protected only by {algs}, which can be forged",
    "{component} 只有 {algs} 保护，可被伪造",
);
static TAKEN_FROM: Template =
    Template::new("{component} is taken from {what}", "{component} 取自{what}");
static GIT_FOLLOWING_MOVABLE: Template = Template::new(
    "git following a branch or tag that can move (now at commit {rev})",
    "跟随可移动分支或标签的 git（当前为提交 {rev}）",
);
static GIT_MOVABLE_REVISION: Template = Template::new(
    "git revision {rev}, a branch or tag that can move",
    " git 修订 {rev}（可移动的分支或标签）",
);
static GIT_DEFAULT_BRANCH: Template = Template::new(
    "git with no revision (the default branch)",
    "未指定修订的 git（默认分支）",
);
static REQUIRED_AS_RANGE: Template = Template::new(
    "{component} is required as {requirement}, not pinned to one release",
    "{component} 的依赖要求为 {requirement}，未固定到单一版本",
);
static VERSION_RANGE: Template = Template::new(
    "{component} is a version range {version}, not one release",
    "{component} 是版本范围 {version}，而非单一版本",
);
static INSECURE_SOURCE: Template = Template::new(
    "{component} names an unencrypted download or source location: {urls}",
    "{component} 指明了未加密的下载或源代码地址：{urls}",
);
static FIX_NOT_APPLIED: Template = Template::new(
    "{component} is affected by {advisories}",
    "{component} 受 {advisories} 影响",
);
static FIXED_IN: Template = Template::new(
    "{advisory}{rated}, fixed in {fix}",
    "{advisory}{rated}，已在 {fix} 中修复",
);
static FIXED_ELSEWHERE: Template = Template::new(
    "{advisory}{rated}, fixed only in other release lines ({fixes})",
    "{advisory}{rated}，仅在其他发布线中修复（{fixes}）",
);
static RATED: Template = Template::new(" (severity {severity})", "（严重程度 {severity}）");

/// DEL-01: no hash at all. A vendored copy shipped inside a parent package
/// (npm bundled dependencies) is covered by the parent's hash. A package
/// read only from a delivered product's package database is no download to
/// hash: its installed files are what DEL-09 verifies.
pub fn hash_missing(c: &Component, ctx: &Ctx) -> Verdict {
    if !c.hashes.is_empty() || read_only_from_product(c, ctx) {
        return Verdict::Pass;
    }
    let parent_hashed = c
        .rare
        .parent
        .and_then(|p| ctx.inv.components.get(p))
        .is_some_and(|p| !p.hashes.is_empty());
    if c.source == SourceKind::Vendored && parent_hashed {
        return Verdict::Pass;
    }
    // Named after where the component was read: lockfiles lack hashes too.
    let input = c
        .locations
        .iter()
        .filter_map(|l| ctx.inv.documents.get(l.input)?.format)
        .map(|f| if f.is_sbom() { &SBOM } else { &LOCKFILE })
        .next()
        .unwrap_or(&INPUT);
    Verdict::fire(
        Message::new(&NO_HASH)
            .arg("component", c.display_name())
            .phrase("input", Message::new(input)),
        vec![("hashes", "absent".into())],
    )
}

/// Whether every place the component was read is a delivered product.
fn read_only_from_product(c: &Component, ctx: &Ctx) -> bool {
    !c.locations.is_empty()
        && c.locations.iter().all(|l| {
            ctx.inv
                .documents
                .get(l.input)
                .and_then(|d| d.format)
                .is_some_and(crate::model::Format::is_delivered)
        })
}

/// DEL-02: a hash the SBOM or lockfile gives differs from every checksum
/// the registry gives for this version in the same algorithm. Registries that
/// list several files per version (PyPI wheels and sdists) give a set; the
/// input's hash must be one of them.
pub fn hash_mismatch(c: &Component, ctx: &Ctx) -> Verdict {
    if c.hashes.is_empty() {
        return Verdict::not_evaluated("no hash to compare (see DEL-01)");
    }
    let o = match facts::found(c) {
        Ok(o) => o,
        Err(v) => return v,
    };
    // A distribution package's checksum is its own build's in the archive index.
    let archive_checksums;
    let checksums = match &o.archive {
        Some(a) if c.ecosystem.is_distribution() => {
            archive_checksums = super::archive::checksums(c, a);
            &archive_checksums
        }
        _ => &o.checksums,
    };
    if checksums.is_empty() {
        return Verdict::not_evaluated("the registry gives no checksum for this version");
    }
    let mut compared = false;
    for h in &c.hashes {
        if matches!(h.alg, HashAlg::Other(_)) {
            continue;
        }
        let theirs: Vec<&str> = checksums
            .iter()
            .filter(|r| r.alg == h.alg)
            .map(|r| r.value.as_str())
            .collect();
        if theirs.is_empty() {
            continue;
        }
        compared = true;
        if !theirs.iter().any(|v| v.eq_ignore_ascii_case(&h.value)) {
            return Verdict::fire_sourced(
                Message::new(&HASH_MISMATCH)
                    .arg("component", c.display_name())
                    .arg("alg", h.alg.as_str())
                    .arg("hash", short(&h.value)),
                vec![
                    input_evidence(ctx, c, format!("input {}", h.alg.as_str()), h.value.clone()),
                    evidence(
                        c,
                        o,
                        format!("registry {}", h.alg.as_str()),
                        theirs.join(" "),
                    ),
                ],
            );
        }
    }
    if compared {
        Verdict::Pass
    } else {
        Verdict::not_evaluated("the input and the registry share no hash algorithm")
    }
}

fn short(hex: &str) -> String {
    if hex.len() > 16 {
        format!("{}…", &hex[..16])
    } else {
        hex.to_string()
    }
}

/// DEL-06: the used version was published less than `min_release_age_days`
/// before the scan: too fresh for a hijacked release to have been noticed.
pub fn fresh_release(c: &Component, ctx: &Ctx) -> Verdict {
    let o = match facts::found(c) {
        Ok(o) => o,
        Err(v) => return v,
    };
    let Some((raw, at)) = o
        .published
        .as_deref()
        .and_then(|s| Some((s, facts::parse_time(s)?)))
    else {
        return Verdict::not_evaluated("the registry gives no publication time for this version");
    };
    let limit = ctx.thresholds.min_release_age_days;
    let age = facts::days_between(at, ctx.now);
    if age >= i64::from(limit) {
        return Verdict::Pass;
    }
    Verdict::fire_sourced(
        Message::new(&FRESH_RELEASE)
            .arg("component", c.display_name())
            .phrase(
                "age",
                match age {
                    ..=0 => Message::new(&LESS_THAN_A_DAY),
                    1 => Message::new(&ONE_DAY),
                    n => Message::new(&DAYS).arg("n", n.to_string()),
                },
            )
            .arg("limit", limit.to_string()),
        vec![
            evidence(c, o, "published", raw),
            threshold("min_release_age_days", format!("{limit} days")),
        ],
    )
}

/// DEL-07: the used version was published by an account that published no
/// earlier version: a takeover or a new hand on the package.
pub fn new_publisher(c: &Component, _: &Ctx) -> Verdict {
    let o = match facts::found(c) {
        Ok(o) => o,
        Err(v) => return v,
    };
    let (Some(publisher), Some(earlier)) = (&o.publisher, &o.earlier_publishers) else {
        return Verdict::not_evaluated("the registry does not record who published each version");
    };
    // The first version has no earlier publisher to compare with.
    if earlier.is_empty() || earlier.iter().any(|p| p == publisher) {
        return Verdict::Pass;
    }
    Verdict::fire_sourced(
        Message::new(&NEW_PUBLISHER)
            .arg("component", c.display_name())
            .arg("publisher", publisher.as_str()),
        vec![
            evidence(c, o, "publisher", publisher.clone()),
            evidence(c, o, "earlier publishers", earlier.join(", ")),
        ],
    )
}

/// DEL-03: only MD5 or SHA-1.
pub fn weak_hash_only(c: &Component, _: &Ctx) -> Verdict {
    if c.hashes.is_empty() {
        return Verdict::not_evaluated("no hash to judge (see DEL-01)");
    }
    if c.hashes.iter().any(|h| !h.alg.is_weak()) {
        return Verdict::Pass;
    }
    let algs: Vec<&str> = c.hashes.iter().map(|h| h.alg.as_str()).collect();
    Verdict::fire(
        Message::new(&WEAK_HASH_ONLY)
            .arg("component", c.display_name())
            .list(
                "algs",
                algs.iter().map(|a| Message::data(*a)).collect(),
                Sep::And,
            ),
        vec![("hash algorithms", algs.join(", "))],
    )
}

/// A version that names a range rather than one release: npm, Cargo and PEP 440
/// operators, wildcards and `latest`.
pub fn is_range(v: &str) -> bool {
    let v = v.trim();
    if v.is_empty() {
        return false;
    }
    let lower = v.to_ascii_lowercase();
    if matches!(lower.as_str(), "*" | "x" | "latest" | "next") {
        return true;
    }
    if v.starts_with(['^', '~', '>', '<', '=', '!'])
        || v.contains("||")
        || v.contains(" - ")
        || v.contains(',')
    {
        return true;
    }
    // `1.2.x`, `1.*`: a wildcard segment of the release part (not a pre-release tag like `1.0.0-x`).
    let release = lower.split(['-', '+']).next().unwrap_or("");
    release.split('.').any(|seg| seg == "x" || seg == "*")
}

/// DEL-04 (SBOM part): a version range, or a git branch or tag.
pub fn unpinned(c: &Component, _: &Ctx) -> Verdict {
    if let SourceKind::Git {
        url,
        rev,
        pinned: false,
    } = &c.source
    {
        let what = match rev {
            // A lockfile recorded the commit; the branch or tag it follows moves on update.
            Some(r) if super::is_full_commit(r) => {
                Message::new(&GIT_FOLLOWING_MOVABLE).arg("rev", r.as_str())
            }
            Some(r) => Message::new(&GIT_MOVABLE_REVISION).arg("rev", format!("{r:?}")),
            None => Message::new(&GIT_DEFAULT_BRANCH),
        };
        let mut evidence = vec![
            ("source", url.clone()),
            ("revision", rev.clone().unwrap_or_else(|| "absent".into())),
        ];
        // The location as the input wrote it names the branch or tag (Cargo's `?branch=main`).
        for r in c
            .references
            .iter()
            .filter(|r| r.kind == RefKind::Vcs && r.url != *url)
        {
            evidence.push(("declared as", r.url.clone()));
        }
        return Verdict::fire(
            Message::new(&TAKEN_FROM)
                .arg("component", c.display_name())
                .phrase("what", what),
            evidence,
        );
    }
    if let (None, Some(req)) = (&c.version, &c.rare.constraint) {
        return Verdict::fire(
            Message::new(&REQUIRED_AS_RANGE)
                .arg("component", c.display_name())
                .arg("requirement", format!("{req:?}")),
            vec![("requirement", req.clone())],
        );
    }
    let Some(v) = c.version.as_deref() else {
        return Verdict::not_evaluated("no version to judge (see SBM-02)");
    };
    if is_range(v) {
        return Verdict::fire(
            Message::new(&VERSION_RANGE)
                .arg("component", c.display_name())
                .arg("version", format!("{v:?}")),
            vec![("version", v.to_string())],
        );
    }
    Verdict::Pass
}

/// True for unencrypted transport: `http://`, `git://`, `git+http://`, `ftp://`.
fn insecure(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    let lower = lower.strip_prefix("git+").unwrap_or(&lower);
    lower.starts_with("http://") || lower.starts_with("git://") || lower.starts_with("ftp://")
}

/// DEL-05: an http:// or git:// download or VCS URL. A repository link of a
/// package known to come from a registry or a local path is documentation,
/// not its delivery channel, and is not judged.
pub fn insecure_source(c: &Component, _: &Ctx) -> Verdict {
    let vcs_delivers = !matches!(
        c.source,
        SourceKind::Registry { .. } | SourceKind::Path { .. }
    );
    let mut urls: Vec<&str> = c
        .references
        .iter()
        .filter(|r| r.kind == RefKind::Distribution || (r.kind == RefKind::Vcs && vcs_delivers))
        .map(|r| r.url.as_str())
        .filter(|u| insecure(u))
        .collect();
    match &c.source {
        SourceKind::Git { url, .. }
        | SourceKind::Url { url }
        | SourceKind::Registry { url: Some(url) }
            if insecure(url) && !urls.contains(&url.as_str()) =>
        {
            urls.push(url)
        }
        _ => {}
    }
    if urls.is_empty() {
        return Verdict::Pass;
    }
    Verdict::fire(
        Message::new(&INSECURE_SOURCE)
            .arg("component", c.display_name())
            .arg("urls", urls.join(", ")),
        urls.iter().map(|u| ("url", u.to_string())).collect(),
    )
}

/// DEL-10: a vulnerability advisory affects the used version and a fixed
/// version exists: the fix is not applied. The advisory rules partition what
/// affects a version: an unmaintained notice is UNM-01's; an advisory with no
/// fix at all is UNM-06's; a vulnerability with a fix is this rule's; other
/// informational notices (unsound, notice) with a fix are no rule's, since
/// they report no vulnerability. Critical when the advisory rates itself
/// critical (in words, or a CVSS v3 base score of 9.0 or more).
pub fn security_fix_not_applied(c: &Component, ctx: &Ctx) -> Verdict {
    let Some(db) = ctx.advisories else {
        return Verdict::not_evaluated(NO_DATABASE);
    };
    let hits = match affecting(c, db, |a, p| a.kind == Kind::Vulnerability && p.has_fix()) {
        Err(why) => return Verdict::NotEvaluated(why),
        Ok(hits) if hits.is_empty() => return Verdict::Pass,
        Ok(hits) => hits,
    };
    let version = c.version.as_deref().unwrap_or_default();
    let mut extra = Vec::new();
    let mut critical = false;
    let mut parts = Vec::with_capacity(hits.len());
    for (adv, pkg) in &hits {
        let src = EvidenceSource::advisory(&adv.id);
        critical |= adv.severity.rating() == Some(Severity::Critical);
        let severity = adv.severity.describe();
        if let Some(s) = &severity {
            extra.push(Evidence::new("severity", s.clone(), src.clone()));
        }
        let nearest = pkg.nearest_fix(version);
        extra.push(Evidence::new(
            "nearest fix",
            nearest
                .clone()
                .unwrap_or_else(|| "none above the used version".into()),
            src,
        ));
        let part = match nearest {
            Some(fix) => Message::new(&FIXED_IN).arg("fix", fix),
            None => Message::new(&FIXED_ELSEWHERE).arg("fixes", pkg.fixes()),
        }
        .arg("advisory", adv.id.as_str());
        parts.push(match severity {
            Some(s) => part.phrase("rated", Message::new(&RATED).arg("severity", s)),
            None => part.arg("rated", ""),
        });
    }
    let mut found = fire(
        Message::new(&FIX_NOT_APPLIED)
            .arg("component", c.display_name())
            .list("advisories", parts, Sep::Semicolon),
        c,
        &hits,
        extra,
    );
    found.severity = critical.then_some(Severity::Critical);
    found.into()
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fired, run};
    use super::*;

    #[test]
    fn del01_hash() {
        assert!(fired(&run(hash_missing, Component::named("a"))));
        let mut c = Component::named("a");
        c.add_hash("SHA-256", "00");
        assert_eq!(run(hash_missing, c), Verdict::Pass);
    }

    #[test]
    fn del01_vendored_copy_is_covered_by_its_parent() {
        use super::super::Thresholds;
        use super::super::testing::inventory;
        let mut parent = Component::named("parent");
        parent.add_hash("SHA-512", "aa");
        let mut bundled = Component::named("bundled");
        bundled.source = SourceKind::Vendored;
        bundled.rare.parent = Some(0);
        let mut inv = inventory(vec![parent, bundled]);
        let t = Thresholds::default();
        assert_eq!(
            hash_missing(&inv.components[1], &crate::rules::testing::ctx(&inv, &t)),
            Verdict::Pass
        );
        inv.components[0].hashes.clear();
        assert!(fired(&hash_missing(
            &inv.components[1],
            &crate::rules::testing::ctx(&inv, &t)
        )));
    }

    #[test]
    fn del03_weak_only() {
        let mut c = Component::named("a");
        c.add_hash("MD5", "00");
        c.add_hash("SHA1", "11");
        assert!(fired(&run(weak_hash_only, c.clone())));
        c.add_hash("SHA-512", "22");
        assert_eq!(run(weak_hash_only, c), Verdict::Pass);
        assert!(matches!(
            run(weak_hash_only, Component::named("a")),
            Verdict::NotEvaluated(_)
        ));
    }

    #[test]
    fn ranges() {
        for r in [
            "^1.2.0",
            "~1.2",
            ">=1.0, <2",
            "1.x",
            "1.2.*",
            "*",
            "latest",
            "1.0 || 2.0",
            "1.0 - 2.0",
        ] {
            assert!(is_range(r), "{r}");
        }
        for v in [
            "1.2.3",
            "1.0.0-x",
            "2024.1",
            "v1.2.3",
            "0.0.0-20210101-abcdef",
            "1.0.0+build.x",
        ] {
            assert!(!is_range(v), "{v}");
        }
    }

    #[test]
    fn del04_unpinned() {
        let mut c = Component::named("a");
        c.version = Some("^1.0.0".into());
        assert!(fired(&run(unpinned, c)));
        let mut c = Component::named("a");
        c.version = Some("1.0.0".into());
        c.source = SourceKind::Git {
            url: "git+https://example.com/a.git".into(),
            rev: Some("v1".into()),
            pinned: false,
        };
        assert!(fired(&run(unpinned, c.clone())));
        c.source = SourceKind::Git {
            url: "git+https://example.com/a.git".into(),
            rev: Some("c887c803ac56deb5f91b617ef0486ca3fb98473b".into()),
            pinned: true,
        };
        assert_eq!(run(unpinned, c), Verdict::Pass);
        assert!(matches!(
            run(unpinned, Component::named("a")),
            Verdict::NotEvaluated(_)
        ));
        let mut c = Component::named("certifi");
        c.rare.constraint = Some(">=2023.7.22".into());
        assert!(fired(&run(unpinned, c)));
    }

    #[test]
    fn del04_names_a_locked_commit_of_a_moving_branch() {
        let mut c = Component::named("gitdep");
        c.version = Some("0.3.0".into());
        c.source = SourceKind::Git {
            url: "git+https://git.example/org/gitdep".into(),
            rev: Some("0123456789abcdef0123456789abcdef01234567".into()),
            pinned: false,
        };
        c.add_reference(
            RefKind::Vcs,
            "git+https://git.example/org/gitdep?branch=main#0123456789abcdef0123456789abcdef01234567",
        );
        match run(unpinned, c) {
            Verdict::Fire(f) => {
                assert_eq!(
                    f.message.to_string(),
                    "gitdep@0.3.0 is taken from git following a branch or tag that can move (now at commit 0123456789abcdef0123456789abcdef01234567)"
                );
                assert!(
                    f.evidence
                        .iter()
                        .any(|(k, v)| k == "declared as" && v.contains("?branch=main")),
                    "{:?}",
                    f.evidence
                );
            }
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn del05_insecure() {
        let mut c = Component::named("a");
        c.add_reference(RefKind::Distribution, "http://example.com/a-1.0.tgz");
        c.add_reference(RefKind::Website, "http://example.com/");
        match run(insecure_source, c) {
            Verdict::Fire(f) => {
                assert_eq!(f.evidence.len(), 1, "websites are not download channels");
            }
            v => panic!("{v:?}"),
        }
        let mut c = Component::named("a");
        c.source = SourceKind::Git {
            url: "git://example.com/a".into(),
            rev: None,
            pinned: false,
        };
        assert!(fired(&run(insecure_source, c)));
        let mut c = Component::named("a");
        c.add_reference(RefKind::Vcs, "git+https://example.com/a.git");
        assert_eq!(run(insecure_source, c), Verdict::Pass);
        // A registry package's repository link is documentation, not its channel.
        let mut c = Component::named("quick-error");
        c.add_reference(RefKind::Vcs, "http://example.com/quick-error");
        assert!(fired(&run(insecure_source, c.clone())));
        c.source = SourceKind::Registry { url: None };
        assert_eq!(run(insecure_source, c), Verdict::Pass);
    }

    use super::super::testing::{self, judge, resolved};
    use crate::advisory::{Advisory, AdvisorySet};
    use crate::model::{Ecosystem, Hash};

    /// A RustSec advisory against `time`, shaped as RUSTSEC-2026-0009.
    fn time_advisory(extra: &str, patched: &str) -> Advisory {
        testing::rustsec(
            ("RUSTSEC-2026-0009", "time", "2026-02-05"),
            extra,
            &format!("patched = [{patched}]\nunaffected = [\"< 0.3.6\"]"),
            "Denial of Service via Stack Exhaustion",
        )
    }

    fn time_at(version: &str) -> Component {
        testing::crate_at("time", version)
    }

    const CVSS4: &str =
        "cvss = \"CVSS:4.0/AV:N/AC:H/AT:N/PR:L/UI:A/VC:N/VI:N/VA:H/SC:N/SI:N/SA:H\"";

    #[test]
    fn del10_names_the_advisory_its_severity_and_the_nearest_fix() {
        let db = AdvisorySet::new(Vec::new(), vec![time_advisory(CVSS4, "\">= 0.3.47\"")]);
        match judge(security_fix_not_applied, time_at("0.3.45"), Some(&db)) {
            Verdict::Fire(f) => {
                assert_eq!(
                    f.message.to_string(),
                    "time@0.3.45 is affected by RUSTSEC-2026-0009 (severity CVSS:4.0/AV:N/AC:H/AT:N/PR:L/UI:A/VC:N/VI:N/VA:H/SC:N/SI:N/SA:H), fixed in 0.3.47"
                );
                // A CVSS 4.0 vector gives no rating here: the rule's default, high.
                assert_eq!(f.severity, None);
                assert_eq!(f.key.as_deref(), Some("RUSTSEC-2026-0009"));
                let nearest = f.sourced.iter().find(|e| e.key == "nearest fix").unwrap();
                assert_eq!(nearest.value, "0.3.47");
                assert_eq!(&*nearest.source.0, "advisory:RUSTSEC-2026-0009");
            }
            v => panic!("{v:?}"),
        }
        // The fixed version and the unaffected ones pass.
        for version in ["0.3.47", "0.4.0", "0.3.5"] {
            assert_eq!(
                judge(security_fix_not_applied, time_at(version), Some(&db)),
                Verdict::Pass,
                "{version}"
            );
        }
    }

    #[test]
    fn del10_is_critical_when_the_advisory_rates_it_so() {
        let critical = AdvisorySet::new(
            Vec::new(),
            vec![time_advisory(
                "cvss = \"CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H\"",
                "\">= 0.3.47\"",
            )],
        );
        match judge(security_fix_not_applied, time_at("0.3.45"), Some(&critical)) {
            Verdict::Fire(f) => {
                assert_eq!(f.severity, Some(Severity::Critical));
                assert!(
                    f.message.to_string().contains("(9.8 critical)"),
                    "{}",
                    f.message.to_string()
                );
            }
            v => panic!("{v:?}"),
        }
        let medium = AdvisorySet::new(
            Vec::new(),
            vec![time_advisory(
                "cvss = \"CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:H\"",
                "\">= 0.3.47\"",
            )],
        );
        match judge(security_fix_not_applied, time_at("0.3.45"), Some(&medium)) {
            Verdict::Fire(f) => assert_eq!(f.severity, None, "never below the rule's high"),
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn del10_picks_the_lowest_fix_above_the_used_version() {
        // Backports: 0.3.x fixed in 0.3.20, 0.4.x in 0.4.5.
        let db = AdvisorySet::new(
            Vec::new(),
            vec![time_advisory("", "\">= 0.3.20, < 0.4.0\", \">= 0.4.5\"")],
        );
        let nearest =
            |version: &str| match judge(security_fix_not_applied, time_at(version), Some(&db)) {
                Verdict::Fire(f) => f.message.to_string(),
                v => panic!("{version}: {v:?}"),
            };
        assert!(
            nearest("0.3.10").ends_with("fixed in 0.3.20"),
            "{}",
            nearest("0.3.10")
        );
        assert!(
            nearest("0.4.1").ends_with("fixed in 0.4.5"),
            "{}",
            nearest("0.4.1")
        );
        // Only an older line is fixed: said so, with the fixes as written.
        let old_line_only = AdvisorySet::new(
            Vec::new(),
            vec![time_advisory("", "\">= 0.3.20, < 0.4.0\"")],
        );
        match judge(
            security_fix_not_applied,
            time_at("0.4.1"),
            Some(&old_line_only),
        ) {
            Verdict::Fire(f) => assert!(
                f.message
                    .to_string()
                    .ends_with("fixed only in other release lines (>=0.3.20, <0.4.0)"),
                "{}",
                f.message.to_string()
            ),
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn advisory_rules_partition_what_affects_a_version() {
        use super::super::unmaintained::{declared_unmaintained, unfixed_advisory};
        let rules: [(&str, super::super::ComponentCheck); 3] = [
            ("UNM-01", declared_unmaintained),
            ("UNM-06", unfixed_advisory),
            ("DEL-10", security_fix_not_applied),
        ];
        let cases = [
            ("", "\">= 0.3.47\"", Some("DEL-10")),
            ("", "", Some("UNM-06")),
            ("informational = \"unsound\"", "", Some("UNM-06")),
            ("informational = \"notice\"", "", Some("UNM-06")),
            ("informational = \"unmaintained\"", "", Some("UNM-01")),
            (
                "informational = \"unmaintained\"",
                "\">= 0.3.47\"",
                Some("UNM-01"),
            ),
            // Informational with a fix: not a vulnerability, so not DEL-10.
            ("informational = \"unsound\"", "\">= 0.3.47\"", None),
            ("informational = \"notice\"", "\">= 0.3.47\"", None),
        ];
        for (informational, patched, expected) in cases {
            let db = AdvisorySet::new(Vec::new(), vec![time_advisory(informational, patched)]);
            let fired: Vec<&str> = rules
                .iter()
                .filter(|(_, rule)| {
                    matches!(judge(*rule, time_at("0.3.45"), Some(&db)), Verdict::Fire(_))
                })
                .map(|(id, _)| *id)
                .collect();
            assert_eq!(
                fired,
                expected.into_iter().collect::<Vec<_>>(),
                "{informational:?} patched [{patched}]"
            );
        }
    }

    #[test]
    fn del10_needs_a_database_that_covers_the_ecosystem() {
        assert!(matches!(
            judge(security_fix_not_applied, time_at("0.3.45"), None),
            Verdict::NotEvaluated(_)
        ));
        let db = AdvisorySet::new(Vec::new(), vec![time_advisory("", "\">= 0.3.47\"")]);
        let mut npm = time_at("0.3.45");
        npm.ecosystem = Ecosystem::Npm;
        assert!(matches!(
            judge(security_fix_not_applied, npm, Some(&db)),
            Verdict::NotEvaluated(_)
        ));
        let mut unversioned = time_at("0.3.45");
        unversioned.version = None;
        assert!(matches!(
            judge(security_fix_not_applied, unversioned, Some(&db)),
            Verdict::NotEvaluated(_)
        ));
    }

    #[test]
    fn del10_reads_osv_fixed_events_and_stated_severity() {
        let text = r#"{"id": "GHSA-xxxx-yyyy-zzzz", "modified": "2026-03-01T00:00:00Z",
            "summary": "Prototype pollution",
            "database_specific": {"severity": "CRITICAL"},
            "affected": [{"package": {"ecosystem": "npm", "name": "left-pad"},
              "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.3.1"}]},
                         {"type": "SEMVER", "events": [{"introduced": "2.0.0"}, {"fixed": "2.0.4"}]}]}]}"#;
        let adv = crate::advisory::osv::parse("osv/GHSA-xxxx-yyyy-zzzz.json", text)
            .unwrap()
            .unwrap();
        let db = AdvisorySet::new(Vec::new(), vec![adv]);
        let mut c = Component::named("left-pad");
        c.ecosystem = Ecosystem::Npm;
        c.version = Some("1.2.0".into());
        match judge(security_fix_not_applied, c.clone(), Some(&db)) {
            Verdict::Fire(f) => {
                assert_eq!(
                    f.message.to_string(),
                    "left-pad@1.2.0 is affected by GHSA-xxxx-yyyy-zzzz (severity CRITICAL), fixed in 1.3.1"
                );
                assert_eq!(f.severity, Some(Severity::Critical));
            }
            v => panic!("{v:?}"),
        }
        c.version = Some("2.0.1".into());
        match judge(security_fix_not_applied, c.clone(), Some(&db)) {
            Verdict::Fire(f) => assert!(
                f.message.to_string().ends_with("fixed in 2.0.4"),
                "{}",
                f.message.to_string()
            ),
            v => panic!("{v:?}"),
        }
        c.version = Some("1.3.1".into());
        assert_eq!(judge(security_fix_not_applied, c, Some(&db)), Verdict::Pass);
    }

    fn sha(alg: HashAlg, v: &str) -> Hash {
        Hash {
            alg,
            value: v.into(),
        }
    }

    #[test]
    fn del02_hash_mismatch() {
        let mut c = resolved(Ecosystem::Cargo, "serde", "1.0.0");
        c.hashes = vec![sha(HashAlg::Sha256, "aa11")];
        assert!(matches!(
            run(hash_mismatch, c.clone()),
            Verdict::NotEvaluated(_)
        ));
        c.origin.as_mut().unwrap().checksums = vec![sha(HashAlg::Sha256, "AA11")];
        assert_eq!(
            run(hash_mismatch, c.clone()),
            Verdict::Pass,
            "case-insensitive"
        );
        c.origin.as_mut().unwrap().checksums = vec![sha(HashAlg::Sha256, "bb22")];
        assert!(fired(&run(hash_mismatch, c.clone())));
        // PyPI: one of the release's files.
        c.origin.as_mut().unwrap().checksums =
            vec![sha(HashAlg::Sha256, "bb22"), sha(HashAlg::Sha256, "aa11")];
        assert_eq!(run(hash_mismatch, c.clone()), Verdict::Pass);
        // No common algorithm, or a hash of something else (a yarn cache archive).
        c.origin.as_mut().unwrap().checksums = vec![sha(HashAlg::Sha512, "cc")];
        assert!(matches!(
            run(hash_mismatch, c.clone()),
            Verdict::NotEvaluated(_)
        ));
        c.hashes = vec![sha(HashAlg::Other("yarn-cache-SHA-512".into()), "dd")];
        assert!(matches!(run(hash_mismatch, c), Verdict::NotEvaluated(_)));
    }

    #[test]
    fn del06_fresh_release() {
        let mut c = resolved(Ecosystem::Npm, "fresh", "9.9.9");
        assert!(matches!(
            run(fresh_release, c.clone()),
            Verdict::NotEvaluated(_)
        ));
        // NOW is 2026-11-24T00:00:00Z.
        c.origin.as_mut().unwrap().published = Some("2026-11-20T08:00:00.000Z".into());
        match run(fresh_release, c.clone()) {
            Verdict::Fire(f) => assert!(
                f.message.to_string().contains("3 days"),
                "{}",
                f.message.to_string()
            ),
            v => panic!("{v:?}"),
        }
        c.origin.as_mut().unwrap().published = Some("2026-11-17T00:00:00Z".into());
        assert_eq!(run(fresh_release, c), Verdict::Pass, "7 days is old enough");
    }

    #[test]
    fn del07_new_publisher() {
        let mut c = resolved(Ecosystem::Npm, "event-stream", "3.3.6");
        assert!(matches!(
            run(new_publisher, c.clone()),
            Verdict::NotEvaluated(_)
        ));
        let o = c.origin.as_mut().unwrap();
        o.publisher = Some("right9ctrl".into());
        o.earlier_publishers = Some(vec!["dominictarr".into()]);
        assert!(fired(&run(new_publisher, c.clone())));
        c.origin.as_mut().unwrap().earlier_publishers =
            Some(vec!["dominictarr".into(), "right9ctrl".into()]);
        assert_eq!(run(new_publisher, c.clone()), Verdict::Pass);
        c.origin.as_mut().unwrap().earlier_publishers = Some(vec![]);
        assert_eq!(run(new_publisher, c), Verdict::Pass, "a first release");
    }
}
