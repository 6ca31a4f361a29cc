//! Package URLs, parsed by the `packageurl` crate and flattened into owned parts.

use packageurl::PackageUrl;
use std::str::FromStr;

/// The parts of a purl that the model uses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedPurl {
    pub ty: String,
    pub namespace: Option<String>,
    pub name: String,
    pub version: Option<String>,
    /// Qualifiers sorted by key (`vcs_url`, `download_url`, `repository_url`…).
    pub qualifiers: Vec<(String, String)>,
}

impl ParsedPurl {
    pub fn qualifier(&self, key: &str) -> Option<&str> {
        self.qualifiers
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }
}

/// Parses a purl; the error is the crate's message, for the caller's warning.
pub fn parse_purl(raw: &str) -> Result<ParsedPurl, String> {
    let p = PackageUrl::from_str(raw).map_err(|e| e.to_string())?;
    Ok(parts(&p))
}

/// [`parse_purl`], and the purl as the crate canonicalises it (type
/// lower-cased, qualifiers sorted, encoding normalised). Apart because
/// writing it out was a third of the parse, and only ingest keeps it.
pub fn parse_purl_canonical(raw: &str) -> Result<(ParsedPurl, String), String> {
    let p = PackageUrl::from_str(raw).map_err(|e| e.to_string())?;
    Ok((parts(&p), p.to_string()))
}

fn parts(p: &PackageUrl) -> ParsedPurl {
    let mut qualifiers: Vec<(String, String)> = p
        .qualifiers()
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    qualifiers.sort();
    ParsedPurl {
        ty: p.ty().to_string(),
        namespace: p.namespace().map(str::to_string),
        name: p.name().to_string(),
        version: p.version().map(str::to_string),
        qualifiers,
    }
}

/// A PyPI project name as PEP 503 normalises it: lower case, and each run of
/// `-`, `_` and `.` becomes one `-`. Lockfiles, SBOMs and registries spell
/// names differently; this is the one spelling they are compared in.
pub fn pep503(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for ch in name.chars() {
        if matches!(ch, '-' | '_' | '.') {
            sep = true;
            continue;
        }
        if sep && !out.is_empty() {
            out.push('-');
        }
        sep = false;
        out.push(ch.to_ascii_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_qualifiers_and_canonicalises() {
        let p = parse_purl("pkg:NPM/foo@1.0.0?vcs_url=git%2Bssh://git@example.com/a/b.git%23abc")
            .unwrap();
        assert_eq!(p.ty, "npm");
        assert_eq!(p.name, "foo");
        assert_eq!(
            p.qualifier("vcs_url"),
            Some("git+ssh://git@example.com/a/b.git#abc")
        );
        let (q, canonical) = parse_purl_canonical(
            "pkg:NPM/foo@1.0.0?vcs_url=git%2Bssh://git@example.com/a/b.git%23abc",
        )
        .unwrap();
        assert_eq!(q, p);
        assert!(canonical.starts_with("pkg:npm/foo@1.0.0?vcs_url="));
    }

    #[test]
    fn rejects_garbage() {
        assert!(parse_purl("pkg:/").is_err());
        assert!(parse_purl("not a purl").is_err());
    }
}
