//! The files the commands exchange: a setup's verifying key (JSON, beside the binary proving key), a
//! proof with its public inputs, and a borrower's attributes with the salt that opens their commitment.
//! Every reader checks what it can: formats and versions, canonical encodings, and that a proving key
//! belongs to its verifying key and model.

use aloe_ml::data::{Labels, parse_line};
use aloe_ml::fixed_input::CommittedAttributes;
use ark_bn254::{Bn254, Fr};
use ark_groth16::{Proof, ProvingKey, VerifyingKey};
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::circuit::PublicInputs;
use crate::commitment::{commit, from_bytes32, to_bytes32};
use crate::groth16::{from_bytes, to_bytes};
use crate::model::{DecisionModel, Visibility};

/// A file that cannot be used.
#[derive(Debug, Error)]
pub enum FileError {
    /// Not JSON of the expected shape.
    #[error("not a {what} file: {reason}")]
    Malformed {
        /// Which file.
        what: &'static str,
        /// Why.
        reason: String,
    },
    /// A field that is inconsistent with the rest or with the model.
    #[error("{0}")]
    Inconsistent(String),
}

fn malformed(what: &'static str, reason: impl ToString) -> FileError {
    FileError::Malformed { what, reason: reason.to_string() }
}

/// Lowercase hex with `0x`.
pub fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(2 + 2 * bytes.len());
    out.push_str("0x");
    for b in bytes {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// Bytes from hex (with or without `0x`).
pub fn unhex(text: &str) -> Option<Vec<u8>> {
    let digits = text.strip_prefix("0x").unwrap_or(text);
    if !digits.len().is_multiple_of(2) {
        return None;
    }
    (0..digits.len()).step_by(2).map(|i| u8::from_str_radix(digits.get(i..i + 2)?, 16).ok()).collect()
}

/// A canonical field element from 32-byte hex.
pub fn field_from_hex(text: &str) -> Option<Fr> {
    let bytes: [u8; 32] = unhex(text)?.try_into().ok()?;
    from_bytes32(&bytes)
}

/// A field element as 32-byte hex.
pub fn field_hex(x: Fr) -> String {
    hex(&to_bytes32(x))
}

/// An address (20 bytes) as a field element.
pub fn address_field(address: &[u8; 20]) -> Fr {
    let mut bytes = [0u8; 32];
    bytes[12..].copy_from_slice(address);
    from_bytes32(&bytes).expect("an address is below the field's order")
}

const KEY_FORMAT: &str = "aloe-zk/verifying-key";
const PROOF_FORMAT: &str = "aloe-zk/proof";
const ATTRIBUTES_FORMAT: &str = "aloe-zk/attributes";
const VERSION: u32 = 1;

/// A setup's public half.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct VerifyingKeyFile {
    /// Always `aloe-zk/verifying-key`.
    pub format: String,
    /// Format version.
    pub version: u32,
    /// The model file's SHA-256.
    pub model_sha256: String,
    /// Whether the weights are private witnesses.
    pub private_weights: bool,
    /// Bits of each private weight (0 for public weights).
    pub weight_bits: u32,
    /// The model identifier (the first public input).
    pub model_id: String,
    /// Constraints of the circuit.
    pub constraints: usize,
    /// The verifying key, compressed, hex.
    pub verifying_key: String,
}

impl VerifyingKeyFile {
    /// The file for `model`'s key `vk`.
    pub fn new(model: &DecisionModel, vk: &VerifyingKey<Bn254>, constraints: usize) -> Self {
        let (private_weights, weight_bits) = match model.visibility {
            Visibility::Public => (false, 0),
            Visibility::Private { weight_bits } => (true, weight_bits),
        };
        Self {
            format: KEY_FORMAT.into(),
            version: VERSION,
            model_sha256: model.sha256.clone(),
            private_weights,
            weight_bits,
            model_id: field_hex(model.model_id()),
            constraints,
            verifying_key: hex(&to_bytes(vk)),
        }
    }

    /// Parse and check the format.
    pub fn from_json(text: &str) -> Result<Self, FileError> {
        let file: Self = serde_json::from_str(text).map_err(|e| malformed("verifying key", e))?;
        if file.format != KEY_FORMAT || file.version != VERSION {
            return Err(malformed("verifying key", format!("format {} version {}", file.format, file.version)));
        }
        file.key()?;
        file.model_id()?;
        Ok(file)
    }

