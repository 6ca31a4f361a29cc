//! Where each ecosystem's registry is: flags, environment, policy, package managers' configuration.
//!
//! No registry address is built in: an ecosystem resolves only when one of
//! these sources names its endpoint, and [`Endpoint::configured_by`] says which.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use url::Url;

use crate::model::{Ecosystem, InputError, Position};

/// The ecosystems with a registry client, in report order.
pub const RESOLVABLE: [Ecosystem; 4] = [
    Ecosystem::Cargo,
    Ecosystem::Npm,
    Ecosystem::Pypi,
    Ecosystem::Golang,
];

/// One registry endpoint and the setting that chose it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    pub ecosystem: Ecosystem,
    /// The protocol's base URL, always ending in `/`: the sparse index root
    /// (Cargo), the registry root (npm), the JSON API base `…/pypi/` (PyPI),
    /// the module proxy root (Go).
    pub url: Url,
    /// `--registry`, `CHAINRISK_REGISTRY_NPM`, `chainrisk.toml [registries]`,
    /// a package manager's file or variable.
    pub configured_by: String,
}

/// What [`discover`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Discovered {
    pub endpoints: Vec<Endpoint>,
    /// Ecosystems whose package manager's configuration could not be used
    /// (unreadable, malformed, a value that is not a URL), with why: they
    /// stay without an endpoint, and no other ecosystem is held up.
    pub problems: Vec<(Ecosystem, String)>,
    /// The distribution archives (deb), from flags, environment, policy or apt.
    pub archives: Vec<super::archive::apt_sources::AptSource>,
    /// apt's configuration directory the archives were read from.
    pub apt_etc: PathBuf,
    /// The Alpine mirrors (apk), from flags, environment, policy or apk's `repositories`.
    pub apk_repositories: Vec<super::archive::apk_repositories::ApkRepository>,
    /// apk's configuration directory (its `keys/` sign the indexes).
    pub apk_etc: PathBuf,
    /// The RPM repositories, from flags, environment, policy or dnf's `*.repo` files.
    pub rpm_repositories: Vec<super::archive::rpm_repos::RpmRepository>,
}

/// Everything [`discover`] reads, passed in so tests control it.
pub struct EndpointSources<'a> {
    /// `--registry ECO=URL`, repeatable.
    pub flags: &'a [String],
    /// `[registries]` of chainrisk.toml (ecosystem → URL).
    pub policy: &'a BTreeMap<String, String>,
    /// `std::env::var` in production, a map in tests.
    pub env: &'a dyn Fn(&str) -> Option<String>,
    /// `.npmrc` and `.cargo/config.toml` are searched upward from here.
    pub cwd: &'a Path,
    /// `~/.npmrc`, the user's pip and Go configuration, `$CARGO_HOME`'s default.
    pub home: Option<&'a Path>,
}

