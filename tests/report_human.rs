//! The human reports (Markdown and HTML, English and Chinese) on the demo
//! product, as snapshots, and on an SBOM full of markup payloads, which must
//! come out as text.

mod common;
use common::*;

use chainrisk::Assessment;
use chainrisk::report::i18n::Lang;
use chainrisk::report::{html, json, markdown};

/// Scans an input with the real binary and reads its JSON report back: the
/// renderers are tested on exactly what a user's JSON report holds.
fn assess(input: &str) -> Assessment {
    json::read(&scan_output(&["scan", input, "--format", "json"]))
        .expect("the JSON report reads back")
}

/// The standard output of a scan that ran (exit 0, or 1 for findings).
fn scan_output(args: &[&str]) -> Vec<u8> {
    let out = bin().current_dir(root()).args(args).output().unwrap();
    assert!(
        out.status.success() || out.status.code() == Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

const DEMO: &str = "fixtures/demo/acme-edge-gateway.cdx.json";
const PAYLOADS: &str = "fixtures/injection/payloads.cdx.json";

/// The tool version changes with every release; nothing else is redacted.
fn stable(text: String) -> String {
    text.replace(env!("CARGO_PKG_VERSION"), "[version]")
}

#[test]
fn demo_markdown_english() {
    let a = assess(DEMO);
    insta::assert_snapshot!("demo-markdown-en", stable(markdown::render(&a, Lang::En)));
}

/// A human report as the binary writes it in one scan: Chinese reports
/// translate each finding's message from its rule's template, which a
/// report read back from JSON (English only) no longer carries.
fn written(input: &str, format: &str, lang: &str) -> String {
    String::from_utf8(scan_output(&[
        "scan", input, "--format", format, "--lang", lang,
    ]))
    .unwrap()
}

#[test]
fn demo_markdown_chinese() {
    insta::assert_snapshot!(
        "demo-markdown-zh-CN",
        stable(written(DEMO, "markdown", "zh-CN"))
    );
}

#[test]
fn demo_html_english() {
    let a = assess(DEMO);
    insta::assert_snapshot!("demo-html-en", stable(html::render(&a, Lang::En)));
}

#[test]
fn demo_html_chinese() {
    insta::assert_snapshot!("demo-html-zh-CN", stable(written(DEMO, "html", "zh-CN")));
}

/// The English messages of one scan's report and of the report rendered
/// from its JSON read back are the same: the machine reports carry the
/// templates' English text.
#[test]
fn english_messages_read_back_unchanged() {
    let messages = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.starts_with("- **Message**:"))
            .map(str::to_string)
            .collect()
    };
    let direct = messages(&written(DEMO, "markdown", "en"));
    assert_eq!(direct.len(), 29, "one message per finding of the demo");
    assert_eq!(direct, messages(&markdown::render(&assess(DEMO), Lang::En)));
}

