//! What the scan of a sample counts: the tallies each byte range keeps as its records are
//! read (`Acc`), and the merge of all ranges into one `Tally`.

use super::intern::{Interner, TextKey};
use super::records::Fields;
use super::reidentification::{ClassSizes, UNIT};
use crate::pack::lexicon::{Lexicon, Mask};
use foldhash::HashMap;

/// Distinct text values whose categories are cached; beyond it, values are matched each time.
const MAX_CACHED_TEXTS: usize = 200_000;
/// Malformed rows shown by line.
const MALFORMED_SHOWN: usize = 5;

/// The same roles as column positions.
#[derive(Debug, Clone)]
pub(super) struct Columns {
    pub(super) width: usize,
    pub(super) subject: Option<usize>,
    pub(super) text: Vec<usize>,
    pub(super) qi: Vec<usize>,
    /// The timestamp and place columns, when points are measured.
    pub(super) points: Option<(usize, Vec<usize>)>,
}

/// What one pass over a sample counted.
pub struct Tally {
    pub header: Vec<String>,
    pub rows: u64,
    pub malformed: u64,
    /// The first malformed rows: (line, problem).
    pub malformed_lines: Vec<(u64, String)>,
    /// Rows matching each category (by lexicon bit).
    pub category_rows: Vec<u64>,
    /// Rows matching any category.
    pub sensitive_rows: u64,
    /// Distinct subjects with a row matching any category.
    pub sensitive_subjects: Option<u64>,
    /// Distinct subjects with a match in each category; empty without a subject column.
    pub category_subjects: Vec<u64>,
    pub subjects: Option<u64>,
    /// Most frequent matching text values per category: (value, rows).
    pub top_values: Vec<Vec<(String, u64)>>,
    /// How many quasi-identifier classes have each size.
    pub class_sizes: ClassSizes,
    /// For each column, the value shapes (lexicon index) most of its first rows match.
    pub column_shapes: Vec<Vec<usize>>,
    /// How many subjects 1 to 4 of their (place, day) points single out, when measured.
    pub unicity: Option<Vec<crate::model::observed::Step>>,
}

#[derive(Default)]
struct Subjects {
    each: Vec<SubjectAcc>,
    more: Vec<Vec<u32>>,
}

struct SubjectAcc {
    mask: Mask,
    first: u32,
    /// Index in `Subjects::more`, or `NO_CLASS`.
    more: u32,
}

const NO_CLASS: u32 = u32::MAX;

impl Subjects {
    fn push(&mut self) {
        self.each.push(SubjectAcc {
            mask: 0,
            first: NO_CLASS,
            more: NO_CLASS,
        });
    }

    fn add_class(&mut self, id: u32, class: u32) {
        let s = &mut self.each[id as usize];
        if s.first == NO_CLASS {
            s.first = class;
        } else if s.first != class {
            if s.more == NO_CLASS {
                s.more = self.more.len() as u32;
                self.more.push(Vec::new());
            }
            let more = &mut self.more[s.more as usize];
            if !more.contains(&class) {
                more.push(class);
            }
        }
    }

    fn classes(&self, id: u32) -> impl Iterator<Item = u32> + '_ {
        let s = &self.each[id as usize];
        let more: &[u32] = self.more.get(s.more as usize).map_or(&[], Vec::as_slice);
        (s.first != NO_CLASS)
            .then_some(s.first)
            .into_iter()
            .chain(more.iter().copied())
    }
}

struct TextAcc {
    mask: Mask,
    rows: u64,
}

/// The tallies of one byte range.
#[derive(Default)]
pub(super) struct Acc {
    pub(super) rows: u64,
    malformed: u64,
    /// (absolute byte offset, problem) of the first malformed rows.
    malformed_at: Vec<(u64, String)>,
    category_rows: Vec<u64>,
    sensitive_rows: u64,
    texts: HashMap<TextKey, TextAcc>,
    subject_ids: Interner,
    subjects: Subjects,
    classes: Interner,
    /// The previous row's subject and class: rows of one basket follow each other, so most
    /// rows need no lookup at all.
    last_subject: Vec<u8>,
    last_id: u32,
    last_key: Vec<u8>,
    last_class: u32,
    /// Without a subject column, every row is a record: rows per class.
    class_rows: Vec<u64>,
    shape_hits: Vec<Vec<u64>>,
    shape_cells: Vec<u64>,
    /// Distinct (subject, place, day) points, when measured.
    points: foldhash::HashSet<Vec<u8>>,
}

