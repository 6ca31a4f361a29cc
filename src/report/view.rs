//! The view model of the human reports: everything Markdown and HTML show,
//! computed once from an [`Assessment`] so the two formats never disagree.
//! Labels are message keys (see `i18n`); values stay as the data gave them.

use std::collections::{BTreeSet, HashMap};

use sha2::{Digest, Sha256};

use super::{Assessment, Share};
use crate::model::{
    BaselineInfo, BaselineState, Category, Component, ComponentId, ExceptionMark, ExceptionReport,
    Finding, RulePolicy, Severity,
};
use crate::rules::Thresholds;
use crate::rules::catalogue::{self, Mapping, RuleInfo};

/// The report's sections after the cover, in order: (anchor, title key),
/// as the table of contents lists them (see `sections.rs`).
pub const SECTIONS: [(&str, &str); 8] = [
    ("summary", "sec.summary"),
    // The risks first; conformance and the review matrix are what a reviewer
    // checks after reading them.
    ("findings", "sec.findings"),
    ("conformance", "sec.conformance"),
    ("review-matrix", "sec.matrix"),
    ("known-unknowns", "sec.unknowns"),
    ("policy", "sec.policy"),
    ("inventory", "sec.inventory"),
    ("reproducibility", "sec.reproducibility"),
];

/// Rule families, in the order of RULES.md: the review matrix's columns.
pub const FAMILIES: [&str; 5] = ["UNM", "OPQ", "CON", "DEL", "SBM"];

/// Review-measure factors of RULES.md "maps to": the review matrix's rows.
pub const FACTORS: [Mapping; 4] = [
    Mapping::M4Lifecycle,
    Mapping::M10Tampering,
    Mapping::M10Interruption,
    Mapping::M10Channels,
];

/// One data element of a conformance standard and the rule results that
/// decide it. `evidence_key` narrows a document rule that checks several
/// elements at once (SBM-06) to the findings that name this element.
pub struct ElementDef {
    /// Message key of the element's name.
    pub key: &'static str,
    pub rules: &'static [&'static str],
    pub evidence_key: Option<&'static str>,
}

const fn el(
    key: &'static str,
    rules: &'static [&'static str],
    evidence_key: Option<&'static str>,
) -> ElementDef {
    ElementDef {
        key,
        rules,
        evidence_key,
    }
}

/// NTIA minimum elements (2021): data fields, and the "known unknowns" practice.
/// The component name has no rule: every component in the model has one.
pub const NTIA: &[ElementDef] = &[
    el("el.supplier", &["SBM-01"], None),
    el("el.name", &[], None),
    el("el.version", &["SBM-02"], None),
    el("el.identifier", &["SBM-03"], None),
    el("el.dependencies", &["SBM-04"], None),
    el("el.author", &["SBM-06"], Some("author or tool")),
    el("el.timestamp", &["SBM-06"], Some("timestamp")),
    el("el.completeness", &["SBM-05"], None),
];

/// BSI TR-03183-2 required fields (SBOM and component level).
pub const BSI: &[ElementDef] = &[
    el("el.creator", &["SBM-06"], Some("author or tool")),
    el("el.timestamp", &["SBM-06"], Some("timestamp")),
    el("el.component_creator", &["SBM-01"], None),
    el("el.name", &[], None),
    el("el.version", &["SBM-02"], None),
    el("el.identifier", &["SBM-03"], None),
    el("el.dependencies", &["SBM-04"], None),
    el("el.completeness", &["SBM-05"], None),
    el("el.licence", &["OPQ-05"], None),
    el("el.hash", &["DEL-01", "DEL-03"], None),
    el("el.source_uri", &["OPQ-01"], None),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conformance {
    Met,
    /// Subjects (components or documents) that lack the element.
    NotMet(usize),
    /// Subjects the rules could not judge.
    NotEvaluated(usize),
}

pub struct ElementRow {
    pub key: &'static str,
    pub rules: &'static [&'static str],
    pub status: Conformance,
}

