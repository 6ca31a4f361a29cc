//! CycloneDX JSON reader.

use rayon::prelude::*;
use serde::Deserialize;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::cell::Cell;
use std::fmt;

use super::convert::{PointerStyle, append, bom_to_doc, convert_top_level, push_top_level};
use super::model::{Bom, Component, Composition, Dependency, Metadata};
use crate::ingest::ParsedDoc;
use crate::ingest::json::{Typed, entry, parse_seeded, parse_value, root_object, take_list};
use crate::ingest::lenient::{one_or_many, opt_string};
use crate::model::Format;
use crate::model::InputError;

pub fn parse_json(bytes: &[u8]) -> Result<ParsedDoc, InputError> {
    read(bytes, true)
}

/// Reads a CycloneDX JSON document; with `parallel`, its first pass reads
/// the components in parallel (the tracked re-run after a failure reads
/// them in order, to name the failing one).
fn read(bytes: &[u8], parallel: bool) -> Result<ParsedDoc, InputError> {
    let first = Cell::new(parallel);
    let seed = || BomSeed {
        doc: ParsedDoc::new(Format::CyclonedxJson),
        parallel: first.replace(false),
        input: bytes,
    };
    // Streamed components are already in `doc`; `bom.components` holds only
    // those of the tolerant pass, which `bom_to_doc` adds.
    let (bom, mut doc) = match parse_seeded(bytes, seed)? {
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
struct BomSeed<'a> {
    doc: ParsedDoc,
    /// Components are read a batch at a time, in parallel (see [`ComponentsSeed`]).
    parallel: bool,
    /// The document read.
    input: &'a [u8],
}

impl<'de> DeserializeSeed<'de> for BomSeed<'_> {
    type Value = (Bom, ParsedDoc);

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(BomVisitor(self))
    }
}

struct BomVisitor<'a>(BomSeed<'a>);

impl<'de> Visitor<'de> for BomVisitor<'_> {
    type Value = (Bom, ParsedDoc);

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a CycloneDX BOM (a JSON object)")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let BomSeed {
            mut doc,
            parallel,
            input,
        } = self.0;
        let mut header = Header::default();
        let mut rest = Bom::default();
        // A key written twice sends the document to the tolerant pass, which
        // combines both and says where they are.
        let mut seen = Vec::with_capacity(8);
        while let Some(key) = map.next_key::<Key>()? {
            if key != Key::Other {
                if seen.contains(&key) {
                    return Err(de::Error::duplicate_field(key.name()));
                }
                seen.push(key);
            }
            match key {
                Key::Components => map.next_value_seed(ComponentsSeed {
                    doc: &mut doc,
                    parallel,
                    input,
                })?,
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
    compositions: Vec<Composition>,
}

#[derive(Clone, Copy, PartialEq, Eq, Deserialize)]
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

impl Key {
    fn name(self) -> &'static str {
        match self {
            Key::Components => "components",
            Key::Metadata => "metadata",
            Key::Dependencies => "dependencies",
            Key::BomFormat => "bomFormat",
            Key::SpecVersion => "specVersion",
            Key::SerialNumber => "serialNumber",
            Key::Compositions => "compositions",
            Key::Other => "(other)",
        }
    }
}

