//! SPDX 3.0 JSON-LD: the elements of `@graph`. Packages become components;
//! relationships become edges, roots, scopes and licences; agents and the
//! document's creation info become document metadata.

use std::collections::HashMap;

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::Value;

use super::json::{Typed, entry, parse_typed, parse_value, root_object, take_list};
use super::lenient::{non_empty, one_or_many, opt_string};
use super::spdx::convert::{is_none_or_noassertion, package_component};
use super::spdx::graph::{Graph, Node, PackageIds};
use super::spdx::model::{Checksum, ExternalRef as Ref2, Package, Text};
use super::{ParsedDoc, source};
use crate::model::{Component, Format, License, LicenseKind, RefKind, Scope};
use crate::model::{InputError, Position};

/// Spec versions this reader is written against.
const SUPPORTED: &str = "3.0";

#[derive(Debug, Deserialize)]
struct Root {
    #[serde(rename = "@context", default)]
    context: Option<Value>,
    #[serde(rename = "@graph")]
    graph: Vec<Element>,
}

/// Every field of every element type that chainrisk reads; an element uses a few.
#[derive(Debug, Default, Deserialize)]
struct Element {
    #[serde(rename = "type", default, deserialize_with = "opt_string")]
    ty: Option<String>,
    #[serde(rename = "@type", default, deserialize_with = "opt_string")]
    at_type: Option<String>,
    #[serde(rename = "spdxId", default, deserialize_with = "opt_string")]
    spdx_id: Option<String>,
    #[serde(rename = "@id", default, deserialize_with = "opt_string")]
    at_id: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    name: Option<String>,
    #[serde(default, rename = "creationInfo")]
    creation_info: Option<CreationRef>,

    // software_Package
    #[serde(
        default,
        rename = "software_packageVersion",
        deserialize_with = "opt_string"
    )]
    version: Option<String>,
    #[serde(
        default,
        rename = "software_packageUrl",
        deserialize_with = "opt_string"
    )]
    purl: Option<String>,
    #[serde(
        default,
        rename = "software_downloadLocation",
        deserialize_with = "opt_string"
    )]
    download_location: Option<String>,
    #[serde(default, rename = "software_homePage", deserialize_with = "opt_string")]
    home_page: Option<String>,
    #[serde(
        default,
        rename = "software_primaryPurpose",
        deserialize_with = "opt_string"
    )]
    primary_purpose: Option<String>,
    #[serde(
        default,
        rename = "externalIdentifier",
        deserialize_with = "one_or_many"
    )]
    external_identifier: Vec<ExternalIdentifier>,
    #[serde(default, rename = "externalRef", deserialize_with = "one_or_many")]
    external_ref: Vec<ExternalRef>,
    #[serde(default, rename = "verifiedUsing", deserialize_with = "one_or_many")]
    verified_using: Vec<IntegrityMethod>,
    #[serde(default, rename = "suppliedBy", deserialize_with = "one_or_many")]
    supplied_by: Vec<Text>,
    #[serde(default, rename = "originatedBy", deserialize_with = "one_or_many")]
    originated_by: Vec<Text>,

    // Relationship, LifecycleScopedRelationship
    #[serde(default, deserialize_with = "opt_string")]
    from: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    to: Vec<Text>,
    #[serde(default, rename = "relationshipType", deserialize_with = "opt_string")]
    relationship_type: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    scope: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    completeness: Option<String>,

    // SpdxDocument, software_Sbom, Bom
    #[serde(default, rename = "rootElement", deserialize_with = "one_or_many")]
    root_element: Vec<Text>,
    #[serde(default, deserialize_with = "one_or_many")]
    import: Vec<ExternalMap>,

    // CreationInfo
    #[serde(default, deserialize_with = "opt_string")]
    created: Option<String>,
    #[serde(default, rename = "createdBy", deserialize_with = "one_or_many")]
    created_by: Vec<Text>,
    #[serde(default, rename = "createdUsing", deserialize_with = "one_or_many")]
    created_using: Vec<Text>,
    #[serde(default, rename = "specVersion", deserialize_with = "opt_string")]
    spec_version: Option<String>,

    // simplelicensing_LicenseExpression, expandedlicensing_ListedLicense…
    #[serde(
        default,
        rename = "simplelicensing_licenseExpression",
        deserialize_with = "opt_string"
    )]
    license_expression: Option<String>,
    /// Position in `@graph`, set by the reader.
    #[serde(skip)]
    index: usize,
}

