//! Python packages installed in a product, as pip and other installers
//! leave them: a `<name>-<version>.dist-info/` directory with `METADATA`
//! (core metadata: Name, Version, License-Expression or License, Author,
//! Requires-Dist) and `RECORD` (every installed file with its SHA-256), or
//! the older `*.egg-info/PKG-INFO`. DEL-09 checks each file RECORD hashed;
//! the files RECORD lists belong to the package (OPQ-07).

use base64::Engine;

use super::language::Declared;
use super::tree::{DigestAlg, FileState, Tree};
use crate::model::InputError;
use crate::model::{FileDiff, FileVerification};

/// One installed distribution.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Installed {
    /// Name, version, licence and author, as the package declares them.
    pub declared: Declared,
    pub home_page: Option<String>,
    /// Normalised names of the distributions it requires (not those only an extra needs).
    pub requires: Vec<String>,
    /// The directory the metadata is in (`…/site-packages/requests-2.32.3.dist-info`).
    pub dir: String,
    /// Files RECORD lists, relative to the root, with their SHA-256 in hex when recorded.
    pub record: Vec<(String, Option<String>)>,
}

impl Installed {
    /// The site directory it is installed in: its environment.
    pub fn site(&self) -> &str {
        self.dir.rsplit_once('/').map_or("", |(s, _)| s)
    }

    pub fn metadata_path(&self) -> String {
        let file = if self.dir.ends_with(".dist-info") {
            "METADATA"
        } else {
            "PKG-INFO"
        };
        format!("{}/{file}", self.dir)
    }
}

/// Whether a path is a distribution's metadata file.
pub fn is_metadata(rel: &str) -> bool {
    rel.ends_with(".dist-info/METADATA") || rel.ends_with(".egg-info/PKG-INFO")
}

/// PEP 503 normalisation: lower case, runs of `-`, `_`, `.` as one `-`.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut dash = false;
    for ch in name.chars() {
        if matches!(ch, '-' | '_' | '.') {
            dash = true;
        } else {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.push(ch.to_ascii_lowercase());
        }
    }
    out
}

/// Reads one distribution from its metadata file (`rel`); the error names what is missing.
pub fn read(tree: &dyn Tree, rel: &str, max: u64) -> Result<Installed, InputError> {
    let bytes = tree
        .read(rel, max)?
        .ok_or_else(|| InputError::in_file(rel, None, "not readable"))?;
    let text = String::from_utf8_lossy(&bytes);
    let headers = headers(&text);
    let get = |k: &str| {
        headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(k))
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty() && v != "UNKNOWN")
    };
    let name =
        get("Name").ok_or_else(|| InputError::in_file(rel, None, "no Name field; skipped"))?;
    let version = get("Version")
        .ok_or_else(|| InputError::in_file(rel, None, "no Version field; skipped"))?;
    // A licence field holding a whole licence text says nothing an SPDX reader can use.
    let licence = get("License-Expression")
        .or_else(|| get("License").filter(|l| l.len() <= 100 && !l.contains('\n')));
    let author = get("Author").or_else(|| {
        get("Author-email").map(|e| {
            e.split('<')
                .next()
                .unwrap_or(&e)
                .trim()
                .trim_matches('"')
                .to_string()
        })
    });
    let requires = headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("Requires-Dist"))
        .filter(|(_, v)| !v.contains("extra =="))
        .filter_map(|(_, v)| {
            let name = v
                .split(|c: char| c.is_whitespace() || "([<>=!~;".contains(c))
                .next()?;
            (!name.is_empty()).then(|| normalize(name))
        })
        .collect();
    let dir = rel.rsplit_once('/').map_or("", |(d, _)| d).to_string();
    let mut out = Installed {
        declared: Declared {
            name,
            version,
            licence,
            author,
        },
        home_page: get("Home-page"),
        requires,
        dir,
        record: Vec::new(),
    };
    if out.dir.ends_with(".dist-info")
        && let Ok(Some(record)) = tree.read(&format!("{}/RECORD", out.dir), max)
    {
        out.record = parse_record(out.site(), &String::from_utf8_lossy(&record));
    }
    Ok(out)
}

