//! The sections of the human reports, built once as [`Block`]s from the
//! [`View`]; the Markdown and HTML writers show the same rows and values.

use std::borrow::Cow;

use super::blocks::{Bar, Chart, code, given, label, num, text};
use super::blocks::{Block, Cell, Fact, Head, Inline, KeyValue, KvHtml, KvMarkdown, Row, Table};
use super::blocks::{FindingEntry, FindingGroup, GroupEntry, Status};
use super::i18n::Tr;
use super::view::{Conformance, FAMILIES, FindingRow, PolicyView, RuleGroup, SECTIONS, View};
use super::view::{DETAILED_PER_RULE, NAMED_PER_GROUP};
use crate::model::{BaselineState, Category, ExceptionState, PATH_END, Severity};

/// Builds the report's blocks in order and hands each to `write`; a
/// section is dropped before the next is built.
pub fn report(v: &View, t: Tr, mut write: impl FnMut(&Block)) {
    write(&cover(v, t));
    write(&contents(t));
    write(&summary(v, t));
    write(&findings(v, t));
    write(&conformance(v, t));
    write(&matrix(v, t));
    write(&unknowns(v, t));
    write(&policy(v, t));
    write(&inventory(v, t));
    write(&reproducibility(v, t));
}

fn section<'a>(anchor: &'static str, t: Tr, body: Vec<Block<'a>>) -> Block<'a> {
    let key = SECTIONS
        .iter()
        .find(|(a, _)| *a == anchor)
        .map_or("?", |(_, k)| k);
    Block::Section {
        anchor,
        title: Cow::Borrowed(t.t(key)),
        body,
    }
}

/// Column headings from message keys; a key after `#` heads a numeric column.
fn heads<'a>(t: Tr, keys: &[&str]) -> Vec<Head<'a>> {
    keys.iter()
        .map(|k| match k.strip_prefix('#') {
            Some(k) => Head::num(t.t(k)),
            None => Head::new(t.t(k)),
        })
        .collect()
}

fn table<'a>(id: &'static str, heads: Vec<Head<'a>>, rows: Vec<Row<'a>>) -> Block<'a> {
    Block::Table(Table {
        id: Some(id),
        class: "grid",
        heads,
        rows,
        foot: None,
    })
}

fn contents<'a>(t: Tr) -> Block<'a> {
    Block::Contents {
        title: Cow::Borrowed(t.t("contents")),
        entries: SECTIONS
            .iter()
            .map(|(anchor, key)| (*anchor, Cow::Borrowed(t.t(key))))
            .collect(),
    }
}

/// What a reader needs to reproduce the report: the tool, rule set, policy,
/// command and mode, the inputs, where the metadata came from, and the
/// advisory databases.
fn reproducibility<'a>(v: &'a View, t: Tr) -> Block<'a> {
    let a = v.a;
    let policy = match &a.policy {
        Some(p) => vec![
            text(p.file.as_deref().unwrap_or(t.t("repro.defaults"))),
            Inline::Digest(None, Cow::Borrowed(&p.sha256)),
        ],
        None => vec![Inline::NotGiven],
    };
    let command = match &a.invocation {
        Some(i) => {
            let mut line = String::from("chainrisk");
            for arg in &i.args {
                line.push(' ');
                line.push_str(arg);
            }
            code(None, line)
        }
        None => Inline::NotGiven,
    };
    let mode = v
        .mode
        .as_deref()
        .map_or(Inline::NotGiven, |m| label(t.mode(m)));
    let mut body = vec![Block::KeyValue(KeyValue {
        html: KvHtml::Table("reproducibility-table"),
        markdown: KvMarkdown::Table,
        rows: vec![
            (
                t.t("tool").into(),
                vec![text(&a.tool.name), label(" "), text(&a.tool.version)],
            ),
            (t.t("repro.ruleset").into(), vec![text(&a.tool.ruleset)]),
            (t.t("repro.schema").into(), vec![code(None, &a.schema)]),
            (t.t("repro.policy").into(), policy),
            (t.t("repro.command").into(), vec![command]),
            (t.t("repro.mode").into(), vec![mode]),
            (t.t("generated").into(), vec![text(&v.generated)]),
        ],
    })];
    repro_inputs(v, t, &mut body);
    repro_metadata(v, t, &mut body);
    repro_advisories(v, t, &mut body);
    section("reproducibility", t, body)
}

