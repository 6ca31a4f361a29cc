//! PyPI JSON API client.
//!
//! `/pypi/{name}/json` (the endpoint is the API base, `…/pypi/`) lists every
//! release with its files: upload times, yanked flags, digests and package
//! types. A release's time is its first upload; it is yanked when every file
//! is; it is sdist-only when no file is a built distribution. The project's
//! owners come from `ownership.roles` where the index gives them, and the
//! organisation that owns it from `ownership.organization`.

use serde::Deserialize;
use std::collections::BTreeMap;

use super::client::{
    Fetched, Validators, fetch_plain_named, is_vcs_host_url, json_error, timestamp,
};
use super::http::Target;
use crate::model::{Ecosystem, Hash, HashAlg, PackageFacts, ReleaseFacts};

/// The classifier that marks a project as no longer developed.
const INACTIVE: &str = "Development Status :: 7 - Inactive";

pub(crate) async fn fetch(
    target: &Target<'_>,
    name: &str,
    validators: Option<&Validators>,
) -> Fetched {
    // PEP 503 names are lower-case letters, digits and `-`.
    let path = |name: &str| format!("{name}/json");
    fetch_plain_named(target, name, "PyPI project name", path, validators, parse).await
}

#[derive(Deserialize)]
struct Project {
    info: Info,
    #[serde(default)]
    releases: Option<BTreeMap<String, Vec<File>>>,
    #[serde(default)]
    ownership: Option<Ownership>,
    /// PEP 792 project status, as the Simple JSON API spells it.
    #[serde(default, rename = "project-status")]
    project_status: Option<ProjectStatus>,
}

#[derive(Deserialize)]
struct Info {
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    classifiers: Vec<String>,
    #[serde(default)]
    project_urls: Option<BTreeMap<String, Option<String>>>,
    #[serde(default)]
    home_page: Option<String>,
    #[serde(default)]
    license_expression: Option<String>,
    #[serde(default)]
    license: Option<String>,
    #[serde(default)]
    project_status: Option<ProjectStatus>,
}

