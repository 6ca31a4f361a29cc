//! Reading a document whole (an SBOM, a lockfile, a policy, a baseline, a
//! snapshot, a report to compare): only regular files, and never more than
//! the input size limit, so that `/dev/zero`, a FIFO or a file that grows
//! while it is read ends in an error instead of a hang or an abort.
//!
//! The limit is one per process: the command line sets it once
//! (`--max-input-size`, `CHAINRISK_MAX_INPUT_SIZE`) before anything is read.

use std::io::Read;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// 1 GiB: twice the largest SBOM seen in the field (a 1,000,000-component
/// CycloneDX file is about 470 MB).
pub const DEFAULT_MAX_INPUT_BYTES: u64 = 1 << 30;

static MAX_INPUT_BYTES: AtomicU64 = AtomicU64::new(DEFAULT_MAX_INPUT_BYTES);

/// The size limit for one document read whole.
pub fn max_input_bytes() -> u64 {
    MAX_INPUT_BYTES.load(Ordering::Relaxed)
}

/// Sets the limit for this process (the command line does, once).
pub fn set_max_input_bytes(limit: u64) {
    MAX_INPUT_BYTES.store(limit, Ordering::Relaxed);
}

/// Why a document was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    NotFound,
    PermissionDenied,
    IsDirectory,
    /// A FIFO, socket or device: it could block or never end.
    NotRegular,
    /// Larger than the limit (`size` as far as it was seen).
    TooLarge {
        size: u64,
        limit: u64,
    },
    Io(String),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotFound => f.write_str("no such file"),
            ReadError::PermissionDenied => f.write_str("permission denied"),
            ReadError::IsDirectory => f.write_str("is a directory"),
            ReadError::NotRegular => {
                f.write_str("is not a regular file (a FIFO, socket or device); refused")
            }
            ReadError::TooLarge { size, limit } => write!(
                f,
                "file is {size} bytes, larger than the {limit} byte limit for one input (raise it with --max-input-size)"
            ),
            ReadError::Io(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for ReadError {}

fn io_error(e: std::io::Error) -> ReadError {
    match e.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound,
        std::io::ErrorKind::PermissionDenied => ReadError::PermissionDenied,
        _ => ReadError::Io(e.to_string()),
    }
}

/// Reads `path` whole when it is a regular file within the limit.
pub fn read_document(path: &Path) -> Result<Vec<u8>, ReadError> {
    read_document_within(path, max_input_bytes())
}

/// [`read_document`] with an explicit limit.
pub fn read_document_within(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    // Checked before opening: opening a FIFO blocks until a writer comes.
    check_regular(&std::fs::metadata(path).map_err(io_error)?)?;
    let file = std::fs::File::open(path).map_err(io_error)?;
    // And the open file's own: the path may have been swapped in between.
    let meta = file.metadata().map_err(io_error)?;
    check_regular(&meta)?;
    if meta.len() > limit {
        return Err(ReadError::TooLarge {
            size: meta.len(),
            limit,
        });
    }
    // The size may change after the check (a growing file, /proc): the read
    // is bounded all the same, and the buffer grows only as data arrives.
    let mut bytes = Vec::new();
    bytes
        .try_reserve_exact(meta.len() as usize)
        .map_err(|_| ReadError::Io(format!("cannot allocate {} bytes", meta.len())))?;
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(io_error)?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

fn check_regular(meta: &std::fs::Metadata) -> Result<(), ReadError> {
    if meta.is_dir() {
        Err(ReadError::IsDirectory)
    } else if !meta.is_file() {
        Err(ReadError::NotRegular)
    } else {
        Ok(())
    }
}

/// [`read_document`] as text; invalid UTF-8 is an error naming the byte offset.
pub fn read_text_document(path: &Path) -> Result<String, ReadError> {
    let bytes = read_document(path)?;
    String::from_utf8(bytes).map_err(|e| {
        ReadError::Io(format!(
            "not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// Parses a size: bytes, or a number with `K`, `M`, `G`, `T` (powers of
/// 1024, `KiB` and `KB` alike: a limit, not a disk label).
pub fn parse_size(text: &str) -> Result<u64, String> {
    let t = text.trim();
    let split = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(t.len());
    let (number, unit) = t.split_at(split);
    let unit = unit.trim().to_ascii_lowercase();
    let shift = match unit.trim_end_matches('b').trim_end_matches('i') {
        "" => 0,
        "k" => 10,
        "m" => 20,
        "g" => 30,
        "t" => 40,
        _ => {
            return Err(format!(
                "{text:?} is not a size: expected bytes or a number with K, M, G or T (e.g. 2G, 512MiB)"
            ));
        }
    };
    let value: f64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a size: expected a number first (e.g. 2G)"))?;
    let bytes = value * (1u64 << shift) as f64;
    if !bytes.is_finite() || bytes < 1.0 || bytes > u64::MAX as f64 {
        return Err(format!("{text:?} is not a usable size"));
    }
    Ok(bytes as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_in_words() {
        assert_eq!(parse_size("4096").unwrap(), 4096);
        assert_eq!(parse_size("2G").unwrap(), 2 << 30);
        assert_eq!(parse_size("512MiB").unwrap(), 512 << 20);
        assert_eq!(parse_size("1.5 GB").unwrap(), 3 << 29);
        assert_eq!(parse_size("10k").unwrap(), 10 << 10);
        for bad in ["", "G", "2X", "-1", "0", "1e999G"] {
            assert!(parse_size(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn only_regular_files_within_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("a.json");
        std::fs::write(&f, b"0123456789").unwrap();
        assert_eq!(read_document_within(&f, 10).unwrap().len(), 10);
        assert_eq!(
            read_document_within(&f, 9),
            Err(ReadError::TooLarge { size: 10, limit: 9 })
        );
        assert_eq!(
            read_document_within(dir.path(), 10),
            Err(ReadError::IsDirectory)
        );
        assert_eq!(
            read_document_within(&dir.path().join("none"), 10),
            Err(ReadError::NotFound)
        );
        assert_eq!(
            read_document_within(Path::new("/dev/zero"), 10),
            Err(ReadError::NotRegular)
        );
    }

    #[test]
    fn a_file_that_reports_no_size_is_still_bounded() {
        // /proc files report a length of 0 and can be longer.
        let p = Path::new("/proc/self/maps");
        if p.exists() {
            match read_document_within(p, 8) {
                Err(ReadError::TooLarge { limit: 8, .. }) => {}
                other => panic!("{other:?}"),
            }
        }
    }
}
