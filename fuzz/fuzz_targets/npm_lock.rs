//! The npm package-lock.json / npm-shrinkwrap.json reader, reached directly (no format detection).
#![no_main]

use chainrisk::model::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    chainrisk_fuzz::read_as(Format::NpmLock, "package-lock.json", data);
});
