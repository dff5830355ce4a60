//! The assessment: a deal read and checked against the pack, its facts derived, the rules'
//! conditions evaluated, findings scored, unknowns settled at their costliest answers, and the
//! what-if analysis that re-assesses changed deals.

pub mod assess;
mod cel_json;
pub mod condition;
pub mod deal_check;
pub mod facts;
mod findings;
pub mod questions;
pub mod score;
pub mod unknowns;
pub mod whatif;
