//! One client per registry protocol behind one interface.
//!
//! [`Registries`] holds the configured endpoints, one HTTP client shared by
//! all of them and one bound on requests in flight per endpoint; `fetch`
//! sends a package's name to its ecosystem's protocol and returns normalised
//! [`PackageFacts`] or says why not.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;

use super::endpoints::Endpoint;
use super::http::{Got, Http, Target};
use super::{cargo_index, goproxy, npm, pypi};
use crate::model::{Ecosystem, PackageFacts, ReleaseFacts};

/// HTTP validators of a cached answer, sent back to ask "changed since?".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validators {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

impl Validators {
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }
}

/// What one fetch of one package came to.
// Short-lived, one per fetch, moved straight into the cache: boxing the facts would buy nothing.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum Fetched {
    Facts {
        facts: PackageFacts,
        validators: Validators,
    },
    /// 304 to a conditional request: the cached facts still hold.
    NotModified,
    /// 404 / 410: the registry does not know the package (a fact, cached like any other).
    NotFound,
    /// What happened, e.g. "malformed JSON at line 3 column 5: …", "TLS failed …":
    /// asking again would get the same answer.
    Failed(String),
    /// After retries, no usable answer, e.g. "GET URL: HTTP 503 Service
    /// Unavailable (4 attempts)", "timed out after 30 s": the registry may
    /// answer later. Remembered briefly so that every scan does not wait for it.
    Unavailable(String),
}

/// Limits of the HTTP layer.
#[derive(Clone, Debug)]
pub struct ClientOptions {
    /// Requests in flight per registry.
    pub concurrency: usize,
    /// Per request, from sending to the last byte of the body.
    pub timeout: Duration,
    /// Retries after the first attempt, on connect errors, timeouts,
    /// truncated bodies, 429 and 5xx.
    pub retries: u32,
    /// Longest wait between attempts, including a server's `Retry-After`.
    pub max_backoff: Duration,
    /// The first wait; each retry doubles it (full jitter), up to `max_backoff`.
    pub base_backoff: Duration,
    /// A PEM file of extra root certificates (labs, re-signing proxies).
    pub ca_file: Option<PathBuf>,
    /// Bodies above this are not read: the fetch fails saying so.
    pub max_body_bytes: usize,
}

impl Default for ClientOptions {
    fn default() -> ClientOptions {
        ClientOptions {
            concurrency: 16,
            timeout: Duration::from_secs(30),
            retries: 3,
            max_backoff: Duration::from_secs(30),
            base_backoff: Duration::from_millis(250),
            ca_file: None,
            max_body_bytes: 64 * 1024 * 1024,
        }
    }
}

/// The configured registries, ready to fetch from.
pub struct Registries {
    http: Arc<Http>,
    endpoints: Vec<(Endpoint, Arc<Semaphore>)>,
}

impl Registries {
    pub fn new(endpoints: Vec<Endpoint>, options: ClientOptions) -> Result<Registries, String> {
        if options.concurrency == 0 {
            return Err("registry concurrency must be at least 1".to_string());
        }
        let limit = options.concurrency;
        let http = Arc::new(Http::new(options)?);
        Ok(Registries {
            http,
            endpoints: endpoints
                .into_iter()
                .map(|e| (e, Arc::new(Semaphore::new(limit))))
                .collect(),
        })
    }

    /// The shared HTTP client, for the index-based archive clients.
    pub fn http(&self) -> Arc<Http> {
        Arc::clone(&self.http)
    }

    pub fn endpoint(&self, ecosystem: &Ecosystem) -> Option<&Endpoint> {
        self.endpoints
            .iter()
            .map(|(e, _)| e)
            .find(|e| e.ecosystem == *ecosystem)
    }

    /// Fetches what `ecosystem`'s registry says about `name`.
    ///
    /// `name`: cargo crate name; npm full name (`@scope/name`); PyPI PEP 503
    /// normalised name; Go module path. `wanted`: the versions in use (the Go
    /// client asks for these versions' times; the others read every version
    /// from one document). `validators`: of a cached answer, to make the
    /// request conditional (Go's several documents are never conditional).
    pub async fn fetch(
        &self,
        ecosystem: &Ecosystem,
        name: &str,
        wanted: &[String],
        validators: Option<&Validators>,
    ) -> Fetched {
        let Some((endpoint, limit)) = self
            .endpoints
            .iter()
            .find(|(e, _)| e.ecosystem == *ecosystem)
        else {
            return Fetched::Failed(format!(
                "no registry endpoint configured for {}",
                ecosystem.as_str()
            ));
        };
        let ctx = Target {
            http: &self.http,
            limit,
            base: &endpoint.url,
        };
        match ecosystem {
            Ecosystem::Cargo => cargo_index::fetch(&ctx, name, validators).await,
            Ecosystem::Npm => npm::fetch(&ctx, name, validators).await,
            Ecosystem::Pypi => pypi::fetch(&ctx, name, validators).await,
            Ecosystem::Golang => goproxy::fetch(&ctx, name, wanted).await,
            other => Fetched::Failed(format!("no registry client for {}", other.as_str())),
        }
    }
}

