//! The `--baseline` reader: an earlier JSON report's fingerprints.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = chainrisk::policy::Baseline::parse(data, "old.json");
});
