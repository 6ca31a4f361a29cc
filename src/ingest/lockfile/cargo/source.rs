//! Cargo sources (registry, git, path), their purls and references, and the
//! component a package becomes.

use std::borrow::Cow;
use std::collections::HashMap;

use cargo_lock::package::{GitReference, SourceId, SourceKind as LockSourceKind};

use crate::ingest::source::is_commit_id;
use crate::model::encode::{is_unreserved, percent_encode};
use crate::model::{Component, Ecosystem, InputError, RefKind, SourceKind};

// ---------------------------------------------------------------------------
// Sources, purls, references
// ---------------------------------------------------------------------------

/// What a Cargo source id says, computed once per distinct source.
#[derive(Clone, Debug)]
pub(super) struct CargoSource {
    pub(super) kind: SourceKind,
    /// The purl qualifier: `vcs_url` for git, `repository_url` for a registry
    /// other than the default one.
    pub(super) qualifier: Option<(&'static str, String)>,
    /// A git source is also a VCS reference, written as Cargo wrote it, so
    /// that the branch, tag or rev it follows stays visible.
    pub(super) vcs_reference: bool,
}

pub(super) fn classify_source(raw: &str) -> Result<CargoSource, InputError> {
    let id = SourceId::from_url(raw).map_err(|e| InputError::new(e.to_string()))?;
    let plain = |kind| CargoSource {
        kind,
        qualifier: None,
        vcs_reference: false,
    };
    Ok(match id.kind() {
        LockSourceKind::Git(reference) => {
            let url = format!("git+{}", id.url());
            // The locked commit; a source without one follows its reference.
            let rev = id
                .precise()
                .map(str::to_string)
                .or_else(|| match reference {
                    GitReference::Branch(r) | GitReference::Tag(r) | GitReference::Rev(r) => {
                        Some(r.clone())
                    }
                    GitReference::DefaultBranch => None,
                });
            // Pinned only when the manifest names a commit: a branch, a tag
            // or the default branch moves on `cargo update`, whatever commit
            // the lockfile recorded for it now.
            let pinned = rev.as_deref().is_some_and(is_commit_id)
                && match reference {
                    GitReference::Rev(r) => is_commit_prefix(r),
                    GitReference::Branch(_)
                    | GitReference::Tag(_)
                    | GitReference::DefaultBranch => false,
                };
            let vcs_url = match &rev {
                Some(r) => format!("{url}@{r}"),
                None => url.clone(),
            };
            CargoSource {
                kind: SourceKind::Git { url, rev, pinned },
                qualifier: Some(("vcs_url", vcs_url)),
                vcs_reference: true,
            }
        }
        LockSourceKind::Registry
        | LockSourceKind::SparseRegistry
        | LockSourceKind::LocalRegistry => {
            let url = id.url().to_string();
            CargoSource {
                qualifier: (!id.is_default_registry()).then(|| ("repository_url", url.clone())),
                kind: SourceKind::Registry { url: Some(url) },
                vcs_reference: false,
            }
        }
        LockSourceKind::Path => plain(SourceKind::Path {
            path: id
                .url()
                .to_file_path()
                .map(|p| p.display().to_string())
                .unwrap_or_else(|_| id.url().to_string()),
        }),
        LockSourceKind::Directory => plain(SourceKind::Vendored),
        _ => plain(SourceKind::Unknown),
    })
}

/// A `rev = "…"` that names a commit: hexadecimal, at least 7 digits (git's
/// shortest abbreviation). Anything else (`refs/pull/1/head`) is a ref that can move.
pub(super) fn is_commit_prefix(rev: &str) -> bool {
    rev.len() >= 7 && rev.len() <= 64 && rev.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Percent-encodes what a purl part must not carry raw (`+` in a semver build
/// suffix, `#`, `?`, `&`, `=` in a URL qualifier).
pub(super) fn purl_encode<'a>(s: &'a str, keep: &[u8]) -> Cow<'a, str> {
    percent_encode(s, |_, ch| {
        is_unreserved(ch) || (ch.is_ascii() && keep.contains(&(ch as u8)))
    })
}

pub(crate) fn cargo_purl(
    name: &str,
    version: &str,
    qualifier: Option<&(&'static str, String)>,
) -> String {
    let mut purl = format!(
        "pkg:cargo/{}@{}",
        purl_encode(name, b""),
        purl_encode(version, b"")
    );
    if let Some((key, value)) = qualifier {
        purl.push('?');
        purl.push_str(key);
        purl.push('=');
        purl.push_str(&purl_encode(value, b":/@"));
    }
    purl
}

/// Document-local references in Cargo's own style: `name version`, with
/// ` (source)` added where two packages share a name and version (as Cargo
/// does in dependency lists). Short keys keep edges and merging cheap.
pub(super) fn package_keys<'a>(
    packages: impl Iterator<Item = (&'a str, &'a str, Option<&'a str>)>,
) -> Vec<String> {
    let packages: Vec<_> = packages.collect();
    let mut seen: HashMap<(&str, &str), u32> = HashMap::with_capacity(packages.len());
    for (name, version, _) in &packages {
        *seen.entry((*name, *version)).or_default() += 1;
    }
    packages
        .iter()
        .map(|(name, version, source)| match source {
            Some(s) if seen[&(*name, *version)] > 1 => format!("{name} {version} ({s})"),
            _ => format!("{name} {version}"),
        })
        .collect()
}

/// Classifies sources once each: a lockfile names a handful of sources for
/// thousands of packages.
#[derive(Default)]
pub(super) struct Sources(pub(super) HashMap<String, Result<CargoSource, InputError>>);

impl Sources {
    pub(super) fn get(&mut self, raw: &str) -> &Result<CargoSource, InputError> {
        if !self.0.contains_key(raw) {
            self.0.insert(raw.to_string(), classify_source(raw));
        }
        &self.0[raw]
    }
}

/// A Cargo component with its identity, source, purl and checksum; `path`
/// is the location of a crate that has no source (workspace and path crates).
#[allow(clippy::too_many_arguments)]
pub(super) fn new_component(
    key: &str,
    name: &str,
    version: &str,
    source: Option<&str>,
    path: &str,
    sources: &mut Sources,
    warnings: &mut Vec<String>,
    pointer: &str,
) -> Component {
    let mut c = Component::named(name);
    c.ecosystem = Ecosystem::Cargo;
    c.version = Some(version.to_string());
    c.bom_ref = Some(key.to_string());
    let classified = match source {
        None => Ok(CargoSource {
            kind: SourceKind::Path {
                path: path.to_string(),
            },
            qualifier: None,
            vcs_reference: false,
        }),
        Some(s) => sources.get(s).clone(),
    };
    let qualifier = match classified {
        Ok(cs) => {
            if cs.vcs_reference
                && let Some(s) = source
            {
                c.add_reference(RefKind::Vcs, s);
            }
            c.source = cs.kind;
            cs.qualifier
        }
        Err(e) => {
            warnings.push(format!(
                "{pointer}: source {:?} of {name} {version} not understood ({e})",
                source.unwrap_or_default()
            ));
            None
        }
    };
    if let Err(e) = c.set_purl(&cargo_purl(name, version, qualifier.as_ref())) {
        warnings.push(format!(
            "{pointer}: no valid purl for {name} {version} ({e})"
        ));
    }
    c
}
