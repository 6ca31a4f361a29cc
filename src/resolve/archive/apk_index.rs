//! Alpine's `APKINDEX.tar.gz`, as `apk index` writes it and `abuild-sign`
//! signs it: two gzip streams back to back. The first holds one tar entry,
//! `.SIGN.RSA.<key name>` (RSA PKCS#1 v1.5 over the SHA-1 of the second
//! stream's compressed bytes) or `.SIGN.RSA256.<key name>` (over their
//! SHA-256); the second holds `DESCRIPTION` and `APKINDEX`, whose records are
//! `X:value` lines separated by a blank line. The index is read as a stream
//! and only the records of wanted packages are kept.

use std::io::{BufRead, Read};

use crate::model::{InputError, Position};
use rsa::pkcs8::DecodePublicKey;
use sha2::Digest;

/// Most bytes one decompressed index may have (a branch's community index is about 10 MB).
pub const MAX_INDEX_BYTES: u64 = 256 << 20;
/// Longest line accepted; a longer one is an error, not an allocation.
const MAX_LINE: u64 = 1 << 20;
/// Largest signature stream read (an RSA signature is at most a kilobyte or two).
const MAX_SIGNATURE: u64 = 64 << 10;

/// One package record of an APKINDEX.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ApkRecord {
    /// `P:`
    pub name: String,
    /// `V:`
    pub version: String,
    /// `A:`
    pub architecture: Option<String>,
    /// `o:` the origin (source) package; the package's own name when absent.
    pub origin: Option<String>,
    /// `m:`
    pub maintainer: Option<String>,
    /// `U:`
    pub url: Option<String>,
    /// `L:`
    pub license: Option<String>,
    /// `t:` build time, seconds since the epoch.
    pub built: Option<i64>,
    /// `c:` the aports commit it was built from.
    pub commit: Option<String>,
}

/// The signature stream: which key signed and how.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// The key's file name under `/etc/apk/keys/`.
    pub key_name: String,
    /// `.SIGN.RSA256.`: over SHA-256; `.SIGN.RSA.`: over SHA-1.
    pub sha256: bool,
    pub bytes: Vec<u8>,
}

/// Splits a downloaded index into its signature (when it has one) and the
/// index stream's compressed bytes, which the signature covers.
pub fn split(file: &[u8]) -> Result<(Option<Signature>, &[u8]), InputError> {
    let mut first = flate2::bufread::GzDecoder::new(file);
    let mut tar = Vec::new();
    (&mut first)
        .take(MAX_SIGNATURE + 1)
        .read_to_end(&mut tar)
        .map_err(|e| InputError::new(format!("not a gzip stream: {e}")))?;
    let rest = first.into_inner();
    let mut archive = tar::Archive::new(&tar[..]);
    // abuild writes the signature entry as a pax archive since 2025: its
    // extended headers are not the entry.
    let mut entry = archive
        .entries()
        .map_err(|e| InputError::new(format!("the first stream is not a tar archive: {e}")))?
        .find(|e| {
            !e.as_ref().is_ok_and(|e| {
                matches!(
                    e.header().entry_type(),
                    tar::EntryType::XHeader
                        | tar::EntryType::XGlobalHeader
                        | tar::EntryType::GNULongName
                )
            })
        })
        .ok_or_else(|| InputError::new("the first stream holds no tar entry"))?
        .map_err(|e| InputError::new(format!("the first stream's tar entry: {e}")))?;
    let name = entry
        .path()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_else(|_| String::from_utf8_lossy(&entry.path_bytes()).into_owned());
    let (sha256, key_name) = if let Some(k) = name.strip_prefix(".SIGN.RSA256.") {
        (true, k.to_string())
    } else if let Some(k) = name.strip_prefix(".SIGN.RSA.") {
        (false, k.to_string())
    } else {
        // No signature stream: the whole file is the index (an unsigned repository).
        return Ok((None, file));
    };
    let mut bytes = Vec::new();
    entry
        .read_to_end(&mut bytes)
        .map_err(|e| InputError::in_file(name, None, format!("{e}")))?;
    if rest.is_empty() {
        return Err(InputError::new("a signature with no index after it"));
    }
    Ok((
        Some(Signature {
            key_name,
            sha256,
            bytes,
        }),
        rest,
    ))
}

/// The public keys apk trusts: `/etc/apk/keys/*` by file name, and keys
/// given with `--archive-keyring` (tried whatever the name).
#[derive(Clone, Debug, Default)]
pub struct ApkKeys {
    named: Vec<(String, rsa::RsaPublicKey)>,
    any: Vec<(String, rsa::RsaPublicKey)>,
    /// Files that were not RSA public keys in PEM.
    pub problems: Vec<String>,
}

