//! The scanned inventory as CycloneDX 1.6 JSON, with each component's
//! findings attached as namespaced properties, so other SBOM tools carry the
//! assessment along with the components.
//!
//! Properties written (CycloneDX `properties`, name = value):
//!
//! On a component, for each of its findings (RULE is the rule id, e.g. `DEL-01`):
//! - `chainrisk:finding:RULE` = the finding's message
//! - `chainrisk:finding:RULE:severity` = `critical` … `info`
//! - `chainrisk:finding:RULE:category` = `unmaintained`, `opaque`, `concentration`, `delivery`, `completeness`
//! - `chainrisk:finding:RULE:fingerprint` = the stable fingerprint (baselines, suppressions)
//! - `chainrisk:finding:RULE:exception` = the accepting exception's reason, when one applies
//! - `chainrisk:finding:RULE:exception-expires` = its expiry (`YYYY-MM-DD`), when it has one
//! - `chainrisk:finding:RULE:baseline` = `new` or `known`, when compared with a baseline
//!
//! And per component:
//! - `chainrisk:severity` = the worst severity among its findings
//! - `chainrisk:findings` = how many findings it has
//! - `chainrisk:scope` = `dev` or `build` for components CycloneDX can only call `excluded`
//! - `chainrisk:source` = how it reached the product (`registry`, `git`, `path`, `url`, `vendored`), when known
//! - `chainrisk:reference:TYPE` = an external reference whose URL is no URI reference even once encoded (`git@host:path`)
//!
//! Findings about the whole product or one input document go on the BOM's own
//! `properties` with the same names; the BOM also carries
//! `chainrisk:ruleset` and `chainrisk:report-schema`.

use std::borrow::Cow;
use std::collections::HashMap;

use base64::Engine as _;
use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::Assessment;
use super::streamed::Streamed;
use crate::model::encode::{hex, percent_encode};
use crate::model::{
    Component, ComponentId, Finding, HashAlg, LicenseKind, RefKind, Scope, SourceKind,
};

pub const SPEC_VERSION: &str = "1.6";

/// Component types CycloneDX 1.6 knows; anything else is written as `library`.
const TYPES: [&str; 13] = [
    "application",
    "framework",
    "library",
    "container",
    "platform",
    "operating-system",
    "device",
    "device-driver",
    "firmware",
    "file",
    "machine-learning-model",
    "data",
    "cryptographic-asset",
];

/// Bom-ref of the subject when no component of the inventory stands for it.
const SUBJECT_REF: &str = "chainrisk:subject";

pub fn render(a: &Assessment) -> String {
    let mut out = Vec::new();
    // Writing into memory fails only on a serialisation error, which typed
    // structs of strings and numbers do not have.
    let _ = write(a, &mut out, true);
    String::from_utf8(out).unwrap_or_default()
}

/// The BOM written straight into `out` (give a buffered writer): typed
/// structs borrowing from the assessment, the components serialised as they
/// are written — no `Value` tree, no string of the whole BOM. One compact
/// line, or indented for people.
pub fn write(a: &Assessment, out: &mut dyn std::io::Write, pretty: bool) -> std::io::Result<()> {
    let refs = bom_refs(a);
    let index = Index::of(a);
    super::json::write_value(out, &bom(a, &refs, &index), pretty)
}

pub fn to_value(a: &Assessment) -> Value {
    let refs = bom_refs(a);
    let index = Index::of(a);
    serde_json::to_value(bom(a, &refs, &index)).unwrap_or(Value::Null)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Bom<'a> {
    bom_format: &'static str,
    spec_version: &'static str,
    serial_number: String,
    version: u32,
    metadata: Metadata<'a>,
    components: Streamed<'a, Comp<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    dependencies: Option<Vec<Dependency<'a>>>,
    properties: Vec<Property<'a>>,
}

#[derive(Serialize)]
struct Metadata<'a> {
    timestamp: &'a str,
    tools: Tools<'a>,
    component: Comp<'a>,
}

#[derive(Serialize)]
struct Tools<'a> {
    components: [ToolComponent<'a>; 1],
}

#[derive(Serialize)]
struct ToolComponent<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    name: &'a str,
    version: &'a str,
}

#[derive(Serialize)]
struct Named<'a> {
    name: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Comp<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    #[serde(rename = "bom-ref")]
    bom_ref: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    supplier: Option<Named<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<Named<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<&'a str>,
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scope: Option<&'static str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hashes: Vec<HashOut<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    licenses: Vec<LicenseChoice<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cpe: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<&'a str>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    external_references: Vec<ExternalReference<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    evidence: Option<Evidence<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    properties: Vec<Property<'a>>,
}

