//! The registry clients against the loopback mock registry: normal answers of
//! all four protocols (recorded responses from `fixtures/registry`),
//! normalised, and the faults a registry can throw at them.

#[path = "support/mock_registry.rs"]
mod mock_registry;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use chainrisk::model::{Ecosystem, HashAlg, PackageFacts, ReleaseFacts};
use chainrisk::resolve::client::{ClientOptions, Fetched, Registries, Validators};
use chainrisk::resolve::endpoints::{Endpoint, endpoint_url};
use mock_registry::{Fault, MockRegistry, Reply};

/// Quick retries so fault tests stay fast.
fn options() -> ClientOptions {
    ClientOptions {
        concurrency: 4,
        timeout: Duration::from_secs(5),
        retries: 3,
        max_backoff: Duration::from_secs(2),
        base_backoff: Duration::from_millis(10),
        ca_file: None,
        max_body_bytes: 1024 * 1024,
    }
}

/// One endpoint per ecosystem, all on `mock`, under `cargo/`, `npm/`, `simple/` (pip's
/// Simple API URL, which maps to `pypi/`) and `go/`.
fn registries(mock: &MockRegistry, options: ClientOptions) -> Registries {
    let endpoints = [
        (Ecosystem::Cargo, "cargo/"),
        (Ecosystem::Npm, "npm/"),
        (Ecosystem::Pypi, "simple/"),
        (Ecosystem::Golang, "go/"),
    ]
    .into_iter()
    .map(|(eco, base)| Endpoint {
        url: endpoint_url(&eco, &mock.url(base)).unwrap(),
        ecosystem: eco,
        configured_by: "test".to_string(),
    })
    .collect();
    Registries::new(endpoints, options).unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn fetch(regs: &Registries, eco: Ecosystem, name: &str, wanted: &[&str]) -> Fetched {
    let wanted: Vec<String> = wanted.iter().map(|w| w.to_string()).collect();
    runtime().block_on(regs.fetch(&eco, name, &wanted, None))
}

fn fixture(rel: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/registry")
        .join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn facts(fetched: Fetched) -> PackageFacts {
    match fetched {
        Fetched::Facts { facts, .. } => facts,
        other => panic!("expected facts, got {other:?}"),
    }
}

/// Why a fetch failed for good: asking again would get the same answer.
fn failure(fetched: Fetched) -> String {
    match fetched {
        Fetched::Failed(why) => why,
        other => panic!("expected a failure, got {other:?}"),
    }
}

/// Why a registry gave no usable answer, worth asking again later.
fn unavailable(fetched: Fetched) -> String {
    match fetched {
        Fetched::Unavailable(why) => why,
        other => panic!("expected the registry to be unavailable, got {other:?}"),
    }
}

fn release<'a>(facts: &'a PackageFacts, version: &str) -> &'a ReleaseFacts {
    facts
        .versions
        .iter()
        .find(|r| r.version == version)
        .unwrap_or_else(|| panic!("{} has no version {version}", facts.name))
}

fn versions_where(facts: &PackageFacts, keep: impl Fn(&ReleaseFacts) -> bool) -> Vec<&str> {
    let mut v: Vec<&str> = facts
        .versions
        .iter()
        .filter(|r| keep(r))
        .map(|r| r.version.as_str())
        .collect();
    v.sort();
    v
}

