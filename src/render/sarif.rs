//! `--format sarif`: SARIF 2.1.0 for code-scanning tools (GitHub code scanning, Azure DevOps,
//! VS Code's SARIF viewer). Each finding is a result at the line and column of the deal field
//! that made it fire; each rule carries its rationale, recommendation and references as help
//! text. Waived findings are results with an accepted suppression, so a code-scanning UI shows
//! them dismissed with the waiver's reason.

use crate::ci::batch::{Level, Threshold};
use crate::model::report::{Finding, Report};
use crate::pack::RulePack;
use anyhow::Result;
use serde_json::{Value, json};
use std::collections::BTreeMap;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn render(reports: &[Report], pack: &RulePack, threshold: &Threshold) -> Result<String> {
    let mut rules: BTreeMap<String, Value> = BTreeMap::new();
    for f in reports.iter().flat_map(Report::reported_findings) {
        if !rules.contains_key(f.rule.as_str()) {
            rules.insert(f.rule.clone(), descriptor(&f.rule, &f.title, pack));
        }
    }
    let index: BTreeMap<&str, usize> = rules.keys().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
    // Written result by result, compact: a portfolio's log can hold a million results, and
    // one JSON tree of them would take gigabytes.
    let mut out = head(&rules)?;
    let findings = reports.iter().flat_map(|r| r.reported_findings().map(move |f| (r, f)));
    for (i, (r, f)) in findings.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&serde_json::to_string(&result(
            r,
            f,
            index[f.rule.as_str()],
            pack,
            threshold,
        ))?);
    }
    out.push_str(&tail(&[]));
    Ok(out)
}

/// The log up to its first result: the tool, with the rules of every finding (by id).
pub fn head(rules: &BTreeMap<String, Value>) -> Result<String> {
    let tool = json!({"driver": {
        "name": "dealrisk",
        "version": env!("CARGO_PKG_VERSION"),
        "informationUri": "https://github.com/dealrisk/dealrisk",
        "rules": rules.values().collect::<Vec<_>>(),
    }});
    Ok(format!(
        "{{\"$schema\":\"{SCHEMA}\",\"version\":\"2.1.0\",\"runs\":[{{\"tool\":{},\"columnKind\":\"unicodeCodePoints\",\"results\":[",
        serde_json::to_string(&tool)?
    ))
}

/// The log after its last result. Deal files that could not be assessed are tool
/// notifications of a run that did not succeed, each at the place its error names, so that a
/// code-scanning dashboard does not show green for a deal it never read.
pub fn tail(notifications: &[String]) -> String {
    if notifications.is_empty() {
        return "]}]}\n".to_string();
    }
    format!(
        "],\"invocations\":[{{\"executionSuccessful\":false,\"toolExecutionNotifications\":[{}]}}]}}]}}\n",
        notifications.join(",")
    )
}

/// Marks a line of a deal's part that is a notification, not a result.
pub const NOTIFICATION: &str = "!\t";

/// The part of a deal file that could not be assessed: one notification line.
pub fn failed(file: &str, error: &str) -> Result<String> {
    let (line, column) = crate::input::diagnostic::located(error, file).unwrap_or((1, 1));
    let notification = json!({
        "level": "error",
        "message": {"text": format!("The deal file could not be assessed: {}", super::clean(error))},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": uri(file)},
                "region": {"startLine": line, "startColumn": column},
            },
        }],
        "descriptor": {"id": "dealrisk/unreadable-deal"},
    });
    Ok(format!("{NOTIFICATION}{}\n", serde_json::to_string(&notification)?))
}

/// A rule index not yet known: results written before the last deal is assessed carry it,
/// and it is replaced by the rule's place among every finding's rules when the log is done.
pub const UNKNOWN_INDEX: usize = usize::MAX;

/// The text `UNKNOWN_INDEX` takes in a result, and the text of a known index.
pub fn index_text(index: usize) -> String {
    format!("\"ruleIndex\":{index}")
}

/// One deal's results, a line each: its rule and title as a JSON pair, a tab, the result
/// with `UNKNOWN_INDEX` as its rule index (a JSON text holds no raw tab or line break).
pub fn results(r: &Report, pack: &RulePack, threshold: &Threshold) -> Result<String> {
    let mut out = String::new();
    for f in r.reported_findings() {
        out.push_str(&serde_json::to_string(&(&f.rule, &f.title))?);
        out.push('\t');
        out.push_str(&serde_json::to_string(&result(r, f, UNKNOWN_INDEX, pack, threshold))?);
        out.push('\n');
    }
    Ok(out)
}

/// A line of `results`: the rule, its title, the result.
pub fn split_line(line: &str) -> Result<(String, String, &str)> {
    let (pair, result) = line
        .split_once('\t')
        .ok_or_else(|| anyhow::anyhow!("a SARIF result line without its rule"))?;
    let (rule, title): (String, String) = serde_json::from_str(pair)?;
    Ok((rule, title, result))
}

