//! Actions with development keys, for local use: a person acts as one of the public development
//! accounts ([`DEV_USERS`]) to register through the notary, create a loan, invest, borrow, take the
//! disbursement, pay, withdraw, and move a development chain's clock. Every answer and page that uses
//! them says so: these keys are public, and a production deployment serves none of this.
//!
//! Each action is checked before anything is sent (fields parsed, the loan known to the bureau), then sent
//! as one transaction, which the contracts accept whole or refuse whole (409 with the custom error).

use alloy_primitives::Address;
use alloy_signer_local::PrivateKeySigner;
use aloe_chain::{Chain, dev_signer};
use aloe_contracts::{Loan, LoanTerms, Sent};
use aloe_identity::roles::{
    Registry,
    notary::{ModelAttributes, Registration, sign_request},
};
use aloe_ml::fixed_input::CommittedAttributes;
use aloe_zk::files::AttributesFile;
use ark_bn254::Fr;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    body::whole,
    problem::{ApiResult, Problem, address, wei},
};
use crate::{decision::LazyModel, node::DEV_USERS};

const DAY: u64 = 86_400;

/// Which development account acts: 0 to 9.
fn user(index: u32) -> ApiResult<PrivateKeySigner> {
    let count = (DEV_USERS.end - DEV_USERS.start) as u32;
    if index >= count {
        return Err(Problem::bad_field("user", format!("{index} is not a development account (0 to {})", count - 1)));
    }
    Ok(dev_signer(DEV_USERS.start + index as usize))
}

/// A development account, as the dashboard lists them.
#[derive(Clone, Debug, Serialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct DevUser {
    /// Its index (what actions name as `user`).
    pub user: u32,
    /// Its address.
    #[schema(value_type = String, example = "0x5FbDB2315678afecb367f032d93F642f64180aa3")]
    pub address: Address,
    /// Its ether balance, in wei.
    pub balance: aloe_index::Amount,
}

/// The development accounts and their balances.
pub fn users(chain: &mut dyn Chain) -> ApiResult<Vec<DevUser>> {
    DEV_USERS
        .enumerate()
        .map(|(i, index)| {
            let address = dev_signer(index).address();
            Ok(DevUser { user: i as u32, address, balance: aloe_index::Amount(chain.balance(address)?) })
        })
        .collect()
}

/// The outcome of a development action's transaction.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ActionOutcome {
    /// Who sent it.
    #[schema(value_type = String)]
    pub from: Address,
    /// Gas it used.
    pub gas_used: u64,
    /// The block it is in.
    pub block: u64,
    /// A created loan's address.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<String>)]
    pub loan: Option<Address>,
}

fn outcome<T>(chain: &mut dyn Chain, from: Address, sent: Sent<T>, loan: Option<Address>) -> ApiResult<ActionOutcome> {
    Ok(ActionOutcome { from, gas_used: sent.receipt.gas_used, block: chain.block_number()?, loan })
}

/// `POST /api/v1/dev/registrations`: a development account registers through the notary.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RegisterRequest {
    /// The development account (0 to 9).
    #[schema(minimum = 0, maximum = 9)]
    #[serde(deserialize_with = "whole")]
    pub user: u32,
    /// The FICO score the notary verified (300 to 850).
    #[schema(minimum = 300, maximum = 850)]
    #[serde(deserialize_with = "whole")]
    pub fico: u16,
    /// The national identifier the notary verified: split among the auditors, never on-chain (1 to 64
    /// printable ASCII characters).
    #[schema(pattern = "^[!-~]([ -~]{0,62}[!-~])?$")]
    pub national_id: String,
    /// The credit model's 20 attributes in the UCI coding (`A11 6 A34 …`), for loans that require the
    /// model's approval: the notary commits to them on-chain, and the account keeps them (with the salt)
    /// in the node's development wallet to prove with.
    #[serde(default)]
    // Each position's codes, and each number within the bits the circuit gives it (`aloe_ml::fixed_input`).
    #[schema(
        pattern = "^A1[1-4] (25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9]) A3[0-4] (A4[0-9]|A410) (0|[1-9][0-9]{0,5}) A6[1-5] A7[1-5] [0-7] A9[1-5] A10[1-3] [0-7] A12[1-4] (25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9]) A14[1-3] A15[1-3] [0-7] A17[1-4] [0-7] A19[12] A20[12]$"
    )]
    pub attributes: Option<String>,
}

/// The development accounts' credit attributes and commitment salts, kept as a borrower keeps them (one
/// `aloe zk` attributes file each) to prove with later. Development accounts only: these files are as
/// public as the accounts' keys.
#[derive(Clone, Debug)]
pub struct DevWallet {
    dir: std::path::PathBuf,
}