/// The inputs a reproduction needs: path, format, spec version, SHA-256.
fn repro_inputs<'a>(v: &'a View, t: Tr, body: &mut Vec<Block<'a>>) {
    body.push(Block::heading(t.t("inputs")));
    let rows =
        v.a.inputs
            .iter()
            .map(|d| {
                vec![
                    Cell::one(code(None, &d.path)),
                    Cell::one(label(d.format.map(|f| f.as_str()).unwrap_or("—"))),
                    Cell::one(given(d.spec_version.as_deref())),
                    Cell::one(Inline::Code(Some("hash"), vec![given(d.sha256.as_deref())])),
                    Cell::num(d.components_read),
                ]
                .into()
            })
            .collect();
    body.push(table(
        "inputs-table",
        vec![
            Head::new(t.t("repro.path")),
            Head::new(t.t("repro.format")),
            Head::new(t.t("repro.spec")),
            Head::new("SHA-256"),
            Head::num(t.t("sum.components")),
        ],
        rows,
    ));
}

/// Where the registry facts came from and how old they are.
fn repro_metadata<'a>(v: &'a View, t: Tr, body: &mut Vec<Block<'a>>) {
    body.push(Block::heading(t.t("repro.metadata")));
    let Some(r) = &v.a.resolution else {
        body.push(Block::paragraph(vec![Inline::NotGiven]));
        return;
    };
    let mut rows = vec![(t.t("repro.mode").into(), vec![label(t.mode(&r.mode))])];
    if let Some(c) = &r.cache {
        rows.push((t.t("repro.cache").into(), vec![code(None, c)]));
    }
    let snapshot = match &r.snapshot {
        Some(s) => {
            let mut line = vec![
                code(None, &s.file),
                label(" · "),
                label(t.t("repro.created")),
                label(" "),
                text(&s.created_at),
                label(" · "),
                label(t.n("repro.age_days", s.age_days.max(0) as usize)),
            ];
            if s.stale {
                line.push(label(" · "));
                line.push(Inline::Alert(vec![label(t.t("repro.stale"))]));
            }
            line
        }
        None => vec![label(t.t("none"))],
    };
    rows.push((t.t("repro.snapshot").into(), snapshot));
    body.push(Block::KeyValue(KeyValue {
        html: KvHtml::List,
        markdown: KvMarkdown::Plain,
        rows,
    }));
    if r.ecosystems.is_empty() {
        return;
    }
    let heads = heads(
        t,
        &[
            "repro.ecosystem",
            "repro.registry",
            "repro.packages",
            "repro.live",
            "repro.cached",
            "repro.snapshot",
            "repro.not_found",
            "repro.failed",
            "repro.note",
        ],
    );
    let rows = r
        .ecosystems
        .iter()
        .map(|e| {
            vec![
                Cell::one(text(e.ecosystem.as_str())),
                Cell::one(given(e.registry.as_deref())),
                Cell::num(e.packages),
                Cell::num(e.live),
                Cell::num(e.cached),
                Cell::num(e.from_snapshot),
                Cell::num(e.not_found),
                Cell::num(e.failed),
                Cell::one(text(e.note.as_deref().unwrap_or(""))),
            ]
            .into()
        })
        .collect();
    body.push(table("resolution-table", heads, rows));
}

/// The advisory databases read, with their age.
fn repro_advisories<'a>(v: &'a View, t: Tr, body: &mut Vec<Block<'a>>) {
    body.push(Block::heading(t.t("repro.advisories")));
    let a = v.a;
    if a.advisories.is_empty() {
        body.push(Block::paragraph(vec![Inline::NotGiven]));
        return;
    }
    let rows = a
        .advisories
        .iter()
        .map(|d| {
            vec![
                Cell::one(code(None, &d.path)),
                Cell::one(text(&d.format)),
                Cell::num(d.advisories),
                Cell::one(given(d.newest.as_deref())),
                Cell::one(label(t.t(if d.stale {
                    "repro.stale"
                } else {
                    "repro.current"
                }))),
            ]
            .into()
        })
        .collect();
    body.push(table(
        "advisories-table",
        heads(
            t,
            &[
                "repro.path",
                "repro.format",
                "#count",
                "repro.newest",
                "conf.status",
            ],
        ),
        rows,
    ));
}

