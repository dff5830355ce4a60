//! The case library: real deals with known outcomes (docs/cases.md). Each case is a deal file
//! in `deals/` and its outcome in `outcomes/`, paired by file name; the library of the
//! repository (`cases/`) is embedded in the binary, so `dealrisk calibrate` and the precedents
//! work from any directory.

use crate::engine::deal_check::{EvidenceMode, Loaded};
use crate::input::diagnostic::parse_toml;
use crate::model::precedent::Label;
use crate::pack::RulePack;
use anyhow::{Context as _, Result, bail};
use include_dir::{Dir, include_dir};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

static LIBRARY: Dir = include_dir!("$CARGO_MANIFEST_DIR/cases");

/// `outcomes/<case>.toml`: what happened to the deal, recorded apart from it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OutcomeRecord {
    pub label: Label,
    /// The year of the outcome (order, fine, closure, recognition).
    pub year: u32,
    pub what_happened: String,
    /// `near-reference` (close to the reference situation), `near-miss` (structured well).
    #[serde(default)]
    pub tags: Vec<Tag>,
    pub sources: Vec<Source>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Tag {
    NearReference,
    NearMiss,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    pub title: String,
    pub url: String,
    pub publisher: String,
    #[serde(default)]
    pub date: Option<String>,
    /// What the source is cited for: the outcome, the deal's facts, or both.
    pub supports: Supports,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Supports {
    Outcome,
    Deal,
    Both,
}

/// One case: its id (the file name), the deal as read and checked, and its outcome.
pub struct Case {
    pub id: String,
    pub deal_file: String,
    pub deal: Loaded,
    pub outcome: OutcomeRecord,
}

/// Where the library is read from: a folder, or the one embedded in the binary.
pub enum Library<'a> {
    Folder(&'a Path),
    Embedded,
}

impl Library<'_> {
    pub fn describe(&self) -> String {
        match self {
            Library::Folder(dir) => dir.display().to_string(),
            Library::Embedded => "the embedded case library (cases/)".to_string(),
        }
    }
}

/// Reads every case of a library, checking each deal against the pack. A deal without an
/// outcome, or an outcome without a deal, is an error naming the file: an unlabelled case
/// would silently drop out of the figures.
pub fn load(library: &Library, pack: &RulePack) -> Result<Vec<Case>> {
    let (deals, outcomes) = match library {
        Library::Folder(dir) => (read_folder(&dir.join("deals"))?, read_folder(&dir.join("outcomes"))?),
        Library::Embedded => (embedded_files("deals"), embedded_files("outcomes")),
    };
    let mut problems = Vec::new();
    for (id, path, _) in &outcomes {
        if !deals.iter().any(|(d, _, _)| d == id) {
            problems.push(format!(
                "{}: an outcome with no deal file `deals/{id}.toml`",
                path.display()
            ));
        }
    }
    let mut cases = Vec::new();
    let evidence = EvidenceMode::default();
    for (id, path, text) in deals {
        let Some((_, outcome_path, outcome_text)) = outcomes.iter().find(|(o, _, _)| *o == id) else {
            problems.push(format!(
                "{}: a deal with no outcome file `outcomes/{id}.toml`",
                path.display()
            ));
            continue;
        };
        let outcome: OutcomeRecord = match parse_toml(outcome_path, outcome_text) {
            Ok(o) => o,
            Err(e) => {
                problems.push(format!("{e:#}"));
                continue;
            }
        };
        if outcome.sources.is_empty() {
            problems.push(format!(
                "{}: `sources` must name at least one source",
                outcome_path.display()
            ));
        }
        match crate::engine::deal_check::load_source(&path, text, pack, evidence) {
            Ok(deal) => cases.push(Case {
                id,
                deal_file: path.display().to_string(),
                deal,
                outcome,
            }),
            Err(e) => problems.push(format!("{e:#}")),
        }
    }
    if !problems.is_empty() {
        bail!("{}", problems.join("\n"));
    }
    if cases.is_empty() {
        bail!(
            "{}: no cases found (expected deals/*.toml and outcomes/*.toml)",
            library.describe()
        );
    }
    Ok(cases)
}

/// `*.toml` files of a folder, sorted: (file stem, path, text).
fn read_folder(dir: &Path) -> Result<Vec<(String, PathBuf, String)>> {
    let entries = std::fs::read_dir(dir).with_context(|| format!("cannot read the case folder {}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|path| {
            let text = crate::input::read_text(&path, "case file")?;
            Ok((stem(&path), path, text))
        })
        .collect()
}

/// The text of a file of the embedded library, by its path under `cases/`.
pub fn embedded_file(path: &str) -> Option<&'static str> {
    LIBRARY.get_file(path)?.contents_utf8()
}

/// The `*.toml` files of a folder of the embedded library, sorted: (file stem, path, text).
pub fn embedded_files(folder: &str) -> Vec<(String, PathBuf, String)> {
    let mut files: Vec<(String, PathBuf, String)> = LIBRARY
        .get_dir(folder)
        .into_iter()
        .flat_map(|d| d.files())
        .filter(|f| f.path().extension().is_some_and(|e| e == "toml"))
        .filter_map(|f| {
            let path = Path::new("cases").join(f.path());
            Some((stem(&path), path, f.contents_utf8()?.to_string()))
        })
        .collect();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Whether a case belongs to the fixed third of the library that is never used for fitting:
/// chosen by a hash of its id (FNV-1a), so adding cases never moves an old one across.
pub fn held_out(id: &str) -> bool {
    let hash = id.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    hash % 3 == 0
}
