//! `--format table` (the default): the report for a person at a terminal, one screen for the
//! verdict and then the detail, in tables that fit the terminal (100 columns when piped).

use super::clean;
use crate::report::{Finding, Report};
use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use std::fmt::Write as _;

/// Width used when stdout is not a terminal, so piped and snapshot output is stable.
const PIPED_WIDTH: u16 = 100;

pub fn render(reports: &[Report]) -> String {
    let mut out = String::new();
    for (i, report) in reports.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        one(&mut out, report);
    }
    out
}

fn table(header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic).set_header(header.to_vec());
    if !t.is_tty() {
        t.set_width(PIPED_WIDTH);
    }
    t
}

fn one(out: &mut String, r: &Report) {
    let d = &r.deal;
    let party = |p: &crate::report::PartySummary| {
        let places = if p.jurisdictions.is_empty() { String::new() } else { format!("; {}", p.jurisdictions.join(", ")) };
        clean(&format!("{} ({}{places})", p.name, p.sector))
    };
    let _ = writeln!(out, "{}", clean(&d.title));
    let _ = writeln!(out, "deal `{}` from {}", clean(&d.id), clean(&r.file));
    let _ = writeln!(out, "{} -> {}", party(&d.provider), party(&d.recipient));
    let _ = writeln!(
        out,
        "collected for {}; proposed for {}",
        d.collection_purposes.join(", "),
        d.proposed_purposes.join(", ")
    );
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "RISK {}/100  {}  verdict: {}",
        r.residual.score,
        r.residual.band.to_uppercase(),
        r.verdict
    );
    let mitigations = match r.mitigations.len() {
        0 => "no mitigations declared".to_string(),
        n => format!("{n} declared mitigation(s)"),
    };
    let _ = writeln!(
        out,
        "inherent {} ({}) -> residual {} ({}) after {mitigations}",
        r.inherent.score, r.inherent.band, r.residual.score, r.residual.band
    );
    let blocking = r.findings.iter().filter(|f| f.blocking).count();
    if blocking > 0 {
        let _ = writeln!(out, "{blocking} blocking finding(s): a legal gate that only a curing mitigation lifts");
    }
    let _ = writeln!(out, "{}", r.advice);

    let _ = writeln!(out, "\nScore by area (points add up to the score)");
    let mut areas = table(&["area", "points", "findings", "blocking"]);
    for a in &r.areas {
        areas.add_row(vec![a.title.clone(), a.points.to_string(), a.findings.to_string(), a.blocking.to_string()]);
    }
    areas.add_row(vec!["total".to_string(), r.residual.score.to_string(), r.findings.len().to_string(), blocking.to_string()]);
    let _ = writeln!(out, "{areas}");
    if let Some(floor) = &r.floor {
        let _ = writeln!(out, "includes {} point(s) of floor set by {}: {}", floor.points, floor.rule, floor.why);
    }

    let _ = writeln!(out, "\nFindings, highest residual risk first (risk = likelihood x severity, 1-16)");
    let mut findings = table(&["#", "rule", "area", "risk", "pts", "finding"]);
    for (i, f) in r.findings.iter().enumerate() {
        findings.add_row(vec![
            (i + 1).to_string(),
            f.rule.clone(),
            area_cell(f),
            risk_cell(f),
            f.points.to_string(),
            finding_cell(f),
        ]);
    }
    let _ = writeln!(out, "{findings}");

    if r.open_questions.is_empty() {
        let _ = writeln!(out, "\nNo open questions: every fact is answered.");
    } else {
        let _ = writeln!(
            out,
            "\nOpen questions: facts marked `unknown`, scored as the worst case until answered"
        );
        let mut questions = table(&["field", "read by", "raised"]);
        for q in &r.open_questions {
            let fired = if q.fired.is_empty() { "-".to_string() } else { q.fired.join(", ") };
            questions.add_row(vec![q.path.clone(), q.read_by.join(", "), fired]);
        }
        let _ = writeln!(out, "{questions}");
    }
}

fn area_cell(f: &Finding) -> String {
    let mut cell = f.area.clone();
    if f.blocking {
        cell.push_str("\nBLOCKING");
    }
    cell
}

fn risk_cell(f: &Finding) -> String {
    if f.residual_risk == f.inherent_risk {
        format!("L{}xS{}={}", f.likelihood, f.severity, f.inherent_risk)
    } else {
        format!(
            "L{}xS{}={}\n-> L{}xS{}={}",
            f.likelihood, f.severity, f.inherent_risk, f.residual_likelihood, f.residual_severity, f.residual_risk
        )
    }
}

fn finding_cell(f: &Finding) -> String {
    let mut cell = format!("{} [{} severity]\nwhy: {}", clean(&f.title), f.severity_level, clean(&f.message));
    for c in &f.why {
        let _ = write!(cell, "\n  {} = {}", c.path, clean(&c.value.to_string()));
    }
    if !f.mitigations.is_empty() {
        let applied: Vec<String> = f
            .mitigations
            .iter()
            .map(|m| {
                let asserted = if m.asserted { ", asserted" } else { "" };
                format!("{} (L-{} S-{}{asserted})", m.id, m.likelihood, m.severity)
            })
            .collect();
        let _ = write!(cell, "\nlowered by: {}", applied.join(", "));
    }
    let _ = write!(cell, "\ndo: {}", clean(&f.recommendation));
    cell
}
