//! The report reader of `chainrisk diff`, and the diff of what it read
//! against itself rendered in every diff format.
#![no_main]

use chainrisk::report::diff;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(report) = diff::parse_report(data, "old.json") {
        let d = diff::diff(&report, "old.json", &report, "new.json");
        let _ = diff::to_json(&d);
        let _ = diff::to_table(&d);
        let _ = diff::to_markdown(&d);
    }
});
