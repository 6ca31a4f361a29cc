//! `[[exception]]` entries: which findings they accept, and an index that
//! finds the exceptions of a finding without scanning them all.
//!
//! A package pattern is a purl without version or qualifiers
//! (`pkg:npm/left-pad`, `pkg:npm/@acme/ui`), or such a prefix ending in `*`
//! (`pkg:cargo/*`, `pkg:npm/@acme/*`), or `*` alone (every finding, including
//! those about a document or the whole product). Exact patterns go in a hash
//! map; the few glob patterns are tried one by one.

use crate::model::InputError;
use rustc_hash::FxHashMap as HashMap;
use std::str::FromStr;

/// Which packages an exception covers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PackagePattern {
    /// Every finding.
    Any,
    /// One package: its normalised versionless purl.
    Exact(String),
    /// Packages whose normalised versionless purl starts with this.
    Prefix(String),
}

impl PackagePattern {
    /// Parses a pattern as written in the policy; the error says what is expected.
    pub fn parse(raw: &str) -> Result<PackagePattern, InputError> {
        let raw = raw.trim();
        if raw == "*" {
            return Ok(PackagePattern::Any);
        }
        let Some(rest) = raw.strip_prefix("pkg:") else {
            return Err(InputError::new(format!(
                "package pattern {raw:?} is not a purl: expected `pkg:TYPE/NAME` (for example `pkg:npm/left-pad`), `pkg:TYPE/PREFIX*`, or `*`"
            )));
        };
        let (ty, path) = rest.split_once('/').unwrap_or((rest, ""));
        if ty.is_empty() || path.is_empty() {
            return Err(InputError::new(format!(
                "package pattern {raw:?} lacks a type or a name: expected `pkg:TYPE/NAME` or `pkg:TYPE/*`"
            )));
        }
        if raw.contains(['?', '#']) {
            return Err(InputError::new(format!(
                "package pattern {raw:?} has qualifiers or a subpath: write the purl without them"
            )));
        }
        let star = raw.find('*');
        if star.is_some_and(|i| i != raw.len() - 1) {
            return Err(InputError::new(format!(
                "package pattern {raw:?}: `*` is only allowed at the end (`pkg:cargo/*`, `pkg:npm/@acme/*`)"
            )));
        }
        let normal = normalise(&canonical(raw));
        let name_part = normal.rsplit('/').next().unwrap_or("");
        if name_part.contains('@') {
            return Err(InputError::new(format!(
                "package pattern {raw:?} has a version: write the purl without `@VERSION` and put the range in `versions`"
            )));
        }
        Ok(match normal.strip_suffix('*') {
            Some(prefix) => PackagePattern::Prefix(prefix.to_string()),
            None => PackagePattern::Exact(normal),
        })
    }

    /// The purl type the pattern is limited to, for reading version ranges.
    pub fn purl_type(&self) -> Option<&str> {
        match self {
            PackagePattern::Any => None,
            PackagePattern::Exact(p) | PackagePattern::Prefix(p) => {
                let rest = p.strip_prefix("pkg:")?;
                rest.split_once('/')
                    .map(|(t, _)| t)
                    .filter(|t| !t.is_empty())
            }
        }
    }
}

/// A pattern in the purl library's canonical spelling, the one component
/// purls are in: names lower-cased where the type says so (npm, PyPI…), `_`
/// as `-` in PyPI names. A prefix pattern is canonicalised with a stand-in
/// name in place of its `*`. What does not parse stays as written (the
/// checks after this say what is wrong with it).
fn canonical(raw: &str) -> String {
    use std::str::FromStr;
    let (body, prefix) = match raw.strip_suffix('*') {
        Some(head) => (format!("{head}x"), true),
        None => (raw.to_string(), false),
    };
    match packageurl::PackageUrl::from_str(&body) {
        Ok(p) => {
            let text = p.to_string();
            if prefix {
                text.strip_suffix('x')
                    .map(|t| format!("{t}*"))
                    .unwrap_or(text)
            } else {
                text
            }
        }
        Err(_) => raw.to_string(),
    }
}

