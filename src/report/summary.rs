//! The product-level summary: counts, coverage, supplier shares.

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

use crate::model::{Category, Inventory, RefKind, Severity, SourceKind};
use crate::rules::{Evaluation, concentration_stats};

/// A count and its share of all components.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Share {
    pub count: usize,
    /// Percent of all components, one decimal.
    pub percent: f64,
}

impl Share {
    fn of(count: usize, total: usize) -> Share {
        let percent = if total == 0 {
            0.0
        } else {
            (count as f64 * 1000.0 / total as f64).round() / 10.0
        };
        Share { count, percent }
    }
}

/// How many components carry each NTIA/BSI data field.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    pub supplier: Share,
    pub version: Share,
    /// purl, CPE or SWID.
    pub identifier: Share,
    pub hash: Share,
    /// A licence that is a valid SPDX expression.
    pub licence: Share,
    pub source_repository: Share,
    /// Components with registry facts (the registry knows the package).
    pub origin_resolved: Share,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub components: usize,
    pub direct: usize,
    pub transitive: usize,
    /// Components whose input has no dependency graph to tell.
    pub directness_unknown: usize,
    /// The product itself: with the three above, the parts sum to `components`.
    #[serde(default)]
    pub roots: usize,
    /// Development and test dependencies among `components` (`--scope
    /// shipped` leaves them out).
    #[serde(default)]
    pub dev: usize,
    pub findings: usize,
    pub findings_by_severity: IndexMap<Severity, usize>,
    pub findings_by_category: IndexMap<Category, usize>,
    pub coverage: Coverage,
    pub suppliers: crate::rules::SupplierStats,
    /// Checks that could not be made, summed over rules (see `not_evaluated`).
    pub not_evaluated: usize,
}

/// Suppliers listed in the summary; the full list is derivable from the components.
const TOP_SUPPLIERS: usize = 10;

impl Summary {
    pub fn new(inv: &Inventory, eval: &Evaluation) -> Summary {
        let cs = &inv.components;
        let n = cs.len();
        // Each count a parallel pass: the components are large, the tests cheap.
        let count = |f: &(dyn Fn(&crate::model::Component) -> bool + Sync)| {
            use rayon::prelude::*;
            cs.par_iter().filter(|c| f(c)).count()
        };
        let mut by_sev: IndexMap<Severity, usize> = Severity::ALL.iter().map(|s| (*s, 0)).collect();
        let mut by_cat: IndexMap<Category, usize> = Category::ALL.iter().map(|c| (*c, 0)).collect();
        for f in &eval.findings {
            *by_sev.entry(f.severity).or_default() += 1;
            *by_cat.entry(f.category).or_default() += 1;
        }
        let mut suppliers = concentration_stats(inv);
        suppliers.shares.truncate(TOP_SUPPLIERS);
        Summary {
            components: n,
            direct: count(&|c| !c.root && c.direct == Some(true)),
            transitive: count(&|c| !c.root && c.direct == Some(false)),
            directness_unknown: count(&|c| c.direct.is_none() && !c.root),
            roots: count(&|c| c.root),
            dev: count(&|c| c.scope == crate::model::Scope::Dev),
            findings: eval.findings.len(),
            findings_by_severity: by_sev,
            findings_by_category: by_cat,
            coverage: Coverage {
                supplier: Share::of(count(&|c| c.responsible_party().is_some()), n),
                version: Share::of(count(&|c| c.version.is_some()), n),
                identifier: Share::of(
                    count(&|c| c.purl.is_some() || c.cpe.is_some() || c.rare.swid.is_some()),
                    n,
                ),
                hash: Share::of(count(&|c| !c.hashes.is_empty()), n),
                licence: Share::of(count(&|c| c.licenses.iter().any(|l| l.is_known())), n),
                source_repository: Share::of(
                    count(&|c| {
                        c.references.iter().any(|r| r.kind == RefKind::Vcs)
                            || matches!(c.source, SourceKind::Git { .. })
                    }),
                    n,
                ),
                origin_resolved: Share::of(
                    count(&|c| {
                        c.origin
                            .as_ref()
                            .is_some_and(|o| o.presence == crate::model::Presence::Found)
                    }),
                    n,
                ),
            },
            suppliers,
            not_evaluated: eval.not_evaluated.iter().map(|u| u.count).sum(),
        }
    }
}