/// The header block of a core metadata file (up to the first blank line),
/// continuation lines joined.
fn headers(text: &str) -> Vec<(&str, String)> {
    let mut out: Vec<(&str, String)> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            break;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = out.last_mut() {
                v.push('\n');
                v.push_str(line.trim());
            }
        } else if let Some((k, v)) = line.split_once(':') {
            out.push((k.trim(), v.trim().to_string()));
        }
    }
    out
}

/// RECORD's CSV rows `path,sha256=<urlsafe base64>,size`, paths made relative
/// to the root (they are relative to the site directory and may climb out of
/// it, as scripts in `../../../bin/` do; never out of the root).
fn parse_record(site: &str, text: &str) -> Vec<(String, Option<String>)> {
    text.lines()
        .filter_map(|line| {
            let fields = csv_fields(line);
            let path = join(site, fields.first()?)?;
            let hash = fields
                .get(1)
                .and_then(|h| h.strip_prefix("sha256="))
                .and_then(|b64| {
                    base64::engine::general_purpose::URL_SAFE_NO_PAD
                        .decode(b64.trim_end_matches('='))
                        .ok()
                        .filter(|b| b.len() == 32)
                        .map(|b| crate::model::encode::hex(&b))
                });
            Some((path, hash))
        })
        .collect()
}

/// One CSV row's fields: commas separate, double quotes may enclose a field.
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(String::new()),
            c => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

/// `site` + `rel`, `..` resolved lexically; `None` when it leaves the root.
fn join(site: &str, rel: &str) -> Option<String> {
    if rel.is_empty() {
        return None;
    }
    let mut parts: Vec<&str> = if rel.starts_with('/') {
        Vec::new()
    } else {
        site.split('/').filter(|p| !p.is_empty()).collect()
    };
    for p in rel.split('/') {
        match p {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// DEL-09 for one distribution: every file RECORD hashed, compared; `None`
/// when RECORD hashes nothing (an egg-info, or no RECORD).
pub fn verify(tree: &dyn Tree, dist: &Installed) -> Option<FileVerification> {
    if !dist.record.iter().any(|(_, h)| h.is_some()) {
        return None;
    }
    let mut out = FileVerification {
        database: format!("{}/RECORD", dist.dir),
        ..FileVerification::default()
    };
    for (path, recorded) in &dist.record {
        let Some(recorded) = recorded else {
            continue;
        };
        out.checked += 1;
        let shown = format!("/{path}");
        match tree.digest(path, DigestAlg::Sha256) {
            FileState::Digest(d) if d == *recorded => {}
            FileState::Digest(d) => out.changed.push(FileDiff {
                path: shown,
                algorithm: "sha256".to_string(),
                recorded: recorded.clone(),
                actual: d,
            }),
            FileState::Missing => out.missing.push(shown),
            FileState::NotRegular => out.unreadable.push(shown),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_normalise_as_pep_503_says() {
        assert_eq!(normalize("Zope.Interface"), "zope-interface");
        assert_eq!(normalize("typing__extensions"), "typing-extensions");
    }

    #[test]
    fn record_rows_are_read_relative_to_the_root() {
        let rows = parse_record(
            "usr/lib/python3.12/site-packages",
            "idna/__init__.py,sha256=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8,868\n\
             \"odd,name.py\",,\n../../../bin/tool,sha256=AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8,200\n\
             ../../../../../../etc/passwd,,\nidna-3.7.dist-info/RECORD,,\n",
        );
        assert_eq!(
            rows[0].0,
            "usr/lib/python3.12/site-packages/idna/__init__.py"
        );
        assert_eq!(
            rows[0].1.as_deref(),
            Some("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f")
        );
        assert_eq!(
            rows[1],
            (
                "usr/lib/python3.12/site-packages/odd,name.py".to_string(),
                None
            )
        );
        assert_eq!(rows[2].0, "usr/bin/tool");
        assert_eq!(rows.len(), 4, "a path out of the root is dropped: {rows:?}");
    }

    #[test]
    fn headers_stop_at_the_body_and_join_continuations() {
        let h = headers(
            "Name: a\nLicense: line one\n        line two\nRequires-Dist: b\n\nName: not a header\n",
        );
        assert_eq!(h.len(), 3);
        assert_eq!(h[1].1, "line one\nline two");
    }
}
