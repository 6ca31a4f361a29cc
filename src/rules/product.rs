//! Delivered products (a root filesystem scanned as delivered): DEL-09, a
//! delivered file that differs from its package, and OPQ-07, a binary
//! nothing accounts for. Separate findings per
//! package for changed files (high), changed configuration files (low) and
//! missing files (low): an edited conffile is often intended, a missing file
//! often an image's documented trimming, a changed binary never.

use std::collections::HashSet;

use super::{Ctx, Fire, Verdict};
use crate::model::{
    ComponentId, Evidence, EvidenceSource, FileDiff, Format, HashAlg, Inventory, Message, Severity,
    Template, UnaccountedBinary,
};

static FILES_DIFFER: Template = Template::new(
    "{package} {version}: {n} {what} from the digests its package database recorded: {files}",
    "{package} {version}：有 {n} 个{what}与其软件包数据库记录的摘要不一致：{files}",
);
static INSTALLED_FILE_DIFFERS: Template = Template::new("installed file differs", "已安装文件");
static INSTALLED_FILES_DIFFER: Template = Template::new("installed files differ", "已安装文件");
static CONFFILE_DIFFERS: Template = Template::new("configuration file differs", "配置文件");
static CONFFILES_DIFFER: Template = Template::new("configuration files differ", "配置文件");
static FILE_MISSING: Template = Template::new(
    "{package} {version}: {n} installed file is missing: {files}",
    "{package} {version}：缺少 {n} 个已安装文件：{files}",
);
static FILES_MISSING: Template = Template::new(
    "{package} {version}: {n} installed files are missing: {files}",
    "{package} {version}：缺少 {n} 个已安装文件：{files}",
);
static AND_MORE: Template = Template::new("{shown} and {n} more", "{shown} 等，另有 {n} 个");
static UNACCOUNTED: Template = Template::new(
    "{path}: {kind} that no package database lists{declared} and that carries no build record{context}",
    "{path}：未被任何软件包数据库列出{declared}、且不带构建记录的 {kind}{context}",
);
static NO_SBOM_DECLARES: Template = Template::new(
    ", no SBOM of the scan declares",
    "、也未被本次扫描的任何 SBOM 声明",
);
static BINARIES_IN_PRODUCT: Template = Template::new(
    " ({n} binaries in the product: {packages} from packages, {records} with a build record)",
    "（产品中共 {n} 个二进制文件：{packages} 个来自软件包，{records} 个带构建记录）",
);

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
        let source = |path: &str| EvidenceSource::product(root, path);
        let mut fired = false;
        for (diffs, (one, many), key, severity) in [
            (
                &v.changed,
                (&INSTALLED_FILE_DIFFERS, &INSTALLED_FILES_DIFFER),
                "changed",
                Severity::High,
            ),
            (
                &v.changed_conffiles,
                (&CONFFILE_DIFFERS, &CONFFILES_DIFFER),
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
                    message: Message::new(&FILES_DIFFER)
                        .arg("package", c.name.as_str())
                        .arg("version", c.version.as_deref().unwrap_or(""))
                        .arg("n", diffs.len().to_string())
                        .phrase("what", Message::new(what))
                        .phrase("files", named(diffs.iter().map(|d| d.path.as_str()))),
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
                    message: Message::new(if v.missing.len() == 1 {
                        &FILE_MISSING
                    } else {
                        &FILES_MISSING
                    })
                    .arg("package", c.name.as_str())
                    .arg("version", c.version.as_deref().unwrap_or(""))
                    .arg("n", v.missing.len().to_string())
                    .phrase("files", named(v.missing.iter().map(String::as_str))),
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

fn named<'a>(paths: impl ExactSizeIterator<Item = &'a str>) -> Message {
    let total = paths.len();
    let shown: Vec<&str> = paths.take(NAMED_IN_MESSAGE).collect();
    if total > shown.len() {
        Message::new(&AND_MORE)
            .arg("shown", shown.join(", "))
            .arg("n", (total - shown.len()).to_string())
    } else {
        Message::data(shown.join(", "))
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
        Message::new(&NO_SBOM_DECLARES)
    } else {
        Message::data("")
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
            let declared = declared_text.clone();
            let source = EvidenceSource::product(&d.path, &b.path);
            let mut sourced = vec![Evidence::new("kind", b.kind.clone(), source.clone())];
            if let Some(size) = b.size {
                sourced.push(Evidence::new("size", size.to_string(), source.clone()));
            }
            if let Some(h) = &b.sha256 {
                sourced.push(Evidence::new("sha256", h.clone(), source.clone()));
            }
            let context = if census.binaries > 1 {
                Message::new(&BINARIES_IN_PRODUCT)
                    .arg("n", census.binaries.to_string())
                    .arg("packages", census.owned_by_packages.to_string())
                    .arg("records", census.with_build_record.to_string())
            } else {
                Message::data("")
            };
            out.push(Verdict::Fire(Fire {
                message: Message::new(&UNACCOUNTED)
                    .arg("path", b.path.as_str())
                    .arg("kind", b.kind.as_str())
                    .phrase("declared", declared)
                    .phrase("context", context),
                evidence: Vec::new(),
                sourced,
                key: Some(b.path.clone()),
                severity: None,
            }));
        }
    }
    out
}
