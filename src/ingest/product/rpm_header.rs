//! An rpm header as the package database stores it (the "header blob": no
//! lead, no magic): a count of index entries and the size of the data
//! store, then 16-byte entries `(tag, type, offset, count)`, all big-endian,
//! then the data store they point into. Only the value types chainrisk
//! reads are decoded; every offset and count is checked against the blob,
//! so a damaged header is an error, never a read out of bounds.

use crate::model::InputError;

/// The tags chainrisk reads (rpm's `rpmtag.h` numbers).
pub mod tag {
    pub const NAME: u32 = 1000;
    pub const VERSION: u32 = 1001;
    pub const RELEASE: u32 = 1002;
    pub const EPOCH: u32 = 1003;
    pub const BUILDTIME: u32 = 1006;
    pub const VENDOR: u32 = 1011;
    pub const LICENSE: u32 = 1014;
    pub const PACKAGER: u32 = 1015;
    pub const URL: u32 = 1020;
    pub const ARCH: u32 = 1022;
    pub const FILESTATES: u32 = 1029;
    pub const FILEMODES: u32 = 1030;
    pub const FILEDIGESTS: u32 = 1035;
    pub const FILELINKTOS: u32 = 1036;
    pub const FILEFLAGS: u32 = 1037;
    pub const SOURCERPM: u32 = 1044;
    pub const PROVIDENAME: u32 = 1047;
    pub const REQUIRENAME: u32 = 1049;
    pub const DIRINDEXES: u32 = 1116;
    pub const BASENAMES: u32 = 1117;
    pub const DIRNAMES: u32 = 1118;
    pub const FILEDIGESTALGO: u32 = 5011;
}

const CHAR: u32 = 1;
const INT8: u32 = 2;
const INT16: u32 = 3;
const INT32: u32 = 4;
const STRING: u32 = 6;
const STRING_ARRAY: u32 = 8;
const I18NSTRING: u32 = 9;

/// Most index entries rpm itself accepts in one header.
const MAX_ENTRIES: usize = 0x10000;

/// One parsed header: its entries and its data store, borrowed from the blob.
#[derive(Debug)]
pub struct Header<'a> {
    entries: Vec<Entry>,
    data: &'a [u8],
}

#[derive(Clone, Copy, Debug)]
struct Entry {
    tag: u32,
    kind: u32,
    offset: usize,
    count: usize,
}

