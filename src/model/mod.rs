//! The data that passes from one stage to the next: the deal as written, what a sample of a
//! dataset showed, the facts rules read, and the report. Plain types and the conversions
//! between them; no stage's work is done here.

pub mod deal;
pub mod facts;
pub mod observed;
pub mod paths;
pub mod precedent;
pub mod report;