/// The endpoint of each resolvable ecosystem that has one.
///
/// Precedence: flags > `CHAINRISK_REGISTRY_<ECO>` > policy > the package
/// managers' own configuration (npm: `npm_config_registry`, `registry=` in
/// `.npmrc` project → user → global; pip: `PIP_INDEX_URL`, `index-url` in
/// pip.conf (`PIP_CONFIG_FILE`, user, global), the Simple API URL mapped to the
/// JSON API; Cargo: `[source.crates-io] replace-with` to a `sparse+` registry
/// in `.cargo/config.toml` upward from cwd, then `$CARGO_HOME/config.toml`;
/// Go: the first URL of `GOPROXY`, from the environment or `go env -w`).
/// A malformed flag, `CHAINRISK_REGISTRY_*` or policy entry is an error
/// naming where it was written; a package manager's file or variable that
/// cannot be used is a problem of its ecosystem alone.
pub fn discover(src: &EndpointSources) -> Result<Discovered, InputError> {
    let mut chosen: BTreeMap<usize, Endpoint> = BTreeMap::new();

    let mut flagged: BTreeMap<usize, &str> = BTreeMap::new();
    for flag in src.flags {
        // The flag is where the bad input was written.
        let err =
            |message: String| InputError::in_file(format!("--registry {flag:?}"), None, message);
        let (eco, url) = flag.split_once('=').ok_or_else(|| {
            err("expected ECOSYSTEM=URL, e.g. npm=https://registry.example/".to_string())
        })?;
        let slot = slot_of(eco.trim()).ok_or_else(|| {
            err(format!(
                "unknown ecosystem {:?}; expected cargo, npm, pypi, golang, deb or deb-security",
                eco.trim()
            ))
        })?;
        if flagged.insert(slot, flag).is_some() {
            return Err(err(format!(
                "{} is given more than once",
                RESOLVABLE[slot].as_str()
            )));
        }
        let url = endpoint_url(&RESOLVABLE[slot], url.trim())
            .map_err(|e| e.with_file(format!("--registry {flag:?}")))?;
        chosen.insert(slot, endpoint(slot, url, "--registry".to_string()));
    }

    for (slot, eco) in RESOLVABLE.iter().enumerate() {
        if chosen.contains_key(&slot) {
            continue;
        }
        let names: &[&str] = match eco {
            Ecosystem::Golang => &["CHAINRISK_REGISTRY_GOLANG", "CHAINRISK_REGISTRY_GO"],
            Ecosystem::Cargo => &["CHAINRISK_REGISTRY_CARGO"],
            Ecosystem::Npm => &["CHAINRISK_REGISTRY_NPM"],
            _ => &["CHAINRISK_REGISTRY_PYPI"],
        };
        for name in names {
            if let Some(value) = (src.env)(name).filter(|v| !v.trim().is_empty()) {
                let url = endpoint_url(eco, value.trim()).map_err(|e| e.with_file(*name))?;
                chosen.insert(slot, endpoint(slot, url, name.to_string()));
                break;
            }
        }
    }

    for (key, value) in src.policy {
        let slot = slot_of(key).ok_or_else(|| {
            InputError::in_file(
                "chainrisk.toml [registries]",
                None,
                format!(
                    "unknown ecosystem {key:?}; expected cargo, npm, pypi, golang, deb or deb-security"
                ),
            )
        })?;
        let url = endpoint_url(&RESOLVABLE[slot], value.trim())
            .map_err(|e| e.with_file(format!("chainrisk.toml [registries] {key}")))?;
        chosen
            .entry(slot)
            .or_insert_with(|| endpoint(slot, url, "chainrisk.toml [registries]".to_string()));
    }

    let mut problems = Vec::new();
    for (slot, eco) in RESOLVABLE.iter().enumerate() {
        if chosen.contains_key(&slot) {
            continue;
        }
        let found = match eco {
            Ecosystem::Cargo => cargo_config(src),
            Ecosystem::Npm => npm_config(src),
            Ecosystem::Pypi => pip_config(src),
            _ => go_config(src),
        };
        let url = found.and_then(|found| {
            found
                .map(|s| match endpoint_url(eco, &s.value) {
                    Ok(url) => Ok((url, s.written_in)),
                    Err(e) => Err(e.with_file(s.written_in)),
                })
                .transpose()
        });
        match url {
            Ok(Some((url, by))) => {
                chosen.insert(slot, endpoint(slot, url, by));
            }
            Ok(None) => {}
            Err(why) => problems.push((eco.clone(), why.to_string())),
        }
    }
    Ok(Discovered {
        endpoints: chosen.into_values().collect(),
        problems,
        archives: Vec::new(),
        apt_etc: PathBuf::new(),
        apk_repositories: Vec::new(),
        apk_etc: PathBuf::new(),
        rpm_repositories: Vec::new(),
    })
}

fn endpoint(slot: usize, url: Url, configured_by: String) -> Endpoint {
    Endpoint {
        ecosystem: RESOLVABLE[slot].clone(),
        url,
        configured_by,
    }
}

/// Index into [`RESOLVABLE`] of an ecosystem name as users write it.
fn slot_of(name: &str) -> Option<usize> {
    let eco = match name.to_ascii_lowercase().as_str() {
        "go" | "golang" => Ecosystem::Golang,
        other => Ecosystem::from_purl_type(other),
    };
    RESOLVABLE.iter().position(|e| *e == eco)
}

