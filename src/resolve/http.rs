//! HTTP with bounded concurrency, timeouts, retries and body caps.
//!
//! One `reqwest` client for every registry (rustls with the platform verifier,
//! so the system trust store applies, plus `--ca-file`). A request holds its
//! registry's semaphore permit only while it is on the wire, never while it
//! waits to retry.

use std::error::Error as _;
use std::hash::{BuildHasher, Hasher};
use std::path::Path;
use std::sync::Once;
use std::time::Duration;

use reqwest::StatusCode;
use reqwest::header::{
    ACCEPT, CONTENT_LENGTH, ETAG, HeaderMap, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
    RETRY_AFTER,
};
use tokio::sync::Semaphore;
use url::Url;

use super::client::{ClientOptions, Validators};

/// Redirects followed before giving up; registries use one or two.
const MAX_REDIRECTS: usize = 10;

/// The shared client and its limits.
pub struct Http {
    client: reqwest::Client,
    options: ClientOptions,
}

/// One registry as a protocol client sees it: where it is and its bound on
/// requests in flight.
pub struct Target<'a> {
    pub http: &'a Http,
    pub limit: &'a Semaphore,
    pub base: &'a Url,
}

/// The outcome of one GET, after retries.
#[derive(Debug, PartialEq)]
pub enum Got {
    Body {
        bytes: Vec<u8>,
        validators: Validators,
    },
    NotModified,
    NotFound,
    /// An answer that will not change on another try (a TLS failure, a client
    /// error, a body over the cap).
    Failed(String),
    /// No usable answer after the retries (server errors, 429, timeouts,
    /// refused or cut connections), or a `Retry-After` beyond what this
    /// client waits: the registry may answer later.
    Unavailable(String),
}

/// What one attempt came to: final, or worth another try.
enum Attempt {
    Done(Got),
    Retry {
        reason: String,
        retry_after: Option<Duration>,
    },
}

/// A redirect that comes back to a URL already visited.
#[derive(Debug)]
struct RedirectLoop(String);

impl std::fmt::Display for RedirectLoop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for RedirectLoop {}

static CRYPTO_PROVIDER: Once = Once::new();

impl Http {
    pub fn new(options: ClientOptions) -> Result<Http, String> {
        // reqwest is built without a default crypto provider; install ring
        // once per process (an error means another part already installed one).
        CRYPTO_PROVIDER.call_once(|| {
            let _ = rustls::crypto::ring::default_provider().install_default();
        });
        let redirects = reqwest::redirect::Policy::custom(|attempt| {
            let next = attempt.url().clone();
            if attempt.previous().contains(&next) {
                let from = attempt.previous().last().map(Url::as_str).unwrap_or("?");
                let error = RedirectLoop(format!("redirect loop: {from} redirects back to {next}"));
                attempt.error(error)
            } else if attempt.previous().len() > MAX_REDIRECTS {
                let error = RedirectLoop(format!("more than {MAX_REDIRECTS} redirects"));
                attempt.error(error)
            } else {
                attempt.follow()
            }
        });
        let mut builder = reqwest::Client::builder()
            .user_agent(concat!("chainrisk/", env!("CARGO_PKG_VERSION")))
            .timeout(options.timeout)
            .connect_timeout(options.timeout.min(Duration::from_secs(10)))
            .redirect(redirects)
            .pool_max_idle_per_host(options.concurrency);
        if let Some(path) = &options.ca_file {
            builder = builder.tls_certs_merge(load_ca_file(path)?);
        }
        let client = builder
            .build()
            .map_err(|e| format!("cannot set up the HTTP client: {}", describe(&e)))?;
        Ok(Http { client, options })
    }

    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    /// The wait before retry number `retry` (0-based): full jitter over an
    /// exponentially growing window, or the server's `Retry-After`, both
    /// capped by `max_backoff`.
    fn backoff(&self, retry: u32, retry_after: Option<Duration>) -> Duration {
        let max = self.options.max_backoff;
        if let Some(after) = retry_after {
            return after.min(max);
        }
        let window = self
            .options
            .base_backoff
            .saturating_mul(1u32 << retry.min(16))
            .min(max);
        let nanos = u64::try_from(window.as_nanos()).unwrap_or(u64::MAX);
        if nanos == 0 {
            return Duration::ZERO;
        }
        Duration::from_nanos(random_u64() % (nanos + 1))
    }

