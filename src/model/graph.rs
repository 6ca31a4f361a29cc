//! The dependency graph of an inventory, for questions that span inputs:
//! how a transitive component is reached.

use super::{ComponentId, Inventory};
use std::collections::VecDeque;

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
                    queue.push_back(t);
                }
            }
        }
        Walk { parent, seen }
    }
}

/// The result of [`Graph::walk`].
pub struct Walk {
    parent: Vec<Option<ComponentId>>,
    seen: Vec<bool>,
}

impl Walk {
    /// The shortest chain from a start down to `v`, both included; `None`
    /// when no start reaches `v`.
    pub fn path(&self, v: ComponentId) -> Option<Vec<ComponentId>> {
        if !*self.seen.get(v)? {
            return None;
        }
        let mut path = vec![v];
        let mut cur = v;
        while let Some(p) = self.parent[cur] {
            path.push(p);
            cur = p;
        }
        path.reverse();
        Some(path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Component, Edge};

    #[test]
    fn shortest_paths_from_roots_and_direct_components() {
        let mut inv = Inventory::default();
        for (i, name) in ["app", "a", "b", "c", "island"].iter().enumerate() {
            let mut c = Component::named(*name);
            c.id = i;
            inv.components.push(c);
        }
        inv.roots = vec![0];
        inv.components[0].root = true;
        // app → a → b → c, and a shortcut app → b.
        inv.edges = vec![
            Edge { from: 0, to: 1 },
            Edge { from: 0, to: 2 },
            Edge { from: 1, to: 2 },
            Edge { from: 2, to: 3 },
        ];
        let walk = Graph::new(&inv).walk(&inv);
        assert_eq!(walk.path(3), Some(vec![0, 2, 3]));
        assert_eq!(walk.path(1), Some(vec![0, 1]));
        assert_eq!(walk.path(0), Some(vec![0]));
        assert_eq!(walk.path(4), None);
        assert_eq!(walk.path(99), None);
    }
}
