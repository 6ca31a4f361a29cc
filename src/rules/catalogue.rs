//! The rule catalogue of RULES.md as data: ids, names, families, default
//! severities, what each needs, the review clauses it maps to, and its doc.
//! The review matrix and `chainrisk rules` read this one table.

use crate::model::{Category, Severity};

/// Version of the rule set: bumped when a rule's meaning, default severity or
/// default threshold changes, so reports say which rules judged them.
pub const RULESET_VERSION: &str = "2026.12.1";

/// What a rule needs beyond the SBOM. Rules whose needs are not met in a
/// scan are reported as not evaluated, never as passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Needs {
    /// The SBOM alone.
    Sbom,
    /// Registry metadata (the resolve stage).
    Registry,
    /// An advisory database.
    Advisories,
    /// The downloaded package artifacts.
    Artifacts,
    /// A lockfile or manifest beside the SBOM.
    Lockfile,
    /// A user-supplied list in the policy file.
    Policy,
    /// The distributions' published lifecycle data (release dates, security-support lists).
    Lifecycle,
}

impl Needs {
    /// Why the rule was not evaluated when this need is not met.
    pub fn unmet_reason(self) -> &'static str {
        match self {
            Needs::Sbom => "the SBOM lacks the data this rule needs",
            Needs::Registry => {
                "needs registry metadata; registry resolution is not part of this scan"
            }
            Needs::Advisories => "needs an advisory database; none was given",
            Needs::Artifacts => {
                "needs the package artifacts; artifact inspection is not part of this scan"
            }
            Needs::Lockfile => "needs a lockfile or manifest of the same product beside the SBOM",
            Needs::Policy => "needs a user-supplied list in the policy file; none was given",
            Needs::Lifecycle => "needs the distributions' lifecycle data",
        }
    }
}

/// Whether a rule judges components one by one or a document / the product.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    Component,
    Document,
    Product,
}

#[derive(Debug)]
pub struct RuleInfo {
    pub id: &'static str,
    pub name: &'static str,
    pub category: Category,
    pub severity: Severity,
    pub subject: Subject,
    pub needs: Needs,
    /// Thresholds (policy keys) the rule reads.
    pub thresholds: &'static [&'static str],
    /// Review clauses and standards: M4(2), M10(1)–(3), NTIA, BSI, Scorecard checks.
    pub maps_to: &'static [&'static str],
    /// One line: when it fires.
    pub summary: &'static str,
    /// Why it matters and how to act on it.
    pub doc: &'static str,
}

macro_rules! rule {
    ($id:literal, $name:literal, $cat:ident, $sev:ident, $subj:ident, $needs:ident, [$($t:literal),*], [$($m:literal),*], $summary:literal, $doc:literal) => {
        RuleInfo {
            id: $id,
            name: $name,
            category: Category::$cat,
            severity: Severity::$sev,
            subject: Subject::$subj,
            needs: Needs::$needs,
            thresholds: &[$($t),*],
            maps_to: &[$($m),*],
            summary: $summary,
            doc: $doc,
        }
    };
}