fn be32(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

impl<'a> Header<'a> {
    /// Reads a header blob; the error says what does not fit.
    pub fn parse(blob: &'a [u8]) -> Result<Header<'a>, InputError> {
        let (il, dl) = match (be32(blob, 0), be32(blob, 4)) {
            (Some(il), Some(dl)) => (il as usize, dl as usize),
            _ => {
                return Err(InputError::new(format!(
                    "a header of {} bytes, shorter than its 8-byte start",
                    blob.len()
                )));
            }
        };
        if il == 0 || il > MAX_ENTRIES {
            return Err(InputError::new(format!(
                "a header with {il} index entries (expected 1 to {MAX_ENTRIES})"
            )));
        }
        let store = 8 + il * 16;
        let Some(data) = blob.get(store..store.saturating_add(dl)) else {
            return Err(InputError::new(format!(
                "a header that says it holds {il} entries and {dl} data bytes, but is {} bytes long",
                blob.len()
            )));
        };
        let entries = (0..il)
            .map(|i| {
                let at = 8 + i * 16;
                Entry {
                    tag: be32(blob, at).unwrap_or(0),
                    kind: be32(blob, at + 4).unwrap_or(0),
                    offset: be32(blob, at + 8).unwrap_or(0) as usize,
                    count: be32(blob, at + 12).unwrap_or(0) as usize,
                }
            })
            .collect();
        Ok(Header { entries, data })
    }

    fn entry(&self, tag: u32) -> Option<Entry> {
        self.entries.iter().copied().find(|e| e.tag == tag)
    }

    /// A string value (the first of an i18n string's translations, or of an array).
    pub fn string(&self, tag: u32) -> Option<String> {
        let e = self.entry(tag)?;
        match e.kind {
            STRING | I18NSTRING | STRING_ARRAY => self.strings_at(e.offset, 1).into_iter().next(),
            _ => None,
        }
    }

    /// A string array's values (empty when absent or damaged).
    pub fn strings(&self, tag: u32) -> Vec<String> {
        match self.entry(tag) {
            Some(e) if matches!(e.kind, STRING_ARRAY | STRING | I18NSTRING) => {
                let n = if e.kind == STRING_ARRAY { e.count } else { 1 };
                let got = self.strings_at(e.offset, n);
                if got.len() == n { got } else { Vec::new() }
            }
            _ => Vec::new(),
        }
    }

    /// Integer values of any width, widened (empty when absent or damaged).
    pub fn ints(&self, tag: u32) -> Vec<u64> {
        let Some(e) = self.entry(tag) else {
            return Vec::new();
        };
        let width = match e.kind {
            CHAR | INT8 => 1,
            INT16 => 2,
            INT32 => 4,
            _ => return Vec::new(),
        };
        let Some(bytes) = e
            .count
            .checked_mul(width)
            .and_then(|len| self.data.get(e.offset..e.offset.checked_add(len)?))
        else {
            return Vec::new();
        };
        bytes
            .chunks_exact(width)
            .map(|c| c.iter().fold(0u64, |v, &b| (v << 8) | u64::from(b)))
            .collect()
    }

    pub fn int(&self, tag: u32) -> Option<u64> {
        self.ints(tag).into_iter().next()
    }

    /// Up to `n` NUL-terminated strings from `offset`; fewer when the store ends.
    fn strings_at(&self, offset: usize, n: usize) -> Vec<String> {
        let mut out = Vec::new();
        let mut at = offset;
        while out.len() < n {
            let Some(rest) = self.data.get(at..) else {
                break;
            };
            let Some(end) = rest.iter().position(|&b| b == 0) else {
                break;
            };
            out.push(String::from_utf8_lossy(&rest[..end]).into_owned());
            at += end + 1;
        }
        out
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Builds a header blob from (tag, type, count, data) entries.
    pub(crate) fn blob(entries: &[(u32, u32, u32, Vec<u8>)]) -> Vec<u8> {
        let mut index = Vec::new();
        let mut data = Vec::new();
        for (tag, kind, count, bytes) in entries {
            // Integers are aligned to their width, as rpm stores them.
            let align = match *kind {
                INT16 => 2,
                INT32 => 4,
                _ => 1,
            };
            while data.len() % align != 0 {
                data.push(0);
            }
            for v in [*tag, *kind, data.len() as u32, *count] {
                index.extend_from_slice(&v.to_be_bytes());
            }
            data.extend_from_slice(bytes);
        }
        let mut out = Vec::new();
        out.extend_from_slice(&(entries.len() as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        out.extend(index);
        out.extend(data);
        out
    }

    pub(crate) fn s(v: &str) -> (u32, u32, Vec<u8>) {
        (STRING, 1, [v.as_bytes(), b"\0"].concat())
    }

    pub(crate) fn arr(v: &[&str]) -> (u32, u32, Vec<u8>) {
        (
            STRING_ARRAY,
            v.len() as u32,
            v.iter()
                .flat_map(|x| [x.as_bytes(), b"\0"].concat())
                .collect(),
        )
    }

    pub(crate) fn i32s(v: &[u32]) -> (u32, u32, Vec<u8>) {
        (
            INT32,
            v.len() as u32,
            v.iter().flat_map(|x| x.to_be_bytes()).collect(),
        )
    }

    pub(crate) fn entry(
        tag: u32,
        (kind, count, data): (u32, u32, Vec<u8>),
    ) -> (u32, u32, u32, Vec<u8>) {
        (tag, kind, count, data)
    }

    #[test]
    fn values_of_each_type_are_read() {
        let b = blob(&[
            entry(tag::NAME, s("curl")),
            entry(tag::EPOCH, i32s(&[2])),
            entry(tag::BASENAMES, arr(&["curl", "libcurl.so.4"])),
            entry(tag::FILEMODES, (INT16, 2, vec![0x81, 0xed, 0xa1, 0xff])),
        ]);
        let h = Header::parse(&b).unwrap();
        assert_eq!(h.string(tag::NAME).as_deref(), Some("curl"));
        assert_eq!(h.int(tag::EPOCH), Some(2));
        assert_eq!(h.strings(tag::BASENAMES), ["curl", "libcurl.so.4"]);
        assert_eq!(h.ints(tag::FILEMODES), [0o100755, 0o120777]);
        assert_eq!(h.string(tag::VERSION), None);
    }

    #[test]
    fn damaged_headers_are_errors_or_empty_values_never_panics() {
        assert!(
            Header::parse(b"\0\0")
                .unwrap_err()
                .to_string()
                .contains("shorter than")
        );
        assert!(
            Header::parse(&[0, 0, 0, 0, 0, 0, 0, 0])
                .unwrap_err()
                .to_string()
                .contains("0 index entries")
        );
        let mut b = blob(&[entry(tag::NAME, s("curl"))]);
        b.truncate(b.len() - 2);
        assert!(
            Header::parse(&b)
                .unwrap_err()
                .to_string()
                .contains("but is")
        );
        // An entry pointing past the store, and an array longer than its data.
        let mut b = blob(&[entry(tag::BASENAMES, arr(&["a", "b"]))]);
        b[8 + 12..8 + 16].copy_from_slice(&1000u32.to_be_bytes());
        let h = Header::parse(&b).unwrap();
        assert!(h.strings(tag::BASENAMES).is_empty());
        let mut b = blob(&[entry(tag::EPOCH, i32s(&[1]))]);
        b[8 + 12..8 + 16].copy_from_slice(&u32::MAX.to_be_bytes());
        assert!(Header::parse(&b).unwrap().ints(tag::EPOCH).is_empty());
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_parse_or_fail_cleanly(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..512)) {
            if let Ok(h) = Header::parse(&bytes) {
                for t in [tag::NAME, tag::BASENAMES, tag::FILEMODES, tag::EPOCH] {
                    let _ = (h.string(t), h.strings(t), h.ints(t));
                }
            }
        }
    }
}
