//! A delivered product as a tar stream: the archive index (hostile paths,
//! links, devices) and every reader behind it (os-release, dpkg status,
//! md5sums, file lists, diversions) with file verification on.
#![no_main]

use chainrisk::ingest::product::{archive::ArchiveTree, read_tree};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(tree) = ArchiveTree::read("fuzz.tar", data) {
        let _ = read_tree(&tree, true);
    }
});
