//! The score's four properties (DESIGN.md section 3), checked over generated deals with the
//! default pack: monotone, deterministic and order-independent, explainable, floored by the
//! worst finding.

use dealrisk::model::deal::*;
use dealrisk::model::report::Report;
use dealrisk::pack::RulePack;
use proptest::prelude::*;
use proptest::sample::{select, subsequence};
use std::sync::LazyLock;
use toml::Spanned;

static PACK: LazyLock<RulePack> = LazyLock::new(|| RulePack::load(&[]).expect("default pack loads"));

fn ids(map: &std::collections::BTreeMap<String, impl Sized>) -> Vec<String> {
    map.keys().cloned().collect()
}

fn text(s: &str) -> Spanned<String> {
    Spanned::new(0..0, s.to_string())
}

fn texts(v: &[String]) -> Vec<Spanned<String>> {
    v.iter().map(|s| text(s)).collect()
}

/// Failing cases are saved beside this file (`tests/properties.proptest-regressions`) and
/// tried first on every run. proptest's default saves them in a `proptest-regressions/` folder
/// at the top of the repository, and reads them only from there: since the tests became one
/// binary (tests/main.rs) the seeds saved beside this file had not been tried.
fn saved_failures() -> Option<Box<dyn proptest::test_runner::FailurePersistence>> {
    Some(Box::new(proptest::test_runner::FileFailurePersistence::WithSource(
        "proptest-regressions",
    )))
}

fn assess(deal: &Deal) -> Report {
    dealrisk::engine::assess::assess("generated.toml", deal, &PACK).expect("a generated deal assesses")
}

const CONSENTS: [Consent; 5] = [
    Consent::Unknown,
    Consent::None,
    Consent::OptOut,
    Consent::OptIn,
    Consent::Explicit,
];
/// Modes from the one that keeps data home to the one that publishes it.
const MODES: [Mode; 7] = [
    Mode::ProviderMediated,
    Mode::CleanRoom,
    Mode::QueryAccess,
    Mode::Sample,
    Mode::Lookup,
    Mode::FullCopy,
    Mode::PublicRelease,
];
const ANSWERS: [Answer; 3] = [Answer::Yes, Answer::No, Answer::Unknown];

/// Mostly the first (benign) value, sometimes any: generated deals must spread over the
/// whole score range, or every property holds trivially at 100.
fn mostly<T: Clone + std::fmt::Debug + 'static>(benign: T, all: Vec<T>) -> impl Strategy<Value = T> {
    prop_oneof![3 => Just(benign), 1 => select(all)]
}

prop_compose! {
    fn dataset()(
        categories in subsequence(ids(&PACK.categories), 0..3),
        excluded in subsequence(ids(&PACK.categories), 0..3),
        people in prop_oneof![Just(Count::Unknown), (0u64..5_000_000).prop_map(Count::Known)],
        form in mostly(Form::Aggregated, vec![Form::Identified, Form::Pseudonymised, Form::Aggregated, Form::Anonymised, Form::Synthetic, Form::Unknown]),
        granularity in mostly(Granularity::Aggregate, vec![Granularity::LineItem, Granularity::Basket, Granularity::Transaction, Granularity::Trip, Granularity::Event, Granularity::Record, Granularity::Profile, Granularity::Aggregate, Granularity::Unknown]),
        provenance in subsequence(vec![Provenance::Given, Provenance::Observed, Provenance::Inferred, Provenance::Scraped, Provenance::Bought, Provenance::Unknown], 1..3),
        minors in mostly(Answer::No, ANSWERS.to_vec()),
        subjects in mostly(Subjects::Customers, vec![Subjects::Customers, Subjects::Patients, Subjects::Minors, Subjects::Public, Subjects::Unknown]),
        history in prop_oneof![Just(Count::Unknown), (0u64..200).prop_map(Count::Known)],
        linkable in mostly(Answer::Yes, ANSWERS.to_vec()),
    ) -> Dataset {
        Dataset {
            id: "generated".into(),
            description: None,
            subjects,
            minors,
            categories: texts(&categories),
            excluded: texts(&excluded),
            people,
            form,
            granularity,
            linkable,
            history_months: history,
            provenance,
            quasi_identifiers: vec![],
            evidence: None,
            observed: None,
        }
    }
}

