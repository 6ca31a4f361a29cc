//! Property tests: no input makes a reader panic, and damage to a valid
//! document is either read (with warnings) or reported with a position.

mod common;
use common::*;

use chainrisk::ingest::parse_bytes;
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

    #[test]
    fn truncated_documents_fail_with_a_position(cut in 1usize..6000) {
        let bytes = demo_bytes();
        let cut = cut.min(bytes.len() - 2);
        match parse_bytes(&bytes[..cut]) {
            Ok(_) => {}
            Err(e) => prop_assert!(e.position.is_some() || e.message.contains("unrecognised"), "{}", e),
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
