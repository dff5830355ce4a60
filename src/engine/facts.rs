//! Facts derived from a deal through the pack's taxonomies before any rule runs: which
//! sensitive categories are present (declared or inferred), how far each proposed purpose
//! drifts from the purposes of collection, which consent the use needs. Rules read them as
//! `facts` in their conditions (their types are in `model::facts`); reports show how each was
//! reached.

use crate::engine::condition::{Ints, Owner, Scope};
use crate::model::deal::Deal;
use crate::model::facts::{DriftStep, Facts, InEffect, Presence, PurposeDrift};
use crate::model::paths::{Cited, cite};
use crate::pack::RulePack;
use anyhow::Result;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// A deal's facts and how each was reached.
pub struct Derived {
    pub facts: Facts,
    /// `facts` as JSON, what rules read as `facts` (predicates included).
    pub json: Value,
    pub mitigations: Vec<InEffect>,
    pub presence: Vec<Presence>,
    pub drift: Vec<PurposeDrift>,
}

/// Whether derived facts say which fields they rest on (`Presence::because`,
/// `InEffect::implied_by`): only a full report shows them, and citing was a twentieth of each
/// of what-if's variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cites {
    Fields,
    Omitted,
}

/// The facts of a deal; `root` is its scope with `deal` bound (`Scope::of_deal`).
pub fn derive(deal: &Deal, deal_json: &Value, root: &Scope, pack: &RulePack, cites: Cites) -> Result<Derived> {
    let cite_field = |path: &str| match cites {
        Cites::Fields => cite(deal_json, path),
        Cites::Omitted => Vec::new(),
    };
    let in_effect = mitigations_in_effect(deal, &cite_field, root, pack)?;
    let mitigations: Vec<String> = in_effect.iter().map(|m| m.id.clone()).collect();
    let presence = sensitive_presence(deal, deal_json, &cite_field, root, pack)?;
    let provider_sector = &pack.sectors[deal.provider.sector.get_ref()];
    let recipient_expected = provider_sector
        .expected_recipients
        .iter()
        .any(|s| s == deal.recipient.sector.get_ref());
    let drift = purpose_drift(deal, root, pack, &mitigations, recipient_expected)?;

    let categories: BTreeSet<&str> = presence.iter().map(|p| p.category.as_str()).collect();
    let declared: BTreeSet<&str> = presence
        .iter()
        .filter(|p| p.by == "declared")
        .map(|p| p.category.as_str())
        .collect();
    let max_weight = categories.iter().map(|c| pack.categories[*c].weight).max().unwrap_or(0);
    let mut required = pack.scoring.consent_ladder.first().cloned().unwrap_or_default();
    let needs = categories.iter().map(|c| &pack.categories[*c].consent_required).chain(
        deal.proposed_use
            .purposes
            .iter()
            .map(|p| &pack.purposes[p.get_ref()].consent_required),
    );
    for need in needs {
        if pack.consent_rank(need) > pack.consent_rank(&required) {
            required = need.clone();
        }
    }
    let consent = serde_json::to_value(deal.collection.consent)?;
    let notice: BTreeSet<&str> = deal
        .collection
        .notice_purposes
        .iter()
        .map(|p| p.get_ref().as_str())
        .collect();
    let families = |purposes: &[crate::model::deal::Text]| -> Vec<String> {
        purposes
            .iter()
            .map(|p| pack.purposes[p.get_ref()].family.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    let people = deal.datasets.iter().map(|d| d.people);

    let facts = Facts {
        categories: categories.iter().map(|c| c.to_string()).collect(),
        declared_categories: declared.iter().map(|c| c.to_string()).collect(),
        inferred_categories: categories.difference(&declared).map(|c| c.to_string()).collect(),
        weights: pack
            .categories
            .values()
            .map(|c| (c.id.clone(), i64::from(c.weight)))
            .collect(),
        likelihoods: presence.iter().fold(BTreeMap::new(), |mut map, p| {
            let entry = map.entry(p.category.clone()).or_insert(0);
            *entry = (*entry).max(i64::from(p.likelihood));
            map
        }),
        max_weight: i64::from(max_weight),
        max_category_severity: if max_weight == 0 {
            0
        } else {
            i64::from(pack.weight_severity(max_weight))
        },
        drift: drift.iter().map(|d| d.distance).max().unwrap_or(0),
        use_families: families(&deal.proposed_use.purposes),
        collection_families: families(&deal.collection.purposes),
        unnoticed_purposes: deal
            .proposed_use
            .purposes
            .iter()
            .map(|p| p.get_ref())
            .filter(|p| !notice.contains(p.as_str()))
            .cloned()
            .collect(),
        consent_rank: pack.consent_rank(consent.as_str().unwrap_or("unknown")),
        required_consent_rank: pack.consent_rank(&required),
        required_consent: required,
        recipient_expected: provider_sector
            .expected_recipients
            .iter()
            .any(|s| s == deal.recipient.sector.get_ref()),
        max_people: people
            .clone()
            .filter_map(|c| match c {
                crate::model::deal::Count::Known(n) => Some(i64::try_from(n).unwrap_or(i64::MAX)),
                crate::model::deal::Count::Unknown => None,
            })
            .max()
            .unwrap_or(0),
        people_unknown: people.clone().any(|c| c == crate::model::deal::Count::Unknown),
        mitigations,
        jurisdictions: deal
            .provider
            .jurisdictions
            .iter()
            .chain(&deal.recipient.jurisdictions)
            .map(|j| j.get_ref().clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect(),
        evidence: deal
            .datasets
            .iter()
            .filter_map(crate::model::deal::Dataset::evidence)
            .map(|e| crate::model::observed::facts(&e))
            .collect(),
        predicates: BTreeMap::new(),
    };
    let mut facts = facts;
    let mut json = serde_json::to_value(&facts)?;
    facts.predicates = predicates(root, &json, pack)?;
    // What serialising the facts again would give (predicates are flattened into them),
    // without serialising them again.
    if let Value::Object(map) = &mut json {
        map.extend(
            facts
                .predicates
                .iter()
                .map(|(id, holds)| (id.clone(), Value::Bool(*holds))),
        );
    }
    Ok(Derived {
        facts,
        json,
        mitigations: in_effect,
        presence,
        drift,
    })
}

/// Every predicate of the pack over the deal and its other facts (`facts`, as JSON).
fn predicates(root: &Scope, facts: &Value, pack: &RulePack) -> Result<BTreeMap<String, bool>> {
    let scope =
        root.child()
            .with("facts", facts, Ints::Signed)
            .with("mitigations", &facts["mitigations"], Ints::Signed);
    pack.predicates
        .values()
        .map(|p| Ok((p.id.clone(), scope.condition(&p.when, Owner::new("predicate", &p.id))?)))
        .collect()
}

/// Declared mitigations (the evidenced declaration wins over an asserted one), then those the
/// deal's facts imply, one entry per id in id order.
fn mitigations_in_effect(
    deal: &Deal,
    cite_field: &dyn Fn(&str) -> Vec<Cited>,
    root: &Scope,
    pack: &RulePack,
) -> Result<Vec<InEffect>> {
    let mut by_id: BTreeMap<String, InEffect> = BTreeMap::new();
    for m in &deal.mitigations {
        let id = m.id.get_ref();
        let entry = InEffect {
            id: id.clone(),
            title: pack.mitigations[id].title.clone(),
            evidence: m.evidence.clone(),
            asserted: m.evidence.is_none(),
            implied_by: Vec::new(),
        };
        match by_id.get(id) {
            Some(known) if !known.asserted => {}
            _ => {
                by_id.insert(id.clone(), entry);
            }
        }
    }
    let scope = root;
    for m in pack.mitigations.values() {
        let Some(when) = &m.implied_by else { continue };
        if !scope.condition(when, Owner::new("mitigation", &m.id))? {
            continue;
        }
        let implied_by = m.because.iter().flat_map(|p| cite_field(p)).collect();
        let entry = by_id.entry(m.id.clone()).or_insert_with(|| InEffect {
            id: m.id.clone(),
            title: m.title.clone(),
            evidence: None,
            asserted: false,
            implied_by: Vec::new(),
        });
        entry.asserted = false;
        entry.implied_by = implied_by;
    }
    Ok(by_id.into_values().collect())
}

/// Declared categories, then inferences run to a fixed point (an inferred trait can reveal
/// another), all after the dataset's exclusions.
fn sensitive_presence(
    deal: &Deal,
    deal_json: &Value,
    cite_field: &dyn Fn(&str) -> Vec<Cited>,
    root: &Scope,
    pack: &RulePack,
) -> Result<Vec<Presence>> {
    let mut all = Vec::new();
    for (index, dataset) in deal.datasets.iter().enumerate() {
        let excluded: BTreeSet<&str> = dataset.excluded.iter().map(|c| c.get_ref().as_str()).collect();
        let mut found: BTreeMap<String, Presence> = BTreeMap::new();
        for category in &dataset.categories {
            let id = category.get_ref();
            if excluded.contains(id.as_str()) {
                continue;
            }
            found.entry(id.clone()).or_insert_with(|| Presence {
                category: id.clone(),
                fideslang: pack.categories[id].fideslang.clone(),
                dataset: dataset.id.clone(),
                by: "declared".to_string(),
                likelihood: pack.scoring.declared_likelihood,
                because: cite_field(&format!("datasets[{index}].categories")),
            });
        }
        // What the data show counts whatever was declared or excluded.
        for seen in dataset.observed.iter().flat_map(|o| &o.categories) {
            let Some(category) = pack.categories.get(&seen.category) else {
                continue;
            };
            let likelihood = pack.scoring.observed_likelihood;
            if found.get(&seen.category).is_some_and(|p| p.likelihood >= likelihood) {
                continue;
            }
            found.insert(
                seen.category.clone(),
                Presence {
                    category: seen.category.clone(),
                    fideslang: category.fideslang.clone(),
                    dataset: dataset.id.clone(),
                    by: "observed".to_string(),
                    likelihood,
                    because: vec![Cited {
                        path: format!("datasets[{index}].evidence"),
                        value: Value::String(seen.summary.clone()),
                    }],
                },
            );
        }
        loop {
            // The dataset as the deal's JSON has it (written once per assessment), its
            // categories those found so far.
            let mut view = deal_json["datasets"][index].clone();
            view["categories"] = Value::Array(found.keys().map(|c| Value::String(c.clone())).collect());
            let scope = root.child().with("dataset", &view, Ints::Unsigned);
            let mut added = false;
            for inference in pack.inferences.values() {
                let reveals = &inference.reveals;
                // Never surer than the least sure category it reads.
                let Some(likelihood) = inference
                    .from
                    .iter()
                    .map(|c| found.get(c).map(|p| p.likelihood))
                    .try_fold(inference.likelihood, |least, l| l.map(|l| least.min(l)))
                else {
                    continue;
                };
                let stronger_known = found.get(reveals).is_some_and(|p| p.likelihood >= likelihood);
                if excluded.contains(reveals.as_str()) || stronger_known {
                    continue;
                }
                let holds = match &inference.when {
                    Some(when) => scope.condition(when, Owner::new("inference", &inference.id))?,
                    None => true,
                };
                if holds {
                    let because = inference
                        .because
                        .iter()
                        .flat_map(|field| cite_field(&format!("datasets[{index}].{field}")))
                        .collect();
                    found.insert(
                        reveals.clone(),
                        Presence {
                            category: reveals.clone(),
                            fideslang: pack.categories[reveals].fideslang.clone(),
                            dataset: dataset.id.clone(),
                            by: inference.id.clone(),
                            likelihood,
                            because,
                        },
                    );
                    added = true;
                }
            }
            if !added {
                break;
            }
        }
        all.extend(found.into_values());
    }
    Ok(all)
}

/// Distance of each proposed purpose from its nearest purpose of collection (the pack's
/// family table), adjusted by the pack's drift modifiers and kept within 0..=max_drift.
fn purpose_drift(
    deal: &Deal,
    root: &Scope,
    pack: &RulePack,
    mitigations: &[String],
    recipient_expected: bool,
) -> Result<Vec<PurposeDrift>> {
    let max = pack.scoring.max_drift;
    let mut out = Vec::new();
    for purpose in &deal.proposed_use.purposes {
        let id = purpose.get_ref();
        let family = &pack.purposes[id].family;
        let nearest = deal
            .collection
            .purposes
            .iter()
            .map(|c| {
                let from = &pack.purposes[c.get_ref()].family;
                (pack.families[from].distance[family], c.get_ref().clone())
            })
            .min();
        let base = nearest.as_ref().map_or(max, |n| n.0);
        let bound = [
            Value::from(id.as_str()),
            serde_json::to_value(mitigations)?,
            Value::from(recipient_expected),
        ];
        let scope = root
            .child()
            .with("purpose", &bound[0], Ints::Signed)
            .with("mitigations", &bound[1], Ints::Signed)
            .with("recipient_expected", &bound[2], Ints::Signed);
        let mut modifiers = Vec::new();
        for m in pack.drift_modifiers.values() {
            if scope.condition(&m.when, Owner::new("drift_modifier", &m.id))? {
                modifiers.push(DriftStep {
                    id: m.id.clone(),
                    title: m.title.clone(),
                    delta: m.delta,
                });
            }
        }
        let distance = (base + modifiers.iter().map(|m| m.delta).sum::<i64>()).clamp(0, max);
        out.push(PurposeDrift {
            purpose: id.clone(),
            fideslang: pack.purposes[id].fideslang.clone(),
            family: family.clone(),
            nearest_collection_purpose: nearest.map(|n| n.1),
            base_distance: base,
            modifiers,
            distance,
        });
    }
    Ok(out)
}
