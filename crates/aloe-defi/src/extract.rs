//! An address's DeFi features read through the [`Chain`] interface: `getUserAccountData` of an Aave V3
//! pool at the latest block, and the address's events over its whole history, from the pool (`Supply`,
//! `Withdraw`, `Borrow`, `Repay`, `LiquidationCall`) and from Aloe's bureau (its loans' requests,
//! disbursements and repayments), folded by [`History::from_events`].
//!
//! Amounts become base currency (8 decimals) at the oracle's current price, as `getUserAccountData`
//! values them: historical prices would need an archive node, and the repayment rate compares amounts
//! of the same asset, so a price move changes it only across assets.

use std::collections::HashMap;

use alloy_primitives::{Address, B256, U256};
use alloy_sol_types::SolEvent;
use aloe_chain::{Chain, ChainLog, LogFilter};
use aloe_contracts::Loan;
use aloe_contracts::aave::{self, IAavePool};
use aloe_contracts::bindings::CreditBureau as bureau;
use aloe_score::defi::{DefiError, DefiFeatures, History, LendingAction, LendingEvent, LoanKind, Window};

use crate::Error;

/// Where an address's lending data lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sources {
    /// The Aave V3 (or compatible) pool.
    pub pool: Address,
    /// Its price oracle (`getAssetPrice`, 8 decimals).
    pub oracle: Address,
    /// Aloe's credit bureau, if Aloe's loans count too.
    pub bureau: Option<Address>,
    /// The asset whose price values Aloe's ether loans (Aave prices WETH, not ether).
    pub ether_priced_as: Address,
    /// The first block searched for events.
    pub from_block: u64,
}

/// Reads features of many addresses over one window, caching prices, decimals and loans' assets.
pub struct Extractor<'c> {
    chain: &'c mut dyn Chain,
    sources: Sources,
    window: Window,
    asset_units: HashMap<Address, (U256, U256)>,
    loan_assets: HashMap<Address, Address>,
}

impl std::fmt::Debug for Extractor<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Extractor").field("sources", &self.sources).field("window", &self.window).finish()
    }
}

fn topic(address: Address) -> B256 {
    address.into_word()
}

impl<'c> Extractor<'c> {
    /// An extractor over `window` (its end should be the chain's present: account data is the latest block's).
    pub fn new(chain: &'c mut dyn Chain, sources: Sources, window: Window) -> Self {
        Self { chain, sources, window, asset_units: HashMap::new(), loan_assets: HashMap::new() }
    }

    /// The window.
    pub fn window(&self) -> Window {
        self.window
    }

    /// `address`'s validated features; an address without transactions in the window is
    /// [`DefiError::NoHistory`].
    pub fn features(&mut self, address: Address) -> Result<DefiFeatures, Error> {
        let events = self.events(address)?;
        let history = History::from_events(&events, self.window);
        let account = aave::user_account_data(self.chain, self.sources.pool, address)?;
        DefiFeatures::new(account, history).map_err(|source| match source {
            DefiError::NoHistory => Error::NoHistory { address, days: self.window.days() },
            source => Error::Invalid { address, source },
        })
    }

    /// Every lending event of `address` up to the window's end, oldest first.
    pub fn events(&mut self, address: Address) -> Result<Vec<LendingEvent>, Error> {
        let mut events = self.pool_events(address)?;
        if let Some(bureau) = self.sources.bureau {
            events.extend(self.aloe_events(bureau, address)?);
        }
        events.retain(|e| e.timestamp < self.window.end());
        events.sort_by_key(|e| e.timestamp);
        Ok(events)
    }

    fn logs(
        &mut self,
        emitter: Address,
        signature: B256,
        user_topic: usize,
        address: Address,
    ) -> Result<Vec<ChainLog>, Error> {
        let filter = LogFilter::event(emitter, signature)
            .with_topic(user_topic, topic(address))
            .from_block(self.sources.from_block);
        self.chain.logs(&filter).map_err(|source| Error::Chain { what: "reading logs", source })
    }

