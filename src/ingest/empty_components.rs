//! Components that carry nothing at all — no name, purl, reference,
//! version, CPE, SWID or hash (`{}` in a CycloneDX `components` array) —
//! identify no software: they are dropped with one warning giving their
//! count, instead of each costing a component, its findings and its report
//! lines (a million `{}` are 3 MB of input).

use super::ParsedDoc;
use crate::model::Component;

fn is_empty(c: &Component) -> bool {
    c.name.trim().is_empty()
        && c.purl.is_none()
        && c.rare.invalid_purl.is_none()
        && c.bom_ref.is_none()
        && c.version.is_none()
        && c.cpe.is_none()
        && c.rare.swid.is_none()
        && c.hashes.is_empty()
}

/// Drops the empty components of `doc`, keeping the nesting of the others.
pub fn drop(doc: &mut ParsedDoc) {
    if !doc.components.iter().any(is_empty) {
        warn(doc, 0);
        return;
    }
    let n = doc.components.len();
    let keep: Vec<bool> = doc.components.iter().map(|c| !is_empty(c)).collect();
    // Old index → new index for the kept ones.
    let mut new_index = vec![None; n];
    let mut next = 0;
    for (i, k) in keep.iter().enumerate() {
        if *k {
            new_index[i] = Some(next);
            next += 1;
        }
    }
    // A kept component nested in a dropped one hangs from the nearest kept ancestor.
    let parents = doc.parents.clone();
    let nearest_kept = |mut p: Option<usize>| {
        let mut hops = 0;
        while let Some(i) = p {
            if keep.get(i).copied().unwrap_or(false) || hops > n {
                break;
            }
            p = parents.get(i).copied().flatten();
            hops += 1;
        }
        p.and_then(|i| new_index.get(i).copied().flatten())
    };
    let mut components = Vec::with_capacity(next);
    let mut new_parents = Vec::with_capacity(next);
    for (i, c) in std::mem::take(&mut doc.components).into_iter().enumerate() {
        if keep[i] {
            new_parents.push(nearest_kept(parents.get(i).copied().flatten()));
            components.push(c);
        }
    }
    let dropped = n - components.len();
    doc.components = components;
    doc.parents = new_parents;
    warn(doc, dropped);
}

/// One warning for what this pass and the reader skipped.
fn warn(doc: &mut ParsedDoc, dropped: usize) {
    let total = dropped + std::mem::take(&mut doc.skipped_empty);
    if total > 0 {
        // First: the per-component warnings after it may be cut short.
        doc.warnings.insert(0, format!(
            "{total} component(s) with no name, purl, reference, version, CPE, SWID or hash identify nothing and were skipped"
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_components_go_and_nesting_follows() {
        let mut doc = ParsedDoc::default();
        let named = |n: &str| Component {
            name: n.into(),
            ..Component::default()
        };
        doc.components = vec![named("a"), Component::default(), named("c"), named("d")];
        // c nested in the empty one, which is nested in a; d nested in c.
        doc.parents = vec![None, Some(0), Some(1), Some(2)];
        drop(&mut doc);
        let names: Vec<&str> = doc.components.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["a", "c", "d"]);
        assert_eq!(doc.parents, [None, Some(0), Some(1)]);
        assert!(doc.warnings[0].starts_with("1 component(s) with no name"));

        let mut clean = ParsedDoc {
            components: vec![named("a")],
            parents: vec![None],
            ..ParsedDoc::default()
        };
        drop(&mut clean);
        assert!(clean.warnings.is_empty());
    }
}