    async fn attempt(&self, url: &Url, validators: Option<&Validators>) -> Attempt {
        let mut request = self
            .client
            .get(url.clone())
            .header(ACCEPT, "application/json, */*;q=0.5");
        if let Some(v) = validators {
            if let Some(etag) = &v.etag {
                request = request.header(IF_NONE_MATCH, etag);
            }
            if let Some(date) = &v.last_modified {
                request = request.header(IF_MODIFIED_SINCE, date);
            }
        }
        let mut response = match request.send().await {
            Ok(r) => r,
            Err(e) => return self.transport_error(&e),
        };
        let status = response.status();
        match status {
            StatusCode::NOT_MODIFIED if validators.is_some() => {
                return Attempt::Done(Got::NotModified);
            }
            StatusCode::NOT_FOUND | StatusCode::GONE => return Attempt::Done(Got::NotFound),
            // Overload and server trouble pass; a client error would not.
            s if s == StatusCode::TOO_MANY_REQUESTS
                || s == StatusCode::REQUEST_TIMEOUT
                || s.is_server_error() =>
            {
                return Attempt::Retry {
                    reason: format!("HTTP {}", status_text(status)),
                    retry_after: retry_after(response.headers()),
                };
            }
            s if !s.is_success() => {
                return Attempt::Done(Got::Failed(format!("HTTP {}", status_text(status))));
            }
            _ => {}
        }
        let cap = self.options.max_body_bytes;
        let declared = response
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
        if declared.is_some_and(|n| n > cap as u64) {
            return Attempt::Done(Got::Failed(capped(cap)));
        }
        let validators = Validators {
            etag: header_text(response.headers(), ETAG),
            last_modified: header_text(response.headers(), LAST_MODIFIED),
        };
        // Trust a declared length only so far: it may be a lie.
        let mut bytes = Vec::with_capacity(declared.map_or(0, |n| n as usize).min(1 << 20));
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if bytes.len() + chunk.len() > cap {
                        return Attempt::Done(Got::Failed(capped(cap)));
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                Err(e) if e.is_timeout() => {
                    return Attempt::Retry {
                        reason: format!("timed out after {}", seconds(self.options.timeout)),
                        retry_after: None,
                    };
                }
                Err(e) => {
                    return Attempt::Retry {
                        reason: format!(
                            "body cut short after {} bytes: {}",
                            bytes.len(),
                            describe(&e)
                        ),
                        retry_after: None,
                    };
                }
            }
        }
        Attempt::Done(Got::Body { bytes, validators })
    }

    fn transport_error(&self, e: &reqwest::Error) -> Attempt {
        if e.is_redirect() {
            return Attempt::Done(Got::Failed(describe(e)));
        }
        // An untrusted certificate stays untrusted on the next try.
        if is_tls_failure(e) {
            return Attempt::Done(Got::Failed(format!(
                "TLS failed (is the registry's CA trusted? see --ca-file): {}",
                describe(e)
            )));
        }
        let reason = if e.is_timeout() {
            format!("timed out after {}", seconds(self.options.timeout))
        } else if e.is_connect() {
            format!("cannot connect: {}", describe(e))
        } else {
            describe(e)
        };
        Attempt::Retry {
            reason,
            retry_after: None,
        }
    }
}

/// The certificates of a `--ca-file`: at least one, all PEM. Checked before
/// any request, so that a wrong file is one usage error, not a failure per package.
pub fn load_ca_file(path: &Path) -> Result<Vec<reqwest::Certificate>, String> {
    let pem = std::fs::read(path)
        .map_err(|e| format!("--ca-file {}: cannot be read: {e}", path.display()))?;
    let certs = reqwest::Certificate::from_pem_bundle(&pem)
        .map_err(|e| format!("--ca-file {}: not PEM certificates: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!(
            "--ca-file {}: holds no PEM certificate",
            path.display()
        ));
    }
    Ok(certs)
}

impl Target<'_> {
    /// `path` under the endpoint's base URL (the base always ends in `/`).
    pub fn url(&self, path: &str) -> Result<Url, String> {
        let text = format!("{}{}", self.base, path.trim_start_matches('/'));
        Url::parse(&text).map_err(|e| format!("cannot build a URL from {text:?}: {e}"))
    }

    /// GET `url` with retries; the failure message names the URL. A server
    /// asking (`Retry-After`) for a longer wait than `max_backoff` is not
    /// retried: a retry any sooner would only be refused again.
    pub async fn get(&self, url: &Url, validators: Option<&Validators>) -> Got {
        let http = self.http;
        let validators = validators.filter(|v| !v.is_empty());
        let attempts = http.options.retries + 1;
        let mut last = String::new();
        for attempt in 0..attempts {
            let outcome = {
                let Ok(_permit) = self.limit.acquire().await else {
                    return Got::Failed(format!("GET {url}: the client is shutting down"));
                };
                http.attempt(url, validators).await
            };
            match outcome {
                Attempt::Done(Got::Failed(why)) => return Got::Failed(format!("GET {url}: {why}")),
                Attempt::Done(got) => return got,
                Attempt::Retry {
                    reason,
                    retry_after,
                } => {
                    if attempt + 1 < attempts {
                        let max = http.options.max_backoff;
                        if let Some(after) = retry_after.filter(|after| *after > max) {
                            return Got::Unavailable(format!(
                                "GET {url}: {reason}; Retry-After {} is beyond the {} this client waits between attempts: not retried",
                                seconds(after),
                                seconds(max)
                            ));
                        }
                        tokio::time::sleep(http.backoff(attempt, retry_after)).await;
                    }
                    last = reason;
                }
            }
        }
        let tries = if attempts == 1 {
            "1 attempt".to_string()
        } else {
            format!("{attempts} attempts")
        };
        Got::Unavailable(format!("GET {url}: {last} ({tries})"))
    }
}

