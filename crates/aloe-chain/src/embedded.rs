//! The embedded chain: revm in the process, one block per transaction, a clock we set.

use std::collections::HashMap;

use alloy_primitives::{Address, B256, Bytes, U256};
use revm::{
    Context, DatabaseRef, ExecuteCommitEvm, ExecuteEvm, MainBuilder, MainContext,
    context::{
        BlockEnv, CfgEnv, TxEnv,
        result::{EVMError, ExecutionResult},
    },
    database::{CacheDB, EmptyDB},
    primitives::{TxKind, hardfork::SpecId},
    state::AccountInfo,
};

use crate::{Chain, ChainLog, DEV_CHAIN_ID, Error, LogFilter, Receipt, Result, Snapshot, TX_GAS_LIMIT_CAP, TxRequest};

/// Genesis time of a fresh embedded chain (2026-01-01T00:00:00Z), so schedules read like dates.
pub const GENESIS_TIMESTAMP: u64 = 1_767_225_600;

type Db = CacheDB<EmptyDB>;

/// An in-process chain on revm with Osaka rules.
///
/// Every sent transaction is mined in a block of its own at the current timestamp; the clock only
/// moves through [`Chain::advance_time`]. Gas is not charged for (price zero), so balances change
/// only by the value transfers the contracts make.
#[derive(Debug, Clone)]
pub struct EmbeddedChain {
    db: Db,
    block: BlockEnv,
    /// Every log of every committed transaction, for [`Chain::logs`].
    logs: Vec<ChainLog>,
    snapshots: HashMap<U256, (Db, BlockEnv, usize)>,
    next_snapshot: U256,
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
        }
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

    fn account(&self, address: Address) -> Option<AccountInfo> {
        self.db.basic_ref(address).ok().flatten()
    }

    /// Runs `tx` against a copy-free borrow of the state; `commit` decides whether it sticks.
    fn execute(&mut self, tx: &TxRequest, commit: bool) -> Result<ExecutionResult> {
        let tx_env = self.tx_env(tx)?;
        let db = std::mem::take(&mut self.db);
        let mut evm =
            Context::mainnet().with_db(db).with_block(self.block.clone()).with_cfg(Self::cfg()).build_mainnet();
        let outcome = if commit { evm.transact_commit(tx_env) } else { evm.transact(tx_env).map(|r| r.result) };
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
        let result = self.execute(&tx, true)?;
        let block_number = self.block.number.saturating_to::<u64>();
        let block_timestamp = self.block.timestamp.saturating_to::<u64>();
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
        match self.execute(&tx, false)? {
            ExecutionResult::Success { output, .. } => Ok(output.into_data()),
            ExecutionResult::Revert { output, .. } => Err(Error::Reverted { data: output }),
            ExecutionResult::Halt { reason, .. } => Err(Error::Halted { reason: format!("{reason:?}") }),
        }
    }

    fn estimate_gas(&mut self, tx: TxRequest) -> Result<u64> {
        let result = self.execute(&tx, false)?;
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
        self.block.timestamp += U256::from(seconds);
        self.timestamp()
    }

    fn set_balance(&mut self, account: Address, amount: U256) -> Result<()> {
        let mut info = self.account(account).unwrap_or_default();
        info.balance = amount;
        self.db.insert_account_info(account, info);
        Ok(())
    }

    fn snapshot(&mut self) -> Result<Snapshot> {
        let id = self.next_snapshot;
        self.next_snapshot += U256::from(1);
        self.snapshots.insert(id, (self.db.clone(), self.block.clone(), self.logs.len()));
        Ok(Snapshot(id))
    }

    fn revert_to(&mut self, snapshot: Snapshot) -> Result<()> {
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
