//! `Pipfile.lock` (Pipenv, JSON): the `default` and `develop` sections, one
//! component per entry: the pinned version (`"==X"`), hashes, and the source
//! (the lock's index, git at a ref, a file URL or a local path). The lock
//! keeps no dependency graph.

use serde_json::{Map, Value};

use super::{add_prefixed_hash, build_code_of, pypi};
use crate::ingest::json::{kind_of, parse_value, root_object};
use crate::ingest::source::{classify_location, is_commit_id};
use crate::ingest::{Input, ParsedDoc};
use crate::model::InputError;
use crate::model::{BuildCode, Format, Scope, SourceKind};

pub fn parse(input: &Input) -> Result<ParsedDoc, InputError> {
    let (value, warnings) = parse_value(input.bytes)?;
    let mut doc = ParsedDoc::new(Format::PipfileLock);
    doc.warnings.extend(warnings);
    let root = root_object(value, "a Pipfile.lock")?;
    let meta = root.get("_meta").and_then(Value::as_object);
    if let Some(spec) = meta.and_then(|m| m.get("pipfile-spec")) {
        doc.spec_version = Some(match spec {
            Value::String(s) => s.clone(),
            v => v.to_string(),
        });
    }
    // Named package indexes: an entry's `index` picks one; with one index, all use it.
    let sources: Vec<(&str, &str)> = meta
        .and_then(|m| m.get("sources"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|s| {
            Some((
                s.get("name").and_then(Value::as_str).unwrap_or(""),
                s.get("url").and_then(Value::as_str)?,
            ))
        })
        .collect();
    for (section, scope) in [("default", Scope::Required), ("develop", Scope::Dev)] {
        let entries = match root.get(section) {
            None | Some(Value::Null) => continue,
            Some(Value::Object(m)) => m,
            Some(other) => {
                doc.warnings.push(format!(
                    "at /{section}: expected an object of packages, found {}; ignored",
                    kind_of(other)
                ));
                continue;
            }
        };
        for (name, entry) in entries {
            let pointer = format!("/{section}/{}", name.replace('~', "~0").replace('/', "~1"));
            let Value::Object(e) = entry else {
                doc.warnings.push(format!(
                    "at {pointer}: expected an object, found {}; entry skipped",
                    kind_of(entry)
                ));
                continue;
            };
            let c = entry_component(name, e, scope, &sources, &pointer, &mut doc.warnings);
            doc.push(c, pointer, None);
        }
    }
    Ok(doc)
}

fn entry_component(
    name: &str,
    e: &Map<String, Value>,
    scope: Scope,
    sources: &[(&str, &str)],
    pointer: &str,
    warnings: &mut Vec<String>,
) -> crate::model::Component {
    let text = |k: &str| e.get(k).and_then(Value::as_str).map(str::trim);
    let spec = text("version").filter(|v| !v.is_empty());
    let pinned = spec.and_then(|v| {
        v.strip_prefix("===")
            .or_else(|| v.strip_prefix("=="))
            .map(str::trim)
            .filter(|v| !v.is_empty() && !v.contains(['*', ',', '<', '>', '!', '~']))
    });
    let mut c = pypi(name, pinned);
    c.scope = scope;
    if pinned.is_none()
        && let Some(s) = spec
    {
        c.rare.constraint = Some(s.to_string());
    }
    let mut bad = 0;
    for h in e
        .get("hashes")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if !h.as_str().is_some_and(|h| add_prefixed_hash(&mut c, h)) {
            bad += 1;
        }
    }
    if bad > 0 {
        warnings.push(format!(
            "at {pointer}/hashes: {bad} hash(es) of unknown algorithm or not hex ignored"
        ));
    }
    if let Some(git) = text("git") {
        let url = git.split('#').next().unwrap_or(git).to_string();
        let rev = text("ref").filter(|r| !r.is_empty());
        c.source = SourceKind::Git {
            url,
            rev: rev.map(str::to_string),
            pinned: rev.is_some_and(is_commit_id),
        };
        c.rare.build_code = Some(vec![BuildCode::SourceDistribution]);
    } else if let Some(loc) = text("file").or(text("path")) {
        let from_path = text("file").is_none();
        c.source = match classify_location(loc) {
            SourceKind::Unknown if from_path => SourceKind::Path {
                path: loc.to_string(),
            },
            SourceKind::Unknown => SourceKind::Url {
                url: loc.to_string(),
            },
            k => k,
        };
        c.rare.build_code = build_code_of([loc]).or_else(|| {
            (from_path || e.get("editable") == Some(&Value::Bool(true)))
                .then(|| vec![BuildCode::SourceDistribution])
        });
    } else {
        let index = text("index");
        let url = match index {
            Some(i) => sources.iter().find(|(n, _)| *n == i).map(|(_, u)| *u),
            None if sources.len() == 1 => Some(sources[0].1),
            None => None,
        };
        c.source = SourceKind::Registry {
            url: url.map(str::to_string),
        };
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::IngestOptions;
    use std::path::Path;

    fn read(text: &str) -> Result<ParsedDoc, InputError> {
        parse(&Input {
            path: Path::new("Pipfile.lock"),
            bytes: text.as_bytes(),
            options: &IngestOptions::default(),
        })
    }

    #[test]
    fn sections_versions_hashes_and_sources() {
        let d = read(
            r#"{
  "_meta": {"pipfile-spec": 6, "sources": [
      {"name": "pypi", "url": "https://pypi.registry.example/simple", "verify_ssl": true},
      {"name": "internal", "url": "http://mirror.example/simple", "verify_ssl": false}]},
  "default": {
    "Certifi": {"hashes": ["sha256:AB", "sha256:cd", "bogus"], "version": "==2023.11.17", "markers": "python_version >= '3.6'"},
    "pillow": {"git": "git+https://git.example/p/Pillow.git", "ref": "da59ad000d1405eaecd557175e29083a87d19f7c"},
    "requests": {"git": "git+https://git.example/r/requests.git#egg=requests", "ref": "main"},
    "urllib3": {"file": "https://git.example/u/archive/refs/tags/2.2.0.zip"},
    "mylib": {"editable": true, "path": "./libs/mylib"},
    "inner": {"version": "==1.0", "index": "internal"},
    "a/b~c": {"version": "*"}
  },
  "develop": {
    "pytest": {"version": "==8.0.0", "hashes": []}
  }
}"#,
        )
        .unwrap();
        assert_eq!(d.spec_version.as_deref(), Some("6"));
        assert_eq!(d.components.len(), 8);
        let c = |n: &str| d.components.iter().find(|c| c.name == n).unwrap();
        let certifi = c("certifi");
        assert_eq!(certifi.version.as_deref(), Some("2023.11.17"));
        assert_eq!(certifi.purl.as_deref(), Some("pkg:pypi/certifi@2023.11.17"));
        assert_eq!(certifi.hashes.len(), 2);
        assert_eq!(certifi.locations[0].pointer, "/default/Certifi");
        assert!(
            matches!(&certifi.source, SourceKind::Registry { url: None }),
            "two indexes, none named"
        );
        assert!(matches!(
            c("pillow").source,
            SourceKind::Git { pinned: true, .. }
        ));
        assert_eq!(
            c("requests").source,
            SourceKind::git(
                "git+https://git.example/r/requests.git",
                Some("main"),
                false
            )
        );
        assert!(matches!(c("urllib3").source, SourceKind::Url { .. }));
        assert_eq!(
            c("urllib3").rare.build_code,
            Some(vec![BuildCode::SourceDistribution])
        );
        assert!(matches!(c("mylib").source, SourceKind::Path { .. }));
        assert!(
            matches!(&c("inner").source, SourceKind::Registry { url: Some(u) } if u.starts_with("http://"))
        );
        let odd = c("a/b~c");
        assert_eq!(odd.rare.constraint.as_deref(), Some("*"));
        assert_eq!(odd.locations[0].pointer, "/default/a~1b~0c");
        assert_eq!(c("pytest").scope, Scope::Dev);
        assert!(!d.meta.has_dependency_graph);
        assert_eq!(
            d.warnings,
            vec![
                "at /default/Certifi/hashes: 1 hash(es) of unknown algorithm or not hex ignored"
                    .to_string()
            ]
        );
    }

    #[test]
    fn errors_and_tolerance() {
        let e = read("{\n  \"default\": {\"a\": \n").unwrap_err();
        assert!(e.to_string().starts_with("line 3, column"), "{e}");
        let e = read("[1]").unwrap_err();
        assert!(e.message.contains("a Pipfile.lock"), "{e}");
        let d = read(
            r#"{"_meta": {}, "default": {"a": "==1", "b": {"version": "==2"}}, "develop": []}"#,
        )
        .unwrap();
        assert_eq!(d.components.len(), 1);
        assert_eq!(d.warnings.len(), 2, "{:?}", d.warnings);
        assert!(d.warnings[0].starts_with("at /default/a: expected an object"));
        assert!(d.warnings[1].starts_with("at /develop: expected an object"));
    }

    #[test]
    fn corpus_lock() {
        let (full, bytes) =
            crate::ingest::test_corpus::file("lockfiles/python/pipenv-with-urls/Pipfile.lock");
        let d = crate::ingest::read_as(parse, &full, &bytes).unwrap();
        assert_eq!(d.components.len(), 7);
        let git = d
            .components
            .iter()
            .filter(|c| matches!(c.source, SourceKind::Git { pinned: true, .. }))
            .count();
        assert_eq!(git, 3);
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    }
}
