//! Cargo: a `Cargo.lock` read directly, and a manifest (`Cargo.toml`, or the
//! directory holding it) read through `cargo metadata`, which knows what the
//! lockfile does not: dependency kinds, build scripts, procedural macros,
//! licences. When `cargo metadata` cannot run (no cargo, no network, an empty
//! cargo home offline), the manifest is read from its `Cargo.lock` instead,
//! with a warning saying what is then unknown.
//!
//! The lockfile is read with our own serde model of its TOML, and the
//! `cargo-lock` crate's types for its values (format version, source ids).
//! `cargo_lock::Lockfile` itself resolves every dependency string by scanning
//! all packages, and every v1 `[metadata]` checksum by re-parsing all keys:
//! quadratic, 4.5× a bare TOML parse on 5,000 packages (v3) and 9 seconds on a
//! 5,000-package v1 file. Here packages are indexed by name once.

mod lock;
mod metadata;
mod run;
mod source;
#[cfg(test)]
mod tests;

pub use lock::parse_lock;
pub use metadata::parse_manifest;
pub(crate) use source::cargo_purl;