    /// The key.
    pub fn key(&self) -> Result<VerifyingKey<Bn254>, FileError> {
        let bytes = unhex(&self.verifying_key).ok_or_else(|| malformed("verifying key", "key is not hex"))?;
        from_bytes(&bytes).map_err(|e| malformed("verifying key", e))
    }

    /// The model identifier.
    pub fn model_id(&self) -> Result<Fr, FileError> {
        field_from_hex(&self.model_id).ok_or_else(|| malformed("verifying key", "model-id is not a field element"))
    }

    /// Check that `model` is this key's model (same file, same visibility).
    pub fn check_model(&self, model: &DecisionModel) -> Result<(), FileError> {
        let same = model.sha256 == self.model_sha256
            && field_hex(model.model_id()) == self.model_id
            && matches!(model.visibility, Visibility::Private { .. }) == self.private_weights;
        if !same {
            return Err(FileError::Inconsistent(format!(
                "the key is for model {} ({} weights), not {}",
                self.model_sha256,
                if self.private_weights { "private" } else { "public" },
                model.sha256
            )));
        }
        Ok(())
    }

    /// Read a proving key's bytes and check it belongs to this key.
    pub fn proving_key(&self, bytes: &[u8]) -> Result<ProvingKey<Bn254>, FileError> {
        let pk: ProvingKey<Bn254> = from_bytes(bytes).map_err(|e| malformed("proving key", e))?;
        if pk.vk != self.key()? {
            return Err(FileError::Inconsistent("the proving key is not the verifying key's".into()));
        }
        Ok(pk)
    }
}

/// A proof and its public inputs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ProofFile {
    /// Always `aloe-zk/proof`.
    pub format: String,
    /// Format version.
    pub version: u32,
    /// The model identifier.
    pub model_id: String,
    /// The attributes commitment.
    pub commitment: String,
    /// The borrower (0x address).
    pub borrower: String,
    /// The threshold (model's fixed-point units).
    pub min_margin: i32,
    /// The proof, compressed, hex.
    pub proof: String,
    /// The proof as the verifier contract's eight words (hex), for `borrowWithProof`.
    pub calldata: Vec<String>,
}

impl ProofFile {
    /// The file for a proof.
    pub fn new(model_id: Fr, public: &PublicInputs, borrower: &[u8; 20], proof: &Proof<Bn254>) -> Self {
        Self {
            format: PROOF_FORMAT.into(),
            version: VERSION,
            model_id: field_hex(model_id),
            commitment: field_hex(public.commitment),
            borrower: hex(borrower),
            min_margin: public.min_margin,
            proof: hex(&to_bytes(proof)),
            calldata: crate::solidity::proof_words(proof).iter().map(|w| format!("{w:#066x}")).collect(),
        }
    }

    /// Parse and check every field.
    pub fn from_json(text: &str) -> Result<Self, FileError> {
        let file: Self = serde_json::from_str(text).map_err(|e| malformed("proof", e))?;
        if file.format != PROOF_FORMAT || file.version != VERSION {
            return Err(malformed("proof", format!("format {} version {}", file.format, file.version)));
        }
        file.parts()?;
        Ok(file)
    }

    /// The borrower's 20 bytes.
    pub fn borrower_bytes(&self) -> Result<[u8; 20], FileError> {
        unhex(&self.borrower)
            .and_then(|b| b.try_into().ok())
            .ok_or_else(|| malformed("proof", "borrower is not an address"))
    }

    /// The model identifier, public inputs and proof.
    pub fn parts(&self) -> Result<(Fr, PublicInputs, Proof<Bn254>), FileError> {
        let field = |name: &str, text: &str| {
            field_from_hex(text).ok_or_else(|| malformed("proof", format!("{name} is not a field element")))
        };
        let public = PublicInputs {
            commitment: field("commitment", &self.commitment)?,
            borrower: address_field(&self.borrower_bytes()?),
            min_margin: self.min_margin,
        };
        let bytes = unhex(&self.proof).ok_or_else(|| malformed("proof", "proof is not hex"))?;
        let proof = from_bytes(&bytes).map_err(|e| malformed("proof", e))?;
        Ok((field("model-id", &self.model_id)?, public, proof))
    }
}

