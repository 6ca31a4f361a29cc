//! Alpine's version order (apk-tools 3):
//! `digits{.digits}[letter]{_suffix[digits]}[~hash][-rN]`. A version is
//! read as a chain of typed parts; two versions compare part by part while
//! the parts have the same kind, by value (numbers as numbers, a dotted
//! number with a leading zero as text: `1.02 < 1.1`). Where one version
//! stops or changes kind and the other goes on, the one that goes on is
//! newer unless it goes on with a pre-release suffix (`_alpha`, `_beta`,
//! `_pre`, `_rc`; `_cvs`, `_svn`, `_git`, `_hg`, `_p` are post-releases),
//! and between two kinds the earlier one in the grammar is newer. Used for
//! apk packages; checked against every case of apk-tools' own version
//! tests (`fixtures/versions/apk.txt`).

use std::cmp::Ordering;

/// An apk version, kept as text: comparison walks it.
#[derive(Clone, Debug)]
pub struct ApkVersion(pub String);

impl ApkVersion {
    /// `None` when apk would not accept the text as a version.
    pub fn parse(text: &str) -> Option<ApkVersion> {
        let text = text.trim();
        let mut parts = Parts::new(text);
        while parts.current.kind < Kind::End {
            parts.advance();
        }
        (parts.current.kind == Kind::End).then(|| ApkVersion(text.to_string()))
    }

    /// The first number: the release line.
    pub fn major(&self) -> u64 {
        super::dpkg::first_number(&self.0)
    }
}

impl Ord for ApkVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        compare(&self.0, &other.0)
    }
}

impl PartialOrd for ApkVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for ApkVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for ApkVersion {}

/// The kinds of part, in the order the grammar allows them (the derive
/// orders them so): a version that stops where the other goes on is newer
/// when what follows is later in this order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    FirstNumber,
    /// A number after a dot, or after a letter.
    Number,
    Letter,
    Suffix,
    SuffixNumber,
    /// `~` and hex digits: the upstream commit a snapshot was built from.
    CommitHash,
    Revision,
    End,
    Invalid,
}

/// Suffixes in order; those before `RELEASE` are pre-releases.
const SUFFIXES: [&str; 9] = ["alpha", "beta", "pre", "rc", "cvs", "svn", "git", "hg", "p"];
const RELEASE: usize = 4;

/// One part: its kind and its text (a suffix's rank in [`SUFFIXES`] for a suffix).
#[derive(Clone, Copy, Debug)]
struct Part<'a> {
    kind: Kind,
    text: &'a [u8],
    suffix: usize,
}

/// Reads a version part by part.
struct Parts<'a> {
    rest: &'a [u8],
    current: Part<'a>,
}

impl<'a> Parts<'a> {
    fn new(text: &'a str) -> Parts<'a> {
        let mut parts = Parts {
            rest: text.as_bytes(),
            current: Part {
                kind: Kind::FirstNumber,
                text: b"",
                suffix: 0,
            },
        };
        parts.current.text = parts.take_while(|b| b.is_ascii_digit());
        if parts.current.text.is_empty() {
            parts.current.kind = Kind::Invalid;
        }
        parts
    }

    fn take_while(&mut self, f: impl Fn(u8) -> bool) -> &'a [u8] {
        let n = self.rest.iter().take_while(|&&b| f(b)).count();
        let (taken, rest) = self.rest.split_at(n);
        self.rest = rest;
        taken
    }

