//! A delivered product read as delivered: a Debian 12 root filesystem
//! (fixtures/rootfs/README.md), alone and held against the supplier's SBOM
//! of the same system (fixtures/debian/).

mod common;
use common::bin;
use serde_json::Value;

const ROOT: &str = "fixtures/rootfs/debian-12-minbase";
const SBOM: &str = "fixtures/debian/minbase-bookworm.cdx.json";
/// 2026-12-03: bookworm is past its regular security support.
const AFTER_EOL: &str = "1796256000";

fn scan(args: &[&str]) -> Value {
    let out = bin()
        .args(["scan", "--format", "json"])
        .args(args)
        .env("SOURCE_DATE_EPOCH", AFTER_EOL)
        .assert()
        .success();
    serde_json::from_slice(&out.get_output().stdout).unwrap()
}

fn rules(report: &Value, rule: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_root_filesystem_is_read_as_its_installed_packages() {
    let report = scan(&[ROOT]);
    assert_eq!(report["inputs"][0]["format"], "rootfs");
    let debs: Vec<&Value> = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["ecosystem"] == "deb")
        .collect();
    assert_eq!(
        debs.len(),
        88,
        "every installed package of the status database"
    );
    let libc = debs.iter().find(|c| c["name"] == "libc6").unwrap();
    assert_eq!(libc["source_package"]["name"], "glibc");
    assert_eq!(libc["release"]["codename"], "bookworm");
    assert!(
        libc["locations"][0]["pointer"]
            .as_str()
            .unwrap()
            .starts_with("var/lib/dpkg/status:line "),
        "{}",
        libc["locations"][0]
    );
    assert_eq!(report["subject"]["name"], "Debian GNU/Linux");
    let unm07 = rules(&report, "UNM-07");
    assert_eq!(unm07.len(), 1);
    assert!(unm07[0].contains("88 packages"), "{}", unm07[0]);
}

#[test]
fn the_suppliers_sbom_of_the_same_system_does_not_drift() {
    let report = scan(&[ROOT, SBOM]);
    assert_eq!(rules(&report, "SBM-07"), Vec::<String>::new());
    let debs = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["ecosystem"] == "deb")
        .count();
    assert_eq!(
        debs, 151,
        "88 binaries merged across both spellings of the release, 63 sources"
    );
}

#[test]
fn an_sbom_that_leaves_a_package_out_or_lies_about_a_version_drifts() {
    let mut sbom: Value = serde_json::from_str(&std::fs::read_to_string(SBOM).unwrap()).unwrap();
    let comps = sbom["components"].as_array_mut().unwrap();
    comps.retain(|c| {
        !c["purl"]
            .as_str()
            .unwrap()
            .starts_with("pkg:deb/debian/bash@")
    });
    let tar = comps
        .iter_mut()
        .find(|c| {
            c["purl"]
                .as_str()
                .unwrap()
                .starts_with("pkg:deb/debian/tar@")
        })
        .unwrap();
    let real = tar["version"].as_str().unwrap().to_string();
    tar["version"] = "9.9-9".into();
    let encoded = real.replace('+', "%2B");
    tar["purl"] = tar["purl"]
        .as_str()
        .unwrap()
        .replace(&encoded, "9.9-9")
        .into();
    let dir = tempfile::tempdir().unwrap();
    let edited = dir.path().join("supplier.cdx.json");
    std::fs::write(&edited, serde_json::to_vec(&sbom).unwrap()).unwrap();

    let report = scan(&[ROOT, edited.to_str().unwrap()]);
    let mut drift = rules(&report, "SBM-07");
    drift.sort();
    assert_eq!(
        drift,
        vec![
            "debian/bash 5.2.15-2+b13 is in the delivered product but missing from the SBOM"
                .to_string(),
            format!("debian/tar is at 9.9-9 in the SBOM but {real} in the delivered product"),
        ]
    );
}

