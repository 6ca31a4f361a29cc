//! Executables and shared libraries inside a delivered product: ELF files
//! recognised by their header, and the build records some carry — Go's
//! build information (`.go.buildinfo`, see [`super::go_buildinfo`]) and
//! cargo-auditable's dependency list (`.dep-v0`, zlib-compressed JSON).
//! Sections are found through the `object` crate, which reads only the
//! headers and the sections asked for: a file on disk is never read whole.

use std::io::Read;

use object::{Object, ObjectSection, ReadRef};

use super::go_buildinfo::{self, GoBuild};

/// Bytes needed to tell an ELF executable or shared library from other files.
pub const HEAD: usize = 18;
/// Largest decompressed cargo-auditable record read (real ones are kilobytes).
const MAX_AUDIT_JSON: u64 = 8 << 20;
/// Largest `.go.buildinfo` section read.
const MAX_GO_SECTION: u64 = 64 << 20;

/// What kind of binary a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryKind {
    /// ELF `ET_EXEC`: a position-dependent executable.
    Executable,
    /// ELF `ET_DYN`: a shared library or a position-independent executable.
    SharedObject,
}

impl BinaryKind {
    pub fn describe(self) -> &'static str {
        match self {
            BinaryKind::Executable => "ELF executable",
            BinaryKind::SharedObject => "ELF shared object (library or PIE executable)",
        }
    }

    /// The kind from a file's first [`HEAD`] bytes; `None` for anything else
    /// (object files, core dumps, other formats).
    pub fn sniff(head: &[u8]) -> Option<BinaryKind> {
        if head.len() < HEAD || !head.starts_with(b"\x7fELF") {
            return None;
        }
        // e_type at offset 16, in the file's byte order (EI_DATA at 5: 1 little, 2 big).
        let e_type = match head[5] {
            1 => u16::from_le_bytes([head[16], head[17]]),
            2 => u16::from_be_bytes([head[16], head[17]]),
            _ => return None,
        };
        match e_type {
            2 => Some(BinaryKind::Executable),
            3 => Some(BinaryKind::SharedObject),
            _ => None,
        }
    }
}

/// What one binary is and which build records it carries.
#[derive(Clone, Debug, PartialEq)]
pub struct Binary {
    pub kind: BinaryKind,
    pub go: Option<GoBuild>,
    pub rust: Option<auditable_serde::VersionInfo>,
    /// Why a build record it has could not be read.
    pub problem: Option<String>,
}

impl Binary {
    /// Whether a build record accounts for what the binary was built from.
    pub fn has_build_record(&self) -> bool {
        self.go.is_some() || self.rust.is_some()
    }
}

/// Reads the build records of an ELF file of `kind` from `data` (bytes in
/// memory, or a file through `object::ReadCache`).
pub fn inspect<'d, R: ReadRef<'d>>(kind: BinaryKind, data: R) -> Binary {
    let mut out = Binary {
        kind,
        go: None,
        rust: None,
        problem: None,
    };
    let file = match object::File::parse(data) {
        Ok(f) => f,
        Err(e) => {
            out.problem = Some(format!("not a readable ELF file ({e})"));
            return out;
        }
    };
    if let Some(s) = file.section_by_name(".go.buildinfo") {
        match section_data(&s, MAX_GO_SECTION).and_then(go_buildinfo::parse) {
            Ok(go) => out.go = go,
            Err(e) => out.problem = Some(e),
        }
    }
    if let Some(s) = file.section_by_name(".dep-v0") {
        match section_data(&s, MAX_AUDIT_JSON).and_then(audit_record) {
            Ok(info) => out.rust = Some(info),
            Err(e) => out.problem = Some(e),
        }
    }
    out
}

fn section_data<'d, 'f, S: ObjectSection<'d>>(s: &S, max: u64) -> Result<&'d [u8], String> {
    if s.size() > max {
        return Err(format!(
            "section {} of {} bytes is larger than the {max} byte limit; not read",
            s.name().unwrap_or("?"),
            s.size()
        ));
    }
    s.data()
        .map_err(|e| format!("section {} cannot be read ({e})", s.name().unwrap_or("?")))
}

/// cargo-auditable's record: zlib-compressed JSON, decompressed up to a cap.
fn audit_record(compressed: &[u8]) -> Result<auditable_serde::VersionInfo, String> {
    let mut json = Vec::new();
    flate2::read::ZlibDecoder::new(compressed)
        .take(MAX_AUDIT_JSON + 1)
        .read_to_end(&mut json)
        .map_err(|e| format!("cargo-auditable record cannot be decompressed ({e})"))?;
    if json.len() as u64 > MAX_AUDIT_JSON {
        return Err(format!(
            "cargo-auditable record larger than {MAX_AUDIT_JSON} bytes decompressed; not read"
        ));
    }
    serde_json::from_slice(&json)
        .map_err(|e| format!("cargo-auditable record is not the JSON cargo-auditable writes ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elf_kinds_are_told_from_their_header() {
        let mut head = [0u8; HEAD];
        head[..4].copy_from_slice(b"\x7fELF");
        head[5] = 1;
        head[16] = 3;
        assert_eq!(BinaryKind::sniff(&head), Some(BinaryKind::SharedObject));
        head[16] = 2;
        assert_eq!(BinaryKind::sniff(&head), Some(BinaryKind::Executable));
        head[16] = 1;
        assert_eq!(BinaryKind::sniff(&head), None, "a relocatable object");
        head[5] = 2;
        head[16] = 0;
        head[17] = 2;
        assert_eq!(
            BinaryKind::sniff(&head),
            Some(BinaryKind::Executable),
            "big-endian"
        );
        assert_eq!(BinaryKind::sniff(b"#!/bin/sh\n"), None);
    }

    #[test]
    fn a_damaged_elf_is_a_problem_not_a_panic() {
        let mut bytes = [0u8; 64];
        bytes[..4].copy_from_slice(b"\x7fELF");
        bytes[4] = 2;
        bytes[5] = 1;
        bytes[16] = 2;
        let b = inspect(BinaryKind::Executable, &bytes[..]);
        assert!(b.problem.is_some() && !b.has_build_record(), "{b:?}");
    }
}
