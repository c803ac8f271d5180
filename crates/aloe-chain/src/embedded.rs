//! The embedded chain: revm in the process, one block per transaction, a clock we set; in memory
//! only ([`EmbeddedChain::new`]) or persisted in a file ([`EmbeddedChain::open`], see `store.rs`).

use std::{collections::HashMap, path::Path};

use alloy_primitives::{Address, B256, Bytes, U256};
use revm::{
    Context, DatabaseCommit, DatabaseRef, ExecuteEvm, MainBuilder, MainContext,
    context::{
        BlockEnv, CfgEnv, TxEnv,
        result::{EVMError, ExecutionResult, ResultAndState},
    },
    database::{CacheDB, EmptyDB},
    primitives::{TxKind, hardfork::SpecId},
    state::AccountInfo,
};

use crate::{
    Chain, ChainLog, DEV_CHAIN_ID, Error, LogFilter, Receipt, Result, Snapshot, TX_GAS_LIMIT_CAP, TxRequest,
    store::{Head, MinedBlock, Store},
};

/// Genesis time of a fresh embedded chain (2026-01-01T00:00:00Z), so schedules read like dates.
pub const GENESIS_TIMESTAMP: u64 = 1_767_225_600;

pub(crate) type Db = CacheDB<EmptyDB>;

/// An in-process chain on revm with Osaka rules.
///
/// Every sent transaction is mined in a block of its own at the current timestamp; the clock only
/// moves through [`Chain::advance_time`]. Gas is not charged for (price zero), so balances change
/// only by the value transfers the contracts make. A transaction that reverts or halts is not mined (as
/// a node's gas estimation refuses it before it is sent): it changes nothing, nonce and block included.
///
/// [`EmbeddedChain::new`] keeps the chain in memory only. [`EmbeddedChain::open`] keeps it in a
/// SQLite file as well: every [`Chain::send`], [`Chain::set_balance`] and [`Chain::advance_time`]
/// is on disk before it returns, and reopening the file resumes the chain. Reads are served from
/// memory either way.
#[derive(Debug)]
pub struct EmbeddedChain {
    db: Db,
    block: BlockEnv,
    /// Every log of every committed transaction, for [`Chain::logs`].
    logs: Vec<ChainLog>,
    snapshots: HashMap<U256, (Db, BlockEnv, usize)>,
    next_snapshot: U256,
    /// The file every change is written to before it is acknowledged; `None` for an in-memory chain.
    store: Option<Store>,
}

impl Clone for EmbeddedChain {
    /// An in-memory copy of the chain as it is now: the copy of a persistent chain writes to no file
    /// (one file has one history, and only the original writes it).
    fn clone(&self) -> Self {
        Self {
            db: self.db.clone(),
            block: self.block.clone(),
            logs: self.logs.clone(),
            snapshots: self.snapshots.clone(),
            next_snapshot: self.next_snapshot,
            store: None,
        }
    }
}

impl Default for EmbeddedChain {
    fn default() -> Self {
        Self::new()
    }
}

impl EmbeddedChain {
    /// A fresh chain at block 1, time [`GENESIS_TIMESTAMP`].
    pub fn new() -> Self {
        let block = BlockEnv {
            number: U256::from(1),
            timestamp: U256::from(GENESIS_TIMESTAMP),
            gas_limit: 60_000_000,
            basefee: 0,
            ..BlockEnv::default()
        };
        Self {
            db: CacheDB::new(EmptyDB::default()),
            block,
            logs: Vec::new(),
            snapshots: HashMap::new(),
            next_snapshot: U256::ZERO,
            store: None,
        }
    }

