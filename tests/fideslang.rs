//! Interoperability with the fideslang taxonomy: a deal may name fideslang keys in place of
//! the pack's ids, and the JSON report carries each category's and purpose's fideslang keys.

use crate::common::*;

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

/// The keys of a released fideslang taxonomy, read from the package's source as `.ci/test-deps`
/// unpacks it (no import: fideslang 2 needs pydantic 1, 3 needs pydantic 2).
fn released_keys(version: &str) -> std::collections::BTreeSet<String> {
    let dir = std::path::Path::new("target/fideslang")
        .join(version)
        .join("fideslang/default_taxonomy");
    let files = std::fs::read_dir(&dir).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run `bash .ci/test-deps` first (the README's test command does)",
            dir.display()
        )
    });
    let mut keys = std::collections::BTreeSet::new();
    for file in files
        .flatten()
        .filter(|f| f.path().extension().is_some_and(|e| e == "py"))
    {
        let text = std::fs::read_to_string(file.path()).unwrap();
        for piece in text.split("fides_key=\"").skip(1) {
            keys.insert(piece.split('"').next().unwrap().to_string());
        }
    }
    assert!(keys.len() > 100, "{}: the taxonomy was not read", dir.display());
    keys
}

/// Keys fideslang adds in 3.2.0 (ethyca/fideslang, default_taxonomy/data_categories.py,
/// `version_added="3.2.0"`), not yet in a release on PyPI: accepted, and named here so that
/// nothing else slips through.
const ADDED_IN_3_2: [&str; 5] = [
    "user.health",
    "user.health.genetic",
    "user.health.medications",
    "user.health.prescriptions",
    "user.health.reproductive_or_sexual",
];

#[test]
fn every_fideslang_key_of_the_pack_is_in_a_released_taxonomy() {
    let v2 = released_keys("2.2.2");
    let v3 = released_keys("3.1.4");
    let pack = dealrisk::pack::RulePack::load(&[]).unwrap();
    let keys = pack
        .fideslang
        .keys()
        .cloned()
        .chain(pack.categories.values().flat_map(|c| c.fideslang.clone()))
        .chain(pack.purposes.values().flat_map(|p| p.fideslang.clone()));
    let mut unknown: Vec<String> = keys
        .filter(|k| !v2.contains(k) && !v3.contains(k) && !ADDED_IN_3_2.contains(&k.as_str()))
        .collect();
    unknown.sort();
    unknown.dedup();
    assert!(
        unknown.is_empty(),
        "keys in neither fideslang 2.2.2 nor 3.1.4: {unknown:?}"
    );
    // Where v2 and v3 differ, both are accepted (fideslang 3 dropped, for one, v2's `aggregated.*`
    // qualifiers); v1's `improve` is in neither.
    assert!(!v2.contains("improve") && !v3.contains("improve"));
    assert!(!pack.fideslang.contains_key("improve"), "v1's key is not accepted");
    assert!(pack.fideslang.contains_key("functional.service.improve"));
}
