//! Debian `Packages` and `Sources` indexes, read as a stream of stanzas:
//! only the paragraphs of wanted packages are kept, so memory follows the
//! packages in use, not the index (a suite's Packages is about 50 MB).

use std::io::{BufRead, Read};

use crate::model::SourcePackage;
use crate::model::{InputError, Position};

/// Longest line accepted; a longer one is an error, not an allocation.
const MAX_LINE: u64 = 1 << 20;

/// Most bytes one decompressed index may have (bookworm main amd64 is 50 MB).
pub const MAX_INDEX_BYTES: u64 = 1 << 30;

/// A binary package's stanza in a `Packages` index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BinaryStanza {
    pub name: String,
    pub version: String,
    pub architecture: Option<String>,
    /// `Source:`, or the package's own name and version when absent.
    pub source: SourcePackage,
    pub maintainer: Option<String>,
    pub homepage: Option<String>,
    pub sha256: Option<String>,
}

/// A source package's stanza in a `Sources` index.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceStanza {
    pub name: String,
    pub version: String,
    pub maintainer: Option<String>,
    pub uploaders: Vec<String>,
    pub homepage: Option<String>,
    /// `Vcs-Git`, `Vcs-Browser` and the like, as `Vcs-Git: URL`.
    pub vcs: Vec<String>,
}

/// A decompressing reader for an index named `path` (`….xz`, `….gz`, plain),
/// bounded to [`MAX_INDEX_BYTES`].
pub fn decompress<'a>(path: &str, bytes: &'a [u8]) -> Box<dyn Read + Send + 'a> {
    decompress_capped(path, bytes, MAX_INDEX_BYTES)
}

/// [`decompress`] with another cap (RPM metadata is larger).
pub fn decompress_capped<'a>(path: &str, bytes: &'a [u8], cap: u64) -> Box<dyn Read + Send + 'a> {
    let inner: Box<dyn Read + Send + 'a> = if path.ends_with(".xz") {
        crate::model::xz::reader(bytes)
    } else if path.ends_with(".gz") {
        Box::new(flate2::read::MultiGzDecoder::new(bytes))
    } else {
        Box::new(bytes)
    };
    Box::new(inner.take(cap + 1))
}

