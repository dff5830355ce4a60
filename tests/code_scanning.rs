//! SARIF, GitHub annotations and JUnit: what code-scanning UIs and CI test reporters read.
//! SARIF is validated against the published 2.1.0 schema (tests/fixtures, from OASIS), and
//! every location is checked against the deal file's text.

use crate::common::*;
use serde_json::Value;

fn run(args: &[&str]) -> (String, i32) {
    let out = dealrisk().args(args).output().unwrap();
    (String::from_utf8(out.stdout).unwrap(), out.status.code().unwrap_or(-1))
}

fn sarif_validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string("tests/fixtures/sarif-schema-2.1.0.json").unwrap();
    // The published `run.language` pattern has a bare `]`, a literal in ECMA-262 regexes but
    // an error for the validator's regex engine; escaped, it means the same.
    let bare = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
    assert!(text.contains(bare), "the schema fixture changed");
    let text = text.replace(bare, r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#);
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

#[test]
fn sarif_validates_against_the_published_schema_for_every_example() {
    let validator = sarif_validator();
    let (out, code) = run(&["assess", "examples", "--format", "sarif", "--fail-on", "high"]);
    assert_eq!(code, 1, "three examples are high or critical");
    let log: Value = serde_json::from_str(&out).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF schema errors: {errors:#?}");
    let results = log["runs"][0]["results"].as_array().unwrap();
    let files: std::collections::BTreeSet<&str> = results
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert_eq!(files.len(), example_files().len(), "every example has results");
}

#[test]
fn sarif_results_point_at_the_field_that_made_the_rule_fire() {
    let (out, _) = run(&["assess", "examples/shopsense-ifa.toml", "--format", "sarif"]);
    let log: Value = serde_json::from_str(&out).unwrap();
    let source = std::fs::read_to_string("examples/shopsense-ifa.toml").unwrap();
    let lines: Vec<&str> = source.lines().collect();
    let results = log["runs"][0]["results"].as_array().unwrap();
    let (report, _) = assess_json("examples/shopsense-ifa.toml", &[]);
    assert_eq!(results.len(), report["findings"].as_array().unwrap().len());
    for r in results {
        let region = &r["locations"][0]["physicalLocation"]["region"];
        let field = r["locations"][0]["logicalLocations"][0]["name"].as_str().unwrap();
        let line = lines[region["startLine"].as_u64().unwrap() as usize - 1];
        let column = region["startColumn"].as_u64().unwrap() as usize - 1;
        // The field's key is written where the result points.
        let key = field.rsplit(['.', ']']).next().unwrap();
        assert!(
            line[column..].starts_with(key),
            "{} points at `{line}` for {field}",
            r["ruleId"]
        );
    }
    // Declared categories point at `categories`; those the sample shows, at its evidence.
    let line_of = |rule: &str| {
        results.iter().find(|r| r["ruleId"] == rule).unwrap()["locations"][0]["physicalLocation"]["region"]["startLine"]
            .as_u64()
            .unwrap() as usize
    };
    assert_eq!(
        line_of("SD-PURCHASE-HISTORY"),
        1 + lines.iter().position(|l| l.starts_with("categories = ")).unwrap()
    );
    assert_eq!(
        line_of("SD-PHARMACY"),
        1 + lines.iter().position(|l| *l == "[datasets.evidence]").unwrap()
    );
}

#[test]
fn every_sarif_alert_says_how_deals_like_this_one_ended() {
    let (out, _) = run(&["assess", "examples/shopsense-ifa.toml", "--format", "sarif"]);
    let log: Value = serde_json::from_str(&out).unwrap();
    let (report, _) = assess_json("examples/shopsense-ifa.toml", &[]);
    let precedents = report["precedents"].as_array().unwrap();
    assert_eq!(precedents.len(), 3);
    for r in log["runs"][0]["results"].as_array().unwrap() {
        let message = r["message"]["text"].as_str().unwrap();
        let first = &precedents[0];
        let named = format!(
            "Deals like this one: {} ({}, {});",
            first["title"].as_str().unwrap(),
            first["label"].as_str().unwrap(),
            first["year"]
        );
        assert!(message.contains(&named), "{message}");
        assert!(
            message.ends_with("`dealrisk precedents examples/shopsense-ifa.toml` says what happened."),
            "{message}"
        );
        let bag = r["properties"]["precedents"].as_array().unwrap();
        let cases: Vec<&Value> = bag.iter().map(|p| &p["case"]).collect();
        let expected: Vec<&Value> = precedents.iter().map(|p| &p["case"]).collect();
        assert_eq!(cases, expected);
        for p in bag {
            for key in ["label", "year", "what_happened", "source", "similarity"] {
                assert!(!p[key].is_null(), "{key} in {p}");
            }
        }
    }
}

#[test]
fn sarif_rules_carry_the_packs_help_text() {
    let (out, _) = run(&["assess", "examples/shopsense-ifa.toml", "--format", "sarif"]);
    let log: Value = serde_json::from_str(&out).unwrap();
    let rules = log["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap();
    let pharmacy = rules.iter().find(|r| r["id"] == "SD-PHARMACY").unwrap();
    let explained = run(&["explain", "SD-PHARMACY", "--format", "json"]).0;
    let explained: Value = serde_json::from_str(&explained).unwrap();
    let help = pharmacy["help"]["text"].as_str().unwrap();
    assert!(help.starts_with(explained["rationale"].as_str().unwrap()));
    assert!(help.contains(explained["recommendation"].as_str().unwrap()));
    for reference in explained["references"].as_array().unwrap() {
        assert!(help.contains(reference.as_str().unwrap()));
    }
    // Every result's ruleIndex names its rule.
    for r in log["runs"][0]["results"].as_array().unwrap() {
        assert_eq!(rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"], r["ruleId"]);
    }
}

#[test]
fn sarif_levels_follow_the_threshold() {
    let level_of = |args: &[&str], rule: &str| {
        let mut all = vec![
            "assess",
            "examples/shopsense-ifa.toml",
            "--format",
            "sarif",
            "--no-evidence",
        ];
        all.extend(args);
        let log: Value = serde_json::from_str(&run(&all).0).unwrap();
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["ruleId"] == rule)
            .unwrap()["level"]
            .as_str()
            .unwrap()
            .to_string()
    };
    // Alone, SD-PHARMACY (risk 12) and DI-ELIGIBILITY (16) make a deal high; the gate
    // SD-SPECIAL-NO-EXPLICIT-CONSENT standing at risk 12 makes it critical.
    assert_eq!(level_of(&[], "SD-PHARMACY"), "error");
    assert_eq!(level_of(&["--fail-on", "critical"], "SD-PHARMACY"), "warning");
    assert_eq!(level_of(&["--fail-on", "critical"], "DI-ELIGIBILITY"), "warning");
    assert_eq!(
        level_of(&["--fail-on", "critical"], "SD-SPECIAL-NO-EXPLICIT-CONSENT"),
        "error"
    );
}

#[test]
fn github_annotations_sit_on_the_triggering_line() {
    let (out, code) = run(&[
        "assess",
        "examples/shopsense-ifa.toml",
        "--format",
        "github",
        "--fail-on",
        "high",
    ]);
    assert_eq!(code, 1);
    let first = out.lines().next().unwrap();
    assert!(
        first.starts_with(
            "::error file=examples/shopsense-ifa.toml,line=1,title=dealrisk shopsense-ifa%3A 99 critical::"
        ),
        "{first}"
    );
    let source = std::fs::read_to_string("examples/shopsense-ifa.toml").unwrap();
    let line = 1 + source.lines().position(|l| l.starts_with("decisions = ")).unwrap();
    assert!(
        out.lines().any(|l| l.starts_with(&format!(
            "::error file=examples/shopsense-ifa.toml,line={line},col=1,title=DI-ELIGIBILITY "
        ))),
        "{out}"
    );
    // One command per line, no message can break out of its annotation; past the ten of
    // each kind GitHub shows, a finding is a plain line of the log, and a notice counts them.
    let plain = out.lines().filter(|l| !l.starts_with("::")).count();
    assert!(plain > 0, "the reference case has more than ten error findings: {out}");
    assert!(
        out.lines()
            .filter(|l| !l.starts_with("::"))
            .all(|l| l.starts_with("examples/shopsense-ifa.toml:")),
        "{out}"
    );
    for kind in ["::error ", "::warning ", "::notice "] {
        assert!(
            out.lines().filter(|l| l.starts_with(kind)).count() <= 10,
            "{kind}: {out}"
        );
    }
    assert_eq!(
        out.lines().last().unwrap(),
        format!(
            "::notice title=dealrisk::{plain} more finding(s) and deal(s) are plain lines in this log: GitHub shows 10 annotations of each kind per step"
        )
    );
}

/// A portfolio of the examples with one deal file that does not parse (`title = 3`, line 3,
/// column 9), assessed in `format`: stdout, stderr, exit code.
fn with_a_broken_deal(format: &str) -> (String, String, i32) {
    let dir = tempfile::tempdir().unwrap();
    for file in example_files() {
        let name = std::path::Path::new(&file).file_name().unwrap();
        std::fs::copy(&file, dir.path().join(name)).unwrap();
    }
    std::fs::write(dir.path().join("broken.toml"), "[deal]\nid = \"x\"\ntitle = 3\n").unwrap();
    let out = dealrisk()
        .current_dir(dir.path())
        .args(["assess", ".", "--no-evidence", "--format", format])
        .output()
        .unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).to_string();
    (text(&out.stdout), text(&out.stderr), out.status.code().unwrap_or(-1))
}

#[test]
fn a_deal_that_does_not_parse_is_an_error_in_sarif_junit_and_annotations() {
    let (sarif, err, code) = with_a_broken_deal("sarif");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("dealrisk: 5 deal(s) assessed: 2 critical, 1 medium, 2 low; 1 could not be assessed"),
        "{err}"
    );
    let log: Value = serde_json::from_str(&sarif).unwrap();
    let errors: Vec<String> = sarif_validator().iter_errors(&log).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notification = &invocation["toolExecutionNotifications"][0];
    assert_eq!(notification["level"], "error");
    let place = &notification["locations"][0]["physicalLocation"];
    assert_eq!(place["artifactLocation"]["uri"], "./broken.toml");
    assert_eq!(place["region"]["startLine"], 3);
    assert_eq!(place["region"]["startColumn"], 9);
    assert!(
        notification["message"]["text"]
            .as_str()
            .unwrap()
            .contains("expected a string"),
        "{notification}"
    );
    assert!(
        !log["runs"][0]["results"].as_array().unwrap().is_empty(),
        "the other deals' results stay"
    );

    let (junit, _, code) = with_a_broken_deal("junit");
    assert_eq!(code, 2);
    assert!(junit.contains("<testsuites name=\"dealrisk\" tests=\""), "{junit}");
    assert!(junit.lines().nth(1).unwrap().ends_with("errors=\"1\">"), "{junit}");
    assert!(
        junit.contains("<testsuite name=\"./broken.toml\" tests=\"1\" failures=\"0\" errors=\"1\">\n    <testcase classname=\"./broken.toml\" name=\"deal\">\n      <error message=\"the deal file could not be assessed\" type=\"unreadable\">./broken.toml:3:9 (field `deal.title`): invalid type: integer `3`, expected a string"),
        "{junit}"
    );

    let (github, _, code) = with_a_broken_deal("github");
    assert_eq!(code, 2);
    assert!(
        github.lines().any(|l| l.starts_with(
            "::error file=./broken.toml,line=3,col=9,title=dealrisk%3A the deal file could not be assessed::./broken.toml:3:9"
        )),
        "{github}"
    );

    // The formats that list reports list the others and stay valid.
    let (json, _, code) = with_a_broken_deal("json");
    assert_eq!(code, 2);
    let doc: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(doc["reports"].as_array().unwrap().len(), 5);
}

#[test]
fn an_absolute_path_is_a_file_uri_in_sarif() {
    let path = std::fs::canonicalize("examples/research-aggregated.toml").unwrap();
    let (out, _) = run(&["assess", path.to_str().unwrap(), "--format", "sarif"]);
    let log: Value = serde_json::from_str(&out).unwrap();
    let uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        uri.starts_with("file:///") && uri.ends_with("/examples/research-aggregated.toml"),
        "{uri}"
    );
}

