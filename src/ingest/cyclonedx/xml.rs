//! CycloneDX XML reader.
//!
//! Two passes: quick-xml's event reader builds a small element tree (local
//! names, attributes, trimmed text, children, byte offsets) with an explicit
//! depth limit, then the tree is mapped onto the lenient model shared with the
//! JSON reader, so both formats go through the same [`bom_to_doc`] conversion.
//!
//! Structure is checked strictly (well-formedness, a CycloneDX `<bom>` root);
//! unknown elements and elements of other namespaces (extensions) are ignored.

use std::borrow::Cow;

use quick_xml::errors::{Error as XmlError, IllFormedError};
use quick_xml::escape::{EscapeError, resolve_predefined_entity};
use quick_xml::events::attributes::AttrError;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::convert::{PointerStyle, bom_to_doc};
use super::model::{
    Bom, Component, Composition, Dependency, ExternalReference, HashEntry, LicenseBody,
    LicenseChoice, Metadata, Party, Property, Swid, Tool, Tools,
};
use crate::ingest::ParsedDoc;
use crate::model::Format;
use crate::model::{InputError, Position};

/// Deepest element nesting accepted; real BOMs stay far below (nested
/// components add two levels each).
pub const MAX_DEPTH: usize = 256;

/// Namespace of every CycloneDX XML schema; the spec version follows it.
const CDX_NAMESPACE: &str = "http://cyclonedx.org/schema/bom/";

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

pub fn parse_xml(bytes: &[u8]) -> Result<ParsedDoc, InputError> {
    let mut doc = ParsedDoc::new(Format::CyclonedxXml);
    let tree = read_tree(bytes, &mut doc.warnings)?;
    match tree.spec_version {
        Some(v) => doc.spec_version = Some(v),
        None => doc.warnings.push(format!(
            "the namespace {:?} names no CycloneDX version; read tolerantly",
            tree.namespace
        )),
    }
    let bom = map_bom(&tree.root, doc.spec_version.clone(), &mut doc.warnings);
    Ok(bom_to_doc(
        bom,
        Format::CyclonedxXml,
        PointerStyle::Xml,
        doc,
    ))
}

// ---------------------------------------------------------------------------
// Element tree
// ---------------------------------------------------------------------------

/// One element: local name (namespace prefix removed), unprefixed attributes,
/// character data and the child elements of the CycloneDX namespace. Names and
/// values borrow from the input where no entity had to be resolved.
#[derive(Debug)]
struct Element<'a> {
    /// The name as written (`bom` or `cdx:bom`); [`Element::name`] drops the prefix.
    raw_name: Cow<'a, str>,
    local_start: usize,
    attrs: Vec<Attr<'a>>,
    /// Character data as read (entities resolved, line ends normalised); empty
    /// for elements with child elements.
    text: Cow<'a, str>,
    children: Vec<Element<'a>>,
    /// Byte offset of the start tag's `<`, as the reader counts it.
    offset: usize,
}

impl<'a> Element<'a> {
    fn name(&self) -> &str {
        &self.raw_name[self.local_start..]
    }

    fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_ref())
    }

    fn attr_string(&self, name: &str) -> Option<String> {
        self.attr(name).map(|v| trim_xml(v).to_string())
    }

    /// Character data, trimmed of XML whitespace.
    fn text(&self) -> &str {
        trim_xml(&self.text)
    }

    fn text_string(&self) -> String {
        self.text().to_string()
    }

    fn children_named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'s Element<'a>> + 's {
        self.children.iter().filter(move |c| c.name() == name)
    }

    fn child(&self, name: &str) -> Option<&Element<'a>> {
        self.children.iter().find(|c| c.name() == name)
    }

    fn child_text(&self, name: &str) -> Option<String> {
        self.child(name).map(Element::text_string)
    }
}

/// An attribute: unprefixed name and normalised value.
type Attr<'a> = (Cow<'a, str>, Cow<'a, str>);

/// Why attributes could not be read, with the offset after the tag's `<` when known.
type AttrFailure = (Option<usize>, String);

const XML_WHITESPACE: [char; 4] = [' ', '\t', '\n', '\r'];

fn trim_xml(s: &str) -> &str {
    s.trim_matches(XML_WHITESPACE)
}

/// `sub` as a slice of `input` with the input's lifetime, when it is one
/// (events of a slice reader borrow from the input; resolved entities do not).
fn reborrow<'a>(input: &'a str, sub: &str) -> Cow<'a, str> {
    let start = (sub.as_ptr() as usize).checked_sub(input.as_ptr() as usize);
    match start.and_then(|s| input.get(s..s.checked_add(sub.len())?)) {
        Some(slice) if slice.as_ptr() == sub.as_ptr() => Cow::Borrowed(slice),
        _ => Cow::Owned(sub.to_string()),
    }
}

/// An element being read.
struct Open<'a> {
    element: Element<'a>,
    /// Kept in the tree: in the CycloneDX namespace (or none) and inside kept elements.
    keep: bool,
    /// Has seen a child element: its own text is then only indentation.
    has_child: bool,
}

struct Tree<'a> {
    root: Element<'a>,
    namespace: String,
    spec_version: Option<String>,
}

/// Turns the reader's byte offsets into positions in the input (quick-xml
/// skips a UTF-8 byte-order mark without counting it).
struct Offsets<'b> {
    bytes: &'b [u8],
    base: usize,
}

impl Offsets<'_> {
    fn at(&self, offset: usize) -> Position {
        Position::at_offset(self.bytes, offset.saturating_add(self.base))
    }

    fn at_reader(&self, reader_offset: u64) -> Position {
        self.at(usize::try_from(reader_offset).unwrap_or(usize::MAX))
    }
}

/// A namespace declaration in scope: `xmlns[:prefix]="name"` on an element at `depth`.
struct Binding<'a> {
    prefix: Cow<'a, str>,
    namespace: Cow<'a, str>,
    depth: usize,
}

