//! CON: single vendor and concentration (diversity of sources), and the
//! supplier shares the report summarises.

use rayon::prelude::*;
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

use super::{Ctx, Fire, Verdict};
use crate::model::{Component, Inventory, Message, RefKind, Scope, SourceKind, Template};

/// Who stands behind a component: the supplier or author the SBOM names,
/// else the package namespace, else the owner of its source repository as
/// the SBOM or, failing that, its registry gives it. The label says which.
pub fn supplier_key(c: &Component) -> Option<Cow<'_, str>> {
    if let Some(s) = c.responsible_party() {
        // Borrowed when already in the form the key takes (most names are):
        // the shares are counted over every component.
        if s.split_whitespace().eq(s.split(' ')) {
            return Some(Cow::Borrowed(s));
        }
        let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
        if !s.is_empty() {
            return Some(Cow::Owned(s));
        }
    }
    if let Some(ns) = c.namespace.as_deref().filter(|n| !n.is_empty()) {
        return Some(Cow::Owned(format!("namespace {ns}")));
    }
    c.references
        .iter()
        .filter(|r| r.kind == RefKind::Vcs)
        .find_map(|r| repository_owner(&r.url))
        .or_else(|| {
            c.origin
                .as_ref()
                .and_then(|o| o.repository.as_deref())
                .and_then(repository_owner)
        })
        .map(|o| Cow::Owned(format!("repository owner {o}")))
}

/// Whether [`supplier_key`] names somebody, without writing the key out
/// (CON-05 asks this of every component).
pub fn has_supplier_key(c: &Component) -> bool {
    c.responsible_party()
        .is_some_and(|s| s.split_whitespace().next().is_some())
        || c.namespace.as_deref().is_some_and(|n| !n.is_empty())
        || c.references
            .iter()
            .any(|r| r.kind == RefKind::Vcs && owner_parts(&r.url).is_some())
        || c.origin
            .as_ref()
            .and_then(|o| o.repository.as_deref())
            .is_some_and(|r| owner_parts(r).is_some())
}

/// `host/owner` of a repository URL (`git+https://host/owner/repo.git`,
/// `git@host:owner/repo`).
fn repository_owner(url: &str) -> Option<String> {
    let (host, owner) = owner_parts(url)?;
    // Code hosts treat owner names case-insensitively: `Google` is `google`.
    Some(format!(
        "{}/{}",
        host.to_ascii_lowercase(),
        owner.to_ascii_lowercase()
    ))
}

/// The host and owner of a repository URL, as written.
fn owner_parts(url: &str) -> Option<(&str, &str)> {
    let rest = url
        .trim_start_matches("git+")
        .split_once("://")
        .map(|(_, r)| r)
        .or_else(|| url.strip_prefix("git@"))?;
    let rest = rest.rsplit_once('@').map_or(rest, |(_, r)| r);
    let mut parts = rest.split(['/', ':']).filter(|p| !p.is_empty());
    Some((parts.next()?, parts.next()?))
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
    type Counts<'a> = FxHashMap<Cow<'a, str>, usize>;
    let (components, counts) = inv
        .components
        .par_iter()
        .filter(|c| !c.root && c.scope != Scope::Excluded)
        .fold(
            || (0usize, Counts::default()),
            |(n, mut counts), c| {
                if let Some(k) = supplier_key(c) {
                    *counts.entry(k).or_default() += 1;
                }
                (n + 1, counts)
            },
        )
        .reduce(
            || (0usize, Counts::default()),
            |(n, mut a), (m, b)| {
                for (k, v) in b {
                    *a.entry(k).or_default() += v;
                }
                (n + m, a)
            },
        );
    let with_supplier: usize = counts.values().sum();
    let mut shares: Vec<SupplierShare> = counts
        .into_iter()
        .map(|(supplier, n)| SupplierShare {
            supplier: supplier.into_owned(),
            components: n,
            share: n as f64 / with_supplier as f64,
        })
        .collect();
    shares.sort_by(|a, b| {
        b.components
            .cmp(&a.components)
            .then_with(|| a.supplier.cmp(&b.supplier))
    });
    // A fold from +0.0: `sum` of no floats is -0.0, which JSON writes as `-0.0`.
    let hhi = shares
        .iter()
        .map(|s| (s.share * 100.0).powi(2))
        .fold(0.0, |a, b| a + b);
    SupplierStats {
        components,
        with_supplier,
        hhi: (hhi * 10.0).round() / 10.0,
        shares,
    }
}