impl Element {
    fn id(&self) -> Option<&str> {
        self.spdx_id
            .as_deref()
            .or(self.at_id.as_deref())
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    /// The type without a namespace prefix: `software_Package`, `Relationship`.
    fn kind(&self) -> &str {
        let t = self.ty.as_deref().or(self.at_type.as_deref()).unwrap_or("");
        let t = t.rsplit(['/', '#']).next().unwrap_or(t);
        t.strip_prefix("spdx:").unwrap_or(t)
    }

    fn is(&self, names: &[&str]) -> bool {
        let k = self.kind();
        names.contains(&k)
    }
}

/// `creationInfo`: a blank-node id of a `CreationInfo` element, or the element inline.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum CreationRef {
    Id(String),
    Inline(Box<Element>),
    Other(IgnoredAny),
}

#[derive(Debug, Default, Deserialize)]
struct ExternalIdentifier {
    #[serde(
        default,
        rename = "externalIdentifierType",
        deserialize_with = "opt_string"
    )]
    ty: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    identifier: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct ExternalRef {
    #[serde(default, rename = "externalRefType", deserialize_with = "opt_string")]
    ty: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    locator: Vec<Text>,
}

#[derive(Debug, Default, Deserialize)]
struct IntegrityMethod {
    #[serde(default, deserialize_with = "opt_string")]
    algorithm: Option<String>,
    #[serde(default, rename = "hashValue", deserialize_with = "opt_string")]
    hash_value: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
struct ExternalMap {
    #[serde(default, rename = "externalSpdxId", deserialize_with = "opt_string")]
    external_spdx_id: Option<String>,
}

const AGENTS: [&str; 5] = ["Agent", "Person", "Organization", "SoftwareAgent", "Tool"];
const RELATIONSHIPS: [&str; 2] = ["Relationship", "LifecycleScopedRelationship"];
const BOMS: [&str; 3] = ["software_Sbom", "Bom", "Bundle"];

pub fn parse(bytes: &[u8]) -> Result<ParsedDoc, InputError> {
    let mut doc = ParsedDoc::new(Format::Spdx3JsonLd);
    let (context, elements) = match parse_typed::<Root>(bytes)? {
        Typed::Ok { value, trailing } => {
            doc.warnings.extend(trailing);
            let mut graph = value.graph;
            for (i, e) in graph.iter_mut().enumerate() {
                e.index = i;
            }
            (value.context, graph)
        }
        Typed::Mismatch(first) => {
            doc.warnings
                .push(format!("{first}; reading the document element by element"));
            tolerant(bytes, &mut doc)?
        }
    };
    convert(context, elements, &mut doc);
    Ok(doc)
}

/// The slow path: each `@graph` element on its own; a malformed one is skipped.
fn tolerant(
    bytes: &[u8],
    doc: &mut ParsedDoc,
) -> Result<(Option<Value>, Vec<Element>), InputError> {
    let (value, warnings) = parse_value(bytes)?;
    doc.warnings.extend(warnings);
    let mut obj = root_object(value, "an SPDX 3 JSON-LD document")?;
    if !obj.contains_key("@graph") {
        return Err(InputError::at(
            "expected `@graph`, the list of SPDX 3 elements",
            Position::pointer("/@graph"),
        ));
    }
    let list = take_list(&mut obj, "@graph", "SPDX elements")?;
    let mut elements = Vec::with_capacity(list.len());
    for (i, v) in list.into_iter().enumerate() {
        let id = ["spdxId", "@id"]
            .iter()
            .find_map(|k| v.get(k).and_then(Value::as_str))
            .map(str::to_string);
        match entry::<Element>(v, &format!("/@graph/{i}")) {
            Ok(mut e) => {
                e.index = i;
                elements.push(e);
            }
            Err(w) => {
                doc.warnings.push(w.to_string());
                // Keep its id, so that relationships to it are not reported as dangling.
                if let Some(id) = id {
                    elements.push(Element {
                        spdx_id: Some(id),
                        ty: Some("(skipped)".to_string()),
                        index: i,
                        ..Element::default()
                    });
                }
            }
        }
    }
    Ok((obj.remove("@context"), elements))
}

/// `https://spdx.org/rdf/3.0.1/spdx-context.jsonld` -> `3.0.1`.
fn version_from_context(context: &Value) -> Option<String> {
    let text = context.to_string();
    let at = text.find("spdx.org/rdf/3")? + "spdx.org/rdf/".len();
    let v: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.')
        .collect();
    Some(v.trim_end_matches('.').to_string()).filter(|v| !v.is_empty())
}

/// The last segment of a licence IRI (`https://spdx.org/licenses/MIT` -> `MIT`).
fn licence_from_iri(iri: &str) -> Option<String> {
    if iri.ends_with("NoAssertionLicense") {
        return Some("NOASSERTION".to_string());
    }
    if iri.ends_with("NoneLicense") {
        return Some("NONE".to_string());
    }
    if iri.contains("spdx.org/licenses/") || iri.contains("/licenses/") {
        return iri
            .rsplit('/')
            .next()
            .filter(|s| !s.is_empty())
            .map(str::to_string);
    }
    None
}

fn lifecycle_scope(scope: Option<&str>, default: Scope) -> Scope {
    match scope.map(str::trim) {
        Some(s) if s.eq_ignore_ascii_case("build") => Scope::Build,
        Some(s)
            if s.eq_ignore_ascii_case("development")
                || s.eq_ignore_ascii_case("test")
                || s.eq_ignore_ascii_case("design") =>
        {
            Scope::Dev
        }
        Some(s) if s.eq_ignore_ascii_case("runtime") => Scope::Required,
        _ => default,
    }
}

fn convert(context: Option<Value>, elements: Vec<Element>, doc: &mut ParsedDoc) {
    let lookup = Lookup::new(&elements);
    let spdx_doc = elements.iter().find(|e| e.is(&["SpdxDocument"]));
    read_metadata(&lookup, context.as_ref(), spdx_doc, doc);

    // Packages, in graph order; every other id is a known non-component.
    let mut ids = known_ids(&elements);
    let mut dups = PackageIds::default();
    for e in elements.iter().filter(|e| e.is(&["software_Package"])) {
        let pointer = format!("/@graph/{}", e.index);
        let mut comp = package_component(&lookup.package(e, &pointer), &mut doc.warnings);
        let authors: Vec<String> = e
            .originated_by
            .iter()
            .filter_map(Text::get)
            .filter_map(|id| lookup.agent_name(id))
            .collect();
        if !authors.is_empty() {
            comp.rare.authors = authors;
        }
        add_external_refs(&mut comp, e);
        let id = comp.bom_ref.clone();
        let idx = doc.push(comp, pointer.clone(), None);
        if let Some(id) = id {
            dups.register(&mut ids, id, idx, &pointer);
        }
    }
    dups.warn(doc);

    // Roots: the document's root elements, then each SBOM's, then `describes` targets.
    let mut graph = Graph::new(&ids, doc.components.len());
    for e in spdx_doc
        .into_iter()
        .chain(elements.iter().filter(|e| e.is(&BOMS)))
    {
        for r in e.root_element.iter().filter_map(Text::get) {
            graph.root(r);
        }
    }
    for r in elements.iter().filter(|e| e.is(&RELATIONSHIPS)) {
        lookup.relationship(r, &ids, &mut graph, doc);
    }
    graph.finish(doc);
}

/// The elements by id, built once, for the lookups of agents, creation
/// infos and licences.
struct Lookup<'a> {
    elements: &'a [Element],
    by_id: HashMap<&'a str, &'a Element>,
}

