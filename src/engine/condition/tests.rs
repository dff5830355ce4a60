//! Values compared as the memo compares them, and JSON read by CEL with the types of the
//! fields it came from.

use super::*;
use serde_json::json;

fn holds(scope: &Child, text: &str) -> bool {
    let expr = Expr::compile(toml::Spanned::new(0..text.len(), text.to_string())).expect("compiles");
    scope.condition(&expr, Owner::new("rule", "T")).expect("evaluates")
}

#[test]
fn values_are_the_same_when_their_texts_are() {
    let values = [
        json!(null),
        json!(0),
        json!(0.0),
        json!(-0.0),
        json!(1),
        json!(-1),
        json!(1.0),
        json!(18446744073709551615u64),
        json!("1"),
        json!([1, 2]),
        json!([2, 1]),
        json!([1]),
        json!({"a": 1}),
        json!({"a": 1.0}),
        json!({"b": 1}),
        json!({"a": 1, "b": [true, null]}),
        json!({"a": 1, "b": [true, false]}),
    ];
    for a in &values {
        for b in &values {
            let texts = (serde_json::to_vec(a).unwrap(), serde_json::to_vec(b).unwrap());
            assert_eq!(super::same(a, b), texts.0 == texts.1, "{a} {b}");
        }
    }
}

#[test]
fn json_reaches_cel_with_the_types_of_the_fields_it_was_written_from() {
    let deal = json!({"people": 3, "below": -2, "share": 0.5, "form": "identified", "none": null,
                      "tags": ["a", "b"], "nested": {"told": true}});
    let facts = json!({"drift": 3, "k": 18446744073709551615u64});
    let memo = Memo::default();
    let root = Scope::of_deal(&deal, &memo);
    let scope = root.child().with("facts", &facts, Ints::Signed);
    for text in [
        "type(deal.people) == uint && deal.people == 3u && deal.people > 2",
        "type(deal.below) == int && deal.below == -2",
        "type(deal.share) == double && deal.share == 0.5",
        "deal.form == 'identified' && deal.none == null",
        "'b' in deal.tags && size(deal.tags) == 2 && deal.tags[0] == 'a'",
        "deal.nested.told && has(deal.nested.told) && !has(deal.nested.asked)",
        "type(facts.drift) == int && facts.drift + 1 == 4",
        "type(facts.k) == uint",
        "type(deal.nested) == map && size(deal.nested) == 1 && deal.nested.size() == 1",
        "'told' in deal.nested && !('asked' in deal.nested) && !(1 in deal.nested)",
        "deal.nested['told'] && deal.nested.exists(k, k == 'told') && deal.nested.all(k, k == 'told')",
        "deal.nested == {'told': true} && deal.nested != {'told': false} && deal.nested != {}",
        "deal.nested == deal.nested && [deal.nested] == [deal.nested] && deal.nested != deal",
        "!has(deal.nested.asked) && deal.?nested.?asked == optional.none()",
    ] {
        assert!(holds(&scope, text), "{text}");
    }
}
