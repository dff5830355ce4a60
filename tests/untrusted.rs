//! A deal file can come from anyone's pull request: what it names must not make dealrisk read
//! files outside its folder, block on a pipe, panic, or quote a data file at length.

use crate::common::*;
use std::path::Path;

const REFERENCE: &str = "examples/shopsense-ifa.toml";

/// The reference deal copied into `dir` with its sample path replaced by `sample`.
fn deal_naming(dir: &Path, sample: &str) -> String {
    let text = std::fs::read_to_string(REFERENCE).unwrap();
    let file = dir.join("deal.toml");
    let text = text.replace(
        "sample = \"samples/shopsense-baskets.csv\"",
        &format!("sample = {sample:?}"),
    );
    std::fs::write(&file, text).unwrap();
    file.display().to_string()
}

fn sample_line() -> usize {
    1 + std::fs::read_to_string(REFERENCE)
        .unwrap()
        .lines()
        .position(|l| l.starts_with("sample = "))
        .unwrap()
}

#[test]
fn evidence_outside_the_deals_folder_is_refused_without_reading_it() {
    let root = tempfile::tempdir().unwrap();
    let deals = root.path().join("deals");
    std::fs::create_dir(&deals).unwrap();
    std::fs::write(root.path().join("secret.csv"), "GITHUB_TOKEN=ghp_secret_value\n").unwrap();
    for sample in ["../secret.csv", "/proc/self/environ", "/etc/passwd"] {
        let file = deal_naming(&deals, sample);
        let out = run(&["assess", &file]);
        assert_eq!(out.code, 2, "{sample}: {}", out.stderr);
        let at = format!("deal.toml:{}:1 (field `datasets[0].evidence.sample`)", sample_line());
        assert!(out.stderr.contains(&at), "{sample}: {}", out.stderr);
        assert!(
            out.stderr.contains("leads outside the deal file's folder"),
            "{}",
            out.stderr
        );
        assert!(
            !out.stderr.contains("ghp_secret_value") && !out.stderr.contains("root:"),
            "{}",
            out.stderr
        );
    }
    // `scan --deal` locates it the same way.
    let file = deal_naming(&deals, "/etc/passwd");
    let scanned = run(&["scan", "--deal", &file]);
    assert_eq!(scanned.code, 2);
    let at = format!("deal.toml:{}:1 (field `datasets[0].evidence.sample`)", sample_line());
    assert!(
        scanned.stderr.contains(&at) && scanned.stderr.contains("leads outside"),
        "{}",
        scanned.stderr
    );
    // Widened on purpose, the file is read (and found to be no sample of baskets).
    let file = deal_naming(&deals, "../secret.csv");
    let allowed = run(&["assess", &file, "--allow-path", root.path().to_str().unwrap(), "-q"]);
    assert!(!allowed.stderr.contains("leads outside"), "{}", allowed.stderr);
}

#[cfg(unix)]
#[test]
fn a_pipe_or_a_symlink_out_is_refused_before_it_is_opened() {
    let dir = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("key.csv"), "id\n1\n").unwrap();
    std::os::unix::fs::symlink(outside.path().join("key.csv"), dir.path().join("link.csv")).unwrap();
    let out = run(&["assess", &deal_naming(dir.path(), "link.csv")]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("leads outside"), "{}", out.stderr);

    let fifo = dir.path().join("fifo.csv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    // Opening a FIFO for reading would block forever: the timeout fails the test instead.
    let out = dealrisk()
        .args(["assess", &deal_naming(dir.path(), "fifo.csv")])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`fifo.csv` is not a regular file"), "{stderr}");
    let scan = dealrisk()
        .args(["scan", fifo.to_str().unwrap()])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    assert_eq!(scan.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&scan.stderr).contains("fifo.csv: not a regular file"));
}

#[test]
fn a_pack_with_an_empty_keyword_is_refused_by_lint() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("signals.toml"),
        r#"[[category]]
