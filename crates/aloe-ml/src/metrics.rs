//! Ranking and cost metrics computed from scores (never from thresholded labels).

/// Area under the ROC curve of `scores` for telling `positive` rows from the others: the probability
/// that a random positive scores above a random negative, ties counting one half (Mann–Whitney).
/// `None` if either class is empty.
pub fn auroc(scores: &[f64], positive: &[bool]) -> Option<f64> {
    assert_eq!(scores.len(), positive.len());
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    // Sum of the (1-based, tie-averaged) ranks of the positives.
    let mut rank_sum = 0.0;
    let mut start = 0;
    while start < order.len() {
        let mut end = start + 1;
        while end < order.len() && scores[order[end]] == scores[order[start]] {
            end += 1;
        }
        let average_rank = (start + 1 + end) as f64 / 2.0;
        rank_sum += average_rank * order[start..end].iter().filter(|&&i| positive[i]).count() as f64;
        start = end;
    }
    let p = positive.iter().filter(|p| **p).count() as f64;
    let n = positive.len() as f64 - p;
    if p == 0.0 || n == 0.0 {
        return None;
    }
    Some((rank_sum - p * (p + 1.0) / 2.0) / (p * n))
}

/// The UCI cost matrix: approving a bad applicant costs 5, rejecting a good one costs 1.
pub const COST_BAD_APPROVED: f64 = 5.0;
/// See [`COST_BAD_APPROVED`].
pub const COST_GOOD_REJECTED: f64 = 1.0;

/// The lowest mean cost per applicant over all thresholds, approving rows whose score is at least
/// the threshold (`good` rows should score high). Thresholds run over every distinct score and
/// "reject everyone", so ties are never split.
pub fn min_cost(scores: &[f64], good: &[bool]) -> f64 {
    assert_eq!(scores.len(), good.len());
    let mut order: Vec<usize> = (0..scores.len()).collect();
    // Descending: approving a prefix of this order.
    order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]));
    let goods = good.iter().filter(|g| **g).count() as f64;
    // Reject everyone: every good row is a false rejection.
    let mut cost = goods * COST_GOOD_REJECTED;
    let mut best = cost;
    let mut i = 0;
    while i < order.len() {
        let mut j = i;
        while j < order.len() && scores[order[j]] == scores[order[i]] {
            cost += if good[order[j]] { -COST_GOOD_REJECTED } else { COST_BAD_APPROVED };
            j += 1;
        }
        best = best.min(cost);
        i = j;
    }
    best / scores.len() as f64
}

/// Mean and sample standard deviation (divisor n − 1) of `values`.
pub fn mean_std(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return (mean, 0.0);
    }
    let var = values.iter().map(|v| (v - mean) * (v - mean)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt())
}

/// Root-mean-square error of `predictions` against `observed`.
pub fn rmse(predictions: &[f64], observed: &[f64]) -> f64 {
    assert_eq!(predictions.len(), observed.len());
    let sum: f64 = predictions.iter().zip(observed).map(|(p, o)| (p - o) * (p - o)).sum();
    (sum / predictions.len() as f64).sqrt()
}

/// One group of a calibration table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bin {
    /// Rows in the group.
    pub rows: usize,
    /// Lowest and highest score in it.
    pub score_range: (f64, f64),
    /// Mean score.
    pub mean_score: f64,
    /// Share of positive rows.
    pub positive_rate: f64,
}

