//! The SPDX 3 JSON-LD reader, reached directly (no format detection).
#![no_main]

use chainrisk::model::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    chainrisk_fuzz::read_as(Format::Spdx3JsonLd, "bom.spdx3.json", data);
});
