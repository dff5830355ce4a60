//! `--format json`: the reports as one stable JSON document (docs/report-json.md), written
//! deal by deal: the document's head, each report as it is done, its tail.

use crate::model::report::{Report, SCHEMA_VERSION};
use serde::Serialize;

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    tool: &'static str,
    tool_version: &'static str,
    rule_files: &'a [String],
    reports: &'a [Report],
}

pub fn render(reports: &[Report], rule_files: &[String]) -> anyhow::Result<String> {
    let mut out = head(rule_files)?;
    for (i, report) in reports.iter().enumerate() {
        out.push_str(separator(i == 0));
        out.push_str(&item(report)?);
    }
    out.push_str(tail(!reports.is_empty()));
    Ok(out)
}

/// The document up to the opening bracket of `reports`.
pub fn head(rule_files: &[String]) -> anyhow::Result<String> {
    let doc = Document {
        schema_version: SCHEMA_VERSION,
        tool: "dealrisk",
        tool_version: env!("CARGO_PKG_VERSION"),
        rule_files,
        reports: &[],
    };
    let empty = serde_json::to_string_pretty(&doc)?;
    empty
        .strip_suffix("]\n}")
        .map(str::to_string)
        .ok_or_else(|| anyhow::anyhow!("the JSON document does not end with its reports"))
}

/// What comes before an element of `reports`.
pub fn separator(first: bool) -> &'static str {
    if first { "\n" } else { ",\n" }
}

/// One report as an element of `reports`, pretty-printed at its depth (two levels, four
/// spaces: a JSON text holds no raw line break, so every line is one of the report's).
pub fn item(report: &Report) -> anyhow::Result<String> {
    let text = serde_json::to_string_pretty(report)?;
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str("    ");
        out.push_str(line);
    }
    Ok(out)
}

/// The rest of the document once every report is written.
pub fn tail(any: bool) -> &'static str {
    if any { "\n  ]\n}\n" } else { "]\n}\n" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_in_parts_it_is_the_document_pretty_printed_whole() {
        let pack = crate::pack::RulePack::load(&[]).expect("default pack loads");
        let text = crate::input::templates::Template::RetailerToInsurer.text();
        let deal: crate::model::deal::Deal = toml::from_str(text).expect("the template parses");
        let report = crate::engine::assess::assess("t.toml", &deal, &pack).expect("assesses");
        let files = ["a.toml".to_string()];
        for reports in [vec![], vec![report.clone()], vec![report.clone(), report]] {
            let doc = Document {
                schema_version: SCHEMA_VERSION,
                tool: "dealrisk",
                tool_version: env!("CARGO_PKG_VERSION"),
                rule_files: &files,
                reports: &reports,
            };
            let whole = serde_json::to_string_pretty(&doc).expect("serialises") + "\n";
            assert_eq!(render(&reports, &files).expect("renders"), whole);
        }
    }
}
