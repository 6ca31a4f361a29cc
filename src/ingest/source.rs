//! Where a component came from, read from what an SBOM says: purl qualifiers
//! (`vcs_url`, `download_url`, `repository_url`) and download locations.

use crate::model::{Component, Ecosystem, ParsedPurl, SourceKind};

/// Sets a component's purl and the source it describes; an invalid purl is
/// kept as text with a warning naming where it was read.
pub fn apply_purl(c: &mut Component, raw: &str, pointer: &str, warnings: &mut Vec<String>) {
    match c.set_purl(raw) {
        Ok(Some(p)) => c.source = from_purl(&p, &c.ecosystem),
        Ok(None) => {}
        Err(e) => warnings.push(format!(
            "{pointer}: invalid purl {:?} ({e}); kept as text",
            raw.trim()
        )),
    }
}

/// A full commit id (SHA-1 or SHA-256 object name): the only git revision that cannot move.
pub fn is_commit_id(rev: &str) -> bool {
    (rev.len() == 40 || rev.len() == 64) && rev.bytes().all(|b| b.is_ascii_hexdigit())
}

/// True for URLs that name a version-control repository rather than a file.
pub fn is_vcs_url(url: &str) -> bool {
    let lower = url.to_ascii_lowercase();
    lower.starts_with("git+")
        || lower.starts_with("git://")
        || lower.starts_with("git@")
        || lower.starts_with("ssh://")
        || lower.starts_with("hg+")
        || lower.starts_with("svn+")
        || lower.starts_with("bzr+")
        || lower.starts_with("github:")
        || lower
            .split(['#', '?'])
            .next()
            .is_some_and(|u| u.ends_with(".git"))
}

/// Splits a VCS location into the repository URL and the revision. Forms:
/// npm's `url#rev`, pip's `url@rev#egg=name`, SPDX's `url@rev#sub/path`.
/// An `@rev` after the last `/` wins; a fragment is the revision only when it
/// is not pip's `key=value` or a path after an `@rev`.
fn split_rev(url: &str) -> (String, Option<String>) {
    let (base, fragment) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f).filter(|f| !f.is_empty())),
        None => (url, None),
    };
    if let Some(at) = base.rfind('@') {
        let slash = base.rfind('/').unwrap_or(0);
        if at > slash && base[..at].contains("://") {
            let rev = &base[at + 1..];
            return (
                base[..at].to_string(),
                Some(rev.to_string()).filter(|r| !r.is_empty()),
            );
        }
    }
    let rev = fragment.filter(|f| !f.contains('=')).map(str::to_string);
    (base.to_string(), rev)
}

/// A Cargo-style git URL that names a branch or tag in its query
/// (`?branch=main`, as cargo-cyclonedx copies Cargo's source into `vcs_url`):
/// the commit after it is only where that branch or tag pointed.
fn follows_branch_or_tag(url: &str) -> bool {
    url.split_once('?').is_some_and(|(_, query)| {
        query
            .split('&')
            .any(|pair| matches!(pair.split_once('=').map(|(k, _)| k), Some("branch" | "tag")))
    })
}

/// Classifies one location URL or path.
pub fn classify_location(loc: &str) -> SourceKind {
    let loc = loc.trim();
    let lower = loc.to_ascii_lowercase();
    if is_vcs_url(loc) {
        let (url, rev) = split_rev(loc);
        let pinned = rev.as_deref().is_some_and(is_commit_id) && !follows_branch_or_tag(&url);
        return SourceKind::Git { url, rev, pinned };
    }
    if lower.starts_with("file:")
        || lower.starts_with("link:")
        || lower.starts_with("./")
        || lower.starts_with("../")
        || lower.starts_with('/')
    {
        return SourceKind::Path {
            path: loc.to_string(),
        };
    }
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("ftp://")
    {
        return SourceKind::Url {
            url: loc.to_string(),
        };
    }
    SourceKind::Unknown
}