/// The cover: the subject, and where the report came from.
fn cover<'a>(v: &'a View, t: Tr) -> Block<'a> {
    let a = v.a;
    let mut inputs = Vec::new();
    for d in &a.inputs {
        if !inputs.is_empty() {
            inputs.push(Inline::Break);
        }
        inputs.push(code(None, &d.path));
        inputs.push(Inline::Aside(vec![label(
            d.format.map(|f| f.as_str()).unwrap_or("?"),
        )]));
    }
    Block::Cover {
        title: t.t("title").into(),
        subject: Cow::Borrowed(&v.subject),
        facts: vec![
            fact(t.t("product"), vec![text(&a.subject.name)]),
            fact(t.t("version"), vec![given(a.subject.version.as_deref())]),
            fact(t.t("supplier"), vec![given(a.subject.supplier.as_deref())]),
            Fact {
                key: t.t("inputs").into(),
                value: inputs,
                wide: true,
            },
            fact(t.t("generated"), vec![text(&v.generated)]),
            fact(t.t("report_id"), vec![code(None, &v.report_id)]),
            fact(
                t.t("tool"),
                vec![text(&a.tool.name), label(" "), text(&a.tool.version)],
            ),
        ],
    }
}

fn fact<'a>(key: &'static str, value: Vec<Inline<'a>>) -> Fact<'a> {
    Fact {
        key: key.into(),
        value,
        wide: false,
    }
}

/// Which data elements of NTIA and BSI TR-03183-2 the SBOM has.
fn conformance<'a>(v: &'a View, t: Tr) -> Block<'a> {
    let columns = [
        ("conformance-ntia", t.t("conf.ntia"), &v.ntia),
        ("conformance-bsi", t.t("conf.bsi"), &v.bsi),
    ]
    .into_iter()
    .map(|(id, title, rows)| {
        let rows = rows
            .iter()
            .map(|r| {
                let class = match r.status {
                    Conformance::Met => "met",
                    Conformance::NotMet(_) => "not-met",
                    Conformance::NotEvaluated(_) => "unjudged",
                };
                let rules = if r.rules.is_empty() {
                    "—".to_string()
                } else {
                    r.rules.join(", ")
                };
                vec![
                    Cell::one(label(t.t(r.key))),
                    Cell::one(Inline::Code(Some("id"), vec![label(rules)])),
                    Cell::one(Inline::Status(class, vec![label(t.conformance(r.status))])),
                ]
                .into()
            })
            .collect();
        vec![
            Block::heading(title),
            table(
                id,
                heads(t, &["conf.element", "conf.rules", "conf.status"]),
                rows,
            ),
        ]
    })
    .collect();
    section(
        "conformance",
        t,
        vec![Block::note(t.t("conf.note")), Block::Columns(columns)],
    )
}

/// What the rules could not judge, and why.
fn unknowns<'a>(v: &'a View, t: Tr) -> Block<'a> {
    let mut body = vec![Block::note(t.t("unknowns.note"))];
    if v.unknowns.is_empty() {
        body.push(Block::paragraph(vec![label(t.t("unknowns.none"))]));
        return section("known-unknowns", t, body);
    }
    let rows = v
        .unknowns
        .iter()
        .map(|u| {
            vec![
                Cell::one(code(Some("id"), u.rule)),
                Cell::one(rule_name(t, u.rule)),
                Cell::num(u.count),
                Cell::one(text(t.reason(u.reason))),
            ]
            .into()
        })
        .collect();
    body.push(table(
        "unknowns-table",
        heads(t, &["rule", "f.title", "#count", "reason"]),
        rows,
    ));
    section("known-unknowns", t, body)
}

/// A rule's name; the id itself (input text) for a rule this build does not know.
fn rule_name<'a>(t: Tr, id: &str) -> Inline<'a> {
    text(t.rule_name(id))
}

/// Exception states in the colours of the other statuses: applied like an
/// accepted finding, expired like an unmet element, unused like an unjudged one.
fn exception_class(s: ExceptionState) -> (&'static str, &'static str) {
    match s {
        ExceptionState::Applied => ("exception applied", "accepted"),
        ExceptionState::Expired => ("exception expired", "not-met"),
        ExceptionState::Unused => ("exception unused", "unjudged"),
    }
}

