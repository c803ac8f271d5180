//! Decoding revert data into the protocol's custom errors.

use alloy_primitives::Bytes;
use alloy_sol_types::{GenericContractError, SolInterface};

use crate::bindings::{
    CreditBureau, DecisionModels, IdentityEscrow, KnnModel, Loan, TestDecisionVerifier, TestLendingPool, TestToken,
};

/// Why a call reverted, decoded against every Aloe contract's errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Revert {
    /// A CreditBureau error (registration, loan terms, access control...).
    Bureau(CreditBureau::CreditBureauErrors),
    /// A Loan error (funding, payments, withdrawals, defaults...).
    Loan(Loan::LoanErrors),
    /// An IdentityEscrow error (auditor sets, identities, share hand-over).
    Escrow(IdentityEscrow::IdentityEscrowErrors),
    /// A KnnModel error (upload, caps, k...).
    Model(KnnModel::KnnModelErrors),
    /// A DecisionModels error (unknown or retired model, a verifier without code...).
    DecisionModels(DecisionModels::DecisionModelsErrors),
    /// A decision verifier's error (every generated verifier has the same: a precompile out of gas).
    Verifier(TestDecisionVerifier::TestDecisionVerifierErrors),
    /// An ERC-20 error from the token moved.
    Token(TestToken::TestTokenErrors),
    /// A [`crate::aave::TestLendingPool`] error (unlisted reserve, over-borrow, healthy user...). Errors it shares
    /// with the protocol (`ZeroAmount`, OpenZeppelin's) decode as the protocol's, under the same name.
    LendingPool(TestLendingPool::TestLendingPoolErrors),
    /// `Error(string)` or `Panic(uint256)`.
    Generic(GenericContractError),
    /// Data no known ABI explains.
    Unknown(Bytes),
}

impl Revert {
    /// Decodes `data`; never fails (unknown data is kept as is).
    pub fn decode(data: &[u8]) -> Self {
        if let Ok(e) = Loan::LoanErrors::abi_decode(data) {
            Self::Loan(e)
        } else if let Ok(e) = CreditBureau::CreditBureauErrors::abi_decode(data) {
            Self::Bureau(e)
        } else if let Ok(e) = IdentityEscrow::IdentityEscrowErrors::abi_decode(data) {
            Self::Escrow(e)
        } else if let Ok(e) = KnnModel::KnnModelErrors::abi_decode(data) {
            Self::Model(e)
        } else if let Ok(e) = DecisionModels::DecisionModelsErrors::abi_decode(data) {
            Self::DecisionModels(e)
        } else if let Ok(e) = TestDecisionVerifier::TestDecisionVerifierErrors::abi_decode(data) {
            Self::Verifier(e)
        } else if let Ok(e) = TestToken::TestTokenErrors::abi_decode(data) {
            Self::Token(e)
        } else if let Ok(e) = TestLendingPool::TestLendingPoolErrors::abi_decode(data) {
            Self::LendingPool(e)
        } else if let Ok(e) = GenericContractError::abi_decode(data) {
            Self::Generic(e)
        } else {
            Self::Unknown(Bytes::copy_from_slice(data))
        }
    }

    /// The error's name, e.g. `OverInvestment`.
    pub fn name(&self) -> String {
        let debug = format!("{self}");
        debug.split(['(', ' ', '{']).next().unwrap_or_default().to_owned()
    }
}

impl std::fmt::Display for Revert {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The generated enums debug-print as `Variant(Variant { field: value, .. })`; show the inner part.
        let inner = match self {
            Self::Bureau(e) => format!("{e:?}"),
            Self::Loan(e) => format!("{e:?}"),
            Self::Model(e) => format!("{e:?}"),
            Self::Escrow(e) => format!("{e:?}"),
            Self::DecisionModels(e) => format!("{e:?}"),
            Self::Verifier(e) => format!("{e:?}"),
            Self::Token(e) => format!("{e:?}"),
            Self::LendingPool(e) => format!("{e:?}"),
            Self::Generic(GenericContractError::Revert(r)) => return write!(f, "Error({:?})", r.reason),
            Self::Generic(GenericContractError::Panic(p)) => return write!(f, "Panic({})", p.code),
            Self::Generic(other) => return write!(f, "{other:?}"),
            Self::Unknown(data) => return write!(f, "unknown revert data {data}"),
        };
        let shown = inner.split_once('(').map_or(inner.as_str(), |(_, rest)| rest.strip_suffix(')').unwrap_or(rest));
        f.write_str(shown)
    }
}
