//! SPDX 2.2/2.3 tag-value reader: `Tag: value` lines, multi-line
//! `<text>…</text>` values, `#` comments. A `PackageName` opens a package;
//! `FileName`, `SnippetSPDXID` and `LicenseID` open sections whose fields are
//! not the package's.

use std::borrow::Cow;

use super::convert::document_to_doc;
use super::model::{
    Checksum, CreationInfo, Document, Element, ExternalRef, Package, Relationship, Text,
};
use crate::ingest::ParsedDoc;
use crate::model::Format;
use crate::model::{InputError, Position};

/// Most line-level warnings listed; the rest are counted.
const MAX_LINE_WARNINGS: usize = 20;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Section {
    Document,
    Package(usize),
    File(usize),
    Snippet,
    License,
}

pub fn parse_tag_value(bytes: &[u8]) -> Result<ParsedDoc, InputError> {
    let mut doc = ParsedDoc::new(Format::SpdxTagValue);
    let text = String::from_utf8_lossy(bytes);
    if matches!(text, Cow::Owned(_)) {
        doc.warnings
            .push("the file is not valid UTF-8; invalid bytes were replaced".to_string());
    }
    let d = read(&text, &mut doc.warnings)?;
    Ok(document_to_doc(d, Format::SpdxTagValue, doc))
}

/// Splits `Tag: value` (the space is optional); `None` when the line is not one.
fn split_tag(line: &str) -> Option<(&str, &str)> {
    let (tag, value) = line.split_once(':')?;
    let ok = !tag.is_empty()
        && tag
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    ok.then_some((tag, value))
}

struct LineWarnings<'a> {
    out: &'a mut Vec<String>,
    count: usize,
}

impl LineWarnings<'_> {
    fn push(&mut self, w: String) {
        self.count += 1;
        if self.count <= MAX_LINE_WARNINGS {
            self.out.push(w);
        }
    }
}

fn read(text: &str, warnings: &mut Vec<String>) -> Result<Document, InputError> {
    let mut r = TagReader {
        d: Document::default(),
        ci: CreationInfo::default(),
        section: Section::Document,
        w: LineWarnings {
            out: warnings,
            count: 0,
        },
    };
    let mut lines = text.lines().enumerate();
    while let Some((i, raw)) = lines.next() {
        let n = i + 1;
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((tag, rest)) = split_tag(line) else {
            r.w.push(format!(
                "line {n}: expected `Tag: value`, found {:?}; ignored",
                shown(line)
            ));
            continue;
        };
        let value = read_value(raw, tag, rest.trim(), n, &mut lines)?;
        r.tag(tag, value.trim(), n);
    }
    let TagReader { mut d, ci, w, .. } = r;
    if w.count > MAX_LINE_WARNINGS {
        let more = w.count - MAX_LINE_WARNINGS;
        w.out.push(format!(
            "{more} more line(s) were ignored for the same reasons"
        ));
    }
    if ci.created.is_some() || !ci.creators.is_empty() {
        d.creation_info = Some(ci);
    }
    Ok(d)
}

/// The value of a tag on line `n` (`raw`): `rest` itself, or a `<text>`
/// value, which may go on over the following lines up to `</text>`.
fn read_value<'t>(
    raw: &str,
    tag: &str,
    rest: &'t str,
    n: usize,
    lines: &mut impl Iterator<Item = (usize, &'t str)>,
) -> Result<Cow<'t, str>, InputError> {
    let Some(after) = rest.strip_prefix("<text>") else {
        return Ok(Cow::Borrowed(rest));
    };
    if let Some(end) = after.find("</text>") {
        return Ok(Cow::Borrowed(&after[..end]));
    }
    let mut buf = after.to_string();
    loop {
        let Some((_, next)) = lines.next() else {
            let column = raw
                .find("<text>")
                .map_or(1, |b| raw[..b].chars().count() + 1);
            return Err(InputError::at(
                format!(
                    "the <text> value of `{tag}` is never closed: no </text> before the end of the file"
                ),
                Position::line_col(n, column),
            ));
        };
        buf.push('\n');
        match next.find("</text>") {
            Some(end) => {
                buf.push_str(&next[..end]);
                break;
            }
            None => buf.push_str(next),
        }
    }
    Ok(Cow::Owned(buf))
}

