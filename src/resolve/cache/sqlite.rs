//! The SQLite cache: one file on one machine (the default).
//!
//! Several scans may share one cache: WAL lets readers and a writer work at
//! once, and a busy timeout makes a second writer wait instead of failing.
//! Each scan writes everything it fetched in one transaction at the end, so
//! the async fetches never touch the database. A file that is not a database
//! is moved aside and rebuilt: a cache is never worth failing a scan for.
//!
//! A cache is marked as chainrisk's (`PRAGMA application_id`): a database of
//! another application given as `--cache` is refused and never modified. A
//! cache that cannot be written (a read-only mount) is read as it is.
//!

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{
    Connection, ErrorCode, MAIN_DB, OpenFlags, OptionalExtension, TransactionBehavior, params,
};

use std::sync::Arc;

use super::sqlite_indexes::SqliteIndexes;
use super::{CacheBackend, Entry, Failure, PackageKey, Stats, entry_of, status_str};
use crate::model::Ecosystem;
use crate::resolve::index_cache::IndexStore;

/// Marks a SQLite file as a chainrisk cache: `CRSK`.
pub const APPLICATION_ID: i32 = 0x4352_534B;

/// Version of the stored layout: the number of [`MIGRATIONS`] applied.
const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The layout's history: migration `i` takes a cache from version `i` to
/// `i + 1`. A cache is brought forward one step at a time and never
/// rebuilt; a cache of a later version (a newer chainrisk) is left as it is.
const MIGRATIONS: [&str; 3] = [CREATE_PACKAGES, CREATE_FAILURES, CREATE_INDEXES];

/// How long a writer waits for another scan's transaction.
const BUSY_TIMEOUT: Duration = Duration::from_secs(60);

/// The columns of `packages`, in order: how a cache written before caches
/// carried an application id is recognised.
const PACKAGE_COLUMNS: [&str; 9] = [
    "ecosystem",
    "registry",
    "name",
    "status",
    "facts",
    "fetched_at",
    "etag",
    "last_modified",
    "checked",
];

const CREATE_PACKAGES: &str = "CREATE TABLE packages (
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
 ) WITHOUT ROWID;";

const CREATE_FAILURES: &str = "CREATE TABLE failures (
     ecosystem  TEXT NOT NULL,
     registry   TEXT NOT NULL,
     name       TEXT NOT NULL,
     reason     TEXT NOT NULL,
     failed_at  TEXT NOT NULL,
     PRIMARY KEY (ecosystem, registry, name)
 ) WITHOUT ROWID;";

const CREATE_INDEXES: &str = "CREATE TABLE indexes (
     url           TEXT PRIMARY KEY,
     etag          TEXT,
     last_modified TEXT,
     fetched_at    TEXT NOT NULL,
     body          BLOB NOT NULL
 );";

pub struct SqliteCache {
    conn: Connection,
    path: PathBuf,
    /// Why nothing can be written (a read-only file or directory), when so.
    read_only: Option<String>,
    /// Whether the `failures` table exists (a read-only cache of layout 1 has none).
    has_failures: bool,
}

/// Why a file could not be opened as a cache.
#[derive(Debug)]
enum OpenError {
    Sqlite(rusqlite::Error),
    /// A database of another application, left as it is.
    Foreign(String),
    /// Read-only, and of a layout this version cannot read without rebuilding it.
    Unreadable(String),
}

impl From<rusqlite::Error> for OpenError {
    fn from(e: rusqlite::Error) -> OpenError {
        OpenError::Sqlite(e)
    }
}

/// What a database file holds, judged before anything is written to it.
#[derive(Debug, PartialEq)]
enum Kind {
    /// No table and no marks: a new file.
    Empty,
    /// Marked as chainrisk's, of layout `version`.
    Chainrisk { version: i64 },
    /// chainrisk's `packages` table alone, without the mark (caches written
    /// before they carried one).
    Unmarked,
    /// Anything else, described.
    Foreign(String),
}

