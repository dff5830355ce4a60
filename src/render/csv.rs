//! `--format csv`: one row per finding, for spreadsheets and data pipelines. Cells that a
//! spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, tab or carriage
//! return) are neutralised with a leading apostrophe.

use crate::model::report::Report;
use anyhow::Result;

const HEADER: [&str; 21] = [
    "file",
    "deal",
    "rule",
    "title",
    "area",
    "problem",
    "blocking",
    "severity",
    "likelihood",
    "inherent_risk",
    "residual_severity",
    "residual_likelihood",
    "residual_risk",
    "points",
    "covered_by",
    "paths",
    "waived",
    "waiver_reason",
    "waiver_owner",
    "waiver_expires",
    "baseline",
];

/// A cell a spreadsheet will show as text, never evaluate.
pub fn neutralise(cell: &str) -> String {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}"),
        _ => cell.to_string(),
    }
}

pub fn render(reports: &[Report]) -> Result<String> {
    let mut out = header()?;
    for r in reports {
        out.push_str(&rows(r)?);
    }
    Ok(out)
}

/// The header line.
pub fn header() -> Result<String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(HEADER)?;
    Ok(String::from_utf8(out.into_inner()?)?)
}

/// The rows of one deal's findings.
pub fn rows(r: &Report) -> Result<String> {
    let mut out = csv::Writer::from_writer(Vec::new());
    for f in r.reported_findings() {
        let paths: Vec<&str> = f.why.iter().map(|c| c.path.as_str()).collect();
        let row = [
            r.file.clone(),
            r.deal.id.clone(),
            f.rule.clone(),
            f.title.clone(),
            f.area.clone(),
            f.problem.clone(),
            f.blocking.to_string(),
            f.severity.to_string(),
            f.likelihood.to_string(),
            f.inherent_risk.to_string(),
            f.residual_severity.to_string(),
            f.residual_likelihood.to_string(),
            f.residual_risk.to_string(),
            f.points.to_string(),
            f.covered_by.clone().unwrap_or_default(),
            paths.join(";"),
            f.waived.is_some().to_string(),
            f.waived.as_ref().map(|w| w.reason.clone()).unwrap_or_default(),
            f.waived.as_ref().map(|w| w.owner.clone()).unwrap_or_default(),
            f.waived.as_ref().map(|w| w.expires.clone()).unwrap_or_default(),
            f.baseline.clone().unwrap_or_default(),
        ];
        out.write_record(row.iter().map(|c| neutralise(c)))?;
    }
    Ok(String::from_utf8(out.into_inner()?)?)
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn formulas_become_text() {
        assert_eq!(neutralise("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(neutralise("-1+1"), "'-1+1");
        assert_eq!(neutralise("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(neutralise("\tx"), "'\tx");
        assert_eq!(neutralise("ShopSense"), "ShopSense");
    }
}