/// The document as its tags are read, with the section the last opening
/// tag began.
struct TagReader<'w> {
    d: Document,
    ci: CreationInfo,
    section: Section,
    w: LineWarnings<'w>,
}

impl TagReader<'_> {
    /// Takes one `tag: value` of line `n`.
    fn tag(&mut self, tag: &str, value: &str, n: usize) {
        let d = &mut self.d;
        match tag {
            "SPDXVersion" => set_first(&mut d.spdx_version, value),
            "DocumentNamespace" => set_first(&mut d.document_namespace, value),
            "DocumentName" => set_first(&mut d.name, value),
            "Creator" => self.ci.creators.push(Text::new(value)),
            "Created" => set_first(&mut self.ci.created, value),
            "Relationship" => {
                let mut parts = value.split_whitespace();
                match (parts.next(), parts.next(), parts.next()) {
                    (Some(a), Some(ty), Some(b)) => d.relationships.push(Relationship {
                        element: Some(a.to_string()),
                        relationship_type: Some(ty.to_string()),
                        related: Some(b.to_string()),
                    }),
                    _ => self.w.push(format!(
                        "line {n}: expected `Relationship: <id> <TYPE> <id>`, found {:?}; ignored",
                        shown(value)
                    )),
                }
            }
            "PackageName" => {
                d.packages.push(Package {
                    name: Some(value.to_string()),
                    pointer: format!("line {n}"),
                    ..Package::default()
                });
                self.section = Section::Package(d.packages.len() - 1);
            }
            "FileName" => {
                d.files.push(Element {
                    file_name: Some(value.to_string()),
                    ..Element::default()
                });
                self.section = Section::File(d.files.len() - 1);
            }
            "FileChecksum" => {
                if let (Section::File(f), Some((alg, hex))) = (self.section, value.split_once(':'))
                {
                    d.files[f].checksums.push(Checksum {
                        algorithm: Some(alg.trim().to_string()),
                        checksum_value: Some(hex.trim().to_string()),
                    });
                }
            }
            "SnippetSPDXID" => {
                self.section = Section::Snippet;
                d.snippets.push(Element {
                    spdx_id: Some(value.to_string()),
                    ..Element::default()
                });
            }
            "LicenseID" => self.section = Section::License,
            "SPDXID" => self.spdx_id(value, n),
            "PackageVersion"
            | "PackageSupplier"
            | "PackageOriginator"
            | "PackageDownloadLocation"
            | "PackageChecksum"
            | "PackageHomePage"
            | "PackageLicenseConcluded"
            | "PackageLicenseDeclared"
            | "PrimaryPackagePurpose"
            | "ExternalRef" => {
                let Section::Package(p) = self.section else {
                    self.w.push(format!(
                        "line {n}: `{tag}` outside a package section; ignored"
                    ));
                    return;
                };
                package_field(&mut d.packages[p], tag, value, n, &mut self.w);
            }
            _ => {}
        }
    }

    /// `SPDXID`: the id of the document, package, file or snippet of the
    /// current section.
    fn spdx_id(&mut self, value: &str, n: usize) {
        let d = &mut self.d;
        match self.section {
            Section::Document => set_first(&mut d.spdx_id, value),
            Section::Package(p) => {
                let p = &mut d.packages[p];
                if p.spdx_id.is_some() {
                    self.w.push(format!(
                        "line {n}: the package already has an SPDXID; ignored"
                    ));
                } else {
                    p.spdx_id = Some(value.to_string());
                }
            }
            Section::File(f) => set_first(&mut d.files[f].spdx_id, value),
            Section::Snippet => d.snippets.push(Element {
                spdx_id: Some(value.to_string()),
                ..Element::default()
            }),
            Section::License => {}
        }
    }
}

/// The start of a line or value, for a warning.
fn shown(s: &str) -> String {
    let mut out: String = s.chars().take(60).collect();
    if out.len() < s.len() {
        out.push('…');
    }
    out
}

fn set_first(slot: &mut Option<String>, value: &str) {
    if slot.is_none() {
        *slot = Some(value.to_string());
    }
}

