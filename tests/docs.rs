//! Documented examples are the tested ones: the README's sample output, its example rule and
//! score table, and the ids docs/deal-format.md lists, checked against the real binary.

use crate::common::*;

fn readme() -> String {
    std::fs::read_to_string("README.md").unwrap()
}

/// The fenced block that follows the line `after` in the README.
fn block_after(text: &str, after: &str) -> String {
    let start = text.find(after).unwrap_or_else(|| panic!("README lacks {after:?}"));
    let rest = &text[start..];
    let open = rest.find("```").unwrap();
    let body_start = open + rest[open..].find('\n').unwrap() + 1;
    let close = body_start + rest[body_start..].find("```").unwrap();
    rest[body_start..close].to_string()
}

#[test]
fn the_readme_shows_the_real_first_screen() {
    let shown = block_after(&readme(), "The first screen of the report:");
    let out = dealrisk()
        .args(["assess", "examples/shopsense-ifa.toml"])
        .output()
        .unwrap();
    let real = String::from_utf8(out.stdout).unwrap();
    assert!(
        real.starts_with(&shown),
        "README's sample differs from the output:\n{shown}"
    );
}

#[test]
fn the_readme_score_table_matches_the_examples() {
    let text = readme();
    for line in text.lines().filter(|l| l.starts_with("| [`")) {
        let file = line.split('(').nth(1).unwrap().split(')').next().unwrap();
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let mut score = cells[3].split(' ');
        let (report, _) = assess_json(file, &[]);
        assert_eq!(report["residual"]["score"].to_string(), score.next().unwrap(), "{file}");
        assert_eq!(report["residual"]["band"], score.next().unwrap(), "{file}");
    }
}

#[test]
fn the_readme_example_rule_works() {
    let text = readme();
    let start = text
        .find("# client-pack/retention.toml")
        .expect("README shows the example rule");
    let rule = &text[start..start + text[start..].find("```").unwrap()];
    let pack = tempfile::tempdir().unwrap();
    std::fs::write(pack.path().join("retention.toml"), rule).unwrap();
    let (report, code) = assess_json(
        "examples/shopsense-ifa.toml",
        &["--rules", &pack.path().display().to_string()],
    );
    assert_eq!(code, 0);
    assert!(
        report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "CLIENT-RETENTION")
    );
}

#[test]
fn the_deal_format_lists_every_id_of_the_default_pack() {
    let doc = std::fs::read_to_string("docs/deal-format.md").unwrap();
    let pack = dealrisk::pack::RulePack::load(&[]).unwrap();
    let ids = pack
        .categories
        .keys()
        .chain(pack.purposes.keys())
        .chain(pack.sectors.keys())
        .chain(pack.mitigations.keys());
    for id in ids {
        assert!(
            doc.contains(&format!("`{id}`")),
            "docs/deal-format.md does not list `{id}`"
        );
    }
}

#[test]
fn the_documented_test_cases_test_the_readme_rule() {
    // A fenced block's text from `marker` (its first line) to the closing fence.
    let from = |text: &str, marker: &str| {
        let start = text.find(marker).unwrap_or_else(|| panic!("no {marker:?}"));
        text[start..start + text[start..].find("```").unwrap()].to_string()
    };
    let rule = from(&readme(), "# client-pack/retention.toml");
    let cases = from(
        &std::fs::read_to_string("docs/rules.md").unwrap(),
        "# client-pack/tests/retention.toml",
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("retention.toml"), rule).unwrap();
    std::fs::create_dir(dir.path().join("tests")).unwrap();
    std::fs::copy("rules/tests/benign-deal.toml", dir.path().join("tests/base.toml")).unwrap();
    std::fs::write(dir.path().join("tests/retention.toml"), cases).unwrap();
    let out = dealrisk()
        .args(["rules", "test", dir.path().to_str().unwrap(), "--min-coverage", "100"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("2 case(s): 2 passed, 0 failed"), "{stdout}");
    assert!(stdout.contains("coverage: 100% of 1 rules"), "{stdout}");
}

#[test]
fn ci_runs_the_readmes_test_command_as_written() {
    let command = block_after(&readme(), "Run all tests");
    let command = command.trim();
    assert_eq!(command.lines().count(), 1, "one line a user can paste: {command}");
    assert!(command.ends_with("cargo test"), "{command}");
    let ci = std::fs::read_to_string(".ci/run").unwrap();
    assert!(
        ci.lines().any(|l| l.trim() == command),
        ".ci/run runs `{command}` as written"
    );
}

#[test]
fn nothing_shipped_points_at_files_a_user_does_not_have() {
    // The design notes and the issue tracker the project was built from are not shipped.
    let mut files = Vec::new();
    for dir in ["src", "rules", "examples", "docs", "cases"] {
        let mut stack = vec![std::path::PathBuf::from(dir)];
        while let Some(path) = stack.pop() {
            if path.is_dir() {
                stack.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            } else if path
                .extension()
                .is_some_and(|e| e == "rs" || e == "toml" || e == "md" || e == "yml")
            {
                files.push(path);
            }
        }
    }
    files.push("README.md".into());
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (i, line) in text.lines().enumerate() {
            // The benchmark notes in docs/ still name the generator they use, kept outside.
            let benchmark = file.starts_with("docs") && line.contains("gen_tx.py");
            for missing in ["DESIGN.md", "DOMAIN.md", "STYLE.md", "../shared", "issue 3"] {
                if benchmark && missing == "../shared" {
                    continue;
                }
                assert!(
                    !line.contains(missing),
                    "{}:{}: points at {missing}: {line}",
                    file.display(),
                    i + 1
                );
            }
        }
    }
}
