//! Identity escrow (ALOE paper III-A and III-D): a borrower's identity is split among auditors so that any
//! t of them, and no fewer, can reveal it, and they do so only to the lenders of a loan the borrower
//! defaulted on, as the chain shows.
//!
//! The cryptography, without I/O:
//! - [`identity`]: the escrow secret (a random scalar) seals the national identifier and salts its
//!   on-chain hash; the notaries' tag key makes one identity one address.
//! - [`sharing`]: Feldman verifiable secret sharing of the escrow secret (vsss-rs over secp256k1).
//! - [`encryption`]: HPKE (X25519, ChaCha20-Poly1305) of shares to auditors and lenders.
//! - [`messages`]: the signed messages (EIP-712 over ABI structs) and the escrow digest.
//! - [`escrow`]: the three parties' pure steps: the notary's split into deliveries, the auditor's check
//!   of a delivery and re-encryption for a lender, the lender's reconstruction.
//!
//! The parties, over the chain ([`roles::Registry`]) and their SQLite stores ([`store`]):
//! [`roles::notary`], [`roles::auditor`], [`roles::lender`].

pub mod encryption;
mod error;
pub mod escrow;
pub mod identity;
pub mod messages;
pub mod roles;
pub mod sharing;
pub mod store;

pub use error::{Error, Result};
