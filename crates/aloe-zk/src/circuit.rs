//! The decision circuit: `Poseidon(pack(attributes), salt) = commitment` and the fixed-point MLP's
//! margin on those attributes is at least the threshold, for one borrower.
//!
//! Public inputs, in order: the model identifier, the attributes commitment, the borrower's address, the
//! threshold (the least margin approved, in the model's fixed-point units, an `i32`). Private: the
//! attributes, the salt, and the trace below (remainders, signs, indicators), plus the weights when
//! they are private.
//!
//! Every step is `aloe-ml`'s integer inference, checked rather than computed:
//! - categorical levels are one-hot flags (booleans summing to 1), numerics their bits, so every value
//!   is bounded and the packing injective;
//! - `floor(a / 2^k)` is a witness remainder `r` in `k` bits and the quotient `(a − r) / 2^k`, whose range
//!   is then checked: a wrong remainder makes the quotient a huge field element, which no range admits;
//! - `max(0, q)` takes a sign flag `s`: `h = s·q` and `2h − q − 1 + s` (`q` if `s`, `−q − 1` if not) in
//!   `k` bits; units that interval analysis shows always dead cost nothing, always live ones no flag;
//! - the margin `floor((acc_approve − acc_reject) / 2^f)` needs one remainder, and `margin − threshold`
//!   in `M` bits is the decision; a wrong remainder cannot pass it (`δ / 2^f` is never small in the field).
//!
//! Interval analysis over the attributes' bounds sizes every range check and proves that no value
//! reaches `2^120`, so nothing wraps modulo the field. The borrower's address is squared once so
//! that it enters a constraint (a proof made for one address does not verify for another); with public
//! weights the model identifier must equal the model's, with private ones the weights' commitment.

use aloe_ml::data::ATTRIBUTES;
use aloe_ml::fixed_input::{CommittedAttributes, FixedColumn, LOG_MONTHLY_BITS, Source, level_count, numeric_bits};
use ark_bn254::Fr;
use ark_crypto_primitives::sponge::constraints::CryptographicSpongeVar;
use ark_crypto_primitives::sponge::poseidon::constraints::PoseidonSpongeVar;
use ark_ff::{Field, Zero};
use ark_r1cs_std::alloc::AllocVar;
use ark_r1cs_std::boolean::Boolean;
use ark_r1cs_std::eq::EqGadget;
use ark_r1cs_std::fields::FieldVar;
use ark_r1cs_std::fields::fp::FpVar;
use ark_relations::gr1cs::{ConstraintSynthesizer, ConstraintSystemRef, SynthesisError};

use crate::ZkError;
use crate::commitment::{PACKING_VERSION, VERSION_BIT, attribute_bits, power_of_two, signed};
use crate::model::{DecisionModel, PACKED_WORD_BITS, Visibility, weights_in_order};
use crate::poseidon;

/// The public inputs besides the model identifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PublicInputs {
    /// The attributes commitment stored on-chain for the borrower.
    pub commitment: Fr,
    /// The borrower's address as a field element.
    pub borrower: Fr,
    /// The least margin approved, in the model's fixed-point units.
    pub min_margin: i32,
}

impl PublicInputs {
    /// The four public inputs of `model`'s circuit, in order.
    pub fn with_model(&self, model: &DecisionModel) -> [Fr; 4] {
        self.with_model_id(model.model_id())
    }

    /// The four public inputs, in order, for the model identified by `model_id`.
    pub fn with_model_id(&self, model_id: Fr) -> [Fr; 4] {
        [model_id, self.commitment, self.borrower, signed(i128::from(self.min_margin))]
    }
}

/// The prover's witness: the attributes, the salt, and every hint the circuit checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trace {
    /// The committed attributes.
    pub attributes: CommittedAttributes,
    /// The commitment's salt.
    pub salt: Fr,
    /// `(A·v + B) mod 2^G` of each standardised input, in column order.
    pub affine_remainders: Vec<u64>,
    /// Each threshold indicator, in column order.
    pub indicators: Vec<bool>,
    /// `acc_j mod 2^f` of each hidden unit.
    pub hidden_remainders: Vec<u64>,
    /// `floor(acc_j / 2^f) ≥ 0` of each hidden unit.
    pub signs: Vec<bool>,
    /// `(acc_approve − acc_reject) mod 2^f`.
    pub output_remainder: u64,
}

fn low_bits(v: i128, bits: u32) -> u64 {
    v.rem_euclid(1i128 << bits) as u64
}

