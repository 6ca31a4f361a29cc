//! Test data for the readers' unit tests: the corpus subset kept in
//! `fixtures/corpus`, which every checkout has, and the full open corpus in
//! `../shared/corpus`, read as an extra where it is present.

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

/// `<rel>` of the full corpus beside the repository (or beside the folder of
/// git worktrees), when it is there: files of unstated licence that the
/// subset stands in for with derived ones.
pub fn full_file(rel: &str) -> Option<(PathBuf, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    ["../shared/corpus", "../../shared/corpus"]
        .iter()
        .map(|c| root.join(c).join(rel))
        .find_map(|p| std::fs::read(&p).ok().map(|b| (p, b)))
}
