//! CON-02 critical single point: a component that a large share of the
//! product depends on transitively (its fan-in) and that is fragile — one
//! maintainer, or unmaintained. Fan-in is counted exactly ([`Ancestors`]),
//! but only where the verdict needs the number: the bounds decide most
//! components, and a component known to be looked after needs no count.

use super::ancestors::Ancestors;
use super::{Ctx, Verdict};
use crate::advisory::Kind;
use crate::model::{
    Component, ComponentId, Evidence, EvidenceSource, Lang, Message, Scope, Sep, Template,
};

static CRITICAL_SINGLE_POINT: Template = Template::new(
    "{component} is a critical single point: {fan} of {total} components ({percent} %) depend on it, at or above fan_in_percent {threshold} %, and it is {signals}",
    "{component} 是关键单点：{total} 个组件中有 {fan} 个（{percent} %）依赖于它，达到或超过 fan_in_percent {threshold} %，且存在以下情况：{signals}",
);

/// The fragility signals as the message names them (their evidence keys),
/// in both languages.
static SIGNALS: [(&str, Template); 7] = [
    (
        "single maintainer (CON-01)",
        Template::new("single maintainer (CON-01)", "只有一名维护者（CON-01）"),
    ),
    (
        "deprecated at registry (UNM-02)",
        Template::new(
            "deprecated at registry (UNM-02)",
            "已在注册表弃用（UNM-02）",
        ),
    ),
    (
        "yanked version (UNM-03)",
        Template::new("yanked version (UNM-03)", "版本已撤回（UNM-03）"),
    ),
    (
        "deprecated (UNM-02)",
        Template::new("deprecated (UNM-02)", "已被发布者弃用（UNM-02）"),
    ),
    (
        "declared unmaintained (UNM-01)",
        Template::new("declared unmaintained (UNM-01)", "已声明无人维护（UNM-01）"),
    ),
    (
        "no recent release (UNM-04)",
        Template::new("no recent release (UNM-04)", "近期无发布（UNM-04）"),
    ),
    (
        "unfixed advisory (UNM-06)",
        Template::new("unfixed advisory (UNM-06)", "未修复的安全公告（UNM-06）"),
    ),
];

/// A signal's phrase; its key as written for one this table lacks.
fn signal_phrase(key: &str) -> Message {
    SIGNALS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or_else(|| Message::data(key), |(_, t)| Message::new(t))
}

/// The UNM-family signals on a component that CON-02 combines with fan-in:
/// `Ok(signals)` (possibly none), or `Err(reason)` when the data to tell is missing.
fn fragility(c: &Component, ctx: &Ctx) -> Result<Vec<Evidence>, &'static str> {
    let mut signals = Vec::new();
    let facts = c
        .origin
        .as_ref()
        .map(|o| EvidenceSource::facts(&o.source, &c.ecosystem));
    if let Some(o) = &c.origin {
        let src = facts.clone().unwrap_or_else(EvidenceSource::inventory);
        if let Some(m) = o
            .maintainers
            .as_ref()
            .filter(|m| m.len() == 1 && o.organization.is_none())
        {
            signals.push(Evidence::new(
                "single maintainer (CON-01)",
                m[0].clone(),
                src.clone(),
            ));
        }
        if let Some(d) = &o.deprecated {
            signals.push(Evidence::new(
                "deprecated at registry (UNM-02)",
                d.clone(),
                src.clone(),
            ));
        }
        if o.yanked == Some(true) {
            signals.push(Evidence::new("yanked version (UNM-03)", "true", src));
        }
    }
    if let Some(d) = &c.rare.deprecated {
        signals.push(Evidence::new(
            "deprecated (UNM-02)",
            d.clone(),
            EvidenceSource::inventory(),
        ));
    }
    if let (Some(db), Some(version)) = (ctx.advisories, &c.version) {
        for (adv, pkg) in db.for_component(c) {
            if adv.kind == Kind::Unmaintained
                && pkg.matches(version) == crate::advisory::Match::Affected
            {
                signals.push(Evidence::new(
                    "declared unmaintained (UNM-01)",
                    adv.id.clone(),
                    EvidenceSource::advisory(&adv.id),
                ));
            }
        }
    }
    // The other UNM rules that say the component is not looked after, judged
    // exactly as the rules themselves judge it.
    let others: [(&str, super::ComponentCheck); 2] = [
        (
            "no recent release (UNM-04)",
            super::unmaintained::no_recent_release,
        ),
        (
            "unfixed advisory (UNM-06)",
            super::unmaintained::unfixed_advisory,
        ),
    ];
    for (label, rule) in others {
        if let super::Verdict::Fire(f) = rule(c, ctx) {
            let src = f
                .sourced
                .first()
                .map(|e| e.source.clone())
                .unwrap_or_else(EvidenceSource::inventory);
            signals.push(Evidence::new(label, f.message.render(Lang::En), src));
        }
    }
    if !signals.is_empty() {
        return Ok(signals);
    }
    // No signal: a pass only when maintainers and maintenance status are both known.
    let maintainers_known = c.origin.as_ref().is_some_and(|o| o.maintainers.is_some());
    let advisories_known = ctx.advisories.is_some_and(|db| db.covers(&c.ecosystem));
    match (maintainers_known, advisories_known) {
        (true, true) => Ok(signals),
        (false, true) => {
            Err("high fan-in, but the registry's maintainer list is not known (no registry data)")
        }
        (true, false) => {
            Err("high fan-in, but no advisory database covering its ecosystem was given")
        }
        (false, false) => {
            Err("high fan-in, but neither registry maintainers nor an advisory database were given")
        }
    }
}

