//! The day loop: every agent acts through the real contracts on one chain, and what happened is recorded
//! for the report. Each day the market, in this order: registers the day's arrivals through the notary
//! (with the commitment to their credit file, if they bring one); keeps one open loan per tier (creators);
//! lets seekers find loans with `findLoan`, score themselves with `getScore` under the loan's terms and
//! borrow (from the decision tier with a proof of the credit model's approval); lets lenders invest;
//! disburses funded loans; makes the day's payments; has the keeper report the defaults the chain confirms;
//! records the owed model points; and lets lenders withdraw from settled or failed loans. Then the clock
//! moves one day.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};

use alloy_primitives::{Address, U256};
use alloy_sol_types::SolEvent;
use std::path::Path;

use aloe_chain::{Chain, SharedChain};
use aloe_contracts::bindings::KnnModel as knn_abi;
use aloe_contracts::bindings::Loan::LoanErrors;
use aloe_contracts::{Error as ContractError, Loan, LoanTerms, Protocol, Revert, Sent, knn_upload};
use aloe_ml::rng::SplitMix64;

use crate::agents::{self, BorrowerTraits, Kind, LenderTraits};
use crate::decisions::{CreditFiles, Decisions};
use crate::escrow::{DeskError, IdentityDesk};
use crate::meter::Sent as Metered;
use crate::report::{BorrowRecord, DayRow, Outcome, Progress, Tally};
use crate::{ColdStartModel, Error, SimConfig};

/// Seconds in a day.
pub const DAY: u64 = 86_400;
/// Payments every 30 days.
pub const PERIOD: u64 = 30 * DAY;
/// Grace before a default can be confirmed.
pub const GRACE: u64 = 15 * DAY;
/// Installments per loan.
pub const PAYMENTS: u16 = 12;
/// Days a loan stays open for funding.
pub const FUNDING_DAYS: u64 = 21;

/// A loan tier: the minimum score a creator asks, whether it asks the credit model's approval instead, and
/// the rate it charges (per mil per period).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Tier {
    /// `minCreditScore`.
    pub min_score: u16,
    /// `intRatePerMil` per period.
    pub rate_per_mil: u16,
    /// Borrowers prove the shipped credit model approves their committed file (`borrowWithProof`).
    pub decision: bool,
}

impl Tier {
    /// `≥650 · 14‰`, or `model · 16‰` for the decision tier.
    pub fn short_label(&self) -> String {
        match self.decision {
            true => format!("model · {}‰", self.rate_per_mil),
            false => format!("≥{} · {}‰", self.min_score, self.rate_per_mil),
        }
    }
}

/// The tiers creators offer, riskiest first (by rate).
pub const TIERS: [Tier; 5] = [
    Tier { min_score: 0, rate_per_mil: 30, decision: false },
    Tier { min_score: 550, rate_per_mil: 20, decision: false },
    Tier { min_score: 0, rate_per_mil: 16, decision: true },
    Tier { min_score: 650, rate_per_mil: 14, decision: false },
    Tier { min_score: 750, rate_per_mil: 9, decision: false },
];

/// Loans are sized to fill in about half their funding window at the expected demand (arrivals per day ×
/// mean want / tiers), between 3 and 40 ether, in whole ether.
fn loan_total_milli(config: &SimConfig) -> u64 {
    let arrivals_per_day = config.borrowers as f64 / (f64::from(config.days) * 0.9).max(1.0);
    let demand = arrivals_per_day * 2.75 / TIERS.len() as f64 * FUNDING_DAYS as f64 * 0.5;
    (demand.clamp(3.0, 40.0).round() as u64) * 1_000
}

fn milli(v: u64) -> U256 {
    U256::from(v) * U256::from(1_000_000_000_000_000u64)
}

struct LoanState {
    loan: Loan,
    tier: usize,
    total: U256,
    requested: U256,
    invested: U256,
    deadline: u64,
    funded: bool,
    failed: bool,
    settled: bool,
    borrowers: Vec<usize>,
    lenders: BTreeMap<usize, U256>,
    /// Lenders already paid out (kept so a late reveal still finds one).
    paid_lenders: Vec<usize>,
}

