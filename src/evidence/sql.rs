//! The scan written as SQL, to run where the data live (DuckDB, Spark SQL): every statistic
//! is an aggregation, so only counts leave the warehouse. The query returns one long table,
//! `measure, key, value`, which `dealrisk scan --evidence RESULT.csv` (or `results = ...` in a
//! dataset's evidence) reads back into the same evidence as a local scan.

use super::reidentification::ClassSizes;
use super::scan::{Roles, Tally};
use crate::pack::lexicon::Lexicon;
use anyhow::{Context as _, Result, bail};
use clap::ValueEnum;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Dialect {
    Duckdb,
    Spark,
}

/// Most frequent matching values returned per category.
const TOP: usize = 3;

fn quote(text: &str, dialect: Dialect) -> String {
    let text = text.replace('\'', "''");
    match dialect {
        // Spark reads backslashes in literals as escapes; DuckDB does not.
        Dialect::Spark => format!("'{}'", text.replace('\\', "\\\\")),
        Dialect::Duckdb => format!("'{text}'"),
    }
}

fn ident(name: &str, dialect: Dialect) -> String {
    match dialect {
        Dialect::Duckdb => format!("\"{}\"", name.replace('"', "\"\"")),
        Dialect::Spark => format!("`{}`", name.replace('`', "``")),
    }
}

/// One case-insensitive regular expression for a category's keywords (RE2 and Java alike).
fn pattern(keywords: &[(String, bool)]) -> String {
    let escaped: Vec<String> = keywords
        .iter()
        .map(|(k, word)| {
            let mut e = String::new();
            for c in k.chars() {
                if "\\.+*?()|[]{}^$".contains(c) {
                    e.push('\\');
                }
                e.push(c);
            }
            if *word { format!("\\b{e}\\b") } else { e }
        })
        .collect();
    format!("(?i)({})", escaped.join("|"))
}

