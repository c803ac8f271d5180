//! The JSON-RPC chain: an alloy provider over HTTP, signing with local keys.

use alloy::{
    network::{EthereumWallet, TransactionBuilder},
    providers::{DynProvider, Provider, ProviderBuilder},
    rpc::types::{Filter, TransactionRequest},
    signers::local::PrivateKeySigner,
    transports::{RpcError, TransportErrorKind},
};
use alloy_primitives::{Address, B256, Bytes, U256};
use std::collections::HashSet;
use tokio::runtime::Runtime;

use crate::{Chain, ChainLog, Error, LogFilter, Receipt, Result, Snapshot, TxRequest};

/// A chain reached over JSON-RPC: anvil locally, any Ethereum node in production.
///
/// The [`Chain`] interface is synchronous (the embedded chain, the hot path, has nothing to wait
/// for), so this backend owns a single-threaded tokio runtime and blocks on each request.
pub struct RpcChain {
    url: String,
    provider: DynProvider,
    signers: HashSet<Address>,
    runtime: Runtime,
}

impl std::fmt::Debug for RpcChain {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RpcChain").field("url", &self.url).field("signers", &self.signers).finish()
    }
}

impl RpcChain {
    /// Connects to `url`, able to send from each of `signers` (at least one).
    pub fn connect(url: &str, signers: Vec<PrivateKeySigner>) -> Result<Self> {
        let rpc_error = |message: String| Error::Rpc { url: url.to_owned(), message };
        let parsed = url.parse().map_err(|e| rpc_error(format!("invalid URL: {e}")))?;
        let mut signers = signers.into_iter();
        let first = signers.next().ok_or_else(|| rpc_error("at least one signer is needed".into()))?;
        let mut addresses = HashSet::from([first.address()]);
        let mut wallet = EthereumWallet::new(first);
        for signer in signers {
            addresses.insert(signer.address());
            wallet.register_signer(signer);
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| rpc_error(format!("cannot start the I/O runtime: {e}")))?;
        let provider = runtime.block_on(async {
            ProviderBuilder::new()
                // Nonces are read from the node for every transaction: a cached nonce manager counts a
                // nonce for a transaction whose gas estimation reverted, leaving a gap that stalls the next.
                .disable_recommended_fillers()
                .with_simple_nonce_management()
                .with_gas_estimation()
                .fetch_chain_id()
                .wallet(wallet)
                .connect_http(parsed)
                .erased()
        });
        let mut chain = Self { url: url.to_owned(), provider, signers: addresses, runtime };
        chain.chain_id()?; // fail early on an unreachable endpoint
        Ok(chain)
    }

    /// The endpoint.
    pub fn url(&self) -> &str {
        &self.url
    }

    fn block_timestamp(&self, number: u64) -> Result<u64> {
        self.block_timestamp_at(alloy::eips::BlockNumberOrTag::Number(number))
    }

    fn block_timestamp_at(&self, block: alloy::eips::BlockNumberOrTag) -> Result<u64> {
        Ok(self.header(block)?.timestamp)
    }

    fn header(&self, block: alloy::eips::BlockNumberOrTag) -> Result<alloy::rpc::types::Header> {
        let block = self
            .runtime
            .block_on(async { self.provider.get_block_by_number(block).await })
            .map_err(|e| self.rpc_error(e))?
            .ok_or_else(|| self.rpc_error(format!("node has no block {block}")))?;
        Ok(block.header)
    }

    fn rpc_error(&self, error: impl std::fmt::Display) -> Error {
        Error::Rpc { url: self.url.clone(), message: error.to_string() }
    }

    /// A node's revert comes as an error response carrying the revert data.
    fn classify(&self, error: RpcError<TransportErrorKind>) -> Error {
        match error.as_error_resp().and_then(|payload| payload.as_revert_data()) {
            Some(data) => Error::Reverted { data },
            None => self.rpc_error(error),
        }
    }

    fn request(&self, tx: &TxRequest) -> TransactionRequest {
        let request =
            TransactionRequest::default().with_from(tx.from).with_value(tx.value).with_input(tx.input.clone());
        match tx.to {
            Some(to) => request.with_to(to),
            None => request.into_create(),
        }
    }

    fn dev_method<T: serde::de::DeserializeOwned>(
        &self,
        operation: &'static str,
        method: &'static str,
        params: serde_json::Value,
    ) -> Result<T> {
        let unsupported = |reason: String| Error::Unsupported { operation, reason };
        let answer: serde_json::Value = self
            .runtime
            .block_on(self.provider.raw_request(method.into(), params))
            .map_err(|e| unsupported(e.to_string()))?;
        serde_json::from_value(answer).map_err(|e| unsupported(format!("unexpected answer to {method}: {e}")))
    }
}

