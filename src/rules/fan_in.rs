//! CON-02 critical single point: a component that a large share of the
//! product depends on transitively (its fan-in) and that is fragile — one
//! maintainer, or unmaintained. Fan-in is counted exactly over the whole
//! dependency graph: strongly connected components are collapsed (a cycle's
//! members all depend on each other), then ancestor sets are propagated down
//! the condensed graph as bitsets, a batch of ancestors at a time, so memory
//! stays bounded and the work is (nodes + edges) × ancestors / 64 word operations.

use rayon::prelude::*;

use super::{Ctx, Verdict};
use crate::advisory::Kind;
use crate::model::{
    Component, ComponentId, Evidence, EvidenceSource, Graph, Inventory, Lang, Message, Scope, Sep,
    Template,
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

/// Bytes of bitsets one batch may hold; batches run in parallel.
const BATCH_BYTES: usize = 4 << 20;

/// For every component, how many other components depend on it directly or
/// transitively. Roots (the product itself) are not counted as dependents.
pub fn fan_in(inv: &Inventory) -> Vec<u32> {
    let n = inv.components.len();
    if n == 0 || inv.edges.is_empty() {
        return vec![0; n];
    }
    let graph = Graph::new(inv);
    let (comp, comps) = strongly_connected(n, &graph);
    let size = {
        let mut size = vec![0u32; comps];
        for &c in &comp {
            size[c as usize] += 1;
        }
        size
    };
    // Members of a component that count as dependents (roots do not).
    let counted = {
        let mut counted = vec![0u32; comps];
        for (v, &c) in comp.iter().enumerate() {
            if !inv.components[v].root {
                counted[c as usize] += 1;
            }
        }
        counted
    };
    let succ = condensed_successors(n, &graph, &comp, comps);

    // The ancestors worth a bit: condensed nodes with a successor and with
    // counted members. Multi-member ones first, so weighting touches few words.
    let mut sources: Vec<u32> = (0..comps as u32)
        .filter(|&c| !succ.out(c as usize).is_empty() && counted[c as usize] > 0)
        .collect();
    sources.sort_by_key(|&c| (counted[c as usize] == 1, c));
    let heavy = sources.partition_point(|&c| counted[c as usize] > 1);
    let mut bit_of = vec![u32::MAX; comps];
    for (i, &c) in sources.iter().enumerate() {
        bit_of[c as usize] = i as u32;
    }

    let words_total = sources.len().div_ceil(64).max(1);
    let words = (BATCH_BYTES / 8 / comps.max(1)).clamp(1, words_total);
    let batches: Vec<usize> = (0..words_total).step_by(words).collect();
    let ancestors = batches
        .par_iter()
        .map(|&first_word| {
            let w = words.min(words_total - first_word);
            let lo = first_word * 64;
            let hi = ((first_word + w) * 64).min(sources.len());
            count_batch(
                comps,
                &succ,
                &bit_of,
                lo,
                hi,
                w,
                |bit| {
                    // Weight of a set bit: its component's counted members.
                    let c = sources[bit] as usize;
                    counted[c]
                },
                heavy,
            )
        })
        .reduce(
            || vec![0u32; comps],
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(b) {
                    *x += y;
                }
                a
            },
        );
    (0..n)
        .map(|v| {
            let c = comp[v] as usize;
            // Inside a cycle every other member depends on v too.
            let peers = if size[c] > 1 {
                counted[c] - u32::from(!inv.components[v].root)
            } else {
                0
            };
            ancestors[c] + peers
        })
        .collect()
}