/// The spelling exceptions and findings are compared in: purl type in lower
/// case, `%40` (how purls encode a scoped npm name's `@`) decoded.
pub fn normalise(purl: &str) -> String {
    let decoded = purl.replace("%40", "@");
    match decoded.split_once('/') {
        Some((head, tail)) => format!("{}/{tail}", head.to_ascii_lowercase()),
        None => decoded.to_ascii_lowercase(),
    }
}

/// The versions an exception covers, read by the package's ecosystem rules.
#[derive(Clone, Debug)]
pub enum VersionRange {
    /// Cargo and npm: a semver requirement (`>=1.2, <2`, `^0.4`).
    Semver(semver::VersionReq),
    /// PyPI: PEP 440 specifiers (`>=1.0,<2`, `~=2.2`).
    Pep440(pep440_rs::VersionSpecifiers),
    /// Other ecosystems: exact versions, separated by commas.
    Exact(Vec<String>),
}

impl PartialEq for VersionRange {
    fn eq(&self, other: &VersionRange) -> bool {
        match (self, other) {
            (VersionRange::Semver(a), VersionRange::Semver(b)) => a == b,
            (VersionRange::Pep440(a), VersionRange::Pep440(b)) => a.to_string() == b.to_string(),
            (VersionRange::Exact(a), VersionRange::Exact(b)) => a == b,
            _ => false,
        }
    }
}

impl VersionRange {
    /// Reads `raw` by the rules of purl type `ty`.
    pub fn parse(raw: &str, ty: &str) -> Result<VersionRange, InputError> {
        match ty {
            // A bare version means exactly that version to npm, but `^` to
            // the semver crate (Cargo's reading).
            "npm" if semver::Version::parse(raw.trim()).is_ok() => {
                semver::VersionReq::parse(&format!("={}", raw.trim()))
                    .map(VersionRange::Semver)
                    .map_err(|e| InputError::new(format!("versions {raw:?}: {e}")))
            }
            "cargo" | "npm" => semver::VersionReq::parse(raw)
                .map(VersionRange::Semver)
                .map_err(|e| {
                    InputError::new(format!(
                        "versions {raw:?} is not a semver requirement (like \">=1.2, <2\"): {e}"
                    ))
                }),
            "pypi" => pep440_rs::VersionSpecifiers::from_str(raw)
                .map(VersionRange::Pep440)
                .map_err(|e| {
                    InputError::new(format!(
                        "versions {raw:?} is not a PEP 440 specifier set (like \">=1.0,<2\"): {e}"
                    ))
                }),
            _ => {
                let list: Vec<String> = raw
                    .split(',')
                    .map(|v| v.trim().to_string())
                    .filter(|v| !v.is_empty())
                    .collect();
                if list.is_empty() {
                    Err(InputError::new(
                        "versions is empty: give exact versions separated by commas",
                    ))
                } else {
                    Ok(VersionRange::Exact(list))
                }
            }
        }
    }

    /// Whether `version` is in the range; a version the ecosystem's rules
    /// cannot read is not.
    pub fn contains(&self, version: &str) -> bool {
        match self {
            VersionRange::Semver(req) => semver::Version::parse(version.trim_start_matches('v'))
                .is_ok_and(|v| req.matches(&v)),
            VersionRange::Pep440(spec) => {
                pep440_rs::Version::from_str(version).is_ok_and(|v| spec.contains(&v))
            }
            VersionRange::Exact(list) => list.iter().any(|v| v == version),
        }
    }
}

/// One `[[exception]]` entry, validated.
#[derive(Clone, Debug, PartialEq)]
pub struct Exception {
    /// 0-based position among the `[[exception]]` entries.
    pub index: usize,
    /// Canonical rule id, or `*`.
    pub rule: String,
    /// The pattern as written.
    pub package: String,
    pub pattern: PackagePattern,
    /// The range as written, and as read.
    pub versions: Option<(String, VersionRange)>,
    pub reason: String,
    pub owner: Option<String>,
    pub expires: Option<jiff::civil::Date>,
    /// `file:line` of the entry.
    pub location: String,
}