/// Where a delivered product's component was found (its package database,
/// its files, the binary that records it).
#[derive(Serialize)]
struct Evidence<'a> {
    occurrences: Vec<Occurrence<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Occurrence<'a> {
    location: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    additional_context: Option<&'a str>,
}

impl<'a> Occurrence<'a> {
    /// From a product reader's pointer: `var/lib/dpkg/status:line 14`,
    /// `/usr/bin/agent (Go build information)`, `/opt/app.jar!/META-INF/…`.
    fn of(pointer: &'a str) -> Occurrence<'a> {
        let (path, context) = match pointer.strip_suffix(')').and_then(|p| p.rsplit_once(" (")) {
            Some((path, context)) => (path, Some(context)),
            None => (pointer, None),
        };
        let (path, line) = match path.rsplit_once(":line ") {
            Some((path, n)) if n.parse::<u64>().is_ok() => (path, n.parse().ok()),
            _ => (path, None),
        };
        Occurrence {
            location: if path.starts_with('/') {
                Cow::Borrowed(path)
            } else {
                Cow::Owned(format!("/{path}"))
            },
            line,
            additional_context: context,
        }
    }
}

#[derive(Serialize)]
struct HashOut<'a> {
    alg: &'a str,
    content: String,
}

#[derive(Serialize)]
#[serde(untagged)]
enum LicenseChoice<'a> {
    Expression {
        expression: &'a str,
        acknowledgement: &'static str,
    },
    License {
        license: LicenseOut<'a>,
    },
}

#[derive(Serialize)]
struct LicenseOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    acknowledgement: &'static str,
}

#[derive(Serialize)]
struct ExternalReference<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    url: Cow<'a, str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Dependency<'a> {
    #[serde(rename = "ref")]
    reference: &'a str,
    depends_on: Vec<&'a str>,
}

#[derive(Serialize)]
struct Property<'a> {
    name: Cow<'a, str>,
    value: Cow<'a, str>,
}

fn prop<'a>(name: impl Into<Cow<'a, str>>, value: impl Into<Cow<'a, str>>) -> Property<'a> {
    Property {
        name: name.into(),
        value: value.into(),
    }
}

/// What the BOM's components are written from besides the assessment:
/// each component's findings and which inputs are delivered products.
struct Index<'a> {
    by_component: HashMap<ComponentId, Vec<&'a Finding>>,
    product_findings: Vec<&'a Finding>,
    delivered: Vec<bool>,
}

impl<'a> Index<'a> {
    fn of(a: &'a Assessment) -> Index<'a> {
        let mut by_component: HashMap<ComponentId, Vec<&Finding>> = HashMap::new();
        let mut product_findings = Vec::new();
        for f in &a.findings {
            match f.component {
                Some(id) if id < a.components.len() => by_component.entry(id).or_default().push(f),
                _ => product_findings.push(f),
            }
        }
        let delivered = a
            .inputs
            .iter()
            .map(|d| d.format.is_some_and(crate::model::Format::is_delivered))
            .collect();
        Index {
            by_component,
            product_findings,
            delivered,
        }
    }

    fn findings_of(&self, id: ComponentId) -> &[&'a Finding] {
        self.by_component.get(&id).map(Vec::as_slice).unwrap_or(&[])
    }
}

fn bom<'a>(a: &'a Assessment, refs: &'a [String], index: &'a Index<'a>) -> Bom<'a> {
    let findings_of = |id: ComponentId| index.findings_of(id);
    let delivered = &index.delivered;
    // The product itself: a root component named like the subject, else a
    // component made from the subject.
    let primary = a
        .components
        .iter()
        .find(|c| c.root && c.name == a.subject.name)
        .map(|c| c.id);
    let subject = match primary {
        Some(id) => component(&a.components[id], &refs[id], findings_of(id), delivered),
        None => Comp {
            kind: "application",
            bom_ref: SUBJECT_REF,
            supplier: a.subject.supplier.as_deref().map(|name| Named { name }),
            authors: Vec::new(),
            group: None,
            name: &a.subject.name,
            version: a.subject.version.as_deref(),
            scope: None,
            hashes: Vec::new(),
            licenses: Vec::new(),
            cpe: None,
            purl: None,
            external_references: Vec::new(),
            evidence: None,
            properties: Vec::new(),
        },
    };
    let components = Streamed::new(move || {
        a.components
            .iter()
            .filter(move |c| Some(c.id) != primary)
            .map(move |c| component(c, &refs[c.id], index.findings_of(c.id), &index.delivered))
    });
    let mut properties = vec![
        prop("chainrisk:report-schema", super::SCHEMA),
        prop("chainrisk:ruleset", a.tool.ruleset.as_str()),
    ];
    for f in &index.product_findings {
        finding_props(f, &mut properties);
    }
    Bom {
        bom_format: "CycloneDX",
        spec_version: SPEC_VERSION,
        serial_number: serial_number(a),
        version: 1,
        metadata: Metadata {
            timestamp: &a.generated_at,
            tools: Tools {
                components: [ToolComponent {
                    kind: "application",
                    name: &a.tool.name,
                    version: &a.tool.version,
                }],
            },
            component: subject,
        },
        components,
        dependencies: dependencies(a, refs, primary),
        properties,
    }
}

/// One bom-ref per component: the input's own reference where it is unique
/// in the assessment, else one made from the component id.
fn bom_refs(a: &Assessment) -> Vec<String> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for c in &a.components {
        if let Some(r) = c.bom_ref.as_deref() {
            *seen.entry(r).or_default() += 1;
        }
    }
    a.components
        .iter()
        .map(|c| match c.bom_ref.as_deref() {
            Some(r) if !r.is_empty() && seen[r] == 1 && r != SUBJECT_REF => r.to_string(),
            _ => format!("chainrisk:component:{}", c.id),
        })
        .collect()
}