/// The namespace bound to `prefix` (`""` for the default namespace).
fn resolve<'b>(bindings: &'b [Binding<'_>], prefix: &str) -> Option<&'b str> {
    bindings
        .iter()
        .rev()
        // Length first: comparing two empty strings through `memcmp` is
        // needlessly slow on some machines, and most documents use the default namespace.
        .find(|b| b.prefix.len() == prefix.len() && (prefix.is_empty() || b.prefix == prefix))
        .map(|b| b.namespace.as_ref())
        .filter(|ns| !ns.is_empty())
}

fn read_tree<'a>(bytes: &'a [u8], warnings: &mut Vec<String>) -> Result<Tree<'a>, InputError> {
    let input = std::str::from_utf8(bytes).map_err(|e| {
        InputError::at(
            format!(
                "invalid UTF-8 (byte 0x{:02x}): CycloneDX XML is read as UTF-8 and other \
                 encodings are not supported",
                bytes.get(e.valid_up_to()).copied().unwrap_or(0)
            ),
            Position::at_offset(bytes, e.valid_up_to()),
        )
    })?;
    let mut reader = Reader::from_str(input);
    let config = reader.config_mut();
    config.trim_text(false);
    config.expand_empty_elements = false;
    config.check_end_names = true;
    let mut tree = TreeBuilder {
        input,
        offsets: Offsets {
            bytes,
            base: if bytes.starts_with(UTF8_BOM) {
                UTF8_BOM.len()
            } else {
                0
            },
        },
        stack: Vec::new(),
        bindings: Vec::new(),
        root: None,
        namespace: String::new(),
        spec_version: None,
    };

    loop {
        let start = usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX);
        let event = match reader.read_event() {
            Ok(ev) => ev,
            Err(e) if tree.root.is_some() => {
                // The document was complete; what follows is noise.
                warnings.push(format!(
                    "{}: trailing data after the closing `</bom>` tag was ignored ({e})",
                    tree.offsets.at_reader(reader.error_position())
                ));
                break;
            }
            Err(e) => {
                return Err(InputError::at(
                    xml_error_message(&e, &tree.stack, &tree.offsets),
                    tree.offsets.at_reader(reader.error_position()),
                ));
            }
        };
        if tree.root.is_some() {
            // After the root: only whitespace, comments and processing instructions.
            let trailing_at = match &event {
                Event::Eof => break,
                Event::Text(t) => {
                    let rest = t.trim_start_matches(XML_WHITESPACE);
                    (!rest.is_empty()).then(|| start.saturating_add(t.len() - rest.len()))
                }
                Event::Comment(_) | Event::PI(_) => None,
                _ => Some(start),
            };
            if let Some(at) = trailing_at {
                warnings.push(format!(
                    "{}: trailing data after the closing `</bom>` tag was ignored",
                    tree.offsets.at(at)
                ));
                break;
            }
            continue;
        }
        tree.event(event, start)?;
    }
    let Some(root) = tree.root else {
        return Err(InputError::new("expected a CycloneDX `<bom>` root element"));
    };
    Ok(Tree {
        root,
        namespace: tree.namespace,
        spec_version: tree.spec_version,
    })
}

/// The element tree as it is built, one reader event at a time, up to the
/// end of the root element.
struct TreeBuilder<'a> {
    input: &'a str,
    offsets: Offsets<'a>,
    stack: Vec<Open<'a>>,
    bindings: Vec<Binding<'a>>,
    root: Option<Element<'a>>,
    namespace: String,
    spec_version: Option<String>,
}

impl<'a> TreeBuilder<'a> {
    /// Takes one event before the root has closed; `start` is its offset.
    fn event(&mut self, event: Event<'a>, start: usize) -> Result<(), InputError> {
        match event {
            Event::Start(e) | Event::Empty(e) if self.stack.len() >= MAX_DEPTH => {
                return Err(InputError::at(
                    format!(
                        "XML nesting deeper than {MAX_DEPTH} elements (at `<{}>`)",
                        e.name().into_inner()
                    ),
                    self.offsets.at(start),
                ));
            }
            Event::Start(ref e) | Event::Empty(ref e) => {
                let is_empty = matches!(event, Event::Empty(_));
                self.open(e, is_empty, start)?;
            }
            Event::End(_) => {
                // quick-xml has checked the name against the open tag.
                pop_bindings(&mut self.bindings, self.stack.len());
                let Some(open) = self.stack.pop() else {
                    return Err(InputError::at(
                        "malformed XML: a closing tag matches no open element",
                        self.offsets.at(start),
                    ));
                };
                self.root = close(open, &mut self.stack);
            }
            Event::Text(t) => {
                let piece = reborrow_cow(self.input, t.xml10_content());
                append_text(&mut self.stack, piece, &self.offsets, start)?;
            }
            Event::CData(t) => {
                let piece = reborrow_cow(self.input, t.xml10_content());
                append_text(&mut self.stack, piece, &self.offsets, start)?;
            }
            Event::GeneralRef(r) => {
                let text = entity_text(&r).map_err(|e| e.with_position(self.offsets.at(start)))?;
                append_text(&mut self.stack, text, &self.offsets, start)?;
            }
            Event::Eof => return Err(self.unexpected_eof()),
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
        }
        Ok(())
    }

    /// Opens an element (and closes it at once when empty): reads its
    /// attributes and namespace when its parent is kept, checks the root.
    fn open(&mut self, e: &BytesStart<'a>, is_empty: bool, start: usize) -> Result<(), InputError> {
        let depth = self.stack.len() + 1;
        let raw_name = reborrow(self.input, e.name().into_inner());
        let (prefix, local_start) = match raw_name.find(':') {
            Some(i) => (&raw_name[..i], i + 1),
            None => ("", 0),
        };
        // Below an element that is not kept, nothing is: skip the attributes.
        let parent_keeps = self.stack.last().is_none_or(|o| o.keep);
        let attrs = if parent_keeps {
            read_attrs(self.input, e, depth, &mut self.bindings).map_err(|(at, msg)| {
                InputError::at(
                    format!("malformed XML attribute in `<{raw_name}>`: {msg}"),
                    self.offsets
                        .at(at.map_or(start, |rel| start.saturating_add(rel).saturating_add(1))),
                )
            })?
        } else {
            Vec::new()
        };
        let ns = resolve(&self.bindings, prefix);
        let keep = if self.stack.is_empty() {
            self.spec_version = check_root(&raw_name[local_start..], &raw_name, ns)
                .map_err(|e| e.with_position(self.offsets.at(start)))?;
            self.namespace = ns.unwrap_or_default().to_string();
            true
        } else {
            parent_keeps
                && match ns {
                    Some(ns) => ns.starts_with(CDX_NAMESPACE),
                    // Unqualified elements are tolerated; an undeclared prefix is not ours.
                    None => prefix.is_empty(),
                }
        };
        if let Some(parent) = self.stack.last_mut() {
            parent.has_child = true;
            parent.element.text = Cow::Borrowed("");
        }
        let open = Open {
            element: Element {
                raw_name,
                local_start,
                attrs,
                text: Cow::Borrowed(""),
                children: Vec::new(),
                offset: start,
            },
            keep,
            has_child: false,
        };
        if is_empty {
            pop_bindings(&mut self.bindings, depth);
            self.root = close(open, &mut self.stack);
        } else {
            self.stack.push(open);
        }
        Ok(())
    }

