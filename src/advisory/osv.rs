//! OSV advisories (the OpenSSF schema): one JSON object per file, with
//! `affected[]` packages, their `ranges[]` of `introduced` / `fixed` /
//! `last_affected` / `limit` events and their listed `versions[]`.

use serde::Deserialize;
use std::cmp::Ordering;

use super::{Advisory, AdvisorySeverity, Affected, AffectedPackage, Kind, Match};
use crate::model::Version;
use crate::model::{Ecosystem, InputError, Position};

#[derive(Deserialize)]
struct Record {
    id: String,
    #[serde(default)]
    modified: Option<String>,
    #[serde(default)]
    published: Option<String>,
    #[serde(default)]
    withdrawn: Option<String>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    summary: Option<String>,
    #[serde(default)]
    affected: Vec<RecordAffected>,
    #[serde(default)]
    database_specific: Option<serde_json::Value>,
    /// `[{"type": "CVSS_V3", "score": "CVSS:3.1/…"}]`; read leniently.
    #[serde(default)]
    severity: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct RecordAffected {
    package: RecordPackage,
    #[serde(default)]
    ranges: Vec<RecordRange>,
    #[serde(default)]
    versions: Vec<String>,
    #[serde(default)]
    database_specific: Option<serde_json::Value>,
    #[serde(default)]
    ecosystem_specific: Option<serde_json::Value>,
    #[serde(default)]
    severity: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct RecordPackage {
    ecosystem: String,
    name: String,
}

#[derive(Deserialize)]
struct RecordRange {
    #[serde(rename = "type")]
    kind: String,
    events: Vec<serde_json::Map<String, serde_json::Value>>,
}

/// How a range's event versions are ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RangeKind {
    Semver,
    Ecosystem,
    /// Commit hashes: no version order; only the listed `versions` are judged.
    Git,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    Introduced(String),
    Fixed(String),
    LastAffected(String),
    Limit(String),
}

#[derive(Clone, Debug)]
pub struct Range {
    pub kind: RangeKind,
    pub events: Vec<Event>,
}

impl Range {
    pub fn has_fix(&self) -> bool {
        self.events.iter().any(|e| matches!(e, Event::Fixed(_)))
    }

    pub fn fixed(&self) -> impl Iterator<Item = String> + '_ {
        self.events.iter().filter_map(|e| match e {
            Event::Fixed(v) => Some(v.clone()),
            _ => None,
        })
    }

    /// Whether `v` falls in the range; `Err` when an event version does not
    /// parse in the range's scheme. Events are applied in version order: an
    /// introduction at or below `v` opens, a fix at or below it closes.
    fn contains(&self, ecosystem: &Ecosystem, v: &Version) -> Result<bool, InputError> {
        let parse = |s: &str| -> Result<Option<Version>, InputError> {
            if s == "0" {
                return Ok(None); // "0": from the first version on.
            }
            scheme_parse(self.kind, ecosystem, s)
                .map(Some)
                .ok_or_else(|| InputError::new(format!("event version {s:?} does not parse")))
        };
        let mut events = Vec::with_capacity(self.events.len());
        for e in &self.events {
            let (Event::Introduced(s) | Event::Fixed(s) | Event::LastAffected(s) | Event::Limit(s)) =
                e;
            events.push((e, parse(s)?));
        }
        let order = |a: &Option<Version>, b: &Option<Version>| match (a, b) {
            (None, None) => Ordering::Equal,
            (None, _) => Ordering::Less,
            (_, None) => Ordering::Greater,
            (Some(a), Some(b)) => a.compare(b).unwrap_or(Ordering::Equal),
        };
        events.sort_by(|a, b| order(&a.1, &b.1));
        let at_or_above = |x: &Option<Version>| {
            x.as_ref()
                .is_none_or(|x| v.compare(x).is_some_and(|o| o != Ordering::Less))
        };
        let mut affected = false;
        for (event, at) in &events {
            match event {
                Event::Introduced(_) if at_or_above(at) => affected = true,
                Event::Fixed(_) | Event::Limit(_) if at_or_above(at) => affected = false,
                Event::LastAffected(_)
                    if at
                        .as_ref()
                        .is_some_and(|x| v.compare(x) == Some(Ordering::Greater)) =>
                {
                    affected = false
                }
                _ => {}
            }
        }
        Ok(affected)
    }
}