pub struct MatrixCell {
    pub family: &'static str,
    /// Display numbers of the findings in this cell.
    pub findings: Vec<usize>,
    /// Anchor of the cell's list of findings.
    pub anchor: String,
}

pub struct MatrixRow {
    pub factor: &'static str,
    pub cells: Vec<MatrixCell>,
}

pub struct EvidenceRow<'a> {
    pub key: &'a str,
    pub value: &'a str,
    /// The source without its time (`registry:npm`, `sbom:file#/ptr`).
    pub source: &'a str,
    /// When the source fetched or wrote the fact, where it records one.
    pub fetched: Option<&'a str>,
}

pub struct ThresholdRow {
    pub key: &'static str,
    pub value: String,
    /// True when the value is the built-in default (the finding did not state it).
    pub default: bool,
}

pub struct FindingRow<'a> {
    /// 1-based position in the report, shown as `F<number>`, anchored as `f<number>`.
    pub number: usize,
    pub finding: &'a Finding,
    pub rule: Option<&'static RuleInfo>,
    pub component: Option<&'a Component>,
    /// Names (with versions) from a root down to the component.
    pub path: Vec<String>,
    pub evidence: Vec<EvidenceRow<'a>>,
    pub thresholds: Vec<ThresholdRow>,
    pub exception: Option<&'a ExceptionMark>,
    pub baseline: Option<BaselineState>,
}

impl FindingRow<'_> {
    pub fn anchor(&self) -> String {
        format!("f{}", self.number)
    }

    /// The component's name with its version, or what stands for the product.
    pub fn component_label(&self, t: super::i18n::Tr) -> String {
        self.component
            .map(display_name)
            .unwrap_or_else(|| t.t("f.product").to_string())
    }
}

pub struct SeverityGroup<'a> {
    pub severity: Severity,
    pub rows: Vec<FindingRow<'a>>,
}

/// The findings of one widespread rule within a severity group, or those of
/// a rule past its first [`DETAILED_PER_RULE`], shown as one entry.
pub struct RuleGroup<'v, 'a> {
    pub rule: &'a str,
    pub rows: Vec<&'v FindingRow<'a>>,
    /// One fact repeated over many components, rather than the overflow of
    /// a rule whose findings each say something different.
    pub widespread: bool,
}

impl RuleGroup<'_, '_> {
    /// The i18n key of the note that says why the findings are grouped.
    pub fn note_key(&self) -> &'static str {
        if self.widespread {
            "f.grouped_note"
        } else {
            "f.overflow_note"
        }
    }
}

impl<'a> SeverityGroup<'a> {
    /// The rows shown one by one, and the widespread rules' rows grouped
    /// per rule (in rule order), for the human reports. A rule's findings
    /// past the first [`DETAILED_PER_RULE`] of the group are grouped too.
    pub fn split<'v>(
        &'v self,
        widespread: &BTreeSet<String>,
    ) -> (Vec<&'v FindingRow<'a>>, Vec<RuleGroup<'v, 'a>>) {
        let mut single = Vec::new();
        let mut grouped: Vec<RuleGroup<'v, 'a>> = Vec::new();
        let mut detailed: HashMap<&str, usize> = HashMap::new();
        for r in &self.rows {
            let rule = r.finding.rule.as_str();
            if !widespread.contains(rule) {
                let shown = detailed.entry(rule).or_default();
                if *shown < DETAILED_PER_RULE {
                    *shown += 1;
                    single.push(r);
                    continue;
                }
            }
            match grouped.iter_mut().find(|g| g.rule == rule) {
                Some(g) => g.rows.push(r),
                None => grouped.push(RuleGroup {
                    rule,
                    rows: vec![r],
                    widespread: widespread.contains(rule),
                }),
            }
        }
        (single, grouped)
    }
}

/// Findings of one rule and severity shown one by one in the human reports;
/// the rest are grouped (JSON, SARIF and CSV keep one finding each), so a
/// report of 100,000 components stays readable and its HTML small.
pub const DETAILED_PER_RULE: usize = 100;
/// Components named in one grouped entry; the rest are counted.
pub const NAMED_PER_GROUP: usize = 1_000;
/// Components listed in the human reports' inventory; the rest are counted
/// (the JSON and CycloneDX reports list every one).
pub const INVENTORY_LISTED: usize = 2_000;

