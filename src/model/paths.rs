//! Deal fields by their path in the file (`use.purposes`, `datasets[0].form`): how a
//! finding cites the fields that made it fire, and where the `unknown` answers are.

use serde::Serialize;
use serde_json::Value;

/// One deal field and its value, as cited by a finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Cited {
    pub path: String,
    pub value: Value,
}

/// Expands a pattern whose `[]` stands for every element (`datasets[].form`) against a deal.
pub fn cite(deal: &Value, pattern: &str) -> Vec<Cited> {
    let mut found = Vec::new();
    walk(deal, String::new(), pattern, &mut found);
    found
}

fn walk(value: &Value, prefix: String, rest: &str, out: &mut Vec<Cited>) {
    if rest.is_empty() {
        out.push(Cited {
            path: prefix,
            value: value.clone(),
        });
        return;
    }
    if let Some(inside) = rest.strip_prefix('[') {
        let Some((index, tail)) = inside.split_once(']') else {
            return;
        };
        let tail = tail.strip_prefix('.').unwrap_or(tail);
        let Value::Array(items) = value else { return };
        for (i, item) in items.iter().enumerate() {
            if index.is_empty() || index.parse() == Ok(i) {
                walk(item, format!("{prefix}[{i}]"), tail, out);
            }
        }
        return;
    }
    let end = rest.find(['.', '[']).unwrap_or(rest.len());
    let (head, tail) = (&rest[..end], rest[end..].strip_prefix('.').unwrap_or(&rest[end..]));
    if let Some(next) = value.get(head) {
        let path = if prefix.is_empty() {
            head.to_string()
        } else {
            format!("{prefix}.{head}")
        };
        walk(next, path, tail, out);
    }
}

/// Whether a concrete path (`datasets[0].people`) is matched by a pattern (`datasets[].people`):
/// equal once indexes are dropped, or a field below it.
pub fn matches(pattern: &str, path: &str) -> bool {
    let mut rest = pattern.as_bytes();
    let mut chars = path.as_bytes().iter().copied().peekable();
    while let Some(c) = chars.next() {
        if c == b'[' {
            // An index in the path matches `[]` in the pattern.
            while chars.next_if(|&d| d != b']').is_some() {}
            chars.next();
            match rest.strip_prefix(b"[]") {
                Some(r) => rest = r,
                None => return rest.is_empty(),
            }
            continue;
        }
        match rest.split_first() {
            Some((&p, r)) if p == c => rest = r,
            None => return c == b'.',
            _ => return false,
        }
    }
    rest.is_empty()
}

/// Paths of every field answered `"unknown"` (a list holding `"unknown"` counts as the list).
pub fn unknowns(deal: &Value) -> Vec<String> {
    let mut found = Vec::new();
    each(deal, &mut |path, value| {
        let unknown = match value {
            Value::String(s) => s == "unknown",
            Value::Array(items) => items.iter().any(|v| v == "unknown"),
            _ => false,
        };
        if unknown {
            found.push(path.to_string());
        }
        !unknown
    });
    found
}

/// Calls `visit` with every value of a deal's JSON and its path (`datasets[0].categories`),
/// the deal itself first with the empty path; `visit` says whether to look inside the value.
pub fn each(value: &Value, visit: &mut impl FnMut(&str, &Value) -> bool) {
    each_at(value, String::new(), visit);
}

fn each_at(value: &Value, path: String, visit: &mut impl FnMut(&str, &Value) -> bool) {
    if !visit(&path, value) {
        return;
    }
    match value {
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                each_at(item, format!("{path}[{i}]"), visit);
            }
        }
        Value::Object(map) => {
            for (key, item) in map {
                let next = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                each_at(item, next, visit);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn cites_every_element_of_a_list() {
        let deal = json!({"datasets": [{"form": "identified"}, {"form": "aggregated"}]});
        let cited = cite(&deal, "datasets[].form");
        assert_eq!(cited[1].path, "datasets[1].form");
        assert_eq!(cited[1].value, json!("aggregated"));
        let one = cite(&deal, "datasets[1].form");
        assert_eq!(
            one,
            vec![Cited {
                path: "datasets[1].form".into(),
                value: json!("aggregated")
            }]
        );
        assert!(cite(&deal, "datasets[2].form").is_empty());
    }

    #[test]
    fn patterns_match_concrete_paths() {
        assert!(matches("datasets[].people", "datasets[3].people"));
        assert!(matches("customers", "customers.told"));
        assert!(!matches("customers.told", "customers.told_x"));
        assert!(matches("datasets[]", "datasets[2].form"));
        assert!(!matches("datasets[].form", "datasets[0].formx"));
        assert!(!matches("datasets[].people", "datasets"));
    }

    #[test]
    fn finds_unknown_answers() {
        let deal = json!({"a": {"b": "unknown"}, "l": ["x", "unknown"], "ok": "yes"});
        assert_eq!(unknowns(&deal), vec!["a.b", "l"]);
    }
}
