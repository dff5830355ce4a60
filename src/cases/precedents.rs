//! Deals like this one: the cases of the library (`cases/`, embedded) most similar to a deal,
//! each with how it ended, the year and a source, and the facts it shares with the deal. An
//! executive sees that a deal like theirs ended in an FTC ban, or that a well-structured one
//! ran for years without complaint.
//!
//! Similarity is a weighted Jaccard index over the deal's facts (who gives and who receives,
//! what data, for what, how it travels, on what consent): the weight of the facts both deals
//! have over the weight of the facts either has. It reads the deals as written, never their
//! outcomes or scores, and a precedent never changes the score. The weights are the pack's
//! (`scoring.precedent_weights` in rules/scoring.toml); docs/cases.md explains them.
//!
//! The library's deals are compared by their facts as listed in `cases/precedents.json`, which
//! `cargo test` checks against the deal files (and writes with `DEALRISK_WRITE_PRECEDENTS=1`):
//! parsing the 79 deal files on every run was over a quarter of assessing a small deal.

use crate::cases::library::{OutcomeRecord, Supports};
use crate::model::deal::{Deal, written};
use crate::model::precedent::Precedent;
use crate::pack::PrecedentWeights;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where the library's facts are listed, under `cases/`.
const INDEX: &str = "precedents.json";

/// How many precedents a report shows.
pub const SHOWN: usize = 3;

/// The library's cases as compared: each one's facts and what to show of it.
pub struct Library {
    cases: Vec<(BTreeMap<String, u32>, Case)>,
    weights: PrecedentWeights,
}

/// A case of the library: its deal's id and title, and its outcome record, read the first time
/// the case is shown (a report shows three of the library's cases; reading every outcome was a
/// third of a small assessment's time).
struct Case {
    id: String,
    title: String,
    outcome: String,
    shown: std::sync::OnceLock<Option<Precedent>>,
}

impl Case {
    /// What a report shows of the case; `None` when its outcome record does not read.
    fn shown(&self) -> Option<&Precedent> {
        self.shown
            .get_or_init(|| {
                let outcome: OutcomeRecord = toml::from_str(&self.outcome).ok()?;
                let source = outcome
                    .sources
                    .iter()
                    .find(|s| s.supports != Supports::Deal)
                    .or(outcome.sources.first())?
                    .url
                    .clone();
                Some(Precedent {
                    case: self.id.clone(),
                    title: self.title.clone(),
                    label: outcome.label,
                    year: outcome.year,
                    what_happened: first_sentence(&outcome.what_happened),
                    source,
                    similarity: 0.0,
                    shared: Vec::new(),
                })
            })
            .as_ref()
    }
}

impl Library {
    /// The embedded case library. A case the current pack cannot read is left out: a client
    /// pack may rename what the library's deals use, and precedents are a help, not a gate.
    /// Facts weigh as the pack's `scoring.precedent_weights` say.
    pub fn embedded(weights: PrecedentWeights) -> Library {
        let index: Vec<Indexed> = crate::cases::library::embedded_file(INDEX)
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or_default();
        let outcomes = crate::cases::library::embedded_files("outcomes");
        let cases = index
            .into_iter()
            .filter_map(|case| {
                let (_, _, outcome) = outcomes.iter().find(|(o, _, _)| *o == case.case)?;
                let facts = weighed(case.facts, &weights);
                let case = Case {
                    id: case.case,
                    title: case.title,
                    outcome: outcome.clone(),
                    shown: std::sync::OnceLock::new(),
                };
                Some((facts, case))
            })
            .collect();
        Library { cases, weights }
    }

    /// The `SHOWN` cases most similar to `deal`, most similar first (ties by case id), leaving
    /// out the deal itself when it is one of the library's and any whose outcome does not read.
    pub fn like(&self, deal: &Deal) -> Vec<Precedent> {
        let mine = weighed(facts(deal), &self.weights);
        let mut found: Vec<(f64, &BTreeMap<String, u32>, &Case)> = self
            .cases
            .iter()
            .filter(|(_, case)| case.id != deal.deal.id)
            .map(|(theirs, case)| {
                let (common, union) = overlap(&mine, theirs);
                let similarity = if union == 0 {
                    0.0
                } else {
                    f64::from(common) / f64::from(union)
                };
                ((similarity * 100.0).round() / 100.0, theirs, case)
            })
            .collect();
        found.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.2.id.cmp(&b.2.id)));
        // The facts in common are listed for the cases shown only.
        found
            .into_iter()
            .filter_map(|(similarity, theirs, case)| {
                case.shown().map(|shown| Precedent {
                    similarity,
                    shared: shared(&mine, theirs),
                    ..shown.clone()
                })
            })
            .take(SHOWN)
            .collect()
    }
}

