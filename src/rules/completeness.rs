//! SBM: SBOM completeness. What a reviewer cannot know because the SBOM does not say.

use std::collections::{BTreeMap, BTreeSet};

use super::{Ctx, Fire, Verdict};
use crate::model::{Component, Document, Ecosystem, Message, Sep, Template, pep503};

/// Whether an SBOM describes the component. The SBM rules judge what an
/// SBOM says; a component read only from a lockfile or a product's package
/// database is not an SBOM entry, so they do not apply to it (CON-05 asks
/// the registry for its supplier instead). A component with no recorded
/// location is judged, to be safe.
pub(super) fn described_by_sbom(c: &Component, ctx: &Ctx) -> bool {
    c.locations.is_empty()
        || c.locations.iter().any(|l| {
            ctx.inv
                .documents
                .get(l.input)
                .and_then(|d| d.format)
                .is_none_or(|f| f.is_sbom())
        })
}

static SUPPLIER_MISSING: Template = Template::new(
    "{component} has no supplier, manufacturer or author in the SBOM",
    "{component} 在 SBOM 中没有供应商、制造商或作者",
);
static VERSION_MISSING: Template =
    Template::new("{component} has no version", "{component} 没有版本号");
static PURL_INVALID: Template = Template::new(
    "{component}: purl {purl} is not a valid package URL, and there is no CPE or SWID",
    "{component}：purl {purl} 不是有效的软件包 URL，且没有 CPE 或 SWID",
);
static NO_IDENTIFIER: Template = Template::new(
    "{component} has no purl, CPE or SWID identifier",
    "{component} 没有 purl、CPE 或 SWID 标识符",
);

/// SBM-01: no supplier, manufacturer or author.
pub fn supplier_missing(c: &Component, ctx: &Ctx) -> Verdict {
    if !described_by_sbom(c, ctx) || c.responsible_party().is_some() {
        return Verdict::Pass;
    }
    Verdict::fire(
        Message::new(&SUPPLIER_MISSING).arg("component", c.display_name()),
        vec![("supplier", "absent".into()), ("authors", "absent".into())],
    )
}

/// SBM-02: no version.
pub fn version_missing(c: &Component, ctx: &Ctx) -> Verdict {
    if !described_by_sbom(c, ctx) || c.version.is_some() {
        return Verdict::Pass;
    }
    Verdict::fire(
        Message::new(&VERSION_MISSING).arg("component", c.display_name()),
        vec![("version", "absent".into())],
    )
}

/// SBM-03: no valid purl, CPE or SWID tag id.
pub fn no_identifier(c: &Component, ctx: &Ctx) -> Verdict {
    if !described_by_sbom(c, ctx) || c.purl.is_some() || c.cpe.is_some() || c.rare.swid.is_some() {
        return Verdict::Pass;
    }
    match &c.rare.invalid_purl {
        Some(bad) => Verdict::fire(
            Message::new(&PURL_INVALID)
                .arg("component", c.display_name())
                .arg("purl", format!("{bad:?}")),
            vec![
                ("purl", format!("invalid: {bad}")),
                ("cpe", "absent".into()),
                ("swid", "absent".into()),
            ],
        ),
        None => Verdict::fire(
            Message::new(&NO_IDENTIFIER).arg("component", c.display_name()),
            vec![
                ("purl", "absent".into()),
                ("cpe", "absent".into()),
                ("swid", "absent".into()),
            ],
        ),
    }
}

static GRAPH_PROBLEMS: Template = Template::new("{path}: {problems}", "{path}：{problems}");
static NO_RELATIONSHIPS: Template = Template::new(
    "no dependency relationships for its {n} components",
    "其 {n} 个组件没有依赖关系",
);
static DANGLING_REFERENCES: Template = Template::new(
    "{n} reference(s) that name no component (first: {first})",
    "{n} 个引用未指向任何组件（第一个：{first}）",
);
static NO_PRIMARY_IN_GRAPH: Template = Template::new(
    "a graph with no primary component to start from",
    "依赖图没有可作为起点的主组件",
);
static UNREACHABLE: Template = Template::new(
    "{n} of {total} components unreachable from the primary component",
    "{total} 个组件中有 {n} 个无法从主组件到达",
);

