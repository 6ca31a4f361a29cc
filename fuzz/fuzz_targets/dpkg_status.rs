//! The dpkg status database and os-release readers, reached directly.
#![no_main]

use chainrisk::ingest::product::{dpkg::parse_status, os_release::OsRelease};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = parse_status("var/lib/dpkg/status", &text);
    let _ = OsRelease::parse(&text).release();
});
