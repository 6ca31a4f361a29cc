//! A delivered product's file tree, whatever it was delivered as: a
//! directory on disk ([`DirTree`]) or an index built while streaming an
//! archive once ([`super::archive::ArchiveTree`]). The readers of package
//! databases and the file verification ask only these questions, so each
//! works on every kind of product.

use std::path::Path;

use super::binary::{Binary, Magic};
use super::root_path;
use crate::model::InputError;

/// What one path holds, as a file check needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileState {
    Missing,
    /// Present, but not a regular file (a directory, a device, a dangling link).
    NotRegular,
    /// The file's digest, in lower-case hex.
    Digest(String),
}

/// The digests package databases record for their files: dpkg and opkg
/// MD5, apk SHA-1, rpm SHA-256 (or MD5 in old databases).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DigestAlg {
    Md5,
    Sha1,
    Sha256,
}

impl DigestAlg {
    /// The name evidence uses (`md5`, `sha1`, `sha256`).
    pub fn name(self) -> &'static str {
        match self {
            DigestAlg::Md5 => "md5",
            DigestAlg::Sha1 => "sha1",
            DigestAlg::Sha256 => "sha256",
        }
    }
}

pub trait Tree: Sync {
    /// Where the product came from, for evidence (`product:<origin>/<path>`).
    fn origin(&self) -> &str;
    /// A regular file's bytes (symlinks followed inside the root); `Ok(None)`
    /// when there is no such file; an error when it is larger than `max`.
    fn read(&self, rel: &str, max: u64) -> Result<Option<Vec<u8>>, InputError>;
    /// Whether the path exists, following symlinks inside the root.
    fn exists(&self, rel: &str) -> bool;
    /// Whether the path exists without following its last component.
    fn exists_no_follow(&self, rel: &str) -> bool;
    /// The target of the symlink at the path (its last component not
    /// followed), as written; `None` when it is not a symlink.
    fn link_target(&self, rel: &str) -> Option<String>;
    /// The names in a directory, sorted; empty when it is not one.
    fn list_dir(&self, rel: &str) -> Vec<String>;
    /// A regular file's digest.
    fn digest(&self, rel: &str, alg: DigestAlg) -> FileState;
    /// The path with every symlink on it followed inside the root, relative
    /// to the root; `None` when it leads nowhere.
    fn canonical(&self, rel: &str) -> Option<String>;
    /// Every ELF executable and shared library in the product, by path
    /// relative to the root (sorted), with the build records it carries.
    /// Other mounted filesystems are not entered.
    fn binaries(&self) -> Vec<(String, Binary)>;
    /// Every regular file whose path (relative to the root) `wanted`
    /// accepts, sorted; other mounted filesystems are not entered.
    fn files_matching(&self, wanted: &dyn Fn(&str) -> bool) -> Vec<String>;
    /// Every Java archive in the product (sorted by path) and the artifacts it identifies.
    fn jars(&self) -> Vec<(String, super::archive::JarRead)>;
}

/// A root filesystem that is a directory on this machine.
pub struct DirTree {
    root: std::path::PathBuf,
    shown: String,
    /// Every regular file and its size, walked once when first asked, and
    /// whether the walk stopped at its cap.
    files: std::sync::OnceLock<(Vec<(String, u64)>, bool)>,
}

impl DirTree {
    pub fn new(root: &Path) -> DirTree {
        DirTree {
            root: root.to_path_buf(),
            shown: root.display().to_string(),
            files: std::sync::OnceLock::new(),
        }
    }

    fn walked(&self) -> &[(String, u64)] {
        &self.files.get_or_init(|| regular_files(&self.root)).0
    }

    /// What the reader should know about the walk: that it stopped at its cap.
    pub fn warnings(&self) -> Vec<String> {
        match self.files.get() {
            Some((_, true)) => vec![format!(
                "the product has more than {MAX_WALK} entries: only the first {MAX_WALK} were looked at for binaries and language packages"
            )],
            _ => Vec::new(),
        }
    }
}

impl Tree for DirTree {
    fn origin(&self) -> &str {
        &self.shown
    }

    fn read(&self, rel: &str, max: u64) -> Result<Option<Vec<u8>>, InputError> {
        use std::io::Read;
        let Some(p) = root_path::regular_file(&self.root, rel) else {
            return Ok(None);
        };
        let file = std::fs::File::open(&p)
            .map_err(|e| InputError::in_file(rel, None, format!("cannot read: {e}")))?;
        let mut bytes = Vec::new();
        file.take(max + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| InputError::in_file(rel, None, format!("cannot read: {e}")))?;
        if bytes.len() as u64 > max {
            return Err(InputError::in_file(
                rel,
                None,
                format!("larger than the {max} byte limit; not read"),
            ));
        }
        Ok(Some(bytes))
    }

    fn exists(&self, rel: &str) -> bool {
        root_path::resolve(&self.root, rel).is_some_and(|p| std::fs::symlink_metadata(p).is_ok())
    }

    fn exists_no_follow(&self, rel: &str) -> bool {
        root_path::exists_no_follow(&self.root, rel)
    }

    fn link_target(&self, rel: &str) -> Option<String> {
        root_path::link_target(&self.root, rel)
    }

    fn canonical(&self, rel: &str) -> Option<String> {
        let path = root_path::resolve(&self.root, rel)?;
        std::fs::symlink_metadata(&path).ok()?;
        let inside = path.strip_prefix(&self.root).ok()?;
        Some(inside.to_string_lossy().into_owned())
    }