impl<'a> Lookup<'a> {
    /// Indexes the elements, the first of equal ids winning.
    fn new(elements: &'a [Element]) -> Self {
        let mut by_id: HashMap<&str, &Element> = HashMap::with_capacity(elements.len());
        for e in elements {
            if let Some(id) = e.id() {
                by_id.entry(id).or_insert(e);
            }
        }
        Lookup { elements, by_id }
    }

    /// The name of the agent `id` names, when it names one with a name.
    fn agent_name(&self, id: &str) -> Option<String> {
        let e = self.by_id.get(id.trim())?;
        if !e.is(&AGENTS) {
            return None;
        }
        non_empty(e.name.as_deref()).filter(|n| !is_none_or_noassertion(n))
    }

    /// Whether `id` is the document or an SBOM, whose `describes` name roots.
    fn is_container(&self, id: &str) -> bool {
        self.by_id
            .get(id)
            .is_some_and(|e| e.is(&["SpdxDocument"]) || e.is(&BOMS))
    }

    /// A `software_Package` as an SPDX 2 package, so the SPDX 2 conversion
    /// makes its component.
    fn package(&self, e: &Element, pointer: &str) -> Package {
        Package {
            spdx_id: e.id().map(str::to_string),
            name: e.name.clone(),
            version_info: e.version.clone(),
            supplier: e
                .supplied_by
                .iter()
                .filter_map(Text::get)
                .find_map(|id| self.agent_name(id)),
            download_location: e.download_location.clone(),
            homepage: e.home_page.clone(),
            primary_package_purpose: e.primary_purpose.clone(),
            checksums: e
                .verified_using
                .iter()
                .map(|h| Checksum {
                    algorithm: h.algorithm.clone(),
                    checksum_value: h.hash_value.clone(),
                })
                .collect(),
            external_refs: identifiers(e),
            pointer: pointer.to_string(),
            ..Package::default()
        }
    }

