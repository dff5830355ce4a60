//! Waivers: a risk accepted by someone accountable, for a time. A waiver file lists
//! `[[waiver]]` entries, each naming a rule (and optionally a deal), the reason, the owner and
//! an expiry date (inclusive). A waived finding stays in every report, marked with its waiver,
//! and stops counting toward the thresholds. Waivers that expired, expire within 30 days or
//! matched nothing are reported, so accepted risks do not outlive their owner's decision.

use crate::input::diagnostic::{at_span, nearest, parse_toml};
use crate::model::report::{Report, Waived, WaivedSummary};
use crate::pack::RulePack;
use anyhow::{Result, bail};
use chrono::NaiveDate;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// Days before expiry from which a waiver is reported as about to expire.
pub const EXPIRY_NOTICE_DAYS: i64 = 30;

/// Most waivers read, over all waiver files: far beyond any team's exceptions, bounded so that
/// a waiver file from a pull request cannot make every report slow.
pub const MAX_WAIVERS: usize = 10_000;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct WaiverFile {
    #[serde(default)]
    waiver: Vec<Spanned<Entry>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    rule: Spanned<String>,
    deal: Option<String>,
    reason: Spanned<String>,
    owner: Spanned<String>,
    expires: Spanned<toml::value::Datetime>,
}

#[derive(Debug, Clone)]
pub struct Waiver {
    pub rule: String,
    /// A deal id (`[deal] id`) or a deal file's path; none: every deal.
    pub deal: Option<String>,
    pub reason: String,
    pub owner: String,
    /// The last day it applies.
    pub expires: NaiveDate,
    /// `file:line:column` of its `[[waiver]]` entry.
    pub source: String,
}

impl Waiver {
    fn matches(&self, report: &Report) -> bool {
        self.deal
            .as_deref()
            .is_none_or(|d| d == report.deal.id || Path::new(&report.file).ends_with(d))
    }

    fn expired(&self, today: NaiveDate) -> bool {
        today > self.expires
    }
}

/// A waiver's state after a run, to be told to the user.
#[derive(Debug, PartialEq, Eq)]
pub enum Notice {
    /// Expires within `EXPIRY_NOTICE_DAYS`: a warning, even with `--strict`.
    ExpiresSoon,
    /// An error with `--strict`.
    Expired,
    /// Matched no finding of the deals it could apply to: an error with `--strict`.
    Unused,
}

pub struct Waivers {
    pub list: Vec<Waiver>,
    pub today: NaiveDate,
    used: Vec<bool>,
    /// The waiver could apply to a deal of this run (its deal was assessed, or it names none).
    relevant: Vec<bool>,
}

impl Waivers {
    pub fn none(today: NaiveDate) -> Waivers {
        Waivers {
            list: Vec::new(),
            today,
            used: Vec::new(),
            relevant: Vec::new(),
        }
    }

