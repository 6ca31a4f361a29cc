//! Maps the lenient SPDX 2 model onto chainrisk's components and graph. The
//! package mapping is shared with the SPDX 3 reader.

use std::collections::HashMap;

use super::graph::{Graph, Node, PackageIds, Rel, classify_v2};
use super::model::{Document, Package, Text};
use crate::ingest::lenient::non_empty;
use crate::ingest::{ParsedDoc, source};
use crate::model::{
    Component, DeclaredFile, Format, HashAlg, License, LicenseKind, RefKind, SourceKind,
};

/// `NONE` and `NOASSERTION`: the field says nothing.
pub fn is_none_or_noassertion(s: &str) -> bool {
    let s = s.trim();
    s.eq_ignore_ascii_case("NONE") || s.eq_ignore_ascii_case("NOASSERTION")
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// `Organization: Acme (ops@acme.example)`, `Person: Jane Doe <jane@x>` or a
/// bare name -> the name; `NOASSERTION` -> `None`. An entry that is only an
/// e-mail address keeps the address.
pub fn party_name(raw: &str) -> Option<String> {
    let mut s = raw.trim();
    for prefix in ["Organization:", "Organisation:", "Person:", "Tool:"] {
        if let Some(rest) = strip_prefix_ignore_case(s, prefix) {
            s = rest.trim();
            break;
        }
    }
    if s.is_empty() || is_none_or_noassertion(s) {
        return None;
    }
    let mut name = s;
    let mut contact = None;
    // A trailing `(contact)` or `<contact>`.
    for (open, close) in [('(', ')'), ('<', '>')] {
        if name.ends_with(close)
            && let Some(i) = name.rfind(open)
        {
            contact = Some(name[i + 1..name.len() - 1].trim());
            name = name[..i].trim();
        }
    }
    if name.is_empty() || is_none_or_noassertion(name) {
        return contact.filter(|c| !c.is_empty()).map(str::to_string);
    }
    Some(name.to_string())
}

/// A creator line: `Tool: x` is a tool, `Person:` / `Organization:` an author.
pub enum Creator {
    Tool(String),
    Author(String),
}

pub fn creator(raw: &str) -> Option<Creator> {
    let s = raw.trim();
    if let Some(rest) = strip_prefix_ignore_case(s, "Tool:") {
        return non_empty(Some(rest)).map(Creator::Tool);
    }
    party_name(s).map(Creator::Author)
}

/// `OPERATING-SYSTEM`, `operatingSystem`, `Library` -> `operating-system`, `library`.
pub fn purpose_kind(raw: &str) -> Option<String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(raw.len() + 2);
    let mut prev_lower = false;
    for ch in raw.chars() {
        if ch == '_' || ch == '-' || ch == ' ' {
            out.push('-');
            prev_lower = false;
        } else if ch.is_uppercase() {
            if prev_lower {
                out.push('-');
            }
            out.extend(ch.to_lowercase());
            prev_lower = false;
        } else {
            out.push(ch);
            prev_lower = ch.is_lowercase() || ch.is_ascii_digit();
        }
    }
    Some(out)
}

fn is_url(loc: &str) -> bool {
    let lower = loc.trim().to_ascii_lowercase();
    lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("ftp://")
}

/// A package's download location: a VCS location is a `vcs` reference (and
/// the source when the purl gave none); a URL a distribution reference (and a
/// `url` source when there is no purl at all).
pub fn apply_download_location(c: &mut Component, loc: &str) {
    let loc = loc.trim();
    if loc.is_empty() || is_none_or_noassertion(loc) {
        return;
    }
    if source::is_vcs_url(loc) {
        c.add_reference(RefKind::Vcs, loc);
        if c.source == SourceKind::Unknown {
            c.source = source::classify_location(loc);
        }
    } else if is_url(loc) {
        c.add_reference(RefKind::Distribution, loc);
        if c.purl.is_none() && c.rare.invalid_purl.is_none() && c.source == SourceKind::Unknown {
            c.source = SourceKind::Url {
                url: loc.to_string(),
            };
        }
    }
}

/// Sets the purl (first valid one wins); an invalid one is kept aside with a warning.
pub fn apply_purl(c: &mut Component, raw: &str, pointer: &str, warnings: &mut Vec<String>) {
    if c.purl.is_none() {
        source::apply_purl(c, raw, pointer, warnings);
    }
}

