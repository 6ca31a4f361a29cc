//! The rule catalogue of RULES.md as data: one entry per rule holds all of
//! it — id, name and summary in both report languages, family, default
//! severity, the check that evaluates it, what it needs, the thresholds it
//! reads, the review clauses it maps to, and its doc. The evaluator,
//! `chainrisk rules`, the policy and the reports read this one table; a
//! const check refuses to compile an entry that is malformed or incomplete.

use serde::{Serialize, Serializer};

use super::config::Threshold;
use super::{
    Ctx, Verdict, archive, completeness, concentration, delivery, fan_in, lifecycle, opaque,
    product, unmaintained,
};
use crate::model::{Category, Component, ComponentId, Document, Severity};

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

/// A rule that judges one component.
pub type ComponentCheck = fn(&Component, &Ctx) -> Verdict;

/// The function that evaluates a rule, by what it judges.
#[derive(Clone, Copy, Debug)]
pub enum Check {
    /// One component at a time (in parallel).
    Component(ComponentCheck),
    /// Components, but with the whole graph at once (fan-in): answers only
    /// for the components it has something to say about.
    Graph(fn(&Ctx) -> Vec<(ComponentId, Verdict)>),
    /// One SBOM document at a time.
    Document(fn(&Document, &Ctx) -> Verdict),
    /// The product as a whole; may fire more than once.
    Product(fn(&Ctx) -> Vec<Verdict>),
    /// Not implemented in this build: every subject is a known unknown.
    Planned(Subject),
}

/// A review clause or standard a rule's findings count towards: the review
/// matrix's rows (the review measures' M4(2) and M10(1)–(3)), the
/// conformance standards, and OpenSSF Scorecard checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mapping {
    /// M4(2): risk throughout R&D, delivery and technical support.
    M4Lifecycle,
    /// M10(1): illegal control, interference or tampering.
    M10Tampering,
    /// M10(2): interruption of supply and business continuity.
    M10Interruption,
    /// M10(3): security, openness, transparency, diversity of sources and
    /// reliability of supply channels.
    M10Channels,
    /// NTIA minimum elements.
    Ntia,
    /// BSI TR-03183-2.
    Bsi,
    ScorecardBinaryArtifacts,
    ScorecardPinnedDependencies,
    ScorecardContributors,
}

impl Mapping {
    /// As RULES.md and every report write it.
    pub const fn label(self) -> &'static str {
        match self {
            Mapping::M4Lifecycle => "M4(2)",
            Mapping::M10Tampering => "M10(1)",
            Mapping::M10Interruption => "M10(2)",
            Mapping::M10Channels => "M10(3)",
            Mapping::Ntia => "NTIA",
            Mapping::Bsi => "BSI",
            Mapping::ScorecardBinaryArtifacts => "Scorecard Binary-Artifacts",
            Mapping::ScorecardPinnedDependencies => "Scorecard Pinned-Dependencies",
            Mapping::ScorecardContributors => "Scorecard Contributors",
        }
    }
}

impl std::fmt::Display for Mapping {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

impl Serialize for Mapping {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.label())
    }
}

/// One rule: everything about it in one place.
#[derive(Debug)]
pub struct RuleInfo {
    pub id: &'static str,
    pub name: &'static str,
    /// The name in Simplified Chinese (`--lang zh-CN` reports).
    pub name_zh: &'static str,
    pub category: Category,
    pub severity: Severity,
    pub check: Check,
    pub needs: Needs,
    /// Thresholds (policy keys) the rule reads.
    pub thresholds: &'static [Threshold],
    /// Review clauses and standards its findings count towards.
    pub maps_to: &'static [Mapping],
    /// One line: when it fires.
    pub summary: &'static str,
    /// The summary in Simplified Chinese.
    pub summary_zh: &'static str,
    /// Why it matters and how to act on it.
    pub doc: &'static str,
}

impl RuleInfo {
    pub const fn subject(&self) -> Subject {
        match self.check {
            Check::Component(_) | Check::Graph(_) => Subject::Component,
            Check::Document(_) => Subject::Document,
            Check::Product(_) => Subject::Product,
            Check::Planned(subject) => subject,
        }
    }

    /// Whether this build evaluates the rule at all.
    pub const fn implemented(&self) -> bool {
        !matches!(self.check, Check::Planned(_))
    }

    /// The review mappings as RULES.md lists them: `M4(2), M10(3)`.
    pub fn maps_to_text(&self) -> String {
        let labels: Vec<&str> = self.maps_to.iter().map(|m| m.label()).collect();
        labels.join(", ")
    }
}

