//! `--quiet`: one line per deal, for scripts and for a portfolio at a glance.

use super::clean;
use crate::model::report::Report;

pub fn render(reports: &[Report]) -> String {
    reports.iter().map(line).collect()
}

fn line(r: &Report) -> String {
    let blocking = r.findings.iter().filter(|f| f.blocking).count();
    let none = if r.baseline.is_some() {
        "nothing new or worse"
    } else {
        "no findings"
    };
    let top = r
        .reported_findings()
        .next()
        .map_or(none.to_string(), |f| format!("top: {} {}", f.rule, clean(&f.title)));
    let mut counts = format!("{} findings, {} blocking", r.findings.len(), blocking);
    if let Some(w) = &r.waived {
        counts.push_str(&format!(
            ", {} waived ({} {} without them)",
            w.findings, w.residual.score, w.residual.band
        ));
    }
    if let Some(b) = &r.baseline {
        counts.push_str(&format!(
            ", {} new, {} worse since the baseline",
            b.new.len(),
            b.worse.len()
        ));
    }
    format!(
        "{}\t{} {}\t{}\t{counts}\t{}\n",
        clean(&r.file),
        r.residual.score,
        r.residual.band,
        r.verdict,
        top
    )
}
