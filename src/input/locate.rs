//! Where a deal field is written: the line and column of a path such as
//! `datasets[0].categories` in the deal file, so code-scanning annotations point at the field
//! that made a rule fire.

use crate::model::report::{Location, Report};
use std::ops::Range;
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Fills each finding's `location` from the first field it cites. A field the file leaves out
/// (a default) is located at the nearest table that holds it, then at line 1.
pub fn locate_findings(source: &str, report: &mut Report) {
    let Ok(document) = DeTable::parse(source) else {
        return;
    };
    for finding in &mut report.findings {
        let path = finding.why.first().map_or("", |c| c.path.as_str());
        let span = locate(document.get_ref(), path).unwrap_or(0..0);
        let (line, column) = crate::input::diagnostic::line_col(source, span.start);
        finding.location = Some(Location {
            path: path.to_string(),
            line,
            column,
        });
    }
}

/// The line and column where the field at `path` is written (or its nearest enclosing field).
pub fn position(source: &str, path: &str) -> Option<(usize, usize)> {
    let document = DeTable::parse(source).ok()?;
    let span = locate(document.get_ref(), path)?;
    Some(crate::input::diagnostic::line_col(source, span.start))
}

/// The span of the key written for `path`, or of the deepest enclosing field the file has.
fn locate(table: &DeTable, path: &str) -> Option<Range<usize>> {
    let mut found = None;
    let mut current: Option<&Spanned<DeValue>> = None;
    for segment in segments(path) {
        let next = match (segment, current.map(Spanned::get_ref)) {
            (Segment::Key(key), None) => entry(table, key),
            (Segment::Key(key), Some(DeValue::Table(t))) => entry(t, key),
            (Segment::Index(i), Some(DeValue::Array(items))) => items.get(i).map(|v| (v.span(), v)),
            _ => None,
        };
        let Some((span, value)) = next else { break };
        found = Some(span);
        current = Some(value);
    }
    found
}

fn entry<'a, 'i>(table: &'a DeTable<'i>, key: &str) -> Option<(Range<usize>, &'a Spanned<DeValue<'i>>)> {
    table
        .iter()
        .find(|(k, _)| k.get_ref().as_ref() == key)
        .map(|(k, v)| (k.span(), v))
}

#[derive(Debug, PartialEq)]
enum Segment<'a> {
    Key(&'a str),
    Index(usize),
}

/// `datasets[0].categories` as `datasets`, `0`, `categories`.
fn segments(path: &str) -> impl Iterator<Item = Segment<'_>> {
    path.split('.').filter(|p| !p.is_empty()).flat_map(|part| {
        let mut pieces = part.split('[');
        let key = pieces.next().filter(|k| !k.is_empty()).map(Segment::Key);
        key.into_iter()
            .chain(pieces.filter_map(|p| p.trim_end_matches(']').parse().ok().map(Segment::Index)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_of(source: &str, path: &str) -> Option<(usize, usize)> {
        let document = DeTable::parse(source).unwrap();
        locate(document.get_ref(), path).map(|s| crate::input::diagnostic::line_col(source, s.start))
    }

    const DEAL: &str =
        "[use]\npurposes = [\"a\"]\n\n[[datasets]]\nid = \"x\"\n\n[[datasets]]\nid = \"y\"\n  categories = [\"c\"]\n";

    #[test]
    fn finds_keys_in_arrays_of_tables() {
        assert_eq!(line_of(DEAL, "datasets[1].categories"), Some((9, 3)));
        assert_eq!(line_of(DEAL, "use.purposes"), Some((2, 1)));
    }

    #[test]
    fn falls_back_to_the_enclosing_field() {
        // `datasets[0]` has no categories: the element itself is the nearest place.
        assert_eq!(line_of(DEAL, "datasets[0].categories").map(|l| l.0), Some(4));
        assert_eq!(line_of(DEAL, "use.decisions"), Some((1, 2)));
        assert_eq!(line_of(DEAL, "nowhere"), None);
    }

    #[test]
    fn splits_paths() {
        let s: Vec<_> = segments("a[2].b").collect();
        assert_eq!(s, vec![Segment::Key("a"), Segment::Index(2), Segment::Key("b")]);
    }
}
