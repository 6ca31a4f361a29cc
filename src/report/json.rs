//! The JSON report: the assessment as it is, serialised straight into the
//! writer (no intermediate tree or string). Compact by default; pretty for
//! people (`--pretty`). The content is the same either way.

use std::io::Write;

use super::Assessment;
use super::windows::write_in_windows;

/// Pretty-printed, as people read it.
pub fn write(a: &Assessment, out: &mut dyn Write) -> std::io::Result<()> {
    write_as(a, out, true)
}

/// Compact (`pretty: false`: one line, the default of `scan --format json`)
/// or pretty-printed. Give a buffered writer: serde writes small pieces.
pub fn write_as(a: &Assessment, out: &mut dyn Write, pretty: bool) -> std::io::Result<()> {
    if pretty {
        return write_value(out, a, true);
    }
    write_compact(a, out)?;
    out.write_all(b"\n")
}

/// Any of the JSON reports (this one, SARIF, CycloneDX) as one compact
/// line, or indented for people (`--pretty`), and a line feed.
pub fn write_value(
    out: &mut dyn Write,
    value: &impl serde::Serialize,
    pretty: bool,
) -> std::io::Result<()> {
    if pretty {
        serde_json::to_writer_pretty(&mut *out, value)?;
    } else {
        serde_json::to_writer(&mut *out, value)?;
    }
    out.write_all(b"\n")
}

/// The compact form, byte for byte what the derived `Serialize` writes (a
/// test holds them equal), with the long lists — components, dependencies
/// and findings — serialised in parallel windows: on a 100,000-component
/// report that was a quarter of the scan, on one core.
fn write_compact(a: &Assessment, out: &mut dyn Write) -> std::io::Result<()> {
    // Destructured without `..`: a new field fails to compile here until it is written.
    let Assessment {
        schema,
        tool,
        generated_at,
        subject,
        inputs,
        components,
        dependencies,
        findings,
        not_evaluated,
        summary,
        resolution,
        policy,
        baseline,
        advisories,
        lifecycle,
        invocation,
    } = a;
    let field = |out: &mut dyn Write, first: bool, name: &str| -> std::io::Result<()> {
        out.write_all(if first { b"{\"" } else { b",\"" })?;
        out.write_all(name.as_bytes())?;
        out.write_all(b"\":")
    };
    field(out, true, "schema")?;
    serde_json::to_writer(&mut *out, schema)?;
    field(out, false, "tool")?;
    serde_json::to_writer(&mut *out, tool)?;
    field(out, false, "generated_at")?;
    serde_json::to_writer(&mut *out, generated_at)?;
    field(out, false, "subject")?;
    serde_json::to_writer(&mut *out, subject)?;
    field(out, false, "inputs")?;
    serde_json::to_writer(&mut *out, inputs)?;
    field(out, false, "components")?;
    parallel_list(components, out)?;
    field(out, false, "dependencies")?;
    parallel_list(dependencies, out)?;
    field(out, false, "findings")?;
    parallel_list(findings, out)?;
    field(out, false, "not_evaluated")?;
    serde_json::to_writer(&mut *out, not_evaluated)?;
    field(out, false, "summary")?;
    serde_json::to_writer(&mut *out, summary)?;
    if let Some(r) = resolution {
        field(out, false, "resolution")?;
        serde_json::to_writer(&mut *out, r)?;
    }
    if let Some(p) = policy {
        field(out, false, "policy")?;
        serde_json::to_writer(&mut *out, p)?;
    }
    if let Some(b) = baseline {
        field(out, false, "baseline")?;
        serde_json::to_writer(&mut *out, b)?;
    }
    if !advisories.is_empty() {
        field(out, false, "advisories")?;
        serde_json::to_writer(&mut *out, advisories)?;
    }
    if !lifecycle.is_empty() {
        field(out, false, "lifecycle")?;
        serde_json::to_writer(&mut *out, lifecycle)?;
    }
    if let Some(i) = invocation {
        field(out, false, "invocation")?;
        serde_json::to_writer(&mut *out, i)?;
    }
    out.write_all(b"}")
}

/// A JSON array of `items`, each window serialised in parallel, written in order.
fn parallel_list<T: serde::Serialize + Sync>(
    items: &[T],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    out.write_all(b"[")?;
    write_in_windows(items, out, b",", |part, buf| {
        for (i, item) in part.iter().enumerate() {
            if i > 0 {
                buf.push(b',');
            }
            serde_json::to_writer(&mut *buf, item)?;
        }
        Ok(())
    })?;
    out.write_all(b"]")
}

/// Reads a report back (for `diff` and baselines), checking its schema id.
pub fn read(bytes: &[u8]) -> Result<Assessment, String> {
    let a: Assessment = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    if a.schema != super::SCHEMA {
        return Err(format!("schema {:?} is not {:?}", a.schema, super::SCHEMA));
    }
    Ok(a)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Component, Finding, Inventory};
    use crate::report::windows::WINDOW;

    /// The hand-ordered compact writer against the derived `Serialize`, with
    /// every optional block present and lists longer than one window.
    #[test]
    fn the_compact_writer_writes_what_serde_derives() {
        let mut inv = Inventory::default();
        for i in 0..(WINDOW * 2 + 3) {
            let mut c = Component::named(format!("pkg-{i}"));
            c.id = i;
            c.version = Some("1.0.0".into());
            inv.components.push(c);
        }
        let eval = crate::rules::evaluate(
            &inv,
            &crate::rules::Thresholds::default(),
            jiff::Timestamp::from_second(1_764_000_000).unwrap(),
            None,
        );
        let mut a = Assessment::new(inv, eval, "2026-12-04T00:00:00Z".into());
        assert!(a.findings.len() > WINDOW, "{} findings", a.findings.len());
        let mut with_blocks = a.clone();
        with_blocks.resolution = Some(Default::default());
        with_blocks.policy = Some(Default::default());
        with_blocks.baseline = Some(Default::default());
        with_blocks.advisories = vec![Default::default()];
        with_blocks.lifecycle = vec![Default::default()];
        with_blocks.invocation = Some(Default::default());
        a.findings.truncate(1);
        let f: &Finding = &a.findings[0];
        assert!(!f.rule.is_empty());
        for a in [a, with_blocks] {
            let mut ours = Vec::new();
            write_as(&a, &mut ours, false).unwrap();
            let mut derived = serde_json::to_vec(&a).unwrap();
            derived.push(b'\n');
            assert!(ours == derived, "the compact report differs from serde's");
        }
    }
}
