//! A deal file: parsed, checked against the pack and its scenarios applied, without scanning.
#![no_main]

use dealrisk::engine::deal_check::{EvidenceMode, load_source};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let pack = dealrisk_fuzz::pack();
    let path = dealrisk_fuzz::scratch().join("deal.toml");
    let mode = EvidenceMode::default();
    if let Err(e) = load_source(&path, text.to_string(), pack, mode) {
        dealrisk_fuzz::assert_terminal_safe("error", &dealrisk::input::diagnostic::neutralise(&format!("{e:#}")));
    }
});