impl Exception {
    /// Expired when the scan date is after `expires` (the date itself is still covered).
    pub fn expired(&self, today: jiff::civil::Date) -> bool {
        self.expires.is_some_and(|d| today > d)
    }
}

/// What an exception is matched against.
pub struct Target<'a> {
    pub rule: &'a str,
    /// Normalised versionless purl; `None` for document and product findings.
    pub package: Option<&'a str>,
    pub version: Option<&'a str>,
}

/// Exceptions by rule and package; glob patterns by purl type (`pkg:npm/`),
/// so a finding is compared only with the globs of its own ecosystem. FxHash:
/// the keys come from the user's own policy and inventory, not an adversary.
pub struct ExceptionIndex<'a> {
    exact: HashMap<&'a str, HashMap<&'a str, Vec<&'a Exception>>>,
    prefixes: HashMap<&'a str, Vec<&'a Exception>>,
    any: Vec<&'a Exception>,
}

/// `pkg:TYPE/` of a normalised purl or pattern.
fn type_part(purl: &str) -> &str {
    purl.find('/').map_or(purl, |i| &purl[..=i])
}

impl<'a> ExceptionIndex<'a> {
    pub fn new(exceptions: &'a [Exception]) -> ExceptionIndex<'a> {
        let mut exact: HashMap<&str, HashMap<&str, Vec<&Exception>>> = HashMap::default();
        let mut prefixes: HashMap<&str, Vec<&Exception>> = HashMap::default();
        let mut any = Vec::new();
        for e in exceptions {
            match &e.pattern {
                PackagePattern::Exact(p) => exact
                    .entry(e.rule.as_str())
                    .or_default()
                    .entry(p.as_str())
                    .or_default()
                    .push(e),
                PackagePattern::Prefix(p) => prefixes.entry(type_part(p)).or_default().push(e),
                PackagePattern::Any => any.push(e),
            }
        }
        ExceptionIndex {
            exact,
            prefixes,
            any,
        }
    }

    /// Every exception that covers the target, in policy order.
    pub fn matches(&self, t: &Target) -> Vec<&'a Exception> {
        let rule_fits = |e: &Exception| e.rule == "*" || e.rule == t.rule;
        let mut found: Vec<&Exception> = Vec::new();
        if let Some(pkg) = t.package {
            for rule in [t.rule, "*"] {
                if let Some(list) = self.exact.get(rule).and_then(|m| m.get(pkg)) {
                    found.extend(list.iter().filter(|e| covers_version(e, t.version)));
                }
            }
            if let Some(list) = self.prefixes.get(type_part(pkg)) {
                found.extend(list.iter().filter(|e| {
                    rule_fits(e)
                        && matches!(&e.pattern, PackagePattern::Prefix(p) if pkg.starts_with(p.as_str()))
                        && covers_version(e, t.version)
                }));
            }
        }
        found.extend(
            self.any
                .iter()
                .filter(|e| rule_fits(e) && covers_version(e, t.version)),
        );
        if found.len() > 1 {
            found.sort_by_key(|e| e.index);
        }
        found
    }
}