#[test]
fn cargo_sparse_index_files_are_normalised() {
    let mock = MockRegistry::start();
    mock.route(
        "/cargo/cf/g-/cfg-if",
        vec![Reply::new(200, fixture("cargo/cfg-if")).header("ETag", "\"cfg-if-1\"")],
    );
    mock.route(
        "/cargo/to/ki/tokio",
        vec![Reply::new(200, fixture("cargo/tokio"))],
    );
    mock.route(
        "/cargo/op/en/openssl-sys",
        vec![Reply::new(200, fixture("cargo/openssl-sys"))],
    );
    let regs = registries(&mock, options());

    let Fetched::Facts {
        facts: cfg_if,
        validators,
    } = fetch(&regs, Ecosystem::Cargo, "cfg-if", &[])
    else {
        panic!("cfg-if not fetched");
    };
    assert_eq!(validators.etag.as_deref(), Some("\"cfg-if-1\""));
    assert_eq!(cfg_if.ecosystem, Ecosystem::Cargo);
    assert_eq!(cfg_if.registry, mock.url("cargo/"));
    assert_eq!(cfg_if.versions.len(), 17);
    assert_eq!(cfg_if.latest.as_deref(), Some("1.0.5"));
    let v = release(&cfg_if, "1.0.4");
    assert_eq!(v.published.as_deref(), Some("2025-10-15T08:12:46Z"));
    assert_eq!(v.yanked, Some(false));
    assert_eq!(v.checksums[0].alg, HashAlg::Sha256);
    assert_eq!(
        v.checksums[0].value,
        "9330f8b2ff13f34540b44e946ef35111825727b38d33286ef986142615121801"
    );
    assert_eq!(v.install_scripts, None, "the index cannot tell");
    assert_eq!(cfg_if.maintainers, None);
    assert_eq!(cfg_if.repository, None);

    let tokio = facts(fetch(&regs, Ecosystem::Cargo, "tokio", &[]));
    assert_eq!(
        versions_where(&tokio, |r| r.yanked == Some(true)),
        ["0.1.12", "1.0.0", "1.16.0", "1.39.0", "1.54.0", "1.6.0"]
    );
    assert_ne!(
        tokio.latest.as_deref(),
        Some("1.54.0"),
        "a yanked version is not latest"
    );

    // Crate names are case-insensitive in the index path.
    let openssl = facts(fetch(&regs, Ecosystem::Cargo, "OpenSSL-sys", &[]));
    assert!(
        openssl
            .versions
            .iter()
            .all(|r| r.install_scripts == Some(true))
    );
    assert_eq!(mock.requests(), 3);
}

#[test]
fn npm_packuments_are_normalised() {
    let mock = MockRegistry::start();
    mock.route(
        "/npm/left-pad",
        vec![Reply::json(fixture("npm/left-pad.json"))],
    );
    mock.route(
        "/npm/request",
        vec![Reply::json(fixture("npm/request.json"))],
    );
    mock.route(
        "/npm/esbuild",
        vec![Reply::json(fixture("npm/esbuild.json"))],
    );
    mock.route(
        "/npm/@isaacs%2fstring-locale-compare",
        vec![Reply::json(fixture(
            "npm/isaacs-string-locale-compare.json",
        ))],
    );
    let regs = registries(&mock, options());

    let request = facts(fetch(&regs, Ecosystem::Npm, "request", &[]));
    assert_eq!(request.latest.as_deref(), Some("2.88.2"));
    assert_eq!(request.maintainers, Some(vec!["mikeal".to_string()]));
    assert_eq!(request.license.as_deref(), Some("Apache-2.0"));
    assert_eq!(
        request.repository.as_deref(),
        Some("https://github.com/request/request.git")
    );
    let v = release(&request, "2.88.2");
    assert!(
        v.deprecated
            .as_deref()
            .unwrap()
            .starts_with("request has been deprecated")
    );
    assert_eq!(v.publisher.as_deref(), Some("mikeal"));
    assert_eq!(
        v.install_scripts,
        Some(false),
        "scripts without install hooks"
    );
    assert_eq!(v.published.as_deref(), Some("2024-03-13T20:02:36.49Z"));
    assert_eq!(
        v.checksums
            .iter()
            .map(|h| h.alg.clone())
            .collect::<Vec<_>>(),
        [HashAlg::Sha512, HashAlg::Sha1]
    );

    // This packument comes from a mirror that strips maintainers, publishers
    // and deprecations: they are unknown, not absent.
    let left_pad = facts(fetch(&regs, Ecosystem::Npm, "left-pad", &[]));
    let v = release(&left_pad, "1.3.0");
    assert_eq!(v.deprecated, None);
    assert_eq!(v.publisher, None);
    assert_eq!(
        left_pad.maintainers,
        Some(vec!["Cameron Westland".to_string()]),
        "taken from the latest version's record"
    );
    assert!(
        left_pad
            .notes
            .iter()
            .any(|n| n.contains("latest version's record"))
    );
    assert_eq!(
        v.checksums[0].value,
        "5c8e4c3f354d0298c0ca1433a615fc06498ab0a5310f82ddc8adb88997901a29c137dc93413ddb165081cbf695c761eb35ca901ac768b7c821ae3cabbcc0a810"
    );

    let esbuild = facts(fetch(&regs, Ecosystem::Npm, "esbuild", &[]));
    assert!(
        esbuild
            .versions
            .iter()
            .all(|r| r.install_scripts == Some(true))
    );
    assert_eq!(
        esbuild.repository.as_deref(),
        Some("https://github.com/evanw/esbuild.git")
    );

    let scoped = facts(fetch(
        &regs,
        Ecosystem::Npm,
        "@isaacs/string-locale-compare",
        &[],
    ));
    assert_eq!(scoped.name, "@isaacs/string-locale-compare");
    assert_eq!(scoped.latest.as_deref(), Some("1.1.0"));
    assert_eq!(scoped.versions.len(), 3);
    assert_eq!(mock.requests(), 4);
}

