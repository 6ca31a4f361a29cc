//! Issue 15's input hazards: a FIFO given as an input must not block the
//! scan, and a URL given as `--cache` must not become a directory.

mod common;
use common::{bin, std_bin};
use std::time::{Duration, Instant};

#[test]
fn a_fifo_input_is_refused_at_once_not_read_forever() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("bom.cdx.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let mut child = std_bin()
        .args(["scan"])
        .arg(&fifo)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if started.elapsed() > Duration::from_secs(30) {
            child.kill().unwrap();
            panic!("the scan blocked on a FIFO");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(status.code(), Some(2));
    let mut err = String::new();
    std::io::Read::read_to_string(child.stderr.as_mut().unwrap(), &mut err).unwrap();
    assert!(err.contains("is not a regular file"), "{err}");
}

#[test]
fn a_url_as_cache_is_a_usage_error_unless_postgres_and_creates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::root().join("fixtures/demo/gsutil-5.29.cdx.json");
    for args in [
        vec![
            "scan",
            demo.to_str().unwrap(),
            "--cache",
            "redis://127.0.0.1:1/0",
        ],
        vec!["cache", "stats", "--cache", "http://cache.example/x.db"],
    ] {
        bin()
            .current_dir(dir.path())
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(
                "is not a cache chainrisk can use",
            ));
    }
    // A database URL is a cache, not a path: nothing listens on port 1, the
    // scan goes on without it.
    bin()
        .current_dir(dir.path())
        .args(["scan", demo.to_str().unwrap(), "--offline"])
        .args(["--cache", "postgres://scanner@127.0.0.1:1/chainrisk"])
        .assert()
        .stderr(predicates::str::contains(
            "cannot open the cache postgres://scanner@127.0.0.1:1/chainrisk",
        ));
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        0,
        "no `postgres:` or `redis:` directory"
    );
}

#[test]
fn an_output_never_overwrites_what_the_scan_reads() {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::root().join("fixtures/demo/gsutil-5.29.cdx.json");
    let sbom = dir.path().join("bom.cdx.json");
    std::fs::copy(&demo, &sbom).unwrap();
    let before = std::fs::read(&sbom).unwrap();
    let link = dir.path().join("same.json");
    std::os::unix::fs::symlink(&sbom, &link).unwrap();
    let policy = dir.path().join("chainrisk.toml");
    std::fs::write(&policy, "[thresholds]\n").unwrap();
    let s = |p: &std::path::Path| p.to_str().unwrap().to_string();
    for (args, what) in [
        (
            vec![
                "--format".into(),
                "json".into(),
                "-o".into(),
                s(&sbom),
                s(&sbom),
            ],
            "is the input",
        ),
        (
            vec![
                "--format".into(),
                "json".into(),
                "-o".into(),
                s(&link),
                s(&sbom),
            ],
            "is the input",
        ),
        (
            vec![
                "--format".into(),
                "json".into(),
                "-o".into(),
                s(&policy),
                "--policy".into(),
                s(&policy),
                s(&sbom),
            ],
            "is the policy",
        ),
    ] {
        bin()
            .arg("scan")
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(what));
    }
    assert_eq!(std::fs::read(&sbom).unwrap(), before, "the SBOM is intact");
    assert_eq!(std::fs::read_to_string(&policy).unwrap(), "[thresholds]\n");
}

/// The demo SBOM re-encoded: UTF-16 in both byte orders, with and without a mark.
#[test]
fn utf16_sboms_are_read_like_their_utf8() {
    let demo = common::root().join("fixtures/demo/gsutil-5.29.cdx.json");
    let text = std::fs::read_to_string(&demo).unwrap();
    let count = |path: &std::path::Path| {
        let out = bin()
            .args(["scan", "--format", "json"])
            .arg(path)
            .assert()
            .success();
        let report: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
        (
            report["components"].as_array().unwrap().len(),
            report["inputs"][0]["warnings"].to_string(),
        )
    };
    let (want, _) = count(&demo);
    let dir = tempfile::tempdir().unwrap();
    for (little, bom) in [(true, true), (true, false), (false, true), (false, false)] {
        let mut bytes = Vec::new();
        if bom {
            bytes.extend(if little { [0xFF, 0xFE] } else { [0xFE, 0xFF] });
        }
        for u in text.encode_utf16() {
            bytes.extend(if little {
                u.to_le_bytes()
            } else {
                u.to_be_bytes()
            });
        }
        let p = dir.path().join(format!("bom-{little}-{bom}.json"));
        std::fs::write(&p, bytes).unwrap();
        let (got, warnings) = count(&p);
        assert_eq!(got, want, "little={little} bom={bom}");
        assert!(warnings.contains("UTF-16"), "{warnings}");
    }
}

