//! What reveals a category in data: the pack's keywords (matched in text cells), field words
//! (matched in column names and dictionary descriptions) and value shapes (whole cells), built
//! once into automata. A category is a bit of a `Mask`.

use crate::pack::model::{Category, ValueShape};
use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use anyhow::{Context as _, Result, bail};
use regex::{Regex, RegexSet};
use std::collections::BTreeMap;

/// One bit per category, in `Lexicon::categories` order.
pub type Mask = u64;

/// Most sensitive categories a pack may define: the evidence scan keeps a row's categories
/// as the bits of one 64-bit mask.
pub const MAX_CATEGORIES: usize = 64;

pub struct Lexicon {
    /// Category ids, bit i of a mask being categories[i].
    pub categories: Vec<String>,
    keywords: AhoCorasick,
    /// For each keyword pattern: its category's bit and whether it must sit on word boundaries.
    keyword_meta: Vec<(u32, bool)>,
    /// Field words, normalised (`normalise_field`): one automaton over the distinct words, and
    /// the categories each reveals. Trying every word on every name in turn was a tenth of a
    /// portfolio's cpu.
    field_words: AhoCorasick,
    field_masks: Vec<Mask>,
    pub shapes: Vec<Shape>,
    /// The shapes' patterns as one set, by index: a cell is matched against all of them in
    /// one pass (seven searches per cell of a sample's first rows were a fifth of a small
    /// sample's scan).
    shape_set: RegexSet,
    /// Each category's keywords, lowercase, with whether they sit on word boundaries (for the
    /// scan written as SQL).
    pub keywords_by_category: Vec<Vec<(String, bool)>>,
}

impl std::fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Lexicon({} categories)", self.categories.len())
    }
}

pub struct Shape {
    pub id: String,
    pub category: u32,
    pub regex: Regex,
}

impl Lexicon {
    /// The pack's signals: keywords, field words and value shapes of every category, the
    /// categories in the pack's order (by id).
    pub fn new(
        pack_categories: &BTreeMap<String, Category>,
        value_shapes: &BTreeMap<String, ValueShape>,
    ) -> Result<Lexicon> {
        let categories: Vec<String> = pack_categories.keys().cloned().collect();
        // Every pack load refuses more, at the category's line; this guards the mask itself.
        if categories.len() > MAX_CATEGORIES {
            bail!(
                "the evidence scan handles at most {MAX_CATEGORIES} categories; the pack has {}",
                categories.len()
            );
        }
        let mut patterns = Vec::new();
        let mut meta = Vec::new();
        let mut fields = Vec::new();
        for (bit, c) in pack_categories.values().enumerate() {
            for k in &c.signals.keywords {
                patterns.push(k.to_lowercase());
                meta.push((bit as u32, c.signals.word_boundary));
            }
            for f in &c.signals.fields {
                fields.push((normalise_field(f), bit as u32));
            }
        }
        let mut shapes = Vec::new();
        for s in value_shapes.values() {
            let Some(bit) = categories.iter().position(|c| *c == s.category) else {
                continue;
            };
            let regex = Regex::new(&s.pattern).with_context(|| format!("value shape `{}`: bad pattern", s.id))?;
            shapes.push(Shape {
                id: s.id.clone(),
                category: bit as u32,
                regex,
            });
        }
        Self::build(categories, patterns, meta, fields, shapes)
    }

