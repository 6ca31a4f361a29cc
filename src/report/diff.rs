//! What changed between two chainrisk JSON reports of a product: components
//! added, removed and changed, findings new, resolved and unchanged.
//!
//! Components are matched by their versionless key (the purl without version,
//! else ecosystem and name); a matched pair is *changed* when the version,
//! hashes, supplier or licences differ. Findings are matched by fingerprint,
//! which leaves versions out, so an upgrade that keeps a problem keeps its
//! finding "unchanged".
//!
//! JSON shape (`chainrisk.diff/v1`):
//! ```text
//! { "schema": "chainrisk.diff/v1",
//!   "old": Side, "new": Side,
//!   "components": { "added": [Comp], "removed": [Comp], "changed": [Change] },
//!   "findings": { "new": [Find], "resolved": [Find], "unchanged": [Find] } }
//! Side   = { "file", "subject", "subject_version"?, "generated_at", "components": n, "findings": n }
//! Comp   = { "key", "name", "version"?, "purl"? }
//! Change = { "key", "name", "old_version"?, "new_version"?, "old_purl"?, "new_purl"?,
//!            "changes": ["version" | "hashes" | "supplier" | "licenses", …] }
//! Find   = { "rule", "severity", "category", "component"?, "version"?, "message", "fingerprint" }
//! ```
//! Lists are sorted (components by key, findings by severity then rule) so
//! the output is stable. The reports compared are inputs like any other: the
//! table and the Markdown show their text through [`escape`].

use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use super::Assessment;
use crate::model::untrusted::escape;
use crate::model::{Component, Finding};

pub const DIFF_SCHEMA: &str = "chainrisk.diff/v1";

#[derive(Debug, Serialize)]
pub struct Diff {
    pub schema: &'static str,
    pub old: Side,
    pub new: Side,
    pub components: ComponentChanges,
    pub findings: FindingChanges,
}

#[derive(Debug, Serialize)]
pub struct Side {
    pub file: String,
    pub subject: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject_version: Option<String>,
    pub generated_at: String,
    pub components: usize,
    pub findings: usize,
}

#[derive(Debug, Default, Serialize)]
pub struct ComponentChanges {
    pub added: Vec<ComponentRef>,
    pub removed: Vec<ComponentRef>,
    pub changed: Vec<ComponentChange>,
}