impl ApkKeys {
    /// Reads every key in `dir` (apk's `keys/`), and `extra` files.
    pub fn load(dir: Option<&std::path::Path>, extra: &[std::path::PathBuf]) -> ApkKeys {
        let mut keys = ApkKeys::default();
        if let Some(entries) = dir.and_then(|d| std::fs::read_dir(d).ok()) {
            let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
            paths.sort();
            for p in paths {
                let name = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if let Some(k) = keys.read(&p) {
                    keys.named.push((name, k));
                }
            }
        }
        for p in extra {
            let text = std::fs::read_to_string(p).unwrap_or_default();
            // `--archive-keyring` also names OpenPGP keyrings for the Debian archives.
            if text.contains("-----BEGIN PUBLIC KEY-----")
                && let Some(k) = keys.parse(p, &text)
            {
                keys.any.push((p.display().to_string(), k));
            }
        }
        keys
    }

    fn read(&mut self, path: &std::path::Path) -> Option<rsa::RsaPublicKey> {
        let text = std::fs::read_to_string(path).ok()?;
        self.parse(path, &text)
    }

    fn parse(&mut self, path: &std::path::Path, text: &str) -> Option<rsa::RsaPublicKey> {
        match rsa::RsaPublicKey::from_public_key_pem(text.trim()) {
            Ok(k) => Some(k),
            Err(e) => {
                self.problems.push(format!(
                    "{}: not an RSA public key in PEM ({e})",
                    path.display()
                ));
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.named.is_empty() && self.any.is_empty()
    }

    /// Verifies `signature` over `signed`; the key's name on success.
    pub fn verify(&self, signature: &Signature, signed: &[u8]) -> Result<String, InputError> {
        // DigestInfo prefixes of RFC 8017 §9.2, note 1.
        const SHA1_PREFIX: [u8; 15] = [
            0x30, 0x21, 0x30, 0x09, 0x06, 0x05, 0x2b, 0x0e, 0x03, 0x02, 0x1a, 0x05, 0x00, 0x04,
            0x14,
        ];
        const SHA256_PREFIX: [u8; 19] = [
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x01, 0x05, 0x00, 0x04, 0x20,
        ];
        let (scheme, hashed) = if signature.sha256 {
            (
                rsa::Pkcs1v15Sign {
                    hash_len: Some(32),
                    prefix: SHA256_PREFIX.into(),
                },
                sha2::Sha256::digest(signed).to_vec(),
            )
        } else {
            (
                rsa::Pkcs1v15Sign {
                    hash_len: Some(20),
                    prefix: SHA1_PREFIX.into(),
                },
                sha1::Sha1::digest(signed).to_vec(),
            )
        };
        let candidates = self
            .named
            .iter()
            .filter(|(name, _)| *name == signature.key_name)
            .chain(&self.any);
        let mut tried = 0;
        for (name, key) in candidates {
            tried += 1;
            if key
                .verify(scheme.clone(), &hashed, &signature.bytes)
                .is_ok()
            {
                return Ok(name.clone());
            }
        }
        Err(InputError::new(if tried == 0 {
            format!(
                "signed by {}, a key apk's keys/ does not hold (and no --archive-keyring key)",
                signature.key_name
            )
        } else {
            format!(
                "the signature by {} does not verify: the index is not the one its key signed",
                signature.key_name
            )
        }))
    }
}

/// Reads the `APKINDEX` member of the index stream `gz` (compressed),
/// keeping the records whose `P:` is `wanted`.
pub fn read_index(gz: &[u8], wanted: &dyn Fn(&str) -> bool) -> Result<Vec<ApkRecord>, InputError> {
    let mut out = Vec::new();
    read_index_with(gz, &mut |r: ApkRecord| {
        if wanted(&r.name) {
            out.push(r);
        }
    })?;
    Ok(out)
}

/// Reads the `APKINDEX` member of the index stream `gz`, giving `each` every record.
pub fn read_index_with(gz: &[u8], each: &mut dyn FnMut(ApkRecord)) -> Result<(), InputError> {
    let stream = flate2::read::MultiGzDecoder::new(gz).take(MAX_INDEX_BYTES + 1);
    let mut archive = tar::Archive::new(stream);
    let entries = archive
        .entries()
        .map_err(|e| InputError::new(format!("the index stream is not a tar archive: {e}")))?;
    for entry in entries {
        let entry = entry.map_err(|e| InputError::new(format!("the index stream's tar: {e}")))?;
        if &*entry.path_bytes() == b"APKINDEX" {
            return records(entry, each);
        }
    }
    Err(InputError::new("the index stream has no APKINDEX member"))
}

/// Parses APKINDEX records, `X:value` lines with a blank line after each.
pub fn records(reader: impl Read, each: &mut dyn FnMut(ApkRecord)) -> Result<(), InputError> {
    let mut reader = std::io::BufReader::with_capacity(64 << 10, reader);
    let mut current = ApkRecord::default();
    let mut line = Vec::new();
    let mut n = 0usize;
    loop {
        line.clear();
        let read = (&mut reader)
            .take(MAX_LINE + 1)
            .read_until(b'\n', &mut line)
            .map_err(|e| {
                InputError::in_file("APKINDEX", Some(Position::line(n + 1)), e.to_string())
            })?;
        n += 1;
        if read as u64 > MAX_LINE {
            return Err(InputError::in_file(
                "APKINDEX",
                Some(Position::line(n)),
                format!("longer than {MAX_LINE} bytes"),
            ));
        }
        let text = String::from_utf8_lossy(&line);
        let text = text.trim_end_matches(['\n', '\r']);
        if text.is_empty() {
            let record = std::mem::take(&mut current);
            if !record.name.is_empty() {
                each(record);
            }
            if read == 0 {
                return Ok(());
            }
            continue;
        }
        let Some((key, value)) = text.split_once(':') else {
            return Err(InputError::in_file(
                "APKINDEX",
                Some(Position::line(n)),
                "not a `X:value` line",
            ));
        };
        let value = value.trim().to_string();
        let some = |v: String| (!v.is_empty()).then_some(v);
        match key {
            "P" => current.name = value,
            "V" => current.version = value,
            "A" => current.architecture = some(value),
            "o" => current.origin = some(value),
            "m" => current.maintainer = some(value),
            "U" => current.url = some(value),
            "L" => current.license = some(value),
            "t" => current.built = value.parse().ok(),
            "c" => current.commit = some(value),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(rel: &str) -> Vec<u8> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/archive/alpine")
            .join(rel);
        std::fs::read(path).unwrap()
    }

    fn test_keys() -> ApkKeys {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/archive/alpine-keys");
        ApkKeys::load(Some(&dir), &[])
    }

    #[test]
    fn a_signed_index_verifies_and_its_records_are_read() {
        let file = fixture("v3.20/main/x86_64/APKINDEX.tar.gz");
        let (sig, signed) = split(&file).unwrap();
        let sig = sig.unwrap();
        assert_eq!(
            (sig.key_name.as_str(), sig.sha256),
            ("chainrisk-test-alpine.rsa.pub", false)
        );
        let keys = test_keys();
        assert_eq!(
            keys.verify(&sig, signed).unwrap(),
            "chainrisk-test-alpine.rsa.pub"
        );
        let records = read_index(signed, &|n| n == "libcrypto3" || n == "busybox").unwrap();
        assert_eq!(records.len(), 2);
        let crypto = records.iter().find(|r| r.name == "libcrypto3").unwrap();
        assert_eq!(crypto.version, "3.3.3-r0");
        assert_eq!(crypto.origin.as_deref(), Some("openssl"));
        assert_eq!(crypto.built, Some(1739000000));
        assert_eq!(crypto.architecture.as_deref(), Some("x86_64"));
    }

    #[test]
    fn a_sha256_signature_verifies_too() {
        let file = fixture("edge/main/x86_64/APKINDEX.tar.gz");
        let (sig, signed) = split(&file).unwrap();
        let sig = sig.unwrap();
        assert!(sig.sha256);
        assert!(test_keys().verify(&sig, signed).is_ok());
    }

    #[test]
    fn a_changed_index_or_an_unknown_key_does_not_verify() {
        let file = fixture("v3.20/main/x86_64/APKINDEX.tar.gz");
        let (sig, signed) = split(&file).unwrap();
        let sig = sig.unwrap();
        let mut changed = signed.to_vec();
        let last = changed.len() - 9;
        changed[last] ^= 1;
        let e = test_keys().verify(&sig, &changed).unwrap_err().to_string();
        assert!(e.contains("does not verify"), "{e}");
        let e = ApkKeys::default()
            .verify(&sig, signed)
            .unwrap_err()
            .to_string();
        assert!(e.contains("a key apk's keys/ does not hold"), "{e}");
    }

    #[test]
    fn records_end_at_blank_lines_and_bad_lines_are_errors() {
        let text = "P:a\nV:1-r0\no:src\n\nP:b\nV:2-r0\n";
        let mut all = Vec::new();
        records(text.as_bytes(), &mut |r| all.push(r)).unwrap();
        assert_eq!(all.len(), 2);
        assert_eq!(all[1].origin, None);
        assert!(records("P:a\nno colon\n".as_bytes(), &mut |_| {}).is_err());
        assert!(split(b"not gzip").is_err());
    }
}
