//! Bad input gets a clear, located error and exit code 2, never a panic: each case a user can
//! make, from a broken deal file to a rule pack whose condition does not compile.

use crate::common::*;
use std::path::Path;

const REFERENCE: &str = "examples/shopsense-ifa.toml";

/// The reference deal with one line replaced (`from` must occur in it).
fn variant(dir: &Path, name: &str, from: &str, to: &str) -> String {
    let text = example_text(REFERENCE);
    assert!(text.contains(from), "{from:?} is not in the reference deal");
    copy_samples(dir);
    let path = dir.join(name);
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    path.display().to_string()
}

/// Runs `dealrisk assess ARGS`, expects exit 2, an empty stdout, and returns stderr.
fn fails(args: &[&str]) -> String {
    let out = dealrisk().arg("assess").args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(out.stdout.is_empty(), "{args:?} printed a report");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

#[test]
fn invalid_toml_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let file = variant(dir.path(), "broken.toml", "[transfer]", "[transfer");
    let err = fails(&[&file]);
    assert!(err.contains("broken.toml:57:10"), "{err}");
    assert!(err.contains("unclosed table"), "{err}");
}

#[test]
fn an_error_far_along_a_long_line_is_located_and_quoted_briefly() {
    // Past column 65,536 a format width once panicked; a minified file must not flood the log.
    let dir = tempfile::tempdir().unwrap();
    let long = format!("title = \"{}\" junk", "x".repeat(70_000));
    let file = variant(dir.path(), "long.toml", "title = ", &format!("{long}\nold_title = "));
    let err = fails(&[&file]);
    assert!(
        err.contains("long.toml:") && err.contains(":70012"),
        "{}",
        &err[..err.len().min(400)]
    );
    assert!(
        err.lines().all(|l| l.chars().count() < 300),
        "a line of the error is too long"
    );
}

#[test]
fn a_misspelt_value_gets_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    let file = variant(
        dir.path(),
        "misspelt.toml",
        "consent = \"opt-out\"",
        "consent = \"opt_out\"",
    );
    let err = fails(&[&file]);
    assert!(
        err.contains("misspelt.toml:47:11 (field `collection.consent`)"),
        "{err}"
    );
    assert!(err.contains("did you mean `opt-out`?"), "{err}");
}

#[test]
fn an_unknown_field_is_an_error_not_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let file = variant(
        dir.path(),
        "unknown.toml",
        "told = \"no\"",
        "told = \"no\"\ntold_by = \"press\"",
    );
    let err = fails(&[&file]);
    assert!(
        err.contains("(field `customers.told_by`): unknown field `told_by`"),
        "{err}"
    );
    assert!(err.contains("did you mean `told`?"), "{err}");
}

#[test]
fn a_missing_field_names_its_table() {
    let dir = tempfile::tempdir().unwrap();
    let file = variant(dir.path(), "missing.toml", "can_opt_out = \"no\"\n", "");
    let err = fails(&[&file]);
    assert!(
        err.contains("(field `customers.can_opt_out`): missing field `can_opt_out`"),
        "{err}"
    );
}

#[test]
fn a_wrong_type_says_what_was_expected() {
    let dir = tempfile::tempdir().unwrap();
    let file = variant(dir.path(), "type.toml", "people = 1_800_000", "people = \"lots\"");
    let err = fails(&[&file]);
    assert!(err.contains("type.toml:37:10 (field `datasets[0].people`)"), "{err}");
    assert!(err.contains("expected a whole number or \"unknown\""), "{err}");
}

#[test]
fn ids_unknown_to_the_pack_are_all_reported_with_suggestions() {
    let dir = tempfile::tempdir().unwrap();
    let once = variant(dir.path(), "ids1.toml", "\"insurance-pricing\"", "\"insurance-prices\"");
    let text =
        std::fs::read_to_string(&once)
            .unwrap()
            .replacen("sector = \"grocery-retail\"", "sector = \"grocery\"", 1);
    let file = dir.path().join("ids.toml");
    std::fs::write(&file, text).unwrap();
    let err = fails(&[&file.display().to_string()]);
    assert!(
        err.contains("unknown sector `grocery` in `provider.sector`; did you mean `grocery-retail`?"),
        "{err}"
    );
    assert!(
        err.contains("unknown purpose `insurance-prices` in `use.purposes`; did you mean `insurance-pricing`?"),
        "{err}"
    );
    assert!(err.contains("ids.toml:51:39"), "{err}");
}

#[test]
fn a_missing_file_is_named() {
    let err = fails(&["no-such-deal.toml"]);
    assert!(err.contains("cannot read deal file no-such-deal.toml"), "{err}");
}

#[test]
fn invalid_utf8_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("binary.toml");
    std::fs::write(&file, b"[deal]\nid = \"\xff\"\n").unwrap();
    let err = fails(&[&file.display().to_string()]);
    assert!(
        err.contains("binary.toml:2:7: the deal file is not valid UTF-8"),
        "{err}"
    );
}

