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

/// Refuses what is not a regular file before it is opened. What cannot be looked at is left to
/// the read, which reports it.
pub fn regular(path: &Path, what: &str) -> Result<()> {
    if let Ok(meta) = std::fs::metadata(path)
        && !meta.is_file()
    {
        bail!(
            "cannot read {what} {}: not a regular file (a folder, a device or a pipe)",
            path.display()
        );
    }
    Ok(())
}
