//! Command-line arguments and the `run` that carries out a command; `main` only maps its
//! outcome to an exit code.

pub mod config;
pub mod scan;

use crate::ci::baseline::Baseline;
use crate::ci::batch::Tally;
use crate::ci::waiver::{Notice, Waivers};
use crate::engine::whatif::WhatIf;
use crate::model::report::Report;
use crate::pack::RulePack;
use crate::render::output::Sink;
use crate::render::stream::{Streamed, Writer};
use anyhow::Result;
use clap::{Parser, Subcommand, ValueEnum};
use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

/// Assess the risk of a proposed data-sharing deal described in a TOML file.
///
/// Exit codes: 0 assessed; 1 a threshold was exceeded; 2 bad input or usage.
#[derive(Debug, Parser)]
#[command(name = "dealrisk", version, about, long_about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Read settings from this file instead of the nearest dealrisk.toml found from the
    /// working directory up.
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Ignore dealrisk.toml: only the command line counts.
    #[arg(long, global = true, conflicts_with = "config")]
    pub no_config: bool,

    /// Colour the report's bands and blocking findings: auto (when stdout is a terminal, unless
    /// NO_COLOR is set; CLICOLOR_FORCE forces it), always, or never.
    #[arg(long, global = true, value_enum, value_name = "WHEN", default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Assess deal files and print a scored, explained risk report.
    Assess(AssessArgs),
    /// Explain a rule: what makes it fire, its levels, why, and what lowers it.
    Explain(ExplainArgs),
    /// Write a commented deal file to start from; never overwrites a file.
    Init(InitArgs),
    /// Work with rule packs.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    ///
    /// It offers the formats, the pack's bands for --fail-on and its rule ids for --select,
    /// --ignore and `explain` (those of the default pack and of the settings' packs).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. `dealrisk man > dealrisk.1`; with --dir, write a page
    /// for every command there (dealrisk.1, dealrisk-assess.1, ...).
    Man {
        /// Write every command's page into this folder instead of printing the main one.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Print the JSON Schema of the deal format, for editor completion and validation.
    Schema,
    /// List the cases of the library most like a deal: how each ended, when, what it shares
    /// with the deal, and a source. Every report shows them too; they never change the score.
    Precedents(PrecedentsArgs),
    /// Measure the score against a library of real deals with known outcomes.
    ///
    /// Assesses every case (deals/*.toml, each with its outcomes/*.toml) and prints each case's
    /// label, score and drivers, then AUC, Spearman correlation with the label, bands by
    /// outcome, the score's reliability as a chance of ending badly, and the worst
    /// misrankings: as shipped, cross-validated, and on the held-out third (docs/scoring.md).
    Calibrate(CalibrateArgs),
    /// Scan a data sample (CSV) for sensitive signals and re-identification risk.
    ///
    /// With --deal, the columns' roles come from the deal's `[datasets.evidence]` and the
    /// evidence is shown beside what the deal declares. `assess` runs the same scan itself.
    Scan(ScanArgs),
}