/// SBM-04: no relationships, dangling references, or components the primary
/// component does not reach.
pub fn graph_missing_or_broken(d: &Document, _: &Ctx) -> Verdict {
    if d.components_read == 0 {
        return Verdict::Pass;
    }
    let m = &d.meta;
    let mut problems = Vec::new();
    let mut evidence = Vec::new();
    if !m.has_dependency_graph {
        problems.push(Message::new(&NO_RELATIONSHIPS).arg("n", d.components_read.to_string()));
        evidence.push(("dependency relationships", "absent".to_string()));
    }
    if !m.dangling_refs.is_empty() {
        problems.push(
            Message::new(&DANGLING_REFERENCES)
                .arg("n", m.dangling_refs.len().to_string())
                .arg("first", m.dangling_refs[0].as_str()),
        );
        evidence.push(("dangling references", m.dangling_refs.join(", ")));
    }
    if m.has_dependency_graph && m.primary.is_none() {
        problems.push(Message::new(&NO_PRIMARY_IN_GRAPH));
        evidence.push(("primary component", "absent".to_string()));
    }
    if m.unreachable > 0 {
        problems.push(
            Message::new(&UNREACHABLE)
                .arg("n", m.unreachable.to_string())
                .arg("total", d.components_read.to_string()),
        );
        evidence.push(("unreachable components", m.unreachable.to_string()));
    }
    if problems.is_empty() {
        return Verdict::Pass;
    }
    Verdict::fire(
        Message::new(&GRAPH_PROBLEMS)
            .arg("path", d.path.as_str())
            .list("problems", problems, Sep::Semicolon),
        evidence,
    )
}

static COMPLETENESS_UNDECLARED: Template = Template::new(
    "{path} does not declare whether its component list is complete (no compositions / completeness assertion)",
    "{path} 未声明其组件列表是否完整（没有 compositions / 完整性声明）",
);
static METADATA_MISSING: Template = Template::new(
    "{path} lacks document metadata: {missing}",
    "{path} 缺少文档元数据：{missing}",
);

/// SBM-05: no CycloneDX compositions, no SPDX completeness assertion.
pub fn completeness_undeclared(d: &Document, _: &Ctx) -> Verdict {
    if d.meta.completeness_declared {
        return Verdict::Pass;
    }
    Verdict::fire(
        Message::new(&COMPLETENESS_UNDECLARED).arg("path", d.path.as_str()),
        vec![("completeness", "undeclared".into())],
    )
}

static AUTHOR_OR_TOOL: Template = Template::new("author or tool", "作者或工具");
static TIMESTAMP: Template = Template::new("timestamp", "时间戳");
static SERIAL_OR_NAMESPACE: Template =
    Template::new("serial number or namespace", "序列号或命名空间");
static PRIMARY_COMPONENT: Template = Template::new("primary component", "主组件");

/// SBM-06: author or tool, timestamp, serial or namespace, primary component.
pub fn metadata_missing(d: &Document, _: &Ctx) -> Verdict {
    let m = &d.meta;
    // Each field as the message names it; its English name is also the evidence key.
    let missing: Vec<&'static Template> = [
        (m.authors.is_empty() && m.tools.is_empty(), &AUTHOR_OR_TOOL),
        (m.timestamp.is_none(), &TIMESTAMP),
        (m.serial.is_none(), &SERIAL_OR_NAMESPACE),
        (m.primary.is_none(), &PRIMARY_COMPONENT),
    ]
    .into_iter()
    .filter_map(|(absent, field)| absent.then_some(field))
    .collect();
    if missing.is_empty() {
        return Verdict::Pass;
    }
    Verdict::fire(
        Message::new(&METADATA_MISSING)
            .arg("path", d.path.as_str())
            .list(
                "missing",
                missing.iter().map(|t| Message::new(t)).collect(),
                Sep::Comma,
            ),
        missing
            .iter()
            .map(|t| (t.en, "absent".to_string()))
            .collect(),
    )
}

