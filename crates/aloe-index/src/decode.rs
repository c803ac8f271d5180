//! Any followed log to its event name, its arguments as JSON and the addresses it names, from the committed
//! artifacts' ABIs.
//!
//! This is the generic half of decoding, for the raw `events` table and "every event about X": it needs no
//! code per event, so a new event in the contracts is indexed (and searchable by the addresses it names) as soon
//! as the artifacts are rebuilt. The projections decode the events they fold with the typed `sol!` bindings.
//!
//! JSON conventions: addresses checksummed, integers of at most 48 bits as numbers (scores, rates, times) and
//! wider ones as decimal strings (amounts; JSON numbers lose precision past 2^53), bytes as 0x-hex.

use std::{collections::HashMap, sync::LazyLock};

use alloy_dyn_abi::{DynSolValue, EventExt};
use alloy_json_abi::{Event, JsonAbi};
use alloy_primitives::{Address, B256, LogData};
use serde_json::{Map, Value, json};

use crate::{Error, Result};

/// Which of the protocol's contracts emitted an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub enum Source {
    /// The CreditBureau (registrations, loan creation, ledgers, defaults).
    Bureau,
    /// One of the bureau's loans.
    Loan,
    /// The bureau's k-NN score model.
    ScoreModel,
    /// The identity escrow.
    IdentityEscrow,
    /// The registry of decision models.
    DecisionModels,
}

impl Source {
    /// The name stored in the `events` table.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Bureau => "bureau",
            Self::Loan => "loan",
            Self::ScoreModel => "scoreModel",
            Self::IdentityEscrow => "identityEscrow",
            Self::DecisionModels => "decisionModels",
        }
    }

    /// The inverse of [`Source::as_str`].
    pub(crate) fn parse(name: &str) -> Result<Self> {
        [Self::Bureau, Self::Loan, Self::ScoreModel, Self::IdentityEscrow, Self::DecisionModels]
            .into_iter()
            .find(|source| source.as_str() == name)
            .ok_or_else(|| Error::Corrupt { what: format!("event source {name:?}") })
    }
}

/// A log, decoded generically.
#[derive(Debug)]
pub(crate) struct Decoded {
    /// The event's name ("unknown" for a signature the ABI does not have).
    pub(crate) name: String,
    /// Its arguments by name (null for an unknown event).
    pub(crate) args: Value,
    /// Every address among the arguments, with the argument's name.
    pub(crate) parties: Vec<(Address, String)>,
}

type Events = HashMap<B256, Event>;

fn events_of(artifact: &str) -> Events {
    let json: Value = serde_json::from_str(artifact).expect("committed artifact is JSON");
    let abi: JsonAbi = serde_json::from_value(json["abi"].clone()).expect("committed artifact has an ABI");
    abi.events().map(|event| (event.selector(), event.clone())).collect()
}

static ABIS: LazyLock<HashMap<Source, Events>> = LazyLock::new(|| {
    HashMap::from([
        (Source::Bureau, events_of(include_str!("../../../contracts/artifacts/CreditBureau.json"))),
        (Source::Loan, events_of(include_str!("../../../contracts/artifacts/Loan.json"))),
        (Source::ScoreModel, events_of(include_str!("../../../contracts/artifacts/KnnModel.json"))),
        (Source::IdentityEscrow, events_of(include_str!("../../../contracts/artifacts/IdentityEscrow.json"))),
        (Source::DecisionModels, events_of(include_str!("../../../contracts/artifacts/DecisionModels.json"))),
    ])
});

/// Decodes `log` as an event of `source`'s ABI.
pub(crate) fn decode(source: Source, log: &LogData, block: u64, log_index: u64) -> Result<Decoded> {
    let Some(event) = log.topics().first().and_then(|topic| ABIS[&source].get(topic)) else {
        return Ok(Decoded { name: "unknown".into(), args: Value::Null, parties: Vec::new() });
    };
    let decoded = event.decode_log(log).map_err(|e| Error::Decode {
        event: event.signature(),
        block,
        log_index,
        reason: e.to_string(),
    })?;
    let (mut indexed, mut body) = (decoded.indexed.into_iter(), decoded.body.into_iter());
    let mut args = Map::new();
    let mut parties = Vec::new();
    for input in &event.inputs {
        let value = if input.indexed { indexed.next() } else { body.next() };
        let Some(value) = value else { break };
        collect_addresses(&value, &input.name, &mut parties);
        args.insert(input.name.clone(), to_json(&value));
    }
    Ok(Decoded { name: event.name.clone(), args: Value::Object(args), parties })
}

