//! The library of real deals with known outcomes (`cases/`): calibrating the score against it
//! and finding a deal's nearest precedents in it.

pub mod calibrate;
pub mod library;
pub mod metrics;
pub mod precedents;
