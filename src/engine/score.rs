//! The scoring model of docs/scoring.md: each finding weighs by its risk, findings of one group
//! (one problem) count once at the worst of them plus a small share of the rest, the groups'
//! weights add up to the deal's index, and a calibrated curve turns the index into a 0-100
//! score (the share of comparable deals in the case library that ended badly), with floors.
//! The score is split into whole points per finding that add up exactly.

use crate::pack::Scoring;

/// What scoring needs to know of one finding.
#[derive(Debug, Clone, Copy)]
pub struct Risk<'a> {
    pub risk: u8,
    pub blocking: bool,
    /// Findings with the same group are one risk: the worst counts, the others add a share.
    pub group: (&'a str, &'a str),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub score: u32,
    /// Index into `Scoring::bands`.
    pub band: usize,
    /// The sum of the groups' weights, before calibration.
    pub index: f64,
    /// Whole points per finding, in the order given; with `floor` they add up to `score`.
    pub points: Vec<u32>,
    /// For each finding, the index of the finding that counts in full for its group (itself if
    /// it is the worst of its group).
    pub counted_as: Vec<usize>,
    /// (index of the finding that set the floor, points the floor added, why).
    pub floor: Option<(usize, u32, String)>,
}

/// w = (risk / largest risk) ^ exponent, the largest risk being the top level squared.
pub fn weight(scoring: &Scoring, risk: u8) -> f64 {
    let top = scoring.levels.len() as f64;
    (f64::from(risk) / (top * top)).clamp(0.0, 1.0).powf(scoring.exponent)
}

/// The calibrated curve: 0 at index 0, half at the midpoint, rising with the steepness.
pub fn calibrated(scoring: &Scoring, index: f64) -> f64 {
    let c = scoring.calibration;
    if index <= 0.0 {
        return 0.0;
    }
    100.0 / (1.0 + (c.midpoint / index).powf(c.steepness))
}

/// Each finding's part of the index: its full weight if it is the worst of its group (the
/// first of its group in the order given), `group_share` of it otherwise.
pub fn contributions(scoring: &Scoring, findings: &[Risk]) -> (Vec<usize>, Vec<f64>) {
    let counted_as: Vec<usize> = findings
        .iter()
        .map(|f| findings.iter().position(|g| g.group == f.group).unwrap_or(0))
        .collect();
    let parts = findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            let w = weight(scoring, f.risk);
            if counted_as[i] == i { w } else { w * scoring.group_share }
        })
        .collect();
    (counted_as, parts)
}

/// Scores findings given in report order (highest residual risk first): the first finding
/// of each group is the one that counts in full.
pub fn score(scoring: &Scoring, findings: &[Risk]) -> Scored {
    let (counted_as, parts) = contributions(scoring, findings);
    let index: f64 = parts.iter().sum();
    let formula = calibrated(scoring, index);
    // Each finding's share of the score is proportional to its part of the index: symmetric,
    // independent of order, and exact in sum.
    let mut shares: Vec<f64> = parts
        .iter()
        .map(|p| if index > 0.0 { formula * p / index } else { 0.0 })
        .collect();

    let mut floor: Option<(usize, f64, String)> = None;
    for (i, f) in findings.iter().enumerate() {
        for fl in scoring
            .floors
            .iter()
            .filter(|fl| f.risk >= fl.risk_at_least && (f.blocking || !fl.blocking))
        {
            if floor.as_ref().is_none_or(|(_, v, _)| fl.score_at_least > *v) {
                floor = Some((i, fl.score_at_least, fl.why.clone()));
            }
        }
    }
    let floor = floor.filter(|(_, value, _)| *value > formula);
    let total = floor.as_ref().map_or(formula, |(_, value, _)| *value).clamp(0.0, 100.0);
    if let Some((_, value, _)) = &floor {
        shares.push(value - formula);
    }
    let score = total.round() as u32;
    let mut points = apportion(&shares, score);
    let floor = floor.map(|(i, _, why)| (i, points.pop().unwrap_or(0), why));
    Scored {
        score,
        band: band_of(scoring, score),
        index,
        points,
        counted_as,
        floor,
    }
}

/// The band a whole score falls in: the last whose minimum it reaches.
pub fn band_of(scoring: &Scoring, score: u32) -> usize {
    scoring
        .bands
        .iter()
        .rposition(|b| f64::from(score) >= b.min)
        .unwrap_or(0)
}

