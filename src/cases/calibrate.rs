//! `dealrisk calibrate`: assesses every case of a library of real deals with known outcomes and
//! measures how well the score tracks them (docs/scoring.md). The two numbers of the
//! calibration curve are the only ones fitted to the library; the figures are therefore given
//! three ways: with the pack as shipped, cross-validated (leave one out) over the fitting
//! cases, and on the fixed third of the library that is never used for fitting.

use super::library::{self, Case, Library};
use super::metrics;
use crate::engine::evaluate::rescore;
use crate::model::precedent::Label;
use crate::model::report::Report;
use crate::pack::{Calibration, RulePack, Scoring};
use anyhow::Result;
use rayon::prelude::*;
use serde::Serialize;

/// Findings shown per case: the ones carrying most points.
const DRIVERS: usize = 3;
/// Misranked cases listed.
const MISRANKED: usize = 8;

/// One case as assessed.
#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    pub case: String,
    pub label: Label,
    pub year: u32,
    pub held_out: bool,
    pub score: u32,
    pub band: String,
    /// The deal's risk index before calibration (the sum of its groups' weights).
    pub index: f64,
    /// With the curve fitted without this case (fitting cases), or on the fitting cases (held
    /// out ones): the score the case would get had the library not seen it.
    pub unseen_score: u32,
    /// The findings with most points, `RULE (points)`.
    pub drivers: Vec<String>,
    /// How many cases of the other side of the line it is ranked wrongly against.
    pub misranked_against: usize,
    pub what_happened: String,
}

