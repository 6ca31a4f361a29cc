//! A Debian suite's `Release` file, or the text inside its clearsigned
//! `InRelease`: what the suite is, which components and architectures it
//! has, and the SHA-256 and size of every index it publishes (the index
//! files fetched are checked against them, as apt does).

use crate::model::{InputError, Position};
use std::collections::BTreeMap;

/// The parts of a Release file chainrisk uses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReleaseFile {
    pub origin: Option<String>,
    pub suite: Option<String>,
    pub codename: Option<String>,
    pub version: Option<String>,
    pub date: Option<String>,
    pub valid_until: Option<String>,
    pub components: Vec<String>,
    pub architectures: Vec<String>,
    /// `No-Support-for-Architecture-all: Packages`: `all` packages are in
    /// every architecture's Packages, so `binary-all` need not be read.
    pub all_in_arch_indexes: bool,
    /// `Acquire-By-Hash: yes`: every index is also published under its
    /// SHA-256, which stays put while the archive is being updated.
    pub by_hash: bool,
    /// Index path (`main/binary-amd64/Packages.xz`) → (SHA-256, size).
    pub sha256: BTreeMap<String, (String, u64)>,
}

/// The signed text of a clearsigned message and its armored signature, or
/// `None` when `text` is not clearsigned (a plain `Release`).
pub fn split_clearsigned(text: &str) -> Option<(String, String)> {
    let rest = text
        .trim_start_matches('\u{feff}')
        .strip_prefix("-----BEGIN PGP SIGNED MESSAGE-----")?;
    // Armor headers (`Hash: SHA256`) end at the first empty line.
    let body_start = rest.find("\n\n").or_else(|| rest.find("\r\n\r\n"))?;
    let body_and_sig = &rest[body_start..].trim_start_matches(['\r', '\n']);
    let sig_at = body_and_sig.find("\n-----BEGIN PGP SIGNATURE-----")?;
    let body = &body_and_sig[..sig_at];
    let signature = body_and_sig[sig_at + 1..].to_string();
    // Dash-escaped lines (RFC 4880 7.1).
    let signed: Vec<&str> = body
        .lines()
        .map(|l| l.strip_prefix("- ").unwrap_or(l))
        .collect();
    Some((signed.join("\n"), signature))
}

/// Parses a Release file's text.
pub fn parse(text: &str, file: &str) -> Result<ReleaseFile, InputError> {
    let mut r = ReleaseFile::default();
    let mut field = String::new();
    let mut any = false;
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        if line.starts_with([' ', '\t']) {
            if field.eq_ignore_ascii_case("SHA256") {
                let parts: Vec<&str> = line.split_whitespace().collect();
                let [hash, size, path] = parts[..] else {
                    return Err(InputError::in_file(
                        file,
                        Some(Position::line(n + 1)),
                        "expected `SHA256 SIZE PATH` in the SHA256 list",
                    ));
                };
                let size: u64 = size.parse().map_err(|_| {
                    InputError::in_file(
                        file,
                        Some(Position::line(n + 1)),
                        format!("{size:?} is not a size"),
                    )
                })?;
                if hash.len() != 64 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(InputError::in_file(
                        file,
                        Some(Position::line(n + 1)),
                        format!("{hash:?} is not a SHA-256"),
                    ));
                }
                r.sha256
                    .insert(path.to_string(), (hash.to_ascii_lowercase(), size));
            }
            continue;
        }
        let Some((key, value)) = line.split_once(':') else {
            return Err(InputError::in_file(
                file,
                Some(Position::line(n + 1)),
                "expected `Field: value`",
            ));
        };
        any = true;
        field = key.trim().to_string();
        let value = value.trim().to_string();
        let words = || value.split_whitespace().map(str::to_string).collect();
        match field.to_ascii_lowercase().as_str() {
            "origin" => r.origin = Some(value),
            "suite" => r.suite = Some(value),
            "codename" => r.codename = Some(value),
            "version" => r.version = Some(value),
            "date" => r.date = Some(value),
            "valid-until" => r.valid_until = Some(value),
            "components" => r.components = words(),
            "architectures" => r.architectures = words(),
            "acquire-by-hash" => r.by_hash = value.eq_ignore_ascii_case("yes"),
            "no-support-for-architecture-all" => {
                r.all_in_arch_indexes = value.split_whitespace().any(|w| w == "Packages")
            }
            _ => {}
        }
    }
    if !any {
        return Err(InputError::in_file(file, None, "no Release fields"));
    }
    Ok(r)
}

