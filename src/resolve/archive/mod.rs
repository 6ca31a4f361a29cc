//! Distribution archives, read through their indexes: for each release in
//! use, the `Release` file of every suite the configured archives publish
//! for it (the release, `-updates`, `-security`), the `Packages` indexes of
//! the architectures in use and the `Sources` indexes, and — for Debian —
//! the `unstable` Sources, which say whether a package is still in
//! development. Each index is fetched once per scan, checked against the
//! SHA-256 and size its Release file gives, decompressed as a stream and
//! kept only for the packages in use.

pub mod apk;
pub mod apk_index;
pub mod apk_repositories;
pub mod apt_sources;
pub mod deb_index;
pub mod release_file;
pub mod rpm;
pub mod rpm_metadata;
pub mod rpm_repos;
pub mod signature;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use sha2::Digest;
use tokio::sync::Semaphore;
use url::Url;

use apt_sources::AptSource;
use deb_index::{BinaryStanza, SourceStanza};
use release_file::ReleaseFile;

use super::client::Fetched;
use super::http::{Got, Http, Target};
use super::index_cache::{self, IndexCache};
use crate::model::{
    ArchiveBuild, ArchiveFacts, ArchiveIndex, Channel, DistroRelease, PackageFacts, Presence,
    SourcePackage,
};

/// The development suite read for Debian: a package dropped from it is on its way out.
const DEBIAN_DEVELOPMENT: &str = "unstable";

/// The cache and report name of a distribution package: `debian/bookworm/libssl3`.
pub fn package_name(release: &DistroRelease, binary: &str) -> Option<String> {
    let codename = release.codename.as_deref()?;
    Some(format!(
        "{}/{}/{binary}",
        release.distro.to_ascii_lowercase(),
        codename.to_ascii_lowercase()
    ))
}

/// One distribution package to look up in an archive (deb, apk or rpm): its
/// plan index, its key name and the architectures its components use.
pub struct PackageJob {
    pub index: usize,
    pub name: String,
    pub architectures: BTreeSet<String>,
}

/// Jobs by release, keyed (distribution, release), each with the package
/// name its key ends in, and the answers so far: a key that is not
/// `distro/release/name` (with `distro` = `only`, when given) fails its job
/// as "not {noun}".
pub(super) fn by_release(
    jobs: Vec<PackageJob>,
    only: Option<&str>,
    noun: &str,
) -> (BTreeMap<usize, Fetched>, ByRelease) {
    let mut out = BTreeMap::new();
    let mut releases: ByRelease = BTreeMap::new();
    for job in jobs {
        match job.name.splitn(3, '/').collect::<Vec<_>>()[..] {
            [distro, release, name]
                if !distro.is_empty()
                    && !release.is_empty()
                    && only.is_none_or(|d| d == distro) =>
            {
                let key = (distro.to_string(), release.to_string());
                let name = name.to_string();
                releases.entry(key).or_default().push((job, name));
            }
            _ => {
                let why = format!("{}: not {noun}", job.name);
                out.insert(job.index, Fetched::Failed(why));
            }
        }
    }
    (out, releases)
}

/// Jobs by (distribution, release), each with its package name.
pub(super) type ByRelease = BTreeMap<(String, String), Vec<(PackageJob, String)>>;

/// The channel a suite publishes, from its name; `None` for suites that are
/// not the release's publications (`-proposed`).
pub fn channel_of(codename: &str, suite: &str) -> Option<Channel> {
    let rest = suite.strip_prefix(codename)?;
    match rest {
        "" => Some(Channel::Release),
        "-updates" => Some(Channel::Updates),
        "-security" | "/updates" => Some(Channel::Security),
        r if r.starts_with("-backports") => Some(Channel::Backports),
        _ => None,
    }
}

/// The Debian architecture of this machine, for components that name none.
fn host_architecture() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "i386",
        "arm" => "armhf",
        "powerpc64" => "ppc64el",
        "s390x" => "s390x",
        "riscv64" => "riscv64",
        other => other,
    }
}

