//! Where the Debian and Ubuntu archives are: apt's own sources (one-line
//! `sources.list` and deb822 `*.sources`), or `--registry deb=URL` and
//! `deb-security=URL` with their environment and policy twins.
//!
//! No archive address is built in. A flag names an archive root; the suites
//! read there follow from each package's release (`{codename}`,
//! `{codename}-updates`; `{codename}-security` for the security archive).

use std::path::Path;

use url::Url;

use crate::model::{InputError, Position};

/// Stands for the release's codename in the suites of a flag-configured archive.
pub const CODENAME: &str = "{codename}";

/// One archive and the suites to read from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AptSource {
    /// The archive root, ending in `/` (`…/debian/`).
    pub uri: Url,
    /// Suites as apt names them (`bookworm-security`), or templates with [`CODENAME`].
    pub suites: Vec<String>,
    /// Components to read; empty: every component the suite's Release lists.
    pub components: Vec<String>,
    /// apt's `Signed-By`: keyring paths or an inline key; `None`: the system keyrings.
    pub signed_by: Option<String>,
    /// apt's `Architectures`/`arch=`; empty: those in use.
    pub architectures: Vec<String>,
    /// `--registry`, `CHAINRISK_REGISTRY_DEB`, or `FILE:LINE` of apt's configuration.
    pub configured_by: String,
}

impl AptSource {
    /// Suites this source publishes for `codename`: the suite itself, its
    /// `-updates`, `-security`, `-backports`…, and the old `codename/updates`.
    pub fn suites_for(&self, codename: &str) -> Vec<String> {
        self.suites
            .iter()
            .map(|s| s.replace(CODENAME, codename))
            .filter(|s| {
                s == codename
                    || s.strip_prefix(codename)
                        .is_some_and(|rest| rest.starts_with('-') || rest.starts_with('/'))
            })
            .collect()
    }
}

/// A flag-configured archive: `main` for the release suite and its
/// updates, `security` for the security suite.
pub fn from_flag(uri: &str, security: bool, configured_by: &str) -> Result<AptSource, InputError> {
    let suites = if security {
        vec![format!("{CODENAME}-security")]
    } else {
        vec![CODENAME.to_string(), format!("{CODENAME}-updates")]
    };
    Ok(AptSource {
        uri: archive_url(uri)?,
        suites,
        components: Vec::new(),
        signed_by: None,
        architectures: Vec::new(),
        configured_by: configured_by.to_string(),
    })
}

fn archive_url(raw: &str) -> Result<Url, InputError> {
    let raw = raw.trim();
    let mut url =
        Url::parse(raw).map_err(|e| InputError::new(format!("{raw:?} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(InputError::new(format!(
            "{raw:?}: only http and https archives can be read (not {}:)",
            url.scheme()
        )));
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// What apt's configuration directory gave: the sources, and why some
/// entries or files could not be used.
#[derive(Debug, Default, PartialEq)]
pub struct AptConfig {
    pub sources: Vec<AptSource>,
    pub problems: Vec<String>,
}

/// Reads `sources.list` and `sources.list.d/*.list|*.sources` under `etc`
/// (apt's `Dir::Etc`, normally `/etc/apt`), in apt's order.
pub fn read_apt_config(etc: &Path) -> AptConfig {
    let mut config = AptConfig::default();
    let main = etc.join("sources.list");
    let mut files = vec![main];
    if let Ok(dir) = std::fs::read_dir(etc.join("sources.list.d")) {
        let mut parts: Vec<_> = dir
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("list" | "sources")
                )
            })
            .collect();
        parts.sort();
        files.extend(parts);
    }
    for file in files {
        let shown = file.display().to_string();
        let text = match crate::model::document_read::read_text_document(&file) {
            Ok(t) => t,
            Err(crate::model::document_read::ReadError::NotFound) => continue,
            Err(e) => {
                config.problems.push(format!("{shown}: {e}"));
                continue;
            }
        };
        let parsed = if shown.ends_with(".sources") {
            parse_deb822(&text, &shown)
        } else {
            parse_one_line(&text, &shown)
        };
        config.sources.extend(parsed.sources);
        config.problems.extend(parsed.problems);
    }
    config
}

