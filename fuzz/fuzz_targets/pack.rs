//! A rule file, read with the default pack's data files (scoring, problems, categories,
//! purposes, sectors, jurisdictions, fideslang keys) and checked as `rules lint` checks it.
#![no_main]

use std::sync::OnceLock;

use dealrisk::pack::RulePack;
use libfuzzer_sys::fuzz_target;

/// The default files that hold no CEL: cheap to read on every run, and what a rule file refers to.
fn base() -> &'static [(String, String)] {
    static BASE: OnceLock<Vec<(String, String)>> = OnceLock::new();
    BASE.get_or_init(|| {
        const DATA: [&str; 7] = [
            "scoring.toml",
            "problems.toml",
            "categories.toml",
            "purposes.toml",
            "sectors.toml",
            "jurisdictions.toml",
            "fideslang.toml",
        ];
        RulePack::default_sources()
            .into_iter()
            .filter(|(name, _)| DATA.iter().any(|d| name.ends_with(d)))
            .collect()
    })
}

fuzz_target!(|bytes: &[u8]| {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return;
    };
    let mut files = base().to_vec();
    files.push(("fuzzed.toml".to_string(), text.to_string()));
    let _ = RulePack::from_sources(files);
});
