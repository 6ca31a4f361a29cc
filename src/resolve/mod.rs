//! The resolve stage: registry facts for every component, fetched once per
//! package, in parallel, through the cache and snapshots.
//!
//! For each distinct (ecosystem, name) the facts come from the first of: the
//! snapshot; a fresh cache entry that covers every version in use; the
//! registry (a conditional request when a stale entry has validators). With
//! `offline` nothing is fetched: a stale cache entry is used as it is. What
//! was fetched is written to the cache in one transaction at the end.

pub mod archive;
pub mod cache;
pub mod cargo_index;
pub mod client;
pub mod derive;
pub mod endpoints;
pub mod goproxy;
pub mod http;
pub mod index_cache;
pub mod keys;
pub mod npm;
pub mod package_managers;
pub mod progress;
pub mod pypi;
pub mod snapshot;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use cache::{Cache, CacheBackend, Entry};
use client::{ClientOptions, Fetched, Registries, Validators};
use endpoints::Endpoint;

use crate::model::{
    ComponentId, Ecosystem, EcosystemResolution, FactSource, Inventory, PackageFacts, Presence,
    Resolution,
};

/// Per-package failures listed in the report; the rest are counted.
const MAX_ERRORS: usize = 50;

/// Snapshot age limit when the policy sets none.
pub const DEFAULT_MAX_SNAPSHOT_AGE_DAYS: i64 = 30;

/// Cache time-to-live when none is given.
pub const DEFAULT_CACHE_TTL: Duration = Duration::from_secs(24 * 3600);

/// How long a lookup that failed after its retries (a registry down, refusing
/// connections, timing out) is remembered instead of asked again: the cache
/// time-to-live when that is shorter (`--cache-ttl 0` asks again at once).
pub const FAILURE_TTL: Duration = Duration::from_secs(10 * 60);

/// How to resolve.
pub struct ResolveOptions {
    /// Make no network request: cache and snapshot only.
    pub offline: bool,
    /// The registries to ask (see [`discover_endpoints`]).
    pub endpoints: Vec<Endpoint>,
    /// Why an ecosystem has no endpoint although a package manager's
    /// configuration was read for it (an unreadable or malformed file).
    pub endpoint_problems: Vec<(Ecosystem, String)>,
    pub client: ClientOptions,
    /// The cache (a file, or a database a fleet shares); `None`: no cache.
    pub cache: Option<cache::CacheLocation>,
    pub cache_ttl: Duration,
    /// A snapshot to use before cache and network.
    pub snapshot: Option<snapshot::Loaded>,
    /// A snapshot older than this is flagged stale (policy `max_snapshot_age_days`).
    pub max_snapshot_age_days: i64,
    /// The scan time: a snapshot's age is counted to it.
    pub now: jiff::Timestamp,
    /// Draw a progress bar (when stderr is a terminal).
    pub progress: bool,
    /// The distribution archives (deb) and the suites to read there.
    pub archives: Vec<archive::apt_sources::AptSource>,
    /// apt's configuration directory, for its trusted keyrings.
    pub apt_etc: PathBuf,
    /// `--archive-keyring`: keys that may sign any archive's InRelease (or,
    /// RSA keys in PEM, any Alpine index).
    pub archive_keyrings: Vec<PathBuf>,
    /// The Alpine mirrors and repositories to read.
    pub apk_repositories: Vec<archive::apk_repositories::ApkRepository>,
    /// apk's configuration directory, for its `keys/`.
    pub apk_etc: PathBuf,
    /// The RPM repositories to read.
    pub rpm_repositories: Vec<archive::rpm_repos::RpmRepository>,
    /// Development series by distribution (`ubuntu` → its next release's
    /// codename), from the lifecycle data; Debian's are built in.
    pub development_series: BTreeMap<String, String>,
}

impl Default for ResolveOptions {
    fn default() -> ResolveOptions {
        ResolveOptions {
            offline: false,
            endpoints: Vec::new(),
            endpoint_problems: Vec::new(),
            client: ClientOptions::default(),
            cache: None,
            cache_ttl: DEFAULT_CACHE_TTL,
            snapshot: None,
            max_snapshot_age_days: DEFAULT_MAX_SNAPSHOT_AGE_DAYS,
            now: jiff::Timestamp::now(),
            progress: false,
            archives: Vec::new(),
            apt_etc: PathBuf::from("/etc/apt"),
            archive_keyrings: Vec::new(),
            apk_repositories: Vec::new(),
            apk_etc: PathBuf::from("/etc/apk"),
            rpm_repositories: Vec::new(),
            development_series: BTreeMap::new(),
        }
    }
}

