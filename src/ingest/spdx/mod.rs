//! SPDX 2.2/2.3, JSON and tag-value. Both readers fill the same lenient model
//! ([`model`]); [`convert`] maps it onto chainrisk's components and [`graph`]
//! turns relationships into edges, roots and scopes (shared with SPDX 3).

pub(crate) mod convert;
pub(crate) mod graph;
mod json;
pub(crate) mod model;
mod tag_value;

pub use json::parse_json;
pub use tag_value::parse_tag_value;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::ParsedDoc;

    use crate::ingest::test_corpus;

    fn read(path: &str, bytes: &[u8]) -> ParsedDoc {
        let doc = if path.contains("tag-value") {
            parse_tag_value(bytes)
        } else {
            parse_json(bytes)
        };
        doc.unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn corpus_package_counts() {
        // The subset in fixtures/corpus: always read.
        let subset = [
            ("spdx/json/SPDXJSONExample-v2.3.spdx.json", "SPDX-2.3", 4),
            (
                "spdx/json/example10-python-hello-source.spdx.json",
                "SPDX-2.3",
                1,
            ),
            (
                "spdx/json/example11-rust-hello-server.spdx.json",
                "SPDX-2.3",
                4,
            ),
            ("spdx/json/tools-java-wrongversion.spdx.json", "SPDX-2.2", 4),
            (
                "spdx/json/example11-rust-hello-server.tar.gz.sbom",
                "SPDX-2.3",
                4,
            ),
            ("spdx/tag-value/SPDXTagExample-v2.3.spdx", "SPDX-2.3", 4),
            (
                "spdx/tag-value/SPDXTagExample-v2.3-declared-2.1.spdx",
                "SPDX-2.1",
                4,
            ),
            ("malformed/example10-trailing-text.spdx.json", "SPDX-2.3", 1),
        ];
        // Files only the full corpus holds: read when it is present.
        let full = [
            ("spdx/json/chronicle-v0.3.0-syft.spdx.json", "SPDX-2.2", 575),
            ("spdx/json/julia-manual.spdx.json", "SPDX-2.2", 34),
            (
                "spdx/json/kibana-opendistro-container-trivy.spdx.json",
                "SPDX-2.2",
                1897,
            ),
            (
                "spdx/json/grafana-arm32v7-container-syft.spdx.json",
                "SPDX-2.3",
                171,
            ),
            ("spdx/json/jx-darwin-arm64.tar.gz.sbom", "SPDX-2.2", 84),
            ("spdx/tag-value/flux-0.26.3-syft.spdx", "SPDX-2.2", 244),
            (
                "spdx/tag-value/k8s-v1.25.4-release-bom.spdx",
                "SPDX-2.3",
                130,
            ),
            ("spdx/tag-value/usbutils-reuse-v2.1.spdx", "SPDX-2.1", 0),
            (
                "malformed/psreadline-2.2.6-trailing-text.spdx.json",
                "SPDX-2.2",
                97,
            ),
        ];
        let read_subset = subset
            .into_iter()
            .map(|(path, version, count)| (path, version, count, test_corpus::file(path).1));
        let read_full = full.into_iter().filter_map(|(path, version, count)| {
            test_corpus::full_file(path).map(|(_, bytes)| (path, version, count, bytes))
        });
        for (path, version, count, bytes) in read_subset.chain(read_full) {
            let doc = read(path, &bytes);
            eprintln!(
                "{path}: {} packages, {} edges, roots {:?}, primary {:?}, graph {}, complete {}, warnings {:?}",
                doc.components.len(),
                doc.edges.len(),
                doc.roots.iter().take(3).collect::<Vec<_>>(),
                doc.meta.primary,
                doc.meta.has_dependency_graph,
                doc.meta.completeness_declared,
                doc.warnings.iter().take(4).collect::<Vec<_>>()
            );
            assert_eq!(doc.spec_version.as_deref(), Some(version), "{path}");
            assert_eq!(doc.components.len(), count, "{path}");
            assert_eq!(doc.parents.len(), count, "{path}");
            let outside = doc
                .warnings
                .iter()
                .any(|w| w.contains("outside the supported"));
            assert_eq!(outside, version == "SPDX-2.1", "{path}: {:?}", doc.warnings);
        }
    }

    /// `cargo test --release --lib ingest::spdx::tests::timing -- --ignored --nocapture`
    #[test]
    #[ignore = "a measurement, run by hand in release mode"]
    fn timing_of_the_largest_corpus_file() {
        let path = "spdx/json/kibana-opendistro-container-trivy.spdx.json";
        let Some((_, bytes)) = test_corpus::full_file(path) else {
            return;
        };
        let runs = 50;
        let start = std::time::Instant::now();
        for _ in 0..runs {
            let doc = parse_json(&bytes).unwrap();
            assert_eq!(doc.components.len(), 1897);
        }
        let per_run = start.elapsed() / runs;
        eprintln!(
            "{path}: {} bytes parsed in {per_run:?} per run",
            bytes.len()
        );
    }
}
