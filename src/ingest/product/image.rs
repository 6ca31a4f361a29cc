//! Container images as delivered: an OCI image archive (`oci-layout`,
//! `index.json`, `blobs/sha256/…`) or a `docker save` archive
//! (`manifest.json`), read as the root filesystem their layers make when
//! applied in order, whiteouts honoured. The outer tar is indexed once;
//! each layer is then read in place (seek, length), decompressed as a
//! stream, never extracted.

use std::collections::HashMap;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use serde::Deserialize;

use super::archive::{ArchiveTree, Compression};
use crate::model::InputError;

/// Most entries of the outer archive (blobs and metadata).
const MAX_OUTER_ENTRIES: usize = 100_000;
/// Most layers applied.
const MAX_LAYERS: usize = 512;
/// Largest metadata document (index, manifest, config) read.
const MAX_JSON: u64 = 16 << 20;

/// Where a member of the outer archive is: data offset and length.
type Members = HashMap<String, (u64, u64)>;

/// An image as stored: an archive indexed once, or an OCI layout directory.
enum Store {
    Tar {
        file: std::fs::File,
        members: Members,
    },
    Dir(std::path::PathBuf),
}

impl Store {
    fn contains(&self, name: &str) -> bool {
        match self {
            Store::Tar { members, .. } => members.contains_key(name),
            Store::Dir(root) => super::root_path::regular_file(root, name).is_some(),
        }
    }

    /// The member's bytes as a stream, and its length.
    fn open(&self, name: &str) -> Result<(Box<dyn Read + '_>, u64), InputError> {
        let name = name.trim_start_matches("./");
        match self {
            Store::Tar { file, members } => {
                let at = *members
                    .get(name)
                    .ok_or_else(|| InputError::in_file(name, None, "not in the archive"))?;
                Ok((Box::new(member(file, at)?), at.1))
            }
            Store::Dir(root) => {
                // Inside the layout only: a blob path never leaves it.
                let path = super::root_path::regular_file(root, name)
                    .ok_or_else(|| InputError::in_file(name, None, "not in the image layout"))?;
                let f = std::fs::File::open(&path)
                    .map_err(|e| InputError::in_file(name, None, e.to_string()))?;
                let len = f.metadata().map(|m| m.len()).unwrap_or(0);
                Ok((Box::new(f), len))
            }
        }
    }
}

/// Whether `dir` is an OCI image layout (`oci-layout` and `index.json`).
pub fn is_image_layout(dir: &Path) -> bool {
    dir.join("oci-layout").is_file() && dir.join("index.json").is_file()
}

/// Whether the tar at `path` is an image archive rather than a root filesystem.
pub fn is_image_archive(path: &Path) -> bool {
    members(path).is_ok_and(|m| {
        m.contains_key("manifest.json")
            || (m.contains_key("index.json") && m.contains_key("oci-layout"))
    })
}

fn members(path: &Path) -> Result<Members, InputError> {
    let file =
        std::fs::File::open(path).map_err(|e| InputError::new(format!("cannot read: {e}")))?;
    let mut archive = tar::Archive::new(file);
    let mut out = Members::new();
    let entries = archive
        .entries_with_seek()
        .map_err(|e| InputError::new(format!("not a tar archive: {e}")))?;
    for (i, entry) in entries.enumerate() {
        if i >= MAX_OUTER_ENTRIES {
            return Err(InputError::new(format!(
                "more than {MAX_OUTER_ENTRIES} entries; refused"
            )));
        }
        let entry = entry.map_err(|e| InputError::new(format!("entry {}: {e}", i + 1)))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = String::from_utf8_lossy(&entry.path_bytes())
            .trim_start_matches("./")
            .to_string();
        out.insert(name, (entry.raw_file_position(), entry.size()));
    }
    Ok(out)
}

fn member<'a>(file: &'a std::fs::File, at: (u64, u64)) -> Result<impl Read + 'a, InputError> {
    let mut f = file;
    f.seek(SeekFrom::Start(at.0))
        .map_err(|e| InputError::new(format!("cannot seek: {e}")))?;
    Ok(f.take(at.1))
}

fn json<T: for<'de> Deserialize<'de>>(store: &Store, name: &str) -> Result<T, InputError> {
    let (reader, len) = store.open(name)?;
    if len > MAX_JSON {
        return Err(InputError::in_file(
            name,
            None,
            format!("larger than {MAX_JSON} bytes"),
        ));
    }
    let mut bytes = Vec::new();
    reader
        .take(MAX_JSON + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| InputError::in_file(name, None, e.to_string()))?;
    if bytes.len() as u64 > MAX_JSON {
        return Err(InputError::in_file(
            name,
            None,
            format!("larger than {MAX_JSON} bytes"),
        ));
    }
    serde_json::from_slice(&bytes).map_err(|e| InputError::from_json(&e, None).with_file(name))
}

