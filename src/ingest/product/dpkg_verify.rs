//! DEL-09's evidence for dpkg packages, as `dpkg --verify` checks them: each
//! file listed in `var/lib/dpkg/info/<package>[:<arch>].md5sums`, and each
//! conffile the status database records, hashed and compared with the MD5
//! dpkg recorded at install time; every path of `<package>.list` that is
//! gone is missing. A path another package diverted (`dpkg-divert`) is
//! checked where dpkg moved this package's file.

use std::collections::{HashMap, HashSet};

use super::dpkg::Installed;
use super::tree::{DigestAlg, FileState, Tree};
use crate::model::InputError;
use crate::model::{FileDiff, FileVerification};

/// dpkg's diversions: a path → where its package's file was moved, and the
/// package that diverted it (`None`: a local diversion).
#[derive(Debug, Default)]
pub struct Diversions(HashMap<String, (String, Option<String>)>);

impl Diversions {
    /// Reads `var/lib/dpkg/diversions` (three lines per diversion).
    pub fn read(tree: &dyn Tree) -> Diversions {
        let Ok(Some(bytes)) = tree.read("var/lib/dpkg/diversions", super::MAX_DATABASE_BYTES)
        else {
            return Diversions::default();
        };
        let text = String::from_utf8_lossy(&bytes);
        let lines: Vec<&str> = text.lines().collect();
        Diversions(
            lines
                .chunks_exact(3)
                .map(|d| {
                    let by = (d[2] != ":").then(|| d[2].to_string());
                    (d[0].to_string(), (d[1].to_string(), by))
                })
                .collect(),
        )
    }

    /// Where `pkg`'s file for `path` is: moved aside when another package
    /// (or the administrator) diverted the path.
    fn locate<'a>(&'a self, path: &'a str, pkg: &str) -> &'a str {
        match self.0.get(path) {
            Some((to, by)) if by.as_deref() != Some(pkg) => to,
            _ => path,
        }
    }
}

/// The database files of one package: `<name>:<arch>.<ext>` or `<name>.<ext>`.
fn info_file(
    tree: &dyn Tree,
    pkg: &Installed,
    ext: &str,
) -> Option<(String, Result<String, InputError>)> {
    let mut candidates = Vec::new();
    if let Some(a) = &pkg.architecture {
        candidates.push(format!("var/lib/dpkg/info/{}:{a}.{ext}", pkg.name));
    }
    candidates.push(format!("var/lib/dpkg/info/{}.{ext}", pkg.name));
    candidates
        .into_iter()
        .find_map(|rel| match tree.read(&rel, super::MAX_DATABASE_BYTES) {
            Ok(Some(b)) => Some((rel, Ok(String::from_utf8_lossy(&b).into_owned()))),
            Ok(None) => None,
            Err(e) => Some((rel, Err(e))),
        })
}

/// The verification of one installed package, or `None` when its database
/// records nothing to check (no md5sums, no file list, no conffiles).
pub fn verify(
    tree: &dyn Tree,
    pkg: &Installed,
    diversions: &Diversions,
) -> Option<FileVerification> {
    let md5sums = info_file(tree, pkg, "md5sums");
    let list = info_file(tree, pkg, "list");
    if md5sums.is_none() && list.is_none() && pkg.conffiles.is_empty() {
        return None;
    }
    if md5sums.is_none() && pkg.conffiles.is_empty() {
        return None;
    }
    let mut out = FileVerification::default();
    if let Some((rel, text)) = md5sums {
        out.database = rel.clone();
        match text {
            Ok(text) => {
                for line in text.lines() {
                    // `<md5>  <path relative to the root>`
                    let Some((digest, file)) = line.split_once(char::is_whitespace) else {
                        continue;
                    };
                    let file = file.trim_start();
                    if digest.len() != 32 || file.is_empty() {
                        continue;
                    }
                    let file = format!("/{}", file.trim_start_matches('/'));
                    check(
                        tree,
                        diversions.locate(&file, &pkg.name),
                        digest,
                        &mut out,
                        false,
                    );
                }
            }
            Err(e) => out.unreadable.push(e.to_string()),
        }
    } else {
        out.database = "var/lib/dpkg/status".to_string();
    }
    for (file, digest) in &pkg.conffiles {
        check(
            tree,
            diversions.locate(file, &pkg.name),
            digest,
            &mut out,
            true,
        );
    }
    // Everything the package installed (directories too) must still exist.
    if let Some((_, Ok(text))) = list {
        let already: HashSet<String> = out.missing.iter().cloned().collect();
        for line in text.lines() {
            let file = line.trim_end();
            if file.is_empty() || file == "/." || already.contains(file) {
                continue;
            }
            let located = diversions.locate(file, &pkg.name);
            if !tree.exists_no_follow(located) {
                out.missing.push(located.to_string());
            }
        }
    }
    Some(out)
}

