//! `dealrisk assess` over many deals: files and folders (recursing into `*.toml`), one bad
//! file reported without hiding the others, and the threshold that decides the exit code.

use crate::model::report::{BaselineDiff, Finding, Report, ScenarioResult, Score};
use crate::pack::RulePack;
use anyhow::{Result, bail};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The deal files named on the command line: files as given, folders searched recursively
/// for `*.toml`, each folder's files in path order.
pub struct DealFiles {
    pub deals: Vec<PathBuf>,
    /// Waiver files met in a folder and not passed with `--waivers`: not deals, so skipped.
    pub skipped_waivers: Vec<PathBuf>,
}

/// Files given as other inputs (`waivers`) are not deals; nor is any waiver file met in a
/// folder, since a team keeps its waivers beside its deals. A folder with no deal in it is an
/// error: a CI job whose deals moved must not pass for having assessed nothing.
pub fn deal_files(inputs: &[PathBuf], waivers: &[PathBuf]) -> Result<DealFiles> {
    let waivers: Vec<PathBuf> = waivers.iter().filter_map(|p| p.canonicalize().ok()).collect();
    let mut out = DealFiles {
        deals: Vec::new(),
        skipped_waivers: Vec::new(),
    };
    for input in inputs {
        if input.is_dir() {
            let mut found = Vec::new();
            collect(input, &mut found);
            found.sort();
            let before = out.deals.len();
            for file in found {
                // Settings, not a deal; nor is a waiver file passed with --waivers.
                if file.file_name().is_some_and(|n| n == crate::input::CONFIG_FILE_NAME)
                    || file.canonicalize().is_ok_and(|c| waivers.contains(&c))
                {
                    continue;
                }
                if is_waiver_file(&file) {
                    out.skipped_waivers.push(file);
                } else {
                    out.deals.push(file);
                }
            }
            if out.deals.len() == before {
                bail!(
                    "{}: no deal file found: a folder is searched, with its subfolders, for `*.toml` deal files (waiver files aside); name a deal file or a folder that holds one",
                    input.display()
                );
            }
        } else {
            out.deals.push(input.clone());
        }
    }
    Ok(out)
}

/// A TOML file whose only table is `[[waiver]]`.
fn is_waiver_file(path: &Path) -> bool {
    let Ok(text) = crate::input::read_text(path, "deal file") else {
        return false;
    };
    text.contains("[[waiver]]") && toml::from_str::<toml::Table>(&text).is_ok_and(|t| t.keys().all(|k| k == "waiver"))
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        // Unreadable: kept, so that assessing it reports the error with the folder's name.
        out.push(dir.to_path_buf());
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        // A symlinked folder is not followed: a link to a parent would never end the walk.
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "toml") {
            out.push(path);
        }
    }
}

/// When a deal "exceeds": its band reaches `--fail-on`, or its score is above `--max-score`.
/// The score read is the residual score without waived findings; with a baseline, only a deal
/// with something new or worse can exceed; with `scenarios`, a scenario exceeding counts too.
#[derive(Debug, Clone, Default)]
pub struct Threshold {
    pub fail_on: Option<String>,
    pub max_score: Option<u32>,
    pub scenarios: bool,
}

/// How loud a finding is in code-scanning formats (SARIF levels, workflow commands).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
    Note,
}

impl Threshold {
    /// Checks the band name against the pack before any deal is assessed.
    pub fn check(&self, pack: &RulePack) -> Result<()> {
        if let Some(band) = &self.fail_on
            && !pack.scoring.bands.iter().any(|b| &b.id == band)
        {
            let ids: Vec<&str> = pack.scoring.bands.iter().map(|b| b.id.as_str()).collect();
            let hint = crate::input::diagnostic::nearest(band, ids.iter().copied())
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_default();
            bail!(
                "unknown band `{band}` for --fail-on; expected one of {}{hint}",
                ids.join(", ")
            );
        }
        Ok(())
    }

    pub fn is_set(&self) -> bool {
        self.fail_on.is_some() || self.max_score.is_some()
    }

    fn crosses(&self, score: &Score, pack: &RulePack) -> bool {
        let by_band = self
            .fail_on
            .as_deref()
            .is_some_and(|f| pack.band_rank(&score.band) >= pack.band_rank(f));
        let by_score = self.max_score.is_some_and(|m| score.score > m);
        by_band || by_score
    }

