//! The scan of a CSV sample: one pass, in parallel byte ranges of the file (one per core),
//! each read (`records`) into its own tallies, merged at the end. Memory grows with
//! distinct subjects, quasi-identifier classes and (up to a bound) distinct text values, never
//! with rows. Per-row work is at most three hash lookups; a text value is matched against the
//! keyword automaton once, then cached.

use super::intern::Interner;
use super::records::{self, Fields};
use crate::pack::lexicon::{Lexicon, Mask};
use anyhow::{Context as _, Result, bail};
use foldhash::HashMap;
use rayon::prelude::*;
use std::cell::Cell;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};
use std::path::Path;
use std::rc::Rc;

/// Distinct text values whose categories are cached; beyond it, values are matched each time.
const MAX_CACHED_TEXTS: usize = 200_000;
/// Malformed rows shown by line.
const MALFORMED_SHOWN: usize = 5;
/// Below this size a sample is scanned as one range.
const PARALLEL_FROM_BYTES: u64 = 8 << 20;
/// Separates quasi-identifier values in a class key (a byte CSV text never has unquoted).
const UNIT: u8 = 0x1f;

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

/// The same roles as column positions.
#[derive(Debug, Clone)]
struct Columns {
    width: usize,
    subject: Option<usize>,
    text: Vec<usize>,
    qi: Vec<usize>,
    /// The timestamp and place columns, when points are measured.
    points: Option<(usize, Vec<usize>)>,
}

pub struct Options {
    pub shape_rows: u64,
    pub progress: bool,
}

/// What one pass over a sample counted.
pub struct Tally {
    pub header: Vec<String>,
    pub rows: u64,
    pub malformed: u64,
    /// The first malformed rows: (line, problem).
    pub malformed_lines: Vec<(u64, String)>,
    /// Rows matching each category (by lexicon bit).
    pub category_rows: Vec<u64>,
    /// Rows matching any category.
    pub sensitive_rows: u64,
    /// Distinct subjects with a row matching any category.
    pub sensitive_subjects: Option<u64>,
    /// Distinct subjects with a match in each category; empty without a subject column.
    pub category_subjects: Vec<u64>,
    pub subjects: Option<u64>,
    /// Most frequent matching text values per category: (value, rows).
    pub top_values: Vec<Vec<(String, u64)>>,
    /// How many quasi-identifier classes have each size.
    pub class_sizes: super::ClassSizes,
    /// For each column, the value shapes (lexicon index) most of its first rows match.
    pub column_shapes: Vec<Vec<usize>>,
    /// How many subjects 1 to 4 of their (place, day) points single out, when measured.
    pub unicity: Option<Vec<crate::model::observed::Step>>,
}

/// A key of the text cache: a text value (a product description) inline when it is short, so
/// a lookup does not chase a pointer; a longer one on the heap.
#[derive(Clone)]
enum Key<const N: usize> {
    Inline(u8, [u8; N]),
    Heap(Box<[u8]>),
}

type TextKey = Key<62>;

impl<const N: usize> Key<N> {
    fn new(bytes: &[u8]) -> Key<N> {
        if bytes.len() <= N {
            let mut buf = [0; N];
            buf[..bytes.len()].copy_from_slice(bytes);
            Key::Inline(bytes.len() as u8, buf)
        } else {
            Key::Heap(bytes.into())
        }
    }

    fn bytes(&self) -> &[u8] {
        match self {
            Key::Inline(len, buf) => &buf[..usize::from(*len)],
            Key::Heap(b) => b,
        }
    }
}

impl<const N: usize> std::borrow::Borrow<[u8]> for Key<N> {
    fn borrow(&self) -> &[u8] {
        self.bytes()
    }
}

impl<const N: usize> PartialEq for Key<N> {
    fn eq(&self, other: &Key<N>) -> bool {
        self.bytes() == other.bytes()
    }
}

impl<const N: usize> Eq for Key<N> {}

impl<const N: usize> std::hash::Hash for Key<N> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.bytes().hash(state);
    }
}

/// Each subject's tallies, by its number: the categories of its rows and its quasi-identifier
/// classes, almost always one (`first`); the rare others are kept apart, in `more`. 16 bytes a
/// subject: a sample has hundreds of thousands, held once per range.
#[derive(Default)]
struct Subjects {
    each: Vec<SubjectAcc>,
    more: Vec<Vec<u32>>,
}

struct SubjectAcc {
    mask: Mask,
    first: u32,
    /// Index in `Subjects::more`, or `NO_CLASS`.
    more: u32,
}

