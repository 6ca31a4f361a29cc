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

/// A delivered product's ELF executables and shared libraries, and those
/// that nothing accounts for (OPQ-07): no package database lists them and
/// they carry no build record.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecutableCensus {
    /// Binaries found.
    pub binaries: usize,
    /// Of those, listed by a package database.
    pub owned_by_packages: usize,
    /// Of the others, carrying a build record (Go build information, cargo-auditable).
    pub with_build_record: usize,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unaccounted: Vec<UnaccountedBinary>,
    /// Binaries inside the directory of a package published as source (an
    /// npm package): shipped prebuilt, not built from what the package
    /// holds (OPQ-04). Counted among `owned_by_packages`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prebuilt: Vec<PrebuiltBinary>,
}

/// A binary found inside a source package's directory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrebuiltBinary {
    /// Where the package's component was read: its location's pointer in
    /// the product (`/srv/app/node_modules/ms/package.json`).
    pub package: String,
    /// Path inside the product's root, with a leading `/`.
    pub path: String,
    /// `ELF executable`, `PE library (DLL)`, `Mach-O executable`…
    pub kind: String,
    /// Bytes.
    pub size: u64,
}

/// One binary nothing accounts for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnaccountedBinary {
    /// Path inside the product's root, with a leading `/`.
    pub path: String,
    /// `ELF executable`, `PE library (DLL)`, `Mach-O executable`…
    pub kind: String,
    /// Bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sha256: Option<String>,
}

/// A file an SBOM says the product delivers: a CycloneDX component's
/// `evidence.occurrences` location, a `file` component, an SPDX `files`
/// entry. It accounts for a product's binary of that path or SHA-256 (OPQ-07).
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct DeclaredFile {
    /// As written, normalised to no leading `/` or `./`.
    pub path: Option<String>,
    /// Lower-case hex.
    pub sha256: Option<String>,
}

impl DeclaredFile {
    pub fn new(path: Option<&str>, sha256: Option<&str>) -> Option<DeclaredFile> {
        let path = path
            .map(|p| p.trim().trim_start_matches("./").trim_start_matches('/'))
            .filter(|p| !p.is_empty())
            .map(str::to_string);
        let sha256 = sha256
            .map(|h| h.trim().to_ascii_lowercase())
            .filter(|h| h.len() == 64 && h.bytes().all(|b| b.is_ascii_hexdigit()));
        (path.is_some() || sha256.is_some()).then_some(DeclaredFile { path, sha256 })
    }
}
