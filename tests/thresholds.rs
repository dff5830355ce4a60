//! Thresholds and many deals per run (issue 4, first part): `--fail-on`, `--max-score`,
//! folders, and one bad file that does not hide the others.

use crate::common::*;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = dealrisk().args(args).output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).to_string();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

#[test]
fn fail_on_a_band_exits_1_and_says_which_deals() {
    let (code, _, err) = run(&["assess", "examples/", "--fail-on", "high", "--quiet"]);
    assert_eq!(code, 1);
    // examples/ holds a waiver file besides the deals: a note says it is skipped.
    let (notes, lines): (Vec<&str>, Vec<&str>) = err.lines().partition(|l| l.starts_with("note: "));
    assert_eq!(notes.len(), 1, "{err}");
    let (totals, decision): (Vec<&str>, Vec<&str>) = lines.iter().partition(|l| l.contains(" assessed: "));
    assert_eq!(
        totals,
        ["dealrisk: 5 deal(s) assessed: 2 critical, 1 medium, 2 low"],
        "{err}"
    );
    assert_eq!(decision.len(), 1, "one line of decision: {err}");
    assert!(
        decision[0]
            .starts_with("dealrisk: 2 of 5 deal(s) exceed --fail-on high: examples/shopsense-ifa.toml (99 critical)"),
        "{err}"
    );
}

#[test]
fn the_decision_line_names_at_most_twenty_deals() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("examples/social-harvest.toml").unwrap();
    for i in 0..23 {
        std::fs::write(dir.path().join(format!("deal-{i:02}.toml")), &text).unwrap();
    }
    let (code, _, err) = run(&[
        "assess",
        dir.path().to_str().unwrap(),
        "--fail-on",
        "low",
        "--quiet",
        "--no-evidence",
    ]);
    assert_eq!(code, 1, "{err}");
    let line = err.lines().find(|l| l.contains(" exceed ")).unwrap();
    assert!(
        line.starts_with("dealrisk: 23 of 23 deal(s) exceed --fail-on low: "),
        "{line}"
    );
    assert_eq!(line.matches("deal-").count(), 20, "{line}");
    assert!(line.ends_with(", and 3 more (every deal is in the report)"), "{line}");
}

#[test]
fn within_the_threshold_exits_0() {
    let (code, _, err) = run(&["assess", "examples/research-aggregated.toml", "--fail-on", "medium"]);
    assert_eq!(code, 0);
    assert_eq!(
        err.trim(),
        "dealrisk: 1 deal(s) assessed: 1 low\ndealrisk: no deal exceeds --fail-on medium (1 assessed)"
    );
}

#[test]
fn a_folder_without_deals_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.md"), "no deals here").unwrap();
    let (code, out, err) = run(&["assess", dir.path().to_str().unwrap(), "--fail-on", "high"]);
    assert_eq!(code, 2, "a CI job whose deals moved must not pass: {err}");
    assert!(out.is_empty());
    assert!(
        err.starts_with(&format!("error: {}: no deal file found", dir.path().display())),
        "{err}"
    );
}

#[test]
fn max_score_exits_1_above_it() {
    assert_eq!(
        run(&[
            "assess",
            "examples/grocer-brand-cleanroom.toml",
            "--max-score",
            "3",
            "-q"
        ])
        .0,
        1
    );
    assert_eq!(
        run(&[
            "assess",
            "examples/grocer-brand-cleanroom.toml",
            "--max-score",
            "4",
            "-q"
        ])
        .0,
        0
    );
}

#[test]
fn a_misspelt_band_is_bad_usage() {
    let (code, out, err) = run(&["assess", "examples/", "--fail-on", "hihg"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.contains(
            "unknown band `hihg` for --fail-on; expected one of low, medium, high, critical; did you mean `high`?"
        ),
        "{err}"
    );
}

#[test]
fn a_folder_is_searched_and_summarised_worst_first() {
    let (code, out, _) = run(&["assess", "examples/"]);
    assert_eq!(code, 0);
    assert!(out.starts_with("5 deals assessed, worst first"), "{out}");
    let first = out.find("examples/shopsense-ifa.tom").unwrap();
    let last = out.find("examples/research-aggregat").unwrap();
    assert!(first < last, "not worst first");
}

#[test]
fn one_bad_file_does_not_hide_the_others() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a-broken.toml"), "[deal\n").unwrap();
    std::fs::copy("examples/research-aggregated.toml", dir.path().join("b-good.toml")).unwrap();
    let (code, out, err) = run(&["assess", "--quiet", &dir.path().display().to_string()]);
    assert_eq!(code, 2, "a bad file still makes the run fail");
    assert!(out.contains("b-good.toml\t0 low"), "{out}");
    assert!(err.contains("a-broken.toml:1:6"), "{err}");
    assert!(err.contains("1 deal file(s) could not be assessed"), "{err}");
}

#[test]
fn select_and_ignore_choose_the_rules_run() {
    let (_, all, _) = run(&["assess", "examples/shopsense-ifa.toml", "--quiet", "--no-evidence"]);
    // Every regulatory trigger and one category left out: none of them is found, the score falls.
    let (code, some, err) = run(&[
        "assess",
        "examples/shopsense-ifa.toml",
        "--quiet",
        "--no-evidence",
        "--ignore",
        "RT-,SD-PHARMACY",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(err.starts_with("note: "), "{err}");
    assert!(
        err.contains("rule(s) of the pack not run (--select, --ignore)"),
        "{err}"
    );
    let score = |line: &str| -> u32 {
        line.split('\t')
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap()
    };
    assert!(score(&some) <= score(&all), "{all} -> {some}");
    let (_, json, _) = run(&[
        "assess",
        "examples/shopsense-ifa.toml",
        "--format",
        "json",
        "--no-evidence",
        "--select",
        "DI-",
        "--select",
        "SD-HEALTH",
    ]);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rules: Vec<&str> = doc["reports"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(!rules.is_empty());
    assert!(
        rules.iter().all(|r| r.starts_with("DI-") || *r == "SD-HEALTH"),
        "{rules:?}"
    );
    assert!(rules.contains(&"SD-HEALTH"), "{rules:?}");

    // A misspelt id is an error, with the nearest one: it would otherwise keep the rule.
    let (code, out, err) = run(&["assess", "examples/shopsense-ifa.toml", "--ignore", "CE-FRONTPAGE"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(
        err.starts_with(
            "error: --ignore `CE-FRONTPAGE`: no rule of the pack has this id or prefix; did you mean `CE-FRONT-PAGE`?"
        ),
        "{err}"
    );
}
