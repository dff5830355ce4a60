//! Waivers: accepted risks with reason, owner and expiry. Waived findings stay in the report,
//! marked; they stop counting toward the threshold; expiring, expired and unused waivers are
//! reported (errors with --strict). Every test fixes the date with --today so none ages.

use crate::common::*;
use serde_json::Value;

const WAIVERS: &str = "examples/ci/waivers.toml";
const FITNESS: &str = "examples/fitness-app-brand-ads.toml";

fn waiver_file(text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("waivers.toml");
    std::fs::write(&path, text).unwrap();
    let path = path.display().to_string();
    (dir, path)
}

#[test]
fn waived_findings_stay_in_the_report_marked_with_reason_owner_and_expiry() {
    let (report, code) = assess_json(FITNESS, &["--waivers", WAIVERS, "--today", "2026-12-01"]);
    assert_eq!(code, 0);
    let (plain, _) = assess_json(FITNESS, &[]);
    assert_eq!(
        report["findings"].as_array().unwrap().len(),
        plain["findings"].as_array().unwrap().len(),
        "waived findings stay in the report"
    );
    let waived: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| !f["waived"].is_null())
        .collect();
    let rules: Vec<&str> = waived.iter().map(|f| f["rule"].as_str().unwrap()).collect();
    assert_eq!(rules, ["RI-QUASI-IDENTIFIERS", "RI-STABLE-PSEUDONYM"]);
    assert_eq!(waived[1]["waived"]["owner"], "Priya Raman, DPO");
    assert_eq!(waived[1]["waived"]["expires"], "2027-06-30");
    assert_eq!(waived[1]["waived"]["source"], "examples/ci/waivers.toml:6:1");
    assert!(
        waived[1]["waived"]["reason"]
            .as_str()
            .unwrap()
            .starts_with("Segment keys are rotated")
    );
    // The residual score is the risk as it stands; the score without the waived findings is
    // counted apart.
    assert_eq!(report["residual"], plain["residual"]);
    assert_eq!(report["waived"]["findings"], 2);
    assert_eq!(report["waived"]["residual"]["score"], 12);
}

#[test]
fn every_format_marks_waived_findings() {
    let args = |format: &str| {
        run(&[
            "assess",
            FITNESS,
            "--waivers",
            WAIVERS,
            "--today",
            "2026-12-01",
            "--format",
            format,
        ])
        .stdout
    };
    let table = args("table");
    assert!(table.contains("2 finding(s) waived as accepted risks: without them the deal scores 12 (low)"));
    assert!(table.contains("(WAIVED)"));
    assert!(table.contains("waived until 2027-06-30 by Priya Raman, DPO: Segment keys are rotated"));
    assert!(args("markdown").contains("**waived until 2027-06-30 by Priya Raman, DPO"));
    let csv = args("csv");
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let headers = reader.headers().unwrap().clone();
    let waived = headers.iter().position(|h| h == "waived").unwrap();
    let owner = headers.iter().position(|h| h == "waiver_owner").unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.iter().filter(|r| &r[waived] == "true").count(), 2);
    assert!(
        rows.iter()
            .filter(|r| &r[waived] == "true")
            .all(|r| &r[owner] == "Priya Raman, DPO")
    );
    let sarif: Value = serde_json::from_str(&args("sarif")).unwrap();
    let suppressed = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["suppressions"][0]["status"] == "accepted")
        .count();
    assert_eq!(suppressed, 2);
    let quiet = run(&["assess", FITNESS, "--waivers", WAIVERS, "--today", "2026-12-01", "-q"]).stdout;
    assert!(
        quiet.contains("16 findings, 0 blocking, 2 waived (12 low without them)"),
        "{quiet}"
    );
}

#[test]
fn waived_findings_stop_counting_toward_the_threshold() {
    // Without waivers the deal is 17; with them, 12.
    let gate = |extra: &[&str]| {
        let mut args = vec!["assess", FITNESS, "-q", "--max-score", "15", "--today", "2026-12-01"];
        args.extend(extra);
        run(&args)
    };
    assert_eq!(gate(&[]).code, 1);
    let waived = gate(&["--waivers", WAIVERS]);
    assert_eq!(waived.code, 0, "{}", waived.stderr);
    assert!(waived.stderr.contains("no deal exceeds --max-score 15"));
}

#[test]
fn expiry_is_inclusive_and_warned_of_within_30_days() {
    // The RI-QUASI-IDENTIFIERS waiver expires on 2027-01-15.
    let on = |today: &str| run(&["assess", FITNESS, "--waivers", WAIVERS, "--today", today, "-q"]);
    let last_day = on("2027-01-15");
    assert_eq!(last_day.code, 0);
    assert!(last_day.stdout.contains("2 waived"), "the expiry day is included");
    assert!(last_day.stderr.contains(
        "warning: examples/ci/waivers.toml:13:1: waiver of RI-QUASI-IDENTIFIERS for pacer-stride-ads (owner Priya Raman, DPO) expires on 2027-01-15, in 0 day(s)"
    ));
    let day_after = on("2027-01-16");
    assert!(
        day_after.stdout.contains("1 waived"),
        "expired: the finding counts again"
    );
    assert!(
        day_after
            .stderr
            .contains("expired on 2027-01-15: the finding counts again")
    );
    assert_eq!(day_after.code, 0, "expired is a warning without --strict");
    let early = on("2026-12-15");
    assert!(
        !early.stderr.contains("warning"),
        "31 days ahead: no warning: {}",
        early.stderr
    );
    assert!(on("2026-12-16").stderr.contains("in 30 day(s)"));
}

