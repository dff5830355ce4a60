//! Overlays: a deal with some fields set to other values, by their path in the file
//! (`transfer.mode`, `datasets[0].excluded`, `datasets[].form`). Scenarios in a deal file and
//! the facts a mitigation changes (`apply` in the pack) are both overlays.

use crate::model::deal::{Deal, DeclaredMitigation};
use anyhow::{Context as _, Result, anyhow, bail};
use serde::Deserialize as _;
use serde::de::{self, IntoDeserializer, Visitor};
use std::sync::Arc;
use toml::Value;

/// The deal, without its scenarios, with `set` applied and `mitigations` appended, as
/// `apply` gives it but without the text: what what-if analysis tries, dozens of times per
/// deal. It is read from the overlaid TOML value directly; writing that value out as text and
/// parsing it back (what `apply` does, to point into the text) was a seventh of a portfolio's
/// cost. Whatever it rejects, `apply` rejects too and says why.
pub fn variant<'a>(
    deal: &Deal,
    set: impl IntoIterator<Item = (&'a String, &'a Value)>,
    mitigations: &[DeclaredMitigation],
) -> Result<Deal> {
    let set: Vec<_> = set.into_iter().collect();
    let mut base = deal.clone();
    base.scenarios.clear();
    base.mitigations.extend(mitigations.iter().cloned());
    let mut doc = Value::try_from(&base).context("cannot represent the deal as TOML")?;
    let mut fits = true;
    for (i, &(path, value)) in set.iter().enumerate() {
        fits &= set_path(&mut doc, path, value)? > 0;
        // `apply` reads the deal back after each change (a later change to the same field
        // does not mend an earlier one it could not take): so does this.
        if fits && i + 1 < set.len() {
            fits = Deal::deserialize(Unspanned(doc.clone())).is_ok();
        }
    }
    match Deal::deserialize(Unspanned(doc)) {
        Ok(mut overlaid) if fits => {
            carry_over(deal, &mut overlaid);
            Ok(overlaid)
        }
        _ => apply(deal, set, mitigations).map(|(overlaid, _)| overlaid),
    }
}

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
    carry_over(deal, &mut overlaid);
    Ok((overlaid, text))
}

fn read(doc: &Value) -> Result<(Deal, String)> {
    let text = toml::to_string(doc).context("cannot write the overlaid deal")?;
    let deal = toml::from_str(&text)
        .map_err(|e| anyhow!("{}", crate::input::diagnostic::with_suggestion(e.message().trim_end())))?;
    Ok((deal, text))
}

/// A TOML value read as if from a file's text: each `Spanned` field of what it becomes gets
/// an empty span (an overlaid deal has no text of its own to point into). Everything else is
/// `toml::Value`'s own reading.
struct Unspanned(Value);

impl<'de> IntoDeserializer<'de, toml::de::Error> for Unspanned {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> de::Deserializer<'de> for Unspanned {
    type Error = toml::de::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Value::Array(items) => {
                let mut seq = de::value::SeqDeserializer::new(items.into_iter().map(Unspanned));
                let read = visitor.visit_seq(&mut seq)?;
                seq.end()?;
                Ok(read)
            }
            Value::Table(table) => {
                let mut map = de::value::MapDeserializer::new(table.into_iter().map(|(k, v)| (k, Unspanned(v))));
                let read = visitor.visit_map(&mut map)?;
                map.end()?;
                Ok(read)
            }
            scalar => scalar.deserialize_any(visitor),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        if serde_spanned::de::is_spanned(name) {
            return visitor.visit_map(serde_spanned::de::SpannedDeserializer::new(self, 0..0));
        }
        match self.0 {
            datetime @ Value::Datetime(_) => datetime.deserialize_struct(name, fields, visitor),
            other => Unspanned(other).deserialize_any(visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.deserialize_enum(name, variants, visitor)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map identifier ignored_any
    }
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

/// A scenario that excludes a category the base deal did not is a promise to filter it out:
/// the sample (taken before that filter) no longer speaks for it.
pub fn carry_over(base: &Deal, variant: &mut Deal) {
    for dataset in &mut variant.datasets {
        let Some(before) = base.datasets.iter().find(|d| d.id == dataset.id) else {
            continue;
        };
        let Some(observed) = &before.observed else { continue };
        let newly_excluded: Vec<&str> = dataset
            .excluded
            .iter()
            .map(|c| c.get_ref().as_str())
            .filter(|c| !before.excluded.iter().any(|b| b.get_ref() == c))
            .collect();
        let mut kept = (**observed).clone();
        kept.categories
            .retain(|s| !newly_excluded.contains(&s.category.as_str()));
        dataset.observed = Some(Arc::new(kept));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc() -> Value {
        toml::from_str("[transfer]\nmode = \"full-copy\"\n[[datasets]]\nform = \"a\"\n[[datasets]]\nform = \"b\"\n")
            .unwrap()
    }

    /// `variant` reads an overlaid deal without its text: it must take and refuse exactly what
    /// `apply`, which reads the text, takes and refuses, and give the same deal.
    #[test]
    fn a_variant_is_the_deal_apply_reads_from_text() {
        let mut tried = 0;
        for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/examples")).unwrap() {
            let file = entry.unwrap().path();
            if file.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            let deal: Deal = toml::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
            let json = serde_json::to_value(&deal).unwrap();
            let mut paths = Vec::new();
            crate::model::paths::each(&json, &mut |path, _| {
                paths.push(path.to_string());
                true
            });
            let wrong = [
                Value::from("nonsense"),
                Value::from(-3),
                Value::from(2.5),
                Value::Array(vec![Value::from("nonsense")]),
                Value::Table(toml::Table::new()),
            ];
            for path in paths.iter().filter(|p| !p.is_empty()) {
                for value in crate::model::deal::answers_for(path).iter().chain(&wrong) {
                    let set = [(path.clone(), value.clone())];
                    let read = apply(&deal, set.iter().map(|(k, v)| (k, v)), &[]);
                    let unread = variant(&deal, set.iter().map(|(k, v)| (k, v)), &[]);
                    match (read, unread) {
                        (Ok((a, _)), Ok(b)) => {
                            assert_eq!(
                                serde_json::to_value(&a).unwrap(),
                                serde_json::to_value(&b).unwrap(),
                                "{} with {path} = {value}",
                                file.display()
                            );
                            // Read without falling back on the text.
                            let mut doc = Value::try_from(&deal).unwrap();
                            set_path(&mut doc, path, value).unwrap();
                            if let Err(e) = Deal::deserialize(Unspanned(doc)) {
                                panic!("{path} = {value}: {e}")
                            }
                        }
                        (Err(_), Err(_)) => {}
                        (a, b) => panic!(
                            "{} with {path} = {value}: apply {:?}, variant {:?}",
                            file.display(),
                            a.map(|_| ()),
                            b.map(|_| ())
                        ),
                    }
                    tried += 1;
                }
            }
        }
        assert!(tried > 1000, "only {tried} overlays tried");
        // A change the field cannot take is not mended by a later one to the same field.
        let deal: Deal = toml::from_str(include_str!("../../examples/shopsense-ifa.toml")).unwrap();
        let path = "transfer.mode".to_string();
        let set = [(path.clone(), Value::from(-3)), (path, Value::from("clean-room"))];
        assert!(apply(&deal, set.iter().map(|(k, v)| (k, v)), &[]).is_err());
        assert!(variant(&deal, set.iter().map(|(k, v)| (k, v)), &[]).is_err());
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