impl Trace {
    /// The honest trace of `attributes` under `model` (the integer inference, step by step).
    pub fn honest(model: &DecisionModel, attributes: &CommittedAttributes, salt: Fr) -> Result<Self, ZkError> {
        model.margin(attributes)?; // checks the attributes and that inference succeeds
        let f = model.mlp.frac_bits;
        let (mut affine_remainders, mut indicators) = (Vec::new(), Vec::new());
        for column in &model.encoder.columns {
            match column {
                FixedColumn::Affine { source, scale, offset, shift } => {
                    let v = source_value(source, attributes);
                    affine_remainders.push(low_bits(i128::from(*scale) * v + i128::from(*offset), *shift));
                }
                FixedColumn::AtLeast { attribute, cut } => indicators.push(attributes.values[*attribute] >= *cut),
                FixedColumn::Lookup { .. } => {}
            }
        }
        let x: Vec<i128> = model.encoder.encode(attributes).into_iter().map(i128::from).collect();
        let mlp = &model.mlp;
        let (mut hidden_remainders, mut signs, mut h) = (Vec::new(), Vec::new(), Vec::new());
        for j in 0..mlp.hidden {
            let row = &mlp.w1[j * mlp.inputs..(j + 1) * mlp.inputs];
            let acc = row.iter().zip(&x).map(|(w, v)| i128::from(*w) * v).sum::<i128>() + (i128::from(mlp.b1[j]) << f);
            hidden_remainders.push(low_bits(acc, f));
            let q = acc.div_euclid(1i128 << f);
            signs.push(q >= 0);
            h.push(q.max(0));
        }
        let out = |k: usize| -> i128 {
            let row = &mlp.w2[k * mlp.hidden..(k + 1) * mlp.hidden];
            row.iter().zip(&h).map(|(w, v)| i128::from(*w) * v).sum::<i128>() + (i128::from(mlp.b2[k]) << f)
        };
        let output_remainder = low_bits(out(0) - out(1), f);
        Ok(Self {
            attributes: *attributes,
            salt,
            affine_remainders,
            indicators,
            hidden_remainders,
            signs,
            output_remainder,
        })
    }
}

fn source_value(source: &Source, attributes: &CommittedAttributes) -> i128 {
    match source {
        Source::Attribute(a) => i128::from(attributes.values[*a]),
        Source::LogMonthly => i128::from(attributes.log_monthly),
    }
}

/// The circuit for one proof (or, without a trace, for the setup).
#[derive(Debug, Clone)]
pub struct DecisionCircuit<'a> {
    /// The model.
    pub model: &'a DecisionModel,
    /// The public inputs.
    pub public: PublicInputs,
    /// The witness; `None` in the setup.
    pub trace: Option<Trace>,
}

impl ConstraintSynthesizer<Fr> for DecisionCircuit<'_> {
    fn generate_constraints(self, cs: ConstraintSystemRef<Fr>) -> Result<(), SynthesisError> {
        synthesize(cs, &self).map(|_| ())
    }
}

/// A closed integer interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Interval {
    lo: i128,
    hi: i128,
}

impl Interval {
    fn new(lo: i128, hi: i128) -> Self {
        Self { lo, hi }
    }

    fn scaled(self, w: i128) -> Self {
        if w >= 0 { Self::new(self.lo * w, self.hi * w) } else { Self::new(self.hi * w, self.lo * w) }
    }

    fn plus(self, other: Self) -> Self {
        Self::new(self.lo + other.lo, self.hi + other.hi)
    }

    fn floor_div(self, shift: u32) -> Self {
        Self::new(self.lo.div_euclid(1i128 << shift), self.hi.div_euclid(1i128 << shift))
    }

    /// Both ends' magnitudes below `2^120`, far from the field's order (`≈ 2^254`).
    fn checked(self) -> Result<Self, SynthesisError> {
        let limit = 1i128 << 120;
        if self.lo.abs() >= limit || self.hi.abs() >= limit {
            return Err(SynthesisError::Unsatisfiable);
        }
        Ok(self)
    }
}

/// Bits that hold every integer in `[0, n]`.
fn bits_for(n: i128) -> u32 {
    128 - n.max(0).leading_zeros()
}

fn missing() -> SynthesisError {
    SynthesisError::AssignmentMissing
}

fn witness_bool(cs: &ConstraintSystemRef<Fr>, value: Option<bool>) -> Result<Boolean<Fr>, SynthesisError> {
    Boolean::new_witness(cs.clone(), || value.ok_or_else(missing))
}

