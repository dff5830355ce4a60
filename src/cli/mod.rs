//! The command line: its arguments (`args`), the settings file that supplies defaults for
//! them (`config`), and `run`, which hands each command to the stages that carry it out;
//! `assess` and `scan` wire the stages for the two commands that read deals and data. `main`
//! only maps the outcome to an exit code.

mod args;
mod assess;
pub mod config;
pub mod scan;

pub use args::*;

use crate::pack::RulePack;
use anyhow::Result;
use clap::Parser;
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

/// What a command prints on stdout, and the exit code it ends with.
pub struct Outcome {
    pub stdout: String,
    pub code: u8,
}

impl From<String> for Outcome {
    fn from(stdout: String) -> Self {
        Outcome { stdout, code: 0 }
    }
}

/// Runs the command line; the exit code follows the documented contract.
pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) if e.use_stderr() => {
            // A usage error quotes the argument it refused, which may carry escape sequences.
            eprint!("{}", crate::input::diagnostic::neutralise(&e.render().to_string()));
            return ExitCode::from(2);
        }
        Err(e) => {
            let _ = e.print();
            return ExitCode::SUCCESS;
        }
    };
    match cli.color {
        ColorWhen::Auto => anstream::ColorChoice::Auto,
        ColorWhen::Always => anstream::ColorChoice::Always,
        ColorWhen::Never => anstream::ColorChoice::Never,
    }
    .write_global();
    match run(&cli) {
        Ok(outcome) => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(outcome.stdout.as_bytes())
                .and_then(|()| stdout.flush())
            {
                Ok(()) => ExitCode::from(outcome.code),
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(outcome.code),
                Err(e) => {
                    crate::input::diagnostic::warn(format_args!("error: cannot write the report: {e}"));
                    ExitCode::from(2)
                }
            }
        }
        Err(e) => {
            crate::input::diagnostic::warn(format_args!("error: {e:#}"));
            ExitCode::from(2)
        }
    }
}

/// Carries out a command: what it prints on stdout and its exit code. Errors that stop the
/// whole command are returned; a deal that cannot be read is reported on stderr and the
/// others are still assessed (exit 2 all the same).
pub fn run(cli: &Cli) -> Result<Outcome> {
    let config = || crate::cli::config::find(cli.config.as_deref(), cli.no_config);
    let rules =
        |given: &[PathBuf]| -> Result<Vec<PathBuf>> { Ok(crate::cli::config::rules(config()?.map(|(_, c)| c), given)) };
    match &cli.command {
        Command::Assess(args) => {
            let mut args = args.clone();
            if let Some((file, settings)) = config()? {
                // Said once, so that a threshold or format nobody typed has a visible source.
                crate::input::diagnostic::warn(format_args!("note: settings from {}", file.display()));
                crate::cli::config::apply(settings, &mut args);
            }
            Ok(Outcome {
                stdout: String::new(),
                code: assess::assess(&args)?,
            })
        }
        Command::Init(args) => Ok(crate::input::templates::init(args.template, &args.file)?.into()),
        Command::Rules(RulesCommand::List { rules: given }) => {
            Ok(crate::render::explain::list(&RulePack::load(&rules(given)?)?).into())
        }
        Command::Rules(RulesCommand::Lint { dir }) => Ok(crate::ci::lint::lint(dir.as_slice())?.into()),
        Command::Rules(RulesCommand::Test { dir, min_coverage }) => {
            let pack = RulePack::load(dir.as_slice())?;
            let outcome = crate::ci::rules_test::run(dir.as_deref(), &pack)?;
            let mut stdout = crate::ci::rules_test::render(&outcome);
            let under = outcome.coverage < *min_coverage;
            if under {
                stdout.push_str(&format!(
                    "coverage {}% is under --min-coverage {min_coverage}%\n",
                    outcome.coverage
                ));
            }
            let code = u8::from(!outcome.failures.is_empty() || under);
            Ok(Outcome { stdout, code })
        }
        Command::Completions { shell } => {
            let pack = RulePack::load(&rules(&[])?)?;
            let mut out = Vec::new();
            clap_complete::generate(*shell, &mut completing(&pack), "dealrisk", &mut out);
            Ok(String::from_utf8(out)?.into())
        }
        Command::Schema => Ok(crate::model::deal::schema().into()),
        Command::Precedents(args) => {
            let pack = RulePack::load(&rules(&args.rules)?)?;
            let mode = crate::engine::deal_check::EvidenceMode::default();
            let loaded = crate::engine::deal_check::load(&args.deal, &pack, mode)?;
            let found = crate::cases::precedents::Library::embedded(pack.scoring.precedent_weights).like(&loaded.deal);
            Ok(match args.format {
                TextOrJson::Text => {
                    let mut out = String::new();
                    crate::render::table::precedents(&mut out, &found, crate::render::terminal::terminal_width());
                    out
                }
                TextOrJson::Json => serde_json::to_string_pretty(&found)? + "\n",
            }
            .into())
        }
        Command::Scan(args) => Ok(crate::cli::scan::run(args)?.into()),
        Command::Calibrate(args) => calibrate(args, &rules(&args.rules)?),
        Command::Man { dir: None } => {
            let mut out = Vec::new();
            // As `--dir` writes them: no page for `help`, so the main page names none.
            let command = <Cli as clap::CommandFactory>::command().disable_help_subcommand(true);
            clap_mangen::Man::new(command).render(&mut out)?;
            Ok(String::from_utf8(out)?.into())
        }
        Command::Man { dir: Some(dir) } => {
            if !dir.is_dir() {
                anyhow::bail!("{}: not a folder; create it first", dir.display());
            }
            clap_mangen::generate_to(<Cli as clap::CommandFactory>::command(), dir)
                .map_err(|e| anyhow::anyhow!("{}: cannot write the man pages: {e}", dir.display()))?;
            let mut pages: Vec<String> = std::fs::read_dir(dir)?
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with("dealrisk") && n.ends_with(".1"))
                .collect();
            pages.sort();
            Ok(pages
                .iter()
                .map(|p| format!("{}\n", dir.join(p).display()))
                .collect::<String>()
                .into())
        }
        Command::Explain(args) => {
            let pack = RulePack::load(&rules(&args.rules)?)?;
            let explanation = crate::render::explain::explain(&pack, &args.id)?;
            Ok(match args.format {
                TextOrJson::Text => crate::render::explain::render_text(&explanation),
                TextOrJson::Json => serde_json::to_string_pretty(&explanation)? + "\n",
            }
            .into())
        }
    }
}