/// Whole numbers that add up to `total`, each near its exact share (largest remainder).
fn apportion(shares: &[f64], total: u32) -> Vec<u32> {
    let mut whole: Vec<u32> = shares.iter().map(|s| s.max(0.0).floor() as u32).collect();
    let mut left = total.saturating_sub(whole.iter().sum());
    let remainders: Vec<f64> = shares.iter().map(|s| s - s.floor()).collect();
    let mut order: Vec<usize> = (0..shares.len()).collect();
    // No two compare equal (the index breaks ties), so the unstable sort orders as a stable one.
    order.sort_unstable_by(|&a, &b| remainders[b].total_cmp(&remainders[a]).then(a.cmp(&b)));
    for i in order {
        if left == 0 {
            break;
        }
        whole[i] += 1;
        left -= 1;
    }
    whole
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::{Calibration, Floor};

    /// The default pack's scoring with round numbers, so the figures below read by hand:
    /// exponent 2, a group's others count a tenth, half the deals end badly at index 1.
    fn scoring() -> Scoring {
        let pack = crate::pack::RulePack::load(&[]).expect("default pack loads");
        Scoring {
            exponent: 2.0,
            group_share: 0.1,
            calibration: Calibration {
                midpoint: 1.0,
                steepness: 2.0,
            },
            floors: vec![
                Floor {
                    blocking: false,
                    risk_at_least: 12,
                    score_at_least: 35.0,
                    why: "high".into(),
                },
                Floor {
                    blocking: true,
                    risk_at_least: 12,
                    score_at_least: 65.0,
                    why: "gate".into(),
                },
            ],
            ..pack.scoring
        }
    }

    const GROUPS: [&str; 10] = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];

    fn risks(values: &[u8]) -> Vec<Risk<'static>> {
        values
            .iter()
            .enumerate()
            .map(|(i, &risk)| Risk {
                risk,
                blocking: false,
                group: (GROUPS[i], ""),
            })
            .collect()
    }

    fn one(risk: u8, blocking: bool, group: &'static str) -> Risk<'static> {
        Risk {
            risk,
            blocking,
            group: (group, ""),
        }
    }

    #[test]
    fn weights_rise_with_the_square_of_risk() {
        let s = scoring();
        assert_eq!(weight(&s, 16), 1.0);
        assert_eq!(weight(&s, 8), 0.25);
        assert_eq!(weight(&s, 4), 0.0625);
    }

    // index 1 is the midpoint (50); index 2 gives 100 x 4 / 5 = 80; index 0.5 gives 20.
    #[test]
    fn the_curve_turns_the_index_into_the_score() {
        let s = scoring();
        assert_eq!(score(&s, &risks(&[16])).score, 50);
        assert_eq!(score(&s, &risks(&[16, 16])).score, 80);
        let half = score(&s, &[one(8, false, "a"), one(8, false, "b")]);
        assert_eq!(half.index, 0.5);
        assert_eq!(half.score, 20);
    }

    #[test]
    fn no_single_finding_reaches_100() {
        let s = scoring();
        for risk in 1..=16 {
            assert!(score(&s, &risks(&[risk])).score < 100, "risk {risk}");
        }
    }

    // A second finding of the same group adds a tenth of its weight: 1 + 0.1 = 1.1, and
    // 100 x 1.21 / 2.21 = 54.8.
    #[test]
    fn a_group_counts_its_worst_and_a_share_of_the_rest() {
        let s = scoring();
        let two = score(&s, &[one(16, false, "a"), one(16, false, "a")]);
        assert!((two.index - 1.1).abs() < 1e-9);
        assert_eq!(two.score, 55);
        assert_eq!(two.counted_as, vec![0, 0]);
        assert!(two.points[0] > two.points[1] && two.points[1] > 0);
    }

    #[test]
    fn points_add_up_to_the_score() {
        let s = scoring();
        let scored = score(&s, &risks(&[12, 9, 6, 4, 4, 2, 1]));
        let floor = scored.floor.as_ref().map_or(0, |f| f.1);
        assert_eq!(scored.points.iter().sum::<u32>() + floor, scored.score);
    }

    // Risk 12 weighs 0.5625: 24 by the curve, lifted to 35 by the first floor, and to 65 when
    // the finding is a gate; a gate of lower risk sets no floor.
    #[test]
    fn floors_follow_the_worst_finding() {
        let s = scoring();
        let high = score(&s, &[one(12, false, "a")]);
        assert_eq!(high.score, 35);
        assert_eq!(high.points[0] + high.floor.as_ref().unwrap().1, 35);
        assert_eq!(score(&s, &[one(12, true, "a")]).score, 65);
        let modest_gate = score(&s, &[one(8, true, "a")]);
        assert_eq!(modest_gate.score, 6);
        assert!(modest_gate.floor.is_none());
    }

    #[test]
    fn no_findings_is_zero_and_the_lowest_band() {
        let s = scoring();
        assert_eq!(
            score(&s, &[]),
            Scored {
                score: 0,
                band: 0,
                index: 0.0,
                points: vec![],
                counted_as: vec![],
                floor: None
            }
        );
    }
}
