//! A waiver file, read against the default pack.
#![no_main]

use dealrisk::ci::waiver::Waivers;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let path = dealrisk_fuzz::write("waivers.toml", bytes);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).expect("a date");
    let _ = Waivers::load(&[path], dealrisk_fuzz::pack(), today);
});
