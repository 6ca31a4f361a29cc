//! chainrisk: a supply-chain software composition analyzer. The stages, in
//! pipeline order; each imports only the ones above it (`architecture` checks):
//!
//! - [`model`]: the data every stage shares — inventory, components, origins, findings, messages, errors.
//! - [`ingest`]: reads SBOMs, lockfiles and delivered products into one [`model::Inventory`].
//! - [`resolve`]: asks registries and distribution archives (live, cached or from a snapshot) where each component comes from.
//! - [`advisory`]: reads advisory databases (RustSec, OSV) for the advisory rules.
//! - [`lifecycle`]: the distributions' release dates and security-support lists.
//! - [`rules`]: the rule catalogue and its checks, turning the inventory into [`model::Finding`]s.
//! - [`policy`]: thresholds, switched-off rules, exceptions and the baseline applied to the findings.
//! - [`report`]: the [`Assessment`] and its renderers (terminal, JSON, SARIF, CSV, CycloneDX, Markdown, HTML).
//! - [`cli`]: the command line that runs the stages.

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
