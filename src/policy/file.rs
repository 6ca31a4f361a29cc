//! Reading `chainrisk.toml`: the file's shape as serde structs with spans, so
//! every error names `file:line:column`, then the checks serde cannot make
//! (known rule ids, package patterns, version ranges, ranges of thresholds).

use serde::{Deserialize, Deserializer};
use std::collections::BTreeMap;
use std::ops::Range;
use toml::Spanned;

use super::exceptions::{Exception, PackagePattern, VersionRange};
use super::{Policy, RuleScope, RuleSettings};
use crate::model::Severity;
use crate::model::{InputError, Position};
use crate::rules::config::{Listed, Lists};
use crate::rules::{Thresholds, catalogue};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPolicy {
    #[serde(default)]
    thresholds: Thresholds,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, RawRule>,
    allowed_registries: Option<Vec<String>>,
    #[serde(default)]
    allowed_suppliers: Vec<String>,
    #[serde(default)]
    listed: Vec<Spanned<RawListed>>,
    #[serde(default)]
    registries: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    exception: Vec<Spanned<RawException>>,
    cache: Option<RawCache>,
}

/// `[cache]`: where registry facts are kept (a file or a postgres:// URL).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCache {
    location: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    enabled: Option<bool>,
    severity: Option<Severity>,
    scope: Option<RuleScope>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawListed {
    supplier: Option<String>,
    namespace: Option<String>,
    region: Option<String>,
    severity: Option<Severity>,
    reason: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawException {
    rule: Spanned<String>,
    package: Spanned<String>,
    versions: Option<Spanned<String>>,
    reason: Spanned<String>,
    owner: Option<String>,
    expires: Option<PolicyDate>,
}

/// `expires`: a TOML date (`2027-01-31`) or a string holding one.
struct PolicyDate(jiff::civil::Date);

impl<'de> Deserialize<'de> for PolicyDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<PolicyDate, D::Error> {
        use serde::de::Error;
        let text = match toml::Value::deserialize(d)? {
            toml::Value::String(s) => s,
            toml::Value::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => dt.to_string(),
            other => {
                return Err(D::Error::custom(format!(
                    "expected a date YYYY-MM-DD, found {}",
                    describe(&other)
                )));
            }
        };
        let bad = || D::Error::custom(format!("{text:?} is not a date: expected YYYY-MM-DD"));
        let well_formed = text.len() == 10
            && text.bytes().enumerate().all(|(i, b)| {
                if i == 4 || i == 7 {
                    b == b'-'
                } else {
                    b.is_ascii_digit()
                }
            });
        if !well_formed {
            return Err(bad());
        }
        text.parse::<jiff::civil::Date>()
            .map(PolicyDate)
            .map_err(|_| bad())
    }
}

fn describe(v: &toml::Value) -> String {
    match v {
        toml::Value::Datetime(dt) => format!("date-time {dt}"),
        other => format!("{} {other}", other.type_str()),
    }
}

/// Lines of many spans at once: the offsets where lines start, searched by
/// bisection (one scan of the text however many exceptions there are).
struct LineIndex(Vec<usize>);

impl LineIndex {
    fn new(text: &str) -> LineIndex {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex(starts)
    }

    /// 1-based line of a byte offset.
    fn line(&self, offset: usize) -> usize {
        self.0.partition_point(|&start| start <= offset)
    }
}

