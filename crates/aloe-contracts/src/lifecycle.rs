//! The full lending lifecycle as one scripted scenario, on any [`Chain`].
//!
//! `aloe demo` prints it, the tests run it on the embedded chain and on anvil and compare, and the
//! gas table in BENCHMARKS.md comes from its [`GasLog`]. Cast: an owner, a notary, a loan creator, a
//! keeper, three borrowers (FICO 720, 690, 610) and three lenders. Two loans: 30 ether over 12
//! monthly payments at 1%/month, and 30,000 aUSD (an ERC-20) over 6 payments at 1.5%/month. One
//! borrower pays on time, one pays ten days late every month (inside the grace period), one stops
//! after two installments, is reported in default and the report is confirmed.

use std::collections::BTreeMap;

use alloy_primitives::{Address, U256};
use aloe_chain::{Chain, dev_signer};

use crate::{Error, Loan, LoanTerms, Protocol, Result, Sent, Token, stand_in_auditors, stand_in_identity};

const DAY: u64 = 86_400;
const PERIOD: u64 = 30 * DAY;
const GRACE: u64 = 15 * DAY;

/// One ether (or one whole 18-decimal token) in base units.
pub fn whole(units: u64) -> U256 {
    U256::from(units) * U256::from(10u64).pow(U256::from(18))
}

/// The scenario's participants, by role.
#[derive(Debug, Clone)]
pub struct Cast {
    /// Deploys the protocol and manages notaries.
    pub owner: Address,
    /// Registers borrowers.
    pub notary: Address,
    /// Creates the loans and earns the fee.
    pub creator: Address,
    /// Watches for defaults and reports them.
    pub keeper: Address,
    /// On time, late, defaulter.
    pub borrowers: [Address; 3],
    /// Three lenders.
    pub lenders: [Address; 3],
}

impl Cast {
    /// The development accounts 0..10 in these roles.
    pub fn dev() -> Self {
        let a = |i| dev_signer(i).address();
        Self {
            owner: a(0),
            notary: a(1),
            creator: a(2),
            keeper: a(3),
            borrowers: [a(4), a(5), a(6)],
            lenders: [a(7), a(8), a(9)],
        }
    }

    /// Every participant with a readable label.
    pub fn labelled(&self) -> Vec<(&'static str, Address)> {
        let mut all =
            vec![("owner", self.owner), ("notary", self.notary), ("creator", self.creator), ("keeper", self.keeper)];
        all.extend(["borrower on time", "borrower late", "borrower defaults"].into_iter().zip(self.borrowers));
        all.extend(["lender A", "lender B", "lender C"].into_iter().zip(self.lenders));
        all
    }
}

/// Gas used by each call, grouped by function and asset path ("invest (ether)").
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GasLog(pub BTreeMap<String, Vec<u64>>);

impl GasLog {
    fn record<T>(&mut self, function: &str, sent: &Sent<T>) {
        self.0.entry(function.to_owned()).or_default().push(sent.receipt.gas_used);
    }

    /// The largest gas any call of `function` used.
    pub fn max(&self, function: &str) -> Option<u64> {
        self.0.get(function).and_then(|g| g.iter().copied().max())
    }

    /// The median gas of `function`'s calls (lower median for an even count).
    pub fn median(&self, function: &str) -> Option<u64> {
        let mut g = self.0.get(function)?.clone();
        g.sort_unstable();
        g.get((g.len() - 1) / 2).copied()
    }
}

/// Balances of one participant before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalanceRow {
    /// Role.
    pub label: &'static str,
    /// Address.
    pub account: Address,
    /// Ether before the scenario.
    pub ether_before: U256,
    /// Ether after.
    pub ether_after: U256,
    /// Tokens before.
    pub token_before: U256,
    /// Tokens after.
    pub token_after: U256,
}