/// The SQL that computes the scan's statistics from `source` (a table or view), or from the
/// sample's CSV file when `source` is none.
pub fn emit(
    dialect: Dialect,
    sample: Option<&Path>,
    source: Option<&str>,
    roles: &Roles,
    lexicon: &Lexicon,
    shape_rows: u64,
) -> Result<String> {
    let mut out = String::new();
    let from = match (source, sample) {
        (Some(s), _) => s.to_string(),
        (None, Some(path)) => match dialect {
            Dialect::Duckdb => format!(
                "read_csv({}, all_varchar = true, header = true)",
                quote(&path.display().to_string(), dialect)
            ),
            Dialect::Spark => {
                let _ = writeln!(
                    out,
                    "CREATE OR REPLACE TEMPORARY VIEW dealrisk_source USING csv OPTIONS (path {}, header 'true');",
                    quote(&path.display().to_string(), dialect)
                );
                "dealrisk_source".to_string()
            }
        },
        (None, None) => bail!("--emit-sql needs the sample's path or --source TABLE"),
    };
    let col = |name: &str| format!("coalesce({}, '')", ident(name, dialect));
    let matches = |column: &str, regex: &str| match dialect {
        Dialect::Duckdb => format!("regexp_matches({column}, {})", quote(regex, dialect)),
        Dialect::Spark => format!("({column} RLIKE {})", quote(regex, dialect)),
    };
    let subject = roles.subject.as_deref().map(col);
    let categories: Vec<(usize, &String)> = lexicon
        .categories
        .iter()
        .enumerate()
        .filter(|(bit, _)| !lexicon.keywords_by_category[*bit].is_empty() && !roles.text.is_empty())
        .collect();

    let _ = writeln!(
        out,
        "-- dealrisk evidence scan as SQL ({dialect:?}): one row per measure, key, value."
    );
    let _ = writeln!(out, "-- Read the result back with: dealrisk scan --evidence RESULT.csv");
    let _ = writeln!(out, "WITH lines AS (\n  SELECT");
    let mut fields = Vec::new();
    if let Some(s) = &subject {
        fields.push(format!("    {s} AS subject"));
    }
    if !roles.quasi_identifiers.is_empty() {
        let parts: Vec<String> = roles.quasi_identifiers.iter().map(|q| col(q)).collect();
        fields.push(format!("    concat_ws(chr(31), {}) AS class", parts.join(", ")));
        for (i, q) in roles.quasi_identifiers.iter().enumerate() {
            fields.push(format!("    {} AS q{i}", col(q)));
        }
    }
    if let Some(first) = roles.text.first() {
        fields.push(format!("    {} AS t0", col(first)));
    }
    if roles.has_points() {
        // The day of an ISO 8601 timestamp, as the local scan reads it (unicity.rs).
        let stamp = col(&roles.timestamps[0]);
        let iso = matches(&stamp, "^[0-9]{4}-[0-9]{2}-[0-9]{2}");
        fields.push(format!("    CASE WHEN {iso} THEN substr({stamp}, 1, 10) END AS day"));
        let places: Vec<String> = roles.places.iter().map(|p| col(p)).collect();
        fields.push(format!("    concat_ws(chr(31), {}) AS place", places.join(", ")));
    }
    for (bit, _) in &categories {
        let regex = pattern(&lexicon.keywords_by_category[*bit]);
        let any: Vec<String> = roles.text.iter().map(|t| matches(&col(t), &regex)).collect();
        fields.push(format!("    ({}) AS c{bit}", any.join(" OR ")));
    }
    if fields.is_empty() {
        fields.push("    1 AS one".to_string());
    }
    let _ = writeln!(out, "{}\n  FROM {from}\n)", fields.join(",\n"));
    if roles.has_points() {
        // Each subject's distinct (place, day) points ranked by the MD5 of seed, subject, place
        // and day; for p of 1 to 4, a subject with p points or more is unique when no other
        // subject was at all of its first p.
        let _ = writeln!(
            out,
            ", points AS (SELECT DISTINCT subject, place, day FROM lines WHERE day IS NOT NULL)\n\
             , drawn AS (SELECT subject, place, day, row_number() OVER (PARTITION BY subject ORDER BY md5(concat_ws(chr(31), {}, subject, place, day))) AS r, count(*) OVER (PARTITION BY subject) AS n FROM points)\n\
             , steps AS ({})\n\
             , matched AS (SELECT s.p, d.subject, o.subject AS other, count(*) AS hits FROM steps s JOIN drawn d ON d.r <= s.p AND d.n >= s.p JOIN points o ON o.place = d.place AND o.day = d.day GROUP BY s.p, d.subject, o.subject)\n\
             , alone AS (SELECT p, subject FROM matched WHERE hits = p GROUP BY p, subject HAVING count(*) = 1)",
            quote(super::unicity::SEED, dialect),
            (1..=super::unicity::MOST_POINTS)
                .map(|p| format!("SELECT {p} AS p"))
                .collect::<Vec<_>>()
                .join(" UNION ALL ")
        );
    }

    let any = if categories.is_empty() {
        "FALSE".to_string()
    } else {
        categories
            .iter()
            .map(|(bit, _)| format!("c{bit}"))
            .collect::<Vec<_>>()
            .join(" OR ")
    };
    let mut selects = vec![
        "SELECT 'rows' AS measure, '' AS key, count(*) AS value FROM lines".to_string(),
        format!("SELECT 'sensitive_rows', '', sum(CASE WHEN {any} THEN 1 ELSE 0 END) FROM lines"),
    ];
    if subject.is_some() {
        selects.push("SELECT 'subjects', '', count(DISTINCT subject) FROM lines".to_string());
        selects.push(format!(
            "SELECT 'sensitive_subjects', '', count(DISTINCT CASE WHEN {any} THEN subject END) FROM lines"
        ));
    }
    for (bit, name) in &categories {
        let key = quote(name, dialect);
        selects.push(format!(
            "SELECT 'category_rows', {key}, sum(CASE WHEN c{bit} THEN 1 ELSE 0 END) FROM lines"
        ));
        if subject.is_some() {
            selects.push(format!(
                "SELECT 'category_subjects', {key}, count(DISTINCT CASE WHEN c{bit} THEN subject END) FROM lines"
            ));
        }
        selects.push(format!(
            "SELECT 'top:' || {key}, t0, n FROM (SELECT t0, count(*) AS n, row_number() OVER (ORDER BY count(*) DESC, t0) AS r FROM lines WHERE c{bit} GROUP BY t0) top_{bit} WHERE r <= {TOP}"
        ));
    }
    // The sample's column names, when it is at hand, so that the result classifies them as a
    // local scan does (`date_of_birth`, `email`).
    if let Some(path) = sample
        && let Ok((header, _)) = super::scan::header(path)
    {
        for (i, name) in header.iter().enumerate() {
            selects.push(format!("SELECT 'column', {}, {i}", quote(name, dialect)));
        }
        // Value shapes on the first rows, as the local scan checks them: a column has a shape
        // when half its non-empty cells match it.
        for name in &header {
            let cell = format!("trim({})", col(name));
            for shape in &lexicon.shapes {
                let hit = matches(&cell, shape.regex.as_str());
                selects.push(format!(
                    "SELECT {}, {}, CASE WHEN sum(CASE WHEN {cell} <> '' THEN 1 ELSE 0 END) > 0 AND 2 * sum(CASE WHEN {hit} THEN 1 ELSE 0 END) >= sum(CASE WHEN {cell} <> '' THEN 1 ELSE 0 END) THEN 1 ELSE 0 END FROM (SELECT * FROM {from} LIMIT {}) first_rows",
                    quote(&format!("shape:{}", shape.id), dialect),
                    quote(name, dialect),
                    shape_rows
                ));
            }
        }
    }
    if !roles.quasi_identifiers.is_empty() {
        // Records are one per subject and class (one per row without a subject column).
        let size = if subject.is_some() {
            "count(DISTINCT subject)"
        } else {
            "count(*)"
        };
        selects.push(format!(
            "SELECT 'class_size', CAST(k AS STRING), count(*) FROM (SELECT class, {size} AS k FROM lines GROUP BY class) sizes GROUP BY k"
        ));
        if roles.quasi_identifiers.len() > 1 {
            for (left_out, name) in roles.quasi_identifiers.iter().enumerate() {
                let kept: Vec<String> = (0..roles.quasi_identifiers.len())
                    .filter(|i| *i != left_out)
                    .map(|i| format!("q{i}"))
                    .collect();
                let records = if subject.is_some() {
                    format!("(SELECT DISTINCT subject, class, {} FROM lines)", kept.join(", "))
                } else {
                    "lines".to_string()
                };
                selects.push(format!(
                    "SELECT {}, CAST(k AS STRING), count(*) FROM (SELECT {}, count(*) AS k FROM {records} records_{left_out} GROUP BY {}) without_{left_out} GROUP BY k",
                    quote(&format!("class_size_without:{name}"), dialect),
                    kept.join(", "),
                    kept.join(", ")
                ));
            }
        }
    }
    if roles.has_points() {
        selects.push(
            "SELECT 'unicity_subjects', CAST(s.p AS STRING), count(DISTINCT d.subject) FROM steps s LEFT JOIN drawn d ON d.n >= s.p GROUP BY s.p".to_string(),
        );
        selects.push(
            "SELECT 'unicity_unique', CAST(s.p AS STRING), count(a.subject) FROM steps s LEFT JOIN alone a ON a.p = s.p GROUP BY s.p".to_string(),
        );
    }
    let _ = writeln!(out, "{}\nORDER BY 1, 2;", selects.join("\nUNION ALL\n"));
    Ok(match dialect {
        // DuckDB has no STRING type name in CAST; VARCHAR is its name for it.
        Dialect::Duckdb => out.replace("AS STRING)", "AS VARCHAR)"),
        Dialect::Spark => out,
    })
}