/// The policy in force: its file, the baseline, the rules it changes and
/// its exceptions.
fn policy<'a>(v: &'a View, t: Tr) -> Block<'a> {
    let file = match &v.policy {
        Some(p) => vec![
            p.file
                .map_or_else(|| text(t.t("repro.defaults")), |f| code(None, f)),
            Inline::Digest(Some("hash"), Cow::Borrowed(p.sha256)),
        ],
        None => vec![Inline::NotGiven],
    };
    let baseline = match v.baseline {
        Some(b) => vec![
            code(None, &b.file),
            label(" · "),
            label(t.t("pol.generated")),
            label(" "),
            text(&b.generated_at),
            label(" · "),
            label(t.t("baseline.new")),
            label(" "),
            Inline::Figure(b.new),
            label(" · "),
            label(t.t("baseline.known")),
            label(" "),
            Inline::Figure(b.known),
            label(" · "),
            label(t.t("pol.resolved")),
            label(" "),
            Inline::Figure(b.resolved),
        ],
        None => vec![Inline::NotGiven],
    };
    let mut body = vec![
        Block::note(t.t("pol.note")),
        Block::KeyValue(KeyValue {
            html: KvHtml::Table("policy-table"),
            markdown: KvMarkdown::Strong,
            rows: vec![
                (t.t("pol.file").into(), file),
                (t.t("f.baseline").into(), baseline),
            ],
        }),
        Block::heading(t.t("pol.rules")),
    ];
    match &v.policy {
        None => body.push(Block::paragraph(vec![Inline::NotGiven])),
        Some(p) if p.rules.is_empty() => {
            body.push(Block::paragraph(vec![label(t.t("pol.rules_none"))]))
        }
        Some(p) => body.push(rule_changes(p, t)),
    }
    body.push(Block::heading(t.t("pol.exceptions")));
    match &v.policy {
        None => body.push(Block::paragraph(vec![Inline::NotGiven])),
        Some(p) if p.exceptions.is_empty() => {
            body.push(Block::paragraph(vec![label(t.t("pol.exceptions_none"))]))
        }
        Some(p) => body.push(exceptions(p, t)),
    }
    section("policy", t, body)
}

/// The rules the policy changes, one row each.
fn rule_changes<'a>(p: &PolicyView<'a>, t: Tr) -> Block<'a> {
    let rows = p
        .rules
        .iter()
        .map(|r| {
            let c = r.change;
            let enabled = if c.enabled {
                Inline::Status("met", vec![label(t.t("pol.on"))])
            } else {
                Inline::Status("not-met", vec![label(t.t("pol.off"))])
            };
            let severity = match (c.severity, r.info) {
                (Some(s), Some(info)) => {
                    vec![Inline::Badge(info.severity), label(" → "), Inline::Badge(s)]
                }
                (Some(s), None) => vec![Inline::Badge(s)],
                (None, _) => vec![
                    label("— "),
                    Inline::Muted(vec![label(format!("({})", t.t("f.default")))]),
                ],
            };
            vec![
                Cell::one(code(Some("id"), &c.rule)),
                Cell::one(rule_name(t, &c.rule)),
                Cell::one(enabled),
                Cell::new(severity),
                Cell::one(text(t.scope(&c.scope))),
                Cell::num(c.removed),
                Cell::num(c.unknown_directness),
            ]
            .into()
        })
        .collect();
    table(
        "policy-rules-table",
        heads(
            t,
            &[
                "rule",
                "f.title",
                "pol.enabled",
                "severity",
                "pol.scope",
                "#pol.removed",
                "#pol.kept_unknown",
            ],
        ),
        rows,
    )
}

/// The policy's exceptions and what each matched.
fn exceptions<'a>(p: &PolicyView<'a>, t: Tr) -> Block<'a> {
    let rows = p
        .exceptions
        .iter()
        .map(|e| {
            let (row, status) = exception_class(e.state);
            let mut package = vec![code(Some("purl"), &e.package)];
            if let Some(versions) = &e.versions {
                package.push(Inline::Aside(vec![text(versions)]));
            }
            Row {
                class: Some(row),
                cells: vec![
                    Cell::one(Inline::Status(
                        status,
                        vec![label(t.exception_state(e.state))],
                    )),
                    Cell::one(code(Some("id"), &e.rule)),
                    Cell::new(package),
                    Cell::one(text(&e.reason)),
                    Cell::one(given(e.owner.as_deref())),
                    Cell::one(given(e.expires.as_deref())),
                    Cell::count(e.matched),
                    Cell::one(
                        e.location
                            .as_deref()
                            .map_or(Inline::NotGiven, |l| code(None, l)),
                    ),
                ],
            }
        })
        .collect();
    table(
        "exceptions-table",
        heads(
            t,
            &[
                "conf.status",
                "rule",
                "pol.package",
                "reason",
                "pol.owner",
                "pol.expires",
                "#pol.matched",
                "pol.location",
            ],
        ),
        rows,
    )
}