/// A fact the SBOM lacks for every component (no hash, no supplier) is one
/// grouped entry with its components collapsed, each still carrying its
/// finding's anchor; the findings come before conformance and the matrix.
#[test]
fn widespread_findings_are_one_collapsed_entry_each() {
    let out = bin()
        .current_dir(root())
        .args([
            "scan",
            "fixtures/demo/gsutil-5.29.cdx.json",
            "--snapshot",
            "fixtures/demo/gsutil-5.29.snapshot.json",
            "--offline",
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    let a = json::read(&out.stdout).expect("the JSON report reads back");
    let del01 = a.findings.iter().filter(|f| f.rule == "DEL-01").count();
    assert_eq!(del01, 36);
    let md = markdown::render(&a, Lang::En);
    let page = html::render(&a, Lang::En);
    for text in [&md, &page] {
        for n in 1..=a.findings.len() {
            assert!(text.contains(&format!("id=\"f{n}\"")), "F{n} has no anchor");
        }
        let at = |s: &str| text.find(s).unwrap_or_else(|| panic!("no {s}"));
        assert!(at("id=\"findings\"") < at("id=\"conformance\""));
        assert!(at("id=\"conformance\"") < at("id=\"review-matrix\""));
    }
    assert_eq!(
        md.matches(" · DEL-01 hash missing · 36 components").count(),
        1
    );
    assert_eq!(
        md.matches("has no hash in its SBOM").count(),
        1,
        "one example message"
    );
    assert_eq!(
        page.matches("<details><summary>36 components</summary>")
            .count(),
        2
    );
    // Each finding of a non-widespread rule keeps its own row.
    let single = a
        .findings
        .iter()
        .filter(|f| f.rule != "DEL-01" && f.rule != "SBM-01")
        .count();
    assert_eq!(page.matches("<tr class=\"finding ").count(), single + 2);
}

#[test]
fn markdown_and_html_show_the_same_findings() {
    let a = assess(DEMO);
    let md = markdown::render(&a, Lang::En);
    let page = html::render(&a, Lang::En);
    assert!(!a.findings.is_empty());
    for n in 1..=a.findings.len() {
        assert!(
            md.contains(&format!("<a id=\"f{n}\"></a>F{n} ")),
            "F{n} in Markdown"
        );
        assert!(page.contains(&format!("id=\"f{n}\"")), "F{n} in HTML");
    }
    assert!(!md.contains(&format!("<a id=\"f{}\">", a.findings.len() + 1)));
    assert_eq!(
        page.matches("<tr class=\"finding ").count(),
        a.findings.len()
    );
}

#[test]
fn chinese_reports_translate_labels_but_keep_identifiers() {
    let a = assess(DEMO);
    for text in [
        markdown::render(&a, Lang::ZhCn),
        html::render(&a, Lang::ZhCn),
    ] {
        assert!(text.contains("供应链风险报告"));
        assert!(text.contains("缺少哈希值"), "rule name DEL-01 in Chinese");
        assert!(text.contains("DEL-01"));
        assert!(text.contains("pkg:"), "purls stay as they are");
        assert!(!text.contains("Known unknowns"));
    }
}

/// Missing optional blocks (policy, resolution, advisories, invocation) read
/// "not given" instead of failing.
#[test]
fn absent_blocks_render_as_not_given() {
    let mut a = assess(DEMO);
    a.policy = None;
    a.resolution = None;
    a.invocation = None;
    a.advisories.clear();
    a.baseline = None;
    assert!(markdown::render(&a, Lang::En).contains("*not given*"));
    assert!(html::render(&a, Lang::En).contains("<span class=\"missing\">not given</span>"));
}

/// The payloads reach the report (the scan keeps them) but only as text.
#[test]
fn html_payloads_stay_text() {
    let a = assess(PAYLOADS);
    assert!(
        a.components
            .iter()
            .any(|c| c.name == "<script>alert(1)</script>"),
        "the fixture's payload survives ingest"
    );
    for lang in [Lang::En, Lang::ZhCn] {
        let page = html::render(&a, lang);
        let lower = page.to_ascii_lowercase();
        for tag in ["<script", "<img", "<iframe", "<svg onload", "</title><"] {
            assert!(!lower.contains(tag), "{tag} in the HTML report");
        }
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
        assert!(page.contains("&lt;script&gt;alert(&#39;licence&#39;)&lt;/script&gt;"));
        assert!(page.contains("&lt;/title&gt;&lt;script&gt;alert(&#39;product&#39;)"));
        // Every tag in the page is one the renderer writes.
        for (name, attrs) in tags(&page) {
            assert!(
                ALLOWED_HTML.contains(&name.as_str()),
                "unexpected element <{name}>"
            );
            for attr in attrs {
                assert!(!attr.starts_with("on"), "event handler {attr} on <{name}>");
            }
        }
    }
}

#[test]
fn markdown_payloads_stay_text() {
    let a = assess(PAYLOADS);
    let md = markdown::render(&a, Lang::En);
    // The only raw HTML in the Markdown is what the renderer writes.
    for (name, attrs) in tags(&md) {
        assert!(
            ["a", "br", "details", "summary"].contains(&name.as_str()),
            "unexpected <{name}> in Markdown"
        );
        assert!(attrs.iter().all(|a| a == "id"), "attributes {attrs:?}");
    }
    assert!(md.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // Table rows stay rows: a pipe or newline in a name does not split a cell.
    assert!(md.contains(
        "md \\| pipe \\`tick\\` \\[link\\](javascript:alert(4)) &lt;b&gt;bold&lt;/b&gt;\\\\u{a}newline"
    ));
    for line in md
        .lines()
        .filter(|l| l.starts_with("| ") && l.contains("markdown-payload"))
    {
        let cells = line.split(" | ").count();
        let unescaped_pipes = line
            .match_indices('|')
            .filter(|(i, _)| *i == 0 || &line[i - 1..*i] != "\\")
            .count();
        assert!(cells > 2 && unescaped_pipes >= 3, "{line}");
    }
}

/// Controls were dropped (and line breaks made spaces) and bidirectional
/// overrides passed: in both reports each now shows as a visible escape.
#[test]
fn payload_controls_show_as_escapes() {
    let a = assess(PAYLOADS);
    let md = markdown::render(&a, Lang::En);
    let page = html::render(&a, Lang::En);
    for (what, text) in [("Markdown", &md), ("HTML", &page)] {
        assert_eq!(terminal_controls(text), Vec::<String>::new(), "{what}");
    }
    // The group, name and version of one component, as each report writes it.
    assert!(
        md.contains("grp\\\\u{202e}exe.txt/term\\\\u{1b}\\[2J\\\\u{1b}\\]0;owned title\\\\u{7}"),
        "{md}"
    );
    assert!(md.contains("4.0.0\\\\u{d}\\\\u{a}  ok     forged-line\\\\u{9b}31m"));
    assert!(page.contains(
        "grp\\u{202e}exe.txt/term\\u{1b}[2J\\u{1b}]0;owned title\\u{7}\\u{1b}]52;c;ZXZpbA==\\u{7}"
    ));
    assert!(page.contains("4.0.0\\u{d}\\u{a}  ok     forged-line\\u{9b}31m"));
}

/// Elements the HTML renderer writes; anything else came from the input.
const ALLOWED_HTML: &[&str] = &[
    "!doctype",
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "main",
    "header",
    "p",
    "h1",
    "h2",
    "h3",
    "dl",
    "div",
    "dt",
    "dd",
    "code",
    "span",
    "br",
    "nav",
    "ol",
    "ul",
    "li",
    "a",
    "section",
    "figure",
    "figcaption",
    "svg",
    "g",
    "text",
    "rect",
    "table",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "strong",
    "details",
    "summary",
    "footer",
];

/// The start tags of a page: (lower-case name, attribute names). Text is
/// escaped, so every `<` followed by a letter or `!` opens a tag; the CSS
/// inside `<style>` is skipped.
fn tags(page: &str) -> Vec<(String, Vec<String>)> {
    let mut found = Vec::new();
    let bytes = page.as_bytes();
    let mut i = 0;
    while let Some(off) = page[i..].find('<') {
        let start = i + off + 1;
        i = start;
        let Some(&first) = bytes.get(start) else {
            break;
        };
        if !(first.is_ascii_alphabetic() || first == b'!') {
            continue;
        }
        let name_end = page[start..]
            .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
            .map_or(page.len(), |e| start + e);
        let name = page[start..name_end].to_ascii_lowercase();
        // Attributes up to the closing '>', honouring quotes.
        let mut attrs = Vec::new();
        let mut j = name_end;
        let mut quote: Option<u8> = None;
        let mut token = String::new();
        let mut in_value = false;
        while j < bytes.len() {
            let b = bytes[j];
            match quote {
                Some(q) if b == q => quote = None,
                Some(_) => {}
                None if b == b'"' || b == b'\'' => quote = Some(b),
                None if b == b'>' => break,
                None if b == b'=' => {
                    if !token.is_empty() {
                        attrs.push(token.to_ascii_lowercase());
                        token.clear();
                    }
                    in_value = true;
                }
                None if b.is_ascii_whitespace() || b == b'/' => {
                    if !token.is_empty() && !in_value {
                        attrs.push(token.to_ascii_lowercase());
                    }
                    token.clear();
                    in_value = false;
                }
                None => {
                    if !in_value {
                        token.push(b as char);
                    }
                }
            }
            j += 1;
        }
        if !token.is_empty() && !in_value {
            attrs.push(token.to_ascii_lowercase());
        }
        i = j;
        if name == "style" {
            match page[i..].find("</style>") {
                Some(e) => i += e + "</style>".len(),
                None => break,
            }
        }
        found.push((name, attrs));
    }
    found
}

/// Every Markdown table keeps its shape: each row has as many cells
/// (unescaped `|`) as its header, so forges render it as a table.
#[test]
fn markdown_tables_keep_their_columns() {
    for input in [DEMO, PAYLOADS] {
        let a = assess(input);
        for lang in [Lang::En, Lang::ZhCn] {
            let md = markdown::render(&a, lang);
            let mut header: Option<usize> = None;
            for line in md.lines() {
                if !line.starts_with('|') {
                    header = None;
                    continue;
                }
                let bytes = line.as_bytes();
                let pipes = (0..bytes.len())
                    .filter(|&i| bytes[i] == b'|' && (i == 0 || bytes[i - 1] != b'\\'))
                    .count();
                match header {
                    None => header = Some(pipes),
                    Some(n) => {
                        assert_eq!(pipes, n, "{input}: row does not match its header: {line}")
                    }
                }
            }
        }
    }
}

/// The optional blocks, when given, show their content: exception, baseline,
/// fetch time of registry evidence, policy hash, resolution and advisories.
#[test]
fn given_blocks_render_their_content() {
    use chainrisk::model::{
        AdvisoryDatabase, BaselineInfo, BaselineState, EcosystemResolution, Evidence,
        EvidenceSource, ExceptionMark, ExceptionState, PolicyInfo, Resolution, RulePolicy,
        Severity, SnapshotInfo,
    };
    let mut a = assess(DEMO);
    let f = &mut a.findings[0];
    f.exception = Some(Box::new(ExceptionMark {
        index: 0,
        reason: "vendor firmware, reviewed in RISK-42".into(),
        owner: Some("psirt@acme.example".into()),
        expires: Some("2027-01-31".into()),
    }));
    f.baseline = Some(BaselineState::Known);
    f.evidence.push(Evidence::new(
        "latest",
        "7.46.0",
        EvidenceSource("registry:npm@2026-11-23T08:00:00Z".into()),
    ));
    a.policy = Some(PolicyInfo {
        file: Some("chainrisk.toml".into()),
        sha256: "ab".repeat(32),
        exceptions: vec![
            exception(
                0,
                ExceptionState::Applied,
                "vendor firmware, reviewed in RISK-42",
                1,
            ),
            // Markup and a table break in the reason stay text in both formats.
            exception(
                1,
                ExceptionState::Expired,
                "pinned | see <RISK-7>\nsecond line",
                3,
            ),
            exception(
                2,
                ExceptionState::Unused,
                "left over from the 2025 review",
                0,
            ),
        ],
        thresholds: Vec::new(),
        rules: vec![
            RulePolicy {
                rule: "CON-01".into(),
                enabled: false,
                severity: None,
                scope: "all".into(),
                removed: 5,
                unknown_directness: 0,
            },
            RulePolicy {
                rule: "UNM-05".into(),
                enabled: true,
                severity: Some(Severity::Info),
                scope: "direct".into(),
                removed: 2,
                unknown_directness: 4,
            },
        ],
    });
    a.baseline = Some(BaselineInfo {
        file: "reports/last-release.json".into(),
        generated_at: "2026-10-01T12:00:00Z".into(),
        new: 7,
        known: 11,
        resolved: 3,
    });
    a.resolution = Some(Resolution {
        mode: "offline".into(),
        cache: None,
        snapshot: Some(SnapshotInfo {
            file: "facts.snapshot.json".into(),
            created_at: "2026-11-01T00:00:00Z".into(),
            format: "chainrisk.snapshot/v1".into(),
            packages: 12,
            age_days: 23,
            stale: false,
        }),
        ecosystems: vec![EcosystemResolution {
            registry: Some("http://127.0.0.1:9/npm".into()),
            packages: 12,
            from_snapshot: 12,
            ..EcosystemResolution::default()
        }],
        errors: Vec::new(),
    });
    a.advisories = vec![AdvisoryDatabase {
        path: "advisory-db".into(),
        format: "rustsec".into(),
        advisories: 900,
        newest: Some("2026-11-20".into()),
        stale: false,
    }];
    let md = markdown::render(&a, Lang::En);
    let page = html::render(&a, Lang::En);
    for text in [&md, &page] {
        assert!(text.contains("vendor firmware, reviewed in RISK-42"));
        assert!(text.contains("psirt@acme.example"));
        assert!(text.contains("2027-01-31"));
        assert!(text.contains("accepted by exception"));
        assert!(
            text.contains("2026-11-23T08:00:00Z"),
            "fetch time of registry evidence"
        );
        assert!(text.contains(&"ab".repeat(32)), "policy hash");
        assert!(text.contains("offline (cache and snapshot only)"));
        assert!(text.contains("23 days old"));
        assert!(text.contains("2026-11-20"), "advisory database date");
        assert!(text.contains("127.0.0.1:9/npm"));
    }
    assert!(md.contains("| registry:npm | 2026-11-23T08:00:00Z |"));
    assert!(page.contains("<span class=\"status baseline\">known</span>"));

    // Policy and exceptions: listed in the contents, after the known unknowns.
    assert!(md.contains("[Policy and exceptions](#policy)"));
    assert!(page.contains("<a href=\"#policy\">Policy and exceptions</a>"));
    for text in [&md, &page] {
        let unknowns = text.find("id=\"known-unknowns\"").unwrap();
        let policy = text.find("id=\"policy\"").unwrap();
        let inventory = text.find("id=\"inventory\"").unwrap();
        assert!(unknowns < policy && policy < inventory, "section order");
        let section = &text[policy..inventory];
        for expected in [
            "chainrisk.toml:10",
            "chainrisk.toml:20",
            "chainrisk.toml:30",
            "left over from the 2025 review",
            "&lt;RISK-7&gt;",
            "reports/last-release.json",
            "2026-10-01T12:00:00Z",
            "CON-01",
            "single maintainer",
            "direct dependencies",
        ] {
            assert!(
                section.contains(expected),
                "{expected} in the policy section"
            );
        }
        assert!(!section.contains("<RISK-7>"), "markup stays text");
        assert!(section.contains("pkg:npm/lodash"));
        assert!(section.contains("&lt;4.17.21"), "versions, escaped");
    }
    let md_policy = &md[md.find("id=\"policy\"").unwrap()..md.find("id=\"inventory\"").unwrap()];
    assert!(md_policy.contains("new 7 · known 11 · resolved 3"));
    // The line break shows as an escape, so the row stays one row.
    assert!(md_policy.contains("pinned \\| see &lt;RISK-7&gt;\\\\u{a}second line"));
    assert!(md_policy.contains("Low → Info"), "severity override");
    // Each table row has as many cells as its header: 7 for rules, 8 for exceptions.
    let pipes = |line: &str| {
        let b = line.as_bytes();
        (0..b.len())
            .filter(|&i| b[i] == b'|' && (i == 0 || b[i - 1] != b'\\'))
            .count()
    };
    let rows = |prefixes: &[&str]| -> Vec<usize> {
        md_policy
            .lines()
            .filter(|l| prefixes.iter().any(|p| l.starts_with(p)))
            .map(pipes)
            .collect()
    };
    assert_eq!(rows(&["| CON-01 |", "| UNM-05 |"]), vec![8, 8]);
    assert_eq!(
        rows(&["| applied |", "| expired |", "| unused |"]),
        vec![9, 9, 9]
    );
    assert!(md_policy.contains("| off |"));
    let page_policy =
        &page[page.find("id=\"policy\"").unwrap()..page.find("id=\"inventory\"").unwrap()];
    assert!(page_policy.contains("<span class=\"status accepted\">applied</span>"));
    assert!(page_policy.contains("<span class=\"status not-met\">expired</span>"));
    assert!(page_policy.contains("<span class=\"status unjudged\">unused</span>"));
    assert!(page_policy.contains("<span class=\"status not-met\">off</span>"));
    assert!(page_policy.contains("pinned | see &lt;RISK-7&gt;"));
    assert_eq!(page_policy.matches("<tr class=\"exception ").count(), 3);
    assert!(
        page_policy.contains("<td class=\"num\">4</td>"),
        "kept for unknown directness"
    );

    // The Chinese report labels the section and the states in Chinese.
    let zh = markdown::render(&a, Lang::ZhCn);
    for label in ["策略与例外", "已应用", "已过期", "未使用", "规则调整"] {
        assert!(zh.contains(label), "{label} in the Chinese report");
    }
}

/// One `[[exception]]` entry on a made-up line of the policy file.
fn exception(
    index: usize,
    state: chainrisk::model::ExceptionState,
    reason: &str,
    matched: usize,
) -> chainrisk::model::ExceptionReport {
    chainrisk::model::ExceptionReport {
        index,
        rule: if index == 0 { "DEL-01" } else { "*" }.into(),
        package: "pkg:npm/lodash".into(),
        versions: (index == 1).then(|| "<4.17.21".into()),
        reason: reason.into(),
        owner: (index != 2).then(|| "psirt@acme.example".into()),
        expires: (index == 1).then(|| "2026-06-30".into()),
        state,
        matched,
        location: Some(format!("chainrisk.toml:{}", (index + 1) * 10)),
    }
}

/// A scan that read nothing still renders: no findings, no inventory rows,
/// and the blocks it lacks say so.
#[test]
fn an_empty_assessment_renders() {
    let a = Assessment::new(
        chainrisk::model::Inventory::default(),
        chainrisk::rules::Evaluation::default(),
        "2026-11-24T00:00:00Z".into(),
    );
    let md = markdown::render(&a, Lang::En);
    let page = html::render(&a, Lang::En);
    assert!(md.contains("No findings."));
    assert!(page.contains("<p>No findings.</p>"));
    assert!(md.contains("All 0 components"));
    assert!(page.contains("<svg id=\"chart-severity\""));
    assert!(page.ends_with("</html>\n"));
}

/// A Chinese report names every piece of evidence in Chinese: each key the
/// rules write on the bundled products and fixtures (registry snapshots,
/// Debian and Alpine root filesystems, advisories, drift, channels) has a
/// translation, apart from file paths and identifiers shown as written.
#[test]
fn every_evidence_key_has_a_chinese_name() {
    use chainrisk::report::i18n::Tr;
    let scans: [&[&str]; 8] = [
        &[
            "fixtures/demo/gsutil-5.29.cdx.json",
            "--snapshot",
            "fixtures/demo/gsutil-5.29.snapshot.json",
        ],
        &[
            "fixtures/debian/minbase-bookworm.cdx.json",
            "--snapshot",
            "fixtures/debian/minbase-bookworm.snapshot.json",
        ],
        &[DEMO],
        &["fixtures/rootfs/debian-12-minbase"],
        &["fixtures/rootfs/alpine-3.20-mini"],
        &["fixtures/rootfs/languages"],
        &[
            "fixtures/advisories/inputs/package-lock.json",
            "fixtures/advisories/inputs/requirements.txt",
            "--advisories",
            "fixtures/advisories/osv",
        ],
        &[
            "fixtures/drift/npm/bom.cdx.json",
            "fixtures/drift/npm/package-lock.json",
        ],
    ];
    let as_written = ["HHI", "purl"];
    let mut keys = std::collections::BTreeSet::new();
    for args in scans {
        let out = bin()
            .current_dir(root())
            .arg("scan")
            .args(args)
            .args(["--offline", "--format", "json"])
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        for f in report["findings"].as_array().unwrap() {
            for e in f["evidence"].as_array().unwrap() {
                keys.insert(e["key"].as_str().unwrap().to_string());
            }
        }
    }
    assert!(keys.len() > 60, "the scans exercise the rules: {keys:?}");
    let untranslated: Vec<&String> = keys
        .iter()
        .filter(|k| !k.starts_with('/') && !as_written.contains(&k.as_str()))
        .filter(|k| Tr(Lang::ZhCn).evidence_key(k) == k.as_str())
        .collect();
    assert!(untranslated.is_empty(), "{untranslated:?}");
}