struct Position {
    loan: usize,
    installment: U256,
    owing: U256,
    /// Days on which one installment will be paid, in order.
    pay_days: Vec<u32>,
    paid: usize,
    first_unpaid_due: u64,
    disbursed: bool,
    record: usize,
}

struct BorrowerState {
    traits: BorrowerTraits,
    registered: bool,
    position: Option<Position>,
    next_seek: u32,
}

struct LenderState {
    traits: LenderTraits,
    free: U256,
}

/// The market in motion.
pub struct Market {
    chain: SharedChain,
    metered: Metered,
    desk: IdentityDesk,
    decisions: Decisions,
    protocol: Protocol,
    creator: Address,
    keeper: Address,
    start: u64,
    rng: SplitMix64,
    borrowers: Vec<BorrowerState>,
    lenders: Vec<LenderState>,
    loans: Vec<LoanState>,
    first_open: usize,
    /// Each loan's index in `loans`, by address (what `findLoan` answers).
    loan_index: HashMap<Address, usize>,
    loan_total: U256,
    /// What the report collects.
    pub tally: Tally,
}

impl std::fmt::Debug for Market {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Market").field("borrowers", &self.borrowers.len()).field("loans", &self.loans.len()).finish()
    }
}

impl Market {
    /// Deploys the protocol on `chain`, draws the agents, and opens the notary's and auditors' stores under
    /// `stores`.
    pub fn new(
        mut chain: SharedChain,
        metered: Metered,
        config: &SimConfig,
        stores: &Path,
        cold_start: Option<&ColdStartModel>,
    ) -> Result<Self, Error> {
        let [owner, notary, creator, keeper] = agents::ROLES.map(agents::role);
        let mut rng = SplitMix64::new(config.seed);
        let files = CreditFiles::german();
        let borrowers = agents::borrowers(config.borrowers, config.days, &files, &mut rng);
        let lenders = agents::lenders(config.lenders, TIERS.len(), &mut rng);
        let rich = U256::from(10u64).pow(U256::from(30));
        for who in [owner, notary, creator, keeper]
            .into_iter()
            .chain(borrowers.iter().map(|b| b.address))
            .chain(lenders.iter().map(|l| l.address))
        {
            chain.set_balance(who, rich).map_err(|source| Error::Chain { what: "funding the agents", source })?;
        }
        let protocol = Protocol::deploy(&mut chain, owner)?;
        let mut tally = Tally::default();
        if let Some(model) = cold_start {
            knn_upload::upload(&mut chain, &protocol.score_model, owner, &model.points, model.k, None, &mut |_| {})?;
            tally.cold_start_points = model.points.len();
        }
        let decisions = Decisions::new(&mut chain, &protocol, owner, files, config.seed)?;
        let mut desk = IdentityDesk::new(
            &chain,
            protocol,
            owner,
            agents::signer("notary", 0),
            agents::AUDITORS,
            2,
            stores,
            config.seed,
        )?;
        for j in 0..lenders.len() {
            desk.set_lender_key(&agents::signer("lender", j))?;
        }
        let start = chain.timestamp().map_err(|source| Error::Chain { what: "reading the clock", source })?;
        Ok(Self {
            chain,
            metered,
            desk,
            decisions,
            protocol,
            creator,
            keeper,
            start,
            rng,
            borrowers: borrowers
                .into_iter()
                .map(|traits| BorrowerState {
                    // A day to register: the first look is the day after.
                    next_seek: traits.arrival_day + 1,
                    traits,
                    registered: false,
                    position: None,
                })
                .collect(),
            lenders: lenders
                .into_iter()
                .map(|traits| LenderState { free: milli(traits.capital_milli), traits })
                .collect(),
            loans: Vec::new(),
            first_open: 0,
            loan_index: HashMap::new(),
            loan_total: milli(loan_total_milli(config)),
            tally,
        })
    }

    /// Runs `days` days (or until `stop` is set), calling `progress` after each.
    pub fn run(&mut self, days: u32, stop: &AtomicBool, progress: &mut dyn FnMut(&Progress)) -> Result<(), Error> {
        for day in 0..days {
            if stop.load(Ordering::Relaxed) {
                self.tally.interrupted = true;
                break;
            }
            self.day(day)?;
            self.absorb_gas();
            let today = self.tally.days.last().expect("the day's row");
            progress(&Progress {
                day: day + 1,
                days,
                registered: today.registered,
                active_borrowers: today.active_borrowers,
                transactions: self.tally.transactions,
                gas: self.tally.total_gas,
            });
            self.chain.advance_time(DAY).map_err(|source| Error::Chain { what: "advancing the clock", source })?;
        }
        self.finish();
        Ok(())
    }

