//! What the tests share: a chain wrapper that can hide the head, fork the block hashes and fail requests; a
//! small scenario on the real contracts; and a dump of every table to compare two index files.

use std::path::Path;

use alloy_primitives::{Address, B256, Bytes, U256, Uint};
use aloe_chain::{Chain, ChainLog, EmbeddedChain, LogFilter, Receipt, Snapshot, TxRequest};
use aloe_contracts::{
    Loan, LoanTerms, Protocol,
    lifecycle::{Cast, whole},
    stand_in_auditors, stand_in_identity,
};
use aloe_index::LoanStatus;

const DAY: u64 = 86_400;

/// A chain as an indexer sees it, with knobs: `cap` hides the blocks above it (as if the scenario had only got
/// that far), `fork` makes every block above `.0` hash differently (XOR `.1`), as a node's after a reorg does,
/// and `fail_logs_at` fails the n-th `logs` request from now (a node dropping a request mid-range).
pub(crate) struct TestChain<C = EmbeddedChain> {
    pub(crate) inner: C,
    pub(crate) cap: Option<u64>,
    pub(crate) fork: Option<(u64, B256)>,
    pub(crate) fail_logs_at: Option<usize>,
    /// The widest block range any `logs` request asked for.
    pub(crate) widest_range: u64,
}

impl<C: Chain> TestChain<C> {
    pub(crate) fn new(inner: C) -> Self {
        Self { inner, cap: None, fork: None, fail_logs_at: None, widest_range: 0 }
    }

    fn head(&mut self) -> aloe_chain::Result<u64> {
        let head = self.inner.block_number()?;
        Ok(self.cap.map_or(head, |cap| cap.min(head)))
    }

    fn forked(&self, number: u64, hash: B256) -> B256 {
        match self.fork {
            Some((above, id)) if number > above => hash ^ id,
            _ => hash,
        }
    }
}

impl<C: Chain> Chain for TestChain<C> {
    fn backend(&self) -> &'static str {
        self.inner.backend()
    }
    fn chain_id(&mut self) -> aloe_chain::Result<u64> {
        self.inner.chain_id()
    }
    fn send(&mut self, tx: TxRequest) -> aloe_chain::Result<Receipt> {
        self.inner.send(tx)
    }
    fn call(&mut self, tx: TxRequest) -> aloe_chain::Result<Bytes> {
        self.inner.call(tx)
    }
    fn estimate_gas(&mut self, tx: TxRequest) -> aloe_chain::Result<u64> {
        self.inner.estimate_gas(tx)
    }
    fn balance(&mut self, account: Address) -> aloe_chain::Result<U256> {
        self.inner.balance(account)
    }
    fn code(&mut self, account: Address) -> aloe_chain::Result<Bytes> {
        self.inner.code(account)
    }
    fn block_number(&mut self) -> aloe_chain::Result<u64> {
        self.head()
    }
    fn block_hash(&mut self, number: u64) -> aloe_chain::Result<B256> {
        let latest = self.head()?;
        if number > latest {
            return Err(aloe_chain::Error::UnknownBlock { number, latest });
        }
        let hash = self.inner.block_hash(number)?;
        Ok(self.forked(number, hash))
    }
    fn logs(&mut self, filter: &LogFilter) -> aloe_chain::Result<Vec<ChainLog>> {
        match self.fail_logs_at.as_mut() {
            Some(0) => {
                self.fail_logs_at = None;
                return Err(aloe_chain::Error::Rpc { url: "test".into(), message: "connection reset".into() });
            }
            Some(n) => *n -= 1,
            None => {}
        }
        let head = self.head()?;
        let to = filter.to_block.map_or(head, |to| to.min(head));
        self.widest_range = self.widest_range.max(to + 1 - filter.from_block.min(to + 1));
        let filter = filter.clone().to_block(to);
        let logs = self.inner.logs(&filter)?;
        Ok(logs
            .into_iter()
            .map(|mut entry| {
                entry.block_hash = self.forked(entry.block_number, entry.block_hash);
                entry
            })
            .collect())
    }
    fn timestamp(&mut self) -> aloe_chain::Result<u64> {
        self.inner.timestamp()
    }
    fn advance_time(&mut self, seconds: u64) -> aloe_chain::Result<u64> {
        self.inner.advance_time(seconds)
    }
    fn set_balance(&mut self, account: Address, amount: U256) -> aloe_chain::Result<()> {
        self.inner.set_balance(account, amount)
    }
    fn snapshot(&mut self) -> aloe_chain::Result<Snapshot> {
        self.inner.snapshot()
    }
    fn revert_to(&mut self, snapshot: Snapshot) -> aloe_chain::Result<()> {
        self.inner.revert_to(snapshot)
    }
}

