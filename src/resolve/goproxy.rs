//! Go module proxy client.
//!
//! A module takes several documents: `@v/list` (released versions, one per
//! line, no times), `@latest`, and `@v/{version}.info` (`Version`, `Time`,
//! and on recent proxies `Origin` with the VCS URL) for each version in use,
//! since pseudo-versions are never listed; then the highest release's
//! `@v/{version}.mod`, whose `retract` directives mark versions as yanked and
//! whose `// Deprecated:` comment deprecates the module. Paths are
//! case-encoded (`!a` for `A`). The proxy records no maintainers and no
//! checksums (those are in the checksum database): those facts stay unknown.
//! The requests are not conditional: the documents are small, and `.info`
//! and `.mod` never change.

use futures_util::future::join_all;
use serde::Deserialize;

use super::client::{
    Fetched, Validators, highest_version, is_path_safe, is_vcs_host_url, json_error, timestamp,
};
use super::http::{Got, Target};
use crate::model::{Ecosystem, PackageFacts, ReleaseFacts};

/// Case-encodes a module path or version: each upper-case letter becomes `!` and its lower case.
pub fn escape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if c.is_ascii_uppercase() {
            out.push('!');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// An `.info` document (also the answer to `@latest`).
#[derive(Deserialize)]
struct Info {
    #[serde(rename = "Version")]
    version: String,
    #[serde(rename = "Time", default)]
    time: Option<String>,
    #[serde(rename = "Origin", default)]
    origin: Option<InfoOrigin>,
}

#[derive(Deserialize)]
struct InfoOrigin {
    #[serde(rename = "URL", default)]
    url: Option<String>,
}

pub(crate) async fn fetch(target: &Target<'_>, module: &str, wanted: &[String]) -> Fetched {
    if !is_path_safe(module, b"/") {
        return Fetched::Failed(format!("{module:?} is not a Go module path"));
    }
    let module_path = escape(module);
    let urls = (|| {
        let list = target.url(&format!("{module_path}/@v/list"))?;
        let latest = target.url(&format!("{module_path}/@latest"))?;
        // A version that cannot be a Go version is not asked for (and so not listed).
        let infos = wanted
            .iter()
            .filter(|v| is_path_safe(v, b"+"))
            .map(|v| target.url(&format!("{module_path}/@v/{}.info", escape(v))))
            .collect::<Result<Vec<_>, _>>()?;
        Ok::<_, String>((list, latest, infos))
    })();
    let (list_url, latest_url, info_urls) = match urls {
        Ok(urls) => urls,
        Err(e) => return Fetched::Failed(e),
    };
    let (list, latest, infos) = tokio::join!(
        target.get(&list_url, None),
        target.get(&latest_url, None),
        join_all(info_urls.iter().map(|u| target.get(u, None))),
    );
    let list = match list {
        Got::Body { bytes, .. } => bytes,
        Got::NotFound => return Fetched::NotFound,
        Got::NotModified => return Fetched::Failed(format!("GET {list_url}: unexpected 304")),
        Got::Failed(why) => return Fetched::Failed(why),
        Got::Unavailable(why) => return Fetched::Unavailable(why),
    };
    let listed = match listed_versions(&list) {
        Ok(listed) => listed,
        Err(e) => return Fetched::Failed(format!("GET {list_url}: {e}")),
    };
    // The error keeps whether the proxy may answer later (unavailable) or not.
    let parse_info = |url: &url::Url, got: Got| -> Result<Option<Info>, (String, bool)> {
        match got {
            Got::Body { bytes, .. } => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| (format!("GET {url}: {}", json_error(&e)), false)),
            Got::NotFound => Ok(None),
            Got::NotModified => Err((format!("GET {url}: unexpected 304"), false)),
            Got::Failed(why) => Err((why, false)),
            Got::Unavailable(why) => Err((why, true)),
        }
    };
    let failed = |(why, unavailable): (String, bool)| {
        if unavailable {
            Fetched::Unavailable(why)
        } else {
            Fetched::Failed(why)
        }
    };
    let latest = match parse_info(&latest_url, latest) {
        Ok(latest) => latest,
        Err(e) => return failed(e),
    };
    let mut wanted_infos = Vec::new();
    for (url, got) in info_urls.iter().zip(infos) {
        match parse_info(url, got) {
            Ok(Some(info)) => wanted_infos.push(info),
            // Not served: the version does not exist at this proxy.
            Ok(None) => {}
            Err(e) => return failed(e),
        }
    }
    // Retractions and the deprecation notice live in the go.mod of the
    // highest release, which may retract itself (so not always @latest's).
    let mod_version =
        highest_version(&listed).or_else(|| latest.as_ref().map(|l| l.version.clone()));
    let go_mod = match mod_version {
        Some(version) => {
            let url = match target.url(&format!("{module_path}/@v/{}.mod", escape(&version))) {
                Ok(url) => url,
                Err(e) => return Fetched::Failed(e),
            };
            match target.get(&url, None).await {
                Got::Body { bytes, .. } => {
                    Some((version, String::from_utf8_lossy(&bytes).into_owned()))
                }
                Got::NotFound => None,
                Got::NotModified => return Fetched::Failed(format!("GET {url}: unexpected 304")),
                Got::Failed(why) => return Fetched::Failed(why),
                Got::Unavailable(why) => return Fetched::Unavailable(why),
            }
        }
        None => None,
    };
    let facts = assemble(
        listed,
        latest,
        wanted_infos,
        go_mod.as_ref().map(|(v, text)| (v.as_str(), text.as_str())),
        target.base.as_str(),
        module,
    );
    Fetched::Facts {
        facts,
        validators: Validators::default(),
    }
}

