//! What a team's checks need: a portfolio of deal files against thresholds, waivers and a
//! baseline; a rule pack against its own tests and a trial run.

pub mod baseline;
pub mod batch;
pub mod lint;
pub mod rules_test;
pub mod waiver;
