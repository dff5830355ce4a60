//! `dealrisk assess`: every deal named, assessed in parallel and written in the order named,
//! with the run's waivers, baseline and thresholds applied.

use super::args::{AssessArgs, Format};
use crate::ci::baseline::Baseline;
use crate::ci::batch::Tally;
use crate::ci::waiver::{Notice, Waivers};
use crate::engine::whatif::WhatIf;
use crate::model::report::Report;
use crate::pack::RulePack;
use crate::render::output::Sink;
use crate::render::stream::{Streamed, Writer};
use anyhow::Result;
use std::path::PathBuf;

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

/// Runs the command; its exit code (the report is written to stdout or `--output` as it goes).
pub(super) fn assess(args: &AssessArgs) -> Result<u8> {
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
    Ok(code)
}