/// Ancestor counts contributed by source bits `lo..hi` (`w` words per node).
#[allow(clippy::too_many_arguments)]
fn count_batch(
    comps: usize,
    succ: &Csr,
    bit_of: &[u32],
    lo: usize,
    hi: usize,
    w: usize,
    weight: impl Fn(usize) -> u32,
    heavy: usize,
) -> Vec<u32> {
    let mut bits = vec![0u64; comps * w];
    let mut touched = vec![false; comps];
    let mut counts = vec![0u32; comps];
    let mut row = vec![0u64; w];
    // Tarjan numbers components sinks first: descending ids are a topological order.
    for c in (0..comps).rev() {
        let own = bit_of[c] as usize;
        let own_here = own >= lo && own < hi;
        if !touched[c] && !own_here {
            continue;
        }
        row.copy_from_slice(&bits[c * w..(c + 1) * w]);
        if touched[c] {
            let mut n = row.iter().map(|x| x.count_ones()).sum::<u32>();
            // Multi-member ancestors weigh their member count: visit their set bits only.
            let heavy_hi = hi.min(heavy);
            if heavy_hi > lo {
                for (i, &word) in row[..(heavy_hi - lo).div_ceil(64)].iter().enumerate() {
                    let base = lo + i * 64;
                    let mut x = word;
                    if heavy_hi - base < 64 {
                        x &= (1u64 << (heavy_hi - base)) - 1;
                    }
                    while x != 0 {
                        n += weight(base + x.trailing_zeros() as usize) - 1;
                        x &= x - 1;
                    }
                }
            }
            counts[c] = n;
        }
        if own_here {
            let b = own - lo;
            row[b / 64] |= 1 << (b % 64);
        }
        for &d in succ.out(c) {
            let d = d as usize;
            touched[d] = true;
            for (x, y) in bits[d * w..(d + 1) * w].iter_mut().zip(&row) {
                *x |= y;
            }
        }
    }
    counts
}

/// Compressed adjacency over condensed nodes.
struct Csr {
    start: Vec<usize>,
    targets: Vec<u32>,
}

impl Csr {
    fn out(&self, v: usize) -> &[u32] {
        &self.targets[self.start[v]..self.start[v + 1]]
    }
}

/// Edges between distinct strongly connected components, deduplicated.
fn condensed_successors(n: usize, graph: &Graph, comp: &[u32], comps: usize) -> Csr {
    let mut pairs: Vec<(u32, u32)> = (0..n)
        .flat_map(|u| graph.out(u).iter().map(move |&v| (comp[u], comp[v])))
        .filter(|(a, b)| a != b)
        .collect();
    pairs.sort_unstable();
    pairs.dedup();
    let mut start = vec![0usize; comps + 1];
    for &(a, _) in &pairs {
        start[a as usize + 1] += 1;
    }
    for i in 0..comps {
        start[i + 1] += start[i];
    }
    Csr {
        start,
        targets: pairs.into_iter().map(|(_, b)| b).collect(),
    }
}

