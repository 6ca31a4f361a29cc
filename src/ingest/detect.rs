//! Format detection from content. File names lie (a `.sbom` that is SPDX, a
//! `.json` that is a vendor's own list); the first bytes do not.

use super::error::{IngestError, Position};
use crate::model::Format;

/// How much of the file the sniffer looks at for format markers before it
/// falls back to reading the whole JSON document's top-level keys.
const SNIFF_BYTES: usize = 64 * 1024;

pub fn detect(bytes: &[u8]) -> Result<Format, IngestError> {
    if bytes.is_empty() {
        return Err(IngestError::new(
            "empty file: expected a CycloneDX or SPDX document",
        ));
    }
    let text = skip_bom(bytes);
    if let Some(pos) = binary_at(text) {
        return Err(IngestError::at(
            "binary data: expected a CycloneDX or SPDX document (JSON, XML or SPDX tag-value text)",
            Position::at_offset(bytes, pos + (bytes.len() - text.len())),
        ));
    }
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .ok_or_else(|| {
            IngestError::new("file holds only whitespace: expected a CycloneDX or SPDX document")
        })?;
    let body = &text[start..];
    let head = &body[..body.len().min(SNIFF_BYTES)];
    match body[0] {
        b'{' => detect_json(text, body, head),
        b'[' => Err(IngestError::at(
            "unrecognised format: a JSON array, not a CycloneDX BOM or SPDX document (both are JSON objects)",
            Position::at_offset(text, start),
        )),
        b'<' => detect_xml(head),
        _ => detect_text(body),
    }
}

fn skip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

/// Offset of the first byte that cannot be in a text document (NUL, other C0
/// controls, invalid UTF-8), looking at the start of the file only.
fn binary_at(bytes: &[u8]) -> Option<usize> {
    let head = &bytes[..bytes.len().min(8192)];
    if let Some(i) = head
        .iter()
        .position(|&b| b == 0 || (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c)))
    {
        return Some(i);
    }
    match std::str::from_utf8(head) {
        Ok(_) => None,
        // A multi-byte character cut by the window is not an error.
        Err(e) if e.error_len().is_none() => None,
        Err(e) => Some(e.valid_up_to()),
    }
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn detect_json(full: &[u8], body: &[u8], head: &[u8]) -> Result<Format, IngestError> {
    if let Some(f) = sniff_json_markers(head) {
        return Ok(f);
    }
    // Markers may sit past the sniff window (a huge first key); read the top-level keys.
    #[derive(serde::Deserialize)]
    struct Probe {
        #[serde(rename = "bomFormat")]
        bom_format: Option<serde::de::IgnoredAny>,
        #[serde(rename = "spdxVersion")]
        spdx_version: Option<serde::de::IgnoredAny>,
        #[serde(rename = "@context")]
        context: Option<serde_json::Value>,
        #[serde(rename = "@graph")]
        graph: Option<serde::de::IgnoredAny>,
    }
    // No marker in the window: read the top-level keys of the whole document.
    // Invalid JSON is then reported where it breaks, which says more than
    // "unrecognised".
    let mut de = serde_json::Deserializer::from_slice(body);
    match <Probe as serde::Deserialize>::deserialize(&mut de) {
        Ok(p) => {
            if p.bom_format.is_some() {
                return Ok(Format::CyclonedxJson);
            }
            if p.spdx_version.is_some() {
                return Ok(Format::SpdxJson);
            }
            if p.graph.is_some()
                && p.context
                    .as_ref()
                    .is_some_and(|c| c.to_string().contains("spdx.org/rdf/3"))
            {
                return Ok(Format::Spdx3JsonLd);
            }
        }
        Err(e) if !e.is_data() => {
            let mut err = IngestError::from_json(&e, None);
            // serde_json counts from `body`; shift past the skipped leading whitespace.
            let skipped = &full[..full.len() - body.len()];
            if let Some(pos) = err.position.as_mut() {
                let newlines = skipped.iter().filter(|&&b| b == b'\n').count();
                if pos.line == Some(1) {
                    let tail = skipped.iter().rev().take_while(|&&b| b != b'\n').count();
                    pos.column = pos.column.map(|c| c + tail);
                }
                pos.line = pos.line.map(|l| l + newlines);
            }
            err.message = format!("not a CycloneDX or SPDX document: {}", err.message);
            return Err(err);
        }
        Err(_) => {}
    }
    Err(IngestError::new(
        "unrecognised format: a JSON object with none of CycloneDX's `bomFormat`, SPDX 2's `spdxVersion` or SPDX 3's JSON-LD `@context`",
    ))
}

