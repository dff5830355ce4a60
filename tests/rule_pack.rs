//! The default rule pack: its content meets the bar the product is named for, every record is
//! documented, and the full list of ids is a reviewed snapshot so that every added, removed or
//! renamed rule shows up in review.

use dealrisk::pack::RulePack;

fn pack() -> RulePack {
    RulePack::load(&[]).expect("the default pack loads")
}

#[test]
fn covers_the_three_areas_in_depth() {
    let p = pack();
    assert!(p.categories.len() >= 12, "{} categories", p.categories.len());
    assert!(p.inferences.len() >= 10, "{} inference rules", p.inferences.len());
    assert!(p.purposes.len() >= 12, "{} purposes", p.purposes.len());
    assert!(p.families.len() >= 9, "{} purpose families", p.families.len());
    assert!(
        p.drift_modifiers.len() >= 3,
        "{} drift modifiers",
        p.drift_modifiers.len()
    );
    let in_area = |area: &str| p.rules.values().filter(|r| r.area == area).count();
    assert!(in_area("customer-expectations") >= 8);
    assert!(in_area("purpose-drift") >= 5, "one rule per Art. 6(4) factor at least");
}

#[test]
fn every_record_is_documented() {
    let p = pack();
    for r in p.rules.values() {
        assert!(
            !r.rationale.trim().is_empty() && !r.references.is_empty() && !r.recommendation.is_empty(),
            "{}",
            r.id
        );
        assert!(
            r.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{}: name must be kebab-case",
            r.id
        );
    }
    for c in p.categories.values() {
        assert!(
            !c.rationale.trim().is_empty() && !c.references.is_empty() && !c.basis.is_empty(),
            "{}",
            c.id
        );
        assert!(
            !c.signals.keywords.is_empty() || !c.signals.fields.is_empty(),
            "{}: keyword or field signals feed the evidence scan",
            c.id
        );
        assert!((1..=10).contains(&c.weight), "{}", c.id);
    }
    for i in p.inferences.values() {
        assert!(!i.rationale.is_empty() && !i.references.is_empty(), "{}", i.id);
    }
    for f in p.families.values() {
        assert_eq!(
            f.distance.len(),
            p.families.len(),
            "{}: a distance to every family",
            f.id
        );
        // An unknown purpose is furthest from everything, itself included.
        if f.id != "PU" {
            assert_eq!(f.distance[&f.id], 0, "{}: no drift within a family", f.id);
        }
    }
    for m in p.mitigations.values() {
        assert!(!m.references.is_empty() && !m.effects.is_empty(), "{}", m.id);
    }
}

#[test]
fn the_list_of_ids_is_reviewed() {
    let p = pack();
    let mut lines: Vec<String> = Vec::new();
    for c in p.categories.values() {
        lines.push(format!("{} category {} (weight {})", c.rule, c.id, c.weight));
    }
    for r in p.rules.values() {
        lines.push(format!("{} {} {}", r.id, r.area, r.name));
    }
    for i in p.inferences.values() {
        lines.push(format!("{} reveals {}", i.id, i.reveals));
    }
    for m in p.mitigations.values() {
        lines.push(format!("{} mitigation", m.id));
    }
    for d in p.drift_modifiers.values() {
        lines.push(format!("{} drift {:+}", d.id, d.delta));
    }
    lines.sort();
    insta::assert_snapshot!("ids", lines.join("\n"));
}