impl Chain for RpcChain {
    fn backend(&self) -> &'static str {
        "json-rpc"
    }

    fn chain_id(&mut self) -> Result<u64> {
        self.runtime.block_on(self.provider.get_chain_id()).map_err(|e| self.rpc_error(e))
    }

    fn send(&mut self, tx: TxRequest) -> Result<Receipt> {
        if !self.signers.contains(&tx.from) {
            return Err(Error::UnknownSigner { address: tx.from });
        }
        let request = self.request(&tx);
        let receipt = self.runtime.block_on(async {
            let pending = self.provider.send_transaction(request).await.map_err(|e| self.classify(e))?;
            pending.get_receipt().await.map_err(|e| self.rpc_error(e))
        })?;
        if !receipt.status() {
            return Err(Error::FailedOnChain { hash: receipt.transaction_hash.to_string() });
        }
        Ok(Receipt {
            gas_used: receipt.gas_used,
            contract_address: receipt.contract_address,
            logs: receipt.inner.logs().iter().map(|log| log.inner.clone()).collect(),
        })
    }

    fn call(&mut self, tx: TxRequest) -> Result<Bytes> {
        let request = self.request(&tx);
        self.runtime.block_on(async { self.provider.call(request).await }).map_err(|e| self.classify(e))
    }

    fn estimate_gas(&mut self, tx: TxRequest) -> Result<u64> {
        let request = self.request(&tx);
        self.runtime.block_on(async { self.provider.estimate_gas(request).await }).map_err(|e| self.classify(e))
    }

    fn balance(&mut self, account: Address) -> Result<U256> {
        self.runtime.block_on(async { self.provider.get_balance(account).await }).map_err(|e| self.rpc_error(e))
    }

    fn code(&mut self, account: Address) -> Result<Bytes> {
        self.runtime.block_on(async { self.provider.get_code_at(account).await }).map_err(|e| self.rpc_error(e))
    }

    fn block_number(&mut self) -> Result<u64> {
        self.runtime.block_on(self.provider.get_block_number()).map_err(|e| self.rpc_error(e))
    }

    fn block_hash(&mut self, number: u64) -> Result<B256> {
        Ok(self.header(alloy::eips::BlockNumberOrTag::Number(number))?.hash)
    }

    fn logs(&mut self, filter: &LogFilter) -> Result<Vec<ChainLog>> {
        let mut query = Filter::new().address(filter.addresses.clone()).from_block(filter.from_block);
        query = match filter.to_block {
            Some(to) => query.to_block(to),
            None => query.to_block(alloy::eips::BlockNumberOrTag::Latest),
        };
        for (i, topic) in filter.topics.iter().enumerate() {
            if let Some(topic) = topic {
                query.topics[i] = (*topic).into();
            }
        }
        let logs = self.runtime.block_on(self.provider.get_logs(&query)).map_err(|e| self.rpc_error(e))?;
        // Nodes that fill `blockTimestamp` in logs save a request; for the others, one header per block.
        let mut timestamps = std::collections::HashMap::new();
        logs.into_iter()
            .map(|log| {
                let mined = || self.rpc_error("a mined log without its block or position");
                let block_number = log.block_number.ok_or_else(mined)?;
                let block_hash = log.block_hash.ok_or_else(mined)?;
                let log_index = log.log_index.ok_or_else(mined)?;
                let block_timestamp = match log.block_timestamp {
                    Some(t) => t,
                    None => match timestamps.get(&block_number) {
                        Some(&t) => t,
                        None => {
                            let t = self.block_timestamp(block_number)?;
                            timestamps.insert(block_number, t);
                            t
                        }
                    },
                };
                Ok(ChainLog { block_number, block_timestamp, block_hash, log_index, log: log.inner })
            })
            .collect()
    }

    fn timestamp(&mut self) -> Result<u64> {
        self.block_timestamp_at(alloy::eips::BlockNumberOrTag::Latest)
    }

    fn advance_time(&mut self, seconds: u64) -> Result<u64> {
        if seconds == 0 {
            return self.timestamp();
        }
        // An absolute next timestamp (not evm_increaseTime): it also works on a node whose clock is frozen
        // with anvil_setBlockTimestampInterval(0), as scripts/test runs anvil.
        let target = self.timestamp()? + seconds;
        let _: serde_json::Value =
            self.dev_method("advance_time", "evm_setNextBlockTimestamp", serde_json::json!([target]))?;
        let _: serde_json::Value = self.dev_method("advance_time", "evm_mine", serde_json::json!([]))?;
        self.timestamp()
    }

    fn set_balance(&mut self, account: Address, amount: U256) -> Result<()> {
        let _: serde_json::Value =
            self.dev_method("set_balance", "anvil_setBalance", serde_json::json!([account, amount]))?;
        Ok(())
    }

    fn snapshot(&mut self) -> Result<Snapshot> {
        let id: U256 = self.dev_method("snapshot", "evm_snapshot", serde_json::json!([]))?;
        Ok(Snapshot(id))
    }

    fn revert_to(&mut self, snapshot: Snapshot) -> Result<()> {
        let reverted: bool = self.dev_method("revert_to", "evm_revert", serde_json::json!([snapshot.0]))?;
        if reverted {
            Ok(())
        } else {
            Err(Error::Unsupported { operation: "revert_to", reason: format!("node refused snapshot {}", snapshot.0) })
        }
    }
}