#[test]
fn junit_has_a_case_per_deal_and_scenario_failing_over_the_threshold() {
    let (out, code) = run(&[
        "assess",
        "examples/shopsense-ifa.toml",
        "examples/research-aggregated.toml",
        "--format",
        "junit",
        "--fail-on",
        "high",
        "--gate-scenarios",
    ]);
    assert_eq!(code, 1);
    let mut reader = quick_xml::Reader::from_str(&out);
    let (mut cases, mut failures) = (Vec::new(), 0);
    let mut current = String::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Start(e) if e.name().as_ref() == "testcase" => {
                let attr = |name: &str| {
                    e.attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == name)
                        .map(|a| a.value.to_string())
                        .unwrap()
                };
                current = format!("{} {}", attr("classname"), attr("name"));
                cases.push(current.clone());
            }
            quick_xml::events::Event::Start(e) if e.name().as_ref() == "failure" => {
                failures += 1;
                assert!(!current.contains("research"), "the low deal fails: {current}");
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(
        cases,
        [
            "examples/shopsense-ifa.toml deal",
            "examples/shopsense-ifa.toml scenario exclude-pharmacy-alcohol",
            "examples/shopsense-ifa.toml scenario grocer-sends-offers",
            "examples/shopsense-ifa.toml scenario small-pilot",
            "examples/research-aggregated.toml deal",
        ]
    );
    // The deal and its three scenarios (critical, high, critical) fail; research passes.
    assert_eq!(failures, 4);
    assert!(out.contains("<testsuites name=\"dealrisk\" tests=\"5\" failures=\"4\" errors=\"0\">"));
}

