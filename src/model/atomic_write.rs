//! Writing an output file so that a failure never destroys what was there:
//! the bytes go to a new temporary file in the same directory, which is
//! flushed to disk and renamed over the target; on any error the temporary
//! file is removed and the old file is left as it was. A target that is not
//! a regular file (`/dev/null`, a FIFO, a terminal) is written in place:
//! renaming over it would replace the device with a file.

use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically (see the module doc).
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), String> {
    write_with(path, |f| f.write_all(bytes))
}

/// [`write_atomically`], with the bytes produced by `fill` (tests make it fail).
pub fn write_with(
    path: &Path,
    fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<(), String> {
    let shown = path.display();
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|e| format!("cannot write {shown}: {e}"))?;
        return fill(&mut file).map_err(|e| format!("cannot write {shown}: {e}"));
    }
    let (temp, mut file) =
        temporary_beside(path).map_err(|e| format!("cannot write {shown}: {e}"))?;
    let written = fill(&mut file)
        .and_then(|()| file.sync_all())
        .and_then(|()| std::fs::rename(&temp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(format!(
            "cannot write {shown}: {e} (the previous file, if any, is unchanged)"
        ));
    }
    Ok(())
}

/// A new file next to `path`, named so that no other writer collides.
fn temporary_beside(path: &Path) -> std::io::Result<(PathBuf, std::fs::File)> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "output".to_string());
    let mut last = None;
    for attempt in 0..100u32 {
        let temp = dir.join(format!(
            ".{name}.{}-{attempt}.chainrisk-tmp",
            std::process::id()
        ));
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)
        {
            Ok(f) => return Ok((temp, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| std::io::Error::other("no temporary name is free")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_device_is_written_in_place_never_replaced() {
        write_atomically(Path::new("/dev/null"), b"gone").unwrap();
        let m = std::fs::metadata("/dev/null").unwrap();
        assert!(!m.is_file(), "/dev/null is still a device");
    }

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("report.json");
        std::fs::write(&target, b"the previous report").unwrap();
        let err = write_with(&target, |f| {
            f.write_all(b"half a rep")?;
            Err(std::io::Error::other("no space left on device"))
        })
        .unwrap_err();
        assert!(
            err.contains("no space left on device") && err.contains("unchanged"),
            "{err}"
        );
        assert_eq!(std::fs::read(&target).unwrap(), b"the previous report");
        assert_eq!(
            std::fs::read_dir(dir.path()).unwrap().count(),
            1,
            "no temporary file left"
        );
        write_atomically(&target, b"new").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
