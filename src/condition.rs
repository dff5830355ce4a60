//! Evaluating the pack's CEL expressions against a deal: the variables a rule can see and
//! the three result types rules use (condition, level, message).

use crate::pack::Expr;
use anyhow::Result;
use cel::{Context, Value};
use serde::Serialize;
use std::ops::Range;

/// The variables of one evaluation, e.g. `deal`, `facts`, `mitigations`.
pub struct Scope<'a> {
    context: Context<'a, 'a>,
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
    pub fn new() -> Self {
        Scope {
            context: Context::with_env(crate::pack::ENV.clone()),
        }
    }

    pub fn with(self, name: &str, value: &impl Serialize) -> Result<Self> {
        Ok(self.with_value(name, to_cel(name, value)?))
    }

    /// Binds a value converted once with `to_cel`, for one reused across many scopes.
    pub fn with_value(mut self, name: &str, value: Value) -> Self {
        self.context.add_variable_from_value(name, value);
        self
    }

    /// A scope that sees this one's variables and adds its own. Binding a variable copies it
    /// into CEL's own representation, the whole tree of it: the deal is bound once per
    /// assessment in a root scope and each evaluation adds its few variables in a child.
    pub fn child(&self) -> Scope<'_> {
        Scope {
            context: self.context.new_inner_scope(),
        }
    }

    /// The root scope of one assessment: the deal, as its JSON, bound as `deal`.
    pub fn of_deal(deal_json: &serde_json::Value) -> Result<Scope<'static>> {
        Ok(Scope::new().with_value("deal", to_cel("deal", deal_json)?))
    }

    fn run(&self, expr: &Expr, owner: Owner) -> Result<Value> {
        expr.program
            .execute(&self.context)
            .map_err(|e| owner.error(expr, format!("evaluating `{}` failed: {e}", expr.as_str())))
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
