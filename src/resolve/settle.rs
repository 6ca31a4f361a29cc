//! Fetching: the registry and archive requests of one round, run in
//! parallel, and each answer turned into the facts of a package's plan.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::cache::{self, Cache, Entry};
use super::client::{Fetched, Registries, Validators};
use super::packages::{Plan, Wanted};
use super::{ResolveOptions, Resolved, archive, index_cache, progress};
use crate::model::{Ecosystem, FactSource, PackageFacts, Presence};

/// Turns registry answers into facts, round by round, and gathers what the
/// cache must learn.
pub(super) struct Settle<'a> {
    pub(super) wanted: &'a BTreeMap<(Ecosystem, String), Wanted>,
    pub(super) options: &'a ResolveOptions,
    /// The time live facts are stamped with.
    pub(super) fetched_at: String,
    pub(super) errors: Vec<String>,
    pub(super) to_store: Vec<Entry>,
    pub(super) failures_to_store: Vec<cache::Failure>,
    pub(super) archive_indexes: Vec<(Ecosystem, crate::model::ArchiveIndex)>,
}

impl Settle<'_> {
    /// Fetches the packages of the plans at `indices` and settles each.
    pub(super) fn fetch(
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
    pub(super) fn answer(
        &mut self,
        key: &(Ecosystem, String),
        plan: Plan,
        answer: Fetched,
    ) -> Plan {
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
            Fetched::NotModified => match stale.map(|old| *old) {
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
                return Plan::Done(Box::new(Resolved::cached(*old)));
            }
        };
        self.to_store.push(resolved.entry.clone());
        Plan::Done(Box::new(resolved))
    }

    /// Stores what was learnt since the last call (all or nothing).
    pub(super) fn store(&mut self, cache: Option<&mut Cache>, warnings: &mut Vec<String>) {
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

/// One package to fetch, with the index of its plan.
struct Job {
    index: usize,
    ecosystem: Ecosystem,
    name: String,
    versions: Vec<String>,
    validators: Option<Validators>,
    architectures: BTreeSet<String>,
}

impl Job {
    fn into_archive_job(self) -> archive::PackageJob {
        archive::PackageJob {
            index: self.index,
            name: self.name,
            architectures: self.architectures,
        }
    }
}

/// The answers by plan index, and the archive indexes read, by ecosystem.
type Answers = (
    BTreeMap<usize, Fetched>,
    Vec<(Ecosystem, crate::model::ArchiveIndex)>,
);

/// Runs the fetches on one multi-thread runtime; results by plan index.
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
            let jobs = deb_jobs.into_iter().map(Job::into_archive_job).collect();
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
            let jobs = apk_jobs.into_iter().map(Job::into_archive_job).collect();
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
            let jobs = rpm_jobs.into_iter().map(Job::into_archive_job).collect();
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

/// A time as the report gives it, to the second.
pub(super) fn report_time(t: jiff::Timestamp) -> String {
    crate::model::format_time(jiff::Timestamp::from_second(t.as_second()).unwrap_or(t))
}