    /// A plain keyword list (one per line, `#` comments; a `# --- name` line starts the group
    /// `name`), matched as case-insensitive substrings: the benchmark's list, or a client's.
    pub fn from_keyword_file(path: &std::path::Path) -> Result<Lexicon> {
        let text = crate::input::read_text(path, "keyword list")?;
        let mut categories: Vec<String> = Vec::new();
        let mut patterns = Vec::new();
        let mut meta = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if let Some(group) = line.strip_prefix("# ---") {
                let name = group.trim().split(['/', ' ']).next().unwrap_or("").to_string();
                categories.push(if name.is_empty() {
                    format!("group-{}", categories.len() + 1)
                } else {
                    name
                });
                continue;
            }
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if categories.is_empty() {
                categories.push("keywords".to_string());
            }
            patterns.push(line.to_lowercase());
            meta.push(((categories.len() - 1) as u32, false));
        }
        if patterns.is_empty() {
            bail!("{}: no keywords (one per line; `#` starts a comment)", path.display());
        }
        if categories.len() > 64 {
            bail!(
                "{}: at most 64 `# ---` groups, found {}",
                path.display(),
                categories.len()
            );
        }
        Self::build(categories, patterns, meta, Vec::new(), Vec::new())
    }

    fn build(
        categories: Vec<String>,
        patterns: Vec<String>,
        keyword_meta: Vec<(u32, bool)>,
        fields: Vec<(String, u32)>,
        shapes: Vec<Shape>,
    ) -> Result<Lexicon> {
        let keywords = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .context("cannot build the keyword automaton")?;
        let mut keywords_by_category = vec![Vec::new(); categories.len()];
        for (pattern, (bit, word)) in patterns.iter().zip(&keyword_meta) {
            keywords_by_category[*bit as usize].push((pattern.clone(), *word));
        }
        let mut by_word: std::collections::BTreeMap<String, Mask> = std::collections::BTreeMap::new();
        // An empty word would match everywhere; `rules lint` refuses it.
        for (word, bit) in fields.into_iter().filter(|(word, _)| !word.is_empty()) {
            *by_word.entry(word).or_default() |= 1 << bit;
        }
        let field_words = AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .build(by_word.keys())
            .context("cannot build the field-word automaton")?;
        let shape_set =
            RegexSet::new(shapes.iter().map(|s| s.regex.as_str())).context("cannot build the value-shape set")?;
        Ok(Lexicon {
            categories,
            keywords,
            keyword_meta,
            field_words,
            field_masks: by_word.into_values().collect(),
            shapes,
            shape_set,
            keywords_by_category,
        })
    }

    /// The shapes (by index) a whole cell has.
    pub fn shapes_of(&self, cell: &str) -> impl Iterator<Item = usize> {
        self.shape_set.matches(cell).into_iter()
    }

    /// The categories whose keywords a text cell holds. Case-insensitive for all of Unicode
    /// (non-ASCII text is lowercased first); word-boundary keywords must not touch a letter or
    /// digit on either side ("rum" is not in "drumsticks").
    pub fn classify_text(&self, text: &str) -> Mask {
        if text.is_ascii() {
            self.matches(text)
        } else {
            self.matches(&text.to_lowercase())
        }
    }

    fn matches(&self, text: &str) -> Mask {
        let mut mask = 0;
        for m in self.keywords.find_overlapping_iter(text) {
            let (bit, word) = self.keyword_meta[m.pattern().as_usize()];
            if mask & (1 << bit) != 0 {
                continue;
            }
            if word && !on_word_boundaries(text, m.start(), m.end()) {
                continue;
            }
            mask |= 1 << bit;
        }
        mask
    }

    /// The categories a column name or a dictionary description reveals: those of every field
    /// word found in it on word boundaries.
    pub fn classify_field(&self, name: &str) -> Mask {
        let name = normalise_field(name);
        let mut mask = 0;
        for m in self.field_words.find_overlapping_iter(&name) {
            let reveals = self.field_masks[m.pattern().as_usize()];
            if mask & reveals != reveals && on_word_boundaries(&name, m.start(), m.end()) {
                mask |= reveals;
            }
        }
        mask
    }

    /// The ids of the categories in a mask.
    pub fn names(&self, mask: Mask) -> impl Iterator<Item = &str> {
        self.categories
            .iter()
            .enumerate()
            .filter(move |(i, _)| mask & (1 << i) != 0)
            .map(|(_, c)| c.as_str())
    }
}

/// `Date_of-Birth` as `date of birth`.
fn normalise_field(name: &str) -> String {
    name.to_lowercase()
        .chars()
        .map(|c| if c == '_' || c == '-' || c == '.' { ' ' } else { c })
        .collect()
}

