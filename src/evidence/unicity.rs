//! "Unique in the shopping mall" (de Montjoye et al., Science 2015): how many people a few of
//! their (place, day) points single out. Each subject's distinct points are ranked by the MD5
//! of a fixed seed, the subject, the place and the day, so that the points drawn are the same
//! for the local scan and for the SQL run where the data live (DuckDB and Spark both have
//! `md5`); a subject is unique by p points when no other subject has all of its first p.

use crate::model::observed::Step;
use foldhash::{HashMap, HashMapExt};
use md5::{Digest, Md5};

/// The most points drawn per subject: the paper's four.
pub const MOST_POINTS: u64 = 4;
/// Mixed into every draw, so that the points drawn are fixed from run to run.
pub const SEED: &str = "dealrisk-unicity";
/// Separates the parts of a point (a byte CSV text never has unquoted).
pub const UNIT: u8 = 0x1f;

/// The day of a timestamp written as ISO 8601 (`2024-01-05`, `2024-01-05T10:00:00`): its
/// first ten characters, or none when they are not a date.
pub fn day(timestamp: &[u8]) -> Option<&[u8]> {
    let d = timestamp.get(..10)?;
    let digits = |r: std::ops::Range<usize>| d[r].iter().all(u8::is_ascii_digit);
    (digits(0..4) && d[4] == b'-' && digits(5..7) && d[7] == b'-' && digits(8..10)).then_some(d)
}

/// A point's key: subject, place (its columns' values) and day, separated by `UNIT`.
pub fn key(subject: &[u8], places: impl IntoIterator<Item = impl AsRef<[u8]>>, day: &[u8], out: &mut Vec<u8>) {
    out.clear();
    out.extend_from_slice(subject);
    for p in places {
        out.push(UNIT);
        out.extend_from_slice(p.as_ref());
    }
    out.push(UNIT);
    out.extend_from_slice(day);
}

/// The measure over distinct point keys (as `key` writes them), for 1 to `MOST_POINTS` points.
pub fn measure<'a>(points: impl IntoIterator<Item = &'a [u8]>) -> Vec<Step> {
    // Subjects and (place, day) spots by number; each subject's points with the hash that
    // orders them.
    let mut subjects: HashMap<&[u8], usize> = HashMap::new();
    let mut spots: HashMap<&[u8], usize> = HashMap::new();
    // The raw digest sorts as its lowercase hex (what SQL's `md5` returns) does.
    let mut drawn: Vec<Vec<([u8; 16], usize)>> = Vec::new();
    for key in points {
        let Some(cut) = key.iter().position(|&b| b == UNIT) else {
            continue;
        };
        let (subject, spot) = (&key[..cut], &key[cut + 1..]);
        let next = subjects.len();
        let s = *subjects.entry(subject).or_insert(next);
        if s == drawn.len() {
            drawn.push(Vec::new());
        }
        let next = spots.len();
        let p = *spots.entry(spot).or_insert(next);
        let mut seeded = Vec::with_capacity(SEED.len() + 1 + key.len());
        seeded.extend_from_slice(SEED.as_bytes());
        seeded.push(UNIT);
        seeded.extend_from_slice(key);
        drawn[s].push((Md5::digest(&seeded).into(), p));
    }
    // Who was at each (place, day), in subject order.
    let mut at: Vec<Vec<usize>> = vec![Vec::new(); spots.len()];
    for (s, points) in drawn.iter_mut().enumerate() {
        points.sort();
        for &(_, p) in points.iter() {
            at[p].push(s);
        }
    }
    (1..=MOST_POINTS)
        .map(|n| {
            let take = n as usize;
            let mut with = 0;
            let mut unique = 0;
            for points in drawn.iter().filter(|p| p.len() >= take) {
                with += 1;
                // Start from the least crowded point: a busy store on a busy day may hold
                // thousands of subjects, and the answer is the same from any of them.
                let mut lists: Vec<&Vec<usize>> = points[..take].iter().map(|(_, p)| &at[*p]).collect();
                lists.sort_by_key(|l| l.len());
                let mut shared: Vec<usize> = lists[0].clone();
                for others in &lists[1..] {
                    shared.retain(|s| others.binary_search(s).is_ok());
                }
                unique += u64::from(shared.len() == 1);
            }
            Step::new(n, with, unique)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points(rows: &[(&str, &str, &str)]) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        for (subject, place, day) in rows {
            let mut k = Vec::new();
            key(subject.as_bytes(), [place.as_bytes()], day.as_bytes(), &mut k);
            out.push(k);
        }
        out
    }

    #[test]
    fn a_subject_is_unique_when_no_one_else_was_at_all_its_drawn_points() {
        // a and b share both their points; c shares one of them and has one of its own.
        let keys = points(&[
            ("a", "S1", "2024-01-01"),
            ("a", "S2", "2024-01-02"),
            ("b", "S1", "2024-01-01"),
            ("b", "S2", "2024-01-02"),
            ("c", "S1", "2024-01-01"),
            ("c", "S3", "2024-01-03"),
        ]);
        let steps = measure(keys.iter().map(Vec::as_slice));
        assert_eq!(steps[1], Step::new(2, 3, 1), "two points: only c is alone");
        assert_eq!(steps[2], Step::new(3, 0, 0), "nobody has three points");
        // With one point, c is unique when its draw is S3, never when it is S1.
        assert!(steps[0].unique <= 1 && steps[0].subjects == 3);
    }

    #[test]
    fn days_are_read_from_iso_dates_only() {
        assert_eq!(day(b"2024-01-05T10:00:00"), Some(&b"2024-01-05"[..]));
        assert_eq!(day(b"2024-01-05"), Some(&b"2024-01-05"[..]));
        assert_eq!(day(b"05/01/2024 10:00"), None);
        assert_eq!(day(b"2024"), None);
    }
}
