//! A deal assessed as a report shows it: its unknowns scored as their costliest answers
//! (`unknowns`), then one full evaluation (`evaluate`), its fields cited as written.

use crate::engine::Detail;
use crate::engine::condition::Memo;
use crate::engine::evaluate::assess_with;
use crate::engine::unknowns::{Resolved, as_written, worst_case};
use crate::model::deal::Deal;
use crate::model::report::Report;
use crate::pack::RulePack;
use anyhow::Result;

/// The full report of a deal as written: its unknowns scored as their costliest answers
/// (`unknowns`), its fields cited as written.
pub fn assess(file: &str, deal: &Deal, pack: &RulePack) -> Result<Report> {
    let memo = Memo::default();
    let resolved = worst_case(file, deal, pack, &memo)?;
    assess_resolved(file, deal, &resolved, pack, &memo)
}

/// The full report of a deal whose unknowns are already resolved.
pub fn assess_resolved(file: &str, deal: &Deal, resolved: &Resolved, pack: &RulePack, memo: &Memo) -> Result<Report> {
    let mut report = assess_with(file, &resolved.deal, pack, Detail::Full, memo)?;
    as_written(&mut report, deal, &resolved.assumed, pack)?;
    Ok(report)
}
