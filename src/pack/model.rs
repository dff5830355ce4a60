//! The rule pack's records as written in `rules/*.toml`: the file's sections, scoring
//! parameters, bands, areas, problems and harms, mitigations and rules (the taxonomies are in
//! `taxonomy`). docs/rules.md documents every field.

use serde::{Deserialize, Serialize};

pub use super::expr::{Expr, LevelSpec};
pub use super::taxonomy::*;

/// One rule-pack file. Any file may hold any of these sections; `load` merges them by id.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackFile {
    pub scoring: Option<Scoring>,
    #[serde(default)]
    pub area: Vec<Area>,
    #[serde(default)]
    pub harm: Vec<Harm>,
    #[serde(default)]
    pub fideslang: Vec<FideslangKey>,
    #[serde(default)]
    pub problem: Vec<Problem>,
    #[serde(default)]
    pub category: Vec<Category>,
    #[serde(default)]
    pub inference: Vec<Inference>,
    #[serde(default)]
    pub family: Vec<Family>,
    #[serde(default)]
    pub purpose: Vec<Purpose>,
    #[serde(default)]
    pub drift_modifier: Vec<DriftModifier>,
    #[serde(default)]
    pub predicate: Vec<Predicate>,
    #[serde(default)]
    pub sector: Vec<Sector>,
    #[serde(default)]
    pub jurisdiction: Vec<Jurisdiction>,
    #[serde(default)]
    pub mitigation: Vec<Mitigation>,
    #[serde(default)]
    pub rule: Vec<Rule>,
    #[serde(default)]
    pub value_shape: Vec<ValueShape>,
}

/// A shape of value that reveals a category wherever it appears in a data sample (an email
/// address, a phone number), whatever the column is called.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ValueShape {
    pub id: String,
    pub title: String,
    /// The category a matching value reveals.
    pub category: String,
    /// A regular expression (Rust `regex` syntax) a whole cell must match.
    pub pattern: String,
    pub rationale: String,
    pub references: Vec<String>,
}

/// Every number of the scoring model (docs/scoring.md).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    /// Names of the levels 1..=4 used for severity and likelihood.
    pub levels: Vec<String>,
    /// Each finding weighs w = (risk / max_risk) ^ exponent.
    pub exponent: f64,
    /// Share of a group's other findings' weights added to its worst finding's: correlated
    /// findings about one cause add a little, never as much as an independent risk.
    pub group_share: f64,
    /// Turns the deal's index (the sum of its groups' weights) into the 0-100 score.
    pub calibration: Calibration,
    pub bands: Vec<Band>,
    /// A finding whose residual risk reaches `risk_at_least` (and that is blocking, when
    /// `blocking` is set) lifts the score to `score_at_least`.
    pub floors: Vec<Floor>,
    /// Most levels that mitigations may remove from one dimension of one finding.
    pub mitigation_cap: u8,
    /// Share of its effect that a mitigation without evidence keeps (rounded down).
    pub asserted_factor: f64,
    /// Likelihood of a sensitive category that a dataset declares.
    pub declared_likelihood: u8,
    /// Likelihood of a sensitive category seen in a dataset's sample (evidence).
    #[serde(default = "four")]
    pub observed_likelihood: u8,
    /// The k of k-anonymity the evidence scan reports (records in classes smaller than k).
    #[serde(default = "five")]
    pub evidence_k: u64,
    /// Rows of a sample whose every cell is checked against the value shapes.
    #[serde(default = "shape_rows")]
    pub evidence_shape_rows: u64,
    /// Category weight to severity: the first entry whose `max_weight` is not below it.
    pub weight_severity: Vec<WeightSeverity>,
    /// Consent levels, weakest first; `unknown` ranks as the weakest.
    pub consent_ladder: Vec<String>,
    /// The area under which the engine files a finding for each sensitive category present.
    pub category_area: String,
    /// Highest drift distance; modifiers cannot push drift outside 0..=max_drift.
    pub max_drift: i64,
    /// Fields whose `unknown` the rules grade themselves instead of the costliest answer.
    #[serde(default)]
    pub graded_unknowns: Vec<String>,
    /// Which findings count once, at the worst of them: those of one area and problem
    /// (`area-problem`), of one `problem` (docs/scoring.md's risk scenarios), of one `area`, or none
    /// (`finding`).
    pub group_by: GroupBy,
    /// Weights of the facts compared for precedents (never part of the score).
    #[serde(default)]
    pub precedent_weights: PrecedentWeights,
}

/// How much each kind of fact counts when a deal is compared with the case library's
/// (`crate::cases::precedents`). Absent from a pack: every fact counts 1.
#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PrecedentWeights {
    pub recipient_sector: u32,
    pub provider_sector: u32,
    pub purpose: u32,
    pub decision: u32,
    pub category: u32,
    pub transfer_mode: u32,
    pub form: u32,
    pub granularity: u32,
    pub consent: u32,
    pub initiated_by: u32,
    pub scope: u32,
}

impl Default for PrecedentWeights {
    fn default() -> Self {
        PrecedentWeights {
            recipient_sector: 1,
            provider_sector: 1,
            purpose: 1,
            decision: 1,
            category: 1,
            transfer_mode: 1,
            form: 1,
            granularity: 1,
            consent: 1,
            initiated_by: 1,
            scope: 1,
        }
    }
}

