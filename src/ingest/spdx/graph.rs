//! SPDX relationships (2.x and 3.0) turned into chainrisk's graph: package to
//! package edges, roots, scopes and the document-level graph facts.

use std::collections::{HashMap, HashSet};

use crate::ingest::ParsedDoc;
use crate::model::Scope;

/// What a document-local id names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Node {
    /// A package: index into `ParsedDoc::components`.
    Package(usize),
    /// Anything else the document defines (the document, a file, a snippet,
    /// a licence, an agent, an imported element): not a component.
    Other,
}

/// How a relationship reads as a graph fact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rel {
    /// `A TYPE B`: A depends on or contains B; B gets the scope.
    Forward(Scope),
    /// `A TYPE B`: B depends on or contains A; A gets the scope.
    Reverse(Scope),
    /// The document describes B: B is a root.
    Describes,
    /// A is described by the document: A is a root.
    DescribedBy,
}

/// SPDX 2 relationship types, upper-cased with `-` read as `_`. `None` for
/// the types that carry no dependency or containment (and unknown types).
pub fn classify_v2(ty: &str) -> Option<Rel> {
    let ty = ty.trim().to_ascii_uppercase().replace('-', "_");
    Some(match ty.as_str() {
        "DEPENDS_ON" | "CONTAINS" | "HAS_PREREQUISITE" | "STATIC_LINK" | "DYNAMIC_LINK" => {
            Rel::Forward(Scope::Required)
        }
        "DEPENDENCY_OF"
        | "RUNTIME_DEPENDENCY_OF"
        | "PROVIDED_DEPENDENCY_OF"
        | "CONTAINED_BY"
        | "PREREQUISITE_FOR" => Rel::Reverse(Scope::Required),
        "DEV_DEPENDENCY_OF" | "TEST_DEPENDENCY_OF" | "DEV_TOOL_OF" | "TEST_TOOL_OF" => {
            Rel::Reverse(Scope::Dev)
        }
        "BUILD_DEPENDENCY_OF" | "BUILD_TOOL_OF" => Rel::Reverse(Scope::Build),
        "OPTIONAL_DEPENDENCY_OF" => Rel::Reverse(Scope::Optional),
        // `DESCRIBE` is a real generator's misspelling (Trivy 0.3x); the caller warns.
        "DESCRIBES" | "DESCRIBE" => Rel::Describes,
        "DESCRIBED_BY" => Rel::DescribedBy,
        _ => return None,
    })
}

/// `NONE` / `NOASSERTION` as a relationship end (SPDX 2), or SPDX 3's
/// `NoneElement` / `NoAssertionElement` individuals: a completeness assertion.
pub fn is_assertion_end(id: &str) -> bool {
    let id = id.trim();
    id.eq_ignore_ascii_case("NONE")
        || id.eq_ignore_ascii_case("NOASSERTION")
        || id.ends_with("NoneElement")
        || id.ends_with("NoAssertionElement")
}

/// An element of another SPDX 2 document (`DocumentRef-x:SPDXRef-y`): not
/// dangling, but not part of this graph either.
fn is_external(id: &str) -> bool {
    id.starts_with("DocumentRef-") && id.contains(':')
}

/// Registers package ids, counting the ones an earlier package already uses
/// (some generators repeat a package under the same id): relationships then
/// refer to the first, and one warning tells how many there were.
#[derive(Default)]
pub struct PackageIds {
    duplicates: usize,
    first: Option<(String, String)>,
}

impl PackageIds {
    pub fn register(
        &mut self,
        ids: &mut HashMap<String, Node>,
        id: String,
        idx: usize,
        pointer: &str,
    ) {
        if matches!(ids.get(&id), Some(Node::Package(_))) {
            self.duplicates += 1;
            if self.first.is_none() {
                self.first = Some((pointer.to_string(), id));
            }
        } else {
            ids.insert(id, Node::Package(idx));
        }
    }

    pub fn warn(self, doc: &mut ParsedDoc) {
        if let Some((pointer, id)) = self.first {
            doc.warnings.push(format!(
                "{} package(s) reuse the id of an earlier package (first at {pointer}: {id:?}); relationships refer to the first",
                self.duplicates
            ));
        }
    }
}

/// Collects edges, roots and scopes for one document.
pub struct Graph<'a> {
    ids: &'a HashMap<String, Node>,
    /// Per package: the widest scope over the edges that reach it.
    scopes: Vec<Option<Scope>>,
    roots: Vec<String>,
    roots_seen: HashSet<String>,
}

