//! Duplicated keys in JSON objects. RFC 8259 leaves their meaning open and
//! serde_json's `Value` keeps only the last one, which silently drops a whole
//! `components` array written twice. The tolerant readers instead combine
//! the duplicates (lists one after the other, objects member by member) and
//! say where both were written.

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::cell::Cell;
use std::collections::HashMap;
use std::fmt;

use crate::model::Position;

/// Duplicates named one by one; the rest are counted.
const MAX_NAMED: usize = 10;

/// Longest key quoted in a warning, in characters.
const MAX_KEY_CHARS: usize = 64;

/// Reads a JSON value like `Value`'s own deserializer, but combines a key
/// written twice in one object instead of keeping the last: two arrays are
/// concatenated, two objects merged member by member (the later member wins),
/// anything else is the later value. `combined` counts the duplicates met.
pub struct Combining<'a> {
    pub combined: &'a Cell<usize>,
}

impl<'de> DeserializeSeed<'de> for Combining<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Combining<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(Combining {
            combined: self.combined,
        })? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(Combining {
                combined: self.combined,
            })?;
            match out.get_mut(&key) {
                Some(earlier) => {
                    self.combined.set(self.combined.get() + 1);
                    combine(earlier, value);
                }
                None => {
                    out.insert(key, value);
                }
            }
        }
        Ok(Value::Object(out))
    }
}

fn combine(earlier: &mut Value, later: Value) {
    match (earlier, later) {
        (Value::Array(a), Value::Array(b)) => a.extend(b),
        (Value::Object(a), Value::Object(b)) => a.extend(b),
        (earlier, later) => *earlier = later,
    }
}

/// What a value starts as, enough to say how two duplicates were combined.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Array,
    Object,
    Scalar,
}

/// One open array or object while scanning.
enum Frame {
    Array {
        index: usize,
    },
    Object {
        /// Each key seen so far: its offset and the kind of its value.
        keys: HashMap<String, (usize, Kind)>,
        /// The key whose value comes next or is being read.
        current: Option<String>,
        expect_key: bool,
    },
}

/// A key met a second time in the same object.
struct Duplicate {
    key: String,
    /// JSON pointer of the object holding it.
    within: String,
    first: usize,
    again: usize,
    first_kind: Kind,
    again_kind: Kind,
}

/// One warning per duplicated key of `bytes` (the first JSON value of it,
/// already known to be valid JSON), naming the line and column of both.
pub fn warnings(bytes: &[u8]) -> Vec<String> {
    let found = scan(bytes);
    let mut out: Vec<String> = found
        .iter()
        .take(MAX_NAMED)
        .map(|d| {
            let within = if d.within.is_empty() {
                "at the top level".to_string()
            } else {
                format!("in {}", d.within)
            };
            let how = match (d.first_kind, d.again_kind) {
                (Kind::Array, Kind::Array) => "both lists are read",
                (Kind::Object, Kind::Object) => {
                    "both are read, the later member winning where they share one"
                }
                _ => "only the later value is read",
            };
            format!(
                "{} and {}: key {} written twice {within}; {how}",
                Position::at_offset(bytes, d.first),
                Position::at_offset(bytes, d.again),
                quoted(&d.key),
            )
        })
        .collect();
    if found.len() > MAX_NAMED {
        out.push(format!(
            "{} more duplicated keys, combined the same way",
            found.len() - MAX_NAMED
        ));
    }
    out
}

/// A key as a quoted, escaped string, cut short when long.
fn quoted(key: &str) -> String {
    if key.chars().count() <= MAX_KEY_CHARS {
        format!("{key:?}")
    } else {
        let cut: String = key.chars().take(MAX_KEY_CHARS).collect();
        format!("{cut:?}…")
    }
}

fn scan(bytes: &[u8]) -> Vec<Duplicate> {
    let mut found = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                let end = string_end(bytes, i);
                let earlier = match stack.last() {
                    Some(Frame::Object {
                        keys,
                        expect_key: true,
                        ..
                    }) => Some(keys),
                    _ => None,
                };
                if let Some(keys) = earlier {
                    let key = decode_key(&bytes[i..end]);
                    let kind = value_kind(bytes, end);
                    if let Some(&(first, first_kind)) = keys.get(&key) {
                        found.push(Duplicate {
                            key: key.clone(),
                            within: pointer(&stack[..stack.len() - 1]),
                            first,
                            again: i,
                            first_kind,
                            again_kind: kind,
                        });
                    }
                    if let Some(Frame::Object {
                        keys,
                        current,
                        expect_key,
                    }) = stack.last_mut()
                    {
                        *expect_key = false;
                        keys.insert(key.clone(), (i, kind));
                        *current = Some(key);
                    }
                } else if stack.is_empty() {
                    return found;
                }
                i = end;
                continue;
            }
            b'{' => stack.push(Frame::Object {
                keys: HashMap::new(),
                current: None,
                expect_key: true,
            }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
                if stack.is_empty() {
                    return found;
                }
            }
            b',' => match stack.last_mut() {
                Some(Frame::Array { index }) => *index += 1,
                Some(Frame::Object { expect_key, .. }) => *expect_key = true,
                None => return found,
            },
            _ => {}
        }
        i += 1;
    }
    found
}

