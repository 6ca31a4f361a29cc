//! Serde helpers for lenient readers: tolerate the shapes real generators write
//! (numbers where strings belong, one object where a list belongs) without
//! giving up on structure.

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;
use std::marker::PhantomData;

/// Reads a string, number or boolean as text; `null` as `None`.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    d.deserialize_any(ScalarVisitor {
        skip_structures: false,
    })
}

/// A string, number or boolean as text; `null`, and an object or array
/// (skipped, where a reader tolerates them), as `None`.
pub struct ScalarText(pub Option<String>);

impl<'de> Deserialize<'de> for ScalarText {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ScalarVisitor {
            skip_structures: true,
        })
        .map(ScalarText)
    }
}

/// The one scalar-as-text reader: objects and arrays are an error (the
/// typed pass then names where) unless `skip_structures`.
struct ScalarVisitor {
    skip_structures: bool,
}

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Option<String>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Some(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(v.to_string()))
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        if !self.skip_structures {
            return Err(de::Error::invalid_type(de::Unexpected::Map, &self));
        }
        while map
            .next_entry::<de::IgnoredAny, de::IgnoredAny>()?
            .is_some()
        {}
        Ok(None)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        if !self.skip_structures {
            return Err(de::Error::invalid_type(de::Unexpected::Seq, &self));
        }
        while seq.next_element::<de::IgnoredAny>()?.is_some() {}
        Ok(None)
    }
}

/// Reads either a list of `T` or a single `T` (some generators write one
/// object where the schema has an array); `null` as empty. Implemented as a
/// visitor rather than an untagged enum, so nothing is buffered and errors
/// name what was expected.
pub fn one_or_many<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct V<T>(PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for V<T> {
        type Value = Vec<T>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list or a single object")
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
            while let Some(item) = seq.next_element()? {
                out.push(item);
            }
            Ok(out)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
            T::deserialize(de::value::MapAccessDeserializer::new(map)).map(|t| vec![t])
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
            T::deserialize(Scalar::<E>::new(ScalarValue::Str(v.to_string()))).map(|t| vec![t])
        }
        fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
            T::deserialize(Scalar::<E>::new(ScalarValue::Bool(v))).map(|t| vec![t])
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
            T::deserialize(Scalar::<E>::new(ScalarValue::I64(v))).map(|t| vec![t])
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
            T::deserialize(Scalar::<E>::new(ScalarValue::U64(v))).map(|t| vec![t])
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
            T::deserialize(Scalar::<E>::new(ScalarValue::F64(v))).map(|t| vec![t])
        }
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
            Ok(Vec::new())
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
            d.deserialize_any(self)
        }
    }
    d.deserialize_any(V(PhantomData))
}

enum ScalarValue {
    Bool(bool),
    I64(i64),
    U64(u64),
    F64(f64),
    Str(String),
}

/// A single scalar handed on to `T` as its own deserializer. Unlike serde's
/// value deserializers it also feeds newtype structs (`struct Text(String)`).
struct Scalar<E> {
    value: ScalarValue,
    error: PhantomData<E>,
}

impl<E> Scalar<E> {
    fn new(value: ScalarValue) -> Scalar<E> {
        Scalar {
            value,
            error: PhantomData,
        }
    }
}

impl<'de, E: de::Error> Deserializer<'de> for Scalar<E> {
    type Error = E;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, E> {
        match self.value {
            ScalarValue::Bool(b) => v.visit_bool(b),
            ScalarValue::I64(n) => v.visit_i64(n),
            ScalarValue::U64(n) => v.visit_u64(n),
            ScalarValue::F64(n) => v.visit_f64(n),
            ScalarValue::Str(s) => v.visit_string(s),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        v: V,
    ) -> Result<V::Value, E> {
        v.visit_newtype_struct(self)
    }

    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, E> {
        v.visit_some(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// Like [`non_empty`], reusing the string's allocation when it needs no trimming.
pub fn take_non_empty(s: Option<String>) -> Option<String> {
    let s = s?;
    let trimmed = s.trim();
    if trimmed.is_empty() {
        None
    } else if trimmed.len() == s.len() {
        Some(s)
    } else {
        Some(trimmed.to_string())
    }
}

/// A non-empty, trimmed string, or `None`.
pub fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct T {
        #[serde(default, deserialize_with = "opt_string")]
        v: Option<String>,
        #[serde(default, deserialize_with = "one_or_many")]
        list: Vec<u32>,
    }

    #[test]
    fn numbers_read_as_strings() {
        let t: T = serde_json::from_str(r#"{"v": 1.5}"#).unwrap();
        assert_eq!(t.v.as_deref(), Some("1.5"));
        let t: T = serde_json::from_str(r#"{"v": null}"#).unwrap();
        assert_eq!(t.v, None);
        assert!(serde_json::from_str::<T>(r#"{"v": [1]}"#).is_err());
    }

    #[test]
    fn one_or_many_accepts_both() {
        let t: T = serde_json::from_str(r#"{"list": 3}"#).unwrap();
        assert_eq!(t.list, vec![3]);
        let t: T = serde_json::from_str(r#"{"list": [1, 2]}"#).unwrap();
        assert_eq!(t.list, vec![1, 2]);
        let t: T = serde_json::from_str(r#"{"list": null}"#).unwrap();
        assert!(t.list.is_empty());
        let e = serde_json::from_str::<T>(r#"{"list": true}"#)
            .unwrap_err()
            .to_string();
        assert!(e.contains("expected u32"), "{e}");
    }
}
