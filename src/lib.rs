//! dealrisk: assess the risk of a proposed data-sharing deal against a rule pack.
//!
//! Flow: `cli` reads arguments → `pack` loads the rule pack → `deal_check` reads and checks
//! each deal → `assess` derives `facts`, evaluates rules (`condition`) and scores (`score`)
//! into a `report::Report` → `render` prints it in the chosen format.

pub mod cases;
pub mod ci;
pub mod cli;
pub mod engine;
pub mod evidence;
pub mod input;
pub mod model;
pub mod pack;
pub mod render;

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
