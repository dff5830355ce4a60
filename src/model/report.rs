//! The assessment's result as data: what every output format renders, and nothing else.
//! Field names here are the JSON report's contract (docs/report-json.md).

use crate::model::facts::{Facts, InEffect, Presence, PurposeDrift};
use crate::model::observed::DatasetEvidence;
use crate::model::paths::Cited;
use serde::Serialize;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub file: String,
    pub deal: DealSummary,
    pub inherent: Score,
    pub residual: Score,
    /// The residual risk index the score is read from: the sum of the groups' weights, before
    /// the calibration curve and the floors (docs/scoring.md).
    pub index: f64,
    pub verdict: String,
    pub advice: String,
    /// The points the floors added above the formula, and why.
    pub floor: Option<FloorApplied>,
    pub areas: Vec<AreaScore>,
    /// Ordered by residual risk, highest first.
    pub findings: Vec<Finding>,
    pub open_questions: Vec<OpenQuestion>,
    /// Flags raised by the findings that fired (e.g. "DPIA required"), each with its rule.
    pub flags: Vec<Flag>,
    /// The deal's scenarios side by side with it (empty when assessing one scenario).
    pub scenarios: Vec<ScenarioResult>,
    /// Every mitigation the pack knows and the deal lacks, with the score it would give,
    /// most points removed first.
    pub leverage: Vec<Leverage>,
    /// The fewest mitigations that together move the deal into a better band, if any do.
    pub verdict_change: Option<VerdictChange>,
    pub sensitive_categories: Vec<Presence>,
    pub purpose_drift: Vec<PurposeDrift>,
    /// Mitigations in effect, declared or implied by the deal's facts.
    pub mitigations: Vec<InEffect>,
    pub facts: Facts,
    /// What the scans of the datasets' samples show, beside what the deal declares.
    pub evidence: Vec<DatasetEvidence>,
    /// How many findings are waived, and the residual score without them (what the thresholds
    /// read); absent when no waiver applies.
    pub waived: Option<WaivedSummary>,
    /// With `--baseline`: what is new or worse since the baseline report.
    pub baseline: Option<BaselineDiff>,
    /// Deals like this one from the case library: what happened to them (never part of the
    /// score). Absent in the formats that do not show them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub precedents: Vec<crate::model::precedent::Precedent>,
}

impl Report {
    /// The score the thresholds read: the residual score without waived findings.
    pub fn gated(&self) -> &Score {
        self.waived.as_ref().map_or(&self.residual, |w| &w.residual)
    }

    /// The findings a report shows: with a baseline, only the new and worse ones.
    pub fn reported_findings(&self) -> impl Iterator<Item = &Finding> {
        self.findings
            .iter()
            .filter(|f| f.baseline.as_deref().is_none_or(|b| b != "unchanged"))
    }

