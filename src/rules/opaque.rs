//! OPQ: opaque components, whose content or terms a reviewer cannot see.

use super::facts::{self, evidence};
use super::{Ctx, Verdict};
use crate::model::{
    BuildCode, Component, Ecosystem, Evidence, EvidenceSource, Message, Presence, RefKind, Sep,
    SourceKind, Template,
};

/// True when the SBOM points at the component's source code.
fn has_source_reference(c: &Component) -> bool {
    c.references.iter().any(|r| r.kind == RefKind::Vcs)
        || matches!(c.source, SourceKind::Git { .. })
}

static NO_SOURCE_REPOSITORY: Template = Template::new(
    "{component} names no source repository, neither in the SBOM nor at its registry",
    "{component} 未指明源代码仓库，SBOM 和其注册表中均没有",
);

/// OPQ-01: no VCS reference in the SBOM and none at the registry. Without
/// registry facts the absence in the SBOM alone is not conclusive.
pub fn no_source_repository(c: &Component, ctx: &Ctx) -> Verdict {
    if has_source_reference(c) {
        return Verdict::Pass;
    }
    if c.ecosystem.is_distribution() {
        return super::archive::no_source_repository(c);
    }
    let o = match facts::found(c) {
        Ok(o) => o,
        Err(Verdict::NotEvaluated(why)) => {
            return Verdict::not_evaluated(format!(
                "no VCS reference in the SBOM, and the registry's repository URL is not known: {why}"
            ));
        }
        Err(v) => return v,
    };
    match &o.repository {
        Some(_) => Verdict::Pass,
        None if !facts::registry_describes_packages(&c.ecosystem) => Verdict::not_evaluated(
            "no VCS reference in the SBOM, and the registry's index does not record repositories",
        ),
        None => Verdict::fire_sourced(
            Message::new(&NO_SOURCE_REPOSITORY).arg("component", c.display_name()),
            vec![
                evidence(c, o, "registry repository", "absent"),
                facts::input_evidence(ctx, c, "SBOM VCS reference", "absent"),
            ],
        ),
    }
}

static UNKNOWN_TO_REGISTRY: Template = Template::new(
    "{package} does not exist at {registry} (private package, typo, or open to dependency confusion)",
    "{package} 在 {registry} 不存在（私有软件包、拼写错误，或存在依赖混淆风险）",
);

/// OPQ-02: the package the purl names does not exist at the configured
/// registry: a private package leaked into the SBOM, a typo, or a name open to
/// dependency confusion.
pub fn unknown_to_registry(c: &Component, _: &Ctx) -> Verdict {
    if c.ecosystem.is_distribution() {
        return super::archive::not_built_by_distribution(c);
    }
    let o = match facts::known(c) {
        Ok(o) => o,
        Err(v) => return v,
    };
    match o.presence {
        Presence::Found => Verdict::Pass,
        Presence::NotFound => Verdict::fire_sourced(
            Message::new(&UNKNOWN_TO_REGISTRY)
                .arg("package", c.display_name_without_version())
                .arg("registry", o.registry.to_string()),
            vec![evidence(c, o, "registry answer", "not found")],
        ),
    }
}

static BUILD_TIME_CODE: Template = Template::new(
    "{component} runs code at install or build time: {what}",
    "{component} 在安装或构建时运行代码：{what}",
);
static AN_INSTALL_SCRIPT: Template = Template::new("an install script", "安装脚本");
static A_BUILD_SCRIPT: Template = Template::new("a build script", "构建脚本");
static A_PROC_MACRO: Template = Template::new("a procedural macro", "过程宏");
static A_SOURCE_DISTRIBUTION: Template = Template::new(
    "a source distribution built at install time",
    "安装时构建的源码分发包",
);
static A_SOURCE_DISTRIBUTION_ONLY: Template = Template::new(
    "a source distribution built at install time (no wheel)",
    "安装时构建的源码分发包（无 wheel）",
);
/// Build-time code as the message names it, with its article in English.
fn build_code_phrase(b: BuildCode) -> &'static Template {
    match b {
        BuildCode::InstallScript => &AN_INSTALL_SCRIPT,
        BuildCode::BuildScript => &A_BUILD_SCRIPT,
        BuildCode::ProcMacro => &A_PROC_MACRO,
        BuildCode::SourceDistribution => &A_SOURCE_DISTRIBUTION,
    }
}