    /// One relationship: an edge, a root, or a licence of a package.
    fn relationship(
        &self,
        r: &Element,
        ids: &HashMap<String, Node>,
        graph: &mut Graph,
        doc: &mut ParsedDoc,
    ) {
        // `complete` and `incomplete` state completeness; `noAssertion`, which
        // generators write by default, states nothing.
        if r.completeness
            .as_deref()
            .is_some_and(|c| matches!(c.trim(), "complete" | "incomplete"))
        {
            doc.meta.completeness_declared = true;
        }
        let (Some(from), Some(ty)) = (
            r.from.as_deref().map(str::trim),
            r.relationship_type.as_deref(),
        ) else {
            return;
        };
        let targets = r.to.iter().filter_map(Text::get);
        let default_scope = match ty.trim() {
            "dependsOn"
            | "contains"
            | "hasStaticLink"
            | "hasDynamicLink"
            | "hasPrerequisite"
            | "hasProvidedDependency" => Some(Scope::Required),
            "hasOptionalDependency" | "hasOptionalComponent" => Some(Scope::Optional),
            "usesTool" => Some(Scope::Build),
            _ => None,
        };
        if let Some(default) = default_scope {
            let scope = lifecycle_scope(r.scope.as_deref(), default);
            for to in targets {
                graph.edge(doc, from, to, scope);
            }
            return;
        }
        match ty.trim() {
            "describes" if self.is_container(from) => targets.for_each(|t| graph.root(t)),
            t @ ("hasDeclaredLicense" | "hasConcludedLicense") => {
                let Some(&Node::Package(idx)) = ids.get(from) else {
                    return;
                };
                let kind = if t == "hasDeclaredLicense" {
                    LicenseKind::Declared
                } else {
                    LicenseKind::Concluded
                };
                for to in targets {
                    self.add_licence(doc, idx, kind, to, r.index);
                }
            }
            _ => {}
        }
    }

    /// Adds the licence `to` names to component `idx`: a licence element's
    /// expression, a licence IRI, or the element's name; warns when none.
    fn add_licence(
        &self,
        doc: &mut ParsedDoc,
        idx: usize,
        kind: LicenseKind,
        to: &str,
        relationship: usize,
    ) {
        let text = match self.by_id.get(to) {
            Some(l) => non_empty(l.license_expression.as_deref())
                .or_else(|| licence_from_iri(to))
                .or_else(|| non_empty(l.name.as_deref())),
            None => licence_from_iri(to),
        };
        match text {
            Some(text) => {
                let l = License::new(kind, &text);
                if !doc.components[idx].licenses.contains(&l) {
                    doc.components[idx].licenses.push(l);
                }
            }
            None => doc.warnings.push(format!(
                "/@graph/{relationship}: licence {to:?} names no licence element; ignored"
            )),
        }
    }
}

/// Spec version, timestamp, authors, tools and serial from the document
/// and its creation info.
fn read_metadata(
    lookup: &Lookup,
    context: Option<&Value>,
    spdx_doc: Option<&Element>,
    doc: &mut ParsedDoc,
) {
    let creation: Option<&Element> = match spdx_doc.and_then(|d| d.creation_info.as_ref()) {
        Some(CreationRef::Id(id)) => lookup.by_id.get(id.as_str()).copied(),
        Some(CreationRef::Inline(e)) => Some(&**e),
        _ => None,
    }
    .or_else(|| lookup.elements.iter().find(|e| e.is(&["CreationInfo"])));
    let version = creation
        .and_then(|c| non_empty(c.spec_version.as_deref()))
        .or_else(|| context.and_then(version_from_context));
    doc.spec_version = version.as_ref().map(|v| format!("SPDX-{v}"));
    match version.as_deref() {
        Some(v) if v == SUPPORTED || v.starts_with("3.0.") => {}
        Some(v) => doc.warnings.push(format!(
            "SPDX-{v} is outside the supported SPDX-3.0 range; read tolerantly"
        )),
        None => doc
            .warnings
            .push("no SPDX 3 spec version given; read as SPDX-3.0.1".to_string()),
    }
    if let Some(c) = creation {
        doc.meta.timestamp = non_empty(c.created.as_deref());
        for (list, out) in [
            (&c.created_by, &mut doc.meta.authors),
            (&c.created_using, &mut doc.meta.tools),
        ] {
            for name in list
                .iter()
                .filter_map(Text::get)
                .filter_map(|id| lookup.agent_name(id))
            {
                if !out.contains(&name) {
                    out.push(name);
                }
            }
        }
    }
    doc.meta.serial = spdx_doc.and_then(|d| d.id().map(str::to_string));
}

