//! Interoperability with the fideslang taxonomy: a deal may name fideslang keys in place of
//! the pack's ids, and the JSON report carries each category's and purpose's fideslang keys.

mod common;
use common::*;

#[test]
fn fideslang_keys_assess_like_the_pack_ids() {
    let dir = tempfile::tempdir().unwrap();
    copy_samples(dir.path());
    let text = example_text("examples/shopsense-ifa.toml")
        .replace(
            "categories = [\"purchase-history\", \"demographics\"]",
            "categories = [\"user.behavior.purchase_history\", \"user.demographic\"]",
        )
        .replace("\"own-marketing\"]", "\"marketing.advertising.first_party\"]");
    let file = dir.path().join("fideslang.toml");
    std::fs::write(&file, text).unwrap();
    // Declarations only: the evidence cites the sample's path, which the copy makes absolute.
    let (with_keys, code) = assess_json(&file.display().to_string(), &["--no-evidence"]);
    assert_eq!(code, 0);
    let (with_ids, _) = assess_json("examples/shopsense-ifa.toml", &["--no-evidence"]);
    assert_eq!(with_keys["findings"], with_ids["findings"]);
    assert_eq!(
        with_keys["deal"]["collection_purposes"],
        serde_json::json!(["loyalty-rewards", "own-marketing"])
    );
}

#[test]
fn the_json_report_carries_fideslang_keys() {
    let (report, _) = assess_json("examples/fitness-app-brand-ads.toml", &[]);
    let demographics = report["sensitive_categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["category"] == "demographics")
        .unwrap();
    assert_eq!(demographics["fideslang"], serde_json::json!(["user.demographic"]));
    assert_eq!(
        report["purpose_drift"][0]["fideslang"],
        serde_json::json!(["marketing.advertising.third_party.targeted"])
    );
}

#[test]
fn every_fideslang_key_stands_for_a_pack_id_that_lists_it() {
    let pack = dealrisk::pack::RulePack::load(&[]).unwrap();
    for key in pack.fideslang.values() {
        let listed = pack
            .categories
            .get(&key.means)
            .map(|c| &c.fideslang)
            .or(pack.purposes.get(&key.means).map(|p| &p.fideslang));
        assert!(
            listed.is_some_and(|l| l.contains(&key.id)),
            "{} -> {}: not in its fideslang list",
            key.id,
            key.means
        );
    }
}
