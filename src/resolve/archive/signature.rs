//! The OpenPGP signature of a suite's `InRelease`, checked with the keys
//! apt would use: the source's `Signed-By` (keyring files or an inline key),
//! else apt's trusted keyrings (`trusted.gpg`, `trusted.gpg.d/`), else the
//! keyrings given with `--archive-keyring`. A suite whose signature does not
//! verify is not used: its checksums, and so its indexes, could be anyone's.
//!
//! rPGP (the `pgp` crate, pure Rust) does the cryptography; the README's
//! Dependencies section says why it was chosen.

use crate::model::InputError;
use std::path::{Path, PathBuf};

use pgp::composed::{
    CleartextSignedMessage, Deserializable, DetachedSignature, PublicOrSecret, SignedPublicKey,
};

/// Keys a suite may be signed with, and where they came from.
#[derive(Clone, Debug, Default)]
pub struct Keyring {
    keys: Vec<SignedPublicKey>,
    /// The files (or `Signed-By (inline)`) the keys were read from.
    pub sources: Vec<String>,
    /// Files that could not be read or parsed, with why.
    pub problems: Vec<String>,
}

/// Most bytes of one keyring file (Debian's whole archive keyring is 56 KB).
const MAX_KEYRING_BYTES: u64 = 16 << 20;

impl Keyring {
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The keyring for a source: its `Signed-By` when it has one, else
    /// apt's trusted keyrings under `apt_etc`, plus `extra` (`--archive-keyring`).
    pub fn for_source(signed_by: Option<&str>, apt_etc: &Path, extra: &[PathBuf]) -> Keyring {
        let mut ring = Keyring::default();
        match signed_by.map(str::trim).filter(|s| !s.is_empty()) {
            Some(inline) if inline.contains("-----BEGIN PGP PUBLIC KEY BLOCK-----") => {
                ring.add_bytes(inline.as_bytes(), "Signed-By (inline key)");
            }
            Some(paths) => {
                for p in paths.split([',', ' ', '\n']).filter(|p| !p.is_empty()) {
                    if p.starts_with('/') || p.starts_with('.') {
                        ring.add_file(Path::new(p));
                    } else {
                        // A fingerprint: apt would look it up in its trusted keyrings.
                        ring.add_trusted(apt_etc);
                    }
                }
            }
            None => ring.add_trusted(apt_etc),
        }
        for p in extra {
            ring.add_file(p);
        }
        ring
    }

    fn add_trusted(&mut self, apt_etc: &Path) {
        let single = apt_etc.join("trusted.gpg");
        if single.is_file() {
            self.add_file(&single);
        }
        if let Ok(dir) = std::fs::read_dir(apt_etc.join("trusted.gpg.d")) {
            let mut files: Vec<PathBuf> = dir
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("gpg" | "asc")))
                .collect();
            files.sort();
            for f in files {
                self.add_file(&f);
            }
        }
    }

    pub fn add_file(&mut self, path: &Path) {
        let shown = path.display().to_string();
        if self.sources.contains(&shown) {
            return;
        }
        match crate::model::document_read::read_document_within(path, MAX_KEYRING_BYTES) {
            // An RSA key in PEM given with --archive-keyring is an Alpine key, not an OpenPGP one.
            Ok(bytes) if bytes.starts_with(b"-----BEGIN PUBLIC KEY-----") => {}
            Ok(bytes) => self.add_bytes(&bytes, &shown),
            Err(e) => self.problems.push(format!("{shown}: {e}")),
        }
    }

    fn add_bytes(&mut self, bytes: &[u8], shown: &str) {
        let before = self.keys.len();
        match PublicOrSecret::from_reader_many(bytes) {
            Ok((keys, _)) => {
                for key in keys {
                    match key {
                        Ok(PublicOrSecret::Public(k)) => self.keys.push(k),
                        Ok(PublicOrSecret::Secret(k)) => self.keys.push(k.to_public_key()),
                        // One unreadable key does not lose the others.
                        Err(_) => {}
                    }
                }
            }
            Err(e) => {
                self.problems
                    .push(format!("{shown}: not an OpenPGP keyring: {e}"));
                return;
            }
        }
        if self.keys.len() > before {
            self.sources.push(shown.to_string());
        } else {
            self.problems.push(format!("{shown}: no public key in it"));
        }
    }
}