/// The summed weights of the facts both hold and of the facts either holds, a shared fact
/// weighing as `mine` weighs it: one walk of the two sorted lists (looking each fact up in the
/// other list, for every case of the library, was a thirtieth of a portfolio in JSON).
fn overlap(mine: &BTreeMap<String, u32>, theirs: &BTreeMap<String, u32>) -> (u32, u32) {
    let (mut common, mut union) = (0, 0);
    let (mut a, mut b) = (mine.iter().peekable(), theirs.iter().peekable());
    loop {
        match (a.peek(), b.peek()) {
            (Some((fa, wa)), Some((fb, _))) if fa == fb => {
                common += **wa;
                union += **wa;
                a.next();
                b.next();
            }
            (Some((fa, wa)), Some((fb, _))) if fa < fb => {
                union += **wa;
                a.next();
            }
            (_, Some((_, wb))) => {
                union += **wb;
                b.next();
            }
            (Some((_, wa)), None) => {
                union += **wa;
                a.next();
            }
            (None, None) => return (common, union),
        }
    }
}

/// The facts both hold, heaviest first (in the order of their text where they weigh alike).
fn shared(mine: &BTreeMap<String, u32>, theirs: &BTreeMap<String, u32>) -> Vec<String> {
    let mut shared: Vec<(&String, u32)> = mine
        .iter()
        .filter(|(f, _)| theirs.contains_key(*f))
        .map(|(f, w)| (f, *w))
        .collect();
    shared.sort_by_key(|(_, w)| std::cmp::Reverse(*w));
    shared.into_iter().map(|(f, _)| f.clone()).collect()
}

/// A case of the library as `cases/precedents.json` lists it.
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Indexed {
    case: String,
    title: String,
    facts: Vec<(String, Kind)>,
}

/// What a fact is about: which of the pack's `precedent_weights` it weighs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Kind {
    RecipientSector,
    ProviderSector,
    Purpose,
    Decision,
    Category,
    Form,
    Granularity,
    TransferMode,
    Consent,
    InitiatedBy,
    Scope,
}

impl Kind {
    fn weight(self, w: &PrecedentWeights) -> u32 {
        match self {
            Kind::RecipientSector => w.recipient_sector,
            Kind::ProviderSector => w.provider_sector,
            Kind::Purpose => w.purpose,
            Kind::Decision => w.decision,
            Kind::Category => w.category,
            Kind::Form => w.form,
            Kind::Granularity => w.granularity,
            Kind::TransferMode => w.transfer_mode,
            Kind::Consent => w.consent,
            Kind::InitiatedBy => w.initiated_by,
            Kind::Scope => w.scope,
        }
    }
}

/// Each fact with the weight of its kind.
fn weighed(facts: Vec<(String, Kind)>, w: &PrecedentWeights) -> BTreeMap<String, u32> {
    facts.into_iter().map(|(fact, kind)| (fact, kind.weight(w))).collect()
}

/// A deal's facts as compared, each with its kind.
fn facts(deal: &Deal) -> Vec<(String, Kind)> {
    let mut out = vec![
        (
            format!("recipient sector {}", deal.recipient.sector.get_ref()),
            Kind::RecipientSector,
        ),
        (
            format!("provider sector {}", deal.provider.sector.get_ref()),
            Kind::ProviderSector,
        ),
    ];
    for purpose in &deal.proposed_use.purposes {
        out.push((format!("used for {}", purpose.get_ref()), Kind::Purpose));
    }
    for decision in deal.proposed_use.decisions.iter().map(written).filter(|d| d != "none") {
        out.push((format!("decides {decision}"), Kind::Decision));
    }
    for dataset in &deal.datasets {
        for category in &dataset.categories {
            out.push((format!("data: {}", category.get_ref()), Kind::Category));
        }
        out.push((format!("form {}", written(&dataset.form)), Kind::Form));
        out.push((
            format!("granularity {}", written(&dataset.granularity)),
            Kind::Granularity,
        ));
    }
    out.push((format!("transfer {}", written(&deal.transfer.mode)), Kind::TransferMode));
    out.push((format!("consent {}", written(&deal.collection.consent)), Kind::Consent));
    out.push((
        format!("initiated by the {}", written(&deal.transfer.initiated_by)),
        Kind::InitiatedBy,
    ));
    out.push((format!("recipients: {}", written(&deal.recipient.scope)), Kind::Scope));
    out
}

