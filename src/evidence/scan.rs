//! The scan of a CSV sample: one pass, in parallel byte ranges of the file (one per core),
//! each read (`records`) into its own tallies, merged at the end. Memory grows with
//! distinct subjects, quasi-identifier classes and (up to a bound) distinct text values, never
//! with rows. Per-row work is at most three hash lookups; a text value is matched against the
//! keyword automaton once, then cached.

use super::bounded::{LineLimited, MAX_LINE_BYTES};
use super::records::{self, Fields};
pub use super::tally::Tally;
use super::tally::{Acc, Columns, merge};
use crate::pack::lexicon::Lexicon;
use anyhow::{Context as _, Result, bail};
use rayon::prelude::*;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;

/// Below this size a sample is scanned as one range.
const PARALLEL_FROM_BYTES: u64 = 8 << 20;

/// The columns of a sample, by name, and what each tells.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Roles {
    pub subject: Option<String>,
    pub text: Vec<String>,
    pub quasi_identifiers: Vec<String>,
    /// When and where each row happened: with a subject, the unicity of (place, day) points
    /// is measured from the first timestamp column and every place column.
    pub timestamps: Vec<String>,
    pub places: Vec<String>,
}

impl Roles {
    /// Whether the sample's (place, day) points are measured.
    pub fn has_points(&self) -> bool {
        self.subject.is_some() && !self.timestamps.is_empty() && !self.places.is_empty()
    }
}

pub struct Options {
    pub shape_rows: u64,
    pub progress: bool,
}

/// Most columns a sample may have: wider than any table a deal describes, bounded because
/// every row's fields are matched against the pack's signals column by column.
pub const MAX_COLUMNS: usize = 4_096;

/// Reads the header row: its names and the byte offset where the records start.
pub(super) fn header(path: &Path) -> Result<(Vec<String>, u64)> {
    let file = File::open(path).with_context(|| format!("cannot read sample {}", path.display()))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(LineLimited::new(file));
    let mut record = csv::ByteRecord::new();
    let found = reader
        .read_byte_record(&mut record)
        .with_context(|| format!("{}:1: cannot read the header row", path.display()))?;
    if !found || record.iter().all(|c| c.is_empty()) {
        bail!(
            "{}: the sample is empty; expected a header row naming its columns",
            path.display()
        );
    }
    if record.len() > MAX_COLUMNS {
        bail!(
            "{}:1: the header row names {} columns; at most {MAX_COLUMNS} are scanned (scan a sample of the columns that matter)",
            path.display(),
            record.len()
        );
    }
    let names = record
        .iter()
        .map(|c| String::from_utf8(c.to_vec()).map(|s| s.trim().to_string()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| anyhow::anyhow!("{}:1: the header row is not valid UTF-8", path.display()))?;
    Ok((names, reader.position().byte()))
}

/// The first few names of a header, for a message: a wide header is not quoted whole.
fn listing(header: &[String]) -> String {
    const SHOWN: usize = 20;
    let names: Vec<&str> = header.iter().take(SHOWN).map(String::as_str).collect();
    if header.len() > SHOWN {
        format!("{}, … ({} in all)", names.join(", "), header.len())
    } else {
        names.join(", ")
    }
}

fn columns(path: &Path, header: &[String], roles: &Roles) -> Result<Columns> {
    let find = |name: &str, role: &str| -> Result<usize> {
        header.iter().position(|h| h == name).ok_or_else(|| {
            let hint = crate::input::diagnostic::nearest(name, header.iter().map(String::as_str))
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_default();
            anyhow::anyhow!(
                "{}:1: no column `{name}` (the {role}); the header has {}{hint}",
                path.display(),
                listing(header)
            )
        })
    };
    Ok(Columns {
        width: header.len(),
        subject: roles.subject.as_deref().map(|s| find(s, "subject")).transpose()?,
        text: roles
            .text
            .iter()
            .map(|t| find(t, "text to scan"))
            .collect::<Result<_>>()?,
        qi: roles
            .quasi_identifiers
            .iter()
            .map(|q| find(q, "quasi-identifier"))
            .collect::<Result<_>>()?,
        points: if roles.has_points() {
            let timestamp = find(&roles.timestamps[0], "timestamp")?;
            let places = roles.places.iter().map(|p| find(p, "place")).collect::<Result<_>>()?;
            Some((timestamp, places))
        } else {
            None
        },
    })
}

/// Byte ranges of about equal size, each starting at the beginning of a line.
fn ranges(path: &Path, data_start: u64, len: u64) -> Result<Vec<(u64, u64)>> {
    let parts = if len - data_start < PARALLEL_FROM_BYTES {
        1
    } else {
        rayon::current_num_threads().max(1) as u64
    };
    let mut starts = vec![data_start];
    let mut file = BufReader::new(File::open(path)?);
    for i in 1..parts {
        let guess = data_start + (len - data_start) * i / parts;
        file.seek(SeekFrom::Start(guess))?;
        let mut skipped = Vec::new();
        (&mut file).take(MAX_LINE_BYTES + 1).read_until(b'\n', &mut skipped)?;
        if skipped.len() as u64 > MAX_LINE_BYTES {
            bail!(
                "{}: a line is longer than {} MiB; a sample has one record per line",
                path.display(),
                MAX_LINE_BYTES >> 20
            );
        }
        let start = guess + skipped.len() as u64;
        if start > *starts.last().unwrap_or(&0) && start < len {
            starts.push(start);
        }
    }
    Ok(starts
        .iter()
        .enumerate()
        .map(|(i, &s)| (s, starts.get(i + 1).copied().unwrap_or(len)))
        .collect())
}

fn scan_range(
    path: &Path,
    (start, end): (u64, u64),
    first: bool,
    cols: &Columns,
    lexicon: &Lexicon,
    shape_rows: u64,
    progress: Option<&indicatif::ProgressBar>,
) -> Result<Acc> {
    let mut range = Range {
        acc: Acc::new(lexicon.categories.len(), cols.width, lexicon.shapes.len()),
        key: Vec::new(),
        start,
        reported: 0,
        first,
        cols,
        lexicon,
        shape_rows,
        progress,
    };
    if let Err(failed) = records::each(path, (start, end), &mut range) {
        let line = lines_of(path, &[(failed.offset, String::new())])?
            .first()
            .map_or(0, |(line, _)| *line);
        bail!("{}:{line}: {}", path.display(), failed.message);
    }
    if let Some(bar) = progress {
        bar.inc(end - start - range.reported);
    }
    Ok(range.acc)
}

/// The scan of one byte range as its records are read.
struct Range<'a> {
    acc: Acc,
    /// A buffer for each row's class key.
    key: Vec<u8>,
    start: u64,
    /// Bytes already counted on the progress bar.
    reported: u64,
    /// Whether this is the sample's first range, the one whose first rows are matched against
    /// the value shapes.
    first: bool,
    cols: &'a Columns,
    lexicon: &'a Lexicon,
    shape_rows: u64,
    progress: Option<&'a indicatif::ProgressBar>,
}

