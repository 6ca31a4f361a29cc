//! SARIF 2.1.0 for code-scanning UIs: one `reportingDescriptor` per catalogue
//! rule, one result per finding, located at the input file it was read from.
//!
//! - Location: `artifactLocation.uri` is the input path as given (percent-encoded
//!   where a URI needs it); a lockfile line (`line N`) becomes `region.startLine`,
//!   a JSON pointer or XML path becomes a `logicalLocations` entry and
//!   `properties.pointer`.
//! - `partialFingerprints["chainrisk/v1"]` is the finding fingerprint, which
//!   survives version bumps, so code-scanning UIs track a finding across scans.
//! - An accepted finding (policy exception) carries an `external` suppression
//!   with the exception's reason; a baseline marks `baselineState`.

use std::borrow::Cow;

use serde::Serialize;
use serde_json::Value;

use super::Assessment;
use super::streamed::Streamed;
use crate::model::encode::{is_unreserved, percent_encode};
use crate::model::{BaselineState, Finding, Severity};
use crate::rules::catalogue::Mapping;
use crate::rules::{RULES, RuleInfo};

pub const SARIF_SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// SARIF has three levels for problems: critical and high block, medium
/// warns, low and info inform.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

pub fn render(a: &Assessment) -> String {
    let mut out = Vec::new();
    // Writing into memory fails only on a serialisation error, which typed
    // structs of strings and numbers do not have.
    let _ = write(a, &mut out, true);
    String::from_utf8(out).unwrap_or_default()
}

/// The log written straight into `out` (give a buffered writer): typed
/// structs borrowing from the assessment, the results serialised as they
/// are written — no `Value` tree, no string of the whole log. One compact
/// line, or indented for people.
pub fn write(a: &Assessment, out: &mut dyn std::io::Write, pretty: bool) -> std::io::Result<()> {
    let uris = input_uris(a);
    super::json::write_value(out, &log(a, &uris), pretty)
}

pub fn to_value(a: &Assessment) -> Value {
    let uris = input_uris(a);
    serde_json::to_value(log(a, &uris)).unwrap_or(Value::Null)
}

#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
struct Run<'a> {
    tool: Tool<'a>,
    artifacts: Vec<Artifact<'a>>,
    invocations: [Invocation<'a>; 1],
    results: Streamed<'a, SarifResult<'a>>,
    properties: RunProperties<'a>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'a str,
    version: &'a str,
    semantic_version: &'a str,
    rules: Vec<Descriptor>,
    properties: DriverProperties<'a>,
}

#[derive(Serialize)]
struct DriverProperties<'a> {
    ruleset: &'a str,
}

#[derive(Serialize)]
struct Text<'a> {
    text: Cow<'a, str>,
}

fn text<'a>(t: impl Into<Cow<'a, str>>) -> Text<'a> {
    Text { text: t.into() }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: &'static str,
    name: &'static str,
    short_description: Text<'static>,
    full_description: Text<'static>,
    help: Text<'static>,
    default_configuration: Configuration,
    properties: DescriptorProperties,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct DescriptorProperties {
    category: &'static str,
    #[serde(rename = "maps-to")]
    maps_to: &'static [Mapping],
    severity: &'static str,
    tags: [&'static str; 1],
}

#[derive(Serialize)]
struct Artifact<'a> {
    location: ArtifactLocation<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    hashes: Option<ArtifactHashes<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<ArtifactProperties>,
}

#[derive(Serialize)]
struct ArtifactHashes<'a> {
    #[serde(rename = "sha-256")]
    sha256: &'a str,
}

#[derive(Serialize)]
struct ArtifactProperties {
    format: &'static str,
}

#[derive(Serialize)]
struct ArtifactLocation<'a> {
    uri: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'a> {
    execution_successful: bool,
    end_time_utc: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    arguments: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification<'a>>,
}

#[derive(Serialize)]
struct Notification<'a> {
    level: &'static str,
    message: Text<'a>,
    locations: [Location<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct RunProperties<'a> {
    subject: &'a str,
    subject_version: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location<'a>>,
    partial_fingerprints: Fingerprints<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suppressions: Vec<Suppression<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    baseline_state: Option<&'static str>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
struct Fingerprints<'a> {
    #[serde(rename = "chainrisk/v1")]
    v1: &'a str,
}

#[derive(Serialize)]
struct Suppression<'a> {
    kind: &'static str,
    status: &'static str,
    justification: &'a str,
    properties: SuppressionProperties<'a>,
}