/// The offset just past the string starting at `start` (its opening quote).
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return i + 1,
            _ => i += 1,
        }
    }
    bytes.len()
}

/// A key's text from its quoted form (escapes decoded).
fn decode_key(quoted: &[u8]) -> String {
    let inner = &quoted[1..quoted.len().saturating_sub(1).max(1)];
    if !inner.contains(&b'\\') {
        return String::from_utf8_lossy(inner).into_owned();
    }
    serde_json::from_slice::<String>(quoted)
        .unwrap_or_else(|_| String::from_utf8_lossy(inner).into_owned())
}

/// The kind of the value after the `:` that follows a key ending at `from`.
fn value_kind(bytes: &[u8], from: usize) -> Kind {
    let next = bytes[from.min(bytes.len())..]
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace() && *b != b':');
    match next {
        Some(b'[') => Kind::Array,
        Some(b'{') => Kind::Object,
        _ => Kind::Scalar,
    }
}

/// The JSON pointer of the innermost frame of `frames`.
fn pointer(frames: &[Frame]) -> String {
    let mut s = String::new();
    for f in frames {
        s.push('/');
        match f {
            Frame::Array { index } => s.push_str(&index.to_string()),
            Frame::Object { current, .. } => {
                let key = current.as_deref().unwrap_or("");
                s.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn combined(text: &str) -> (Value, usize) {
        let count = Cell::new(0);
        let mut de = serde_json::Deserializer::from_str(text);
        let v = Combining { combined: &count }.deserialize(&mut de).unwrap();
        (v, count.get())
    }

    #[test]
    fn duplicates_are_combined() {
        let (v, n) = combined(
            r#"{"list":[1],"obj":{"a":1,"b":1},"s":"x","list":[2,3],"obj":{"b":2,"c":2},"s":"y",
                "deep":{"l":[1],"l":[2]}}"#,
        );
        assert_eq!(
            v,
            serde_json::json!({"list":[1,2,3],"obj":{"a":1,"b":2,"c":2},"s":"y","deep":{"l":[1,2]}})
        );
        assert_eq!(n, 4);
        let (_, n) = combined(r#"{"a":[1],"b":{"a":[2]}}"#);
        assert_eq!(n, 0, "the same key in different objects is no duplicate");
    }

    #[test]
    fn warnings_name_both_positions() {
        let text = "{\n  \"components\": [{\"name\": \"a\"}],\n  \"x\": {\"n\": 1, \"n\": 2},\n  \"components\": []\n}";
        let w = warnings(text.as_bytes());
        assert_eq!(
            w,
            [
                "line 3, column 9 and line 3, column 17: key \"n\" written twice in /x; only the later value is read",
                "line 2, column 3 and line 4, column 3: key \"components\" written twice at the top level; both lists are read",
            ]
        );
    }

    #[test]
    fn strings_with_quotes_brackets_and_escaped_keys() {
        let text = r#"{"a\"b": "}{[,", "k": ["{\"", ","], "a\u0022b": 1, "arr": [{"x":1,"x":2}, {"x":3}]}"#;
        let w = warnings(text.as_bytes());
        assert_eq!(w.len(), 2, "{w:?}");
        assert!(
            w[0].contains(r#"key "a\"b" written twice at the top level"#),
            "{w:?}"
        );
        assert!(w[1].contains("in /arr/0"), "{w:?}");
        // Only the first value is scanned, as only it is read.
        assert!(warnings(br#"{"a":1} {"a":1,"a":2}"#).is_empty());
    }

    #[test]
    fn many_duplicates_are_counted_not_listed() {
        let mut text = String::from("{");
        for _ in 0..30 {
            text.push_str("\"k\":1,");
        }
        text.push_str("\"end\":1}");
        let w = warnings(text.as_bytes());
        assert_eq!(w.len(), MAX_NAMED + 1);
        assert_eq!(
            w[MAX_NAMED],
            "19 more duplicated keys, combined the same way"
        );
    }

    #[test]
    fn long_keys_are_cut() {
        let key = "k".repeat(500);
        let text = format!("{{\"{key}\":1,\"{key}\":2}}");
        let w = warnings(text.as_bytes());
        assert!(w[0].len() < 250, "{}", w[0]);
        assert!(w[0].contains("…"), "{}", w[0]);
    }
}
