//! Readers with bounds: a sample, a dictionary or a results file with no line breaks (or
//! `/dev/zero` behind a name) cannot grow a scan's memory without limit.

use anyhow::{Context as _, Result};
use std::cell::Cell;
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::rc::Rc;

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
