//! What-if analysis by re-assessing: the deal's scenarios side by side, the points each
//! missing mitigation would remove, and the fewest mitigations that change the verdict.
//! Nothing here is estimated: every figure is a full assessment of a changed deal.

use crate::engine::Detail;
use crate::engine::assess::assess_resolved;
use crate::engine::condition::{Memo, Owner};
use crate::engine::deal_check::Loaded;
use crate::engine::evaluate::assess_with;
use crate::engine::unknowns::{candidates, worst_case};
use crate::input::diagnostic::nearest;
use crate::model::deal::{Deal, DeclaredMitigation};
use crate::model::report::{AreaBrief, Leverage, Report, ScenarioResult, VerdictChange};
use crate::pack::{Mitigation, RulePack};
use anyhow::{Result, bail};
use std::collections::BTreeSet;

/// Most mitigations tried together when looking for a change of verdict.
const MOST_COMBINED: usize = 4;
/// Only the mitigations that remove most points on their own are combined.
const CANDIDATES: usize = 8;

/// How much what-if analysis a report gets: scenarios are always compared (one assessment
/// each); leverage, open-question answers and the verdict change re-assess the deal dozens of
/// times and are left out where the output does not show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WhatIf {
    Full,
    ScenariosOnly,
}

/// The report of the deal (or of one of its scenarios) with the what-if sections filled in.
pub fn report(file: &str, loaded: &Loaded, pack: &RulePack, scenario: Option<&str>, what_if: WhatIf) -> Result<Report> {
    report_with(file, loaded, pack, scenario, what_if, &Memo::default())
}

/// `report`, with the memo its assessments share (`Memo::off()` evaluates every expression).
pub fn report_with(
    file: &str,
    loaded: &Loaded,
    pack: &RulePack,
    scenario: Option<&str>,
    what_if: WhatIf,
    memo: &Memo,
) -> Result<Report> {
    let deal = match scenario {
        None => &loaded.deal,
        Some(name) => {
            let names: Vec<&str> = loaded
                .deal
                .scenarios
                .iter()
                .map(|s| s.name.get_ref().as_str())
                .collect();
            match names.iter().position(|n| *n == name) {
                Some(i) => &loaded.scenarios[i],
                None => {
                    let hint = match nearest(name, names.iter().copied()) {
                        Some(n) => format!("; did you mean `{n}`?"),
                        None if names.is_empty() => "; it defines none".to_string(),
                        None => format!("; it defines {}", names.join(", ")),
                    };
                    bail!("{file}: no scenario `{name}`{hint}");
                }
            }
        }
    };
    // Every figure below is of the deal with its unknowns at their costliest answers, as the
    // report's own score is.
    let resolved = worst_case(file, deal, pack, memo)?;
    let mut report = assess_resolved(file, deal, &resolved, pack, memo)?;
    crate::input::locate::locate_findings(&loaded.source, &mut report);
    if scenario.is_none() {
        for (meta, variant) in loaded.deal.scenarios.iter().zip(&loaded.scenarios) {
            let variant = worst_case(file, variant, pack, memo)?;
            let other = assess_with(file, &variant.deal, pack, Detail::Scores, memo)?;
            report.scenarios.push(compare(&report, &other, meta));
        }
    }
    if what_if == WhatIf::Full {
        report.leverage = leverage(file, &resolved.deal, &report, pack, memo)?;
        answer_questions(file, deal, &resolved.deal, &mut report, pack, memo)?;
        report.verdict_change = verdict_change(file, &resolved.deal, &report, pack, memo)?;
    }
    Ok(report)
}

