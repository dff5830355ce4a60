//! Reading a deal file and checking it against the rule pack: every category, purpose,
//! sector and mitigation it names must exist in the pack. All problems are reported at once,
//! each at its line and column with the nearest valid id.

use crate::input::diagnostic::{at_span, nearest, parse_toml};
use crate::model::deal::{Deal, Scenario, Text};
use crate::pack::RulePack;
use anyhow::{Result, bail};
use std::path::{Path, PathBuf};

/// A deal file read and checked: the deal as written, and each of its scenarios applied.
pub struct Loaded {
    pub deal: Deal,
    /// In the order of `deal.scenarios`.
    pub scenarios: Vec<Deal>,
    /// The file's text, to locate the fields findings cite.
    pub source: String,
}

/// Whether to scan the samples deals name, and whether a malformed row in one is an error.
#[derive(Debug, Clone, Copy, Default)]
pub struct EvidenceMode<'a> {
    pub scan: bool,
    pub strict: bool,
    /// Folders besides the deal file's own that evidence paths may lead into (`--allow-path`).
    pub allowed: &'a [PathBuf],
    /// What the run's other deals observed (`evidence::observations::Observations`).
    pub seen: Option<&'a crate::evidence::observations::Observations>,
}

/// Reads and checks a deal file, scanning the samples its datasets name as `evidence` says.
pub fn load(path: &Path, pack: &RulePack, evidence: EvidenceMode) -> Result<Loaded> {
    let source = crate::input::read_text(path, "deal file")?;
    load_source(path, source, pack, evidence)
}

/// Reads a deal from its text; `path` names it in messages.
pub fn load_source(path: &Path, source: String, pack: &RulePack, evidence: EvidenceMode) -> Result<Loaded> {
    let mut deal: Deal = parse_toml(path, &source)?;
    resolve_fideslang(&mut deal, pack);
    check(path, &source, &deal, pack)?;
    if evidence.scan && deal.datasets.iter().any(|d| d.evidence.is_some()) {
        let mut settings = crate::evidence::Settings::new(pack, pack.lexicon()?);
        settings.strict = evidence.strict;
        settings.allowed = evidence.allowed;
        settings.seen = evidence.seen;
        crate::evidence::gather(path, &source, &mut deal, &settings)?;
    }
    let scenarios = scenarios(path, &source, &deal, pack)?;
    Ok(Loaded {
        deal,
        scenarios,
        source,
    })
}

/// Replaces fideslang keys written for categories and purposes by the pack ids they stand for.
fn resolve_fideslang(deal: &mut Deal, pack: &RulePack) {
    let resolve = |texts: &mut Vec<Text>| {
        for t in texts.iter_mut() {
            if let Some(key) = pack.fideslang.get(t.get_ref()) {
                *t = Text::new(t.span(), key.means.clone());
            }
        }
    };
    for d in &mut deal.datasets {
        resolve(&mut d.categories);
        resolve(&mut d.excluded);
    }
    resolve(&mut deal.collection.purposes);
    resolve(&mut deal.collection.notice_purposes);
    resolve(&mut deal.proposed_use.purposes);
}

/// Applies each scenario, reporting a bad path at its line in the deal file and a bad value as
/// it reads in the scenario's deal.
fn scenarios(path: &Path, source: &str, deal: &Deal, pack: &RulePack) -> Result<Vec<Deal>> {
    let mut out = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for scenario in &deal.scenarios {
        let name = scenario.name.get_ref();
        if names.contains(&name.as_str()) {
            bail!(at_span(
                path,
                source,
                Some(scenario.name.span()),
                &format!("scenario `{name}` is defined twice")
            ));
        }
        names.push(name);
        let variant = apply(path, source, deal, scenario, pack, "scenario")?;
        out.push(variant);
    }
    Ok(out)
}

/// The deal with a scenario's changes applied and checked; `path` and `source` are the file
/// the scenario is written in, where a bad path or value is reported.
pub fn apply(path: &Path, source: &str, deal: &Deal, scenario: &Scenario, pack: &RulePack, what: &str) -> Result<Deal> {
    let name = scenario.name.get_ref();
    let set = scenario.set.iter().map(|(k, v)| (k, v.get_ref()));
    let (mut variant, text) = crate::input::overlay::apply(deal, set, &scenario.mitigations).map_err(|e| {
        let span = scenario
            .set
            .iter()
            .find(|(k, _)| e.to_string().contains(&format!("`{k}`")))
            .map_or(scenario.name.span(), |(_, v)| v.span());
        anyhow::anyhow!(at_span(path, source, Some(span), &format!("{what} `{name}`: {e:#}")))
    })?;
    resolve_fideslang(&mut variant, pack);
    let label = format!("{} ({what} `{name}` applied)", path.display());
    check(Path::new(&label), &text, &variant, pack)?;
    Ok(variant)
}

