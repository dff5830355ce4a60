//! Output formats. Each renders finished reports and computes nothing.

pub mod calibration;
pub mod csv;
pub mod explain;
pub mod github;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod output;
pub mod sarif;
pub mod stream;
pub mod summary;
pub mod table;
pub mod terminal;
pub mod worksheet;

/// Removes from text taken from a deal file what a terminal would act on (control characters,
/// bidirectional overrides) and what XML 1.0 cannot hold (U+FFFE, U+FFFF); line breaks stay.
pub fn clean(text: &str) -> String {
    text.chars()
        .filter(|&c| c == '\n' || !(crate::input::diagnostic::is_unsafe(c) || c == '\u{fffe}' || c == '\u{ffff}'))
        .collect()
}

use crate::model::observed::DatasetEvidence;
use crate::model::report::{Finding, Report, Waived};

/// Many deals, worst first (then by file): the order of every portfolio summary.
pub fn worst_first(reports: &[Report]) -> Vec<&Report> {
    let mut order: Vec<&Report> = reports.iter().collect();
    order.sort_by(|a, b| {
        b.residual
            .score
            .cmp(&a.residual.score)
            .then_with(|| a.file.cmp(&b.file))
    });
    order
}

/// The report's waivers in one sentence, if any finding is waived.
/// The answer an open question is scored as, for display: the rules grade judgements
/// themselves, so these read "graded by the rules".
pub fn assumed(q: &crate::model::report::OpenQuestion) -> String {
    match (&q.assumed, &q.note) {
        (Some(a), _) => clean(a),
        (None, Some(note)) => clean(note),
        (None, None) => "graded by the rules".to_string(),
    }
}

pub fn waived_line(r: &Report) -> Option<String> {
    r.waived.as_ref().map(|w| {
        format!(
            "{} finding(s) waived as accepted risks: without them the deal scores {} ({}), which the thresholds read.",
            w.findings, w.residual.score, w.residual.band
        )
    })
}

/// One waiver as a finding shows it.
pub fn waiver_note(w: &Waived) -> String {
    format!(
        "waived until {} by {}: {} ({})",
        w.expires,
        clean(&w.owner),
        clean(&w.reason),
        w.source
    )
}

/// What changed since the baseline report, in one sentence.
pub fn baseline_line(r: &Report) -> Option<String> {
    let b = r.baseline.as_ref()?;
    let Some(before) = &b.before else {
        return Some("Not in the baseline: every finding is new.".to_string());
    };
    let mut parts = vec![format!("{} new", b.new.len()), format!("{} worse", b.worse.len())];
    parts.push(format!("{} resolved", b.resolved.len()));
    let band = if b.band_crossed {
        format!("; band crossed from {} to {}", before.band, r.residual.band)
    } else {
        String::new()
    };
    let shown = if b.is_worse() {
        "only the new and worse findings are shown"
    } else {
        "nothing new or worse, so no finding is shown"
    };
    Some(format!(
        "Since the baseline (then {} {}): {}{band}; {shown}.",
        before.score,
        before.band,
        parts.join(", ")
    ))
}

/// A finding's baseline state in words, when it has one worth telling.
pub fn baseline_note(f: &Finding, r: &Report) -> Option<String> {
    match f.baseline.as_deref()? {
        "new" => Some("new since the baseline".to_string()),
        "worse" => {
            let before = r
                .baseline
                .as_ref()
                .and_then(|b| b.worse.iter().find(|w| w.rule == f.rule))
                .map_or(0, |w| w.before);
            Some(format!("worse since the baseline (residual risk was {before})"))
        }
        _ => None,
    }
}

/// The heading of a dataset's evidence: what was scanned.
pub fn evidence_heading(e: &DatasetEvidence) -> String {
    let o = &e.observed;
    let what = match (&o.sample, &o.dictionary) {
        (Some(s), Some(d)) => format!("the sample {s} and the dictionary {d}"),
        (Some(s), None) => format!("the sample {s}"),
        (None, Some(d)) => format!("the dictionary {d}"),
        (None, None) => "nothing".to_string(),
    };
    let size = match (o.subjects, &o.subject) {
        (Some(n), Some(col)) => format!(": {} rows, {n} distinct {col}", o.rows),
        _ if o.sample.is_some() => format!(": {} rows", o.rows),
        _ => String::new(),
    };
    let malformed = if o.malformed > 0 {
        format!(" ({} malformed rows skipped)", o.malformed)
    } else {
        String::new()
    };
    format!(
        "Evidence for dataset `{}` from {what}{size}{malformed}",
        clean(&e.dataset)
    )
}

/// What the deal says of a category: excluded at source, declared, or neither.
pub fn declared_as(e: &DatasetEvidence, category: &str) -> &'static str {
    if e.excluded.iter().any(|c| c == category) {
        "excluded"
    } else if e.declared_categories.iter().any(|c| c == category) {
        "declared"
    } else {
        "not declared"
    }
}

/// One row per category declared, excluded or seen: (category, declared, seen in the data).
pub fn evidence_rows(e: &DatasetEvidence) -> Vec<[String; 3]> {
    let mut ids: Vec<&str> = e
        .declared_categories
        .iter()
        .chain(&e.excluded)
        .map(String::as_str)
        .chain(e.observed.categories.iter().map(|s| s.category.as_str()))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.into_iter()
        .map(|id| {
            let declared = declared_as(e, id);
            let seen = e
                .observed
                .categories
                .iter()
                .find(|s| s.category == id)
                .map_or("not seen".to_string(), |s| clean(&s.summary));
            [id.to_string(), declared.to_string(), seen]
        })
        .collect()
}

/// The re-identification measures in one sentence, beside the declared form.
pub fn reidentification_line(e: &DatasetEvidence) -> Option<String> {
    let r = e.observed.reidentification.as_ref()?;
    let most = r
        .unique_share_without
        .first()
        .filter(|w| w.unique_share < r.unique_share)
        .map(|w| {
            format!(
                "; {} identifies most (without it {} unique)",
                w.quasi_identifier,
                crate::model::observed::percent(w.unique_share)
            )
        })
        .unwrap_or_default();
    Some(format!(
        "Declared form {}. On {}: {} of {} records are unique, {} in classes under k = {}, the smallest class {}{most}.",
        e.declared_form,
        r.quasi_identifiers.join(", "),
        crate::model::observed::percent(r.unique_share),
        r.records,
        crate::model::observed::percent(r.under_k_share),
        r.k,
        r.min_k
    ))
}

/// The unicity measure in one sentence: how many subjects 1 to 4 of their points single out.
pub fn unicity_line(e: &DatasetEvidence) -> Option<String> {
    let u = e.observed.unicity.as_ref()?;
    let steps: Vec<String> = u
        .steps
        .iter()
        .filter(|s| s.subjects > 0)
        .map(|s| {
            format!(
                "{} point{}: {} of {}",
                s.points,
                if s.points == 1 { "" } else { "s" },
                crate::model::observed::percent(s.share),
                s.subjects
            )
        })
        .collect();
    let places = u.places.join(" and ");
    Some(if steps.is_empty() {
        format!(
            "No subject has a (place, day) point on {places} and the day of {}.",
            u.timestamp
        )
    } else {
        format!(
            "Unique by their own (place, day) points, on {places} and the day of {}, drawn at random with a fixed seed: {}.",
            u.timestamp,
            steps.join("; ")
        )
    })
}
