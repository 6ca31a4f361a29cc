//! RPM packages, read from their release's repository metadata on the
//! configured repositories: for each release in use (`fedora 40`), every
//! repository's `repodata/repomd.xml` (with `$releasever` and `$basearch`
//! filled in, for each architecture in use), then its `primary` and
//! `updateinfo` files, each checked against the size and checksum
//! repomd.xml gives, decompressed as a stream and kept only for the
//! packages in use. A `repomd.xml.asc` beside it must verify with the
//! repository's `gpgkey` (or `--archive-keyring`); a repository without
//! one is read, and the report says it was not signed.

use super::PackageJob;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

use sha2::Digest;
use tokio::sync::Semaphore;
use url::Url;

use super::rpm_metadata::{self, RepoData, RpmRecord, Update};
use super::rpm_repos::RpmRepository;
use super::signature::{self, Keyring};
use crate::model::{
    ArchiveBuild, ArchiveFacts, ArchiveIndex, Channel, DistroRelease, SourcePackage,
};
use crate::resolve::client::{Fetched, Validators};
use crate::resolve::http::{Got, Http, Target};
use crate::resolve::index_cache::{self, IndexCache};

/// The cache and report name of an RPM package: `fedora/40/bash`.
pub fn package_name(release: &DistroRelease, name: &str) -> Option<String> {
    let version = release.version.as_deref()?.trim();
    if version.is_empty() {
        return None;
    }
    Some(format!(
        "{}/{version}/{name}",
        release.distro.to_ascii_lowercase()
    ))
}

/// What one release's repositories said about the wanted packages.
#[derive(Default)]
struct Found {
    /// (repository id, channel, record, evidence).
    builds: Vec<(String, Channel, RpmRecord, String)>,
    updates: Vec<(Update, String)>,
    failed: Vec<String>,
    /// Whether every repository read had a verified signature.
    all_verified: bool,
}

/// Looks up every job in the configured repositories.
pub async fn fetch(
    http: Arc<Http>,
    repositories: Arc<Vec<RpmRepository>>,
    keyrings: Arc<Vec<PathBuf>>,
    store: Option<Arc<IndexCache>>,
    jobs: Vec<PackageJob>,
    fetched_at: String,
    now: jiff::Timestamp,
) -> (BTreeMap<usize, Fetched>, Vec<ArchiveIndex>) {
    let (mut out, releases) = super::by_release(jobs, None, "an RPM package name");
    let mut reads = Vec::new();
    let limit = Arc::new(Semaphore::new(http.options().concurrency));
    for ((distro, version), jobs) in releases {
        if repositories.is_empty() {
            for (job, _) in &jobs {
                out.insert(
                    job.index,
                    Fetched::Failed("no RPM repository is configured".to_string()),
                );
            }
            continue;
        }
        let mut architectures: BTreeSet<String> = jobs
            .iter()
            .flat_map(|(j, _)| j.architectures.iter().cloned())
            .filter(|a| a != "noarch" && a != "src")
            .collect();
        if architectures.is_empty() {
            architectures.insert(std::env::consts::ARCH.to_string());
        }
        let names: BTreeSet<String> = jobs.iter().map(|(_, n)| n.clone()).collect();
        let found = read_release(
            &http,
            &limit,
            &repositories,
            &keyrings,
            &store,
            &version,
            &architectures,
            &names,
            (&fetched_at, now),
            &mut reads,
        )
        .await;
        let release = DistroRelease {
            distro,
            version: Some(version),
            codename: None,
        };
        for (job, name) in jobs {
            out.insert(job.index, facts_for(&release, &name, &found));
        }
    }
    (out, reads)
}

/// One repository for one architecture.
struct RepoJob {
    /// The scan time: a signing key must be valid then.
    now: jiff::Timestamp,
    repository: RpmRepository,
    base: String,
    evidence_prefix: String,
}

/// What one repository gave.
struct RepoRead {
    records: Vec<RpmRecord>,
    updates: Vec<Update>,
    /// The key that signed repomd.xml, or `None` when it is not signed.
    signed_by: Option<String>,
    /// (evidence, URL) of every file read.
    files: Vec<(String, String)>,
}

