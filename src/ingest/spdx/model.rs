//! A lenient model of the SPDX 2.x fields chainrisk uses. The JSON reader
//! deserialises into it; the tag-value reader fills it line by line. Unknown
//! fields are ignored; scalars of the wrong type are read as text.

use serde::Deserialize;

use crate::ingest::lenient::{one_or_many, opt_string};

/// A scalar read as text (`null` as `None`), for lists of strings that some
/// generators fill with numbers.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct Text(#[serde(deserialize_with = "opt_string")] pub Option<String>);

impl Text {
    pub fn new(s: impl Into<String>) -> Text {
        Text(Some(s.into()))
    }

    /// The trimmed text, when there is any.
    pub fn get(&self) -> Option<&str> {
        self.0.as_deref().map(str::trim).filter(|s| !s.is_empty())
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Document {
    #[serde(default, deserialize_with = "opt_string")]
    pub spdx_version: Option<String>,
    #[serde(rename = "SPDXID", default, deserialize_with = "opt_string")]
    pub spdx_id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub document_namespace: Option<String>,
    #[serde(default)]
    pub creation_info: Option<CreationInfo>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub document_describes: Vec<Text>,
    #[serde(default)]
    pub packages: Vec<Package>,
    #[serde(default)]
    pub files: Vec<Element>,
    #[serde(default)]
    pub snippets: Vec<Element>,
    #[serde(default)]
    pub relationships: Vec<Relationship>,
    /// Ids of packages the tolerant reader skipped: defined by the document,
    /// so relationships to them are not dangling, but not components.
    #[serde(skip)]
    pub skipped_ids: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct CreationInfo {
    #[serde(default, deserialize_with = "opt_string")]
    pub created: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub creators: Vec<Text>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Package {
    #[serde(rename = "SPDXID", default, deserialize_with = "opt_string")]
    pub spdx_id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub version_info: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub supplier: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub originator: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub download_location: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub homepage: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub license_concluded: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub license_declared: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub primary_package_purpose: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub checksums: Vec<Checksum>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub external_refs: Vec<ExternalRef>,
    /// Where the package was read: `/packages/3` or `line 120`.
    #[serde(skip)]
    pub pointer: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Checksum {
    #[serde(default, deserialize_with = "opt_string")]
    pub algorithm: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub checksum_value: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExternalRef {
    #[serde(default, deserialize_with = "opt_string")]
    pub reference_category: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub reference_type: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub reference_locator: Option<String>,
}

/// A file or snippet: only its id matters (relationship endpoints that are
/// not packages are not dangling).
#[derive(Debug, Default, Deserialize)]
pub struct Element {
    #[serde(rename = "SPDXID", default, deserialize_with = "opt_string")]
    pub spdx_id: Option<String>,
    /// Files: the path, and their checksums (they account for a product's binaries).
    #[serde(rename = "fileName", default, deserialize_with = "opt_string")]
    pub file_name: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub checksums: Vec<Checksum>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Relationship {
    #[serde(rename = "spdxElementId", default, deserialize_with = "opt_string")]
    pub element: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub relationship_type: Option<String>,
    #[serde(
        rename = "relatedSpdxElement",
        default,
        deserialize_with = "opt_string"
    )]
    pub related: Option<String>,
}
