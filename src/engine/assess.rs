//! Assessing one deal: facts are derived, every rule is evaluated, declared mitigations
//! lower the findings they target, and the findings are scored into a report.

use crate::engine::condition::{Ints, Memo, Owner, Scope};
use crate::engine::facts::{self, Derived};
use crate::engine::score::{self, Risk};
use crate::model::deal::Deal;
use crate::model::facts::InEffect;
use crate::model::paths::{self, Cited};
use crate::model::report::*;
use crate::pack::{LevelSpec, RulePack};
use anyhow::Result;
use serde_json::Value;

/// A finding before mitigations and scoring.
struct Raw {
    rule: String,
    /// The rule's rank among the pack's finding ids (`Rule::rank`).
    rank: u32,
    title: String,
    area: String,
    problem: String,
    harms: Vec<String>,
    flag: Option<String>,
    blocking: bool,
    severity: u8,
    likelihood: u8,
    message: String,
    why: Vec<Cited>,
    recommendation: String,
}

/// How much of the report to write: what-if analysis re-assesses a deal many times and needs
/// only the scores and which rules fire, not the words, the cited fields, or what each finding
/// would score alone (`Finding::alone` stays at its default: a score per finding was
/// two-thirds of the scoring of each variant).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Detail {
    Full,
    /// The scores, the areas' scores and which rules fire: what a scenario is compared on.
    Scores,
    /// The residual score, its verdict and the findings' risks, no areas: what the searches
    /// for the costliest answers, the leverage of mitigations and a verdict change compare
    /// (scoring each area was a tenth of each of their dozens of variants).
    Residual,
}

/// The full report of a deal as written: its unknowns scored as their costliest answers
/// (`unknowns`), its fields cited as written.
pub fn assess(file: &str, deal: &Deal, pack: &RulePack) -> Result<Report> {
    let memo = Memo::default();
    let resolved = crate::engine::unknowns::worst_case(file, deal, pack, &memo)?;
    assess_resolved(file, deal, &resolved, pack, &memo)
}

/// The full report of a deal whose unknowns are already resolved.
pub fn assess_resolved(
    file: &str,
    deal: &Deal,
    resolved: &crate::engine::unknowns::Resolved,
    pack: &RulePack,
    memo: &Memo,
) -> Result<Report> {
    let mut report = assess_with(file, &resolved.deal, pack, Detail::Full, memo)?;
    crate::engine::unknowns::as_written(&mut report, deal, &resolved.assumed, pack)?;
    Ok(report)
}

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
            open_questions(&deal_json, &findings, pack)
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
                .filter_map(crate::model::observed::beside_declarations)
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

/// One finding per sensitive category present, at the severity of its weight and the
/// likelihood of its strongest presence; its words and citations only in a full report.
fn category_findings(derived: &Derived, pack: &RulePack, detail: Detail) -> Vec<Raw> {
    derived
        .facts
        .categories
        .iter()
        .map(|id| {
            let category = &pack.categories[id];
            let presences: Vec<_> = derived.presence.iter().filter(|p| &p.category == id).collect();
            let likelihood = presences.iter().map(|p| p.likelihood).max().unwrap_or(1);
            let (message, why) = match detail {
                Detail::Full => category_words(category, &presences),
                Detail::Scores | Detail::Residual => (String::new(), Vec::new()),
            };
            Raw {
                rule: category.rule.clone(),
                rank: category.rank,
                title: words(detail, &category.title),
                area: pack.scoring.category_area.clone(),
                problem: category.problem.clone(),
                harms: words(detail, &pack.problems[&category.problem].harms),
                flag: None,
                blocking: false,
                severity: pack.weight_severity(category.weight),
                likelihood,
                message,
                why,
                recommendation: words(detail, &category.recommendation),
            }
        })
        .collect()
}

