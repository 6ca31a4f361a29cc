//! Where the cache is: a SQLite file, or a PostgreSQL database by URL. The
//! URL may carry a password; only [`PostgresUrl::redacted`] is ever shown.

use std::fmt;
use std::path::PathBuf;

#[derive(Clone, PartialEq)]
pub enum CacheLocation {
    Sqlite(PathBuf),
    Postgres(PostgresUrl),
}

/// A `postgres://` or `postgresql://` URL as given.
#[derive(Clone, PartialEq)]
pub struct PostgresUrl {
    secret: String,
    redacted: String,
}

impl PostgresUrl {
    /// The URL as given, password included: only for connecting.
    pub(super) fn secret(&self) -> &str {
        &self.secret
    }

    /// The URL without its password (and without `password=` parameters).
    pub fn redacted(&self) -> &str {
        &self.redacted
    }
}

// Debug must not print the password either (errors and test failures use it).
impl fmt::Debug for PostgresUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PostgresUrl({})", self.redacted)
    }
}

impl fmt::Debug for CacheLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")
    }
}

impl fmt::Display for CacheLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CacheLocation::Sqlite(path) => write!(f, "{}", path.display()),
            CacheLocation::Postgres(url) => f.write_str(url.redacted()),
        }
    }
}

impl CacheLocation {
    /// A path, or a database URL. Other URLs are refused by name.
    pub fn parse(value: &str) -> Result<CacheLocation, String> {
        let Some((scheme, _)) = value.split_once("://").filter(|(scheme, _)| {
            !scheme.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }) else {
            return Ok(CacheLocation::Sqlite(PathBuf::from(value)));
        };
        if !matches!(scheme, "postgres" | "postgresql") {
            return Err(format!(
                "`{scheme}://…` is not a cache chainrisk can use: give a file path or a postgres:// URL"
            ));
        }
        let parsed = url::Url::parse(value).map_err(|e| {
            format!("the cache URL is not a URL ({e}): postgres://USER@HOST:PORT/DATABASE")
        })?;
        let mut shown = parsed.clone();
        let _ = shown.set_password(None);
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .filter(|(k, _)| k != "password")
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if pairs.is_empty() {
            shown.set_query(None);
        } else {
            shown.query_pairs_mut().clear().extend_pairs(pairs);
        }
        Ok(CacheLocation::Postgres(PostgresUrl {
            secret: value.to_string(),
            redacted: shown.to_string(),
        }))
    }

    /// Whether there is a cache here already (a database server is asked when opened).
    pub fn exists(&self) -> bool {
        match self {
            CacheLocation::Sqlite(path) => path.exists(),
            CacheLocation::Postgres(_) => true,
        }
    }
}

/// The default cache file: `<user cache dir>/chainrisk/cache.sqlite3`.
pub fn default_path() -> Option<PathBuf> {
    dirs::cache_dir().map(|d| d.join("chainrisk").join("cache.sqlite3"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_never_shows() {
        let l = CacheLocation::parse(
            "postgres://scanner:s3cret-pw@127.0.0.1:5432/facts?sslmode=disable&password=other-pw",
        )
        .unwrap();
        for shown in [l.to_string(), format!("{l:?}")] {
            assert!(
                !shown.contains("s3cret-pw") && !shown.contains("other-pw"),
                "{shown}"
            );
            assert!(
                shown.starts_with("postgres://scanner@127.0.0.1:5432/facts"),
                "{shown}"
            );
            assert!(shown.contains("sslmode=disable"), "{shown}");
        }
    }

    #[test]
    fn paths_urls_and_strangers() {
        assert_eq!(
            CacheLocation::parse("/tmp/c.sqlite3").unwrap(),
            CacheLocation::Sqlite("/tmp/c.sqlite3".into())
        );
        assert!(matches!(
            CacheLocation::parse("postgresql://h/db").unwrap(),
            CacheLocation::Postgres(_)
        ));
        let e = CacheLocation::parse("redis://h:6379").unwrap_err();
        assert!(e.contains("`redis://…`"), "{e}");
    }
}
