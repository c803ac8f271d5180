//! The Loan handle: funding, disbursement, payments, withdrawals and the schedule views.

use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolEvent};
use aloe_chain::{Chain, LogFilter};

use crate::{
    LoanTerms, Result, Sent,
    bindings::Loan as abi,
    tx::{events, expect_event, send, view},
};

pub use abi::{BorrowerPosition, LenderPosition};

const NAME: &str = "Loan";

/// A loan created by the bureau, with the asset it lends (`Address::ZERO` for ether).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Loan {
    /// Its address.
    pub address: Address,
    /// The asset lent: zero for native ether, else an ERC-20.
    pub asset: Address,
}

/// A loan's running totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoanTotals {
    /// Sum invested by lenders.
    pub invested: U256,
    /// Sum requested by borrowers.
    pub requested: U256,
    /// Sum repaid by borrowers.
    pub repaid: U256,
    /// Sum of every borrower's installments over the whole schedule.
    pub scheduled: U256,
}

impl Loan {
    /// Ether sent with a value-carrying call: the amount for ether loans, nothing for token loans.
    fn value_for(&self, amount: U256) -> U256 {
        if self.asset == Address::ZERO { amount } else { U256::ZERO }
    }

    fn send<C: SolCall>(&self, chain: &mut dyn Chain, from: Address, value: U256, call: C) -> Result<Sent> {
        send(chain, NAME, from, self.address, value, call)
    }

    fn view<C: SolCall>(&self, chain: &mut dyn Chain, call: C) -> Result<C::Return> {
        view(chain, NAME, self.address, call)
    }

    // ---- funding ----

    /// `lender` invests `amount` (a token loan needs the token approved first).
    pub fn invest(&self, chain: &mut dyn Chain, lender: Address, amount: U256) -> Result<Sent> {
        self.send(chain, lender, self.value_for(amount), abi::investCall { amount })
    }

    /// `borrower` requests `amount`.
    pub fn borrow(&self, chain: &mut dyn Chain, borrower: Address, amount: U256) -> Result<Sent> {
        self.send(chain, borrower, U256::ZERO, abi::borrowCall { amount })
    }

    /// `borrower` requests `amount` on a loan that requires a decision proof, proving with `proof` (the verifier's
    /// word order: `aloe_zk::solidity::proof_words`) that the loan's model approves the attributes the notary
    /// committed to for them, by at least the loan's margin.
    pub fn borrow_with_proof(
        &self,
        chain: &mut dyn Chain,
        borrower: Address,
        amount: U256,
        proof: [U256; 8],
    ) -> Result<Sent> {
        self.send(chain, borrower, U256::ZERO, abi::borrowWithProofCall { amount, proof })
    }

    /// `borrower` withdraws their request before the loan funds.
    pub fn cancel_borrow(&self, chain: &mut dyn Chain, borrower: Address) -> Result<Sent> {
        self.send(chain, borrower, U256::ZERO, abi::cancelBorrowCall {})
    }

    /// `borrower` takes their principal once the loan has funded (the paper's get$$$).
    pub fn disburse(&self, chain: &mut dyn Chain, borrower: Address) -> Result<Sent> {
        self.send(chain, borrower, U256::ZERO, abi::disburseCall {})
    }

    // ---- repayment ----

    /// `borrower` pays `amount`.
    pub fn make_payment(&self, chain: &mut dyn Chain, borrower: Address, amount: U256) -> Result<Sent> {
        self.send(chain, borrower, self.value_for(amount), abi::makePaymentCall { amount })
    }

    /// `lender` withdraws `amount` of their share (or refund).
    pub fn withdraw(&self, chain: &mut dyn Chain, lender: Address, amount: U256) -> Result<Sent> {
        self.send(chain, lender, U256::ZERO, abi::withdrawCall { amount })
    }

    /// The creator takes the fees accrued.
    pub fn withdraw_fees(&self, chain: &mut dyn Chain, creator: Address) -> Result<Sent> {
        self.send(chain, creator, U256::ZERO, abi::withdrawFeesCall {})
    }

    /// Sends the creator the lenders' rounding dust once the pool is settled; `from` pays the gas. `lenders`
    /// must hold every lender of the loan, in any order (they are sorted and deduplicated here, as the
    /// contract wants them ascending). Returns the dust swept.
    pub fn sweep_dust(&self, chain: &mut dyn Chain, from: Address, lenders: &[Address]) -> Result<Sent<U256>> {
        let mut lenders = lenders.to_vec();
        lenders.sort_unstable();
        lenders.dedup();
        let sent = self.send(chain, from, U256::ZERO, abi::sweepDustCall { lenders })?;
        let swept = expect_event::<abi::sweepDustCall, abi::DustSwept>(&sent.receipt, NAME, self.address)?;
        Ok(Sent { value: swept.amount, receipt: sent.receipt })
    }