#[derive(Debug, Serialize)]
pub struct ComponentRef {
    pub key: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct ComponentChange {
    pub key: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_version: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_purl: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_purl: Option<String>,
    pub changes: Vec<&'static str>,
}

#[derive(Debug, Default, Serialize)]
pub struct FindingChanges {
    pub new: Vec<FindingRef>,
    pub resolved: Vec<FindingRef>,
    pub unchanged: Vec<FindingRef>,
}

#[derive(Debug, Serialize)]
pub struct FindingRef {
    pub rule: String,
    pub severity: crate::model::Severity,
    pub category: crate::model::Category,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    pub message: String,
    pub fingerprint: String,
}

/// Reads a chainrisk JSON report, or says which file is not one and where.
pub fn read_report(path: &Path) -> Result<Assessment, String> {
    let shown = path.display();
    let bytes = crate::model::document_read::read_document(path)
        .map_err(|e| format!("cannot read {shown}: {e}"))?;
    parse_report(&bytes, &shown.to_string())
}

/// Parses a chainrisk JSON report's bytes; `shown` names the file in errors.
pub fn parse_report(bytes: &[u8], shown: &str) -> Result<Assessment, String> {
    let bytes = crate::model::text::strip_utf8_bom(bytes);
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    let parsed: Result<Assessment, _> = serde_path_to_error::deserialize(de);
    let a = match parsed {
        Ok(a) => a,
        Err(e) => {
            let inner = e.inner();
            let position = format!(" at line {} column {}", inner.line(), inner.column());
            let what = inner.to_string();
            let what = what.strip_suffix(&position).unwrap_or(&what);
            // Valid JSON of another kind (an SBOM, another tool's report): say so first.
            let kind = match serde_json::from_slice::<serde_json::Value>(bytes) {
                Ok(v) => match v.get("schema").and_then(|s| s.as_str()) {
                    Some(s) if s == super::SCHEMA => String::new(),
                    Some(s) => format!("its \"schema\" is {s:?}; "),
                    None => "it has no \"schema\" field; ".to_string(),
                },
                Err(_) => String::new(),
            };
            let at = e.path().to_string();
            let field = if at == "." || at.is_empty() {
                String::new()
            } else {
                format!(" (at {at})")
            };
            return Err(format!(
                "{shown} is not a chainrisk report ({}): {kind}line {} column {}{field}: {what}",
                super::SCHEMA,
                inner.line(),
                inner.column()
            ));
        }
    };
    if a.schema != super::SCHEMA {
        return Err(format!(
            "{shown} is not a chainrisk report: its \"schema\" is {:?}, expected {:?}",
            a.schema,
            super::SCHEMA
        ));
    }
    Ok(a)
}

pub fn diff(old: &Assessment, old_file: &str, new: &Assessment, new_file: &str) -> Diff {
    Diff {
        schema: DIFF_SCHEMA,
        old: side(old, old_file),
        new: side(new, new_file),
        components: components(old, new),
        findings: findings(old, new),
    }
}

fn side(a: &Assessment, file: &str) -> Side {
    Side {
        file: file.to_string(),
        subject: a.subject.name.clone(),
        subject_version: a.subject.version.clone(),
        generated_at: a.generated_at.clone(),
        components: a.components.len(),
        findings: a.findings.len(),
    }
}

fn by_key(a: &Assessment) -> BTreeMap<String, Vec<&Component>> {
    let mut m: BTreeMap<String, Vec<&Component>> = BTreeMap::new();
    for c in &a.components {
        m.entry(c.versionless_key()).or_default().push(c);
    }
    for list in m.values_mut() {
        list.sort_by(|x, y| x.version.cmp(&y.version));
    }
    m
}

fn component_ref(key: &str, c: &Component) -> ComponentRef {
    ComponentRef {
        key: key.to_string(),
        name: c.display_name_without_version(),
        version: c.version.clone(),
        purl: c.purl.clone(),
    }
}

/// What differs between two records of the same package.
fn changes(o: &Component, n: &Component) -> Vec<&'static str> {
    let mut out = Vec::new();
    if o.version != n.version {
        out.push("version");
    }
    let set = |c: &Component| {
        let mut v: Vec<(String, String)> = c
            .hashes
            .iter()
            .map(|h| (h.alg.as_str().to_string(), h.value.clone()))
            .collect();
        v.sort();
        v
    };
    if set(o) != set(n) {
        out.push("hashes");
    }
    if o.supplier != n.supplier {
        out.push("supplier");
    }
    let lic = |c: &Component| {
        let mut v: Vec<String> = c.licenses.iter().map(|l| l.raw.clone()).collect();
        v.sort();
        v
    };
    if lic(o) != lic(n) {
        out.push("licenses");
    }
    out
}

fn components(old: &Assessment, new: &Assessment) -> ComponentChanges {
    let old_keys = by_key(old);
    let new_keys = by_key(new);
    let mut out = ComponentChanges::default();
    let empty = Vec::new();
    let keys: std::collections::BTreeSet<&String> =
        old_keys.keys().chain(new_keys.keys()).collect();
    for key in keys {
        let mut olds: Vec<&Component> = old_keys.get(key).unwrap_or(&empty).clone();
        let mut news: Vec<&Component> = new_keys.get(key).unwrap_or(&empty).clone();
        // Same version on both sides first: those can only differ in detail.
        let mut pairs = Vec::new();
        olds.retain(|o| match news.iter().position(|n| n.version == o.version) {
            Some(i) => {
                pairs.push((*o, news.remove(i)));
                false
            }
            None => true,
        });
        // Then versions paired in order: an upgrade or a downgrade.
        while !olds.is_empty() && !news.is_empty() {
            pairs.push((olds.remove(0), news.remove(0)));
        }
        for (o, n) in pairs {
            let what = changes(o, n);
            if !what.is_empty() {
                out.changed.push(ComponentChange {
                    key: key.clone(),
                    name: n.display_name_without_version(),
                    old_version: o.version.clone(),
                    new_version: n.version.clone(),
                    old_purl: o.purl.clone(),
                    new_purl: n.purl.clone(),
                    changes: what,
                });
            }
        }
        out.removed
            .extend(olds.iter().map(|c| component_ref(key, c)));
        out.added.extend(news.iter().map(|c| component_ref(key, c)));
    }
    out
}