/// Tarjan's algorithm without recursion (graphs can be deep). Returns each
/// node's component id, numbered in completion order (sinks first), and the count.
fn strongly_connected(n: usize, graph: &Graph) -> (Vec<u32>, usize) {
    const NONE: u32 = u32::MAX;
    let mut index = vec![NONE; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut comp = vec![NONE; n];
    let mut stack: Vec<ComponentId> = Vec::new();
    let mut calls: Vec<(ComponentId, usize)> = Vec::new();
    let (mut next, mut comps) = (0u32, 0u32);
    for root in 0..n {
        if index[root] != NONE {
            continue;
        }
        index[root] = next;
        low[root] = next;
        next += 1;
        stack.push(root);
        on_stack[root] = true;
        calls.push((root, 0));
        while let Some(&mut (v, ref mut i)) = calls.last_mut() {
            let out = graph.out(v);
            if *i < out.len() {
                let w = out[*i];
                *i += 1;
                if index[w] == NONE {
                    index[w] = next;
                    low[w] = next;
                    next += 1;
                    stack.push(w);
                    on_stack[w] = true;
                    calls.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            calls.pop();
            if let Some(&(p, _)) = calls.last() {
                low[p] = low[p].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp[w] = comps;
                    if w == v {
                        break;
                    }
                }
                comps += 1;
            }
        }
    }
    (comp, comps as usize)
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
    if let Some(d) = &c.deprecated {
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

/// CON-02 over the whole product: one verdict per judged component whose
/// fan-in reaches `fan_in_percent`; components below it pass silently.
pub fn critical_single_point(ctx: &Ctx) -> Vec<(ComponentId, Verdict)> {
    let inv = ctx.inv;
    let dependents_total = inv.components.iter().filter(|c| !c.root).count();
    if dependents_total == 0 {
        return Vec::new();
    }
    let counts = fan_in(inv);
    let threshold = ctx.thresholds.fan_in_percent;
    let mut out = Vec::new();
    for c in &inv.components {
        if c.root || c.scope == Scope::Excluded {
            continue;
        }
        let fan = counts[c.id];
        let percent = f64::from(fan) * 100.0 / dependents_total as f64;
        if fan == 0 || percent < threshold {
            continue;
        }
        let signals = match fragility(c, ctx) {
            Ok(s) if s.is_empty() => continue,
            Ok(s) => s,
            Err(reason) => {
                out.push((c.id, Verdict::not_evaluated(reason)));
                continue;
            }
        };
        let names: Vec<&str> = signals.iter().map(|e| e.key.as_str()).collect();
        let message = Message::new(&CRITICAL_SINGLE_POINT)
            .arg("component", c.display_name())
            .arg("fan", fan.to_string())
            .arg("total", dependents_total.to_string())
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
        out.push((c.id, Verdict::fire_sourced(message, evidence)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::*;
    use crate::model::{Edge, Origin};

    fn graph(names: usize, edges: &[(usize, usize)]) -> Inventory {
        let comps = (0..names)
            .map(|i| {
                let mut c = Component::named(format!("c{i}"));
                c.version = Some("1.0.0".into());
                c
            })
            .collect();
        let mut inv = inventory(comps);
        inv.edges = edges.iter().map(|&(from, to)| Edge { from, to }).collect();
        inv
    }

    /// Fan-in by walking the reverse graph from each node: the slow, obvious answer.
    fn brute_force(inv: &Inventory) -> Vec<u32> {
        let n = inv.components.len();
        (0..n)
            .map(|v| {
                let mut seen = vec![false; n];
                let mut todo = vec![v];
                while let Some(x) = todo.pop() {
                    for e in inv.edges.iter().filter(|e| e.to == x) {
                        if !seen[e.from] {
                            seen[e.from] = true;
                            todo.push(e.from);
                        }
                    }
                }
                (0..n)
                    .filter(|&u| seen[u] && u != v && !inv.components[u].root)
                    .count() as u32
            })
            .collect()
    }

    #[test]
    fn fan_in_counts_ancestors_through_diamonds_and_cycles() {
        // 0 → 1 → 3, 0 → 2 → 3, 3 → 4 → 5 → 4 (cycle), 6 isolated.
        let inv = graph(7, &[(0, 1), (0, 2), (1, 3), (2, 3), (3, 4), (4, 5), (5, 4)]);
        assert_eq!(fan_in(&inv), vec![0, 1, 1, 3, 5, 5, 0]);
        assert_eq!(fan_in(&inv), brute_force(&inv));
    }

    #[test]
    fn fan_in_matches_brute_force_on_pseudo_random_graphs() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for round in 0..20 {
            let n = 5 + (next() % 150) as usize;
            let m = (next() % (3 * n as u64)) as usize;
            let edges: Vec<(usize, usize)> = (0..m)
                .map(|_| ((next() % n as u64) as usize, (next() % n as u64) as usize))
                .collect();
            let mut inv = graph(n, &edges);
            if round % 2 == 0 {
                inv.components[0].root = true;
            }
            assert_eq!(fan_in(&inv), brute_force(&inv), "round {round}");
        }
    }

    /// Timing at 100,000 components in three shapes (run in release:
    /// `cargo test --release --lib fan_in_at_scale -- --ignored --nocapture`).
    #[test]
    #[ignore]
    fn fan_in_at_scale() {
        const N: usize = 100_000;
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let tree: Vec<(usize, usize)> = (0..N)
            .flat_map(|i| (1..=3).map(move |k| (i, i * 3 + k)))
            .filter(|&(_, t)| t < N)
            .collect();
        let dag: Vec<(usize, usize)> = (0..N - 1)
            .flat_map(|i| {
                let span = (N - i - 1) as u64;
                [next() % span, next() % span, next() % span]
                    .map(|d| (i, i + 1 + (d % span.min(2_000)) as usize))
            })
            .collect();
        let cyclic: Vec<(usize, usize)> = (0..N)
            .flat_map(|i| (1..=3).map(move |k| (i, (i * 7 + k * 13) % N)))
            .filter(|(a, b)| a != b)
            .collect();
        for (shape, edges) in [
            ("ternary tree", tree),
            ("layered random DAG", dag),
            ("random with cycles", cyclic),
        ] {
            let inv = graph(N, &edges);
            let t = std::time::Instant::now();
            let counts = fan_in(&inv);
            let heavy = counts.iter().filter(|&&c| c as usize * 10 >= N).count();
            eprintln!(
                "{shape}: {} edges, fan-in in {:.1} ms, {heavy} components at or above 10 %",
                edges.len(),
                t.elapsed().as_secs_f64() * 1e3
            );
        }
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
                    && ev.source.0 == "advisory:RUSTSEC-2099-0002")
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
