//! `dealrisk rules test [DIR]`: a rule pack's own test cases. A pack's `tests/` folder holds
//! base deals (ordinary deal files) and case files; each case changes a few fields of a base
//! deal, as a scenario does, and names the rules that must fire and those that must not. The
//! command runs every case and reports rule coverage: the pack's rules that no case makes
//! fire, and those no case shows silent.

use crate::engine::Detail;
use crate::engine::evaluate::assess_with;
use crate::input::diagnostic::{at_span, nearest, parse_toml};
use crate::model::deal::{Deal, DeclaredMitigation, Scenario};
use crate::pack::RulePack;
use anyhow::{Context as _, Result, bail};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    /// The base deal of every case in the file: a deal file of the same folder, without
    /// `.toml`.
    base: Option<String>,
    #[serde(default)]
    case: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: Spanned<String>,
    /// Overrides the file's base.
    base: Option<String>,
    #[serde(default)]
    set: BTreeMap<String, Spanned<toml::Value>>,
    #[serde(default)]
    mitigations: Vec<DeclaredMitigation>,
    /// Rules that must fire.
    #[serde(default)]
    fires: Vec<Spanned<String>>,
    /// Rules that must not fire.
    #[serde(default)]
    silent: Vec<Spanned<String>>,
}

/// One case that did not hold.
#[derive(Debug, Serialize)]
pub struct Failure {
    /// `file:line:column` of the case.
    pub case: String,
    pub name: String,
    pub problem: String,
}

#[derive(Debug, Serialize)]
pub struct Outcome {
    pub cases: usize,
    pub failures: Vec<Failure>,
    /// The rules of the tested pack, in id order.
    pub rules: usize,
    /// Rules no case makes fire.
    pub never_fired: Vec<String>,
    /// Rules no case shows silent.
    pub never_silent: Vec<String>,
    /// Percentage of rules with both a firing and a silent case, rounded down.
    pub coverage: u32,
}

/// The `*.toml` files of a tests folder: (path, text), in name order.
fn test_files(tests: &Path) -> Result<Vec<(String, String)>> {
    let entries = std::fs::read_dir(tests).with_context(|| {
        format!(
            "cannot read {}: a pack keeps its test cases in a `{}` folder (see docs/rules.md)",
            tests.display(),
            crate::pack::TESTS_DIR
        )
    })?;
    let mut files: Vec<PathBuf> = entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|f| {
            let text = crate::input::read_text(&f, "rule test file")?;
            Ok((f.display().to_string(), text))
        })
        .collect()
}

/// Runs the pack's cases: DIR's (over the default pack), or the default pack's own, which are
/// extracted to a temporary folder and named `rules/tests/...` in what is reported.
pub fn run(dir: Option<&Path>, pack: &RulePack) -> Result<Outcome> {
    let Some(dir) = dir else {
        let temp = tempfile::tempdir().context("cannot make a folder for the default pack's tests")?;
        crate::pack::extract_default_tests(temp.path())?;
        let shown = |text: &str| text.replace(&temp.path().display().to_string(), "rules/tests");
        return match run_in(temp.path(), None, pack) {
            Ok(mut outcome) => {
                for f in &mut outcome.failures {
                    f.case = shown(&f.case);
                }
                Ok(outcome)
            }
            Err(e) => Err(anyhow::anyhow!("{}", shown(&format!("{e:#}")))),
        };
    };
    run_in(&dir.join(crate::pack::TESTS_DIR), Some(dir), pack)
}