/// GETs the one document a protocol reads for a package and parses it; a
/// parse failure (deterministic, so never retried) names the URL.
pub(crate) async fn fetch_document(
    target: &Target<'_>,
    path: &str,
    validators: Option<&Validators>,
    parse: impl FnOnce(&[u8], &str) -> Result<PackageFacts, String>,
) -> Fetched {
    let url = match target.url(path) {
        Ok(url) => url,
        Err(e) => return Fetched::Failed(e),
    };
    match target.get(&url, validators).await {
        Got::Body { bytes, validators } => match parse(&bytes, target.base.as_str()) {
            Ok(facts) => Fetched::Facts { facts, validators },
            Err(why) => Fetched::Failed(format!("GET {url}: {why}")),
        },
        Got::NotModified => Fetched::NotModified,
        Got::NotFound => Fetched::NotFound,
        Got::Failed(why) => Fetched::Failed(why),
        Got::Unavailable(why) => Fetched::Unavailable(why),
    }
}

/// [`fetch_document`] for a package whose name goes into the path as it is:
/// a name with other characters than letters, digits and `-._~` (or a
/// `.`/`..` segment) is refused before anything is asked, as not a `what`.
pub(crate) async fn fetch_plain_named(
    target: &Target<'_>,
    name: &str,
    what: &str,
    path: impl FnOnce(&str) -> String,
    validators: Option<&Validators>,
    parse: impl FnOnce(&[u8], &str, &str) -> Result<PackageFacts, String>,
) -> Fetched {
    if !is_path_safe(name, b"") {
        return Fetched::Failed(format!("{name:?} is not a {what}"));
    }
    fetch_document(target, &path(name), validators, |body, registry| {
        parse(body, registry, name)
    })
    .await
}

/// `malformed JSON at line L column C: what` for a body that does not
/// parse, `unexpected JSON at …` for one of the wrong shape.
pub(crate) fn json_error(e: &serde_json::Error) -> String {
    json_error_on_line(e.line(), e)
}

/// [`json_error`] for a document parsed line by line: `line` is the file's.
pub(crate) fn json_error_on_line(line: usize, e: &serde_json::Error) -> String {
    let text = e.to_string();
    let what = text
        .rsplit_once(" at line ")
        .map_or(text.as_str(), |(w, _)| w);
    let kind = match e.classify() {
        serde_json::error::Category::Data => "unexpected JSON",
        _ => "malformed JSON",
    };
    format!("{kind} at line {line} column {}: {what}", e.column())
}

/// A registry's timestamp in RFC 3339 UTC (`2024-01-02T03:04:05.678Z`), or
/// `None` when it does not parse (then the time is unknown, not guessed).
pub(crate) fn timestamp(text: &str) -> Option<String> {
    text.trim()
        .parse::<jiff::Timestamp>()
        .ok()
        .map(|t| t.to_string())
}

/// The highest version by semver (a leading `v` allowed), preferring
/// releases over pre-releases and skipping yanked ones; `None` when no
/// version parses.
pub(crate) fn highest_version(versions: &[ReleaseFacts]) -> Option<String> {
    let parsed = versions
        .iter()
        .filter(|r| r.yanked != Some(true))
        .filter_map(|r| {
            let v =
                semver::Version::parse(r.version.strip_prefix('v').unwrap_or(&r.version)).ok()?;
            Some((v.pre.is_empty(), v, &r.version))
        });
    parsed.max().map(|(_, _, text)| text.clone())
}

/// Whether `name` can go into a request path as it is: letters, digits,
/// `-._~` and the `extra` bytes, in `/`-separated segments none of which is
/// empty, `.` or `..`. Names from inputs are untrusted; this keeps them
/// from reaching another path of the registry.
pub(crate) fn is_path_safe(name: &str, extra: &[u8]) -> bool {
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b) || extra.contains(&b))
        && name
            .split('/')
            .all(|segment| !matches!(segment, "" | "." | ".."))
}

/// Hosts whose URLs are source repositories.
const VCS_HOSTS: [&str; 6] = [
    "github.com",
    "gitlab.com",
    "bitbucket.org",
    "codeberg.org",
    "git.sr.ht",
    "sr.ht",
];

/// Whether `url` points at a known source-code host.
pub(crate) fn is_vcs_host_url(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|u| {
        u.host_str()
            .is_some_and(|h| VCS_HOSTS.iter().any(|v| h == *v || h == format!("www.{v}")))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_names_go_into_paths() {
        assert!(is_path_safe("serde_json", b""));
        assert!(is_path_safe("@scope/name", b"@/"));
        assert!(is_path_safe("github.com/o/r/v2", b"/"));
        for bad in [
            "", "../x", "a/../b", "a//b", "/abs", "a?b", "a b", "a%2fb", "x#y",
        ] {
            assert!(!is_path_safe(bad, b"/@"), "{bad:?}");
        }
        assert!(!is_path_safe("a/b", b""));
    }

    #[test]
    fn highest_version_prefers_releases_and_skips_yanked() {
        let r = |v: &str, yanked: bool| ReleaseFacts {
            version: v.to_string(),
            yanked: Some(yanked),
            ..ReleaseFacts::default()
        };
        let versions = [
            r("1.2.0", false),
            r("1.10.0", true),
            r("2.0.0-rc.1", false),
            r("1.9.0", false),
        ];
        assert_eq!(highest_version(&versions).as_deref(), Some("1.9.0"));
        assert_eq!(
            highest_version(&[r("v0.1.0-pre", false)]).as_deref(),
            Some("v0.1.0-pre")
        );
        assert_eq!(highest_version(&[r("not-semver", false)]), None);
    }

    #[test]
    fn timestamps_are_written_in_utc() {
        assert_eq!(
            timestamp("2026-03-29T09:42:18.214000+00:00").as_deref(),
            Some("2026-03-29T09:42:18.214Z")
        );
        assert_eq!(
            timestamp("2024-01-01T02:00:00+02:00").as_deref(),
            Some("2024-01-01T00:00:00Z")
        );
        assert_eq!(timestamp("last tuesday"), None);
    }
}
