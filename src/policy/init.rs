//! `chainrisk init`: the default policy as a commented `chainrisk.toml`. The
//! threshold values are serialised from [`Thresholds::default`], the very
//! values the rules use, so the file cannot drift from the code.

use std::fmt::Write as _;

use crate::rules::Thresholds;
use crate::rules::config::Threshold;

const TOP_LEVEL: &str = r#"# Registries components may come from (CON-04 fires for any other). Without
# this key any registry is allowed. Compared with the registry URL the inputs
# record, ignoring a trailing `/` and a `registry+` or `sparse+` prefix.
# allowed_registries = ["https://registry.example/index"]

# Suppliers accepted by policy: they never fire CON-03 (their share is still
# counted and shown) and never match CON-06. Compared with the supplier,
# ignoring case.
allowed_suppliers = []
"#;

/// The text `chainrisk init` writes.
pub fn default_policy_text() -> String {
    let defaults =
        toml::Table::try_from(Thresholds::default()).expect("thresholds serialise to a TOML table");
    let mut out = String::new();
    out.push_str(
        "# chainrisk policy. `chainrisk scan` reads ./chainrisk.toml, or the file given\n\
         # with --policy. Every value below is the built-in default; docs/policy.md\n\
         # explains each key, and `chainrisk rules ID` each rule.\n\n",
    );
    // Top-level keys come before the first table, or TOML files them under it.
    out.push_str(TOP_LEVEL);
    out.push_str("\n[thresholds]\n");
    for threshold in Threshold::ALL {
        let (key, doc) = (threshold.key(), threshold.doc());
        let value = defaults
            .get(key)
            .expect("every documented threshold is a field");
        let _ = writeln!(out, "# {doc}\n{key} = {value}");
    }
    out.push_str(
        r#"

# Suppliers, purl namespaces or regions that need attention (CON-06). The tool
# ships none. `severity` is optional (default: the rule's, medium).
# [[listed]]
# supplier = "Example Corp"
# namespace = "org.example"
# severity = "high"
# reason = "why this supplier needs attention"

# Per-rule settings: severity (critical, high, medium, low, info), enabled
# (false switches the rule off), scope (all, direct, transitive, none).
# Findings on components whose directness is unknown are kept in a `direct`
# or `transitive` scope and say so.
# [rules.UNM-05]
# severity = "info"
# scope = "direct"
# enabled = true

# Registry endpoints by ecosystem, for resolution.
# [registries]
# npm = "https://registry.example/npm/"

# Accepted findings. They stay in the report, marked with the reason. `rule`
# is a rule id or "*"; `package` a purl without version, a prefix ending in
# "*" (pkg:cargo/*), or "*"; `versions` a range (semver for cargo and npm,
# PEP 440 for pypi, exact versions otherwise). After `expires` the exception
# no longer applies and is reported as expired.
# [[exception]]
# rule = "UNM-01"
# package = "pkg:cargo/example"
# versions = "<2"
# reason = "only used at build time; replacement planned"
# owner = "team@example.com"
# expires = 2027-06-30
"#,
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_policy_parses_to_the_defaults() {
        let text = default_policy_text();
        let parsed = super::super::parse(&text, "chainrisk.toml").unwrap();
        assert_eq!(parsed, super::super::Policy::default());
    }

    #[test]
    fn commented_examples_parse_when_uncommented() {
        // Every commented example is valid policy text once uncommented.
        let text: String = default_policy_text()
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest) if looks_like_toml(rest) => rest,
                _ => l,
            })
            .map(|l| format!("{l}\n"))
            .collect();
        let p = super::super::parse(&text, "x.toml").unwrap();
        assert_eq!(p.exceptions.len(), 1);
        assert_eq!(p.thresholds.lists.listed.len(), 1);
        assert!(p.thresholds.lists.allowed_registries.is_some());
    }

    fn looks_like_toml(line: &str) -> bool {
        line.starts_with('[')
            || line
                .split_once(" = ")
                .is_some_and(|(k, _)| !k.contains(' '))
    }
}
