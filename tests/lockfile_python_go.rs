//! Python (requirements, poetry.lock, uv.lock, Pipfile.lock) and Go (go.mod,
//! go.sum) inputs, driven through the binary: corpus counts, a fixture made
//! by real tools checked against the tools' own listing, the rules the
//! formats feed (DEL-04, CON-04), and errors.

mod common;
use common::*;

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// Scans `paths` and returns the JSON report (which must validate).
fn scan(paths: &[&Path]) -> Value {
    let out = bin()
        .args(["scan", "--format", "json"])
        .args(paths)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{paths:?}: {stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_report(&report, &format!("{paths:?}"));
    report
}

fn components(report: &Value) -> &Vec<Value> {
    report["components"].as_array().unwrap()
}

/// `name==version` of every component that is not a root.
fn listing(report: &Value) -> BTreeSet<String> {
    components(report)
        .iter()
        .filter(|c| c["root"] != true)
        .map(|c| {
            format!(
                "{}=={}",
                c["name"].as_str().unwrap(),
                c["version"].as_str().unwrap()
            )
        })
        .collect()
}

fn findings<'a>(report: &'a Value, rule: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

fn fired_on(report: &Value, rule: &str) -> BTreeSet<String> {
    findings(report, rule)
        .iter()
        .map(|f| {
            let i = f["component"].as_u64().unwrap() as usize;
            components(report)[i]["name"].as_str().unwrap().to_string()
        })
        .collect()
}

#[test]
fn corpus_counts() {
    let corpus = corpus();
    let lock = corpus.join("lockfiles");
    let cases = [
        ("python/requirements-with-hashes.txt", "requirements", 5),
        ("python/requirements-with-urls.txt", "requirements", 8),
        ("python/requirements-unpinned.txt", "requirements", 3),
        (
            "python/poetry-regression702-lock21/poetry.lock",
            "poetry-lock",
            63,
        ),
        ("python/pipenv-with-urls/Pipfile.lock", "pipfile-lock", 7),
        ("python/uv-via-uv/uv.lock", "uv-lock", 3),
        // 50 requirements; the main module is the product, not an entry.
        ("go/cyclonedx-gomod/go.mod", "go-mod", 50),
        ("go/cyclonedx-gomod/go.sum", "go-sum", 112),
    ];
    for (file, format, count) in cases {
        let report = scan(&[&lock.join(file)]);
        let input = &report["inputs"][0];
        assert_eq!(input["format"], format, "{file}");
        assert_eq!(input["components_read"], count, "{file}");
        assert_eq!(input["error"], Value::Null, "{file}");
    }

    // go.mod: the module is the root, its 12 direct requirements are direct,
    // the 38 indirect ones have no path from it; every requirement has its go.sum hash.
    let report = scan(&[&lock.join("go/cyclonedx-gomod")]);
    assert_eq!(
        report["inputs"].as_array().unwrap().len(),
        1,
        "go.mod covers go.sum"
    );
    assert_eq!(
        report["subject"]["name"],
        "github.com/CycloneDX/cyclonedx-gomod"
    );
    assert_eq!(report["summary"]["direct"], 12);
    assert_eq!(report["inputs"][0]["document"]["unreachable"], 38);
    let hashed = components(&report)
        .iter()
        .filter(|c| c["root"] != true)
        .filter(|c| c["hashes"][0]["alg"] == "GO-H1")
        .count();
    assert_eq!(hashed, 50);
    assert!(
        findings(&report, "DEL-01").len() <= 1,
        "only the module itself has no hash"
    );

    // uv.lock: the virtual project is the subject.
    let report = scan(&[&lock.join("python/uv-via-uv/uv.lock")]);
    assert_eq!(report["subject"]["name"], "via-uv");
    assert_eq!(report["subject"]["version"], "0.1.0");
}

#[test]
fn generated_fixture_matches_the_tools_listing() {
    let dir = root().join("fixtures/lockfiles/python/demo");
    let expected: BTreeSet<String> = std::fs::read_to_string(dir.join("listing.txt"))
        .unwrap()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    assert_eq!(expected.len(), 6);

    let report = scan(&[&dir.join("requirements.txt")]);
    assert_eq!(listing(&report), expected, "requirements.txt");
    assert!(
        components(&report)
            .iter()
            .all(|c| c["hashes"][0]["alg"] == "SHA-256"),
        "every pin is hashed"
    );
    assert!(findings(&report, "DEL-04").is_empty());

    let report = scan(&[&dir.join("uv.lock")]);
    assert_eq!(listing(&report), expected, "uv.lock");
    assert_eq!(report["subject"]["name"], "demo");
    let by_name = |n: &str| {
        components(&report)
            .iter()
            .find(|c| c["name"] == n)
            .unwrap()
            .clone()
    };
    assert_eq!(by_name("demo")["root"], true);
    assert_eq!(by_name("requests")["direct"], true);
    assert_eq!(by_name("iniconfig")["direct"], true);
    assert_eq!(by_name("iniconfig")["scope"], "dev");
    assert_eq!(by_name("urllib3")["direct"], false);
    assert_eq!(by_name("urllib3")["scope"], "required");
    assert_eq!(report["inputs"][0]["document"]["unreachable"], 0);

    // The directory: both files, one component per package.
    let report = scan(&[&dir]);
    assert_eq!(report["inputs"].as_array().unwrap().len(), 2);
    assert_eq!(listing(&report), expected);
}

#[test]
fn unpinned_requirements_fire_del_04() {
    let corpus = corpus();
    let report = scan(&[&corpus.join("lockfiles/python/requirements-unpinned.txt")]);
    assert_eq!(
        fired_on(&report, "DEL-04"),
        ["certifi", "chardet", "urllib3"].map(String::from).into()
    );
    let msgs: Vec<&str> = findings(&report, "DEL-04")
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        msgs.iter().any(|m| m.contains(">= 4.0.0 , < 5")),
        "{msgs:?}"
    );
}

