//! Transactions and receipts as the two backends share them.

use alloy_primitives::{Address, Bytes, Log, U256};

/// A transaction (or read-only call) to execute.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TxRequest {
    /// The sender: an address the backend can sign for (any address on the embedded chain).
    pub from: Address,
    /// The callee; `None` deploys `input` as init code.
    pub to: Option<Address>,
    /// Ether sent along.
    pub value: U256,
    /// Calldata, or init code for a deployment.
    pub input: Bytes,
}

impl TxRequest {
    /// A call from `from` to `to` with no value and no data.
    pub fn call(from: Address, to: Address) -> Self {
        Self { from, to: Some(to), ..Self::default() }
    }

    /// A deployment of `init_code` from `from`.
    pub fn deploy(from: Address, init_code: impl Into<Bytes>) -> Self {
        Self { from, to: None, input: init_code.into(), ..Self::default() }
    }

    /// Sets the calldata.
    pub fn with_input(mut self, input: impl Into<Bytes>) -> Self {
        self.input = input.into();
        self
    }

    /// Sets the ether value.
    pub fn with_value(mut self, value: U256) -> Self {
        self.value = value;
        self
    }
}

/// The outcome of a committed transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Receipt {
    /// Gas used, as the transaction receipt reports it (after refunds).
    pub gas_used: u64,
    /// Logs emitted, in order.
    pub logs: Vec<Log>,
    /// The deployed contract's address, for deployments.
    pub contract_address: Option<Address>,
}

/// A recorded chain state to return to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Snapshot(pub(crate) U256);
