//! `dealrisk scan`: the evidence of one sample alone, as a table or JSON, beside the deal's
//! declarations when a deal is given.

use super::args::{ScanArgs, TextOrJson};
use crate::evidence::{Settings, observe, roles};
use crate::input::diagnostic::{nearest, parse_toml};
use crate::model::deal::{Dataset, Deal};
use crate::model::observed::{Observed, percent};
use crate::pack::RulePack;
use crate::pack::lexicon::Lexicon;
use anyhow::{Result, bail};
use serde::Serialize;
use std::fmt::Write as _;
use std::path::PathBuf;

#[derive(Serialize)]
struct Document<'a> {
    #[serde(flatten)]
    observed: &'a Observed,
    /// What the deal declares for the dataset, when a deal was given.
    declared: Option<Declared>,
}

#[derive(Serialize)]
pub struct Declared {
    deal: String,
    dataset: String,
    categories: Vec<String>,
    excluded: Vec<String>,
    form: String,
}

pub fn run(args: &ScanArgs) -> Result<String> {
    let pack = RulePack::load(&args.rules)?;
    let own;
    let lexicon: &Lexicon = match &args.keywords {
        Some(path) => {
            own = Lexicon::from_keyword_file(path)?;
            &own
        }
        None => pack.lexicon()?,
    };
    let deal = args
        .deal
        .as_ref()
        .map(|path| -> Result<(PathBuf, Deal, String)> {
            let source = crate::input::read_text(path, "deal file")?;
            let deal = parse_toml(path, &source)?;
            Ok((path.clone(), deal, source))
        })
        .transpose()?;
    let dataset: Option<&Dataset> = match &deal {
        None => None,
        Some((path, deal, _)) => Some(pick(path, deal, args.dataset.as_deref())?),
    };
    let spec = dataset.and_then(|d| d.evidence.clone()).unwrap_or_default();
    let base = deal
        .as_ref()
        .and_then(|(p, _, _)| p.parent().map(|p| p.to_path_buf()))
        .unwrap_or_default();
    // Paths typed on the command line are the user's; those a deal file names are checked.
    let from_deal = |field: &str, written: &Option<String>| -> Result<Option<PathBuf>> {
        written
            .as_ref()
            .map(|w| {
                crate::evidence::paths::confine(&base, w, &args.allow_path).map_err(|why| {
                    // Located as `assess` locates it: the deal file's line and column.
                    let at = deal
                        .as_ref()
                        .zip(dataset)
                        .map_or(String::new(), |((p, d, source), dataset)| {
                            let index = d.datasets.iter().position(|x| x.id == dataset.id).unwrap_or(0);
                            let path = format!("datasets[{index}].evidence.{field}");
                            match crate::input::locate::position(source, &path) {
                                Some((line, column)) => format!("{}:{line}:{column} (field `{path}`)", p.display()),
                                None => format!("{} (field `{path}`)", p.display()),
                            }
                        });
                    anyhow::anyhow!("{at}: {why}")
                })
            })
            .transpose()
    };
    let sample = match &args.sample {
        Some(p) => Some(p.clone()),
        None => from_deal("sample", &spec.sample)?,
    };
    let dictionary = match &args.dictionary {
        Some(p) => Some(p.clone()),
        None => from_deal("dictionary", &spec.dictionary)?,
    };
    let results = match &args.evidence {
        Some(p) => Some(p.clone()),
        None => from_deal("results", &spec.results)?,
    };
    for path in [&sample, &dictionary, &results].into_iter().flatten() {
        crate::input::regular(path, "scan input")?;
    }
    if sample.is_none() && dictionary.is_none() && results.is_none() && args.source.is_none() {
        bail!(
            "nothing to scan: give SAMPLE.csv, --dictionary FILE, --evidence RESULT.csv, or --deal with a `[datasets.evidence]` section"
        );
    }
    let mut roles = roles(&spec);
    if args.subject.is_some() {
        roles.subject = args.subject.clone();
    }
    if !args.text.is_empty() {
        roles.text = args.text.clone();
    }
    if !args.quasi_identifiers.is_empty() {
        roles.quasi_identifiers = args.quasi_identifiers.clone();
    }
    if let Some(t) = &args.timestamp {
        roles.timestamps = vec![t.clone()];
    }
    if !args.places.is_empty() {
        roles.places = args.places.clone();
    }
    if let Some(dialect) = args.emit_sql {
        let shape_rows = pack.scoring.evidence_shape_rows;
        return crate::evidence::sql::emit(
            dialect,
            sample.as_deref(),
            args.source.as_deref(),
            &roles,
            lexicon,
            shape_rows,
        );
    }
    let mut settings = Settings::new(&pack, lexicon);
    settings.strict = args.strict;
    let sources = crate::evidence::Sources {
        sample: if results.is_some() { None } else { sample.as_deref() },
        results: results.as_deref(),
        dictionary: dictionary.as_deref(),
    };
    let observed = observe(sources, &roles, &settings)?;
    let declared = dataset.zip(deal.as_ref()).map(|(d, (path, _, _))| Declared {
        deal: path.display().to_string(),
        dataset: d.id.clone(),
        categories: d.categories.iter().map(|c| c.get_ref().clone()).collect(),
        excluded: d.excluded.iter().map(|c| c.get_ref().clone()).collect(),
        form: crate::model::deal::written(&d.form),
    });
    Ok(match args.format {
        TextOrJson::Json => {
            serde_json::to_string_pretty(&Document {
                observed: &observed,
                declared,
            })? + "\n"
        }
        TextOrJson::Text => render(&observed, declared.as_ref()),
    })
}