#[derive(Serialize)]
struct SuppressionProperties<'a> {
    exception: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires: Option<&'a str>,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    severity: &'static str,
    category: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    component: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<&'a str>,
    evidence: Vec<EvidenceOut<'a>>,
}

#[derive(Serialize)]
struct EvidenceOut<'a> {
    key: &'a str,
    value: &'a str,
    source: &'a str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    physical_location: PhysicalLocation<'a>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<LocationProperties<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation<'a> {
    artifact_location: ArtifactLocation<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u64,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation<'a> {
    fully_qualified_name: &'a str,
    kind: &'static str,
}

#[derive(Serialize)]
struct LocationProperties<'a> {
    pointer: &'a str,
}

/// The inputs' paths as URIs, computed once: results borrow them.
fn input_uris(a: &Assessment) -> Vec<String> {
    a.inputs.iter().map(|d| uri(&d.path)).collect()
}

fn log<'a>(a: &'a Assessment, uris: &'a [String]) -> Log<'a> {
    let artifacts = a
        .inputs
        .iter()
        .zip(uris)
        .map(|(d, u)| Artifact {
            location: ArtifactLocation { uri: u },
            hashes: d.sha256.as_deref().map(|h| ArtifactHashes { sha256: h }),
            properties: d.format.map(|f| ArtifactProperties { format: f.as_str() }),
        })
        .collect();
    let failed: Vec<Notification> = a
        .inputs
        .iter()
        .zip(uris)
        .filter_map(|(d, u)| {
            let e = d.error.as_ref()?;
            Some(Notification {
                level: "error",
                message: text(format!("{}: {e}", d.path)),
                locations: [Location {
                    physical_location: PhysicalLocation {
                        artifact_location: ArtifactLocation { uri: u },
                        region: None,
                    },
                    logical_locations: Vec::new(),
                    properties: None,
                }],
            })
        })
        .collect();
    Log {
        schema: SARIF_SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: &a.tool.name,
                    version: &a.tool.version,
                    semantic_version: &a.tool.version,
                    rules: RULES.iter().map(descriptor).collect(),
                    properties: DriverProperties {
                        ruleset: &a.tool.ruleset,
                    },
                },
            },
            artifacts,
            invocations: [Invocation {
                execution_successful: failed.is_empty(),
                end_time_utc: &a.generated_at,
                arguments: a.invocation.as_ref().map(|i| i.args.as_slice()),
                tool_execution_notifications: failed,
            }],
            results: Streamed::new(move || a.findings.iter().map(move |f| result(a, uris, f))),
            properties: RunProperties {
                subject: &a.subject.name,
                subject_version: a.subject.version.as_deref(),
            },
        }],
    }
}

fn descriptor(r: &'static RuleInfo) -> Descriptor {
    Descriptor {
        id: r.id,
        name: r.name,
        short_description: text(r.name),
        full_description: text(format!("Fires when {}.", r.summary)),
        help: text(r.doc),
        default_configuration: Configuration {
            level: level(r.severity),
        },
        properties: DescriptorProperties {
            category: r.category.as_str(),
            maps_to: r.maps_to,
            severity: r.severity.as_str(),
            tags: [r.category.as_str()],
        },
    }
}

fn result<'a>(a: &'a Assessment, uris: &'a [String], f: &'a Finding) -> SarifResult<'a> {
    let component = f.component.and_then(|id| a.components.get(id));
    SarifResult {
        rule_id: &f.rule,
        rule_index: RULES.iter().position(|r| r.id == f.rule),
        level: level(f.severity),
        message: text(f.message.as_str()),
        locations: location(a, uris, f).into_iter().collect(),
        partial_fingerprints: Fingerprints { v1: &f.fingerprint },
        suppressions: f
            .exception
            .iter()
            .map(|e| Suppression {
                kind: "external",
                status: "accepted",
                justification: &e.reason,
                properties: SuppressionProperties {
                    exception: e.index,
                    owner: e.owner.as_deref(),
                    expires: e.expires.as_deref(),
                },
            })
            .collect(),
        baseline_state: f.baseline.map(|b| match b {
            BaselineState::New => "new",
            BaselineState::Known => "unchanged",
        }),
        properties: ResultProperties {
            severity: f.severity.as_str(),
            category: f.category.as_str(),
            component: component.map(|c| c.display_name()),
            purl: component.and_then(|c| c.purl.as_deref()),
            evidence: f
                .evidence
                .iter()
                .map(|e| EvidenceOut {
                    key: &e.key,
                    value: &e.value,
                    source: &e.source.0,
                })
                .collect(),
        },
    }
}

