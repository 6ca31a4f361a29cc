//! npm registry client (packuments).
//!
//! The full packument (`/{name}`, a scoped name's `/` encoded) holds every
//! version with its deprecation, checksums, scripts and publisher, and the
//! publication `time` of every version ever published, including removed
//! ones. Fields vary in shape across the registry's history (`repository` as
//! a string or an object, `maintainers` as objects or `name <email>` strings),
//! so the document is read as a JSON value. Mirrors strip some fields: a
//! missing field is unknown (`None`), never `false` or empty.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use super::client::{Fetched, Validators, fetch_document, is_path_safe, json_error, timestamp};
use super::http::Target;
use crate::model::{Ecosystem, Hash, HashAlg, PackageFacts, ReleaseFacts, integrity_hashes};

/// The packument's path: `name`, or `@scope%2fname`.
pub fn packument_path(name: &str) -> String {
    name.replacen('/', "%2f", 1)
}

pub(crate) async fn fetch(
    target: &Target<'_>,
    name: &str,
    validators: Option<&Validators>,
) -> Fetched {
    // A scoped name is `@scope/name`: one `/`, after the scope.
    let scoped = name.starts_with('@') && name.matches('/').count() == 1;
    if !is_path_safe(name, b"@/!*'()") || (name.contains('/') && !scoped) || name[1..].contains('@')
    {
        return Fetched::Failed(format!("{name:?} is not an npm package name"));
    }
    fetch_document(
        target,
        &packument_path(name),
        validators,
        |body, registry| parse(body, registry, name),
    )
    .await
}

/// The parts of a packument the facts come from. Everything else (readmes,
/// dependencies: most of a large packument) is skipped while parsing, never
/// held in memory. Leaves whose shape varies stay JSON values.
#[derive(Deserialize)]
struct Packument {
    #[serde(default)]
    versions: BTreeMap<String, VersionDoc>,
    /// Version → publication time, plus `created`, `modified` and, for an
    /// unpublished package, `unpublished` (an object).
    #[serde(default)]
    time: BTreeMap<String, Value>,
    #[serde(default, rename = "dist-tags")]
    dist_tags: BTreeMap<String, Value>,
    #[serde(default)]
    maintainers: Option<Value>,
    #[serde(default)]
    repository: Option<Value>,
    #[serde(default)]
    license: Option<Value>,
}

#[derive(Deserialize)]
struct VersionDoc {
    #[serde(default)]
    deprecated: Option<Value>,
    #[serde(default)]
    scripts: Option<Value>,
    #[serde(default, rename = "hasInstallScript")]
    has_install_script: Option<Value>,
    #[serde(default)]
    repository: Option<Value>,
    #[serde(default)]
    license: Option<Value>,
    #[serde(default)]
    maintainers: Option<Value>,
    #[serde(default, rename = "_npmUser")]
    npm_user: Option<Value>,
    #[serde(default)]
    dist: Option<Dist>,
}

#[derive(Deserialize)]
struct Dist {
    #[serde(default)]
    integrity: Option<Value>,
    #[serde(default)]
    shasum: Option<Value>,
}

/// Normalises a packument.
pub fn parse(body: &[u8], registry: &str, name: &str) -> Result<PackageFacts, String> {
    let doc: Packument = serde_json::from_slice(body).map_err(|e| json_error(&e))?;
    let versions = &doc.versions;
    let times = &doc.time;
    let latest = doc
        .dist_tags
        .get("latest")
        .and_then(Value::as_str)
        .map(str::to_string);
    let latest_doc = latest.as_deref().and_then(|l| versions.get(l));
    let mut facts = PackageFacts {
        ecosystem: Ecosystem::Npm,
        registry: registry.to_string(),
        name: name.to_string(),
        latest,
        ..PackageFacts::default()
    };

    facts.repository = doc
        .repository
        .as_ref()
        .or_else(|| latest_doc?.repository.as_ref())
        .and_then(repository_url);
    facts.license = doc
        .license
        .as_ref()
        .or_else(|| latest_doc?.license.as_ref())
        .and_then(license_text);
    facts.maintainers = doc.maintainers.as_ref().and_then(account_names);
    if facts.maintainers.is_none()
        && let Some(names) = latest_doc
            .and_then(|v| v.maintainers.as_ref())
            .and_then(account_names)
    {
        // Some mirrors keep only the per-version list: the maintainers when
        // the latest version was published.
        facts.maintainers = Some(names);
        facts
            .notes
            .push("maintainers taken from the latest version's record".to_string());
    }

    for (version, doc) in versions {
        facts
            .versions
            .push(release(version, doc, times, &mut facts.notes));
    }

    // `time` keeps every version ever published; one missing from `versions` was removed.
    let unpublished = times.get("unpublished");
    for (version, when) in times {
        if matches!(version.as_str(), "created" | "modified" | "unpublished")
            || versions.contains_key(version)
        {
            continue;
        }
        facts.versions.push(ReleaseFacts {
            version: version.clone(),
            published: when.as_str().and_then(timestamp),
            yanked: Some(true),
            ..ReleaseFacts::default()
        });
    }
    if let Some(gone) = unpublished {
        let when = gone
            .get("time")
            .and_then(Value::as_str)
            .unwrap_or("an unknown time");
        facts
            .notes
            .push(format!("unpublished at {when}: every version was removed"));
        for version in gone
            .get("versions")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
        {
            if !facts.versions.iter().any(|r| r.version == version) {
                facts.versions.push(ReleaseFacts {
                    version: version.to_string(),
                    yanked: Some(true),
                    ..ReleaseFacts::default()
                });
            }
        }
        if facts.maintainers.is_none() {
            facts.maintainers = gone.get("maintainers").and_then(account_names);
        }
    }
    Ok(facts)
}

