//! The library's cases as a report shows them: how a case ended, and a case shown as a
//! precedent of the deal assessed (`cases::precedents` finds them).

use serde::{Deserialize, Serialize};

/// How a case ended, from worst to best.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Label {
    /// Enforcement with a ban or a large fine, or the programme was killed.
    Severe,
    /// Enforcement, a settlement, or serious public backlash.
    Bad,
    /// No adverse outcome; criticised at most.
    Acceptable,
    /// Held up as good practice.
    Good,
}

impl Label {
    pub const ALL: [Label; 4] = [Label::Severe, Label::Bad, Label::Acceptable, Label::Good];

    /// Ended in enforcement or serious backlash: what the score estimates the chance of.
    pub fn ended_badly(self) -> bool {
        matches!(self, Label::Severe | Label::Bad)
    }

    /// 3 for severe down to 0 for good: the order the score should follow.
    pub fn rank(self) -> f64 {
        match self {
            Label::Severe => 3.0,
            Label::Bad => 2.0,
            Label::Acceptable => 1.0,
            Label::Good => 0.0,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Label::Severe => "severe",
            Label::Bad => "bad",
            Label::Acceptable => "acceptable",
            Label::Good => "good",
        }
    }
}

/// A case shown as a precedent, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Precedent {
    pub case: String,
    pub title: String,
    pub label: Label,
    pub year: u32,
    /// The first sentence of what happened.
    pub what_happened: String,
    /// A source for the outcome.
    pub source: String,
    /// 0 to 1: the weight of the facts shared over the weight of the facts of either deal.
    pub similarity: f64,
    /// The facts both deals have, heaviest first.
    pub shared: Vec<String>,
}
