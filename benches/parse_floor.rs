//! The parse-only floor of the evidence scan: the csv crate reading every record of a CSV file
//! and doing nothing with it, on every core, the file split as `dealrisk scan` splits it (one
//! byte range per core, each starting at a line). No scan can read the file in less; what
//! `benches/scan.py` prints beside this is how far above it the scan stays.
//!
//!     cargo bench --bench parse_floor -- FILE.csv
//!
//! Prints the number of records and of bytes in their fields (so that nothing read is unused).

use std::fs::File;
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom};

fn main() {
    let Some(path) = std::env::args().nth(1).filter(|a| a != "--bench") else {
        eprintln!("usage: cargo bench --bench parse_floor -- FILE.csv");
        std::process::exit(2);
    };
    match floor(&path) {
        Ok((records, bytes)) => println!("records={records} field_bytes={bytes}"),
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(2);
        }
    }
}

fn floor(path: &str) -> std::io::Result<(u64, u64)> {
    let len = std::fs::metadata(path)?.len();
    let mut file = BufReader::new(File::open(path)?);
    let mut header = Vec::new();
    file.read_until(b'\n', &mut header)?;
    let data_start = header.len() as u64;
    let parts = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
    let mut starts = vec![data_start];
    for i in 1..parts {
        let guess = data_start + (len - data_start) * i / parts;
        file.seek(SeekFrom::Start(guess))?;
        let mut skipped = Vec::new();
        file.read_until(b'\n', &mut skipped)?;
        starts.push(guess + skipped.len() as u64);
    }
    starts.push(len);
    let ranges: Vec<(u64, u64)> = starts.windows(2).map(|w| (w[0], w[1])).collect();
    std::thread::scope(|s| {
        let parsers: Vec<_> = ranges
            .iter()
            .map(|&range| s.spawn(move || parse(path, range)))
            .collect();
        parsers.into_iter().try_fold((0, 0), |(records, bytes), parser| {
            let (r, b) = parser.join().expect("a parser thread panicked")?;
            Ok((records + r, bytes + b))
        })
    })
}

fn parse(path: &str, (start, end): (u64, u64)) -> std::io::Result<(u64, u64)> {
    let mut file = File::open(path)?;
    file.seek(SeekFrom::Start(start))?;
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .buffer_capacity(1 << 20)
        .from_reader(file.take(end - start));
    let mut record = csv::ByteRecord::new();
    let (mut records, mut bytes) = (0, 0);
    while reader.read_byte_record(&mut record).map_err(std::io::Error::other)? {
        records += 1;
        bytes += record.as_slice().len() as u64;
    }
    Ok((records, bytes))
}