/// `Retry-After` as delay-seconds or an HTTP date.
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let text = header_text(headers, RETRY_AFTER)?;
    parse_retry_after(&text, jiff::Timestamp::now())
}

pub(crate) fn parse_retry_after(text: &str, now: jiff::Timestamp) -> Option<Duration> {
    let text = text.trim();
    if let Ok(secs) = text.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = jiff::fmt::rfc2822::parse(text).ok()?.timestamp();
    let wait = now.duration_until(when);
    Some(Duration::try_from(wait).unwrap_or(Duration::ZERO))
}

fn header_text(headers: &HeaderMap, name: reqwest::header::HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string)
}

fn status_text(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

fn capped(cap: usize) -> String {
    format!(
        "body larger than the {} cap; not read (capped)",
        byte_size(cap)
    )
}

/// `64 MiB`, `512 KiB`, `1000 bytes`.
pub(crate) fn byte_size(n: usize) -> String {
    const MIB: usize = 1024 * 1024;
    if n >= MIB && n.is_multiple_of(MIB) {
        format!("{} MiB", n / MIB)
    } else if n >= 1024 && n.is_multiple_of(1024) {
        format!("{} KiB", n / 1024)
    } else {
        format!("{n} bytes")
    }
}

/// `30 s`, `250 ms`.
fn seconds(d: Duration) -> String {
    if d.as_millis().is_multiple_of(1000) {
        format!("{} s", d.as_secs())
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// An error with its causes, which reqwest keeps in the source chain.
fn describe(e: &reqwest::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// Whether a rustls error (a certificate the verifier rejects, a failed
/// handshake) is among the causes. rustls errors reach reqwest wrapped in
/// `io::Error`s (nested), whose `source` skips what they wrap, so look inside.
fn is_tls_failure(e: &reqwest::Error) -> bool {
    fn holds_rustls(error: &(dyn std::error::Error + 'static)) -> bool {
        if error.is::<rustls::Error>() {
            return true;
        }
        if let Some(io) = error.downcast_ref::<std::io::Error>()
            && let Some(inner) = io.get_ref()
        {
            return holds_rustls(inner);
        }
        false
    }
    let mut source = e.source();
    while let Some(cause) = source {
        if holds_rustls(cause) {
            return true;
        }
        source = cause.source();
    }
    false
}

/// Randomness for jitter only: the standard library's randomly keyed hasher.
fn random_u64() -> u64 {
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u64(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64),
    );
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now: jiff::Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(
            parse_retry_after("Thu, 01 Jan 2026 00:00:05 GMT", now),
            Some(Duration::from_secs(5))
        );
        assert_eq!(
            parse_retry_after("Wed, 31 Dec 2025 23:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn backoff_is_jittered_within_a_doubling_window_and_capped() {
        let http = Http::new(ClientOptions {
            base_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(300),
            ..ClientOptions::default()
        })
        .unwrap();
        for _ in 0..50 {
            assert!(http.backoff(0, None) <= Duration::from_millis(100));
            assert!(http.backoff(1, None) <= Duration::from_millis(200));
            assert!(http.backoff(5, None) <= Duration::from_millis(300));
        }
        assert_eq!(
            http.backoff(0, Some(Duration::from_secs(60))),
            Duration::from_millis(300)
        );
        let spread: std::collections::BTreeSet<_> =
            (0..20).map(|_| http.backoff(3, None)).collect();
        assert!(spread.len() > 1, "no jitter: {spread:?}");
    }

    #[test]
    fn a_ca_file_must_hold_pem_certificates() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing.pem");
        let garbage = dir.path().join("garbage.pem");
        std::fs::write(&garbage, "not a certificate\n").unwrap();
        for (path, expected) in [(missing, "cannot be read"), (garbage, "PEM certificate")] {
            let options = ClientOptions {
                ca_file: Some(path.clone()),
                ..ClientOptions::default()
            };
            let Err(err) = Http::new(options) else {
                panic!("{} accepted", path.display());
            };
            assert!(err.starts_with("--ca-file "), "{err}");
            assert!(err.contains(expected), "{err}");
        }
    }

    #[test]
    fn sizes_are_written_in_round_units() {
        assert_eq!(byte_size(64 * 1024 * 1024), "64 MiB");
        assert_eq!(byte_size(2048), "2 KiB");
        assert_eq!(byte_size(1000), "1000 bytes");
    }
}
