//! SPDX 2.2/2.3 JSON reader.

use serde_json::Value;

use super::convert::document_to_doc;
use super::model::{CreationInfo, Document, Element, Package, Relationship, Text};
use crate::ingest::ParsedDoc;
use crate::ingest::json::{
    Typed, entry, kind_of, parse_typed, parse_value, root_object, take_list,
};
use crate::model::Format;
use crate::model::InputError;

pub fn parse_json(bytes: &[u8]) -> Result<ParsedDoc, InputError> {
    let mut doc = ParsedDoc::new(Format::SpdxJson);
    let d = match parse_typed::<Document>(bytes)? {
        Typed::Ok { value, trailing } => {
            doc.warnings.extend(trailing);
            let mut d = value;
            for (i, p) in d.packages.iter_mut().enumerate() {
                p.pointer = format!("/packages/{i}");
            }
            d
        }
        Typed::Mismatch(first) => {
            doc.warnings
                .push(format!("{first}; reading the document entry by entry"));
            tolerant(bytes, &mut doc)?
        }
    };
    Ok(document_to_doc(d, Format::SpdxJson, doc))
}

/// A header field as text; anything but a scalar is ignored with a warning.
fn header_text(
    obj: &mut serde_json::Map<String, Value>,
    key: &str,
    warnings: &mut Vec<String>,
) -> Option<String> {
    match obj.remove(key)? {
        Value::String(s) => Some(s),
        Value::Null => None,
        v @ (Value::Number(_) | Value::Bool(_)) => Some(v.to_string()),
        other => {
            warnings.push(format!(
                "at /{key}: expected a string, found {}; ignored",
                kind_of(&other)
            ));
            None
        }
    }
}