/// Where the finding was read: the component's first location, else the
/// first evidence naming an input (document findings), else the first input
/// that was read.
fn location<'a>(a: &'a Assessment, uris: &'a [String], f: &'a Finding) -> Option<Location<'a>> {
    let (input, pointer, line): (usize, Option<&str>, Option<u64>) =
        match f.component.and_then(|id| a.components.get(id)) {
            Some(c) => {
                let loc = c.locations.first()?;
                let line = loc
                    .pointer
                    .strip_prefix("line ")
                    .and_then(|l| l.parse().ok());
                (loc.input, Some(loc.pointer.as_str()), line)
            }
            None => f
                .evidence
                .iter()
                .find_map(|e| evidence_location(a, &e.source.0))
                .or_else(|| {
                    a.inputs
                        .iter()
                        .position(|d| d.error.is_none())
                        .map(|i| (i, None, None))
                })?,
        };
    let uri = uris.get(input)?;
    let mut loc = Location {
        physical_location: PhysicalLocation {
            artifact_location: ArtifactLocation { uri },
            region: None,
        },
        logical_locations: Vec::new(),
        properties: None,
    };
    if let Some(line) = line {
        loc.physical_location.region = Some(Region { start_line: line });
    } else if let Some(p) = pointer.filter(|p| !p.is_empty()) {
        loc.logical_locations.push(LogicalLocation {
            fully_qualified_name: p,
            kind: "object",
        });
        loc.properties = Some(LocationProperties { pointer: p });
    }
    Some(loc)
}

/// `sbom:<file>#<pointer>` or `lockfile:<file>:<line>` naming one of the
/// inputs: its index, and the pointer or the line.
fn evidence_location<'a>(
    a: &Assessment,
    source: &'a str,
) -> Option<(usize, Option<&'a str>, Option<u64>)> {
    let (file, pointer, line) = if let Some(rest) = source.strip_prefix("sbom:") {
        match rest.rsplit_once('#') {
            Some((f, p)) => (f, Some(p), None),
            None => (rest, None, None),
        }
    } else if let Some(rest) = source.strip_prefix("lockfile:") {
        match rest.rsplit_once(':') {
            Some((f, l)) if let Ok(n) = l.parse::<u64>() => (f, None, Some(n)),
            _ => match rest.rsplit_once('#') {
                Some((f, p)) => (f, Some(p), None),
                None => (rest, None, None),
            },
        }
    } else {
        return None;
    };
    let input = a.inputs.iter().position(|d| d.path == file)?;
    Some((input, pointer, line))
}

/// A path as a URI reference: forward slashes, and everything outside the
/// unreserved and path characters percent-encoded (a space, `#`, `%`, `?`).
pub fn uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let keep = |i: usize, ch: char| {
        is_unreserved(ch)
            || matches!(
                ch,
                '/' | '!' | '$' | '&' | '\'' | '(' | ')' | '*' | '+' | ',' | ';' | '=' | '@'
            )
            // A colon before the first slash would read as a scheme: encode it.
            || (ch == ':' && path[..i].contains('/'))
    };
    percent_encode(&path, keep).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_severity() {
        assert_eq!(level(Severity::Critical), "error");
        assert_eq!(level(Severity::High), "error");
        assert_eq!(level(Severity::Medium), "warning");
        assert_eq!(level(Severity::Low), "note");
        assert_eq!(level(Severity::Info), "note");
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("fixtures/demo/a.cdx.json"), "fixtures/demo/a.cdx.json");
        assert_eq!(uri("my sbom#1.json"), "my%20sbom%231.json");
        assert_eq!(uri("dir\\x.json"), "dir/x.json");
        assert_eq!(uri("c:x.json"), "c%3Ax.json");
        assert_eq!(uri("über.json"), "%C3%BCber.json");
    }

    #[test]
    fn one_descriptor_per_rule() {
        let a = Assessment::new(
            crate::model::Inventory::default(),
            crate::rules::Evaluation::default(),
            "2025-11-24T16:00:00Z".into(),
        );
        let v = to_value(&a);
        let rules = v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), RULES.len());
        assert_eq!(rules[0]["id"], RULES[0].id);
    }
}
