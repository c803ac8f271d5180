//! Sending typed calls through a chain and decoding what comes back.

use alloy_primitives::{Address, U256};
use alloy_sol_types::{SolCall, SolEvent};
use aloe_chain::{Chain, LogFilter, Receipt, TxRequest};

use crate::{Error, Result, Revert};

/// A committed transaction's receipt with the value it produced (a created loan's address...).
#[derive(Debug, Clone)]
pub struct Sent<T = ()> {
    /// What the call produced.
    pub value: T,
    /// The receipt (gas used, logs).
    pub receipt: Receipt,
}

fn classify(contract: &'static str, function: &'static str, error: aloe_chain::Error) -> Error {
    match error {
        aloe_chain::Error::Reverted { data } => {
            Error::Reverted { contract, function, reason: Box::new(Revert::decode(&data)) }
        }
        source => Error::Chain { contract, function, source },
    }
}

/// Sends `call` from `from` to `to` with `value` and returns the receipt.
pub(crate) fn send<C: SolCall>(
    chain: &mut dyn Chain,
    contract: &'static str,
    from: Address,
    to: Address,
    value: U256,
    call: C,
) -> Result<Sent> {
    let tx = TxRequest::call(from, to).with_value(value).with_input(call.abi_encode());
    let receipt = chain.send(tx).map_err(|e| classify(contract, C::SIGNATURE, e))?;
    Ok(Sent { value: (), receipt })
}

/// Calls `call` read-only on `to` and decodes its return value.
pub(crate) fn view<C: SolCall>(
    chain: &mut dyn Chain,
    contract: &'static str,
    to: Address,
    call: C,
) -> Result<C::Return> {
    let output = chain
        .call(TxRequest::call(Address::ZERO, to).with_input(call.abi_encode()))
        .map_err(|e| classify(contract, C::SIGNATURE, e))?;
    C::abi_decode_returns(&output).map_err(|source| Error::Decode { contract, function: C::SIGNATURE, source })
}

/// The gas `call` on `to` would use as a transaction (base cost and calldata included).
pub(crate) fn view_gas<C: SolCall>(chain: &mut dyn Chain, contract: &'static str, to: Address, call: C) -> Result<u64> {
    chain
        .estimate_gas(TxRequest::call(Address::ZERO, to).with_input(call.abi_encode()))
        .map_err(|e| classify(contract, C::SIGNATURE, e))
}

/// Deploys `init_code` from `from`.
pub(crate) fn deploy(
    chain: &mut dyn Chain,
    contract: &'static str,
    from: Address,
    init_code: Vec<u8>,
) -> Result<Sent<Address>> {
    let receipt = chain.send(TxRequest::deploy(from, init_code)).map_err(|e| classify(contract, "constructor", e))?;
    let address = receipt.contract_address.ok_or(Error::MissingEvent {
        contract,
        function: "constructor",
        event: "contract creation",
    })?;
    Ok(Sent { value: address, receipt })
}

/// The first `E` event emitted by `emitter` in the receipt of `C` sent to `contract`; an error naming both if
/// it is missing (a contract that does not behave as its ABI says).
pub(crate) fn expect_event<C: SolCall, E: SolEvent>(
    receipt: &Receipt,
    contract: &'static str,
    emitter: Address,
) -> Result<E> {
    receipt
        .logs
        .iter()
        .filter(|log| log.address == emitter)
        .find_map(|log| E::decode_log_data(&log.data).ok())
        .ok_or(Error::MissingEvent { contract, function: C::SIGNATURE, event: E::SIGNATURE })
}

/// The `E` events matching `filter`, decoded, with their block numbers, oldest first.
pub(crate) fn events<E: SolEvent>(
    chain: &mut dyn Chain,
    contract: &'static str,
    filter: &LogFilter,
) -> Result<Vec<(u64, E)>> {
    let logs = chain.logs(filter).map_err(|source| Error::Chain { contract, function: E::SIGNATURE, source })?;
    logs.iter()
        .map(|entry| {
            E::decode_log(&entry.log)
                .map(|decoded| (entry.block_number, decoded.data))
                .map_err(|source| Error::Decode { contract, function: E::SIGNATURE, source })
        })
        .collect()
}