    fn now(&self, day: u32) -> u64 {
        self.start + u64::from(day) * DAY
    }

    /// A transaction's result; its gas is metered below the chain (see [`crate::meter`]), its logs tell
    /// whether the model rotated.
    fn sent<T>(&mut self, sent: Sent<T>) -> T {
        for log in &sent.receipt.logs {
            if log.address == self.protocol.score_model.address
                && knn_abi::ModelRotated::decode_log_data(&log.data).is_ok()
            {
                self.tally.rotations += 1;
            }
        }
        sent.value
    }

    fn day(&mut self, day: u32) -> Result<(), Error> {
        let now = self.now(day);
        self.register(day)?;
        self.create_loans(now)?;
        self.seek(day)?;
        self.invest(now)?;
        self.pay(day)?;
        let defaulted = self.report_defaults(day, now)?;
        self.reveal(&defaulted)?;
        self.withdraw()?;
        let active = self.borrowers.iter().filter(|b| b.position.as_ref().is_some_and(|p| p.disbursed)).count();
        self.tally.days.push(DayRow {
            day,
            registered: self.borrowers.iter().filter(|b| b.registered).count(),
            active_borrowers: active,
            loans: self.loans.len(),
            defaults: self.tally.defaults,
            repaid: self.tally.repaid,
            rotations: self.tally.rotations,
            gas: self.tally.total_gas,
        });
        Ok(())
    }

    /// The day's arrivals register through the notary: identity split among the auditors, then the ledger.
    fn register(&mut self, day: u32) -> Result<(), Error> {
        for i in 0..self.borrowers.len() {
            let b = &self.borrowers[i];
            if b.registered || b.traits.arrival_day != day {
                continue;
            }
            let (fico, file, address) = (b.traits.fico, b.traits.credit_file, b.traits.address);
            let attributes = file.map(|f| self.decisions.register(i, address, f)).transpose()?;
            self.desk.register(&agents::signer("borrower", i), fico, &agents::national_id(i), attributes)?;
            self.tally.registrations += 1;
            self.borrowers[i].registered = true;
        }
        Ok(())
    }

    /// After the day's defaults: the auditors release those borrowers' shares to their loans' lenders, and
    /// one lender of each reconstructs the identity (checked against the one the notary verified).
    fn reveal(&mut self, defaulted: &[(usize, usize)]) -> Result<(), Error> {
        if defaulted.is_empty() {
            return Ok(());
        }
        self.tally.shares_released += self.desk.release_pass()? as u64;
        for &(i, l) in defaulted {
            let Some(&lender) = self.loans[l].lenders.keys().next().or(self.loans[l].paid_lenders.first()) else {
                continue;
            };
            let revealed = self.desk.reveal(
                &agents::signer("lender", lender),
                self.loans[l].loan.address,
                self.borrowers[i].traits.address,
            )?;
            if revealed != agents::national_id(i) {
                return Err(Error::WrongReveal { borrower: self.borrowers[i].traits.address });
            }
            self.tally.reveals += 1;
        }
        Ok(())
    }

    fn terms(&self, tier: usize, now: u64) -> LoanTerms {
        let t = TIERS[tier];
        LoanTerms {
            asset: Address::ZERO,
            totalAmount: self.loan_total.to(),
            intRatePerMil: t.rate_per_mil,
            numPayments: PAYMENTS,
            secondsBetweenPayments: PERIOD as u32,
            minCreditScore: t.min_score,
            fundDate: alloy_primitives::Uint::from(now + FUNDING_DAYS * DAY),
            gracePeriod: GRACE as u32,
            creatorFeePerMil: 10,
            decisionModel: if t.decision { self.decisions.model_index() } else { 0 },
            minDecisionMargin: crate::decisions::MIN_MARGIN,
        }
    }