#[test]
fn pypi_json_documents_are_normalised() {
    let mock = MockRegistry::start();
    for name in ["requests", "pytest-runner", "pycrypto"] {
        mock.route(
            &format!("/pypi/{name}/json"),
            vec![Reply::json(fixture(&format!("pypi/{name}.json")))],
        );
    }
    let regs = registries(&mock, options());

    let requests = facts(fetch(&regs, Ecosystem::Pypi, "requests", &[]));
    assert_eq!(requests.latest.as_deref(), Some("2.34.2"));
    assert_eq!(
        versions_where(&requests, |r| r.yanked == Some(true)),
        ["2.32.0", "2.32.1"]
    );
    assert_eq!(
        requests.maintainers,
        Some(vec![
            "Lukasa".to_string(),
            "graffatcolmingov".to_string(),
            "nateprewitt".to_string()
        ])
    );
    assert_eq!(
        requests.repository.as_deref(),
        Some("https://github.com/psf/requests")
    );
    assert_eq!(requests.license.as_deref(), Some("Apache-2.0"));
    assert_eq!(requests.deprecated, None);
    let v = release(&requests, "2.31.0");
    assert_eq!(
        v.published.as_deref(),
        Some("2023-05-22T15:12:42.31379Z"),
        "first upload"
    );
    assert_eq!(v.sdist_only, Some(false));
    assert_eq!(v.checksums.len(), 2, "one SHA-256 per file");
    assert!(
        v.checksums
            .iter()
            .all(|h| h.alg == HashAlg::Sha256 && h.value.len() == 64)
    );
    assert_eq!(release(&requests, "0.2.0").sdist_only, Some(true));

    let runner = facts(fetch(&regs, Ecosystem::Pypi, "pytest-runner", &[]));
    assert_eq!(
        runner.deprecated.as_deref(),
        Some("Development Status :: 7 - Inactive")
    );
    assert_eq!(runner.maintainers, Some(vec!["jaraco".to_string()]));
    assert_eq!(
        runner.repository.as_deref(),
        Some("https://github.com/pytest-dev/pytest-runner")
    );

    let pycrypto = facts(fetch(&regs, Ecosystem::Pypi, "pycrypto", &[]));
    assert_eq!(
        versions_where(&pycrypto, |r| r.sdist_only == Some(true)).len(),
        9,
        "every release with files"
    );
    assert_eq!(
        release(&pycrypto, "2.0").sdist_only,
        None,
        "no files left: unknown"
    );
    assert_eq!(
        pycrypto.repository, None,
        "its home page is not a source host"
    );
    assert_eq!(pycrypto.license.as_deref(), Some("Public domain"));
}

