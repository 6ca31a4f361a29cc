//! Debian's version order, as dpkg implements it (deb-version(7)):
//! `[epoch:]upstream[-revision]`; epochs compare as numbers, upstream and
//! revision alternately by non-digit runs (letters before other characters,
//! `~` before everything, even the end) and digit runs (as numbers). Used
//! for deb and opkg, whose tools share dpkg's algorithm.

use std::cmp::Ordering;

/// A dpkg version, split but kept as text: comparison walks the text.
/// Equality is dpkg's (`1.010` = `1.10`), consistent with the order.
#[derive(Clone, Debug)]
pub struct DpkgVersion {
    pub epoch: u64,
    pub upstream: String,
    pub revision: String,
}

impl DpkgVersion {
    /// `None` for text dpkg would refuse: empty, whitespace inside, an
    /// epoch that is not a number, or an empty upstream part.
    pub fn parse(text: &str) -> Option<DpkgVersion> {
        let (epoch, upstream, revision) = super::split_evr(text)?;
        Some(DpkgVersion {
            epoch,
            upstream: upstream.to_string(),
            revision: revision.to_string(),
        })
    }

    /// The first number of the upstream version: the release line.
    pub fn major(&self) -> u64 {
        first_number(&self.upstream)
    }
}

/// The first run of digits in `text` as a number (0 when none): a
/// distribution version's release line.
pub(super) fn first_number(text: &str) -> u64 {
    let digits: String = text
        .chars()
        .skip_while(|c| !c.is_ascii_digit())
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().unwrap_or(0)
}

impl Ord for DpkgVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.epoch
            .cmp(&other.epoch)
            .then_with(|| verrevcmp(&self.upstream, &other.upstream))
            .then_with(|| verrevcmp(&self.revision, &other.revision))
    }
}

impl PartialEq for DpkgVersion {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for DpkgVersion {}

impl PartialOrd for DpkgVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A character's weight in the non-digit runs; the end of the text is 0.
fn order(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(c) if c.is_ascii_digit() => 0,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(b'~') => -1,
        Some(c) => i32::from(c) + 256,
    }
}

fn verrevcmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (mut i, mut j) = (0, 0);
    let digit = |s: &[u8], k: usize| s.get(k).is_some_and(u8::is_ascii_digit);
    while i < a.len() || j < b.len() {
        while (i < a.len() && !digit(a, i)) || (j < b.len() && !digit(b, j)) {
            let (ac, bc) = (order(a.get(i).copied()), order(b.get(j).copied()));
            if ac != bc {
                return ac.cmp(&bc);
            }
            i += 1;
            j += 1;
        }
        while a.get(i) == Some(&b'0') {
            i += 1;
        }
        while b.get(j) == Some(&b'0') {
            j += 1;
        }
        let mut first_diff = Ordering::Equal;
        while digit(a, i) && digit(b, j) {
            if first_diff == Ordering::Equal {
                first_diff = a[i].cmp(&b[j]);
            }
            i += 1;
            j += 1;
        }
        if digit(a, i) {
            return Ordering::Greater;
        }
        if digit(b, j) {
            return Ordering::Less;
        }
        if first_diff != Ordering::Equal {
            return first_diff;
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn v(s: &str) -> DpkgVersion {
        DpkgVersion::parse(s).unwrap()
    }

    #[test]
    fn the_documented_cases() {
        assert!(v("1.0~rc1") < v("1.0"), "~ sorts before the end");
        assert!(v("1.0~~") < v("1.0~"));
        assert!(v("1:0.1") > v("9.9"), "the epoch wins");
        assert!(v("1.0-1") < v("1.0-1+deb12u1"));
        assert!(v("3.0.11-1~deb12u2") < v("3.0.17-1~deb12u2"));
        assert!(v("1.2a") < v("1.2+"), "letters before other characters");
        assert!(v("1.010") == v("1.10"), "digit runs compare as numbers");
        assert!(v("2.36-9+deb12u13") > v("2.36-9+deb12u9"));
        assert_eq!(v("1:2.3-4").revision, "4");
        assert_eq!(
            v("1.2-3-4").upstream,
            "1.2-3",
            "the last hyphen starts the revision"
        );
        assert!(DpkgVersion::parse("a:1").is_none() && DpkgVersion::parse("1 2").is_none());
    }

    proptest! {
        #[test]
        fn the_order_is_total_and_consistent(a in "[0-9][0-9a-z.+~:-]{0,12}", b in "[0-9][0-9a-z.+~-]{0,12}", c in "[0-9][0-9a-z.+~-]{0,12}") {
            if let (Some(a), Some(b), Some(c)) = (DpkgVersion::parse(&a), DpkgVersion::parse(&b), DpkgVersion::parse(&c)) {
                prop_assert_eq!(a.cmp(&b), b.cmp(&a).reverse());
                if a <= b && b <= c {
                    prop_assert!(a <= c);
                }
            }
        }
    }
}
