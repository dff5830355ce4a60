//! `dealrisk calibrate` as text: every case with its label, score and drivers, then how the
//! scores track the outcomes (as shipped, cross-validated, held out), the bands by outcome, the
//! reliability of the score as a chance, and the worst misrankings.

use super::clean;
use super::terminal::{table, terminal_width};
use crate::cases::calibrate::{Calibrated, Figures};
use std::fmt::Write as _;

pub fn render(c: &Calibrated) -> String {
    let width = terminal_width();
    let mut out = String::new();
    let s = &c.shipped_figures;
    let _ = writeln!(
        out,
        "Calibration on {} cases of {}: {} ended in enforcement or serious backlash, {} did not\n",
        s.cases,
        clean(&c.library),
        s.ended_badly,
        s.cases - s.ended_badly
    );

    let mut t = table(&["case", "label", "score", "unseen", "drivers"], width);
    for r in &c.results {
        let held = if r.held_out { " (held out)" } else { "" };
        t.add_row(vec![
            clean(&r.case),
            r.label.name().to_string(),
            format!("{} {}", r.score, r.band),
            format!("{}{held}", r.unseen_score),
            r.drivers.join(", "),
        ]);
    }
    let _ = writeln!(out, "{t}");
    let _ = writeln!(
        out,
        "unseen: the score from a curve fitted without the case (see docs/scoring.md).\n"
    );

    let mut t = table(
        &[
            "figures",
            "cases",
            "AUC",
            "Spearman",
            "at 100",
            "severe < high",
            "good > medium",
        ],
        width,
    );
    for (name, f) in [
        ("as shipped", s),
        ("cross-validated", &c.cross_validated),
        ("held out", &c.held_out),
    ] {
        t.add_row(vec![
            name.to_string(),
            f.cases.to_string(),
            number(f.auc),
            number(f.spearman),
            format!("{:.0}%", 100.0 * f.at_100),
            f.severe_below_high.to_string(),
            f.good_above_medium.to_string(),
        ]);
    }
    let _ = writeln!(out, "How the score tracks the outcomes\n{t}");
    let _ = writeln!(
        out,
        "as shipped: every case, with the pack's curve\n\
         cross-validated: the fitting cases, each scored by a curve fitted without it\n\
         held out: the third of the library never used for fitting, scored by the curve fitted on the rest"
    );
    let _ = writeln!(
        out,
        "Spearman from separation alone: {} on all cases: what a score would reach that put every case\n\
         that ended badly above every other, each side in random order; the rest of a Spearman comes\n\
         from ordering severe above bad and acceptable above good\n",
        number(s.spearman_of_separation)
    );

    let _ = writeln!(out, "Bands by outcome (as shipped)\n{}\n", bands(s, width));
    let _ = writeln!(
        out,
        "Reliability (as shipped): the score read as the chance of ending badly\n{}\n",
        reliability(s, width)
    );

    let _ = writeln!(out, "Most misranked (cases of the other side ranked at or above them)");
    for case in &c.misranked {
        if let Some(r) = c.results.iter().find(|r| &r.case == case) {
            let _ = writeln!(
                out,
                "  {} ({}, score {}): against {}; {}",
                clean(&r.case),
                r.label.name(),
                r.score,
                r.misranked_against,
                r.drivers.join(", ")
            );
        }
    }
    if c.misranked.is_empty() {
        let _ = writeln!(out, "  none");
    }
    let _ = writeln!(
        out,
        "\nCurve: shipped midpoint {:.3}, steepness {:.3}; {}",
        c.shipped.midpoint,
        c.shipped.steepness,
        match &c.fitted {
            Some(f) => format!(
                "fitted on the fitting cases: midpoint {:.3}, steepness {:.3}",
                f.midpoint, f.steepness
            ),
            None => "no fit (the fitting cases are all on one side)".to_string(),
        }
    );
    out
}

fn number(x: Option<f64>) -> String {
    x.map_or("-".to_string(), |x| format!("{x:.3}"))
}

fn bands(f: &Figures, width: u16) -> String {
    let mut t = table(&["band", "severe", "bad", "acceptable", "good"], width);
    for row in &f.band_by_label {
        t.add_row(vec![
            row.band.clone(),
            row.severe.to_string(),
            row.bad.to_string(),
            row.acceptable.to_string(),
            row.good.to_string(),
        ]);
    }
    t.to_string()
}

fn reliability(f: &Figures, width: u16) -> String {
    let mut t = table(&["scores", "cases", "mean score", "ended badly"], width);
    for row in f.reliability.iter().filter(|r| r.cases > 0) {
        t.add_row(vec![
            format!("{}-{}", row.from, if row.to == 100 { 100 } else { row.to - 1 }),
            row.cases.to_string(),
            format!("{:.0}", row.mean_score),
            format!("{:.0}%", row.ended_badly),
        ]);
    }
    t.to_string()
}
