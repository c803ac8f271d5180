//! The seeded agents and their hidden state.
//!
//! A borrower has a hidden reliability `r` (Beta-like: the mean of two uniforms, so most are middling)
//! and a FICO drawn correlated with it: `FICO = clamp(480 + 340·r + 40·N, 300, 850)`. Its kind decides how
//! it pays, whatever its score says:
//! - honest (the rest): pays each installment on its due day, or 1–10 days late with probability `1 − max(r, ½)`;
//! - honest but late (probability 0.15): pays 3–12 days after each due day, and one installment in fifty
//!   16–30 days late, past the grace period;
//! - income shock (probability 0.2·(1 − r)): from a random day in the run it misses a run of 2–6 installments,
//!   then resumes if the loan has not been declared in default;
//! - strategic defaulter (probability 0.05·(1 − r)): borrows as much as it can once and never pays.
//!
//! It registers on a day drawn uniformly over the first 90 % of the run, looks for a loan from the next day,
//! wants `0.5 + 4.5·U` ether, and after repaying a loan wants another after 15–90 days. A share of borrowers
//! also bring a credit file for private loan decisions ([`crate::decisions::CreditFiles::draw`]). A lender has
//! capital `20 + 180·U` ether and a risk appetite: the riskiest loan tier it funds.

use alloy::signers::local::PrivateKeySigner;
use alloy_primitives::{Address, keccak256};
use aloe_ml::rng::SplitMix64;

use crate::decisions::CreditFiles;

/// How a borrower pays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// On time, or a few days late.
    Honest,
    /// 5–25 days after each due day.
    Late,
    /// Misses a run of installments from `day`.
    Shock {
        /// The first day of the shock.
        day: u32,
        /// Installments missed.
        missed: u8,
    },
    /// Borrows once and never pays.
    Strategic,
}

/// A borrower's fixed traits.
#[derive(Debug, Clone, PartialEq)]
pub struct BorrowerTraits {
    /// Its address.
    pub address: Address,
    /// Hidden reliability in [0, 1].
    pub reliability: f64,
    /// The FICO the notary verifies.
    pub fico: u16,
    /// How it pays.
    pub kind: Kind,
    /// The day it registers.
    pub arrival_day: u32,
    /// What it wants to borrow, in milli-ether.
    pub want_milli: u64,
    /// The credit file it applies with (an applicant of [`CreditFiles`]), if any.
    pub credit_file: Option<usize>,
}

/// A lender's fixed traits.
#[derive(Debug, Clone, PartialEq)]
pub struct LenderTraits {
    /// Its address.
    pub address: Address,
    /// Capital in milli-ether.
    pub capital_milli: u64,
    /// The lowest tier it funds (index into the market's tiers).
    pub lowest_tier: usize,
}

/// The seeded key of a market role's `index`-th agent: public, for simulations only (the embedded chain
/// needs no signature; a JSON-RPC node gets these keys to sign with).
pub fn signer(role: &str, index: usize) -> PrivateKeySigner {
    (0u32..)
        .find_map(|attempt| PrivateKeySigner::from_bytes(&keccak256(format!("aloe-sim:{role}:{index}:{attempt}"))).ok())
        .expect("a valid key within a few attempts")
}

fn address(role: &str, index: usize) -> Address {
    signer(role, index).address()
}

/// Auditors of the identity escrow (any two reconstruct).
pub const AUDITORS: usize = 3;

/// Every agent's key for a run of `borrowers` and `lenders`: the roles, the auditors, the borrowers, the lenders.
pub fn signers(borrowers: usize, lenders: usize) -> Vec<PrivateKeySigner> {
    let roles = ROLES.iter().map(|r| signer(r, 0)).chain((1..=AUDITORS).map(|i| signer("auditor", i)));
    roles
        .chain((0..borrowers).map(|i| signer("borrower", i)))
        .chain((0..lenders).map(|i| signer("lender", i)))
        .collect()
}

/// Borrower `index`'s national identifier (synthetic, nine digits, unique per borrower): what the notary
/// verifies and a defaulter's lenders reconstruct.
pub fn national_id(index: usize) -> String {
    format!("9{:08}", index)
}

/// The market's roles.
pub const ROLES: [&str; 4] = ["owner", "notary", "creator", "keeper"];

fn normal(rng: &mut SplitMix64) -> f64 {
    (-2.0 * (1.0 - rng.next_f64()).ln()).sqrt() * (std::f64::consts::TAU * rng.next_f64()).cos()
}

/// `n` borrowers over a run of `days` days, some with one of `files`.
pub fn borrowers(n: usize, days: u32, files: &CreditFiles, rng: &mut SplitMix64) -> Vec<BorrowerTraits> {
    (0..n)
        .map(|i| {
            let reliability = 0.5 * (rng.next_f64() + rng.next_f64());
            let fico = (480.0 + 340.0 * reliability + 40.0 * normal(rng)).clamp(300.0, 850.0).round() as u16;
            let u = rng.next_f64();
            let kind = if u < 0.05 * (1.0 - reliability) {
                Kind::Strategic
            } else if u < 0.25 * (1.0 - reliability) {
                Kind::Shock { day: rng.below(days.max(1) as usize) as u32, missed: 2 + rng.below(5) as u8 }
            } else if u < 0.25 * (1.0 - reliability) + 0.15 {
                Kind::Late
            } else {
                Kind::Honest
            };
            BorrowerTraits {
                address: address("borrower", i),
                reliability,
                fico,
                kind,
                arrival_day: rng.below((days as usize * 9 / 10).max(1)) as u32,
                want_milli: 500 + rng.below(4_501) as u64,
                credit_file: files.draw(reliability, rng),
            }
        })
        .collect()
}

/// `n` lenders choosing among `tiers` tiers.
pub fn lenders(n: usize, tiers: usize, rng: &mut SplitMix64) -> Vec<LenderTraits> {
    (0..n)
        .map(|i| LenderTraits {
            address: address("lender", i),
            capital_milli: 20_000 + rng.below(180_001) as u64,
            lowest_tier: rng.below(tiers),
        })
        .collect()
}

/// The keyless address of a market role ("owner", "notary", "creator", "keeper").
pub fn role(name: &str) -> Address {
    address(name, 0)
}
