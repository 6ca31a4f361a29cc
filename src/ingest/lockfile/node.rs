//! What the npm, Yarn and pnpm readers share: names and purls, `integrity`
//! strings, resolved locations, dependency kinds and the scopes told from the
//! dependency graph, and the one model of the `package.json` beside a
//! lockfile (also read alone, without a lockfile: `npm_manifest`).

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use std::borrow::Cow;
use std::fmt;
use std::path::{Path, PathBuf};

use crate::ingest::json::{Typed, parse_typed};
use crate::ingest::lenient::{ScalarText, opt_string};
use crate::ingest::{Input, include, source};
use crate::model::encode::{is_unreserved, percent_encode};
use crate::model::{Component, Ecosystem, InputError, Scope, SourceKind};

/// Reference of the root project (the primary component) in the graph.
pub(super) const ROOT_REF: &str = ".";

/// Splits `name@range` at the `@` that ends the name (a scoped name starts
/// with its own `@`). `None` when there is no name or no `@`.
pub(super) fn split_descriptor(s: &str) -> Option<(&str, &str)> {
    let at = s.get(1..)?.find('@')? + 1;
    Some((&s[..at], &s[at + 1..]))
}

/// A component for the npm package `name` (scoped or not) at `version`,
/// with its purl (`pkg:npm/%40scope/name@version`). The second value is the
/// warning when the name cannot make a purl; the component is still usable.
pub(super) fn package(name: &str, version: Option<&str>) -> (Component, Option<String>) {
    let name = name.trim();
    let version = version.map(str::trim).filter(|v| !v.is_empty());
    let (scope, bare) = match name.split_once('/') {
        Some((s, b)) if s.starts_with('@') && s.len() > 1 && !b.is_empty() => (Some(s), b),
        _ => (None, name),
    };
    let mut c = Component {
        name: bare.to_string(),
        version: version.map(str::to_string),
        ecosystem: Ecosystem::Npm,
        ..Component::default()
    };
    // npm names are lower case in a purl; `@` of the scope is escaped.
    let mut purl = String::with_capacity(16 + name.len() + version.map_or(0, str::len));
    purl.push_str("pkg:npm/");
    let unreserved = |_: usize, ch: char| is_unreserved(ch);
    if let Some(s) = scope {
        purl.push_str(&percent_encode(s, unreserved));
        purl.push('/');
    }
    let lower: Cow<str> = if bare.bytes().any(|b| b.is_ascii_uppercase()) {
        Cow::Owned(bare.to_ascii_lowercase())
    } else {
        Cow::Borrowed(bare)
    };
    purl.push_str(&percent_encode(&lower, unreserved));
    if let Some(v) = version {
        purl.push('@');
        purl.push_str(&percent_encode(v, unreserved));
    }
    // Names and versions of plain characters need no escaping, so the string
    // built here is already the canonical purl `set_purl` would make of it:
    // the parse is skipped for them (most of a large lockfile).
    let plain = |s: &str, lower_only: bool| {
        s.bytes().all(|b| {
            b.is_ascii_digit()
                || b.is_ascii_lowercase()
                || (!lower_only && b.is_ascii_uppercase())
                || matches!(b, b'.' | b'-' | b'_')
        })
    };
    if !bare.is_empty()
        && scope.is_none_or(|s| plain(&s[1..], true))
        && plain(bare, false)
        && version.is_none_or(|v| plain(v, false))
    {
        c.namespace = scope.map(str::to_string);
        c.purl = Some(purl);
        return (c, None);
    }
    let warning = match c.set_purl(&purl) {
        Ok(_) => None,
        Err(e) => {
            c.namespace = scope.map(str::to_string);
            Some(format!("no purl for npm package {name:?} ({e})"))
        }
    };
    (c, warning)
}

/// Pushes the warning of [`package`] under `at`.
pub(super) fn package_at(
    name: &str,
    version: Option<&str>,
    at: &str,
    warnings: &mut Vec<String>,
) -> Component {
    let (c, w) = package(name, version);
    if let Some(w) = w {
        warnings.push(format!("{at}: {w}"));
    }
    c
}

/// Adds the digests of an `integrity` string (`sha512-BASE64`, possibly
/// several separated by spaces, each possibly with `?options`) as hex hashes.
/// A digest that does not decode, or has the wrong length, is ignored with a
/// warning naming `at`.
pub(super) fn add_integrity(c: &mut Component, sri: &str, at: &str, warnings: &mut Vec<String>) {
    for hash in crate::model::integrity_hashes(sri) {
        match hash {
            Ok(h) => c.add_hash(h.alg.as_str(), &h.value),
            Err(why) => warnings.push(format!("{at}: {why}")),
        }
    }
}

