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

/// The registry of decision models (deployed before the bureau, which takes its address).
pub static DECISION_MODELS: LazyLock<Artifact> =
    LazyLock::new(|| load("DecisionModels", include_str!("../../../contracts/artifacts/DecisionModels.json")));

/// A mintable ERC-20 for demos and tests.
pub static TEST_TOKEN: LazyLock<Artifact> =
    LazyLock::new(|| load("TestToken", include_str!("../../../contracts/artifacts/TestToken.json")));

/// An Aave-V3-shaped lending pool (same events, selectors and `getUserAccountData`) that doubles as its own price
/// oracle, for the DeFi score's tests and the embedded chain; not part of the protocol.
pub static TEST_LENDING_POOL: LazyLock<Artifact> =
    LazyLock::new(|| load("TestLendingPool", include_str!("../../../contracts/artifacts/TestLendingPool.json")));

/// The benchmark's baseline k-NN (one storage slot per point, a plain Solidity loop); not part of the
/// protocol.
pub static NAIVE_KNN: LazyLock<Artifact> =
    LazyLock::new(|| load("NaiveKnn", include_str!("../../../contracts/artifacts/NaiveKnn.json")));

/// The decision verifier `aloe-zk` generates for its seeded test circuit (`contracts/src/mocks`): a stand-in for
/// a real model's verifier in tests; not part of the protocol.
pub static TEST_DECISION_VERIFIER: LazyLock<Artifact> = LazyLock::new(|| {
    load("TestDecisionVerifier", include_str!("../../../contracts/artifacts/TestDecisionVerifier.json"))
});

/// The development deployment's verifier for the shipped credit model with public weights (`aloe_zk::dev`):
/// keys from a public seed, so anyone can forge its proofs; for tests, demos and the embedded chain.
pub static DEV_DECISION_VERIFIER: LazyLock<Artifact> = LazyLock::new(|| {
    load("DevGermanCreditVerifier", include_str!("../../../contracts/artifacts/DevGermanCreditVerifier.json"))
});

/// The same for the 10-unit model with private weights.
pub static DEV_PRIVATE_DECISION_VERIFIER: LazyLock<Artifact> = LazyLock::new(|| {
    load(
        "DevGermanCreditPrivateVerifier",
        include_str!("../../../contracts/artifacts/DevGermanCreditPrivateVerifier.json"),
    )
});