/// The configured archives, each with its keyring, the HTTP client, and
/// the development series of distributions other than Debian.
pub struct Archives {
    pub http: Arc<Http>,
    pub sources: Arc<Vec<AptSource>>,
    pub keyrings: Arc<Vec<signature::Keyring>>,
    /// `ubuntu` → its development series' codename.
    pub development: Arc<BTreeMap<String, String>>,
    /// Indexes kept from earlier scans.
    pub indexes: Option<Arc<IndexCache>>,
}

/// One suite of one archive, for one release.
#[derive(Clone)]
struct Suite {
    source: usize,
    name: String,
    channel: Option<Channel>,
}

/// A suite whose Release file was read.
struct ReadSuite {
    suite: Suite,
    release: ReleaseFile,
    base: Url,
}

/// Everything the indexes said about one release's wanted packages.
#[derive(Default)]
struct Found {
    /// (suite, channel, stanza, the index that listed it).
    binaries: Vec<(String, Option<Channel>, BinaryStanza, String)>,
    /// (stanza, the index that listed it).
    sources: Vec<(SourceStanza, String)>,
    /// Source names in the development suites, and the indexes read for them.
    development: Option<BTreeMap<String, String>>,
    development_indexes: Vec<String>,
    failed: Vec<String>,
}

/// Looks up every job in the archives of `sources`.
pub async fn fetch(
    archives: Archives,
    jobs: Vec<PackageJob>,
    fetched_at: String,
    now: jiff::Timestamp,
) -> (BTreeMap<usize, Fetched>, Vec<ArchiveIndex>) {
    let (mut out, releases) = by_release(jobs, None, "a distribution package name");
    let mut reads = Vec::new();
    for ((distro, codename), jobs) in releases {
        let found = read_release(&archives, &distro, &codename, &jobs, &fetched_at, now).await;
        let (found, release_reads) = match found {
            Ok(f) => f,
            Err(why) => {
                for (job, _) in &jobs {
                    out.insert(job.index, why.clone());
                }
                continue;
            }
        };
        reads.extend(release_reads);
        let release = DistroRelease {
            distro: distro.clone(),
            version: None,
            codename: Some(codename.clone()),
        };
        for (job, binary) in jobs {
            out.insert(job.index, facts_for(&release, &binary, &found));
        }
    }
    (out, reads)
}

/// Reads the Release files and indexes of one release.
async fn read_release(
    archives: &Archives,
    distro: &str,
    codename: &str,
    jobs: &[(PackageJob, String)],
    fetched_at: &str,
    now: jiff::Timestamp,
) -> Result<(Found, Vec<ArchiveIndex>), Fetched> {
    let suites = release_suites(archives, distro, codename).map_err(Fetched::Failed)?;
    let release = ReleaseRead {
        archives,
        distro,
        fetched_at,
        now,
        limit: Arc::new(Semaphore::new(archives.http.options().concurrency)),
    };
    let mut reads = Vec::new();
    let read = release.read_release_files(suites, &mut reads).await?;
    let binaries: BTreeSet<String> = jobs.iter().map(|(_, b)| b.clone()).collect();

    // The binary indexes first: they name the source packages to look for.
    let mut found = Found::default();
    let mut tasks = tokio::task::JoinSet::new();
    release.spawn_binary_indexes(&read, &binaries, &architectures_in_use(jobs), &mut tasks);
    collect(&mut tasks, &mut found, &mut reads).await;

    // Then the source indexes, for the sources those binaries come from.
    let wanted_sources: BTreeSet<String> = found
        .binaries
        .iter()
        .map(|(_, _, b, _)| b.source.name.clone())
        .chain(binaries.iter().cloned())
        .collect();
    let development_read = release.spawn_source_indexes(&read, &wanted_sources, &mut tasks);
    let development_failed = collect(&mut tasks, &mut found, &mut reads).await;
    if development_failed || !development_read {
        found.development = None;
    } else {
        found.development.get_or_insert_with(BTreeMap::new);
        found.development_indexes.sort();
    }
    Ok((found, reads))
}

