//! `dealrisk init`: every template writes a deal file that assesses without error, and init
//! never overwrites a file.

use crate::common::*;

const TEMPLATES: [&str; 7] = [
    "retailer-to-insurer",
    "app-to-advertiser",
    "research-sharing",
    "bank-to-fintech",
    "connected-car-to-insurer",
    "health-app-to-advertiser",
    "statistics-aggregates",
];

#[test]
fn every_template_assesses_without_error() {
    let dir = tempfile::tempdir().unwrap();
    for template in TEMPLATES {
        let file = dir.path().join(format!("{template}.toml"));
        let out = dealrisk()
            .args(["init", "--template", template])
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{template}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let (report, code) = assess_json(&file.display().to_string(), &[]);
        assert_eq!(code, 0, "{template}");
        // A template leaves facts to the user: they come back as open questions.
        assert!(!report["open_questions"].as_array().unwrap().is_empty(), "{template}");
    }
}

#[test]
fn init_never_overwrites_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("deal.toml");
    std::fs::write(&file, "my notes").unwrap();
    let out = dealrisk().arg("init").arg(&file).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists; dealrisk init never overwrites a file"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "my notes");
}

#[test]
fn the_default_is_deal_toml_in_the_current_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = dealrisk().current_dir(dir.path()).arg("init").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = std::fs::read_to_string(dir.path().join("deal.toml")).unwrap();
    assert!(text.contains("retailer-to-insurer"));
}

#[test]
fn a_dash_prints_the_template() {
    let out = dealrisk()
        .args(["init", "--template", "research-sharing", "-"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("[[datasets]]"));
}
