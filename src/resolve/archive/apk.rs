//! Alpine packages, read from their branch's `APKINDEX.tar.gz` on the
//! configured mirrors: for each branch in use (`v3.20`), every configured
//! repository (`main`, `community`) of every architecture in use, and the
//! same repositories of `edge`, the development branch (a package whose
//! origin edge no longer builds is being dropped, UNM-09). Each index is
//! fetched once per scan, used only when its signature verifies with apk's
//! keys, and read as a stream keeping only the packages in use.

use super::PackageJob;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use tokio::sync::Semaphore;
use url::Url;

use super::apk_index::{self, ApkKeys, ApkRecord};
use super::apk_repositories::{ApkRepository, branch_of};
use crate::model::{
    ArchiveBuild, ArchiveFacts, ArchiveIndex, Channel, DistroRelease, SourcePackage,
};
use crate::resolve::client::Fetched;
use crate::resolve::http::{Got, Http, Target};
use crate::resolve::index_cache::{self, IndexCache};

const DEVELOPMENT: &str = "edge";

/// The cache and report name of an Alpine package: `alpine/v3.20/musl`.
pub fn package_name(release: &DistroRelease, name: &str) -> Option<String> {
    let branch = branch_of(release.version.as_deref()?)?;
    Some(format!("alpine/{branch}/{name}"))
}

/// apk's name for this machine's architecture, for components that name none.
fn host_architecture() -> &'static str {
    match std::env::consts::ARCH {
        "x86" => "x86",
        "arm" => "armv7",
        "powerpc64" => "ppc64le",
        other => other,
    }
}

/// What one branch's indexes said about the wanted packages.
#[derive(Default)]
struct Found {
    /// (repository, record, the index that listed it).
    builds: Vec<(String, ApkRecord, String)>,
    /// edge's (repository, record, index) for the same names.
    development_builds: Vec<(String, ApkRecord, String)>,
    /// Origins edge builds, when every edge index was read.
    development_origins: Option<BTreeSet<String>>,
    development_indexes: Vec<String>,
    failed: Vec<String>,
}

/// Looks up every job on the configured mirrors.
pub async fn fetch(
    http: Arc<Http>,
    repositories: Arc<Vec<ApkRepository>>,
    keys: Arc<ApkKeys>,
    store: Option<Arc<IndexCache>>,
    jobs: Vec<PackageJob>,
    fetched_at: String,
) -> (BTreeMap<usize, Fetched>, Vec<ArchiveIndex>) {
    let (mut out, releases) = super::by_release(jobs, Some("alpine"), "an Alpine package name");
    let mut reads = Vec::new();
    let limit = Arc::new(Semaphore::new(http.options().concurrency));
    for ((_, branch), jobs) in releases {
        if repositories.is_empty() {
            for (job, _) in &jobs {
                out.insert(
                    job.index,
                    Fetched::Failed("no Alpine mirror is configured".to_string()),
                );
            }
            continue;
        }
        let mut architectures: BTreeSet<String> = jobs
            .iter()
            .flat_map(|(j, _)| j.architectures.iter().cloned())
            .filter(|a| a != "noarch")
            .collect();
        if architectures.is_empty() {
            architectures.insert(host_architecture().to_string());
        }
        let names: BTreeSet<String> = jobs.iter().map(|(_, n)| n.clone()).collect();
        let found = read_branch(
            &http,
            &limit,
            &repositories,
            &keys,
            &store,
            &branch,
            &architectures,
            &names,
            &fetched_at,
            &mut reads,
        )
        .await;
        let version = branch.trim_start_matches('v').to_string();
        let release = DistroRelease {
            distro: "alpine".to_string(),
            version: Some(version),
            codename: None,
        };
        for (job, name) in jobs {
            out.insert(job.index, facts_for(&release, &branch, &name, &found));
        }
    }
    (out, reads)
}

/// One index to fetch: its URL, evidence name and repository.
struct IndexJob {
    url: String,
    evidence: String,
    repository: String,
    development: bool,
}

