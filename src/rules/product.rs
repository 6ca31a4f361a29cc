//! Delivered products (a root filesystem scanned as delivered): DEL-09, a
//! delivered file that differs from its package, and OPQ-07, a binary
//! nothing accounts for. Separate findings per
//! package for changed files (high), changed configuration files (low) and
//! missing files (low): an edited conffile is often intended, a missing file
//! often an image's documented trimming, a changed binary never.

use std::collections::HashSet;

use super::{Ctx, Fire, Verdict};
use crate::model::{
    ComponentId, Evidence, EvidenceSource, FileDiff, Format, HashAlg, Inventory, Severity,
    UnaccountedBinary,
};

/// Files named in a message before "and N more".
const NAMED_IN_MESSAGE: usize = 5;

const NOT_VERIFIED: &str = "the package's files were not checked: its database records no digests, or --no-verify-files was given";

/// DEL-09 for every package read from a delivered product.
pub fn file_integrity(ctx: &Ctx) -> Vec<(ComponentId, Verdict)> {
    let inv = ctx.inv;
    let mut out = Vec::new();
    for c in &inv.components {
        let Some(root) = c.locations.iter().find_map(|l| {
            inv.documents
                .get(l.input)
                .filter(|d| d.format == Some(Format::RootFilesystem))
                .map(|d| d.path.as_str())
        }) else {
            continue;
        };
        // Language packages are judged where a record of their files was read (Python RECORD).
        if !c.ecosystem.is_distribution() && c.files.is_none() {
            continue;
        }
        let Some(v) = &c.files else {
            out.push((c.id, Verdict::not_evaluated(NOT_VERIFIED)));
            continue;
        };
        let source =
            |path: &str| EvidenceSource(format!("product:{}{path}", root.trim_end_matches('/')));
        let mut fired = false;
        for (diffs, (one, many), key, severity) in [
            (
                &v.changed,
                ("installed file differs", "installed files differ"),
                "changed",
                Severity::High,
            ),
            (
                &v.changed_conffiles,
                ("configuration file differs", "configuration files differ"),
                "conffiles",
                Severity::Low,
            ),
        ] {
            let what = if diffs.len() == 1 { one } else { many };
            if diffs.is_empty() {
                continue;
            }
            fired = true;
            out.push((
                c.id,
                Verdict::Fire(Fire {
                    message: format!(
                        "{} {}: {} {what} from the digests its package database recorded: {}",
                        c.name,
                        c.version.as_deref().unwrap_or(""),
                        diffs.len(),
                        named(diffs.iter().map(|d| d.path.as_str()))
                    ),
                    evidence: Vec::new(),
                    sourced: diffs
                        .iter()
                        .map(|d| diff_evidence(d, source(&d.path)))
                        .collect(),
                    key: Some(key.to_string()),
                    severity: Some(severity),
                }),
            ));
        }
        if !v.missing.is_empty() {
            fired = true;
            out.push((
                c.id,
                Verdict::Fire(Fire {
                    message: format!(
                        "{} {}: {} installed {} missing: {}",
                        c.name,
                        c.version.as_deref().unwrap_or(""),
                        v.missing.len(),
                        if v.missing.len() == 1 {
                            "file is"
                        } else {
                            "files are"
                        },
                        named(v.missing.iter().map(String::as_str))
                    ),
                    evidence: Vec::new(),
                    sourced: v
                        .missing
                        .iter()
                        .map(|p| Evidence::new(p.clone(), "missing", source(p)))
                        .collect(),
                    key: Some("missing".to_string()),
                    severity: Some(Severity::Low),
                }),
            ));
        }
        if !fired {
            out.push((c.id, Verdict::Pass));
        }
    }
    out
}

fn diff_evidence(d: &FileDiff, source: EvidenceSource) -> Evidence {
    Evidence::new(
        d.path.clone(),
        format!(
            "{} recorded {}, found {}",
            d.algorithm, d.recorded, d.actual
        ),
        source,
    )
}