/// Reads the marks and tables of the database open on `conn`.
fn kind(conn: &Connection) -> rusqlite::Result<Kind> {
    // The first real read: a file that is not a database fails here.
    let id: i32 = conn.query_row("PRAGMA application_id", [], |r| r.get(0))?;
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    let mut stmt = conn.prepare(
        "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    )?;
    let objects = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<rusqlite::Result<Vec<String>>>()?;
    if id == APPLICATION_ID {
        return Ok(Kind::Chainrisk { version });
    }
    if id != 0 {
        return Ok(Kind::Foreign(format!(
            "its application id is {id:#010x}, not chainrisk's"
        )));
    }
    if objects.is_empty() {
        return Ok(if version == 0 {
            Kind::Empty
        } else {
            Kind::Foreign(format!("it has no table but user version {version}"))
        });
    }
    if objects == ["packages"] && columns(conn, "packages")? == PACKAGE_COLUMNS {
        return Ok(Kind::Unmarked);
    }
    // chainrisk's current tables without the mark: another scan creating the
    // same cache at this moment (two CI jobs starting together) is seen
    // between its tables and its mark, so this is ours, not a stranger's.
    if (objects == ["failures", "packages"] || objects == ["failures", "indexes", "packages"])
        && (version == 0 || version == SCHEMA_VERSION)
        && columns(conn, "packages")? == PACKAGE_COLUMNS
    {
        return Ok(Kind::Chainrisk {
            version: SCHEMA_VERSION,
        });
    }
    const SHOWN: usize = 5;
    let mut listed = objects
        .iter()
        .take(SHOWN)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if objects.len() > SHOWN {
        listed.push_str(&format!(" and {} more", objects.len() - SHOWN));
    }
    Ok(Kind::Foreign(format!(
        "it holds tables or indexes chainrisk did not make: {listed}"
    )))
}

fn columns(conn: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(&format!("PRAGMA table_info({table})"))?;
    stmt.query_map([], |r| r.get::<_, String>(1))?.collect()
}

fn has_table(conn: &Connection, table: &str) -> rusqlite::Result<bool> {
    conn.query_row(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [table],
        |r| r.get::<_, i64>(0),
    )
    .map(|n| n > 0)
}

impl SqliteCache {
    /// Opens (creating when needed) the cache at `path`. A file that is not a
    /// SQLite database is renamed `<path>.corrupt-<unix time>` and a new cache
    /// is built; the returned warnings say so. A database of another
    /// application is an error and is left as it is. A cache that cannot be
    /// written is opened read-only ([`Cache::read_only`] says why).
    pub fn open(path: &Path) -> Result<(SqliteCache, Vec<String>), String> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
            && !dir.is_dir()
        {
            std::fs::create_dir_all(dir)
                .map_err(|e| format!("cannot create the cache directory {}: {e}", dir.display()))?;
        }
        let mut warnings = Vec::new();
        let describe = |e: OpenError| match e {
            OpenError::Foreign(why) => format!(
                "{} is not a chainrisk cache ({why}); it was left as it is: give --cache another file",
                path.display()
            ),
            OpenError::Unreadable(why) => format!("cannot use the cache {}: {why}", path.display()),
            OpenError::Sqlite(e) => format!("cannot open the cache {}: {e}", path.display()),
        };
        match SqliteCache::open_waiting(path) {
            Ok(cache) => Ok((cache, warnings)),
            Err(OpenError::Sqlite(e)) if is_corruption(&e) => {
                let aside = move_aside(path)?;
                warnings.push(format!(
                    "the cache {} is not a usable database ({e}); moved it to {} and started a new one",
                    path.display(),
                    aside.display()
                ));
                let cache = SqliteCache::open_waiting(path).map_err(describe)?;
                Ok((cache, warnings))
            }
            Err(e) => Err(describe(e)),
        }
    }

    /// Opens, retrying while another scan holds a lock the busy handler does
    /// not wait for (SQLite returns "locked" at once when two connections
    /// switch a new file to WAL together).
    fn open_waiting(path: &Path) -> Result<SqliteCache, OpenError> {
        let start = std::time::Instant::now();
        loop {
            match SqliteCache::open_checked(path) {
                Err(OpenError::Sqlite(e)) if is_busy(&e) && start.elapsed() < BUSY_TIMEOUT => {
                    std::thread::sleep(Duration::from_millis(20));
                }
                other => return other,
            }
        }
    }

    fn open_checked(path: &Path) -> Result<SqliteCache, OpenError> {
        // Opens read-write, or read-only when the file cannot be written.
        let conn = Connection::open(path)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        // Judge the file before anything is written to it: switching to WAL
        // alone would rewrite another application's database header.
        match kind(&conn) {
            Ok(Kind::Foreign(why)) => return Err(OpenError::Foreign(why)),
            Ok(_) => {}
            Err(e) if is_unwritable(&e) => {
                return SqliteCache::open_read_only(path, &e.to_string());
            }
            Err(e) => return Err(e.into()),
        }
        if conn.is_readonly(MAIN_DB)? {
            return SqliteCache::open_read_only(path, "the file cannot be written");
        }
        let mut cache = SqliteCache {
            conn,
            path: path.to_path_buf(),
            read_only: None,
            has_failures: true,
        };
        let prepared = (|| {
            let _mode: String = cache
                .conn
                .query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
            cache.conn.pragma_update(None, "synchronous", "NORMAL")?;
            cache.migrate()
        })();
        match prepared {
            Ok(()) => {}
            Err(OpenError::Sqlite(e)) if is_unwritable(&e) => {
                return SqliteCache::open_read_only(path, &e.to_string());
            }
            Err(e) => return Err(e),
        }
        cache.check_integrity()?;
        Ok(cache)
    }

    /// Opens a cache that cannot be written, for reading only. In a directory
    /// where SQLite cannot make the shared-memory file a WAL database needs,
    /// the file is opened as immutable (nothing else can be writing it there).
    fn open_read_only(path: &Path, why: &str) -> Result<SqliteCache, OpenError> {
        // Say which cannot be written: SQLite's own words name neither.
        let why = match std::fs::OpenOptions::new().write(true).open(path) {
            Err(e) => format!("the file cannot be written: {e}"),
            Ok(_) => format!("its directory cannot be written: {why}"),
        };
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags)?;
        conn.busy_timeout(BUSY_TIMEOUT)?;
        let (conn, kind) = match kind(&conn) {
            Ok(kind) => (conn, kind),
            Err(e) if is_unwritable(&e) => {
                let conn = Connection::open_with_flags(immutable_uri(path)?, flags)?;
                let kind = kind(&conn)?;
                (conn, kind)
            }
            Err(e) => return Err(e.into()),
        };
        match kind {
            Kind::Foreign(why) => return Err(OpenError::Foreign(why)),
            Kind::Empty => {
                return Err(OpenError::Unreadable(format!(
                    "it is empty and cannot be written ({why})"
                )));
            }
            Kind::Chainrisk { version } if !(1..=SCHEMA_VERSION).contains(&version) => {
                return Err(OpenError::Unreadable(format!(
                    "it is of another layout ({version}) and cannot be rebuilt: it cannot be written ({why})"
                )));
            }
            Kind::Chainrisk { .. } | Kind::Unmarked => {}
        }
        let has_failures = has_table(&conn, "failures")?;
        let cache = SqliteCache {
            conn,
            path: path.to_path_buf(),
            read_only: Some(why),
            has_failures,
        };
        cache.check_integrity()?;
        Ok(cache)
    }

    /// Catches a database whose pages are damaged beyond the header.
    fn check_integrity(&self) -> rusqlite::Result<()> {
        let check: String = self
            .conn
            .query_row("PRAGMA quick_check(1)", [], |r| r.get(0))?;
        if check != "ok" {
            return Err(rusqlite::Error::SqliteFailure(
                rusqlite::ffi::Error::new(rusqlite::ffi::SQLITE_CORRUPT),
                Some(format!("integrity check: {check}")),
            ));
        }
        Ok(())
    }

    /// Applies the migrations the file lacks and marks it as chainrisk's.
    /// The file is judged again inside the transaction: another process may
    /// have written it since.
    fn migrate(&mut self) -> Result<(), OpenError> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let (version, marked) = match kind(&tx)? {
            Kind::Foreign(why) => return Err(OpenError::Foreign(why)),
            Kind::Empty => (0, false),
            Kind::Unmarked => (1, false),
            Kind::Chainrisk { version } => (version, true),
        };
        if version > SCHEMA_VERSION {
            return Err(OpenError::Unreadable(format!(
                "it is of layout {version}, written by a newer chainrisk (this one knows up to {SCHEMA_VERSION}); it was left as it is"
            )));
        }
        for step in MIGRATIONS.iter().skip(version.max(0) as usize) {
            tx.execute_batch(step)?;
        }
        if version != SCHEMA_VERSION {
            tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
        }
        if !marked {
            tx.pragma_update(None, "application_id", APPLICATION_ID)?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether the file has the `indexes` table (a read-only cache of an
    /// older layout has not).
    pub fn has_indexes(&self) -> bool {
        self.conn
            .query_row(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'indexes'",
                [],
                |_| Ok(()),
            )
            .is_ok()
    }

    /// The cached facts of one package, fresh or not.
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
            .query_row(params![ecosystem.as_str(), registry, name], row_of)
            .optional()
            .map_err(|e| self.error("read", e))?;
        Ok(row.and_then(|(f, at, etag, lm, checked)| entry_of(&f, at, etag, lm, &checked)))
    }

    /// The failure remembered for one package, however old.
    pub fn failure(
        &self,
        ecosystem: &Ecosystem,
        registry: &str,
        name: &str,
    ) -> Result<Option<Failure>, String> {
        if !self.has_failures {
            return Ok(None);
        }
        let mut stmt = self
            .conn
            .prepare_cached(
                "SELECT reason, failed_at FROM failures
                 WHERE ecosystem = ?1 AND registry = ?2 AND name = ?3",
            )
            .map_err(|e| self.error("read", e))?;
        stmt.query_row(params![ecosystem.as_str(), registry, name], |r| {
            Ok(Failure {
                ecosystem: ecosystem.clone(),
                registry: registry.to_string(),
                name: name.to_string(),
                reason: r.get(0)?,
                failed_at: r.get(1)?,
            })
        })
        .optional()
        .map_err(|e| self.error("read", e))
    }

    /// Stores entries in one transaction.
    pub fn put_all<'a>(
        &mut self,
        entries: impl IntoIterator<Item = &'a Entry>,
    ) -> Result<usize, String> {
        let entries: Vec<&Entry> = entries.into_iter().collect();
        self.store(&entries, &[])
    }

    fn write_once(&mut self, entries: &[&Entry], failures: &[Failure]) -> rusqlite::Result<usize> {
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut stored = 0;
        {
            // Facts fetched earlier than those stored (a slower scan finishing
            // later) do not replace them.
            let mut stmt = tx.prepare_cached(
                "INSERT INTO packages
                   (ecosystem, registry, name, status, facts, fetched_at, etag, last_modified, checked)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT (ecosystem, registry, name) DO UPDATE SET
                   status = excluded.status, facts = excluded.facts,
                   fetched_at = excluded.fetched_at, etag = excluded.etag,
                   last_modified = excluded.last_modified, checked = excluded.checked
                 WHERE excluded.fetched_at >= packages.fetched_at",
            )?;
            let mut forget = tx.prepare_cached(
                "DELETE FROM failures WHERE ecosystem = ?1 AND registry = ?2 AND name = ?3",
            )?;
            for e in entries {
                // The model always serialises; an empty object would only mean "fetch again".
                let facts = serde_json::to_string(&e.facts).unwrap_or_else(|_| "{}".into());
                let checked = serde_json::to_string(&e.checked).unwrap_or_else(|_| "[]".into());
                let key = params![e.facts.ecosystem.as_str(), e.facts.registry, e.facts.name];
                stored += stmt.execute(params![
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
                forget.execute(key)?;
            }
            let mut remember = tx.prepare_cached(
                "INSERT INTO failures (ecosystem, registry, name, reason, failed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (ecosystem, registry, name) DO UPDATE SET
                   reason = excluded.reason, failed_at = excluded.failed_at",
            )?;
            for f in failures {
                remember.execute(params![
                    f.ecosystem.as_str(),
                    f.registry,
                    f.name,
                    f.reason,
                    f.failed_at
                ])?;
            }
        }
        tx.commit()?;
        Ok(stored)
    }

    fn error(&self, what: &str, e: rusqlite::Error) -> String {
        format!("cannot {what} the cache {}: {e}", self.path.display())
    }
}

/// One `packages` row's columns: facts, fetched_at, etag, last_modified, checked.
type Row = (String, String, Option<String>, Option<String>, String);

fn row_of(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

impl CacheBackend for SqliteCache {
    fn location(&self) -> String {
        self.path.display().to_string()
    }

    fn read_only(&self) -> Option<&str> {
        self.read_only.as_deref()
    }

    fn get_many(&self, keys: &[PackageKey]) -> Result<Vec<Option<Entry>>, String> {
        keys.iter()
            .map(|k| self.get(&k.ecosystem, &k.registry, &k.name))
            .collect()
    }

    fn registries(&self, ecosystem: &Ecosystem) -> Result<Vec<String>, String> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT registry FROM packages WHERE ecosystem = ?1
                 GROUP BY registry ORDER BY MAX(fetched_at) DESC, registry",
            )
            .map_err(|e| self.error("read", e))?;
        stmt.query_map([ecosystem.as_str()], |r| r.get::<_, String>(0))
            .and_then(|rows| rows.collect())
            .map_err(|e| self.error("read", e))
    }

    fn failures(&self, keys: &[PackageKey]) -> Result<Vec<Option<Failure>>, String> {
        keys.iter()
            .map(|k| self.failure(&k.ecosystem, &k.registry, &k.name))
            .collect()
    }

    fn store(&mut self, entries: &[&Entry], failures: &[Failure]) -> Result<usize, String> {
        if self.read_only.is_some() {
            return Ok(0);
        }
        let start = std::time::Instant::now();
        loop {
            match self.write_once(entries, failures) {
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

    fn all(&self) -> Result<Vec<Entry>, String> {
        let mut stmt = self
            .conn
            .prepare(
                "SELECT facts, fetched_at, etag, last_modified, checked FROM packages
                 ORDER BY ecosystem, registry, name",
            )
            .map_err(|e| self.error("read", e))?;
        let rows = stmt
            .query_map([], row_of)
            .map_err(|e| self.error("read", e))?;
        let mut out = Vec::new();
        for row in rows {
            let (f, at, etag, lm, checked) = row.map_err(|e| self.error("read", e))?;
            if let Some(entry) = entry_of(&f, at, etag, lm, &checked) {
                out.push(entry);
            }
        }
        Ok(out)
    }

    fn stats(&self) -> Result<Stats, String> {
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
        let indexes: i64 = if self.has_indexes() {
            self.conn
                .query_row("SELECT COUNT(*) FROM indexes", [], |r| r.get(0))
                .map_err(err)?
        } else {
            0
        };
        let size_bytes = ["", "-wal"]
            .iter()
            .filter_map(|suffix| {
                let mut p = self.path.clone().into_os_string();
                p.push(suffix);
                std::fs::metadata(PathBuf::from(p)).ok().map(|m| m.len())
            })
            .sum();
        Ok(Stats {
            location: self.location(),
            per_ecosystem,
            not_found: not_found.max(0) as usize,
            size_bytes,
            oldest,
            newest,
            indexes: indexes.max(0) as usize,
        })
    }

    fn clear(&mut self, older_than: Option<jiff::Timestamp>) -> Result<usize, String> {
        if let Some(why) = &self.read_only {
            return Err(format!(
                "cannot clear the cache {}: it cannot be written ({why})",
                self.path.display()
            ));
        }
        // Every time in the cache is written as RFC 3339 in UTC: text order is time order.
        let cutoff = older_than.map(|t| t.to_string());
        let mut tables = vec![("packages", "fetched_at"), ("failures", "failed_at")];
        if self.has_indexes() {
            tables.push(("indexes", "fetched_at"));
        }
        let tx = self
            .conn
            .transaction()
            .map_err(|e| format!("cannot clear the cache {}: {e}", self.path.display()))?;
        let mut removed = 0;
        for (table, column) in tables {
            let n = match &cutoff {
                None => tx.execute(&format!("DELETE FROM {table}"), []),
                Some(c) => tx.execute(&format!("DELETE FROM {table} WHERE {column} < ?1"), [c]),
            }
            .map_err(|e| format!("cannot clear the cache {}: {e}", self.path.display()))?;
            if table == "packages" {
                removed = n;
            }
        }
        tx.commit()
            .map_err(|e| format!("cannot clear the cache {}: {e}", self.path.display()))?;
        // Give the space back; a failure here (another scan reading) is harmless.
        let _ = self.conn.execute_batch("VACUUM");
        Ok(removed)
    }

    fn indexes(&self) -> Option<Arc<dyn IndexStore>> {
        if !self.has_indexes() {
            return None;
        }
        SqliteIndexes::open(&self.path, self.read_only.is_none())
            .ok()
            .map(|i| Arc::new(i) as Arc<dyn IndexStore>)
    }
}

/// Errors that mean another connection holds the lock.
fn is_busy(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked)
    )
}

/// Errors that mean the file or its directory cannot be written: the cache
/// is then read as it is.
fn is_unwritable(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::ReadOnly | ErrorCode::CannotOpen | ErrorCode::PermissionDenied)
    )
}

