//! Located error messages for deal and rule files: file, line, column, field, what was
//! expected and the nearest valid value, in one format whatever found the problem.

use std::fmt::Write as _;
use std::ops::Range;
use std::path::Path;

/// The valid value nearest to `value`, if one is close enough to be a likely typo.
pub fn nearest<'a>(value: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let wanted = value.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&wanted, &c.to_lowercase()), c))
        .filter(|(similarity, _)| *similarity >= 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, c)| c)
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = source.get(..offset).unwrap_or(source);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

/// The line starts of a text, found once, to locate many offsets in it: a file of thousands
/// of waivers is then read in time linear in its size, not in the square of it.
pub struct LineIndex<'a> {
    source: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(source: &'a str) -> LineIndex<'a> {
        let starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { source, starts }
    }

    /// As `line_col`, reading only the offset's own line.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.source.len());
        let line = self.starts.partition_point(|&start| start <= offset);
        let start = self.starts[line - 1];
        let column = self.source.get(start..offset).map_or(1, |s| s.chars().count() + 1);
        (line, column)
    }
}

/// The line and column an error message gives for `file` (`file:12:5: ...`, as `at_span`
/// writes them), for outputs that place an error in the file (SARIF, GitHub annotations).
pub fn located(message: &str, file: &str) -> Option<(usize, usize)> {
    let rest = message
        .lines()
        .find_map(|line| line.strip_prefix(file)?.strip_prefix(':'))?;
    let mut numbers = rest.splitn(3, ':');
    let line = numbers.next()?.parse().ok()?;
    let column = numbers.next()?.split(' ').next()?.parse().ok()?;
    Some((line, column))
}

/// Renders one error at a span of a file, with the line quoted and the span underlined.
pub fn at_span(file: &Path, source: &str, span: Option<Range<usize>>, message: &str) -> String {
    let Some(span) = span else {
        return format!("{}: {message}", file.display());
    };
    let (line, column) = line_col(source, span.start);
    let mut out = String::new();
    let mut field = field_at(source, span.start);
    // serde names the missing field; the span is the table that lacks it.
    if let (Some(table), Some(missing)) = (&field, message.strip_prefix("missing field `")) {
        field = Some(format!("{table}.{}", missing.split('`').next().unwrap_or("")));
    }
    let field = field.map(|f| format!(" (field `{f}`)")).unwrap_or_default();
    let _ = writeln!(out, "{}:{line}:{column}{field}: {message}", file.display());
    if let Some(text) = source.lines().nth(line - 1) {
        let width = source
            .get(span.clone())
            .map_or(1, |s| s.lines().next().unwrap_or("").chars().count().max(1));
        let (excerpt, caret, width) = excerpt(text, column - 1, width);
        let gutter = line.to_string().len();
        let _ = writeln!(out, "{} |", " ".repeat(gutter));
        let _ = writeln!(out, "{line} | {excerpt}");
        let _ = write!(
            out,
            "{} | {}{}",
            " ".repeat(gutter),
            " ".repeat(caret),
            "^".repeat(width)
        );
    }
    out
}

/// Characters of the quoted line shown on each side of the error: enough to find the place,
/// bounded so that a minified or hostile file cannot fill a terminal or a CI log.
const CONTEXT: usize = 60;

/// The part of `line` around character `column` (0-based) that is quoted, with `…` where it
/// was cut, where its underline starts and how wide it is. A tab becomes a space, and other
/// control and bidirectional-override characters `�`, one for one, so that the underline stays
/// aligned and nothing in the file can move a terminal's cursor or reorder what it shows.
fn excerpt(line: &str, column: usize, width: usize) -> (String, usize, usize) {
    let chars: Vec<char> = line.chars().collect();
    let column = column.min(chars.len());
    let start = column.saturating_sub(CONTEXT);
    let end = chars.len().min(column + width.min(CONTEXT) + CONTEXT);
    let mut text: String = if start > 0 { "…".into() } else { String::new() };
    text.extend(chars[start..end].iter().map(|&c| match c {
        '\t' => ' ',
        c if is_unsafe(c) => '\u{fffd}',
        c => c,
    }));
    if end < chars.len() {
        text.push('…');
    }
    let caret = column - start + usize::from(start > 0);
    (text, caret, width.min(end.saturating_sub(column)).max(1))
}

/// `text` with every character a terminal would act on shown as `�`, line breaks kept.
pub fn neutralise(text: &str) -> String {
    text.chars()
        .map(|c| if c != '\n' && is_unsafe(c) { '\u{fffd}' } else { c })
        .collect()
}

/// Prints one message on stderr, neutralised: deal files, packs, waivers and command lines
/// are input from anyone, and an escape sequence in one (OSC 52 writes the clipboard) must
/// not reach the terminal or CI log of whoever runs dealrisk.
pub fn warn(message: std::fmt::Arguments) {
    eprintln!("{}", neutralise(&message.to_string()));
}

/// Characters that a terminal acts on rather than shows: C0 and C1 controls, and the Unicode
/// marks that reorder text (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' | '\u{200e}' | '\u{200f}' | '\u{061c}')
}

/// Adds "did you mean" to serde's "unknown variant/field `x`, expected one of `a`, `b`" messages.
pub fn with_suggestion(message: &str) -> String {
    let Some(found) = backticked(message).next() else {
        return message.to_string();
    };
    let Some(expected_at) = message.find("expected") else {
        return message.to_string();
    };
    let candidates: Vec<&str> = backticked(&message[expected_at..]).collect();
    match nearest(found, candidates) {
        Some(best) if best != found => format!("{message}; did you mean `{best}`?"),
        _ => message.to_string(),
    }
}