    /// Moves to the next part; a part the grammar does not allow where it
    /// stands makes the rest of the version invalid.
    fn advance(&mut self) {
        let previous = self.current.kind;
        let next = match self.rest.first() {
            None => Some((Kind::End, &b""[..])),
            Some(b'a'..=b'z') if previous <= Kind::Number => {
                let (letter, rest) = self.rest.split_at(1);
                self.rest = rest;
                Some((Kind::Letter, letter))
            }
            Some(b'.') if previous <= Kind::Number => {
                self.rest = &self.rest[1..];
                self.digits(Kind::Number)
            }
            Some(b'0'..=b'9') if previous == Kind::Suffix => self.digits(Kind::SuffixNumber),
            Some(b'_') if previous <= Kind::SuffixNumber => {
                self.rest = &self.rest[1..];
                let word = self.take_while(|b| b.is_ascii_lowercase());
                SUFFIXES
                    .iter()
                    .position(|s| s.as_bytes() == word)
                    .map(|rank| {
                        self.current.suffix = rank;
                        (Kind::Suffix, word)
                    })
            }
            Some(b'~') if previous < Kind::CommitHash => {
                self.rest = &self.rest[1..];
                let hash = self.take_while(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
                (!hash.is_empty()).then_some((Kind::CommitHash, hash))
            }
            Some(b'-') if previous < Kind::Revision && self.rest.get(1) == Some(&b'r') => {
                self.rest = &self.rest[2..];
                self.digits(Kind::Revision)
            }
            Some(_) => None,
        };
        (self.current.kind, self.current.text) = next.unwrap_or((Kind::Invalid, b""));
    }

    fn digits(&mut self, kind: Kind) -> Option<(Kind, &'a [u8])> {
        let digits = self.take_while(|b| b.is_ascii_digit());
        (!digits.is_empty()).then_some((kind, digits))
    }
}

/// Two parts of the same kind.
fn compare_parts(a: &Part, b: &Part) -> Ordering {
    match a.kind {
        // A dotted number with a leading zero compares as text (`1.02 < 1.1`).
        Kind::Number if a.text[0] == b'0' || b.text[0] == b'0' => a.text.cmp(b.text),
        Kind::FirstNumber | Kind::Number | Kind::SuffixNumber | Kind::Revision => {
            numeric(a.text, b.text)
        }
        Kind::Suffix => a.suffix.cmp(&b.suffix),
        _ => a.text.cmp(b.text),
    }
}

/// Digit strings by value, of any length.
fn numeric(a: &[u8], b: &[u8]) -> Ordering {
    fn strip(d: &[u8]) -> &[u8] {
        let zeros = d.iter().take_while(|&&c| c == b'0').count();
        &d[zeros..]
    }
    let (a, b) = (strip(a), strip(b));
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// Orders two apk version strings as apk does, valid or not.
pub fn compare(a: &str, b: &str) -> Ordering {
    let (mut pa, mut pb) = (Parts::new(a), Parts::new(b));
    while pa.current.kind == pb.current.kind && pa.current.kind < Kind::End {
        let order = compare_parts(&pa.current, &pb.current);
        if order != Ordering::Equal {
            return order;
        }
        pa.advance();
        pb.advance();
    }
    let (a, b) = (pa.current, pb.current);
    if a.kind == b.kind {
        return Ordering::Equal;
    }
    // Equal so far: the one that goes on is newer, unless it goes on with a
    // pre-release suffix.
    if a.kind == Kind::Suffix && a.suffix < RELEASE {
        return Ordering::Less;
    }
    if b.kind == Kind::Suffix && b.suffix < RELEASE {
        return Ordering::Greater;
    }
    b.kind.cmp(&a.kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// apk-tools' own version tests: `a op b` (`!op` negates), `version`
    /// (valid) and `!version` (invalid); `#` starts a comment.
    #[test]
    fn every_case_of_apk_tools_own_version_tests() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/versions/apk.txt");
        let text = std::fs::read_to_string(path).unwrap();
        let (mut orders, mut validity) = (0, 0);
        for line in text.lines() {
            let line = line.split('#').next().unwrap().trim();
            if line.is_empty() {
                continue;
            }
            let f: Vec<&str> = line.split_whitespace().collect();
            if let [one] = f[..] {
                match one.strip_prefix('!') {
                    Some(v) => assert!(ApkVersion::parse(v).is_none(), "{line}"),
                    None => assert!(ApkVersion::parse(one).is_some(), "{line}"),
                }
                validity += 1;
                continue;
            }
            let (op, negated) = match f[1].strip_prefix('!') {
                Some(op) => (op, true),
                None => (f[1], false),
            };
            // Fuzzy matching (`~`) is a dependency constraint, not an order.
            if op.contains('~') {
                continue;
            }
            let got = compare(f[0], f[2]);
            let holds = match op {
                "<" => got == Ordering::Less,
                ">" => got == Ordering::Greater,
                "=" => got == Ordering::Equal,
                "<=" => got != Ordering::Greater,
                ">=" => got != Ordering::Less,
                other => panic!("unknown operator {other} in {line}"),
            };
            assert_eq!(holds, !negated, "{line}: got {got:?}");
            if !negated && op.len() == 1 {
                assert_eq!(compare(f[2], f[0]), got.reverse(), "{line} reversed");
            }
            orders += 1;
        }
        assert!(
            orders > 700 && validity > 30,
            "{orders} orders, {validity} validity cases"
        );
    }

    #[test]
    fn valid_versions_parse_and_others_do_not() {
        for v in [
            "1.2.3-r0",
            "1.0_alpha2",
            "2.5.1a-r1",
            "0.1.0_alpha_pre2",
            "20050718-r1",
            "1.0_git20240101~1a2b-r3",
        ] {
            assert!(ApkVersion::parse(v).is_some(), "{v}");
        }
        for v in ["1.0bc", "23_foo", "1.0-1", "1.2-r1.3", "1.0A", "0.1a1"] {
            assert!(ApkVersion::parse(v).is_none(), "{v}");
        }
        assert_eq!(ApkVersion::parse("3.19.1-r0").unwrap().major(), 3);
    }

    const VALID: &str = "[0-9]{1,3}(\\.0?[0-9]{1,2}){0,2}[a-c]?(_(alpha|rc|p|git)[0-9]?){0,2}(~[0-9a-f]{1,3})?(-r[0-9])?";

    proptest::proptest! {
        #[test]
        fn the_order_is_antisymmetric_and_transitive(
            a in VALID,
            b in VALID,
            c in VALID,
        ) {
            proptest::prop_assert_eq!(compare(&a, &b), compare(&b, &a).reverse());
            proptest::prop_assert_eq!(compare(&a, &a), Ordering::Equal);
            if compare(&a, &b) != Ordering::Greater && compare(&b, &c) != Ordering::Greater {
                proptest::prop_assert_ne!(compare(&a, &c), Ordering::Greater, "{} {} {}", a, b, c);
            }
        }
    }
}
