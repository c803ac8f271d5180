//! The cold-start model (paper IV): model points computed from off-chain payment histories, and their
//! score for a client, both through the reference code the contract mirrors ([`crate::account::replay`],
//! [`Ledger::ratios`], [`Ledger::labels`], [`get_score`]).
//!
//! A history of `n` months is split at `history`: a point's ratios come from months `0..history`, its OSC
//! labels from the *outcome*, months `history..n` plus the next month, which is behind if the client
//! defaulted on it. A client is scored on its latest `history` months (`n - history..n`), a window of the
//! same length as the points', so that the score predicts the month after the data.

use std::collections::BTreeMap;

use crate::{
    ModelPoint,
    account::{PERIOD, Statement, replay},
    knn::{combine, nearest, weighted_osc},
    ledger::{Ledger, LedgerError},
    point::WINDOWS,
    score::{Model, Request, get_score, query_vector},
};

/// Timestamp of a window's first statement (any time after 0 will do: the ratios are time-invariant).
pub const START: u64 = 1_112_313_600;

/// The score's request: no new credit over one payment period, so the query is the client's own ratios
/// (points are recorded without a pending loan too) and the answer is read at a one-month horizon.
pub const REQUEST: Request = Request { amount: 0, installment: 0, num_payments: 1, period: PERIOD };

/// The model point of a client: ratios of months `..history`, labels of the outcome (the remaining
/// months and the next one, behind if `defaulted`).
pub fn model_point(months: &[Statement], defaulted: bool, history: usize) -> Result<ModelPoint, LedgerError> {
    assert!(history >= 1 && history <= months.len(), "the history is a non-empty part of the months");
    let past = replay(&months[..history], START)?;
    let ratios = past.ratios(START + history as u64 * PERIOD, 0, 0, 0);
    // The outcome's first statement opens its own window; the next month repeats the last bill, unpaid.
    let last = months[months.len() - 1];
    let next = Statement { bill: last.bill, paid: 0, status: if defaulted { 1 } else { -1 } };
    let mut outcome = months[history..].to_vec();
    outcome.push(next);
    let start = START + history as u64 * PERIOD;
    let (osc, _) = replay(&outcome, start)?.labels(start + outcome.len() as u64 * PERIOD);
    Ok(ModelPoint { ratios, osc })
}

/// The ledger a client is scored with (its latest `history` months) and the time it is scored at.
pub fn query_ledger(months: &[Statement], history: usize) -> Result<(Ledger, u64), LedgerError> {
    assert!(history >= 1 && history <= months.len(), "the history is a non-empty part of the months");
    let ledger = replay(&months[months.len() - history..], START)?;
    Ok((ledger, START + history as u64 * PERIOD))
}

/// The score (thousandths) of `ledger` at `now` for [`REQUEST`] against a published model of `points`
/// with `k` neighbours: exactly `get_score`.
pub fn score(ledger: &Ledger, now: u64, points: &[ModelPoint], k: usize) -> u64 {
    get_score(ledger, now, &REQUEST, None, Model { old: points, new: &[], k })
}

/// [`score`] for several k at once (one scan for the largest k; the k nearest are a prefix of it).
pub fn scores_for_ks(ledger: &Ledger, now: u64, points: &[ModelPoint], ks: &[usize]) -> Vec<u64> {
    assert!(ledger.first_loan_at != 0, "a replayed ledger has a history, so the cold-start rule never applies");
    let query = query_vector(ledger, now, &REQUEST);
    let winners = nearest(points, &query, ks.iter().copied().max().unwrap_or(0));
    let fico = u64::from(ledger.fico_score);
    ks.iter()
        .map(|&k| {
            let answer = weighted_osc(&winners[..k.min(winners.len())], REQUEST.duration());
            combine(answer, points.len() as u64, None, 0).unwrap_or(fico)
        })
        .collect()
}

