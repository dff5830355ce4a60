//! The table format's what-if sections: scenarios side by side, the leverage of each missing
//! mitigation, and the areas whose scores rest on assumptions.

use crate::model::report::{Finding, Report};
use crate::render::terminal::{clean, table, wrap};
use std::fmt::Write as _;

/// The deal's scenarios side by side with it, one column each: score, band, change, and the
/// area scores (each area scored alone, so that an area can be compared across scenarios).
pub(super) fn scenarios(out: &mut String, r: &Report, width: u16) {
    if r.scenarios.is_empty() {
        return;
    }
    let _ = writeln!(out, "\nScenarios side by side (areas each scored alone, 0-100)");
    let mut header = vec!["".to_string(), "as proposed".to_string()];
    header.extend(r.scenarios.iter().map(|s| clean(&s.name)));
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut t = table(&header, width);
    let mut score = vec!["score".to_string(), format!("{} {}", r.residual.score, r.residual.band)];
    score.extend(
        r.scenarios
            .iter()
            .map(|s| format!("{} {}", s.residual.score, s.residual.band)),
    );
    t.add_row(score);
    let mut change = vec!["change".to_string(), "-".to_string()];
    change.extend(r.scenarios.iter().map(|s| format!("{:+}", s.change)));
    t.add_row(change);
    for (i, area) in r.areas.iter().enumerate() {
        let mut row = vec![area.title.clone(), area.score.to_string()];
        row.extend(
            r.scenarios
                .iter()
                .map(|s| s.areas.get(i).map_or("-".to_string(), |a| a.score.to_string())),
        );
        t.add_row(row);
    }
    let _ = writeln!(out, "{t}");
    for s in &r.scenarios {
        let mut changes = Vec::new();
        if !s.disappeared.is_empty() {
            changes.push(format!("clears {}", s.disappeared.join(", ")));
        }
        if !s.appeared.is_empty() {
            changes.push(format!("raises {}", s.appeared.join(", ")));
        }
        if changes.is_empty() {
            changes.push("the same findings fire".to_string());
        }
        wrap(
            out,
            &format!("{}: ", clean(&s.name)),
            &format!("{} ({}); {}.", clean(&s.title), s.verdict, changes.join("; ")),
            4,
            width,
        );
    }
}

/// Mitigations ranked by the points each removes alone, and the fewest that change the verdict.
pub(super) fn leverage(out: &mut String, r: &Report, width: u16) {
    let helpful: Vec<_> = r
        .leverage
        .iter()
        .filter(|l| l.points_removed > 0 || l.risk_removed > 0)
        .collect();
    if helpful.is_empty() {
        return;
    }
    out.push('\n');
    wrap(
        out,
        "",
        "What would lower the score: each mitigation the deal lacks, tried alone",
        0,
        width,
    );
    let mut t = table(&["mitigation", "score", "points", "risk", "how it was tried"], width);
    for l in &helpful {
        t.add_row(vec![
            format!("{}\n{}", l.mitigation, clean(&l.title)),
            format!("{} {}", l.residual.score, l.residual.band),
            format!("{:+}", -l.points_removed),
            format!("{:+}", -l.risk_removed),
            l.applied_as.clone(),
        ]);
    }
    let _ = writeln!(out, "{t}");
    wrap(
        out,
        "",
        "points: change of the score; risk: change of the residual risk summed over all findings, which moves even where other findings keep the score saturated.",
        0,
        width,
    );
    match &r.verdict_change {
        Some(v) => wrap(
            out,
            "What would change the verdict: ",
            &format!(
                "{} together: {} {}, {}.",
                v.mitigations.join(" + "),
                v.residual.score,
                v.residual.band,
                v.verdict
            ),
            4,
            width,
        ),
        None if r.residual.band != "low" => wrap(
            out,
            "What would change the verdict: ",
            "no combination of up to four of these mitigations moves the deal to a better band; redesign the flow itself (see the scenarios).",
            4,
            width,
        ),
        None => {}
    }
}

/// Areas with a caveat (the regulatory flags) get a section of their own: each flag with its
/// reason, the flags the findings raise, and the caveat.
pub(super) fn caveated_areas(out: &mut String, r: &Report, width: u16) {
    for area in r.areas.iter() {
        let Some(disclaimer) = &area.disclaimer else { continue };
        let _ = writeln!(out, "\n{}", area.title);
        wrap(out, "", disclaimer, 0, width);
        let mine: Vec<&Finding> = r.findings.iter().filter(|f| f.area == area.id).collect();
        if mine.is_empty() {
            let _ = writeln!(out, "None raised.");
            continue;
        }
        let mut t = table(&["rule", "flag", "reason"], width);
        for f in mine {
            let title = if f.blocking {
                format!("{} (BLOCKING)", clean(&f.title))
            } else {
                clean(&f.title)
            };
            t.add_row(vec![f.rule.clone(), title, clean(&f.message)]);
        }
        let _ = writeln!(out, "{t}");
    }
    for flag in &r.flags {
        let _ = writeln!(out, "FLAG: {} (raised by {})", clean(&flag.flag), flag.rule);
    }
}
