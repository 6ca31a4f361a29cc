//! Distribution archive indexes kept in the cache, by URL, as they were
//! downloaded (compressed: a suite's indexes are a few megabytes each), with
//! their validators. A scan that needs a package no earlier scan asked for
//! then reads it from the stored index — after a conditional request the
//! archive answers with 304, or with no request at all when the URL names
//! the content (Debian's by-hash paths, createrepo's checksum-named files).
//! The per-package facts stay in the `packages` table; this table only
//! spares the downloads.

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};

use super::client::Validators;
use super::http::{Got, Target};

/// Stored indexes not fetched or confirmed for this long are deleted.
const KEEP_DAYS: i64 = 30;

/// One stored index.
pub struct Stored {
    pub validators: Validators,
    pub body: Vec<u8>,
}

/// The cache's `indexes` table, on a connection of its own so archive
/// clients on several threads can share it.
pub struct IndexCache {
    conn: Mutex<Connection>,
    writable: bool,
}

impl IndexCache {
    /// Opens the table in the cache at `path` (which [`super::cache::Cache`]
    /// has created and migrated).
    pub fn open(path: &Path, writable: bool) -> Result<IndexCache, String> {
        let flags = if writable {
            rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE
        } else {
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY
        };
        let conn =
            Connection::open_with_flags(path, flags | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .map_err(|e| format!("cannot open the index cache {}: {e}", path.display()))?;
        conn.busy_timeout(Duration::from_secs(60))
            .map_err(|e| e.to_string())?;
        if writable {
            // Indexes nobody confirmed for a month are gone from their archives anyway.
            let cutoff = jiff::Timestamp::now()
                .checked_sub(jiff::SignedDuration::from_hours(24 * KEEP_DAYS))
                .map(|t| t.to_string())
                .unwrap_or_default();
            let _ = conn.execute("DELETE FROM indexes WHERE fetched_at < ?1", params![cutoff]);
        }
        Ok(IndexCache {
            conn: Mutex::new(conn),
            writable,
        })
    }

    pub fn get(&self, url: &str) -> Option<Stored> {
        let conn = self.conn.lock().ok()?;
        conn.query_row(
            "SELECT etag, last_modified, body FROM indexes WHERE url = ?1",
            params![url],
            |r| {
                Ok(Stored {
                    validators: Validators {
                        etag: r.get(0)?,
                        last_modified: r.get(1)?,
                    },
                    body: r.get(2)?,
                })
            },
        )
        .optional()
        .ok()
        .flatten()
    }

    /// Stores (or replaces) an index that was checked; a failure only costs a later download.
    pub fn put(&self, url: &str, validators: &Validators, body: &[u8]) {
        if !self.writable {
            return;
        }
        if let Ok(conn) = self.conn.lock() {
            let _ = conn.execute(
                "INSERT OR REPLACE INTO indexes (url, etag, last_modified, fetched_at, body)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    url,
                    validators.etag,
                    validators.last_modified,
                    jiff::Timestamp::now().to_string(),
                    body
                ],
            );
        }
    }

    /// Marks a stored index as confirmed now (a 304, a by-hash reuse).
    fn touch(&self, url: &str) {
        if !self.writable {
            return;
        }
        if let Ok(conn) = self.conn.lock() {
            let _ = conn.execute(
                "UPDATE indexes SET fetched_at = ?2 WHERE url = ?1",
                params![url, jiff::Timestamp::now().to_string()],
            );
        }
    }
}

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
