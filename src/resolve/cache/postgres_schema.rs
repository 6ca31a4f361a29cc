//! The PostgreSQL cache's layout and its migrations. Everything lives in the
//! `chainrisk` schema, so a database shared with other applications keeps
//! its own tables apart. Migrations are applied in order, each once, under
//! an advisory lock: scanners starting together migrate once.

use deadpool_postgres::Object;

/// Tables and columns as in the SQLite cache; times are RFC 3339 text in UTC
/// (written by chainrisk only, so text order is time order).
pub const MIGRATIONS: [&str; 3] = [
    "CREATE SCHEMA IF NOT EXISTS chainrisk;
     CREATE TABLE IF NOT EXISTS chainrisk.schema_migrations (
         version    INTEGER PRIMARY KEY,
         applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
     );
     CREATE TABLE chainrisk.packages (
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
     );
     CREATE TABLE chainrisk.failures (
         ecosystem TEXT NOT NULL,
         registry  TEXT NOT NULL,
         name      TEXT NOT NULL,
         reason    TEXT NOT NULL,
         failed_at TEXT NOT NULL,
         PRIMARY KEY (ecosystem, registry, name)
     );",
    "CREATE TABLE chainrisk.indexes (
         url           TEXT PRIMARY KEY,
         etag          TEXT,
         last_modified TEXT,
         fetched_at    TEXT NOT NULL,
         body          BYTEA NOT NULL
     );",
    // Single flight: a scanner fetching a package claims it; the claim ends
    // when the scanner releases it, when it expires, or when the session
    // that made it is gone (the scanner died).
    "CREATE TABLE chainrisk.claims (
         ecosystem   TEXT NOT NULL,
         registry    TEXT NOT NULL,
         name        TEXT NOT NULL,
         owner       TEXT NOT NULL,
         backend_pid INTEGER NOT NULL,
         expires_at  TIMESTAMPTZ NOT NULL,
         PRIMARY KEY (ecosystem, registry, name)
     );
     CREATE INDEX claims_owner ON chainrisk.claims (owner);
     CREATE INDEX packages_fetched_at ON chainrisk.packages (fetched_at);",
];

/// The layout this chainrisk writes.
pub const SCHEMA_VERSION: i32 = MIGRATIONS.len() as i32;

/// The advisory lock migrations hold: `CRSK`.
const MIGRATION_LOCK: i64 = 0x4352_534B;

/// Whether the migrations table exists, read from the catalog's tables under
/// the statement's snapshot: `to_regclass` answers from the session's
/// catalog cache, which taking an advisory lock does not refresh, so a
/// scanner that waited for another's migration would not see its tables.
const MIGRATIONS_TABLE_EXISTS: &str = "SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_tables
     WHERE schemaname = 'chainrisk' AND tablename = 'schema_migrations')";

/// The layout version of the database (0: no chainrisk cache in it).
pub async fn version(client: &Object) -> Result<i32, tokio_postgres::Error> {
    let exists: bool = client.query_one(MIGRATIONS_TABLE_EXISTS, &[]).await?.get(0);
    if !exists {
        return Ok(0);
    }
    let row = client
        .query_one(
            "SELECT COALESCE(MAX(version), 0) FROM chainrisk.schema_migrations",
            &[],
        )
        .await?;
    Ok(row.get(0))
}

/// Applies the migrations up to `target` that the database lacks, in one
/// transaction under the migration lock. Returns the versions applied.
pub async fn migrate(client: &mut Object, target: i32) -> Result<Vec<i32>, tokio_postgres::Error> {
    let tx = client.transaction().await?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&MIGRATION_LOCK])
        .await?;
    // Judged again under the lock: another scanner may have migrated meanwhile.
    let exists: bool = tx.query_one(MIGRATIONS_TABLE_EXISTS, &[]).await?.get(0);
    let current: i32 = if exists {
        tx.query_one(
            "SELECT COALESCE(MAX(version), 0) FROM chainrisk.schema_migrations",
            &[],
        )
        .await?
        .get(0)
    } else {
        0
    };
    let mut applied = Vec::new();
    for version in (current + 1)..=target.min(SCHEMA_VERSION) {
        tx.batch_execute(MIGRATIONS[(version - 1) as usize]).await?;
        tx.execute(
            "INSERT INTO chainrisk.schema_migrations (version) VALUES ($1)",
            &[&version],
        )
        .await?;
        applied.push(version);
    }
    tx.commit().await?;
    Ok(applied)
}