/// The source a purl describes: a VCS or download qualifier wins; a registry
/// ecosystem without one came from its registry.
pub fn from_purl(p: &ParsedPurl, eco: &Ecosystem) -> SourceKind {
    if let Some(vcs) = p.qualifier("vcs_url")
        && let k @ SourceKind::Git { .. } = classify_location(vcs)
    {
        return k;
    }
    if let Some(dl) = p.qualifier("download_url") {
        match classify_location(dl) {
            // A tarball URL of a registry ecosystem is that (possibly alternative) registry's file.
            SourceKind::Url { url } if eco.has_registry() => {
                return SourceKind::Registry { url: Some(url) };
            }
            SourceKind::Unknown => {}
            k => return k,
        }
    }
    if eco.has_registry()
        || matches!(
            eco,
            Ecosystem::Deb | Ecosystem::Rpm | Ecosystem::Apk | Ecosystem::Opkg
        )
    {
        return SourceKind::Registry {
            url: p.qualifier("repository_url").map(str::to_string),
        };
    }
    SourceKind::Unknown
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::parse_purl;

    #[test]
    fn git_revisions_pinned_only_on_commit_ids() {
        let k = classify_location(
            "git+ssh://git@example.com/a/b.git#c887c803ac56deb5f91b617ef0486ca3fb98473b",
        );
        assert!(matches!(k, SourceKind::Git { pinned: true, .. }));
        let k = classify_location("git+https://example.com/a/b.git@v1.2.0");
        match k {
            SourceKind::Git { rev, pinned, url } => {
                assert_eq!(rev.as_deref(), Some("v1.2.0"));
                assert_eq!(url, "git+https://example.com/a/b.git");
                assert!(!pinned);
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            classify_location("git://example.com/x"),
            SourceKind::Git {
                rev: None,
                pinned: false,
                ..
            }
        ));
    }

    #[test]
    fn a_commit_behind_a_cargo_branch_or_tag_query_is_not_pinned() {
        // cargo-cyclonedx writes Cargo's source with `#` turned into `@`.
        for (loc, pinned) in [
            (
                "git+https://git.example/x/y?branch=main@0123456789abcdef0123456789abcdef01234567",
                false,
            ),
            (
                "git+https://git.example/x/y?tag=v1.0.0@0123456789abcdef0123456789abcdef01234567",
                false,
            ),
            (
                "git+https://git.example/x/y?rev=0123456@0123456789abcdef0123456789abcdef01234567",
                true,
            ),
        ] {
            match classify_location(loc) {
                SourceKind::Git { rev, pinned: p, .. } => {
                    assert_eq!(p, pinned, "{loc}");
                    assert_eq!(
                        rev.as_deref(),
                        Some("0123456789abcdef0123456789abcdef01234567")
                    );
                }
                other => panic!("{loc}: {other:?}"),
            }
        }
        let p = parse_purl("pkg:cargo/gitdep@0.3.0?vcs_url=git%2Bhttps%3A%2F%2Fgit.example%2Fx%2Fy%3Fbranch%3Dmain%400123456789abcdef0123456789abcdef01234567").unwrap();
        assert!(matches!(
            from_purl(&p, &Ecosystem::Cargo),
            SourceKind::Git { pinned: false, .. }
        ));
    }

    #[test]
    fn paths_urls_and_unknowns() {
        assert!(matches!(
            classify_location("file:../lib"),
            SourceKind::Path { .. }
        ));
        assert!(matches!(
            classify_location("https://example.com/x-1.0.tgz"),
            SourceKind::Url { .. }
        ));
        assert_eq!(classify_location("NOASSERTION"), SourceKind::Unknown);
    }

    #[test]
    fn purl_sources() {
        let p = parse_purl("pkg:npm/a@1?download_url=https://npm.registry.example/a.tgz").unwrap();
        assert!(matches!(
            from_purl(&p, &Ecosystem::Npm),
            SourceKind::Registry { url: Some(_) }
        ));
        let p = parse_purl("pkg:generic/a@1?download_url=https://example.com/a.tgz").unwrap();
        assert!(matches!(
            from_purl(&p, &Ecosystem::Generic),
            SourceKind::Url { .. }
        ));
        let p = parse_purl("pkg:cargo/serde@1.0.0").unwrap();
        assert!(matches!(
            from_purl(&p, &Ecosystem::Cargo),
            SourceKind::Registry { url: None }
        ));
    }
}
