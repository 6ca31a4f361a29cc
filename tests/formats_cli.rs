//! `--format` lists, `-o` as file, directory or `-`, and `--lang`, through
//! the real binary.

mod common;
use common::*;

const DEMO: &str = "fixtures/demo/acme-edge-gateway.cdx.json";

fn scan(args: &[&str]) -> std::process::Output {
    bin()
        .current_dir(root())
        .args(["scan", DEMO])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn several_formats_write_one_file_each_into_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("reports/nested");
    let out = scan(&[
        "--format",
        "json,html,sarif",
        "-o",
        out_dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout when writing files"
    );
    let mut names: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "chainrisk-report.html",
            "chainrisk-report.json",
            "chainrisk-report.sarif"
        ]
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("chainrisk-report.json")).unwrap())
            .unwrap();
    assert_eq!(report["schema"], "chainrisk.report/v1");
    let sarif: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("chainrisk-report.sarif")).unwrap())
            .unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let html = std::fs::read_to_string(out_dir.join("chainrisk-report.html")).unwrap();
    assert!(
        html.trim_start()
            .to_ascii_lowercase()
            .starts_with("<!doctype html")
    );
}

#[test]
fn every_format_at_once_each_identical_to_its_single_run() {
    let dir = tempfile::tempdir().unwrap();
    let all = "table,json,markdown,html,sarif,cyclonedx,csv";
    let out = scan(&["--format", all, "-o", dir.path().to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (format, file) in [
        ("table", "chainrisk-report.txt"),
        ("json", "chainrisk-report.json"),
        ("markdown", "chainrisk-report.md"),
        ("cyclonedx", "chainrisk-report.cdx.json"),
        ("csv", "chainrisk-report.csv"),
    ] {
        let written = std::fs::read_to_string(dir.path().join(file)).unwrap();
        let single = scan(&["--format", format, "--color", "never"]);
        assert!(single.status.success());
        let single = String::from_utf8(single.stdout).unwrap();
        match format {
            // The reproducibility block quotes the command line, which differs.
            "markdown" => assert!(written.contains("acme-edge-gateway"), "{format}"),
            "json" => {
                let strip = |t: &str| {
                    let mut v: serde_json::Value = serde_json::from_str(t).unwrap();
                    v.as_object_mut().unwrap().remove("invocation");
                    v
                };
                assert!(strip(&written) == strip(&single), "{format} differs");
            }
            _ => assert!(written == single, "{format} differs"),
        }
        assert!(!written.contains('\u{1b}'), "files never get colour codes");
    }
}

#[test]
fn several_formats_without_a_directory_is_a_usage_error() {
    for extra in [&[][..], &["-o", "-"][..]] {
        let mut args = vec!["--format", "json,sarif"];
        args.extend_from_slice(extra);
        let out = scan(&args);
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("--format json,sarif") && err.contains("-o DIR"),
            "{err}"
        );
        assert!(out.stdout.is_empty());
    }
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), "taken.txt", b"x");
    let out = scan(&["-f", "json,csv", "-o", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a file"));

    let out = scan(&["--format", "json,yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("yaml"));
}

#[test]
fn one_format_goes_to_a_file_a_directory_or_stdout() {
    let dir = tempfile::tempdir().unwrap();
    let out = scan(&["-f", "sarif", "-o", dir.path().to_str().unwrap()]);
    assert!(out.status.success());
    assert!(dir.path().join("chainrisk-report.sarif").exists());

    let file = dir.path().join("findings.csv");
    let out = scan(&["-f", "csv", "-o", file.to_str().unwrap()]);
    assert!(out.status.success());
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .starts_with("rule,severity")
    );

    let out = scan(&["-f", "cyclonedx", "-o", "-"]);
    assert!(out.status.success());
    let bom: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(bom["specVersion"], "1.6");
}

#[test]
fn lang_selects_the_language_of_the_human_reports() {
    let en = scan(&["-f", "markdown"]);
    let zh = scan(&["-f", "markdown", "--lang", "zh-CN"]);
    assert!(en.status.success() && zh.status.success());
    let (en, zh) = (
        String::from_utf8(en.stdout).unwrap(),
        String::from_utf8(zh.stdout).unwrap(),
    );
    assert_ne!(en, zh);
    let has_han = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    assert!(has_han(&zh), "the zh-CN report is in Chinese");
    assert!(
        !has_han(&en.replace("acme", "")),
        "the English report has no Chinese text"
    );
    let bad = scan(&["-f", "markdown", "--lang", "fr"]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn exit_codes_are_kept_with_several_formats() {
    let dir = tempfile::tempdir().unwrap();
    let out = scan(&[
        "-f",
        "json,csv",
        "-o",
        dir.path().to_str().unwrap(),
        "--fail-on",
        "high",
    ]);
    assert_eq!(out.status.code(), Some(1), "the demo has high findings");
    assert!(dir.path().join("chainrisk-report.csv").exists());
    let out = scan(&["-f", "sarif", "--fail-on", "critical"]);
    assert_eq!(out.status.code(), Some(0));
}
