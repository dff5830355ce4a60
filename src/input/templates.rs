//! `dealrisk init`: a commented deal file to start from, one of a few templates. It never
//! overwrites a file.

use anyhow::{Context as _, Result, bail};
use clap::ValueEnum;
use std::io::Write as _;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Template {
    /// A retailer's loyalty or purchase data offered to an insurer.
    RetailerToInsurer,
    /// An app's usage or location data shared with an advertiser.
    AppToAdvertiser,
    /// Data shared with a university or public-health body for research.
    ResearchSharing,
    /// A bank's account transactions sent to a fintech that decides on credit.
    BankToFintech,
    /// A car maker's connected-car driving data shared with an insurer for pricing.
    ConnectedCarToInsurer,
    /// A health app's events passed to analytics and advertising platforms.
    HealthAppToAdvertiser,
    /// Aggregates supplied to a statistics office or public-health body.
    StatisticsAggregates,
}

impl Template {
    pub fn text(self) -> &'static str {
        match self {
            Template::RetailerToInsurer => include_str!("templates/retailer-to-insurer.toml"),
            Template::AppToAdvertiser => include_str!("templates/app-to-advertiser.toml"),
            Template::ResearchSharing => include_str!("templates/research-sharing.toml"),
            Template::BankToFintech => include_str!("templates/bank-to-fintech.toml"),
            Template::ConnectedCarToInsurer => include_str!("templates/connected-car-to-insurer.toml"),
            Template::HealthAppToAdvertiser => include_str!("templates/health-app-to-advertiser.toml"),
            Template::StatisticsAggregates => include_str!("templates/statistics-aggregates.toml"),
        }
    }
}

/// Writes the template to `file`, or returns it to print when `file` is `-`.
pub fn init(template: Template, file: &Path) -> Result<String> {
    if file == Path::new("-") {
        return Ok(template.text().to_string());
    }
    let mut out = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(file)
        .or_else(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                bail!(
                    "{} already exists; dealrisk init never overwrites a file: give another name",
                    file.display()
                )
            }
            Err(e).with_context(|| format!("cannot create {}", file.display()))
        })?;
    out.write_all(template.text().as_bytes())
        .with_context(|| format!("cannot write {}", file.display()))?;
    crate::input::diagnostic::warn(format_args!(
        "wrote {}; next: fill in what is known, then `dealrisk assess {}`",
        file.display(),
        file.display()
    ));
    Ok(String::new())
}
