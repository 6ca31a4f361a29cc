//! The SQLite cache's `indexes` table, on a connection of its own so archive
//! clients on several threads can share it.

use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};

use super::INDEX_KEEP_DAYS;
use crate::resolve::client::Validators;
use crate::resolve::index_cache::{IndexStore, Stored};

pub struct SqliteIndexes {
    conn: Mutex<Connection>,
    writable: bool,
}

impl SqliteIndexes {
    /// Opens the table in the cache at `path` (which [`super::SqliteCache`]
    /// has created and migrated).
    pub fn open(path: &Path, writable: bool) -> Result<SqliteIndexes, String> {
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
                .checked_sub(jiff::SignedDuration::from_hours(24 * INDEX_KEEP_DAYS))
                .map(|t| t.to_string())
                .unwrap_or_default();
            let _ = conn.execute("DELETE FROM indexes WHERE fetched_at < ?1", params![cutoff]);
        }
        Ok(SqliteIndexes {
            conn: Mutex::new(conn),
            writable,
        })
    }
}

impl IndexStore for SqliteIndexes {
    fn get(&self, url: &str) -> Option<Stored> {
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

    fn put(&self, url: &str, validators: &Validators, body: &[u8]) {
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
