//! Python package managers' files: pip's requirements format, `poetry.lock`,
//! `uv.lock` and `Pipfile.lock`. One file per format under `python/`; what
//! they share (PyPI identities, hashes written as `alg:hex`, wheel and sdist
//! file names, TOML with positions) lives here.

mod pipfile;
mod poetry;
pub(crate) mod requirements;
mod uv;

use serde::de::DeserializeOwned;

use crate::ingest::{Input, ParsedDoc};
use crate::model::encode::percent_decode;
pub(super) use crate::model::pep503;
use crate::model::{BuildCode, Component, Ecosystem, HashAlg};
use crate::model::{InputError, Position};

pub fn parse_requirements(input: &Input) -> Result<ParsedDoc, InputError> {
    requirements::parse(input)
}

pub fn parse_poetry(input: &Input) -> Result<ParsedDoc, InputError> {
    poetry::parse(input)
}

pub fn parse_uv(input: &Input) -> Result<ParsedDoc, InputError> {
    uv::parse(input)
}

pub fn parse_pipfile(input: &Input) -> Result<ParsedDoc, InputError> {
    pipfile::parse(input)
}

/// A PyPI package: the name normalised as PEP 503 does, and `pkg:pypi/NAME@VERSION`.
/// A name the purl rules reject (empty, say) leaves the purl unset.
fn pypi(name: &str, version: Option<&str>) -> Component {
    let name = pep503(name.trim());
    let mut c = Component::named(name.clone());
    c.ecosystem = Ecosystem::Pypi;
    c.version = version
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_string);
    if let Ok(mut p) = packageurl::PackageUrl::new("pypi", name.as_str()) {
        if let Some(v) = &c.version {
            let _ = p.with_version(v.as_str());
        }
        let _ = c.set_purl(&p.to_string());
    }
    c
}

/// The local reference of a locked package: `name@version` (PEP 503 name).
fn lock_ref(name: &str, version: Option<&str>) -> String {
    match version {
        Some(v) => format!("{}@{v}", pep503(name)),
        None => pep503(name),
    }
}

/// Adds a hash written `alg:hex` (pip `--hash`, Poetry, uv, Pipenv). Returns
/// false, adding nothing, for an unknown algorithm or a value that is not hex.
fn add_prefixed_hash(c: &mut Component, text: &str) -> bool {
    let Some((alg, value)) = text.trim().split_once(':') else {
        return false;
    };
    let value = value.trim();
    if matches!(HashAlg::parse(alg), HashAlg::Other(_))
        || value.is_empty()
        || !value.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return false;
    }
    c.add_hash(alg, value);
    true
}

/// What a distribution file is, from its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dist {
    Wheel,
    Sdist,
    Other,
}

const SDIST_SUFFIXES: &[&str] = &[".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".tar", ".zip"];

fn dist_kind(file: &str) -> Dist {
    let lower = file.to_ascii_lowercase();
    if lower.ends_with(".whl") {
        Dist::Wheel
    } else if SDIST_SUFFIXES.iter().any(|s| lower.ends_with(s)) {
        Dist::Sdist
    } else {
        Dist::Other
    }
}

/// Project name and version from a wheel (`name-1.0-py3-none-any.whl`) or
/// sdist (`name-1.0.tar.gz`) file name.
fn dist_name_version(file: &str) -> Option<(String, String)> {
    let lower = file.to_ascii_lowercase();
    let (name, version) = match dist_kind(file) {
        Dist::Wheel => {
            let stem = &file[..file.len() - 4];
            let parts: Vec<&str> = stem.split('-').collect();
            if parts.len() < 5 {
                return None;
            }
            (parts[0], parts[1])
        }
        Dist::Sdist => {
            let suffix = SDIST_SUFFIXES.iter().find(|s| lower.ends_with(*s))?;
            let stem = &file[..file.len() - suffix.len()];
            // The version starts after the last `-` followed by a digit.
            let at = stem
                .char_indices()
                .filter(|&(i, ch)| {
                    ch == '-' && stem[i + 1..].starts_with(|c: char| c.is_ascii_digit())
                })
                .map(|(i, _)| i)
                .next_back()?;
            (&stem[..at], &stem[at + 1..])
        }
        Dist::Other => return None,
    };
    (!name.is_empty() && !version.is_empty()).then(|| (name.to_string(), version.to_string()))
}

/// The last path segment of a URL or path, percent-decoded, without query or fragment.
fn file_name_of(url: &str) -> &str {
    let base = url.split(['#', '?']).next().unwrap_or(url);
    base.trim_end_matches(['/', '\\'])
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(base)
}

/// What a package runs when installed, from its distribution files: a
/// release with only source distributions is built (its `setup.py` or build
/// backend runs) on install. `None` when no file is known.
fn build_code_of<'a>(files: impl IntoIterator<Item = &'a str>) -> Option<Vec<BuildCode>> {
    let (mut wheel, mut sdist) = (false, false);
    for f in files {
        match dist_kind(file_name_of(f)) {
            Dist::Wheel => wheel = true,
            Dist::Sdist => sdist = true,
            Dist::Other => {}
        }
    }
    if wheel {
        Some(vec![])
    } else if sdist {
        Some(vec![BuildCode::SourceDistribution])
    } else {
        None
    }
}