const NO_CLASS: u32 = u32::MAX;

impl Subjects {
    fn push(&mut self) {
        self.each.push(SubjectAcc {
            mask: 0,
            first: NO_CLASS,
            more: NO_CLASS,
        });
    }

    fn add_class(&mut self, id: u32, class: u32) {
        let s = &mut self.each[id as usize];
        if s.first == NO_CLASS {
            s.first = class;
        } else if s.first != class {
            if s.more == NO_CLASS {
                s.more = self.more.len() as u32;
                self.more.push(Vec::new());
            }
            let more = &mut self.more[s.more as usize];
            if !more.contains(&class) {
                more.push(class);
            }
        }
    }

    fn classes(&self, id: u32) -> impl Iterator<Item = u32> + '_ {
        let s = &self.each[id as usize];
        let more: &[u32] = self.more.get(s.more as usize).map_or(&[], Vec::as_slice);
        (s.first != NO_CLASS)
            .then_some(s.first)
            .into_iter()
            .chain(more.iter().copied())
    }
}

struct TextAcc {
    mask: Mask,
    rows: u64,
}

/// The tallies of one byte range.
#[derive(Default)]
struct Acc {
    rows: u64,
    malformed: u64,
    /// (absolute byte offset, problem) of the first malformed rows.
    malformed_at: Vec<(u64, String)>,
    category_rows: Vec<u64>,
    sensitive_rows: u64,
    texts: HashMap<TextKey, TextAcc>,
    subject_ids: Interner,
    subjects: Subjects,
    classes: Interner,
    /// The previous row's subject and class: rows of one basket follow each other, so most
    /// rows need no lookup at all.
    last_subject: Vec<u8>,
    last_id: u32,
    last_key: Vec<u8>,
    last_class: u32,
    /// Without a subject column, every row is a record: rows per class.
    class_rows: Vec<u64>,
    shape_hits: Vec<Vec<u64>>,
    shape_cells: Vec<u64>,
    /// Distinct (subject, place, day) points, when measured.
    points: foldhash::HashSet<Vec<u8>>,
}

impl Acc {
    fn new(categories: usize, width: usize, shapes: usize) -> Acc {
        Acc {
            category_rows: vec![0; categories],
            shape_hits: vec![vec![0; shapes]; width],
            shape_cells: vec![0; width],
            last_id: NO_CLASS,
            last_class: NO_CLASS,
            ..Acc::default()
        }
    }

    fn malformed(&mut self, offset: u64, problem: String) {
        self.malformed += 1;
        if self.malformed_at.len() < MALFORMED_SHOWN {
            self.malformed_at.push((offset, problem));
        }
    }

    fn text_mask(&mut self, lexicon: &Lexicon, cell: &[u8]) -> Option<Mask> {
        if let Some(t) = self.texts.get_mut(cell) {
            t.rows += 1;
            return Some(t.mask);
        }
        let text = std::str::from_utf8(cell).ok()?;
        let mask = lexicon.classify_text(text);
        if self.texts.len() < MAX_CACHED_TEXTS {
            self.texts.insert(TextKey::new(cell), TextAcc { mask, rows: 1 });
        }
        Some(mask)
    }

    fn class_id(&mut self, key: &[u8]) -> u32 {
        if !self.last_key.is_empty() && key == self.last_key.as_slice() {
            return self.last_class;
        }
        let (id, new) = self.classes.id(key);
        if new {
            self.class_rows.push(0);
        }
        self.last_key.clear();
        self.last_key.extend_from_slice(key);
        self.last_class = id;
        id
    }

    fn subject_id(&mut self, subject: &[u8]) -> u32 {
        if self.last_id != NO_CLASS && subject == self.last_subject.as_slice() {
            return self.last_id;
        }
        let (id, new) = self.subject_ids.id(subject);
        if new {
            self.subjects.push();
        }
        self.last_subject.clear();
        self.last_subject.extend_from_slice(subject);
        self.last_id = id;
        id
    }