/// Parses and normalises an endpoint URL: `sparse+` dropped (Cargo), a pip
/// Simple API URL (`…/simple/`) or a bare host turned into the JSON API base
/// (`…/pypi/`), always a trailing `/` so protocol paths join under it.
pub fn endpoint_url(eco: &Ecosystem, raw: &str) -> Result<Url, InputError> {
    let text = raw.strip_prefix("sparse+").unwrap_or(raw);
    let mut url =
        Url::parse(text).map_err(|e| InputError::new(format!("{raw:?} is not a URL ({e})")))?;
    if url.scheme() != "http" && url.scheme() != "https" {
        return Err(InputError::new(format!(
            "{raw:?} is not an http or https URL"
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(InputError::new(format!("{raw:?} has no host")));
    }
    url.set_query(None);
    url.set_fragment(None);
    let mut path = url.path().trim_end_matches('/').to_string();
    if *eco == Ecosystem::Pypi {
        // The JSON API sits at `/pypi/` beside the Simple API, also when only the host is given.
        if let Some(base) = path.strip_suffix("/simple") {
            path = format!("{base}/pypi");
        } else if path.is_empty() {
            path = "/pypi".to_string();
        }
    }
    path.push('/');
    url.set_path(&path);
    Ok(url)
}

/// `dir` and its ancestors, nearest first.
fn upward(dir: &Path) -> impl Iterator<Item = &Path> {
    dir.ancestors()
}

/// Reads a configuration file that may be absent; any other failure is an error naming it.
fn read_optional(path: &Path) -> Result<Option<String>, InputError> {
    let err = |message: String| InputError::in_file(path.display().to_string(), None, message);
    match std::fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) if path.is_dir() => Err(err(format!("is a directory ({e})"))),
        Err(e) => Err(err(format!("cannot be read: {e}"))),
    }
}

/// `key = value` lines of an INI-like file (.npmrc, pip.conf) as
/// (section, key, value, line number); `;` and `#` start comments.
fn ini_entries(text: &str) -> Vec<(String, String, String, usize)> {
    let mut section = String::new();
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with(';') || line.starts_with('#') {
            continue;
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            section = name.trim().to_ascii_lowercase();
            continue;
        }
        if let Some((key, value)) = line.split_once('=') {
            let value = value.trim();
            let value = value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .or_else(|| value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
                .unwrap_or(value);
            out.push((
                section.clone(),
                key.trim().to_ascii_lowercase(),
                value.to_string(),
                i + 1,
            ));
        }
    }
    out
}

/// npm expands `${VAR}` in .npmrc values.
fn expand_env(value: &str, env: &dyn Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(start) = rest.find("${") {
        let Some(len) = rest[start + 2..].find('}') else {
            break;
        };
        out.push_str(&rest[..start]);
        out.push_str(&env(&rest[start + 2..start + 2 + len]).unwrap_or_default());
        rest = &rest[start + 3 + len..];
    }
    out.push_str(rest);
    out
}

/// A value read from a package manager's configuration, and where it was
/// written (a variable's name, or `file:line key`): errors and reports name it.
struct Setting {
    value: String,
    written_in: String,
}

impl Setting {
    fn new(value: impl Into<String>, written_in: String) -> Setting {
        Setting {
            value: value.into(),
            written_in,
        }
    }
}

/// The first non-empty value among environment variables `names`.
fn first_env(src: &EndpointSources, names: &[&str]) -> Option<Setting> {
    names.iter().find_map(|name| {
        (src.env)(name)
            .filter(|v| !v.trim().is_empty())
            .map(|v| Setting::new(v.trim(), name.to_string()))
    })
}

fn npm_config(src: &EndpointSources) -> Result<Option<Setting>, InputError> {
    if let Some(found) = first_env(src, &["npm_config_registry", "NPM_CONFIG_REGISTRY"]) {
        return Ok(Some(found));
    }
    let mut files: Vec<PathBuf> = upward(src.cwd).map(|d| d.join(".npmrc")).collect();
    let user = first_env(src, &["npm_config_userconfig", "NPM_CONFIG_USERCONFIG"])
        .map(|s| PathBuf::from(s.value))
        .or_else(|| src.home.map(|h| h.join(".npmrc")));
    // The nearest project file first; the user file may also be an ancestor's.
    if let Some(user) = user {
        files.retain(|f| *f != user);
        files.push(user);
    }
    if let Some(global) = first_env(src, &["npm_config_globalconfig", "NPM_CONFIG_GLOBALCONFIG"]) {
        files.push(PathBuf::from(global.value));
    }
    for file in files {
        let Some(text) = read_optional(&file)? else {
            continue;
        };
        // Scoped registries (`@scope:registry=`) serve only their scope: not the default endpoint.
        if let Some((_, _, value, line)) = ini_entries(&text)
            .into_iter()
            .rfind(|(section, key, _, _)| section.is_empty() && key == "registry")
        {
            let value = expand_env(&value, src.env);
            return Ok(Some(Setting::new(
                value,
                format!("{}:{line} registry", file.display()),
            )));
        }
    }
    Ok(None)
}

fn pip_config(src: &EndpointSources) -> Result<Option<Setting>, InputError> {
    if let Some(found) = first_env(src, &["PIP_INDEX_URL"]) {
        return Ok(Some(found));
    }
    let mut files = Vec::new();
    // PIP_CONFIG_FILE=/dev/null is pip's way of saying "no configuration file".
    if let Some(path) = first_env(src, &["PIP_CONFIG_FILE"])
        && path.value != "/dev/null"
    {
        files.push(PathBuf::from(path.value));
    }
    let xdg_home = first_env(src, &["XDG_CONFIG_HOME"])
        .map(|s| PathBuf::from(s.value))
        .or_else(|| src.home.map(|h| h.join(".config")));
    if let Some(dir) = xdg_home {
        files.push(dir.join("pip/pip.conf"));
    }
    if let Some(home) = src.home {
        files.push(home.join(".pip/pip.conf"));
    }
    let xdg_dirs = first_env(src, &["XDG_CONFIG_DIRS"]).map_or("/etc/xdg".to_string(), |s| s.value);
    for dir in xdg_dirs.split(':').filter(|d| !d.is_empty()) {
        files.push(Path::new(dir).join("pip/pip.conf"));
    }
    files.push(PathBuf::from("/etc/pip.conf"));
    for file in files {
        let Some(text) = read_optional(&file)? else {
            continue;
        };
        // pip reads `[install]` over `[global]` for installs.
        let entries = ini_entries(&text);
        for section in ["install", "global"] {
            if let Some((_, _, value, line)) = entries
                .iter()
                .rfind(|(s, k, _, _)| s == section && (k == "index-url" || k == "index_url"))
            {
                return Ok(Some(Setting::new(
                    value.clone(),
                    format!("{}:{line} [{section}] index-url", file.display()),
                )));
            }
        }
    }
    Ok(None)
}

/// One Cargo configuration file, parsed.
struct CargoConfig {
    path: PathBuf,
    table: toml::Table,
}

fn cargo_config(src: &EndpointSources) -> Result<Option<Setting>, InputError> {
    let mut files: Vec<PathBuf> = Vec::new();
    for dir in upward(src.cwd) {
        // Cargo reads `config.toml`, and the legacy extension-less `config`.
        for name in [".cargo/config.toml", ".cargo/config"] {
            files.push(dir.join(name));
        }
    }
    let cargo_home = first_env(src, &["CARGO_HOME"])
        .map(|s| PathBuf::from(s.value))
        .or_else(|| src.home.map(|h| h.join(".cargo")));
    if let Some(home) = cargo_home {
        for name in ["config.toml", "config"] {
            let file = home.join(name);
            if !files.contains(&file) {
                files.push(file);
            }
        }
    }
    let mut configs = Vec::new();
    for path in files {
        if let Some(text) = read_optional(&path)? {
            let table: toml::Table = toml::from_str(&text).map_err(|e| {
                // One line: the error's own rendering quotes the file over several.
                InputError::in_file(
                    path.display().to_string(),
                    e.span()
                        .map(|s| Position::at_offset(text.as_bytes(), s.start)),
                    format!("not valid TOML: {}", e.message().trim()),
                )
            })?;
            configs.push(CargoConfig { path, table });
        }
    }
    let lookup = |source: &str, key: &str| {
        configs.iter().find_map(|c| {
            let value = c.table.get("source")?.get(source)?.get(key)?;
            Some((value.as_str().map(str::to_string), &c.path))
        })
    };
    let Some((replacement, path)) = lookup("crates-io", "replace-with") else {
        return Ok(None);
    };
    let replacement = replacement.ok_or_else(|| {
        InputError::in_file(
            path.display().to_string(),
            None,
            "source.crates-io.replace-with is not a string",
        )
    })?;
    match lookup(&replacement, "registry") {
        Some((Some(index), path)) if index.starts_with("sparse+") => Ok(Some(Setting::new(
            index,
            format!(
                "{} [source.{replacement}] (replaces crates-io)",
                path.display()
            ),
        ))),
        // A git index or a local directory source has no sparse protocol to ask.
        _ => {
            let named = configs.iter().find_map(|c| {
                let value = c.table.get("registries")?.get(&replacement)?.get("index")?;
                Some((value.as_str()?.to_string(), &c.path))
            });
            match named {
                Some((index, path)) if index.starts_with("sparse+") => Ok(Some(Setting::new(
                    index,
                    format!(
                        "{} [registries.{replacement}] (replaces crates-io)",
                        path.display()
                    ),
                ))),
                _ => Ok(None),
            }
        }
    }
}

fn go_config(src: &EndpointSources) -> Result<Option<Setting>, InputError> {
    let Setting { value, written_in } = match first_env(src, &["GOPROXY"]) {
        Some(found) => found,
        None => {
            // `go env -w` writes to $GOENV, by default the user config dir's go/env.
            let file = first_env(src, &["GOENV"])
                .map(|s| PathBuf::from(s.value))
                .or_else(|| {
                    first_env(src, &["XDG_CONFIG_HOME"])
                        .map(|s| PathBuf::from(s.value))
                        .or_else(|| src.home.map(|h| h.join(".config")))
                        .map(|d| d.join("go/env"))
                });
            let Some(file) = file else {
                return Ok(None);
            };
            let Some(text) = read_optional(&file)? else {
                return Ok(None);
            };
            let Some((line, value)) = text.lines().enumerate().find_map(|(i, l)| {
                l.trim()
                    .strip_prefix("GOPROXY=")
                    .map(|v| (i + 1, v.trim().to_string()))
            }) else {
                return Ok(None);
            };
            Setting::new(value, format!("{}:{line} GOPROXY", file.display()))
        }
    };
    // `direct` and `off` are modes, not endpoints; `,` and `|` separate fallbacks.
    Ok(value
        .split([',', '|'])
        .map(str::trim)
        .find(|entry| !entry.is_empty() && *entry != "direct" && *entry != "off")
        .map(|entry| Setting::new(entry, written_in)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// A scratch project `home/work/project` with a home directory above it.
    struct Scratch {
        dir: tempfile::TempDir,
    }

    impl Scratch {
        fn new() -> Scratch {
            let dir = tempfile::tempdir().unwrap();
            std::fs::create_dir_all(dir.path().join("home/work/project")).unwrap();
            Scratch { dir }
        }
        fn home(&self) -> PathBuf {
            self.dir.path().join("home")
        }
        fn project(&self) -> PathBuf {
            self.dir.path().join("home/work/project")
        }
        fn write(&self, rel: &str, text: &str) -> PathBuf {
            let path = self.dir.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, text).unwrap();
            path
        }
        /// Discovers with `flags`, `policy` and `env`; pip's global files are
        /// pointed into the scratch directory so the machine's do not count.
        fn discover(
            &self,
            flags: &[&str],
            policy: &[(&str, &str)],
            env: &[(&str, &str)],
        ) -> Result<Discovered, InputError> {
            let flags: Vec<String> = flags.iter().map(|f| f.to_string()).collect();
            let policy: BTreeMap<String, String> = policy
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            let mut env: HashMap<String, String> = env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect();
            let xdg = self.dir.path().join("etc-xdg").display().to_string();
            env.entry("XDG_CONFIG_DIRS".to_string()).or_insert(xdg);
            let lookup = move |name: &str| env.get(name).cloned();
            let project = self.project();
            let home = self.home();
            discover(&EndpointSources {
                flags: &flags,
                policy: &policy,
                env: &lookup,
                cwd: &project,
                home: Some(&home),
            })
        }
    }

    fn find(found: &Discovered, eco: Ecosystem) -> Option<(&str, &str)> {
        found
            .endpoints
            .iter()
            .find(|e| e.ecosystem == eco)
            .map(|e| (e.url.as_str(), e.configured_by.as_str()))
    }

    #[test]
    fn nothing_configured_means_no_endpoint() {
        let s = Scratch::new();
        let found = s.discover(&[], &[], &[]).unwrap();
        // The machine's /etc/pip.conf is the one file outside the scratch directory.
        assert!(found.problems.is_empty(), "{found:?}");
        assert!(
            found
                .endpoints
                .iter()
                .all(|e| e.ecosystem == Ecosystem::Pypi
                    && e.configured_by.starts_with("/etc/pip.conf")),
            "{found:?}"
        );
    }

    #[test]
    fn flags_beat_environment_beat_policy() {
        let s = Scratch::new();
        let found = s
            .discover(
                &["npm=https://flag.example/npm", "go=http://flag.example/go/"],
                &[
                    ("npm", "https://policy.example/"),
                    ("cargo", "sparse+https://policy.example/index/"),
                ],
                &[
                    ("CHAINRISK_REGISTRY_NPM", "https://env.example/"),
                    ("CHAINRISK_REGISTRY_CARGO", "https://env.example/index"),
                    ("CHAINRISK_REGISTRY_PYPI", "https://env.example/simple/"),
                ],
            )
            .unwrap();
        assert_eq!(
            find(&found, Ecosystem::Npm),
            Some(("https://flag.example/npm/", "--registry"))
        );
        assert_eq!(
            find(&found, Ecosystem::Golang),
            Some(("http://flag.example/go/", "--registry"))
        );
        assert_eq!(
            find(&found, Ecosystem::Cargo),
            Some(("https://env.example/index/", "CHAINRISK_REGISTRY_CARGO"))
        );
        assert_eq!(
            find(&found, Ecosystem::Pypi),
            Some(("https://env.example/pypi/", "CHAINRISK_REGISTRY_PYPI")),
            "the Simple API URL maps to the JSON API base"
        );
        let found = s
            .discover(
                &["pypi=https://host.example"],
                &[("cargo", "sparse+https://policy.example/index")],
                &[],
            )
            .unwrap();
        assert_eq!(
            find(&found, Ecosystem::Pypi),
            Some(("https://host.example/pypi/", "--registry")),
            "a bare host gets the JSON API path"
        );
        assert_eq!(
            find(&found, Ecosystem::Cargo),
            Some((
                "https://policy.example/index/",
                "chainrisk.toml [registries]"
            ))
        );
    }

    #[test]
    fn policy_beats_package_manager_configuration() {
        let s = Scratch::new();
        s.write("home/.npmrc", "registry=https://npmrc.example/\n");
        let found = s
            .discover(&[], &[("npm", "https://policy.example/")], &[])
            .unwrap();
        assert_eq!(
            find(&found, Ecosystem::Npm),
            Some(("https://policy.example/", "chainrisk.toml [registries]"))
        );
    }

    #[test]
    fn malformed_flags_and_urls_are_errors_naming_them() {
        let s = Scratch::new();
        let err = s.discover(&["npm"], &[], &[]).unwrap_err().to_string();
        assert!(err.contains("expected ECOSYSTEM=URL"), "{err}");
        let err = s
            .discover(&["maven=https://x.example/"], &[], &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("unknown ecosystem \"maven\""), "{err}");
        let err = s
            .discover(&["npm=registry.example"], &[], &[])
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("--registry \"npm=registry.example\": "),
            "{err}"
        );
        let err = s
            .discover(&["npm=ftp://x.example/"], &[], &[])
            .unwrap_err()
            .to_string();
        assert!(err.contains("not an http or https URL"), "{err}");
        let err = s
            .discover(
                &["npm=https://a.example/", "npm=https://b.example/"],
                &[],
                &[],
            )
            .unwrap_err()
            .to_string();
        assert!(err.contains("more than once"), "{err}");
        let err = s
            .discover(&[], &[], &[("CHAINRISK_REGISTRY_NPM", "nope")])
            .unwrap_err()
            .to_string();
        assert!(err.starts_with("CHAINRISK_REGISTRY_NPM: "), "{err}");
        let err = s
            .discover(&[], &[("pypi", "::")], &[])
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("chainrisk.toml [registries] pypi: "),
            "{err}"
        );
    }

    #[test]
    fn a_package_manager_file_that_cannot_be_used_holds_up_only_its_ecosystem() {
        let s = Scratch::new();
        s.write("home/.npmrc", "registry=https://npm.example/\n");
        let npmrc = s.write("home/work/.npmrc", "registry = not a url\n");
        let found = s
            .discover(&[], &[], &[("GOPROXY", "https://go.example/")])
            .unwrap();
        assert_eq!(
            find(&found, Ecosystem::Npm),
            None,
            "the nearest file wins, broken"
        );
        assert_eq!(found.problems.len(), 1, "{found:?}");
        let (eco, why) = &found.problems[0];
        assert_eq!(*eco, Ecosystem::Npm);
        assert!(
            why.starts_with(&format!("{}:1 registry: ", npmrc.display())),
            "{why}"
        );
        assert_eq!(
            find(&found, Ecosystem::Golang).map(|(u, _)| u),
            Some("https://go.example/")
        );

        // Cargo's home configuration is a directory: unreadable, even by root.
        std::fs::remove_file(&npmrc).unwrap();
        let cargo_home = s.dir.path().join("cargo-home");
        std::fs::create_dir_all(cargo_home.join("config.toml")).unwrap();
        let found = s
            .discover(&[], &[], &[("CARGO_HOME", cargo_home.to_str().unwrap())])
            .unwrap();
        assert_eq!(
            find(&found, Ecosystem::Npm).map(|(u, _)| u),
            Some("https://npm.example/")
        );
        let (eco, why) = &found.problems[0];
        assert_eq!(*eco, Ecosystem::Cargo);
        assert!(
            why.contains("config.toml") && why.contains("is a directory"),
            "{why}"
        );
    }

    #[test]
    fn npm_environment_then_nearest_npmrc_then_user_then_global() {
        let s = Scratch::new();
        let user = s.write("home/.npmrc", "; user\nregistry=https://user.example/\n");
        let global = s.write("global/npmrc", "registry=https://global.example/\n");
        let global_env = [("npm_config_globalconfig", global.to_str().unwrap())];
        let found = s.discover(&[], &[], &global_env).unwrap();
        assert_eq!(
            find(&found, Ecosystem::Npm),
            Some((
                "https://user.example/",
                format!("{}:2 registry", user.display()).as_str()
            ))
        );
        std::fs::remove_file(&user).unwrap();
        let found = s.discover(&[], &[], &global_env).unwrap();
        assert_eq!(
            find(&found, Ecosystem::Npm).unwrap().0,
            "https://global.example/"
        );

        let project = s.write(
            "home/work/project/.npmrc",
            "@corp:registry=https://corp.example/\nregistry=\"https://${MIRROR}/npm/\"\n",
        );
        let found = s
            .discover(&[], &[], &[("MIRROR", "mirror.example")])
            .unwrap();
        assert_eq!(
            find(&found, Ecosystem::Npm),
            Some((
                "https://mirror.example/npm/",
                format!("{}:2 registry", project.display()).as_str()
            ))
        );
        let found = s
            .discover(&[], &[], &[("npm_config_registry", "https://env.example/")])
            .unwrap();
        assert_eq!(
            find(&found, Ecosystem::Npm),
            Some(("https://env.example/", "npm_config_registry"))
        );
    }

    #[test]
    fn pip_environment_then_config_file_then_user_then_global() {
        let s = Scratch::new();
        let xdg_dirs = s.dir.path().join("etc-xdg");
        s.write(
            "etc-xdg/pip/pip.conf",
            "[global]\nindex-url = https://global.example/simple\n",
        );
        let found = s.discover(&[], &[], &[]).unwrap();
        assert_eq!(
            find(&found, Ecosystem::Pypi).unwrap().0,
            "https://global.example/pypi/"
        );

        let legacy = s.write(
            "home/.pip/pip.conf",
            "[global]\nindex_url = https://legacy.example/pypi\n",
        );
        let found = s.discover(&[], &[], &[]).unwrap();
        assert_eq!(
            find(&found, Ecosystem::Pypi),
            Some((
                "https://legacy.example/pypi/",
                format!("{}:2 [global] index-url", legacy.display()).as_str()
            ))
        );
        s.write(
            "home/.config/pip/pip.conf",
            "[global]\nindex-url = https://user.example/simple/\n[install]\nindex-url = https://install.example/root/simple/\n",
        );
        let found = s.discover(&[], &[], &[]).unwrap();
        assert_eq!(
            find(&found, Ecosystem::Pypi).unwrap().0,
            "https://install.example/root/pypi/"
        );

        let file = s.write(
            "elsewhere/pip.ini",
            "[global]\nindex-url=https://file.example/simple\n",
        );
        let found = s
            .discover(&[], &[], &[("PIP_CONFIG_FILE", file.to_str().unwrap())])
            .unwrap();
        assert_eq!(
            find(&found, Ecosystem::Pypi).unwrap().0,
            "https://file.example/pypi/"
        );
        let found = s
            .discover(
                &[],
                &[],
                &[("PIP_INDEX_URL", "https://env.example/simple/")],
            )
            .unwrap();
        assert_eq!(
            find(&found, Ecosystem::Pypi),
            Some(("https://env.example/pypi/", "PIP_INDEX_URL"))
        );
        assert!(xdg_dirs.exists());
    }

    #[test]
    fn cargo_source_replacement_nearest_config_first() {
        let s = Scratch::new();
        s.write(
            "home/.cargo/config.toml",
            "[source.crates-io]\nreplace-with = \"mirror\"\n[source.mirror]\nregistry = \"sparse+https://home.example/index/\"\n",
        );
        let found = s.discover(&[], &[], &[]).unwrap();
        let (url, by) = find(&found, Ecosystem::Cargo).unwrap();
        assert_eq!(url, "https://home.example/index/");
        assert!(
            by.ends_with("home/.cargo/config.toml [source.mirror] (replaces crates-io)"),
            "{by}"
        );

        // A nearer file redefines the mirror; CARGO_HOME moves the home file.
        s.write(
            "home/work/.cargo/config.toml",
            "[source.mirror]\nregistry = \"sparse+https://work.example/index\"\n",
        );
        let found = s.discover(&[], &[], &[]).unwrap();
        assert_eq!(
            find(&found, Ecosystem::Cargo).unwrap().0,
            "https://work.example/index/"
        );

        // A git index cannot be read with the sparse protocol: no endpoint.
        s.write(
            "home/work/project/.cargo/config",
            "[source.crates-io]\nreplace-with = \"git-mirror\"\n[source.git-mirror]\nregistry = \"https://git.example/index.git\"\n",
        );
        let found = s.discover(&[], &[], &[]).unwrap();
        assert_eq!(find(&found, Ecosystem::Cargo), None);

        let other_home = s.write(
            "cargo-home/config.toml",
            "[source.crates-io]\nreplace-with = \"corp\"\n[registries.corp]\nindex = \"sparse+https://corp.example/\"\n",
        );
        std::fs::remove_file(s.project().join(".cargo/config")).unwrap();
        std::fs::remove_file(s.home().join("work/.cargo/config.toml")).unwrap();
        std::fs::remove_file(s.home().join(".cargo/config.toml")).unwrap();
        let cargo_home = other_home.parent().unwrap().to_str().unwrap();
        let found = s.discover(&[], &[], &[("CARGO_HOME", cargo_home)]).unwrap();
        assert_eq!(
            find(&found, Ecosystem::Cargo).unwrap().0,
            "https://corp.example/"
        );

        s.write("home/work/.cargo/config.toml", "[source\n");
        let found = s.discover(&[], &[], &[]).unwrap();
        assert_eq!(find(&found, Ecosystem::Cargo), None);
        assert!(
            matches!(&found.problems[..], [(Ecosystem::Cargo, why)] if why.contains("not valid TOML")),
            "{found:?}"
        );
    }

    #[test]
    fn goproxy_first_url_entry_from_environment_or_go_env_file() {
        let s = Scratch::new();
        let found = s.discover(&[], &[], &[("GOPROXY", "direct")]).unwrap();
        assert_eq!(find(&found, Ecosystem::Golang), None);
        let found = s
            .discover(
                &[],
                &[],
                &[("GOPROXY", "off,https://a.example|https://b.example,direct")],
            )
            .unwrap();
        assert_eq!(
            find(&found, Ecosystem::Golang),
            Some(("https://a.example/", "GOPROXY"))
        );
        let env_file = s.write(
            "home/.config/go/env",
            "GOPRIVATE=x\nGOPROXY=https://user.example/go\n",
        );
        let found = s.discover(&[], &[], &[]).unwrap();
        assert_eq!(
            find(&found, Ecosystem::Golang),
            Some((
                "https://user.example/go/",
                format!("{}:2 GOPROXY", env_file.display()).as_str()
            ))
        );
    }
}