/// Byte offset to line number, for files with many entries.
struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    fn new(text: &[u8]) -> Lines {
        let mut starts = vec![0];
        starts.extend(
            text.iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Lines { starts }
    }

    /// 1-based line of a byte offset.
    fn line(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset)
    }

    fn pointer(&self, offset: usize) -> String {
        format!("line {}", self.line(offset))
    }
}

/// Parses TOML into `T`. Syntax errors and a wrong top-level structure fail
/// with the line and column where they were found, on one line.
fn parse_toml<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, InputError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        InputError::at(
            "invalid UTF-8: a TOML file must be UTF-8 text",
            Position::at_offset(bytes, e.valid_up_to()),
        )
    })?;
    toml::from_str(text).map_err(|e| {
        let msg = e
            .message()
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join("; ");
        let structural = [
            "invalid type",
            "missing field",
            "invalid value",
            "unknown variant",
        ]
        .iter()
        .any(|p| msg.starts_with(p));
        let msg = if structural {
            format!("unexpected structure: {msg}")
        } else {
            format!("invalid TOML: {msg}")
        };
        match e.span() {
            Some(span) => InputError::at(msg, Position::at_offset(bytes, span.start)),
            None => InputError::new(msg),
        }
    })
}

/// Small accessors for `toml::Value`s read tolerantly.
/// One `[[package]]` table of a Poetry or uv lock that has a name, and its
/// component: the PyPI identity, referenced as `name@version`.
struct NamedPackage<'a> {
    pointer: String,
    table: &'a toml::Table,
    component: Component,
}

/// The `[[package]]` tables with a name, with where each was read; an entry
/// that is not a table or has no name is skipped with a warning.
fn named_packages<'a>(
    packages: &'a [toml::Spanned<toml::Value>],
    lines: &Lines,
    warnings: &mut Vec<String>,
) -> Vec<NamedPackage<'a>> {
    let mut out = Vec::with_capacity(packages.len());
    for p in packages {
        let pointer = lines.pointer(p.span().start);
        let Some(table) = p.get_ref().as_table() else {
            warnings.push(format!(
                "{pointer}: expected a [[package]] table, found {}; skipped",
                toml_kind(p.get_ref())
            ));
            continue;
        };
        let Some(name) = str_of(table, "name").filter(|n| !n.trim().is_empty()) else {
            warnings.push(format!("{pointer}: package without a name; skipped"));
            continue;
        };
        let version = str_of(table, "version");
        let mut component = pypi(name, version);
        component.bom_ref = Some(lock_ref(name, version));
        out.push(NamedPackage {
            pointer,
            table,
            component,
        });
    }
    out
}

fn str_of<'a>(t: &'a toml::Table, key: &str) -> Option<&'a str> {
    t.get(key).and_then(toml::Value::as_str)
}

