//! Integration tests of the contracts driven from Rust, on the embedded chain and (ignored unless
//! `ALOE_ANVIL_URL` is set, as `scripts/test` does) on anvil.

mod aave;
mod anvil;
mod bad_input;
mod decision;
mod escrow;
mod gas;
mod knn;
mod knn_upload;
mod ledger;
mod lifecycle;
mod schedule;

use alloy_primitives::{Address, U256};
use aloe_chain::{Chain, EmbeddedChain};
use aloe_contracts::{Loan, LoanTerms, Protocol, lifecycle::whole, stand_in_auditors, stand_in_identity};

/// A protocol on a fresh embedded chain with a notary and three registered borrowers (FICO 700).
struct Fixture {
    chain: EmbeddedChain,
    protocol: Protocol,
    owner: Address,
    notary: Address,
    creator: Address,
    borrowers: [Address; 3],
    lenders: [Address; 3],
}

impl Fixture {
    fn new() -> Self {
        let mut chain = EmbeddedChain::new();
        let a = |i| aloe_chain::dev_signer(i).address();
        let (owner, notary, creator) = (a(0), a(1), a(2));
        let (borrowers, lenders) = ([a(4), a(5), a(6)], [a(7), a(8), a(9)]);
        for who in [owner, notary, creator].iter().chain(&borrowers).chain(&lenders) {
            chain.set_balance(*who, whole(1_000)).unwrap();
        }
        let protocol = Protocol::deploy(&mut chain, owner).unwrap();
        protocol.bureau.add_notary(&mut chain, owner, notary).unwrap();
        let now = chain.timestamp().unwrap();
        let epoch = protocol.identity_escrow.set_auditors(&mut chain, owner, stand_in_auditors(), 2).unwrap().value;
        for b in borrowers {
            protocol.bureau.init_score_ledger(&mut chain, notary, b, 700, now, stand_in_identity(b, epoch)).unwrap();
        }
        Self { chain, protocol, owner, notary, creator, borrowers, lenders }
    }

    /// A 30-ether loan, 12 monthly payments at 1%, min score 600, open for a week.
    fn ether_terms(&mut self) -> LoanTerms {
        let now = self.chain.timestamp().unwrap();
        LoanTerms {
            asset: Address::ZERO,
            totalAmount: whole(30).to(),
            intRatePerMil: 10,
            numPayments: 12,
            secondsBetweenPayments: 30 * 86_400,
            minCreditScore: 600,
            fundDate: alloy_primitives::Uint::from(now + 7 * 86_400),
            gracePeriod: 15 * 86_400,
            creatorFeePerMil: 100,
            decisionModel: 0,
            minDecisionMargin: 0,
        }
    }

    fn ether_loan(&mut self) -> Loan {
        let terms = self.ether_terms();
        self.protocol.bureau.create_loan(&mut self.chain, self.creator, terms).unwrap().value
    }

    /// Ether balances of every participant and the loan.
    fn balances(&mut self, loan: &Loan) -> Vec<U256> {
        let mut all: Vec<Address> = vec![self.owner, self.notary, self.creator, loan.address];
        all.extend(self.borrowers);
        all.extend(self.lenders);
        all.into_iter().map(|a| self.chain.balance(a).unwrap()).collect()
    }
}
