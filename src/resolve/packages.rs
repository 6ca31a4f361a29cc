//! Resolving the packages an inventory uses: each one's plan (snapshot,
//! cache, or fetch), the fetch rounds shared with other scanners through the
//! cache, and the report's account of what each ecosystem got.

use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

use super::cache::{self, Cache, CacheBackend, Entry};
use super::client::Fetched;
use super::endpoints::Endpoint;
use super::settle::{Settle, report_time};
use super::{FAILURE_TTL, Outcome, ResolveOptions, Resolved, derive, keys};
use crate::model::{
    ComponentId, Ecosystem, EcosystemResolution, FactSource, Inventory, Presence, Resolution,
};

/// Per-package failures listed in the report; the rest are counted.
const MAX_ERRORS: usize = 50;

/// Resolves the packages of `inventory` without touching it.
pub fn resolve_packages(inventory: &Inventory, options: &ResolveOptions) -> Outcome {
    if nothing_to_look_up(options) {
        // Every package stays unresolved: only how many each ecosystem has is
        // reported, so no versions, plans or per-package keys are kept.
        let none = BTreeMap::new();
        let run = Run::start(options, &none);
        let tally = Tally {
            packages: BTreeMap::new(),
            per_eco: count_packages(inventory),
        };
        return run.conclude(tally, Demand::no_client(inventory));
    }
    let Demand { wanted, no_client } = Demand::of(inventory);
    let mut run = Run::start(options, &wanted);
    run.plan();
    run.report_remembered_failures();
    run.fetch();
    let outcome = run.finish(no_client);
    // A key, versions and ids per package: freed off this thread.
    crate::model::drop_later(wanted);
    outcome
}

/// The packages the components use, and the ones no client can resolve.
struct Demand {
    wanted: BTreeMap<(Ecosystem, String), Wanted>,
    /// By ecosystem, how many registry packages chainrisk has no client for.
    no_client: BTreeMap<Ecosystem, usize>,
}

impl Demand {
    /// Gathers every package `inventory`'s components use, with their versions.
    fn of(inventory: &Inventory) -> Demand {
        // A key is a new string per component: made in parallel, then sorted
        // (by key, then component) so that the map is built in one pass.
        let mut keyed: Vec<((Ecosystem, String), usize)> = inventory
            .components
            .par_iter()
            .enumerate()
            .filter_map(|(i, c)| keys::package_key(c).map(|k| (k, i)))
            .collect();
        keyed.par_sort_unstable();
        let mut grouped: Vec<((Ecosystem, String), Wanted)> = Vec::new();
        for (key, i) in keyed {
            let c = &inventory.components[i];
            let w = match grouped.last_mut() {
                Some((k, w)) if *k == key => w,
                _ => {
                    grouped.push((key, Wanted::default()));
                    &mut grouped.last_mut().expect("just pushed").1
                }
            };
            w.versions.extend(c.version.clone());
            if c.ecosystem.is_distribution()
                && let Some(purl) = c.purl.as_deref()
                && let Ok(p) = crate::model::parse_purl(purl)
                && let Some(arch) = p.qualifier("arch")
            {
                w.architectures.insert(arch.to_string());
            }
            w.components.push(c.id);
        }
        // Sorted and unique: built without a comparison per insertion.
        let wanted: BTreeMap<(Ecosystem, String), Wanted> = grouped.into_iter().collect();
        Demand {
            wanted,
            no_client: Demand::no_client(inventory),
        }
    }

    /// By ecosystem, how many registry packages (distinct names) no client can resolve.
    fn no_client(inventory: &Inventory) -> BTreeMap<Ecosystem, usize> {
        // `package_key` keys only the ecosystems with a client: these have none.
        let named: Vec<(Ecosystem, String)> = inventory
            .components
            .par_iter()
            .filter(|c| {
                !c.root
                    && c.ecosystem.has_registry()
                    && !keys::has_client(&c.ecosystem)
                    && matches!(
                        c.source,
                        crate::model::SourceKind::Registry { .. }
                            | crate::model::SourceKind::Unknown
                    )
            })
            .map(|c| {
                let name = match &c.namespace {
                    Some(ns) => format!("{ns}/{}", c.name),
                    None => c.name.clone(),
                };
                (c.ecosystem.clone(), name)
            })
            .collect();
        distinct_per_ecosystem(named)
    }
}

/// By ecosystem, how many distinct names `named` holds (freed off this thread).
fn distinct_per_ecosystem(mut named: Vec<(Ecosystem, String)>) -> BTreeMap<Ecosystem, usize> {
    named.par_sort_unstable();
    named.dedup();
    let counts = named
        .chunk_by(|a, b| a.0 == b.0)
        .map(|group| (group[0].0.clone(), group.len()))
        .collect();
    crate::model::drop_later(named);
    counts
}

