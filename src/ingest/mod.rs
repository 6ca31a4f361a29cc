//! Ingest: detect each input's format (SBOMs from their content; package
//! managers' manifests and lockfiles from their fixed names or their
//! markers), parse it with a reader of our own, and merge all inputs into one
//! [`Inventory`].
//!
//! Readers are tolerant of unknown fields and strict about structure. Every
//! error names the position (line and column, or a JSON pointer / XML path)
//! and what was expected; a problem confined to one component skips that
//! component with a warning instead of failing the whole document.

mod cyclonedx;
mod detect;
pub mod distro;
mod duplicate_keys;
mod empty_components;
pub mod field_limits;
mod include;
mod json;
mod lenient;
mod lockfile;
mod merge;
pub mod product;
mod source;
mod spdx;
mod spdx3;
#[cfg(test)]
mod test_corpus;

use rayon::prelude::*;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

use crate::model::{Component, Document, DocumentMeta, Format, InputError, Inventory};

pub use detect::{detect, detect_input};

/// Warnings kept per input: beyond these, a count (a million broken
/// components must not make a million report lines).
pub const MAX_WARNINGS: usize = 1000;

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
    /// Components a reader skipped because they identify nothing (`{}`).
    pub skipped_empty: usize,
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
        crate::model::push_tight(
            &mut c.locations,
            crate::model::Location { input: 0, pointer },
        );
        self.components.push(c);
        self.parents.push(parent);
        self.components.len() - 1
    }
}

#[cfg(test)]
impl ParsedDoc {
    /// The component a reader gave this document-local reference.
    pub fn by_ref(&self, r: &str) -> &Component {
        self.components
            .iter()
            .find(|c| c.bom_ref.as_deref() == Some(r))
            .unwrap_or_else(|| panic!("no component {r}"))
    }

    /// Whether the reader recorded the edge `from` → `to`.
    pub fn has_edge(&self, from: &str, to: &str) -> bool {
        self.edges.iter().any(|(f, t)| f == from && t == to)
    }
}

/// Runs one reader on `bytes` as if read from `path`, with default options.
#[cfg(test)]
pub(crate) fn read_as(
    reader: fn(&Input) -> Result<ParsedDoc, InputError>,
    path: &Path,
    bytes: &[u8],
) -> Result<ParsedDoc, InputError> {
    reader(&Input {
        path,
        bytes,
        options: &IngestOptions::default(),
    })
}

/// How inputs are read.
#[derive(Clone, Debug, Default)]
pub struct IngestOptions {
    /// Make no network request (package managers run offline).
    pub offline: bool,
    /// Directories, besides an input's own, that files named by the input
    /// (requirements includes, files beside a lockfile) may be read from.
    pub include_roots: Vec<PathBuf>,
    /// Delivered products: do not hash installed files against their
    /// package databases (DEL-09 is then not evaluated).
    pub no_verify_files: bool,
    /// Container images with several platforms: the one to read
    /// (`linux/arm64`, `linux/arm/v7`); `None`: the only one, else linux/amd64.
    pub platform: Option<String>,
}

/// One input as a reader sees it.
pub struct Input<'a> {
    pub path: &'a Path,
    pub bytes: &'a [u8],
    pub options: &'a IngestOptions,
}

/// Parses one input's bytes with no file name to go by: SBOMs, and lockfiles
/// recognisable by their content.
pub fn parse_bytes(bytes: &[u8]) -> Result<ParsedDoc, InputError> {
    parse_input(&Input {
        path: Path::new(""),
        bytes,
        options: &IngestOptions::default(),
    })
}

/// Parses one input: detects the format and runs its reader.
pub fn parse_input(input: &Input) -> Result<ParsedDoc, InputError> {
    // UTF-16 (Windows tools) is read as the UTF-8 it encodes, with a warning.
    let decoded = crate::model::text::decode_utf16(input.bytes);
    let raw = match &decoded {
        Some((text, _)) => text.as_bytes(),
        None => input.bytes,
    };
    // A UTF-8 byte-order mark is not content; readers never see it.
    let bytes = crate::model::text::strip_utf8_bom(raw);
    let input = &Input { bytes, ..*input };
    let format = detect_input(input.path, bytes)?;
    let mut doc = parse_as(format, input)?;
    field_limits::apply(&mut doc);
    empty_components::drop(&mut doc);
    if doc.warnings.len() > MAX_WARNINGS {
        let more = doc.warnings.len() - MAX_WARNINGS;
        doc.warnings.truncate(MAX_WARNINGS);
        doc.warnings.push(format!(
            "… and {more} more warnings for this input, not listed"
        ));
    }
    if let Some((_, how)) = decoded {
        doc.warnings.push(format!(
            "the file is {how}; read as the text it encodes (positions count UTF-8 bytes)"
        ));
    }
    if doc.components.is_empty() {
        doc.warnings
            .push("the input lists no components: the report is empty for this input".into());
    }
    Ok(doc)
}