/// One SPDX package as a component (not yet pushed).
pub fn package_component(p: &Package, warnings: &mut Vec<String>) -> Component {
    let pointer = p.pointer.as_str();
    let mut c = Component::named(non_empty(p.name.as_deref()).unwrap_or_default());
    c.bom_ref = non_empty(p.spdx_id.as_deref());
    c.version = non_empty(p.version_info.as_deref());
    c.kind = p.primary_package_purpose.as_deref().and_then(purpose_kind);
    c.supplier = p.supplier.as_deref().and_then(party_name);
    if let Some(originator) = p.originator.as_deref().and_then(party_name) {
        c.rare.authors = vec![originator];
    }
    if let Some(l) = non_empty(p.license_declared.as_deref()) {
        c.licenses.push(License::new(LicenseKind::Declared, &l));
    }
    if let Some(l) = non_empty(p.license_concluded.as_deref()) {
        c.licenses.push(License::new(LicenseKind::Concluded, &l));
    }
    for h in &p.checksums {
        if let (Some(alg), Some(v)) = (h.algorithm.as_deref(), h.checksum_value.as_deref()) {
            c.add_hash(alg.trim(), v);
        }
    }
    for r in &p.external_refs {
        let Some(loc) = non_empty(r.reference_locator.as_deref()) else {
            continue;
        };
        let ty = r.reference_type.as_deref().unwrap_or("").trim();
        let category = r
            .reference_category
            .as_deref()
            .unwrap_or("")
            .trim()
            .to_ascii_uppercase()
            .replace('_', "-");
        if ty.eq_ignore_ascii_case("purl") {
            apply_purl(&mut c, &loc, pointer, warnings);
        } else if ty.eq_ignore_ascii_case("cpe23Type") || ty.eq_ignore_ascii_case("cpe22Type") {
            if c.cpe.is_none() {
                c.cpe = Some(loc);
            }
        } else if ty.eq_ignore_ascii_case("swid") {
            if c.rare.swid.is_none() {
                c.rare.swid = Some(loc);
            }
        } else if (category == "PERSISTENT-ID" || category == "OTHER")
            && (source::is_vcs_url(&loc) || (ty.eq_ignore_ascii_case("vcs") && is_url(&loc)))
        {
            c.add_reference(RefKind::Vcs, &loc);
        }
    }
    if let Some(loc) = p.download_location.as_deref() {
        apply_download_location(&mut c, loc);
    }
    if let Some(home) = p.homepage.as_deref()
        && !is_none_or_noassertion(home)
    {
        c.add_reference(RefKind::Website, home);
    }
    if c.name.is_empty() {
        warnings.push(format!("{pointer}: package has no name"));
    }
    if c.bom_ref.is_none() {
        warnings.push(format!(
            "{pointer}: package has no SPDXID; relationships cannot refer to it"
        ));
    }
    c
}

/// Spec versions this reader is written against. Others are read tolerantly with a warning.
pub const SUPPORTED: [&str; 2] = ["SPDX-2.2", "SPDX-2.3"];

/// Builds the parsed document from a whole SPDX 2 document.
pub fn document_to_doc(d: Document, format: Format, mut doc: ParsedDoc) -> ParsedDoc {
    doc.format = Some(format);
    doc.spec_version = non_empty(d.spdx_version.as_deref());
    match doc.spec_version.as_deref() {
        Some(v) if SUPPORTED.contains(&v) => {}
        Some(v) => doc.warnings.push(format!(
            "{v} is outside the supported SPDX-2.2–SPDX-2.3 range; read tolerantly"
        )),
        None => doc
            .warnings
            .push("no SPDX version given; read as SPDX 2.3".to_string()),
    }
    doc.meta.serial = non_empty(d.document_namespace.as_deref());
    if let Some(ci) = &d.creation_info {
        doc.meta.timestamp = non_empty(ci.created.as_deref());
        for cr in ci.creators.iter().filter_map(Text::get).filter_map(creator) {
            let (list, name) = match cr {
                Creator::Tool(t) => (&mut doc.meta.tools, t),
                Creator::Author(a) => (&mut doc.meta.authors, a),
            };
            if !list.contains(&name) {
                list.push(name);
            }
        }
    }

    // Ids the document defines: the document, files and snippets (not
    // components), then packages.
    let doc_id = non_empty(d.spdx_id.as_deref()).unwrap_or_else(|| "SPDXRef-DOCUMENT".to_string());
    let mut ids: HashMap<String, Node> =
        HashMap::with_capacity(d.packages.len() + d.files.len() + d.snippets.len() + 1);
    ids.insert(doc_id.clone(), Node::Other);
    for e in d.files.iter().chain(&d.snippets) {
        if let Some(id) = non_empty(e.spdx_id.as_deref()) {
            ids.insert(id, Node::Other);
        }
    }
    for f in &d.files {
        let sha256 = f
            .checksums
            .iter()
            .find(|c| {
                c.algorithm
                    .as_deref()
                    .is_some_and(|a| HashAlg::parse(a) == HashAlg::Sha256)
            })
            .and_then(|c| c.checksum_value.as_deref());
        doc.meta
            .declared_files
            .extend(DeclaredFile::new(f.file_name.as_deref(), sha256));
    }
    // Tag-value and JSON list files in different orders; what they declare is a set.
    doc.meta.declared_files.sort();
    for id in &d.skipped_ids {
        ids.insert(id.trim().to_string(), Node::Other);
    }
    let mut dups = PackageIds::default();
    for p in &d.packages {
        let c = package_component(p, &mut doc.warnings);
        let id = c.bom_ref.clone();
        let idx = doc.push(c, p.pointer.clone(), None);
        if let Some(id) = id {
            dups.register(&mut ids, id, idx, &p.pointer);
        }
    }
    dups.warn(&mut doc);

    let mut graph = Graph::new(&ids, doc.components.len());
    for id in d.document_describes.iter().filter_map(Text::get) {
        graph.root(id);
    }
    let mut misspelt = false;
    // `source GENERATES binary`: how distribution SBOMs (debsbom) link a
    // binary package to its source package. Not a dependency edge.
    let mut generates: Vec<(&str, &str)> = Vec::new();
    for r in &d.relationships {
        let (Some(a), Some(ty), Some(b)) = (
            r.element.as_deref(),
            r.relationship_type.as_deref(),
            r.related.as_deref(),
        ) else {
            continue;
        };
        let (a, b) = (a.trim(), b.trim());
        if ty.trim().eq_ignore_ascii_case("GENERATES") {
            generates.push((a, b));
            continue;
        }
        let Some(rel) = classify_v2(ty) else { continue };
        match rel {
            Rel::Forward(scope) => graph.edge(&mut doc, a, b, scope),
            Rel::Reverse(scope) => graph.edge(&mut doc, b, a, scope),
            Rel::Describes if a == doc_id => {
                if ty.trim().eq_ignore_ascii_case("DESCRIBE") && !misspelt {
                    misspelt = true;
                    doc.warnings.push(
                        "relationship type \"DESCRIBE\" is not an SPDX type; read as DESCRIBES"
                            .to_string(),
                    );
                }
                graph.root(b);
            }
            Rel::DescribedBy if b == doc_id => graph.root(a),
            Rel::Describes | Rel::DescribedBy => {}
        }
    }
    graph.finish(&mut doc);
    link_source_packages(&mut doc, &ids, &generates);
    doc
}

