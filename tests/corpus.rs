//! The open corpus: every SBOM ingests with the component count SOURCES.md
//! gives, the deliberate failures fail clearly, and the JSON report of each
//! file validates against the report schema. The subset in `fixtures/corpus`
//! is always walked; the full corpus under `$CHAINRISK_SHARED/corpus` too when that is set.

mod common;
use common::*;

use std::path::{Path, PathBuf};

/// (relative path, expected component entries or None for "—") from SOURCES.md's file table.
fn expected_counts(corpus: &Path) -> Vec<(String, Option<usize>)> {
    let text = std::fs::read_to_string(corpus.join("SOURCES.md")).unwrap();
    let mut rows = Vec::new();
    for line in text.lines().filter(|l| l.starts_with("| `")) {
        let cols: Vec<&str> = line.split('|').map(str::trim).collect();
        let path = cols[1].trim_matches('`').to_string();
        // Columns: file, origin, path there, commit, licence, format, components, …
        let count = cols[7]
            .split_whitespace()
            .next()
            .and_then(|n| n.parse().ok());
        rows.push((path, count));
    }
    rows
}

/// The rows of SOURCES.md, checked to list exactly the files beside it.
fn rows(corpus: &Path) -> Vec<(String, Option<usize>)> {
    let rows = expected_counts(corpus);
    let mut listed: Vec<&str> = rows.iter().map(|(p, _)| p.as_str()).collect();
    listed.sort_unstable();
    let mut present = Vec::new();
    let mut stack = vec![corpus.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if !p.ends_with("SOURCES.md") {
                let rel = p.strip_prefix(corpus).unwrap();
                present.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    present.sort_unstable();
    assert_eq!(
        listed,
        present,
        "{}: SOURCES.md lists every file and no other",
        corpus.display()
    );
    rows
}

fn is_sbom(path: &str) -> bool {
    ["cyclonedx/", "spdx/", "spdx3/", "malformed/"]
        .iter()
        .any(|d| path.starts_with(d))
}

#[test]
fn every_corpus_sbom_ingests_with_the_documented_count() {
    let mut failures = Vec::new();
    for corpus in corpora() {
        let rows: Vec<(String, Option<usize>)> = rows(&corpus)
            .into_iter()
            .filter(|(p, _)| is_sbom(p))
            .collect();
        assert!(
            rows.len() >= 15,
            "{}: SBOMs of every format",
            corpus.display()
        );
        failures.extend(sbom_failures(&corpus, &rows));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn sbom_failures(corpus: &Path, rows: &[(String, Option<usize>)]) -> Vec<String> {
    let mut failures = Vec::new();
    for (rel, expected) in rows {
        let path: PathBuf = corpus.join(rel);
        let inv = chainrisk::ingest::ingest(std::slice::from_ref(&path));
        let doc = &inv.documents[0];
        match (expected, &doc.error) {
            (Some(n), None) if doc.components_read == *n => {}
            (Some(n), None) => failures.push(format!(
                "{rel}: read {} components, SOURCES.md says {n}",
                doc.components_read
            )),
            (Some(_), Some(e)) => failures.push(format!("{rel}: failed: {e}")),
            (None, Some(e)) => assert!(e.contains("unrecognised format"), "{rel}: {e}"),
            (None, None) => {
                failures.push(format!("{rel}: expected a deliberate error, it ingested"))
            }
        }
    }
    failures
}

#[test]
fn every_corpus_lockfile_ingests_with_the_documented_count() {
    let mut failures = Vec::new();
    for corpus in corpora() {
        let rows: Vec<(String, Option<usize>)> = rows(&corpus)
            .into_iter()
            .filter(|(p, _)| p.starts_with("lockfiles/"))
            .collect();
        assert_eq!(
            rows.len(),
            15,
            "{}: SOURCES.md lists 15 lockfile rows (go.mod and go.sum apart)",
            corpus.display()
        );
        failures.extend(lockfile_failures(&corpus, &rows));
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn lockfile_failures(corpus: &Path, rows: &[(String, Option<usize>)]) -> Vec<String> {
    let mut failures = Vec::new();
    for (rel, expected) in rows {
        let inv = chainrisk::ingest::ingest(&[corpus.join(rel)]);
        let doc = &inv.documents[0];
        match (expected, &doc.error) {
            (Some(n), None) if doc.components_read == *n => {}
            (Some(n), None) => failures.push(format!(
                "{rel}: read {} entries, SOURCES.md says {n}",
                doc.components_read
            )),
            (_, Some(e)) => failures.push(format!("{rel}: failed: {e}")),
            (None, None) => failures.push(format!("{rel}: SOURCES.md gives no count")),
        }
    }
    failures
}

#[test]
fn out_of_range_and_damaged_files_are_read_tolerantly_with_a_warning() {
    let out_of_range = "outside the supported";
    // The subset stands in for the full corpus's files of unstated licence
    // with derived ones (see fixtures/corpus/SOURCES.md).
    let mut cases = vec![
        (
            corpus(),
            "cyclonedx/xml/laravel-7.12.0.cdx11.xml",
            out_of_range,
        ),
        (
            corpus(),
            "spdx/tag-value/SPDXTagExample-v2.3-declared-2.1.spdx",
            out_of_range,
        ),
        (
            corpus(),
            "malformed/example10-trailing-text.spdx.json",
            "line 129, column 1: trailing data",
        ),
    ];
    if let Some(full) = full_corpus() {
        cases.extend([
            (
                full.clone(),
                "cyclonedx/xml/laravel-7.12.0.cdx11.xml",
                out_of_range,
            ),
            (
                full.clone(),
                "spdx/tag-value/usbutils-reuse-v2.1.spdx",
                out_of_range,
            ),
            (
                full,
                "malformed/psreadline-2.2.6-trailing-text.spdx.json",
                "line 2765, column 1: trailing data",
            ),
        ]);
    }
    for (corpus, rel, warning) in cases {
        let inv = chainrisk::ingest::ingest(&[corpus.join(rel)]);
        let doc = &inv.documents[0];
        assert!(doc.error.is_none(), "{rel}: {:?}", doc.error);
        assert!(
            doc.warnings.iter().any(|w| w.contains(warning)),
            "{rel}: warnings {:?}",
            doc.warnings
        );
    }
}

#[test]
fn corpus_reports_validate_against_the_schema() {
    // Every file, SBOMs and lockfiles alike.
    for corpus in corpora() {
        for (rel, _) in expected_counts(&corpus) {
            report_validates(&corpus, &rel);
        }
    }
}

fn report_validates(corpus: &Path, rel: &str) {
    let out = bin()
        .args(["scan", "--format", "json"])
        .arg(corpus.join(rel))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{rel}: {stderr}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{rel}: no JSON report: {e}"));
    assert_valid_report(&report, rel);
    let wrong = inconsistencies(&report);
    assert!(
        wrong.is_empty(),
        "{rel}: the report's numbers do not add up:\n{}",
        wrong.join("\n")
    );
}

/// Every fixture chainrisk reads as an input (SBOMs, lockfiles, a root
/// filesystem, images): its report's numbers add up.
#[test]
fn every_fixture_report_adds_up() {
    let mut checked = 0;
    let mut failures = Vec::new();
    let mut stack = vec![root().join("fixtures")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            // Deliberately damaged inputs, registry answers and keys are no products.
            if [
                "malformed",
                "registry",
                "archive",
                "tls",
                "advisories",
                "schemas",
                "injection",
            ]
            .contains(&name.as_str())
            {
                continue;
            }
            if p.is_dir() && !p.join("etc/os-release").exists() {
                stack.push(p);
                continue;
            }
            let out = bin()
                .args(["scan", "--offline", "--format", "json"])
                .arg(&p)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(!stderr.contains("panicked"), "{}: {stderr}", p.display());
            let Ok(report) = serde_json::from_slice::<serde_json::Value>(&out.stdout) else {
                continue;
            };
            if report["inputs"][0]["error"].is_string() {
                continue; // not an input chainrisk reads
            }
            checked += 1;
            let wrong = inconsistencies(&report);
            if !wrong.is_empty() {
                failures.push(format!("{}:\n  {}", p.display(), wrong.join("\n  ")));
            }
        }
    }
    assert!(checked >= 20, "only {checked} fixture inputs found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn all_corpus_sboms_merge_into_one_report() {
    for corpus in corpora() {
        merges_into_one_report(&corpus);
    }
}

fn merges_into_one_report(corpus: &Path) {
    let paths: Vec<PathBuf> = expected_counts(corpus)
        .into_iter()
        .filter(|(p, n)| is_sbom(p) && n.is_some())
        .map(|(p, _)| corpus.join(p))
        .collect();
    let inv = chainrisk::ingest::ingest(&paths);
    let read: usize = inv.documents.iter().map(|d| d.components_read).sum();
    assert!(inv.documents.iter().all(|d| d.error.is_none()));
    // Components that appear in several SBOMs are merged, never lost.
    assert!(inv.components.len() <= read && inv.components.len() > read / 2);
    for c in &inv.components {
        for l in &c.locations {
            assert!(l.input < inv.documents.len());
        }
    }
    let eval = chainrisk::rules::evaluate(
        &inv,
        &chainrisk::rules::Thresholds::default(),
        jiff::Timestamp::UNIX_EPOCH,
        None,
    );
    assert!(!eval.findings.is_empty());
}

#[test]
fn deprecations_recorded_in_npm_lockfiles_fire_unm02() {
    let corpus = corpus();
    for (rel, expected) in [
        (
            "lockfiles/npm/v2-typescript-node-starter/package-lock.json",
            &[
                "@types/winston@2.4.4",
                "bcrypt-nodejs@0.0.3",
                "formidable@1.2.2",
                "har-validator@5.1.3",
                "request@2.88.0",
                "superagent@6.1.0",
                "uuid@3.3.2",
            ][..],
        ),
        (
            "lockfiles/npm/v3-cyclonedx-with-prepared/package-lock.json",
            &["uuidv4@6.2.13"][..],
        ),
    ] {
        let out = bin()
            .args(["scan", "--format", "json"])
            .arg(corpus.join(rel))
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut named: Vec<String> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "UNM-02")
            .map(|f| {
                f["message"]
                    .as_str()
                    .unwrap()
                    .split(' ')
                    .next()
                    .unwrap()
                    .to_string()
            })
            .collect();
        named.sort();
        named.dedup();
        assert_eq!(named, expected, "{rel}");
        let source = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == "UNM-02")
            .unwrap()["evidence"][0]["source"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(source.starts_with("lockfile:"), "{source}");
    }
}

/// The consistency check can fail: a report whose parts miss one root.
#[test]
fn the_consistency_check_catches_a_count_that_does_not_add_up() {
    let out = bin()
        .args(["scan", "--offline", "--format", "json"])
        .arg(
            corpus()
                .join("spdx/tag-value")
                .read_dir()
                .unwrap()
                .next()
                .unwrap()
                .unwrap()
                .path(),
        )
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(inconsistencies(&report).is_empty());
    for (field, value) in [("roots", 7), ("findings", 0), ("not_evaluated", 1)] {
        let mut bad = report.clone();
        bad["summary"][field] = serde_json::json!(value);
        assert!(
            !inconsistencies(&bad).is_empty(),
            "{field} = {value} passed"
        );
    }
}