/// Reads every index of `branch` and of edge.
#[allow(clippy::too_many_arguments)]
async fn read_branch(
    http: &Arc<Http>,
    limit: &Arc<Semaphore>,
    repositories: &[ApkRepository],
    keys: &Arc<ApkKeys>,
    store: &Option<Arc<IndexCache>>,
    branch: &str,
    architectures: &BTreeSet<String>,
    names: &BTreeSet<String>,
    fetched_at: &str,
    reads: &mut Vec<ArchiveIndex>,
) -> Found {
    let mut branches = vec![(branch.to_string(), false)];
    if branch != DEVELOPMENT {
        branches.push((DEVELOPMENT.to_string(), true));
    }
    let mut tasks = tokio::task::JoinSet::new();
    for (b, development) in &branches {
        for repo in repositories {
            for arch in architectures {
                let job = IndexJob {
                    url: repo.index_url(b, arch),
                    evidence: format!(
                        "archive:{b}/{}/{arch}/APKINDEX.tar.gz@{fetched_at}",
                        repo.repository
                    ),
                    repository: format!("{b}/{}", repo.repository),
                    development: *development,
                };
                let http = Arc::clone(http);
                let limit = Arc::clone(limit);
                let keys = Arc::clone(keys);
                let wanted = names.clone();
                let store = store.clone();
                tasks.spawn(async move {
                    let got = get_index(&http, &limit, &job.url, store.as_deref()).await;
                    let read = match got {
                        Ok((bytes, validators)) => {
                            let url = job.url.clone();
                            let development = job.development;
                            tokio::task::spawn_blocking(move || {
                                let read = read_verified(&bytes, &keys, &wanted, development);
                                // Kept once its signature verified.
                                if read.is_ok()
                                    && let (Some(store), Some(v)) = (store, validators)
                                {
                                    store.put(&url, &v, &bytes);
                                }
                                read
                            })
                            .await
                            .unwrap_or_else(|e| Err(format!("the index reader stopped: {e}")))
                        }
                        Err(e) => Err(e),
                    };
                    (job, read)
                });
            }
        }
    }
    let mut found = Found::default();
    let mut development_ok = true;
    let mut origins = BTreeSet::new();
    while let Some(joined) = tasks.join_next().await {
        let Ok((job, read)) = joined else {
            development_ok = false;
            continue;
        };
        match read {
            Ok(read) => {
                reads.push(ArchiveIndex {
                    index: job.evidence.clone(),
                    url: job.url.clone(),
                    error: None,
                    signed_by: Some(read.signed_by),
                });
                let listed: Vec<_> = read
                    .records
                    .into_iter()
                    .map(|r| (job.repository.clone(), r, job.evidence.clone()))
                    .collect();
                if job.development {
                    origins.extend(read.origins);
                    found.development_indexes.push(job.evidence);
                    found.development_builds.extend(listed);
                } else {
                    found.builds.extend(listed);
                }
            }
            Err(e) => {
                reads.push(ArchiveIndex {
                    index: job.evidence.clone(),
                    url: job.url.clone(),
                    error: Some(e.clone()),
                    signed_by: None,
                });
                if job.development {
                    development_ok = false;
                } else {
                    found.failed.push(format!("{}: {e}", job.url));
                }
            }
        }
    }
    if development_ok && !found.development_indexes.is_empty() {
        found.development_indexes.sort();
        found.development_origins = Some(origins);
    }
    found
}

struct VerifiedIndex {
    records: Vec<ApkRecord>,
    /// Every origin the index builds (development branches only).
    origins: BTreeSet<String>,
    signed_by: String,
}

/// Splits, verifies and reads one downloaded index.
fn read_verified(
    bytes: &[u8],
    keys: &ApkKeys,
    wanted: &BTreeSet<String>,
    development: bool,
) -> Result<VerifiedIndex, String> {
    let (signature, index) = apk_index::split(bytes)?;
    let Some(signature) = signature else {
        return Err(
            "not signed: chainrisk reads only indexes signed with a key apk trusts".to_string(),
        );
    };
    if keys.is_empty() {
        return Err(format!(
            "signed by {}, but no apk key is known: point CHAINRISK_APK_ETC at apk's configuration (its keys/) or pass --archive-keyring KEY.rsa.pub",
            signature.key_name
        ));
    }
    let signed_by = keys
        .verify(&signature, index)
        .map_err(|e| format!("{e}; the index is not used"))?;
    let mut origins = BTreeSet::new();
    let mut records = Vec::new();
    apk_index::read_index_with(index, &mut |r: ApkRecord| {
        if development {
            origins.insert(r.origin.clone().unwrap_or_else(|| r.name.clone()));
        }
        if wanted.contains(&r.name) {
            records.push(r);
        }
    })?;
    Ok(VerifiedIndex {
        records,
        origins,
        signed_by,
    })
}

