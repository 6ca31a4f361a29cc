//! `package.json` without a lockfile: the declared dependencies and their
//! ranges. What a build installs from it can change from one day to the
//! next, which is what DEL-04 reports; the versions are not known.

use std::collections::BTreeMap;

use super::node::PackageJson;
use crate::ingest::json::{Typed, parse_typed};
use crate::ingest::{Input, ParsedDoc, source};
use crate::model::InputError;
use crate::model::{Component, Ecosystem, Format, Scope, SourceKind};

/// An exact version (`1.2.3`, `=1.2.3`, `v1.2.3`) as opposed to a range.
fn exact_version(spec: &str) -> Option<&str> {
    let v = spec.trim().trim_start_matches('=').trim_start_matches('v');
    let numeric = v.split(['-', '+']).next().unwrap_or("");
    let parts: Vec<&str> = numeric.split('.').collect();
    (parts.len() == 3
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit())))
    .then_some(v)
}

pub fn parse(input: &Input) -> Result<ParsedDoc, InputError> {
    let manifest = match parse_typed::<PackageJson>(input.bytes)? {
        Typed::Ok { value, .. } => value,
        Typed::Mismatch(e) => return Err(e),
    };
    let mut doc = ParsedDoc::new(Format::NpmManifest);
    doc.warnings.push(
        "no lockfile beside package.json: dependencies are ranges, not the versions a build installs, and transitive dependencies are unknown".into(),
    );
    let root_ref = "(package.json)".to_string();
    let mut root = Component::named(
        manifest
            .name
            .clone()
            .unwrap_or_else(|| "package.json".into()),
    );
    root.ecosystem = Ecosystem::Npm;
    root.version = manifest.version.clone();
    root.bom_ref = Some(root_ref.clone());
    root.source = SourceKind::Path { path: ".".into() };
    doc.push(root, String::new(), None);
    doc.roots.push(root_ref.clone());
    doc.meta.primary = Some(root_ref.clone());
    doc.meta.subject_name = manifest.name.clone();
    doc.meta.subject_version = manifest.version.clone();
    doc.meta.has_dependency_graph = true;

    let groups = [
        ("dependencies", &manifest.dependencies, Scope::Required),
        ("devDependencies", &manifest.dev_dependencies, Scope::Dev),
        (
            "optionalDependencies",
            &manifest.optional_dependencies,
            Scope::Optional,
        ),
        (
            "peerDependencies",
            &manifest.peer_dependencies,
            Scope::Optional,
        ),
    ];
    for (group, deps, scope) in groups {
        // By name, the last of a repeated name winning, as JSON objects read.
        let deps: BTreeMap<&String, &String> = deps.iter().map(|(n, r)| (n, r)).collect();
        for (name, spec) in deps {
            let spec = spec.trim().to_string();
            // Scoped names: `@scope` is the namespace, as in a purl.
            let mut c = match name.split_once('/') {
                Some((ns, n)) if ns.starts_with('@') => {
                    let mut c = Component::named(n);
                    c.namespace = Some(ns.to_string());
                    c
                }
                _ => Component::named(name.as_str()),
            };
            c.ecosystem = Ecosystem::Npm;
            c.scope = scope;
            c.bom_ref = Some(format!("{group}/{name}"));
            let located = source::classify_location(&spec);
            match (&located, exact_version(&spec)) {
                (SourceKind::Git { .. } | SourceKind::Path { .. } | SourceKind::Url { .. }, _) => {
                    c.source = located
                }
                (_, Some(v)) => {
                    c.version = Some(v.to_string());
                    c.source = SourceKind::Registry { url: None };
                }
                _ => {
                    c.rare.constraint = Some(if spec.is_empty() {
                        "*".to_string()
                    } else {
                        spec.clone()
                    });
                    c.source = SourceKind::Registry { url: None };
                }
            }
            let purl = match (name.split_once('/'), &c.version) {
                (Some((scope_name, n)), v) => format!(
                    "pkg:npm/{}/{n}{}",
                    scope_name.replace('@', "%40"),
                    v.as_ref().map(|v| format!("@{v}")).unwrap_or_default()
                ),
                (None, v) => format!(
                    "pkg:npm/{name}{}",
                    v.as_ref().map(|v| format!("@{v}")).unwrap_or_default()
                ),
            };
            let source = std::mem::take(&mut c.source);
            let _ = c.set_purl(&purl);
            c.source = source;
            let pointer = format!("/{group}/{}", name.replace('~', "~0").replace('/', "~1"));
            doc.edges
                .push((root_ref.clone(), format!("{group}/{name}")));
            doc.push(c, pointer, None);
        }
    }
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::IngestOptions;
    use std::path::Path;

    fn parse_str(s: &str) -> ParsedDoc {
        parse(&Input {
            path: Path::new("package.json"),
            bytes: s.as_bytes(),
            options: &IngestOptions::default(),
        })
        .unwrap()
    }

    #[test]
    fn ranges_exact_versions_and_sources() {
        let d = parse_str(
            r#"{"name": "app", "version": "1.0.0",
                "dependencies": {"lodash": "^4.17.21", "left-pad": "1.3.0", "@scope/x": "~2.0.0",
                                 "forked": "git+https://git.example/o/forked.git#main"},
                "devDependencies": {"jest": "*"}}"#,
        );
        let by_name = |n: &str| d.components.iter().find(|c| c.name == n).unwrap();
        assert_eq!(
            by_name("lodash").rare.constraint.as_deref(),
            Some("^4.17.21")
        );
        assert_eq!(by_name("lodash").version, None);
        assert_eq!(by_name("lodash").purl.as_deref(), Some("pkg:npm/lodash"));
        assert_eq!(by_name("left-pad").version.as_deref(), Some("1.3.0"));
        assert_eq!(by_name("left-pad").rare.constraint, None);
        assert_eq!(by_name("x").purl.as_deref(), Some("pkg:npm/%40scope/x"));
        assert!(matches!(
            by_name("forked").source,
            SourceKind::Git { pinned: false, .. }
        ));
        assert_eq!(by_name("jest").scope, Scope::Dev);
        assert_eq!(d.roots, vec!["(package.json)".to_string()]);
        assert_eq!(d.edges.len(), 5);
        assert!(d.warnings[0].contains("no lockfile"));
    }

    #[test]
    fn exact_versions() {
        assert_eq!(exact_version("1.2.3"), Some("1.2.3"));
        assert_eq!(exact_version("=1.2.3-beta.1"), Some("1.2.3-beta.1"));
        assert_eq!(exact_version("^1.2.3"), None);
        assert_eq!(exact_version("1.2"), None);
        assert_eq!(exact_version("latest"), None);
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let e = parse(&Input {
            path: Path::new("package.json"),
            bytes: b"{\n  \"name\": }",
            options: &IngestOptions::default(),
        })
        .unwrap_err();
        assert!(e.to_string().starts_with("line 2, column"), "{e}");
    }
}
