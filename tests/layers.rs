//! The source tree keeps its shape: `src/lib.rs` declares the stages in the order a deal goes
//! through them, no module imports from a later stage, no modules import one another in a
//! circle (docs/architecture.md), and no source file grows past what a reader takes in at once.

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

/// The module a source file is: `src/engine/condition/mod.rs` is `engine::condition`.
fn module_of(file: &Path) -> String {
    let rel = file.strip_prefix(src()).expect("under src/").with_extension("");
    let rel = rel.to_string_lossy().replace('\\', "/");
    rel.strip_suffix("/mod").unwrap_or(&rel).replace('/', "::")
}

/// Every path `code` names through `crate::` or `super::`, as segments from the crate root,
/// each item of a `{...}` group its own path. `module` is the file's module, what `super`
/// starts from.
fn absolute_paths(code: &str, module: &str) -> Vec<Vec<String>> {
    fn items(text: &str, prefix: &[String], out: &mut Vec<Vec<String>>) {
        let (mut depth, mut start) = (0, 0);
        for (i, c) in text.char_indices() {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                ',' if depth == 0 => {
                    path(text[start..i].trim(), prefix.to_vec(), out);
                    start = i + 1;
                }
                _ => {}
            }
        }
        path(text[start..].trim(), prefix.to_vec(), out);
    }
    fn path(text: &str, mut segments: Vec<String>, out: &mut Vec<Vec<String>>) {
        let mut rest = text;
        loop {
            if let Some(group) = rest.strip_prefix('{') {
                let end = group.rfind('}').unwrap_or(group.len());
                return items(&group[..end], &segments, out);
            }
            let ident: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            if ident.is_empty() {
                break;
            }
            if ident != "self" {
                segments.push(ident.clone());
            }
            match rest[ident.len()..].strip_prefix("::") {
                Some(more) => rest = more,
                None => break,
            }
        }
        out.push(segments);
    }
    let mut out = Vec::new();
    let own: Vec<String> = module.split("::").map(String::from).collect();
    for start in ["crate::", "super::"] {
        for (at, _) in code.match_indices(start) {
            if code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':') {
                continue; // the middle of a longer path: `super::super::x` is read from its start
            }
            if code[..at].ends_with("(in ") {
                continue; // a visibility, `pub(in crate::pack)`, imports nothing
            }
            let mut base = Vec::new();
            let mut rest = &code[at..];
            if let Some(r) = rest.strip_prefix("crate::") {
                rest = r;
            } else {
                base = own.clone();
                while let Some(r) = rest.strip_prefix("super::") {
                    base.pop();
                    rest = r;
                }
            }
            let end = rest
                .find(|c: char| !(c.is_alphanumeric() || "_:{}, ".contains(c)))
                .unwrap_or(rest.len());
            let text = rest[..end].trim_end_matches([',', ' ']);
            // A group's closing brace may lie past `end` only on a later line: read to it.
            let text = match (text.matches('{').count(), text.matches('}').count()) {
                (open, close) if open > close => rest[..rest.find(';').unwrap_or(rest.len())].to_string(),
                _ => text.to_string(),
            };
            path(&text.replace('\n', " "), base, &mut out);
        }
    }
    out
}

/// Which modules each module imports (not itself, not through its unit tests).
fn module_imports() -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let modules: std::collections::BTreeMap<String, PathBuf> = files
        .into_iter()
        .map(|f| (module_of(&f), f))
        .filter(|(m, _)| !["lib", "main"].contains(&m.as_str()) && !m.ends_with("::tests"))
        .collect();
    let mut imports = std::collections::BTreeMap::new();
    for (module, file) in &modules {
        let text = code(&std::fs::read_to_string(file).expect("source reads"));
        let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or_default();
        let mut found = std::collections::BTreeSet::new();
        for segments in absolute_paths(text, module) {
            // The longest prefix of the path that is a module.
            let target = (1..=segments.len())
                .rev()
                .map(|n| segments[..n].join("::"))
                .find(|m| modules.contains_key(m));
            if let Some(target) = target.filter(|t| t != module) {
                found.insert(target);
            }
        }
        // A folder's `mod.rs` names its own files without `crate::` or `super::`.
        for child in modules.keys().filter_map(|m| m.strip_prefix(&format!("{module}::"))) {
            let named = text
                .match_indices(&format!("{child}::"))
                .any(|(at, _)| !text[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == ':'));
            if !child.contains("::") && named {
                found.insert(format!("{module}::{child}"));
            }
        }
        imports.insert(module.clone(), found);
    }
    imports
}

/// A chain of imports that comes back to where it started, if there is one.
fn a_circle(imports: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit<'a>(
        module: &'a str,
        imports: &'a std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
        path: &mut Vec<&'a str>,
        done: &mut std::collections::BTreeSet<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|m| *m == module) {
            let mut circle: Vec<String> = path[at..].iter().map(|m| m.to_string()).collect();
            circle.push(module.to_string());
            return Some(circle);
        }
        if !done.insert(module) {
            return None;
        }
        path.push(module);
        for next in imports.get(module).into_iter().flatten() {
            if let Some(circle) = visit(next, imports, path, done) {
                return Some(circle);
            }
        }
        path.pop();
        None
    }
    let mut done = std::collections::BTreeSet::new();
    imports
        .keys()
        .find_map(|m| visit(m, imports, &mut Vec::new(), &mut done))
}

#[test]
fn no_two_modules_import_each_other_even_through_others() {
    let imports = module_imports();
    assert!(
        imports["engine::evaluate"].contains("engine::findings") && imports["cli"].contains("cli::scan"),
        "the check reads imports: {imports:?}"
    );
    if let Some(circle) = a_circle(&imports) {
        panic!("modules import one another in a circle: {}", circle.join(" -> "));
    }
}

#[test]
fn a_circle_is_found_through_grouped_and_parent_paths() {
    let paths = absolute_paths(
        "use super::{scan::Roles, tally};\nuse crate::pack::{self, lexicon::{Lexicon, Mask}};",
        "evidence::sql",
    );
    assert_eq!(
        paths,
        [
            vec!["pack"],
            vec!["pack", "lexicon", "Lexicon"],
            vec!["pack", "lexicon", "Mask"],
            vec!["evidence", "scan", "Roles"],
            vec!["evidence", "tally"],
        ]
        .map(|p| p.iter().map(|s| s.to_string()).collect::<Vec<_>>())
    );
    let mut imports = std::collections::BTreeMap::new();
    imports.insert("a".to_string(), ["b".to_string()].into());
    imports.insert("b".to_string(), ["c".to_string()].into());
    imports.insert("c".to_string(), ["a".to_string()].into());
    assert_eq!(
        a_circle(&imports),
        Some(vec!["a".into(), "b".into(), "c".into(), "a".into()])
    );
    imports.insert("c".to_string(), Default::default());
    assert_eq!(a_circle(&imports), None);
}
