//! RustSec advisories: a Markdown file whose TOML front matter sits in a
//! leading ```` ```toml ```` fence (`[advisory]`, `[versions]`, `[affected]`).
//! Errors name the line in the Markdown file, not in the fence.

use serde::Deserialize;

use super::{Advisory, AdvisorySeverity, Affected, AffectedPackage, Kind};
use crate::model::{Ecosystem, InputError, Position};

#[derive(Deserialize)]
struct FrontMatter {
    advisory: AdvisoryTable,
    #[serde(default)]
    versions: VersionsTable,
}

#[derive(Deserialize)]
struct AdvisoryTable {
    id: String,
    package: String,
    date: toml::Value,
    #[serde(default)]
    informational: Option<String>,
    /// A date when the advisory was withdrawn; RustSec writes it as text.
    #[serde(default)]
    withdrawn: Option<toml::Value>,
    #[serde(default)]
    aliases: Vec<String>,
    #[serde(default)]
    title: Option<String>,
    /// A CVSS vector (`CVSS:3.1/…`, `CVSS:4.0/…`).
    #[serde(default)]
    cvss: Option<String>,
}

#[derive(Default, Deserialize)]
struct VersionsTable {
    #[serde(default)]
    patched: Vec<String>,
    #[serde(default)]
    unaffected: Vec<String>,
}