/// Whether `text[start..end]` touches no letter or digit on either side. An offset inside a
/// character (an empty keyword matches between a character's bytes) is no word boundary.
fn on_word_boundaries(text: &str, start: usize, end: usize) -> bool {
    let (Some(head), Some(tail)) = (text.get(..start), text.get(end..)) else {
        return false;
    };
    let before = head.chars().next_back();
    let after = tail.chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::RulePack;

    fn pack_lexicon() -> (Lexicon, RulePack) {
        let pack = RulePack::load(&[]).unwrap();
        (Lexicon::new(&pack.categories, &pack.value_shapes).unwrap(), pack)
    }

    fn named(l: &Lexicon, mask: Mask) -> Vec<&str> {
        l.names(mask).collect()
    }

    #[test]
    fn keywords_match_on_word_boundaries_and_any_case() {
        let (l, _) = pack_lexicon();
        assert_eq!(named(&l, l.classify_text("Bacardi RUM 750ml")), ["alcohol"]);
        assert!(named(&l, l.classify_text("Chicken drumsticks per lb")).is_empty());
        assert_eq!(named(&l, l.classify_text("Metformin 500mg 60ct")), ["pharmacy"]);
        // Unicode-aware: non-ASCII text is lowercased before matching.
        assert_eq!(named(&l, l.classify_text("Crème INSULIN pen")), ["pharmacy"]);
    }

    #[test]
    fn field_names_and_descriptions_reveal_categories() {
        let (l, _) = pack_lexicon();
        assert_eq!(named(&l, l.classify_field("date_of_birth")), ["demographics"]);
        assert_eq!(named(&l, l.classify_field("Customer e-mail")), ["direct-identifiers"]);
        assert_eq!(named(&l, l.classify_field("primary_diagnosis_code")), ["health"]);
        assert_eq!(named(&l, l.classify_field("gps_lat")), ["precise-location"]);
        assert!(named(&l, l.classify_field("category_code")).is_empty());
    }

    #[test]
    fn value_shapes_recognise_identifiers_not_dates() {
        let (l, _) = pack_lexicon();
        let shape = |v: &str| {
            let one_by_one: Vec<usize> = (0..l.shapes.len()).filter(|&i| l.shapes[i].regex.is_match(v)).collect();
            assert_eq!(l.shapes_of(v).collect::<Vec<_>>(), one_by_one, "{v}");
            one_by_one.iter().map(|&i| l.shapes[i].id.as_str()).collect::<Vec<_>>()
        };
        assert_eq!(shape("jane.doe@example.com"), ["email"]);
        assert_eq!(shape("+1 415-555-0100"), ["phone"]);
        assert_eq!(shape("4111 1111 1111 1111"), ["payment-card"]);
        assert_eq!(shape("123-45-6789"), ["us-ssn"]);
        assert_eq!(shape("51.5007, -0.1246"), ["coordinates"]);
        assert!(shape("2024-01-28").is_empty());
        assert!(shape("26584").is_empty());
        assert!(shape("LC2415540776").is_empty());
    }

    #[test]
    fn field_words_and_keywords_that_start_with_a_non_ascii_letter_never_split_a_character() {
        let with_words = |words: &[&str]| {
            let fields = words.iter().map(|w| (w.to_string(), 0)).collect();
            Lexicon::build(vec!["c".to_string()], Vec::new(), Vec::new(), fields, Vec::new()).unwrap()
        };
        let l = with_words(&["état", ""]);
        // Found on a word boundary; elsewhere in a name, skipped char by char without panicking.
        assert_ne!(l.classify_field("état civil") & 1, 0);
        assert_eq!(l.classify_field("éétatx") & 1, 0);
        // Any occurrence on word boundaries counts, an overlapping one included.
        let l = with_words(&["a a"]);
        assert_eq!(l.classify_field("xa a a"), 1);
        assert_eq!(l.classify_field("xa a ax"), 0);
        assert!(!on_word_boundaries("é", 1, 1));
    }
}