/// Up to the first full stop that ends a sentence: after a lower-case letter or a digit and
/// before a capital (`U.S. regulators` does not end one).
fn first_sentence(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars: Vec<char> = text.chars().collect();
    for i in 1..chars.len().saturating_sub(2) {
        if chars[i] == '.'
            && chars[i + 1] == ' '
            && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit() || chars[i - 1] == ')')
            && chars[i + 2].is_uppercase()
        {
            return chars[..=i].iter().collect();
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(crate::proptest_config())]
        /// The walk of two sorted lists sums what looking each fact up in the other list sums.
        #[test]
        fn overlap_sums_the_weights_of_the_shared_facts_and_of_all_facts(
            mine in prop::collection::btree_map("[a-f]{1,2}", 0u32..20, 0..12),
            theirs in prop::collection::btree_map("[a-f]{1,2}", 0u32..20, 0..12),
        ) {
            let weight = |f: &String| *mine.get(f).or(theirs.get(f)).unwrap_or(&0);
            let union: u32 = mine.keys().chain(theirs.keys().filter(|f| !mine.contains_key(*f))).map(weight).sum();
            let common: u32 = mine.keys().filter(|f| theirs.contains_key(*f)).map(weight).sum();
            prop_assert_eq!(overlap(&mine, &theirs), (common, union));
        }
    }

    /// What `cases/precedents.json` holds: every case whose deal file reads and whose outcome is
    /// in the library, in case order, with its facts as `facts` lists them.
    fn index() -> Vec<Indexed> {
        let outcomes = crate::cases::library::embedded_files("outcomes");
        crate::cases::library::embedded_files("deals")
            .into_iter()
            .filter(|(id, _, _)| outcomes.iter().any(|(o, _, _)| o == id))
            .filter_map(|(id, _, text)| {
                let deal: Deal = toml::from_str(&text).ok()?;
                Some(Indexed {
                    case: id,
                    title: deal.deal.title.clone(),
                    facts: facts(&deal),
                })
            })
            .collect()
    }

    /// The list the binary compares deals with is the one the deal files give. When a case is
    /// added or edited, `DEALRISK_WRITE_PRECEDENTS=1 cargo test --lib precedents` writes it.
    #[test]
    fn the_library_index_lists_the_facts_of_the_library_deals() {
        let index = index();
        let deals = crate::cases::library::embedded_files("deals").len();
        assert_eq!(index.len(), deals, "every case of the library is listed");
        // A case a line: a change to one deal is a change to one line.
        let lines: Vec<String> = index.iter().map(|c| serde_json::to_string(c).unwrap()).collect();
        let text = format!("[\n{}\n]\n", lines.join(",\n"));
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("cases")
            .join(INDEX);
        if std::env::var_os("DEALRISK_WRITE_PRECEDENTS").is_some() {
            // Checked on the next run, whose binary embeds what is written here.
            std::fs::write(&path, &text).unwrap();
            return;
        }
        let written = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            written == text,
            "cases/{INDEX} is not what cases/deals gives: run `DEALRISK_WRITE_PRECEDENTS=1 cargo test --lib precedents` and commit it"
        );
        // And the binary reads what is written (the embedded copy is the file at build time).
        let embedded: Vec<Indexed> =
            serde_json::from_str(crate::cases::library::embedded_file(INDEX).unwrap()).unwrap();
        assert_eq!(embedded, index);
    }

    #[test]
    fn the_first_sentence_is_kept_whole() {
        assert_eq!(
            first_sentence("The FTC banned it.\nIt ran for years."),
            "The FTC banned it."
        );
        assert_eq!(first_sentence("No action."), "No action.");
        assert_eq!(
            first_sentence("The U.S. FTC sued in 2024. It settled."),
            "The U.S. FTC sued in 2024."
        );
    }
}
