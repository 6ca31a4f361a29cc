//! Go modules: `go.mod` (with the `go.sum` beside it for hashes) and `go.sum`
//! alone.
//!
//! go.mod: the main module is the root (`bom_ref` = its module path); each
//! requirement is a component `pkg:golang/MODULE@VERSION` (pseudo-versions
//! kept as written: they name a commit). Requirements without `// indirect`
//! are the main module's direct dependencies and get an edge from the root.
//! go.mod does not record which module needs an indirect requirement, so
//! indirect ones get no edge: merging reports them as unreachable rather than
//! inventing a path. `replace` to a local directory makes the component a
//! path source; `replace` by another module lists the replacement (the code
//! the build uses) with a warning naming both. `exclude` and `retract` change
//! nothing that is built and are ignored.
//!
//! go.sum: one component per module version. The `h1:` hash of the module
//! zip becomes a `GO-H1` hash, base64 as written (it is a SHA-256 over the
//! file tree, not a file hash); a version with only a `/go.mod` line had its
//! go.mod read during version selection but is not built, so it is listed as
//! excluded.

use std::collections::HashMap;

use base64::Engine;

use crate::ingest::{Input, ParsedDoc, include};
use crate::model::{Component, Ecosystem, Format, Hash, HashAlg, Scope, SourceKind};
use crate::model::{InputError, Position};

pub fn parse_go_mod(input: &Input) -> Result<ParsedDoc, InputError> {
    let text = String::from_utf8_lossy(input.bytes);
    let m = read_mod(&text)?;
    let mut doc = ParsedDoc::new(Format::GoMod);
    doc.warnings.extend(m.warnings);
    doc.spec_version = m.go.clone();

    let sums = beside_sum(input, &mut doc.warnings);
    let root_ref = m.module.clone();
    let mut root = go_component(&m.module, None);
    root.bom_ref = Some(root_ref.clone());
    doc.push(root, format!("line {}", m.module_line), None);
    // The module is the product, not one of go.mod's requirements: not an entry.
    doc.meta.primary_parts = 1;
    doc.roots.push(root_ref.clone());
    doc.meta.primary = Some(root_ref.clone());
    doc.meta.subject_name = Some(m.module.clone());
    doc.meta.has_dependency_graph = true;

    let mut indirect = 0;
    for r in &m.requires {
        let pointer = format!("line {}", r.line);
        let replace = m
            .replaces
            .iter()
            .find(|p| p.old == r.path && p.old_version.as_deref() == Some(r.version.as_str()))
            .or_else(|| {
                m.replaces
                    .iter()
                    .find(|p| p.old == r.path && p.old_version.is_none())
            });
        let mut c = match replace {
            Some(p) => match &p.new_version {
                Some(v) => {
                    doc.warnings.push(format!(
                        "{pointer}: {} {} is replaced by {} {v} (line {}): the build uses {}@{v}, listed under that name",
                        r.path, r.version, p.new, p.line, p.new
                    ));
                    let mut c = go_component(&p.new, Some(v));
                    c.source = SourceKind::Registry { url: None };
                    if let Some(h) = sums.get(&(p.new.clone(), v.clone())) {
                        add_go_hash(&mut c, h);
                    }
                    c
                }
                None => {
                    doc.warnings.push(format!(
                        "{pointer}: {} is replaced by the local directory {} (line {}): the build uses that directory, not the published module",
                        r.path, p.new, p.line
                    ));
                    let mut c = go_component(&r.path, None);
                    c.source = SourceKind::Path {
                        path: p.new.clone(),
                    };
                    c
                }
            },
            None => {
                let mut c = go_component(&r.path, Some(&r.version));
                c.source = SourceKind::Registry { url: None };
                if let Some(h) = sums.get(&(r.path.clone(), r.version.clone())) {
                    add_go_hash(&mut c, h);
                }
                c
            }
        };
        let r_ref = format!("{}@{}", r.path, r.version);
        c.bom_ref = Some(r_ref.clone());
        if r.indirect {
            indirect += 1;
        } else {
            doc.edges.push((root_ref.clone(), r_ref));
        }
        doc.push(c, pointer, None);
    }
    if indirect > 0 {
        doc.warnings.push(format!(
            "{indirect} requirement(s) marked // indirect: go.mod does not record which module needs them, so no path from {} reaches them",
            m.module
        ));
    }
    let old = match m.go.as_deref().map(go_version) {
        None => Some("has no go directive (read as go 1.16)".to_string()),
        Some(Some(v)) if v < (1, 17) => {
            Some(format!("declares go {}", m.go.as_deref().unwrap_or("")))
        }
        _ => None,
    };
    if let Some(why) = old {
        doc.warnings.push(format!(
            "go.mod {why}: before go 1.17 go.mod need not list every module of the build, so the list may be incomplete"
        ));
    }
    Ok(doc)
}