/// `groups` groups of (about) equal size by ascending score (ties kept in row order), with the observed
/// share of `positive` rows in each: the calibration of a score.
pub fn calibration(scores: &[f64], positive: &[bool], groups: usize) -> Vec<Bin> {
    assert_eq!(scores.len(), positive.len());
    let mut order: Vec<usize> = (0..scores.len()).collect();
    order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
    (0..groups)
        .map(|g| &order[g * order.len() / groups..(g + 1) * order.len() / groups])
        .filter(|rows| !rows.is_empty())
        .map(|rows| {
            let n = rows.len() as f64;
            Bin {
                rows: rows.len(),
                score_range: (scores[rows[0]], scores[rows[rows.len() - 1]]),
                mean_score: rows.iter().map(|&r| scores[r]).sum::<f64>() / n,
                positive_rate: rows.iter().filter(|&&r| positive[r]).count() as f64 / n,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auroc_of_hand_computed_cases() {
        // Perfect, reversed and constant scores.
        assert_eq!(auroc(&[0.1, 0.2, 0.8, 0.9], &[false, false, true, true]), Some(1.0));
        assert_eq!(auroc(&[0.9, 0.8, 0.2, 0.1], &[false, false, true, true]), Some(0.0));
        assert_eq!(auroc(&[1.0; 4], &[false, true, false, true]), Some(0.5));
        // Positives 0.5, 0.7; negatives 0.5, 0.3. Pairs: (0.5 vs 0.5) tie = 1/2, (0.5 vs 0.3) = 1,
        // (0.7 vs 0.5) = 1, (0.7 vs 0.3) = 1: 3.5 / 4.
        assert_eq!(auroc(&[0.5, 0.7, 0.5, 0.3], &[true, true, false, false]), Some(0.875));
        // Three positives {2, 2, 1}, two negatives {2, 0}: 2 vs 2 ties twice (1), 2 vs 0 twice (2),
        // 1 vs 2 (0), 1 vs 0 (1): 4 / 6.
        let a = auroc(&[2.0, 2.0, 1.0, 2.0, 0.0], &[true, true, true, false, false]).unwrap();
        assert!((a - 4.0 / 6.0).abs() < 1e-12);
        assert_eq!(auroc(&[1.0, 2.0], &[true, true]), None);
    }

    #[test]
    fn min_cost_of_hand_computed_cases() {
        // Perfect ranking: approve the two goods, cost 0.
        assert_eq!(min_cost(&[0.9, 0.8, 0.1], &[true, true, false]), 0.0);
        // A bad row on top. Thresholds: reject all (2 goods rejected: 2), approve the top row (5 + 2),
        // the top two (5 + 1), all (5). Best 2, over 3 applicants.
        assert_eq!(min_cost(&[0.9, 0.8, 0.7], &[false, true, true]), 2.0 / 3.0);
        // A tied good and bad on top cannot be split: approving both costs 5 + 2, approving all 5,
        // rejecting all 3 (the best), over 4 applicants.
        assert_eq!(min_cost(&[0.9, 0.9, 0.5, 0.4], &[true, false, true, true]), 3.0 / 4.0);
        // Without the tie the good row alone can be approved: 0.9 good, 0.8 bad -> approve one, cost 2.
        assert_eq!(min_cost(&[0.9, 0.8, 0.5, 0.4], &[true, false, true, true]), 2.0 / 4.0);
    }

    #[test]
    fn mean_and_sample_std() {
        let (m, s) = mean_std(&[1.0, 2.0, 3.0, 4.0]);
        assert_eq!(m, 2.5);
        assert!((s - (5.0f64 / 3.0).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn rmse_and_calibration_of_hand_computed_cases() {
        assert_eq!(rmse(&[1.0, 0.0], &[0.0, 0.0]), (0.5f64).sqrt());
        let scores = [0.9, 0.1, 0.5, 0.3, 0.7, 0.2];
        let positive = [false, true, false, true, false, false];
        let bins = calibration(&scores, &positive, 3);
        // Ascending: 0.1 (pos), 0.2 | 0.3 (pos), 0.5 | 0.7, 0.9.
        assert_eq!(bins.iter().map(|b| b.positive_rate).collect::<Vec<_>>(), [0.5, 0.5, 0.0]);
        assert_eq!(bins[2].score_range, (0.7, 0.9));
        assert!((bins[0].mean_score - 0.15).abs() < 1e-12);
    }
}
