//! The project's settings, `dealrisk.toml`: the options a team would otherwise repeat on every
//! command line (its rule packs, waivers, baseline, threshold, format, rules chosen), kept in
//! git beside the deals. Found in the working directory or the nearest folder above it, as
//! ruff.toml and deny.toml are, or named with `--config`; `--no-config` ignores it. Its keys are
//! the `assess` options' names; an option given on the command line replaces the file's value.

use super::args::{AssessArgs, Format};
use anyhow::{Result, bail};
use serde::Deserialize;
use std::path::{Path, PathBuf};

use crate::input::CONFIG_FILE_NAME;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    /// Rule packs added to the default one (`--rules`).
    #[serde(default)]
    pub rules: Vec<PathBuf>,
    /// Waiver files (`--waivers`).
    #[serde(default)]
    pub waivers: Vec<PathBuf>,
    /// A JSON report to compare with (`--baseline`).
    pub baseline: Option<PathBuf>,
    pub fail_on: Option<String>,
    pub max_score: Option<u32>,
    pub gate_scenarios: Option<bool>,
    pub strict: Option<bool>,
    pub format: Option<Format>,
    #[serde(default)]
    pub select: Vec<String>,
    #[serde(default)]
    pub ignore: Vec<String>,
}

/// The settings in force: those of `--config FILE`, else of the nearest `dealrisk.toml` from
/// the working directory up, else none; with the file they came from.
pub fn find(named: Option<&Path>, ignore: bool) -> Result<Option<(PathBuf, Config)>> {
    if ignore {
        return Ok(None);
    }
    let file = match named {
        Some(file) => file.to_path_buf(),
        None => match nearest(Path::new(".")) {
            Some(file) => file,
            None => return Ok(None),
        },
    };
    let config = load(&file)?;
    Ok(Some((file, config)))
}

/// The nearest settings file from `start` up, as a path relative to `start` (`dealrisk.toml`,
/// `../dealrisk.toml`), so that the paths it gives read as a user would write them.
fn nearest(start: &Path) -> Option<PathBuf> {
    let absolute = start.canonicalize().ok()?;
    let mut up = PathBuf::new();
    for dir in absolute.ancestors() {
        let candidate = dir.join(CONFIG_FILE_NAME);
        if candidate.is_file() {
            return Some(up.join(CONFIG_FILE_NAME));
        }
        up.push("..");
    }
    None
}

/// Reads a settings file; its paths are relative to its own folder.
pub fn load(file: &Path) -> Result<Config> {
    let source = crate::input::read_text(file, "settings file")?;
    let mut config: Config = crate::input::diagnostic::parse_toml(file, &source)?;
    if let Some(max) = config.max_score
        && max > 100
    {
        let span = source.find("max-score").map(|at| at..at + "max-score".len());
        bail!(crate::input::diagnostic::at_span(
            file,
            &source,
            span,
            &format!("`max-score = {max}`: expected a score from 0 to 100, e.g. 100")
        ));
    }
    let dir = file.parent().unwrap_or(Path::new(""));
    let resolve = |p: &mut PathBuf| {
        if p.is_relative() && !dir.as_os_str().is_empty() {
            *p = dir.join(&*p);
        }
    };
    config.rules.iter_mut().for_each(resolve);
    config.waivers.iter_mut().for_each(resolve);
    config.baseline.iter_mut().for_each(resolve);
    Ok(config)
}

/// Fills the options the command line leaves unset from the settings.
pub fn apply(config: Config, args: &mut AssessArgs) {
    fill(&mut args.rules, config.rules);
    fill(&mut args.waivers, config.waivers);
    fill(&mut args.select, config.select);
    fill(&mut args.ignore, config.ignore);
    args.baseline = args.baseline.take().or(config.baseline);
    // A threshold is one decision: a command line that sets either replaces the file's.
    if args.fail_on.is_none() && args.max_score.is_none() {
        args.fail_on = config.fail_on;
        args.max_score = config.max_score;
    }
    args.gate_scenarios |= config.gate_scenarios.unwrap_or(false);
    args.strict |= config.strict.unwrap_or(false);
    args.format = args.format.or(config.format);
}

fn fill<T>(given: &mut Vec<T>, configured: Vec<T>) {
    if given.is_empty() {
        *given = configured;
    }
}

/// The rule packs of the settings for the commands that only read a pack (`explain`,
/// `calibrate`, `rules list`), unless the command line names its own.
pub fn rules(config: Option<Config>, given: &[PathBuf]) -> Vec<PathBuf> {
    match config {
        Some(config) if given.is_empty() => config.rules,
        _ => given.to_vec(),
    }
}
