//! The compiled contracts, embedded at build time so no Node toolchain is needed to use them.

use std::sync::LazyLock;

use alloy_primitives::Bytes;

/// A compiled contract's creation code.
#[derive(Debug)]
pub struct Artifact {
    /// The contract's name.
    pub name: &'static str,
    /// Creation (init) code.
    pub bytecode: Bytes,
}

fn load(name: &'static str, json: &str) -> Artifact {
    let value: serde_json::Value = serde_json::from_str(json).expect("committed artifact is valid JSON");
    let hex = value["bytecode"]["object"].as_str().expect("artifact has bytecode.object");
    Artifact { name, bytecode: hex.parse().expect("artifact bytecode is hex") }
}

/// The CreditBureau (its constructor deploys the Loan implementation).
pub static CREDIT_BUREAU: LazyLock<Artifact> =
    LazyLock::new(|| load("CreditBureau", include_str!("../../../contracts/artifacts/CreditBureau.json")));

/// The identity escrow (deployed beside the bureau, which records registrations into it).
pub static IDENTITY_ESCROW: LazyLock<Artifact> =
    LazyLock::new(|| load("IdentityEscrow", include_str!("../../../contracts/artifacts/IdentityEscrow.json")));

/// A mintable ERC-20 for demos and tests.
pub static TEST_TOKEN: LazyLock<Artifact> =
    LazyLock::new(|| load("TestToken", include_str!("../../../contracts/artifacts/TestToken.json")));

/// The benchmark's baseline k-NN (one storage slot per point, a plain Solidity loop); not part of the
/// protocol.
pub static NAIVE_KNN: LazyLock<Artifact> =
    LazyLock::new(|| load("NaiveKnn", include_str!("../../../contracts/artifacts/NaiveKnn.json")));