pub(super) fn parse(text: &str, file: &str) -> Result<Policy, InputError> {
    let src = Source { text, file };
    let raw: RawPolicy = toml::from_str(text).map_err(|e| {
        InputError::in_file(
            file,
            e.span()
                .map(|s| Position::at_offset(text.as_bytes(), s.start)),
            explain_serde(e.message()),
        )
    })?;

    let mut thresholds = raw.thresholds;
    if let Some((key, expected)) = thresholds.out_of_range().first() {
        let span = key_span(text, &["thresholds", key]).unwrap_or(0..0);
        return Err(src.at(span, format!("thresholds.{key}: expected {expected}")));
    }
    let rules = read_rules(&src, raw.rules)?;
    thresholds.lists = Lists {
        allowed_registries: raw.allowed_registries,
        allowed_suppliers: raw.allowed_suppliers,
        listed: read_listed(&src, raw.listed)?,
    };
    let registries = read_registries(&src, raw.registries)?;
    let exceptions = read_exceptions(&src, raw.exception)?;
    let cache = read_cache(&src, raw.cache)?;
    Ok(Policy {
        thresholds,
        rules,
        registries,
        exceptions,
        cache,
    })
}

/// The policy file's text and name, for errors that point into it.
struct Source<'a> {
    text: &'a str,
    file: &'a str,
}

impl Source<'_> {
    /// An error at the start of `span`.
    fn at(&self, span: Range<usize>, message: String) -> InputError {
        InputError::in_file(
            self.file,
            Some(Position::at_offset(self.text.as_bytes(), span.start)),
            message,
        )
    }
}

/// `[rules]`: settings by canonical rule id; an unknown or repeated id is
/// an error.
fn read_rules(
    src: &Source,
    raw: BTreeMap<Spanned<String>, RawRule>,
) -> Result<BTreeMap<String, RuleSettings>, InputError> {
    let mut rules = BTreeMap::new();
    for (id, r) in raw {
        let Some(info) = catalogue::find(id.get_ref()) else {
            return Err(src.at(
                id.span(),
                format!(
                    "unknown rule {:?} in [rules]; rule ids are {}",
                    id.get_ref(),
                    all_rule_ids()
                ),
            ));
        };
        let settings = RuleSettings {
            enabled: r.enabled.unwrap_or(true),
            severity: r.severity,
            scope: r.scope.unwrap_or_default(),
        };
        if rules.insert(info.id.to_string(), settings).is_some() {
            return Err(src.at(
                id.span(),
                format!(
                    "[rules.{}] repeats the settings of rule {} (ids ignore case)",
                    id.get_ref(),
                    info.id
                ),
            ));
        }
    }
    Ok(rules)
}

/// `[[listed]]` entries, trimmed; each must name a supplier, namespace or
/// region.
fn read_listed(src: &Source, raw: Vec<Spanned<RawListed>>) -> Result<Vec<Listed>, InputError> {
    let mut listed = Vec::new();
    for entry in raw {
        let span = entry.span();
        let e = entry.into_inner();
        let clean = |s: Option<String>| s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        let item = Listed {
            supplier: clean(e.supplier),
            namespace: clean(e.namespace),
            region: clean(e.region),
            severity: e.severity,
            reason: clean(e.reason),
        };
        if item.supplier.is_none() && item.namespace.is_none() && item.region.is_none() {
            return Err(src.at(
                span,
                "a [[listed]] entry needs at least one of supplier, namespace, region".into(),
            ));
        }
        listed.push(item);
    }
    Ok(listed)
}

/// `[registries]`: a URL by ecosystem.
fn read_registries(
    src: &Source,
    raw: BTreeMap<String, Spanned<String>>,
) -> Result<BTreeMap<String, String>, InputError> {
    let mut registries = BTreeMap::new();
    for (ecosystem, url) in raw {
        if url::Url::parse(url.get_ref()).is_err() {
            return Err(src.at(
                url.span(),
                format!(
                    "registries.{ecosystem}: {:?} is not a URL (expected like \"https://registry.example/\")",
                    url.get_ref()
                ),
            ));
        }
        registries.insert(ecosystem, url.into_inner());
    }
    Ok(registries)
}

