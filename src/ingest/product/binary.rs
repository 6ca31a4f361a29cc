//! Executables and shared libraries inside a delivered product — ELF, PE
//! and Mach-O files recognised by their header — and the build records some
//! carry: Go's build information (see [`super::go_buildinfo`]) and
//! cargo-auditable's dependency list (`.dep-v0`, zlib-compressed JSON).
//! Sections are found through the `object` crate, which reads only the
//! headers and the sections asked for: a file on disk is never read whole.

use std::io::Read;

use object::{Object, ObjectSection, ReadRef, SectionKind};

use super::go_buildinfo::{self, GoBuild};
use crate::model::InputError;

/// Bytes needed to tell a binary's format from other files.
pub const HEAD: usize = 18;
/// Largest decompressed cargo-auditable record read (real ones are kilobytes).
const MAX_AUDIT_JSON: u64 = 8 << 20;
/// Largest `.go.buildinfo` section read.
const MAX_GO_SECTION: u64 = 64 << 20;
/// How much of a PE or Mach-O data section Go's own reader searches for the
/// build information (the linker puts it near the start).
const GO_DATA_WINDOW: u64 = 64 << 10;

/// What a file's first [`HEAD`] bytes say it may be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Magic {
    /// ELF, its kind read from `e_type`.
    Elf(BinaryKind),
    /// `MZ`: a PE image only if its PE header says so.
    Pe,
    /// Mach-O, its kind read from `filetype`.
    MachO(BinaryKind),
    /// A universal (fat) Mach-O holding one image per architecture.
    MachOFat,
}

/// What kind of binary a file is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryKind {
    /// ELF `ET_EXEC`: a position-dependent executable.
    Executable,
    /// ELF `ET_DYN`: a shared library or a position-independent executable.
    SharedObject,
    PeExecutable,
    /// A PE image with `IMAGE_FILE_DLL`.
    PeLibrary,
    /// Mach-O `MH_EXECUTE`.
    MachOExecutable,
    /// Mach-O `MH_DYLIB` or `MH_BUNDLE`.
    MachOLibrary,
    MachOUniversal,
}

impl BinaryKind {
    pub fn describe(self) -> &'static str {
        match self {
            BinaryKind::Executable => "ELF executable",
            BinaryKind::SharedObject => "ELF shared object (library or PIE executable)",
            BinaryKind::PeExecutable => "PE executable",
            BinaryKind::PeLibrary => "PE library (DLL)",
            BinaryKind::MachOExecutable => "Mach-O executable",
            BinaryKind::MachOLibrary => "Mach-O library (dylib or bundle)",
            BinaryKind::MachOUniversal => "Mach-O universal binary",
        }
    }
}

impl Magic {
    /// The format from a file's first [`HEAD`] bytes; `None` for anything
    /// else (object files, core dumps, Java classes, other formats).
    pub fn sniff(head: &[u8]) -> Option<Magic> {
        if head.len() < HEAD {
            return None;
        }
        if head.starts_with(b"\x7fELF") {
            // e_type at offset 16, in the file's byte order (EI_DATA at 5: 1 little, 2 big).
            let e_type = match head[5] {
                1 => u16::from_le_bytes([head[16], head[17]]),
                2 => u16::from_be_bytes([head[16], head[17]]),
                _ => return None,
            };
            return match e_type {
                2 => Some(Magic::Elf(BinaryKind::Executable)),
                3 => Some(Magic::Elf(BinaryKind::SharedObject)),
                _ => None,
            };
        }
        if head.starts_with(b"MZ") {
            return Some(Magic::Pe);
        }
        let word = |at: usize, big: bool| {
            let b = [head[at], head[at + 1], head[at + 2], head[at + 3]];
            if big {
                u32::from_be_bytes(b)
            } else {
                u32::from_le_bytes(b)
            }
        };
        // Both byte orders of the 32- and 64-bit magics; filetype at offset 12.
        let big = match word(0, true) {
            0xfeed_face | 0xfeed_facf => Some(true),
            0xcefa_edfe | 0xcffa_edfe => Some(false),
            _ => None,
        };
        if let Some(big) = big {
            return match word(12, big) {
                2 => Some(Magic::MachO(BinaryKind::MachOExecutable)),
                6 | 8 => Some(Magic::MachO(BinaryKind::MachOLibrary)),
                _ => None,
            };
        }
        // A fat header shares 0xcafebabe with Java class files, whose next
        // word (their version) is far above any real architecture count.
        if matches!(word(0, true), 0xcafe_babe | 0xcafe_babf) && (1..=32).contains(&word(4, true)) {
            return Some(Magic::MachOFat);
        }
        None
    }
}