pub fn parse_go_sum(input: &Input) -> Result<ParsedDoc, InputError> {
    let text = String::from_utf8_lossy(input.bytes);
    let mut doc = ParsedDoc::new(Format::GoSum);
    let entries = read_sum(&text, "", &mut doc.warnings);
    let mut mod_only = 0;
    for e in entries {
        let mut c = go_component(&e.path, Some(&e.version));
        c.source = SourceKind::Registry { url: None };
        match &e.zip_hash {
            Some(h) => add_go_hash(&mut c, h),
            None => {
                c.scope = Scope::Excluded;
                mod_only += 1;
            }
        }
        doc.push(c, format!("line {}", e.line), None);
    }
    if mod_only > 0 {
        doc.warnings.push(format!(
            "{mod_only} module version(s) have only a /go.mod checksum: their go.mod was read while selecting versions, their code is not built; listed as excluded"
        ));
    }
    Ok(doc)
}

/// The `h1:` zip hashes of the go.sum beside a go.mod, by module and version.
fn beside_sum(input: &Input, warnings: &mut Vec<String>) -> HashMap<(String, String), String> {
    if input.path.file_name().is_none() {
        return HashMap::new();
    }
    let path = input.path.with_file_name("go.sum");
    let bytes = match include::read(&path, &include::roots(input.path, input.options)) {
        Ok(b) => b,
        Err(include::Refused::NotFound) => {
            warnings.push("no go.sum beside go.mod: the requirements carry no hashes".into());
            return HashMap::new();
        }
        Err(e) => {
            warnings.push(format!(
                "go.sum beside go.mod could not be read ({e}): the requirements carry no hashes"
            ));
            return HashMap::new();
        }
    };
    let text = String::from_utf8_lossy(&bytes);
    read_sum(&text, "go.sum ", warnings)
        .into_iter()
        .filter_map(|e| Some(((e.path, e.version), e.zip_hash?)))
        .collect()
}

/// A Go module as a component: the module path split into purl namespace
/// and name (`github.com/spf13/cobra` → `github.com/spf13` / `cobra`), its
/// case kept in the component (the purl lower-cases the namespace).
pub(crate) fn go_component(path: &str, version: Option<&str>) -> Component {
    let (ns, name) = match path.rsplit_once('/') {
        Some((ns, n)) => (Some(ns), n),
        None => (None, path),
    };
    let mut c = Component::named(name);
    c.namespace = ns.map(str::to_string);
    c.ecosystem = Ecosystem::Golang;
    c.version = version.map(str::to_string);
    if let Ok(mut p) = packageurl::PackageUrl::new("golang", name) {
        let ok = ns.is_none_or(|ns| p.with_namespace(ns).is_ok())
            && version.is_none_or(|v| p.with_version(v).is_ok());
        if ok {
            let _ = c.set_purl(&p.to_string());
        }
    }
    c
}

/// Adds a go.sum `h1:` value (base64, kept as written: it is case-sensitive).
pub(crate) fn add_go_hash(c: &mut Component, value: &str) {
    let h = Hash {
        alg: HashAlg::parse("GO-H1"),
        value: value.to_string(),
    };
    if !c.hashes.contains(&h) {
        c.hashes.push(h);
    }
}

/// `1.21.3` → (1, 21).
fn go_version(v: &str) -> Option<(u32, u32)> {
    let mut parts = v.split(['.', 'r', 'b']);
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().unwrap_or("0").parse().ok()?;
    Some((major, minor))
}

// ---------------------------------------------------------------- go.mod

