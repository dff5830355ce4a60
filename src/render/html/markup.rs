//! The pieces of the HTML page: escaping, code spans, band colours, bar charts and the style
//! sheet.

use crate::model::report::Finding;
use crate::render::clean;
use std::fmt::Write as _;

/// Escapes text for HTML element content and attribute values.
pub(super) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in clean(text).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

pub(super) const STYLE: &str = "
body { font: 15px/1.45 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; color: #1d232a; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #d0d7de; }
.verdict { font-size: 1.3rem; padding: .8rem 1rem; border-radius: 6px; margin: 1rem 0; }
.band-low { background: #dff3e4; } .band-medium { background: #fff4ce; } .band-high { background: #ffe1c7; } .band-critical { background: #ffd6d6; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; } th, td { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid #e4e8ec; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
.muted { color: #57606a; } .caveat { font-style: italic; color: #57606a; } .blocking { color: #a40e26; font-weight: 600; }
ol li { margin-bottom: .5rem; } svg text { font: 12px system-ui, sans-serif; fill: #1d232a; }
@media print { body { margin: 0; max-width: none; font-size: 11pt; } h2 { break-after: avoid; } tr, svg, li { break-inside: avoid; } thead { display: table-header-group; } p, li { orphans: 3; widows: 3; } article + article { break-before: page; } }
@page { size: A4; margin: 15mm 15mm 18mm; @bottom-right { content: \"page \" counter(page) \" of \" counter(pages); font: 9pt system-ui, sans-serif; color: #57606a; } }
";

/// Escaped text whose `quoted` names (a dataset, a field) are set as code, as the Markdown
/// report shows them, rather than printed with their backticks.
pub(super) fn code_spans(text: &str) -> String {
    let parts: Vec<&str> = text.split('`').collect();
    if parts.len().is_multiple_of(2) {
        // An odd number of backticks pairs nothing safely: the text as it is.
        return esc(text);
    }
    parts
        .iter()
        .enumerate()
        .map(|(i, part)| match i % 2 {
            0 => esc(part),
            _ => format!("<code>{}</code>", esc(part)),
        })
        .collect()
}

/// Colours for the default pack's bands; a client pack's own band ids are drawn grey.
pub(super) fn band_colour(band: &str) -> &'static str {
    match band {
        "low" => "#4c9a5f",
        "medium" => "#d4a017",
        "high" => "#e07b24",
        "critical" => "#c0392b",
        _ => "#6e7781",
    }
}

/// A horizontal bar chart: one labelled bar per row, 0-100.
pub(super) fn bars(rows: &[(String, u32, &str)], caption: &str) -> String {
    let (label_w, bar_w, row_h) = (240, 420, 24);
    let height = rows.len() as u32 * row_h + 10;
    let mut svg = format!(
        "<svg role=\"img\" aria-label=\"{}\" viewBox=\"0 0 {} {height}\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\">\n",
        esc(caption),
        label_w + bar_w + 50
    );
    for (i, (label, value, band)) in rows.iter().enumerate() {
        let y = i as u32 * row_h + 5;
        let w = bar_w * (*value).min(100) / 100;
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>\
             <rect x=\"{label_w}\" y=\"{y}\" width=\"{bar_w}\" height=\"{}\" fill=\"#eef1f4\"/>\
             <rect x=\"{label_w}\" y=\"{y}\" width=\"{w}\" height=\"{}\" fill=\"{}\"/>\
             <text x=\"{}\" y=\"{}\">{value}</text>",
            label_w - 8,
            y + 15,
            esc(label),
            row_h - 6,
            row_h - 6,
            band_colour(band),
            label_w + w + 6,
            y + 15
        );
    }
    svg.push_str("</svg>\n");
    svg
}

pub(super) fn harms(f: &Finding) -> String {
    f.harms
        .iter()
        .map(|h| h.replace('-', " "))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::{code_spans, esc};

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn quoted_names_are_set_as_code_and_everything_is_escaped() {
        assert_eq!(
            code_spans("seen in dataset `loyalty<tx>`: 5% of `card_id`"),
            "seen in dataset <code>loyalty&lt;tx&gt;</code>: 5% of <code>card_id</code>"
        );
        assert_eq!(code_spans("a lone ` stays"), "a lone ` stays");
    }
}
