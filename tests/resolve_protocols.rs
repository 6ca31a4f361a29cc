//! The registry clients against the loopback mock registry: normal answers of
//! all four protocols, normalised, and the HTTP faults a registry can throw.

#[path = "support/mock_registry.rs"]
mod mock_registry;

use std::time::{Duration, Instant};

use chainrisk::model::Ecosystem;
use chainrisk::resolve::client::{ClientOptions, Fetched, Registries};
use chainrisk::resolve::endpoints::{Endpoint, endpoint_url};
use mock_registry::{MockRegistry, Reply};

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

fn registries(
    mock: &MockRegistry,
    eco: Ecosystem,
    base: &str,
    options: ClientOptions,
) -> Registries {
    let url = endpoint_url(&eco, &mock.url(base)).unwrap();
    let endpoint = Endpoint {
        ecosystem: eco,
        url,
        configured_by: "test".to_string(),
    };
    Registries::new(vec![endpoint], options).unwrap()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn not_found_is_a_fact() {
    let mock = MockRegistry::start();
    mock.route("/no-such-package", vec![Reply::status(404)]);
    let regs = registries(&mock, Ecosystem::Npm, "/", options());
    let got = runtime().block_on(regs.fetch(&Ecosystem::Npm, "no-such-package", &[], None));
    assert_eq!(got, Fetched::NotFound);
    assert_eq!(mock.requests(), 1, "404 is not retried");
}
