//! CON: single vendor and concentration (diversity of sources), and the
//! supplier shares the report summarises.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

use super::{Ctx, Fire, Verdict};
use crate::model::{Component, Inventory, RefKind, Scope, SourceKind};

/// Who stands behind a component, as far as the SBOM tells: the supplier or
/// author, else the package namespace, else the owner of its source
/// repository. The label says which.
pub fn supplier_key(c: &Component) -> Option<String> {
    if let Some(s) = c.responsible_party() {
        let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if !s.is_empty() {
            return Some(s);
        }
    }
    if let Some(ns) = c.namespace.as_deref().filter(|n| !n.is_empty()) {
        return Some(format!("namespace {ns}"));
    }
    c.references
        .iter()
        .filter(|r| r.kind == RefKind::Vcs)
        .find_map(|r| repository_owner(&r.url))
        .map(|o| format!("repository owner {o}"))
}

/// `host/owner` of a repository URL (`git+https://host/owner/repo.git`,
/// `git@host:owner/repo`).
fn repository_owner(url: &str) -> Option<String> {
    let rest = url
        .trim_start_matches("git+")
        .split_once("://")
        .map(|(_, r)| r)
        .or_else(|| url.strip_prefix("git@"))?;
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    let mut parts = rest.split(['/', ':']).filter(|p| !p.is_empty());
    let host = parts.next()?.to_ascii_lowercase();
    let owner = parts.next()?;
    Some(format!("{host}/{owner}"))
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SupplierShare {
    pub supplier: String,
    pub components: usize,
    /// Share of the components with a known supplier (0–1).
    pub share: f64,
}

/// Supplier shares over the delivered components (roots and excluded ones left out).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SupplierStats {
    /// Components judged.
    pub components: usize,
    /// Of those, components with a known supplier key.
    pub with_supplier: usize,
    /// Herfindahl–Hirschman index over the known suppliers, 0–10,000.
    pub hhi: f64,
    /// All suppliers, largest share first (ties by name).
    pub shares: Vec<SupplierShare>,
}

pub fn supplier_shares(inv: &Inventory) -> SupplierStats {
    let mut counts: HashMap<String, usize> = HashMap::new();
    let mut components = 0;
    for c in inv
        .components
        .iter()
        .filter(|c| !c.root && c.scope != Scope::Excluded)
    {
        components += 1;
        if let Some(k) = supplier_key(c) {
            *counts.entry(k).or_default() += 1;
        }
    }
    let with_supplier: usize = counts.values().sum();
    let mut shares: Vec<SupplierShare> = counts
        .into_iter()
        .map(|(supplier, n)| SupplierShare {
            supplier,
            components: n,
            share: n as f64 / with_supplier as f64,
        })
        .collect();
    shares.sort_by(|a, b| {
        b.components
            .cmp(&a.components)
            .then_with(|| a.supplier.cmp(&b.supplier))
    });
    let hhi = shares
        .iter()
        .map(|s| (s.share * 100.0).powi(2))
        .sum::<f64>();
    SupplierStats {
        components,
        with_supplier,
        hhi: (hhi * 10.0).round() / 10.0,
        shares,
    }
}

/// CON-03 (product): a supplier at or above `max_supplier_share`.
pub fn supplier_concentration(ctx: &Ctx) -> Vec<Verdict> {
    let stats = supplier_shares(ctx.inv);
    let min = ctx.thresholds.min_components_for_concentration;
    if stats.components == 0 {
        return Vec::new();
    }
    if stats.with_supplier < min.max(1) {
        return vec![Verdict::not_evaluated(format!(
            "{} of {} components have a known supplier, fewer than the {min} needed to judge concentration",
            stats.with_supplier, stats.components
        ))];
    }
    let limit = ctx.thresholds.max_supplier_share;
    let top: String = stats
        .shares
        .iter()
        .take(5)
        .map(|s| format!("{} {:.1} %", s.supplier, s.share * 100.0))
        .collect::<Vec<_>>()
        .join("; ");
    let over: Vec<Verdict> = stats
        .shares
        .iter()
        .filter(|s| s.share >= limit)
        .map(|s| {
            Verdict::Fire(Fire {
                message: format!(
                    "{} accounts for {:.1} % of components ({} of {} with a known supplier), at or above the {:.0} % limit; HHI {:.0}",
                    s.supplier,
                    s.share * 100.0,
                    s.components,
                    stats.with_supplier,
                    limit * 100.0,
                    stats.hhi
                ),
                evidence: vec![
                    ("supplier".into(), s.supplier.clone()),
                    ("share".into(), format!("{:.1} %", s.share * 100.0)),
                    ("threshold max_supplier_share".into(), format!("{:.0} %", limit * 100.0)),
                    ("components with a known supplier".into(), format!("{} of {}", stats.with_supplier, stats.components)),
                    ("HHI".into(), format!("{:.0}", stats.hhi)),
                    ("top suppliers".into(), top.clone()),
                ],
                sourced: Vec::new(),
                key: Some(s.supplier.clone()),
            })
        })
        .collect();
    if over.is_empty() {
        vec![Verdict::Pass]
    } else {
        over
    }
}