fn sniff_json_markers(head: &[u8]) -> Option<Format> {
    // Keys first: a URL can appear in any text field (an SPDX comment citing
    // the CycloneDX schema), a key cannot.
    if contains(head, b"\"bomFormat\"") {
        return Some(Format::CyclonedxJson);
    }
    if contains(head, b"\"spdxVersion\"") {
        return Some(Format::SpdxJson);
    }
    if contains(head, b"cyclonedx.org/schema/bom") {
        return Some(Format::CyclonedxJson);
    }
    if contains(head, b"\"@context\"") && contains(head, b"spdx.org/rdf/3") {
        return Some(Format::Spdx3JsonLd);
    }
    None
}

fn detect_xml(head: &[u8]) -> Result<Format, IngestError> {
    if contains(head, b"cyclonedx.org/schema/bom") {
        return Ok(Format::CyclonedxXml);
    }
    if contains(head, b"spdx.org/rdf/terms") {
        return Err(IngestError::new(
            "SPDX RDF/XML is not supported: convert it to SPDX JSON or tag-value (for example with the SPDX tools)",
        ));
    }
    Err(IngestError::new(
        "unrecognised format: an XML document without the CycloneDX namespace (http://cyclonedx.org/schema/bom/1.x)",
    ))
}

fn detect_text(body: &[u8]) -> Result<Format, IngestError> {
    // SPDX tag-value: `SPDXVersion:` on one of the first lines, before any package.
    let head = &body[..body.len().min(SNIFF_BYTES)];
    let text = String::from_utf8_lossy(head);
    for line in text.lines().take(200) {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with("SPDXVersion:") {
            return Ok(Format::SpdxTagValue);
        }
    }
    Err(IngestError::new(
        "unrecognised format: expected CycloneDX (JSON or XML) or SPDX (JSON, tag-value or 3.0 JSON-LD)",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_each_format() {
        assert_eq!(
            detect(br#"{"bomFormat":"CycloneDX","specVersion":"1.6"}"#).unwrap(),
            Format::CyclonedxJson
        );
        assert_eq!(
            detect(b"\xEF\xBB\xBF  {\"spdxVersion\":\"SPDX-2.3\"}").unwrap(),
            Format::SpdxJson
        );
        assert_eq!(
            detect(br#"{"@context":"https://spdx.org/rdf/3.0.1/spdx-context.jsonld","@graph":[]}"#)
                .unwrap(),
            Format::Spdx3JsonLd
        );
        assert_eq!(
            detect(b"<?xml version=\"1.0\"?><bom xmlns=\"http://cyclonedx.org/schema/bom/1.4\"/>")
                .unwrap(),
            Format::CyclonedxXml
        );
        assert_eq!(
            detect(b"## comment\nSPDXVersion: SPDX-2.3\nDataLicense: CC0-1.0\n").unwrap(),
            Format::SpdxTagValue
        );
    }

    #[test]
    fn keys_win_over_urls_in_text() {
        let doc = br#"{"comment": "see https://cyclonedx.org/schema/bom-1.5.schema.json", "spdxVersion": "SPDX-2.3"}"#;
        assert_eq!(detect(doc).unwrap(), Format::SpdxJson);
    }

    #[test]
    fn markers_past_the_window_are_found() {
        let mut doc = String::from("{\"description\":\"");
        doc.push_str(&"x".repeat(SNIFF_BYTES + 10));
        doc.push_str("\",\"spdxVersion\":\"SPDX-2.3\"}");
        assert_eq!(detect(doc.as_bytes()).unwrap(), Format::SpdxJson);
    }

    #[test]
    fn clear_errors() {
        assert!(detect(b"").unwrap_err().message.contains("empty file"));
        assert!(detect(b"   \n").unwrap_err().message.contains("whitespace"));
        let e = detect(b"\x7fELF\x02\x01\x01\0\0").unwrap_err();
        assert!(e.message.contains("binary"), "{e}");
        assert!(
            detect(b"[{\"purl\":\"x\"}]")
                .unwrap_err()
                .message
                .contains("JSON array")
        );
        assert!(
            detect(b"{\"a\":1}")
                .unwrap_err()
                .message
                .contains("unrecognised")
        );
        let e = detect(b"\n  { not json").unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 2, column 5: not a CycloneDX or SPDX document: invalid JSON: key must be a string"
        );
        assert!(
            detect(b"<html></html>")
                .unwrap_err()
                .message
                .contains("CycloneDX namespace")
        );
        assert!(
            detect(b"hello world")
                .unwrap_err()
                .message
                .contains("unrecognised")
        );
    }
}
