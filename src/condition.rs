//! Evaluating the pack's CEL expressions against a deal: the variables a rule can see and
//! the three result types rules use (condition, level, message).

use crate::pack::Expr;
use anyhow::{Result, anyhow};
use cel::{Context, Value};
use serde::Serialize;

/// The variables of one evaluation, e.g. `deal`, `facts`, `mitigations`.
pub struct Scope<'a> {
    context: Context<'a, 'a>,
}

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

    fn run(&self, expr: &Expr, owner: &str) -> Result<Value> {
        expr.program
            .execute(&self.context)
            .map_err(|e| anyhow!("{owner}: evaluating `{}` failed: {e}", expr.as_str()))
    }

    pub fn condition(&self, expr: &Expr, owner: &str) -> Result<bool> {
        match self.run(expr, owner)? {
            Value::Bool(b) => Ok(b),
            other => Err(anyhow!(
                "{owner}: `{}` gave {other:?}, expected true or false",
                expr.as_str()
            )),
        }
    }

    pub fn integer(&self, expr: &Expr, owner: &str) -> Result<i64> {
        match self.run(expr, owner)? {
            Value::Int(n) => Ok(n),
            Value::UInt(n) => Ok(i64::try_from(n).unwrap_or(i64::MAX)),
            other => Err(anyhow!(
                "{owner}: `{}` gave {other:?}, expected a whole number",
                expr.as_str()
            )),
        }
    }

    pub fn text(&self, expr: &Expr, owner: &str) -> Result<String> {
        match self.run(expr, owner)? {
            Value::String(s) => Ok(s.to_string()),
            other => Err(anyhow!(
                "{owner}: `{}` gave {other:?}, expected a string",
                expr.as_str()
            )),
        }
    }
}

/// Converts a value for CEL (the deal is converted once per assessment, not per condition).
pub fn to_cel(name: &str, value: &impl Serialize) -> Result<Value> {
    cel::to_value(value).map_err(|e| anyhow!("cannot pass `{name}` to CEL: {e}"))
}

impl Default for Scope<'_> {
    fn default() -> Self {
        Self::new()
    }
}