/// The rule as code-scanning UIs show it: title, rationale, what to do, references.
pub fn descriptor(rule: &str, title: &str, pack: &RulePack) -> Value {
    let Ok(e) = crate::render::explain::explain(pack, rule) else {
        return json!({"id": rule, "shortDescription": {"text": title}});
    };
    let references: String = e.references.iter().map(|r| format!("\n- {r}")).collect();
    let text = format!(
        "{}\n\nWhat to do: {}\n\nFires when: {}\n\nReferences:{references}",
        e.rationale, e.recommendation, e.fires_when
    );
    let markdown = format!(
        "**{}**\n\n{}\n\n**What to do:** {}\n\n**Fires when:** {}\n\n**References:**{references}\n\nMore: `dealrisk explain {}`",
        e.title, e.rationale, e.recommendation, e.fires_when, e.id
    );
    let mut tags = vec![e.area.clone(), e.problem.clone()];
    tags.dedup();
    json!({
        "id": e.id,
        "name": pascal_case(&e.title),
        "shortDescription": {"text": e.title},
        "fullDescription": {"text": e.rationale},
        "help": {"text": text, "markdown": markdown},
        "properties": {"tags": tags, "blocking": e.blocking},
    })
}

fn result(r: &Report, f: &Finding, rule_index: usize, pack: &RulePack, threshold: &Threshold) -> Value {
    let level = match threshold.level(f, pack) {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Note => "note",
    };
    let mut message = format!(
        "{}: {}. Residual risk {} (severity {} × likelihood {}); alone it would make the deal {} ({}).",
        f.title,
        f.message.trim_end_matches('.'),
        f.residual_risk,
        f.residual_severity,
        f.residual_likelihood,
        f.alone.band,
        f.alone.score
    );
    // Every alert of a deal says how deals like it ended: an alert is read on its own.
    if !r.precedents.is_empty() {
        let like: Vec<String> = r
            .precedents
            .iter()
            .map(|p| format!("{} ({}, {})", p.title, p.label.name(), p.year))
            .collect();
        message.push_str(&format!(
            " Deals like this one: {}; `dealrisk precedents {}` says what happened.",
            like.join("; "),
            r.file
        ));
    }
    let location = f.location.as_ref();
    let mut result = json!({
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": level,
        "message": {"text": message},
        "locations": [{
            "physicalLocation": {
                "artifactLocation": {"uri": uri(&r.file)},
                "region": {
                    "startLine": location.map_or(1, |l| l.line),
                    "startColumn": location.map_or(1, |l| l.column),
                },
            },
            "logicalLocations": [{"name": location.map_or("", |l| l.path.as_str()), "kind": "member"}],
        }],
        // Stable across edits that move lines: the deal file and the rule.
        "partialFingerprints": {"dealrisk/v1": format!("{}:{}", r.file, f.rule)},
        "properties": {
            "deal": r.deal.id,
            "area": f.area,
            "problem": f.problem,
            "harms": f.harms,
            "blocking": f.blocking,
            "severity": f.residual_severity,
            "likelihood": f.residual_likelihood,
            "residual_risk": f.residual_risk,
            "inherent_risk": f.inherent_risk,
            "points": f.points,
            // As the JSON report writes them (docs/report-json.md).
            "precedents": r.precedents,
        },
    });
    if let Some(w) = &f.waived {
        result["suppressions"] = json!([{
            "kind": "external",
            "status": "accepted",
            "justification": format!("{} (owner: {}; expires {}; {})", w.reason, w.owner, w.expires, w.source),
        }]);
    }
    if let Some(state) = &f.baseline {
        result["baselineState"] = json!(if state == "worse" { "updated" } else { state.as_str() });
    }
    result
}

/// A file path as a URI: a relative reference with `/` separators, or for an absolute path a
/// `file://` URI (SARIF wants absolute URIs or relative ones), reserved characters escaped.
fn uri(file: &str) -> String {
    let path = file.replace('\\', "/");
    let drive = cfg!(windows)
        && path.as_bytes().get(1) == Some(&b':')
        && path.as_bytes().first().is_some_and(u8::is_ascii_alphabetic);
    let mut out = match (path.starts_with('/'), drive) {
        (true, _) => "file://".to_string(),
        (false, true) => "file:///".to_string(),
        (false, false) => String::new(),
    };
    for (i, c) in path.chars().enumerate() {
        if drive && i == 1 {
            out.push(':');
            continue;
        }
        match c {
            'A'..='Z' | 'a'..='z' | '0'..='9' | '-' | '.' | '_' | '~' | '/' => out.push(c),
            c => {
                let mut buf = [0; 4];
                for byte in c.encode_utf8(&mut buf).bytes() {
                    out.push_str(&format!("%{byte:02X}"));
                }
            }
        }
    }
    out
}

/// `Sensitive data repurposed` as `SensitiveDataRepurposed` (SARIF's rule `name`).
fn pascal_case(title: &str) -> String {
    title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars
                .next()
                .map_or(String::new(), |c| c.to_uppercase().chain(chars).collect())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri("deals/a b.toml"), "deals/a%20b.toml");
        assert_eq!(uri("deals\\x#1.toml"), "deals/x%231.toml");
        assert_eq!(uri("é.toml"), "%C3%A9.toml");
        // Absolute paths become file URIs: a bare `/tmp/...` is neither absolute nor relative.
        assert_eq!(uri("/tmp/deal 1.toml"), "file:///tmp/deal%201.toml");
    }

    #[test]
    fn titles_become_names() {
        assert_eq!(pascal_case("Health data, inferred"), "HealthDataInferred");
    }
}