/// The endpoints configured by `--registry` flags, the policy's
/// `[registries]`, this process's environment, the current directory's and
/// the home directory's package manager files.
pub fn discover_endpoints(
    flags: &[String],
    policy: &BTreeMap<String, String>,
) -> Result<endpoints::Discovered, String> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let home = dirs::home_dir();
    let env = |name: &str| std::env::var(name).ok();
    let is_archive = |key: &str| matches!(key.trim(), "deb" | "deb-security" | "apk" | "rpm");
    let mut archive_flags = Vec::new();
    let mut apk_flags = Vec::new();
    let mut rpm_flags = Vec::new();
    let mut other_flags = Vec::new();
    for flag in flags {
        match flag.split_once('=') {
            Some((key, url)) if key.trim() == "apk" => apk_flags.push(url.trim().to_string()),
            Some((key, url)) if key.trim() == "rpm" => rpm_flags.push(url.trim().to_string()),
            Some((key, url)) if is_archive(key) => {
                archive_flags.push((key.trim().to_string(), url.trim().to_string()))
            }
            _ => other_flags.push(flag.clone()),
        }
    }
    let archive_policy: Vec<(String, String)> = policy
        .iter()
        .filter(|(k, _)| matches!(k.trim(), "deb" | "deb-security"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let other_policy: BTreeMap<String, String> = policy
        .iter()
        .filter(|(k, _)| !is_archive(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let mut found = endpoints::discover(&endpoints::EndpointSources {
        flags: &other_flags,
        policy: &other_policy,
        env: &env,
        cwd: &cwd,
        home: home.as_deref(),
    })?;
    // apt's configuration directory (`Dir::Etc`); tests and labs point it elsewhere.
    let apt_etc = env("CHAINRISK_APT_ETC").unwrap_or_else(|| "/etc/apt".to_string());
    let apt =
        archive::apt_sources::discover(&archive_flags, &archive_policy, &env, Path::new(&apt_etc))?;
    found
        .problems
        .extend(apt.problems.into_iter().map(|p| (Ecosystem::Deb, p)));
    // The archive the cache names deb facts after: the first that is not a security archive.
    let main = apt
        .sources
        .iter()
        .find(|s| {
            !s.suites
                .iter()
                .all(|x| x.ends_with("-security") || x.ends_with("/updates"))
        })
        .or(apt.sources.first());
    if let Some(main) = main {
        found.endpoints.push(Endpoint {
            ecosystem: Ecosystem::Deb,
            url: main.uri.clone(),
            configured_by: main.configured_by.clone(),
        });
    }
    found.archives = apt.sources;
    found.apt_etc = PathBuf::from(apt_etc);
    // apk's configuration directory; tests and labs point it elsewhere.
    let apk_etc = env("CHAINRISK_APK_ETC").unwrap_or_else(|| "/etc/apk".to_string());
    let apk = archive::apk_repositories::discover(
        &apk_flags,
        policy.get("apk").map(String::as_str),
        &env,
        Path::new(&apk_etc),
    )?;
    found
        .problems
        .extend(apk.problems.into_iter().map(|p| (Ecosystem::Apk, p)));
    if let Some(first) = apk.repositories.first() {
        found.endpoints.push(Endpoint {
            ecosystem: Ecosystem::Apk,
            url: first.mirror.clone(),
            configured_by: first.configured_by.clone(),
        });
    }
    found.apk_repositories = apk.repositories;
    found.apk_etc = PathBuf::from(apk_etc);
    // dnf's and yum's repository files; tests and labs point elsewhere.
    let repos_d = env("CHAINRISK_YUM_REPOS_D").unwrap_or_else(|| "/etc/yum.repos.d".to_string());
    let rpm = archive::rpm_repos::discover(
        &rpm_flags,
        policy.get("rpm").map(String::as_str),
        &env,
        Path::new(&repos_d),
    )?;
    found
        .problems
        .extend(rpm.problems.into_iter().map(|p| (Ecosystem::Rpm, p)));
    if let Some(first) = rpm.repositories.first()
        && let Ok(url) = url::Url::parse(&first.base("$releasever", "$basearch"))
    {
        found.endpoints.push(Endpoint {
            ecosystem: Ecosystem::Rpm,
            url,
            configured_by: first.configured_by.clone(),
        });
    }
    found.rpm_repositories = rpm.repositories;
    Ok(found)
}

/// The last layer of endpoint discovery, run once the inventory is known:
/// for each ecosystem it has packages of and nothing configured an endpoint
/// for, its package manager's own default (see [`package_managers`]). Not
/// offline (the cache's facts are used without an endpoint there), and not
/// when `CHAINRISK_PACKAGE_MANAGERS=off`.
pub fn ask_package_managers(options: &mut ResolveOptions, inventory: &crate::model::Inventory) {
    let env = |name: &str| std::env::var(name).ok();
    if options.offline || !package_managers::enabled(&env) {
        return;
    }
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let cargo_home = env("CARGO_HOME")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| dirs::home_dir().map(|h| h.join(".cargo")));
    for eco in endpoints::RESOLVABLE {
        let used = inventory
            .components
            .iter()
            .any(|c| !c.root && c.ecosystem == eco);
        if !used || options.endpoints.iter().any(|e| e.ecosystem == eco) {
            continue;
        }
        // A configuration file that could not be used is not papered over by a default.
        if options.endpoint_problems.iter().any(|(e, _)| *e == eco) {
            continue;
        }
        match package_managers::ask(&eco, &cwd, cargo_home.as_deref()) {
            Ok(Some(answer)) => match endpoints::endpoint_url(&eco, &answer.url) {
                Ok(url) => options.endpoints.push(Endpoint {
                    ecosystem: eco,
                    url,
                    configured_by: answer.asked,
                }),
                Err(e) => options
                    .endpoint_problems
                    .push((eco, format!("{}: {e}", answer.asked))),
            },
            Ok(None) => {}
            Err(why) => options.endpoint_problems.push((eco, why)),
        }
    }
}

/// One package's facts and where they came from.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub entry: Entry,
    pub source: FactSource,
}

/// What the stage established: the report's account, and the facts per package.
pub struct Outcome {
    pub resolution: Resolution,
    pub packages: BTreeMap<(Ecosystem, String), Resolved>,
    /// Problems worth a line on stderr (a cache moved aside or unusable).
    pub warnings: Vec<String>,
}

/// Resolves every component of `inventory` and sets its `origin`.
pub fn resolve(inventory: &mut Inventory, options: &ResolveOptions) -> Outcome {
    let outcome = resolve_packages(inventory, options);
    if outcome.packages.is_empty() {
        return outcome;
    }
    for c in &mut inventory.components {
        let Some(key) = keys::package_key(c) else {
            continue;
        };
        if let Some(r) = outcome.packages.get(&key) {
            let mut origin = derive::origin(&r.entry.facts, c.version.as_deref(), r.source.clone());
            // "Not listed" is a fact only for a version the facts were asked
            // about; older facts (a snapshot, a stale cache entry used
            // offline) may simply predate it.
            if origin.version_listed == Some(false)
                && let Some(v) = c.version.as_deref()
                && !r
                    .entry
                    .checked
                    .iter()
                    .any(|k| derive::same_version(&key.0, k, v))
            {
                origin.version_listed = None;
            }
            c.origin = Some(Box::new(origin));
        }
    }
    outcome
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
                let source = FactSource::Cache {
                    fetched_at: entry.fetched_at.clone(),
                };
                *plan = Plan::Done(Resolved { entry, source });
            }
            newer => {
                if let Plan::Fetch { stale, .. } = plan
                    && newer.is_some()
                {
                    *stale = newer;
                }
                left.push(i);
            }
        }
    }
    left
}

