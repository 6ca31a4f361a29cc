//! Ingest: detect each input's format from its content, parse it with a lenient
//! reader of our own, and merge all inputs into one [`Inventory`].
//!
//! Readers are tolerant of unknown fields and strict about structure. Every
//! error names the position (line and column, or a JSON pointer / XML path)
//! and what was expected; a problem confined to one component skips that
//! component with a warning instead of failing the whole document.

mod cyclonedx;
mod detect;
mod error;
mod json;
mod lenient;
mod merge;
mod source;
mod spdx;
mod spdx3;

use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

use crate::model::{Component, Document, DocumentMeta, Format, Inventory};

pub use detect::detect;
pub use error::{IngestError, Position};

/// Largest input we read, so a mistaken path to a disk image fails fast
/// instead of exhausting memory.
pub const MAX_INPUT_BYTES: u64 = 1 << 30;

/// One document as a reader returns it, before merging: components and edges
/// still refer to each other by the document's own references.
#[derive(Debug, Default)]
pub struct ParsedDoc {
    pub format: Option<Format>,
    pub spec_version: Option<String>,
    pub meta: DocumentMeta,
    /// Components in document order; `bom_ref` holds the local reference and
    /// `locations[0].pointer` where it was read (the input index is set when merging).
    pub components: Vec<Component>,
    /// Local reference of the parent, per component (nested CycloneDX components).
    pub parents: Vec<Option<usize>>,
    /// `(from, to)` by local reference: `from` depends on or contains `to`.
    pub edges: Vec<(String, String)>,
    /// Local references of the roots (primary component, SPDX `DESCRIBES`).
    pub roots: Vec<String>,
    pub warnings: Vec<String>,
}

impl ParsedDoc {
    pub fn new(format: Format) -> ParsedDoc {
        ParsedDoc {
            format: Some(format),
            ..ParsedDoc::default()
        }
    }

    /// Adds a component read at `pointer`, nested in `parent` (an index into `components`).
    pub fn push(&mut self, mut c: Component, pointer: String, parent: Option<usize>) -> usize {
        c.locations
            .push(crate::model::Location { input: 0, pointer });
        self.components.push(c);
        self.parents.push(parent);
        self.components.len() - 1
    }
}

/// Parses one input's bytes: detects the format and runs its reader.
pub fn parse_bytes(bytes: &[u8]) -> Result<ParsedDoc, IngestError> {
    // A UTF-8 byte-order mark is not content; readers never see it.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let format = detect(bytes)?;
    let mut doc = match format {
        Format::CyclonedxJson => cyclonedx::parse_json(bytes)?,
        Format::CyclonedxXml => cyclonedx::parse_xml(bytes)?,
        Format::SpdxJson => spdx::parse_json(bytes)?,
        Format::SpdxTagValue => spdx::parse_tag_value(bytes)?,
        Format::Spdx3JsonLd => spdx3::parse(bytes)?,
    };
    doc.format = Some(format);
    if doc.components.is_empty() {
        doc.warnings
            .push("the document lists no components: the report is empty for this input".into());
    }
    Ok(doc)
}

/// Reads one input file; the error (if any) is already worded for the user.
fn read_one(path: &Path) -> (Document, Option<ParsedDoc>) {
    let mut record = Document {
        path: path.display().to_string(),
        ..Document::default()
    };
    let bytes = match read_file(path) {
        Ok(b) => b,
        Err(e) => {
            record.error = Some(e);
            return (record, None);
        }
    };
    record.sha256 = Some(hex(&Sha256::digest(&bytes)));
    match parse_bytes(&bytes) {
        Ok(doc) => {
            record.format = doc.format;
            record.spec_version = doc.spec_version.clone();
            record.components_read = doc.components.len() - doc.meta.primary_parts;
            record.warnings = doc.warnings.clone();
            (record, Some(doc))
        }
        Err(e) => {
            record.error = Some(e.to_string());
            (record, None)
        }
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>, String> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => e.to_string(),
    })?;
    if meta.is_dir() {
        return Err("is a directory; give the SBOM files inside it".to_string());
    }
    if meta.len() > MAX_INPUT_BYTES {
        return Err(format!(
            "file is {} bytes, larger than the {} byte limit for one input",
            meta.len(),
            MAX_INPUT_BYTES
        ));
    }
    std::fs::read(path).map_err(|e| e.to_string())
}

/// Lower-case hex of `bytes`.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    s
}

/// Reads all inputs in parallel and merges them, in the order given, into one
/// inventory. Inputs that fail are listed with their error; the rest are scanned.
pub fn ingest(paths: &[PathBuf]) -> Inventory {
    let parsed: Vec<(Document, Option<ParsedDoc>)> =
        paths.par_iter().map(|p| read_one(p)).collect();
    merge::merge(parsed)
}
