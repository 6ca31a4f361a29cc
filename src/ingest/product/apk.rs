//! apk's database of installed packages (`lib/apk/db/installed`): one
//! record per package, separated by blank lines, of `X:value` lines —
//! `P` name, `V` version, `A` architecture, `o` origin (the source
//! package), `m` maintainer, `L` licence, `D` dependencies, `p` provides,
//! then the files: `F` a directory, `R` a file in it, `Z` the file's
//! digest (`Q1` + base64 SHA-1, `Q2` + base64 SHA-256). DEL-09 checks each
//! file as `apk audit` does: content digest for a file, digest of the
//! target path for a symlink; changes under `etc/` (the paths apk protects
//! as configuration by default) are configuration changes.

use base64::Engine;

use super::package::Package;
use super::tree::{DigestAlg, FileState, Tree};
use crate::model::{FileDiff, FileVerification, SourcePackage};

/// Where the database is, relative to the root.
pub const DATABASE: &str = "lib/apk/db/installed";

/// One installed package and the files it owns.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Installed {
    pub package: Package,
    /// Each file's path (with a leading `/`) and the digest apk recorded
    /// (algorithm and lower-case hex), when it recorded one.
    pub files: Vec<(String, Option<(DigestAlg, String)>)>,
}

/// What the database gave.
#[derive(Debug, Default)]
pub struct InstalledRead {
    pub installed: Vec<Installed>,
    /// Records skipped and values not understood, with where.
    pub warnings: Vec<String>,
}

/// Reads the database's text; `file` names it in pointers and warnings.
pub fn parse_installed(file: &str, text: &str) -> InstalledRead {
    let mut out = InstalledRead::default();
    let mut record = Record::default();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        if line.trim().is_empty() {
            record.finish(file, &mut out);
            continue;
        }
        let Some((key, value)) = line.split_once(':').filter(|(k, _)| k.len() == 1) else {
            out.warnings.push(format!(
                "{file}:{n}: expected a `X:value` line, found {:?}; ignored",
                crate::model::text::clip(line, 60)
            ));
            continue;
        };
        if record.start == 0 {
            record.start = n;
        }
        record.field(key, value, file, n, &mut out.warnings);
    }
    record.finish(file, &mut out);
    out
}

/// The record being read.
#[derive(Default)]
struct Record {
    start: usize,
    package: Package,
    origin: Option<String>,
    directory: String,
    files: Vec<(String, Option<(DigestAlg, String)>)>,
}

impl Record {
    fn field(
        &mut self,
        key: &str,
        value: &str,
        file: &str,
        line: usize,
        warnings: &mut Vec<String>,
    ) {
        let p = &mut self.package;
        let text = || Some(value.trim().to_string()).filter(|v| !v.is_empty());
        match key {
            "P" => p.name = value.trim().to_string(),
            "V" => p.version = value.trim().to_string(),
            "A" => p.architecture = text(),
            "o" => self.origin = text(),
            "m" => p.maintainer = text(),
            "L" => p.licence = text(),
            "D" => p.depends = value.split_whitespace().filter_map(relation).map(|n| vec![n]).collect(),
            "p" => p.provides = value.split_whitespace().filter_map(relation).collect(),
            "F" => self.directory = value.trim().trim_matches('/').to_string(),
            "R" => {
                let name = value.trim();
                let path = if self.directory.is_empty() {
                    format!("/{name}")
                } else {
                    format!("/{}/{name}", self.directory)
                };
                self.files.push((path, None));
            }
            "Z" => match (self.files.last_mut(), digest(value.trim())) {
                (Some((_, slot @ None)), Some(d)) => *slot = Some(d),
                (_, None) => warnings.push(format!(
                    "{file}:{line}: a file digest apk-tools does not write ({}); that file is not checked",
                    crate::model::text::clip(value, 60)
                )),
                _ => {}
            },
            _ => {}
        }
    }

    fn finish(&mut self, file: &str, out: &mut InstalledRead) {
        if self.start == 0 {
            return;
        }
        let mut r = std::mem::take(self);
        let pointer = format!("{file}:line {}", r.start);
        if r.package.name.is_empty() || r.package.version.is_empty() {
            out.warnings.push(format!(
                "{pointer}: a package record without a name (P:) or version (V:); skipped"
            ));
            return;
        }
        r.package.source = SourcePackage {
            name: r.origin.unwrap_or_else(|| r.package.name.clone()),
            // An origin's subpackages share its version.
            version: Some(r.package.version.clone()),
        };
        r.package.pointer = pointer;
        out.installed.push(Installed {
            package: r.package,
            files: r.files,
        });
    }
}

/// `so:libc.musl-x86_64.so.1`, `musl>=1.2`, `cmd:ls=9.4-r0` → the name;
/// conflicts (`!name`) name nothing to depend on.
fn relation(token: &str) -> Option<String> {
    if token.starts_with('!') {
        return None;
    }
    let name = token.split(['<', '>', '=', '~']).next()?.trim();
    (!name.is_empty()).then(|| name.to_string())
}

