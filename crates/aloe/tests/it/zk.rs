//! `aloe zk`: a setup, a proof the verifying key accepts, the refusals (keys overwritten, a model the model
//! does not approve, another model's key, a tampered proof file) and the exported verifier.

use std::path::Path;

use aloe_zk::files::{AttributesFile, VerifyingKeyFile};
use ark_bn254::Fr;

use super::aloe;

const APPLICANT: &str = "A11 6 A34 A43 1169 A65 A75 4 A93 A101 4 A121 67 A143 A152 2 A173 1 A192 A201";
const BORROWER: &str = "0x00000000000000000000000000000000000a10e1";

fn model(name: &str) -> String {
    format!("{}/../../data/models/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn zk(args: &[&str]) -> (bool, String) {
    let out = aloe().arg("zk").args(args).output().unwrap();
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn setup_prove_verify_export_and_every_refusal() {
    let dir = tempfile::tempdir().unwrap();
    let (keys, attributes, proof) =
        (dir.path().join("keys"), dir.path().join("attributes.json"), dir.path().join("proof.json"));
    let small = model("german-credit-mlp-10.json");
    let (ok, out) = zk(&["setup", "--model", &small, "--out", path(&keys)]);
    assert!(ok && out.contains("1144 constraints") && out.contains("multi-party ceremony"), "{out}");
    let (ok, out) = zk(&["setup", "--model", &small, "--out", path(&keys)]);
    assert!(!ok && out.contains("already holds keys"), "{out}");

    let file = AttributesFile::new(APPLICANT, Fr::from(0xa11ce_u64)).unwrap();
    std::fs::write(&attributes, serde_json::to_string(&file).unwrap()).unwrap();
    let prove = |min_margin: &str, model: &str| {
        zk(&[
            "prove",
            "--model",
            model,
            "--keys",
            path(&keys),
            "--attributes",
            path(&attributes),
            "--borrower",
            BORROWER,
            "--min-margin",
            min_margin,
            "--out",
            path(&proof),
        ])
    };
    let (ok, out) = prove("1000000", &small);
    assert!(!ok && out.contains("does not approve"), "{out}");
    assert!(!proof.exists(), "nothing written for a refused proof");
    let (ok, out) = prove("0", &model("german-credit-mlp-10-f8.json"));
    assert!(!ok && out.contains("the key is for model"), "{out}");
    let (ok, out) = prove("-20", &small);
    assert!(ok, "{out}");
    let (ok, out) = zk(&["verify", "--keys", path(&keys), "--proof", path(&proof)]);
    assert!(ok && out.contains("valid") && out.contains("≥ -20"), "{out}");

    // The same proof claiming another threshold or borrower, or with a byte of the proof changed.
    let original = std::fs::read_to_string(&proof).unwrap();
    let json: serde_json::Value = serde_json::from_str(&original).unwrap();
    let mut tampered = Vec::new();
    for (field, value) in [
        ("min-margin", serde_json::json!(-19)),
        ("borrower", serde_json::json!("0x00000000000000000000000000000000000a10e2")),
    ] {
        let mut other = json.clone();
        other[field] = value;
        tampered.push(other);
    }
    let mut flipped = json.clone();
    let bytes = flipped["proof"].as_str().unwrap().to_owned();
    flipped["proof"] =
        serde_json::json!(format!("{}{}", &bytes[..bytes.len() - 1], if bytes.ends_with('0') { "1" } else { "0" }));
    tampered.push(flipped);
    for other in tampered {
        std::fs::write(&proof, other.to_string()).unwrap();
        let (ok, out) = zk(&["verify", "--keys", path(&keys), "--proof", path(&proof)]);
        assert!(!ok, "a tampered proof verified: {other}\n{out}");
    }
    std::fs::write(&proof, "{\"format\": \"aloe-zk/proof\"}").unwrap();
    let (ok, out) = zk(&["verify", "--keys", path(&keys), "--proof", path(&proof)]);
    assert!(!ok && out.contains("not a proof file"), "{out}");

    let sol = dir.path().join("Verifier.sol");
    let (ok, out) = zk(&["export-verifier", "--keys", path(&keys), "--out", path(&sol)]);
    assert!(ok, "{out}");
    let vk = VerifyingKeyFile::from_json(&std::fs::read_to_string(keys.join("verifying-key.json")).unwrap()).unwrap();
    let expected =
        aloe_zk::solidity::verifier_source(&vk.key().unwrap(), vk.model_id().unwrap(), "DecisionVerifier").unwrap();
    assert_eq!(std::fs::read_to_string(&sol).unwrap(), expected);
}
