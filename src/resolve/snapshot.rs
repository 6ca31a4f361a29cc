//! Portable snapshots of package facts for offline scans.
