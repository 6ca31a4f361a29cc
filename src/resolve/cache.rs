//! The SQLite cache of package facts, keyed by (ecosystem, registry, name).
//!
//! Several scans may share one cache: WAL lets readers and a writer work at
//! once, and a busy timeout makes a second writer wait instead of failing.
//! Each scan writes everything it fetched in one transaction at the end, so
//! the async fetches never touch the database. A file that is not a database
//! is moved aside and rebuilt: a cache is never worth failing a scan for.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OptionalExtension, TransactionBehavior, params};

use crate::model::{Ecosystem, PackageFacts, Presence};

/// Version of the stored facts' layout: rows of another version are dropped
/// when the cache is opened (they would not deserialise into today's model).
const SCHEMA_VERSION: i64 = 1;

/// How long a writer waits for another scan's transaction.
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// One package's facts as cached.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub facts: PackageFacts,
    /// RFC 3339 time the facts were fetched (or last confirmed by a 304).
    pub fetched_at: String,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// The versions the scan that fetched these facts asked about: a version
    /// asked about but not listed is a fact too, not a reason to fetch again.
    pub checked: Vec<String>,
}

impl Entry {
    pub fn status(&self) -> Presence {
        self.facts.presence
    }
}

/// Counts for `chainrisk cache stats`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stats {
    pub path: PathBuf,
    /// Entries per ecosystem, sorted by ecosystem.
    pub per_ecosystem: Vec<(String, usize)>,
    pub not_found: usize,
    /// Bytes on disk (database and write-ahead log).
    pub size_bytes: u64,
    pub oldest: Option<String>,
    pub newest: Option<String>,
}

impl Stats {
    pub fn entries(&self) -> usize {
        self.per_ecosystem.iter().map(|(_, n)| n).sum()
    }
}

pub struct Cache {
    conn: Connection,
    path: PathBuf,
}

/// The default cache file: `<user cache dir>/chainrisk/cache.sqlite3`.
pub fn default_path() -> Option<PathBuf> {
    dirs::cache_dir().map(|d| d.join("chainrisk").join("cache.sqlite3"))
}