/// Reads the SQL's result (a CSV with a header row: measure, key, value) back into a tally.
pub fn read(path: &Path, roles: &Roles, lexicon: &Lexicon) -> Result<Tally> {
    let (mut reader, mark) = super::bounded::bounded_csv(path, "scan results")?;
    let n = lexicon.categories.len();
    let mut tally = Tally {
        header: Vec::new(),
        rows: 0,
        malformed: 0,
        malformed_lines: Vec::new(),
        category_rows: vec![0; n],
        sensitive_rows: 0,
        sensitive_subjects: None,
        category_subjects: if roles.subject.is_some() {
            vec![0; n]
        } else {
            Vec::new()
        },
        subjects: None,
        top_values: vec![Vec::new(); n],
        class_sizes: ClassSizes::default(),
        column_shapes: Vec::new(),
        unicity: None,
    };
    let mut unicity: BTreeMap<u64, (u64, u64)> = BTreeMap::new();
    let mut without: BTreeMap<String, BTreeMap<u64, u64>> = BTreeMap::new();
    let mut columns: Vec<(u64, String)> = Vec::new();
    let mut shapes: Vec<(String, usize)> = Vec::new();
    let mut record = csv::StringRecord::new();
    for line in 2.. {
        mark.set(0);
        let more = reader
            .read_record(&mut record)
            .with_context(|| format!("{}:{line}: not a CSV row", path.display()))?;
        if !more {
            break;
        }
        let (Some(measure), Some(key), Some(value)) = (record.get(0), record.get(1), record.get(2)) else {
            bail!("{}:{line}: expected three columns: measure, key, value", path.display());
        };
        let value: u64 = value
            .trim()
            .parse()
            .with_context(|| format!("{}:{line}: `{value}` is not a count", path.display()))?;
        let bit = || {
            lexicon
                .categories
                .iter()
                .position(|c| c == key)
                .with_context(|| format!("{}:{line}: `{key}` is not a category of the pack", path.display()))
        };
        let size = || -> Result<u64> {
            key.trim()
                .parse()
                .with_context(|| format!("{}:{line}: `{key}` is not a class size", path.display()))
        };
        match measure {
            "column" => columns.push((value, key.to_string())),
            "rows" => tally.rows = value,
            "sensitive_rows" => tally.sensitive_rows = value,
            "subjects" => tally.subjects = Some(value),
            "sensitive_subjects" => tally.sensitive_subjects = Some(value),
            "category_rows" => tally.category_rows[bit()?] = value,
            "category_subjects" if roles.subject.is_some() => tally.category_subjects[bit()?] = value,
            "class_size" => {
                tally.class_sizes.all.insert(size()?, value);
            }
            "unicity_subjects" | "unicity_unique" => {
                let points: u64 = key
                    .trim()
                    .parse()
                    .ok()
                    .filter(|p| (1..=super::unicity::MOST_POINTS).contains(p))
                    .with_context(|| {
                        format!(
                            "{}:{line}: `{key}` is not a number of points (1 to {})",
                            path.display(),
                            super::unicity::MOST_POINTS
                        )
                    })?;
                let entry = unicity.entry(points).or_default();
                if measure == "unicity_subjects" {
                    entry.0 = value;
                } else {
                    entry.1 = value;
                }
            }
            m => {
                if let Some(shape) = m.strip_prefix("shape:") {
                    if value > 0 {
                        let Some(i) = lexicon.shapes.iter().position(|s| s.id == shape) else {
                            bail!("{}:{line}: `{shape}` is not a value shape of the pack", path.display());
                        };
                        shapes.push((key.to_string(), i));
                    }
                } else if let Some(category) = m.strip_prefix("top:") {
                    let Some(b) = lexicon.categories.iter().position(|c| c == category) else {
                        bail!("{}:{line}: `{category}` is not a category of the pack", path.display());
                    };
                    tally.top_values[b].push((key.to_string(), value));
                } else if let Some(q) = m.strip_prefix("class_size_without:") {
                    without.entry(q.to_string()).or_default().insert(size()?, value);
                } else {
                    bail!("{}:{line}: unknown measure `{m}`", path.display());
                }
            }
        }
    }
    columns.sort();
    tally.header = columns.into_iter().map(|(_, name)| name).collect();
    tally.column_shapes = tally
        .header
        .iter()
        .map(|name| {
            let mut found: Vec<usize> = shapes.iter().filter(|(c, _)| c == name).map(|(_, i)| *i).collect();
            found.sort_unstable();
            found
        })
        .collect();
    for values in &mut tally.top_values {
        values.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    }
    if roles.has_points() {
        tally.unicity = Some(
            (1..=super::unicity::MOST_POINTS)
                .map(|p| {
                    let (subjects, unique) = unicity.get(&p).copied().unwrap_or_default();
                    crate::model::observed::Step::new(p, subjects, unique)
                })
                .collect(),
        );
    }
    tally.class_sizes.without = roles
        .quasi_identifiers
        .iter()
        .filter_map(|q| without.remove(q).map(|h| (q.clone(), h)))
        .collect();
    Ok(tally)
}