/// Offline, without a snapshot or a cache: no package can be resolved.
fn nothing_to_look_up(options: &ResolveOptions) -> bool {
    options.offline && options.snapshot.is_none() && options.cache.is_none()
}

/// By ecosystem, how many distinct packages the components use, each counted
/// by its key as [`Demand::of`] would (an account with nothing resolved).
fn count_packages(inventory: &Inventory) -> BTreeMap<Ecosystem, EcosystemResolution> {
    let keys: Vec<(Ecosystem, String)> = inventory
        .components
        .par_iter()
        .filter_map(keys::package_key)
        .collect();
    distinct_per_ecosystem(keys)
        .into_iter()
        .map(|(ecosystem, packages)| {
            let account = EcosystemResolution {
                ecosystem: ecosystem.clone(),
                packages,
                ..EcosystemResolution::default()
            };
            (ecosystem, account)
        })
        .collect()
}

/// The state of one resolution: the packages wanted, their plans, the cache,
/// and what the report and stderr will say.
struct Run<'a> {
    options: &'a ResolveOptions,
    wanted: &'a BTreeMap<(Ecosystem, String), Wanted>,
    cache: Option<Cache>,
    /// When the resolution started (after the cache was opened).
    now: jiff::Timestamp,
    /// The cache time-to-live.
    ttl: jiff::SignedDuration,
    /// One plan per wanted package, in the order of `wanted`.
    plans: Vec<((Ecosystem, String), Plan)>,
    /// The registry whose cached facts stood in for a missing endpoint.
    used_registry: BTreeMap<Ecosystem, String>,
    settle: Settle<'a>,
    warnings: Vec<String>,
    errors: Vec<String>,
}

/// The packages to fetch, split by who claimed them (see [`Run::claim`]).
struct Claimed {
    /// Claimed by this scan: fetched now.
    mine: Vec<usize>,
    /// Being fetched by another scanner: waited for.
    others: Vec<usize>,
}

/// The facts per package, and the account of each ecosystem.
struct Tally {
    packages: BTreeMap<(Ecosystem, String), Resolved>,
    per_eco: BTreeMap<Ecosystem, EcosystemResolution>,
}

/// The endpoint configured for `eco`, if any.
fn endpoint_of<'o>(options: &'o ResolveOptions, eco: &Ecosystem) -> Option<&'o Endpoint> {
    options.endpoints.iter().find(|e| e.ecosystem == *eco)
}

