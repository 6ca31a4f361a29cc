//! rpm's database of installed packages: `rpmdb.sqlite` (rpm 4.16 and
//! later; `usr/lib/sysimage/rpm/`, or `var/lib/rpm/` on older layouts), a
//! table `Packages(hnum, blob)` of header blobs ([`super::rpm_header`]).
//! Each header gives a package (name, epoch, version, release, arch, the
//! source rpm, vendor, licence, what it requires and provides) and its
//! files with their digests, modes, flags and states. The Berkeley DB
//! (`Packages`) and NDB (`Packages.db`) formats are not read: a clear
//! warning names them. DEL-09 checks files as `rpm -V` does for content:
//! the digest of each regular file, the target of each symlink, that every
//! file is there; `%ghost` files and files rpm did not install are skipped,
//! `%config` files are configuration.

use std::collections::{HashMap, HashSet};

use super::package::Package;
use super::rpm_header::{Header, tag};
use super::tree::{DigestAlg, FileState, Tree};
use crate::model::InputError;
use crate::model::{FileDiff, FileVerification, SourcePackage};

/// Where rpm keeps its database, newest layout first.
const SQLITE: [&str; 2] = [
    "usr/lib/sysimage/rpm/rpmdb.sqlite",
    "var/lib/rpm/rpmdb.sqlite",
];
/// Formats rpm used before or beside SQLite, which chainrisk does not read.
const OTHER_FORMATS: [(&str, &str); 4] = [
    ("usr/lib/sysimage/rpm/Packages", "Berkeley DB"),
    ("var/lib/rpm/Packages", "Berkeley DB"),
    ("usr/lib/sysimage/rpm/Packages.db", "NDB"),
    ("var/lib/rpm/Packages.db", "NDB"),
];

const FLAG_CONFIG: u64 = 1;
const FLAG_GHOST: u64 = 1 << 6;
const STATE_NORMAL: u64 = 0;
const MODE_TYPE: u64 = 0o170000;
const MODE_LINK: u64 = 0o120000;
const MODE_DIR: u64 = 0o040000;

/// Paths of rpm databases: what the product index keeps in memory.
pub fn is_database_path(rel: &str) -> bool {
    rel.starts_with("usr/lib/sysimage/rpm/") || rel.starts_with("var/lib/rpm/")
}

/// One file an rpm package installed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RpmFile {
    pub path: String,
    pub mode: u64,
    pub flags: u64,
    /// Lower-case hex; empty for what has no content digest.
    pub digest: String,
    pub link_to: String,
    /// rpm's file state: 0 installed normally.
    pub state: u64,
}

/// One installed package and its files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Installed {
    pub package: Package,
    pub files: Vec<RpmFile>,
    /// `None` when the header names a digest algorithm chainrisk does not compute.
    pub digest_alg: Option<DigestAlg>,
    pub database: String,
}

/// Every installed package of the product's rpm database, and what could not be read.
pub fn read(tree: &dyn Tree, max_bytes: u64) -> (Vec<Installed>, Vec<String>) {
    let mut warnings = Vec::new();
    for rel in SQLITE {
        match tree.read(rel, max_bytes) {
            Ok(Some(bytes)) => {
                let wal = tree.read(&format!("{rel}-wal"), max_bytes).ok().flatten();
                return match read_sqlite(rel, &bytes, wal.as_deref()) {
                    Ok((installed, w)) => {
                        warnings.extend(w);
                        (installed, warnings)
                    }
                    Err(e) => (Vec::new(), vec![format!("{rel}: {e}")]),
                };
            }
            Ok(None) => {}
            Err(e) => warnings.push(e.to_string()),
        }
    }
    for (rel, format) in OTHER_FORMATS {
        if tree.exists(rel) {
            warnings.push(format!(
                "{rel}: an rpm database in the {format} format, which chainrisk does not read (only rpmdb.sqlite, rpm 4.16 and later); its packages are not in this report. `rpmdb --rebuilddb --define '_db_backend sqlite'` on a copy converts it"
            ));
        }
    }
    (Vec::new(), warnings)
}

