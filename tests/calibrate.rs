//! `dealrisk calibrate`: the case library assessed and measured against its outcomes, the
//! floor CI puts on judgement, and the errors of a library that does not hold together.

use crate::common::*;
use serde_json::Value;

fn calibrated() -> Value {
    let out = run(&["calibrate", "--format", "json"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    serde_json::from_str(&out.stdout).unwrap()
}

#[test]
fn the_library_separates_what_ended_badly_from_what_did_not() {
    let c = calibrated();
    let shipped = &c["shipped_figures"];
    let cases = shipped["cases"].as_u64().unwrap();
    assert!(cases >= 60, "{cases} cases");
    // The floor CI holds the pack to, on the whole library and on the held-out third.
    assert!(shipped["auc"].as_f64().unwrap() >= 0.93, "{shipped}");
    assert!(c["held_out"]["auc"].as_f64().unwrap() >= 0.9, "{}", c["held_out"]);
    assert!(c["cross_validated"]["auc"].as_f64().unwrap() >= 0.9);
    // No case is pinned at 100, and the bands account for every case.
    assert_eq!(shipped["at_100"], 0.0);
    let banded: u64 = shipped["band_by_label"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            ["severe", "bad", "acceptable", "good"]
                .iter()
                .map(|l| row[l].as_u64().unwrap())
                .sum::<u64>()
        })
        .sum();
    assert_eq!(banded, cases);
    // The held-out third is a third, and the other two thirds are what the curve is fitted on.
    let held = c["held_out"]["cases"].as_u64().unwrap();
    assert_eq!(held + c["cross_validated"]["cases"].as_u64().unwrap(), cases);
    assert!(held * 4 > cases && held * 2 < cases, "{held} of {cases}");
    // What separating the outcomes alone earns of the four-level Spearman: more than nothing,
    // well short of 1, since it leaves each side unordered.
    let alone = shipped["spearman_of_separation"].as_f64().unwrap();
    assert!(alone > 0.5 && alone < 0.9, "{alone}");
}

#[test]
fn each_case_shows_its_label_score_and_drivers() {
    let c = calibrated();
    let results = c["results"].as_array().unwrap();
    let goodrx = results.iter().find(|r| r["case"] == "goodrx-health-data-ads").unwrap();
    assert_eq!(goodrx["label"], "severe");
    assert_eq!(goodrx["band"], "critical");
    assert!(
        goodrx["drivers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|d| d.as_str().unwrap().starts_with("SD-SPECIAL-NO-EXPLICIT-CONSENT"))
    );
    let opensafely = results
        .iter()
        .find(|r| r["case"] == "opensafely-gp-records-tre")
        .unwrap();
    assert_eq!(opensafely["label"], "good");
    assert!(
        ["low", "medium"].contains(&opensafely["band"].as_str().unwrap()),
        "{opensafely}"
    );
    // The worst misrankings are named, each a case of the library.
    for case in c["misranked"].as_array().unwrap() {
        assert!(results.iter().any(|r| &r["case"] == case));
    }
}

#[test]
fn the_text_report_prints_the_figures_and_min_auc_gates() {
    let out = run(&["calibrate"]);
    assert_eq!(out.code, 0);
    for part in [
        "How the score tracks the outcomes",
        "Bands by outcome",
        "Reliability",
        "Most misranked",
        "the third of the library never used for",
        "Spearman from separation alone: 0.",
    ] {
        assert!(out.stdout.contains(part), "no {part:?}");
    }
    let gated = run(&["calibrate", "--min-auc", "0.999"]);
    assert_eq!(gated.code, 1);
    assert!(gated.stderr.contains("is below --min-auc 0.999"), "{}", gated.stderr);
    let passed = run(&["calibrate", "--min-auc", "0.5"]);
    assert_eq!(passed.code, 0);
    // A floor no AUC can meet, or none can miss, is a typo: usage error, not a verdict.
    let typo = run(&["calibrate", "--min-auc", "95"]);
    assert_eq!(typo.code, 2);
    assert!(
        typo.stderr
            .contains("expected a number from 0 to 1 (an AUC), e.g. 0.9, got `95`"),
        "{}",
        typo.stderr
    );
}

#[test]
fn a_case_without_its_outcome_is_an_error_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("deals")).unwrap();
    std::fs::create_dir_all(dir.path().join("outcomes")).unwrap();
    std::fs::copy(
        "examples/research-aggregated.toml",
        dir.path().join("deals/research.toml"),
    )
    .unwrap();
    let out = run(&["calibrate", dir.path().to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("research.toml: a deal with no outcome file `outcomes/research.toml`"),
        "{}",
        out.stderr
    );
    std::fs::write(
        dir.path().join("outcomes/research.toml"),
        "label = \"fine\"\nyear = 2026\nwhat_happened = \"x\"\nsources = []\n",
    )
    .unwrap();
    let out = run(&["calibrate", dir.path().to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("research.toml:1:9"), "{}", out.stderr);
    assert!(out.stderr.contains("unknown variant `fine`"), "{}", out.stderr);
}

#[test]
fn every_case_is_listed_in_the_documentation() {
    let doc = std::fs::read_to_string("docs/cases.md").unwrap();
    for entry in std::fs::read_dir("cases/outcomes").unwrap() {
        let path = entry.unwrap().path();
        let id = path.file_stem().unwrap().to_str().unwrap().to_string();
        assert!(doc.contains(&format!("| `{id}` |")), "docs/cases.md does not list {id}");
    }
}
