//! A root filesystem delivered as a tarball (`.tar`, `.tar.gz`, `.tar.xz`,
//! `.tar.zst`), read once as a stream and never extracted: every entry's path,
//! type and link target go into an index, every regular file's MD5, SHA-1
//! and SHA-256 (what dpkg, apk and rpm record) are computed on the way, and only the package databases and os-release are
//! kept in memory. Archives are hostile until proven otherwise: paths that
//! climb out of the root are dropped with a warning, devices are never
//! opened, and entry count, decompressed size and kept bytes are capped.

use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::Path;

use super::binary::{self, Binary, Magic};
use super::jar;
use super::root_path::{self, Lookup};
use super::stream_digests::StreamDigests;
use super::tree::{DigestAlg, FileState, Tree};
use crate::model::InputError;

/// Entries indexed before the archive is refused.
pub(super) const MAX_ENTRIES: usize = 4_000_000;
/// Decompressed bytes read before the archive is refused.
pub(super) const MAX_DECOMPRESSED: u64 = 64 << 30;
/// Bytes of kept files (package databases, os-release) in all.
const MAX_KEPT: u64 = 1 << 30;
/// Longest entry path accepted.
const MAX_PATH: usize = 4096;

#[derive(Clone, Debug)]
enum Entry {
    Dir,
    File {
        sha256: [u8; 32],
        /// Its MD5 and SHA-1 in the tree's [`StreamDigests`].
        slot: u32,
        content: Option<Vec<u8>>,
        /// An ELF executable or shared library, with its build records.
        binary: Option<Box<Binary>>,
        /// A Java archive: the artifacts it identifies, or why it could not be read.
        jar: Option<Box<JarRead>>,
    },
    Symlink(String),
    /// A device, FIFO or socket: listed, never read.
    Special,
}

/// One node of a filesystem image, for [`ArchiveTree::add_node`].
pub(super) enum ImageNode<'r> {
    Dir,
    /// A regular file: its content as a stream, and the size the image states.
    File {
        data: &'r mut dyn Read,
        size: u64,
    },
    Symlink(String),
    /// A device, FIFO or socket: listed, never read.
    Special,
}

/// The index of one archive's tree.
#[derive(Debug, Default)]
pub struct ArchiveTree {
    origin: String,
    entries: HashMap<String, Entry>,
    /// Directory → its names (from entries and their parents).
    children: BTreeMap<String, Vec<String>>,
    /// What was dropped or capped while reading.
    pub warnings: Vec<String>,
    digests: StreamDigests,
}

/// The compression a file starts with, from its magic bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Xz,
    Zstd,
}

impl Compression {
    pub fn sniff(head: &[u8]) -> Compression {
        if head.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if head.starts_with(&[0xfd, b'7', b'z', b'X', b'Z', 0]) {
            Compression::Xz
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }

    pub fn reader<'a>(self, r: impl Read + 'a) -> std::io::Result<Box<dyn Read + 'a>> {
        Ok(match self {
            Compression::None => Box::new(r),
            Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(r)),
            Compression::Xz => Box::new(crate::model::xz::decoder(r)?),
            Compression::Zstd => Box::new(zstd::stream::read::Decoder::new(r)?),
        })
    }
}

/// Whether the file is a (possibly compressed) tar archive: its first block,
/// decompressed, carries the `ustar` magic.
pub fn is_tarball(path: &Path) -> bool {
    // Opening a FIFO would block: only regular files are looked at.
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return false;
    }
    let Ok(mut f) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = [0u8; 8];
    let Ok(n) = f.read(&mut head) else {
        return false;
    };
    let Ok(f) = std::fs::File::open(path) else {
        return false;
    };
    let Ok(mut r) = Compression::sniff(&head[..n]).reader(f) else {
        return false;
    };
    let mut block = [0u8; 512];
    r.read_exact(&mut block).is_ok() && &block[257..262] == b"ustar"
}

