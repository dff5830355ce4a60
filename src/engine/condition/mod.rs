//! Evaluating the pack's CEL expressions against a deal: the variables a rule can see and
//! the three result types rules use (condition, level, message).

pub use crate::engine::cel_json::Ints;
use crate::pack::Expr;
use crate::pack::expr::EvalError;
use anyhow::Result;
use cel::{Context, Value};
use std::cell::{OnceCell, RefCell};
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

/// The variables of one evaluation, e.g. `deal`, `facts`, `mitigations`.
pub struct Scope<'a> {
    context: Context<'a, 'a>,
    /// Every variable this scope sees, as JSON, innermost last: what a memoised result's key
    /// is read from.
    vars: Vec<Rc<Bound<'a>>>,
    memo: Option<&'a Memo>,
}

/// A variable as the memo's keys read it: its JSON, and the value of each field of it read
/// so far, by the memo's number for its JSON text (dozens of rules read `deal.datasets` or
/// `facts.categories`; each is written and looked up once per scope).
struct Bound<'a> {
    /// `reads::number` of its name.
    name: u32,
    json: &'a serde_json::Value,
    /// By `Read::number`.
    values: RefCell<HashMap<u32, usize, foldhash::fast::RandomState>>,
}

impl<'a> Bound<'a> {
    fn new(name: &'static str, json: &'a serde_json::Value) -> Rc<Bound<'a>> {
        Rc::new(Bound {
            name: crate::pack::reads::number(name),
            json,
            values: RefCell::default(),
        })
    }

    /// The memo's number for the value of the field at `read`: equal numbers, equal JSON
    /// texts (an absent field has a text no JSON value has).
    fn value(&self, read: &crate::pack::reads::Read, memo: &Memo) -> usize {
        const ABSENT: &[u8] = &[0];
        if let Some(&value) = self.values.borrow().get(&read.number) {
            return value;
        }
        let value = read.path.iter().try_fold(self.json, |value, field| match value {
            serde_json::Value::Object(map) => map.get(field),
            // Selecting from a list or a scalar fails alike whatever it holds.
            other => Some(other),
        });
        if let (Some(value), None) = (value, &read.member)
            && let Some((before, number)) = memo.last.borrow().get(&read.number)
            && same(before, value)
        {
            self.values.borrow_mut().insert(read.number, *number);
            return *number;
        }
        let text = match (value, &read.member) {
            (None, _) => ABSENT.to_vec(),
            // What `in` finds: an element equal to the string, or a key.
            (Some(serde_json::Value::Array(items)), Some(member)) => {
                vec![1, u8::from(items.iter().any(|i| i.as_str() == Some(member)))]
            }
            (Some(serde_json::Value::Object(map)), Some(member)) => vec![2, u8::from(map.contains_key(member))],
            // Writing JSON into a Vec cannot fail. No JSON text starts with a byte below 3.
            (Some(value), _) => serde_json::to_vec(value).unwrap_or_default(),
        };
        let number = memo.number(text);
        if let (Some(value), None) = (value, &read.member) {
            memo.last.borrow_mut().insert(read.number, (value.clone(), number));
        }
        self.values.borrow_mut().insert(read.number, number);
        number
    }
}

/// Whether `a` and `b` have the same JSON text, without writing it: what lets a read whose
/// value did not change in a variant keep its number (writing every read value of every
/// variant out as text was a third of building the memo's keys). Numbers compare by kind and
/// bits, as their texts do (`0.0` and `-0.0` differ).
pub fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value as Json;
    match (a, b) {
        (Json::Null, Json::Null) => true,
        (Json::Bool(a), Json::Bool(b)) => a == b,
        (Json::Number(a), Json::Number(b)) => {
            a.as_u64() == b.as_u64()
                && a.as_i64() == b.as_i64()
                && a.is_f64() == b.is_f64()
                && a.as_f64().map(f64::to_bits) == b.as_f64().map(f64::to_bits)
        }
        (Json::String(a), Json::String(b)) => a == b,
        (Json::Array(a), Json::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(a, b)| same(a, b)),
        (Json::Object(a), Json::Object(b)) => {
            a.len() == b.len() && a.iter().zip(b).all(|((ka, va), (kb, vb))| ka == kb && same(va, vb))
        }
        _ => false,
    }
}