    /// One open loan per tier: a creator opens a new one when the tier has none accepting requests.
    fn create_loans(&mut self, now: u64) -> Result<(), Error> {
        let day = ((now - self.start) / DAY) as u32;
        for l in self.first_open..self.loans.len() {
            let loan = &mut self.loans[l];
            if loan.funded || loan.failed || now <= loan.deadline {
                continue;
            }
            // Unfunded by its date: borrowers cancel their requests and look again tomorrow; lenders take
            // refunds (`withdraw`).
            loan.failed = true;
            let handle = loan.loan;
            for i in std::mem::take(&mut loan.borrowers) {
                let sent = handle.cancel_borrow(&mut self.chain, self.borrowers[i].traits.address)?;
                self.sent(sent);
                if let Some(p) = self.borrowers[i].position.take() {
                    self.tally.borrows[p.record].outcome = Outcome::Lapsed;
                }
                self.borrowers[i].next_seek = day + 1;
            }
        }
        for tier in 0..TIERS.len() {
            let open = self.loans[self.first_open..]
                .iter()
                .any(|l| l.tier == tier && !l.funded && !l.failed && l.requested < l.total);
            if open {
                continue;
            }
            let terms = self.terms(tier, now);
            let sent = self.protocol.bureau.create_loan(&mut self.chain, self.creator, terms)?;
            let loan = self.sent(sent);
            self.loan_index.insert(loan.address, self.loans.len());
            self.loans.push(LoanState {
                loan,
                tier,
                total: self.loan_total,
                requested: U256::ZERO,
                invested: U256::ZERO,
                deadline: now + FUNDING_DAYS * DAY,
                funded: false,
                failed: false,
                settled: false,
                borrowers: Vec::new(),
                lenders: BTreeMap::new(),
                paid_lenders: Vec::new(),
            });
        }
        while self.first_open < self.loans.len() && {
            let l = &self.loans[self.first_open];
            l.funded || l.failed
        } {
            self.first_open += 1;
        }
        Ok(())
    }

    fn seek(&mut self, day: u32) -> Result<(), Error> {
        for i in 0..self.borrowers.len() {
            let b = &self.borrowers[i];
            if !b.registered || b.position.is_some() || b.next_seek > day {
                continue;
            }
            let (address, want) = (b.traits.address, milli(b.traits.want_milli));
            // The smallest useful piece: a tenth of what it wants.
            let (found, _) =
                self.protocol.bureau.find_loan(&mut self.chain, want / U256::from(10), self.first_open as u64, 64)?;
            let mut borrowed = false;
            // Safest tier first: the cheapest rate the borrower's score allows.
            let mut candidates: Vec<usize> = found.iter().filter_map(|a| self.loan_index.get(a).copied()).collect();
            candidates.sort_by_key(|&l| std::cmp::Reverse(self.loans[l].tier));
            for l in candidates {
                let state = &self.loans[l];
                let amount = want.min(state.total - state.requested);
                let tier = TIERS[state.tier];
                let score = self.protocol.bureau.get_score(
                    &mut self.chain,
                    address,
                    amount,
                    u64::from(tier.rate_per_mil),
                    u64::from(PAYMENTS),
                    PERIOD,
                )?;
                if score < u64::from(tier.min_score) {
                    continue;
                }
                let loan = state.loan;
                let requested = if tier.decision {
                    // Only a file the model approves is proved; without one this tier is closed to it.
                    let Some(proof) = self.decisions.proof(i)? else { continue };
                    loan.borrow_with_proof(&mut self.chain, address, amount, proof)
                } else {
                    loan.borrow(&mut self.chain, address, amount)
                };
                match requested {
                    Ok(sent) => {
                        self.sent(sent);
                    }
                    // The score moved between the quote and the request (it cannot within one block): skip.
                    Err(e) if matches!(e.revert(), Some(Revert::Loan(LoanErrors::ScoreBelowMinimum(_)))) => continue,
                    Err(e) => return Err(e.into()),
                }
                let record = self.tally.borrows.len();
                let t = &self.borrowers[i].traits;
                self.tally.borrows.push(BorrowRecord {
                    day,
                    kind: t.kind,
                    reliability: t.reliability,
                    fico: t.fico,
                    tier: self.loans[l].tier,
                    score,
                    rotations_before: self.tally.rotations,
                    amount_milli: (amount / milli(1)).to::<u64>(),
                    outcome: Outcome::Open,
                });
                let installment = self.protocol.bureau.quote_installment(
                    &mut self.chain,
                    amount,
                    u64::from(tier.rate_per_mil),
                    u64::from(PAYMENTS),
                )?;
                let state = &mut self.loans[l];
                state.requested += amount;
                state.borrowers.push(i);
                self.borrowers[i].position = Some(Position {
                    loan: l,
                    installment,
                    owing: installment * U256::from(PAYMENTS),
                    pay_days: Vec::new(),
                    paid: 0,
                    first_unpaid_due: 0,
                    disbursed: false,
                    record,
                });
                borrowed = true;
                break;
            }
            if !borrowed {
                self.borrowers[i].next_seek = day + 7;
            }
        }
        Ok(())
    }

