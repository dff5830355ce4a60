//! Deals like this one: the most similar cases of the library, with how they ended; the
//! similarity reads the deals' facts (docs/cases.md), and never changes the score.

use crate::common::*;
use serde_json::Value;

fn precedents(file: &str) -> Vec<Value> {
    let out = dealrisk()
        .args(["precedents", file, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

#[test]
fn the_reference_case_has_three_sourced_precedents_most_similar_first() {
    let found = precedents("examples/shopsense-ifa.toml");
    assert_eq!(found.len(), 3);
    let similarity: Vec<f64> = found.iter().map(|p| p["similarity"].as_f64().unwrap()).collect();
    assert!(similarity.windows(2).all(|w| w[0] >= w[1]), "{similarity:?}");
    for p in &found {
        assert!(p["source"].as_str().unwrap().starts_with("http"), "{p}");
        assert!(["severe", "bad", "acceptable", "good"].contains(&p["label"].as_str().unwrap()));
        assert!(p["what_happened"].as_str().unwrap().ends_with('.'), "{p}");
        assert!(!p["shared"].as_array().unwrap().is_empty(), "{p}");
    }
    // An insurer pricing cover on purchases: the cases it is put beside share that purpose.
    assert!(found.iter().all(|p| {
        p["shared"]
            .as_array()
            .unwrap()
            .contains(&Value::from("used for insurance-pricing"))
    }));
    assert_eq!(
        found,
        precedents("examples/shopsense-ifa.toml"),
        "the same on every run"
    );
}

#[test]
fn a_copy_of_a_library_case_finds_it_first_and_a_case_never_finds_itself() {
    let case = "cases/deals/kochava-location-data-feed.toml";
    let mine = precedents(case);
    assert!(
        mine.iter().all(|p| p["case"] != "kochava-location-data-feed"),
        "{mine:?}"
    );

    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("deal.toml");
    let text = std::fs::read_to_string(case)
        .unwrap()
        .replace("id = \"kochava-location-data-feed\"", "id = \"my-location-feed\"");
    std::fs::write(&copy, text).unwrap();
    let found = precedents(copy.to_str().unwrap());
    assert_eq!(found[0]["case"], "kochava-location-data-feed");
    assert_eq!(found[0]["similarity"], 1.0);
    assert_eq!(found[0]["label"], "severe");
}

#[test]
fn reports_show_precedents_without_changing_the_score() {
    let (report, _) = assess_json("examples/shopsense-ifa.toml", &[]);
    assert_eq!(report["precedents"].as_array().unwrap().len(), 3);
    let quiet = dealrisk()
        .args(["assess", "examples/shopsense-ifa.toml", "--quiet"])
        .output()
        .unwrap();
    let line = String::from_utf8(quiet.stdout).unwrap();
    let score = format!(
        "\t{} {}\t",
        report["residual"]["score"],
        report["residual"]["band"].as_str().unwrap()
    );
    assert!(line.contains(&score), "{line} vs {score}");
    let table = dealrisk()
        .args(["assess", "examples/shopsense-ifa.toml"])
        .output()
        .unwrap();
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(table.contains("Deals like this one, from the case library"), "{table}");
}