/// Results of expressions already evaluated for one deal and its variants, each keyed by the
/// expression and the values of the fields it reads (`pack::reads`). What-if analysis
/// assesses a deal dozens of times with one field changed: most rules read none of the
/// fields that changed, and their results are read back instead of evaluated again.
pub struct Memo {
    enabled: bool,
    results: RefCell<HashMap<(usize, Vec<usize>), Value, foldhash::fast::RandomState>>,
    /// A number for each JSON text a field has had, so that a key holds a number per field
    /// read rather than the field's text: `deal.datasets` is kilobytes, read by dozens of
    /// expressions in every variant.
    texts: RefCell<HashMap<Vec<u8>, usize, foldhash::fast::RandomState>>,
    /// The value each read (`Read::number`) last had, and its text's number.
    last: RefCell<HashMap<u32, (serde_json::Value, usize), foldhash::fast::RandomState>>,
}

impl Default for Memo {
    fn default() -> Self {
        Memo {
            enabled: true,
            results: RefCell::default(),
            texts: RefCell::default(),
            last: RefCell::default(),
        }
    }
}

impl Memo {
    /// A memo that remembers nothing: every expression is evaluated (what the tests compare
    /// the memo with).
    pub fn off() -> Self {
        Memo {
            enabled: false,
            ..Memo::default()
        }
    }

    /// The number of `text`, the same for the same text.
    fn number(&self, text: Vec<u8>) -> usize {
        let mut texts = self.texts.borrow_mut();
        let next = texts.len();
        *texts.entry(text).or_insert(next)
    }
}

/// The pack record an expression belongs to, by section (`rule`, `predicate`...) and id: what
/// an evaluation error needs to name the file, line and column the expression is written at.
#[derive(Debug, Clone, Copy)]
pub struct Owner<'a> {
    pub section: &'static str,
    pub id: &'a str,
}

impl<'a> Owner<'a> {
    pub fn new(section: &'static str, id: &'a str) -> Self {
        Owner { section, id }
    }

    /// An evaluation error of `expr`, located later by `RulePack::locate`.
    pub fn error(self, expr: &Expr, message: String) -> anyhow::Error {
        anyhow::Error::new(EvalError {
            section: self.section,
            id: self.id.to_string(),
            span: expr.text.span(),
            message,
        })
    }
}

impl<'a> Scope<'a> {
    /// A scope whose results are not remembered.
    pub fn new() -> Self {
        Scope {
            context: Context::with_env(crate::pack::ENV.clone()),
            vars: Vec::new(),
            memo: None,
        }
    }

    /// Binds `json` as `name`, its integers typed as `ints` says. CEL reads it in place: its
    /// strings are borrowed, not copied, and no intermediate value is built (binding the deal
    /// and its facts was a fifth of an assessment when they went through `cel::to_value`).
    pub fn with(mut self, name: &'static str, json: &'a serde_json::Value, ints: Ints) -> Self {
        if self.memo.is_some() {
            self.vars.push(Bound::new(name, json));
        }
        self.context
            .add_variable_as_val(name, crate::engine::cel_json::to_val(json, ints));
        self
    }

    /// A scope that sees this one's variables and adds its own (`Child::with`). The deal is
    /// bound once per assessment in a root scope and each evaluation adds its few variables
    /// in a child.
    pub fn child(&self) -> Child<'_, 'a> {
        Child {
            parent: self,
            own: Vec::new(),
            vars: self.vars.clone(),
            context: OnceCell::new(),
        }
    }

    /// The root scope of one assessment: the deal, as its JSON, bound as `deal`.
    pub fn of_deal(deal_json: &'a serde_json::Value, memo: &'a Memo) -> Scope<'a> {
        let scope = Scope {
            memo: memo.enabled.then_some(memo),
            ..Scope::new()
        };
        scope.with("deal", deal_json, Ints::Unsigned)
    }

    pub fn condition(&self, expr: &Expr, owner: Owner) -> Result<bool> {
        as_bool(expr, owner, run(&self.vars, self.memo, || &self.context, expr, owner)?)
    }

    pub fn integer(&self, expr: &Expr, owner: Owner) -> Result<i64> {
        as_integer(expr, owner, run(&self.vars, self.memo, || &self.context, expr, owner)?)
    }

    pub fn text(&self, expr: &Expr, owner: Owner) -> Result<String> {
        as_text(expr, owner, run(&self.vars, self.memo, || &self.context, expr, owner)?)
    }
}

