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
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), String> {
    let shown = path.display();
    if std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir()) {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .open(path)
            .map_err(|e| format!("cannot write {shown}: {e}"))?;
        return fill(&mut file).map_err(|e| format!("cannot write {shown}: {e}"));
    }
    let (temp, file) = temporary_beside(path).map_err(|e| format!("cannot write {shown}: {e}"))?;
    let mut out = Chunked::new(file, DIRECT_WRITES);
    let filled = fill(&mut out);
    let written = out
        .finish_after(filled)
        .and_then(|file| file.sync_all())
        .and_then(|()| std::fs::rename(&temp, path));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(format!(
            "cannot write {shown}: {e} (the previous file, if any, is unchanged)"
        ));
    }
    Ok(())
}

/// Bytes written at once: a chunk of the file, aligned for direct writes.
const CHUNK: usize = 8 << 20;

/// Alignment of a direct write's memory, offset and length (4096 serves
/// devices with 512- and 4096-byte sectors; others refuse, and the file
/// is then written through the page cache).
const DIRECT_ALIGN: usize = 4096;

/// Whether full chunks are first tried as direct writes (Linux only).
const DIRECT_WRITES: bool = cfg!(target_os = "linux");

/// The temporary file, written in chunks of [`CHUNK`] bytes. A full chunk
/// goes to the disk directly (`O_DIRECT`), past the page cache: on a virtual
/// machine whose freed memory is handed back to its host, growing the page
/// cache by a 1.1 GB report cost 1-5 s of system time in page faults (`dd`
/// of 1 GiB here: 0.8-8.7 s through the page cache, 0.6 s direct). The last,
/// partial chunk goes through the page cache. Where direct writes are
/// refused (a file system without them, an odd sector size) every chunk
/// goes through the page cache, its writeback started as it is written, so
/// that the `fsync` before the rename waits mostly for the tail.
///
/// From the first full chunk on, a thread writes each chunk while the next
/// one fills (two chunks in all), so a direct write does not stall the
/// report's writer; an output smaller than a chunk is written on the spot.
struct Chunked {
    /// The chunk being filled.
    chunk: Chunk,
    disk: Disk,
}

/// Who writes the file.
enum Disk {
    /// This thread, until the first chunk is full.
    Here { file: std::fs::File, direct: bool },
    /// A thread that takes full chunks and hands them back written.
    Thread {
        full: std::sync::mpsc::SyncSender<Chunk>,
        free: std::sync::mpsc::Receiver<Chunk>,
        thread: std::thread::JoinHandle<std::io::Result<std::fs::File>>,
    },
    /// The thread could not be started (why); the file went with it.
    NotStarted(String),
}

/// `CHUNK` bytes aligned for a direct write, and how many are filled.
struct Chunk {
    /// `CHUNK + DIRECT_ALIGN` bytes, of which the chunk is the aligned part.
    memory: Vec<u8>,
    /// Where the aligned chunk starts in `memory`.
    at: usize,
    filled: usize,
}

impl Chunk {
    fn new() -> Chunk {
        let memory = vec![0u8; CHUNK + DIRECT_ALIGN];
        let at = memory.as_ptr().align_offset(DIRECT_ALIGN);
        Chunk {
            memory,
            at,
            filled: 0,
        }
    }

    fn bytes(&self) -> &[u8] {
        &self.memory[self.at..self.at + self.filled]
    }

    /// Copies what of `buf` fits; returns how much that was.
    fn push(&mut self, buf: &[u8]) -> usize {
        let n = buf.len().min(CHUNK - self.filled);
        let start = self.at + self.filled;
        self.memory[start..start + n].copy_from_slice(&buf[..n]);
        self.filled += n;
        n
    }
}

/// Where one file is being written, by whichever thread writes it.
struct Sink {
    file: std::fs::File,
    /// Whether full chunks are still tried directly.
    direct: bool,
    /// Bytes in the file.
    written: u64,
}

impl Sink {
    fn new(file: std::fs::File, direct: bool) -> Sink {
        Sink {
            file,
            direct,
            written: 0,
        }
    }

    /// Writes a chunk's bytes: directly when it is full and direct writes
    /// are still tried, else through the page cache.
    fn write(&mut self, chunk: &Chunk) -> std::io::Result<()> {
        let bytes = chunk.bytes();
        let mut done = 0;
        if self.direct && bytes.len() == CHUNK {
            done = write_direct(&self.file, bytes)?;
        }
        if done < bytes.len() {
            if self.direct {
                // Refused, cut short, or the tail (not whole sectors): the
                // rest, and every chunk after it, through the page cache.
                self.direct = false;
                set_direct(&self.file, false)?;
            }
            let mut file = &self.file;
            std::io::Write::write_all(&mut file, &bytes[done..])?;
            start_writeback(&self.file, self.written, bytes.len() as u64);
        }
        self.written += bytes.len() as u64;
        Ok(())
    }
}

