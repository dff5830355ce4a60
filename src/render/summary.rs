//! `--quiet`: one line per deal, for scripts and for a portfolio at a glance.

use super::clean;
use crate::report::Report;

pub fn render(reports: &[Report]) -> String {
    reports.iter().map(line).collect()
}

fn line(r: &Report) -> String {
    let blocking = r.findings.iter().filter(|f| f.blocking).count();
    let top = r.findings.first().map_or("no findings".to_string(), |f| {
        format!("top: {} {}", f.rule, clean(&f.title))
    });
    format!(
        "{}\t{} {}\t{}\t{} findings, {} blocking\t{}\n",
        clean(&r.file),
        r.residual.score,
        r.residual.band,
        r.verdict,
        r.findings.len(),
        blocking,
        top
    )
}
