//! Conditions that read a field the deal does not have, or compare a field with a value the
//! field never takes: `deal.transfer.mdoe` fails on every deal, and `deal.transfer.mode ==
//! 'full_copy'` is always false (the value is `full-copy`), so a rule that needs either can
//! never fire. The fields and the values each can take come from the deal format's JSON Schema
//! (the parser's own types), the facts the engine derives and, for ids, from the pack; a name
//! or literal outside them is reported with the nearest.

use super::expr::Expr;
use super::rule_pack::RulePack;
use cel::common::ast::{Expr as Node, IdedExpr, LiteralValue};
use serde_json::Value;
use std::collections::BTreeMap;

/// Field paths (`transfer.mode`, `datasets[].categories[]`, `facts.categories[]`) and the
/// string values each can hold; and the paths of objects (`""` for the deal, `transfer`,
/// `datasets[]`, `facts`) with the names of their fields.
pub struct Domains {
    values: BTreeMap<String, Vec<String>>,
    fields: BTreeMap<String, Vec<String>>,
}

impl Domains {
    pub fn of(pack: &RulePack) -> Domains {
        let schema: Value = serde_json::to_value(schemars::schema_for!(crate::model::deal::Deal)).unwrap_or_default();
        let mut map = BTreeMap::new();
        let mut fields = BTreeMap::new();
        from_schema(&schema, &schema, String::new(), &mut map, &mut fields);
        // The facts are the engine's own: their names are those of `Facts` and the predicates.
        if let Ok(Value::Object(facts)) = serde_json::to_value(crate::model::facts::Facts::default()) {
            let names = facts.keys().cloned().chain(pack.predicates.keys().cloned()).collect();
            fields.insert("facts".to_string(), names);
        }
        let ids = |keys: &mut dyn Iterator<Item = &String>| -> Vec<String> { keys.cloned().collect() };
        let categories = ids(&mut pack.categories.keys());
        let purposes = ids(&mut pack.purposes.keys());
        let families = ids(&mut pack.families.keys());
        let mitigations = ids(&mut pack.mitigations.keys());
        let jurisdictions = ids(&mut pack.jurisdictions.keys());
        let sectors = ids(&mut pack.sectors.keys());
        let unknown = |mut v: Vec<String>| {
            v.push("unknown".to_string());
            v
        };
        for (path, values) in [
            ("datasets[].categories[]", &categories),
            ("datasets[].excluded[]", &categories),
            ("collection.purposes[]", &purposes),
            ("collection.notice_purposes[]", &purposes),
            ("use.purposes[]", &purposes),
            ("mitigations[].id", &mitigations),
            ("provider.jurisdictions[]", &jurisdictions),
            ("recipient.jurisdictions[]", &jurisdictions),
            ("facts.categories[]", &categories),
            ("facts.declared_categories[]", &categories),
            ("facts.inferred_categories[]", &categories),
            ("facts.unnoticed_purposes[]", &purposes),
            ("facts.use_families[]", &families),
            ("facts.collection_families[]", &families),
            ("facts.mitigations[]", &mitigations),
            ("facts.jurisdictions[]", &jurisdictions),
            ("facts.required_consent", &pack.scoring.consent_ladder),
        ] {
            map.insert(path.to_string(), values.clone());
        }
        for path in ["provider.sector", "recipient.sector"] {
            map.insert(path.to_string(), unknown(sectors.clone()));
        }
        Domains { values: map, fields }
    }

    /// Fields `expr` reads that do not exist and literals it compares fields with that the
    /// fields never hold, each as the text to point at (`.mdoe`, `'full_copy'`) and the
    /// problem in words.
    pub fn check(&self, expr: &Expr) -> Vec<(String, String)> {
        let mut scope = vec![
            ("deal".to_string(), String::new()),
            ("facts".to_string(), "facts".to_string()),
            ("mitigations".to_string(), "facts.mitigations".to_string()),
            ("dataset".to_string(), "datasets[]".to_string()),
            ("purpose".to_string(), "use.purposes[]".to_string()),
        ];
        let mut found = Vec::new();
        self.walk(&expr.ast, &mut scope, &mut found);
        found.sort();
        found.dedup();
        found
    }

