//! The pack's taxonomies as written in `rules/*.toml`: sensitive categories and the signals
//! and inferences that find them, purpose families and purposes with their drift modifiers,
//! predicates, sectors and jurisdictions. docs/rules.md documents every field.

use super::expr::Expr;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Category {
    pub id: String,
    /// Id of the finding filed when this category is present.
    pub rule: String,
    /// The rank of `rule` among every finding id of the pack (`RulePack::finding_ids`), in
    /// their order: what findings of equal risk are sorted by, without comparing their ids.
    #[serde(skip)]
    pub rank: u32,
    pub name: String,
    pub title: String,
    pub weight: u8,
    /// Weakest consent (a `consent_ladder` entry) under which this data may be used.
    pub consent_required: String,
    pub problem: String,
    /// The law or framework that makes the category sensitive.
    pub basis: String,
    #[serde(default)]
    pub fideslang: Vec<String>,
    pub signals: Signals,
    pub recommendation: String,
    pub rationale: String,
    pub references: Vec<String>,
}

/// Keywords that reveal a category in product descriptions or field names (evidence scans).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Signals {
    pub keywords: Vec<String>,
    pub word_boundary: bool,
    /// Words in a column's name or a data dictionary's description that reveal the category
    /// (`date of birth`, `diagnosis`), matched on word boundaries after `_` and `-` become
    /// spaces.
    #[serde(default)]
    pub fields: Vec<String>,
}

/// "This data reveals that trait": a category counts as present when `when` holds for a dataset.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Inference {
    pub id: String,
    pub reveals: String,
    /// Categories that must all be present in the dataset.
    #[serde(default)]
    pub from: Vec<String>,
    /// Further CEL condition over `dataset` and `deal`.
    #[serde(default)]
    pub when: Option<Expr>,
    pub likelihood: u8,
    /// Dataset fields (relative to the dataset) that the inference reads.
    pub because: Vec<String>,
    pub rationale: String,
    pub references: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Family {
    pub id: String,
    pub name: String,
    /// Drift distance from this family to every family (including itself).
    pub distance: BTreeMap<String, i64>,
    pub rationale: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Purpose {
    pub id: String,
    pub family: String,
    pub name: String,
    pub description: String,
    pub consent_required: String,
    #[serde(default)]
    pub fideslang: Vec<String>,
}

/// GDPR Art. 6(4)-style adjustment to the drift distance of every proposed purpose.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DriftModifier {
    pub id: String,
    pub title: String,
    /// CEL over `deal`, `purpose` (the proposed purpose id) and `mitigations`.
    pub when: Expr,
    pub delta: i64,
    pub because: Vec<String>,
    pub rationale: String,
    pub references: Vec<String>,
}

/// A named fact about the deal that many rules read (`facts.records_leave`): defined once, in
/// the pack, so that every rule means the same thing by it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Predicate {
    pub id: String,
    pub title: String,
    /// CEL over `deal`, `facts` and `mitigations`; it may not read another predicate.
    pub when: Expr,
    pub because: Vec<String>,
    pub rationale: String,
    pub references: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Sector {
    pub id: String,
    pub name: String,
    /// Recipient sectors that this sector's customers expect their data to reach.
    pub expected_recipients: Vec<String>,
}

/// A jurisdiction a party may name; rules read them (`'US-CA' in deal.provider.jurisdictions`),
/// so a misspelt one would silently switch laws off: deals may name only these.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Jurisdiction {
    pub id: String,
    pub name: String,
    /// Whether the pack's regulatory rules cover this jurisdiction's law. A deal naming one
    /// that is not covered gets an open question for counsel instead of a silent pass.
    #[serde(default = "covered")]
    pub covered: bool,
}

fn covered() -> bool {
    true
}
