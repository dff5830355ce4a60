//! The formats written deal by deal, as each report is done, so that a portfolio's memory
//! does not grow with the number of deals: JSON, CSV, GitHub workflow commands, the `--quiet`
//! summary, SARIF and JUnit. SARIF lists the rules of every finding before the first result
//! and JUnit its totals before its first suite: their deals' parts wait in a temporary file
//! (a spool) until the last deal is done. Tables and documents need every report: they
//! compare and order deals.

use crate::ci::batch::Threshold;
use crate::model::report::Report;
use crate::pack::RulePack;
use crate::render::output::Sink;
use anyhow::{Context as _, Result};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufRead as _, BufReader, BufWriter, Seek as _, Write as _};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Streamed {
    Json,
    Csv,
    Github,
    Summary,
    Sarif,
    Junit,
}

/// A format's writer: its head, each report in turn, its tail, each written to the sink as
/// soon as it is known.
pub struct Writer<'a> {
    format: Streamed,
    pack: &'a RulePack,
    threshold: &'a Threshold,
    /// Reports written so far (JSON reads it for its commas); atomic because the threads that
    /// render parts share the writer.
    written: AtomicUsize,
    spool: Option<Mutex<Spool>>,
    /// The annotations GitHub shows, counted in the order they are written.
    cap: Mutex<super::github::Cap>,
}

/// What SARIF and JUnit hold back until the last deal: the deals' parts in a temporary file,
/// the rules seen (SARIF, by id), the notifications of deals not assessed (SARIF) and the
/// totals (JUnit).
struct Spool {
    file: BufWriter<File>,
    rules: BTreeMap<String, Value>,
    notifications: Vec<String>,
    tests: usize,
    failures: usize,
    errors: usize,
}

impl<'a> Writer<'a> {
    /// The writer, its head written.
    pub fn start(format: Streamed, pack: &'a RulePack, threshold: &'a Threshold, sink: &mut Sink) -> Result<Self> {
        let head = match format {
            Streamed::Json => super::json::head(&pack.files)?,
            Streamed::Csv => super::csv::header()?,
            Streamed::Github | Streamed::Summary | Streamed::Sarif | Streamed::Junit => String::new(),
        };
        sink.write(&head)?;
        let spool = match format {
            Streamed::Sarif | Streamed::Junit => Some(Mutex::new(Spool {
                file: BufWriter::new(tempfile::tempfile().context("cannot create a temporary file for the report")?),
                rules: BTreeMap::new(),
                notifications: Vec::new(),
                tests: 0,
                failures: 0,
                errors: 0,
            })),
            _ => None,
        };
        Ok(Writer {
            format,
            pack,
            threshold,
            written: AtomicUsize::new(0),
            spool,
            cap: Mutex::default(),
        })
    }

    /// A report's part of the output, which depends on the report alone (so that it can be
    /// rendered on the thread that assessed the deal).
    pub fn render(&self, report: &Report) -> Result<String> {
        let one = std::slice::from_ref(report);
        Ok(match self.format {
            Streamed::Json => super::json::item(report)?,
            Streamed::Csv => super::csv::rows(report)?,
            Streamed::Github => super::github::annotations(report, self.pack, self.threshold),
            Streamed::Summary => super::summary::render(one),
            Streamed::Sarif => super::sarif::results(report, self.pack, self.threshold)?,
            Streamed::Junit => {
                let suite = super::junit::suite(report, self.pack, self.threshold);
                format!("{} {} 0\n{}", suite.tests, suite.failures, suite.xml)
            }
        })
    }

    /// The part of a deal file that could not be assessed, from its error: a notification in
    /// SARIF, an errored test case in JUnit, an error annotation for GitHub; nothing in the
    /// formats that list reports (the error is on stderr, and the exit code is 2).
    pub fn failed(&self, file: &str, error: &str) -> Result<String> {
        Ok(match self.format {
            Streamed::Sarif => super::sarif::failed(file, error)?,
            Streamed::Junit => format!("1 0 1\n{}", super::junit::failed(file, error)),
            Streamed::Github => super::github::failed(file, error),
            Streamed::Json | Streamed::Csv | Streamed::Summary => String::new(),
        })
    }