    fn files_matching(&self, wanted: &dyn Fn(&str) -> bool) -> Vec<String> {
        let mut out: Vec<String> = self
            .walked()
            .iter()
            .filter(|(rel, _)| wanted(rel))
            .map(|(rel, _)| rel.clone())
            .collect();
        out.sort();
        out
    }

    fn jars(&self) -> Vec<(String, super::archive::JarRead)> {
        use rayon::prelude::*;
        self.files_matching(&super::jar::is_jar)
            .into_par_iter()
            .map(|rel| {
                let read = std::fs::File::open(self.root.join(&rel))
                    .map_err(|e| InputError::new(format!("/{rel}: cannot read: {e}")))
                    .and_then(|f| super::jar::read(std::io::BufReader::new(f), &format!("/{rel}")));
                (rel, read)
            })
            .collect()
    }

    fn binaries(&self) -> Vec<(String, Binary)> {
        use rayon::prelude::*;
        let mut out: Vec<(String, Binary)> = self
            .walked()
            .par_iter()
            .filter(|(_, size)| *size >= super::binary::HEAD as u64)
            .filter_map(|(rel, _)| {
                let path = self.root.join(rel);
                let mut file = std::fs::File::open(&path).ok()?;
                let mut head = [0u8; super::binary::HEAD];
                std::io::Read::read_exact(&mut file, &mut head).ok()?;
                let magic = Magic::sniff(&head)?;
                let cache = object::read::ReadCache::new(file);
                Some((rel.clone(), super::binary::inspect(magic, &cache)?))
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    fn list_dir(&self, rel: &str) -> Vec<String> {
        let Some(dir) = root_path::resolve(&self.root, rel) else {
            return Vec::new();
        };
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn digest(&self, rel: &str, alg: DigestAlg) -> FileState {
        let Some(path) = root_path::resolve(&self.root, rel) else {
            return FileState::Missing;
        };
        match std::fs::metadata(&path) {
            Err(_) => FileState::Missing,
            Ok(m) if !m.is_file() => FileState::NotRegular,
            Ok(_) => match digest_of_file(&path, alg) {
                Some(d) => FileState::Digest(d),
                None => FileState::NotRegular,
            },
        }
    }
}

/// Most entries walked in a directory tree.
const MAX_WALK: usize = 4_000_000;

/// Every regular file under `root` and its size, relative to it, and
/// whether the walk stopped at [`MAX_WALK`]: symlinks are not followed, and
/// directories on another device than the root (`/proc`, `/sys`, `/dev`,
/// `/run`, other mounts) are not entered.
fn regular_files(root: &Path) -> (Vec<(String, u64)>, bool) {
    walk(root, MAX_WALK)
}

fn walk(root: &Path, cap: usize) -> (Vec<(String, u64)>, bool) {
    use std::os::unix::fs::MetadataExt;
    let Ok(top) = std::fs::metadata(root) else {
        return (Vec::new(), false);
    };
    let device = top.dev();
    let mut out = Vec::new();
    let mut stack = vec![std::path::PathBuf::new()];
    let mut walked = 0usize;
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(root.join(&dir)) else {
            continue;
        };
        for e in entries.flatten() {
            walked += 1;
            if walked > cap {
                return (out, true);
            }
            let Ok(meta) = e.metadata() else { continue };
            let rel = dir.join(e.file_name());
            if meta.is_dir() && meta.dev() == device {
                stack.push(rel);
            } else if meta.is_file() {
                out.push((rel.to_string_lossy().into_owned(), meta.len()));
            }
        }
    }
    (out, false)
}

/// The digest of bytes in memory (apk records a symlink's over its target path).
pub(super) fn digest_of_bytes(alg: DigestAlg, bytes: &[u8]) -> String {
    use sha2::Digest;
    let raw: Vec<u8> = match alg {
        DigestAlg::Md5 => md5::Md5::digest(bytes).to_vec(),
        DigestAlg::Sha1 => sha1::Sha1::digest(bytes).to_vec(),
        DigestAlg::Sha256 => sha2::Sha256::digest(bytes).to_vec(),
    };
    crate::model::encode::hex(&raw)
}

/// The digest of a file on disk, read as a stream.
pub(super) fn digest_of_file(path: &Path, alg: DigestAlg) -> Option<String> {
    fn hash<D: sha2::Digest>(mut f: std::fs::File) -> Option<String> {
        use std::io::Read;
        let mut h = D::new();
        let mut buf = vec![0u8; 64 << 10];
        loop {
            let n = f.read(&mut buf).ok()?;
            if n == 0 {
                break;
            }
            h.update(&buf[..n]);
        }
        Some(crate::model::encode::hex(&h.finalize()))
    }
    let f = std::fs::File::open(path).ok()?;
    match alg {
        DigestAlg::Md5 => hash::<md5::Md5>(f),
        DigestAlg::Sha1 => hash::<sha1::Sha1>(f),
        DigestAlg::Sha256 => hash::<sha2::Sha256>(f),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_walk_that_reaches_its_cap_says_so() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..5 {
            std::fs::write(dir.path().join(format!("f{i}")), b"x").unwrap();
        }
        let (files, capped) = walk(dir.path(), 3);
        assert_eq!((files.len(), capped), (3, true));
        let (files, capped) = walk(dir.path(), 5);
        assert_eq!((files.len(), capped), (5, false));
    }
}
