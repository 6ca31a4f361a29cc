//! Text encodings inputs arrive in: a UTF-8 byte-order mark is not content,
//! and Windows tools write UTF-16 (with or without a mark), which every
//! reader would otherwise take for binary data; input quoted in messages is clipped.

/// The bytes without a leading UTF-8 byte-order mark.
pub fn strip_utf8_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// At most `max` characters of `s`, with `…` when cut: for quoting input in messages.
pub fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// UTF-16 text as UTF-8, with what was recognised (`UTF-16LE with a
/// byte-order mark`…), or `None` when the bytes are not UTF-16. Without a
/// mark, text is taken for UTF-16 when every second byte of its first
/// kilobyte is zero (ASCII-range JSON, XML and tag-value all look so).
pub fn decode_utf16(bytes: &[u8]) -> Option<(String, &'static str)> {
    let (little, body, how) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (true, rest, "UTF-16LE with a byte-order mark"),
        [0xFE, 0xFF, rest @ ..] => (false, rest, "UTF-16BE with a byte-order mark"),
        _ => {
            let head = &bytes[..bytes.len().min(1024) & !1];
            if head.len() < 4 {
                return None;
            }
            let odd_zero = head.iter().skip(1).step_by(2).all(|b| *b == 0);
            let even_zero = head.iter().step_by(2).all(|b| *b == 0);
            match (odd_zero, even_zero) {
                (true, false) => (true, bytes, "UTF-16LE without a byte-order mark"),
                (false, true) => (false, bytes, "UTF-16BE without a byte-order mark"),
                _ => return None,
            }
        }
    };
    let units = body.chunks_exact(2).map(|p| {
        if little {
            u16::from_le_bytes([p[0], p[1]])
        } else {
            u16::from_be_bytes([p[0], p[1]])
        }
    });
    let text: String = char::decode_utf16(units)
        .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
        .collect();
    Some((text, how))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, little: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        if bom {
            out.extend(if little { [0xFF, 0xFE] } else { [0xFE, 0xFF] });
        }
        for u in text.encode_utf16() {
            out.extend(if little {
                u.to_le_bytes()
            } else {
                u.to_be_bytes()
            });
        }
        out
    }

    #[test]
    fn every_utf16_form_decodes_and_utf8_is_left_alone() {
        let text = "{\"bomFormat\": \"CycloneDX\", \"name\": \"café\"}";
        for little in [true, false] {
            for bom in [true, false] {
                let (got, _) = decode_utf16(&utf16(text, little, bom)).unwrap();
                assert_eq!(got, text, "little={little} bom={bom}");
            }
        }
        assert!(decode_utf16(text.as_bytes()).is_none());
        assert!(decode_utf16(b"\x7fELF\x02\x01\x01\x00").is_none());
        assert_eq!(strip_utf8_bom(b"\xEF\xBB\xBF{}"), b"{}");
    }
}
