//! The yarn.lock reader on Yarn classic (v1) files. The reader picks berry
//! when a line starts with `__metadata:`; those inputs are left to `yarn_berry`.
#![no_main]

use chainrisk::model::Format;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let berry = data
        .split(|&b| b == b'\n')
        .any(|l| l.starts_with(b"__metadata:") || l.starts_with(b"\"__metadata\":"));
    if !berry {
        chainrisk_fuzz::read_as(Format::YarnLock, "yarn.lock", data);
    }
});
