//! Merges parsed documents into one inventory: the same package read twice
//! (in one input or in several) becomes one component, references become
//! component ids, and the graph tells each component direct or transitive.

use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::collections::VecDeque;
use std::path::Path;

use super::ParsedDoc;
use crate::model::{Component, ComponentId, Document, Edge, Inventory, Subject};

/// Most dangling references listed per document; the count is always exact.
const MAX_DANGLING_LISTED: usize = 20;

/// The identity two records must share to be one component: the purl when
/// there is one, else ecosystem, namespace, name and version. Records with no
/// version and no purl are never merged: two unnamed versions may differ.
fn merge_key(c: &Component) -> Option<String> {
    if let Some(p) = &c.purl {
        return Some(identity_purl(p));
    }
    let v = c.version.as_deref()?;
    if c.name.is_empty() {
        return None;
    }
    Some(format!(
        "{}\u{0}{}\u{0}{}\u{0}{}",
        c.ecosystem.as_str(),
        c.namespace.as_deref().unwrap_or(""),
        c.name,
        v
    ))
}

/// Qualifiers that say where a package was fetched from, not which package it is.
const SOURCE_QUALIFIERS: [&str; 6] = [
    "checksum",
    "checksums",
    "download_url",
    "file_name",
    "repository_url",
    "vcs_url",
];

/// A canonical purl without its source-only qualifiers: an SBOM that writes
/// `?download_url=…` and a lockfile that does not name the same package.
/// Identity qualifiers (`arch`, `distro`, `classifier`, `type`…) stay.
fn identity_purl(purl: &str) -> String {
    let (main, subpath) = match purl.split_once('#') {
        Some((m, s)) => (m, Some(s)),
        None => (purl, None),
    };
    let Some((base, query)) = main.split_once('?') else {
        return purl.to_string();
    };
    let distribution = ["pkg:deb/", "pkg:rpm/", "pkg:apk/", "pkg:opkg/"]
        .iter()
        .any(|t| base.starts_with(t));
    let kept: Vec<&str> = query
        .split('&')
        .filter(|kv| {
            let key = kv.split('=').next().unwrap_or("");
            // A distribution package is one file of the archive's pool, named
            // by name, version and arch: generators spell its release
            // (`distro=bookworm`, `distro=debian-12`) and source (`upstream`)
            // differently, or not at all, for the same file.
            let source_only = SOURCE_QUALIFIERS.contains(&key)
                || (distribution && matches!(key, "distro" | "upstream"));
            !source_only
        })
        .collect();
    let mut out = base.to_string();
    if !kept.is_empty() {
        out.push('?');
        out.push_str(&kept.join("&"));
    }
    if let Some(s) = subpath {
        out.push('#');
        out.push_str(s);
    }
    out
}

/// Where a document-local reference points.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Component(ComponentId),
    /// The CycloneDX primary component, which is metadata, not a component.
    PrimaryOutsideList,
}

pub fn merge(parsed: Vec<(Document, Option<ParsedDoc>)>) -> Inventory {
    let total: usize = parsed
        .iter()
        .filter_map(|(_, d)| d.as_ref())
        .map(|d| d.components.len())
        .sum();
    let mut merger = Merger {
        inv: Inventory::default(),
        by_key: HashMap::with_capacity_and_hasher(total, Default::default()),
        direct: Vec::with_capacity(total),
        edges: Vec::new(),
        roots: Vec::new(),
    };
    for (input, (record, doc)) in parsed.into_iter().enumerate() {
        match doc {
            Some(doc) => merger.add_document(input, record, doc),
            None => merger.inv.documents.push(record),
        }
    }
    merger.finish()
}

/// The inventory as documents are merged into it, one at a time.
struct Merger {
    inv: Inventory,
    /// Component id by merge key.
    by_key: HashMap<String, ComponentId>,
    /// Directness by component id, as the documents' graphs tell it.
    direct: Vec<Option<bool>>,
    edges: Vec<Edge>,
    roots: Vec<ComponentId>,
}

/// Inventory ids of a document's components, by position.
struct DocIds {
    ids: Vec<ComponentId>,
    /// Whether the component is the first record of its id.
    first: Vec<bool>,
}

/// A document's graph in inventory ids.
struct DocGraph {
    edges: Vec<Edge>,
    /// Targets of edges from a primary component outside the component list.
    from_primary: Vec<ComponentId>,
    roots: Vec<ComponentId>,
}