    /// Reads waiver files; every entry is checked (rule id known, a date without a time, reason
    /// and owner given), all problems reported at once with line and column.
    pub fn load(files: &[PathBuf], pack: &RulePack, today: NaiveDate) -> Result<Waivers> {
        let mut list = Vec::new();
        let mut problems = Vec::new();
        let ids: Vec<&str> = pack.finding_ids().collect();
        for file in files {
            let source = crate::input::read_text(file, "waiver file")?;
            let parsed: WaiverFile = parse_toml(file, &source)?;
            let lines = crate::input::diagnostic::LineIndex::new(&source);
            if parsed.waiver.is_empty() {
                problems.push(format!(
                    "{}: no `[[waiver]]` entries; a waiver file lists them (see docs/ci.md)",
                    file.display()
                ));
            }
            for entry in parsed.waiver {
                if list.len() + problems.len() >= MAX_WAIVERS {
                    bail!(at_span(
                        file,
                        &source,
                        Some(entry.span()),
                        &format!(
                            "more than {MAX_WAIVERS} waivers; a waiver is for an exception, not a rule (change the pack instead)"
                        )
                    ));
                }
                let span = entry.span();
                let e = entry.into_inner();
                let mut problem = |span, message: String| problems.push(at_span(file, &source, Some(span), &message));
                let rule = e.rule.get_ref();
                if !ids.contains(&rule.as_str()) {
                    let hint = nearest(rule, ids.iter().copied())
                        .map(|n| format!("; did you mean `{n}`?"))
                        .unwrap_or_else(|| "; `dealrisk rules list` shows the ids".to_string());
                    problem(e.rule.span(), format!("unknown rule `{rule}` in `waiver.rule`{hint}"));
                }
                for (field, value) in [("reason", &e.reason), ("owner", &e.owner)] {
                    if value.get_ref().trim().is_empty() {
                        problem(value.span(), format!("`waiver.{field}` is empty; a waiver needs one"));
                    }
                }
                let expires = match (e.expires.get_ref().date, e.expires.get_ref().time) {
                    (Some(d), None) => NaiveDate::from_ymd_opt(i32::from(d.year), u32::from(d.month), u32::from(d.day)),
                    _ => None,
                };
                let Some(expires) = expires else {
                    problem(
                        e.expires.span(),
                        format!(
                            "`waiver.expires` must be a date such as {}, not `{}`",
                            today.format("%Y-%m-%d"),
                            e.expires.get_ref()
                        ),
                    );
                    continue;
                };
                let (line, column) = lines.line_col(span.start);
                list.push(Waiver {
                    rule: e.rule.into_inner(),
                    deal: e.deal,
                    reason: e.reason.into_inner(),
                    owner: e.owner.into_inner(),
                    expires,
                    source: format!("{}:{line}:{column}", file.display()),
                });
            }
        }
        if !problems.is_empty() {
            bail!("{}", problems.join("\n"));
        }
        let n = list.len();
        Ok(Waivers {
            list,
            today,
            used: vec![false; n],
            relevant: vec![false; n],
        })
    }

    /// Marks the findings a waiver in force accepts, and scores the deal without them.
    pub fn apply(&mut self, report: &mut Report, pack: &RulePack) {
        for (i, w) in self.list.iter().enumerate() {
            if !w.matches(report) {
                continue;
            }
            self.relevant[i] = true;
            if w.expired(self.today) {
                continue;
            }
            for f in report
                .findings
                .iter_mut()
                .filter(|f| f.rule == w.rule && f.waived.is_none())
            {
                self.used[i] = true;
                f.waived = Some(Waived {
                    reason: w.reason.clone(),
                    owner: w.owner.clone(),
                    expires: w.expires.format("%Y-%m-%d").to_string(),
                    source: w.source.clone(),
                });
            }
        }
        let waived = report.findings.iter().filter(|f| f.waived.is_some()).count();
        if waived > 0 {
            report.waived = Some(WaivedSummary {
                findings: waived,
                residual: crate::engine::evaluate::score_of(
                    report.findings.iter().filter(|f| f.waived.is_none()),
                    pack,
                ),
            });
        }
    }

    /// Each waiver worth telling about, with its notice, in file order.
    pub fn notices(&self) -> Vec<(&Waiver, Notice)> {
        let mut out = Vec::new();
        for (i, w) in self.list.iter().enumerate() {
            let left = (w.expires - self.today).num_days();
            if w.expired(self.today) {
                out.push((w, Notice::Expired));
            } else if self.relevant[i] && !self.used[i] {
                out.push((w, Notice::Unused));
            } else if left <= EXPIRY_NOTICE_DAYS {
                out.push((w, Notice::ExpiresSoon));
            }
        }
        out
    }

    /// The notice in words, for stderr.
    pub fn describe(&self, w: &Waiver, notice: &Notice) -> String {
        let what = match &w.deal {
            Some(d) => format!("waiver of {} for {d}", w.rule),
            None => format!("waiver of {}", w.rule),
        };
        let expires = w.expires.format("%Y-%m-%d");
        match notice {
            Notice::Expired => format!(
                "{}: {what} (owner {}) expired on {expires}: the finding counts again; renew it or remove it",
                w.source, w.owner
            ),
            Notice::Unused => format!(
                "{}: {what} (owner {}) matched no finding: the risk is gone or the waiver is misaimed; remove it",
                w.source, w.owner
            ),
            Notice::ExpiresSoon => {
                let days = (w.expires - self.today).num_days();
                format!(
                    "{}: {what} (owner {}) expires on {expires}, in {days} day(s)",
                    w.source, w.owner
                )
            }
        }
    }
}
