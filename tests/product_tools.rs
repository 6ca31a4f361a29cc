//! One root filesystem as independent tools package it — GNU tar, umoci (an
//! OCI image, as an archive and as a layout directory) and skopeo (a
//! `docker save` archive converted from umoci's image) — gives the same
//! inventory as the directory itself: the same components, the same binary
//! census, the same findings. Needs tar, umoci and skopeo (CI installs them
//! from Debian's packages); elsewhere the test skips, and fails when CI is set.

mod common;
use common::bin;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

fn have(tool: &str) -> bool {
    Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// What must not depend on how the product was packaged.
fn inventory(input: &Path) -> (BTreeSet<String>, Value, BTreeSet<String>) {
    let out = bin()
        .args(["scan", "--offline", "--no-cache", "--format", "json"])
        .arg(input)
        .assert()
        .success();
    let report: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let components = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} {} {} {}",
                c["ecosystem"], c["name"], c["version"], c["purl"]
            )
        })
        .collect();
    let findings = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{} {}", f["rule"], f["message"]))
        .collect();
    (
        components,
        report["inputs"][0]["document"]["executables"].clone(),
        findings,
    )
}

#[test]
fn a_root_as_tar_umoci_and_skopeo_package_it_gives_one_inventory() {
    if !(have("tar") && have("umoci") && have("skopeo")) {
        common::skip("tar, umoci or skopeo is not on this machine");
        return;
    }
    let work = tempfile::tempdir().unwrap();
    let w = work.path();
    let root = w.join("root");
    std::fs::create_dir(&root).unwrap();
    run(Command::new("tar")
        .arg("-xJf")
        .arg(common::root().join("fixtures/images/binaries-rootfs.tar.xz"))
        .arg("-C")
        .arg(&root));
    run(Command::new("tar")
        .arg("-C")
        .arg(&root)
        .arg("-czf")
        .arg(w.join("root.tar.gz"))
        .arg("."));
    let layout = w.join("oci");
    let image = format!("{}:product", layout.display());
    run(Command::new("umoci")
        .args(["init", "--layout"])
        .arg(&layout));
    run(Command::new("umoci").args(["new", "--image", &image]));
    let bundle = w.join("bundle");
    run(Command::new("umoci")
        .args(["unpack", "--rootless", "--image", &image])
        .arg(&bundle));
    run(Command::new("cp")
        .arg("-a")
        .arg(root.join("."))
        .arg(bundle.join("rootfs")));
    run(Command::new("umoci")
        .args(["repack", "--image", &image])
        .arg(&bundle));
    run(Command::new("tar")
        .arg("-C")
        .arg(&layout)
        .arg("-cf")
        .arg(w.join("product.oci.tar"))
        .arg("."));
    run(Command::new("skopeo")
        .args(["--insecure-policy", "copy", "--quiet"])
        .arg(format!("oci:{image}"))
        .arg(format!(
            "docker-archive:{}:product:latest",
            w.join("product.docker.tar").display()
        )));

    let expected = inventory(&root);
    assert!(
        expected.0.len() > 5 && expected.1["binaries"] == 8,
        "{expected:?}"
    );
    for packaged in [
        "root.tar.gz",
        "oci",
        "product.oci.tar",
        "product.docker.tar",
    ] {
        let got = inventory(&w.join(packaged));
        assert_eq!(got.0, expected.0, "{packaged}: components");
        assert_eq!(got.1, expected.1, "{packaged}: binaries");
        // Findings name the input path; compare them with it taken out.
        let strip = |s: &BTreeSet<String>, input: &Path| -> BTreeSet<String> {
            s.iter()
                .map(|f| f.replace(&input.display().to_string(), "INPUT"))
                .collect()
        };
        assert_eq!(
            strip(&got.2, &w.join(packaged)),
            strip(&expected.2, &root),
            "{packaged}: findings"
        );
    }
}