    /// The error for a document that ends before its root element closes.
    fn unexpected_eof(&self) -> InputError {
        let message = match self.stack.last() {
            Some(open) => format!(
                "unexpected end of file: expected `</{}>` closing the element opened at {}",
                open.element.raw_name,
                self.offsets.at(open.element.offset)
            ),
            None => "unexpected end of file: expected a CycloneDX `<bom>` root element".to_string(),
        };
        let bytes = self.offsets.bytes;
        InputError::at(message, Position::at_offset(bytes, bytes.len()))
    }
}

/// Character data read from `input`, borrowed from it when the reader did
/// not have to unescape it.
fn reborrow_cow<'a>(input: &'a str, s: Cow<'_, str>) -> Cow<'a, str> {
    match s {
        Cow::Borrowed(s) => reborrow(input, s),
        Cow::Owned(s) => Cow::Owned(s),
    }
}

/// The text of a character or predefined entity reference; `Err` says why
/// one is neither (its position is the caller's).
fn entity_text(r: &BytesRef<'_>) -> Result<Cow<'static, str>, InputError> {
    match r.resolve_char_ref() {
        Ok(Some(c)) => Ok(Cow::Owned(c.to_string())),
        Ok(None) => match resolve_predefined_entity(r) {
            Some(s) => Ok(Cow::Borrowed(s)),
            None => Err(InputError::new(format!(
                "unknown entity `&{};`: only the predefined XML entities \
                 (&lt; &gt; &amp; &apos; &quot;) and character references \
                 are supported",
                &**r
            ))),
        },
        Err(e) => Err(InputError::new(format!(
            "invalid character reference `&{};`: {e}",
            &**r
        ))),
    }
}

/// Drops the namespace declarations of the element at `depth`, which has closed.
fn pop_bindings(bindings: &mut Vec<Binding<'_>>, depth: usize) {
    while bindings.last().is_some_and(|b| b.depth >= depth) {
        bindings.pop();
    }
}

/// Checks the root element; returns the spec version its namespace names.
fn check_root(local: &str, raw_name: &str, ns: Option<&str>) -> Result<Option<String>, InputError> {
    if local != "bom" {
        return Err(InputError::new(format!(
            "expected a CycloneDX `<bom>` root element, found `<{raw_name}>`"
        )));
    }
    let ns = ns.unwrap_or_default();
    let Some(version) = ns.strip_prefix(CDX_NAMESPACE) else {
        let found = if ns.is_empty() {
            "no namespace".to_string()
        } else {
            format!("the namespace {ns:?}")
        };
        return Err(InputError::new(format!(
            "the root element `<{raw_name}>` has {found}; expected the CycloneDX namespace \
             ({CDX_NAMESPACE}1.x)"
        )));
    };
    let version = trim_xml(version).trim_end_matches('/');
    Ok((!version.is_empty()).then(|| version.to_string()))
}

/// Reads the unprefixed attributes of an element and records its namespace
/// declarations. An error carries its offset relative to the byte after `<`, when known.
fn read_attrs<'a>(
    input: &'a str,
    e: &BytesStart<'_>,
    depth: usize,
    bindings: &mut Vec<Binding<'a>>,
) -> Result<Vec<Attr<'a>>, AttrFailure> {
    let mut out = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(attr_error)?;
        let key = a.key.into_inner();
        let value = a.normalized_value(XmlVersion::Implicit1_0).map_err(|err| {
            let detail = match err {
                XmlError::Escape(EscapeError::UnrecognizedEntity(_, name)) => {
                    format!("unknown entity `&{name};`")
                }
                other => other.to_string(),
            };
            (None, format!("in the value of `{key}`: {detail}"))
        })?;
        let value = reborrow_cow(input, value);
        if key == "xmlns" {
            bindings.push(Binding {
                prefix: Cow::Borrowed(""),
                namespace: value,
                depth,
            });
        } else if let Some(prefix) = key.strip_prefix("xmlns:") {
            bindings.push(Binding {
                prefix: reborrow(input, prefix),
                namespace: value,
                depth,
            });
        } else if !key.contains(':') {
            // Prefixed attributes (xsi:schemaLocation, extensions) are not CycloneDX's.
            out.push((reborrow(input, key), value));
        }
    }
    Ok(out)
}

fn attr_error(e: AttrError) -> AttrFailure {
    match e {
        AttrError::ExpectedEq(at) => (Some(at), "expected `=` after the attribute name".into()),
        AttrError::ExpectedValue(at) => (Some(at), "expected a value after `=`".into()),
        AttrError::UnquotedValue(at) => (
            Some(at),
            "expected an attribute value in `\"` or `'` quotes".into(),
        ),
        AttrError::ExpectedQuote(at, q) => (
            Some(at),
            format!("attribute value not closed: expected `{}`", char::from(q)),
        ),
        AttrError::Duplicated(at, _) => (Some(at), "duplicate attribute".into()),
    }
}

