//! Property: integer inference stays within the derived bound of f64 inference.

use aloe_ml::mlp::Mlp;
use aloe_ml::quantize::{QuantizedMlp, margin_error_bound};
use proptest::prelude::*;

/// A random network with 1–8 inputs and 1–12 hidden units, weights in ±4, and a matching input in ±5.
fn network_and_input() -> impl Strategy<Value = (Mlp, Vec<f64>)> {
    (1usize..=8, 1usize..=12).prop_flat_map(|(inputs, hidden)| {
        (
            prop::collection::vec(-4.0f64..4.0, hidden * inputs),
            prop::collection::vec(-4.0f64..4.0, hidden),
            prop::collection::vec(-4.0f64..4.0, 2 * hidden),
            prop::array::uniform2(-4.0f64..4.0),
            prop::collection::vec(-5.0f64..5.0, inputs),
        )
            .prop_map(move |(w1, b1, w2, b2, x)| (Mlp { inputs, hidden, w1, b1, w2, b2 }, x))
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn fixed_point_is_within_the_derived_bound((mlp, x) in network_and_input(), f in prop::sample::select(vec![4u32, 7, 8, 12, 16, 24])) {
        let q = QuantizedMlp::quantize(&mlp, f).unwrap();
        let fixed = q.margin_f64(&x).unwrap();
        let real = mlp.margin(&x);
        let bound = margin_error_bound(&mlp, &x, f);
        // The f64 reference itself carries rounding error far below 1e-9 at these magnitudes.
        prop_assert!((fixed - real).abs() <= bound + 1e-9, "f = {f}: |{fixed} - {real}| > {bound}");
    }
}

#[test]
fn the_bound_halves_with_each_extra_bit() {
    let mlp = Mlp {
        inputs: 2,
        hidden: 2,
        w1: vec![0.5, -1.0, 2.0, 0.25],
        b1: vec![0.1, -0.2],
        w2: vec![1.0, -1.0, 0.5, 0.5],
        b2: [0.0, 0.3],
    };
    let x = [1.5, -0.5];
    let (b8, b9) = (margin_error_bound(&mlp, &x, 8), margin_error_bound(&mlp, &x, 9));
    assert!(b9 < 0.51 * b8 && b9 > 0.49 * b8);
}
