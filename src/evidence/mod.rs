//! Evidence from the data itself: a dataset's sample (CSV) and data dictionary are scanned
//! for the pack's sensitive signals and for re-identification risk, and what they show is
//! set beside what the deal declares (`facts.evidence`, read by rules/evidence.toml).

mod bounded;
mod intern;
pub mod observations;
pub mod paths;
mod records;
pub mod reidentification;
pub mod scan;
pub mod sql;
mod tally;
pub mod unicity;

use crate::model::deal::{Deal, EvidenceSpec};
use crate::model::observed::{MalformedLine, Observed, Seen, Unicity, ValueCount, percent};
use crate::pack::RulePack;
use crate::pack::lexicon::{Lexicon, Mask};
use anyhow::{Context as _, Result, bail};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use observations::Observations;
use reidentification::reidentification;

/// Scan settings that come from the pack and the command line.
pub struct Settings<'a> {
    pub lexicon: &'a Lexicon,
    pub k: u64,
    pub shape_rows: u64,
    pub strict: bool,
    pub progress: bool,
    /// Folders besides the deal file's own that its evidence paths may lead into.
    pub allowed: &'a [PathBuf],
    /// Observations already made with these settings, when deals share them (a portfolio).
    pub seen: Option<&'a Observations>,
}

impl<'a> Settings<'a> {
    pub fn new(pack: &RulePack, lexicon: &'a Lexicon) -> Settings<'a> {
        Settings {
            lexicon,
            k: pack.scoring.evidence_k,
            shape_rows: pack.scoring.evidence_shape_rows,
            strict: false,
            progress: std::io::IsTerminal::is_terminal(&std::io::stderr()),
            allowed: &[],
            seen: None,
        }
    }
}

/// Where the evidence comes from: a sample to scan here, the results of the scan run as SQL
/// elsewhere, and/or a data dictionary.
#[derive(Debug, Clone, Copy, Default)]
pub struct Sources<'a> {
    pub sample: Option<&'a Path>,
    pub results: Option<&'a Path>,
    pub dictionary: Option<&'a Path>,
}

