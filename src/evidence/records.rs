//! Reading the records of one byte range of a sample. simd-csv reads a record about twice as
//! fast as the csv crate (it finds delimiters sixteen bytes at a time and unescapes only the
//! fields asked for), but reads text that breaks RFC 4180 its own way: a quote inside an
//! unquoted field opens a quoted section, a lone carriage return ends no record. So simd-csv
//! reads while every record is plain RFC 4180 (a field holding a quote is wholly quoted, with
//! its inner quotes doubled; no carriage return but before a line feed), where the two read
//! the same fields; from the first record that is not, the csv crate reads the rest of the
//! range, as it always did.

use super::bounded::LineLimited;
use std::borrow::Cow;
use std::cell::Cell;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;
use std::rc::Rc;

/// A record's fields, unescaped, whichever reader read it.
pub(super) trait Fields {
    fn len(&self) -> usize;
    fn field(&self, i: usize) -> Cow<'_, [u8]>;
}

impl Fields for csv::ByteRecord {
    fn len(&self) -> usize {
        self.len()
    }

    fn field(&self, i: usize) -> Cow<'_, [u8]> {
        Cow::Borrowed(self.get(i).unwrap_or_default())
    }
}

impl Fields for simd_csv::ZeroCopyByteRecord<'_> {
    #[inline]
    fn len(&self) -> usize {
        self.len()
    }

    #[inline]
    fn field(&self, i: usize) -> Cow<'_, [u8]> {
        self.unescape(i).unwrap_or_default()
    }
}

/// A record simd-csv read that holds no quote: its fields are its bytes between delimiters,
/// with nothing to unquote or unescape (most samples' every record).
struct Unquoted<'r, 'b>(&'r simd_csv::ZeroCopyByteRecord<'b>);

impl Fields for Unquoted<'_, '_> {
    #[inline]
    fn len(&self) -> usize {
        self.0.len()
    }

    #[inline]
    fn field(&self, i: usize) -> Cow<'_, [u8]> {
        Cow::Borrowed(self.0.get(i).unwrap_or_default())
    }
}

/// What is done with what reading a range meets at each byte offset: a record, or one the
/// csv crate could not read (counted as malformed, and reading goes on). A record comes as the
/// reader's own type, so that the scan's per-row code is compiled once for each reader and
/// reads a field without a call through a vtable (a tenth of a scan's instructions were those
/// calls).
pub(super) trait OnRecord {
    fn record(&mut self, offset: u64, record: &impl Fields);
    fn malformed(&mut self, offset: u64, problem: String);
}

/// Reading failed (a line past the limit, a read error) at this offset: not a row to skip.
pub(super) struct Failed {
    pub offset: u64,
    pub message: String,
}

impl Failed {
    fn at(offset: u64, error: impl std::fmt::Display) -> Failed {
        Failed {
            offset,
            message: error.to_string(),
        }
    }
}

/// Gives `on` each record of `start..end` with its absolute byte offset.
pub(super) fn each(path: &Path, (start, end): (u64, u64), on: &mut impl OnRecord) -> Result<(), Failed> {
    let (limited, mark) = range(path, start, end)?;
    let mut reader = simd_csv::ZeroCopyReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 20)
        .from_reader(limited);
    loop {
        let offset = start + reader.position();
        mark.set(0);
        match reader.read_byte_record() {
            Ok(None) => return Ok(()),
            Ok(Some(record)) => match quotes(&record) {
                Quotes::None => on.record(offset, &Unquoted(&record)),
                Quotes::Plain => on.record(offset, &record),
                Quotes::Other => return each_in_csv(path, (offset, end), on),
            },
            Err(ref e) if let simd_csv::ErrorKind::Io(e) = e.kind() => return Err(Failed::at(offset, e)),
            // Not plain RFC 4180 (above), or not read: the csv crate reads from here.
            _ => return each_in_csv(path, (offset, end), on),
        }
    }
}

/// `each`, with the csv crate alone.
fn each_in_csv(path: &Path, (start, end): (u64, u64), on: &mut impl OnRecord) -> Result<(), Failed> {
    let (limited, mark) = range(path, start, end)?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 20)
        .from_reader(limited);
    let mut record = csv::ByteRecord::new();
    loop {
        let offset = start + reader.position().byte();
        mark.set(0);
        match reader.read_byte_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => on.record(offset, &record),
            Err(e) => match e.kind() {
                csv::ErrorKind::Io(e) => return Err(Failed::at(offset, e)),
                _ => on.malformed(offset, e.to_string()),
            },
        }
    }
}

/// The bytes `start..end` of `path`, their lines bounded, and the mark to set to 0 before
/// each record.
type Range = (LineLimited<std::io::Take<File>>, Rc<Cell<u64>>);

