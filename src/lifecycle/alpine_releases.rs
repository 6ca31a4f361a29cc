//! Alpine's own release data, `releases.json` as the Alpine project
//! publishes it beside its releases page: `release_branches[]`, each with its
//! `rel_branch` (`v3.20`), `branch_date`, `eol_date` (the end of support of
//! `main`) and per-repository `repos[]` with their own `eol_date` (`community`
//! is supported only until the next stable branch). Not bundled: no copy
//! whose source could be cited was at hand; a lab points
//! `CHAINRISK_ALPINE_RELEASES` at the file it downloaded.

use std::collections::BTreeMap;

use jiff::civil::Date;
use serde::Deserialize;

use super::distro_info::{Period, ReleaseLife};
use crate::model::{InputError, Position};

#[derive(Deserialize)]
struct Releases {
    #[serde(default)]
    release_branches: Vec<Branch>,
}

#[derive(Deserialize)]
struct Branch {
    #[serde(default)]
    rel_branch: Option<String>,
    #[serde(default)]
    branch_date: Option<String>,
    #[serde(default)]
    eol_date: Option<String>,
    #[serde(default)]
    repos: Vec<Repo>,
}

#[derive(Deserialize)]
struct Repo {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    eol_date: Option<String>,
}

/// What releases.json says: each branch's life, and when each branch's
/// `community` repository stops being supported (by branch number, `3.20`).
#[derive(Debug, Default)]
pub struct AlpineReleases {
    pub releases: Vec<ReleaseLife>,
    pub community_ends: BTreeMap<String, Date>,
}

fn date(s: &Option<String>) -> Option<Date> {
    s.as_deref().and_then(|d| d.trim().get(..10)?.parse().ok())
}

/// Parses releases.json; `file` names it in errors. Branches without a
/// number (`edge`, `latest-stable`) are skipped.
pub fn parse(file: &str, text: &str) -> Result<AlpineReleases, InputError> {
    let doc: Releases = serde_json::from_str(text).map_err(|e| {
        InputError::in_file(
            file,
            Some(Position::line_col(e.line(), e.column())),
            format!("not Alpine's releases.json ({e})"),
        )
    })?;
    let mut out = AlpineReleases::default();
    for b in doc.release_branches {
        let Some(branch) = b.rel_branch.as_deref().map(str::trim) else {
            continue;
        };
        let Some(number) = branch.strip_prefix('v').filter(|n| n.contains('.')) else {
            continue;
        };
        let mut periods = Vec::new();
        if let Some(end) = date(&b.eol_date) {
            periods.push((Period::Regular, end));
        }
        for r in &b.repos {
            if r.name.as_deref() == Some("community")
                && let Some(end) = date(&r.eol_date)
            {
                out.community_ends.insert(number.to_string(), end);
            }
        }
        out.releases.push(ReleaseLife {
            distro: "alpine".to_string(),
            version: Some(number.to_string()),
            codename: branch.to_string(),
            released: date(&b.branch_date),
            periods,
            lts: false,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branches_give_their_dates_and_community_end() {
        let text = r#"{"latest_stable": "v3.20", "architectures": ["x86_64"],
          "release_branches": [
            {"rel_branch": "edge", "git_branch": "master", "arches": ["x86_64"]},
            {"rel_branch": "v3.20", "git_branch": "3.20-stable", "branch_date": "2024-05-22",
             "eol_date": "2026-04-01", "arches": ["x86_64"],
             "repos": [{"name": "main", "eol_date": "2026-04-01"}, {"name": "community", "eol_date": "2024-11-01"}],
             "releases": [{"version": "3.20.3", "date": "2024-09-06"}]}
          ]}"#;
        let r = parse("releases.json", text).unwrap();
        assert_eq!(r.releases.len(), 1, "edge has no number");
        let b = &r.releases[0];
        assert_eq!(
            (b.version.as_deref(), b.codename.as_str()),
            (Some("3.20"), "v3.20")
        );
        assert_eq!(
            b.periods,
            [(Period::Regular, "2026-04-01".parse().unwrap())]
        );
        assert_eq!(
            r.community_ends["3.20"],
            "2024-11-01".parse::<Date>().unwrap()
        );
        let e = parse("releases.json", "{\"release_branches\": 3}").unwrap_err();
        assert!(e.to_string().starts_with("releases.json:1:"), "{e}");
    }
}
