//! Properties of the statement replay: any six months of card data replay within the contract's limits,
//! the ledger's debt is the last bill, and its time behind is exactly the months the status marks.

use aloe_score::{
    account::{PERIOD, Statement, UNIT, behind_months, replay},
    coldstart::{START, model_point, query_ledger},
    ledger::RATIO_ONE,
};
use proptest::prelude::*;

fn statement() -> impl Strategy<Value = Statement> {
    (-10_000i64..1_000_000, 0i64..1_000_000, -2i64..=9).prop_map(|(bill, paid, status)| Statement {
        bill,
        paid,
        status,
    })
}

proptest! {
    #[test]
    fn six_months_replay_with_the_debt_and_delays_of_the_data(months in prop::collection::vec(statement(), 1..=6)) {
        let ledger = replay(&months, START).unwrap();
        let last = months[months.len() - 1];
        prop_assert_eq!(ledger.debt, u128::from(last.bill.max(0).unsigned_abs()) * UNIT);
        let behind = behind_months(&months).iter().filter(|b| **b).count() as u64;
        prop_assert_eq!(ledger.time_behind, behind * PERIOD);
        let now = START + months.len() as u64 * PERIOD;
        let ratios = ledger.ratios(now, 0, 0, 0);
        prop_assert_eq!(u64::from(ratios[0]), behind * RATIO_ONE / months.len() as u64);
        prop_assert!(ledger.active_loans >= 1 && ledger.active_loans <= 6);
    }

    #[test]
    fn every_split_gives_a_point_and_a_query(months in prop::collection::vec(statement(), 6), defaulted: bool) {
        for history in 1..=6 {
            let point = model_point(&months, defaulted, history).unwrap();
            let (ledger, now) = query_ledger(&months, history).unwrap();
            prop_assert_eq!(now, START + history as u64 * PERIOD);
            prop_assert_eq!(ledger.first_loan_at, START);
            if defaulted {
                // The next month is behind: no label can be a full 1.
                prop_assert!(point.osc.iter().all(|o| *o < 255));
            }
        }
    }
}