#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// The CSV sample (a header row, then records); without it, the deal's `sample`.
    #[arg(value_name = "SAMPLE.csv")]
    pub sample: Option<PathBuf>,

    /// A deal file whose dataset's evidence section names the sample and its columns.
    #[arg(long, value_name = "DEAL.toml")]
    pub deal: Option<PathBuf>,

    /// The dataset of --deal to scan (its `id`); without it, the first with evidence.
    #[arg(long, value_name = "ID")]
    pub dataset: Option<String>,

    /// A data dictionary (CSV: field name, description, example) to classify.
    #[arg(long, value_name = "FILE")]
    pub dictionary: Option<PathBuf>,

    /// The column naming the person (card, customer); overrides the deal's.
    #[arg(long, value_name = "COLUMN")]
    pub subject: Option<String>,

    /// A text column to scan for keywords; repeat for several. Overrides the deal's.
    #[arg(long, value_name = "COLUMN")]
    pub text: Vec<String>,

    /// A quasi-identifier column (ZIP, birth year, sex); repeat for several. Overrides the deal's.
    #[arg(long = "qi", value_name = "COLUMN")]
    pub quasi_identifiers: Vec<String>,

    /// The column of when each row happened (an ISO 8601 date or timestamp): with --place and a
    /// subject, how many people a few of their (place, day) points single out. Overrides the deal's.
    #[arg(long = "timestamp", value_name = "COLUMN")]
    pub timestamp: Option<String>,

    /// A column of where each row happened (store, cell tower); repeat for several. Overrides
    /// the deal's.
    #[arg(long = "place", value_name = "COLUMN")]
    pub places: Vec<String>,

    /// Match this keyword list (one per line, `#` comments, `# --- name` starts a group)
    /// as case-insensitive substrings instead of the pack's signals.
    #[arg(long, value_name = "FILE")]
    pub keywords: Option<PathBuf>,

    /// Add a rule pack, as for `assess`.
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,

    /// Malformed rows (ragged, not UTF-8) are an error instead of being counted and skipped.
    #[arg(long)]
    pub strict: bool,

    /// With --deal: let its evidence paths lead into this folder too (see `assess`).
    #[arg(long, value_name = "DIR")]
    pub allow_path: Vec<PathBuf>,

    /// Print the scan as SQL for this engine instead of scanning, to run where the data live.
    #[arg(long, value_enum, value_name = "ENGINE")]
    pub emit_sql: Option<crate::evidence::sql::Dialect>,

    /// With --emit-sql: the table or view to read (default: the sample's CSV file).
    #[arg(long, value_name = "TABLE")]
    pub source: Option<String>,

    /// Read the result of the emitted SQL (CSV: measure, key, value) instead of scanning.
    #[arg(long, value_name = "RESULT.csv")]
    pub evidence: Option<PathBuf>,

    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Check a rule pack: every file parses, every condition compiles, every reference
    /// resolves, every rule is documented; all problems at once, each with file, line, column.
    Lint {
        /// The pack to check, on top of the default pack (which is checked too).
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,
    },
    /// Run a pack's test cases (its `tests/` folder) and report rule coverage.
    ///
    /// Exit 1 if a case fails or coverage is under --min-coverage.
    Test {
        /// The pack to test, loaded over the default pack; without it, the default pack.
        #[arg(value_name = "DIR")]
        dir: Option<PathBuf>,

        /// Exit 1 when fewer than this percentage of the pack's rules have both a case where
        /// they fire and one where they stay silent.
        #[arg(long, value_name = "PERCENT", default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=100))]
        min_coverage: u32,
    },
    /// List every rule with its id, area, severity and title.
    List {
        /// Add a rule pack (a folder of *.toml rule files), as for `assess`.
        #[arg(long = "rules", value_name = "DIR")]
        rules: Vec<PathBuf>,
    },
}

#[derive(Debug, clap::Args)]
pub struct InitArgs {
    /// The kind of deal to start from.
    #[arg(long, value_enum, default_value_t = crate::input::templates::Template::RetailerToInsurer)]
    pub template: crate::input::templates::Template,