/// A rule that fires on at least this many components…
const WIDESPREAD_MIN: usize = 10;
/// …and on at least this share of them is shown once, grouped.
const WIDESPREAD_SHARE: f64 = 0.25;

/// Rules that repeat one fact over many components (no hash, no supplier,
/// no licence): shown once, grouped, in the terminal, Markdown and HTML;
/// complete, one finding each, in JSON, SARIF and CSV. Only rules on the
/// SBOM's own data qualify: a registry or graph finding says something
/// different about each component.
pub fn widespread_rules(a: &Assessment) -> BTreeSet<String> {
    let mut count: HashMap<&str, usize> = HashMap::new();
    for f in a.findings.iter().filter(|f| f.component.is_some()) {
        *count.entry(f.rule.as_str()).or_default() += 1;
    }
    let n = a.components.len() as f64;
    count
        .into_iter()
        .filter(|(rule, k)| {
            *k >= WIDESPREAD_MIN
                && *k as f64 >= WIDESPREAD_SHARE * n
                && catalogue::find(rule).is_some_and(|r| {
                    r.needs == catalogue::Needs::Sbom
                        && r.subject() == catalogue::Subject::Component
                })
        })
        .map(|(rule, _)| rule.to_string())
        .collect()
}

pub struct UnknownRow<'a> {
    pub rule: &'a str,
    pub info: Option<&'static RuleInfo>,
    pub count: usize,
    pub reason: &'a str,
}

/// How a component sits in the graph, for the inventory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Relation {
    Root,
    Direct,
    Transitive,
    Unknown,
}

pub struct InventoryRow<'a> {
    pub component: &'a Component,
    pub relation: Relation,
    /// Licence expressions (raw text where it does not parse), joined.
    pub licences: String,
    /// Hash algorithms present.
    pub hashes: String,
    /// Findings on this component.
    pub findings: usize,
}

/// A rule the policy changes: switched off, re-rated or re-scoped.
pub struct RuleChangeRow<'a> {
    pub change: &'a RulePolicy,
    pub info: Option<&'static RuleInfo>,
}

/// The policy in force, as the "Policy and exceptions" section shows it.
pub struct PolicyView<'a> {
    /// The policy file; `None` for the built-in defaults.
    pub file: Option<&'a str>,
    pub sha256: &'a str,
    /// Only rules whose settings differ from the defaults, in policy order.
    pub rules: Vec<RuleChangeRow<'a>>,
    /// Every `[[exception]]` entry, in file order, with its state.
    pub exceptions: Vec<&'a ExceptionReport>,
}

pub struct View<'a> {
    pub a: &'a Assessment,
    /// The product's name and version, as the title and the cover name it.
    pub subject: String,
    pub report_id: String,
    /// The scan time with an explicit offset.
    pub generated: String,
    /// Findings by severity (rows) × category (columns, `Category::ALL` order).
    pub severity_category: Vec<(Severity, [usize; 5])>,
    pub coverage: Vec<(&'static str, Share)>,
    pub ntia: Vec<ElementRow>,
    pub bsi: Vec<ElementRow>,
    pub matrix: Vec<MatrixRow>,
    /// Non-empty groups only, most severe first.
    pub groups: Vec<SeverityGroup<'a>>,
    /// See [`widespread_rules`].
    pub widespread: BTreeSet<String>,
    pub unknowns: Vec<UnknownRow<'a>>,
    /// The first [`INVENTORY_LISTED`] components.
    pub inventory: Vec<InventoryRow<'a>>,
    pub inventory_total: usize,
    /// `online` / `offline` / how resolution ran; `None` when not recorded.
    pub mode: Option<String>,
    /// `None` when the report does not record the policy.
    pub policy: Option<PolicyView<'a>>,
    pub baseline: Option<&'a BaselineInfo>,
}

