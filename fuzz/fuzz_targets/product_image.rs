//! A container image archive (OCI or `docker save`): the outer index, the
//! image's JSON, platform choice, and each layer applied with whiteouts,
//! then every product reader. The image reader seeks in a file, so each
//! input is written to one first.
#![no_main]

use chainrisk::ingest::product::{image, read_tree};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let path = std::env::temp_dir().join(format!("chainrisk-fuzz-image-{}.tar", std::process::id()));
    if std::fs::write(&path, data).is_err() {
        return;
    }
    if image::is_image_archive(&path) {
        if let Ok(tree) = image::read(&path, None) {
            let _ = read_tree(&tree, true);
        }
    }
});