impl DevWallet {
    /// The wallet in `dir`.
    pub fn new(dir: std::path::PathBuf) -> Self {
        Self { dir }
    }

    fn path(&self, user: u32) -> std::path::PathBuf {
        self.dir.join(format!("user-{user}.attributes.json"))
    }

    /// Keeps `user`'s attributes file (replacing an earlier one).
    pub fn keep(&self, user: u32, file: &AttributesFile) -> ApiResult<()> {
        let failed = |e: &dyn std::fmt::Display| Problem::failed(StatusCode::INTERNAL_SERVER_ERROR, e);
        std::fs::create_dir_all(&self.dir).map_err(|e| failed(&e))?;
        let text = serde_json::to_string_pretty(file).map_err(|e| failed(&e))? + "\n";
        crate::node::write_atomically(&self.path(user), &text).map_err(|e| failed(&e))
    }

    /// `user`'s committed attributes and salt.
    pub fn opening(&self, user: u32) -> ApiResult<(CommittedAttributes, Fr)> {
        let text = std::fs::read_to_string(self.path(user)).map_err(|_| {
            Problem::refused(format!("development account {user} registered no credit attributes to prove with"))
        })?;
        let file = AttributesFile::from_json(&text)
            .map_err(|e| Problem::failed(StatusCode::INTERNAL_SERVER_ERROR, format!("the wallet's file: {e}")))?;
        file.opening().map_err(|e| Problem::failed(StatusCode::INTERNAL_SERVER_ERROR, e))
    }
}

/// A registration the notary accepted.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Registered {
    /// The borrower's address, now with a score ledger.
    #[schema(value_type = String)]
    pub borrower: Address,
    /// The auditor set holding its identity's shares.
    pub epoch: u32,
}

/// The registration a development account sends the notary (its request signed with its key), and the
/// attributes file it keeps when it registers attributes (a fresh random salt).
pub fn registration(
    registry: &mut dyn Registry,
    notary: Address,
    request: &RegisterRequest,
) -> ApiResult<(Registration, Option<AttributesFile>)> {
    let borrower = user(request.user)?;
    if !crate::notary::FICO_RANGE.contains(&request.fico) {
        return Err(Problem::bad_field("fico", format!("{} is outside 300 to 850", request.fico)));
    }
    let national_id = request.national_id.trim();
    if national_id.is_empty() {
        return Err(Problem::bad_field("nationalId", "is empty"));
    }
    let domain = registry.domain()?;
    let kept = match request.attributes.as_deref() {
        Some(uci) => Some(
            AttributesFile::new(uci, aloe_zk::commitment::random_salt(&mut rand::rngs::OsRng))
                .map_err(|e| Problem::bad_field("attributes", e))?,
        ),
        None => None,
    };
    let signed = sign_request(&borrower, notary, request.fico, registry.now()?, domain)?;
    let attributes = kept.as_ref().map(|file| ModelAttributes { uci: file.uci.clone(), salt: file.salt.clone() });
    Ok((Registration { national_id: national_id.to_owned(), request: signed, attributes }, kept))
}

/// `POST /api/v1/dev/loans`: a development account creates an ether loan.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CreateLoanRequest {
    /// The creator (0 to 9).
    #[schema(minimum = 0, maximum = 9)]
    #[serde(deserialize_with = "whole")]
    pub user: u32,
    /// The amount to raise, in wei (a decimal integer string; at most 28 digits, the contract's uint96).
    #[schema(pattern = "^[1-9][0-9]{0,27}$")]
    pub amount: String,
    /// Interest per payment period, in thousandths (10 = 1 %).
    #[schema(minimum = 0, maximum = 1000)]
    #[serde(deserialize_with = "whole")]
    pub rate_per_mil: u16,
    /// How many installments.
    #[schema(minimum = 1, maximum = 1200)]
    #[serde(deserialize_with = "whole")]
    pub payments: u16,
    /// Days between installments.
    #[schema(minimum = 1, maximum = 3650)]
    #[serde(deserialize_with = "whole")]
    pub period_days: u32,
    /// The lowest score (thousandths, 0 to 1000) a borrower needs.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 1000)]
    #[serde(deserialize_with = "whole")]
    pub min_score: u16,
    /// Days from now until funding closes.
    #[schema(minimum = 1, maximum = 3650)]
    #[serde(deserialize_with = "whole")]
    pub fund_days: u32,
    /// Days of grace after a missed installment before a default can be reported.
    #[schema(minimum = 0, maximum = 3650)]
    #[serde(deserialize_with = "whole")]
    pub grace_days: u32,
    /// The creator's fee on interest, in thousandths.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 1000)]
    #[serde(deserialize_with = "whole")]
    pub fee_per_mil: u16,
    /// Whether borrowers must prove the development credit model approves them (a zero-knowledge proof over
    /// the attributes the notary committed to) instead of meeting a minimum score.
    #[serde(default)]
    pub requires_proof: bool,
}

