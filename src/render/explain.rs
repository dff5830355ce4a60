//! `dealrisk explain RULE_ID`: a rule's documentation, from the same data the engine runs:
//! what makes it fire, its levels, why it matters, and each mitigation that lowers or cures it.

use crate::pack::{LevelSpec, RulePack};
use anyhow::{Result, bail};
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Explanation {
    pub id: String,
    /// `rule`, or `category` for the finding a sensitive category files.
    pub kind: &'static str,
    pub title: String,
    pub area: String,
    pub problem: String,
    pub fires_when: String,
    /// The CEL condition, for a rule.
    pub condition: Option<String>,
    /// Deal fields it reads.
    pub reads: Vec<String>,
    pub severity: String,
    pub likelihood: String,
    pub blocking: bool,
    pub rationale: String,
    pub recommendation: String,
    pub references: Vec<String>,
    /// Mitigations whose effects lower its levels.
    pub lowered_by: Vec<Lowering>,
    /// Mitigations its condition names: in effect, the rule does not fire.
    pub cured_by: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct Lowering {
    pub mitigation: String,
    pub title: String,
    pub likelihood: u8,
    pub severity: u8,
}

fn level(spec: &LevelSpec) -> String {
    match spec {
        LevelSpec::Fixed(n) => n.to_string(),
        LevelSpec::Computed(expr) => format!("computed: {}", expr.as_str()),
    }
}

/// Each mitigation's strongest effect on findings of this rule, area or problem.
fn lowered_by(pack: &RulePack, rule: &str, area: &str, problem: &str) -> Vec<Lowering> {
    pack.mitigations
        .values()
        .filter_map(|m| {
            let matching: Vec<_> = m
                .effects
                .iter()
                .filter(|e| {
                    e.rules.iter().any(|r| r == rule)
                        || e.areas.iter().any(|a| a == area)
                        || e.problems.iter().any(|p| p == problem)
                })
                .collect();
            (!matching.is_empty()).then(|| Lowering {
                mitigation: m.id.clone(),
                title: m.title.clone(),
                likelihood: matching.iter().map(|e| e.likelihood).max().unwrap_or(0),
                severity: matching.iter().map(|e| e.severity).max().unwrap_or(0),
            })
        })
        .collect()
}

pub fn explain(pack: &RulePack, id: &str) -> Result<Explanation> {
    if let Some(r) = pack.rules.get(id) {
        let condition = r.when.as_str();
        return Ok(Explanation {
            id: r.id.clone(),
            kind: "rule",
            title: r.title.clone(),
            area: r.area.clone(),
            problem: r.problem.clone(),
            fires_when: r.fires_when.clone(),
            condition: Some(condition.trim().to_string()),
            reads: r.because.clone(),
            severity: level(&r.severity),
            likelihood: level(&r.likelihood),
            blocking: r.blocking,
            rationale: r.rationale.trim().to_string(),
            recommendation: r.recommendation.clone(),
            references: r.references.clone(),
            lowered_by: lowered_by(pack, &r.id, &r.area, &r.problem),
            cured_by: pack
                .mitigations
                .keys()
                .filter(|m| condition.contains(&format!("'{m}'")))
                .cloned()
                .collect(),
        });
    }
    if let Some(c) = pack.categories.values().find(|c| c.rule == id || c.id == id) {
        let area = pack.scoring.category_area.clone();
        let inferences: Vec<&str> = pack
            .inferences
            .values()
            .filter(|i| i.reveals == c.id)
            .map(|i| i.id.as_str())
            .collect();
        let inferred = if inferences.is_empty() {
            String::new()
        } else {
            format!(", or inferred by {}", inferences.join(", "))
        };
        return Ok(Explanation {
            id: c.rule.clone(),
            kind: "category",
            title: c.title.clone(),
            lowered_by: lowered_by(pack, &c.rule, &area, &c.problem),
            area,
            problem: c.problem.clone(),
            fires_when: format!(
                "The category `{}` ({}) is present in a dataset, after its `excluded` list: declared in `categories`{inferred}.",
                c.id, c.name
            ),
            condition: None,
            reads: vec!["datasets[].categories".to_string(), "datasets[].excluded".to_string()],
            severity: format!(
                "{} (from weight {} of 10; {})",
                pack.weight_severity(c.weight),
                c.weight,
                c.basis
            ),
            likelihood: format!(
                "{} when declared; an inference's own likelihood, never above that of what it reads",
                pack.scoring.declared_likelihood
            ),
            blocking: false,
            rationale: c.rationale.trim().to_string(),
            recommendation: c.recommendation.clone(),
            references: c.references.clone(),
            cured_by: Vec::new(),
        });
    }
    let ids: Vec<&str> = pack.finding_ids().collect();
    let mut near: Vec<(f64, &str)> = ids
        .iter()
        .map(|i| (strsim::jaro_winkler(&id.to_uppercase(), i), *i))
        .collect();
    near.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(b.1)));
    let near: Vec<String> = near.iter().take(3).map(|(_, i)| format!("`{i}`")).collect();
    bail!("unknown rule id `{id}`; the nearest are {}", near.join(", "))
}

