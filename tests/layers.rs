//! The source tree keeps its shape: `src/lib.rs` declares the stages in the order a deal goes
//! through them, and no module imports from a later stage (docs/architecture.md); no source
//! file grows past what a reader takes in at once.

use std::path::{Path, PathBuf};

/// Longest source file, in lines, unit tests included.
const MOST_LINES: usize = 420;

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The stages, in the order `src/lib.rs` declares them.
fn stages() -> Vec<String> {
    let lib = std::fs::read_to_string(src().join("lib.rs")).expect("src/lib.rs reads");
    lib.lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod "))
        .filter_map(|l| l.strip_suffix(';'))
        .map(String::from)
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ lists") {
        let path = entry.expect("src/ lists").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The text without its comments: a doc comment may name a later stage.
fn code(text: &str) -> String {
    text.lines()
        .map(|l| l.split_once("//").map_or(l, |(code, _)| code))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The first segment of every `crate::` path in `code`, a `use crate::{a, b}` group's
/// included.
fn crate_paths(code: &str) -> Vec<String> {
    let ident = |s: &str| -> String { s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect() };
    let mut found = Vec::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        let Some(group) = rest.strip_prefix('{') else {
            found.push(ident(rest));
            continue;
        };
        let mut depth = 0;
        let mut start = 0;
        for (i, c) in group.char_indices() {
            match c {
                '{' => depth += 1,
                '}' if depth == 0 => {
                    found.push(ident(group[start..i].trim()));
                    break;
                }
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    found.push(ident(group[start..i].trim()));
                    start = i + 1;
                }
                _ => {}
            }
        }
    }
    found
}

/// Each `(file, stage imported)` where a file of one stage imports from a later one.
fn imports_from_later_stages() -> Vec<String> {
    let stages = stages();
    let rank = |name: &str| stages.iter().position(|s| s == name);
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    files.sort();
    let mut wrong = Vec::new();
    for file in files {
        let rel = file
            .strip_prefix(src())
            .expect("under src/")
            .to_string_lossy()
            .replace('\\', "/");
        let stage = rel.split('/').next().unwrap_or_default().trim_end_matches(".rs");
        let Some(own) = rank(stage) else { continue };
        let text = std::fs::read_to_string(&file).expect("source reads");
        for imported in crate_paths(&code(&text)) {
            if rank(&imported).is_some_and(|r| r > own) {
                wrong.push(format!("src/{rel} (stage `{stage}`) imports `crate::{imported}`"));
            }
        }
    }
    wrong.dedup();
    wrong
}

#[test]
fn lib_declares_the_stages_and_every_source_file_belongs_to_one() {
    let stages = stages();
    assert_eq!(
        stages,
        [
            "model", "input", "pack", "evidence", "engine", "cases", "ci", "render", "cli"
        ],
        "docs/architecture.md describes these stages in this order"
    );
    let mut strays = Vec::new();
    for entry in std::fs::read_dir(src()).expect("src/ lists") {
        let name = entry.expect("src/ lists").file_name().to_string_lossy().into_owned();
        let stage = name.trim_end_matches(".rs");
        if !["lib.rs", "main.rs"].contains(&name.as_str()) && !stages.iter().any(|s| s == stage) {
            strays.push(name);
        }
    }
    assert!(strays.is_empty(), "in src/ but no stage of src/lib.rs: {strays:?}");
}

#[test]
fn no_module_imports_from_a_later_stage() {
    let wrong = imports_from_later_stages();
    assert!(wrong.is_empty(), "imports against the flow:\n{}", wrong.join("\n"));
}

#[test]
fn the_import_check_sees_single_and_grouped_paths_and_ignores_comments() {
    let text = "use crate::model::deal::Deal;\nuse crate::{render::table, engine::{assess, score}};\n\
                // crate::cli is named in a comment\nlet x = crate::ci::batch::run();";
    assert_eq!(crate_paths(&code(text)), ["model", "render", "engine", "ci"]);
}

#[test]
fn no_source_file_is_longer_than_a_reader_takes_in_at_once() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    files.sort();
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let lines = std::fs::read_to_string(f).expect("source reads").lines().count();
            (lines > MOST_LINES).then(|| format!("{} ({lines} lines)", f.display()))
        })
        .collect();
    assert!(
        long.is_empty(),
        "split these (at most {MOST_LINES} lines each):\n{}",
        long.join("\n")
    );
}