impl<'a> Run<'a> {
    /// Starts a resolution: the snapshot's warnings, then the cache, opened
    /// only when some package may be looked up in it.
    fn start(
        options: &'a ResolveOptions,
        wanted: &'a BTreeMap<(Ecosystem, String), Wanted>,
    ) -> Run<'a> {
        let mut warnings = Vec::new();
        let mut errors = Vec::new();
        if let Some(snap) = &options.snapshot {
            warnings.extend(snap.warnings(options.now));
        }
        // The cache is opened only when some package may be looked up in it:
        // at a configured endpoint, or, without one, at the registries the cache
        // already holds facts from (it is not created for that).
        let needs_cache = wanted
            .keys()
            .any(|(eco, _)| endpoint_of(options, eco).is_some())
            || (!wanted.is_empty() && options.cache.as_ref().is_some_and(|c| c.exists()));
        let cache = match (&options.cache, needs_cache) {
            (Some(location), true) => {
                open_cache(location, options.offline, &mut warnings, &mut errors)
            }
            _ => None,
        };
        let now = jiff::Timestamp::now();
        Run {
            options,
            wanted,
            cache,
            now,
            ttl: jiff::SignedDuration::try_from(options.cache_ttl)
                .unwrap_or(jiff::SignedDuration::MAX),
            plans: Vec::with_capacity(wanted.len()),
            used_registry: BTreeMap::new(),
            settle: Settle {
                wanted,
                options,
                fetched_at: report_time(now),
                errors: Vec::new(),
                to_store: Vec::new(),
                failures_to_store: Vec::new(),
                archive_indexes: Vec::new(),
            },
            warnings,
            errors,
        }
    }

    /// Plans every package: snapshot, then fresh cache, then the plan to fetch.
    fn plan(&mut self) {
        let options = self.options;
        let failure_ttl = jiff::SignedDuration::try_from(options.cache_ttl.min(FAILURE_TTL))
            .unwrap_or(jiff::SignedDuration::MAX);
        // Without an endpoint, the registries the cache holds facts from, per ecosystem.
        let mut cached_registries: BTreeMap<Ecosystem, Vec<String>> = BTreeMap::new();
        // What the cache holds for the packages at a configured endpoint, read at once.
        let at_endpoints: Vec<cache::PackageKey> = self
            .wanted
            .keys()
            .filter_map(|(eco, name)| {
                endpoint_of(options, eco).map(|e| cache::PackageKey {
                    ecosystem: eco.clone(),
                    registry: e.url.as_str().to_string(),
                    name: name.clone(),
                })
            })
            .collect();
        let mut stored = read_entries(self.cache.as_deref(), &at_endpoints, &mut self.warnings);
        let mut remembered =
            read_failures(self.cache.as_deref(), &at_endpoints, &mut self.warnings);

        let wanted = self.wanted;
        for (key, w) in wanted {
            let eco = &key.0;
            let endpoint = endpoint_of(options, eco);
            let plan = if let Some(resolved) = from_snapshot(options, endpoint, key) {
                Plan::Done(Box::new(resolved))
            } else if endpoint.is_none() {
                self.cached_at_any_registry(key, &mut cached_registries)
            } else {
                match stored.remove(key) {
                    Some(entry) if options.offline || is_fresh(&entry, w, self.now, self.ttl) => {
                        Plan::Done(Box::new(Resolved::cached(entry)))
                    }
                    stale if !options.offline => Plan::Fetch {
                        stale: stale.map(Box::new),
                        remembered: remembered
                            .remove(key)
                            .and_then(|f| recent_failure(&f, self.now, failure_ttl)),
                    },
                    _ => Plan::Unresolved,
                }
            };
            self.plans.push((key.clone(), plan));
        }
    }

    /// Without an endpoint: the facts cached from whichever registry holds
    /// the package, as they are (there is nothing to refresh them from).
    fn cached_at_any_registry(
        &mut self,
        (eco, name): &(Ecosystem, String),
        cached_registries: &mut BTreeMap<Ecosystem, Vec<String>>,
    ) -> Plan {
        let found = match self.cache.as_deref() {
            Some(c) => lookup_any_registry(c, eco, name, cached_registries),
            None => Ok(None),
        };
        match found {
            Ok(Some(entry)) => {
                self.used_registry
                    .entry(eco.clone())
                    .or_insert_with(|| entry.facts.registry.clone());
                Plan::Done(Box::new(Resolved::cached(entry)))
            }
            Ok(None) => Plan::Unresolved,
            Err(e) => {
                self.warnings.push(e);
                Plan::Unresolved
            }
        }
    }

    /// Failures remembered from an earlier scan are reported again, not asked again.
    fn report_remembered_failures(&mut self) {
        for (key, plan) in self.plans.iter_mut() {
            if let Plan::Fetch {
                remembered: Some(why),
                ..
            } = plan
            {
                let why = why.clone();
                *plan = self.settle.answer(
                    key,
                    std::mem::replace(plan, Plan::Unresolved),
                    Fetched::Failed(why),
                );
            }
        }
    }

    /// Fetches what is left to fetch, single flight: what another scanner
    /// sharing the cache is fetching now is waited for and read from the
    /// cache, not fetched again.
    fn fetch(&mut self) {
        let Claimed { mut mine, others } = self.claim();
        // Archive indexes are kept in the cache beside the facts (opened only
        // when something is fetched: opening one cleans out old indexes).
        let indexes = if mine.is_empty() && others.is_empty() {
            None
        } else {
            self.cache.as_ref().and_then(|c| c.indexes())
        };

        let claimed_any = !mine.is_empty();
        // Another scanner may have stored and released a package between this
        // scan's cache read and its claim: read the claimed ones once more.
        if let Some(c) = self.cache.as_deref()
            && c.claims()
            && !mine.is_empty()
        {
            mine = self.read_again(&mine);
        }
        self.settle.fetch(&mine, &mut self.plans, indexes.clone());
        self.settle.store(self.cache.as_mut(), &mut self.warnings);
        if let Some(c) = self.cache.as_deref()
            && claimed_any
        {
            c.release();
        }
        if !others.is_empty() {
            let later = match self.cache.as_deref() {
                Some(c) => {
                    c.wait_for_others(&self.keys_of(&others), c.claim_ttl());
                    self.read_again(&others)
                }
                None => others,
            };
            self.settle.fetch(&later, &mut self.plans, indexes);
            self.settle.store(self.cache.as_mut(), &mut self.warnings);
        }
        self.errors.extend(std::mem::take(&mut self.settle.errors));
    }

    /// Claims the packages to fetch in the cache; without a cache, or when
    /// the claim fails (a warning), all are this scan's.
    fn claim(&mut self) -> Claimed {
        let to_fetch: Vec<usize> = self
            .plans
            .iter()
            .enumerate()
            .filter(|(_, (_, p))| matches!(p, Plan::Fetch { .. }))
            .map(|(i, _)| i)
            .collect();
        let claimed = match self.cache.as_deref() {
            Some(c) if !to_fetch.is_empty() => {
                c.claim(&self.keys_of(&to_fetch)).unwrap_or_else(|e| {
                    self.warnings.push(e);
                    vec![true; to_fetch.len()]
                })
            }
            _ => vec![true; to_fetch.len()],
        };
        let mut split = Claimed {
            mine: Vec::new(),
            others: Vec::new(),
        };
        for (i, claimed_here) in to_fetch.into_iter().zip(claimed) {
            if claimed_here {
                split.mine.push(i);
            } else {
                split.others.push(i);
            }
        }
        split
    }

    /// The cache keys of the plans at `indices`.
    fn keys_of(&self, indices: &[usize]) -> Vec<cache::PackageKey> {
        indices
            .iter()
            .map(|&i| {
                let (eco, name) = &self.plans[i].0;
                cache::PackageKey {
                    ecosystem: eco.clone(),
                    registry: endpoint_of(self.options, eco)
                        .map(|e| e.url.to_string())
                        .unwrap_or_default(),
                    name: name.clone(),
                }
            })
            .collect()
    }

    /// Reads the plans at `indices` from the cache once more; returns the
    /// ones still to fetch (see [`settle_from_cache`]).
    fn read_again(&mut self, indices: &[usize]) -> Vec<usize> {
        let keys = self.keys_of(indices);
        let stored = read_entries(self.cache.as_deref(), &keys, &mut self.warnings);
        settle_from_cache(stored, indices, &mut self.plans, self.wanted, self.ttl)
    }

    /// The outcome: what each ecosystem got, where from, and why not.
    fn finish(mut self, no_client: BTreeMap<Ecosystem, usize>) -> Outcome {
        let counted = tally(std::mem::take(&mut self.plans));
        self.conclude(counted, no_client)
    }

    /// The outcome from what was counted: each ecosystem's account completed.
    fn conclude(mut self, counted: Tally, no_client: BTreeMap<Ecosystem, usize>) -> Outcome {
        let Tally {
            packages,
            mut per_eco,
        } = counted;
        let mut archive_indexes = std::mem::take(&mut self.settle.archive_indexes);
        for (eco, stats) in per_eco.iter_mut() {
            self.account_for(eco, stats, &mut archive_indexes);
        }
        for (eco, packages) in no_client {
            per_eco.insert(
                eco.clone(),
                EcosystemResolution {
                    ecosystem: eco.clone(),
                    packages,
                    note: Some(format!(
                        "chainrisk has no registry client for {}",
                        eco.as_str()
                    )),
                    ..EcosystemResolution::default()
                },
            );
        }

        let options = self.options;
        let mut errors = self.errors;
        if errors.len() > MAX_ERRORS {
            let more = errors.len() - MAX_ERRORS;
            errors.truncate(MAX_ERRORS);
            errors.push(format!("… and {more} more"));
        }
        let resolution = Resolution {
            mode: if options.offline { "offline" } else { "online" }.to_string(),
            cache: self.cache.as_ref().map(|c| c.location()),
            snapshot: options
                .snapshot
                .as_ref()
                .map(|s| s.info(options.now, options.max_snapshot_age_days)),
            ecosystems: per_eco.into_values().collect(),
            errors,
        };
        Outcome {
            resolution,
            packages,
            warnings: self.warnings,
        }
    }

    /// An ecosystem's endpoint (or the cached registry standing in for it),
    /// its archives and their indexes, and the reason for whatever stayed
    /// unresolved; the indexes of `eco` are taken out of `archive_indexes`.
    fn account_for(
        &mut self,
        eco: &Ecosystem,
        stats: &mut EcosystemResolution,
        archive_indexes: &mut Vec<(Ecosystem, crate::model::ArchiveIndex)>,
    ) {
        let options = self.options;
        let configured = endpoint_of(options, eco);
        if let Some(e) = configured {
            stats.registry = Some(e.url.to_string());
            stats.configured_by = Some(e.configured_by.clone());
            if eco.is_distribution() {
                stats.archives = archive_sources(options, eco);
                let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(archive_indexes)
                    .into_iter()
                    .partition(|(e, _)| e == eco);
                *archive_indexes = rest;
                stats.indexes = mine.into_iter().map(|(_, i)| i).collect();
                // An index not used can hide an update: say so where failures are listed.
                self.errors.extend(stats.indexes.iter().filter_map(|i| {
                    i.error
                        .as_ref()
                        .map(|e| format!("{}: {} ({}): {e}", eco.as_str(), i.index, i.url))
                }));
            }
        } else if let Some(registry) = self.used_registry.get(eco) {
            stats.registry = Some(registry.clone());
            stats.configured_by = Some("the cache (no endpoint configured)".to_string());
        }
        let problem = options
            .endpoint_problems
            .iter()
            .find(|(e, _)| e == eco)
            .map(|(_, why)| why.as_str());
        if configured.is_none()
            && let Some(why) = problem
        {
            self.warnings.push(format!(
                "{}: no endpoint, its package manager's configuration could not be used: {why}",
                eco.as_str()
            ));
        }
        // A distribution's configuration names many repositories: one that
        // could not be used is said in the report even when others were.
        if configured.is_some() && eco.is_distribution() {
            self.errors.extend(
                options
                    .endpoint_problems
                    .iter()
                    .filter(|(e, _)| e == eco)
                    .map(|(_, why)| format!("{}: not read: {why}", eco.as_str())),
            );
        }
        if let Some(note) = unresolved_note(options, eco, stats, configured.is_some(), problem) {
            stats.note = Some(note);
        }
    }
}

