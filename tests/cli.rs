//! Command-line tooling: `rules list`, shell completions and the man page.

use crate::common::*;

#[test]
fn rules_list_shows_every_rule() {
    let out = dealrisk().args(["rules", "list"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let pack = dealrisk::pack::RulePack::load(&[]).unwrap();
    for id in pack.finding_ids() {
        assert!(
            text.lines().any(|l| l.trim_start().starts_with(&format!("{id} "))),
            "{id} missing"
        );
    }
    assert!(
        text.trim_end()
            .ends_with(&format!("{} rules", pack.finding_ids().count()))
    );
    assert!(text.contains(&format!("rule pack {} (", pack.fingerprint())), "{text}");
}

#[test]
fn the_pack_fingerprint_changes_with_a_rule_and_names_the_html_paper() {
    let default = dealrisk::pack::RulePack::load(&[]).unwrap().fingerprint();
    assert_eq!(default.len(), 12);
    assert!(default.chars().all(|c| c.is_ascii_hexdigit()));
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("extra.toml"),
        "# a client layer that adds nothing yet\n",
    )
    .unwrap();
    let layered = dealrisk::pack::RulePack::load(&[dir.path().to_path_buf()])
        .unwrap()
        .fingerprint();
    assert_ne!(default, layered, "another file makes another pack");

    let page = html_paper("examples/research-aggregated.toml");
    let colophon = format!(
        "assessed 2026-01-31 by dealrisk {} with rule pack {default}",
        env!("CARGO_PKG_VERSION")
    );
    assert!(
        page.contains(&format!("@bottom-left {{ content: \"{colophon}\"")),
        "{page}"
    );
    assert!(
        page.contains(&format!("<footer class=\"muted\"><p>A{}", &colophon[1..])),
        "{page}"
    );
}

#[test]
fn completions_for_each_shell_name_the_commands() {
    for shell in ["bash", "zsh", "fish"] {
        let out = dealrisk().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains("assess") && script.contains("explain"), "{shell}");
    }
    // fish lists each option's values on its line: bands for --fail-on, rule ids for --ignore.
    let out = dealrisk().args(["completions", "fish"]).output().unwrap();
    let script = String::from_utf8(out.stdout).unwrap();
    // The completion of an option runs from its `-l NAME ` to the next `complete -c`.
    let line = |option: &str| {
        let start = script
            .find(&format!("using_subcommand assess\" -l {option} "))
            .unwrap_or_else(|| panic!("no completion for --{option}"));
        let rest = &script[start..];
        rest[..rest[1..].find("complete -c").map_or(rest.len(), |i| i + 1)].to_string()
    };
    for band in ["low", "medium", "high", "critical"] {
        assert!(line("fail-on").contains(&format!("{band}\\t")), "{}", line("fail-on"));
    }
    assert!(line("ignore").contains("CE-FRONT-PAGE") && line("ignore").contains("SD-HEALTH"));
    assert!(line("format").contains("sarif"));
    // Offered, not enforced: a client pack may add bands and rules.
    let out = dealrisk()
        .args(["assess", "examples/research-aggregated.toml", "--fail-on", "nonsense"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown band `nonsense` for --fail-on"));
}

#[test]
fn the_man_page_documents_the_commands() {
    let out = dealrisk().arg("man").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains(".TH dealrisk 1"));
    assert!(page.contains("assess"));
    // The pages the main one refers to (dealrisk-assess(1), ...) can be written.
    let dir = tempfile::tempdir().unwrap();
    let out = dealrisk().args(["man", "--dir"]).arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let referenced: Vec<String> = page
        .lines()
        .filter_map(|l| l.strip_prefix("dealrisk\\-")?.strip_suffix("(1)"))
        .map(|name| name.replace("\\-", "-"))
        .collect();
    assert!(referenced.len() >= 8, "{page}");
    for name in referenced {
        let file = dir.path().join(format!("dealrisk-{name}.1"));
        assert!(
            file.is_file(),
            "the main page names dealrisk-{name}(1): {}",
            file.display()
        );
    }
    let assess = std::fs::read_to_string(dir.path().join("dealrisk-assess.1")).unwrap();
    assert!(assess.contains("\\-\\-fail\\-on"), "{assess}");
}

/// The widest line, links aside: a precedent's source is never split, so that it opens.
fn max_width(text: &str) -> usize {
    text.lines()
        .filter(|l| !l.contains("http"))
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
}

#[test]
fn the_table_fits_columns_and_colours_only_when_asked() {
    let assess = |env: &[(&str, &str)], extra: &[&str]| {
        let mut cmd = dealrisk();
        cmd.args(["assess", "examples/shopsense-ifa.toml", "--no-what-if"])
            .args(extra);
        cmd.env_remove("NO_COLOR");
        for (k, v) in env {
            cmd.env(k, v);
        }
        String::from_utf8(cmd.output().unwrap().stdout).unwrap()
    };
    assert_eq!(max_width(&assess(&[], &[])), 100, "piped: 100 columns");
    assert_eq!(max_width(&assess(&[("COLUMNS", "72")], &[])), 72, "COLUMNS respected");
    assert_eq!(
        max_width(&assess(&[("COLUMNS", "0")], &[])),
        100,
        "a 0-column terminal: 100"
    );

    let esc = '\u{1b}';
    assert!(!assess(&[], &[]).contains(esc), "piped: no colour");
    let forced = assess(&[("CLICOLOR_FORCE", "1")], &[]);
    assert!(
        forced.contains(&format!("{esc}[1m{esc}[31mRISK 99/100  CRITICAL")),
        "{forced}"
    );
    assert!(
        !assess(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], &[]).contains(esc),
        "NO_COLOR wins"
    );
    assert!(
        assess(&[("NO_COLOR", "1")], &["--color", "always"]).contains(esc),
        "--color always wins"
    );
    assert!(!assess(&[("CLICOLOR_FORCE", "1")], &["--color", "never"]).contains(esc));
    let low = dealrisk()
        .args(["assess", "examples/research-aggregated.toml", "--color", "always"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8(low.stdout)
            .unwrap()
            .contains(&format!("{esc}[32mRISK 0/100  LOW"))
    );
}

/// The schema printed by `dealrisk schema`, as a validator.
fn schema_validator() -> jsonschema::Validator {
    let out = dealrisk().arg("schema").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    jsonschema::validator_for(&schema).expect("the schema is a valid JSON Schema")
}

fn as_json(toml_text: &str) -> serde_json::Value {
    let value: toml::Value = toml::from_str(toml_text).unwrap();
    serde_json::to_value(value).unwrap()
}

#[test]
fn every_example_and_template_validates_against_the_schema() {
    let validator = schema_validator();
    let mut files = example_files();
    let templates = std::fs::read_dir("src/input/templates").unwrap();
    let before = files.len();
    files.extend(templates.map(|e| e.unwrap().path().display().to_string()));
    assert!(files.len() - before >= 7, "every `dealrisk init` template is checked");
    for file in files {
        let deal = as_json(&std::fs::read_to_string(&file).unwrap());
        let errors: Vec<String> = validator
            .iter_errors(&deal)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{file}: {errors:?}");
    }
}

#[test]
fn the_schema_rejects_what_the_parser_rejects() {
    let validator = schema_validator();
    let text = std::fs::read_to_string("examples/research-aggregated.toml").unwrap();
    for (from, to) in [
        ("consent = \"opt-in\"", "consent = \"opt_in\""),
        ("people = 410_000", "people = \"many\""),
        ("told = \"yes\"", "told = \"yes\"\ncolour = \"red\""),
    ] {
        assert!(text.contains(from), "{from}");
        assert!(
            !validator.is_valid(&as_json(&text.replacen(from, to, 1))),
            "accepted {to}"
        );
    }
}

/// Lints a client pack holding one file of `text`; it must fail (exit 2): its stderr.
fn lint_fails(text: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("client.toml"), text).unwrap();
    let out = dealrisk().args(["rules", "lint"]).arg(dir.path()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    String::from_utf8_lossy(&out.stderr).to_string()
}

#[test]
fn rules_lint_passes_the_default_pack_and_reports_every_problem_of_a_bad_one() {
    let out = dealrisk().args(["rules", "lint"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("ok: "));

    let rule = |id: &str, area: &str, references: &str| {
        format!(
            "[[rule]]\nid = \"{id}\"\nname = \"x\"\ntitle = \"X\"\nfires_when = \"x\"\narea = \"{area}\"\nproblem = \"appropriation\"\n\
             severity = 2\nlikelihood = 2\nwhen = \"true\"\nbecause = []\nrationale = \"r\"\nrecommendation = \"r\"\nreferences = {references}\n\n"
        )
    };
    let text = rule("C-1", "purpose-drfit", "[\"ref\"]") + &rule("C-2", "purpose-drift", "[]");
    let err = lint_fails(&text);
    assert!(err.contains("2 problem(s)"), "{err}");
    assert!(
        err.contains("unknown area `purpose-drfit` in rule `C-1`; did you mean `purpose-drift`?"),
        "{err}"
    );
    assert!(
        err.contains("rule `C-2` needs a rationale, a recommendation and references"),
        "{err}"
    );
}

#[test]
fn rules_lint_finds_conditions_that_can_never_match() {
    let text = "[[rule]]\nid = \"C-UNREACHABLE\"\nname = \"x\"\ntitle = \"X\"\nfires_when = \"x\"\narea = \"purpose-drift\"\n\
                problem = \"appropriation\"\nseverity = 2\nlikelihood = 2\n\
                when = \"deal.transfer.mode == 'full_copy' && deal.datasets.exists(d, 'pharmacie' in d.categories)\"\n\
                because = []\nrationale = \"r\"\nrecommendation = \"r\"\nreferences = [\"ref\"]\n";
    let err = lint_fails(text);
    assert!(err.contains("2 problem(s)"), "{err}");
    assert!(
        err.contains(
            "client.toml:10:31 (field `rule[0].when`): rule `C-UNREACHABLE`: `transfer.mode` never holds `full_copy`, so this test never matches and cannot make the rule fire; did you mean `full-copy`?"
        ),
        "{err}"
    );
    assert!(
        err.contains("`datasets[].categories` never holds `pharmacie`") && err.contains("did you mean `pharmacy`?"),
        "{err}"
    );
}