#[test]
fn a_pypi_project_owned_by_an_organisation_says_so() {
    let mock = MockRegistry::start();
    for name in ["org-owned-tool", "pytest-runner"] {
        mock.route(
            &format!("/pypi/{name}/json"),
            vec![Reply::json(fixture(&format!("pypi/{name}.json")))],
        );
    }
    let regs = registries(&mock, options());
    let owned = facts(fetch(&regs, Ecosystem::Pypi, "org-owned-tool", &[]));
    assert_eq!(owned.organization.as_deref(), Some("example-org"));
    assert_eq!(owned.maintainers, Some(vec!["release-bot".to_string()]));
    let personal = facts(fetch(&regs, Ecosystem::Pypi, "pytest-runner", &[]));
    assert_eq!(personal.organization, None, "organization: null");
}

/// Routes every file under `fixtures/registry/go` at `/go/` and its path.
fn route_go_fixtures(mock: &MockRegistry) {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/registry/go");
    let mut files = Vec::new();
    walk(&root, &mut files);
    for file in files {
        let rel = file
            .strip_prefix(&root)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        mock.route(
            &format!("/go/{rel}"),
            vec![Reply::new(200, std::fs::read(&file).unwrap())],
        );
    }
}

#[test]
fn go_proxy_documents_are_normalised() {
    let mock = MockRegistry::start();
    route_go_fixtures(&mock);
    let regs = registries(&mock, options());
    let pseudo = "v0.0.0-20190101000000-abcdefabcdef";
    let toml = facts(fetch(
        &regs,
        Ecosystem::Golang,
        "github.com/BurntSushi/toml",
        &["v1.3.2", pseudo],
    ));
    assert_eq!(toml.name, "github.com/BurntSushi/toml");
    assert_eq!(toml.latest.as_deref(), Some("v1.4.0"));
    assert_eq!(
        toml.versions.len(),
        6,
        "the unserved pseudo-version is not listed"
    );
    assert_eq!(
        release(&toml, "v1.3.2").published.as_deref(),
        Some("2023-06-08T06:13:03Z")
    );
    assert_eq!(
        release(&toml, "v1.4.0").published.as_deref(),
        Some("2024-06-12T13:08:28Z")
    );
    assert_eq!(
        release(&toml, "v1.0.0").published,
        None,
        "no .info asked for"
    );
    assert_eq!(
        toml.repository.as_deref(),
        Some("https://github.com/BurntSushi/toml")
    );
    assert_eq!(toml.maintainers, None);
    assert!(
        toml.versions.iter().all(|r| r.yanked == Some(false)),
        "its latest go.mod retracts nothing"
    );
    assert_eq!(toml.deprecated, None);
    // list, @latest, one .info per wanted version, the highest release's go.mod; all case-encoded.
    assert_eq!(mock.requests(), 5);
    assert_eq!(
        mock.requests_to("/go/github.com/!burnt!sushi/toml/@v/v1.4.0.mod"),
        1
    );
    assert_eq!(
        mock.requests_to("/go/github.com/!burnt!sushi/toml/@v/list"),
        1
    );
    assert_eq!(
        mock.requests_to(&format!(
            "/go/github.com/!burnt!sushi/toml/@v/{pseudo}.info"
        )),
        1
    );
}

#[test]
fn go_retractions_and_deprecation_come_from_the_highest_release() {
    let mock = MockRegistry::start();
    route_go_fixtures(&mock);
    let regs = registries(&mock, options());
    let retired = facts(fetch(
        &regs,
        Ecosystem::Golang,
        "example.com/retired",
        &["v1.2.0"],
    ));
    assert_eq!(
        retired.deprecated.as_deref(),
        Some("use example.com/successor instead.")
    );
    assert_eq!(
        versions_where(&retired, |r| r.yanked == Some(true)),
        ["v1.0.0", "v1.2.0"]
    );
    assert_eq!(
        retired.latest.as_deref(),
        Some("v1.1.0"),
        "the proxy's @latest skips retracted versions"
    );
    assert!(
        retired
            .notes
            .contains(&"v1.2.0 retracted: tagged from the wrong branch".to_string()),
        "{:?}",
        retired.notes
    );
}

