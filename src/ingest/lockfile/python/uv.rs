//! `uv.lock` (lock `version = 1`): one component per `[[package]]` with its
//! source (registry, git, URL, path, the project's own virtual or editable
//! package), sdist and wheel hashes, and dependencies, optional dependencies
//! (extras) and dev dependencies (groups) as edges. The project at `.` and
//! the workspace members are the roots; scopes follow from how the roots
//! reach each package.

use std::collections::{HashMap, VecDeque};

use serde::Deserialize;
use toml::{Spanned, Table, Value};

use super::{
    Lines, add_prefixed_hash, build_code_of, named_packages, parse_toml, pep503, str_of, toml_kind,
};
use crate::ingest::source::is_commit_id;
use crate::ingest::{Input, ParsedDoc};
use crate::model::{BuildCode, Component, Format, Scope, SourceKind};
use crate::model::{InputError, Position};

/// The lock versions this reader knows.
const KNOWN_VERSIONS: &[i64] = &[1];

#[derive(Deserialize)]
struct Lock {
    version: Option<Spanned<Value>>,
    revision: Option<Value>,
    #[serde(default)]
    package: Vec<Spanned<Value>>,
    manifest: Option<Value>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Normal,
    Extra,
    Dev,
}

/// A dependency as the lock writes it: a name, and a version when the lock
/// holds several versions of that name.
struct Dep {
    name: String,
    version: Option<String>,
    kind: Kind,
}

pub fn parse(input: &Input) -> Result<ParsedDoc, InputError> {
    let lock: Lock = parse_toml(input.bytes)?;
    let lines = Lines::new(input.bytes);
    let mut doc = ParsedDoc::new(Format::UvLock);
    check_version(&lock, input, &mut doc)?;
    let members = workspace_members(&lock);

    let mut deps: Vec<Vec<Dep>> = Vec::new();
    let mut is_root: Vec<bool> = Vec::new();
    let mut primary: Option<usize> = None;
    for p in named_packages(&lock.package, &lines, &mut doc.warnings) {
        let (pointer, t, mut c) = (p.pointer, p.table, p.component);

        let source = t.get("source").and_then(Value::as_table);
        let local = source.and_then(|s| ["virtual", "editable"].iter().find_map(|k| str_of(s, k)));
        let root = local == Some(".") || (local.is_some() && members.contains(&c.name));
        if local == Some(".") && primary.is_none() {
            primary = Some(doc.components.len());
        }

        let from_files = add_file_hashes(&mut c, t, &pointer, &mut doc.warnings);
        let (kind, built) = match source {
            Some(s) => source_of(s, &pointer, &mut doc.warnings),
            None => {
                doc.warnings.push(format!(
                    "{pointer}: package without a source; source left unknown"
                ));
                (SourceKind::Unknown, None)
            }
        };
        if root {
            // The project itself: not a channel anything was delivered through.
            c.source = SourceKind::Unknown;
        } else {
            c.rare.build_code = built.unwrap_or(from_files);
            c.source = kind;
        }

        deps.push(package_deps(t));
        is_root.push(root);
        doc.push(c, pointer, None);
    }

    let adj = adjacency(&doc, &deps);
    let scopes = scopes(&adj, &is_root);
    for (c, s) in doc.components.iter_mut().zip(scopes) {
        c.scope = s;
    }
    link(&mut doc, &adj, &is_root, primary);
    Ok(doc)
}

/// Records the lock version, or refuses one this reader does not know; a
/// lock without one is read as version 1 with a warning.
fn check_version(lock: &Lock, input: &Input, doc: &mut ParsedDoc) -> Result<(), InputError> {
    match &lock.version {
        Some(v) => match v.get_ref() {
            Value::Integer(n) if KNOWN_VERSIONS.contains(n) => {
                doc.spec_version = Some(match lock.revision.as_ref().and_then(Value::as_integer) {
                    Some(r) => format!("{n} (revision {r})"),
                    None => n.to_string(),
                });
            }
            other => {
                let shown = match other {
                    Value::Integer(n) => n.to_string(),
                    o => toml_kind(o).to_string(),
                };
                return Err(InputError::at(
                    format!(
                        "uv.lock version {shown} is not supported: this reader knows lock version 1"
                    ),
                    Position::at_offset(input.bytes, v.span().start),
                ));
            }
        },
        None => doc
            .warnings
            .push("no lock `version`: read as a uv.lock version 1".into()),
    }
    Ok(())
}

