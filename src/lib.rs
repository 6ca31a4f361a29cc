//! chainrisk: a supply-chain software composition analyzer.
//!
//! One pass, five stages around one data model (see `docs/` and DESIGN.md):
//! [`ingest`] reads SBOMs into an [`model::Inventory`], [`rules`] turn it into
//! [`model::Finding`]s, and [`report`] renders the resulting [`Assessment`].

pub mod advisory;
pub mod cli;
pub mod ingest;
pub mod lifecycle;
pub mod model;
pub mod policy;
pub mod report;
pub mod resolve;
pub mod rules;

pub use report::Assessment;

#[cfg(test)]
mod architecture;
