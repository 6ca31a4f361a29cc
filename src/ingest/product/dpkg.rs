//! dpkg's database of installed packages: `var/lib/dpkg/status` and the
//! distroless `var/lib/dpkg/status.d/*` (one file per package). Each
//! installed package (`Status: … installed`) becomes one installed package
//! record with its source package and its `Depends`/`Pre-Depends`.

use super::tree::Tree;
use crate::model::InputError;

/// One installed package as the status database records it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Installed {
    pub name: String,
    pub version: String,
    pub architecture: Option<String>,
    /// Source package and version (`Source: openssl (3.0.11-1)`; absent: the package itself).
    pub source: String,
    pub source_version: String,
    pub maintainer: Option<String>,
    pub homepage: Option<String>,
    /// Names of the packages it depends on (first alternative of each), without version or arch.
    pub depends: Vec<Vec<String>>,
    /// Conffiles and the digest recorded for each (dpkg: MD5; opkg: MD5 or
    /// SHA-256), obsolete ones left out.
    pub conffiles: Vec<(String, String)>,
    /// Where it was read: `<file>:line <n>`.
    pub pointer: String,
}

/// What one status file gave.
#[derive(Debug, Default)]
pub struct StatusRead {
    pub installed: Vec<Installed>,
    /// Paragraphs skipped, with why (`not installed`, a missing field).
    pub warnings: Vec<String>,
}

impl Installed {
    /// The package as every database reader describes it.
    pub fn package(&self) -> super::package::Package {
        super::package::Package {
            name: self.name.clone(),
            version: self.version.clone(),
            architecture: self.architecture.clone(),
            source: crate::model::SourcePackage {
                name: self.source.clone(),
                version: Some(self.source_version.clone()),
            },
            maintainer: self.maintainer.clone(),
            depends: self.depends.clone(),
            pointer: self.pointer.clone(),
            ..Default::default()
        }
    }
}

/// Reads one status file's text; `file` names it in pointers and warnings.
pub fn parse_status(file: &str, text: &str) -> StatusRead {
    let mut out = StatusRead::default();
    for (line, fields) in paragraphs(text) {
        let get = |k: &str| {
            fields
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case(k))
                .map(|(_, v)| v.trim())
                .filter(|v| !v.is_empty())
        };
        let Some(name) = get("Package") else {
            out.warnings.push(format!(
                "{file}:{line}: a paragraph with no Package field; skipped"
            ));
            continue;
        };
        // `Status: want flag state`; only `installed` is on the system as a whole.
        let state = get("Status").and_then(|s| s.split_whitespace().nth(2));
        if state.is_some_and(|s| s != "installed") {
            continue;
        }
        let Some(version) = get("Version") else {
            out.warnings.push(format!(
                "{file}:{line}: package {name} has no Version; skipped"
            ));
            continue;
        };
        let (source, source_version) = match get("Source") {
            Some(s) => match s.split_once('(') {
                Some((n, v)) => (
                    n.trim().to_string(),
                    v.trim_end_matches(')').trim().to_string(),
                ),
                None => (s.to_string(), version.to_string()),
            },
            None => (name.to_string(), version.to_string()),
        };
        let mut depends = Vec::new();
        for key in ["Pre-Depends", "Depends"] {
            if let Some(d) = get(key) {
                depends.extend(relations(d));
            }
        }
        let conffiles = get("Conffiles")
            .map(|c| {
                c.lines()
                    .filter_map(|l| {
                        let mut parts = l.split_whitespace();
                        let (path, digest) = (parts.next()?, parts.next()?);
                        // `newconffile` stands where no digest is recorded yet;
                        // opkg records SHA-256 (64 digits) where dpkg records MD5.
                        let recorded = matches!(digest.len(), 32 | 64)
                            && digest.bytes().all(|b| b.is_ascii_hexdigit());
                        let dropped = parts.any(|f| f == "obsolete" || f == "remove-on-upgrade");
                        (recorded && !dropped && path.starts_with('/'))
                            .then(|| (path.to_string(), digest.to_string()))
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.installed.push(Installed {
            name: name.to_string(),
            version: version.to_string(),
            architecture: get("Architecture").map(str::to_string),
            source,
            source_version,
            maintainer: get("Maintainer").map(str::to_string),
            homepage: get("Homepage").map(str::to_string),
            depends,
            conffiles,
            pointer: format!("{file}:line {line}"),
        });
    }
    out
}

/// `libc6 (>= 2.34), libssl3 | libssl1.1, perl:any` → each group's names.
fn relations(field: &str) -> Vec<Vec<String>> {
    field
        .split(',')
        .map(|group| {
            group
                .split('|')
                .filter_map(|alt| {
                    let name = alt.split(['(', '[', '<']).next()?.trim();
                    let name = name.split(':').next().unwrap_or(name).trim();
                    (!name.is_empty()).then(|| name.to_string())
                })
                .collect::<Vec<_>>()
        })
        .filter(|g| !g.is_empty())
        .collect()
}

/// deb822 paragraphs: each with the line it starts on and its fields
/// (continuation lines joined with `\n`).
fn paragraphs(text: &str) -> Vec<(usize, Vec<(&str, String)>)> {
    let mut out = Vec::new();
    let mut current: Vec<(&str, String)> = Vec::new();
    let mut start = 0;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push((start, std::mem::take(&mut current)));
            }
            continue;
        }
        if current.is_empty() {
            start = i + 1;
        }
        if line.starts_with([' ', '\t']) {
            if let Some((_, v)) = current.last_mut() {
                v.push('\n');
                v.push_str(line.trim());
            }
            continue;
        }
        if line.starts_with('#') {
            continue;
        }
        if let Some((k, v)) = line.split_once(':') {
            current.push((k.trim(), v.trim().to_string()));
        }
    }
    if !current.is_empty() {
        out.push((start, current));
    }
    out
}

