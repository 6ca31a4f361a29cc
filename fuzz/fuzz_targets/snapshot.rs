//! The registry-facts snapshot reader, and the summary `snapshot info`
//! prints of what it read.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some(text) = chainrisk_fuzz::text(data) else {
        return;
    };
    if let Ok(loaded) = chainrisk::resolve::snapshot::parse("facts.json", text) {
        let now = jiff::Timestamp::UNIX_EPOCH;
        let _ = loaded.info(now, 30);
        let _ = chainrisk::resolve::snapshot::describe(&loaded, now, 30);
    }
});