fn four() -> u8 {
    4
}

fn five() -> u64 {
    5
}

fn shape_rows() -> u64 {
    10_000
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum GroupBy {
    AreaProblem,
    Problem,
    Area,
    Finding,
}

impl GroupBy {
    /// The group a finding scores in: findings with equal keys are one risk. A pair of the
    /// finding's own fields, so that scoring each of what-if's variants allocates no key.
    pub fn key<'f>(&self, finding: &'f crate::model::report::Finding) -> (&'f str, &'f str) {
        match self {
            GroupBy::AreaProblem => (&finding.area, &finding.problem),
            GroupBy::Problem => (&finding.problem, ""),
            GroupBy::Area => (&finding.area, ""),
            GroupBy::Finding => (&finding.rule, ""),
        }
    }
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    pub id: String,
    pub min: f64,
    pub verdict: String,
    pub advice: String,
}

/// score = 100 x index^steepness / (index^steepness + midpoint^steepness): a log-logistic
/// curve, 0 at index 0, 50 at the midpoint, never 100. Its two numbers are fitted to the case
/// library by `dealrisk calibrate --fit` (docs/scoring.md).
#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Calibration {
    pub midpoint: f64,
    pub steepness: f64,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Floor {
    /// Only blocking findings (legal gates) set this floor.
    #[serde(default)]
    pub blocking: bool,
    pub risk_at_least: u8,
    pub score_at_least: f64,
    pub why: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct WeightSeverity {
    pub max_weight: u8,
    pub severity: u8,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Area {
    pub id: String,
    pub title: String,
    /// Position in reports.
    pub order: u32,
    pub description: String,
    /// When set, reports show this area's findings in a section of their own, under this
    /// caveat (the regulatory area's "not legal advice").
    #[serde(default)]
    pub disclaimer: Option<String>,
    /// The question a workshop asks about this area (the worksheet lists it with its rules).
    #[serde(default)]
    pub prompt: Option<String>,
}

/// A problematic data action of the NIST Privacy Risk Assessment Methodology: what kind of
/// thing goes wrong. Every rule and category names one; mitigations target them.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Problem {
    pub id: String,
    pub title: String,
    pub description: String,
    /// The harms to people this kind of problem risks, unless a rule names its own.
    pub harms: Vec<String>,
}

/// A fideslang taxonomy key a deal may write in place of a pack id (privacy-as-code tools
/// label data with these keys).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FideslangKey {
    /// The fideslang key, e.g. `user.health_and_medical` or `marketing.advertising.third_party`.
    pub id: String,
    /// The category or purpose id it stands for.
    pub means: String,
}

/// A harm to individuals (NIST PRAM's problems for individuals): what a finding risks.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Harm {
    pub id: String,
    pub title: String,
    pub description: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Mitigation {
    pub id: String,
    pub title: String,
    pub description: String,
    /// CEL over `deal`: when it holds, the deal's own facts put this mitigation in effect
    /// (with evidence: the fields in `because`) whether or not it is declared.
    #[serde(default)]
    pub implied_by: Option<Expr>,
    #[serde(default)]
    pub because: Vec<String>,
    /// How to try it on a deal (mitigation leverage): the deal fields it sets, as a scenario
    /// would. Without it, trying the mitigation means declaring it with evidence.
    #[serde(default)]
    pub apply: std::collections::BTreeMap<String, toml::Value>,
    /// CEL over `deal`: when it does not hold, the mitigation is not one this deal could take
    /// (provider-mediated offers for a flow the customer directs), and leverage does not offer
    /// it. Absent: always offered.
    #[serde(default)]
    pub applies_when: Option<Expr>,
    pub effects: Vec<Effect>,
    pub references: Vec<String>,
}

/// Lowers likelihood and/or severity of every finding it targets (by problem, area or rule).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Effect {
    #[serde(default)]
    pub problems: Vec<String>,
    #[serde(default)]
    pub areas: Vec<String>,
    #[serde(default)]
    pub rules: Vec<String>,
    #[serde(default)]
    pub likelihood: u8,
    #[serde(default)]
    pub severity: u8,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    /// The rank of `id` among every finding id of the pack (`Category::rank`).
    #[serde(skip)]
    pub rank: u32,
    /// Kebab-case name of the risky pattern.
    pub name: String,
    pub title: String,
    /// What makes the rule fire, in plain words (`explain`); `when` says it in CEL.
    pub fires_when: String,
    pub area: String,
    /// The NIST PRAM problematic data action this rule is an instance of.
    pub problem: String,
    pub severity: LevelSpec,
    pub likelihood: LevelSpec,
    /// CEL condition over `deal`, `facts` and `mitigations`.
    pub when: Expr,
    /// Optional CEL string expression that says, with figures, why the rule fired.
    #[serde(default)]
    pub message: Option<Expr>,
    /// Deal fields the rule reads, as paths (`datasets[].form` for every dataset).
    pub because: Vec<String>,
    #[serde(default)]
    pub blocking: bool,
    /// The harms this rule risks, when they differ from its problem's.
    #[serde(default)]
    pub harms: Vec<String>,
    /// A flag the report raises while the rule fires, e.g. "DPIA required".
    #[serde(default)]
    pub flag: Option<String>,
    pub rationale: String,
    pub recommendation: String,
    pub references: Vec<String>,
}