impl Acc {
    pub(super) fn new(categories: usize, width: usize, shapes: usize) -> Acc {
        Acc {
            category_rows: vec![0; categories],
            shape_hits: vec![vec![0; shapes]; width],
            shape_cells: vec![0; width],
            last_id: NO_CLASS,
            last_class: NO_CLASS,
            ..Acc::default()
        }
    }

    pub(super) fn malformed(&mut self, offset: u64, problem: String) {
        self.malformed += 1;
        if self.malformed_at.len() < MALFORMED_SHOWN {
            self.malformed_at.push((offset, problem));
        }
    }

    fn text_mask(&mut self, lexicon: &Lexicon, cell: &[u8]) -> Option<Mask> {
        if let Some(t) = self.texts.get_mut(cell) {
            t.rows += 1;
            return Some(t.mask);
        }
        let text = std::str::from_utf8(cell).ok()?;
        let mask = lexicon.classify_text(text);
        if self.texts.len() < MAX_CACHED_TEXTS {
            self.texts.insert(TextKey::new(cell), TextAcc { mask, rows: 1 });
        }
        Some(mask)
    }

    fn class_id(&mut self, key: &[u8]) -> u32 {
        if !self.last_key.is_empty() && key == self.last_key.as_slice() {
            return self.last_class;
        }
        let (id, new) = self.classes.id(key);
        if new {
            self.class_rows.push(0);
        }
        self.last_key.clear();
        self.last_key.extend_from_slice(key);
        self.last_class = id;
        id
    }

    fn subject_id(&mut self, subject: &[u8]) -> u32 {
        if self.last_id != NO_CLASS && subject == self.last_subject.as_slice() {
            return self.last_id;
        }
        let (id, new) = self.subject_ids.id(subject);
        if new {
            self.subjects.push();
        }
        self.last_subject.clear();
        self.last_subject.extend_from_slice(subject);
        self.last_id = id;
        id
    }

    pub(super) fn row(
        &mut self,
        lexicon: &Lexicon,
        cols: &Columns,
        record: &impl Fields,
        key: &mut Vec<u8>,
    ) -> Result<(), String> {
        let mut mask = 0;
        for &c in &cols.text {
            mask |= self
                .text_mask(lexicon, &record.field(c))
                .ok_or_else(|| format!("column {} is not valid UTF-8", c + 1))?;
        }
        self.rows += 1;
        self.sensitive_rows += u64::from(mask != 0);
        let mut bits = mask;
        while bits != 0 {
            self.category_rows[bits.trailing_zeros() as usize] += 1;
            bits &= bits - 1;
        }
        let class = if cols.qi.is_empty() {
            None
        } else {
            key.clear();
            for (i, &c) in cols.qi.iter().enumerate() {
                if i > 0 {
                    key.push(UNIT);
                }
                key.extend_from_slice(&record.field(c));
            }
            Some(self.class_id(key))
        };
        if let (Some(s), Some((t, places))) = (cols.subject, &cols.points)
            && let Some(day) = super::unicity::day(&record.field(*t))
        {
            super::unicity::key(&record.field(s), places.iter().map(|&p| record.field(p)), day, key);
            if !self.points.contains(key.as_slice()) {
                self.points.insert(key.clone());
            }
        }
        match cols.subject {
            Some(s) => {
                let id = self.subject_id(&record.field(s));
                self.subjects.each[id as usize].mask |= mask;
                if let Some(class) = class {
                    self.subjects.add_class(id, class);
                }
            }
            None => {
                if let Some(class) = class {
                    self.class_rows[class as usize] += 1;
                }
            }
        }
        Ok(())
    }

    pub(super) fn shapes(&mut self, lexicon: &Lexicon, record: &impl Fields) {
        for c in 0..record.len() {
            let cell = record.field(c);
            let Ok(text) = std::str::from_utf8(&cell) else { continue };
            let text = text.trim();
            if text.is_empty() || c >= self.shape_cells.len() {
                continue;
            }
            self.shape_cells[c] += 1;
            for i in lexicon.shapes_of(text) {
                self.shape_hits[c][i] += 1;
            }
        }
    }
}

