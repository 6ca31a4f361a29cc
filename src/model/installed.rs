//! What verifying a delivered package's files against the digests its
//! package database recorded found (DEL-09): the files that changed, the
//! configuration files that changed (expected to, sometimes), and the files
//! that are gone.

use serde::{Deserialize, Serialize};

/// One file whose content no longer has the digest the database recorded.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileDiff {
    /// Path inside the product's root, with a leading `/`.
    pub path: String,
    /// `md5` (dpkg), `sha1` (apk), `sha256` (rpm, Python RECORD).
    pub algorithm: String,
    pub recorded: String,
    pub actual: String,
}

/// The outcome of checking one package's installed files.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileVerification {
    /// The database file the digests came from (`var/lib/dpkg/info/bash.md5sums`).
    pub database: String,
    /// Files whose digest was compared.
    pub checked: usize,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changed: Vec<FileDiff>,
    /// Files the package marks as configuration (dpkg conffiles).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changed_conffiles: Vec<FileDiff>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
    /// Files present but not readable as regular files (permission, a directory in their place).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unreadable: Vec<String>,
}