fn named<'a>(paths: impl ExactSizeIterator<Item = &'a str>) -> String {
    let total = paths.len();
    let shown: Vec<&str> = paths.take(NAMED_IN_MESSAGE).collect();
    if total > shown.len() {
        format!("{} and {} more", shown.join(", "), total - shown.len())
    } else {
        shown.join(", ")
    }
}

/// What the scan's SBOMs say the product delivers: file paths and SHA-256s
/// (their files, `file` components, occurrences, and every component's hash).
struct Declared<'a> {
    paths: HashSet<&'a str>,
    sha256: HashSet<&'a str>,
}

impl<'a> Declared<'a> {
    fn of(inv: &'a Inventory) -> Declared<'a> {
        let sbom = |input: usize| {
            inv.documents
                .get(input)
                .is_some_and(|d| !d.format.is_some_and(Format::is_delivered))
        };
        let mut out = Declared {
            paths: HashSet::new(),
            sha256: HashSet::new(),
        };
        for (i, d) in inv.documents.iter().enumerate() {
            if sbom(i) {
                for f in &d.meta.declared_files {
                    out.paths.extend(f.path.as_deref());
                    out.sha256.extend(f.sha256.as_deref());
                }
            }
        }
        for c in &inv.components {
            if c.locations.iter().any(|l| sbom(l.input)) {
                out.sha256.extend(
                    c.hashes
                        .iter()
                        .filter(|h| h.alg == HashAlg::Sha256)
                        .map(|h| h.value.as_str()),
                );
            }
        }
        out
    }

    fn accounts_for(&self, b: &UnaccountedBinary) -> bool {
        self.paths.contains(b.path.trim_start_matches('/'))
            || b.sha256.as_deref().is_some_and(|h| self.sha256.contains(h))
    }
}

/// OPQ-07: each binary in a delivered product that no package database
/// lists, that carries no build record and that no SBOM of the scan
/// declares (by path or SHA-256), one finding per file.
pub fn unaccounted_executables(ctx: &Ctx) -> Vec<Verdict> {
    let sboms = ctx
        .inv
        .documents
        .iter()
        .any(|d| d.error.is_none() && !d.format.is_some_and(Format::is_delivered));
    let declared_text = if sboms {
        ", no SBOM of the scan declares"
    } else {
        ""
    };
    let products: Vec<_> = ctx
        .inv
        .documents
        .iter()
        .filter(|d| d.error.is_none() && d.format.is_some_and(Format::is_delivered))
        .collect();
    if products.is_empty() {
        return Vec::new();
    }
    let declared = Declared::of(ctx.inv);
    let mut out = Vec::new();
    for d in products {
        let Some(census) = &d.meta.executables else {
            out.push(Verdict::not_evaluated(
                "the product's files were not examined (--no-verify-files)",
            ));
            continue;
        };
        let unaccounted: Vec<_> = census
            .unaccounted
            .iter()
            .filter(|b| !declared.accounts_for(b))
            .collect();
        if unaccounted.is_empty() {
            out.push(Verdict::Pass);
        }
        for b in unaccounted {
            let declared = declared_text;
            let source = EvidenceSource(format!(
                "product:{}{}",
                d.path.trim_end_matches('/'),
                b.path
            ));
            let mut sourced = vec![Evidence::new("kind", b.kind.clone(), source.clone())];
            if let Some(size) = b.size {
                sourced.push(Evidence::new("size", size.to_string(), source.clone()));
            }
            if let Some(h) = &b.sha256 {
                sourced.push(Evidence::new("sha256", h.clone(), source.clone()));
            }
            let context = if census.binaries > 1 {
                format!(
                    " ({} binaries in the product: {} from packages, {} with a build record)",
                    census.binaries, census.owned_by_packages, census.with_build_record
                )
            } else {
                String::new()
            };
            out.push(Verdict::Fire(Fire {
                message: format!(
                    "{}: {} that no package database lists{declared} and that carries no build record{context}",
                    b.path, b.kind
                ),
                evidence: Vec::new(),
                sourced,
                key: Some(b.path.clone()),
                severity: None,
            }));
        }
    }
    out
}
