//! Overlays: a deal with some fields set to other values, by their path in the file
//! (`transfer.mode`, `datasets[0].excluded`, `datasets[].form`). Scenarios in a deal file and
//! the facts a mitigation changes (`apply` in the pack) are both overlays.

use crate::deal::{Deal, DeclaredMitigation};
use anyhow::{Context as _, Result, anyhow, bail};
use toml::Value;

/// The deal, without its scenarios, with every `path = value` of `set` applied and
/// `mitigations` appended; and the TOML text it was read back from (for error messages).
pub fn apply<'a>(
    deal: &Deal,
    set: impl IntoIterator<Item = (&'a String, &'a Value)>,
    mitigations: &[DeclaredMitigation],
) -> Result<(Deal, String)> {
    let mut base = deal.clone();
    base.scenarios.clear();
    base.mitigations.extend(mitigations.iter().cloned());
    let mut doc = Value::try_from(&base).context("cannot represent the deal as TOML")?;
    let mut last = None;
    for (path, value) in set {
        if set_path(&mut doc, path, value)? == 0 {
            bail!("`{path}` names no field of the deal");
        }
        // Read back after each change, so that an error names the path that caused it; the
        // last reading is the result.
        last = Some(read(&doc).map_err(|e| anyhow!("`{path}`: {e}"))?);
    }
    let (mut overlaid, text) = match last {
        Some(read_back) => read_back,
        None => read(&doc)?,
    };
    crate::evidence::carry_over(deal, &mut overlaid);
    Ok((overlaid, text))
}

fn read(doc: &Value) -> Result<(Deal, String)> {
    let text = toml::to_string(doc).context("cannot write the overlaid deal")?;
    let deal =
        toml::from_str(&text).map_err(|e| anyhow!("{}", crate::diagnostic::with_suggestion(e.message().trim_end())))?;
    Ok((deal, text))
}

/// Sets `value` at `path` (a `[]` step sets every element); returns how many places were set.
fn set_path(doc: &mut Value, path: &str, value: &Value) -> Result<usize> {
    if path.is_empty() {
        *doc = value.clone();
        return Ok(1);
    }
    if let Some(inside) = path.strip_prefix('[') {
        let (index, rest) = inside
            .split_once(']')
            .ok_or_else(|| anyhow!("`[` without `]` in `{path}`"))?;
        let rest = rest.strip_prefix('.').unwrap_or(rest);
        let Value::Array(items) = doc else { return Ok(0) };
        let mut touched = 0;
        for (i, item) in items.iter_mut().enumerate() {
            if index.is_empty() || index.parse() == Ok(i) {
                touched += set_path(item, rest, value)?;
            }
        }
        return Ok(touched);
    }
    let end = path.find(['.', '[']).unwrap_or(path.len());
    let (key, rest) = (&path[..end], path[end..].strip_prefix('.').unwrap_or(&path[end..]));
    let Value::Table(table) = doc else { return Ok(0) };
    if rest.is_empty() {
        table.insert(key.to_string(), value.clone());
        return Ok(1);
    }
    match table.get_mut(key) {
        Some(child) => set_path(child, rest, value),
        None => Ok(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        toml::from_str("[transfer]\nmode = \"full-copy\"\n[[datasets]]\nform = \"a\"\n[[datasets]]\nform = \"b\"\n")
            .unwrap()
    }

    #[test]
    fn sets_a_field_of_every_element_or_of_one() {
        let mut d = doc();
        assert_eq!(set_path(&mut d, "datasets[].form", &Value::from("x")).unwrap(), 2);
        assert_eq!(set_path(&mut d, "datasets[1].form", &Value::from("y")).unwrap(), 1);
        assert_eq!(d["datasets"][0]["form"].as_str(), Some("x"));
        assert_eq!(d["datasets"][1]["form"].as_str(), Some("y"));
    }

    #[test]
    fn a_path_through_nothing_sets_nothing() {
        let mut d = doc();
        assert_eq!(set_path(&mut d, "nowhere.mode", &Value::from("x")).unwrap(), 0);
        assert_eq!(set_path(&mut d, "datasets[5].form", &Value::from("x")).unwrap(), 0);
    }
}
