//! CycloneDX 1.2–1.7, JSON and XML. Both readers fill the same lenient model
//! ([`model`]); [`convert`] maps it onto chainrisk's components.

mod convert;
mod json;
pub(crate) mod model;
mod xml;

pub use json::parse_json;
pub use xml::parse_xml;

/// Spec versions this reader is written against. Others are read tolerantly with a warning.
pub const SUPPORTED: [&str; 6] = ["1.2", "1.3", "1.4", "1.5", "1.6", "1.7"];