#[derive(Deserialize)]
struct DockerManifest {
    #[serde(rename = "Layers", default)]
    layers: Vec<String>,
    #[serde(rename = "RepoTags", default)]
    repo_tags: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct Descriptor {
    #[serde(rename = "mediaType", default)]
    media_type: String,
    digest: String,
    #[serde(default)]
    platform: Option<Platform>,
}

#[derive(Deserialize, Clone)]
struct Platform {
    #[serde(default)]
    os: String,
    #[serde(default)]
    architecture: String,
    #[serde(default)]
    variant: Option<String>,
}

impl Platform {
    fn label(&self) -> String {
        match &self.variant {
            Some(v) => format!("{}/{}/{v}", self.os, self.architecture),
            None => format!("{}/{}", self.os, self.architecture),
        }
    }
}

#[derive(Deserialize)]
struct Index {
    #[serde(default)]
    manifests: Vec<Descriptor>,
}

#[derive(Deserialize)]
struct Manifest {
    #[serde(default)]
    layers: Vec<Descriptor>,
}

fn blob_path(digest: &str) -> Result<String, InputError> {
    let (alg, hex) = digest
        .split_once(':')
        .ok_or_else(|| InputError::new(format!("{digest:?} is not a digest")))?;
    if alg.is_empty()
        || hex.is_empty()
        || !alg.bytes().all(|b| b.is_ascii_alphanumeric())
        || !hex.bytes().all(|b| b.is_ascii_hexdigit())
    {
        return Err(InputError::new(format!("{digest:?} is not a digest")));
    }
    Ok(format!("blobs/{alg}/{hex}"))
}

fn is_index(media_type: &str) -> bool {
    media_type.contains("image.index") || media_type.contains("manifest.list")
}

/// The layers of the image an OCI index names: the platform asked for, else
/// the only one, else `linux/amd64`, else an error listing the platforms.
fn oci_layers(
    store: &Store,
    platform: Option<&str>,
    warnings: &mut Vec<String>,
) -> Result<Vec<String>, InputError> {
    let mut index: Index = json(store, "index.json")?;
    // An index may name another index (multi-platform images): descend.
    for _ in 0..4 {
        let images: Vec<&Descriptor> = index.manifests.iter().collect();
        let platforms = || -> Vec<String> {
            images
                .iter()
                .filter_map(|d| d.platform.as_ref().map(Platform::label))
                .collect()
        };
        let asked = platform.and_then(|want| {
            images
                .iter()
                .find(|d| d.platform.as_ref().is_some_and(|p| p.label() == want))
        });
        let chosen = match (images.as_slice(), platform, asked) {
            (_, Some(_), Some(d)) => *d,
            (many, Some(want), None) if many.iter().any(|d| d.platform.is_some()) => {
                return Err(InputError::new(format!(
                    "the image has no {want} platform: {}",
                    platforms().join(", ")
                )));
            }
            ([], _, _) => return Err(InputError::new("index.json names no image")),
            ([one], _, _) => *one,
            (many, _, _) => {
                let platforms = platforms();
                match many.iter().find(|d| {
                    d.platform
                        .as_ref()
                        .is_some_and(|p| p.os == "linux" && p.architecture == "amd64")
                }) {
                    Some(d) => {
                        warnings.push(format!(
                            "the image has {} platforms ({}); read linux/amd64",
                            many.len(),
                            platforms.join(", ")
                        ));
                        *d
                    }
                    None => {
                        return Err(InputError::new(format!(
                            "the image has several platforms and none is linux/amd64 (choose one with --platform): {}",
                            platforms.join(", ")
                        )));
                    }
                }
            }
        };
        let path = blob_path(&chosen.digest)?;
        if is_index(&chosen.media_type) {
            index = json(store, &path)?;
            continue;
        }
        let manifest: Manifest = json(store, &path)?;
        return manifest
            .layers
            .iter()
            .map(|l| blob_path(&l.digest))
            .collect();
    }
    Err(InputError::new("index.json: image indexes nested too deep"))
}

/// Reads an image archive as the root filesystem its layers make.
pub fn read(path: &Path, platform: Option<&str>) -> Result<ArchiveTree, InputError> {
    let store = Store::Tar {
        members: members(path)?,
        file: std::fs::File::open(path)
            .map_err(|e| InputError::new(format!("cannot read: {e}")))?,
    };
    read_store(&store, &path.display().to_string(), platform)
}

/// Reads an OCI image layout directory as the root filesystem its layers make.
pub fn read_layout(dir: &Path, platform: Option<&str>) -> Result<ArchiveTree, InputError> {
    read_store(
        &Store::Dir(dir.to_path_buf()),
        &dir.display().to_string(),
        platform,
    )
}

fn read_store(
    store: &Store,
    origin: &str,
    platform: Option<&str>,
) -> Result<ArchiveTree, InputError> {
    let mut warnings = Vec::new();
    let layers = if store.contains("manifest.json") {
        let images: Vec<DockerManifest> = json(store, "manifest.json")?;
        let Some(first) = images.first() else {
            return Err(InputError::new("manifest.json names no image"));
        };
        if images.len() > 1 {
            warnings.push(format!(
                "the archive holds {} images; read the first ({})",
                images.len(),
                first
                    .repo_tags
                    .as_ref()
                    .and_then(|t| t.first().cloned())
                    .unwrap_or_else(|| "untagged".to_string())
            ));
        }
        first.layers.clone()
    } else {
        oci_layers(store, platform, &mut warnings)?
    };
    if layers.len() > MAX_LAYERS {
        return Err(InputError::new(format!(
            "{} layers, more than {MAX_LAYERS}; refused",
            layers.len()
        )));
    }
    let mut tree = ArchiveTree::empty(origin);
    for (i, layer) in layers.iter().enumerate() {
        let mut head = [0u8; 8];
        let n = store
            .open(layer)
            .map_err(|e| InputError::new(format!("layer {}: {e}", i + 1)))?
            .0
            .read(&mut head)
            .map_err(|e| InputError::new(format!("layer {}: {e}", i + 1)))?;
        let (body, _) = store.open(layer)?;
        let reader = Compression::sniff(&head[..n])
            .reader(std::io::BufReader::new(body))
            .map_err(|e| {
                InputError::new(format!("layer {} ({layer}): cannot decompress: {e}", i + 1))
            })?;
        tree.add_layer(reader, true)
            .map_err(|e| InputError::new(format!("layer {} ({layer}): {e}", i + 1)))?;
    }
    tree.finish()?;
    tree.warnings.splice(0..0, warnings);
    Ok(tree)
}