static CONCENTRATED: Template = Template::new(
    "{supplier} accounts for {share} % of components ({n} of {total} with a known supplier), at or above the {limit} % limit; HHI {hhi}",
    "{supplier} 占组件的 {share} %（已知供应商的 {total} 个组件中的 {n} 个），达到或超过 {limit} % 的上限；HHI {hhi}",
);

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
        .filter(|s| s.share >= limit && !is_allowed_supplier(ctx, &s.supplier))
        .map(|s| {
            Verdict::Fire(Fire {
                message: Message::new(&CONCENTRATED)
                    .arg("supplier", s.supplier.as_str())
                    .arg("share", format!("{:.1}", s.share * 100.0))
                    .arg("n", s.components.to_string())
                    .arg("total", stats.with_supplier.to_string())
                    .arg("limit", format!("{:.0}", limit * 100.0))
                    .arg("hhi", format!("{:.0}", stats.hhi)),
                evidence: vec![
                    ("supplier".into(), s.supplier.clone()),
                    ("share".into(), format!("{:.1} %", s.share * 100.0)),
                    (
                        "threshold max_supplier_share".into(),
                        format!("{:.0} %", limit * 100.0),
                    ),
                    (
                        "components with a known supplier".into(),
                        format!("{} of {}", stats.with_supplier, stats.components),
                    ),
                    ("HHI".into(), format!("{:.0}", stats.hhi)),
                    ("top suppliers".into(), top.clone()),
                ],
                sourced: Vec::new(),
                key: Some(s.supplier.clone()),
                severity: None,
            })
        })
        .collect();
    if over.is_empty() {
        vec![Verdict::Pass]
    } else {
        over
    }
}

/// Whether the policy accepts this supplier key (`allowed_suppliers`).
fn is_allowed_supplier(ctx: &Ctx, key: &str) -> bool {
    ctx.thresholds
        .lists
        .allowed_suppliers
        .iter()
        .any(|a| a.trim().eq_ignore_ascii_case(key))
}

/// A registry URL as compared with `allowed_registries`: without Cargo's
/// `registry+` / `sparse+` prefix or a trailing `/`, host in lower case.
fn registry_url_key(url: &str) -> String {
    let url = url.trim();
    let url = url
        .strip_prefix("registry+")
        .or_else(|| url.strip_prefix("sparse+"))
        .unwrap_or(url)
        .trim_end_matches('/');
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
            format!(
                "{}://{}/{path}",
                scheme.to_ascii_lowercase(),
                host.to_ascii_lowercase()
            )
        }
        None => url.to_string(),
    }
}

static REGISTRY_NOT_ALLOWED: Template = Template::new(
    "{component} comes from registry {url}, which is not in the policy's allowed_registries ({n} allowed)",
    "{component} 来自注册表 {url}，该注册表不在策略的 allowed_registries 中（允许 {n} 个）",
);
static NOT_FROM_DEFAULT_REGISTRY: Template = Template::new(
    "{component} does not come from its ecosystem's default registry: {note}",
    "{component} 不是来自其生态系统的默认注册表：{note}",
);
static NOT_FROM_A_REGISTRY: Template = Template::new(
    "{component} comes from {what}, not from a registry",
    "{component} 来自{what}，而非注册表",
);
static GIT_AT_COMMIT: Template = Template::new(
    "git repository {url} at commit {rev}",
    " git 仓库 {url} 的提交 {rev}",
);
static GIT_FOLLOWING: Template = Template::new(
    "git repository {url} at commit {rev}, following a branch or tag",
    " git 仓库 {url} 的提交 {rev}（跟随分支或标签）",
);
static GIT_MOVABLE: Template = Template::new(
    "git repository {url} at movable revision {rev}",
    " git 仓库 {url} 的可变修订 {rev}",
);
static GIT_NO_REVISION: Template = Template::new(
    "git repository {url} with no revision",
    " git 仓库 {url}（未指定修订）",
);
static LOCAL_PATH: Template = Template::new("local path {path}", "本地路径 {path}");
static DIRECT_DOWNLOAD: Template = Template::new("direct download {url}", "直接下载地址 {url}");
static VENDORED_COPY: Template = Template::new("a vendored copy", "内置副本");