/// CON-04 (SBOM part): git, path, URL or vendored instead of a registry.
pub fn irregular_channel(c: &Component, _: &Ctx) -> Verdict {
    let (what, value) = match &c.source {
        SourceKind::Registry { .. } => return Verdict::Pass,
        SourceKind::Unknown => {
            return Verdict::not_evaluated("the SBOM does not say where the component came from");
        }
        SourceKind::Git { url, rev, pinned } => (
            format!(
                "git repository {url}{}",
                match (rev, pinned) {
                    (Some(r), true) => format!(" at commit {r}"),
                    (Some(r), false) => format!(" at movable revision {r}"),
                    (None, _) => " with no revision".to_string(),
                }
            ),
            url.clone(),
        ),
        SourceKind::Path { path } => (format!("local path {path}"), path.clone()),
        SourceKind::Url { url } => (format!("direct download {url}"), url.clone()),
        SourceKind::Vendored => ("a vendored copy".to_string(), "vendored".to_string()),
    };
    Verdict::fire(
        format!(
            "{} comes from {what}, not from a registry",
            c.display_name()
        ),
        vec![("source", format!("{}: {value}", c.source.label()))],
    )
}

/// CON-05 (SBOM part): nobody identifiable behind the component.
pub fn supplier_unknown(c: &Component, _: &Ctx) -> Verdict {
    if supplier_key(c).is_some() {
        return Verdict::Pass;
    }
    if c.ecosystem.has_registry() {
        return Verdict::not_evaluated(
            "no supplier, namespace or repository owner in the SBOM; the registry's publisher is needed, and registry resolution is not part of this scan",
        );
    }
    Verdict::fire(
        format!(
            "{} has no supplier, namespace or repository owner, and no registry to ask",
            c.display_name()
        ),
        vec![
            ("supplier", "absent".into()),
            ("namespace", "absent".into()),
            ("repository", "absent".into()),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::super::Thresholds;
    use super::super::testing::{fired, inventory, run};
    use super::*;
    use crate::model::Ecosystem;

    #[test]
    fn repository_owners() {
        assert_eq!(
            repository_owner("git+https://example.com/acme/x.git").as_deref(),
            Some("example.com/acme")
        );
        assert_eq!(
            repository_owner("git@example.com:acme/x.git").as_deref(),
            Some("example.com/acme")
        );
        assert_eq!(
            repository_owner("git+ssh://git@example.com/acme/x.git#abc").as_deref(),
            Some("example.com/acme")
        );
        assert_eq!(repository_owner("not a url"), None);
    }

    fn supplied(name: &str, supplier: &str) -> Component {
        let mut c = Component::named(name);
        c.supplier = Some(supplier.into());
        c
    }

    #[test]
    fn con03_fires_over_share_with_hhi() {
        let mut comps: Vec<Component> =
            (0..6).map(|i| supplied(&format!("a{i}"), "Acme")).collect();
        comps.extend((0..4).map(|i| supplied(&format!("b{i}"), &format!("Vendor {i}"))));
        let inv = inventory(comps);
        let t = Thresholds::default();
        let out = supplier_concentration(&Ctx {
            inv: &inv,
            thresholds: &t,
            now: super::super::testing::NOW,
            advisories: None,
        });
        assert_eq!(out.len(), 1);
        match &out[0] {
            Verdict::Fire(f) => {
                assert!(
                    f.message.starts_with("Acme accounts for 60.0 %"),
                    "{}",
                    f.message
                );
                // HHI: 60² + 4 × 10² = 4000.
                assert!(f.message.contains("HHI 4000"), "{}", f.message);
            }
            v => panic!("{v:?}"),
        }
        let diverse: Vec<Component> = (0..10)
            .map(|i| supplied(&format!("c{i}"), &format!("V{i}")))
            .collect();
        let inv = inventory(diverse);
        assert_eq!(
            supplier_concentration(&Ctx {
                inv: &inv,
                thresholds: &t,
                now: super::super::testing::NOW,
                advisories: None,
            }),
            vec![Verdict::Pass]
        );
        let few = inventory(vec![supplied("x", "Acme")]);
        assert!(matches!(
            supplier_concentration(&Ctx {
                inv: &few,
                thresholds: &t,
                now: super::super::testing::NOW,
                advisories: None,
            })[0],
            Verdict::NotEvaluated(_)
        ));
    }

    #[test]
    fn con04_channels() {
        let mut c = Component::named("a");
        c.source = SourceKind::Git {
            url: "git+https://example.com/a.git".into(),
            rev: Some("main".into()),
            pinned: false,
        };
        match run(irregular_channel, c) {
            Verdict::Fire(f) => assert!(f.message.contains("movable revision main")),
            v => panic!("{v:?}"),
        }
        let mut c = Component::named("a");
        c.source = SourceKind::Registry { url: None };
        assert_eq!(run(irregular_channel, c), Verdict::Pass);
        assert!(matches!(
            run(irregular_channel, Component::named("a")),
            Verdict::NotEvaluated(_)
        ));
    }

    #[test]
    fn con05_supplier_unknown() {
        assert!(fired(&run(supplier_unknown, Component::named("blob"))));
        let mut c = Component::named("lodash");
        c.ecosystem = Ecosystem::Npm;
        assert!(matches!(run(supplier_unknown, c), Verdict::NotEvaluated(_)));
        let mut c = Component::named("x");
        c.namespace = Some("org.acme".into());
        assert_eq!(run(supplier_unknown, c), Verdict::Pass);
    }
}
