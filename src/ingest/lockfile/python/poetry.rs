//! `poetry.lock`, lock versions 1.x (file hashes under `[metadata.files]`)
//! and 2.x (`files` in each package): one component per `[[package]]`, its
//! file hashes, source (registry, git, URL, path), scope (dev group or
//! category, optional) and dependencies. The lock does not name the project
//! itself: its `pyproject.toml`, when it sits beside the lock, gives the root
//! and the direct dependencies.

use std::collections::HashMap;

use serde::Deserialize;
use toml::{Spanned, Table, Value};

use super::{
    Lines, add_prefixed_hash, build_code_of, lock_ref, named_packages, parse_toml, pep503, pypi,
    str_of, toml_kind,
};
use crate::ingest::source::is_commit_id;
use crate::ingest::{Input, ParsedDoc, include};
use crate::model::{BuildCode, Format, Scope, SourceKind};
use crate::model::{InputError, Position};

#[derive(Deserialize)]
struct Lock {
    #[serde(default)]
    package: Vec<Spanned<Value>>,
    #[serde(default)]
    metadata: Option<Spanned<Value>>,
}

pub fn parse(input: &Input) -> Result<ParsedDoc, InputError> {
    let lock: Lock = parse_toml(input.bytes)?;
    let lines = Lines::new(input.bytes);
    let mut doc = ParsedDoc::new(Format::PoetryLock);
    let metadata = lock.metadata.as_ref().and_then(|m| m.get_ref().as_table());
    match metadata.and_then(|m| m.get("lock-version")) {
        Some(Value::String(v)) => {
            let major = v.split('.').next().unwrap_or("");
            if !matches!(major, "1" | "2") {
                let at = lock.metadata.as_ref().map_or(0, |m| m.span().start);
                return Err(InputError::at(
                    format!(
                        "poetry.lock lock-version {v:?} is not supported: this reader knows lock versions 1.x and 2.x"
                    ),
                    Position::at_offset(input.bytes, at),
                ));
            }
            doc.spec_version = Some(v.clone());
        }
        Some(other) => {
            let at = lock.metadata.as_ref().map_or(0, |m| m.span().start);
            return Err(InputError::at(
                format!(
                    "poetry.lock lock-version must be a string, found {}",
                    toml_kind(other)
                ),
                Position::at_offset(input.bytes, at),
            ));
        }
        None => doc
            .warnings
            .push("no [metadata] lock-version: read as a Poetry 1.x lock".into()),
    }
    // Lock 1.x keeps file hashes apart, by package name; before 1.0, bare hashes.
    let mut legacy_files: HashMap<String, Vec<(String, String)>> = HashMap::new();
    if let Some(files) = metadata
        .and_then(|m| m.get("files"))
        .and_then(Value::as_table)
    {
        for (name, list) in files {
            legacy_files.insert(pep503(name), file_entries(list));
        }
    }
    if let Some(hashes) = metadata
        .and_then(|m| m.get("hashes"))
        .and_then(Value::as_table)
    {
        for (name, list) in hashes {
            let entries = list
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str);
            legacy_files
                .entry(pep503(name))
                .or_default()
                .extend(entries.map(|h| (String::new(), format!("sha256:{h}"))));
        }
    }

    let mut deps: Vec<(String, Vec<String>)> = Vec::new();
    for p in named_packages(&lock.package, &lines, &mut doc.warnings) {
        let (pointer, t, mut c) = (p.pointer, p.table, p.component);
        let r = c.bom_ref.clone().unwrap_or_default();
        let files = match t.get("files") {
            Some(list) => file_entries(list),
            None => legacy_files.get(&c.name).cloned().unwrap_or_default(),
        };
        let bad = files
            .iter()
            .filter(|(_, h)| !add_prefixed_hash(&mut c, h))
            .count();
        if bad > 0 {
            doc.warnings.push(format!(
                "{pointer}: {bad} file hash(es) of unknown algorithm or not hex ignored"
            ));
        }
        let (source, built) = source_of(t.get("source"), &pointer, &mut doc.warnings);
        c.rare.build_code = match built {
            Some(b) => b,
            None => build_code_of(
                files
                    .iter()
                    .map(|(f, _)| f.as_str())
                    .filter(|f| !f.is_empty()),
            ),
        };
        c.source = source;

        let groups: Vec<&str> = t
            .get("groups")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let dev = str_of(t, "category") == Some("dev")
            || (!groups.is_empty() && !groups.contains(&"main"));
        c.scope = if dev {
            Scope::Dev
        } else if t.get("optional").and_then(Value::as_bool) == Some(true) {
            Scope::Optional
        } else {
            Scope::Required
        };

        if let Some(d) = t.get("dependencies").and_then(Value::as_table) {
            deps.push((r, d.keys().map(|k| pep503(k)).collect()));
        }
        doc.push(c, pointer, None);
    }

    let mut by_name: HashMap<String, Vec<String>> = HashMap::new();
    for c in &doc.components {
        by_name
            .entry(c.name.clone())
            .or_default()
            .extend(c.bom_ref.clone());
    }
    for (from, names) in deps {
        for n in names {
            for to in by_name.get(&n).into_iter().flatten() {
                doc.edges.push((from.clone(), to.clone()));
            }
        }
    }
    doc.meta.has_dependency_graph = true;
    project_root(input, &mut doc, &by_name);
    Ok(doc)
}

