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

use serde_json::{Value, json};

use super::Assessment;
use crate::model::{BaselineState, Finding, Severity};
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
    let mut s = serde_json::to_string_pretty(&to_value(a)).unwrap_or_default();
    s.push('\n');
    s
}

pub fn to_value(a: &Assessment) -> Value {
    let rules: Vec<Value> = RULES.iter().map(descriptor).collect();
    let results: Vec<Value> = a.findings.iter().map(|f| result(a, f)).collect();
    let artifacts: Vec<Value> = a
        .inputs
        .iter()
        .map(|d| {
            let mut art = json!({ "location": { "uri": uri(&d.path) } });
            if let Some(h) = &d.sha256 {
                art["hashes"] = json!({ "sha-256": h });
            }
            if let Some(f) = d.format {
                art["properties"] = json!({ "format": f.as_str() });
            }
            art
        })
        .collect();
    let failed: Vec<Value> = a
        .inputs
        .iter()
        .filter_map(|d| {
            let e = d.error.as_ref()?;
            Some(json!({
                "level": "error",
                "message": { "text": format!("{}: {e}", d.path) },
                "locations": [{ "physicalLocation": { "artifactLocation": { "uri": uri(&d.path) } } }],
            }))
        })
        .collect();
    let mut invocation = json!({
        "executionSuccessful": failed.is_empty(),
        "endTimeUtc": a.generated_at,
    });
    if !failed.is_empty() {
        invocation["toolExecutionNotifications"] = Value::Array(failed);
    }
    if let Some(inv) = &a.invocation {
        invocation["arguments"] = json!(inv.args);
    }
    json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": a.tool.name,
                    "version": a.tool.version,
                    "semanticVersion": a.tool.version,
                    "rules": rules,
                    "properties": { "ruleset": a.tool.ruleset },
                }
            },
            "artifacts": artifacts,
            "invocations": [invocation],
            "results": results,
            "properties": {
                "subject": a.subject.name,
                "subjectVersion": a.subject.version,
            },
        }]
    })
}

fn descriptor(r: &RuleInfo) -> Value {
    json!({
        "id": r.id,
        "name": r.name,
        "shortDescription": { "text": r.name },
        "fullDescription": { "text": format!("Fires when {}.", r.summary) },
        "help": { "text": r.doc },
        "defaultConfiguration": { "level": level(r.severity) },
        "properties": {
            "category": r.category.as_str(),
            "maps-to": r.maps_to,
            "severity": r.severity.as_str(),
            "tags": [r.category.as_str()],
        },
    })
}

fn result(a: &Assessment, f: &Finding) -> Value {
    let mut r = json!({
        "ruleId": f.rule,
        "level": level(f.severity),
        "message": { "text": f.message },
        "partialFingerprints": { "chainrisk/v1": f.fingerprint },
    });
    if let Some(i) = RULES.iter().position(|r| r.id == f.rule) {
        r["ruleIndex"] = json!(i);
    }
    if let Some(loc) = location(a, f) {
        r["locations"] = json!([loc]);
    }
    if let Some(e) = &f.exception {
        let mut sup = json!({
            "kind": "external",
            "status": "accepted",
            "justification": e.reason,
        });
        let mut props = serde_json::Map::new();
        props.insert("exception".into(), json!(e.index));
        if let Some(o) = &e.owner {
            props.insert("owner".into(), json!(o));
        }
        if let Some(x) = &e.expires {
            props.insert("expires".into(), json!(x));
        }
        sup["properties"] = Value::Object(props);
        r["suppressions"] = json!([sup]);
    }
    if let Some(b) = f.baseline {
        r["baselineState"] = json!(match b {
            BaselineState::New => "new",
            BaselineState::Known => "unchanged",
        });
    }
    let mut props = json!({
        "severity": f.severity.as_str(),
        "category": f.category.as_str(),
        "evidence": f.evidence.iter().map(|e| json!({
            "key": e.key, "value": e.value, "source": e.source.0,
        })).collect::<Vec<_>>(),
    });
    if let Some(c) = f.component.and_then(|id| a.components.get(id)) {
        props["component"] = json!(c.display_name());
        if let Some(p) = &c.purl {
            props["purl"] = json!(p);
        }
    }
    r["properties"] = props;
    r
}

/// Where the finding was read: the component's first location, else the
/// first evidence naming an input (document findings), else the first input
/// that was read.
fn location(a: &Assessment, f: &Finding) -> Option<Value> {
    let (path, pointer) = match f.component.and_then(|id| a.components.get(id)) {
        Some(c) => {
            let loc = c.locations.first()?;
            let doc = a.inputs.get(loc.input)?;
            (doc.path.clone(), Some(loc.pointer.clone()))
        }
        None => f
            .evidence
            .iter()
            .find_map(|e| evidence_location(a, &e.source.0))
            .or_else(|| {
                a.inputs
                    .iter()
                    .find(|d| d.error.is_none())
                    .map(|d| (d.path.clone(), None))
            })?,
    };
    let mut phys = json!({ "artifactLocation": { "uri": uri(&path) } });
    let mut loc = json!({});
    if let Some(p) = pointer.as_deref() {
        if let Some(line) = p.strip_prefix("line ").and_then(|l| l.parse::<u64>().ok()) {
            phys["region"] = json!({ "startLine": line });
        } else if !p.is_empty() {
            loc["logicalLocations"] = json!([{ "fullyQualifiedName": p, "kind": "object" }]);
            loc["properties"] = json!({ "pointer": p });
        }
    }
    loc["physicalLocation"] = phys;
    Some(loc)
}

/// `sbom:<file>#<pointer>` or `lockfile:<file>:<line>` naming one of the inputs.
fn evidence_location(a: &Assessment, source: &str) -> Option<(String, Option<String>)> {
    let (file, pointer) = if let Some(rest) = source.strip_prefix("sbom:") {
        match rest.rsplit_once('#') {
            Some((f, p)) => (f, Some(p.to_string())),
            None => (rest, None),
        }
    } else if let Some(rest) = source.strip_prefix("lockfile:") {
        match rest.rsplit_once(':') {
            Some((f, l)) if l.bytes().all(|b| b.is_ascii_digit()) && !l.is_empty() => {
                (f, Some(format!("line {l}")))
            }
            _ => match rest.rsplit_once('#') {
                Some((f, p)) => (f, Some(p.to_string())),
                None => (rest, None),
            },
        }
    } else {
        return None;
    };
    a.inputs
        .iter()
        .any(|d| d.path == file)
        .then(|| (file.to_string(), pointer))
}

/// A path as a URI reference: forward slashes, and everything outside the
/// unreserved and path characters percent-encoded (a space, `#`, `%`, `?`).
pub fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'/'
            | b'!'
            | b'$'
            | b'&'
            | b'\''
            | b'('
            | b')'
            | b'*'
            | b'+'
            | b','
            | b';'
            | b'='
            | b'@' => out.push(b as char),
            b':' if !out.contains('/') => {
                // A colon before the first slash would read as a scheme: encode it.
                out.push_str("%3A")
            }
            b':' => out.push(':'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
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