/// A leniently read string field (see [`opt_string`]).
#[derive(Deserialize)]
#[serde(transparent)]
struct Text(#[serde(deserialize_with = "opt_string")] Option<String>);

#[derive(Deserialize)]
#[serde(transparent)]
struct Compositions(#[serde(deserialize_with = "one_or_many")] Vec<Composition>);

/// The `components` array, converted entry by entry into the document.
///
/// In parallel, entries are first only delimited (each a slice of the
/// input), a batch at a time, and each batch is then read and converted by
/// the worker threads in chunks that are appended in document order: the
/// document comes out as the sequential reading makes it. Any failure
/// fails the pass, so the caller's tracked re-run, in order, names it.
struct ComponentsSeed<'a> {
    doc: &'a mut ParsedDoc,
    parallel: bool,
    /// The document read: how far into it the first batch ends foretells
    /// how many components it holds.
    input: &'a [u8],
}

/// Entries converted at once: enough to share out, few enough that a
/// batch's typed entries and fragments stay a small part of the document.
const BATCH: usize = 4096;
/// Entries a worker converts into one fragment of the document.
const CHUNK: usize = 64;

/// A batch's fragments in document order, each with its nesting edges.
type Fragments = Vec<(ParsedDoc, Vec<(usize, usize)>)>;

/// Reads and converts `raw`, the entries from `first` on, in parallel.
fn convert_batch(raw: &[&RawValue], first: usize) -> Result<Fragments, serde_json::Error> {
    raw.par_chunks(CHUNK)
        .enumerate()
        .map(|(k, chunk)| {
            let mut part = ParsedDoc::default();
            let mut nesting = Vec::new();
            for (i, entry) in chunk.iter().enumerate() {
                let c: Component = serde_json::from_str(entry.get())?;
                let index = first + k * CHUNK + i;
                convert_top_level(c, index, PointerStyle::Json, &mut part, &mut nesting);
            }
            Ok((part, nesting))
        })
        .collect()
}

/// Reserves the document's component list once, at the count the first
/// batch's share of the input foretells: grown by doubling instead, 100,000
/// components left ~75 MB of outgrown lists behind (freed, but kept by the
/// allocator). The estimate counts the bytes after the components too, and
/// an eighth more besides, so that it errs high (the unused end of a list
/// is never touched, an outgrown one is copied and left behind). A document
/// padded after its components still makes it reserve too much: at most
/// twice the input's size, in address space whose pages this list never
/// touches (counted by `ulimit -v` and strict overcommit, not as resident memory).
fn reserve_for_document(doc: &mut ParsedDoc, first: &Fragments, batch: &[&RawValue], input: &[u8]) {
    let read: usize = first.iter().map(|(part, _)| part.components.len()).sum();
    let end = batch.last().map_or(0, |raw| {
        let text = raw.get();
        (text.as_ptr() as usize + text.len()).saturating_sub(input.as_ptr() as usize)
    });
    if read == 0 || end == 0 || end > input.len() {
        return;
    }
    let expected = (read as u128 * input.len() as u128 * 9 / 8 / end as u128) as usize;
    let cap = 2 * input.len() / std::mem::size_of::<crate::model::Component>();
    doc.components
        .reserve_exact(expected.min(cap).saturating_sub(doc.components.len()));
}

fn append_all(doc: &mut ParsedDoc, fragments: Fragments) {
    for (part, nesting) in fragments {
        append(doc, part, &nesting);
    }
}

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
        let doc = self.doc;
        let mut index = 0;
        if !self.parallel {
            while let Some(c) = seq.next_element::<Component>()? {
                push_top_level(c, index, PointerStyle::Json, doc);
                index += 1;
            }
            return Ok(());
        }
        // Not reserved at the entries' count: an entry may yield no component
        // (`{}`) or several (nested), and a million empty entries must not
        // reserve a million components.
        let mut batch: Vec<&'de RawValue> = Vec::with_capacity(BATCH);
        // The previous batch's fragments are appended (one thread) while
        // this batch is converted (the others): appending alone took a
        // quarter of reading 100,000 components.
        let mut converted: Option<Fragments> = None;
        loop {
            let entry = seq.next_element::<&'de RawValue>()?;
            let done = entry.is_none();
            batch.extend(entry);
            if batch.len() == BATCH || (done && !batch.is_empty()) {
                let previous = converted.take();
                let (fragments, ()) = rayon::join(
                    || convert_batch(&batch, index),
                    || previous.map_or((), |f| append_all(doc, f)),
                );
                let fragments = fragments.map_err(de::Error::custom)?;
                if index == 0 && !done {
                    reserve_for_document(doc, &fragments, &batch, self.input);
                }
                converted = Some(fragments);
                index += batch.len();
                batch.clear();
            }
            if done {
                if let Some(f) = converted {
                    append_all(doc, f);
                }
                return Ok(());
            }
        }
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }
}