id = "loyalty-tier"
rule = "SD-LOYALTY-TIER"
name = "Loyalty tier"
title = "Loyalty tiers are shared"
weight = 2
consent_required = "opt-out"
problem = "appropriation"
basis = "a client's own category"
signals = { word_boundary = true, keywords = ["gold", ""], fields = ["tier"] }
recommendation = "Share tiers only."
rationale = "A client's own category."
references = ["client policy"]
"#,
    )
    .unwrap();
    let out = run(&["rules", "lint", dir.path().to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("an empty word in keywords of category `loyalty-tier` would match everything"),
        "{}",
        out.stderr
    );
}

/// A pack of one rule whose `when` and `likelihood` are given, written into a new folder.
fn pack_with_rule(when: &str, likelihood: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("client.toml"),
        format!(
            r#"# A client's own rule.
[[rule]]
id = "XX-CLIENT"
name = "client-rule"
title = "A client's rule"
fires_when = "As its condition says."
area = "security-provenance"
problem = "insecurity"
severity = 3
likelihood = {likelihood}
when = {when}
because = ["transfer.mode"]
recommendation = "None."
rationale = "A client's rule."
references = ["client policy"]
"#
        ),
    )
    .unwrap();
    dir
}

#[test]
fn an_expression_that_cannot_evaluate_is_located_in_its_rule_file_by_assess_and_lint() {
    // Compiles, reads real fields, and fails on every deal whose transfer is a full copy.
    let pack = pack_with_rule("\"deal.transfer.mode == 'full-copy'\"", "\"size(deal.deal.id) / 0\"");
    let rules = pack.path().to_str().unwrap();
    let at = format!(
        "{}:10:14 (field `rule[0].likelihood`): rule XX-CLIENT: evaluating `size(deal.deal.id) / 0` failed: Division by zero",
        pack.path().join("client.toml").display()
    );

    let out = run(&["assess", "examples/social-harvest.toml", "--rules", rules]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains(&at), "{}", out.stderr);
    assert!(
        out.stderr.contains("(assessing examples/social-harvest.toml)"),
        "{}",
        out.stderr
    );

    let out = run(&["rules", "lint", rules]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("the rule pack has 1 expression(s) that fail to evaluate"),
        "{}",
        out.stderr
    );
    assert!(out.stderr.contains(&at), "{}", out.stderr);
    assert!(out.stderr.contains("(assessing template "), "{}", out.stderr);

    // A condition that gives a number, and a level out of range.
    let pack = pack_with_rule("\"size(deal.datasets)\"", "2");
    let out = run(&["rules", "lint", pack.path().to_str().unwrap()]);
    assert!(
        out.stderr.contains(
            ":11:8 (field `rule[0].when`): rule XX-CLIENT: `size(deal.datasets)` gave Int(1), expected true or false"
        ),
        "{}",
        out.stderr
    );
    let pack = pack_with_rule("\"true\"", "\"size(deal.datasets) + 4\"");
    let out = run(&["rules", "lint", pack.path().to_str().unwrap()]);
    assert!(
        out.stderr
            .contains("`size(deal.datasets) + 4` gave 5, expected a level from 1 to 4"),
        "{}",
        out.stderr
    );
}