#[allow(clippy::too_many_arguments)]
async fn read_release(
    http: &Arc<Http>,
    limit: &Arc<Semaphore>,
    repositories: &[RpmRepository],
    keyrings: &Arc<Vec<PathBuf>>,
    store: &Option<Arc<IndexCache>>,
    version: &str,
    architectures: &BTreeSet<String>,
    names: &BTreeSet<String>,
    (fetched_at, now): (&str, jiff::Timestamp),
    reads: &mut Vec<ArchiveIndex>,
) -> Found {
    let mut tasks = tokio::task::JoinSet::new();
    for repo in repositories {
        for arch in architectures {
            let job = RepoJob {
                now,
                repository: repo.clone(),
                base: repo.base(version, arch),
                evidence_prefix: format!("archive:{}/{arch}", repo.id),
            };
            let http = Arc::clone(http);
            let limit = Arc::clone(limit);
            let keyrings = Arc::clone(keyrings);
            let wanted = names.clone();
            let store = store.clone();
            let (version, arch, fetched_at) =
                (version.to_string(), arch.clone(), fetched_at.to_string());
            tasks.spawn(async move {
                let read = read_repository(
                    &http,
                    &limit,
                    &job,
                    &keyrings,
                    store.as_deref(),
                    &wanted,
                    (&version, &arch),
                    &fetched_at,
                )
                .await;
                (job, read)
            });
        }
    }
    let mut found = Found {
        all_verified: true,
        ..Found::default()
    };
    while let Some(joined) = tasks.join_next().await {
        let Ok((job, read)) = joined else { continue };
        let channel = if job.repository.is_updates() {
            Channel::Updates
        } else {
            Channel::Release
        };
        match read {
            Ok(read) => {
                found.all_verified &= read.signed_by.is_some();
                for (index, url) in &read.files {
                    reads.push(ArchiveIndex {
                        index: index.clone(),
                        url: url.clone(),
                        error: None,
                        signed_by: read.signed_by.clone(),
                    });
                }
                let evidence = read
                    .files
                    .iter()
                    .find(|(i, _)| i.contains("primary"))
                    .map(|(i, _)| i.clone())
                    .unwrap_or_default();
                found.builds.extend(
                    read.records
                        .into_iter()
                        .map(|r| (job.repository.id.clone(), channel, r, evidence.clone())),
                );
                let updates_evidence = read
                    .files
                    .iter()
                    .find(|(i, _)| i.contains("updateinfo"))
                    .map(|(i, _)| i.clone())
                    .unwrap_or_default();
                found.updates.extend(
                    read.updates
                        .into_iter()
                        .map(|u| (u, updates_evidence.clone())),
                );
            }
            Err((url, e)) => {
                reads.push(ArchiveIndex {
                    index: format!("{}/repodata@{fetched_at}", job.evidence_prefix),
                    url: url.clone(),
                    error: Some(e.clone()),
                    signed_by: None,
                });
                found.failed.push(format!("{url}: {e}"));
            }
        }
    }
    found
}