/// One-line style: `deb [ key=value … ] URI SUITE [COMPONENT…]`.
pub fn parse_one_line(text: &str, file: &str) -> AptConfig {
    let mut out = AptConfig::default();
    for (n, raw) in text.lines().enumerate() {
        let at = format!("{file}:{}", n + 1);
        let line = raw.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let (kind, rest) = line.split_once(char::is_whitespace).unwrap_or((line, ""));
        match kind {
            "deb" => {}
            "deb-src" => continue,
            other => {
                out.problems.push(format!(
                    "{at}: unknown entry type {other:?}; expected deb or deb-src"
                ));
                continue;
            }
        }
        let mut rest = rest.trim();
        let mut options = Vec::new();
        if let Some(after) = rest.strip_prefix('[') {
            let Some((opts, tail)) = after.split_once(']') else {
                out.problems
                    .push(format!("{at}: an option list opened with [ is not closed"));
                continue;
            };
            options.extend(opts.split_whitespace().map(str::to_string));
            rest = tail.trim();
        }
        let words: Vec<&str> = rest.split_whitespace().collect();
        let (Some(uri), Some(suite)) = (words.first(), words.get(1)) else {
            out.problems
                .push(format!("{at}: expected a URI and a suite after {kind}"));
            continue;
        };
        let mut source = match entry(uri, &[suite.to_string()], &words[2..], file, n + 1) {
            Ok(s) => s,
            Err(e) => {
                out.problems.push(e.to_string());
                continue;
            }
        };
        for option in options {
            if let Some((key, value)) = option.split_once('=') {
                match key.trim_end_matches(['+', '-']) {
                    "signed-by" => source.signed_by = Some(value.to_string()),
                    "arch" => source.architectures = value.split(',').map(str::to_string).collect(),
                    _ => {}
                }
            }
        }
        out.sources.push(source);
    }
    out
}

/// deb822 style: paragraphs of `Types`, `URIs`, `Suites`, `Components`,
/// `Signed-By`, `Architectures`, `Enabled`.
pub fn parse_deb822(text: &str, file: &str) -> AptConfig {
    let mut out = AptConfig::default();
    let mut fields: Vec<(String, String)> = Vec::new();
    let mut start = 1;
    let lines: Vec<&str> = text.lines().collect();
    for i in 0..=lines.len() {
        let line = lines.get(i).copied();
        let blank = line.is_none_or(|l| l.trim().is_empty());
        if blank {
            if !fields.is_empty() {
                paragraph(&fields, file, start, &mut out);
                fields.clear();
            }
            start = i + 2;
            continue;
        }
        let line = line.unwrap_or_default();
        if line.starts_with('#') {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            // A continuation (an inline key in Signed-By).
            if let Some((_, value)) = fields.last_mut() {
                value.push('\n');
                value.push_str(line.trim());
            }
            continue;
        }
        match line.split_once(':') {
            Some((key, value)) => {
                fields.push((key.trim().to_ascii_lowercase(), value.trim().to_string()))
            }
            None => out.problems.push(format!(
                "{file}:{}: expected `Field: value`, found {:?}",
                i + 1,
                crate::model::untrusted::escape(&line.chars().take(60).collect::<String>())
            )),
        }
    }
    out
}