const CATALOGUE: [RuleInfo; 39] = [
    RuleInfo {
        id: "UNM-01",
        name: "declared unmaintained",
        name_zh: "已声明无人维护",
        category: Category::Unmaintained,
        severity: Severity::High,
        check: Check::Component(unmaintained::declared_unmaintained),
        needs: Needs::Advisories,
        thresholds: &[],
        maps_to: &[Mapping::M4Lifecycle, Mapping::M10Interruption],
        summary: "an advisory database marks the package unmaintained, or its manifest declares it deprecated or looking for a maintainer",
        summary_zh: "安全公告数据库将该软件包标记为无人维护，或其清单声明已弃用或正在寻找维护者",
        doc: "Nobody answers for an unmaintained package: security fixes and support stop. Replace it, fork it under your own maintenance, or record why the risk is accepted.",
    },
    RuleInfo {
        id: "UNM-02",
        name: "deprecated at registry",
        name_zh: "已在注册表弃用",
        category: Category::Unmaintained,
        severity: Severity::High,
        check: Check::Component(unmaintained::deprecated),
        needs: Needs::Registry,
        thresholds: &[],
        maps_to: &[Mapping::M4Lifecycle, Mapping::M10Interruption],
        summary: "the registry marks the used version deprecated (npm `deprecated`, PyPI inactive or archived)",
        summary_zh: "注册表将所用版本标记为已弃用（npm `deprecated`、PyPI 不活跃或已归档）",
        doc: "The publisher has told users to move away. Read the deprecation message and follow its advice.",
    },
    RuleInfo {
        id: "UNM-03",
        name: "yanked version in use",
        name_zh: "使用了已撤回的版本",
        category: Category::Unmaintained,
        severity: Severity::High,
        check: Check::Component(unmaintained::yanked),
        needs: Needs::Registry,
        thresholds: &[],
        maps_to: &[Mapping::M4Lifecycle, Mapping::M10Interruption],
        summary: "the used version is yanked or unpublished",
        summary_zh: "所用版本已被撤回或取消发布",
        doc: "A yanked version was withdrawn by its publisher, usually for a defect. Upgrade to a version that is not yanked.",
    },
    RuleInfo {
        id: "UNM-04",
        name: "no recent release",
        name_zh: "近期无发布",
        category: Category::Unmaintained,
        severity: Severity::Medium,
        check: Check::Component(unmaintained::no_recent_release),
        needs: Needs::Registry,
        thresholds: &[Threshold::MaxReleaseAgeMonths],
        maps_to: &[Mapping::M4Lifecycle, Mapping::M10Interruption],
        summary: "the newest release of any version is older than `max_release_age_months` (24)",
        summary_zh: "所有版本中最新的发布早于 `max_release_age_months`（24）个月",
        doc: "A package with no release for years may not receive fixes. Check its repository for activity and plan for support.",
    },
    RuleInfo {
        id: "UNM-05",
        name: "version lag",
        name_zh: "版本滞后",
        category: Category::Unmaintained,
        severity: Severity::Low,
        check: Check::Component(unmaintained::version_lag),
        needs: Needs::Registry,
        thresholds: &[Threshold::MaxMajorLag, Threshold::MaxVersionAgeMonths],
        maps_to: &[Mapping::M10Interruption],
        summary: "the used version is `max_major_lag` (2) majors behind the latest, or released `max_version_age_months` (36) before it",
        summary_zh: "所用版本落后最新版本 `max_major_lag`（2）个主版本，或比最新版本早 `max_version_age_months`（36）个月发布",
        doc: "Old release lines stop receiving fixes first. Upgrade, or confirm the line is still supported.",
    },
    RuleInfo {
        id: "UNM-06",
        name: "unfixed advisory",
        name_zh: "未修复的安全公告",
        category: Category::Unmaintained,
        severity: Severity::High,
        check: Check::Component(unmaintained::unfixed_advisory),
        needs: Needs::Advisories,
        thresholds: &[],
        maps_to: &[Mapping::M10Tampering, Mapping::M10Interruption],
        summary: "a known advisory (other than an unmaintained notice, which is UNM-01) affects the used version and no fixed version exists",
        summary_zh: "已知安全公告（UNM-01 所指的无人维护通告除外）影响所用版本，且没有已修复的版本",
        doc: "There is nothing to upgrade to: mitigate, replace the package, or accept the risk with a reason.",
    },
    RuleInfo {
        id: "UNM-07",
        name: "distribution release out of support",
        name_zh: "发行版版本已停止支持",
        category: Category::Unmaintained,
        severity: Severity::High,
        check: Check::Product(lifecycle::release_out_of_support),
        needs: Needs::Lifecycle,
        thresholds: &[],
        maps_to: &[Mapping::M4Lifecycle, Mapping::M10Interruption],
        summary: "the OS release the product is built on is past the end of its regular security support by the distribution's own published dates; one finding per release in use, critical once every published support period has ended",
        summary_zh: "产品所基于的操作系统发行版本，按发行版自己公布的日期，已过常规安全支持期；每个在用的发行版本一项发现，所有公布的支持期都结束后为严重",
        doc: "The distribution's security team no longer fixes this release: every package built for it stops getting regular security updates. Plan the upgrade to a supported release, or show that an LTS or extended support period the finding names covers the product for its service life.",
    },
    RuleInfo {
        id: "UNM-08",
        name: "security support ended or limited",
        name_zh: "安全支持已结束或受限",
        category: Category::Unmaintained,
        severity: Severity::High,
        check: Check::Component(lifecycle::security_support_ended),
        needs: Needs::Lifecycle,
        thresholds: &[],
        maps_to: &[Mapping::M4Lifecycle, Mapping::M10Interruption],
        summary: "the distribution declares that security support for the package's source in this release has ended (high) or is limited (medium), in Debian's security-support lists",
        summary_zh: "发行版在其安全支持列表（Debian）中声明该软件包的源码包在此版本中的安全支持已结束（高）或受限（中）",
        doc: "The distribution has said it will not (or cannot fully) fix this package's security problems in this release. Read the details the finding quotes: replace or remove the package, confine it to the uses that stay supported, or record why the risk is accepted.",
    },
    RuleInfo {
        id: "UNM-09",
        name: "dropped by the distribution",
        name_zh: "已被发行版移除",
        category: Category::Unmaintained,
        severity: Severity::Medium,
        check: Check::Component(archive::dropped_by_distribution),
        needs: Needs::Registry,
        thresholds: &[],
        maps_to: &[Mapping::M4Lifecycle, Mapping::M10Interruption],
        summary: "the package's source is in neither of the distribution's development suites (Debian testing and unstable), or its maintainer is the distribution's QA team (orphaned)",
        summary_zh: "该软件包的源码包不在发行版的任何开发套件（Debian testing 和 unstable）中，或其维护者是发行版的 QA 团队（无人维护）",
        doc: "The distribution will not carry this package into its next release, or nobody in it maintains the package any more: security fixes depend on whoever still cares. Plan a replacement before the upgrade to the next release, or take over its maintenance.",
    },
    RuleInfo {
        id: "OPQ-01",
        name: "no source repository",
        name_zh: "无源代码仓库",
        category: Category::Opaque,
        severity: Severity::Medium,
        check: Check::Component(opaque::no_source_repository),
        needs: Needs::Registry,
        thresholds: &[],
        maps_to: &[Mapping::M4Lifecycle, Mapping::M10Channels, Mapping::Bsi],
        summary: "no VCS reference in the SBOM and none at the registry",
        summary_zh: "SBOM 和注册表中均无版本控制引用",
        doc: "Without its source repository a component cannot be reviewed or rebuilt. Ask the supplier for the source location, or add it to the SBOM. This scan can only pass the rule from the SBOM; proving absence needs registry metadata.",
    },
    RuleInfo {
        id: "OPQ-02",
        name: "unknown to its registry",
        name_zh: "注册表中不存在",
        category: Category::Opaque,
        severity: Severity::High,
        check: Check::Component(opaque::unknown_to_registry),
        needs: Needs::Registry,
        thresholds: &[],
        maps_to: &[Mapping::M10Tampering, Mapping::M10Channels],
        summary: "the package named by the purl does not exist at the configured registry",
        summary_zh: "purl 所指的软件包在配置的注册表中不存在",
        doc: "A private name missing from the public registry invites dependency confusion; a typo may be typo-squatting. Check the name and where it is really published.",
    },
    RuleInfo {
        id: "OPQ-03",
        name: "install or build-time code",
        name_zh: "安装或构建时代码",
        category: Category::Opaque,
        severity: Severity::Medium,
        check: Check::Component(opaque::build_time_code),
        needs: Needs::Lockfile,
        thresholds: &[],
        maps_to: &[Mapping::M10Tampering],
        summary: "install scripts, build scripts, proc-macros or sdist-only releases run code at install or build time",
        summary_zh: "安装脚本、构建脚本、过程宏或仅源码分发的版本会在安装或构建时执行代码",
        doc: "Code that runs during installation or build can tamper with the product. Review it, or build in an isolated environment.",
    },
    RuleInfo {
        id: "OPQ-04",
        name: "prebuilt binaries in a source package",
        name_zh: "源码包中含预编译二进制文件",
        category: Category::Opaque,
        severity: Severity::High,
        check: Check::Component(opaque::prebuilt_binaries),
        needs: Needs::Artifacts,
        thresholds: &[],
        maps_to: &[
            Mapping::M10Tampering,
            Mapping::M10Channels,
            Mapping::ScorecardBinaryArtifacts,
        ],
        summary: "an executable or shared library (ELF, PE, Mach-O) inside a package published as source (judged for npm packages installed in a delivered product)",
        summary_zh: "以源码发布的软件包中含有可执行文件或共享库（ELF、PE、Mach-O）（对交付产品中安装的 npm 软件包判定）",
        doc: "Binaries in a source package cannot be reviewed. Rebuild them from source or remove them.",
    },
    RuleInfo {
        id: "OPQ-05",
        name: "licence unknown",
        name_zh: "许可证未知",
        category: Category::Opaque,
        severity: Severity::Medium,
        check: Check::Component(opaque::licence_unknown),
        needs: Needs::Sbom,
        thresholds: &[],
        maps_to: &[Mapping::Ntia, Mapping::Bsi],
        summary: "no licence, NOASSERTION, or text that is not a valid SPDX expression",
        summary_zh: "无许可证、为 NOASSERTION，或不是有效的 SPDX 表达式",
        doc: "A component without a known licence cannot be cleared for delivery. Add the licence to the SBOM as an SPDX expression.",
    },
    RuleInfo {
        id: "OPQ-06",
        name: "closed component without BOM",
        name_zh: "无物料清单的闭源组件",
        category: Category::Opaque,
        severity: Severity::High,
        check: Check::Component(opaque::closed_without_bom),
        needs: Needs::Sbom,
        thresholds: &[],
        maps_to: &[Mapping::M4Lifecycle, Mapping::M10Channels],
        summary: "a proprietary or binary-only component (licence text proprietary or commercial, or type firmware or device) with no nested SBOM, external BOM or source reference",
        summary_zh: "专有或仅提供二进制的组件（许可证为专有或商业许可，或类型为固件或设备），且没有嵌套 SBOM、外部物料清单或源代码引用",
        doc: "What is inside a closed component cannot be assessed. Ask its supplier for an SBOM of it and attach it (nested components or an external `bom` reference).",
    },
    RuleInfo {
        id: "OPQ-07",
        name: "unaccounted executable",
        name_zh: "来源不明的可执行文件",
        category: Category::Opaque,
        severity: Severity::Medium,
        check: Check::Product(product::unaccounted_executables),
        needs: Needs::Artifacts,
        thresholds: &[],
        maps_to: &[Mapping::M10Tampering, Mapping::M10Channels],
        summary: "(delivered product) an executable or shared library in the product (ELF, PE, Mach-O) that no package database lists, no SBOM of the scan declares (by path or SHA-256) and that carries no build record (Go build information, cargo-auditable)",
        summary_zh: "（交付产品）产品中既未被任何软件包数据库列出、也未被本次扫描的任何 SBOM 声明（按路径或 SHA-256）、且不带构建记录（Go 构建信息、cargo-auditable）的可执行文件或共享库（ELF、PE、Mach-O）",
        doc: "Nobody has said what this binary is built from, so nothing about it can be checked. Ask the supplier which source and build it comes from, and for an SBOM of it; or ship it as a package, or build it with its build record embedded.",
    },
    RuleInfo {
        id: "CON-01",
        name: "single maintainer",
        name_zh: "单一维护者",
        category: Category::Concentration,
        severity: Severity::Medium,
        check: Check::Component(concentration::single_maintainer),
        needs: Needs::Registry,
        thresholds: &[],
        maps_to: &[
            Mapping::M4Lifecycle,
            Mapping::M10Channels,
            Mapping::ScorecardContributors,
        ],
        summary: "the registry lists exactly one maintainer or publisher",
        summary_zh: "注册表仅列出一名维护者或发布者",
        doc: "One person's absence or compromise affects every user. Prefer packages maintained by a team, or plan for taking over maintenance.",
    },
    RuleInfo {
        id: "CON-02",
        name: "critical single point",
        name_zh: "关键单点",
        category: Category::Concentration,
        severity: Severity::High,
        check: Check::Graph(fan_in::critical_single_point),
        needs: Needs::Registry,
        thresholds: &[Threshold::FanInPercent, Threshold::MaxReleaseAgeMonths],
        maps_to: &[Mapping::M10Interruption, Mapping::M10Channels],
        summary: "at least `fan_in_percent` (10 %) of components depend on it transitively and it is single-maintainer or unmaintained",
        summary_zh: "至少 `fan_in_percent`（10%）的组件传递依赖于它，且它只有一名维护者或无人维护",
        doc: "Much of the product rests on one fragile component. Give it priority for replacement or support.",
    },
    RuleInfo {
        id: "CON-03",
        name: "supplier concentration",
        name_zh: "供应商集中",
        category: Category::Concentration,
        severity: Severity::Info,
        check: Check::Product(concentration::supplier_concentration),
        needs: Needs::Sbom,
        thresholds: &[
            Threshold::MaxSupplierShare,
            Threshold::MinComponentsForConcentration,
        ],
        maps_to: &[Mapping::M10Channels],
        summary: "one supplier, namespace or repository owner accounts for at least `max_supplier_share` (30 %) of the components; the report also gives the HHI",
        summary_zh: "单一供应商、命名空间或仓库所有者占组件的比例不低于 `max_supplier_share`（30%）；报告同时给出 HHI",
        doc: "Heavy reliance on one source reduces diversity of supply. It may be acceptable (a vendor platform), but it should be a known, recorded decision.",
    },
    RuleInfo {
        id: "CON-04",
        name: "irregular channel",
        name_zh: "非常规渠道",
        category: Category::Concentration,
        severity: Severity::Medium,
        check: Check::Component(concentration::irregular_channel),
        needs: Needs::Sbom,
        thresholds: &[],
        maps_to: &[Mapping::M10Channels],
        summary: "the component came from git, a local path, a direct URL or was vendored, instead of a registry",
        summary_zh: "组件来自 git、本地路径、直接 URL 或被内置复制（vendored），而非来自注册表",
        doc: "Packages outside a registry skip its integrity and availability guarantees. Publish them to a registry you control, or pin them to immutable revisions and record why.",
    },
    RuleInfo {
        id: "CON-05",
        name: "supplier unknown",
        name_zh: "供应商未知",
        category: Category::Concentration,
        severity: Severity::Low,
        check: Check::Component(concentration::supplier_unknown),
        needs: Needs::Sbom,
        thresholds: &[],
        maps_to: &[Mapping::M10Channels, Mapping::Ntia],
        summary: "no supplier in the SBOM and none derivable from the namespace or repository owner",
        summary_zh: "SBOM 中没有供应商，也无法从命名空间或仓库所有者推断",
        doc: "Nobody can be asked about a component of unknown origin. Add the supplier to the SBOM. For registry packages the publisher can be resolved from the registry; without resolution such components are not evaluated.",
    },
    RuleInfo {
        id: "CON-06",
        name: "listed supplier",
        name_zh: "名单内供应商",
        category: Category::Concentration,
        severity: Severity::Medium,
        check: Check::Component(concentration::listed_supplier),
        needs: Needs::Policy,
        thresholds: &[],
        maps_to: &[Mapping::M10Channels],
        summary: "the supplier matches a user-supplied list of suppliers, namespaces or regions",
        summary_zh: "供应商与用户提供的供应商、命名空间或地区名单相匹配",
        doc: "Your policy names suppliers that need attention. The tool ships no list.",
    },
    RuleInfo {
        id: "DEL-01",
        name: "hash missing",
        name_zh: "缺少哈希值",
        category: Category::Delivery,
        severity: Severity::Medium,
        check: Check::Component(delivery::hash_missing),
        needs: Needs::Sbom,
        thresholds: &[],
        maps_to: &[Mapping::M4Lifecycle, Mapping::Bsi],
        summary: "no hash for the component in the SBOM or lockfile (a package read only from a delivered product's package database is judged by DEL-09 instead)",
        summary_zh: "SBOM 或锁文件中没有该组件的哈希值（仅从交付产品的软件包数据库读取的软件包改由 DEL-09 判定）",
        doc: "Without a hash nobody can verify that the delivered component is the one reviewed. Generate the SBOM with hashes.",
    },
    RuleInfo {
        id: "DEL-02",
        name: "hash mismatch",
        name_zh: "哈希值不匹配",
        category: Category::Delivery,
        severity: Severity::Critical,
        check: Check::Component(delivery::hash_mismatch),
        needs: Needs::Registry,
        thresholds: &[],
        maps_to: &[Mapping::M10Tampering],
        summary: "the SBOM or lockfile hash differs from the registry's checksum for that version",
        summary_zh: "SBOM 或锁文件中的哈希值与注册表中该版本的校验和不一致",
        doc: "The component differs from what its registry publishes: tampering, a rebuilt artifact, or a wrong SBOM. Investigate before delivery.",
    },
    RuleInfo {
        id: "DEL-03",
        name: "weak hash only",
        name_zh: "仅有弱哈希",
        category: Category::Delivery,
        severity: Severity::Low,
        check: Check::Component(delivery::weak_hash_only),
        needs: Needs::Sbom,
        thresholds: &[],
        maps_to: &[Mapping::Bsi],
        summary: "the only hashes are MD5 or SHA-1",
        summary_zh: "仅有 MD5 或 SHA-1 哈希值",
        doc: "MD5 and SHA-1 collisions can be produced; they do not prove integrity. Add SHA-256 or stronger.",
    },
    RuleInfo {
        id: "DEL-04",
        name: "unpinned",
        name_zh: "未固定版本",
        category: Category::Delivery,
        severity: Severity::Medium,
        check: Check::Component(delivery::unpinned),
        needs: Needs::Sbom,
        thresholds: &[],
        maps_to: &[Mapping::M10Tampering, Mapping::ScorecardPinnedDependencies],
        summary: "a version range or wildcard, a git branch or tag instead of a commit, or a manifest without a lockfile",
        summary_zh: "使用版本范围或通配符、使用 git 分支或标签而非提交，或清单文件没有锁文件",
        doc: "An unpinned dependency can change between builds without review. Pin exact versions and commit ids.",
    },
    RuleInfo {
        id: "DEL-05",
        name: "insecure source",
        name_zh: "不安全的来源",
        category: Category::Delivery,
        severity: Severity::High,
        check: Check::Component(delivery::insecure_source),
        needs: Needs::Sbom,
        thresholds: &[],
        maps_to: &[Mapping::M10Tampering],
        summary: "an `http://` or `git://` download or VCS URL",
        summary_zh: "通过 `http://` 或 `git://` 下载或版本控制 URL 获取",
        doc: "Unencrypted, unauthenticated channels can be tampered with in transit. Use https or ssh.",
    },
    RuleInfo {
        id: "DEL-06",
        name: "fresh release",
        name_zh: "新近发布",
        category: Category::Delivery,
        severity: Severity::Medium,
        check: Check::Component(delivery::fresh_release),
        needs: Needs::Registry,
        thresholds: &[Threshold::MinReleaseAgeDays],
        maps_to: &[Mapping::M10Tampering],
        summary: "the used version was published less than `min_release_age_days` (7) before the scan",
        summary_zh: "所用版本在扫描前不足 `min_release_age_days`（7）天发布",
        doc: "Most malicious releases are caught within days. Let new releases age before adopting them.",
    },
    RuleInfo {
        id: "DEL-07",
        name: "new publisher",
        name_zh: "新发布者",
        category: Category::Delivery,
        severity: Severity::Medium,
        check: Check::Component(delivery::new_publisher),
        needs: Needs::Registry,
        thresholds: &[],
        maps_to: &[Mapping::M10Tampering],
        summary: "the used version was published by an account that published no earlier version",
        summary_zh: "所用版本由从未发布过早期版本的账号发布",
        doc: "A new publisher may be a takeover. Check that the change of hands is legitimate.",
    },
    RuleInfo {
        id: "DEL-08",
        name: "distribution update not applied",
        name_zh: "未应用发行版更新",
        category: Category::Delivery,
        severity: Severity::Medium,
        check: Check::Component(archive::update_not_applied),
        needs: Needs::Registry,
        thresholds: &[],
        maps_to: &[Mapping::M10Tampering, Mapping::M10Interruption],
        summary: "a newer build of the same package is published for the same release (Debian -security, -updates or a point release; Ubuntu -security/-updates; the Alpine branch; an RPM updates repository); high when it came through the security channel",
        summary_zh: "同一发行版本已发布该软件包的更新构建（Debian -security、-updates 或小版本更新；Ubuntu -security/-updates；Alpine 分支；RPM 更新仓库）；若来自安全更新渠道则为高",
        doc: "The distribution has published an update the product does not carry. A build from the security channel fixes a known vulnerability: apply it, or show why the product is not exposed. Other updates fix bugs; take them with the next maintenance release.",
    },
    RuleInfo {
        id: "DEL-09",
        name: "delivered file differs from its package",
        name_zh: "交付的文件与其软件包不一致",
        category: Category::Delivery,
        severity: Severity::High,
        check: Check::Graph(product::file_integrity),
        needs: Needs::Artifacts,
        thresholds: &[],
        maps_to: &[Mapping::M10Tampering],
        summary: "(delivered product) a file installed by a package differs from the digest the package database recorded for it (dpkg md5sums, apk Z: checksums, rpm file digests, opkg conffile digests); changed configuration files and missing files are reported separately, at low",
        summary_zh: "（交付产品）软件包安装的文件与软件包数据库记录的摘要不一致（dpkg md5sums、apk Z: 校验和、rpm 文件摘要、opkg 配置文件摘要）；变更的配置文件和缺失的文件以低风险单独报告",
        doc: "What was delivered is not what the package installed: a changed executable or library may be a local patch, a failed update or tampering. Compare the file with the package's, find out who changed it and why, and reinstall the package or document the change.",
    },
    RuleInfo {
        id: "DEL-10",
        name: "security fix not applied",
        name_zh: "未应用安全修复",
        category: Category::Delivery,
        severity: Severity::High,
        check: Check::Component(delivery::security_fix_not_applied),
        needs: Needs::Advisories,
        thresholds: &[],
        maps_to: &[Mapping::M10Tampering],
        summary: "a vulnerability advisory affects the used version and a fixed version exists; critical when the advisory rates it critical",
        summary_zh: "漏洞安全公告影响所用版本，且已有修复版本；公告评为严重时为严重",
        doc: "A known vulnerability is fixed upstream, but the fix is not in the product. Upgrade to the nearest fixed version the finding names, or record why the vulnerable code is not reached. Advisories without a fix are UNM-06; unmaintained, unsound and other informational notices are not vulnerabilities and stay with UNM-01 and UNM-06.",
    },
    RuleInfo {
        id: "SBM-01",
        name: "supplier missing",
        name_zh: "缺少供应商",
        category: Category::Completeness,
        severity: Severity::Low,
        check: Check::Component(completeness::supplier_missing),
        needs: Needs::Sbom,
        thresholds: &[],
        maps_to: &[Mapping::Ntia, Mapping::Bsi],
        summary: "an SBOM entry has no supplier, manufacturer or author",
        summary_zh: "SBOM 条目没有供应商、制造商或作者",
        doc: "NTIA and BSI TR-03183-2 require the supplier of every component. Fill it in the SBOM generator's configuration or metadata. Components read only from lockfiles or a product's package database are not SBOM entries: CON-05 asks their registry instead.",
    },
    RuleInfo {
        id: "SBM-02",
        name: "version missing",
        name_zh: "缺少版本",
        category: Category::Completeness,
        severity: Severity::High,
        check: Check::Component(completeness::version_missing),
        needs: Needs::Sbom,
        thresholds: &[],
        maps_to: &[Mapping::Ntia, Mapping::Bsi],
        summary: "an SBOM entry has no version",
        summary_zh: "SBOM 条目没有版本",
        doc: "Without a version nothing about the component can be checked: advisories, releases, hashes. Regenerate the SBOM from the built product.",
    },
    RuleInfo {
        id: "SBM-03",
        name: "no unique identifier",
        name_zh: "无唯一标识符",
        category: Category::Completeness,
        severity: Severity::Medium,
        check: Check::Component(completeness::no_identifier),
        needs: Needs::Sbom,
        thresholds: &[],
        maps_to: &[Mapping::Ntia, Mapping::Bsi],
        summary: "an SBOM entry has no valid purl, CPE or SWID tag id",
        summary_zh: "SBOM 条目没有有效的 purl、CPE 或 SWID 标签标识",
        doc: "Without an identifier the component cannot be matched to advisories or registries. Add a purl.",
    },
    RuleInfo {
        id: "SBM-04",
        name: "dependency graph missing or broken",
        name_zh: "依赖图缺失或损坏",
        category: Category::Completeness,
        severity: Severity::High,
        check: Check::Document(completeness::graph_missing_or_broken),
        needs: Needs::Sbom,
        thresholds: &[],
        maps_to: &[Mapping::Ntia, Mapping::Bsi],
        summary: "the document has no dependency relationships, references that name no component, or components unreachable from the primary component",
        summary_zh: "文档没有依赖关系、存在不指向任何组件的引用，或存在从主组件不可达的组件",
        doc: "Without the graph, direct and transitive dependencies cannot be told apart and a finding cannot be traced to the dependency that brought it in.",
    },
    RuleInfo {
        id: "SBM-05",
        name: "completeness undeclared",
        name_zh: "未声明完整性",
        category: Category::Completeness,
        severity: Severity::Low,
        check: Check::Document(completeness::completeness_undeclared),
        needs: Needs::Sbom,
        thresholds: &[],
        maps_to: &[Mapping::Ntia, Mapping::Bsi],
        summary: "no CycloneDX `compositions` and no SPDX completeness assertion",
        summary_zh: "没有 CycloneDX `compositions`，也没有 SPDX 完整性声明",
        doc: "A reader cannot tell whether the SBOM lists everything or only what a tool found. Declare completeness (complete, incomplete or unknown).",
    },
    RuleInfo {
        id: "SBM-06",
        name: "document metadata missing",
        name_zh: "缺少文档元数据",
        category: Category::Completeness,
        severity: Severity::Medium,
        check: Check::Document(completeness::metadata_missing),
        needs: Needs::Sbom,
        thresholds: &[],
        maps_to: &[Mapping::Ntia, Mapping::Bsi],
        summary: "the document lacks an author or tool, a timestamp, a serial number or namespace, or a primary component",
        summary_zh: "文档缺少作者或工具、时间戳、序列号或命名空间，或主组件",
        doc: "A review file needs to know who produced the SBOM, when, of what, and which revision of it this is.",
    },
    RuleInfo {
        id: "SBM-07",
        name: "SBOM drift",
        name_zh: "SBOM 偏差",
        category: Category::Completeness,
        severity: Severity::High,
        check: Check::Product(completeness::drift),
        needs: Needs::Lockfile,
        thresholds: &[],
        maps_to: &[Mapping::M4Lifecycle],
        summary: "an SBOM and a lockfile of the same product disagree (components added, missing or at other versions)",
        summary_zh: "同一产品的 SBOM 与锁文件不一致（组件增加、缺失或版本不同）",
        doc: "The SBOM does not describe what is built. Regenerate it from the same revision as the lockfile.",
    },
];

