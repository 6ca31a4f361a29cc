//! Licences as the input stated them, parsed as SPDX expressions where they parse.

use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LicenseKind {
    Declared,
    Concluded,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct License {
    pub kind: LicenseKind,
    /// The text the input gave, untouched.
    pub raw: String,
    /// The SPDX expression when `raw` parses (strictly, or leniently as with
    /// `GPL-2.0+` or `Apache 2.0`), in the `spdx` crate's canonical form.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expression: Option<String>,
}

impl License {
    pub fn new(kind: LicenseKind, raw: &str) -> License {
        let raw = raw.trim();
        License {
            kind,
            raw: raw.to_string(),
            expression: parse_expression(raw),
        }
    }

    /// `NOASSERTION`, `NONE` and empty strings say nothing about the licence.
    pub fn is_assertion(&self) -> bool {
        !(self.raw.is_empty()
            || self.raw.eq_ignore_ascii_case("NOASSERTION")
            || self.raw.eq_ignore_ascii_case("NONE"))
    }

    /// True for a licence a reviewer can act on: asserted and a valid SPDX expression.
    pub fn is_known(&self) -> bool {
        self.is_assertion() && self.expression.is_some()
    }
}

/// Distinct licence texts remembered per thread. An SBOM repeats a handful of
/// licences thousands of times; parsing each once keeps ingest linear and cheap.
const CACHE_LIMIT: usize = 4096;

thread_local! {
    static PARSED: RefCell<HashMap<String, Option<String>>> = RefCell::new(HashMap::new());
}

fn parse_expression(raw: &str) -> Option<String> {
    if raw.is_empty() || raw.eq_ignore_ascii_case("NOASSERTION") || raw.eq_ignore_ascii_case("NONE")
    {
        return None;
    }
    if let Some(hit) = PARSED.with(|c| c.borrow().get(raw).cloned()) {
        return hit;
    }
    let parsed = parse_uncached(raw);
    PARSED.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= CACHE_LIMIT {
            c.clear();
        }
        c.insert(raw.to_string(), parsed.clone());
    });
    parsed
}

fn parse_uncached(raw: &str) -> Option<String> {
    spdx::Expression::parse(raw)
        .or_else(|_| spdx::Expression::parse_mode(raw, spdx::ParseMode::LAX))
        .ok()
        .map(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_lax_and_raw() {
        let l = License::new(LicenseKind::Declared, "MIT OR Apache-2.0");
        assert!(l.is_known());
        let l = License::new(LicenseKind::Declared, "Apache 2.0");
        assert!(l.is_known(), "lax mode reads common misspellings");
        let l = License::new(LicenseKind::Declared, "SEE LICENSE IN LICENSE.md");
        assert!(l.is_assertion());
        assert!(!l.is_known());
        let l = License::new(LicenseKind::Concluded, "NOASSERTION");
        assert!(!l.is_assertion());
    }
}
