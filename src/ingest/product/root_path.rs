//! Paths inside a delivered root filesystem, resolved as the product would
//! resolve them when running: an absolute symlink target means the product's
//! root, not this machine's, and `..` stops at the root. Nothing outside the
//! root is ever opened, and a symlink loop ends after a bounded number of hops.

use std::path::{Component, Path, PathBuf};

/// Symlinks followed for one path before it is given up (Linux's own limit).
const MAX_HOPS: usize = 40;

/// What a lookup of one path inside a tree found.
pub enum Lookup {
    Missing,
    Symlink(String),
    Present,
}

/// Resolves `rel` inside any tree, given how to look one path up: the
/// components of the real path, or `None` when it does not exist or loops.
pub fn resolve_with(rel: &str, lookup: impl Fn(&[String]) -> Lookup) -> Option<Vec<String>> {
    let mut pending: Vec<String> = split(rel);
    pending.reverse();
    let mut done: Vec<String> = Vec::new();
    let mut hops = 0;
    while let Some(part) = pending.pop() {
        match part.as_str() {
            "" | "." => continue,
            ".." => {
                done.pop();
                continue;
            }
            _ => {}
        }
        done.push(part);
        match lookup(&done) {
            Lookup::Missing => return None,
            Lookup::Present => {}
            Lookup::Symlink(target) => {
                done.pop();
                hops += 1;
                if hops > MAX_HOPS {
                    return None;
                }
                if target.starts_with('/') {
                    done.clear();
                }
                let mut parts = split(&target);
                parts.reverse();
                pending.extend(parts);
            }
        }
    }
    Some(done)
}

/// The real path of `rel` (relative to the product's root) inside `root`,
/// or `None` when it does not exist, loops, or is not reachable.
pub fn resolve(root: &Path, rel: &str) -> Option<PathBuf> {
    let parts = resolve_with(rel, |parts| {
        let here = join(root, parts);
        match std::fs::symlink_metadata(&here) {
            Err(_) => Lookup::Missing,
            Ok(m) if m.file_type().is_symlink() => match std::fs::read_link(&here) {
                Ok(t) => Lookup::Symlink(t.to_string_lossy().into_owned()),
                Err(_) => Lookup::Missing,
            },
            Ok(_) => Lookup::Present,
        }
    })?;
    Some(join(root, &parts))
}

/// A regular file at `rel` inside the root, resolved as above.
pub fn regular_file(root: &Path, rel: &str) -> Option<PathBuf> {
    let p = resolve(root, rel)?;
    std::fs::symlink_metadata(&p)
        .ok()
        .filter(|m| m.file_type().is_file())
        .map(|_| p)
}

/// Whether `rel` exists inside the root without following its last
/// component (as `lstat` does): a dangling symlink a package installed exists.
pub fn exists_no_follow(root: &Path, rel: &str) -> bool {
    let rel = rel.trim_start_matches('/');
    let (parent, last) = match rel.rsplit_once('/') {
        Some((p, l)) => (p, l),
        None => ("", rel),
    };
    if last.is_empty() || last == "." || last == ".." {
        return resolve(root, rel).is_some_and(|p| std::fs::symlink_metadata(p).is_ok());
    }
    resolve(root, parent).is_some_and(|p| std::fs::symlink_metadata(p.join(last)).is_ok())
}

/// The target a symlink at `rel` names, as written (its parents resolved
/// inside the root, the link itself not followed); `None` when it is not one.
pub fn link_target(root: &Path, rel: &str) -> Option<String> {
    let rel = rel.trim_start_matches('/');
    let (parent, last) = rel.rsplit_once('/').unwrap_or(("", rel));
    if last.is_empty() || last == "." || last == ".." {
        return None;
    }
    let target = std::fs::read_link(resolve(root, parent)?.join(last)).ok()?;
    Some(target.to_string_lossy().into_owned())
}

pub fn split(path: &str) -> Vec<String> {
    Path::new(path)
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            Component::ParentDir => Some("..".to_string()),
            _ => None,
        })
        .collect()
}

fn join(root: &Path, parts: &[String]) -> PathBuf {
    let mut p = root.to_path_buf();
    p.extend(parts);
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn symlinks_resolve_inside_the_root_never_outside() {
        let root = tempfile::tempdir().unwrap();
        let r = root.path();
        std::fs::create_dir_all(r.join("usr/lib")).unwrap();
        std::fs::create_dir_all(r.join("etc")).unwrap();
        std::fs::write(r.join("usr/lib/os-release"), "ID=debian\n").unwrap();
        symlink("../usr/lib/os-release", r.join("etc/os-release")).unwrap();
        symlink("/usr/lib/os-release", r.join("etc/absolute")).unwrap();
        symlink("../../../../../../etc/passwd", r.join("etc/escape")).unwrap();
        symlink("/etc/passwd", r.join("etc/host")).unwrap();
        symlink("loop", r.join("etc/loop")).unwrap();
        let want = r.join("usr/lib/os-release");
        assert_eq!(regular_file(r, "etc/os-release"), Some(want.clone()));
        assert_eq!(
            regular_file(r, "etc/absolute"),
            Some(want),
            "absolute means the product's root"
        );
        assert_eq!(
            regular_file(r, "etc/escape"),
            None,
            "`..` stops at the root: <root>/etc/passwd does not exist"
        );
        assert_eq!(
            regular_file(r, "etc/host"),
            None,
            "never this machine's /etc/passwd"
        );
        assert_eq!(resolve(r, "etc/loop"), None);
        assert_eq!(regular_file(r, "../../etc/passwd"), None);
    }
}
