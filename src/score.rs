//! The scoring model of docs/scoring.md: findings are grouped (by problem, by default), each
//! group counts with its worst finding, the groups' risks combine into a 0-100 score with
//! floors, and that score is split into whole points per finding that add up exactly.

use crate::pack::Scoring;

/// What scoring needs to know of one finding.
#[derive(Debug, Clone, Copy)]
pub struct Risk<'a> {
    pub risk: u8,
    pub blocking: bool,
    /// Findings with the same group count once, at the worst of them.
    pub group: &'a str,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub score: u32,
    /// Index into `Scoring::bands`.
    pub band: usize,
    /// Whole points per finding, in the order given; with `floor` they add up to `score`.
    pub points: Vec<u32>,
    /// For each finding, the index of the finding its group counted instead (itself if counted).
    pub counted_as: Vec<usize>,
    /// (index of the finding that set the floor, points the floor added, why).
    pub floor: Option<(usize, u32, String)>,
}

/// p = (risk / largest risk) ^ exponent, the largest risk being the top level squared.
fn probability(scoring: &Scoring, risk: u8) -> f64 {
    let top = scoring.levels.len() as f64;
    (f64::from(risk) / (top * top)).clamp(0.0, 1.0).powf(scoring.exponent)
}

/// Scores findings given in report order (highest residual risk first): the first finding
/// of each group is the one that counts.
pub fn score(scoring: &Scoring, findings: &[Risk]) -> Scored {
    let counted_as: Vec<usize> = findings
        .iter()
        .map(|f| findings.iter().position(|g| g.group == f.group).unwrap_or(0))
        .collect();
    let probabilities: Vec<f64> = findings
        .iter()
        .enumerate()
        .map(|(i, f)| {
            if counted_as[i] == i {
                probability(scoring, f.risk)
            } else {
                0.0
            }
        })
        .collect();
    let formula = 100.0 * (1.0 - probabilities.iter().map(|p| 1.0 - p).product::<f64>());
    // Each counted finding's share of the formula is proportional to its own p: symmetric,
    // independent of order, and exact in sum.
    let sum_p: f64 = probabilities.iter().sum();
    let mut shares: Vec<f64> = probabilities
        .iter()
        .map(|p| if sum_p > 0.0 { formula * p / sum_p } else { 0.0 })
        .collect();

    let mut floor: Option<(usize, f64, String)> = None;
    for (i, f) in findings.iter().enumerate() {
        let mut consider = |value: f64, why: &str| {
            if floor.as_ref().is_none_or(|(_, v, _)| value > *v) {
                floor = Some((i, value, why.to_string()));
            }
        };
        if f.blocking {
            consider(
                scoring.blocking_floor,
                "a blocking finding stands: only a mitigation that cures it lifts this floor",
            );
        }
        for fl in scoring.floors.iter().filter(|fl| f.risk >= fl.risk_at_least) {
            consider(fl.score_at_least, &fl.why);
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
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| {
        (shares[b] - shares[b].floor())
            .total_cmp(&(shares[a] - shares[a].floor()))
            .then(a.cmp(&b))
    });
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

    fn scoring() -> Scoring {
        let pack = crate::pack::RulePack::load(&[]).expect("default pack loads");
        pack.scoring
    }

    const GROUPS: [&str; 10] = ["a", "b", "c", "d", "e", "f", "g", "h", "i", "j"];

    fn risks(values: &[u8]) -> Vec<Risk<'static>> {
        values
            .iter()
            .enumerate()
            .map(|(i, &risk)| Risk {
                risk,
                blocking: false,
                group: GROUPS[i],
            })
            .collect()
    }

    // The checks of DOMAIN.md C3, which assume an exponent of 2, before floors.
    #[test]
    fn matches_the_reference_figures() {
        let s = Scoring {
            exponent: 2.0,
            ..scoring()
        };
        assert_eq!(score(&s, &risks(&[16])).score, 100);
        assert_eq!(score(&s, &risks(&[12])).score, 56);
        assert_eq!(score(&s, &risks(&[9])).score, 32);
        assert_eq!(score(&s, &risks(&[12, 9])).score, 70);
        assert_eq!(score(&s, &risks(&[2; 10])).score, 15);
    }

    // The default pack's exponent of 2.5 damps moderate risks more (docs/scoring.md).
    #[test]
    fn the_default_exponent_damps_moderate_risks() {
        let s = scoring();
        assert_eq!(score(&s, &risks(&[16])).score, 100);
        assert_eq!(score(&s, &risks(&[12])).score, 49);
        assert_eq!(score(&s, &risks(&[9])).score, 24);
        assert_eq!(score(&s, &risks(&[2; 10])).score, 5);
    }

    #[test]
    fn points_add_up_to_the_score() {
        let s = scoring();
        let scored = score(&s, &risks(&[12, 9, 6, 4, 4, 2, 1]));
        let floor = scored.floor.as_ref().map_or(0, |f| f.1);
        assert_eq!(scored.points.iter().sum::<u32>() + floor, scored.score);
    }

    #[test]
    fn a_blocking_finding_floors_the_score() {
        let s = scoring();
        let scored = score(
            &s,
            &[Risk {
                risk: 4,
                blocking: true,
                group: "a",
            }],
        );
        assert_eq!(f64::from(scored.score), s.blocking_floor);
        assert_eq!(scored.points[0] + scored.floor.unwrap().1, scored.score);
    }

    #[test]
    fn no_findings_is_zero_and_the_lowest_band() {
        let s = scoring();
        assert_eq!(
            score(&s, &[]),
            Scored {
                score: 0,
                band: 0,
                points: vec![],
                counted_as: vec![],
                floor: None
            }
        );
    }

    #[test]
    fn a_group_counts_once_at_its_worst() {
        let s = scoring();
        let one = score(
            &s,
            &[Risk {
                risk: 9,
                blocking: false,
                group: "a",
            }],
        );
        let two = score(
            &s,
            &[
                Risk {
                    risk: 9,
                    blocking: false,
                    group: "a",
                },
                Risk {
                    risk: 6,
                    blocking: false,
                    group: "a",
                },
            ],
        );
        assert_eq!(one.score, two.score);
        assert_eq!(two.counted_as, vec![0, 0]);
        assert_eq!(two.points, vec![one.score, 0]);
    }
}
