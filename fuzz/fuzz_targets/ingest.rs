//! Any bytes through format detection and every reader: errors are fine,
//! panics, hangs and unbounded memory are not.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = chainrisk::ingest::parse_bytes(data);
});