#[allow(clippy::too_many_arguments)]
async fn read_repository(
    http: &Http,
    limit: &Semaphore,
    job: &RepoJob,
    keyrings: &[PathBuf],
    store: Option<&IndexCache>,
    wanted: &BTreeSet<String>,
    (version, arch): (&str, &str),
    fetched_at: &str,
) -> Result<RepoRead, (String, String)> {
    let repomd_url = format!("{}repodata/repomd.xml", job.base);
    let fail = |url: &str, e: String| (url.to_string(), e);
    let (repomd_bytes, repomd_validators) = get(http, limit, &repomd_url, store, false)
        .await
        .map_err(|e| fail(&repomd_url, e))?
        .ok_or_else(|| {
            fail(
                &repomd_url,
                "not found: not an RPM repository for this release and architecture".to_string(),
            )
        })?;
    // A detached signature, when the repository publishes one, must verify.
    let asc_url = format!("{repomd_url}.asc");
    let signed_by = match get(http, limit, &asc_url, store, false)
        .await
        .map_err(|e| fail(&asc_url, e))?
    {
        None => None,
        Some((asc, asc_validators)) => {
            let mut ring = Keyring::default();
            for key in &job.repository.gpgkeys {
                let path = key
                    .to_string_lossy()
                    .replace("$releasever", version)
                    .replace("$basearch", arch);
                ring.add_file(std::path::Path::new(&path));
            }
            for key in keyrings {
                ring.add_file(key);
            }
            let text = String::from_utf8_lossy(&asc);
            let by =
                signature::verify_detached(&repomd_bytes, &text, &ring, job.now).map_err(|e| {
                    fail(
                        &repomd_url,
                        format!("signature not verified, the repository is not used: {e}"),
                    )
                })?;
            keep(store, &asc_url, asc_validators, &asc);
            Some(by)
        }
    };
    let data = rpm_metadata::repomd(&repomd_bytes).map_err(|e| fail(&repomd_url, e.to_string()))?;
    keep(store, &repomd_url, repomd_validators, &repomd_bytes);
    let mut files = vec![(
        format!("{}/repodata/repomd.xml@{fetched_at}", job.evidence_prefix),
        repomd_url.clone(),
    )];
    let mut records = Vec::new();
    let mut updates = Vec::new();
    for d in data
        .iter()
        .filter(|d| d.kind == "primary" || d.kind == "updateinfo")
    {
        let url = format!("{}{}", job.base, d.href.trim_start_matches('/'));
        // createrepo names these files by their checksum: a stored copy needs no request.
        let Some((bytes, validators)) = get(http, limit, &url, store, true)
            .await
            .map_err(|e| fail(&url, e))?
        else {
            if d.kind == "primary" {
                return Err(fail(
                    &url,
                    "not found, although repomd.xml lists it".to_string(),
                ));
            }
            continue;
        };
        check(d, &bytes).map_err(|e| fail(&url, e))?;
        keep(store, &url, validators, &bytes);
        let (href, kind) = (d.href.clone(), d.kind.clone());
        let wanted = wanted.clone();
        let parsed = tokio::task::spawn_blocking(move || {
            let reader = rpm_metadata::decompress(&href, &bytes)?;
            if kind == "primary" {
                rpm_metadata::primary(reader, &|n| wanted.contains(n)).map(|r| (r, Vec::new()))
            } else {
                rpm_metadata::updateinfo(reader, &|n| wanted.contains(n)).map(|u| (Vec::new(), u))
            }
        })
        .await
        .map_err(|e| fail(&url, format!("the metadata reader stopped: {e}")))?
        .map_err(|e| fail(&url, e.to_string()))?;
        records.extend(parsed.0);
        updates.extend(parsed.1);
        let file = d.href.rsplit('/').next().unwrap_or(&d.href);
        files.push((
            format!("{}/repodata/{file}@{fetched_at}", job.evidence_prefix),
            url,
        ));
    }
    Ok(RepoRead {
        records,
        updates,
        signed_by,
        files,
    })
}

/// Keeps a checked download in the index cache (`validators` is `None` for
/// what came from the cache already).
fn keep(store: Option<&IndexCache>, url: &str, validators: Option<Validators>, bytes: &[u8]) {
    if let (Some(store), Some(v)) = (store, validators) {
        store.put(url, &v, bytes);
    }
}

/// Checks a metadata file against the size and checksum repomd.xml gives.
fn check(d: &RepoData, bytes: &[u8]) -> Result<(), String> {
    if let Some(size) = d.size
        && bytes.len() as u64 != size
    {
        return Err(format!(
            "{} bytes where repomd.xml says {size}: not used",
            bytes.len()
        ));
    }
    let Some((alg, want)) = &d.checksum else {
        return Err("repomd.xml gives no checksum for it: not used".to_string());
    };
    let have = match alg.as_str() {
        "sha256" => crate::model::encode::hex(&sha2::Sha256::digest(bytes)),
        "sha512" => crate::model::encode::hex(&sha2::Sha512::digest(bytes)),
        "sha1" | "sha" => crate::model::encode::hex(&sha1::Sha1::digest(bytes)),
        other => {
            return Err(format!(
                "a {other} checksum, which chainrisk does not check: not used"
            ));
        }
    };
    if have != *want {
        return Err(format!(
            "{alg} {have} where repomd.xml says {want}: not used"
        ));
    }
    Ok(())
}

