//! The PostgreSQL cache a fleet of scanners shares: the same keys and meaning
//! as the SQLite file, plus claims so that a package one scanner is fetching
//! is not fetched again by another (single flight).
//!
//! The database is driven by tokio-postgres on a small runtime of its own,
//! through a bounded pool; the synchronous calls of [`CacheBackend`] wait for
//! their answer with a limit, from any thread, inside another runtime or not.
//! A statement timeout bounds every query. The first failure (server down,
//! out of space, timed out) is returned once — the scan's one warning — and
//! the cache then answers as if empty, so the scan goes on with live fetches.

use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod, Runtime};
use tokio_postgres::types::ToSql;

use super::location::PostgresUrl;
use super::postgres_schema::{self, SCHEMA_VERSION};
use super::{
    CacheBackend, Entry, Failure, INDEX_KEEP_DAYS, PackageKey, Stats, entry_of, status_str,
};
use crate::model::Ecosystem;
use crate::resolve::client::Validators;
use crate::resolve::index_cache::{IndexStore, Stored};

/// Connections a scanner opens at most.
const POOL_SIZE: usize = 4;
/// Every statement is cancelled by the server after this long.
const STATEMENT_TIMEOUT: Duration = Duration::from_secs(15);
/// Connecting gives up after this long (unless the URL says otherwise).
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// A call waits this long for its answer at most (queue, connect, statement).
const CALL_LIMIT: Duration = Duration::from_secs(30);
/// How long a claim holds when its scanner neither releases it nor dies.
const DEFAULT_CLAIM_TTL: Duration = Duration::from_secs(120);
/// Keys sent in one statement.
const CHUNK: usize = 2000;

/// The runtime the database client runs on; shut down without waiting when
/// dropped, so dropping it inside another runtime is harmless.
struct PgRuntime(Option<tokio::runtime::Runtime>);

impl Drop for PgRuntime {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

/// What the cache and its index store share.
struct Shared {
    runtime: PgRuntime,
    pool: Pool,
    location: String,
    /// The first failure: afterwards the cache answers as if empty.
    broken: Mutex<Option<String>>,
}

impl Shared {
    /// Runs `work` on the database runtime and waits for it, at most [`CALL_LIMIT`].
    /// `Ok(None)`: the cache failed earlier and is not asked again.
    fn call<T, F>(&self, what: &str, work: impl FnOnce(Pool) -> F) -> Result<Option<T>, String>
    where
        T: Send + 'static,
        F: Future<Output = Result<T, String>> + Send + 'static,
    {
        if self.broken.lock().map(|b| b.is_some()).unwrap_or(true) {
            return Ok(None);
        }
        let Some(rt) = &self.runtime.0 else {
            return Ok(None);
        };
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        let fut = work(self.pool.clone());
        rt.spawn(async move {
            let _ = tx.send(fut.await);
        });
        let outcome = match rx.recv_timeout(CALL_LIMIT) {
            Ok(r) => r,
            Err(_) => Err(format!("no answer within {} s", CALL_LIMIT.as_secs())),
        };
        match outcome {
            Ok(v) => Ok(Some(v)),
            Err(e) => {
                let message = format!(
                    "cannot {what} the cache {}: {e}; going on without it",
                    self.location
                );
                if let Ok(mut b) = self.broken.lock() {
                    *b = Some(message.clone());
                }
                Err(message)
            }
        }
    }
}

/// The cause of a database error, without the connection's parameters.
fn describe(e: &tokio_postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return format!("{}: {}", db.severity(), db.message());
    }
    let mut text = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let more = s.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = s.source();
    }
    text
}

fn pool_error(e: deadpool_postgres::PoolError) -> String {
    match e {
        deadpool_postgres::PoolError::Backend(e) => describe(&e),
        other => other.to_string(),
    }
}

async fn connection(pool: &Pool) -> Result<Object, String> {
    pool.get().await.map_err(pool_error)
}

pub struct PostgresCache {
    shared: Arc<Shared>,
    read_only: Option<String>,
    version: i32,
    /// Names this scanner's claims: host, process and start time.
    owner: String,
    claim_ttl: Duration,
}