/// `name@version`, or the name alone.
pub fn display_name(c: &Component) -> String {
    match &c.version {
        Some(v) => format!("{}@{}", c.name, v),
        None => c.name.clone(),
    }
}

/// Splits `registry:npm@2026-01-01T00:00:00Z` into source and time. Only
/// registry and snapshot sources carry a time; an `@` elsewhere (a purl in a
/// pointer) is part of the source.
fn split_source(s: &str) -> (&str, Option<&str>) {
    if (s.starts_with("registry:") || s.starts_with("snapshot:"))
        && let Some((src, time)) = s.rsplit_once('@')
    {
        return (src, Some(time));
    }
    (s, None)
}

/// The scan time as `YYYY-MM-DD HH:MM:SS +00:00`; the raw text when it does not parse.
fn with_offset(rfc3339: &str) -> String {
    match rfc3339.parse::<jiff::Timestamp>() {
        Ok(ts) => ts.strftime("%Y-%m-%d %H:%M:%S %:z").to_string(),
        Err(_) => rfc3339.to_string(),
    }
}

/// A short, stable id of what the report says: SHA-256 over the inputs'
/// digests and the findings' fingerprints, 12 hex digits.
fn report_id(a: &Assessment) -> String {
    let mut h = Sha256::new();
    for d in &a.inputs {
        h.update(d.path.as_bytes());
        h.update([0]);
        h.update(d.sha256.as_deref().unwrap_or("").as_bytes());
        h.update([0]);
    }
    let mut fps: Vec<&str> = a.findings.iter().map(|f| f.fingerprint.as_str()).collect();
    fps.sort_unstable();
    for fp in fps {
        h.update(fp.as_bytes());
        h.update([0]);
    }
    let digest = h.finalize();
    crate::model::encode::hex(&digest[..6])
}

fn category_index(c: Category) -> usize {
    Category::ALL.iter().position(|x| *x == c).unwrap_or(0)
}

fn family(rule: &str) -> &str {
    rule.split_once('-').map_or(rule, |(f, _)| f)
}

