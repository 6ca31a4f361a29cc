//! The cache of package facts, keyed by (ecosystem, registry, name), and of
//! distribution archive indexes, keyed by URL. Two backends with one
//! meaning: an embedded SQLite file (the default, one machine) and a
//! PostgreSQL database a fleet of scanners shares. Resolution, rules and
//! reports see only [`CacheBackend`].
//!
//! Lookups that failed after their retries (a registry down, refusing
//! connections or timing out) are remembered for a short while, so that a
//! broken registry does not cost every scan the full retry time; they are
//! failures, never facts.

mod location;
mod postgres;
mod postgres_schema;
mod sqlite;
mod sqlite_indexes;

use std::sync::Arc;
use std::time::Duration;

pub use location::{CacheLocation, default_path};
pub use postgres::{PostgresCache, migrate_postgres_to};
pub use sqlite::{APPLICATION_ID, SqliteCache};

use super::index_cache::IndexStore;
use crate::model::{Ecosystem, PackageFacts, Presence};

/// Stored indexes not fetched or confirmed for this long are deleted.
pub(crate) const INDEX_KEEP_DAYS: i64 = 30;

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

/// A lookup that failed after its retries, remembered briefly.
#[derive(Clone, Debug, PartialEq)]
pub struct Failure {
    pub ecosystem: Ecosystem,
    pub registry: String,
    pub name: String,
    /// What happened, as the fetch reported it.
    pub reason: String,
    /// RFC 3339 time of the failure.
    pub failed_at: String,
}

/// What a fact is stored under.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct PackageKey {
    pub ecosystem: Ecosystem,
    pub registry: String,
    pub name: String,
}

/// Counts for `chainrisk cache stats`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Stats {
    /// The file, or the database's URL without its password.
    pub location: String,
    /// Entries per ecosystem, sorted by ecosystem.
    pub per_ecosystem: Vec<(String, usize)>,
    pub not_found: usize,
    /// Bytes on disk (SQLite: database and write-ahead log; PostgreSQL: the tables).
    pub size_bytes: u64,
    pub oldest: Option<String>,
    pub newest: Option<String>,
    /// Archive indexes stored.
    pub indexes: usize,
}

impl Stats {
    pub fn entries(&self) -> usize {
        self.per_ecosystem.iter().map(|(_, n)| n).sum()
    }
}

/// A cache backend. Reads that fail are errors the scan turns into one
/// warning; a backend that lost its server answers later calls as misses.
pub trait CacheBackend {
    /// The file, or the URL without its password: safe to print.
    fn location(&self) -> String;
    /// Why nothing can be written, when so: facts are read, nothing is stored.
    fn read_only(&self) -> Option<&str>;
    /// The cached facts of each key, fresh or not, in order. A row that does
    /// not deserialise is absent (it is fetched and replaced).
    fn get_many(&self, keys: &[PackageKey]) -> Result<Vec<Option<Entry>>, String>;
    /// The registries the cache holds facts from for `ecosystem`, the most
    /// recently used first: where to look when no endpoint is configured.
    fn registries(&self, ecosystem: &Ecosystem) -> Result<Vec<String>, String>;
    /// The failure remembered for each key, however old.
    fn failures(&self, keys: &[PackageKey]) -> Result<Vec<Option<Failure>>, String>;
    /// Stores facts and failures at once (all or nothing). Facts replace
    /// older facts of the same package (never newer ones) and any failure
    /// remembered for it; a failure leaves facts as they were. Returns the
    /// facts stored; a read-only cache stores nothing.
    fn store(&mut self, entries: &[&Entry], failures: &[Failure]) -> Result<usize, String>;
    /// Every entry, for exporting the whole cache as a snapshot.
    fn all(&self) -> Result<Vec<Entry>, String>;
    fn stats(&self) -> Result<Stats, String>;
    /// Removes the entries, failures and indexes fetched before `older_than`
    /// (all with `None`); returns how many package entries went.
    fn clear(&mut self, older_than: Option<jiff::Timestamp>) -> Result<usize, String>;
    /// The archive index store beside the facts.
    fn indexes(&self) -> Option<Arc<dyn IndexStore>>;
    /// Single flight across scanners sharing the cache: claims the keys this
    /// scan is about to fetch and says, per key, whether this scan holds the
    /// claim (`false`: another live scan is fetching it). A backend only one
    /// machine uses claims everything.
    fn claim(&self, keys: &[PackageKey]) -> Result<Vec<bool>, String> {
        Ok(vec![true; keys.len()])
    }
    /// Whether [`claim`](Self::claim) can answer `false`: the cache is
    /// shared by scanners that fetch at the same time.
    fn claims(&self) -> bool {
        false
    }
    /// Gives up this scan's claims (after storing what it fetched).
    fn release(&self) {}
    /// Waits until no other live scan claims any of `keys`, at most `limit`.
    fn wait_for_others(&self, _keys: &[PackageKey], _limit: Duration) {}
    /// How long a claim holds when its scan never releases it.
    fn claim_ttl(&self) -> Duration {
        Duration::ZERO
    }
}

/// A scan's cache.
pub type Cache = Box<dyn CacheBackend>;

/// Opens the cache at `location` (creating or migrating it when it can);
/// warnings say what was repaired.
pub fn open(location: &CacheLocation) -> Result<(Cache, Vec<String>), String> {
    match location {
        CacheLocation::Sqlite(path) => {
            SqliteCache::open(path).map(|(c, w)| (Box::new(c) as Cache, w))
        }
        CacheLocation::Postgres(url) => {
            PostgresCache::open(url).map(|(c, w)| (Box::new(c) as Cache, w))
        }
    }
}

/// The stored form of a presence.
fn status_str(p: Presence) -> &'static str {
    match p {
        Presence::Found => "found",
        Presence::NotFound => "not_found",
    }
}

/// An entry from its stored columns; `None` when the facts do not deserialise.
fn entry_of(
    facts: &str,
    fetched_at: String,
    etag: Option<String>,
    last_modified: Option<String>,
    checked: &str,
) -> Option<Entry> {
    Some(Entry {
        facts: serde_json::from_str(facts).ok()?,
        fetched_at,
        etag,
        last_modified,
        checked: serde_json::from_str(checked).unwrap_or_default(),
    })
}