/// Most datasets, and most scenarios, one deal may list: far beyond any real deal, bounded
/// because every scenario and every unknown re-assesses the whole deal, datasets and all.
pub const MAX_DATASETS: usize = 64;
pub const MAX_SCENARIOS: usize = 64;
/// Most entries of any other list in a deal (categories, purposes, jurisdictions,
/// mitigations...): the bound the rule pack's cost check assumes of every list a rule reads.
pub const MAX_LIST: usize = 64;

fn check(path: &Path, source: &str, deal: &Deal, pack: &RulePack) -> Result<()> {
    let mut lists = vec![
        ("datasets".to_string(), deal.datasets.len(), MAX_DATASETS),
        ("scenarios".to_string(), deal.scenarios.len(), MAX_SCENARIOS),
    ];
    // Every other list, at any depth (`datasets[0].categories`); a list already too long is
    // not looked inside.
    if let Ok(json) = serde_json::to_value(deal) {
        crate::model::paths::each(&json, &mut |path, value| match value {
            serde_json::Value::Array(items) => {
                if !matches!(path, "datasets" | "scenarios") {
                    lists.push((path.to_string(), items.len(), MAX_LIST));
                }
                items.len() <= MAX_DATASETS.max(MAX_LIST)
            }
            _ => true,
        });
    }
    for (field, count, max) in lists {
        if count > max {
            let first_extra = format!("{field}[{max}]");
            let at = match crate::input::locate::position(source, &first_extra) {
                Some((line, column)) => format!("{}:{line}:{column} (field `{first_extra}`)", path.display()),
                None => format!("{} (field `{field}`)", path.display()),
            };
            let what = field.rsplit('.').next().unwrap_or(&field);
            bail!("{at}: a deal may list at most {max} {what}; this one lists {count} (split it into several deals)");
        }
    }
    let mut problems = Vec::new();
    let mut known = |value: &Text, field: &str, what: &str, ids: Vec<&str>| {
        let v = value.get_ref();
        if ids.contains(&v.as_str()) {
            return;
        }
        let mut message = format!("unknown {what} `{v}` in `{field}`");
        if let Some(n) = nearest(v, ids.iter().copied()) {
            message.push_str(&format!("; did you mean `{n}`?"));
        } else {
            message.push_str(&format!(
                "; expected one of the pack's {what}s (see docs/deal-format.md)"
            ));
        }
        problems.push(at_span(path, source, Some(value.span()), &message));
    };
    let sectors = || pack.sectors.keys().map(String::as_str).collect::<Vec<_>>();
    let categories = || pack.categories.keys().map(String::as_str).collect::<Vec<_>>();
    let purposes = || pack.purposes.keys().map(String::as_str).collect::<Vec<_>>();
    known(&deal.provider.sector, "provider.sector", "sector", sectors());
    let jurisdictions = || pack.jurisdictions.keys().map(String::as_str).collect::<Vec<_>>();
    for j in &deal.provider.jurisdictions {
        known(j, "provider.jurisdictions", "jurisdiction", jurisdictions());
    }
    for j in &deal.recipient.jurisdictions {
        known(j, "recipient.jurisdictions", "jurisdiction", jurisdictions());
    }
    known(&deal.recipient.sector, "recipient.sector", "sector", sectors());
    for (i, d) in deal.datasets.iter().enumerate() {
        for c in &d.categories {
            known(c, &format!("datasets[{i}].categories"), "category", categories());
        }
        for c in &d.excluded {
            known(c, &format!("datasets[{i}].excluded"), "category", categories());
        }
    }
    for (field, list) in [
        ("collection.purposes", &deal.collection.purposes),
        ("collection.notice_purposes", &deal.collection.notice_purposes),
        ("use.purposes", &deal.proposed_use.purposes),
    ] {
        for p in list {
            known(p, field, "purpose", purposes());
        }
    }
    for m in &deal.mitigations {
        known(
            &m.id,
            "mitigations.id",
            "mitigation",
            pack.mitigations.keys().map(String::as_str).collect(),
        );
    }
    let empty = |what: &str| format!("{}: `{what}` must name at least one entry", path.display());
    if deal.datasets.is_empty() {
        problems.push(empty("datasets"));
    }
    if deal.collection.purposes.is_empty() {
        problems.push(empty("collection.purposes"));
    }
    if deal.proposed_use.purposes.is_empty() {
        problems.push(empty("use.purposes"));
    }
    if problems.is_empty() {
        return Ok(());
    }
    bail!("{}", problems.join("\n"))
}
