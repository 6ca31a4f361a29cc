//! The Go fixture written by the real `go` tool (`fixtures/lockfiles/go/demo`,
//! see its README): chainrisk's go.mod reader must report exactly the modules
//! of the tool's own `go list -m all`, each with its go.sum hash, and mark
//! the requirements without `// indirect` as direct.

mod common;
use common::*;

use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

fn fixture() -> std::path::PathBuf {
    root().join("fixtures/lockfiles/go/demo")
}

fn scan_go_mod() -> Value {
    let path = fixture().join("go.mod");
    let out = bin()
        .args(["scan", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{path:?}: {stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_report(&report, "go/demo/go.mod");
    report
}

/// The non-root components, keyed by "module version" (namespace + name).
fn requirements(report: &Value) -> BTreeMap<String, &Value> {
    report["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["root"] != true)
        .map(|c| {
            let module = match c["namespace"].as_str() {
                Some(ns) if !ns.is_empty() => format!("{ns}/{}", c["name"].as_str().unwrap()),
                _ => c["name"].as_str().unwrap().to_string(),
            };
            assert_eq!(
                c["purl"].as_str().unwrap(),
                format!("pkg:golang/{module}@{}", c["version"].as_str().unwrap()),
                "purl of {module}"
            );
            (format!("{module} {}", c["version"].as_str().unwrap()), c)
        })
        .collect()
}

/// go.sum's module hashes (not the `/go.mod` ones): "module version" -> "h1:…".
fn go_sum() -> BTreeMap<String, String> {
    std::fs::read_to_string(fixture().join("go.sum"))
        .unwrap()
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let (module, version, hash) = (f.next()?, f.next()?, f.next()?);
            (!version.ends_with("/go.mod")).then(|| (format!("{module} {version}"), hash.into()))
        })
        .collect()
}

/// go.mod's requirements: "module version" -> whether it is direct
/// (has no `// indirect` comment).
fn go_mod_requires() -> BTreeMap<String, bool> {
    let text = std::fs::read_to_string(fixture().join("go.mod")).unwrap();
    let mut out = BTreeMap::new();
    let mut in_block = false;
    for line in text.lines().map(str::trim) {
        let entry = if in_block {
            if line == ")" {
                in_block = false;
                continue;
            }
            line
        } else if line == "require (" {
            in_block = true;
            continue;
        } else if let Some(rest) = line.strip_prefix("require ") {
            rest
        } else {
            continue;
        };
        let (spec, comment) = entry.split_once("//").unwrap_or((entry, ""));
        let mut f = spec.split_whitespace();
        let (Some(module), Some(version)) = (f.next(), f.next()) else {
            continue;
        };
        let direct = !comment.split_whitespace().any(|w| w == "indirect");
        out.insert(format!("{module} {version}"), direct);
    }
    out
}

#[test]
fn go_mod_matches_the_go_tools_listing() {
    let expected: BTreeSet<String> = std::fs::read_to_string(fixture().join("listing.txt"))
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    assert_eq!(expected.len(), 4, "listing.txt");

    let report = scan_go_mod();
    assert_eq!(report["inputs"][0]["format"], "go-mod");
    assert_eq!(report["inputs"][0]["error"], Value::Null);
    assert_eq!(report["subject"]["name"], "example.com/chainrisk-go-demo");

    let reqs = requirements(&report);
    let got: BTreeSet<String> = reqs.keys().cloned().collect();
    assert_eq!(got, expected, "components vs go list -m all");
    assert_eq!(report["inputs"][0]["components_read"], expected.len());
}

#[test]
fn every_requirement_has_its_go_sum_hash() {
    let report = scan_go_mod();
    let sums = go_sum();
    let reqs = requirements(&report);
    assert!(!reqs.is_empty());
    for (key, c) in &reqs {
        let want = sums
            .get(key)
            .unwrap_or_else(|| panic!("{key} is not in go.sum"));
        let hashes = c["hashes"].as_array().unwrap();
        assert!(
            hashes
                .iter()
                .any(|h| h["alg"] == "GO-H1" && h["value"] == want.trim_start_matches("h1:")),
            "{key}: hashes {hashes:?} lack GO-H1 {want}"
        );
    }
}

#[test]
fn direct_requirements_are_marked_direct() {
    let report = scan_go_mod();
    let requires = go_mod_requires();
    assert_eq!(
        requires.values().filter(|d| **d).count(),
        3,
        "go.mod has three direct requirements"
    );
    let reqs = requirements(&report);
    assert_eq!(
        requires.keys().collect::<BTreeSet<_>>(),
        reqs.keys().collect::<BTreeSet<_>>(),
        "go.mod requirements vs components"
    );
    for (key, direct) in &requires {
        let c = reqs[key];
        if *direct {
            assert_eq!(c["direct"], true, "{key} is a direct requirement");
        } else {
            assert_ne!(c["direct"], true, "{key} is marked // indirect");
        }
    }
    assert_eq!(report["summary"]["direct"], 3);
}
