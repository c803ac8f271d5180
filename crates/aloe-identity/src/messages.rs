//! What the parties send each other, and how it is signed and checked.
//!
//! Messages are Solidity ABI structs: one canonical byte encoding for signing (EIP-712, domain = the
//! escrow contract on its chain), for hashing (the on-chain escrow digest) and for the wire, where the
//! ABI bytes travel hex-encoded in a small JSON envelope. A decoder accepts only the canonical encoding,
//! so a message has exactly one byte form and one replay key.

use alloy_primitives::{Address, B256, Bytes, Signature, keccak256};
use alloy_signer::SignerSync;
use alloy_signer_local::PrivateKeySigner;
use alloy_sol_types::{Eip712Domain, SolStruct, SolValue, eip712_domain, sol};
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

sol! {
    /// What every auditor of one registration receives alike, and what the on-chain escrow digest commits
    /// to: the borrower, the auditor set (epoch) and threshold, the identity hash, the Feldman commitments
    /// (t compressed points) and the sealed identifier.
    #[derive(Debug, PartialEq, Eq)]
    struct EscrowPackage {
        address borrower;
        uint32 epoch;
        uint8 threshold;
        bytes32 identityHash;
        bytes commitments;
        bytes sealedIdentity;
    }

    /// The notary's message to one auditor (paper III-A): the package, that auditor's share encrypted to
    /// its key, and a registration id that makes each delivery unique (the replay key).
    #[derive(Debug, PartialEq, Eq)]
    struct ShareDelivery {
        EscrowPackage package;
        bytes32 registrationId;
        address auditor;
        uint8 auditorIndex;
        bytes encryptedShare;
        uint64 issuedAt;
    }

    /// The plaintext an auditor encrypts to a lender of a defaulted loan: its share and the package to
    /// check it against.
    #[derive(Debug, PartialEq, Eq)]
    struct ReleasedShare {
        EscrowPackage package;
        uint8 index;
        bytes32 value;
    }

    /// One share, as encrypted to its auditor.
    #[derive(Debug, PartialEq, Eq)]
    struct SharePlaintext {
        uint8 index;
        bytes32 value;
    }

    /// A borrower's request to a notary, signed with the address's key: proof that they own it.
    #[derive(Debug, PartialEq, Eq)]
    struct RegistrationRequest {
        address borrower;
        address notary;
        uint16 ficoScore;
        uint64 issuedAt;
    }
}

/// The EIP-712 domain of an escrow contract on a chain.
pub fn domain(chain_id: u64, escrow: Address) -> Eip712Domain {
    eip712_domain! {
        name: "Aloe Identity Escrow",
        version: "1",
        chain_id: chain_id,
        verifying_contract: escrow,
    }
}

impl EscrowPackage {
    /// keccak256(abi.encode(package)): the escrow digest recorded on-chain at registration.
    pub fn digest(&self) -> B256 {
        keccak256(self.abi_encode())
    }
}

/// Decodes canonical ABI bytes of `T`, refusing anything that does not re-encode to the same bytes.
pub fn decode_canonical<T: SolValue + From<<T::SolType as alloy_sol_types::SolType>::RustType>>(
    what: &'static str,
    bytes: &[u8],
) -> Result<T> {
    let value = T::abi_decode_validate(bytes).map_err(|e| Error::malformed(what, e))?;
    if value.abi_encode() != bytes {
        return Err(Error::malformed(what, "not the canonical encoding"));
    }
    Ok(value)
}

/// A message on the wire: its ABI bytes and the EIP-712 signature over them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Signed {
    /// The message's canonical ABI encoding.
    pub message: Bytes,
    /// The 65-byte signature (r ‖ s ‖ v) of its EIP-712 hash.
    pub signature: Bytes,
}

impl Signed {
    /// Signs `message` under `domain`.
    pub fn sign<T: SolStruct + SolValue>(
        message: &T,
        domain: &Eip712Domain,
        signer: &PrivateKeySigner,
    ) -> Result<Self> {
        let signature = signer
            .sign_hash_sync(&message.eip712_signing_hash(domain))
            .map_err(|e| Error::BadSignature { reason: e.to_string() })?;
        Ok(Self { message: message.abi_encode().into(), signature: signature.as_bytes().to_vec().into() })
    }

    /// Decodes the message and recovers who signed it under `domain`.
    pub fn open<T>(&self, what: &'static str, domain: &Eip712Domain) -> Result<(T, Address)>
    where
        T: SolStruct + SolValue + From<<T::SolType as alloy_sol_types::SolType>::RustType>,
    {
        let message: T = decode_canonical(what, &self.message)?;
        let signature = Signature::from_raw(&self.signature)
            .map_err(|e| Error::BadSignature { reason: format!("malformed: {e}") })?;
        // A high-s signature is a second encoding of the same one: refused, so each message has one form.
        if signature.normalize_s().is_some() {
            return Err(Error::BadSignature { reason: "non-canonical (high s)".into() });
        }
        let signer = signature
            .recover_address_from_prehash(&message.eip712_signing_hash(domain))
            .map_err(|e| Error::BadSignature { reason: e.to_string() })?;
        Ok((message, signer))
    }
}
