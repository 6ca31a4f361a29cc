//! From the resolve flags to [`ResolveOptions`], shared by `scan` and `snapshot export`.

use std::io::IsTerminal;
use std::path::Path;
use std::time::Duration;

use super::ResolveArgs;
use crate::resolve::client::ClientOptions;
use crate::resolve::{self, ResolveOptions, cache, snapshot};

/// The options of one resolution, or the usage error to report (exit 2): a
/// malformed `--registry`, an endpoint setting of chainrisk's that does not
/// parse, a `--ca-file` without PEM certificates, an unreadable or malformed
/// snapshot.
pub fn options(
    args: &ResolveArgs,
    snapshot_file: Option<&Path>,
    now: jiff::Timestamp,
    policy: &crate::policy::Policy,
) -> Result<ResolveOptions, String> {
    let discovered = resolve::discover_endpoints(&args.registries, &policy.registries)?;
    if let Some(path) = &args.ca_file {
        resolve::http::load_ca_file(path)?;
    }
    let snapshot = snapshot_file.map(snapshot::load).transpose()?;
    let defaults = ClientOptions::default();
    Ok(ResolveOptions {
        offline: args.offline,
        endpoints: discovered.endpoints.clone(),
        endpoint_problems: discovered.problems.clone(),
        client: ClientOptions {
            concurrency: args.concurrency as usize,
            timeout: Duration::from_secs(args.timeout),
            ca_file: args.ca_file.clone(),
            ..defaults
        },
        cache: cache_location(args.no_cache, args.cache.as_ref(), policy)?,
        cache_ttl: Duration::from_secs_f64(args.cache_ttl * 3600.0),
        snapshot,
        max_snapshot_age_days: i64::from(policy.thresholds.max_snapshot_age_days),
        now,
        progress: std::io::stderr().is_terminal(),
        archives: discovered.archives,
        apt_etc: discovered.apt_etc.clone(),
        archive_keyrings: args.archive_keyrings.clone(),
        apk_repositories: discovered.apk_repositories,
        apk_etc: discovered.apk_etc.clone(),
        rpm_repositories: discovered.rpm_repositories,
        // Filled once the lifecycle data is read.
        development_series: Default::default(),
    })
}

/// `--cache`, else `CHAINRISK_CACHE` (both through clap), else the policy's
/// `[cache] location`, else the user's cache directory; `None` with `--no-cache`.
pub fn cache_location(
    no_cache: bool,
    given: Option<&cache::CacheLocation>,
    policy: &crate::policy::Policy,
) -> Result<Option<cache::CacheLocation>, String> {
    if no_cache {
        return Ok(None);
    }
    if let Some(location) = given {
        return Ok(Some(location.clone()));
    }
    if let Some(location) = &policy.cache {
        return cache::CacheLocation::parse(location)
            .map(Some)
            .map_err(|e| format!("chainrisk.toml: cache.location: {e}"));
    }
    Ok(cache::default_path().map(cache::CacheLocation::Sqlite))
}
