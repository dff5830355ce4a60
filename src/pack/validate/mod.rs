//! Consistency checks over the merged pack: every reference between records resolves, every
//! number of the scoring model is in range. All problems are gathered and reported at once.

mod expressions;
mod problems;

use super::lexicon::MAX_CATEGORIES;
use super::rule_pack::RulePack;
use anyhow::{Result, bail};
use problems::Problems;
pub(super) use problems::find_record;
use std::collections::BTreeSet;

pub fn check(pack: &RulePack) -> Result<()> {
    let mut p = Problems {
        pack,
        found: Vec::new(),
    };
    let s = &pack.scoring;
    let mut scoring_problems = Vec::new();
    if s.levels.len() != 4 {
        scoring_problems.push(format!("scoring.levels must name 4 levels, found {}", s.levels.len()));
    }
    if s.bands.is_empty() || s.bands[0].min != 0.0 || s.bands.windows(2).any(|w| w[0].min >= w[1].min) {
        scoring_problems.push("scoring.bands must start at min = 0 and rise strictly".to_string());
    }
    if !(1..=4).contains(&s.declared_likelihood) {
        scoring_problems.push("scoring.declared_likelihood must be 1 to 4".to_string());
    }
    if !(0.0..=1.0).contains(&s.asserted_factor) || s.exponent <= 0.0 {
        scoring_problems.push("scoring.asserted_factor must be 0 to 1 and scoring.exponent above 0".to_string());
    }
    if !(0.0..=1.0).contains(&s.group_share) {
        scoring_problems.push("scoring.group_share must be 0 to 1".to_string());
    }
    if !(s.calibration.midpoint > 0.0 && s.calibration.steepness > 0.0) {
        scoring_problems.push("scoring.calibration needs a midpoint and a steepness above 0".to_string());
    }
    if s.weight_severity.last().is_none_or(|w| w.max_weight < 10) {
        scoring_problems.push("scoring.weight_severity must cover weights up to 10".to_string());
    }
    for level in ["none", "opt-out", "opt-in", "explicit"] {
        if !s.consent_ladder.iter().any(|l| l == level) {
            scoring_problems.push(format!("scoring.consent_ladder must list `{level}`"));
        }
    }
    p.found.extend(scoring_problems);

    let areas: Vec<&str> = pack.areas.iter().map(|a| a.id.as_str()).collect();
    if !areas.contains(&s.category_area.as_str()) {
        p.found.push(format!(
            "scoring.category_area `{}` is not a defined area",
            s.category_area
        ));
    }
    let categories: Vec<&str> = pack.categories.keys().map(String::as_str).collect();
    let families: Vec<&str> = pack.families.keys().map(String::as_str).collect();
    let sectors: Vec<&str> = pack.sectors.keys().map(String::as_str).collect();
    let ladder: Vec<&str> = s.consent_ladder.iter().map(String::as_str).collect();
    let problems: Vec<&str> = pack.problems.keys().map(String::as_str).collect();
    let harms: Vec<&str> = pack.harms.keys().map(String::as_str).collect();
    for pr in pack.problems.values() {
        for h in &pr.harms {
            p.reference("problem", &pr.id, "harms", "harm", h, harms.iter().copied());
        }
    }

    // The evidence scan keeps a row's categories as the bits of one 64-bit mask.
    if let Some(c) = pack.categories.values().nth(MAX_CATEGORIES) {
        p.at(
            "category",
            &c.id,
            "id",
            format!(
                "the pack has {} categories; the evidence scan handles at most {MAX_CATEGORIES}",
                pack.categories.len()
            ),
        );
    }
    let mut finding_ids = BTreeSet::new();
    for c in pack.categories.values() {
        // An empty keyword or field word matches every text and every column name.
        for (field, words) in [("keywords", &c.signals.keywords), ("fields", &c.signals.fields)] {
            if words.iter().any(|w| w.trim().is_empty()) {
                p.at(
                    "category",
                    &c.id,
                    field,
                    format!(
                        "an empty word in {field} of category `{}` would match everything; remove it",
                        c.id
                    ),
                );
            }
        }
        if !(1..=10).contains(&c.weight) {
            p.at(
                "category",
                &c.id,
                "weight",
                format!("weight {} of category `{}` must be 1 to 10", c.weight, c.id),
            );
        }
        p.reference(
            "category",
            &c.id,
            "problem",
            "problem",
            &c.problem,
            problems.iter().copied(),
        );
        p.reference(
            "category",
            &c.id,
            "consent_required",
            "consent level",
            &c.consent_required,
            ladder.iter().copied(),
        );
        if !finding_ids.insert(c.rule.as_str()) || pack.rules.contains_key(&c.rule) {
            p.at(
                "category",
                &c.id,
                "rule",
                format!("finding id `{}` of category `{}` is used twice", c.rule, c.id),
            );
        }
    }
    for i in pack.inferences.values() {
        p.reference(
            "inference",
            &i.id,
            "reveals",
            "category",
            &i.reveals,
            categories.iter().copied(),
        );
        for from in &i.from {
            p.reference("inference", &i.id, "from", "category", from, categories.iter().copied());
        }
        if !(1..=4).contains(&i.likelihood) {
            p.at(
                "inference",
                &i.id,
                "likelihood",
                "likelihood must be 1 to 4".to_string(),
            );
        }
    }
    for f in pack.families.values() {
        for other in &families {
            match f.distance.get(*other) {
                None => p.at(
                    "family",
                    &f.id,
                    "distance",
                    format!("family `{}` gives no distance to `{other}`", f.id),
                ),
                Some(d) if !(0..=s.max_drift).contains(d) => p.at(
                    "family",
                    &f.id,
                    "distance",
                    format!(
                        "distance {d} from `{}` to `{other}` is outside 0..={}",
                        f.id, s.max_drift
                    ),
                ),
                Some(_) => {}
            }
        }
        for key in f.distance.keys() {
            p.reference("family", &f.id, "distance", "family", key, families.iter().copied());
        }
    }
    for pu in pack.purposes.values() {
        p.reference(
            "purpose",
            &pu.id,
            "family",
            "family",
            &pu.family,
            families.iter().copied(),
        );
        p.reference(
            "purpose",
            &pu.id,
            "consent_required",
            "consent level",
            &pu.consent_required,
            ladder.iter().copied(),
        );
    }
    for se in pack.sectors.values() {
        for r in &se.expected_recipients {
            p.reference(
                "sector",
                &se.id,
                "expected_recipients",
                "sector",
                r,
                sectors.iter().copied(),
            );
        }
    }
    for f in pack.fideslang.values() {
        let ids = categories
            .iter()
            .copied()
            .chain(pack.purposes.keys().map(String::as_str));
        p.reference("fideslang", &f.id, "means", "category or purpose", &f.means, ids);
    }
    let rule_ids: Vec<&str> = pack.finding_ids().collect();
    for m in pack.mitigations.values() {
        for e in &m.effects {
            for x in &e.problems {
                p.reference("mitigation", &m.id, "effects", "problem", x, problems.iter().copied());
            }
            for x in &e.areas {
                p.reference("mitigation", &m.id, "effects", "area", x, areas.iter().copied());
            }
            for x in &e.rules {
                p.reference("mitigation", &m.id, "effects", "rule", x, rule_ids.iter().copied());
            }
        }
    }
    for r in pack.rules.values() {
        p.reference("rule", &r.id, "area", "area", &r.area, areas.iter().copied());
        p.reference(
            "rule",
            &r.id,
            "problem",
            "problem",
            &r.problem,
            problems.iter().copied(),
        );
        if r.rationale.trim().is_empty() || r.references.is_empty() || r.recommendation.trim().is_empty() {
            p.at(
                "rule",
                &r.id,
                "rationale",
                format!("rule `{}` needs a rationale, a recommendation and references", r.id),
            );
        }
    }
    for c in pack.categories.values() {
        if c.rationale.trim().is_empty() || c.references.is_empty() {
            p.at(
                "category",
                &c.id,
                "rationale",
                format!("category `{}` needs a rationale and references", c.id),
            );
        }
    }

    expressions::check(pack, &mut p);

    if p.found.is_empty() {
        return Ok(());
    }
    bail!(
        "the rule pack has {} problem(s):\n{}",
        p.found.len(),
        p.found.join("\n")
    )
}
