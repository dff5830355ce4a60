//! Reading the files dealrisk is given: deals, rule files, waivers, baselines, case libraries.
//! Any of them may come from a pull request, so only regular files are opened: a FIFO would
//! block the run forever and a device (`/dev/zero`) would never end.

pub mod diagnostic;
pub mod locate;
pub mod overlay;
pub mod templates;

use anyhow::{Context as _, Result, bail};
use std::io::Read as _;
use std::path::Path;

/// The name of a project's settings file (`cli::config` reads it; a folder of deals skips it).
pub const CONFIG_FILE_NAME: &str = "dealrisk.toml";

/// Largest deal, rule, waiver, baseline or case file read whole: hundreds of times the
/// largest real one, small enough that parsing it cannot exhaust a CI runner.
pub const MAX_FILE_BYTES: u64 = 64 << 20;

/// The bytes of a regular file; `what` names it in errors ("deal file", "waiver file").
pub fn read(path: &Path, what: &str) -> Result<Vec<u8>> {
    regular(path, what)?;
    let file = std::fs::File::open(path).with_context(|| format!("cannot read {what} {}", path.display()))?;
    let mut bytes = Vec::new();
    // Read one byte past the limit, so that a file that grows while it is read is caught too.
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .with_context(|| format!("cannot read {what} {}", path.display()))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        bail!(
            "cannot read {what} {}: larger than {} MiB, the most dealrisk reads of one file",
            path.display(),
            MAX_FILE_BYTES >> 20
        );
    }
    Ok(bytes)
}

/// The text of a regular file, which must be UTF-8; the first byte that is not is located.
pub fn read_text(path: &Path, what: &str) -> Result<String> {
    let bytes = read(path, what)?;
    String::from_utf8(bytes).map_err(|e| {
        let (line, column) = crate::input::diagnostic::line_col(
            &String::from_utf8_lossy(&e.as_bytes()[..e.utf8_error().valid_up_to()]),
            usize::MAX,
        );
        anyhow::anyhow!("{}:{line}:{column}: the {what} is not valid UTF-8", path.display())
    })
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