#[test]
fn lint_refuses_a_field_the_deal_does_not_have() {
    let pack = pack_with_rule("\"deal.transfer.mdoe == 'full-copy' || facts.records_leaves\"", "2");
    let out = run(&["rules", "lint", pack.path().to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains(":11:22 (field `rule[0].when`): rule `XX-CLIENT`: `transfer` has no field `mdoe`, so evaluating this fails on every deal; did you mean `mode`?"), "{}", out.stderr);
    assert!(out.stderr.contains("`facts` has no field `records_leaves`, so evaluating this fails on every deal; did you mean `records_leave`?"), "{}", out.stderr);
    assert_eq!(
        run(&["rules", "lint"]).code,
        0,
        "the default pack reads only fields the deal has"
    );
}

#[test]
fn escape_sequences_in_input_never_reach_the_terminal() {
    // OSC 52 (write the clipboard) and a right-to-left override, in a deal and on the command line.
    let hostile = "grocery\u{1b}]52;c;aGk=\u{7}\u{202e}";
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(REFERENCE).unwrap();
    let file = dir.path().join("deal.toml");
    std::fs::write(
        &file,
        text.replacen(
            "sector = \"grocery-retail\"",
            r#"sector = "grocery\u001b]52;c;aGk=\u0007\u202e""#,
            1,
        ),
    )
    .unwrap();
    let from_deal = run(&["assess", file.to_str().unwrap()]);
    let from_args = run(&["assess", REFERENCE, "--fail-on", hostile]);
    for out in [from_deal, from_args] {
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(
            out.stderr.contains("grocery\u{fffd}]52;c;aGk=\u{fffd}\u{fffd}"),
            "{:?}",
            out.stderr
        );
        assert!(
            !out.stderr
                .chars()
                .any(|c| c == '\u{1b}' || c == '\u{7}' || c == '\u{202e}'),
            "{:?}",
            out.stderr
        );
    }
}

#[cfg(unix)]
#[test]
fn pipes_among_the_inputs_and_symlink_loops_end_in_an_error_not_a_hang() {
    let timeout = std::time::Duration::from_secs(60);
    let dir = tempfile::tempdir().unwrap();
    let deals = dir.path().join("deals");
    std::fs::create_dir(&deals).unwrap();
    std::fs::copy("examples/research-aggregated.toml", deals.join("good.toml")).unwrap();
    let fifo = deals.join("pipe.toml");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    // A link back to the folder above: a walk that followed it would never end.
    std::os::unix::fs::symlink(&deals, deals.join("loop")).unwrap();
    let rules = dir.path().join("rules");
    std::fs::create_dir(&rules).unwrap();
    assert!(
        std::process::Command::new("mkfifo")
            .arg(rules.join("pipe.toml"))
            .status()
            .unwrap()
            .success()
    );

    let walked = dealrisk()
        .args(["assess", "-q"])
        .arg(&deals)
        .timeout(timeout)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&walked.stderr);
    assert_eq!(walked.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("pipe.toml: not a regular file"), "{stderr}");
    assert!(
        String::from_utf8_lossy(&walked.stdout).contains("good.toml"),
        "the good deal is still assessed"
    );

    for args in [
        vec![
            "assess".to_string(),
            "examples/research-aggregated.toml".into(),
            "--rules".into(),
            rules.display().to_string(),
        ],
        vec![
            "assess".to_string(),
            "examples/research-aggregated.toml".into(),
            "--waivers".into(),
            fifo.display().to_string(),
        ],
        vec!["rules".to_string(), "lint".into(), rules.display().to_string()],
    ] {
        let out = dealrisk().args(&args).timeout(timeout).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("not a regular file"), "{args:?}: {stderr}");
    }
}