    /// The chain kept in the SQLite file at `path`: a fresh chain (as [`EmbeddedChain::new`]) if the
    /// file does not exist or is empty, else the chain the file holds, loaded whole into memory.
    ///
    /// Each state-changing call is written to the file in one SQLite transaction, synced to disk
    /// before the call returns, so a crash (even `kill -9`) loses no acknowledged change and leaves
    /// no half-applied one. The file stays locked while the chain lives: opening it again, from this
    /// process or another, is [`Error::ChainLocked`]. A file that is not a chain file is
    /// [`Error::NotAChain`] and one of another format version [`Error::UnsupportedChainFormat`];
    /// neither is modified. The directory must exist.
    ///
    /// [`Chain::snapshot`] and [`Chain::revert_to`] are [`Error::Unsupported`] on a persistent chain.
    /// If a write fails the call returns [`Error::Store`] and changes nothing in memory; the chain
    /// then refuses further changes until it is reopened (the file is the truth).
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let mut chain = Self::new();
        let genesis =
            Head { next_block: chain.block.number.saturating_to(), timestamp: chain.block.timestamp.saturating_to() };
        let (store, loaded) = Store::open(path.as_ref(), genesis)?;
        chain.db = loaded.db;
        chain.block.number = U256::from(loaded.head.next_block);
        chain.block.timestamp = U256::from(loaded.head.timestamp);
        chain.logs = loaded.logs;
        chain.store = Some(store);
        Ok(chain)
    }

    /// The nonce of `account`: for an externally owned account, the transactions it has sent and that
    /// were mined.
    pub fn nonce(&self, account: Address) -> u64 {
        self.account(account).map_or(0, |info| info.nonce)
    }

    /// The file a persistent chain is kept in; `None` for an in-memory chain.
    pub fn path(&self) -> Option<&Path> {
        self.store.as_ref().map(Store::path)
    }

    fn cfg() -> CfgEnv {
        let mut cfg = CfgEnv::default();
        cfg.set_spec_and_mainnet_gas_params(SpecId::OSAKA);
        cfg.chain_id = DEV_CHAIN_ID;
        cfg.tx_gas_limit_cap = Some(TX_GAS_LIMIT_CAP);
        cfg
    }

    fn tx_env(&self, tx: &TxRequest) -> Result<TxEnv> {
        let nonce = self.account(tx.from).map_or(0, |info| info.nonce);
        TxEnv::builder()
            .caller(tx.from)
            .kind(tx.to.map_or(TxKind::Create, TxKind::Call))
            .value(tx.value)
            .data(tx.input.clone())
            .gas_limit(TX_GAS_LIMIT_CAP)
            .gas_price(0)
            .nonce(nonce)
            .chain_id(Some(DEV_CHAIN_ID))
            .build()
            .map_err(|e| Error::InvalidTransaction { reason: format!("{e:?}") })
    }

    /// Snapshots are in-memory copies; a persistent chain has one durable history and no undo.
    fn refuse_snapshots(&self, operation: &'static str) -> Result<()> {
        match &self.store {
            None => Ok(()),
            Some(store) => Err(Error::Unsupported {
                operation,
                reason: format!(
                    "the chain is persisted in {}, and returning to a snapshot would undo transactions \
                     already acknowledged as durable",
                    store.path().display()
                ),
            }),
        }
    }

    fn account(&self, address: Address) -> Option<AccountInfo> {
        self.db.basic_ref(address).ok().flatten()
    }

    /// Runs `tx` against a copy-free borrow of the state and returns its result and state diff,
    /// committing nothing (the caller commits the diff, after persisting it if the chain has a file).
    fn execute(&mut self, tx: &TxRequest) -> Result<ResultAndState> {
        let tx_env = self.tx_env(tx)?;
        let db = std::mem::take(&mut self.db);
        let mut evm =
            Context::mainnet().with_db(db).with_block(self.block.clone()).with_cfg(Self::cfg()).build_mainnet();
        let outcome = evm.transact(tx_env);
        self.db = evm.ctx.journaled_state.database;
        outcome.map_err(|e| match e {
            EVMError::Transaction(invalid) => Error::InvalidTransaction { reason: invalid.to_string() },
            other => Error::InvalidTransaction { reason: other.to_string() },
        })
    }
}

fn into_receipt(result: ExecutionResult) -> Result<Receipt> {
    match result {
        ExecutionResult::Success { .. } => Ok(Receipt {
            gas_used: result.tx_gas_used(),
            contract_address: result.created_address(),
            logs: result.into_logs(),
        }),
        ExecutionResult::Revert { output, .. } => Err(Error::Reverted { data: output }),
        ExecutionResult::Halt { reason, .. } => Err(Error::Halted { reason: format!("{reason:?}") }),
    }
}