    /// The deal as assessed exceeds: its score without waived findings crosses, and with a
    /// baseline, something is new or worse.
    pub fn deal_exceeds(&self, report: &Report, pack: &RulePack) -> bool {
        self.is_set()
            && report.baseline.as_ref().is_none_or(BaselineDiff::is_worse)
            && self.crosses(report.gated(), pack)
    }

    /// A scenario exceeds, when scenarios are judged (`--gate-scenarios`).
    pub fn scenario_exceeds(&self, scenario: &ScenarioResult, pack: &RulePack) -> bool {
        self.is_set() && self.scenarios && self.crosses(&scenario.residual, pack)
    }

    /// What makes the deal exceed, in words (`100 critical`, `scenario x: 73 high`), if it does.
    pub fn exceeded_as(&self, report: &Report, pack: &RulePack) -> Option<String> {
        if self.deal_exceeds(report, pack) {
            let gated = report.gated();
            let waived = match &report.waived {
                Some(w) => format!(" with {} waived", w.findings),
                None => String::new(),
            };
            return Some(format!("{} {}{waived}", gated.score, gated.band));
        }
        report
            .scenarios
            .iter()
            .find(|s| self.scenario_exceeds(s, pack))
            .map(|s| format!("scenario `{}`: {} {}", s.name, s.residual.score, s.residual.band))
    }

    pub fn exceeded_by(&self, report: &Report, pack: &RulePack) -> bool {
        self.exceeded_as(report, pack).is_some()
    }

    /// A finding that alone would make its deal exceed, unless it is waived or unchanged since
    /// the baseline.
    pub fn exceeded_by_finding(&self, finding: &Finding, pack: &RulePack) -> bool {
        finding.waived.is_none()
            && finding.baseline.as_deref() != Some("unchanged")
            && self.crosses(&finding.alone, pack)
    }

    /// With a threshold, findings over it are errors; without one, findings whose band alone is
    /// in the pack's top two bands are. Findings in the lowest band are notes.
    pub fn level(&self, finding: &Finding, pack: &RulePack) -> Level {
        let rank = pack.band_rank(&finding.alone.band);
        let error = if self.is_set() {
            self.exceeded_by_finding(finding, pack)
        } else {
            finding.waived.is_none() && rank + 2 >= pack.scoring.bands.len()
        };
        match (error, rank) {
            (true, _) => Level::Error,
            (false, 0) => Level::Note,
            _ => Level::Warning,
        }
    }

    /// The decision line on stderr: which deals exceed the threshold, the first of them named.
    pub fn decision(&self, tally: &Tally) -> String {
        let mut limits = Vec::new();
        if let Some(f) = &self.fail_on {
            limits.push(format!("--fail-on {f}"));
        }
        if let Some(m) = self.max_score {
            limits.push(format!("--max-score {m}"));
        }
        if tally.over == 0 {
            format!(
                "dealrisk: no deal exceeds {} ({} assessed)",
                limits.join(" or "),
                tally.assessed
            )
        } else {
            // One line for a CI log: a portfolio of thousands would otherwise put them all on it.
            let rest = match tally.over - tally.named.len() {
                0 => String::new(),
                n => format!(", and {n} more (every deal is in the report)"),
            };
            format!(
                "dealrisk: {} of {} deal(s) exceed {}: {}{rest}",
                tally.over,
                tally.assessed,
                limits.join(" or "),
                tally.named.join(", "),
            )
        }
    }
}

/// What the decision line, the totals line and the exit code need of each deal, kept as its
/// report is written instead of the report itself.
#[derive(Debug, Default)]
pub struct Tally {
    pub assessed: usize,
    /// Deals over the threshold.
    pub over: usize,
    /// Deal files that could not be read or assessed.
    pub failed: usize,
    /// The first `NAMED` of the deals over the threshold, with what makes each exceed.
    named: Vec<String>,
    /// Deals per band, as gated (waived findings taken out).
    bands: BTreeMap<String, usize>,
}

impl Tally {
    const NAMED: usize = 20;

    /// Counts a deal assessed in `band`; `over` says what makes it exceed, if it does
    /// (`Threshold::exceeded_as`).
    pub fn add(&mut self, file: &str, band: &str, over: Option<&str>) {
        self.assessed += 1;
        *self.bands.entry(band.to_string()).or_default() += 1;
        if let Some(why) = over {
            self.over += 1;
            if self.named.len() < Self::NAMED {
                self.named.push(format!("{file} ({why})"));
            }
        }
    }