impl Cache {
    /// Opens (creating when needed) the cache at `path`. A file that is not a
    /// SQLite database is renamed `<path>.corrupt-<unix time>` and a new cache
    /// is built; the returned warnings say so.
    pub fn open(path: &Path) -> Result<(Cache, Vec<String>), String> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create the cache directory {}: {e}", dir.display()))?;
        }
        let mut warnings = Vec::new();
        match Cache::open_waiting(path) {
            Ok(cache) => Ok((cache, warnings)),
            Err(e) if is_corruption(&e) => {
                let aside = move_aside(path)?;
                warnings.push(format!(
                    "the cache {} is not a usable database ({e}); moved it to {} and started a new one",
                    path.display(),
                    aside.display()
                ));
                let cache = Cache::open_waiting(path)
                    .map_err(|e| format!("cannot open the cache {}: {e}", path.display()))?;
                Ok((cache, warnings))
            }
            Err(e) => Err(format!("cannot open the cache {}: {e}", path.display())),
        }
    }

    /// Opens, retrying while another scan holds a lock the busy handler does
    /// not wait for (SQLite returns "locked" at once when two connections
    /// switch a new file to WAL together).
    fn open_waiting(path: &Path) -> rusqlite::Result<Cache> {
        let start = std::time::Instant::now();
        loop {
            match Cache::open_checked(path) {
                Err(e) if is_busy(&e) && start.elapsed() < BUSY_TIMEOUT => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                other => return other,
            }
        }
    }

    fn open_checked(path: &Path) -> rusqlite::Result<Cache> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // The first real read: a file that is not a database fails here.
        let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        let _ = mode; // `memory` for special paths; WAL otherwise.
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        let mut cache = Cache {
            conn,
            path: path.to_path_buf(),
        };
        cache.migrate()?;
        // Catch a database whose pages are damaged beyond the header.
        let check: String = cache
            .conn
            .query_row("PRAGMA quick_check(1)", [], |r| r.get(0))?;
        if check != "ok" {
            return Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
                Some(format!("integrity check: {check}")),
            ));
        }
        Ok(cache)
    }

    /// Creates the table, or rebuilds it when it holds another layout.
    fn migrate(&mut self) -> rusqlite::Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let version: i64 = tx.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if version != SCHEMA_VERSION {
            tx.execute_batch(
                "DROP TABLE IF EXISTS packages;
                 CREATE TABLE packages (
                     ecosystem     TEXT NOT NULL,
                     registry      TEXT NOT NULL,
                     name          TEXT NOT NULL,
                     status        TEXT NOT NULL,
                     facts         TEXT NOT NULL,
                     fetched_at    TEXT NOT NULL,
                     etag          TEXT,
                     last_modified TEXT,
                     checked       TEXT NOT NULL DEFAULT '[]',
                     PRIMARY KEY (ecosystem, registry, name)
                 ) WITHOUT ROWID;",
            )?;
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        }
        tx.commit()
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The cached facts of one package, fresh or not. A row that does not
    /// deserialise is treated as absent (it will be fetched and replaced).
    pub fn get(
        &self,
        ecosystem: &Ecosystem,
        registry: &str,
        name: &str,
    ) -> Result<Option<Entry>, String> {
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT facts, fetched_at, etag, last_modified, checked FROM packages
                 WHERE ecosystem = ?1 AND registry = ?2 AND name = ?3",
            )
            .map_err(|e| self.error("read", e))?;
        let row = stmt
            .query_row(params![ecosystem.as_str(), registry, name], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })
            .optional()
            .map_err(|e| self.error("read", e))?;
        Ok(
            row.and_then(|(facts, fetched_at, etag, last_modified, checked)| {
                Some(Entry {
                    facts: serde_json::from_str(&facts).ok()?,
                    fetched_at,
                    etag,
                    last_modified,
                    checked: serde_json::from_str(&checked).unwrap_or_default(),
                })
            }),
        )
    }

    /// Stores entries in one transaction, replacing earlier rows of the same package.
    pub fn put_all<'a>(
        &mut self,
        entries: impl IntoIterator<Item = &'a Entry>,
    ) -> Result<usize, String> {
        let entries: Vec<&Entry> = entries.into_iter().collect();
        let start = std::time::Instant::now();
        loop {
            match self.write_once(&entries) {
                // Busy beyond what the busy handler waits for: try the whole transaction again.
                Err(e) if is_busy(&e) && start.elapsed() < BUSY_TIMEOUT => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => {
                    return Err(format!(
                        "cannot write the cache {}: {e}",
                        self.path.display()
                    ));
                }
                Ok(n) => return Ok(n),
            }
        }
    }

    fn write_once(&mut self, entries: &[&Entry]) -> rusqlite::Result<usize> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        {
            let mut stmt = tx.prepare_cached(
                "INSERT INTO packages
                   (ecosystem, registry, name, status, facts, fetched_at, etag, last_modified, checked)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (ecosystem, registry, name) DO UPDATE SET
                   status = excluded.status, facts = excluded.facts,
                   fetched_at = excluded.fetched_at, etag = excluded.etag,
                   last_modified = excluded.last_modified, checked = excluded.checked",
            )?;
            for e in entries {
                // The model always serialises; an empty object would only mean "fetch again".
                let facts = serde_json::to_string(&e.facts).unwrap_or_else(|_| "{}".into());
                let checked = serde_json::to_string(&e.checked).unwrap_or_else(|_| "[]".into());
                stmt.execute(params![
                    e.facts.ecosystem.as_str(),
                    e.facts.registry,
                    e.facts.name,
                    status_str(e.status()),
                    facts,
                    e.fetched_at,
                    e.etag,
                    e.last_modified,
                    checked,
                ])?;
            }
        }
        tx.commit()?;
        Ok(entries.len())
    }

    /// Every entry, for exporting the whole cache as a snapshot.
    pub fn all(&self) -> Result<Vec<Entry>, String> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT facts, fetched_at, etag, last_modified, checked FROM packages
                 ORDER BY ecosystem, registry, name",
            )
            .map_err(|e| self.error("read", e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })
            .map_err(|e| self.error("read", e))?;
        let mut out = Vec::new();
        for row in rows {
            let (facts, fetched_at, etag, last_modified, checked) =
                row.map_err(|e| self.error("read", e))?;
            if let Ok(facts) = serde_json::from_str(&facts) {
                out.push(Entry {
                    facts,
                    fetched_at,
                    etag,
                    last_modified,
                    checked: serde_json::from_str(&checked).unwrap_or_default(),
                });
            }
        }
        Ok(out)
    }

    pub fn stats(&self) -> Result<Stats, String> {
        let err = |e| self.error("read", e);
        let mut per_ecosystem = Vec::new();
        {
            let mut stmt = self
                .conn
                .prepare("SELECT ecosystem, COUNT(*) FROM packages GROUP BY ecosystem ORDER BY ecosystem")
                .map_err(err)?;
            let rows = stmt
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))
                .map_err(err)?;
            for row in rows {
                let (eco, n) = row.map_err(err)?;
                per_ecosystem.push((eco, n.max(0) as usize));
            }
        }
        let not_found: i64 = self
            .conn
            .query_row(
                "SELECT COUNT(*) FROM packages WHERE status = 'not_found'",
                [],
                |r| r.get(0),
            )
            .map_err(err)?;
        let (oldest, newest): (Option<String>, Option<String>) = self
            .conn
            .query_row(
                "SELECT MIN(fetched_at), MAX(fetched_at) FROM packages",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .map_err(err)?;
        let size_bytes = ["", "-wal"]
            .iter()
            .filter_map(|suffix| {
                let mut p = self.path.clone().into_os_string();
                p.push(suffix);
                std::fs::metadata(PathBuf::from(p)).ok().map(|m| m.len())
            })
            .sum();
        Ok(Stats {
            path: self.path.clone(),
            per_ecosystem,
            not_found: not_found.max(0) as usize,
            size_bytes,
            oldest,
            newest,
        })
    }

    /// Removes every entry; returns how many there were.
    pub fn clear(&mut self) -> Result<usize, String> {
        let n = self
            .conn
            .execute("DELETE FROM packages", [])
            .map_err(|e| self.error("clear", e))?;
        // Give the space back; a failure here (another scan reading) is harmless.
        let _ = self.conn.execute_batch("VACUUM");
        Ok(n)
    }

    fn error(&self, what: &str, e: rusqlite::Error) -> String {
        format!("cannot {what} the cache {}: {e}", self.path.display())
    }
}

