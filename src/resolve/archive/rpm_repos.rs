//! Where the RPM repositories are: dnf's and yum's own `*.repo` files
//! (`/etc/yum.repos.d/`, INI sections with `baseurl`, `enabled`,
//! `gpgkey`, and the `$releasever`, `$basearch` and `$arch` variables), or
//! `--registry rpm=URL` naming one repository's base URL (repeatable; the
//! same variables allowed), with its environment and policy twins. A
//! repository given only by `metalink` or `mirrorlist` asks a mirror
//! service for its address; chainrisk does not, and says so.

use crate::model::InputError;
use std::path::{Path, PathBuf};

/// One repository: its base URL (a template) and what it publishes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RpmRepository {
    /// The section name (`fedora`, `updates`), or `rpm` for a flag.
    pub id: String,
    /// Base URL with `$releasever`/`$basearch` unexpanded.
    pub baseurl: String,
    /// `gpgkey` files (`file://` paths) that may sign `repomd.xml`.
    pub gpgkeys: Vec<PathBuf>,
    /// `--registry`, `CHAINRISK_REGISTRY_RPM`, or `FILE:LINE`.
    pub configured_by: String,
}

impl RpmRepository {
    /// The base URL for one release and architecture, ending in `/`.
    pub fn base(&self, releasever: &str, basearch: &str) -> String {
        let mut url = self
            .baseurl
            .replace("$releasever", releasever)
            .replace("${releasever}", releasever)
            .replace("$basearch", basearch)
            .replace("${basearch}", basearch)
            .replace("$arch", basearch)
            .replace("${arch}", basearch);
        if !url.ends_with('/') {
            url.push('/');
        }
        url
    }

    /// Whether the repository is the release's updates, by its id
    /// (`updates`, `updates-2`, `fedora-updates`; not `updates-testing`).
    pub fn is_updates(&self) -> bool {
        let id = self.id.to_ascii_lowercase();
        id == "updates"
            || id.ends_with("-updates")
            || id
                .strip_prefix("updates-")
                .is_some_and(|n| n.parse::<u32>().is_ok())
    }
}

/// The repositories found and what could not be used.
#[derive(Debug, Default)]
pub struct RpmConfig {
    pub repositories: Vec<RpmRepository>,
    pub problems: Vec<String>,
}

fn check_url(raw: &str) -> Result<String, InputError> {
    let raw = raw.trim();
    // The variables are not URL syntax: check the URL with them filled in.
    let probe = raw
        .replace("$releasever", "1")
        .replace("$basearch", "x")
        .replace("$arch", "x")
        .replace(['{', '}'], "");
    let url = url::Url::parse(&probe)
        .map_err(|e| InputError::new(format!("{raw:?} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(InputError::new(format!(
            "{raw:?}: only http and https repositories can be read (not {}:)",
            url.scheme()
        )));
    }
    Ok(raw.to_string())
}

/// A flag-configured repository, named `updates` when its URL is an
/// updates repository's (`…/updates/…`), else `release`; the `n`th of its
/// name gets `-n`.
pub fn from_flag(
    raw: &str,
    configured_by: &str,
    taken: &[RpmRepository],
) -> Result<RpmRepository, InputError> {
    let baseurl = check_url(raw)?;
    let stem = if baseurl.contains("/updates/") {
        "updates"
    } else {
        "release"
    };
    let same = taken
        .iter()
        .filter(|r| r.id == stem || r.id.starts_with(&format!("{stem}-")))
        .count();
    Ok(RpmRepository {
        id: if same == 0 {
            stem.to_string()
        } else {
            format!("{stem}-{}", same + 1)
        },
        baseurl,
        gpgkeys: Vec::new(),
        configured_by: configured_by.to_string(),
    })
}

/// Parses one `.repo` file; `file` names it in problems.
pub fn parse(text: &str, file: &str) -> RpmConfig {
    struct Section {
        id: String,
        line: usize,
        baseurl: Option<String>,
        mirrored: bool,
        enabled: bool,
        gpgkeys: Vec<PathBuf>,
    }
    let mut sections: Vec<Section> = Vec::new();
    let mut out = RpmConfig::default();
    // A value continues on lines that start with white space (baseurl lists).
    let mut last_key: Option<String> = None;
    for (i, raw) in text.lines().enumerate() {
        let n = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if let Some(id) = trimmed.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            sections.push(Section {
                id: id.trim().to_string(),
                line: n,
                baseurl: None,
                mirrored: false,
                enabled: true,
                gpgkeys: Vec::new(),
            });
            last_key = None;
            continue;
        }
        let Some(section) = sections.last_mut() else {
            out.problems.push(format!(
                "{file}:{n}: a setting before any [repository] section; ignored"
            ));
            continue;
        };
        let (key, value) = if raw.starts_with([' ', '\t']) && last_key.is_some() {
            (last_key.clone().unwrap_or_default(), trimmed.to_string())
        } else if let Some((k, v)) = trimmed.split_once('=') {
            (k.trim().to_ascii_lowercase(), v.trim().to_string())
        } else {
            out.problems
                .push(format!("{file}:{n}: not `key=value`; ignored"));
            continue;
        };
        last_key = Some(key.clone());
        match key.as_str() {
            // The first URL of a list: dnf tries them in order.
            "baseurl" if section.baseurl.is_none() => {
                section.baseurl = value
                    .split([',', ' ', '\t'])
                    .find(|u| !u.is_empty())
                    .map(str::to_string);
            }
            "metalink" | "mirrorlist" => section.mirrored = true,
            "enabled" => {
                section.enabled = !matches!(value.as_str(), "0" | "false" | "no" | "False")
            }
            "gpgkey" => section.gpgkeys.extend(
                value
                    .split([',', ' ', '\t'])
                    .filter_map(|k| k.strip_prefix("file://"))
                    .map(PathBuf::from),
            ),
            _ => {}
        }
    }
    for s in sections {
        let at = format!("{file}:{}", s.line);
        if !s.enabled {
            continue;
        }
        match s.baseurl {
            Some(url) => match check_url(&url) {
                Ok(baseurl) => out.repositories.push(RpmRepository {
                    id: s.id,
                    baseurl,
                    gpgkeys: s.gpgkeys,
                    configured_by: at,
                }),
                Err(e) => out.problems.push(format!("{at}: [{}] {e}", s.id)),
            },
            None if s.mirrored => out.problems.push(format!(
                "{at}: [{}] names its mirrors through a metalink or mirror list only, which chainrisk does not ask; give it a baseurl or use --registry rpm=URL",
                s.id
            )),
            None => out.problems.push(format!("{at}: [{}] has no baseurl; not read", s.id)),
        }
    }
    out
}