impl<'a> View<'a> {
    pub fn new(a: &'a Assessment) -> View<'a> {
        // Ids are dense indices in a fresh assessment; a map keeps lookups
        // right (and linear overall) for any report read back from JSON.
        let by_id: HashMap<ComponentId, &Component> =
            a.components.iter().map(|c| (c.id, c)).collect();
        let rules: HashMap<&str, &'static RuleInfo> =
            catalogue::RULES.iter().map(|r| (r.id, r)).collect();

        let groups = finding_groups(a, &by_id, &rules);
        let mut severity_category: Vec<(Severity, [usize; 5])> =
            Severity::ALL.iter().map(|s| (*s, [0; 5])).collect();
        for f in &a.findings {
            if let Some(row) = severity_category.iter_mut().find(|(s, _)| *s == f.severity) {
                row.1[category_index(f.category)] += 1;
            }
        }
        let cov = &a.summary.coverage;
        let coverage = vec![
            ("cov.supplier", cov.supplier),
            ("cov.version", cov.version),
            ("cov.identifier", cov.identifier),
            ("cov.hash", cov.hash),
            ("cov.licence", cov.licence),
            ("cov.source_repository", cov.source_repository),
            ("cov.origin_resolved", cov.origin_resolved),
        ];
        let matrix = review_matrix(&groups, &rules);
        let unknowns = a
            .not_evaluated
            .iter()
            .map(|u| UnknownRow {
                rule: &u.rule,
                info: rules.get(u.rule.as_str()).copied(),
                count: u.count,
                reason: &u.reason,
            })
            .collect();
        let mut per_component: HashMap<ComponentId, usize> = HashMap::new();
        for f in &a.findings {
            if let Some(c) = f.component {
                *per_component.entry(c).or_default() += 1;
            }
        }
        let inventory = a
            .components
            .iter()
            .take(INVENTORY_LISTED)
            .map(|c| InventoryRow {
                component: c,
                relation: if c.root {
                    Relation::Root
                } else {
                    match c.direct {
                        Some(true) => Relation::Direct,
                        Some(false) => Relation::Transitive,
                        None => Relation::Unknown,
                    }
                },
                licences: licences(c),
                hashes: c
                    .hashes
                    .iter()
                    .map(|h| h.alg.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                findings: per_component.get(&c.id).copied().unwrap_or(0),
            })
            .collect();
        // Without a resolution block no registry was asked, whatever the flags.
        let mode = match (&a.invocation, &a.resolution) {
            (_, Some(r)) => Some(r.mode.clone()),
            (Some(i), None) => Some(if i.offline { "offline" } else { "off" }.to_string()),
            (None, None) => None,
        };
        View {
            a,
            subject: match &a.subject.version {
                Some(ver) => format!("{} {}", a.subject.name, ver),
                None => a.subject.name.clone(),
            },
            report_id: report_id(a),
            generated: with_offset(&a.generated_at),
            severity_category,
            coverage,
            ntia: conformance(a, NTIA),
            bsi: conformance(a, BSI),
            matrix,
            groups,
            widespread: widespread_rules(a),
            unknowns,
            inventory,
            inventory_total: a.components.len(),
            mode,
            policy: policy_view(a, &rules),
            baseline: a.baseline.as_ref(),
        }
    }

    pub fn finding_count(&self) -> usize {
        self.groups.iter().map(|g| g.rows.len()).sum()
    }
}

fn policy_view<'a>(
    a: &'a Assessment,
    rules: &HashMap<&str, &'static RuleInfo>,
) -> Option<PolicyView<'a>> {
    let p = a.policy.as_ref()?;
    // The scan lists only changed rules; a report read back from JSON may
    // list a rule at its defaults, which changes nothing worth a row.
    let changed =
        |r: &RulePolicy| !r.enabled || r.severity.is_some() || r.scope != "all" || r.removed > 0;
    let mut exceptions: Vec<&ExceptionReport> = p.exceptions.iter().collect();
    exceptions.sort_by_key(|e| e.index);
    Some(PolicyView {
        file: p.file.as_deref(),
        sha256: &p.sha256,
        rules: p
            .rules
            .iter()
            .filter(|r| changed(r))
            .map(|r| RuleChangeRow {
                change: r,
                info: rules.get(r.rule.as_str()).copied(),
            })
            .collect(),
        exceptions,
    })
}