#[test]
fn strict_makes_expired_and_unused_waivers_errors() {
    let expired = run(&[
        "assess",
        FITNESS,
        "--waivers",
        WAIVERS,
        "--today",
        "2027-02-01",
        "-q",
        "--strict",
    ]);
    assert_eq!(expired.code, 2);
    assert!(
        expired
            .stderr
            .contains("error: examples/ci/waivers.toml:13:1: waiver of RI-QUASI-IDENTIFIERS")
    );
    assert!(
        expired
            .stderr
            .contains("error: 1 waiver(s) expired or unused (--strict)")
    );
    assert!(!expired.stdout.is_empty(), "the report is still printed");

    let (_dir, file) =
        waiver_file("[[waiver]]\nrule = \"SD-PHARMACY\"\nreason = \"r\"\nowner = \"o\"\nexpires = 2027-12-31\n");
    let unused = run(&["assess", FITNESS, "--waivers", &file, "--today", "2026-12-01", "-q"]);
    assert_eq!(unused.code, 0);
    assert!(
        unused
            .stderr
            .contains("waiver of SD-PHARMACY (owner o) matched no finding"),
        "{}",
        unused.stderr
    );
    let strict = run(&[
        "assess",
        FITNESS,
        "--waivers",
        &file,
        "--today",
        "2026-12-01",
        "-q",
        "--strict",
    ]);
    assert_eq!(strict.code, 2);
    // Expiring soon stays a warning under --strict.
    let soon = run(&[
        "assess",
        FITNESS,
        "--waivers",
        WAIVERS,
        "--today",
        "2027-01-01",
        "-q",
        "--strict",
    ]);
    assert_eq!(soon.code, 0, "{}", soon.stderr);
}

#[test]
fn a_waiver_for_another_deal_is_neither_applied_nor_called_unused() {
    let out = run(&[
        "assess",
        "examples/research-aggregated.toml",
        "--waivers",
        WAIVERS,
        "--today",
        "2026-12-01",
        "-q",
        "--strict",
    ]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(!out.stdout.contains("waived"));
}

#[test]
fn bad_waiver_files_are_located_errors() {
    let cases = [
        (
            "[[waiver]]\nrule = \"SD-PHARMACYY\"\nreason = \"r\"\nowner = \"o\"\nexpires = 2027-01-01\n",
            "waivers.toml:2:8 (field `waiver[0].rule`): unknown rule `SD-PHARMACYY` in `waiver.rule`; did you mean `SD-PHARMACY`?",
        ),
        (
            "[[waiver]]\nrule = \"SD-PHARMACY\"\nreason = \"r\"\nowner = \"o\"\nexpires = \"next year\"\n",
            "waivers.toml:5:11 (field `waiver[0].expires`):",
        ),
        (
            "[[waiver]]\nrule = \"SD-PHARMACY\"\nreason = \"r\"\nowner = \"o\"\nexpires = 2027-01-01T10:00:00\n",
            "`waiver.expires` must be a date such as 2026-12-01, not `2027-01-01T10:00:00`",
        ),
        (
            "[[waiver]]\nrule = \"SD-PHARMACY\"\nreason = \" \"\nowner = \"o\"\nexpires = 2027-01-01\n",
            "`waiver.reason` is empty; a waiver needs one",
        ),
        (
            "[[waiver]]\nrule = \"SD-PHARMACY\"\nreason = \"r\"\nexpires = 2027-01-01\n",
            "missing field `owner`",
        ),
        (
            "[[waiver]]\nrule = \"SD-PHARMACY\"\nreason = \"r\"\nowner = \"o\"\nexpiry = 2027-01-01\n",
            "unknown field `expiry`",
        ),
    ];
    for (text, expected) in cases {
        let (_dir, file) = waiver_file(text);
        let out = run(&["assess", FITNESS, "--waivers", &file, "--today", "2026-12-01", "-q"]);
        assert_eq!(out.code, 2, "{text}");
        assert!(out.stderr.contains(expected), "{text}\n{}", out.stderr);
        assert!(out.stdout.is_empty());
    }
    let bad_date = run(&["assess", FITNESS, "--today", "2026-13-01"]);
    assert_eq!(bad_date.code, 2);
    assert!(bad_date.stderr.contains("--today"), "{}", bad_date.stderr);
}

#[test]
fn a_waiver_file_in_a_folder_of_deals_is_not_taken_for_a_deal() {
    let out = run(&["assess", "examples/", "-q", "--today", "2026-12-01"]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("note: examples/ci/waivers.toml is a waiver file, not a deal: skipped")
    );
    let given = run(&[
        "assess",
        "examples/",
        "-q",
        "--waivers",
        WAIVERS,
        "--today",
        "2026-12-01",
    ]);
    assert!(!given.stderr.contains("note:"), "{}", given.stderr);
    assert!(given.stdout.contains("2 waived"));
}
