//! Go module proxy client.
//!
//! A module takes several documents: `@v/list` (released versions, one per
//! line, no times), `@latest`, and `@v/{version}.info` (`Version`, `Time`,
//! and on recent proxies `Origin` with the VCS URL) for each version in use,
//! since pseudo-versions are never listed. Paths are case-encoded (`!a` for
//! `A`). The proxy records no yanks (retractions live in go.mod), no
//! maintainers and no checksums (those are in the checksum database), so
//! those facts stay unknown. The requests are not conditional: the documents
//! are small and `.info` never changes.

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
    };
    let parse_info = |url: &url::Url, got: Got| -> Result<Option<Info>, String> {
        match got {
            Got::Body { bytes, .. } => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|e| format!("GET {url}: {}", json_error(&e))),
            Got::NotFound => Ok(None),
            Got::NotModified => Err(format!("GET {url}: unexpected 304")),
            Got::Failed(why) => Err(why),
        }
    };
    let latest = match parse_info(&latest_url, latest) {
        Ok(latest) => latest,
        Err(e) => return Fetched::Failed(e),
    };
    let mut wanted_infos = Vec::new();
    for (url, got) in info_urls.iter().zip(infos) {
        match parse_info(url, got) {
            Ok(Some(info)) => wanted_infos.push(info),
            // Not served: the version does not exist at this proxy.
            Ok(None) => {}
            Err(e) => return Fetched::Failed(e),
        }
    }
    match assemble(&list, latest, wanted_infos, target.base.as_str(), module) {
        Ok(facts) => Fetched::Facts {
            facts,
            validators: Validators::default(),
        },
        Err(e) => Fetched::Failed(format!("GET {list_url}: {e}")),
    }
}

/// Builds the facts from the version list and the `.info` documents read.
fn assemble(
    list: &[u8],
    latest: Option<Info>,
    infos: Vec<Info>,
    registry: &str,
    module: &str,
) -> Result<PackageFacts, String> {
    let list = std::str::from_utf8(list).map_err(|e| format!("version list is not UTF-8: {e}"))?;
    let mut facts = PackageFacts {
        ecosystem: Ecosystem::Golang,
        registry: registry.to_string(),
        name: module.to_string(),
        ..PackageFacts::default()
    };
    for line in list.lines() {
        // A line may carry more after the version (older proxies); the version comes first.
        if let Some(version) = line.split_whitespace().next() {
            if !version.starts_with('v') {
                return Err(format!("version list line {line:?} is not a Go version"));
            }
            facts.versions.push(ReleaseFacts {
                version: version.to_string(),
                ..ReleaseFacts::default()
            });
        }
    }
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
    let origin_url = infos
        .iter()
        .chain(latest.as_ref())
        .find_map(|i| i.origin.as_ref()?.url.clone());
    facts.latest = latest
        .map(|l| l.version)
        .or_else(|| highest_version(&facts.versions));
    facts.repository = origin_url.or_else(|| repository_from_path(module));
    Ok(facts)
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
            b"v1.0.0\nv1.1.0\nv2.0.0-beta.1\n",
            Some(info("v1.1.0", "2021-01-01T00:00:00Z")),
            vec![info(
                "v0.0.0-20200101000000-abcdefabcdef",
                "2020-01-01T00:00:00Z",
            )],
            "r",
            "github.com/o/r/sub",
        )
        .unwrap();
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
        let facts = assemble(
            b"v1.0.0\nv1.10.0\nv1.9.0\nv2.0.0-rc.1\n",
            None,
            vec![],
            "r",
            "golang.org/x/text",
        )
        .unwrap();
        assert_eq!(facts.latest.as_deref(), Some("v1.10.0"));
        assert_eq!(facts.repository, None);
        assert!(assemble(b"<html>\n", None, vec![], "r", "m").is_err());
    }
}
