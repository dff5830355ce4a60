//! Command-line tooling: `rules list`, shell completions and the man page.

mod common;
use common::*;

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
}

#[test]
fn completions_for_each_shell_name_the_commands() {
    for shell in ["bash", "zsh", "fish"] {
        let out = dealrisk().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains("assess") && script.contains("explain"), "{shell}");
    }
}

#[test]
fn the_man_page_documents_the_commands() {
    let out = dealrisk().arg("man").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.contains(".TH dealrisk 1"));
    assert!(page.contains("assess"));
}