fn paragraph(fields: &[(String, String)], file: &str, line: usize, out: &mut AptConfig) {
    let at = format!("{file}:{line}");
    let get = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let list = |name: &str| -> Vec<String> {
        get(name)
            .map(|v| v.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default()
    };
    if get("enabled").is_some_and(|v| v.eq_ignore_ascii_case("no")) {
        return;
    }
    if !list("types").iter().any(|t| t == "deb") {
        return;
    }
    let suites = list("suites");
    let uris = list("uris");
    if uris.is_empty() || suites.is_empty() {
        out.problems
            .push(format!("{at}: a deb paragraph needs URIs and Suites"));
        return;
    }
    let components = list("components");
    let components: Vec<&str> = components.iter().map(String::as_str).collect();
    for uri in &uris {
        match entry(uri, &suites, &components, file, line) {
            Ok(mut s) => {
                s.signed_by = get("signed-by").map(str::to_string);
                s.architectures = list("architectures");
                out.sources.push(s);
            }
            Err(e) => out.problems.push(e.to_string()),
        }
    }
}

/// One archive of the entry at `file:line`.
fn entry(
    uri: &str,
    suites: &[String],
    components: &[&str],
    file: &str,
    line: usize,
) -> Result<AptSource, InputError> {
    let here = |e: InputError| InputError {
        file: Some(file.to_string()),
        position: Some(Position::line(line)),
        ..e
    };
    if suites.iter().any(|s| s.ends_with('/')) {
        return Err(here(InputError::new(format!(
            "{uri} is a flat repository (suite ending in /); chainrisk reads dists/ archives only"
        ))));
    }
    let at = format!("{file}:{line}");
    Ok(AptSource {
        uri: archive_url(uri).map_err(here)?,
        suites: suites.to_vec(),
        components: components.iter().map(|c| c.to_string()).collect(),
        signed_by: None,
        architectures: Vec::new(),
        configured_by: at.to_string(),
    })
}

/// The archives configured for deb: `--registry deb=URL` and
/// `deb-security=URL`, else `CHAINRISK_REGISTRY_DEB` and
/// `CHAINRISK_REGISTRY_DEB_SECURITY`, else `[registries]` `deb` and
/// `deb-security`, else apt's own sources under `apt_etc`. A malformed
/// setting of chainrisk's is an error; apt's problems are returned.
pub fn discover(
    flags: &[(String, String)],
    policy: &[(String, String)],
    env: &dyn Fn(&str) -> Option<String>,
    apt_etc: &Path,
) -> Result<AptConfig, InputError> {
    let pick = |pairs: &[(String, String)], by: &str| -> Result<Vec<AptSource>, InputError> {
        let mut out = Vec::new();
        for (key, url) in pairs {
            let security = key == "deb-security";
            out.push(
                from_flag(url, security, by)
                    .map_err(|e| e.with_file(format!("{by} {key}={url}")))?,
            );
        }
        Ok(out)
    };
    let from_flags = pick(flags, "--registry")?;
    if !from_flags.is_empty() {
        return Ok(AptConfig {
            sources: from_flags,
            problems: Vec::new(),
        });
    }
    let mut from_env = Vec::new();
    for (name, key) in [
        ("CHAINRISK_REGISTRY_DEB", "deb"),
        ("CHAINRISK_REGISTRY_DEB_SECURITY", "deb-security"),
    ] {
        if let Some(v) = env(name).filter(|v| !v.trim().is_empty()) {
            from_env
                .push(from_flag(&v, key == "deb-security", name).map_err(|e| e.with_file(name))?);
        }
    }
    if !from_env.is_empty() {
        return Ok(AptConfig {
            sources: from_env,
            problems: Vec::new(),
        });
    }
    let from_policy = pick(policy, "chainrisk.toml [registries]")?;
    if !from_policy.is_empty() {
        return Ok(AptConfig {
            sources: from_policy,
            problems: Vec::new(),
        });
    }
    Ok(read_apt_config(apt_etc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_entries_with_options_and_comments() {
        let text = "\
# the release
deb [arch=amd64,arm64 signed-by=/usr/share/keyrings/k.gpg] http://archive.example/debian bookworm main contrib
deb-src http://archive.example/debian bookworm main
deb http://archive.example/debian-security bookworm-security main # security
deb http://archive.example/flat ./
rpm http://x.example/ y
";
        let c = parse_one_line(text, "sources.list");
        assert_eq!(c.sources.len(), 2, "{c:?}");
        let s = &c.sources[0];
        assert_eq!(s.uri.as_str(), "http://archive.example/debian/");
        assert_eq!(s.suites, ["bookworm"]);
        assert_eq!(s.components, ["main", "contrib"]);
        assert_eq!(s.architectures, ["amd64", "arm64"]);
        assert_eq!(s.signed_by.as_deref(), Some("/usr/share/keyrings/k.gpg"));
        assert_eq!(s.configured_by, "sources.list:2");
        assert_eq!(c.sources[1].suites_for("bookworm"), ["bookworm-security"]);
        assert_eq!(c.problems.len(), 2, "{:?}", c.problems);
        assert!(
            c.problems[0].starts_with("sources.list:5: "),
            "{:?}",
            c.problems
        );
        assert!(c.problems[1].contains("unknown entry type \"rpm\""));
    }

    #[test]
    fn deb822_paragraphs_with_inline_keys_and_disabled_entries() {
        let text = "\
Types: deb deb-src
URIs: http://archive.example/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

# disabled
Types: deb
URIs: http://other.example/
Suites: stable
Components: main
Enabled: no

Types: deb
URIs: http://archive.example/debian-security
Suites: bookworm-security
Components: main
Signed-By:
 -----BEGIN PGP PUBLIC KEY BLOCK-----
 .
 xyz
 -----END PGP PUBLIC KEY BLOCK-----
";
        let c = parse_deb822(text, "debian.sources");
        assert!(c.problems.is_empty(), "{:?}", c.problems);
        assert_eq!(c.sources.len(), 2);
        assert_eq!(
            c.sources[0].suites_for("bookworm"),
            ["bookworm", "bookworm-updates"]
        );
        assert!(c.sources[0].suites_for("trixie").is_empty());
        assert_eq!(c.sources[0].configured_by, "debian.sources:1");
        assert_eq!(c.sources[1].configured_by, "debian.sources:14");
        assert!(
            c.sources[1]
                .signed_by
                .as_deref()
                .unwrap()
                .contains("BEGIN PGP PUBLIC KEY BLOCK")
        );
    }

    #[test]
    fn flags_name_an_archive_root_and_suites_follow_the_release() {
        let main = from_flag("http://127.0.0.1:9/debian", false, "--registry").unwrap();
        assert_eq!(main.uri.as_str(), "http://127.0.0.1:9/debian/");
        assert_eq!(
            main.suites_for("bookworm"),
            ["bookworm", "bookworm-updates"]
        );
        let security = from_flag("http://127.0.0.1:9/security/", true, "--registry").unwrap();
        assert_eq!(security.suites_for("jammy"), ["jammy-security"]);
        assert!(from_flag("ftp://x.example/", false, "f").is_err());
        assert!(from_flag("not a url", false, "f").is_err());
        // The old security layout.
        let old = AptSource {
            suites: vec!["buster/updates".into()],
            ..main
        };
        assert_eq!(old.suites_for("buster"), ["buster/updates"]);
    }
}