#[test]
fn not_found_is_a_fact_and_not_retried() {
    let mock = MockRegistry::start();
    mock.route("/npm/gone", vec![Reply::status(410)]);
    let regs = registries(&mock, options());
    assert_eq!(
        fetch(&regs, Ecosystem::Npm, "no-such-package", &[]),
        Fetched::NotFound
    );
    assert_eq!(fetch(&regs, Ecosystem::Npm, "gone", &[]), Fetched::NotFound);
    assert_eq!(
        fetch(&regs, Ecosystem::Cargo, "no-such-crate", &[]),
        Fetched::NotFound
    );
    assert_eq!(
        fetch(&regs, Ecosystem::Pypi, "no-such-project", &[]),
        Fetched::NotFound
    );
    assert_eq!(
        fetch(&regs, Ecosystem::Golang, "example.com/none", &["v1.0.0"]),
        Fetched::NotFound
    );
    assert_eq!(
        mock.requests(),
        4 + 3,
        "one request each (Go: list, @latest, .info)"
    );
}

#[test]
fn too_many_requests_waits_for_retry_after() {
    let mock = MockRegistry::start();
    mock.route(
        "/npm/request",
        vec![
            Reply::status(429).header("Retry-After", "1"),
            Reply::json(fixture("npm/request.json")),
        ],
    );
    let regs = registries(&mock, options());
    let start = Instant::now();
    let got = facts(fetch(&regs, Ecosystem::Npm, "request", &[]));
    let waited = start.elapsed();
    assert_eq!(got.latest.as_deref(), Some("2.88.2"));
    assert!(
        waited >= Duration::from_secs(1),
        "Retry-After: 1 not honoured: {waited:?}"
    );
    assert!(
        waited < Duration::from_secs(2),
        "waited too long: {waited:?}"
    );
    assert_eq!(mock.requests(), 2);
}

#[test]
fn a_retry_after_beyond_the_retry_budget_fails_at_once() {
    let mock = MockRegistry::start();
    mock.route(
        "/npm/request",
        vec![
            Reply::status(503).header("Retry-After", "3600"),
            Reply::json(fixture("npm/request.json")),
        ],
    );
    let regs = registries(
        &mock,
        ClientOptions {
            max_backoff: Duration::from_secs(2),
            ..options()
        },
    );
    let start = Instant::now();
    let why = unavailable(fetch(&regs, Ecosystem::Npm, "request", &[]));
    assert!(
        start.elapsed() < Duration::from_millis(1500),
        "waited {:?} for nothing",
        start.elapsed()
    );
    assert_eq!(mock.requests(), 1, "no retry the server asked not to make");
    assert!(
        why.contains("HTTP 503") && why.contains("Retry-After 3600 s"),
        "{why}"
    );
}

#[test]
fn server_errors_are_retried_until_success() {
    let mock = MockRegistry::start();
    mock.route(
        "/pypi/requests/json",
        vec![
            Reply::status(500),
            Reply::status(502),
            Reply::json(fixture("pypi/requests.json")),
        ],
    );
    let regs = registries(&mock, options());
    let got = facts(fetch(&regs, Ecosystem::Pypi, "requests", &[]));
    assert_eq!(got.latest.as_deref(), Some("2.34.2"));
    assert_eq!(mock.requests(), 3);
}

#[test]
fn persistent_server_errors_fail_after_the_retries() {
    let mock = MockRegistry::start();
    mock.route("/cargo/cf/g-/cfg-if", vec![Reply::status(503)]);
    let regs = registries(&mock, options());
    let why = unavailable(fetch(&regs, Ecosystem::Cargo, "cfg-if", &[]));
    assert!(
        why.ends_with("HTTP 503 Service Unavailable (4 attempts)"),
        "{why}"
    );
    assert!(why.contains("/cargo/cf/g-/cfg-if"), "names the URL: {why}");
    assert_eq!(mock.requests(), 4);
}

#[test]
fn a_stalled_connection_times_out() {
    let mock = MockRegistry::start();
    mock.route(
        "/npm/left-pad",
        vec![Reply::status(200).fault(Fault::Stall)],
    );
    let regs = registries(
        &mock,
        ClientOptions {
            timeout: Duration::from_millis(300),
            retries: 1,
            ..options()
        },
    );
    let start = Instant::now();
    let why = unavailable(fetch(&regs, Ecosystem::Npm, "left-pad", &[]));
    assert!(
        why.ends_with("timed out after 300 ms (2 attempts)"),
        "{why}"
    );
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(mock.requests(), 2);
}