/// The snapshot's facts for `key`, if it holds them.
fn from_snapshot(
    options: &ResolveOptions,
    endpoint: Option<&Endpoint>,
    (eco, name): &(Ecosystem, String),
) -> Option<Resolved> {
    let snap = options.snapshot.as_ref()?;
    let registry = endpoint.map(|e| e.url.as_str());
    let p = snap.lookup(eco, registry, name, options.offline)?;
    Some(Resolved {
        entry: Entry {
            facts: p.facts.clone(),
            fetched_at: p.fetched_at.clone(),
            etag: None,
            last_modified: None,
            checked: p.checked.clone(),
        },
        source: FactSource::Snapshot {
            file: snap.file.clone(),
            created_at: snap.snapshot.created_at.clone(),
            fetched_at: p.fetched_at.clone(),
        },
    })
}

/// Counts what each ecosystem got, and keeps the facts found.
fn tally(plans: Vec<((Ecosystem, String), Plan)>) -> Tally {
    let mut packages = BTreeMap::new();
    let mut per_eco: BTreeMap<Ecosystem, EcosystemResolution> = BTreeMap::new();
    for (key, plan) in plans {
        let stats = per_eco
            .entry(key.0.clone())
            .or_insert_with(|| EcosystemResolution {
                ecosystem: key.0.clone(),
                ..EcosystemResolution::default()
            });
        stats.packages += 1;
        match plan {
            Plan::Done(r) => {
                match r.source {
                    FactSource::Live { .. } => stats.live += 1,
                    FactSource::Cache { .. } => stats.cached += 1,
                    FactSource::Snapshot { .. } => stats.from_snapshot += 1,
                }
                if r.entry.facts.presence == Presence::NotFound {
                    stats.not_found += 1;
                }
                packages.insert(key, *r);
            }
            Plan::Failed => stats.failed += 1,
            Plan::Unresolved | Plan::Fetch { .. } => {}
        }
    }
    Tally { packages, per_eco }
}