/// What one binary is and which build records it carries.
#[derive(Clone, Debug, PartialEq)]
pub struct Binary {
    pub kind: BinaryKind,
    /// Its size in bytes.
    pub size: u64,
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

    /// A binary with no build record (yet).
    fn bare(kind: BinaryKind, size: u64) -> Binary {
        Binary {
            kind,
            size,
            go: None,
            rust: None,
            problem: None,
        }
    }

    /// A binary whose build records were not read, and why.
    pub fn unread(kind: BinaryKind, size: u64, problem: String) -> Binary {
        Binary {
            problem: Some(problem),
            ..Binary::bare(kind, size)
        }
    }
}

/// Reads what a file whose first bytes gave `magic` is, and its build
/// records, from `data` (bytes in memory, or a file through
/// `object::ReadCache`). `None` when it is no executable or library after
/// all (an `MZ` file without a PE header: a DOS program or text).
pub fn inspect<'d, R: ReadRef<'d>>(magic: Magic, data: R) -> Option<Binary> {
    let size = data.len().unwrap_or(0);
    let kind = kind_of(magic, data)?;
    if magic == Magic::MachOFat {
        return Some(inspect_fat(data, size));
    }
    let mut out = Binary::bare(kind, size);
    let file = match object::File::parse(data) {
        Ok(f) => f,
        Err(e) => {
            out.problem = Some(format!("not a readable {} ({e})", kind.describe()));
            return Some(out);
        }
    };
    read_build_records(&file, &mut out);
    Some(out)
}

/// The kind alone, from the headers (all a file too large to read needs).
pub fn kind_of<'d, R: ReadRef<'d>>(magic: Magic, data: R) -> Option<BinaryKind> {
    match magic {
        Magic::Elf(kind) | Magic::MachO(kind) => Some(kind),
        Magic::Pe => pe_kind(data),
        Magic::MachOFat => Some(BinaryKind::MachOUniversal),
    }
}

/// A PE image's kind from its COFF header, found through the DOS header's
/// `e_lfanew`; `None` without the `PE\0\0` signature or the executable-image flag.
fn pe_kind<'d, R: ReadRef<'d>>(data: R) -> Option<BinaryKind> {
    const IMAGE_FILE_EXECUTABLE_IMAGE: u16 = 0x0002;
    const IMAGE_FILE_DLL: u16 = 0x2000;
    let at = data.read_bytes_at(0x3c, 4).ok()?;
    let pe = u64::from(u32::from_le_bytes([at[0], at[1], at[2], at[3]]));
    // The signature, then the COFF header whose characteristics are at offset 18.
    let header = data.read_bytes_at(pe, 24).ok()?;
    if &header[..4] != b"PE\0\0" {
        return None;
    }
    let characteristics = u16::from_le_bytes([header[22], header[23]]);
    if characteristics & IMAGE_FILE_EXECUTABLE_IMAGE == 0 {
        return None;
    }
    Some(if characteristics & IMAGE_FILE_DLL != 0 {
        BinaryKind::PeLibrary
    } else {
        BinaryKind::PeExecutable
    })
}

