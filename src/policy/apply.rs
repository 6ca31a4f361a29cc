//! Applying a policy to what the rules found, in one fixed order: rules
//! switched off, scopes, severity overrides, exceptions, baseline.

use rustc_hash::FxHashSet;
use std::collections::BTreeMap;

use super::exceptions::{ExceptionIndex, Target, normalise};
use super::{Baseline, LoadedPolicy, Policy, RuleScope};
use crate::model::{
    BaselineInfo, BaselineState, Evidence, EvidenceSource, ExceptionMark, ExceptionReport,
    ExceptionState, Finding, Inventory, PolicyInfo, RulePolicy, Severity, ThresholdSetting,
};
use crate::rules::{Evaluation, Threshold, Thresholds};

/// Applies the policy and the baseline to `eval` in place and returns what
/// the report says about them.
pub fn apply(
    loaded: &LoadedPolicy,
    inv: &Inventory,
    eval: &mut Evaluation,
    baseline: Option<&Baseline>,
    today: jiff::civil::Date,
) -> (PolicyInfo, Option<BaselineInfo>) {
    let policy = &loaded.policy;
    let mut adjustments = rule_adjustments(policy);
    apply_scopes(policy, inv, eval, &mut adjustments);
    let severity_changed = apply_severities(policy, eval);
    let exception_reports = apply_exceptions(policy, inv, eval, today);
    let baseline_info = baseline.map(|b| mark_baseline(b, eval));

    // Overrides changed severities: restore the rules' order, most severe first.
    if severity_changed {
        // The key ends with the fingerprint: equal keys are equal findings, so unstable is fine.
        eval.findings.sort_unstable_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.rule.cmp(&b.rule))
                .then_with(|| a.component.cmp(&b.component))
                .then_with(|| a.fingerprint.cmp(&b.fingerprint))
        });
    }

    let info = PolicyInfo {
        file: loaded.file.clone(),
        sha256: loaded.sha256.clone(),
        exceptions: exception_reports,
        rules: adjustments.into_values().collect(),
        thresholds: threshold_settings(&policy.thresholds),
    };
    (info, baseline_info)
}

/// The thresholds set off their defaults, described as the reports write them.
fn threshold_settings(thresholds: &Thresholds) -> Vec<ThresholdSetting> {
    let defaults = Thresholds::default();
    Threshold::ALL
        .into_iter()
        .filter(|&k| thresholds.describe(k) != defaults.describe(k))
        .map(|k| ThresholdSetting {
            key: k.key().to_string(),
            value: thresholds.describe(k),
        })
        .collect()
}

/// What the report says of each rule the policy sets off its defaults,
/// counts at zero.
fn rule_adjustments(policy: &Policy) -> BTreeMap<&str, RulePolicy> {
    policy
        .rules
        .iter()
        .filter(|(_, s)| **s != super::RuleSettings::default())
        .map(|(id, s)| {
            (
                id.as_str(),
                RulePolicy {
                    rule: id.clone(),
                    enabled: s.enabled,
                    severity: s.severity,
                    scope: s.scope.as_str().to_string(),
                    removed: 0,
                    unknown_directness: 0,
                },
            )
        })
        .collect()
}

/// Steps 1–2: rules switched off or scoped to nothing lose their findings
/// and their known unknowns; `direct` / `transitive` keep what is in scope.
fn apply_scopes(
    policy: &Policy,
    inv: &Inventory,
    eval: &mut Evaluation,
    adjustments: &mut BTreeMap<&str, RulePolicy>,
) {
    let dropped = |rule: &str| {
        let s = policy.rules.get(rule);
        s.is_some_and(|s| !s.enabled || s.scope == RuleScope::None)
    };
    eval.not_evaluated.retain(|n| !dropped(&n.rule));
    eval.findings.retain_mut(|f| {
        // Rules at their default settings have no entry: nothing to change.
        let Some(adj) = adjustments.get_mut(f.rule.as_str()) else {
            return true;
        };
        let settings = &policy.rules[f.rule.as_str()];
        if dropped(&f.rule) {
            adj.removed += 1;
            return false;
        }
        let want_direct = match settings.scope {
            RuleScope::All | RuleScope::None => return true,
            RuleScope::Direct => true,
            RuleScope::Transitive => false,
        };
        // Scopes judge components; document and product findings stay.
        let Some(c) = f.component.and_then(|id| inv.components.get(id)) else {
            return true;
        };
        let direct = if c.root { Some(true) } else { c.direct };
        match direct {
            Some(d) if d == want_direct => true,
            Some(_) => {
                adj.removed += 1;
                false
            }
            None => {
                // Unknown directness: kept, so a scope never hides what it cannot place.
                adj.unknown_directness += 1;
                f.evidence.push(Evidence::new(
                    "scope",
                    format!(
                        "kept under scope {}: the inputs do not say whether the component is a direct dependency",
                        settings.scope.as_str()
                    ),
                    EvidenceSource::policy(),
                ));
                true
            }
        }
    });
}

