//! What the fuzz targets share: running one reader on the fuzzer's bytes.
//! Errors are fine; panics, hangs and unbounded memory are findings.

use chainrisk::ingest::{IngestOptions, Input, parse_as};
use chainrisk::model::Format;
use std::path::Path;

/// A directory that does not exist: readers that look beside their input
/// (`package.json` beside a lockfile, `go.sum` beside `go.mod`,
/// `pyproject.toml` beside `poetry.lock`) find nothing, so every run depends
/// on the fuzzer's bytes alone.
const NOWHERE: &str = "/nonexistent-chainrisk-fuzz";

/// Runs the reader of `format` on `data`, as if read from a file called `name`.
pub fn read_as(format: Format, name: &str, data: &[u8]) {
    let path = Path::new(NOWHERE).join(name);
    let options = IngestOptions {
        offline: true,
        ..IngestOptions::default()
    };
    let input = Input {
        path: &path,
        bytes: data,
        options: &options,
    };
    let _ = parse_as(format, &input);
}

/// The fuzzer's bytes as text, for readers that take `&str`; `None` when
/// they are not UTF-8 (the callers read files as UTF-8 and stop there).
pub fn text(data: &[u8]) -> Option<&str> {
    std::str::from_utf8(data).ok()
}

/// Matches an advisory read from fuzzed bytes against versions of every
/// shape the rules meet, and against the versions it names itself.
pub fn match_versions(advisory: &chainrisk::advisory::Advisory) {
    const VERSIONS: &[&str] = &["0", "1.2.3", "1.0.0-rc.1", "v1.2.3", "2!1.0.post1", "", "*"];
    for p in &advisory.packages {
        let _ = p.has_fix();
        let fixes = p.fixes();
        for v in VERSIONS.iter().copied().chain(fixes.split(", ")) {
            let _ = p.matches(v);
        }
    }
}