/// `files = [{file = "a-1.0.tar.gz", hash = "sha256:…"}]`.
fn file_entries(list: &Value) -> Vec<(String, String)> {
    list.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_table)
        .filter_map(|f| {
            let hash = str_of(f, "hash")?;
            Some((
                str_of(f, "file").unwrap_or("").to_string(),
                hash.to_string(),
            ))
        })
        .collect()
}

/// The package's `[package.source]`; no table means the default registry.
/// Also what a source that is built on install runs (git checkouts and
/// directories are built from source).
fn source_of(
    v: Option<&Value>,
    pointer: &str,
    warnings: &mut Vec<String>,
) -> (SourceKind, Option<Option<Vec<BuildCode>>>) {
    let Some(t) = v.and_then(Value::as_table) else {
        return (SourceKind::Registry { url: None }, None);
    };
    let url = str_of(t, "url").unwrap_or("").to_string();
    let built = Some(Some(vec![BuildCode::SourceDistribution]));
    match str_of(t, "type").unwrap_or("") {
        "legacy" | "registry" | "pypi" => (
            SourceKind::Registry {
                url: Some(url).filter(|u| !u.is_empty()),
            },
            None,
        ),
        "git" => {
            let resolved = str_of(t, "resolved_reference").filter(|r| !r.is_empty());
            let rev = resolved.or(str_of(t, "reference")).map(str::to_string);
            let pinned = resolved.is_some_and(is_commit_id);
            (SourceKind::Git { url, rev, pinned }, built)
        }
        "url" => {
            let b = build_code_of([url.as_str()]);
            (SourceKind::Url { url }, Some(b))
        }
        "file" => {
            let b = build_code_of([url.as_str()]);
            (SourceKind::Path { path: url }, Some(b))
        }
        "directory" => (SourceKind::Path { path: url }, built),
        other => {
            warnings.push(format!(
                "{pointer}: source type {other:?} is not known; source left unknown"
            ));
            (SourceKind::Unknown, None)
        }
    }
}

/// Reads the `pyproject.toml` beside the lock, if any, for the project (the
/// root) and its direct dependencies.
fn project_root(input: &Input, doc: &mut ParsedDoc, by_name: &HashMap<String, Vec<String>>) {
    if input.path.file_name().is_none() {
        return;
    }
    let path = input.path.with_file_name("pyproject.toml");
    let bytes = match include::read(&path, &include::roots(input.path, input.options)) {
        Ok(b) => b,
        Err(include::Refused::NotFound) => return,
        Err(e) => {
            doc.warnings.push(format!(
                "pyproject.toml beside the lock was not read ({e}): no root and no direct dependencies"
            ));
            return;
        }
    };
    let project: Table = match parse_toml(&bytes) {
        Ok(t) => t,
        Err(e) => {
            doc.warnings.push(format!(
                "pyproject.toml beside the lock was not read ({e}): no root and no direct dependencies"
            ));
            return;
        }
    };
    let pep621 = project.get("project").and_then(Value::as_table);
    let poetry = project
        .get("tool")
        .and_then(|t| t.get("poetry"))
        .and_then(Value::as_table);
    let field = |key: &str| {
        pep621
            .and_then(|p| str_of(p, key))
            .or_else(|| poetry.and_then(|p| str_of(p, key)))
    };
    let Some(name) = field("name") else {
        doc.warnings
            .push("pyproject.toml beside the lock names no project: no root".into());
        return;
    };
    let version = field("version");
    let mut direct: Vec<String> = Vec::new();
    let requirement_names = |list: Option<&Value>| -> Vec<String> {
        list.and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(|r| {
                let end = r
                    .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-')))
                    .unwrap_or(r.len());
                pep503(&r[..end])
            })
            .collect()
    };
    if let Some(p) = pep621 {
        direct.extend(requirement_names(p.get("dependencies")));
        for list in lists_in(p.get("optional-dependencies")) {
            direct.extend(requirement_names(Some(list)));
        }
    }
    for list in lists_in(project.get("dependency-groups")) {
        direct.extend(requirement_names(Some(list)));
    }
    if let Some(p) = poetry {
        let mut tables = vec![p.get("dependencies"), p.get("dev-dependencies")];
        for g in p
            .get("group")
            .and_then(Value::as_table)
            .into_iter()
            .flat_map(|t| t.values())
        {
            tables.push(g.get("dependencies"));
        }
        for t in tables.into_iter().flatten().filter_map(Value::as_table) {
            direct.extend(t.keys().filter(|k| *k != "python").map(|k| pep503(k)));
        }
    }
    let mut root = pypi(name, version);
    let root_ref = format!("(pyproject.toml) {}", lock_ref(name, version));
    root.bom_ref = Some(root_ref.clone());
    root.source = SourceKind::Unknown;
    doc.meta.primary = Some(root_ref.clone());
    doc.meta.subject_name = Some(root.name.clone());
    doc.meta.subject_version = root.version.clone();
    doc.roots.push(root_ref.clone());
    doc.push(root, "pyproject.toml".into(), None);
    direct.sort();
    direct.dedup();
    for n in direct {
        for to in by_name.get(&n).into_iter().flatten() {
            doc.edges.push((root_ref.clone(), to.clone()));
        }
    }
}