/// A package some components use, with every version they use.
struct Wanted {
    versions: BTreeSet<String>,
    components: Vec<ComponentId>,
    /// Distribution packages: the architectures in use (purl `arch`).
    architectures: BTreeSet<String>,
}

/// What to do about one package after snapshot and cache were consulted.
enum Plan {
    Done(Resolved),
    /// No endpoint, or offline with nothing stored.
    Unresolved,
    Fetch {
        stale: Option<Entry>,
        /// A failure remembered from an earlier scan, still recent: not
        /// asked again, reported again.
        remembered: Option<String>,
    },
    /// Fetched, failed, and nothing stored to fall back on.
    Failed,
}

/// Resolves the packages of `inventory` without touching it.
pub fn resolve_packages(inventory: &Inventory, options: &ResolveOptions) -> Outcome {
    let mut wanted: BTreeMap<(Ecosystem, String), Wanted> = BTreeMap::new();
    let mut no_client: BTreeMap<Ecosystem, BTreeSet<String>> = BTreeMap::new();
    for c in &inventory.components {
        match keys::package_key(c) {
            Some(key) => {
                let w = wanted.entry(key).or_insert_with(|| Wanted {
                    versions: BTreeSet::new(),
                    components: Vec::new(),
                    architectures: BTreeSet::new(),
                });
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
            None if !c.root
                && c.ecosystem.has_registry()
                && !keys::has_client(&c.ecosystem)
                && matches!(
                    c.source,
                    crate::model::SourceKind::Registry { .. } | crate::model::SourceKind::Unknown
                ) =>
            {
                let name = match &c.namespace {
                    Some(ns) => format!("{ns}/{}", c.name),
                    None => c.name.clone(),
                };
                no_client
                    .entry(c.ecosystem.clone())
                    .or_default()
                    .insert(name);
            }
            None => {}
        }
    }

    let mut warnings = Vec::new();
    let mut errors = Vec::new();
    let endpoint_of = |eco: &Ecosystem| options.endpoints.iter().find(|e| e.ecosystem == *eco);

    if let Some(snap) = &options.snapshot {
        warnings.extend(snap.warnings(options.now));
    }

    // The cache is opened only when some package may be looked up in it:
    // at a configured endpoint, or, without one, at the registries the cache
    // already holds facts from (it is not created for that).
    let needs_cache = wanted.keys().any(|(eco, _)| endpoint_of(eco).is_some())
        || (!wanted.is_empty() && options.cache.as_ref().is_some_and(|c| c.exists()));
    let mut cache = match (&options.cache, needs_cache) {
        (Some(location), true) => open_cache(location, options.offline, &mut warnings, &mut errors),
        _ => None,
    };

    let now_real = jiff::Timestamp::now();
    let ttl =
        jiff::SignedDuration::try_from(options.cache_ttl).unwrap_or(jiff::SignedDuration::MAX);
    let failure_ttl = jiff::SignedDuration::try_from(options.cache_ttl.min(FAILURE_TTL))
        .unwrap_or(jiff::SignedDuration::MAX);
    // Without an endpoint, the registries the cache holds facts from, per ecosystem.
    let mut cached_registries: BTreeMap<Ecosystem, Vec<String>> = BTreeMap::new();
    // The registry whose cached facts stood in for a missing endpoint.
    let mut used_registry: BTreeMap<Ecosystem, String> = BTreeMap::new();

    // What the cache holds for the packages at a configured endpoint, read at once.
    let at_endpoints: Vec<cache::PackageKey> = wanted
        .keys()
        .filter_map(|(eco, name)| {
            endpoint_of(eco).map(|e| cache::PackageKey {
                ecosystem: eco.clone(),
                registry: e.url.as_str().to_string(),
                name: name.clone(),
            })
        })
        .collect();
    let mut stored = read_entries(cache.as_deref(), &at_endpoints, &mut warnings);
    let mut remembered = read_failures(cache.as_deref(), &at_endpoints, &mut warnings);

    // Snapshot, then fresh cache, then the plan to fetch.
    let mut plans: Vec<((Ecosystem, String), Plan)> = Vec::with_capacity(wanted.len());
    for (key, w) in &wanted {
        let (eco, name) = key;
        let endpoint = endpoint_of(eco);
        let registry = endpoint.map(|e| e.url.as_str());
        if let Some(snap) = &options.snapshot
            && let Some(p) = snap.lookup(eco, registry, name, options.offline)
        {
            let resolved = Resolved {
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
            };
            plans.push((key.clone(), Plan::Done(resolved)));
            continue;
        }
        if endpoint.is_none() {
            // No endpoint: the facts cached from whichever registry holds
            // the package, as they are (there is nothing to refresh them from).
            let found = match cache.as_deref() {
                Some(c) => lookup_any_registry(c, eco, name, &mut cached_registries),
                None => Ok(None),
            };
            let plan = match found {
                Ok(Some(entry)) => {
                    used_registry
                        .entry(eco.clone())
                        .or_insert_with(|| entry.facts.registry.clone());
                    let source = FactSource::Cache {
                        fetched_at: entry.fetched_at.clone(),
                    };
                    Plan::Done(Resolved { entry, source })
                }
                Ok(None) => Plan::Unresolved,
                Err(e) => {
                    warnings.push(e);
                    Plan::Unresolved
                }
            };
            plans.push((key.clone(), plan));
            continue;
        }
        let plan = match stored.remove(key) {
            Some(entry) if options.offline || is_fresh(&entry, w, now_real, ttl) => {
                let source = FactSource::Cache {
                    fetched_at: entry.fetched_at.clone(),
                };
                Plan::Done(Resolved { entry, source })
            }
            stale if !options.offline => Plan::Fetch {
                stale,
                remembered: remembered
                    .remove(key)
                    .and_then(|f| recent_failure(&f, now_real, failure_ttl)),
            },
            _ => Plan::Unresolved,
        };
        plans.push((key.clone(), plan));
    }

    let mut settle = Settle {
        wanted: &wanted,
        options,
        fetched_at: report_time(now_real),
        errors: Vec::new(),
        to_store: Vec::new(),
        failures_to_store: Vec::new(),
        archive_indexes: Vec::new(),
    };
    // Failures remembered from an earlier scan are reported again, not asked again.
    for (key, plan) in plans.iter_mut() {
        if let Plan::Fetch {
            remembered: Some(why),
            ..
        } = plan
        {
            let why = why.clone();
            *plan = settle.answer(
                key,
                std::mem::replace(plan, Plan::Unresolved),
                Fetched::Failed(why),
            );
        }
    }

    // Single flight: what another scanner sharing the cache is fetching now
    // is waited for and read from the cache, not fetched again.
    let to_fetch: Vec<usize> = plans
        .iter()
        .enumerate()
        .filter(|(_, (_, p))| matches!(p, Plan::Fetch { .. }))
        .map(|(i, _)| i)
        .collect();
    let keys_of =
        |indices: &[usize], plans: &[((Ecosystem, String), Plan)]| -> Vec<cache::PackageKey> {
            indices
                .iter()
                .map(|&i| {
                    let (eco, name) = &plans[i].0;
                    cache::PackageKey {
                        ecosystem: eco.clone(),
                        registry: endpoint_of(eco)
                            .map(|e| e.url.to_string())
                            .unwrap_or_default(),
                        name: name.clone(),
                    }
                })
                .collect()
        };
    let claimed = match cache.as_deref() {
        Some(c) if !to_fetch.is_empty() => {
            c.claim(&keys_of(&to_fetch, &plans)).unwrap_or_else(|e| {
                warnings.push(e);
                vec![true; to_fetch.len()]
            })
        }
        _ => vec![true; to_fetch.len()],
    };
    let mut mine = Vec::new();
    let mut others = Vec::new();
    for (i, claimed_here) in to_fetch.into_iter().zip(claimed) {
        if claimed_here {
            mine.push(i);
        } else {
            others.push(i);
        }
    }
    // Archive indexes are kept in the cache beside the facts (opened only
    // when something is fetched: opening one cleans out old indexes).
    let indexes = if mine.is_empty() && others.is_empty() {
        None
    } else {
        cache.as_ref().and_then(|c| c.indexes())
    };

    let claimed_any = !mine.is_empty();
    // Another scanner may have stored and released a package between this
    // scan's cache read and its claim: read the claimed ones once more.
    if let Some(c) = cache.as_deref()
        && c.claims()
        && !mine.is_empty()
    {
        let stored = read_entries(Some(c), &keys_of(&mine, &plans), &mut warnings);
        mine = settle_from_cache(stored, &mine, &mut plans, &wanted, ttl);
    }
    settle.fetch(&mine, &mut plans, indexes.clone());
    settle.store(cache.as_mut(), &mut warnings);
    if let Some(c) = cache.as_deref()
        && claimed_any
    {
        c.release();
    }
    if !others.is_empty() {
        let keys = keys_of(&others, &plans);
        let later = match cache.as_deref() {
            Some(c) => {
                c.wait_for_others(&keys, c.claim_ttl());
                let stored = read_entries(Some(c), &keys, &mut warnings);
                settle_from_cache(stored, &others, &mut plans, &wanted, ttl)
            }
            None => others,
        };
        settle.fetch(&later, &mut plans, indexes);
        settle.store(cache.as_mut(), &mut warnings);
    }
    let Settle {
        errors: settle_errors,
        mut archive_indexes,
        ..
    } = settle;
    errors.extend(settle_errors);

    // Count what each ecosystem got.
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
                packages.insert(key, r);
            }
            Plan::Failed => stats.failed += 1,
            Plan::Unresolved | Plan::Fetch { .. } => {}
        }
    }
    // Endpoints and the reason for whatever stayed unresolved.
    for (eco, stats) in per_eco.iter_mut() {
        let configured = endpoint_of(eco);
        if let Some(e) = configured {
            stats.registry = Some(e.url.to_string());
            stats.configured_by = Some(e.configured_by.clone());
            if eco.is_distribution() {
                stats.archives = archive_sources(options, eco);
                let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut archive_indexes)
                    .into_iter()
                    .partition(|(e, _)| e == eco);
                archive_indexes = rest;
                stats.indexes = mine.into_iter().map(|(_, i)| i).collect();
                // An index not used can hide an update: say so where failures are listed.
                errors.extend(stats.indexes.iter().filter_map(|i| {
                    i.error
                        .as_ref()
                        .map(|e| format!("{}: {} ({}): {e}", eco.as_str(), i.index, i.url))
                }));
            }
        } else if let Some(registry) = used_registry.get(eco) {
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
            warnings.push(format!(
                "{}: no endpoint, its package manager's configuration could not be used: {why}",
                eco.as_str()
            ));
        }
        // A distribution's configuration names many repositories: one that
        // could not be used is said in the report even when others were.
        if configured.is_some() && eco.is_distribution() {
            errors.extend(
                options
                    .endpoint_problems
                    .iter()
                    .filter(|(e, _)| e == eco)
                    .map(|(_, why)| format!("{}: not read: {why}", eco.as_str())),
            );
        }
        let resolved = stats.live + stats.cached + stats.from_snapshot;
        let missing = stats.packages - resolved - stats.failed;
        if missing == 0 {
            continue;
        }
        stats.note = Some(if configured.is_none() {
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
        });
    }
    for (eco, names) in no_client {
        per_eco.insert(
            eco.clone(),
            EcosystemResolution {
                ecosystem: eco.clone(),
                packages: names.len(),
                note: Some(format!(
                    "chainrisk has no registry client for {}",
                    eco.as_str()
                )),
                ..EcosystemResolution::default()
            },
        );
    }

    if errors.len() > MAX_ERRORS {
        let more = errors.len() - MAX_ERRORS;
        errors.truncate(MAX_ERRORS);
        errors.push(format!("… and {more} more"));
    }
    let resolution = Resolution {
        mode: if options.offline { "offline" } else { "online" }.to_string(),
        cache: cache.as_ref().map(|c| c.location()),
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
        warnings,
    }
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
    let Some(c) = cache.filter(|_| !keys.is_empty()) else {
        return BTreeMap::new();
    };
    match c.get_many(keys) {
        Ok(found) => keys
            .iter()
            .zip(found)
            .filter_map(|(k, e)| e.map(|e| ((k.ecosystem.clone(), k.name.clone()), e)))
            .collect(),
        Err(e) => {
            warnings.push(e);
            BTreeMap::new()
        }
    }
}