/// What the scenario did.
#[derive(Debug, Clone)]
pub struct Report {
    /// The deployed protocol.
    pub protocol: Protocol,
    /// The ether loan and the token loan.
    pub loans: [Loan; 2],
    /// The token.
    pub token: Token,
    /// Gas per function.
    pub gas: GasLog,
    /// Balances per participant.
    pub balances: Vec<BalanceRow>,
    /// Arrears the default report confirmed.
    pub confirmed_arrears: U256,
    /// What the false report reverted with.
    pub false_report_error: String,
    /// What the under-scored borrower's request reverted with.
    pub refused_borrow_error: String,
    /// Ether and tokens left in each loan contract at the end: none, once the dust is swept.
    pub left_in_loans: [U256; 2],
    /// The lenders' rounding dust swept to the creator, per loan (ether, token).
    pub dust_swept: [U256; 2],
}

/// Runs the scenario; `say` receives one readable line per step.
pub fn run(chain: &mut dyn Chain, say: &mut dyn FnMut(String)) -> Result<Report> {
    let cast = Cast::dev();
    let mut gas = GasLog::default();
    let set_balance = |chain: &mut dyn Chain, who| {
        chain.set_balance(who, whole(1_000)).map_err(|source| Error::Chain {
            contract: "chain",
            function: "setBalance",
            source,
        })
    };
    for (_, who) in cast.labelled() {
        set_balance(chain, who)?;
    }

    // ---- deploy and register ----
    let protocol = Protocol::deploy(chain, cast.owner)?;
    let bureau = protocol.bureau;
    say(format!(
        "deployed CreditBureau at {} (Loan implementation {}), {} gas",
        bureau.address, protocol.loan_implementation, protocol.deploy_gas
    ));
    bureau.add_notary(chain, cast.owner, cast.notary)?;
    // The identity cryptography (notary, auditors, reveal) is aloe-identity's; here stand-in records.
    let epoch = protocol.identity_escrow.set_auditors(chain, cast.owner, stand_in_auditors(), 2)?.value;
    let token = Token::deploy_test_token(chain, cast.owner, "Aloe Test Dollar", "aUSD")?.value;
    say(format!("deployed test token aUSD at {}", token.address));
    // Midnight of the current day: the same calldata on every chain that starts at the embedded
    // chain's genesis date (anvil --timestamp), so gas compares exactly across backends.
    let start = now(chain)? / DAY * DAY;
    for (borrower, fico) in cast.borrowers.iter().zip([720, 690, 610]) {
        gas.record(
            "initScoreLedger",
            &bureau.init_score_ledger(
                chain,
                cast.notary,
                *borrower,
                fico,
                start,
                stand_in_identity(*borrower, epoch),
            )?,
        );
        say(format!("notary registered borrower {borrower} with FICO {fico}"));
    }
    for who in cast.borrowers.iter().chain(&cast.lenders) {
        token.mint(chain, cast.owner, *who, whole(100_000))?;
    }
    let balances_before = balances(chain, &cast, &token)?;

    // ---- create loans ----
    let ether_terms = terms(Address::ZERO, whole(30), 10, 12, 600, start + 7 * DAY);
    let token_terms = terms(token.address, whole(30_000), 15, 6, 650, start + 7 * DAY);
    let created = bureau.create_loan(chain, cast.creator, ether_terms)?;
    gas.record("createLoan (ether)", &created);
    let ether_loan = created.value;
    let created = bureau.create_loan(chain, cast.creator, token_terms)?;
    gas.record("createLoan (ERC-20)", &created);
    let token_loan = created.value;
    say(format!("creator opened loan {} : 30 ETH, 12 x 30 days at 10/mil, min score 600", ether_loan.address));
    say(format!("creator opened loan {} : 30,000 aUSD, 6 x 30 days at 15/mil, min score 650", token_loan.address));
    let open = bureau.find_all_loans(chain, whole(10), 10)?;
    say(format!("findLoan(10 units) lists {} open loans", open.len()));

    // ---- borrow ----
    for borrower in cast.borrowers {
        gas.record("borrow (ether)", &ether_loan.borrow(chain, borrower, whole(10))?);
    }
    say("each borrower requested 10 ETH".into());
    let refused =
        token_loan.borrow(chain, cast.borrowers[2], whole(15_000)).expect_err("score 610 is below the minimum 650");
    let refused_borrow_error = refused.revert().map(ToString::to_string).unwrap_or_else(|| refused.to_string());
    for borrower in &cast.borrowers[..2] {
        gas.record("borrow (ERC-20)", &token_loan.borrow(chain, *borrower, whole(15_000))?);
    }
    say(format!("two borrowers requested 15,000 aUSD; the third was refused: {refused_borrow_error}"));

    // ---- invest ----
    for (lender, amount) in cast.lenders.iter().zip([15, 10, 5]) {
        gas.record("invest (ether)", &ether_loan.invest(chain, *lender, whole(amount))?);
        token.approve(chain, *lender, token_loan.address, whole(10_000))?;
        gas.record("invest (ERC-20)", &token_loan.invest(chain, *lender, whole(10_000))?);
    }
    say(format!(
        "lenders invested 15/10/5 ETH and 10,000 aUSD each: ether loan ready = {}, token loan ready = {}",
        ether_loan.is_ready(chain)?,
        token_loan.is_ready(chain)?
    ));
    let funded = ether_loan.funded_at(chain)?;

    // ---- disburse ----
    for borrower in cast.borrowers {
        gas.record("disburse (ether)", &ether_loan.disburse(chain, borrower)?);
    }
    for borrower in &cast.borrowers[..2] {
        gas.record("disburse (ERC-20)", &token_loan.disburse(chain, *borrower)?);
    }
    let installment = ether_loan.installment_of(chain, cast.borrowers[0])?;
    let token_installment = token_loan.installment_of(chain, cast.borrowers[0])?;
    say(format!(
        "borrowers received their funds; installments: {} wei/month (ether), {} units/month (aUSD)",
        installment, token_installment
    ));

    // ---- the schedule ----
    let [on_time, late, defaulter] = cast.borrowers;
    for borrower in &cast.borrowers[..2] {
        token.approve(chain, *borrower, token_loan.address, whole(100_000))?;
    }
    let mut false_report_error = String::new();
    let mut confirmed_arrears = U256::ZERO;
    for month in 1..=12u64 {
        warp_to(chain, funded + month * PERIOD + DAY)?;
        gas.record("makePayment (ether)", &ether_loan.make_payment(chain, on_time, installment)?);
        if month <= 6 {
            gas.record("makePayment (ERC-20)", &token_loan.make_payment(chain, on_time, token_installment)?);
            gas.record("makePayment (ERC-20)", &token_loan.make_payment(chain, late, token_installment)?);
        }
        if month <= 2 {
            gas.record("makePayment (ether)", &ether_loan.make_payment(chain, defaulter, installment)?);
        }
        warp_to(chain, funded + month * PERIOD + 5 * DAY)?;
        if month == 3 {
            let t = now(chain)?;
            let arrears = ether_loan.arrears(chain, late, t)?;
            let error =
                bureau.report_default(chain, cast.keeper, ether_loan.address, late).expect_err("late is within grace");
            false_report_error = error.revert().map(ToString::to_string).unwrap_or_else(|| error.to_string());
            say(format!(
                "month 3: the late borrower is {arrears} wei behind; a default report on them reverts: {false_report_error}"
            ));
        }
        warp_to(chain, funded + month * PERIOD + 10 * DAY)?;
        gas.record("makePayment (ether)", &ether_loan.make_payment(chain, late, installment)?);
        if month == 3 {
            warp_to(chain, funded + month * PERIOD + GRACE + DAY)?;
            let sent = bureau.report_default(chain, cast.keeper, ether_loan.address, defaulter)?;
            gas.record("reportDefault", &sent);
            confirmed_arrears = sent.value;
            say(format!(
                "month 3 + 16 days: keeper reported the third borrower; DefaultConfirmed with {} wei of arrears",
                confirmed_arrears
            ));
        }
        if month == 6 {
            for lender in cast.lenders {
                let available = ether_loan.withdrawable(chain, lender)?;
                gas.record("withdraw (ether)", &ether_loan.withdraw(chain, lender, available)?);
            }
            say("month 6: lenders withdrew their share of repayments so far".into());
        }
    }
    say("month 12: the on-time and late borrowers have repaid in full".into());

    // ---- settle ----
    // Every borrower has repaid in full or defaulted, so the pools are final: the lenders' rounding dust
    // goes to the creator first, and then everyone takes the rest to the last unit.
    let mut dust_swept = [U256::ZERO; 2];
    for (swept, (loan, label)) in
        dust_swept.iter_mut().zip([(ether_loan, "sweepDust (ether)"), (token_loan, "sweepDust (ERC-20)")])
    {
        match loan.sweep_dust(chain, cast.keeper, &cast.lenders) {
            Ok(sent) => {
                gas.record(label, &sent);
                *swept = sent.value;
            }
            Err(error) if error.revert_name().as_deref() == Some("ZeroAmount") => {}
            Err(error) => return Err(error),
        }
    }
    say(format!(
        "the keeper swept the lenders' rounding dust to the creator: {} wei, {} aUSD units",
        dust_swept[0], dust_swept[1]
    ));
    for lender in cast.lenders {
        for (loan, label) in [(ether_loan, "withdraw (ether)"), (token_loan, "withdraw (ERC-20)")] {
            let available = loan.withdrawable(chain, lender)?;
            if available > U256::ZERO {
                gas.record(label, &loan.withdraw(chain, lender, available)?);
            }
        }
    }
    gas.record("withdrawFees (ether)", &ether_loan.withdraw_fees(chain, cast.creator)?);
    gas.record("withdrawFees (ERC-20)", &token_loan.withdraw_fees(chain, cast.creator)?);
    say("lenders withdrew everything they are owed; the creator took the fees".into());

    let left_in_loans = [balance(chain, ether_loan.address)?, token.balance_of(chain, token_loan.address)?];
    let after = balances(chain, &cast, &token)?;
    let balances = balances_before
        .into_iter()
        .zip(after)
        .map(|((label, account, ether_before, token_before), (_, _, ether_after, token_after))| BalanceRow {
            label,
            account,
            ether_before,
            ether_after,
            token_before,
            token_after,
        })
        .collect();
    Ok(Report {
        protocol,
        loans: [ether_loan, token_loan],
        token,
        gas,
        balances,
        confirmed_arrears,
        false_report_error,
        refused_borrow_error,
        left_in_loans,
        dust_swept,
    })
}

