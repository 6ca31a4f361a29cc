//! What a product's files hold beyond dpkg: an apk database, rpm header
//! blobs, ELF, PE and Mach-O binaries with their build records (Go build information,
//! cargo-auditable) and Java archives, each reached directly with the same bytes.
#![no_main]

use chainrisk::ingest::product::{apk, binary, go_buildinfo, jar, rpm_header::Header};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = apk::parse_installed(apk::DATABASE, &String::from_utf8_lossy(data));
    if let Ok(h) = Header::parse(data) {
        for tag in [1000, 1030, 1035, 1047, 1116, 1117, 1118] {
            let _ = (h.string(tag), h.strings(tag), h.ints(tag));
        }
    }
    let _ = go_buildinfo::parse(data);
    let _ = jar::read(std::io::Cursor::new(data), "/fuzz.jar");
    if let Some(magic) = binary::Magic::sniff(data) {
        let _ = binary::inspect(magic, data);
    }
});