/// The workspace members named in `[manifest]`, normalised.
fn workspace_members(lock: &Lock) -> Vec<String> {
    lock.manifest
        .as_ref()
        .and_then(|m| m.get("members"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(pep503)
        .collect()
}

/// Adds the sdist and wheel hashes, warning of those ignored; returns the
/// build code the files imply: a wheel installs without building, an sdist
/// alone is built on install.
fn add_file_hashes(
    c: &mut Component,
    t: &Table,
    pointer: &str,
    warnings: &mut Vec<String>,
) -> Option<Vec<BuildCode>> {
    let mut bad = 0;
    let sdist = t.get("sdist").and_then(Value::as_table);
    let wheels: Vec<&Table> = t
        .get("wheels")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_table)
        .collect();
    for f in sdist.into_iter().chain(wheels.iter().copied()) {
        if let Some(h) = str_of(f, "hash")
            && !add_prefixed_hash(c, h)
        {
            bad += 1;
        }
    }
    if bad > 0 {
        warnings.push(format!(
            "{pointer}: {bad} file hash(es) of unknown algorithm or not hex ignored"
        ));
    }
    if !wheels.is_empty() {
        Some(vec![])
    } else if sdist.is_some() {
        Some(vec![BuildCode::SourceDistribution])
    } else {
        None
    }
}

/// A package's dependencies, optional dependencies (extras) and dev
/// dependencies (groups), in that order.
fn package_deps(t: &Table) -> Vec<Dep> {
    let mut list = Vec::new();
    let mut add = |v: Option<&Value>, kind: Kind| {
        for d in v.and_then(Value::as_array).into_iter().flatten() {
            if let Some(d) = d.as_table()
                && let Some(n) = str_of(d, "name")
            {
                list.push(Dep {
                    name: pep503(n),
                    version: str_of(d, "version").map(str::to_string),
                    kind,
                });
            }
        }
    };
    add(t.get("dependencies"), Kind::Normal);
    for (key, kind) in [
        ("optional-dependencies", Kind::Extra),
        ("dev-dependencies", Kind::Dev),
    ] {
        for v in t
            .get(key)
            .and_then(Value::as_table)
            .into_iter()
            .flat_map(|g| g.values())
        {
            add(Some(v), kind);
        }
    }
    list
}

/// Edges by component index, found by name (and version where the lock
/// gives one); a package's edges to itself are dropped.
fn adjacency(doc: &ParsedDoc, deps: &[Vec<Dep>]) -> Vec<Vec<(usize, Kind)>> {
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, c) in doc.components.iter().enumerate() {
        by_name.entry(c.name.as_str()).or_default().push(i);
    }
    let mut adj: Vec<Vec<(usize, Kind)>> = vec![Vec::new(); doc.components.len()];
    for (from, list) in deps.iter().enumerate() {
        for d in list {
            let all = by_name.get(d.name.as_str()).map_or(&[][..], Vec::as_slice);
            let exact: Vec<usize> = all
                .iter()
                .copied()
                .filter(|&i| d.version.is_some() && doc.components[i].version == d.version)
                .collect();
            for &to in if exact.is_empty() { all } else { &exact } {
                if to != from {
                    adj[from].push((to, d.kind));
                }
            }
        }
    }
    adj
}

/// Writes the edges and roots, and names the primary component: the
/// project at `.`, else the first root.
fn link(doc: &mut ParsedDoc, adj: &[Vec<(usize, Kind)>], is_root: &[bool], primary: Option<usize>) {
    let refs: Vec<String> = doc
        .components
        .iter()
        .map(|c| c.bom_ref.clone().unwrap_or_default())
        .collect();
    for (from, list) in adj.iter().enumerate() {
        for &(to, _) in list {
            doc.edges.push((refs[from].clone(), refs[to].clone()));
        }
    }
    for (i, _) in is_root.iter().enumerate().filter(|(_, r)| **r) {
        doc.roots.push(refs[i].clone());
    }
    doc.meta.has_dependency_graph = true;
    let primary = primary.or_else(|| is_root.iter().position(|r| *r));
    if let Some(p) = primary {
        let c = &doc.components[p];
        doc.meta.primary = c.bom_ref.clone();
        doc.meta.subject_name = Some(c.name.clone());
        doc.meta.subject_version = c.version.clone();
    } else {
        doc.warnings
            .push("no virtual or editable project package at `.`: the lock names no root".into());
    }
}