/// `bits` boolean witnesses holding `value` (little end first) and their sum `Σ 2^i·b_i`.
fn witness_bits(
    cs: &ConstraintSystemRef<Fr>,
    value: Option<u128>,
    bits: u32,
) -> Result<(Vec<Boolean<Fr>>, FpVar<Fr>), SynthesisError> {
    let flags = (0..bits).map(|i| witness_bool(cs, value.map(|v| (v >> i) & 1 == 1))).collect::<Result<Vec<_>, _>>()?;
    let sum = Boolean::le_bits_to_fp(&flags)?;
    Ok((flags, sum))
}

/// Enforce `0 ≤ x < 2^bits` (as an integer below the field's order).
fn range_check(x: &FpVar<Fr>, bits: u32) -> Result<(), SynthesisError> {
    x.to_bits_le_with_top_bits_zero(bits as usize).map(|_| ())
}

fn inverse_power_of_two(k: u32) -> Fr {
    power_of_two(k).inverse().expect("2^k is invertible")
}

/// The weights as circuit values: constants, or range-checked witnesses committed to by `model_id`.
fn weights(
    cs: &ConstraintSystemRef<Fr>,
    model: &DecisionModel,
    model_id: &FpVar<Fr>,
) -> Result<(Vec<FpVar<Fr>>, i128), SynthesisError> {
    let values = weights_in_order(&model.mlp);
    match model.visibility {
        Visibility::Public => {
            let bound = values.iter().map(|w| i128::from(*w).abs()).max().unwrap_or(0);
            Ok((values.iter().map(|w| FpVar::constant(signed(i128::from(*w)))).collect(), bound))
        }
        Visibility::Private { weight_bits } => {
            let offset = 1i128 << (weight_bits - 1);
            let mut offset_weights = Vec::with_capacity(values.len());
            let mut weights = Vec::with_capacity(values.len());
            for w in &values {
                let (_, sum) = witness_bits(cs, Some((i128::from(*w) + offset) as u128), weight_bits)?;
                weights.push(&sum - FpVar::constant(signed(offset)));
                offset_weights.push(sum);
            }
            let per_word = (PACKED_WORD_BITS / weight_bits) as usize;
            let words: Vec<FpVar<Fr>> = offset_weights
                .chunks(per_word)
                .map(|chunk| {
                    chunk
                        .iter()
                        .enumerate()
                        .fold(FpVar::zero(), |acc, (i, w)| acc + w * power_of_two(weight_bits * i as u32))
                })
                .collect();
            let mut sponge = PoseidonSpongeVar::new(cs.clone(), poseidon::model_config());
            sponge.absorb(&words)?;
            sponge.squeeze_field_elements(1)?[0].enforce_equal(model_id)?;
            Ok((weights, offset))
        }
    }
}

/// `Σ w_i·x_i + bias·2^f` over circuit values: free for constant weights, one constraint a product otherwise.
fn affine_sum(terms: impl Iterator<Item = (FpVar<Fr>, FpVar<Fr>)>, bias: &FpVar<Fr>, f: u32) -> FpVar<Fr> {
    terms.fold(bias * power_of_two(f), |acc, (w, x)| match (&w, &x) {
        (FpVar::Constant(c), _) if c.is_zero() => acc,
        _ => acc + w * x,
    })
}

/// The interval of `Σ w_i·x_i + b·2^f` for known weights, or for any weight of magnitude ≤ `bound`.
fn sum_interval(weights: Option<(&[i64], i64)>, bound: i128, inputs: &[Interval], f: u32) -> Interval {
    match weights {
        Some((row, bias)) => {
            row.iter().zip(inputs).fold(Interval::new(i128::from(bias) << f, i128::from(bias) << f), |acc, (w, x)| {
                acc.plus(x.scaled(i128::from(*w)))
            })
        }
        None => {
            let reach = inputs.iter().map(|x| x.lo.abs().max(x.hi.abs())).sum::<i128>() * bound + (bound << f);
            Interval::new(-reach, reach)
        }
    }
}

