//! Serde helpers for lenient readers: tolerate the shapes real generators write
//! (numbers where strings belong, one object where a list belongs) without
//! giving up on structure.

use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::fmt;

/// Reads a string, number or boolean as text; `null` as `None`.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    struct V;
    impl<'de> Visitor<'de> for V {
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
            d.deserialize_any(V)
        }
    }
    d.deserialize_any(V)
}

/// Reads either a list of `T` or a single `T` (some generators write one
/// object where the schema has an array); `null` as empty.
pub fn one_or_many<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany<T> {
        Many(Vec<T>),
        One(T),
        Null,
    }
    Ok(match OneOrMany::<T>::deserialize(d)? {
        OneOrMany::Many(v) => v,
        OneOrMany::One(t) => vec![t],
        OneOrMany::Null => Vec::new(),
    })
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

    #[derive(Deserialize)]
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
    }
}
