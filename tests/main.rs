//! The integration tests: one test binary, a module per concern (`tests/<module>.rs`).
//!
//! One binary rather than one per file: each test binary linked the whole crate and its
//! dependencies again, and cargo ran the twenty-five of them one after another (figures in
//! Cargo.toml, at `[[test]]`). Cargo no longer finds test files by itself, so
//! `every_test_file_is_a_module_here` fails when a file in `tests/` is not declared below.

mod common;

mod baseline;
mod calibrate;
mod cli;
mod code_scanning;
mod config;
mod docs;
mod errors;
mod evidence;
mod examples;
mod explain;
mod fideslang;
mod formats;
mod init;
mod judgement;
mod layers;
mod memo;
mod pack_tests;
mod precedents;
mod print;
mod properties;
mod rule_pack;
mod thresholds;
mod untrusted;
mod waivers;
mod whatif;
mod workflow;

#[test]
fn every_test_file_is_a_module_here() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let declared = std::fs::read_to_string(root.join("main.rs")).expect("tests/main.rs reads");
    let mut missing = Vec::new();
    for entry in std::fs::read_dir(&root).expect("tests/ lists") {
        let path = entry.expect("an entry").path();
        let Some(module) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let is_module = path.extension().is_some_and(|e| e == "rs") || path.join("mod.rs").is_file();
        if is_module && module != "main" && !declared.contains(&format!("\nmod {module};\n")) {
            missing.push(module.to_string());
        }
    }
    assert!(
        missing.is_empty(),
        "declare these in tests/main.rs, or cargo test never runs them: {missing:?}"
    );
}
