//! The machine reports (SARIF 2.1.0, CycloneDX 1.6, CSV): snapshots on the
//! demo product, validation against the official schemas (`fixtures/schemas`)
//! on the demo and on every file of the open corpus (the subset in
//! `fixtures/corpus`, and `$CHAINRISK_SHARED/corpus` when set), and CSV formula
//! injection.

mod common;
use common::*;

use std::path::{Path, PathBuf};

use chainrisk::report::{self, Assessment};
use serde_json::Value;

const DEMO: &str = "fixtures/demo/acme-edge-gateway.cdx.json";

/// Runs the real binary on an input with one format and returns its output.
fn scan(input: &str, format: &str) -> String {
    let out = bin()
        .current_dir(root())
        .args(["scan", input, "--format", format, "--color", "never"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn load(path: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The official SARIF 2.1.0 schema (draft-04, self-contained), offline.
fn sarif_validator() -> jsonschema::Validator {
    let path = schemas().join("sarif/sarif-schema-2.1.0.json");
    jsonschema::options()
        .offline()
        .build(&load(&path))
        .expect("the SARIF schema compiles")
}

/// The official CycloneDX 1.6 schema with the two schemas it references,
/// registered from the same directory: no network.
fn cyclonedx_validator() -> jsonschema::Validator {
    let dir = schemas().join("cyclonedx");
    let registry = jsonschema::Registry::new()
        .add(
            "http://cyclonedx.org/schema/spdx.schema.json",
            load(&dir.join("spdx.schema.json")),
        )
        .unwrap()
        .add(
            "http://cyclonedx.org/schema/jsf-0.82.schema.json",
            load(&dir.join("jsf-0.82.schema.json")),
        )
        .unwrap()
        .prepare()
        .unwrap();
    jsonschema::options()
        .offline()
        .with_registry(&registry)
        .build(&load(&dir.join("bom-1.6.schema.json")))
        .expect("the CycloneDX 1.6 schema compiles")
}

fn violations(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .take(5)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

/// Every file of the corpora except their notes, sorted.
fn corpus_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = corpora();
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if !p.ends_with("SOURCES.md") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

/// The assessment of one input through the real ingest and rules.
fn assess(path: &Path) -> Assessment {
    let inv = chainrisk::ingest::ingest(&[path.to_path_buf()]);
    let now = report::scan_timestamp();
    let eval =
        chainrisk::rules::evaluate(&inv, &chainrisk::rules::Thresholds::default(), now, None);
    Assessment::new(inv, eval, report::format_time(now))
}

fn stable(mut v: Value) -> Value {
    let version = env!("CARGO_PKG_VERSION");
    let text = serde_json::to_string(&v)
        .unwrap()
        .replace(version, "[version]");
    v = serde_json::from_str(&text).unwrap();
    v
}

#[test]
fn demo_sarif() {
    let v: Value = serde_json::from_str(&scan(DEMO, "sarif")).unwrap();
    let errors = violations(&sarif_validator(), &v);
    assert!(errors.is_empty(), "demo SARIF:\n{}", errors.join("\n"));
    let run = &v["runs"][0];
    assert_eq!(
        run["tool"]["driver"]["rules"].as_array().unwrap().len(),
        chainrisk::rules::RULES.len()
    );
    let report: Value = serde_json::from_str(&scan(DEMO, "json")).unwrap();
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), report["findings"].as_array().unwrap().len());
    // Every result points into the demo file, with its fingerprint.
    for (r, f) in results.iter().zip(report["findings"].as_array().unwrap()) {
        assert_eq!(r["ruleId"], f["rule"]);
        assert_eq!(r["partialFingerprints"]["chainrisk/v1"], f["fingerprint"]);
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            DEMO
        );
    }
    insta::assert_json_snapshot!("demo-sarif", stable(v));
}

#[test]
fn demo_cyclonedx() {
    let v: Value = serde_json::from_str(&scan(DEMO, "cyclonedx")).unwrap();
    let errors = violations(&cyclonedx_validator(), &v);
    assert!(errors.is_empty(), "demo CycloneDX:\n{}", errors.join("\n"));
    let report: Value = serde_json::from_str(&scan(DEMO, "json")).unwrap();
    assert_eq!(
        v["components"].as_array().unwrap().len(),
        report["components"].as_array().unwrap().len()
    );
    // Every component finding is on its component as properties.
    let props: usize = v["components"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|c| c["properties"].as_array().cloned().unwrap_or_default())
        .filter(|p| {
            let n = p["name"].as_str().unwrap();
            n.starts_with("chainrisk:finding:") && n.matches(':').count() == 2
        })
        .count();
    let component_findings = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["component"].is_null())
        .count();
    assert_eq!(props, component_findings);
    // The same report gives the same serial number.
    let again: Value = serde_json::from_str(&scan(DEMO, "cyclonedx")).unwrap();
    assert_eq!(v["serialNumber"], again["serialNumber"]);
    insta::assert_json_snapshot!("demo-cyclonedx", stable(v));
}

#[test]
fn demo_csv() {
    let text = scan(DEMO, "csv");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        report::csv::HEADER.to_vec()
    );
    let report: Value = serde_json::from_str(&scan(DEMO, "json")).unwrap();
    assert_eq!(
        reader.records().count(),
        report["findings"].as_array().unwrap().len()
    );
    insta::assert_snapshot!("demo-csv", text);
}

