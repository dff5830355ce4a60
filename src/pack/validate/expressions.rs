//! The pack's expressions checked before any deal is read: each within the evaluation budget,
//! each literal it compares a field with one the field can take, and no predicate reading
//! another or named like a fact.

use super::problems::Problems;
use crate::pack::rule_pack::RulePack;

/// Every expression of the pack, checked.
pub(super) fn check(pack: &RulePack, p: &mut Problems) {
    let domains = crate::pack::reach::Domains::of(pack);
    let mut literals = |section: &'static str, id: &str, field: &str, expr: Option<&crate::pack::expr::Expr>| {
        let Some(expr) = expr else { return };
        let steps = crate::pack::cost::steps(expr);
        if steps > crate::pack::cost::BUDGET {
            p.at(
                section,
                id,
                field,
                format!(
                    "{section} `{id}`: evaluating this may take {steps} steps on one deal (lists iterated within lists); at most {} are allowed: iterate over fewer lists at once, or compute part of it in a predicate",
                    crate::pack::cost::BUDGET
                ),
            );
        }
        for (needle, problem) in domains.check(expr) {
            p.at_text(
                section,
                id,
                field,
                Some(&needle),
                format!("{section} `{id}`: {problem}"),
            );
        }
    };
    for r in pack.rules.values() {
        literals("rule", &r.id, "when", Some(&r.when));
        literals("rule", &r.id, "message", r.message.as_ref());
        for (field, level) in [("severity", &r.severity), ("likelihood", &r.likelihood)] {
            if let crate::pack::expr::LevelSpec::Computed(e) = level {
                literals("rule", &r.id, field, Some(e));
            }
        }
    }
    for i in pack.inferences.values() {
        literals("inference", &i.id, "when", i.when.as_ref());
    }
    for d in pack.drift_modifiers.values() {
        literals("drift_modifier", &d.id, "when", Some(&d.when));
    }
    for m in pack.mitigations.values() {
        literals("mitigation", &m.id, "implied_by", m.implied_by.as_ref());
        literals("mitigation", &m.id, "applies_when", m.applies_when.as_ref());
    }
    for pr in pack.predicates.values() {
        literals("predicate", &pr.id, "when", Some(&pr.when));
    }
    predicate_names(pack, p);
}

/// Predicates are evaluated together into `facts`, after every other fact: one cannot read
/// another, and none may hide a fact of the same name.
fn predicate_names(pack: &RulePack, p: &mut Problems) {
    let fact_names: Vec<String> = serde_json::to_value(crate::model::facts::Facts::default())
        .ok()
        .and_then(|v| v.as_object().map(|o| o.keys().cloned().collect()))
        .unwrap_or_default();
    for pr in pack.predicates.values() {
        if fact_names.contains(&pr.id) {
            p.at(
                "predicate",
                &pr.id,
                "id",
                format!("predicate `{}` has the name of a fact the engine derives", pr.id),
            );
        }
        for other in pack.predicates.keys().filter(|o| *o != &pr.id) {
            let text = pr.when.as_str();
            let reads = text
                .match_indices(&format!("facts.{other}"))
                .any(|(at, found)| !text[at + found.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_'));
            if reads {
                p.at(
                    "predicate",
                    &pr.id,
                    "when",
                    format!(
                        "predicate `{}` reads predicate `{other}`; write its condition out instead",
                        pr.id
                    ),
                );
            }
        }
    }
}
