//! Helpers shared by the integration tests (included with `mod common;`).
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::{Path, PathBuf};

/// The binary, hermetic: no registry endpoint from this machine's environment
/// or package manager files reaches it, and its cache is a fresh file of its
/// own (a test may still set `CHAINRISK_CACHE` or pass `--cache`).
pub fn bin() -> Command {
    let mut c = Command::cargo_bin("chainrisk").expect("the chainrisk binary is built");
    for (name, value) in hermetic_env() {
        match value {
            Some(v) => c.env(name, v),
            None => c.env_remove(name),
        };
    }
    c
}

/// [`bin`] as a `std::process::Command`, for tests that run several at once.
pub fn std_bin() -> std::process::Command {
    let mut c = std::process::Command::new(assert_cmd::cargo::cargo_bin("chainrisk"));
    for (name, value) in hermetic_env() {
        match value {
            Some(v) => c.env(name, v),
            None => c.env_remove(name),
        };
    }
    c
}

/// [`std_bin`] run by `sh` under `ulimit -v KIB` (an address-space limit).
pub fn std_bin_with_address_limit(kib: u64) -> std::process::Command {
    let mut c = std::process::Command::new("sh");
    c.arg("-c")
        .arg(format!("ulimit -v {kib} && exec \"$0\" \"$@\""))
        .arg(assert_cmd::cargo::cargo_bin("chainrisk"));
    for (name, value) in hermetic_env() {
        match value {
            Some(v) => c.env(name, v),
            None => c.env_remove(name),
        };
    }
    c
}

/// The variables [`bin`] sets (`Some`) or removes (`None`).
fn hermetic_env() -> Vec<(&'static str, Option<std::ffi::OsString>)> {
    let mut env: Vec<(&'static str, Option<std::ffi::OsString>)> = [
        "CHAINRISK_COLOR",
        "CHAINRISK_REGISTRY_CARGO",
        "CHAINRISK_REGISTRY_NPM",
        "CHAINRISK_REGISTRY_PYPI",
        "CHAINRISK_REGISTRY_GOLANG",
        "CHAINRISK_REGISTRY_GO",
        "npm_config_registry",
        "NPM_CONFIG_REGISTRY",
        "npm_config_globalconfig",
        "NPM_CONFIG_GLOBALCONFIG",
        "NPM_CONFIG_USERCONFIG",
        "PIP_INDEX_URL",
        "PIP_CONFIG_FILE",
        "GOPROXY",
        "CHAINRISK_REGISTRY_DEB",
        "CHAINRISK_REGISTRY_DEB_SECURITY",
        "CHAINRISK_REGISTRY_APK",
        "CHAINRISK_REGISTRY_RPM",
        "CHAINRISK_ALPINE_RELEASES",
        "CHAINRISK_CACHE_CLAIM_TTL",
        // libpq's environment, read for a postgres:// cache.
        "PGPASSWORD",
        "PGPASSFILE",
        "PGUSER",
    ]
    .into_iter()
    .map(|name| (name, None))
    .collect();
    // The user's own files: an empty npm user config, a config home and
    // config dirs with no pip or Go settings, `go env -w` turned off.
    let isolated = isolated_dir();
    env.extend([
        ("SOURCE_DATE_EPOCH", Some("1764000000".into())),
        // The lifecycle data built in, not this machine's distro-info-data.
        ("CHAINRISK_LIFECYCLE_DATA", Some("bundled".into())),
        ("npm_config_userconfig", Some(isolated.join("npmrc").into())),
        ("XDG_CONFIG_HOME", Some(isolated.join("config").into())),
        ("XDG_CONFIG_DIRS", Some(isolated.join("config-dirs").into())),
        ("GOENV", Some("off".into())),
        // No package manager is asked for its built-in (public) default;
        // the tests of that layer turn it back on.
        ("CHAINRISK_PACKAGE_MANAGERS", Some("off".into())),
        // An apt configuration directory with no sources: not this machine's archives.
        ("CHAINRISK_APT_ETC", Some(isolated.join("apt").into())),
        // Nor this machine's apk repositories and keys.
        ("CHAINRISK_APK_ETC", Some(isolated.join("apk").into())),
        (
            "CHAINRISK_YUM_REPOS_D",
            Some(isolated.join("yum.repos.d").into()),
        ),
        ("CHAINRISK_CACHE", Some(fresh_cache().into())),
    ]);
    env
}