/// The slow path: reads each package, file, snippet and relationship on its
/// own, so one malformed entry costs only that entry. Lists that are not
/// lists are structural errors.
fn tolerant(bytes: &[u8], doc: &mut ParsedDoc) -> Result<Document, InputError> {
    let (value, warnings) = parse_value(bytes)?;
    doc.warnings.extend(warnings);
    let mut obj = root_object(value, "an SPDX document")?;
    let packages = take_list(&mut obj, "packages", "packages")?;
    let files = take_list(&mut obj, "files", "files")?;
    let snippets = take_list(&mut obj, "snippets", "snippets")?;
    let relationships = take_list(&mut obj, "relationships", "relationships")?;
    let w = &mut doc.warnings;
    let mut d = Document {
        spdx_version: header_text(&mut obj, "spdxVersion", w),
        spdx_id: header_text(&mut obj, "SPDXID", w),
        name: header_text(&mut obj, "name", w),
        document_namespace: header_text(&mut obj, "documentNamespace", w),
        ..Document::default()
    };
    if let Some(ci) = obj.remove("creationInfo") {
        match entry::<CreationInfo>(ci, "/creationInfo") {
            Ok(ci) => d.creation_info = Some(ci),
            Err(e) => w.push(e.to_string()),
        }
    }
    match obj.remove("documentDescribes") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) => d.document_describes.push(Text::new(s)),
        Some(Value::Array(list)) => {
            for (i, v) in list.into_iter().enumerate() {
                match v {
                    Value::String(s) => d.document_describes.push(Text::new(s)),
                    other => w.push(format!(
                        "at /documentDescribes/{i}: expected an SPDX id, found {}; ignored",
                        kind_of(&other)
                    )),
                }
            }
        }
        Some(other) => w.push(format!(
            "at /documentDescribes: expected a list of SPDX ids, found {}; ignored",
            kind_of(&other)
        )),
    }
    for (i, p) in packages.into_iter().enumerate() {
        let pointer = format!("/packages/{i}");
        let id = p.get("SPDXID").and_then(Value::as_str).map(str::to_string);
        match entry::<Package>(p, &pointer) {
            Ok(mut p) => {
                p.pointer = pointer;
                d.packages.push(p);
            }
            Err(e) => {
                w.push(e.to_string());
                d.skipped_ids.extend(id);
            }
        }
    }
    for (key, list, out) in [
        ("files", files, &mut d.files),
        ("snippets", snippets, &mut d.snippets),
    ] {
        for (i, e) in list.into_iter().enumerate() {
            match entry::<Element>(e, &format!("/{key}/{i}")) {
                Ok(e) => out.push(e),
                Err(e) => w.push(e.to_string()),
            }
        }
    }
    for (i, r) in relationships.into_iter().enumerate() {
        match entry::<Relationship>(r, &format!("/relationships/{i}")) {
            Ok(r) => d.relationships.push(r),
            Err(e) => w.push(e.to_string()),
        }
    }
    Ok(d)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::model::{Ecosystem, HashAlg, LicenseKind, RefKind, Scope, SourceKind};

    /// The document the reader tests below read, kept as a file.
    pub(crate) const FULL: &str = include_str!("../../../fixtures/spdx-unit/full.spdx.json");

    fn e(a: &str, b: &str) -> (String, String) {
        (format!("SPDXRef-{a}"), format!("SPDXRef-{b}"))
    }

    #[test]
    fn reads_every_mapped_field() {
        let doc = parse_json(FULL.as_bytes()).unwrap();
        assert_eq!(doc.format, Some(Format::SpdxJson));
        assert_eq!(doc.spec_version.as_deref(), Some("SPDX-2.3"));
        assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);

        let m = &doc.meta;
        assert_eq!(m.serial.as_deref(), Some("https://spdx.example/full-1"));
        assert_eq!(m.timestamp.as_deref(), Some("2024-05-01T10:00:00Z"));
        assert_eq!(m.tools, vec!["gen-1.2".to_string()]);
        assert_eq!(
            m.authors,
            vec!["Acme Corp".to_string(), "Jane Doe".to_string()]
        );
        assert_eq!(m.primary.as_deref(), Some("SPDXRef-app"));
        assert_eq!(m.subject_name.as_deref(), Some("app"));
        assert_eq!(m.subject_version.as_deref(), Some("2.0.0"));
        assert_eq!(m.subject_supplier.as_deref(), Some("Acme Corp"));
        assert!(m.has_dependency_graph);
        assert!(!m.completeness_declared);
        assert_eq!(
            doc.roots,
            vec!["SPDXRef-app".to_string(), "SPDXRef-y".to_string()]
        );
        assert_eq!(
            doc.edges,
            vec![
                e("app", "dep"),
                e("app", "url"),
                e("app", "dev"),
                e("app", "test"),
                e("app", "build"),
                e("app", "opt"),
                e("app", "both"),
                e("dep", "both"),
                e("dep", "x"),
                e("dep", "y"),
                e("y", "x"),
                e("y", "x"),
                e("dep", "x"),
                e("dep", "x"),
                e("dep", "y"),
                e("app", "ghost"),
            ]
        );

        let names: Vec<&str> = doc.components.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "app", "dep", "url", "dev", "test", "build", "opt", "both", "x", "y"
            ]
        );
        let scopes: Vec<Scope> = doc.components.iter().map(|c| c.scope).collect();
        use Scope::*;
        assert_eq!(
            scopes,
            [
                Required, Required, Required, Dev, Dev, Build, Optional, Required, Required,
                Required
            ]
        );

        let app = &doc.components[0];
        assert_eq!(app.bom_ref.as_deref(), Some("SPDXRef-app"));
        assert_eq!(app.locations[0].pointer, "/packages/0");
        assert_eq!(app.version.as_deref(), Some("2.0.0"));
        assert_eq!(app.kind.as_deref(), Some("application"));
        assert_eq!(app.supplier.as_deref(), Some("Acme Corp"));
        assert_eq!(app.rare.authors, vec!["Jane Doe".to_string()]);
        assert_eq!(app.purl.as_deref(), Some("pkg:generic/acme/app@2.0.0"));
        assert_eq!(app.ecosystem, Ecosystem::Generic);
        assert_eq!(
            app.cpe.as_deref(),
            Some("cpe:2.3:a:acme:app:2.0.0:*:*:*:*:*:*:*")
        );
        assert_eq!(app.rare.swid.as_deref(), Some("swid:acme-app-2.0.0"));
        // A generic purl names no source; the git download location does.
        assert!(
            matches!(app.source, SourceKind::Git { pinned: true, .. }),
            "{:?}",
            app.source
        );
        let lic: Vec<(LicenseKind, &str, bool)> = app
            .licenses
            .iter()
            .map(|l| (l.kind, l.raw.as_str(), l.is_assertion()))
            .collect();
        assert_eq!(
            lic,
            [
                (LicenseKind::Declared, "MIT", true),
                (LicenseKind::Concluded, "NOASSERTION", false)
            ]
        );
        let hashes = app.hash_pairs();
        assert_eq!(
            hashes,
            [
                (
                    HashAlg::Sha256,
                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
                ),
                (HashAlg::Sha1, "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
            ]
        );
        let refs = app.reference_pairs();
        assert_eq!(
            refs,
            [
                (RefKind::Vcs, "git+ssh://git@git.example/app.git"),
                (
                    RefKind::Vcs,
                    "git+https://git.example/app.git#c887c803ac56deb5f91b617ef0486ca3fb98473b"
                ),
                (RefKind::Website, "https://app.example"),
            ]
        );

        let dep = &doc.components[1];
        assert_eq!(dep.ecosystem, Ecosystem::Npm);
        assert!(
            matches!(dep.source, SourceKind::Registry { .. }),
            "the purl's source wins"
        );
        assert_eq!(dep.references[0].kind, RefKind::Distribution);

        let url = &doc.components[2];
        assert_eq!(url.version, None, "empty versionInfo");
        assert_eq!(url.supplier, None, "NOASSERTION");
        assert_eq!(url.kind.as_deref(), Some("operating-system"));
        assert!(matches!(url.source, SourceKind::Url { .. }));
        assert_eq!(url.references.len(), 1, "homepage NONE is no reference");
        assert_eq!(url.licenses.len(), 1, "an empty licence is skipped");
        assert_eq!(url.licenses[0].kind, LicenseKind::Concluded);
        assert!(url.licenses[0].is_known(), "lax parse of `Apache 2.0`");

        let dev = &doc.components[3];
        assert!(dev.references.is_empty());
        assert_eq!(dev.source, SourceKind::Unknown);
    }

    #[test]
    fn completeness_assertions_add_no_edges() {
        let text = r#"{"spdxVersion": "SPDX-2.2", "packages": [{"SPDXID": "SPDXRef-a", "name": "a"}],
            "relationships": [{"spdxElementId": "SPDXRef-a", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "NONE"}]}"#;
        let doc = parse_json(text.as_bytes()).unwrap();
        assert!(doc.meta.completeness_declared);
        assert!(doc.edges.is_empty());
        assert!(!doc.meta.has_dependency_graph);
    }

    #[test]
    fn truncated_json_fails_with_line_and_column() {
        let text = "{\n  \"spdxVersion\": \"SPDX-2.3\",\n  \"packages\": [\n    {\"SPDXID\": \"SPDXRef-a\", \"name\": \"a\"";
        let e = parse_json(text.as_bytes()).unwrap_err();
        let pos = e.position.clone().unwrap();
        assert_eq!(pos.line, Some(4), "{e}");
        assert!(pos.column.is_some());
        assert!(e.to_string().starts_with("line 4, column"), "{e}");
        assert!(e.message.contains("end of file"), "{e}");
    }

    #[test]
    fn packages_must_be_an_array() {
        let text = r#"{"spdxVersion": "SPDX-2.3", "packages": {"SPDXID": "SPDXRef-a"}}"#;
        let e = parse_json(text.as_bytes()).unwrap_err();
        assert_eq!(e.position.unwrap().pointer.as_deref(), Some("/packages"));
        assert!(e.message.contains("array of packages"), "{}", e.message);
        let e = parse_json(br#"{"spdxVersion": "SPDX-2.3", "relationships": "none"}"#).unwrap_err();
        assert_eq!(
            e.position.unwrap().pointer.as_deref(),
            Some("/relationships")
        );
    }

    #[test]
    fn a_wrong_typed_package_is_skipped_and_the_rest_read() {
        let text = r#"{
  "spdxVersion": "SPDX-2.3",
  "SPDXID": "SPDXRef-DOCUMENT",
  "creationInfo": {"created": "2024-05-01", "creators": ["Tool: x"], "licenseListVersion": 3.2},
  "documentDescribes": ["SPDXRef-a", 7],
  "packages": [
    {"SPDXID": "SPDXRef-a", "name": "a", "versionInfo": 1.5},
    {"SPDXID": "SPDXRef-bad", "name": ["not", "a", "string"]},
    {"SPDXID": "SPDXRef-c", "name": "c", "licenseDeclared": "GPL-2.0-or-later WITH AND (",
     "filesAnalyzed": "false", "vendorThing": {"a": 1}},
    {"SPDXID": "SPDXRef-d", "name": "d", "checksums": "deadbeef"},
    {"SPDXID": "SPDXRef-e", "name": "e"}
  ],
  "relationships": [
    {"spdxElementId": "SPDXRef-a", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-bad"},
    {"spdxElementId": "SPDXRef-a", "relationshipType": "DEPENDS_ON", "relatedSpdxElement": "SPDXRef-c"},
    {"spdxElementId": "SPDXRef-a", "relationshipType": 42, "relatedSpdxElement": "SPDXRef-e"},
    "not a relationship"
  ]
}"#;
        let doc = parse_json(text.as_bytes()).unwrap();
        let names: Vec<&str> = doc.components.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["a", "c", "e"], "{:?}", doc.warnings);
        let pointers: Vec<&str> = doc
            .components
            .iter()
            .map(|c| c.locations[0].pointer.as_str())
            .collect();
        assert_eq!(pointers, ["/packages/0", "/packages/2", "/packages/4"]);
        assert_eq!(doc.components[0].version.as_deref(), Some("1.5"));
        let w = doc.warnings.join("\n");
        assert!(w.contains("entry by entry"), "{w}");
        assert!(w.contains("at /packages/1/name"), "{w}");
        assert!(w.contains("at /packages/3/checksums"), "{w}");
        assert!(w.contains("at /documentDescribes/1"), "{w}");
        assert!(w.contains("at /relationships/3"), "{w}");
        // An unparsable licence is kept as written, without an expression.
        let lic = &doc.components[1].licenses[0];
        assert_eq!(lic.raw, "GPL-2.0-or-later WITH AND (");
        assert!(lic.is_assertion() && !lic.is_known());
        // The skipped package is defined by the document: no dangling edge to it.
        assert_eq!(doc.edges, vec![e("a", "c")]);
        assert_eq!(doc.meta.timestamp.as_deref(), Some("2024-05-01"));
        assert_eq!(doc.roots, vec!["SPDXRef-a".to_string()]);
    }

    #[test]
    fn missing_creation_info_and_download_location_are_fine() {
        let text =
            r#"{"spdxVersion": "SPDX-2.3", "packages": [{"SPDXID": "SPDXRef-a", "name": "a"}]}"#;
        let doc = parse_json(text.as_bytes()).unwrap();
        assert_eq!(doc.components.len(), 1);
        assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
        assert_eq!(doc.meta.timestamp, None);
        assert_eq!(doc.meta.primary, None);
    }

    #[test]
    fn trailing_text_is_a_warning() {
        let text = "\u{feff}{\"spdxVersion\": \"SPDX-2.2\", \"packages\": [{\"SPDXID\": \"SPDXRef-a\", \"name\": \"a\"}]}\nContact UsTerms of Use";
        let doc = crate::ingest::parse_bytes(text.as_bytes()).unwrap();
        assert_eq!(doc.components.len(), 1);
        assert_eq!(doc.warnings.len(), 1, "{:?}", doc.warnings);
        assert!(
            doc.warnings[0].starts_with("line 2, column 1: trailing data"),
            "{:?}",
            doc.warnings
        );
    }

    #[test]
    fn versions_outside_the_range_and_misspelt_describes() {
        let text = r#"{"spdxVersion": "SPDX-2.1", "packages": [{"SPDXID": "SPDXRef-a", "name": "a"}],
            "relationships": [{"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBE", "relatedSpdxElement": "SPDXRef-a"}]}"#;
        let doc = parse_json(text.as_bytes()).unwrap();
        assert!(
            doc.warnings
                .iter()
                .any(|w| w.contains("SPDX-2.1 is outside the supported"))
        );
        assert!(doc.warnings.iter().any(|w| w.contains("DESCRIBE")));
        assert_eq!(doc.meta.primary.as_deref(), Some("SPDXRef-a"));
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_input_never_panics(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..400)) {
            let _ = parse_json(&bytes);
        }

        #[test]
        fn truncating_a_valid_document_never_panics(cut in 0usize..FULL.len()) {
            let _ = parse_json(&FULL.as_bytes()[..cut]);
        }
    }

    /// A file of the corpus subset in fixtures/corpus.
    fn subset(path: &str) -> ParsedDoc {
        let (_, bytes) = crate::ingest::test_corpus::file(path);
        parse_json(&bytes).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// A file only the full corpus holds, when it is present.
    fn full(path: &str) -> Option<ParsedDoc> {
        let (_, bytes) = crate::ingest::test_corpus::full_file(path)?;
        Some(parse_json(&bytes).unwrap_or_else(|e| panic!("{path}: {e}")))
    }

    #[test]
    fn corpus_details() {
        {
            let doc = subset("malformed/example10-trailing-text.spdx.json");
            assert_eq!(doc.components.len(), 1);
            assert_eq!(
                doc.warnings,
                vec![
                    "line 129, column 1: trailing data after the JSON document was ignored"
                        .to_string()
                ]
            );
        }
        if let Some(doc) = full("malformed/psreadline-2.2.6-trailing-text.spdx.json") {
            assert_eq!(doc.components.len(), 97);
            assert_eq!(
                doc.warnings,
                vec![
                    "line 2765, column 1: trailing data after the JSON document was ignored"
                        .to_string()
                ]
            );
            assert_eq!(
                doc.components
                    .iter()
                    .filter(|c| c.ecosystem == Ecosystem::Nuget)
                    .count(),
                96
            );
            assert_eq!(doc.meta.primary.as_deref(), Some("SPDXRef-RootPackage"));
            assert_eq!(doc.edges.len(), 96);
            assert_eq!(
                doc.meta.tools,
                vec!["Microsoft.SBOMTool-2.1.38".to_string()]
            );
            assert_eq!(doc.meta.authors, vec!["Microsoft".to_string()]);
        }
        if let Some(doc) = full("spdx/json/julia-manual.spdx.json") {
            let julia = &doc.components[0];
            assert_eq!(julia.name, "Julia");
            assert!(matches!(
                julia.source,
                SourceKind::Git { pinned: false, .. }
            ));
            assert_eq!(doc.meta.primary.as_deref(), Some("SPDXRef-JuliaMain"));
            let build = doc
                .components
                .iter()
                .filter(|c| c.scope == Scope::Build)
                .count();
            assert!(build >= 28, "{build}");
            // 29 git+https download locations, 5 plain https ones.
            let vcs =
                |c: &&crate::model::Component| c.references.iter().any(|r| r.kind == RefKind::Vcs);
            assert_eq!(doc.components.iter().filter(vcs).count(), 29);
            let git = doc
                .components
                .iter()
                .filter(|c| matches!(c.source, SourceKind::Git { .. }));
            assert_eq!(git.count(), 29);
            let url = doc
                .components
                .iter()
                .filter(|c| matches!(c.source, SourceKind::Url { .. }));
            assert_eq!(url.count(), 5);
        }
        if let Some(doc) = full("spdx/json/kibana-opendistro-container-trivy.spdx.json") {
            assert_eq!(
                doc.components
                    .iter()
                    .filter(|c| c.ecosystem == Ecosystem::Npm)
                    .count(),
                1739
            );
            assert_eq!(
                doc.components
                    .iter()
                    .filter(|c| c.ecosystem == Ecosystem::Rpm)
                    .count(),
                155
            );
            assert_eq!(doc.edges.len(), 1896);
            assert_eq!(
                doc.meta.primary.as_deref(),
                Some("SPDXRef-ContainerImage-d0afc8f918be7669")
            );
        }
        if let Some(doc) = full("spdx/json/grafana-arm32v7-container-syft.spdx.json") {
            // 1059 package -> file CONTAINS are not component edges; 35 DEPENDENCY_OF are.
            assert_eq!(doc.edges.len(), 35);
            assert!(doc.meta.has_dependency_graph);
            assert_eq!(
                doc.components.iter().filter(|c| c.purl.is_none()).count(),
                1
            );
            assert_eq!(
                doc.components
                    .iter()
                    .filter(|c| c.hashes.is_empty())
                    .count(),
                24
            );
        }
        if let Some(doc) = full("spdx/json/jx-darwin-arm64.tar.gz.sbom") {
            // CONTAINS from an element the document never defines: kept for the merge to report.
            assert_eq!(doc.edges.len(), 84);
            assert!(
                doc.edges
                    .iter()
                    .all(|(f, _)| f.starts_with("SPDXRef-6f70465f231d"))
            );
        }
        {
            let doc = subset("spdx/json/SPDXJSONExample-v2.3.spdx.json");
            assert_eq!(doc.roots, vec!["SPDXRef-Package".to_string()]);
            assert_eq!(doc.edges, vec![e("Package", "Saxon")]);
            let glibc = &doc.components[0];
            assert_eq!(glibc.hashes.len(), 4);
            assert_eq!(glibc.kind.as_deref(), Some("source"));
            assert_eq!(glibc.supplier.as_deref(), Some("Jane Doe"));
            assert_eq!(glibc.rare.authors, vec!["ExampleCodeInspect".to_string()]);
            assert_eq!(
                doc.meta.authors,
                vec!["ExampleCodeInspect".to_string(), "Jane Doe".to_string()]
            );
            assert_eq!(doc.meta.tools, vec!["LicenseFind-1.0".to_string()]);
        }
    }
}