#[derive(Deserialize)]
struct File {
    #[serde(default)]
    packagetype: Option<String>,
    #[serde(default)]
    upload_time_iso_8601: Option<String>,
    #[serde(default)]
    yanked: Option<bool>,
    #[serde(default)]
    yanked_reason: Option<String>,
    #[serde(default)]
    digests: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct Ownership {
    #[serde(default)]
    roles: Vec<Role>,
    /// The organisation that owns the project, or null.
    #[serde(default)]
    organization: Option<String>,
}

#[derive(Deserialize)]
struct Role {
    user: String,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ProjectStatus {
    Marker {
        status: String,
        #[serde(default)]
        reason: Option<String>,
    },
    Plain(String),
}

/// Normalises a project's JSON document.
pub fn parse(body: &[u8], registry: &str, name: &str) -> Result<PackageFacts, String> {
    let project: Project = serde_json::from_slice(body).map_err(|e| json_error(&e))?;
    let info = project.info;
    let mut facts = PackageFacts {
        ecosystem: Ecosystem::Pypi,
        registry: registry.to_string(),
        name: name.to_string(),
        latest: info.version.clone().filter(|v| !v.is_empty()),
        ..PackageFacts::default()
    };

    let status = project.project_status.or(info.project_status);
    facts.deprecated = match status {
        Some(ProjectStatus::Marker { status, reason })
            if matches!(status.as_str(), "archived" | "deprecated" | "quarantined") =>
        {
            Some(match reason.filter(|r| !r.trim().is_empty()) {
                Some(reason) => format!("project status {status}: {reason}"),
                None => format!("project status {status}"),
            })
        }
        Some(ProjectStatus::Plain(status))
            if matches!(status.as_str(), "archived" | "deprecated" | "quarantined") =>
        {
            Some(format!("project status {status}"))
        }
        _ => None,
    }
    .or_else(|| {
        info.classifiers
            .iter()
            .find(|c| c.trim() == INACTIVE)
            .cloned()
    });

    facts.organization = project
        .ownership
        .as_ref()
        .and_then(|o| o.organization.as_deref())
        .map(str::trim)
        .filter(|o| !o.is_empty())
        .map(str::to_string);
    facts.maintainers = project.ownership.map(|o| {
        let mut users: Vec<String> = Vec::new();
        for role in o.roles {
            if !users.contains(&role.user) {
                users.push(role.user);
            }
        }
        users
    });
    facts.repository = repository(info.project_urls.as_ref(), info.home_page.as_deref());
    facts.license = license(&info.license_expression, &info.license, &info.classifiers);

    for (version, files) in project.releases.unwrap_or_default() {
        // A yank's reason is not a deprecation: it goes to the notes.
        if !files.is_empty()
            && files.iter().all(|f| f.yanked == Some(true))
            && let Some(reason) = files
                .iter()
                .find_map(|f| f.yanked_reason.as_deref())
                .filter(|r| !r.trim().is_empty())
        {
            facts.notes.push(format!("{version} yanked: {reason}"));
        }
        facts.versions.push(release(version, &files));
    }
    Ok(facts)
}

fn release(version: String, files: &[File]) -> ReleaseFacts {
    if files.is_empty() {
        // A release whose files were all deleted: listed, nothing else known.
        return ReleaseFacts {
            version,
            ..ReleaseFacts::default()
        };
    }
    let published = files
        .iter()
        .filter_map(|f| f.upload_time_iso_8601.as_deref().and_then(timestamp))
        .min();
    let yanked = files.iter().all(|f| f.yanked == Some(true));
    let checksums = files
        .iter()
        .filter_map(|f| f.digests.get("sha256"))
        .filter(|d| d.len() == 64 && d.bytes().all(|b| b.is_ascii_hexdigit()))
        .map(|d| Hash {
            alg: HashAlg::Sha256,
            value: d.to_ascii_lowercase(),
        })
        .collect();
    let types: Vec<&str> = files
        .iter()
        .filter_map(|f| f.packagetype.as_deref())
        .collect();
    ReleaseFacts {
        version,
        published,
        yanked: Some(yanked),
        deprecated: None,
        checksums,
        install_scripts: None,
        publisher: None,
        sdist_only: (!types.is_empty()).then(|| types.iter().all(|t| *t == "sdist")),
    }
}

/// A project URL labelled as the source, else any URL on a source-code host.
fn repository(
    urls: Option<&BTreeMap<String, Option<String>>>,
    home: Option<&str>,
) -> Option<String> {
    let labelled = [
        "source",
        "source code",
        "repository",
        "code",
        "github",
        "gitlab",
    ];
    let urls: Vec<(&str, &str)> = urls
        .into_iter()
        .flatten()
        .filter_map(|(label, url)| Some((label.as_str(), url.as_deref()?.trim())))
        .filter(|(_, url)| url.starts_with("http://") || url.starts_with("https://"))
        .collect();
    let chosen = urls
        .iter()
        .find(|(label, _)| labelled.contains(&label.trim().to_ascii_lowercase().as_str()))
        .map(|(_, url)| *url)
        .or_else(|| {
            urls.iter()
                .map(|(_, url)| *url)
                .find(|u| is_vcs_host_url(u))
        })
        .or_else(|| home.map(str::trim).filter(|u| is_vcs_host_url(u)))?;
    Some(chosen.trim_end_matches('/').to_string())
}

/// `license_expression`, else a short `license` (some projects paste the
/// whole licence text there), else the classifier's licence name.
fn license(
    expression: &Option<String>,
    text: &Option<String>,
    classifiers: &[String],
) -> Option<String> {
    let usable = |s: &Option<String>| {
        s.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty() && s.len() <= 100 && !s.contains('\n'))
            .map(str::to_string)
    };
    usable(expression).or_else(|| usable(text)).or_else(|| {
        classifiers
            .iter()
            .filter_map(|c| c.strip_prefix("License :: "))
            .map(|c| c.rsplit(" :: ").next().unwrap_or(c).trim().to_string())
            .find(|c| !c.is_empty())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(json: &str) -> PackageFacts {
        parse(json.as_bytes(), "https://registry.example/pypi/", "p").unwrap()
    }

    #[test]
    fn releases_are_judged_by_their_files() {
        let f = facts(
            r#"{"info": {"version": "2.0"}, "releases": {
                "0.9": [],
                "1.0": [{"packagetype": "sdist", "upload_time_iso_8601": "2020-01-02T00:00:00.000000Z",
                         "yanked": true, "yanked_reason": "broken", "digests": {"sha256": "AA00000000000000000000000000000000000000000000000000000000000000", "md5": "x"}}],
                "2.0": [{"packagetype": "sdist", "upload_time_iso_8601": "2021-01-02T00:00:00.000000Z", "yanked": false},
                        {"packagetype": "bdist_wheel", "upload_time_iso_8601": "2021-01-01T12:00:00.000000Z", "yanked": true}]}}"#,
        );
        let by = |v: &str| f.versions.iter().find(|r| r.version == v).unwrap();
        assert_eq!(by("0.9").published, None);
        assert_eq!(by("0.9").yanked, None);
        assert_eq!(by("0.9").sdist_only, None);
        assert_eq!(by("1.0").yanked, Some(true));
        assert_eq!(by("1.0").deprecated, None);
        assert_eq!(f.notes, ["1.0 yanked: broken"]);
        assert_eq!(by("1.0").sdist_only, Some(true));
        assert_eq!(by("1.0").checksums[0].value[..4], *"aa00");
        assert_eq!(by("2.0").yanked, Some(false));
        assert_eq!(by("2.0").sdist_only, Some(false));
        assert_eq!(by("2.0").published.as_deref(), Some("2021-01-01T12:00:00Z"));
        assert_eq!(f.latest.as_deref(), Some("2.0"));
        assert_eq!(f.maintainers, None, "no ownership block: unknown");
    }