/// Largest binary held in memory to read its build records; a larger one is
/// still listed, with that said.
const MAX_BINARY: usize = 512 << 20;
/// What is kept of a binary too large to read: enough for its headers.
const HEADERS_KEPT: usize = 4096;

/// What a Java archive in the product identifies.
pub type JarRead = Result<Vec<jar::Artifact>, InputError>;

/// A regular file's entry: its digests, its content when `wanted` (counted
/// in `kept`), and for an ELF binary its kind and build records (the binary
/// is held only while it is read); also the bytes read.
fn hash_file(
    digests: &mut StreamDigests,
    path: &str,
    data: &mut dyn Read,
    size: u64,
    wanted: bool,
    kept: &mut u64,
) -> Result<(Entry, u64), InputError> {
    let mut content = wanted.then(Vec::new);
    // The first bytes say whether this is a binary; then all of it is kept until read.
    let mut head: Vec<u8> = Vec::with_capacity(binary::HEAD);
    let mut elf: Option<(Magic, Vec<u8>)> = None;
    let mut too_large = false;
    // A Java archive is held only while its entries are read.
    let mut java = (jar::is_jar(path) && size <= MAX_BINARY as u64).then(Vec::new);
    let (sha256, slot, read) = digests
        .file(data, |chunk| {
            if let Some(c) = content.as_mut() {
                c.extend_from_slice(chunk);
            }
            if let Some(j) = java.as_mut() {
                j.extend_from_slice(chunk);
            }
            if head.len() < binary::HEAD {
                let before = head.len();
                head.extend_from_slice(&chunk[..chunk.len().min(binary::HEAD - before)]);
                if head.len() == binary::HEAD {
                    elf = Magic::sniff(&head).map(|m| (m, head.clone()));
                    if let Some((_, bytes)) = elf.as_mut() {
                        bytes.extend_from_slice(&chunk[binary::HEAD - before..]);
                    }
                }
            } else if let Some((_, bytes)) = elf.as_mut()
                && !too_large
            {
                if bytes.len() + chunk.len() > MAX_BINARY {
                    // The headers stay: they still tell what kind of binary it is.
                    too_large = true;
                    bytes.truncate(HEADERS_KEPT);
                } else {
                    bytes.extend_from_slice(chunk);
                }
            }
        })
        .map_err(|e| InputError::in_file(path, None, e.to_string()))?;
    if let Some(c) = &content {
        *kept += c.len() as u64;
    }
    let binary = elf.and_then(|(magic, bytes)| {
        let binary = if too_large {
            Binary::unread(
                binary::kind_of(magic, &bytes[..])?,
                read,
                format!(
                    "larger than the {MAX_BINARY} byte limit for reading build records; not read"
                ),
            )
        } else {
            binary::inspect(magic, &bytes[..])?
        };
        Some(Box::new(binary))
    });
    let jar = if jar::is_jar(path) {
        Some(Box::new(match java {
            Some(bytes) => jar::read(std::io::Cursor::new(bytes), &format!("/{path}")),
            None => Err(InputError::new(format!(
                "/{path}: larger than the {MAX_BINARY} byte limit for reading a Java archive; not read"
            ))),
        }))
    } else {
        None
    };
    Ok((
        Entry::File {
            sha256,
            slot,
            content,
            binary,
            jar,
        },
        read,
    ))
}

/// Paths whose content the package readers need.
fn keep(path: &str) -> bool {
    path == "etc/os-release"
        || path == "usr/lib/os-release"
        || path.starts_with("var/lib/dpkg/")
        || path.starts_with("lib/apk/db/")
        || path.starts_with("usr/lib/opkg/")
        || path == "etc/alpine-release"
        || path == "etc/openwrt_release"
        || super::rpm::is_database_path(path)
        || super::python_dist::is_metadata(path)
        || path.ends_with(".dist-info/RECORD")
        || super::node_modules::is_package_json(path)
}