struct Require {
    path: String,
    version: String,
    indirect: bool,
    line: usize,
}

struct Replace {
    old: String,
    old_version: Option<String>,
    new: String,
    new_version: Option<String>,
    line: usize,
}

struct ModFile {
    module: String,
    module_line: usize,
    go: Option<String>,
    requires: Vec<Require>,
    replaces: Vec<Replace>,
    warnings: Vec<String>,
}

/// One line of a go.mod: its tokens and its trailing `//` comment.
struct Tokens {
    words: Vec<String>,
    comment: Option<String>,
}

/// Splits a go.mod line as Go's modfile lexer does: punctuation, quoted
/// strings (`"…"` with escapes, `` `…` `` raw) and words, up to a `//` comment.
fn tokenize(line: &str) -> Result<Tokens, InputError> {
    let mut words = Vec::new();
    let mut chars = line.char_indices().peekable();
    while let Some(&(i, ch)) = chars.peek() {
        if ch.is_whitespace() {
            chars.next();
            continue;
        }
        if line[i..].starts_with("//") {
            return Ok(Tokens {
                words,
                comment: Some(line[i + 2..].trim().to_string()),
            });
        }
        match ch {
            '(' | ')' | '[' | ']' | '{' | '}' | ',' => {
                words.push(ch.to_string());
                chars.next();
            }
            '"' | '`' => {
                chars.next();
                let mut s = String::new();
                let mut closed = false;
                while let Some((_, c)) = chars.next() {
                    if c == ch {
                        closed = true;
                        break;
                    }
                    if c == '\\' && ch == '"' {
                        match chars.next() {
                            Some((_, 'n')) => s.push('\n'),
                            Some((_, 't')) => s.push('\t'),
                            Some((_, e)) => s.push(e),
                            None => break,
                        }
                    } else {
                        s.push(c);
                    }
                }
                if !closed {
                    return Err(InputError::new("unterminated quoted string"));
                }
                words.push(s);
            }
            _ => {
                let start = i;
                let mut end = line.len();
                while let Some(&(j, c)) = chars.peek() {
                    if c.is_whitespace()
                        || matches!(c, '(' | ')' | '[' | ']' | '{' | '}' | ',' | '"' | '`')
                        || line[j..].starts_with("//")
                    {
                        end = j;
                        break;
                    }
                    chars.next();
                }
                words.push(line[start..end].to_string());
            }
        }
    }
    Ok(Tokens {
        words,
        comment: None,
    })
}

fn is_indirect(comment: Option<&str>) -> bool {
    comment.is_some_and(|c| c == "indirect" || c.starts_with("indirect;"))
}

/// Reads the directives of a go.mod. A missing `module` line or an unclosed
/// block fails; a malformed line is skipped with a warning.
fn read_mod(text: &str) -> Result<ModFile, InputError> {
    let mut m = ModFile {
        module: String::new(),
        module_line: 0,
        go: None,
        requires: Vec::new(),
        replaces: Vec::new(),
        warnings: Vec::new(),
    };
    let mut block: Option<(String, usize)> = None;
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let t = match tokenize(line) {
            Ok(t) => t,
            Err(e) => {
                let e = e.with_position(Position::line(n));
                m.warnings.push(format!("{e}; line skipped"));
                continue;
            }
        };
        let mut words: Vec<&str> = t.words.iter().map(String::as_str).collect();
        if words.is_empty() {
            continue;
        }
        let verb = match &block {
            Some((verb, _)) => {
                if words == [")"] {
                    block = None;
                    continue;
                }
                verb.clone()
            }
            None => {
                let verb = words.remove(0).to_string();
                match words.as_slice() {
                    ["("] => {
                        block = Some((verb, n));
                        continue;
                    }
                    ["(", ")"] => continue,
                    _ => verb,
                }
            }
        };
        directive(&mut m, &verb, &words, t.comment.as_deref(), n);
    }
    if let Some((verb, line)) = block {
        return Err(InputError::at(
            format!("the `{verb} (` block is not closed with `)`"),
            Position::line_col(line, 1),
        ));
    }
    if m.module.is_empty() {
        return Err(InputError::new(
            "no `module` directive: a go.mod names its module first",
        ));
    }
    Ok(m)
}