impl Chunked {
    fn new(file: std::fs::File, direct: bool) -> Chunked {
        Chunked {
            chunk: Chunk::new(),
            disk: Disk::Here { file, direct },
        }
    }

    /// Hands the full chunk to the disk thread (started on the first) and
    /// takes an empty one back.
    fn hand_over(&mut self) -> std::io::Result<()> {
        if let Disk::Here { .. } = self.disk {
            let here = std::mem::replace(&mut self.disk, Disk::NotStarted(String::new()));
            self.disk = match here {
                Disk::Here { file, direct } => start_thread(file, direct).unwrap_or_else(|e| {
                    // The file went with the thread that did not start.
                    Disk::NotStarted(e.to_string())
                }),
                other => other,
            };
        }
        let Disk::Thread { full, free, .. } = &self.disk else {
            return Err(not_started(&self.disk));
        };
        // A closed channel means the thread stopped on an error, which
        // `finish` reports; this one only stops the writer.
        let stopped = || std::io::Error::other("the writing thread stopped");
        let empty = free.recv().map_err(|_| stopped())?;
        let chunk = std::mem::replace(&mut self.chunk, empty);
        full.send(chunk).map_err(|_| stopped())
    }

    /// [`Chunked::finish`] after the writer ended with `filled`: a failed
    /// write to the disk stops the writer with a bare "stopped", so the
    /// disk's own error is the one to tell.
    fn finish_after(self, filled: std::io::Result<()>) -> std::io::Result<std::fs::File> {
        let file = self.finish()?;
        filled.map(|()| file)
    }

    /// Writes what is left and returns the file, to be synced.
    fn finish(self) -> std::io::Result<std::fs::File> {
        match self.disk {
            Disk::Here { file, direct } => {
                let mut sink = Sink::new(file, direct);
                sink.write(&self.chunk)?;
                Ok(sink.file)
            }
            Disk::Thread { full, free, thread } => {
                let _ = full.send(self.chunk);
                drop((full, free));
                thread
                    .join()
                    .unwrap_or_else(|_| Err(std::io::Error::other("the writing thread panicked")))
            }
            disk @ Disk::NotStarted(_) => Err(not_started(&disk)),
        }
    }
}

/// A thread that writes each chunk it is handed to `file` and hands it back
/// (with one empty chunk to start with).
fn start_thread(file: std::fs::File, direct: bool) -> std::io::Result<Disk> {
    let (full, to_write) = std::sync::mpsc::sync_channel::<Chunk>(1);
    let (written, free) = std::sync::mpsc::sync_channel::<Chunk>(2);
    // Room for two: this cannot fail.
    let _ = written.send(Chunk::new());
    let thread = std::thread::Builder::new()
        .name("write-report".into())
        .spawn(move || {
            let mut sink = Sink::new(file, direct);
            for mut chunk in to_write {
                sink.write(&chunk)?;
                chunk.filled = 0;
                // The other end is gone only when it stopped writing.
                let _ = written.send(chunk);
            }
            Ok(sink.file)
        })?;
    Ok(Disk::Thread { full, free, thread })
}

fn not_started(disk: &Disk) -> std::io::Error {
    let why = match disk {
        Disk::NotStarted(why) => why.as_str(),
        _ => "",
    };
    std::io::Error::other(format!("cannot start a thread to write the file: {why}"))
}

impl Write for Chunked {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.chunk.push(buf);
        if self.chunk.filled == CHUNK {
            self.hand_over()?;
        }
        Ok(n)
    }

    /// The serialisers write token by token (a pretty-printed SARIF report
    /// makes millions of calls): a piece that fits is one copy.
    fn write_all(&mut self, mut buf: &[u8]) -> std::io::Result<()> {
        if buf.len() < CHUNK - self.chunk.filled {
            self.chunk.push(buf);
            return Ok(());
        }
        while !buf.is_empty() {
            let n = self.write(buf)?;
            buf = &buf[n..];
        }
        Ok(())
    }

    /// Nothing: the bytes are written by whole chunks and the rest by
    /// [`Chunked::finish`]; nobody reads the temporary file before that.
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Writes an aligned chunk with `O_DIRECT`; returns how many bytes were
/// written, 0 when the file system refuses direct writes. Other errors
/// (no space, an I/O error) are errors.
#[cfg(target_os = "linux")]
fn write_direct(file: &std::fs::File, chunk: &[u8]) -> std::io::Result<usize> {
    if set_direct(file, true).is_err() {
        return Ok(0);
    }
    let mut done = 0;
    while done < chunk.len() {
        match rustix::io::write(file, &chunk[done..]) {
            Ok(0) => break,
            Ok(n) if n % DIRECT_ALIGN != 0 => return Ok(done + n),
            Ok(n) => done += n,
            Err(rustix::io::Errno::INTR) => {}
            Err(rustix::io::Errno::INVAL | rustix::io::Errno::NOTSUP) => break,
            Err(e) => return Err(e.into()),
        }
    }
    Ok(done)
}

