//! Rules: pure checks of the inventory, one file per family. Each rule returns,
//! per subject, a finding with evidence, a pass, or *not evaluated* when the
//! data it needs is missing. Not-evaluated results are counted per rule and
//! reported as known unknowns, never as passes.

mod advisories;
mod ancestors;
mod archive;
pub mod catalogue;
mod completeness;
mod concentration;
pub mod config;
mod delivery;
mod facts;
mod fan_in;
mod lifecycle;
mod opaque;
mod product;
mod unmaintained;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::BTreeMap;

use crate::advisory::AdvisorySet;
use crate::lifecycle::Lifecycle;
use crate::model::{
    Component, Document, Evidence, EvidenceSource, Finding, Inventory, Lang, Message, Scope,
    Severity,
};
pub use catalogue::{Check, ComponentCheck, Needs, RULES, RuleInfo};
pub use concentration::{SupplierShare, SupplierStats, supplier_shares as concentration_stats};
pub use config::{Threshold, Thresholds};

/// A rule's answer for one subject.
#[derive(Debug, PartialEq)]
pub enum Verdict {
    Pass,
    Fire(Fire),
    /// Why: mostly a fixed text, so judging many components allocates nothing.
    NotEvaluated(Cow<'static, str>),
}

/// A fired rule: the message names the signal and the value that crossed
/// which threshold; evidence lists the facts it rests on.
#[derive(Debug, PartialEq)]
pub struct Fire {
    /// From one of the rule's templates, in both report languages.
    pub message: Message,
    pub evidence: Vec<(Cow<'static, str>, String)>,
    /// Evidence read elsewhere than the subject's input (a registry, a
    /// snapshot, an advisory), each naming its own source.
    pub sourced: Vec<Evidence>,
    /// For product rules that fire more than once: what tells the findings apart.
    pub key: Option<String>,
    /// A severity other than the rule's default, where the rule's doc says
    /// when (DEL-10: critical when the advisory rates it so).
    pub severity: Option<Severity>,
}

impl From<Fire> for Verdict {
    fn from(fire: Fire) -> Verdict {
        Verdict::Fire(fire)
    }
}

impl Verdict {
    pub fn fire(message: Message, evidence: Vec<(&'static str, String)>) -> Verdict {
        Verdict::Fire(Fire {
            message,
            evidence: evidence
                .into_iter()
                .map(|(k, v)| (Cow::Borrowed(k), v))
                .collect(),
            sourced: Vec::new(),
            key: None,
            severity: None,
        })
    }
    /// A finding whose evidence entries each name their source.
    pub fn fire_sourced(message: Message, evidence: Vec<Evidence>) -> Verdict {
        Verdict::Fire(Fire {
            message,
            evidence: Vec::new(),
            sourced: evidence,
            key: None,
            severity: None,
        })
    }
    pub fn not_evaluated(reason: impl Into<Cow<'static, str>>) -> Verdict {
        Verdict::NotEvaluated(reason.into())
    }
}

/// What a rule sees besides its subject.
pub struct Ctx<'a> {
    pub inv: &'a Inventory,
    pub thresholds: &'a Thresholds,
    /// The scan time: ages (release age, snapshot age) are measured from it.
    pub now: jiff::Timestamp,
    /// The advisory databases given (`--advisories`); `None`: advisory rules are not evaluated.
    pub advisories: Option<&'a AdvisorySet>,
    /// The distributions' lifecycle data (the system's or the bundled copy).
    pub lifecycle: &'a Lifecycle,
}

/// The catalogue's rules whose check is of one kind, with that check.
fn checks<F>(pick: impl Fn(Check) -> Option<F>) -> impl Iterator<Item = (&'static RuleInfo, F)> {
    RULES
        .iter()
        .filter_map(move |r| pick(r.check).map(|f| (r, f)))
}

/// Known unknowns: how many subjects a rule could not judge, and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotEvaluated {
    pub rule: String,
    pub count: usize,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct Evaluation {
    pub findings: Vec<Finding>,
    pub not_evaluated: Vec<NotEvaluated>,
}

/// Accumulates per-rule not-evaluated counts by reason.
type Unknowns = BTreeMap<(&'static str, Cow<'static, str>), usize>;

fn finding(
    rule: &'static RuleInfo,
    fire: Fire,
    component: Option<&Component>,
    source: EvidenceSource,
    identity: String,
    subject: &str,
    wording: Wording,
) -> Finding {
    let identity = match &fire.key {
        Some(k) => format!("{identity}\u{0}{k}"),
        None => identity,
    };
    Finding {
        rule: rule.id.to_string(),
        severity: fire.severity.unwrap_or(rule.severity),
        category: rule.category,
        component: component.map(|c| c.id),
        message: fire.message.render(Lang::En),
        localized: (wording == Wording::Translatable).then(|| Box::new(fire.message)),
        evidence: fire
            .evidence
            .into_iter()
            .map(|(key, value)| Evidence {
                key,
                value,
                source: source.clone(),
            })
            .chain(fire.sourced)
            .collect(),
        fingerprint: crate::model::fingerprint(rule.id, &identity, subject),
        path: None,
        path_omitted: None,
        exception: None,
        baseline: None,
    }
}

/// A full git commit id (SHA-1 or SHA-256 object name), as opposed to a
/// branch or tag name.
fn is_full_commit(rev: &str) -> bool {
    (rev.len() == 40 || rev.len() == 64) && rev.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Where a component's evidence was read.
pub(crate) fn component_source(inv: &Inventory, c: &Component) -> EvidenceSource {
    let Some(loc) = c.locations.first() else {
        return EvidenceSource::inventory();
    };
    match inv.documents.get(loc.input) {
        Some(d) if d.format.is_some_and(|f| !f.is_sbom()) => {
            EvidenceSource::lockfile(&d.path, &loc.pointer)
        }
        Some(d) => EvidenceSource::sbom(&d.path, &loc.pointer),
        None => EvidenceSource::inventory(),
    }
}

/// The identity of a document in fingerprints: its file name, so a baseline
/// taken in another checkout still matches.
fn document_identity(d: &Document) -> String {
    let name = std::path::Path::new(&d.path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| d.path.clone());
    format!("document:{name}")
}

/// The project a lockfile or manifest was written for (its root): the subject
/// of the scan, not one of its supplied components. An SBOM's primary package
/// stays judged: NTIA asks the same fields of it.
fn is_project_itself(inv: &Inventory, c: &Component) -> bool {
    c.root
        && c.locations.iter().all(|l| {
            inv.documents
                .get(l.input)
                .and_then(|d| d.format)
                .is_some_and(|f| !f.is_sbom())
        })
}

/// Runs every rule over the inventory. Component rules run in parallel;
/// results are sorted so the output does not depend on scheduling.
pub fn evaluate(
    inv: &Inventory,
    thresholds: &Thresholds,
    now: jiff::Timestamp,
    advisories: Option<&AdvisorySet>,
) -> Evaluation {
    evaluate_with(
        inv,
        thresholds,
        now,
        advisories,
        bundled_lifecycle(),
        Wording::Translatable,
    )
}

/// The lifecycle data built into chainrisk, parsed once.
pub(crate) fn bundled_lifecycle() -> &'static Lifecycle {
    static BUNDLED: std::sync::LazyLock<Lifecycle> = std::sync::LazyLock::new(Lifecycle::bundled);
    &BUNDLED
}

/// Whether findings keep their message templates for reports in another
/// language than English. Without them a finding carries only its English
/// text: on 100,000 components the templates cost about 40 MB and a sixth
/// of the scan's CPU, which a scan writing no translated report need not pay.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Wording {
    EnglishOnly,
    Translatable,
}

/// [`evaluate`] with the lifecycle data the scan read (the system's files
/// where present); `evaluate` uses the bundled copy and keeps the templates.
pub fn evaluate_with(
    inv: &Inventory,
    thresholds: &Thresholds,
    now: jiff::Timestamp,
    advisories: Option<&AdvisorySet>,
    lifecycle: &Lifecycle,
    wording: Wording,
) -> Evaluation {
    let ctx = Ctx {
        inv,
        thresholds,
        now,
        advisories,
        lifecycle,
    };
    let judged: Vec<&Component> = inv
        .components
        .iter()
        .filter(|c| c.scope != Scope::Excluded && !is_project_itself(inv, c))
        .collect();
    // Document rules judge SBOMs; a lockfile has no document metadata to judge.
    let readable: Vec<&Document> = inv
        .documents
        .iter()
        .filter(|d| d.error.is_none() && d.format.is_some_and(|f| f.is_sbom()))
        .collect();

    // The few findings of the whole-product rules first: appended to the
    // component rules' long list, they are one exact reservation, not a
    // doubling of it.
    // The whole-product rules run on one core: judged beside the component
    // rules, which take whatever cores are free.
    let (few, mut results) = rayon::join(
        || {
            let mut few = Results::new(wording);
            judge_graph(&ctx, &mut few);
            judge_documents(&ctx, &readable, &mut few);
            judge_product(&ctx, &mut few);
            few
        },
        || judge_components(&ctx, &judged, wording),
    );
    results.findings.reserve_exact(few.findings.len());
    let mut results = results.merge(few);
    // Rules this scan cannot evaluate at all: each subject is a known unknown.
    for r in RULES.iter().filter(|r| !r.implemented()) {
        let count = match r.subject() {
            catalogue::Subject::Component => judged.len(),
            catalogue::Subject::Document => readable.len(),
            catalogue::Subject::Product => usize::from(!judged.is_empty()),
        };
        if count > 0 {
            results
                .unknowns
                .insert((r.id, Cow::Borrowed(r.needs.unmet_reason())), count);
        }
    }

    let (mut findings, unknowns) = results.unknowns();
    attach_paths(inv, &mut findings);
    sort_findings(&mut findings);
    let not_evaluated = unknowns
        .into_iter()
        .map(|((rule, reason), count)| NotEvaluated {
            rule: rule.to_string(),
            count,
            reason: reason.into_owned(),
        })
        .collect();
    Evaluation {
        findings,
        not_evaluated,
    }
}

/// What the rules answered so far: findings, and not-evaluated counts.
struct Results {
    findings: Vec<Finding>,
    unknowns: Unknowns,
    /// Not-evaluated counts whose reason is a static text, keyed by where
    /// the rule id and the text live, so that the million or so such
    /// verdicts of a large scan are counted without comparing strings;
    /// folded into `unknowns` by content at the end.
    by_address: rustc_hash::FxHashMap<(usize, usize, usize), (&'static str, &'static str, usize)>,
    wording: Wording,
}

/// Who a finding is about: its component (if any), where its evidence was
/// read, and the identity its fingerprint is taken over.
#[derive(Clone)]
struct About<'a> {
    component: Option<&'a Component>,
    source: EvidenceSource,
    identity: String,
}