/// `dependsOn` for every component when the inventory has a graph at all
/// (an empty list then means "depends on nothing"); the subject depends on
/// the roots and direct components when it is not itself a component.
fn dependencies<'a>(
    a: &'a Assessment,
    refs: &'a [String],
    primary: Option<ComponentId>,
) -> Option<Vec<Dependency<'a>>> {
    if a.dependencies.is_empty() {
        return None;
    }
    let n = a.components.len();
    let mut out: Vec<Vec<&str>> = vec![Vec::new(); n];
    for e in &a.dependencies {
        if e.from < n && e.to < n {
            let to = refs[e.to].as_str();
            // dependsOn items must be unique; the lists are short.
            if !out[e.from].contains(&to) {
                out[e.from].push(to);
            }
        }
    }
    let mut deps = Vec::with_capacity(n + 1);
    if primary.is_none() {
        let tops = a
            .components
            .iter()
            .filter(|c| c.root || (c.direct == Some(true) && c.rare.parent.is_none()))
            .map(|c| refs[c.id].as_str())
            .collect();
        deps.push(Dependency {
            reference: SUBJECT_REF,
            depends_on: tops,
        });
    }
    for (id, depends_on) in out.into_iter().enumerate() {
        deps.push(Dependency {
            reference: &refs[id],
            depends_on,
        });
    }
    Some(deps)
}

/// `delivered[i]`: input `i` is a delivered product, whose pointers are paths in it.
fn component<'a>(
    c: &'a Component,
    bom_ref: &'a str,
    findings: &[&'a Finding],
    delivered: &[bool],
) -> Comp<'a> {
    let kind = c
        .kind
        .as_deref()
        .filter(|k| TYPES.contains(k))
        .unwrap_or("library");
    let scope = match c.scope {
        Scope::Required => None,
        Scope::Optional => Some("optional"),
        Scope::Dev | Scope::Build | Scope::Excluded => Some("excluded"),
    };
    let mut properties = Vec::new();
    match c.scope {
        Scope::Dev => properties.push(prop("chainrisk:scope", "dev")),
        Scope::Build => properties.push(prop("chainrisk:scope", "build")),
        _ => {}
    }
    if c.source != SourceKind::Unknown {
        properties.push(prop("chainrisk:source", c.source.label()));
    }
    let mut external_references = Vec::new();
    for r in &c.references {
        match iri_reference(&r.url) {
            Some(url) => external_references.push(ExternalReference {
                kind: ref_type(r.kind),
                url,
            }),
            // Not a URI reference even once encoded (`git@host:path`): kept as text.
            None => properties.push(prop(
                format!("chainrisk:reference:{}", ref_type(r.kind)),
                r.url.as_str(),
            )),
        }
    }
    if let Some(worst) = findings.iter().map(|f| f.severity).max() {
        properties.push(prop("chainrisk:severity", worst.as_str()));
        properties.push(prop("chainrisk:findings", findings.len().to_string()));
    }
    for f in findings {
        finding_props(f, &mut properties);
    }
    Comp {
        kind,
        bom_ref,
        supplier: c.supplier.as_deref().map(|name| Named { name }),
        authors: c.rare.authors.iter().map(|name| Named { name }).collect(),
        group: c.namespace.as_deref(),
        name: &c.name,
        version: c.version.as_deref(),
        scope,
        hashes: c
            .hashes
            .iter()
            .filter_map(|h| {
                Some(HashOut {
                    alg: hash_alg(&h.alg)?,
                    content: hex_digest(&h.value)?,
                })
            })
            .collect(),
        licenses: licenses(c),
        cpe: c.cpe.as_deref(),
        purl: c.purl.as_deref(),
        external_references,
        evidence: evidence(c, delivered),
        properties,
    }
}