/// Compares one file with its recorded MD5 (or SHA-256, 64 digits, as opkg records).
pub(super) fn check(
    tree: &dyn Tree,
    file: &str,
    recorded: &str,
    out: &mut FileVerification,
    conffile: bool,
) {
    let rel = file.trim_start_matches('/');
    let shown = format!("/{rel}");
    out.checked += 1;
    let alg = if recorded.len() == 64 {
        DigestAlg::Sha256
    } else {
        DigestAlg::Md5
    };
    let actual = match tree.digest(rel, alg) {
        FileState::Missing => {
            out.missing.push(shown);
            return;
        }
        FileState::NotRegular => {
            out.unreadable.push(shown);
            return;
        }
        FileState::Digest(d) => d,
    };
    if !actual.eq_ignore_ascii_case(recorded) {
        let diff = FileDiff {
            path: shown,
            algorithm: alg.name().to_string(),
            recorded: recorded.to_ascii_lowercase(),
            actual,
        };
        if conffile {
            out.changed_conffiles.push(diff);
        } else {
            out.changed.push(diff);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changed_missing_and_conffile_changes_are_told_apart() {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        std::fs::create_dir_all(r.join("usr/bin")).unwrap();
        std::fs::create_dir_all(r.join("etc")).unwrap();
        std::fs::create_dir_all(r.join("var/lib/dpkg/info")).unwrap();
        std::os::unix::fs::symlink("usr/bin", r.join("bin")).unwrap();
        std::fs::write(r.join("usr/bin/tool"), b"hello\n").unwrap();
        std::fs::write(r.join("usr/bin/other"), b"changed\n").unwrap();
        std::fs::write(r.join("etc/tool.conf"), b"edited=1\n").unwrap();
        // md5("hello\n") = b1946ac92492d2347c6235b4d2611184
        std::fs::write(
            r.join("var/lib/dpkg/info/tool:amd64.md5sums"),
            "b1946ac92492d2347c6235b4d2611184  bin/tool\n\
             b1946ac92492d2347c6235b4d2611184  usr/bin/other\n\
             b1946ac92492d2347c6235b4d2611184  usr/bin/gone\n",
        )
        .unwrap();
        let pkg = Installed {
            name: "tool".into(),
            architecture: Some("amd64".into()),
            conffiles: vec![(
                "/etc/tool.conf".into(),
                "b1946ac92492d2347c6235b4d2611184".into(),
            )],
            ..Installed::default()
        };
        let tree = super::super::tree::DirTree::new(r);
        let v = verify(&tree, &pkg, &Diversions::default()).unwrap();
        assert_eq!(v.database, "var/lib/dpkg/info/tool:amd64.md5sums");
        assert_eq!(v.checked, 4);
        assert_eq!(v.changed.len(), 1);
        assert_eq!(v.changed[0].path, "/usr/bin/other");
        assert_eq!(v.changed[0].recorded, "b1946ac92492d2347c6235b4d2611184");
        assert_eq!(v.changed_conffiles[0].path, "/etc/tool.conf");
        assert_eq!(v.missing, ["/usr/bin/gone"]);
        assert!(
            verify(
                &tree,
                &Installed {
                    name: "none".into(),
                    ..Installed::default()
                },
                &Diversions::default()
            )
            .is_none()
        );
    }
}