impl Merger {
    /// Merges one parsed document, `input` being its position.
    fn add_document(&mut self, input: usize, mut record: Document, doc: ParsedDoc) {
        let ParsedDoc {
            meta,
            components,
            parents,
            edges: local_edges,
            roots: local_roots,
            ..
        } = doc;
        record.meta = meta;

        // 1. Ids: an earlier component with the same identity, or a new id.
        let ids = self.assign_ids(&components, &mut record);

        // 2. References resolve to ids.
        let graph = resolve_refs(
            &components,
            &ids.ids,
            &local_edges,
            &local_roots,
            &mut record,
        );
        // Hundreds of thousands of reference strings: freed off this thread.
        crate::model::drop_later((local_edges, local_roots));

        // 3. Components move into the inventory; repeats fold into the first.
        self.take_components(components, &ids, &parents, input);

        // 4. Direct or transitive, from this document's graph.
        self.classify_directness(&mut record, &ids.ids, &graph);
        for &r in &graph.roots {
            // The flag doubles as the "already listed" check: no scan of `roots`.
            if !std::mem::replace(&mut self.inv.components[r].root, true) {
                self.roots.push(r);
            }
        }
        self.edges.extend(graph.edges);
        self.inv.documents.push(record);
    }

    /// The id of each component: that of an earlier one with the same merge
    /// key (counted as merged), else the next new id.
    fn assign_ids(&mut self, components: &[Component], record: &mut Document) -> DocIds {
        let mut ids = Vec::with_capacity(components.len());
        let mut first = Vec::with_capacity(components.len());
        let mut next = self.inv.components.len();
        // The keys (a string each) are made in parallel; ids are given in order.
        let keys: Vec<Option<String>> = components.par_iter().map(merge_key).collect();
        for key in keys {
            let known = key.as_ref().and_then(|k| self.by_key.get(k).copied());
            match known {
                Some(id) => {
                    ids.push(id);
                    first.push(false);
                    record.merged += 1;
                }
                None => {
                    if let Some(k) = key {
                        self.by_key.insert(k, next);
                    }
                    ids.push(next);
                    first.push(true);
                    next += 1;
                }
            }
        }
        DocIds { ids, first }
    }

    /// Moves a document's components into the inventory, folding repeats
    /// into the first, and records their parents.
    fn take_components(
        &mut self,
        components: Vec<Component>,
        ids: &DocIds,
        parents: &[Option<usize>],
        input: usize,
    ) {
        let inv = &mut self.inv;
        if inv.components.is_empty() {
            // The first document's list becomes the inventory in place: a
            // second list of 100,000 components would double the peak.
            inv.components = components;
            compact_in_place(
                &mut inv.components,
                &ids.ids,
                &ids.first,
                input,
                &mut self.direct,
            );
        } else {
            // Reserved here, not for all documents up front: the first
            // document's list is taken over, and a reservation beside it
            // would be a second list at the peak.
            inv.components.reserve(components.len());
            for ((c, id), is_first) in components
                .into_iter()
                .zip(ids.ids.iter().copied())
                .zip(ids.first.iter().copied())
            {
                add(
                    &mut inv.components,
                    c,
                    id,
                    is_first,
                    input,
                    &mut self.direct,
                );
            }
        }
        for (i, parent) in parents.iter().enumerate() {
            if let Some(p) = parent {
                let (child, parent) = (ids.ids[i], ids.ids[*p]);
                if child != parent {
                    inv.components[child].rare.parent.get_or_insert(parent);
                }
            }
        }
    }

    /// Tells direct from transitive by the document's graph: from its roots
    /// and primary, or without a primary from what nothing depends on.
    fn classify_directness(
        &mut self,
        record: &mut Document,
        ids: &[ComponentId],
        graph: &DocGraph,
    ) {
        if record.meta.has_dependency_graph
            && (!graph.roots.is_empty() || !graph.from_primary.is_empty())
        {
            record.meta.unreachable = classify(
                ids,
                &graph.edges,
                &graph.roots,
                &graph.from_primary,
                &mut self.direct,
            );
        } else if record.meta.has_dependency_graph
            && record.meta.primary.is_none()
            && !graph.edges.is_empty()
        {
            // No primary component (an SBOM of an installed environment, say):
            // what nothing depends on is what was installed on purpose, so it
            // counts as direct and the rest as transitive. SBM-04 still
            // reports the missing primary; nothing is "unreachable" from a
            // primary that does not exist.
            let top = entry_points(ids, &graph.edges, self.direct.len());
            record.warnings.push(format!(
                "no primary component: directness is measured from the {} component(s) nothing depends on",
                top.len()
            ));
            classify(ids, &graph.edges, &[], &top, &mut self.direct);
        }
    }

