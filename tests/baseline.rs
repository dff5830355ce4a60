//! `--baseline REPORT.json`: only what is new or worse since a saved report is shown and gated
//! on, so an existing portfolio can adopt dealrisk without failing every build.

use crate::common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};

/// A folder of deals (the clean room and the fitness app) and a baseline saved from it.
fn portfolio() -> (tempfile::TempDir, PathBuf, String) {
    let dir = tempfile::tempdir().unwrap();
    let deals = dir.path().join("deals");
    std::fs::create_dir(&deals).unwrap();
    for name in ["grocer-brand-cleanroom.toml", "fitness-app-brand-ads.toml"] {
        std::fs::copy(Path::new("examples").join(name), deals.join(name)).unwrap();
    }
    let baseline = dir.path().join("baseline.json").display().to_string();
    let out = dealrisk()
        .args([
            "assess",
            deals.to_str().unwrap(),
            "--format",
            "json",
            "--output",
            &baseline,
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    (dir, deals, baseline)
}

#[test]
fn an_unchanged_portfolio_passes_the_gate_it_would_fail_without_a_baseline() {
    let (_dir, deals, baseline) = portfolio();
    let deals = deals.to_str().unwrap();
    let Run {
        stdout: _,
        stderr: _,
        code: without,
    } = run(&["assess", deals, "-q", "--fail-on", "medium"]);
    assert_eq!(without, 1, "the fitness app deal is medium");
    let Run {
        stdout,
        stderr,
        code: with,
    } = run(&["assess", deals, "-q", "--fail-on", "medium", "--baseline", &baseline]);
    assert_eq!(with, 0, "{stderr}");
    assert!(
        stdout.contains("0 new, 0 worse since the baseline\tnothing new or worse"),
        "{stdout}"
    );
}

#[test]
fn new_and_worse_findings_are_reported_and_gated() {
    let (_dir, deals, baseline) = portfolio();
    // The clean room becomes a full copy of identified data: new rules fire, others worsen.
    let deal = deals.join("grocer-brand-cleanroom.toml");
    let text = std::fs::read_to_string(&deal)
        .unwrap()
        .replace("mode = \"clean-room\"", "mode = \"full-copy\"");
    std::fs::write(&deal, text).unwrap();
    let deals = deals.to_str().unwrap();

    let doc: Value =
        serde_json::from_str(&run(&["assess", deals, "--format", "json", "--baseline", &baseline]).stdout).unwrap();
    let report = doc["reports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["deal"]["id"] == "freshway-crunchco-cleanroom")
        .unwrap();
    let diff = &report["baseline"];
    assert_eq!(diff["before"]["band"], "low");
    assert_eq!(diff["band_crossed"], true);
    assert!(diff["new"].as_array().unwrap().iter().any(|r| r == "CE-DATA-LEAVES"));
    let worse = diff["worse"].as_array().unwrap();
    assert!(!worse.is_empty());
    for w in worse {
        assert!(w["after"].as_u64() > w["before"].as_u64());
        let f = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["rule"] == w["rule"])
            .unwrap();
        assert_eq!(f["baseline"], "worse");
    }
    // JSON keeps every finding, each with its state, so it can be the next baseline.
    let states: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["baseline"].as_str().unwrap())
        .collect();
    assert!(states.contains(&"unchanged") && states.contains(&"new"), "{states:?}");

    // The table shows only new and worse findings.
    let Run {
        stdout: table,
        stderr,
        code,
    } = run(&["assess", deals, "--baseline", &baseline, "--fail-on", "high"]);
    assert_eq!(code, 1, "the changed deal crosses high");
    let table = table.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(stderr.contains("grocer-brand-cleanroom.toml ("), "{stderr}");
    assert!(
        !stderr.contains("fitness-app-brand-ads.toml ("),
        "the unchanged deal does not count: {stderr}"
    );
    assert!(table.contains("Since the baseline (then 4 low): "));
    assert!(table.contains("band crossed from low to high"), "{table}");
    assert!(table.contains("(NEW)"));
    assert!(!table.contains("(UNCHANGED)"));

    // SARIF marks the state for code-scanning UIs.
    let sarif: Value =
        serde_json::from_str(&run(&["assess", deals, "--baseline", &baseline, "--format", "sarif"]).stdout).unwrap();
    let states: Vec<&str> = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["baselineState"].as_str().unwrap())
        .collect();
    assert!(states.contains(&"new") && states.contains(&"updated"));
    assert!(!states.contains(&"unchanged"));
}

#[test]
fn a_deal_missing_from_the_baseline_is_all_new() {
    let (_dir, deals, baseline) = portfolio();
    std::fs::copy("examples/research-aggregated.toml", deals.join("research.toml")).unwrap();
    let Run {
        stdout,
        stderr: _,
        code,
    } = run(&["assess", deals.to_str().unwrap(), "-q", "--baseline", &baseline]);
    assert_eq!(code, 0);
    let line = stdout.lines().find(|l| l.contains("research.toml")).unwrap();
    assert!(
        line.contains("2 findings, 0 blocking, 2 new, 0 worse since the baseline"),
        "{line}"
    );
}

#[test]
fn a_renamed_deal_file_is_matched_by_its_deal_id() {
    let (_dir, deals, baseline) = portfolio();
    std::fs::rename(deals.join("fitness-app-brand-ads.toml"), deals.join("pacer.toml")).unwrap();
    let Run {
        stdout,
        stderr: _,
        code: _,
    } = run(&["assess", deals.to_str().unwrap(), "-q", "--baseline", &baseline]);
    let line = stdout.lines().find(|l| l.contains("pacer.toml")).unwrap();
    assert!(line.contains("0 new, 0 worse"), "{line}");
}

#[test]
fn a_baseline_that_is_not_a_report_is_a_located_error() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.json");
    let with_baseline = |baseline: &str| run(&["assess", "examples/research-aggregated.toml", "--baseline", baseline]);
    std::fs::write(&bad, "{\n  \"reports\": [,]\n}\n").unwrap();
    let not_json = with_baseline(bad.to_str().unwrap());
    assert_eq!(not_json.code, 2);
    assert!(not_json.stdout.is_empty());
    assert!(
        not_json.stderr.contains("bad.json:2:15: not a dealrisk JSON report"),
        "{}",
        not_json.stderr
    );
    std::fs::write(&bad, "{\"tool\": \"other\", \"schema_version\": 1, \"reports\": []}").unwrap();
    let other = with_baseline(bad.to_str().unwrap());
    assert_eq!(other.code, 2);
    assert!(
        other
            .stderr
            .contains("a report of other, schema version 1; expected dealrisk's schema version 1"),
        "{}",
        other.stderr
    );
    let missing = with_baseline("nowhere.json");
    assert_eq!(missing.code, 2);
    assert!(
        missing.stderr.contains("cannot read baseline nowhere.json"),
        "{}",
        missing.stderr
    );
}