#[test]
fn irregular_channels_fire_con_04() {
    let dir = tempfile::tempdir().unwrap();
    let req = write(
        dir.path(),
        "requirements.txt",
        b"requests==2.31.0\ngit+https://git.example/o/one@41b95ec#egg=one\nwheel @ https://dl.example/wheel-1.0-py3-none-any.whl\n-e ./libs/local\n",
    );
    let report = scan(&[&req]);
    assert_eq!(
        fired_on(&report, "CON-04"),
        ["local", "one", "wheel"].map(String::from).into()
    );
    assert_eq!(
        fired_on(&report, "DEL-04"),
        ["one"].map(String::from).into(),
        "a short commit can move"
    );

    let corpus = corpus();
    let report = scan(&[&corpus.join("lockfiles/python/requirements-with-urls.txt")]);
    assert_eq!(findings(&report, "CON-04").len(), 8);
    // Four VCS lines at a branch, tag or abbreviated commit; one at a full commit.
    assert_eq!(findings(&report, "DEL-04").len(), 4);

    let report = scan(&[&corpus.join("lockfiles/python/pipenv-with-urls/Pipfile.lock")]);
    assert_eq!(
        fired_on(&report, "CON-04"),
        ["pillow", "requests", "six", "urllib3"]
            .map(String::from)
            .into()
    );
}