/// One entry of `versions`.
fn release(
    version: &str,
    doc: &VersionDoc,
    times: &BTreeMap<String, Value>,
    notes: &mut Vec<String>,
) -> ReleaseFacts {
    let published = times
        .get(version)
        .and_then(Value::as_str)
        .and_then(timestamp);
    let deprecated = doc
        .deprecated
        .as_ref()
        .and_then(Value::as_str)
        .filter(|m| !m.trim().is_empty())
        .map(str::to_string);
    let mut checksums = Vec::new();
    if let Some(dist) = &doc.dist {
        if let Some(sri) = dist.integrity.as_ref().and_then(Value::as_str) {
            for hash in integrity_hashes(sri) {
                match hash {
                    Ok(h) => checksums.push(h),
                    Err(why) => notes.push(format!("{version}: {why}")),
                }
            }
        }
        if let Some(sha1) = dist.shasum.as_ref().and_then(Value::as_str) {
            let hex = sha1.to_ascii_lowercase();
            if hex.len() == 40 && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                let hash = Hash {
                    alg: HashAlg::Sha1,
                    value: hex,
                };
                if !checksums.contains(&hash) {
                    checksums.push(hash);
                }
            } else {
                notes.push(format!(
                    "{version}: shasum {sha1:?} is not SHA-1 hex; ignored"
                ));
            }
        }
    }
    ReleaseFacts {
        version: version.to_string(),
        published,
        yanked: Some(false),
        deprecated,
        checksums,
        install_scripts: install_scripts(doc),
        publisher: doc.npm_user.as_ref().and_then(account_name),
        sdist_only: None,
    }
}

/// `hasInstallScript`, else whether `scripts` has an install hook; `None` when neither is recorded.
fn install_scripts(doc: &VersionDoc) -> Option<bool> {
    if let Some(flag) = doc.has_install_script.as_ref().and_then(Value::as_bool) {
        return Some(flag);
    }
    let scripts = doc.scripts.as_ref()?.as_object()?;
    Some(
        ["preinstall", "install", "postinstall"]
            .iter()
            .any(|hook| scripts.contains_key(*hook)),
    )
}

/// `repository` as a string (URL or `host:owner/repo` / `owner/repo`
/// shorthand) or `{url}`, written as a URL without `git+`.
fn repository_url(value: &Value) -> Option<String> {
    let raw = match value {
        Value::String(s) => s.as_str(),
        Value::Object(o) => o.get("url")?.as_str()?,
        _ => return None,
    }
    .trim();
    if raw.is_empty() {
        return None;
    }
    let shorthand = [
        ("github:", "https://github.com/"),
        ("gitlab:", "https://gitlab.com/"),
        ("bitbucket:", "https://bitbucket.org/"),
    ];
    for (prefix, base) in shorthand {
        if let Some(rest) = raw.strip_prefix(prefix) {
            return Some(format!("{base}{rest}"));
        }
    }
    // `owner/repo` alone is GitHub shorthand in npm.
    if !raw.contains(':') && raw.matches('/').count() == 1 && !raw.starts_with('/') {
        return Some(format!("https://github.com/{raw}"));
    }
    Some(raw.strip_prefix("git+").unwrap_or(raw).to_string())
}

/// `license` as a string or the old `{type}` object.
fn license_text(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(s) => s.as_str(),
        Value::Object(o) => o.get("type")?.as_str()?,
        _ => return None,
    };
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