/// Why some of an ecosystem's packages stayed unresolved (without an
/// endpoint, how to configure one), or `None` when none did.
fn unresolved_note(
    options: &ResolveOptions,
    eco: &Ecosystem,
    stats: &EcosystemResolution,
    configured: bool,
    problem: Option<&str>,
) -> Option<String> {
    let resolved = stats.live + stats.cached + stats.from_snapshot;
    let missing = stats.packages - resolved - stats.failed;
    if missing == 0 {
        return None;
    }
    Some(if !configured {
        // The cache is named when it stood in for the endpoint for some.
        let sources: Vec<&str> = [
            (stats.cached > 0, "the cache"),
            (options.snapshot.is_some(), "the snapshot"),
        ]
        .into_iter()
        .filter_map(|(used, what)| used.then_some(what))
        .collect();
        let what = if sources.is_empty() {
            String::new()
        } else {
            format!("{missing} package(s) not in {} and ", sources.join(" or "))
        };
        let why = problem.map_or(String::new(), |p| format!(" ({p})"));
        format!(
            "{what}no endpoint configured for {}{why}: {}",
            eco.as_str(),
            how_to_configure(eco)
        )
    } else {
        format!(
            "offline: {missing} package(s) not in the cache{}",
            if options.snapshot.is_some() {
                " or the snapshot"
            } else {
                ""
            }
        )
    })
}

/// The plans at `indices` whose package `stored` now holds fresh facts for
/// are done from the cache; returns the indices still to fetch (with newer
/// stale facts kept to fall back on).
fn settle_from_cache(
    mut stored: BTreeMap<(Ecosystem, String), Entry>,
    indices: &[usize],
    plans: &mut [((Ecosystem, String), Plan)],
    wanted: &BTreeMap<(Ecosystem, String), Wanted>,
    ttl: jiff::SignedDuration,
) -> Vec<usize> {
    let mut left = Vec::new();
    for &i in indices {
        let (key, plan) = &mut plans[i];
        match stored.remove(key) {
            Some(entry) if is_fresh(&entry, &wanted[key], jiff::Timestamp::now(), ttl) => {
                *plan = Plan::Done(Box::new(Resolved::cached(entry)));
            }
            newer => {
                if let Plan::Fetch { stale, .. } = plan
                    && newer.is_some()
                {
                    *stale = newer.map(Box::new);
                }
                left.push(i);
            }
        }
    }
    left
}