impl ReleaseFile {
    /// The best published form of an index (`main/binary-amd64/Packages`):
    /// `.xz`, then `.gz`, then plain, with its checksum and size.
    pub fn best_index(&self, base: &str) -> Option<(String, &(String, u64))> {
        ["xz", "gz"]
            .iter()
            .map(|ext| format!("{base}.{ext}"))
            .chain(std::iter::once(base.to_string()))
            .find_map(|path| self.sha256.get(&path).map(|sum| (path, sum)))
    }

    /// The distribution this suite belongs to (`debian`, `ubuntu`), from `Origin`.
    pub fn distro(&self) -> Option<String> {
        self.origin
            .as_deref()
            .map(|o| o.trim().to_ascii_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INRELEASE: &str = "-----BEGIN PGP SIGNED MESSAGE-----
Hash: SHA256

Origin: Debian
Suite: oldstable
Codename: bookworm
Version: 12.15
Date: Sat, 11 Jul 2026 10:16:37 UTC
No-Support-for-Architecture-all: Packages
Acquire-By-Hash: yes
Architectures: all amd64 arm64
Components: main contrib
- Description: dash-escaped
SHA256:
 743228b0bd99db92c91c5c133952cea0ff0c93a2b5b47a058973f3cab40d6481  4231936 main/binary-all/Packages.xz
 9e0b5aabb2465b3d2e7a7fe27f9913846277833f7a2826e7767acccff5b588c5  8790396 main/binary-amd64/Packages.xz
 515e692f2c4121c6fcec444ef100cc18f79a991910615f3a88c8b7becfc94d2f 50060337 main/binary-amd64/Packages
-----BEGIN PGP SIGNATURE-----

abc
-----END PGP SIGNATURE-----
";

    #[test]
    fn a_clearsigned_release_is_read_with_its_checksums() {
        let (text, sig) = split_clearsigned(INRELEASE).unwrap();
        assert!(sig.starts_with("-----BEGIN PGP SIGNATURE-----"));
        assert!(text.contains("\nDescription: dash-escaped\n"));
        let r = parse(&text, "InRelease").unwrap();
        assert_eq!(r.distro().as_deref(), Some("debian"));
        assert_eq!(r.codename.as_deref(), Some("bookworm"));
        assert_eq!(r.components, ["main", "contrib"]);
        assert!(r.all_in_arch_indexes);
        assert!(r.by_hash);
        let (path, (sum, size)) = r.best_index("main/binary-amd64/Packages").unwrap();
        assert_eq!(path, "main/binary-amd64/Packages.xz");
        assert_eq!(*size, 8790396);
        assert!(sum.starts_with("9e0b5aab"));
        assert!(r.best_index("main/source/Sources").is_none());
        assert!(split_clearsigned("Origin: Debian\n").is_none());
    }

    #[test]
    fn malformed_release_files_name_the_line() {
        let e = parse("Origin: Debian\nSHA256:\n zz 1 main/x\n", "R").unwrap_err();
        assert_eq!(e.to_string(), "R:3: \"zz\" is not a SHA-256");
        let e = parse("Origin: Debian\nSHA256:\n abc\n", "R")
            .unwrap_err()
            .to_string();
        assert!(e.contains("R:3: expected `SHA256 SIZE PATH`"), "{e}");
        assert!(
            parse("garbage\n", "R")
                .unwrap_err()
                .to_string()
                .starts_with("R:1: ")
        );
        assert!(parse("\n\n", "R").is_err());
    }
}
