//! Maps the lenient CycloneDX model onto chainrisk's components, flattening
//! nested components with their parent recorded.

use super::model::{self as cdx, Bom};
use crate::ingest::lenient::{non_empty, take_non_empty};
use crate::ingest::{ParsedDoc, source};
use crate::model::{
    Component, DeclaredFile, Ecosystem, Format, HashAlg, License, LicenseKind, RefKind, Scope,
    SourceKind,
};

/// How positions are written: JSON pointers or XML paths.
#[derive(Clone, Copy)]
pub enum PointerStyle {
    Json,
    Xml,
}

impl PointerStyle {
    fn child(self, parent: &str, index: usize) -> String {
        match self {
            PointerStyle::Json => format!("{parent}/components/{index}"),
            PointerStyle::Xml => format!("{parent}/components/component[{}]", index + 1),
        }
    }
    pub fn root(self) -> &'static str {
        match self {
            PointerStyle::Json => "",
            PointerStyle::Xml => "/bom",
        }
    }
}

/// Builds the parsed document from a whole BOM.
pub fn bom_to_doc(
    mut bom: Bom,
    format: Format,
    style: PointerStyle,
    mut doc: ParsedDoc,
) -> ParsedDoc {
    let components = std::mem::take(&mut bom.components);
    doc.components.reserve(components.len());
    doc.parents.reserve(components.len());
    for (i, c) in components.into_iter().enumerate() {
        let index = c.index.unwrap_or(i);
        push_top_level(c, index, style, &mut doc);
    }
    finish(bom, format, style, doc)
}

/// Converts the top-level component at `index` of the BOM's list (and the
/// components nested in it).
pub fn push_top_level(c: cdx::Component, index: usize, style: PointerStyle, doc: &mut ParsedDoc) {
    let mut nesting = Vec::new();
    convert_top_level(c, index, style, doc, &mut nesting);
    add_nesting_edges(doc, 0, &nesting);
}

/// [`push_top_level`] into `part`, a fragment of the document converted on
/// its own (by a worker thread): its nesting is returned as `(parent, child)`
/// indices into `part`, for [`append`] to turn into edges once the
/// fragment's place in the document, and so each `#index` reference, is known.
pub fn convert_top_level(
    c: cdx::Component,
    index: usize,
    style: PointerStyle,
    part: &mut ParsedDoc,
    nesting: &mut Vec<(usize, usize)>,
) {
    // `{}`: nothing to identify; counted, not converted (see `empty_components`).
    if identifies_nothing(&c) {
        part.skipped_empty += 1;
        return;
    }
    let pointer = style.child(style.root(), index);
    push_component(c, pointer, None, style, part, nesting);
}

/// Appends a fragment made by [`convert_top_level`] to `doc`, as if its
/// components had been pushed there one by one.
pub fn append(doc: &mut ParsedDoc, part: ParsedDoc, nesting: &[(usize, usize)]) {
    // Spelled out so that a field a conversion may one day write is not lost here.
    let ParsedDoc {
        format: _,
        spec_version: _,
        meta,
        components,
        parents,
        edges,
        roots,
        warnings,
        skipped_empty,
    } = part;
    debug_assert!(edges.is_empty() && roots.is_empty());
    let base = doc.components.len();
    doc.components.extend(components);
    doc.parents
        .extend(parents.into_iter().map(|p| p.map(|p| p + base)));
    doc.warnings.extend(warnings);
    doc.skipped_empty += skipped_empty;
    doc.meta.declared_files.extend(meta.declared_files);
    add_nesting_edges(doc, base, nesting);
}

/// Nesting is containment: kept in the graph so that nested parts are
/// reachable. `nesting` indexes the components from `base` on.
fn add_nesting_edges(doc: &mut ParsedDoc, base: usize, nesting: &[(usize, usize)]) {
    for &(parent, child) in nesting {
        let edge = (local_ref(doc, base + parent), local_ref(doc, base + child));
        doc.edges.push(edge);
    }
}

fn identifies_nothing(c: &cdx::Component) -> bool {
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|t| t.trim().is_empty());
    blank(&c.name)
        && blank(&c.bom_ref)
        && blank(&c.version)
        && blank(&c.purl)
        && blank(&c.cpe)
        && c.swid.is_none()
        && c.hashes.is_empty()
        && c.components.is_empty()
}

/// Everything but the component list: version, metadata, dependencies. The
/// JSON reader streams components in with [`push_top_level`] and then calls this.
pub fn finish(bom: Bom, format: Format, style: PointerStyle, mut doc: ParsedDoc) -> ParsedDoc {
    doc.format = Some(format);
    if doc.spec_version.is_none() {
        doc.spec_version = bom.spec_version.clone();
    }
    if let Some(v) = doc.spec_version.as_deref()
        && !super::SUPPORTED.contains(&v)
    {
        doc.warnings.push(format!(
            "CycloneDX {v} is outside the supported 1.2–1.7 range; read tolerantly"
        ));
    }
    doc.meta.serial = non_empty(bom.serial_number.as_deref());
    doc.meta.completeness_declared = bom.compositions.iter().any(|c| c.declares_completeness());
    if let Some(meta) = bom.metadata {
        read_metadata(meta, &mut doc, style);
    }
    mark_cargo_sbom_sources(&mut doc);
    doc.meta.has_dependency_graph = !bom.dependencies.is_empty();
    for dep in bom.dependencies {
        let Some(from) = non_empty(dep.reference.as_deref()) else {
            doc.warnings
                .push("a dependency entry has no `ref`; skipped".to_string());
            continue;
        };
        for to in dep.depends_on.iter().filter_map(|t| non_empty(Some(t))) {
            doc.edges.push((from.clone(), to));
        }
    }
    doc
}