    /// Where to write it; `-` prints it instead.
    #[arg(value_name = "FILE", default_value = "deal.toml")]
    pub file: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct CalibrateArgs {
    /// A case library: a folder with deals/ and outcomes/ (docs/cases.md). Default: the
    /// library built into dealrisk (the repository's cases/).
    #[arg(value_name = "DIR")]
    pub dir: Option<PathBuf>,

    /// Add a rule pack, as for `assess`: measure a client pack against the library.
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,

    /// Exit 1 if the AUC (as shipped) is below this, e.g. 0.95: a CI floor on judgement.
    #[arg(long, value_name = "X", value_parser = parse_auc)]
    pub min_auc: Option<f64>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

#[derive(Debug, clap::Args)]
pub struct ExplainArgs {
    /// A rule id, e.g. CE-FRONT-PAGE, or a sensitive category's finding id, e.g. SD-PHARMACY.
    #[arg(value_name = "RULE_ID")]
    pub id: String,

    /// Add a rule pack (a folder of *.toml rule files), as for `assess`.
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

#[derive(Debug, clap::Args)]
pub struct PrecedentsArgs {
    /// The deal file.
    #[arg(value_name = "DEAL.toml")]
    pub deal: PathBuf,

    /// Add a rule pack, as for `assess`, to read the deal with.
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = TextOrJson::Text)]
    pub format: TextOrJson,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TextOrJson {
    /// Plain text.
    Text,
    /// JSON, with the same fields.
    Json,
}

#[derive(Debug, Clone, clap::Args)]
pub struct AssessArgs {
    /// Deal files (TOML) to assess, or folders to search for `*.toml` deal files.
    #[arg(required = true, value_name = "DEAL.toml|DIR")]
    pub deals: Vec<PathBuf>,

    /// Exit 1 if any deal's residual band reaches this band (e.g. high: high or critical fail).
    #[arg(long, value_name = "BAND")]
    pub fail_on: Option<String>,

    /// Exit 1 if any deal's residual score is above this.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=100))]
    pub max_score: Option<u32>,

    /// Run only these rules: ids (SD-HEALTH) or prefixes ending in `-` (RT-), comma-separated
    /// or repeated. The score counts only the rules run.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub select: Vec<String>,

    /// Do not run these rules: ids or prefixes ending in `-`, comma-separated or repeated.
    #[arg(long, value_name = "RULE", value_delimiter = ',')]
    pub ignore: Vec<String>,

    /// Waiver file(s): accepted risks, each with rule, reason, owner and expiry (docs/ci.md).
    ///
    /// Waived findings stay in the report, marked, and stop counting toward the thresholds.
    #[arg(long, value_name = "FILE")]
    pub waivers: Vec<PathBuf>,

    /// The date waivers are judged on, instead of today (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub today: Option<chrono::NaiveDate>,

    /// Expired and unused waivers are errors (exit 2), not warnings; so is a malformed row in
    /// a sample the evidence scan reads.
    #[arg(long)]
    pub strict: bool,

    /// A JSON report saved earlier: show and gate only on what is new or worse since then.
    ///
    /// New findings, higher residual risk, a worse band; a deal with nothing new or worse
    /// does not exceed the thresholds.
    #[arg(long, value_name = "REPORT.json")]
    pub baseline: Option<PathBuf>,

    /// Leave out the mitigation leverage, the open questions' answers and the verdict change
    /// (they re-assess each deal dozens of times); scenarios are still compared.
    ///
    /// Implied by --quiet and by the csv, sarif, github and junit formats, which do not show them.
    #[arg(long)]
    pub no_what_if: bool,

    /// Judge the deals on their declarations alone: do not scan the samples that
    /// `[datasets.evidence]` names (for runs without access to the data).
    #[arg(long)]
    pub no_evidence: bool,

    /// Let the deals' evidence paths lead into this folder too. By default a sample,
    /// dictionary or results file must sit in or below the deal file's folder, so that a deal
    /// from a pull request cannot make dealrisk read files elsewhere on the runner.
    #[arg(long, value_name = "DIR")]
    pub allow_path: Vec<PathBuf>,

    /// Judge the deals' scenarios against --fail-on and --max-score too.
    #[arg(long)]
    pub gate_scenarios: bool,

    /// Add a rule pack (a folder of *.toml rule files); a rule with an existing id replaces it.
    ///
    /// May be given several times; later packs override earlier ones, and all override the
    /// default pack embedded in the binary.
    #[arg(long = "rules", value_name = "DIR")]
    pub rules: Vec<PathBuf>,

    /// Output format [default: table].
    #[arg(long, value_enum)]
    pub format: Option<Format>,

    /// Print one line per deal (score, band, verdict, top finding) instead of the report.
    #[arg(long, short)]
    pub quiet: bool,

    /// Write the report to this file instead of stdout, atomically; never over an input file.
    #[arg(long, short, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Assess one of the deal's scenarios instead of the deal as written.
    ///
    /// Without it, every scenario the deal file defines is assessed and shown side by side
    /// with the deal.
    #[arg(long, value_name = "NAME")]
    pub scenario: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Tables for a person at a terminal.
    Table,
    /// Stable JSON, documented in docs/report-json.md.
    Json,
    /// One row per finding, for spreadsheets and pipelines.
    Csv,
    /// SARIF 2.1.0 for code scanning: each finding at the deal field that made it fire.
    Sarif,
    /// GitHub Actions annotations (`::error file=...,line=...::`) at the triggering fields.
    Github,
    /// JUnit XML: a test case per deal and per scenario, failing over the threshold.
    Junit,
    /// Markdown for a board paper or a CI job summary.
    Markdown,
    /// One self-contained HTML page with charts, to print or attach to a board paper.
    Html,
    /// A workshop worksheet (Markdown): the unknown facts and how each answer moves the score,
    /// the questions for the room, the options on the table.
    Worksheet,
}

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
            assess(&args)
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
                    crate::render::table::precedents(&mut out, &found, crate::render::table::terminal_width());
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

/// An AUC is a probability: a floor outside 0-1 is a typo that would pass or fail every build.
fn parse_auc(text: &str) -> std::result::Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!(
            "expected a number from 0 to 1 (an AUC), e.g. 0.9, got `{text}`"
        )),
    }
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