/// Every rule, in the order of RULES.md.
pub static RULES: &[RuleInfo] = &CATALOGUE;

// The compiler refuses a catalogue with a malformed, duplicated or incomplete entry.
const _: () = validate(&CATALOGUE);

/// Ids are `FAMILY-NN` with the family of the rule's category, unique; every
/// rule has a name and summary in both languages, a doc and a review mapping.
const fn validate(rules: &[RuleInfo]) {
    let mut i = 0;
    while i < rules.len() {
        let r = &rules[i];
        let id = r.id.as_bytes();
        assert!(
            id.len() == 6 && id[3] == b'-' && id[4].is_ascii_digit() && id[5].is_ascii_digit(),
            "a rule id is FAMILY-NN"
        );
        let family = family_of(r.category).as_bytes();
        assert!(
            id[0] == family[0] && id[1] == family[1] && id[2] == family[2],
            "a rule id starts with its category's family"
        );
        assert!(
            !r.name.is_empty() && !r.name_zh.is_empty(),
            "a rule has a name in both languages"
        );
        assert!(
            !r.summary.is_empty() && !r.summary_zh.is_empty(),
            "a rule has a summary in both languages"
        );
        assert!(!r.doc.is_empty(), "a rule has a doc");
        assert!(
            !r.maps_to.is_empty(),
            "a rule maps to a review clause or standard"
        );
        let mut j = 0;
        while j < i {
            let other = rules[j].id.as_bytes();
            assert!(
                !(other[0] == id[0]
                    && other[1] == id[1]
                    && other[2] == id[2]
                    && other[4] == id[4]
                    && other[5] == id[5]),
                "rule ids are unique"
            );
            j += 1;
        }
        i += 1;
    }
}

/// The id prefix of a category's rules.
const fn family_of(category: Category) -> &'static str {
    match category {
        Category::Unmaintained => "UNM",
        Category::Opaque => "OPQ",
        Category::Concentration => "CON",
        Category::Delivery => "DEL",
        Category::Completeness => "SBM",
    }
}

pub fn find(id: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.id.eq_ignore_ascii_case(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_has_the_39_rules_of_rules_md() {
        assert_eq!(RULES.len(), 39);
        assert!(RULES.iter().all(RuleInfo::implemented));
    }

    #[test]
    fn lookup_ignores_case() {
        assert_eq!(find("del-01").unwrap().name, "hash missing");
        assert!(find("XXX-99").is_none());
    }
}