/// A deployed protocol with a notary, an auditor set and the dev cast's three borrowers registered.
pub(crate) struct World {
    pub(crate) protocol: Protocol,
    pub(crate) cast: Cast,
}

impl World {
    /// Funds the cast, deploys and registers the borrowers (FICO 720, 690, 610).
    pub(crate) fn new(chain: &mut dyn Chain) -> Self {
        let cast = Cast::dev();
        for (_, who) in cast.labelled() {
            chain.set_balance(who, whole(1_000)).unwrap();
        }
        let protocol = Protocol::deploy(chain, cast.owner).unwrap();
        protocol.bureau.add_notary(chain, cast.owner, cast.notary).unwrap();
        let epoch = protocol.identity_escrow.set_auditors(chain, cast.owner, stand_in_auditors(), 2).unwrap().value;
        let now = chain.timestamp().unwrap();
        for (borrower, fico) in cast.borrowers.iter().zip([720, 690, 610]) {
            let identity = stand_in_identity(*borrower, epoch);
            protocol.bureau.init_score_ledger(chain, cast.notary, *borrower, fico, now, identity).unwrap();
        }
        Self { protocol, cast }
    }

    /// An ether loan of `total` ether over 12 monthly payments at 1%, open for a week.
    pub(crate) fn ether_loan(&self, chain: &mut dyn Chain, total: u64, min_score: u16) -> Loan {
        let now = chain.timestamp().unwrap();
        let terms = LoanTerms {
            asset: Address::ZERO,
            totalAmount: whole(total).to(),
            intRatePerMil: 10,
            numPayments: 12,
            secondsBetweenPayments: 30 * DAY as u32,
            minCreditScore: min_score,
            fundDate: Uint::from(now + 7 * DAY),
            gracePeriod: 15 * DAY as u32,
            creatorFeePerMil: 100,
            decisionModel: 0,
            minDecisionMargin: 0,
        };
        self.protocol.bureau.create_loan(chain, self.cast.creator, terms).unwrap().value
    }
}

/// The status rules of `LoanStatus`, from the loan's views instead of its events.
pub(crate) fn status_on_chain(chain: &mut dyn Chain, loan: Loan, borrowers: &[Address]) -> LoanStatus {
    if !loan.is_ready(chain).unwrap() {
        return if loan.is_failed(chain).unwrap() { LoanStatus::Failed } else { LoanStatus::Open };
    }
    let totals = loan.totals(chain).unwrap();
    if totals.repaid == totals.scheduled {
        return LoanStatus::Repaid;
    }
    let positions: Vec<_> = borrowers.iter().map(|b| loan.borrower_position(chain, *b).unwrap()).collect();
    let defaults = positions.iter().filter(|p| p.defaulted).count();
    if loan.open_borrowers(chain).unwrap() == U256::ZERO && defaults > 0 {
        LoanStatus::Defaulted
    } else if defaults > 0 || positions.iter().any(|p| p.disbursed) {
        LoanStatus::Active
    } else {
        LoanStatus::Funded
    }
}

/// Every table of an index file but its bookkeeping (meta, checkpoints), rows sorted: two files with equal
/// dumps index the same history the same way.
pub(crate) fn dump(path: &Path) -> Vec<(String, Vec<String>)> {
    let connection = rusqlite::Connection::open(path).unwrap();
    let tables = [
        "events",
        "event_parties",
        "loans",
        "lender_positions",
        "borrower_positions",
        "borrowers",
        "defaults",
        "model_events",
    ];
    tables
        .into_iter()
        .map(|table| {
            let mut statement = connection.prepare(&format!("SELECT * FROM {table}")).unwrap();
            let columns = statement.column_count();
            let mut rows: Vec<String> = statement
                .query_map([], |row| {
                    let cells: Vec<String> = (0..columns).map(|i| format!("{:?}", row.get_ref(i).unwrap())).collect();
                    Ok(cells.join(" | "))
                })
                .unwrap()
                .map(Result::unwrap)
                .collect();
            rows.sort();
            (table.to_owned(), rows)
        })
        .collect()
}

/// Asserts two dumps are equal, naming the first table that differs.
pub(crate) fn assert_same_index(left: &Path, right: &Path) {
    for ((table, a), (_, b)) in dump(left).into_iter().zip(dump(right)) {
        assert_eq!(a, b, "table {table} differs");
    }
}