/// The suites the configured archives publish for a release, and its
/// development suite (Debian's unstable, Ubuntu's next series) at the
/// archive of the release suite; an error when no archive publishes it.
fn release_suites(archives: &Archives, distro: &str, codename: &str) -> Result<Vec<Suite>, String> {
    let mut suites: Vec<Suite> = Vec::new();
    for (i, s) in archives.sources.iter().enumerate() {
        for name in s.suites_for(codename) {
            if let Some(channel) = channel_of(codename, &name) {
                suites.push(Suite {
                    source: i,
                    name,
                    channel: Some(channel),
                });
            }
        }
    }
    if suites.is_empty() {
        return Err(format!(
            "no configured archive publishes {distro} {codename}: apt's sources list no {codename} suite; set --registry deb=URL"
        ));
    }
    let development_name = if distro == "debian" {
        Some(DEBIAN_DEVELOPMENT.to_string())
    } else {
        archives.development.get(distro).cloned()
    };
    let development = development_name.and_then(|name| {
        suites
            .iter()
            .find(|s| s.channel == Some(Channel::Release))
            .map(|s| Suite {
                source: s.source,
                name,
                channel: Some(Channel::Development),
            })
    });
    suites.extend(development);
    Ok(suites)
}

/// The architectures the jobs' components use (`all` and `source` aside),
/// or this machine's when they name none.
fn architectures_in_use(jobs: &[(PackageJob, String)]) -> BTreeSet<String> {
    let mut architectures: BTreeSet<String> = jobs
        .iter()
        .flat_map(|(j, _)| j.architectures.iter().cloned())
        .filter(|a| a != "all" && a != "source")
        .collect();
    if architectures.is_empty() {
        architectures.insert(host_architecture().to_string());
    }
    architectures
}

/// Release files in flight: each suite with its archive's URL and what
/// [`get_release`] got.
type ReleaseTasks = tokio::task::JoinSet<(
    Suite,
    Url,
    Result<(ReleaseFile, String, String), (String, Problem)>,
)>;

/// Index tasks in flight: each job with its parsed stanzas.
type IndexTasks = tokio::task::JoinSet<(IndexJob, Result<Parsed, String>)>;

/// One release being read: what its requests share.
struct ReleaseRead<'a> {
    archives: &'a Archives,
    distro: &'a str,
    fetched_at: &'a str,
    now: jiff::Timestamp,
    /// Bounds the requests in flight.
    limit: Arc<Semaphore>,
}

