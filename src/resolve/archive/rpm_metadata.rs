//! RPM repository metadata, as createrepo writes it: `repodata/repomd.xml`
//! names the other files with their checksums; `primary.xml` lists every
//! package (name, epoch, version, release, arch, build time, packager,
//! URL, source rpm, checksum); `updateinfo.xml` lists the updates and
//! which are security updates. The large files are read as a stream of
//! XML events, keeping only the packages in use.

use std::borrow::Cow;
use std::io::{BufRead, Read};

use crate::model::InputError;
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

/// Most bytes one decompressed metadata file may have (Fedora's
/// Everything primary.xml is a few hundred megabytes).
pub const MAX_METADATA_BYTES: u64 = 2 << 30;

/// One `<data>` entry of repomd.xml.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RepoData {
    /// `primary`, `updateinfo`, `filelists`…
    pub kind: String,
    /// Relative to the repository's base: `repodata/…-primary.xml.gz`.
    pub href: String,
    /// (`sha256`, hex) of the file as stored.
    pub checksum: Option<(String, String)>,
    pub size: Option<u64>,
}

/// One `<package>` of primary.xml.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RpmRecord {
    pub name: String,
    pub arch: Option<String>,
    pub epoch: Option<String>,
    pub version: String,
    pub release: String,
    /// (`sha256`, hex) of the package file.
    pub checksum: Option<(String, String)>,
    pub packager: Option<String>,
    pub url: Option<String>,
    /// `<time build>`, seconds since the epoch.
    pub built: Option<i64>,
    pub license: Option<String>,
    pub vendor: Option<String>,
    pub sourcerpm: Option<String>,
}

impl RpmRecord {
    /// `[epoch:]version-release`, as rpm prints it (an epoch of 0 is not written).
    pub fn evr(&self) -> String {
        evr(self.epoch.as_deref(), &self.version, &self.release)
    }
}

/// `[epoch:]version-release`.
pub fn evr(epoch: Option<&str>, version: &str, release: &str) -> String {
    let vr = if release.is_empty() {
        version.to_string()
    } else {
        format!("{version}-{release}")
    };
    match epoch.map(str::trim).filter(|e| !e.is_empty() && *e != "0") {
        Some(e) => format!("{e}:{vr}"),
        None => vr,
    }
}

/// One `<update>` of updateinfo.xml, for the packages in use.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Update {
    pub id: String,
    /// `security`, `bugfix`, `enhancement`, `newpackage`.
    pub kind: String,
    pub severity: Option<String>,
    /// (name, `[epoch:]version-release`, arch) of the packages it ships.
    pub packages: Vec<(String, String, Option<String>)>,
}

/// A decompressing reader for a metadata file named `href`, bounded: gzip,
/// xz and plain as the Debian indexes are read, plus zstd (createrepo_c's default).
pub fn decompress<'a>(
    href: &str,
    bytes: &'a [u8],
) -> Result<Box<dyn Read + Send + 'a>, InputError> {
    if href.ends_with(".zst") {
        let decoder = zstd::stream::read::Decoder::new(bytes)
            .map_err(|e| InputError::in_file(href, None, format!("not a zstd stream: {e}")))?;
        return Ok(Box::new(decoder.take(MAX_METADATA_BYTES + 1)));
    }
    if href.ends_with(".bz2") {
        return Err(InputError::in_file(
            href,
            None,
            "bzip2-compressed metadata is not read (createrepo writes gzip, xz or zstd)",
        ));
    }
    Ok(super::deb_index::decompress_capped(
        href,
        bytes,
        MAX_METADATA_BYTES,
    ))
}

fn attr(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes().flatten().find_map(|a| {
        (a.key.local_name().as_ref() == name).then(|| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(Cow::into_owned)
                .unwrap_or_else(|_| a.value.to_string())
        })
    })
}

/// One step of a walk through an XML document.
enum Step<'a> {
    /// An opening tag, with the path of local names above it.
    Start(&'a [String], &'a BytesStart<'a>),
    /// A closing tag, with the path down to it and the element's text.
    End(&'a [String], &'a str),
}