    /// The rules of the blocking findings, in report order: what every verdict line names.
    pub fn blocking_rules(&self) -> Vec<&str> {
        self.findings
            .iter()
            .filter(|f| f.blocking)
            .map(|f| f.rule.as_str())
            .collect()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct WaivedSummary {
    pub findings: usize,
    /// The residual score and band with the waived findings taken out.
    pub residual: Score,
}

#[derive(Debug, Clone, Serialize)]
pub struct BaselineDiff {
    /// The report in the baseline this deal was compared with (its file), or none: a new deal.
    pub compared_with: Option<String>,
    /// The baseline's residual score and band for this deal.
    pub before: Option<Score>,
    /// The band is worse than the baseline's.
    pub band_crossed: bool,
    /// Rules that fire now and did not in the baseline.
    pub new: Vec<String>,
    /// Rules whose residual risk is higher than in the baseline.
    pub worse: Vec<WorseFinding>,
    /// Rules that fired in the baseline and no longer do.
    pub resolved: Vec<String>,
}

impl BaselineDiff {
    /// Something is new or worse: the deal is judged against the thresholds.
    pub fn is_worse(&self) -> bool {
        self.band_crossed || !self.new.is_empty() || !self.worse.is_empty()
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct WorseFinding {
    pub rule: String,
    pub before: u8,
    pub after: u8,
}

#[derive(Debug, Clone, Serialize)]
pub struct DealSummary {
    pub id: String,
    pub title: String,
    pub summary: Option<String>,
    pub provider: PartySummary,
    pub recipient: PartySummary,
    pub collection_purposes: Vec<String>,
    pub proposed_purposes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PartySummary {
    pub name: String,
    pub sector: String,
    pub jurisdictions: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize)]
pub struct Score {
    /// 0 to 100, rounded to a whole number; the band is read from it.
    pub score: u32,
    pub band: String,
    /// The band's place among the pack's, for a terminal's colours; not part of the report.
    #[serde(skip)]
    pub rank: BandRank,
}

/// A band's place among the pack's bands: `index` 0 is the lowest, `of` the number of bands.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct BandRank {
    pub index: usize,
    pub of: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct FloorApplied {
    pub rule: String,
    pub points: u32,
    pub why: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AreaScore {
    pub id: String,
    pub title: String,
    /// This area's share of the residual score; the areas' points add up to it.
    pub points: u32,
    /// The area scored alone, as if its findings were the deal's only ones (0-100): compares
    /// one area across scenarios, where `points` would move with the other areas.
    pub score: u32,
    /// The band that score falls in.
    pub band: String,
    pub findings: usize,
    pub blocking: usize,
    /// The area's caveat, when it has one (e.g. regulatory flags are not legal advice).
    pub disclaimer: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub rule: String,
    pub title: String,
    pub area: String,
    pub problem: String,
    /// The harms to people it risks (NIST PRAM problems for individuals).
    pub harms: Vec<String>,
    pub blocking: bool,
    pub severity: u8,
    pub likelihood: u8,
    pub inherent_risk: u8,
    pub residual_severity: u8,
    /// The pack's name of the residual severity level.
    pub residual_severity_level: String,
    pub residual_likelihood: u8,
    pub residual_risk: u8,
    /// This finding's share of the residual score (floors excluded); 0 when another finding
    /// of its group counts instead (`covered_by`).
    pub points: u32,
    pub covered_by: Option<String>,
    pub mitigations: Vec<AppliedMitigation>,
    /// Why it fired, in words, then the deal fields it read.
    pub message: String,
    pub why: Vec<Cited>,
    pub recommendation: String,
    /// Where in the deal file the first cited field is written (code-scanning annotations).
    pub location: Option<Location>,
    /// The score and band this finding alone would give the deal: how findings are ranked
    /// against a threshold (SARIF levels, JUnit failures).
    pub alone: Score,
    /// The waiver that accepts this risk, if one applies; a waived finding stays in the
    /// report and stops counting toward the thresholds.
    pub waived: Option<Waived>,
    /// With `--baseline`: `new`, `worse` or `unchanged` since the baseline report.
    pub baseline: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Waived {
    pub reason: String,
    pub owner: String,
    /// ISO date, inclusive: the waiver applies up to and including this day.
    pub expires: String,
    /// Where the waiver is written, `file:line`.
    pub source: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Location {
    pub path: String,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct AppliedMitigation {
    pub id: String,
    pub likelihood: u8,
    pub severity: u8,
    pub asserted: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct OpenQuestion {
    pub path: String,
    /// The answer the score assumes until this is answered: the one that costs most.
    pub assumed: Option<String>,
    /// What the question is, when it is not a field answered `unknown` (a jurisdiction whose
    /// law the pack's rules do not cover).
    pub note: Option<String>,
    /// The score each possible answer would give, by re-assessing the deal with it.
    pub answers: Vec<AnswerImpact>,
    /// Rules and inferences that read this field; those that fired are in `fired`.
    pub read_by: Vec<String>,
    pub fired: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScenarioResult {
    pub name: String,
    pub title: String,
    pub description: Option<String>,
    pub residual: Score,
    pub verdict: String,
    /// Residual score minus the base deal's.
    pub change: i64,
    pub areas: Vec<AreaBrief>,
    /// Rules that fire in the scenario and not in the base deal, and the reverse.
    pub appeared: Vec<String>,
    pub disappeared: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AreaBrief {
    pub id: String,
    pub score: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Leverage {
    pub mitigation: String,
    pub title: String,
    /// How it was applied: declared with evidence, or the deal fields it sets.
    pub applied_as: String,
    pub residual: Score,
    pub verdict: String,
    /// Points removed from the residual score (negative: the change would add points).
    pub points_removed: i64,
    /// Residual risk removed, summed over all findings: shows what a mitigation does where the
    /// score is saturated by other findings (ranks mitigations that remove no points yet).
    pub risk_removed: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct VerdictChange {
    pub mitigations: Vec<String>,
    pub residual: Score,
    pub verdict: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Flag {
    pub flag: String,
    pub rule: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnswerImpact {
    /// The answer as it would be written in the deal file.
    pub answer: String,
    pub residual: Score,
    /// Residual score minus the deal's as it stands (unknowns at their costliest answers).
    pub change: i64,
    /// Residual risk summed over all findings, minus the deal's: moves even where the score is
    /// saturated by other findings.
    pub risk_change: i64,
}
