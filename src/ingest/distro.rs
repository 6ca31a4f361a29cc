//! The release and the source package of each distribution package (deb,
//! rpm, apk, opkg), from what the inputs say: the purl's `distro` qualifier,
//! its `upstream` qualifier and `arch=source` components linked to binaries,
//! else the SBOM's operating-system component, else the one release every
//! other package of the same distribution names (debsbom leaves `distro`
//! off the packages apt no longer lists — the superseded and the foreign
//! ones — while naming it on all others). Codename ↔ number mapping
//! needs the distributions' own data and is left to the lifecycle stage;
//! here a release is what the input wrote, nothing guessed.

use rayon::prelude::*;

use crate::model::{Component, DistroRelease, Ecosystem, Inventory, SourcePackage, parse_purl};

/// Fills `release` and `source_package` where the inputs tell.
pub fn assign(inv: &mut Inventory) {
    let os = operating_systems(inv);
    let sources = source_links(inv);
    // Each component on its own: in parallel.
    inv.components
        .par_iter_mut()
        .enumerate()
        .for_each(|(i, c)| {
            if c.release.is_none() && is_operating_system(c) {
                c.release = os_release(c).map(Box::new);
                return;
            }
            if !c.ecosystem.is_distribution() {
                return;
            }
            let Some(purl) = c.purl.as_deref().and_then(|p| parse_purl(p).ok()) else {
                return;
            };
            if c.release.is_none() {
                let distro = purl
                    .namespace
                    .as_deref()
                    .map(str::to_ascii_lowercase)
                    .or_else(|| default_distro(&c.ecosystem).map(str::to_string));
                c.release = match (purl.qualifier("distro"), distro) {
                    (Some(q), Some(d)) => Some(release_from_qualifier(&d, q)),
                    (Some(q), None) => release_from_qualifier_alone(q),
                    (None, Some(d)) => os.iter().find(|r| r.distro == d).cloned(),
                    (None, None) => (os.len() == 1).then(|| os[0].clone()),
                }
                .map(Box::new);
            }
            if c.source_package.is_none() {
                c.source_package = if c.is_source_package() {
                    Some(SourcePackage {
                        name: c.name.clone(),
                        version: c.version.clone(),
                    })
                } else if let Some(up) = purl.qualifier("upstream") {
                    Some(upstream(up))
                } else {
                    sources[i].clone()
                }
                .map(Box::new);
            }
        });
    infer_from_siblings(inv);
}

/// A distribution package with no release (or only the distribution's
/// name) takes the release the other packages of its distribution and
/// ecosystem name, when they name exactly one; several: none is chosen.
fn infer_from_siblings(inv: &mut Inventory) {
    use std::collections::{BTreeMap, BTreeSet};
    let known_release = |r: &DistroRelease| r.version.is_some() || r.codename.is_some();
    let mut named: BTreeMap<(Ecosystem, String), BTreeSet<DistroRelease>> = BTreeMap::new();
    for c in &inv.components {
        if let Some(r) = c.release.as_ref().filter(|r| known_release(r))
            && c.ecosystem.is_distribution()
        {
            named
                .entry((c.ecosystem.clone(), r.distro.clone()))
                .or_default()
                .insert(DistroRelease::clone(r));
        }
    }
    // No package names a release: there is nothing to take (and each
    // package without one would have its purl parsed for nothing).
    if named.is_empty() {
        return;
    }
    for c in &mut inv.components {
        if !c.ecosystem.is_distribution() || c.release.as_deref().is_some_and(known_release) {
            continue;
        }
        let distro = match &c.release {
            Some(r) => Some(r.distro.clone()),
            None => c
                .purl
                .as_deref()
                .and_then(|p| parse_purl(p).ok())
                .and_then(|p| p.namespace.map(|n| n.to_ascii_lowercase()))
                .or_else(|| default_distro(&c.ecosystem).map(str::to_string)),
        };
        let Some(distro) = distro else { continue };
        if let Some(set) = named.get(&(c.ecosystem.clone(), distro))
            && set.len() == 1
        {
            c.release = set.iter().next().cloned().map(Box::new);
        }
    }
}

