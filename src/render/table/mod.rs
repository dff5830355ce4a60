//! `--format table` (the default): the report for a person at a terminal. The first screen
//! carries the verdict, the score by area and the findings in one line each; the detail of
//! every finding and the open questions follow. Fits the terminal, or 100 columns when piped.

use super::terminal::{clean, in_band_colour, in_blocking_colour, table, terminal_width, wrap};
use super::{
    baseline_line, baseline_note, evidence_heading, evidence_rows, reidentification_line, unicity_line, waived_line,
    waiver_note,
};
use crate::model::report::{Finding, Report};
use std::fmt::Write as _;

mod whatif;
use whatif::{caveated_areas, leverage, scenarios};

pub fn render(reports: &[Report]) -> String {
    let width = terminal_width();
    let mut out = String::new();
    if reports.len() > 1 {
        let _ = writeln!(out, "{} deals assessed, worst first", reports.len());
        let any_waived = reports.iter().any(|r| r.waived.is_some());
        let mut header = vec!["deal", "score", "verdict", "top finding"];
        if any_waived {
            header.push("waived");
        }
        let mut t = table(&header, width);
        for r in super::worst_first(reports) {
            let top = r
                .reported_findings()
                .next()
                .map_or("-".to_string(), |f| format!("{} {}", f.rule, clean(&f.title)));
            let mut row = vec![
                clean(&r.file),
                format!("{} {}", r.residual.score, r.residual.band),
                r.verdict.clone(),
                top,
            ];
            if any_waived {
                row.push(r.waived.as_ref().map_or("-".to_string(), |w| {
                    format!("{} ({} {} without)", w.findings, w.residual.score, w.residual.band)
                }));
            }
            t.add_row(row);
        }
        let _ = writeln!(out, "{t}\n");
    }
    for (i, report) in reports.iter().enumerate() {
        if i > 0 {
            out.push_str(&"=".repeat(usize::from(width)));
            out.push('\n');
        }
        one(&mut out, report, width);
    }
    out
}

/// Deals like this one: each case's title, how it ended, what happened, what it shares with
/// the deal and a source (`dealrisk precedents` prints the same).
pub fn precedents(out: &mut String, precedents: &[crate::model::precedent::Precedent], width: u16) {
    if precedents.is_empty() {
        return;
    }
    out.push('\n');
    wrap(
        out,
        "",
        "Deals like this one, from the case library (what happened to them; they never change the score)",
        0,
        width,
    );
    for (i, p) in precedents.iter().enumerate() {
        let head = format!("{}. ", i + 1);
        let title = format!(
            "{} ({}, {}; similarity {:.2})",
            p.title,
            p.label.name(),
            p.year,
            p.similarity
        );
        // Words whole: a link split in two no longer opens, nor does `line-item` read well.
        let whole = |out: &mut String, first: &str, text: &str, indent: usize| {
            let indent = " ".repeat(indent);
            let options = textwrap::Options::new(usize::from(width))
                .initial_indent(first)
                .subsequent_indent(&indent)
                .break_words(false)
                .word_separator(textwrap::WordSeparator::AsciiSpace)
                .word_splitter(textwrap::WordSplitter::NoHyphenation);
            for line in textwrap::wrap(&clean(text).replace('\n', " "), options) {
                let _ = writeln!(out, "{line}");
            }
        };
        whole(out, &head, &title, head.len());
        whole(out, "   what happened: ", &p.what_happened, 3);
        whole(out, "   shared: ", &p.shared.join(", "), 3);
        whole(out, "   source: ", &p.source, 3);
    }
}