    /// The inventory: directness set, edges sorted and deduplicated, the
    /// subject named.
    fn finish(self) -> Inventory {
        let Merger {
            mut inv,
            by_key,
            direct,
            mut edges,
            roots,
        } = self;
        crate::model::drop_later(by_key);
        for (c, d) in inv.components.iter_mut().zip(direct) {
            c.direct = if c.root { None } else { d };
        }
        edges.sort_unstable();
        edges.dedup();
        inv.edges = edges;
        inv.roots = roots;
        inv.subject = subject(&inv);
        inv
    }
}

/// A document's edges and roots in inventory ids. Readers name components
/// that have no reference of their own `#index`; references that name no
/// component are recorded on `record` (the first few listed, all counted).
/// Edges looked up at once: enough to share out, few enough that their
/// answers stay small beside the edges.
const EDGE_WINDOW: usize = 65_536;

fn resolve_refs(
    components: &[Component],
    ids: &[ComponentId],
    local_edges: &[(String, String)],
    local_roots: &[String],
    record: &mut Document,
) -> DocGraph {
    let index_refs: Vec<(usize, String)> = components
        .iter()
        .enumerate()
        .filter(|(_, c)| c.bom_ref.is_none())
        .map(|(i, _)| (i, format!("#{i}")))
        .collect();
    let mut local: HashMap<&str, Target> =
        HashMap::with_capacity_and_hasher(components.len(), Default::default());
    for (c, &id) in components.iter().zip(ids) {
        if let Some(r) = c.bom_ref.as_deref() {
            local.entry(r).or_insert(Target::Component(id));
        }
    }
    for (i, r) in &index_refs {
        local
            .entry(r.as_str())
            .or_insert(Target::Component(ids[*i]));
    }
    if let Some(primary) = record.meta.primary.as_deref() {
        local.entry(primary).or_insert(Target::PrimaryOutsideList);
    }
    let mut dangling: Vec<String> = Vec::new();
    let mut dangling_count = 0usize;
    let mut seen_dangling: HashSet<String> = HashSet::default();
    let mut lookup = |r: &str| -> Option<Target> {
        let hit = local.get(r).copied();
        if hit.is_none() && seen_dangling.insert(r.to_string()) {
            dangling_count += 1;
            if dangling.len() < MAX_DANGLING_LISTED {
                dangling.push(r.to_string());
            }
        }
        hit
    };
    let mut doc_edges: Vec<Edge> = Vec::with_capacity(local_edges.len());
    let mut from_primary: Vec<ComponentId> = Vec::new();
    // Looked up in parallel a window at a time; the misses are then recorded
    // in document order, as if looked up one by one.
    for window in local_edges.chunks(EDGE_WINDOW) {
        let found: Vec<(Option<Target>, Option<Target>)> = window
            .par_iter()
            .map(|(from, to)| {
                (
                    local.get(from.as_str()).copied(),
                    local.get(to.as_str()).copied(),
                )
            })
            .collect();
        for ((from, to), (f, t)) in window.iter().zip(found) {
            let f = f.or_else(|| lookup(from));
            let t = t.or_else(|| lookup(to));
            match (f, t) {
                (Some(Target::Component(f)), Some(Target::Component(t))) if f != t => {
                    doc_edges.push(Edge { from: f, to: t })
                }
                (Some(Target::PrimaryOutsideList), Some(Target::Component(t))) => {
                    from_primary.push(t)
                }
                _ => {}
            }
        }
    }
    let doc_roots: Vec<ComponentId> = local_roots
        .iter()
        .filter_map(|r| match lookup(r) {
            Some(Target::Component(id)) => Some(id),
            _ => None,
        })
        .collect();
    drop(local);
    record.meta.dangling_refs = dangling;
    if dangling_count > MAX_DANGLING_LISTED {
        record.warnings.push(format!(
            "{dangling_count} dependency references name no component (first {MAX_DANGLING_LISTED} listed)"
        ));
    }
    DocGraph {
        edges: doc_edges,
        from_primary,
        roots: doc_roots,
    }
}