/// Every status file of the database: `status`, then the distroless
/// `status.d/*` in name order, as (path relative to the root, text).
pub fn status_files(tree: &dyn Tree, max_bytes: u64) -> Vec<Result<(String, String), InputError>> {
    let mut rels = vec!["var/lib/dpkg/status".to_string()];
    rels.extend(
        tree.list_dir("var/lib/dpkg/status.d")
            .into_iter()
            // distroless also keeps `<pkg>.md5sums` here.
            .filter(|n| !n.ends_with(".md5sums"))
            .map(|n| format!("var/lib/dpkg/status.d/{n}")),
    );
    rels.into_iter()
        .filter_map(|rel| match tree.read(&rel, max_bytes) {
            Ok(Some(bytes)) => Some(Ok((rel, String::from_utf8_lossy(&bytes).into_owned()))),
            Ok(None) => None,
            Err(e) => Some(Err(e)),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const STATUS: &str = "Package: libssl3\nStatus: install ok installed\nArchitecture: amd64\n\
Source: openssl (3.0.11-1~deb12u2)\nVersion: 3.0.11-1~deb12u2+b1\nMaintainer: Debian OpenSSL Team <team@example.org>\n\
Depends: libc6 (>= 2.34)\nConffiles:\n /etc/ssl/openssl.cnf 5ab3c1a0e3ef8d2e6c8ac1c4e8d3b1a2\n /etc/old.conf 00000000000000000000000000000000 obsolete\nDescription: Secure Sockets Layer toolkit\n multi-line\n .\n more\n\n\
Package: removed-one\nStatus: deinstall ok config-files\nVersion: 1.0\n\n\
Package: bash\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.2.15-2+b2\n\
Pre-Depends: libc6 (>= 2.36), libtinfo6 (>= 6)\nDepends: base-files (>= 2.1.12), debianutils (>= 5.6-0.1) | foo:any\n\n\
Version: 9\n";

    #[test]
    fn installed_packages_with_their_source_and_relations() {
        let read = parse_status("var/lib/dpkg/status", STATUS);
        let names: Vec<&str> = read.installed.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(
            names,
            ["libssl3", "bash"],
            "config-files only is not installed"
        );
        let ssl = &read.installed[0];
        assert_eq!(
            (ssl.source.as_str(), ssl.source_version.as_str()),
            ("openssl", "3.0.11-1~deb12u2")
        );
        assert_eq!(ssl.pointer, "var/lib/dpkg/status:line 1");
        assert_eq!(
            ssl.conffiles,
            vec![(
                "/etc/ssl/openssl.cnf".to_string(),
                "5ab3c1a0e3ef8d2e6c8ac1c4e8d3b1a2".to_string()
            )]
        );
        let bash = &read.installed[1];
        assert_eq!(
            (bash.source.as_str(), bash.source_version.as_str()),
            ("bash", "5.2.15-2+b2")
        );
        assert_eq!(
            bash.depends,
            vec![
                vec!["libc6".to_string()],
                vec!["libtinfo6".to_string()],
                vec!["base-files".to_string()],
                vec!["debianutils".to_string(), "foo".to_string()]
            ]
        );
        assert_eq!(
            read.warnings,
            ["var/lib/dpkg/status:27: a paragraph with no Package field; skipped"]
        );
    }
}