/// The package's source table, and what building it runs when the source
/// itself tells (a checkout or directory is built on install).
fn source_of(
    s: &Table,
    pointer: &str,
    warnings: &mut Vec<String>,
) -> (SourceKind, Option<Option<Vec<BuildCode>>>) {
    let built = Some(Some(vec![BuildCode::SourceDistribution]));
    if let Some(url) = str_of(s, "registry") {
        return (
            SourceKind::Registry {
                url: Some(url.to_string()),
            },
            None,
        );
    }
    if let Some(git) = str_of(s, "git") {
        // `https://host/repo?rev=main#<commit>`: the fragment is the locked commit.
        let (base, commit) = match git.split_once('#') {
            Some((b, c)) => (b, Some(c)),
            None => (git, None),
        };
        let (url, query) = match base.split_once('?') {
            Some((u, q)) => (u, Some(q)),
            None => (base, None),
        };
        let asked = query.and_then(|q| {
            q.split('&').find_map(|kv| {
                ["rev=", "tag=", "branch="]
                    .iter()
                    .find_map(|k| kv.strip_prefix(k))
            })
        });
        let rev = commit.filter(|c| !c.is_empty()).or(asked);
        return (
            SourceKind::Git {
                url: url.to_string(),
                rev: rev.map(str::to_string),
                pinned: commit.is_some_and(is_commit_id),
            },
            built,
        );
    }
    if let Some(url) = str_of(s, "url") {
        return (
            SourceKind::Url {
                url: url.to_string(),
            },
            None,
        );
    }
    for key in ["path", "directory", "editable", "virtual"] {
        if let Some(p) = str_of(s, key) {
            let b = match key {
                "virtual" => Some(None),
                "path" => Some(build_code_of([p]).or(Some(vec![BuildCode::SourceDistribution]))),
                _ => built,
            };
            return (
                SourceKind::Path {
                    path: p.to_string(),
                },
                b,
            );
        }
    }
    warnings.push(format!(
        "{pointer}: source of an unknown kind ({}); left unknown",
        s.keys().cloned().collect::<Vec<_>>().join(", ")
    ));
    (SourceKind::Unknown, None)
}

