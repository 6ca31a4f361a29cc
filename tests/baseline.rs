//! Baselines through the binary: fingerprints stable across runs, input
//! order and version bumps; findings marked new or known; `--only-new` exit
//! codes; refusal of files that are not chainrisk reports.

mod common;

use common::{assert_valid_report, bin, root, write};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn app() -> PathBuf {
    root().join("fixtures/policy/app.cdx.json")
}

fn app_json() -> Value {
    serde_json::from_str(&std::fs::read_to_string(app()).unwrap()).unwrap()
}

/// Runs `scan --format json` (no policy file: the temp dir is the cwd).
fn scan(dir: &Path, inputs: &[PathBuf], extra: &[&str]) -> (Value, i32, String) {
    let out = bin()
        .current_dir(dir)
        .arg("scan")
        .args(inputs)
        .args(["--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(!stderr.contains("panicked"), "{stderr}");
    let report = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (report, out.status.code().unwrap(), stderr)
}

/// `(rule, component name or "-") → fingerprint`.
fn fingerprints(report: &Value) -> BTreeSet<(String, String, String)> {
    let names: Vec<&str> = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["component"]
                    .as_u64()
                    .map_or("-".into(), |i| names[i as usize].to_string()),
                f["fingerprint"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Writes `v` as `<dir>/<variant>/app.cdx.json`: document findings are
/// fingerprinted by file name, so every variant keeps the fixture's name.
fn save(dir: &Path, variant: &str, v: &Value) -> PathBuf {
    let sub = dir.join(variant);
    std::fs::create_dir_all(&sub).unwrap();
    write(
        &sub,
        "app.cdx.json",
        serde_json::to_string_pretty(v).unwrap().as_bytes(),
    )
}

#[test]
fn fingerprints_are_stable_across_runs_order_and_version_bumps() {
    let dir = tempfile::tempdir().unwrap();
    let (a, _, _) = scan(dir.path(), &[app()], &[]);
    let (b, _, _) = scan(dir.path(), &[app()], &[]);
    assert_eq!(fingerprints(&a), fingerprints(&b));
    assert_eq!(fingerprints(&a).len(), 4);

    // Components and dependency entries in reverse order.
    let mut reordered = app_json();
    reordered["components"].as_array_mut().unwrap().reverse();
    reordered["dependencies"].as_array_mut().unwrap().reverse();
    let p = save(dir.path(), "reordered", &reordered);
    let (c, _, _) = scan(dir.path(), &[p], &[]);
    assert_eq!(fingerprints(&a), fingerprints(&c));

    // left-pad 1.3.0 → 1.3.1 (its purl too): DEL-01 is about the package.
    let mut bumped = app_json();
    let lp = &mut bumped["components"][0];
    lp["version"] = "1.3.1".into();
    lp["purl"] = "pkg:npm/left-pad@1.3.1?repository_url=https://registry.example/npm".into();
    let p = save(dir.path(), "bumped", &bumped);
    let (d, _, _) = scan(dir.path(), &[p], &[]);
    assert_eq!(fingerprints(&a), fingerprints(&d));
    assert!(
        d["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["message"].as_str().unwrap().contains("left-pad@1.3.1"))
    );
}

#[test]
fn fingerprints_do_not_depend_on_the_order_of_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let lock = root().join("fixtures/lockfiles/npm/demo/package-lock.json");
    let (a, _, _) = scan(dir.path(), &[app(), lock.clone()], &[]);
    let (b, _, _) = scan(dir.path(), &[lock, app()], &[]);
    assert!(fingerprints(&a).len() > 4);
    assert_eq!(fingerprints(&a), fingerprints(&b));
}

#[test]
fn baseline_marks_new_known_and_counts_resolved() {
    let dir = tempfile::tempdir().unwrap();
    let (old, _, _) = scan(dir.path(), &[app()], &[]);
    let old_path = write(dir.path(), "old.json", old.to_string().as_bytes());

    // Same input: everything known.
    let (same, code, _) = scan(
        dir.path(),
        &[app()],
        &["--baseline", old_path.to_str().unwrap()],
    );
    assert_eq!(code, 0);
    assert_valid_report(&same, "baseline scan");
    assert!(
        same["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["baseline"] == "known")
    );
    assert_eq!(same["baseline"]["known"], 4);
    assert_eq!(same["baseline"]["new"], 0);
    assert_eq!(same["baseline"]["resolved"], 0);
    assert_eq!(same["baseline"]["generated_at"], old["generated_at"]);

    // orphan removed (its DEL-01 is resolved, and SBM-04 with it: the graph is
    // whole), a new unhashed component added (new DEL-01).
    let mut next = app_json();
    let comps = next["components"].as_array_mut().unwrap();
    comps.retain(|c| c["name"] != "orphan");
    let mut fresh = comps[1].clone();
    fresh["bom-ref"] = "fresh".into();
    fresh["name"] = "fresh".into();
    fresh["version"] = "0.0.1".into();
    fresh["purl"] = "pkg:npm/fresh@0.0.1".into();
    comps.push(fresh);
    next["dependencies"][0]["dependsOn"]
        .as_array_mut()
        .unwrap()
        .push("fresh".into());
    let p = save(dir.path(), "next", &next);
    let (report, _, _) = scan(
        dir.path(),
        std::slice::from_ref(&p),
        &["--baseline", old_path.to_str().unwrap()],
    );
    assert_valid_report(&report, "baseline scan");
    let marks: BTreeSet<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["message"]
                    .as_str()
                    .unwrap()
                    .split(' ')
                    .next()
                    .unwrap()
                    .to_string(),
                f["baseline"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        marks,
        BTreeSet::from([
            ("fresh@0.0.1".to_string(), "new".to_string()),
            ("left-pad@1.3.0".to_string(), "known".to_string()),
            ("tiny@0.1.0".to_string(), "known".to_string()),
        ])
    );
    assert_eq!(report["baseline"]["new"], 1);
    assert_eq!(report["baseline"]["known"], 2);
    assert_eq!(report["baseline"]["resolved"], 2);

    // --only-new: the new DEL-01 (medium) fails the build…
    let args = [
        "--baseline",
        old_path.to_str().unwrap(),
        "--fail-on",
        "medium",
    ];
    let (_, code, stderr) = scan(
        dir.path(),
        std::slice::from_ref(&p),
        &[&args[..], &["--only-new"]].concat(),
    );
    assert_eq!(code, 1);
    // The gate names the one new finding, not the known ones.
    assert!(
        stderr.contains("error: 1 new finding at or above medium (--fail-on medium)"),
        "{stderr}"
    );
    assert_eq!(
        stderr.lines().filter(|l| l.starts_with("medium ")).count(),
        1,
        "{stderr}"
    );
    // …known findings alone do not, though they would without --only-new.
    let (_, code, _) = scan(dir.path(), &[app()], &[&args[..], &["--only-new"]].concat());
    assert_eq!(code, 0);
    let (_, code, _) = scan(dir.path(), &[app()], &args);
    assert_eq!(code, 1);
    // A new finding below the limit does not fail it either.
    let (_, code, _) = scan(
        dir.path(),
        &[p],
        &[
            "--baseline",
            old_path.to_str().unwrap(),
            "--fail-on",
            "high",
            "--only-new",
        ],
    );
    assert_eq!(code, 0);
}

#[test]
fn only_new_needs_a_baseline_and_a_baseline_must_be_a_report() {
    let dir = tempfile::tempdir().unwrap();
    let (_, code, stderr) = scan(dir.path(), &[app()], &["--only-new", "--fail-on", "low"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--baseline"), "{stderr}");

    let (_, code, stderr) = scan(
        dir.path(),
        &[app()],
        &["--baseline", app().to_str().unwrap()],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("not a chainrisk report"), "{stderr}");

    let broken = write(
        dir.path(),
        "broken.json",
        b"{\"schema\": \"chainrisk.report/v1\",\n",
    );
    let (_, code, stderr) = scan(
        dir.path(),
        &[app()],
        &["--baseline", broken.to_str().unwrap()],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("broken.json:2:"), "{stderr}");

    let (_, code, stderr) = scan(
        dir.path(),
        &[app()],
        &["--baseline", "/nonexistent/old.json"],
    );
    assert_eq!(code, 2);
    assert!(stderr.contains("cannot read the baseline"), "{stderr}");
}