/// Reads the database from its bytes (and its write-ahead log, whose
/// transactions SQLite replays): copied to a private temporary file,
/// since SQLite opens files, not memory, and must never write to the product.
fn read_sqlite(
    rel: &str,
    bytes: &[u8],
    wal: Option<&[u8]>,
) -> Result<(Vec<Installed>, Vec<String>), InputError> {
    if !bytes.starts_with(b"SQLite format 3\0") {
        return Err(InputError::new("not an SQLite database (no SQLite header)"));
    }
    let dir = tempfile::tempdir()
        .map_err(|e| InputError::new(format!("cannot make a temporary copy: {e}")))?;
    let copy = dir.path().join("rpmdb.sqlite");
    std::fs::write(&copy, bytes)
        .map_err(|e| InputError::new(format!("cannot make a temporary copy: {e}")))?;
    if let Some(wal) = wal {
        std::fs::write(dir.path().join("rpmdb.sqlite-wal"), wal)
            .map_err(|e| InputError::new(format!("cannot make a temporary copy: {e}")))?;
    }
    let db = rusqlite::Connection::open_with_flags(
        &copy,
        rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| InputError::new(format!("cannot open as SQLite: {e}")))?;
    let mut stmt = db
        .prepare("SELECT hnum, blob FROM Packages ORDER BY hnum")
        .map_err(|e| InputError::new(format!("no rpm Packages table: {e}")))?;
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Vec<u8>>(1)?)))
        .map_err(|e| InputError::new(format!("cannot read the Packages table: {e}")))?;
    let (mut installed, mut warnings) = (Vec::new(), Vec::new());
    for row in rows {
        let (hnum, blob) =
            row.map_err(|e| InputError::new(format!("cannot read the Packages table: {e}")))?;
        let pointer = format!("{rel}:Packages:{hnum}");
        match Header::parse(&blob) {
            Ok(h) => installed.extend(package(&h, &pointer, rel)),
            Err(e) => warnings.push(format!("{pointer}: {e}; skipped")),
        }
    }
    link_file_requirements(&mut installed);
    Ok((installed, warnings))
}

/// The package a header describes; `None` for rpm's imported keys
/// (`gpg-pubkey`), which are headers but no software.
fn package(h: &Header, pointer: &str, database: &str) -> Option<Installed> {
    let name = h.string(tag::NAME)?;
    if name == "gpg-pubkey" {
        return None;
    }
    let version = h.string(tag::VERSION).unwrap_or_default();
    let release = h.string(tag::RELEASE).unwrap_or_default();
    let evr = if release.is_empty() {
        version.clone()
    } else {
        format!("{version}-{release}")
    };
    let epoch = h.int(tag::EPOCH);
    let mut qualifiers = Vec::new();
    if let Some(e) = epoch {
        qualifiers.push(("epoch".to_string(), e.to_string()));
    }
    let source = h
        .string(tag::SOURCERPM)
        .and_then(|s| SourcePackage::from_source_rpm(&s))
        .unwrap_or_else(|| SourcePackage {
            name: name.clone(),
            version: Some(evr.clone()),
        });
    let maintainer = h
        .string(tag::VENDOR)
        .or_else(|| h.string(tag::PACKAGER))
        .filter(|v| !v.is_empty() && v != "(none)");
    let package = Package {
        name: name.clone(),
        // rpm writes the epoch before the version; a purl carries it as a qualifier.
        version: match epoch {
            Some(e) => format!("{e}:{evr}"),
            None => evr.clone(),
        },
        purl_version: epoch.map(|_| evr),
        architecture: h.string(tag::ARCH).filter(|a| !a.is_empty()),
        source,
        maintainer,
        licence: h.string(tag::LICENSE).filter(|l| !l.is_empty()),
        depends: h
            .strings(tag::REQUIRENAME)
            .into_iter()
            .filter(|r| !r.starts_with("rpmlib(") && !r.starts_with("config("))
            .map(|r| vec![r])
            .collect(),
        provides: h.strings(tag::PROVIDENAME),
        qualifiers,
        pointer: pointer.to_string(),
    };
    let digest_alg = match h.int(tag::FILEDIGESTALGO).unwrap_or(1) {
        1 => Some(DigestAlg::Md5),
        2 => Some(DigestAlg::Sha1),
        8 => Some(DigestAlg::Sha256),
        _ => None,
    };
    Some(Installed {
        files: files(h),
        package,
        digest_alg,
        database: database.to_string(),
    })
}

