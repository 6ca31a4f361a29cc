//! The human reports' words in English and Simplified Chinese: titles,
//! labels, severities and categories in one table, evidence keys and values
//! in two more. Rule names and summaries come from the rule catalogue,
//! finding messages from their rules' templates. Identifiers, purls and the
//! data itself stay as given.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use super::view::{Conformance, Relation};
use crate::model::{BaselineState, Category, ExceptionState, Finding, Severity};
use crate::rules::catalogue;

pub use crate::model::Lang;

/// (key, English, Simplified Chinese).
type Message = (&'static str, &'static str, &'static str);

#[rustfmt::skip]
pub static MESSAGES: &[Message] = &[
    // Cover and contents
    ("title", "Supply-chain risk report", "供应链风险报告"),
    ("field", "Field", "字段"),
    ("value", "Value", "值"),
    ("product", "Product", "产品"),
    ("version", "Version", "版本"),
    ("supplier", "Supplier", "供应商"),
    ("inputs", "Inputs in scope", "纳入范围的输入"),
    ("generated", "Generated", "生成时间"),
    ("report_id", "Report id", "报告编号"),
    ("tool", "Tool", "工具"),
    ("contents", "Contents", "目录"),
    ("not_given", "not given", "未提供"),
    ("none", "none", "无"),
    ("count", "Count", "数量"),
    ("reason", "Reason", "原因"),
    ("rule", "Rule", "规则"),
    ("component", "Component", "组件"),
    ("severity", "Severity", "严重程度"),
    ("category", "Category", "类别"),
    // Sections
    ("sec.summary", "Summary", "概要"),
    ("sec.conformance", "SBOM conformance", "SBOM 符合性"),
    ("sec.matrix", "Review matrix", "审查矩阵"),
    ("sec.findings", "Findings", "发现项"),
    ("sec.unknowns", "Known unknowns", "已知未知项"),
    ("sec.inventory", "Component inventory", "组件清单"),
    ("sec.policy", "Policy and exceptions", "策略与例外"),
    ("sec.reproducibility", "Reproducibility", "可复现性"),
    // Summary
    ("sum.components", "Components", "组件"),
    ("sum.total", "Total", "合计"),
    ("sum.findings", "Findings by severity and category", "按严重程度和类别统计的发现项"),
    ("sum.coverage", "Coverage", "数据覆盖率"),
    ("sum.suppliers", "Supplier shares", "供应商份额"),
    ("sum.hhi", "Herfindahl–Hirschman index (0–10,000)", "赫芬达尔—赫希曼指数（0–10,000）"),
    ("sum.with_supplier", "{a} of {b} components have a supplier, namespace or repository owner to count (the SBOM's supplier field, counted in coverage, is one of them)", "{b} 个组件中有 {a} 个可计入的供应商、命名空间或仓库所有者（覆盖率中统计的 SBOM 供应商字段是其中之一）"),
    ("sum.direct", "Direct", "直接依赖"),
    ("sum.transitive", "Transitive", "传递依赖"),
    ("sum.directness_unknown", "Directness unknown", "依赖关系未知"),
    ("sum.not_evaluated", "Checks not evaluated", "未评估的检查"),
    ("rel.root", "root", "根组件"),
    ("rel.direct", "direct", "直接依赖"),
    ("rel.transitive", "transitive", "传递依赖"),
    ("rel.unknown", "unknown", "未知"),
    ("cov.supplier", "supplier", "供应商"),
    ("cov.version", "version", "版本"),
    ("cov.identifier", "unique identifier (purl, CPE, SWID)", "唯一标识符（purl、CPE、SWID）"),
    ("cov.hash", "hash", "哈希值"),
    ("cov.licence", "licence (valid SPDX)", "许可证（有效 SPDX）"),
    ("cov.source_repository", "source repository", "源代码仓库"),
    ("cov.origin_resolved", "origin resolved at a registry", "已在注册表解析来源"),
    // Charts
    ("chart.severity", "Findings by severity", "按严重程度统计的发现项"),
    ("chart.category", "Findings by category", "按类别统计的发现项"),
    ("chart.suppliers", "Supplier shares (supplier, namespace or repository owner)", "供应商份额（供应商、命名空间或仓库所有者）"),
    ("chart.others", "others", "其他"),
    // Conformance
    ("conf.note", "Derived from the SBOM completeness rules (SBM) and the rules mapped to each standard; accepted exceptions do not make an element met.", "依据 SBOM 完整性规则（SBM）及映射到各标准的规则得出；已接受的例外不视为满足要求。"),
    ("conf.ntia", "NTIA minimum elements", "NTIA 最低要素"),
    ("conf.bsi", "BSI TR-03183-2", "BSI TR-03183-2"),
    ("conf.element", "Element", "要素"),
    ("conf.rules", "Rules", "规则"),
    ("conf.status", "Status", "状态"),
    ("conf.met", "met", "满足"),
    ("conf.not_met", "not met ({n})", "不满足（{n}）"),
    ("conf.not_evaluated", "not evaluated ({n})", "未评估（{n}）"),
    ("el.supplier", "Supplier name", "供应商名称"),
    ("el.name", "Component name", "组件名称"),
    ("el.version", "Version of the component", "组件版本"),
    ("el.identifier", "Other unique identifiers", "其他唯一标识符"),
    ("el.dependencies", "Dependency relationship", "依赖关系"),
    ("el.author", "Author of SBOM data", "SBOM 数据作者"),
    ("el.timestamp", "Timestamp", "时间戳"),
    ("el.completeness", "Completeness declared (known unknowns)", "已声明完整性（已知未知项）"),
    ("el.creator", "Creator of the SBOM", "SBOM 创建者"),
    ("el.component_creator", "Component creator", "组件创建者"),
    ("el.licence", "Licence", "许可证"),
    ("el.hash", "Hash of the deployable component (SHA-256 or stronger)", "可部署组件的哈希值（SHA-256 或更强）"),
    ("el.source_uri", "Source code URI", "源代码 URI"),
    // Review matrix
    ("matrix.note", "Findings counted by the review-measure factor each rule maps to (RULES.md) and by rule family. A finding whose rule maps to several factors counts in each.", "按各规则映射的审查办法因素（RULES.md）和规则族统计发现项。映射到多个因素的发现项在每个因素中分别计数。"),
    ("matrix.factor", "Factor", "因素"),
    ("matrix.cells", "Findings per cell", "各单元格的发现项"),
    ("factor.M4(2)", "R&D, delivery and technical-support risk", "研发、交付及技术支持风险"),
    ("factor.M10(1)", "illegal control, interference or tampering", "非法控制、干扰或篡改"),
    ("factor.M10(2)", "supply interruption and business continuity", "供应中断与业务连续性"),
    ("factor.M10(3)", "security, openness, transparency, diversity of sources, reliability of supply channels", "安全性、开放性、透明性、来源多样性及供应渠道可靠性"),
    ("family.UNM", "Unmaintained", "无人维护"),
    ("family.OPQ", "Opaque", "不透明"),
    ("family.CON", "Concentration", "集中度"),
    ("family.DEL", "Delivery", "交付"),
    ("family.SBM", "SBOM completeness", "SBOM 完整性"),
    // Severities and categories
    ("sev.critical", "Critical", "严重"),
    ("sev.high", "High", "高"),
    ("sev.medium", "Medium", "中"),
    ("sev.low", "Low", "低"),
    ("sev.info", "Info", "提示"),
    ("cat.unmaintained", "Unmaintained", "无人维护"),
    ("cat.opaque", "Opaque", "不透明"),
    ("cat.concentration", "Concentration", "集中度"),
    ("cat.delivery", "Delivery", "交付"),
    ("cat.completeness", "Completeness", "完整性"),
    // Findings
    ("findings.none", "No findings.", "无发现项。"),
    ("f.title", "Title", "标题"),
    ("f.product", "(product or document)", "（产品或文档）"),
    ("f.message", "Message", "说明"),
    ("f.path", "Dependency path", "依赖路径"),
    ("f.path_omitted", "… {n} more …", "… 另 {n} 个 …"),
    ("f.threshold", "Threshold", "阈值"),
    ("f.default", "default", "默认值"),
    ("f.exception", "Exception", "例外"),
    ("f.baseline", "Baseline", "基线"),
    ("f.fingerprint", "Fingerprint", "指纹"),
    ("f.evidence", "Evidence", "证据"),
    ("f.source", "Source", "来源"),
    ("f.fetched", "Fetched", "获取时间"),
    ("f.summary", "Fires when", "触发条件"),
    ("f.grouped", "{n} components", "{n} 个组件"),
    ("f.example", "Message (first of the group)", "说明（该组第一条）"),
    ("f.components", "Components", "组件"),
    ("f.more", "plus {n} components not named here: see the JSON, SARIF and CSV reports", "另有 {n} 个组件，见 JSON、SARIF 和 CSV 报告"),
    ("f.grouped_note", "One fact repeated over many components: grouped here, one finding each in the JSON, SARIF and CSV reports.", "同一事实在许多组件上重复：此处合并显示；JSON、SARIF 和 CSV 报告中每个组件各一条。"),
    ("f.overflow_note", "More findings of this rule than are shown one by one: the first {n} are listed above; every one is in the JSON, SARIF and CSV reports.", "该规则的发现多于逐条显示的数量：上方列出前 {n} 条；JSON、SARIF 和 CSV 报告包含全部发现。"),
    ("status.open", "open", "待处理"),
    ("exc.accepted", "accepted by exception", "已按例外接受"),
    ("exc.none", "none", "无"),
    ("exc.owner", "owner", "负责人"),
    ("exc.expires", "expires", "到期"),
    ("baseline.new", "new", "新增"),
    ("baseline.known", "known", "已知"),
    // Known unknowns and inventory
    ("unknowns.note", "Checks the rules could not make for lack of data. They are not passes.", "因缺少数据而无法执行的检查。它们不算作通过。"),
    ("unknowns.none", "Every rule could judge every subject.", "所有规则均已对全部对象作出判断。"),
    // Policy and exceptions
    ("pol.note", "What the policy did to this report: rules switched off, re-rated or re-scoped, findings accepted by exception, and the comparison with an earlier report.", "策略对本报告的影响：关闭、调整严重程度或调整范围的规则，按例外接受的发现项，以及与先前报告的比较。"),
    ("pol.file", "Policy file (SHA-256)", "策略文件（SHA-256）"),
    ("pol.generated", "generated", "生成于"),
    ("pol.resolved", "resolved", "已解决"),
    ("pol.rules", "Rule changes", "规则调整"),
    ("pol.rules_none", "The policy changes no rule.", "策略未调整任何规则。"),
    ("pol.enabled", "Enabled", "启用"),
    ("pol.on", "on", "启用"),
    ("pol.off", "off", "关闭"),
    ("pol.scope", "Scope", "范围"),
    ("pol.removed", "Findings removed", "移除的发现项"),
    ("pol.kept_unknown", "Kept (directness unknown)", "保留（依赖关系未知）"),
    ("pol.exceptions", "Exceptions", "例外"),
    ("pol.exceptions_none", "The policy has no exceptions.", "策略中没有例外。"),
    ("pol.package", "Package", "软件包"),
    ("pol.owner", "Owner", "负责人"),
    ("pol.expires", "Expires", "到期日期"),
    ("pol.matched", "Matched findings", "匹配的发现项"),
    ("pol.location", "Location", "位置"),
    ("scope.all", "all components", "全部组件"),
    ("scope.direct", "direct dependencies", "直接依赖"),
    ("scope.transitive", "transitive dependencies", "传递依赖"),
    ("scope.none", "no component", "无组件"),
    ("exc.state.applied", "applied", "已应用"),
    ("exc.state.expired", "expired", "已过期"),
    ("exc.state.unused", "unused", "未使用"),
    ("inventory.summary", "All {n} components", "全部 {n} 个组件"),
    ("inventory.more", "Not listed here: {n} components; the JSON and CycloneDX reports list every component.", "另有 {n} 个组件未在此列出：JSON 和 CycloneDX 报告列出全部组件。"),
    ("inv.licence", "Licence", "许可证"),
    ("inv.hash", "Hashes", "哈希"),
    ("inv.relation", "Relation", "依赖关系"),
    ("inv.source", "Source", "来源"),
    // Reproducibility
    ("repro.ruleset", "Rule-set version", "规则集版本"),
    ("repro.schema", "Report schema", "报告模式"),
    ("repro.policy", "Policy (SHA-256)", "策略（SHA-256）"),
    ("repro.defaults", "built-in defaults", "内置默认值"),
    ("repro.command", "Command line", "命令行"),
    ("repro.mode", "Mode", "模式"),
    ("repro.path", "Path", "路径"),
    ("repro.format", "Format", "格式"),
    ("repro.spec", "Spec version", "规范版本"),
    ("repro.metadata", "Metadata source and age", "元数据来源与时效"),
    ("repro.cache", "Cache", "缓存"),
    ("repro.snapshot", "Snapshot", "快照"),
    ("repro.created", "created", "创建于"),
    ("repro.age_days", "{n} days old", "已有 {n} 天"),
    ("repro.stale", "stale", "已过期"),
    ("repro.current", "current", "有效"),
    ("repro.ecosystem", "Ecosystem", "生态系统"),
    ("repro.registry", "Registry", "注册表"),
    ("repro.packages", "Packages", "软件包"),
    ("repro.live", "Live", "在线获取"),
    ("repro.cached", "Cached", "缓存"),
    ("repro.not_found", "Not found", "未找到"),
    ("repro.failed", "Failed", "失败"),
    ("repro.note", "Note", "备注"),
    ("repro.advisories", "Advisory databases", "安全公告数据库"),
    ("repro.newest", "Newest advisory", "最新公告日期"),
    ("mode.online", "online", "在线"),
    ("mode.offline", "offline (cache and snapshot only)", "离线（仅缓存和快照）"),
    ("mode.off", "no registry resolution", "未进行注册表解析"),
    // Why a rule was not evaluated: the English text is the rules' own wording, matched exactly.
    ("reason.sbom", "the SBOM lacks the data this rule needs", "SBOM 缺少此规则所需的数据"),
    ("reason.registry", "needs registry metadata; registry resolution is not part of this scan", "需要注册表元数据；本次扫描未进行注册表解析"),
    ("reason.advisories", "needs an advisory database; none was given", "需要安全公告数据库；未提供"),
    ("reason.artifacts", "needs the package artifacts; artifact inspection is not part of this scan", "需要软件包制品；本次扫描未进行制品检查"),
    ("reason.lifecycle", "needs the distributions' lifecycle data", "需要发行版的生命周期数据"),
    ("reason.no_release", "the distribution release the package was built for is unknown (no purl `distro` qualifier, operating-system component or os-release)", "无法确定该软件包所针对的发行版版本（没有 purl `distro` 限定符、操作系统组件或 os-release）"),
    ("reason.release_not_listed", "the distribution's lifecycle data does not list this release", "发行版的生命周期数据中没有此版本"),
    ("reason.no_source_package", "the package's source package is unknown (the lists are by source package)", "该软件包的源码包未知（这些列表按源码包列出）"),
    ("reason.no_support_lists", "no security-support list is published for this release or distribution", "此版本或发行版没有公布安全支持列表"),
    ("reason.lockfile", "needs a lockfile or manifest of the same product beside the SBOM", "需要与 SBOM 同一产品的锁文件或清单文件"),
    ("reason.policy", "needs a user-supplied list in the policy file; none was given", "需要策略文件中由用户提供的列表；未提供"),
    ("reason.no_channel", "the SBOM does not say where the component came from", "SBOM 未说明组件的来源"),
    ("reason.no_hash", "no hash to judge (see DEL-01)", "没有可判断的哈希值（见 DEL-01）"),
    ("reason.no_version", "no version to judge (see SBM-02)", "没有可判断的版本（见 SBM-02）"),
    ("reason.no_supplier", "no supplier, namespace or repository owner in the SBOM; the registry's publisher is needed, and registry resolution is not part of this scan", "SBOM 中没有供应商、命名空间或仓库所有者；需要注册表的发布者信息，而本次扫描未进行注册表解析"),
    ("reason.no_vcs", "no VCS reference in the SBOM; the registry's repository URL is needed to confirm, and registry resolution is not part of this scan", "SBOM 中没有版本控制引用；需要注册表的仓库 URL 才能确认，而本次扫描未进行注册表解析"),
    ("reason.no_build_code", "the input does not record install or build-time code (lockfiles and cargo metadata do)", "输入未记录安装或构建时代码（锁文件和 cargo metadata 会记录）"),
    ("reason.not_closed", "no licence and no component type to tell whether the component is closed", "没有许可证和组件类型，无法判断组件是否闭源"),
    ("reason.no_pair", "needs an SBOM and a lockfile or manifest of the same product scanned together", "需要同时扫描同一产品的 SBOM 和锁文件或清单文件"),
    ("reason.no_deprecation", "the input records no deprecation; the registry's metadata is needed, and registry resolution is not part of this scan", "输入未记录弃用信息；需要注册表元数据，而本次扫描未进行注册表解析"),
    ("reason.archive_not_resolved", "needs the release's archive indexes; the distribution archive was not resolved (see the report's resolution block)", "需要该版本的归档索引；未解析发行版归档（见报告的解析部分）"),
    ("reason.no_development_indexes", "needs the distribution's development suites (testing, unstable); they were not read", "需要发行版的开发套件（testing、unstable）；未读取"),
];

struct Catalogue {
    by_key: HashMap<&'static str, (&'static str, &'static str)>,
    /// English reason text → key, to translate the rules' not-evaluated reasons.
    reasons: HashMap<&'static str, &'static str>,
}

/// The evidence keys the rules write, in Simplified Chinese. Keys made of a
/// fixed part and data (`threshold max_major_lag`, `newer build in
/// bookworm-security`) are translated by [`Tr::evidence_key`]'s patterns;
/// file paths and identifiers stay as written.
#[rustfmt::skip]
static EVIDENCE_KEYS: &[(&str, &str)] = &[
    ("HHI", "HHI"),
    ("SBOM VCS reference", "SBOM 中的 VCS 引用"),
    ("SBOM versions", "SBOM 中的版本"),
    ("advisory", "安全公告"),
    ("archive Vcs/Homepage", "软件仓库 Vcs/Homepage"),
    ("archive answer", "软件仓库的答复"),
    ("authors", "作者"),
    ("build-time code", "构建时代码"),
    ("closed because", "闭源依据"),
    ("community support ends", "community 仓库支持结束"),
    ("completeness", "完整性"),
    ("components with a known supplier", "已知供应商的组件"),
    ("cpe", "CPE"),
    ("date", "日期"),
    ("declared as", "声明为"),
    ("deprecated", "弃用说明"),
    ("details", "详情"),
    ("distributions", "分发包"),
    ("drift", "偏差"),
    ("earlier publishers", "此前的发布者"),
    ("fan-in", "扇入"),
    ("fan-in percent", "扇入百分比"),
    ("fan_in_percent", "fan_in_percent"),
    ("file", "文件"),
    ("hash algorithms", "哈希算法"),
    ("hashes", "哈希值"),
    ("in development suites", "在开发套件中"),
    ("install scripts", "安装脚本"),
    ("installed version", "已安装版本"),
    ("kind", "类型"),
    ("last supported version", "最后受支持的版本"),
    ("latest version", "最新版本"),
    ("licence", "许可证"),
    ("listed because", "列入原因"),
    ("listed entry", "列表条目"),
    ("lockfile versions", "锁文件中的版本"),
    ("delivered product versions", "交付产品中的版本"),
    ("deprecated (UNM-02)", "已被发布者弃用（UNM-02）"),
    ("lockfiles and delivered product versions", "锁文件和交付产品中的版本"),
    ("maintainer", "维护者"),
    ("maintainers", "维护者"),
    ("namespace", "命名空间"),
    ("nearest fix", "最近的修复版本"),
    ("nested components or external BOM", "嵌套组件或外部 BOM"),
    ("newest release", "最新发布"),
    ("packages built for it", "为其构建的软件包"),
    ("patched", "已修复版本"),
    ("policy allowed_registries", "策略 allowed_registries"),
    ("prebuilt binary", "预编译二进制文件"),
    ("primary component", "主组件"),
    ("published", "发布时间"),
    ("publisher", "发布者"),
    ("purl", "purl"),
    ("registry answer", "注册表的答复"),
    ("registry licence", "注册表给出的许可证"),
    ("registry repository", "注册表给出的仓库"),
    ("regular security support ended", "常规安全支持结束"),
    ("release", "发行版本"),
    ("repository", "仓库"),
    ("requirement", "依赖要求"),
    ("revision", "修订"),
    ("serial number or namespace", "序列号或命名空间"),
    ("author or tool", "作者或工具"),
    ("timestamp", "时间戳"),
    ("severity", "严重程度"),
    ("sha256", "SHA-256"),
    ("share", "占比"),
    ("size", "大小"),
    ("source", "来源"),
    ("source package", "源码包"),
    ("source reference", "源代码引用"),
    ("supplier", "供应商"),
    ("support ends", "支持结束"),
    ("swid", "SWID"),
    ("title", "标题"),
    ("top suppliers", "主要供应商"),
    ("dependency relationships", "依赖关系"),
    ("dangling references", "悬空引用"),
    ("unreachable components", "不可达组件"),
    ("uploaders", "上传者"),
    ("url", "URL"),
    ("used version", "所用版本"),
    ("version", "版本"),
    ("version listed", "版本已列出"),
    ("yanked", "已撤回"),
];

/// Evidence values that are words rather than data, in Simplified Chinese.
#[rustfmt::skip]
static EVIDENCE_VALUES: &[(&str, &str)] = &[
    ("absent", "缺失"),
    ("none", "无"),
    ("missing", "缺失"),
    ("not found", "未找到"),
    ("yes", "是"),
    ("no", "否"),
    ("undeclared", "未声明"),
    ("source only", "仅源码"),
    ("vendored", "内置副本"),
    ("in SBOM only", "仅在 SBOM 中"),
    ("in lockfile only", "仅在锁文件中"),
    ("other version", "版本不同"),
];

/// The Chinese of a key or value in `table`.
fn lookup_pair(table: &'static [(&'static str, &'static str)], text: &str) -> Option<&'static str> {
    table.iter().find(|(en, _)| *en == text).map(|(_, zh)| *zh)
}

fn catalogue() -> &'static Catalogue {
    static CAT: OnceLock<Catalogue> = OnceLock::new();
    CAT.get_or_init(|| Catalogue {
        by_key: MESSAGES
            .iter()
            .map(|(k, en, zh)| (*k, (*en, *zh)))
            .collect(),
        reasons: MESSAGES
            .iter()
            .filter(|(k, _, _)| k.starts_with("reason."))
            .map(|(k, en, _)| (*en, *k))
            .collect(),
    })
}

/// The text of `key` in `lang`; `None` when the catalogue lacks the key.
pub fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    catalogue().by_key.get(key).map(|(en, zh)| match lang {
        Lang::En => *en,
        Lang::ZhCn => *zh,
    })
}