/// An empty directory for this test process's isolated configuration.
fn isolated_dir() -> PathBuf {
    static DIR: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("chainrisk-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a temporary directory");
        std::fs::write(dir.join("npmrc"), "").expect("an empty npmrc");
        dir
    })
    .clone()
}

/// A cache path no other test uses (the file is created by the binary if it resolves anything).
pub fn fresh_cache() -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    isolated_dir().join(format!("cache-{n}.sqlite3"))
}

/// Runs `chainrisk scan ARGS… --format json`, expects exit 0 and returns the report.
pub fn scan_json(args: &[&str]) -> serde_json::Value {
    let out = bin()
        .arg("scan")
        .args(args)
        .args(["--format", "json"])
        .output()
        .expect("the binary runs");
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the report is JSON")
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `<rel>` of the larger data set named by `CHAINRISK_SHARED` (the open
/// corpus, a full RustSec snapshot), when that variable is set: an opt-in
/// extra. Every test needs only `fixtures/`; none looks beside the clone.
pub fn shared(rel: &str) -> Option<PathBuf> {
    std::env::var_os("CHAINRISK_SHARED")
        .map(|s| PathBuf::from(s).join(rel))
        .filter(|p| p.exists())
}

/// The subset of the open corpus kept in the repository, with its own
/// SOURCES.md: every format, the lockfiles the tests name, and the quirks.
pub fn corpus() -> PathBuf {
    root().join("fixtures/corpus")
}

/// The full open corpus (`$CHAINRISK_SHARED/corpus`), when asked for.
pub fn full_corpus() -> Option<PathBuf> {
    shared("corpus").filter(|p| p.join("SOURCES.md").exists())
}

/// The corpora a walk covers: the subset always, the full corpus when present.
pub fn corpora() -> Vec<PathBuf> {
    std::iter::once(corpus()).chain(full_corpus()).collect()
}

/// The RustSec database subset kept in the repository.
pub fn rustsec_subset() -> PathBuf {
    root().join("fixtures/advisories/rustsec")
}

/// The official schemas the machine reports are validated against.
pub fn schemas() -> PathBuf {
    root().join("fixtures/schemas")
}

/// Ends a test whose prerequisite is missing: a note elsewhere, a failure
/// when `CI` is set, since CI must run every test.
pub fn skip(reason: &str) {
    assert!(
        std::env::var_os("CI").is_none(),
        "CI is set, and CI skips no test: {reason}"
    );
    eprintln!("skipped: {reason}");
}

pub fn demo() -> PathBuf {
    root().join("fixtures/demo/acme-edge-gateway.cdx.json")
}

/// Validates a report against `docs/report.schema.json`, listing every violation.
pub fn assert_valid_report(report: &serde_json::Value, what: &str) {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("docs/report.schema.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the report schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(report)
        .take(10)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what}: report does not match docs/report.schema.json:\n{}",
        errors.join("\n")
    );
}

pub fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// What a terminal would act on in `text`, other than line feeds and the
/// colour styles chainrisk writes itself (`ESC [ n;… m`): every other escape
/// sequence, control character (C0, DEL, C1) and bidirectional or invisible
/// formatting character, each with its byte offset and what follows it.
pub fn terminal_controls(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(c) = text[i..].chars().next() {
        if let Some(n) = own_style_len(&text[i..]) {
            i += n;
            continue;
        }
        let formatting = matches!(
            c,
            '\u{200E}'
                | '\u{200F}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{061C}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{FEFF}'
        );
        if c != '\n' && (c.is_control() || formatting) {
            let after: String = text[i..].chars().skip(1).take(16).collect();
            found.push(format!("{c:?} at byte {i}, before {after:?}"));
        }
        i += c.len_utf8();
    }
    found
}

/// The length of an SGR sequence (`ESC [ digits;… m`) at the start of `s`.
fn own_style_len(s: &str) -> Option<usize> {
    let params = s.strip_prefix("\u{1b}[")?;
    let end = params.find(|c: char| !(c.is_ascii_digit() || c == ';'))?;
    params[end..].starts_with('m').then_some(2 + end + 1)
}

/// The numbers of a JSON report add up: the parts of every count sum to the
/// whole, and each summary agrees with the findings and components it
/// summarises. Returns what does not, one line each.
pub fn inconsistencies(report: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    let n = |v: &serde_json::Value| v.as_u64().unwrap_or(u64::MAX);
    let s = &report["summary"];
    let components = report["components"].as_array().map_or(0, |a| a.len()) as u64;
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    let mut check = |what: &str, got: u64, want: u64| {
        if got != want {
            out.push(format!("{what}: {got}, expected {want}"));
        }
    };
    check("summary.components", n(&s["components"]), components);
    check(
        "roots + direct + transitive + unknown",
        n(&s["roots"]) + n(&s["direct"]) + n(&s["transitive"]) + n(&s["directness_unknown"]),
        components,
    );
    let count_where = |f: &dyn Fn(&serde_json::Value) -> bool| {
        report["components"]
            .as_array()
            .map_or(0, |a| a.iter().filter(|c| f(c)).count()) as u64
    };
    check(
        "summary.roots",
        n(&s["roots"]),
        count_where(&|c| c["root"] == true),
    );
    check(
        "summary.direct",
        n(&s["direct"]),
        count_where(&|c| c["root"] != true && c["direct"] == true),
    );
    check("summary.findings", n(&s["findings"]), findings.len() as u64);
    for (key, field) in [
        ("findings_by_severity", "severity"),
        ("findings_by_category", "category"),
    ] {
        let map = s[key].as_object().cloned().unwrap_or_default();
        check(
            &format!("sum of {key}"),
            map.values().map(n).sum(),
            findings.len() as u64,
        );
        for (k, v) in &map {
            let actual = findings.iter().filter(|f| f[field] == k.as_str()).count() as u64;
            check(&format!("{key}.{k}"), n(v), actual);
        }
    }
    let unknowns: u64 = report["not_evaluated"]
        .as_array()
        .map_or(0, |a| a.iter().map(|u| n(&u["count"])).sum());
    check("summary.not_evaluated", n(&s["not_evaluated"]), unknowns);
    for (k, v) in s["coverage"].as_object().cloned().unwrap_or_default() {
        if n(&v["count"]) > components {
            out.push(format!("coverage.{k}: {} of {components}", v["count"]));
        }
    }
    let sup = &s["suppliers"];
    if n(&sup["with_supplier"]) > components {
        out.push(format!("suppliers.with_supplier over {components}"));
    }
    if sup["hhi"].as_f64().is_some_and(|h| h.is_sign_negative()) {
        out.push(format!("suppliers.hhi is {}", sup["hhi"]));
    }
    // Each input's entries, less those merged into an earlier one, never
    // exceed what the report lists.
    let fresh: u64 = report["inputs"].as_array().map_or(0, |a| {
        a.iter()
            .map(|d| n(&d["components_read"]).saturating_sub(d["merged"].as_u64().unwrap_or(0)))
            .sum()
    });
    if fresh > components {
        out.push(format!(
            "inputs read {fresh} distinct entries, the report lists {components} components"
        ));
    }
    out
}

/// Every file under `dir`, at any depth (a fixture tree a loopback server serves).
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files_under(&p));
        } else {
            out.push(p);
        }
    }
    out
}