/// The files of a header: its dirnames × basenames, with the per-file arrays
/// (a damaged header whose arrays disagree in length gives none).
fn files(h: &Header) -> Vec<RpmFile> {
    let basenames = h.strings(tag::BASENAMES);
    let dirnames = h.strings(tag::DIRNAMES);
    let dirindexes = h.ints(tag::DIRINDEXES);
    let n = basenames.len();
    let modes = h.ints(tag::FILEMODES);
    let flags = h.ints(tag::FILEFLAGS);
    let digests = h.strings(tag::FILEDIGESTS);
    let links = h.strings(tag::FILELINKTOS);
    let states = h.ints(tag::FILESTATES);
    if dirindexes.len() != n
        || [modes.len(), flags.len(), digests.len(), links.len()]
            .iter()
            .any(|&l| l != n)
    {
        return Vec::new();
    }
    (0..n)
        .filter_map(|i| {
            let dir = dirnames.get(dirindexes[i] as usize)?;
            Some(RpmFile {
                path: format!("{dir}{}", basenames[i]),
                mode: modes[i],
                flags: flags[i],
                digest: digests[i].to_ascii_lowercase(),
                link_to: links[i].clone(),
                state: states.get(i).copied().unwrap_or(STATE_NORMAL),
            })
        })
        .collect()
}

/// `curl-8.6.0-1.fc40.src.rpm` → `curl`, `8.6.0-1.fc40`.
/// A requirement on a path (`/bin/sh`) is met by the package that owns the
/// file: such paths are added to that package's provides.
fn link_file_requirements(installed: &mut [Installed]) {
    let wanted: HashSet<String> = installed
        .iter()
        .flat_map(|p| p.package.depends.iter().flatten())
        .filter(|r| r.starts_with('/'))
        .cloned()
        .collect();
    if wanted.is_empty() {
        return;
    }
    let owners: HashMap<String, usize> = installed
        .iter()
        .enumerate()
        .flat_map(|(i, p)| p.files.iter().map(move |f| (f.path.clone(), i)))
        .filter(|(path, _)| wanted.contains(path))
        .collect();
    for (path, i) in owners {
        installed[i].package.provides.push(path);
    }
}