#[test]
fn a_directory_that_is_neither_project_nor_root_filesystem_names_both() {
    let dir = tempfile::tempdir().unwrap();
    bin()
        .args(["scan", dir.path().to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("not a root filesystem"));
}

#[test]
fn the_distribution_fields_are_in_the_report_schema() {
    let schema: Value =
        serde_json::from_str(&std::fs::read_to_string("docs/report.schema.json").unwrap()).unwrap();
    let validator = jsonschema::options().offline().build(&schema).unwrap();
    for report in [
        scan(&[ROOT, SBOM]),
        scan(&["fixtures/debian/minbase-bookworm.spdx.json"]),
    ] {
        let errors: Vec<String> = validator
            .iter_errors(&report)
            .take(5)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
        assert!(report["lifecycle"].is_array() && report["components"][1]["release"].is_object());
    }
}

/// A small root with one package whose files were changed, edited and removed.
fn tampered_root() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let r = root.path();
    for d in ["etc", "usr/bin", "usr/share/doc/tool", "var/lib/dpkg/info"] {
        std::fs::create_dir_all(r.join(d)).unwrap();
    }
    std::fs::write(r.join("etc/os-release"), "ID=debian\nVERSION_ID=\"12\"\n").unwrap();
    // md5("hello\n") = b1946ac92492d2347c6235b4d2611184
    std::fs::write(r.join("usr/bin/tool"), b"hello\n").unwrap();
    std::fs::write(r.join("usr/bin/toolctl"), b"hello, patched\n").unwrap();
    std::fs::write(r.join("etc/tool.conf"), b"edited\n").unwrap();
    std::fs::write(
        r.join("var/lib/dpkg/status"),
        "Package: tool\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0-1\n\
         Conffiles:\n /etc/tool.conf b1946ac92492d2347c6235b4d2611184\n",
    )
    .unwrap();
    std::fs::write(
        r.join("var/lib/dpkg/info/tool.md5sums"),
        "b1946ac92492d2347c6235b4d2611184  usr/bin/tool\n\
         b1946ac92492d2347c6235b4d2611184  usr/bin/toolctl\n\
         b1946ac92492d2347c6235b4d2611184  usr/share/doc/tool/README\n",
    )
    .unwrap();
    std::fs::write(
        r.join("var/lib/dpkg/info/tool.list"),
        "/.\n/usr\n/usr/bin\n/usr/bin/tool\n/usr/bin/toolctl\n/usr/share/doc/tool\n/usr/share/doc/tool/README\n/etc/tool.conf\n",
    )
    .unwrap();
    root
}

#[test]
fn del09_tells_changed_files_edited_conffiles_and_missing_files_apart() {
    let root = tampered_root();
    let report = scan(&[root.path().to_str().unwrap()]);
    let mut del09: Vec<(&str, &str)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "DEL-09")
        .map(|f| {
            (
                f["severity"].as_str().unwrap(),
                f["message"].as_str().unwrap(),
            )
        })
        .collect();
    del09.sort();
    assert_eq!(
        del09,
        vec![
            (
                "high",
                "tool 1.0-1: 1 installed file differs from the digests its package database recorded: /usr/bin/toolctl"
            ),
            (
                "low",
                "tool 1.0-1: 1 configuration file differs from the digests its package database recorded: /etc/tool.conf"
            ),
            (
                "low",
                "tool 1.0-1: 1 installed file is missing: /usr/share/doc/tool/README"
            ),
        ]
    );
    let changed = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "DEL-09" && f["severity"] == "high")
        .unwrap();
    let ev = &changed["evidence"][0];
    assert_eq!(ev["key"], "/usr/bin/toolctl");
    assert!(
        ev["value"]
            .as_str()
            .unwrap()
            .starts_with("md5 recorded b1946ac92492d2347c6235b4d2611184, found ")
    );
    assert!(
        ev["source"].as_str().unwrap().starts_with("product:")
            && ev["source"].as_str().unwrap().ends_with("/usr/bin/toolctl")
    );
}

#[test]
fn no_verify_files_leaves_del09_not_evaluated() {
    let root = tampered_root();
    let report = scan(&[root.path().to_str().unwrap(), "--no-verify-files"]);
    assert!(rules(&report, "DEL-09").is_empty());
    let ne = report["not_evaluated"].as_array().unwrap();
    assert!(
        ne.iter().any(|n| n["rule"] == "DEL-09" && n["count"] == 1),
        "{ne:?}"
    );
}

/// The same root as a directory and as tarballs made by GNU tar, plain and
/// compressed: the same packages, and the same DEL-09 findings.
#[test]
fn a_tarball_of_a_root_reads_like_the_directory() {
    let root = tampered_root();
    let dir = tempfile::tempdir().unwrap();
    let summary = |report: &Value| {
        let mut v: Vec<String> = report["components"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| format!("{} {}", c["purl"], c["version"]))
            .chain(
                report["findings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|f| format!("{} {}", f["rule"], f["message"])),
            )
            .collect();
        v.sort();
        v
    };
    let want = summary(&scan(&[root.path().to_str().unwrap()]));
    for (name, flag) in [("root.tar", ""), ("root.tar.gz", "z"), ("root.tar.xz", "J")] {
        let tarball = dir.path().join(name);
        let made = std::process::Command::new("tar")
            .arg(format!("-c{flag}f"))
            .arg(&tarball)
            .arg("-C")
            .arg(root.path())
            .arg(".")
            .status()
            .expect("GNU tar is on the machine");
        assert!(made.success());
        let report = scan(&[tarball.to_str().unwrap()]);
        assert_eq!(report["inputs"][0]["format"], "rootfs", "{name}");
        assert_eq!(summary(&report), want, "{name}");
    }
}

/// The first component named `name`.
fn component<'r>(report: &'r Value, name: &str) -> &'r Value {
    report["components"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == name)
        .unwrap_or_else(|| panic!("no component {name}"))
}

