//! Portable snapshots of package facts for offline scans.
//!
//! A snapshot is one JSON document (`chainrisk.snapshot/v1`): when it was
//! written, by which tool, and the normalised facts of each package with the
//! time they were fetched. An assessor's lab without network scans against it
//! and gets the same origins as the machine that exported it.

use std::collections::HashMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::cache::Entry;
use crate::model::untrusted::escape;
use crate::model::{Ecosystem, InputError, PackageFacts, Position, Presence, SnapshotInfo, Tool};

pub const FORMAT: &str = "chainrisk.snapshot/v1";

/// How far ahead of the scan's clock a snapshot's times may be before they
/// count as in the future: two machines' clocks and time zones disagree.
const CLOCK_SKEW_SECONDS: i64 = 86_400;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub format: String,
    /// RFC 3339 time the snapshot was written.
    pub created_at: String,
    pub tool: Tool,
    pub packages: Vec<SnapshotPackage>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SnapshotPackage {
    pub ecosystem: Ecosystem,
    pub registry: String,
    pub name: String,
    pub status: Presence,
    /// RFC 3339 time the facts were fetched from the registry.
    pub fetched_at: String,
    pub facts: PackageFacts,
    /// The versions these facts were asked about: for those, "not listed"
    /// is a fact; for others the snapshot simply predates them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub checked: Vec<String>,
}

impl SnapshotPackage {
    pub fn from_entry(e: &Entry) -> SnapshotPackage {
        SnapshotPackage {
            ecosystem: e.facts.ecosystem.clone(),
            registry: e.facts.registry.clone(),
            name: e.facts.name.clone(),
            status: e.facts.presence,
            fetched_at: e.fetched_at.clone(),
            facts: e.facts.clone(),
            checked: e.checked.clone(),
        }
    }
}

impl SnapshotPackage {
    /// Keeps registry checksums only for the versions in use: the rules
    /// compare hashes of those versions alone, and every file hash of every
    /// release is most of a PyPI project's size. All other facts stay whole.
    pub fn keep_checksums_of(mut self, in_use: &[String]) -> SnapshotPackage {
        let eco = self.ecosystem.clone();
        for r in &mut self.facts.versions {
            if !in_use
                .iter()
                .any(|v| super::derive::same_version(&eco, v, &r.version))
            {
                r.checksums.clear();
            }
        }
        self
    }
}

impl Snapshot {
    /// A snapshot of `entries` written by `tool`, sorted so that equal facts
    /// give equal files.
    pub fn new(
        tool: Tool,
        created_at: String,
        entries: impl IntoIterator<Item = SnapshotPackage>,
    ) -> Snapshot {
        let mut packages: Vec<SnapshotPackage> = entries.into_iter().collect();
        packages.sort_by(|a, b| {
            (a.ecosystem.as_str(), &a.registry, &a.name).cmp(&(
                b.ecosystem.as_str(),
                &b.registry,
                &b.name,
            ))
        });
        Snapshot {
            format: FORMAT.to_string(),
            created_at,
            tool,
            packages,
        }
    }

    pub fn write(&self, path: &Path) -> Result<(), String> {
        let mut text = serde_json::to_string_pretty(self)
            .map_err(|e| format!("cannot serialise the snapshot: {e}"))?;
        text.push('\n');
        crate::model::atomic_write::write_atomically(path, text.as_bytes())
    }
}

/// A snapshot read from a file, indexed for lookups.
#[derive(Clone, Debug)]
pub struct Loaded {
    /// The path as the user gave it, for evidence (`snapshot:<file>@<created>`).
    pub file: String,
    pub snapshot: Snapshot,
    created: jiff::Timestamp,
    /// The latest fetch time of any entry, and that entry's index.
    latest_fetch: Option<(jiff::Timestamp, usize)>,
    index: HashMap<(Ecosystem, String), Vec<usize>>,
}

