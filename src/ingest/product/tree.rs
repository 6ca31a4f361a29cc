//! A delivered product's file tree, whatever it was delivered as: a
//! directory on disk ([`DirTree`]) or an index built while streaming an
//! archive once ([`super::archive::ArchiveTree`]). The readers of package
//! databases and the file verification ask only these questions, so each
//! works on every kind of product.

use std::path::Path;

use super::root_path;

/// What one path holds, as a file check needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FileState {
    Missing,
    /// Present, but not a regular file (a directory, a device, a dangling link).
    NotRegular,
    Md5(String),
}

pub trait Tree: Sync {
    /// Where the product came from, for evidence (`product:<origin>/<path>`).
    fn origin(&self) -> &str;
    /// A regular file's bytes (symlinks followed inside the root); `Ok(None)`
    /// when there is no such file; an error when it is larger than `max`.
    fn read(&self, rel: &str, max: u64) -> Result<Option<Vec<u8>>, String>;
    /// Whether the path exists, following symlinks inside the root.
    fn exists(&self, rel: &str) -> bool;
    /// Whether the path exists without following its last component.
    fn exists_no_follow(&self, rel: &str) -> bool;
    /// The names in a directory, sorted; empty when it is not one.
    fn list_dir(&self, rel: &str) -> Vec<String>;
    /// The MD5 of a regular file's content.
    fn md5(&self, rel: &str) -> FileState;
}

/// A root filesystem that is a directory on this machine.
pub struct DirTree {
    root: std::path::PathBuf,
    shown: String,
}

impl DirTree {
    pub fn new(root: &Path) -> DirTree {
        DirTree {
            root: root.to_path_buf(),
            shown: root.display().to_string(),
        }
    }
}

impl Tree for DirTree {
    fn origin(&self) -> &str {
        &self.shown
    }

    fn read(&self, rel: &str, max: u64) -> Result<Option<Vec<u8>>, String> {
        use std::io::Read;
        let Some(p) = root_path::regular_file(&self.root, rel) else {
            return Ok(None);
        };
        let file = std::fs::File::open(&p).map_err(|e| format!("{rel}: cannot read: {e}"))?;
        let mut bytes = Vec::new();
        file.take(max + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("{rel}: cannot read: {e}"))?;
        if bytes.len() as u64 > max {
            return Err(format!("{rel}: larger than the {max} byte limit; not read"));
        }
        Ok(Some(bytes))
    }

    fn exists(&self, rel: &str) -> bool {
        root_path::resolve(&self.root, rel).is_some_and(|p| std::fs::symlink_metadata(p).is_ok())
    }

    fn exists_no_follow(&self, rel: &str) -> bool {
        root_path::exists_no_follow(&self.root, rel)
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

    fn md5(&self, rel: &str) -> FileState {
        let Some(path) = root_path::resolve(&self.root, rel) else {
            return FileState::Missing;
        };
        match std::fs::metadata(&path) {
            Err(_) => FileState::Missing,
            Ok(m) if !m.is_file() => FileState::NotRegular,
            Ok(_) => match md5_of_file(&path) {
                Some(d) => FileState::Md5(d),
                None => FileState::NotRegular,
            },
        }
    }
}

fn md5_of_file(path: &Path) -> Option<String> {
    use md5::{Digest, Md5};
    use std::io::Read;
    let mut f = std::fs::File::open(path).ok()?;
    let mut h = Md5::new();
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