/// `Q1<base64 SHA-1>` or `Q2<base64 SHA-256>` → algorithm and hex.
fn digest(z: &str) -> Option<(DigestAlg, String)> {
    let (alg, len, b64) = match z.get(..2)? {
        "Q1" => (DigestAlg::Sha1, 20, &z[2..]),
        "Q2" => (DigestAlg::Sha256, 32, &z[2..]),
        _ => return None,
    };
    let bytes = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
    (bytes.len() == len).then(|| (alg, crate::model::encode::hex(&bytes)))
}

/// The verification of one package's files, or `None` when apk recorded
/// no file for it (a meta package).
pub fn verify(tree: &dyn Tree, pkg: &Installed) -> Option<FileVerification> {
    if pkg.files.is_empty() {
        return None;
    }
    let mut out = FileVerification {
        database: DATABASE.to_string(),
        ..FileVerification::default()
    };
    for (path, recorded) in &pkg.files {
        let rel = path.trim_start_matches('/');
        let Some((alg, recorded)) = recorded else {
            if !tree.exists_no_follow(rel) {
                out.missing.push(path.clone());
            }
            continue;
        };
        out.checked += 1;
        // apk records a symlink's digest over the path it points to.
        let actual = match tree.link_target(rel) {
            Some(target) => super::tree::digest_of_bytes(*alg, target.as_bytes()),
            None => match tree.digest(rel, *alg) {
                FileState::Digest(d) => d,
                FileState::Missing => {
                    out.missing.push(path.clone());
                    continue;
                }
                FileState::NotRegular => {
                    out.unreadable.push(path.clone());
                    continue;
                }
            },
        };
        if actual != *recorded {
            let diff = FileDiff {
                path: path.clone(),
                algorithm: alg.name().to_string(),
                recorded: recorded.clone(),
                actual,
            };
            if is_protected(rel) {
                out.changed_conffiles.push(diff);
            } else {
                out.changed.push(diff);
            }
        }
    }
    Some(out)
}

/// apk's default protected paths: `etc/` but its own `etc/apk/`.
fn is_protected(rel: &str) -> bool {
    rel.starts_with("etc/") && !rel.starts_with("etc/apk/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::testing::assert_warning_contains;

    // Digests: `printf 'hello\n' | sha1sum` = f572d396…, base64 9XLTlvrpIGYocU+yzgD3LpTyJY8=.
    const DB: &str = "C:Q1p78ph6U3nC4vpsGEydTu9OqrCwE=\nP:musl\nV:1.2.4_git20230717-r4\nA:x86_64\n\
S:383152\nI:622592\nT:the musl c library (libc) implementation\nU:https://musl.example/\nL:MIT\n\
o:musl\nm:Maintainer Name <maintainer@example.org>\nt:1700146048\nc:2b6b8f5e\n\
p:so:libc.musl-x86_64.so.1=1\nF:lib\nR:ld-musl-x86_64.so.1\na:0:0:755\nZ:Q19XLTlvrpIGYocU+yzgD3LpTyJY8=\n\n\
P:busybox-binsh\nV:1.36.1-r15\nA:x86_64\no:busybox\nD:busybox=1.36.1-r15 !bash-binsh so:libc.musl-x86_64.so.1\n\
F:bin\nR:sh\nZ:Q1abc\n\nP:nameless-version\n\nthis is no field\n";

    #[test]
    fn packages_with_origin_relations_and_file_digests() {
        let read = parse_installed(DATABASE, DB);
        let names: Vec<&str> = read
            .installed
            .iter()
            .map(|p| p.package.name.as_str())
            .collect();
        assert_eq!(names, ["musl", "busybox-binsh"]);
        let musl = &read.installed[0];
        assert_eq!(musl.package.version, "1.2.4_git20230717-r4");
        assert_eq!(musl.package.licence.as_deref(), Some("MIT"));
        assert_eq!(musl.package.provides, ["so:libc.musl-x86_64.so.1"]);
        assert_eq!(musl.package.pointer, "lib/apk/db/installed:line 1");
        assert_eq!(
            musl.files,
            [(
                "/lib/ld-musl-x86_64.so.1".to_string(),
                Some((
                    DigestAlg::Sha1,
                    "f572d396fae9206628714fb2ce00f72e94f2258f".to_string()
                ))
            )]
        );
        let sh = &read.installed[1];
        assert_eq!(sh.package.source.name, "busybox");
        assert_eq!(
            sh.package.depends,
            [
                vec!["busybox".to_string()],
                vec!["so:libc.musl-x86_64.so.1".to_string()]
            ],
            "a conflict is no dependency"
        );
        assert_eq!(
            sh.files,
            [("/bin/sh".to_string(), None)],
            "an unreadable digest is not kept"
        );
        assert_eq!(read.warnings.len(), 3, "{:?}", read.warnings);
        assert_warning_contains(&read.warnings, 0, ":27: a file digest");
        assert_warning_contains(&read.warnings, 1, "line 29: a package record without");
        assert_warning_contains(&read.warnings, 2, ":31: expected a `X:value` line");
    }
}
