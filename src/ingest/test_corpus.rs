//! Test data for the readers' unit tests: the corpus subset kept in
//! `fixtures/corpus`, which every checkout has, and the full open corpus
//! under `$CHAINRISK_SHARED/corpus`, an opt-in extra.

use std::path::{Path, PathBuf};

/// `fixtures/corpus/<rel>`: a file of the subset, which must be there.
pub fn file(rel: &str) -> (PathBuf, Vec<u8>) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/corpus")
        .join(rel);
    let bytes = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (the corpus subset)", path.display()));
    (path, bytes)
}

/// `<rel>` of the full corpus under `$CHAINRISK_SHARED/corpus`, when that
/// variable is set: files of unstated licence that the subset stands in for
/// with derived ones. Nothing is read from beside the clone.
pub fn full_file(rel: &str) -> Option<(PathBuf, Vec<u8>)> {
    let p = PathBuf::from(std::env::var_os("CHAINRISK_SHARED")?)
        .join("corpus")
        .join(rel);
    std::fs::read(&p).ok().map(|b| (p, b))
}
