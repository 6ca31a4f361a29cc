//! Does nothing: it exists so `[build-dependencies]` in Cargo.toml can switch
//! on the proc-macro (host) features the test-only dependencies need, and
//! `cargo run` and `cargo test` share one build of every crate.
fn main() {}
