//! Evidence from the data itself: a dataset's sample (CSV) and data dictionary are scanned
//! for the pack's sensitive signals and for re-identification risk, and what they show is
//! set beside what the deal declares (`facts.evidence`, read by rules/evidence.toml).

mod intern;
pub mod paths;
mod records;
pub mod scan;
pub mod sql;
pub mod unicity;

use crate::model::deal::{Deal, EvidenceSpec};
use crate::model::observed::{
    MalformedLine, Observed, Reidentification, Seen, Unicity, ValueCount, WithoutOne, percent,
};
use crate::pack::RulePack;
use crate::pack::lexicon::{Lexicon, Mask};
use anyhow::{Context as _, Result, bail};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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

/// Observations made in one run, by what was observed: a portfolio whose deals name the same
/// sample (one dataset offered to several partners) scans it once. Every observation in it is
/// made with one run's settings (pack, lexicon, `--strict`); a file is known by its path as
/// written with its size and modification time, so one rewritten during the run is read again.
/// Failed observations are not kept: each deal that names the file reports its own error. At
/// most `KEPT` are kept, the least recently used leaving first, so that memory does not grow
/// with a portfolio whose deals each name their own sample.
#[derive(Debug, Default)]
pub struct Observations(std::sync::Mutex<Kept>);

#[derive(Debug, Default)]
struct Kept {
    by_key: std::collections::HashMap<ObservationKey, (Arc<Observed>, u64)>,
    /// How many lookups so far: an entry's second field says when it was last used.
    uses: u64,
}

const KEPT: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct ObservationKey {
    files: [Option<(PathBuf, u64, Option<std::time::SystemTime>)>; 3],
    roles: scan::Roles,
}

impl Observations {
    fn observe(&self, sources: Sources, roles: &scan::Roles, settings: &Settings) -> Result<Arc<Observed>> {
        let file = |path: Option<&Path>| {
            path.map(|p| {
                let meta = std::fs::metadata(p).ok();
                (
                    p.to_path_buf(),
                    meta.as_ref().map_or(0, |m| m.len()),
                    meta.and_then(|m| m.modified().ok()),
                )
            })
        };
        let key = ObservationKey {
            files: [file(sources.sample), file(sources.results), file(sources.dictionary)],
            roles: roles.clone(),
        };
        let kept = || self.0.lock().unwrap_or_else(|e| e.into_inner());
        {
            let mut kept = kept();
            kept.uses += 1;
            let now = kept.uses;
            if let Some((observed, used)) = kept.by_key.get_mut(&key) {
                *used = now;
                return Ok(observed.clone());
            }
        }
        // Two deals naming one file at once may both scan it: the same answer, kept once.
        let observed = Arc::new(observe(sources, roles, settings)?);
        let mut kept = kept();
        if kept.by_key.len() >= KEPT
            && let Some(oldest) = kept
                .by_key
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| k.clone())
        {
            kept.by_key.remove(&oldest);
        }
        let now = kept.uses;
        Ok(kept.by_key.entry(key).or_insert((observed, now)).0.clone())
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
        observed.reidentification = Some(reidentification(&t.class_sizes, roles, settings.k));
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

/// How many classes have each size: over all the quasi-identifiers, and with each one left
/// out. All the re-identification measures follow from these histograms, whether the scan ran
/// here or as SQL where the data live.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClassSizes {
    pub all: BTreeMap<u64, u64>,
    pub without: Vec<(String, BTreeMap<u64, u64>)>,
}