impl ReleaseRead<'_> {
    /// The suites whose Release file was read, verified, current and of
    /// this distribution, in channel order; each file is listed in `reads`.
    /// The release suite's failure fails the release.
    async fn read_release_files(
        &self,
        suites: Vec<Suite>,
        reads: &mut Vec<ArchiveIndex>,
    ) -> Result<Vec<ReadSuite>, Fetched> {
        let (distro, fetched_at) = (self.distro, self.fetched_at);
        let mut set = self.spawn_release_files(suites);
        let mut read: Vec<ReadSuite> = Vec::new();
        let mut release_failure: Option<Fetched> = None;
        while let Some(joined) = set.join_next().await {
            let Ok((suite, base, got)) = joined else {
                continue;
            };
            // A Release past its Valid-Until is a stale mirror or a replay: not used.
            let got = got.and_then(|(release, url, by)| match expired(&release, self.now) {
                Some(why) => Err((url.clone(), Problem::Failed(format!("{url}: {why}")))),
                None => Ok((release, url, by)),
            });
            match got {
                Ok((release, url, signed_by)) => {
                    reads.push(ArchiveIndex {
                        index: format!("archive:{}/InRelease@{fetched_at}", suite.name),
                        url,
                        error: None,
                        signed_by: Some(signed_by),
                    });
                    if let Some(origin) = release.distro()
                        && origin != distro
                    {
                        reads.push(ArchiveIndex {
                            index: format!("archive:{}/InRelease", suite.name),
                            url: base.to_string(),
                            error: Some(format!(
                                "the suite's Origin is {origin}, not {distro}: not read"
                            )),
                            signed_by: None,
                        });
                        continue;
                    }
                    read.push(ReadSuite {
                        suite,
                        release,
                        base,
                    });
                }
                Err((url, why)) => {
                    reads.push(ArchiveIndex {
                        index: format!("archive:{}/InRelease", suite.name),
                        url,
                        error: Some(why.message()),
                        signed_by: None,
                    });
                    if suite.channel == Some(Channel::Release) {
                        release_failure = Some(why.fetched());
                    }
                }
            }
        }
        if let Some(why) = release_failure {
            return Err(why);
        }
        read.sort_by(|a, b| {
            (a.suite.channel, &a.suite.name).cmp(&(b.suite.channel, &b.suite.name))
        });
        Ok(read)
    }

    /// Starts fetching the Release file of every suite, each with its archive's keyring.
    fn spawn_release_files(&self, suites: Vec<Suite>) -> ReleaseTasks {
        let mut set = tokio::task::JoinSet::new();
        for suite in suites {
            let http = Arc::clone(&self.archives.http);
            let limit = Arc::clone(&self.limit);
            let base = self.archives.sources[suite.source].uri.clone();
            let keyrings = Arc::clone(&self.archives.keyrings);
            let store = self.archives.indexes.clone();
            let now = self.now;
            set.spawn(async move {
                let ring = &keyrings[suite.source];
                let got = get_release(
                    &http,
                    &limit,
                    &base,
                    &suite.name,
                    ring,
                    store.as_deref(),
                    now,
                )
                .await;
                (suite, base, got)
            });
        }
        set
    }

    /// Starts reading the Packages indexes of the suites read (development
    /// aside), for the architectures in use, keeping the `binaries` wanted.
    fn spawn_binary_indexes(
        &self,
        read: &[ReadSuite],
        binaries: &BTreeSet<String>,
        architectures: &BTreeSet<String>,
        tasks: &mut IndexTasks,
    ) {
        for rs in read
            .iter()
            .filter(|r| r.suite.channel != Some(Channel::Development))
        {
            let source = &self.archives.sources[rs.suite.source];
            for component in components(source, &rs.release) {
                let mut archs: Vec<String> = architectures
                    .iter()
                    .filter(|a| source.architectures.is_empty() || source.architectures.contains(a))
                    .cloned()
                    .collect();
                if !rs.release.all_in_arch_indexes {
                    archs.push("all".to_string());
                }
                for arch in archs {
                    let base = format!("{component}/binary-{arch}/Packages");
                    let Some((path, sum)) = rs.release.best_index(&base) else {
                        continue;
                    };
                    let job = IndexJob::new(rs, path, sum, self.fetched_at);
                    let wanted = binaries.clone();
                    self.spawn_index(tasks, job, move |bytes: &[u8], path: &str| {
                        deb_index::read_packages(deb_index::decompress(path, bytes), path, &|n| {
                            wanted.contains(n)
                        })
                        .map(Parsed::Binaries)
                        .map_err(|e| e.to_string())
                    });
                }
            }
        }
    }

    /// Starts reading the Sources indexes of every suite read, keeping the
    /// `wanted` sources; true when a development suite has one.
    fn spawn_source_indexes(
        &self,
        read: &[ReadSuite],
        wanted: &BTreeSet<String>,
        tasks: &mut IndexTasks,
    ) -> bool {
        let mut development_read = false;
        for rs in read {
            let source = &self.archives.sources[rs.suite.source];
            for component in components(source, &rs.release) {
                let Some((path, sum)) = rs
                    .release
                    .best_index(&format!("{component}/source/Sources"))
                else {
                    continue;
                };
                let job = IndexJob::new(rs, path, sum, self.fetched_at);
                if job.channel == Some(Channel::Development) {
                    development_read = true;
                }
                let wanted = wanted.clone();
                self.spawn_index(tasks, job, move |bytes: &[u8], path: &str| {
                    deb_index::read_sources(deb_index::decompress(path, bytes), path, &|n| {
                        wanted.contains(n)
                    })
                    .map(Parsed::Sources)
                    .map_err(|e| e.to_string())
                });
            }
        }
        development_read
    }

    /// Starts fetching one index and parsing it with `parse` off the async threads.
    fn spawn_index(
        &self,
        tasks: &mut IndexTasks,
        job: IndexJob,
        parse: impl FnOnce(&[u8], &str) -> Result<Parsed, String> + Send + 'static,
    ) {
        let http = Arc::clone(&self.archives.http);
        let limit = Arc::clone(&self.limit);
        let store = self.archives.indexes.clone();
        tasks.spawn(async move {
            let got = get_index(&http, &limit, &job, store.as_deref()).await;
            let parsed = match got {
                Ok(bytes) => {
                    let path = job.path.clone();
                    tokio::task::spawn_blocking(move || parse(&bytes, &path))
                        .await
                        .unwrap_or_else(|e| Err(format!("the index reader stopped: {e}")))
                }
                Err(e) => Err(e),
            };
            (job, parsed)
        });
    }
}