/// Every id the document names, its own elements' and imported ones, as a
/// non-component until a package claims it.
fn known_ids(elements: &[Element]) -> HashMap<String, Node> {
    let mut ids: HashMap<String, Node> = HashMap::with_capacity(elements.len());
    for e in elements {
        if let Some(id) = e.id() {
            ids.entry(id.to_string()).or_insert(Node::Other);
        }
        for m in &e.import {
            if let Some(id) = non_empty(m.external_spdx_id.as_deref()) {
                ids.entry(id).or_insert(Node::Other);
            }
        }
    }
    ids
}

/// A package's identifiers read like SPDX 2 external references; the purl
/// property comes first.
fn identifiers(e: &Element) -> Vec<Ref2> {
    let mut external_refs: Vec<Ref2> = Vec::new();
    let mut identifier = |ty: &str, v: Option<&str>| {
        if let Some(v) = non_empty(v) {
            external_refs.push(Ref2 {
                reference_category: None,
                reference_type: Some(ty.to_string()),
                reference_locator: Some(v),
            });
        }
    };
    identifier("purl", e.purl.as_deref());
    for x in &e.external_identifier {
        let ty = match x.ty.as_deref().map(str::trim) {
            Some("packageUrl") => "purl",
            Some("cpe23") => "cpe23Type",
            Some("cpe22") => "cpe22Type",
            Some("swid") => "swid",
            _ => continue,
        };
        identifier(ty, x.identifier.as_deref());
    }
    external_refs
}

