//! What the evidence stage found in a dataset's sample and dictionary, as the deal carries it
//! (`Dataset::observed`), as reports show it beside the declarations, and as rules read it
//! (`facts.evidence`).

use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// What the scan of one dataset's sample and dictionary found.
#[derive(Debug, Clone, Serialize)]
pub struct Observed {
    pub sample: Option<String>,
    pub dictionary: Option<String>,
    /// Records read (malformed ones excluded).
    pub rows: u64,
    pub malformed: u64,
    /// The first malformed rows, by line.
    pub malformed_lines: Vec<MalformedLine>,
    pub subject: Option<String>,
    /// Distinct subjects, when the sample names a subject column.
    pub subjects: Option<u64>,
    /// Rows whose text matches any category.
    pub sensitive_rows: u64,
    /// Distinct subjects with at least one such row.
    pub sensitive_subjects: Option<u64>,
    /// Every category the data reveal, in pack order.
    pub categories: Vec<Seen>,
    pub reidentification: Option<Reidentification>,
    /// How many subjects 1 to 4 of their (place, day) points single out ("unique in the
    /// shopping mall"), when the sample names timestamps and places.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unicity: Option<Unicity>,
}

/// The unicity measure of a sample: the columns it read and each number of points drawn.
#[derive(Debug, Clone, Serialize)]
pub struct Unicity {
    pub timestamp: String,
    pub places: Vec<String>,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MalformedLine {
    pub line: u64,
    pub problem: String,
}

/// One category the data reveal, and how.
#[derive(Debug, Clone, Serialize)]
pub struct Seen {
    pub category: String,
    /// Rows whose text columns hold one of its keywords.
    pub rows: u64,
    /// Distinct subjects with such a row.
    pub subjects: Option<u64>,
    /// Those subjects' share of all subjects (of rows, without a subject column), 0 to 1.
    pub share: f64,
    /// The most frequent matching text values and their rows.
    pub top_values: Vec<ValueCount>,
    /// Columns (or dictionary fields) whose name or description reveals it.
    pub columns: Vec<String>,
    /// Columns whose values have a shape that reveals it: `shape in column`.
    pub shapes: Vec<String>,
    /// All of it in words, for messages.
    pub summary: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ValueCount {
    pub value: String,
    pub rows: u64,
}

/// Equivalence classes over the quasi-identifiers: records are one per distinct subject and
/// quasi-identifier tuple (one per row without a subject column).
#[derive(Debug, Clone, Serialize)]
pub struct Reidentification {
    pub quasi_identifiers: Vec<String>,
    pub k: u64,
    pub records: u64,
    pub classes: u64,
    /// Records alone in their class (k = 1).
    pub unique: u64,
    /// Records in classes smaller than k.
    pub under_k: u64,
    pub unique_share: f64,
    pub under_k_share: f64,
    pub min_k: u64,
    /// The unique share with each quasi-identifier left out, most identifying first.
    pub unique_share_without: Vec<WithoutOne>,
}

#[derive(Debug, Clone, Serialize)]
pub struct WithoutOne {
    pub quasi_identifier: String,
    pub unique_share: f64,
}

/// For p points drawn: how many subjects have at least p points, and how many of them no one
/// else shares all p with.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    pub points: u64,
    pub subjects: u64,
    pub unique: u64,
    pub share: f64,
}

impl Step {
    pub fn new(points: u64, subjects: u64, unique: u64) -> Step {
        let share = if subjects > 0 {
            unique as f64 / subjects as f64
        } else {
            0.0
        };
        Step {
            points,
            subjects,
            unique,
            share,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DatasetEvidence {
    pub dataset: String,
    pub declared_form: String,
    pub declared_categories: Vec<String>,
    pub excluded: Vec<String>,
    pub observed: Arc<Observed>,
}

/// The evidence of one dataset as rules read it (`facts.evidence`).
#[derive(Debug, Clone, Serialize)]
pub struct EvidenceFacts {
    pub dataset: String,
    pub declared_form: String,
    /// Categories the data reveal.
    pub observed: Vec<String>,
    /// Observed, neither declared nor excluded.
    pub undeclared: Vec<String>,
    /// Excluded at source, yet observed.
    pub contradicted_exclusions: Vec<String>,
    /// For each observed category, how it was seen, in words.
    pub seen: BTreeMap<String, String>,
    pub rows: u64,
    pub records: u64,
    pub classes: u64,
    pub k: u64,
    pub k1_share: f64,
    pub klt_k_share: f64,
    pub k1_percent: String,
    pub klt_k_percent: String,
    pub min_k: u64,
    pub quasi_identifiers: Vec<String>,
    /// The quasi-identifier whose absence lowers uniqueness most, or "".
    pub most_identifying: String,
    /// The fewest (place, day) points that single out half the subjects or more (1 to 4), or
    /// 0 when four do not or the sample has no such points.
    pub unique_by_points: u64,
    /// The share of subjects that many points single out, and in words.
    pub unique_by_points_share: f64,
    pub unique_by_points_percent: String,
}

pub fn facts(e: &DatasetEvidence) -> EvidenceFacts {
    let observed = &e.observed;
    let ids: Vec<String> = observed.categories.iter().map(|s| s.category.clone()).collect();
    let reid = observed.reidentification.as_ref();
    let fewest = observed
        .unicity
        .as_ref()
        .and_then(|u| u.steps.iter().find(|s| s.subjects > 0 && s.share >= 0.5));
    EvidenceFacts {
        dataset: e.dataset.clone(),
        declared_form: e.declared_form.clone(),
        undeclared: ids
            .iter()
            .filter(|c| !e.declared_categories.contains(c) && !e.excluded.contains(c))
            .cloned()
            .collect(),
        contradicted_exclusions: ids.iter().filter(|c| e.excluded.contains(c)).cloned().collect(),
        seen: observed
            .categories
            .iter()
            .map(|s| (s.category.clone(), s.summary.clone()))
            .collect(),
        observed: ids,
        rows: observed.rows,
        records: reid.map_or(0, |r| r.records),
        classes: reid.map_or(0, |r| r.classes),
        k: reid.map_or(0, |r| r.k),
        k1_share: reid.map_or(0.0, |r| r.unique_share),
        klt_k_share: reid.map_or(0.0, |r| r.under_k_share),
        k1_percent: percent(reid.map_or(0.0, |r| r.unique_share)),
        klt_k_percent: percent(reid.map_or(0.0, |r| r.under_k_share)),
        min_k: reid.map_or(0, |r| r.min_k),
        quasi_identifiers: reid.map_or(Vec::new(), |r| r.quasi_identifiers.clone()),
        most_identifying: reid
            .and_then(|r| r.unique_share_without.first())
            .filter(|w| reid.is_some_and(|r| w.unique_share < r.unique_share))
            .map_or(String::new(), |w| w.quasi_identifier.clone()),
        unique_by_points: fewest.map_or(0, |s| s.points),
        unique_by_points_share: fewest.map_or(0.0, |s| s.share),
        unique_by_points_percent: percent(fewest.map_or(0.0, |s| s.share)),
    }
}

/// A share as a percentage with one decimal (`12.3%`).
pub fn percent(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}
