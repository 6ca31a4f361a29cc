//! Versions as each ecosystem orders them: semver for Cargo and npm, semver
//! with a `v` prefix for Go, PEP 440 for PyPI, dpkg's for deb and opkg,
//! rpmvercmp for rpm, apk-tools' for apk, and a segment-wise order
//! (numbers numerically, words alphabetically) for the rest. The one version
//! model of the crate: advisories, registry facts and rules all compare here.

use std::cmp::Ordering;

use super::Ecosystem;

mod apk;
mod dpkg;
mod rpm;
pub use apk::ApkVersion;
pub use dpkg::DpkgVersion;
pub use rpm::RpmVersion;

/// `[epoch:]version[-release]`, the form dpkg and rpm share: the epoch as a
/// number (0 when absent), the version, and the release after the last `-`
/// (empty when absent). `None` for empty text, whitespace inside, an epoch
/// that is not a number, or an empty version.
fn split_evr(text: &str) -> Option<(u64, &str, &str)> {
    let text = text.trim();
    if text.is_empty() || text.contains(char::is_whitespace) {
        return None;
    }
    let (epoch, rest) = match text.split_once(':') {
        Some((e, r)) => (e.parse::<u64>().ok()?, r),
        None => (0, text),
    };
    let (version, release) = rest.rsplit_once('-').unwrap_or((rest, ""));
    (!version.is_empty()).then_some((epoch, version, release))
}

/// A version parsed under its ecosystem's rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Version {
    Semver(semver::Version),
    Pep440(pep440_rs::Version),
    /// deb and opkg: dpkg's order.
    Dpkg(DpkgVersion),
    /// rpm: rpmvercmp's order.
    Rpm(RpmVersion),
    /// apk: apk-tools' order.
    Apk(ApkVersion),
    Segments(Vec<Segment>),
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Segment {
    // Declared before `Number` so that `1.0-rc` sorts before `1.0.1` but a word
    // part never outranks a number at the same position.
    Word(String),
    Number(u64),
}

impl Version {
    /// `None` when `text` is not a version of that ecosystem.
    pub fn parse(ecosystem: &Ecosystem, text: &str) -> Option<Version> {
        let text = text.trim();
        match ecosystem {
            Ecosystem::Cargo | Ecosystem::Npm => {
                semver::Version::parse(text).ok().map(Version::Semver)
            }
            Ecosystem::Golang => semver::Version::parse(text.strip_prefix('v').unwrap_or(text))
                .ok()
                .map(Version::Semver),
            Ecosystem::Pypi => text.parse::<pep440_rs::Version>().ok().map(Version::Pep440),
            Ecosystem::Deb | Ecosystem::Opkg => DpkgVersion::parse(text).map(Version::Dpkg),
            Ecosystem::Rpm => RpmVersion::parse(text).map(Version::Rpm),
            Ecosystem::Apk => ApkVersion::parse(text).map(Version::Apk),
            _ => segments(text).map(Version::Segments),
        }
    }

    /// Like [`Version::parse`], but reads `1.2` or `3` as `1.2.0` and
    /// `3.0.0` for the semver ecosystems, as npm and Cargo requirements do:
    /// for judging a version in use, where inputs write short ones.
    pub fn parse_lenient(ecosystem: &Ecosystem, text: &str) -> Option<Version> {
        if let Some(v) = Version::parse(ecosystem, text) {
            return Some(v);
        }
        if !matches!(
            ecosystem,
            Ecosystem::Cargo | Ecosystem::Npm | Ecosystem::Golang
        ) {
            return None;
        }
        let text = text.trim();
        let text = text.strip_prefix('v').unwrap_or(text);
        let core = text.split(['-', '+']).next().unwrap_or(text);
        let parts: Vec<&str> = core.split('.').collect();
        if parts.len() > 3 || parts.iter().any(|p| p.parse::<u64>().is_err()) {
            return None;
        }
        let mut full = parts.join(".");
        for _ in parts.len()..3 {
            full.push_str(".0");
        }
        full.push_str(&text[core.len()..]);
        semver::Version::parse(&full).ok().map(Version::Semver)
    }

    /// A pre-release (semver `-…`, PEP 440 a/b/rc/dev); segment versions never are.
    pub fn is_prerelease(&self) -> bool {
        match self {
            Version::Semver(s) => !s.pre.is_empty(),
            Version::Pep440(p) => p.any_prerelease(),
            Version::Dpkg(d) => d.upstream.contains('~'),
            Version::Rpm(r) => r.version.contains('~'),
            Version::Apk(a) => ["_alpha", "_beta", "_pre", "_rc"]
                .iter()
                .any(|s| a.0.contains(s)),
            Version::Segments(_) => false,
        }
    }

    /// The release line that breaking changes move: the major, or for a
    /// `0.x` semver version the minor (Cargo's and npm's caret rule), as a
    /// (major, minor-if-zero-major) pair so `0.3` and `1.0` differ.
    fn line(&self) -> (u64, u64) {
        match self {
            Version::Semver(s) if s.major == 0 => (0, s.minor),
            Version::Semver(s) => (s.major, 0),
            Version::Pep440(p) => (p.release().first().copied().unwrap_or(0), 0),
            Version::Dpkg(d) => (d.major(), 0),
            Version::Rpm(r) => (r.major(), 0),
            Version::Apk(a) => (a.major(), 0),
            Version::Segments(seg) => match seg.first() {
                Some(Segment::Number(n)) => (*n, 0),
                _ => (0, 0),
            },
        }
    }