impl<'a> Graph<'a> {
    pub fn new(ids: &'a HashMap<String, Node>, packages: usize) -> Graph<'a> {
        Graph {
            ids,
            scopes: vec![None; packages],
            roots: Vec::new(),
            roots_seen: HashSet::new(),
        }
    }

    fn node(&self, id: &str) -> Option<Node> {
        if is_external(id) {
            return Some(Node::Other);
        }
        self.ids.get(id).copied()
    }

    /// `from` depends on or contains `to`, which is needed in `scope`. Edges
    /// between packages are kept, and so are edges to ids the document does
    /// not define (the merge reports those as dangling); edges touching files
    /// and other elements are not part of the component graph.
    pub fn edge(&mut self, doc: &mut ParsedDoc, from: &str, to: &str, scope: Scope) {
        let (from, to) = (from.trim(), to.trim());
        if from.is_empty() || to.is_empty() {
            return;
        }
        if is_assertion_end(from) || is_assertion_end(to) {
            doc.meta.completeness_declared = true;
            return;
        }
        let (f, t) = (self.node(from), self.node(to));
        if matches!(f, Some(Node::Other)) || matches!(t, Some(Node::Other)) {
            return;
        }
        if matches!(f, Some(Node::Package(_))) || matches!(t, Some(Node::Package(_))) {
            doc.meta.has_dependency_graph = true;
        }
        if let Some(Node::Package(i)) = t {
            let s = &mut self.scopes[i];
            *s = Some(s.map_or(scope, |old| old.min(scope)));
        }
        doc.edges.push((from.to_string(), to.to_string()));
    }

    /// A described element: a root when it is a package (or names nothing
    /// the document defines, so that the merge reports it).
    pub fn root(&mut self, id: &str) {
        let id = id.trim();
        if id.is_empty() || is_assertion_end(id) || matches!(self.node(id), Some(Node::Other)) {
            return;
        }
        if self.roots_seen.insert(id.to_string()) {
            self.roots.push(id.to_string());
        }
    }

    /// Writes roots, the primary component, the subject and scopes into `doc`.
    pub fn finish(self, doc: &mut ParsedDoc) {
        for (c, s) in doc.components.iter_mut().zip(&self.scopes) {
            if let Some(s) = s {
                c.scope = *s;
            }
        }
        let primary = self.roots.iter().find_map(|r| match self.ids.get(r) {
            Some(Node::Package(i)) => Some((r.clone(), *i)),
            _ => None,
        });
        if let Some((r, i)) = primary {
            let c = &doc.components[i];
            doc.meta.subject_name = Some(c.name.clone()).filter(|n| !n.is_empty());
            doc.meta.subject_version = c.version.clone();
            doc.meta.subject_supplier = c.supplier.clone();
            doc.meta.primary = Some(r);
        }
        doc.roots = self.roots;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Component;

    #[test]
    fn directions_and_scopes() {
        assert_eq!(
            classify_v2("DEPENDS_ON"),
            Some(Rel::Forward(Scope::Required))
        );
        assert_eq!(
            classify_v2("dependency-of"),
            Some(Rel::Reverse(Scope::Required))
        );
        assert_eq!(
            classify_v2("DEV_DEPENDENCY_OF"),
            Some(Rel::Reverse(Scope::Dev))
        );
        assert_eq!(
            classify_v2("TEST_DEPENDENCY_OF"),
            Some(Rel::Reverse(Scope::Dev))
        );
        assert_eq!(
            classify_v2("BUILD_DEPENDENCY_OF"),
            Some(Rel::Reverse(Scope::Build))
        );
        assert_eq!(
            classify_v2("OPTIONAL_DEPENDENCY_OF"),
            Some(Rel::Reverse(Scope::Optional))
        );
        assert_eq!(classify_v2("describes"), Some(Rel::Describes));
        assert_eq!(classify_v2("GENERATED_FROM"), None);
        assert_eq!(classify_v2("NOT_A_TYPE"), None);
    }

    #[test]
    fn only_package_and_dangling_ends_make_edges() {
        let mut ids = HashMap::new();
        ids.insert("a".to_string(), Node::Package(0));
        ids.insert("b".to_string(), Node::Package(1));
        ids.insert("file".to_string(), Node::Other);
        let mut doc = ParsedDoc {
            components: vec![Component::named("a"), Component::named("b")],
            ..ParsedDoc::default()
        };
        let mut g = Graph::new(&ids, 2);
        g.edge(&mut doc, "a", "file", Scope::Required);
        assert!(doc.edges.is_empty());
        assert!(!doc.meta.has_dependency_graph);
        g.edge(&mut doc, "a", "DocumentRef-x:SPDXRef-y", Scope::Required);
        assert!(doc.edges.is_empty());
        g.edge(&mut doc, "a", "NOASSERTION", Scope::Required);
        assert!(doc.meta.completeness_declared);
        g.edge(&mut doc, "a", "b", Scope::Dev);
        g.edge(&mut doc, "ghost", "b", Scope::Build);
        assert!(doc.meta.has_dependency_graph);
        g.root("file");
        g.root("ghost");
        g.root("a");
        g.root("a");
        g.finish(&mut doc);
        assert_eq!(doc.edges.len(), 2);
        assert_eq!(doc.roots, vec!["ghost".to_string(), "a".to_string()]);
        assert_eq!(doc.meta.primary.as_deref(), Some("a"));
        assert_eq!(doc.components[1].scope, Scope::Dev, "the widest scope wins");
        assert_eq!(doc.components[0].scope, Scope::Required);
    }
}
