//! The findings a deal raises before scoring: one for each sensitive category present, one for
//! each rule whose condition holds, in the words of the category or rule; then the
//! mitigations in effect applied to each.

use super::Detail;
use crate::engine::condition::{Ints, Owner, Scope};
use crate::engine::facts::Derived;
use crate::model::facts::InEffect;
use crate::model::paths::{self, Cited};
use crate::model::report::*;
use crate::pack::{LevelSpec, RulePack};
use anyhow::Result;
use serde_json::Value;

/// A finding before mitigations and scoring.
pub(super) struct Raw {
    pub(super) rule: String,
    /// The rule's rank among the pack's finding ids (`Rule::rank`).
    pub(super) rank: u32,
    pub(super) title: String,
    pub(super) area: String,
    pub(super) problem: String,
    pub(super) harms: Vec<String>,
    pub(super) flag: Option<String>,
    pub(super) blocking: bool,
    pub(super) severity: u8,
    pub(super) likelihood: u8,
    pub(super) message: String,
    pub(super) why: Vec<Cited>,
    pub(super) recommendation: String,
}

/// One finding per sensitive category present, at the severity of its weight and the
/// likelihood of its strongest presence; its words and citations only in a full report.
pub(super) fn category_findings(derived: &Derived, pack: &RulePack, detail: Detail) -> Vec<Raw> {
    derived
        .facts
        .categories
        .iter()
        .map(|id| {
            let category = &pack.categories[id];
            let presences: Vec<_> = derived.presence.iter().filter(|p| &p.category == id).collect();
            let likelihood = presences.iter().map(|p| p.likelihood).max().unwrap_or(1);
            let (message, why) = match detail {
                Detail::Full => category_words(category, &presences),
                Detail::Scores | Detail::Residual => (String::new(), Vec::new()),
            };
            Raw {
                rule: category.rule.clone(),
                rank: category.rank,
                title: words(detail, &category.title),
                area: pack.scoring.category_area.clone(),
                problem: category.problem.clone(),
                harms: words(detail, &pack.problems[&category.problem].harms),
                flag: None,
                blocking: false,
                severity: pack.weight_severity(category.weight),
                likelihood,
                message,
                why,
                recommendation: words(detail, &category.recommendation),
            }
        })
        .collect()
}

/// A category finding's message (how each presence was found) and the fields it cites.
fn category_words(
    category: &crate::pack::Category,
    presences: &[&crate::model::facts::Presence],
) -> (String, Vec<Cited>) {
    let how: Vec<String> = presences
        .iter()
        .map(|p| match p.by.as_str() {
            "declared" => format!("declared in dataset `{}`", p.dataset),
            "observed" => {
                let seen = p.because.first().and_then(|c| c.value.as_str()).unwrap_or("");
                format!("seen in the sample of dataset `{}`: {seen}", p.dataset)
            }
            by => format!("inferred in dataset `{}` by {by}", p.dataset),
        })
        .collect();
    let mut why: Vec<Cited> = Vec::new();
    for cited in presences.iter().flat_map(|p| p.because.iter()) {
        if !why.contains(cited) {
            why.push(cited.clone());
        }
    }
    let message = format!(
        "{} (weight {}; {}): {}",
        category.name,
        category.weight,
        category.basis,
        how.join("; ")
    );
    (message, why)
}

