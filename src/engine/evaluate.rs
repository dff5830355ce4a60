//! One assessment of a deal as it stands (its unknowns as written): facts are derived, every
//! rule is evaluated, declared mitigations lower the findings they target, and the findings
//! are scored into a report.

use crate::engine::Detail;
use crate::engine::condition::{Memo, Scope};
use crate::engine::facts;
use crate::engine::findings::{category_findings, mitigate, rule_findings};
use crate::engine::score::{self, Risk};
use crate::model::deal::Deal;
use crate::model::report::*;
use crate::pack::RulePack;
use anyhow::Result;

/// One assessment of `deal` as it stands (its unknowns as written); `memo` holds results of
/// expressions evaluated for the deal's other variants, reused where their reads agree.
pub fn assess_with(file: &str, deal: &Deal, pack: &RulePack, detail: Detail, memo: &Memo) -> Result<Report> {
    assess_unlocated(file, deal, pack, detail, memo).map_err(|e| pack.locate(e, file))
}

fn assess_unlocated(file: &str, deal: &Deal, pack: &RulePack, detail: Detail, memo: &Memo) -> Result<Report> {
    let deal_json = serde_json::to_value(deal)?;
    let root = Scope::of_deal(&deal_json, memo);
    let cites = match detail {
        Detail::Full => facts::Cites::Fields,
        Detail::Scores | Detail::Residual => facts::Cites::Omitted,
    };
    let derived = facts::derive(deal, &deal_json, &root, pack, cites)?;
    let mut raw = category_findings(&derived, pack, detail);
    raw.retain(|r| !pack.not_run.contains(&r.rule));
    raw.extend(rule_findings(&deal_json, &root, &derived, pack, detail)?);

    let flags: Vec<Flag> = raw
        .iter()
        .filter_map(|r| {
            r.flag.as_ref().map(|flag| Flag {
                flag: flag.clone(),
                rule: r.rule.clone(),
            })
        })
        .collect();
    let mut findings: Vec<Finding> = Vec::with_capacity(raw.len());
    let mut order: Vec<(u64, usize)> = Vec::with_capacity(raw.len());
    for r in raw {
        let rank = r.rank;
        let finding = mitigate(r, &derived.mitigations, pack);
        order.push((report_order(&finding, rank), findings.len()));
        findings.push(finding);
    }
    // Sorted as numbers, then moved once: comparing ids and moving whole findings was a
    // twentieth of each of what-if's variants. No two (key, index) pairs are equal, so the
    // unstable sort orders as a stable one would.
    order.sort_unstable();
    let mut slots: Vec<Option<Finding>> = findings.into_iter().map(Some).collect();
    let mut findings: Vec<Finding> = order.iter().filter_map(|&(_, i)| slots[i].take()).collect();

    // The groups borrow the findings' fields: everything scoring needs is computed before
    // the findings are written to.
    let (residual, inherent, alone) = {
        let groups: Vec<(&str, &str)> = findings.iter().map(|f| pack.scoring.group_by.key(f)).collect();
        let residual_risks = risks(findings.iter().zip(&groups), |f| f.residual_risk);
        let residual = score::score(&pack.scoring, &residual_risks);
        let mut inherent_risks = risks(findings.iter().zip(&groups), |f| f.inherent_risk);
        inherent_risks.sort_by_key(|r| std::cmp::Reverse(r.risk));
        let inherent = score::score(&pack.scoring, &inherent_risks);
        let alone: Vec<Score> = match detail {
            Detail::Full => residual_risks
                .iter()
                .map(|risk| band_score(pack, &score::score(&pack.scoring, std::slice::from_ref(risk))))
                .collect(),
            _ => Vec::new(),
        };
        (residual, inherent, alone)
    };

    let covered_by: Vec<Option<String>> = residual
        .counted_as
        .iter()
        .enumerate()
        .map(|(i, &c)| (c != i).then(|| findings[c].rule.clone()))
        .collect();
    for ((finding, points), covered_by) in findings.iter_mut().zip(&residual.points).zip(covered_by) {
        finding.points = *points;
        finding.covered_by = covered_by;
    }
    for (finding, alone) in findings.iter_mut().zip(alone) {
        finding.alone = alone;
    }
    let floor = residual.floor.as_ref().map(|(i, points, why)| FloorApplied {
        rule: findings[*i].rule.clone(),
        points: *points,
        why: why.clone(),
    });
    // The searches compare no areas.
    let areas_scored = match detail {
        Detail::Full | Detail::Scores => &pack.areas[..],
        Detail::Residual => &[],
    };
    let areas = areas_scored
        .iter()
        .map(|area| {
            let mine = findings.iter().filter(|f| f.area == area.id);
            let floor_points = floor
                .as_ref()
                .filter(|fl| findings.iter().any(|f| f.rule == fl.rule && f.area == area.id))
                .map_or(0, |fl| fl.points);
            let alone = score_of(mine.clone(), pack);
            AreaScore {
                id: area.id.clone(),
                title: area.title.clone(),
                points: mine.clone().map(|f| f.points).sum::<u32>() + floor_points,
                score: alone.score,
                band: alone.band,
                findings: mine.clone().count(),
                blocking: mine.filter(|f| f.blocking).count(),
                disclaimer: area.disclaimer.clone(),
            }
        })
        .collect();

    let band = &pack.scoring.bands[residual.band];
    Ok(Report {
        file: file.to_string(),
        deal: summary(deal),
        inherent: band_score(pack, &inherent),
        residual: band_score(pack, &residual),
        index: residual.index,
        verdict: band.verdict.clone(),
        advice: band.advice.clone(),
        floor,
        areas,
        open_questions: if detail == Detail::Full {
            crate::engine::questions::open_questions(&deal_json, &findings, pack)
        } else {
            Vec::new()
        },
        flags,
        scenarios: Vec::new(),
        leverage: Vec::new(),
        verdict_change: None,
        findings,
        sensitive_categories: derived.presence,
        purpose_drift: derived.drift,
        mitigations: derived.mitigations,
        facts: derived.facts,
        evidence: if detail == Detail::Full {
            deal.datasets
                .iter()
                .filter_map(crate::model::deal::Dataset::evidence)
                .collect()
        } else {
            Vec::new()
        },
        waived: None,
        baseline: None,
        precedents: Vec::new(),
    })
}