impl Chain for EmbeddedChain {
    fn backend(&self) -> &'static str {
        "embedded"
    }

    fn chain_id(&mut self) -> Result<u64> {
        Ok(DEV_CHAIN_ID)
    }

    fn send(&mut self, tx: TxRequest) -> Result<Receipt> {
        let ResultAndState { result, state } = self.execute(&tx)?;
        if !result.is_success() {
            // Not mined, as a node's gas estimation refuses a reverting transaction before it is sent: a
            // revert changes nothing here either (no block, no nonce), so both backends agree on nonces.
            return into_receipt(result);
        }
        let block_number = self.block.number.saturating_to::<u64>();
        let block_timestamp = self.block.timestamp.saturating_to::<u64>();
        if let Some(store) = &mut self.store {
            // Durable before anything changes in memory: a failed write leaves the chain as it was.
            let block = MinedBlock {
                number: block_number,
                timestamp: block_timestamp,
                hash: self.db.block_hash_ref(block_number).unwrap_or_default(),
                state: &state,
                known_code: &self.db.cache.contracts,
                logs: result.logs(),
            };
            store.commit_block(&block, Head { next_block: block_number + 1, timestamp: block_timestamp })?;
        }
        self.db.commit(state);
        self.block.number += U256::from(1);
        let receipt = into_receipt(result)?;
        let block_hash = self.block_hash(block_number)?;
        self.logs.extend(receipt.logs.iter().enumerate().map(|(index, log)| ChainLog {
            block_number,
            block_timestamp,
            block_hash,
            log_index: index as u64,
            log: log.clone(),
        }));
        Ok(receipt)
    }

    fn block_number(&mut self) -> Result<u64> {
        // The block of the last committed transaction (`block.number` is the next one's).
        Ok(self.block.number.saturating_to::<u64>() - 1)
    }

    fn block_hash(&mut self, number: u64) -> Result<B256> {
        let latest = self.block_number()?;
        if number > latest {
            return Err(Error::UnknownBlock { number, latest });
        }
        // The hash the BLOCKHASH opcode sees: this chain has one history, so a number names one block.
        Ok(self.db.block_hash_ref(number).unwrap_or_default())
    }

    fn logs(&mut self, filter: &LogFilter) -> Result<Vec<ChainLog>> {
        Ok(self.logs.iter().filter(|entry| filter.matches(entry.block_number, &entry.log)).cloned().collect())
    }

    fn call(&mut self, tx: TxRequest) -> Result<Bytes> {
        match self.execute(&tx)?.result {
            ExecutionResult::Success { output, .. } => Ok(output.into_data()),
            ExecutionResult::Revert { output, .. } => Err(Error::Reverted { data: output }),
            ExecutionResult::Halt { reason, .. } => Err(Error::Halted { reason: format!("{reason:?}") }),
        }
    }

    fn estimate_gas(&mut self, tx: TxRequest) -> Result<u64> {
        let result = self.execute(&tx)?.result;
        Ok(into_receipt(result)?.gas_used)
    }

    fn balance(&mut self, account: Address) -> Result<U256> {
        Ok(self.account(account).map_or(U256::ZERO, |info| info.balance))
    }

    fn code(&mut self, account: Address) -> Result<Bytes> {
        let Some(info) = self.account(account) else { return Ok(Bytes::new()) };
        let code = match info.code {
            Some(code) => code,
            None => self.db.code_by_hash_ref(info.code_hash).unwrap_or_default(),
        };
        Ok(code.original_bytes())
    }

    fn timestamp(&mut self) -> Result<u64> {
        Ok(self.block.timestamp.saturating_to())
    }

    fn advance_time(&mut self, seconds: u64) -> Result<u64> {
        let timestamp = self.block.timestamp + U256::from(seconds);
        if let Some(store) = &mut self.store {
            let Ok(stored) = u64::try_from(timestamp) else {
                return Err(Error::Unsupported {
                    operation: "advance_time",
                    reason: format!("a persistent chain's clock stops at {}", u64::MAX),
                });
            };
            store.set_head(Head { next_block: self.block.number.saturating_to(), timestamp: stored })?;
        }
        self.block.timestamp = timestamp;
        self.timestamp()
    }

    fn set_balance(&mut self, account: Address, amount: U256) -> Result<()> {
        let mut info = self.account(account).unwrap_or_default();
        info.balance = amount;
        if let Some(store) = &mut self.store {
            store.set_account(account, &info)?;
        }
        self.db.insert_account_info(account, info);
        Ok(())
    }

    fn snapshot(&mut self) -> Result<Snapshot> {
        self.refuse_snapshots("snapshot")?;
        let id = self.next_snapshot;
        self.next_snapshot += U256::from(1);
        self.snapshots.insert(id, (self.db.clone(), self.block.clone(), self.logs.len()));
        Ok(Snapshot(id))
    }

    fn revert_to(&mut self, snapshot: Snapshot) -> Result<()> {
        self.refuse_snapshots("revert_to")?;
        let (db, block, logs) = self
            .snapshots
            .get(&snapshot.0)
            .cloned()
            .ok_or(Error::Unsupported { operation: "revert_to", reason: format!("unknown snapshot {}", snapshot.0) })?;
        self.db = db;
        self.block = block;
        self.logs.truncate(logs);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALICE: Address = Address::repeat_byte(0xa1);

    #[test]
    fn snapshot_and_revert_restore_balances_and_the_clock() {
        let mut chain = EmbeddedChain::new();
        chain.set_balance(ALICE, U256::from(100)).unwrap();
        let snapshot = chain.snapshot().unwrap();
        chain.send(TxRequest::call(ALICE, Address::ZERO).with_value(U256::from(40))).unwrap();
        chain.advance_time(3_600).unwrap();
        assert_eq!(chain.balance(ALICE).unwrap(), U256::from(60));
        chain.revert_to(snapshot).unwrap();
        assert_eq!(chain.balance(ALICE).unwrap(), U256::from(100));
        assert_eq!(chain.timestamp().unwrap(), GENESIS_TIMESTAMP);
        assert!(chain.revert_to(Snapshot(U256::from(99))).is_err(), "unknown snapshot");
    }

    #[test]
    fn a_revert_returns_its_data_and_commits_nothing() {
        let mut chain = EmbeddedChain::new();
        chain.set_balance(ALICE, U256::from(100)).unwrap();
        // Init code: mstore(0, 0x2a); revert(offset 31, size 1) -> revert data 0x2a.
        let code = alloy_primitives::hex!("602a6000526001601ffd");
        let error = chain.send(TxRequest::deploy(ALICE, code.to_vec()).with_value(U256::from(10))).unwrap_err();
        assert!(matches!(&error, Error::Reverted { data } if data.as_ref() == [0x2a]), "{error}");
        assert_eq!(chain.balance(ALICE).unwrap(), U256::from(100));
    }

    #[test]
    fn a_transfer_without_funds_is_an_invalid_transaction() {
        let mut chain = EmbeddedChain::new();
        let error = chain.send(TxRequest::call(ALICE, Address::ZERO).with_value(U256::from(1))).unwrap_err();
        assert!(matches!(error, Error::InvalidTransaction { .. }), "{error}");
    }

    #[test]
    fn a_failed_write_changes_nothing_in_memory_and_refuses_later_writes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chain.sqlite");
        let mut chain = EmbeddedChain::open(&path).unwrap();
        chain.set_balance(ALICE, U256::from(100)).unwrap();
        // Stop the file from growing: a deployment of 20,000 bytes of code needs new pages.
        let conn = chain.store.as_ref().unwrap().conn();
        let pages: i64 = conn.pragma_query_value(None, "page_count", |row| row.get(0)).unwrap();
        conn.pragma_update(None, "max_page_count", pages).unwrap();
        drop(conn);
        // Init code: return(0, 20000), 20,000 zero bytes (STOPs) of runtime.
        let big = alloy_primitives::hex!("614e206000f3");
        let error = chain.send(TxRequest::deploy(ALICE, big.to_vec())).unwrap_err();
        assert!(matches!(error, Error::Store { .. }), "{error}");
        let unchanged = |chain: &mut EmbeddedChain| {
            assert_eq!(chain.nonce(ALICE), 0);
            assert_eq!(chain.block_number().unwrap(), 0);
            assert_eq!(chain.balance(ALICE).unwrap(), U256::from(100));
            assert!(chain.code(ALICE.create(0)).unwrap().is_empty());
        };
        unchanged(&mut chain);
        // The file may or may not hold a write that failed, so the chain writes nothing more.
        let error = chain.set_balance(ALICE, U256::from(1)).unwrap_err();
        assert!(matches!(error, Error::Store { .. }), "{error}");
        assert!(chain.advance_time(1).is_err());
        assert!(chain.send(TxRequest::call(ALICE, Address::ZERO)).is_err());
        unchanged(&mut chain);
        drop(chain);
        let mut reopened = EmbeddedChain::open(&path).unwrap();
        unchanged(&mut reopened);
        reopened.send(TxRequest::deploy(ALICE, big.to_vec())).unwrap();
        assert_eq!(reopened.code(ALICE.create(0)).unwrap().len(), 20_000);
    }

    #[test]
    fn a_chain_can_be_sent_to_and_shared_between_threads() {
        fn send_and_sync<T: Send + Sync>() {}
        send_and_sync::<EmbeddedChain>();
    }

    #[test]
    fn deployments_get_nonce_derived_addresses_and_code() {
        let mut chain = EmbeddedChain::new();
        // Init code returning the one-byte runtime 0x00 (STOP).
        // Init code: mstore8(0, 0); return(0, 1).
        let code = alloy_primitives::hex!("600060005360016000f3");
        let first = chain.send(TxRequest::deploy(ALICE, code.to_vec())).unwrap().contract_address.unwrap();
        let second = chain.send(TxRequest::deploy(ALICE, code.to_vec())).unwrap().contract_address.unwrap();
        assert_eq!(first, ALICE.create(0));
        assert_eq!(second, ALICE.create(1));
        assert_eq!(chain.code(first).unwrap().as_ref(), [0x00]);
    }
}
