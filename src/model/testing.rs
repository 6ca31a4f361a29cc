//! Helpers shared by the unit tests of several modules.

/// Asserts that warning `i` of `warnings` contains `fragment`; the failure
/// shows every warning.
#[track_caller]
pub fn assert_warning_contains(warnings: &[String], i: usize, fragment: &str) {
    assert!(
        warnings.get(i).is_some_and(|w| w.contains(fragment)),
        "warning {i} should contain {fragment:?}: {warnings:?}"
    );
}

/// Asserts that warning `i` of `warnings` starts with `prefix`; the failure
/// shows every warning.
#[track_caller]
pub fn assert_warning_starts_with(warnings: &[String], i: usize, prefix: &str) {
    assert!(
        warnings.get(i).is_some_and(|w| w.starts_with(prefix)),
        "warning {i} should start with {prefix:?}: {warnings:?}"
    );
}