fn finding_ref(a: &Assessment, f: &Finding) -> FindingRef {
    let c = f.component.and_then(|id| a.components.get(id));
    FindingRef {
        rule: f.rule.clone(),
        severity: f.severity,
        category: f.category,
        component: c.map(|c| c.display_name_without_version()),
        version: c.and_then(|c| c.version.clone()),
        message: f.message.clone(),
        fingerprint: f.fingerprint.clone(),
    }
}

fn findings(old: &Assessment, new: &Assessment) -> FindingChanges {
    let old_fps: HashSet<&str> = old
        .findings
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    let new_fps: HashSet<&str> = new
        .findings
        .iter()
        .map(|f| f.fingerprint.as_str())
        .collect();
    let mut out = FindingChanges::default();
    let mut seen = HashSet::new();
    for f in &new.findings {
        if !seen.insert(f.fingerprint.as_str()) {
            continue;
        }
        let r = finding_ref(new, f);
        if old_fps.contains(f.fingerprint.as_str()) {
            out.unchanged.push(r);
        } else {
            out.new.push(r);
        }
    }
    let mut seen = HashSet::new();
    for f in &old.findings {
        if !new_fps.contains(f.fingerprint.as_str()) && seen.insert(f.fingerprint.as_str()) {
            out.resolved.push(finding_ref(old, f));
        }
    }
    for list in [&mut out.new, &mut out.resolved, &mut out.unchanged] {
        list.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.rule.cmp(&b.rule))
                .then_with(|| a.component.cmp(&b.component))
        });
    }
    out
}

pub fn to_json(d: &Diff) -> String {
    let mut s = serde_json::to_string_pretty(d).unwrap_or_default();
    s.push('\n');
    s
}

fn version(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("(none)")
}

fn finding_line(f: &FindingRef) -> String {
    let what = match (&f.component, &f.version) {
        (Some(c), Some(v)) => format!("{c}@{v}"),
        (Some(c), None) => c.clone(),
        (None, _) => "(product)".to_string(),
    };
    format!(
        "{:<8} {:<7} {}: {}",
        f.severity.as_str(),
        escape(&f.rule),
        escape(&what),
        escape(&f.message)
    )
}

/// A concise summary for the terminal.
pub fn to_table(d: &Diff) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "{} → {}  ({} → {} components, {} → {} findings)",
        escape(&d.old.file),
        escape(&d.new.file),
        d.old.components,
        d.new.components,
        d.old.findings,
        d.new.findings
    );
    let c = &d.components;
    let _ = writeln!(
        s,
        "\ncomponents: {} added, {} removed, {} changed",
        c.added.len(),
        c.removed.len(),
        c.changed.len()
    );
    for a in &c.added {
        let _ = writeln!(s, "  + {} {}", escape(&a.name), escape(version(&a.version)));
    }
    for r in &c.removed {
        let _ = writeln!(s, "  - {} {}", escape(&r.name), escape(version(&r.version)));
    }
    for ch in &c.changed {
        let _ = writeln!(
            s,
            "  ~ {} {} → {} ({})",
            escape(&ch.name),
            escape(version(&ch.old_version)),
            escape(version(&ch.new_version)),
            ch.changes.join(", ")
        );
    }
    let f = &d.findings;
    let _ = writeln!(
        s,
        "\nfindings: {} new, {} resolved, {} unchanged",
        f.new.len(),
        f.resolved.len(),
        f.unchanged.len()
    );
    for x in &f.new {
        let _ = writeln!(s, "  + {}", finding_line(x));
    }
    for x in &f.resolved {
        let _ = writeln!(s, "  - {}", finding_line(x));
    }
    s
}

/// Markdown table cells: control and invisible formatting characters become
/// visible escapes (a line break would end the row); pipes would break the
/// table; `<` and backticks would turn into markup on forges.
fn md(s: &str) -> String {
    let s = escape(s);
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '|' => out.push_str("\\|"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '`' => out.push_str("\\`"),
            '*' | '_' | '[' | ']' => {
                out.push('\\');
                out.push(ch);
            }
            _ => out.push(ch),
        }
    }
    out
}