impl PostgresCache {
    /// Connects, checks the layout and migrates it when it is behind.
    pub fn open(url: &PostgresUrl) -> Result<(PostgresCache, Vec<String>), String> {
        let location = url.redacted().to_string();
        let shared = Arc::new(connect(url)?);
        let opened = shared
            .call("open", |pool| async move {
                let mut client = connection(&pool).await?;
                let read_only = read_only_reason(&client).await.map_err(|e| describe(&e))?;
                let mut version = postgres_schema::version(&client)
                    .await
                    .map_err(|e| describe(&e))?;
                if version < SCHEMA_VERSION && read_only.is_none() {
                    postgres_schema::migrate(&mut client, SCHEMA_VERSION)
                        .await
                        .map_err(|e| describe(&e))?;
                    version = postgres_schema::version(&client)
                        .await
                        .map_err(|e| describe(&e))?;
                }
                Ok((read_only, version))
            })
            .map_err(|e| e.trim_end_matches("; going on without it").to_string())?;
        let Some((read_only, version)) = opened else {
            return Err(format!("cannot open the cache {location}"));
        };
        if version > SCHEMA_VERSION {
            return Err(format!(
                "the cache {location} is of layout {version}, written by a newer chainrisk (this one knows up to {SCHEMA_VERSION}); it was left as it is"
            ));
        }
        if version == 0 {
            return Err(format!(
                "the cache {location} holds no chainrisk cache and cannot be written ({}): run once with a role that may create the schema",
                read_only.as_deref().unwrap_or("unknown")
            ));
        }
        let mut warnings = Vec::new();
        if version < SCHEMA_VERSION {
            warnings.push(format!(
                "the cache {location} is of layout {version} (this chainrisk writes {SCHEMA_VERSION}) and cannot be migrated: it is read as it is"
            ));
        }
        let claim_ttl = std::env::var("CHAINRISK_CACHE_CLAIM_TTL")
            .ok()
            .and_then(|v| v.trim().parse::<f64>().ok())
            .filter(|s| s.is_finite() && *s >= 0.0)
            .map(Duration::from_secs_f64)
            .unwrap_or(DEFAULT_CLAIM_TTL);
        let owner = format!(
            "{}:{}:{}",
            hostname(),
            std::process::id(),
            jiff::Timestamp::now().as_nanosecond()
        );
        Ok((
            PostgresCache {
                shared,
                read_only,
                version,
                owner,
                claim_ttl,
            },
            warnings,
        ))
    }

    fn call<T, F>(&self, what: &str, work: impl FnOnce(Pool) -> F) -> Result<Option<T>, String>
    where
        T: Send + 'static,
        F: Future<Output = Result<T, String>> + Send + 'static,
    {
        self.shared.call(what, work)
    }
}

/// Test support: brings a database to layout `version` exactly as an older
/// chainrisk left it (migrations are never edited, only added).
#[doc(hidden)]
pub fn migrate_postgres_to(url: &PostgresUrl, version: i32) -> Result<Vec<i32>, String> {
    let shared = connect(url)?;
    shared
        .call("migrate", move |pool| async move {
            let mut client = connection(&pool).await?;
            postgres_schema::migrate(&mut client, version)
                .await
                .map_err(|e| describe(&e))
        })
        .map(Option::unwrap_or_default)
}