/// [`scores_for_ks`] of every query, spread over `threads` threads (the result does not depend on it).
pub fn score_many(queries: &[&(Ledger, u64)], points: &[ModelPoint], ks: &[usize], threads: usize) -> Vec<Vec<u64>> {
    let chunk = queries.len().div_ceil(threads.max(1)).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = queries
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || part.iter().map(|(l, now)| scores_for_ks(l, *now, points, ks)).collect::<Vec<_>>())
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("a scoring thread panicked")).collect()
    })
}

/// A replay that the ledger refused (it cannot happen for six months or fewer: one loan a month).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("replaying client {client}: {source}")]
pub struct ReplayError {
    /// The client's index.
    pub client: usize,
    /// What the ledger refused.
    #[source]
    pub source: LedgerError,
}

/// Every client's model point and scoring ledger for one split of the months.
#[derive(Debug, Clone)]
pub struct Replayed {
    /// Model point of each client ([`model_point`]).
    pub points: Vec<ModelPoint>,
    /// Scoring ledger of each client and the time it is scored at ([`query_ledger`]).
    pub queries: Vec<(Ledger, u64)>,
}

impl Replayed {
    /// Replays each client's months (and whether it defaulted next) with `history` months of history.
    pub fn new(clients: &[(Vec<Statement>, bool)], history: usize) -> Result<Self, ReplayError> {
        let mut replayed =
            Self { points: Vec::with_capacity(clients.len()), queries: Vec::with_capacity(clients.len()) };
        for (client, (months, defaulted)) in clients.iter().enumerate() {
            let error = |source| ReplayError { client, source };
            replayed.points.push(model_point(months, *defaulted, history).map_err(error)?);
            replayed.queries.push(query_ledger(months, history).map_err(error)?);
        }
        Ok(replayed)
    }

    /// The model of the clients `rows`: their points, identical ones merged ([`merge_duplicates`]).
    pub fn model(&self, rows: &[usize]) -> Vec<ModelPoint> {
        merge_duplicates(&rows.iter().map(|&r| self.points[r]).collect::<Vec<_>>())
    }

    /// The scores (thousandths) of the clients `test` for each of `ks`, against the model of `train`:
    /// `result[i][j]` is test client j's score with `ks[i]` neighbours.
    pub fn scores(&self, train: &[usize], test: &[usize], ks: &[usize], threads: usize) -> Vec<Vec<u64>> {
        let model = self.model(train);
        let queries: Vec<&(Ledger, u64)> = test.iter().map(|&r| &self.queries[r]).collect();
        let per_query = score_many(&queries, &model, ks, threads);
        (0..ks.len()).map(|i| per_query.iter().map(|s| s[i]).collect()).collect()
    }
}