/// Step 3, severities: a listed entry's own severity for CON-06, else the
/// rule's override. True when a finding's severity changed.
fn apply_severities(policy: &Policy, eval: &mut Evaluation) -> bool {
    let listed = &policy.thresholds.lists.listed;
    // Most policies change no severity: then no finding needs a look.
    if policy.rules.values().all(|s| s.severity.is_none())
        && listed.iter().all(|l| l.severity.is_none())
    {
        return false;
    }
    let mut severity_changed = false;
    for f in &mut eval.findings {
        let from_entry = (f.rule == "CON-06")
            .then(|| listed_entry(f).and_then(|i| listed.get(i)?.severity))
            .flatten();
        if let Some(sev) = from_entry.or_else(|| policy.rules.get(&f.rule)?.severity) {
            severity_changed |= f.severity != sev;
            f.severity = sev;
        }
    }
    severity_changed
}

/// Step 4, exceptions: marks each finding with the first matching exception
/// in force and reports every exception with its matches and state.
fn apply_exceptions(
    policy: &Policy,
    inv: &Inventory,
    eval: &mut Evaluation,
    today: jiff::civil::Date,
) -> Vec<ExceptionReport> {
    let exceptions = &policy.exceptions;
    if exceptions.is_empty() {
        return Vec::new();
    }
    let index = ExceptionIndex::new(exceptions);
    let mut matched = vec![0usize; exceptions.len()];
    let mut keys: Vec<Option<String>> = vec![None; inv.components.len()];
    for f in &mut eval.findings {
        let component = f.component.and_then(|id| inv.components.get(id));
        let package = component.map(|c| {
            keys[c.id]
                .get_or_insert_with(|| normalise(&c.versionless_key()))
                .as_str()
        });
        let target = Target {
            rule: &f.rule,
            package,
            version: component.and_then(|c| c.version.as_deref()),
        };
        let mut applied = false;
        for e in index.matches(&target) {
            // Every exception that matches counts, so one shadowed by an
            // earlier entry is not reported "unused" and deleted by mistake;
            // the finding names the first one in force.
            matched[e.index] += 1;
            if !e.expired(today) && !applied {
                applied = true;
                f.exception = Some(Box::new(ExceptionMark {
                    index: e.index,
                    reason: e.reason.clone(),
                    owner: e.owner.clone(),
                    expires: e.expires.map(|d| d.to_string()),
                }));
            }
        }
    }
    exceptions
        .iter()
        .map(|e| ExceptionReport {
            index: e.index,
            rule: e.rule.clone(),
            package: e.package.clone(),
            versions: e.versions.as_ref().map(|(raw, _)| raw.clone()),
            reason: e.reason.clone(),
            owner: e.owner.clone(),
            expires: e.expires.map(|d| d.to_string()),
            state: if e.expired(today) {
                ExceptionState::Expired
            } else if matched[e.index] > 0 {
                ExceptionState::Applied
            } else {
                ExceptionState::Unused
            },
            matched: matched[e.index],
            location: Some(e.location.clone()),
        })
        .collect()
}

/// Step 5, baseline: marks each finding new or known and counts the
/// baseline's findings no longer present.
fn mark_baseline(b: &Baseline, eval: &mut Evaluation) -> BaselineInfo {
    let (mut new, mut known) = (0, 0);
    let mut present: FxHashSet<&str> =
        FxHashSet::with_capacity_and_hasher(eval.findings.len(), Default::default());
    for f in &mut eval.findings {
        let state = if b.fingerprints.contains(&f.fingerprint) {
            known += 1;
            BaselineState::Known
        } else {
            new += 1;
            BaselineState::New
        };
        f.baseline = Some(state);
    }
    for f in &eval.findings {
        present.insert(&f.fingerprint);
    }
    BaselineInfo {
        file: b.file.clone(),
        generated_at: b.generated_at.clone(),
        new,
        known,
        resolved: b
            .fingerprints
            .iter()
            .filter(|fp| !present.contains(fp.as_str()))
            .count(),
    }
}

/// The `[[listed]]` entry a CON-06 finding came from (its evidence names it).
fn listed_entry(f: &Finding) -> Option<usize> {
    f.evidence
        .iter()
        .find(|e| e.key == crate::rules::config::LISTED_ENTRY_KEY)
        .and_then(|e| {
            e.value
                .split_whitespace()
                .next()?
                .trim_start_matches('#')
                .parse()
                .ok()
        })
}