/// A pull-request comment: counts first, then one table per change kind.
pub fn to_markdown(d: &Diff) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "## chainrisk: changes in {}\n", md(&d.new.subject));
    let c = &d.components;
    let f = &d.findings;
    let _ = writeln!(
        s,
        "| | added / new | removed / resolved | changed / unchanged |"
    );
    let _ = writeln!(s, "|---|---:|---:|---:|");
    let _ = writeln!(
        s,
        "| components | {} | {} | {} |",
        c.added.len(),
        c.removed.len(),
        c.changed.len()
    );
    let _ = writeln!(
        s,
        "| findings | {} | {} | {} |\n",
        f.new.len(),
        f.resolved.len(),
        f.unchanged.len()
    );
    if !f.new.is_empty() || !f.resolved.is_empty() {
        let _ = writeln!(s, "### Findings\n");
        let _ = writeln!(s, "| | severity | rule | component | message |");
        let _ = writeln!(s, "|---|---|---|---|---|");
        for (mark, list) in [("new", &f.new), ("resolved", &f.resolved)] {
            for x in list.iter() {
                let comp = match (&x.component, &x.version) {
                    (Some(c), Some(v)) => format!("{c}@{v}"),
                    (Some(c), None) => c.clone(),
                    (None, _) => "(product)".into(),
                };
                let _ = writeln!(
                    s,
                    "| {mark} | {} | {} | {} | {} |",
                    x.severity.as_str(),
                    md(&x.rule),
                    md(&comp),
                    md(&x.message)
                );
            }
        }
        s.push('\n');
    }
    if !c.added.is_empty() || !c.removed.is_empty() || !c.changed.is_empty() {
        let _ = writeln!(s, "### Components\n");
        let _ = writeln!(
            s,
            "| | component | old version | new version | what changed |"
        );
        let _ = writeln!(s, "|---|---|---|---|---|");
        for a in &c.added {
            let _ = writeln!(
                s,
                "| added | {} | | {} | |",
                md(&a.name),
                md(version(&a.version))
            );
        }
        for r in &c.removed {
            let _ = writeln!(
                s,
                "| removed | {} | {} | | |",
                md(&r.name),
                md(version(&r.version))
            );
        }
        for ch in &c.changed {
            let _ = writeln!(
                s,
                "| changed | {} | {} | {} | {} |",
                md(&ch.name),
                md(version(&ch.old_version)),
                md(version(&ch.new_version)),
                ch.changes.join(", ")
            );
        }
        s.push('\n');
    }
    let _ = writeln!(
        s,
        "<sub>{} ({}) → {} ({})</sub>",
        md(&d.old.file),
        md(&d.old.generated_at),
        md(&d.new.file),
        md(&d.new.generated_at)
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Inventory, Scope};

    fn assessment(purls: &[&str]) -> Assessment {
        let mut inv = Inventory::default();
        for (i, p) in purls.iter().enumerate() {
            let mut c = Component::named("");
            c.set_purl(p).unwrap();
            c.id = i;
            c.scope = Scope::Required;
            inv.components.push(c);
        }
        Assessment::new(
            inv,
            crate::rules::Evaluation::default(),
            "2025-11-24T16:00:00Z".into(),
        )
    }

    #[test]
    fn two_versions_of_one_package_pair_up_by_version_first() {
        let old = assessment(&["pkg:npm/a@1.0.0", "pkg:npm/a@2.0.0", "pkg:npm/gone@1.0.0"]);
        let mut new = assessment(&["pkg:npm/a@2.0.0", "pkg:npm/a@3.0.0", "pkg:npm/fresh@0.1.0"]);
        new.components[0].supplier = Some("Someone else".into());
        let d = components(&old, &new);
        let changed: Vec<(Option<&str>, Option<&str>, &Vec<&str>)> = d
            .changed
            .iter()
            .map(|c| {
                (
                    c.old_version.as_deref(),
                    c.new_version.as_deref(),
                    &c.changes,
                )
            })
            .collect();
        assert_eq!(
            changed,
            [
                (Some("2.0.0"), Some("2.0.0"), &vec!["supplier"]),
                (Some("1.0.0"), Some("3.0.0"), &vec!["version"]),
            ]
        );
        assert_eq!(d.added.len(), 1);
        assert_eq!(d.added[0].name, "fresh");
        assert_eq!(d.removed.len(), 1);
        assert_eq!(d.removed[0].name, "gone");
    }

    #[test]
    fn markdown_cells_cannot_break_the_table() {
        assert_eq!(md("a|b\nc"), "a\\|b\\u{a}c");
        assert_eq!(md("<script>"), "&lt;script&gt;");
        assert_eq!(md("x\u{1b}[2J\u{202e}"), "x\\u{1b}\\[2J\\u{202e}");
    }
}
