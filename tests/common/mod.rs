//! Helpers shared by the integration tests: run the real binary and read its JSON report.

#![allow(dead_code)]

use assert_cmd::Command;
use serde_json::Value;

pub fn dealrisk() -> Command {
    let mut cmd = Command::cargo_bin("dealrisk").expect("the dealrisk binary is built");
    // The output a test reads is the same whatever the terminal running the tests says.
    cmd.env("NO_COLOR", "1")
        .env_remove("COLUMNS")
        .env_remove("CLICOLOR_FORCE");
    cmd
}

/// The single report of `dealrisk assess FILE --format json`, and the exit code.
pub fn assess_json(file: &str, extra: &[&str]) -> (Value, i32) {
    let out = dealrisk()
        .args(["assess", file, "--format", "json"])
        .args(extra)
        .output()
        .expect("runs");
    let code = out.status.code().unwrap_or(-1);
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{file}: stdout is not JSON ({e}); stderr: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (doc["reports"][0].clone(), code)
}

pub fn example_files() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir("examples")
        .expect("examples/ exists")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| p.display().to_string())
        .collect();
    files.sort();
    files
}

/// What a run of the binary printed and its exit code.
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

pub fn run(args: &[&str]) -> Run {
    let out = dealrisk().args(args).output().expect("runs");
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).to_string(),
        stderr: String::from_utf8_lossy(&out.stderr).to_string(),
        code: out.status.code().unwrap_or(-1),
    }
}

/// An example deal's text. Its sample paths are relative: write the copy into a folder that
/// `copy_samples` has filled, as a deal's evidence must sit beside it.
pub fn example_text(file: &str) -> String {
    std::fs::read_to_string(file).expect("the example exists")
}

/// Copies `examples/samples` into `dir/samples`, where the examples' deals look for them.
pub fn copy_samples(dir: &std::path::Path) {
    let target = dir.join("samples");
    std::fs::create_dir_all(&target).unwrap();
    for entry in std::fs::read_dir("examples/samples").expect("examples/samples exists") {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), target.join(entry.file_name())).unwrap();
    }
}

/// The HTML board paper of `file`, assessed as on 2026-01-31 (the paper names its date).
pub fn html_paper(file: &str) -> String {
    let out = dealrisk()
        .args(["assess", file, "--format", "html", "--today", "2026-01-31"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "{file}");
    String::from_utf8(out.stdout).expect("HTML is UTF-8")
}
