//! Cargo sparse index client.
//!
//! One file per crate at a prefix path derived from its lower-cased name;
//! one JSON object per published version, one per line. The index records
//! versions, yanked flags, checksums and (since 2023) publication times; it
//! has no maintainers, repository or licence.

use serde::Deserialize;

use super::client::{
    Fetched, Validators, fetch_plain_named, highest_version, json_error_on_line, timestamp,
};
use super::http::Target;
use crate::model::{Ecosystem, Hash, HashAlg, PackageFacts, ReleaseFacts};

/// The crate's file under the index root: `1/{n}`, `2/{n}`, `3/{c}/{n}`,
/// `{ab}/{cd}/{n}`, lower-cased.
pub fn index_path(name: &str) -> String {
    let name = name.to_ascii_lowercase();
    match name.len() {
        1 => format!("1/{name}"),
        2 => format!("2/{name}"),
        3 => format!("3/{}/{name}", &name[..1]),
        _ => format!("{}/{}/{name}", &name[..2], &name[2..4]),
    }
}

pub(crate) async fn fetch(
    target: &Target<'_>,
    name: &str,
    validators: Option<&Validators>,
) -> Fetched {
    fetch_plain_named(target, name, "crate name", index_path, validators, parse).await
}

/// One line of the index file; unknown fields (deps, features…) are ignored.
#[derive(Deserialize)]
struct IndexLine {
    vers: String,
    #[serde(default)]
    cksum: Option<String>,
    #[serde(default)]
    yanked: Option<bool>,
    #[serde(default)]
    links: Option<String>,
    #[serde(default)]
    pubtime: Option<String>,
}

/// Normalises an index file. A line that does not parse is skipped with a
/// note; a file where no line parses is an error (it is not an index file).
pub fn parse(body: &[u8], registry: &str, name: &str) -> Result<PackageFacts, String> {
    let text = std::str::from_utf8(body).map_err(|e| format!("index file is not UTF-8: {e}"))?;
    let mut facts = PackageFacts {
        ecosystem: Ecosystem::Cargo,
        registry: registry.to_string(),
        name: name.to_string(),
        ..PackageFacts::default()
    };
    let mut first_error = None;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let entry: IndexLine = match serde_json::from_str(line) {
            Ok(entry) => entry,
            Err(e) => {
                let why = json_error_on_line(i + 1, &e);
                facts.notes.push(format!("{why}; version line skipped"));
                first_error.get_or_insert(why);
                continue;
            }
        };
        let published = entry.pubtime.as_deref().and_then(timestamp);
        if entry.pubtime.is_some() && published.is_none() {
            facts.notes.push(format!(
                "line {}: pubtime {:?} is not a time; publication time unknown",
                i + 1,
                entry.pubtime.as_deref().unwrap_or_default()
            ));
        }
        let mut checksums = Vec::new();
        match entry.cksum {
            Some(sum) if sum.len() == 64 && sum.bytes().all(|b| b.is_ascii_hexdigit()) => checksums
                .push(Hash {
                    alg: HashAlg::Sha256,
                    value: sum.to_ascii_lowercase(),
                }),
            Some(sum) => facts.notes.push(format!(
                "line {}: cksum {sum:?} is not a SHA-256 in hex; ignored",
                i + 1
            )),
            None => {}
        }
        facts.versions.push(ReleaseFacts {
            version: entry.vers,
            published,
            yanked: Some(entry.yanked.unwrap_or(false)),
            checksums,
            // `links` means a build script (it links a native library);
            // without it the index cannot tell whether there is one.
            install_scripts: entry.links.map(|_| true),
            ..ReleaseFacts::default()
        });
    }
    if facts.versions.is_empty()
        && let Some(error) = first_error
    {
        return Err(error);
    }
    facts.latest = highest_version(&facts.versions);
    Ok(facts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_paths_follow_name_length_and_ignore_case() {
        assert_eq!(index_path("a"), "1/a");
        assert_eq!(index_path("ab"), "2/ab");
        assert_eq!(index_path("abc"), "3/a/abc");
        assert_eq!(index_path("cfg-if"), "cf/g-/cfg-if");
        assert_eq!(index_path("Inflector"), "in/fl/inflector");
    }

    #[test]
    fn missing_pubtime_is_unknown_and_yanked_versions_are_not_latest() {
        let body = concat!(
            r#"{"name":"x","vers":"0.1.0","yanked":false,"cksum":"#,
            r#""AB00000000000000000000000000000000000000000000000000000000000000"}"#,
            "\n",
            r#"{"name":"x","vers":"0.2.0","cksum":"00","yanked":true,"pubtime":"2024-05-01T10:00:00Z","deps":[{"name":"y"}]}"#,
            "\n",
            r#"{"name":"x","vers":"0.3.0-rc.1","yanked":false,"pubtime":"yesterday"}"#,
            "\n",
        );
        let facts = parse(body.as_bytes(), "r", "x").unwrap();
        let v: Vec<_> = facts.versions.iter().map(|r| r.version.as_str()).collect();
        assert_eq!(v, ["0.1.0", "0.2.0", "0.3.0-rc.1"]);
        assert_eq!(facts.versions[0].published, None);
        assert_eq!(facts.versions[0].checksums[0].value.len(), 64);
        assert!(facts.versions[0].checksums[0].value.starts_with("ab"));
        assert_eq!(
            facts.versions[1].published.as_deref(),
            Some("2024-05-01T10:00:00Z")
        );
        assert_eq!(facts.versions[1].yanked, Some(true));
        assert!(facts.versions[1].checksums.is_empty());
        assert_eq!(facts.versions[2].published, None);
        assert_eq!(facts.latest.as_deref(), Some("0.1.0"));
        assert_eq!(facts.versions[0].install_scripts, None);
        assert_eq!(facts.notes.len(), 2, "{:?}", facts.notes);
    }

    #[test]
    fn a_bad_line_is_skipped_but_a_file_of_bad_lines_is_an_error() {
        let body = "{\"vers\":\"1.0.0\",\"links\":\"z\"}\n{\"vers\": 1}\n";
        let facts = parse(body.as_bytes(), "r", "x").unwrap();
        assert_eq!(facts.versions.len(), 1);
        assert_eq!(facts.versions[0].install_scripts, Some(true));
        assert!(
            facts.notes[0].starts_with("unexpected JSON at line 2 column "),
            "{:?}",
            facts.notes
        );
        let err = parse(b"<html>\n<body>oops</body>", "r", "x").unwrap_err();
        assert!(err.contains("line 1 column"), "{err}");
    }
}