impl Results {
    fn new(wording: Wording) -> Results {
        Results {
            findings: Vec::new(),
            unknowns: Unknowns::new(),
            by_address: Default::default(),
            wording,
        }
    }

    /// Records one verdict; `about` is asked only when the rule fired.
    fn record<'a>(
        &mut self,
        info: &'static RuleInfo,
        verdict: Verdict,
        subject: &str,
        about: impl FnOnce() -> About<'a>,
    ) {
        match verdict {
            Verdict::Pass => {}
            Verdict::Fire(fire) => {
                let About {
                    component,
                    source,
                    identity,
                } = about();
                self.findings.push(finding(
                    info,
                    fire,
                    component,
                    source,
                    identity,
                    subject,
                    self.wording,
                ));
            }
            Verdict::NotEvaluated(Cow::Borrowed(reason)) => {
                let at = (
                    info.id.as_ptr() as usize,
                    reason.as_ptr() as usize,
                    reason.len(),
                );
                self.by_address.entry(at).or_insert((info.id, reason, 0)).2 += 1;
            }
            Verdict::NotEvaluated(reason) => {
                *self.unknowns.entry((info.id, reason)).or_default() += 1
            }
        }
    }

    fn merge(mut self, other: Results) -> Results {
        self.findings.extend(other.findings);
        for (k, n) in other.unknowns {
            *self.unknowns.entry(k).or_default() += n;
        }
        for (at, (rule, reason, n)) in other.by_address {
            self.by_address.entry(at).or_insert((rule, reason, 0)).2 += n;
        }
        self
    }

    /// Every not-evaluated count, by rule and reason text.
    fn unknowns(mut self) -> (Vec<Finding>, Unknowns) {
        for (rule, reason, n) in self.by_address.into_values() {
            *self
                .unknowns
                .entry((rule, Cow::Borrowed(reason)))
                .or_default() += n;
        }
        (self.findings, self.unknowns)
    }
}

