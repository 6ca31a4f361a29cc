//! Subresource Integrity strings (`sha512-BASE64`), as npm lockfiles and the
//! npm registry write them, decoded into hashes.

use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};

use super::component::{Hash, HashAlg};

/// Base64 as Subresource Integrity writes it; padding is optional in practice.
const SRI_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The digests of an `integrity` string (`sha512-BASE64`, possibly several
/// separated by spaces, each possibly with `?options`) as lower-case hex,
/// as lockfiles and the npm registry both need them.
pub fn integrity_hashes(sri: &str) -> Vec<Result<Hash, String>> {
    let known = [
        ("sha512", HashAlg::Sha512, 64),
        ("sha384", HashAlg::Sha384, 48),
        ("sha256", HashAlg::Sha256, 32),
        ("sha1", HashAlg::Sha1, 20),
        ("md5", HashAlg::Md5, 16),
    ];
    sri.split_whitespace()
        .map(|token| {
            let token = token.split('?').next().unwrap_or(token);
            let (alg, b64) = token
                .split_once('-')
                .ok_or_else(|| format!("integrity {token:?} is not `algorithm-base64`; ignored"))?;
            let (hash_alg, len) = known
                .iter()
                .find(|(a, _, _)| alg.eq_ignore_ascii_case(a))
                .map(|(_, h, l)| (h.clone(), *l))
                .ok_or_else(|| format!("integrity algorithm {alg:?} is not known; ignored"))?;
            match SRI_BASE64.decode(b64) {
                Ok(d) if d.len() == len => Ok(Hash {
                    alg: hash_alg,
                    value: hex(&d),
                }),
                Ok(d) => Err(format!(
                    "integrity {alg} digest is {} bytes, expected {len}; ignored",
                    d.len()
                )),
                Err(_) => Err(format!(
                    "integrity {alg} digest is not valid base64; ignored"
                )),
            }
        })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_names_what_it_ignores() {
        // SHA-1 of the empty string, unpadded, with an option suffix.
        let got = integrity_hashes(
            "sha1-2jmj7l5rSw0yVb/vlWAYkK/YBwk?x md5-2jmj7l5rSw0yVb/vlWAYkK/YBwk= sha999-AAAA nodash !!!",
        );
        assert_eq!(
            got[0],
            Ok(Hash {
                alg: HashAlg::Sha1,
                value: "da39a3ee5e6b4b0d3255bfef95601890afd80709".into()
            })
        );
        assert_eq!(got.len(), 5);
        assert!(got[1].as_ref().unwrap_err().contains("expected 16"));
        assert!(got[2].as_ref().unwrap_err().contains("not known"));
        assert!(got[3].as_ref().unwrap_err().contains("algorithm-base64"));
        assert!(got[4].as_ref().unwrap_err().contains("algorithm-base64"));
    }
}