/// Lay out the constraints of `circuit` in `cs`; the margin (at scale `2^f`) as a circuit value.
pub fn synthesize(cs: ConstraintSystemRef<Fr>, circuit: &DecisionCircuit<'_>) -> Result<FpVar<Fr>, SynthesisError> {
    let (model, trace) = (circuit.model, circuit.trace.as_ref());
    let attributes = trace.map(|t| &t.attributes);
    let f = model.mlp.frac_bits;
    let [model_id, commitment, borrower, min_margin] = circuit.public.with_model(model);
    let model_id = FpVar::new_input(cs.clone(), || Ok(model_id))?;
    let commitment = FpVar::new_input(cs.clone(), || Ok(commitment))?;
    let borrower = FpVar::new_input(cs.clone(), || Ok(borrower))?;
    let min_margin = FpVar::new_input(cs.clone(), || Ok(min_margin))?;
    // arkworks' QAP reduction binds every public input anyway; these say so in the circuit itself.
    let _ = borrower.square()?;
    if model.visibility == Visibility::Public {
        model_id.enforce_equal(&FpVar::constant(model.model_id()))?;
    }

    // Attributes: one-hot flags for levels, bits for numerics; packed and committed.
    let mut flags: Vec<Vec<Boolean<Fr>>> = vec![Vec::new(); ATTRIBUTES];
    let mut values: Vec<FpVar<Fr>> = Vec::with_capacity(ATTRIBUTES);
    let mut packed = FpVar::constant(Fr::from(PACKING_VERSION) * power_of_two(VERSION_BIT));
    let mut offset = 0;
    for (index, attribute_flags) in flags.iter_mut().enumerate() {
        let known = attributes.map(|a| a.values[index]);
        let value = match numeric_bits(index) {
            Some(bits) => witness_bits(&cs, known.map(u128::from), bits)?.1,
            None => {
                *attribute_flags = (0..level_count(index) as u32)
                    .map(|l| witness_bool(&cs, known.map(|v| v == l)))
                    .collect::<Result<_, _>>()?;
                let count = attribute_flags.iter().fold(FpVar::zero(), |acc, b| acc + FpVar::from(b.clone()));
                count.enforce_equal(&FpVar::one())?;
                attribute_flags
                    .iter()
                    .enumerate()
                    .fold(FpVar::zero(), |acc, (l, b)| acc + FpVar::from(b.clone()) * Fr::from(l as u64))
            }
        };
        packed += &value * power_of_two(offset);
        offset += attribute_bits(index);
        values.push(value);
    }
    let log_offset = 1i128 << LOG_MONTHLY_BITS;
    let known_log = attributes.map(|a| (i128::from(a.log_monthly) + log_offset) as u128);
    let (_, offset_log) = witness_bits(&cs, known_log, LOG_MONTHLY_BITS + 1)?;
    packed += &offset_log * power_of_two(offset);
    let log_monthly = offset_log - FpVar::constant(signed(log_offset));
    let salt = FpVar::new_witness(cs.clone(), || trace.map(|t| t.salt).ok_or_else(missing))?;
    let mut sponge = PoseidonSpongeVar::new(cs.clone(), poseidon::attributes_config());
    sponge.absorb(&vec![packed, salt])?;
    sponge.squeeze_field_elements(1)?[0].enforce_equal(&commitment)?;

    // Inputs: lookups, standardised numerics, indicators.
    let (mut inputs, mut ranges) = (Vec::new(), Vec::new());
    let (mut next_affine, mut next_indicator) = (0, 0);
    for column in &model.encoder.columns {
        match column {
            FixedColumn::Lookup { attribute, table } => {
                let x = flags[*attribute]
                    .iter()
                    .zip(table)
                    .fold(FpVar::zero(), |acc, (b, t)| acc + FpVar::from(b.clone()) * signed(i128::from(*t)));
                let (lo, hi) = (table.iter().min().copied().unwrap_or(0), table.iter().max().copied().unwrap_or(0));
                inputs.push(x);
                ranges.push(Interval::new(i128::from(lo), i128::from(hi)));
            }
            FixedColumn::Affine { source, scale, offset, shift } => {
                let (v, v_range) = match source {
                    Source::Attribute(a) => {
                        let bits = numeric_bits(*a).expect("standardised attributes are numeric");
                        (values[*a].clone(), Interval::new(0, (1i128 << bits) - 1))
                    }
                    Source::LogMonthly => (log_monthly.clone(), Interval::new(-log_offset, log_offset - 1)),
                };
                let known = trace.map(|t| u128::from(t.affine_remainders[next_affine]));
                next_affine += 1;
                let (_, remainder) = witness_bits(&cs, known, *shift)?;
                let numerator = v * signed(i128::from(*scale)) + FpVar::constant(signed(i128::from(*offset)));
                let x = (numerator - remainder) * inverse_power_of_two(*shift);
                let range =
                    v_range.scaled(i128::from(*scale)).plus(Interval::new(i128::from(*offset), i128::from(*offset)));
                let range = range.checked()?.floor_div(*shift);
                range_check(&(&x - FpVar::constant(signed(range.lo))), bits_for(range.hi - range.lo))?;
                inputs.push(x);
                ranges.push(range);
            }
            FixedColumn::AtLeast { attribute, cut } => {
                let bits = numeric_bits(*attribute).expect("indicators are of numeric attributes");
                let b = witness_bool(&cs, trace.map(|t| t.indicators[next_indicator]))?;
                next_indicator += 1;
                let above = &values[*attribute] - FpVar::constant(Fr::from(*cut));
                let product = FpVar::from(b.clone()) * &above;
                // b: v − cut ≥ 0; not b: cut − v − 1 ≥ 0; either way below 2^bits.
                let distance = product.double()? - &above - (FpVar::one() - FpVar::from(b.clone()));
                range_check(&distance, bits)?;
                inputs.push(FpVar::from(b) * power_of_two(f));
                ranges.push(Interval::new(0, 1i128 << f));
            }
        }
    }

    // Hidden layer.
    let mlp = &model.mlp;
    let (weights, bound) = weights(&cs, model, &model_id)?;
    let known_weights = matches!(model.visibility, Visibility::Public);
    let (w1, rest) = weights.split_at(mlp.hidden * mlp.inputs);
    let (b1, rest) = rest.split_at(mlp.hidden);
    let (w2, b2) = rest.split_at(2 * mlp.hidden);
    let (mut hidden, mut hidden_ranges) = (Vec::new(), Vec::new());
    for j in 0..mlp.hidden {
        let row = &w1[j * mlp.inputs..(j + 1) * mlp.inputs];
        let known_row = known_weights.then(|| (&mlp.w1[j * mlp.inputs..(j + 1) * mlp.inputs], mlp.b1[j]));
        let acc_range = sum_interval(known_row, bound, &ranges, f).checked()?;
        let q_range = acc_range.floor_div(f);
        if q_range.hi < 0 {
            hidden.push(FpVar::zero()); // never active
            hidden_ranges.push(Interval::new(0, 0));
            continue;
        }
        let acc = affine_sum(row.iter().cloned().zip(inputs.iter().cloned()), &b1[j], f);
        let known = trace.map(|t| u128::from(t.hidden_remainders[j]));
        let (_, remainder) = witness_bits(&cs, known, f)?;
        let q = (acc - remainder) * inverse_power_of_two(f);
        let h = if q_range.lo >= 0 {
            range_check(&q, bits_for(q_range.hi))?;
            q
        } else {
            let s = witness_bool(&cs, trace.map(|t| t.signs[j]))?;
            let h = FpVar::from(s.clone()) * &q;
            let folded = h.double()? - &q - FpVar::one() + FpVar::from(s);
            range_check(&folded, bits_for(q_range.hi.max(-q_range.lo - 1)))?;
            h
        };
        hidden.push(h);
        hidden_ranges.push(Interval::new(q_range.lo.max(0), q_range.hi.max(0)));
    }

    // Output: one floor of the accumulators' difference, then the decision.
    let difference_weights: Vec<FpVar<Fr>> = (0..mlp.hidden).map(|j| &w2[j] - &w2[mlp.hidden + j]).collect();
    let known_difference: Vec<i64> = (0..mlp.hidden).map(|j| mlp.w2[j] - mlp.w2[mlp.hidden + j]).collect();
    let known_output = known_weights.then(|| (&known_difference[..], mlp.b2[0] - mlp.b2[1]));
    let difference_range = sum_interval(known_output, 2 * bound, &hidden_ranges, f).checked()?;
    let difference = affine_sum(difference_weights.into_iter().zip(hidden), &(&b2[0] - &b2[1]), f);
    let known = trace.map(|t| u128::from(t.output_remainder));
    let (_, remainder) = witness_bits(&cs, known, f)?;
    let margin = (difference - remainder) * inverse_power_of_two(f);
    let margin_range = difference_range.floor_div(f);
    let slack = &margin - &min_margin;
    range_check(&slack, bits_for(margin_range.hi.max(0) + (1i128 << 31)))?;
    Ok(margin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals() {
        assert_eq!(Interval::new(-3, 5).scaled(-2), Interval::new(-10, 6));
        assert_eq!(Interval::new(-3, 5).floor_div(1), Interval::new(-2, 2));
        assert_eq!(bits_for(0), 0);
        assert_eq!(bits_for(1), 1);
        assert_eq!(bits_for(255), 8);
        assert_eq!(bits_for(256), 9);
    }
}
