//! The JSON report: the assessment as it is, serialised straight into the
//! writer (no intermediate tree or string). Compact by default; pretty for
//! people (`--pretty`). The content is the same either way.

use std::io::Write;

use super::Assessment;

/// Pretty-printed, as people read it.
pub fn write(a: &Assessment, out: &mut dyn Write) -> std::io::Result<()> {
    write_as(a, out, true)
}

/// Compact (`pretty: false`: one line, the default of `scan --format json`)
/// or pretty-printed. Give a buffered writer: serde writes small pieces.
pub fn write_as(a: &Assessment, out: &mut dyn Write, pretty: bool) -> std::io::Result<()> {
    if pretty {
        serde_json::to_writer_pretty(&mut *out, a)?;
    } else {
        serde_json::to_writer(&mut *out, a)?;
    }
    out.write_all(b"\n")
}

/// Reads a report back (for `diff` and baselines), checking its schema id.
pub fn read(bytes: &[u8]) -> Result<Assessment, String> {
    let a: Assessment = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    if a.schema != super::SCHEMA {
        return Err(format!("schema {:?} is not {:?}", a.schema, super::SCHEMA));
    }
    Ok(a)
}