/// The distribution a purl type implies when the namespace is missing.
fn default_distro(eco: &Ecosystem) -> Option<&'static str> {
    match eco {
        Ecosystem::Apk => Some("alpine"),
        Ecosystem::Opkg => Some("openwrt"),
        _ => None,
    }
}

/// `debian-12`, `bookworm`, `12`, `fedora-40`, `3.19`, `alpine-3.19`,
/// `ubuntu-22.04`, `jammy`, for the purl namespace's distribution.
pub fn release_from_qualifier(distro: &str, q: &str) -> DistroRelease {
    let q = q.trim();
    let rest = strip_distro_prefix(q, distro).unwrap_or(q);
    let mut r = DistroRelease {
        distro: distro.to_string(),
        ..DistroRelease::default()
    };
    if rest.starts_with(|c: char| c.is_ascii_digit()) {
        r.version = Some(rest.to_string());
    } else if !rest.is_empty() {
        r.codename = Some(rest.to_ascii_lowercase());
    }
    r
}

/// A `distro` qualifier with no namespace to say whose: only `<id>-<number>` names one.
fn release_from_qualifier_alone(q: &str) -> Option<DistroRelease> {
    let (id, rest) = q.split_once('-')?;
    (id.chars().all(|c| c.is_ascii_alphabetic()) && rest.starts_with(|c: char| c.is_ascii_digit()))
        .then(|| release_from_qualifier(&id.to_ascii_lowercase(), q))
}

fn strip_distro_prefix<'a>(q: &'a str, distro: &str) -> Option<&'a str> {
    let head = q.get(..distro.len())?;
    head.eq_ignore_ascii_case(distro)
        .then(|| q[distro.len()..].strip_prefix('-'))
        .flatten()
}

/// Syft writes `upstream=openssl` or `upstream=openssl@3.0.11-1`.
fn upstream(q: &str) -> SourcePackage {
    match q.split_once('@') {
        Some((name, version)) => SourcePackage {
            name: name.to_string(),
            version: Some(version.to_string()),
        },
        None => SourcePackage {
            name: q.to_string(),
            version: None,
        },
    }
}

/// The operating systems the inputs declare (CycloneDX `operating-system`,
/// SPDX `OPERATING-SYSTEM`), as releases.
fn operating_systems(inv: &Inventory) -> Vec<DistroRelease> {
    let mut out: Vec<DistroRelease> = inv
        .components
        .iter()
        .filter(|c| is_operating_system(c))
        .filter_map(os_release)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// `operating-system`, in any case, `_` taken for `-`; compared in place:
/// a copy per component was most of the first pass over 100,000 of them.
fn is_operating_system(c: &Component) -> bool {
    c.kind.as_deref().is_some_and(|k| {
        let want = b"operating-system";
        k.len() == want.len()
            && k.bytes()
                .zip(want)
                .all(|(a, &b)| a.to_ascii_lowercase() == b || (a == b'_' && b == b'-'))
    })
}

fn os_release(c: &Component) -> Option<DistroRelease> {
    // `Debian`, `Debian GNU/Linux`, `ubuntu`, `Alpine Linux`: the first word is the id.
    let distro = c.name.split_whitespace().next()?.to_ascii_lowercase();
    if distro.is_empty() {
        return None;
    }
    let version = c
        .version
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty());
    Some(match version {
        Some(v) => release_from_qualifier(&distro, v),
        None => DistroRelease {
            distro,
            ..DistroRelease::default()
        },
    })
}

