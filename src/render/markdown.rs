//! `--format markdown`: the report as a Markdown document to paste into a board paper or a
//! CI job summary. Deal text is escaped; the numbers are the report's, never recomputed.

use super::{
    baseline_line, baseline_note, clean, evidence_heading, evidence_rows, reidentification_line, unicity_line,
    waived_line, waiver_note,
};
use crate::model::report::{Finding, Report};
use std::fmt::Write as _;

/// Findings shown as "top risks" in plain words.
const TOP: usize = 5;

/// Escapes text for Markdown prose and table cells: no markup, links or HTML can be injected.
pub fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in clean(text).chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '!' | '~' | '&' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

pub fn render(reports: &[Report]) -> String {
    let mut out = String::new();
    if reports.len() > 1 {
        portfolio(&mut out, reports);
    }
    for (i, r) in reports.iter().enumerate() {
        if i > 0 {
            out.push_str("\n---\n\n");
        }
        one(&mut out, r);
    }
    out
}

/// Many deals: one row each, worst first, before the reports (a CI job summary's first screen).
fn portfolio(out: &mut String, reports: &[Report]) {
    let _ = writeln!(out, "# {} deals assessed, worst first\n", reports.len());
    let _ = writeln!(
        out,
        "| deal | score | verdict | top finding | waived |\n|---|---:|---|---|---|"
    );
    for r in super::worst_first(reports) {
        let top = r
            .reported_findings()
            .next()
            .map_or("-".to_string(), |f| format!("{} {}", f.rule, md(&f.title)));
        let waived = r.waived.as_ref().map_or("-".to_string(), |w| {
            format!("{} ({} {} without)", w.findings, w.residual.score, w.residual.band)
        });
        let _ = writeln!(
            out,
            "| `{}` ({}) | {} {} | {} | {top} | {waived} |",
            md(&r.deal.id).replace('`', ""),
            md(&r.file),
            r.residual.score,
            r.residual.band,
            r.verdict
        );
    }
    out.push_str("\n---\n\n");
}

fn harms(f: &Finding) -> String {
    f.harms
        .iter()
        .map(|h| h.replace('-', " "))
        .collect::<Vec<_>>()
        .join(", ")
}