/// `./usr/bin/x`, `/usr/bin/x`, `usr/bin/x/` → `usr/bin/x`; `None` for a
/// path that climbs out of the root.
fn normalize(raw: &str) -> Option<String> {
    let mut parts: Vec<&str> = Vec::new();
    for p in raw.split('/') {
        match p {
            "" | "." => {}
            ".." => return None,
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

impl ArchiveTree {
    /// Reads the archive at `path` (compression detected from its bytes).
    pub fn open(path: &Path) -> Result<ArchiveTree, InputError> {
        let shown = path.display().to_string();
        let mut head = [0u8; 8];
        let n = std::fs::File::open(path)
            .and_then(|mut f| f.read(&mut head))
            .map_err(|e| InputError::new(format!("cannot read: {e}")))?;
        let file =
            std::fs::File::open(path).map_err(|e| InputError::new(format!("cannot read: {e}")))?;
        let reader = Compression::sniff(&head[..n])
            .reader(std::io::BufReader::new(file))
            .map_err(|e| InputError::new(format!("cannot decompress: {e}")))?;
        ArchiveTree::read(&shown, reader)
    }

    /// Indexes a tar stream.
    pub fn read(origin: &str, stream: impl Read) -> Result<ArchiveTree, InputError> {
        let mut tree = ArchiveTree::empty(origin);
        tree.add_layer(stream, false)?;
        tree.finish()?;
        Ok(tree)
    }

    /// Ends reading: waits for the digests still being computed. The tree
    /// answers digest questions only after this.
    pub fn finish(&mut self) -> Result<(), InputError> {
        self.digests.finish()
    }

    /// A tree with nothing in it yet, for [`ArchiveTree::add_layer`] (then
    /// [`ArchiveTree::finish`]).
    pub fn empty(origin: &str) -> ArchiveTree {
        ArchiveTree {
            origin: origin.to_string(),
            ..ArchiveTree::default()
        }
    }

    /// Applies one tar stream over what is there. With `whiteouts` (a
    /// container image's layer), `.wh.NAME` removes NAME and `.wh..wh..opq`
    /// empties its directory, of the layers below only.
    pub fn add_layer(&mut self, stream: impl Read, whiteouts: bool) -> Result<(), InputError> {
        let tree = self;
        let mut this_layer: std::collections::HashSet<String> = std::collections::HashSet::new();
        let read = std::rc::Rc::new(std::cell::Cell::new(0u64));
        let counted = CountingReader {
            inner: stream,
            read: read.clone(),
        };
        let mut archive = tar::Archive::new(counted);
        let mut kept = 0u64;
        let entries = archive
            .entries()
            .map_err(|e| InputError::new(format!("not a tar archive: {e}")))?;
        for (i, entry) in entries.enumerate() {
            if i >= MAX_ENTRIES {
                return Err(InputError::new(format!(
                    "more than {MAX_ENTRIES} entries; refused"
                )));
            }
            let mut entry = entry.map_err(|e| InputError::new(format!("entry {}: {e}", i + 1)))?;
            let raw = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
            if raw.len() > MAX_PATH {
                tree.warnings.push(format!(
                    "entry {}: a path over {MAX_PATH} bytes; skipped",
                    i + 1
                ));
                continue;
            }
            let Some(path) = normalize(&raw) else {
                tree.warnings
                    .push(format!("{raw}: climbs out of the root; skipped"));
                continue;
            };
            if path.is_empty() {
                continue;
            }
            if whiteouts {
                let (dir, name) = path.rsplit_once('/').unwrap_or(("", path.as_str()));
                if name == ".wh..wh..opq" {
                    tree.remove_below(dir, &this_layer, false);
                    continue;
                }
                if let Some(hidden) = name.strip_prefix(".wh.") {
                    let target = if dir.is_empty() {
                        hidden.to_string()
                    } else {
                        format!("{dir}/{hidden}")
                    };
                    tree.remove_below(&target, &this_layer, true);
                    continue;
                }
            }
            let kind = entry.header().entry_type();
            let value = if kind.is_dir() {
                Entry::Dir
            } else if kind.is_symlink() {
                let target = entry
                    .link_name_bytes()
                    .map(|t| String::from_utf8_lossy(&t).into_owned())
                    .unwrap_or_default();
                Entry::Symlink(target)
            } else if kind.is_hard_link() {
                let target = entry
                    .link_name_bytes()
                    .and_then(|t| normalize(&String::from_utf8_lossy(&t)));
                match target.and_then(|t| tree.entries.get(&t).cloned()) {
                    Some(e) => e,
                    None => {
                        tree.warnings.push(format!(
                            "{path}: a hard link to an entry not seen before; skipped"
                        ));
                        continue;
                    }
                }
            } else if kind.is_file() || kind == tar::EntryType::Continuous {
                let size = entry.size();
                let wanted = keep(&path) && kept + size <= MAX_KEPT;
                let (file, _) = hash_file(
                    &mut tree.digests,
                    &path,
                    &mut entry,
                    size,
                    wanted,
                    &mut kept,
                )?;
                file
            } else {
                Entry::Special
            };
            drop(entry);
            if read.get() > MAX_DECOMPRESSED {
                return Err(InputError::new(format!(
                    "more than {MAX_DECOMPRESSED} bytes decompressed; refused"
                )));
            }
            if whiteouts {
                this_layer.insert(path.clone());
            }
            tree.insert(path, value);
        }
        Ok(())
    }

    /// Adds one node of a filesystem image (see `squashfs.rs`): the path as the
    /// image names it, normalised and kept inside the root as tar entries
    /// are; a file's content is hashed on the way and kept only when the
    /// package readers need it. Returns the bytes read.
    pub(super) fn add_node(
        &mut self,
        raw: &str,
        node: ImageNode,
        kept: &mut u64,
    ) -> Result<u64, InputError> {
        if raw.len() > MAX_PATH {
            self.warnings
                .push(format!("a path over {MAX_PATH} bytes; skipped"));
            return Ok(0);
        }
        let Some(path) = normalize(raw) else {
            self.warnings
                .push(format!("{raw}: climbs out of the root; skipped"));
            return Ok(0);
        };
        if path.is_empty() {
            return Ok(0);
        }
        let mut read = 0u64;
        let value = match node {
            ImageNode::Dir => Entry::Dir,
            ImageNode::Symlink(target) => Entry::Symlink(target),
            ImageNode::Special => Entry::Special,
            ImageNode::File { data, size } => {
                let wanted = keep(&path) && *kept + size <= MAX_KEPT;
                let (file, n) = hash_file(&mut self.digests, &path, data, size, wanted, kept)?;
                read = n;
                file
            }
        };
        self.insert(path, value);
        Ok(read)
    }

    /// Removes what lower layers put under `path` (and `path` itself when
    /// `itself`); entries of the current layer stay.
    fn remove_below(
        &mut self,
        path: &str,
        this_layer: &std::collections::HashSet<String>,
        itself: bool,
    ) {
        let prefix = format!("{path}/");
        let gone: Vec<String> = self
            .entries
            .keys()
            .filter(|k| {
                (k.starts_with(&prefix) || path.is_empty() || (itself && k.as_str() == path))
                    && !this_layer.contains(k.as_str())
            })
            .cloned()
            .collect();
        for k in gone {
            self.entries.remove(&k);
            self.children.remove(&k);
            let (parent, name) = k.rsplit_once('/').unwrap_or(("", k.as_str()));
            if let Some(names) = self.children.get_mut(parent) {
                names.retain(|n| n != name);
            }
        }
    }

    /// Adds an entry; a later entry for the same path replaces the earlier one, as extraction would.
    fn insert(&mut self, path: String, value: Entry) {
        let mut child = path.as_str();
        while let Some((parent, name)) = child.rsplit_once('/') {
            let names = self.children.entry(parent.to_string()).or_default();
            if !names.iter().any(|n| n == name) {
                names.push(name.to_string());
            }
            self.entries.entry(parent.to_string()).or_insert(Entry::Dir);
            child = parent;
        }
        let top = self.children.entry(String::new()).or_default();
        if !top.iter().any(|n| n == child) {
            top.push(child.to_string());
        }
        self.entries.insert(path, value);
    }

    fn lookup(&self, parts: &[String]) -> Lookup {
        match self.entries.get(&parts.join("/")) {
            None => Lookup::Missing,
            Some(Entry::Symlink(t)) => Lookup::Symlink(t.clone()),
            Some(_) => Lookup::Present,
        }
    }

    /// The entry at `rel`, its parents resolved but not its last component.
    fn entry_no_follow(&self, rel: &str) -> Option<&Entry> {
        let rel = rel.trim_start_matches('/');
        let (parent, last) = rel.rsplit_once('/').unwrap_or(("", rel));
        let (dir, _) = self.resolve(parent)?;
        let key = if dir.is_empty() {
            last.to_string()
        } else {
            format!("{dir}/{last}")
        };
        self.entries.get(&key)
    }

    fn resolve(&self, rel: &str) -> Option<(String, &Entry)> {
        let parts = root_path::resolve_with(rel, |p| self.lookup(p))?;
        let key = parts.join("/");
        if key.is_empty() {
            return Some((key, &Entry::Dir));
        }
        let e = self.entries.get(&key)?;
        Some((key, e))
    }
}

impl Tree for ArchiveTree {
    fn origin(&self) -> &str {
        &self.origin
    }

    fn read(&self, rel: &str, max: u64) -> Result<Option<Vec<u8>>, InputError> {
        match self.resolve(rel) {
            Some((
                _,
                Entry::File {
                    content: Some(c), ..
                },
            )) if c.len() as u64 > max => Err(InputError::in_file(
                rel,
                None,
                format!("larger than the {max} byte limit; not read"),
            )),
            Some((
                _,
                Entry::File {
                    content: Some(c), ..
                },
            )) => Ok(Some(c.clone())),
            Some((_, Entry::File { content: None, .. })) => Err(InputError::in_file(
                rel,
                None,
                "not kept while reading the archive (too large)",
            )),
            _ => Ok(None),
        }
    }

    fn exists(&self, rel: &str) -> bool {
        self.resolve(rel).is_some()
    }

    fn exists_no_follow(&self, rel: &str) -> bool {
        self.entry_no_follow(rel).is_some()
    }

    fn link_target(&self, rel: &str) -> Option<String> {
        match self.entry_no_follow(rel)? {
            Entry::Symlink(target) => Some(target.clone()),
            _ => None,
        }
    }

    fn list_dir(&self, rel: &str) -> Vec<String> {
        let Some((dir, Entry::Dir)) = self.resolve(rel) else {
            return Vec::new();
        };
        let mut names = self.children.get(&dir).cloned().unwrap_or_default();
        names.sort();
        names
    }

    fn digest(&self, rel: &str, alg: DigestAlg) -> FileState {
        match self.resolve(rel) {
            None => FileState::Missing,
            Some((_, Entry::File { sha256, slot, .. })) => {
                let hex = crate::model::encode::hex;
                match (alg, self.digests.md5_sha1(*slot)) {
                    (DigestAlg::Sha256, _) => FileState::Digest(hex(sha256)),
                    (DigestAlg::Md5, Some((md5, _))) => FileState::Digest(hex(md5)),
                    (DigestAlg::Sha1, Some((_, sha1))) => FileState::Digest(hex(sha1)),
                    // Asked before the tree was finished: a reader's bug, never a pass.
                    (_, None) => FileState::NotRegular,
                }
            }
            Some(_) => FileState::NotRegular,
        }
    }

    fn canonical(&self, rel: &str) -> Option<String> {
        self.resolve(rel).map(|(key, _)| key)
    }

    fn files_matching(&self, wanted: &dyn Fn(&str) -> bool) -> Vec<String> {
        let mut out: Vec<String> = self
            .entries
            .iter()
            .filter(|(path, e)| matches!(e, Entry::File { .. }) && wanted(path))
            .map(|(path, _)| path.clone())
            .collect();
        out.sort();
        out
    }

    fn jars(&self) -> Vec<(String, JarRead)> {
        let mut out: Vec<(String, JarRead)> = self
            .entries
            .iter()
            .filter_map(|(path, e)| match e {
                Entry::File { jar: Some(j), .. } => Some((path.clone(), (**j).clone())),
                _ => None,
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    fn binaries(&self) -> Vec<(String, Binary)> {
        let mut out: Vec<(String, Binary)> = self
            .entries
            .iter()
            .filter_map(|(path, e)| match e {
                Entry::File {
                    binary: Some(b), ..
                } => Some((path.clone(), (**b).clone())),
                _ => None,
            })
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }
}

/// Counts the decompressed bytes the tar reader pulls.
struct CountingReader<R> {
    inner: R,
    read: std::rc::Rc<std::cell::Cell<u64>>,
}

impl<R: Read> Read for CountingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n as u64);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tar with a regular file, a symlink, a hard link, a device and an escaping path.
    fn sample() -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        let mut add = |path: &str, kind: tar::EntryType, link: Option<&str>, data: &[u8]| {
            let mut h = tar::Header::new_gnu();
            h.set_entry_type(kind);
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            if let Some(l) = link {
                h.set_link_name(l).unwrap();
            }
            // Written raw so that hostile names reach the reader unchanged.
            let name = path.as_bytes();
            h.as_old_mut().name[..name.len()].copy_from_slice(name);
            h.set_cksum();
            b.append(&h, data).unwrap();
        };
        add(
            "./usr/lib/os-release",
            tar::EntryType::Regular,
            None,
            b"ID=debian\n",
        );
        add(
            "./etc/os-release",
            tar::EntryType::Symlink,
            Some("../usr/lib/os-release"),
            b"",
        );
        add("./usr/bin/hello", tar::EntryType::Regular, None, b"hello\n");
        add("./bin", tar::EntryType::Symlink, Some("usr/bin"), b"");
        add(
            "./usr/bin/hi",
            tar::EntryType::Link,
            Some("./usr/bin/hello"),
            b"",
        );
        add("./dev/sda", tar::EntryType::Block, None, b"");
        add(
            "../../etc/passwd",
            tar::EntryType::Regular,
            None,
            b"root:x\n",
        );
        b.into_inner().unwrap()
    }

    fn tar_of(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut b = tar::Builder::new(Vec::new());
        for (name, data) in files {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            b.append_data(&mut h, name, *data).unwrap();
        }
        b.into_inner().unwrap()
    }

    #[test]
    fn whiteouts_remove_what_the_layers_below_put_there() {
        let mut tree = ArchiveTree::empty("image");
        let lower = tar_of(&[
            ("etc/a", b"a"),
            ("etc/sub/b", b"b"),
            ("opt/x/y", b"y"),
            ("opt/keep", b"k"),
        ]);
        tree.add_layer(&lower[..], true).unwrap();
        // The opaque marker comes after a file of the same layer: that file stays.
        let upper = tar_of(&[
            ("etc/new", b"n"),
            ("etc/.wh..wh..opq", b""),
            ("opt/.wh.x", b""),
        ]);
        tree.add_layer(&upper[..], true).unwrap();
        assert!(tree.exists("etc/new"));
        assert!(!tree.exists("etc/a") && !tree.exists("etc/sub/b") && !tree.exists("etc/sub"));
        assert!(!tree.exists("opt/x/y") && !tree.exists("opt/x"));
        assert!(tree.exists("opt/keep"));
        assert_eq!(tree.list_dir("opt"), ["keep"]);
        assert_eq!(tree.list_dir("etc"), ["new"]);
        // Without whiteouts (a plain root tarball), `.wh.` names are files.
        let plain = ArchiveTree::read("root", &tar_of(&[("opt/.wh.x", b"")])[..]).unwrap();
        assert!(plain.exists("opt/.wh.x"));
    }

    #[test]
    fn an_archive_is_indexed_without_leaving_its_root() {
        let t = ArchiveTree::read("img.tar", &sample()[..]).unwrap();
        assert_eq!(
            t.read("etc/os-release", 1024).unwrap().unwrap(),
            b"ID=debian\n"
        );
        assert_eq!(
            t.digest("bin/hello", DigestAlg::Md5),
            FileState::Digest("b1946ac92492d2347c6235b4d2611184".into())
        );
        // `printf 'hello\n' | sha1sum`, `| sha256sum`
        assert_eq!(
            t.digest("bin/hello", DigestAlg::Sha1),
            FileState::Digest("f572d396fae9206628714fb2ce00f72e94f2258f".into())
        );
        assert_eq!(
            t.digest("bin/hello", DigestAlg::Sha256),
            FileState::Digest(
                "5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03".into()
            )
        );
        assert_eq!(
            t.digest("usr/bin/hi", DigestAlg::Md5),
            t.digest("usr/bin/hello", DigestAlg::Md5),
            "a hard link is its target"
        );
        assert_eq!(
            t.digest("dev/sda", DigestAlg::Sha1),
            FileState::NotRegular,
            "a device is never read"
        );
        assert_eq!(t.digest("etc/passwd", DigestAlg::Md5), FileState::Missing);
        assert!(
            t.warnings
                .iter()
                .any(|w| w.contains("climbs out of the root")),
            "{:?}",
            t.warnings
        );
        assert_eq!(t.list_dir("usr"), ["bin", "lib"]);
        assert!(t.exists_no_follow("/bin") && !t.exists("usr/sbin"));
        assert_eq!(
            t.link_target("usr/bin/hi"),
            None,
            "a hard link is no symlink"
        );
        assert_eq!(
            t.link_target("/etc/os-release").as_deref(),
            Some("../usr/lib/os-release"),
            "the link itself is not followed"
        );
        assert_eq!(
            t.read("usr/bin/hello", 1024).unwrap_err().to_string(),
            "usr/bin/hello: not kept while reading the archive (too large)"
        );
    }

    #[test]
    fn every_compression_is_read_and_garbage_is_an_error() {
        let tar = sample();
        let gz = {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            std::io::Write::write_all(&mut e, &tar).unwrap();
            e.finish().unwrap()
        };
        let xz = {
            let mut e = liblzma::write::XzEncoder::new(Vec::new(), 1);
            std::io::Write::write_all(&mut e, &tar).unwrap();
            e.finish().unwrap()
        };
        let zst = zstd::stream::encode_all(&tar[..], 1).unwrap();
        let dir = tempfile::tempdir().unwrap();
        for (name, bytes) in [
            ("a.tar", &tar),
            ("a.tar.gz", &gz),
            ("a.tar.xz", &xz),
            ("a.tar.zst", &zst),
        ] {
            let p = dir.path().join(name);
            std::fs::write(&p, bytes).unwrap();
            assert!(is_tarball(&p), "{name}");
            let t = ArchiveTree::open(&p).unwrap();
            assert!(t.exists("etc/os-release"), "{name}");
        }
        let junk = dir.path().join("junk.tar.gz");
        std::fs::write(&junk, &gz[..gz.len() / 2]).unwrap();
        assert!(
            ArchiveTree::open(&junk).is_err(),
            "a truncated archive is an error, not a partial tree"
        );
        std::fs::write(&junk, b"not an archive at all").unwrap();
        assert!(!is_tarball(&junk));
    }
}