/// A borrower's attributes (the UCI coding) and the salt of their commitment: what the borrower keeps
/// to prove with, and sends to the notary once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct AttributesFile {
    /// Always `aloe-zk/attributes`.
    pub format: String,
    /// Format version.
    pub version: u32,
    /// The 20 attributes in the UCI coding, space separated (`A11 6 A34 ...`).
    pub uci: String,
    /// The salt (32-byte hex, a field element).
    pub salt: String,
    /// `Poseidon(pack(attributes), salt)`, what the notary stores on-chain.
    pub commitment: String,
}

impl AttributesFile {
    /// The file for `uci` attributes and `salt`.
    pub fn new(uci: &str, salt: Fr) -> Result<Self, FileError> {
        let attributes = parse_attributes(uci)?;
        Ok(Self {
            format: ATTRIBUTES_FORMAT.into(),
            version: VERSION,
            uci: uci.trim().to_string(),
            salt: field_hex(salt),
            commitment: field_hex(commit(&attributes, salt)),
        })
    }

    /// Parse and check: the attributes, the salt, and that they open the stated commitment.
    pub fn from_json(text: &str) -> Result<Self, FileError> {
        let file: Self = serde_json::from_str(text).map_err(|e| malformed("attributes", e))?;
        if file.format != ATTRIBUTES_FORMAT || file.version != VERSION {
            return Err(malformed("attributes", format!("format {} version {}", file.format, file.version)));
        }
        let (attributes, salt) = file.opening()?;
        if field_hex(commit(&attributes, salt)) != file.commitment {
            return Err(FileError::Inconsistent("the attributes and salt do not open the stated commitment".into()));
        }
        Ok(file)
    }

    /// The committed attributes and the salt.
    pub fn opening(&self) -> Result<(CommittedAttributes, Fr), FileError> {
        let salt = field_from_hex(&self.salt).ok_or_else(|| malformed("attributes", "salt is not a field element"))?;
        Ok((parse_attributes(&self.uci)?, salt))
    }
}

/// 20 attributes in the UCI coding (no class column) as committed attributes.
pub fn parse_attributes(uci: &str) -> Result<CommittedAttributes, FileError> {
    let (applicant, class) = parse_line(1, uci, Labels::Optional)
        .map_err(|e| malformed("attributes", e))?
        .ok_or_else(|| malformed("attributes", "no attributes"))?;
    if class.is_some() {
        return Err(malformed("attributes", "20 attributes expected, not a class column"));
    }
    CommittedAttributes::from_applicant(&applicant).map_err(|e| malformed("attributes", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    const APPLICANT: &str = "A11 6 A34 A43 1169 A65 A75 4 A93 A101 4 A121 67 A143 A152 2 A173 1 A192 A201";

    #[test]
    fn an_attributes_file_must_open_its_commitment() {
        let file = AttributesFile::new(APPLICANT, Fr::from(7u64)).unwrap();
        let json = serde_json::to_string(&file).unwrap();
        assert_eq!(AttributesFile::from_json(&json).unwrap(), file);
        let mut other = file.clone();
        other.salt = field_hex(Fr::from(8u64));
        let refused = AttributesFile::from_json(&serde_json::to_string(&other).unwrap()).unwrap_err();
        assert!(refused.to_string().contains("do not open"), "{refused}");
        other.salt = "0x12".into();
        assert!(AttributesFile::from_json(&serde_json::to_string(&other).unwrap()).is_err());
        let mut other = file.clone();
        other.uci = APPLICANT.replacen(" 67 ", " 999 ", 1);
        assert!(AttributesFile::from_json(&serde_json::to_string(&other).unwrap()).is_err());
        assert!(AttributesFile::new(&format!("{APPLICANT} 1"), Fr::from(7u64)).is_err(), "a class column is refused");
        assert!(AttributesFile::from_json("{\"format\": \"aloe-zk/attributes\"}").is_err());
    }

    #[test]
    fn hex_and_field_parsing_refuse_what_is_not_canonical() {
        assert_eq!(unhex("0x0aff"), Some(vec![0x0a, 0xff]));
        assert_eq!(unhex("abc"), None);
        assert_eq!(unhex("0xzz"), None);
        assert_eq!(field_from_hex(&hex(&[0xff; 32])), None);
        assert_eq!(field_from_hex(&field_hex(Fr::from(5u64))), Some(Fr::from(5u64)));
    }
}
