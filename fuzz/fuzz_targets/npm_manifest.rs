//! The npm package.json reader (a manifest with no lockfile), reached directly (no format detection).
#![no_main]

use chainrisk::model::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    chainrisk_fuzz::read_as(Format::NpmManifest, "package.json", data);
});