prop_compose! {
    fn deal()(
        datasets in prop::collection::vec(dataset(), 1..3),
        collected in subsequence(ids(&PACK.purposes), 1..3),
        noticed in subsequence(ids(&PACK.purposes), 0..4),
        proposed in prop_oneof![2 => subsequence(ids(&PACK.purposes), 1..2), 1 => Just(vec!["analytics".to_string()])],
        sectors in prop_oneof![
            2 => Just(("grocery-retail".to_string(), "analytics-services".to_string())),
            1 => (select(ids(&PACK.sectors)), select(ids(&PACK.sectors))),
        ],
        consent in mostly(Consent::Explicit, CONSENTS.to_vec()),
        basis in mostly(LegalBasis::Contract, vec![LegalBasis::Consent, LegalBasis::Contract, LegalBasis::LegitimateInterests, LegalBasis::Unknown]),
        use_basis in mostly(LegalBasis::Contract, vec![LegalBasis::Consent, LegalBasis::Contract, LegalBasis::LegitimateInterests, LegalBasis::LegalObligation, LegalBasis::PublicTask, LegalBasis::Research, LegalBasis::Unknown]),
        role in mostly(Role::Processor, vec![Role::Controller, Role::Processor, Role::JointController, Role::Internal, Role::Unknown]),
        scope in mostly(Scope::One, vec![Scope::One, Scope::Several, Scope::Many, Scope::Public, Scope::Unknown]),
        decisions in prop_oneof![3 => Just(vec![Decision::None]), 1 => subsequence(vec![Decision::None, Decision::Marketing, Decision::Pricing, Decision::Eligibility, Decision::Investigation, Decision::Unknown], 1..3)],
        use_facts in (
            mostly(Automation::None, vec![Automation::None, Automation::Assisted, Automation::Solely, Automation::Unknown]),
            mostly(Onward::None, vec![Onward::None, Onward::Processors, Onward::ThirdParties, Onward::Unknown]),
            prop_oneof![Just(Count::Unknown), (0u64..60).prop_map(Count::Known)],
        ),
        transfer in (
            mostly(Mode::CleanRoom, vec![Mode::ProviderMediated, Mode::CleanRoom, Mode::QueryAccess, Mode::Sample, Mode::Lookup, Mode::FullCopy, Mode::PublicRelease, Mode::Unknown]),
            select(vec![Frequency::OneOff, Frequency::Recurring, Frequency::Continuous, Frequency::Unknown]),
            mostly(Initiator::Provider, vec![Initiator::Provider, Initiator::Recipient, Initiator::Customer, Initiator::Unknown]),
        ),
        customers in (
            mostly(Answer::Yes, ANSWERS.to_vec()),
            mostly(Answer::Yes, ANSWERS.to_vec()),
            mostly(Answer::No, ANSWERS.to_vec()),
            mostly(Answer::Yes, ANSWERS.to_vec()),
            mostly(Answer::Yes, ANSWERS.to_vec()),
            mostly(Answer::No, ANSWERS.to_vec()),
        ),
        prominence in mostly(Prominence::Clear, vec![Prominence::None, Prominence::Buried, Prominence::Clear, Prominence::Specific, Prominence::Unknown]),
        value in mostly(ValueBack::Service, vec![ValueBack::None, ValueBack::Discounts, ValueBack::Service, ValueBack::Payment, ValueBack::Unknown]),
        mitigations in subsequence(ids(&PACK.mitigations), 0..4),
        evidenced in any::<bool>(),
    ) -> Deal {
        let party = |sector: &str| Party { name: "P".into(), sector: text(sector), jurisdictions: vec![] };
        Deal {
            deal: About { id: "generated".into(), title: "Generated".into(), summary: None },
            provider: party(&sectors.0),
            recipient: Recipient { name: "R".into(), sector: text(&sectors.1), jurisdictions: vec![], role, scope },
            datasets,
            collection: Collection {
                purposes: texts(&collected),
                notice_purposes: texts(&noticed),
                notice_mentions_sharing: customers.4,
                notice_prominence: prominence,
                consent,
                legal_basis: basis,
            },
            proposed_use: ProposedUse {
                purposes: texts(&proposed),
                legal_basis: use_basis,
                decisions,
                automated: use_facts.0,
                onward_transfer: use_facts.1,
                retention_months: use_facts.2,
            },
            transfer: Transfer { mode: transfer.0, frequency: transfer.1, initiated_by: transfer.2 },
            customers: Customers {
                told: customers.0,
                can_opt_out: customers.1,
                value,
                retroactive: customers.2,
                would_expect: customers.3,
                promise_broken: customers.5,
            },
            mitigations: mitigations
                .iter()
                .map(|m| DeclaredMitigation { id: text(m), evidence: evidenced.then(|| "clause 1".to_string()) })
                .collect(),
            scenarios: vec![],
        }
    }
}