/// A package some components use, with every version they use.
#[derive(Default)]
pub(super) struct Wanted {
    pub(super) versions: BTreeSet<String>,
    pub(super) components: Vec<ComponentId>,
    /// Distribution packages: the architectures in use (purl `arch`).
    pub(super) architectures: BTreeSet<String>,
}

/// What to do about one package after snapshot and cache were consulted.
// The facts are boxed: a plan per wanted package is held at once, and most
// are `Unresolved` (offline without a cache, every one of them).
pub(super) enum Plan {
    Done(Box<Resolved>),
    /// No endpoint, or offline with nothing stored.
    Unresolved,
    Fetch {
        stale: Option<Box<Entry>>,
        /// A failure remembered from an earlier scan, still recent: not
        /// asked again, reported again.
        remembered: Option<String>,
    },
    /// Fetched, failed, and nothing stored to fall back on.
    Failed,
}

/// The facts of `name` cached from any registry, the most recently used
/// registry first; `registries` keeps each ecosystem's list between calls.
fn lookup_any_registry(
    cache: &dyn CacheBackend,
    eco: &Ecosystem,
    name: &str,
    registries: &mut BTreeMap<Ecosystem, Vec<String>>,
) -> Result<Option<Entry>, String> {
    if !registries.contains_key(eco) {
        registries.insert(eco.clone(), cache.registries(eco)?);
    }
    for registry in &registries[eco] {
        let key = cache::PackageKey {
            ecosystem: eco.clone(),
            registry: registry.clone(),
            name: name.to_string(),
        };
        if let Some(entry) = cache.get_many(std::slice::from_ref(&key))?.pop().flatten() {
            return Ok(Some(entry));
        }
    }
    Ok(None)
}

/// Opens the scan's cache. One that cannot be used is a warning — and,
/// offline, an error in the report: nothing else could give the facts.
fn open_cache(
    location: &cache::CacheLocation,
    offline: bool,
    warnings: &mut Vec<String>,
    errors: &mut Vec<String>,
) -> Option<Cache> {
    match cache::open(location) {
        Ok((cache, w)) => {
            warnings.extend(w);
            if let Some(why) = cache.read_only() {
                warnings.push(format!(
                    "the cache {location} is read-only ({why}): its facts are used, but what this scan fetches is not stored"
                ));
            }
            Some(cache)
        }
        Err(e) if offline => {
            let message = format!(
                "{e}; offline, no fact can come from anywhere else: packages without a snapshot stay unresolved"
            );
            warnings.push(message.clone());
            errors.push(message);
            None
        }
        Err(e) => {
            warnings.push(format!("{e}; resolving without a cache"));
            None
        }
    }
}

/// The cached entries of `keys`, by package; a failed read is one warning.
fn read_entries(
    cache: Option<&dyn CacheBackend>,
    keys: &[cache::PackageKey],
    warnings: &mut Vec<String>,
) -> BTreeMap<(Ecosystem, String), Entry> {
    read_by_package(cache, keys, warnings, |c, keys| c.get_many(keys))
}

/// The failures remembered for `keys`, by package; a failed read is one warning.
fn read_failures(
    cache: Option<&dyn CacheBackend>,
    keys: &[cache::PackageKey],
    warnings: &mut Vec<String>,
) -> BTreeMap<(Ecosystem, String), cache::Failure> {
    read_by_package(cache, keys, warnings, |c, keys| c.failures(keys))
}

/// What `read` finds in the cache for `keys` (one answer per key), by
/// package; nothing without a cache or keys, and a failed read is one warning.
fn read_by_package<T>(
    cache: Option<&dyn CacheBackend>,
    keys: &[cache::PackageKey],
    warnings: &mut Vec<String>,
    read: impl FnOnce(&dyn CacheBackend, &[cache::PackageKey]) -> Result<Vec<Option<T>>, String>,
) -> BTreeMap<(Ecosystem, String), T> {
    let Some(c) = cache.filter(|_| !keys.is_empty()) else {
        return BTreeMap::new();
    };
    match read(c, keys) {
        Ok(found) => keys
            .iter()
            .zip(found)
            .filter_map(|(k, v)| v.map(|v| ((k.ecosystem.clone(), k.name.clone()), v)))
            .collect(),
        Err(e) => {
            warnings.push(e);
            BTreeMap::new()
        }
    }
}

