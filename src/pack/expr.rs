//! CEL expressions in rule files, parsed as they are read so that a condition that does
//! not parse is reported at its line and column like any other bad value.

use serde::{Deserialize, Serialize};
use std::sync::{Arc, LazyLock};
use toml::Spanned;

/// The CEL environment of every rule expression: the standard library plus the strings,
/// lists and math extensions (`join`, `distinct`, `math.greatest`...).
pub static ENV: LazyLock<Arc<cel::Env>> = LazyLock::new(|| {
    let mut env = cel::Env::stdlib();
    for extension in [cel::extensions::strings, cel::extensions::lists, cel::extensions::math] {
        env.add_extension(extension)
            .expect("the standard CEL extensions do not conflict");
    }
    Arc::new(env)
});

/// A parsed CEL expression together with its text.
#[derive(Clone)]
pub struct Expr {
    pub text: Spanned<String>,
    /// Its syntax tree, every macro expanded: what is evaluated (`cel::Value::resolve`).
    pub ast: Arc<cel::parser::Expression>,
    /// The variables and fields it reads: what a memoised result is keyed by.
    pub reads: Arc<[super::reads::Read]>,
}

impl std::fmt::Debug for Expr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Expr({:?})", self.text.get_ref())
    }
}

impl Expr {
    pub fn compile(text: Spanned<String>) -> Result<Expr, String> {
        within_limits(text.get_ref())?;
        let ast = parse(text.get_ref())?;
        let reads = super::reads::reads(&ast).into();
        Ok(Expr {
            text,
            ast: Arc::new(ast),
            reads,
        })
    }

    pub fn as_str(&self) -> &str {
        self.text.get_ref()
    }
}

/// The syntax tree of `text`. cel's Pratt parser builds the same tree as the environment's
/// ANTLR-generated parser about ten times faster (parsing the pack was most of the cost of a
/// small assessment), but it expands only the standard macros (`has`, `all`, `exists`,
/// `exists_one`, `map`, `filter`): an expression that may call a macro of the extensions, and
/// one the Pratt parser refuses, are parsed by the environment, whose message a user sees.
fn parse(text: &str) -> Result<cel::parser::Expression, String> {
    let extension_macro = EXTENSION_MACROS.iter().any(|name| text.contains(name));
    if !extension_macro && let Ok(ast) = cel::parser::PrattParser::new().parse(text) {
        return Ok(ast);
    }
    ENV.compile(text)
        .map(|program| program.expression().clone())
        .map_err(|e| format!("CEL expression does not compile: {}", one_line(&e.to_string())))
}

/// Macros the strings, lists and math extensions add (`math.greatest(a, b)`, `xs.sortBy(x,
/// x.n)`): read as a word anywhere in an expression, they send it to the environment's parser.
const EXTENSION_MACROS: [&str; 3] = ["greatest", "least", "sortBy"];

/// Longest expression, in characters, and deepest nesting of brackets a rule may use. The
/// default pack's longest is about 1,100 characters and its deepest 5 levels; the CEL parser
/// recurses once per level and formats its errors with the column as a width, so an
/// expression far beyond these (from a pack in a pull request) could overflow its stack or
/// panic. Checked before parsing.
const MAX_CHARS: usize = 10_000;
const MAX_DEPTH: usize = 32;