fn package_field(p: &mut Package, tag: &str, value: &str, n: usize, w: &mut LineWarnings) {
    match tag {
        "PackageVersion" => set_first(&mut p.version_info, value),
        "PackageSupplier" => set_first(&mut p.supplier, value),
        "PackageOriginator" => set_first(&mut p.originator, value),
        "PackageDownloadLocation" => set_first(&mut p.download_location, value),
        "PackageHomePage" => set_first(&mut p.homepage, value),
        "PackageLicenseConcluded" => set_first(&mut p.license_concluded, value),
        "PackageLicenseDeclared" => set_first(&mut p.license_declared, value),
        "PrimaryPackagePurpose" => set_first(&mut p.primary_package_purpose, value),
        "PackageChecksum" => match value.split_once(':') {
            Some((alg, v)) if !alg.trim().is_empty() && !v.trim().is_empty() => {
                p.checksums.push(Checksum {
                    algorithm: Some(alg.trim().to_string()),
                    checksum_value: Some(v.trim().to_string()),
                })
            }
            _ => w.push(format!(
                "line {n}: expected `PackageChecksum: <ALGORITHM>: <value>`, found {:?}; ignored",
                shown(value)
            )),
        },
        "ExternalRef" => {
            let mut parts = value.split_whitespace();
            match (parts.next(), parts.next(), parts.next()) {
                (Some(cat), Some(ty), Some(loc)) => p.external_refs.push(ExternalRef {
                    reference_category: Some(cat.to_string()),
                    reference_type: Some(ty.to_string()),
                    reference_locator: Some(loc.to_string()),
                }),
                _ => w.push(format!(
                    "line {n}: expected `ExternalRef: <CATEGORY> <type> <locator>`, found {:?}; ignored",
                    shown(value)
                )),
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::test_corpus;
    use crate::model::{Component, Ecosystem};
    use proptest::prelude::*;

    /// The tag-value twin of the JSON reader's `FULL` document, with the
    /// tag-value traps added: comments, multi-line text holding tag-like lines,
    /// file, snippet and licence sections, a tag without a space after the colon.
    const FULL: &str = "SPDXVersion: SPDX-2.3
DataLicense: CC0-1.0
SPDXID: SPDXRef-DOCUMENT
DocumentName: full
DocumentNamespace: https://spdx.example/full-1
ExternalDocumentRef:DocumentRef-other https://spdx.example/other SHA1: d6a770ba38583ed4bb4525bd96e50461655d2759
# Creation
Creator: Tool: gen-1.2
Creator: Organization: Acme Corp (ops@acme.example)
Creator: Person: Jane Doe ()
Creator: Person: Jane Doe
Created: 2024-05-01T10:00:00Z
CreatorComment: <text>Generated.
PackageName: not-a-package
SPDXID: SPDXRef-not-a-package
</text>
VendorTag: ignored

## Package
PackageName: app
SPDXID: SPDXRef-app
PackageVersion: 2.0.0
PackageSupplier: Organization: Acme Corp (ops@acme.example)
PackageOriginator: Person: Jane Doe (jane@acme.example)
PackageDownloadLocation: git+https://git.example/app.git#c887c803ac56deb5f91b617ef0486ca3fb98473b
PackageChecksum: SHA256: E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855
PackageChecksum: SHA1: da39a3ee5e6b4b0d3255bfef95601890afd80709
PackageHomePage: https://app.example
PackageLicenseDeclared: MIT
PackageLicenseConcluded: NOASSERTION
PackageDescription: <text>The app.
ExternalRef: SECURITY cpe23Type cpe:2.3:a:evil:fake:1:*:*:*:*:*:*:*
PackageVersion: 6.6.6</text>
ExternalRef: SECURITY cpe23Type cpe:2.3:a:acme:app:2.0.0:*:*:*:*:*:*:*
ExternalRef: SECURITY cpe22Type cpe:/a:acme:app:2.0.0
ExternalRef: PACKAGE-MANAGER purl pkg:generic/acme/app@2.0.0
ExternalRefComment: <text>the purl</text>
ExternalRef: OTHER swid swid:acme-app-2.0.0
ExternalRef: PERSISTENT-ID vcs git+ssh://git@git.example/app.git
ExternalRef: OTHER acme-forge acme/app/2.0.0
PrimaryPackagePurpose: APPLICATION
FilesAnalyzed: false

FileName: ./main.c
SPDXID: SPDXRef-file
LicenseConcluded: MIT
FileChecksum: SHA1: da39a3ee5e6b4b0d3255bfef95601890afd80709

SnippetSPDXID: SPDXRef-snippet
SnippetFromFileSPDXID: SPDXRef-file

PackageName: dep
SPDXID: SPDXRef-dep
PackageVersion: 1.0.0
PackageDownloadLocation: https://npm.registry.example/dep/-/dep-1.0.0.tgz
ExternalRef: PACKAGE_MANAGER purl pkg:npm/dep@1.0.0

PackageName: url
SPDXID: SPDXRef-url
PackageVersion:
PackageSupplier: NOASSERTION
PackageDownloadLocation: https://example.com/url-1.0.tar.gz
PackageHomePage: NONE
PackageLicenseDeclared:
PackageLicenseConcluded: Apache 2.0
PrimaryPackagePurpose: OPERATING-SYSTEM

PackageName: dev
SPDXID: SPDXRef-dev
PackageDownloadLocation: NONE
PackageName: test
SPDXID: SPDXRef-test
PackageDownloadLocation: NOASSERTION
PackageName: build
SPDXID: SPDXRef-build
PackageName: opt
SPDXID: SPDXRef-opt
PackageName: both
SPDXID: SPDXRef-both
PackageName: x
SPDXID: SPDXRef-x
PackageName: y
SPDXID: SPDXRef-y

LicenseID: LicenseRef-1
ExtractedText: <text>Custom
LicenseID: LicenseRef-fake</text>

## Relationships
Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-app
Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-file
Relationship: SPDXRef-app DEPENDS_ON SPDXRef-dep
Relationship: SPDXRef-url RUNTIME_DEPENDENCY_OF SPDXRef-app
Relationship: SPDXRef-dev DEV_DEPENDENCY_OF SPDXRef-app
Relationship: SPDXRef-test TEST_DEPENDENCY_OF SPDXRef-app
Relationship: SPDXRef-build BUILD_DEPENDENCY_OF SPDXRef-app
Relationship: SPDXRef-opt OPTIONAL_DEPENDENCY_OF SPDXRef-app
Relationship: SPDXRef-both DEV_DEPENDENCY_OF SPDXRef-app
Relationship: SPDXRef-both PROVIDED_DEPENDENCY_OF SPDXRef-dep
Relationship: SPDXRef-x DEPENDENCY_OF SPDXRef-dep
Relationship: SPDXRef-dep CONTAINS SPDXRef-y
Relationship: SPDXRef-x CONTAINED_BY SPDXRef-y
Relationship: SPDXRef-y HAS_PREREQUISITE SPDXRef-x
Relationship: SPDXRef-x PREREQUISITE_FOR SPDXRef-dep
Relationship: SPDXRef-dep STATIC_LINK SPDXRef-x
Relationship: SPDXRef-dep DYNAMIC_LINK SPDXRef-y
Relationship: SPDXRef-app CONTAINS SPDXRef-file
Relationship: SPDXRef-snippet DEPENDS_ON SPDXRef-x
Relationship: SPDXRef-app DEPENDS_ON SPDXRef-ghost
Relationship: SPDXRef-app DEPENDS_ON DocumentRef-other:SPDXRef-z
Relationship: SPDXRef-app GENERATED_FROM SPDXRef-dep
Relationship: SPDXRef-app SOME_FUTURE_TYPE SPDXRef-dep
RelationshipComment: <text>unknown types are ignored</text>
Relationship: SPDXRef-y DESCRIBED_BY SPDXRef-DOCUMENT
";

    fn without_locations(mut cs: Vec<Component>) -> Vec<Component> {
        for c in &mut cs {
            c.locations.clear();
        }
        cs
    }

    #[test]
    fn reads_the_same_as_the_json_reader() {
        let tv = parse_tag_value(FULL.as_bytes()).unwrap();
        assert!(tv.warnings.is_empty(), "{:?}", tv.warnings);
        assert_eq!(tv.format, Some(Format::SpdxTagValue));
        let json =
            super::super::json::parse_json(super::super::json::tests::FULL.as_bytes()).unwrap();
        assert_eq!(tv.spec_version, json.spec_version);
        assert_eq!(tv.meta, json.meta);
        assert_eq!(tv.edges, json.edges);
        assert_eq!(tv.roots, json.roots);
        let pointers: Vec<&str> = tv
            .components
            .iter()
            .map(|c| c.locations[0].pointer.as_str())
            .collect();
        assert_eq!(pointers[..3], ["line 20", "line 52", "line 58"]);
        assert_eq!(
            without_locations(tv.components),
            without_locations(json.components)
        );
    }

    #[test]
    fn unterminated_text_fails_where_it_opened() {
        let text =
            "SPDXVersion: SPDX-2.3\nPackageName: a\nPackageDescription: <text>never\nclosed\n";
        let e = parse_tag_value(text.as_bytes()).unwrap_err();
        let pos = e.position.clone().unwrap();
        assert_eq!(pos.line, Some(3), "{e}");
        assert_eq!(pos.column, Some(21), "{e}");
        assert!(e.message.contains("PackageDescription"), "{e}");
        assert!(e.to_string().starts_with("line 3, column 21:"), "{e}");
    }

    #[test]
    fn lines_that_are_not_tags_are_warnings() {
        let text = "SPDXVersion: SPDX-2.3\r\nPackageName: a\r\nSPDXID: SPDXRef-a\r\nthis line is not a tag\r\nPackageVersion: 1.0\r\nNot A Tag: x\r\n";
        let doc = parse_tag_value(text.as_bytes()).unwrap();
        assert_eq!(doc.components.len(), 1);
        assert_eq!(doc.components[0].version.as_deref(), Some("1.0"));
        assert_eq!(doc.warnings.len(), 2, "{:?}", doc.warnings);
        assert!(
            doc.warnings[0].starts_with("line 4: expected `Tag: value`"),
            "{:?}",
            doc.warnings
        );
        assert!(doc.warnings[1].starts_with("line 6:"), "{:?}", doc.warnings);
    }

    #[test]
    fn fields_after_a_file_belong_to_the_file() {
        let text = "SPDXVersion: SPDX-2.2
PackageName: a
SPDXID: SPDXRef-a
PackageVersion: 1.0
FileName: ./x.c
SPDXID: SPDXRef-x
PackageVersion: 9.9
PackageChecksum: SHA1
ExternalRef: SECURITY cpe23Type
Relationship: SPDXRef-a CONTAINS
Relationship: SPDXRef-a CONTAINS SPDXRef-x
";
        let doc = parse_tag_value(text.as_bytes()).unwrap();
        assert_eq!(doc.components.len(), 1);
        let a = &doc.components[0];
        assert_eq!(a.version.as_deref(), Some("1.0"));
        assert_eq!(a.bom_ref.as_deref(), Some("SPDXRef-a"));
        assert!(doc.edges.is_empty(), "the file is not a component");
        let w = doc.warnings.join("\n");
        assert!(
            w.contains("line 7: `PackageVersion` outside a package section"),
            "{w}"
        );
        assert!(w.contains("line 8: `PackageChecksum` outside"), "{w}");
        assert!(w.contains("line 10: expected `Relationship:"), "{w}");
    }

    #[test]
    fn malformed_package_values_are_warnings() {
        let text = "SPDXVersion: SPDX-2.3
PackageName: a
PackageChecksum: SHA1 without colon
ExternalRef: SECURITY cpe23Type
";
        let doc = parse_tag_value(text.as_bytes()).unwrap();
        assert_eq!(doc.components.len(), 1);
        assert!(doc.components[0].hashes.is_empty());
        let w = doc.warnings.join("\n");
        assert!(w.contains("line 3: expected `PackageChecksum"), "{w}");
        assert!(w.contains("line 4: expected `ExternalRef"), "{w}");
        assert!(w.contains("no SPDXID"), "{w}");
    }

    #[test]
    fn many_bad_lines_are_counted_not_listed() {
        let mut text = String::from("SPDXVersion: SPDX-2.3\n");
        for i in 0..100 {
            text.push_str(&format!("junk line {i}\n"));
        }
        let doc = parse_tag_value(text.as_bytes()).unwrap();
        assert_eq!(doc.warnings.len(), MAX_LINE_WARNINGS + 1);
        assert!(doc.warnings.last().unwrap().starts_with("80 more line(s)"));
    }

    /// A tag-value file of the corpus subset in fixtures/corpus.
    fn subset(name: &str) -> ParsedDoc {
        let (_, bytes) = test_corpus::file(&format!("spdx/tag-value/{name}"));
        parse_tag_value(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"))
    }

    /// A tag-value file only the full corpus holds, when it is present.
    fn full(name: &str) -> Option<ParsedDoc> {
        let (_, bytes) = test_corpus::full_file(&format!("spdx/tag-value/{name}"))?;
        Some(parse_tag_value(&bytes).unwrap_or_else(|e| panic!("{name}: {e}")))
    }

    #[test]
    fn corpus_spec_example_matches_its_json_twin() {
        let tv = subset("SPDXTagExample-v2.3.spdx");
        let (_, bytes) = test_corpus::file("spdx/json/SPDXJSONExample-v2.3.spdx.json");
        let json = super::super::json::parse_json(&bytes).unwrap();
        assert!(tv.warnings.is_empty(), "{:?}", tv.warnings);
        assert_eq!(tv.components[0].locations[0].pointer, "line 71");
        assert_eq!(tv.meta, json.meta);
        assert_eq!(tv.edges, json.edges);
        assert_eq!(tv.roots, json.roots);
        // The tag-value example lists its packages in another order.
        let mut a = without_locations(tv.components);
        let mut b = without_locations(json.components);
        a.sort_by(|x, y| x.bom_ref.cmp(&y.bom_ref));
        b.sort_by(|x, y| x.bom_ref.cmp(&y.bom_ref));
        assert_eq!(a, b);
    }

    #[test]
    fn corpus_details() {
        {
            // The subset's stand-in for usbutils: a version outside 2.2–2.3.
            let doc = subset("SPDXTagExample-v2.3-declared-2.1.spdx");
            assert_eq!(doc.spec_version.as_deref(), Some("SPDX-2.1"));
            assert_eq!(doc.components.len(), 4);
            assert_eq!(doc.warnings.len(), 1, "{:?}", doc.warnings);
            assert!(doc.warnings[0].contains("outside the supported"));
        }
        if let Some(doc) = full("flux-0.26.3-syft.spdx") {
            assert_eq!(doc.components.len(), 244);
            assert!(
                doc.components
                    .iter()
                    .all(|c| c.ecosystem == Ecosystem::Golang)
            );
            assert!(!doc.meta.has_dependency_graph);
            assert_eq!(doc.meta.tools, vec!["syft-0.33.0".to_string()]);
        }
        if let Some(doc) = full("k8s-v1.25.4-release-bom.spdx") {
            assert_eq!(doc.components.len(), 130);
            assert!(
                doc.components
                    .iter()
                    .all(|c| c.version.is_none() && c.purl.is_none())
            );
            assert!(doc.components.iter().all(|c| c.hashes.len() == 3));
            assert!(doc.meta.has_dependency_graph);
            assert_eq!(
                doc.meta.serial.as_deref(),
                Some("https://sbom.k8s.io/v1.25.4/release")
            );
            assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);
        }
        if let Some(doc) = full("usbutils-reuse-v2.1.spdx") {
            assert!(doc.components.is_empty());
            assert!(doc.roots.is_empty(), "the described elements are files");
            assert_eq!(doc.meta.authors.len(), 2);
            assert_eq!(doc.meta.authors[0], "Greg Kroah-Hartman");
            assert_eq!(doc.warnings.len(), 1, "{:?}", doc.warnings);
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = parse_tag_value(&bytes);
        }

        #[test]
        fn arbitrary_tag_lines_never_panic(
            lines in proptest::collection::vec(
                "(PackageName|SPDXID|PackageVersion|PackageChecksum|ExternalRef|Relationship|FileName|SnippetSPDXID|LicenseID|PackageSupplier|PackageDownloadLocation|Creator|[A-Za-z]{0,6})?:? ?(<text>|</text>|[ -~é☺]{0,20}){0,3}",
                0..40,
            )
        ) {
            let text = lines.join("\n");
            let _ = parse_tag_value(text.as_bytes());
        }

        #[test]
        fn truncating_a_valid_document_never_panics(cut in 0usize..FULL.len()) {
            let _ = parse_tag_value(&FULL.as_bytes()[..cut]);
        }
    }
}