/// SEMVER ranges compare as semver (a Go-style `v` prefix allowed),
/// ECOSYSTEM ranges by the ecosystem's own order.
fn scheme_parse(kind: RangeKind, ecosystem: &Ecosystem, s: &str) -> Option<Version> {
    match kind {
        RangeKind::Semver => Version::parse(&Ecosystem::Golang, s),
        RangeKind::Ecosystem => Version::parse(ecosystem, s),
        RangeKind::Git => None,
    }
}

/// Whether the OSV ranges and listed versions of one package cover `version`.
pub fn affects(
    ecosystem: &Ecosystem,
    ranges: &[Range],
    versions: &[String],
    version: &str,
) -> Match {
    let version = version.trim();
    let listed = |v: &Version| {
        versions
            .iter()
            .filter_map(|l| Version::parse(ecosystem, l))
            .any(|l| l.compare(v) == Some(Ordering::Equal))
    };
    if versions.iter().any(|l| l == version) {
        return Match::Affected;
    }
    let mut judged = !versions.is_empty();
    for r in ranges.iter().filter(|r| r.kind != RangeKind::Git) {
        let Some(v) = scheme_parse(r.kind, ecosystem, version) else {
            return Match::Unknown(format!(
                "{version:?} is not a {} version",
                ecosystem.as_str()
            ));
        };
        match r.contains(ecosystem, &v) {
            Ok(true) => return Match::Affected,
            Ok(false) => judged = true,
            Err(e) => return Match::Unknown(e.to_string()),
        }
    }
    if let Some(v) = Version::parse(ecosystem, version)
        && listed(&v)
    {
        return Match::Affected;
    }
    if judged {
        Match::NotAffected
    } else {
        Match::Unknown("the advisory gives only commit ranges".to_string())
    }
}

/// The lowest `fixed` event above `version` in the ranges that compare
/// versions (a `GIT` range's fixes are commits), as the advisory writes it.
pub fn nearest_fix(ecosystem: &Ecosystem, ranges: &[Range], version: &str) -> Option<String> {
    let mut best: Option<(Version, &str)> = None;
    for r in ranges.iter().filter(|r| r.kind != RangeKind::Git) {
        let used = scheme_parse(r.kind, ecosystem, version.trim())?;
        for e in &r.events {
            let Event::Fixed(fixed) = e else { continue };
            let Some(v) = scheme_parse(r.kind, ecosystem, fixed) else {
                continue;
            };
            if v.compare(&used) != Some(Ordering::Greater) {
                continue;
            }
            if best
                .as_ref()
                .is_none_or(|(b, _)| v.compare(b) == Some(Ordering::Less))
            {
                best = Some((v, fixed));
            }
        }
    }
    best.map(|(_, text)| text.to_string())
}

/// The OSV ecosystem names chainrisk judges (`Debian:12` → `Debian`).
pub fn ecosystem(name: &str) -> Ecosystem {
    let base = name.split(':').next().unwrap_or(name);
    match base {
        "crates.io" => Ecosystem::Cargo,
        "npm" => Ecosystem::Npm,
        "PyPI" => Ecosystem::Pypi,
        "Go" => Ecosystem::Golang,
        "Maven" => Ecosystem::Maven,
        "NuGet" => Ecosystem::Nuget,
        "RubyGems" => Ecosystem::Gem,
        "Packagist" => Ecosystem::Composer,
        other => Ecosystem::Other(other.to_ascii_lowercase()),
    }
}

