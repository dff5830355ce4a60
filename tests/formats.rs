//! Markdown and worksheet output: hostile deal text is escaped, and the worksheet carries every
//! open question with the score of each answer.

mod common;
use common::*;

/// The reference deal with a title and a provider name written to break out of Markdown/HTML.
fn hostile() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("examples/shopsense-ifa.toml")
        .unwrap()
        .replace(
            "title = \"ShopSense loyalty-card data to IFA for life and health insurance pricing\"",
            "title = \"<script>alert(1)</script> | [click](http://evil) **bold**\"",
        )
        .replace(
            "name = \"ShopSense\"",
            "name = \"Shop<img src=x onerror=alert(2)>Sense\\u001b[31m\"",
        );
    let file = dir.path().join("hostile.toml");
    std::fs::write(&file, text).unwrap();
    let path = file.display().to_string();
    (dir, path)
}

#[test]
fn markdown_escapes_deal_text() {
    let (_dir, file) = hostile();
    let out = dealrisk()
        .args(["assess", &file, "--format", "markdown"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let unescaped = text
        .match_indices('<')
        .filter(|(i, _)| !text[..*i].ends_with('\\'))
        .count();
    assert_eq!(unescaped, 0, "raw HTML in Markdown");
    assert!(!text.contains("[click](http://evil)"), "a live link in Markdown");
    assert!(text.contains("\\<script\\>alert(1)\\</script\\> \\| \\[click\\](http://evil) \\*\\*bold\\*\\*"));
    assert!(!text.contains('\u{1b}'), "a terminal escape in Markdown");
}

#[test]
fn the_table_strips_terminal_escapes() {
    let (_dir, file) = hostile();
    let out = dealrisk().args(["assess", &file]).output().unwrap();
    assert!(!String::from_utf8(out.stdout).unwrap().contains('\u{1b}'));
}

#[test]
fn the_worksheet_answers_every_open_question() {
    let (report, _) = assess_json("examples/shopsense-ifa.toml", &[]);
    let out = dealrisk()
        .args(["assess", "examples/shopsense-ifa.toml", "--format", "worksheet"])
        .output()
        .unwrap();
    let sheet = String::from_utf8(out.stdout).unwrap();
    for q in report["open_questions"].as_array().unwrap() {
        let path = q["path"].as_str().unwrap();
        assert!(sheet.contains(&format!("`{path}`")), "{path} missing");
        assert!(!q["answers"].as_array().unwrap().is_empty(), "{path}: no answers tried");
    }
    // An answer's score is a re-assessment: answering `use.automated = "none"` removes risk.
    let automated = report["open_questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["path"] == "use.automated")
        .unwrap();
    let none = automated["answers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["answer"] == "\"none\"")
        .unwrap();
    assert!(none["risk_change"].as_i64().unwrap() < 0);
    assert!(sheet.contains("Would customers expect this flow if they read about it tomorrow?"));
}

#[test]
fn html_is_self_contained_and_escapes_deal_text() {
    let (_dir, file) = hostile();
    let out = dealrisk().args(["assess", &file, "--format", "html"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") && page.trim_end().ends_with("</html>"));
    assert!(
        !page.contains("<script") && !page.contains("<img"),
        "deal text became markup"
    );
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.contains("Shop&lt;img src=x onerror=alert(2)&gt;Sense"));
    for fetch in ["src=\"http", "href=\"http", "url(", "@import"] {
        assert!(!page.contains(fetch), "the page would fetch something: {fetch}");
    }
    assert!(
        page.contains("default-src 'none'"),
        "a content security policy forbids fetching"
    );
    assert_eq!(page.matches("<svg").count(), 2, "charts: score by area and scenarios");
    assert!(page.contains("@media print"));
}
