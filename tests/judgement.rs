//! Judgements the pack makes from the law and the design, checked on small variations of an
//! example: how likely a finding is follows who can read the data.

use crate::common::*;
use std::collections::BTreeMap;

/// The findings of `example` after `edit`, assessed without what-if or evidence: each
/// finding's rule id with its residual risk and message.
fn findings_of(example: &str, edit: impl FnOnce(&mut toml::Table)) -> BTreeMap<String, (u64, String)> {
    let text = std::fs::read_to_string(example).unwrap();
    let mut deal: toml::Table = text.parse().unwrap();
    edit(&mut deal);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deal.toml");
    std::fs::write(&path, toml::to_string(&deal).unwrap()).unwrap();
    let (report, code) = assess_json(path.to_str().unwrap(), &["--no-what-if", "--no-evidence"]);
    assert!(code == 0 || code == 1, "{report}");
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let risk = f["residual_risk"].as_u64().unwrap();
            let message = f["message"].as_str().unwrap_or_default().to_string();
            (f["rule"].as_str().unwrap().to_string(), (risk, message))
        })
        .collect()
}

fn set(deal: &mut toml::Table, table: &str, key: &str, value: impl Into<toml::Value>) {
    deal[table].as_table_mut().unwrap().insert(key.into(), value.into());
}

fn set_dataset(deal: &mut toml::Table, key: &str, value: impl Into<toml::Value>) {
    let datasets = deal["datasets"].as_array_mut().unwrap();
    datasets[0].as_table_mut().unwrap().insert(key.into(), value.into());
}

/// `examples/research-aggregated.toml` with its k-anonymity declaration removed, sent by `mode`
/// to `scope`; the residual risk of RI-SMALL-CELLS, if it fires.
fn small_cells_risk(mode: &str, scope: &str) -> Option<u64> {
    let findings = findings_of("examples/research-aggregated.toml", |deal| {
        set(deal, "transfer", "mode", mode);
        set(deal, "recipient", "scope", scope);
        let mitigations = deal["mitigations"].as_array_mut().unwrap();
        mitigations.retain(|m| m["id"].as_str() != Some("MT-KANON"));
    });
    findings.get("RI-SMALL-CELLS").map(|(risk, _)| *risk)
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

/// `examples/grocer-brand-cleanroom.toml` (pseudonymised line items) published as two years of
/// event records, `linkable` as given; each finding's residual risk by rule id.
fn published_events(linkable: &str) -> BTreeMap<String, u64> {
    let findings = findings_of("examples/grocer-brand-cleanroom.toml", |deal| {
        set_dataset(deal, "granularity", "event");
        set_dataset(deal, "history_months", 24);
        set_dataset(deal, "linkable", linkable);
        set(deal, "transfer", "mode", "public-release");
        set(deal, "recipient", "scope", "public");
    });
    findings.into_iter().map(|(rule, (risk, _))| (rule, risk)).collect()
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

#[test]
fn a_name_ties_records_together_whatever_linkable_says() {
    let copy_risk = |linkable: &str| {
        let findings = findings_of("examples/shopsense-ifa.toml", |deal| {
            set_dataset(deal, "linkable", linkable);
        });
        findings.get("SV-COPY-LEAVES").expect("SV-COPY-LEAVES fires").0
    };
    assert_eq!(copy_risk("no"), copy_risk("yes"));
}

/// The message CE-FRONT-PAGE gives `examples/grocer-brand-cleanroom.toml` read by many
/// recipients through `mode`, customers' expectations unknown.
fn front_page(mode: &str) -> String {
    let findings = findings_of("examples/grocer-brand-cleanroom.toml", |deal| {
        set(deal, "transfer", "mode", mode);
        set(deal, "recipient", "scope", "many");
        set(deal, "customers", "would_expect", "unknown");
    });
    findings.get("CE-FRONT-PAGE").expect("CE-FRONT-PAGE fires").1.clone()
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