/// How one set of scores tracks the outcomes.
#[derive(Debug, Clone, Serialize)]
pub struct Figures {
    pub cases: usize,
    pub ended_badly: usize,
    /// Chance that a case that ended badly scores above one that did not.
    pub auc: Option<f64>,
    /// Rank correlation of the score with the label (good 0, acceptable 1, bad 2, severe 3).
    pub spearman: Option<f64>,
    /// The Spearman a score would reach, on average, that separated the outcomes perfectly and
    /// ordered each side at random: the part of the Spearman that separation alone can earn.
    pub spearman_of_separation: Option<f64>,
    /// Share of cases at exactly 100.
    pub at_100: f64,
    /// Severe cases below high, and good cases above medium.
    pub severe_below_high: usize,
    pub good_above_medium: usize,
    /// Rows: bands, lowest first; columns: labels, severe first.
    pub band_by_label: Vec<BandRow>,
    /// Cases grouped by score, with how many of them ended badly.
    pub reliability: Vec<ReliabilityRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BandRow {
    pub band: String,
    pub severe: usize,
    pub bad: usize,
    pub acceptable: usize,
    pub good: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ReliabilityRow {
    /// Scores from `from` up to (not including) `to`; the last row includes 100.
    pub from: u32,
    pub to: u32,
    pub cases: usize,
    pub mean_score: f64,
    /// Share of the row's cases that ended badly, in percent.
    pub ended_badly: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Calibrated {
    pub library: String,
    /// The curve the pack ships, and the curve fitted on the fitting cases.
    pub shipped: Calibration,
    pub fitted: Option<Calibration>,
    pub results: Vec<CaseResult>,
    /// Every case, scored with the pack as shipped.
    pub shipped_figures: Figures,
    /// Fitting cases, each scored by a curve fitted without it.
    pub cross_validated: Figures,
    /// The held-out third, scored by the curve fitted on the fitting cases.
    pub held_out: Figures,
    /// The cases ranked most wrongly, worst first.
    pub misranked: Vec<String>,
}

/// Assesses every case of a library and measures the scores against the outcomes.
pub fn calibrate(library: &Library, pack: &RulePack) -> Result<Calibrated> {
    let cases = library::load(library, pack)?;
    let reports: Vec<Report> = cases
        .par_iter()
        .map(|c| crate::engine::assess::assess(&c.deal_file, &c.deal.deal, pack))
        .collect::<Result<_>>()?;
    let fitting: Vec<usize> = (0..cases.len()).filter(|&i| !library::held_out(&cases[i].id)).collect();
    let fit_on = |rows: &[usize]| {
        let index: Vec<f64> = rows.iter().map(|&i| reports[i].index).collect();
        let bad: Vec<bool> = rows.iter().map(|&i| cases[i].outcome.label.ended_badly()).collect();
        metrics::fit(&index, &bad).map(|(midpoint, steepness)| Calibration { midpoint, steepness })
    };
    let fitted = fit_on(&fitting);
    let with = |calibration: Option<Calibration>| Scoring {
        calibration: calibration.unwrap_or(pack.scoring.calibration),
        ..pack.scoring.clone()
    };
    let unseen: Vec<u32> = (0..cases.len())
        .into_par_iter()
        .map(|i| {
            let curve = if library::held_out(&cases[i].id) {
                fitted
            } else {
                let others: Vec<usize> = fitting.iter().copied().filter(|&j| j != i).collect();
                fit_on(&others)
            };
            rescore(&reports[i], &with(curve)).score
        })
        .collect();

    let shipped_scores: Vec<u32> = reports.iter().map(|r| r.residual.score).collect();
    let all: Vec<usize> = (0..cases.len()).collect();
    let held: Vec<usize> = (0..cases.len()).filter(|&i| library::held_out(&cases[i].id)).collect();
    let figures = |rows: &[usize], scores: &[u32]| figures(&cases, rows, scores, &pack.scoring);
    let mut results: Vec<CaseResult> = cases
        .iter()
        .zip(&reports)
        .enumerate()
        .map(|(i, (case, report))| result(case, report, unseen[i], misranked_against(&cases, &shipped_scores, i)))
        .collect();
    results.sort_by(|a, b| {
        a.label
            .cmp(&b.label)
            .then(b.score.cmp(&a.score))
            .then(a.case.cmp(&b.case))
    });
    let mut misranked: Vec<&CaseResult> = results.iter().filter(|r| r.misranked_against > 0).collect();
    misranked.sort_by(|a, b| b.misranked_against.cmp(&a.misranked_against).then(a.case.cmp(&b.case)));
    Ok(Calibrated {
        library: library.describe(),
        shipped: pack.scoring.calibration,
        fitted,
        shipped_figures: figures(&all, &shipped_scores),
        cross_validated: figures(&fitting, &unseen),
        held_out: figures(&held, &unseen),
        misranked: misranked.iter().take(MISRANKED).map(|r| r.case.clone()).collect(),
        results,
    })
}

fn result(case: &Case, report: &Report, unseen_score: u32, misranked_against: usize) -> CaseResult {
    let mut drivers: Vec<&crate::model::report::Finding> = report.findings.iter().filter(|f| f.points > 0).collect();
    drivers.sort_by(|a, b| b.points.cmp(&a.points).then(a.rule.cmp(&b.rule)));
    CaseResult {
        case: case.id.clone(),
        label: case.outcome.label,
        year: case.outcome.year,
        held_out: library::held_out(&case.id),
        score: report.residual.score,
        band: report.residual.band.clone(),
        index: report.index,
        unseen_score,
        drivers: drivers
            .iter()
            .take(DRIVERS)
            .map(|f| format!("{} ({})", f.rule, f.points))
            .collect(),
        misranked_against,
        what_happened: case.outcome.what_happened.trim().to_string(),
    }
}

/// Cases on the other side of the line (ended badly or not) that this case is ranked wrongly
/// against: a bad case scoring at or below a good one, or the reverse.
fn misranked_against(cases: &[Case], scores: &[u32], i: usize) -> usize {
    let bad = cases[i].outcome.label.ended_badly();
    (0..cases.len())
        .filter(|&j| cases[j].outcome.label.ended_badly() != bad)
        .filter(|&j| {
            if bad {
                scores[i] <= scores[j]
            } else {
                scores[i] >= scores[j]
            }
        })
        .count()
}

/// Reliability rows: the bands' limits, with the two wide bands split in halves.
const RELIABILITY_LIMITS: [u32; 7] = [0, 15, 25, 35, 50, 65, 80];

fn figures(cases: &[Case], rows: &[usize], scores: &[u32], scoring: &Scoring) -> Figures {
    let score: Vec<f64> = rows.iter().map(|&i| f64::from(scores[i])).collect();
    let labels: Vec<Label> = rows.iter().map(|&i| cases[i].outcome.label).collect();
    let bad: Vec<bool> = labels.iter().map(|l| l.ended_badly()).collect();
    let rank: Vec<f64> = labels.iter().map(|l| l.rank()).collect();
    let band = |s: u32| crate::engine::score::band_of(scoring, s);
    let (high, medium) = (scoring.bands.len().saturating_sub(2), 1);
    let count = |f: &dyn Fn(usize) -> bool| rows.iter().filter(|&&i| f(i)).count();
    Figures {
        cases: rows.len(),
        ended_badly: bad.iter().filter(|b| **b).count(),
        auc: metrics::auc(&score, &bad),
        spearman: metrics::spearman(&score, &rank),
        spearman_of_separation: metrics::spearman_of_separation(&bad, &rank),
        at_100: if rows.is_empty() {
            0.0
        } else {
            count(&|i| scores[i] == 100) as f64 / rows.len() as f64
        },
        severe_below_high: count(&|i| cases[i].outcome.label == Label::Severe && band(scores[i]) < high),
        good_above_medium: count(&|i| cases[i].outcome.label == Label::Good && band(scores[i]) > medium),
        band_by_label: scoring
            .bands
            .iter()
            .enumerate()
            .map(|(b, def)| {
                let n = |l: Label| count(&|i| band(scores[i]) == b && cases[i].outcome.label == l);
                BandRow {
                    band: def.id.clone(),
                    severe: n(Label::Severe),
                    bad: n(Label::Bad),
                    acceptable: n(Label::Acceptable),
                    good: n(Label::Good),
                }
            })
            .collect(),
        reliability: RELIABILITY_LIMITS
            .iter()
            .enumerate()
            .map(|(k, &from)| {
                let to = RELIABILITY_LIMITS.get(k + 1).copied().unwrap_or(101);
                let inside: Vec<usize> = rows
                    .iter()
                    .copied()
                    .filter(|&i| (from..to).contains(&scores[i]))
                    .collect();
                let n = inside.len().max(1) as f64;
                ReliabilityRow {
                    from,
                    to: to.min(100),
                    cases: inside.len(),
                    mean_score: inside.iter().map(|&i| f64::from(scores[i])).sum::<f64>() / n,
                    ended_badly: 100.0
                        * inside.iter().filter(|&&i| cases[i].outcome.label.ended_badly()).count() as f64
                        / n,
                }
            })
            .collect(),
    }
}
