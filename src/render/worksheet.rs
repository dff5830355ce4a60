//! `--format worksheet`: the questions a workshop must answer about a deal, in Markdown to
//! print or share: every unknown fact with why it matters and how each answer would move the
//! score, the prompts of the pack's areas with the rules they feed, and the options on the
//! table. It reads the pack's documentation; every figure comes from the report.

use super::markdown::md;
use crate::model::report::Report;
use crate::pack::RulePack;
use std::fmt::Write as _;

pub fn render(reports: &[Report], pack: &RulePack) -> String {
    let mut out = String::new();
    for (i, r) in reports.iter().enumerate() {
        if i > 0 {
            out.push_str("\n---\n\n");
        }
        one(&mut out, r, pack);
    }
    out
}

fn title_of<'a>(pack: &'a RulePack, id: &str) -> &'a str {
    pack.rules
        .get(id)
        .map(|r| r.title.as_str())
        .or_else(|| pack.inferences.get(id).map(|i| i.rationale.as_str()))
        .unwrap_or("")
}

fn one(out: &mut String, r: &Report, pack: &RulePack) {
    let _ = writeln!(out, "# Workshop worksheet: {}\n", md(&r.deal.title));
    let _ = writeln!(
        out,
        "Deal `{}` ({}). As it stands: **{}/100, {}: {}**. Facts marked unknown are scored as the answer that costs most until answered.\n",
        md(&r.deal.id).replace('`', ""),
        md(&r.file),
        r.residual.score,
        r.residual.band,
        r.verdict
    );

    let _ = writeln!(out, "## 1. Facts to establish\n");
    if r.open_questions.is_empty() {
        let _ = writeln!(out, "Every fact is answered.\n");
    }
    for (i, q) in r.open_questions.iter().enumerate() {
        let _ = writeln!(out, "### 1.{} `{}`\n", i + 1, q.path);
        let _ = writeln!(out, "Scored as: {}.\n", md(&super::assumed(q)));
        let _ = writeln!(out, "Why it matters: it is read by");
        for id in &q.read_by {
            let fired = if q.fired.contains(id) { " (fires now)" } else { "" };
            let _ = writeln!(out, "- {id}{fired}: {}", md(title_of(pack, id)));
        }
        if !q.answers.is_empty() {
            let _ = writeln!(
                out,
                "\n| if the answer is | score | band | change | risk change |\n|---|---:|---|---:|---:|"
            );
            for a in &q.answers {
                let _ = writeln!(
                    out,
                    "| `{}` | {} | {} | {:+} | {:+} |",
                    a.answer.replace('`', ""),
                    a.residual.score,
                    a.residual.band,
                    a.change,
                    a.risk_change
                );
            }
            let _ = writeln!(
                out,
                "\n*risk change*: the residual risk summed over all findings, which moves even where other findings hold the score."
            );
        }
        let _ = writeln!(
            out,
            "\nAnswer: ______________________  Who will confirm it: ______________\n"
        );
    }

    let _ = writeln!(out, "## 2. Questions for the room\n");
    let mut n = 0;
    for area in pack.areas.iter() {
        let Some(prompt) = &area.prompt else { continue };
        n += 1;
        let _ = writeln!(out, "### 2.{n} {}: {}\n", md(&area.title), md(prompt));
        let _ = writeln!(
            out,
            "The answer feeds these checks:\n\n| rule | fires when | now |\n|---|---|---|"
        );
        for rule in pack.rules.values().filter(|rule| rule.area == area.id) {
            let now = if fired(r, &rule.id) { "fires" } else { "-" };
            let _ = writeln!(out, "| {} | {} | {now} |", rule.id, md(&rule.fires_when));
        }
        let _ = writeln!(out, "\nNotes: ______________________\n");
    }

    let _ = writeln!(out, "## 3. Options on the table\n");
    if !r.scenarios.is_empty() {
        let _ = writeln!(out, "| option | score | band | change |\n|---|---:|---|---:|");
        let _ = writeln!(out, "| as proposed | {} | {} | |", r.residual.score, r.residual.band);
        for s in &r.scenarios {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {:+} |",
                md(&s.title),
                s.residual.score,
                s.residual.band,
                s.change
            );
        }
        let _ = writeln!(out);
    }
    let helpful: Vec<_> = r
        .leverage
        .iter()
        .filter(|l| l.points_removed > 0 || l.risk_removed > 0)
        .take(5)
        .collect();
    if !helpful.is_empty() {
        let _ = writeln!(out, "Mitigations that would help most, each alone:\n");
        for l in helpful {
            let _ = writeln!(
                out,
                "- {} ({}): {} {}",
                md(&l.title),
                l.mitigation,
                l.residual.score,
                l.residual.band
            );
        }
        let _ = writeln!(out);
    }
    if let Some(v) = &r.verdict_change {
        let _ = writeln!(
            out,
            "The fewest that change the verdict: {}, giving {} ({}).\n",
            v.mitigations.join(" + "),
            v.residual.score,
            v.residual.band
        );
    }
    let _ = writeln!(
        out,
        "Decision: ______________________  Owner: ______________  Date: __________"
    );
}

fn fired(r: &Report, id: &str) -> bool {
    r.findings.iter().any(|f| f.rule == id)
}