/// Why a purl-less crate of a cargo-sbom BOM is known not to come from crates.io.
const CARGO_SBOM_NOTE: &str = "cargo-sbom writes a purl for crates.io crates only, and this crate has none: it came from git, a local path or another registry";

/// cargo-sbom gives a purl to crates.io crates only, and nothing else about
/// a crate's source: its `vcs` references are the crates' `repository`
/// fields, which registry crates carry alike. So in its BOMs a crate without
/// a purl came from git, a path or another registry. The workspace's own
/// crates (nested in the primary component, and repeated in `components`
/// under the same bom-ref when another member depends on them) are the
/// product itself and are left alone.
fn mark_cargo_sbom_sources(doc: &mut ParsedDoc) {
    let by_cargo_sbom = doc.meta.tools.iter().any(|t| {
        let name = t.split(' ').next().unwrap_or(t);
        name.rsplit('/').next() == Some("cargo-sbom")
    });
    if !by_cargo_sbom {
        return;
    }
    let roots = &doc.roots;
    for c in doc.components.iter_mut() {
        let own = c.bom_ref.as_ref().is_some_and(|r| roots.contains(r));
        if !own
            && c.purl.is_none()
            && c.rare.invalid_purl.is_none()
            && c.source == SourceKind::Unknown
            && !c.name.is_empty()
        {
            c.ecosystem = Ecosystem::Cargo;
            c.source = SourceKind::Elsewhere {
                note: CARGO_SBOM_NOTE.to_string(),
            };
        }
    }
}

fn party_name(p: &Option<cdx::Party>) -> Option<String> {
    p.as_ref().and_then(|p| non_empty(p.name.as_deref()))
}

fn read_metadata(meta: cdx::Metadata, doc: &mut ParsedDoc, style: PointerStyle) {
    doc.meta.timestamp = non_empty(meta.timestamp.as_deref());
    doc.meta.tools = meta.tools.names();
    doc.meta.authors = meta
        .authors
        .iter()
        .filter_map(|a| non_empty(a.name.as_deref()).or_else(|| non_empty(a.email.as_deref())))
        .collect();
    let org = party_name(&meta.manufacturer)
        .or_else(|| party_name(&meta.manufacture))
        .or_else(|| party_name(&meta.supplier));
    if let Some(org) = &org
        && doc.meta.authors.is_empty()
    {
        doc.meta.authors.push(org.clone());
    }
    if let Some(primary) = meta.component {
        doc.meta.subject_name = non_empty(primary.name.as_deref());
        doc.meta.subject_version = non_empty(primary.version.as_deref());
        doc.meta.subject_supplier = party_name(&primary.supplier)
            .or_else(|| party_name(&primary.manufacturer))
            .or(org);
        // The primary component is the graph's root. It is not one of the
        // components (CycloneDX keeps it apart); its nested components are.
        let reference = non_empty(primary.bom_ref.as_deref())
            .or_else(|| non_empty(primary.purl.as_deref()))
            .unwrap_or_else(|| "(metadata.component)".to_string());
        doc.meta.primary = Some(reference.clone());
        doc.roots.push(reference);
        for (i, nested) in primary.components.into_iter().enumerate() {
            let base = match style {
                PointerStyle::Json => "/metadata/component".to_string(),
                PointerStyle::Xml => "/bom/metadata/component".to_string(),
            };
            let before = doc.components.len();
            let mut nesting = Vec::new();
            let idx = push_component(
                nested,
                style.child(&base, i),
                None,
                style,
                doc,
                &mut nesting,
            );
            add_nesting_edges(doc, 0, &nesting);
            doc.meta.primary_parts += doc.components.len() - before;
            doc.roots.push(local_ref(doc, idx));
        }
    }
}

fn local_ref(doc: &ParsedDoc, idx: usize) -> String {
    doc.components[idx]
        .bom_ref
        .clone()
        .unwrap_or_else(|| format!("#{idx}"))
}

/// The files a component says the product delivers: where it was found,
/// and a `file` component itself (its name is the path).
fn declare_files(c: &cdx::Component, out: &Component, doc: &mut ParsedDoc) {
    let sha256 = out
        .hashes
        .iter()
        .find(|h| h.alg == HashAlg::Sha256)
        .map(|h| h.value.as_str());
    if out.kind.as_deref() == Some("file") {
        doc.meta
            .declared_files
            .extend(DeclaredFile::new(Some(&out.name), sha256));
    }
    for o in c.evidence.iter().flat_map(|e| &e.occurrences) {
        doc.meta
            .declared_files
            .extend(DeclaredFile::new(o.location.as_deref(), None));
    }
}

