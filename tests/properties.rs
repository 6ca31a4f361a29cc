//! Property tests: no input makes a reader panic, and damage to a valid
//! document is either read (with warnings) or reported with a position.

mod common;
use common::*;

use chainrisk::ingest::parse_bytes;
use chainrisk::model::Position;
use proptest::prelude::*;

fn demo_bytes() -> Vec<u8> {
    std::fs::read(demo()).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = parse_bytes(&bytes);
    }

    /// Cut anywhere, the demo fails, and the error points at the cut: its
    /// line, and the last character read or the place after it.
    #[test]
    fn truncated_documents_fail_with_a_position(at in any::<proptest::sample::Index>()) {
        let bytes = demo_bytes();
        let cut = 1 + at.index(bytes.len() - 1);
        let truncated = &bytes[..cut];
        let end = Position::at_offset(truncated, cut);
        match parse_bytes(truncated) {
            Ok(_) => prop_assert!(false, "the first {cut} bytes were read as a whole document"),
            Err(e) => {
                let at = e.position.clone().unwrap_or_default();
                let (line, column) = (at.line.unwrap_or(0), at.column.unwrap_or(0));
                let (end_line, end_column) = (end.line.unwrap(), end.column.unwrap());
                prop_assert!(
                    line == end_line && column + 1 >= end_column && column <= end_column,
                    "cut after {cut} bytes (line {end_line}, column {end_column}): {e}"
                );
            }
        }
    }

    #[test]
    fn flipped_bytes_never_panic(at in 0usize..6000, byte in any::<u8>()) {
        let mut bytes = demo_bytes();
        let at = at % bytes.len();
        bytes[at] = byte;
        let _ = parse_bytes(&bytes);
    }

    #[test]
    fn xml_like_garbage_never_panics(body in "[<>/a-z =\"\n]{0,400}") {
        let doc = format!("<?xml version=\"1.0\"?><bom xmlns=\"http://cyclonedx.org/schema/bom/1.5\">{body}");
        let _ = parse_bytes(doc.as_bytes());
    }

    #[test]
    fn tag_value_garbage_never_panics(body in "[A-Za-z:<>/ \n-]{0,400}") {
        let doc = format!("SPDXVersion: SPDX-2.3\n{body}");
        let _ = parse_bytes(doc.as_bytes());
    }
}