/// Who a component's findings are about.
fn about_component<'a>(inv: &Inventory, c: &'a Component) -> About<'a> {
    About {
        component: Some(c),
        source: component_source(inv, c),
        identity: c.versionless_key(),
    }
}

/// The component rules over every judged component, in parallel.
fn judge_components(ctx: &Ctx, judged: &[&Component], wording: Wording) -> Results {
    let subject = ctx.inv.subject.name.as_str();
    let rules: Vec<_> = checks(|c| match c {
        Check::Component(f) => Some(f),
        _ => None,
    })
    .collect();
    let parts: Vec<Results> = judged
        .par_iter()
        .fold(
            || Results::new(wording),
            |mut results, c| {
                // Where the component was read and who it is: the same for all its findings.
                let mut about: Option<About> = None;
                for &(info, rule) in &rules {
                    results.record(info, rule(c, ctx), subject, || {
                        about
                            .get_or_insert_with(|| about_component(ctx.inv, c))
                            .clone()
                    });
                }
                results
            },
        )
        .collect();
    // Joined once into a list of the right size: reduced pairwise, each
    // level of the tree copied the findings again (125,000 of 160 bytes).
    let mut all = Results::new(wording);
    all.findings
        .reserve_exact(parts.iter().map(|r| r.findings.len()).sum());
    parts.into_iter().fold(all, Results::merge)
}

