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
