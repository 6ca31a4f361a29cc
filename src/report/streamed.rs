//! A list in a typed report that is serialised from an iterator as it is
//! written, never collected: a SARIF log's results or a CycloneDX BOM's
//! components for 100,000 components are not held twice.

use serde::{Serialize, Serializer};

type Items<'a, T> = Box<dyn Iterator<Item = T> + 'a>;

/// Serialises as a JSON array of what the closure yields; the closure runs
/// once per serialisation, so the value can be written more than once.
pub struct Streamed<'a, T>(Box<dyn Fn() -> Items<'a, T> + 'a>);

impl<'a, T: Serialize + 'a> Streamed<'a, T> {
    pub fn new<I>(items: impl Fn() -> I + 'a) -> Streamed<'a, T>
    where
        I: Iterator<Item = T> + 'a,
    {
        Streamed(Box::new(move || Box::new(items())))
    }
}

impl<T: Serialize> Serialize for Streamed<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_the_items_as_an_array_each_time() {
        let items = [1, 2, 3];
        let list = Streamed::new(|| items.iter().map(|i| i * 10));
        assert_eq!(serde_json::to_string(&list).unwrap(), "[10,20,30]");
        assert_eq!(serde_json::to_string(&list).unwrap(), "[10,20,30]");
        let none = Streamed::new(std::iter::empty::<u8>);
        assert_eq!(serde_json::to_string(&none).unwrap(), "[]");
    }
}
