//! `--format junit`: JUnit XML, which CI systems (GitLab, Jenkins, Azure Pipelines, GitHub
//! test reporters) show as test results. One test suite per deal file; one test case for the
//! deal and one per scenario. A test case fails when it exceeds the threshold (`--fail-on`,
//! `--max-score`; scenarios with `--gate-scenarios`), its failure listing the findings that
//! alone cross it. Without a threshold every case passes and reports its score.

use super::clean;
use crate::ci::batch::Threshold;
use crate::model::report::Report;
use crate::pack::RulePack;
use quick_xml::escape::escape;
use std::fmt::Write as _;

pub fn render(reports: &[Report], pack: &RulePack, threshold: &Threshold) -> String {
    let mut suites = String::new();
    let (mut tests, mut failures) = (0, 0);
    for r in reports {
        let one = suite(r, pack, threshold);
        suites.push_str(&one.xml);
        tests += one.tests;
        failures += one.failures;
    }
    head(tests, failures, 0) + &suites + TAIL
}

/// The document's opening, with its totals.
pub fn head(tests: usize, failures: usize, errors: usize) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"dealrisk\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{errors}\">\n"
    )
}

/// The suite of a deal file that could not be assessed: one test case in error, so that a test
/// dashboard does not show green for a deal it never read.
pub fn failed(file: &str, error: &str) -> String {
    format!(
        "  <testsuite name=\"{f}\" tests=\"1\" failures=\"0\" errors=\"1\">\n    <testcase classname=\"{f}\" name=\"deal\">\n      <error message=\"the deal file could not be assessed\" type=\"unreadable\">{}</error>\n    </testcase>\n  </testsuite>\n",
        text(error),
        f = text(file)
    )
}

pub const TAIL: &str = "</testsuites>\n";

/// One deal's test suite and its counts.
pub struct Suite {
    pub xml: String,
    pub tests: usize,
    pub failures: usize,
}

pub fn suite(r: &Report, pack: &RulePack, threshold: &Threshold) -> Suite {
    let mut cases = String::new();
    let (mut suite_tests, mut suite_failures) = (0, 0);

    let gated = r.gated();
    let mut out = format!("{} {}: {}", gated.score, gated.band, r.verdict);
    if let Some(w) = &r.waived {
        let _ = write!(
            out,
            " ({} waived finding(s) taken out; {} {} with them)",
            w.findings, r.residual.score, r.residual.band
        );
    }
    let failure = threshold.deal_exceeds(r, pack).then(|| {
        let over: String = r
            .reported_findings()
            .filter(|f| threshold.exceeded_by_finding(f, pack))
            .map(|f| {
                let line = f.location.as_ref().map_or(1, |l| l.line);
                format!(
                    "{} {} (residual risk {}, alone {} {}) at {}:{line}\n",
                    f.rule, f.title, f.residual_risk, f.alone.score, f.alone.band, r.file
                )
            })
            .collect();
        let over = if over.is_empty() {
            "No finding crosses it alone: the findings together do.\n".to_string()
        } else {
            format!("Findings that alone cross it:\n{over}")
        };
        (format!("{} {} exceeds the threshold", gated.score, gated.band), over)
    });
    case(&mut cases, &r.file, "deal", &out, failure.as_ref());
    suite_tests += 1;
    suite_failures += usize::from(failure.is_some());

    for s in &r.scenarios {
        let out = format!(
            "{} {}: {} ({:+} on the deal)",
            s.residual.score, s.residual.band, s.verdict, s.change
        );
        let failure = threshold.scenario_exceeds(s, pack).then(|| {
            (
                format!("{} {} exceeds the threshold", s.residual.score, s.residual.band),
                format!("Scenario `{}`: {}\n", s.name, s.title),
            )
        });
        case(
            &mut cases,
            &r.file,
            &format!("scenario {}", s.name),
            &out,
            failure.as_ref(),
        );
        suite_tests += 1;
        suite_failures += usize::from(failure.is_some());
    }
    Suite {
        xml: format!(
            "  <testsuite name=\"{}\" tests=\"{suite_tests}\" failures=\"{suite_failures}\" errors=\"0\">\n{cases}  </testsuite>\n",
            text(&r.file)
        ),
        tests: suite_tests,
        failures: suite_failures,
    }
}

fn case(out: &mut String, file: &str, name: &str, system_out: &str, failure: Option<&(String, String)>) {
    let _ = writeln!(
        out,
        "    <testcase classname=\"{}\" name=\"{}\">",
        text(file),
        text(name)
    );
    if let Some((message, body)) = failure {
        let _ = writeln!(
            out,
            "      <failure message=\"{}\" type=\"threshold\">{}</failure>",
            text(message),
            text(body)
        );
    }
    let _ = writeln!(out, "      <system-out>{}</system-out>", text(system_out));
    let _ = writeln!(out, "    </testcase>");
}

/// Text from a deal file made safe for XML: control characters that XML 1.0 forbids are
/// removed, markup characters escaped.
fn text(raw: &str) -> String {
    escape(clean(raw)).into_owned()
}