/// Where a finding goes in a report, lowest first: the highest residual risk, then blocking
/// ones, then the highest residual severity, then the rule id (as its rank in the pack).
fn report_order(f: &Finding, rank: u32) -> u64 {
    let descending = |n: u8| u64::from(u8::MAX - n);
    descending(f.residual_risk) << 48
        | descending(u8::from(f.blocking)) << 40
        | descending(f.residual_severity) << 32
        | u64::from(rank)
}

fn band_score(pack: &RulePack, scored: &score::Scored) -> Score {
    Score {
        score: scored.score,
        band: pack.scoring.bands[scored.band].id.clone(),
        rank: crate::model::report::BandRank {
            index: scored.band,
            of: pack.scoring.bands.len(),
        },
    }
}

/// The residual score of some of a report's findings (in report order), as if they were the
/// deal's only ones: what the thresholds read once waived findings are taken out.
pub fn score_of<'a>(findings: impl Iterator<Item = &'a Finding>, pack: &RulePack) -> Score {
    let findings: Vec<&Finding> = findings.collect();
    let groups: Vec<(&str, &str)> = findings.iter().map(|f| pack.scoring.group_by.key(f)).collect();
    let risks = risks(findings.iter().copied().zip(&groups), |f| f.residual_risk);
    band_score(pack, &score::score(&pack.scoring, &risks))
}

/// A report's residual score under other scoring numbers (a calibration curve fitted without
/// it, say), from its findings as they stand.
pub fn rescore(report: &Report, scoring: &crate::pack::Scoring) -> Score {
    let groups: Vec<(&str, &str)> = report.findings.iter().map(|f| scoring.group_by.key(f)).collect();
    let risks = risks(report.findings.iter().zip(&groups), |f| f.residual_risk);
    let scored = score::score(scoring, &risks);
    Score {
        score: scored.score,
        band: scoring.bands[scored.band].id.clone(),
        rank: crate::model::report::BandRank {
            index: scored.band,
            of: scoring.bands.len(),
        },
    }
}

/// What scoring needs of each finding: its risk (residual or inherent), gate and group.
fn risks<'a, 'f>(
    findings: impl Iterator<Item = (&'f Finding, &'a (&'a str, &'a str))>,
    risk: impl Fn(&Finding) -> u8,
) -> Vec<Risk<'a>> {
    findings
        .map(|(f, group)| Risk {
            risk: risk(f),
            blocking: f.blocking,
            group: *group,
        })
        .collect()
}

fn summary(deal: &Deal) -> DealSummary {
    let texts = |v: &[crate::model::deal::Text]| v.iter().map(|t| t.get_ref().clone()).collect();
    DealSummary {
        id: deal.deal.id.clone(),
        title: deal.deal.title.clone(),
        summary: deal.deal.summary.clone(),
        provider: PartySummary {
            name: deal.provider.name.clone(),
            sector: deal.provider.sector.get_ref().clone(),
            jurisdictions: texts(&deal.provider.jurisdictions),
        },
        recipient: PartySummary {
            name: deal.recipient.name.clone(),
            sector: deal.recipient.sector.get_ref().clone(),
            jurisdictions: texts(&deal.recipient.jurisdictions),
        },
        collection_purposes: texts(&deal.collection.purposes),
        proposed_purposes: texts(&deal.proposed_use.purposes),
    }
}