impl ClassSizes {
    pub fn of(classes: &[(Vec<u8>, u64)], quasi_identifiers: &[String]) -> ClassSizes {
        let histogram = |sizes: &mut dyn Iterator<Item = u64>| {
            let mut h = BTreeMap::new();
            for n in sizes {
                *h.entry(n).or_insert(0) += 1;
            }
            h
        };
        let without = if quasi_identifiers.len() > 1 {
            quasi_identifiers
                .iter()
                .enumerate()
                .map(|(left_out, name)| {
                    // The class keys with one value left out, merged: reuses one buffer and
                    // allocates only for a key not seen yet.
                    let mut merged: foldhash::HashMap<Vec<u8>, u64> = foldhash::HashMap::default();
                    let mut key = Vec::new();
                    for (full, n) in classes {
                        key.clear();
                        for (i, value) in scan::class_values(full).into_iter().enumerate() {
                            if i != left_out {
                                key.extend_from_slice(value);
                                key.push(0x1f);
                            }
                        }
                        match merged.get_mut(key.as_slice()) {
                            Some(total) => *total += n,
                            None => {
                                merged.insert(key.clone(), *n);
                            }
                        }
                    }
                    (name.clone(), histogram(&mut merged.into_values()))
                })
                .collect()
        } else {
            Vec::new()
        };
        ClassSizes {
            all: histogram(&mut classes.iter().map(|(_, n)| *n)),
            without,
        }
    }
}

fn reidentification(sizes: &ClassSizes, roles: &scan::Roles, k: u64) -> Reidentification {
    let records: u64 = sizes.all.iter().map(|(size, n)| size * n).sum();
    let unique = sizes.all.get(&1).copied().unwrap_or(0);
    let under_k: u64 = sizes
        .all
        .iter()
        .filter(|(size, _)| **size < k)
        .map(|(size, n)| size * n)
        .sum();
    let share = |n: u64| if records == 0 { 0.0 } else { n as f64 / records as f64 };
    let mut without: Vec<WithoutOne> = sizes
        .without
        .iter()
        .map(|(name, h)| WithoutOne {
            quasi_identifier: name.clone(),
            unique_share: share(h.get(&1).copied().unwrap_or(0)),
        })
        .collect();
    without.sort_by(|a, b| {
        a.unique_share
            .total_cmp(&b.unique_share)
            .then_with(|| a.quasi_identifier.cmp(&b.quasi_identifier))
    });
    Reidentification {
        quasi_identifiers: roles.quasi_identifiers.clone(),
        k,
        records,
        classes: sizes.all.values().sum(),
        unique,
        under_k,
        unique_share: share(unique),
        under_k_share: share(under_k),
        min_k: sizes.all.keys().next().copied().unwrap_or(0),
        unique_share_without: without,
    }
}

/// A data dictionary: a CSV whose first column names a field and whose second describes it
/// (a third, an example value, is optional); each field with the categories it reveals.
fn dictionary_fields(path: &Path, lexicon: &Lexicon) -> Result<Vec<(String, Mask)>> {
    let (mut reader, mark) = scan::bounded_csv(path, "data dictionary")?;
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
        let observed = match settings.seen {
            Some(seen) => seen.observe(sources, &roles(spec), settings),
            None => observe(sources, &roles(spec), settings).map(Arc::new),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_most_kept_observations_stay_the_least_recently_used_leaving_first() {
        let pack = RulePack::load(&[]).expect("the pack loads");
        let settings = Settings {
            progress: false,
            ..Settings::new(&pack, pack.lexicon().expect("the lexicon builds"))
        };
        let dir = tempfile::tempdir().unwrap();
        let samples: Vec<PathBuf> = (0..=KEPT)
            .map(|i| {
                let path = dir.path().join(format!("s{i}.csv"));
                std::fs::write(&path, format!("id,note\n{i},beer\n")).unwrap();
                path
            })
            .collect();
        let seen = Observations::default();
        let observe = |path: &Path| {
            let sources = Sources {
                sample: Some(path),
                ..Sources::default()
            };
            seen.observe(sources, &scan::Roles::default(), &settings).unwrap()
        };
        let first = observe(&samples[0]);
        for path in &samples[1..KEPT] {
            observe(path);
        }
        assert!(Arc::ptr_eq(&first, &observe(&samples[0])), "read again, not scanned");
        observe(&samples[KEPT]);
        let kept = seen.0.lock().unwrap();
        let holds = |path: &PathBuf| {
            kept.by_key
                .keys()
                .any(|k| k.files[0].as_ref().is_some_and(|f| &f.0 == path))
        };
        assert_eq!(kept.by_key.len(), KEPT);
        assert!(holds(&samples[0]) && holds(&samples[KEPT]));
        assert!(!holds(&samples[1]), "the least recently used left");
    }
}
