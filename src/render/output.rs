//! `--output FILE`: the report is written to a temporary file beside the target and renamed
//! over it, so a reader never sees half a report; an input (deal or rule file) is never the
//! target.

use anyhow::{Context as _, Result, bail};
use std::io::Write as _;
use std::path::{Path, PathBuf};

/// The absolute form of a path that may not exist yet (its folder must).
fn absolute(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    let parent = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let parent = std::fs::canonicalize(parent).unwrap_or_else(|_| parent.to_path_buf());
    parent.join(path.file_name().unwrap_or_default())
}

pub fn refuse_inputs<'a>(output: &Path, inputs: impl IntoIterator<Item = &'a PathBuf>) -> Result<()> {
    let target = absolute(output);
    for input in inputs {
        let input = absolute(input);
        // A .toml report inside a folder of deals would be read as a deal on the next run.
        let into_folder =
            input.is_dir() && target.starts_with(&input) && target.extension().is_some_and(|e| e == "toml");
        if target == input || into_folder {
            bail!("refusing to write the report over an input: {}", output.display());
        }
    }
    Ok(())
}

pub fn write_atomically(output: &Path, text: &str) -> Result<()> {
    let mut sink = Sink::file(output)?;
    sink.write(text)?;
    sink.finish()
}

/// Where a report goes as it is written, deal by deal: standard output, or a temporary file
/// beside `--output` renamed over it once the last deal is written.
pub enum Sink {
    Stdout(std::io::BufWriter<std::io::Stdout>),
    File {
        output: PathBuf,
        file: std::io::BufWriter<tempfile::NamedTempFile>,
        /// The mode of the file the report replaces, restored exactly.
        old: Option<std::fs::Permissions>,
    },
    /// Standard output was closed by its reader (`| head`): the rest is dropped.
    Closed,
}

impl Sink {
    pub fn stdout() -> Sink {
        Sink::Stdout(std::io::BufWriter::new(std::io::stdout()))
    }

    pub fn file(output: &Path) -> Result<Sink> {
        let dir = output
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        // A link is neither followed (one committed in a pull request could aim the report at
        // any file the runner may write) nor silently replaced by the report.
        if std::fs::symlink_metadata(output).is_ok_and(|m| m.file_type().is_symlink()) {
            bail!(
                "refusing to write the report to {}: it is a symbolic link; name the file itself, or remove the link",
                output.display()
            );
        }
        // Renaming over `/dev/null` would replace the device with a report.
        let existing = std::fs::metadata(output).ok();
        if existing.as_ref().is_some_and(|m| !m.is_file()) {
            bail!(
                "refusing to write the report to {}: it is not a regular file (a device, a pipe or a folder)",
                output.display()
            );
        }
        let mut builder = tempfile::Builder::new();
        // A new report gets what the umask allows a new file (0666 less the umask), as any tool's
        // output does; a report written over an old one keeps the old one's mode.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            builder.permissions(existing.as_ref().map_or_else(
                || std::fs::Permissions::from_mode(0o666),
                std::fs::Metadata::permissions,
            ));
        }
        let file = builder
            .tempfile_in(dir)
            .with_context(|| format!("cannot write a report in {}", dir.display()))?;
        Ok(Sink::File {
            output: output.to_path_buf(),
            file: std::io::BufWriter::new(file),
            old: existing.map(|m| m.permissions()),
        })
    }

    pub fn write(&mut self, text: &str) -> Result<()> {
        match self {
            Sink::Stdout(out) => match out.write_all(text.as_bytes()) {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => *self = Sink::Closed,
                other => other.context("cannot write the report")?,
            },
            Sink::File { output, file, .. } => file
                .write_all(text.as_bytes())
                .with_context(|| format!("cannot write {}", output.display()))?,
            Sink::Closed => {}
        }
        Ok(())
    }

    /// Flushes standard output, or renames the finished file over `--output`.
    pub fn finish(self) -> Result<()> {
        match self {
            Sink::Stdout(mut out) => match out.flush() {
                Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
                other => other.context("cannot write the report"),
            },
            Sink::File { output, file, old } => {
                let file = file
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .with_context(|| format!("cannot write {}", output.display()))?;
                if let Some(old) = old {
                    // The umask applied at creation; the old mode is restored exactly.
                    std::fs::set_permissions(file.path(), old)
                        .with_context(|| format!("cannot write {}", output.display()))?;
                }
                file.persist(&output)
                    .with_context(|| format!("cannot write {}", output.display()))?;
                Ok(())
            }
            Sink::Closed => Ok(()),
        }
    }
}