#[test]
fn go_replaces_and_hashes() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "go.mod",
        b"module example.com/app\n\ngo 1.22\n\nrequire (\n\tgithub.com/spf13/cobra v1.8.0\n\texample.com/lib v1.0.0\n\tgolang.org/x/text v0.14.0 // indirect\n)\n\nreplace example.com/lib => ../lib\n",
    );
    write(
        dir.path(),
        "go.sum",
        b"github.com/spf13/cobra v1.8.0 h1:7aJaZx1B85qltLMc546zn58BxxfZdR/W22ej9CFoEf0=\ngithub.com/spf13/cobra v1.8.0/go.mod h1:WXLWApfZ71AjXPya3WOlMsY9yMs7YeiHhFVlvLyhcho=\n",
    );
    let report = scan(&[dir.path()]);
    assert_eq!(report["inputs"][0]["format"], "go-mod");
    assert_eq!(report["subject"]["name"], "example.com/app");
    let cobra = components(&report)
        .iter()
        .find(|c| c["name"] == "cobra")
        .unwrap();
    assert_eq!(cobra["purl"], "pkg:golang/github.com/spf13/cobra@v1.8.0");
    assert_eq!(
        cobra["hashes"][0]["value"],
        "7aJaZx1B85qltLMc546zn58BxxfZdR/W22ej9CFoEf0="
    );
    assert_eq!(cobra["direct"], true);
    assert_eq!(
        fired_on(&report, "CON-04"),
        ["lib"].map(String::from).into()
    );
    let warnings = report["inputs"][0]["warnings"].to_string();
    assert!(
        warnings.contains("replaced by the local directory ../lib"),
        "{warnings}"
    );
}

#[test]
fn toml_syntax_error_is_one_line_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "poetry.lock",
        b"[[package]]\nname = \"a\"\nversion = \"1.0\nfiles = []\n",
    );
    let out = bin()
        .args(["scan", "--format", "json"])
        .arg(&p)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with("error: ") && lines[0].contains("poetry.lock"),
        "{stderr}"
    );
    assert!(lines[0].contains("line 3, column"), "{stderr}");
    assert!(lines[0].contains("invalid TOML"), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_valid_report(&report, "bad poetry.lock");

    let p = write(dir.path(), "uv.lock", b"version = 9\n");
    let out = bin().args(["scan"]).arg(&p).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("uv.lock version 9 is not supported"),
        "{stderr}"
    );
}

/// `-r`/`-c` includes are read only from regular files inside the input's
/// directory tree (or a directory given with --include-root): a hostile
/// requirements file cannot copy the environment, /etc/passwd or a file
/// beside the project into any report.
#[cfg(target_os = "linux")]
#[test]
fn includes_outside_the_project_are_not_read() {
    const SECRET: &str = "tok-3f9a1c-do-not-leak";
    let outer = tempfile::tempdir().unwrap();
    let project = outer.path().join("project");
    std::fs::create_dir(&project).unwrap();
    write(
        outer.path(),
        "pins.txt",
        format!("leaked=={SECRET}\n").as_bytes(),
    );
    write(outer.path(), "extra.txt", b"leaked\n");
    write(&project, "base.txt", b"attrs==23.1.0\n");
    std::os::unix::fs::symlink(outer.path().join("extra.txt"), project.join("link.txt")).unwrap();
    let req = write(
        &project,
        "requirements.txt",
        b"-r /proc/self/environ\n-r /etc/passwd\n-c ../pins.txt\n-r link.txt\n-r base.txt\nsix==1.16.0\n",
    );
    let reports = tempfile::tempdir().unwrap();
    let out = bin()
        .args([
            "scan",
            "--offline",
            "--format",
            "json,html,markdown,csv,sarif",
            "-o",
        ])
        .arg(reports.path())
        .arg(&req)
        .env("CHAINRISK_TEST_PLANTED", SECRET)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains(SECRET), "{stderr}");
    for entry in std::fs::read_dir(reports.path()).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains(SECRET),
            "{} leaks the secret",
            path.display()
        );
        assert!(
            !text.contains("root:x:0:0"),
            "{} leaks /etc/passwd",
            path.display()
        );
    }
    let report: Value = serde_json::from_str(
        &std::fs::read_to_string(reports.path().join("chainrisk-report.json")).unwrap(),
    )
    .unwrap();
    let names: BTreeSet<&str> = components(&report)
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(names, BTreeSet::from(["attrs", "six"]));
    let warnings = report["inputs"][0]["warnings"].to_string();
    for include in [
        "/proc/self/environ",
        "/etc/passwd",
        "../pins.txt",
        "link.txt",
    ] {
        assert!(
            warnings.contains(&format!(
                "{include} could not be read (outside the input's directory"
            )),
            "{include}: {warnings}"
        );
    }

    // Allowed explicitly, the files beside the project are read.
    let out = bin()
        .args(["scan", "--offline", "--format", "json", "--include-root"])
        .arg(outer.path())
        .arg(&req)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        report["inputs"][0]["warnings"]
            .to_string()
            .contains("/proc/self/environ could not be read (outside"),
        "only the named directory is allowed"
    );
    let leaked = components(&report)
        .iter()
        .find(|c| c["name"] == "leaked")
        .expect("the included file is read, pinned by the constraints file");
    assert_eq!(leaked["version"], SECRET);
}