fn finding_groups<'a>(
    a: &'a Assessment,
    by_id: &HashMap<ComponentId, &'a Component>,
    rules: &HashMap<&str, &'static RuleInfo>,
) -> Vec<SeverityGroup<'a>> {
    let defaults = Thresholds::default();
    // What the policy set; a finding that states a threshold says it first.
    let in_force = a.policy.as_ref().map_or(&[][..], |p| &p.thresholds[..]);
    // Most severe first; within a severity, by rule, then as the rules emitted them.
    let mut order: Vec<&Finding> = a.findings.iter().collect();
    order.sort_by(|x, y| y.severity.cmp(&x.severity).then(x.rule.cmp(&y.rule)));
    let mut groups: Vec<SeverityGroup> = Vec::new();
    for (i, f) in order.into_iter().enumerate() {
        let rule = rules.get(f.rule.as_str()).copied();
        let path = f
            .path
            .as_ref()
            .map(|p| {
                p.iter()
                    .map(|id| {
                        by_id
                            .get(id)
                            .map_or_else(|| format!("#{id}"), |c| display_name(c))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let evidence = f
            .evidence
            .iter()
            .map(|e| {
                let (source, fetched) = split_source(&e.source.0);
                EvidenceRow {
                    key: &e.key,
                    value: &e.value,
                    source,
                    fetched,
                }
            })
            .collect();
        let thresholds = rule
            .map(|r| r.thresholds)
            .unwrap_or_default()
            .iter()
            .map(|k| {
                let stated = f
                    .evidence
                    .iter()
                    .find(|e| e.key.strip_prefix("threshold ") == Some(k.key()));
                let set = in_force.iter().find(|s| s.key == k.key());
                match stated.map(|e| &e.value).or(set.map(|s| &s.value)) {
                    Some(value) => ThresholdRow {
                        key: k.key(),
                        value: value.clone(),
                        default: false,
                    },
                    None => ThresholdRow {
                        key: k.key(),
                        value: defaults.describe(*k),
                        default: true,
                    },
                }
            })
            .collect();
        let row = FindingRow {
            number: i + 1,
            finding: f,
            rule,
            component: f.component.and_then(|id| by_id.get(&id).copied()),
            path,
            evidence,
            thresholds,
            exception: f.exception.as_deref(),
            baseline: f.baseline,
        };
        match groups.last_mut() {
            Some(g) if g.severity == f.severity => g.rows.push(row),
            _ => groups.push(SeverityGroup {
                severity: f.severity,
                rows: vec![row],
            }),
        }
    }
    groups
}

fn review_matrix(
    groups: &[SeverityGroup],
    rules: &HashMap<&str, &'static RuleInfo>,
) -> Vec<MatrixRow> {
    let mut rows: Vec<MatrixRow> = FACTORS
        .iter()
        .map(|factor| MatrixRow {
            factor: factor.label(),
            cells: FAMILIES
                .iter()
                .map(|fam| MatrixCell {
                    family: fam,
                    findings: Vec::new(),
                    anchor: format!(
                        "matrix-{}-{}",
                        factor_slug(factor.label()),
                        fam.to_ascii_lowercase()
                    ),
                })
                .collect(),
        })
        .collect();
    for row in groups.iter().flat_map(|g| &g.rows) {
        let Some(info) = rules.get(row.finding.rule.as_str()) else {
            continue;
        };
        let Some(col) = FAMILIES.iter().position(|f| *f == family(info.id)) else {
            continue;
        };
        for m in info.maps_to {
            if let Some(r) = FACTORS.iter().position(|f| f == m) {
                rows[r].cells[col].findings.push(row.number);
            }
        }
    }
    rows
}

/// `M10(1)` → `m10-1`, for anchors.
pub fn factor_slug(factor: &str) -> String {
    factor
        .to_ascii_lowercase()
        .replace('(', "-")
        .replace(')', "")
}

fn conformance(a: &Assessment, defs: &'static [ElementDef]) -> Vec<ElementRow> {
    defs.iter()
        .map(|d| {
            let status = if d.rules.is_empty() {
                let unnamed = a.components.iter().filter(|c| c.name.is_empty()).count();
                if unnamed == 0 {
                    Conformance::Met
                } else {
                    Conformance::NotMet(unnamed)
                }
            } else {
                let mut subjects: Vec<(Option<ComponentId>, usize)> = a
                    .findings
                    .iter()
                    .enumerate()
                    .filter(|(_, f)| d.rules.contains(&f.rule.as_str()))
                    .filter(|(_, f)| {
                        d.evidence_key
                            .is_none_or(|k| f.evidence.iter().any(|e| e.key == k))
                    })
                    // Component findings count components; document findings count once each.
                    .map(|(i, f)| (f.component, if f.component.is_some() { 0 } else { i }))
                    .collect();
                subjects.sort_unstable();
                subjects.dedup();
                let unjudged: usize = a
                    .not_evaluated
                    .iter()
                    .filter(|u| d.rules.contains(&u.rule.as_str()))
                    .map(|u| u.count)
                    .sum();
                if !subjects.is_empty() {
                    Conformance::NotMet(subjects.len())
                } else if unjudged > 0 {
                    Conformance::NotEvaluated(unjudged)
                } else {
                    Conformance::Met
                }
            };
            ElementRow {
                key: d.key,
                rules: d.rules,
                status,
            }
        })
        .collect()
}

/// The input's licences; where none of them is a valid SPDX expression and
/// the registry's is, the registry's, marked as such (OPQ-05 reads it too).
fn licences(c: &Component) -> String {
    let own = c
        .licenses
        .iter()
        .map(|l| l.expression.as_deref().unwrap_or(&l.raw))
        .collect::<Vec<_>>()
        .join("; ");
    if c.licenses.iter().any(|l| l.is_known()) {
        return own;
    }
    let registry = c.registry_licence().filter(|l| l.is_known());
    match registry {
        Some(l) if own.is_empty() => format!("{} (registry)", l.expression.unwrap_or(l.raw)),
        Some(l) => format!("{own}; {} (registry)", l.expression.unwrap_or(l.raw)),
        None => own,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2,500 components: none names a supplier (SBM-01 on every one, a
    /// widespread rule), one in five has no hash (DEL-01 on 500, not
    /// widespread). The human reports show 100 DEL-01 findings in full and
    /// group the rest, name 1,000 components of a group and count the rest,
    /// and list 2,000 components of the inventory.
    #[test]
    fn large_reports_show_the_first_findings_of_a_rule_and_count_the_rest() {
        use crate::model::{Component, Hash, HashAlg, Inventory};
        use crate::report::{html, i18n::Lang, markdown};
        let mut inv = Inventory::default();
        for i in 0..2_500 {
            let mut c = Component::named(format!("pkg-{i}"));
            c.id = i;
            c.version = Some("1.0.0".into());
            if i % 5 != 0 {
                c.hashes.push(Hash {
                    alg: HashAlg::Sha256,
                    value: "ab".repeat(32),
                });
            }
            inv.components.push(c);
        }
        let now = jiff::Timestamp::from_second(1_764_000_000).unwrap();
        let eval = crate::rules::evaluate(&inv, &crate::rules::Thresholds::default(), now, None);
        let a = Assessment::new(inv, eval, "2026-12-04T00:00:00Z".into());
        let rule_count = |r: &str| a.findings.iter().filter(|f| f.rule == r).count();
        assert_eq!((rule_count("SBM-01"), rule_count("DEL-01")), (2_500, 500));

        let page = html::render(&a, Lang::En);
        assert_eq!(
            page.matches("data-rule=\"DEL-01\" data-fingerprint")
                .count(),
            100
        );
        assert!(
            page.contains("400 components"),
            "the other DEL-01 findings are grouped"
        );
        assert!(page.contains("plus 1500 components not named here"));
        assert!(
            page.contains("the first 100 are listed above"),
            "DEL-01's overflow says so"
        );
        assert!(
            page.contains("One fact repeated over many components"),
            "SBM-01 is widespread"
        );
        assert_eq!(
            page.matches("<tr><td class=\"num\">").count(),
            INVENTORY_LISTED
        );
        assert!(page.contains("All 2500 components"));
        assert!(page.contains("Not listed here: 500 components"));

        let md = markdown::render(&a, Lang::En);
        assert!(md.contains("plus 1500 components not named here"));
        assert!(md.contains("Not listed here: 500 components"));
        assert!(md.contains("400 components"));
        assert!(
            md.contains("- **Components**: open 400\n"),
            "a grouped entry's status line is a list item, not a table row"
        );
    }

    #[test]
    fn conformance_elements_name_rules_mapped_to_their_standard() {
        for (defs, standard) in [(NTIA, Mapping::Ntia), (BSI, Mapping::Bsi)] {
            for d in defs {
                for r in d.rules {
                    let info = catalogue::find(r).unwrap();
                    assert!(
                        info.maps_to.contains(&standard),
                        "{r} decides {} of {standard} but does not map to it",
                        d.key
                    );
                }
            }
        }
    }

    #[test]
    fn sources_split_only_where_they_carry_a_time() {
        assert_eq!(
            split_source("registry:npm@2026-01-02T03:04:05Z"),
            ("registry:npm", Some("2026-01-02T03:04:05Z"))
        );
        assert_eq!(
            split_source("sbom:a.json#/components/pkg:npm/x@1"),
            ("sbom:a.json#/components/pkg:npm/x@1", None)
        );
        assert_eq!(factor_slug("M10(3)"), "m10-3");
        assert_eq!(
            with_offset("2025-11-24T16:00:00Z"),
            "2025-11-24 16:00:00 +00:00"
        );
    }
}