fn toml_kind(v: &toml::Value) -> &'static str {
    match v {
        toml::Value::String(_) => "a string",
        toml::Value::Integer(_) => "an integer",
        toml::Value::Float(_) => "a float",
        toml::Value::Boolean(_) => "a boolean",
        toml::Value::Datetime(_) => "a date",
        toml::Value::Array(_) => "an array",
        toml::Value::Table(_) => "a table",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pypi_identity() {
        let c = pypi("Foo.Bar__baz", Some("1.0+cpu"));
        assert_eq!(c.name, "foo-bar-baz");
        assert_eq!(c.ecosystem, Ecosystem::Pypi);
        assert_eq!(c.purl.as_deref(), Some("pkg:pypi/foo-bar-baz@1.0%2Bcpu"));
        assert_eq!(c.version.as_deref(), Some("1.0+cpu"));
        let c = pypi("requests", None);
        assert_eq!(c.purl.as_deref(), Some("pkg:pypi/requests"));
        assert_eq!(c.version, None);
        assert_eq!(pypi("", None).purl, None);
    }

    #[test]
    fn prefixed_hashes() {
        let mut c = Component::named("a");
        assert!(add_prefixed_hash(&mut c, "sha256:ABCD"));
        assert!(add_prefixed_hash(
            &mut c,
            "md5:9854316552d41419b678d39af443a75f"
        ));
        assert!(!add_prefixed_hash(&mut c, "foo:something-invalid"));
        assert!(!add_prefixed_hash(&mut c, "sha256:not-hex"));
        assert!(!add_prefixed_hash(&mut c, "deadbeef"));
        assert_eq!(c.hashes.len(), 2);
        assert_eq!(c.hashes[0].alg, HashAlg::Sha256);
        assert_eq!(c.hashes[0].value, "abcd");
    }

    #[test]
    fn distribution_file_names() {
        assert_eq!(
            dist_name_version("wxPython_Phoenix-3.0.3.dev1820+49a8884-cp34-none-win_amd64.whl"),
            Some(("wxPython_Phoenix".into(), "3.0.3.dev1820+49a8884".into()))
        );
        assert_eq!(
            dist_name_version("python-dateutil-2.8.2.tar.gz"),
            Some(("python-dateutil".into(), "2.8.2".into()))
        );
        assert_eq!(
            dist_name_version("numpy-1.26.1.zip"),
            Some(("numpy".into(), "1.26.1".into()))
        );
        assert_eq!(dist_name_version("0.4.6.tar.gz"), None);
        assert_eq!(dist_name_version("a-1.0-py3.whl"), None);
        assert_eq!(dist_name_version("README"), None);
        assert_eq!(
            file_name_of("https://h.example/p/a-1.0.tar.gz#sha256=00"),
            "a-1.0.tar.gz"
        );
        assert_eq!(file_name_of("../lib/"), "lib");
        assert_eq!(
            percent_decode("a-1.0%2Bcpu-py3-none-any.whl"),
            "a-1.0+cpu-py3-none-any.whl"
        );
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }

    #[test]
    fn build_code_from_files() {
        assert_eq!(
            build_code_of(["a-1.0.tar.gz"]),
            Some(vec![BuildCode::SourceDistribution])
        );
        assert_eq!(
            build_code_of(["a-1.0.zip"]),
            Some(vec![BuildCode::SourceDistribution])
        );
        assert_eq!(
            build_code_of(["a-1.0.tar.gz", "a-1.0-py3-none-any.whl"]),
            Some(vec![])
        );
        assert_eq!(build_code_of([]), None);
        assert_eq!(build_code_of(["a-1.0.egg"]), None);
    }

    #[test]
    fn line_index() {
        let l = Lines::new(b"a\nbc\n\nd");
        assert_eq!(l.line(0), 1);
        assert_eq!(l.line(2), 2);
        assert_eq!(l.line(5), 3);
        assert_eq!(l.line(6), 4);
        assert_eq!(l.pointer(100), "line 4");
    }

    fn all_readers(bytes: &[u8]) {
        let options = crate::ingest::IngestOptions::default();
        let input = Input {
            path: std::path::Path::new(""),
            bytes,
            options: &options,
        };
        let _ = parse_requirements(&input);
        let _ = parse_poetry(&input);
        let _ = parse_uv(&input);
        let _ = parse_pipfile(&input);
    }

    const SAMPLE_UV: &str = "version = 1\n[[package]]\nname = \"a\"\nversion = \"1\"\nsource = { git = \"https://g.example/a?rev=x#0\" }\ndependencies = [{ name = \"b\", version = \"2\" }]\n[package.optional-dependencies]\nx = [{ name = \"a\" }]\n[[package]]\nname = \"b\"\nversion = \"2\"\nsource = { virtual = \".\" }\nsdist = { url = \"b-2.tar.gz\", hash = \"sha256:00\" }\n";

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..300)) {
            all_readers(&bytes);
        }

        #[test]
        fn truncated_locks_never_panic(cut in 0usize..SAMPLE_UV.len()) {
            all_readers(&SAMPLE_UV.as_bytes()[..cut]);
        }
    }

    #[test]
    fn toml_errors_have_a_position() {
        let e = parse_toml::<toml::Table>(b"a = 1\nb = [\n").unwrap_err();
        assert!(e.to_string().starts_with("line 2, column"), "{e}");
        assert!(e.message.starts_with("invalid TOML"), "{e}");
        assert!(!e.to_string().contains('\n'), "{e}");
        let e = parse_toml::<toml::Table>(b"a = \xff").unwrap_err();
        assert!(e.message.contains("UTF-8"), "{e}");
    }
}