/// The pool and its runtime, configured from the URL (and libpq's
/// environment and password file for what it leaves out).
fn connect(url: &PostgresUrl) -> Result<Shared, String> {
    let location = url.redacted().to_string();
    let mut config: tokio_postgres::Config = libpq_compatible(url.secret())
        .parse()
        .map_err(|e| format!("the cache URL {location} cannot be used: {e}"))?;
    if config.get_user().is_none() {
        let user = std::env::var("PGUSER")
            .or_else(|_| std::env::var("USER"))
            .unwrap_or_else(|_| "postgres".to_string());
        config.user(user);
    }
    if config.get_password().is_none() {
        if let Some(pw) = std::env::var("PGPASSWORD").ok().filter(|p| !p.is_empty()) {
            config.password(pw);
        } else if let Some(pw) = pgpass_password(&config) {
            config.password(pw);
        }
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(CONNECT_TIMEOUT);
    }
    if config.get_application_name().is_none() {
        config.application_name("chainrisk");
    }
    let timeout = format!("-c statement_timeout={}", STATEMENT_TIMEOUT.as_millis());
    let options = match config.get_options() {
        Some(o) if !o.trim().is_empty() => format!("{o} {timeout}"),
        _ => timeout,
    };
    config.options(options);
    let manager_config = ManagerConfig {
        recycling_method: RecyclingMethod::Fast,
    };
    let manager = if config.get_ssl_mode() == tokio_postgres::config::SslMode::Disable {
        Manager::from_config(config, tokio_postgres::NoTls, manager_config)
    } else {
        Manager::from_config(config, tls()?, manager_config)
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("chainrisk-postgres")
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the database client: {e}"))?;
    let pool = Pool::builder(manager)
        .max_size(POOL_SIZE)
        .runtime(Runtime::Tokio1)
        .wait_timeout(Some(CALL_LIMIT))
        .create_timeout(Some(CONNECT_TIMEOUT * 2))
        .build()
        .map_err(|e| format!("cannot set up connections to the cache {location}: {e}"))?;
    Ok(Shared {
        runtime: PgRuntime(Some(runtime)),
        pool,
        location,
        broken: Mutex::new(None),
    })
}

/// TLS through rustls and the platform's verifier, as for registries: the
/// server's certificate is always verified.
fn tls() -> Result<tokio_postgres_rustls::MakeRustlsConnect, String> {
    use rustls_platform_verifier::ConfigVerifierExt;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let config = rustls::ClientConfig::with_platform_verifier()
        .map_err(|e| format!("cannot set up TLS for the cache: {e}"))?;
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

/// libpq's `sslmode=verify-ca|verify-full` read as `require`: rustls always
/// verifies the certificate and the host name, which is what they ask for.
fn libpq_compatible(url: &str) -> String {
    let Ok(mut parsed) = url::Url::parse(url) else {
        return url.to_string();
    };
    if !parsed
        .query_pairs()
        .any(|(k, v)| k == "sslmode" && (v == "verify-ca" || v == "verify-full"))
    {
        return url.to_string();
    }
    let pairs: Vec<(String, String)> = parsed
        .query_pairs()
        .map(|(k, v)| {
            let v = if k == "sslmode" && v.starts_with("verify-") {
                "require".to_string()
            } else {
                v.into_owned()
            };
            (k.into_owned(), v)
        })
        .collect();
    parsed.query_pairs_mut().clear().extend_pairs(pairs);
    parsed.to_string()
}

/// The password `~/.pgpass` (or `PGPASSFILE`) gives for this connection:
/// `host:port:database:user:password` lines, `*` matching anything.
fn pgpass_password(config: &tokio_postgres::Config) -> Option<String> {
    let path = std::env::var_os("PGPASSFILE")
        .map(std::path::PathBuf::from)
        .or_else(|| dirs::home_dir().map(|h| h.join(".pgpass")))?;
    let text = std::fs::read_to_string(path).ok()?;
    let host = match config.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(tokio_postgres::config::Host::Unix(_)) | None => "localhost".to_string(),
        #[cfg(not(unix))]
        None => "localhost".to_string(),
    };
    let port = config
        .get_ports()
        .first()
        .copied()
        .unwrap_or(5432)
        .to_string();
    let user = config.get_user().unwrap_or_default();
    let db = config.get_dbname().unwrap_or(user);
    pgpass_lookup(&text, [&host, &port, db, user])
}

fn pgpass_lookup(text: &str, wanted: [&str; 4]) -> Option<String> {
    for line in text.lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        // Fields are separated by `:`; `\:` and `\\` escape.
        let mut fields = vec![String::new()];
        let mut chars = line.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => {
                    if let Some(next) = chars.next() {
                        fields.last_mut()?.push(next);
                    }
                }
                ':' if fields.len() < 5 => fields.push(String::new()),
                c => fields.last_mut()?.push(c),
            }
        }
        if fields.len() == 5
            && fields
                .iter()
                .zip(wanted)
                .all(|(field, want)| field == "*" || field == want)
        {
            return fields.pop();
        }
    }
    None
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".to_string())
}