    fn walk(&self, e: &IdedExpr, scope: &mut Vec<(String, String)>, found: &mut Vec<(String, String)>) {
        match &e.expr {
            Node::Call(call) => {
                let args: Vec<&IdedExpr> = call.target.as_deref().into_iter().chain(&call.args).collect();
                match (call.func_name.as_str(), args.as_slice()) {
                    (op @ ("_==_" | "_!=_"), [a, b]) => {
                        for (field, value) in [(a, b), (b, a)] {
                            if let (Some(path), Some(lit)) = (path(field, scope), string(value)) {
                                self.literal(&path, lit, op == "_!=_", found);
                            }
                        }
                    }
                    ("@in", [a, b]) => {
                        if let (Some(lit), Some(path)) = (string(a), path(b, scope)) {
                            self.literal(&format!("{path}[]"), lit, false, found);
                        }
                        if let (Some(path), Node::List(list)) = (path(a, scope), &b.expr) {
                            for lit in list.elements.iter().filter_map(string) {
                                self.literal(&path, lit, false, found);
                            }
                        }
                    }
                    _ => {}
                }
                for a in args {
                    self.walk(a, scope, found);
                }
            }
            Node::Comprehension(c) => {
                self.walk(&c.iter_range, scope, found);
                // A range that is not a field (a filtered list, a literal) binds the variable to a
                // path no field has, so that nothing read through it is checked.
                let bound = path(&c.iter_range, scope).map_or_else(|| "?".to_string(), |p| format!("{p}[]"));
                scope.push((c.iter_var.clone(), bound));
                for part in [&c.accu_init, &c.loop_cond, &c.loop_step, &c.result] {
                    self.walk(part, scope, found);
                }
                scope.pop();
            }
            Node::Select(s) => {
                if let Some(base) = path(&s.operand, scope) {
                    self.field(&base, &s.field, found);
                }
                self.walk(&s.operand, scope, found)
            }
            Node::List(l) => {
                for item in &l.elements {
                    self.walk(item, scope, found);
                }
            }
            Node::Map(m) => {
                for entry in &m.entries {
                    if let cel::common::ast::EntryExpr::MapEntry(m) = &entry.expr {
                        self.walk(&m.key, scope, found);
                        self.walk(&m.value, scope, found);
                    }
                }
            }
            _ => {}
        }
    }

    fn field(&self, base: &str, name: &str, found: &mut Vec<(String, String)>) {
        let Some(names) = self.fields.get(base) else { return };
        if names.iter().any(|n| n == name) {
            return;
        }
        let hint = hint(name, names, "it has");
        let owner = match base.trim_end_matches("[]") {
            "" => "the deal".to_string(),
            "facts" => "`facts`".to_string(),
            other => format!("`{other}`"),
        };
        found.push((
            format!(".{name}"),
            format!("{owner} has no field `{name}`, so evaluating this fails on every deal; {hint}"),
        ));
    }

    fn literal(&self, path: &str, lit: &str, negated: bool, found: &mut Vec<(String, String)>) {
        let Some(values) = self.values.get(path) else { return };
        if values.iter().any(|v| v == lit) {
            return;
        }
        let hint = hint(lit, values, "it takes");
        let shown = path.trim_end_matches("[]");
        found.push((
            format!("'{lit}'"),
            if negated {
                format!("`{shown}` never holds `{lit}`, so this test is always true; {hint}")
            } else {
                format!(
                    "`{shown}` never holds `{lit}`, so this test never matches and cannot make the rule fire; {hint}"
                )
            },
        ));
    }
}

/// "did you mean `x`?" for the nearest of `options`, else all of them after `listing`.
fn hint(wanted: &str, options: &[String], listing: &str) -> String {
    crate::input::diagnostic::nearest(wanted, options.iter().map(String::as_str))
        .map(|n| format!("did you mean `{n}`?"))
        .unwrap_or_else(|| format!("{listing} {}", options.join(", ")))
}

/// The field path an expression reads (`deal.transfer.mode` → `transfer.mode`), if it is one.
fn path(e: &IdedExpr, scope: &[(String, String)]) -> Option<String> {
    match &e.expr {
        Node::Ident(name) => scope.iter().rev().find(|(n, _)| n == name).map(|(_, p)| p.clone()),
        Node::Select(s) if !s.test => {
            let base = path(&s.operand, scope)?;
            Some(if base.is_empty() {
                s.field.clone()
            } else {
                format!("{base}.{}", s.field)
            })
        }
        Node::Call(c) if c.func_name == "_[_]" => c.args.first().and_then(|a| path(a, scope)).map(|p| format!("{p}[]")),
        _ => None,
    }
}

fn string(e: &IdedExpr) -> Option<&str> {
    match &e.expr {
        Node::Literal(LiteralValue::String(s)) => Some(s.inner()),
        _ => None,
    }
}

