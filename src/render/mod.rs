//! Output formats. Each renders finished reports and computes nothing.

pub mod csv;
pub mod github;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod summary;
pub mod table;
pub mod worksheet;

/// Removes control characters (terminal escapes) from text taken from a deal file.
pub fn clean(text: &str) -> String {
    text.chars().filter(|c| !c.is_control() || *c == '\n').collect()
}