/// Why this session cannot write, when it cannot: a replica, a read-only
/// transaction default, or a role without INSERT on the tables.
async fn read_only_reason(client: &Object) -> Result<Option<String>, tokio_postgres::Error> {
    let row = client
        .query_one(
            "SELECT pg_is_in_recovery(), current_setting('transaction_read_only'),
                    CASE WHEN to_regclass('chainrisk.packages') IS NULL THEN NULL
                         ELSE has_table_privilege('chainrisk.packages', 'INSERT') END,
                    CASE WHEN to_regclass('chainrisk.packages') IS NULL
                         THEN has_database_privilege(current_database(), 'CREATE') END",
            &[],
        )
        .await?;
    let replica: bool = row.get(0);
    let tx_read_only: String = row.get(1);
    let may_insert: Option<bool> = row.get(2);
    let may_create: Option<bool> = row.get(3);
    Ok(if replica {
        Some("the server is a read-only replica".to_string())
    } else if tx_read_only == "on" {
        Some("the session is read-only".to_string())
    } else if may_insert == Some(false) {
        Some("the role may not write its tables".to_string())
    } else if may_create == Some(false) {
        Some("the role may not create the chainrisk schema".to_string())
    } else {
        None
    })
}

/// Keys as three parallel arrays, for `unnest` (owned: queries run on the cache's runtime).
fn owned_columns(keys: &[PackageKey]) -> (Vec<String>, Vec<String>, Vec<String>) {
    let mut e = Vec::with_capacity(keys.len());
    let mut r = Vec::with_capacity(keys.len());
    let mut n = Vec::with_capacity(keys.len());
    for k in keys {
        e.push(k.ecosystem.as_str().to_string());
        r.push(k.registry.clone());
        n.push(k.name.clone());
    }
    (e, r, n)
}

fn db(e: tokio_postgres::Error) -> String {
    describe(&e)
}

impl CacheBackend for PostgresCache {
    fn location(&self) -> String {
        self.shared.location.clone()
    }

    fn read_only(&self) -> Option<&str> {
        self.read_only.as_deref()
    }

    fn get_many(&self, keys: &[PackageKey]) -> Result<Vec<Option<Entry>>, String> {
        let mut out = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(CHUNK) {
            let (e, r, n) = owned_columns(chunk);
            let len = chunk.len();
            let rows = self.call("read", move |pool| async move {
                let client = connection(&pool).await?;
                let rows = client
                    .query(
                        "SELECT k.i, p.facts, p.fetched_at, p.etag, p.last_modified, p.checked
                         FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY
                              AS k(ecosystem, registry, name, i)
                         JOIN chainrisk.packages p USING (ecosystem, registry, name)",
                        &[&e, &r, &n],
                    )
                    .await
                    .map_err(db)?;
                let mut found: Vec<Option<Entry>> = vec![None; len];
                for row in rows {
                    let i: i64 = row.get(0);
                    let facts: String = row.get(1);
                    let checked: String = row.get(5);
                    if let Some(slot) = usize::try_from(i - 1).ok().and_then(|i| found.get_mut(i)) {
                        *slot = entry_of(&facts, row.get(2), row.get(3), row.get(4), &checked);
                    }
                }
                Ok(found)
            })?;
            out.extend(rows.unwrap_or_else(|| vec![None; len]));
        }
        Ok(out)
    }

    fn registries(&self, ecosystem: &Ecosystem) -> Result<Vec<String>, String> {
        let eco = ecosystem.as_str().to_string();
        Ok(self
            .call("read", move |pool| async move {
                let client = connection(&pool).await?;
                let rows = client
                    .query(
                        "SELECT registry FROM chainrisk.packages WHERE ecosystem = $1
                         GROUP BY registry ORDER BY MAX(fetched_at) DESC, registry",
                        &[&eco],
                    )
                    .await
                    .map_err(db)?;
                Ok(rows.iter().map(|r| r.get::<_, String>(0)).collect())
            })?
            .unwrap_or_default())
    }

    fn failures(&self, keys: &[PackageKey]) -> Result<Vec<Option<Failure>>, String> {
        let mut out = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(CHUNK) {
            let (e, r, n) = owned_columns(chunk);
            let len = chunk.len();
            let owned: Vec<PackageKey> = chunk.to_vec();
            let rows = self.call("read", move |pool| async move {
                let client = connection(&pool).await?;
                let rows = client
                    .query(
                        "SELECT k.i, f.reason, f.failed_at
                         FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY
                              AS k(ecosystem, registry, name, i)
                         JOIN chainrisk.failures f USING (ecosystem, registry, name)",
                        &[&e, &r, &n],
                    )
                    .await
                    .map_err(db)?;
                let mut found: Vec<Option<Failure>> = vec![None; len];
                for row in rows {
                    let i: i64 = row.get(0);
                    if let Some(i) = usize::try_from(i - 1).ok().filter(|i| *i < len) {
                        let k = &owned[i];
                        found[i] = Some(Failure {
                            ecosystem: k.ecosystem.clone(),
                            registry: k.registry.clone(),
                            name: k.name.clone(),
                            reason: row.get(1),
                            failed_at: row.get(2),
                        });
                    }
                }
                Ok(found)
            })?;
            out.extend(rows.unwrap_or_else(|| vec![None; len]));
        }
        Ok(out)
    }

