//! `dealrisk explain`: every rule id of the pack explains, from the same data the engine runs;
//! its output is a reviewed snapshot; an unknown id gets the nearest ids.

use crate::common::*;

#[test]
fn every_rule_id_in_the_pack_explains() {
    let pack = dealrisk::pack::RulePack::load(&[]).unwrap();
    for id in pack.finding_ids() {
        let out = dealrisk().args(["explain", id, "--format", "json"]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{id}");
        let e: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(e["id"], id);
        for field in ["title", "area", "fires_when", "rationale", "recommendation"] {
            assert!(!e[field].as_str().unwrap().is_empty(), "{id}: {field}");
        }
        assert!(!e["references"].as_array().unwrap().is_empty(), "{id}");
    }
}

#[test]
fn explain_output_is_reviewed() {
    for id in ["SD-SPECIAL-NO-EXPLICIT-CONSENT", "SD-PHARMACY", "CE-NO-OPT-OUT"] {
        let out = dealrisk().args(["explain", id]).output().unwrap();
        assert_eq!(out.status.code(), Some(0));
        insta::assert_snapshot!(format!("explain-{id}"), String::from_utf8_lossy(&out.stdout));
    }
}

#[test]
fn the_cure_and_the_levels_come_from_the_pack() {
    let out = dealrisk()
        .args(["explain", "SD-SPECIAL-NO-EXPLICIT-CONSENT", "--format", "json"])
        .output()
        .unwrap();
    let e: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(e["blocking"], true);
    assert_eq!(e["cured_by"], serde_json::json!(["MT-OPTIN"]));
    let lowered: Vec<&str> = e["lowered_by"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["mitigation"].as_str().unwrap())
        .collect();
    assert!(
        lowered.contains(&"MT-INHOUSE") && lowered.contains(&"MT-KANON"),
        "{lowered:?}"
    );
    assert!(
        !lowered.contains(&"MT-ENC"),
        "security controls do not lower a sensitive-data finding"
    );
}

#[test]
fn a_client_rule_explains_too() {
    let dir = tempfile::tempdir().unwrap();
    let rule = std::fs::read_to_string("README.md").unwrap();
    let start = rule.find("# client-pack/retention.toml").unwrap();
    std::fs::write(
        dir.path().join("r.toml"),
        &rule[start..start + rule[start..].find("```").unwrap()],
    )
    .unwrap();
    let out = dealrisk()
        .args(["explain", "CLIENT-RETENTION", "--rules"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("Client data policy, section 4.2"));
}

#[test]
fn an_unknown_id_gets_the_nearest() {
    let out = dealrisk().args(["explain", "CE-FRONTPAGE"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("unknown rule id `CE-FRONTPAGE`; the nearest are `CE-FRONT-PAGE`"),
        "{err}"
    );
}