/// One component of the tolerant pass, its nested components read one by
/// one, so a malformed nested entry costs only that entry (and what is
/// nested in it), not its parent.
fn tolerant_component(
    mut value: serde_json::Value,
    pointer: &str,
    warnings: &mut Vec<String>,
) -> Option<Component> {
    let nested = value.as_object_mut().and_then(|o| o.remove("components"));
    let mut c = match entry::<Component>(value, pointer) {
        Ok(c) => c,
        Err(w) => {
            warnings.push(w.to_string());
            return None;
        }
    };
    match nested {
        None | Some(serde_json::Value::Null) => {}
        Some(serde_json::Value::Array(list)) => {
            for (i, n) in list.into_iter().enumerate() {
                if let Some(mut n) = tolerant_component(n, &format!("{pointer}/components/{i}"), warnings) {
                    n.index = Some(i);
                    c.components.push(n);
                }
            }
        }
        Some(other) => warnings.push(format!(
            "at {pointer}/components: expected an array of components, found {}; nested components skipped",
            crate::ingest::json::kind_of(&other)
        )),
    }
    Some(c)
}

/// The slow path: reads each component, dependency and the metadata on its
/// own, so one malformed entry costs only that entry.
fn tolerant(bytes: &[u8], doc: &mut ParsedDoc) -> Result<Bom, InputError> {
    let (value, warnings) = parse_value(bytes)?;
    doc.warnings.extend(warnings);
    let mut obj = root_object(value, "a CycloneDX BOM")?;
    let components = take_list(&mut obj, "components", "components")?;
    let dependencies = take_list(&mut obj, "dependencies", "dependency entries")?;
    let metadata = obj.remove("metadata");
    // What remains (format, version, serial, compositions) is small and read typed.
    let mut bom: Bom = entry(serde_json::Value::Object(obj), "")
        .map_err(|w| InputError::new(format!("document header unreadable {w}")))?;
    if let Some(m) = metadata {
        match entry::<Metadata>(m, "/metadata") {
            Ok(m) => bom.metadata = Some(m),
            Err(w) => doc.warnings.push(w.to_string()),
        }
    }
    for (i, c) in components.into_iter().enumerate() {
        if let Some(mut c) = tolerant_component(c, &format!("/components/{i}"), &mut doc.warnings) {
            c.index = Some(i);
            bom.components.push(c);
        }
    }
    for (i, d) in dependencies.into_iter().enumerate() {
        match entry::<Dependency>(d, &format!("/dependencies/{i}")) {
            Ok(d) => bom.dependencies.push(d),
            Err(w) => doc.warnings.push(w.to_string()),
        }
    }
    Ok(bom)
}

#[cfg(test)]
mod tests {
    use crate::ingest::parse_bytes;