/// The versions of an `@v/list` answer, one per line.
fn listed_versions(list: &[u8]) -> Result<Vec<ReleaseFacts>, String> {
    let list = std::str::from_utf8(list).map_err(|e| format!("version list is not UTF-8: {e}"))?;
    let mut versions = Vec::new();
    for line in list.lines() {
        // A line may carry more after the version (older proxies); the version comes first.
        if let Some(version) = line.split_whitespace().next() {
            if !version.starts_with('v') {
                return Err(format!("version list line {line:?} is not a Go version"));
            }
            versions.push(ReleaseFacts {
                version: version.to_string(),
                ..ReleaseFacts::default()
            });
        }
    }
    Ok(versions)
}

/// Builds the facts from the listed versions, the `.info` documents read and
/// the go.mod of the highest release (`(version, text)`), when served.
fn assemble(
    listed: Vec<ReleaseFacts>,
    latest: Option<Info>,
    infos: Vec<Info>,
    go_mod: Option<(&str, &str)>,
    registry: &str,
    module: &str,
) -> PackageFacts {
    let mut facts = PackageFacts {
        ecosystem: Ecosystem::Golang,
        registry: registry.to_string(),
        name: module.to_string(),
        versions: listed,
        ..PackageFacts::default()
    };
    for info in infos.iter().chain(latest.as_ref()) {
        let published = info.time.as_deref().and_then(timestamp);
        match facts
            .versions
            .iter_mut()
            .find(|r| r.version == info.version)
        {
            Some(release) => release.published = release.published.take().or(published),
            // Pseudo-versions and versions the list leaves out.
            None => facts.versions.push(ReleaseFacts {
                version: info.version.clone(),
                published,
                ..ReleaseFacts::default()
            }),
        }
    }
    if let Some((mod_version, text)) = go_mod {
        let notes = parse_go_mod(text);
        facts.deprecated = notes.deprecated;
        for release in &mut facts.versions {
            let retraction = notes.retracted.iter().find(|r| r.covers(&release.version));
            release.yanked = Some(retraction.is_some());
            if let Some(why) = retraction.and_then(|r| r.rationale.as_deref()) {
                facts
                    .notes
                    .push(format!("{} retracted: {why}", release.version));
            }
        }
        if !notes.retracted.is_empty() {
            facts
                .notes
                .push(format!("retractions read from the go.mod of {mod_version}"));
        }
    }
    let origin_url = infos
        .iter()
        .chain(latest.as_ref())
        .find_map(|i| i.origin.as_ref()?.url.clone());
    facts.latest = latest
        .map(|l| l.version)
        .or_else(|| highest_version(&facts.versions));
    facts.repository = origin_url.or_else(|| repository_from_path(module));
    facts
}