/// `file:` URI of `path` that opens it as immutable: no lock, no
/// shared-memory file, no journal.
fn immutable_uri(path: &Path) -> rusqlite::Result<String> {
    let absolute = std::path::absolute(path).map_err(|e| {
        rusqlite::Error::InvalidPath(PathBuf::from(format!("{}: {e}", path.display())))
    })?;
    let url = url::Url::from_file_path(&absolute)
        .map_err(|()| rusqlite::Error::InvalidPath(absolute.clone()))?;
    Ok(format!("{url}?immutable=1"))
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
    use crate::model::{PackageFacts, Presence};

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
        let (mut cache, warnings) = SqliteCache::open(&path).unwrap();
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

        let (mut cache, _) = SqliteCache::open(&path).unwrap();
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
        assert_eq!(cache.clear(None).unwrap(), 2);
        assert_eq!(cache.stats().unwrap().entries(), 0);
    }

    #[test]
    fn a_file_that_is_not_a_database_is_moved_aside() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite3");
        std::fs::write(&path, vec![b'x'; 8192]).unwrap();
        let (mut cache, warnings) = SqliteCache::open(&path).unwrap();
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

    /// The layout chainrisk wrote before caches carried an application id.
    const UNMARKED_V1: &str = "CREATE TABLE packages (
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
         ) WITHOUT ROWID;
         PRAGMA user_version = 1;";

    #[test]
    fn a_foreign_database_is_refused_and_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let setups = [
            // Another application's tables, one of them named like ours.
            "CREATE TABLE packages (id INTEGER PRIMARY KEY, label TEXT);
             INSERT INTO packages (label) VALUES ('x');
             PRAGMA user_version = 1;",
            // Our layout exactly, but another application's id.
            &format!("{UNMARKED_V1} PRAGMA application_id = 1234;"),
            // Our table and one more.
            &format!("{UNMARKED_V1} CREATE TABLE extra (x TEXT);"),
            // No table, but another application's id.
            "PRAGMA application_id = 99;",
        ];
        for (i, setup) in setups.iter().enumerate() {
            let path = dir.path().join(format!("other-{i}.db"));
            {
                let conn = Connection::open(&path).unwrap();
                conn.execute_batch(setup).unwrap();
            }
            let before = std::fs::read(&path).unwrap();
            let Err(err) = SqliteCache::open(&path) else {
                panic!("{i}: a foreign database was taken for a cache");
            };
            assert!(
                err.contains(&path.display().to_string()) && err.contains("not a chainrisk cache"),
                "{i}: {err}"
            );
            assert_eq!(std::fs::read(&path).unwrap(), before, "{i}: modified");
            let names: Vec<String> = std::fs::read_dir(dir.path())
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(&format!("other-{i}")))
                .collect();
            assert_eq!(names, [format!("other-{i}.db")], "{i}: nothing beside it");
        }
    }

    #[test]
    fn a_cache_of_the_unmarked_layout_is_recognised_and_upgraded() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite3");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(UNMARKED_V1).unwrap();
            conn.execute(
                "INSERT INTO packages VALUES ('npm', 'http://127.0.0.1:9/', 'a', 'found', ?1, '2026-01-01T00:00:00Z', NULL, NULL, '[]')",
                [serde_json::to_string(&entry(Ecosystem::Npm, "a", "x").facts).unwrap()],
            )
            .unwrap();
        }
        let (cache, warnings) = SqliteCache::open(&path).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(cache.stats().unwrap().entries(), 1, "the facts are kept");
        let id: i64 = cache
            .conn
            .query_row("PRAGMA application_id", [], |r| r.get(0))
            .unwrap();
        assert_eq!(id, i64::from(APPLICATION_ID));
    }

    #[test]
    fn a_cache_being_created_by_another_scan_is_not_foreign() {
        // What a second scan can see while the first creates the cache: the
        // current tables, not yet the mark.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("racing.sqlite3");
        {
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(CREATE_PACKAGES).unwrap();
            conn.execute_batch(CREATE_FAILURES).unwrap();
        }
        let (_cache, warnings) = SqliteCache::open(&path).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
    }

    #[test]
    fn a_new_cache_carries_chainrisk_application_id() {
        let dir = tempfile::tempdir().unwrap();
        for file in ["new.sqlite3", "empty.sqlite3"] {
            let path = dir.path().join(file);
            if file == "empty.sqlite3" {
                // An empty file (mktemp) is an empty database: it may become a cache.
                std::fs::write(&path, b"").unwrap();
            }
            let (cache, _) = SqliteCache::open(&path).unwrap();
            let id: i64 = cache
                .conn
                .query_row("PRAGMA application_id", [], |r| r.get(0))
                .unwrap();
            assert_eq!(id, i64::from(APPLICATION_ID), "{file}");
        }
    }

    #[test]
    fn failures_are_remembered_apart_from_facts_and_forgotten_on_success() {
        let dir = tempfile::tempdir().unwrap();
        let (mut cache, _) = SqliteCache::open(&dir.path().join("cache.sqlite3")).unwrap();
        let a = entry(Ecosystem::Npm, "a", "2026-01-01T00:00:00Z");
        let failed = Failure {
            ecosystem: Ecosystem::Npm,
            registry: "http://127.0.0.1:9/".into(),
            name: "a".into(),
            reason: "HTTP 503 (4 attempts)".into(),
            failed_at: "2026-01-02T00:00:00Z".into(),
        };
        cache.store(&[&a], &[]).unwrap();
        cache.store(&[], std::slice::from_ref(&failed)).unwrap();
        let key = (&Ecosystem::Npm, "http://127.0.0.1:9/", "a");
        assert_eq!(cache.failure(key.0, key.1, key.2).unwrap(), Some(failed));
        assert_eq!(
            cache.get(key.0, key.1, key.2).unwrap(),
            Some(a.clone()),
            "facts kept"
        );
        assert_eq!(cache.stats().unwrap().entries(), 1, "a failure is no entry");
        cache.store(&[&a], &[]).unwrap();
        assert_eq!(cache.failure(key.0, key.1, key.2).unwrap(), None);
    }

    #[test]
    fn a_cache_of_a_newer_layout_is_left_as_it_was() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cache.sqlite3");
        {
            let (mut cache, _) = SqliteCache::open(&path).unwrap();
            cache
                .put_all([&entry(Ecosystem::Npm, "a", "2026-01-01T00:00:00Z")])
                .unwrap();
            cache
                .conn
                .pragma_update(None, "user_version", SCHEMA_VERSION + 1)
                .unwrap();
        }
        let Err(e) = SqliteCache::open(&path) else {
            panic!("a newer layout was opened");
        };
        assert!(e.contains("written by a newer chainrisk"), "{e}");
        let conn = Connection::open(&path).unwrap();
        let rows: i64 = conn
            .query_row("SELECT COUNT(*) FROM packages", [], |r| r.get(0))
            .unwrap();
        assert_eq!(rows, 1, "nothing dropped");
    }

    #[test]
    fn a_cache_of_each_earlier_layout_is_migrated_keeping_its_rows() {
        for version in 1..SCHEMA_VERSION {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("cache.sqlite3");
            {
                let conn = Connection::open(&path).unwrap();
                for step in &MIGRATIONS[..version as usize] {
                    conn.execute_batch(step).unwrap();
                }
                conn.pragma_update(None, "user_version", version).unwrap();
                conn.pragma_update(None, "application_id", APPLICATION_ID)
                    .unwrap();
                conn.execute(
                    "INSERT INTO packages (ecosystem, registry, name, status, facts, fetched_at)
                     VALUES ('npm', 'http://127.0.0.1:9/', 'kept', 'found', ?1, '2026-01-01T00:00:00Z')",
                    [serde_json::to_string(&entry(Ecosystem::Npm, "kept", "x").facts).unwrap()],
                )
                .unwrap();
            }
            let (cache, _) = SqliteCache::open(&path).unwrap();
            assert!(cache.has_indexes(), "layout {version}");
            assert!(
                cache
                    .get(&Ecosystem::Npm, "http://127.0.0.1:9/", "kept")
                    .unwrap()
                    .is_some(),
                "layout {version} kept its row"
            );
            let v: i64 = cache
                .conn
                .query_row("PRAGMA user_version", [], |r| r.get(0))
                .unwrap();
            assert_eq!(v, SCHEMA_VERSION);
        }
    }

    #[test]
    fn older_facts_never_replace_newer_ones() {
        let dir = tempfile::tempdir().unwrap();
        let (mut cache, _) = SqliteCache::open(&dir.path().join("c.sqlite3")).unwrap();
        let newer = entry(Ecosystem::Npm, "a", "2026-06-01T00:00:00Z");
        let mut older = entry(Ecosystem::Npm, "a", "2026-01-01T00:00:00Z");
        older.facts.presence = Presence::NotFound;
        assert_eq!(cache.put_all([&newer]).unwrap(), 1);
        assert_eq!(cache.put_all([&older]).unwrap(), 0);
        let got = cache
            .get(&Ecosystem::Npm, &newer.facts.registry, "a")
            .unwrap()
            .unwrap();
        assert_eq!(got.fetched_at, newer.fetched_at);
    }

    #[test]
    fn clear_older_than_keeps_what_is_recent() {
        let dir = tempfile::tempdir().unwrap();
        let (mut cache, _) = SqliteCache::open(&dir.path().join("c.sqlite3")).unwrap();
        cache
            .put_all([
                &entry(Ecosystem::Npm, "old", "2026-01-01T00:00:00Z"),
                &entry(Ecosystem::Npm, "new", "2026-06-01T00:00:00Z"),
            ])
            .unwrap();
        let cutoff: jiff::Timestamp = "2026-03-01T00:00:00Z".parse().unwrap();
        assert_eq!(cache.clear(Some(cutoff)).unwrap(), 1);
        assert_eq!(cache.stats().unwrap().entries(), 1);
    }
}
