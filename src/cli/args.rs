//! The command line's arguments, as clap parses them.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

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

/// An AUC is a probability: a floor outside 0-1 is a typo that would pass or fail every build.
fn parse_auc(text: &str) -> std::result::Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        _ => Err(format!(
            "expected a number from 0 to 1 (an AUC), e.g. 0.9, got `{text}`"
        )),
    }
}