/// One point per distinct ratio vector, labelled with the mean (rounded to nearest) of the labels sharing
/// it, sorted by ratios. Needed because the contract breaks distance ties by the smallest label: among
/// many identical points (every account with no balance has the same ratios) the k nearest would be the
/// k worst, not a fair sample.
pub fn merge_duplicates(points: &[ModelPoint]) -> Vec<ModelPoint> {
    let mut groups: BTreeMap<[u16; 5], ([u64; WINDOWS], u64)> = BTreeMap::new();
    for p in points {
        let (sums, count) = groups.entry(p.ratios).or_insert(([0; WINDOWS], 0));
        for (s, o) in sums.iter_mut().zip(p.osc) {
            *s += u64::from(o);
        }
        *count += 1;
    }
    groups
        .into_iter()
        .map(|(ratios, (sums, count))| ModelPoint { ratios, osc: sums.map(|s| ((2 * s + count) / (2 * count)) as u8) })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ledger::LABEL_ONE, synthetic::SplitMix64};

    fn month(bill: i64, paid: i64, status: i64) -> Statement {
        Statement { bill, paid, status }
    }

    #[test]
    fn a_default_next_month_makes_the_outcome_labels_bad() {
        // Clean history; outcome = one clean month, then the defaulted next month: a 30-day clean run
        // in 60 days. OSC-16 = (30 - 16) / (60 - 16); OSC-32 = 0 (no run past 32 days).
        let months = [month(1_000, 0, -1), month(1_000, 1_000, -1), month(1_000, 1_000, -1)];
        let bad = model_point(&months, true, 2).unwrap();
        assert_eq!(u64::from(bad.osc[4]), 14 * LABEL_ONE / 44);
        assert_eq!(bad.osc[5], 0);
        let good = model_point(&months, false, 2).unwrap();
        assert!(good.osc.iter().all(|o| u64::from(*o) == LABEL_ONE));
        assert_eq!(good.ratios, bad.ratios, "the outcome does not change the ratios");
        // The ratios are the first two months' own ledger.
        let past = replay(&months[..2], START).unwrap();
        assert_eq!(good.ratios, past.ratios(START + 2 * PERIOD, 0, 0, 0));
    }

    #[test]
    fn the_query_is_the_latest_months() {
        let months = [month(0, 0, 3), month(500, 0, -1), month(900, 100, 0)];
        let (ledger, now) = query_ledger(&months, 2).unwrap();
        assert_eq!(ledger, replay(&months[1..], START).unwrap());
        assert_eq!(now, START + 2 * PERIOD);
    }

    #[test]
    fn scores_for_several_k_equal_get_score() {
        let mut rng = SplitMix64::new(5);
        let mut points: Vec<ModelPoint> = (0..300).map(|_| rng.point()).collect();
        // Exact duplicates of the query and distance ties exercise the tie rules.
        let months = [month(2_000, 0, 0), month(2_500, 300, 1), month(2_400, 500, 0)];
        let (ledger, now) = query_ledger(&months, 3).unwrap();
        let query = query_vector(&ledger, now, &REQUEST);
        for label in [3u8, 200, 77] {
            points.push(ModelPoint { ratios: query, osc: [label; WINDOWS] });
        }
        let ks = [1, 2, 3, 4, 10, 32];
        let many = scores_for_ks(&ledger, now, &points, &ks);
        for (k, got) in ks.iter().zip(&many) {
            assert_eq!(*got, score(&ledger, now, &points, *k), "k = {k}");
        }
        let small = &points[..2];
        assert_eq!(scores_for_ks(&ledger, now, small, &[10]), vec![score(&ledger, now, small, 10)]);
    }

    #[test]
    fn replayed_clients_score_through_get_score() {
        let months = |s: i64, b: i64| vec![month(b, b / 3, s), month(2 * b, b, s), month(b, 2 * b, 0)];
        let clients: Vec<(Vec<Statement>, bool)> =
            (0..40).map(|i| (months(i % 4 - 1, 100 * (i + 1)), i % 5 == 0)).collect();
        let replayed = Replayed::new(&clients, 2).unwrap();
        let (train, test): (Vec<usize>, Vec<usize>) = (0..40).partition(|i| i % 4 != 0);
        let scores = replayed.scores(&train, &test, &[3, 8], 2);
        let model = replayed.model(&train);
        assert!(model.len() <= train.len());
        for (j, &r) in test.iter().enumerate() {
            let (ledger, now) = &replayed.queries[r];
            assert_eq!(scores[0][j], score(ledger, *now, &model, 3));
            assert_eq!(scores[1][j], score(ledger, *now, &model, 8));
        }
    }

    #[test]
    fn duplicates_merge_into_their_mean_label() {
        let a = ModelPoint { ratios: [1, 2, 3, 4, 5], osc: [0; WINDOWS] };
        let b = ModelPoint { ratios: [1, 2, 3, 4, 5], osc: [255; WINDOWS] };
        let c = ModelPoint { ratios: [1, 2, 3, 4, 5], osc: [255; WINDOWS] };
        let d = ModelPoint { ratios: [0, 2, 3, 4, 5], osc: [9; WINDOWS] };
        let merged = merge_duplicates(&[a, b, d, c]);
        assert_eq!(merged, vec![d, ModelPoint { ratios: a.ratios, osc: [170; WINDOWS] }]);
    }
}
