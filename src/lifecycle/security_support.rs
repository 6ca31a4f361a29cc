//! Debian's security-support lists (the `debian-security-support` package):
//! `security-support-ended.debN` (source packages whose security support in
//! Debian N ended, or will end, before the release's) and
//! `security-support-limited` (source packages supported only for some uses).

use jiff::civil::Date;

use crate::model::{InputError, Position};

/// One source package (or `name.*` family) of a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SupportEntry {
    /// A source package name, or a prefix when the list writes `prefix.*`.
    pub pattern: String,
    /// `ended` lists: the last version that had support.
    pub last_version: Option<String>,
    /// `ended` lists: when support ended or ends.
    pub ends: Option<Date>,
    pub details: String,
}

impl SupportEntry {
    pub fn matches(&self, source: &str) -> bool {
        match self.pattern.strip_suffix(".*") {
            Some(prefix) => source.starts_with(prefix),
            None => self.pattern == source,
        }
    }
}

/// Parses `security-support-ended.debN`: name, last version, date, details.
pub fn parse_ended(file: &str, text: &str) -> Result<Vec<SupportEntry>, InputError> {
    entries(text)
        .map(|(n, line)| {
            let err = |message: String| InputError::in_file(file, Some(Position::line(n)), message);
            let mut cols = line.split_whitespace();
            let (Some(name), Some(version), Some(date)) = (cols.next(), cols.next(), cols.next())
            else {
                return Err(err(
                    "expected `source-package last-version YYYY-MM-DD [details]`".to_string(),
                ));
            };
            let ends = date
                .parse::<Date>()
                .map_err(|_| err(format!("`{date}` is not a date (YYYY-MM-DD)")))?;
            Ok(SupportEntry {
                pattern: name.to_string(),
                last_version: Some(version.to_string()),
                ends: Some(ends),
                details: rest_after(line, 3),
            })
        })
        .collect()
}

/// Parses `security-support-limited`: name, details.
pub fn parse_limited(text: &str) -> Vec<SupportEntry> {
    entries(text)
        .filter_map(|(_, line)| {
            let name = line.split_whitespace().next()?;
            Some(SupportEntry {
                pattern: name.to_string(),
                last_version: None,
                ends: None,
                details: rest_after(line, 1),
            })
        })
        .collect()
}

fn entries(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'))
}

/// The text after the first `n` whitespace-separated columns.
fn rest_after(line: &str, n: usize) -> String {
    let mut rest = line;
    for _ in 0..n {
        rest = rest.trim_start();
        rest = rest.find(char::is_whitespace).map_or("", |i| &rest[i..]);
    }
    rest.trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_lists_parse() {
        let ended =
            parse_ended("deb12", include_str!("data/security-support-ended.deb12")).unwrap();
        let wolf = ended.iter().find(|e| e.pattern == "wolfssl").unwrap();
        assert_eq!(wolf.last_version.as_deref(), Some("5.5.4-2+deb12u2"));
        assert_eq!(wolf.ends, Some("2026-06-12".parse().unwrap()));
        assert!(wolf.details.starts_with("Crypto library"));
        let limited = parse_limited(include_str!("data/security-support-limited"));
        let binutils = limited.iter().find(|e| e.pattern == "binutils").unwrap();
        assert!(
            binutils
                .details
                .starts_with("Only suitable for trusted content")
        );
        assert!(
            limited.iter().any(|e| e.matches("golang-1.19")),
            "golang.* is a family"
        );
        assert!(!limited.iter().any(|e| e.matches("go")));
    }

    #[test]
    fn a_bad_line_names_file_line_and_the_expected_shape() {
        assert_eq!(
            parse_ended("ended.deb12", "# c\n\nfoo 1.0\n")
                .unwrap_err()
                .to_string(),
            "ended.deb12:3: expected `source-package last-version YYYY-MM-DD [details]`"
        );
        assert_eq!(
            parse_ended("e", "foo 1.0 someday\n")
                .unwrap_err()
                .to_string(),
            "e:1: `someday` is not a date (YYYY-MM-DD)"
        );
    }
}