/// Finishes an element: attaches it to its parent, or returns it when it is the root.
fn close<'a>(open: Open<'a>, stack: &mut [Open<'a>]) -> Option<Element<'a>> {
    match stack.last_mut() {
        Some(parent) => {
            if open.keep {
                parent.element.children.push(open.element);
            }
            None
        }
        None => Some(open.element),
    }
}

/// Adds character data to the open element (text between child elements is
/// indentation and dropped).
fn append_text<'a>(
    stack: &mut [Open<'a>],
    piece: Cow<'a, str>,
    offsets: &Offsets<'_>,
    start: usize,
) -> Result<(), InputError> {
    let Some(top) = stack.last_mut() else {
        if trim_xml(&piece).is_empty() {
            return Ok(());
        }
        return Err(InputError::at(
            "expected a CycloneDX `<bom>` root element, found text",
            offsets.at(start),
        ));
    };
    if !top.keep || top.has_child {
        return Ok(());
    }
    let text = &mut top.element.text;
    if text.is_empty() {
        *text = piece;
    } else {
        text.to_mut().push_str(&piece);
    }
    Ok(())
}

/// A quick-xml error, worded with what was expected and where elements began.
fn xml_error_message(e: &XmlError, stack: &[Open<'_>], offsets: &Offsets<'_>) -> String {
    let open = stack
        .last()
        .map(|o| (&o.element.raw_name, offsets.at(o.element.offset)));
    match e {
        XmlError::IllFormed(IllFormedError::MismatchedEndTag { expected, found }) => match open {
            Some((_, at)) => format!(
                "malformed XML: expected `</{expected}>` closing the element opened at {at}, \
                 found `</{found}>`"
            ),
            None => format!("malformed XML: expected `</{expected}>`, found `</{found}>`"),
        },
        XmlError::IllFormed(IllFormedError::UnmatchedEndTag(tag)) => {
            format!("malformed XML: closing tag `</{tag}>` matches no open element")
        }
        XmlError::Syntax(s) => match open {
            Some((name, at)) => {
                format!("malformed XML: {s} (inside `<{name}>` opened at {at})")
            }
            None => format!("malformed XML: {s}"),
        },
        XmlError::IllFormed(other) => format!("malformed XML: {other}"),
        XmlError::Encoding(enc) => {
            format!("invalid text encoding: {enc} (CycloneDX XML is read as UTF-8)")
        }
        XmlError::Escape(esc) => format!("invalid entity or character reference: {esc}"),
        XmlError::InvalidAttr(a) => format!("malformed XML attribute: {a}"),
        XmlError::Namespace(n) => format!("invalid XML namespace declaration: {n}"),
        other => format!("malformed XML: {other}"),
    }
}

// ---------------------------------------------------------------------------
// Mapping onto the lenient model
// ---------------------------------------------------------------------------

/// Sets `slot` from the first element that gives it (later duplicates are ignored).
fn first<T>(slot: &mut Option<T>, value: impl FnOnce() -> T) {
    if slot.is_none() {
        *slot = Some(value());
    }
}

fn map_bom(root: &Element<'_>, spec_version: Option<String>, warnings: &mut Vec<String>) -> Bom {
    let mut bom = Bom {
        bom_format: Some("CycloneDX".to_string()),
        spec_version,
        serial_number: root.attr_string("serialNumber"),
        ..Bom::default()
    };
    for child in &root.children {
        match child.name() {
            "metadata" => first(&mut bom.metadata, || map_metadata(child)),
            "components" => bom.components.extend(map_components(child)),
            "dependencies" => {
                for (i, d) in child.children_named("dependency").enumerate() {
                    let path = format!("/bom/dependencies/dependency[{}]", i + 1);
                    flatten_dependency(d, &path, &mut bom.dependencies, warnings);
                }
            }
            "compositions" => bom
                .compositions
                .extend(child.children_named("composition").map(|c| Composition {
                    aggregate: c.child_text("aggregate"),
                })),
            _ => {}
        }
    }
    bom
}

fn map_metadata(el: &Element<'_>) -> Metadata {
    let mut m = Metadata::default();
    for child in &el.children {
        match child.name() {
            "timestamp" => first(&mut m.timestamp, || child.text_string()),
            "tools" => m.tools = map_tools(child),
            "authors" => m
                .authors
                .extend(child.children_named("author").map(map_party)),
            "component" => first(&mut m.component, || Box::new(map_component(child))),
            "manufacture" => first(&mut m.manufacture, || map_party(child)),
            "manufacturer" => first(&mut m.manufacturer, || map_party(child)),
            "supplier" => first(&mut m.supplier, || map_party(child)),
            _ => {}
        }
    }
    m
}

/// `<tools><tool>…` up to 1.4; `<tools><components><component>…` and
/// `<services><service>…` from 1.5 (a mix is read as the 1.5 form).
fn map_tools(el: &Element<'_>) -> Tools {
    let legacy: Vec<Tool> = el
        .children_named("tool")
        .map(|t| Tool {
            vendor: t.child_text("vendor"),
            group: None,
            name: t.child_text("name"),
            version: t.child_text("version"),
        })
        .collect();
    let as_tool = |c: &Element<'_>| Tool {
        vendor: None,
        group: c.child_text("group"),
        name: c.child_text("name"),
        version: c.child_text("version"),
    };
    let components: Vec<Tool> = el
        .children_named("components")
        .flat_map(|list| list.children_named("component"))
        .map(as_tool)
        .collect();
    let services: Vec<Tool> = el
        .children_named("services")
        .flat_map(|list| list.children_named("service"))
        .map(as_tool)
        .collect();
    let modern = el
        .children
        .iter()
        .any(|c| matches!(c.name(), "components" | "services"));
    if modern {
        let mut components = components;
        components.extend(legacy);
        Tools::Modern {
            components,
            services,
        }
    } else if !legacy.is_empty() {
        Tools::Legacy(legacy)
    } else {
        Tools::None
    }
}

/// An organisational entity or contact: `name` and `email` (URLs are not used).
fn map_party(el: &Element<'_>) -> Party {
    let mut p = Party::default();
    for child in &el.children {
        match child.name() {
            "name" => first(&mut p.name, || child.text_string()),
            "email" => first(&mut p.email, || child.text_string()),
            _ => {}
        }
    }
    p
}

fn map_components(list: &Element<'_>) -> Vec<Component> {
    list.children_named("component")
        .map(map_component)
        .collect()
}

fn map_component(el: &Element<'_>) -> Component {
    let mut c = Component {
        kind: el.attr_string("type"),
        bom_ref: el.attr_string("bom-ref"),
        ..Component::default()
    };
    for child in &el.children {
        match child.name() {
            "supplier" => first(&mut c.supplier, || map_party(child)),
            "manufacturer" => first(&mut c.manufacturer, || map_party(child)),
            "author" => first(&mut c.author, || child.text_string()),
            "authors" => c
                .authors
                .extend(child.children_named("author").map(map_party)),
            "publisher" => first(&mut c.publisher, || child.text_string()),
            "group" => first(&mut c.group, || child.text_string()),
            "name" => first(&mut c.name, || child.text_string()),
            "version" => first(&mut c.version, || child.text_string()),
            "scope" => first(&mut c.scope, || child.text_string()),
            "hashes" => c.hashes.extend(map_hashes(child)),
            "licenses" => map_licenses(child, &mut c.licenses),
            "cpe" => first(&mut c.cpe, || child.text_string()),
            "purl" => first(&mut c.purl, || child.text_string()),
            "swid" => first(&mut c.swid, || Swid {
                tag_id: child.attr_string("tagId"),
            }),
            "externalReferences" => {
                c.external_references
                    .extend(
                        child
                            .children_named("reference")
                            .map(|r| ExternalReference {
                                kind: r.attr_string("type"),
                                url: r.child_text("url"),
                                hashes: r.child("hashes").map(map_hashes).unwrap_or_default(),
                            }),
                    )
            }
            "properties" => c
                .properties
                .extend(child.children_named("property").map(|p| Property {
                    name: p.attr_string("name"),
                    value: Some(p.text_string()),
                })),
            "components" => c.components.extend(map_components(child)),
            _ => {}
        }
    }
    c
}

fn map_hashes(el: &Element<'_>) -> Vec<HashEntry> {
    el.children_named("hash")
        .map(|h| HashEntry {
            alg: h.attr_string("alg"),
            content: Some(h.text_string()),
        })
        .collect()
}

/// `<license>` (with `<id>` or `<name>`) and `<expression>` entries, each with
/// an optional `acknowledgement` attribute (1.6).
fn map_licenses(el: &Element<'_>, out: &mut Vec<LicenseChoice>) {
    for child in &el.children {
        match child.name() {
            "license" => out.push(LicenseChoice {
                license: Some(LicenseBody {
                    id: child.child_text("id"),
                    name: child.child_text("name"),
                    acknowledgement: child.attr_string("acknowledgement"),
                }),
                ..LicenseChoice::default()
            }),
            "expression" => out.push(LicenseChoice {
                expression: Some(child.text_string()),
                acknowledgement: child.attr_string("acknowledgement"),
                ..LicenseChoice::default()
            }),
            _ => {}
        }
    }
}

/// `<dependency ref="a"><dependency ref="b"/></dependency>` is `a` depending on
/// `b`. Only one level of nesting is valid; deeper levels are read as entries
/// of their own so no edge is lost.
fn flatten_dependency(
    el: &Element<'_>,
    path: &str,
    out: &mut Vec<Dependency>,
    warnings: &mut Vec<String>,
) {
    let index = out.len();
    out.push(Dependency {
        reference: el.attr_string("ref"),
        depends_on: Vec::new(),
    });
    for (i, child) in el.children_named("dependency").enumerate() {
        let child_path = format!("{path}/dependency[{}]", i + 1);
        match child.attr_string("ref").filter(|r| !r.is_empty()) {
            Some(r) => out[index].depends_on.push(r),
            None => warnings.push(format!("{child_path}: a dependency has no `ref`; skipped")),
        }
        if child.child("dependency").is_some() {
            flatten_dependency(child, &child_path, out, warnings);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::test_corpus;
    use crate::model::{Ecosystem, HashAlg, LicenseKind, RefKind, Scope};
    use proptest::prelude::*;

    const FULL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!-- every field the reader maps -->
<bom xmlns="http://cyclonedx.org/schema/bom/1.5" xmlns:ext="urn:example:extension"
     serialNumber="urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79" version="7">
  <metadata>
    <timestamp>
      2024-01-02T03:04:05Z
    </timestamp>
    <tools>
      <components>
        <component type="application">
          <group>acme</group>
          <name>sbom-gen</name>
          <version>2.1</version>
        </component>
      </components>
    </tools>
    <authors>
      <author><name>Jane Doe</name><email>jane@example.org</email></author>
    </authors>
    <component type="application" bom-ref="app">
      <supplier><name>Acme Corp</name><url>https://acme.example</url></supplier>
      <name>app</name>
      <version>1.0.0</version>
    </component>
    <manufacture><name>Acme Manufacturing</name></manufacture>
  </metadata>
  <components>
    <component type="library" bom-ref="pkg:npm/left-pad@1.3.0">
      <supplier><name>Left Pad Org</name></supplier>
      <author>Alice</author>
      <publisher>npm publisher</publisher>
      <name>left-pad</name>
      <version>1.3.0</version>
      <scope>optional</scope>
      <hashes>
        <hash alg="SHA-256">E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855</hash>
      </hashes>
      <licenses>
        <license acknowledgement="concluded"><id>MIT</id></license>
      </licenses>
      <cpe>cpe:2.3:a:left-pad:left-pad:1.3.0:*:*:*:*:*:*:*</cpe>
      <purl>pkg:npm/left-pad@1.3.0</purl>
      <swid tagId="swidgen-left-pad-1.3.0" name="left-pad"/>
      <externalReferences>
        <reference type="vcs"><url>https://git.example/left-pad.git</url></reference>
        <reference type="distribution">
          <url>https://npm.registry.example/left-pad/-/left-pad-1.3.0.tgz</url>
          <hashes><hash alg="SHA-512">ABCD</hash></hashes>
        </reference>
      </externalReferences>
      <properties>
        <property name="cdx:npm:package:development">true</property>
        <property name="empty"/>
      </properties>
      <ext:annotation><ext:name>not a CycloneDX field</ext:name></ext:annotation>
      <components>
        <component type="file" bom-ref="nested-file">
          <name>index.js</name>
          <hashes><hash alg="SHA-1">da39a3ee5e6b4b0d3255bfef95601890afd80709</hash></hashes>
        </component>
      </components>
    </component>
    <component type="library" bom-ref="lib-b">
      <manufacturer><name>B Makers</name></manufacturer>
      <authors><author><name>Bob</name></author></authors>
      <name>lib-b</name>
      <version>2.0</version>
      <licenses>
        <expression>Apache-2.0 OR MIT</expression>
      </licenses>
      <unknownElement attr="x"><name>ignored</name></unknownElement>
    </component>
    <component type="library" bom-ref="odd">
      <name> tom &amp; jerry &#x263A;<![CDATA[ <x>]]> </name>
      <scope>excluded</scope>
      <licenses><license><name>Custom Licence</name></license></licenses>
    </component>
  </components>
  <dependencies>
    <dependency ref="app">
      <dependency ref="pkg:npm/left-pad@1.3.0"/>
      <dependency ref="lib-b"/>
    </dependency>
    <dependency ref="lib-b">
      <dependency ref="pkg:npm/left-pad@1.3.0">
        <dependency ref="odd"/>
      </dependency>
    </dependency>
  </dependencies>
  <compositions>
    <composition><aggregate>complete</aggregate></composition>
  </compositions>
</bom>
"#;

    fn edge(a: &str, b: &str) -> (String, String) {
        (a.to_string(), b.to_string())
    }

    #[test]
    fn reads_every_mapped_field() {
        let doc = parse_xml(FULL.as_bytes()).unwrap();
        assert_eq!(doc.format, Some(Format::CyclonedxXml));
        assert_eq!(doc.spec_version.as_deref(), Some("1.5"));
        assert!(doc.warnings.is_empty(), "{:?}", doc.warnings);

        let meta = &doc.meta;
        assert_eq!(
            meta.serial.as_deref(),
            Some("urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79")
        );
        assert_eq!(meta.timestamp.as_deref(), Some("2024-01-02T03:04:05Z"));
        assert_eq!(meta.tools, vec!["acme/sbom-gen 2.1".to_string()]);
        assert_eq!(meta.authors, vec!["Jane Doe".to_string()]);
        assert_eq!(meta.primary.as_deref(), Some("app"));
        assert_eq!(meta.subject_name.as_deref(), Some("app"));
        assert_eq!(meta.subject_version.as_deref(), Some("1.0.0"));
        assert_eq!(meta.subject_supplier.as_deref(), Some("Acme Corp"));
        assert!(meta.has_dependency_graph);
        assert!(meta.completeness_declared);
        assert_eq!(doc.roots, vec!["app".to_string()]);

        let names: Vec<&str> = doc.components.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            ["left-pad", "index.js", "lib-b", "tom & jerry ☺ <x>"]
        );
        assert_eq!(doc.parents, vec![None, Some(0), None, None]);

        let pad = &doc.components[0];
        assert_eq!(pad.bom_ref.as_deref(), Some("pkg:npm/left-pad@1.3.0"));
        assert_eq!(pad.version.as_deref(), Some("1.3.0"));
        assert_eq!(pad.kind.as_deref(), Some("library"));
        assert_eq!(pad.purl.as_deref(), Some("pkg:npm/left-pad@1.3.0"));
        assert_eq!(pad.ecosystem, Ecosystem::Npm);
        assert_eq!(pad.supplier.as_deref(), Some("Left Pad Org"));
        assert_eq!(pad.rare.authors, vec!["Alice".to_string()]);
        assert_eq!(
            pad.cpe.as_deref(),
            Some("cpe:2.3:a:left-pad:left-pad:1.3.0:*:*:*:*:*:*:*")
        );
        assert_eq!(pad.rare.swid.as_deref(), Some("swidgen-left-pad-1.3.0"));
        // The development property outranks the optional scope.
        assert_eq!(pad.scope, Scope::Dev);
        assert!(pad.has_own_bom, "nested components");
        let hashes = pad.hash_pairs();
        assert_eq!(
            hashes,
            [
                (
                    HashAlg::Sha256,
                    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
                ),
                (HashAlg::Sha512, "abcd"),
            ]
        );
        assert_eq!(pad.licenses.len(), 1);
        assert_eq!(pad.licenses[0].kind, LicenseKind::Concluded);
        assert_eq!(pad.licenses[0].raw, "MIT");
        let refs = pad.reference_pairs();
        assert_eq!(
            refs,
            [
                (RefKind::Vcs, "https://git.example/left-pad.git"),
                (
                    RefKind::Distribution,
                    "https://npm.registry.example/left-pad/-/left-pad-1.3.0.tgz"
                ),
            ]
        );
        assert_eq!(pad.locations[0].pointer, "/bom/components/component[1]");

        let file = &doc.components[1];
        assert_eq!(file.bom_ref.as_deref(), Some("nested-file"));
        assert_eq!(file.kind.as_deref(), Some("file"));
        assert_eq!(file.hashes[0].alg, HashAlg::Sha1);
        assert_eq!(
            file.locations[0].pointer,
            "/bom/components/component[1]/components/component[1]"
        );

        let b = &doc.components[2];
        assert_eq!(b.supplier.as_deref(), Some("B Makers"));
        assert_eq!(b.rare.authors, vec!["Bob".to_string()]);
        assert_eq!(b.licenses[0].kind, LicenseKind::Declared);
        assert_eq!(b.licenses[0].raw, "Apache-2.0 OR MIT");
        assert_eq!(b.scope, Scope::Required);
        assert!(!b.has_own_bom);

        let odd = &doc.components[3];
        assert_eq!(odd.scope, Scope::Excluded);
        assert_eq!(odd.licenses[0].raw, "Custom Licence");
        assert_eq!(odd.purl, None);

        for e in [
            edge("pkg:npm/left-pad@1.3.0", "nested-file"),
            edge("app", "pkg:npm/left-pad@1.3.0"),
            edge("app", "lib-b"),
            edge("lib-b", "pkg:npm/left-pad@1.3.0"),
            edge("pkg:npm/left-pad@1.3.0", "odd"),
        ] {
            assert!(doc.edges.contains(&e), "missing {e:?} in {:?}", doc.edges);
        }
        assert_eq!(doc.edges.len(), 5, "{:?}", doc.edges);
    }

    #[test]
    fn legacy_tools_prefixed_names_and_byte_order_mark() {
        let xml = "\u{feff}<?xml version=\"1.0\"?>\n\
            <c:bom xmlns:c=\"http://cyclonedx.org/schema/bom/1.3\" version=\"1\">\
            <c:metadata><c:tools><c:tool><c:vendor>CycloneDX</c:vendor><c:name>Node.js module</c:name>\
            <c:version>2.0.0</c:version></c:tool></c:tools>\
            <c:manufacture><c:name>Maker</c:name></c:manufacture></c:metadata>\
            <c:components><c:component type=\"library\"><c:name>a</c:name></c:component>\
            <c:component type=\"library\"><c:name>b</c:name></c:component></c:components></c:bom>";
        let doc = parse_xml(xml.as_bytes()).unwrap();
        assert_eq!(doc.spec_version.as_deref(), Some("1.3"));
        assert_eq!(
            doc.meta.tools,
            vec!["CycloneDX/Node.js module 2.0.0".to_string()]
        );
        assert_eq!(doc.meta.authors, vec!["Maker".to_string()]);
        assert_eq!(doc.components.len(), 2);
        assert_eq!(
            doc.components[1].locations[0].pointer,
            "/bom/components/component[2]"
        );
        assert!(!doc.meta.has_dependency_graph);
        assert!(!doc.meta.completeness_declared);

        // Positions count the byte-order mark.
        let bad = "\u{feff}<bom xmlns=\"http://cyclonedx.org/schema/bom/1.4\">\n  <x></y>\n</bom>";
        let err = parse_xml(bad.as_bytes()).unwrap_err();
        assert_eq!(err.position.as_ref().and_then(|p| p.line), Some(2), "{err}");
    }

    #[test]
    fn trailing_text_after_root_is_a_warning() {
        let xml = "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.6\"><components>\
                   <component><name>a</name></component></components></bom>\n\
                   <!-- fine -->\nContact Us";
        let doc = parse_xml(xml.as_bytes()).unwrap();
        assert_eq!(doc.components.len(), 1);
        assert_eq!(doc.warnings.len(), 1, "{:?}", doc.warnings);
        assert!(
            doc.warnings[0].starts_with("line 3, column 1: trailing data"),
            "{:?}",
            doc.warnings
        );
    }

    #[test]
    fn nested_dependency_without_ref_is_skipped_with_a_warning() {
        let xml = r#"<bom xmlns="http://cyclonedx.org/schema/bom/1.4">
          <components><component bom-ref="a"><name>a</name></component></components>
          <dependencies><dependency ref="a"><dependency/><dependency ref="b"/></dependency></dependencies>
        </bom>"#;
        let doc = parse_xml(xml.as_bytes()).unwrap();
        assert_eq!(doc.edges, vec![edge("a", "b")]);
        assert_eq!(
            doc.warnings,
            vec![
                "/bom/dependencies/dependency[1]/dependency[1]: a dependency has no `ref`; skipped"
                    .to_string()
            ]
        );
    }

    /// A CycloneDX XML file of the corpus subset in fixtures/corpus.
    fn subset(name: &str) -> Vec<u8> {
        test_corpus::file(&format!("cyclonedx/xml/{name}")).1
    }

    /// A file only the full corpus holds (its one CycloneDX 1.4 XML), when
    /// it is present.
    fn full(name: &str) -> Option<Vec<u8>> {
        test_corpus::full_file(&format!("cyclonedx/xml/{name}")).map(|(_, b)| b)
    }

    #[test]
    fn corpus_component_counts() {
        let cases = [
            ("cern-lhc-vdm-editor.cdx12.xml", "1.2", 43),
            ("npm-bundled-dependencies-bare.cdx13.xml", "1.3", 52),
            ("perl-container-syft.cdx14.xml", "1.4", 419),
            ("laravel-7.12.0.cdx11.xml", "1.1", 62),
        ];
        let subset = cases
            .iter()
            .filter(|(name, _, _)| !name.starts_with("perl"))
            .map(|&(name, version, count)| (name, version, count, subset(name)));
        let full = cases
            .iter()
            .filter(|(name, _, _)| name.starts_with("perl"))
            .filter_map(|&(name, version, count)| full(name).map(|b| (name, version, count, b)));
        for (name, version, count, bytes) in subset.chain(full) {
            let doc = parse_xml(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(doc.spec_version.as_deref(), Some(version), "{name}");
            assert_eq!(doc.components.len(), count, "{name}");
            assert_eq!(doc.parents.len(), count, "{name}");
            let outside = doc
                .warnings
                .iter()
                .any(|w| w.contains("outside the supported"));
            assert_eq!(outside, version == "1.1", "{name}: {:?}", doc.warnings);
        }
    }

    #[test]
    fn corpus_details() {
        {
            let bytes = subset("cern-lhc-vdm-editor.cdx12.xml");
            let doc = parse_xml(&bytes).unwrap();
            assert_eq!(
                doc.meta.tools,
                vec!["CycloneDX/Node.js module 2.0.0".to_string()]
            );
            assert_eq!(
                doc.meta.primary.as_deref(),
                Some("pkg:npm/lhc-vdm-editor@0.0.1")
            );
            assert_eq!(
                doc.meta.timestamp.as_deref(),
                Some("2020-08-03T01:28:47.678Z")
            );
            assert!(doc.components.iter().all(|c| c.ecosystem == Ecosystem::Npm));
            assert_eq!(
                doc.components
                    .iter()
                    .filter(|c| !c.hashes.is_empty())
                    .count(),
                43
            );
        }
        {
            let bytes = subset("npm-bundled-dependencies-bare.cdx13.xml");
            let doc = parse_xml(&bytes).unwrap();
            assert_eq!(doc.meta.tools.len(), 3);
            assert!(doc.meta.has_dependency_graph);
            assert!(!doc.edges.is_empty());
            assert!(doc.parents.iter().any(Option::is_some), "bundled = nested");
        }
        if let Some(bytes) = full("perl-container-syft.cdx14.xml") {
            let doc = parse_xml(&bytes).unwrap();
            assert_eq!(doc.meta.authors, vec!["RKVST, Inc".to_string()]);
            assert_eq!(doc.meta.subject_supplier.as_deref(), Some("dockerhub"));
            let deb = doc
                .components
                .iter()
                .filter(|c| c.ecosystem == Ecosystem::Deb)
                .count();
            assert_eq!(deb, 412);
            let pypi = doc
                .components
                .iter()
                .filter(|c| c.ecosystem == Ecosystem::Pypi)
                .count();
            assert_eq!(pypi, 6);
            let unlicensed = doc
                .components
                .iter()
                .filter(|c| c.licenses.is_empty())
                .count();
            assert_eq!(unlicensed, 154);
        }
        {
            let bytes = subset("laravel-7.12.0.cdx11.xml");
            let doc = parse_xml(&bytes).unwrap();
            let first = &doc.components[0];
            assert_eq!(first.namespace.as_deref(), Some("asm89"));
            assert_eq!(first.name, "stack-cors");
            assert_eq!(
                first.purl.as_deref(),
                Some("pkg:composer/asm89/stack-cors@1.3.0")
            );
        }
    }

    fn error_of(xml: &str) -> InputError {
        parse_xml(xml.as_bytes()).expect_err("expected an error")
    }

    fn line_of(e: &InputError) -> Option<usize> {
        e.position.as_ref().and_then(|p| p.line)
    }

    #[test]
    fn truncated_documents_name_what_was_expected() {
        // Cut inside character data: an element is left open.
        let cut = &FULL[..FULL.find("<version>1.3.0").unwrap() + 12];
        let e = error_of(cut);
        assert!(e.message.starts_with("unexpected end of file"), "{e}");
        assert!(e.message.contains("`</version>`"), "{e}");
        assert_eq!(line_of(&e), Some(cut.lines().count()), "{e}");

        // Cut inside a tag.
        let cut = &FULL[..FULL.find("<purl>").unwrap() + 3];
        let e = error_of(cut);
        assert!(e.message.contains("malformed XML"), "{e}");
        assert!(line_of(&e).is_some(), "{e}");

        // Cut after a closed element but before `</bom>`.
        let cut = &FULL[..FULL.find("</components>\n  <dependencies>").unwrap()];
        let e = error_of(cut);
        assert!(e.message.contains("expected `</components>`"), "{e}");
    }

    #[test]
    fn mismatched_tags_are_errors_with_position() {
        let xml = "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.4\">\n<components>\n  <component><name>a</nam></component>\n</components></bom>";
        let e = error_of(xml);
        assert!(e.message.contains("expected `</name>`"), "{e}");
        assert!(e.message.contains("found `</nam>`"), "{e}");
        assert!(e.message.contains("line 3, column 14"), "{e}");
        assert_eq!(line_of(&e), Some(3), "{e}");

        let e = error_of("<bom xmlns=\"http://cyclonedx.org/schema/bom/1.4\"></components></bom>");
        assert!(e.message.contains("`</components>`"), "{e}");
    }

    #[test]
    fn too_deep_nesting_is_an_error() {
        let depth = MAX_DEPTH + 10;
        let mut xml = String::from("<bom xmlns=\"http://cyclonedx.org/schema/bom/1.4\">\n");
        for _ in 1..depth {
            xml.push_str("<components>");
        }
        for _ in 1..depth {
            xml.push_str("</components>");
        }
        xml.push_str("</bom>");
        let e = error_of(&xml);
        assert!(
            e.message
                .starts_with(&format!("XML nesting deeper than {MAX_DEPTH}")),
            "{e}"
        );
        assert_eq!(line_of(&e), Some(2));
        let column = e.position.as_ref().and_then(|p| p.column);
        assert_eq!(column, Some(1 + (MAX_DEPTH - 1) * "<components>".len()));

        // Exactly at the limit is fine.
        let mut ok = String::from("<bom xmlns=\"http://cyclonedx.org/schema/bom/1.4\">");
        ok.push_str(&"<x>".repeat(MAX_DEPTH - 1));
        ok.push_str(&"</x>".repeat(MAX_DEPTH - 1));
        ok.push_str("</bom>");
        assert!(parse_xml(ok.as_bytes()).is_ok());
    }

    #[test]
    fn the_root_must_be_a_cyclonedx_bom() {
        let e = error_of(
            "<?xml version=\"1.0\"?>\n<project xmlns=\"http://maven.apache.org/POM/4.0.0\"/>",
        );
        assert!(
            e.message
                .contains("expected a CycloneDX `<bom>` root element"),
            "{e}"
        );
        assert!(e.message.contains("`<project>`"), "{e}");
        assert_eq!(line_of(&e), Some(2));

        let e = error_of("<bom xmlns=\"urn:example:not-cyclonedx\"></bom>");
        assert!(
            e.message
                .contains("namespace \"urn:example:not-cyclonedx\""),
            "{e}"
        );
        assert!(
            e.message.contains("http://cyclonedx.org/schema/bom/1.x"),
            "{e}"
        );

        let e = error_of("<bom version=\"1\"></bom>");
        assert!(e.message.contains("no namespace"), "{e}");

        let e = error_of("<?xml version=\"1.0\"?>\n<!-- nothing -->\n");
        assert!(
            e.message
                .contains("expected a CycloneDX `<bom>` root element"),
            "{e}"
        );

        let e = error_of("not xml at all");
        assert!(e.message.contains("found text"), "{e}");
    }

    #[test]
    fn bad_entities_and_encoding_are_errors_with_position() {
        let e = error_of(
            "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.4\">\n <components><component><name>&nbsp;</name></component></components></bom>",
        );
        assert!(e.message.contains("unknown entity `&nbsp;`"), "{e}");
        assert_eq!(line_of(&e), Some(2));

        let e = error_of(
            "<bom xmlns=\"http://cyclonedx.org/schema/bom/1.4\"><components><component bom-ref=\"a&bogus;\"/></components></bom>",
        );
        assert!(e.message.contains("attribute"), "{e}");
        assert_eq!(line_of(&e), Some(1));

        let mut bytes =
            b"<bom xmlns=\"http://cyclonedx.org/schema/bom/1.4\">\n<components><component><name>"
                .to_vec();
        bytes.extend_from_slice(&[0xff, 0xfe]);
        bytes.extend_from_slice(b"</name></component></components></bom>");
        let e = parse_xml(&bytes).unwrap_err();
        assert!(e.message.contains("UTF-8"), "{e}");
        assert!(line_of(&e).is_some(), "{e}");
    }

    #[test]
    fn dependencies_in_cyclonedx_1_1_layout_and_empty_bom() {
        let doc = parse_xml(b"<bom xmlns=\"http://cyclonedx.org/schema/bom/1.4\"/>").unwrap();
        assert!(doc.components.is_empty());
        let doc = parse_xml(b"<bom xmlns=\"http://cyclonedx.org/schema/bom/\"/>").unwrap();
        assert_eq!(doc.spec_version, None);
        assert!(
            doc.warnings
                .iter()
                .any(|w| w.contains("names no CycloneDX version"))
        );
    }

    #[test]
    fn every_truncation_of_a_valid_bom_is_an_error_with_a_line() {
        let end = FULL.trim_end().len();
        for cut in 0..end {
            let e = parse_xml(&FULL.as_bytes()[..cut]).expect_err("a strict prefix lacks `</bom>`");
            assert!(line_of(&e).is_some(), "cut at {cut}: {e}");
        }
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = parse_xml(&bytes);
        }

        #[test]
        fn arbitrary_markup_never_panics(body in "[<>/a-z =\"'&;#x0-9!\\[\\]?\n-]{0,300}") {
            let xml = format!("<bom xmlns=\"http://cyclonedx.org/schema/bom/1.5\"><components>{body}");
            let _ = parse_xml(xml.as_bytes());
        }
    }
}