/// The smallest fan-in that reaches `percent` of `total` dependents, by the
/// same arithmetic the message reports.
fn least_fan(total: usize, percent: f64) -> u32 {
    let reaches = |fan: u32| fan > 0 && f64::from(fan) * 100.0 / total as f64 >= percent;
    let (mut lo, mut hi) = (1u32, u32::try_from(total).unwrap_or(u32::MAX));
    if !reaches(hi) {
        return u32::MAX;
    }
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if reaches(mid) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    lo
}

/// CON-02 over the whole product: one verdict per judged component whose
/// fan-in reaches `fan_in_percent`; components below it pass silently.
pub fn critical_single_point(ctx: &Ctx) -> Vec<(ComponentId, Verdict)> {
    let inv = ctx.inv;
    let dependents_total = inv.components.iter().filter(|c| !c.root).count();
    if dependents_total == 0 || inv.edges.is_empty() {
        return Vec::new();
    }
    let threshold = ctx.thresholds.fan_in_percent;
    let least = least_fan(dependents_total, threshold);
    let ancestors = Ancestors::new(inv, least);
    // The components that may reach the threshold, with what the verdict
    // needs; the fan-in is counted only where the bounds cannot tell or a
    // finding reports it.
    let mut pending = Vec::new();
    let mut out = Vec::new();
    for c in &inv.components {
        if c.root || c.scope == Scope::Excluded || ancestors.at_most(c.id) < least {
            continue;
        }
        let surely = ancestors.at_least(c.id) >= least;
        match fragility(c, ctx) {
            Ok(s) if s.is_empty() => {}
            Err(reason) if surely => out.push((c.id, Verdict::not_evaluated(reason))),
            judged => pending.push((c, judged)),
        }
    }
    let ids: Vec<ComponentId> = pending.iter().map(|(c, _)| c.id).collect();
    let fans = ancestors.exact(&ids);
    for ((c, judged), fan) in pending.into_iter().zip(fans) {
        if fan < least {
            continue;
        }
        let verdict = match judged {
            Ok(signals) => critical(c, fan, dependents_total, threshold, signals),
            Err(reason) => Verdict::not_evaluated(reason),
        };
        out.push((c.id, verdict));
    }
    out.sort_by_key(|&(id, _)| id);
    out
}

