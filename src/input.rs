//! Reading the files dealrisk is given: deals, rule files, waivers, baselines, case libraries.
//! Any of them may come from a pull request, so only regular files are opened: a FIFO would
//! block the run forever and a device (`/dev/zero`) would never end.

use anyhow::{Context as _, Result, bail};
use std::path::Path;

/// The bytes of a regular file; `what` names it in errors ("deal file", "waiver file").
pub fn read(path: &Path, what: &str) -> Result<Vec<u8>> {
    regular(path, what)?;
    std::fs::read(path).with_context(|| format!("cannot read {what} {}", path.display()))
}

/// The text of a regular file, which must be UTF-8.
pub fn read_text(path: &Path, what: &str) -> Result<String> {
    regular(path, what)?;
    std::fs::read_to_string(path).with_context(|| format!("cannot read {what} {}", path.display()))
}

/// Whether `path` exists and is not a regular file (a folder, a device, a pipe). What cannot
/// be looked at is left to the read, which reports it.
pub fn exists_not_regular(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|meta| !meta.is_file())
}

/// Refuses what is not a regular file before it is opened.
pub fn regular(path: &Path, what: &str) -> Result<()> {
    if exists_not_regular(path) {
        bail!(
            "cannot read {what} {}: not a regular file (a folder, a device or a pipe)",
            path.display()
        );
    }
    Ok(())
}
