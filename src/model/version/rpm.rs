//! RPM's version order (rpmvercmp, as rpm 4.15 and later implement it):
//! `[epoch:]version[-release]`; the epoch compares as a number (missing is
//! 0), then version and release each by alternating runs of digits (as
//! numbers, leading zeros ignored) and letters (bytewise), other characters
//! only separating runs; a digit run outranks a letter run; `~` sorts
//! before everything, even the end (pre-releases); `^` after the end but
//! before anything else (post-release snapshots). Used for rpm packages.

use std::cmp::Ordering;

/// An RPM EVR, split but kept as text: comparison walks the text.
#[derive(Clone, Debug)]
pub struct RpmVersion {
    pub epoch: u64,
    pub version: String,
    /// Empty when the text has none: then only epoch and version compare.
    pub release: String,
}

impl RpmVersion {
    /// `None` for empty text, whitespace inside, or an epoch that is not a number.
    pub fn parse(text: &str) -> Option<RpmVersion> {
        let (epoch, version, release) = super::split_evr(text)?;
        Some(RpmVersion {
            epoch,
            version: version.to_string(),
            release: release.to_string(),
        })
    }

    /// The first number of the version: the release line.
    pub fn major(&self) -> u64 {
        super::dpkg::first_number(&self.version)
    }
}

impl Ord for RpmVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| rpmvercmp(&self.version, &other.version))
            // rpm compares releases only when both sides have one.
            .then_with(|| {
                if self.release.is_empty() || other.release.is_empty() {
                    Ordering::Equal
                } else {
                    rpmvercmp(&self.release, &other.release)
                }
            })
    }
}

impl PartialOrd for RpmVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for RpmVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for RpmVersion {}

fn separator(b: u8) -> bool {
    !b.is_ascii_alphanumeric() && b != b'~' && b != b'^'
}