/// A scope inside a root scope: the root's variables and a few of its own. Its CEL context,
/// the whole tree of each variable in the interpreter's values, is built only when one of its
/// expressions has no result in the memo: in most of what-if's variants none has, and binding
/// the facts (kilobytes of JSON) for the rules was a twentieth of each variant.
pub struct Child<'p, 'a> {
    parent: &'p Scope<'a>,
    own: Vec<(&'static str, &'a serde_json::Value, Ints)>,
    vars: Vec<Rc<Bound<'a>>>,
    context: OnceCell<Context<'p, 'a>>,
}

impl<'p, 'a> Child<'p, 'a> {
    /// Binds `json` as `name`, its integers typed as `ints` says (as `Scope::with`).
    pub fn with(mut self, name: &'static str, json: &'a serde_json::Value, ints: Ints) -> Self {
        if self.parent.memo.is_some() {
            self.vars.push(Bound::new(name, json));
        }
        self.own.push((name, json, ints));
        self
    }

    fn context(&self) -> &Context<'p, 'a> {
        self.context.get_or_init(|| {
            let mut context = self.parent.context.new_inner_scope();
            for &(name, json, ints) in &self.own {
                context.add_variable_as_val(name, crate::engine::cel_json::to_val(json, ints));
            }
            context
        })
    }

    pub fn condition(&self, expr: &Expr, owner: Owner) -> Result<bool> {
        as_bool(
            expr,
            owner,
            run(&self.vars, self.parent.memo, || self.context(), expr, owner)?,
        )
    }

    pub fn integer(&self, expr: &Expr, owner: Owner) -> Result<i64> {
        as_integer(
            expr,
            owner,
            run(&self.vars, self.parent.memo, || self.context(), expr, owner)?,
        )
    }

    pub fn text(&self, expr: &Expr, owner: Owner) -> Result<String> {
        as_text(
            expr,
            owner,
            run(&self.vars, self.parent.memo, || self.context(), expr, owner)?,
        )
    }
}

/// `expr`'s result: from the memo when it holds one for the values `expr` reads, else
/// evaluated in `context` (and remembered).
fn run<'c>(
    vars: &[Rc<Bound>],
    memo: Option<&Memo>,
    context: impl FnOnce() -> &'c Context<'c, 'c>,
    expr: &Expr,
    owner: Owner,
) -> Result<Value> {
    let Some(memo) = memo else {
        return execute(context(), expr, owner);
    };
    let key = (Arc::as_ptr(&expr.ast) as usize, key(vars, expr, memo));
    if let Some(value) = memo.results.borrow().get(&key) {
        return Ok(value.clone());
    }
    let value = execute(context(), expr, owner)?;
    memo.results.borrow_mut().insert(key, value.clone());
    Ok(value)
}

fn execute(context: &Context, expr: &Expr, owner: Owner) -> Result<Value> {
    Value::resolve(&expr.ast, context)
        .map_err(|e| owner.error(expr, format!("evaluating `{}` failed: {e}", expr.as_str())))
}

/// The values of what `expr` reads, by the memo's numbers for their JSON texts.
fn key(vars: &[Rc<Bound>], expr: &Expr, memo: &Memo) -> Vec<usize> {
    // A name bound by no scope is one the environment resolves, the same every time. No
    // text has this number: the memo would need more texts than memory holds bytes.
    const UNBOUND: usize = usize::MAX;
    expr.reads
        .iter()
        .map(|read| match vars.iter().rev().find(|b| b.name == read.var_number) {
            Some(bound) => bound.value(read, memo),
            None => UNBOUND,
        })
        .collect()
}

fn as_bool(expr: &Expr, owner: Owner, value: Value) -> Result<bool> {
    match value {
        Value::Bool(b) => Ok(b),
        other => Err(owner.error(
            expr,
            format!("`{}` gave {other:?}, expected true or false", expr.as_str()),
        )),
    }
}

fn as_integer(expr: &Expr, owner: Owner, value: Value) -> Result<i64> {
    match value {
        Value::Int(n) => Ok(n),
        Value::UInt(n) => Ok(i64::try_from(n).unwrap_or(i64::MAX)),
        other => Err(owner.error(
            expr,
            format!("`{}` gave {other:?}, expected a whole number", expr.as_str()),
        )),
    }
}

fn as_text(expr: &Expr, owner: Owner, value: Value) -> Result<String> {
    match value {
        Value::String(s) => Ok(s.to_string()),
        other => Err(owner.error(expr, format!("`{}` gave {other:?}, expected a string", expr.as_str()))),
    }
}

impl Default for Scope<'_> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests;