impl CreateLoanRequest {
    /// The terms, each field checked, the funding deadline counted from `now`; `decision_model` is the
    /// registry index a loan that requires a proof names.
    pub fn terms(&self, now: u64, decision_model: u32) -> ApiResult<LoanTerms> {
        // Bounded so that every field fits its Solidity type (seconds in a uint32, the deadline in a uint40).
        let within = |field: &str, value: u32, low: u32, high: u32| {
            if (low..=high).contains(&value) {
                Ok(u64::from(value))
            } else {
                Err(Problem::bad_field(field, format!("{value} is outside {low} to {high}")))
            }
        };
        if self.rate_per_mil > 1000 {
            return Err(Problem::bad_field("ratePerMil", format!("{} is above 1000", self.rate_per_mil)));
        }
        if self.min_score > 1000 {
            return Err(Problem::bad_field("minScore", format!("{} is above 1000", self.min_score)));
        }
        if self.fee_per_mil > 1000 {
            return Err(Problem::bad_field("feePerMil", format!("{} is above 1000", self.fee_per_mil)));
        }
        let total = wei("amount", &self.amount)?;
        Ok(LoanTerms {
            asset: Address::ZERO,
            totalAmount: if total.bit_len() <= 96 {
                total.to()
            } else {
                return Err(Problem::bad_field("amount", "does not fit the contract's uint96"));
            },
            intRatePerMil: self.rate_per_mil,
            numPayments: within("payments", self.payments.into(), 1, 1200)? as u16,
            secondsBetweenPayments: (within("periodDays", self.period_days, 1, 3650)? * DAY) as u32,
            minCreditScore: self.min_score,
            fundDate: alloy_primitives::Uint::from(now + within("fundDays", self.fund_days, 1, 3650)? * DAY),
            gracePeriod: (within("graceDays", self.grace_days, 0, 3650)? * DAY) as u32,
            creatorFeePerMil: self.fee_per_mil,
            decisionModel: if self.requires_proof { decision_model } else { 0 },
            minDecisionMargin: 0,
        })
    }
}

/// What a development account does with a loan for an amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LoanAction {
    /// Lends `amount`.
    Invest,
    /// Asks to borrow `amount` (its score must reach the loan's minimum).
    Borrow,
    /// Pays `amount` towards its installments.
    Pay,
    /// Withdraws `amount` of what the loan owes it as a lender.
    Withdraw,
}

impl LoanAction {
    /// The action named in the path (`invest`, `borrow`, `pay`, `withdraw`).
    pub fn parse(name: &str) -> ApiResult<Self> {
        Ok(match name {
            "invest" => Self::Invest,
            "borrow" => Self::Borrow,
            "pay" => Self::Pay,
            "withdraw" => Self::Withdraw,
            other => {
                return Err(Problem::not_found(
                    "action",
                    format!("no action {other:?} (invest, borrow, pay or withdraw)"),
                ));
            }
        })
    }
}

/// `POST /api/v1/dev/loans/{loan}/{action}`: who acts, and for how much.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoanActionRequest {
    /// The development account (0 to 9).
    #[schema(minimum = 0, maximum = 9)]
    #[serde(deserialize_with = "whole")]
    pub user: u32,
    /// The amount in wei (a decimal integer string).
    #[schema(pattern = "^[1-9][0-9]{0,76}$")]
    pub amount: String,
}

/// `POST /api/v1/dev/loans/{loan}/disburse`: the borrower who takes its principal.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DisburseRequest {
    /// The development account (0 to 9).
    #[schema(minimum = 0, maximum = 9)]
    #[serde(deserialize_with = "whole")]
    pub user: u32,
}

/// The bureau's loan at `text` (the path's), or a 404 naming `loan`.
fn bureau_loan(chain: &mut dyn Chain, protocol: &aloe_contracts::Protocol, text: &str) -> ApiResult<Loan> {
    let address = address("loan", text)?;
    if !protocol.bureau.is_loan(chain, address)? {
        return Err(Problem::not_found("loan", format!("{address} is not a loan of this bureau")));
    }
    // Development loans lend ether (the dashboard creates no token loans).
    Ok(Loan { address, asset: Address::ZERO })
}

