//! The problems found in a pack, each located at the line and column of its record or field
//! in the rule file it came from.

use crate::input::diagnostic::{at_span, nearest};
use crate::pack::rule_pack::RulePack;
use std::ops::Range;
use std::path::Path;

/// Span of `id = "ID"` in a rule file: where a record starts.
pub fn find_record(text: &str, id: &str) -> Option<Range<usize>> {
    let quoted = format!("\"{id}\"");
    let mut from = 0;
    while let Some(i) = text[from..].find(&quoted) {
        let at = from + i;
        let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
        let head = text[line_start..at].trim();
        if head.starts_with("id") && head.ends_with('=') {
            return Some(at..at + quoted.len());
        }
        from = at + quoted.len();
    }
    None
}

/// Span of the value of `field` inside the record whose id is `id`.
fn find_field(text: &str, id: &str, field: &str) -> Option<Range<usize>> {
    let start = find_record(text, id)?;
    let record_start = text[..start.start].rfind("[[").unwrap_or(0);
    let record_end = text[start.end..].find("[[").map_or(text.len(), |n| start.end + n);
    let record = &text[record_start..record_end];
    record
        .lines()
        .scan(record_start, |offset, line| {
            let here = *offset;
            *offset += line.len() + 1;
            Some((here, line))
        })
        .find_map(|(offset, line)| {
            let (key, value) = line.split_once('=')?;
            (key.trim() == field).then(|| {
                let value_start = offset + key.len() + 1 + (value.len() - value.trim_start().len());
                value_start..offset + line.trim_end().len()
            })
        })
}

pub(super) struct Problems<'a> {
    pub(super) pack: &'a RulePack,
    pub(super) found: Vec<String>,
}

impl Problems<'_> {
    pub(super) fn at(&mut self, section: &'static str, id: &str, field: &str, message: String) {
        self.at_text(section, id, field, None, message);
    }

    /// Like `at`, pointing at `needle` within the field's value when it is written there.
    pub(super) fn at_text(
        &mut self,
        section: &'static str,
        id: &str,
        field: &str,
        needle: Option<&str>,
        message: String,
    ) {
        let file = self
            .pack
            .origins
            .get(&(section, id.to_string()))
            .cloned()
            .unwrap_or_default();
        let text = self.pack.sources.get(&file).map_or("", String::as_str);
        let mut span = find_field(text, id, field).or_else(|| find_record(text, id));
        if let (Some(field_span), Some(needle)) = (&span, needle)
            && let Some(i) = text.get(field_span.clone()).and_then(|v| v.find(needle))
        {
            span = Some(field_span.start + i..field_span.start + i + needle.len());
        }
        self.found.push(at_span(Path::new(&file), text, span, &message));
    }

    /// Reports `value` unless it is one of `known`, suggesting the nearest.
    pub(super) fn reference<'k>(
        &mut self,
        section: &'static str,
        id: &str,
        field: &str,
        what: &str,
        value: &str,
        known: impl IntoIterator<Item = &'k str> + Clone,
    ) {
        if known.clone().into_iter().any(|k| k == value) {
            return;
        }
        let hint = nearest(value, known)
            .map(|n| format!("; did you mean `{n}`?"))
            .unwrap_or_default();
        self.at(
            section,
            id,
            field,
            format!("unknown {what} `{value}` in {section} `{id}`{hint}"),
        );
    }
}