/// The message of a failure still within its time-to-live, or `None`.
fn recent_failure(
    failure: &cache::Failure,
    now: jiff::Timestamp,
    ttl: jiff::SignedDuration,
) -> Option<String> {
    let at = failure.failed_at.parse::<jiff::Timestamp>().ok()?;
    let age = now.duration_since(at);
    if age.is_negative() || age >= ttl {
        return None;
    }
    let minutes = (ttl.as_secs() + 59) / 60;
    Some(format!(
        "{} (failed at {}: not asked again for {minutes} min; --cache-ttl 0 asks now)",
        failure.reason, failure.failed_at
    ))
}

/// A cache entry is fresh within its time-to-live when it covers every
/// version in use: listed, or asked about when it was fetched (Go lists
/// versions without their times, so for Go only the latter counts).
fn is_fresh(entry: &Entry, w: &Wanted, now: jiff::Timestamp, ttl: jiff::SignedDuration) -> bool {
    let Ok(at) = entry.fetched_at.parse::<jiff::Timestamp>() else {
        return false;
    };
    let age = now.duration_since(at);
    if age.is_negative() || age >= ttl {
        return false;
    }
    if entry.facts.presence == Presence::NotFound {
        return true;
    }
    let eco = &entry.facts.ecosystem;
    w.versions.iter().all(|v| {
        entry
            .checked
            .iter()
            .any(|c| derive::same_version(eco, c, v))
            || (*eco != Ecosystem::Golang && derive::find_release(&entry.facts, v).is_some())
    })
}

/// The configured archives of a distribution ecosystem, as the report lists them.
fn archive_sources(options: &ResolveOptions, eco: &Ecosystem) -> Vec<String> {
    match eco {
        Ecosystem::Deb => options
            .archives
            .iter()
            .map(|a| format!("{} {} ({})", a.uri, a.suites.join(" "), a.configured_by))
            .collect(),
        Ecosystem::Apk => options
            .apk_repositories
            .iter()
            .map(|r| format!("{} {} ({})", r.mirror, r.repository, r.configured_by))
            .collect(),
        Ecosystem::Rpm => options
            .rpm_repositories
            .iter()
            .map(|r| format!("{} [{}] ({})", r.baseurl, r.id, r.configured_by))
            .collect(),
        _ => Vec::new(),
    }
}