/// The components, the first [`INVENTORY_LISTED`](super::view::INVENTORY_LISTED)
/// of them listed, the rest counted.
fn inventory<'a>(v: &'a View, t: Tr) -> Block<'a> {
    let rows = v
        .inventory
        .iter()
        .map(|r| {
            let c = r.component;
            vec![
                Cell::num(c.id),
                Cell::one(text(&c.name)),
                Cell::one(text(c.version.as_deref().unwrap_or(""))),
                Cell::one(code(Some("purl"), c.purl.as_deref().unwrap_or(""))),
                Cell::one(text(c.responsible_party().unwrap_or(""))),
                Cell::one(text(&r.licences)),
                Cell::one(text(&r.hashes)),
                Cell::one(label(t.relation(r.relation))),
                Cell::one(label(c.source.label())),
                Cell::count(r.findings),
            ]
            .into()
        })
        .collect();
    let mut body = vec![Block::Table(Table {
        id: Some("inventory-table"),
        class: "grid inventory",
        heads: vec![
            Head::num("id"),
            Head::new(t.t("component")),
            Head::new(t.t("version")),
            Head::new("purl"),
            Head::new(t.t("supplier")),
            Head::new(t.t("inv.licence")),
            Head::new(t.t("inv.hash")),
            Head::new(t.t("inv.relation")),
            Head::new(t.t("inv.source")),
            Head::num(t.t("sec.findings")),
        ],
        rows,
        foot: None,
    })];
    if v.inventory_total > v.inventory.len() {
        body.push(Block::note(
            t.n("inventory.more", v.inventory_total - v.inventory.len()),
        ));
    }
    section(
        "inventory",
        t,
        vec![Block::Details {
            summary: t.n("inventory.summary", v.inventory_total).into(),
            body,
        }],
    )
}

/// Chart colours per severity: restrained, and distinguishable in greyscale print.
fn sev_colour(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "#8b1a1a",
        Severity::High => "#c0392b",
        Severity::Medium => "#c77c0e",
        Severity::Low => "#2f6fab",
        Severity::Info => "#7b8794",
    }
}

/// Findings by severity and category, and the eight largest suppliers' shares.
fn charts<'a>(v: &'a View, t: Tr) -> Block<'a> {
    let s = &v.a.summary;
    let count = |label: &'static str, n: usize, colour| Bar {
        label: label.into(),
        value: n as f64,
        shown: n.to_string(),
        colour,
    };
    let share = |label: Cow<'a, str>, share: f64, colour| Bar {
        label,
        value: share,
        shown: format!("{:.1} %", share * 100.0),
        colour,
    };
    let severity = Severity::ALL
        .iter()
        .map(|sev| {
            let n = s.findings_by_severity.get(sev).copied().unwrap_or(0);
            count(t.sev(*sev), n, sev_colour(*sev))
        })
        .collect();
    let category = Category::ALL
        .iter()
        .map(|c| {
            let n = s.findings_by_category.get(c).copied().unwrap_or(0);
            count(t.cat(*c), n, "#3d5a80")
        })
        .collect();
    let mut suppliers: Vec<Bar> = s
        .suppliers
        .shares
        .iter()
        .take(8)
        .map(|sh| share(Cow::Borrowed(&sh.supplier), sh.share, "#5b7f95"))
        .collect();
    let shown: usize = s
        .suppliers
        .shares
        .iter()
        .take(8)
        .map(|x| x.components)
        .sum();
    if s.suppliers.with_supplier > shown {
        let rest = (s.suppliers.with_supplier - shown) as f64 / s.suppliers.with_supplier as f64;
        suppliers.push(share(t.t("chart.others").into(), rest, "#a0aec0"));
    }
    let chart = |id, key, bars| Chart {
        id,
        title: Cow::Borrowed(t.t(key)),
        bars,
    };
    Block::Charts(vec![
        chart("chart-severity", "chart.severity", severity),
        chart("chart-category", "chart.category", category),
        chart("chart-suppliers", "chart.suppliers", suppliers),
    ])
}