fn components<'a>(source: &'a AptSource, release: &'a ReleaseFile) -> Vec<&'a str> {
    if source.components.is_empty() {
        // Security suites name theirs `updates/main`; the indexes are under `main/`.
        release
            .components
            .iter()
            .map(|c| c.rsplit('/').next().unwrap_or(c))
            .collect()
    } else {
        // apt names components as the suite does; `updates/main` on old security suites.
        source
            .components
            .iter()
            .map(String::as_str)
            .filter(|c| {
                release.components.is_empty()
                    || release
                        .components
                        .iter()
                        .any(|r| r == c || r.ends_with(&format!("/{c}")))
            })
            .collect()
    }
}

/// Where an index is fetched: by its hash when the suite publishes so (as
/// apt does: a file that changes during an archive update cannot then
/// mismatch its Release file), else by its path.
fn index_url(base: &Url, suite: &str, path: &str, release: &ReleaseFile, sha256: &str) -> String {
    match path.rsplit_once('/') {
        Some((dir, _)) if release.by_hash => {
            format!("{base}dists/{suite}/{dir}/by-hash/SHA256/{sha256}")
        }
        _ => format!("{base}dists/{suite}/{path}"),
    }
}

/// One index to fetch and check.
struct IndexJob {
    url: String,
    /// The index by its path, when `url` is by hash.
    by_path: Option<String>,
    evidence: String,
    path: String,
    sum: (String, u64),
    suite: String,
    channel: Option<Channel>,
}

impl IndexJob {
    /// The job for the index at `path` of a suite read, checked against `sum`.
    fn new(rs: &ReadSuite, path: String, sum: &(String, u64), fetched_at: &str) -> IndexJob {
        IndexJob {
            url: index_url(&rs.base, &rs.suite.name, &path, &rs.release, &sum.0),
            by_path: rs
                .release
                .by_hash
                .then(|| format!("{}dists/{}/{path}", rs.base, rs.suite.name)),
            evidence: format!("archive:{}/{path}@{fetched_at}", rs.suite.name),
            path,
            sum: sum.clone(),
            suite: rs.suite.name.clone(),
            channel: rs.suite.channel,
        }
    }
}

enum Parsed {
    Binaries(Vec<BinaryStanza>),
    Sources(Vec<SourceStanza>),
}

/// Gathers finished index tasks into `found`; true when a development index failed.
async fn collect(
    tasks: &mut tokio::task::JoinSet<(IndexJob, Result<Parsed, String>)>,
    found: &mut Found,
    reads: &mut Vec<ArchiveIndex>,
) -> bool {
    let mut development_failed = false;
    while let Some(joined) = tasks.join_next().await {
        let Ok((job, parsed)) = joined else {
            continue;
        };
        let error = parsed.as_ref().err().cloned();
        match parsed {
            Ok(Parsed::Binaries(list)) => {
                found.binaries.extend(
                    list.into_iter()
                        .map(|b| (job.suite.clone(), job.channel, b, job.evidence.clone())),
                );
            }
            Ok(Parsed::Sources(list)) => {
                if job.channel == Some(Channel::Development) {
                    found.development_indexes.push(job.evidence.clone());
                    found
                        .development
                        .get_or_insert_with(BTreeMap::new)
                        .extend(list.into_iter().map(|s| (s.name, job.evidence.clone())));
                } else {
                    found
                        .sources
                        .extend(list.into_iter().map(|s| (s, job.evidence.clone())));
                }
            }
            Err(e) => {
                if job.channel == Some(Channel::Development) {
                    development_failed = true;
                } else if job.path.contains("/binary-") {
                    found.failed.push(format!("{}: {e}", job.url));
                }
                // A Sources index not read leaves its packages' maintainers
                // unknown (they are taken from Sources only); nothing else.
            }
        }
        reads.push(ArchiveIndex {
            index: job.evidence,
            url: job.url,
            error,
            signed_by: None,
        });
    }
    development_failed
}