pub(super) fn rule_findings(
    deal_json: &Value,
    root: &Scope,
    derived: &Derived,
    pack: &RulePack,
    detail: Detail,
) -> Result<Vec<Raw>> {
    let scope = root.child().with("facts", &derived.json, Ints::Signed).with(
        "mitigations",
        &derived.json["mitigations"],
        Ints::Signed,
    );
    let mut out = Vec::new();
    for rule in pack.rules.values() {
        let owner = Owner::new("rule", &rule.id);
        if !scope.condition(&rule.when, owner)? {
            continue;
        }
        let level = |spec: &LevelSpec| -> Result<u8> {
            match spec {
                LevelSpec::Fixed(n) => Ok(*n),
                LevelSpec::Computed(expr) => {
                    let n = scope.integer(expr, owner)?;
                    u8::try_from(n).ok().filter(|n| (1..=4).contains(n)).ok_or_else(|| {
                        owner.error(
                            expr,
                            format!("`{}` gave {n}, expected a level from 1 to 4", expr.as_str()),
                        )
                    })
                }
            }
        };
        let message = match &rule.message {
            _ if detail != Detail::Full => String::new(),
            Some(expr) => scope.text(expr, owner)?,
            None => rule.title.clone(),
        };
        let harms = if rule.harms.is_empty() {
            &pack.problems[&rule.problem].harms
        } else {
            &rule.harms
        };
        out.push(Raw {
            rule: rule.id.clone(),
            rank: rule.rank,
            title: words(detail, &rule.title),
            area: rule.area.clone(),
            problem: rule.problem.clone(),
            harms: words(detail, harms),
            flag: rule.flag.clone(),
            blocking: rule.blocking,
            severity: level(&rule.severity)?,
            likelihood: level(&rule.likelihood)?,
            message,
            why: match detail {
                Detail::Full => rule.because.iter().flat_map(|p| paths::cite(deal_json, p)).collect(),
                Detail::Scores | Detail::Residual => Vec::new(),
            },
            recommendation: words(detail, &rule.recommendation),
        });
    }
    Ok(out)
}

/// A finding's words (its title, harms, recommendation), which only a full report shows: the
/// searches' variants leave them empty rather than copy them from the pack.
fn words<T: Clone + Default>(detail: Detail, words: &T) -> T {
    match detail {
        Detail::Full => words.clone(),
        Detail::Scores | Detail::Residual => T::default(),
    }
}

/// Residual levels: each declared mitigation lowers a dimension once (its strongest matching
/// effect), an asserted one (no evidence) by `asserted_factor` rounded down, and the total
/// reduction of each dimension is capped.
pub(super) fn mitigate(raw: Raw, in_effect: &[InEffect], pack: &RulePack) -> Finding {
    let s = &pack.scoring;
    let mut applied = Vec::new();
    for m in in_effect {
        let targets = |e: &&crate::pack::Effect| {
            e.rules.contains(&raw.rule) || e.areas.contains(&raw.area) || e.problems.contains(&raw.problem)
        };
        let matching: Vec<_> = pack.mitigations[&m.id].effects.iter().filter(targets).collect();
        if matching.is_empty() {
            continue;
        }
        let scale = |n: u8| {
            if m.asserted {
                (f64::from(n) * s.asserted_factor).floor() as u8
            } else {
                n
            }
        };
        let likelihood = scale(matching.iter().map(|e| e.likelihood).max().unwrap_or(0));
        let severity = scale(matching.iter().map(|e| e.severity).max().unwrap_or(0));
        applied.push(AppliedMitigation {
            id: m.id.clone(),
            likelihood,
            severity,
            asserted: m.asserted,
        });
    }
    let cut = |total: u32| total.min(u32::from(s.mitigation_cap)) as u8;
    let dl = cut(applied.iter().map(|m| u32::from(m.likelihood)).sum());
    let ds = cut(applied.iter().map(|m| u32::from(m.severity)).sum());
    let residual_likelihood = raw.likelihood.saturating_sub(dl).max(1);
    let residual_severity = raw.severity.saturating_sub(ds).max(1);
    Finding {
        rule: raw.rule,
        title: raw.title,
        area: raw.area,
        problem: raw.problem,
        harms: raw.harms,
        blocking: raw.blocking,
        severity: raw.severity,
        residual_severity_level: pack.level_name(residual_severity).to_string(),
        likelihood: raw.likelihood,
        inherent_risk: raw.severity * raw.likelihood,
        residual_severity,
        residual_likelihood,
        residual_risk: residual_severity * residual_likelihood,
        points: 0,
        covered_by: None,
        mitigations: applied,
        message: raw.message,
        why: raw.why,
        recommendation: raw.recommendation,
        location: None,
        alone: Score::default(),
        waived: None,
        baseline: None,
    }
}