fn directive(m: &mut ModFile, verb: &str, words: &[&str], comment: Option<&str>, n: usize) {
    let bad = |m: &mut ModFile, what: &str| {
        m.warnings
            .push(format!("line {n}: malformed {verb} ({what}); line skipped"));
    };
    match verb {
        "module" => match words {
            [path] if !path.is_empty() => {
                m.module = path.to_string();
                m.module_line = n;
            }
            _ => bad(m, "expected `module PATH`"),
        },
        "go" => match words {
            [v] => m.go = Some(v.to_string()),
            _ => bad(m, "expected `go VERSION`"),
        },
        "require" => match words {
            [path, version] if !path.is_empty() && !version.is_empty() => {
                m.requires.push(Require {
                    path: path.to_string(),
                    version: version.to_string(),
                    indirect: is_indirect(comment),
                    line: n,
                })
            }
            _ => bad(m, "expected `require PATH VERSION`"),
        },
        "replace" => {
            let Some(arrow) = words.iter().position(|w| *w == "=>") else {
                return bad(m, "no `=>`");
            };
            let (old, new) = (&words[..arrow], &words[arrow + 1..]);
            match (old, new) {
                ([o, ov @ ..], [nw, nv @ ..]) if ov.len() <= 1 && nv.len() <= 1 => {
                    m.replaces.push(Replace {
                        old: o.to_string(),
                        old_version: ov.first().map(|v| v.to_string()),
                        new: nw.to_string(),
                        new_version: nv.first().map(|v| v.to_string()),
                        line: n,
                    })
                }
                _ => bad(m, "expected `replace PATH [VERSION] => PATH [VERSION]`"),
            }
        }
        "exclude" | "retract" | "toolchain" | "godebug" | "tool" | "ignore" => {}
        other => m
            .warnings
            .push(format!("line {n}: unknown directive {other:?} ignored")),
    }
}

// ---------------------------------------------------------------- go.sum

/// One module version of a go.sum, with the hash of its zip when listed.
struct SumEntry {
    path: String,
    version: String,
    zip_hash: Option<String>,
    line: usize,
}

/// Reads go.sum lines `MODULE VERSION[/go.mod] h1:BASE64` into distinct
/// module versions, in order of first appearance. `label` prefixes the
/// line numbers in warnings when the file is not the input itself.
fn read_sum(text: &str, label: &str, warnings: &mut Vec<String>) -> Vec<SumEntry> {
    let mut out: Vec<SumEntry> = Vec::new();
    let mut index: HashMap<(String, String), usize> = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.is_empty() {
            continue;
        }
        let [path, version, hash] = words[..] else {
            warnings.push(format!(
                "{label}line {n}: expected `MODULE VERSION HASH`; line skipped"
            ));
            continue;
        };
        let (version, go_mod) = match version.strip_suffix("/go.mod") {
            Some(v) => (v, true),
            None => (version, false),
        };
        let value = match hash.strip_prefix("h1:") {
            Some(b64) if valid_h1(b64) => b64,
            Some(_) => {
                warnings.push(format!(
                    "{label}line {n}: h1 hash is not base64 of 32 bytes; ignored"
                ));
                ""
            }
            None => {
                warnings.push(format!(
                    "{label}line {n}: hash of an unknown kind (not h1:); ignored"
                ));
                ""
            }
        };
        let key = (path.to_string(), version.to_string());
        let at = *index.entry(key).or_insert_with(|| {
            out.push(SumEntry {
                path: path.to_string(),
                version: version.to_string(),
                zip_hash: None,
                line: n,
            });
            out.len() - 1
        });
        if !go_mod && !value.is_empty() {
            out[at].zip_hash.get_or_insert_with(|| value.to_string());
        }
    }
    out
}