/// One deal of a portfolio, assessed: what the totals and decision lines need, and its part
/// of the output (rendered, or its report kept for a format that needs every report first).
struct Assessed {
    file: String,
    band: String,
    over: Option<String>,
    output: Output,
}

enum Output {
    Written(String),
    Kept(Box<Report>),
    /// The deal could not be assessed: its error, and its part of a streamed output (an error
    /// in SARIF, JUnit and GitHub annotations).
    Failed {
        error: String,
        part: Option<String>,
    },
}

fn assess(args: &AssessArgs) -> Result<Outcome> {
    let format = args.format.unwrap_or(Format::Table);
    let found = crate::ci::batch::deal_files(&args.deals, &args.waivers)?;
    for skipped in &found.skipped_waivers {
        crate::input::diagnostic::warn(format_args!(
            "note: {} is a waiver file, not a deal: skipped (pass it with --waivers to apply it)",
            skipped.display()
        ));
    }
    let files = found.deals;
    if let Some(output) = &args.output {
        crate::render::output::refuse_inputs(
            output,
            files
                .iter()
                .chain(&args.rules)
                .chain(&args.waivers)
                .chain(&args.baseline),
        )?;
    }
    let mut pack = RulePack::load(&args.rules)?;
    let left_out = pack.select_rules(&args.select, &args.ignore)?;
    if left_out > 0 {
        crate::input::diagnostic::warn(format_args!(
            "note: {left_out} rule(s) of the pack not run (--select, --ignore): the scores count only the others"
        ));
    }
    let threshold = crate::ci::batch::Threshold {
        fail_on: args.fail_on.clone(),
        max_score: args.max_score,
        scenarios: args.gate_scenarios,
    };
    threshold.check(&pack)?;
    let today = args.today.unwrap_or_else(|| chrono::Local::now().date_naive());
    let waivers = if args.waivers.is_empty() {
        Waivers::none(today)
    } else {
        Waivers::load(&args.waivers, &pack, today)?
    };
    let baseline = args.baseline.as_deref().map(Baseline::load).transpose()?;
    let shows_what_if = !args.quiet
        && matches!(
            format,
            Format::Table | Format::Json | Format::Markdown | Format::Html | Format::Worksheet
        );
    let what_if = if shows_what_if && !args.no_what_if {
        WhatIf::Full
    } else {
        WhatIf::ScenariosOnly
    };
    let streamed = match format {
        Format::Table if args.quiet => Some(Streamed::Summary),
        Format::Json => Some(Streamed::Json),
        Format::Csv => Some(Streamed::Csv),
        Format::Github => Some(Streamed::Github),
        Format::Sarif => Some(Streamed::Sarif),
        Format::Junit => Some(Streamed::Junit),
        _ => None,
    };
    if args.output.is_some() && anstream::ColorChoice::global() == anstream::ColorChoice::Auto {
        // A report file is not a terminal, whatever stdout is.
        anstream::ColorChoice::Never.write_global();
    }
    let mut sink = match &args.output {
        Some(output) => Sink::file(output)?,
        None => Sink::stdout(),
    };
    let writer = streamed
        .map(|format| Writer::start(format, &pack, &threshold, &mut sink))
        .transpose()?;
    // Reports kept for the formats that need every one before they write; the others are
    // written as each deal is done, in the order given.
    let mut reports: Vec<Report> = Vec::new();
    let mut tally = Tally::default();
    let waivers = std::sync::Mutex::new(waivers);
    // Deals like each one, in the formats a person reads (and JSON and SARIF, whose every
    // alert is read on its own): the library is read once.
    let library = (!args.quiet
        && matches!(
            format,
            Format::Table | Format::Json | Format::Markdown | Format::Html | Format::Sarif
        ))
    .then(|| crate::cases::precedents::Library::embedded(pack.scoring.precedent_weights));
    let seen = crate::evidence::observations::Observations::default();
    let report_one = |path: &PathBuf, file: &str| -> Result<Report> {
        let mode = crate::engine::deal_check::EvidenceMode {
            scan: !args.no_evidence,
            strict: args.strict,
            allowed: &args.allow_path,
            seen: Some(&seen),
        };
        let loaded = crate::engine::deal_check::load(path, &pack, mode)?;
        let mut report = crate::engine::whatif::report(file, &loaded, &pack, args.scenario.as_deref(), what_if)?;
        waivers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .apply(&mut report, &pack);
        if let Some(baseline) = &baseline {
            baseline.compare(&mut report, &pack);
        }
        if let Some(library) = &library {
            report.precedents = library.like(&loaded.deal);
        }
        Ok(report)
    };
    let assess_one = |path: &PathBuf| -> Result<Assessed> {
        let file = path.display().to_string();
        let report = match report_one(path, &file) {
            Ok(report) => report,
            Err(e) => {
                let error = format!("{e:#}");
                let part = writer.as_ref().map(|w| w.failed(&file, &error)).transpose()?;
                return Ok(Assessed {
                    file,
                    band: String::new(),
                    over: None,
                    output: Output::Failed { error, part },
                });
            }
        };
        let over = threshold.exceeded_as(&report, &pack);
        let band = report.gated().band.clone();
        let output = match &writer {
            Some(writer) => Output::Written(writer.render(&report)?),
            None => Output::Kept(Box::new(report)),
        };
        Ok(Assessed {
            file,
            band,
            over,
            output,
        })
    };
    let mut take = |assessed: Result<Assessed>| -> Result<()> {
        let a = assessed?;
        match (a.output, &writer) {
            (Output::Failed { error, part }, _) => {
                tally.fail();
                crate::input::diagnostic::warn(format_args!("error: {error}"));
                if let (Some(part), Some(writer)) = (part, &writer) {
                    writer.write(&part, &mut sink)?;
                }
            }
            (output, _) => {
                tally.add(&a.file, &a.band, a.over.as_deref());
                match (output, &writer) {
                    (Output::Written(part), Some(writer)) => writer.write(&part, &mut sink)?,
                    (Output::Kept(report), _) => reports.push(*report),
                    _ => {}
                }
            }
        }
        Ok(())
    };
    crate::ci::batch::in_order(&files, assess_one, &mut take)?;
    let waivers = waivers.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut stale = 0;
    for (waiver, notice) in waivers.notices() {
        let error = args.strict && notice != Notice::ExpiresSoon;
        stale += usize::from(error);
        let kind = if error { "error" } else { "warning" };
        crate::input::diagnostic::warn(format_args!("{kind}: {}", waivers.describe(waiver, &notice)));
    }
    let rest = match (writer, format) {
        (Some(writer), _) => {
            writer.finish(&mut sink)?;
            String::new()
        }
        (None, Format::Table) => crate::render::table::render(&reports),
        (None, Format::Markdown) => crate::render::markdown::render(&reports),
        (None, Format::Html) => crate::render::html::render(
            &reports,
            &crate::render::html::Colophon {
                date: today,
                pack: pack.fingerprint(),
            },
        ),
        (None, Format::Worksheet) => crate::render::worksheet::render(&reports, &pack),
        // Written deal by deal above; whole, should that ever change.
        (None, Format::Json) => crate::render::json::render(&reports, &pack.files)?,
        (None, Format::Csv) => crate::render::csv::render(&reports)?,
        (None, Format::Github) => crate::render::github::render(&reports, &pack, &threshold),
        (None, Format::Sarif) => crate::render::sarif::render(&reports, &pack, &threshold)?,
        (None, Format::Junit) => crate::render::junit::render(&reports, &pack, &threshold),
    };
    sink.write(&rest)?;
    crate::input::diagnostic::warn(format_args!("{}", tally.totals(&pack)));
    if threshold.is_set() {
        crate::input::diagnostic::warn(format_args!("{}", threshold.decision(&tally)));
    }
    if tally.failed > 0 {
        crate::input::diagnostic::warn(format_args!(
            "error: {} deal file(s) could not be assessed",
            tally.failed
        ));
    }
    if stale > 0 {
        crate::input::diagnostic::warn(format_args!("error: {stale} waiver(s) expired or unused (--strict)"));
    }
    let code = match (tally.failed + stale, tally.over > 0) {
        (0, false) => 0,
        (0, true) => 1,
        _ => 2,
    };
    sink.finish()?;
    Ok(Outcome {
        stdout: String::new(),
        code,
    })
}
