//! A root filesystem delivered as a squashfs image (the usual firmware
//! root), read in place with `backhand` (pure Rust; squashfs 4.0 with gzip,
//! xz, zstd or lz4) into the same index a tarball makes: every node's path,
//! type and link target, every regular file's MD5, and the contents the
//! package readers need. Nothing is extracted. The image is hostile until
//! proven otherwise: paths are normalised inside the root, devices are never
//! read, node count and decompressed bytes are capped like a tarball's, and
//! a reader panic on a damaged image is an error naming the image, not a crash.

use std::io::{BufRead, BufReader, Read, Seek};
use std::path::Path;

use backhand::{FilesystemReader, InnerNode, SquashfsFileReader};

use super::archive::{ArchiveTree, ImageNode, MAX_DECOMPRESSED, MAX_ENTRIES};
use crate::model::InputError;

/// The first bytes of a squashfs 4.0 image (little-endian superblock magic).
const MAGIC: &[u8; 4] = b"hsqs";

/// Whether `path` is a regular file that starts like a squashfs image.
pub fn is_squashfs(path: &Path) -> bool {
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return false;
    }
    let mut head = [0u8; 4];
    std::fs::File::open(path)
        .and_then(|mut f| f.read_exact(&mut head))
        .is_ok()
        && &head == MAGIC
}

/// Reads the image at `path` into an [`ArchiveTree`].
pub fn read(path: &Path) -> Result<ArchiveTree, InputError> {
    let file =
        std::fs::File::open(path).map_err(|e| InputError::new(format!("cannot read: {e}")))?;
    read_from(&path.display().to_string(), BufReader::new(file))
}

/// Reads an image from any buffered, seekable reader (a file, or bytes in
/// memory for the fuzz target). `origin` names it in the tree.
pub fn read_from<R: BufRead + Seek + Send + 'static>(
    origin: &str,
    reader: R,
) -> Result<ArchiveTree, InputError> {
    // backhand trusts more of the image than it should in places; a panic
    // on a damaged image becomes this input's error.
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| index(origin, reader)));
    match outcome {
        Ok(result) => result,
        Err(_) => Err(InputError::new(
            "a damaged squashfs image (its tables are inconsistent)",
        )),
    }
}

fn index<R: BufRead + Seek + Send + 'static>(
    shown: &str,
    reader: R,
) -> Result<ArchiveTree, InputError> {
    let fs = FilesystemReader::from_reader(reader)
        .map_err(|e| InputError::new(format!("not a readable squashfs 4.0 image: {e}")))?;
    let mut tree = ArchiveTree::empty(shown);
    let mut kept = 0u64;
    let mut decompressed = 0u64;
    for (i, node) in fs.files().enumerate() {
        if i >= MAX_ENTRIES {
            return Err(InputError::new(format!(
                "more than {MAX_ENTRIES} entries; refused"
            )));
        }
        let raw = node.fullpath.to_string_lossy();
        let read = match &node.inner {
            InnerNode::Dir(_) => tree.add_node(&raw, ImageNode::Dir, &mut kept)?,
            InnerNode::Symlink(link) => tree.add_node(
                &raw,
                ImageNode::Symlink(link.link.to_string_lossy().into_owned()),
                &mut kept,
            )?,
            InnerNode::File(file) => {
                let size = match file {
                    SquashfsFileReader::Basic(b) => u64::from(b.file_size),
                    SquashfsFileReader::Extended(e) => e.file_size,
                };
                let mut data = fs.file(file).reader_checked().map_err(|e| {
                    InputError::in_file(raw.as_ref(), None, format!("cannot read its data: {e}"))
                })?;
                tree.add_node(
                    &raw,
                    ImageNode::File {
                        data: &mut data,
                        size,
                    },
                    &mut kept,
                )?
            }
            InnerNode::CharacterDevice(_)
            | InnerNode::BlockDevice(_)
            | InnerNode::NamedPipe
            | InnerNode::Socket => tree.add_node(&raw, ImageNode::Special, &mut kept)?,
        };
        decompressed += read;
        if decompressed > MAX_DECOMPRESSED {
            return Err(InputError::new(format!(
                "more than {MAX_DECOMPRESSED} bytes decompressed; refused"
            )));
        }
    }
    tree.finish()?;
    Ok(tree)
}
