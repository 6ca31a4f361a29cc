//! The Debian archive readers: apt sources (one-line and deb822), a Release
//! file (clearsigned or plain), and a Packages and a Sources index, plain
//! and through the xz and gzip decoders.
#![no_main]

use chainrisk::resolve::archive::{apt_sources, deb_index, release_file};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = apt_sources::parse_one_line(&text, "sources.list");
    let _ = apt_sources::parse_deb822(&text, "debian.sources");
    let release = release_file::split_clearsigned(&text)
        .map(|(signed, _)| signed)
        .unwrap_or_else(|| text.to_string());
    if let Ok(r) = release_file::parse(&release, "Release") {
        let _ = r.best_index("main/binary-amd64/Packages");
    }
    let _ = deb_index::read_packages(data, "Packages", &|n| n.len() % 2 == 0);
    let _ = deb_index::read_sources(data, "Sources", &|_| true);
    let _ = deb_index::read_packages(deb_index::decompress("Packages.xz", data), "Packages.xz", &|_| true);
    let _ = deb_index::read_packages(deb_index::decompress("Packages.gz", data), "Packages.gz", &|_| true);
});
