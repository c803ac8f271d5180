//! The CreditBureau handle: registration, loan creation and discovery, scores, default reports.

use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolEvent};
use aloe_chain::{Chain, LogFilter};

use crate::{
    Loan, Result, Sent,
    bindings::CreditBureau as abi,
    tx::{events, expect_event, send, view},
};

pub use abi::{DefaultConfirmed, IdentityRecord, LoanTerms, ScoreLedger};

const NAME: &str = "CreditBureau";

/// A deployed CreditBureau.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CreditBureau {
    /// Its address.
    pub address: Address,
}

impl CreditBureau {
    fn send<C: SolCall>(&self, chain: &mut dyn Chain, from: Address, call: C) -> Result<Sent> {
        send(chain, NAME, from, self.address, U256::ZERO, call)
    }

    fn view<C: SolCall>(&self, chain: &mut dyn Chain, call: C) -> Result<C::Return> {
        view(chain, NAME, self.address, call)
    }

    // ---- notaries ----

    /// Lets `notary` register borrowers (owner only).
    pub fn add_notary(&self, chain: &mut dyn Chain, owner: Address, notary: Address) -> Result<Sent> {
        self.send(chain, owner, abi::addNotaryCall { notary })
    }

    /// Revokes `notary` (owner only).
    pub fn remove_notary(&self, chain: &mut dyn Chain, owner: Address, notary: Address) -> Result<Sent> {
        self.send(chain, owner, abi::removeNotaryCall { notary })
    }

    /// Whether `account` is a notary.
    pub fn is_notary(&self, chain: &mut dyn Chain, account: Address) -> Result<bool> {
        self.view(chain, abi::isNotaryCall { account })
    }

    /// The bureau's owner.
    pub fn owner(&self, chain: &mut dyn Chain) -> Result<Address> {
        self.view(chain, abi::ownerCall {})
    }

    // ---- registration ----

    /// Fails with `AddressAlreadyUsed` unless `borrower` was never registered.
    pub fn verify_unused_address(&self, chain: &mut dyn Chain, borrower: Address) -> Result<()> {
        self.view(chain, abi::verifyUnusedAddressCall { borrower }).map(|_| ())
    }

    /// Registers `borrower` with `fico_score`, verified at `timestamp`, escrowing `identity` (notary only).
    pub fn init_score_ledger(
        &self,
        chain: &mut dyn Chain,
        notary: Address,
        borrower: Address,
        fico_score: u64,
        timestamp: u64,
        identity: IdentityRecord,
    ) -> Result<Sent> {
        let call = abi::initScoreLedgerCall {
            borrower,
            ficoScore: U256::from(fico_score),
            timestamp: U256::from(timestamp),
            identity,
        };
        self.send(chain, notary, call)
    }

    /// Points the bureau at its identity escrow (owner only, once).
    pub fn set_identity_escrow(&self, chain: &mut dyn Chain, owner: Address, escrow: Address) -> Result<Sent> {
        self.send(chain, owner, abi::setIdentityEscrowCall { escrow })
    }

    /// The defaults the bureau confirmed from block `from_block` on: (block, event), oldest first.
    pub fn defaults_since(&self, chain: &mut dyn Chain, from_block: u64) -> Result<Vec<(u64, DefaultConfirmed)>> {
        let filter = LogFilter::event(self.address, DefaultConfirmed::SIGNATURE_HASH).from_block(from_block);
        events::<DefaultConfirmed>(chain, NAME, &filter)
    }

    /// `borrower`'s ledger.
    pub fn ledger_of(&self, chain: &mut dyn Chain, borrower: Address) -> Result<ScoreLedger> {
        self.view(chain, abi::ledgerOfCall { borrower })
    }

    // ---- loans ----

    /// Creates a loan with `terms`, `creator` as its creator; returns its handle.
    pub fn create_loan(&self, chain: &mut dyn Chain, creator: Address, terms: LoanTerms) -> Result<Sent<Loan>> {
        let asset = terms.asset;
        let sent = self.send(chain, creator, abi::createLoanCall { terms })?;
        let created = expect_event::<abi::createLoanCall, abi::LoanCreated>(&sent.receipt, NAME, self.address)?;
        Ok(Sent { value: Loan { address: created.loan, asset }, receipt: sent.receipt })
    }

    /// One page of open loans able to lend `amount_needed`, and where the next page starts.
    pub fn find_loan(
        &self,
        chain: &mut dyn Chain,
        amount_needed: U256,
        offset: u64,
        limit: u64,
    ) -> Result<(Vec<Address>, u64)> {
        let call =
            abi::findLoanCall { amountNeeded: amount_needed, offset: U256::from(offset), limit: U256::from(limit) };
        let page = self.view(chain, call)?;
        Ok((page.loans, page.next.saturating_to()))
    }

    /// Every open loan able to lend `amount_needed`, paging `page_size` loans per call.
    pub fn find_all_loans(&self, chain: &mut dyn Chain, amount_needed: U256, page_size: u64) -> Result<Vec<Address>> {
        let count = self.loan_count(chain)?;
        let (mut found, mut offset) = (Vec::new(), 0);
        while offset < count {
            let (page, next) = self.find_loan(chain, amount_needed, offset, page_size)?;
            found.extend(page);
            offset = next;
        }
        Ok(found)
    }

    /// Whether `account` is a loan this bureau created.
    pub fn is_loan(&self, chain: &mut dyn Chain, account: Address) -> Result<bool> {
        self.view(chain, abi::isLoanCall { account })
    }

    /// Number of loans created.
    pub fn loan_count(&self, chain: &mut dyn Chain) -> Result<u64> {
        Ok(self.view(chain, abi::loanCountCall {})?.saturating_to())
    }