/// Scopes from the roots: what the roots' dependencies reach is required,
/// what only their extras reach optional, what only their dev groups reach
/// dev. Past the roots, extras a package needs are part of it.
fn scopes(adj: &[Vec<(usize, Kind)>], is_root: &[bool]) -> Vec<Scope> {
    let mut scope: Vec<Option<Scope>> = vec![None; adj.len()];
    for (i, r) in is_root.iter().enumerate() {
        if *r {
            scope[i] = Some(Scope::Required);
        }
    }
    let stages = [
        (Kind::Normal, Scope::Required),
        (Kind::Extra, Scope::Optional),
        (Kind::Dev, Scope::Dev),
    ];
    for (kind, s) in stages {
        let mut queue: VecDeque<usize> = VecDeque::new();
        for (root, _) in is_root.iter().enumerate().filter(|(_, r)| **r) {
            for &(to, k) in &adj[root] {
                if k == kind && scope[to].is_none() {
                    scope[to] = Some(s);
                    queue.push_back(to);
                }
            }
        }
        while let Some(v) = queue.pop_front() {
            for &(to, k) in &adj[v] {
                if k != Kind::Dev && scope[to].is_none() {
                    scope[to] = Some(s);
                    queue.push_back(to);
                }
            }
        }
    }
    scope
        .into_iter()
        .map(|s| s.unwrap_or(Scope::Required))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::IngestOptions;
    use std::path::Path;

    fn read(text: &str) -> Result<ParsedDoc, InputError> {
        parse(&Input {
            path: Path::new("uv.lock"),
            bytes: text.as_bytes(),
            options: &IngestOptions::default(),
        })
    }

    /// The lock the tests below read, kept as a file.
    const LOCK: &str = include_str!("../../../../fixtures/lockfiles/python/unit/uv.lock");

    #[test]
    fn fields_sources_scopes_and_roots() {
        let d = read(LOCK).unwrap();
        assert_eq!(d.spec_version.as_deref(), Some("1 (revision 2)"));
        let names: Vec<&str> = d.components.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "app", "member", "requests", "idna", "pysocks", "pytest", "orphan"
            ]
        );
        assert_eq!(
            d.roots,
            vec!["app@0.1.0".to_string(), "member@0.2.0".to_string()]
        );
        assert_eq!(d.meta.primary.as_deref(), Some("app@0.1.0"));
        assert_eq!(d.meta.subject_name.as_deref(), Some("app"));
        assert_eq!(d.meta.subject_version.as_deref(), Some("0.1.0"));
        assert!(d.meta.has_dependency_graph);
        let c = |n: &str| d.components.iter().find(|c| c.name == n).unwrap();
        assert_eq!(c("app").source, SourceKind::Unknown);
        assert_eq!(c("app").rare.build_code, None);
        let r = c("requests");
        assert_eq!(r.hashes.len(), 2);
        assert_eq!(r.hashes[0].value, "aa");
        assert_eq!(r.rare.build_code, Some(vec![]));
        assert!(matches!(&r.source, SourceKind::Registry { url: Some(_) }));
        assert_eq!(r.locations[0].pointer, "line 32");
        assert_eq!(
            c("idna").rare.build_code,
            Some(vec![BuildCode::SourceDistribution])
        );
        assert_eq!(
            c("pysocks").source,
            SourceKind::git(
                "https://git.example/o/pysocks",
                Some("c887c803ac56deb5f91b617ef0486ca3fb98473b"),
                true
            )
        );
        assert!(matches!(c("pytest").source, SourceKind::Url { .. }));
        assert_eq!(c("pytest").rare.build_code, Some(vec![]));
        assert!(matches!(c("orphan").source, SourceKind::Path { .. }));
        assert_eq!(c("orphan").rare.build_code, Some(vec![]));
        let scopes: Vec<Scope> = d.components.iter().map(|c| c.scope).collect();
        use Scope::*;
        assert_eq!(
            scopes,
            [
                Required, Required, Required, Required, Optional, Dev, Required
            ]
        );
        let e = |a: &str, b: &str| (a.to_string(), b.to_string());
        assert_eq!(
            d.edges,
            vec![
                e("app@0.1.0", "requests@2.31.0"),
                e("app@0.1.0", "member@0.2.0"),
                e("app@0.1.0", "pysocks@1.7.1"),
                e("app@0.1.0", "pytest@8.0.0"),
                e("requests@2.31.0", "idna@3.6"),
                e("pytest@8.0.0", "idna@3.6"),
            ]
        );
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    }

    #[test]
    fn versions_and_errors() {
        let e = read("version = 2\n[[package]]\nname = \"a\"\n").unwrap_err();
        assert!(
            e.message.contains("uv.lock version 2 is not supported"),
            "{e}"
        );
        assert_eq!(e.position.unwrap().line, Some(1));
        let e = read("version = \"one\"\n").unwrap_err();
        assert!(
            e.message.contains("version a string is not supported"),
            "{e}"
        );
        let e = read("version = 1\n[[package]\nname = \"a\"\n").unwrap_err();
        assert!(e.to_string().starts_with("line 2, column"), "{e}");
        let d = read("[[package]]\nname = \"a\"\nversion = \"1\"\nsource = { registry = \"r\" }\n[[package]]\nversion = \"2\"\n").unwrap();
        assert_eq!(d.components.len(), 1);
        let w = d.warnings.join("\n");
        assert!(w.contains("no lock `version`"), "{w}");
        assert!(w.contains("line 5: package without a name"), "{w}");
        assert!(w.contains("names no root"), "{w}");
    }

    #[test]
    fn corpus_lock() {
        let (full, bytes) = crate::ingest::test_corpus::file("lockfiles/python/uv-via-uv/uv.lock");
        let d = crate::ingest::read_as(parse, &full, &bytes).unwrap();
        assert_eq!(d.components.len(), 3);
        assert_eq!(d.meta.primary.as_deref(), Some("via-uv@0.1.0"));
        assert_eq!(d.components[2].scope, Scope::Required);
        assert_eq!(
            d.components[0].scope,
            Scope::Optional,
            "ddt is the extra `foo`"
        );
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    }
}