/// The command line as shell completion sees it: the values the pack knows offered where
/// the parser accepts any text (a client pack may add bands and rules), never enforced.
fn completing(pack: &RulePack) -> clap::Command {
    use clap::builder::{PossibleValue, PossibleValuesParser};
    let offer =
        |values: Vec<String>| PossibleValuesParser::new(values.into_iter().map(PossibleValue::new).collect::<Vec<_>>());
    let bands: Vec<String> = pack.scoring.bands.iter().map(|b| b.id.clone()).collect();
    let rules: Vec<String> = pack.finding_ids().map(str::to_string).collect();
    <Cli as clap::CommandFactory>::command()
        .mut_subcommand("assess", |c| {
            c.mut_arg("fail_on", |a| a.value_parser(offer(bands.clone())))
                .mut_arg("select", |a| a.value_parser(offer(rules.clone())))
                .mut_arg("ignore", |a| a.value_parser(offer(rules.clone())))
        })
        .mut_subcommand("explain", |c| c.mut_arg("id", |a| a.value_parser(offer(rules.clone()))))
}

fn calibrate(args: &CalibrateArgs, rules: &[PathBuf]) -> Result<Outcome> {
    let pack = RulePack::load(rules)?;
    let library = match &args.dir {
        Some(dir) => crate::cases::library::Library::Folder(dir),
        None => crate::cases::library::Library::Embedded,
    };
    let calibrated = crate::cases::calibrate::calibrate(&library, &pack)?;
    let stdout = match args.format {
        TextOrJson::Text => crate::render::calibration::render(&calibrated),
        TextOrJson::Json => serde_json::to_string_pretty(&calibrated)? + "\n",
    };
    let auc = calibrated.shipped_figures.auc.unwrap_or(0.0);
    let code = match args.min_auc {
        Some(floor) if auc < floor => {
            crate::input::diagnostic::warn(format_args!("AUC {auc:.3} is below --min-auc {floor}"));
            1
        }
        Some(floor) => {
            crate::input::diagnostic::warn(format_args!("AUC {auc:.3} meets --min-auc {floor}"));
            0
        }
        None => 0,
    };
    Ok(Outcome { stdout, code })
}