impl Loaded {
    /// The facts of a package: those fetched from `registry` when the snapshot
    /// has them; else, with `any_registry` (offline, or no endpoint
    /// configured: a lab), those of the first registry it holds for the
    /// package. Online with an endpoint, another registry's facts are never
    /// taken for the configured one's: that could hide a package unknown to
    /// a private registry.
    pub fn lookup(
        &self,
        ecosystem: &Ecosystem,
        registry: Option<&str>,
        name: &str,
        any_registry: bool,
    ) -> Option<&SnapshotPackage> {
        let hits = self.index.get(&(ecosystem.clone(), name.to_string()))?;
        let exact = registry.and_then(|r| {
            hits.iter()
                .find(|&&i| self.snapshot.packages[i].registry == r)
        });
        let pick = match exact {
            Some(i) => i,
            None if any_registry || registry.is_none() => hits.first()?,
            None => return None,
        };
        self.snapshot.packages.get(*pick)
    }

    /// The report's account of this snapshot, aged at `now`. A snapshot
    /// written, or holding facts fetched, in the future (beyond clock skew)
    /// has no age anyone can know: it is stale, at age 0.
    pub fn info(&self, now: jiff::Timestamp, max_age_days: i64) -> SnapshotInfo {
        let age_days = ((now.as_second() - self.created.as_second()) / 86_400).max(0);
        SnapshotInfo {
            file: self.file.clone(),
            created_at: self.snapshot.created_at.clone(),
            format: self.snapshot.format.clone(),
            packages: self.snapshot.packages.len(),
            age_days,
            stale: age_days > max_age_days || !self.warnings(now).is_empty(),
        }
    }

    /// What makes this snapshot's age unknowable: a creation time or a fetch
    /// time in the future. The future is counted from this machine's clock,
    /// or from `now` when the scan time is set later (`SOURCE_DATE_EPOCH`
    /// may set it earlier: facts fetched today are not in the future then).
    pub fn warnings(&self, now: jiff::Timestamp) -> Vec<String> {
        let clock = now.max(jiff::Timestamp::now());
        let ahead = |t: jiff::Timestamp| {
            let seconds = t.as_second() - clock.as_second();
            (seconds > CLOCK_SKEW_SECONDS).then_some(seconds / 86_400)
        };
        let mut out = Vec::new();
        if let Some(days) = ahead(self.created) {
            out.push(format!(
                "snapshot {}: created in the future ({}, {days} days ahead of this machine's clock): its age cannot be known; treated as stale",
                self.file, self.snapshot.created_at
            ));
        }
        if let Some((fetched, i)) = self.latest_fetch
            && let Some(days) = ahead(fetched)
        {
            let p = &self.snapshot.packages[i];
            out.push(format!(
                "snapshot {}: packages[{i}] ({}/{}) was fetched in the future ({}, {days} days ahead of this machine's clock): the snapshot's age cannot be known; treated as stale",
                self.file,
                p.ecosystem.as_str(),
                p.name,
                p.fetched_at
            ));
        }
        out
    }

    /// Whether the snapshot says it was written in the future.
    fn created_in_future(&self, now: jiff::Timestamp) -> bool {
        let clock = now.max(jiff::Timestamp::now());
        self.created.as_second() - clock.as_second() > CLOCK_SKEW_SECONDS
    }
}

/// Reads and checks a snapshot. Errors name the file and, for malformed
/// JSON or a field of the wrong shape, the line, column and field path.
pub fn load(path: &Path) -> Result<Loaded, InputError> {
    let file = path.display().to_string();
    let text = crate::model::document_read::read_text_document(path)
        .map_err(|e| InputError::in_file(&file, None, format!("cannot read: {e}")))?;
    parse(&file, &text)
}

