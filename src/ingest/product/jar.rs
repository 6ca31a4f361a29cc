//! Java archives in a product (`.jar`, `.war`, `.ear`): what each says it
//! is — `META-INF/maven/<group>/<artifact>/pom.properties` (Maven's own
//! record of the build), else the manifest's `Implementation-Title` and
//! `-Version` or `Bundle-SymbolicName` and `Bundle-Version` — and the same
//! for the jars nested in it (`BOOT-INF/lib/`, `WEB-INF/lib/`), one level
//! down. Archives are hostile: only small entries are decompressed, nested
//! jars up to a cap, and the number of entries is bounded.

use crate::model::InputError;
use std::io::{Read, Seek};

/// Entries looked at in one archive.
const MAX_ENTRIES: usize = 200_000;
/// Largest `pom.properties` or manifest read.
const MAX_SMALL: u64 = 1 << 20;
/// Largest nested jar read into memory.
const MAX_NESTED: u64 = 64 << 20;
/// How deep jars inside jars are read.
const MAX_DEPTH: usize = 2;

/// One artifact a Java archive identifies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Artifact {
    pub group: Option<String>,
    pub name: String,
    pub version: Option<String>,
    /// Where it was read: `app.jar!/BOOT-INF/lib/x.jar!/META-INF/maven/…/pom.properties`.
    pub pointer: String,
    /// How deep it sits (0: the archive itself or its own pom.properties).
    pub depth: usize,
}

/// Whether a path names a Java archive.
pub fn is_jar(rel: &str) -> bool {
    let lower = rel.to_ascii_lowercase();
    lower.ends_with(".jar") || lower.ends_with(".war") || lower.ends_with(".ear")
}

/// The artifacts an archive and the archives nested in it identify.
/// `shown` names the archive in pointers.
pub fn read<R: Read + Seek>(reader: R, shown: &str) -> Result<Vec<Artifact>, InputError> {
    let mut out = Vec::new();
    read_at(reader, shown, 0, &mut out)?;
    Ok(out)
}

fn read_at<R: Read + Seek>(
    reader: R,
    shown: &str,
    depth: usize,
    out: &mut Vec<Artifact>,
) -> Result<(), InputError> {
    let mut zip = zip::ZipArchive::new(reader).map_err(|e| {
        InputError::in_file(shown, None, format!("not a readable Java archive ({e})"))
    })?;
    if zip.len() > MAX_ENTRIES {
        return Err(InputError::in_file(
            shown,
            None,
            format!(
                "{} entries, more than the {MAX_ENTRIES} read; not read",
                zip.len()
            ),
        ));
    }
    // Names that do not decode are skipped: nothing chainrisk looks for has one.
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .collect();
    let before = out.len();
    for name in names.iter().filter(|n| is_pom_properties(n)) {
        if let Some(text) = small_entry(&mut zip, name) {
            let props = properties(&text);
            let get = |k: &str| {
                props
                    .iter()
                    .find(|(key, _)| key == k)
                    .map(|(_, v)| v.clone())
            };
            if let Some(artifact) = get("artifactId") {
                out.push(Artifact {
                    group: get("groupId"),
                    name: artifact,
                    version: get("version"),
                    pointer: format!("{shown}!/{name}"),
                    depth,
                });
            }
        }
    }
    if out.len() == before
        && let Some(text) = small_entry(&mut zip, "META-INF/MANIFEST.MF")
    {
        let props = manifest(&text);
        let get = |k: &str| {
            props
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, v)| v.clone())
        };
        if let Some(title) = get("Implementation-Title").or_else(|| get("Bundle-SymbolicName")) {
            out.push(Artifact {
                group: None,
                // `org.example.bundle;singleton:=true` → `org.example.bundle`.
                name: title.split(';').next().unwrap_or(&title).trim().to_string(),
                version: get("Implementation-Version").or_else(|| get("Bundle-Version")),
                pointer: format!("{shown}!/META-INF/MANIFEST.MF"),
                depth,
            });
        }
    }
    if depth + 1 >= MAX_DEPTH {
        return Ok(());
    }
    for name in names.iter().filter(|n| is_jar(n)) {
        let Ok(mut entry) = zip.by_name(name) else {
            continue;
        };
        if entry.size() > MAX_NESTED {
            continue;
        }
        let mut bytes = Vec::new();
        if (&mut entry)
            .take(MAX_NESTED + 1)
            .read_to_end(&mut bytes)
            .is_err()
            || bytes.len() as u64 > MAX_NESTED
        {
            continue;
        }
        drop(entry);
        // A damaged nested jar costs only itself.
        let _ = read_at(
            std::io::Cursor::new(bytes),
            &format!("{shown}!/{name}"),
            depth + 1,
            out,
        );
    }
    Ok(())
}