/// Why a Release file is expired at `now`, if it is.
fn expired(release: &ReleaseFile, now: jiff::Timestamp) -> Option<String> {
    let text = release.valid_until.as_deref()?;
    let until = jiff::fmt::rfc2822::parse(text.trim())
        .map(|z| z.timestamp())
        .or_else(|_| {
            text.trim()
                .replace(" UTC", " +0000")
                .parse::<jiff::Timestamp>()
        })
        .ok();
    match until {
        Some(t) if t < now => Some(format!(
            "its Valid-Until ({text}) has passed: a stale mirror or a replayed Release, not used"
        )),
        Some(_) => None,
        None => Some(format!("its Valid-Until ({text}) is not a date: not used")),
    }
}

/// Why a suite's Release could not be used: for good, or for now.
#[derive(Clone, Debug)]
enum Problem {
    Failed(String),
    Unavailable(String),
}

impl Problem {
    fn message(&self) -> String {
        match self {
            Problem::Failed(why) | Problem::Unavailable(why) => why.clone(),
        }
    }

    fn fetched(self) -> Fetched {
        match self {
            Problem::Failed(why) => Fetched::Failed(why),
            Problem::Unavailable(why) => Fetched::Unavailable(why),
        }
    }
}

/// GETs `dists/<suite>/InRelease`, verifies its signature with `ring`
/// and parses it: the Release file, its URL and the key that signed it.
async fn get_release(
    http: &Http,
    limit: &Semaphore,
    base: &Url,
    suite: &str,
    ring: &signature::Keyring,
    store: Option<&IndexCache>,
    now: jiff::Timestamp,
) -> Result<(ReleaseFile, String, String), (String, Problem)> {
    let target = Target { http, limit, base };
    let url = format!("{base}dists/{suite}/InRelease");
    let failed = |why: String| (url.clone(), Problem::Failed(format!("{url}: {why}")));
    let Ok(parsed_url) = Url::parse(&url) else {
        return Err(failed("not a URL".to_string()));
    };
    // Always asked again (conditionally): it says which indexes are current.
    match index_cache::get(&target, &parsed_url, store, false).await.0 {
        Got::Body { bytes, validators } => {
            let text = String::from_utf8_lossy(&bytes);
            let Some((signed, _)) = release_file::split_clearsigned(&text) else {
                return Err(failed("not a clearsigned message".to_string()));
            };
            let signed_by = signature::verify(&text, ring, now)
                .map_err(|e| failed(format!("signature not verified, the suite is not used: {e}")))?;
            let release = release_file::parse(&signed, &url).map_err(|e| (url.clone(), Problem::Failed(e.to_string())))?;
            if let Some(store) = store {
                store.put(&url, &validators, &bytes);
            }
            Ok((release, url.clone(), signed_by))
        }
        Got::NotFound => Err(failed(
            "not found: chainrisk reads suites with a signed InRelease (an unsigned Release is not used)"
                .to_string(),
        )),
        Got::NotModified => Err(failed("304 to an unconditional request".to_string())),
        Got::Failed(why) => Err((url, Problem::Failed(why))),
        Got::Unavailable(why) => Err((url, Problem::Unavailable(why))),
    }
}

/// GETs one index and checks it against its Release file's SHA-256 and size.
async fn get_index(
    http: &Http,
    limit: &Semaphore,
    job: &IndexJob,
    store: Option<&IndexCache>,
) -> Result<Vec<u8>, String> {
    let url = Url::parse(&job.url).map_err(|e| format!("{}: {e}", job.url))?;
    let target = Target {
        http,
        limit,
        base: &url,
    };
    // A by-hash URL names its content: a stored copy needs no request.
    let by_hash = job.by_path.is_some();
    let mut fetched_url = url.clone();
    let mut got = index_cache::get(&target, &url, store, by_hash).await.0;
    // A mirror caught between two archive updates may lack the by-hash
    // file: the file by its path is tried, and checked all the same.
    if got == Got::NotFound
        && let Some(by_path) = job.by_path.as_deref().and_then(|u| Url::parse(u).ok())
    {
        got = index_cache::get(&target, &by_path, store, false).await.0;
        fetched_url = by_path;
    }
    match got {
        Got::Body { bytes, validators } => {
            let (want, size) = &job.sum;
            if bytes.len() as u64 != *size {
                return Err(format!(
                    "{} bytes where the Release file says {size}: not used",
                    bytes.len()
                ));
            }
            let have = crate::model::encode::hex(&sha2::Sha256::digest(&bytes));
            if have != *want {
                return Err(format!(
                    "SHA-256 {have} where the Release file says {want}: not used"
                ));
            }
            if let Some(store) = store {
                store.put(fetched_url.as_str(), &validators, &bytes);
            }
            Ok(bytes)
        }
        Got::NotFound => Err("not found, although the Release file lists it".to_string()),
        Got::NotModified => Err("304 to an unconditional request".to_string()),
        Got::Failed(why) | Got::Unavailable(why) => Err(why),
    }
}