/// The repositories from flags, else the environment, else the policy,
/// else every `*.repo` file in `repos_d` (sorted by name).
pub fn discover(
    flags: &[String],
    policy: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
    repos_d: &Path,
) -> Result<RpmConfig, InputError> {
    if !flags.is_empty() {
        let mut repositories = Vec::new();
        for url in flags {
            let repo = from_flag(url, "--registry", &repositories)
                .map_err(|e| e.with_file(format!("--registry rpm={url}")))?;
            repositories.push(repo);
        }
        return Ok(RpmConfig {
            repositories,
            problems: Vec::new(),
        });
    }
    if let Some(v) = env("CHAINRISK_REGISTRY_RPM").filter(|v| !v.trim().is_empty()) {
        return Ok(RpmConfig {
            repositories: vec![
                from_flag(&v, "CHAINRISK_REGISTRY_RPM", &[])
                    .map_err(|e| e.with_file("CHAINRISK_REGISTRY_RPM"))?,
            ],
            problems: Vec::new(),
        });
    }
    if let Some(v) = policy {
        return Ok(RpmConfig {
            repositories: vec![
                from_flag(v, "chainrisk.toml [registries]", &[])
                    .map_err(|e| e.with_file("chainrisk.toml [registries] rpm"))?,
            ],
            problems: Vec::new(),
        });
    }
    let mut out = RpmConfig::default();
    let Ok(entries) = std::fs::read_dir(repos_d) else {
        return Ok(out);
    };
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "repo"))
        .collect();
    files.sort();
    for f in files {
        match std::fs::read_to_string(&f) {
            Ok(text) => {
                let found = parse(&text, &f.display().to_string());
                out.repositories.extend(found.repositories);
                out.problems.extend(found.problems);
            }
            Err(e) => out
                .problems
                .push(format!("{}: cannot read: {e}", f.display())),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repo_files_give_base_urls_with_their_variables() {
        let text = "\
[fedora]
name=Fedora $releasever - $basearch
#baseurl=http://commented.example/
baseurl=https://mirror.example/fedora/releases/$releasever/Everything/$basearch/os/
        https://other.example/fedora/releases/$releasever/Everything/$basearch/os/
metalink=https://mirrors.example/metalink?repo=fedora-$releasever&arch=$basearch
enabled=1
gpgcheck=1
gpgkey=file:///etc/pki/rpm-gpg/RPM-GPG-KEY-fedora-$releasever-$basearch

[updates]
metalink=https://mirrors.example/metalink?repo=updates-released-f$releasever&arch=$basearch
enabled=1

[updates-testing]
baseurl=https://mirror.example/fedora/updates/testing/$releasever/
enabled=0
";
        let c = parse(text, "fedora.repo");
        assert_eq!(c.repositories.len(), 1, "{c:?}");
        let f = &c.repositories[0];
        assert_eq!(
            f.base("40", "x86_64"),
            "https://mirror.example/fedora/releases/40/Everything/x86_64/os/"
        );
        assert_eq!(f.configured_by, "fedora.repo:1");
        assert_eq!(
            f.gpgkeys,
            [PathBuf::from(
                "/etc/pki/rpm-gpg/RPM-GPG-KEY-fedora-$releasever-$basearch"
            )]
        );
        assert!(!f.is_updates());
        assert_eq!(c.problems.len(), 1, "{:?}", c.problems);
        assert!(c.problems[0].contains("[updates] names its mirrors through a metalink"));
    }

    #[test]
    fn flags_are_repositories_and_must_be_urls() {
        let env = |_: &str| None;
        let c = discover(
            &[
                "http://127.0.0.1:9/fedora/releases/$releasever/os".into(),
                "http://127.0.0.1:9/fedora/updates/$releasever/".into(),
            ],
            None,
            &env,
            Path::new("/nonexistent"),
        )
        .unwrap();
        assert_eq!(c.repositories[0].id, "release");
        assert_eq!(c.repositories[1].id, "updates");
        assert!(c.repositories[1].is_updates() && !c.repositories[0].is_updates());
        assert!(discover(&["file:///x".into()], None, &env, Path::new("/")).is_err());
    }
}