    /// Writes a report's part, rendered by `render`, after those of the deals before it.
    pub fn write(&self, part: &str, sink: &mut Sink) -> Result<()> {
        if part.is_empty() {
            // A deal not assessed, in a format that lists reports: nothing, not even a comma.
            return Ok(());
        }
        let before = self.written.fetch_add(1, Ordering::Relaxed);
        let Some(spool) = &self.spool else {
            return match self.format {
                Streamed::Json => {
                    sink.write(super::json::separator(before == 0))?;
                    sink.write(part)
                }
                Streamed::Github => {
                    let shown = self.cap.lock().unwrap_or_else(|e| e.into_inner()).apply(part);
                    sink.write(&shown)
                }
                _ => sink.write(part),
            };
        };
        let mut spool = spool.lock().unwrap_or_else(|e| e.into_inner());
        let part = match self.format {
            Streamed::Junit => {
                let (counts, xml) = part.split_once('\n').unwrap_or_default();
                let counts: Vec<usize> = counts.split(' ').map(|n| n.parse().unwrap_or_default()).collect();
                spool.tests += counts.first().copied().unwrap_or_default();
                spool.failures += counts.get(1).copied().unwrap_or_default();
                spool.errors += counts.get(2).copied().unwrap_or_default();
                xml
            }
            _ => {
                if let Some(notification) = part.strip_prefix(super::sarif::NOTIFICATION) {
                    spool.notifications.push(notification.trim_end().to_string());
                    return Ok(());
                }
                for line in part.lines() {
                    let (rule, title, _) = super::sarif::split_line(line)?;
                    // The first finding of a rule describes it, as when the log is written whole.
                    if let std::collections::btree_map::Entry::Vacant(e) = spool.rules.entry(rule) {
                        let descriptor = super::sarif::descriptor(e.key(), &title, self.pack);
                        e.insert(descriptor);
                    }
                }
                part
            }
        };
        spool
            .file
            .write_all(part.as_bytes())
            .context("cannot write the report's temporary file")
    }

    /// Writes what follows the last report: for SARIF and JUnit, their head and the parts
    /// held back.
    pub fn finish(self, sink: &mut Sink) -> Result<()> {
        let Some(spool) = self.spool else {
            return match self.format {
                Streamed::Json => sink.write(super::json::tail(self.written.into_inner() > 0)),
                Streamed::Github => sink.write(&self.cap.into_inner().unwrap_or_else(|e| e.into_inner()).summary()),
                _ => Ok(()),
            };
        };
        let spool = spool.into_inner().unwrap_or_else(|e| e.into_inner());
        let mut file = spool
            .file
            .into_inner()
            .map_err(|e| e.into_error())
            .context("cannot write the report's temporary file")?;
        file.rewind().context("cannot read the report's temporary file")?;
        let mut lines = BufReader::new(file);
        let mut line = String::new();
        if self.format == Streamed::Junit {
            sink.write(&super::junit::head(spool.tests, spool.failures, spool.errors))?;
            while lines
                .read_line(&mut line)
                .context("cannot read the report's temporary file")?
                > 0
            {
                sink.write(&line)?;
                line.clear();
            }
            return sink.write(super::junit::TAIL);
        }
        let index: BTreeMap<&str, usize> = spool.rules.keys().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
        sink.write(&super::sarif::head(&spool.rules)?)?;
        let unknown = super::sarif::index_text(super::sarif::UNKNOWN_INDEX);
        let mut first = true;
        while lines
            .read_line(&mut line)
            .context("cannot read the report's temporary file")?
            > 0
        {
            let (rule, _, result) = super::sarif::split_line(line.trim_end_matches('\n'))?;
            let known = super::sarif::index_text(index.get(rule.as_str()).copied().unwrap_or_default());
            if !first {
                sink.write(",")?;
            }
            first = false;
            sink.write(&result.replacen(&unknown, &known, 1))?;
            line.clear();
        }
        sink.write(&super::sarif::tail(&spool.notifications))
    }
}