/// Counts, findings by severity and category, coverage of the SBOM's
/// fields, and supplier concentration.
fn summary<'a>(v: &'a View, t: Tr) -> Block<'a> {
    let s = &v.a.summary;
    let stats = Block::Stats {
        title: t.t("sum.components").into(),
        items: [
            ("sum.components", s.components),
            ("sum.direct", s.direct),
            ("sum.transitive", s.transitive),
            ("sum.directness_unknown", s.directness_unknown),
            ("sec.findings", s.findings),
            ("sum.not_evaluated", s.not_evaluated),
        ]
        .into_iter()
        .map(|(key, n)| (Cow::Borrowed(t.t(key)), n))
        .collect(),
    };

    let mut heads = vec![Head::new(t.t("severity"))];
    heads.extend(Category::ALL.iter().map(|c| Head::num(t.cat(*c))));
    heads.push(Head::num(t.t("sum.total")));
    let mut col_totals = [0usize; 5];
    let rows = v
        .severity_category
        .iter()
        .map(|(sev, counts)| {
            let mut cells = vec![Cell::head(vec![Inline::Badge(*sev)])];
            for (i, n) in counts.iter().enumerate() {
                col_totals[i] += n;
                cells.push(Cell::count(*n));
            }
            cells.push(Cell::num(counts.iter().sum()));
            cells.into()
        })
        .collect();
    let mut foot = vec![Cell::head(vec![Inline::Total(vec![label(
        t.t("sum.total"),
    )])])];
    foot.extend(col_totals.iter().map(|n| Cell::num(*n)));
    foot.push(Cell::with_class(
        "num",
        vec![Inline::Total(vec![num(s.findings)])],
    ));
    let counts = Block::Table(Table {
        id: None,
        class: "grid counts",
        heads,
        rows,
        foot: Some(foot.into()),
    });

    let coverage = Block::Table(Table {
        id: None,
        class: "grid",
        heads: vec![
            Head::new(t.t("field")),
            Head::num(t.t("sum.components")),
            Head {
                class: Some("meter-col"),
                content: vec![label("%")],
            },
        ],
        rows: v
            .coverage
            .iter()
            .map(|(key, share)| {
                vec![
                    Cell::one(label(t.t(key))),
                    Cell::with_class(
                        "num",
                        vec![label(format!("{} / {}", share.count, s.components))],
                    ),
                    Cell::with_class(
                        "meter-col",
                        vec![
                            Inline::Meter(share.percent),
                            label(format!("{:.1}", share.percent)),
                        ],
                    ),
                ]
                .into()
            })
            .collect(),
        foot: None,
    });

    let mut suppliers = vec![
        Block::heading(t.t("sum.suppliers")),
        Block::paragraph(vec![
            label(t.t("sum.hhi")),
            label(": "),
            Inline::Strong(vec![label(format!("{:.1}", s.suppliers.hhi))]),
            Inline::Wrap(" · "),
            Inline::Muted(vec![label(t.n2(
                "sum.with_supplier",
                s.suppliers.with_supplier,
                s.suppliers.components,
            ))]),
        ]),
    ];
    if !s.suppliers.shares.is_empty() {
        suppliers.push(table(
            "supplier-table",
            vec![
                Head::new(t.t("supplier")),
                Head::num(t.t("sum.components")),
                Head::num("%"),
            ],
            s.suppliers
                .shares
                .iter()
                .map(|sh| {
                    vec![
                        Cell::one(text(&sh.supplier)),
                        Cell::num(sh.components),
                        Cell::with_class("num", vec![label(format!("{:.1}", sh.share * 100.0))]),
                    ]
                    .into()
                })
                .collect(),
        ));
    }
    section(
        "summary",
        t,
        vec![
            stats,
            charts(v, t),
            Block::heading(t.t("sum.findings")),
            counts,
            Block::Columns(vec![
                vec![Block::heading(t.t("sum.coverage")), coverage],
                suppliers,
            ]),
        ],
    )
}

