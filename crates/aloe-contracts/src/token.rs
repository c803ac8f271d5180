//! An ERC-20 handle (the demo's test token, or any token a loan lends).

use alloy_primitives::{Address, U256};
use aloe_chain::Chain;

use crate::{
    Result, Sent, artifacts,
    bindings::TestToken as abi,
    tx::{deploy, send, view},
};
use alloy_sol_types::SolConstructor;

const NAME: &str = "ERC20";

/// An ERC-20 token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Token {
    /// Its address.
    pub address: Address,
}

impl Token {
    /// Deploys the mintable test token (development chains only: anyone can mint it).
    pub fn deploy_test_token(chain: &mut dyn Chain, from: Address, name: &str, symbol: &str) -> Result<Sent<Self>> {
        let mut code = artifacts::TEST_TOKEN.bytecode.to_vec();
        code.extend(abi::constructorCall { name_: name.into(), symbol_: symbol.into() }.abi_encode());
        let sent = deploy(chain, "TestToken", from, code)?;
        Ok(Sent { value: Self { address: sent.value }, receipt: sent.receipt })
    }

    /// Mints `amount` to `to` (test token only).
    pub fn mint(&self, chain: &mut dyn Chain, from: Address, to: Address, amount: U256) -> Result<Sent> {
        send(chain, NAME, from, self.address, U256::ZERO, abi::mintCall { to, amount })
    }

    /// `owner` allows `spender` to move `amount`.
    pub fn approve(&self, chain: &mut dyn Chain, owner: Address, spender: Address, amount: U256) -> Result<Sent> {
        send(chain, NAME, owner, self.address, U256::ZERO, abi::approveCall { spender, value: amount })
    }

    /// `account`'s balance.
    pub fn balance_of(&self, chain: &mut dyn Chain, account: Address) -> Result<U256> {
        view(chain, NAME, self.address, abi::balanceOfCall { account })
    }
}