fn one(out: &mut String, r: &Report, width: u16) {
    let d = &r.deal;
    let party = |p: &crate::model::report::PartySummary| {
        let places = if p.jurisdictions.is_empty() {
            String::new()
        } else {
            format!("; {}", p.jurisdictions.join(", "))
        };
        format!("{} ({}{places})", p.name, p.sector)
    };
    wrap(out, "", &d.title, 0, width);
    let _ = writeln!(out, "deal `{}` from {}", clean(&d.id), clean(&r.file));
    wrap(out, "from: ", &party(&d.provider), 6, width);
    wrap(out, "to:   ", &party(&d.recipient), 6, width);
    wrap(out, "collected for: ", &d.collection_purposes.join(", "), 15, width);
    wrap(out, "proposed for:  ", &d.proposed_purposes.join(", "), 15, width);
    let _ = writeln!(out);
    let headline = format!(
        "RISK {}/100  {}  verdict: {}",
        r.residual.score,
        r.residual.band.to_uppercase(),
        r.verdict
    );
    let _ = writeln!(out, "{}", in_band_colour(&headline, r.residual.rank));
    let declared = r.mitigations.len();
    let change = format!(
        "inherent {} ({}) -> residual {} ({}) with {declared} mitigation(s) in effect",
        r.inherent.score, r.inherent.band, r.residual.score, r.residual.band
    );
    wrap(out, "", &change, 0, width);
    let blocking = r.blocking_rules();
    if !blocking.is_empty() {
        wrap(
            out,
            &in_blocking_colour("BLOCKING: "),
            &format!(
                "{} (a legal gate: only a mitigation that cures it lifts it)",
                blocking.join(", ")
            ),
            10,
            width,
        );
    }
    wrap(out, "", &r.advice, 0, width);
    for line in [waived_line(r), baseline_line(r)].into_iter().flatten() {
        wrap(out, "", &line, 0, width);
    }

    let _ = writeln!(out, "\nScore by area");
    let mut areas = table(&["area", "points", "findings", "blocking"], width);
    for a in &r.areas {
        areas.add_row(vec![
            a.title.clone(),
            a.points.to_string(),
            a.findings.to_string(),
            a.blocking.to_string(),
        ]);
    }
    areas.add_row(vec![
        "total".to_string(),
        r.residual.score.to_string(),
        r.findings.len().to_string(),
        blocking.len().to_string(),
    ]);
    let _ = writeln!(out, "{areas}");
    if let Some(floor) = &r.floor {
        wrap(
            out,
            "",
            &format!(
                "{} of the points are a floor set by {}: {}.",
                floor.points, floor.rule, floor.why
            ),
            0,
            width,
        );
    }

    caveated_areas(out, r, width);
    scenarios(out, r, width);
    leverage(out, r, width);
    precedents(out, &r.precedents, width);

    out.push('\n');
    wrap(
        out,
        "",
        "Findings, highest residual risk first (risk = likelihood x severity, 1 to 16)",
        0,
        width,
    );
    let mut findings = table(&["#", "rule", "risk", "points", "finding"], width);
    for (i, f) in r.reported_findings().enumerate() {
        let points = if f.covered_by.is_some() {
            format!("{}*", f.points)
        } else {
            f.points.to_string()
        };
        let mut title = clean(&f.title);
        if f.blocking {
            title.push_str(" (BLOCKING)");
        }
        if f.waived.is_some() {
            title.push_str(" (WAIVED)");
        }
        if let Some(state) = &f.baseline {
            title.push_str(&format!(" ({})", state.to_uppercase()));
        }
        findings.add_row(vec![(i + 1).to_string(), f.rule.clone(), risk_cell(f), points, title]);
    }
    let _ = writeln!(out, "{findings}");
    wrap(
        out,
        "",
        "Points marked *: the finding is the same problem as a worse one, which counts in full; it adds only a small share.",
        0,
        width,
    );

    for e in &r.evidence {
        let _ = writeln!(out);
        wrap(out, "", &evidence_heading(e), 0, width);
        let mut t = table(&["category", "in the deal", "in the data"], width);
        for row in evidence_rows(e) {
            t.add_row(row.to_vec());
        }
        let _ = writeln!(out, "{t}");
        for line in reidentification_line(e).into_iter().chain(unicity_line(e)) {
            wrap(out, "", &line, 0, width);
        }
    }

    if !r.sensitive_categories.is_empty() {
        out.push('\n');
        wrap(
            out,
            "",
            "Sensitive categories present (declared, or inferred from what the data reveals)",
            0,
            width,
        );
        let mut categories = table(&["category", "dataset", "how", "likelihood"], width);
        for p in &r.sensitive_categories {
            categories.add_row(vec![
                p.category.clone(),
                clean(&p.dataset),
                p.by.clone(),
                p.likelihood.to_string(),
            ]);
        }
        let _ = writeln!(out, "{categories}");
    }

    out.push('\n');
    wrap(
        out,
        "",
        "Purpose compatibility (drift 0 = same purpose, 5 = unrelated context with coercive power)",
        0,
        width,
    );
    let mut drift = table(
        &[
            "proposed purpose",
            "nearest original purpose",
            "base",
            "adjustments",
            "drift",
        ],
        width,
    );
    for d in &r.purpose_drift {
        let steps: Vec<String> = d
            .modifiers
            .iter()
            .map(|m| format!("{:+} {}", m.delta, m.title))
            .collect();
        drift.add_row(vec![
            format!("{} ({})", d.purpose, d.family),
            d.nearest_collection_purpose.clone().unwrap_or_else(|| "-".to_string()),
            d.base_distance.to_string(),
            if steps.is_empty() {
                "-".to_string()
            } else {
                steps.join("\n")
            },
            d.distance.to_string(),
        ]);
    }
    let _ = writeln!(out, "{drift}");

    if !r.mitigations.is_empty() {
        let _ = writeln!(out, "\nMitigations in effect");
        let mut mitigations = table(&["mitigation", "on what evidence"], width);
        for m in &r.mitigations {
            let basis = match (&m.evidence, m.implied_by.is_empty()) {
                (Some(evidence), _) => clean(evidence),
                (None, false) => {
                    let fields: Vec<String> = m
                        .implied_by
                        .iter()
                        .map(|c| format!("{} = {}", c.path, c.value))
                        .collect();
                    format!("implied by {}", fields.join(", "))
                }
                (None, true) => "asserted: no evidence given, so it counts for half, rounded down".to_string(),
            };
            mitigations.add_row(vec![format!("{}\n{}", m.id, clean(&m.title)), basis]);
        }
        let _ = writeln!(out, "{mitigations}");
    }

    let _ = writeln!(out, "\nWhy each finding fired, and what to do");
    for (i, f) in r.reported_findings().enumerate() {
        details(out, i + 1, f, width);
        let notes = [f.waived.as_ref().map(waiver_note), baseline_note(f, r)];
        for note in notes.into_iter().flatten() {
            wrap(out, "    ", &note, 4, width);
        }
    }

    if r.open_questions.is_empty() {
        let _ = writeln!(out, "\nNo open questions: every fact is answered.");
    } else {
        out.push('\n');
        wrap(
            out,
            "",
            "Open questions: facts marked `unknown`, scored as the answer that costs most until answered",
            0,
            width,
        );
        let mut questions = table(&["field", "scored as", "read by", "raised"], width);
        for q in &r.open_questions {
            let fired = if q.fired.is_empty() {
                "-".to_string()
            } else {
                q.fired.join(", ")
            };
            questions.add_row(vec![q.path.clone(), super::assumed(q), q.read_by.join(", "), fired]);
        }
        let _ = writeln!(out, "{questions}");
    }
}