/// Review-measure factors against rule families, each cell linking to its findings.
fn matrix<'a>(v: &'a View, t: Tr) -> Block<'a> {
    let mut heads = vec![Head::new(t.t("matrix.factor"))];
    heads.extend(FAMILIES.iter().map(|f| Head {
        class: Some("num"),
        content: vec![
            Inline::Code(None, vec![label(*f)]),
            Inline::Wrap(" "),
            Inline::Muted(vec![label(t.family(f))]),
        ],
    }));
    let rows = v
        .matrix
        .iter()
        .map(|row| {
            let mut cells = vec![Cell::head(vec![
                Inline::Strong(vec![text(row.factor)]),
                Inline::Wrap(" "),
                Inline::Muted(vec![label(t.factor(row.factor))]),
            ])];
            cells.extend(row.cells.iter().map(|c| match c.findings.len() {
                0 => Cell::count(0),
                n => Cell::with_class(
                    "num hit",
                    vec![Inline::Link(c.anchor.clone(), vec![num(n)])],
                ),
            }));
            cells.into()
        })
        .collect();
    let mut items = Vec::new();
    for row in &v.matrix {
        for c in row.cells.iter().filter(|c| !c.findings.is_empty()) {
            let content = vec![
                Inline::Strong(vec![text(row.factor), label(" × "), text(c.family)]),
                label(": "),
                Inline::Findings(&c.findings),
            ];
            items.push((Some(c.anchor.clone()), content));
        }
    }
    section(
        "review-matrix",
        t,
        vec![
            Block::note(t.t("matrix.note")),
            Block::Table(Table {
                id: Some("review-matrix-table"),
                class: "grid matrix",
                heads,
                rows,
                foot: None,
            }),
            Block::heading(t.t("matrix.cells")),
            Block::List {
                class: "cells",
                items,
            },
        ],
    )
}

/// A finding's status: accepted by exception and its baseline state, or open.
fn finding_status<'a>(exception: bool, baseline: Option<BaselineState>, t: Tr) -> Vec<Status<'a>> {
    let mut status = Vec::new();
    if exception {
        status.push(Status {
            class: "accepted",
            label: t.t("exc.accepted").into(),
        });
    }
    if let Some(b) = baseline {
        status.push(Status {
            class: "baseline",
            label: t.baseline(b).into(),
        });
    }
    if status.is_empty() {
        status.push(Status {
            class: "open",
            label: t.t("status.open").into(),
        });
    }
    status
}

/// How many of a group's findings are open, accepted or known, in the
/// order their statuses first occur.
fn group_status<'a>(rows: &[&FindingRow], t: Tr) -> Vec<Status<'a>> {
    let mut counts: Vec<((bool, Option<BaselineState>), usize)> = Vec::new();
    for r in rows {
        let key = (r.exception.is_some(), r.baseline);
        match counts.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => *n += 1,
            None => counts.push((key, 1)),
        }
    }
    counts
        .into_iter()
        .map(|((exception, baseline), n)| {
            let parts = finding_status(exception, baseline, t);
            let label: Vec<&str> = parts.iter().map(|s| s.label.as_ref()).collect();
            Status {
                class: parts[0].class,
                label: format!("{} {n}", label.join(", ")).into(),
            }
        })
        .collect()
}