    fn row(
        &mut self,
        lexicon: &Lexicon,
        cols: &Columns,
        record: &impl Fields,
        key: &mut Vec<u8>,
    ) -> Result<(), String> {
        let mut mask = 0;
        for &c in &cols.text {
            mask |= self
                .text_mask(lexicon, &record.field(c))
                .ok_or_else(|| format!("column {} is not valid UTF-8", c + 1))?;
        }
        self.rows += 1;
        self.sensitive_rows += u64::from(mask != 0);
        let mut bits = mask;
        while bits != 0 {
            self.category_rows[bits.trailing_zeros() as usize] += 1;
            bits &= bits - 1;
        }
        let class = if cols.qi.is_empty() {
            None
        } else {
            key.clear();
            for (i, &c) in cols.qi.iter().enumerate() {
                if i > 0 {
                    key.push(UNIT);
                }
                key.extend_from_slice(&record.field(c));
            }
            Some(self.class_id(key))
        };
        if let (Some(s), Some((t, places))) = (cols.subject, &cols.points)
            && let Some(day) = super::unicity::day(&record.field(*t))
        {
            super::unicity::key(&record.field(s), places.iter().map(|&p| record.field(p)), day, key);
            if !self.points.contains(key.as_slice()) {
                self.points.insert(key.clone());
            }
        }
        match cols.subject {
            Some(s) => {
                let id = self.subject_id(&record.field(s));
                self.subjects.each[id as usize].mask |= mask;
                if let Some(class) = class {
                    self.subjects.add_class(id, class);
                }
            }
            None => {
                if let Some(class) = class {
                    self.class_rows[class as usize] += 1;
                }
            }
        }
        Ok(())
    }

    fn shapes(&mut self, lexicon: &Lexicon, record: &impl Fields) {
        for c in 0..record.len() {
            let cell = record.field(c);
            let Ok(text) = std::str::from_utf8(&cell) else { continue };
            let text = text.trim();
            if text.is_empty() || c >= self.shape_cells.len() {
                continue;
            }
            self.shape_cells[c] += 1;
            for i in lexicon.shapes_of(text) {
                self.shape_hits[c][i] += 1;
            }
        }
    }
}

/// Longest line a sample may have, in bytes: far beyond any real record, and a bound on the
/// memory one line can take, so that a file with no line breaks (or `/dev/zero` behind a
/// name) cannot grow the scan without limit.
pub const MAX_LINE_BYTES: u64 = 1 << 20;

/// Most bytes read for one record: a quoted field may hold line breaks, so a record left open
/// by a stray quote is bounded apart from its lines. The CSV reader reads ahead by at most its
/// buffer, so a record is refused once it has taken this much less that buffer.
pub const MAX_RECORD_BYTES: u64 = 8 << 20;

/// A reader that fails once a line runs past `MAX_LINE_BYTES`, or once more than
/// `MAX_RECORD_BYTES` have been read since the reader of records last set `since_mark` to 0.
pub(super) struct LineLimited<R> {
    inner: R,
    since_newline: u64,
    since_mark: Rc<Cell<u64>>,
}

impl<R> LineLimited<R> {
    pub(super) fn new(inner: R) -> Self {
        LineLimited {
            inner,
            since_newline: 0,
            since_mark: Rc::new(Cell::new(0)),
        }
    }

    /// The count of bytes read since the last record began: set it to 0 before reading one.
    pub(super) fn mark(&self) -> Rc<Cell<u64>> {
        Rc::clone(&self.since_mark)
    }
}

/// A CSV reader of a small file with a header row (a data dictionary, a scan's results),
/// whose lines and records are bounded like a sample's.
pub(super) type BoundedCsv = csv::Reader<LineLimited<File>>;

/// A `BoundedCsv` of `path` and the mark to set to 0 before each record.
pub(super) fn bounded_csv(path: &Path, what: &str) -> Result<(BoundedCsv, Rc<Cell<u64>>)> {
    let file = File::open(path).with_context(|| format!("cannot read {what} {}", path.display()))?;
    let limited = LineLimited::new(file);
    let mark = limited.mark();
    let reader = csv::ReaderBuilder::new().flexible(true).from_reader(limited);
    Ok((reader, mark))
}

impl<R: Read> Read for LineLimited<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.since_mark.set(self.since_mark.get() + n as u64);
        if self.since_mark.get() > MAX_RECORD_BYTES {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "a record is longer than {} MiB (a quoted field left open?)",
                    MAX_RECORD_BYTES >> 20
                ),
            ));
        }
        let read = &buf[..n];
        self.since_newline = match memchr::memrchr(b'\n', read) {
            Some(last) => (n - last - 1) as u64,
            None => self.since_newline + n as u64,
        };
        if self.since_newline > MAX_LINE_BYTES {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                format!(
                    "a line is longer than {} MiB; a sample has one record per line",
                    MAX_LINE_BYTES >> 20
                ),
            ));
        }
        Ok(n)
    }
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