/// `{component} runs code …: a, b` with the kinds listed in each language.
fn runs_build_time_code(c: &Component, what: &[&'static Template]) -> Message {
    Message::new(&BUILD_TIME_CODE)
        .arg("component", c.display_name())
        .list(
            "what",
            what.iter().map(|t| Message::new(t)).collect(),
            Sep::Comma,
        )
}

/// OPQ-03: install scripts, build scripts, proc-macros, source distributions,
/// as the input records them or, failing that, as the registry does.
pub fn build_time_code(c: &Component, _: &Ctx) -> Verdict {
    match &c.rare.build_code {
        None => build_time_code_at_registry(c),
        Some(codes) if codes.is_empty() => Verdict::Pass,
        Some(codes) => {
            let what: Vec<&'static Template> =
                codes.iter().map(|b| build_code_phrase(*b)).collect();
            Verdict::fire(
                runs_build_time_code(c, &what),
                codes
                    .iter()
                    .map(|b| ("build-time code", b.describe().to_string()))
                    .collect(),
            )
        }
    }
}

/// OPQ-03 (registry part): npm `hasInstallScript` / install scripts, PyPI
/// releases with source distributions only.
fn build_time_code_at_registry(c: &Component) -> Verdict {
    let o = match facts::found(c) {
        Ok(o) => o,
        Err(_) => {
            return Verdict::not_evaluated(
                "neither the input nor registry facts record install or build-time code",
            );
        }
    };
    let mut what = Vec::new();
    let mut ev = Vec::new();
    if o.install_scripts == Some(true) {
        what.push(&AN_INSTALL_SCRIPT);
        ev.push(evidence(c, o, "install scripts", "yes"));
    }
    if o.sdist_only == Some(true) {
        what.push(&A_SOURCE_DISTRIBUTION_ONLY);
        ev.push(evidence(c, o, "distributions", "source only"));
    }
    if !what.is_empty() {
        return Verdict::fire_sourced(runs_build_time_code(c, &what), ev);
    }
    if o.install_scripts.is_some() || o.sdist_only.is_some() {
        Verdict::Pass
    } else {
        Verdict::not_evaluated(
            "neither the input nor the registry records install or build-time code for this package",
        )
    }
}

static NO_LICENCE: Template = Template::new("{component} has no licence", "{component} 没有许可证");
static NO_LICENCE_ASSERTION: Template = Template::new(
    "{component} has no licence assertion (NOASSERTION or NONE only)",
    "{component} 没有许可证声明（只有 NOASSERTION 或 NONE）",
);
static LICENCE_INVALID: Template = Template::new(
    "{component}: licence {licence} is not a valid SPDX expression",
    "{component}：许可证 {licence} 不是有效的 SPDX 表达式",
);
static REGISTRY_LICENCE_INVALID_TOO: Template = Template::new(
    "{problem}; the registry's licence {licence} is not a valid SPDX expression either",
    "{problem}；注册表给出的许可证 {licence} 也不是有效的 SPDX 表达式",
);

/// OPQ-05: no licence, NOASSERTION only, or no valid SPDX expression.
pub fn licence_unknown(c: &Component, ctx: &Ctx) -> Verdict {
    if c.licenses.iter().any(|l| l.is_known()) {
        return Verdict::Pass;
    }
    // A lockfile that records no licence says nothing about one: without
    // the registry's facts the licence is unknown to us, not absent.
    if c.licenses.is_empty() && !super::completeness::described_by_sbom(c, ctx) {
        if super::facts::found(c).is_err() {
            return Verdict::not_evaluated(
                "the input records no licence for it, and there are no registry facts to ask",
            );
        }
        if !super::facts::registry_describes_packages(&c.ecosystem) {
            return Verdict::not_evaluated(
                "the input records no licence for it, and its registry's index does not record licences",
            );
        }
    }
    // The registry's licence answers where the input has none usable.
    let resolved = c.registry_licence();
    if resolved.as_ref().is_some_and(|l| l.is_known()) {
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
            Message::new(&NO_LICENCE).arg("component", c.display_name()),
            "absent".to_string(),
        )
    } else if asserted.is_empty() {
        (
            Message::new(&NO_LICENCE_ASSERTION).arg("component", c.display_name()),
            c.licenses
                .iter()
                .map(|l| l.raw.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        )
    } else {
        (
            Message::new(&LICENCE_INVALID)
                .arg("component", c.display_name())
                .arg("licence", format!("{:?}", asserted.join(" / "))),
            asserted.join(", "),
        )
    };
    match resolved.zip(c.origin.as_deref()) {
        Some((l, o)) => Verdict::Fire(super::Fire {
            message: Message::new(&REGISTRY_LICENCE_INVALID_TOO)
                .phrase("problem", message)
                .arg("licence", format!("{:?}", l.raw)),
            evidence: vec![("licence".into(), value)],
            sourced: vec![super::facts::evidence(c, o, "registry licence", l.raw)],
            key: None,
            severity: None,
        }),
        None => Verdict::fire(message, vec![("licence", value)]),
    }
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

static CLOSED_WITHOUT_BOM: Template = Template::new(
    "{component} is closed ({why}) and comes with no SBOM of its own and no source reference",
    "{component} 是闭源的（{why}），且没有自带的 SBOM，也没有源代码引用",
);

static BY_LICENCE: Template = Template::new("licence {licence}", "许可证 {licence}");
static BY_TYPE: Template = Template::new("type {type}", "类型 {type}");

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
                .map(|l| Message::new(&BY_LICENCE).arg("licence", format!("{:?}", l.raw)))
                .or_else(|| {
                    c.kind
                        .as_ref()
                        .map(|k| Message::new(&BY_TYPE).arg("type", k.as_str()))
                })
                .unwrap_or_else(|| Message::data(""));
            let because = why.to_string();
            Verdict::fire(
                Message::new(&CLOSED_WITHOUT_BOM)
                    .arg("component", c.display_name())
                    .phrase("why", why),
                vec![
                    ("closed because", because),
                    ("nested components or external BOM", "absent".into()),
                    ("source reference", "absent".into()),
                ],
            )
        }
    }
}