/// Adds one component read from document `input` under `id`: a first
/// occurrence is appended, a repeat folds into the component it repeats.
fn add(
    components: &mut Vec<Component>,
    mut c: Component,
    id: ComponentId,
    is_first: bool,
    input: usize,
    direct: &mut Vec<Option<bool>>,
) {
    located_in(&mut c, input);
    if is_first {
        c.id = id;
        direct.push(c.direct);
        components.push(c);
    } else {
        fold_repeat(components, c, id, direct);
    }
}

/// [`add`] for the first document, whose list becomes the inventory: first
/// occurrences move down to their id (ids are given in reading order, so an
/// id is never past its position), repeats fold into an earlier slot.
fn compact_in_place(
    components: &mut Vec<Component>,
    ids: &[ComponentId],
    first: &[bool],
    input: usize,
    direct: &mut Vec<Option<bool>>,
) {
    let mut kept = 0;
    for (read, (&id, &is_first)) in ids.iter().zip(first).enumerate() {
        if is_first {
            debug_assert_eq!(id, kept);
            // Moved only after a repeat left a gap: until then every
            // component is already at its id (a 576-byte move each).
            if id != read {
                components[id] = std::mem::take(&mut components[read]);
            }
            let c = &mut components[id];
            located_in(c, input);
            c.id = id;
            direct.push(c.direct);
            kept += 1;
        } else {
            let mut c = std::mem::take(&mut components[read]);
            located_in(&mut c, input);
            fold_repeat(components, c, id, direct);
        }
    }
    components.truncate(kept);
}

fn located_in(c: &mut Component, input: usize) {
    for loc in &mut c.locations {
        loc.input = input;
    }
}

/// A reader that knows directness without a graph (a requirements file)
/// says so in `direct`; a graph, later, has the last word.
fn fold_repeat(
    components: &mut [Component],
    c: Component,
    id: ComponentId,
    direct: &mut [Option<bool>],
) {
    if c.direct == Some(true) || direct[id].is_none() {
        direct[id] = c.direct.or(direct[id]);
    }
    components[id].absorb(c);
}

/// The components of one document that no edge points to, each once.
fn entry_points(ids: &[ComponentId], edges: &[Edge], n: usize) -> Vec<ComponentId> {
    let mut pointed = vec![false; n];
    for e in edges {
        pointed[e.to] = true;
    }
    let mut seen = vec![false; n];
    ids.iter()
        .copied()
        .filter(|&id| !pointed[id] && !std::mem::replace(&mut seen[id], true))
        .collect()
}

/// Marks direct and transitive components of one document and returns how
/// many of its components no root reaches. Ids are dense, so adjacency and
/// visited sets are plain vectors.
fn classify(
    ids: &[ComponentId],
    edges: &[Edge],
    roots: &[ComponentId],
    from_primary: &[ComponentId],
    direct: &mut [Option<bool>],
) -> usize {
    let n = direct.len();
    // Adjacency in compressed rows: the targets of `v` are `targets[start[v]..start[v + 1]]`.
    let mut start = vec![0usize; n + 1];
    for e in edges {
        start[e.from + 1] += 1;
    }
    for v in 0..n {
        start[v + 1] += start[v];
    }
    let mut fill = start.clone();
    let mut targets = vec![0usize; edges.len()];
    for e in edges {
        targets[fill[e.from]] = e.to;
        fill[e.from] += 1;
    }
    let out = |v: ComponentId| &targets[start[v]..start[v + 1]];

    let mut is_root = vec![false; n];
    for &r in roots {
        is_root[r] = true;
    }
    let mut is_first = vec![false; n];
    for &d in from_primary
        .iter()
        .chain(roots.iter().flat_map(|&r| out(r)))
    {
        is_first[d] = true;
    }
    let mut seen = is_root.clone();
    let mut queue: VecDeque<ComponentId> = roots.iter().copied().collect();
    for (d, &first) in is_first.iter().enumerate() {
        if first && !seen[d] {
            seen[d] = true;
            queue.push_back(d);
        }
    }
    while let Some(v) = queue.pop_front() {
        for &t in out(v) {
            if !seen[t] {
                seen[t] = true;
                queue.push_back(t);
            }
        }
    }
    let mut unreachable = 0;
    let mut counted = vec![false; n];
    for &id in ids {
        if std::mem::replace(&mut counted[id], true) {
            continue;
        }
        if is_first[id] && !is_root[id] {
            direct[id] = Some(true);
        } else if seen[id] {
            if direct[id] != Some(true) {
                direct[id] = Some(false);
            }
        } else {
            unreachable += 1;
        }
    }
    unreachable
}