fn covers_version(e: &Exception, version: Option<&str>) -> bool {
    match (&e.versions, version) {
        (None, _) => true,
        (Some((_, range)), Some(v)) => range.contains(v),
        // A range cannot cover a component of unknown version.
        (Some(_), None) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exception(index: usize, rule: &str, package: &str, versions: Option<&str>) -> Exception {
        let pattern = PackagePattern::parse(package).unwrap();
        let versions = versions.map(|v| {
            (
                v.to_string(),
                VersionRange::parse(v, pattern.purl_type().unwrap_or("")).unwrap(),
            )
        });
        Exception {
            index,
            rule: rule.into(),
            package: package.into(),
            pattern,
            versions,
            reason: "r".into(),
            owner: None,
            expires: None,
            location: format!("p.toml:{index}"),
        }
    }

    #[test]
    fn patterns() {
        assert_eq!(PackagePattern::parse("*").unwrap(), PackagePattern::Any);
        assert_eq!(
            PackagePattern::parse("pkg:NPM/%40acme/ui").unwrap(),
            PackagePattern::Exact("pkg:npm/@acme/ui".into())
        );
        assert_eq!(
            PackagePattern::parse("pkg:cargo/*").unwrap(),
            PackagePattern::Prefix("pkg:cargo/".into())
        );
        // Spelled as component purls are: the purl library's canonical form.
        assert_eq!(
            PackagePattern::parse("pkg:pypi/Typing_Extensions").unwrap(),
            PackagePattern::Exact("pkg:pypi/typing-extensions".into())
        );
        assert_eq!(
            PackagePattern::parse("pkg:npm/JSONStream").unwrap(),
            PackagePattern::Exact("pkg:npm/jsonstream".into())
        );
        assert_eq!(
            PackagePattern::parse("pkg:golang/github.com/Azure/*").unwrap(),
            PackagePattern::Prefix("pkg:golang/github.com/azure/".into())
        );
        for bad in [
            "left-pad",
            "pkg:npm",
            "pkg:npm/a*b",
            "pkg:npm/a@1.0",
            "pkg:npm/a?x=1",
        ] {
            assert!(PackagePattern::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            PackagePattern::parse("pkg:npm/@acme/ui")
                .unwrap()
                .purl_type(),
            Some("npm")
        );
    }

    #[test]
    fn version_ranges_follow_the_ecosystem() {
        let r = VersionRange::parse(">=1.2, <2", "cargo").unwrap();
        assert!(r.contains("1.4.0") && !r.contains("2.0.0") && !r.contains("junk"));
        assert!(
            VersionRange::parse("1.2.3", "cargo")
                .unwrap()
                .contains("1.9.0")
        );
        let exact = VersionRange::parse("1.2.3", "npm").unwrap();
        assert!(exact.contains("1.2.3") && !exact.contains("1.9.0"));
        let r = VersionRange::parse(">=1.0,<2", "pypi").unwrap();
        assert!(r.contains("1.5.post1") && !r.contains("2.0"));
        let r = VersionRange::parse("1.0, 1.1", "maven").unwrap();
        assert!(r.contains("1.1") && !r.contains("1.2"));
        assert!(VersionRange::parse("not a range", "npm").is_err());
        assert!(VersionRange::parse("=>1", "pypi").is_err());
    }

    #[test]
    fn index_finds_exact_glob_and_wildcard_rule() {
        let list = vec![
            exception(0, "DEL-01", "pkg:npm/left-pad", None),
            exception(1, "*", "pkg:npm/left-pad", Some("<1")),
            exception(2, "OPQ-05", "pkg:cargo/*", None),
            exception(3, "SBM-05", "*", None),
        ];
        let idx = ExceptionIndex::new(&list);
        let hit = |rule, package, version| {
            idx.matches(&Target {
                rule,
                package,
                version,
            })
            .iter()
            .map(|e| e.index)
            .collect::<Vec<_>>()
        };
        assert_eq!(
            hit("DEL-01", Some("pkg:npm/left-pad"), Some("1.3.0")),
            vec![0]
        );
        assert_eq!(
            hit("DEL-01", Some("pkg:npm/left-pad"), Some("0.9.0")),
            vec![0, 1]
        );
        assert_eq!(
            hit("DEL-03", Some("pkg:npm/left-pad"), None),
            Vec::<usize>::new()
        );
        assert_eq!(
            hit("OPQ-05", Some("pkg:cargo/serde"), Some("1.0.0")),
            vec![2]
        );
        assert_eq!(
            hit("OPQ-05", Some("pkg:npm/serde"), Some("1.0.0")),
            Vec::<usize>::new()
        );
        assert_eq!(hit("SBM-05", None, None), vec![3]);
    }
}