/// The identity drift compares: ecosystem, namespace and name, with PyPI
/// names normalised as PEP 503 does.
fn drift_key(c: &Component) -> String {
    let name = if c.ecosystem == Ecosystem::Pypi {
        pep503(&c.name)
    } else {
        c.name.clone()
    };
    format!(
        "{}:{}/{}",
        c.ecosystem.as_str(),
        c.namespace.as_deref().unwrap_or(""),
        name
    )
}

static THE_LOCKFILE: Template = Template::new("the lockfile", "锁文件");
static THE_DELIVERED_PRODUCT: Template = Template::new("the delivered product", "交付产品");
static THE_LOCKFILES_AND_PRODUCT: Template =
    Template::new("the lockfiles and delivered product", "锁文件和交付产品");
static IN_SBOM_ONLY: Template = Template::new(
    "{package} {versions} is in the SBOM but not in {other}",
    "{package} {versions} 在 SBOM 中，但不在{other}中",
);
static IN_OTHER_ONLY: Template = Template::new(
    "{package} {versions} is in {other} but missing from the SBOM",
    "{package} {versions} 在{other}中，但 SBOM 中没有",
);
static OTHER_VERSION: Template = Template::new(
    "{package} is at {sbom} in the SBOM but {theirs} in {other}{shared}",
    "{package} 在 SBOM 中为 {sbom}，但在{other}中为 {theirs}{shared}",
);
static NO_OTHER_VERSION: Template = Template::new("no other version", "没有其他版本");
static IN_BOTH: Template = Template::new(" ({versions} in both)", "（{versions} 两边都有）");