#[test]
fn every_corpus_file_gives_valid_sarif_and_cyclonedx() {
    let files = corpus_files();
    let (sarif, cdx) = (sarif_validator(), cyclonedx_validator());
    let mut failures = Vec::new();
    for path in &files {
        let a = assess(path);
        let name = path.display();
        let s = report::sarif::to_value(&a);
        for e in violations(&sarif, &s) {
            failures.push(format!("{name}: SARIF: {e}"));
        }
        let c = report::cyclonedx::to_value(&a);
        for e in violations(&cdx, &c) {
            failures.push(format!("{name}: CycloneDX: {e}"));
        }
        assert_eq!(
            s["runs"][0]["results"].as_array().unwrap().len(),
            a.findings.len(),
            "{name}"
        );
        assert_eq!(
            c["components"].as_array().unwrap().len()
                + usize::from(
                    a.components
                        .iter()
                        .any(|x| x.root && x.name == a.subject.name)
                ),
            a.components.len(),
            "{name}"
        );
    }
    let least = if full_corpus().is_some() { 70 } else { 30 };
    assert!(
        files.len() >= least,
        "the corpora hold {} files",
        files.len()
    );
    failures.dedup_by(|a, b| a.split(" at ").next() == b.split(" at ").next());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A control character before a formula hid it from the guard (`\u{7}=1+1`,
/// `ESC[0m=HYPERLINK(…)`): a spreadsheet that drops the control runs it.
/// Every cell now shows controls as escapes, and no cell starts a formula.
#[test]
fn csv_cells_hold_no_control_and_start_no_formula() {
    let text = scan("fixtures/injection/payloads.cdx.json", "csv");
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    for cell in rows.iter().flat_map(|r| r.iter()) {
        assert_eq!(terminal_controls(cell), Vec::<String>::new(), "{cell:?}");
        let first = cell.trim_start_matches(' ').chars().next();
        assert!(
            !matches!(
                first,
                Some('=' | '+' | '-' | '@' | '＝' | '＋' | '－' | '＠')
            ),
            "cell {cell:?} would run as a formula"
        );
    }
    let formula = rows
        .iter()
        .find(|r| r[3].contains("=1+1"))
        .unwrap_or_else(|| panic!("the formula component has findings:\n{text}"));
    assert_eq!(&formula[3], "\\u{7}=1+1");
    assert_eq!(
        &formula[4],
        "\\u{1b}[0m=HYPERLINK(\"http://evil.example\",\"x\")"
    );
}

#[test]
fn csv_neutralises_formulas_from_the_input() {
    let dir = tempfile::tempdir().unwrap();
    let bom = serde_json::json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "metadata": {"component": {"type": "application", "bom-ref": "app", "name": "app", "version": "1"}},
        "components": [
            {"type": "library", "bom-ref": "a", "name": "=HYPERLINK(\"http://evil.example\",\"x\")", "version": "+1"},
            {"type": "library", "bom-ref": "b", "name": "@SUM(A1:A9)", "version": "-1", "supplier": {"name": "\tTab Corp"}},
            {"type": "library", "bom-ref": "c", "name": "plain", "version": "1.0.0"}
        ],
        "dependencies": [{"ref": "app", "dependsOn": ["a", "b", "c"]}]
    });
    let input = write(dir.path(), "formulas.cdx.json", bom.to_string().as_bytes());
    let out = bin()
        .args(["scan", input.to_str().unwrap(), "--format", "csv"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let mut seen = 0;
    for row in &rows {
        for cell in row.iter() {
            let first = cell.chars().next();
            assert!(
                !matches!(first, Some('=' | '+' | '-' | '@' | '\t' | '\r')),
                "cell {cell:?} would run as a formula"
            );
        }
        let component = &row[3];
        if component.starts_with("'=HYPERLINK") || component.starts_with("'@SUM") {
            seen += 1;
            assert!(row[4].starts_with('\''), "version {:?}", &row[4]);
        }
    }
    assert!(seen >= 2, "the payload components have findings: {text}");
}

/// An accepted finding and baseline marks, as the policy stage sets them.
fn reviewed_demo() -> Assessment {
    let out = bin()
        .current_dir(root())
        .args(["scan", DEMO, "--format", "json"])
        .output()
        .unwrap();
    let mut a = report::json::read(&out.stdout).unwrap();
    a.findings[0].exception = Some(Box::new(chainrisk::model::ExceptionMark {
        index: 0,
        reason: "=firmware blob signed by the vendor, reviewed 2025-11".into(),
        owner: Some("product security".into()),
        expires: Some("2026-06-30".into()),
    }));
    for (i, f) in a.findings.iter_mut().enumerate() {
        f.baseline = Some(if i % 2 == 0 {
            chainrisk::model::BaselineState::New
        } else {
            chainrisk::model::BaselineState::Known
        });
    }
    a
}

#[test]
fn sarif_carries_exceptions_and_baseline_states() {
    let a = reviewed_demo();
    let v = report::sarif::to_value(&a);
    let errors = violations(&sarif_validator(), &v);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let results = v["runs"][0]["results"].as_array().unwrap();
    let sup = &results[0]["suppressions"][0];
    assert_eq!(sup["kind"], "external");
    assert_eq!(sup["status"], "accepted");
    assert_eq!(
        sup["justification"],
        "=firmware blob signed by the vendor, reviewed 2025-11"
    );
    assert_eq!(sup["properties"]["expires"], "2026-06-30");
    assert!(results[1].get("suppressions").is_none());
    assert_eq!(results[0]["baselineState"], "new");
    assert_eq!(results[1]["baselineState"], "unchanged");
}

#[test]
fn cyclonedx_and_csv_carry_exceptions_and_baseline_states() {
    let a = reviewed_demo();
    let v = report::cyclonedx::to_value(&a);
    let errors = violations(&cyclonedx_validator(), &v);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let f = &a.findings[0];
    let props: Vec<(String, String)> = v["components"]
        .as_array()
        .unwrap()
        .iter()
        .chain(std::iter::once(&v))
        .flat_map(|c| c["properties"].as_array().cloned().unwrap_or_default())
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_string(),
                p["value"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let has = |name: String, value: &str| props.contains(&(name, value.to_string()));
    let base = format!("chainrisk:finding:{}", f.rule);
    assert!(has(
        format!("{base}:exception"),
        "=firmware blob signed by the vendor, reviewed 2025-11"
    ));
    assert!(has(format!("{base}:exception-expires"), "2026-06-30"));
    assert!(has(format!("{base}:baseline"), "new"));
    assert!(has(format!("{base}:fingerprint"), &f.fingerprint));

    // CSV: the exception column, neutralised, and the baseline column.
    let text = report::csv::render(&a);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let first = reader.records().next().unwrap().unwrap();
    assert_eq!(
        &first[9],
        "'=firmware blob signed by the vendor, reviewed 2025-11 (until 2026-06-30)"
    );
    assert_eq!(&first[10], "new");
}

#[test]
fn lockfile_findings_point_at_their_line() {
    // An unpinned range (DEL-04) and a plain-http source (DEL-05) on lines 2 and 3.
    let dir = tempfile::tempdir().unwrap();
    let path = write(
        dir.path(),
        "requirements.txt",
        b"requests==2.32.3\nflask>=2\nlegacy @ http://files.example/legacy-1.0.tar.gz\n",
    );
    let a = assess(&path);
    let v = report::sarif::to_value(&a);
    let errors = violations(&sarif_validator(), &v);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    let results = v["runs"][0]["results"].as_array().unwrap();
    let with_line = results
        .iter()
        .filter(|r| r["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64() > Some(0))
        .count();
    assert!(
        with_line >= 2,
        "the findings of a requirements file carry their line: {results:#?}"
    );
}

/// Where in the document the validator finds errors (JSON pointers).
fn error_paths(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| e.instance_path().to_string())
        .collect()
}

/// The validators are not vacuous: the untouched reports pass, and a wrong
/// level, a bad serial number and a hash in base64 are each caught where
/// they were put.
#[test]
fn the_schema_checks_can_fail() {
    let a = reviewed_demo();
    let sarif = sarif_validator();
    let good = report::sarif::to_value(&a);
    assert_eq!(error_paths(&sarif, &good), Vec::<String>::new());
    let mut v = good.clone();
    v["runs"][0]["results"][0]["level"] = "fatal".into();
    assert_eq!(error_paths(&sarif, &v), ["/runs/0/results/0/level"]);

    let cdx = cyclonedx_validator();
    let good = report::cyclonedx::to_value(&a);
    assert_eq!(error_paths(&cdx, &good), Vec::<String>::new());
    let mut v = good.clone();
    v["serialNumber"] = "urn:uuid:not-a-uuid".into();
    assert_eq!(error_paths(&cdx, &v), ["/serialNumber"]);
    let mut v = good;
    assert!(v["components"][0]["hashes"][0]["content"].is_string());
    v["components"][0]["hashes"][0]["content"] = "z4PhNX7vuL3xVChQ1m2AB9Yg5AU=".into();
    assert_eq!(error_paths(&cdx, &v), ["/components/0/hashes/0/content"]);
}

/// The CycloneDX output is a valid SBOM chainrisk itself reads back with
/// the same components, identities and graph size: for an SBOM, and for
/// delivered products (package databases, language packages, binaries'
/// build records), whose inventory the export must carry whole.
#[test]
fn cyclonedx_output_reads_back_as_the_same_inventory() {
    let dir = tempfile::tempdir().unwrap();
    let validator = cyclonedx_validator();
    for input in [
        DEMO,
        "fixtures/rootfs/alpine-3.20-mini",
        "fixtures/rootfs/fedora-40-mini",
        "fixtures/rootfs/languages",
        "fixtures/images/binaries-rootfs.tar.xz",
    ] {
        let exported = scan(input, "cyclonedx");
        let v: Value = serde_json::from_str(&exported).unwrap();
        let errors = violations(&validator, &v);
        assert!(errors.is_empty(), "{input}:\n{}", errors.join("\n"));
        let bom = write(dir.path(), "out.cdx.json", exported.as_bytes());
        let first: Value = serde_json::from_str(&scan(input, "json")).unwrap();
        let again: Value = serde_json::from_str(&scan(bom.to_str().unwrap(), "json")).unwrap();
        let key = |r: &Value| {
            let mut v: Vec<String> = r["components"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| {
                    format!(
                        "{} {} {} {}",
                        c["name"],
                        c["version"],
                        c["purl"],
                        // CycloneDX has no algorithm for Go's `h1:` (a hash of
                        // the module's file list, not of one artifact): not exported.
                        c["hashes"]
                            .as_array()
                            .map_or(0, |h| h.iter().filter(|h| h["alg"] != "GO-H1").count())
                    )
                })
                .collect();
            v.sort();
            v
        };
        assert_eq!(key(&first), key(&again), "{input}");
        assert_eq!(
            first["dependencies"].as_array().unwrap().len(),
            again["dependencies"].as_array().unwrap().len(),
            "{input}"
        );
        if input == DEMO {
            assert_eq!(again["subject"]["name"], "acme-edge-gateway");
        } else {
            // Where each component was found in the product is its evidence.
            let located = v["components"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["evidence"]["occurrences"][0]["location"].is_string())
                .count();
            assert_eq!(
                located,
                v["components"].as_array().unwrap().len(),
                "{input}"
            );
        }
    }
    let binaries = scan("fixtures/images/binaries-rootfs.tar.xz", "cyclonedx");
    let v: Value = serde_json::from_str(&binaries).unwrap();
    let greet = v["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "greet")
        .unwrap();
    assert_eq!(
        greet["evidence"]["occurrences"][2],
        serde_json::json!({"location": "/usr/bin/gateway-agent", "additionalContext": "Go build information"})
    );
    let package = &v["components"][1];
    assert_eq!(
        package["evidence"]["occurrences"][0],
        serde_json::json!({"location": "/var/lib/dpkg/status", "line": 1}),
        "{package}"
    );
}