/// A file read beside a lockfile (here go.sum) is confined like an include:
/// a symbolic link out of the project is not followed.
#[cfg(unix)]
#[test]
fn a_file_beside_the_lockfile_linked_out_of_the_project_is_not_read() {
    let outer = tempfile::tempdir().unwrap();
    let project = outer.path().join("project");
    std::fs::create_dir(&project).unwrap();
    write(
        outer.path(),
        "elsewhere.sum",
        b"github.com/spf13/cobra v1.8.0 h1:7aJaZx1B85qltLMc546zn58BxxfZdR/W22ej9CFoEf0=\n",
    );
    std::os::unix::fs::symlink(outer.path().join("elsewhere.sum"), project.join("go.sum")).unwrap();
    write(
        &project,
        "go.mod",
        b"module example.com/app\n\ngo 1.22\n\nrequire github.com/spf13/cobra v1.8.0\n",
    );
    let report = scan(&[&project.join("go.mod")]);
    let cobra = components(&report)
        .iter()
        .find(|c| c["name"] == "cobra")
        .unwrap();
    assert_eq!(cobra["hashes"], serde_json::json!([]));
    let warnings = report["inputs"][0]["warnings"].to_string();
    assert!(
        warnings.contains("go.sum beside go.mod could not be read (outside the input's directory"),
        "{warnings}"
    );
}

/// Requirements files are known by their grammar, also when they hold only
/// includes or only VCS and path requirements; what is not known is named
/// with every format chainrisk reads.
#[test]
fn requirements_of_includes_or_locations_only_are_recognised() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "base.txt", b"six==1.16.0\n");
    let only_include = write(dir.path(), "requirements.txt", b"-r base.txt\n");
    let report = scan(&[&only_include]);
    assert_eq!(report["inputs"][0]["format"], "requirements");
    assert_eq!(
        listing(&report),
        BTreeSet::from(["six==1.16.0".to_string()])
    );

    let locations = write(
        dir.path(),
        "requirements-vcs.txt",
        b"git+https://git.example/o/six@41b95ec41b95ec41b95ec41b95ec41b95ec41b95#egg=six\n./local/pkg\n",
    );
    let report = scan(&[&locations]);
    assert_eq!(report["inputs"][0]["format"], "requirements");
    let names: BTreeSet<&str> = components(&report)
        .iter()
        .filter_map(|c| c["name"].as_str())
        .collect();
    assert_eq!(names, BTreeSet::from(["six", "pkg"]));

    let notes = write(dir.path(), "notes.txt", b"just some notes\n");
    let out = bin()
        .args(["scan", "--offline"])
        .arg(&notes)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for format in [
        "CycloneDX",
        "SPDX",
        "Cargo.lock",
        "package-lock.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "requirements",
        "poetry.lock",
        "uv.lock",
        "Pipfile.lock",
        "go.mod",
        "go.sum",
    ] {
        assert!(stderr.contains(format), "{format} not named: {stderr}");
    }
}