    /// How many breaking release lines `self` is behind `latest` (0 when not behind).
    pub fn lines_behind(&self, latest: &Version) -> u64 {
        let (a, b) = (self.line(), latest.line());
        if b <= a {
            0
        } else if a.0 == b.0 {
            // Both 0.x: each minor is a breaking line.
            b.1 - a.1
        } else if a.0 == 0 {
            // From 0.x to N.y: the 0.x line counts as one, then each major.
            b.0
        } else {
            b.0 - a.0
        }
    }

    /// Orders two versions of the same ecosystem; `None` across schemes.
    pub fn compare(&self, other: &Version) -> Option<Ordering> {
        match (self, other) {
            (Version::Semver(a), Version::Semver(b)) => Some(a.cmp(b)),
            (Version::Pep440(a), Version::Pep440(b)) => Some(a.cmp(b)),
            (Version::Dpkg(a), Version::Dpkg(b)) => Some(a.cmp(b)),
            (Version::Rpm(a), Version::Rpm(b)) => Some(a.cmp(b)),
            (Version::Apk(a), Version::Apk(b)) => Some(a.cmp(b)),
            (Version::Segments(a), Version::Segments(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }
}

/// `1.2.0-rc1` → [1, 2, 0, "rc", 1]; `None` for text with no digit at all.
fn segments(text: &str) -> Option<Vec<Segment>> {
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return None;
    }
    let mut out = Vec::new();
    let mut rest = text.strip_prefix(['v', 'V']).unwrap_or(text);
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits > 0 {
            out.push(Segment::Number(rest[..digits].parse().ok()?));
            rest = &rest[digits..];
            continue;
        }
        let word = rest.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
        if word > 0 {
            out.push(Segment::Word(rest[..word].to_ascii_lowercase()));
            rest = &rest[word..];
        } else {
            // A separator (`.`, `-`, `+`, `_`): it only ends a segment.
            rest = &rest[rest.chars().next().map_or(1, char::len_utf8)..];
        }
    }
    // `1.0` and `1.0.0` are the same release.
    while out.len() > 1 && out.last() == Some(&Segment::Number(0)) {
        out.pop();
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(eco: Ecosystem, a: &str, b: &str) -> Ordering {
        let a = Version::parse(&eco, a).unwrap();
        let b = Version::parse(&eco, b).unwrap();
        a.compare(&b).unwrap()
    }

    #[test]
    fn each_ecosystem_orders_by_its_own_rules() {
        assert_eq!(cmp(Ecosystem::Cargo, "0.10.0", "0.9.9"), Ordering::Greater);
        assert_eq!(cmp(Ecosystem::Npm, "1.0.0-beta.2", "1.0.0"), Ordering::Less);
        assert_eq!(cmp(Ecosystem::Golang, "v1.2.3", "v1.10.0"), Ordering::Less);
        assert_eq!(
            cmp(
                Ecosystem::Golang,
                "v0.0.0-20200101000000-abcdefabcdef",
                "v0.1.0"
            ),
            Ordering::Less
        );
        // PEP 440: a release candidate precedes the final release; `1.0` == `1.0.0`.
        assert_eq!(cmp(Ecosystem::Pypi, "2.0rc1", "2.0"), Ordering::Less);
        assert_eq!(cmp(Ecosystem::Pypi, "1.0", "1.0.0"), Ordering::Equal);
        assert_eq!(cmp(Ecosystem::Pypi, "1.0.post1", "1.0"), Ordering::Greater);
        assert_eq!(cmp(Ecosystem::Maven, "1.10", "1.9.5"), Ordering::Greater);
        assert_eq!(cmp(Ecosystem::Maven, "2.0", "2.0.0"), Ordering::Equal);
    }

    #[test]
    fn text_that_is_no_version_is_refused() {
        assert!(Version::parse(&Ecosystem::Cargo, "1.2").is_none());
        assert!(Version::parse(&Ecosystem::Pypi, "not a version").is_none());
        assert!(Version::parse(&Ecosystem::Maven, "latest").is_none());
        let cargo = Version::parse(&Ecosystem::Cargo, "1.0.0").unwrap();
        let pypi = Version::parse(&Ecosystem::Pypi, "1.0.0").unwrap();
        assert_eq!(cargo.compare(&pypi), None);
    }

    #[test]
    fn lenient_versions_for_judging_what_is_in_use() {
        let v = |e: Ecosystem, s: &str| Version::parse_lenient(&e, s).unwrap();
        assert_eq!(
            v(Ecosystem::Npm, "1.2").compare(&v(Ecosystem::Npm, "1.10.0")),
            Some(Ordering::Less)
        );
        assert_eq!(
            v(Ecosystem::Golang, "v1.4.0").compare(&v(Ecosystem::Golang, "v1.3.9")),
            Some(Ordering::Greater)
        );
        assert_eq!(
            v(Ecosystem::Pypi, "2.0rc1").compare(&v(Ecosystem::Pypi, "2.0")),
            Some(Ordering::Less)
        );
        assert!(Version::parse_lenient(&Ecosystem::Npm, "r20200101-git").is_none());
    }

    #[test]
    fn breaking_lines_behind() {
        let v = |s: &str| Version::parse_lenient(&Ecosystem::Cargo, s).unwrap();
        assert_eq!(v("1.2.0").lines_behind(&v("3.0.0")), 2);
        assert_eq!(v("3.1.0").lines_behind(&v("3.0.0")), 0);
        assert_eq!(v("0.3.1").lines_behind(&v("0.5.0")), 2);
        assert_eq!(v("0.3.1").lines_behind(&v("2.0.0")), 2);
        let p = |s: &str| Version::parse_lenient(&Ecosystem::Pypi, s).unwrap();
        assert_eq!(p("1.26.4").lines_behind(&p("2.1.0")), 1);
    }
}
