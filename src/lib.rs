//! dealrisk: assess the risk of a proposed data-sharing deal against a rule pack.
//!
//! Flow: `cli` reads arguments → `pack` loads the rule pack → `deal_check` reads and checks
//! each deal → `assess` derives `facts`, evaluates rules (`condition`) and scores (`score`)
//! into a `report::Report` → `render` prints it in the chosen format.

pub mod assess;
pub mod baseline;
pub mod batch;
pub mod calibrate;
mod cel_json;
pub mod cli;
pub mod condition;
pub mod config;
pub mod deal;
pub mod deal_check;
pub mod diagnostic;
pub mod evidence;
pub mod explain;
pub mod facts;
pub mod init;
pub mod input;
pub mod lint;
pub mod locate;
pub mod output;
pub mod overlay;
pub mod pack;
pub mod paths;
pub mod precedents;
pub mod render;
pub mod report;
pub mod rules_test;
pub mod score;
pub mod unknowns;
pub mod waiver;
pub mod whatif;

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