    /// The `index`-th loan.
    pub fn loan_at(&self, chain: &mut dyn Chain, index: u64) -> Result<Address> {
        self.view(chain, abi::loanAtCall { index: U256::from(index) })
    }

    // ---- ledger updates (only loans may call these; exposed to test that) ----

    /// Scores and records a request; succeeds only when `from` is a loan of this bureau.
    pub fn update_score_borrow(
        &self,
        chain: &mut dyn Chain,
        from: Address,
        call: abi::updateScoreBorrowCall,
    ) -> Result<Sent> {
        self.send(chain, from, call)
    }

    /// Records a repayment; succeeds only when `from` is a loan of this bureau.
    pub fn update_score_repayment(
        &self,
        chain: &mut dyn Chain,
        from: Address,
        call: abi::updateScoreRepaymentCall,
    ) -> Result<Sent> {
        self.send(chain, from, call)
    }

    // ---- scores and defaults ----

    /// `client`'s score in thousandths for a request with these terms.
    pub fn get_score(
        &self,
        chain: &mut dyn Chain,
        client: Address,
        amount: U256,
        int_rate_per_mil: u64,
        num_payments: u64,
        seconds_between_payments: u64,
    ) -> Result<u64> {
        let call = score_call(client, amount, int_rate_per_mil, num_payments, seconds_between_payments);
        Ok(self.view(chain, call)?.saturating_to())
    }

    /// The gas of that score as a transaction.
    pub fn get_score_gas(
        &self,
        chain: &mut dyn Chain,
        client: Address,
        amount: U256,
        int_rate_per_mil: u64,
        num_payments: u64,
        seconds_between_payments: u64,
    ) -> Result<u64> {
        let call = score_call(client, amount, int_rate_per_mil, num_payments, seconds_between_payments);
        crate::tx::view_gas(chain, NAME, self.address, call)
    }

    /// `borrower`'s ratios (UPR, CDBR, CPBR, RAR, ANCL; 65535 = 1) now, as if a loan adding these to the
    /// debt, the payment per day and the principal received were approved.
    pub fn ratios_of(
        &self,
        chain: &mut dyn Chain,
        borrower: Address,
        extra_debt: U256,
        extra_daily_rate: U256,
        extra_lent: U256,
    ) -> Result<[u16; 5]> {
        let call = abi::ratiosOfCall {
            borrower,
            extraDebt: extra_debt,
            extraDailyRate: extra_daily_rate,
            extraLent: extra_lent,
        };
        Ok(self.view(chain, call)?.map(|r| r.saturating_to()))
    }

    /// `borrower`'s OSC-w labels now (255 = 1) and how many windows are observable.
    pub fn labels_of(&self, chain: &mut dyn Chain, borrower: Address) -> Result<([u8; 15], usize)> {
        let answer = self.view(chain, abi::labelsOfCall { borrower })?;
        Ok((answer.osc.map(|o| o.saturating_to()), answer.observed.saturating_to()))
    }

    /// Adds `borrower`'s owed point to the k-NN model (anyone may); returns the packed point.
    pub fn record_point(&self, chain: &mut dyn Chain, from: Address, borrower: Address) -> Result<Sent> {
        self.send(chain, from, abi::recordPointCall { borrower })
    }

    /// Sets `asset`'s cold-start limits (owner only).
    pub fn set_cold_start_limits(
        &self,
        chain: &mut dyn Chain,
        owner: Address,
        asset: Address,
        max_amount: U256,
        max_daily_payment: U256,
    ) -> Result<Sent> {
        let call = abi::setColdStartLimitsCall { asset, maxAmount: max_amount, maxDailyPayment: max_daily_payment };
        self.send(chain, owner, call)
    }

    /// Runs the model's periodic update every `interval` createLoan calls, sealing at `seal_threshold`
    /// buffered points (owner only).
    pub fn set_model_update(
        &self,
        chain: &mut dyn Chain,
        owner: Address,
        interval: u16,
        seal_threshold: u16,
    ) -> Result<Sent> {
        let call =
            abi::setModelUpdateCall { interval: U256::from(interval), sealThreshold: U256::from(seal_threshold) };
        self.send(chain, owner, call)
    }

    /// The per-period installment on `principal`, as the contracts compute it.
    pub fn quote_installment(
        &self,
        chain: &mut dyn Chain,
        principal: U256,
        int_rate_per_mil: u64,
        num_payments: u64,
    ) -> Result<U256> {
        let call = abi::quoteInstallmentCall {
            principal,
            intRatePerMil: U256::from(int_rate_per_mil),
            numPayments: U256::from(num_payments),
        };
        self.view(chain, call)
    }

    /// Reports `borrower` in default on `loan`; returns the arrears the bureau confirmed.
    pub fn report_default(
        &self,
        chain: &mut dyn Chain,
        reporter: Address,
        loan: Address,
        borrower: Address,
    ) -> Result<Sent<U256>> {
        let sent = self.send(chain, reporter, abi::reportDefaultCall { loan, borrower })?;
        let confirmed =
            expect_event::<abi::reportDefaultCall, abi::DefaultConfirmed>(&sent.receipt, NAME, self.address)?;
        Ok(Sent { value: confirmed.arrears, receipt: sent.receipt })
    }
}

/// The getScore call for a request with these terms.
fn score_call(client: Address, amount: U256, rate_per_mil: u64, num_payments: u64, period: u64) -> abi::getScoreCall {
    abi::getScoreCall {
        client,
        amtRequested: amount,
        intRatePerMil: U256::from(rate_per_mil),
        numPayments: U256::from(num_payments),
        secondsBetweenPayments: U256::from(period),
    }
}