    fn invest(&mut self, now: u64) -> Result<(), Error> {
        let n = self.lenders.len();
        if n == 0 {
            return Ok(());
        }
        for l in self.first_open..self.loans.len() {
            let (tier, total) = (self.loans[l].tier, self.loans[l].total);
            if self.loans[l].funded || self.loans[l].failed {
                continue;
            }
            // Lenders fund what borrowers have asked for, in turn from a seeded start.
            let chunk = total / U256::from(8);
            let offset = self.rng.below(n);
            for k in 0..n {
                let state = &self.loans[l];
                let need = state.requested.saturating_sub(state.invested);
                if need.is_zero() {
                    break;
                }
                let j = (offset + k) % n;
                if self.lenders[j].traits.lowest_tier > tier || self.lenders[j].free.is_zero() {
                    continue;
                }
                let amount = need.min(chunk).min(self.lenders[j].free);
                let loan = state.loan;
                let sent = loan.invest(&mut self.chain, self.lenders[j].traits.address, amount)?;
                self.sent(sent);
                self.lenders[j].free -= amount;
                let state = &mut self.loans[l];
                state.invested += amount;
                *state.lenders.entry(j).or_default() += amount;
            }
            let state = &self.loans[l];
            if state.invested == total && state.requested == total {
                self.loans[l].funded = true;
                self.disburse(l, now)?;
            }
        }
        Ok(())
    }

    fn disburse(&mut self, l: usize, now: u64) -> Result<(), Error> {
        let loan = self.loans[l].loan;
        let funded_day = ((now - self.start) / DAY) as u32;
        for i in self.loans[l].borrowers.clone() {
            let address = self.borrowers[i].traits.address;
            let sent = loan.disburse(&mut self.chain, address)?;
            self.sent(sent);
            let kind = self.borrowers[i].traits.kind;
            let reliability = self.borrowers[i].traits.reliability;
            let mut pay_days = Vec::with_capacity(PAYMENTS as usize);
            let mut missed = 0u8;
            for k in 1..=u32::from(PAYMENTS) {
                let due = funded_day + k * (PERIOD / DAY) as u32;
                let day = match kind {
                    Kind::Strategic => break,
                    Kind::Honest if self.rng.next_f64() < reliability.max(0.5) => due,
                    Kind::Honest => due + 1 + self.rng.below(10) as u32,
                    // Within the grace period mostly; one installment in fifty well past it.
                    Kind::Late if self.rng.next_f64() < 0.02 => due + 16 + self.rng.below(15) as u32,
                    Kind::Late => due + 3 + self.rng.below(10) as u32,
                    Kind::Shock { day, missed: run } if due >= day && missed < run => {
                        missed += 1;
                        continue;
                    }
                    Kind::Shock { .. } => due,
                };
                pay_days.push(day);
            }
            pay_days.sort_unstable();
            let p = self.borrowers[i].position.as_mut().expect("a borrower of the loan");
            p.pay_days = pay_days;
            p.disbursed = true;
            p.first_unpaid_due = now + PERIOD;
        }
        Ok(())
    }

