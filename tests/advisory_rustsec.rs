//! Acceptance: scanning a real Cargo.lock with the real RustSec database
//! reports exactly the crates that database marks unmaintained for those
//! versions. The expectation is computed here by a separate, minimal reading
//! of the database (TOML front matter → `informational`, `package`,
//! `patched` / `unaffected` with `semver`), not by chainrisk's own parser.
//! The database is the subset in `fixtures/advisories/rustsec`, and the full
//! snapshot under `$CHAINRISK_SHARED/data/rustsec-advisory-db` as well when that is set.

mod common;

use common::{bin, corpus, root, rustsec_subset, scan_json, shared};
use std::collections::BTreeSet;
use std::path::Path;

/// The front matter of one advisory file, by the fence alone.
fn front_matter(text: &str) -> toml::Table {
    let body = text
        .split("```toml")
        .nth(1)
        .and_then(|rest| rest.split("```").next())
        .expect("a ```toml fence");
    body.parse().expect("valid TOML front matter")
}

fn requirements(table: &toml::Table, key: &str) -> Vec<semver::VersionReq> {
    table
        .get("versions")
        .and_then(|v| v.get(key))
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .map(|r| semver::VersionReq::parse(r.as_str().unwrap()).unwrap())
                .collect()
        })
        .unwrap_or_default()
}

/// (package, patched + unaffected) of every live unmaintained advisory.
fn unmaintained_advisories(db: &Path) -> Vec<(String, Vec<semver::VersionReq>)> {
    let mut out = Vec::new();
    for dir in std::fs::read_dir(db.join("crates")).unwrap() {
        for file in std::fs::read_dir(dir.unwrap().path()).unwrap() {
            let path = file.unwrap().path();
            if path.extension().is_none_or(|e| e != "md") {
                continue;
            }
            let fm = front_matter(&std::fs::read_to_string(&path).unwrap());
            let adv = fm["advisory"].as_table().unwrap();
            if adv.contains_key("withdrawn")
                || adv
                    .get("informational")
                    .and_then(|i| i.as_str())
                    .map(str::trim)
                    != Some("unmaintained")
            {
                continue;
            }
            let mut safe = requirements(&fm, "patched");
            safe.extend(requirements(&fm, "unaffected"));
            out.push((adv["package"].as_str().unwrap().to_string(), safe));
        }
    }
    out
}

/// `name@version` of every `[[package]]` of a Cargo.lock.
fn locked(lockfile: &Path) -> Vec<(String, semver::Version)> {
    let lock: toml::Table = std::fs::read_to_string(lockfile).unwrap().parse().unwrap();
    lock["package"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                semver::Version::parse(p["version"].as_str().unwrap()).unwrap(),
            )
        })
        .collect()
}

/// `name@version` of the components a rule fired on.
fn fired(report: &serde_json::Value, rule: &str) -> BTreeSet<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| {
            let c = &report["components"][f["component"].as_u64().unwrap() as usize];
            format!(
                "{}@{}",
                c["name"].as_str().unwrap(),
                c["version"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn xi_editor_unmaintained_crates_match_an_independent_reading_of_rustsec() {
    // The subset holds every advisory on a crate xi-editor locks; of them,
    // 7 are live unmaintained ones. The full database has hundreds.
    xi_editor_against(&rustsec_subset(), 7..8);
    if let Some(full) = shared("data/rustsec-advisory-db") {
        xi_editor_against(&full, 200..usize::MAX);
    }
}

fn xi_editor_against(db: &Path, unmaintained: std::ops::Range<usize>) {
    let lockfile = corpus().join("lockfiles/cargo/v1-xi-editor-2020/Cargo.lock");
    let advisories = unmaintained_advisories(db);
    assert!(
        unmaintained.contains(&advisories.len()),
        "{}: {} live unmaintained advisories",
        db.display(),
        advisories.len()
    );
    let expected: BTreeSet<String> = locked(&lockfile)
        .into_iter()
        .filter(|(name, version)| {
            advisories
                .iter()
                .any(|(pkg, safe)| pkg == name && !safe.iter().any(|r| r.matches(version)))
        })
        .map(|(name, version)| format!("{name}@{version}"))
        .collect();
    assert!(
        !expected.is_empty(),
        "xi-editor of 2020 uses unmaintained crates"
    );

    let report = scan_json(&[
        lockfile.to_str().unwrap(),
        "--advisories",
        db.to_str().unwrap(),
    ]);
    assert_eq!(fired(&report, "UNM-01"), expected);
    common::assert_valid_report(&report, "xi-editor with RustSec");

    // Every UNM-01 finding names its advisory as the evidence source.
    for f in report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "UNM-01")
    {
        let ev = f["evidence"].as_array().unwrap();
        let id = ev.iter().find(|e| e["key"] == "advisory").unwrap()["value"]
            .as_str()
            .unwrap();
        assert!(id.starts_with("RUSTSEC-"));
        assert!(ev.iter().any(|e| e["source"] == format!("advisory:{id}")));
    }

    // The report names the database and its newest advisory.
    let newest = std::fs::read_dir(db.join("crates"))
        .unwrap()
        .flat_map(|d| std::fs::read_dir(d.unwrap().path()).unwrap())
        .map(|f| front_matter(&std::fs::read_to_string(f.unwrap().path()).unwrap()))
        .filter(|fm| !fm["advisory"].as_table().unwrap().contains_key("withdrawn"))
        .map(|fm| fm["advisory"]["date"].as_str().unwrap().to_string())
        .max()
        .unwrap();
    let dbs = report["advisories"].as_array().unwrap();
    assert_eq!(dbs.len(), 1);
    assert_eq!(dbs[0]["path"], db.to_str().unwrap());
    assert_eq!(dbs[0]["format"], "rustsec");
    assert_eq!(dbs[0]["newest"], newest.as_str());
}

#[test]
fn a_database_older_than_the_limit_is_flagged_stale() {
    let db = rustsec_subset();
    let lock = root().join("fixtures/lockfiles/cargo/demo/Cargo.lock");
    let at = |epoch: &str| {
        let out = bin()
            .env("SOURCE_DATE_EPOCH", epoch)
            .args([
                "scan",
                lock.to_str().unwrap(),
                "--advisories",
                db.to_str().unwrap(),
            ])
            .args(["-f", "json"])
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        report["advisories"][0].clone()
    };
    let first = at("0");
    let newest: jiff::civil::Date = first["newest"].as_str().unwrap().parse().unwrap();
    let epoch = |days: i64| {
        newest
            .checked_add(jiff::Span::new().days(days))
            .unwrap()
            .to_zoned_datetime(jiff::tz::TimeZone::UTC)
            .unwrap()
            .timestamp()
            .as_second()
            .to_string()
    };
    // The default limit is a week (`max_advisory_db_age_days`).
    assert_eq!(at(&epoch(7))["stale"], false);
    assert_eq!(at(&epoch(8))["stale"], true);
}