/// A `retract` directive: one version or an inclusive range.
#[derive(Debug, PartialEq)]
struct Retraction {
    low: String,
    high: String,
    rationale: Option<String>,
}

impl Retraction {
    fn covers(&self, version: &str) -> bool {
        let parse = |v: &str| semver::Version::parse(v.strip_prefix('v').unwrap_or(v)).ok();
        match (parse(version), parse(&self.low), parse(&self.high)) {
            (Some(v), Some(low), Some(high)) => low <= v && v <= high,
            _ => version == self.low || version == self.high,
        }
    }
}

/// What a go.mod says about the module's own versions.
#[derive(Debug, Default, PartialEq)]
struct ModNotes {
    /// The `Deprecated:` paragraph of the comment on the module directive.
    deprecated: Option<String>,
    retracted: Vec<Retraction>,
}

/// Reads the module directive's deprecation comment and the `retract`
/// directives (single, `[low, high]`, or in a block) of a go.mod file.
fn parse_go_mod(text: &str) -> ModNotes {
    let mut notes = ModNotes::default();
    // Comment lines right above the current line, for the next directive.
    let mut comments: Vec<String> = Vec::new();
    let mut in_retract_block = false;
    for line in text.lines() {
        let (code, comment) = match line.find("//") {
            Some(at) => (line[..at].trim(), Some(line[at + 2..].trim())),
            None => (line.trim(), None),
        };
        if code.is_empty() {
            match comment {
                Some(c) => comments.push(c.to_string()),
                None => comments.clear(),
            }
            continue;
        }
        let rationale = comment
            .map(str::to_string)
            .or_else(|| (!comments.is_empty()).then(|| comments.join(" ")))
            .filter(|c| !c.is_empty());
        if in_retract_block {
            if code == ")" {
                in_retract_block = false;
            } else if let Some(r) = retraction(code, rationale) {
                notes.retracted.push(r);
            }
        } else if let Some(rest) = code.strip_prefix("retract") {
            let rest = rest.trim();
            if rest == "(" {
                in_retract_block = true;
            } else if let Some(r) = retraction(rest, rationale) {
                notes.retracted.push(r);
            }
        } else if code.starts_with("module") {
            let mut block = comments.clone();
            block.extend(comment.map(str::to_string));
            notes.deprecated = deprecation(&block);
        }
        comments.clear();
    }
    notes
}

fn retraction(spec: &str, rationale: Option<String>) -> Option<Retraction> {
    let (low, high) = match spec.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
        Some(range) => {
            let (low, high) = range.split_once(',')?;
            (low.trim(), high.trim())
        }
        None => (spec, spec),
    };
    (low.starts_with('v') && high.starts_with('v')).then(|| Retraction {
        low: low.to_string(),
        high: high.to_string(),
        rationale,
    })
}

/// The paragraph of `comment_lines` that starts with `Deprecated:`, without that word.
fn deprecation(comment_lines: &[String]) -> Option<String> {
    let mut paragraphs: Vec<Vec<&str>> = vec![Vec::new()];
    for line in comment_lines {
        if line.is_empty() {
            paragraphs.push(Vec::new());
        } else if let Some(last) = paragraphs.last_mut() {
            last.push(line);
        }
    }
    paragraphs.iter().find_map(|p| {
        let text = p.join(" ");
        let message = text.strip_prefix("Deprecated:")?.trim().to_string();
        Some(if message.is_empty() {
            "deprecated".to_string()
        } else {
            message
        })
    })
}

