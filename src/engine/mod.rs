//! The assessment: a deal read and checked against the pack, its facts derived, the rules'
//! conditions evaluated, findings scored, unknowns settled at their costliest answers, and the
//! what-if analysis that re-assesses changed deals.

pub mod assess;
mod cel_json;
pub mod condition;
pub mod deal_check;
pub mod evaluate;
pub mod facts;
mod findings;
pub mod questions;
pub mod score;
pub mod unknowns;
pub mod whatif;

/// How much of the report to write: what-if analysis re-assesses a deal many times and needs
/// only the scores and which rules fire, not the words, the cited fields, or what each finding
/// would score alone (`Finding::alone` stays at its default: a score per finding was
/// two-thirds of the scoring of each variant).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    Full,
    /// The scores, the areas' scores and which rules fire: what a scenario is compared on.
    Scores,
    /// The residual score, its verdict and the findings' risks, no areas: what the searches
    /// for the costliest answers, the leverage of mitigations and a verdict change compare
    /// (scoring each area was a tenth of each of their dozens of variants).
    Residual,
}