fn terms(asset: Address, total: U256, rate: u16, payments: u16, min_score: u16, fund_date: u64) -> LoanTerms {
    LoanTerms {
        asset,
        totalAmount: total.to(),
        intRatePerMil: rate,
        numPayments: payments,
        secondsBetweenPayments: PERIOD as u32,
        minCreditScore: min_score,
        fundDate: alloy_primitives::Uint::from(fund_date),
        gracePeriod: GRACE as u32,
        creatorFeePerMil: 100,
        decisionModel: 0,
        minDecisionMargin: 0,
    }
}

fn chain_error(function: &'static str) -> impl FnOnce(aloe_chain::Error) -> Error {
    move |source| Error::Chain { contract: "chain", function, source }
}

fn now(chain: &mut dyn Chain) -> Result<u64> {
    chain.timestamp().map_err(chain_error("timestamp"))
}

fn balance(chain: &mut dyn Chain, who: Address) -> Result<U256> {
    chain.balance(who).map_err(chain_error("balance"))
}

fn warp_to(chain: &mut dyn Chain, target: u64) -> Result<()> {
    let current = now(chain)?;
    if target > current {
        chain.advance_time(target - current).map_err(chain_error("advanceTime"))?;
    }
    Ok(())
}

fn balances(chain: &mut dyn Chain, cast: &Cast, token: &Token) -> Result<Vec<(&'static str, Address, U256, U256)>> {
    cast.labelled()
        .into_iter()
        .map(|(label, who)| Ok((label, who, balance(chain, who)?, token.balance_of(chain, who)?)))
        .collect()
}