/// The worst severity that counts for `--fail-on`: accepted findings never
/// count, and with `only_new` neither do findings known to the baseline.
pub fn gating_worst(findings: &[Finding], only_new: bool) -> Option<Severity> {
    gating(findings, only_new).map(|f| f.severity).max()
}

/// The findings that count for `--fail-on` (see [`gating_worst`]).
pub fn gating(findings: &[Finding], only_new: bool) -> impl Iterator<Item = &Finding> {
    findings
        .iter()
        .filter(|f| f.exception.is_none())
        .filter(move |f| !only_new || f.baseline != Some(BaselineState::Known))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Component;
    use crate::rules::testing::{NOW, inventory};

    fn run(policy: &str, baseline: Option<&Baseline>) -> (Evaluation, PolicyInfo) {
        let mut a = Component::named("a");
        let _ = a.set_purl("pkg:npm/a@1.0.0");
        a.direct = Some(true);
        let mut b = Component::named("b");
        let _ = b.set_purl("pkg:npm/b@2.0.0");
        b.direct = Some(false);
        let inv = inventory(vec![a, b]);
        let loaded = LoadedPolicy {
            policy: super::super::parse(policy, "p.toml").unwrap(),
            ..LoadedPolicy::defaults()
        };
        let mut eval = crate::rules::evaluate(&inv, &loaded.policy.thresholds, NOW, None);
        let today = jiff::civil::date(2026, 11, 24);
        let (info, _) = apply(&loaded, &inv, &mut eval, baseline, today);
        (eval, info)
    }

    #[test]
    fn steps_compose_in_order() {
        let (eval, info) = run(
            r#"
[rules.DEL-01]
severity = "critical"
scope = "transitive"
[rules.SBM-01]
enabled = false
[[exception]]
rule = "DEL-01"
package = "pkg:npm/b"
reason = "accepted"
[[exception]]
rule = "SBM-01"
package = "pkg:npm/a"
reason = "the rule is off: nothing to accept"
"#,
            None,
        );
        let del01: Vec<&Finding> = eval
            .findings
            .iter()
            .filter(|f| f.rule == "DEL-01")
            .collect();
        // Scope left b only; its severity is overridden and the exception accepts it.
        assert_eq!(del01.len(), 1);
        assert_eq!(del01[0].component, Some(1));
        assert_eq!(del01[0].severity, Severity::Critical);
        assert_eq!(del01[0].exception.as_ref().unwrap().index, 0);
        assert!(eval.findings.iter().all(|f| f.rule != "SBM-01"));
        assert!(eval.not_evaluated.iter().all(|n| n.rule != "SBM-01"));
        assert_eq!(info.exceptions[0].state, ExceptionState::Applied);
        assert_eq!(info.exceptions[1].state, ExceptionState::Unused);
        // Accepted findings do not gate; the most severe other one does.
        assert!(gating_worst(&eval.findings, false) < Some(Severity::Critical));
        assert!(
            eval.findings
                .windows(2)
                .all(|w| w[0].severity >= w[1].severity),
            "still most severe first"
        );
    }

    #[test]
    fn a_second_matching_exception_is_applied_not_unused() {
        let (eval, info) = run(
            r#"
[[exception]]
rule = "DEL-01"
package = "pkg:npm/b"
reason = "first"
[[exception]]
rule = "DEL-01"
package = "pkg:npm/b*"
reason = "second, shadowed by the first on the same finding"
"#,
            None,
        );
        let del01 = eval
            .findings
            .iter()
            .find(|f| f.rule == "DEL-01" && f.component == Some(1))
            .unwrap();
        assert_eq!(del01.exception.as_ref().unwrap().index, 0);
        assert_eq!(info.exceptions[1].state, ExceptionState::Applied);
        assert_eq!(info.exceptions[1].matched, 1);
    }

    #[test]
    fn baseline_marks_and_only_new_gates() {
        let (first, _) = run("", None);
        let known = Baseline {
            fingerprints: first
                .findings
                .iter()
                .filter(|f| f.component == Some(0))
                .map(|f| f.fingerprint.clone())
                .collect(),
            ..Baseline::default()
        };
        let (eval, _) = run("", Some(&known));
        for f in &eval.findings {
            let want = if f.component == Some(0) {
                BaselineState::Known
            } else {
                BaselineState::New
            };
            assert_eq!(f.baseline, Some(want), "{}", f.message);
        }
        let new_worst = eval
            .findings
            .iter()
            .filter(|f| f.component != Some(0))
            .map(|f| f.severity)
            .max();
        assert_eq!(gating_worst(&eval.findings, true), new_worst);
    }
}