/// Both scores of `worse` are at least those of `base`, and so is every finding: none of
/// `base`'s findings disappears or gets a lower residual risk (checked finding by finding so
/// that a regression hidden by a saturated score still shows).
fn no_lower(base: &Deal, worse: &Deal) -> Result<(), TestCaseError> {
    let (a, b) = (assess(base), assess(worse));
    // Unknowns are scored as their costliest answer, which a change elsewhere may move: the
    // findings can then differ while the score still may not drop. Finding by finding only
    // when both assume the same answers.
    let assumed = |r: &Report| r.open_questions.iter().map(|q| q.assumed.clone()).collect::<Vec<_>>();
    let same_answers = assumed(&a) == assumed(&b);
    for f in a.findings.iter().filter(|_| same_answers) {
        let after = b.findings.iter().find(|g| g.rule == f.rule);
        prop_assert!(after.is_some(), "{} disappeared", f.rule);
        let after = after.map_or(0, |g| g.residual_risk);
        prop_assert!(after >= f.residual_risk, "{}: {} -> {}", f.rule, f.residual_risk, after);
    }
    prop_assert!(
        b.residual.score >= a.residual.score,
        "residual {} -> {}",
        a.residual.score,
        b.residual.score
    );
    // Unknowns settle at the answer that costs most after mitigations; the score before them
    // follows only while both settle alike.
    prop_assert!(
        !same_answers || b.inherent.score >= a.inherent.score,
        "inherent {} -> {}",
        a.inherent.score,
        b.inherent.score
    );
    Ok(())
}

