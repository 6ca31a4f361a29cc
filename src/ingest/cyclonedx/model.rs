//! A lenient model of the CycloneDX fields chainrisk uses. Unknown fields are
//! ignored; fields of the wrong scalar type are read as text where that is safe.

use serde::Deserialize;

use crate::ingest::lenient::{one_or_many, opt_string};

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bom {
    #[serde(default, deserialize_with = "opt_string")]
    pub bom_format: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub spec_version: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub serial_number: Option<String>,
    #[serde(default)]
    pub metadata: Option<Metadata>,
    #[serde(default)]
    pub components: Vec<Component>,
    #[serde(default)]
    pub dependencies: Vec<Dependency>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub compositions: Vec<Composition>,
}

/// One `compositions` entry; only its `aggregate` (completeness) is read.
#[derive(Debug, Default, Deserialize)]
pub struct Composition {
    #[serde(default, deserialize_with = "opt_string")]
    pub aggregate: Option<String>,
}

impl Composition {
    /// Any aggregate but `not_specified` is a statement about completeness,
    /// `unknown` included: it is the "known unknown" NTIA asks for.
    pub fn declares_completeness(&self) -> bool {
        self.aggregate
            .as_deref()
            .is_some_and(|a| !a.trim().is_empty() && a.trim() != "not_specified")
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct Metadata {
    #[serde(default, deserialize_with = "opt_string")]
    pub timestamp: Option<String>,
    #[serde(default)]
    pub tools: Tools,
    #[serde(default, deserialize_with = "one_or_many")]
    pub authors: Vec<Party>,
    #[serde(default)]
    pub component: Option<Box<Component>>,
    /// 1.2–1.5 spelling; 1.6 renamed it `manufacturer`.
    #[serde(default)]
    pub manufacture: Option<Party>,
    #[serde(default)]
    pub manufacturer: Option<Party>,
    #[serde(default)]
    pub supplier: Option<Party>,
}

/// `tools` is a list of `{vendor, name, version}` up to 1.4 and an object of
/// `components` and `services` from 1.5.
#[derive(Debug, Default, Deserialize)]
#[serde(untagged)]
pub enum Tools {
    Legacy(Vec<Tool>),
    Modern {
        #[serde(default)]
        components: Vec<Tool>,
        #[serde(default)]
        services: Vec<Tool>,
    },
    #[default]
    None,
}

impl Tools {
    pub fn names(&self) -> Vec<String> {
        let list: Vec<&Tool> = match self {
            Tools::Legacy(v) => v.iter().collect(),
            Tools::Modern {
                components,
                services,
            } => components.iter().chain(services).collect(),
            Tools::None => Vec::new(),
        };
        list.into_iter()
            .filter_map(|t| {
                let name = t.name.as_deref()?.trim();
                if name.is_empty() {
                    return None;
                }
                let mut s = String::new();
                if let Some(v) = t.vendor.as_deref().or(t.group.as_deref())
                    && !v.is_empty()
                {
                    s.push_str(v);
                    s.push('/');
                }
                s.push_str(name);
                if let Some(v) = t.version.as_deref() {
                    s.push(' ');
                    s.push_str(v);
                }
                Some(s)
            })
            .collect()
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct Tool {
    #[serde(default, deserialize_with = "opt_string")]
    pub vendor: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub group: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub version: Option<String>,
}

/// An organisation or person (`supplier`, `manufacturer`, `authors[]`).
#[derive(Debug, Default, Deserialize)]
pub struct Party {
    #[serde(default, deserialize_with = "opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub email: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Component {
    #[serde(rename = "type", default, deserialize_with = "opt_string")]
    pub kind: Option<String>,
    #[serde(rename = "bom-ref", default, deserialize_with = "opt_string")]
    pub bom_ref: Option<String>,
    #[serde(default)]
    pub supplier: Option<Party>,
    #[serde(default)]
    pub manufacturer: Option<Party>,
    #[serde(default, deserialize_with = "opt_string")]
    pub author: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub authors: Vec<Party>,
    #[serde(default, deserialize_with = "opt_string")]
    pub publisher: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub group: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub version: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub scope: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub hashes: Vec<HashEntry>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub licenses: Vec<LicenseChoice>,
    #[serde(default, deserialize_with = "opt_string")]
    pub cpe: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub purl: Option<String>,
    #[serde(default)]
    pub swid: Option<Swid>,
    #[serde(
        default,
        rename = "externalReferences",
        deserialize_with = "one_or_many"
    )]
    pub external_references: Vec<ExternalReference>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub properties: Vec<Property>,
    #[serde(default)]
    pub components: Vec<Component>,
    #[serde(default)]
    pub evidence: Option<ComponentEvidence>,
    /// Position in the input's list when the tolerant reader skipped entries before it.
    #[serde(skip)]
    pub index: Option<usize>,
}

/// `evidence`; only where the component was found (1.5+) is read.
#[derive(Debug, Default, Deserialize)]
pub struct ComponentEvidence {
    #[serde(default, deserialize_with = "one_or_many")]
    pub occurrences: Vec<Occurrence>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Occurrence {
    #[serde(default, deserialize_with = "opt_string")]
    pub location: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct HashEntry {
    #[serde(default, deserialize_with = "opt_string")]
    pub alg: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub content: Option<String>,
}

/// One entry of `licenses`: `{license: {id|name}}` or `{expression}`.
#[derive(Debug, Default, Deserialize)]
pub struct LicenseChoice {
    #[serde(default)]
    pub license: Option<LicenseBody>,
    #[serde(default, deserialize_with = "opt_string")]
    pub expression: Option<String>,
    /// 1.6: `declared` or `concluded`.
    #[serde(default, deserialize_with = "opt_string")]
    pub acknowledgement: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct LicenseBody {
    #[serde(default, deserialize_with = "opt_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub acknowledgement: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Swid {
    #[serde(rename = "tagId", default, deserialize_with = "opt_string")]
    pub tag_id: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct ExternalReference {
    #[serde(rename = "type", default, deserialize_with = "opt_string")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub url: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    pub hashes: Vec<HashEntry>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Property {
    #[serde(default, deserialize_with = "opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub value: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Dependency {
    #[serde(rename = "ref", default, deserialize_with = "opt_string")]
    pub reference: Option<String>,
    /// Plain strings in JSON; XML nests `<dependency ref=…/>`, read into the same list.
    #[serde(default, deserialize_with = "one_or_many")]
    pub depends_on: Vec<String>,
}