fn is_pom_properties(name: &str) -> bool {
    name.starts_with("META-INF/maven/") && name.ends_with("/pom.properties")
}

fn small_entry<R: Read + Seek>(zip: &mut zip::ZipArchive<R>, name: &str) -> Option<String> {
    let entry = zip.by_name(name).ok()?;
    let mut bytes = Vec::new();
    entry.take(MAX_SMALL).read_to_end(&mut bytes).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// Java properties `key=value` (or `key: value`), `#` and `!` comments.
fn properties(text: &str) -> Vec<(String, String)> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#') && !l.starts_with('!'))
        .filter_map(|l| {
            let (k, v) = l.split_once(['=', ':'])?;
            Some((k.trim().to_string(), v.trim().to_string()))
        })
        .collect()
}

/// A manifest's main section: `Key: value`, continuation lines start with a space.
fn manifest(text: &str) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            break;
        }
        if let Some(rest) = line.strip_prefix(' ') {
            if let Some((_, v)) = out.last_mut() {
                v.push_str(rest);
            }
        } else if let Some((k, v)) = line.split_once(':') {
            out.push((k.trim().to_string(), v.trim().to_string()));
        }
    }
    out
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Write;

    /// A zip with the given (name, bytes) entries, deflated.
    pub(crate) fn zip_of(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
        for (name, bytes) in entries {
            w.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn pom_properties_manifests_and_nested_jars_are_read() {
        let lib = zip_of(&[(
            "META-INF/maven/org.example/lib/pom.properties",
            b"#Generated by Maven\ngroupId=org.example\nartifactId=lib\nversion=2.1.0\n".to_vec(),
        )]);
        let bundle = zip_of(&[(
            "META-INF/MANIFEST.MF",
            b"Manifest-Version: 1.0\nBundle-SymbolicName: org.example.bun\n dle;singleton:=true\nBundle-Version: 3.0.0\n".to_vec(),
        )]);
        let app = zip_of(&[
            (
                "META-INF/maven/com.acme/app/pom.properties",
                b"groupId=com.acme\nartifactId=app\nversion=1.0\n".to_vec(),
            ),
            ("BOOT-INF/lib/lib-2.1.0.jar", lib),
            ("BOOT-INF/lib/bundle.jar", bundle),
            ("BOOT-INF/lib/broken.jar", b"not a zip".to_vec()),
        ]);
        let found = read(std::io::Cursor::new(app), "/opt/app.jar").unwrap();
        let names: Vec<(&str, Option<&str>, usize)> = found
            .iter()
            .map(|a| (a.name.as_str(), a.version.as_deref(), a.depth))
            .collect();
        assert_eq!(
            names,
            [
                ("app", Some("1.0"), 0),
                ("lib", Some("2.1.0"), 1),
                ("org.example.bundle", Some("3.0.0"), 1)
            ]
        );
        assert_eq!(
            found[1].pointer,
            "/opt/app.jar!/BOOT-INF/lib/lib-2.1.0.jar!/META-INF/maven/org.example/lib/pom.properties"
        );
        assert!(
            read(std::io::Cursor::new(b"PK\x03\x04junk".to_vec()), "/x.jar")
                .unwrap_err()
                .to_string()
                .contains("/x.jar: not a readable Java archive")
        );
    }
}