#[test]
fn a_utf8_bom_is_accepted_in_baselines_diffs_and_snapshots() {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::root().join("fixtures/demo/gsutil-5.29.cdx.json");
    let out = bin()
        .args(["scan", "--format", "json"])
        .arg(&demo)
        .assert()
        .success();
    let mut report = b"\xEF\xBB\xBF".to_vec();
    report.extend(&out.get_output().stdout);
    let baseline = dir.path().join("baseline.json");
    std::fs::write(&baseline, &report).unwrap();
    bin()
        .args(["scan"])
        .arg(&demo)
        .arg("--baseline")
        .arg(&baseline)
        .assert()
        .success();
    bin()
        .args(["diff"])
        .arg(&baseline)
        .arg(&baseline)
        .assert()
        .success();
    let mut snapshot = b"\xEF\xBB\xBF".to_vec();
    snapshot.extend(
        std::fs::read(common::root().join("fixtures/demo/gsutil-5.29.snapshot.json")).unwrap(),
    );
    let snap = dir.path().join("snapshot.json");
    std::fs::write(&snap, &snapshot).unwrap();
    bin()
        .args(["scan", "--offline", "--snapshot"])
        .arg(&snap)
        .arg(&demo)
        .assert()
        .success();
}

/// Item 6: documents read whole are capped, the cap names its flag, and the
/// flag raises it; an include over the cap is refused the same way.
#[test]
fn documents_over_the_input_size_limit_are_refused_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let demo = common::root().join("fixtures/demo/gsutil-5.29.cdx.json");
    let size = std::fs::metadata(&demo).unwrap().len();
    let under = (size - 1).to_string();
    bin()
        .args([
            "scan",
            "--offline",
            "--no-cache",
            "--max-input-size",
            &under,
        ])
        .arg(&demo)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(format!(
            "larger than the {under} byte limit for one input (raise it with --max-input-size)"
        )));
    bin()
        .args(["scan", "--offline", "--no-cache", "--max-input-size", "1M"])
        .arg(&demo)
        .assert()
        .code(0);
    bin()
        .env("CHAINRISK_MAX_INPUT_SIZE", "2x")
        .args(["scan", "--offline", "--no-cache"])
        .arg(&demo)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("is not a size"));

    // A policy and a baseline over the limit, too.
    let policy = dir.path().join("chainrisk.toml");
    std::fs::write(&policy, format!("# {}\n", "x".repeat(4096))).unwrap();
    bin()
        .args(["scan", "--offline", "--no-cache", "--max-input-size", "4K"])
        .arg("--policy")
        .arg(&policy)
        .arg(&demo)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("byte limit for one input"));

    // An include: the requirements file is small, what it pulls in is not.
    std::fs::write(dir.path().join("req.txt"), "-r big.txt\n").unwrap();
    std::fs::write(dir.path().join("big.txt"), "six==1.16.0\n".repeat(1000)).unwrap();
    bin()
        .args(["scan", "--offline", "--no-cache", "--max-input-size", "2K"])
        .arg(dir.path().join("req.txt"))
        .assert()
        .stdout(predicates::str::contains(
            "big.txt could not be read (larger than the 2048 byte limit for one input",
        ));
}

