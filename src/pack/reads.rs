//! What a CEL expression reads: the variables and the fields of them (`deal.transfer.mode`,
//! `facts.drift`, the whole of `deal.datasets` when a comprehension ranges over it), found
//! once from its syntax tree. Two evaluations of an expression whose reads hold the same
//! values give the same result, which is what lets what-if analysis reuse results
//! (`condition::Memo`) instead of evaluating every rule of every variant of a deal again.
//!
//! `'MT-OPTIN' in mitigations` reads only whether the list holds `MT-OPTIN`: most rules ask
//! that of a mitigation or two, and keyed by the whole list every rule missed the memo in each
//! of the dozens of variants that add a mitigation (seven misses in ten).

use cel::common::ast::{EntryExpr, Expr as Node, IdedExpr, LiteralValue, operators};

/// A variable and the fields selected from it, outermost first: `deal.transfer.mode` is
/// `("deal", ["transfer", "mode"])`; an empty path is the whole variable.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Read {
    pub var: String,
    pub path: Vec<String>,
    /// Only whether the value holds this string (`'x' in deal.y`: an element of a list, a key
    /// of a map), not the value itself.
    pub member: Option<String>,
    /// `number(var)`: which bound variable it reads.
    pub var_number: u32,
    /// The number of the variable and path together: what a variable's memo of its values
    /// is keyed by.
    pub number: u32,
}

impl Read {
    fn new(var: &str, path: Vec<String>) -> Read {
        Read::of(var, path, None)
    }

    fn of(var: &str, path: Vec<String>, member: Option<String>) -> Read {
        // A variable's name has no dot: no read has the number of a variable. A path has no
        // `\0`, which sets the member apart.
        let mut text = format!("{var}.{}", path.join("."));
        if let Some(member) = &member {
            text = format!("{text}\0in\0{member}");
        }
        Read {
            var: var.to_string(),
            var_number: number(var),
            number: number(&text),
            path,
            member,
        }
    }
}

/// A number for each distinct text given in this process (a variable's name, or a variable
/// and path of a read): looking a read up in a scope's memo compares numbers, not texts,
/// which was most of building each memo key. Numbers are only compared, never shown.
pub fn number(text: &str) -> u32 {
    static NUMBERS: std::sync::LazyLock<std::sync::Mutex<std::collections::HashMap<String, u32>>> =
        std::sync::LazyLock::new(Default::default);
    let mut numbers = NUMBERS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(&n) = numbers.get(text) {
        return n;
    }
    // Four billion distinct names and paths would not fit in memory first.
    let next = u32::try_from(numbers.len()).unwrap_or(u32::MAX);
    numbers.insert(text.to_string(), next);
    next
}

/// Every read of `root`, sorted, without one that another contains (reading `deal.use`
/// whole covers `deal.use.purposes`).
pub fn reads(root: &IdedExpr) -> Vec<Read> {
    let mut found = Vec::new();
    walk(root, &mut Vec::new(), &mut found);
    found.sort();
    found.dedup();
    let covered = |r: &Read| {
        found
            .iter()
            .any(|o| o != r && o.member.is_none() && o.var == r.var && r.path.starts_with(&o.path))
    };
    let kept: Vec<Read> = found.iter().filter(|r| !covered(r)).cloned().collect();
    kept
}

/// `locals` are the variables comprehensions bind around `e`: what they read is read
/// through the comprehension's range, which is walked as any other operand.
fn walk(e: &IdedExpr, locals: &mut Vec<String>, found: &mut Vec<Read>) {
    match &e.expr {
        Node::Ident(name) => {
            if !locals.contains(name) {
                found.push(Read::new(name, Vec::new()));
            }
        }
        Node::Select(select) => match selected(e) {
            Some((var, path)) if !locals.iter().any(|l| l == var) => {
                found.push(Read::new(var, path.into_iter().map(str::to_string).collect()));
            }
            Some(_) => {}
            None => walk(&select.operand, locals, found),
        },
        Node::Call(call) => {
            if let Some(read) = membership(call, locals) {
                found.push(read);
                return;
            }
            for arg in call.target.as_deref().into_iter().chain(&call.args) {
                walk(arg, locals, found);
            }
        }
        Node::Comprehension(c) => {
            walk(&c.iter_range, locals, found);
            walk(&c.accu_init, locals, found);
            let bound = [Some(&c.iter_var), c.iter_var2.as_ref(), Some(&c.accu_var)];
            let before = locals.len();
            locals.extend(bound.into_iter().flatten().cloned());
            for part in [&c.loop_cond, &c.loop_step, &c.result] {
                walk(part, locals, found);
            }
            locals.truncate(before);
        }
        Node::List(list) => {
            for element in &list.elements {
                walk(element, locals, found);
            }
        }
        Node::Map(map) => entries(&map.entries, locals, found),
        Node::Struct(s) => entries(&s.entries, locals, found),
        Node::Literal(_) | Node::Unspecified => {}
    }
}