/// Whether the first components named `from` and `to` have an edge between them.
fn has_edge(report: &Value, from: &str, to: &str) -> bool {
    let (f, t) = (&component(report, from)["id"], &component(report, to)["id"]);
    report["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| &d["from"] == f && &d["to"] == t)
}

fn names(report: &Value) -> std::collections::BTreeSet<String> {
    report["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect()
}

/// Container images (fixtures/images, built by make-images.py from the
/// minbase root): an OCI archive and a `docker save` archive read as the
/// root their two layers make. Layer 2 makes `etc/` opaque (the older
/// `etc/os-release` of layer 1 is gone, so `usr/lib/os-release` says 12),
/// whites out `var/lib/dpkg/status.d` (its `vendor-agent` is gone) and
/// replaces the dpkg database with one that lacks zlib1g.
#[test]
fn container_images_are_read_as_their_layers_make_them() {
    let dir = names(&scan(&[ROOT]));
    for image in [
        "fixtures/images/minbase.oci.tar",
        "fixtures/images/minbase.docker.tar",
    ] {
        let report = scan(&[image]);
        let got = names(&report);
        assert!(
            !got.contains("zlib1g"),
            "{image}: layer 2's database is the one read"
        );
        assert!(
            !got.contains("vendor-agent"),
            "{image}: the whiteout removed status.d"
        );
        let missing: Vec<&String> = dir.difference(&got).collect();
        assert_eq!(missing, ["zlib1g"], "{image}");
        let releases: std::collections::BTreeSet<String> = report["components"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["release"]["version"].as_str().unwrap_or("-").to_string())
            .collect();
        assert_eq!(
            releases,
            ["12".to_string()].into(),
            "{image}: the opaque etc/ hid release 11"
        );
    }

    // The same image as an OCI layout directory.
    let layout = tempfile::tempdir().unwrap();
    let untar = std::process::Command::new("tar")
        .arg("xf")
        .arg(common::root().join("fixtures/images/minbase.oci.tar"))
        .arg("-C")
        .arg(layout.path())
        .status()
        .unwrap();
    assert!(untar.success());
    let from_layout = scan(&[layout.path().to_str().unwrap()]);
    assert_eq!(
        names(&from_layout),
        names(&scan(&["fixtures/images/minbase.oci.tar"]))
    );

    // Several platforms: linux/amd64 is chosen and said; without it, an error naming them.
    let multi = scan(&["fixtures/images/minbase-multi.oci.tar"]);
    assert!(
        multi["inputs"][0]["warnings"]
            .to_string()
            .contains("read linux/amd64")
    );
    assert_eq!(
        names(&multi),
        names(&scan(&["fixtures/images/minbase.oci.tar"]))
    );
    bin()
        .args([
            "scan",
            "--offline",
            "--no-cache",
            "fixtures/images/minbase-arm-only.oci.tar",
        ])
        .current_dir(common::root())
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "none is linux/amd64 (choose one with --platform): linux/arm64, linux/s390x",
        ));
    // --platform chooses; a platform the image lacks is an error naming those it has.
    let arm = scan(&[
        "--platform",
        "linux/arm64",
        "fixtures/images/minbase-arm-only.oci.tar",
    ]);
    assert_eq!(
        names(&arm),
        names(&scan(&["fixtures/images/minbase.oci.tar"]))
    );
    bin()
        .args([
            "scan",
            "--offline",
            "--no-cache",
            "--platform",
            "linux/ppc64le",
        ])
        .arg("fixtures/images/minbase-multi.oci.tar")
        .current_dir(common::root())
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "the image has no linux/ppc64le platform: linux/arm64, linux/amd64",
        ));
}