/// The singular of the plural nouns the English messages count.
fn singular(word: &str) -> &str {
    match word {
        "components" => "component",
        "findings" => "finding",
        "packages" => "package",
        "checks" => "check",
        "rules" => "rule",
        "exceptions" => "exception",
        "inputs" => "input",
        "suppliers" => "supplier",
        "days" => "day",
        "months" => "month",
        "entries" => "entry",
        "advisories" => "advisory",
        other => other,
    }
}

/// A translator for one language, passed by value through the renderers.
#[derive(Clone, Copy, Debug)]
pub struct Tr(pub Lang);

impl Tr {
    /// The text of a catalogue key. A missing key is a bug caught by the
    /// tests (and by this assertion in debug builds); a release build shows
    /// `?` rather than failing.
    pub fn t(self, key: &str) -> &'static str {
        match lookup(self.0, key) {
            Some(s) => s,
            None => {
                debug_assert!(false, "message key {key:?} is missing from the catalogue");
                "?"
            }
        }
    }

    /// A message with one `{n}` placeholder.
    pub fn n(self, key: &str, n: usize) -> String {
        self.count(self.t(key), "{n}", n)
    }

    /// A message with `{a}` and `{b}` placeholders.
    pub fn n2(self, key: &str, a: usize, b: usize) -> String {
        let text = self.count(self.t(key), "{a}", a);
        self.count(&text, "{b}", b)
    }

    /// `placeholder` replaced by `n`; in English a plural noun right after a
    /// count of one loses its `s` ("1 component", not "1 components").
    fn count(self, text: &str, placeholder: &str, n: usize) -> String {
        let mut text = text.to_string();
        if n == 1 && matches!(self.0, Lang::En) {
            let marked = format!("{placeholder} ");
            let mut out = String::with_capacity(text.len());
            let mut rest = text.as_str();
            while let Some(at) = rest.find(&marked) {
                let after = &rest[at + marked.len()..];
                let word_len = after
                    .find(|c: char| !c.is_ascii_alphabetic())
                    .unwrap_or(after.len());
                out.push_str(&rest[..at + marked.len()]);
                out.push_str(singular(&after[..word_len]));
                rest = &after[word_len..];
            }
            out.push_str(rest);
            text = out;
        }
        text.replace(placeholder, &n.to_string())
    }

    pub fn sev(self, s: Severity) -> &'static str {
        self.t(&format!("sev.{}", s.as_str()))
    }

    pub fn cat(self, c: Category) -> &'static str {
        self.t(&format!("cat.{}", c.as_str()))
    }

    pub fn family(self, f: &str) -> &'static str {
        self.t(&format!("family.{f}"))
    }

    pub fn factor(self, f: &str) -> &'static str {
        self.t(&format!("factor.{f}"))
    }

    /// A rule's name from its catalogue entry; the id itself for a rule
    /// this build does not know (a report read back from a newer version).
    pub fn rule_name(self, id: &str) -> String {
        catalogue::find(id).map_or_else(
            || id.to_string(),
            |r| match self.0 {
                Lang::En => r.name.to_string(),
                Lang::ZhCn => r.name_zh.to_string(),
            },
        )
    }

    /// A finding's message in this language: rendered from its rule's
    /// template, or the English text for a finding read back from JSON.
    pub fn message(self, f: &Finding) -> Cow<'_, str> {
        match (&f.localized, self.0) {
            (Some(m), Lang::ZhCn) => Cow::Owned(m.render(Lang::ZhCn)),
            _ => Cow::Borrowed(f.message.as_str()),
        }
    }

    /// An evidence key in this language: from the table, by pattern for keys
    /// that carry data, else as written (file paths, identifiers).
    pub fn evidence_key(self, key: &str) -> Cow<'_, str> {
        if self.0 == Lang::En {
            return Cow::Borrowed(key);
        }
        if let Some(zh) = lookup_pair(EVIDENCE_KEYS, key) {
            return Cow::Borrowed(zh);
        }
        // (English prefix, Chinese with `{}` where the rest of the key goes)
        let patterns = [
            ("threshold ", "阈值 {}"),
            ("newer build in ", "{} 中的更新构建"),
            ("newest build in ", "{} 中的最新构建"),
            ("input ", "输入中的 {}"),
            ("registry ", "注册表的 {}"),
        ];
        for (prefix, zh) in patterns {
            if let Some(rest) = key.strip_prefix(prefix) {
                return Cow::Owned(zh.replace("{}", rest));
            }
        }
        if let Some(period) = key.strip_suffix(" ends") {
            return Cow::Owned(format!("{period} 结束"));
        }
        // A signal named after the rule that gives it: `single maintainer (CON-01)`.
        if let Some(rule) = key
            .strip_suffix(')')
            .and_then(|k| k.rsplit_once(" ("))
            .and_then(|(_, id)| catalogue::find(id))
        {
            return Cow::Owned(format!("{}（{}）", rule.name_zh, rule.id));
        }
        Cow::Borrowed(key)
    }

    /// An evidence value in this language where it is a word, not data.
    pub fn evidence_value(self, value: &str) -> Cow<'_, str> {
        match (self.0, lookup_pair(EVIDENCE_VALUES, value)) {
            (Lang::ZhCn, Some(zh)) => Cow::Borrowed(zh),
            _ => Cow::Borrowed(value),
        }
    }

    /// When a rule fires, from its catalogue entry.
    pub fn rule_summary(self, id: &str) -> String {
        catalogue::find(id).map_or_else(String::new, |r| match self.0 {
            Lang::En => r.summary.to_string(),
            Lang::ZhCn => r.summary_zh.to_string(),
        })
    }

    pub fn conformance(self, c: Conformance) -> String {
        match c {
            Conformance::Met => self.t("conf.met").to_string(),
            Conformance::NotMet(n) => self.n("conf.not_met", n),
            Conformance::NotEvaluated(n) => self.n("conf.not_evaluated", n),
        }
    }

    pub fn baseline(self, b: BaselineState) -> &'static str {
        match b {
            BaselineState::New => self.t("baseline.new"),
            BaselineState::Known => self.t("baseline.known"),
        }
    }

    pub fn exception_state(self, s: ExceptionState) -> &'static str {
        match s {
            ExceptionState::Applied => self.t("exc.state.applied"),
            ExceptionState::Expired => self.t("exc.state.expired"),
            ExceptionState::Unused => self.t("exc.state.unused"),
        }
    }

    /// A rule's scope (`all`, `direct`, `transitive`, `none`), translated where known.
    pub fn scope(self, scope: &str) -> String {
        lookup(self.0, &format!("scope.{scope}")).map_or_else(|| scope.to_string(), str::to_string)
    }

    pub fn relation(self, r: Relation) -> &'static str {
        match r {
            Relation::Root => self.t("rel.root"),
            Relation::Direct => self.t("rel.direct"),
            Relation::Transitive => self.t("rel.transitive"),
            Relation::Unknown => self.t("rel.unknown"),
        }
    }

    /// The resolution mode (`online`, `offline`, `off`), translated where known.
    pub fn mode(self, mode: &str) -> String {
        lookup(self.0, &format!("mode.{mode}")).map_or_else(|| mode.to_string(), str::to_string)
    }

    /// A rule's not-evaluated reason: translated when it is one of the rules'
    /// known texts, else as the rule wrote it.
    pub fn reason(self, reason: &str) -> String {
        match catalogue().reasons.get(reason) {
            Some(key) => self.t(key).to_string(),
            None => reason.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::view::{BSI, FACTORS, FAMILIES, NTIA};
    use crate::rules::catalogue::Needs;
    use std::collections::HashSet;

    #[test]
    fn a_count_of_one_takes_the_singular_in_english() {
        let en = Tr(Lang::En);
        assert_eq!(en.n("inventory.summary", 1), "All 1 component");
        assert_eq!(en.n("inventory.summary", 2), "All 2 components");
        assert!(
            en.n2("sum.with_supplier", 1, 1)
                .starts_with("1 of 1 component have")
        );
        assert_eq!(Tr(Lang::ZhCn).n("inventory.summary", 1), "全部 1 个组件");
    }

    #[test]
    fn every_key_has_both_languages_once() {
        let mut seen = HashSet::new();
        for (k, en, zh) in MESSAGES {
            assert!(seen.insert(*k), "duplicate key {k}");
            assert!(!en.trim().is_empty(), "{k}: English text is empty");
            assert!(!zh.trim().is_empty(), "{k}: Chinese text is empty");
            let placeholders = |s: &str| {
                ["{n}", "{a}", "{b}"]
                    .into_iter()
                    .filter(|p| s.contains(p))
                    .collect::<Vec<_>>()
            };
            assert_eq!(
                placeholders(en),
                placeholders(zh),
                "{k}: placeholders differ"
            );
        }
    }

    #[test]
    fn every_rule_and_enum_value_has_messages() {
        let mut keys: Vec<String> = Vec::new();
        keys.extend(Severity::ALL.iter().map(|s| format!("sev.{}", s.as_str())));
        keys.extend(Category::ALL.iter().map(|c| format!("cat.{}", c.as_str())));
        keys.extend(FAMILIES.iter().map(|f| format!("family.{f}")));
        keys.extend(FACTORS.iter().map(|f| format!("factor.{}", f.label())));
        keys.extend(NTIA.iter().chain(BSI).map(|e| e.key.to_string()));
        keys.extend(["online", "offline", "off"].map(|m| format!("mode.{m}")));
        keys.extend(["all", "direct", "transitive", "none"].map(|s| format!("scope.{s}")));
        keys.extend(["applied", "expired", "unused"].map(|s| format!("exc.state.{s}")));
        for k in keys {
            assert!(lookup(Lang::En, &k).is_some(), "missing key {k}");
        }
    }

    #[test]
    fn every_needs_reason_is_translated() {
        use Needs::*;
        for n in [
            Sbom, Registry, Advisories, Artifacts, Lockfile, Policy, Lifecycle,
        ] {
            let zh = Tr(Lang::ZhCn).reason(n.unmet_reason());
            assert_ne!(zh, n.unmet_reason(), "{n:?} has no Chinese reason");
        }
        assert_eq!(Tr(Lang::ZhCn).reason("something new"), "something new");
    }

    /// Every key the renderers ask for by name (`.t("…")`, `.n("…"`, `.n2("…"`)
    /// is in the catalogue: a renderer cannot show a missing message.
    #[test]
    fn renderers_use_only_catalogue_keys() {
        let sources = [
            ("markdown.rs", include_str!("markdown.rs")),
            ("html.rs", include_str!("html.rs")),
            ("view.rs", include_str!("view.rs")),
            ("sections.rs", include_str!("sections.rs")),
        ];
        let mut checked = 0;
        for (file, src) in sources {
            for call in [".t(\"", ".n(\"", ".n2(\""] {
                for (pos, _) in src.match_indices(call) {
                    let rest = &src[pos + call.len()..];
                    let key = &rest[..rest.find('"').unwrap()];
                    assert!(
                        lookup(Lang::En, key).is_some(),
                        "{file} uses message key {key:?}, which the catalogue lacks"
                    );
                    checked += 1;
                }
            }
            // Keys held in tables (`"sec.summary"`, `"cov.hash"`) are checked too.
            for prefix in ["\"sec.", "\"cov.", "\"el.", "\"chart.", "\"pol."] {
                for (pos, _) in src.match_indices(prefix) {
                    let rest = &src[pos + 1..];
                    let key = &rest[..rest.find('"').unwrap()];
                    assert!(
                        lookup(Lang::En, key).is_some(),
                        "{file} names message key {key:?}, which the catalogue lacks"
                    );
                    checked += 1;
                }
            }
        }
        assert!(
            checked > 100,
            "only {checked} keys found: the scan is broken"
        );
    }

    #[test]
    fn languages_parse() {
        assert_eq!(Lang::parse("en"), Some(Lang::En));
        assert_eq!(Lang::parse("zh-CN"), Some(Lang::ZhCn));
        assert_eq!(Lang::parse("zh_cn"), Some(Lang::ZhCn));
        assert_eq!(Lang::parse("fr"), None);
    }
}
