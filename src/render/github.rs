//! `--format github`: GitHub Actions workflow commands. Each finding becomes an annotation
//! (`::error file=...,line=...,col=...::`) at the deal field that made it fire, so a pull
//! request shows it beside the changed line; each deal gets one line with its score.

use crate::batch::{Level, Threshold};
use crate::pack::RulePack;
use crate::report::Report;
use std::fmt::Write as _;

pub fn render(reports: &[Report], pack: &RulePack, threshold: &Threshold) -> String {
    let mut out = String::new();
    for r in reports {
        let command = if threshold.exceeded_by(r, pack) {
            "error"
        } else {
            "notice"
        };
        let gated = r.gated();
        let waived = r
            .waived
            .as_ref()
            .map(|w| format!(" ({} waived finding(s) taken out)", w.findings))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "::{command} file={},line=1,title={}::{}",
            property(&r.file),
            property(&format!("dealrisk {}: {} {}", r.deal.id, gated.score, gated.band)),
            data(&format!("Verdict: {}{waived}. {}", r.verdict, r.advice))
        );
        for f in r.reported_findings() {
            let command = match threshold.level(f, pack) {
                Level::Error => "error",
                Level::Warning => "warning",
                Level::Note => "notice",
            };
            let (line, col) = f.location.as_ref().map_or((1, 1), |l| (l.line, l.column));
            let waived = match &f.waived {
                Some(w) => format!(" Waived until {} by {}: {}", w.expires, w.owner, w.reason),
                None => String::new(),
            };
            let _ = writeln!(
                out,
                "::{command} file={},line={line},col={col},title={}::{}",
                property(&r.file),
                property(&format!("{} {} (risk {})", f.rule, f.title, f.residual_risk)),
                data(&format!("{}{waived} What to do: {}", f.message, f.recommendation))
            );
        }
    }
    out
}

/// Escapes a command's message, as the Actions runner's `escapeData` does.
fn data(text: &str) -> String {
    // Other control characters and bidi marks would reach the log raw: dropped. Line breaks
    // are encoded, as the runner does.
    let kept: String = text
        .chars()
        .filter(|&c| c == '\n' || c == '\r' || !crate::diagnostic::is_unsafe(c))
        .collect();
    kept.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a command's property value, as the runner's `escapeProperty` does.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_as_the_runner_does() {
        assert_eq!(data("50% a\nb"), "50%25 a%0Ab");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
        // A message cannot end the command early or start a new one.
        assert!(!data("x\n::error::y").contains('\n'));
        assert_eq!(data("a\rb"), "a%0Db");
        // Nor can it write the clipboard (OSC 52) or reorder the line.
        assert_eq!(property("t\u{1b}]52;c;aGk=\u{7}\u{202e}x"), "t]52;c;aGk=x");
    }
}
