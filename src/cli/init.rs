//! `chainrisk init`: writes the default policy to ./chainrisk.toml, never
//! over an existing file.

use std::io::Write as _;

use super::EXIT_USAGE;
use crate::policy::{FILE_NAME, default_policy_text};

pub fn run() -> u8 {
    // `create_new` refuses an existing file atomically: no check-then-write race.
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(FILE_NAME);
    let mut file = match file {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            stderr_line!(
                "error: {FILE_NAME} already exists in this directory; it was left unchanged (edit it, or remove it to start again)"
            );
            return EXIT_USAGE;
        }
        Err(e) => {
            stderr_line!("error: cannot create {FILE_NAME}: {e}");
            return EXIT_USAGE;
        }
    };
    if let Err(e) = file.write_all(default_policy_text().as_bytes()) {
        stderr_line!("error: cannot write {FILE_NAME}: {e}");
        return EXIT_USAGE;
    }
    stderr_line!("wrote {FILE_NAME}: the default policy, every key commented");
    0
}
