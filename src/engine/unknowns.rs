//! An unknown costs what its worst answer costs, no more and no less: each field answered
//! `unknown` is scored as the answer (of those the format allows) that gives the highest score,
//! chosen one field at a time in path order with the earlier ones settled. A deal's score
//! therefore never rises when such a question is answered. The pack may name judgements whose
//! unknown its rules grade instead (`scoring.graded_unknowns`). Reports cite the field as
//! written and say which answer the score assumed.

use crate::engine::Detail;
use crate::engine::condition::Memo;
use crate::engine::evaluate::assess_with;
use crate::model::deal::Deal;
use crate::model::paths;
use crate::model::report::Report;
use crate::pack::RulePack;
use anyhow::Result;
use serde_json::Value;

/// The deal with every unknown replaced by its costliest answer.
pub struct Resolved {
    pub deal: Deal,
    /// (path, the answer assumed, as written in a deal file).
    pub assumed: Vec<(String, String)>,
}

pub fn worst_case(file: &str, deal: &Deal, pack: &RulePack, memo: &Memo) -> Result<Resolved> {
    let written = serde_json::to_value(deal)?;
    let mut current = deal.clone();
    let mut assumed = Vec::new();
    for path in in_stable_order(&written, paths::unknowns(&written)) {
        if pack.scoring.graded_unknowns.iter().any(|g| paths::matches(g, &path)) {
            continue;
        }
        let mut best: Option<((u32, f64), Deal, String)> = None;
        for answer in candidates(&written, &path) {
            let set = [(path.clone(), answer.clone())];
            // An answer the field cannot take here is not a possible answer.
            let Ok(tried) = crate::input::overlay::variant(&current, set.iter().map(|(k, v)| (k, v)), &[]) else {
                continue;
            };
            let scored = assess_with(file, &tried, pack, Detail::Residual, memo)?;
            let key = (scored.residual.score, scored.index);
            if best
                .as_ref()
                .is_none_or(|(k, _, _)| key.0 > k.0 || (key.0 == k.0 && key.1 > k.1))
            {
                best = Some((key, tried, shown(&answer)));
            }
        }
        if let Some((_, tried, answer)) = best {
            current = tried;
            assumed.push((path, answer));
        }
    }
    Ok(Resolved { deal: current, assumed })
}

/// Unknown fields in an order that does not depend on the order of the deal's lists: by field,
/// then by the dataset a field belongs to, read whole (so that listing datasets in another
/// order settles their unknowns in the same order, to the same answers; datasets alike in
/// every field are interchangeable).
fn in_stable_order(written: &Value, mut paths: Vec<String>) -> Vec<String> {
    let key = |path: &String| -> (String, String) {
        let Some(rest) = path.strip_prefix("datasets[") else {
            return (path.clone(), String::new());
        };
        let (index, field) = rest.split_once(']').unwrap_or((rest, ""));
        let dataset = paths::cite(written, &format!("datasets[{index}]"))
            .into_iter()
            .next()
            .map(|c| c.value.to_string())
            .unwrap_or_default();
        (format!("datasets[]{field}"), dataset)
    };
    paths.sort_by_cached_key(key);
    paths
}

/// The answers an unknown field may take: each value of the field; for a list holding
/// `unknown` beside known entries, the known entries and one more.
pub fn candidates(written: &Value, path: &str) -> Vec<toml::Value> {
    let answers = crate::model::deal::answers_for(path);
    let Some(Value::Array(items)) = paths::cite(written, path).into_iter().next().map(|c| c.value) else {
        return answers;
    };
    let known: Vec<toml::Value> = items
        .iter()
        .filter(|v| *v != "unknown")
        .filter_map(|v| v.as_str().map(toml::Value::from))
        .collect();
    answers
        .into_iter()
        .map(|answer| match answer {
            toml::Value::Array(more) => {
                let mut all = known.clone();
                all.extend(more.into_iter().filter(|m| !known.contains(m)));
                toml::Value::Array(all)
            }
            other => other,
        })
        .collect()
}

/// An answer as a deal file writes it: `"yes"`, `1000000`, `["pricing", "eligibility"]`.
fn shown(answer: &toml::Value) -> String {
    match answer {
        toml::Value::String(s) => s.clone(),
        toml::Value::Array(items) => {
            let items: Vec<String> = items.iter().map(shown).collect();
            format!("[{}]", items.join(", "))
        }
        other => other.to_string(),
    }
}

/// Puts the deal as written back into a report of its resolved deal: fields cited by findings,
/// categories and mitigations show `unknown` again, and each open question says which answer
/// the score assumed.
pub fn as_written(report: &mut Report, deal: &Deal, assumed: &[(String, String)], pack: &RulePack) -> Result<()> {
    let written = serde_json::to_value(deal)?;
    let restore = |cited: &mut paths::Cited| {
        if let Some(original) = paths::cite(&written, &cited.path).into_iter().next() {
            cited.value = original.value;
        }
    };
    for f in &mut report.findings {
        f.why.iter_mut().for_each(restore);
    }
    for p in &mut report.sensitive_categories {
        p.because.iter_mut().for_each(restore);
    }
    for m in &mut report.mitigations {
        m.implied_by.iter_mut().for_each(restore);
    }
    report.open_questions = crate::engine::questions::open_questions(&written, &report.findings, pack);
    for q in &mut report.open_questions {
        q.assumed = assumed.iter().find(|(p, _)| *p == q.path).map(|(_, a)| a.clone());
    }
    Ok(())
}
