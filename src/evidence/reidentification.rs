//! Re-identification risk from the sizes of the classes a sample's quasi-identifiers form
//! (k-anonymity): how many records are alone in their class or in one smaller than k, over
//! all the quasi-identifiers and with each one left out.

use crate::model::observed::{Reidentification, WithoutOne};
use std::collections::BTreeMap;

/// Separates quasi-identifier values in a class key (a byte CSV text never has unquoted).
pub(super) const UNIT: u8 = 0x1f;

/// How many classes have each size: over all the quasi-identifiers, and with each one left
/// out. All the re-identification measures follow from these histograms, whether the scan ran
/// here or as SQL where the data live.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClassSizes {
    pub all: BTreeMap<u64, u64>,
    pub without: Vec<(String, BTreeMap<u64, u64>)>,
}

impl ClassSizes {
    pub fn of(classes: &[(Vec<u8>, u64)], quasi_identifiers: &[String]) -> ClassSizes {
        let histogram = |sizes: &mut dyn Iterator<Item = u64>| {
            let mut h = BTreeMap::new();
            for n in sizes {
                *h.entry(n).or_insert(0) += 1;
            }
            h
        };
        let without = if quasi_identifiers.len() > 1 {
            quasi_identifiers
                .iter()
                .enumerate()
                .map(|(left_out, name)| {
                    // The class keys with one value left out, merged: reuses one buffer and
                    // allocates only for a key not seen yet.
                    let mut merged: foldhash::HashMap<Vec<u8>, u64> = foldhash::HashMap::default();
                    let mut key = Vec::new();
                    for (full, n) in classes {
                        key.clear();
                        for (i, value) in class_values(full).into_iter().enumerate() {
                            if i != left_out {
                                key.extend_from_slice(value);
                                key.push(UNIT);
                            }
                        }
                        match merged.get_mut(key.as_slice()) {
                            Some(total) => *total += n,
                            None => {
                                merged.insert(key.clone(), *n);
                            }
                        }
                    }
                    (name.clone(), histogram(&mut merged.into_values()))
                })
                .collect()
        } else {
            Vec::new()
        };
        ClassSizes {
            all: histogram(&mut classes.iter().map(|(_, n)| *n)),
            without,
        }
    }
}

pub(super) fn reidentification(sizes: &ClassSizes, quasi_identifiers: &[String], k: u64) -> Reidentification {
    let records: u64 = sizes.all.iter().map(|(size, n)| size * n).sum();
    let unique = sizes.all.get(&1).copied().unwrap_or(0);
    let under_k: u64 = sizes
        .all
        .iter()
        .filter(|(size, _)| **size < k)
        .map(|(size, n)| size * n)
        .sum();
    let share = |n: u64| if records == 0 { 0.0 } else { n as f64 / records as f64 };
    let mut without: Vec<WithoutOne> = sizes
        .without
        .iter()
        .map(|(name, h)| WithoutOne {
            quasi_identifier: name.clone(),
            unique_share: share(h.get(&1).copied().unwrap_or(0)),
        })
        .collect();
    without.sort_by(|a, b| {
        a.unique_share
            .total_cmp(&b.unique_share)
            .then_with(|| a.quasi_identifier.cmp(&b.quasi_identifier))
    });
    Reidentification {
        quasi_identifiers: quasi_identifiers.to_vec(),
        k,
        records,
        classes: sizes.all.values().sum(),
        unique,
        under_k,
        unique_share: share(unique),
        under_k_share: share(under_k),
        min_k: sizes.all.keys().next().copied().unwrap_or(0),
        unique_share_without: without,
    }
}

/// Splits a class key into its quasi-identifier values.
fn class_values(key: &[u8]) -> Vec<&[u8]> {
    key.split(|&b| b == UNIT).collect()
}
