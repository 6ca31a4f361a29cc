//! OPQ: opaque components, whose content or terms a reviewer cannot see.

use super::{Ctx, Verdict};
use crate::model::{BuildCode, Component, RefKind, SourceKind};

/// True when the SBOM points at the component's source code.
fn has_source_reference(c: &Component) -> bool {
    c.references.iter().any(|r| r.kind == RefKind::Vcs)
        || matches!(c.source, SourceKind::Git { .. })
}

/// OPQ-01 (SBOM part): a VCS reference in the SBOM passes; its absence can only
/// be confirmed against the registry, so without registry data it is unknown.
pub fn no_source_repository(c: &Component, _: &Ctx) -> Verdict {
    if has_source_reference(c) {
        Verdict::Pass
    } else {
        Verdict::not_evaluated(
            "no VCS reference in the SBOM; the registry's repository URL is needed to confirm, and registry resolution is not part of this scan",
        )
    }
}

/// OPQ-03: install scripts, build scripts, proc-macros, source distributions.
pub fn build_time_code(c: &Component, _: &Ctx) -> Verdict {
    match &c.build_code {
        None => Verdict::not_evaluated(
            "the input does not record install or build-time code (lockfiles and cargo metadata do)",
        ),
        Some(codes) if codes.is_empty() => Verdict::Pass,
        Some(codes) => {
            let what: Vec<&str> = codes
                .iter()
                .map(|b| match b {
                    BuildCode::InstallScript => "an install script",
                    BuildCode::BuildScript => "a build script",
                    BuildCode::ProcMacro => "a procedural macro",
                    BuildCode::SourceDistribution => "a source distribution built at install time",
                })
                .collect();
            Verdict::fire(
                format!(
                    "{} runs code at install or build time: {}",
                    c.display_name(),
                    what.join(", ")
                ),
                codes
                    .iter()
                    .map(|b| ("build-time code", format!("{b:?}")))
                    .collect(),
            )
        }
    }
}

/// OPQ-05: no licence, NOASSERTION only, or no valid SPDX expression.
pub fn licence_unknown(c: &Component, _: &Ctx) -> Verdict {
    if c.licenses.iter().any(|l| l.is_known()) {
        return Verdict::Pass;
    }
    let asserted: Vec<&str> = c
        .licenses
        .iter()
        .filter(|l| l.is_assertion())
        .map(|l| l.raw.as_str())
        .collect();
    let (message, value) = if c.licenses.is_empty() {
        (
            format!("{} has no licence", c.display_name()),
            "absent".to_string(),
        )
    } else if asserted.is_empty() {
        (
            format!(
                "{} has no licence assertion (NOASSERTION or NONE only)",
                c.display_name()
            ),
            c.licenses
                .iter()
                .map(|l| l.raw.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        )
    } else {
        (
            format!(
                "{}: licence {:?} is not a valid SPDX expression",
                c.display_name(),
                asserted.join(" / ")
            ),
            asserted.join(", "),
        )
    };
    Verdict::fire(message, vec![("licence", value)])
}

/// Words in licence text that mark closed terms.
const CLOSED_MARKERS: [&str; 5] = [
    "proprietary",
    "commercial",
    "closed",
    "all rights reserved",
    "eula",
];

/// Closed when the licence text says so, or the type is firmware or device
/// (delivered as binaries). `None` when the SBOM gives neither licence nor type.
fn is_closed(c: &Component) -> Option<bool> {
    let closed_licence = c.licenses.iter().any(|l| {
        let raw = l.raw.to_ascii_lowercase();
        CLOSED_MARKERS.iter().any(|m| raw.contains(m))
    });
    let binary_kind = matches!(c.kind.as_deref(), Some("firmware" | "device"));
    if closed_licence || binary_kind {
        return Some(true);
    }
    if c.licenses.iter().any(|l| l.is_known()) {
        return Some(false);
    }
    None
}

/// OPQ-06: a closed component with no nested SBOM, external BOM or source reference.
pub fn closed_without_bom(c: &Component, _: &Ctx) -> Verdict {
    match is_closed(c) {
        None => Verdict::not_evaluated(
            "no licence and no component type to tell whether the component is closed",
        ),
        Some(false) => Verdict::Pass,
        Some(true) if c.has_own_bom || has_source_reference(c) => Verdict::Pass,
        Some(true) => {
            let why = c
                .licenses
                .first()
                .map(|l| format!("licence {:?}", l.raw))
                .or_else(|| c.kind.as_ref().map(|k| format!("type {k}")))
                .unwrap_or_default();
            Verdict::fire(
                format!(
                    "{} is closed ({why}) and comes with no SBOM of its own and no source reference",
                    c.display_name()
                ),
                vec![
                    ("closed because", why),
                    ("nested components or external BOM", "absent".into()),
                    ("source reference", "absent".into()),
                ],
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::{fired, run};
    use super::*;
    use crate::model::{License, LicenseKind};

    fn with_licence(raw: &str) -> Component {
        let mut c = Component::named("a");
        c.licenses.push(License::new(LicenseKind::Declared, raw));
        c
    }

    #[test]
    fn opq01_passes_on_vcs_else_unknown() {
        let mut c = Component::named("a");
        c.add_reference(RefKind::Vcs, "https://example.com/a.git");
        assert_eq!(run(no_source_repository, c), Verdict::Pass);
        assert!(matches!(
            run(no_source_repository, Component::named("a")),
            Verdict::NotEvaluated(_)
        ));
    }

    #[test]
    fn opq03_build_time_code() {
        let mut c = Component::named("a");
        assert!(matches!(
            run(build_time_code, c.clone()),
            Verdict::NotEvaluated(_)
        ));
        c.build_code = Some(vec![]);
        assert_eq!(run(build_time_code, c.clone()), Verdict::Pass);
        c.build_code = Some(vec![BuildCode::InstallScript, BuildCode::ProcMacro]);
        match run(build_time_code, c) {
            Verdict::Fire(f) => assert!(
                f.message.contains("an install script, a procedural macro"),
                "{}",
                f.message
            ),
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn opq05_licence() {
        assert!(fired(&run(licence_unknown, Component::named("a"))));
        assert!(fired(&run(licence_unknown, with_licence("NOASSERTION"))));
        match run(licence_unknown, with_licence("SEE LICENSE IN LICENSE.txt")) {
            Verdict::Fire(f) => assert!(f.message.contains("not a valid SPDX expression")),
            v => panic!("{v:?}"),
        }
        assert_eq!(
            run(licence_unknown, with_licence("MIT OR Apache-2.0")),
            Verdict::Pass
        );
    }

    #[test]
    fn opq06_closed() {
        assert!(fired(&run(
            closed_without_bom,
            with_licence("LicenseRef-Proprietary")
        )));
        let mut c = with_licence("Commercial");
        c.has_own_bom = true;
        assert_eq!(run(closed_without_bom, c), Verdict::Pass);
        let mut fw = Component::named("bios");
        fw.kind = Some("firmware".into());
        assert!(fired(&run(closed_without_bom, fw)));
        assert_eq!(run(closed_without_bom, with_licence("MIT")), Verdict::Pass);
        assert!(matches!(
            run(closed_without_bom, Component::named("a")),
            Verdict::NotEvaluated(_)
        ));
    }
}
