//! JSON values as CEL reads them, in place. A JSON object is a CEL `map` that turns a field
//! into a CEL value only when an expression reads it: binding a deal or its facts used to
//! build the whole tree (a hash map per object), a tenth of every what-if variant, though a
//! rule reads a handful of fields.
//!
//! One difference from a built map remains: `==` asks its left operand, and a map written in
//! an expression knows only its own kind, so `{'a': 1} == deal.x` is false where
//! `deal.x == {'a': 1}` is true. The pack compares no objects with map literals.

use cel::ExecutionError;
use cel::common::traits::{self, Container, Indexer, Iterable, Sizer, Zeroer};
use cel::common::types::{CelBool, CelDouble, CelInt, CelList, CelNull, CelString, CelUInt, Kind, MAP_TYPE, Type};
use cel::common::value::{CowVal, Val};
use serde_json::{Map, Value as Json};
use std::sync::OnceLock;

/// Which CEL type a JSON integer takes: the type its Rust field had before it became JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ints {
    /// `uint` when it is not negative, as serde_json writes a JSON number: the deal and its
    /// datasets, whose counts are unsigned.
    Unsigned,
    /// `int` wherever it fits: the facts, whose counts, levels and ranks are signed.
    Signed,
}

/// CEL's value of `json`, borrowing its strings; an object is read in place (`Object`).
pub fn to_val<'v>(json: &'v Json, ints: Ints) -> Box<dyn Val + 'v> {
    match json {
        Json::Null => Box::new(CelNull),
        Json::Bool(b) => Box::new(CelBool::from(*b)),
        Json::Number(n) => match (ints, n.as_u64(), n.as_i64()) {
            (Ints::Unsigned, Some(u), _) | (Ints::Signed, Some(u), None) => Box::new(CelUInt::from(u)),
            (_, _, Some(i)) => Box::new(CelInt::from(i)),
            // serde_json's numbers are u64, i64 or f64.
            _ => Box::new(CelDouble::from(n.as_f64().unwrap_or(f64::NAN))),
        },
        Json::String(s) => Box::new(CelString::from(s.as_str())),
        Json::Array(items) => Box::new(CelList::from(
            items.iter().map(|item| to_val(item, ints)).collect::<Vec<_>>(),
        )),
        Json::Object(map) => Box::new(Object::new(map, ints)),
    }
}

/// A JSON object as a CEL `map` with string keys, its fields read when selected.
#[derive(Debug)]
struct Object<'v> {
    map: &'v Map<String, Json>,
    ints: Ints,
    /// The keys as CEL strings, made the first time a comprehension ranges over the map.
    keys: OnceLock<Vec<CelString<'v>>>,
}

impl<'v> Object<'v> {
    fn new(map: &'v Map<String, Json>, ints: Ints) -> Self {
        Object {
            map,
            ints,
            keys: OnceLock::new(),
        }
    }

    /// The field named by `key`; `Err` when `key` is no map key at all (a list, a map).
    fn find(&self, key: &dyn Val) -> Result<Option<&'v Json>, ()> {
        if let Some(s) = key.downcast_ref::<CelString>() {
            return Ok(self.map.get(s.inner()));
        }
        // No number or boolean names a field of a JSON object.
        let other_key = key.downcast_ref::<CelInt>().is_some()
            || key.downcast_ref::<CelUInt>().is_some()
            || key.downcast_ref::<CelDouble>().is_some()
            || key.downcast_ref::<CelBool>().is_some();
        if other_key { Ok(None) } else { Err(()) }
    }
}

