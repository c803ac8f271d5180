//! Transactions and receipts as the two backends share them.

use alloy_primitives::{Address, B256, Bytes, Log, U256};

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

/// Which logs [`crate::Chain::logs`] returns: those of the given contracts, matching the given topics
/// (`None` matches any), in a block range.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LogFilter {
    /// The emitting contracts (at least one: an indexer names what it follows, never the whole chain).
    pub addresses: Vec<Address>,
    /// Topic 0 (the event signature) and the indexed arguments; `None` matches anything.
    pub topics: [Option<B256>; 4],
    /// The first block searched.
    pub from_block: u64,
    /// The last block searched; `None` for the latest.
    pub to_block: Option<u64>,
}

impl LogFilter {
    /// Every log of `event` (its signature hash) emitted by `address`.
    pub fn event(address: Address, event: B256) -> Self {
        Self { addresses: vec![address], topics: [Some(event), None, None, None], ..Self::default() }
    }

    /// Every log of any of `addresses`.
    pub fn contracts(addresses: Vec<Address>) -> Self {
        Self { addresses, ..Self::default() }
    }

    /// Requires indexed argument `index` (1 to 3) to equal `value`.
    pub fn with_topic(mut self, index: usize, value: B256) -> Self {
        self.topics[index] = Some(value);
        self
    }

    /// Searches from `block` on.
    pub fn from_block(mut self, block: u64) -> Self {
        self.from_block = block;
        self
    }

    /// Searches up to `block` (inclusive).
    pub fn to_block(mut self, block: u64) -> Self {
        self.to_block = Some(block);
        self
    }

    /// Whether `log`, emitted in `block`, matches.
    pub fn matches(&self, block: u64, log: &Log) -> bool {
        let topics = log.topics();
        self.addresses.contains(&log.address)
            && block >= self.from_block
            && self.to_block.is_none_or(|to| block <= to)
            && self.topics.iter().enumerate().all(|(i, wanted)| wanted.is_none_or(|w| topics.get(i) == Some(&w)))
    }
}

/// A log with the block it was emitted in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChainLog {
    /// The block number.
    pub block_number: u64,
    /// The block's timestamp (Unix seconds): what dates an event, e.g. for a history window.
    pub block_timestamp: u64,
    /// The block's hash: an indexer compares it to notice a reorganisation.
    pub block_hash: B256,
    /// The log's position in its block.
    pub log_index: u64,
    /// The log.
    pub log: Log,
}
