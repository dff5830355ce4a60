//! The rule pack: where rule files are found (embedded default pack, `--rules DIR`), read,
//! merged by id, and checked for consistency before any deal is assessed.

mod build;
mod cost;
pub mod expr;
pub mod lexicon;
pub mod model;
mod reach;
pub mod reads;
mod rule_pack;
mod taxonomy;
mod validate;

use anyhow::{Context as _, Result, bail};
use build::Builder;
use include_dir::{Dir, include_dir};
use std::path::{Path, PathBuf};

pub use expr::{ENV, Expr};
pub use model::*;
pub use rule_pack::RulePack;

/// The folder of a pack that holds its test cases.
pub const TESTS_DIR: &str = "tests";

/// The default pack, compiled into the binary so dealrisk works from any directory.
static DEFAULT_PACK: Dir = include_dir!("$CARGO_MANIFEST_DIR/rules");

impl RulePack {
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
