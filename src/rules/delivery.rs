//! DEL: delivery integrity. Can the delivered component be verified and was it
//! pinned and fetched over a safe channel?

use super::facts::{self, evidence, input_evidence, threshold};
use super::{Ctx, Verdict};
use crate::model::{Component, HashAlg, RefKind, SourceKind};

/// DEL-01: no hash at all. A vendored copy shipped inside a parent package
/// (npm bundled dependencies) is covered by the parent's hash.
pub fn hash_missing(c: &Component, ctx: &Ctx) -> Verdict {
    if !c.hashes.is_empty() {
        return Verdict::Pass;
    }
    let parent_hashed = c
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
        .map(|f| if f.is_sbom() { "SBOM" } else { "lockfile" })
        .next()
        .unwrap_or("input");
    Verdict::fire(
        format!("{} has no hash in its {input}", c.display_name()),
        vec![("hashes", "absent".into())],
    )
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
    if o.checksums.is_empty() {
        return Verdict::not_evaluated("the registry gives no checksum for this version");
    }
    let mut compared = false;
    for h in &c.hashes {
        if matches!(h.alg, HashAlg::Other(_)) {
            continue;
        }
        let theirs: Vec<&str> = o
            .checksums
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
                format!(
                    "{}: the {} {} in the input differs from the registry's checksum for this version",
                    c.display_name(),
                    h.alg.as_str(),
                    short(&h.value)
                ),
                vec![
                    input_evidence(
                        ctx,
                        c,
                        &format!("input {}", h.alg.as_str()),
                        h.value.clone(),
                    ),
                    evidence(
                        c,
                        o,
                        &format!("registry {}", h.alg.as_str()),
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
        format!(
            "{} was published {} before the scan, under the {limit}-day minimum age",
            c.display_name(),
            match age {
                ..=0 => "less than a day".to_string(),
                1 => "1 day".to_string(),
                n => format!("{n} days"),
            }
        ),
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
        format!(
            "{} was published by {publisher}, who published none of its earlier versions",
            c.display_name()
        ),
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
        format!(
            "{} is protected only by {}, which can be forged",
            c.display_name(),
            algs.join(" and ")
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
            Some(r) => format!("git revision {r:?}, a branch or tag that can move"),
            None => "git with no revision (the default branch)".to_string(),
        };
        return Verdict::fire(
            format!("{} is taken from {what}", c.display_name()),
            vec![
                ("source", url.clone()),
                ("revision", rev.clone().unwrap_or_else(|| "absent".into())),
            ],
        );
    }
    if let (None, Some(req)) = (&c.version, &c.constraint) {
        return Verdict::fire(
            format!(
                "{} is required as {req:?}, not pinned to one release",
                c.display_name()
            ),
            vec![("requirement", req.clone())],
        );
    }
    let Some(v) = c.version.as_deref() else {
        return Verdict::not_evaluated("no version to judge (see SBM-02)");
    };
    if is_range(v) {
        return Verdict::fire(
            format!(
                "{} is a version range {v:?}, not one release",
                c.display_name()
            ),
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
        format!(
            "{} names an unencrypted download or source location: {}",
            c.display_name(),
            urls.join(", ")
        ),
        urls.iter().map(|u| ("url", u.to_string())).collect(),
    )
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
        use super::super::testing::inventory;
        use super::super::{Ctx, Thresholds};
        let mut parent = Component::named("parent");
        parent.add_hash("SHA-512", "aa");
        let mut bundled = Component::named("bundled");
        bundled.source = SourceKind::Vendored;
        bundled.parent = Some(0);
        let mut inv = inventory(vec![parent, bundled]);
        let t = Thresholds::default();
        assert_eq!(
            hash_missing(
                &inv.components[1],
                &Ctx {
                    inv: &inv,
                    thresholds: &t,
                    now: super::super::testing::NOW,
                    advisories: None,
                }
            ),
            Verdict::Pass
        );
        inv.components[0].hashes.clear();
        assert!(fired(&hash_missing(
            &inv.components[1],
            &Ctx {
                inv: &inv,
                thresholds: &t,
                now: super::super::testing::NOW,
                advisories: None,
            }
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
        c.constraint = Some(">=2023.7.22".into());
        assert!(fired(&run(unpinned, c)));
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

    use super::super::testing::resolved;
    use crate::model::{Ecosystem, Hash};

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
            Verdict::Fire(f) => assert!(f.message.contains("3 days"), "{}", f.message),
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
