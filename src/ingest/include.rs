//! Files a reader opens on an input's behalf (requirements includes, the
//! manifest or checksum file beside a lockfile). Their names come from the
//! input, which may be hostile: `-r /proc/self/environ` must not pull the
//! environment into a report. Such a file is read only when it is a regular
//! file inside the input's directory tree or a directory the user allowed.

use std::path::{Path, PathBuf};

use super::IngestOptions;
use crate::model::document_read::{ReadError, read_document};

/// Where files named by `input` may be read from: its own directory and the
/// directories the user added, all canonical.
pub fn roots(input: &Path, options: &IngestOptions) -> Vec<PathBuf> {
    let dir = match input.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::iter::once(dir)
        .chain(options.include_roots.iter().cloned())
        .filter_map(|d| std::fs::canonicalize(d).ok())
        .collect()
}

/// Why a named file was not read.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    NotFound,
    /// Outside every root (after following symbolic links).
    Outside,
    /// A directory, device, FIFO or socket.
    NotRegular,
    TooLarge,
    Io(String),
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refused::NotFound => f.write_str("no such file"),
            Refused::Outside => f.write_str(
                "outside the input's directory; allow its directory with --include-root DIR",
            ),
            Refused::NotRegular => f.write_str("not a regular file"),
            Refused::TooLarge => write!(
                f,
                "larger than the {} byte limit for one input (raise it with --max-input-size)",
                crate::model::document_read::max_input_bytes()
            ),
            Refused::Io(e) => f.write_str(e),
        }
    }
}

/// Reads `path` when it is a regular file inside one of `roots`.
pub fn read(path: &Path, roots: &[PathBuf]) -> Result<Vec<u8>, Refused> {
    let real = std::fs::canonicalize(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => Refused::NotFound,
        _ => Refused::Io(e.to_string()),
    })?;
    if !roots.iter().any(|r| real.starts_with(r)) {
        return Err(Refused::Outside);
    }
    read_document(&real).map_err(|e| match e {
        ReadError::NotFound => Refused::NotFound,
        ReadError::IsDirectory | ReadError::NotRegular => Refused::NotRegular,
        ReadError::TooLarge { .. } => Refused::TooLarge,
        other => Refused::Io(other.to_string()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_regular_files_inside_the_roots() {
        let outer = tempfile::tempdir().unwrap();
        let dir = outer.path().join("project");
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("sub/a.txt"), "a==1\n").unwrap();
        std::fs::write(outer.path().join("secret.txt"), "TOKEN=x\n").unwrap();
        let input = dir.join("requirements.txt");
        let roots = roots(&input, &IngestOptions::default());
        assert_eq!(read(&dir.join("sub/a.txt"), &roots).unwrap(), b"a==1\n");
        assert_eq!(
            read(&dir.join("sub/../../secret.txt"), &roots),
            Err(Refused::Outside)
        );
        assert_eq!(read(&dir.join("sub"), &roots), Err(Refused::NotRegular));
        assert_eq!(read(&dir.join("missing"), &roots), Err(Refused::NotFound));
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(outer.path().join("secret.txt"), dir.join("link.txt"))
                .unwrap();
            assert_eq!(read(&dir.join("link.txt"), &roots), Err(Refused::Outside));
            assert_eq!(
                read(Path::new("/proc/self/environ"), &roots),
                Err(Refused::Outside)
            );
        }
        let wider = IngestOptions {
            include_roots: vec![outer.path().to_path_buf()],
            ..IngestOptions::default()
        };
        let roots = super::roots(&input, &wider);
        assert_eq!(
            read(&outer.path().join("secret.txt"), &roots).unwrap(),
            b"TOKEN=x\n"
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn devices_are_not_read_even_when_allowed() {
        let options = IngestOptions {
            include_roots: vec![PathBuf::from("/dev")],
            ..IngestOptions::default()
        };
        let roots = roots(Path::new("requirements.txt"), &options);
        assert_eq!(
            read(Path::new("/dev/zero"), &roots),
            Err(Refused::NotRegular)
        );
    }
}
