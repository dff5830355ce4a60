//! A data sample, scanned as `dealrisk scan` scans it: the first column read as the subject,
//! every column as text, the first two as quasi-identifiers.
#![no_main]

use dealrisk::evidence::scan::{Options, Roles, scan};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let path = dealrisk_fuzz::write("sample.csv", bytes);
    let lexicon = dealrisk_fuzz::pack().lexicon().expect("the default lexicon");
    let header = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let columns: Vec<String> = String::from_utf8_lossy(header)
        .split(',')
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    let roles = Roles {
        subject: columns.first().cloned(),
        text: columns.clone(),
        quasi_identifiers: columns.iter().take(2).cloned().collect(),
        timestamps: columns.iter().skip(2).take(1).cloned().collect(),
        places: columns.iter().skip(3).take(1).cloned().collect(),
    };
    let options = Options {
        shape_rows: 100,
        progress: false,
    };
    let _ = scan(&path, &roles, lexicon, &options);
});