fn finding_entry<'a>(r: &'a FindingRow, t: Tr) -> FindingEntry<'a> {
    let f = r.finding;
    let mut facts = vec![
        (
            Cow::Borrowed(t.t("f.summary")),
            vec![Inline::Own(t.rule_summary(&f.rule).into())],
        ),
        (
            t.t("severity").into(),
            vec![
                label(t.sev(f.severity)),
                label(" · "),
                label(t.cat(f.category)),
            ],
        ),
    ];
    let purl = r.component.and_then(|c| c.purl.as_deref());
    if let Some(p) = purl {
        facts.push(("purl".into(), vec![code(Some("purl"), p)]));
    }
    if !r.path.is_empty() {
        // A long path's middle is left out (`PATH_END`): say how much.
        let path = match r.finding.path_omitted {
            Some(n) if r.path.len() > PATH_END => vec![
                Inline::Path(&r.path[..PATH_END]),
                label(" → "),
                Inline::Muted(vec![label(t.n("f.path_omitted", n.get() as usize))]),
                label(" → "),
                Inline::Path(&r.path[PATH_END..]),
            ],
            _ => vec![Inline::Path(&r.path)],
        };
        facts.push((t.t("f.path").into(), path));
    }
    if !r.thresholds.is_empty() {
        let mut ts = Vec::new();
        for (i, th) in r.thresholds.iter().enumerate() {
            if i > 0 {
                ts.push(label("; "));
            }
            ts.extend([code(None, th.key), label(" = "), text(&th.value)]);
            if th.default {
                ts.push(label(" "));
                ts.push(Inline::Muted(vec![label(format!(
                    "({})",
                    t.t("f.default")
                ))]));
            }
        }
        facts.push((t.t("f.threshold").into(), ts));
    }
    let exception = match r.exception {
        Some(e) => vec![
            label(t.t("exc.accepted")),
            label(" — "),
            text(&e.reason),
            label("; "),
            label(t.t("exc.owner")),
            label(": "),
            given(e.owner.as_deref()),
            label("; "),
            label(t.t("exc.expires")),
            label(": "),
            given(e.expires.as_deref()),
        ],
        None => vec![label(t.t("exc.none"))],
    };
    facts.push((t.t("f.exception").into(), exception));
    if let Some(b) = r.baseline {
        facts.push((t.t("f.baseline").into(), vec![label(t.baseline(b))]));
    }
    facts.push((
        t.t("f.fingerprint").into(),
        vec![Inline::Literal(Cow::Borrowed(&f.fingerprint))],
    ));
    let evidence = (!r.evidence.is_empty()).then(|| Table {
        id: None,
        class: "evidence",
        heads: heads(t, &["f.evidence", "value", "f.source", "f.fetched"]),
        rows: r
            .evidence
            .iter()
            .map(|e| {
                vec![
                    Cell::one(text(t.evidence_key(e.key))),
                    Cell::one(text(t.evidence_value(e.value))),
                    Cell::one(code(None, e.source)),
                    Cell::one(text(e.fetched.unwrap_or("—"))),
                ]
                .into()
            })
            .collect(),
        foot: None,
    });
    FindingEntry {
        number: r.number,
        severity: f.severity,
        rule: &f.rule,
        title: t.rule_name(&f.rule).into(),
        component: r.component_label(t).into(),
        purl,
        fingerprint: &f.fingerprint,
        status: finding_status(r.exception.is_some(), r.baseline, t),
        message: t.message(f),
        facts,
        evidence,
    }
}

fn group_entry<'a>(rg: &RuleGroup<'a, 'a>, t: Tr) -> GroupEntry<'a> {
    let (first, last) = (rg.rows[0], rg.rows[rg.rows.len() - 1]);
    GroupEntry {
        first: first.number,
        last: last.number,
        severity: first.finding.severity,
        rule: rg.rule,
        title: t.rule_name(rg.rule).into(),
        count: t.n("f.grouped", rg.rows.len()).into(),
        note: t.n(rg.note_key(), DETAILED_PER_RULE).into(),
        status: group_status(&rg.rows, t),
        example: t.message(first.finding),
        summary: t.rule_summary(rg.rule).into(),
        names: rg
            .rows
            .iter()
            .take(NAMED_PER_GROUP)
            .map(|r| (r.number, r.component_label(t).into()))
            .collect(),
        more: (rg.rows.len() > NAMED_PER_GROUP)
            .then(|| t.n("f.more", rg.rows.len() - NAMED_PER_GROUP).into()),
    }
}

/// The findings, most severe first; a rule's findings past the first ones
/// and widespread rules' findings grouped.
fn findings<'a>(v: &'a View, t: Tr) -> Block<'a> {
    if v.groups.is_empty() {
        return section(
            "findings",
            t,
            vec![Block::paragraph(vec![label(t.t("findings.none"))])],
        );
    }
    let groups = v
        .groups
        .iter()
        .map(|g| {
            let (single, grouped) = g.split(&v.widespread);
            FindingGroup {
                severity: g.severity,
                count: g.rows.len(),
                single: single.into_iter().map(|r| finding_entry(r, t)).collect(),
                grouped: grouped.iter().map(|rg| group_entry(rg, t)).collect(),
            }
        })
        .collect();
    section("findings", t, vec![Block::Findings(groups)])
}
