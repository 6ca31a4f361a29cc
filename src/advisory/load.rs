//! Reading advisory directories: detect the format, parse every file (in
//! parallel), and describe each database for the report.

use rayon::prelude::*;
use std::path::{Path, PathBuf};

use super::{Advisory, AdvisorySet, osv, rustsec};
use crate::model::{AdvisoryDatabase, Ecosystem, InputError};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Format {
    RustSec,
    Osv,
}

impl Format {
    fn as_str(self) -> &'static str {
        match self {
            Format::RustSec => "rustsec",
            Format::Osv => "osv",
        }
    }
}

/// Reads every directory; the first unreadable file (in path order) is the error.
/// `now` and `max_age_days` decide which databases are stale.
pub fn load_all(
    dirs: &[PathBuf],
    now: jiff::Timestamp,
    max_age_days: u32,
) -> Result<AdvisorySet, InputError> {
    let mut databases = Vec::with_capacity(dirs.len());
    let mut advisories = Vec::new();
    let mut covered = Vec::new();
    for dir in dirs {
        let (format, files) = detect(dir)?;
        let shown = dir.display().to_string();
        let parsed: Vec<Result<Option<Advisory>, InputError>> = files
            .par_iter()
            .map(|f| {
                let name = f.display().to_string();
                let text = std::fs::read_to_string(f)
                    .map_err(|e| InputError::in_file(&name, None, format!("cannot read: {e}")))?;
                match format {
                    Format::RustSec => rustsec::parse(&name, &text),
                    Format::Osv => osv::parse(&name, &text),
                }
            })
            .collect();
        let mut read = Vec::with_capacity(parsed.len());
        for p in parsed {
            if let Some(a) = p? {
                read.push(a);
            }
        }
        let newest = read
            .iter()
            .flat_map(|a| [a.date.as_deref(), a.updated.as_deref()])
            .flatten()
            .max()
            .map(str::to_string);
        if format == Format::RustSec {
            covered.push(Ecosystem::Cargo);
        }
        databases.push(AdvisoryDatabase {
            path: shown,
            format: format.as_str().to_string(),
            advisories: read.len(),
            stale: is_stale(newest.as_deref(), now, max_age_days),
            newest,
        });
        advisories.extend(read);
    }
    let mut set = AdvisorySet::new(databases, advisories);
    for e in covered {
        set.cover(e);
    }
    Ok(set)
}

/// Older than `max_age_days` at `now`, or no date at all to tell its age.
fn is_stale(newest: Option<&str>, now: jiff::Timestamp, max_age_days: u32) -> bool {
    let Some(date) = newest.and_then(|d| jiff::civil::Date::strptime("%Y-%m-%d", d).ok()) else {
        return true;
    };
    let today = now.to_zoned_datetime(jiff::tz::TimeZone::UTC).date();
    match date.until((jiff::Unit::Day, today)) {
        Ok(span) => i64::from(span.get_days()) > i64::from(max_age_days),
        Err(_) => true,
    }
}

/// RustSec when the directory has `crates/` (or `.md` advisories), OSV when it
/// holds `.json` files. The files are returned sorted, so errors and the
/// database order do not depend on the file system.
fn detect(dir: &Path) -> Result<(Format, Vec<PathBuf>), InputError> {
    let err = |message: String| InputError::in_file(dir.display().to_string(), None, message);
    if !dir.is_dir() {
        return Err(err(
            "not a directory: expected a RustSec or OSV advisory database directory".into(),
        ));
    }
    // A RustSec checkout: advisories under crates/<name>/; rust/ holds
    // toolchain advisories, which no component is.
    let crates = dir.join("crates");
    let root = if crates.is_dir() {
        crates
    } else {
        dir.to_path_buf()
    };
    let mut md = Vec::new();
    let mut json = Vec::new();
    walk(
        &root,
        &mut |p| match p.extension().and_then(|e| e.to_str()) {
            Some("md") if is_advisory_name(p) => md.push(p.to_path_buf()),
            Some("json") => json.push(p.to_path_buf()),
            _ => {}
        },
    )
    .map_err(|e| err(format!("cannot list: {e}")))?;
    md.sort();
    json.sort();
    match (md.is_empty(), json.is_empty()) {
        (false, true) => Ok((Format::RustSec, md)),
        (true, false) => Ok((Format::Osv, json)),
        (false, false) => Err(err(format!(
            "holds both Markdown ({}) and JSON ({}) advisories: give a RustSec and an OSV database as separate directories",
            md.len(),
            json.len()
        ))),
        (true, true) => Err(err(
            "no advisories found: expected RustSec `crates/<name>/RUSTSEC-*.md` files or OSV `.json` files".into(),
        )),
    }
}

/// RustSec advisory files are named after their id (`RUSTSEC-2020-0036.md`,
/// `CVE-…`, `GHSA-…`); READMEs and other Markdown are not advisories.
fn is_advisory_name(p: &Path) -> bool {
    p.file_stem()
        .and_then(|s| s.to_str())
        .is_some_and(|s| s.contains('-') && s.bytes().any(|b| b.is_ascii_digit()))
}

/// Every file below `dir`, skipping hidden entries (`.git`, `.github`).
fn walk(dir: &Path, visit: &mut dyn FnMut(&Path)) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_name().to_string_lossy().starts_with('.') {
            continue;
        }
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            walk(&path, visit)?;
        } else {
            visit(&path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staleness_counts_days_from_the_newest_advisory() {
        let now: jiff::Timestamp = "2026-11-24T00:00:00Z".parse().unwrap();
        assert!(!is_stale(Some("2026-11-01"), now, 90));
        assert!(!is_stale(Some("2026-08-26"), now, 90));
        assert!(is_stale(Some("2026-08-25"), now, 90));
        assert!(is_stale(None, now, 90));
    }
}
