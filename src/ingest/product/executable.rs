//! A single delivered executable given as an input (`chainrisk scan
//! ./agent`): the file itself becomes the product's component, with its
//! SHA-256, and the build records it carries (Go build information,
//! cargo-auditable) the components it was built from. One that carries none
//! is an unaccounted binary (OPQ-07). The file is read through `object`'s
//! cache: only its headers and the sections asked for, and once for its digest.

use super::super::ParsedDoc;
use super::binary::{self, Magic};
use super::tree::DigestAlg;
use crate::model::InputError;
use crate::model::{Component, ExecutableCensus, Format, Hash, HashAlg, UnaccountedBinary};
use std::io::Read;
use std::path::Path;

/// What `path` is, when it is an executable or library (ELF, PE, Mach-O).
pub fn sniff(path: &Path) -> Option<Magic> {
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return None;
    }
    let mut file = std::fs::File::open(path).ok()?;
    let mut head = [0u8; binary::HEAD];
    file.read_exact(&mut head).ok()?;
    let magic = Magic::sniff(&head)?;
    binary::kind_of(magic, &object::read::ReadCache::new(file))?;
    Some(magic)
}

/// Reads one executable; returns the document and the file's SHA-256.
pub fn read(path: &Path, magic: Magic) -> Result<(ParsedDoc, String), InputError> {
    let open =
        || std::fs::File::open(path).map_err(|e| InputError::new(format!("cannot read: {e}")));
    let cache = object::read::ReadCache::new(open()?);
    let sha256 = super::tree::digest_of_file(path, DigestAlg::Sha256)
        .ok_or_else(|| InputError::new("cannot read the file to its end"))?;
    let found = binary::inspect(magic, &cache)
        .ok_or_else(|| InputError::new("not an executable or library after all"))?;
    let mut doc = ParsedDoc::new(Format::Executable);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let shown = format!("/{name}");
    let file_ref = format!("file:{shown}");
    let mut c = Component::named(name.clone());
    c.kind = Some("file".to_string());
    c.hashes.push(Hash {
        alg: HashAlg::parse("SHA-256"),
        value: sha256.clone(),
    });
    c.bom_ref = Some(file_ref.clone());
    c.root = true;
    doc.push(c, shown.clone(), None);
    doc.roots.push(file_ref.clone());
    doc.meta.primary = Some(file_ref.clone());
    doc.meta.subject_name = Some(name.clone());
    if let Some(problem) = &found.problem {
        doc.warnings.push(problem.clone());
    }
    let mut census = ExecutableCensus {
        binaries: 1,
        ..ExecutableCensus::default()
    };
    if found.has_build_record() {
        census.with_build_record = 1;
        super::census::add_build_record(&mut doc, &name, &found, &file_ref);
        doc.meta.has_dependency_graph = true;
    } else {
        doc.warnings.push(
            "carries no build record (Go build information, cargo-auditable): what it was built from is unknown".to_string(),
        );
        census.unaccounted.push(UnaccountedBinary {
            path: shown,
            kind: found.kind.describe().to_string(),
            size: Some(found.size),
            sha256: Some(sha256.clone()),
        });
    }
    doc.meta.executables = Some(census);
    Ok((doc, sha256))
}
