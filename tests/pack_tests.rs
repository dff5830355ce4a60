//! `dealrisk rules test`: the default pack's own cases all pass with every rule covered both
//! ways, and a client pack's cases are run, failures and coverage reported, bad cases located.

use crate::common::*;

#[test]
fn the_default_packs_cases_pass_and_cover_every_rule_both_ways() {
    let Run { stdout, stderr, code } = run(&["rules", "test", "--min-coverage", "100"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let list = run(&["rules", "list"]).stdout;
    let rules = list.lines().last().unwrap().trim_end_matches(" rules").to_string();
    assert!(stdout.contains(", 0 failed\n"), "{stdout}");
    assert!(
        stdout.contains(&format!(
            "coverage: 100% of {rules} rules have a case where they fire and one where they stay silent"
        )),
        "{stdout}"
    );
    assert!(!stdout.contains("no case"), "{stdout}");
}

#[test]
fn the_benign_base_deal_trips_no_rule() {
    let (report, code) = assess_json("rules/tests/benign-deal.toml", &[]);
    assert_eq!(code, 0);
    assert_eq!(
        report["findings"].as_array().unwrap().len(),
        0,
        "{:#}",
        report["findings"]
    );
}

/// A client pack with one rule (fires when customers are not told) and its tests folder.
fn client_pack(cases: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("client.toml"),
        "[[rule]]\nid = \"CL-UNTOLD\"\nname = \"untold\"\ntitle = \"Untold\"\nfires_when = \"Customers not told.\"\n\
         area = \"customer-expectations\"\nproblem = \"unanticipated-revelation\"\nseverity = 2\nlikelihood = 2\n\
         when = \"deal.customers.told == 'no'\"\nbecause = [\"customers.told\"]\nrationale = \"r\"\nrecommendation = \"r\"\nreferences = [\"ref\"]\n",
    )
    .unwrap();
    let tests = dir.path().join("tests");
    std::fs::create_dir(&tests).unwrap();
    std::fs::copy("rules/tests/benign-deal.toml", tests.join("base.toml")).unwrap();
    std::fs::write(tests.join("cases.toml"), cases).unwrap();
    dir
}

#[test]
fn a_client_packs_cases_run_and_failures_name_the_case() {
    let dir = client_pack(
        "base = \"base\"\n\n[[case]]\nname = \"not told\"\nset = { \"customers.told\" = \"no\" }\nfires = [\"CL-UNTOLD\"]\n\n\
         [[case]]\nname = \"told, wrongly expected to fire\"\nset = { \"customers.told\" = \"yes\" }\nfires = [\"CL-UNTOLD\"]\n",
    );
    let Run {
        stdout,
        stderr: _,
        code,
    } = run(&["rules", "test", dir.path().to_str().unwrap()]);
    assert_eq!(code, 1, "{stdout}");
    assert!(
        stdout.contains(
            "cases.toml:9:8 case `told, wrongly expected to fire`: CL-UNTOLD should fire and did not (fired: none)"
        ),
        "{stdout}"
    );
    assert!(stdout.contains("2 case(s): 1 passed, 1 failed"), "{stdout}");
    // Coverage counts the client pack's own rule only: it fires, but no case shows it silent.
    assert!(stdout.contains("coverage: 0% of 1 rules"), "{stdout}");
    assert!(stdout.contains("no case shows these silent: CL-UNTOLD"), "{stdout}");
}

#[test]
fn coverage_under_the_minimum_exits_1() {
    let dir = client_pack(
        "base = \"base\"\n\n[[case]]\nname = \"not told\"\nset = { \"customers.told\" = \"no\" }\nfires = [\"CL-UNTOLD\"]\n",
    );
    let path = dir.path().to_str().unwrap();
    assert_eq!(
        run(&["rules", "test", path]).code,
        0,
        "no minimum: passing cases exit 0"
    );
    let Run {
        stdout,
        stderr: _,
        code,
    } = run(&["rules", "test", path, "--min-coverage", "100"]);
    assert_eq!(code, 1);
    assert!(stdout.contains("coverage 0% is under --min-coverage 100%"), "{stdout}");
}

#[test]
fn bad_cases_are_located_errors() {
    let dir = client_pack(
        "base = \"base\"\n\n[[case]]\nname = \"typo\"\nset = { \"customers.tld\" = \"no\" }\nfires = [\"CL-UNTOLDD\"]\n\n\
         [[case]]\nname = \"no such base\"\nbase = \"bse\"\nsilent = [\"CL-UNTOLD\"]\n",
    );
    let Run {
        stdout: _,
        stderr,
        code,
    } = run(&["rules", "test", dir.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        stderr
            .contains("cases.toml:6:10 (field `case[0].fires`): unknown rule `CL-UNTOLDD`; did you mean `CL-UNTOLD`?"),
        "{stderr}"
    );
    assert!(stderr.contains("`customers.tld`"), "{stderr}");
    assert!(
        stderr.contains("no base deal `bse` (a deal file `bse.toml` in the tests folder); did you mean `base`?"),
        "{stderr}"
    );
    let none = tempfile::tempdir().unwrap();
    std::fs::write(none.path().join("r.toml"), "").unwrap();
    let Run {
        stdout: _,
        stderr,
        code,
    } = run(&["rules", "test", none.path().to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("a pack keeps its test cases in a `tests` folder"),
        "{stderr}"
    );
}
