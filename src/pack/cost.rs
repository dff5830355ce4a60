//! An upper bound on the work of evaluating one expression, found before any deal is read: CEL
//! has no step limit of its own, and a pack from a pull request could nest iterations until
//! one assessment runs for hours. Each node counts one step; a comprehension (`all`, `exists`,
//! `map`, `filter`) counts its body once per element of its range, and `x in list` one step
//! per element.

use super::expr::Expr;
use cel::common::ast::{EntryExpr, Expr as Node, IdedEntryExpr, IdedExpr};

/// Most steps one expression may take. A single pass over a list with a body of a few hundred
/// nodes fits, as does one list within another with a modest body; three lists deep do not.
/// The default pack's costliest expression takes about 60,000.
pub const BUDGET: u64 = 1_000_000;

/// Length assumed of a list read from a field: every list of a deal holds at most
/// `deal_check::MAX_LIST` entries, a pack at most 64 categories, and the facts hold one entry
/// per dataset. The mitigations in effect can outgrow it only in a pack of more than 64
/// mitigations that the facts imply, which the bound then understates, linearly.
const FIELD_LIST: u64 = 64;

/// Length assumed of a list built by a function (`split`, `keys`...): it may be as long as the
/// text it came from, so it is taken to be long.
const BUILT_LIST: u64 = 4_096;

/// The most steps evaluating `expr` can take on any deal the format accepts.
pub fn steps(expr: &Expr) -> u64 {
    cost(&expr.ast)
}

fn cost(e: &IdedExpr) -> u64 {
    match &e.expr {
        Node::Comprehension(c) => {
            let per_element = cost(&c.loop_cond).saturating_add(cost(&c.loop_step));
            cost(&c.iter_range)
                .saturating_add(cost(&c.accu_init))
                .saturating_add(length(&c.iter_range).saturating_mul(per_element))
                .saturating_add(cost(&c.result))
        }
        Node::Call(call) => {
            let args = call.target.as_deref().into_iter().chain(&call.args);
            let scan = match (call.func_name.as_str(), call.args.as_slice()) {
                ("@in", [_, list]) => length(list),
                _ => 0,
            };
            args.map(cost).fold(1u64.saturating_add(scan), u64::saturating_add)
        }
        Node::Select(s) => cost(&s.operand).saturating_add(1),
        Node::List(l) => l.elements.iter().map(cost).fold(1, u64::saturating_add),
        Node::Map(m) => entries(&m.entries),
        Node::Struct(s) => entries(&s.entries),
        _ => 1,
    }
}

fn entries(entries: &[IdedEntryExpr]) -> u64 {
    entries
        .iter()
        .map(|entry| match &entry.expr {
            EntryExpr::MapEntry(m) => cost(&m.key).saturating_add(cost(&m.value)),
            EntryExpr::StructField(f) => cost(&f.value),
        })
        .fold(1, u64::saturating_add)
}

/// How many elements a range can have: a literal's own count, a filtered or mapped list no
/// more than the list it came from, a field's list `FIELD_LIST`, anything else `BUILT_LIST`.
fn length(e: &IdedExpr) -> u64 {
    match &e.expr {
        Node::List(l) => l.elements.len() as u64,
        Node::Comprehension(c) => length(&c.iter_range),
        Node::Ident(_) | Node::Select(_) => FIELD_LIST,
        Node::Call(c) if c.func_name == "_[_]" => FIELD_LIST,
        _ => BUILT_LIST,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steps_of(text: &str) -> u64 {
        steps(&Expr::compile(toml::Spanned::new(0..0, text.to_string())).unwrap())
    }

    #[test]
    fn nesting_multiplies_and_literals_count_their_elements() {
        let one = steps_of("deal.datasets.exists(d, d.form == 'identified')");
        let two = steps_of("deal.datasets.exists(d, d.categories.exists(c, c == 'health'))");
        assert!(one < 1_000, "{one}");
        assert!(two > FIELD_LIST * FIELD_LIST && two < BUDGET, "{two}");
        let hundred = (1..=100).map(|i| i.to_string()).collect::<Vec<_>>().join(",");
        let four_deep = format!(
            "[{hundred}].all(a, [{hundred}].all(b, [{hundred}].all(c, [{hundred}].all(d, a + b + c + d > 0))))"
        );
        assert!(steps_of(&four_deep) > 100_000_000);
        let split = "deal.deal.summary.split(' ').exists(a, deal.deal.summary.split(' ').exists(b, a == b))";
        assert!(steps_of(split) > BUDGET);
    }
}