/// CON-04, registry part: a registry not in the policy's `allowed_registries`.
fn registry_channel(c: &Component, url: Option<&str>, ctx: &Ctx) -> Verdict {
    let Some(allowed) = &ctx.thresholds.lists.allowed_registries else {
        return Verdict::Pass;
    };
    let Some(url) = url else {
        return Verdict::not_evaluated(
            "the inputs do not name the registry the component came from, so allowed_registries cannot be checked",
        );
    };
    let key = registry_url_key(url);
    if allowed.iter().any(|a| registry_url_key(a) == key) {
        return Verdict::Pass;
    }
    Verdict::fire(
        Message::new(&REGISTRY_NOT_ALLOWED)
            .arg("component", c.display_name())
            .arg("url", url)
            .arg("n", allowed.len().to_string()),
        vec![
            ("source", format!("registry: {url}")),
            ("policy allowed_registries", allowed.join(", ")),
        ],
    )
}

/// CON-04 (SBOM part): git, path, URL or vendored instead of a registry, or
/// a registry the policy does not allow.
pub fn irregular_channel(c: &Component, ctx: &Ctx) -> Verdict {
    let (what, value) = match &c.source {
        SourceKind::Registry { url } => return registry_channel(c, url.as_deref(), ctx),
        SourceKind::Unknown => {
            return Verdict::not_evaluated("the SBOM does not say where the component came from");
        }
        SourceKind::Git { url, rev, pinned } => {
            let template = match (rev, pinned) {
                (Some(_), true) => &GIT_AT_COMMIT,
                // A lockfile recorded the commit a branch or tag pointed at.
                (Some(r), false) if super::is_full_commit(r) => &GIT_FOLLOWING,
                (Some(_), false) => &GIT_MOVABLE,
                (None, _) => &GIT_NO_REVISION,
            };
            let what = Message::new(template).arg("url", url.as_str());
            let what = match rev {
                Some(r) => what.arg("rev", r.as_str()),
                None => what,
            };
            (what, url.clone())
        }
        SourceKind::Path { path } => (
            Message::new(&LOCAL_PATH).arg("path", path.as_str()),
            path.clone(),
        ),
        SourceKind::Url { url } => (
            Message::new(&DIRECT_DOWNLOAD).arg("url", url.as_str()),
            url.clone(),
        ),
        SourceKind::Vendored => (Message::new(&VENDORED_COPY), "vendored".to_string()),
        SourceKind::Elsewhere { note } => {
            return Verdict::fire(
                Message::new(&NOT_FROM_DEFAULT_REGISTRY)
                    .arg("component", c.display_name())
                    .arg("note", note.as_str()),
                vec![("source", format!("{}: {note}", c.source.label()))],
            );
        }
    };
    Verdict::fire(
        Message::new(&NOT_FROM_A_REGISTRY)
            .arg("component", c.display_name())
            .phrase("what", what),
        vec![("source", format!("{}: {value}", c.source.label()))],
    )
}

static SINGLE_MAINTAINER: Template = Template::new(
    "{package} has a single maintainer at its registry ({maintainer}): at or below the limit of 1",
    "{package} 在其注册表只有一名维护者（{maintainer}）：达到或低于 1 名的下限",
);

/// CON-01: the registry lists exactly one account that may publish the
/// package: one person's loss, burnout or compromised account stops support
/// or ships malice. A package the registry says an organisation owns is not
/// one person's.
pub fn single_maintainer(c: &Component, _: &Ctx) -> Verdict {
    if c.ecosystem.is_distribution() {
        return super::archive::single_maintainer(c);
    }
    let o = match super::facts::found(c) {
        Ok(o) => o,
        Err(v) => return v,
    };
    // An organisation's project is answered for by the organisation, whatever
    // accounts its roles list.
    if o.organization.is_some() {
        return Verdict::Pass;
    }
    match o.maintainers.as_deref() {
        Some([one]) => Verdict::fire_sourced(
            Message::new(&SINGLE_MAINTAINER)
                .arg("package", c.display_name_without_version())
                .arg("maintainer", one.as_str()),
            vec![super::facts::evidence(c, o, "maintainers", one.clone())],
        ),
        Some([]) | None => {
            Verdict::not_evaluated("the registry does not list maintainers for this package")
        }
        Some(_) => Verdict::Pass,
    }
}