/// The finding on a fragile component `fan` of `total` depend on.
fn critical(
    c: &Component,
    fan: u32,
    total: usize,
    threshold: f64,
    signals: Vec<Evidence>,
) -> Verdict {
    let percent = f64::from(fan) * 100.0 / total as f64;
    let names: Vec<&str> = signals.iter().map(|e| e.key.as_ref()).collect();
    let message = Message::new(&CRITICAL_SINGLE_POINT)
        .arg("component", c.display_name())
        .arg("fan", fan.to_string())
        .arg("total", total.to_string())
        .arg("percent", format!("{percent:.1}"))
        .arg("threshold", threshold.to_string())
        .list(
            "signals",
            names.iter().map(|k| signal_phrase(k)).collect(),
            Sep::Comma,
        );
    let mut evidence = vec![
        Evidence::new("fan-in", fan.to_string(), EvidenceSource::inventory()),
        Evidence::new(
            "fan-in percent",
            format!("{percent:.1}"),
            EvidenceSource::inventory(),
        ),
        super::facts::threshold("fan_in_percent", format!("{threshold} %")),
    ];
    evidence.extend(signals);
    Verdict::fire_sourced(message, evidence)
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use crate::model::{Inventory, Origin};

    #[test]
    fn the_least_fan_in_reaches_the_threshold_by_the_reported_arithmetic() {
        assert_eq!(least_fan(100, 10.0), 10);
        assert_eq!(least_fan(7, 10.0), 1);
        assert_eq!(least_fan(3, 50.0), 2);
        assert_eq!(least_fan(5, 100.0), 5);
        assert_eq!(least_fan(30, 10.0), 3);
        // 1/3 of 100 % is 33.33…: 33.4 needs 2 of 3.
        assert_eq!(least_fan(3, 33.4), 2);
    }

    fn origin(maintainers: &[&str]) -> Origin {
        Origin {
            yanked: Some(false),
            maintainers: Some(maintainers.iter().map(|m| m.to_string()).collect()),
            ..listed_origin()
        }
    }

    fn run_con02(
        inv: &Inventory,
        advisories: Option<&crate::advisory::AdvisorySet>,
    ) -> Vec<(ComponentId, Verdict)> {
        let t = super::super::Thresholds::default();
        critical_single_point(&Ctx {
            advisories,
            ..ctx(inv, &t)
        })
    }

    /// app → a, b, c, d; every one of them → core; core → leaf.
    fn star() -> Inventory {
        let mut inv = graph(
            7,
            &[
                (0, 1),
                (0, 2),
                (0, 3),
                (0, 4),
                (1, 5),
                (2, 5),
                (3, 5),
                (4, 5),
                (5, 6),
            ],
        );
        inv.components[0].root = true;
        inv
    }

    #[test]
    fn con02_fires_on_a_single_maintainer_hub() {
        let mut inv = star();
        for c in &mut inv.components {
            c.origin = Some(Box::new(origin(&["alice", "bob"])));
        }
        inv.components[5].origin = Some(Box::new(origin(&["mallory"])));
        let empty = crate::advisory::AdvisorySet::new(Vec::new(), Vec::new());
        let out = run_con02(&inv, None);
        // Without an advisory database the multi-maintainer leaf is a known unknown.
        assert_eq!(out.len(), 2);
        assert!(matches!(out[1], (6, Verdict::NotEvaluated(_))));
        let (5, Verdict::Fire(f)) = &out[0] else {
            panic!("{out:?}")
        };
        assert!(
            f.message.to_string().contains("4 of 6 components (66.7 %)"),
            "{}",
            f.message.to_string()
        );
        assert!(
            f.message.to_string().contains("single maintainer"),
            "{}",
            f.message.to_string()
        );
        assert!(
            f.sourced
                .iter()
                .any(|e| e.key == "fan-in" && e.value == "4")
        );
        assert!(
            f.sourced
                .iter()
                .any(|e| e.value == "mallory" && e.source.0.starts_with("registry:"))
        );
        // With data for every ecosystem covered, the multi-maintainer hubs pass.
        let mut covered = empty;
        covered.cover(crate::model::Ecosystem::Unknown);
        let out = run_con02(&inv, Some(&covered));
        assert_eq!(out.len(), 1);
        assert!(matches!(out[0], (5, Verdict::Fire(_))));
    }

    #[test]
    fn con02_an_organisation_owned_hub_is_not_single_maintainer() {
        let mut inv = star();
        for c in &mut inv.components {
            c.origin = Some(Box::new(origin(&["alice", "bob"])));
        }
        let mut owned = origin(&["release-bot"]);
        owned.organization = Some("example-org".into());
        inv.components[5].origin = Some(Box::new(owned));
        let mut covered = crate::advisory::AdvisorySet::new(Vec::new(), Vec::new());
        covered.cover(crate::model::Ecosystem::Unknown);
        assert_eq!(run_con02(&inv, Some(&covered)), Vec::new());
    }

    #[test]
    fn con02_counts_a_hub_with_no_release_for_years() {
        let mut inv = star();
        for c in &mut inv.components {
            c.origin = Some(Box::new(origin(&["alice", "bob"])));
        }
        // NOW is 2026-11-24: six years without a release is UNM-04.
        inv.components[5].origin.as_mut().unwrap().newest_release =
            Some("2020-01-01T00:00:00Z".into());
        let out = run_con02(&inv, None);
        let (5, Verdict::Fire(f)) = &out[0] else {
            panic!("{out:?}")
        };
        assert!(
            f.sourced
                .iter()
                .any(|e| e.key == "no recent release (UNM-04)"),
            "{:?}",
            f.sourced
        );
    }

    #[test]
    fn con02_fires_on_an_unmaintained_hub_without_registry_data() {
        let mut inv = star();
        for c in &mut inv.components {
            c.ecosystem = crate::model::Ecosystem::Cargo;
        }
        inv.components[5].name = "core".into();
        let text = "```toml\n[advisory]\nid = \"RUSTSEC-2099-0002\"\npackage = \"core\"\ndate = \"2099-01-01\"\ninformational = \"unmaintained\"\n\n[versions]\npatched = []\n```\n";
        let adv = crate::advisory::rustsec::parse("core.md", text)
            .unwrap()
            .unwrap();
        let mut db = crate::advisory::AdvisorySet::new(Vec::new(), vec![adv]);
        db.cover(crate::model::Ecosystem::Cargo);
        // Through `evaluate`: the finding is filed under the component, with its evidence.
        let e = super::super::evaluate(&inv, &super::super::Thresholds::default(), NOW, Some(&db));
        let con02: Vec<_> = e.findings.iter().filter(|f| f.rule == "CON-02").collect();
        assert_eq!(con02.len(), 1);
        assert_eq!(con02[0].component, Some(5));
        assert!(
            con02[0]
                .evidence
                .iter()
                .any(|ev| ev.key == "declared unmaintained (UNM-01)"
                    && &*ev.source.0 == "advisory:RUSTSEC-2099-0002")
        );
        assert!(
            con02[0]
                .evidence
                .iter()
                .any(|ev| ev.key == "threshold fan_in_percent" && ev.value == "10 %")
        );
        // The leaf below it has no registry data: a known unknown, not a pass.
        let unknown = e.not_evaluated.iter().find(|n| n.rule == "CON-02").unwrap();
        assert_eq!(unknown.count, 1);
    }

    #[test]
    fn con02_passes_or_is_unknown_without_a_signal() {
        let mut inv = star();
        let out = run_con02(&inv, None);
        // core (fan-in 4) and leaf (fan-in 5) lack data: not evaluated, never passed.
        assert_eq!(out.len(), 2);
        assert!(
            out.iter()
                .all(|(_, v)| matches!(v, Verdict::NotEvaluated(_)))
        );
        for c in &mut inv.components {
            c.origin = Some(Box::new(origin(&["alice", "bob"])));
        }
        let mut covered = crate::advisory::AdvisorySet::new(Vec::new(), Vec::new());
        covered.cover(crate::model::Ecosystem::Unknown);
        assert!(run_con02(&inv, Some(&covered)).is_empty());
        // Below the threshold nothing is said at all.
        let mut wide = graph(40, &[(0, 1)]);
        wide.components[1].origin = Some(Box::new(origin(&["solo"])));
        assert!(run_con02(&wide, None).is_empty());
    }
}