/// For each open question, the score each possible answer would give, the other unknowns
/// staying at their assumed answers.
fn answer_questions(
    file: &str,
    written: &Deal,
    resolved: &Deal,
    report: &mut Report,
    pack: &RulePack,
    memo: &Memo,
) -> Result<()> {
    let now = i64::from(report.residual.score);
    let risk_now = total_risk(report);
    let written = serde_json::to_value(written)?;
    let as_assessed = serde_json::to_value(resolved)?;
    for q in &mut report.open_questions {
        for answer in candidates(&written, &q.path) {
            let set = [(q.path.clone(), answer.clone())];
            // An answer the field cannot take here (a count for a list) is not offered.
            let Ok(tried) = crate::input::overlay::variant(resolved, set.iter().map(|(k, v)| (k, v)), &[]) else {
                continue;
            };
            // The answer the report's score already assumed changes nothing: the report is its
            // assessment.
            let (change, risk_change, residual) =
                if crate::engine::condition::same(&serde_json::to_value(&tried)?, &as_assessed) {
                    (0, 0, report.residual.clone())
                } else {
                    let after = assess_with(file, &tried, pack, Detail::Residual, memo)?;
                    let risk_change = total_risk(&after) - risk_now;
                    (i64::from(after.residual.score) - now, risk_change, after.residual)
                };
            q.answers.push(crate::model::report::AnswerImpact {
                answer: answer.to_string(),
                change,
                risk_change,
                residual,
            });
        }
    }
    Ok(())
}

fn total_risk(report: &Report) -> i64 {
    report.findings.iter().map(|f| i64::from(f.residual_risk)).sum()
}

fn fired(report: &Report) -> BTreeSet<&str> {
    report.findings.iter().map(|f| f.rule.as_str()).collect()
}

fn compare(base: &Report, other: &Report, meta: &crate::model::deal::Scenario) -> ScenarioResult {
    let (before, after) = (fired(base), fired(other));
    ScenarioResult {
        name: meta.name.get_ref().clone(),
        title: meta.title.clone(),
        description: meta.description.clone(),
        residual: other.residual.clone(),
        verdict: other.verdict.clone(),
        change: i64::from(other.residual.score) - i64::from(base.residual.score),
        areas: other
            .areas
            .iter()
            .map(|a| AreaBrief {
                id: a.id.clone(),
                score: a.score,
            })
            .collect(),
        appeared: after.difference(&before).map(|r| r.to_string()).collect(),
        disappeared: before.difference(&after).map(|r| r.to_string()).collect(),
    }
}

/// The deal with `mitigations` tried on it: each one's `apply` overlay, or else declared.
fn with_mitigations(deal: &Deal, mitigations: &[&Mitigation]) -> Result<Deal> {
    let set: Vec<(&String, &toml::Value)> = mitigations.iter().flat_map(|m| m.apply.iter()).collect();
    let declared: Vec<DeclaredMitigation> = mitigations
        .iter()
        .filter(|m| m.apply.is_empty())
        .map(|m| DeclaredMitigation {
            id: toml::Spanned::new(0..0, m.id.clone()),
            evidence: Some("proposed by dealrisk's leverage analysis".to_string()),
        })
        .collect();
    crate::input::overlay::variant(deal, set, &declared)
}

fn applied_as(m: &Mitigation) -> String {
    if m.apply.is_empty() {
        return "declared, with evidence".to_string();
    }
    let sets: Vec<String> = m
        .apply
        .iter()
        .map(|(path, value)| format!("{path} = {value}"))
        .collect();
    sets.join(", ")
}

/// Mitigations the pack knows that are not in effect and that this deal could take.
fn missing<'p>(deal: &Deal, report: &Report, pack: &'p RulePack) -> Result<Vec<&'p Mitigation>> {
    let in_effect: BTreeSet<&str> = report.mitigations.iter().map(|m| m.id.as_str()).collect();
    let json = serde_json::to_value(deal)?;
    let scope = crate::engine::condition::Scope::new().with("deal", &json, crate::engine::condition::Ints::Unsigned);
    let mut out = Vec::new();
    for m in pack.mitigations.values().filter(|m| !in_effect.contains(m.id.as_str())) {
        let applies = match &m.applies_when {
            Some(when) => scope
                .condition(when, Owner::new("mitigation", &m.id))
                .map_err(|e| pack.locate(e, "the deal"))?,
            None => true,
        };
        if applies {
            out.push(m);
        }
    }
    Ok(out)
}

