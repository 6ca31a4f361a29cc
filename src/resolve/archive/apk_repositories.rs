//! Where the Alpine mirrors are: apk's own `/etc/apk/repositories` (one
//! repository URL per line, `<mirror>/<branch>/<repository>`, `#` comments,
//! `@tag` lines pinned to tagged packages), or `--registry apk=URL` naming a
//! mirror's root (its `main` and `community` repositories), with its
//! environment and policy twins. No mirror address is built in.
//!
//! A repository line names one branch (`v3.20`, `edge`); the branch read
//! follows from each package's release, so a line of another branch still
//! says which mirror and repository to read.

use crate::model::InputError;
use std::path::Path;

use url::Url;

/// One mirror and one repository on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApkRepository {
    /// The mirror's root, ending in `/` (`…/alpine/`).
    pub mirror: Url,
    /// `main`, `community`, `testing`.
    pub repository: String,
    /// `--registry`, `CHAINRISK_REGISTRY_APK`, or `FILE:LINE`.
    pub configured_by: String,
}

impl ApkRepository {
    /// The index of `branch` (`v3.20`, `edge`) for `arch`.
    pub fn index_url(&self, branch: &str, arch: &str) -> String {
        format!(
            "{}{branch}/{}/{arch}/APKINDEX.tar.gz",
            self.mirror, self.repository
        )
    }
}

/// The repositories found and what could not be used.
#[derive(Debug, Default)]
pub struct ApkConfig {
    pub repositories: Vec<ApkRepository>,
    pub problems: Vec<String>,
}