fn valid_h1(b64: &str) -> bool {
    base64::engine::general_purpose::STANDARD
        .decode(b64)
        .is_ok_and(|b| b.len() == 32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::IngestOptions;
    use std::path::Path;

    const GO_MOD: &str = r#"// A module.
module github.com/Acme/app

go 1.22.1

toolchain go1.22.3

require github.com/spf13/cobra v1.8.0

require (
	github.com/CycloneDX/cyclonedx-go v0.11.0
	github.com/bradleyjkemp/cupaloy/v2 v2.8.0
	"gopkg.in/yaml.v3" v3.0.1 // indirect
	github.com/dgryski/go-minhash v0.0.0-20190315135803-ad340ca03076 // indirect; used by x
	example.com/old v1.0.0
	example.com/forked v1.2.0
	golang.org/x/text v0.14.0 // indirectly
)

replace example.com/old => ../old

replace (
	example.com/forked v1.2.0 => github.com/Acme/forked v1.2.1-acme
	example.com/unused => example.com/other v1.0.0
)

exclude example.com/bad v1.0.0
retract [v0.1.0, v0.1.5]
"#;

    const GO_SUM: &str = "github.com/spf13/cobra v1.8.0 h1:7aJaZx1B85qltLMc546zn58BxxfZdR/W22ej9CFoEf0=\ngithub.com/spf13/cobra v1.8.0/go.mod h1:WXLWApfZ71AjXPya3WOlMsY9yMs7YeiHhFVlvLyhcho=\ngithub.com/Acme/forked v1.2.1-acme h1:AGCNq9Evsj31mOgNPcLyXc+4PNABt905YmuqPYYpBWk=\nexample.com/old v1.0.0 h1:GokP8FiRC+foiuwWhSSLpSD5H4hSWtGnR3wo7apkBFI=\ngithub.com/Microsoft/go-winio v0.5.2/go.mod h1:WpS1mjBmmwHBEWmogvA2mj8546UReBk4v8QkMxJ6pZY=\n";

    fn input<'a>(path: &'a Path, text: &'a str, options: &'a IngestOptions) -> Input<'a> {
        Input {
            path,
            bytes: text.as_bytes(),
            options,
        }
    }

    #[test]
    fn purl_of_a_module_path() {
        let c = go_component("github.com/spf13/cobra", Some("v1.8.0"));
        assert_eq!(
            c.purl.as_deref(),
            Some("pkg:golang/github.com/spf13/cobra@v1.8.0")
        );
        assert_eq!(c.namespace.as_deref(), Some("github.com/spf13"));
        assert_eq!(c.name, "cobra");
        let c = go_component("github.com/CycloneDX/cyclonedx-go", Some("v0.11.0"));
        assert_eq!(
            c.purl.as_deref(),
            Some("pkg:golang/github.com/cyclonedx/cyclonedx-go@v0.11.0"),
            "the purl lower-cases the namespace"
        );
        assert_eq!(
            c.namespace.as_deref(),
            Some("github.com/CycloneDX"),
            "the component keeps it"
        );
        let c = go_component("github.com/x/y", Some("v2.0.0+incompatible"));
        assert_eq!(
            c.purl.as_deref(),
            Some("pkg:golang/github.com/x/y@v2.0.0%2Bincompatible")
        );
        let c = go_component("example", None);
        assert_eq!(c.purl.as_deref(), Some("pkg:golang/example"));
    }

    #[test]
    fn go_mod_with_sum_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("go.sum"), GO_SUM).unwrap();
        let path = dir.path().join("go.mod");
        let opts = IngestOptions::default();
        let d = parse_go_mod(&input(&path, GO_MOD, &opts)).unwrap();
        assert_eq!(d.spec_version.as_deref(), Some("1.22.1"));
        assert_eq!(d.components.len(), 9);
        let root = &d.components[0];
        assert_eq!(root.bom_ref.as_deref(), Some("github.com/Acme/app"));
        assert_eq!(root.purl.as_deref(), Some("pkg:golang/github.com/acme/app"));
        assert_eq!(root.locations[0].pointer, "line 2");
        assert_eq!(d.roots, vec!["github.com/Acme/app".to_string()]);
        assert_eq!(d.meta.primary.as_deref(), Some("github.com/Acme/app"));
        assert_eq!(d.meta.subject_name.as_deref(), Some("github.com/Acme/app"));
        assert!(d.meta.has_dependency_graph);

        let cobra = &d.components[1];
        assert_eq!(
            cobra.bom_ref.as_deref(),
            Some("github.com/spf13/cobra@v1.8.0")
        );
        assert_eq!(cobra.locations[0].pointer, "line 8");
        assert_eq!(cobra.hashes.len(), 1, "the zip hash, not the /go.mod one");
        assert_eq!(cobra.hashes[0].alg, HashAlg::Other("GO-H1".into()));
        assert_eq!(
            cobra.hashes[0].value,
            "7aJaZx1B85qltLMc546zn58BxxfZdR/W22ej9CFoEf0="
        );
        assert!(matches!(cobra.source, SourceKind::Registry { url: None }));
        assert!(d.components[2].hashes.is_empty(), "not in go.sum");
        assert_eq!(d.components[4].name, "yaml.v3");
        assert_eq!(
            d.components[5].version.as_deref(),
            Some("v0.0.0-20190315135803-ad340ca03076")
        );

        let old = &d.components[6];
        assert_eq!(old.name, "old");
        assert_eq!(old.version, None, "a local directory has no version");
        assert!(matches!(&old.source, SourceKind::Path { path } if path == "../old"));
        assert!(old.hashes.is_empty());
        let forked = &d.components[7];
        assert_eq!(
            forked.purl.as_deref(),
            Some("pkg:golang/github.com/acme/forked@v1.2.1-acme")
        );
        assert_eq!(forked.bom_ref.as_deref(), Some("example.com/forked@v1.2.0"));
        assert_eq!(forked.hashes.len(), 1, "the replacement's hash");
        assert_eq!(
            d.components[8].name, "text",
            "`// indirectly` is not the marker"
        );

        let direct: Vec<&str> = d.edges.iter().map(|(_, t)| t.as_str()).collect();
        assert_eq!(
            direct,
            [
                "github.com/spf13/cobra@v1.8.0",
                "github.com/CycloneDX/cyclonedx-go@v0.11.0",
                "github.com/bradleyjkemp/cupaloy/v2@v2.8.0",
                "example.com/old@v1.0.0",
                "example.com/forked@v1.2.0",
                "golang.org/x/text@v0.14.0",
            ]
        );
        assert!(d.edges.iter().all(|(f, _)| f == "github.com/Acme/app"));
        let w = d.warnings.join("\n");
        assert_eq!(d.warnings.len(), 3, "{w}");
        assert!(w.contains("line 16: example.com/forked v1.2.0 is replaced by github.com/Acme/forked v1.2.1-acme (line 23)"), "{w}");
        assert!(
            w.contains(
                "line 15: example.com/old is replaced by the local directory ../old (line 20)"
            ),
            "{w}"
        );
        assert!(w.contains("2 requirement(s) marked // indirect"), "{w}");
    }

    #[test]
    fn go_mod_without_sum_or_path() {
        let opts = IngestOptions::default();
        let d = parse_go_mod(&input(
            Path::new(""),
            "module m\n\ngo 1.16\nrequire a.example/b v1.0.0\n",
            &opts,
        ))
        .unwrap();
        assert_eq!(d.components.len(), 2);
        let w = d.warnings.join("\n");
        assert!(w.contains("declares go 1.16"), "{w}");
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("go.mod");
        let d = parse_go_mod(&input(&path, "module m\n", &opts)).unwrap();
        let w = d.warnings.join("\n");
        assert!(w.contains("no go.sum beside go.mod"), "{w}");
        assert!(w.contains("has no go directive"), "{w}");
    }

    #[test]
    fn go_mod_errors_and_malformed_lines() {
        let opts = IngestOptions::default();
        let e = parse_go_mod(&input(Path::new(""), "go 1.21\nrequire a v1\n", &opts)).unwrap_err();
        assert!(e.message.contains("no `module` directive"), "{e}");
        let e = parse_go_mod(&input(
            Path::new(""),
            "module m\nrequire (\n  a v1\n",
            &opts,
        ))
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 2, column 1: the `require (` block is not closed with `)`"
        );
        let d = parse_go_mod(&input(
            Path::new(""),
            "module m\ngo 1.21\nrequire a\nrequire \"unterminated v1\nfrobnicate x\nreplace a b\nrequire ()\nrequire a.example/x v1.0.0\n",
            &opts,
        ))
        .unwrap();
        assert_eq!(d.components.len(), 2);
        let w = d.warnings.join("\n");
        assert!(w.contains("line 3: malformed require"), "{w}");
        assert!(w.contains("line 4: unterminated quoted string"), "{w}");
        assert!(
            w.contains("line 5: unknown directive \"frobnicate\""),
            "{w}"
        );
        assert!(w.contains("line 6: malformed replace (no `=>`)"), "{w}");
    }

    #[test]
    fn tokens() {
        let t = tokenize("require(\"a b\" `c` d// x").unwrap();
        assert_eq!(t.words, ["require", "(", "a b", "c", "d"]);
        assert_eq!(t.comment.as_deref(), Some("x"));
        assert_eq!(go_version("1.21.3"), Some((1, 21)));
        assert_eq!(go_version("1.21rc1"), Some((1, 21)));
        assert_eq!(go_version("1"), Some((1, 0)));
        assert_eq!(go_version("x"), None);
    }

    #[test]
    fn go_sum_alone() {
        let opts = IngestOptions::default();
        let text = format!("{GO_SUM}bad line\nm v1 h1:short\nm v2 h9:xyz\n");
        let d = parse_go_sum(&input(Path::new("go.sum"), &text, &opts)).unwrap();
        assert_eq!(d.components.len(), 6);
        let cobra = &d.components[0];
        assert_eq!(cobra.hashes.len(), 1);
        assert_eq!(cobra.scope, Scope::Required);
        assert_eq!(cobra.locations[0].pointer, "line 1");
        let winio = &d.components[3];
        assert_eq!(winio.name, "go-winio");
        assert_eq!(winio.version.as_deref(), Some("v0.5.2"));
        assert_eq!(winio.scope, Scope::Excluded);
        assert!(winio.hashes.is_empty());
        assert!(!d.meta.has_dependency_graph);
        let w = d.warnings.join("\n");
        assert!(w.contains("line 6: expected `MODULE VERSION HASH`"), "{w}");
        assert!(w.contains("line 7: h1 hash is not base64"), "{w}");
        assert!(w.contains("line 8: hash of an unknown kind"), "{w}");
        assert!(
            w.contains("3 module version(s) have only a /go.mod checksum"),
            "{w}"
        );
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_go_mod_never_panics(s in "\\PC*") {
            let opts = IngestOptions::default();
            let _ = parse_go_mod(&input(Path::new(""), &s, &opts));
            let _ = parse_go_sum(&input(Path::new(""), &s, &opts));
        }

        #[test]
        fn go_mod_like_text_never_panics(s in "(module m\n)?((require|replace|go|\\(|\\)|=>|\"|`|//| |v1|a/b|\n){0,12}\n){0,6}") {
            let opts = IngestOptions::default();
            let _ = parse_go_mod(&input(Path::new(""), &s, &opts));
        }
    }

    #[test]
    fn corpus_pair() {
        let (gomod, m) = crate::ingest::test_corpus::file("lockfiles/go/cyclonedx-gomod/go.mod");
        let (_, s) = crate::ingest::test_corpus::file("lockfiles/go/cyclonedx-gomod/go.sum");
        let dir = gomod.parent().unwrap();
        let opts = IngestOptions::default();
        let path = dir.join("go.mod");
        let d = parse_go_mod(&Input {
            path: &path,
            bytes: &m,
            options: &opts,
        })
        .unwrap();
        assert_eq!(d.components.len(), 51, "50 requirements and the module");
        assert_eq!(d.edges.len(), 12, "12 direct requirements");
        assert_eq!(d.spec_version.as_deref(), Some("1.26.0"));
        assert!(d.components[1..].iter().all(|c| c.hashes.len() == 1));
        assert_eq!(d.warnings.len(), 1, "{:?}", d.warnings);
        assert!(d.warnings[0].starts_with("38 requirement(s)"));
        let path = dir.join("go.sum");
        let d = parse_go_sum(&Input {
            path: &path,
            bytes: &s,
            options: &opts,
        })
        .unwrap();
        assert_eq!(d.components.len(), 112);
        assert!(
            d.warnings
                .iter()
                .all(|w| w.contains("only a /go.mod checksum")),
            "{:?}",
            d.warnings
        );
    }
}