/// Runs the cases of a tests folder. `dir` is the client pack (loaded over the default one),
/// or none for the default pack; coverage counts the rules that pack defines.
fn run_in(tests: &Path, dir: Option<&Path>, pack: &RulePack) -> Result<Outcome> {
    let files = test_files(tests)?;
    let stem = |name: &str| {
        Path::new(name)
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default()
    };
    // Base deals are the files with a [deal] table; the others hold cases.
    let mut bases: BTreeMap<String, Deal> = BTreeMap::new();
    let mut case_files = Vec::new();
    for (name, text) in &files {
        let table: toml::Table = parse_toml(Path::new(name), text)?;
        if table.contains_key("deal") {
            let loaded = crate::engine::deal_check::load_source(
                Path::new(name),
                text.clone(),
                pack,
                crate::engine::deal_check::EvidenceMode {
                    scan: true,
                    strict: true,
                    ..Default::default()
                },
            )?;
            bases.insert(stem(name), loaded.deal);
        } else {
            case_files.push((name, text));
        }
    }
    let ids: Vec<&str> = pack.finding_ids().collect();
    let mut fired_somewhere = BTreeSet::new();
    let mut silent_somewhere = BTreeSet::new();
    let mut failures = Vec::new();
    let mut problems = Vec::new();
    let mut cases = 0;
    for (name, text) in case_files {
        let path = Path::new(name.as_str());
        let file: CaseFile = parse_toml(path, text)?;
        for case in file.case {
            cases += 1;
            let (line, column) = crate::input::diagnostic::line_col(text, case.name.span().start);
            let located = format!("{name}:{line}:{column}");
            for id in case.fires.iter().chain(&case.silent) {
                if !ids.contains(&id.get_ref().as_str()) {
                    let hint = nearest(id.get_ref(), ids.iter().copied())
                        .map(|n| format!("; did you mean `{n}`?"))
                        .unwrap_or_default();
                    problems.push(at_span(
                        path,
                        text,
                        Some(id.span()),
                        &format!("unknown rule `{}`{hint}", id.get_ref()),
                    ));
                }
            }
            let Some(base_name) = case.base.as_ref().or(file.base.as_ref()) else {
                problems.push(at_span(
                    path,
                    text,
                    Some(case.name.span()),
                    "the case has no `base` deal, and neither has its file",
                ));
                continue;
            };
            let Some(base) = bases.get(base_name) else {
                let known: Vec<&str> = bases.keys().map(String::as_str).collect();
                let hint = nearest(base_name, known.iter().copied())
                    .map(|n| format!("; did you mean `{n}`?"))
                    .unwrap_or_else(|| format!("; the tests folder has {}", known.join(", ")));
                problems.push(at_span(
                    path,
                    text,
                    Some(case.name.span()),
                    &format!("no base deal `{base_name}` (a deal file `{base_name}.toml` in the tests folder){hint}"),
                ));
                continue;
            };
            let scenario = Scenario {
                name: crate::model::deal::Text::new(case.name.span(), case.name.get_ref().clone()),
                title: case.name.get_ref().clone(),
                description: None,
                set: case.set,
                mitigations: case.mitigations,
            };
            let deal = match crate::engine::deal_check::apply(path, text, base, &scenario, pack, "case") {
                Ok(deal) => deal,
                Err(e) => {
                    problems.push(format!("{e:#}"));
                    continue;
                }
            };
            let report = assess_with(
                name,
                &deal,
                pack,
                Detail::Scores,
                &crate::engine::condition::Memo::off(),
            )?;
            let fired: BTreeSet<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
            let mut fail = |problem: String| {
                failures.push(Failure {
                    case: located.clone(),
                    name: case.name.get_ref().clone(),
                    problem,
                })
            };
            for id in &case.fires {
                let id = id.get_ref().as_str();
                if fired.contains(id) {
                    fired_somewhere.insert(id.to_string());
                } else {
                    let others: Vec<&str> = fired.iter().copied().collect();
                    fail(format!(
                        "{id} should fire and did not (fired: {})",
                        if others.is_empty() {
                            "none".to_string()
                        } else {
                            others.join(", ")
                        }
                    ));
                }
            }
            for id in &case.silent {
                let id = id.get_ref().as_str();
                if fired.contains(id) {
                    fail(format!("{id} should stay silent and fired"));
                } else {
                    silent_somewhere.insert(id.to_string());
                }
            }
        }
    }
    if !problems.is_empty() {
        bail!("{}", problems.join("\n"));
    }
    let tested: Vec<&str> = ids
        .iter()
        .copied()
        .filter(|id| match dir {
            None => true,
            Some(dir) => pack
                .origin_of_finding(id)
                .is_some_and(|file| Path::new(file).starts_with(dir)),
        })
        .collect();
    let mut never_fired: Vec<String> = tested
        .iter()
        .filter(|id| !fired_somewhere.contains(**id))
        .map(|id| id.to_string())
        .collect();
    let mut never_silent: Vec<String> = tested
        .iter()
        .filter(|id| !silent_somewhere.contains(**id))
        .map(|id| id.to_string())
        .collect();
    never_fired.sort();
    never_silent.sort();
    let covered = tested
        .iter()
        .filter(|id| fired_somewhere.contains(**id) && silent_somewhere.contains(**id))
        .count();
    let coverage = if tested.is_empty() {
        100
    } else {
        (100 * covered / tested.len()) as u32
    };
    Ok(Outcome {
        cases,
        failures,
        rules: tested.len(),
        never_fired,
        never_silent,
        coverage,
    })
}

pub fn render(outcome: &Outcome) -> String {
    let mut out = String::new();
    for f in &outcome.failures {
        let _ = writeln!(out, "FAILED {} case `{}`: {}", f.case, f.name, f.problem);
    }
    let _ = writeln!(
        out,
        "{} case(s): {} passed, {} failed",
        outcome.cases,
        outcome.cases - outcome.failures.iter().map(|f| &f.case).collect::<BTreeSet<_>>().len(),
        outcome.failures.iter().map(|f| &f.case).collect::<BTreeSet<_>>().len()
    );
    let _ = writeln!(
        out,
        "coverage: {}% of {} rules have a case where they fire and one where they stay silent",
        outcome.coverage, outcome.rules
    );
    for (what, list) in [
        ("no case makes these fire", &outcome.never_fired),
        ("no case shows these silent", &outcome.never_silent),
    ] {
        if !list.is_empty() {
            let _ = writeln!(out, "{what}: {}", list.join(", "));
        }
    }
    out
}
