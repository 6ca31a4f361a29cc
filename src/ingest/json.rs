//! Shared JSON plumbing for the JSON readers: a fast typed pass, JSON-pointer
//! positions for type errors, and a tolerant pass that skips only the entries
//! that do not fit.

use serde::de::{DeserializeOwned, DeserializeSeed};
use std::cell::Cell;
use std::marker::PhantomData;

use super::duplicate_keys::{self, Combining};
use crate::model::{InputError, Position};

/// Turns serde_path_to_error's path (`components[3].hashes`) into a JSON pointer.
pub fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut s = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => {
                s.push('/');
                s.push_str(&index.to_string());
            }
            Segment::Map { key } => {
                s.push('/');
                s.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    s
}

/// Outcome of the typed pass.
pub enum Typed<T> {
    /// The whole document fit the model; `trailing` warns about text after it.
    Ok { value: T, trailing: Option<String> },
    /// The document is valid JSON but some value has the wrong shape: the
    /// caller should retry tolerantly. Carries the first error for its warning.
    Mismatch(InputError),
}

/// Parses `bytes` into `T`. Syntax errors (including truncation and nesting
/// deeper than serde_json's limit of 128) fail with their position.
pub fn parse_typed<T: DeserializeOwned>(bytes: &[u8]) -> Result<Typed<T>, InputError> {
    parse_seeded(bytes, PhantomData::<T>::default)
}

/// [`parse_typed`] with a seed, for readers that convert entries while they
/// are read instead of holding the whole typed document. The fast path is
/// plain serde_json; only a failed parse is run again, with a fresh seed and
/// path tracking, to name the JSON pointer of the offending value.
pub fn parse_seeded<S, V>(bytes: &[u8], mut seed: impl FnMut() -> S) -> Result<Typed<V>, InputError>
where
    S: for<'de> DeserializeSeed<'de, Value = V>,
{
    let mut de = serde_json::Deserializer::from_slice(bytes);
    if let Ok(value) = seed().deserialize(&mut de) {
        let trailing = de.end().err().map(|e| {
            format!(
                "{}: trailing data after the JSON document was ignored",
                Position::line_col(e.line(), e.column())
            )
        });
        return Ok(Typed::Ok { value, trailing });
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let mut track = serde_path_to_error::Track::new();
    let result = seed().deserialize(serde_path_to_error::Deserializer::new(&mut de, &mut track));
    match result {
        Ok(value) => Ok(Typed::Ok {
            value,
            trailing: None,
        }),
        Err(inner) => {
            let pointer = pointer_of(&track.path());
            let err = InputError::from_json(&inner, Some(pointer));
            if inner.is_data() {
                Ok(Typed::Mismatch(err))
            } else {
                Err(err)
            }
        }
    }
}

/// Parses the first JSON value of `bytes` as a generic value for the tolerant
/// pass. A key written twice in one object is combined rather than dropped
/// (see [`duplicate_keys`]), with a warning naming where both were written;
/// text after the value is warned about like [`parse_typed`].
pub fn parse_value(bytes: &[u8]) -> Result<(serde_json::Value, Vec<String>), InputError> {
    let combined = Cell::new(0);
    let (value, trailing) = match parse_seeded(bytes, || Combining {
        combined: &combined,
    })? {
        Typed::Ok { value, trailing } => (value, trailing),
        Typed::Mismatch(e) => return Err(e),
    };
    let mut warnings = if combined.get() > 0 {
        duplicate_keys::warnings(bytes)
    } else {
        Vec::new()
    };
    warnings.extend(trailing);
    Ok((value, warnings))
}

/// Reads one entry of a list tolerantly: on a shape error, returns the
/// warning (`at POINTER: what; entry skipped`) instead.
pub fn entry<T: DeserializeOwned>(
    value: serde_json::Value,
    pointer: &str,
) -> Result<T, InputError> {
    serde_path_to_error::deserialize::<_, T>(value).map_err(|e| {
        let inner = pointer_of(e.path());
        InputError::at(
            format!("{}; entry skipped", e.into_inner()),
            Position::pointer(format!("{pointer}{inner}")),
        )
    })
}

/// Takes `key` out of a JSON object as a list of entries; a missing key is an
/// empty list, anything but a list a structural error.
pub fn take_list(
    obj: &mut serde_json::Map<String, serde_json::Value>,
    key: &str,
    what: &str,
) -> Result<Vec<serde_json::Value>, InputError> {
    match obj.remove(key) {
        None | Some(serde_json::Value::Null) => Ok(Vec::new()),
        Some(serde_json::Value::Array(v)) => Ok(v),
        Some(other) => Err(InputError::at(
            format!(
                "expected `{key}` to be an array of {what}, found {}",
                kind_of(&other)
            ),
            Position::pointer(format!("/{key}")),
        )),
    }
}

pub fn kind_of(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// The document root as an object, or a structural error.
pub fn root_object(
    v: serde_json::Value,
    what: &str,
) -> Result<serde_json::Map<String, serde_json::Value>, InputError> {
    match v {
        serde_json::Value::Object(m) => Ok(m),
        other => Err(InputError::at(
            format!("expected {what} (a JSON object), found {}", kind_of(&other)),
            Position::pointer(""),
        )),
    }
}