/// Forty hex digits: a SHA-1 digest written in hex.
pub(super) fn is_sha1_hex(s: &str) -> bool {
    s.len() == 40 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A tarball served by a registry's npm protocol: `…/NAME/-/NAME-VERSION.tgz`.
fn is_registry_tarball(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    path.contains("/-/") && path.ends_with(".tgz")
}

/// A git host shorthand npm and yarn write (`gitlab:o/r#rev`, `bitbucket:…`,
/// `gist:…`) that [`source::classify_location`] does not know.
fn git_shorthand(loc: &str) -> Option<SourceKind> {
    let lower = loc.to_ascii_lowercase();
    ["gitlab:", "bitbucket:", "gist:"]
        .iter()
        .any(|p| lower.starts_with(p))
        .then(|| {
            let (url, rev) = match loc.split_once('#') {
                Some((u, r)) => (u, Some(r).filter(|r| !r.is_empty())),
                None => (loc, None),
            };
            SourceKind::Git {
                url: url.to_string(),
                rev: rev.map(str::to_string),
                pinned: rev.is_some_and(source::is_commit_id),
            }
        })
}

/// Where a `resolved` URL (npm, yarn) or a pnpm tarball came from: a
/// registry tarball, git (`git+ssh://…#commit`, `github:` shorthands, a
/// GitHub archive of a commit), a local path (`file:`, `link:`) or another URL.
pub(super) fn classify_resolved(loc: &str) -> SourceKind {
    let loc = loc.trim();
    // The common case first: a registry tarball over HTTPS.
    if loc.starts_with("https://") && is_registry_tarball(loc) && !loc.contains(".git#") {
        return SourceKind::Registry {
            url: Some(loc.to_string()),
        };
    }
    // GitHub's archive of one revision, as yarn resolves `github:` dependencies.
    if let Some(rest) = loc
        .strip_prefix("https://codeload.github.com/")
        .or_else(|| loc.strip_prefix("http://codeload.github.com/"))
    {
        let parts: Vec<&str> = rest.splitn(4, '/').collect();
        if let [owner, repo, "tar.gz" | "zip" | "legacy.tar.gz", rev] = parts[..] {
            return SourceKind::Git {
                url: format!("https://github.com/{owner}/{repo}"),
                rev: Some(rev.to_string()),
                pinned: source::is_commit_id(rev),
            };
        }
    }
    if let Some(k) = git_shorthand(loc) {
        return k;
    }
    match source::classify_location(loc) {
        SourceKind::Url { url } if is_registry_tarball(&url) => {
            SourceKind::Registry { url: Some(url) }
        }
        k => k,
    }
}

/// Pointer segment of a JSON object key (RFC 6901).
pub(super) fn pointer_segment(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// The kind of a dependency edge, for telling scopes from the graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum DepKind {
    Prod,
    Optional,
    Dev,
}

/// Scopes told from the graph, as npm tells them: `Required` when a path of
/// production dependencies from the project reaches the package, else
/// `Optional` when a path that also uses optional dependencies does, else
/// `Dev` when only the project's development dependencies lead to it;
/// `None` when nothing reaches it. `starts` are the project's own
/// dependencies, `edges` `(from, to, kind)` between packages. Linear: three
/// breadth-first walks over compressed adjacency.
pub(super) fn scopes_from_graph(
    n: usize,
    starts: &[(usize, DepKind)],
    edges: &[(usize, usize, DepKind)],
) -> Vec<Option<Scope>> {
    let mut start = vec![0usize; n + 1];
    for &(f, _, _) in edges {
        start[f + 1] += 1;
    }
    for v in 0..n {
        start[v + 1] += start[v];
    }
    let mut fill = start.clone();
    let mut targets = vec![(0usize, DepKind::Prod); edges.len()];
    for &(f, t, k) in edges {
        targets[fill[f]] = (t, k);
        fill[f] += 1;
    }
    let mut scope: Vec<Option<Scope>> = vec![None; n];
    let levels: [(Scope, &[DepKind]); 3] = [
        (Scope::Required, &[DepKind::Prod]),
        (Scope::Optional, &[DepKind::Prod, DepKind::Optional]),
        (
            Scope::Dev,
            &[DepKind::Prod, DepKind::Optional, DepKind::Dev],
        ),
    ];
    for (level, allowed) in levels {
        let mut seen = vec![false; n];
        let mut queue: Vec<usize> = Vec::new();
        for &(s, k) in starts {
            if allowed.contains(&k) && !seen[s] {
                seen[s] = true;
                queue.push(s);
            }
        }
        while let Some(v) = queue.pop() {
            if scope[v].is_none() {
                scope[v] = Some(level);
            }
            for &(t, k) in &targets[start[v]..start[v + 1]] {
                // Development dependencies of a package are never installed.
                if allowed.contains(&k) && k != DepKind::Dev && !seen[t] {
                    seen[t] = true;
                    queue.push(t);
                }
            }
        }
    }
    scope
}

/// What a reader needs from the `package.json` beside a lockfile.
#[derive(Debug, Default)]
pub(super) struct Manifest {
    pub name: Option<String>,
    pub version: Option<String>,
    /// `(name, range, kind)` of the project's own dependencies; peer
    /// dependencies count as optional.
    pub deps: Vec<(String, String, DepKind)>,
}

/// The `package.json` fields chainrisk reads: the one model of the file.
#[derive(Deserialize)]
pub(super) struct PackageJson {
    #[serde(default, deserialize_with = "opt_string")]
    pub(super) name: Option<String>,
    #[serde(default, deserialize_with = "opt_string")]
    pub(super) version: Option<String>,
    #[serde(default, deserialize_with = "dep_map")]
    pub(super) dependencies: Vec<(String, String)>,
    #[serde(default, rename = "devDependencies", deserialize_with = "dep_map")]
    pub(super) dev_dependencies: Vec<(String, String)>,
    #[serde(default, rename = "optionalDependencies", deserialize_with = "dep_map")]
    pub(super) optional_dependencies: Vec<(String, String)>,
    #[serde(default, rename = "peerDependencies", deserialize_with = "dep_map")]
    pub(super) peer_dependencies: Vec<(String, String)>,
}

/// Reads a `package.json` when it is a regular file inside `roots` (see
/// [`include`]); `Err` is the warning to give (`package.json:L:C: what; not used`).
pub(super) fn read_manifest(
    path: &Path,
    roots: &[PathBuf],
) -> Result<Option<Manifest>, InputError> {
    let shown = path.display().to_string();
    let bytes = match include::read(path, roots) {
        Ok(b) => b,
        Err(include::Refused::NotFound) => return Ok(None),
        Err(e) => return Err(InputError::in_file(shown, None, format!("{e}; not used"))),
    };
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let m = match parse_typed::<PackageJson>(bytes) {
        Ok(Typed::Ok { value, .. }) => value,
        Ok(Typed::Mismatch(e)) | Err(e) => {
            return Err(InputError {
                message: format!("{}; not used", e.message),
                ..e.with_file(shown)
            });
        }
    };
    let mut deps = Vec::new();
    // An optional dependency is also listed under `dependencies`; it is optional.
    let optional: Vec<&str> = m
        .optional_dependencies
        .iter()
        .map(|(n, _)| n.as_str())
        .collect();
    for (n, r) in &m.dependencies {
        if !optional.contains(&n.as_str()) {
            deps.push((n.clone(), r.clone(), DepKind::Prod));
        }
    }
    for (list, kind) in [
        (&m.optional_dependencies, DepKind::Optional),
        (&m.peer_dependencies, DepKind::Optional),
        (&m.dev_dependencies, DepKind::Dev),
    ] {
        for (n, r) in list {
            if !deps.iter().any(|(d, _, _)| d == n) {
                deps.push((n.clone(), r.clone(), kind));
            }
        }
    }
    Ok(Some(Manifest {
        name: m.name,
        version: m.version,
        deps,
    }))
}

/// The `package.json` in the directory of the input, if the input is a file
/// with a name. Problems reading it become a warning.
pub(super) fn manifest_beside(input: &Input, warnings: &mut Vec<String>) -> Option<Manifest> {
    input.path.file_name()?;
    let dir = input.path.parent().unwrap_or(Path::new(""));
    let path: PathBuf = dir.join("package.json");
    match read_manifest(&path, &include::roots(input.path, input.options)) {
        Ok(m) => m,
        Err(w) => {
            warnings.push(w.to_string());
            None
        }
    }
}

/// Reads a JSON object of dependencies (`{"name": "range"}`) as pairs;
/// `null` is empty, a non-string range is kept as empty text.
pub(super) fn dep_map<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(String, String)>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
        type Value = Vec<(String, String)>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("an object of dependency names and ranges")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::with_capacity(map.size_hint().unwrap_or(0).min(256));
            while let Some(k) = map.next_key::<String>()? {
                let v: Option<String> = map.next_value::<ScalarText>()?.0;
                out.push((k, v.unwrap_or_default()));
            }
            Ok(out)
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
    }
    d.deserialize_any(V)
}