/// Two positions in an ordered list, the first before the second.
fn ordered_pair(len: usize) -> impl Strategy<Value = (usize, usize)> {
    (0..len - 1).prop_flat_map(move |a| (Just(a), a + 1..len))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, failure_persistence: saved_failures(), ..ProptestConfig::default() })]

    #[test]
    fn more_sensitive_data_never_lowers_the_score(base in deal(), category in select(ids(&PACK.categories))) {
        let mut worse = base.clone();
        worse.datasets[0].categories.push(text(&category));
        no_lower(&base, &worse)?;
    }

    #[test]
    fn a_more_distant_purpose_never_lowers_the_score(base in deal(), purpose in select(ids(&PACK.purposes))) {
        let mut worse = base.clone();
        worse.proposed_use.purposes.push(text(&purpose));
        no_lower(&base, &worse)?;
    }

    #[test]
    fn weaker_consent_never_lowers_the_score(mut base in deal(), (weak, strong) in ordered_pair(CONSENTS.len())) {
        base.collection.consent = CONSENTS[strong];
        let mut worse = base.clone();
        worse.collection.consent = CONSENTS[weak];
        no_lower(&base, &worse)?;
    }

    #[test]
    fn more_people_never_lower_the_score(base in deal(), more in 1u64..10_000_000) {
        let mut worse = base.clone();
        for d in &mut worse.datasets {
            if let Count::Known(n) = d.people {
                d.people = Count::Known(n.saturating_add(more));
            }
        }
        no_lower(&base, &worse)?;
    }

    #[test]
    fn a_copy_leaving_the_provider_never_lowers_the_score(mut base in deal(), (home, away) in ordered_pair(MODES.len())) {
        // A provider's own new use (role `internal`) has nobody to mediate for: "provider-
        // mediated" is then its analysts using every record, no safer than a clean room that
        // shows them approved outputs only. The order of modes is about an outside recipient;
        // an unknown role is scored as its costliest answer, which may be `internal`.
        prop_assume!(
            !(matches!(base.recipient.role, Role::Internal | Role::Unknown) && MODES[home] == Mode::ProviderMediated)
        );
        base.transfer.mode = MODES[home];
        let mut worse = base.clone();
        worse.transfer.mode = MODES[away];
        no_lower(&base, &worse)?;
    }

    #[test]
    fn a_mitigation_never_raises_the_score(base in deal(), m in select(ids(&PACK.mitigations)), evidenced in any::<bool>()) {
        let mut better = base.clone();
        better.mitigations.push(DeclaredMitigation { id: text(&m), evidence: evidenced.then(|| "clause 2".to_string()) });
        no_lower(&better, &base)?;
    }

    #[test]
    fn the_order_of_lists_does_not_matter(base in deal()) {
        let mut shuffled = base.clone();
        shuffled.datasets.reverse();
        for d in &mut shuffled.datasets {
            d.categories.reverse();
            d.excluded.reverse();
        }
        shuffled.collection.purposes.reverse();
        shuffled.proposed_use.purposes.reverse();
        shuffled.mitigations.reverse();
        let (a, b) = (assess(&base), assess(&shuffled));
        prop_assert_eq!(&a.residual, &b.residual);
        prop_assert_eq!(&a.inherent, &b.inherent);
        let risks = |r: &Report| {
            let mut v: Vec<(String, u8)> = r.findings.iter().map(|f| (f.rule.clone(), f.residual_risk)).collect();
            v.sort();
            v
        };
        prop_assert_eq!(risks(&a), risks(&b));
    }

    #[test]
    fn the_same_deal_gives_the_same_report(base in deal()) {
        let json = |r: &Report| serde_json::to_string(r).unwrap();
        prop_assert_eq!(json(&assess(&base)), json(&assess(&base)));
    }

    #[test]
    fn the_breakdown_accounts_for_every_point(base in deal()) {
        let r = assess(&base);
        let floor = r.floor.as_ref().map_or(0, |f| f.points);
        prop_assert_eq!(r.findings.iter().map(|f| f.points).sum::<u32>() + floor, r.residual.score);
        prop_assert_eq!(r.areas.iter().map(|a| a.points).sum::<u32>(), r.residual.score);
        // A finding covered by a worse one of its group counts a share: never more points.
        for f in &r.findings {
            if let Some(by) = &f.covered_by {
                let counted = r.findings.iter().find(|g| &g.rule == by).unwrap();
                prop_assert!(f.points <= counted.points, "{} {} > {} {}", f.rule, f.points, by, counted.points);
            }
        }
    }

    #[test]
    fn the_worst_finding_sets_a_floor(base in deal()) {
        let r = assess(&base);
        for f in &r.findings {
            for floor in &PACK.scoring.floors {
                if f.residual_risk >= floor.risk_at_least && (f.blocking || !floor.blocking) {
                    prop_assert!(f64::from(r.residual.score) >= floor.score_at_least, "{} at {}", f.rule, f.residual_risk);
                }
            }
        }
    }

    #[test]
    fn no_single_finding_pins_the_score_at_100(base in deal()) {
        let r = assess(&base);
        if r.findings.len() == 1 {
            prop_assert!(r.residual.score < 100, "{} alone", r.findings[0].rule);
        }
        for f in &r.findings {
            prop_assert!(f.alone.score < 100, "{} alone scores {}", f.rule, f.alone.score);
        }
    }

    // A consent basis narrows the room for a new purpose, but customers who opted in are never
    // worse off for the score than customers never asked.
    #[test]
    fn opt_in_on_a_consent_basis_never_scores_above_no_consent(mut base in deal(), explicit in any::<bool>()) {
        base.collection.consent = if explicit { Consent::Explicit } else { Consent::OptIn };
        base.collection.legal_basis = LegalBasis::Consent;
        let mut worse = base.clone();
        worse.collection.consent = Consent::None;
        worse.collection.legal_basis = LegalBasis::Contract;
        let (a, b) = (assess(&base), assess(&worse));
        prop_assert!(b.residual.score >= a.residual.score, "{} -> {}", a.residual.score, b.residual.score);
    }

    // An unknown costs what its costliest answer costs: with every other fact known, the score
    // of `unknown` is the highest score of the answers.
    #[test]
    fn an_unknown_costs_its_costliest_answer(base in deal(), field in select(UNKNOWABLE.to_vec())) {
        let known = dealrisk::engine::unknowns::worst_case("generated.toml", &base, &PACK, &dealrisk::engine::condition::Memo::default()).unwrap().deal;
        let path = field.to_string();
        let unknown_value = if path.ends_with("decisions") || path.ends_with("provenance") {
            toml::Value::Array(vec!["unknown".into()])
        } else {
            toml::Value::from("unknown")
        };
        let set = [(path.clone(), unknown_value)];
        let (asked, _) = dealrisk::input::overlay::apply(&known, set.iter().map(|(k, v)| (k, v)), &[]).unwrap();
        let written = serde_json::to_value(&asked).unwrap();
        let best = dealrisk::engine::unknowns::candidates(&written, &path)
            .into_iter()
            .filter_map(|answer| {
                let set = [(path.clone(), answer)];
                dealrisk::input::overlay::apply(&known, set.iter().map(|(k, v)| (k, v)), &[]).ok()
            })
            .map(|(d, _)| assess(&d).residual.score)
            .max()
            .unwrap();
        prop_assert_eq!(assess(&asked).residual.score, best, "{}", path);
    }
}