/// Calls `each` with the fields (lower-case names) of every paragraph whose
/// `Package` is `wanted`; continuation lines are joined with `\n`.
fn paragraphs(
    reader: impl Read,
    file: &str,
    wanted: &dyn Fn(&str) -> bool,
    keep: &[&str],
    mut each: impl FnMut(Vec<(String, String)>),
) -> Result<(), InputError> {
    let mut reader = std::io::BufReader::with_capacity(256 * 1024, reader);
    let mut line = Vec::new();
    let mut n = 0usize;
    let mut total = 0u64;
    let mut fields: Vec<(String, String)> = Vec::new();
    // None: between paragraphs; Some(false): skipping an unwanted one.
    let mut keeping: Option<bool> = None;
    let mut current_kept = false;
    loop {
        line.clear();
        let read = (&mut reader)
            .take(MAX_LINE + 1)
            .read_until(b'\n', &mut line)
            .map_err(|e| {
                InputError::in_file(
                    file,
                    Some(Position::line(n + 1)),
                    format!("cannot decompress: {e}"),
                )
            })?;
        n += 1;
        total += read as u64;
        if total > MAX_INDEX_BYTES {
            return Err(InputError::in_file(
                file,
                None,
                format!("larger than {MAX_INDEX_BYTES} bytes decompressed"),
            ));
        }
        if read as u64 > MAX_LINE {
            return Err(InputError::in_file(
                file,
                Some(Position::line(n)),
                format!("longer than {MAX_LINE} bytes"),
            ));
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\n', '\r']);
        if text.trim().is_empty() {
            if keeping == Some(true) && !fields.is_empty() {
                each(std::mem::take(&mut fields));
            }
            fields.clear();
            keeping = None;
            if read == 0 {
                return Ok(());
            }
            continue;
        }
        if keeping == Some(false) {
            continue;
        }
        if text.starts_with([' ', '\t']) {
            if current_kept && let Some((_, value)) = fields.last_mut() {
                value.push('\n');
                value.push_str(text.trim());
            }
            continue;
        }
        let Some((key, value)) = text.split_once(':') else {
            return Err(InputError::in_file(
                file,
                Some(Position::line(n)),
                "expected `Field: value`",
            ));
        };
        let key = key.trim().to_ascii_lowercase();
        let value = value.trim();
        if keeping.is_none() && key == "package" {
            // dpkg writes Package first; an index that does not is still read.
            keeping = Some(wanted(value));
            if keeping == Some(false) {
                fields.clear();
                continue;
            }
        }
        current_kept = keep.contains(&key.as_str()) || key.starts_with("vcs-");
        if current_kept {
            fields.push((key, value.to_string()));
        }
    }
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// `name` or `name (version)` of a `Source:` field.
pub fn source_field(value: &str) -> SourcePackage {
    match value.split_once('(') {
        Some((name, version)) => SourcePackage {
            name: name.trim().to_string(),
            version: Some(version.trim_end_matches(')').trim().to_string()),
        },
        None => SourcePackage {
            name: value.trim().to_string(),
            version: None,
        },
    }
}

/// The wanted binary packages of a `Packages` index.
pub fn read_packages(
    reader: impl Read,
    file: &str,
    wanted: &dyn Fn(&str) -> bool,
) -> Result<Vec<BinaryStanza>, InputError> {
    let mut out = Vec::new();
    let keep = [
        "package",
        "version",
        "architecture",
        "source",
        "maintainer",
        "homepage",
        "sha256",
    ];
    paragraphs(reader, file, wanted, &keep, |f| {
        let (Some(name), Some(version)) = (field(&f, "package"), field(&f, "version")) else {
            return;
        };
        let mut source = field(&f, "source").map(source_field).unwrap_or_default();
        if source.name.is_empty() {
            source.name = name.to_string();
        }
        if source.version.is_none() {
            source.version = Some(version.to_string());
        }
        out.push(BinaryStanza {
            name: name.to_string(),
            version: version.to_string(),
            architecture: field(&f, "architecture").map(str::to_string),
            source,
            maintainer: field(&f, "maintainer").map(str::to_string),
            homepage: field(&f, "homepage").map(str::to_string),
            sha256: field(&f, "sha256").map(str::to_ascii_lowercase),
        });
    })?;
    Ok(out)
}

/// The wanted source packages of a `Sources` index.
pub fn read_sources(
    reader: impl Read,
    file: &str,
    wanted: &dyn Fn(&str) -> bool,
) -> Result<Vec<SourceStanza>, InputError> {
    let mut out = Vec::new();
    let keep = ["package", "version", "maintainer", "uploaders", "homepage"];
    paragraphs(reader, file, wanted, &keep, |f| {
        let (Some(name), Some(version)) = (field(&f, "package"), field(&f, "version")) else {
            return;
        };
        out.push(SourceStanza {
            name: name.to_string(),
            version: version.to_string(),
            maintainer: field(&f, "maintainer").map(str::to_string),
            uploaders: field(&f, "uploaders").map(split_people).unwrap_or_default(),
            homepage: field(&f, "homepage").map(str::to_string),
            vcs: f
                .iter()
                .filter(|(k, _)| k.starts_with("vcs-"))
                .map(|(k, v)| format!("{}: {v}", vcs_label(k)))
                .collect(),
        });
    })?;
    Ok(out)
}

fn vcs_label(key: &str) -> String {
    // `vcs-git` → `Vcs-Git`.
    key.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join("-")
}

/// `A <a@x>, B <b@y>` → each person; a comma inside quotes or an address
/// does not split.
fn split_people(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let (mut quoted, mut in_address) = (false, false);
    let mut push = |current: &mut String| {
        let person = current.split_whitespace().collect::<Vec<_>>().join(" ");
        if !person.is_empty() {
            out.push(person);
        }
        current.clear();
    };
    for ch in value.chars() {
        match ch {
            '"' => quoted = !quoted,
            '<' if !quoted => in_address = true,
            '>' if !quoted => in_address = false,
            ',' if !quoted && !in_address => {
                push(&mut current);
                continue;
            }
            _ => {}
        }
        current.push(ch);
    }
    push(&mut current);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const PACKAGES: &str = "\
Package: libssl3
Source: openssl (3.0.15-1~deb12u1)
Version: 3.0.15-1~deb12u1
Architecture: amd64
Maintainer: Debian OpenSSL Team <pkg-openssl-devel@alioth-lists.debian.net>
Description: Secure Sockets Layer toolkit
 a continuation line
Homepage: https://www.openssl.org/
SHA256: 0A1B

Package: unwanted
Version: 1
Architecture: all

Package: bash
Version: 5.2.15-2+b7
Architecture: amd64
Maintainer: Matthias Klose <doko@debian.org>
";

    #[test]
    fn only_wanted_stanzas_are_kept_and_source_defaults_to_the_package() {
        let wanted = |n: &str| n != "unwanted";
        let got = read_packages(PACKAGES.as_bytes(), "Packages", &wanted).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].source.name, "openssl");
        assert_eq!(got[0].source.version.as_deref(), Some("3.0.15-1~deb12u1"));
        assert_eq!(got[0].sha256.as_deref(), Some("0a1b"));
        assert_eq!(got[0].homepage.as_deref(), Some("https://www.openssl.org/"));
        assert_eq!(got[1].name, "bash");
        assert_eq!(got[1].source.name, "bash");
        assert_eq!(got[1].source.version.as_deref(), Some("5.2.15-2+b7"));
    }

    #[test]
    fn sources_keep_uploaders_and_vcs_across_continuation_lines() {
        let text = "\
Package: openssl
Version: 3.0.15-1~deb12u1
Maintainer: Debian OpenSSL Team <t@x.example>
Uploaders: Christoph Martin <a@x.example>, Kurt Roeckx <b@x.example>,
 Sebastian Andrzej Siewior <c@x.example>, \"Doe, Jane\" <d@x.example>
Vcs-Git: https://salsa.example/debian/openssl.git
Vcs-Browser: https://salsa.example/debian/openssl
";
        let got = read_sources(text.as_bytes(), "Sources", &|_| true).unwrap();
        assert_eq!(got[0].uploaders.len(), 4, "{:?}", got[0].uploaders);
        assert_eq!(got[0].uploaders[3], "\"Doe, Jane\" <d@x.example>");
        assert_eq!(
            got[0].vcs,
            [
                "Vcs-Git: https://salsa.example/debian/openssl.git",
                "Vcs-Browser: https://salsa.example/debian/openssl"
            ]
        );
    }

    #[test]
    fn compressed_indexes_are_read_as_streams() {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(PACKAGES.as_bytes()).unwrap();
        let gz = gz.finish().unwrap();
        let got = read_packages(decompress("Packages.gz", &gz), "Packages.gz", &|_| true).unwrap();
        assert_eq!(got.len(), 3);
        let mut xz = liblzma::write::XzEncoder::new(Vec::new(), 1);
        xz.write_all(PACKAGES.as_bytes()).unwrap();
        let xz = xz.finish().unwrap();
        let got = read_packages(decompress("Packages.xz", &xz), "Packages.xz", &|_| true).unwrap();
        assert_eq!(got.len(), 3);
        // A truncated stream is an error naming the file, not a short answer.
        let e = read_packages(
            decompress("Packages.xz", &xz[..xz.len() / 2]),
            "Packages.xz",
            &|_| true,
        )
        .unwrap_err();
        assert!(e.line().is_some(), "{e}");
        assert!(e.to_string().starts_with("Packages.xz:"), "{e}");
    }

    #[test]
    fn malformed_lines_and_huge_lines_are_errors_with_positions() {
        let e = read_packages("Package: a\nnonsense\n".as_bytes(), "P", &|_| true).unwrap_err();
        assert_eq!(e.to_string(), "P:2: expected `Field: value`");
        let long = format!("Package: a\nDescription: {}\n", "x".repeat(2 << 20));
        let e = read_packages(long.as_bytes(), "P", &|_| true)
            .unwrap_err()
            .to_string();
        assert!(e.contains("P:2: longer than"), "{e}");
    }
}