/// The rules that judge components with the whole graph at once.
fn judge_graph(ctx: &Ctx, results: &mut Results) {
    let subject = ctx.inv.subject.name.as_str();
    for (info, rule) in checks(|c| match c {
        Check::Graph(f) => Some(f),
        _ => None,
    }) {
        for (c, verdict) in rule(ctx) {
            let c = &ctx.inv.components[c];
            results.record(info, verdict, subject, || about_component(ctx.inv, c));
        }
    }
}

/// The document rules over every readable SBOM.
fn judge_documents(ctx: &Ctx, readable: &[&Document], results: &mut Results) {
    let subject = ctx.inv.subject.name.as_str();
    for d in readable {
        let root = match d.format {
            Some(crate::model::Format::CyclonedxXml) => "/bom",
            Some(crate::model::Format::SpdxTagValue) => "line 1",
            _ => "",
        };
        for (info, rule) in checks(|c| match c {
            Check::Document(f) => Some(f),
            _ => None,
        }) {
            results.record(info, rule(d, ctx), subject, || About {
                component: None,
                source: EvidenceSource::sbom(&d.path, root),
                identity: document_identity(d),
            });
        }
    }
}

/// The rules that judge the product as a whole.
fn judge_product(ctx: &Ctx, results: &mut Results) {
    let subject = ctx.inv.subject.name.as_str();
    for (info, rule) in checks(|c| match c {
        Check::Product(f) => Some(f),
        _ => None,
    }) {
        for verdict in rule(ctx) {
            results.record(info, verdict, subject, || About {
                component: None,
                source: EvidenceSource::inventory(),
                identity: "product".to_string(),
            });
        }
    }
}

