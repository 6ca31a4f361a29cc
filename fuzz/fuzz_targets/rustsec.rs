//! The RustSec advisory reader (Markdown with TOML front matter), and the
//! version matching of what it read.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(text) = chainrisk_fuzz::text(data) else {
        return;
    };
    if let Ok(Some(advisory)) = chainrisk::advisory::rustsec::parse("RUSTSEC-0000-0000.md", text) {
        chainrisk_fuzz::match_versions(&advisory);
    }
});