impl records::OnRecord for Range<'_> {
    fn record(&mut self, offset: u64, record: &impl Fields) {
        let acc = &mut self.acc;
        if record.len() == 1 && record.field(0).is_empty() {
            return; // a blank line
        }
        if record.len() != self.cols.width {
            return acc.malformed(
                offset,
                format!("{} fields, the header has {}", record.len(), self.cols.width),
            );
        }
        if self.first && acc.rows < self.shape_rows {
            acc.shapes(self.lexicon, record);
        }
        if let Err(problem) = acc.row(self.lexicon, self.cols, record, &mut self.key) {
            acc.malformed(offset, problem);
        }
        if let Some(bar) = self.progress
            && offset - self.start - self.reported >= 1 << 22
        {
            bar.inc(offset - self.start - self.reported);
            self.reported = offset - self.start;
        }
    }

    fn malformed(&mut self, offset: u64, problem: String) {
        self.acc.malformed(offset, problem);
    }
}

/// Scans a CSV sample in one pass.
pub fn scan(path: &Path, roles: &Roles, lexicon: &Lexicon, options: &Options) -> Result<Tally> {
    let (header, data_start) = header(path)?;
    let cols = columns(path, &header, roles)?;
    let len = std::fs::metadata(path)?.len();
    let parts = ranges(path, data_start, len)?;
    let bar = options.progress.then(|| {
        let bar = indicatif::ProgressBar::new(len - data_start);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{msg} {bar:30} {binary_bytes}/{binary_total_bytes} {eta}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        bar.set_message(format!("scanning {}", path.display()));
        bar
    });
    let accs: Vec<Acc> = parts
        .par_iter()
        .enumerate()
        .map(|(i, &range)| scan_range(path, range, i == 0, &cols, lexicon, options.shape_rows, bar.as_ref()))
        .collect::<Result<_>>()?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let mut tally = merge(accs, lexicon, &cols, header, &roles.quasi_identifiers);
    tally.malformed_lines = lines_of(path, &tally.malformed_lines)?;
    Ok(tally)
}

/// Turns byte offsets (in `lines`' first field) into 1-based line numbers.
fn lines_of(path: &Path, at: &[(u64, String)]) -> Result<Vec<(u64, String)>> {
    if at.is_empty() {
        return Ok(Vec::new());
    }
    let last = at.iter().map(|(o, _)| *o).max().unwrap_or(0);
    let mut reader = BufReader::new(File::open(path)?).take(last);
    let mut newlines = Vec::new();
    let mut offset = 0u64;
    let mut buf = vec![0; 1 << 16];
    loop {
        let n = reader.read(&mut buf)?;
        if n == 0 {
            break;
        }
        newlines.extend(memchr::memchr_iter(b'\n', &buf[..n]).map(|i| offset + i as u64));
        offset += n as u64;
    }
    Ok(at
        .iter()
        .map(|(o, problem)| (1 + newlines.partition_point(|&n| n < *o) as u64, problem.clone()))
        .collect())
}