/// Worst first, then by rule, component and fingerprint; ties keep their
/// order. The keys are sorted, not the findings: moving 100,000 findings
/// through a stable sort cost more than the comparisons. The keys are
/// integers (rules ranked by id once), and a fingerprint is compared only
/// among the findings of one rule on one component: comparing the findings
/// themselves reached into their strings, scattered over the heap, at every
/// step (the rules step of 100,000 components: ~150 -> ~140 ms).
fn sort_findings(findings: &mut [Finding]) {
    let mut ranks: BTreeMap<&str, u32> = BTreeMap::new();
    let mut last: Option<&str> = None;
    for f in findings.iter() {
        if last != Some(f.rule.as_str()) {
            ranks.entry(f.rule.as_str()).or_insert(0);
            last = Some(f.rule.as_str());
        }
    }
    for (rank, r) in ranks.values_mut().enumerate() {
        *r = rank as u32;
    }
    type Key = (
        std::cmp::Reverse<Severity>,
        u32,
        Option<crate::model::ComponentId>,
        usize,
    );
    let mut keys: Vec<Key> = findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let rank = ranks[f.rule.as_str()];
            (std::cmp::Reverse(f.severity), rank, f.component, i)
        })
        .collect();
    keys.par_sort_unstable();
    let mut order: Vec<usize> = Vec::with_capacity(keys.len());
    for group in keys.chunk_by(|a, b| (a.0, a.1, a.2) == (b.0, b.1, b.2)) {
        let start = order.len();
        order.extend(group.iter().map(|k| k.3));
        if group.len() > 1 {
            order[start..].sort_by(|&i, &j| {
                findings[i]
                    .fingerprint
                    .cmp(&findings[j].fingerprint)
                    .then(i.cmp(&j))
            });
        }
    }
    drop(keys);
    // Position k takes the finding at order[k]: each cycle of the
    // permutation is rotated in place, so no second vector of findings.
    let mut placed = vec![false; order.len()];
    for start in 0..order.len() {
        let mut k = start;
        while !placed[k] {
            placed[k] = true;
            let next = order[k];
            if next == start {
                break;
            }
            findings.swap(k, next);
            k = next;
        }
    }
}

/// Gives each finding on a transitive component the path that brings it in.
fn attach_paths(inv: &Inventory, findings: &mut [Finding]) {
    if !findings.iter().any(|f| {
        f.component
            .is_some_and(|c| inv.components[c].direct == Some(false))
    }) {
        return;
    }
    let walk = crate::model::Graph::new(inv).walk(inv);
    // A component's findings are next to each other: its path is computed
    // once per run of them, the runs in parallel.
    findings
        .par_chunk_by_mut(|a, b| a.component == b.component)
        .for_each(|run| {
            let Some(c) = run[0].component else { return };
            if inv.components[c].direct != Some(false) {
                return;
            }
            let Some(path) = walk.path(c) else { return };
            for f in run {
                f.path = Some(path.ids.clone());
                f.path_omitted = path.omitted;
            }
        });
}

/// Severity of the worst finding, for exit codes.
pub fn worst(findings: &[Finding]) -> Option<Severity> {
    findings.iter().map(|f| f.severity).max()
}

#[cfg(test)]
pub(crate) mod testing {
    //! Small inventories for rule tests.
    use super::*;
    use crate::model::{Document, Location};