/// Item 7: memory. Under a 512 MiB address-space limit, a million `{}`
/// components (3 MB) and a 20 MB name are read in little memory, and an
/// input that needs more than the limit ends in exit 2 with a message, not
/// an abort.
#[test]
fn memory_stays_near_the_input_and_running_out_is_exit_2_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let bom = |components: &str| {
        format!(r#"{{"bomFormat":"CycloneDX","specVersion":"1.5","components":[{components}]}}"#)
    };
    let empty = common::write(
        dir.path(),
        "empty.cdx.json",
        bom(&vec!["{}"; 1_000_000].join(",")).as_bytes(),
    );
    let long = common::write(
        dir.path(),
        "long.cdx.json",
        bom(&format!(
            r#"{{"name":"{}","version":"1.0"}}"#,
            "a".repeat(20_000_000)
        ))
        .as_bytes(),
    );
    // Far more than fits: each change that makes a component smaller moves
    // the count that does (60,000 did once).
    let many: Vec<String> = (0..200_000)
        .map(|i| format!(r#"{{"name":"c{i}"}}"#))
        .collect();
    let many = common::write(dir.path(), "many.cdx.json", bom(&many.join(",")).as_bytes());
    let limit = 512 * 1024;
    let out_file = dir.path().join("report.json");
    let run = |input: &std::path::Path| {
        common::std_bin_with_address_limit(limit)
            .args(["scan", "--offline", "--no-cache", "--format", "json", "-o"])
            .arg(&out_file)
            .arg(input)
            .output()
            .unwrap()
    };

    let o = run(&empty);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&out_file).unwrap()).unwrap();
    assert_eq!(report["components"].as_array().unwrap().len(), 0);
    assert!(
        report["inputs"][0]["warnings"][0]
            .as_str()
            .unwrap()
            .starts_with("1000000 component(s) with no name"),
        "{}",
        report["inputs"][0]["warnings"]
    );

    let o = run(&long);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let text = std::fs::read_to_string(&out_file).unwrap();
    assert!(
        text.len() < 1_000_000,
        "the report repeats the name: {} bytes",
        text.len()
    );
    assert!(
        text.contains("…[sha256:"),
        "the name is shortened with its digest"
    );

    let o = run(&many);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("error: out of memory"), "{err}");
}

/// Item 15: a CycloneDX report written into a scanned directory is not read
/// back as an input by the next scan of that directory.
#[test]
fn a_report_written_into_a_scanned_directory_is_not_an_input_next_time() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        common::root().join("fixtures/demo/gsutil-5.29.cdx.json"),
        dir.path().join("bom.cdx.json"),
    )
    .unwrap();
    bin()
        .args([
            "scan",
            "--offline",
            "--no-cache",
            "--format",
            "cyclonedx",
            "-o",
        ])
        .arg(dir.path().join("chainrisk.cdx.json"))
        .arg(dir.path())
        .assert()
        .code(0);
    assert!(dir.path().join("chainrisk.cdx.json").is_file());
    let report = common::scan_json(&["--offline", "--no-cache", dir.path().to_str().unwrap()]);
    let inputs = report["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 1, "{inputs:?}");
    assert!(
        inputs[0]["path"]
            .as_str()
            .unwrap()
            .ends_with("bom.cdx.json")
    );
    // Named directly, it is still read: the user asked for it.
    let direct = common::scan_json(&[
        "--offline",
        "--no-cache",
        dir.path().join("chainrisk.cdx.json").to_str().unwrap(),
    ]);
    assert!(!direct["components"].as_array().unwrap().is_empty());
}

/// Item 1, for the other writers: `diff -o` and `snapshot export -o` refuse
/// an output that is one of the files they read, and leave it as it was.
#[test]
fn diff_and_snapshot_export_never_overwrite_what_they_read() {
    let dir = tempfile::tempdir().unwrap();
    let sbom = dir.path().join("bom.cdx.json");
    std::fs::copy(
        common::root().join("fixtures/demo/gsutil-5.29.cdx.json"),
        &sbom,
    )
    .unwrap();
    let report = dir.path().join("report.json");
    bin()
        .args(["scan", "--offline", "--no-cache", "--format", "json", "-o"])
        .arg(&report)
        .arg(&sbom)
        .assert()
        .code(0);
    let before = std::fs::read(&report).unwrap();
    bin()
        .arg("diff")
        .arg(&report)
        .arg(&report)
        .arg("-o")
        .arg(&report)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("refusing to overwrite"));
    assert_eq!(std::fs::read(&report).unwrap(), before);

    let sbom_before = std::fs::read(&sbom).unwrap();
    bin()
        .args(["snapshot", "export", "--offline", "-o"])
        .arg(&sbom)
        .arg(&sbom)
        .assert()
        .code(2)
        .stderr(predicates::str::contains("is the input"));
    assert_eq!(std::fs::read(&sbom).unwrap(), sbom_before);
}

