//! The OSV advisory reader (one JSON advisory), and the version matching of
//! what it read.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(text) = chainrisk_fuzz::text(data) else {
        return;
    };
    if let Ok(Some(advisory)) = chainrisk::advisory::osv::parse("GHSA-0000.json", text) {
        chainrisk_fuzz::match_versions(&advisory);
    }
});
