//! Facts few components have, kept out of line: a 100,000-component
//! inventory would otherwise carry their room (about 150 bytes) in every
//! component, and a larger component list costs time as well as memory
//! (measured: 168 bytes more per component made a 100k scan 16 ms slower
//! and its peak 33 MiB larger).

use serde::{Deserialize, Deserializer};

use super::component::{BuildCode, ComponentId};

/// The facts themselves; read and written through [`Rare`].
#[derive(Clone, Debug, Default, PartialEq, Deserialize)]
pub struct RareFacts {
    /// A purl string the input gave that does not parse.
    #[serde(default)]
    pub invalid_purl: Option<String>,
    #[serde(default)]
    pub swid: Option<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    /// The component this one was nested in (CycloneDX nested `components`).
    #[serde(default)]
    pub parent: Option<ComponentId>,
    /// What the component runs at install or build time: `Some(empty)` when
    /// the input says it runs nothing, `None` when the input does not tell.
    #[serde(default)]
    pub build_code: Option<Vec<BuildCode>>,
    /// The deprecation message the input records for this version (npm and
    /// pnpm lockfiles copy the registry's `deprecated`).
    #[serde(default)]
    pub deprecated: Option<String>,
    /// The version requirement as written, when the input gives a range
    /// instead of one version (an unpinned manifest line).
    #[serde(default)]
    pub constraint: Option<String>,
}

static NONE: RareFacts = RareFacts {
    invalid_purl: None,
    swid: None,
    authors: Vec::new(),
    parent: None,
    build_code: None,
    deprecated: None,
    constraint: None,
};

/// A component's rare facts: nothing allocated until one is written.
/// Reading gives the empty set when there are none; writing allocates it.
#[derive(Clone, Debug, Default)]
pub struct Rare(Option<Box<RareFacts>>);

impl Rare {
    /// The facts for changing in place, when there are any: unlike writing
    /// through `DerefMut`, allocates nothing when there are none.
    pub fn get_mut(&mut self) -> Option<&mut RareFacts> {
        self.0.as_deref_mut()
    }

    /// True when no fact was ever written: nothing is allocated.
    #[cfg(test)]
    pub fn never_written(&self) -> bool {
        self.0.is_none()
    }

    /// The facts, when there are any.
    pub fn into_facts(self) -> Option<RareFacts> {
        self.0.map(|b| *b)
    }
}

impl std::ops::Deref for Rare {
    type Target = RareFacts;
    fn deref(&self) -> &RareFacts {
        self.0.as_deref().unwrap_or(&NONE)
    }
}

impl std::ops::DerefMut for Rare {
    fn deref_mut(&mut self) -> &mut RareFacts {
        self.0.get_or_insert_with(Box::default)
    }
}

/// Equal when the facts are: an allocated empty set equals none.
impl PartialEq for Rare {
    fn eq(&self, other: &Rare) -> bool {
        **self == **other
    }
}

/// Read from the component's own fields (`#[serde(flatten)]`); allocated
/// only when one of them is there.
impl<'de> Deserialize<'de> for Rare {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Rare, D::Error> {
        let facts = RareFacts::deserialize(d)?;
        Ok(Rare((facts != NONE).then(|| Box::new(facts))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reading_allocates_nothing_and_writing_allocates_once() {
        let mut rare = Rare::default();
        assert!(rare.deprecated.is_none() && rare.authors.is_empty());
        assert!(rare.never_written(), "a read must not allocate");
        rare.deprecated = Some("use another".into());
        rare.authors.push("A".into());
        assert_eq!(rare.deprecated.as_deref(), Some("use another"));
        assert_eq!(rare.authors, ["A"]);
    }

    #[test]
    fn an_empty_allocated_set_equals_none() {
        let mut written = Rare::default();
        let _ = &mut written.constraint; // allocates, writes nothing
        assert!(!written.never_written());
        assert_eq!(written, Rare::default());
        written.parent = Some(3);
        assert_ne!(written, Rare::default());
    }

    /// Every component of a large inventory carries this size (576 bytes
    /// before the rare facts moved out): a field added inline should be
    /// common enough to pay for it in every component.
    #[test]
    fn a_component_stays_small() {
        let size = std::mem::size_of::<crate::model::Component>();
        assert!(size <= 424, "Component grew to {size} bytes");
    }
}
