//! CycloneDX JSON reader.

use super::convert::{PointerStyle, bom_to_doc};
use super::model::{Bom, Component, Dependency, Metadata};
use crate::ingest::json::{Typed, entry, parse_typed, parse_value, root_object, take_list};
use crate::ingest::{IngestError, ParsedDoc};
use crate::model::Format;

pub fn parse_json(bytes: &[u8]) -> Result<ParsedDoc, IngestError> {
    let mut doc = ParsedDoc::new(Format::CyclonedxJson);
    let bom = match parse_typed::<Bom>(bytes)? {
        Typed::Ok { value, trailing } => {
            doc.warnings.extend(trailing);
            value
        }
        Typed::Mismatch(first) => {
            doc.warnings
                .push(format!("{first}; reading the document entry by entry"));
            tolerant(bytes, &mut doc)?
        }
    };
    if let Some(f) = bom.bom_format.as_deref()
        && f != "CycloneDX"
    {
        doc.warnings
            .push(format!("bomFormat is {f:?}, expected \"CycloneDX\""));
    }
    Ok(bom_to_doc(
        bom,
        Format::CyclonedxJson,
        PointerStyle::Json,
        doc,
    ))
}

/// The slow path: reads each component, dependency and the metadata on its
/// own, so one malformed entry costs only that entry.
fn tolerant(bytes: &[u8], doc: &mut ParsedDoc) -> Result<Bom, IngestError> {
    let (value, trailing) = parse_value(bytes)?;
    doc.warnings.extend(trailing);
    let mut obj = root_object(value, "a CycloneDX BOM")?;
    let components = take_list(&mut obj, "components", "components")?;
    let dependencies = take_list(&mut obj, "dependencies", "dependency entries")?;
    let metadata = obj.remove("metadata");
    // What remains (format, version, serial, compositions) is small and read typed.
    let mut bom: Bom = entry(serde_json::Value::Object(obj), "")
        .map_err(|w| IngestError::new(format!("document header unreadable {w}")))?;
    if let Some(m) = metadata {
        match entry::<Metadata>(m, "/metadata") {
            Ok(m) => bom.metadata = Some(m),
            Err(w) => doc.warnings.push(w),
        }
    }
    for (i, c) in components.into_iter().enumerate() {
        match entry::<Component>(c, &format!("/components/{i}")) {
            Ok(mut c) => {
                c.index = Some(i);
                bom.components.push(c);
            }
            Err(w) => doc.warnings.push(w),
        }
    }
    for (i, d) in dependencies.into_iter().enumerate() {
        match entry::<Dependency>(d, &format!("/dependencies/{i}")) {
            Ok(d) => bom.dependencies.push(d),
            Err(w) => doc.warnings.push(w),
        }
    }
    Ok(bom)
}