/// Walks `reader`'s XML, calling `on` at each opening and closing tag.
fn walk(reader: impl BufRead, file: &str, mut on: impl FnMut(Step<'_>)) -> Result<(), InputError> {
    let mut xml = Reader::from_reader(reader);
    xml.config_mut().trim_text(true);
    let mut buf = Vec::new();
    let mut path: Vec<String> = Vec::new();
    let mut text = String::new();
    loop {
        buf.clear();
        let event = xml.read_event_into(&mut buf).map_err(|e| {
            InputError::in_file(
                file,
                None,
                format!("not well-formed XML at byte {}: {e}", xml.error_position()),
            )
        })?;
        match event {
            Event::Start(e) => {
                on(Step::Start(&path, &e));
                path.push(e.local_name().as_ref().to_string());
                text.clear();
                if path.len() > 64 {
                    return Err(InputError::in_file(
                        file,
                        None,
                        "XML nested deeper than 64 elements",
                    ));
                }
            }
            Event::Empty(e) => {
                on(Step::Start(&path, &e));
                let mut inner = path.clone();
                inner.push(e.local_name().as_ref().to_string());
                on(Step::End(&inner, ""));
            }
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::CData(t) => text.push_str(&t),
            Event::GeneralRef(r) => {
                let name: &str = &r;
                match quick_xml::escape::resolve_predefined_entity(name) {
                    Some(s) => text.push_str(s),
                    None => {
                        if let Some(n) = name.strip_prefix('#') {
                            let code = n.strip_prefix('x').map_or_else(
                                || n.parse().ok(),
                                |h| u32::from_str_radix(h, 16).ok(),
                            );
                            text.extend(code.and_then(char::from_u32));
                        }
                    }
                }
            }
            Event::End(_) => {
                on(Step::End(&path, text.trim()));
                text.clear();
                path.pop();
            }
            Event::Eof => return Ok(()),
            _ => {}
        }
    }
}

fn under(path: &[String], tail: &[&str]) -> bool {
    path.len() >= tail.len()
        && path[path.len() - tail.len()..]
            .iter()
            .zip(tail)
            .all(|(a, b)| a == b)
}

/// Reads repomd.xml.
pub fn repomd(bytes: &[u8]) -> Result<Vec<RepoData>, InputError> {
    let mut out: Vec<RepoData> = Vec::new();
    let mut checksum_type = None;
    walk(bytes, "repomd.xml", |step| match step {
        Step::Start(path, e) => match e.local_name().as_ref() {
            "data" => out.push(RepoData {
                kind: attr(e, "type").unwrap_or_default(),
                ..RepoData::default()
            }),
            "location" if under(path, &["data"]) => {
                if let Some(d) = out.last_mut() {
                    d.href = attr(e, "href").unwrap_or_default();
                }
            }
            "checksum" if under(path, &["data"]) => checksum_type = attr(e, "type"),
            _ => {}
        },
        Step::End(path, text) => {
            let Some(d) = out.last_mut() else { return };
            if under(path, &["data", "checksum"]) {
                d.checksum = Some((
                    checksum_type
                        .take()
                        .unwrap_or_default()
                        .to_ascii_lowercase(),
                    text.to_ascii_lowercase(),
                ));
            } else if under(path, &["data", "size"]) {
                d.size = text.parse().ok();
            }
        }
    })?;
    if out.iter().all(|d| d.kind != "primary") {
        return Err(InputError::new("repomd.xml names no primary metadata"));
    }
    Ok(out)
}

/// Reads primary.xml, keeping the packages `wanted` names.
pub fn primary(
    reader: impl Read,
    wanted: &dyn Fn(&str) -> bool,
) -> Result<Vec<RpmRecord>, InputError> {
    let mut out = Vec::new();
    let mut current: Option<RpmRecord> = None;
    let mut checksum_type = None;
    let reader = std::io::BufReader::with_capacity(256 << 10, reader);
    walk(reader, "primary.xml", |step| match step {
        Step::Start(path, e) => match e.local_name().as_ref() {
            "package" if path.len() == 1 => current = Some(RpmRecord::default()),
            "version" if under(path, &["package"]) => {
                if let Some(c) = current.as_mut() {
                    c.epoch = attr(e, "epoch");
                    c.version = attr(e, "ver").unwrap_or_default();
                    c.release = attr(e, "rel").unwrap_or_default();
                }
            }
            "checksum" if under(path, &["package"]) => checksum_type = attr(e, "type"),
            "time" if under(path, &["package"]) => {
                if let Some(c) = current.as_mut() {
                    c.built = attr(e, "build").and_then(|t| t.parse().ok());
                }
            }
            _ => {}
        },
        Step::End(path, text) => {
            if path.len() == 2 && under(path, &["package"]) {
                if let Some(c) = current.take()
                    && wanted(&c.name)
                {
                    out.push(c);
                }
                return;
            }
            let Some(c) = current.as_mut() else { return };
            let value = (!text.is_empty()).then(|| text.to_string());
            if under(path, &["package", "name"]) {
                c.name = text.to_string();
            } else if under(path, &["package", "arch"]) {
                c.arch = value;
            } else if under(path, &["package", "checksum"]) {
                c.checksum = value.map(|v| {
                    (
                        checksum_type
                            .take()
                            .unwrap_or_default()
                            .to_ascii_lowercase(),
                        v.to_ascii_lowercase(),
                    )
                });
            } else if under(path, &["package", "packager"]) {
                c.packager = value;
            } else if under(path, &["package", "url"]) {
                c.url = value;
            } else if under(path, &["format", "license"]) {
                c.license = value;
            } else if under(path, &["format", "vendor"]) {
                c.vendor = value;
            } else if under(path, &["format", "sourcerpm"]) {
                c.sourcerpm = value;
            }
        }
    })?;
    Ok(out)
}

/// Reads updateinfo.xml, keeping the updates that ship a package `wanted` names.
pub fn updateinfo(
    reader: impl Read,
    wanted: &dyn Fn(&str) -> bool,
) -> Result<Vec<Update>, InputError> {
    let mut out = Vec::new();
    let mut current: Option<Update> = None;
    let reader = std::io::BufReader::with_capacity(256 << 10, reader);
    walk(reader, "updateinfo.xml", |step| match step {
        Step::Start(path, e) => match e.local_name().as_ref() {
            "update" if path.len() == 1 => {
                current = Some(Update {
                    kind: attr(e, "type").unwrap_or_default(),
                    ..Update::default()
                })
            }
            "package" if under(path, &["pkglist", "collection"]) => {
                if let Some(u) = current.as_mut() {
                    let name = attr(e, "name").unwrap_or_default();
                    if wanted(&name) {
                        let evr = evr(
                            attr(e, "epoch").as_deref(),
                            &attr(e, "version").unwrap_or_default(),
                            &attr(e, "release").unwrap_or_default(),
                        );
                        u.packages.push((name, evr, attr(e, "arch")));
                    }
                }
            }
            _ => {}
        },
        Step::End(path, text) => {
            if path.len() == 2 && under(path, &["update"]) {
                if let Some(u) = current.take()
                    && !u.packages.is_empty()
                {
                    out.push(u);
                }
                return;
            }
            let Some(u) = current.as_mut() else { return };
            if under(path, &["update", "id"]) {
                u.id = text.to_string();
            } else if under(path, &["update", "severity"]) {
                u.severity = (!text.is_empty()).then(|| text.to_string());
            }
        }
    })?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const REPOMD: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<repomd xmlns="http://linux.duke.edu/metadata/repo" xmlns:rpm="http://linux.duke.edu/metadata/rpm">
  <revision>1714000000</revision>
  <data type="primary">
    <checksum type="sha256">AB12</checksum>
    <open-checksum type="sha256">cd34</open-checksum>
    <location href="repodata/ab12-primary.xml.gz"/>
    <timestamp>1714000000</timestamp>
    <size>1234</size>
    <open-size>5678</open-size>
  </data>
  <data type="updateinfo">
    <checksum type="sha256">ef56</checksum>
    <location href="repodata/ef56-updateinfo.xml.zst"/>
    <size>99</size>
  </data>
</repomd>"#;

    const PRIMARY: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<metadata xmlns="http://linux.duke.edu/metadata/common" xmlns:rpm="http://linux.duke.edu/metadata/rpm" packages="2">
<package type="rpm">
  <name>bash</name>
  <arch>x86_64</arch>
  <version epoch="0" ver="5.2.26" rel="3.fc40"/>
  <checksum type="sha256" pkgid="YES">0a1b</checksum>
  <summary>The GNU Bourne Again shell</summary>
  <packager>Fedora Project</packager>
  <url>https://www.gnu.org/software/bash</url>
  <time file="1714000001" build="1713990000"/>
  <location href="Packages/b/bash-5.2.26-3.fc40.x86_64.rpm"/>
  <format>
    <rpm:license>GPL-3.0-or-later</rpm:license>
    <rpm:vendor>Fedora Project</rpm:vendor>
    <rpm:sourcerpm>bash-5.2.26-3.fc40.src.rpm</rpm:sourcerpm>
  </format>
</package>
<package type="rpm">
  <name>other</name>
  <arch>noarch</arch>
  <version epoch="2" ver="1.0" rel="1.fc40"/>
  <url>https://x.example/?a=1&amp;b=2</url>
</package>
</metadata>"#;

    #[test]
    fn repomd_names_its_files_with_their_checksums() {
        let d = repomd(REPOMD.as_bytes()).unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].kind, "primary");
        assert_eq!(d[0].href, "repodata/ab12-primary.xml.gz");
        assert_eq!(d[0].checksum, Some(("sha256".into(), "ab12".into())));
        assert_eq!(d[0].size, Some(1234));
        assert_eq!(d[1].href, "repodata/ef56-updateinfo.xml.zst");
        assert!(repomd(b"<repomd/>").is_err());
        assert!(repomd(b"<repomd><data").is_err());
    }

    #[test]
    fn primary_keeps_the_wanted_packages_with_their_facts() {
        let all = primary(PRIMARY.as_bytes(), &|_| true).unwrap();
        assert_eq!(all.len(), 2);
        let bash = &all[0];
        assert_eq!(bash.evr(), "5.2.26-3.fc40");
        assert_eq!(bash.built, Some(1713990000));
        assert_eq!(bash.checksum, Some(("sha256".into(), "0a1b".into())));
        assert_eq!(
            bash.sourcerpm.as_deref(),
            Some("bash-5.2.26-3.fc40.src.rpm")
        );
        assert_eq!(bash.license.as_deref(), Some("GPL-3.0-or-later"));
        assert_eq!(all[1].evr(), "2:1.0-1.fc40");
        assert_eq!(all[1].url.as_deref(), Some("https://x.example/?a=1&b=2"));
        let some = primary(PRIMARY.as_bytes(), &|n| n == "other").unwrap();
        assert_eq!(some.len(), 1);
    }

    #[test]
    fn updateinfo_keeps_the_updates_of_wanted_packages() {
        let xml = r#"<updates>
  <update from="updates@fedoraproject.example" status="stable" type="security" version="2.0">
    <id>FEDORA-2024-0001</id>
    <title>bash security update</title>
    <severity>Important</severity>
    <pkglist><collection short="F40">
      <package name="bash" version="5.2.26" release="4.fc40" epoch="0" arch="x86_64" src="x">
        <filename>bash-5.2.26-4.fc40.x86_64.rpm</filename>
      </package>
    </collection></pkglist>
  </update>
  <update type="bugfix"><id>FEDORA-2024-0002</id>
    <pkglist><collection><package name="zsh" version="5.9" release="1" epoch="0" arch="x86_64"/></collection></pkglist>
  </update>
</updates>"#;
        let u = updateinfo(xml.as_bytes(), &|n| n == "bash").unwrap();
        assert_eq!(u.len(), 1);
        assert_eq!(u[0].id, "FEDORA-2024-0001");
        assert_eq!(u[0].kind, "security");
        assert_eq!(u[0].severity.as_deref(), Some("Important"));
        assert_eq!(
            u[0].packages,
            [(
                "bash".to_string(),
                "5.2.26-4.fc40".to_string(),
                Some("x86_64".to_string())
            )]
        );
    }
}