pub(super) fn merge(accs: Vec<Acc>, lexicon: &Lexicon, cols: &Columns, header: Vec<String>, qis: &[String]) -> Tally {
    let categories = lexicon.categories.len();
    let mut accs = accs.into_iter();
    let mut all = accs
        .next()
        .unwrap_or_else(|| Acc::new(categories, cols.width, lexicon.shapes.len()));
    // The other ranges are folded into the first: its maps become the merged ones, so no
    // third copy of the subjects is ever held.
    for acc in accs {
        all.rows += acc.rows;
        all.malformed += acc.malformed;
        all.sensitive_rows += acc.sensitive_rows;
        all.malformed_at.extend(acc.malformed_at);
        for (total, n) in all.category_rows.iter_mut().zip(&acc.category_rows) {
            *total += n;
        }
        for (text, t) in acc.texts {
            all.texts.entry(text).and_modify(|e| e.rows += t.rows).or_insert(t);
        }
        // Class ids are per range: map them to merged ids.
        let global: Vec<u32> = acc
            .classes
            .iter()
            .map(|key| {
                let (id, new) = all.classes.id(key);
                if new {
                    all.class_rows.push(0);
                }
                id
            })
            .collect();
        for (local, n) in acc.class_rows.iter().enumerate() {
            all.class_rows[global[local] as usize] += n;
        }
        for (id, key) in (0..).zip(acc.subject_ids.iter()) {
            let (mine, new) = all.subject_ids.id(key);
            if new {
                all.subjects.push();
            }
            all.subjects.each[mine as usize].mask |= acc.subjects.each[id as usize].mask;
            for c in acc.subjects.classes(id) {
                all.subjects.add_class(mine, global[c as usize]);
            }
        }
        all.points.extend(acc.points);
        for (c, hits) in acc.shape_hits.iter().enumerate() {
            for (i, n) in hits.iter().enumerate() {
                all.shape_hits[c][i] += n;
            }
            all.shape_cells[c] += acc.shape_cells[c];
        }
    }
    all.malformed_at.sort_by_key(|(o, _)| *o);
    all.malformed_at.truncate(MALFORMED_SHOWN);

    let mut category_subjects = vec![0; if cols.subject.is_some() { categories } else { 0 }];
    let mut sensitive_subjects = 0;
    if cols.subject.is_some() {
        for (id, s) in (0..).zip(&all.subjects.each) {
            sensitive_subjects += u64::from(s.mask != 0);
            let mut bits = s.mask;
            while bits != 0 {
                category_subjects[bits.trailing_zeros() as usize] += 1;
                bits &= bits - 1;
            }
            for c in all.subjects.classes(id) {
                all.class_rows[c as usize] += 1;
            }
        }
    }
    let top_values = (0..categories)
        .map(|bit| {
            let mut values: Vec<(String, u64)> = all
                .texts
                .iter()
                .filter(|(_, t)| t.mask & (1 << bit) != 0)
                .map(|(v, t)| (String::from_utf8_lossy(v.bytes()).to_string(), t.rows))
                .collect();
            values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
            values.truncate(3);
            values
        })
        .collect();
    let column_shapes = (0..cols.width)
        .map(|c| {
            (0..lexicon.shapes.len())
                .filter(|&i| all.shape_cells[c] > 0 && all.shape_hits[c][i] * 2 >= all.shape_cells[c])
                .collect()
        })
        .collect();
    let classes: Vec<(Vec<u8>, u64)> = all
        .classes
        .iter()
        .zip(&all.class_rows)
        .filter(|(_, n)| **n > 0)
        .map(|(k, n)| (k.to_vec(), *n))
        .collect();
    Tally {
        header,
        rows: all.rows,
        malformed: all.malformed,
        malformed_lines: all.malformed_at,
        category_rows: all.category_rows,
        sensitive_rows: all.sensitive_rows,
        sensitive_subjects: cols.subject.map(|_| sensitive_subjects),
        category_subjects,
        subjects: cols.subject.map(|_| all.subjects.each.len() as u64),
        top_values,
        class_sizes: ClassSizes::of(&classes, qis),
        column_shapes,
        unicity: cols
            .points
            .as_ref()
            .map(|_| super::unicity::measure(all.points.iter().map(Vec::as_slice))),
    }
}