fn within_limits(text: &str) -> Result<(), String> {
    let chars = text.chars().count();
    if chars > MAX_CHARS {
        return Err(format!(
            "CEL expression of {chars} characters; at most {MAX_CHARS} are allowed (split the rule, or name a predicate in predicates.toml)"
        ));
    }
    let mut depth = 0usize;
    let mut deepest = 0usize;
    for c in text.chars() {
        match c {
            '(' | '[' | '{' => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            ')' | ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if deepest > MAX_DEPTH {
        return Err(format!(
            "CEL expression nested {deepest} brackets deep; at most {MAX_DEPTH} levels are allowed"
        ));
    }
    Ok(())
}

/// The parser's message on one line, without the quoted source it appends after " | ".
fn one_line(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    text.split(" | ").next().unwrap_or_default().to_string()
}

impl<'de> Deserialize<'de> for Expr {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        let text = Spanned::<String>::deserialize(de)?;
        Expr::compile(text).map_err(serde::de::Error::custom)
    }
}

impl Serialize for Expr {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// A level 1..=4 written as a number, or as a CEL expression that computes one.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum LevelSpec {
    Fixed(u8),
    Computed(Expr),
}

impl<'de> Deserialize<'de> for LevelSpec {
    fn deserialize<D: serde::Deserializer<'de>>(de: D) -> Result<Self, D::Error> {
        let raw = Spanned::<toml::Value>::deserialize(de)?;
        let span = raw.span();
        match raw.into_inner() {
            toml::Value::Integer(n @ 1..=4) => Ok(LevelSpec::Fixed(n as u8)),
            toml::Value::Integer(n) => Err(serde::de::Error::custom(format!("invalid level {n}, expected 1 to 4"))),
            toml::Value::String(text) => Expr::compile(Spanned::new(span, text))
                .map(LevelSpec::Computed)
                .map_err(serde::de::Error::custom),
            _ => Err(serde::de::Error::custom(
                "expected a level from 1 to 4, or a CEL expression that computes one",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compile(text: String) -> Result<Expr, String> {
        Expr::compile(Spanned::new(0..text.len(), text))
    }

    /// Every expression the default pack holds, from its rule files.
    fn default_pack_expressions() -> Vec<String> {
        fn walk(value: &toml::Value, key: &str, out: &mut Vec<String>) {
            match value {
                toml::Value::String(text)
                    if [
                        "when",
                        "message",
                        "severity",
                        "likelihood",
                        "implied_by",
                        "applies_when",
                    ]
                    .contains(&key) =>
                {
                    out.push(text.clone())
                }
                toml::Value::Table(table) => table.iter().for_each(|(k, v)| walk(v, k, out)),
                toml::Value::Array(items) => items.iter().for_each(|v| walk(v, key, out)),
                _ => {}
            }
        }
        let mut out = Vec::new();
        for (_, text) in crate::pack::RulePack::default_sources() {
            walk(&toml::from_str(&text).expect("the default pack is TOML"), "", &mut out);
        }
        out
    }

    #[test]
    fn the_fast_parser_reads_every_expression_of_the_default_pack_as_the_environment_does() {
        let texts = default_pack_expressions();
        assert!(texts.len() > 200, "{} expressions", texts.len());
        for text in texts {
            let environment = ENV.compile(&text).expect("compiles").expression().clone();
            let pratt = cel::parser::PrattParser::new().parse(&text);
            assert_eq!(pratt.as_ref().ok(), Some(&environment), "{text}");
        }
    }

    #[test]
    fn extension_macros_and_syntax_errors_go_to_the_environment() {
        let value = |text: &str| {
            let ast = parse(text).unwrap();
            cel::Value::resolve(&ast, &cel::Context::with_env(ENV.clone())).unwrap()
        };
        assert_eq!(value("math.greatest(1, 5, 3)"), cel::Value::Int(5));
        assert_eq!(value("[3, 1, 2].sortBy(x, x)"), value("[1, 2, 3]"));
        assert_eq!(value("'a,b'.split(',').size()"), cel::Value::Int(2));
        let error = parse("deal.transfer.mode == ").unwrap_err();
        assert!(error.starts_with("CEL expression does not compile: "), "{error}");
    }

    #[test]
    fn deep_or_long_expressions_are_refused_before_the_parser_sees_them() {
        let deep = format!("{}true{}", "(".repeat(100_000), ")".repeat(100_000));
        assert!(compile(deep).unwrap_err().contains("characters; at most 10000"));
        let nested = format!("{}true{}", "(".repeat(40), ")".repeat(40));
        assert!(compile(nested).unwrap_err().contains("nested 40 brackets deep"));
        let wide = format!("deal.deal.id == '{}' &&", "x".repeat(70_000));
        assert!(compile(wide).is_err());
        assert!(compile("(((true)))".to_string()).is_ok());
    }
}

/// An expression of the pack that did not evaluate (an unknown key, a division by zero, a
/// result of the wrong type), with the span of its text in the file that defines its record.
#[derive(Debug)]
pub struct EvalError {
    pub section: &'static str,
    pub id: String,
    pub span: std::ops::Range<usize>,
    pub message: String,
}

impl std::fmt::Display for EvalError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.section.replace('_', " "), self.id, self.message)
    }
}

impl std::error::Error for EvalError {}