fn status_str(p: Presence) -> &'static str {
    match p {
        Presence::Found => "found",
        Presence::NotFound => "not_found",
    }
}

/// Errors that mean another connection holds the lock.
fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

/// Errors that mean the file is not a (usable) SQLite database.
fn is_corruption(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::NotADatabase | ErrorCode::DatabaseCorrupt)
    )
}

/// Renames a damaged cache (and its WAL and shared-memory files) out of the way.
fn move_aside(path: &Path) -> Result<PathBuf, String> {
    let stamp = jiff::Timestamp::now().as_second();
    let with_suffix = |p: &Path, suffix: &str| {
        let mut s = p.as_os_str().to_owned();
        s.push(suffix);
        PathBuf::from(s)
    };
    let aside = with_suffix(path, &format!(".corrupt-{stamp}"));
    std::fs::rename(path, &aside).map_err(|e| {
        format!(
            "the cache {} is not a usable database and cannot be moved aside: {e}",
            path.display()
        )
    })?;
    for suffix in ["-wal", "-shm"] {
        let side = with_suffix(path, suffix);
        if side.exists() {
            let _ = std::fs::rename(&side, with_suffix(&aside, suffix));
        }
    }
    Ok(aside)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ReleaseFacts;

    fn entry(eco: Ecosystem, name: &str, fetched_at: &str) -> Entry {
        Entry {
            facts: PackageFacts {
                ecosystem: eco,
                registry: "http://127.0.0.1:9/".into(),
                name: name.into(),
                versions: vec![ReleaseFacts {
                    version: "1.0.0".into(),
                    ..ReleaseFacts::default()
                }],
                ..PackageFacts::default()
            },
            fetched_at: fetched_at.into(),
            etag: Some("\"abc\"".into()),
            last_modified: None,
            checked: vec!["1.0.0".into()],
        }
    }

    #[test]
    fn stores_reads_replaces_counts_and_clears() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/cache.sqlite3");
        let (mut cache, warnings) = Cache::open(&path).unwrap();
        assert!(warnings.is_empty());
        let a = entry(Ecosystem::Npm, "a", "2026-01-01T00:00:00Z");
        let mut b = entry(Ecosystem::Cargo, "b", "2026-01-02T00:00:00Z");
        b.facts.presence = Presence::NotFound;
        assert_eq!(cache.put_all([&a, &b]).unwrap(), 2);
        assert_eq!(
            cache
                .get(&Ecosystem::Npm, "http://127.0.0.1:9/", "a")
                .unwrap(),
            Some(a.clone())
        );
        assert_eq!(
            cache.get(&Ecosystem::Npm, "http://other/", "a").unwrap(),
            None
        );

        let mut a2 = a.clone();
        a2.fetched_at = "2026-02-01T00:00:00Z".into();
        cache.put_all([&a2]).unwrap();
        drop(cache);

        let (mut cache, _) = Cache::open(&path).unwrap();
        let stats = cache.stats().unwrap();
        assert_eq!(
            stats.per_ecosystem,
            vec![("cargo".to_string(), 1), ("npm".to_string(), 1)]
        );
        assert_eq!(stats.not_found, 1);
        assert_eq!(stats.oldest.as_deref(), Some("2026-01-02T00:00:00Z"));
        assert_eq!(stats.newest.as_deref(), Some("2026-02-01T00:00:00Z"));
        assert!(stats.size_bytes > 0);
        assert_eq!(cache.all().unwrap().len(), 2);
        assert_eq!(cache.clear().unwrap(), 2);
        assert_eq!(cache.stats().unwrap().entries(), 0);
    }

    #[test]
    fn a_file_that_is_not_a_database_is_moved_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite3");
        std::fs::write(&path, vec![b'x'; 8192]).unwrap();
        let (mut cache, warnings) = Cache::open(&path).unwrap();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains(".corrupt-"), "{}", warnings[0]);
        let aside: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(".corrupt-"))
            .collect();
        assert_eq!(aside.len(), 1);
        assert_eq!(std::fs::read(aside[0].path()).unwrap(), vec![b'x'; 8192]);
        cache
            .put_all([&entry(Ecosystem::Npm, "a", "2026-01-01T00:00:00Z")])
            .unwrap();
        assert_eq!(cache.stats().unwrap().entries(), 1);
    }

    #[test]
    fn rows_of_another_layout_are_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite3");
        {
            let (mut cache, _) = Cache::open(&path).unwrap();
            cache
                .put_all([&entry(Ecosystem::Npm, "a", "2026-01-01T00:00:00Z")])
                .unwrap();
            cache
                .conn
                .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
                .unwrap();
        }
        let (cache, _) = Cache::open(&path).unwrap();
        assert_eq!(cache.stats().unwrap().entries(), 0);
    }
}