#[test]
fn an_unreadable_rule_pack_is_named() {
    let err = fails(&[REFERENCE, "--rules", "no-such-pack"]);
    assert!(err.contains("cannot read rule pack no-such-pack"), "{err}");
    let empty = tempfile::tempdir().unwrap();
    let err = fails(&[REFERENCE, "--rules", &empty.path().display().to_string()]);
    assert!(err.contains("holds no *.toml rule files"), "{err}");
}

fn pack_with(rule_body: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("client.toml"), rule_body).unwrap();
    dir
}

const RULE: &str = r#"[[rule]]
id = "CLIENT-1"
name = "client-rule"
title = "Client rule"
fires_when = "A test condition holds."
area = "purpose-drift"
problem = "appropriation"
severity = 2
likelihood = 2
when = "WHEN"
because = ["use.purposes"]
rationale = "Why."
recommendation = "What."
references = ["Client policy 4.2"]
"#;

#[test]
fn a_rule_whose_condition_does_not_compile_is_located() {
    let pack = pack_with(&RULE.replace("WHEN", "facts.drift >= "));
    let err = fails(&[REFERENCE, "--rules", &pack.path().display().to_string()]);
    assert!(
        err.contains("client.toml:10:8 (field `rule[0].when`): CEL expression does not compile"),
        "{err}"
    );
}

#[test]
fn a_rule_with_an_unknown_area_gets_a_suggestion() {
    let pack = pack_with(&RULE.replace("WHEN", "true").replace("purpose-drift", "purpose-drfit"));
    let err = fails(&[REFERENCE, "--rules", &pack.path().display().to_string()]);
    assert!(
        err.contains("client.toml:6:8 (field `rule[0].area`): unknown area `purpose-drfit`"),
        "{err}"
    );
    assert!(err.contains("did you mean `purpose-drift`?"), "{err}");
}

#[test]
fn a_rule_that_fails_on_a_deal_is_located_in_its_file() {
    // The reference deal has one dataset.
    let pack = pack_with(&RULE.replace("WHEN", "1 / (size(deal.datasets) - 1) == 1"));
    let err = fails(&[REFERENCE, "--rules", &pack.path().display().to_string()]);
    assert!(
        err.contains("client.toml:10:8 (field `rule[0].when`): rule CLIENT-1: evaluating `1 / (size(deal.datasets) - 1) == 1` failed: Division by zero"),
        "{err}"
    );
    assert!(err.contains("(assessing examples/shopsense-ifa.toml)"), "{err}");
}

#[test]
fn a_rule_that_reads_a_field_the_deal_lacks_is_refused_before_any_deal() {
    let pack = pack_with(&RULE.replace("WHEN", "deal.no_such_field == 1"));
    let err = fails(&[REFERENCE, "--rules", &pack.path().display().to_string()]);
    assert!(
        err.contains("client.toml:10:13 (field `rule[0].when`): rule `CLIENT-1`: the deal has no field `no_such_field`, so evaluating this fails on every deal"),
        "{err}"
    );
}

#[test]
fn bad_usage_exits_2() {
    let out = dealrisk()
        .args(["assess", REFERENCE, "--format", "yaml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("possible values: table, json"));
    assert_eq!(dealrisk().arg("assess").output().unwrap().status.code(), Some(2));
}

#[test]
fn a_client_pack_replaces_a_rule_by_id() {
    let pack = pack_with(&RULE.replace("CLIENT-1", "CE-NO-VALUE").replace("WHEN", "false"));
    let (report, code) = assess_json(REFERENCE, &["--rules", &pack.path().display().to_string()]);
    assert_eq!(code, 0);
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(!rules.contains(&"CE-NO-VALUE"), "{rules:?}");
    let (default, _) = assess_json(REFERENCE, &[]);
    assert!(
        default["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "CE-NO-VALUE")
    );
}

#[test]
fn a_client_pack_adds_a_rule() {
    let pack = pack_with(&RULE.replace("WHEN", "'insurance-pricing' in deal.use.purposes"));
    let (report, _) = assess_json(REFERENCE, &["--rules", &pack.path().display().to_string()]);
    let finding = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "CLIENT-1")
        .cloned();
    let finding = finding.expect("the client rule fires");
    assert_eq!(finding["why"][0]["path"], "use.purposes");
}

#[test]
fn a_misspelt_jurisdiction_is_an_error_not_a_law_switched_off() {
    let dir = tempfile::tempdir().unwrap();
    let file = variant(
        dir.path(),
        "jurisdiction.toml",
        "[\"US-CA\", \"US-WA\", \"US-OR\"]",
        "[\"US-CAL\", \"US-WA\", \"US-OR\"]",
    );
    let err = fails(&[&file]);
    assert!(
        err.contains("jurisdiction.toml:20:18 (field `provider.jurisdictions`): unknown jurisdiction `US-CAL`"),
        "{err}"
    );
    assert!(err.contains("did you mean `US-CA`?"), "{err}");
}
