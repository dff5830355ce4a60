//! Reusing the results of rule expressions across a deal's what-if variants (`Memo`) must not
//! change a report: every example (with every what-if section) and every deal of the case
//! library (its unknowns searched, which is most of a memo's reuse) gives the same JSON with
//! the memo as with every expression evaluated.

use dealrisk::engine::condition::Memo;
use dealrisk::engine::deal_check::{EvidenceMode, load};
use dealrisk::engine::whatif::{WhatIf, report_with};
use dealrisk::pack::RulePack;
use std::path::{Path, PathBuf};

fn deal_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
        .expect("folder exists")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn the_memo_changes_no_report() {
    let pack = RulePack::load(&[]).expect("default pack loads");
    let allowed = [Path::new(env!("CARGO_MANIFEST_DIR")).join("examples")];
    let mode = EvidenceMode {
        scan: true,
        strict: false,
        allowed: &allowed,
        seen: None,
    };
    let examples = deal_files("examples").into_iter().map(|p| (p, WhatIf::Full));
    let cases = deal_files("cases/deals")
        .into_iter()
        .map(|p| (p, WhatIf::ScenariosOnly));
    let files: Vec<(PathBuf, WhatIf)> = examples.chain(cases).collect();
    assert!(files.len() > 80, "examples and cases found: {}", files.len());
    for (path, what_if) in files {
        let loaded = load(&path, &pack, mode).expect("deal loads");
        let name = path.display().to_string();
        let json = |memo: &Memo| {
            let report = report_with(&name, &loaded, &pack, None, what_if, memo).expect("assesses");
            serde_json::to_string(&report).expect("serialises")
        };
        assert!(
            json(&Memo::default()) == json(&Memo::off()),
            "{name}: the memo changed the report"
        );
    }
}