#[test]
fn hostile_text_in_a_deal_reaches_no_output_raw() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("examples/research-aggregated.toml").unwrap();
    let title = text.lines().find(|l| l.starts_with("title = ")).unwrap();
    let hostile = r#"title = "Diet \u001b]52;c;aGk=\u0007 study \u202e\ufffe\uffff\u0001 end""#;
    let file = dir.path().join("deal.toml");
    std::fs::write(&file, text.replacen(title, hostile, 1)).unwrap();
    let forbidden = |c: char| (c.is_control() && !"\n\t".contains(c)) || "\u{202e}\u{fffe}\u{ffff}".contains(c);
    for format in ["table", "junit", "github", "markdown", "csv", "worksheet"] {
        let out = dealrisk()
            .args([
                "assess",
                file.to_str().unwrap(),
                "--format",
                format,
                "--fail-on",
                "critical",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{format}");
        let stdout = String::from_utf8(out.stdout).unwrap();
        if ["table", "markdown"].contains(&format) {
            assert!(
                stdout.contains("aGk= study  end"),
                "{format}: the title is shown, cleaned"
            );
        }
        assert!(
            !stdout.chars().any(forbidden),
            "{format}: {:?}",
            stdout.chars().filter(|&c| forbidden(c)).collect::<String>()
        );
    }
}

#[test]
fn a_sample_line_past_the_limit_ends_the_scan_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let sample = dir.path().join("sample.csv");
    let mut text = String::from("id,description\n1,milk\n2,");
    text.push_str(&"x".repeat(2 << 20));
    text.push_str("\n3,bread\n");
    std::fs::write(&sample, text).unwrap();
    let out = run(&["scan", sample.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains("sample.csv:3: a line is longer than 1 MiB"),
        "{}",
        out.stderr
    );
    // No line break at all, header included.
    std::fs::write(&sample, "x".repeat(2 << 20)).unwrap();
    let out = run(&["scan", sample.to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("a line is longer than 1 MiB"), "{}", out.stderr);
}

#[test]
fn a_deal_with_too_many_datasets_is_refused_at_the_first_one_too_many() {
    let text = std::fs::read_to_string("examples/research-aggregated.toml").unwrap();
    let (start, end) = (text.find("[[datasets]]").unwrap(), text.find("[collection]").unwrap());
    let datasets: String = (0..100)
        .map(|i| text[start..end].replacen("id = \"", &format!("id = \"d{i}-"), 1))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("many.toml");
    std::fs::write(&file, format!("{}{datasets}{}", &text[..start], &text[end..])).unwrap();
    let line = 1 + format!(
        "{}{}",
        &text[..start],
        &datasets[..datasets.match_indices("[[datasets]]").nth(64).unwrap().0]
    )
    .lines()
    .count();
    let out = run(&["assess", file.to_str().unwrap()]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(&format!(
            "many.toml:{line}:1 (field `datasets[64]`): a deal may list at most 64 datasets; this one lists 100"
        )),
        "{}",
        out.stderr
    );
}

#[test]
fn one_enormous_word_is_shown_whole_in_the_table() {
    // Broken into runs the table's wrapper handles in linear time; nothing is lost.
    let text = std::fs::read_to_string("examples/research-aggregated.toml").unwrap();
    let start = text.find("evidence = \"").unwrap() + "evidence = \"".len();
    let end = start + text[start..].find('"').unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("deal.toml");
    std::fs::write(
        &file,
        format!("{}{}{}", &text[..start], "x".repeat(200_000), &text[end..]),
    )
    .unwrap();
    let out = run(&["assess", file.to_str().unwrap()]);
    assert_eq!(out.code, 0, "{}", out.stderr);
    // The word comes out as runs of x between the table's borders; no other text has such runs.
    let shown: usize = out.stdout.split(|c| c != 'x').map(str::len).filter(|&n| n >= 20).sum();
    assert_eq!(shown, 200_000, "every character is shown");
}

#[test]
fn every_count_has_a_limit_answered_with_exit_2_at_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).display().to_string();

    // A list of 65 jurisdictions in a deal: the cost check of the pack assumes at most 64.
    let text = std::fs::read_to_string(REFERENCE).unwrap();
    let many = vec!["\"US-CA\""; 65].join(", ");
    let long_list = text.replace(
        "jurisdictions = [\"US-CA\", \"US-WA\", \"US-OR\"]",
        &format!("jurisdictions = [{many}]"),
    );
    assert_ne!(long_list, text);
    std::fs::write(path("deal.toml"), long_list).unwrap();
    let out = run(&["assess", "--no-evidence", &path("deal.toml")]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("deal.toml:20:"), "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "(field `provider.jurisdictions[64]`): a deal may list at most 64 jurisdictions; this one lists 65"
        ),
        "{}",
        out.stderr
    );

    // 10,001 waivers.
    let waiver = "[[waiver]]\nrule = \"SD-PHARMACY\"\nreason = \"r\"\nowner = \"o\"\nexpires = 2027-12-31\n";
    std::fs::write(path("waivers.toml"), waiver.repeat(10_001)).unwrap();
    let out = run(&[
        "assess",
        "--no-evidence",
        REFERENCE,
        "--waivers",
        &path("waivers.toml"),
        "-q",
    ]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("waivers.toml:50001:1 (field `waiver[10000]`): more than 10000 waivers"),
        "{}",
        out.stderr
    );

    // A sample 4,097 columns wide.
    let header: Vec<String> = (0..4_097).map(|i| format!("c{i}")).collect();
    std::fs::write(path("wide.csv"), format!("{}\n", header.join(","))).unwrap();
    let out = run(&["scan", &path("wide.csv")]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("wide.csv:1: the header row names 4097 columns; at most 4096 are scanned"),
        "{}",
        out.stderr
    );

    // A deal file past 64 MiB is not read, whatever it holds.
    let big = std::fs::File::create(path("big.toml")).unwrap();
    big.set_len((64 << 20) + 1).unwrap();
    let out = run(&["assess", &path("big.toml")]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("big.toml: larger than 64 MiB, the most dealrisk reads of one file"),
        "{}",
        out.stderr
    );

    // A pack of 2,001 mitigations.
    let rules = dir.path().join("pack");
    std::fs::create_dir(&rules).unwrap();
    let mitigations: String = (0..2_001)
        .map(|i| format!("[[mitigation]]\nid = \"MT-X{i}\"\ntitle = \"t\"\ndescription = \"d\"\neffects = []\nreferences = [\"r\"]\n\n"))
        .collect();
    std::fs::write(rules.join("many.toml"), mitigations).unwrap();
    let out = run(&["rules", "lint", rules.to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("many.toml:"), "{}", out.stderr);
    assert!(
        out.stderr
            .contains("more than 2000 mitigation records in the rule pack"),
        "{}",
        out.stderr
    );
}

