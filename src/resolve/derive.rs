//! Package facts narrowed to one component: the Origin the rules read.
