//! Markdown and worksheet output: hostile deal text is escaped, and the worksheet carries every
//! open question with the score of each answer.

use crate::common::*;

/// The reference deal with a title and a provider name written to break out of Markdown/HTML.
fn hostile() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    copy_samples(dir.path());
    let text = example_text("examples/shopsense-ifa.toml")
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
    // The precedents' sources are printed as text, not links: a board paper is printed.
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

#[test]
fn csv_has_one_row_per_finding_and_neutralises_formulas() {
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string("examples/research-aggregated.toml")
        .unwrap()
        .replace(
            "id = \"freshway-diet-research\"",
            "id = \"=HYPERLINK(\\\"http://evil\\\")\"",
        );
    let file = dir.path().join("formula.toml");
    std::fs::write(&file, text).unwrap();
    let (report, _) = assess_json(&file.display().to_string(), &[]);
    let out = dealrisk()
        .args(["assess", "--format", "csv"])
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let csv = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("file,deal,rule,title,area,problem,blocking,severity,likelihood"));
    assert_eq!(lines.len() - 1, report["findings"].as_array().unwrap().len());
    assert!(
        lines[1].contains(",\"'=HYPERLINK(\"\"http://evil\"\")\","),
        "{}",
        lines[1]
    );
    assert!(
        !lines
            .iter()
            .skip(1)
            .any(|l| l.split(',').nth(1).is_some_and(|c| c.starts_with('=')))
    );
}

#[test]
fn output_is_written_whole_and_never_over_an_input() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let out = dealrisk()
        .args([
            "assess",
            "examples/research-aggregated.toml",
            "--format",
            "json",
            "--output",
        ])
        .arg(&report)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let written: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(written["reports"][0]["residual"]["band"], "low");

    let deal = dir.path().join("deal.toml");
    std::fs::copy("examples/research-aggregated.toml", &deal).unwrap();
    let before = std::fs::read(&deal).unwrap();
    let out = dealrisk()
        .arg("assess")
        .arg(&deal)
        .arg("--output")
        .arg(&deal)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("refusing to write the report over an input"));
    assert_eq!(std::fs::read(&deal).unwrap(), before);
}

#[cfg(unix)]
#[test]
fn output_goes_only_to_regular_files_with_the_usual_mode() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let assess_to = |target: &std::path::Path| {
        dealrisk()
            .args(["assess", "examples/research-aggregated.toml", "--output"])
            .arg(target)
            .output()
            .unwrap()
    };
    // A device is never replaced by a report, and a link is neither followed nor replaced.
    let out = assess_to(std::path::Path::new("/dev/null"));
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("it is not a regular file"));
    let secret = dir.path().join("authorized_keys");
    std::fs::write(&secret, "ssh-ed25519 AAAA\n").unwrap();
    for (name, to) in [
        ("null-link", std::path::Path::new("/dev/null")),
        ("file-link", secret.as_path()),
    ] {
        let link = dir.path().join(name);
        std::os::unix::fs::symlink(to, &link).unwrap();
        let out = assess_to(&link);
        assert_eq!(out.status.code(), Some(2));
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(&format!(
                "{name}: it is a symbolic link; name the file itself, or remove the link"
            )),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    }
    assert_eq!(std::fs::read_to_string(&secret).unwrap(), "ssh-ed25519 AAAA\n");
    // A report written over an old one keeps the old one's mode, not a private 0600.
    let report = dir.path().join("report.txt");
    std::fs::write(&report, "old").unwrap();
    std::fs::set_permissions(&report, std::fs::Permissions::from_mode(0o644)).unwrap();
    assert_eq!(assess_to(&report).status.code(), Some(0));
    assert_eq!(std::fs::metadata(&report).unwrap().permissions().mode() & 0o777, 0o644);
}
