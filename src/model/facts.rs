//! The facts rules read as `facts` in their conditions, derived from a deal through the pack's
//! taxonomies (`engine::facts` derives them), and how each was reached, as reports show it.

use crate::model::observed::EvidenceFacts;
use crate::model::paths::Cited;
use serde::Serialize;
use std::collections::BTreeMap;

/// What rule conditions see as `facts`.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Facts {
    /// Sensitive categories present after exclusions, declared or inferred.
    pub categories: Vec<String>,
    pub declared_categories: Vec<String>,
    /// Present only through inference.
    pub inferred_categories: Vec<String>,
    /// Weight of every category in the pack, by id.
    pub weights: BTreeMap<String, i64>,
    /// Likelihood of each category present (its strongest presence), by id.
    pub likelihoods: BTreeMap<String, i64>,
    pub max_weight: i64,
    /// Severity of the heaviest category present, 0 when none is.
    pub max_category_severity: i64,
    /// Largest drift distance of any proposed purpose, after modifiers.
    pub drift: i64,
    pub use_families: Vec<String>,
    pub collection_families: Vec<String>,
    /// Proposed purposes the collection notice did not name.
    pub unnoticed_purposes: Vec<String>,
    pub consent_rank: i64,
    pub required_consent_rank: i64,
    pub required_consent: String,
    /// Whether the provider's customers expect data to reach the recipient's sector.
    pub recipient_expected: bool,
    /// Largest known number of people in any dataset; `people_unknown` if any is unknown.
    pub max_people: i64,
    pub people_unknown: bool,
    /// Ids of the mitigations in effect, declared or implied by the deal's facts.
    pub mitigations: Vec<String>,
    /// Every jurisdiction of the provider and the recipient, sorted.
    pub jurisdictions: Vec<String>,
    /// What the scans of the datasets' samples show beside what they declare, one entry per
    /// dataset with evidence.
    pub evidence: Vec<EvidenceFacts>,
    /// The pack's predicates (`[[predicate]]`), by id: `facts.records_leave` in a condition.
    #[serde(flatten)]
    pub predicates: BTreeMap<String, bool>,
}

/// How a category came to be present in a dataset.
#[derive(Debug, Clone, Serialize)]
pub struct Presence {
    pub category: String,
    /// The category's equivalent keys in the fideslang taxonomy.
    pub fideslang: Vec<String>,
    pub dataset: String,
    /// `declared`, or the id of the inference rule.
    pub by: String,
    pub likelihood: u8,
    pub because: Vec<Cited>,
}

/// One proposed purpose's distance from the nearest purpose of collection.
#[derive(Debug, Clone, Serialize)]
pub struct PurposeDrift {
    pub purpose: String,
    /// The purpose's equivalent keys in the fideslang taxonomy (data uses).
    pub fideslang: Vec<String>,
    pub family: String,
    pub nearest_collection_purpose: Option<String>,
    pub base_distance: i64,
    pub modifiers: Vec<DriftStep>,
    pub distance: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct DriftStep {
    pub id: String,
    pub title: String,
    pub delta: i64,
}

/// A mitigation in effect: declared under [[mitigations]], or implied by the deal's facts.
#[derive(Debug, Clone, Serialize)]
pub struct InEffect {
    pub id: String,
    pub title: String,
    pub evidence: Option<String>,
    /// Declared without evidence: counts for `asserted_factor` of its effect.
    pub asserted: bool,
    /// The deal fields that put it in effect, when it is implied rather than declared.
    pub implied_by: Vec<Cited>,
}
