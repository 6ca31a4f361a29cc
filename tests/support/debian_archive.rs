//! The loopback Debian archive: every file of
//! `fixtures/archive/{debian,debian-security}` served at its path.

use crate::common;
use crate::mock_registry::{MockRegistry, Reply};

/// Serves the fixture archive; `replies` gives each file's replies from its bytes.
pub fn serve(replies: impl Fn(Vec<u8>) -> Vec<Reply>) -> MockRegistry {
    let mock = MockRegistry::start();
    let root = common::root().join("fixtures/archive");
    for top in ["debian", "debian-security"] {
        for file in common::files_under(&root.join(top)) {
            let rel = file.strip_prefix(&root).unwrap().to_str().unwrap();
            mock.route(&format!("/{rel}"), replies(std::fs::read(&file).unwrap()));
        }
    }
    mock
}