/// The comparison of one version or release string.
pub fn rpmvercmp(a: &str, b: &str) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    loop {
        while i < a.len() && separator(a[i]) {
            i += 1;
        }
        while j < b.len() && separator(b[j]) {
            j += 1;
        }
        let (ca, cb) = (a.get(i).copied(), b.get(j).copied());
        // `~`: before everything, the end included.
        if ca == Some(b'~') || cb == Some(b'~') {
            if ca != Some(b'~') {
                return Ordering::Greater;
            }
            if cb != Some(b'~') {
                return Ordering::Less;
            }
            i += 1;
            j += 1;
            continue;
        }
        // `^`: after the end, before anything else.
        if ca == Some(b'^') || cb == Some(b'^') {
            match (ca, cb) {
                (None, _) => return Ordering::Less,
                (_, None) => return Ordering::Greater,
                (Some(x), _) if x != b'^' => return Ordering::Greater,
                (_, Some(y)) if y != b'^' => return Ordering::Less,
                _ => {}
            }
            i += 1;
            j += 1;
            continue;
        }
        let (Some(first), Some(_)) = (ca, cb) else {
            break;
        };
        let numeric = first.is_ascii_digit();
        let take = |s: &[u8], from: usize| {
            let mut to = from;
            while to < s.len()
                && (if numeric {
                    s[to].is_ascii_digit()
                } else {
                    s[to].is_ascii_alphabetic()
                })
            {
                to += 1;
            }
            to
        };
        let (ei, ej) = (take(a, i), take(b, j));
        let (sa, sb) = (&a[i..ei], &b[j..ej]);
        if sb.is_empty() {
            // Different kinds of run: the number is newer.
            return if numeric {
                Ordering::Greater
            } else {
                Ordering::Less
            };
        }
        let order = if numeric {
            let trim = |s: &[u8]| {
                let z = s.iter().take_while(|&&c| c == b'0').count();
                s[z..].to_vec()
            };
            let (na, nb) = (trim(sa), trim(sb));
            na.len().cmp(&nb.len()).then_with(|| na.cmp(&nb))
        } else {
            sa.cmp(sb)
        };
        if order != Ordering::Equal {
            return order;
        }
        i = ei;
        j = ej;
    }
    match (i >= a.len(), j >= b.len()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        _ => Ordering::Greater,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Cases from rpm's own test suite (tests/rpmvercmp.at), as published.
    #[test]
    fn rpm_test_suite_cases() {
        let cases: &[(&str, &str, i8)] = &[
            ("1.0", "1.0", 0),
            ("1.0", "2.0", -1),
            ("2.0", "1.0", 1),
            ("2.0.1", "2.0.1", 0),
            ("2.0", "2.0.1", -1),
            ("2.0.1", "2.0", 1),
            ("2.0.1a", "2.0.1a", 0),
            ("2.0.1a", "2.0.1", 1),
            ("2.0.1", "2.0.1a", -1),
            ("5.5p1", "5.5p1", 0),
            ("5.5p1", "5.5p2", -1),
            ("5.5p2", "5.5p1", 1),
            ("5.5p10", "5.5p10", 0),
            ("5.5p1", "5.5p10", -1),
            ("5.5p10", "5.5p1", 1),
            ("10xyz", "10.1xyz", -1),
            ("10.1xyz", "10xyz", 1),
            ("xyz10", "xyz10", 0),
            ("xyz10", "xyz10.1", -1),
            ("xyz10.1", "xyz10", 1),
            ("xyz.4", "xyz.4", 0),
            ("xyz.4", "8", -1),
            ("8", "xyz.4", 1),
            ("xyz.4", "2", -1),
            ("2", "xyz.4", 1),
            ("5.5p2", "5.6p1", -1),
            ("5.6p1", "5.5p2", 1),
            ("5.6p1", "6.5p1", -1),
            ("6.5p1", "5.6p1", 1),
            ("6.0.rc1", "6.0", 1),
            ("6.0", "6.0.rc1", -1),
            ("10b2", "10a1", 1),
            ("10a2", "10b2", -1),
            ("1.0aa", "1.0aa", 0),
            ("1.0a", "1.0aa", -1),
            ("1.0aa", "1.0a", 1),
            ("10.0001", "10.0001", 0),
            ("10.0001", "10.1", 0),
            ("10.1", "10.0001", 0),
            ("10.0001", "10.0039", -1),
            ("10.0039", "10.0001", 1),
            ("4.999.9", "5.0", -1),
            ("5.0", "4.999.9", 1),
            ("20101121", "20101121", 0),
            ("20101121", "20101122", -1),
            ("20101122", "20101121", 1),
            ("2_0", "2_0", 0),
            ("2.0", "2_0", 0),
            ("2_0", "2.0", 0),
            ("a", "a", 0),
            ("a+", "a+", 0),
            ("a+", "a_", 0),
            ("a_", "a+", 0),
            ("+a", "+a", 0),
            ("+a", "_a", 0),
            ("_a", "+a", 0),
            ("+_", "+_", 0),
            ("_+", "+_", 0),
            ("_+", "_", 0),
            ("+", "_", 0),
            ("_", "+", 0),
            ("1.0~rc1", "1.0~rc1", 0),
            ("1.0~rc1", "1.0", -1),
            ("1.0", "1.0~rc1", 1),
            ("1.0~rc1", "1.0~rc2", -1),
            ("1.0~rc2", "1.0~rc1", 1),
            ("1.0~rc1~git123", "1.0~rc1~git123", 0),
            ("1.0~rc1~git123", "1.0~rc1", -1),
            ("1.0~rc1", "1.0~rc1~git123", 1),
            ("1.0^", "1.0^", 0),
            ("1.0^", "1.0", 1),
            ("1.0", "1.0^", -1),
            ("1.0^git1", "1.0^git1", 0),
            ("1.0^git1", "1.0", 1),
            ("1.0", "1.0^git1", -1),
            ("1.0^git1", "1.0^git2", -1),
            ("1.0^git2", "1.0^git1", 1),
            ("1.0^git1", "1.01", -1),
            ("1.01", "1.0^git1", 1),
            ("1.0^20160101", "1.0^20160101", 0),
            ("1.0^20160101", "1.0.1", -1),
            ("1.0.1", "1.0^20160101", 1),
            ("1.0^20160101^git1", "1.0^20160101^git1", 0),
            ("1.0^20160102", "1.0^20160101^git1", 1),
            ("1.0^20160101^git1", "1.0^20160102", -1),
            ("1.0~rc1^git1", "1.0~rc1^git1", 0),
            ("1.0~rc1^git1", "1.0~rc1", 1),
            ("1.0~rc1", "1.0~rc1^git1", -1),
            ("1.0^git1~pre", "1.0^git1~pre", 0),
            ("1.0^git1", "1.0^git1~pre", 1),
            ("1.0^git1~pre", "1.0^git1", -1),
        ];
        for (a, b, want) in cases {
            let want = want.cmp(&0);
            assert_eq!(rpmvercmp(a, b), want, "{a} vs {b}");
        }
    }

    #[test]
    fn epoch_then_version_then_release() {
        let v = |s: &str| RpmVersion::parse(s).unwrap();
        assert!(v("1:1.0-1") > v("2.0-1"));
        assert!(v("1.0-2.fc40") > v("1.0-1.fc40"));
        assert!(v("1.0-10.el9") > v("1.0-9.el9"));
        assert_eq!(v("1.0"), v("1.0-5"), "a missing release does not compare");
        assert_eq!(v("0:1.0-1"), v("1.0-1"));
        assert!(RpmVersion::parse("x:1.0").is_none());
        assert!(RpmVersion::parse("").is_none());
        assert_eq!(v("3.0.7-27.el9").major(), 3);
    }

    proptest! {
        #[test]
        fn an_order(a in "[0-9a-z.~^_+]{0,8}", b in "[0-9a-z.~^_+]{0,8}", c in "[0-9a-z.~^_+]{0,8}") {
            prop_assert_eq!(rpmvercmp(&a, &b), rpmvercmp(&b, &a).reverse());
            prop_assert_eq!(rpmvercmp(&a, &a), Ordering::Equal);
            if rpmvercmp(&a, &b) != Ordering::Greater && rpmvercmp(&b, &c) != Ordering::Greater {
                prop_assert_ne!(rpmvercmp(&a, &c), Ordering::Greater, "{} {} {}", a, b, c);
            }
        }
    }
}