impl Val for Object<'_> {
    fn get_type(&self) -> &Type {
        &MAP_TYPE
    }

    fn cel_type() -> &'static Type {
        &MAP_TYPE
    }

    fn as_container(&self) -> Option<&dyn Container> {
        Some(self)
    }

    fn as_indexer<'b, 'w>(&'b self) -> Option<&'b (dyn Indexer + 'w)>
    where
        Self: 'w,
    {
        Some(self)
    }

    fn as_iterable<'b, 'w>(&'b self) -> Option<&'b (dyn Iterable + 'w)>
    where
        Self: 'w,
    {
        Some(self)
    }

    fn as_sizer(&self) -> Option<&dyn Sizer> {
        Some(self)
    }

    fn as_zeroer(&self) -> Option<&dyn Zeroer> {
        Some(self)
    }

    /// As a CEL map compares: as many keys as `other`, each holding an equal value there.
    fn equals(&self, other: &dyn Val) -> bool {
        let (Some(size), Some(theirs)) = (other.as_sizer(), other.as_indexer()) else {
            return false;
        };
        other.get_type().kind() == Kind::Map
            && *size.size().inner() == *self.size().inner()
            && self.map.iter().all(|(key, value)| {
                theirs
                    .get(&CelString::from(key.as_str()))
                    .is_ok_and(|v| to_val(value, self.ints).equals(v.as_ref()))
            })
    }

    fn clone_as_boxed<'w>(&self) -> Box<dyn Val + 'w>
    where
        Self: 'w,
    {
        Box::new(Object::new(self.map, self.ints))
    }
}

impl Container for Object<'_> {
    fn contains(&self, key: &dyn Val) -> Result<bool, ExecutionError> {
        match self.find(key) {
            Ok(found) => Ok(found.is_some()),
            Err(()) => Err(ExecutionError::UnsupportedKeyType(
                key.try_into().unwrap_or(cel::Value::Null),
            )),
        }
    }
}

impl<'v> Indexer for Object<'v> {
    fn get<'b, 'w>(&'b self, key: &dyn Val) -> Result<CowVal<'b, 'w>, ExecutionError>
    where
        Self: 'w,
    {
        match self.find(key) {
            Ok(Some(json)) => Ok(CowVal::Owned(to_val(json, self.ints))),
            Ok(None) => Err(ExecutionError::NoSuchKey(std::sync::Arc::new(key_text(key)))),
            Err(()) => Err(ExecutionError::UnexpectedType {
                got: key.get_type().name().to_owned(),
                want: "map key".to_owned(),
            }),
        }
    }

    fn steal<'w>(self: Box<Self>, key: &dyn Val) -> Result<Box<dyn Val + 'w>, ExecutionError>
    where
        Self: 'w,
    {
        self.get(key).map(CowVal::into_owned)
    }
}

/// A missing key as the CEL map's error names it.
fn key_text(key: &dyn Val) -> String {
    if let Some(s) = key.downcast_ref::<CelString>() {
        s.inner().to_string()
    } else if let Some(i) = key.downcast_ref::<CelInt>() {
        i.inner().to_string()
    } else if let Some(u) = key.downcast_ref::<CelUInt>() {
        u.inner().to_string()
    } else if let Some(d) = key.downcast_ref::<CelDouble>() {
        d.inner().to_string()
    } else if let Some(b) = key.downcast_ref::<CelBool>() {
        b.inner().to_string()
    } else {
        String::new()
    }
}

impl<'v> Iterable for Object<'v> {
    fn iter<'b, 'w>(&'b self) -> Box<dyn traits::Iterator<'b, 'w> + 'b>
    where
        Self: 'w,
    {
        let keys = self
            .keys
            .get_or_init(|| self.map.keys().map(|k| CelString::from(k.as_str())).collect());
        Box::new(Keys(keys.iter()))
    }
}

struct Keys<'b, 'v>(std::slice::Iter<'b, CelString<'v>>);

impl<'b, 'v: 'w, 'w> traits::Iterator<'b, 'w> for Keys<'b, 'v> {
    fn next(&mut self) -> Option<&'b (dyn Val + 'w)> {
        self.0.next().map(|k| k as &(dyn Val + 'w))
    }
}

impl Sizer for Object<'_> {
    fn size(&self) -> CelInt {
        i64::try_from(self.map.len()).unwrap_or(i64::MAX).into()
    }
}

impl Zeroer for Object<'_> {
    fn is_zero_value(&self) -> bool {
        self.map.is_empty()
    }
}
