//! How well scores track outcomes: AUC, Spearman's rank correlation, and the two-number fit of
//! the calibration curve (logistic regression of the outcome on the log of the index).

/// The chance that a case that ended badly scores above one that did not (ties count half):
/// the area under the ROC curve. None when either class is empty.
pub fn auc(scores: &[f64], bad: &[bool]) -> Option<f64> {
    let (mut pairs, mut wins) = (0.0, 0.0);
    for (s, b) in scores.iter().zip(bad) {
        if !b {
            continue;
        }
        for (t, c) in scores.iter().zip(bad) {
            if *c {
                continue;
            }
            pairs += 1.0;
            wins += if s > t {
                1.0
            } else if s == t {
                0.5
            } else {
                0.0
            };
        }
    }
    (pairs > 0.0).then(|| wins / pairs)
}

/// Spearman's rank correlation, ties given their average rank. None for fewer than two values
/// or a constant side.
pub fn spearman(x: &[f64], y: &[f64]) -> Option<f64> {
    if x.len() < 2 || x.len() != y.len() {
        return None;
    }
    pearson(&ranks(x), &ranks(y))
}

/// The Spearman correlation with `y` that a score reaches, on average, when it puts every case
/// that ended badly above every case that did not and orders each side at random: what
/// separating the outcomes alone is worth, before any ordering within a side (severe above bad,
/// acceptable above good). Exact, not simulated: every random order has untied ranks of the same
/// spread, and on average each case sits at the middle rank of its side.
pub fn spearman_of_separation(bad: &[bool], y: &[f64]) -> Option<f64> {
    let n = bad.len();
    if n < 2 || n != y.len() || bad.iter().all(|b| *b) || !bad.iter().any(|b| *b) {
        return None;
    }
    let side: Vec<f64> = bad.iter().map(|b| f64::from(u8::from(*b))).collect();
    let (mid, ry) = (ranks(&side), ranks(y));
    let mean = (n as f64 + 1.0) / 2.0;
    let sxy: f64 = mid.iter().zip(&ry).map(|(a, b)| (a - mean) * (b - mean)).sum();
    let syy: f64 = ry.iter().map(|b| (b - mean) * (b - mean)).sum();
    // The spread of n untied ranks: the sum of (i - mean)^2 over 1..=n.
    let sxx = n as f64 * ((n * n) as f64 - 1.0) / 12.0;
    (syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

fn ranks(values: &[f64]) -> Vec<f64> {
    let mut order: Vec<usize> = (0..values.len()).collect();
    order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
    let mut out = vec![0.0; values.len()];
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j + 1 < order.len() && values[order[j + 1]] == values[order[i]] {
            j += 1;
        }
        let rank = (i + j) as f64 / 2.0 + 1.0;
        for &k in &order[i..=j] {
            out[k] = rank;
        }
        i = j + 1;
    }
    out
}

fn pearson(x: &[f64], y: &[f64]) -> Option<f64> {
    let n = x.len() as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (a, b) in x.iter().zip(y) {
        sxy += (a - mx) * (b - my);
        sxx += (a - mx) * (a - mx);
        syy += (b - my) * (b - my);
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// The smallest index the fit reads, so that a case with no findings (index 0) has a finite log.
const FLOOR_INDEX: f64 = 1e-3;
/// Prior on the steepness: a normal around 1 (the odds of ending badly proportional to the
/// index) with this spread. A library that separates well would otherwise push the steepness
/// towards infinity, every score to 0 or 100, and the riskiest deals' scenarios to one number.
const STEEPNESS_PRIOR: f64 = 1.0;
const STEEPNESS_SPREAD: f64 = 1.0;

/// Fits P(ended badly) = index^k / (index^k + midpoint^k), that is a logistic regression of the
/// outcome on ln(index), by Newton's method with a weak prior on k. Returns (midpoint, k).
pub fn fit(index: &[f64], bad: &[bool]) -> Option<(f64, f64)> {
    if index.is_empty() || !bad.iter().any(|b| *b) || bad.iter().all(|b| *b) {
        return None;
    }
    let x: Vec<f64> = index.iter().map(|i| i.max(FLOOR_INDEX).ln()).collect();
    // logit p = a + b x
    let (mut a, mut b) = (0.0_f64, 1.0_f64);
    for _ in 0..100 {
        let prior = -(b - STEEPNESS_PRIOR) / STEEPNESS_SPREAD.powi(2);
        let (mut ga, mut gb, mut haa, mut hab, mut hbb) = (0.0, prior, 0.0, 0.0, 0.0);
        hbb -= 1.0 / STEEPNESS_SPREAD.powi(2);
        for (xi, yi) in x.iter().zip(bad) {
            let p = 1.0 / (1.0 + (-(a + b * xi)).exp());
            let r = f64::from(u8::from(*yi)) - p;
            ga += r;
            gb += r * xi;
            let w = p * (1.0 - p);
            haa -= w;
            hab -= w * xi;
            hbb -= w * xi * xi;
        }
        let det = haa * hbb - hab * hab;
        if det.abs() < 1e-12 {
            break;
        }
        let da = (hbb * ga - hab * gb) / det;
        let db = (haa * gb - hab * ga) / det;
        a -= da;
        b -= db;
        if da.abs() < 1e-10 && db.abs() < 1e-10 {
            break;
        }
    }
    (b > 0.0).then(|| ((-a / b).exp(), b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auc_counts_pairs_in_order_and_ties_as_half() {
        let bad = [true, true, false, false];
        assert_eq!(auc(&[90.0, 80.0, 10.0, 20.0], &bad), Some(1.0));
        assert_eq!(auc(&[10.0, 20.0, 90.0, 80.0], &bad), Some(0.0));
        assert_eq!(auc(&[50.0, 50.0, 50.0, 50.0], &bad), Some(0.5));
        assert_eq!(auc(&[90.0, 10.0, 50.0, 5.0], &bad), Some(0.75));
        assert_eq!(auc(&[1.0], &[true]), None);
    }

    #[test]
    fn spearman_reads_ranks_with_ties_averaged() {
        let x = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(spearman(&x, &[10.0, 20.0, 30.0, 40.0]), Some(1.0));
        assert_eq!(spearman(&x, &[4.0, 3.0, 2.0, 1.0]), Some(-1.0));
        assert_eq!(ranks(&[5.0, 1.0, 5.0]), vec![2.5, 1.0, 2.5]);
        assert_eq!(spearman(&x, &[1.0, 1.0, 1.0, 1.0]), None);
    }

    // Two bad and two good cases, labels 3, 2 | 1, 0: of the four orders that keep the sides
    // apart, two are perfect (1.0), two swap one pair (0.8), one swaps both (0.6): the average of
    // all four (1.0, 0.8, 0.8, 0.6) is 0.8.
    #[test]
    fn separation_alone_is_the_average_over_orders_within_sides() {
        let y = [3.0, 2.0, 1.0, 0.0];
        let bad = [true, true, false, false];
        let got = spearman_of_separation(&bad, &y).unwrap();
        assert!((got - 0.8).abs() < 1e-12, "{got}");
        let orders = [
            [4.0, 3.0, 2.0, 1.0],
            [3.0, 4.0, 2.0, 1.0],
            [4.0, 3.0, 1.0, 2.0],
            [3.0, 4.0, 1.0, 2.0],
        ];
        let mean = orders.iter().map(|o| spearman(o, &y).unwrap()).sum::<f64>() / 4.0;
        assert!((got - mean).abs() < 1e-12, "{got} vs {mean}");
        assert_eq!(spearman_of_separation(&[true, true], &[1.0, 2.0]), None);
    }

    // Cases ending badly half the time at index 1, more above, fewer below: the fit puts the
    // midpoint near 1 and a positive steepness.
    #[test]
    fn fit_finds_the_midpoint() {
        let index = [0.25, 0.25, 0.25, 0.25, 1.0, 1.0, 1.0, 1.0, 4.0, 4.0, 4.0, 4.0];
        let bad = [
            false, false, false, true, false, false, true, true, true, true, true, false,
        ];
        let (midpoint, k) = fit(&index, &bad).expect("fits");
        assert!((midpoint - 1.0).abs() < 0.05, "{midpoint}");
        assert!(k > 0.3 && k < 2.0, "{k}");
        assert_eq!(fit(&index, &[true; 12]), None);
    }
}