/// Collects the string values of every enumerated field of the deal schema, and the field
/// names of every object, by path.
fn from_schema(
    root: &Value,
    node: &Value,
    prefix: String,
    out: &mut BTreeMap<String, Vec<String>>,
    fields: &mut BTreeMap<String, Vec<String>>,
) {
    let node = resolve(root, node);
    if let Some(props) = node.get("properties").and_then(Value::as_object) {
        fields.insert(prefix.clone(), props.keys().cloned().collect());
        for (key, child) in props {
            let path = if prefix.is_empty() {
                key.clone()
            } else {
                format!("{prefix}.{key}")
            };
            from_schema(root, child, path, out, fields);
        }
        return;
    }
    if let Some(items) = node.get("items") {
        from_schema(root, items, format!("{prefix}[]"), out, fields);
        return;
    }
    // An optional object (`anyOf: [{$ref}, {type: null}]`) has the fields of its object.
    for option in node.get("anyOf").and_then(Value::as_array).into_iter().flatten() {
        let option = resolve(root, option);
        if option.get("properties").is_some() {
            from_schema(root, option, prefix.clone(), out, fields);
        }
    }
    let mut values = Vec::new();
    strings(root, node, &mut values);
    if !values.is_empty() {
        out.insert(prefix, values);
    }
}

fn strings(root: &Value, node: &Value, out: &mut Vec<String>) {
    let node = resolve(root, node);
    if let Some(values) = node.get("enum").and_then(Value::as_array) {
        out.extend(values.iter().filter_map(Value::as_str).map(str::to_string));
    }
    if let Some(value) = node.get("const").and_then(Value::as_str) {
        out.push(value.to_string());
    }
    for key in ["anyOf", "oneOf"] {
        for option in node.get(key).and_then(Value::as_array).into_iter().flatten() {
            strings(root, option, out);
        }
    }
}

fn resolve<'a>(root: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => r
            .strip_prefix("#/")
            .map(|p| p.split('/').fold(root, |v, k| &v[k]))
            .unwrap_or(node),
        None => node,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems(condition: &str) -> Vec<(String, String)> {
        let pack = RulePack::load(&[]).unwrap();
        let expr = Expr::compile(toml::Spanned::new(0..0, condition.to_string())).unwrap();
        Domains::of(&pack).check(&expr)
    }

    #[test]
    fn a_value_a_field_never_takes_is_reported_with_the_nearest() {
        let p = problems("deal.transfer.mode == 'full_copy'");
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].0, "'full_copy'");
        assert!(p[0].1.contains("`transfer.mode` never holds `full_copy`"), "{p:?}");
        assert!(p[0].1.ends_with("did you mean `full-copy`?"));
    }

    #[test]
    fn a_field_the_deal_or_the_facts_lack_is_reported_with_the_nearest() {
        let p = problems("deal.transfer.mdoe == 'full-copy'");
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].0, ".mdoe");
        assert!(p[0].1.starts_with("`transfer` has no field `mdoe`"), "{p:?}");
        assert!(p[0].1.ends_with("did you mean `mode`?"), "{p:?}");
        let p = problems("deal.datasets.exists(d, d.granularty == 'line-item') || facts.records_leaves");
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(
            p.iter()
                .any(|(_, m)| m.contains("`datasets` has no field `granularty`")),
            "{p:?}"
        );
        assert!(
            p.iter().any(|(_, m)| m.contains("did you mean `records_leave`?")),
            "{p:?}"
        );
        assert!(problems("has(dataset.evidence) && dataset.evidence.sample != ''").is_empty());
        assert!(
            problems("deal.dela.id == ''")[0]
                .1
                .starts_with("the deal has no field `dela`")
        );
    }

    #[test]
    fn lists_comprehensions_and_pack_ids_are_followed() {
        assert_eq!(
            problems("deal.datasets.exists(d, d.granularity in ['line-item', 'basket'])").len(),
            0
        );
        assert_eq!(
            problems("deal.datasets.exists(d, d.granularity in ['line_item'])").len(),
            1
        );
        assert_eq!(
            problems("'pharmacy' in facts.categories && 'MT-OPTIN' in mitigations").len(),
            0
        );
        let p = problems("'pharmacie' in facts.categories || 'MT-OPT-IN' in mitigations");
        assert_eq!(p.len(), 2, "{p:?}");
        assert_eq!(problems("deal.use.decisions.exists(d, d == 'pricing')").len(), 0);
        assert_eq!(problems("deal.use.decisions.exists(d, d == 'price')").len(), 1);
        assert_eq!(
            problems("dataset.history_months == 'unknown' || dataset.history_months > 12").len(),
            0
        );
    }
}