/// A firmware-style squashfs image (fixtures/images/make-squashfs.sh) is
/// read in place like the directory it was made from: the same packages, the
/// release from an os-release reached through a symlink, DEL-09 for the one
/// file changed after installation and not for the one that matches, and a
/// device node listed but never read.
#[test]
fn a_squashfs_image_is_read_in_place_like_its_directory() {
    let image = "fixtures/images/rootfs.squashfs";
    let report = scan(&[image]);
    assert_eq!(report["inputs"][0]["format"], "rootfs");
    assert_eq!(
        report["inputs"][0]["warnings"].as_array().unwrap().len(),
        0,
        "{}",
        report["inputs"][0]
    );
    assert_eq!(names(&report), names(&scan(&[ROOT])));
    let releases: std::collections::BTreeSet<String> = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["release"]["version"].as_str().map(str::to_string))
        .collect();
    assert_eq!(releases, ["12".to_string()].into());
    let del09 = rules(&report, "DEL-09");
    assert_eq!(del09.len(), 1, "{del09:?}");
    assert!(
        del09[0].starts_with("base-files 12.4+deb12u15:") && del09[0].ends_with(": /etc/issue"),
        "{del09:?}"
    );
}

/// A damaged image is this input's clear error (exit 2), never a crash: cut
/// short, only the magic bytes of one, its tables zeroed, or an unknown
/// compressor.
#[test]
fn a_damaged_squashfs_image_is_an_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let whole = std::fs::read(common::root().join("fixtures/images/rootfs.squashfs")).unwrap();
    let cases = [
        ("cut.squashfs", whole[..whole.len() / 2].to_vec()),
        ("magic-only.squashfs", b"hsqs\0\0\0\0garbage".to_vec()),
        ("zeroed-after-superblock.squashfs", {
            let mut b = whole.clone();
            b[96..].fill(0);
            b
        }),
        ("unknown-compressor.squashfs", {
            // Superblock offset 20: the compressor id (u16, little-endian).
            let mut b = whole.clone();
            b[20] = 99;
            b
        }),
    ];
    for (name, bytes) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = bin()
            .args(["scan", "--offline"])
            .arg(&path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(
            stderr.contains(name) && stderr.contains("squashfs"),
            "{name}: {stderr}"
        );
    }
}

/// An Alpine root (fixtures/rootfs/make-alpine.py): apk's installed
/// database read as components with their origin, relations through what
/// packages provide, and every file checked as `apk audit` checks it.
#[test]
fn an_alpine_root_is_read_as_its_apk_packages() {
    const ALPINE: &str = "fixtures/rootfs/alpine-3.20-mini";
    let report = scan(&[ALPINE]);
    let comps = report["components"].as_array().unwrap();
    assert_eq!(comps.len(), 9, "the system and 8 packages");
    let by_name = |n: &str| component(&report, n);
    let binsh = by_name("busybox-binsh");
    assert_eq!(
        binsh["purl"],
        "pkg:apk/alpine/busybox-binsh@1.36.1-r29?arch=x86_64&distro=alpine-3.20.3"
    );
    assert_eq!(binsh["source_package"]["name"], "busybox");
    assert_eq!(binsh["release"]["version"], "3.20.3");
    assert_eq!(by_name("zlib")["licenses"][0]["expression"], "Zlib");
    let edge = |from: &str, to: &str| has_edge(&report, from, to);
    assert!(edge("busybox-binsh", "busybox"), "by name");
    assert!(
        edge("apk-tools", "zlib"),
        "through `so:libz.so.1`, which zlib provides"
    );
    assert!(
        edge("alpine-baselayout", "busybox-binsh"),
        "through `/bin/sh`"
    );
    let mut del09 = rules(&report, "DEL-09");
    del09.sort();
    assert_eq!(
        del09,
        [
            "alpine-baselayout-data 3.6.5-r0: 1 configuration file differs from the digests its package database recorded: /etc/hostname",
            "busybox 1.36.1-r29: 1 installed file differs from the digests its package database recorded: /bin/busybox",
            "zlib 1.3.1-r1: 1 installed file is missing: /usr/lib/libz.so.1.3.1",
        ],
        "the symlinks /bin/sh and libz.so.1 match: apk digests their target paths"
    );
    let changed = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "DEL-09" && f["severity"] == "high")
        .unwrap();
    assert!(
        changed["evidence"][0]["value"]
            .as_str()
            .unwrap()
            .starts_with("sha1 recorded "),
        "{changed}"
    );
    assert!(
        rules(&report, "DEL-01").is_empty(),
        "an installed package is no download to hash: DEL-09 judges its files"
    );
    assert_eq!(report["inputs"][0]["warnings"], serde_json::json!([]));

    // The same root as a compressed tarball: the archive index computes SHA-1 too.
    let dir = tempfile::tempdir().unwrap();
    let tarball = dir.path().join("alpine.tar.gz");
    let made = std::process::Command::new("tar")
        .arg("-czf")
        .arg(&tarball)
        .arg("-C")
        .arg(common::root().join(ALPINE))
        .arg(".")
        .status()
        .expect("GNU tar is on the machine");
    assert!(made.success());
    let from_tar = scan(&[tarball.to_str().unwrap()]);
    let mut again = rules(&from_tar, "DEL-09");
    again.sort();
    assert_eq!(again, del09);
    assert_eq!(names(&from_tar), names(&report));
}

