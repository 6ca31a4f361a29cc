//! The SQLite cache of package facts.