/// SBM-07 (product): an SBOM and a lockfile of the same product scanned
/// together disagree on a package: in one and not the other, or at other versions.
pub fn drift(ctx: &Ctx) -> Vec<Verdict> {
    let inv = ctx.inv;
    let sbom_input: Vec<Option<bool>> = inv
        .documents
        .iter()
        .map(|d| {
            if d.error.is_some() {
                None
            } else {
                d.format.map(|f| f.is_sbom())
            }
        })
        .collect();
    let (has_sbom, has_lock) = (
        sbom_input.contains(&Some(true)),
        sbom_input.contains(&Some(false)),
    );
    if !has_sbom || !has_lock {
        return vec![Verdict::not_evaluated(
            "needs an SBOM and a lockfile or manifest of the same product scanned together",
        )];
    }
    // What the SBOM is held against: a build's lockfiles, or the delivered product itself.
    let delivered =
        |d: &crate::model::Document| d.format.is_some_and(crate::model::Format::is_delivered);
    let others = inv
        .documents
        .iter()
        .filter(|d| d.error.is_none() && d.format.is_some_and(|f| !f.is_sbom()));
    let (products, lockfiles) =
        others.fold(
            (0, 0),
            |(p, l), d| if delivered(d) { (p + 1, l) } else { (p, l + 1) },
        );
    let other: &'static Template = match (products, lockfiles) {
        (0, _) => &THE_LOCKFILE,
        (_, 0) => &THE_DELIVERED_PRODUCT,
        _ => &THE_LOCKFILES_AND_PRODUCT,
    };
    let other_versions = format!("{} versions", other.en.trim_start_matches("the "));
    // Per package identity: the versions each side lists, and a name to show.
    // Source packages are never installed: only binaries can drift.
    let mut sides: BTreeMap<String, (BTreeSet<String>, BTreeSet<String>, String)> = BTreeMap::new();
    for c in inv
        .components
        .iter()
        .filter(|c| !c.root && !c.is_source_package())
    {
        let entry = sides.entry(drift_key(c)).or_insert_with(|| {
            (
                BTreeSet::new(),
                BTreeSet::new(),
                c.display_name_without_version(),
            )
        });
        let version = c
            .version
            .clone()
            .unwrap_or_else(|| "(no version)".to_string());
        for loc in &c.locations {
            match sbom_input.get(loc.input).copied().flatten() {
                Some(true) => {
                    entry.0.insert(version.clone());
                }
                Some(false) => {
                    entry.1.insert(version.clone());
                }
                None => {}
            }
        }
    }
    let list = |s: &BTreeSet<String>| s.iter().cloned().collect::<Vec<_>>().join(", ");
    let mut out = Vec::new();
    for (key, (sbom, lock, name)) in sides {
        let (message, kind) = match (sbom.is_empty(), lock.is_empty()) {
            (false, true) => (
                Message::new(&IN_SBOM_ONLY)
                    .arg("package", name)
                    .arg("versions", list(&sbom))
                    .phrase("other", Message::new(other)),
                "in SBOM only",
            ),
            (true, false) => (
                Message::new(&IN_OTHER_ONLY)
                    .arg("package", name)
                    .arg("versions", list(&lock))
                    .phrase("other", Message::new(other)),
                "in lockfile only",
            ),
            (false, false) if sbom != lock => {
                let only_sbom: BTreeSet<String> = sbom.difference(&lock).cloned().collect();
                let only_lock: BTreeSet<String> = lock.difference(&sbom).cloned().collect();
                let both: BTreeSet<String> = sbom.intersection(&lock).cloned().collect();
                let side = |s: &BTreeSet<String>| {
                    if s.is_empty() {
                        Message::new(&NO_OTHER_VERSION)
                    } else {
                        Message::data(list(s))
                    }
                };
                let mut message = Message::new(&OTHER_VERSION)
                    .arg("package", name)
                    .phrase("sbom", side(&only_sbom))
                    .phrase("theirs", side(&only_lock))
                    .phrase("other", Message::new(other));
                message = if both.is_empty() {
                    message.arg("shared", "")
                } else {
                    message.phrase(
                        "shared",
                        Message::new(&IN_BOTH).arg("versions", list(&both)),
                    )
                };
                (message, "other version")
            }
            _ => continue,
        };
        out.push(Verdict::Fire(Fire {
            message,
            evidence: vec![
                ("drift".into(), kind.into()),
                (
                    "SBOM versions".into(),
                    if sbom.is_empty() {
                        "absent".into()
                    } else {
                        list(&sbom)
                    },
                ),
                (
                    other_versions.clone().into(),
                    if lock.is_empty() {
                        "absent".into()
                    } else {
                        list(&lock)
                    },
                ),
            ],
            sourced: Vec::new(),
            key: Some(key),
            severity: None,
        }));
    }
    if out.is_empty() {
        out.push(Verdict::Pass);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fired, inventory, run};
    use super::super::{Ctx, Thresholds};
    use super::*;
    use crate::model::DocumentMeta;

    #[test]
    fn sbm01_supplier_or_author_passes() {
        assert!(fired(&run(supplier_missing, Component::named("a"))));
        let mut c = Component::named("a");
        c.rare.authors.push("Jane".into());
        assert_eq!(run(supplier_missing, c), Verdict::Pass);
    }

    #[test]
    fn sbm02_version() {
        assert!(fired(&run(version_missing, Component::named("a"))));
        let mut c = Component::named("a");
        c.version = Some("1".into());
        assert_eq!(run(version_missing, c), Verdict::Pass);
    }

    #[test]
    fn sbm03_identifier_and_invalid_purl() {
        let mut c = Component::named("a");
        c.rare.invalid_purl = Some("pkg:/".into());
        match run(no_identifier, c) {
            Verdict::Fire(f) => assert!(f.message.to_string().contains("not a valid package URL")),
            v => panic!("{v:?}"),
        }
        let mut c = Component::named("a");
        c.cpe = Some("cpe:2.3:a:x:a:1:*:*:*:*:*:*:*".into());
        assert_eq!(run(no_identifier, c), Verdict::Pass);
    }

    fn doc(meta: DocumentMeta, n: usize) -> Document {
        Document {
            path: "bom.json".into(),
            components_read: n,
            meta,
            ..Document::default()
        }
    }

    fn run_doc(rule: fn(&Document, &Ctx) -> Verdict, d: &Document) -> Verdict {
        let inv = inventory(vec![]);
        rule(d, &crate::rules::testing::ctx(&inv, &Thresholds::default()))
    }

    #[test]
    fn sbm04_graph() {
        let no_graph = doc(DocumentMeta::default(), 3);
        assert!(fired(&run_doc(graph_missing_or_broken, &no_graph)));
        let good = doc(
            DocumentMeta {
                has_dependency_graph: true,
                primary: Some("app".into()),
                ..DocumentMeta::default()
            },
            3,
        );
        assert_eq!(run_doc(graph_missing_or_broken, &good), Verdict::Pass);
        let mut broken = good.clone();
        broken.meta.dangling_refs = vec!["ghost".into()];
        broken.meta.unreachable = 2;
        match run_doc(graph_missing_or_broken, &broken) {
            Verdict::Fire(f) => {
                assert!(f.message.to_string().contains("ghost"));
                assert!(
                    f.message
                        .to_string()
                        .contains("2 of 3 components unreachable")
                );
            }
            v => panic!("{v:?}"),
        }
        assert_eq!(
            run_doc(graph_missing_or_broken, &doc(DocumentMeta::default(), 0)),
            Verdict::Pass
        );
    }

    #[test]
    fn pep503_names() {
        assert_eq!(pep503("Foo.Bar__baz"), "foo-bar-baz");
        assert_eq!(pep503("requests"), "requests");
    }

    #[test]
    fn sbm07_drift_between_sbom_and_lockfile() {
        use crate::model::{Format, Location};
        let comp = |name: &str, version: &str, inputs: &[usize]| {
            let mut c = Component::named(name);
            c.ecosystem = Ecosystem::Npm;
            c.version = Some(version.into());
            c.locations = inputs
                .iter()
                .map(|&i| Location {
                    input: i,
                    pointer: String::new(),
                })
                .collect();
            c
        };
        let mut inv = inventory(vec![]);
        inv.documents = vec![
            Document {
                path: "bom.json".into(),
                format: Some(Format::CyclonedxJson),
                ..Document::default()
            },
            Document {
                path: "package-lock.json".into(),
                format: Some(Format::NpmLock),
                ..Document::default()
            },
        ];
        inv.components = vec![
            comp("same", "1.0.0", &[0, 1]),
            comp("bumped", "1.0.0", &[0]),
            comp("bumped", "1.1.0", &[1]),
            comp("gone", "2.0.0", &[0]),
            comp("new", "3.0.0", &[1]),
        ];
        let t = Thresholds::default();
        let out = drift(&crate::rules::testing::ctx(&inv, &t));
        let messages: Vec<String> = out
            .iter()
            .map(|v| match v {
                Verdict::Fire(f) => f.message.to_string().clone(),
                v => panic!("{v:?}"),
            })
            .collect();
        assert_eq!(
            messages,
            [
                "bumped is at 1.0.0 in the SBOM but 1.1.0 in the lockfile",
                "gone 2.0.0 is in the SBOM but not in the lockfile",
                "new 3.0.0 is in the lockfile but missing from the SBOM",
            ]
        );
        // One side only: nothing to compare.
        inv.documents.truncate(1);
        assert!(matches!(
            drift(&crate::rules::testing::ctx(&inv, &t))[0],
            Verdict::NotEvaluated(_)
        ));
    }

    #[test]
    fn sbm05_completeness() {
        assert!(fired(&run_doc(
            completeness_undeclared,
            &doc(DocumentMeta::default(), 1)
        )));
        let d = doc(
            DocumentMeta {
                completeness_declared: true,
                ..DocumentMeta::default()
            },
            1,
        );
        assert_eq!(run_doc(completeness_undeclared, &d), Verdict::Pass);
    }

    #[test]
    fn sbm06_metadata() {
        match run_doc(metadata_missing, &doc(DocumentMeta::default(), 1)) {
            Verdict::Fire(f) => {
                assert!(f.message.to_string().contains(
                    "author or tool, timestamp, serial number or namespace, primary component"
                ))
            }
            v => panic!("{v:?}"),
        }
        let d = doc(
            DocumentMeta {
                tools: vec!["syft 1.0".into()],
                timestamp: Some("2026-01-01T00:00:00Z".into()),
                serial: Some("urn:uuid:1".into()),
                primary: Some("app".into()),
                ..DocumentMeta::default()
            },
            1,
        );
        assert_eq!(run_doc(metadata_missing, &d), Verdict::Pass);
    }
}