/// Converts one component and its nested ones; returns its index. Each
/// nesting is recorded in `nesting` (indices into `doc`) when its child is done.
fn push_component(
    mut c: cdx::Component,
    pointer: String,
    parent: Option<usize>,
    style: PointerStyle,
    doc: &mut ParsedDoc,
    nesting: &mut Vec<(usize, usize)>,
) -> usize {
    let mut out = Component::named(take_non_empty(c.name.take()).unwrap_or_default());
    out.bom_ref = take_non_empty(c.bom_ref.take());
    out.namespace = take_non_empty(c.group.take());
    out.version = take_non_empty(c.version.take());
    out.kind = non_empty(c.kind.as_deref()).map(|k| k.to_ascii_lowercase());
    out.supplier = party_name(&c.supplier)
        .or_else(|| party_name(&c.manufacturer))
        .or_else(|| non_empty(c.publisher.as_deref()));
    let authors: Vec<String> = c
        .authors
        .iter()
        .filter_map(|a| non_empty(a.name.as_deref()))
        .chain(non_empty(c.author.as_deref()))
        .collect();
    // Written only when there are any: writing allocates the rare facts.
    if !authors.is_empty() {
        out.rare.authors = authors;
    }
    out.scope = match c.scope.as_deref() {
        Some("optional") => Scope::Optional,
        Some("excluded") => Scope::Excluded,
        _ => Scope::Required,
    };
    for p in &c.properties {
        // cyclonedx-npm and cyclonedx-python mark development dependencies with a property.
        if let (Some(n), Some(v)) = (p.name.as_deref(), p.value.as_deref())
            && (n == "cdx:npm:package:development" || n == "cdx:python:package:development")
            && v == "true"
        {
            out.scope = Scope::Dev;
        }
    }
    for h in &c.hashes {
        if let (Some(alg), Some(v)) = (h.alg.as_deref(), h.content.as_deref()) {
            out.add_hash(alg, v);
        }
    }
    declare_files(&c, &out, doc);
    for l in &c.licenses {
        let declared_or = |ack: Option<&str>| match ack {
            Some(a) if a.eq_ignore_ascii_case("concluded") => LicenseKind::Concluded,
            _ => LicenseKind::Declared,
        };
        if let Some(expr) = non_empty(l.expression.as_deref()) {
            out.licenses.push(License::new(
                declared_or(l.acknowledgement.as_deref()),
                &expr,
            ));
        } else if let Some(body) = &l.license {
            let ack = body
                .acknowledgement
                .as_deref()
                .or(l.acknowledgement.as_deref());
            if let Some(text) =
                non_empty(body.id.as_deref()).or_else(|| non_empty(body.name.as_deref()))
            {
                crate::model::push_tight(&mut out.licenses, License::new(declared_or(ack), &text));
            }
        }
    }
    out.cpe = take_non_empty(c.cpe.take());
    if let Some(tag) = c.swid.as_ref().and_then(|s| non_empty(s.tag_id.as_deref())) {
        out.rare.swid = Some(tag);
    }
    for r in &c.external_references {
        let Some(url) = non_empty(r.url.as_deref()) else {
            continue;
        };
        let kind = match r.kind.as_deref().unwrap_or("") {
            "vcs" | "source-distribution" => RefKind::Vcs,
            "website" | "documentation" => RefKind::Website,
            "distribution" | "distribution-intake" => RefKind::Distribution,
            "issue-tracker" => RefKind::IssueTracker,
            "bom" => RefKind::Bom,
            _ => RefKind::Other,
        };
        if kind == RefKind::Bom {
            out.has_own_bom = true;
        }
        // The hash of a distribution artifact protects delivery as much as a component hash.
        if kind == RefKind::Distribution {
            for h in &r.hashes {
                if let (Some(alg), Some(v)) = (h.alg.as_deref(), h.content.as_deref()) {
                    out.add_hash(alg, v);
                }
            }
        }
        out.add_reference(kind, &url);
    }
    if let Some(raw) = c.purl.as_deref() {
        source::apply_purl(&mut out, raw, &pointer, &mut doc.warnings);
    }
    if out.source == crate::model::SourceKind::Unknown {
        // cyclonedx-npm records where a package was resolved from as a distribution reference.
        if let Some(r) = out
            .references
            .iter()
            .find(|r| r.kind == RefKind::Distribution)
        {
            let k = source::classify_location(&r.url);
            if matches!(
                k,
                crate::model::SourceKind::Git { .. } | crate::model::SourceKind::Path { .. }
            ) {
                out.source = k;
            }
        }
    }
    if out.name.is_empty() {
        doc.warnings
            .push(format!("{pointer}: component has no name"));
    }
    out.has_own_bom |= !c.components.is_empty();
    let idx = doc.push(out, pointer.clone(), parent);
    for (i, nested) in c.components.into_iter().enumerate() {
        let at = style.child(&pointer, nested.index.unwrap_or(i));
        let child = push_component(nested, at, Some(idx), style, doc, nesting);
        nesting.push((idx, child));
    }
    idx
}