/// Fields a deal may answer `unknown`, other than the judgements the pack grades itself.
const UNKNOWABLE: [&str; 12] = [
    "datasets[0].minors",
    "datasets[0].form",
    "datasets[0].granularity",
    "datasets[0].people",
    "collection.consent",
    "collection.legal_basis",
    "use.decisions",
    "use.automated",
    "use.onward_transfer",
    "transfer.mode",
    "customers.told",
    "customers.can_opt_out",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, failure_persistence: saved_failures(), ..ProptestConfig::default() })]

    /// Deals built to trip the health-data gate: it keeps the deal critical while it stands at
    /// a high risk, and only then (a gate lowered by safeguards counts as its points).
    #[test]
    fn a_blocking_finding_at_high_risk_keeps_the_deal_critical(base in deal(), kanon in any::<bool>()) {
        let mut gated = base;
        gated.datasets[0].categories.push(text("health"));
        gated.datasets[0].excluded.clear();
        gated.datasets[0].form = Form::Pseudonymised;
        gated.datasets[0].granularity = Granularity::Record;
        gated.recipient.role = Role::Controller;
        gated.collection.consent = Consent::OptOut;
        gated.proposed_use.legal_basis = LegalBasis::Contract;
        gated.transfer.mode = Mode::FullCopy;
        gated.transfer.initiated_by = Initiator::Provider;
        // Neither the customer's choice nor research under oversight: the gate's exemptions.
        gated.mitigations.retain(|m| !["MT-OPTIN", "MT-OVERSIGHT"].contains(&m.id.get_ref().as_str()));
        if kanon {
            gated.mitigations.push(DeclaredMitigation { id: text("MT-KANON"), evidence: Some("s.1".into()) });
        }
        let r = assess(&gated);
        let gate = r.findings.iter().find(|f| f.blocking);
        prop_assert!(gate.is_some());
        let gate_floor = PACK.scoring.floors.iter().find(|f| f.blocking).unwrap();
        if gate.unwrap().residual_risk >= gate_floor.risk_at_least {
            prop_assert!(f64::from(r.residual.score) >= gate_floor.score_at_least, "{}", r.residual.score);
        }
    }
}

/// Guards the generator: properties checked only at 100 would hold whatever the code did.
/// A fixed seed keeps it from flaking: about one generated deal in sixteen is medium and one
/// in sixteen critical, so a few hundred deals reach every band.
#[test]
fn generated_deals_spread_over_the_bands() {
    use proptest::strategy::ValueTree;
    let mut runner = proptest::test_runner::TestRunner::deterministic();
    let bands: std::collections::BTreeSet<String> = (0..200)
        .map(|_| {
            assess(&deal().new_tree(&mut runner).expect("a deal generates").current())
                .residual
                .band
        })
        .collect();
    assert_eq!(bands.len(), PACK.scoring.bands.len(), "only {bands:?}");
}

/// Cases the property above once found, each a deal whose customers opted in on a consent basis:
/// they scored above the same deal with customers never asked, on a contract.
#[test]
fn opted_in_customers_score_no_worse_than_customers_never_asked_in_the_cases_once_found() {
    for (case, text) in [
        // A use an opt-out suffices for: 68 against 65 (PD-CONSENT-BASIS at likelihood 4,
        // CE-CONSENT-GAP at 3).
        (
            "a use an opt-out suffices for",
            include_str!("fixtures/opted-in-use-an-opt-out-suffices-for.toml"),
        ),
        // A use resting on a legal obligation: 18 against 17 (PD-CONSENT-BASIS fired where
        // CE-CONSENT-GAP lets the law stand in for consent).
        (
            "a use resting on law",
            include_str!("fixtures/opted-in-use-resting-on-law.toml"),
        ),
    ] {
        let opted_in: Deal = toml::from_str(text).expect("the deal parses");
        let mut never_asked = opted_in.clone();
        never_asked.collection.consent = Consent::None;
        never_asked.collection.legal_basis = LegalBasis::Contract;
        let (a, b) = (assess(&opted_in), assess(&never_asked));
        assert!(
            b.residual.score >= a.residual.score,
            "{case}: {} -> {}",
            a.residual.score,
            b.residual.score
        );
    }
}
