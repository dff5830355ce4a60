//! Samples scanned once per run, whichever deals of a portfolio name them.

use super::scan::Roles;
use crate::model::observed::Observed;
use anyhow::Result;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Observations made in one run, by what was observed: a portfolio whose deals name the same
/// sample (one dataset offered to several partners) scans it once. Every observation in it is
/// made with one run's settings (pack, lexicon, `--strict`); a file is known by its path as
/// written with its size and modification time, so one rewritten during the run is read again.
/// Failed observations are not kept: each deal that names the file reports its own error. At
/// most `KEPT` are kept, the least recently used leaving first, so that memory does not grow
/// with a portfolio whose deals each name their own sample.
#[derive(Debug, Default)]
pub struct Observations(std::sync::Mutex<Kept>);

#[derive(Debug, Default)]
struct Kept {
    by_key: std::collections::HashMap<ObservationKey, (Arc<Observed>, u64)>,
    /// How many lookups so far: an entry's second field says when it was last used.
    uses: u64,
}

const KEPT: usize = 64;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct ObservationKey {
    files: [Option<(PathBuf, u64, Option<std::time::SystemTime>)>; 3],
    roles: Roles,
}

impl Observations {
    /// What the sample, scan results and dictionary in `files` show when read with `roles`:
    /// kept from an earlier deal of the run, or made now by `observe`.
    pub(super) fn observe(
        &self,
        files: [Option<&Path>; 3],
        roles: &Roles,
        observe: impl FnOnce() -> Result<Observed>,
    ) -> Result<Arc<Observed>> {
        let file = |path: Option<&Path>| {
            path.map(|p| {
                let meta = std::fs::metadata(p).ok();
                (
                    p.to_path_buf(),
                    meta.as_ref().map_or(0, |m| m.len()),
                    meta.and_then(|m| m.modified().ok()),
                )
            })
        };
        let key = ObservationKey {
            files: files.map(file),
            roles: roles.clone(),
        };
        let kept = || self.0.lock().unwrap_or_else(|e| e.into_inner());
        {
            let mut kept = kept();
            kept.uses += 1;
            let now = kept.uses;
            if let Some((observed, used)) = kept.by_key.get_mut(&key) {
                *used = now;
                return Ok(observed.clone());
            }
        }
        // Two deals naming one file at once may both scan it: the same answer, kept once.
        let observed = Arc::new(observe()?);
        let mut kept = kept();
        if kept.by_key.len() >= KEPT
            && let Some(oldest) = kept
                .by_key
                .iter()
                .min_by_key(|(_, (_, used))| *used)
                .map(|(k, _)| k.clone())
        {
            kept.by_key.remove(&oldest);
        }
        let now = kept.uses;
        Ok(kept.by_key.entry(key).or_insert((observed, now)).0.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::{Settings, Sources};
    use crate::pack::RulePack;

    #[test]
    fn at_most_kept_observations_stay_the_least_recently_used_leaving_first() {
        let pack = RulePack::load(&[]).expect("the pack loads");
        let settings = Settings {
            progress: false,
            ..Settings::new(&pack, pack.lexicon().expect("the lexicon builds"))
        };
        let dir = tempfile::tempdir().unwrap();
        let samples: Vec<PathBuf> = (0..=KEPT)
            .map(|i| {
                let path = dir.path().join(format!("s{i}.csv"));
                std::fs::write(&path, format!("id,note\n{i},beer\n")).unwrap();
                path
            })
            .collect();
        let seen = Observations::default();
        let observe = |path: &Path| {
            let sources = Sources {
                sample: Some(path),
                ..Sources::default()
            };
            let roles = Roles::default();
            let files = [sources.sample, sources.results, sources.dictionary];
            seen.observe(files, &roles, || crate::evidence::observe(sources, &roles, &settings))
                .unwrap()
        };
        let first = observe(&samples[0]);
        for path in &samples[1..KEPT] {
            observe(path);
        }
        assert!(Arc::ptr_eq(&first, &observe(&samples[0])), "read again, not scanned");
        observe(&samples[KEPT]);
        let kept = seen.0.lock().unwrap();
        let holds = |path: &PathBuf| {
            kept.by_key
                .keys()
                .any(|k| k.files[0].as_ref().is_some_and(|f| &f.0 == path))
        };
        assert_eq!(kept.by_key.len(), KEPT);
        assert!(holds(&samples[0]) && holds(&samples[KEPT]));
        assert!(!holds(&samples[1]), "the least recently used left");
    }
}