/// GETs one index, conditionally when an earlier scan kept it; the
/// validators of a fresh download (to keep it once verified).
async fn get_index(
    http: &Http,
    limit: &Semaphore,
    raw: &str,
    store: Option<&IndexCache>,
) -> Result<(Vec<u8>, Option<crate::resolve::client::Validators>), String> {
    let url = Url::parse(raw).map_err(|e| format!("{raw}: {e}"))?;
    let target = Target {
        http,
        limit,
        base: &url,
    };
    match index_cache::get(&target, &url, store, false).await {
        (Got::Body { bytes, validators }, index_cache::Source::Downloaded) => {
            Ok((bytes, Some(validators)))
        }
        (Got::Body { bytes, .. }, _) => Ok((bytes, None)),
        (Got::NotFound, _) => {
            Err("not found (the mirror has no such branch, repository or architecture)".to_string())
        }
        (Got::NotModified, _) => Err("304 to an unconditional request".to_string()),
        (Got::Failed(why) | Got::Unavailable(why), _) => Err(why),
    }
}

fn rfc3339(seconds: i64) -> Option<String> {
    jiff::Timestamp::from_second(seconds)
        .ok()
        .map(crate::model::format_time)
}

fn build(repository: &str, channel: Channel, r: &ApkRecord) -> ArchiveBuild {
    ArchiveBuild {
        suite: repository.to_string(),
        channel: Some(channel),
        version: r.version.clone(),
        architecture: r.architecture.clone(),
        sha256: None,
        built: r.built.and_then(rfc3339),
    }
}

/// The facts of one package from what its branch's indexes said.
fn facts_for(release: &DistroRelease, branch: &str, name: &str, found: &Found) -> Fetched {
    let mine: Vec<&(String, ApkRecord, String)> = found
        .builds
        .iter()
        .filter(|(_, r, _)| r.name == name)
        .collect();
    if mine.is_empty() {
        return super::not_listed(&found.failed, &format!("{branch} indexes"));
    }
    let newest = mine
        .iter()
        .max_by(|a, b| {
            let eco = crate::model::Ecosystem::Apk;
            match (
                crate::model::Version::parse(&eco, &a.1.version),
                crate::model::Version::parse(&eco, &b.1.version),
            ) {
                (Some(x), Some(y)) => x.compare(&y).unwrap_or(std::cmp::Ordering::Equal),
                _ => std::cmp::Ordering::Equal,
            }
        })
        .map(|b| &b.1);
    let origin = newest.map(|r| r.origin.clone().unwrap_or_else(|| r.name.clone()));
    let development: Vec<&(String, ApkRecord, String)> = found
        .development_builds
        .iter()
        .filter(|(_, r, _)| r.name == name)
        .collect();
    let mut indexes: Vec<String> = mine.iter().map(|b| b.2.clone()).collect();
    indexes.extend(development.iter().map(|b| b.2.clone()));
    let in_development = match (&found.development_origins, &origin) {
        (Some(origins), Some(o)) => {
            if !origins.contains(o) {
                indexes.extend(found.development_indexes.iter().cloned());
            }
            Some(origins.contains(o))
        }
        _ => None,
    };
    let mut seen = BTreeSet::new();
    indexes.retain(|i| seen.insert(i.clone()));
    let mut builds: Vec<ArchiveBuild> = mine
        .iter()
        .map(|(repo, r, _)| build(repo, Channel::Release, r))
        .collect();
    builds.extend(
        development
            .iter()
            .map(|(repo, r, _)| build(repo, Channel::Development, r)),
    );
    let archive = ArchiveFacts {
        release: release.clone(),
        builds,
        source: origin.map(|name| SourcePackage {
            name,
            version: newest.map(|r| r.version.clone()),
        }),
        maintainer: newest.and_then(|r| r.maintainer.clone()),
        uploaders: Vec::new(),
        homepage: newest.and_then(|r| r.url.clone()),
        vcs: Vec::new(),
        in_development,
        indexes,
        unread: found.failed.clone(),
        verified: Some(true),
    };
    super::listed(
        archive,
        newest.map(|r| r.version.clone()),
        newest.and_then(|r| r.license.clone()),
        "index",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn package_names_carry_the_branch() {
        let r = DistroRelease {
            distro: "alpine".into(),
            version: Some("3.20.3".into()),
            codename: None,
        };
        assert_eq!(
            package_name(&r, "musl").as_deref(),
            Some("alpine/v3.20/musl")
        );
        let unknown = DistroRelease { version: None, ..r };
        assert_eq!(package_name(&unknown, "musl"), None);
    }
}