#[test]
fn scenarios_count_toward_the_threshold_only_when_asked() {
    // The clean-room deal (medium) with a scenario that hands over a full copy instead.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("deal.toml");
    let text = std::fs::read_to_string("examples/grocer-brand-cleanroom.toml").unwrap()
        + "\n[[scenarios]]\nname = \"full-copy\"\ntitle = \"Send a full copy\"\nset = { \"transfer.mode\" = \"full-copy\", \"datasets[0].form\" = \"identified\" }\n";
    std::fs::write(&file, text).unwrap();
    let file = file.display().to_string();
    let gate = |extra: &[&str]| {
        let out = dealrisk()
            .args(["assess", &file, "--quiet", "--fail-on", "high"])
            .args(extra)
            .output()
            .unwrap();
        (out.status.code().unwrap(), String::from_utf8(out.stderr).unwrap())
    };
    assert_eq!(gate(&[]).0, 0);
    let (code, decision) = gate(&["--gate-scenarios"]);
    assert_eq!(code, 1);
    assert!(decision.contains("(scenario `full-copy`: "), "{decision}");
}

/// The `run: >` commands of the example workflow, each folded into one line.
fn workflow_commands() -> Vec<String> {
    let text = std::fs::read_to_string("examples/ci/dealrisk.yml").unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut commands = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.trim_end().ends_with("run: >") {
            let indent = line.len() - line.trim_start().len();
            let body: Vec<&str> = lines[i + 1..]
                .iter()
                .take_while(|l| l.len() - l.trim_start().len() > indent && !l.trim().is_empty())
                .map(|l| l.trim())
                .collect();
            commands.push(body.join(" "));
        }
    }
    commands
}