    /// A BOM of `n` components in every shape the conversion treats apart:
    /// nested (with and without bom-refs, so `#index` references), empty
    /// (`{}`, skipped), with a bad purl (a warning), with a file evidence.
    fn varied_bom(n: usize, bad_at: Option<usize>) -> String {
        let mut parts = Vec::with_capacity(n);
        for i in 0..n {
            parts.push(match i % 7 {
                0 => format!(r#"{{"bom-ref":"r{i}","name":"c{i}","version":"1","purl":"pkg:npm/c{i}@1"}}"#),
                1 => format!(r#"{{"name":"c{i}","components":[{{"name":"n{i}"}},{{"bom-ref":"m{i}","name":"m{i}","components":[{{"name":"d{i}"}}]}}]}}"#),
                2 => "{}".to_string(),
                3 => format!(r#"{{"name":"c{i}","purl":"pkg:/broken{i}"}}"#),
                4 => format!(r#"{{"type":"file","name":"/usr/lib/f{i}","hashes":[{{"alg":"SHA-256","content":"ab"}}],
                               "evidence":{{"occurrences":[{{"location":"/opt/f{i}"}}]}}}}"#),
                5 => format!(r#"{{"bom-ref":"r{i}","name":"c{i}","components":[{{"name":"k{i}"}}]}}"#),
                _ => format!(r#"{{"name":"c{i}","licenses":[{{"license":{{"id":"MIT"}}}}]}}"#),
            });
        }
        if let Some(b) = bad_at {
            parts[b] = r#"{"name":"bad","hashes":"not a list"}"#.to_string();
        }
        format!(
            r#"{{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{}],
               "dependencies":[{{"ref":"r0","dependsOn":["r5"]}}]}}"#,
            parts.join(",")
        )
    }

    #[test]
    fn parallel_reading_makes_the_document_sequential_reading_makes() {
        // Over two batches and a part, so batches and chunks meet everywhere.
        let n = 2 * super::BATCH + 3 * super::CHUNK + 5;
        let bom = varied_bom(n, None);
        let parallel = super::read(bom.as_bytes(), true).unwrap();
        let sequential = super::read(bom.as_bytes(), false).unwrap();
        assert_eq!(format!("{parallel:?}"), format!("{sequential:?}"));
        // Not vacuous: every shape made it through.
        assert!(parallel.skipped_empty > 0 && !parallel.warnings.is_empty());
        assert!(
            parallel
                .parents
                .iter()
                .any(|p| p.is_some_and(|p| p > super::BATCH))
        );
        assert!(parallel.edges.iter().any(|(_, to)| to.starts_with('#')));
        assert!(!parallel.meta.declared_files.is_empty());
    }

    #[test]
    fn a_misshapen_entry_late_in_a_parallel_read_is_named() {
        let n = super::BATCH + 100;
        let bom = varied_bom(n, Some(n - 3));
        let d = super::read(bom.as_bytes(), true).unwrap();
        let w = &d.warnings[0];
        assert!(w.contains(&format!("/components/{}/hashes", n - 3)), "{w}");
        assert!(w.contains("reading the document entry by entry"), "{w}");
        // The entries after it are still read.
        let after = format!("/components/{}", n - 2);
        assert!(d.components.iter().any(|c| c.locations[0].pointer == after));
        assert!(!d.components.iter().any(|c| c.name == "bad"));
    }

    #[test]
    fn the_component_list_is_reserved_once_and_never_past_twice_the_input() {
        let n = 3 * super::BATCH;
        let body = |description: &str, padding: usize| {
            let entries: Vec<String> = (0..n)
                .map(|i| format!(r#"{{"name":"c{i}","description":"{description}"}}"#))
                .collect();
            format!(
                r#"{{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{}],
                   "metadata":{{"component":{{"name":"app","description":"{}"}}}}}}"#,
                entries.join(","),
                "x".repeat(padding)
            )
        };
        // Entries about as long as a component's place in the list (576
        // bytes), as in SBOMs seen: reserved near the count after the first
        // batch, not doubled past it.
        let d = super::read(body(&"d".repeat(500), 0).as_bytes(), true).unwrap();
        assert_eq!(d.components.len(), n);
        let capacity = d.components.capacity();
        assert!(capacity >= n && capacity < n + n / 4, "{capacity} for {n}");
        // Short entries padded after the components: the estimate is far
        // past twice the input, and capped there.
        let padded = body("", 8 << 20);
        let d = super::read(padded.as_bytes(), true).unwrap();
        assert_eq!(d.components.len(), n);
        let reserved = d.components.capacity() * std::mem::size_of::<crate::model::Component>();
        assert!(reserved <= 2 * padded.len(), "{reserved} bytes");
    }

    fn doc(body: &str) -> crate::ingest::ParsedDoc {
        parse_bytes(body.as_bytes()).unwrap()
    }

    #[test]
    fn streams_components_with_pointers_parents_and_edges() {
        let d = doc(
            r#"{"bomFormat":"CycloneDX","specVersion":"1.6","serialNumber":"urn:uuid:1",
            "metadata":{"timestamp":"2026-01-01T00:00:00Z","component":{"bom-ref":"app","name":"app","version":"1"}},
            "components":[
              {"bom-ref":"a","name":"a","version":"1","purl":"pkg:npm/a@1",
               "components":[{"bom-ref":"a1","name":"a1","version":"2"}]},
              {"bom-ref":"b","name":" b ","version":"3","hashes":[{"alg":"SHA-256","content":"AB"}]}],
            "dependencies":[{"ref":"app","dependsOn":["a"," b "]},{"ref":"a","dependsOn":[""]}]}"#,
        );
        let names: Vec<&str> = d.components.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["a", "a1", "b"]);
        let pointers: Vec<&str> = d
            .components
            .iter()
            .map(|c| c.locations[0].pointer.as_str())
            .collect();
        assert_eq!(
            pointers,
            [
                "/components/0",
                "/components/0/components/0",
                "/components/1"
            ]
        );
        assert_eq!(d.parents, [None, Some(0), None]);
        assert!(
            d.edges.contains(&("a".into(), "a1".into())),
            "nesting is containment"
        );
        assert!(
            d.edges.contains(&("app".into(), "b".into())),
            "dependsOn entries are trimmed"
        );
        assert!(
            !d.edges.iter().any(|(_, t)| t.is_empty()),
            "empty dependsOn entries are dropped"
        );
        assert_eq!(d.components[2].hashes[0].value, "ab");
        assert_eq!(d.meta.primary.as_deref(), Some("app"));
        assert_eq!(d.meta.serial.as_deref(), Some("urn:uuid:1"));
        assert!(d.warnings.is_empty(), "{:?}", d.warnings);
    }

