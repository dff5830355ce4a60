//! Where a deal file may send dealrisk to read data. A deal can come from anyone's pull
//! request: the files its `[datasets.evidence]` names must stay in the deal file's folder
//! (or one the user allows with `--allow-path`) and be regular files, or a deal could make
//! dealrisk read, and quote in a CI log, `/proc/self/environ` or a key beside the checkout.

use std::path::{Path, PathBuf};

/// The path a deal file names, relative to the deal's folder, once checked: after every
/// symlink it leads to a regular file inside `base` or one of `allowed`. The path is returned
/// as written (joined to `base`), so reports stay the same on every machine. A path that does
/// not resolve is returned too: reading it fails with the reader's own message, and nothing
/// was read.
pub fn confine(base: &Path, written: &str, allowed: &[PathBuf]) -> Result<PathBuf, String> {
    let base = if base.as_os_str().is_empty() {
        Path::new(".")
    } else {
        base
    };
    let path = base.join(written);
    let Ok(real) = path.canonicalize() else {
        return Ok(path);
    };
    let inside = std::iter::once(base)
        .chain(allowed.iter().map(PathBuf::as_path))
        .filter_map(|root| root.canonicalize().ok())
        .any(|root| real.starts_with(root));
    if !inside {
        return Err(format!(
            "`{}` leads outside the deal file's folder; a deal may only name files in or below it \
             (give --allow-path DIR to read from another folder)",
            written.escape_debug()
        ));
    }
    // A FIFO would block the scan, a device never end it.
    if crate::input::exists_not_regular(&path) {
        return Err(format!(
            "`{}` is not a regular file (a folder, a device or a pipe): dealrisk reads only files",
            written.escape_debug()
        ));
    }
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_in_the_folder_is_kept_as_written() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("samples")).unwrap();
        std::fs::write(dir.path().join("samples/a.csv"), "x\n").unwrap();
        assert_eq!(
            confine(dir.path(), "samples/a.csv", &[]),
            Ok(dir.path().join("samples/a.csv"))
        );
        // Missing: left to the reader, which names it.
        assert!(confine(dir.path(), "samples/none.csv", &[]).is_ok());
    }

    #[test]
    fn paths_out_of_the_folder_are_refused_unless_allowed() {
        let dir = tempfile::tempdir().unwrap();
        let deals = dir.path().join("deals");
        std::fs::create_dir(&deals).unwrap();
        std::fs::write(dir.path().join("secret.txt"), "token").unwrap();
        for written in ["../secret.txt", "/etc/hostname", "/proc/self/environ"] {
            let refused = confine(&deals, written, &[]).unwrap_err();
            assert!(
                refused.contains("leads outside the deal file's folder"),
                "{written}: {refused}"
            );
        }
        assert!(confine(&deals, "../secret.txt", &[dir.path().to_path_buf()]).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_out_and_non_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("key"), "k").unwrap();
        std::os::unix::fs::symlink(outside.path().join("key"), dir.path().join("link.csv")).unwrap();
        assert!(confine(dir.path(), "link.csv", &[]).unwrap_err().contains("outside"));
        std::fs::create_dir(dir.path().join("folder.csv")).unwrap();
        assert!(
            confine(dir.path(), "folder.csv", &[])
                .unwrap_err()
                .contains("not a regular file")
        );
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("zero.csv")).unwrap();
        assert!(
            confine(dir.path(), "zero.csv", &[dir.path().to_path_buf(), "/dev".into()])
                .unwrap_err()
                .contains("not a regular file")
        );
    }
}
