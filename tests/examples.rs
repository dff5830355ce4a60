//! The examples are the tests: the real binary over every file in examples/, its exit code,
//! its bands, and its full output against reviewed snapshots (tests/snapshots/).

use crate::common::*;

/// Each example's expected band: they span the range from low to critical.
const BANDS: &[(&str, &str)] = &[
    ("examples/fitness-app-brand-ads.toml", "medium"),
    ("examples/grocer-brand-cleanroom.toml", "low"),
    ("examples/research-aggregated.toml", "low"),
    ("examples/shopsense-ifa.toml", "critical"),
    ("examples/social-harvest.toml", "critical"),
];

#[test]
fn every_example_has_a_pinned_band() {
    let pinned: Vec<&str> = BANDS.iter().map(|(f, _)| *f).collect();
    assert_eq!(
        example_files(),
        pinned,
        "add the new example to BANDS with its reviewed band"
    );
}

#[test]
fn each_example_lands_in_its_band() {
    for (file, band) in BANDS {
        let (report, code) = assess_json(file, &[]);
        assert_eq!(code, 0, "{file}");
        assert_eq!(
            report["residual"]["band"], *band,
            "{file}: score {}",
            report["residual"]["score"]
        );
    }
}

#[test]
fn the_reference_case_is_critical_with_findings_in_every_area() {
    let (report, _) = assess_json("examples/shopsense-ifa.toml", &[]);
    for area in report["areas"].as_array().unwrap() {
        assert!(area["findings"].as_u64().unwrap() >= 1, "{}", area["id"]);
    }
    for area in ["sensitive-data", "purpose-drift", "customer-expectations"] {
        let count = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["area"] == area)
            .count();
        assert!(count >= 3, "{area}: {count} findings");
    }
    // Nobody declared pharmacy or sexual health: the pack infers them from line-item baskets.
    let inferred = report["facts"]["inferred_categories"].as_array().unwrap();
    assert!(inferred.contains(&"pharmacy".into()) && inferred.contains(&"sexual-health".into()));
    let blocking: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["blocking"] == true)
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        blocking,
        [
            "DI-SPECIAL-AUTOMATED",
            "RT-CA-CLUB-CARD",
            "RT-HIPAA",
            "RT-WA-MHMDA",
            "SD-SPECIAL-NO-EXPLICIT-CONSENT"
        ]
    );
    let questions: Vec<&str> = report["open_questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        questions,
        [
            "datasets[0].minors",
            "use.automated",
            "use.legal_basis",
            "use.onward_transfer",
            "use.retention_months"
        ]
    );
    // Each is scored as the answer that costs most until it is answered.
    let assumed: Vec<&str> = report["open_questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["assumed"].as_str().unwrap())
        .collect();
    assert_eq!(assumed, ["yes", "solely", "consent", "third-parties", "120"]);
}

#[test]
fn output_matches_the_reviewed_snapshots() {
    let fingerprint = dealrisk::pack::RulePack::load(&[]).unwrap().fingerprint();
    for file in example_files() {
        let name = file
            .trim_start_matches("examples/")
            .trim_end_matches(".toml")
            .to_string();
        for format in ["table", "json", "markdown", "worksheet", "html"] {
            // The HTML paper names the day and the pack: a fixed day, and the fingerprint
            // (which any rule change changes) written as a placeholder.
            let out = dealrisk()
                .args(["assess", &file, "--format", format, "--today", "2026-01-31"])
                .output()
                .expect("runs");
            assert_eq!(out.status.code(), Some(0), "{file} {format}");
            let text = String::from_utf8_lossy(&out.stdout).replace(&fingerprint, "[pack fingerprint]");
            insta::assert_snapshot!(format!("{format}-{name}"), text);
        }
    }
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let run = || {
        dealrisk()
            .args(["assess", "examples/shopsense-ifa.toml", "--format", "json"])
            .output()
            .unwrap()
            .stdout
    };
    assert_eq!(run(), run());
}

#[test]
fn works_from_any_directory_with_the_embedded_pack() {
    let dir = tempfile::tempdir().unwrap();
    let deal = std::fs::canonicalize("examples/research-aggregated.toml").unwrap();
    let out = dealrisk()
        .current_dir(dir.path())
        .args(["assess"])
        .arg(&deal)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("RISK 0/100  LOW"));
}

#[test]
fn quiet_prints_one_line_per_deal() {
    let out = dealrisk()
        .args(["assess", "--quiet"])
        .args(example_files())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), example_files().len());
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("examples/research-aggregated.toml\t0 low\tproceed\t")),
        "{text}"
    );
}