/// A category finding's message (how each presence was found) and the fields it cites.
fn category_words(
    category: &crate::pack::Category,
    presences: &[&crate::model::facts::Presence],
) -> (String, Vec<Cited>) {
    let how: Vec<String> = presences
        .iter()
        .map(|p| match p.by.as_str() {
            "declared" => format!("declared in dataset `{}`", p.dataset),
            "observed" => {
                let seen = p.because.first().and_then(|c| c.value.as_str()).unwrap_or("");
                format!("seen in the sample of dataset `{}`: {seen}", p.dataset)
            }
            by => format!("inferred in dataset `{}` by {by}", p.dataset),
        })
        .collect();
    let mut why: Vec<Cited> = Vec::new();
    for cited in presences.iter().flat_map(|p| p.because.iter()) {
        if !why.contains(cited) {
            why.push(cited.clone());
        }
    }
    let message = format!(
        "{} (weight {}; {}): {}",
        category.name,
        category.weight,
        category.basis,
        how.join("; ")
    );
    (message, why)
}

fn rule_findings(
    deal_json: &Value,
    root: &Scope,
    derived: &Derived,
    pack: &RulePack,
    detail: Detail,
) -> Result<Vec<Raw>> {
    let scope = root.child().with("facts", &derived.json, Ints::Signed).with(
        "mitigations",
        &derived.json["mitigations"],
        Ints::Signed,
    );
    let mut out = Vec::new();
    for rule in pack.rules.values() {
        let owner = Owner::new("rule", &rule.id);
        if !scope.condition(&rule.when, owner)? {
            continue;
        }
        let level = |spec: &LevelSpec| -> Result<u8> {
            match spec {
                LevelSpec::Fixed(n) => Ok(*n),
                LevelSpec::Computed(expr) => {
                    let n = scope.integer(expr, owner)?;
                    u8::try_from(n).ok().filter(|n| (1..=4).contains(n)).ok_or_else(|| {
                        owner.error(
                            expr,
                            format!("`{}` gave {n}, expected a level from 1 to 4", expr.as_str()),
                        )
                    })
                }
            }
        };
        let message = match &rule.message {
            _ if detail != Detail::Full => String::new(),
            Some(expr) => scope.text(expr, owner)?,
            None => rule.title.clone(),
        };
        let harms = if rule.harms.is_empty() {
            &pack.problems[&rule.problem].harms
        } else {
            &rule.harms
        };
        out.push(Raw {
            rule: rule.id.clone(),
            rank: rule.rank,
            title: words(detail, &rule.title),
            area: rule.area.clone(),
            problem: rule.problem.clone(),
            harms: words(detail, harms),
            flag: rule.flag.clone(),
            blocking: rule.blocking,
            severity: level(&rule.severity)?,
            likelihood: level(&rule.likelihood)?,
            message,
            why: match detail {
                Detail::Full => rule.because.iter().flat_map(|p| paths::cite(deal_json, p)).collect(),
                Detail::Scores | Detail::Residual => Vec::new(),
            },
            recommendation: words(detail, &rule.recommendation),
        });
    }
    Ok(out)
}

/// A finding's words (its title, harms, recommendation), which only a full report shows: the
/// searches' variants leave them empty rather than copy them from the pack.
fn words<T: Clone + Default>(detail: Detail, words: &T) -> T {
    match detail {
        Detail::Full => words.clone(),
        Detail::Scores | Detail::Residual => T::default(),
    }
}