/// GETs `raw` through the index cache: its body (with its validators when
/// freshly downloaded, to keep it once checked), or `None` when it is not there.
async fn get(
    http: &Http,
    limit: &Semaphore,
    raw: &str,
    store: Option<&IndexCache>,
    immutable: bool,
) -> Result<Option<(Vec<u8>, Option<Validators>)>, String> {
    let url = Url::parse(raw).map_err(|e| format!("{raw}: {e}"))?;
    let target = Target {
        http,
        limit,
        base: &url,
    };
    match index_cache::get(&target, &url, store, immutable).await {
        (Got::Body { bytes, validators }, index_cache::Source::Downloaded) => {
            Ok(Some((bytes, Some(validators))))
        }
        (Got::Body { bytes, .. }, _) => Ok(Some((bytes, None))),
        (Got::NotFound, _) => Ok(None),
        (Got::NotModified, _) => Err("304 to an unconditional request".to_string()),
        (Got::Failed(why) | Got::Unavailable(why), _) => Err(why),
    }
}

/// The facts of one package from what its release's repositories said.
fn facts_for(release: &DistroRelease, name: &str, found: &Found) -> Fetched {
    let mine: Vec<&(String, Channel, RpmRecord, String)> =
        found.builds.iter().filter(|b| b.2.name == name).collect();
    if mine.is_empty() {
        return super::not_listed(&found.failed, "repositories");
    }
    let eco = crate::model::Ecosystem::Rpm;
    let newest = mine
        .iter()
        .max_by(|a, b| {
            match (
                crate::model::Version::parse(&eco, &a.2.evr()),
                crate::model::Version::parse(&eco, &b.2.evr()),
            ) {
                (Some(x), Some(y)) => x.compare(&y).unwrap_or(std::cmp::Ordering::Equal),
                _ => std::cmp::Ordering::Equal,
            }
        })
        .map(|b| &b.2);
    // A build an update of type `security` ships came through the security channel.
    let security = |r: &RpmRecord| {
        found.updates.iter().find(|(u, _)| {
            u.kind == "security"
                && u.packages
                    .iter()
                    .any(|(n, evr, _)| *n == r.name && *evr == r.evr())
        })
    };
    let mut indexes: Vec<String> = mine.iter().map(|b| b.3.clone()).collect();
    let builds: Vec<ArchiveBuild> = mine
        .iter()
        .map(|(repo, channel, r, _)| {
            let advisory = security(r);
            if let Some((_, evidence)) = advisory {
                indexes.push(evidence.clone());
            }
            ArchiveBuild {
                suite: repo.clone(),
                channel: Some(if advisory.is_some() {
                    Channel::Security
                } else {
                    *channel
                }),
                version: r.evr(),
                architecture: r.arch.clone(),
                sha256: r
                    .checksum
                    .as_ref()
                    .filter(|(alg, _)| alg == "sha256")
                    .map(|(_, v)| v.clone()),
                built: r
                    .built
                    .and_then(|t| jiff::Timestamp::from_second(t).ok())
                    .map(crate::model::format_time),
            }
        })
        .collect();
    let mut seen = BTreeSet::new();
    indexes.retain(|i| !i.is_empty() && seen.insert(i.clone()));
    let archive = ArchiveFacts {
        release: release.clone(),
        builds,
        source: newest
            .and_then(|r| r.sourcerpm.as_deref())
            .and_then(SourcePackage::from_source_rpm),
        // The packager field names the distributor (`Fedora Project`), not a maintainer.
        maintainer: None,
        uploaders: Vec::new(),
        homepage: newest.and_then(|r| r.url.clone()),
        vcs: Vec::new(),
        in_development: None,
        indexes,
        unread: found.failed.clone(),
        verified: Some(found.all_verified),
    };
    super::listed(
        archive,
        newest.map(RpmRecord::evr),
        newest.and_then(|r| r.license.clone()),
        "repository",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names_carry_the_release() {
        let r = DistroRelease {
            distro: "Fedora".into(),
            version: Some("40".into()),
            codename: None,
        };
        assert_eq!(package_name(&r, "bash").as_deref(), Some("fedora/40/bash"));
    }
}