#[test]
fn an_expression_that_would_run_for_hours_is_refused_before_any_deal() {
    // 100^4 iterations: hours of CEL, refused from its shape alone.
    let hundred = (1..=100).map(|i| i.to_string()).collect::<Vec<_>>().join(",");
    let when = format!(
        "\"[{hundred}].all(a, [{hundred}].all(b, [{hundred}].all(c, [{hundred}].all(d, a + b + c + d > 0))))\""
    );
    let pack = pack_with_rule(&when, "2");
    let rules = pack.path().to_str().unwrap();
    for args in [
        vec!["rules", "lint", rules],
        vec!["assess", REFERENCE, "--no-evidence", "--rules", rules],
    ] {
        let out = dealrisk()
            .args(&args)
            .timeout(std::time::Duration::from_secs(60))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains("client.toml:11:8 (field `rule[0].when`): rule `XX-CLIENT`: evaluating this may take"),
            "{stderr}"
        );
        assert!(
            stderr.contains("steps on one deal (lists iterated within lists); at most 1000000 are allowed"),
            "{stderr}"
        );
    }
}

#[test]
fn a_record_left_open_by_a_stray_quote_stops_at_8_mib() {
    let dir = tempfile::tempdir().unwrap();
    let lines = format!("{}\n", "y".repeat(99)).repeat(100_000);
    let dictionary = dir.path().join("dictionary.csv");
    std::fs::write(&dictionary, format!("field,description\ncard,\"an open quote\n{lines}")).unwrap();
    let results = dir.path().join("results.csv");
    std::fs::write(&results, format!("measure,key,value\nrows,\"x\n{lines}")).unwrap();
    for (flag, file) in [("--dictionary", &dictionary), ("--evidence", &results)] {
        let out = run(&["scan", flag, file.to_str().unwrap()]);
        assert_eq!(out.code, 2, "{}", out.stderr);
        assert!(
            out.stderr
                .contains(":2: not a CSV row: a record is longer than 8 MiB (a quoted field left open?)"),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn a_pack_of_more_categories_than_the_scan_can_hold_is_refused_by_lint() {
    let dir = tempfile::tempdir().unwrap();
    // The default pack's 26 and 39 more: 65.
    let categories: String = (0..39)
        .map(|i| {
            format!(
                r#"[[category]]
id = "client-{i:02}"
rule = "SD-CLIENT-{i:02}"
name = "Client category {i}"
title = "A client's category is shared"
weight = 2
consent_required = "opt-out"
problem = "appropriation"
basis = "a client's own category"
signals = {{ word_boundary = true, keywords = ["client{i}"], fields = ["client{i}"] }}
recommendation = "Share less."
rationale = "A client's own category."
references = ["client policy"]

"#
            )
        })
        .collect();
    std::fs::write(dir.path().join("categories.toml"), categories).unwrap();
    let out = run(&["rules", "lint", dir.path().to_str().unwrap()]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("the pack has 65 categories; the evidence scan handles at most 64"),
        "{}",
        out.stderr
    );
}