fn leverage(file: &str, deal: &Deal, report: &Report, pack: &RulePack, memo: &Memo) -> Result<Vec<Leverage>> {
    let mut out = Vec::new();
    for m in missing(deal, report, pack)? {
        // A mitigation whose overlay does not fit this deal cannot be tried on it.
        let Ok(tried) = with_mitigations(deal, &[m]) else {
            continue;
        };
        let after = assess_with(file, &tried, pack, Detail::Residual, memo)?;
        out.push(Leverage {
            mitigation: m.id.clone(),
            title: m.title.clone(),
            applied_as: applied_as(m),
            points_removed: i64::from(report.residual.score) - i64::from(after.residual.score),
            risk_removed: total_risk(report) - total_risk(&after),
            residual: after.residual,
            verdict: after.verdict,
        });
    }
    out.sort_by(|a, b| {
        (b.points_removed, b.risk_removed)
            .cmp(&(a.points_removed, a.risk_removed))
            .then_with(|| a.mitigation.cmp(&b.mitigation))
    });
    Ok(out)
}

/// The smallest set, among the mitigations that help most alone, that moves the deal into a
/// lower band; among sets of one size, the one with the lowest score, then the first by rank.
fn verdict_change(
    file: &str,
    deal: &Deal,
    report: &Report,
    pack: &RulePack,
    memo: &Memo,
) -> Result<Option<VerdictChange>> {
    let band = |score: &crate::model::report::Score| pack.scoring.bands.iter().position(|b| b.id == score.band);
    let now = band(&report.residual);
    let candidates: Vec<&Mitigation> = report
        .leverage
        .iter()
        .filter(|l| l.points_removed > 0 || (l.points_removed == 0 && l.risk_removed > 0))
        .take(CANDIDATES)
        .filter_map(|l| pack.mitigations.get(&l.mitigation))
        .collect();
    // Each candidate alone was assessed for the leverage table: read, not re-assessed.
    let alone = report
        .leverage
        .iter()
        .filter(|l| candidates.iter().any(|m| m.id == l.mitigation))
        .filter(|l| band(&l.residual) < now)
        .fold(None::<&Leverage>, |best, l| match best {
            Some(b) if b.residual.score <= l.residual.score => Some(b),
            _ => Some(l),
        });
    if let Some(l) = alone {
        return Ok(Some(VerdictChange {
            mitigations: vec![l.mitigation.clone()],
            residual: l.residual.clone(),
            verdict: l.verdict.clone(),
        }));
    }
    for size in 2..=MOST_COMBINED.min(candidates.len()) {
        let mut best: Option<(Vec<&Mitigation>, Report)> = None;
        for set in combinations(&candidates, size) {
            let Ok(tried) = with_mitigations(deal, &set) else {
                continue;
            };
            let after = assess_with(file, &tried, pack, Detail::Residual, memo)?;
            let better = band(&after.residual) < now;
            if better
                && best
                    .as_ref()
                    .is_none_or(|(_, b)| after.residual.score < b.residual.score)
            {
                best = Some((set, after));
            }
        }
        if let Some((set, after)) = best {
            return Ok(Some(VerdictChange {
                mitigations: set.iter().map(|m| m.id.clone()).collect(),
                residual: after.residual,
                verdict: after.verdict,
            }));
        }
    }
    Ok(None)
}

/// Every way to choose `size` items of `items`, in order.
fn combinations<'a, T>(items: &[&'a T], size: usize) -> Vec<Vec<&'a T>> {
    if size == 0 {
        return vec![Vec::new()];
    }
    let mut out = Vec::new();
    for (i, first) in items.iter().enumerate() {
        for mut rest in combinations(&items[i + 1..], size - 1) {
            rest.insert(0, *first);
            out.push(rest);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::combinations;

    #[test]
    fn chooses_every_subset_of_a_size_once() {
        let items = [&1, &2, &3, &4];
        let pairs = combinations(&items, 2);
        assert_eq!(pairs.len(), 6);
        assert_eq!(pairs[0], vec![&1, &2]);
        assert_eq!(combinations(&items, 4).len(), 1);
    }
}