fn evidence<'a>(c: &'a Component, delivered: &[bool]) -> Option<Evidence<'a>> {
    let occurrences: Vec<Occurrence> = c
        .locations
        .iter()
        .filter(|l| delivered.get(l.input).copied().unwrap_or(false))
        .map(|l| Occurrence::of(&l.pointer))
        .collect();
    (!occurrences.is_empty()).then_some(Evidence { occurrences })
}

fn finding_props<'a>(f: &'a Finding, props: &mut Vec<Property<'a>>) {
    let base = format!("chainrisk:finding:{}", f.rule);
    props.push(prop(base.clone(), f.message.as_str()));
    props.push(prop(format!("{base}:severity"), f.severity.as_str()));
    props.push(prop(format!("{base}:category"), f.category.as_str()));
    props.push(prop(format!("{base}:fingerprint"), f.fingerprint.as_str()));
    if let Some(e) = &f.exception {
        props.push(prop(format!("{base}:exception"), e.reason.as_str()));
        if let Some(x) = &e.expires {
            props.push(prop(format!("{base}:exception-expires"), x.as_str()));
        }
    }
    if let Some(b) = f.baseline {
        let state = match b {
            crate::model::BaselineState::New => "new",
            crate::model::BaselineState::Known => "known",
        };
        props.push(prop(format!("{base}:baseline"), state));
    }
}

/// CycloneDX licences are either one SPDX expression or a list of licences
/// by SPDX id or by name. One parsed expression is written as is; several
/// licences (declared and concluded, or text that does not parse) become a
/// list, with the acknowledgement saying which claim each is.
fn licenses(c: &Component) -> Vec<LicenseChoice<'_>> {
    let asserted: Vec<_> = c.licenses.iter().filter(|l| l.is_assertion()).collect();
    let ack = |k: LicenseKind| match k {
        LicenseKind::Declared => "declared",
        LicenseKind::Concluded => "concluded",
    };
    match asserted.as_slice() {
        [one] if one.expression.is_some() => vec![LicenseChoice::Expression {
            expression: one.expression.as_deref().unwrap_or_default(),
            acknowledgement: ack(one.kind),
        }],
        many => many
            .iter()
            .map(|l| {
                let known_id = l
                    .expression
                    .as_deref()
                    .filter(|e| spdx::license_id(e).is_some());
                LicenseChoice::License {
                    license: LicenseOut {
                        id: known_id,
                        name: known_id.is_none().then_some(l.raw.as_str()),
                        acknowledgement: ack(l.kind),
                    },
                }
            })
            .collect(),
    }
}

/// The algorithm in CycloneDX's enumeration, which names the others as
/// chainrisk does; `None` for one it lacks (SHA-224, others).
fn hash_alg(alg: &HashAlg) -> Option<&str> {
    match alg {
        HashAlg::Sha224 | HashAlg::Other(_) => None,
        known => Some(known.as_str()),
    }
}

/// CycloneDX wants hex digests; lockfiles often record base64 (npm
/// `integrity`, Go `h1:`). Returns `None` for a value that is neither, or
/// whose length is no digest length CycloneDX accepts.
fn hex_digest(value: &str) -> Option<String> {
    const LENGTHS: [usize; 5] = [32, 40, 64, 96, 128];
    let hex = if value.bytes().all(|b| b.is_ascii_hexdigit()) {
        value.to_ascii_lowercase()
    } else {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(value)
            .ok()?;
        hex(&bytes)
    };
    LENGTHS.contains(&hex.len()).then_some(hex)
}

