//! The byte encodings several stages write: lower-case hex of digests,
//! percent-encoding of purl parts and URIs, and Subresource Integrity strings
//! (`sha512-BASE64`) as npm lockfiles and the npm registry write them.

use std::borrow::Cow;

use base64::Engine as _;
use base64::engine::DecodePaddingMode;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};

use super::component::{Hash, HashAlg};

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(DIGITS[usize::from(b >> 4)] as char);
        s.push(DIGITS[usize::from(b & 0xf)] as char);
    }
    s
}

/// RFC 3986 unreserved characters, which no encoding escapes.
pub fn is_unreserved(ch: char) -> bool {
    ch.is_ascii_alphanumeric() || matches!(ch, '-' | '.' | '_' | '~')
}

/// `s` with every character `keep` refuses written as `%XX` escapes of its
/// UTF-8 bytes (upper-case hex, as RFC 3986 recommends). `keep` is given the
/// character's byte offset in `s`, for rules that depend on what precedes it.
/// Borrows `s` when nothing needs escaping.
pub fn percent_encode(s: &str, keep: impl Fn(usize, char) -> bool) -> Cow<'_, str> {
    let Some((start, _)) = s.char_indices().find(|&(i, ch)| !keep(i, ch)) else {
        return Cow::Borrowed(s);
    };
    const DIGITS: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(s.len() + 8);
    out.push_str(&s[..start]);
    for (i, ch) in s[start..].char_indices() {
        if keep(start + i, ch) {
            out.push(ch);
            continue;
        }
        let mut buf = [0u8; 4];
        for b in ch.encode_utf8(&mut buf).bytes() {
            out.push('%');
            out.push(DIGITS[usize::from(b >> 4)] as char);
            out.push(DIGITS[usize::from(b & 0xf)] as char);
        }
    }
    Cow::Owned(out)
}

/// Decodes `%XX` escapes. A `%` not followed by two hex digits stays as
/// written; bytes that are not UTF-8 after decoding become U+FFFD.
pub fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let digit = |i: usize| bytes.get(i).and_then(|b| (*b as char).to_digit(16));
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let (Some(high), Some(low)) = (digit(i + 1), digit(i + 2))
        {
            out.push((high * 16 + low) as u8);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_is_lower_case_two_digits_a_byte() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa5, 0xff]), "000fa5ff");
        assert_eq!(hex(&[]), "");
    }

    #[test]
    fn percent_encoding_escapes_what_keep_refuses_byte_by_byte() {
        let unreserved = |_: usize, ch: char| is_unreserved(ch);
        assert!(matches!(
            percent_encode("plain-1.0_x~", unreserved),
            Cow::Borrowed(_)
        ));
        assert_eq!(percent_encode("@scope/a b", unreserved), "%40scope%2Fa%20b");
        assert_eq!(percent_encode("über", unreserved), "%C3%BCber");
        // `keep` sees the offset: a colon is kept only after the first slash.
        let s = "c:/d:e";
        let after_slash = |i: usize, ch: char| {
            is_unreserved(ch) || ch == '/' || (ch == ':' && s[..i].contains('/'))
        };
        assert_eq!(percent_encode(s, after_slash), "c%3A/d:e");
    }

    #[test]
    fn percent_decoding_leaves_broken_escapes_as_written() {
        assert_eq!(percent_decode("a-1.0%2Bcpu"), "a-1.0+cpu");
        assert_eq!(percent_decode("npm%3A1.0.0%"), "npm:1.0.0%");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
        // A sign is not a hex digit (`u8::from_str_radix` would take `+1`).
        assert_eq!(percent_decode("%+1"), "%+1");
        assert_eq!(percent_decode("%C3%BC"), "ü");
        assert_eq!(percent_decode("%FF"), "\u{FFFD}");
    }

    #[test]
    fn integrity_decodes_and_names_what_it_ignores() {
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