fn range(path: &Path, start: u64, end: u64) -> Result<Range, Failed> {
    let mut file = File::open(path).map_err(|e| Failed::at(start, e))?;
    file.seek(SeekFrom::Start(start)).map_err(|e| Failed::at(start, e))?;
    let limited = LineLimited::new(file.take(end - start));
    let mark = limited.mark();
    Ok((limited, mark))
}

/// How a record simd-csv read holds quotes.
enum Quotes {
    /// Neither a quote nor a carriage return.
    None,
    /// Quotes as RFC 4180 writes them, no carriage return: the csv crate reads its fields and
    /// its end where simd-csv did.
    Plain,
    /// A carriage return (simd-csv takes only `\r\n` as a line's end), or a field holding a
    /// quote that is not wholly quoted with its inner quotes doubled: the two read it apart.
    Other,
}

fn quotes(record: &simd_csv::ZeroCopyByteRecord) -> Quotes {
    let raw = record.as_slice();
    match memchr::memchr2(b'"', b'\r', raw) {
        None => Quotes::None,
        Some(_) if memchr::memchr(b'\r', raw).is_some() => Quotes::Other,
        Some(_) if (0..record.len()).all(|i| record.get(i).is_none_or(well_quoted)) => Quotes::Plain,
        Some(_) => Quotes::Other,
    }
}

/// A field without quotes, or one that opens and closes with a quote and doubles every quote
/// between.
fn well_quoted(field: &[u8]) -> bool {
    if !field.contains(&b'"') {
        return true;
    }
    let Some(inner) = field.strip_prefix(b"\"").and_then(|rest| rest.strip_suffix(b"\"")) else {
        return false;
    };
    let mut quotes = inner.split(|&b| b == b'"');
    // Between two quotes of a pair there is nothing: every part after the first alternates
    // between the empty gap inside a pair and the text after it.
    quotes.next();
    quotes.enumerate().all(|(i, part)| i % 2 == 1 || part.is_empty())
        && inner.iter().filter(|&&b| b == b'"').count() % 2 == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_is_well_quoted_only_as_rfc_4180_quotes_it() {
        for ok in [
            &b"plain"[..],
            b"\"a, b\"",
            b"\"say \"\"hi\"\"\"",
            b"\"\"",
            b"\"\"\"\"",
            b"\"a\"\"\"\"b\"",
            b"\"a\"\"\"",
        ] {
            assert!(well_quoted(ok), "{}", String::from_utf8_lossy(ok));
        }
        for bad in [
            &b"12\" pizza"[..],
            b"\"b\"c",
            b"\"open",
            b"\"",
            b"\"a\"b\"",
            b"\"a\"\"",
            b" \"a\"",
        ] {
            assert!(!well_quoted(bad), "{}", String::from_utf8_lossy(bad));
        }
    }

    /// The fields of each record read, blank lines left out as the scan leaves them out
    /// whichever reader shows them.
    #[derive(Default)]
    struct Records(Vec<Vec<Vec<u8>>>);

    impl OnRecord for Records {
        fn record(&mut self, _: u64, r: &impl Fields) {
            let fields: Vec<Vec<u8>> = (0..r.len()).map(|i| r.field(i).into_owned()).collect();
            if !(fields.len() == 1 && fields[0].is_empty()) {
                self.0.push(fields);
            }
        }

        fn malformed(&mut self, _: u64, _: String) {}
    }

    type Reader = fn(&Path, (u64, u64), &mut Records) -> Result<(), Failed>;

    /// Every way of writing a record that the two readers might read apart: `each` must give
    /// the csv crate's fields, record for record, on each.
    #[test]
    fn each_reads_what_the_csv_crate_reads() {
        let texts: &[&[u8]] = &[
            b"a,b,c\n1,2,3\n",
            b"a,b\r\n1,2\r\n",
            b"a,\"b,c\",d\nx,y,z\n",
            b"a,\"b\"\"c\",d\n",
            b"a,\"b\nc\",d\ne,f,g\n",
            b"a,12\" pizza,d\ne,f,g\n\"h\",i,j\n",
            b"a,\"b\"c,d\ne,f\n",
            b",,\n\n\na,b,\n",
            b"a,b",
            b"a\rb,c\nd,e\n",
            b"a,b\r",
            b"x,y\n\"unterminated,b\nc,d\n",
            b"a,\"b\"  ,c\nd,e,f\n",
        ];
        for text in texts {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("s.csv");
            std::fs::write(&path, text).unwrap();
            let read = |each: Reader| {
                let mut records = Records::default();
                assert!(each(&path, (0, text.len() as u64), &mut records).is_ok());
                records.0
            };
            let ours = read(each);
            let theirs = read(each_in_csv);
            assert_eq!(ours, theirs, "{}", String::from_utf8_lossy(text));
        }
    }
}