static NOBODY_AT_REGISTRY: Template = Template::new(
    "{component} has no supplier in the SBOM, and its registry names no publisher, maintainer or repository",
    "{component} 在 SBOM 中没有供应商，其注册表也未给出发布者、维护者或仓库",
);
static NOBODY: Template = Template::new(
    "{component} has no supplier, namespace or repository owner, and no registry to ask",
    "{component} 没有供应商、命名空间或仓库所有者，也没有可查询的注册表",
);

/// CON-05: nobody identifiable behind the component, in the SBOM or at the registry.
pub fn supplier_unknown(c: &Component, _: &Ctx) -> Verdict {
    if has_supplier_key(c) {
        return Verdict::Pass;
    }
    if c.ecosystem.has_registry() {
        let o = match super::facts::found(c) {
            Ok(o) => o,
            Err(Verdict::NotEvaluated(why)) => {
                return Verdict::not_evaluated(format!(
                    "no supplier, namespace or repository owner in the input, and the registry's publisher is not known: {why}"
                ));
            }
            Err(v) => return v,
        };
        let resolvable = o.publisher.is_some()
            || o.maintainers.as_ref().is_some_and(|m| !m.is_empty())
            || o.repository.is_some();
        if resolvable {
            return Verdict::Pass;
        }
        if !super::facts::registry_describes_packages(&c.ecosystem) {
            return Verdict::not_evaluated(
                "no supplier, namespace or repository owner in the input, and the registry's index does not record publishers",
            );
        }
        let ev = |k: &'static str| super::facts::evidence(c, o, k, "absent");
        return Verdict::fire_sourced(
            Message::new(&NOBODY_AT_REGISTRY).arg("component", c.display_name()),
            vec![ev("publisher"), ev("maintainers"), ev("repository")],
        );
    }
    Verdict::fire(
        Message::new(&NOBODY).arg("component", c.display_name()),
        vec![
            ("supplier", "absent".into()),
            ("namespace", "absent".into()),
            ("repository", "absent".into()),
        ],
    )
}

static LISTED: Template = Template::new(
    "{component} has {what} {actual}, which matches the policy's [[listed]] entry #{i} ({what} {listed}){why}",
    "{component} 的{what} {actual} 与策略的 [[listed]] 条目 #{i}（{what} {listed}）匹配{why}",
);
static SUPPLIER: Template = Template::new("supplier", "供应商");
static NAMESPACE: Template = Template::new("namespace", "命名空间");

/// CON-06: the component's supplier, namespace or region is on the policy's
/// `[[listed]]` list. Suppliers compare with the supplier (else first
/// author) ignoring case and spacing, namespaces with the purl namespace
/// ignoring case. Regions cannot match yet: the inputs' supplier addresses
/// are not read into the model, so region-only lists leave the rule not
/// evaluated rather than passed.
pub fn listed_supplier(c: &Component, ctx: &Ctx) -> Verdict {
    let lists = &ctx.thresholds.lists;
    if lists.listed.is_empty() {
        return Verdict::not_evaluated(super::Needs::Policy.unmet_reason());
    }
    let supplier = c
        .responsible_party()
        .map(|s| s.split_whitespace().collect::<Vec<_>>().join(" "));
    if supplier
        .as_deref()
        .is_some_and(|s| is_allowed_supplier(ctx, s))
    {
        return Verdict::Pass;
    }
    let spaced = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let same = |a: &str, b: &str| spaced(a).eq_ignore_ascii_case(&spaced(b));
    for (i, entry) in lists.listed.iter().enumerate() {
        // (what matched, the component's value, the entry's value)
        let hit = match (&entry.supplier, &supplier) {
            (Some(listed), Some(s)) if same(s, listed) => Some(("supplier", s.clone(), listed)),
            _ => match (&entry.namespace, &c.namespace) {
                (Some(listed), Some(ns)) if ns.eq_ignore_ascii_case(listed.trim()) => {
                    Some(("namespace", ns.clone(), listed))
                }
                _ => None,
            },
        };
        if let Some((what, actual, listed)) = hit {
            let why = entry
                .reason
                .as_deref()
                .map(|r| format!(": {r}"))
                .unwrap_or_default();
            let mut evidence = vec![
                (
                    crate::rules::config::LISTED_ENTRY_KEY,
                    format!("#{i} {what} {listed}"),
                ),
                (what, actual.clone()),
            ];
            if let Some(r) = &entry.reason {
                evidence.push(("listed because", r.clone()));
            }
            let word = if what == "supplier" {
                &SUPPLIER
            } else {
                &NAMESPACE
            };
            return Verdict::fire(
                Message::new(&LISTED)
                    .arg("component", c.display_name())
                    .phrase("what", Message::new(word))
                    .arg("actual", actual)
                    .arg("i", i.to_string())
                    .arg("listed", format!("{listed:?}"))
                    .arg("why", why),
                evidence,
            );
        }
    }
    if lists
        .listed
        .iter()
        .all(|e| e.supplier.is_none() && e.namespace.is_none())
    {
        return Verdict::not_evaluated(
            "the policy lists only regions, and the inputs' supplier regions are not read",
        );
    }
    Verdict::Pass
}