pub fn parse(file: &str, text: &str) -> Result<Loaded, InputError> {
    let err = |message: String| InputError::in_file(file, None, message);
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Check the format first: another version's layout would otherwise fail
    // with a confusing message about some field deep inside.
    let mut de = serde_json::Deserializer::from_str(text);
    let head: Head = serde_path_to_error::deserialize(&mut de).map_err(|e| located(file, e))?;
    let Some(format) = head.format.as_deref() else {
        return Err(head.not_a_snapshot(file));
    };
    if format != FORMAT {
        return Err(err(format!(
            "unsupported snapshot format {format:?}; expected {FORMAT:?}"
        )));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let snapshot: Snapshot =
        serde_path_to_error::deserialize(&mut de).map_err(|e| located(file, e))?;
    let created = snapshot
        .created_at
        .trim()
        .parse::<jiff::Timestamp>()
        .map_err(|e| {
            err(format!(
                "created_at {:?} is not an RFC 3339 time: {e}",
                snapshot.created_at
            ))
        })?;
    let mut index: HashMap<(Ecosystem, String), Vec<usize>> = HashMap::new();
    let mut latest_fetch: Option<(jiff::Timestamp, usize)> = None;
    for (i, p) in snapshot.packages.iter().enumerate() {
        if p.facts.ecosystem != p.ecosystem || p.facts.name != p.name {
            return Err(err(format!(
                "packages[{i}]: facts are of {}/{} but the entry is {}/{}",
                p.facts.ecosystem.as_str(),
                p.facts.name,
                p.ecosystem.as_str(),
                p.name
            )));
        }
        if let Ok(t) = p.fetched_at.trim().parse::<jiff::Timestamp>()
            && latest_fetch.is_none_or(|(latest, _)| t > latest)
        {
            latest_fetch = Some((t, i));
        }
        let hits = index
            .entry((p.ecosystem.clone(), p.name.clone()))
            .or_default();
        // Two answers of one registry about one package: which to believe
        // is not chainrisk's to guess (it never writes such a file).
        match hits
            .iter()
            .find(|&&j| snapshot.packages[j].registry == p.registry)
        {
            Some(&j) if snapshot.packages[j] != *p => {
                return Err(err(format!(
                    "packages[{i}]: {}/{} from {} is also packages[{j}], with different facts; a snapshot holds one entry per package and registry",
                    p.ecosystem.as_str(),
                    p.name,
                    p.registry
                )));
            }
            // An identical copy adds nothing.
            Some(_) => {}
            None => hits.push(i),
        }
    }
    Ok(Loaded {
        file: file.to_string(),
        snapshot,
        created,
        latest_fetch,
        index,
    })
}

/// The part of a snapshot read before anything else.
#[derive(Deserialize)]
struct Head {
    format: Option<String>,
    /// What tells another JSON document apart, for a message that says what it is.
    schema: Option<String>,
    #[serde(rename = "bomFormat")]
    bom_format: Option<String>,
    #[serde(rename = "spdxVersion")]
    spdx_version: Option<String>,
}

impl Head {
    /// Why a document without a snapshot's `format` is not a snapshot, by what it is.
    fn not_a_snapshot(&self, file: &str) -> InputError {
        let what = if self
            .schema
            .as_deref()
            .is_some_and(|s| s.starts_with("chainrisk.report/"))
        {
            "is a chainrisk report, not a registry snapshot"
        } else if self.bom_format.is_some() || self.spdx_version.is_some() {
            "is an SBOM, not a registry snapshot"
        } else {
            "has no \"format\" field: it is not a chainrisk registry snapshot"
        };
        InputError::in_file(
            file,
            None,
            format!("{what} (make one with `chainrisk snapshot export -o FILE INPUT…`)"),
        )
    }
}

/// `file:line:column: at PATH: message`, PATH being the field being read
/// (`packages[0].facts.name`) when serde_path_to_error knows it.
fn located(file: &str, e: serde_path_to_error::Error<serde_json::Error>) -> InputError {
    let path = e.path().to_string();
    let inner = e.into_inner();
    let mut position = Position::line_col(inner.line(), inner.column());
    if !path.is_empty() && path != "." {
        position.pointer = Some(path);
    }
    // serde_json appends " at line L column C" to its messages; keep ours only.
    let msg = inner.to_string();
    let msg = msg
        .rsplit_once(" at line ")
        .map(|(m, _)| m.to_string())
        .unwrap_or(msg);
    InputError::in_file(file, Some(position), msg)
}

/// A human summary for `chainrisk snapshot info`.
pub fn describe(loaded: &Loaded, now: jiff::Timestamp, max_age_days: i64) -> String {
    use std::collections::BTreeMap;
    use std::fmt::Write;
    let info = loaded.info(now, max_age_days);
    let s = &loaded.snapshot;
    let mut out = String::new();
    // Every value but the counts is read from the file, which may be anyone's.
    let _ = writeln!(out, "snapshot   {}", escape(&info.file));
    let _ = writeln!(out, "format     {}", escape(&s.format));
    let warnings = loaded.warnings(now);
    let _ = writeln!(
        out,
        "created    {} ({})",
        escape(&s.created_at),
        if loaded.created_in_future(now) {
            "in the future: stale".to_string()
        } else if info.age_days > max_age_days {
            format!(
                "{} days ago, older than {max_age_days} days: stale",
                info.age_days
            )
        } else if info.stale {
            format!("{} days ago; stale: see below", info.age_days)
        } else {
            format!("{} days ago", info.age_days)
        }
    );
    let _ = writeln!(
        out,
        "tool       {} {} (rules {})",
        escape(&s.tool.name),
        escape(&s.tool.version),
        escape(&s.tool.ruleset)
    );
    let _ = writeln!(out, "packages   {}", s.packages.len());
    let mut per: BTreeMap<(&str, &str), (usize, usize)> = BTreeMap::new();
    for p in &s.packages {
        let slot = per
            .entry((p.ecosystem.as_str(), p.registry.as_str()))
            .or_default();
        match p.status {
            Presence::Found => slot.0 += 1,
            Presence::NotFound => slot.1 += 1,
        }
    }
    for ((eco, registry), (found, missing)) in per {
        let _ = writeln!(
            out,
            "  {:<8} {found} found, {missing} not found  ({})",
            escape(eco),
            escape(registry)
        );
    }
    let times: Vec<&str> = s.packages.iter().map(|p| p.fetched_at.as_str()).collect();
    if let (Some(oldest), Some(newest)) = (times.iter().min(), times.iter().max()) {
        let _ = writeln!(out, "fetched    {} .. {}", escape(oldest), escape(newest));
    }
    for w in warnings {
        let _ = writeln!(out, "warning    {}", escape(&w));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn package(eco: Ecosystem, registry: &str, name: &str) -> SnapshotPackage {
        SnapshotPackage {
            ecosystem: eco.clone(),
            registry: registry.into(),
            name: name.into(),
            status: Presence::Found,
            fetched_at: "2026-01-01T00:00:00Z".into(),
            checked: Vec::new(),
            facts: PackageFacts {
                ecosystem: eco,
                registry: registry.into(),
                name: name.into(),
                latest: Some("1.0.0".into()),
                ..PackageFacts::default()
            },
        }
    }

    #[test]
    fn round_trips_and_prefers_the_configured_registry() {
        let snap = Snapshot::new(
            Tool::current("test"),
            "2026-01-10T00:00:00Z".into(),
            [
                package(Ecosystem::Npm, "http://b.example/", "x"),
                package(Ecosystem::Npm, "http://a.example/", "x"),
                package(Ecosystem::Cargo, "http://a.example/", "y"),
            ],
        );
        assert_eq!(snap.packages[0].ecosystem, Ecosystem::Cargo, "sorted");
        let text = serde_json::to_string_pretty(&snap).unwrap();
        let loaded = parse("s.json", &text).unwrap();
        assert_eq!(loaded.snapshot, snap);
        let hit = |r, any| {
            loaded
                .lookup(&Ecosystem::Npm, r, "x", any)
                .map(|p| p.registry.clone())
        };
        assert_eq!(
            hit(Some("http://b.example/"), false).as_deref(),
            Some("http://b.example/")
        );
        assert_eq!(
            hit(Some("http://c.example/"), true).as_deref(),
            Some("http://a.example/")
        );
        assert_eq!(hit(None, false).as_deref(), Some("http://a.example/"));
        // Online with another endpoint configured: not this snapshot's facts.
        assert_eq!(hit(Some("http://c.example/"), false), None);
        assert!(loaded.lookup(&Ecosystem::Pypi, None, "x", true).is_none());

        let day = |d: i64| jiff::Timestamp::from_second(1_768_003_200 + d * 86_400).unwrap();
        let fresh = loaded.info(day(30), 30);
        assert_eq!((fresh.age_days, fresh.stale), (30, false));
        let old = loaded.info(day(31), 30);
        assert_eq!((old.age_days, old.stale, old.packages), (31, true, 3));
        assert_eq!(loaded.info(day(-5), 30).age_days, 0);
        let text = describe(&loaded, day(31), 30);
        assert!(text.contains("stale"), "{text}");
        assert!(
            text.contains("npm      1 found, 0 not found  (http://b.example/)"),
            "{text}"
        );
    }

    #[test]
    fn a_snapshot_dated_in_the_future_is_stale_and_warned_about() {
        let now = jiff::Timestamp::from_second(1_768_003_200).unwrap(); // 2026-01-10
        let mut late = package(Ecosystem::Npm, "r", "late");
        late.fetched_at = "2999-01-01T00:00:00Z".into();
        let snap = Snapshot::new(
            Tool::current("test"),
            "2026-01-10T00:00:00Z".into(),
            [package(Ecosystem::Npm, "r", "x"), late],
        );
        let loaded = parse("s.json", &serde_json::to_string(&snap).unwrap()).unwrap();
        let info = loaded.info(now, 30);
        assert!(
            info.stale,
            "a fetch time in the future makes the age unknowable"
        );
        let warnings = loaded.warnings(now);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(
            warnings[0].contains("npm/late") && warnings[0].contains("in the future"),
            "{warnings:?}"
        );

        let snap = Snapshot::new(
            Tool::current("test"),
            "2999-01-01T00:00:00Z".into(),
            [package(Ecosystem::Npm, "r", "x")],
        );
        let loaded = parse("s.json", &serde_json::to_string(&snap).unwrap()).unwrap();
        let info = loaded.info(now, 30);
        assert!(info.stale);
        assert_eq!(info.age_days, 0);
        let warnings = loaded.warnings(now);
        assert!(
            warnings.len() == 1 && warnings[0].contains("created in the future"),
            "{warnings:?}"
        );
        assert!(describe(&loaded, now, 30).contains("in the future"));

        // A clock a few hours apart is not the future.
        let snap = Snapshot::new(Tool::current("test"), "2026-01-10T05:00:00Z".into(), []);
        let loaded = parse("s.json", &serde_json::to_string(&snap).unwrap()).unwrap();
        assert!(!loaded.info(now, 30).stale);
        assert!(loaded.warnings(now).is_empty());
    }

    #[test]
    fn duplicate_entries_must_agree() {
        let a = package(Ecosystem::Npm, "r", "x");
        let snap = Snapshot::new(
            Tool::current("test"),
            "2026-01-10T00:00:00Z".into(),
            [a.clone(), a.clone()],
        );
        let loaded = parse("s.json", &serde_json::to_string(&snap).unwrap()).unwrap();
        assert_eq!(
            loaded.snapshot.packages.len(),
            2,
            "identical twins are harmless"
        );

        let mut b = a.clone();
        b.facts.latest = Some("2.0.0".into());
        let snap = Snapshot::new(
            Tool::current("test"),
            "2026-01-10T00:00:00Z".into(),
            [a.clone(), b],
        );
        let err = parse("s.json", &serde_json::to_string(&snap).unwrap())
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("s.json: packages[1]: npm/x from r")
                && err.contains("packages[0]")
                && err.contains("different facts"),
            "{err}"
        );

        // The same name at two registries is not a duplicate.
        let snap = Snapshot::new(
            Tool::current("test"),
            "2026-01-10T00:00:00Z".into(),
            [a, package(Ecosystem::Npm, "other", "x")],
        );
        assert!(parse("s.json", &serde_json::to_string(&snap).unwrap()).is_ok());
    }

    #[test]
    fn malformed_snapshots_say_where() {
        let err = parse(
            "s.json",
            "{\"format\": \"chainrisk.snapshot/v1\",\n \"created_at\": 5}",
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("s.json:2:"), "{err}");
        assert!(err.contains(": at created_at: "), "{err}");

        let err = parse(
            "s.json",
            "{\"format\": \"chainrisk.snapshot/v1\", \n\n  oops",
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("s.json:3:3: "), "{err}");

        let err = parse("s.json", r#"{"format": "other/v9", "packages": 1}"#)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("unsupported snapshot format \"other/v9\""),
            "{err}"
        );

        let snap = Snapshot::new(Tool::current("test"), "yesterday".into(), []);
        let err = parse("s.json", &serde_json::to_string(&snap).unwrap())
            .unwrap_err()
            .to_string();
        assert!(err.contains("created_at \"yesterday\""), "{err}");

        let mut snap = Snapshot::new(
            Tool::current("test"),
            "2026-01-10T00:00:00Z".into(),
            [package(Ecosystem::Npm, "r", "x")],
        );
        snap.packages[0].facts.name = "y".into();
        let err = parse("s.json", &serde_json::to_string(&snap).unwrap())
            .unwrap_err()
            .to_string();
        assert!(err.contains("packages[0]"), "{err}");
    }
}
