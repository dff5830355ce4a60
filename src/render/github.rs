//! `--format github`: GitHub Actions workflow commands. Each finding becomes an annotation
//! (`::error file=...,line=...,col=...::`) at the deal field that made it fire, so a pull
//! request shows it beside the changed line; each deal gets one line with its score. GitHub
//! shows ten annotations of each kind per step: the rest are written as plain log lines, and a
//! closing notice says how many.

use crate::ci::batch::{Level, Threshold};
use crate::model::report::Report;
use crate::pack::RulePack;
use std::fmt::Write as _;

/// Annotations of each kind (error, warning, notice) GitHub shows per step; it drops the rest
/// without a word (actions/toolkit, docs/problem-matchers.md, "Limitations").
pub const SHOWN_PER_KIND: usize = 10;

pub fn render(reports: &[Report], pack: &RulePack, threshold: &Threshold) -> String {
    let mut cap = Cap::default();
    let mut out: String = reports
        .iter()
        .map(|r| cap.apply(&annotations(r, pack, threshold)))
        .collect();
    out.push_str(&cap.summary());
    out
}

/// A deal's annotations, a line each: the workflow command, a tab, and the same as a plain log
/// line for when GitHub would not show it (`Cap`).
pub fn annotations(r: &Report, pack: &RulePack, threshold: &Threshold) -> String {
    let mut out = String::new();
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
    let title = format!("dealrisk {}: {} {}", r.deal.id, gated.score, gated.band);
    let message = format!("Verdict: {}{waived}. {}", r.verdict, r.advice);
    line(&mut out, command, &r.file, None, &title, &message);
    for f in r.reported_findings() {
        let command = match threshold.level(f, pack) {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "notice",
        };
        let at = f.location.as_ref().map_or((1, 1), |l| (l.line, l.column));
        let waived = match &f.waived {
            Some(w) => format!(" Waived until {} by {}: {}", w.expires, w.owner, w.reason),
            None => String::new(),
        };
        let title = format!("{} {} (risk {})", f.rule, f.title, f.residual_risk);
        let message = format!("{}{waived} What to do: {}", f.message, f.recommendation);
        line(&mut out, command, &r.file, Some(at), &title, &message);
    }
    out
}

/// The annotation of a deal file that could not be assessed, at the place its error names.
pub fn failed(file: &str, error: &str) -> String {
    let at = crate::input::diagnostic::located(error, file);
    let mut out = String::new();
    let title = "dealrisk: the deal file could not be assessed";
    line(&mut out, "error", file, Some(at.unwrap_or((1, 1))), title, error);
    out
}

fn line(out: &mut String, command: &str, file: &str, at: Option<(usize, usize)>, title: &str, message: &str) {
    let (place, plain_place) = match at {
        Some((line, col)) => (format!("line={line},col={col}"), format!("{file}:{line}:{col}")),
        None => ("line=1".to_string(), file.to_string()),
    };
    let plain = format!("{plain_place}: {command}: {title}: {message}");
    let plain: String = super::clean(&plain)
        .chars()
        .map(|c| if c == '\n' { ' ' } else { c })
        .collect();
    let _ = writeln!(
        out,
        "::{command} file={},{place},title={}::{}\t{plain}",
        property(file),
        property(title),
        data(message)
    );
}

/// Keeps the annotations GitHub would show and prints the others as plain log lines, then
/// says how many there were: a pull request with hundreds of findings shows the first ten of
/// each kind, and the log holds every one.
#[derive(Debug, Default)]
pub struct Cap {
    shown: [usize; 3],
    hidden: usize,
}

impl Cap {
    /// The lines of a deal's `annotations`, each a command while GitHub shows its kind, else
    /// plain. One notice is kept back for the summary.
    pub fn apply(&mut self, part: &str) -> String {
        let mut out = String::new();
        for line in part.lines() {
            let (command, plain) = line.split_once('\t').unwrap_or((line, line));
            let (kind, limit) = match command.split(' ').next() {
                Some("::error") => (0, SHOWN_PER_KIND),
                Some("::warning") => (1, SHOWN_PER_KIND),
                _ => (2, SHOWN_PER_KIND - 1),
            };
            if self.shown[kind] < limit {
                self.shown[kind] += 1;
                out.push_str(command);
            } else {
                self.hidden += 1;
                out.push_str(plain);
            }
            out.push('\n');
        }
        out
    }

    /// The closing notice, when some annotations went to the log as plain lines.
    pub fn summary(&self) -> String {
        if self.hidden == 0 {
            return String::new();
        }
        format!(
            "::notice title=dealrisk::{} more finding(s) and deal(s) are plain lines in this log: GitHub shows {SHOWN_PER_KIND} annotations of each kind per step\n",
            self.hidden
        )
    }
}

/// Escapes a command's message, as the Actions runner's `escapeData` does.
fn data(text: &str) -> String {
    // Other control characters and bidi marks would reach the log raw: dropped. Line breaks
    // are encoded, as the runner does.
    let kept: String = text
        .chars()
        .filter(|&c| c == '\n' || c == '\r' || !crate::input::diagnostic::is_unsafe(c))
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
    fn shows_ten_of_each_kind_and_counts_the_rest() {
        let mut cap = Cap::default();
        let errors: String = (0..12)
            .map(|i| format!("::error file=a,line={i}::m\ta:{i}: error\n"))
            .collect();
        let out = cap.apply(&errors);
        assert_eq!(out.lines().filter(|l| l.starts_with("::error")).count(), 10);
        assert_eq!(out.lines().last(), Some("a:11: error"));
        let notices: String = (0..10)
            .map(|i| format!("::notice file=a,line={i}::m\ta:{i}: notice\n"))
            .collect();
        assert_eq!(
            cap.apply(&notices)
                .lines()
                .filter(|l| l.starts_with("::notice"))
                .count(),
            9
        );
        assert!(
            cap.summary().starts_with("::notice title=dealrisk::3 more"),
            "{}",
            cap.summary()
        );
        assert_eq!(Cap::default().summary(), "");
    }

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