    fn pay(&mut self, day: u32) -> Result<(), Error> {
        for i in 0..self.borrowers.len() {
            let Some(p) = self.borrowers[i].position.as_ref() else { continue };
            if !p.disbursed {
                continue;
            }
            let due_today = p.pay_days.iter().skip(p.paid).take_while(|&&d| d <= day).count();
            for _ in 0..due_today {
                let p = self.borrowers[i].position.as_ref().expect("checked");
                let amount = p.installment.min(p.owing);
                let loan = self.loans[p.loan].loan;
                let sent = loan.make_payment(&mut self.chain, self.borrowers[i].traits.address, amount)?;
                self.sent(sent);
                let p = self.borrowers[i].position.as_mut().expect("checked");
                p.owing -= amount;
                p.paid += 1;
                p.first_unpaid_due += PERIOD;
            }
            let p = self.borrowers[i].position.as_ref().expect("checked");
            if p.owing.is_zero() {
                self.close(i, day, Outcome::Repaid)?;
            }
        }
        Ok(())
    }

    /// Returns the (borrower, loan) pairs confirmed in default today.
    fn report_defaults(&mut self, day: u32, now: u64) -> Result<Vec<(usize, usize)>, Error> {
        let mut defaulted = Vec::new();
        for i in 0..self.borrowers.len() {
            let Some(p) = self.borrowers[i].position.as_ref() else { continue };
            if !p.disbursed || now <= p.first_unpaid_due + GRACE {
                continue;
            }
            let (loan, borrower) = (self.loans[p.loan].loan, self.borrowers[i].traits.address);
            if !loan.is_in_default(&mut self.chain, borrower, now)? {
                continue;
            }
            let sent = self.protocol.bureau.report_default(&mut self.chain, self.keeper, loan.address, borrower)?;
            self.sent(sent);
            defaulted.push((i, self.borrowers[i].position.as_ref().expect("checked").loan));
            self.close(i, day, Outcome::Defaulted)?;
        }
        Ok(defaulted)
    }

    /// A loan ends for a borrower: its point is owed to the model.
    fn close(&mut self, i: usize, day: u32, outcome: Outcome) -> Result<(), Error> {
        let p = self.borrowers[i].position.take().expect("an open position");
        self.tally.borrows[p.record].outcome = outcome;
        match outcome {
            Outcome::Defaulted => self.tally.defaults += 1,
            _ => self.tally.repaid += 1,
        }
        let sent = self.protocol.bureau.record_point(&mut self.chain, self.keeper, self.borrowers[i].traits.address)?;
        self.sent(sent);
        let after = if outcome == Outcome::Defaulted { 180 } else { 15 + self.rng.below(76) as u32 };
        self.borrowers[i].next_seek = day + after;
        let l = p.loan;
        self.loans[l].borrowers.retain(|&b| b != i);
        if self.loans[l].borrowers.is_empty() {
            self.loans[l].settled = true;
        }
        Ok(())
    }

    fn withdraw(&mut self) -> Result<(), Error> {
        for l in 0..self.loans.len() {
            let state = &self.loans[l];
            if !(state.settled || state.failed) || state.lenders.is_empty() {
                continue;
            }
            let loan = state.loan;
            for (j, invested) in std::mem::take(&mut self.loans[l].lenders) {
                self.loans[l].paid_lenders.push(j);
                let lender = self.lenders[j].traits.address;
                let amount = loan.withdrawable(&mut self.chain, lender)?;
                if !amount.is_zero() {
                    let sent = loan.withdraw(&mut self.chain, lender, amount)?;
                    self.sent(sent);
                }
                self.lenders[j].free += amount;
                if self.loans[l].settled {
                    self.tally.lent(self.loans[l].tier, invested, amount);
                }
            }
        }
        Ok(())
    }

    fn finish(&mut self) {
        self.absorb_gas();
        (self.tally.credit_files, self.tally.approved_files) = self.decisions.files();
        self.tally.provers = self.decisions.provers();
    }

    /// Moves the metered transactions into the tally.
    fn absorb_gas(&mut self) {
        let sent = std::mem::take(&mut *self.metered.lock().unwrap_or_else(std::sync::PoisonError::into_inner));
        for (name, gas) in sent {
            self.tally.gas(name, gas);
        }
    }
}

impl From<DeskError> for Error {
    fn from(e: DeskError) -> Self {
        Error::Escrow(Box::new(e))
    }
}

impl From<crate::decisions::DecisionError> for Error {
    fn from(e: crate::decisions::DecisionError) -> Self {
        Error::Decision(e)
    }
}

impl From<ContractError> for Error {
    fn from(e: ContractError) -> Self {
        Error::Contract(Box::new(e))
    }
}
