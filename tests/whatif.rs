//! Scenarios side by side and mitigation leverage on the reference case, through the real
//! binary: the relations DESIGN.md section 1 asks the numbers to show.

use crate::common::*;
use serde_json::Value;

const REFERENCE: &str = "examples/shopsense-ifa.toml";

fn scenario<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("{name}"))
}

fn area(areas: &Value, id: &str) -> u64 {
    areas.as_array().unwrap().iter().find(|a| a["id"] == id).unwrap()["score"]
        .as_u64()
        .unwrap()
}

#[test]
fn the_reference_case_ships_the_options_raised_in_the_room() {
    let (report, _) = assess_json(REFERENCE, &[]);
    let names: Vec<&str> = report["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["exclude-pharmacy-alcohol", "grocer-sends-offers", "small-pilot"]
    );
}

#[test]
fn provider_mediated_offers_lower_the_score_far_more_than_the_exclusion() {
    let (report, _) = assess_json(REFERENCE, &[]);
    let exclusion = scenario(&report, "exclude-pharmacy-alcohol")["change"]
        .as_i64()
        .unwrap();
    let mediated = scenario(&report, "grocer-sends-offers")["change"].as_i64().unwrap();
    assert!(mediated <= exclusion - 15, "mediated {mediated}, exclusion {exclusion}");
}

#[test]
fn the_exclusion_lowers_sensitive_data_but_leaves_purpose_drift_standing() {
    // On the declarations: the sample shows health and pregnancy too, which no exclusion of
    // this scenario removes (see the_exclusion_answers_the_evidence_it_names).
    let (report, _) = assess_json(REFERENCE, &["--no-evidence"]);
    let excluded = scenario(&report, "exclude-pharmacy-alcohol");
    assert!(area(&excluded["areas"], "sensitive-data") < area(&report["areas"], "sensitive-data"));
    // Repurposing data is still the deal: purpose drift stays critical on its own (it eases a
    // little, since what is repurposed is less sensitive).
    assert!(area(&excluded["areas"], "purpose-drift") >= 65);
    let cleared: Vec<&str> = excluded["disappeared"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(
        cleared.contains(&"SD-PHARMACY") && cleared.contains(&"SD-ALCOHOL"),
        "{cleared:?}"
    );
    assert!(!cleared.iter().any(|r| r.starts_with("PD-")), "{cleared:?}");
}

#[test]
fn the_scenario_order_is_exclusion_pilot_then_mediated_by_score() {
    let (report, _) = assess_json(REFERENCE, &[]);
    let score = |name: &str| scenario(&report, name)["residual"]["score"].as_u64().unwrap();
    assert!(score("grocer-sends-offers") < score("exclude-pharmacy-alcohol"));
    assert!(score("exclude-pharmacy-alcohol") <= report["residual"]["score"].as_u64().unwrap());
    assert!(score("small-pilot") <= report["residual"]["score"].as_u64().unwrap());
}

#[test]
fn one_scenario_can_be_assessed_in_full() {
    let (mediated, code) = assess_json(REFERENCE, &["--scenario", "grocer-sends-offers"]);
    assert_eq!(code, 0);
    let (base, _) = assess_json(REFERENCE, &[]);
    assert_eq!(mediated["residual"], scenario(&base, "grocer-sends-offers")["residual"]);
    assert!(mediated["scenarios"].as_array().unwrap().is_empty());
    assert!(
        mediated["mitigations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["id"] == "MT-INHOUSE")
    );
}

#[test]
fn an_unknown_scenario_gets_the_nearest_name() {
    let out = dealrisk()
        .args(["assess", REFERENCE, "--scenario", "small-pliot"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no scenario `small-pliot`; did you mean `small-pilot`?"),
        "{err}"
    );
}

#[test]
fn leverage_is_ranked_by_points_removed_and_recomputed() {
    let (report, _) = assess_json(REFERENCE, &[]);
    let leverage = report["leverage"].as_array().unwrap();
    let key = |l: &Value| {
        (
            l["points_removed"].as_i64().unwrap(),
            l["risk_removed"].as_i64().unwrap(),
        )
    };
    assert!(leverage.windows(2).all(|w| key(&w[0]) >= key(&w[1])), "not ranked");
    assert_eq!(leverage[0]["mitigation"], "MT-INHOUSE");
    // The figure is a re-assessment: the same as the scenario that makes the same change.
    let (inhouse, _) = assess_json(REFERENCE, &["--scenario", "grocer-sends-offers"]);
    assert!(leverage[0]["residual"]["score"].as_u64() >= inhouse["residual"]["score"].as_u64());
    // Mitigations already in effect are not offered again.
    assert!(!leverage.iter().any(|l| l["mitigation"] == "MT-ENC"));
}

#[test]
fn the_smallest_set_that_changes_the_verdict_is_named() {
    let (report, _) = assess_json(REFERENCE, &["--no-evidence"]);
    let change = &report["verdict_change"];
    let set: Vec<&str> = change["mitigations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m.as_str().unwrap())
        .collect();
    assert_eq!(set.len(), 2, "{set:?}");
    assert!(set.contains(&"MT-INHOUSE"), "{set:?}");
    assert_eq!(change["residual"]["band"], "medium");
    // No single mitigation is enough: each alone leaves the deal critical.
    let leverage = report["leverage"].as_array().unwrap();
    assert!(leverage.iter().all(|l| l["residual"]["band"] == "critical"));
}

#[test]
fn a_scenario_with_a_bad_path_is_located() {
    let dir = tempfile::tempdir().unwrap();
    copy_samples(dir.path());
    let text = example_text(REFERENCE).replace("\"transfer.mode\" = \"sample\"", "\"transfer.mood\" = \"sample\"");
    let file = dir.path().join("bad-scenario.toml");
    std::fs::write(&file, text).unwrap();
    let out = dealrisk().args(["assess"]).arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("scenario `small-pilot`"), "{err}");
    assert!(err.contains("transfer.mood"), "{err}");
}

#[test]
fn the_exclusion_answers_the_evidence_it_names() {
    // The sample shows pharmacy, alcohol and sexual-health items; a scenario that excludes
    // them promises a filter, so the sample no longer speaks for them, but still does for
    // the health and pregnancy items it also shows.
    let (report, _) = assess_json(REFERENCE, &[]);
    let excluded = scenario(&report, "exclude-pharmacy-alcohol");
    let gone: Vec<&str> = excluded["disappeared"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    for rule in ["SD-PHARMACY", "SD-ALCOHOL", "SD-SEXUAL-HEALTH", "RT-HIPAA"] {
        assert!(gone.contains(&rule), "{rule} stays: {gone:?}");
    }
    let stays = |rule: &str| report["findings"].as_array().unwrap().iter().any(|f| f["rule"] == rule);
    assert!(stays("SD-HEALTH") && stays("SD-PREGNANCY"));
    assert!(!gone.contains(&"SD-HEALTH") && !gone.contains(&"SD-PREGNANCY"));
}
