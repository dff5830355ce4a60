//! `--baseline REPORT.json`: compare each deal with a JSON report saved earlier, so a team can
//! adopt dealrisk on an existing portfolio and gate only on what is new or worse: a rule that
//! now fires and did not, a higher residual risk, a worse band.

use crate::model::report::{BaselineDiff, Report, Score, WorseFinding};
use crate::pack::RulePack;
use anyhow::{Result, bail};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Debug, Deserialize)]
struct Document {
    tool: Option<String>,
    schema_version: Option<u32>,
    reports: Option<Vec<Prior>>,
}

#[derive(Debug, Deserialize)]
struct Prior {
    file: String,
    deal: PriorDeal,
    residual: Score,
    findings: Vec<PriorFinding>,
}

#[derive(Debug, Deserialize)]
struct PriorDeal {
    id: String,
}

#[derive(Debug, Deserialize)]
struct PriorFinding {
    rule: String,
    residual_risk: u8,
}

pub struct Baseline {
    reports: Vec<Prior>,
}

impl Baseline {
    pub fn load(path: &Path) -> Result<Baseline> {
        let text = crate::input::read_text(path, "baseline")?;
        let expected = "expected a JSON report saved with `dealrisk assess ... --format json`";
        let doc: Document = serde_json::from_str(&text).map_err(|e| {
            anyhow::anyhow!(
                "{}:{}:{}: not a dealrisk JSON report ({e}); {expected}",
                path.display(),
                e.line(),
                e.column()
            )
        })?;
        let (Some(tool), Some(version), Some(reports)) = (doc.tool, doc.schema_version, doc.reports) else {
            bail!(
                "{}: not a dealrisk JSON report (no `tool`, `schema_version` or `reports`); {expected}",
                path.display()
            );
        };
        if tool != "dealrisk" || version != crate::model::report::SCHEMA_VERSION {
            bail!(
                "{}: a report of {tool}, schema version {version}; expected dealrisk's schema version {}",
                path.display(),
                crate::model::report::SCHEMA_VERSION
            );
        }
        Ok(Baseline { reports })
    }

    /// Marks each finding `new`, `worse` or `unchanged`, and records what changed. A deal is
    /// matched by its file, then by its deal id (a file moved or renamed).
    pub fn compare(&self, report: &mut Report, pack: &RulePack) {
        let prior = self
            .reports
            .iter()
            .find(|p| p.file == report.file)
            .or_else(|| self.reports.iter().find(|p| p.deal.id == report.deal.id));
        let Some(prior) = prior else {
            for f in &mut report.findings {
                f.baseline = Some("new".to_string());
            }
            report.baseline = Some(BaselineDiff {
                compared_with: None,
                before: None,
                band_crossed: true,
                new: report.findings.iter().map(|f| f.rule.clone()).collect(),
                worse: Vec::new(),
                resolved: Vec::new(),
            });
            return;
        };
        let before: BTreeMap<&str, u8> = prior
            .findings
            .iter()
            .map(|f| (f.rule.as_str(), f.residual_risk))
            .collect();
        let mut diff = BaselineDiff {
            compared_with: Some(prior.file.clone()),
            before: Some(prior.residual.clone()),
            band_crossed: pack.band_rank(&report.residual.band) > pack.band_rank(&prior.residual.band),
            new: Vec::new(),
            worse: Vec::new(),
            resolved: Vec::new(),
        };
        for f in &mut report.findings {
            let state = match before.get(f.rule.as_str()) {
                None => {
                    diff.new.push(f.rule.clone());
                    "new"
                }
                Some(&was) if f.residual_risk > was => {
                    diff.worse.push(WorseFinding {
                        rule: f.rule.clone(),
                        before: was,
                        after: f.residual_risk,
                    });
                    "worse"
                }
                Some(_) => "unchanged",
            };
            f.baseline = Some(state.to_string());
        }
        diff.resolved = prior
            .findings
            .iter()
            .filter(|p| !report.findings.iter().any(|f| f.rule == p.rule))
            .map(|p| p.rule.clone())
            .collect();
        report.baseline = Some(diff);
    }
}
