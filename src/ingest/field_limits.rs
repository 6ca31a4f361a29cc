//! Bounds on the text one component carries, so that a hostile input (a
//! 200 MB name) costs its own size once, not once per report line,
//! finding and output format.
//!
//! Identifying fields (name, namespace, version, purl, local reference)
//! take part in merging and in edges: an over-long one is shortened to a
//! prefix plus the SHA-256 of the whole value, so two different values never
//! become equal, and the same value is shortened the same way wherever it
//! appears. Free text is cut at a character boundary. Either way the
//! document gets one warning saying how many fields were shortened.

use sha2::Digest;

use super::ParsedDoc;
use crate::model::Component;

/// Longest identifying field kept whole (an npm name is at most 214 bytes;
/// purls with qualifiers run to a few hundred).
pub const MAX_KEY_BYTES: usize = 4096;

/// Longest free-text field kept whole (supplier, author, licence text, URL).
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

/// The bytes of the prefix kept of a shortened identifying field.
const KEY_PREFIX_BYTES: usize = 256;

/// Shortens every over-long field of `doc`; one warning if any was.
pub fn apply(doc: &mut ParsedDoc) {
    let mut count = 0usize;
    for c in &mut doc.components {
        count += limit_component(c);
    }
    for (from, to) in &mut doc.edges {
        limit_key(from);
        limit_key(to);
    }
    for r in &mut doc.roots {
        limit_key(r);
    }
    if count > 0 {
        doc.warnings.insert(0, format!(
            "{count} field(s) longer than the limit ({MAX_KEY_BYTES} bytes for names, versions, purls and references; {MAX_TEXT_BYTES} for other text) were shortened"
        ));
    }
}

fn limit_component(c: &mut Component) -> usize {
    let mut n = 0;
    n += usize::from(limit_key(&mut c.name));
    for key in [
        &mut c.namespace,
        &mut c.version,
        &mut c.purl,
        &mut c.bom_ref,
    ] {
        if let Some(k) = key.as_mut() {
            n += usize::from(limit_key(k));
        }
    }
    for t in [&mut c.supplier, &mut c.kind, &mut c.cpe]
        .into_iter()
        .flatten()
    {
        n += usize::from(limit_text(t));
    }
    // Through `get_mut`: writing through `rare` would allocate its facts.
    if let Some(rare) = c.rare.get_mut() {
        let texts = [
            &mut rare.swid,
            &mut rare.deprecated,
            &mut rare.constraint,
            &mut rare.invalid_purl,
        ];
        for t in texts.into_iter().flatten() {
            n += usize::from(limit_text(t));
        }
        for a in &mut rare.authors {
            n += usize::from(limit_text(a));
        }
    }
    for l in &mut c.licenses {
        n += usize::from(limit_text(&mut l.raw));
    }
    for r in &mut c.references {
        n += usize::from(limit_text(&mut r.url));
    }
    n
}

/// `prefix…[sha256:HEX]` for an identifying field over the limit; true when shortened.
pub fn limit_key(value: &mut String) -> bool {
    if value.len() <= MAX_KEY_BYTES {
        return false;
    }
    let digest = crate::model::encode::hex(&sha2::Sha256::digest(value.as_bytes()));
    let cut = floor_char_boundary(value, KEY_PREFIX_BYTES);
    *value = format!("{}…[sha256:{digest}]", &value[..cut]);
    true
}

/// Free text cut to the limit with a trailing `…`; true when shortened.
pub fn limit_text(value: &mut String) -> bool {
    if value.len() <= MAX_TEXT_BYTES {
        return false;
    }
    let cut = floor_char_boundary(value, MAX_TEXT_BYTES);
    value.truncate(cut);
    value.push('…');
    true
}

fn floor_char_boundary(s: &str, mut at: usize) -> usize {
    while at > 0 && !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_keys_stay_distinct_and_consistent() {
        let mut a = "a".repeat(10_000);
        let mut b = format!("{}b", "a".repeat(9_999));
        let mut a2 = a.clone();
        assert!(limit_key(&mut a) && limit_key(&mut b) && limit_key(&mut a2));
        assert_ne!(a, b, "different values never merge");
        assert_eq!(a, a2, "the same value is shortened the same way");
        assert!(a.len() < 400, "{}", a.len());
        let mut short = "serde".to_string();
        assert!(!limit_key(&mut short));
        assert_eq!(short, "serde");
    }

    #[test]
    fn text_is_cut_on_a_character_boundary() {
        let mut t = "é".repeat(MAX_TEXT_BYTES);
        assert!(limit_text(&mut t));
        assert!(t.len() <= MAX_TEXT_BYTES + 3);
        assert!(t.ends_with('…'));
    }

    #[test]
    fn a_document_warns_once_and_edges_follow_the_references() {
        let mut doc = ParsedDoc::default();
        let long = "x".repeat(MAX_KEY_BYTES + 1);
        doc.components.push(Component {
            name: long.clone(),
            bom_ref: Some(long.clone()),
            ..Component::default()
        });
        doc.edges.push((long.clone(), "other".into()));
        apply(&mut doc);
        assert_eq!(
            doc.components[0].bom_ref.as_deref(),
            Some(doc.edges[0].0.as_str())
        );
        assert_eq!(doc.warnings.len(), 1);
        assert!(
            doc.warnings[0].starts_with("2 field(s) longer"),
            "{:?}",
            doc.warnings
        );
    }
}