/// A universal Mach-O: the build records of its first image (every image
/// of one program carries the same).
fn inspect_fat<'d, R: ReadRef<'d>>(data: R, size: u64) -> Binary {
    use object::read::macho::{FatArch, MachOFatFile32, MachOFatFile64};
    let kind = BinaryKind::MachOUniversal;
    let first = match MachOFatFile32::parse(data) {
        Ok(fat) => fat.arches().first().map(|a| a.file_range()),
        Err(_) => match MachOFatFile64::parse(data) {
            Ok(fat) => fat.arches().first().map(|a| a.file_range()),
            Err(e) => {
                return Binary::unread(
                    kind,
                    size,
                    format!("not a readable {} ({e})", kind.describe()),
                );
            }
        },
    };
    let Some((offset, len)) = first else {
        return Binary::unread(kind, size, "a universal binary with no image".to_string());
    };
    if len > MAX_GO_SECTION {
        return Binary::unread(
            kind,
            size,
            format!(
                "its first image of {len} bytes is larger than the {MAX_GO_SECTION} byte limit; not read"
            ),
        );
    }
    let mut out = Binary::bare(kind, size);
    match data
        .read_bytes_at(offset, len)
        .map_err(|()| InputError::new("its first image lies outside the file"))
        .and_then(|image| {
            object::File::parse(image)
                .map_err(|e| InputError::new(format!("its first image is not readable ({e})")))
        }) {
        Ok(file) => read_build_records(&file, &mut out),
        Err(e) => out.problem = Some(e.to_string()),
    }
    out
}

/// Go's build information and cargo-auditable's record, where the file has them.
fn read_build_records<'d, R: ReadRef<'d>>(file: &object::File<'d, R>, out: &mut Binary) {
    match go_section(file) {
        Some(Ok(bytes)) => match go_buildinfo::parse(bytes) {
            Ok(go) => out.go = go,
            Err(e) => out.problem = Some(e.to_string()),
        },
        Some(Err(e)) => out.problem = Some(e.to_string()),
        None => {}
    }
    if let Some(s) = file.section_by_name(".dep-v0") {
        match section_data(&s, MAX_AUDIT_JSON).and_then(audit_record) {
            Ok(info) => out.rust = Some(info),
            Err(e) => out.problem = Some(e.to_string()),
        }
    }
}

/// The bytes Go's own reader searches for the build information: the
/// `.go.buildinfo` (ELF) or `__go_buildinfo` (Mach-O) section, else the start
/// of the first writable data section (PE, older Mach-O).
fn go_section<'d, R: ReadRef<'d>>(
    file: &object::File<'d, R>,
) -> Option<Result<&'d [u8], InputError>> {
    if let Some(s) = file
        .section_by_name(".go.buildinfo")
        .or_else(|| file.section_by_name("__go_buildinfo"))
    {
        return Some(section_data(&s, MAX_GO_SECTION));
    }
    if matches!(file, object::File::Elf32(_) | object::File::Elf64(_)) {
        return None;
    }
    let data = file
        .sections()
        .find(|s| s.kind() == SectionKind::Data && s.size() > 0)?;
    let (offset, len) = data.file_range()?;
    let window = len.min(GO_DATA_WINDOW);
    Some(
        data.data_range(data.address(), window)
            .ok()
            .flatten()
            .ok_or_else(|| InputError::new(format!("the data section at {offset} cannot be read"))),
    )
}

fn section_data<'d, 'f, S: ObjectSection<'d>>(s: &S, max: u64) -> Result<&'d [u8], InputError> {
    if s.size() > max {
        return Err(InputError::new(format!(
            "section {} of {} bytes is larger than the {max} byte limit; not read",
            s.name().unwrap_or("?"),
            s.size()
        )));
    }
    s.data().map_err(|e| {
        InputError::new(format!(
            "section {} cannot be read ({e})",
            s.name().unwrap_or("?")
        ))
    })
}