    /// The scan time of rule tests: 2026-11-24T00:00:00Z.
    pub const NOW: jiff::Timestamp = jiff::Timestamp::constant(1_795_478_400, 0);

    /// A registry component whose registry lists its version, with no other fact known.
    pub fn resolved(ecosystem: crate::model::Ecosystem, name: &str, version: &str) -> Component {
        let mut c = Component::named(name);
        c.ecosystem = ecosystem;
        c.version = Some(version.to_string());
        c.source = crate::model::SourceKind::Registry { url: None };
        c.origin = Some(Box::new(listed_origin()));
        c
    }

    /// Components `c0`… at version 1.0.0 with the given dependency edges.
    pub fn graph(names: usize, edges: &[(usize, usize)]) -> Inventory {
        let comps = (0..names)
            .map(|i| {
                let mut c = Component::named(format!("c{i}"));
                c.version = Some("1.0.0".into());
                c
            })
            .collect();
        let mut inv = inventory(comps);
        inv.edges = edges
            .iter()
            .map(|&(from, to)| crate::model::Edge { from, to })
            .collect();
        inv
    }

    /// Registry facts that say only that the version in use is listed.
    pub fn listed_origin() -> crate::model::Origin {
        crate::model::Origin {
            registry: "https://registry.example/".into(),
            presence: crate::model::Presence::Found,
            version_listed: Some(true),
            latest_version: None,
            latest_version_published: None,
            newest_release: None,
            published: None,
            yanked: None,
            deprecated: None,
            maintainers: None,
            organization: None,
            publisher: None,
            earlier_publishers: None,
            repository: None,
            license: None,
            checksums: Vec::new(),
            install_scripts: None,
            sdist_only: None,
            archive: None,
            source: crate::model::FactSource::Live {
                fetched_at: "2026-11-23T12:00:00Z".into(),
            },
        }
    }

    pub fn inventory(components: Vec<Component>) -> Inventory {
        let mut inv = Inventory {
            documents: vec![Document {
                path: "sbom.json".into(),
                ..Document::default()
            }],
            ..Inventory::default()
        };
        for (i, mut c) in components.into_iter().enumerate() {
            c.id = i;
            c.locations.push(Location {
                input: 0,
                pointer: format!("/components/{i}"),
            });
            inv.components.push(c);
        }
        inv.subject.name = "demo".into();
        inv
    }

    /// Runs one component rule on a component with the default thresholds.
    pub fn run(rule: ComponentCheck, c: Component) -> Verdict {
        judge(rule, c, None)
    }

    /// Runs one component rule with an advisory database.
    pub fn judge(
        rule: ComponentCheck,
        c: Component,
        advisories: Option<&crate::advisory::AdvisorySet>,
    ) -> Verdict {
        let inv = inventory(vec![c]);
        let t = Thresholds::default();
        rule(
            &inv.components[0],
            &Ctx {
                advisories,
                ..ctx(&inv, &t)
            },
        )
    }

    /// The context of a rule test: [`NOW`], the bundled lifecycle data, no advisories.
    pub fn ctx<'a>(inv: &'a Inventory, thresholds: &'a Thresholds) -> Ctx<'a> {
        Ctx {
            inv,
            thresholds,
            now: NOW,
            advisories: None,
            lifecycle: crate::rules::bundled_lifecycle(),
        }
    }

    /// A Cargo component at `version`, with no registry facts.
    pub fn crate_at(name: &str, version: &str) -> Component {
        let mut c = Component::named(name);
        c.ecosystem = crate::model::Ecosystem::Cargo;
        c.version = Some(version.into());
        c
    }

    /// A RustSec advisory file's text parsed: `[advisory]` with `extra`
    /// lines, then `versions` as the `[versions]` table's body.
    pub fn rustsec(
        (id, package, date): (&str, &str, &str),
        extra: &str,
        versions: &str,
        title: &str,
    ) -> crate::advisory::Advisory {
        let text = format!(
            "```toml\n[advisory]\nid = \"{id}\"\npackage = \"{package}\"\ndate = \"{date}\"\n{extra}\n\n[versions]\n{versions}\n```\n\n# {title}\n"
        );
        crate::advisory::rustsec::parse(&format!("crates/{package}/{id}.md"), &text)
            .unwrap()
            .unwrap()
    }