/// Scans a sample (or reads a scan's SQL results) and/or a dictionary with the given roles.
pub fn observe(sources: Sources, roles: &scan::Roles, settings: &Settings) -> Result<Observed> {
    let Sources {
        sample,
        results,
        dictionary,
    } = sources;
    let lexicon = settings.lexicon;
    let mut masks_by_column: BTreeMap<usize, (Vec<String>, Vec<String>)> = BTreeMap::new();
    let mut observed = Observed {
        sample: sample.or(results).map(|p| p.display().to_string()),
        dictionary: dictionary.map(|p| p.display().to_string()),
        rows: 0,
        malformed: 0,
        malformed_lines: Vec::new(),
        subject: roles.subject.clone(),
        subjects: None,
        sensitive_rows: 0,
        sensitive_subjects: None,
        categories: Vec::new(),
        reidentification: None,
        unicity: None,
    };
    let mut tally = None;
    let counted = match (sample, results) {
        (_, Some(path)) => Some((path, sql::read(path, roles, lexicon)?)),
        (Some(path), None) => Some((
            path,
            scan::scan(
                path,
                roles,
                lexicon,
                &scan::Options {
                    shape_rows: settings.shape_rows,
                    progress: settings.progress,
                },
            )?,
        )),
        (None, None) => None,
    };
    if let Some((path, t)) = counted {
        if settings.strict && t.malformed > 0 {
            let (line, problem) = t.malformed_lines.first().cloned().unwrap_or_default();
            bail!(
                "{}:{line}: malformed row ({problem}); {} malformed row(s) in all (--strict)",
                path.display(),
                t.malformed
            );
        }
        for (bit, _) in lexicon.categories.iter().enumerate() {
            for (c, name) in t.header.iter().enumerate() {
                if lexicon.classify_field(name) & (1 << bit) != 0 {
                    masks_by_column.entry(bit).or_default().0.push(name.clone());
                }
                for &shape in t.column_shapes.get(c).into_iter().flatten() {
                    if lexicon.shapes[shape].category as usize == bit {
                        let s = format!("{} in column {name}", lexicon.shapes[shape].id);
                        masks_by_column.entry(bit).or_default().1.push(s);
                    }
                }
            }
        }
        observed.rows = t.rows;
        observed.malformed = t.malformed;
        observed.malformed_lines = t
            .malformed_lines
            .iter()
            .map(|(line, problem)| MalformedLine {
                line: *line,
                problem: problem.clone(),
            })
            .collect();
        observed.subjects = t.subjects;
        observed.sensitive_rows = t.sensitive_rows;
        observed.sensitive_subjects = t.sensitive_subjects;
        observed.unicity = t.unicity.clone().map(|steps| Unicity {
            timestamp: roles.timestamps.first().cloned().unwrap_or_default(),
            places: roles.places.clone(),
            steps,
        });
        tally = Some(t);
    }
    if let Some(path) = dictionary {
        for (field, mask) in dictionary_fields(path, lexicon)? {
            for bit in bits(mask) {
                masks_by_column
                    .entry(bit)
                    .or_default()
                    .0
                    .push(format!("{field} (dictionary)"));
            }
        }
    }
    for (bit, category) in lexicon.categories.iter().enumerate() {
        let rows = tally.as_ref().map_or(0, |t| t.category_rows[bit]);
        let subjects = tally.as_ref().and_then(|t| t.category_subjects.get(bit).copied());
        let (columns, shapes) = masks_by_column.remove(&bit).unwrap_or_default();
        if rows == 0 && columns.is_empty() && shapes.is_empty() {
            continue;
        }
        let share = match (subjects, observed.subjects) {
            (Some(n), Some(all)) if all > 0 => n as f64 / all as f64,
            _ if observed.rows > 0 => rows as f64 / observed.rows as f64,
            _ => 0.0,
        };
        let top_values: Vec<ValueCount> = tally
            .as_ref()
            .map(|t| {
                t.top_values[bit]
                    .iter()
                    .map(|(value, rows)| ValueCount {
                        value: value.clone(),
                        rows: *rows,
                    })
                    .collect()
            })
            .unwrap_or_default();
        let summary = summary(
            rows,
            subjects,
            observed.subjects,
            share,
            &top_values,
            &columns,
            &shapes,
            roles,
        );
        observed.categories.push(Seen {
            category: category.clone(),
            rows,
            subjects,
            share,
            top_values,
            columns,
            shapes,
            summary,
        });
    }
    if let Some(t) = &tally
        && !roles.quasi_identifiers.is_empty()
    {
        observed.reidentification = Some(reidentification(&t.class_sizes, &roles.quasi_identifiers, settings.k));
    }
    Ok(observed)
}

fn bits(mask: Mask) -> impl Iterator<Item = usize> {
    (0..64).filter(move |b| mask & (1 << b) != 0)
}

#[allow(clippy::too_many_arguments)]
fn summary(
    rows: u64,
    subjects: Option<u64>,
    all_subjects: Option<u64>,
    share: f64,
    top: &[ValueCount],
    columns: &[String],
    shapes: &[String],
    roles: &scan::Roles,
) -> String {
    let mut parts = Vec::new();
    if rows > 0 {
        let who = match (subjects, all_subjects) {
            (Some(n), Some(all)) => format!(
                "{} of {all} {} ({n}), {rows} rows",
                percent(share),
                roles.subject.as_deref().unwrap_or("subjects")
            ),
            _ => format!("{rows} rows ({})", percent(share)),
        };
        let examples: Vec<String> = top.iter().map(|v| format!("\"{}\"", v.value)).collect();
        parts.push(if examples.is_empty() {
            who
        } else {
            format!("{who}, e.g. {}", examples.join(", "))
        });
    }
    if !columns.is_empty() {
        parts.push(format!("columns {}", columns.join(", ")));
    }
    parts.extend(shapes.iter().cloned());
    parts.join("; ")
}