/// Reads one advisory file; `Ok(None)` for a withdrawn advisory.
pub fn parse(file: &str, text: &str) -> Result<Option<Advisory>, InputError> {
    let err = |line: Option<usize>, message: String| {
        InputError::in_file(file, line.map(Position::line), message)
    };
    // The fence: the first non-blank line opens it, the next ``` line closes it.
    let mut lines = text
        .lines()
        .enumerate()
        .skip_while(|(_, l)| l.trim().is_empty());
    match lines.next() {
        Some((_, l)) if l.trim() == "```toml" => {}
        Some((n, _)) => {
            return Err(err(
                Some(n + 1),
                "expected the TOML front matter to open with a ```toml line".to_string(),
            ));
        }
        None => {
            return Err(err(
                None,
                "empty file: expected a ```toml front matter".into(),
            ));
        }
    }
    let start_line = lines.clone().next().map_or(0, |(n, _)| n);
    let Some(end_line) = lines.find(|(_, l)| l.trim() == "```").map(|(n, _)| n) else {
        return Err(err(
            None,
            "the ```toml front matter is never closed by a ``` line".to_string(),
        ));
    };
    let body: String = text
        .lines()
        .skip(start_line)
        .take(end_line - start_line)
        .flat_map(|l| [l, "\n"])
        .collect();
    let front: FrontMatter = toml::from_str(&body).map_err(|e| {
        let line = e.span().map(|s| {
            body.as_bytes()[..s.start.min(body.len())]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1
                + start_line
        });
        err(
            line,
            format!("invalid advisory front matter: {}", e.message()),
        )
    })?;
    let a = front.advisory;
    if a.withdrawn.is_some() {
        return Ok(None);
    }
    // Where a key sits, for errors about its value.
    let line_of = |needle: &str| {
        text.lines()
            .take(end_line)
            .position(|l| l.contains(needle))
            .map(|n| n + 1)
    };
    let date = match &a.date {
        toml::Value::String(s) => s.clone(),
        toml::Value::Datetime(d) => d.to_string(),
        other => {
            return Err(err(
                line_of("date"),
                format!("[advisory] date: expected a date \"YYYY-MM-DD\", found {other}"),
            ));
        }
    };
    if jiff::civil::Date::strptime("%Y-%m-%d", date.get(..10).unwrap_or(&date)).is_err() {
        return Err(err(
            line_of("date"),
            format!("[advisory] date: expected a date \"YYYY-MM-DD\", found {date:?}"),
        ));
    }
    let requirements =
        |list: &[String], key: &str| -> Result<Vec<semver::VersionReq>, InputError> {
            list.iter()
                .map(|r| {
                    semver::VersionReq::parse(r).map_err(|e| {
                        err(
                            line_of(&format!("\"{r}\"")),
                            format!("[versions] {key}: {r:?} is not a semver requirement: {e}"),
                        )
                    })
                })
                .collect()
        };
    let patched = requirements(&front.versions.patched, "patched")?;
    let unaffected = requirements(&front.versions.unaffected, "unaffected")?;
    let title = text
        .lines()
        .skip(end_line + 1)
        .find_map(|l| l.strip_prefix("# "))
        .map(|t| t.trim().to_string())
        .or(a.title);
    Ok(Some(Advisory {
        id: a.id,
        kind: Kind::from_informational(a.informational.as_deref()),
        date: Some(date.get(..10).unwrap_or(&date).to_string()),
        updated: None,
        aliases: a.aliases,
        title,
        file: file.to_string(),
        severity: AdvisorySeverity {
            cvss: a
                .cvss
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
                .into_iter()
                .collect(),
            stated: None,
        },
        packages: vec![AffectedPackage {
            ecosystem: Ecosystem::Cargo,
            name: a.package,
            versions: Affected::Requirements {
                patched,
                unaffected,
            },
        }],
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::advisory::Match;

    const UNMAINTAINED: &str = r#"```toml
[advisory]
id = "RUSTSEC-2020-0036"
package = "failure"
date = "2020-05-02"
informational = "unmaintained"
aliases = ["GHSA-jq66-xh47-j9f3"]

[versions]
patched = []
unaffected = ["< 0.1.0"]
```

# failure is officially deprecated/unmaintained

The `failure` crate is officially end-of-life.
"#;

    #[test]
    fn reads_front_matter_and_title() {
        let a = parse("crates/failure/RUSTSEC-2020-0036.md", UNMAINTAINED)
            .unwrap()
            .unwrap();
        assert_eq!(a.id, "RUSTSEC-2020-0036");
        assert_eq!(a.kind, Kind::Unmaintained);
        assert_eq!(a.date.as_deref(), Some("2020-05-02"));
        assert_eq!(
            a.title.as_deref(),
            Some("failure is officially deprecated/unmaintained")
        );
        let p = &a.packages[0];
        assert_eq!(p.name, "failure");
        assert!(!p.has_fix());
        assert_eq!(p.matches("0.1.8"), Match::Affected);
        assert_eq!(p.matches("0.0.9"), Match::NotAffected);
        assert!(matches!(p.matches("0.1"), Match::Unknown(_)));
    }

    #[test]
    fn patched_versions_are_not_affected() {
        let text = UNMAINTAINED.replace(
            "patched = []",
            "patched = [\">= 0.2.0, < 0.3.0\", \">= 1.0.0\"]",
        );
        let a = parse("x.md", &text).unwrap().unwrap();
        let p = &a.packages[0];
        assert!(p.has_fix());
        assert_eq!(p.matches("0.2.5"), Match::NotAffected);
        assert_eq!(p.matches("0.3.1"), Match::Affected);
        assert_eq!(p.matches("1.4.0"), Match::NotAffected);
    }

    #[test]
    fn withdrawn_advisories_are_skipped() {
        let text = UNMAINTAINED.replace(
            "informational = \"unmaintained\"",
            "informational = \"unmaintained\"\nwithdrawn = \"2021-01-01\"",
        );
        assert!(parse("x.md", &text).unwrap().is_none());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
        /// Whatever the bytes, an advisory file gives an advisory or an error, never a panic.
        #[test]
        fn arbitrary_front_matter_never_panics(body in "(\\PC|\n){0,200}", cut in 0usize..400) {
            let text = format!("```toml\n{body}\n```\n");
            let _ = parse("x.md", &text);
            // A real advisory cut anywhere.
            let real = UNMAINTAINED;
            let at = (0..=cut.min(real.len())).rev().find(|&i| real.is_char_boundary(i)).unwrap_or(0);
            let _ = parse("x.md", &real[..at]);
        }
    }

    #[test]
    fn errors_name_the_line_in_the_markdown_file() {
        // Line 6 of the file: a string never closed.
        let text = UNMAINTAINED.replace(
            "informational = \"unmaintained\"",
            "informational = \"unmaint",
        );
        let e = parse("crates/failure/RUSTSEC-2020-0036.md", &text).unwrap_err();
        assert_eq!(e.line(), Some(6), "{e}");
        assert!(
            e.to_string()
                .starts_with("crates/failure/RUSTSEC-2020-0036.md:6: "),
            "{e}"
        );

        let text = UNMAINTAINED.replace("patched = []", "patched = [\">= one\"]");
        let e = parse("x.md", &text).unwrap_err();
        assert_eq!(e.line(), Some(10), "{e}");
        assert!(e.message.contains("not a semver requirement"), "{e}");

        let e = parse("x.md", "# no front matter\n").unwrap_err();
        assert_eq!(e.line(), Some(1));
        let e = parse("x.md", "```toml\n[advisory]\n").unwrap_err();
        assert!(e.message.contains("never closed"), "{e}");
        let text = UNMAINTAINED.replace("package = \"failure\"\n", "");
        let e = parse("x.md", &text).unwrap_err();
        assert!(e.message.contains("package"), "{e}");
    }
}