    fn store(&mut self, entries: &[&Entry], failures: &[Failure]) -> Result<usize, String> {
        if self.read_only.is_some() || (entries.is_empty() && failures.is_empty()) {
            return Ok(0);
        }
        // One row per key (ON CONFLICT may not touch a row twice), the newest fetch kept.
        let mut rows: std::collections::BTreeMap<(String, String, String), &Entry> =
            std::collections::BTreeMap::new();
        for e in entries {
            let key = (
                e.facts.ecosystem.as_str().to_string(),
                e.facts.registry.clone(),
                e.facts.name.clone(),
            );
            match rows.get(&key) {
                Some(old) if old.fetched_at > e.fetched_at => {}
                _ => {
                    rows.insert(key, e);
                }
            }
        }
        let mut cols: [Vec<Option<String>>; 9] = Default::default();
        for ((eco, registry, name), e) in &rows {
            let facts = serde_json::to_string(&e.facts).unwrap_or_else(|_| "{}".into());
            let checked = serde_json::to_string(&e.checked).unwrap_or_else(|_| "[]".into());
            let values = [
                Some(eco.clone()),
                Some(registry.clone()),
                Some(name.clone()),
                Some(status_str(e.status()).to_string()),
                Some(facts),
                Some(e.fetched_at.clone()),
                e.etag.clone(),
                e.last_modified.clone(),
                Some(checked),
            ];
            for (col, v) in cols.iter_mut().zip(values) {
                col.push(v);
            }
        }
        let mut failed: std::collections::BTreeMap<(String, String, String), &Failure> =
            std::collections::BTreeMap::new();
        for f in failures {
            failed.insert(
                (
                    f.ecosystem.as_str().to_string(),
                    f.registry.clone(),
                    f.name.clone(),
                ),
                f,
            );
        }
        let mut fcols: [Vec<String>; 5] = Default::default();
        for ((eco, registry, name), f) in &failed {
            for (col, v) in fcols.iter_mut().zip([
                eco.clone(),
                registry.clone(),
                name.clone(),
                f.reason.clone(),
                f.failed_at.clone(),
            ]) {
                col.push(v);
            }
        }
        let stored = self.call("write", move |pool| async move {
            let mut client = connection(&pool).await?;
            let tx = client.transaction().await.map_err(db)?;
            let params: Vec<&(dyn ToSql + Sync)> =
                cols.iter().map(|c| c as &(dyn ToSql + Sync)).collect();
            // Facts fetched earlier than those stored (a slower scanner
            // finishing later) do not replace them.
            let n = tx
                .execute(
                    "INSERT INTO chainrisk.packages
                       (ecosystem, registry, name, status, facts, fetched_at, etag, last_modified, checked)
                     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[],
                                          $6::text[], $7::text[], $8::text[], $9::text[])
                     ON CONFLICT (ecosystem, registry, name) DO UPDATE SET
                       status = excluded.status, facts = excluded.facts,
                       fetched_at = excluded.fetched_at, etag = excluded.etag,
                       last_modified = excluded.last_modified, checked = excluded.checked
                     WHERE excluded.fetched_at >= packages.fetched_at",
                    &params,
                )
                .await
                .map_err(db)?;
            tx.execute(
                "DELETE FROM chainrisk.failures f
                 USING unnest($1::text[], $2::text[], $3::text[]) AS k(ecosystem, registry, name)
                 WHERE f.ecosystem = k.ecosystem AND f.registry = k.registry AND f.name = k.name",
                &params[..3],
            )
            .await
            .map_err(db)?;
            let fparams: Vec<&(dyn ToSql + Sync)> =
                fcols.iter().map(|c| c as &(dyn ToSql + Sync)).collect();
            tx.execute(
                "INSERT INTO chainrisk.failures (ecosystem, registry, name, reason, failed_at)
                 SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
                 ON CONFLICT (ecosystem, registry, name) DO UPDATE SET
                   reason = excluded.reason, failed_at = excluded.failed_at",
                &fparams,
            )
            .await
            .map_err(db)?;
            tx.commit().await.map_err(db)?;
            Ok(usize::try_from(n).unwrap_or(usize::MAX))
        })?;
        Ok(stored.unwrap_or(0))
    }

    fn all(&self) -> Result<Vec<Entry>, String> {
        Ok(self
            .call("read", |pool| async move {
                let client = connection(&pool).await?;
                let rows = client
                    .query(
                        "SELECT facts, fetched_at, etag, last_modified, checked FROM chainrisk.packages
                         ORDER BY ecosystem, registry, name",
                        &[],
                    )
                    .await
                    .map_err(db)?;
                Ok(rows
                    .iter()
                    .filter_map(|row| {
                        let facts: String = row.get(0);
                        let checked: String = row.get(4);
                        entry_of(&facts, row.get(1), row.get(2), row.get(3), &checked)
                    })
                    .collect())
            })?
            .unwrap_or_default())
    }

    fn stats(&self) -> Result<Stats, String> {
        let location = self.location();
        let has_indexes = self.version >= 2;
        let stats = self.call("read", move |pool| async move {
            let client = connection(&pool).await?;
            let per_ecosystem = client
                .query(
                    "SELECT ecosystem, COUNT(*) FROM chainrisk.packages GROUP BY ecosystem ORDER BY ecosystem",
                    &[],
                )
                .await
                .map_err(db)?
                .iter()
                .map(|r| (r.get::<_, String>(0), r.get::<_, i64>(1).max(0) as usize))
                .collect();
            let row = client
                .query_one(
                    "SELECT COUNT(*) FILTER (WHERE status = 'not_found'), MIN(fetched_at), MAX(fetched_at),
                            pg_total_relation_size('chainrisk.packages')
                            + pg_total_relation_size('chainrisk.failures')
                     FROM chainrisk.packages",
                    &[],
                )
                .await
                .map_err(db)?;
            let (indexes, index_bytes) = if has_indexes {
                let r = client
                    .query_one(
                        "SELECT COUNT(*), pg_total_relation_size('chainrisk.indexes') FROM chainrisk.indexes",
                        &[],
                    )
                    .await
                    .map_err(db)?;
                (r.get::<_, i64>(0), r.get::<_, i64>(1))
            } else {
                (0, 0)
            };
            Ok(Stats {
                location,
                per_ecosystem,
                not_found: row.get::<_, i64>(0).max(0) as usize,
                size_bytes: (row.get::<_, i64>(3) + index_bytes).max(0) as u64,
                oldest: row.get(1),
                newest: row.get(2),
                indexes: indexes.max(0) as usize,
            })
        })?;
        stats.ok_or_else(|| format!("cannot read the cache {}", self.location()))
    }

    fn clear(&mut self, older_than: Option<jiff::Timestamp>) -> Result<usize, String> {
        if let Some(why) = &self.read_only {
            return Err(format!(
                "cannot clear the cache {}: it cannot be written ({why})",
                self.location()
            ));
        }
        // Far in the future: everything is older.
        let cutoff = older_than
            .map(|t| t.to_string())
            .unwrap_or_else(|| "9999-12-31T23:59:59Z".to_string());
        let tables: Vec<(&str, &str)> = [
            ("packages", "fetched_at"),
            ("failures", "failed_at"),
            ("indexes", "fetched_at"),
        ]
        .into_iter()
        .take(if self.version >= 2 { 3 } else { 2 })
        .collect();
        let claims = self.version >= 3;
        let removed = self.call("clear", move |pool| async move {
            let mut client = connection(&pool).await?;
            let tx = client.transaction().await.map_err(db)?;
            let mut removed = 0;
            for (table, column) in tables {
                let n = tx
                    .execute(
                        &format!("DELETE FROM chainrisk.{table} WHERE {column} < $1"),
                        &[&cutoff],
                    )
                    .await
                    .map_err(db)?;
                if table == "packages" {
                    removed = n;
                }
            }
            if claims {
                tx.execute("DELETE FROM chainrisk.claims WHERE expires_at < now()", &[])
                    .await
                    .map_err(db)?;
            }
            tx.commit().await.map_err(db)?;
            Ok(usize::try_from(removed).unwrap_or(usize::MAX))
        })?;
        removed.ok_or_else(|| format!("cannot clear the cache {}", self.location()))
    }

    fn indexes(&self) -> Option<Arc<dyn IndexStore>> {
        if self.version < 2 {
            return None;
        }
        let store = PostgresIndexes {
            shared: self.shared.clone(),
            writable: self.read_only.is_none(),
        };
        if store.writable {
            // Indexes nobody confirmed for a month are gone from their archives anyway.
            let cutoff = jiff::Timestamp::now()
                .checked_sub(jiff::SignedDuration::from_hours(24 * INDEX_KEEP_DAYS))
                .map(|t| t.to_string())
                .unwrap_or_default();
            let _ = store.shared.call("clean", move |pool| async move {
                let client = connection(&pool).await?;
                client
                    .execute(
                        "DELETE FROM chainrisk.indexes WHERE fetched_at < $1",
                        &[&cutoff],
                    )
                    .await
                    .map_err(db)
            });
        }
        Some(Arc::new(store))
    }

    fn claims(&self) -> bool {
        true
    }

    fn claim(&self, keys: &[PackageKey]) -> Result<Vec<bool>, String> {
        if self.read_only.is_some() || self.version < 3 || keys.is_empty() {
            return Ok(vec![true; keys.len()]);
        }
        // Every scanner claims in the same order, so two never wait on each other.
        let mut order: Vec<usize> = (0..keys.len()).collect();
        order.sort_by(|&a, &b| keys[a].cmp(&keys[b]));
        let mut mine = vec![false; keys.len()];
        for chunk in order.chunks(CHUNK) {
            let sorted: Vec<PackageKey> = chunk.iter().map(|&i| keys[i].clone()).collect();
            let (e, r, n) = owned_columns(&sorted);
            let owner = self.owner.clone();
            let ttl = self.claim_ttl.as_secs_f64();
            let claimed = self.call("claim in", move |pool| async move {
                let client = connection(&pool).await?;
                let rows = client
                    .query(
                        "INSERT INTO chainrisk.claims AS c
                           (ecosystem, registry, name, owner, backend_pid, expires_at)
                         SELECT k.ecosystem, k.registry, k.name, $4, pg_backend_pid(),
                                now() + make_interval(secs => $5)
                         FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY
                              AS k(ecosystem, registry, name, i)
                         ORDER BY k.i
                         ON CONFLICT (ecosystem, registry, name) DO UPDATE SET
                           owner = excluded.owner, backend_pid = excluded.backend_pid,
                           expires_at = excluded.expires_at
                         WHERE c.expires_at < now() OR c.owner = excluded.owner
                            OR NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = c.backend_pid)
                         RETURNING ecosystem, registry, name",
                        &[&e, &r, &n, &owner, &ttl],
                    )
                    .await
                    .map_err(db)?;
                Ok(rows
                    .iter()
                    .map(|row| (row.get::<_, String>(0), row.get::<_, String>(1), row.get::<_, String>(2)))
                    .collect::<std::collections::BTreeSet<_>>())
            })?;
            let Some(claimed) = claimed else {
                // The cache is gone: nobody to wait for.
                for &i in chunk {
                    mine[i] = true;
                }
                continue;
            };
            for &i in chunk {
                let k = &keys[i];
                mine[i] = claimed.contains(&(
                    k.ecosystem.as_str().to_string(),
                    k.registry.clone(),
                    k.name.clone(),
                ));
            }
        }
        Ok(mine)
    }

    fn release(&self) {
        if self.read_only.is_some() || self.version < 3 {
            return;
        }
        let owner = self.owner.clone();
        let _ = self.call("release claims in", move |pool| async move {
            let client = connection(&pool).await?;
            client
                .execute("DELETE FROM chainrisk.claims WHERE owner = $1", &[&owner])
                .await
                .map_err(db)
        });
    }

    fn wait_for_others(&self, keys: &[PackageKey], limit: Duration) {
        if self.version < 3 || keys.is_empty() {
            return;
        }
        let start = Instant::now();
        let mut pause = Duration::from_millis(20);
        let (e, r, n) = owned_columns(keys);
        let (e, r, n) = (Arc::new(e), Arc::new(r), Arc::new(n));
        while start.elapsed() < limit {
            let (e, r, n) = (e.clone(), r.clone(), n.clone());
            let owner = self.owner.clone();
            let held = self.call("read claims in", move |pool| async move {
                let client = connection(&pool).await?;
                let row = client
                    .query_one(
                        "SELECT COUNT(*) FROM chainrisk.claims c
                         JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(ecosystem, registry, name)
                           USING (ecosystem, registry, name)
                         WHERE c.owner <> $4 AND c.expires_at > now()
                           AND EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.pid = c.backend_pid)",
                        &[&*e, &*r, &*n, &owner],
                    )
                    .await
                    .map_err(db)?;
                Ok(row.get::<_, i64>(0))
            });
            match held {
                Ok(Some(0)) | Ok(None) | Err(_) => return,
                Ok(Some(_)) => {}
            }
            std::thread::sleep(pause.min(limit.saturating_sub(start.elapsed())));
            pause = (pause * 2).min(Duration::from_millis(200));
        }
    }

    fn claim_ttl(&self) -> Duration {
        self.claim_ttl
    }
}

