//! The escrow parties' view of the chain: [`aloe_identity::roles::Registry`] over the bureau, the
//! identity escrow and the loans, through `aloe-contracts` on any [`Chain`].

use alloy_primitives::{Address, B256, Bytes};
use aloe_chain::Chain;
use aloe_contracts::{IdentityRecord, Loan, Protocol};
use aloe_identity::{
    Error, Result,
    encryption::EncryptionKey,
    escrow::{AuditorInfo, AuditorSet, IdentityCommitment},
    roles::{ConfirmedDefault, Registry, ReleasedCiphertext},
};

/// A chain and the deployed protocol on it.
pub struct ChainRegistry {
    chain: Box<dyn Chain + Send>,
    protocol: Protocol,
}

impl std::fmt::Debug for ChainRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChainRegistry")
            .field("backend", &self.chain.backend())
            .field("protocol", &self.protocol)
            .finish()
    }
}

fn chain_error(error: impl std::fmt::Display) -> Error {
    Error::Chain(error.to_string())
}

fn loan(address: Address) -> Loan {
    // Only views and logs are used here: the asset does not matter.
    Loan { address, asset: Address::ZERO }
}

impl ChainRegistry {
    /// The registry of `protocol` on `chain`.
    pub fn new(chain: Box<dyn Chain + Send>, protocol: Protocol) -> Self {
        Self { chain, protocol }
    }

    /// The chain, for the operations the roles do not cover (tests, tools).
    pub fn chain(&mut self) -> &mut dyn Chain {
        self.chain.as_mut()
    }

    /// The protocol's addresses.
    pub fn protocol(&self) -> &Protocol {
        &self.protocol
    }
}

impl Registry for ChainRegistry {
    fn domain(&mut self) -> Result<(u64, Address)> {
        Ok((self.protocol.chain_id, self.protocol.identity_escrow.address))
    }

    fn now(&mut self) -> Result<u64> {
        self.chain.timestamp().map_err(chain_error)
    }

    fn is_notary(&mut self, account: Address) -> Result<bool> {
        self.protocol.bureau.is_notary(self.chain.as_mut(), account).map_err(chain_error)
    }

    fn is_registered(&mut self, borrower: Address) -> Result<bool> {
        match self.protocol.bureau.verify_unused_address(self.chain.as_mut(), borrower) {
            Ok(()) => Ok(false),
            Err(error) if error.revert().is_some() => Ok(true),
            Err(error) => Err(chain_error(error)),
        }
    }

    fn borrower_of_tag(&mut self, tag: B256) -> Result<Option<Address>> {
        let holder = self.protocol.identity_escrow.borrower_of_tag(self.chain.as_mut(), tag).map_err(chain_error)?;
        Ok((holder != Address::ZERO).then_some(holder))
    }

    fn current_auditor_set(&mut self) -> Result<AuditorSet> {
        let escrow = self.protocol.identity_escrow;
        let epoch = escrow.current_epoch(self.chain.as_mut()).map_err(chain_error)?;
        if epoch == 0 {
            return Err(Error::refused("the escrow has no auditor set yet"));
        }
        let (auditors, threshold) = escrow.auditor_set(self.chain.as_mut(), epoch).map_err(chain_error)?;
        let auditors = auditors
            .into_iter()
            .zip(1u8..)
            .map(|(auditor, index)| AuditorInfo {
                account: auditor.account,
                index,
                encryption_key: EncryptionKey(auditor.encryptionKey.0),
            })
            .collect();
        Ok(AuditorSet { epoch, threshold, auditors })
    }

    fn identity_of(&mut self, borrower: Address) -> Result<Option<IdentityCommitment>> {
        let record = self.protocol.identity_escrow.identity_of(self.chain.as_mut(), borrower).map_err(chain_error)?;
        Ok((record.epoch != 0).then_some(IdentityCommitment {
            identity_tag: record.identityTag,
            identity_hash: record.identityHash,
            escrow_digest: record.escrowDigest,
            epoch: record.epoch,
        }))
    }

    fn register(
        &mut self,
        notary: Address,
        borrower: Address,
        fico_score: u16,
        commitment: &IdentityCommitment,
        attributes_commitment: B256,
    ) -> Result<()> {
        let now = self.now()?;
        let record = IdentityRecord {
            identityTag: commitment.identity_tag,
            identityHash: commitment.identity_hash,
            escrowDigest: commitment.escrow_digest,
            attributesCommitment: attributes_commitment,
            epoch: commitment.epoch,
        };
        self.protocol
            .bureau
            .init_score_ledger(self.chain.as_mut(), notary, borrower, u64::from(fico_score), now, record)
            .map_err(chain_error)?;
        Ok(())
    }

    fn defaults_since(&mut self, from_block: u64) -> Result<(Vec<ConfirmedDefault>, u64)> {
        // The latest block first: a default confirmed after it is found by the next pass.
        let latest = self.chain.block_number().map_err(chain_error)?;
        if from_block > latest {
            return Ok((Vec::new(), latest));
        }
        let events = self.protocol.bureau.defaults_since(self.chain.as_mut(), from_block).map_err(chain_error)?;
        let defaults = events
            .into_iter()
            .filter(|(block, _)| *block <= latest)
            .map(|(block, event)| ConfirmedDefault { block, loan: event.loan, borrower: event.borrower })
            .collect();
        Ok((defaults, latest))
    }

    fn is_defaulted(&mut self, loan_address: Address, borrower: Address) -> Result<bool> {
        if !self.protocol.bureau.is_loan(self.chain.as_mut(), loan_address).map_err(chain_error)? {
            return Ok(false);
        }
        Ok(loan(loan_address).borrower_position(self.chain.as_mut(), borrower).map_err(chain_error)?.defaulted)
    }

    fn lenders_of(&mut self, loan_address: Address) -> Result<Vec<Address>> {
        loan(loan_address).lenders(self.chain.as_mut()).map_err(chain_error)
    }

    fn encryption_key_of(&mut self, account: Address) -> Result<Option<EncryptionKey>> {
        let key = self.protocol.identity_escrow.encryption_key_of(self.chain.as_mut(), account).map_err(chain_error)?;
        Ok((key != B256::ZERO).then_some(EncryptionKey(key.0)))
    }

    fn release_shares(
        &mut self,
        auditor: Address,
        loan: Address,
        borrower: Address,
        releases: Vec<(Address, Vec<u8>)>,
    ) -> Result<()> {
        let (lenders, sealed): (Vec<Address>, Vec<Bytes>) = releases.into_iter().map(|(l, s)| (l, s.into())).unzip();
        self.protocol
            .identity_escrow
            .release_shares(self.chain.as_mut(), auditor, loan, borrower, lenders, sealed)
            .map_err(chain_error)?;
        Ok(())
    }

    fn released_to(&mut self, loan: Address, borrower: Address, lender: Address) -> Result<Vec<ReleasedCiphertext>> {
        let events = self
            .protocol
            .identity_escrow
            .released_shares(self.chain.as_mut(), loan, borrower, lender)
            .map_err(chain_error)?;
        Ok(events
            .into_iter()
            .map(|event| ReleasedCiphertext { auditor_index: event.auditorIndex, sealed: event.sealedShare.to_vec() })
            .collect())
    }
}
