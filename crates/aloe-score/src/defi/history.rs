//! An address's lending history folded from its events: the same fold serves events read from a chain
//! (Aave V3 pool events, Aloe's bureau events) and events a generator plans, so the two can be compared.
//!
//! Definitions over the window `[start, end)` (Unix seconds, whole days):
//! - transactions: events in the window that the address itself sent (a supply, withdrawal, borrow,
//!   repayment or Aloe loan request of its own; a liquidation or a repayment by someone else is not its
//!   activity);
//! - history days: from the address's first event of any kind to the window's end;
//! - distinct assets: assets it supplied or borrowed; loan kinds: [`LoanKind`]s it borrowed under;
//! - borrowed and repaid: every borrow and every repayment of its debt (by anyone, liquidations
//!   excepted: a liquidator's cover is not the borrower paying), over its whole history before `end`.
//!
//! Events at or after `end` are ignored, so a window is a fixed pair of dates.

use std::collections::BTreeSet;

use alloy_primitives::Address;

use super::{DefiError, History};

/// Seconds in a day.
pub const DAY: u64 = 86_400;

/// The kinds of loan [`super::LOAN_KINDS`] counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LoanKind {
    /// Aave stable rate (interest rate mode 1).
    AaveStable,
    /// Aave variable rate (interest rate mode 2).
    AaveVariable,
    /// An Aloe loan (disbursed by a `Loan` contract).
    Aloe,
}

/// What an event did to the address's position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LendingAction {
    /// Collateral supplied.
    Supply,
    /// Collateral withdrawn.
    Withdraw,
    /// Borrowed (Aave) or disbursed (Aloe).
    Borrow(LoanKind),
    /// Debt repaid.
    Repay,
    /// Debt covered by a liquidator.
    Liquidated,
    /// Activity that moves no money of its own (an Aloe loan request or its cancellation).
    Request,
}

/// One event of an address's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LendingEvent {
    /// Block timestamp.
    pub timestamp: u64,
    /// The asset moved.
    pub asset: Address,
    /// What happened.
    pub action: LendingAction,
    /// The amount in the base currency (8 decimals).
    pub amount_base: u128,
    /// Whether the address sent the transaction.
    pub sent_by_address: bool,
}

/// A fixed window `[start, end)` of whole days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    start: u64,
    end: u64,
}

impl Window {
    /// The window of `days` whole days ending at `end`.
    pub fn ending_at(end: u64, days: u32) -> Result<Self, DefiError> {
        let start = end.checked_sub(u64::from(days) * DAY).ok_or(DefiError::EmptyWindow)?;
        Self::new(start, end)
    }

    /// The window from `start` to `end`, at least one day long; a partial last day is dropped from `start`'s side.
    pub fn new(start: u64, end: u64) -> Result<Self, DefiError> {
        let days = end.saturating_sub(start) / DAY;
        if days == 0 {
            return Err(DefiError::EmptyWindow);
        }
        Ok(Self { start: end - days * DAY, end })
    }

    /// The first second in the window.
    pub fn start(&self) -> u64 {
        self.start
    }

    /// The first second after the window.
    pub fn end(&self) -> u64 {
        self.end
    }

    /// Whole days in the window.
    pub fn days(&self) -> u32 {
        u32::try_from((self.end - self.start) / DAY).unwrap_or(u32::MAX)
    }
}

impl History {
    /// Fold `events` (any order) into the history over `window`. Sums saturate rather than wrap (a
    /// u128 of base units is 3.4e30 dollars; only a forged event could get there).
    pub fn from_events(events: &[LendingEvent], window: Window) -> Self {
        let mut history = History {
            transactions: 0,
            window_days: window.days(),
            history_days: 0,
            distinct_assets: 0,
            loan_kinds: 0,
            borrowed_base: 0,
            repaid_base: 0,
        };
        let mut assets = BTreeSet::new();
        let mut kinds = BTreeSet::new();
        let mut first = None::<u64>;
        for event in events.iter().filter(|e| e.timestamp < window.end) {
            first = Some(first.map_or(event.timestamp, |f| f.min(event.timestamp)));
            if event.sent_by_address && event.timestamp >= window.start {
                history.transactions = history.transactions.saturating_add(1);
            }
            match event.action {
                LendingAction::Supply => {
                    assets.insert(event.asset);
                }
                LendingAction::Borrow(kind) => {
                    assets.insert(event.asset);
                    kinds.insert(kind);
                    history.borrowed_base = history.borrowed_base.saturating_add(event.amount_base);
                }
                LendingAction::Repay => history.repaid_base = history.repaid_base.saturating_add(event.amount_base),
                LendingAction::Withdraw | LendingAction::Liquidated | LendingAction::Request => {}
            }
        }
        history.history_days = first.map_or(0, |f| u32::try_from((window.end - f) / DAY).unwrap_or(u32::MAX));
        history.distinct_assets = u32::try_from(assets.len()).unwrap_or(u32::MAX);
        history.loan_kinds = u32::try_from(kinds.len()).unwrap_or(u32::MAX);
        history
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const END: u64 = 1_800_000_000;

    fn event(days_before_end: u64, asset: u8, action: LendingAction, amount: u128, sent: bool) -> LendingEvent {
        LendingEvent {
            timestamp: END - days_before_end * DAY,
            asset: Address::repeat_byte(asset),
            action,
            amount_base: amount,
            sent_by_address: sent,
        }
    }

    #[test]
    fn the_fold_counts_what_the_definitions_say() {
        use LendingAction::*;
        let events = [
            event(500, 1, Supply, 1_000, true), // before the window: history, not activity
            event(400, 2, Borrow(LoanKind::AaveVariable), 300, true),
            event(200, 2, Repay, 100, false), // repaid by a friend: counts as repaid, not activity
            event(100, 2, Liquidated, 150, false), // neither activity nor repaid
            event(50, 3, Borrow(LoanKind::Aloe), 40, true),
            event(10, 3, Repay, 40, true),
            event(5, 1, Withdraw, 10, true),
            event(1, 3, Request, 0, true),
            LendingEvent { timestamp: END, ..event(0, 9, Borrow(LoanKind::AaveStable), 99, true) }, // at the end: ignored
        ];
        let window = Window::ending_at(END, 365).unwrap();
        let h = History::from_events(&events, window);
        assert_eq!(
            h,
            History {
                transactions: 4,
                window_days: 365,
                history_days: 500,
                distinct_assets: 3,
                loan_kinds: 2,
                borrowed_base: 340,
                repaid_base: 140,
            }
        );
        // The order of the events does not matter.
        let mut reversed = events;
        reversed.reverse();
        assert_eq!(History::from_events(&reversed, window), h);
    }

    #[test]
    fn windows_are_whole_days_and_an_empty_history_has_nothing_to_score() {
        assert_eq!(Window::new(END - DAY + 1, END), Err(DefiError::EmptyWindow));
        assert_eq!(Window::ending_at(10, 1), Err(DefiError::EmptyWindow));
        let w = Window::new(END - 3 * DAY - 5, END).unwrap();
        assert_eq!((w.days(), w.start()), (3, END - 3 * DAY));
        let h = History::from_events(&[], w);
        assert_eq!((h.transactions, h.history_days), (0, 0));
    }
}
