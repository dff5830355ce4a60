//! Evaluating the pack's CEL expressions against a deal: the variables a rule can see and
//! the three result types rules use (condition, level, message).

use crate::pack::Expr;
use anyhow::Result;
use cel::{Context, Value};
use serde::Serialize;
use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;
use std::sync::Arc;

/// The variables of one evaluation, e.g. `deal`, `facts`, `mitigations`.
pub struct Scope<'a> {
    context: Context<'a, 'a>,
    /// Every variable this scope sees, as JSON, innermost last: what a memoised result's key
    /// is read from.
    vars: Vec<Rc<Bound>>,
    memo: Option<&'a Memo>,
}

/// A variable as the memo's keys read it: its JSON, and the text of each field of it read so
/// far (dozens of rules read `deal.datasets` or `facts.categories`; each is written once).
struct Bound {
    name: &'static str,
    json: serde_json::Value,
    texts: RefCell<HashMap<String, Rc<[u8]>, foldhash::fast::RandomState>>,
}

impl Bound {
    fn new(name: &'static str, json: serde_json::Value) -> Rc<Bound> {
        Rc::new(Bound {
            name,
            json,
            texts: RefCell::default(),
        })
    }

    /// The JSON text of the field at `read`, or a byte no JSON text holds if it is absent.
    fn text(&self, read: &crate::pack::reads::Read) -> Rc<[u8]> {
        const ABSENT: &[u8] = &[0];
        if let Some(text) = self.texts.borrow().get(&read.joined) {
            return text.clone();
        }
        let value = read.path.iter().try_fold(&self.json, |value, field| match value {
            serde_json::Value::Object(map) => map.get(field),
            // Selecting from a list or a scalar fails alike whatever it holds.
            other => Some(other),
        });
        let text: Rc<[u8]> = match value {
            // Writing JSON into a Vec cannot fail.
            Some(value) => serde_json::to_vec(value).unwrap_or_default().into(),
            None => ABSENT.into(),
        };
        self.texts.borrow_mut().insert(read.joined.clone(), text.clone());
        text
    }
}

/// Results of expressions already evaluated for one deal and its variants, each keyed by the
/// expression and the values of the fields it reads (`pack::reads`). What-if analysis
/// assesses a deal dozens of times with one field changed: most rules read none of the
/// fields that changed, and their results are read back instead of evaluated again.
pub struct Memo {
    enabled: bool,
    results: RefCell<HashMap<(usize, Vec<u8>), Value, foldhash::fast::RandomState>>,
}

impl Default for Memo {
    fn default() -> Self {
        Memo {
            enabled: true,
            results: RefCell::default(),
        }
    }
}

impl Memo {
    /// A memo that remembers nothing: every expression is evaluated (what the tests compare
    /// the memo with).
    pub fn off() -> Self {
        Memo {
            enabled: false,
            results: RefCell::default(),
        }
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

/// An expression of the pack that did not evaluate (an unknown key, a division by zero, a
/// result of the wrong type), with the span of its text in the file that defines its record.
#[derive(Debug)]
pub struct EvalError {
    pub section: &'static str,
    pub id: String,
    pub span: Range<usize>,
    pub message: String,
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.section.replace('_', " "), self.id, self.message)
    }
}

impl std::error::Error for EvalError {}

impl<'a> Scope<'a> {
    /// A scope whose results are not remembered.
    pub fn new() -> Self {
        Scope {
            context: Context::with_env(crate::pack::ENV.clone()),
            vars: Vec::new(),
            memo: None,
        }
    }

    /// Binds `value` as `name`. It is converted for CEL from its own type (a Rust `i64` is a
    /// CEL `int`) and kept as JSON for the memo's keys.
    pub fn with(mut self, name: &'static str, value: &impl Serialize) -> Result<Self> {
        if self.memo.is_some() {
            self.vars.push(Bound::new(name, serde_json::to_value(value)?));
        }
        self.context.add_variable_from_value(name, to_cel(name, value)?);
        Ok(self)
    }

    /// A scope that sees this one's variables and adds its own. Binding a variable copies it
    /// into CEL's own representation, the whole tree of it: the deal is bound once per
    /// assessment in a root scope and each evaluation adds its few variables in a child.
    pub fn child(&self) -> Scope<'_> {
        Scope {
            context: self.context.new_inner_scope(),
            vars: self.vars.clone(),
            memo: self.memo,
        }
    }

    /// The root scope of one assessment: the deal, as its JSON, bound as `deal`.
    pub fn of_deal(deal_json: &serde_json::Value, memo: &'a Memo) -> Result<Scope<'a>> {
        let mut scope = Scope {
            memo: memo.enabled.then_some(memo),
            ..Scope::new()
        };
        if scope.memo.is_some() {
            scope.vars.push(Bound::new("deal", deal_json.clone()));
        }
        scope
            .context
            .add_variable_from_value("deal", to_cel("deal", deal_json)?);
        Ok(scope)
    }

    fn run(&self, expr: &Expr, owner: Owner) -> Result<Value> {
        let Some(memo) = self.memo else {
            return self.execute(expr, owner);
        };
        let key = (Arc::as_ptr(&expr.ast) as usize, self.key(expr));
        if let Some(value) = memo.results.borrow().get(&key) {
            return Ok(value.clone());
        }
        let value = self.execute(expr, owner)?;
        memo.results.borrow_mut().insert(key, value.clone());
        Ok(value)
    }

    fn execute(&self, expr: &Expr, owner: Owner) -> Result<Value> {
        Value::resolve(&expr.ast, &self.context)
            .map_err(|e| owner.error(expr, format!("evaluating `{}` failed: {e}", expr.as_str())))
    }

    /// The values of what `expr` reads, each as its JSON text and a byte that no JSON text
    /// holds after it.
    fn key(&self, expr: &Expr) -> Vec<u8> {
        const END: u8 = 0x1e;
        let mut key = Vec::new();
        for read in expr.reads.iter() {
            // A name bound by no scope is one the environment resolves, the same every time.
            if let Some(bound) = self.vars.iter().rev().find(|b| b.name == read.var) {
                key.extend_from_slice(&bound.text(read));
            }
            key.push(END);
        }
        key
    }

    pub fn condition(&self, expr: &Expr, owner: Owner) -> Result<bool> {
        match self.run(expr, owner)? {
            Value::Bool(b) => Ok(b),
            other => Err(owner.error(
                expr,
                format!("`{}` gave {other:?}, expected true or false", expr.as_str()),
            )),
        }
    }

    pub fn integer(&self, expr: &Expr, owner: Owner) -> Result<i64> {
        match self.run(expr, owner)? {
            Value::Int(n) => Ok(n),
            Value::UInt(n) => Ok(i64::try_from(n).unwrap_or(i64::MAX)),
            other => Err(owner.error(
                expr,
                format!("`{}` gave {other:?}, expected a whole number", expr.as_str()),
            )),
        }
    }

    pub fn text(&self, expr: &Expr, owner: Owner) -> Result<String> {
        match self.run(expr, owner)? {
            Value::String(s) => Ok(s.to_string()),
            other => Err(owner.error(expr, format!("`{}` gave {other:?}, expected a string", expr.as_str()))),
        }
    }
}

/// Converts a value for CEL (the deal is converted once per assessment, not per condition).
pub fn to_cel(name: &str, value: &impl Serialize) -> Result<Value> {
    cel::to_value(value).map_err(|e| anyhow::anyhow!("cannot pass `{name}` to CEL: {e}"))
}

impl Default for Scope<'_> {
    fn default() -> Self {
        Self::new()
    }
}