    #[test]
    fn byte_order_mark_is_not_content() {
        let d = doc(
            "\u{feff}{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\"components\":[{\"name\":\"x\"}]}",
        );
        assert_eq!(d.components.len(), 1);
    }

    #[test]
    fn completeness_needs_a_real_aggregate() {
        let with = |agg: &str| {
            doc(&format!(
                r#"{{"bomFormat":"CycloneDX","specVersion":"1.5","compositions":[{{"aggregate":"{agg}"}}]}}"#
            ))
            .meta
            .completeness_declared
        };
        assert!(with("complete"));
        assert!(
            with("unknown"),
            "an explicit unknown is a declaration (NTIA's known unknowns)"
        );
        assert!(!with("not_specified"));
    }

    #[test]
    fn a_bad_nested_component_costs_only_itself() {
        let d = doc(
            r#"{"bomFormat":"CycloneDX","specVersion":"1.5","components":[
            {"name":"parent","version":"1","components":[
                {"name":"bad","hashes":[{"alg":{}}]},
                {"name":"good-child","version":"2"}]}]}"#,
        );
        let names: Vec<&str> = d.components.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["parent", "good-child"]);
        assert_eq!(
            d.components[1].locations[0].pointer,
            "/components/0/components/1"
        );
        assert_eq!(d.parents[1], Some(0));
        assert!(
            d.warnings
                .iter()
                .any(|w| w.contains("/components/0/components/0/hashes/0/alg")),
            "{:?}",
            d.warnings
        );
    }

    #[test]
    fn a_top_level_key_written_twice_is_combined_and_named() {
        let d = doc(
            "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\",\n\"components\":[{\"bom-ref\":\"a\",\"name\":\"a\"},{\"bom-ref\":\"b\",\"name\":\"b\"}],\n\"dependencies\":[{\"ref\":\"a\",\"dependsOn\":[\"b\"]}],\n\"dependencies\":[{\"ref\":\"b\",\"dependsOn\":[\"a\"]}]}",
        );
        assert_eq!(d.components.len(), 2);
        assert!(
            d.has_edge("a", "b") && d.has_edge("b", "a"),
            "{:?}",
            d.edges
        );
        assert!(
            d.warnings.iter().any(|w| w
                == "line 3, column 1 and line 4, column 1: key \"dependencies\" written twice at the top level; both lists are read"),
            "{:?}",
            d.warnings
        );
    }

    #[test]
    fn tolerant_pass_keeps_later_pointers_right() {
        let d = doc(
            r#"{"bomFormat":"CycloneDX","specVersion":"1.5","components":[
            {"name":"bad","licenses":7},{"name":"good","version":"1"}]}"#,
        );
        assert_eq!(d.components.len(), 1);
        assert_eq!(d.components[0].locations[0].pointer, "/components/1");
        assert!(
            d.warnings
                .iter()
                .any(|w| w.contains("/components/0/licenses")),
            "{:?}",
            d.warnings
        );
    }
}