    /// Marks `borrower` in default (only the bureau may; exposed to test that).
    pub fn confirm_default(&self, chain: &mut dyn Chain, from: Address, borrower: Address) -> Result<Sent> {
        self.send(chain, from, U256::ZERO, abi::confirmDefaultCall { borrower })
    }

    // ---- views ----

    /// The creator and the terms.
    pub fn terms(&self, chain: &mut dyn Chain) -> Result<(Address, LoanTerms)> {
        let r = self.view(chain, abi::termsCall {})?;
        let t = r._1;
        let terms = LoanTerms {
            asset: t.asset,
            totalAmount: t.totalAmount,
            intRatePerMil: t.intRatePerMil,
            numPayments: t.numPayments,
            secondsBetweenPayments: t.secondsBetweenPayments,
            minCreditScore: t.minCreditScore,
            fundDate: t.fundDate,
            gracePeriod: t.gracePeriod,
            creatorFeePerMil: t.creatorFeePerMil,
            decisionModel: t.decisionModel,
            minDecisionMargin: t.minDecisionMargin,
        };
        Ok((r.creator, terms))
    }

    /// Whether the loan has funded.
    pub fn is_ready(&self, chain: &mut dyn Chain) -> Result<bool> {
        self.view(chain, abi::isReadyCall {})
    }

    /// Whether the loan failed to fund by its fund date.
    pub fn is_failed(&self, chain: &mut dyn Chain) -> Result<bool> {
        self.view(chain, abi::isFailedCall {})
    }

    /// When the loan funded (0 before).
    pub fn funded_at(&self, chain: &mut dyn Chain) -> Result<u64> {
        Ok(self.view(chain, abi::fundedAtCall {})?.saturating_to())
    }

    /// Running totals.
    pub fn totals(&self, chain: &mut dyn Chain) -> Result<LoanTotals> {
        let t = self.view(chain, abi::totalsCall {})?;
        Ok(LoanTotals { invested: t.invested, requested: t.requested, repaid: t.repaid, scheduled: t.scheduledTotal })
    }

    /// `borrower`'s position.
    pub fn borrower_position(&self, chain: &mut dyn Chain, borrower: Address) -> Result<BorrowerPosition> {
        self.view(chain, abi::borrowerPositionCall { borrower })
    }

    /// Every account that invested, in order of first investment (from the loan's `Invested` events).
    pub fn lenders(&self, chain: &mut dyn Chain) -> Result<Vec<Address>> {
        let filter = LogFilter::event(self.address, abi::Invested::SIGNATURE_HASH);
        let mut lenders: Vec<Address> = Vec::new();
        for (_, invested) in events::<abi::Invested>(chain, NAME, &filter)? {
            if !lenders.contains(&invested.lender) {
                lenders.push(invested.lender);
            }
        }
        Ok(lenders)
    }

    /// `lender`'s position.
    pub fn lender_position(&self, chain: &mut dyn Chain, lender: Address) -> Result<LenderPosition> {
        self.view(chain, abi::lenderPositionCall { lender })
    }

    /// `borrower`'s installment.
    pub fn installment_of(&self, chain: &mut dyn Chain, borrower: Address) -> Result<U256> {
        self.view(chain, abi::installmentOfCall { borrower })
    }

    /// What `borrower` should have paid by `t`.
    pub fn amount_due(&self, chain: &mut dyn Chain, borrower: Address, t: u64) -> Result<U256> {
        self.view(chain, abi::amountDueCall { borrower, t: U256::from(t) })
    }

    /// How far `borrower` is behind at `t`.
    pub fn arrears(&self, chain: &mut dyn Chain, borrower: Address, t: u64) -> Result<U256> {
        self.view(chain, abi::arrearsCall { borrower, t: U256::from(t) })
    }

    /// What `borrower` still owes in all.
    pub fn owed(&self, chain: &mut dyn Chain, borrower: Address) -> Result<U256> {
        self.view(chain, abi::owedCall { borrower })
    }

    /// Whether `borrower` is in default at `t`.
    pub fn is_in_default(&self, chain: &mut dyn Chain, borrower: Address, t: u64) -> Result<bool> {
        self.view(chain, abi::isInDefaultCall { borrower, t: U256::from(t) })
    }

    /// What `lender` may withdraw now.
    pub fn withdrawable(&self, chain: &mut dyn Chain, lender: Address) -> Result<U256> {
        self.view(chain, abi::withdrawableCall { lender })
    }

    /// The creator's fees not yet withdrawn.
    pub fn fees_withdrawable(&self, chain: &mut dyn Chain) -> Result<U256> {
        self.view(chain, abi::feesWithdrawableCall {})
    }

    /// Borrowers who have neither repaid in full nor been confirmed in default (0: the pool is settled).
    pub fn open_borrowers(&self, chain: &mut dyn Chain) -> Result<U256> {
        self.view(chain, abi::openBorrowersCall {})
    }

    /// Rounding dust swept to the creator so far.
    pub fn dust_swept(&self, chain: &mut dyn Chain) -> Result<U256> {
        self.view(chain, abi::dustSweptCall {})
    }
}