/// A dependency chain makes every path as long as the graph is deep: 3,000
/// components in a line once cost a report of n² ids (a 20,000-component
/// chain: 3 MB in, 3.1 GB out, 5.8 GB of memory). A finding's path now keeps
/// its first and last 16 components and counts the rest, in every report.
#[test]
fn a_dependency_chain_keeps_each_path_short_and_says_what_it_left_out() {
    let n = 3_000;
    // Listed deepest first, so the human reports' first findings of a rule
    // (in component order) are the deep ones.
    let mut components: Vec<_> = (0..n)
        .rev()
        .map(|i| serde_json::json!({"type": "library", "bom-ref": format!("c{i}"), "name": format!("p{i}"), "version": "1.0.0", "purl": format!("pkg:npm/p{i}@1.0.0")}))
        .collect();
    // The deepest one alone has a finding (SBM-02, no version) that the
    // human reports show one by one, with its path.
    components[0] = serde_json::json!({"type": "library", "bom-ref": format!("c{}", n - 1), "name": format!("p{}", n - 1), "purl": format!("pkg:npm/p{}", n - 1)});
    let mut dependencies = vec![serde_json::json!({"ref": "product", "dependsOn": ["c0"]})];
    dependencies.extend((0..n).map(|i| {
        let next: Vec<String> = (i + 1 < n)
            .then(|| format!("c{}", i + 1))
            .into_iter()
            .collect();
        serde_json::json!({"ref": format!("c{i}"), "dependsOn": next})
    }));
    let bom = serde_json::json!({
        "bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1,
        "metadata": {"component": {"type": "application", "bom-ref": "product", "name": "product", "version": "1"}},
        "components": components, "dependencies": dependencies,
    });
    let dir = tempfile::tempdir().unwrap();
    let input = common::write(
        dir.path(),
        "chain.cdx.json",
        &serde_json::to_vec(&bom).unwrap(),
    );
    let report = common::scan_json(&["--offline", "--no-cache", input.to_str().unwrap()]);
    common::assert_valid_report(&report, "a chain of 3,000 components");
    let ids: std::collections::HashMap<&str, u64> = report["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["name"].as_str().unwrap(), c["id"].as_u64().unwrap()))
        .collect();
    let id = |i: usize| ids[format!("p{i}").as_str()];
    let on = |i: usize| {
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["component"].as_u64() == Some(id(i)) && f["path"].is_array())
            .unwrap_or_else(|| panic!("no finding with a path on p{i}"))
    };
    // p31 is the 32nd component from the start: its path is whole.
    let whole = on(31);
    let want: Vec<u64> = (0..32).map(id).collect();
    assert_eq!(whole["path"], serde_json::json!(want));
    assert!(whole.get("path_omitted").is_none(), "{whole}");
    // The last is 3,000 deep: 16 from the start, 16 down to it, 2,968 counted.
    let last = on(n - 1);
    let want: Vec<u64> = (0..16).chain(n - 16..n).map(id).collect();
    assert_eq!(last["path"], serde_json::json!(want));
    assert_eq!(last["path_omitted"], 2_968);
    // The human reports say so where they show the path.
    let out = bin()
        .args(["scan", "--offline", "--no-cache", "--format", "markdown"])
        .arg(&input)
        .output()
        .unwrap();
    let markdown = String::from_utf8(out.stdout).unwrap();
    assert!(
        markdown.contains(" → … 2968 more … → "),
        "no elision in the Markdown report"
    );
}
