//! SBM: SBOM completeness. What a reviewer cannot know because the SBOM does not say.

use std::collections::{BTreeMap, BTreeSet};

use super::{Ctx, Fire, Verdict};
use crate::model::{Component, Document, Ecosystem, pep503};

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

/// SBM-01: no supplier, manufacturer or author.
pub fn supplier_missing(c: &Component, ctx: &Ctx) -> Verdict {
    if !described_by_sbom(c, ctx) || c.responsible_party().is_some() {
        return Verdict::Pass;
    }
    Verdict::fire(
        format!(
            "{} has no supplier, manufacturer or author in the SBOM",
            c.display_name()
        ),
        vec![("supplier", "absent".into()), ("authors", "absent".into())],
    )
}

/// SBM-02: no version.
pub fn version_missing(c: &Component, ctx: &Ctx) -> Verdict {
    if !described_by_sbom(c, ctx) || c.version.is_some() {
        return Verdict::Pass;
    }
    Verdict::fire(
        format!("{} has no version", c.display_name()),
        vec![("version", "absent".into())],
    )
}

/// SBM-03: no valid purl, CPE or SWID tag id.
pub fn no_identifier(c: &Component, ctx: &Ctx) -> Verdict {
    if !described_by_sbom(c, ctx) || c.purl.is_some() || c.cpe.is_some() || c.swid.is_some() {
        return Verdict::Pass;
    }
    match &c.invalid_purl {
        Some(bad) => Verdict::fire(
            format!(
                "{}: purl {bad:?} is not a valid package URL, and there is no CPE or SWID",
                c.display_name()
            ),
            vec![
                ("purl", format!("invalid: {bad}")),
                ("cpe", "absent".into()),
                ("swid", "absent".into()),
            ],
        ),
        None => Verdict::fire(
            format!("{} has no purl, CPE or SWID identifier", c.display_name()),
            vec![
                ("purl", "absent".into()),
                ("cpe", "absent".into()),
                ("swid", "absent".into()),
            ],
        ),
    }
}

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
        problems.push(format!(
            "no dependency relationships for its {} components",
            d.components_read
        ));
        evidence.push(("dependency relationships", "absent".to_string()));
    }
    if !m.dangling_refs.is_empty() {
        problems.push(format!(
            "{} reference(s) that name no component (first: {})",
            m.dangling_refs.len(),
            m.dangling_refs[0]
        ));
        evidence.push(("dangling references", m.dangling_refs.join(", ")));
    }
    if m.has_dependency_graph && m.primary.is_none() {
        problems.push("a graph with no primary component to start from".to_string());
        evidence.push(("primary component", "absent".to_string()));
    }
    if m.unreachable > 0 {
        problems.push(format!(
            "{} of {} components unreachable from the primary component",
            m.unreachable, d.components_read
        ));
        evidence.push(("unreachable components", m.unreachable.to_string()));
    }
    if problems.is_empty() {
        return Verdict::Pass;
    }
    Verdict::fire(format!("{}: {}", d.path, problems.join("; ")), evidence)
}

/// SBM-05: no CycloneDX compositions, no SPDX completeness assertion.
pub fn completeness_undeclared(d: &Document, _: &Ctx) -> Verdict {
    if d.meta.completeness_declared {
        return Verdict::Pass;
    }
    Verdict::fire(
        format!(
            "{} does not declare whether its component list is complete (no compositions / completeness assertion)",
            d.path
        ),
        vec![("completeness", "undeclared".into())],
    )
}

/// SBM-06: author or tool, timestamp, serial or namespace, primary component.
pub fn metadata_missing(d: &Document, _: &Ctx) -> Verdict {
    let m = &d.meta;
    let mut missing = Vec::new();
    if m.authors.is_empty() && m.tools.is_empty() {
        missing.push("author or tool");
    }
    if m.timestamp.is_none() {
        missing.push("timestamp");
    }
    if m.serial.is_none() {
        missing.push("serial number or namespace");
    }
    if m.primary.is_none() {
        missing.push("primary component");
    }
    if missing.is_empty() {
        return Verdict::Pass;
    }
    Verdict::fire(
        format!("{} lacks document metadata: {}", d.path, missing.join(", ")),
        missing.iter().map(|k| (*k, "absent".to_string())).collect(),
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
    let other = match (products, lockfiles) {
        (0, _) => "the lockfile",
        (_, 0) => "the delivered product",
        _ => "the lockfiles and delivered product",
    };
    let other_versions = format!("{} versions", other.trim_start_matches("the "));
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
                format!("{name} {} is in the SBOM but not in {other}", list(&sbom)),
                "in SBOM only",
            ),
            (true, false) => (
                format!(
                    "{name} {} is in {other} but missing from the SBOM",
                    list(&lock)
                ),
                "in lockfile only",
            ),
            (false, false) if sbom != lock => {
                let only_sbom: BTreeSet<String> = sbom.difference(&lock).cloned().collect();
                let only_lock: BTreeSet<String> = lock.difference(&sbom).cloned().collect();
                let both: BTreeSet<String> = sbom.intersection(&lock).cloned().collect();
                let shared = if both.is_empty() {
                    String::new()
                } else {
                    format!(" ({} in both)", list(&both))
                };
                let side = |s: &BTreeSet<String>| {
                    if s.is_empty() {
                        "no other version".to_string()
                    } else {
                        list(s)
                    }
                };
                (
                    format!(
                        "{name} is at {} in the SBOM but {} in {other}{shared}",
                        side(&only_sbom),
                        side(&only_lock)
                    ),
                    "other version",
                )
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
                    other_versions.clone(),
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
        c.authors.push("Jane".into());
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
        c.invalid_purl = Some("pkg:/".into());
        match run(no_identifier, c) {
            Verdict::Fire(f) => assert!(f.message.contains("not a valid package URL")),
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
        rule(
            d,
            &Ctx {
                inv: &inv,
                thresholds: &Thresholds::default(),
                now: super::super::testing::NOW,
                advisories: None,
                lifecycle: crate::rules::bundled_lifecycle(),
            },
        )
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
                assert!(f.message.contains("ghost"));
                assert!(f.message.contains("2 of 3 components unreachable"));
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
        let out = drift(&Ctx {
            inv: &inv,
            thresholds: &t,
            now: super::super::testing::NOW,
            advisories: None,
            lifecycle: crate::rules::bundled_lifecycle(),
        });
        let messages: Vec<String> = out
            .iter()
            .map(|v| match v {
                Verdict::Fire(f) => f.message.clone(),
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
            drift(&Ctx {
                inv: &inv,
                thresholds: &t,
                now: super::super::testing::NOW,
                advisories: None,
                lifecycle: crate::rules::bundled_lifecycle(),
            })[0],
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
                assert!(f.message.contains(
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
