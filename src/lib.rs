//! dealrisk: assess the risk of a proposed data-sharing deal against a rule pack.
//!
//! The modules below are the stages a deal passes through, declared in their order: a module
//! may import from its own stage and the stages declared before it, never from a later one,
//! and no modules import one another in a circle (`tests/layers.rs` checks both;
//! docs/architecture.md says why each boundary is where it is).
//! A deal file is read (`input`), checked against the rule pack (`pack`) and its data samples
//! (`evidence`), assessed (`engine`) into a report (`model::report`), judged against a team's
//! thresholds (`ci`) and printed (`render`); `cli` turns a command line into those calls.

/// The data passed from one stage to the next: deal, observed evidence, facts, report.
pub mod model;

/// Reading files: deals, scenarios' overlays, starter templates, and errors located in them.
pub mod input;

/// The rule pack: its files read, checked and compiled; the keyword lexicon built from it.
pub mod pack;

/// Scanning a dataset's sample or dictionary for what it reveals.
pub mod evidence;

/// The assessment: facts, rule conditions, scores, unknowns, what-if.
pub mod engine;

/// The library of real cases: calibration and precedents.
pub mod cases;

/// A team's checks: portfolios, thresholds, waivers, baselines, a pack's tests and lint.
pub mod ci;

/// Reports and other results printed in each output format, and written to a file.
pub mod render;

/// The command line: arguments, settings file and dispatch.
pub mod cli;

/// The unit tests' proptest settings: a failing case is saved beside the test's source file
/// (proptest's default folder would sit at the top of the repository).
#[cfg(test)]
pub(crate) fn proptest_config() -> proptest::test_runner::Config {
    proptest::test_runner::Config {
        failure_persistence: Some(Box::new(proptest::test_runner::FileFailurePersistence::WithSource(
            "proptest-regressions",
        ))),
        ..Default::default()
    }
}