/// Each binary's source package from the graph: an edge from a binary to an
/// `arch=source` component of the same ecosystem (how debsbom's CycloneDX
/// links them). With several (Built-Using), the one of the binary's own
/// version, else none is guessed.
fn source_links(inv: &Inventory) -> Vec<Option<SourcePackage>> {
    let mut found: Vec<Vec<usize>> = vec![Vec::new(); inv.components.len()];
    for e in &inv.edges {
        let (Some(from), Some(to)) = (inv.components.get(e.from), inv.components.get(e.to)) else {
            continue;
        };
        if from.ecosystem.is_distribution()
            && from.ecosystem == to.ecosystem
            && to.is_source_package()
        {
            found[e.from].push(e.to);
        }
    }
    found
        .into_iter()
        .enumerate()
        .map(|(i, srcs)| {
            let pick = match srcs.as_slice() {
                [] => return None,
                [one] => *one,
                many => {
                    let own = strip_binnmu(inv.components[i].version.as_deref()?);
                    *many
                        .iter()
                        .find(|s| inv.components[**s].version.as_deref() == Some(own))?
                }
            };
            let s = &inv.components[pick];
            Some(SourcePackage {
                name: s.name.clone(),
                version: s.version.clone(),
            })
        })
        .collect()
}

/// `1.2-3+b1` → `1.2-3`: a binary-only rebuild keeps its source's version.
fn strip_binnmu(v: &str) -> &str {
    match v.rfind("+b") {
        Some(i) if v[i + 2..].bytes().all(|b| b.is_ascii_digit()) && i + 2 < v.len() => &v[..i],
        _ => v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Edge;

    fn comp(purl: &str) -> Component {
        let mut c = Component::default();
        c.set_purl(purl).unwrap();
        c
    }

    fn inventory(components: Vec<Component>, edges: &[(usize, usize)]) -> Inventory {
        let mut inv = Inventory {
            components,
            edges: edges.iter().map(|&(from, to)| Edge { from, to }).collect(),
            ..Inventory::default()
        };
        for (i, c) in inv.components.iter_mut().enumerate() {
            c.id = i;
        }
        inv
    }

    fn rel(
        distro: &str,
        version: Option<&str>,
        codename: Option<&str>,
    ) -> Option<Box<DistroRelease>> {
        Some(Box::new(crate::model::distro::rel(
            distro, version, codename,
        )))
    }

    #[test]
    fn the_distro_qualifier_names_the_release_in_every_spelling() {
        let mut inv = inventory(
            vec![
                comp("pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12"),
                comp("pkg:deb/debian/bash@5.2.15-2?arch=amd64&distro=bookworm"),
                comp("pkg:rpm/fedora/curl@8.6.0-1.fc40?distro=fedora-40"),
                comp("pkg:apk/alpine/musl@1.2.4-r2?distro=3.19"),
                comp("pkg:deb/ubuntu/libc6@2.35-0ubuntu3?distro=ubuntu-22.04"),
                comp("pkg:npm/left-pad@1.3.0"),
            ],
            &[],
        );
        assign(&mut inv);
        let got: Vec<_> = inv.components.iter().map(|c| c.release.clone()).collect();
        assert_eq!(
            got,
            vec![
                rel("debian", Some("12"), None),
                rel("debian", None, Some("bookworm")),
                rel("fedora", Some("40"), None),
                rel("alpine", Some("3.19"), None),
                rel("ubuntu", Some("22.04"), None),
                None,
            ]
        );
    }

    #[test]
    fn the_operating_system_kind_is_known_in_any_case_and_with_underscores() {
        let kind = |k: &str| {
            let mut c = Component::named("debian");
            c.kind = Some(k.to_string());
            is_operating_system(&c)
        };
        for yes in [
            "operating-system",
            "OPERATING_SYSTEM",
            "Operating-System",
            "operating_system",
        ] {
            assert!(kind(yes), "{yes}");
        }
        for no in [
            "operating system",
            "operating-systems",
            "operating-sys",
            "",
            "library",
            "operating-systeM2",
        ] {
            assert!(!kind(no), "{no}");
        }
        assert!(!is_operating_system(&Component::named("debian")));
    }

    #[test]
    fn without_a_qualifier_the_operating_system_component_names_the_release() {
        let mut os = Component::named("Debian");
        os.kind = Some("operating-system".into());
        os.version = Some("12".into());
        let mut inv = inventory(
            vec![
                os,
                comp("pkg:deb/debian/base-files@12.4%2Bdeb12u11?arch=amd64"),
                comp("pkg:rpm/fedora/curl@8.6.0-1.fc40"),
            ],
            &[],
        );
        assign(&mut inv);
        assert_eq!(
            inv.components[0].release,
            rel("debian", Some("12"), None),
            "the OS is the release"
        );
        assert_eq!(inv.components[1].release, rel("debian", Some("12"), None));
        assert_eq!(
            inv.components[2].release, None,
            "a Debian system says nothing of a Fedora package"
        );
    }

    #[test]
    fn a_package_without_a_release_takes_the_one_its_siblings_name() {
        // debsbom: `distro` on the packages apt lists, not on the others.
        let mut inv = inventory(
            vec![
                comp("pkg:deb/debian/bash@5.2.15-2%2Bb13?arch=amd64&distro=bookworm"),
                comp("pkg:deb/debian/libc6@2.36-9%2Bdeb12u7?arch=amd64&distro=bookworm"),
                comp("pkg:deb/debian/base-files@12.4%2Bdeb12u11?arch=amd64"),
                comp("pkg:deb/ubuntu/curl@8.5.0-2ubuntu10?arch=amd64"),
            ],
            &[],
        );
        assign(&mut inv);
        assert_eq!(
            inv.components[2].release,
            rel("debian", None, Some("bookworm"))
        );
        assert_eq!(
            inv.components[3].release, None,
            "no Ubuntu package names a release"
        );

        // Two releases named: none is chosen.
        let mut mixed = inventory(
            vec![
                comp("pkg:deb/debian/bash@5.2.15-2?arch=amd64&distro=bookworm"),
                comp("pkg:deb/debian/bash@5.2.37-2?arch=amd64&distro=trixie"),
                comp("pkg:deb/debian/base-files@12.4?arch=amd64"),
            ],
            &[],
        );
        assign(&mut mixed);
        assert_eq!(mixed.components[2].release, None);
    }

    #[test]
    fn a_binary_takes_its_source_from_the_arch_source_component_it_depends_on() {
        let mut inv = inventory(
            vec![
                comp("pkg:deb/debian/libssl3@3.0.11-1~deb12u2%2Bb1?arch=amd64&distro=bookworm"),
                comp("pkg:deb/debian/openssl@3.0.11-1~deb12u2?arch=source&distro=bookworm"),
                comp("pkg:deb/debian/zlib@1:1.2.13.dfsg-1?arch=source&distro=bookworm"),
                comp("pkg:deb/debian/curl@7.88.1-10?arch=amd64&upstream=curl%407.88.1-10"),
            ],
            &[(0, 1), (0, 2)],
        );
        assign(&mut inv);
        let src = |i: usize| inv.components[i].source_package.as_deref().cloned();
        assert_eq!(
            src(0),
            Some(SourcePackage {
                name: "openssl".into(),
                version: Some("3.0.11-1~deb12u2".into())
            }),
            "of two linked sources, the one of the binary's own version (binNMU stripped)"
        );
        assert_eq!(
            src(1).unwrap().name,
            "openssl",
            "a source package is its own source"
        );
        assert_eq!(
            src(3),
            Some(SourcePackage {
                name: "curl".into(),
                version: Some("7.88.1-10".into())
            })
        );
    }

    #[test]
    fn an_unknown_link_is_not_guessed() {
        let mut inv = inventory(
            vec![
                comp("pkg:deb/debian/libfoo1@2.0-1?arch=amd64"),
                comp("pkg:deb/debian/a@1.0-1?arch=source"),
                comp("pkg:deb/debian/b@1.5-1?arch=source"),
            ],
            &[(0, 1), (0, 2)],
        );
        assign(&mut inv);
        assert_eq!(inv.components[0].source_package, None);
        assert_eq!(
            inv.components[0].release, None,
            "no qualifier, no OS component"
        );
    }
}
