//! The JSON report: the assessment as it is, pretty-printed.

use std::io::Write;

use super::Assessment;

pub fn write(a: &Assessment, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, a)?;
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
