//! `dealrisk assess` over many deals: files and folders (recursing into `*.toml`), one bad
//! file reported without hiding the others, and the threshold that decides the exit code.

use crate::pack::RulePack;
use crate::report::Report;
use anyhow::{Result, bail};
use std::path::{Path, PathBuf};

/// The deal files named on the command line: files as given, folders searched recursively
/// for `*.toml`, each folder's files in path order.
pub fn deal_files(inputs: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for input in inputs {
        if input.is_dir() {
            let mut found = Vec::new();
            collect(input, &mut found);
            found.sort();
            out.extend(found);
        } else {
            out.push(input.clone());
        }
    }
    out
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        // Unreadable: kept, so that assessing it reports the error with the folder's name.
        out.push(dir.to_path_buf());
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

/// When a deal "exceeds": its band reaches `--fail-on`, or its score is above `--max-score`.
#[derive(Debug, Clone, Default)]
pub struct Threshold {
    pub fail_on: Option<String>,
    pub max_score: Option<u32>,
}

impl Threshold {
    /// Checks the band name against the pack before any deal is assessed.
    pub fn check(&self, pack: &RulePack) -> Result<()> {
        if let Some(band) = &self.fail_on
            && !pack.scoring.bands.iter().any(|b| &b.id == band)
        {
            let ids: Vec<&str> = pack.scoring.bands.iter().map(|b| b.id.as_str()).collect();
            let hint = crate::diagnostic::nearest(band, ids.iter().copied())
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_default();
            bail!(
                "unknown band `{band}` for --fail-on; expected one of {}{hint}",
                ids.join(", ")
            );
        }
        Ok(())
    }

    pub fn is_set(&self) -> bool {
        self.fail_on.is_some() || self.max_score.is_some()
    }

    pub fn exceeded_by(&self, report: &Report, pack: &RulePack) -> bool {
        let rank = |band: &str| pack.scoring.bands.iter().position(|b| b.id == band);
        let by_band = self
            .fail_on
            .as_deref()
            .is_some_and(|f| rank(&report.residual.band) >= rank(f));
        let by_score = self.max_score.is_some_and(|m| report.residual.score > m);
        by_band || by_score
    }

    /// The one-line decision printed on stderr.
    pub fn decision(&self, reports: &[Report], pack: &RulePack) -> String {
        let mut limits = Vec::new();
        if let Some(f) = &self.fail_on {
            limits.push(format!("--fail-on {f}"));
        }
        if let Some(m) = self.max_score {
            limits.push(format!("--max-score {m}"));
        }
        let over: Vec<String> = reports
            .iter()
            .filter(|r| self.exceeded_by(r, pack))
            .map(|r| format!("{} ({} {})", r.file, r.residual.score, r.residual.band))
            .collect();
        if over.is_empty() {
            format!(
                "dealrisk: no deal exceeds {} ({} assessed)",
                limits.join(" or "),
                reports.len()
            )
        } else {
            format!(
                "dealrisk: {} of {} deal(s) exceed {}: {}",
                over.len(),
                reports.len(),
                limits.join(" or "),
                over.join(", ")
            )
        }
    }
}