/// `[[exception]]` entries, in file order, each located at its header line.
fn read_exceptions(
    src: &Source,
    raw: Vec<Spanned<RawException>>,
) -> Result<Vec<Exception>, InputError> {
    let lines = LineIndex::new(src.text);
    let mut exceptions = Vec::new();
    for (index, entry) in raw.into_iter().enumerate() {
        // The span of an `[[exception]]` entry starts at its header.
        let line = lines.line(entry.span().start);
        let location = format!("{}:{line}", src.file);
        exceptions.push(read_exception(src, index, location, entry.into_inner())?);
    }
    Ok(exceptions)
}

/// One exception: a known rule id or `*`, a package pattern, a version
/// range of that pattern's ecosystem, and a reason that says something.
fn read_exception(
    src: &Source,
    index: usize,
    location: String,
    e: RawException,
) -> Result<Exception, InputError> {
    let rule = if e.rule.get_ref() == "*" {
        "*".to_string()
    } else {
        match catalogue::find(e.rule.get_ref()) {
            Some(info) => info.id.to_string(),
            None => {
                return Err(src.at(
                    e.rule.span(),
                    format!(
                        "exception rule {:?} is not a rule id or `*`; rule ids are {}",
                        e.rule.get_ref(),
                        all_rule_ids()
                    ),
                ));
            }
        }
    };
    let pattern = PackagePattern::parse(e.package.get_ref())
        .map_err(|m| src.at(e.package.span(), m.message))?;
    let versions = match &e.versions {
        None => None,
        Some(v) => {
            let Some(ty) = pattern.purl_type() else {
                return Err(src.at(
                    v.span(),
                    "versions needs a package pattern of one ecosystem (`pkg:TYPE/...`), not `*`"
                        .into(),
                ));
            };
            let range =
                VersionRange::parse(v.get_ref(), ty).map_err(|m| src.at(v.span(), m.message))?;
            Some((v.get_ref().clone(), range))
        }
    };
    if e.reason.get_ref().trim().is_empty() {
        return Err(src.at(
            e.reason.span(),
            "exception reason is empty: say why the finding is acceptable".into(),
        ));
    }
    Ok(Exception {
        index,
        rule,
        package: e.package.get_ref().trim().to_string(),
        pattern,
        versions,
        reason: e.reason.into_inner().trim().to_string(),
        owner: e
            .owner
            .map(|o| o.trim().to_string())
            .filter(|o| !o.is_empty()),
        expires: e.expires.map(|d| d.0),
        location,
    })
}

/// `[cache] location`, trimmed; an empty one is an error.
fn read_cache(src: &Source, raw: Option<RawCache>) -> Result<Option<String>, InputError> {
    match raw.and_then(|c| c.location) {
        Some(l) if l.get_ref().trim().is_empty() => Err(src.at(
            l.span(),
            "cache.location is empty (expected a file path or \"postgres://USER@HOST:PORT/DB\")"
                .into(),
        )),
        Some(l) => Ok(Some(l.into_inner().trim().to_string())),
        None => Ok(None),
    }
}

fn all_rule_ids() -> String {
    catalogue::RULES
        .iter()
        .map(|r| r.id)
        .collect::<Vec<_>>()
        .join(", ")
}

/// serde's messages name Rust types; say what a policy writer would.
fn explain_serde(message: &str) -> String {
    message
        .replace("expected f64", "expected a number")
        .replace("expected u32", "expected a whole number")
        .replace("expected usize", "expected a whole number")
        .replace("a sequence", "an array")
        .replace("expected a boolean", "expected true or false")
        .trim_end()
        .to_string()
}

