//! distro-info-data's CSV files (`debian.csv`, `ubuntu.csv`): each release's
//! number, codename and the end dates of its support periods.

use jiff::civil::Date;

use crate::model::{InputError, Position};

/// One release and its support periods, as the distribution publishes them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReleaseLife {
    pub distro: String,
    /// `12`, `22.04` (Ubuntu's ` LTS` suffix dropped); `None` for sid.
    pub version: Option<String>,
    /// The series, lower case (`bookworm`, `jammy`).
    pub codename: String,
    pub released: Option<Date>,
    /// Support periods in the order they end, each with its end date.
    pub periods: Vec<(Period, Date)>,
    pub lts: bool,
}

/// A support period a release can be in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Period {
    /// Debian's security support by the security team; Ubuntu's standard support.
    Regular,
    /// Debian LTS (volunteer and sponsored).
    Lts,
    /// Debian Extended LTS (commercial, by a third party).
    Elts,
    /// Ubuntu Expanded Security Maintenance (Ubuntu Pro).
    Esm,
    /// Ubuntu Legacy support add-on.
    Legacy,
}

impl Period {
    pub fn label(self) -> &'static str {
        match self {
            Period::Regular => "regular security support",
            Period::Lts => "LTS",
            Period::Elts => "Extended LTS",
            Period::Esm => "ESM",
            Period::Legacy => "Legacy support",
        }
    }
}

/// Parses one distro-info CSV file. `file` names it in errors.
pub fn parse(distro: &str, file: &str, text: &str) -> Result<Vec<ReleaseLife>, InputError> {
    let err = |line: Option<usize>, message: String| {
        InputError::in_file(file, line.map(Position::line), message)
    };
    let mut lines = text.lines().enumerate();
    let header: Vec<&str> = match lines.next() {
        Some((_, h)) => h.split(',').map(str::trim).collect(),
        None => return Err(err(None, "empty, expected a CSV header".to_string())),
    };
    let col = |name: &str| header.iter().position(|h| *h == name);
    let (Some(version), Some(series)) = (col("version"), col("series")) else {
        return Err(err(
            Some(1),
            "expected a header with `version` and `series` columns".to_string(),
        ));
    };
    let period_cols: Vec<(Period, usize)> = [
        ("eol", Period::Regular),
        ("eol-server", Period::Regular),
        ("eol-lts", Period::Lts),
        ("eol-elts", Period::Elts),
        ("eol-esm", Period::Esm),
        ("eol-legacy", Period::Legacy),
    ]
    .into_iter()
    .filter_map(|(name, p)| col(name).map(|i| (p, i)))
    .collect();
    let released = col("release");
    let mut out = Vec::new();
    for (n, line) in lines {
        if line.trim().is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split(',').map(str::trim).collect();
        let cell = |i: usize| cells.get(i).copied().filter(|c| !c.is_empty());
        let date = |i: usize| -> Result<Option<Date>, InputError> {
            cell(i)
                .map(|c| {
                    c.parse::<Date>()
                        .map_err(|_| err(Some(n + 1), format!("`{c}` is not a date (YYYY-MM-DD)")))
                })
                .transpose()
        };
        let Some(codename) = cell(series) else {
            return Err(err(Some(n + 1), "a release without a series".to_string()));
        };
        let mut periods: Vec<(Period, Date)> = Vec::new();
        for &(p, i) in &period_cols {
            if let Some(d) = date(i)? {
                // Ubuntu's `eol` and `eol-server` are both standard support: keep the later.
                match periods.iter_mut().find(|(q, _)| *q == p) {
                    Some((_, end)) => *end = (*end).max(d),
                    None => periods.push((p, d)),
                }
            }
        }
        periods.sort_by_key(|&(p, d)| (d, p));
        let raw_version = cell(version);
        out.push(ReleaseLife {
            distro: distro.to_string(),
            version: raw_version.map(|v| v.trim_end_matches(" LTS").to_string()),
            codename: codename.to_ascii_lowercase(),
            released: released.map(date).transpose()?.flatten(),
            periods,
            lts: raw_version.is_some_and(|v| v.ends_with(" LTS")),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debian_rows_give_regular_lts_and_extended_ends() {
        let text = include_str!("data/debian.csv");
        let all = parse("debian", "debian.csv", text).unwrap();
        let bookworm = all.iter().find(|r| r.codename == "bookworm").unwrap();
        assert_eq!(bookworm.version.as_deref(), Some("12"));
        assert_eq!(
            bookworm.periods,
            vec![
                (Period::Regular, "2026-07-11".parse().unwrap()),
                (Period::Lts, "2028-06-30".parse().unwrap()),
                (Period::Elts, "2033-06-30".parse().unwrap()),
            ]
        );
        let sid = all.iter().find(|r| r.codename == "sid").unwrap();
        assert_eq!((sid.version.as_deref(), sid.periods.len()), (None, 0));
    }

    #[test]
    fn ubuntu_lts_suffix_is_dropped_and_both_standard_ends_are_one_period() {
        let text = "version,codename,series,created,release,eol,eol-server,eol-esm\n\
                    22.04 LTS,Jammy Jellyfish,jammy,2021-10-14,2022-04-21,2027-06-01,2027-06-02,2032-04-09\n";
        let jammy = &parse("ubuntu", "ubuntu.csv", text).unwrap()[0];
        assert_eq!(jammy.version.as_deref(), Some("22.04"));
        assert!(jammy.lts);
        assert_eq!(
            jammy.periods[0],
            (Period::Regular, "2027-06-02".parse().unwrap())
        );
        assert_eq!(jammy.periods[1].0, Period::Esm);
    }

    #[test]
    fn a_bad_date_names_file_and_line() {
        let text = "version,codename,series,created,release,eol\n12,B,bookworm,2021-08-14,2023-06-10,soon\n";
        let err = parse("debian", "debian.csv", text).unwrap_err();
        assert_eq!(
            err.to_string(),
            "debian.csv:2: `soon` is not a date (YYYY-MM-DD)"
        );
        assert_eq!(err.line(), Some(2));
        assert!(
            parse("debian", "x.csv", "a,b\n")
                .unwrap_err()
                .to_string()
                .starts_with("x.csv:1:")
        );
    }
}