    pub fn fired(v: &Verdict) -> bool {
        matches!(v, Verdict::Fire(_))
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;

    /// The integer keys order findings exactly as comparing the findings
    /// themselves would, ties (one rule on one component) by fingerprint,
    /// then in their first order.
    #[test]
    fn findings_sort_worst_first_then_by_rule_component_and_fingerprint() {
        let mut findings = Vec::new();
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = |m: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % m
        };
        for n in 0..2_000 {
            let sev = Severity::ALL[next(5) as usize];
            findings.push(Finding {
                rule: ["SBM-01", "DEL-01", "OPQ-05", "CON-02", "X"][next(5) as usize].to_string(),
                severity: sev,
                category: crate::model::Category::Delivery,
                component: (next(4) != 0).then(|| next(30) as usize),
                message: format!("finding {n}"),
                localized: None,
                evidence: Vec::new(),
                fingerprint: format!("{:02}", next(3)),
                path: None,
                path_omitted: None,
                exception: None,
                baseline: None,
            });
        }
        let mut expected: Vec<Finding> = findings.clone();
        // Stable: equal findings keep their first order.
        expected.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.rule.cmp(&b.rule))
                .then_with(|| a.component.cmp(&b.component))
                .then_with(|| a.fingerprint.cmp(&b.fingerprint))
        });
        sort_findings(&mut findings);
        let messages = |v: &[Finding]| v.iter().map(|f| f.message.clone()).collect::<Vec<_>>();
        assert_eq!(messages(&findings), messages(&expected));
    }

    #[test]
    fn every_catalogue_rule_is_either_run_or_reported_unknown() {
        let mut c = Component::named("a");
        c.version = Some("1.0".into());
        let inv = inventory(vec![c]);
        let e = evaluate(&inv, &Thresholds::default(), NOW, None);
        for r in RULES {
            let fired = e.findings.iter().any(|f| f.rule == r.id);
            let unknown = e.not_evaluated.iter().any(|n| n.rule == r.id);
            assert!(
                r.implemented() || unknown,
                "{} is neither run nor reported",
                r.id
            );
            if !r.implemented() {
                assert!(!fired);
            }
        }
        // Registry rules are known unknowns, never passes.
        let unm04 = e.not_evaluated.iter().find(|n| n.rule == "UNM-04").unwrap();
        assert_eq!(unm04.count, 1);
        assert!(unm04.reason.contains("registry"));
    }

    #[test]
    fn findings_carry_evidence_source_and_stable_fingerprint() {
        let c = Component::named("left-pad");
        let inv = inventory(vec![c.clone()]);
        let a = evaluate(&inv, &Thresholds::default(), NOW, None);
        let b = evaluate(&inv, &Thresholds::default(), NOW, None);
        assert_eq!(a.findings, b.findings);
        let del01 = a.findings.iter().find(|f| f.rule == "DEL-01").unwrap();
        assert_eq!(del01.component, Some(0));
        assert_eq!(&*del01.evidence[0].source.0, "sbom:sbom.json#/components/0");
        // Sorted by severity, most severe first.
        assert!(
            a.findings
                .windows(2)
                .all(|w| w[0].severity >= w[1].severity)
        );
    }

    #[test]
    fn excluded_components_are_not_judged() {
        let mut c = Component::named("docs-only");
        c.scope = Scope::Excluded;
        let inv = inventory(vec![c]);
        let e = evaluate(&inv, &Thresholds::default(), NOW, None);
        assert!(e.findings.iter().all(|f| f.component.is_none()));
    }
}