    #[test]
    fn end_of_life_from_classifier_or_project_status() {
        let f = facts(r#"{"info": {"classifiers": ["Development Status :: 7 - Inactive"]}}"#);
        assert_eq!(f.deprecated.as_deref(), Some(INACTIVE));
        let f = facts(
            r#"{"info": {"classifiers": []}, "project-status": {"status": "archived", "reason": "moved"}}"#,
        );
        assert_eq!(
            f.deprecated.as_deref(),
            Some("project status archived: moved")
        );
        let f = facts(r#"{"info": {"project_status": "active"}}"#);
        assert_eq!(f.deprecated, None);
    }

    #[test]
    fn repository_prefers_a_labelled_source_url() {
        let f = facts(
            r#"{"info": {"project_urls": {"Documentation": "https://docs.example/", "Source": "https://git.example/o/r/"},
                          "home_page": "https://github.com/o/home"}}"#,
        );
        assert_eq!(f.repository.as_deref(), Some("https://git.example/o/r"));
        let f =
            facts(r#"{"info": {"project_urls": null, "home_page": "https://github.com/o/home"}}"#);
        assert_eq!(f.repository.as_deref(), Some("https://github.com/o/home"));
        let f = facts(r#"{"info": {"home_page": "https://project.example/"}}"#);
        assert_eq!(f.repository, None);
    }

    #[test]
    fn licence_skips_pasted_texts() {
        let long = "Permission is hereby granted ".repeat(10);
        let f = facts(&format!(
            r#"{{"info": {{"license": "{long}", "classifiers": ["License :: OSI Approved :: MIT License"]}}}}"#
        ));
        assert_eq!(f.license.as_deref(), Some("MIT License"));
        let f = facts(r#"{"info": {"license_expression": "MIT OR Apache-2.0", "license": "x"}}"#);
        assert_eq!(f.license.as_deref(), Some("MIT OR Apache-2.0"));
    }

    #[test]
    fn a_document_without_info_is_an_error() {
        let err = parse(b"{\"releases\": {}}", "r", "p").unwrap_err();
        assert!(err.contains("missing field `info`"), "{err}");
    }
}
