//! The dependency graph of an inventory, for questions that span inputs:
//! how a transitive component is reached.

use super::{ComponentId, Inventory};
use std::collections::VecDeque;
use std::num::NonZeroU32;

/// A dependency path of more than twice this many components keeps its first
/// and last `PATH_END` and counts the ones left out between them: a hostile
/// or degenerate graph (a chain of 20,000 components made a 3 MB SBOM's
/// report 3.1 GB) costs each finding at most this, while a real product's
/// paths (rarely deeper than 20) stay whole.
pub const PATH_END: usize = 16;

/// The shortest chain of components (ids) from a start down to one, both
/// included; see [`PATH_END`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DependencyPath {
    pub ids: Vec<ComponentId>,
    /// Components left out after the first [`PATH_END`] of `ids`, if any.
    pub omitted: Option<NonZeroU32>,
}

/// Adjacency in compressed rows over dense component ids.
pub struct Graph {
    start: Vec<usize>,
    targets: Vec<ComponentId>,
}

impl Graph {
    pub fn new(inv: &Inventory) -> Graph {
        let n = inv.components.len();
        let mut start = vec![0usize; n + 1];
        for e in &inv.edges {
            start[e.from + 1] += 1;
        }
        for v in 0..n {
            start[v + 1] += start[v];
        }
        let mut fill = start.clone();
        let mut targets = vec![0; inv.edges.len()];
        for e in &inv.edges {
            targets[fill[e.from]] = e.to;
            fill[e.from] += 1;
        }
        Graph { start, targets }
    }

    pub fn out(&self, v: ComponentId) -> &[ComponentId] {
        &self.targets[self.start[v]..self.start[v + 1]]
    }

    /// A breadth-first walk from the starting points (the roots, and the
    /// direct dependencies of a product that is not itself a component),
    /// which answers for every component its shortest chain from a start.
    pub fn walk(&self, inv: &Inventory) -> Walk {
        let n = inv.components.len();
        let mut parent: Vec<Option<ComponentId>> = vec![None; n];
        let mut seen = vec![false; n];
        let mut depth = vec![0u32; n];
        let mut anchor: Vec<ComponentId> = (0..n).collect();
        let mut queue = VecDeque::new();
        let starts = inv.roots.iter().copied().chain(
            inv.components
                .iter()
                .filter(|c| c.direct == Some(true))
                .map(|c| c.id),
        );
        for s in starts {
            if !seen[s] {
                seen[s] = true;
                queue.push_back(s);
            }
        }
        while let Some(v) = queue.pop_front() {
            for &t in self.out(v) {
                if !seen[t] {
                    seen[t] = true;
                    parent[t] = Some(v);
                    depth[t] = depth[v].saturating_add(1);
                    if depth[t] as usize >= PATH_END {
                        anchor[t] = anchor[v];
                    }
                    queue.push_back(t);
                }
            }
        }
        Walk {
            parent,
            seen,
            depth,
            anchor,
        }
    }
}

/// The result of [`Graph::walk`].
pub struct Walk {
    parent: Vec<Option<ComponentId>>,
    seen: Vec<bool>,
    /// Components between a start and each component (a start's is 0).
    depth: Vec<u32>,
    /// Each component's ancestor at depth `PATH_END - 1` (itself when not
    /// deeper): the last of a long path's first part, found without walking it.
    anchor: Vec<ComponentId>,
}

impl Walk {
    /// The shortest chain from a start down to `v`, both included, its
    /// middle left out when it is longer than `2 * PATH_END`; `None` when no
    /// start reaches `v`. Costs at most `2 * PATH_END` steps.
    pub fn path(&self, v: ComponentId) -> Option<DependencyPath> {
        if !*self.seen.get(v)? {
            return None;
        }
        let len = self.depth[v] as usize + 1;
        if len <= 2 * PATH_END {
            return Some(DependencyPath {
                ids: self.up(v, len),
                omitted: None,
            });
        }
        let mut ids = self.up(self.anchor[v], PATH_END);
        ids.extend(self.up(v, PATH_END));
        Some(DependencyPath {
            ids,
            omitted: NonZeroU32::new(u32::try_from(len - 2 * PATH_END).unwrap_or(u32::MAX)),
        })
    }

    /// `v` and its `count - 1` nearest ancestors, the farthest first.
    fn up(&self, v: ComponentId, count: usize) -> Vec<ComponentId> {
        let mut ids = Vec::with_capacity(count);
        let mut cur = Some(v);
        while let Some(c) = cur.filter(|_| ids.len() < count) {
            ids.push(c);
            cur = self.parent[c];
        }
        ids.reverse();
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Component, Edge};

    /// Components `c0`… with these edges, `c0` the root.
    fn rooted(n: usize, edges: impl IntoIterator<Item = (usize, usize)>) -> Inventory {
        let mut inv = Inventory::default();
        for i in 0..n {
            let mut c = Component::named(format!("c{i}"));
            c.id = i;
            inv.components.push(c);
        }
        inv.roots = vec![0];
        inv.components[0].root = true;
        inv.edges = edges
            .into_iter()
            .map(|(from, to)| Edge { from, to })
            .collect();
        inv
    }

    #[test]
    fn shortest_paths_from_roots_and_direct_components() {
        // app → a → b → c, and a shortcut app → b; 4 is an island.
        let inv = rooted(5, [(0, 1), (0, 2), (1, 2), (2, 3)]);
        let walk = Graph::new(&inv).walk(&inv);
        let ids = |v| walk.path(v).map(|p| p.ids);
        assert_eq!(ids(3), Some(vec![0, 2, 3]));
        assert_eq!(ids(1), Some(vec![0, 1]));
        assert_eq!(ids(0), Some(vec![0]));
        assert_eq!(ids(4), None);
        assert_eq!(ids(99), None);
    }

    #[test]
    fn a_long_path_keeps_its_ends_and_counts_its_middle() {
        // A chain 0 → 1 → … → 99 from the root 0.
        let inv = rooted(100, (0..99).map(|i| (i, i + 1)));
        let walk = Graph::new(&inv).walk(&inv);
        // Up to 2 * PATH_END components the path is whole.
        let whole = walk.path(2 * PATH_END - 1).unwrap();
        assert_eq!(whole.ids, (0..2 * PATH_END).collect::<Vec<_>>());
        assert_eq!(whole.omitted, None);
        // One more and its middle one is left out.
        let cut = walk.path(2 * PATH_END).unwrap();
        assert_eq!(cut.omitted, NonZeroU32::new(1));
        assert_eq!(cut.ids[..PATH_END], (0..PATH_END).collect::<Vec<_>>()[..]);
        assert_eq!(
            cut.ids[PATH_END..],
            (PATH_END + 1..=2 * PATH_END).collect::<Vec<_>>()[..]
        );
        let far = walk.path(99).unwrap();
        assert_eq!(far.ids.len(), 2 * PATH_END);
        assert_eq!(far.omitted, NonZeroU32::new(100 - 2 * PATH_END as u32));
        assert_eq!(far.ids[..PATH_END], (0..PATH_END).collect::<Vec<_>>()[..]);
        assert_eq!(
            far.ids[PATH_END..],
            (100 - PATH_END..100).collect::<Vec<_>>()[..]
        );
    }
}