pub static RULES: &[RuleInfo] = &[
    rule!(
        "UNM-01",
        "declared unmaintained",
        Unmaintained,
        High,
        Component,
        Advisories,
        [],
        ["M4(2)", "M10(2)"],
        "an advisory database marks the package unmaintained, or its manifest declares it deprecated or looking for a maintainer",
        "Nobody answers for an unmaintained package: security fixes and support stop. Replace it, fork it under your own maintenance, or record why the risk is accepted."
    ),
    rule!(
        "UNM-02",
        "deprecated at registry",
        Unmaintained,
        High,
        Component,
        Registry,
        [],
        ["M4(2)", "M10(2)"],
        "the registry marks the used version deprecated (npm `deprecated`, PyPI inactive or archived)",
        "The publisher has told users to move away. Read the deprecation message and follow its advice."
    ),
    rule!(
        "UNM-03",
        "yanked version in use",
        Unmaintained,
        High,
        Component,
        Registry,
        [],
        ["M4(2)", "M10(2)"],
        "the used version is yanked or unpublished",
        "A yanked version was withdrawn by its publisher, usually for a defect. Upgrade to a version that is not yanked."
    ),
    rule!(
        "UNM-04",
        "no recent release",
        Unmaintained,
        Medium,
        Component,
        Registry,
        ["max_release_age_months"],
        ["M4(2)", "M10(2)"],
        "the newest release of any version is older than `max_release_age_months` (24)",
        "A package with no release for years may not receive fixes. Check its repository for activity and plan for support."
    ),
    rule!(
        "UNM-05",
        "version lag",
        Unmaintained,
        Low,
        Component,
        Registry,
        ["max_major_lag", "max_version_age_months"],
        ["M10(2)"],
        "the used version is `max_major_lag` (2) majors behind the latest, or released `max_version_age_months` (36) before it",
        "Old release lines stop receiving fixes first. Upgrade, or confirm the line is still supported."
    ),
    rule!(
        "UNM-06",
        "unfixed advisory",
        Unmaintained,
        High,
        Component,
        Advisories,
        [],
        ["M10(1)", "M10(2)"],
        "a known advisory (other than an unmaintained notice, which is UNM-01) affects the used version and no fixed version exists",
        "There is nothing to upgrade to: mitigate, replace the package, or accept the risk with a reason."
    ),
    rule!(
        "UNM-07",
        "distribution release out of support",
        Unmaintained,
        High,
        Product,
        Lifecycle,
        [],
        ["M4(2)", "M10(2)"],
        "the OS release the product is built on is past the end of its regular security support by the distribution's own published dates; one finding per release in use, critical once every published support period has ended",
        "The distribution's security team no longer fixes this release: every package built for it stops getting regular security updates. Plan the upgrade to a supported release, or show that an LTS or extended support period the finding names covers the product for its service life."
    ),
    rule!(
        "UNM-08",
        "security support ended or limited",
        Unmaintained,
        High,
        Component,
        Lifecycle,
        [],
        ["M4(2)", "M10(2)"],
        "the distribution declares that security support for the package's source in this release has ended (high) or is limited (medium), in Debian's security-support lists",
        "The distribution has said it will not (or cannot fully) fix this package's security problems in this release. Read the details the finding quotes: replace or remove the package, confine it to the uses that stay supported, or record why the risk is accepted."
    ),
    rule!(
        "UNM-09",
        "dropped by the distribution",
        Unmaintained,
        Medium,
        Component,
        Registry,
        [],
        ["M4(2)", "M10(2)"],
        "the package's source is in neither of the distribution's development suites (Debian testing and unstable), or its maintainer is the distribution's QA team (orphaned)",
        "The distribution will not carry this package into its next release, or nobody in it maintains the package any more: security fixes depend on whoever still cares. Plan a replacement before the upgrade to the next release, or take over its maintenance."
    ),
    rule!(
        "OPQ-01",
        "no source repository",
        Opaque,
        Medium,
        Component,
        Registry,
        [],
        ["M4(2)", "M10(3)", "BSI"],
        "no VCS reference in the SBOM and none at the registry",
        "Without its source repository a component cannot be reviewed or rebuilt. Ask the supplier for the source location, or add it to the SBOM. This scan can only pass the rule from the SBOM; proving absence needs registry metadata."
    ),
    rule!(
        "OPQ-02",
        "unknown to its registry",
        Opaque,
        High,
        Component,
        Registry,
        [],
        ["M10(1)", "M10(3)"],
        "the package named by the purl does not exist at the configured registry",
        "A private name missing from the public registry invites dependency confusion; a typo may be typo-squatting. Check the name and where it is really published."
    ),
    rule!(
        "OPQ-03",
        "install or build-time code",
        Opaque,
        Medium,
        Component,
        Lockfile,
        [],
        ["M10(1)"],
        "install scripts, build scripts, proc-macros or sdist-only releases run code at install or build time",
        "Code that runs during installation or build can tamper with the product. Review it, or build in an isolated environment."
    ),
    rule!(
        "OPQ-04",
        "prebuilt binaries in a source package",
        Opaque,
        High,
        Component,
        Artifacts,
        [],
        ["M10(1)", "M10(3)", "Scorecard Binary-Artifacts"],
        "executables or archives inside a downloaded source package",
        "Binaries in a source package cannot be reviewed. Rebuild them from source or remove them."
    ),
    rule!(
        "OPQ-05",
        "licence unknown",
        Opaque,
        Medium,
        Component,
        Sbom,
        [],
        ["NTIA", "BSI"],
        "no licence, NOASSERTION, or text that is not a valid SPDX expression",
        "A component without a known licence cannot be cleared for delivery. Add the licence to the SBOM as an SPDX expression."
    ),
    rule!(
        "OPQ-06",
        "closed component without BOM",
        Opaque,
        High,
        Component,
        Sbom,
        [],
        ["M4(2)", "M10(3)"],
        "a proprietary or binary-only component (licence text proprietary or commercial, or type firmware or device) with no nested SBOM, external BOM or source reference",
        "What is inside a closed component cannot be assessed. Ask its supplier for an SBOM of it and attach it (nested components or an external `bom` reference)."
    ),
    rule!(
        "OPQ-07",
        "unaccounted executable",
        Opaque,
        Medium,
        Product,
        Artifacts,
        [],
        ["M10(1)", "M10(3)"],
        "(delivered product) an executable or shared library in the product (ELF, PE, Mach-O) that no package database lists, no SBOM of the scan declares (by path or SHA-256) and that carries no build record (Go build information, cargo-auditable)",
        "Nobody has said what this binary is built from, so nothing about it can be checked. Ask the supplier which source and build it comes from, and for an SBOM of it; or ship it as a package, or build it with its build record embedded."
    ),
    rule!(
        "CON-01",
        "single maintainer",
        Concentration,
        Medium,
        Component,
        Registry,
        [],
        ["M4(2)", "M10(3)", "Scorecard Contributors"],
        "the registry lists exactly one maintainer or publisher",
        "One person's absence or compromise affects every user. Prefer packages maintained by a team, or plan for taking over maintenance."
    ),
    rule!(
        "CON-02",
        "critical single point",
        Concentration,
        High,
        Component,
        Registry,
        ["fan_in_percent"],
        ["M10(2)", "M10(3)"],
        "at least `fan_in_percent` (10 %) of components depend on it transitively and it is single-maintainer or unmaintained",
        "Much of the product rests on one fragile component. Give it priority for replacement or support."
    ),
    rule!(
        "CON-03",
        "supplier concentration",
        Concentration,
        Info,
        Product,
        Sbom,
        ["max_supplier_share"],
        ["M10(3)"],
        "one supplier, namespace or repository owner accounts for at least `max_supplier_share` (30 %) of the components; the report also gives the HHI",
        "Heavy reliance on one source reduces diversity of supply. It may be acceptable (a vendor platform), but it should be a known, recorded decision."
    ),
    rule!(
        "CON-04",
        "irregular channel",
        Concentration,
        Medium,
        Component,
        Sbom,
        [],
        ["M10(3)"],
        "the component came from git, a local path, a direct URL or was vendored, instead of a registry",
        "Packages outside a registry skip its integrity and availability guarantees. Publish them to a registry you control, or pin them to immutable revisions and record why."
    ),
    rule!(
        "CON-05",
        "supplier unknown",
        Concentration,
        Low,
        Component,
        Sbom,
        [],
        ["M10(3)", "NTIA"],
        "no supplier in the SBOM and none derivable from the namespace or repository owner",
        "Nobody can be asked about a component of unknown origin. Add the supplier to the SBOM. For registry packages the publisher can be resolved from the registry; without resolution such components are not evaluated."
    ),
    rule!(
        "CON-06",
        "listed supplier",
        Concentration,
        Medium,
        Component,
        Policy,
        [],
        ["M10(3)"],
        "the supplier matches a user-supplied list of suppliers, namespaces or regions",
        "Your policy names suppliers that need attention. The tool ships no list."
    ),
    rule!(
        "DEL-01",
        "hash missing",
        Delivery,
        Medium,
        Component,
        Sbom,
        [],
        ["M4(2)", "BSI"],
        "no hash for the component in the SBOM or lockfile (a package read only from a delivered product's package database is judged by DEL-09 instead)",
        "Without a hash nobody can verify that the delivered component is the one reviewed. Generate the SBOM with hashes."
    ),
    rule!(
        "DEL-02",
        "hash mismatch",
        Delivery,
        Critical,
        Component,
        Registry,
        [],
        ["M10(1)"],
        "the SBOM or lockfile hash differs from the registry's checksum for that version",
        "The component differs from what its registry publishes: tampering, a rebuilt artifact, or a wrong SBOM. Investigate before delivery."
    ),
    rule!(
        "DEL-03",
        "weak hash only",
        Delivery,
        Low,
        Component,
        Sbom,
        [],
        ["BSI"],
        "the only hashes are MD5 or SHA-1",
        "MD5 and SHA-1 collisions can be produced; they do not prove integrity. Add SHA-256 or stronger."
    ),
    rule!(
        "DEL-04",
        "unpinned",
        Delivery,
        Medium,
        Component,
        Sbom,
        [],
        ["M10(1)", "Scorecard Pinned-Dependencies"],
        "a version range or wildcard, a git branch or tag instead of a commit, or a manifest without a lockfile",
        "An unpinned dependency can change between builds without review. Pin exact versions and commit ids."
    ),
    rule!(
        "DEL-05",
        "insecure source",
        Delivery,
        High,
        Component,
        Sbom,
        [],
        ["M10(1)"],
        "an `http://` or `git://` download or VCS URL",
        "Unencrypted, unauthenticated channels can be tampered with in transit. Use https or ssh."
    ),
    rule!(
        "DEL-06",
        "fresh release",
        Delivery,
        Medium,
        Component,
        Registry,
        ["min_release_age_days"],
        ["M10(1)"],
        "the used version was published less than `min_release_age_days` (7) before the scan",
        "Most malicious releases are caught within days. Let new releases age before adopting them."
    ),
    rule!(
        "DEL-07",
        "new publisher",
        Delivery,
        Medium,
        Component,
        Registry,
        [],
        ["M10(1)"],
        "the used version was published by an account that published no earlier version",
        "A new publisher may be a takeover. Check that the change of hands is legitimate."
    ),
    rule!(
        "DEL-08",
        "distribution update not applied",
        Delivery,
        Medium,
        Component,
        Registry,
        [],
        ["M10(1)", "M10(2)"],
        "a newer build of the same package is published for the same release (Debian -security, -updates or a point release; Ubuntu -security/-updates; the Alpine branch; an RPM updates repository); high when it came through the security channel",
        "The distribution has published an update the product does not carry. A build from the security channel fixes a known vulnerability: apply it, or show why the product is not exposed. Other updates fix bugs; take them with the next maintenance release."
    ),
    rule!(
        "DEL-09",
        "delivered file differs from its package",
        Delivery,
        High,
        Component,
        Artifacts,
        [],
        ["M10(1)"],
        "(delivered product) a file installed by a package differs from the digest the package database recorded for it (dpkg md5sums, apk Z: checksums, rpm file digests, opkg conffile digests); changed configuration files and missing files are reported separately, at low",
        "What was delivered is not what the package installed: a changed executable or library may be a local patch, a failed update or tampering. Compare the file with the package's, find out who changed it and why, and reinstall the package or document the change."
    ),
    rule!(
        "DEL-10",
        "security fix not applied",
        Delivery,
        High,
        Component,
        Advisories,
        [],
        ["M10(1)"],
        "a vulnerability advisory affects the used version and a fixed version exists; critical when the advisory rates it critical",
        "A known vulnerability is fixed upstream, but the fix is not in the product. Upgrade to the nearest fixed version the finding names, or record why the vulnerable code is not reached. Advisories without a fix are UNM-06; unmaintained, unsound and other informational notices are not vulnerabilities and stay with UNM-01 and UNM-06."
    ),
    rule!(
        "SBM-01",
        "supplier missing",
        Completeness,
        Low,
        Component,
        Sbom,
        [],
        ["NTIA", "BSI"],
        "an SBOM entry has no supplier, manufacturer or author",
        "NTIA and BSI TR-03183-2 require the supplier of every component. Fill it in the SBOM generator's configuration or metadata. Components read only from lockfiles or a product's package database are not SBOM entries: CON-05 asks their registry instead."
    ),
    rule!(
        "SBM-02",
        "version missing",
        Completeness,
        High,
        Component,
        Sbom,
        [],
        ["NTIA", "BSI"],
        "an SBOM entry has no version",
        "Without a version nothing about the component can be checked: advisories, releases, hashes. Regenerate the SBOM from the built product."
    ),
    rule!(
        "SBM-03",
        "no unique identifier",
        Completeness,
        Medium,
        Component,
        Sbom,
        [],
        ["NTIA", "BSI"],
        "an SBOM entry has no valid purl, CPE or SWID tag id",
        "Without an identifier the component cannot be matched to advisories or registries. Add a purl."
    ),
    rule!(
        "SBM-04",
        "dependency graph missing or broken",
        Completeness,
        High,
        Document,
        Sbom,
        [],
        ["NTIA", "BSI"],
        "the document has no dependency relationships, references that name no component, or components unreachable from the primary component",
        "Without the graph, direct and transitive dependencies cannot be told apart and a finding cannot be traced to the dependency that brought it in."
    ),
    rule!(
        "SBM-05",
        "completeness undeclared",
        Completeness,
        Low,
        Document,
        Sbom,
        [],
        ["NTIA", "BSI"],
        "no CycloneDX `compositions` and no SPDX completeness assertion",
        "A reader cannot tell whether the SBOM lists everything or only what a tool found. Declare completeness (complete, incomplete or unknown)."
    ),
    rule!(
        "SBM-06",
        "document metadata missing",
        Completeness,
        Medium,
        Document,
        Sbom,
        [],
        ["NTIA", "BSI"],
        "the document lacks an author or tool, a timestamp, a serial number or namespace, or a primary component",
        "A review file needs to know who produced the SBOM, when, of what, and which revision of it this is."
    ),
    rule!(
        "SBM-07",
        "SBOM drift",
        Completeness,
        High,
        Product,
        Lockfile,
        [],
        ["M4(2)"],
        "an SBOM and a lockfile of the same product disagree (components added, missing or at other versions)",
        "The SBOM does not describe what is built. Regenerate it from the same revision as the lockfile."
    ),
];

pub fn find(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.id.eq_ignore_ascii_case(id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_are_unique_and_well_formed() {
        let mut seen = HashSet::new();
        for r in RULES {
            assert!(seen.insert(r.id), "duplicate {}", r.id);
            let (family, num) = r.id.split_once('-').unwrap();
            assert!(["UNM", "OPQ", "CON", "DEL", "SBM"].contains(&family));
            assert_eq!(num.len(), 2);
            assert!(!r.maps_to.is_empty(), "{} maps to nothing", r.id);
            assert!(!r.doc.is_empty() && !r.summary.is_empty());
        }
        assert_eq!(RULES.len(), 39, "the 39 rules of the catalogue");
    }

    #[test]
    fn lookup_ignores_case() {
        assert_eq!(find("del-01").unwrap().name, "hash missing");
        assert!(find("XXX-99").is_none());
    }
}