/// An OpenWrt root (fixtures/rootfs/make-openwrt.py): opkg's status with
/// its control files, SHA-256 conffile digests and file lists.
#[test]
fn an_openwrt_root_is_read_as_its_opkg_packages() {
    let report = scan(&["fixtures/rootfs/openwrt-23.05-mini"]);
    let comps = report["components"].as_array().unwrap();
    assert_eq!(comps.len(), 8, "the system and 7 packages");
    assert_eq!(comps[0]["kind"], "operating-system");
    assert_eq!(comps[0]["release"]["distro"], "openwrt");
    let ubus = comps
        .iter()
        .find(|c| c["name"] == "libubus20230605")
        .unwrap();
    assert_eq!(
        ubus["purl"],
        "pkg:opkg/openwrt/libubus20230605@2023.06.05~f787c97b-1?arch=mipsel_24kc&distro=openwrt-23.05.5"
    );
    assert_eq!(
        ubus["source_package"]["name"], "ubus",
        "from the control file's SourceName"
    );
    assert_eq!(ubus["licenses"][0]["expression"], "LGPL-2.1");
    let mut del09 = rules(&report, "DEL-09");
    del09.sort();
    assert_eq!(
        del09,
        [
            "dnsmasq 2.90-2: 1 installed file is missing: /usr/sbin/dnsmasq",
            "dropbear 2022.82-6: 1 configuration file differs from the digests its package database recorded: /etc/config/dropbear",
        ],
        "the untouched conffile /etc/config/dhcp matches its SHA-256"
    );
    let edited = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "DEL-09" && f["message"].as_str().unwrap().contains("dropbear"))
        .unwrap();
    assert!(
        edited["evidence"][0]["value"]
            .as_str()
            .unwrap()
            .starts_with("sha256 recorded "),
        "{edited}"
    );
    assert_eq!(report["inputs"][0]["warnings"], serde_json::json!([]));
}

