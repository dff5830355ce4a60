//! `--format json`: the reports as one stable JSON document (docs/report-json.md).

use crate::report::{Report, SCHEMA_VERSION};
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
    let doc = Document {
        schema_version: SCHEMA_VERSION,
        tool: "dealrisk",
        tool_version: env!("CARGO_PKG_VERSION"),
        rule_files,
        reports,
    };
    Ok(serde_json::to_string_pretty(&doc)? + "\n")
}
