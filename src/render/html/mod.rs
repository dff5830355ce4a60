//! `--format html`: one self-contained page per run (no scripts, no fonts or images fetched)
//! for a board paper: the verdict, the score by area and the scenarios as inline SVG bar
//! charts, the top risks in plain words, the regulatory flags, the mitigations ranked and the
//! open questions. Every piece of deal or pack text is escaped; the page prints on A4.

mod markup;

use crate::model::report::{Finding, Report};
use markup::{STYLE, bars, code_spans, esc, harms};
use std::fmt::Write as _;

const TOP: usize = 5;

/// What a printed paper says of itself: the date it was assessed on (the date waivers are
/// judged on, `--today`), the tool's version and the rule pack's fingerprint.
pub struct Colophon {
    pub date: chrono::NaiveDate,
    pub pack: String,
}

impl Colophon {
    /// What follows "assessed": the date, the tool and the pack. Only hex digits, digits and
    /// words: safe in a CSS string and in HTML.
    fn text(&self) -> String {
        format!(
            "{} by dealrisk {} with rule pack {}",
            self.date.format("%Y-%m-%d"),
            env!("CARGO_PKG_VERSION"),
            self.pack
        )
    }
}

pub fn render(reports: &[Report], colophon: &Colophon) -> String {
    let mut out = String::new();
    let title = match reports {
        [one] => format!("dealrisk: {}", esc(&one.deal.title)),
        _ => format!("dealrisk: {} deals", reports.len()),
    };
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <title>{title}</title>\n<style>{STYLE}\
         @page {{ @bottom-left {{ content: \"assessed {}\"; font: 9pt system-ui, sans-serif; color: #57606a; }} }}\n\
         </style>\n</head>\n<body>\n",
        colophon.text()
    );
    for r in reports {
        one(&mut out, r);
    }
    let _ = writeln!(
        out,
        "<footer class=\"muted\"><p>Assessed {}. The pack's fingerprint changes with any of its rules: \
         <code>dealrisk rules list</code> prints it.</p></footer>",
        esc(&colophon.text())
    );
    out.push_str("</body>\n</html>\n");
    out
}

fn one(out: &mut String, r: &Report) {
    let d = &r.deal;
    let _ = writeln!(out, "<article>\n<h1>{}</h1>", esc(&d.title));
    let party = |p: &crate::model::report::PartySummary| {
        let places = if p.jurisdictions.is_empty() {
            String::new()
        } else {
            format!("; {}", p.jurisdictions.join(", "))
        };
        esc(&format!("{} ({}{places})", p.name, p.sector))
    };
    let _ = writeln!(
        out,
        "<p class=\"muted\">Deal <code>{}</code> from {}: {} to {}; collected for {}, proposed for {}.</p>",
        esc(&d.id),
        esc(&r.file),
        party(&d.provider),
        party(&d.recipient),
        esc(&d.collection_purposes.join(", ")),
        esc(&d.proposed_purposes.join(", "))
    );
    let _ = writeln!(
        out,
        "<div class=\"verdict band-{band}\"><strong>Risk {}/100: {}. Verdict: {}.</strong><br>{}<br>\
         <span class=\"muted\">Inherent {} ({}), residual {} ({}) with {} mitigation(s) in effect.</span></div>",
        r.residual.score,
        esc(&r.residual.band.to_uppercase()),
        esc(&r.verdict),
        esc(&r.advice),
        r.inherent.score,
        esc(&r.inherent.band),
        r.residual.score,
        esc(&r.residual.band),
        r.mitigations.len(),
        band = esc(&r.residual.band)
    );
    let blocking = r.blocking_rules();
    if !blocking.is_empty() {
        let _ = writeln!(
            out,
            "<p class=\"blocking\">Blocking: {}. Legal gates: only a mitigation that removes their cause lifts them.</p>",
            esc(&blocking.join(", "))
        );
    }
    for flag in &r.flags {
        let _ = writeln!(
            out,
            "<p class=\"blocking\">{} (raised by {})</p>",
            esc(&flag.flag),
            esc(&flag.rule)
        );
    }

    for line in [super::waived_line(r), super::baseline_line(r)].into_iter().flatten() {
        let _ = writeln!(out, "<p>{}</p>", esc(&line));
    }

    let _ = writeln!(out, "<h2>Top risks</h2>\n<ol>");
    for f in r.reported_findings().filter(|f| f.covered_by.is_none()).take(TOP) {
        let notes: String = [f.waived.as_ref().map(super::waiver_note), super::baseline_note(f, r)]
            .into_iter()
            .flatten()
            .map(|n| format!("<br><em>{}</em>", esc(&n)))
            .collect();
        let _ = writeln!(
            out,
            "<li><strong>{}</strong> <span class=\"muted\">({}, {}, risk {} of 16)</span><br>Why: {}<br>Harms: {}<br>Do: {}{notes}</li>",
            esc(&f.title),
            esc(&f.rule),
            esc(&f.area),
            f.residual_risk,
            code_spans(&f.message),
            esc(&harms(f)),
            esc(&f.recommendation)
        );
    }
    let _ = writeln!(out, "</ol>");

    let _ = writeln!(out, "<h2>Score by area</h2>");
    let _ = writeln!(out, "<p class=\"muted\">Each area scored alone, 0 to 100.</p>");
    let rows: Vec<(String, u32, &str)> = r
        .areas
        .iter()
        .map(|a| (a.title.clone(), a.score, a.band.as_str()))
        .collect();
    out.push_str(&bars(&rows, "Score by area"));
    let _ = writeln!(
        out,
        "<table><thead><tr><th>area</th><th class=\"n\">points of the total</th><th class=\"n\">alone</th><th class=\"n\">findings</th><th class=\"n\">blocking</th></tr></thead><tbody>"
    );
    for a in &r.areas {
        let _ = writeln!(
            out,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&a.title),
            a.points,
            a.score,
            a.findings,
            a.blocking
        );
    }
    let _ = writeln!(out, "</tbody></table>");

    for area in r.areas.iter().filter(|a| a.disclaimer.is_some()) {
        let _ = writeln!(out, "<h2>{}</h2>", esc(&area.title));
        let _ = writeln!(
            out,
            "<p class=\"caveat\">{}</p>",
            esc(area.disclaimer.as_deref().unwrap_or(""))
        );
        let mine: Vec<&Finding> = r.findings.iter().filter(|f| f.area == area.id).collect();
        if mine.is_empty() {
            let _ = writeln!(out, "<p>None raised.</p>");
            continue;
        }
        let _ = writeln!(
            out,
            "<table><thead><tr><th>flag</th><th>reason</th></tr></thead><tbody>"
        );
        for f in mine {
            let blocking = if f.blocking {
                " <span class=\"blocking\">blocking</span>"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "<tr><td>{}{blocking}<br><span class=\"muted\">{}</span></td><td>{}</td></tr>",
                esc(&f.title),
                esc(&f.rule),
                code_spans(&f.message)
            );
        }
        let _ = writeln!(out, "</tbody></table>");
    }

    if !r.scenarios.is_empty() {
        let _ = writeln!(out, "<h2>Scenarios</h2>");
        let mut rows = vec![("as proposed".to_string(), r.residual.score, r.residual.band.as_str())];
        rows.extend(
            r.scenarios
                .iter()
                .map(|s| (s.name.clone(), s.residual.score, s.residual.band.as_str())),
        );
        out.push_str(&bars(&rows, "Scenarios side by side"));
        let _ = writeln!(
            out,
            "<table><thead><tr><th>scenario</th><th class=\"n\">score</th><th>verdict</th><th class=\"n\">change</th><th>clears</th></tr></thead><tbody>"
        );
        for s in &r.scenarios {
            let _ = writeln!(
                out,
                "<tr><td><strong>{}</strong><br><span class=\"muted\">{}</span></td><td class=\"n\">{} {}</td><td>{}</td><td class=\"n\">{:+}</td><td>{}</td></tr>",
                esc(&s.title),
                esc(&s.name),
                s.residual.score,
                esc(&s.residual.band),
                esc(&s.verdict),
                s.change,
                esc(&s.disappeared.join(", "))
            );
        }
        let _ = writeln!(out, "</tbody></table>");
    }

    let helpful: Vec<_> = r
        .leverage
        .iter()
        .filter(|l| l.points_removed > 0 || l.risk_removed > 0)
        .collect();
    if !helpful.is_empty() {
        let _ = writeln!(out, "<h2>What would lower the score</h2>");
        let _ = writeln!(
            out,
            "<p class=\"muted\">Each mitigation the deal lacks, tried alone by re-assessing the deal.</p>"
        );
        let _ = writeln!(
            out,
            "<table><thead><tr><th>mitigation</th><th class=\"n\">score with it (0-100)</th><th class=\"n\">change (points)</th><th class=\"n\">risk removed (sum over findings, each 1-16)</th></tr></thead><tbody>"
        );
        for l in helpful {
            let _ = writeln!(
                out,
                "<tr><td>{}<br><span class=\"muted\">{}</span></td><td class=\"n\">{} {}</td><td class=\"n\">{:+}</td><td class=\"n\">{}</td></tr>",
                esc(&l.title),
                esc(&l.mitigation),
                l.residual.score,
                esc(&l.residual.band),
                -l.points_removed,
                l.risk_removed
            );
        }
        let _ = writeln!(out, "</tbody></table>");
        if let Some(v) = &r.verdict_change {
            let _ = writeln!(
                out,
                "<p><strong>What would change the verdict:</strong> {}{}: {} ({}), {}.</p>",
                esc(&v
                    .mitigations
                    .iter()
                    .map(|id| r
                        .leverage
                        .iter()
                        .find(|l| &l.mitigation == id)
                        .map_or(id.as_str(), |l| l.title.as_str()))
                    .collect::<Vec<_>>()
                    .join(" + ")),
                if v.mitigations.len() > 1 { ", together" } else { "" },
                v.residual.score,
                esc(&v.residual.band),
                esc(&v.verdict)
            );
        }
    }

    evidence(out, r);

    if !r.precedents.is_empty() {
        let _ = writeln!(out, "<h2>Deals like this one</h2>");
        let _ = writeln!(
            out,
            "<p class=\"muted\">From the case library: what happened to the most similar real deals. They never change the score.</p><ul>"
        );
        for p in &r.precedents {
            let _ = writeln!(
                out,
                "<li><strong>{}</strong> ({}, {}; similarity {:.2}): {} <span class=\"muted\">Shared: {}. Source: {}</span></li>",
                esc(&p.title),
                p.label.name(),
                p.year,
                p.similarity,
                esc(&p.what_happened),
                esc(&p.shared.join(", ")),
                esc(&p.source)
            );
        }
        let _ = writeln!(out, "</ul>");
    }

    if !r.open_questions.is_empty() {
        let _ = writeln!(out, "<h2>Open questions</h2>");
        let _ = writeln!(
            out,
            "<p class=\"muted\">Facts marked unknown, scored as the answer that costs most until answered.</p><ul>"
        );
        for q in &r.open_questions {
            let _ = writeln!(
                out,
                "<li><code>{}</code> (scored as {}): read by {}</li>",
                esc(&q.path),
                esc(&super::assumed(q)),
                esc(&q.read_by.join(", "))
            );
        }
        let _ = writeln!(out, "</ul>");
    }
    let _ = writeln!(
        out,
        "<p class=\"muted\">{} findings in all; the full report lists every one with the deal fields that made it fire.</p>\n</article>",
        r.findings.len()
    );
}

/// What the datasets' samples show, in plain words: the categories seen with how many people
/// they concern, and how identifying the records are.
fn evidence(out: &mut String, r: &Report) {
    if r.evidence.is_empty() {
        return;
    }
    let _ = writeln!(out, "<h2>What the data show</h2>");
    for e in &r.evidence {
        let o = &e.observed;
        let _ = writeln!(out, "<p>{}</p>", esc(&super::evidence_heading(e).replace('`', "")));
        if !o.categories.is_empty() {
            let _ = writeln!(
                out,
                "<table><thead><tr><th>seen in the data</th><th>in the deal</th><th class=\"n\">people</th><th>how</th></tr></thead><tbody>"
            );
            for s in &o.categories {
                let declared = super::declared_as(e, &s.category);
                let people = match (s.subjects, o.subjects) {
                    (Some(n), Some(all)) if s.rows > 0 => {
                        format!("{n} of {all} ({})", crate::model::observed::percent(s.share))
                    }
                    _ => "-".to_string(),
                };
                let mut how = Vec::new();
                if s.rows > 0 {
                    let rows = if s.rows == 1 { "row" } else { "rows" };
                    how.push(format!("{} {rows} of text", s.rows));
                }
                if !s.columns.is_empty() {
                    how.push(format!("columns {}", s.columns.join(", ")));
                }
                how.extend(s.shapes.iter().cloned());
                let _ = writeln!(
                    out,
                    "<tr><td>{}</td><td>{declared}</td><td class=\"n\">{people}</td><td>{}</td></tr>",
                    esc(&s.category),
                    esc(&how.join("; "))
                );
            }
            let _ = writeln!(out, "</tbody></table>");
        }
        for line in super::reidentification_line(e)
            .into_iter()
            .chain(super::unicity_line(e))
        {
            let _ = writeln!(out, "<p>{}</p>", esc(&line));
        }
    }
}
