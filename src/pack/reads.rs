//! What a CEL expression reads: the variables and the fields of them (`deal.transfer.mode`,
//! `facts.drift`, the whole of `deal.datasets` when a comprehension ranges over it), found
//! once from its syntax tree. Two evaluations of an expression whose reads hold the same
//! values give the same result, which is what lets what-if analysis reuse results
//! (`condition::Memo`) instead of evaluating every rule of every variant of a deal again.

use cel::common::ast::{EntryExpr, Expr as Node, IdedExpr};

/// A variable and the fields selected from it, outermost first: `deal.transfer.mode` is
/// `("deal", ["transfer", "mode"])`; an empty path is the whole variable.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Read {
    pub var: String,
    pub path: Vec<String>,
    /// `number(var)`: which bound variable it reads.
    pub var_number: u32,
    /// The number of the variable and path together: what a variable's memo of its values
    /// is keyed by.
    pub number: u32,
}

impl Read {
    fn new(var: &str, path: Vec<String>) -> Read {
        Read {
            var: var.to_string(),
            var_number: number(var),
            // A variable's name has no dot: no read has the number of a variable.
            number: number(&format!("{var}.{}", path.join("."))),
            path,
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
            .any(|o| o != r && o.var == r.var && r.path.starts_with(&o.path))
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
            .map(|r| std::iter::once(r.var).chain(r.path).collect::<Vec<_>>().join("."))
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
    fn a_whole_variable_covers_its_fields() {
        assert_eq!(of("size(deal) > 0 && deal.transfer.mode == 'x'"), ["deal"]);
    }
}