/// Runs the reader of `format` on one input, with no format detection (the
/// fuzz targets reach each reader this way). The input's bytes are the
/// document itself: a byte-order mark is not skipped.
pub fn parse_as(format: Format, input: &Input) -> Result<ParsedDoc, InputError> {
    let bytes = input.bytes;
    let mut doc = match format {
        Format::CyclonedxJson => cyclonedx::parse_json(bytes)?,
        Format::CyclonedxXml => cyclonedx::parse_xml(bytes)?,
        Format::SpdxJson => spdx::parse_json(bytes)?,
        Format::SpdxTagValue => spdx::parse_tag_value(bytes)?,
        Format::Spdx3JsonLd => spdx3::parse(bytes)?,
        lock => lockfile::parse(lock, input)?,
    };
    doc.format = Some(format);
    Ok(doc)
}

/// Reads one input file; the error (if any) is already worded for the user.
fn read_one(path: &Path, options: &IngestOptions) -> (Document, Option<ParsedDoc>) {
    let mut record = Document {
        path: path.display().to_string(),
        ..Document::default()
    };
    // Sniffed once: an executable's headers are read to tell a PE from other `MZ` files.
    let executable = product::executable::sniff(path);
    if path.is_dir()
        || product::archive::is_tarball(path)
        || product::squashfs::is_squashfs(path)
        || executable.is_some()
    {
        return read_product(path, record, options, executable);
    }
    let bytes = match read_file(path) {
        Ok(b) => b,
        Err(e) => {
            record.error = Some(e.to_string());
            return (record, None);
        }
    };
    let input = Input {
        path,
        bytes: &bytes,
        options,
    };
    // Taken beside the parse: the digest of a 40 MB SBOM took ~20 ms, a
    // tenth of its reading.
    let (digest, parsed) = rayon::join(|| Sha256::digest(&bytes), || parse_input(&input));
    record.sha256 = Some(crate::model::encode::hex(&digest));
    match parsed {
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

/// A delivered product, read in place (see [`product`]): a root filesystem
/// (directory, tarball, image) or a single executable.
fn read_product(
    path: &Path,
    mut record: Document,
    options: &IngestOptions,
    executable: Option<product::binary::Magic>,
) -> (Document, Option<ParsedDoc>) {
    let read = if let Some(kind) = executable {
        product::executable::read(path, kind).map(|(doc, sha256)| {
            record.sha256 = Some(sha256);
            doc
        })
    } else if path.is_dir() && product::image::is_image_layout(path) {
        product::read_layout(path, !options.no_verify_files, options.platform.as_deref())
    } else if path.is_dir() {
        product::read_root(path, !options.no_verify_files)
    } else {
        product::read_tarball(path, !options.no_verify_files, options.platform.as_deref())
    };
    match read {
        Ok(doc) => {
            record.format = doc.format;
            record.components_read = doc.components.len();
            record.warnings = doc.warnings.clone();
            (record, Some(doc))
        }
        Err(e) => {
            record.error = Some(e.to_string());
            (record, None)
        }
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>, InputError> {
    crate::model::document_read::read_document(path).map_err(|e| InputError::new(e.to_string()))
}

/// What a directory given as input stands for: the package managers' files
/// at its top (a Cargo manifest covers its lockfile), and SBOMs by their
/// conventional names. Groups that exclude each other list their preferred
/// name first.
const DIRECTORY_FILES: &[&[&str]] = &[
    &["Cargo.toml", "Cargo.lock"],
    &["npm-shrinkwrap.json", "package-lock.json"],
    &["yarn.lock"],
    &["pnpm-lock.yaml"],
    &["poetry.lock"],
    &["uv.lock"],
    &["Pipfile.lock"],
    &["go.mod", "go.sum"],
];

/// pip requirements files a directory holds at its top (`requirements.txt`,
/// `requirements-dev.txt`, `dev-requirements.txt`…), in name order.
fn is_requirements_file_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    n.ends_with(".txt") && (n.starts_with("requirements") || n.ends_with("requirements.txt"))
}

/// SBOM file names looked for in a directory.
fn is_sbom_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    [
        ".cdx.json",
        ".cdx.xml",
        ".spdx.json",
        ".spdx",
        ".spdx3.json",
        "bom.json",
        "bom.xml",
    ]
    .iter()
    .any(|s| n.ends_with(s))
}

/// Whether `path` is a CycloneDX report chainrisk wrote (`--format
/// cyclonedx`): its subject carries the reference `chainrisk:subject`. A
/// report written into a scanned directory is not an input of the next scan.
fn is_own_report(path: &Path) -> bool {
    use std::io::Read;
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = Vec::with_capacity(16 * 1024);
    if file.take(16 * 1024).read_to_end(&mut head).is_err() {
        return false;
    }
    head.windows(19).any(|w| w == b"\"chainrisk:subject\"")
}

/// The regular files at the top of `dir` whose names `wanted` accepts, in name order.
fn files_at_top(dir: &Path, wanted: fn(&str) -> bool) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|f| f.is_file() && f.file_name().is_some_and(|n| wanted(&n.to_string_lossy())))
        .collect();
    found.sort();
    found
}