/// The URL as an IRI reference, as CycloneDX requires: characters no IRI
/// may hold (space, quotes, braces, `|`, a lone `%`…) percent-encoded.
/// `None` when it still cannot be one: a colon in the first segment without
/// a scheme before it (scp-like `git@host:path`).
fn iri_reference(url: &str) -> Option<Cow<'_, str>> {
    let url = url.trim();
    if url.is_empty() {
        return None;
    }
    let bytes = url.as_bytes();
    let needs_encoding = |i: usize, ch: char| {
        let lone_percent = ch == '%'
            && !(bytes.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                && bytes.get(i + 2).is_some_and(u8::is_ascii_hexdigit));
        ch.is_control()
            || matches!(
                ch,
                ' ' | '"' | '<' | '>' | '\\' | '^' | '`' | '{' | '|' | '}'
            )
            || lone_percent
    };
    let out = percent_encode(url, |i, ch| !needs_encoding(i, ch));
    let first_segment = out.split(['/', '?', '#']).next().unwrap_or("");
    if let Some((scheme, _)) = first_segment.split_once(':') {
        let valid = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if !valid {
            return None;
        }
    }
    Some(out)
}

fn ref_type(k: RefKind) -> &'static str {
    match k {
        RefKind::Vcs => "vcs",
        RefKind::Website => "website",
        RefKind::Distribution => "distribution",
        RefKind::IssueTracker => "issue-tracker",
        RefKind::Bom => "bom",
        RefKind::Other => "other",
    }
}

/// A serial number that is the same for the same report: SHA-256 over what
/// identifies it (scan time, subject, inputs' hashes, components, findings),
/// shaped as an RFC 4122 name-based UUID.
fn serial_number(a: &Assessment) -> String {
    let mut h = Sha256::new();
    let mut part = |s: &str| {
        h.update(s.as_bytes());
        h.update([0u8]);
    };
    part(&a.generated_at);
    part(&a.subject.name);
    part(a.subject.version.as_deref().unwrap_or(""));
    for d in &a.inputs {
        part(&d.path);
        part(d.sha256.as_deref().unwrap_or(""));
    }
    for c in &a.components {
        part(c.purl.as_deref().unwrap_or(&c.name));
    }
    for f in &a.findings {
        part(&f.fingerprint);
    }
    let mut b: [u8; 16] = h.finalize()[..16].try_into().unwrap_or([0; 16]);
    b[6] = (b[6] & 0x0f) | 0x50; // version 5: name-based
    b[8] = (b[8] & 0x3f) | 0x80; // RFC 4122 variant
    let hex = hex(&b);
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_digests_become_hex() {
        // npm integrity of an empty file, SHA-512.
        let b64 = "z4PhNX7vuL3xVChQ1m2AB9Yg5AULVxXcg/SpIdNs6c5H0NE8XYXysP+DGNKHfuwvY7kxvUdBeoGlODJ6+SfaPg==";
        let hex = hex_digest(b64).unwrap();
        assert_eq!(hex.len(), 128);
        assert!(hex.starts_with("cf83e135"));
        assert_eq!(
            hex_digest("ABCDEF0123456789abcdef0123456789")
                .unwrap()
                .len(),
            32
        );
        assert_eq!(hex_digest("not a digest!"), None);
        assert_eq!(hex_digest("abcd"), None);
    }

    #[test]
    fn urls_become_iri_references() {
        assert_eq!(
            iri_reference("https://git.example/${project.artifactId}/issues").unwrap(),
            "https://git.example/$%7Bproject.artifactId%7D/issues"
        );
        assert_eq!(
            iri_reference("http://x.example/a b%zz").unwrap(),
            "http://x.example/a%20b%25zz"
        );
        assert_eq!(
            iri_reference("git+https://git.example/o/r.git").unwrap(),
            "git+https://git.example/o/r.git"
        );
        assert_eq!(iri_reference("git@git.example:o/r.git"), None);
        assert_eq!(iri_reference(" "), None);
    }

    #[test]
    fn serial_numbers_are_uuids_and_stable() {
        let a = Assessment::new(
            crate::model::Inventory::default(),
            crate::rules::Evaluation::default(),
            "2025-11-24T16:00:00Z".into(),
        );
        let s = serial_number(&a);
        assert_eq!(s, serial_number(&a));
        assert_eq!(s.len(), "urn:uuid:".len() + 36);
        assert_eq!(&s[23..24], "5");
    }
}