#[test]
fn the_example_workflow_runs_on_the_examples() {
    let commands = workflow_commands();
    assert_eq!(commands.len(), 3, "SARIF, job summary, gate: {commands:?}");
    let dir = tempfile::tempdir().unwrap();
    let summary = dir.path().join("summary.md");
    let sarif = dir.path().join("dealrisk.sarif");
    let mut codes = Vec::new();
    for command in &commands {
        // As in a repository with deals/ and waivers.toml and no rules/ folder.
        let command = command
            .replace("$( [ -d rules ] && echo --rules rules/ )", "")
            .replace("deals/", "examples/")
            .replace("--waivers waivers.toml", "--waivers examples/ci/waivers.toml")
            .replace("--output dealrisk.sarif", &format!("--output {}", sarif.display()))
            .replace(">> \"$GITHUB_STEP_SUMMARY\"", "");
        let args: Vec<&str> = command.split_whitespace().skip(1).collect();
        let out = dealrisk().args(&args).output().unwrap();
        if command.contains("markdown") {
            std::fs::write(&summary, &out.stdout).unwrap();
        }
        codes.push(out.status.code().unwrap());
        if command.contains("github") {
            let stdout = String::from_utf8(out.stdout).unwrap();
            // Annotations past GitHub's ten per kind are plain lines, counted by a last notice.
            assert!(
                stdout
                    .lines()
                    .all(|l| l.starts_with("::") || l.starts_with("examples/")),
                "{stdout}"
            );
            assert!(stdout.lines().last().unwrap().starts_with("::notice title=dealrisk::"));
            let stderr = String::from_utf8(out.stderr).unwrap();
            assert!(stderr.contains("2 of 5 deal(s) exceed --fail-on high"), "{stderr}");
        }
    }
    assert_eq!(codes, [0, 0, 1], "SARIF and summary succeed; the gate fails on high");
    let log: Value = serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert!(sarif_validator().is_valid(&log));
    let summary = std::fs::read_to_string(&summary).unwrap();
    assert!(summary.starts_with("# 5 deals assessed, worst first\n"), "{summary}");
    assert!(summary.contains("| 2 (12 low without) |"), "the waivers apply");
}