/// Where an ecosystem's endpoint can be set.
fn how_to_configure(eco: &Ecosystem) -> String {
    let name = eco.as_str();
    let upper = name.to_ascii_uppercase();
    let own = match eco {
        Ecosystem::Npm => "npm's registry (.npmrc or npm_config_registry)",
        Ecosystem::Pypi => "pip's index-url (pip.conf or PIP_INDEX_URL)",
        Ecosystem::Cargo => "Cargo's source replacement (.cargo/config.toml)",
        Ecosystem::Golang => "GOPROXY",
        Ecosystem::Deb => {
            return "set --registry deb=URL (and deb-security=URL for the security archive), CHAINRISK_REGISTRY_DEB or apt's sources (sources.list, *.sources)".to_string();
        }
        Ecosystem::Apk => {
            return "set --registry apk=URL (a mirror's root), CHAINRISK_REGISTRY_APK or apk's repositories file (CHAINRISK_APK_ETC)".to_string();
        }
        Ecosystem::Rpm => {
            return "set --registry rpm=URL (a repository's baseurl, $releasever and $basearch allowed; repeatable), CHAINRISK_REGISTRY_RPM or dnf's *.repo files (CHAINRISK_YUM_REPOS_D)".to_string();
        }
        _ => "the package manager's configuration",
    };
    format!("set --registry {name}=URL, CHAINRISK_REGISTRY_{upper} or {own}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PackageFacts, ReleaseFacts};

    fn entry(eco: Ecosystem, listed: &[&str], checked: &[&str], fetched_at: &str) -> Entry {
        Entry {
            facts: PackageFacts {
                ecosystem: eco,
                versions: listed
                    .iter()
                    .map(|v| ReleaseFacts {
                        version: v.to_string(),
                        ..ReleaseFacts::default()
                    })
                    .collect(),
                ..PackageFacts::default()
            },
            fetched_at: fetched_at.into(),
            etag: None,
            last_modified: None,
            checked: checked.iter().map(|v| v.to_string()).collect(),
        }
    }

    /// Offline without a cache or snapshot, the packages are counted without
    /// being planned: the account must be the one planning would give.
    #[test]
    fn counting_gives_the_account_planning_gives() {
        let comp =
            |eco: Ecosystem, ns: Option<&str>, name: &str, version: &str| crate::model::Component {
                ecosystem: eco,
                namespace: ns.map(str::to_string),
                name: name.to_string(),
                version: Some(version.to_string()),
                ..crate::model::Component::default()
            };
        let mut components = vec![
            comp(Ecosystem::Npm, Some("types"), "node", "1.0.0"),
            comp(Ecosystem::Npm, Some("@types"), "node", "2.0.0"),
            comp(Ecosystem::Npm, None, "left-pad", "1.0.0"),
            comp(Ecosystem::Pypi, None, "Foo_Bar", "1.0"),
            comp(Ecosystem::Pypi, None, "foo-bar", "1.1"),
            comp(Ecosystem::Cargo, None, "serde", "1.0.0"),
            comp(Ecosystem::Cargo, None, "serde", "1.0.1"),
            comp(Ecosystem::Cargo, None, " ", "1.0.1"),
            comp(Ecosystem::Cargo, None, "mine", "0.1.0"),
            comp(Ecosystem::Cargo, None, "forked", "0.1.0"),
            comp(Ecosystem::Maven, Some("org.example"), "lib", "1"),
            comp(Ecosystem::Maven, Some("org.example"), "lib", "2"),
            comp(Ecosystem::Maven, Some("org.other"), "lib", "1"),
            comp(Ecosystem::Deb, None, "bash", "5.2"),
        ];
        components[8].root = true;
        components[9].source = crate::model::SourceKind::Git {
            url: "https://git.example/forked".into(),
            rev: None,
            pinned: false,
        };
        for (i, c) in components.iter_mut().enumerate() {
            c.id = i;
        }
        let inventory = Inventory {
            components,
            ..Inventory::default()
        };
        let counted = resolve_packages(
            &inventory,
            &ResolveOptions {
                offline: true,
                ..ResolveOptions::default()
            },
        );
        // A cache that does not exist is never opened, but it sends the
        // packages through planning.
        let dir = tempfile::tempdir().unwrap();
        let planned = resolve_packages(
            &inventory,
            &ResolveOptions {
                offline: true,
                cache: Some(cache::CacheLocation::Sqlite(
                    dir.path().join("none.sqlite3"),
                )),
                ..ResolveOptions::default()
            },
        );
        assert_eq!(counted.resolution, planned.resolution);
        assert_eq!(counted.warnings, planned.warnings);
        assert!(counted.packages.is_empty() && planned.packages.is_empty());
        let packages: Vec<(&str, usize)> = counted
            .resolution
            .ecosystems
            .iter()
            .map(|e| (e.ecosystem.as_str(), e.packages))
            .collect();
        assert_eq!(
            packages,
            [("cargo", 1), ("npm", 2), ("pypi", 1), ("maven", 2)],
            "{:?}",
            counted.resolution.ecosystems
        );
    }

    fn wanted(versions: &[&str]) -> Wanted {
        Wanted {
            versions: versions.iter().map(|v| v.to_string()).collect(),
            components: Vec::new(),
            architectures: BTreeSet::new(),
        }
    }

    #[test]
    fn an_entry_is_fresh_within_its_ttl_when_it_covers_the_versions_in_use() {
        let now: jiff::Timestamp = "2026-01-02T00:00:00Z".parse().unwrap();
        let day = jiff::SignedDuration::from_hours(24);
        let e = entry(
            Ecosystem::Npm,
            &["1.0.0"],
            &["9.9.9"],
            "2026-01-01T12:00:00Z",
        );
        assert!(is_fresh(&e, &wanted(&["1.0.0"]), now, day));
        assert!(
            is_fresh(&e, &wanted(&["9.9.9"]), now, day),
            "asked about before: not listed is the fact"
        );
        assert!(
            !is_fresh(&e, &wanted(&["2.0.0"]), now, day),
            "a version never asked about"
        );
        assert!(!is_fresh(
            &e,
            &wanted(&["1.0.0"]),
            now,
            jiff::SignedDuration::from_hours(6)
        ));
        let future = entry(Ecosystem::Npm, &["1.0.0"], &[], "2026-02-01T00:00:00Z");
        assert!(!is_fresh(&future, &wanted(&["1.0.0"]), now, day));
        let garbled = entry(Ecosystem::Npm, &["1.0.0"], &[], "yesterday");
        assert!(!is_fresh(&garbled, &wanted(&["1.0.0"]), now, day));

        // Go lists versions without their times: only versions asked about count.
        let go = entry(
            Ecosystem::Golang,
            &["v1.0.0", "v1.1.0"],
            &["v1.0.0"],
            "2026-01-01T12:00:00Z",
        );
        assert!(is_fresh(&go, &wanted(&["1.0.0"]), now, day));
        assert!(!is_fresh(&go, &wanted(&["v1.1.0"]), now, day));

        let mut gone = entry(Ecosystem::Npm, &[], &[], "2026-01-01T12:00:00Z");
        gone.facts.presence = Presence::NotFound;
        assert!(is_fresh(&gone, &wanted(&["3.0.0"]), now, day));
    }
}
