//! The decision circuit's figures for one model: constraints, setup, proving and verification times
//! (medians), proof size, and the plain integer inference of the same model as the baseline in the same
//! run. Peak memory and gas are measured by the caller (a process per model; the chain).

use std::time::Instant;

use aloe_ml::data::german_credit;
use aloe_ml::fixed_input::CommittedAttributes;
use ark_bn254::Fr;
use rand::SeedableRng;
use serde::{Deserialize, Serialize};

use crate::ZkError;
use crate::groth16::{circuit_size, prepare, prove, setup, to_bytes, verify};
use crate::model::DecisionModel;

/// What one model measured.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CircuitFigures {
    /// Constraints.
    pub constraints: usize,
    /// Private variables.
    pub witness_variables: usize,
    /// Seconds of one setup.
    pub setup_s: f64,
    /// Median seconds of a proof.
    pub prove_s: f64,
    /// Median seconds of a native verification (prepared key).
    pub verify_s: f64,
    /// Median seconds of the plain integer inference of one applicant (`aloe-ml`), the baseline.
    pub inference_s: f64,
    /// Compressed proof bytes.
    pub proof_bytes: usize,
    /// Compressed proving key bytes.
    pub proving_key_bytes: usize,
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// Measure `model` with `runs` proofs (distinct applicants) and ten times as many verifications.
pub fn measure(model: &DecisionModel, runs: usize) -> Result<CircuitFigures, ZkError> {
    let mut rng = rand::rngs::StdRng::seed_from_u64(1);
    let size = circuit_size(model)?;
    let started = Instant::now();
    let pk = setup(model, &mut rng)?;
    let setup_s = started.elapsed().as_secs_f64();
    let pvk = prepare(&pk.vk);
    let data = german_credit();
    let applicants: Vec<CommittedAttributes> = data
        .applicants
        .iter()
        .map(CommittedAttributes::from_applicant)
        .collect::<Result<_, _>>()
        .map_err(aloe_ml::model_file::InferenceError::from)?;
    let (mut prove_times, mut verify_times, mut last) = (Vec::new(), Vec::new(), None);
    for (i, attributes) in applicants.iter().take(runs.max(1)).enumerate() {
        let min_margin = model.margin(attributes)? as i32;
        let started = Instant::now();
        let (proof, public) =
            prove(&pk, model, attributes, Fr::from(i as u64 + 1), Fr::from(7u64), min_margin, &mut rng)?;
        prove_times.push(started.elapsed().as_secs_f64());
        for _ in 0..10 {
            let started = Instant::now();
            if !verify(&pvk, model.model_id(), &public, &proof)? {
                return Err(ZkError::Encoding("a benchmark proof did not verify".into()));
            }
            verify_times.push(started.elapsed().as_secs_f64());
        }
        last = Some(proof);
    }
    let inference_s = median(
        (0..5)
            .map(|_| {
                let started = Instant::now();
                for attributes in &applicants {
                    std::hint::black_box(model.margin(attributes).expect("every applicant was scored above"));
                }
                started.elapsed().as_secs_f64() / applicants.len() as f64
            })
            .collect(),
    );
    Ok(CircuitFigures {
        constraints: size.constraints,
        witness_variables: size.witness_variables,
        setup_s,
        prove_s: median(prove_times),
        verify_s: median(verify_times),
        inference_s,
        proof_bytes: to_bytes(&last.expect("at least one proof")).len(),
        proving_key_bytes: to_bytes(&pk).len(),
    })
}
