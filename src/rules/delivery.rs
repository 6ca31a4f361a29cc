//! DEL: delivery integrity. Can the delivered component be verified and was it
//! pinned and fetched over a safe channel?

use super::{Ctx, Verdict};
use crate::model::{Component, RefKind, SourceKind};

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
    Verdict::fire(
        format!("{} has no hash in the SBOM", c.display_name()),
        vec![("hashes", "absent".into())],
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
            "{} is fetched over an unencrypted channel: {}",
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
}