/// A root whose rpm database rpm itself wrote (fixtures/rootfs/make-rpm.sh),
/// read without rpm, and held against `rpm -qa` and `rpm -Va` on a copy.
#[test]
fn an_rpm_root_is_read_as_rpm_itself_reads_it() {
    const FEDORA: &str = "fixtures/rootfs/fedora-40-mini";
    let report = scan(&[FEDORA]);
    let comps = report["components"].as_array().unwrap();
    let libs = comps.iter().find(|c| c["name"] == "fixture-libs").unwrap();
    assert_eq!(
        libs["purl"],
        "pkg:rpm/fedora/fixture-libs@2.3-4.fc40?arch=noarch&distro=fedora-40&epoch=1"
    );
    assert_eq!(libs["version"], "1:2.3-4.fc40");
    assert_eq!(
        libs["source_package"]["name"], "fixture-base",
        "a subpackage of fixture-base's source rpm"
    );
    // Fedora writes its end of support into os-release; no other data lists it.
    assert_eq!(
        rules(&report, "UNM-07"),
        [
            "fedora 40 is past the end of its regular security support (2025-05-13); every published support period has ended; 3 packages of the product are built for it"
        ]
    );
    assert_eq!(
        report["inputs"][0]["document"]["os_support_end"], "2025-05-13",
        "{}",
        report["inputs"][0]["document"]
    );
    assert!(
        report["lifecycle"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["file"] == "os-release"
                && l["path"]
                    .as_str()
                    .unwrap()
                    .ends_with("fedora-40-mini/etc/os-release")),
        "{}",
        report["lifecycle"]
    );
    let named = |i: &Value| {
        comps[i.as_u64().unwrap() as usize]["name"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let edges: std::collections::BTreeSet<(String, String)> = report["dependencies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (named(&d["from"]), named(&d["to"])))
        .collect();
    assert!(
        edges.contains(&("fixture-base".into(), "fixture-shell".into())),
        "`/bin/sh` is a file fixture-shell owns: {edges:?}"
    );
    assert!(
        edges.contains(&("fixture-base".into(), "fixture-libs".into())),
        "{edges:?}"
    );
    assert_eq!(report["inputs"][0]["warnings"], serde_json::json!([]));
    let del09: std::collections::BTreeSet<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "DEL-09")
        .flat_map(|f| f["evidence"].as_array().unwrap().clone())
        .map(|e| {
            let v = e["value"].as_str().unwrap();
            let what = if v == "missing" { "missing" } else { "digest" };
            (e["key"].as_str().unwrap().to_string(), what.to_string())
        })
        .collect();

    if std::process::Command::new("rpm")
        .arg("--version")
        .output()
        .is_err()
    {
        return common::skip("rpm is not installed (Debian: apt install rpm)");
    }
    // rpm writes lock and journal files beside its database: work on a copy.
    let copy = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("cp")
        .arg("-a")
        .arg(common::root().join(FEDORA).join("."))
        .arg(copy.path())
        .status()
        .unwrap();
    assert!(status.success());
    let rpm = |args: &[&str]| {
        let out = std::process::Command::new("rpm")
            .arg("--root")
            .arg(copy.path())
            .args(["--dbpath", "/usr/lib/sysimage/rpm"])
            .args(args)
            .output()
            .unwrap();
        String::from_utf8(out.stdout).unwrap()
    };
    let listed: std::collections::BTreeSet<String> = rpm(&[
        "-qa",
        "--qf",
        "%{NAME} %|EPOCH?{%{EPOCH}:}:{}|%{VERSION}-%{RELEASE} %{ARCH}\\n",
    ])
    .lines()
    .map(str::to_string)
    .collect();
    let ours: std::collections::BTreeSet<String> = comps[1..]
        .iter()
        .map(|c| {
            let arch = c["purl"]
                .as_str()
                .unwrap()
                .split("arch=")
                .nth(1)
                .unwrap()
                .split('&')
                .next()
                .unwrap();
            format!(
                "{} {} {arch}",
                c["name"].as_str().unwrap(),
                c["version"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(ours, listed, "the packages rpm -qa lists");
    // `rpm -V`: `..5......  c /path` (content differs), `missing   d /path`.
    let verified: std::collections::BTreeSet<(String, String)> = rpm(&["-Va", "--nodeps"])
        .lines()
        .filter_map(|l| {
            let path = l.split_whitespace().last()?.to_string();
            if l.starts_with("missing") {
                Some((path, "missing".to_string()))
            } else {
                (l.as_bytes().get(2) == Some(&b'5')).then(|| (path, "digest".to_string()))
            }
        })
        .collect();
    assert_eq!(del09, verified, "the files rpm -V finds changed or missing");
}

/// A product's binaries (fixtures/images/make-binaries.sh): one listed by
/// dpkg through the usrmerge symlink, a Go binary and a cargo-auditable
/// binary whose build records become components, and one ELF nothing
/// accounts for (OPQ-07); the same from the tarball and its extracted tree.
#[test]
fn a_products_binaries_are_accounted_for_or_named() {
    const TARBALL: &str = "fixtures/images/binaries-rootfs.tar.xz";
    let extracted = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("tar")
        .arg("-xJf")
        .arg(common::root().join(TARBALL))
        .arg("-C")
        .arg(extracted.path())
        .status()
        .expect("GNU tar is on the machine");
    assert!(status.success());
    for input in [TARBALL, extracted.path().to_str().unwrap()] {
        let report = scan(&[input]);
        let census = &report["inputs"][0]["document"]["executables"];
        assert_eq!(census["binaries"], 8, "{input}: {census}");
        assert_eq!(
            census["owned_by_packages"], 1,
            "{input}: libsupport.so.1, listed as /lib/…"
        );
        assert_eq!(
            census["with_build_record"], 4,
            "{input}: the Go program for Linux, Windows (PE) and macOS (Mach-O), and the Rust binary"
        );
        let opq07 = rules(&report, "OPQ-07");
        assert_eq!(
            opq07,
            [
                "/opt/mac/libvendor.dylib: Mach-O library (dylib or bundle) that no package database lists and that carries no build record (8 binaries in the product: 1 from packages, 4 with a build record)",
                "/opt/win/vendor.dll: PE library (DLL) that no package database lists and that carries no build record (8 binaries in the product: 1 from packages, 4 with a build record)",
                "/usr/local/bin/vendor-daemon: ELF shared object (library or PIE executable) that no package database lists and that carries no build record (8 binaries in the product: 1 from packages, 4 with a build record)",
            ],
            "{input}: a PIE executable is ELF type DYN"
        );
        let dll = census["unaccounted"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["path"] == "/opt/win/vendor.dll")
            .unwrap();
        assert_eq!(dll["size"], 1024, "{input}");
        let modules_of = |program: &str| {
            report["components"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|c| c["name"] == "greet")
                .filter(|c| {
                    c["locations"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|l| l["pointer"].as_str().unwrap().starts_with(program))
                })
                .count()
        };
        assert_eq!(
            (
                modules_of("/opt/win/gateway-agent.exe"),
                modules_of("/opt/mac/gateway-agent")
            ),
            (1, 1),
            "{input}: the Go module inside the PE and the Mach-O build"
        );
        let named = |n: &str| component(&report, n);
        // As `go version -m` printed it when the fixture was made.
        let greet = named("greet");
        assert_eq!(greet["purl"], "pkg:golang/example.com/greet@v1.4.2");
        assert_eq!(
            greet["hashes"][0]["value"],
            "1YpYDzb/KDJJ2E3L2T7Jwccb5+EqfB9HpdrJvYU5Yl4="
        );
        assert_eq!(named("gateway-agent")["kind"], "application");
        let itoa = named("itoa");
        assert_eq!(itoa["purl"], "pkg:cargo/itoa@1.0.11");
        assert_eq!(named("rust-tool")["version"], "0.3.1");
        let edge = |from: &str, to: &str| has_edge(&report, from, to);
        assert!(
            edge("gateway-agent", "greet") && edge("rust-tool", "itoa"),
            "{input}"
        );
        assert!(
            edge("debian", "gateway-agent"),
            "{input}: an unpackaged binary hangs under the system"
        );
    }
    let unexamined = scan(&[TARBALL, "--no-verify-files"]);
    assert!(rules(&unexamined, "OPQ-07").is_empty());
    assert!(unexamined["inputs"][0]["document"]["executables"].is_null());
    assert!(
        unexamined["not_evaluated"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["rule"] == "OPQ-07"),
        "{}",
        unexamined["not_evaluated"]
    );
}

/// A supplier's SBOM that declares a binary — by its path (CycloneDX
/// `evidence.occurrences`, an SPDX file) or its SHA-256 (a `file` component)
/// — accounts for it: OPQ-07 names only what no input declares.
#[test]
fn an_sbom_that_declares_a_binary_accounts_for_it() {
    use sha2::Digest;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    std::fs::create_dir(&root).unwrap();
    let status = std::process::Command::new("tar")
        .arg("-xJf")
        .arg(common::root().join("fixtures/images/binaries-rootfs.tar.xz"))
        .arg("-C")
        .arg(&root)
        .status()
        .unwrap();
    assert!(status.success());
    let sha256 = |rel: &str| {
        let bytes = std::fs::read(root.join(rel)).unwrap();
        sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let cyclonedx = dir.path().join("supplier.cdx.json");
    let bom = serde_json::json!({
        "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
        "components": [
            {"type": "file", "name": "vendor plug-in",
             "hashes": [{"alg": "SHA-256", "content": sha256("opt/win/vendor.dll").to_uppercase()}]},
            {"type": "application", "name": "vendor-daemon", "version": "2.1",
             "evidence": {"occurrences": [{"location": "/usr/local/bin/vendor-daemon"}]}}
        ]
    });
    std::fs::write(&cyclonedx, bom.to_string()).unwrap();
    let spdx = dir.path().join("supplier.spdx.json");
    let doc = serde_json::json!({
        "spdxVersion": "SPDX-2.3", "dataLicense": "CC0-1.0", "SPDXID": "SPDXRef-DOCUMENT",
        "name": "mac plug-ins", "documentNamespace": "https://registry.example/spdx/mac",
        "creationInfo": {"created": "2026-05-01T00:00:00Z", "creators": ["Tool: hand"]},
        "packages": [{"SPDXID": "SPDXRef-vendor", "name": "vendor-mac", "versionInfo": "1.0",
                      "downloadLocation": "NOASSERTION"}],
        "files": [{"SPDXID": "SPDXRef-dylib", "fileName": "./opt/mac/libvendor.dylib",
                   "checksums": [{"algorithm": "SHA1", "checksumValue": "00"}]}]
    });
    std::fs::write(&spdx, doc.to_string()).unwrap();
    let (root, cyclonedx, spdx) = (
        root.to_str().unwrap(),
        cyclonedx.to_str().unwrap(),
        spdx.to_str().unwrap(),
    );

    let with_cyclonedx = scan(&[root, cyclonedx, "--offline", "--no-cache"]);
    assert_eq!(
        rules(&with_cyclonedx, "OPQ-07"),
        [
            "/opt/mac/libvendor.dylib: Mach-O library (dylib or bundle) that no package database lists, no SBOM of the scan declares and that carries no build record (8 binaries in the product: 1 from packages, 4 with a build record)"
        ],
        "the DLL is declared by its SHA-256 (in upper case), the daemon by its path"
    );
    let with_both = scan(&[root, cyclonedx, spdx, "--offline", "--no-cache"]);
    assert!(
        rules(&with_both, "OPQ-07").is_empty(),
        "the SPDX file entry declares the dylib by its path"
    );
}

/// A single executable given as the input: the file with its SHA-256, and
/// what its build record says it was built from; one with no build record
/// is OPQ-07; a damaged one is read as far as it goes, without a panic.
#[test]
fn a_single_executable_is_read_with_its_build_record() {
    let dir = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("tar")
        .arg("-xJf")
        .arg(common::root().join("fixtures/images/binaries-rootfs.tar.xz"))
        .arg("-C")
        .arg(dir.path())
        .arg("./usr/bin/gateway-agent")
        .arg("./usr/local/bin/vendor-daemon")
        .status()
        .expect("GNU tar is on the machine");
    assert!(status.success());
    let go = dir.path().join("usr/bin/gateway-agent");
    let report = scan(&[go.to_str().unwrap()]);
    assert_eq!(report["inputs"][0]["format"], "executable");
    let comps = report["components"].as_array().unwrap();
    let names: Vec<&str> = comps.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["gateway-agent", "gateway-agent", "greet"],
        "the file, the program, its module"
    );
    assert_eq!(comps[0]["kind"], "file");
    assert_eq!(
        comps[0]["hashes"][0]["value"].as_str().unwrap(),
        report["inputs"][0]["sha256"].as_str().unwrap()
    );
    assert_eq!(
        comps[2]["hashes"][0]["value"],
        "1YpYDzb/KDJJ2E3L2T7Jwccb5+EqfB9HpdrJvYU5Yl4="
    );
    assert!(rules(&report, "OPQ-07").is_empty());

    let daemon = dir.path().join("usr/local/bin/vendor-daemon");
    let report = scan(&[daemon.to_str().unwrap()]);
    assert_eq!(
        rules(&report, "OPQ-07"),
        [
            "/vendor-daemon: ELF shared object (library or PIE executable) that no package database lists and that carries no build record"
        ]
    );

    let bytes = std::fs::read(&go).unwrap();
    let cut = dir.path().join("cut-agent");
    std::fs::write(&cut, &bytes[..4096]).unwrap();
    let report = scan(&[cut.to_str().unwrap()]);
    assert_eq!(report["inputs"][0]["format"], "executable");
    assert_eq!(
        rules(&report, "OPQ-07").len(),
        1,
        "its build record cannot be read"
    );
}

/// The language layer of a product (fixtures/rootfs/make-languages.sh): a
/// Python distribution pip installed, with DEL-09 from its RECORD, an npm
/// application's node_modules, linked as Node resolves them, and a Java
/// application with the libraries nested in it.
#[test]
fn python_npm_and_java_packages_in_a_product_are_components() {
    let root = "fixtures/rootfs/languages";
    let report = scan(&[root]);
    let named = |n: &str| component(&report, n);
    let six = named("six");
    assert_eq!(six["purl"], "pkg:pypi/six@1.16.0");
    assert_eq!(six["licenses"][0]["expression"], "MIT");
    assert_eq!(named("debug")["purl"], "pkg:npm/debug@4.3.4");
    assert_eq!(named("ms")["version"], "2.1.2");
    assert!(
        has_edge(&report, "debug", "ms"),
        "debug requires ms, found in the enclosing node_modules"
    );
    let client = named("netconf-client");
    assert_eq!(
        client["purl"],
        "pkg:maven/org.example.net/netconf-client@2.4.1"
    );
    assert_eq!(
        client["locations"][0]["pointer"],
        "/opt/gateway/gateway-ui.jar!/BOOT-INF/lib/netconf-client-2.4.1.jar!/META-INF/maven/org.example.net/netconf-client/pom.properties"
    );
    assert_eq!(
        named("org.example.metrics")["version"],
        "1.7.0",
        "named by its manifest only"
    );
    assert!(
        has_edge(&report, "gateway-ui", "netconf-client"),
        "a nested library is the application's"
    );
    assert_eq!(
        rules(&report, "DEL-09"),
        [
            "six 1.16.0: 1 installed file differs from the digests its package database recorded: /usr/local/lib/python3.11/site-packages/six.py"
        ],
        "the METADATA re-hashed in RECORD matches; six.py was changed"
    );
    assert_eq!(
        rules(&report, "OPQ-04"),
        [
            "debug@4.3.4 ships a prebuilt binary in its package: /srv/app/node_modules/debug/prebuilds/linux-x64/debug.node"
        ],
        "the addon planted in debug's directory is prebuilt; ms ships none"
    );
    assert!(
        rules(&report, "OPQ-07").is_empty(),
        "the addon is debug's: not unaccounted"
    );
    assert_eq!(
        report["summary"]["directness_unknown"], 0,
        "{}",
        report["summary"]
    );
    assert_eq!(report["inputs"][0]["warnings"], serde_json::json!([]));
}