static PREBUILT: Template = Template::new(
    "{component} ships {n} prebuilt binaries in its package: {paths}",
    "{component} 的软件包中带有 {n} 个预编译二进制文件：{paths}",
);
static ONE_PREBUILT: Template = Template::new(
    "{component} ships a prebuilt binary in its package: {paths}",
    "{component} 的软件包中带有一个预编译二进制文件：{paths}",
);
static PREBUILT_NOT_EXAMINED: &str = "its package's files were not examined (only npm packages installed in a delivered product are)";

/// Whether the ecosystem publishes packages as source, so that a binary in
/// one is prebuilt rather than what the package is.
fn publishes_source(e: &Ecosystem) -> bool {
    matches!(
        e,
        Ecosystem::Npm | Ecosystem::Cargo | Ecosystem::Golang | Ecosystem::Pypi
    )
}

/// OPQ-04: executables or shared libraries inside a package published as
/// source. Judged where the package's files were examined: an npm package
/// installed in a delivered product (its directory's binaries, from the
/// product's executable census); elsewhere a known unknown.
pub fn prebuilt_binaries(c: &Component, ctx: &Ctx) -> Verdict {
    if !publishes_source(&c.ecosystem) {
        return Verdict::Pass;
    }
    let mut examined = false;
    let mut found = Vec::new();
    for loc in &c.locations {
        let Some(d) = ctx.inv.documents.get(loc.input) else {
            continue;
        };
        let census = d.meta.executables.as_ref();
        let Some(census) = census.filter(|_| c.ecosystem == Ecosystem::Npm) else {
            continue;
        };
        examined = true;
        found.extend(
            census
                .prebuilt
                .iter()
                .filter(|b| b.package == loc.pointer)
                .map(|b| (d, b)),
        );
    }
    if !examined {
        return Verdict::not_evaluated(PREBUILT_NOT_EXAMINED);
    }
    if found.is_empty() {
        return Verdict::Pass;
    }
    let paths: Vec<Message> = found.iter().map(|(_, b)| Message::data(&b.path)).collect();
    let template = if found.len() == 1 {
        &ONE_PREBUILT
    } else {
        &PREBUILT
    };
    let message = Message::new(template)
        .arg("component", c.display_name())
        .arg("n", found.len().to_string())
        .list("paths", paths, Sep::Comma);
    let evidence = found
        .iter()
        .map(|(d, b)| {
            let source = EvidenceSource::product(&d.path, &b.path);
            Evidence::new(
                "prebuilt binary",
                format!("{}, {} bytes", b.kind, b.size),
                source,
            )
        })
        .collect();
    Verdict::fire_sourced(message, evidence)
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
        c.rare.build_code = Some(vec![]);
        assert_eq!(run(build_time_code, c.clone()), Verdict::Pass);
        c.rare.build_code = Some(vec![BuildCode::InstallScript, BuildCode::ProcMacro]);
        match run(build_time_code, c) {
            Verdict::Fire(f) => assert!(
                f.message
                    .to_string()
                    .contains("an install script, a procedural macro"),
                "{}",
                f.message.to_string()
            ),
            v => panic!("{v:?}"),
        }
    }

    #[test]
    fn opq05_licence() {
        assert!(fired(&run(licence_unknown, Component::named("a"))));
        assert!(fired(&run(licence_unknown, with_licence("NOASSERTION"))));
        match run(licence_unknown, with_licence("SEE LICENSE IN LICENSE.txt")) {
            Verdict::Fire(f) => assert!(
                f.message
                    .to_string()
                    .contains("not a valid SPDX expression")
            ),
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

    use super::super::testing::resolved;
    use crate::model::Ecosystem;

    #[test]
    fn opq01_registry_part() {
        let mut c = resolved(Ecosystem::Npm, "x", "1.0.0");
        assert!(fired(&run(no_source_repository, c.clone())));
        c.origin.as_mut().unwrap().repository = Some("https://git.example/x".into());
        assert_eq!(run(no_source_repository, c.clone()), Verdict::Pass);
        c.origin = None;
        assert!(matches!(
            run(no_source_repository, c),
            Verdict::NotEvaluated(_)
        ));
    }

    #[test]
    fn opq01_cargo_index_does_not_tell() {
        let c = resolved(Ecosystem::Cargo, "serde", "1.0.0");
        assert!(matches!(
            run(no_source_repository, c),
            Verdict::NotEvaluated(_)
        ));
    }

    #[test]
    fn opq02_unknown_to_registry() {
        let mut c = resolved(Ecosystem::Npm, "acme-internal-utils", "1.0.0");
        assert_eq!(run(unknown_to_registry, c.clone()), Verdict::Pass);
        c.origin.as_mut().unwrap().presence = Presence::NotFound;
        assert!(fired(&run(unknown_to_registry, c.clone())));
        c.origin = None;
        assert!(matches!(
            run(unknown_to_registry, c),
            Verdict::NotEvaluated(_)
        ));
    }

    #[test]
    fn opq03_registry_part() {
        let mut c = resolved(Ecosystem::Npm, "esbuild", "0.20.0");
        assert!(matches!(
            run(build_time_code, c.clone()),
            Verdict::NotEvaluated(_)
        ));
        c.origin.as_mut().unwrap().install_scripts = Some(false);
        assert_eq!(run(build_time_code, c.clone()), Verdict::Pass);
        c.origin.as_mut().unwrap().install_scripts = Some(true);
        assert!(fired(&run(build_time_code, c.clone())));
        let mut p = resolved(Ecosystem::Pypi, "pycrypto", "2.6.1");
        p.origin.as_mut().unwrap().sdist_only = Some(true);
        assert!(fired(&run(build_time_code, p)));
        // What the lockfile records wins over the registry.
        c.rare.build_code = Some(vec![]);
        assert_eq!(run(build_time_code, c), Verdict::Pass);
    }

    /// An npm package read from a product whose census found `binaries` in
    /// its directory.
    fn installed(binaries: &[&str]) -> crate::model::Inventory {
        use crate::model::{ExecutableCensus, Format, PrebuiltBinary};
        let mut c = Component::named("addon");
        c.ecosystem = Ecosystem::Npm;
        let mut inv = super::super::testing::inventory(vec![c]);
        let pointer = "/srv/app/node_modules/addon/package.json";
        inv.components[0].locations[0].pointer = pointer.into();
        let d = &mut inv.documents[0];
        d.path = "rootfs".into();
        d.format = Some(Format::RootFilesystem);
        d.meta.executables = Some(ExecutableCensus {
            binaries: binaries.len(),
            owned_by_packages: binaries.len(),
            prebuilt: binaries
                .iter()
                .map(|b| PrebuiltBinary {
                    package: pointer.into(),
                    path: format!("/srv/app/node_modules/addon/{b}"),
                    kind: "ELF executable".into(),
                    size: 10,
                })
                .collect(),
            ..ExecutableCensus::default()
        });
        inv
    }

    fn opq04(inv: &crate::model::Inventory) -> Verdict {
        let t = super::super::Thresholds::default();
        prebuilt_binaries(&inv.components[0], &super::super::testing::ctx(inv, &t))
    }

    #[test]
    fn opq04_names_each_binary_in_an_installed_npm_package() {
        let Verdict::Fire(f) = opq04(&installed(&["bin/a", "lib/b.node"])) else {
            panic!("not fired");
        };
        assert_eq!(
            f.message.to_string(),
            "addon ships 2 prebuilt binaries in its package: /srv/app/node_modules/addon/bin/a, /srv/app/node_modules/addon/lib/b.node"
        );
        assert_eq!(f.sourced.len(), 2);
        assert_eq!(
            &*f.sourced[1].source.0,
            "product:rootfs/srv/app/node_modules/addon/lib/b.node"
        );
        assert_eq!(f.sourced[1].value, "ELF executable, 10 bytes");
        assert_eq!(opq04(&installed(&[])), Verdict::Pass);
    }

    #[test]
    fn opq04_is_unknown_where_no_package_files_were_examined() {
        let mut inv = installed(&["bin/a"]);
        // The same package read from an SBOM: its files were not seen.
        inv.documents[0].meta.executables = None;
        assert!(matches!(opq04(&inv), Verdict::NotEvaluated(_)));
        // A binary package is what it is: nothing to judge.
        inv.components[0].ecosystem = crate::model::Ecosystem::Deb;
        assert_eq!(opq04(&inv), Verdict::Pass);
    }
}