/// An account as `{name}` or `name <email>`.
fn account_name(value: &Value) -> Option<String> {
    let text = match value {
        Value::String(s) => s.split('<').next().unwrap_or(s),
        Value::Object(o) => o.get("name")?.as_str()?,
        _ => return None,
    };
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

fn account_names(value: &Value) -> Option<Vec<String>> {
    let mut names: Vec<String> = value.as_array()?.iter().filter_map(account_name).collect();
    names.dedup();
    Some(names)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(json: &str) -> PackageFacts {
        parse(json.as_bytes(), "https://registry.example/", "p").unwrap()
    }

    #[test]
    fn scoped_names_encode_their_slash() {
        assert_eq!(packument_path("@scope/name"), "@scope%2fname");
        assert_eq!(packument_path("plain"), "plain");
    }

    #[test]
    fn repository_as_string_or_object() {
        let f = facts(r#"{"repository": "github:o/r", "versions": {}}"#);
        assert_eq!(f.repository.as_deref(), Some("https://github.com/o/r"));
        let f = facts(r#"{"repository": "o/r"}"#);
        assert_eq!(f.repository.as_deref(), Some("https://github.com/o/r"));
        let f =
            facts(r#"{"repository": {"type": "git", "url": "git+https://gitlab.com/o/r.git"}}"#);
        assert_eq!(f.repository.as_deref(), Some("https://gitlab.com/o/r.git"));
        let f = facts(
            r#"{"dist-tags": {"latest": "1.0.0"}, "versions": {"1.0.0": {"repository": {"url": "git@github.com:o/r.git"}}}}"#,
        );
        assert_eq!(f.repository.as_deref(), Some("git@github.com:o/r.git"));
    }

    #[test]
    fn missing_maintainers_and_publishers_are_unknown() {
        let f = facts(
            r#"{"dist-tags": {"latest": "1.0.0"}, "time": {"1.0.0": "2020-01-01T00:00:00.000Z"},
                "versions": {"1.0.0": {"dist": {"shasum": "5B8A3A7765DFE001261DDE915589E782F8C94D1E"}}}}"#,
        );
        assert_eq!(f.maintainers, None);
        let r = &f.versions[0];
        assert_eq!(r.publisher, None);
        assert_eq!(r.deprecated, None);
        assert_eq!(r.install_scripts, None);
        assert_eq!(r.yanked, Some(false));
        assert_eq!(r.published.as_deref(), Some("2020-01-01T00:00:00Z"));
        assert_eq!(
            r.checksums[0].value,
            "5b8a3a7765dfe001261dde915589e782f8c94d1e"
        );
    }

    #[test]
    fn maintainers_as_objects_or_strings_and_scripts_decide_install_hooks() {
        let f = facts(
            r#"{"maintainers": [{"name": "ann", "email": "a@x"}, "bob <b@x>"],
                "versions": {
                  "1.0.0": {"_npmUser": {"name": "ann"}, "scripts": {"test": "t"}, "deprecated": ""},
                  "2.0.0": {"_npmUser": "bob <b@x>", "scripts": {"postinstall": "node i.js"}, "deprecated": "use q"},
                  "3.0.0": {"hasInstallScript": true}}}"#,
        );
        assert_eq!(
            f.maintainers,
            Some(vec!["ann".to_string(), "bob".to_string()])
        );
        let by = |v: &str| f.versions.iter().find(|r| r.version == v).unwrap();
        assert_eq!(by("1.0.0").install_scripts, Some(false));
        assert_eq!(by("1.0.0").deprecated, None);
        assert_eq!(by("1.0.0").publisher.as_deref(), Some("ann"));
        assert_eq!(by("2.0.0").install_scripts, Some(true));
        assert_eq!(by("2.0.0").deprecated.as_deref(), Some("use q"));
        assert_eq!(by("2.0.0").publisher.as_deref(), Some("bob"));
        assert_eq!(by("3.0.0").install_scripts, Some(true));
    }

    #[test]
    fn an_unpublished_packument_lists_every_version_as_removed() {
        let f = facts(
            r#"{"_id": "gone", "name": "gone", "time": {
                "created": "2015-01-01T00:00:00.000Z", "modified": "2016-01-01T00:00:00.000Z",
                "1.0.0": "2015-01-01T00:00:00.000Z",
                "unpublished": {"time": "2016-01-01T00:00:00.000Z", "versions": ["1.0.0", "1.1.0"],
                                "maintainers": [{"name": "ann"}]}}}"#,
        );
        assert_eq!(f.versions.len(), 2);
        assert!(f.versions.iter().all(|r| r.yanked == Some(true)));
        assert_eq!(
            f.versions[0].published.as_deref(),
            Some("2015-01-01T00:00:00Z")
        );
        assert_eq!(f.maintainers, Some(vec!["ann".to_string()]));
        assert!(
            f.notes[0].starts_with("unpublished at 2016-01-01"),
            "{:?}",
            f.notes
        );
    }

    #[test]
    fn integrity_becomes_lower_case_hex_and_bad_digests_are_noted() {
        let f = facts(
            r#"{"versions": {"1.0.0": {"dist": {
                "integrity": "sha512-XI5MPzVNApjAyhQzphX8BkmKsKUxD4LdyK24iZeQGinBN9yTQT3bFlCBy/aVx2HrNcqQGsdot8ghrjyrvMCoEA== sha256-!!",
                "shasum": "5b8a3a7765dfe001261dde915589e782f8c94d1e"}}}}"#,
        );
        let sums = &f.versions[0].checksums;
        assert_eq!(sums[0].alg, HashAlg::Sha512);
        assert!(
            sums[0].value.starts_with("5c8e4c3f354d0298c0ca1433a6"),
            "{}",
            sums[0].value
        );
        assert_eq!(sums[0].value.len(), 128);
        assert_eq!(sums[1].alg, HashAlg::Sha1);
        assert_eq!(f.notes.len(), 1, "{:?}", f.notes);
    }

    #[test]
    fn malformed_json_names_line_and_column() {
        let err = parse(b"{\n \"versions\": {,}\n}", "r", "p").unwrap_err();
        assert!(err.starts_with("malformed JSON at line 2 column"), "{err}");
    }
}
