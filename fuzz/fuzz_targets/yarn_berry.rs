//! The yarn.lock reader on Yarn berry (YAML) files. The reader picks berry
//! when a line starts with `__metadata:`; when the fuzzer's bytes have no
//! such line, one is put in front of them, so every run reaches it.
#![no_main]

use chainrisk::model::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let berry = data
        .split(|&b| b == b'\n')
        .any(|l| l.starts_with(b"__metadata:") || l.starts_with(b"\"__metadata\":"));
    if berry {
        chainrisk_fuzz::read_as(Format::YarnLock, "yarn.lock", data);
    } else {
        let mut doc = b"__metadata:\n".to_vec();
        doc.extend_from_slice(data);
        chainrisk_fuzz::read_as(Format::YarnLock, "yarn.lock", &doc);
    }
});
