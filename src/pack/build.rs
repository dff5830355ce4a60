//! Rule files merged into one pack: each file's records added by id (a later layer's record
//! replaces an earlier one's), then the whole checked and its findings ranked.

use super::model::*;
use super::rule_pack::RulePack;
use super::validate;
use anyhow::{Result, bail};
use std::collections::BTreeMap;
use std::path::Path;

/// Most records of one kind (rules, categories, mitigations...) a pack may hold: dozens of
/// times the default pack's largest section, bounded because every rule is evaluated on every
/// deal, and every mitigation tried on it.
const MAX_RECORDS: usize = 2_000;

#[derive(Default)]
pub(super) struct Builder {
    scoring: Option<Scoring>,
    areas: BTreeMap<String, Area>,
    harms: BTreeMap<String, Harm>,
    fideslang: BTreeMap<String, FideslangKey>,
    problems: BTreeMap<String, Problem>,
    categories: BTreeMap<String, Category>,
    inferences: BTreeMap<String, Inference>,
    families: BTreeMap<String, Family>,
    purposes: BTreeMap<String, Purpose>,
    drift_modifiers: BTreeMap<String, DriftModifier>,
    predicates: BTreeMap<String, Predicate>,
    sectors: BTreeMap<String, Sector>,
    jurisdictions: BTreeMap<String, Jurisdiction>,
    mitigations: BTreeMap<String, Mitigation>,
    rules: BTreeMap<String, Rule>,
    value_shapes: BTreeMap<String, ValueShape>,
    files: Vec<String>,
    /// (section, id) -> (layer, file)
    origins: BTreeMap<(&'static str, String), (usize, String)>,
    /// Distinct ids per section.
    counts: BTreeMap<&'static str, usize>,
    sources: BTreeMap<String, String>,
}

impl Builder {
    pub(super) fn add(&mut self, layer: usize, name: String, text: String) -> Result<()> {
        let file: PackFile = crate::input::diagnostic::parse_toml(Path::new(&name), &text)?;
        self.sources.insert(name.clone(), text);
        self.files.push(name.clone());
        if let Some(scoring) = file.scoring {
            self.scoring = Some(scoring);
        }
        macro_rules! merge {
            ($section:literal, $items:expr, $map:expr) => {
                for item in $items {
                    self.claim($section, &item.id, layer, &name)?;
                    $map.insert(item.id.clone(), item);
                }
            };
        }
        merge!("area", file.area, self.areas);
        merge!("harm", file.harm, self.harms);
        merge!("fideslang", file.fideslang, self.fideslang);
        merge!("problem", file.problem, self.problems);
        merge!("category", file.category, self.categories);
        merge!("inference", file.inference, self.inferences);
        merge!("family", file.family, self.families);
        merge!("purpose", file.purpose, self.purposes);
        merge!("drift_modifier", file.drift_modifier, self.drift_modifiers);
        merge!("predicate", file.predicate, self.predicates);
        merge!("sector", file.sector, self.sectors);
        merge!("jurisdiction", file.jurisdiction, self.jurisdictions);
        merge!("mitigation", file.mitigation, self.mitigations);
        merge!("rule", file.rule, self.rules);
        merge!("value_shape", file.value_shape, self.value_shapes);
        Ok(())
    }

    /// Records where an id comes from; the same id twice within one pack is an error, and so
    /// is a section of more than `MAX_RECORDS` records.
    fn claim(&mut self, section: &'static str, id: &str, layer: usize, file: &str) -> Result<()> {
        let key = (section, id.to_string());
        if !self.origins.contains_key(&key) {
            let count = self.counts.entry(section).or_default();
            *count += 1;
            if *count > MAX_RECORDS {
                let text = &self.sources[file];
                bail!(crate::input::diagnostic::at_span(
                    Path::new(file),
                    text,
                    validate::find_record(text, id),
                    &format!(
                        "more than {MAX_RECORDS} {section} records in the rule pack; split the pack, or merge records"
                    )
                ));
            }
        }
        if let Some((earlier_layer, earlier_file)) = self.origins.get(&key)
            && *earlier_layer == layer
        {
            let text = &self.sources[file];
            let span = validate::find_record(text, id);
            bail!(crate::input::diagnostic::at_span(
                Path::new(file),
                text,
                span,
                &format!("duplicate {section} id `{id}`, already defined in {earlier_file}")
            ));
        }
        self.origins.insert(key, (layer, file.to_string()));
        Ok(())
    }

    pub(super) fn finish(self) -> Result<RulePack> {
        let Some(scoring) = self.scoring else {
            bail!("the rule pack has no [scoring] table (read: {})", self.files.join(", "));
        };
        let mut categories = self.categories;
        let mut rules = self.rules;
        rank_findings(&mut categories, &mut rules);
        let mut areas: Vec<Area> = self.areas.into_values().collect();
        areas.sort_by(|a, b| a.order.cmp(&b.order).then_with(|| a.id.cmp(&b.id)));
        let pack = RulePack {
            scoring,
            areas,
            harms: self.harms,
            fideslang: self.fideslang,
            problems: self.problems,
            categories,
            inferences: self.inferences,
            families: self.families,
            purposes: self.purposes,
            drift_modifiers: self.drift_modifiers,
            predicates: self.predicates,
            sectors: self.sectors,
            jurisdictions: self.jurisdictions,
            mitigations: self.mitigations,
            rules,
            value_shapes: self.value_shapes,
            files: self.files,
            not_run: Default::default(),
            lexicon: std::sync::OnceLock::new(),
            origins: self.origins.into_iter().map(|(k, (_, f))| (k, f)).collect(),
            sources: self.sources,
        };
        validate::check(&pack)?;
        Ok(pack)
    }
}

/// Numbers every finding id, rules' and categories', in the order of the ids
/// (`Rule::rank`, `Category::rank`).
fn rank_findings(categories: &mut BTreeMap<String, Category>, rules: &mut BTreeMap<String, Rule>) {
    let mut ids: Vec<&str> = rules
        .keys()
        .map(String::as_str)
        .chain(categories.values().map(|c| c.rule.as_str()))
        .collect();
    ids.sort_unstable();
    let ranks: BTreeMap<String, u32> = ids.iter().zip(0..).map(|(id, n)| (id.to_string(), n)).collect();
    for c in categories.values_mut() {
        c.rank = ranks[&c.rule];
    }
    for r in rules.values_mut() {
        r.rank = ranks[&r.id];
    }
}