/// Residual levels: each declared mitigation lowers a dimension once (its strongest matching
/// effect), an asserted one (no evidence) by `asserted_factor` rounded down, and the total
/// reduction of each dimension is capped.
fn mitigate(raw: Raw, in_effect: &[InEffect], pack: &RulePack) -> Finding {
    let s = &pack.scoring;
    let mut applied = Vec::new();
    for m in in_effect {
        let targets = |e: &&crate::pack::Effect| {
            e.rules.contains(&raw.rule) || e.areas.contains(&raw.area) || e.problems.contains(&raw.problem)
        };
        let matching: Vec<_> = pack.mitigations[&m.id].effects.iter().filter(targets).collect();
        if matching.is_empty() {
            continue;
        }
        let scale = |n: u8| {
            if m.asserted {
                (f64::from(n) * s.asserted_factor).floor() as u8
            } else {
                n
            }
        };
        let likelihood = scale(matching.iter().map(|e| e.likelihood).max().unwrap_or(0));
        let severity = scale(matching.iter().map(|e| e.severity).max().unwrap_or(0));
        applied.push(AppliedMitigation {
            id: m.id.clone(),
            likelihood,
            severity,
            asserted: m.asserted,
        });
    }
    let cut = |total: u32| total.min(u32::from(s.mitigation_cap)) as u8;
    let dl = cut(applied.iter().map(|m| u32::from(m.likelihood)).sum());
    let ds = cut(applied.iter().map(|m| u32::from(m.severity)).sum());
    let residual_likelihood = raw.likelihood.saturating_sub(dl).max(1);
    let residual_severity = raw.severity.saturating_sub(ds).max(1);
    Finding {
        rule: raw.rule,
        title: raw.title,
        area: raw.area,
        problem: raw.problem,
        harms: raw.harms,
        blocking: raw.blocking,
        severity: raw.severity,
        residual_severity_level: pack.level_name(residual_severity).to_string(),
        likelihood: raw.likelihood,
        inherent_risk: raw.severity * raw.likelihood,
        residual_severity,
        residual_likelihood,
        residual_risk: residual_severity * residual_likelihood,
        points: 0,
        covered_by: None,
        mitigations: applied,
        message: raw.message,
        why: raw.why,
        recommendation: raw.recommendation,
        location: None,
        alone: Score::default(),
        waived: None,
        baseline: None,
    }
}

pub(crate) fn open_questions(deal_json: &Value, findings: &[Finding], pack: &RulePack) -> Vec<OpenQuestion> {
    let mut questions = unknown_answers(deal_json, findings, pack);
    questions.extend(uncovered_jurisdictions(deal_json, pack));
    questions
}

/// Jurisdictions the pack knows but whose law its regulatory rules do not cover: never silently
/// passed over, each is a question for counsel.
fn uncovered_jurisdictions(deal_json: &Value, pack: &RulePack) -> Vec<OpenQuestion> {
    ["provider.jurisdictions[]", "recipient.jurisdictions[]"]
        .iter()
        .flat_map(|pattern| paths::cite(deal_json, pattern))
        .filter_map(|cited| {
            let id = cited.value.as_str()?;
            let j = pack.jurisdictions.get(id).filter(|j| !j.covered)?;
            Some(OpenQuestion {
                path: cited.path,
                assumed: None,
                note: Some(format!(
                    "the pack's regulatory rules do not cover {} ({id}): which of its laws apply is a question for counsel",
                    j.name
                )),
                answers: Vec::new(),
                read_by: Vec::new(),
                fired: Vec::new(),
            })
        })
        .collect()
}

/// Every field answered `unknown`, with the rules and inferences that read it.
fn unknown_answers(deal_json: &Value, findings: &[Finding], pack: &RulePack) -> Vec<OpenQuestion> {
    paths::unknowns(deal_json)
        .into_iter()
        .map(|path| {
            let mut read_by: Vec<String> = pack
                .rules
                .values()
                .filter(|r| r.because.iter().any(|p| paths::matches(p, &path)))
                .map(|r| r.id.clone())
                .collect();
            read_by.extend(
                pack.inferences
                    .values()
                    .filter(|i| {
                        i.because
                            .iter()
                            .any(|p| paths::matches(&format!("datasets[].{p}"), &path))
                    })
                    .map(|i| i.id.clone()),
            );
            let fired = findings
                .iter()
                .filter(|f| f.why.iter().any(|c| c.path == path))
                .map(|f| f.rule.clone())
                .collect();
            OpenQuestion {
                path,
                assumed: None,
                note: None,
                answers: Vec::new(),
                read_by,
                fired,
            }
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