/// A package the Alpine or RPM indexes listed: its facts, a note per index
/// (or repository) that could not be read.
pub(super) fn listed(
    archive: ArchiveFacts,
    latest: Option<String>,
    license: Option<String>,
    unread: &str,
) -> Fetched {
    let notes = archive
        .unread
        .iter()
        .map(|f| format!("{unread} not read: {f}"))
        .collect();
    Fetched::Facts {
        facts: PackageFacts {
            presence: Presence::Found,
            latest,
            license,
            archive: Some(archive),
            notes,
            ..PackageFacts::default()
        },
        validators: Default::default(),
    }
}

/// A package the Alpine or RPM indexes did not list: not in the archive,
/// or — when some of them could not be read — not known yet.
pub(super) fn not_listed(failed: &[String], read: &str) -> Fetched {
    if failed.is_empty() {
        return Fetched::NotFound;
    }
    // A mirror caught mid-update answers differently later: asked again soon.
    Fetched::Unavailable(format!(
        "not in the {read} read, and {} of them could not be read (the resolution block says why)",
        failed.len()
    ))
}

/// The facts of one binary package from what its release's indexes said.
fn facts_for(release: &DistroRelease, binary: &str, found: &Found) -> Fetched {
    let builds: Vec<&(String, Option<Channel>, BinaryStanza, String)> = found
        .binaries
        .iter()
        .filter(|(_, _, b, _)| b.name == binary)
        .collect();
    if builds.is_empty() {
        // A mirror caught mid-update answers differently later: remembered
        // briefly like an archive that is down, so each scan does not read
        // every index again for these packages.
        if !found.failed.is_empty() {
            return Fetched::Unavailable(format!(
                "not in the indexes read, and {} could not be read: {}",
                if found.failed.len() == 1 {
                    "one index"
                } else {
                    "some indexes"
                },
                found.failed.join("; ")
            ));
        }
        return Fetched::NotFound;
    }
    // The newest build of the release channels names the source and maintainer.
    let newest = builds
        .iter()
        .filter(|(_, ch, _, _)| ch != &Some(Channel::Backports))
        .max_by(|a, b| {
            let va = crate::model::Version::parse(&crate::model::Ecosystem::Deb, &a.2.version);
            let vb = crate::model::Version::parse(&crate::model::Ecosystem::Deb, &b.2.version);
            match (va, vb) {
                (Some(x), Some(y)) => x.compare(&y).unwrap_or(std::cmp::Ordering::Equal),
                _ => std::cmp::Ordering::Equal,
            }
        })
        .or(builds.first())
        .map(|b| &b.2);
    let source: Option<SourcePackage> = newest.map(|b| b.source.clone());
    let source_entry = source.as_ref().and_then(|s| {
        found
            .sources
            .iter()
            .filter(|(st, _)| st.name == s.name)
            .find(|(st, _)| Some(&st.version) == s.version.as_ref())
            .or_else(|| found.sources.iter().find(|(st, _)| st.name == s.name))
    });
    let source_stanza = source_entry.map(|(st, _)| st);
    // Maintainer and Uploaders together, from Sources: Packages has no
    // Uploaders, so its Maintainer alone would make every package look
    // single-maintainer (CON-01) whenever Sources was not read.
    let maintainer = source_stanza.and_then(|s| s.maintainer.clone());
    let homepage = source_stanza
        .and_then(|s| s.homepage.clone())
        .or_else(|| newest.and_then(|b| b.homepage.clone()));
    // Evidence: the indexes that listed the package, its source, and its
    // presence in (or, every index read, its absence from) the development suites.
    let mut indexes: Vec<String> = builds.iter().map(|b| b.3.clone()).collect();
    indexes.extend(source_entry.map(|(_, e)| e.clone()));
    let in_development = match (&found.development, &source) {
        (Some(dev), Some(s)) => match dev.get(&s.name) {
            Some(index) => {
                indexes.push(index.clone());
                Some(true)
            }
            None => {
                indexes.extend(found.development_indexes.iter().cloned());
                Some(false)
            }
        },
        _ => None,
    };
    let mut seen = BTreeSet::new();
    indexes.retain(|i| seen.insert(i.clone()));
    let archive = ArchiveFacts {
        release: release.clone(),
        builds: builds
            .iter()
            .map(|(suite, channel, b, _)| ArchiveBuild {
                suite: suite.clone(),
                channel: *channel,
                version: b.version.clone(),
                architecture: b.architecture.clone(),
                sha256: b.sha256.clone(),
                built: None,
            })
            .collect(),
        source,
        maintainer,
        uploaders: source_stanza
            .map(|s| s.uploaders.clone())
            .unwrap_or_default(),
        homepage: homepage.clone(),
        vcs: source_stanza.map(|s| s.vcs.clone()).unwrap_or_default(),
        in_development,
        indexes,
        unread: found.failed.clone(),
        // Only suites whose InRelease verified are read.
        verified: Some(true),
    };
    let repository = archive
        .vcs
        .iter()
        .find_map(|v| v.strip_prefix("Vcs-Browser: "))
        .or_else(|| {
            archive
                .vcs
                .iter()
                .find_map(|v| v.split_once(": ").map(|(_, u)| u))
        })
        .map(str::to_string);
    let mut notes: Vec<String> = found
        .failed
        .iter()
        .map(|f| format!("index not read: {f}"))
        .collect();
    notes.sort();
    Fetched::Facts {
        facts: PackageFacts {
            presence: Presence::Found,
            latest: newest.map(|b| b.version.clone()),
            repository,
            archive: Some(archive),
            notes,
            ..PackageFacts::default()
        },
        validators: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suites_map_to_channels() {
        assert_eq!(channel_of("bookworm", "bookworm"), Some(Channel::Release));
        assert_eq!(
            channel_of("bookworm", "bookworm-updates"),
            Some(Channel::Updates)
        );
        assert_eq!(
            channel_of("bookworm", "bookworm-security"),
            Some(Channel::Security)
        );
        assert_eq!(
            channel_of("buster", "buster/updates"),
            Some(Channel::Security)
        );
        assert_eq!(
            channel_of("bookworm", "bookworm-backports"),
            Some(Channel::Backports)
        );
        assert_eq!(channel_of("jammy", "jammy-proposed"), None);
        assert_eq!(channel_of("bookworm", "trixie"), None);
    }

    #[test]
    fn a_release_past_its_valid_until_is_expired() {
        let r = ReleaseFile {
            valid_until: Some("Tue, 08 Dec 2026 19:40:00 UTC".into()),
            ..ReleaseFile::default()
        };
        let before: jiff::Timestamp = "2026-12-08T19:00:00Z".parse().unwrap();
        let after: jiff::Timestamp = "2026-12-08T20:00:00Z".parse().unwrap();
        assert_eq!(expired(&r, before), None);
        assert!(expired(&r, after).unwrap().contains("has passed"));
        assert_eq!(expired(&ReleaseFile::default(), after), None);
        let bad = ReleaseFile {
            valid_until: Some("soon".into()),
            ..ReleaseFile::default()
        };
        assert!(expired(&bad, before).unwrap().contains("not a date"));
    }

    #[test]
    fn package_names_carry_the_release() {
        let r = DistroRelease {
            distro: "Debian".into(),
            version: Some("12".into()),
            codename: Some("bookworm".into()),
        };
        assert_eq!(
            package_name(&r, "libssl3").as_deref(),
            Some("debian/bookworm/libssl3")
        );
        let no_codename = DistroRelease {
            codename: None,
            ..r
        };
        assert_eq!(package_name(&no_codename, "x"), None);
    }
}
