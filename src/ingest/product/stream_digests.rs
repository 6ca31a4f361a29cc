//! The digests of every file of a stream — a tarball, an image's layers, a
//! squashfs image — computed on two threads. A stream cannot be read twice,
//! so each file is hashed the three ways package databases need (dpkg and
//! opkg MD5, apk SHA-1, rpm and Python RECORD SHA-256) as it passes: this
//! thread decompresses, parses and computes SHA-256, one worker thread
//! computes MD5 and SHA-1 of the same chunks for all files in turn. The
//! worker's results are read once the stream is done ([`StreamDigests::finish`]).

use std::io::Read;
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};
use std::thread::JoinHandle;

use crate::model::InputError;
use sha2::Digest;

const CHUNK: usize = 64 << 10;
/// Chunks in flight to the worker: bounds memory at 4 MiB.
const IN_FLIGHT: usize = 64;

/// One file's MD5 and SHA-1.
pub type Md5Sha1 = ([u8; 16], [u8; 20]);

enum Message {
    Chunk(Vec<u8>),
    EndOfFile,
}

struct Worker {
    to: SyncSender<Message>,
    spare: Receiver<Vec<u8>>,
    handle: JoinHandle<Vec<Md5Sha1>>,
}

/// Hashes files one after another; each file gets a slot, whose MD5 and
/// SHA-1 are known after [`StreamDigests::finish`].
#[derive(Default)]
pub struct StreamDigests {
    /// In a mutex only so that a finished tree can be shared between threads
    /// (a channel's receiver cannot); reached through `get_mut`, never locked.
    worker: std::sync::Mutex<Option<Worker>>,
    files: u32,
    done: Vec<Md5Sha1>,
}

impl std::fmt::Debug for StreamDigests {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StreamDigests({} files)", self.files)
    }
}

fn spawn() -> std::io::Result<Worker> {
    let (to, from_main) = sync_channel::<Message>(IN_FLIGHT);
    let (give_back, spare): (Sender<Vec<u8>>, _) = channel();
    let handle = std::thread::Builder::new()
        .name("file digests".to_string())
        .spawn(move || {
            let mut out = Vec::new();
            let (mut md5, mut sha1) = (md5::Md5::new(), sha1::Sha1::new());
            for m in from_main {
                match m {
                    Message::Chunk(c) => {
                        md5.update(&c);
                        sha1.update(&c);
                        let _ = give_back.send(c);
                    }
                    Message::EndOfFile => out.push((
                        std::mem::take(&mut md5).finalize().into(),
                        std::mem::take(&mut sha1).finalize().into(),
                    )),
                }
            }
            out
        })?;
    Ok(Worker { to, spare, handle })
}

impl StreamDigests {
    /// Hashes `data` to its end: returns its SHA-256, its slot and the bytes
    /// read. `each` sees every chunk (to keep a copy).
    pub fn file(
        &mut self,
        data: &mut dyn Read,
        mut each: impl FnMut(&[u8]),
    ) -> std::io::Result<([u8; 32], u32, u64)> {
        let slot_worker = self
            .worker
            .get_mut()
            .map_err(|_| std::io::Error::other("the digest worker failed"))?;
        if slot_worker.is_none() {
            *slot_worker = Some(spawn()?);
        }
        let Some(worker) = slot_worker.as_ref() else {
            return Err(std::io::Error::other("the digest worker did not start"));
        };
        let stopped = || std::io::Error::other("the digest worker stopped");
        let mut sha256 = sha2::Sha256::new();
        let mut read = 0u64;
        let result = loop {
            let mut buf = worker.spare.try_recv().unwrap_or_default();
            buf.resize(CHUNK, 0);
            let n = match read_up_to(data, &mut buf) {
                Ok(n) => n,
                Err(e) => break Err(e),
            };
            if n == 0 {
                break Ok(());
            }
            buf.truncate(n);
            read += n as u64;
            sha256.update(&buf);
            each(&buf);
            if worker.to.send(Message::Chunk(buf)).is_err() {
                break Err(stopped());
            }
        };
        // The slot is closed even after an error: slots stay in step with files.
        worker.to.send(Message::EndOfFile).map_err(|_| stopped())?;
        let slot = self.files;
        self.files += 1;
        result.map(|()| (sha256.finalize().into(), slot, read))
    }

    /// Waits for the worker; afterwards every slot's MD5 and SHA-1 is known.
    pub fn finish(&mut self) -> Result<(), InputError> {
        let worker = self
            .worker
            .get_mut()
            .map_err(|_| InputError::new("the file digest worker failed"))?;
        if let Some(w) = worker.take() {
            drop(w.to);
            let done = w
                .handle
                .join()
                .map_err(|_| InputError::new("the file digest worker failed"))?;
            self.done.extend(done);
        }
        Ok(())
    }

    /// A slot's MD5 and SHA-1; `None` before [`StreamDigests::finish`].
    pub fn md5_sha1(&self, slot: u32) -> Option<&Md5Sha1> {
        self.done.get(slot as usize)
    }
}

/// Reads until `buf` is full or the stream ends.
pub(super) fn read_up_to(data: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match data.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_file_gets_its_own_digests_in_order() {
        let mut d = StreamDigests::default();
        let big = vec![7u8; 3 * CHUNK + 5];
        let mut seen = 0usize;
        let (sha_a, a, n_a) = d.file(&mut &b"abc"[..], |c| seen += c.len()).unwrap();
        let (_, b, n_b) = d.file(&mut &big[..], |c| seen += c.len()).unwrap();
        let (_, c, _) = d.file(&mut &b""[..], |_| {}).unwrap();
        assert_eq!((a, b, c, n_a, n_b as usize), (0, 1, 2, 3, big.len()));
        assert_eq!(seen, 3 + big.len());
        assert_eq!(d.md5_sha1(0), None, "not before finish");
        d.finish().unwrap();
        let hex = crate::model::encode::hex;
        assert_eq!(
            hex(&sha_a),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(&d.md5_sha1(0).unwrap().0),
            "900150983cd24fb0d6963f7d28e17f72"
        );
        assert_eq!(
            hex(&d.md5_sha1(0).unwrap().1),
            "a9993e364706816aba3e25717850c26c9cd0d89d"
        );
        assert_eq!(
            hex(&d.md5_sha1(2).unwrap().0),
            "d41d8cd98f00b204e9800998ecf8427e"
        );
        let whole: [u8; 16] = md5::Md5::digest(&big).into();
        assert_eq!(d.md5_sha1(1).unwrap().0, whole);
    }

    #[test]
    fn a_read_error_closes_the_files_slot() {
        struct Fails;
        impl Read for Fails {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("cut"))
            }
        }
        let mut d = StreamDigests::default();
        assert!(d.file(&mut Fails, |_| {}).is_err());
        let (_, slot, _) = d.file(&mut &b"abc"[..], |_| {}).unwrap();
        assert_eq!(slot, 1);
        d.finish().unwrap();
        assert_eq!(
            crate::model::encode::hex(&d.md5_sha1(1).unwrap().0),
            "900150983cd24fb0d6963f7d28e17f72"
        );
    }
}