#[cfg(test)]
mod tests {
    use super::super::Thresholds;
    use super::super::config::{Listed, Lists};
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
    fn no_supplier_is_an_hhi_of_plus_zero() {
        let stats = supplier_shares(&inventory(vec![Component::named("a")]));
        assert_eq!(stats.with_supplier, 0);
        assert!(
            stats.hhi == 0.0 && stats.hhi.is_sign_positive(),
            "{}",
            stats.hhi
        );
    }

    #[test]
    fn con03_fires_over_share_with_hhi() {
        let mut comps: Vec<Component> =
            (0..6).map(|i| supplied(&format!("a{i}"), "Acme")).collect();
        comps.extend((0..4).map(|i| supplied(&format!("b{i}"), &format!("Vendor {i}"))));
        let inv = inventory(comps);
        let t = Thresholds::default();
        let out = supplier_concentration(&crate::rules::testing::ctx(&inv, &t));
        assert_eq!(out.len(), 1);
        match &out[0] {
            Verdict::Fire(f) => {
                assert!(
                    f.message
                        .to_string()
                        .starts_with("Acme accounts for 60.0 %"),
                    "{}",
                    f.message.to_string()
                );
                // HHI: 60² + 4 × 10² = 4000.
                assert!(
                    f.message.to_string().contains("HHI 4000"),
                    "{}",
                    f.message.to_string()
                );
            }
            v => panic!("{v:?}"),
        }
        let diverse: Vec<Component> = (0..10)
            .map(|i| supplied(&format!("c{i}"), &format!("V{i}")))
            .collect();
        let inv = inventory(diverse);
        assert_eq!(
            supplier_concentration(&crate::rules::testing::ctx(&inv, &t)),
            vec![Verdict::Pass]
        );
        let few = inventory(vec![supplied("x", "Acme")]);
        assert!(matches!(
            supplier_concentration(&crate::rules::testing::ctx(&few, &t))[0],
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
            Verdict::Fire(f) => assert!(f.message.to_string().contains("movable revision main")),
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
    fn con04_fires_on_a_source_known_only_to_be_off_the_default_registry() {
        let mut c = Component::named("gitdep");
        c.version = Some("0.3.0".into());
        c.source = SourceKind::Elsewhere {
            note: "cargo-sbom writes a purl for crates.io crates only".into(),
        };
        match run(irregular_channel, c) {
            Verdict::Fire(f) => {
                assert_eq!(
                    f.message.to_string(),
                    "gitdep@0.3.0 does not come from its ecosystem's default registry: cargo-sbom writes a purl for crates.io crates only"
                );
                assert_eq!(
                    f.evidence[0].1,
                    "elsewhere: cargo-sbom writes a purl for crates.io crates only"
                );
            }
            v => panic!("{v:?}"),
        }
        // A commit a lockfile recorded for a branch: named as such.
        let mut c = Component::named("a");
        c.source = SourceKind::Git {
            url: "git+https://git.example/a".into(),
            rev: Some("0123456789abcdef0123456789abcdef01234567".into()),
            pinned: false,
        };
        match run(irregular_channel, c) {
            Verdict::Fire(f) => assert!(
                f.message.to_string().contains(
                    "at commit 0123456789abcdef0123456789abcdef01234567, following a branch or tag"
                ),
                "{}",
                f.message.to_string()
            ),
            v => panic!("{v:?}"),
        }
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

    use super::super::testing::resolved;

    #[test]
    fn con01_single_maintainer() {
        let mut c = resolved(Ecosystem::Npm, "left-pad", "1.3.0");
        assert!(matches!(
            run(single_maintainer, c.clone()),
            Verdict::NotEvaluated(_)
        ));
        c.origin.as_mut().unwrap().maintainers = Some(vec!["azer".into()]);
        assert!(fired(&run(single_maintainer, c.clone())));
        c.origin.as_mut().unwrap().maintainers = Some(vec!["a".into(), "b".into()]);
        assert_eq!(run(single_maintainer, c), Verdict::Pass);
    }

    #[test]
    fn con01_an_organisation_owned_project_is_not_single_maintainer() {
        let mut c = resolved(Ecosystem::Pypi, "org-owned-tool", "1.2.0");
        let o = c.origin.as_mut().unwrap();
        o.maintainers = Some(vec!["release-bot".into()]);
        o.organization = Some("example-org".into());
        assert_eq!(run(single_maintainer, c.clone()), Verdict::Pass);
        // Known to be an organisation's even when no role is listed.
        c.origin.as_mut().unwrap().maintainers = None;
        assert_eq!(run(single_maintainer, c), Verdict::Pass);
    }

    /// The check without the key agrees with the key, branch by branch.
    #[test]
    fn a_supplier_key_exists_exactly_when_one_is_written() {
        let mut cases = Vec::new();
        cases.push(Component::named("bare"));
        let mut c = Component::named("ns");
        c.namespace = Some("org.example".into());
        cases.push(c);
        let mut c = Component::named("empty-ns");
        c.namespace = Some(String::new());
        cases.push(c);
        for url in [
            "git+https://git.example/Owner/repo.git",
            "git@git.example:owner/repo",
            "https://git.example/",
            "not a url",
            "ssh://user@git.example/o/r",
        ] {
            let mut c = Component::named("vcs");
            c.add_reference(RefKind::Vcs, url);
            cases.push(c.clone());
            let mut w = Component::named("website");
            w.add_reference(RefKind::Website, url);
            cases.push(w);
            let mut o = resolved(Ecosystem::Npm, "from-registry", "1.0.0");
            o.origin.as_mut().unwrap().repository = Some(url.to_string());
            cases.push(o);
        }
        let mut decided = [0usize; 2];
        for c in &cases {
            let key = supplier_key(c);
            assert_eq!(has_supplier_key(c), key.is_some(), "{c:?} keyed {key:?}");
            decided[usize::from(key.is_some())] += 1;
        }
        assert!(decided[0] > 0 && decided[1] > 0, "{decided:?}");
    }

    #[test]
    fn a_supplier_name_is_keyed_with_its_spaces_collapsed() {
        for name in [
            "Acme Corp",
            " Acme Corp",
            "Acme Corp ",
            "Acme  Corp",
            "Acme\tCorp",
            "Acme\u{a0}Corp",
            "Acme",
            "  ",
            "\n",
        ] {
            let mut c = Component::named("x");
            c.supplier = Some(name.to_string());
            let want = name.split_whitespace().collect::<Vec<_>>().join(" ");
            let got = supplier_key(&c);
            assert_eq!(has_supplier_key(&c), got.is_some(), "{name:?}");
            assert_eq!(
                got.as_deref(),
                (!want.is_empty()).then_some(want.as_str()),
                "{name:?}"
            );
            // Borrowed only when nothing was collapsed.
            assert_eq!(
                matches!(got, Some(Cow::Borrowed(_))),
                want == name,
                "{name:?}"
            );
        }
    }

    #[test]
    fn registry_repository_names_the_owner() {
        let mut c = resolved(Ecosystem::Pypi, "oauth2client", "4.1.3");
        assert_eq!(supplier_key(&c), None);
        c.origin.as_mut().unwrap().repository =
            Some("https://github.com/google/oauth2client".into());
        assert_eq!(
            supplier_key(&c).as_deref(),
            Some("repository owner github.com/google")
        );
    }

    #[test]
    fn con05_resolved_part() {
        let mut c = resolved(Ecosystem::Npm, "anon", "1.0.0");
        assert!(fired(&run(supplier_unknown, c.clone())));
        c.origin.as_mut().unwrap().publisher = Some("someone".into());
        assert_eq!(run(supplier_unknown, c.clone()), Verdict::Pass);
        c.origin = None;
        assert!(matches!(run(supplier_unknown, c), Verdict::NotEvaluated(_)));
        // The Cargo index names no publisher: unknown, not absent.
        let k = resolved(Ecosystem::Cargo, "anon", "1.0.0");
        assert!(matches!(run(supplier_unknown, k), Verdict::NotEvaluated(_)));
    }

    /// Runs a component rule with the given lists.
    fn run_with(rule: super::super::ComponentCheck, c: Component, lists: Lists) -> Verdict {
        let inv = inventory(vec![c]);
        let t = Thresholds {
            lists,
            ..Thresholds::default()
        };
        rule(&inv.components[0], &crate::rules::testing::ctx(&inv, &t))
    }

    #[test]
    fn con04_allowed_registries() {
        let from = |url: Option<&str>| {
            let mut c = Component::named("a");
            c.source = SourceKind::Registry {
                url: url.map(str::to_string),
            };
            c
        };
        let allow = |list: &[&str]| Lists {
            allowed_registries: Some(list.iter().map(|s| s.to_string()).collect()),
            ..Lists::default()
        };
        let ok = allow(&["https://Registry.example/index/"]);
        assert_eq!(
            run_with(
                irregular_channel,
                from(Some("sparse+https://registry.example/index")),
                ok.clone()
            ),
            Verdict::Pass
        );
        match run_with(
            irregular_channel,
            from(Some("https://mirror.example/x")),
            ok.clone(),
        ) {
            Verdict::Fire(f) => {
                assert!(
                    f.message.to_string().contains("https://mirror.example/x"),
                    "{}",
                    f.message.to_string()
                );
                assert!(
                    f.message.to_string().contains("allowed_registries"),
                    "{}",
                    f.message.to_string()
                );
            }
            v => panic!("{v:?}"),
        }
        assert!(matches!(
            run_with(irregular_channel, from(None), ok),
            Verdict::NotEvaluated(_)
        ));
        // Without the key, any registry is allowed.
        assert_eq!(
            run_with(
                irregular_channel,
                from(Some("https://mirror.example/x")),
                Lists::default()
            ),
            Verdict::Pass
        );
    }

    #[test]
    fn con06_listed_supplier_namespace_and_region() {
        let listed = |entries: Vec<Listed>| Lists {
            listed: entries,
            ..Lists::default()
        };
        let mut c = Component::named("widget");
        c.namespace = Some("Org.Shady".into());
        let by_ns = listed(vec![
            Listed {
                supplier: Some("Nobody".into()),
                ..Listed::default()
            },
            Listed {
                namespace: Some("org.shady".into()),
                ..Listed::default()
            },
        ]);
        match run_with(listed_supplier, c.clone(), by_ns) {
            Verdict::Fire(f) => {
                assert!(
                    f.message.to_string().contains("namespace Org.Shady"),
                    "{}",
                    f.message.to_string()
                );
                assert!(
                    f.message.to_string().contains("entry #1"),
                    "{}",
                    f.message.to_string()
                );
                assert_eq!(f.evidence[0].0, crate::rules::config::LISTED_ENTRY_KEY);
                assert!(f.evidence[0].1.starts_with("#1 "));
            }
            v => panic!("{v:?}"),
        }
        // Regions cannot be matched from the model: not evaluated, not passed.
        let regions = listed(vec![Listed {
            region: Some("XX".into()),
            ..Listed::default()
        }]);
        assert!(matches!(
            run_with(listed_supplier, c.clone(), regions),
            Verdict::NotEvaluated(_)
        ));
        assert!(matches!(
            run_with(listed_supplier, c.clone(), Lists::default()),
            Verdict::NotEvaluated(_)
        ));
        let other = listed(vec![Listed {
            supplier: Some("Else".into()),
            ..Listed::default()
        }]);
        assert_eq!(run_with(listed_supplier, c, other), Verdict::Pass);
    }
}