fn risk_cell(f: &Finding) -> String {
    if f.residual_risk == f.inherent_risk {
        f.residual_risk.to_string()
    } else {
        format!("{} (was {})", f.residual_risk, f.inherent_risk)
    }
}

fn details(out: &mut String, number: usize, f: &Finding, width: u16) {
    let _ = writeln!(out);
    wrap(
        out,
        &format!("{number:>2}. "),
        &format!("{}  {}", f.rule, f.title),
        4,
        width,
    );
    let mut facts = format!(
        "{} · {} · severity {} ({}) x likelihood {} = {}",
        f.area, f.problem, f.residual_severity, f.residual_severity_level, f.residual_likelihood, f.residual_risk
    );
    if f.blocking {
        facts.push_str(" · BLOCKING");
    }
    wrap(out, "    ", &facts, 4, width);
    if let Some(by) = &f.covered_by {
        wrap(
            out,
            "    ",
            &format!("counted in {by}, the worst finding of the same problem"),
            4,
            width,
        );
    }
    wrap(out, "    why: ", &f.message, 9, width);
    for c in &f.why {
        wrap(out, "      ", &format!("{} = {}", c.path, c.value), 8, width);
    }
    if !f.mitigations.is_empty() {
        let applied: Vec<String> = f
            .mitigations
            .iter()
            .map(|m| {
                let mut effect: Vec<String> = Vec::new();
                if m.likelihood > 0 {
                    effect.push(format!("likelihood -{}", m.likelihood));
                }
                if m.severity > 0 {
                    effect.push(format!("severity -{}", m.severity));
                }
                match (effect.is_empty(), m.asserted) {
                    (true, _) => format!("{} (no effect: asserted without evidence)", m.id),
                    (false, true) => format!("{} ({}, halved: asserted without evidence)", m.id, effect.join(", ")),
                    (false, false) => format!("{} ({})", m.id, effect.join(", ")),
                }
            })
            .collect();
        wrap(out, "    lowered by: ", &applied.join("; "), 8, width);
    }
    wrap(out, "    do: ", &f.recommendation, 8, width);
}