#[cfg(not(target_os = "linux"))]
fn write_direct(_: &std::fs::File, _: &[u8]) -> std::io::Result<usize> {
    Ok(0)
}

/// Turns direct writes on or off for `file`.
#[cfg(target_os = "linux")]
fn set_direct(file: &std::fs::File, on: bool) -> std::io::Result<()> {
    use rustix::fs::{OFlags, fcntl_getfl, fcntl_setfl};
    let flags = fcntl_getfl(file)?;
    if flags.contains(OFlags::DIRECT) != on {
        fcntl_setfl(file, flags ^ OFlags::DIRECT)?;
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn set_direct(_: &std::fs::File, _: bool) -> std::io::Result<()> {
    Ok(())
}

/// Starts writing `len` bytes from `offset` to disk. Advisory: the `fsync`
/// that follows is what makes the file durable, so a failure here is ignored.
#[cfg(target_os = "linux")]
fn start_writeback(file: &std::fs::File, offset: u64, len: u64) {
    use std::os::fd::AsRawFd;
    let (Ok(offset), Ok(len)) = (i64::try_from(offset), i64::try_from(len)) else {
        return;
    };
    // SAFETY: the descriptor is open for as long as `file` is borrowed, and
    // sync_file_range(2) reads no memory of ours.
    unsafe {
        libc::sync_file_range(file.as_raw_fd(), offset, len, libc::SYNC_FILE_RANGE_WRITE);
    }
}

#[cfg(not(target_os = "linux"))]
fn start_writeback(_: &std::fs::File, _: u64, _: u64) {}

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

    /// Past several chunks, in pieces of every size, the bytes are intact:
    /// written directly where the file system allows it, and through the
    /// page cache.
    #[test]
    fn a_file_written_in_chunks_holds_every_byte() {
        let dir = tempfile::tempdir().unwrap();
        for direct in [true, false] {
            let target = dir.path().join(format!("big-{direct}.json"));
            let mut out = Chunked::new(std::fs::File::create(&target).unwrap(), direct);
            let mut expected = Vec::new();
            for i in 0..3_000u64 {
                let piece = vec![(i % 251) as u8; (i as usize * 37) % 20_000];
                out.write_all(&piece).unwrap();
                expected.extend_from_slice(&piece);
            }
            // One piece larger than a chunk, written across three.
            let piece: Vec<u8> = (0..2 * CHUNK + 5).map(|i| (i % 241) as u8).collect();
            out.write_all(&piece).unwrap();
            expected.extend_from_slice(&piece);
            out.finish().unwrap().sync_all().unwrap();
            assert!(expected.len() > 5 * CHUNK && expected.len() % CHUNK != 0);
            assert!(
                std::fs::read(&target).unwrap() == expected,
                "direct: {direct}"
            );
        }
    }

    /// A disk that fails while the thread writes (here: full) is the error
    /// told, not the writer's "the writing thread stopped".
    #[cfg(target_os = "linux")]
    #[test]
    fn the_disk_error_is_the_one_told() {
        let full = std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap();
        let mut out = Chunked::new(full, true);
        let filled = (0..4).try_for_each(|_| out.write_all(&vec![1u8; CHUNK]));
        assert!(filled.is_err(), "four chunks fit on /dev/full");
        let err = out.finish_after(filled).unwrap_err();
        assert_eq!(err.raw_os_error(), Some(libc::ENOSPC), "{err}");
    }

    /// Where direct writes work (Linux, most file systems), a full chunk
    /// leaves the file open for direct writes, and the tail turns them off.
    #[cfg(target_os = "linux")]
    #[test]
    fn full_chunks_are_written_directly_and_the_tail_is_not() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("direct.bin");
        let file = std::fs::File::create(&target).unwrap();
        let mut sink = Sink::new(file, true);
        let mut chunk = Chunk::new();
        chunk.filled = CHUNK;
        sink.write(&chunk).unwrap();
        let flags = rustix::fs::fcntl_getfl(&sink.file).unwrap();
        if !sink.direct {
            // This file system refused: the fallback is what runs here.
            assert!(!flags.contains(rustix::fs::OFlags::DIRECT));
            return;
        }
        assert!(flags.contains(rustix::fs::OFlags::DIRECT));
        chunk.filled = 100;
        sink.write(&chunk).unwrap();
        assert!(!sink.direct);
        let flags = rustix::fs::fcntl_getfl(&sink.file).unwrap();
        assert!(!flags.contains(rustix::fs::OFlags::DIRECT));
        assert_eq!(
            std::fs::metadata(&target).unwrap().len(),
            CHUNK as u64 + 100
        );
    }

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
