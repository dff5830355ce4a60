//! The rule pack: where rule files are found (embedded default pack, `--rules DIR`), read,
//! merged by id, and checked for consistency before any deal is assessed.

mod build;
mod cost;
pub mod expr;
pub mod lexicon;
pub mod model;
mod reach;
pub mod reads;
mod taxonomy;
mod validate;

use anyhow::{Context as _, Result, bail};
use build::Builder;
use include_dir::{Dir, include_dir};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use expr::{ENV, Expr};
pub use model::*;

/// Most records of one kind (rules, categories, mitigations...) a pack may hold: dozens of
/// times the default pack's largest section, bounded because every rule is evaluated on every
/// deal, and every mitigation tried on it.
pub const MAX_RECORDS: usize = 2_000;

/// The folder of a pack that holds its test cases.
pub const TESTS_DIR: &str = "tests";

/// The default pack, compiled into the binary so dealrisk works from any directory.
static DEFAULT_PACK: Dir = include_dir!("$CARGO_MANIFEST_DIR/rules");

/// The merged rule pack, every record keyed by id.
#[derive(Debug)]
pub struct RulePack {
    pub scoring: Scoring,
    /// Sorted by `order`.
    pub areas: Vec<Area>,
    pub harms: BTreeMap<String, Harm>,
    pub fideslang: BTreeMap<String, FideslangKey>,
    pub problems: BTreeMap<String, Problem>,
    pub categories: BTreeMap<String, Category>,
    pub inferences: BTreeMap<String, Inference>,
    pub families: BTreeMap<String, Family>,
    pub purposes: BTreeMap<String, Purpose>,
    pub drift_modifiers: BTreeMap<String, DriftModifier>,
    pub predicates: BTreeMap<String, Predicate>,
    pub sectors: BTreeMap<String, Sector>,
    pub jurisdictions: BTreeMap<String, Jurisdiction>,
    pub mitigations: BTreeMap<String, Mitigation>,
    pub rules: BTreeMap<String, Rule>,
    /// Shapes of values that reveal a category (emails, phone numbers) in a data sample.
    pub value_shapes: BTreeMap<String, ValueShape>,
    /// The files the pack was read from, in reading order.
    pub files: Vec<String>,
    /// Findings of sensitive categories left out by `--select` and `--ignore` (the rules left
    /// out are gone from `rules`).
    pub not_run: std::collections::BTreeSet<String>,
    /// The evidence scan's automata, built from the categories' signals on first use.
    lexicon: std::sync::OnceLock<crate::pack::lexicon::Lexicon>,
    /// Which file each record came from, keyed by (section, id), and each file's text.
    origins: BTreeMap<(&'static str, String), String>,
    sources: BTreeMap<String, String>,
}

impl RulePack {
    /// What identifies the rules a report was made with: the first 12 hex digits of an MD5
    /// digest of every file's name and text, in reading order. The default pack changes
    /// between releases without a number of its own; a board paper names the exact pack.
    pub fn fingerprint(&self) -> String {
        use md5::{Digest, Md5};
        let mut hasher = Md5::new();
        for name in &self.files {
            hasher.update(name.as_bytes());
            hasher.update([0]);
            hasher.update(self.sources.get(name).map(String::as_bytes).unwrap_or_default());
            hasher.update([0]);
        }
        let digest: [u8; 16] = hasher.finalize().into();
        digest[..6].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// The default pack, then each extra pack in order; a later record replaces an earlier
    /// one with the same id.
    pub fn load(extra: &[PathBuf]) -> Result<RulePack> {
        let mut builder = Builder::default();
        for (name, text) in Self::default_sources() {
            builder.add(0, format!("rules/{name}"), text)?;
        }
        for (layer, dir) in extra.iter().enumerate() {
            for file in toml_files(dir)? {
                let text = crate::input::read_text(&file, "rule file")?;
                builder.add(layer + 1, file.display().to_string(), text)?;
            }
        }
        builder.finish()
    }

    /// A pack from rule files already in memory, as (name, text), read as one pack without the
    /// default one: a pack checked without touching the disk (the fuzz targets use it).
    pub fn from_sources(files: Vec<(String, String)>) -> Result<RulePack> {
        let mut builder = Builder::default();
        for (name, text) in files {
            builder.add(0, name, text)?;
        }
        builder.finish()
    }

    /// The default pack's rule files, as (name, text), sorted by name.
    pub fn default_sources() -> Vec<(String, String)> {
        let mut files = Vec::new();
        collect_embedded(&DEFAULT_PACK, &mut files);
        files.sort_by(|a, b| a.0.cmp(&b.0));
        files
    }

    /// Keeps the rules `select` names (every rule when it is empty) less those `ignore` names
    /// (`--select`, `--ignore`), and says how many were left out. Each entry is a finding id
    /// (a rule's, `CE-FRONT-PAGE`, or a sensitive category's, `SD-HEALTH`) or a prefix ending in
    /// `-` (`RT-`: every regulatory trigger). One that names nothing is an error with the
    /// nearest id, since a misspelt `--ignore` would silently keep the rule.
    pub fn select_rules(&mut self, select: &[String], ignore: &[String]) -> Result<usize> {
        let names = |entry: &str, id: &str| {
            if entry.ends_with('-') {
                id.starts_with(entry)
            } else {
                id == entry
            }
        };
        let ids: Vec<String> = self.finding_ids().map(str::to_string).collect();
        for (option, entries) in [("--select", select), ("--ignore", ignore)] {
            for entry in entries {
                if !ids.iter().any(|id| names(entry, id)) {
                    let hint = crate::input::diagnostic::nearest(entry, ids.iter().map(String::as_str))
                        .map(|n| format!("; did you mean `{n}`?"))
                        .unwrap_or_default();
                    bail!(
                        "{option} `{entry}`: no rule of the pack has this id or prefix{hint} (expected a rule id such as `SD-HEALTH`, or a prefix ending in `-` such as `RT-`; `dealrisk rules list` lists them)"
                    );
                }
            }
        }
        let runs = |id: &str| {
            (select.is_empty() || select.iter().any(|e| names(e, id))) && !ignore.iter().any(|e| names(e, id))
        };
        self.not_run = ids.iter().filter(|id| !runs(id)).cloned().collect();
        self.rules.retain(|id, _| runs(id));
        Ok(self.not_run.len())
    }

    /// The signals of the categories, compiled for scanning data.
    pub fn lexicon(&self) -> Result<&crate::pack::lexicon::Lexicon> {
        if let Some(l) = self.lexicon.get() {
            return Ok(l);
        }
        let built = crate::pack::lexicon::Lexicon::new(&self.categories, &self.value_shapes)?;
        Ok(self.lexicon.get_or_init(|| built))
    }

    /// The level name (`levels[n - 1]`) of a level 1..=4.
    pub fn level_name(&self, level: u8) -> &str {
        self.scoring
            .levels
            .get(usize::from(level.max(1)) - 1)
            .map_or("?", String::as_str)
    }

    /// Severity of a category weight, per `weight_severity`.
    pub fn weight_severity(&self, weight: u8) -> u8 {
        self.scoring
            .weight_severity
            .iter()
            .find(|w| weight <= w.max_weight)
            .map_or(4, |w| w.severity)
    }

    /// Rank of a band, lowest first; a name the pack lacks ranks lowest.
    pub fn band_rank(&self, band: &str) -> usize {
        self.scoring.bands.iter().position(|b| b.id == band).unwrap_or(0)
    }

    /// Rank of a consent level on the ladder; unknown or unlisted ranks as the weakest.
    pub fn consent_rank(&self, level: &str) -> i64 {
        self.scoring
            .consent_ladder
            .iter()
            .position(|l| l == level)
            .map_or(0, |i| i as i64)
    }

    /// The file a finding id (a rule, or a category's finding) was read from.
    pub fn origin_of_finding(&self, id: &str) -> Option<&str> {
        let key = match self.categories.values().find(|c| c.rule == id) {
            Some(c) => ("category", c.id.clone()),
            None => ("rule", id.to_string()),
        };
        self.origins.get(&key).map(String::as_str)
    }

    /// An error in evaluating one of the pack's expressions, rewritten to name the file, line
    /// and column the expression is written at and the deal it was evaluated on; any other
    /// error is returned as it is.
    pub fn locate(&self, error: anyhow::Error, deal_file: &str) -> anyhow::Error {
        let Some(e) = error.downcast_ref::<expr::EvalError>() else {
            return error;
        };
        let file = self
            .origins
            .get(&(e.section, e.id.clone()))
            .map_or("the rule pack", String::as_str);
        let source = self.sources.get(file).map_or("", String::as_str);
        let message = format!("{e} (assessing {deal_file})");
        anyhow::anyhow!(crate::input::diagnostic::at_span(
            Path::new(file),
            source,
            Some(e.span.clone()),
            &message
        ))
    }

    /// Every rule id the pack can report: rules and the findings of sensitive categories.
    pub fn finding_ids(&self) -> impl Iterator<Item = &str> {
        self.rules
            .keys()
            .map(String::as_str)
            .chain(self.categories.values().map(|c| c.rule.as_str()))
    }
}

/// Writes the default pack's test folder (`rules/tests/`, embedded: cases, base deals and the
/// samples they scan) into `into`, so that it runs like a client pack's.
pub fn extract_default_tests(into: &Path) -> Result<()> {
    let Some(dir) = DEFAULT_PACK.get_dir(TESTS_DIR) else {
        return Ok(());
    };
    for file in dir.files() {
        let name = file.path().file_name().unwrap_or_default();
        std::fs::write(into.join(name), file.contents())
            .with_context(|| format!("cannot write the default pack's tests into {}", into.display()))?;
    }
    Ok(())
}

fn collect_embedded(dir: &'static Dir<'static>, out: &mut Vec<(String, String)>) {
    for file in dir.files() {
        let path = file.path();
        if path.extension().is_some_and(|e| e == "toml")
            && let Some(text) = file.contents_utf8()
        {
            out.push((path.display().to_string(), text.to_string()));
        }
    }
    for sub in dir.dirs().filter(|d| !is_tests_dir(d.path())) {
        collect_embedded(sub, out);
    }
}

/// A pack's `tests/` folder holds its test cases (`dealrisk rules test`), not rules.
fn is_tests_dir(path: &Path) -> bool {
    path.file_name().is_some_and(|n| n == TESTS_DIR)
}

/// The `*.toml` files under `dir`, recursively, in a stable order (`tests/` excluded).
fn toml_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let meta = std::fs::metadata(dir).with_context(|| format!("cannot read rule pack {}", dir.display()))?;
    if !meta.is_dir() {
        bail!(
            "rule pack {} is not a folder; --rules takes a folder of *.toml rule files",
            dir.display()
        );
    }
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(d) = pending.pop() {
        let entries = std::fs::read_dir(&d).with_context(|| format!("cannot read rule pack {}", d.display()))?;
        for entry in entries {
            let entry = entry.with_context(|| format!("cannot read rule pack {}", d.display()))?;
            let path = entry.path();
            // A symlinked folder is not followed: a link to a parent would never end the walk.
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                if !is_tests_dir(&path) {
                    pending.push(path);
                }
            } else if path.extension().is_some_and(|e| e == "toml") {
                files.push(path);
            }
        }
    }
    files.sort();
    if files.is_empty() {
        bail!("rule pack {} holds no *.toml rule files", dir.display());
    }
    Ok(files)
}
