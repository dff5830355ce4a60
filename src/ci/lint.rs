//! `dealrisk rules lint`: what loading a pack checks (every file parses, every expression
//! compiles and reads fields the deal has, every reference resolves), then a trial run: each
//! `dealrisk init` template, with its scenarios, mitigations tried and unknowns answered, is
//! assessed with the pack, so that an expression that compiles yet cannot evaluate (a division
//! by zero, a level out of range, a condition that is not true or false) is found here, at its
//! file, line and column, rather than on a user's deal.

use crate::engine::deal_check::{EvidenceMode, load_source};
use crate::engine::whatif::WhatIf;
use crate::input::templates::Template;
use crate::pack::RulePack;
use anyhow::{Result, bail};
use clap::ValueEnum as _;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub fn lint(dirs: &[PathBuf]) -> Result<String> {
    let pack = RulePack::load(dirs)?;
    // One entry per place: the same expression fails on many templates.
    let mut problems = BTreeMap::new();
    let mut tried = 0;
    for template in Template::value_variants() {
        let Some(name) = template
            .to_possible_value()
            .map(|v| format!("template {}", v.get_name()))
        else {
            continue;
        };
        let mode = EvidenceMode::default();
        // A pack that renames the categories or purposes a template uses cannot read it: the
        // template says nothing about the pack then, and is skipped.
        let Ok(loaded) = load_source(Path::new(&name), template.text().to_string(), &pack, mode) else {
            continue;
        };
        tried += 1;
        let scenarios = loaded.deal.scenarios.iter().map(|s| Some(s.name.get_ref().as_str()));
        for scenario in std::iter::once(None).chain(scenarios) {
            if let Err(e) = crate::engine::whatif::report(&name, &loaded, &pack, scenario, WhatIf::Full) {
                let text = format!("{e:#}");
                let first = text.lines().next().unwrap_or_default();
                let place = first.split_once("): ").map_or(first, |(place, _)| place).to_string();
                problems.entry(place).or_insert(text);
            }
        }
    }
    if !problems.is_empty() {
        let all: Vec<String> = problems.into_values().collect();
        bail!(
            "the rule pack has {} expression(s) that fail to evaluate:\n{}",
            all.len(),
            all.join("\n")
        );
    }
    Ok(format!(
        "ok: {} rule file(s), {} rules, {} categories, {} inferences, {} purposes, {} mitigations; {tried} template(s) assessed without error\n",
        pack.files.len(),
        pack.rules.len(),
        pack.categories.len(),
        pack.inferences.len(),
        pack.purposes.len(),
        pack.mitigations.len()
    ))
}
