//! `os-release` (`etc/os-release`, else `usr/lib/os-release`): the delivered
//! product's operating system and release, as systemd's os-release(5) defines
//! the file: `KEY=value` lines, values optionally quoted, `#` comments.

use crate::model::DistroRelease;

/// The fields chainrisk reads.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OsRelease {
    pub id: Option<String>,
    pub id_like: Vec<String>,
    pub name: Option<String>,
    pub pretty_name: Option<String>,
    pub version_id: Option<String>,
    pub version_codename: Option<String>,
    /// `SUPPORT_END` (`YYYY-MM-DD`): when the distribution ends support for
    /// this release, as it wrote into the release itself (Fedora does).
    pub support_end: Option<String>,
}

impl OsRelease {
    pub fn parse(text: &str) -> OsRelease {
        let mut out = OsRelease::default();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((key, raw)) = line.split_once('=') else {
                continue;
            };
            let value = unquote(raw.trim());
            if value.is_empty() {
                continue;
            }
            match key.trim() {
                "ID" => out.id = Some(value.to_ascii_lowercase()),
                "ID_LIKE" => {
                    out.id_like = value
                        .split_whitespace()
                        .map(str::to_ascii_lowercase)
                        .collect()
                }
                "NAME" => out.name = Some(value),
                "PRETTY_NAME" => out.pretty_name = Some(value),
                "VERSION_ID" => out.version_id = Some(value),
                "VERSION_CODENAME" => out.version_codename = Some(value.to_ascii_lowercase()),
                "SUPPORT_END" => {
                    out.support_end = value
                        .parse::<jiff::civil::Date>()
                        .ok()
                        .map(|d| d.to_string())
                }
                _ => {}
            }
        }
        out
    }

    /// The release, when the file names the distribution.
    pub fn release(&self) -> Option<DistroRelease> {
        Some(DistroRelease {
            distro: self.id.clone()?,
            version: self.version_id.clone(),
            codename: self.version_codename.clone(),
        })
    }

    /// Whether packages of this system are Debian's packaging (its own or a derivative's).
    pub fn is_debian_like(&self) -> bool {
        self.id.as_deref() == Some("debian") || self.id_like.iter().any(|i| i == "debian")
    }
}

/// `"a b"`, `'a b'` or `a` → `a b`; backslash escapes inside double quotes.
fn unquote(raw: &str) -> String {
    let bytes = raw.as_bytes();
    match bytes.first() {
        Some(q @ (b'"' | b'\'')) if bytes.len() >= 2 && bytes[bytes.len() - 1] == *q => {
            let inner = &raw[1..raw.len() - 1];
            if *q == b'"' {
                let mut out = String::with_capacity(inner.len());
                let mut chars = inner.chars();
                while let Some(c) = chars.next() {
                    if c == '\\' {
                        if let Some(next) = chars.next() {
                            out.push(next);
                        }
                    } else {
                        out.push(c);
                    }
                }
                out
            } else {
                inner.to_string()
            }
        }
        _ => raw.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_debian_os_release_names_its_release() {
        let os = OsRelease::parse(
            "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\nVERSION_ID=\"12\"\n\
             VERSION=\"12 (bookworm)\"\nVERSION_CODENAME=bookworm\nID=debian\n# comment\nbroken line\n",
        );
        assert_eq!(
            os.release(),
            Some(DistroRelease {
                distro: "debian".into(),
                version: Some("12".into()),
                codename: Some("bookworm".into())
            })
        );
        assert_eq!(
            os.pretty_name.as_deref(),
            Some("Debian GNU/Linux 12 (bookworm)")
        );
        assert!(os.is_debian_like());
    }

    #[test]
    fn support_end_is_read_only_as_a_date() {
        let os = OsRelease::parse("ID=fedora\nVERSION_ID=40\nSUPPORT_END=2025-05-13\n");
        assert_eq!(os.support_end.as_deref(), Some("2025-05-13"));
        let bad = OsRelease::parse("ID=x\nSUPPORT_END=soon\n");
        assert_eq!(bad.support_end, None);
    }

    #[test]
    fn derivatives_and_quoting() {
        let os =
            OsRelease::parse("ID='raspbian'\nID_LIKE=\"debian\"\nNAME=\"A \\\"quoted\\\" name\"\n");
        assert!(os.is_debian_like());
        assert_eq!(os.name.as_deref(), Some("A \"quoted\" name"));
        assert_eq!(
            OsRelease::parse("NAME=x\n").release(),
            None,
            "no ID, no release"
        );
    }
}