fn collect_addresses(value: &DynSolValue, role: &str, into: &mut Vec<(Address, String)>) {
    match value {
        DynSolValue::Address(address) if !into.iter().any(|(a, r)| a == address && r == role) => {
            into.push((*address, role.to_owned()))
        }
        DynSolValue::Array(items) | DynSolValue::FixedArray(items) | DynSolValue::Tuple(items) => {
            items.iter().for_each(|item| collect_addresses(item, role, into))
        }
        _ => {}
    }
}

/// Integers up to this width are JSON numbers; wider ones decimal strings.
const NUMBER_BITS: usize = 48;

fn to_json(value: &DynSolValue) -> Value {
    match value {
        DynSolValue::Bool(b) => json!(b),
        DynSolValue::Uint(u, bits) if *bits <= NUMBER_BITS => json!(u.saturating_to::<u64>()),
        DynSolValue::Uint(u, _) => json!(u.to_string()),
        DynSolValue::Int(i, bits) if *bits <= NUMBER_BITS => json!(i.as_i64()),
        DynSolValue::Int(i, _) => json!(i.to_string()),
        DynSolValue::Address(address) => json!(address.to_string()),
        DynSolValue::FixedBytes(word, size) => json!(format!("0x{}", hex(&word[..*size]))),
        DynSolValue::Bytes(bytes) => json!(format!("0x{}", hex(bytes))),
        DynSolValue::String(s) => json!(s),
        DynSolValue::Array(items) | DynSolValue::FixedArray(items) | DynSolValue::Tuple(items) => {
            Value::Array(items.iter().map(to_json).collect())
        }
        DynSolValue::Function(function) => json!(function.to_string()),
        // Variants behind features another crate of the build may enable (eip712's structs): no event has them.
        #[allow(unreachable_patterns)]
        _ => Value::Null,
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloy_primitives::U256;
    use alloy_sol_types::SolEvent;
    use aloe_contracts::bindings::{CreditBureau, Loan};

    #[test]
    fn a_typed_event_decodes_to_named_arguments_and_parties() {
        let borrower = Address::repeat_byte(0xb0);
        let notary = Address::repeat_byte(0x70);
        let event = CreditBureau::ScoreLedgerInitialized {
            borrower,
            notary,
            ficoScore: 720,
            timestamp: alloy_primitives::Uint::from(1_767_225_600u64),
        };
        let decoded = decode(Source::Bureau, &event.encode_log_data(), 1, 0).unwrap();
        assert_eq!(decoded.name, "ScoreLedgerInitialized");
        assert_eq!(decoded.args["ficoScore"], json!(720));
        assert_eq!(decoded.args["timestamp"], json!(1_767_225_600u64));
        assert_eq!(decoded.args["borrower"], json!(borrower.to_string()));
        assert_eq!(decoded.parties, vec![(borrower, "borrower".into()), (notary, "notary".into())]);
    }

    #[test]
    fn wide_amounts_are_decimal_strings() {
        let amount = U256::from(10u64).pow(U256::from(25));
        let event = Loan::Invested { lender: Address::ZERO, amount, totalInvested: amount };
        let decoded = decode(Source::Loan, &event.encode_log_data(), 1, 0).unwrap();
        assert_eq!(decoded.args["amount"], json!("10000000000000000000000000"));
    }

    #[test]
    fn an_unknown_signature_is_kept_as_unknown() {
        let log = LogData::new_unchecked(vec![B256::repeat_byte(7)], Default::default());
        let decoded = decode(Source::Loan, &log, 1, 0).unwrap();
        assert_eq!((decoded.name.as_str(), decoded.args), ("unknown", Value::Null));
    }
}
