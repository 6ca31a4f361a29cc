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
use super::http::Http;
use super::{cargo_index, goproxy, npm, pypi};
use crate::model::{Ecosystem, PackageFacts};

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
    /// After retries: what happened, e.g. "HTTP 503 after 4 attempts",
    /// "timed out after 30 s", "malformed JSON at line 3 column 5: …".
    Failed(String),
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
    http: Http,
    endpoints: Vec<(Endpoint, Arc<Semaphore>)>,
}

impl Registries {
    pub fn new(endpoints: Vec<Endpoint>, options: ClientOptions) -> Result<Registries, String> {
        if options.concurrency == 0 {
            return Err("registry concurrency must be at least 1".to_string());
        }
        let limit = options.concurrency;
        let http = Http::new(options)?;
        Ok(Registries {
            http,
            endpoints: endpoints
                .into_iter()
                .map(|e| (e, Arc::new(Semaphore::new(limit))))
                .collect(),
        })
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
        let ctx = super::http::Target {
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