/// A data dictionary: a CSV whose first column names a field and whose second describes it
/// (a third, an example value, is optional); each field with the categories it reveals.
fn dictionary_fields(path: &Path, lexicon: &Lexicon) -> Result<Vec<(String, Mask)>> {
    let (mut reader, mark) = bounded::bounded_csv(path, "data dictionary")?;
    let mut out = Vec::new();
    let mut record = csv::StringRecord::new();
    for i in 0.. {
        mark.set(0);
        let more = reader
            .read_record(&mut record)
            .with_context(|| format!("{}:{}: not a CSV row", path.display(), i + 2))?;
        if !more {
            break;
        }
        let Some(name) = record.get(0).filter(|n| !n.trim().is_empty()) else {
            bail!("{}:{}: the first column must name the field", path.display(), i + 2);
        };
        let mut mask = lexicon.classify_field(name);
        if let Some(description) = record.get(1) {
            mask |= lexicon.classify_field(description);
        }
        if let Some(example) = record.get(2) {
            for shape in &lexicon.shapes {
                if shape.regex.is_match(example.trim()) {
                    mask |= 1 << shape.category;
                }
            }
        }
        out.push((name.trim().to_string(), mask));
    }
    Ok(out)
}

/// The column roles a dataset's evidence names.
pub fn roles(spec: &EvidenceSpec) -> scan::Roles {
    scan::Roles {
        subject: spec.subject.clone(),
        text: spec.text.clone(),
        quasi_identifiers: spec.quasi_identifiers.clone(),
        timestamps: spec.timestamps.clone(),
        places: spec.places.clone(),
    }
}

/// Scans every dataset's evidence (paths relative to the deal file) and attaches the results.
/// An error names the deal file's line of the `[datasets.evidence]` field at fault.
pub fn gather(deal_path: &Path, source: &str, deal: &mut Deal, settings: &Settings) -> Result<()> {
    let base = deal_path.parent().unwrap_or(Path::new("."));
    for (i, dataset) in deal.datasets.iter_mut().enumerate() {
        let Some(spec) = &dataset.evidence else { continue };
        let at = |field: &str| {
            let path = format!("datasets[{i}].evidence.{field}");
            match crate::input::locate::position(source, &path) {
                Some((line, column)) => format!("{}:{line}:{column} (field `{path}`)", deal_path.display()),
                None => format!("{} (field `{path}`)", deal_path.display()),
            }
        };
        if spec.sample.is_none() && spec.dictionary.is_none() && spec.results.is_none() {
            bail!(
                "{}: `[datasets.evidence]` needs a `sample`, `results` or a `dictionary`",
                at("sample")
            );
        }
        let resolve = |field: &str, p: &Option<String>| -> Result<Option<PathBuf>> {
            p.as_ref()
                .map(|p| {
                    paths::confine(base, p, settings.allowed).map_err(|why| anyhow::anyhow!("{}: {why}", at(field)))
                })
                .transpose()
        };
        let sample = resolve("sample", &spec.sample)?;
        let results = resolve("results", &spec.results)?;
        let dictionary = resolve("dictionary", &spec.dictionary)?;
        let sources = Sources {
            sample: if results.is_some() { None } else { sample.as_deref() },
            results: results.as_deref(),
            dictionary: dictionary.as_deref(),
        };
        let named = roles(spec);
        let observed = match settings.seen {
            Some(seen) => seen.observe([sources.sample, sources.results, sources.dictionary], &named, || {
                observe(sources, &named, settings)
            }),
            None => observe(sources, &named, settings).map(Arc::new),
        };
        let observed = observed.with_context(|| {
            let field = if spec.results.is_some() {
                "results"
            } else if spec.sample.is_none() {
                "dictionary"
            } else {
                "sample"
            };
            format!("{}: evidence of dataset `{}`", at(field), dataset.id)
        })?;
        dataset.observed = Some(observed);
    }
    Ok(())
}
