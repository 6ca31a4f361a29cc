//! Distribution archive indexes kept in the cache, by URL, as they were
//! downloaded (compressed: a suite's indexes are a few megabytes each), with
//! their validators. A scan that needs a package no earlier scan asked for
//! then reads it from the stored index — after a conditional request the
//! archive answers with 304, or with no request at all when the URL names
//! the content (Debian's by-hash paths, createrepo's checksum-named files).
//! The per-package facts stay in the `packages` table; this table only
//! spares the downloads.

use super::client::Validators;
use super::http::{Got, Target};

/// One stored index.
pub struct Stored {
    pub validators: Validators,
    pub body: Vec<u8>,
}

/// Where archive indexes are kept: the cache's `indexes` table, in SQLite or
/// PostgreSQL. Failures only cost a later download, so nothing here fails.
pub trait IndexStore: Send + Sync {
    fn get(&self, url: &str) -> Option<Stored>;
    /// Stores (or replaces) an index that was checked.
    fn put(&self, url: &str, validators: &Validators, body: &[u8]);
    /// Marks a stored index as confirmed now (a 304, a by-hash reuse).
    fn touch(&self, url: &str);
}

/// The index store of a scan's cache.
pub type IndexCache = dyn IndexStore;

/// How an index was obtained.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Source {
    Downloaded,
    /// A 304 to a conditional request: the stored copy is current.
    NotModified,
    /// Its URL names its content: the stored copy, with no request.
    Stored,
}

/// GETs an index through the cache. With `immutable` (the URL names the
/// content) a stored copy is used with no request; otherwise the request
/// carries the stored copy's validators and a 304 is answered with it. A
/// download is not stored here: the caller stores it ([`IndexCache::put`])
/// once its checksum or signature has been checked, so a bad download is
/// never served again.
pub async fn get(
    target: &Target<'_>,
    url: &url::Url,
    store: Option<&IndexCache>,
    immutable: bool,
) -> (Got, Source) {
    let stored = store.and_then(|s| s.get(url.as_str()));
    if immutable && let Some(s) = stored {
        if let Some(store) = store {
            store.touch(url.as_str());
        }
        return (
            Got::Body {
                bytes: s.body,
                validators: s.validators,
            },
            Source::Stored,
        );
    }
    let got = target
        .get(url, stored.as_ref().map(|s| &s.validators))
        .await;
    match (got, stored) {
        (Got::NotModified, Some(s)) => {
            if let Some(store) = store {
                store.touch(url.as_str());
            }
            (
                Got::Body {
                    bytes: s.body,
                    validators: s.validators,
                },
                Source::NotModified,
            )
        }
        // Stored by the caller once it has checked what it got (see `put`).
        (Got::Body { bytes, validators }, _) => {
            (Got::Body { bytes, validators }, Source::Downloaded)
        }
        (other, _) => (other, Source::Downloaded),
    }
}
