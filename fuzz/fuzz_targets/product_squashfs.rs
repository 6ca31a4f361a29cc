//! A delivered product as a squashfs image: backhand's reading of hostile
//! tables (panics are caught and become errors: what is left to find is a
//! hang or unbounded memory), our index over it, and every reader behind it
//! with file verification on.
#![no_main]

use chainrisk::ingest::product::{read_tree, squashfs};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let bytes = data.to_vec();
    if let Ok(tree) = squashfs::read_from("fuzz.squashfs", std::io::Cursor::new(bytes)) {
        let _ = read_tree(&tree, true);
    }
});
