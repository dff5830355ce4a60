//! Judgements the pack makes from the law and the design, checked on small variations of an
//! example: how likely a finding is follows who can read the data.

mod common;
use common::*;

/// `examples/research-aggregated.toml` with its k-anonymity declaration removed, sent by `mode`
/// to `scope`; the residual risk of RI-SMALL-CELLS, if it fires.
fn small_cells_risk(mode: &str, scope: &str) -> Option<u64> {
    let text = std::fs::read_to_string("examples/research-aggregated.toml").unwrap();
    let mut deal: toml::Table = text.parse().unwrap();
    let mut set = |table: &str, key: &str, value: &str| {
        deal[table].as_table_mut().unwrap().insert(key.into(), value.into());
    };
    set("transfer", "mode", mode);
    set("recipient", "scope", scope);
    let mitigations = deal["mitigations"].as_array_mut().unwrap();
    mitigations.retain(|m| m["id"].as_str() != Some("MT-KANON"));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deal.toml");
    std::fs::write(&path, toml::to_string(&deal).unwrap()).unwrap();
    let (report, code) = assess_json(path.to_str().unwrap(), &["--no-what-if"]);
    assert!(code == 0 || code == 1, "{report}");
    let findings = report["findings"].as_array().unwrap();
    let found = findings.iter().find(|f| f["rule"] == "RI-SMALL-CELLS")?;
    found["residual_risk"].as_u64()
}

#[test]
fn unprotected_aggregates_are_riskier_the_more_people_can_read_them() {
    // One recipient bound by contract; many buyers; anyone at all. Published, a cell of one
    // person is readable by whoever knows something about them: a finding that sets the floor.
    let one = small_cells_risk("full-copy", "one").expect("fires for one recipient");
    let many = small_cells_risk("full-copy", "many").expect("fires for many");
    let public = small_cells_risk("public-release", "public").expect("fires when published");
    assert!(one < many && many < public, "{one} {many} {public}");
    assert!(public >= 12, "published unprotected aggregates: risk {public}");
}

/// `examples/grocer-brand-cleanroom.toml` (pseudonymised line items) published as one-off
/// event records, `linkable` as given; each finding's residual risk by rule id.
fn published_events(linkable: &str) -> std::collections::BTreeMap<String, u64> {
    let text = std::fs::read_to_string("examples/grocer-brand-cleanroom.toml").unwrap();
    let mut deal: toml::Table = text.parse().unwrap();
    let dataset = deal["datasets"].as_array_mut().unwrap()[0].as_table_mut().unwrap();
    dataset.insert("granularity".into(), "event".into());
    dataset.insert("history_months".into(), 24.into());
    dataset.insert("linkable".into(), linkable.into());
    let mut set = |table: &str, key: &str, value: &str| {
        deal[table].as_table_mut().unwrap().insert(key.into(), value.into());
    };
    set("transfer", "mode", "public-release");
    set("recipient", "scope", "public");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deal.toml");
    std::fs::write(&path, toml::to_string(&deal).unwrap()).unwrap();
    let (report, code) = assess_json(path.to_str().unwrap(), &["--no-what-if"]);
    assert!(code == 0 || code == 1, "{report}");
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["residual_risk"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[test]
fn records_nothing_ties_together_form_no_trace_and_expose_single_events() {
    let linked = published_events("yes");
    let single = published_events("no");
    // A trace and a history need one person's records tied together.
    for rule in ["RI-TRACES", "RI-PROFILE", "RI-STABLE-PSEUDONYM"] {
        assert!(linked.contains_key(rule), "{rule} fires on linked records: {linked:?}");
        assert!(
            !single.contains_key(rule),
            "{rule} fires on unlinkable records: {single:?}"
        );
    }
    // Still records about individuals, published: smaller, not gone.
    for rule in ["SV-COPY-LEAVES", "RI-PUBLIC-RECORDS"] {
        let (before, after) = (linked[rule], single[rule]);
        assert!(
            after > 0 && after < before,
            "{rule}: linked {before}, unlinkable {after}"
        );
    }
    // Not knowing costs what linkable records cost.
    assert_eq!(published_events("unknown").get("RI-TRACES"), linked.get("RI-TRACES"));
}

/// The message CE-FRONT-PAGE gives `examples/grocer-brand-cleanroom.toml` read by many
/// recipients through `mode`, customers' expectations unknown.
fn front_page(mode: &str) -> String {
    let text = std::fs::read_to_string("examples/grocer-brand-cleanroom.toml").unwrap();
    let mut deal: toml::Table = text.parse().unwrap();
    let mut set = |table: &str, key: &str, value: &str| {
        deal[table].as_table_mut().unwrap().insert(key.into(), value.into());
    };
    set("transfer", "mode", mode);
    set("recipient", "scope", "many");
    set("customers", "would_expect", "unknown");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deal.toml");
    std::fs::write(&path, toml::to_string(&deal).unwrap()).unwrap();
    let (report, code) = assess_json(path.to_str().unwrap(), &["--no-what-if"]);
    assert!(code == 0 || code == 1, "{report}");
    let findings = report["findings"].as_array().unwrap();
    let found = findings.iter().find(|f| f["rule"] == "CE-FRONT-PAGE");
    found.expect("CE-FRONT-PAGE fires")["message"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn many_readers_of_vetted_results_are_not_a_new_audience_for_records() {
    // Contextual integrity: the audience changes when many parties receive records about
    // people, not when they read the results of analysis run where the records stay.
    let copied = front_page("full-copy");
    let in_place = front_page("clean-room");
    assert!(copied.contains("audience"), "{copied}");
    assert!(!in_place.contains("audience"), "{in_place}");
}

#[test]
fn a_name_ties_records_together_whatever_linkable_says() {
    let text = std::fs::read_to_string("examples/shopsense-ifa.toml").unwrap();
    let risk = |linkable: &str| {
        let mut deal: toml::Table = text.parse().unwrap();
        let dataset = deal["datasets"].as_array_mut().unwrap()[0].as_table_mut().unwrap();
        dataset.insert("linkable".into(), linkable.into());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deal.toml");
        std::fs::write(&path, toml::to_string(&deal).unwrap()).unwrap();
        let (report, _) = assess_json(path.to_str().unwrap(), &["--no-what-if", "--no-evidence"]);
        let findings = report["findings"].as_array().unwrap().clone();
        let copy = findings.iter().find(|f| f["rule"] == "SV-COPY-LEAVES").cloned();
        copy.expect("SV-COPY-LEAVES fires")["residual_risk"].as_u64().unwrap()
    };
    assert_eq!(risk("no"), risk("yes"));
}