#[test]
fn a_truncated_body_is_retried_and_reported() {
    let mock = MockRegistry::start();
    let body = fixture("npm/left-pad.json");
    mock.route(
        "/npm/left-pad",
        vec![
            Reply::json(body.clone()).fault(Fault::Truncate),
            Reply::json(body.clone()),
        ],
    );
    mock.route(
        "/npm/esbuild",
        vec![Reply::json(fixture("npm/esbuild.json")).fault(Fault::Truncate)],
    );
    let regs = registries(&mock, options());
    assert_eq!(
        facts(fetch(&regs, Ecosystem::Npm, "left-pad", &[]))
            .latest
            .as_deref(),
        Some("1.3.0")
    );
    let why = unavailable(fetch(&regs, Ecosystem::Npm, "esbuild", &[]));
    assert!(why.contains("body cut short"), "{why}");
    assert!(why.ends_with("(4 attempts)"), "{why}");
}

#[test]
fn a_reset_connection_is_retried() {
    let mock = MockRegistry::start();
    mock.route(
        "/npm/left-pad",
        vec![
            Reply::status(200).fault(Fault::Reset),
            Reply::json(fixture("npm/left-pad.json")),
        ],
    );
    let regs = registries(&mock, options());
    facts(fetch(&regs, Ecosystem::Npm, "left-pad", &[]));
    assert_eq!(mock.requests(), 2);
}

#[test]
fn malformed_json_says_where_and_is_not_retried() {
    let mock = MockRegistry::start();
    mock.route(
        "/npm/left-pad",
        vec![Reply::json("{\n  \"versions\": {,}\n}")],
    );
    mock.route("/pypi/requests/json", vec![Reply::json("{\"info\": 3}")]);
    let regs = registries(&mock, options());
    let why = failure(fetch(&regs, Ecosystem::Npm, "left-pad", &[]));
    assert!(
        why.contains("/npm/left-pad: malformed JSON at line 2 column 16"),
        "{why}"
    );
    let why = failure(fetch(&regs, Ecosystem::Pypi, "requests", &[]));
    assert!(why.contains("unexpected JSON at line 1 column"), "{why}");
    assert_eq!(mock.requests(), 2);
}

#[test]
fn an_oversized_body_is_capped() {
    let mock = MockRegistry::start();
    mock.route(
        "/npm/left-pad",
        vec![Reply::json(fixture("npm/left-pad.json"))],
    );
    let regs = registries(
        &mock,
        ClientOptions {
            max_body_bytes: 1024,
            ..options()
        },
    );
    let why = failure(fetch(&regs, Ecosystem::Npm, "left-pad", &[]));
    assert!(why.contains("body larger than the 1 KiB cap"), "{why}");
    assert!(why.contains("capped"), "{why}");
    assert_eq!(mock.requests(), 1, "a cap is not retried");
}

#[test]
fn redirects_are_followed_but_a_loop_fails() {
    let mock = MockRegistry::start();
    mock.route(
        "/npm/old-name",
        vec![Reply::status(301).header("Location", &mock.url("npm/left-pad"))],
    );
    mock.route(
        "/npm/left-pad",
        vec![Reply::json(fixture("npm/left-pad.json"))],
    );
    mock.route(
        "/npm/ping",
        vec![Reply::status(302).header("Location", "/npm/pong")],
    );
    mock.route(
        "/npm/pong",
        vec![Reply::status(302).header("Location", "/npm/ping")],
    );
    let regs = registries(&mock, options());
    assert_eq!(
        facts(fetch(&regs, Ecosystem::Npm, "old-name", &[])).name,
        "old-name"
    );
    let why = failure(fetch(&regs, Ecosystem::Npm, "ping", &[]));
    assert!(why.contains("redirect loop"), "{why}");
    assert_eq!(mock.requests_to("/npm/ping"), 1, "a loop is not retried");
}

