//! Text for a terminal, shared by every command that prints one: the width to draw at,
//! colours, deal text made safe and wrapped, and the style of a table.

use crate::model::report::BandRank;
use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};
use std::fmt::Write as _;

/// Width used when stdout is not a terminal and `COLUMNS` is not set, so piped and snapshot
/// output is stable; and when a terminal reports a width too small to hold a table (0 columns
/// would give one character per line).
const PIPED_WIDTH: u16 = 100;

/// Narrowest width a table is drawn at.
const MIN_WIDTH: u16 = 40;

/// The width to draw at: `COLUMNS` when set (as for `ls` and Python's `shutil`), else the
/// terminal's, else `PIPED_WIDTH`; never under `MIN_WIDTH`.
pub fn terminal_width() -> u16 {
    let columns = std::env::var("COLUMNS").ok().and_then(|c| c.trim().parse::<u16>().ok());
    let probe = Table::new();
    let terminal = if probe.is_tty() { probe.width() } else { None };
    match columns.filter(|&c| c > 0).or(terminal.filter(|&w| w > 0)) {
        Some(width) => width.max(MIN_WIDTH),
        None => PIPED_WIDTH,
    }
}

/// Whether stdout takes colour: `--color` (anstream's global choice), else `NO_COLOR`,
/// `CLICOLOR_FORCE` and whether it is a terminal.
pub(super) fn colour() -> bool {
    anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
}

/// `text` in the colour of its band when stdout takes colour: the pack's lowest band green,
/// its top one bold red, the one below the top red, any between yellow.
pub(super) fn in_band_colour(text: &str, rank: BandRank) -> String {
    use anstyle::{AnsiColor, Style};
    if !colour() || rank.of == 0 {
        return text.to_string();
    }
    let colour = |c: AnsiColor| Style::new().fg_color(Some(c.into()));
    let top = rank.of - 1;
    let style = match rank.index {
        i if i >= top => colour(AnsiColor::Red).bold(),
        0 => colour(AnsiColor::Green),
        i if i + 1 == top => colour(AnsiColor::Red),
        _ => colour(AnsiColor::Yellow),
    };
    format!("{style}{text}{style:#}")
}

/// Text that stops a deal (blocking findings) when stdout takes colour: bold red.
pub(super) fn in_blocking_colour(text: &str) -> String {
    use anstyle::{AnsiColor, Style};
    if !colour() {
        return text.to_string();
    }
    let style = Style::new().fg_color(Some(AnsiColor::Red.into())).bold();
    format!("{style}{text}{style:#}")
}

/// Longest run of characters without a space handed to the table's wrapper: comfy-table wraps
/// a long word in time that grows with the square of its length (one 200,000-character word
/// in a deal took minutes), so longer runs are broken here first. No real word, path or
/// quoted value comes near it; at this length the wrapper's cost is a few milliseconds.
const LONGEST_WORD: usize = 500;

/// Deal text for a cell or a line: neutralised (`super::clean`), long words broken.
pub(super) fn clean(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = 0;
    for c in super::clean(text).chars() {
        if c.is_whitespace() {
            run = 0;
        } else {
            if run == LONGEST_WORD {
                out.push('\n');
                run = 0;
            }
            run += 1;
        }
        out.push(c);
    }
    out
}

/// A table in the style of every table dealrisk prints, fitted to `width`.
pub fn table(header: &[&str], width: u16) -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width)
        .set_header(header.to_vec());
    t
}

/// Wraps `text` to the width, every line after the first indented by `indent`.
pub(super) fn wrap(out: &mut String, first: &str, text: &str, indent: usize, width: u16) {
    let text = clean(text).replace('\n', " ");
    if let Some(line) = one_line(first, &text, width) {
        let _ = writeln!(out, "{first}{line}");
        return;
    }
    let indent = " ".repeat(indent);
    let options = textwrap::Options::new(usize::from(width))
        .initial_indent(first)
        .subsequent_indent(&indent);
    for line in textwrap::wrap(&text, options) {
        let _ = writeln!(out, "{line}");
    }
}

/// `text` without its trailing spaces when it fits on the first line after `first`, as
/// `textwrap::wrap` would give it: most of what a report wraps is a line or less, and
/// textwrap's optimal fit was a tenth of rendering the reference case. Printable ASCII only,
/// whose width is its length.
fn one_line<'t>(first: &str, text: &'t str, width: u16) -> Option<&'t str> {
    let line = text.trim_end_matches(' ');
    let printable = |s: &str| s.bytes().all(|b| (b' '..=b'~').contains(&b));
    (!line.is_empty() && printable(line) && printable(first) && first.len() + line.len() <= usize::from(width))
        .then_some(line)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// Whenever the short way answers, its line is the one textwrap gives.
    fn same_as_textwrap(first: &str, text: &str, width: u16) {
        if let Some(line) = super::one_line(first, text, width) {
            let options = textwrap::Options::new(usize::from(width))
                .initial_indent(first)
                .subsequent_indent("   ");
            assert_eq!(
                textwrap::wrap(text, options),
                [format!("{first}{line}")],
                "{first:?} {text:?} {width}"
            );
        }
    }

    #[test]
    fn a_line_that_fits_is_the_line_textwrap_gives() {
        for text in [
            "a",
            " a",
            "a ",
            "a  b",
            "  ",
            "",
            "well-known",
            "x-y z",
            "a\tb",
            "é b",
            "http://x.y/z?a=b",
        ] {
            for first in ["", "from: ", "   what happened: "] {
                for width in 1..30 {
                    same_as_textwrap(first, text, width);
                }
            }
        }
        assert_eq!(super::one_line("to:   ", "a b  ", 9), Some("a b"));
        assert_eq!(super::one_line("to:   ", "a b c", 9), None);
    }

    proptest! {
        #![proptest_config(crate::proptest_config())]
        #[test]
        fn any_text_that_fits_is_the_line_textwrap_gives(
            first in "[ a-z:]{0,8}",
            text in "[ -~é\t]{0,60}",
            width in 1u16..80,
        ) {
            same_as_textwrap(&first, &text, width);
        }
    }
}