fn mirror_url(raw: &str) -> Result<Url, InputError> {
    let raw = raw.trim();
    let mut url =
        Url::parse(raw).map_err(|e| InputError::new(format!("{raw:?} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(InputError::new(format!(
            "{raw:?}: only http and https mirrors can be read (not {}:)",
            url.scheme()
        )));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// A flag-configured mirror: its `main` and `community` repositories.
pub fn from_flag(raw: &str, configured_by: &str) -> Result<Vec<ApkRepository>, InputError> {
    let mirror = mirror_url(raw)?;
    Ok(["main", "community"]
        .into_iter()
        .map(|repository| ApkRepository {
            mirror: mirror.clone(),
            repository: repository.to_string(),
            configured_by: configured_by.to_string(),
        })
        .collect())
}

/// Whether a path segment names a branch.
fn is_branch(segment: &str) -> bool {
    segment == "edge"
        || segment.strip_prefix('v').is_some_and(|v| {
            let mut parts = v.split('.');
            parts.next().is_some_and(|m| m.parse::<u32>().is_ok())
                && parts.next().is_some_and(|m| m.parse::<u32>().is_ok())
                && parts.next().is_none()
        })
}

/// Parses a `repositories` file; `file` names it in problems.
pub fn parse(text: &str, file: &str) -> ApkConfig {
    let mut out = ApkConfig::default();
    for (i, raw) in text.lines().enumerate() {
        let at = format!("{file}:{}", i + 1);
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        // `@tag URL`: a repository for packages pinned with `name@tag` only.
        if line.starts_with('@') {
            out.problems.push(format!(
                "{at}: a tagged repository ({line}) holds pinned packages only; not read"
            ));
            continue;
        }
        let url = match mirror_url(line) {
            Ok(u) => u,
            Err(e) => {
                out.problems.push(format!("{at}: {e}"));
                continue;
            }
        };
        let segments: Vec<&str> = url
            .path_segments()
            .map(|s| s.filter(|p| !p.is_empty()).collect())
            .unwrap_or_default();
        let (Some(repository), Some(branch)) = (
            segments.last(),
            segments.len().checked_sub(2).map(|i| segments[i]),
        ) else {
            out.problems.push(format!(
                "{at}: {line} is not `<mirror>/<branch>/<repository>`; not read"
            ));
            continue;
        };
        if !is_branch(branch) {
            out.problems.push(format!(
                "{at}: {line} is not `<mirror>/<branch>/<repository>` (no vX.Y or edge branch); not read"
            ));
            continue;
        }
        let mut mirror = url.clone();
        let root: String = segments[..segments.len() - 2]
            .iter()
            .map(|s| format!("/{s}"))
            .collect();
        mirror.set_path(&format!("{root}/"));
        let repo = ApkRepository {
            mirror,
            repository: repository.to_string(),
            configured_by: at,
        };
        // Lines of several branches name the same mirror and repository once.
        if !out
            .repositories
            .iter()
            .any(|r| r.mirror == repo.mirror && r.repository == repo.repository)
        {
            out.repositories.push(repo);
        }
    }
    out
}

/// The repositories from flags, else the environment, else the policy,
/// else `<apk_etc>/repositories`.
pub fn discover(
    flags: &[String],
    policy: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
    apk_etc: &Path,
) -> Result<ApkConfig, InputError> {
    let mut from_flags = Vec::new();
    for url in flags {
        from_flags.extend(
            from_flag(url, "--registry")
                .map_err(|e| e.with_file(format!("--registry apk={url}")))?,
        );
    }
    if !from_flags.is_empty() {
        return Ok(ApkConfig {
            repositories: from_flags,
            problems: Vec::new(),
        });
    }
    if let Some(v) = env("CHAINRISK_REGISTRY_APK").filter(|v| !v.trim().is_empty()) {
        return Ok(ApkConfig {
            repositories: from_flag(&v, "CHAINRISK_REGISTRY_APK")
                .map_err(|e| e.with_file("CHAINRISK_REGISTRY_APK"))?,
            problems: Vec::new(),
        });
    }
    if let Some(v) = policy {
        return Ok(ApkConfig {
            repositories: from_flag(v, "chainrisk.toml [registries]")
                .map_err(|e| e.with_file("chainrisk.toml [registries] apk"))?,
            problems: Vec::new(),
        });
    }
    let file = apk_etc.join("repositories");
    Ok(match std::fs::read_to_string(&file) {
        Ok(text) => parse(&text, &file.display().to_string()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => ApkConfig::default(),
        Err(e) => ApkConfig {
            repositories: Vec::new(),
            problems: vec![format!("{}: cannot read: {e}", file.display())],
        },
    })
}

/// The branch a release is published in: `3.20.3` → `v3.20`; a pre-release
/// of the next version (`3.21.0_alpha20240807`) or `edge` → `edge`.
pub fn branch_of(version: &str) -> Option<String> {
    let v = version.trim().trim_start_matches('v');
    if v == "edge"
        || v.contains("_alpha")
        || v.contains("_beta")
        || v.contains("_pre")
        || v.contains("_rc")
    {
        return Some("edge".to_string());
    }
    let mut parts = v.split('.');
    let major: u32 = parts.next()?.parse().ok()?;
    let minor: u32 = parts.next()?.split('_').next()?.parse().ok()?;
    Some(format!("v{major}.{minor}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_lines_become_mirrors_and_repositories() {
        let text = "\
# the release
https://mirror.example/alpine/v3.20/main
https://mirror.example/alpine/v3.20/community  # community
https://mirror.example/alpine/v3.19/main
@testing https://mirror.example/alpine/edge/testing
/media/cdrom/apks
https://mirror.example/custom/repo
";
        let c = parse(text, "repositories");
        assert_eq!(c.repositories.len(), 2, "{c:?}");
        assert_eq!(
            c.repositories[0].mirror.as_str(),
            "https://mirror.example/alpine/"
        );
        assert_eq!(c.repositories[1].repository, "community");
        assert_eq!(c.repositories[0].configured_by, "repositories:2");
        assert_eq!(
            c.repositories[0].index_url("v3.20", "x86_64"),
            "https://mirror.example/alpine/v3.20/main/x86_64/APKINDEX.tar.gz"
        );
        assert_eq!(c.problems.len(), 3, "{:?}", c.problems);
        assert!(c.problems[0].starts_with("repositories:5: a tagged repository"));
        assert!(c.problems[1].starts_with("repositories:6: "));
        assert!(c.problems[2].contains("no vX.Y or edge branch"));
    }

    #[test]
    fn releases_map_to_branches() {
        assert_eq!(branch_of("3.20.3").as_deref(), Some("v3.20"));
        assert_eq!(branch_of("3.19").as_deref(), Some("v3.19"));
        assert_eq!(branch_of("3.21.0_alpha20240807").as_deref(), Some("edge"));
        assert_eq!(branch_of("edge").as_deref(), Some("edge"));
        assert_eq!(branch_of("bookworm"), None);
    }

    #[test]
    fn a_flag_wins_and_names_main_and_community() {
        let env = |_: &str| None;
        let c = discover(
            &["http://127.0.0.1:9/alpine".to_string()],
            None,
            &env,
            Path::new("/nonexistent"),
        )
        .unwrap();
        let names: Vec<_> = c
            .repositories
            .iter()
            .map(|r| r.repository.as_str())
            .collect();
        assert_eq!(names, ["main", "community"]);
        assert!(discover(&["ftp://x".to_string()], None, &env, Path::new("/")).is_err());
        let none = discover(&[], None, &env, Path::new("/nonexistent")).unwrap();
        assert!(none.repositories.is_empty() && none.problems.is_empty());
    }
}
