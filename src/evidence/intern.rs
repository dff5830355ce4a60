//! Numbering distinct byte strings (subjects, quasi-identifier classes) in the order first
//! seen. A sample has hundreds of thousands of subjects, held once per range of the scan: the
//! strings are kept end to end in one buffer and the hash table holds only their numbers, four
//! bytes a slot, where a map from owned keys held a 24-byte key and its number in each of twice
//! as many slots. Text values (the keys of the scan's text cache) are kept inline when short.

use hashbrown::HashTable;
use std::hash::BuildHasher;

#[derive(Default)]
pub(super) struct Interner {
    bytes: Vec<u8>,
    /// Where each string ends in `bytes`; string `i` starts where `i - 1` ends.
    ends: Vec<usize>,
    table: HashTable<u32>,
    hasher: foldhash::fast::FixedState,
}

impl Interner {
    /// The number of `key`, and whether it was first seen now.
    pub fn id(&mut self, key: &[u8]) -> (u32, bool) {
        let hash = self.hasher.hash_one(key);
        let Interner {
            bytes,
            ends,
            table,
            hasher,
        } = self;
        if let Some(&id) = table.find(hash, |&id| string(bytes, ends, id) == key) {
            return (id, false);
        }
        let id = ends.len() as u32;
        bytes.extend_from_slice(key);
        ends.push(bytes.len());
        table.insert_unique(hash, id, |&id| hasher.hash_one(string(bytes, ends, id)));
        (id, true)
    }

    /// Every string, by number.
    pub fn iter(&self) -> impl Iterator<Item = &[u8]> {
        (0..self.ends.len() as u32).map(|id| string(&self.bytes, &self.ends, id))
    }
}

fn string<'a>(bytes: &'a [u8], ends: &[usize], id: u32) -> &'a [u8] {
    let id = id as usize;
    let start = if id == 0 { 0 } else { ends[id - 1] };
    &bytes[start..ends[id]]
}

/// A key of the text cache: a text value (a product description) inline when it is short, so
/// a lookup does not chase a pointer; a longer one on the heap.
#[derive(Clone)]
pub(super) enum Key<const N: usize> {
    Inline(u8, [u8; N]),
    Heap(Box<[u8]>),
}

pub(super) type TextKey = Key<62>;

impl<const N: usize> Key<N> {
    pub(super) fn new(bytes: &[u8]) -> Key<N> {
        if bytes.len() <= N {
            let mut buf = [0; N];
            buf[..bytes.len()].copy_from_slice(bytes);
            Key::Inline(bytes.len() as u8, buf)
        } else {
            Key::Heap(bytes.into())
        }
    }

    pub(super) fn bytes(&self) -> &[u8] {
        match self {
            Key::Inline(len, buf) => &buf[..usize::from(*len)],
            Key::Heap(b) => b,
        }
    }
}

impl<const N: usize> std::borrow::Borrow<[u8]> for Key<N> {
    fn borrow(&self) -> &[u8] {
        self.bytes()
    }
}

impl<const N: usize> PartialEq for Key<N> {
    fn eq(&self, other: &Key<N>) -> bool {
        self.bytes() == other.bytes()
    }
}

impl<const N: usize> Eq for Key<N> {}

impl<const N: usize> std::hash::Hash for Key<N> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.bytes().hash(state);
    }
}

/// Each subject's tallies, by its number: the categories of its rows and its quasi-identifier
/// classes, almost always one (`first`); the rare others are kept apart, in `more`. 16 bytes a
/// subject: a sample has hundreds of thousands, held once per range.
#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_strings_in_the_order_first_seen() {
        let mut interner = Interner::default();
        let keys: Vec<Vec<u8>> = (0..10_000u32)
            .map(|i| format!("LC{}", i % 3_000).into_bytes())
            .collect();
        for (i, key) in keys.iter().enumerate() {
            let (id, new) = interner.id(key);
            assert_eq!(id as usize, i % 3_000);
            assert_eq!(new, i < 3_000);
        }
        assert_eq!(interner.id(b""), (3_000, true));
        assert_eq!(interner.id(b""), (3_000, false));
        let all: Vec<&[u8]> = interner.iter().collect();
        assert_eq!(all.len(), 3_001);
        assert_eq!(all[2_999], b"LC2999");
        assert_eq!(all[3_000], b"");
    }
}