/// cargo-auditable's record: zlib-compressed JSON, decompressed up to a cap.
fn audit_record(compressed: &[u8]) -> Result<auditable_serde::VersionInfo, InputError> {
    let mut json = Vec::new();
    flate2::read::ZlibDecoder::new(compressed)
        .take(MAX_AUDIT_JSON + 1)
        .read_to_end(&mut json)
        .map_err(|e| {
            InputError::new(format!(
                "cargo-auditable record cannot be decompressed ({e})"
            ))
        })?;
    if json.len() as u64 > MAX_AUDIT_JSON {
        return Err(InputError::new(format!(
            "cargo-auditable record larger than {MAX_AUDIT_JSON} bytes decompressed; not read"
        )));
    }
    serde_json::from_slice(&json).map_err(|e| {
        InputError::new(format!(
            "cargo-auditable record is not the JSON cargo-auditable writes ({e})"
        ))
    })
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
        assert_eq!(
            Magic::sniff(&head),
            Some(Magic::Elf(BinaryKind::SharedObject))
        );
        head[16] = 2;
        assert_eq!(
            Magic::sniff(&head),
            Some(Magic::Elf(BinaryKind::Executable))
        );
        head[16] = 1;
        assert_eq!(Magic::sniff(&head), None, "a relocatable object");
        head[5] = 2;
        head[16] = 0;
        head[17] = 2;
        assert_eq!(
            Magic::sniff(&head),
            Some(Magic::Elf(BinaryKind::Executable)),
            "big-endian"
        );
        assert_eq!(Magic::sniff(b"#!/bin/sh\n"), None);
    }

    #[test]
    fn a_damaged_elf_is_a_problem_not_a_panic() {
        let mut bytes = [0u8; 64];
        bytes[..4].copy_from_slice(b"\x7fELF");
        bytes[4] = 2;
        bytes[5] = 1;
        bytes[16] = 2;
        let b = inspect(Magic::Elf(BinaryKind::Executable), &bytes[..]).unwrap();
        assert!(b.problem.is_some() && !b.has_build_record(), "{b:?}");
    }

    /// A small PE32+ image as a linker lays it out: DOS header, COFF header
    /// with `characteristics`, an optional header with its 16 data
    /// directories, one writable `.data` section holding `data` at 0x200.
    fn pe(characteristics: u16, data: &[u8]) -> Vec<u8> {
        let mut b = vec![0u8; 0x40];
        b[..2].copy_from_slice(b"MZ");
        b[0x3c..0x40].copy_from_slice(&0x40u32.to_le_bytes());
        b.extend_from_slice(b"PE\0\0");
        b.extend_from_slice(&0x8664u16.to_le_bytes()); // machine: x86-64
        b.extend_from_slice(&1u16.to_le_bytes()); // sections
        b.extend_from_slice(&[0; 12]); // time, symbol table, symbols
        b.extend_from_slice(&240u16.to_le_bytes()); // optional header size
        b.extend_from_slice(&characteristics.to_le_bytes());
        let mut opt = vec![0u8; 240];
        opt[..2].copy_from_slice(&0x20bu16.to_le_bytes()); // PE32+
        opt[24..32].copy_from_slice(&0x1_4000_0000u64.to_le_bytes()); // image base
        opt[32..36].copy_from_slice(&0x1000u32.to_le_bytes()); // section alignment
        opt[36..40].copy_from_slice(&0x200u32.to_le_bytes()); // file alignment
        opt[56..60].copy_from_slice(&0x3000u32.to_le_bytes()); // size of image
        opt[60..64].copy_from_slice(&0x200u32.to_le_bytes()); // size of headers
        opt[108..112].copy_from_slice(&16u32.to_le_bytes()); // data directories
        b.extend_from_slice(&opt);
        let raw = data.len().div_ceil(0x200) as u32 * 0x200;
        let mut section = b".data\0\0\0".to_vec();
        for word in [data.len() as u32, 0x1000, raw, 0x200, 0, 0, 0] {
            section.extend_from_slice(&word.to_le_bytes());
        }
        section.extend_from_slice(&0xc000_0040u32.to_le_bytes()); // initialised, read, write
        b.extend_from_slice(&section);
        b.resize(0x200, 0);
        b.extend_from_slice(data);
        b.resize(0x200 + raw as usize, 0);
        b
    }

    #[test]
    fn pe_images_are_told_by_their_coff_header() {
        let exe = pe(0x0022, b"data");
        assert_eq!(Magic::sniff(&exe[..HEAD]), Some(Magic::Pe));
        let b = inspect(Magic::Pe, &exe[..]).unwrap();
        assert_eq!(
            (b.kind, b.size, b.problem.as_deref()),
            (BinaryKind::PeExecutable, 0x400, None)
        );
        assert!(!b.has_build_record());
        let dll = inspect(Magic::Pe, &pe(0x2022, b"data")[..]).unwrap();
        assert_eq!(dll.kind, BinaryKind::PeLibrary);
        assert_eq!(
            inspect(Magic::Pe, &pe(0x0020, b"data")[..]),
            None,
            "an object file"
        );
        // A DOS program, or text that happens to start with MZ.
        let mut dos = exe.clone();
        dos[0x40..0x44].copy_from_slice(b"NE\0\0");
        assert_eq!(inspect(Magic::Pe, &dos[..]), None);
        assert_eq!(inspect(Magic::Pe, &b"MZ is a text file"[..]), None);
        // Cut after the signature: a PE that cannot be read, named as such.
        let cut = inspect(Magic::Pe, &exe[..0x60]).unwrap();
        assert!(cut.problem.is_some(), "{cut:?}");
    }

    #[test]
    fn a_go_program_for_windows_has_its_build_information_in_its_data_section() {
        let info = "path\texample.com/agent\nmod\texample.com/agent\tv1.0.0\t\n";
        let mut data = vec![0u8; 32];
        data.extend(super::super::go_buildinfo::tests::section("go1.22.1", info));
        let b = inspect(Magic::Pe, &pe(0x0022, &data)[..]).unwrap();
        assert_eq!(b.problem, None);
        let go = b.go.expect("build information");
        assert_eq!(go.main.unwrap().version, "v1.0.0");
    }

    fn macho(filetype: u32) -> Vec<u8> {
        let mut b = Vec::new();
        for word in [0xfeed_facfu32, 0x0100_0007, 3, filetype, 0, 0, 0, 0] {
            b.extend_from_slice(&word.to_le_bytes());
        }
        b
    }

    #[test]
    fn mach_o_images_are_told_by_their_filetype() {
        assert_eq!(
            Magic::sniff(&macho(2)[..HEAD]),
            Some(Magic::MachO(BinaryKind::MachOExecutable))
        );
        assert_eq!(
            Magic::sniff(&macho(6)[..HEAD]),
            Some(Magic::MachO(BinaryKind::MachOLibrary))
        );
        assert_eq!(Magic::sniff(&macho(1)[..HEAD]), None, "an object file");
        let b = inspect(Magic::MachO(BinaryKind::MachOExecutable), &macho(2)[..]).unwrap();
        assert_eq!((b.kind, b.problem), (BinaryKind::MachOExecutable, None));
        // A Java class file shares the universal binary's magic.
        let class = [
            0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 61, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ];
        assert_eq!(Magic::sniff(&class), None);
        let mut fat = vec![0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 1];
        // One x86-64 image at offset 4096 of the Mach-O above.
        for word in [0x0100_0007u32, 3, 4096, 32, 12] {
            fat.extend_from_slice(&word.to_be_bytes());
        }
        fat.resize(4096, 0);
        fat.extend_from_slice(&macho(2));
        assert_eq!(Magic::sniff(&fat[..HEAD]), Some(Magic::MachOFat));
        let b = inspect(Magic::MachOFat, &fat[..]).unwrap();
        assert_eq!((b.kind, b.problem), (BinaryKind::MachOUniversal, None));
        let b = inspect(Magic::MachOFat, &fat[..4100]).unwrap();
        assert!(b.problem.is_some(), "{b:?}");
    }
}