/// The verification of one package's files, or `None` when it has none.
pub fn verify(tree: &dyn Tree, pkg: &Installed) -> Option<FileVerification> {
    if pkg.files.is_empty() {
        return None;
    }
    let mut out = FileVerification {
        database: pkg.database.clone(),
        ..FileVerification::default()
    };
    for f in &pkg.files {
        if f.flags & FLAG_GHOST != 0 || f.state != STATE_NORMAL {
            continue;
        }
        let rel = f.path.trim_start_matches('/');
        if !tree.exists_no_follow(rel) {
            out.missing.push(f.path.clone());
            continue;
        }
        let config = f.flags & FLAG_CONFIG != 0;
        let diff = match f.mode & MODE_TYPE {
            MODE_DIR => continue,
            MODE_LINK => {
                out.checked += 1;
                match tree.link_target(rel) {
                    Some(t) if t == f.link_to => continue,
                    t => FileDiff {
                        path: f.path.clone(),
                        algorithm: "symlink target".to_string(),
                        recorded: f.link_to.clone(),
                        actual: t.unwrap_or_else(|| "not a symlink".to_string()),
                    },
                }
            }
            _ => {
                let Some(alg) = pkg.digest_alg.filter(|_| !f.digest.is_empty()) else {
                    continue;
                };
                out.checked += 1;
                match tree.digest(rel, alg) {
                    FileState::Digest(d) if d == f.digest => continue,
                    FileState::Digest(d) => FileDiff {
                        path: f.path.clone(),
                        algorithm: alg.name().to_string(),
                        recorded: f.digest.clone(),
                        actual: d,
                    },
                    FileState::Missing => {
                        out.missing.push(f.path.clone());
                        continue;
                    }
                    FileState::NotRegular => {
                        out.unreadable.push(f.path.clone());
                        continue;
                    }
                }
            }
        };
        if config {
            out.changed_conffiles.push(diff);
        } else {
            out.changed.push(diff);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::super::rpm_header::tests::{arr, blob, entry, i32s, s};
    use super::*;

    #[test]
    fn a_header_gives_its_package_with_epoch_source_and_files() {
        let b = blob(&[
            entry(tag::NAME, s("curl")),
            entry(tag::VERSION, s("8.6.0")),
            entry(tag::RELEASE, s("1.fc40")),
            entry(tag::EPOCH, i32s(&[1])),
            entry(tag::ARCH, s("x86_64")),
            entry(tag::SOURCERPM, s("curl-8.6.0-1.fc40.src.rpm")),
            entry(tag::VENDOR, s("Fedora Project")),
            entry(tag::LICENSE, s("curl")),
            entry(
                tag::REQUIRENAME,
                arr(&["libcurl(x86-64)", "rpmlib(CompressedFileNames)", "/bin/sh"]),
            ),
            entry(tag::DIRNAMES, arr(&["/usr/bin/", "/usr/share/doc/curl/"])),
            entry(tag::BASENAMES, arr(&["curl", "README"])),
            entry(tag::DIRINDEXES, i32s(&[0, 1])),
            entry(tag::FILEMODES, (3, 2, vec![0x81, 0xed, 0x81, 0xa4])),
            entry(tag::FILEFLAGS, i32s(&[0, 2])),
            entry(tag::FILEDIGESTS, arr(&["AB12", ""])),
            entry(tag::FILELINKTOS, arr(&["", ""])),
            entry(tag::FILEDIGESTALGO, i32s(&[8])),
        ]);
        let h = Header::parse(&b).unwrap();
        let p = package(&h, "db:Packages:3", "db").unwrap();
        assert_eq!(p.package.version, "1:8.6.0-1.fc40");
        assert_eq!(
            p.package.qualifiers,
            [("epoch".to_string(), "1".to_string())]
        );
        assert_eq!(p.package.source.name, "curl");
        assert_eq!(p.package.source.version.as_deref(), Some("8.6.0-1.fc40"));
        assert_eq!(p.package.maintainer.as_deref(), Some("Fedora Project"));
        assert_eq!(
            p.package.depends,
            [
                vec!["libcurl(x86-64)".to_string()],
                vec!["/bin/sh".to_string()]
            ]
        );
        assert_eq!(p.digest_alg, Some(DigestAlg::Sha256));
        assert_eq!(p.files[0].path, "/usr/bin/curl");
        assert_eq!(p.files[0].digest, "ab12");
        assert_eq!(p.files[1].path, "/usr/share/doc/curl/README");
        let key = blob(&[entry(tag::NAME, s("gpg-pubkey"))]);
        assert!(
            package(&Header::parse(&key).unwrap(), "x", "db").is_none(),
            "a key is no package"
        );
    }

    #[test]
    fn source_rpm_names_split_at_the_last_two_dashes() {
        let s = SourcePackage::from_source_rpm("python-requests-2.31.0-3.fc40.src.rpm").unwrap();
        assert_eq!(
            (s.name.as_str(), s.version.as_deref()),
            ("python-requests", Some("2.31.0-3.fc40"))
        );
        assert!(SourcePackage::from_source_rpm("nonsense").is_none());
    }
}