/// The `indexes` table, through the cache's pool.
struct PostgresIndexes {
    shared: Arc<Shared>,
    writable: bool,
}

impl IndexStore for PostgresIndexes {
    fn get(&self, url: &str) -> Option<Stored> {
        let url = url.to_string();
        self.shared
            .call("read", move |pool| async move {
                let client = connection(&pool).await?;
                let row = client
                    .query_opt(
                        "SELECT etag, last_modified, body FROM chainrisk.indexes WHERE url = $1",
                        &[&url],
                    )
                    .await
                    .map_err(db)?;
                Ok(row.map(|r| Stored {
                    validators: Validators {
                        etag: r.get(0),
                        last_modified: r.get(1),
                    },
                    body: r.get(2),
                }))
            })
            .ok()
            .flatten()
            .flatten()
    }

    fn put(&self, url: &str, validators: &Validators, body: &[u8]) {
        if !self.writable {
            return;
        }
        let (url, validators, body) = (url.to_string(), validators.clone(), body.to_vec());
        let _ = self.shared.call("write", move |pool| async move {
            let client = connection(&pool).await?;
            client
                .execute(
                    "INSERT INTO chainrisk.indexes (url, etag, last_modified, fetched_at, body)
                     VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (url) DO UPDATE SET etag = excluded.etag,
                       last_modified = excluded.last_modified, fetched_at = excluded.fetched_at,
                       body = excluded.body",
                    &[
                        &url,
                        &validators.etag,
                        &validators.last_modified,
                        &jiff::Timestamp::now().to_string(),
                        &body,
                    ],
                )
                .await
                .map_err(db)
        });
    }