    /// Counts a deal file that could not be assessed.
    pub fn fail(&mut self) {
        self.failed += 1;
    }

    /// One line for the end of a run: deals assessed per band, worst first, and those that
    /// could not be read (`dealrisk: 5 deal(s) assessed: 2 critical, 3 low; 1 could not be assessed`).
    pub fn totals(&self, pack: &RulePack) -> String {
        let mut bands: Vec<(&String, &usize)> = self.bands.iter().collect();
        bands.sort_by_key(|(band, _)| std::cmp::Reverse(pack.band_rank(band)));
        let bands: Vec<String> = bands.iter().map(|(band, n)| format!("{n} {band}")).collect();
        let mut line = format!("dealrisk: {} deal(s) assessed", self.assessed);
        if !bands.is_empty() {
            line.push_str(&format!(": {}", bands.join(", ")));
        }
        if self.failed > 0 {
            line.push_str(&format!("; {} could not be assessed", self.failed));
        }
        line
    }
}

/// Most results done ahead of the one the output waits for: a deal that takes long holds
/// back at most this many reports, not the portfolio.
const WINDOW: usize = 64;

/// Runs `work` on every item on every core and hands each result to `take` in the items'
/// order, as soon as those before it are taken: the output is the same whatever the
/// threads' timing, and a portfolio's memory holds a window of results, not all of them.
/// Stops at the first error `take` returns.
pub fn in_order<T: Sync, R: Send>(
    items: &[T],
    work: impl Fn(&T) -> R + Sync,
    mut take: impl FnMut(R) -> Result<()>,
) -> Result<()> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Condvar, Mutex, mpsc};
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len());
    let next = AtomicUsize::new(0);
    // How many results `take` has had; usize::MAX once it failed and the rest are not wanted.
    let taken = (Mutex::new(0usize), Condvar::new());
    let (tx, rx) = mpsc::sync_channel::<(usize, R)>(WINDOW);
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let tx = tx.clone();
            let (next, taken, work) = (&next, &taken, &work);
            scope.spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= items.len() {
                        break;
                    }
                    let mut done = taken.0.lock().unwrap_or_else(|e| e.into_inner());
                    while *done != usize::MAX && i >= *done + WINDOW {
                        done = taken.1.wait(done).unwrap_or_else(|e| e.into_inner());
                    }
                    if *done == usize::MAX {
                        break;
                    }
                    drop(done);
                    if tx.send((i, work(&items[i]))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(tx);
        let mut waiting = BTreeMap::new();
        let mut expected = 0;
        let mut outcome = Ok(());
        'results: for (i, result) in &rx {
            waiting.insert(i, result);
            while let Some(result) = waiting.remove(&expected) {
                if let Err(e) = take(result) {
                    outcome = Err(e);
                    break 'results;
                }
                expected += 1;
                *taken.0.lock().unwrap_or_else(|e| e.into_inner()) = expected;
                taken.1.notify_all();
            }
        }
        if outcome.is_err() {
            *taken.0.lock().unwrap_or_else(|e| e.into_inner()) = usize::MAX;
            taken.1.notify_all();
        }
        // Dropping the receiver ends any send still waiting.
        drop(rx);
        outcome
    })
}

#[cfg(test)]
mod tests {
    use super::in_order;

    #[test]
    fn results_come_in_the_items_order_whatever_the_timing() {
        let items: Vec<u64> = (0..300).collect();
        // Uneven work: later items often finish before earlier ones.
        let work = |&i: &u64| {
            std::hint::black_box((0..(i % 7) * 20_000).map(|b| b % 3).sum::<u64>());
            i
        };
        let mut seen = Vec::new();
        in_order(&items, work, |r| {
            seen.push(r);
            Ok(())
        })
        .expect("no error");
        assert_eq!(seen, items);
    }

    #[test]
    fn an_error_taking_a_result_stops_the_run() {
        let items: Vec<usize> = (0..1_000).collect();
        let mut taken = 0;
        let outcome = in_order(
            &items,
            |&i| i,
            |i| {
                taken += 1;
                if i == 100 { anyhow::bail!("disk full") } else { Ok(()) }
            },
        );
        assert_eq!(outcome.expect_err("stops").to_string(), "disk full");
        assert_eq!(taken, 101);
    }

    #[test]
    fn no_items_no_results() {
        let items: Vec<u8> = Vec::new();
        in_order(&items, |&i| i, |_| anyhow::bail!("nothing to take")).expect("nothing taken");
    }
}
