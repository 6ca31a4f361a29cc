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

/// Copies `packages` from this machine into a new root, as an image builder
/// would: their files at their real paths (the usrmerge top-level symlinks
/// too), their status stanzas and their `.list`/`.md5sums`/`.conffiles`.
fn copy_packages(root: &std::path::Path, packages: &[&str]) {
    use std::os::unix::fs::symlink;
    for top in ["bin", "lib", "lib64", "sbin"] {
        if let Ok(target) = std::fs::read_link(format!("/{top}")) {
            symlink(target, root.join(top)).unwrap();
        }
    }
    let info = root.join("var/lib/dpkg/info");
    std::fs::create_dir_all(&info).unwrap();
    for p in packages {
        for ext in ["list", "md5sums", "conffiles"] {
            let from = format!("/var/lib/dpkg/info/{p}.{ext}");
            if std::path::Path::new(&from).exists() {
                std::fs::copy(&from, info.join(format!("{p}.{ext}"))).unwrap();
            }
        }
        let list = std::fs::read_to_string(format!("/var/lib/dpkg/info/{p}.list")).unwrap();
        for path in list.lines().map(std::path::Path::new) {
            let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
                continue;
            };
            let Ok(real_parent) = std::fs::canonicalize(parent) else {
                continue;
            };
            let to = root.join(real_parent.strip_prefix("/").unwrap()).join(name);
            let Ok(meta) = std::fs::symlink_metadata(path) else {
                continue;
            };
            std::fs::create_dir_all(to.parent().unwrap()).unwrap();
            if meta.is_dir() {
                std::fs::create_dir_all(&to).unwrap();
            } else if meta.file_type().is_symlink() {
                let _ = symlink(std::fs::read_link(path).unwrap(), &to);
            } else if !to.exists() {
                std::fs::copy(path, &to).unwrap();
            }
        }
    }
    let status = std::fs::read_to_string("/var/lib/dpkg/status").unwrap();
    let stanzas: Vec<&str> = status
        .split("\n\n")
        .filter(|s| {
            s.lines()
                .any(|l| packages.iter().any(|p| l == format!("Package: {p}")))
        })
        .collect();
    assert_eq!(stanzas.len(), packages.len());
    std::fs::write(
        root.join("var/lib/dpkg/status"),
        stanzas.join("\n\n") + "\n",
    )
    .unwrap();
}

fn del09(report: &Value) -> BTreeSet<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "DEL-09")
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

fn dpkg_verify(root: &std::path::Path) -> BTreeSet<String> {
    let out = Command::new("dpkg")
        .arg(format!("--root={}", root.display()))
        .arg("--verify")
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

/// A copy of three of this machine's packages, then the same copy with one
/// byte changed in one packaged file: exactly one more DEL-09, naming that
/// file — and `dpkg --verify --root` on the copy says the same.
#[test]
fn a_copied_root_with_one_byte_changed_gives_exactly_one_more_del09() {
    if !dpkg_available() {
        common::skip("dpkg is not on this machine");
        return;
    }
    const PACKAGES: [&str; 3] = ["sed", "grep", "dash"];
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    copy_packages(root, &PACKAGES);
    let scan = |root: &std::path::Path| {
        let out = bin()
            .args(["scan", "--offline", "--no-cache", "--format", "json"])
            .arg(root)
            .assert()
            .success();
        serde_json::from_slice::<Value>(&out.get_output().stdout).unwrap()
    };
    let before = scan(root);
    let dpkg_before = dpkg_verify(root);
    assert_eq!(
        before["components"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["ecosystem"] == "deb")
            .count(),
        3
    );

    // The first file sed's md5sums lists (its program), one byte flipped.
    let md5sums = std::fs::read_to_string("/var/lib/dpkg/info/sed.md5sums").unwrap();
    let listed = md5sums.lines().next().unwrap().split_once("  ").unwrap().1;
    let real = std::fs::canonicalize(root.join(listed)).unwrap();
    let mut bytes = std::fs::read(&real).unwrap();
    bytes[100] ^= 0xff;
    std::fs::write(&real, bytes).unwrap();

    let after = scan(root);
    let new: Vec<String> = del09(&after).difference(&del09(&before)).cloned().collect();
    assert_eq!(del09(&after).len(), del09(&before).len() + 1, "{new:?}");
    assert!(
        new[0].starts_with("sed ") && new[0].ends_with(&format!(": /{listed}")),
        "{new:?}"
    );
    let dpkg_new: Vec<String> = dpkg_verify(root)
        .difference(&dpkg_before)
        .cloned()
        .collect();
    assert_eq!(dpkg_new.len(), 1, "{dpkg_new:?}");
    assert!(
        dpkg_new[0].ends_with(&format!(" /{listed}")),
        "{dpkg_new:?}"
    );
}
