//! Constraint satisfaction: the honest witness satisfies exactly when the model approves, the circuit's
//! margin is `aloe-ml`'s on every applicant, and every tampering leaves the system unsatisfied.

use aloe_ml::data::german_credit;
use aloe_ml::fixed_input::CommittedAttributes;
use aloe_zk::circuit::{DecisionCircuit, PublicInputs, Trace, synthesize};
use aloe_zk::commitment::{commit, signed};
use aloe_zk::model::DecisionModel;
use ark_bn254::Fr;
use ark_r1cs_std::GR1CSVar;
use ark_relations::gr1cs::{ConstraintSystem, OptimizationGoal};

const SALT: u64 = 0x5eed;
const BORROWER: u64 = 0xb0b;

/// Whether the constraints hold, and the circuit's margin.
fn run(model: &DecisionModel, public: PublicInputs, trace: Trace) -> (bool, Option<Fr>) {
    let cs = ConstraintSystem::<Fr>::new_ref();
    cs.set_optimization_goal(OptimizationGoal::Constraints);
    match synthesize(cs.clone(), &DecisionCircuit { model, public, trace: Some(trace) }) {
        Ok(margin) => (cs.is_satisfied().unwrap(), margin.value().ok()),
        Err(_) => (false, None),
    }
}

fn honest(model: &DecisionModel, attributes: &CommittedAttributes, min_margin: i32) -> (PublicInputs, Trace) {
    let salt = Fr::from(SALT);
    let public = PublicInputs { commitment: commit(attributes, salt), borrower: Fr::from(BORROWER), min_margin };
    (public, Trace::honest(model, attributes, salt).unwrap())
}

fn committed(index: usize) -> CommittedAttributes {
    CommittedAttributes::from_applicant(&german_credit().applicants[index]).unwrap()
}

fn models() -> Vec<(&'static str, DecisionModel)> {
    vec![
        ("public 71-10-2", DecisionModel::public(&super::small_model()).unwrap()),
        ("private 71-10-2 f8", DecisionModel::private(&super::small_model_f8()).unwrap()),
    ]
}

#[test]
fn the_margin_is_aloe_ml_s_on_every_applicant_and_the_decision_is_exact() {
    every_applicant(&super::shipped_model(), false);
}

#[test]
fn with_private_weights_too() {
    every_applicant(&super::small_model_f8(), true);
}

/// For every applicant: the circuit's margin is the model file's (`aloe-ml`), the honest witness satisfies at
/// exactly that threshold, and (for every 50th) not one unit above.
fn every_applicant(file: &aloe_ml::model_file::ModelFile, private: bool) {
    let model = if private { DecisionModel::private(file) } else { DecisionModel::public(file) }.unwrap();
    for (i, applicant) in german_credit().applicants.iter().enumerate() {
        let expected = file.margin_fixed(applicant).unwrap();
        let (public, trace) = honest(&model, &CommittedAttributes::from_applicant(applicant).unwrap(), expected as i32);
        let (ok, margin) = run(&model, public, trace.clone());
        assert!(ok, "applicant {i}: the honest witness at its own margin must satisfy");
        assert_eq!(margin, Some(signed(expected)), "applicant {i}");
        if i % 50 == 0 {
            let (ok, _) = run(&model, PublicInputs { min_margin: expected as i32 + 1, ..public }, trace);
            assert!(!ok, "applicant {i}: one unit above its margin must not satisfy");
        }
    }
}

#[test]
fn both_variants_decide_like_aloe_ml() {
    for (name, model) in models() {
        for i in [0, 1, 2, 17, 999] {
            let attributes = committed(i);
            let margin = model.margin(&attributes).unwrap() as i32;
            let (public, trace) = honest(&model, &attributes, margin);
            assert_eq!(run(&model, public, trace.clone()), (true, Some(signed(margin.into()))), "{name} {i}");
            assert!(!run(&model, PublicInputs { min_margin: margin + 1, ..public }, trace).0, "{name} {i}");
        }
    }
}

#[test]
fn a_changed_attribute_or_salt_does_not_open_the_commitment() {
    for (name, model) in models() {
        let attributes = committed(3);
        let (public, trace) = honest(&model, &attributes, i32::MIN);
        assert!(run(&model, public, trace.clone()).0);
        for index in 0..attributes.values.len() {
            let mut other = attributes;
            // Another valid value: the next level or one more (month, DM, year...), kept within bounds.
            other.values[index] = if other.values[index] == 0 { 1 } else { other.values[index] - 1 };
            other.log_monthly = aloe_ml::fixed_input::log_monthly_fixed(other.values[1], other.values[4]);
            if other.check().is_err() {
                continue;
            }
            let forged = Trace::honest(&model, &other, Fr::from(SALT)).unwrap();
            assert!(!run(&model, public, forged).0, "{name}: attribute {index} changed");
        }
        let other_salt = Trace { salt: Fr::from(SALT + 1), ..trace };
        assert!(!run(&model, public, other_salt).0, "{name}: salt changed");
    }
}

#[test]
fn no_hint_can_flip_a_rejection() {
    for (name, model) in models() {
        let attributes = committed(1);
        let margin = model.margin(&attributes).unwrap() as i32;
        // The threshold one unit above the margin: the honest witness fails; so must every forged hint.
        let (public, trace) = honest(&model, &attributes, margin + 1);
        assert!(!run(&model, public, trace.clone()).0);
        let f = model.mlp.frac_bits;
        let shifted = |r: u64, d: i64| ((r as i64 + d).rem_euclid(1 << f)) as u64;
        let mut forgeries = Vec::new();
        for d in [-1, 1, 1 << (f - 1)] {
            forgeries.push(Trace { output_remainder: shifted(trace.output_remainder, d), ..trace.clone() });
        }
        for j in 0..trace.signs.len() {
            let mut t = trace.clone();
            t.signs[j] = !t.signs[j];
            forgeries.push(t);
            for d in [-1, 1] {
                let mut t = trace.clone();
                t.hidden_remainders[j] = shifted(t.hidden_remainders[j], d);
                forgeries.push(t);
            }
        }
        for k in 0..trace.indicators.len() {
            let mut t = trace.clone();
            t.indicators[k] = !t.indicators[k];
            forgeries.push(t);
        }
        for k in 0..trace.affine_remainders.len() {
            let mut t = trace.clone();
            t.affine_remainders[k] += 1;
            forgeries.push(t);
        }
        for (n, forged) in forgeries.into_iter().enumerate() {
            assert!(!run(&model, public, forged).0, "{name}: forgery {n} passed");
        }
    }
}

#[test]
fn a_private_model_s_weights_are_bound_to_its_identifier() {
    let model = DecisionModel::private(&super::small_model_f8()).unwrap();
    let attributes = committed(0);
    let (public, trace) = honest(&model, &attributes, i32::MIN);
    assert!(run(&model, public, trace.clone()).0);
    for (which, tamper) in [("w1", 0usize), ("b1", 1), ("w2", 2), ("b2", 3)] {
        let mut other = model.clone(); // keeps the original identifier
        match tamper {
            0 => other.mlp.w1[5] += 1,
            1 => other.mlp.b1[0] -= 1,
            2 => other.mlp.w2[3] += 1,
            _ => other.mlp.b2[1] += 1,
        }
        let forged = Trace::honest(&other, &attributes, Fr::from(SALT)).unwrap();
        assert!(!run(&other, public, forged).0, "one weight of {which} changed");
    }
}
