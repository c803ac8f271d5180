//! `aloe lender set-key` and `aloe lender reveal`: a lender's encryption key (derived from its account
//! key, so there is no second secret to keep) and the reconstruction of a defaulter's identity.

use alloy_primitives::{Address, B256};
use aloe_identity::{encryption::DecryptionKey, roles::lender};
use anyhow::Context;

use super::{ChainArgs, KeyArgs};

/// Arguments of `aloe lender set-key`.
#[derive(Debug, clap::Args)]
pub(crate) struct SetKeyArgs {
    #[command(flatten)]
    chain: ChainArgs,
    #[command(flatten)]
    key: KeyArgs,
}

/// Arguments of `aloe lender reveal`.
#[derive(Debug, clap::Args)]
pub(crate) struct RevealArgs {
    #[command(flatten)]
    chain: ChainArgs,
    #[command(flatten)]
    key: KeyArgs,
    /// The loan the borrower defaulted on.
    #[arg(long)]
    loan: Address,
    /// The borrower.
    #[arg(long)]
    borrower: Address,
}

pub(crate) fn set_key(args: SetKeyArgs) -> anyhow::Result<()> {
    let signer = args.key.signer()?;
    let key = DecryptionKey::derive(signer.to_bytes().as_slice()).public();
    let mut registry = args.chain.registry(signer.clone())?;
    let escrow = registry.protocol().identity_escrow;
    escrow.set_encryption_key(registry.chain(), signer.address(), B256::from(key.0)).context("setting the key")?;
    println!("encryption key of {} set to 0x{}", signer.address(), alloy_primitives::hex::encode(key.0));
    Ok(())
}

pub(crate) fn reveal(args: RevealArgs) -> anyhow::Result<()> {
    let signer = args.key.signer()?;
    let key = DecryptionKey::derive(signer.to_bytes().as_slice());
    let mut registry = args.chain.registry(signer.clone())?;
    let identity = lender::reveal(&mut registry, &key, signer.address(), args.loan, args.borrower)
        .with_context(|| format!("revealing {} for the default on {}", args.borrower, args.loan))?;
    println!("{}", identity.expose());
    Ok(())
}
