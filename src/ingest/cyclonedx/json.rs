//! CycloneDX JSON reader.

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::fmt;

use super::convert::{PointerStyle, bom_to_doc, push_top_level};
use super::model::{Bom, Component, Dependency, Metadata};
use crate::ingest::json::{Typed, entry, parse_seeded, parse_value, root_object, take_list};
use crate::ingest::lenient::{one_or_many, opt_string};
use crate::ingest::{IngestError, ParsedDoc};
use crate::model::Format;

pub fn parse_json(bytes: &[u8]) -> Result<ParsedDoc, IngestError> {
    // Streamed components are already in `doc`; `bom.components` holds only
    // those of the tolerant pass, which `bom_to_doc` adds.
    let (bom, mut doc) =
        match parse_seeded(bytes, || BomSeed(ParsedDoc::new(Format::CyclonedxJson)))? {
            Typed::Ok { value, trailing } => {
                let (bom, mut doc) = value;
                doc.warnings.extend(trailing);
                (bom, doc)
            }
            Typed::Mismatch(first) => {
                let mut doc = ParsedDoc::new(Format::CyclonedxJson);
                doc.warnings
                    .push(format!("{first}; reading the document entry by entry"));
                let bom = tolerant(bytes, &mut doc)?;
                (bom, doc)
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

/// Reads a BOM and converts each top-level component as soon as it is read,
/// so the typed form of all components is never held at once. The rest of
/// the BOM (metadata, dependencies) is returned for [`bom_to_doc`].
struct BomSeed(ParsedDoc);

impl<'de> DeserializeSeed<'de> for BomSeed {
    type Value = (Bom, ParsedDoc);

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(BomVisitor(self.0))
    }
}

struct BomVisitor(ParsedDoc);

impl<'de> Visitor<'de> for BomVisitor {
    type Value = (Bom, ParsedDoc);

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a CycloneDX BOM (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut doc = self.0;
        let mut header = Header::default();
        let mut rest = Bom::default();
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Components => map.next_value_seed(ComponentsSeed(&mut doc))?,
                Key::Metadata => rest.metadata = map.next_value()?,
                Key::Dependencies => rest.dependencies = map.next_value()?,
                Key::BomFormat => header.bom_format = map.next_value::<Text>()?.0,
                Key::SpecVersion => header.spec_version = map.next_value::<Text>()?.0,
                Key::SerialNumber => header.serial_number = map.next_value::<Text>()?.0,
                Key::Compositions => header.compositions = map.next_value::<Compositions>()?.0,
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        rest.bom_format = header.bom_format;
        rest.spec_version = header.spec_version;
        rest.serial_number = header.serial_number;
        rest.compositions = header.compositions;
        Ok((rest, doc))
    }
}

#[derive(Default)]
struct Header {
    bom_format: Option<String>,
    spec_version: Option<String>,
    serial_number: Option<String>,
    compositions: Vec<IgnoredAny>,
}

#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "camelCase")]
enum Key {
    Components,
    Metadata,
    Dependencies,
    BomFormat,
    SpecVersion,
    SerialNumber,
    Compositions,
    #[serde(other)]
    Other,
}

/// A leniently read string field (see [`opt_string`]).
#[derive(Deserialize)]
#[serde(transparent)]
struct Text(#[serde(deserialize_with = "opt_string")] Option<String>);

#[derive(Deserialize)]
#[serde(transparent)]
struct Compositions(#[serde(deserialize_with = "one_or_many")] Vec<IgnoredAny>);

/// The `components` array, converted entry by entry into the document.
struct ComponentsSeed<'a>(&'a mut ParsedDoc);

impl<'de> DeserializeSeed<'de> for ComponentsSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ComponentsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an array of components")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut index = 0;
        while let Some(c) = seq.next_element::<Component>()? {
            push_top_level(c, index, PointerStyle::Json, self.0);
            index += 1;
        }
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
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