/// The values of a table of requirement lists (`optional-dependencies`,
/// `dependency-groups`); nothing when it is absent or not a table.
fn lists_in(table: Option<&Value>) -> impl Iterator<Item = &Value> {
    table
        .and_then(Value::as_table)
        .into_iter()
        .flat_map(|t| t.values())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::HashAlg;
    use std::path::Path;

    fn read_at(path: &Path, text: &str) -> Result<ParsedDoc, InputError> {
        crate::ingest::read_as(parse, path, text.as_bytes())
    }

    fn read(text: &str) -> ParsedDoc {
        read_at(Path::new(""), text).unwrap()
    }

    /// The lock the tests below read, kept as a file.
    const LOCK2: &str = include_str!("../../../../fixtures/lockfiles/python/unit/poetry-2.1.lock");

    #[test]
    fn lock_2_fields() {
        let d = read(LOCK2);
        assert_eq!(d.spec_version.as_deref(), Some("2.1"));
        assert_eq!(d.components.len(), 8);
        let r = &d.components[0];
        assert_eq!(r.name, "requests");
        assert_eq!(r.purl.as_deref(), Some("pkg:pypi/requests@2.31.0"));
        assert_eq!(r.bom_ref.as_deref(), Some("requests@2.31.0"));
        assert_eq!(r.locations[0].pointer, "line 3");
        assert_eq!(r.hashes.len(), 2);
        assert_eq!(r.hashes[0].alg, HashAlg::Sha256);
        assert!(r.hashes[0].value.starts_with("58cd2187"));
        assert_eq!(r.rare.build_code, Some(vec![]), "a wheel is available");
        assert!(matches!(r.source, SourceKind::Registry { url: None }));
        assert_eq!(r.scope, Scope::Required);
        let idna = &d.components[1];
        assert_eq!(idna.scope, Scope::Required, "in main and dev");
        assert_eq!(
            idna.rare.build_code,
            Some(vec![BuildCode::SourceDistribution])
        );
        let urllib3 = &d.components[2];
        assert_eq!(urllib3.scope, Scope::Optional);
        assert_eq!(urllib3.rare.build_code, None, "no file known");
        let pytest = &d.components[3];
        assert_eq!(pytest.scope, Scope::Dev);
        assert_eq!(pytest.hashes.len(), 1);
        assert_eq!(
            d.components[4].source,
            SourceKind::git(
                "https://git.example/o/forked.git",
                Some("c887c803ac56deb5f91b617ef0486ca3fb98473b"),
                true
            )
        );
        assert_eq!(
            d.components[4].rare.build_code,
            Some(vec![BuildCode::SourceDistribution])
        );
        assert!(matches!(&d.components[5].source, SourceKind::Path { path } if path == "../local"));
        assert!(matches!(d.components[6].source, SourceKind::Url { .. }));
        assert_eq!(d.components[6].rare.build_code, Some(vec![]));
        assert!(
            matches!(&d.components[7].source, SourceKind::Registry { url: Some(u) } if u == "https://mirror.example/simple")
        );
        assert_eq!(
            d.edges,
            vec![
                ("requests@2.31.0".to_string(), "idna@3.6".to_string()),
                ("requests@2.31.0".to_string(), "urllib3@2.0.0".to_string()),
            ]
        );
        assert!(d.meta.has_dependency_graph);
        assert!(d.roots.is_empty());
        assert_eq!(d.warnings.len(), 1, "{:?}", d.warnings);
        assert!(
            d.warnings[0].starts_with("line 37: 1 file hash"),
            "{:?}",
            d.warnings
        );
    }

    #[test]
    fn lock_1_files_in_metadata_and_categories() {
        let d = read(
            r#"[[package]]
name = "six"
version = "1.16.0"
category = "main"
optional = false

[[package]]
name = "Mock"
version = "5.0"
category = "dev"
optional = false

[package.dependencies]
six = "*"

[metadata]
lock-version = "1.1"
content-hash = "00"

[metadata.files]
six = [
    {file = "six-1.16.0.tar.gz", hash = "sha256:1e61c37477a1626458e36f7b1d82aa5c9b094fa4802892072e49de9c60c4c926"},
]
mock = []
"#,
        );
        assert_eq!(d.spec_version.as_deref(), Some("1.1"));
        let six = &d.components[0];
        assert_eq!(six.hashes.len(), 1);
        assert_eq!(
            six.rare.build_code,
            Some(vec![BuildCode::SourceDistribution])
        );
        assert_eq!(six.scope, Scope::Required);
        assert_eq!(d.components[1].scope, Scope::Dev);
        assert_eq!(d.components[1].rare.build_code, None);
        assert_eq!(
            d.edges,
            vec![("mock@5.0".to_string(), "six@1.16.0".to_string())]
        );
    }

    #[test]
    fn pre_1_0_hashes_and_missing_version() {
        let d = read(
            "[[package]]\nname = \"a\"\nversion = \"1\"\n\n[metadata]\ncontent-hash = \"0\"\n\n[metadata.hashes]\na = [\"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"]\n",
        );
        assert_eq!(d.components[0].hashes.len(), 1);
        assert!(d.warnings[0].contains("no [metadata] lock-version"));
    }

    #[test]
    fn errors() {
        let e = read_at(
            Path::new(""),
            "[[package]]\nname = \"a\"\n\n[metadata]\nlock-version = \"3.0\"\n",
        )
        .unwrap_err();
        assert!(
            e.message.contains("lock-version \"3.0\" is not supported"),
            "{e}"
        );
        assert_eq!(e.position.unwrap().line, Some(4));
        let e = read_at(Path::new(""), "[[package]]\nname = \"a\nversion = \"1\"\n").unwrap_err();
        assert!(e.to_string().starts_with("line 2, column"), "{e}");
        assert!(e.message.starts_with("invalid TOML"), "{e}");
        let e = read_at(Path::new(""), "package = 3\n").unwrap_err();
        assert!(e.message.starts_with("unexpected structure"), "{e}");
        let d = read(
            "package = [1, {version = \"1\"}, {name = \"b\"}]\n[metadata]\nlock-version = \"2.0\"\n",
        );
        assert_eq!(d.components.len(), 1);
        assert_eq!(d.warnings.len(), 2, "{:?}", d.warnings);
    }

    #[test]
    fn pyproject_beside_the_lock_gives_root_and_direct_dependencies() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("pyproject.toml"),
            "[tool.poetry]\nname = \"app\"\nversion = \"0.3.0\"\n\n[tool.poetry.dependencies]\npython = \"^3.10\"\nRequests = \"^2\"\n\n[tool.poetry.group.dev.dependencies]\npytest = \"*\"\n",
        )
        .unwrap();
        let d = read_at(&dir.path().join("poetry.lock"), LOCK2).unwrap();
        assert_eq!(d.components.len(), 9);
        let root = d.components.last().unwrap();
        assert_eq!(root.name, "app");
        assert_eq!(d.meta.primary, root.bom_ref);
        assert_eq!(d.meta.subject_name.as_deref(), Some("app"));
        assert_eq!(d.meta.subject_version.as_deref(), Some("0.3.0"));
        assert_eq!(d.roots, vec![root.bom_ref.clone().unwrap()]);
        let from_root: Vec<&str> = d
            .edges
            .iter()
            .filter(|(f, _)| Some(f) == root.bom_ref.as_ref())
            .map(|(_, t)| t.as_str())
            .collect();
        assert_eq!(from_root, ["pytest@8.0.0", "requests@2.31.0"]);
    }

    #[test]
    fn corpus_lock() {
        let (full, bytes) = crate::ingest::test_corpus::file(
            "lockfiles/python/poetry-regression702-lock21/poetry.lock",
        );
        let d = crate::ingest::read_as(parse, &full, &bytes).unwrap();
        assert_eq!(d.components.len(), 63);
        assert_eq!(d.spec_version.as_deref(), Some("2.1"));
        assert!(d.components.iter().all(|c| !c.hashes.is_empty()));
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
        assert!(!d.edges.is_empty());
        assert_eq!(d.components[0].locations[0].pointer, "line 3");
        assert!(d.components.iter().all(|c| c.rare.build_code.is_some()));
    }
}