fn subject(inv: &Inventory) -> Subject {
    // An SBOM's primary component names the product before a lockfile's root
    // package does, whatever the order of the inputs: the name is part of
    // every finding's fingerprint, and baselines must not depend on that order.
    let is_sbom = |d: &&crate::model::Document| d.format.is_some_and(|f| f.is_sbom());
    let sboms = inv.documents.iter().filter(is_sbom);
    let others = inv.documents.iter().filter(|d| !is_sbom(d));
    for d in sboms.chain(others) {
        if let Some(name) = &d.meta.subject_name {
            return Subject {
                name: name.clone(),
                version: d.meta.subject_version.clone(),
                supplier: d.meta.subject_supplier.clone(),
            };
        }
    }
    // No SBOM names its product: the first input's file name stands in.
    let name = inv
        .documents
        .first()
        .and_then(|d| Path::new(&d.path).file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "unnamed product".to_string());
    Subject {
        name,
        version: None,
        supplier: None,
    }
}

#[cfg(test)]
mod tests {
    use super::identity_purl;

    #[test]
    fn dangling_references_are_listed_in_document_order_across_windows() {
        use crate::ingest::ParsedDoc;
        use crate::model::{Component, Document};
        let mut doc = ParsedDoc::default();
        for name in ["a", "b"] {
            let mut c = Component::named(name);
            c.bom_ref = Some(name.to_string());
            doc.push(c, String::new(), None);
        }
        // Misses on both ends, the first ones past the first window.
        let mut edges = vec![("a".to_string(), "b".to_string()); super::EDGE_WINDOW + 3];
        edges.push(("x1".into(), "a".into()));
        edges.push(("a".into(), "x2".into()));
        edges.push(("x3".into(), "x4".into()));
        edges.push(("x1".into(), "x5".into()));
        edges.insert(5, ("a".into(), "x0".into()));
        doc.edges = edges;
        let inv = super::merge(vec![(Document::default(), Some(doc))]);
        assert_eq!(
            inv.documents[0].meta.dangling_refs,
            ["x0", "x1", "x2", "x3", "x4", "x5"]
        );
        assert_eq!(inv.edges.len(), 1, "a -> b, once");
    }

    #[test]
    fn repeats_in_the_first_document_fold_and_later_components_move_down() {
        use crate::ingest::ParsedDoc;
        use crate::model::{Component, Document, Hash, HashAlg};
        let mut doc = ParsedDoc::default();
        for (name, hash) in [("a", None), ("b", None), ("a", Some("ab")), ("c", None)] {
            let mut c = Component::named(name);
            c.version = Some("1".into());
            c.hashes.extend(hash.map(|h| Hash {
                alg: HashAlg::Sha256,
                value: h.into(),
            }));
            doc.push(c, String::new(), None);
        }
        let inv = super::merge(vec![(Document::default(), Some(doc))]);
        let names: Vec<(&str, usize)> = inv
            .components
            .iter()
            .map(|c| (c.name.as_str(), c.id))
            .collect();
        assert_eq!(names, [("a", 0), ("b", 1), ("c", 2)]);
        assert_eq!(
            inv.components[0].hashes.len(),
            1,
            "the repeat's hash folded in"
        );
    }

    #[test]
    fn source_qualifiers_do_not_split_identity() {
        assert_eq!(
            identity_purl(
                "pkg:npm/ms@2.0.0?download_url=https:%2F%2Fnpm.registry.example%2Fms.tgz"
            ),
            "pkg:npm/ms@2.0.0"
        );
        assert_eq!(
            identity_purl("pkg:deb/debian/curl@7.74.0?arch=amd64&repository_url=https:%2F%2Fx"),
            "pkg:deb/debian/curl@7.74.0?arch=amd64"
        );
        assert_eq!(
            identity_purl(
                "pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=debian-12&upstream=openssl"
            ),
            identity_purl("pkg:deb/debian/libssl3@3.0.11-1~deb12u2?arch=amd64&distro=bookworm"),
            "one file of the pool, however the release is spelt"
        );
        assert_ne!(
            identity_purl("pkg:generic/x@1?distro=a"),
            identity_purl("pkg:generic/x@1?distro=b")
        );
        assert_eq!(
            identity_purl("pkg:golang/a/b@v1#sub/dir"),
            "pkg:golang/a/b@v1#sub/dir"
        );
    }
}