#[test]
fn requests_in_flight_never_exceed_the_limit() {
    let mock = MockRegistry::start();
    let names: Vec<String> = (0..40).map(|i| format!("pkg-{i}")).collect();
    for name in &names {
        mock.route(
            &format!("/npm/{name}"),
            vec![Reply::json(r#"{"versions": {}}"#).delay(Duration::from_millis(30))],
        );
    }
    let regs = registries(&mock, options());
    let all = runtime().block_on(futures_util::future::join_all(
        names
            .iter()
            .map(|n| regs.fetch(&Ecosystem::Npm, n, &[], None)),
    ));
    assert!(all.iter().all(|f| matches!(f, Fetched::Facts { .. })));
    assert_eq!(mock.requests(), 40);
    assert_eq!(
        mock.peak_in_flight(),
        4,
        "the limit is 4 and 40 requests wait for it"
    );
}

#[test]
fn a_conditional_request_sends_the_validators_and_gets_not_modified() {
    let mock = MockRegistry::start();
    mock.route(
        "/pypi/requests/json",
        vec![
            Reply::json(fixture("pypi/requests.json"))
                .header("ETag", "\"r-1\"")
                .header("Last-Modified", "Tue, 24 Nov 2026 10:00:00 GMT"),
            Reply::status(304),
        ],
    );
    let regs = registries(&mock, options());
    let rt = runtime();
    let Fetched::Facts { validators, .. } =
        rt.block_on(regs.fetch(&Ecosystem::Pypi, "requests", &[], None))
    else {
        panic!("first fetch failed");
    };
    assert_eq!(
        validators,
        Validators {
            etag: Some("\"r-1\"".to_string()),
            last_modified: Some("Tue, 24 Nov 2026 10:00:00 GMT".to_string()),
        }
    );
    let again = rt.block_on(regs.fetch(&Ecosystem::Pypi, "requests", &[], Some(&validators)));
    assert_eq!(again, Fetched::NotModified);
    let why = failure(rt.block_on(regs.fetch(&Ecosystem::Pypi, "requests", &[], None)));
    assert!(
        why.ends_with("HTTP 304 Not Modified"),
        "304 to a plain request: {why}"
    );
    let sent = mock.received();
    assert_eq!(
        sent[0].header("if-none-match"),
        None,
        "the first request is plain"
    );
    assert_eq!(sent[1].header("if-none-match"), Some("\"r-1\""));
    assert_eq!(
        sent[1].header("if-modified-since"),
        Some("Tue, 24 Nov 2026 10:00:00 GMT")
    );
}

/// A gzip stream of `data` in stored (uncompressed) deflate blocks: enough
/// to exercise decoding without a compression library.
fn gzip_stored(data: &[u8]) -> Vec<u8> {
    fn crc32(data: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &byte in data {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    let mut out = vec![0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    let blocks: Vec<&[u8]> = data.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        out.push(u8::from(i + 1 == blocks.len()));
        let len = block.len() as u16;
        out.extend_from_slice(&len.to_le_bytes());
        out.extend_from_slice(&(!len).to_le_bytes());
        out.extend_from_slice(block);
    }
    out.extend_from_slice(&crc32(data).to_le_bytes());
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out
}

#[test]
fn gzip_bodies_are_decoded_and_capped_by_their_decoded_size() {
    let mock = MockRegistry::start();
    let body = fixture("npm/left-pad.json");
    let gzip = |reply: Reply| {
        reply
            .header("Content-Encoding", "gzip")
            .header("Transfer-Encoding", "chunked")
    };
    mock.route(
        "/npm/left-pad",
        vec![gzip(Reply::new(200, gzip_stored(&body)))],
    );
    let regs = registries(&mock, options());
    let left_pad = facts(fetch(&regs, Ecosystem::Npm, "left-pad", &[]));
    assert_eq!(left_pad.latest.as_deref(), Some("1.3.0"));
    let accepted = mock.received()[0]
        .header("accept-encoding")
        .unwrap_or_default()
        .to_string();
    assert!(accepted.contains("gzip"), "{accepted}");

    // No length announced: the cap applies while reading.
    let capped = registries(
        &mock,
        ClientOptions {
            max_body_bytes: 4096,
            ..options()
        },
    );
    let why = failure(fetch(&capped, Ecosystem::Npm, "left-pad", &[]));
    assert!(
        why.contains("body larger than the 4 KiB cap; not read (capped)"),
        "{why}"
    );
}

#[test]
fn names_that_would_leave_the_package_path_are_refused_unsent() {
    let mock = MockRegistry::start();
    let regs = registries(&mock, options());
    for (eco, name) in [
        (Ecosystem::Npm, "../../admin"),
        (Ecosystem::Npm, "a/b"),
        (Ecosystem::Cargo, "x/../y"),
        (Ecosystem::Pypi, "a?b"),
        (Ecosystem::Golang, "example.com/../x"),
    ] {
        let why = failure(fetch(&regs, eco, name, &[]));
        assert!(why.contains(&format!("{name:?} is not")), "{why}");
    }
    assert_eq!(mock.requests(), 0);
}

#[test]
fn a_refused_connection_is_retried_then_reported() {
    // Bind a port, then free it: nothing listens there any more.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let endpoint = Endpoint {
        ecosystem: Ecosystem::Npm,
        url: endpoint_url(&Ecosystem::Npm, &format!("http://127.0.0.1:{port}/")).unwrap(),
        configured_by: "test".to_string(),
    };
    let regs = Registries::new(vec![endpoint], options()).unwrap();
    let why = unavailable(fetch(&regs, Ecosystem::Npm, "left-pad", &[]));
    assert!(why.contains("cannot connect"), "{why}");
    assert!(why.ends_with("(4 attempts)"), "{why}");
}

/// A one-answer-per-connection HTTPS server on loopback presenting the test
/// certificate of `fixtures/tls` (trusted only through its CA file). Returns
/// its port and the number of connections accepted.
fn tls_server(body: Vec<u8>) -> (u16, Arc<AtomicUsize>) {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    use std::io::{Read, Write};

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let cert = CertificateDer::from(fixture("../tls/server.der"));
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(fixture("../tls/server.key.der")));
    let config = Arc::new(
        rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert], key)
            .unwrap(),
    );
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = connections.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            counted.fetch_add(1, Ordering::SeqCst);
            let (config, body) = (config.clone(), body.clone());
            std::thread::spawn(move || {
                let conn = rustls::ServerConnection::new(config).unwrap();
                let mut tls = rustls::StreamOwned::new(conn, stream);
                let mut head = Vec::new();
                let mut buf = [0u8; 1024];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = tls.write_all(head.as_bytes());
                let _ = tls.write_all(&body);
                tls.conn.send_close_notify();
                let _ = tls.flush();
            });
        }
    });
    (port, connections)
}

#[test]
fn tls_certificates_are_verified_and_a_ca_file_adds_a_root() {
    let (port, connections) = tls_server(fixture("npm/left-pad.json"));
    let endpoint = || Endpoint {
        ecosystem: Ecosystem::Npm,
        url: endpoint_url(&Ecosystem::Npm, &format!("https://127.0.0.1:{port}/")).unwrap(),
        configured_by: "test".to_string(),
    };
    let untrusted = Registries::new(vec![endpoint()], options()).unwrap();
    let why = failure(fetch(&untrusted, Ecosystem::Npm, "left-pad", &[]));
    assert!(why.contains("TLS failed"), "{why}");
    assert!(why.contains("certificate"), "{why}");
    assert_eq!(
        connections.load(Ordering::SeqCst),
        1,
        "a certificate failure is not retried"
    );

    let ca = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/tls/ca.pem");
    let trusted = Registries::new(
        vec![endpoint()],
        ClientOptions {
            ca_file: Some(ca),
            ..options()
        },
    )
    .unwrap();
    let left_pad = facts(fetch(&trusted, Ecosystem::Npm, "left-pad", &[]));
    assert_eq!(left_pad.latest.as_deref(), Some("1.3.0"));
}