fn merge(accs: Vec<Acc>, lexicon: &Lexicon, cols: &Columns, header: Vec<String>, qis: &[String]) -> Tally {
    let categories = lexicon.categories.len();
    let mut accs = accs.into_iter();
    let mut all = accs
        .next()
        .unwrap_or_else(|| Acc::new(categories, cols.width, lexicon.shapes.len()));
    // The other ranges are folded into the first: its maps become the merged ones, so no
    // third copy of the subjects is ever held.
    for acc in accs {
        all.rows += acc.rows;
        all.malformed += acc.malformed;
        all.sensitive_rows += acc.sensitive_rows;
        all.malformed_at.extend(acc.malformed_at);
        for (total, n) in all.category_rows.iter_mut().zip(&acc.category_rows) {
            *total += n;
        }
        for (text, t) in acc.texts {
            all.texts.entry(text).and_modify(|e| e.rows += t.rows).or_insert(t);
        }
        // Class ids are per range: map them to merged ids.
        let global: Vec<u32> = acc
            .classes
            .iter()
            .map(|key| {
                let (id, new) = all.classes.id(key);
                if new {
                    all.class_rows.push(0);
                }
                id
            })
            .collect();
        for (local, n) in acc.class_rows.iter().enumerate() {
            all.class_rows[global[local] as usize] += n;
        }
        for (id, key) in (0..).zip(acc.subject_ids.iter()) {
            let (mine, new) = all.subject_ids.id(key);
            if new {
                all.subjects.push();
            }
            all.subjects.each[mine as usize].mask |= acc.subjects.each[id as usize].mask;
            for c in acc.subjects.classes(id) {
                all.subjects.add_class(mine, global[c as usize]);
            }
        }
        all.points.extend(acc.points);
        for (c, hits) in acc.shape_hits.iter().enumerate() {
            for (i, n) in hits.iter().enumerate() {
                all.shape_hits[c][i] += n;
            }
            all.shape_cells[c] += acc.shape_cells[c];
        }
    }
    all.malformed_at.sort_by_key(|(o, _)| *o);
    all.malformed_at.truncate(MALFORMED_SHOWN);

    let mut category_subjects = vec![0; if cols.subject.is_some() { categories } else { 0 }];
    let mut sensitive_subjects = 0;
    if cols.subject.is_some() {
        for (id, s) in (0..).zip(&all.subjects.each) {
            sensitive_subjects += u64::from(s.mask != 0);
            let mut bits = s.mask;
            while bits != 0 {
                category_subjects[bits.trailing_zeros() as usize] += 1;
                bits &= bits - 1;
            }
            for c in all.subjects.classes(id) {
                all.class_rows[c as usize] += 1;
            }
        }
    }
    let top_values = (0..categories)
        .map(|bit| {
            let mut values: Vec<(String, u64)> = all
                .texts
                .iter()
                .filter(|(_, t)| t.mask & (1 << bit) != 0)
                .map(|(v, t)| (String::from_utf8_lossy(v.bytes()).to_string(), t.rows))
                .collect();
            values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            values.truncate(3);
            values
        })
        .collect();
    let column_shapes = (0..cols.width)
        .map(|c| {
            (0..lexicon.shapes.len())
                .filter(|&i| all.shape_cells[c] > 0 && all.shape_hits[c][i] * 2 >= all.shape_cells[c])
                .collect()
        })
        .collect();
    let classes: Vec<(Vec<u8>, u64)> = all
        .classes
        .iter()
        .zip(&all.class_rows)
        .filter(|(_, n)| **n > 0)
        .map(|(k, n)| (k.to_vec(), *n))
        .collect();
    Tally {
        header,
        rows: all.rows,
        malformed: all.malformed,
        malformed_lines: all.malformed_at,
        category_rows: all.category_rows,
        sensitive_rows: all.sensitive_rows,
        sensitive_subjects: cols.subject.map(|_| sensitive_subjects),
        category_subjects,
        subjects: cols.subject.map(|_| all.subjects.each.len() as u64),
        top_values,
        class_sizes: super::ClassSizes::of(&classes, qis),
        column_shapes,
        unicity: cols
            .points
            .as_ref()
            .map(|_| super::unicity::measure(all.points.iter().map(Vec::as_slice))),
    }
}

/// Splits a class key into its quasi-identifier values.
pub fn class_values(key: &[u8]) -> Vec<&[u8]> {
    key.split(|&b| b == UNIT).collect()
}