/// Sends `action` on the bureau's loan at `loan` (the path's text).
pub fn act_on_loan(
    chain: &mut dyn Chain,
    protocol: &aloe_contracts::Protocol,
    loan: &str,
    action: LoanAction,
    request: &LoanActionRequest,
) -> ApiResult<ActionOutcome> {
    let from = user(request.user)?.address();
    let loan = bureau_loan(chain, protocol, loan)?;
    let amount = wei("amount", &request.amount)?;
    let sent = match action {
        LoanAction::Invest => loan.invest(chain, from, amount)?,
        LoanAction::Borrow => loan.borrow(chain, from, amount)?,
        LoanAction::Pay => loan.make_payment(chain, from, amount)?,
        LoanAction::Withdraw => loan.withdraw(chain, from, amount)?,
    };
    outcome(chain, from, sent, None)
}

/// Borrows `request.amount` from the loan at `loan` (the path's text) with a proof that `decision`'s model
/// approves the attributes the notary committed to for the account (from the development wallet).
pub fn borrow_with_proof(
    chain: &mut dyn Chain,
    protocol: &aloe_contracts::Protocol,
    (decision, wallet): (&LazyModel, &DevWallet),
    loan: &str,
    request: &LoanActionRequest,
) -> ApiResult<ActionOutcome> {
    let from = user(request.user)?.address();
    let loan = bureau_loan(chain, protocol, loan)?;
    let amount = wei("amount", &request.amount)?;
    let (_, terms) = loan.terms(chain)?;
    if terms.decisionModel != decision.index {
        return Err(Problem::refused(format!(
            "this loan requires {}; proofs here are of the development model {}",
            if terms.decisionModel == 0 {
                "no proof (borrow with a score)".to_owned()
            } else {
                format!("model {}", terms.decisionModel)
            },
            decision.index
        )));
    }
    let (attributes, salt) = wallet.opening(request.user)?;
    let model = decision.keyed(chain, protocol).map_err(|e| Problem::failed(StatusCode::INTERNAL_SERVER_ERROR, e))?;
    let proof =
        model.prove(&attributes, salt, from, terms.minDecisionMargin, &mut rand::rngs::OsRng).map_err(|e| match e {
            crate::Error::Decision(refusal @ aloe_zk::ZkError::NotApproved { .. }) => Problem::refused(refusal),
            other => Problem::failed(StatusCode::INTERNAL_SERVER_ERROR, other),
        })?;
    let sent = loan.borrow_with_proof(chain, from, amount, proof)?;
    outcome(chain, from, sent, None)
}

/// The borrower takes its principal from the funded loan at `loan` (the path's text).
pub fn disburse(
    chain: &mut dyn Chain,
    protocol: &aloe_contracts::Protocol,
    loan: &str,
    request: &DisburseRequest,
) -> ApiResult<ActionOutcome> {
    let from = user(request.user)?.address();
    let sent = bureau_loan(chain, protocol, loan)?.disburse(chain, from)?;
    outcome(chain, from, sent, None)
}

/// Creates the loan `request` describes (naming `decision_model` if it requires a proof).
pub fn create_loan(
    chain: &mut dyn Chain,
    protocol: &aloe_contracts::Protocol,
    request: &CreateLoanRequest,
    decision_model: u32,
) -> ApiResult<ActionOutcome> {
    let from = user(request.user)?.address();
    let terms = request.terms(chain.timestamp()?, decision_model)?;
    let sent = protocol.bureau.create_loan(chain, from, terms)?;
    let loan = sent.value.address;
    outcome(chain, from, sent, Some(loan))
}

/// `POST /api/v1/dev/clock`: moves a development chain's clock forward.
#[derive(Clone, Debug, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ClockRequest {
    /// Days to move forward (1 to 3650).
    #[schema(minimum = 1, maximum = 3650)]
    #[serde(deserialize_with = "whole")]
    pub days: u32,
}

/// The clock after a move.
#[derive(Clone, Debug, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct Clock {
    /// The chain's time (Unix seconds).
    pub timestamp: u64,
}

/// Moves the clock.
pub fn advance(chain: &mut dyn Chain, request: &ClockRequest) -> ApiResult<Clock> {
    if !(1..=3650).contains(&request.days) {
        return Err(Problem::bad_field("days", format!("{} is outside 1 to 3650", request.days)));
    }
    Ok(Clock { timestamp: chain.advance_time(u64::from(request.days) * DAY)? })
}
