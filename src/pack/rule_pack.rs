//! The merged rule pack, every record keyed by id, and what the other stages ask of it: a
//! level's name, a band's rank, the file a finding comes from, an evaluation error located in
//! its rule file, the rules a run selects, the keyword lexicon.

use super::lexicon::Lexicon;
use super::model::*;
use anyhow::{Result, bail};
use std::collections::BTreeMap;
use std::path::Path;

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
    pub(super) lexicon: std::sync::OnceLock<Lexicon>,
    /// Which file each record came from, keyed by (section, id), and each file's text.
    pub(super) origins: BTreeMap<(&'static str, String), String>,
    pub(super) sources: BTreeMap<String, String>,
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
    pub fn lexicon(&self) -> Result<&Lexicon> {
        if let Some(l) = self.lexicon.get() {
            return Ok(l);
        }
        let built = Lexicon::new(&self.categories, &self.value_shapes)?;
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
        let Some(e) = error.downcast_ref::<super::expr::EvalError>() else {
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