    fn pool_events(&mut self, user: Address) -> Result<Vec<LendingEvent>, Error> {
        let pool = self.sources.pool;
        let mut out = Vec::new();
        // Each event's index of the topic naming whose position moved (Aave indexes it in every event).
        for entry in self.logs(pool, IAavePool::Supply::SIGNATURE_HASH, 2, user)? {
            let e = decode::<IAavePool::Supply>(&entry)?;
            out.push(self.event(&entry, e.reserve, LendingAction::Supply, e.amount, e.user == user)?);
        }
        for entry in self.logs(pool, IAavePool::Withdraw::SIGNATURE_HASH, 2, user)? {
            let e = decode::<IAavePool::Withdraw>(&entry)?;
            out.push(self.event(&entry, e.reserve, LendingAction::Withdraw, e.amount, true)?);
        }
        for entry in self.logs(pool, IAavePool::Borrow::SIGNATURE_HASH, 2, user)? {
            let e = decode::<IAavePool::Borrow>(&entry)?;
            let kind = match e.interestRateMode {
                1 => LoanKind::AaveStable,
                2 => LoanKind::AaveVariable,
                mode => return Err(Error::UnknownRateMode { mode }),
            };
            out.push(self.event(&entry, e.reserve, LendingAction::Borrow(kind), e.amount, e.user == user)?);
        }
        for entry in self.logs(pool, IAavePool::Repay::SIGNATURE_HASH, 2, user)? {
            let e = decode::<IAavePool::Repay>(&entry)?;
            out.push(self.event(&entry, e.reserve, LendingAction::Repay, e.amount, e.repayer == user)?);
        }
        for entry in self.logs(pool, IAavePool::LiquidationCall::SIGNATURE_HASH, 3, user)? {
            let e = decode::<IAavePool::LiquidationCall>(&entry)?;
            out.push(self.event(&entry, e.debtAsset, LendingAction::Liquidated, e.debtToCover, false)?);
        }
        Ok(out)
    }

    fn aloe_events(&mut self, bureau_address: Address, borrower: Address) -> Result<Vec<LendingEvent>, Error> {
        let mut out = Vec::new();
        // The bureau emits these only for its own loans (msg.sender checked), so `loan` is a real one.
        for entry in self.logs(bureau_address, bureau::ScoreBorrowUpdated::SIGNATURE_HASH, 1, borrower)? {
            let e = decode::<bureau::ScoreBorrowUpdated>(&entry)?;
            let asset = self.loan_asset(e.loan)?;
            out.push(self.event(&entry, asset, LendingAction::Request, U256::ZERO, true)?);
        }
        for entry in self.logs(bureau_address, bureau::ScoreBorrowCancelled::SIGNATURE_HASH, 1, borrower)? {
            let e = decode::<bureau::ScoreBorrowCancelled>(&entry)?;
            let asset = self.loan_asset(e.loan)?;
            out.push(self.event(&entry, asset, LendingAction::Request, U256::ZERO, true)?);
        }
        for entry in self.logs(bureau_address, bureau::ScoreDisbursementUpdated::SIGNATURE_HASH, 1, borrower)? {
            let e = decode::<bureau::ScoreDisbursementUpdated>(&entry)?;
            let asset = self.loan_asset(e.loan)?;
            out.push(self.event(&entry, asset, LendingAction::Borrow(LoanKind::Aloe), e.principal, true)?);
        }
        for entry in self.logs(bureau_address, bureau::ScoreRepaymentUpdated::SIGNATURE_HASH, 1, borrower)? {
            let e = decode::<bureau::ScoreRepaymentUpdated>(&entry)?;
            let asset = self.loan_asset(e.loan)?;
            out.push(self.event(&entry, asset, LendingAction::Repay, e.amount, true)?);
        }
        Ok(out)
    }

    fn loan_asset(&mut self, loan: Address) -> Result<Address, Error> {
        if let Some(asset) = self.loan_assets.get(&loan) {
            return Ok(*asset);
        }
        let (_, terms) = Loan { address: loan, asset: Address::ZERO }.terms(self.chain)?;
        self.loan_assets.insert(loan, terms.asset);
        Ok(terms.asset)
    }

    fn event(
        &mut self,
        entry: &ChainLog,
        asset: Address,
        action: LendingAction,
        amount: U256,
        sent: bool,
    ) -> Result<LendingEvent, Error> {
        let amount_base = if amount.is_zero() { 0 } else { self.value_in_base(asset, amount)? };
        Ok(LendingEvent { timestamp: entry.block_timestamp, asset, action, amount_base, sent_by_address: sent })
    }

    /// `amount` of `asset` in base units, `amount · price / 10^decimals` as Aave values it.
    fn value_in_base(&mut self, asset: Address, amount: U256) -> Result<u128, Error> {
        let (price, unit) = match self.asset_units.get(&asset) {
            Some(units) => *units,
            None => {
                let (priced, decimals) = if asset == Address::ZERO {
                    (self.sources.ether_priced_as, 18)
                } else {
                    (asset, aave::asset_decimals(self.chain, asset)?)
                };
                let price = aave::asset_price(self.chain, self.sources.oracle, priced)?;
                if price.is_zero() {
                    return Err(Error::NoPrice { asset: priced });
                }
                let units = (price, U256::from(10).pow(U256::from(decimals)));
                self.asset_units.insert(asset, units);
                units
            }
        };
        let value = amount.checked_mul(price).ok_or(Error::Overflow { asset, amount })? / unit;
        u128::try_from(value).map_err(|_| Error::Overflow { asset, amount })
    }
}

fn decode<E: SolEvent>(entry: &ChainLog) -> Result<E, Error> {
    E::decode_log(&entry.log).map(|d| d.data).map_err(|source| Error::Decode { event: E::SIGNATURE, source })
}
