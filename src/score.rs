//! The scoring model of docs/scoring.md: findings' risks combined into a 0-100 score with
//! floors, and that score split into whole points per finding that add up exactly.

use crate::pack::Scoring;

/// Largest risk of one finding (likelihood 4 x severity 4).
const MAX_RISK: f64 = 16.0;

/// What scoring needs to know of one finding.
#[derive(Debug, Clone, Copy)]
pub struct Risk {
    pub risk: u8,
    pub blocking: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub score: u32,
    /// Index into `Scoring::bands`.
    pub band: usize,
    /// Whole points per finding, in the order given; with `floor` they add up to `score`.
    pub points: Vec<u32>,
    /// (index of the finding that set the floor, points the floor added, why).
    pub floor: Option<(usize, u32, String)>,
}

fn probability(scoring: &Scoring, risk: u8) -> f64 {
    (f64::from(risk) / MAX_RISK).clamp(0.0, 1.0).powf(scoring.exponent)
}

/// Scores findings given in report order (highest residual risk first), which is also the
/// order in which each finding's share is attributed.
pub fn score(scoring: &Scoring, findings: &[Risk]) -> Scored {
    let mut remaining = 1.0;
    let mut shares = Vec::with_capacity(findings.len() + 1);
    for f in findings {
        let p = probability(scoring, f.risk);
        shares.push(100.0 * p * remaining);
        remaining *= 1.0 - p;
    }
    let formula = 100.0 * (1.0 - remaining);

    let mut floor: Option<(usize, f64, String)> = None;
    for (i, f) in findings.iter().enumerate() {
        let mut consider = |value: f64, why: &str| {
            if floor.as_ref().is_none_or(|(_, v, _)| value > *v) {
                floor = Some((i, value, why.to_string()));
            }
        };
        if f.blocking {
            consider(scoring.blocking_floor, "a blocking finding stands: only a mitigation that cures it lifts this floor");
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
    Scored { score, band: band_of(scoring, score), points, floor }
}

/// The band a whole score falls in: the last whose minimum it reaches.
pub fn band_of(scoring: &Scoring, score: u32) -> usize {
    scoring.bands.iter().rposition(|b| f64::from(score) >= b.min).unwrap_or(0)
}

/// Whole numbers that add up to `total`, each near its exact share (largest remainder).
fn apportion(shares: &[f64], total: u32) -> Vec<u32> {
    let mut whole: Vec<u32> = shares.iter().map(|s| s.max(0.0).floor() as u32).collect();
    let mut left = total.saturating_sub(whole.iter().sum());
    let mut order: Vec<usize> = (0..shares.len()).collect();
    order.sort_by(|&a, &b| (shares[b] - shares[b].floor()).total_cmp(&(shares[a] - shares[a].floor())).then(a.cmp(&b)));
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

    fn risks(values: &[u8]) -> Vec<Risk> {
        values.iter().map(|&risk| Risk { risk, blocking: false }).collect()
    }

    // The checks of DOMAIN.md C3 with the default exponent of 2, before floors.
    #[test]
    fn matches_the_reference_figures() {
        let s = scoring();
        assert_eq!(score(&s, &risks(&[16])).score, 100);
        assert_eq!(score(&s, &risks(&[12])).score, 56);
        assert_eq!(score(&s, &risks(&[9])).score, 32);
        assert_eq!(score(&s, &risks(&[12, 9])).score, 70);
        assert_eq!(score(&s, &risks(&[2; 10])).score, 15);
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
        let scored = score(&s, &[Risk { risk: 4, blocking: true }]);
        assert_eq!(f64::from(scored.score), s.blocking_floor);
        assert_eq!(scored.points[0] + scored.floor.unwrap().1, scored.score);
    }

    #[test]
    fn no_findings_is_zero_and_the_lowest_band() {
        let s = scoring();
        assert_eq!(score(&s, &[]), Scored { score: 0, band: 0, points: vec![], floor: None });
    }
}