fn informational(v: &Option<serde_json::Value>) -> Option<&str> {
    v.as_ref()?.get("informational")?.as_str()
}

/// The CVSS vectors of an OSV `severity` list (entries of other types, such
/// as `Ubuntu`, carry a word, which [`stated_severity`] reads instead).
fn cvss_vectors(v: &Option<serde_json::Value>, out: &mut Vec<String>) {
    let Some(list) = v.as_ref().and_then(|v| v.as_array()) else {
        return;
    };
    for entry in list {
        let kind = entry.get("type").and_then(|t| t.as_str()).unwrap_or("");
        if let Some(score) = entry.get("score").and_then(|s| s.as_str())
            && kind.starts_with("CVSS")
            && !score.trim().is_empty()
            && !out.iter().any(|v| v == score.trim())
        {
            out.push(score.trim().to_string());
        }
    }
}

/// A severity in words: `database_specific.severity` (GHSA) or
/// `ecosystem_specific.severity` (distributions).
fn stated_severity(v: &Option<serde_json::Value>) -> Option<String> {
    let s = v.as_ref()?.get("severity")?.as_str()?.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// Reads one OSV file; `Ok(None)` for a withdrawn advisory.
pub fn parse(file: &str, text: &str) -> Result<Option<Advisory>, InputError> {
    let err = |line: Option<usize>, message: String| {
        InputError::in_file(file, line.map(Position::line), message)
    };
    let de = &mut serde_json::Deserializer::from_str(text);
    let record: Record = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let at = if path == "." {
            String::new()
        } else {
            format!("{path}: ")
        };
        err(
            Some(inner.line()).filter(|l| *l > 0),
            format!("invalid OSV advisory: {at}{inner}"),
        )
    })?;
    if record.withdrawn.is_some() {
        return Ok(None);
    }
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).map(|n| n + 1);
    let top_kind = informational(&record.database_specific);
    let mut kind = Kind::from_informational(top_kind);
    let mut severity = AdvisorySeverity {
        cvss: Vec::new(),
        stated: stated_severity(&record.database_specific),
    };
    cvss_vectors(&record.severity, &mut severity.cvss);
    let mut packages = Vec::with_capacity(record.affected.len());
    for a in record.affected {
        if kind == Kind::Vulnerability {
            kind = Kind::from_informational(informational(&a.database_specific));
        }
        cvss_vectors(&a.severity, &mut severity.cvss);
        if severity.stated.is_none() {
            severity.stated = stated_severity(&a.database_specific)
                .or_else(|| stated_severity(&a.ecosystem_specific));
        }
        let mut ranges = Vec::with_capacity(a.ranges.len());
        for r in a.ranges {
            let kind = match r.kind.as_str() {
                "SEMVER" => RangeKind::Semver,
                "ECOSYSTEM" => RangeKind::Ecosystem,
                "GIT" => RangeKind::Git,
                other => {
                    return Err(err(
                        line_of(&format!("\"{other}\"")),
                        format!("range type {other:?}: expected SEMVER, ECOSYSTEM or GIT"),
                    ));
                }
            };
            let mut events = Vec::with_capacity(r.events.len());
            for e in r.events {
                let Some((key, value)) = e.iter().next() else {
                    return Err(err(
                        None,
                        "an empty range event: expected introduced, fixed, last_affected or limit"
                            .into(),
                    ));
                };
                let Some(value) = value.as_str().map(str::to_string) else {
                    return Err(err(
                        line_of(&format!("\"{key}\"")),
                        format!("range event {key}: expected a version string"),
                    ));
                };
                events.push(match key.as_str() {
                    "introduced" => Event::Introduced(value),
                    "fixed" => Event::Fixed(value),
                    "last_affected" => Event::LastAffected(value),
                    "limit" => Event::Limit(value),
                    other => {
                        return Err(err(
                            line_of(&format!("\"{other}\"")),
                            format!("range event {other:?}: expected introduced, fixed, last_affected or limit"),
                        ));
                    }
                });
            }
            ranges.push(Range { kind, events });
        }
        packages.push(AffectedPackage {
            ecosystem: ecosystem(&a.package.ecosystem),
            name: a.package.name,
            versions: Affected::Ranges {
                ranges,
                versions: a.versions,
            },
        });
    }
    let day = |t: &Option<String>| t.as_ref().and_then(|t| t.get(..10)).map(str::to_string);
    for (key, value) in [
        ("published", &record.published),
        ("modified", &record.modified),
    ] {
        if let Some(v) = value
            && jiff::civil::Date::strptime("%Y-%m-%d", v.get(..10).unwrap_or(v)).is_err()
        {
            return Err(err(
                line_of(&format!("\"{key}\"")),
                format!("{key}: expected an RFC 3339 time, found {v:?}"),
            ));
        }
    }
    Ok(Some(Advisory {
        id: record.id,
        kind,
        date: day(&record.published).or_else(|| day(&record.modified)),
        updated: day(&record.modified),
        aliases: record.aliases,
        title: record.summary,
        file: file.to_string(),
        severity,
        packages,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn advisory(ranges: &str, versions: &str) -> Advisory {
        let text = format!(
            r#"{{"id": "GHSA-test-0000-0000", "modified": "2026-01-02T03:04:05Z", "published": "2025-12-01T00:00:00Z",
              "affected": [{{"package": {{"ecosystem": "PyPI", "name": "Some_Package"}},
                             "ranges": {ranges}, "versions": {versions}}}]}}"#
        );
        parse("osv/GHSA-test.json", &text).unwrap().unwrap()
    }

    #[test]
    fn ecosystem_ranges_use_pep440_for_pypi() {
        let a = advisory(
            r#"[{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2.0rc1"}, {"introduced": "2.1"}, {"last_affected": "2.3.post1"}]}]"#,
            "[]",
        );
        assert_eq!(a.date.as_deref(), Some("2025-12-01"));
        assert_eq!(a.updated.as_deref(), Some("2026-01-02"));
        let p = &a.packages[0];
        assert_eq!(p.ecosystem, Ecosystem::Pypi);
        assert!(p.has_fix());
        assert_eq!(p.matches("1.9"), Match::Affected);
        assert_eq!(p.matches("2.0b3"), Match::Affected);
        assert_eq!(p.matches("2.0"), Match::NotAffected);
        assert_eq!(p.matches("2.1.0"), Match::Affected);
        assert_eq!(p.matches("2.3.post1"), Match::Affected);
        assert_eq!(p.matches("2.4"), Match::NotAffected);
        assert!(matches!(p.matches("banana"), Match::Unknown(_)));
    }

    #[test]
    fn listed_versions_and_git_ranges() {
        let a = advisory(
            r#"[{"type": "GIT", "repo": "https://git.example/x", "events": [{"introduced": "abc"}]}]"#,
            r#"["1.0", "1.1"]"#,
        );
        let p = &a.packages[0];
        assert!(!p.has_fix());
        assert_eq!(p.matches("1.1"), Match::Affected);
        // PEP 440: 1.0.0 is 1.0.
        assert_eq!(p.matches("1.0.0"), Match::Affected);
        assert_eq!(p.matches("1.2"), Match::NotAffected);
        let only_git = advisory(
            r#"[{"type": "GIT", "repo": "https://git.example/x", "events": [{"introduced": "abc"}]}]"#,
            "[]",
        );
        assert!(matches!(
            only_git.packages[0].matches("1.0"),
            Match::Unknown(_)
        ));
    }

    #[test]
    fn semver_ranges_and_withdrawn_records() {
        let text = r#"{"id": "GHSA-aaaa-bbbb-cccc", "modified": "2026-03-01T00:00:00Z",
            "affected": [{"package": {"ecosystem": "npm", "name": "@scope/pkg"},
              "ranges": [{"type": "SEMVER", "events": [{"introduced": "1.2.0"}]}],
              "database_specific": {"informational": "unmaintained"}}]}"#;
        let a = parse("a.json", text).unwrap().unwrap();
        assert_eq!(a.kind, Kind::Unmaintained);
        let p = &a.packages[0];
        assert!(!p.has_fix());
        assert_eq!(p.matches("1.1.9"), Match::NotAffected);
        assert_eq!(p.matches("1.2.0"), Match::Affected);
        assert_eq!(p.matches("3.0.0-beta.1"), Match::Affected);
        let withdrawn = text.replace(
            "\"modified\"",
            "\"withdrawn\": \"2026-04-01T00:00:00Z\", \"modified\"",
        );
        assert!(parse("a.json", &withdrawn).unwrap().is_none());
    }

    #[test]
    fn go_modules_compare_with_their_v_prefix() {
        let text = r#"{"id": "GO-2023-1737", "modified": "2026-05-05T00:00:00Z",
            "affected": [{"package": {"ecosystem": "Go", "name": "github.com/gin-gonic/gin"},
              "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.9.1"}]}]}]}"#;
        let a = parse("GO-2023-1737.json", text).unwrap().unwrap();
        let p = &a.packages[0];
        assert_eq!(p.ecosystem, Ecosystem::Golang);
        assert_eq!(p.matches("v1.9.0"), Match::Affected);
        assert_eq!(p.matches("v1.9.1"), Match::NotAffected);
        assert_eq!(
            p.matches("v0.0.0-20190301021747-ccb9e902956d"),
            Match::Affected
        );
        let mut c = crate::model::Component::named("gin");
        c.set_purl("pkg:golang/github.com/gin-gonic/gin@v1.9.0")
            .unwrap();
        let set = crate::advisory::AdvisorySet::new(Vec::new(), vec![a]);
        assert_eq!(set.for_component(&c).count(), 1);
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        /// Any event versions, in any order: a match answer, never a panic.
        #[test]
        fn arbitrary_ranges_never_panic(
            events in proptest::collection::vec(("(introduced|fixed|last_affected|limit)", "(0|[0-9]{1,2}(\\.[0-9a-z]{1,3}){0,3}|[a-z]{1,4})"), 0..6),
            version in "[0-9a-z.\\-+]{0,12}",
            eco in "(npm|PyPI|Go|Maven|crates\\.io)",
        ) {
            let events: Vec<String> = events.iter().map(|(k, v)| format!("{{\"{k}\": \"{v}\"}}")).collect();
            let text = format!(
                r#"{{"id": "X", "affected": [{{"package": {{"ecosystem": "{eco}", "name": "p"}}, "ranges": [{{"type": "ECOSYSTEM", "events": [{}]}}]}}]}}"#,
                events.join(",")
            );
            if let Ok(Some(a)) = parse("x.json", &text) {
                let _ = a.packages[0].matches(&version);
            }
        }
    }

    #[test]
    fn errors_name_file_line_and_what_was_expected() {
        let text = "{\n  \"id\": \"GHSA-x\",\n  \"affected\": [\n    {\"package\": {\"ecosystem\": \"npm\"}}\n  ]\n}\n";
        let e = parse("bad.json", text).unwrap_err();
        assert_eq!(e.line(), Some(4), "{e}");
        assert!(e.message.contains("name"), "{e}");
        let e = parse("bad.json", "{\n \"id\": \"x\",\n \"affected\": [,]\n}").unwrap_err();
        assert_eq!(e.line(), Some(3), "{e}");
        let e = parse(
            "bad.json",
            r#"{"id": "x", "affected": [{"package": {"ecosystem": "npm", "name": "a"}, "ranges": [{"type": "DATE", "events": []}]}]}"#,
        )
        .unwrap_err();
        assert!(e.message.contains("SEMVER, ECOSYSTEM or GIT"), "{e}");
    }
}
