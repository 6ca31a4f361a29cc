//! The Alpine and RPM repository readers: apk `repositories` and dnf `.repo`
//! files, an APKINDEX.tar.gz (signature split, then the index stream), and
//! repomd.xml, primary.xml and updateinfo.xml, plain and through their decoders.
#![no_main]

use chainrisk::resolve::archive::{apk_index, apk_repositories, rpm_metadata, rpm_repos};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = apk_repositories::parse(&text, "repositories");
    let _ = rpm_repos::parse(&text, "fuzz.repo");
    if let Ok((_, index)) = apk_index::split(data) {
        let _ = apk_index::read_index(index, &|_| true);
    }
    let _ = apk_index::records(data, &mut |_| {});
    let _ = rpm_metadata::repomd(data);
    let _ = rpm_metadata::primary(data, &|_| true);
    let _ = rpm_metadata::updateinfo(data, &|_| true);
    for href in ["primary.xml.gz", "primary.xml.xz", "primary.xml.zst"] {
        if let Ok(r) = rpm_metadata::decompress(href, data) {
            let _ = rpm_metadata::primary(r, &|_| true);
        }
    }
});
