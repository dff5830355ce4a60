//! A report's open questions: the fields a deal leaves `unknown` that a finding rests on, and
//! the jurisdictions whose law the pack does not cover.

use crate::model::paths;
use crate::model::report::*;
use crate::pack::RulePack;
use serde_json::Value;

/// What the report asks: unknown answers a finding rests on, then uncovered jurisdictions.
pub fn open_questions(deal_json: &Value, findings: &[Finding], pack: &RulePack) -> Vec<OpenQuestion> {
    let mut questions = unknown_answers(deal_json, findings, pack);
    questions.extend(uncovered_jurisdictions(deal_json, pack));
    questions
}

/// Jurisdictions the pack knows but whose law its regulatory rules do not cover: never silently
/// passed over, each is a question for counsel.
fn uncovered_jurisdictions(deal_json: &Value, pack: &RulePack) -> Vec<OpenQuestion> {
    ["provider.jurisdictions[]", "recipient.jurisdictions[]"]
        .iter()
        .flat_map(|pattern| paths::cite(deal_json, pattern))
        .filter_map(|cited| {
            let id = cited.value.as_str()?;
            let j = pack.jurisdictions.get(id).filter(|j| !j.covered)?;
            Some(OpenQuestion {
                path: cited.path,
                assumed: None,
                note: Some(format!(
                    "the pack's regulatory rules do not cover {} ({id}): which of its laws apply is a question for counsel",
                    j.name
                )),
                answers: Vec::new(),
                read_by: Vec::new(),
                fired: Vec::new(),
            })
        })
        .collect()
}

/// Every field answered `unknown`, with the rules and inferences that read it.
fn unknown_answers(deal_json: &Value, findings: &[Finding], pack: &RulePack) -> Vec<OpenQuestion> {
    paths::unknowns(deal_json)
        .into_iter()
        .map(|path| {
            let mut read_by: Vec<String> = pack
                .rules
                .values()
                .filter(|r| r.because.iter().any(|p| paths::matches(p, &path)))
                .map(|r| r.id.clone())
                .collect();
            read_by.extend(
                pack.inferences
                    .values()
                    .filter(|i| {
                        i.because
                            .iter()
                            .any(|p| paths::matches(&format!("datasets[].{p}"), &path))
                    })
                    .map(|i| i.id.clone()),
            );
            let fired = findings
                .iter()
                .filter(|f| f.why.iter().any(|c| c.path == path))
                .map(|f| f.rule.clone())
                .collect();
            OpenQuestion {
                path,
                assumed: None,
                note: None,
                answers: Vec::new(),
                read_by,
                fired,
            }
        })
        .collect()
}