/// On the big source hosts a module path names its repository: `host/owner/repo[/subdir]`.
fn repository_from_path(module: &str) -> Option<String> {
    let mut parts = module.splitn(4, '/');
    let (host, owner, repo) = (parts.next()?, parts.next()?, parts.next()?);
    let url = format!("https://{host}/{owner}/{repo}");
    is_vcs_host_url(&url).then_some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upper_case_letters_are_escaped() {
        assert_eq!(
            escape("github.com/BurntSushi/toml"),
            "github.com/!burnt!sushi/toml"
        );
        assert_eq!(escape("v1.0.0-RC1"), "v1.0.0-!r!c1");
    }

    #[test]
    fn pseudo_versions_join_the_list_and_times_come_from_info() {
        let info = |v: &str, t: &str| Info {
            version: v.to_string(),
            time: Some(t.to_string()),
            origin: None,
        };
        let facts = assemble(
            listed_versions(b"v1.0.0\nv1.1.0\nv2.0.0-beta.1\n").unwrap(),
            Some(info("v1.1.0", "2021-01-01T00:00:00Z")),
            vec![info(
                "v0.0.0-20200101000000-abcdefabcdef",
                "2020-01-01T00:00:00Z",
            )],
            None,
            "r",
            "github.com/o/r/sub",
        );
        let v: Vec<_> = facts.versions.iter().map(|r| r.version.as_str()).collect();
        assert_eq!(
            v,
            [
                "v1.0.0",
                "v1.1.0",
                "v2.0.0-beta.1",
                "v0.0.0-20200101000000-abcdefabcdef"
            ]
        );
        assert_eq!(facts.versions[0].published, None);
        assert_eq!(
            facts.versions[1].published.as_deref(),
            Some("2021-01-01T00:00:00Z")
        );
        assert_eq!(facts.latest.as_deref(), Some("v1.1.0"));
        assert_eq!(facts.repository.as_deref(), Some("https://github.com/o/r"));
        assert_eq!(facts.maintainers, None);
        assert!(facts.versions.iter().all(|r| r.yanked.is_none()));
    }

    #[test]
    fn without_latest_the_highest_release_is_latest_and_vanity_paths_have_no_repository() {
        let listed = listed_versions(b"v1.0.0\nv1.10.0\nv1.9.0\nv2.0.0-rc.1\n").unwrap();
        let facts = assemble(listed, None, vec![], None, "r", "golang.org/x/text");
        assert_eq!(facts.latest.as_deref(), Some("v1.10.0"));
        assert_eq!(facts.repository, None);
        assert!(listed_versions(b"<html>\n").is_err());
    }

    #[test]
    fn go_mod_retractions_and_deprecation_are_read() {
        let go_mod = "// Package comment that is not about deprecation.
//
// Deprecated: use example.com/new instead,
// which is maintained.
module example.com/old

go 1.21

require example.com/dep v1.0.0 // indirect

// Published by mistake.
retract v1.0.1
retract [v1.1.0, v1.2.0] // broken build
retract (
	v0.9.0 // leaked credentials
	[v0.5.0, v0.5.9]
)
";
        let notes = parse_go_mod(go_mod);
        assert_eq!(
            notes.deprecated.as_deref(),
            Some("use example.com/new instead, which is maintained.")
        );
        let spans: Vec<(&str, &str, Option<&str>)> = notes
            .retracted
            .iter()
            .map(|r| (r.low.as_str(), r.high.as_str(), r.rationale.as_deref()))
            .collect();
        assert_eq!(
            spans,
            [
                ("v1.0.1", "v1.0.1", Some("Published by mistake.")),
                ("v1.1.0", "v1.2.0", Some("broken build")),
                ("v0.9.0", "v0.9.0", Some("leaked credentials")),
                ("v0.5.0", "v0.5.9", None),
            ]
        );
        let listed = listed_versions(b"v0.5.3\nv1.0.0\nv1.0.1\nv1.1.5\nv1.3.0\n").unwrap();
        let facts = assemble(
            listed,
            None,
            vec![],
            Some(("v1.3.0", go_mod)),
            "r",
            "example.com/old",
        );
        let yanked: Vec<_> = facts.versions.iter().map(|r| r.yanked).collect();
        assert_eq!(
            yanked,
            [Some(true), Some(false), Some(true), Some(true), Some(false)]
        );
        assert_eq!(facts.latest.as_deref(), Some("v1.3.0"));
        assert!(facts.deprecated.is_some());
        assert!(
            facts
                .notes
                .contains(&"v1.0.1 retracted: Published by mistake.".to_string())
        );

        let plain = parse_go_mod("module example.com/m // Deprecated: gone\n");
        assert_eq!(plain.deprecated.as_deref(), Some("gone"));
        assert_eq!(
            parse_go_mod("// Deprecated: not on the module\n\nmodule m\n").deprecated,
            None
        );
    }
}