    fn touch(&self, url: &str) {
        if !self.writable {
            return;
        }
        let url = url.to_string();
        let _ = self.shared.call("write", move |pool| async move {
            let client = connection(&pool).await?;
            client
                .execute(
                    "UPDATE chainrisk.indexes SET fetched_at = $2 WHERE url = $1",
                    &[&url, &jiff::Timestamp::now().to_string()],
                )
                .await
                .map_err(db)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pgpass_lines_match_with_wildcards_and_escapes() {
        let text = "# comment\n\
                    otherhost:5432:*:scanner:nope\n\
                    127.0.0.1:*:facts:scanner:pa\\:ss\\\\word\n\
                    *:*:*:*:fallback\n";
        assert_eq!(
            pgpass_lookup(text, ["127.0.0.1", "5433", "facts", "scanner"]).as_deref(),
            Some("pa:ss\\word")
        );
        assert_eq!(
            pgpass_lookup(text, ["db.internal", "5432", "x", "y"]).as_deref(),
            Some("fallback")
        );
        assert_eq!(pgpass_lookup("a:b:c:d:e\n", ["z", "b", "c", "d"]), None);
    }

    #[test]
    fn libpq_verify_modes_become_require() {
        assert_eq!(
            libpq_compatible("postgres://u@h/db?sslmode=verify-full&application_name=x"),
            "postgres://u@h/db?sslmode=require&application_name=x"
        );
        let plain = "postgres://u@h/db?sslmode=disable";
        assert_eq!(libpq_compatible(plain), plain);
    }
}