/// Verifies a clearsigned `InRelease` at `now`; `Ok` names the key that
/// signed it. A key (or signing subkey) that is revoked, or expired at
/// `now`, does not count, as for apt.
pub fn verify(text: &str, ring: &Keyring, now: jiff::Timestamp) -> Result<String, InputError> {
    if ring.is_empty() {
        let mut why = "no archive key to check its signature against (give apt's Signed-By keyring, or --archive-keyring FILE)".to_string();
        if !ring.problems.is_empty() {
            why.push_str(&format!("; {}", ring.problems.join("; ")));
        }
        return Err(InputError::new(why));
    }
    let (message, _) = CleartextSignedMessage::from_string(text)
        .map_err(|e| InputError::new(format!("not a readable clearsigned message: {e}")))?;
    verify_with(ring, now, |k| match k {
        Signer::Primary(p) => message.verify(p).is_ok(),
        Signer::Sub(s) => message.verify(s).is_ok(),
    })
}

/// A key or subkey a signature is checked with.
enum Signer<'a> {
    Primary(&'a pgp::packet::PublicKey),
    Sub(&'a pgp::packet::PublicSubkey),
}

/// The first usable key of `ring` for which `check` holds, by label; or why none.
fn verify_with(
    ring: &Keyring,
    now: jiff::Timestamp,
    check: impl Fn(Signer<'_>) -> bool,
) -> Result<String, InputError> {
    let mut unusable = Vec::new();
    for key in &ring.keys {
        let primary = check(Signer::Primary(&key.primary_key));
        let sub = key
            .public_subkeys
            .iter()
            .find(|s| check(Signer::Sub(&s.key)));
        if !primary && sub.is_none() {
            continue;
        }
        let why = validity::primary(key, now).or_else(|| {
            sub.filter(|_| !primary)
                .and_then(|s| validity::subkey(s, now))
        });
        match why {
            None => return Ok(key_label(key)),
            Some(why) => unusable.push(format!("{} {why}", key_label(key))),
        }
    }
    if !unusable.is_empty() {
        return Err(InputError::new(format!(
            "signed by a key that cannot be trusted now: {}",
            unusable.join("; ")
        )));
    }
    Err(InputError::new(format!(
        "the signature does not verify with any of the {} key(s) of {}",
        ring.keys.len(),
        ring.sources.join(", ")
    )))
}

/// Whether a key may still sign: not revoked, not expired.
mod validity {
    use pgp::composed::{SignedPublicKey, SignedPublicSubKey};
    use pgp::packet::{Signature, SignatureType};
    use pgp::types::KeyDetails;

    /// The expiry a set of self-signatures gives a key created at `created`:
    /// that of the newest signature stating one (a zero duration is none).
    /// Third-party certifications in a keyring state none, so they cannot
    /// shorten it; a later self-signature that drops the expiry altogether
    /// is not seen (archive keys are extended, not made eternal).
    fn expiry(created: u32, signatures: &[&Signature]) -> Option<i64> {
        let newest = signatures
            .iter()
            .filter(|s| s.key_expiration_time().is_some())
            .max_by_key(|s| s.created().map(|t| t.as_secs()).unwrap_or(0))?;
        let secs = newest.key_expiration_time()?.as_secs();
        (secs > 0).then(|| i64::from(created) + i64::from(secs))
    }

    fn at(t: i64) -> String {
        jiff::Timestamp::from_second(t)
            .map(|t| t.strftime("%Y-%m-%d").to_string())
            .unwrap_or_else(|_| t.to_string())
    }

    pub fn primary(key: &SignedPublicKey, now: jiff::Timestamp) -> Option<String> {
        if !key.details.revocation_signatures.is_empty() {
            return Some("is revoked".to_string());
        }
        let signatures: Vec<&Signature> = key
            .details
            .direct_signatures
            .iter()
            .chain(key.details.users.iter().flat_map(|u| &u.signatures))
            .collect();
        let created = key.primary_key.created_at().as_secs();
        match expiry(created, &signatures) {
            Some(end) if end < now.as_second() => Some(format!("expired on {}", at(end))),
            _ => None,
        }
    }

    pub fn subkey(sub: &SignedPublicSubKey, now: jiff::Timestamp) -> Option<String> {
        if sub
            .signatures
            .iter()
            .any(|s| s.typ() == Some(SignatureType::SubkeyRevocation))
        {
            return Some("has its signing subkey revoked".to_string());
        }
        let signatures: Vec<&Signature> = sub.signatures.iter().collect();
        match expiry(sub.key.created_at().as_secs(), &signatures) {
            Some(end) if end < now.as_second() => {
                Some(format!("has a signing subkey that expired on {}", at(end)))
            }
            _ => None,
        }
    }
}

/// Checks an armored detached signature (an RPM repository's
/// `repomd.xml.asc`) over `data`; the signing key's label on success.
pub fn verify_detached(
    data: &[u8],
    armored: &str,
    ring: &Keyring,
    now: jiff::Timestamp,
) -> Result<String, InputError> {
    if ring.is_empty() {
        let mut why = "no key to check its signature against (give the repository's gpgkey, or --archive-keyring FILE)".to_string();
        if !ring.problems.is_empty() {
            why.push_str(&format!("; {}", ring.problems.join("; ")));
        }
        return Err(InputError::new(why));
    }
    let (signature, _) = DetachedSignature::from_string(armored)
        .map_err(|e| InputError::new(format!("not a readable detached signature: {e}")))?;
    verify_with(ring, now, |k| match k {
        Signer::Primary(p) => signature.verify(p, data).is_ok(),
        Signer::Sub(s) => signature.verify(s, data).is_ok(),
    })
}

/// `FINGERPRINT (user id)`.
fn key_label(key: &SignedPublicKey) -> String {
    use pgp::types::KeyDetails;
    let fingerprint = format!("{:X}", key.primary_key.fingerprint());
    match key.details.users.first() {
        Some(u) => format!("{fingerprint} ({})", String::from_utf8_lossy(u.id.id())),
        None => fingerprint,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(rel: &str) -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures/archive")
            .join(rel)
    }

    #[test]
    fn a_signed_release_verifies_with_its_key_and_not_without_it() {
        let text = std::fs::read_to_string(fixture("debian/dists/bookworm/InRelease")).unwrap();
        let none = tempfile::tempdir().unwrap();
        let mut ring = Keyring::for_source(None, none.path(), &[fixture("test-archive-key.asc")]);
        let by = verify(&text, &ring, jiff::Timestamp::now()).unwrap();
        assert!(by.contains("chainrisk test archive key"), "{by}");

        // One changed byte of the signed text.
        let forged = text.replacen("Codename: bookworm", "Codename: bookwork", 1);
        assert!(
            verify(&forged, &ring, jiff::Timestamp::now())
                .unwrap_err()
                .to_string()
                .contains("does not verify")
        );

        // Another key.
        ring = Keyring::for_source(None, none.path(), &[]);
        assert!(
            verify(&text, &ring, jiff::Timestamp::now())
                .unwrap_err()
                .to_string()
                .contains("no archive key")
        );
    }

    #[test]
    fn unreadable_keyrings_are_problems_not_panics() {
        let dir = tempfile::tempdir().unwrap();
        let junk = dir.path().join("junk.gpg");
        std::fs::write(&junk, b"\x99\x01\x0d garbage").unwrap();
        let ring = Keyring::for_source(
            Some(&format!("{},/nonexistent.gpg", junk.display())),
            dir.path(),
            &[],
        );
        assert!(ring.is_empty());
        assert_eq!(ring.problems.len(), 2, "{:?}", ring.problems);
    }

    /// A key that expires on 2026-12-31 (made with gpg for this test):
    /// its signature counts before, not after.
    #[test]
    fn a_key_past_its_expiry_does_not_count() {
        let mut ring = Keyring::default();
        ring.add_file(&fixture("test-expiring-key.asc"));
        let text = std::fs::read_to_string(fixture("signed-by-expiring-key.txt")).unwrap();
        let before: jiff::Timestamp = "2026-12-10T00:00:00Z".parse().unwrap();
        let after: jiff::Timestamp = "2027-01-05T00:00:00Z".parse().unwrap();
        assert!(
            verify(&text, &ring, before)
                .unwrap()
                .contains("expiring test key")
        );
        let e = verify(&text, &ring, after).unwrap_err().to_string();
        assert!(e.contains("expired on 2026-12-31"), "{e}");
        // Another key's signature is still "does not verify", not "expired".
        let mut other = Keyring::default();
        other.add_file(&fixture("test-archive-key.asc"));
        let e = verify(&text, &other, before).unwrap_err().to_string();
        assert!(e.contains("does not verify"), "{e}");
    }
}
