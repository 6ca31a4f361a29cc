//! This machine's own Debian system scanned as a delivered product, held
//! against dpkg's own answers: the packages `dpkg-query -W` lists, and the
//! changed and missing files `dpkg --verify` names. Needs a Debian machine
//! (CI is one); elsewhere the test skips, and fails when CI is set.

mod common;
use common::bin;
use serde_json::Value;
use std::collections::BTreeSet;
use std::process::Command;

fn dpkg_available() -> bool {
    Command::new("dpkg-query")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
        && std::path::Path::new("/var/lib/dpkg/status").is_file()
}

fn scan_host() -> Value {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("host.json");
    bin()
        .args(["scan", "/", "--format", "json", "-o"])
        .arg(&out)
        .assert()
        .success();
    serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap()
}

#[test]
fn scanning_this_machine_agrees_with_dpkg_query_and_dpkg_verify() {
    if !dpkg_available() {
        common::skip("dpkg is not on this machine");
        return;
    }
    // dpkg's view first: the scan then sees the same files.
    let verify = Command::new("dpkg").arg("--verify").output().unwrap();
    let query = Command::new("dpkg-query")
        .args(["-W", "-f", "${db:Status-Status} ${Package} ${Version}\n"])
        .output()
        .unwrap();
    let report = scan_host();

    let installed: BTreeSet<(String, String)> = String::from_utf8_lossy(&query.stdout)
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            match f.as_slice() {
                ["installed", name, version] => Some((name.to_string(), version.to_string())),
                _ => None,
            }
        })
        .collect();
    let ours: BTreeSet<(String, String)> = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["ecosystem"] == "deb")
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                c["version"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        ours, installed,
        "the packages dpkg-query lists, with their versions"
    );

    // `??5?????? [c] /path` for a changed file, `missing [c] /path` for a gone one.
    let dpkg_says: BTreeSet<(String, String)> = String::from_utf8_lossy(&verify.stdout)
        .lines()
        .filter_map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let kind = if f.first()? == &"missing" {
                "missing"
            } else {
                "changed"
            };
            Some((kind.to_string(), f.last()?.to_string()))
        })
        .collect();
    let mut we_say: BTreeSet<(String, String)> = BTreeSet::new();
    // dpkg verifies its own packages; Python's RECORD files are checked too, but not by dpkg.
    for c in report["components"].as_array().unwrap() {
        let Some(files) = c.get("files").filter(|_| c["ecosystem"] == "deb") else {
            continue;
        };
        for key in ["changed", "changed_conffiles"] {
            for d in files[key].as_array().into_iter().flatten() {
                we_say.insert(("changed".into(), d["path"].as_str().unwrap().into()));
            }
        }
        for m in files["missing"].as_array().into_iter().flatten() {
            we_say.insert(("missing".into(), m.as_str().unwrap().into()));
        }
    }
    let only_dpkg: Vec<_> = dpkg_says.difference(&we_say).take(10).collect();
    let only_ours: Vec<_> = we_say.difference(&dpkg_says).take(10).collect();
    assert!(
        only_dpkg.is_empty() && only_ours.is_empty(),
        "dpkg --verify named {} entries, chainrisk {}; only dpkg: {only_dpkg:?}; only chainrisk: {only_ours:?}",
        dpkg_says.len(),
        we_say.len()
    );

    // Each finding names its files, and every package with a change has one.
    let with_changes = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| {
            c.get("files")
                .is_some_and(|f| f["changed"].as_array().is_some_and(|a| !a.is_empty()))
        })
        .count();
    let high = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "DEL-09" && f["severity"] == "high")
        .count();
    assert_eq!(high, with_changes);
}