fn one(out: &mut String, r: &Report) {
    let d = &r.deal;
    let _ = writeln!(out, "# {}\n", md(&d.title));
    let _ = writeln!(
        out,
        "**Risk {}/100: {}. Verdict: {}.** {}\n",
        r.residual.score,
        r.residual.band.to_uppercase(),
        r.verdict,
        md(&r.advice)
    );
    let party = |p: &crate::model::report::PartySummary| {
        let places = if p.jurisdictions.is_empty() {
            String::new()
        } else {
            format!("; {}", p.jurisdictions.join(", "))
        };
        md(&format!("{} ({}{places})", p.name, p.sector))
    };
    let _ = writeln!(out, "| | |\n|---|---|");
    let _ = writeln!(out, "| deal | `{}` ({}) |", md(&d.id).replace('`', ""), md(&r.file));
    let _ = writeln!(out, "| provider | {} |", party(&d.provider));
    let _ = writeln!(out, "| recipient | {} |", party(&d.recipient));
    let _ = writeln!(out, "| collected for | {} |", md(&d.collection_purposes.join(", ")));
    let _ = writeln!(out, "| proposed for | {} |", md(&d.proposed_purposes.join(", ")));
    let _ = writeln!(
        out,
        "| score | inherent {} ({}), residual {} ({}) with {} mitigation(s) in effect |\n",
        r.inherent.score,
        r.inherent.band,
        r.residual.score,
        r.residual.band,
        r.mitigations.len()
    );
    let blocking = r.blocking_rules();
    if !blocking.is_empty() {
        let _ = writeln!(
            out,
            "> **Blocking:** {}: legal gates that only a mitigation curing their cause lifts.\n",
            blocking.join(", ")
        );
    }
    for flag in &r.flags {
        let _ = writeln!(out, "> **{}** (raised by {})\n", md(&flag.flag), flag.rule);
    }
    for line in [waived_line(r), baseline_line(r)].into_iter().flatten() {
        let _ = writeln!(out, "> {}\n", md(&line));
    }

    let _ = writeln!(out, "## Top risks\n");
    for (i, f) in r
        .reported_findings()
        .filter(|f| f.covered_by.is_none())
        .take(TOP)
        .enumerate()
    {
        let _ = writeln!(
            out,
            "{}. **{}** ({}; {}; risk {}). *Why:* {}. *Harms:* {}. *Do:* {}{}",
            i + 1,
            md(&f.title),
            f.rule,
            md(&f.area),
            f.residual_risk,
            md(&f.message),
            md(&harms(f)),
            md(&f.recommendation),
            notes(f, r)
        );
    }

    let _ = writeln!(out, "\n## Score by area\n");
    let _ = writeln!(
        out,
        "| area | points | scored alone | findings | blocking |\n|---|---:|---:|---:|---:|"
    );
    for a in &r.areas {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            md(&a.title),
            a.points,
            a.score,
            a.findings,
            a.blocking
        );
    }
    let _ = writeln!(
        out,
        "| **total** | **{}** | | {} | {} |",
        r.residual.score,
        r.findings.len(),
        blocking.len()
    );
    if let Some(floor) = &r.floor {
        let _ = writeln!(
            out,
            "\n{} of the points are a floor set by {}: {}.",
            floor.points,
            floor.rule,
            md(&floor.why)
        );
    }

    for area in r.areas.iter().filter(|a| a.disclaimer.is_some()) {
        let _ = writeln!(out, "\n## {}\n", md(&area.title));
        let _ = writeln!(out, "*{}*\n", md(area.disclaimer.as_deref().unwrap_or("")));
        let mine: Vec<&Finding> = r.findings.iter().filter(|f| f.area == area.id).collect();
        if mine.is_empty() {
            let _ = writeln!(out, "None raised.");
            continue;
        }
        let _ = writeln!(out, "| rule | flag | reason |\n|---|---|---|");
        for f in mine {
            let blocking = if f.blocking { " **(blocking)**" } else { "" };
            let _ = writeln!(out, "| {} | {}{blocking} | {} |", f.rule, md(&f.title), md(&f.message));
        }
    }

    if !r.scenarios.is_empty() {
        let _ = writeln!(out, "\n## Scenarios\n");
        let mut header = "| scenario | score | verdict | change |".to_string();
        let mut rule = "|---|---:|---|---:|".to_string();
        for a in &r.areas {
            let _ = write!(header, " {} |", md(&a.title));
            rule.push_str("---:|");
        }
        let _ = writeln!(out, "{header}\n{rule}");
        let mut row = format!(
            "| as proposed | {} {} | {} | |",
            r.residual.score, r.residual.band, r.verdict
        );
        for a in &r.areas {
            let _ = write!(row, " {} |", a.score);
        }
        let _ = writeln!(out, "{row}");
        for s in &r.scenarios {
            let mut row = format!(
                "| **{}**: {} | {} {} | {} | {:+} |",
                md(&s.name),
                md(&s.title),
                s.residual.score,
                s.residual.band,
                s.verdict,
                s.change
            );
            for a in &s.areas {
                let _ = write!(row, " {} |", a.score);
            }
            let _ = writeln!(out, "{row}");
        }
    }

    let helpful: Vec<_> = r
        .leverage
        .iter()
        .filter(|l| l.points_removed > 0 || l.risk_removed > 0)
        .collect();
    if !helpful.is_empty() {
        let _ = writeln!(out, "\n## What would lower the score\n");
        let _ = writeln!(
            out,
            "Each mitigation the deal lacks, tried alone by re-assessing the deal.\n"
        );
        let _ = writeln!(
            out,
            "| mitigation | score | points | risk removed |\n|---|---:|---:|---:|"
        );
        for l in helpful {
            let _ = writeln!(
                out,
                "| {}: {} | {} {} | {:+} | {} |",
                l.mitigation,
                md(&l.title),
                l.residual.score,
                l.residual.band,
                -l.points_removed,
                l.risk_removed
            );
        }
        if let Some(v) = &r.verdict_change {
            let together = if v.mitigations.len() > 1 {
                "together give"
            } else {
                "alone gives"
            };
            let _ = writeln!(
                out,
                "\n**What would change the verdict:** {} {together} {} ({}): {}.",
                v.mitigations.join(" + "),
                v.residual.score,
                v.residual.band,
                v.verdict
            );
        }
    }

    for e in &r.evidence {
        let _ = writeln!(out, "\n## {}\n", md(&evidence_heading(e)));
        let _ = writeln!(out, "| category | in the deal | in the data |\n|---|---|---|");
        for [category, declared, seen] in evidence_rows(e) {
            let _ = writeln!(out, "| {} | {declared} | {} |", md(&category), md(&seen));
        }
        for line in reidentification_line(e).into_iter().chain(unicity_line(e)) {
            let _ = writeln!(out, "\n{}", md(&line));
        }
    }

    if !r.precedents.is_empty() {
        let _ = writeln!(out, "\n## Deals like this one\n");
        let _ = writeln!(
            out,
            "From the case library: what happened to the most similar real deals. They never change the score.\n"
        );
        for p in &r.precedents {
            let _ = writeln!(
                out,
                "- **{}** ({}, {}; similarity {:.2}): {} Shared: {}. [Source]({})",
                md(&p.title),
                p.label.name(),
                p.year,
                p.similarity,
                md(&p.what_happened),
                md(&p.shared.join(", ")),
                p.source.replace(')', "%29")
            );
        }
    }

    let _ = writeln!(out, "\n## All findings\n");
    let _ = writeln!(
        out,
        "| # | rule | area | risk | points | finding | do |\n|---:|---|---|---:|---:|---|---|"
    );
    for (i, f) in r.reported_findings().enumerate() {
        let points = if f.covered_by.is_some() {
            format!("{}*", f.points)
        } else {
            f.points.to_string()
        };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {}: {}{} | {} |",
            i + 1,
            f.rule,
            f.area,
            f.residual_risk,
            points,
            md(&f.title),
            md(&f.message),
            notes(f, r),
            md(&f.recommendation)
        );
    }

    if !r.open_questions.is_empty() {
        let _ = writeln!(out, "\n## Open questions\n");
        let _ = writeln!(
            out,
            "Facts marked `unknown`, scored as the answer that costs most until answered.\n"
        );
        let _ = writeln!(out, "| field | scored as | read by | raised |\n|---|---|---|---|");
        for q in &r.open_questions {
            let fired = if q.fired.is_empty() {
                "-".to_string()
            } else {
                q.fired.join(", ")
            };
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} |",
                q.path,
                md(&super::assumed(q)),
                q.read_by.join(", "),
                fired
            );
        }
    }
}

/// A finding's waiver and baseline state, as a Markdown suffix.
fn notes(f: &Finding, r: &Report) -> String {
    [f.waived.as_ref().map(waiver_note), baseline_note(f, r)]
        .into_iter()
        .flatten()
        .map(|n| format!(" **{}**", md(&n)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::md;

    #[test]
    fn escapes_markup_and_html() {
        assert_eq!(md("<script>|*x*|"), "\\<script\\>\\|\\*x\\*\\|");
        assert_eq!(md("a\nb"), "a b");
    }
}