/// `dealrisk rules list`: one line per rule and category finding, in id order.
pub fn list(pack: &RulePack) -> String {
    let mut rows: Vec<(String, String, String, String)> = pack
        .rules
        .values()
        .map(|r| {
            let severity = match &r.severity {
                LevelSpec::Fixed(n) => n.to_string(),
                LevelSpec::Computed(_) => "computed".to_string(),
            };
            (r.id.clone(), r.area.clone(), severity, r.title.clone())
        })
        .collect();
    rows.extend(pack.categories.values().map(|c| {
        (
            c.rule.clone(),
            pack.scoring.category_area.clone(),
            pack.weight_severity(c.weight).to_string(),
            c.title.clone(),
        )
    }));
    rows.sort();
    let mut table = comfy_table::Table::new();
    table
        .load_style(comfy_table::presets::NOTHING)
        .set_header(vec!["id", "area", "severity", "title"])
        .add_rows(
            rows.into_iter()
                .map(|(id, area, severity, title)| vec![id, area, severity, title]),
        );
    format!(
        "{}\nrule pack {} ({} files; the fingerprint changes with any rule)\n{} rules\n",
        table.trim_fmt(),
        pack.fingerprint(),
        pack.files.len(),
        pack.rules.len() + pack.categories.len()
    )
}

/// The explanation as text for a terminal, wrapped to 100 columns.
pub fn render_text(e: &Explanation) -> String {
    let width = 100;
    let mut out = String::new();
    let mut para = |label: &str, text: &str| {
        let indent = " ".repeat(label.len());
        let options = textwrap::Options::new(width)
            .initial_indent(label)
            .subsequent_indent(&indent);
        for line in textwrap::wrap(&text.split_whitespace().collect::<Vec<_>>().join(" "), options) {
            out.push_str(&line);
            out.push('\n');
        }
    };
    para("", &format!("{}  {}", e.id, e.title));
    para(
        "area:        ",
        &format!(
            "{} (problem: {}){}",
            e.area,
            e.problem,
            if e.blocking { "; BLOCKING" } else { "" }
        ),
    );
    para("fires when:  ", &e.fires_when);
    if let Some(c) = &e.condition {
        para("condition:   ", c);
    }
    para("reads:       ", &e.reads.join(", "));
    para("severity:    ", &e.severity);
    para("likelihood:  ", &e.likelihood);
    para("why:         ", &e.rationale);
    para("do:          ", &e.recommendation);
    for (i, r) in e.references.iter().enumerate() {
        para(if i == 0 { "references:  " } else { "             " }, r);
    }
    if !e.cured_by.is_empty() {
        para(
            "cured by:    ",
            &format!("{} (in effect, the rule does not fire)", e.cured_by.join(", ")),
        );
    }
    for (i, l) in e.lowered_by.iter().enumerate() {
        let mut by = Vec::new();
        if l.likelihood > 0 {
            by.push(format!("likelihood -{}", l.likelihood));
        }
        if l.severity > 0 {
            by.push(format!("severity -{}", l.severity));
        }
        para(
            if i == 0 { "lowered by:  " } else { "             " },
            &format!("{} ({}): {}", l.mitigation, by.join(", "), l.title),
        );
    }
    if e.lowered_by.is_empty() {
        para("lowered by:  ", "no mitigation in the pack");
    }
    out
}
