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
mod packages;
pub mod progress;
pub mod pypi;
mod settle;
pub mod snapshot;

pub use packages::resolve_packages;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use cache::Entry;
use client::ClientOptions;
use endpoints::Endpoint;

use crate::model::{Ecosystem, FactSource, Inventory, Resolution};

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
) -> Result<endpoints::Discovered, crate::model::InputError> {
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
                    .push((eco, e.with_file(answer.asked).to_string())),
            },
            Ok(None) => {}
            Err(why) => options.endpoint_problems.push((eco, why.to_string())),
        }
    }
}

/// One package's facts and where they came from.
#[derive(Clone, Debug)]
pub struct Resolved {
    pub entry: Entry,
    pub source: FactSource,
}

impl Resolved {
    /// Facts read from the cache, named by their fetch time.
    fn cached(entry: Entry) -> Resolved {
        let source = FactSource::Cache {
            fetched_at: entry.fetched_at.clone(),
        };
        Resolved { entry, source }
    }
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