/// Where a dotted key's value is, for errors found after deserialising.
fn key_span(text: &str, path: &[&str]) -> Option<Range<usize>> {
    let doc = toml::de::DeTable::parse(text).ok()?;
    let mut table = doc.get_ref();
    let (last, parents) = path.split_last()?;
    for p in parents {
        table = table.get(*p)?.get_ref().as_table()?;
    }
    table.get(*last).map(|v| v.span())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> InputError {
        parse(text, "p.toml").expect_err("the policy is rejected")
    }

    #[test]
    fn empty_policy_is_the_defaults() {
        assert_eq!(parse("", "p.toml").unwrap(), Policy::default());
    }

    #[test]
    fn every_key_is_read() {
        let text = r#"
allowed_registries = ["https://registry.example/cargo"]
allowed_suppliers = ["Acme Corp"]

[thresholds]
max_supplier_share = 0.5
min_components_for_concentration = 3
max_release_age_months = 12
max_major_lag = 3
max_version_age_months = 48
min_release_age_days = 14
fan_in_percent = 20.0
max_snapshot_age_days = 10
max_advisory_db_age_days = 2

[rules.UNM-05]
severity = "info"
scope = "direct"

[rules.del-03]
enabled = false

[[listed]]
supplier = "Shady Ltd"
severity = "high"
reason = "procurement review"

[[listed]]
namespace = "org.shady"

[registries]
npm = "https://registry.example/npm/"

[[exception]]
rule = "DEL-01"
package = "pkg:npm/left-pad"
versions = ">=1.0, <2"
reason = "vendored and reviewed"
owner = "alice"
expires = 2099-12-31

[[exception]]
rule = "*"
package = "pkg:cargo/*"
reason = "internal crates"
expires = "2099-01-01"
"#;
        let p = parse(text, "p.toml").unwrap();
        let t = &p.thresholds;
        assert_eq!(t.max_supplier_share, 0.5);
        assert_eq!(t.min_components_for_concentration, 3);
        assert_eq!(t.max_release_age_months, 12);
        assert_eq!(t.max_major_lag, 3);
        assert_eq!(t.max_version_age_months, 48);
        assert_eq!(t.min_release_age_days, 14);
        assert_eq!(t.fan_in_percent, 20.0);
        assert_eq!(t.max_snapshot_age_days, 10);
        assert_eq!(t.max_advisory_db_age_days, 2);
        assert_eq!(
            t.lists.allowed_registries.as_deref(),
            Some(&["https://registry.example/cargo".to_string()][..])
        );
        assert_eq!(t.lists.allowed_suppliers, vec!["Acme Corp"]);
        assert_eq!(t.lists.listed.len(), 2);
        assert_eq!(t.lists.listed[0].severity, Some(Severity::High));
        assert_eq!(t.lists.listed[1].namespace.as_deref(), Some("org.shady"));
        assert_eq!(
            p.rule("UNM-05"),
            RuleSettings {
                enabled: true,
                severity: Some(Severity::Info),
                scope: RuleScope::Direct
            }
        );
        assert!(!p.rule("DEL-03").enabled, "ids are matched ignoring case");
        assert_eq!(p.registries["npm"], "https://registry.example/npm/");
        let e = &p.exceptions[0];
        assert_eq!(e.location, "p.toml:34");
        assert_eq!(e.owner.as_deref(), Some("alice"));
        assert_eq!(e.expires, Some(jiff::civil::date(2099, 12, 31)));
        assert!(e.versions.as_ref().unwrap().1.contains("1.5.0"));
        assert_eq!(p.exceptions[1].rule, "*");
        assert_eq!(p.exceptions[1].expires, Some(jiff::civil::date(2099, 1, 1)));
        assert_eq!(p.exceptions[1].location, "p.toml:42");
    }

    #[test]
    fn unknown_key_is_named_with_its_line_and_the_valid_keys() {
        let e = err("[thresholds]\nmax_supplier_share = 0.3\nmax_suplier_share = 0.4\n");
        assert_eq!(e.line(), Some(3), "{e}");
        assert!(e.message.contains("max_suplier_share"), "{e}");
        assert!(e.message.contains("max_release_age_months"), "{e}");
        let e = err("colour = true\n");
        assert!(
            e.message.contains("colour") && e.message.contains("allowed_registries"),
            "{e}"
        );
        let e = err(
            "[[exception]]\nrule = \"*\"\npackage = \"*\"\nreason = \"x\"\nexpiry = 2027-01-01\n",
        );
        assert_eq!(e.line(), Some(5), "{e}");
        assert!(e.message.contains("expires"), "{e}");
    }

    #[test]
    fn wrong_types_and_values_say_what_was_expected() {
        let e = err("[thresholds]\nmax_major_lag = \"two\"\n");
        assert_eq!(e.position, Some(Position::line_col(2, 17)), "{e}");
        assert!(e.message.contains("whole number"), "{e}");
        let e = err("[rules.UNM-05]\nseverity = \"urgent\"\n");
        assert_eq!(e.line(), Some(2), "{e}");
        assert!(e.message.contains("critical"), "{e}");
        let e = err("[rules.UNM-05]\nscope = \"some\"\n");
        assert!(e.message.contains("transitive"), "{e}");
        let e = err("[rules.XYZ-01]\nenabled = false\n");
        assert_eq!(e.line(), Some(1), "{e}");
        assert!(
            e.message.contains("XYZ-01") && e.message.contains("UNM-01"),
            "{e}"
        );
        let e = err("[rules.UNM-05]\nenabled = false\n[rules.unm-05]\nenabled = true\n");
        assert_eq!(e.line(), Some(3), "{e}");
        assert!(e.message.contains("repeats"), "{e}");
        let e = err("[thresholds]\nmax_supplier_share = 30\n");
        assert_eq!(e.line(), Some(2), "{e}");
        assert!(e.message.contains("at most 1"), "{e}");
        let e = err("[registries]\nnpm = \"not a url\"\n");
        assert_eq!(e.line(), Some(2), "{e}");
        let e = err("[[listed]]\nreason = \"x\"\n");
        assert!(e.message.contains("supplier, namespace, region"), "{e}");
    }

    #[test]
    fn bad_exceptions_are_rejected_where_they_are() {
        let base = "[[exception]]\nrule = \"DEL-01\"\npackage = \"pkg:npm/a\"\n";
        let e = err(&format!("{base}reason = \"x\"\nexpires = \"2027-02-30\"\n"));
        assert_eq!(e.line(), Some(5), "{e}");
        assert!(e.message.contains("YYYY-MM-DD"), "{e}");
        let e = err(&format!("{base}reason = \"x\"\nexpires = \"31/12/2027\"\n"));
        assert!(e.message.contains("not a date"), "{e}");
        let e = err(&format!(
            "{base}reason = \"x\"\nexpires = 2027-01-01T10:00:00Z\n"
        ));
        assert!(e.message.contains("expected a date"), "{e}");
        let e = err(&format!("{base}reason = \"  \"\n"));
        assert_eq!(e.line(), Some(4), "{e}");
        assert!(e.message.contains("reason is empty"), "{e}");
        let e = err(base);
        assert!(e.message.contains("reason"), "{e}");
        let e = err(&format!("{base}reason = \"x\"\nversions = \"~~1\"\n"));
        assert_eq!(e.line(), Some(5), "{e}");
        assert!(e.message.contains("semver"), "{e}");
        let e = err("[[exception]]\nrule = \"DEL-99\"\npackage = \"*\"\nreason = \"x\"\n");
        assert_eq!(e.line(), Some(2), "{e}");
        let e = err("[[exception]]\nrule = \"*\"\npackage = \"left-pad\"\nreason = \"x\"\n");
        assert_eq!(e.position, Some(Position::line_col(3, 11)), "{e}");
        let e =
            err("[[exception]]\nrule = \"*\"\npackage = \"*\"\nversions = \"1\"\nreason = \"x\"\n");
        assert!(e.message.contains("one ecosystem"), "{e}");
    }

    #[test]
    fn syntax_errors_have_positions() {
        let e = err("[thresholds\n");
        assert_eq!(e.line(), Some(1), "{e}");
        assert!(e.to_string().starts_with("p.toml:1:"), "{e}");
    }
}