/// A package's external references as component references: repositories,
/// issue trackers, web pages and downloads.
fn add_external_refs(comp: &mut Component, e: &Element) {
    for r in &e.external_ref {
        let ty = r.ty.as_deref().unwrap_or("").trim();
        for loc in r.locator.iter().filter_map(Text::get) {
            let kind = match ty {
                "vcs" => RefKind::Vcs,
                "issueTracker" => RefKind::IssueTracker,
                "altWebPage" | "documentation" => RefKind::Website,
                "altDownloadLocation" | "binaryArtifact" | "sourceArtifact" => {
                    if source::is_vcs_url(loc) {
                        RefKind::Vcs
                    } else {
                        RefKind::Distribution
                    }
                }
                _ if source::is_vcs_url(loc) => RefKind::Vcs,
                _ => continue,
            };
            comp.add_reference(kind, loc);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Ecosystem, HashAlg, SourceKind};

    /// A file of the corpus subset in fixtures/corpus.
    fn corpus(name: &str) -> Vec<u8> {
        crate::ingest::test_corpus::file(&format!("spdx3/{name}")).1
    }

    #[test]
    fn corpus_package_counts() {
        for (name, count) in [
            ("example11-rust-hello-server.spdx3.json", 4),
            ("spec-package-sbom.spdx3.json", 1),
        ] {
            let bytes = corpus(name);
            let doc = parse(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(doc.components.len(), count, "{name}");
            assert_eq!(doc.spec_version.as_deref(), Some("SPDX-3.0.1"), "{name}");
            assert!(doc.warnings.is_empty(), "{name}: {:?}", doc.warnings);
        }
    }

    #[test]
    fn corpus_example11_graph_and_licences() {
        let bytes = corpus("example11-rust-hello-server.spdx3.json");
        let doc = parse(&bytes).unwrap();
        let base =
            "https://spdx.org/spdxdocs/k8s-releng-bom-7c6a33ab-bd76-4b06-b291-a850e0815b07-specv3/";
        assert_eq!(
            doc.meta.serial.as_deref(),
            Some(&*format!("{base}document0"))
        );
        assert_eq!(doc.meta.timestamp.as_deref(), Some("2022-11-03T07:10:10Z"));
        assert_eq!(doc.meta.authors, vec!["Unknown".to_string()]);
        assert_eq!(doc.meta.tools, vec!["sigs.k8s.io/bom/pkg/spdx".to_string()]);
        // Every relationship says `noAssertion`: nothing is stated about completeness.
        assert!(!doc.meta.completeness_declared);
        assert!(doc.meta.has_dependency_graph);
        // The file root (gnrtd3) is not a component.
        assert_eq!(doc.roots, vec![format!("{base}SPDXRef-gnrtd5")]);
        assert_eq!(doc.meta.subject_name.as_deref(), Some("hello-server-src"));
        assert_eq!(doc.meta.subject_version.as_deref(), Some("0.1.0"));
        assert_eq!(doc.edges.len(), 3);
        let names: Vec<&str> = doc.components.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            ["hello-server-src", "hyper", "tokio", "pretty_env_logger"]
        );
        let src = &doc.components[0];
        assert_eq!(src.ecosystem, Ecosystem::Deb);
        assert_eq!(src.scope, Scope::Required);
        assert_eq!(src.locations[0].pointer, "/@graph/30");
        let hyper = &doc.components[1];
        assert_eq!(
            hyper.scope,
            Scope::Build,
            "dependsOn in the build lifecycle"
        );
        assert_eq!(hyper.purl.as_deref(), Some("pkg:cargo/hyper@0.14"));
        assert!(matches!(hyper.source, SourceKind::Registry { .. }));
        let lic = hyper.licence_pairs();
        assert_eq!(
            lic,
            [
                (LicenseKind::Concluded, "MIT"),
                (LicenseKind::Declared, "NOASSERTION")
            ]
        );
        assert_eq!(doc.components[3].licenses[0].raw, "(MIT OR Apache-2.0)");
    }

    #[test]
    fn corpus_spec_package_sbom() {
        let bytes = corpus("spec-package-sbom.spdx3.json");
        let doc = parse(&bytes).unwrap();
        assert_eq!(
            doc.meta.serial.as_deref(),
            Some("http://spdx.example.com/Document1")
        );
        assert_eq!(doc.meta.authors, vec!["Joshua Watt".to_string()]);
        assert_eq!(doc.meta.timestamp.as_deref(), Some("2024-03-06T00:00:00Z"));
        // The document's root is the SBOM, whose root is the package.
        assert_eq!(
            doc.roots,
            vec!["http://spdx.example.com/Package1".to_string()]
        );
        assert_eq!(doc.meta.subject_name.as_deref(), Some("my-package"));
        assert!(doc.meta.completeness_declared);
        // The package contains only a file: no package edge.
        assert!(doc.edges.is_empty());
        assert!(!doc.meta.has_dependency_graph);
        let c = &doc.components[0];
        assert_eq!(c.rare.authors, vec!["Joshua Watt".to_string()]);
        assert_eq!(c.version.as_deref(), Some("1.0.0"));
        assert!(matches!(c.source, SourceKind::Url { .. }));
        assert_eq!(c.references[0].kind, RefKind::Distribution);
    }

    const FULL: &str = r#"{
  "@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld",
  "@graph": [
    {"type": "SpdxDocument", "spdxId": "urn:doc", "rootElement": ["urn:app"],
     "creationInfo": {"type": "CreationInfo", "specVersion": "3.0.1", "created": "2024-05-01",
                      "createdBy": ["urn:acme", "urn:nobody"], "createdUsing": ["urn:tool"]},
     "import": [{"type": "ExternalMap", "externalSpdxId": "urn:elsewhere"}]},
    {"type": "Organization", "spdxId": "urn:acme", "name": "Acme Corp"},
    {"type": "Person", "spdxId": "urn:jane", "name": "Jane Doe"},
    {"type": "Tool", "spdxId": "urn:tool", "name": "gen 1.2"},
    {"type": "software_Package", "spdxId": "urn:app", "name": "app",
     "software_packageVersion": "2.0", "suppliedBy": "urn:acme", "originatedBy": ["urn:jane"],
     "software_primaryPurpose": "operatingSystem",
     "software_downloadLocation": "git+https://git.example/app.git@c887c803ac56deb5f91b617ef0486ca3fb98473b",
     "software_homePage": "https://app.example",
     "verifiedUsing": [{"type": "Hash", "algorithm": "sha256", "hashValue": "ABCD"},
                       {"type": "PackageVerificationCode", "algorithm": "sha1"}],
     "externalRef": [{"type": "ExternalRef", "externalRefType": "issueTracker", "locator": ["https://bugs.app.example"]},
                     {"type": "ExternalRef", "externalRefType": "vcs", "locator": "https://git.example/app"}],
     "unknownProperty": {"nested": [1, 2, 3]}},
    {"type": "software_Package", "spdxId": "urn:lib", "name": "lib",
     "externalIdentifier": [{"type": "ExternalIdentifier", "externalIdentifierType": "packageUrl", "identifier": "pkg:cargo/lib@1.0.0"},
                            {"type": "ExternalIdentifier", "externalIdentifierType": "cpe23", "identifier": "cpe:2.3:a:x:lib:1.0.0:*:*:*:*:*:*:*"}]},
    {"type": "software_Package", "spdxId": "urn:devtool", "name": "devtool", "software_packageVersion": "",
     "software_packageUrl": "pkg:npm/devtool@3.0.0"},
    {"type": "software_Package", "spdxId": "urn:opt", "name": "opt", "software_packageVersion": "0.1"},
    {"type": "software_File", "spdxId": "urn:file", "name": "main.c"},
    {"type": "simplelicensing_LicenseExpression", "spdxId": "urn:lic1", "simplelicensing_licenseExpression": "MIT OR Apache-2.0"},
    {"type": "expandedlicensing_ListedLicense", "spdxId": "https://spdx.org/licenses/BSD-3-Clause"},
    {"type": "Relationship", "spdxId": "urn:r1", "from": "urn:app", "relationshipType": "dependsOn", "to": ["urn:lib", "urn:ghost", "urn:elsewhere"]},
    {"type": "LifecycleScopedRelationship", "spdxId": "urn:r2", "from": "urn:app", "relationshipType": "dependsOn", "scope": "development", "to": ["urn:devtool"]},
    {"type": "Relationship", "spdxId": "urn:r3", "from": "urn:app", "relationshipType": "hasOptionalDependency", "to": ["urn:opt"]},
    {"type": "Relationship", "spdxId": "urn:r4", "from": "urn:app", "relationshipType": "contains", "to": ["urn:file"]},
    {"type": "Relationship", "spdxId": "urn:r5", "from": "urn:lib", "relationshipType": "hasDeclaredLicense", "to": ["urn:lic1"]},
    {"type": "Relationship", "spdxId": "urn:r6", "from": "urn:lib", "relationshipType": "hasConcludedLicense", "to": ["https://spdx.org/licenses/BSD-3-Clause"]},
    {"type": "Relationship", "spdxId": "urn:r7", "from": "urn:lib", "relationshipType": "dependsOn", "to": ["NoAssertionElement"]},
    {"type": "Relationship", "spdxId": "urn:r8", "from": "urn:lib", "relationshipType": "someFutureType", "to": ["urn:opt"]},
    {"type": "Relationship", "spdxId": "urn:r9", "from": "urn:doc", "relationshipType": "describes", "to": ["urn:lib"]}
  ]
}"#;

    #[test]
    fn reads_every_mapped_field() {
        let doc = parse(FULL.as_bytes()).unwrap();
        assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
        assert_eq!(doc.spec_version.as_deref(), Some("SPDX-3.0.1"));
        let m = &doc.meta;
        assert_eq!(m.serial.as_deref(), Some("urn:doc"));
        assert_eq!(m.timestamp.as_deref(), Some("2024-05-01"));
        assert_eq!(m.authors, vec!["Acme Corp".to_string()]);
        assert_eq!(m.tools, vec!["gen 1.2".to_string()]);
        assert_eq!(m.primary.as_deref(), Some("urn:app"));
        assert_eq!(m.subject_name.as_deref(), Some("app"));
        assert_eq!(m.subject_version.as_deref(), Some("2.0"));
        assert_eq!(m.subject_supplier.as_deref(), Some("Acme Corp"));
        assert!(m.has_dependency_graph);
        assert!(m.completeness_declared, "NoAssertionElement");
        assert_eq!(
            doc.roots,
            vec!["urn:app".to_string(), "urn:lib".to_string()]
        );
        let e = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            doc.edges,
            vec![
                e("urn:app", "urn:lib"),
                e("urn:app", "urn:ghost"),
                e("urn:app", "urn:devtool"),
                e("urn:app", "urn:opt"),
            ]
        );

        let app = &doc.components[0];
        assert_eq!(app.bom_ref.as_deref(), Some("urn:app"));
        assert_eq!(app.kind.as_deref(), Some("operating-system"));
        assert_eq!(app.supplier.as_deref(), Some("Acme Corp"));
        assert_eq!(app.rare.authors, vec!["Jane Doe".to_string()]);
        assert_eq!(app.hashes.len(), 1);
        assert_eq!(app.hashes[0].alg, HashAlg::Sha256);
        assert_eq!(app.hashes[0].value, "abcd");
        assert!(matches!(app.source, SourceKind::Git { pinned: true, .. }));
        let refs = app.reference_pairs();
        assert_eq!(
            refs,
            [
                (
                    RefKind::Vcs,
                    "git+https://git.example/app.git@c887c803ac56deb5f91b617ef0486ca3fb98473b"
                ),
                (RefKind::Website, "https://app.example"),
                (RefKind::IssueTracker, "https://bugs.app.example"),
                (RefKind::Vcs, "https://git.example/app"),
            ]
        );
        assert_eq!(app.locations[0].pointer, "/@graph/4");

        let lib = &doc.components[1];
        assert_eq!(lib.purl.as_deref(), Some("pkg:cargo/lib@1.0.0"));
        assert_eq!(lib.version.as_deref(), Some("1.0.0"), "from the purl");
        assert_eq!(
            lib.cpe.as_deref(),
            Some("cpe:2.3:a:x:lib:1.0.0:*:*:*:*:*:*:*")
        );
        let lic = lib.licence_pairs();
        assert_eq!(
            lic,
            [
                (LicenseKind::Declared, "MIT OR Apache-2.0"),
                (LicenseKind::Concluded, "BSD-3-Clause")
            ]
        );
        assert!(lib.licenses.iter().all(|l| l.is_known()));
        assert_eq!(lib.scope, Scope::Required);

        let dev = &doc.components[2];
        assert_eq!(
            dev.version.as_deref(),
            Some("3.0.0"),
            "empty version -> the purl's"
        );
        assert_eq!(dev.scope, Scope::Dev);
        assert_eq!(doc.components[3].scope, Scope::Optional);
    }

    #[test]
    fn a_bad_element_is_skipped_and_pointers_stay_right() {
        let text = r#"{"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld", "@graph": [
            {"type": "CreationInfo", "@id": "_:ci", "specVersion": "3.0.1", "created": "2024-01-01T00:00:00Z"},
            {"type": "SpdxDocument", "spdxId": "urn:doc", "creationInfo": "_:ci"},
            {"type": "software_Package", "spdxId": "urn:a", "name": {"not": "a string"}},
            {"type": "software_Package", "spdxId": "urn:b", "name": "b", "software_packageVersion": 7},
            {"type": "software_Package", "spdxId": "urn:x", "name": "x", "verifiedUsing": 7},
            {"type": "software_Package", "spdxId": "urn:c", "name": "c", "filesAnalyzed": "false"}
        ]}"#;
        let doc = parse(text.as_bytes()).unwrap();
        assert_eq!(doc.components.len(), 2, "{:?}", doc.warnings);
        assert_eq!(doc.components[0].name, "b");
        assert_eq!(
            doc.components[0].version.as_deref(),
            Some("7"),
            "a number read as text"
        );
        assert_eq!(doc.components[1].locations[0].pointer, "/@graph/5");
        let skipped: Vec<&String> = doc
            .warnings
            .iter()
            .filter(|w| w.contains("skipped"))
            .collect();
        assert_eq!(skipped.len(), 2, "{:?}", doc.warnings);
        assert!(skipped[0].contains("/@graph/2/name"), "{skipped:?}");
        assert!(
            skipped[1].contains("/@graph/4/verifiedUsing"),
            "{skipped:?}"
        );
        assert_eq!(doc.meta.timestamp.as_deref(), Some("2024-01-01T00:00:00Z"));
    }

    #[test]
    fn structural_errors() {
        let e =
            parse(b"{\"@context\": \"https://spdx.org/rdf/3.0.1/x\", \"@graph\": {}}").unwrap_err();
        assert_eq!(e.position.unwrap().pointer.as_deref(), Some("/@graph"));
        let e = parse(b"{\"@context\": \"https://spdx.org/rdf/3.0.1/x\"}").unwrap_err();
        assert!(e.message.contains("@graph"), "{e}");
        let e =
            parse(b"{\"@context\": \"https://spdx.org/rdf/3.0.1/x\",\n \"@graph\": [").unwrap_err();
        assert_eq!(e.position.as_ref().and_then(|p| p.line), Some(2), "{e}");
    }

    proptest::proptest! {
        #[test]
        fn truncating_a_valid_document_never_panics(cut in 0usize..FULL.len()) {
            let _ = parse(&FULL.as_bytes()[..cut]);
        }
    }

    #[test]
    fn version_outside_range_warns() {
        let text = r#"{"@context": "https://spdx.org/rdf/3.1/spdx-context.jsonld", "@graph": [
            {"type": "software_Package", "spdxId": "urn:a", "name": "a"}]}"#;
        let doc = parse(text.as_bytes()).unwrap();
        assert_eq!(doc.spec_version.as_deref(), Some("SPDX-3.1"));
        assert!(
            doc.warnings
                .iter()
                .any(|w| w.contains("outside the supported"))
        );
    }
}