/// Expands directories into the inputs they hold; a directory with none is
/// an input that fails with a message saying what was looked for.
fn expand(paths: &[PathBuf]) -> Vec<Result<PathBuf, (PathBuf, String)>> {
    let mut out = Vec::new();
    for p in paths {
        // A delivered product's root filesystem is one input, read as a whole.
        if !p.is_dir() || product::is_root_filesystem(p) || product::image::is_image_layout(p) {
            out.push(Ok(p.clone()));
            continue;
        }
        let before = out.len();
        for group in DIRECTORY_FILES {
            if let Some(found) = group.iter().map(|n| p.join(n)).find(|f| f.is_file()) {
                out.push(Ok(found));
            }
        }
        // A package.json with no lockfile of any npm client: its ranges are all there is.
        let npm_locks = [
            "npm-shrinkwrap.json",
            "package-lock.json",
            "yarn.lock",
            "pnpm-lock.yaml",
        ];
        if p.join("package.json").is_file() && !npm_locks.iter().any(|l| p.join(l).is_file()) {
            out.push(Ok(p.join("package.json")));
        }
        out.extend(
            files_at_top(p, is_requirements_file_name)
                .into_iter()
                .map(Ok),
        );
        let sboms = files_at_top(p, is_sbom_name);
        out.extend(sboms.into_iter().filter(|f| !is_own_report(f)).map(Ok));
        if out.len() == before {
            out.push(Err((
                p.clone(),
                "is a directory with no SBOM, manifest or lockfile at its top, and not a root filesystem (looked for etc/os-release, var/lib/dpkg/status, Cargo.toml, package-lock.json, yarn.lock, pnpm-lock.yaml, poetry.lock, uv.lock, Pipfile.lock, requirements*.txt, go.mod, *.cdx.json, *.spdx.json…)".to_string(),
            )));
        }
    }
    out
}

/// Reads all inputs in parallel and merges them, in the order given, into one
/// inventory. Directories stand for the manifests, lockfiles and SBOMs at
/// their top. Inputs that fail are listed with their error; the rest are scanned.
pub fn ingest(paths: &[PathBuf]) -> Inventory {
    ingest_with(paths, &IngestOptions::default())
}

pub fn ingest_with(paths: &[PathBuf], options: &IngestOptions) -> Inventory {
    let inputs = expand(paths);
    let parsed: Vec<(Document, Option<ParsedDoc>)> = inputs
        .par_iter()
        .map(|i| match i {
            Ok(p) => read_one(p, options),
            Err((p, e)) => (
                Document {
                    path: p.display().to_string(),
                    error: Some(e.clone()),
                    ..Document::default()
                },
                None,
            ),
        })
        .collect();
    let mut inv = merge::merge(parsed);
    distro::assign(&mut inv);
    inv
}
