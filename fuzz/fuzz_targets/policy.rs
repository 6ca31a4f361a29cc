//! The policy file reader (`chainrisk.toml`): rules, exceptions, package
//! patterns and version ranges.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some(text) = chainrisk_fuzz::text(data) {
        let _ = chainrisk::policy::parse(text, "chainrisk.toml");
    }
});