fn entries(entries: &[cel::common::ast::IdedEntryExpr], locals: &mut Vec<String>, found: &mut Vec<Read>) {
    for entry in entries {
        match &entry.expr {
            EntryExpr::MapEntry(m) => {
                walk(&m.key, locals, found);
                walk(&m.value, locals, found);
            }
            EntryExpr::StructField(f) => walk(&f.value, locals, found),
        }
    }
}

/// `'x' in a.b` as a read of whether `a.b` holds `x`.
fn membership(call: &cel::common::ast::CallExpr, locals: &[String]) -> Option<Read> {
    let [needle, haystack] = call.args.as_slice() else {
        return None;
    };
    let Node::Literal(LiteralValue::String(member)) = &needle.expr else {
        return None;
    };
    let (var, path) = selected(haystack)?;
    if call.func_name != operators::IN || call.target.is_some() || locals.iter().any(|l| l == var) {
        return None;
    }
    let path = path.into_iter().map(str::to_string).collect();
    Some(Read::of(var, path, Some(member.inner().to_string())))
}

/// `a.b.c` as `("a", ["b", "c"])`, through `has(a.b.c)` tests too (a test reads the field to
/// see whether it is there).
fn selected(e: &IdedExpr) -> Option<(&str, Vec<&str>)> {
    let mut path = Vec::new();
    let mut node = e;
    loop {
        match &node.expr {
            Node::Ident(name) => {
                path.reverse();
                return Some((name, path));
            }
            Node::Select(select) => {
                path.push(select.field.as_str());
                node = &select.operand;
            }
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(text: &str) -> Vec<String> {
        let program = crate::pack::ENV.compile(text).expect("compiles");
        reads(program.expression())
            .into_iter()
            .map(|r| {
                let read = std::iter::once(r.var).chain(r.path).collect::<Vec<_>>().join(".");
                match r.member {
                    Some(member) => format!("'{member}' in {read}"),
                    None => read,
                }
            })
            .collect()
    }

    #[test]
    fn fields_are_read_as_deep_as_they_are_selected() {
        assert_eq!(
            of("deal.transfer.mode == 'full-copy' && facts.drift >= 2"),
            ["deal.transfer.mode", "facts.drift"]
        );
        assert_eq!(of("has(deal.use.retention_months)"), ["deal.use.retention_months"]);
    }

    #[test]
    fn a_comprehension_reads_its_range_whole_not_its_variables() {
        assert_eq!(
            of("deal.datasets.exists(d, d.form == 'identified' && d.people > facts.max_people)"),
            ["deal.datasets", "facts.max_people"]
        );
    }

    #[test]
    fn an_index_reads_the_whole_container_and_its_key() {
        assert_eq!(
            of("facts.weights[dataset.categories[0]] > 2"),
            ["dataset.categories", "facts.weights"]
        );
    }

    #[test]
    fn a_literal_in_a_field_reads_only_whether_the_field_holds_it() {
        assert_eq!(
            of("!('MT-OPTIN' in mitigations) && 'US' in deal.provider.jurisdictions"),
            ["'US' in deal.provider.jurisdictions", "'MT-OPTIN' in mitigations"]
        );
        // Read whole elsewhere, the whole value is the read; a local is its range's.
        assert_eq!(
            of("'MT-OPTIN' in mitigations && size(mitigations) > 1"),
            ["mitigations"]
        );
        assert_eq!(
            of("'a' in deal.provider && 'b' in deal.provider.jurisdictions"),
            ["'a' in deal.provider", "'b' in deal.provider.jurisdictions"]
        );
        assert_eq!(
            of("deal.datasets.exists(d, 'health' in d.categories)"),
            ["deal.datasets"]
        );
        assert_eq!(of("deal.use.purposes[0] in ['x', 'y']"), ["deal.use.purposes"]);
    }

    #[test]
    fn a_whole_variable_covers_its_fields() {
        assert_eq!(of("size(deal) > 0 && deal.transfer.mode == 'x'"), ["deal"]);
    }
}
