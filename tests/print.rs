//! The HTML board paper printed as a reader prints it: Debian's headless Chromium turns the
//! reference case's page into an A4 PDF, and poppler's tools read the PDF back (.ci/test-deps
//! installs both). The paper must keep every section, number its pages, and keep every word
//! inside the page's margins (a table wider than the page would push its last columns out).

use crate::common::*;
use std::path::Path;
use std::process::Command;

/// A4 in PostScript points, and the paper's side margin (15 mm).
const PAGE_WIDTH: f64 = 595.28;
const MARGIN: f64 = 15.0 / 25.4 * 72.0;

fn tool(name: &str) -> Command {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        found,
        "this test prints the HTML report with Chromium and reads it with poppler-utils: \
         `bash .ci/test-deps` installs them (Debian's chromium and poppler-utils); `{name}` is missing"
    );
    Command::new(name)
}

fn run(command: &mut Command) -> String {
    let out = command.output().expect("the tool runs");
    assert!(
        out.status.success(),
        "{command:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The PDF Chromium prints of `html`, as a reader's "print to PDF" makes it (no header or
/// footer of the browser's own: the page's CSS sets them).
fn print(html: &Path, dir: &Path) -> std::path::PathBuf {
    let pdf = dir.join("paper.pdf");
    run(tool("chromium").args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        &format!("--user-data-dir={}", dir.join("profile").display()),
        "--no-pdf-header-footer",
        &format!("--print-to-pdf={}", pdf.display()),
        &format!("file://{}", html.display()),
    ]));
    assert!(pdf.is_file(), "Chromium wrote no PDF");
    pdf
}

/// Every word of the PDF with its page width and the word's left and right edges.
fn words(pdf: &Path) -> Vec<(f64, f64, f64, String)> {
    let bbox = run(tool("pdftotext").arg("-bbox").arg(pdf).arg("-"));
    let attr = |line: &str, name: &str| -> f64 {
        let at = line.find(&format!("{name}=\"")).expect("attribute") + name.len() + 2;
        line[at..].split('"').next().unwrap().parse().expect("a number")
    };
    let mut width = 0.0;
    let mut out = Vec::new();
    for line in bbox.lines().map(str::trim) {
        if line.starts_with("<page ") {
            width = attr(line, "width");
        } else if line.starts_with("<word ") {
            let text = line
                .split('>')
                .nth(1)
                .unwrap_or("")
                .trim_end_matches("</word")
                .to_string();
            out.push((width, attr(line, "xMin"), attr(line, "xMax"), text));
        }
    }
    out
}

#[test]
fn the_board_paper_prints_on_numbered_a4_pages_with_every_section_inside_the_margins() {
    let dir = tempfile::tempdir().unwrap();
    let page = html_paper("examples/shopsense-ifa.toml");
    let html = dir.path().join("paper.html");
    std::fs::write(&html, &page).unwrap();
    let pdf = print(&html, dir.path());

    let info = run(tool("pdfinfo").arg(&pdf));
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo gives the page count");
    assert!((3..=8).contains(&pages), "{pages} pages:\n{info}");
    assert!(info.contains("(A4)"), "A4 pages:\n{info}");

    let text = run(tool("pdftotext").arg("-layout").arg(&pdf).arg("-"));
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let headings: Vec<&str> = page
        .split("<h2>")
        .skip(1)
        .map(|rest| rest.split("</h2>").next().unwrap())
        .collect();
    assert!(headings.len() >= 5, "{headings:?}");
    for heading in headings {
        let heading = heading.replace("&amp;", "&").replace("&#39;", "'");
        assert!(flat.contains(&heading), "section `{heading}` is not in the PDF");
    }
    for n in 1..=pages {
        assert!(
            flat.contains(&format!("page {n} of {pages}")),
            "no `page {n} of {pages}`"
        );
    }
    assert!(
        flat.contains("assessed 2026-01-31 by dealrisk"),
        "no date and version in the footer"
    );

    let words = words(&pdf);
    assert!(words.len() > 500, "{} words", words.len());
    for (width, left, right, word) in words {
        assert!((width - PAGE_WIDTH).abs() < 1.0, "a page {width} points wide");
        assert!(
            left >= MARGIN - 1.0 && right <= PAGE_WIDTH - MARGIN + 1.0,
            "`{word}` runs from {left:.1} to {right:.1} points, outside the margins ({MARGIN:.1} to {:.1})",
            PAGE_WIDTH - MARGIN
        );
    }
}
