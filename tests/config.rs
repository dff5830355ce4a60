//! The project's settings file, `dealrisk.toml`: found from the working directory up, named
//! with `--config`, ignored with `--no-config`; the command line wins.

use crate::common::*;
use std::path::Path;

/// A project: `dealrisk.toml` (with `settings`) at its root, two example deals and a waiver
/// file in `deals/`, and an empty `work/` folder to run from.
fn project(settings: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let deals = dir.path().join("deals");
    std::fs::create_dir_all(&deals).unwrap();
    std::fs::create_dir_all(dir.path().join("work")).unwrap();
    for name in ["shopsense-ifa.toml", "research-aggregated.toml"] {
        std::fs::copy(Path::new("examples").join(name), deals.join(name)).unwrap();
    }
    std::fs::write(dir.path().join("dealrisk.toml"), settings).unwrap();
    dir
}

fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = dealrisk().current_dir(dir).args(args).output().unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).to_string();
    (out.status.code().unwrap_or(-1), text(&out.stdout), text(&out.stderr))
}

#[test]
fn settings_are_found_from_the_working_directory_up() {
    let dir = project("fail-on = \"high\"\nformat = \"csv\"\nignore = [\"RT-\"]\n");
    let work = dir.path().join("work");
    let (code, out, err) = run_in(&work, &["assess", "../deals", "--no-evidence"]);
    assert_eq!(code, 1, "the settings' threshold applies: {err}");
    assert!(err.starts_with("note: settings from ../dealrisk.toml\n"), "{err}");
    assert!(
        err.contains("exceed --fail-on high: ../deals/shopsense-ifa.toml"),
        "{err}"
    );
    assert!(out.starts_with("file,deal,rule,"), "the settings' format: {out}");
    assert!(!out.contains(",RT-"), "regulatory triggers are not run: {out}");

    // The command line replaces the file's value, option by option.
    let (code, out, _) = run_in(
        &work,
        &[
            "assess",
            "../deals",
            "--no-evidence",
            "--format",
            "json",
            "--max-score",
            "100",
        ],
    );
    assert_eq!(code, 0, "a threshold on the command line replaces the file's");
    assert!(out.starts_with('{'), "{out}");

    // --no-config: the command line alone.
    let (code, out, err) = run_in(
        &work,
        &["assess", "../deals", "--no-evidence", "--quiet", "--no-config"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("settings from"), "{err}");
    assert_eq!(out.lines().count(), 2, "{out}");
}

#[test]
fn settings_paths_are_relative_to_the_settings_file() {
    let dir = project("waivers = [\"waivers.toml\"]\n");
    std::fs::write(
        dir.path().join("waivers.toml"),
        "[[waiver]]\nrule = \"DI-ELIGIBILITY\"\ndeal = \"shopsense-ifa\"\nreason = \"Board accepted\"\nowner = \"DPO\"\nexpires = 2027-12-31\n",
    )
    .unwrap();
    let (code, out, err) = run_in(
        &dir.path().join("work"),
        &[
            "assess",
            "../deals",
            "--no-evidence",
            "--quiet",
            "--today",
            "2026-12-01",
        ],
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("1 waived"),
        "the waiver of ../waivers.toml applies: {out}\n{err}"
    );
}

#[test]
fn a_named_settings_file_and_a_settings_file_among_the_deals() {
    let dir = project("format = \"csv\"\n");
    // A dealrisk.toml inside the deals' folder is settings, not a deal.
    std::fs::write(dir.path().join("deals/dealrisk.toml"), "format = \"json\"\n").unwrap();
    let (code, out, err) = run_in(
        dir.path(),
        &["assess", "deals", "--no-evidence", "--config", "deals/dealrisk.toml"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(err.starts_with("note: settings from deals/dealrisk.toml\n"), "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        doc["reports"].as_array().unwrap().len(),
        2,
        "two deals, no settings file among them"
    );
}

#[test]
fn a_misspelt_setting_is_located_with_the_nearest_key() {
    let dir = project("format = \"csv\"\nfail_on = \"high\"\n");
    let (code, out, err) = run_in(dir.path(), &["assess", "deals", "--no-evidence"]);
    assert_eq!(code, 2);
    assert!(out.is_empty());
    assert!(err.starts_with("error: dealrisk.toml:2:1"), "{err}");
    assert!(err.contains("unknown field `fail_on`"), "{err}");
    assert!(err.contains("did you mean `fail-on`?"), "{err}");

    let dir = project("\nmax-score = 140\n");
    let (code, _, err) = run_in(dir.path(), &["assess", "deals"]);
    assert_eq!(code, 2);
    assert!(
        err.starts_with(
            "error: dealrisk.toml:2:1 (field `max-score`): `max-score = 140`: expected a score from 0 to 100"
        ),
        "{err}"
    );

    let dir = project("format = \"sarf\"\n");
    let (code, _, err) = run_in(dir.path(), &["assess", "deals"]);
    assert_eq!(code, 2);
    assert!(err.contains("dealrisk.toml:1:10"), "{err}");
    assert!(err.contains("did you mean `sarif`?"), "{err}");
}