fn backticked(text: &str) -> impl Iterator<Item = &str> {
    text.split('`').skip(1).step_by(2)
}

/// The dotted path of the field at `offset`: the key written on that line under its nearest
/// table header (`datasets[1].people`), or the table itself when the line is a header.
fn field_at(source: &str, offset: usize) -> Option<String> {
    let before = source.get(..offset)?;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = source[line_start..].lines().next().unwrap_or("");
    if line.trim_start().starts_with('[') {
        return Some(table_name(&source[..line_start], line.trim()));
    }
    let key = line
        .split_once('=')
        .map(|(k, _)| k.trim().trim_matches('"'))
        .filter(|k| !k.is_empty())?;
    let header = before[..line_start]
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['));
    Some(match header {
        Some(h) => {
            let header_start = before[..line_start].rfind(h).unwrap_or(0);
            format!("{}.{key}", table_name(&source[..header_start], h))
        }
        None => key.to_string(),
    })
}

/// `[name]` as `name`; `[[name]]` as `name[i]`, counting the `[[name]]` headers before it.
fn table_name(before: &str, header: &str) -> String {
    let name = header.trim_matches(|c| c == '[' || c == ']').trim();
    if header.starts_with("[[") {
        let index = before.lines().filter(|l| l.trim() == header).count();
        format!("{name}[{index}]")
    } else {
        name.to_string()
    }
}

/// Parses TOML into `T`, turning the parser's error into a located message.
pub fn parse_toml<T: serde::de::DeserializeOwned>(file: &Path, source: &str) -> anyhow::Result<T> {
    toml::from_str(source).map_err(|e| {
        let message = with_suggestion(e.message().trim_end());
        anyhow::anyhow!(at_span(file, source, e.span(), &message))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_where_an_error_is_located() {
        let m = "deals/a.toml:12:5 (field `use.automated`): unknown variant `sole`\n   |";
        assert_eq!(located(m, "deals/a.toml"), Some((12, 5)));
        assert_eq!(located("deals/a.toml:3:1: expected `=`", "deals/a.toml"), Some((3, 1)));
        assert_eq!(located("deals/a.toml: cannot be read", "deals/a.toml"), None);
        assert_eq!(located("deals/b.toml:3:1: expected `=`", "deals/a.toml"), None);
    }

    #[test]
    fn suggests_the_nearest_variant() {
        let m = "unknown variant `opt_in`, expected one of `none`, `opt-out`, `opt-in`";
        assert!(with_suggestion(m).ends_with("did you mean `opt-in`?"));
    }

    #[test]
    fn no_suggestion_for_unrelated_value() {
        let m = "unknown variant `zzz`, expected one of `none`, `opt-out`";
        assert_eq!(with_suggestion(m), m);
    }

    #[test]
    fn names_fields_of_arrays_of_tables_by_index() {
        let source = "[[datasets]]\nid = \"a\"\n[[datasets]]\nid = \"b\"\npeople = 1\n";
        let offset = source.find("people").unwrap();
        assert_eq!(field_at(source, offset).as_deref(), Some("datasets[1].people"));
    }

    #[test]
    fn line_and_column_count_characters() {
        assert_eq!(line_col("a = 1\nbé = 2", 10), (2, 4));
        let source = "a = 1\nbé = 2\n\nc";
        let index = LineIndex::new(source);
        for offset in [0, 3, 5, 6, 10, 13, 14, 15, 99] {
            assert_eq!(index.line_col(offset), line_col(source, offset), "offset {offset}");
        }
    }

    #[test]
    fn a_long_line_is_quoted_around_the_error_only() {
        let line = format!("x = \"{}\" junk", "a".repeat(100_000));
        let message = at_span(
            Path::new("deal.toml"),
            &line,
            Some(100_007..100_011),
            "expected newline",
        );
        assert!(
            message.starts_with("deal.toml:1:100008 (field `x`): expected newline"),
            "{message}"
        );
        let lines: Vec<&str> = message.lines().collect();
        assert!(lines.iter().all(|l| l.chars().count() < 200), "{message}");
        // The underline sits under `junk`.
        let quoted = lines[2].split_once(" | ").unwrap().1;
        let underline = lines[3].split_once(" | ").unwrap().1;
        let at = underline.find('^').unwrap();
        let quoted_at: String = quoted.chars().skip(at).take(4).collect();
        assert_eq!(quoted_at, "junk", "{message}");
    }

    #[test]
    fn a_tab_is_quoted_as_a_space_and_the_underline_stays_under_the_error() {
        let source = "\tconsent = \"opt_in\"";
        let message = at_span(Path::new("d.toml"), source, Some(11..19), "unknown variant");
        let lines: Vec<&str> = message.lines().collect();
        assert_eq!(lines[2], "1 |  consent = \"opt_in\"");
        assert_eq!(lines[3], "  |            ^^^^^^^^");
    }

    #[test]
    fn control_and_bidi_characters_are_never_quoted() {
        let source = "title = \"\u{1b}]52;c;aGk=\u{7}\u{202e}x\" 1";
        let message = at_span(Path::new("d.toml"), source, Some(source.len() - 1..source.len()), "bad");
        assert!(message.lines().all(|l| !l.chars().any(is_unsafe)), "{message:?}");
    }
}