#[test]
fn the_example_workflow_pins_its_actions_and_its_dealrisk() {
    let text = std::fs::read_to_string("examples/ci/dealrisk.yml").unwrap();
    let uses: Vec<&str> = text
        .lines()
        .filter_map(|l| l.trim_start().trim_start_matches("- ").strip_prefix("uses: "))
        .collect();
    assert_eq!(uses.len(), 3, "{uses:?}");
    for action in uses {
        // owner/repo[/path]@<40 hex digits> # vX.Y.Z
        let (_, rest) = action.split_once('@').unwrap();
        let (sha, comment) = rest
            .split_once(" # v")
            .unwrap_or_else(|| panic!("no version comment: {action}"));
        assert!(
            sha.len() == 40 && sha.chars().all(|c| c.is_ascii_hexdigit()),
            "not pinned by commit: {action}"
        );
        assert!(comment.chars().next().unwrap().is_ascii_digit(), "{action}");
    }
    assert!(
        text.contains("--tag \"v$DEALRISK_VERSION\""),
        "dealrisk is installed from a release tag"
    );
    assert!(!text.contains("--branch"), "never from a moving branch");
    assert!(
        text.contains("actions/cache@") && text.contains("cache-hit != 'true'"),
        "built once per version"
    );
    assert!(text.contains("\npermissions:\n"), "permissions are declared");
}