/// Sets each binary's source package from `GENERATES` relationships between
/// two distribution packages (a binary with several is left alone).
fn link_source_packages(
    doc: &mut ParsedDoc,
    ids: &HashMap<String, Node>,
    generates: &[(&str, &str)],
) {
    let mut found: HashMap<usize, Option<usize>> = HashMap::new();
    for (src, bin) in generates {
        let (Some(Node::Package(s)), Some(Node::Package(b))) = (ids.get(*src), ids.get(*bin))
        else {
            continue;
        };
        found
            .entry(*b)
            .and_modify(|e| *e = None)
            .or_insert(Some(*s));
    }
    for (b, s) in found {
        let Some(s) = s else { continue };
        let (src, bin) = (&doc.components[s], &doc.components[b]);
        if !bin.ecosystem.is_distribution()
            || src.ecosystem != bin.ecosystem
            || bin.source_package.is_some()
        {
            continue;
        }
        let source = crate::model::SourcePackage {
            name: src.name.clone(),
            version: src.version.clone(),
        };
        doc.components[b].source_package = Some(Box::new(source));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn party_names() {
        assert_eq!(
            party_name("Organization: Acme (ops@acme.example)").as_deref(),
            Some("Acme")
        );
        assert_eq!(
            party_name("Person: Jane Doe ()").as_deref(),
            Some("Jane Doe")
        );
        assert_eq!(
            party_name("Person: Natanael Copa <ncopa@x.example>").as_deref(),
            Some("Natanael Copa")
        );
        assert_eq!(party_name("person:Jane").as_deref(), Some("Jane"));
        assert_eq!(
            party_name("Person: (jane@x.example)").as_deref(),
            Some("jane@x.example")
        );
        assert_eq!(party_name("Acme Corp").as_deref(), Some("Acme Corp"));
        assert_eq!(party_name("NOASSERTION"), None);
        assert_eq!(party_name("Organization: NOASSERTION"), None);
        assert_eq!(party_name("Person: ()"), None);
        assert_eq!(party_name("  "), None);
        assert_eq!(party_name("é"), Some("é".to_string()));
    }

    #[test]
    fn creators() {
        assert!(
            matches!(creator("Tool: syft-0.26.0"), Some(Creator::Tool(t)) if t == "syft-0.26.0")
        );
        assert!(
            matches!(creator("Organization: Anchore, Inc"), Some(Creator::Author(a)) if a == "Anchore, Inc")
        );
        assert!(creator("Tool:").is_none());
        assert!(creator("Tööl").is_some());
    }

    #[test]
    fn purposes() {
        assert_eq!(purpose_kind("APPLICATION").as_deref(), Some("application"));
        assert_eq!(
            purpose_kind("OPERATING-SYSTEM").as_deref(),
            Some("operating-system")
        );
        assert_eq!(
            purpose_kind("OPERATING_SYSTEM").as_deref(),
            Some("operating-system")
        );
        assert_eq!(
            purpose_kind("operatingSystem").as_deref(),
            Some("operating-system")
        );
        assert_eq!(purpose_kind("library").as_deref(), Some("library"));
        assert_eq!(purpose_kind(" "), None);
    }
}