fn pick<'a>(path: &std::path::Path, deal: &'a Deal, id: Option<&str>) -> Result<&'a Dataset> {
    let ids: Vec<&str> = deal.datasets.iter().map(|d| d.id.as_str()).collect();
    match id {
        Some(id) => deal.datasets.iter().find(|d| d.id == id).ok_or_else(|| {
            let hint = nearest(id, ids.iter().copied())
                .map(|n| format!("; did you mean `{n}`?"))
                .unwrap_or_else(|| format!("; it has {}", ids.join(", ")));
            anyhow::anyhow!("{}: no dataset `{id}`{hint}", path.display())
        }),
        None => deal
            .datasets
            .iter()
            .find(|d| d.evidence.is_some())
            .or(deal.datasets.first())
            .ok_or_else(|| anyhow::anyhow!("{}: the deal has no dataset", path.display())),
    }
}

fn table(header: &[&str]) -> comfy_table::Table {
    crate::render::terminal::table(header, crate::render::terminal::terminal_width())
}

/// The evidence for a person: what was read, each category seen and how, re-identification.
pub fn render(o: &Observed, declared: Option<&Declared>) -> String {
    let mut out = String::new();
    if let Some(sample) = &o.sample {
        let subjects = match (o.subjects, &o.subject) {
            (Some(n), Some(col)) => format!(", {n} distinct {col}"),
            _ => String::new(),
        };
        let _ = writeln!(out, "sample {sample}: {} rows{subjects}", o.rows);
        let who = match (o.sensitive_subjects, o.subjects, &o.subject) {
            (Some(n), Some(all), Some(col)) if all > 0 => {
                format!("; {n} {col} ({}) have at least one", percent(n as f64 / all as f64))
            }
            _ => String::new(),
        };
        let _ = writeln!(out, "{} rows match a sensitive signal{who}", o.sensitive_rows);
    }
    if let Some(d) = &o.dictionary {
        let _ = writeln!(out, "dictionary {d}");
    }
    if o.malformed > 0 {
        let _ = writeln!(out, "{} malformed row(s) skipped; the first:", o.malformed);
        for m in &o.malformed_lines {
            let _ = writeln!(out, "  line {}: {}", m.line, crate::render::clean(&m.problem));
        }
    }
    if o.categories.is_empty() {
        let _ = writeln!(out, "\nNo sensitive category seen.");
    } else {
        let _ = writeln!(out, "\nSensitive categories seen in the data");
        let mut header = vec![
            "category",
            "subjects",
            "rows",
            "most frequent values",
            "columns, shapes",
        ];
        if declared.is_some() {
            header.push("declared");
        }
        let mut t = table(&header);
        for s in &o.categories {
            let subjects = match s.subjects {
                Some(n) if s.rows > 0 => format!("{n} ({})", percent(s.share)),
                _ => "-".to_string(),
            };
            let values: Vec<String> = s
                .top_values
                .iter()
                .map(|v| format!("{} ({})", crate::render::clean(&v.value), v.rows))
                .collect();
            let how: Vec<String> = s.columns.iter().chain(&s.shapes).cloned().collect();
            let mut row = vec![
                s.category.clone(),
                subjects,
                s.rows.to_string(),
                values.join("\n"),
                how.join("\n"),
            ];
            if let Some(d) = declared {
                row.push(
                    if d.excluded.contains(&s.category) {
                        "EXCLUDED, yet found"
                    } else if d.categories.contains(&s.category) {
                        "yes"
                    } else {
                        "NO"
                    }
                    .to_string(),
                );
            }
            t.add_row(row);
        }
        let _ = writeln!(out, "{t}");
    }
    if let Some(r) = &o.reidentification {
        let _ = writeln!(
            out,
            "\nRe-identification on {} ({} records: one per subject and tuple)",
            r.quasi_identifiers.join(", "),
            r.records
        );
        let mut t = table(&["measure", "value"]);
        t.add_row(vec!["equivalence classes".to_string(), r.classes.to_string()]);
        t.add_row(vec![
            "records unique (k = 1)".to_string(),
            format!("{} ({})", r.unique, percent(r.unique_share)),
        ]);
        t.add_row(vec![
            format!("records in classes under k = {}", r.k),
            format!("{} ({})", r.under_k, percent(r.under_k_share)),
        ]);
        t.add_row(vec!["smallest class (min k)".to_string(), r.min_k.to_string()]);
        for w in &r.unique_share_without {
            t.add_row(vec![
                format!("unique without {}", w.quasi_identifier),
                percent(w.unique_share),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }
    if let Some(u) = &o.unicity {
        let _ = writeln!(
            out,
            "\nUnique by their own points: (place, day) on {} and the day of {}, drawn at random with a fixed seed",
            u.places.join(", "),
            u.timestamp
        );
        let mut t = table(&["points drawn", "subjects with as many", "unique"]);
        for s in &u.steps {
            t.add_row(vec![
                s.points.to_string(),
                s.subjects.to_string(),
                format!("{} ({})", s.unique, percent(s.share)),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }
    if let Some(d) = declared {
        let _ = writeln!(
            out,
            "\nDeclared in {} for dataset `{}`: form {}, categories {}{}",
            d.deal,
            d.dataset,
            d.form,
            if d.categories.is_empty() {
                "none".to_string()
            } else {
                d.categories.join(", ")
            },
            if d.excluded.is_empty() {
                String::new()
            } else {
                format!(", excluded {}", d.excluded.join(", "))
            }
        );
    }
    out
}