/// The failures remembered for `keys`, by package; a failed read is one warning.
fn read_failures(
    cache: Option<&dyn CacheBackend>,
    keys: &[cache::PackageKey],
    warnings: &mut Vec<String>,
) -> BTreeMap<(Ecosystem, String), cache::Failure> {
    let Some(c) = cache.filter(|_| !keys.is_empty()) else {
        return BTreeMap::new();
    };
    match c.failures(keys) {
        Ok(found) => keys
            .iter()
            .zip(found)
            .filter_map(|(k, f)| f.map(|f| ((k.ecosystem.clone(), k.name.clone()), f)))
            .collect(),
        Err(e) => {
            warnings.push(e);
            BTreeMap::new()
        }
    }
}

/// Turns registry answers into facts, round by round, and gathers what the
/// cache must learn.
struct Settle<'a> {
    wanted: &'a BTreeMap<(Ecosystem, String), Wanted>,
    options: &'a ResolveOptions,
    /// The time live facts are stamped with.
    fetched_at: String,
    errors: Vec<String>,
    to_store: Vec<Entry>,
    failures_to_store: Vec<cache::Failure>,
    archive_indexes: Vec<(Ecosystem, crate::model::ArchiveIndex)>,
}

impl Settle<'_> {
    /// Fetches the packages of the plans at `indices` and settles each.
    fn fetch(
        &mut self,
        indices: &[usize],
        plans: &mut [((Ecosystem, String), Plan)],
        indexes: Option<Arc<index_cache::IndexCache>>,
    ) {
        if indices.is_empty() {
            return;
        }
        let jobs: Vec<Job> = indices
            .iter()
            .map(|&i| {
                let ((eco, name), plan) = &plans[i];
                let validators = match plan {
                    Plan::Fetch { stale: Some(e), .. } => Some(Validators {
                        etag: e.etag.clone(),
                        last_modified: e.last_modified.clone(),
                    })
                    .filter(|v| !v.is_empty()),
                    _ => None,
                };
                let w = &self.wanted[&(eco.clone(), name.clone())];
                Job {
                    index: i,
                    ecosystem: eco.clone(),
                    name: name.clone(),
                    versions: w.versions.iter().cloned().collect(),
                    validators,
                    architectures: w.architectures.clone(),
                }
            })
            .collect();
        let mut fetched = match fetch_all(jobs, self.options, indexes) {
            Ok((results, archive_indexes)) => {
                self.archive_indexes.extend(archive_indexes);
                results
            }
            Err(e) => indices
                .iter()
                .map(|&i| (i, Fetched::Failed(e.clone())))
                .collect(),
        };
        for &i in indices {
            let (key, plan) = &mut plans[i];
            let answer = fetched
                .remove(&i)
                .unwrap_or_else(|| Fetched::Failed("the fetch did not finish".to_string()));
            let taken = std::mem::replace(plan, Plan::Unresolved);
            *plan = self.answer(key, taken, answer);
        }
    }

    /// The plan of a package once the registry answered (or a remembered failure stood for it).
    fn answer(&mut self, key: &(Ecosystem, String), plan: Plan, answer: Fetched) -> Plan {
        let Plan::Fetch { stale, .. } = plan else {
            return plan;
        };
        let (eco, name) = key;
        let endpoint = self
            .options
            .endpoints
            .iter()
            .find(|e| e.ecosystem == *eco)
            .map(|e| e.url.as_str().to_string())
            .unwrap_or_default();
        let checked: Vec<String> = self.wanted[key].versions.iter().cloned().collect();
        // Worth remembering: the registry did not answer (after retries).
        let answer = match answer {
            Fetched::Unavailable(why) => {
                self.failures_to_store.push(cache::Failure {
                    ecosystem: eco.clone(),
                    registry: endpoint.clone(),
                    name: name.clone(),
                    reason: why.clone(),
                    failed_at: self.fetched_at.clone(),
                });
                Fetched::Failed(why)
            }
            other => other,
        };
        let fetched_at = self.fetched_at.clone();
        let live = |facts: PackageFacts, validators: Validators| Resolved {
            entry: Entry {
                facts: PackageFacts {
                    ecosystem: eco.clone(),
                    registry: endpoint.clone(),
                    name: name.clone(),
                    ..facts
                },
                fetched_at: fetched_at.clone(),
                etag: validators.etag,
                last_modified: validators.last_modified,
                checked: checked.clone(),
            },
            source: FactSource::Live {
                fetched_at: fetched_at.clone(),
            },
        };
        let resolved = match answer {
            Fetched::Facts { facts, validators } => live(facts, validators),
            Fetched::NotFound => live(
                PackageFacts {
                    presence: Presence::NotFound,
                    ..PackageFacts::default()
                },
                Validators::default(),
            ),
            Fetched::NotModified => match stale {
                Some(old) => {
                    let validators = Validators {
                        etag: old.etag.clone(),
                        last_modified: old.last_modified.clone(),
                    };
                    let mut r = live(old.facts, validators);
                    let mut all: BTreeSet<String> = old.checked.into_iter().collect();
                    all.extend(checked.iter().cloned());
                    r.entry.checked = all.into_iter().collect();
                    r
                }
                None => {
                    self.errors.push(format!(
                        "{}/{name}: the registry answered 304 Not Modified to an unconditional request",
                        eco.as_str()
                    ));
                    return Plan::Failed;
                }
            },
            Fetched::Failed(why) | Fetched::Unavailable(why) => {
                self.errors.push(format!("{}/{name}: {why}", eco.as_str()));
                // Old facts beat none; they name their fetch time.
                let Some(old) = stale else {
                    return Plan::Failed;
                };
                let source = FactSource::Cache {
                    fetched_at: old.fetched_at.clone(),
                };
                return Plan::Done(Resolved { entry: old, source });
            }
        };
        self.to_store.push(resolved.entry.clone());
        Plan::Done(resolved)
    }

    /// Stores what was learnt since the last call (all or nothing).
    fn store(&mut self, cache: Option<&mut Cache>, warnings: &mut Vec<String>) {
        let entries = std::mem::take(&mut self.to_store);
        let failures = std::mem::take(&mut self.failures_to_store);
        if let Some(c) = cache
            && (!entries.is_empty() || !failures.is_empty())
        {
            let refs: Vec<&Entry> = entries.iter().collect();
            if let Err(e) = c.store(&refs, &failures) {
                warnings.push(e);
            }
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

/// One package to fetch, with the index of its plan.
struct Job {
    index: usize,
    ecosystem: Ecosystem,
    name: String,
    versions: Vec<String>,
    validators: Option<Validators>,
    architectures: BTreeSet<String>,
}

/// Runs the fetches on one multi-thread runtime; results by plan index.
/// The answers by plan index, and the archive indexes read, by ecosystem.
type Answers = (
    BTreeMap<usize, Fetched>,
    Vec<(Ecosystem, crate::model::ArchiveIndex)>,
);

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

fn fetch_all(
    jobs: Vec<Job>,
    options: &ResolveOptions,
    indexes: Option<Arc<index_cache::IndexCache>>,
) -> Result<Answers, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the network runtime: {e}"))?;
    let registries = Arc::new(Registries::new(
        options.endpoints.clone(),
        options.client.clone(),
    )?);
    let (deb_jobs, jobs): (Vec<Job>, Vec<Job>) = jobs
        .into_iter()
        .partition(|j| j.ecosystem == Ecosystem::Deb);
    let (apk_jobs, jobs): (Vec<Job>, Vec<Job>) = jobs
        .into_iter()
        .partition(|j| j.ecosystem == Ecosystem::Apk);
    let (rpm_jobs, jobs): (Vec<Job>, Vec<Job>) = jobs
        .into_iter()
        .partition(|j| j.ecosystem == Ecosystem::Rpm);
    let bar = progress::Progress::new(jobs.len() as u64, options.progress);
    let (results, indexes) = runtime.block_on(async {
        // The archives answer from their indexes, all packages of a release at once.
        let archive_task = (!deb_jobs.is_empty()).then(|| {
            let http = registries.http();
            let sources = Arc::new(options.archives.clone());
            let keyrings = Arc::new(
                options
                    .archives
                    .iter()
                    .map(|a| {
                        archive::signature::Keyring::for_source(
                            a.signed_by.as_deref(),
                            &options.apt_etc,
                            &options.archive_keyrings,
                        )
                    })
                    .collect(),
            );
            let jobs = deb_jobs
                .into_iter()
                .map(|j| archive::DebJob {
                    index: j.index,
                    name: j.name,
                    architectures: j.architectures,
                })
                .collect();
            let fetched_at = report_time(jiff::Timestamp::now());
            tokio::spawn(archive::fetch(
                archive::Archives {
                    http,
                    sources,
                    keyrings,
                    development: Arc::new(options.development_series.clone()),
                    indexes: indexes.clone(),
                },
                jobs,
                fetched_at,
                options.now,
            ))
        });
        // The Alpine mirrors too, all packages of a branch at once.
        let apk_task = (!apk_jobs.is_empty()).then(|| {
            let keys = archive::apk_index::ApkKeys::load(
                Some(&options.apk_etc.join("keys")),
                &options.archive_keyrings,
            );
            let jobs = apk_jobs
                .into_iter()
                .map(|j| archive::apk::ApkJob {
                    index: j.index,
                    name: j.name,
                    architectures: j.architectures,
                })
                .collect();
            tokio::spawn(archive::apk::fetch(
                registries.http(),
                Arc::new(options.apk_repositories.clone()),
                Arc::new(keys),
                indexes.clone(),
                jobs,
                report_time(jiff::Timestamp::now()),
            ))
        });
        // And the RPM repositories, all packages of a release at once.
        let rpm_task = (!rpm_jobs.is_empty()).then(|| {
            let jobs = rpm_jobs
                .into_iter()
                .map(|j| archive::rpm::RpmJob {
                    index: j.index,
                    name: j.name,
                    architectures: j.architectures,
                })
                .collect();
            tokio::spawn(archive::rpm::fetch(
                registries.http(),
                Arc::new(options.rpm_repositories.clone()),
                Arc::new(options.archive_keyrings.clone()),
                indexes.clone(),
                jobs,
                report_time(jiff::Timestamp::now()),
                options.now,
            ))
        });
        let mut set = tokio::task::JoinSet::new();
        for job in jobs {
            let registries = Arc::clone(&registries);
            set.spawn(async move {
                let answer = registries
                    .fetch(
                        &job.ecosystem,
                        &job.name,
                        &job.versions,
                        job.validators.as_ref(),
                    )
                    .await;
                (job.index, job.name, answer)
            });
        }
        let mut results = BTreeMap::new();
        while let Some(joined) = set.join_next().await {
            // A panicking fetch is lost; its package is reported as not finished.
            if let Ok((i, name, answer)) = joined {
                bar.done(&name);
                results.insert(i, answer);
            }
        }
        let mut indexes = Vec::new();
        for (eco, task) in [
            (Ecosystem::Deb, archive_task),
            (Ecosystem::Apk, apk_task),
            (Ecosystem::Rpm, rpm_task),
        ] {
            if let Some(task) = task
                && let Ok((answers, reads)) = task.await
            {
                results.extend(answers);
                indexes.extend(reads.into_iter().map(|r| (eco.clone(), r)));
            }
        }
        (results, indexes)
    });
    bar.finish();
    Ok((results, indexes))
}

fn report_time(t: jiff::Timestamp) -> String {
    crate::model::format_time(jiff::Timestamp::from_second(t.as_second()).unwrap_or(t))
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
    use crate::model::ReleaseFacts;

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
