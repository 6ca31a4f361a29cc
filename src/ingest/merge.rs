//! Merges parsed documents into one inventory: the same package read twice
//! (in one input or in several) becomes one component, references become
//! component ids, and the graph tells each component direct or transitive.

use std::collections::{HashMap, HashSet, VecDeque};
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
        return Some(p.clone());
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

/// Where a document-local reference points.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    Component(ComponentId),
    /// The CycloneDX primary component, which is metadata, not a component.
    PrimaryOutsideList,
}

pub fn merge(parsed: Vec<(Document, Option<ParsedDoc>)>) -> Inventory {
    let mut inv = Inventory::default();
    let mut by_key: HashMap<String, ComponentId> = HashMap::new();
    let mut direct: Vec<Option<bool>> = Vec::new();
    let mut edges: HashSet<Edge> = HashSet::new();
    let mut roots: Vec<ComponentId> = Vec::new();

    for (input, (mut record, doc)) in parsed.into_iter().enumerate() {
        let Some(doc) = doc else {
            inv.documents.push(record);
            continue;
        };
        let ParsedDoc {
            meta,
            components,
            parents,
            edges: local_edges,
            roots: local_roots,
            ..
        } = doc;
        record.meta = meta;

        // 1. Components, merged by identity.
        let mut ids = Vec::with_capacity(components.len());
        let mut local: HashMap<String, Target> = HashMap::with_capacity(components.len() * 2);
        for (i, mut c) in components.into_iter().enumerate() {
            for loc in &mut c.locations {
                loc.input = input;
            }
            local.insert(format!("#{i}"), Target::Component(0));
            let bom_ref = c.bom_ref.clone();
            let id = match merge_key(&c).and_then(|k| by_key.get(&k).copied().map(|id| (k, id))) {
                Some((_, id)) => {
                    inv.components[id].absorb(c);
                    id
                }
                None => {
                    let id = inv.components.len();
                    c.id = id;
                    if let Some(k) = merge_key(&c) {
                        by_key.insert(k, id);
                    }
                    inv.components.push(c);
                    direct.push(None);
                    id
                }
            };
            local.insert(format!("#{i}"), Target::Component(id));
            if let Some(r) = bom_ref {
                local.entry(r).or_insert(Target::Component(id));
            }
            ids.push(id);
        }
        for (i, parent) in parents.iter().enumerate() {
            if let Some(p) = parent {
                let (child, parent) = (ids[i], ids[*p]);
                if child != parent {
                    inv.components[child].parent.get_or_insert(parent);
                }
            }
        }
        if let Some(primary) = &record.meta.primary {
            local
                .entry(primary.clone())
                .or_insert(Target::PrimaryOutsideList);
        }

        // 2. Edges and roots, by id; references to nothing are dangling.
        let mut dangling: Vec<String> = Vec::new();
        let mut dangling_seen: HashSet<String> = HashSet::new();
        let mut resolve = |r: &str, dangling: &mut Vec<String>| match local.get(r) {
            Some(t) => Some(*t),
            None => {
                if dangling_seen.insert(r.to_string()) {
                    dangling.push(r.to_string());
                }
                None
            }
        };
        let mut doc_edges: Vec<Edge> = Vec::new();
        let mut from_primary: Vec<ComponentId> = Vec::new();
        for (from, to) in &local_edges {
            let (f, t) = (resolve(from, &mut dangling), resolve(to, &mut dangling));
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
        let mut doc_roots: Vec<ComponentId> = Vec::new();
        for r in &local_roots {
            if let Some(Target::Component(id)) = resolve(r, &mut dangling) {
                doc_roots.push(id);
            }
        }
        record.meta.dangling_refs = dangling.into_iter().take(MAX_DANGLING_LISTED).collect();
        if !record.meta.dangling_refs.is_empty() && dangling_seen.len() > MAX_DANGLING_LISTED {
            record.warnings.push(format!(
                "{} dependency references name no component (first {} listed)",
                dangling_seen.len(),
                MAX_DANGLING_LISTED
            ));
        }

        // 3. Direct or transitive, from this document's graph.
        if record.meta.has_dependency_graph && (!doc_roots.is_empty() || !from_primary.is_empty()) {
            let reach = classify(&ids, &doc_edges, &doc_roots, &from_primary, &mut direct);
            record.meta.unreachable = reach;
        }
        for &r in &doc_roots {
            inv.components[r].root = true;
            if !roots.contains(&r) {
                roots.push(r);
            }
        }
        edges.extend(doc_edges);
        inv.documents.push(record);
    }

    for (c, d) in inv.components.iter_mut().zip(direct) {
        c.direct = if c.root { None } else { d };
    }
    let mut edges: Vec<Edge> = edges.into_iter().collect();
    edges.sort_unstable();
    inv.edges = edges;
    inv.roots = roots;
    inv.subject = subject(&inv);
    inv
}

/// Marks direct and transitive components of one document and returns how
/// many of its components no root reaches.
fn classify(
    ids: &[ComponentId],
    edges: &[Edge],
    roots: &[ComponentId],
    from_primary: &[ComponentId],
    direct: &mut [Option<bool>],
) -> usize {
    let mut out: HashMap<ComponentId, Vec<ComponentId>> = HashMap::new();
    for e in edges {
        out.entry(e.from).or_default().push(e.to);
    }
    let mut first: HashSet<ComponentId> = from_primary.iter().copied().collect();
    for r in roots {
        if let Some(ts) = out.get(r) {
            first.extend(ts.iter().copied());
        }
    }
    let mut seen: HashSet<ComponentId> = roots.iter().copied().collect();
    let mut queue: VecDeque<ComponentId> = roots.iter().copied().collect();
    for &d in &first {
        if seen.insert(d) {
            queue.push_back(d);
        }
    }
    while let Some(n) = queue.pop_front() {
        if let Some(ts) = out.get(&n) {
            for &t in ts {
                if seen.insert(t) {
                    queue.push_back(t);
                }
            }
        }
    }
    let mut unreachable = 0;
    let mut counted: HashSet<ComponentId> = HashSet::new();
    for &id in ids {
        if !counted.insert(id) {
            continue;
        }
        if first.contains(&id) && !roots.contains(&id) {
            direct[id] = Some(true);
        } else if seen.contains(&id) {
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
    for d in &inv.documents {
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
