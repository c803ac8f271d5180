//! Stratified k-fold splits: each class is shuffled with the seed and dealt round-robin into the
//! folds, so every fold has the class balance of the whole (to within one row per class).

use crate::rng::SplitMix64;

/// One fold: the row indices to train on and to test on (both sorted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fold {
    /// Training rows.
    pub train: Vec<usize>,
    /// Test rows.
    pub test: Vec<usize>,
}

/// `k` stratified folds of the rows labelled `good`, shuffled with `seed`. The test sets are disjoint
/// and cover every row; each fold trains on the others.
pub fn stratified_folds(good: &[bool], k: usize, seed: u64) -> Vec<Fold> {
    assert!(k >= 2, "at least two folds");
    let mut rng = SplitMix64::new(seed);
    let mut assignment = vec![0usize; good.len()];
    let mut next = 0;
    for class in [true, false] {
        let mut rows: Vec<usize> = (0..good.len()).filter(|&i| good[i] == class).collect();
        rng.shuffle(&mut rows);
        for row in rows {
            assignment[row] = next % k;
            next += 1;
        }
    }
    (0..k)
        .map(|f| Fold {
            train: (0..good.len()).filter(|&i| assignment[i] != f).collect(),
            test: (0..good.len()).filter(|&i| assignment[i] == f).collect(),
        })
        .collect()
}

/// `n` of `rows` (sorted) keeping the class balance of `rows`: each class shuffled with `seed`, its share
/// of `n` rounded to nearest taken from the front. All of `rows` when `n >= rows.len()`.
pub fn stratified_sample(rows: &[usize], positive: &[bool], n: usize, seed: u64) -> Vec<usize> {
    if n >= rows.len() {
        return rows.to_vec();
    }
    let mut rng = SplitMix64::new(seed);
    let positives = rows.iter().filter(|&&r| positive[r]).count();
    let take_positive = ((positives * n) as f64 / rows.len() as f64).round() as usize;
    let mut sample = Vec::with_capacity(n);
    for (class, take) in [(true, take_positive), (false, n - take_positive)] {
        let mut members: Vec<usize> = rows.iter().copied().filter(|&r| positive[r] == class).collect();
        rng.shuffle(&mut members);
        sample.extend_from_slice(&members[..take.min(members.len())]);
    }
    sample.sort_unstable();
    sample
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::german_credit;

    #[test]
    fn folds_are_balanced_disjoint_and_cover_all_rows() {
        let good = german_credit().good;
        for seed in 0..5 {
            let folds = stratified_folds(&good, 5, seed);
            let mut seen = vec![0; good.len()];
            for fold in &folds {
                assert_eq!(fold.test.len(), 200);
                assert_eq!(fold.test.iter().filter(|&&i| good[i]).count(), 140);
                assert_eq!(fold.train.len() + fold.test.len(), good.len());
                assert!(fold.test.iter().all(|i| fold.train.binary_search(i).is_err()));
                for &i in &fold.test {
                    seen[i] += 1;
                }
            }
            assert!(seen.iter().all(|&s| s == 1));
        }
        assert_ne!(stratified_folds(&good, 5, 0), stratified_folds(&good, 5, 1));
        assert_eq!(stratified_folds(&good, 5, 3), stratified_folds(&good, 5, 3));
    }

    #[test]
    fn uneven_classes_differ_by_at_most_one_per_fold() {
        let good: Vec<bool> = (0..23).map(|i| i % 3 != 0).collect();
        let folds = stratified_folds(&good, 4, 9);
        let positives: Vec<usize> = folds.iter().map(|f| f.test.iter().filter(|&&i| good[i]).count()).collect();
        let negatives: Vec<usize> = folds.iter().map(|f| f.test.iter().filter(|&&i| !good[i]).count()).collect();
        for counts in [positives, negatives] {
            assert!(counts.iter().max().unwrap() - counts.iter().min().unwrap() <= 1);
        }
    }

    #[test]
    fn samples_keep_the_class_balance() {
        let positive: Vec<bool> = (0..1000).map(|i| i % 5 == 0).collect();
        let rows: Vec<usize> = (0..1000).filter(|i| i % 7 != 0).collect();
        let sample = stratified_sample(&rows, &positive, 300, 4);
        assert_eq!(sample.len(), 300);
        assert!(sample.windows(2).all(|w| w[0] < w[1]) && sample.iter().all(|r| rows.binary_search(r).is_ok()));
        let share = |set: &[usize]| set.iter().filter(|&&r| positive[r]).count() as f64 / set.len() as f64;
        assert!((share(&sample) - share(&rows)).abs() < 0.5 / 300.0 + 1e-9);
        assert_eq!(stratified_sample(&rows, &positive, 300, 4), sample);
        assert_ne!(stratified_sample(&rows, &positive, 300, 5), sample);
        assert_eq!(stratified_sample(&rows, &positive, 5000, 4), rows);
    }
}
