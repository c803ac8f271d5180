//! The `aloe` binary end to end: the demo on the embedded chain, deploy to anvil from a keystore, the
//! credit model (train, score), the cold-start k-NN model (build, upload, resume, verify), the private
//! decision commands (setup, prove, verify, export-verifier), the DeFi score (`score defi`), the market
//! simulation (`simulate`), the long-running process (`serve`).

mod defi;
mod escrow;
mod serve;
mod simulate;
mod zk;

use std::process::Command;

use alloy::signers::local::PrivateKeySigner;
use alloy_primitives::U256;
use aloe_chain::{Chain, RpcChain, dev_signer};

/// A child process, killed (SIGKILL) and reaped when dropped: a test that fails never leaves it running.
struct Process(std::process::Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn aloe() -> Command {
    Command::new(env!("CARGO_BIN_EXE_aloe"))
}

#[test]
fn demo_runs_the_lifecycle_and_prints_balances_and_gas() {
    let out = aloe().arg("demo").output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    for expected in [
        "DefaultConfirmed",
        "NotInDefault",
        "ScoreBelowMinimum",
        "Balances",
        "makePayment (ether)",
        "the same identity on a fresh address is refused",
        "the lender reconstructs the identity from 2 shares: 078-05-1120",
        "someone who did not lend gets nothing",
        "the same proof from another address: NoAttributesCommitment",
        "the borrower borrows with its proof",
    ] {
        assert!(stdout.contains(expected), "missing {expected:?} in\n{stdout}");
    }
}

#[test]
#[ignore = "needs anvil: run scripts/test, or set ALOE_ANVIL_URL and pass --include-ignored"]
fn deploy_from_keystore_writes_a_deployment_and_leaks_nothing() {
    let url = std::env::var("ALOE_ANVIL_URL").expect("ALOE_ANVIL_URL");
    let dir = std::env::temp_dir().join(format!("aloe-deploy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // A deployer of its own (not one of the scenario's accounts), funded on anvil.
    let key = dev_signer(20);
    let password = "correct horse battery staple";
    let mut rng = rand_core_rng();
    let (_, name) = PrivateKeySigner::encrypt_keystore(&dir, &mut rng, key.to_bytes(), password, None).unwrap();
    let keystore = dir.join(name);
    let mut chain = RpcChain::connect(&url, vec![key.clone()]).unwrap();
    chain.set_balance(key.address(), U256::from(10u64).pow(U256::from(20))).unwrap();

    let notary = dev_signer(21).address();
    let deployment = dir.join("deployment.json");
    let run = |password: &str| {
        aloe()
            .args(["deploy", "--rpc-url", &url, "--keystore"])
            .arg(&keystore)
            .args(["--notary", &notary.to_string(), "--out"])
            .arg(&deployment)
            .env("ALOE_KEYSTORE_PASSWORD", password)
            .output()
            .unwrap()
    };

    let wrong = run("wrong password");
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("decrypting keystore"));
    assert!(!deployment.exists(), "a failed deploy wrote a deployment file");

    let out = run(password);
    let printed = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{printed}");
    let secret = alloy_primitives::hex::encode(key.to_bytes());
    assert!(!printed.contains(&secret) && !printed.contains(password), "a secret was printed");

    let protocol: aloe_contracts::Protocol =
        serde_json::from_str(&std::fs::read_to_string(&deployment).unwrap()).unwrap();
    assert_eq!(protocol.owner, key.address());
    assert!(!chain.code(protocol.bureau.address).unwrap().is_empty());
    assert!(protocol.bureau.is_notary(&mut chain, notary).unwrap());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A seeded RNG for the keystore's salt and IV (the key itself is fixed).
fn rand_core_rng() -> rand::rngs::StdRng {
    use rand::SeedableRng;
    rand::rngs::StdRng::seed_from_u64(7)
}

#[test]
fn model_mlp_train_then_score_rejects_bad_rows_and_tampered_models() {
    let dir = std::env::temp_dir().join(format!("aloe-model-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let model = dir.join("model.json");
    let out = aloe()
        .args(["model", "mlp", "train", "--epochs", "2", "--members", "2", "--out"])
        .arg(&model)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let row = "A11 6 A34 A43 1169 A65 A75 4 A93 A101 4 A121 67 A143 A152 2 A173 1 A192 A201";
    let good = dir.join("good.csv");
    std::fs::write(&good, format!("{row}\n\n{row}\n")).unwrap();
    let scores = dir.join("scores.csv");
    let score = |input: &std::path::Path, model: &std::path::Path| {
        aloe()
            .args(["model", "mlp", "score", "--model"])
            .arg(model)
            .arg("--input")
            .arg(input)
            .arg("--out")
            .arg(&scores)
            .output()
            .unwrap()
    };
    let out = score(&good, &model);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let csv = std::fs::read_to_string(&scores).unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
    std::fs::remove_file(&scores).unwrap();

    let bad = dir.join("bad.csv");
    std::fs::write(&bad, format!("{row}\n{}\n", row.replace("1169", "lots"))).unwrap();
    let out = score(&bad, &model);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(stderr.contains("line 2, column 5 (credit_amount)"), "{stderr}");
    assert!(!scores.exists(), "a failed scoring wrote scores");

    let tampered = dir.join("tampered.json");
    let text = std::fs::read_to_string(&model).unwrap();
    std::fs::write(&tampered, text.replacen("\"rows\": 1000", "\"rows\": 999", 1)).unwrap();
    let out = score(&good, &tampered);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("content hash mismatch"));
    std::fs::remove_dir_all(&dir).unwrap();
}

fn run_ok(command: &mut Command) -> String {
    let out = command.output().unwrap();
    let printed = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{printed}");
    printed
}

/// Builds a small cold-start model (1,200 clients, three chunks) into `dir`.
fn small_knn_model(dir: &std::path::Path, k: &str) -> std::path::PathBuf {
    let model = dir.join(format!("knn-{k}.json"));
    let printed = run_ok(aloe().args(["model", "knn", "build", "--size", "1200", "--k", k, "--out"]).arg(&model));
    assert!(printed.contains("from 1200 clients"), "{printed}");
    model
}

#[test]
fn model_knn_build_then_upload_on_the_embedded_chain_verifies_and_refuses_a_tampered_file() {
    let dir = std::env::temp_dir().join(format!("aloe-knn-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let model = small_knn_model(&dir, "5");
    let printed = run_ok(aloe().args(["model", "knn", "upload", "--model"]).arg(&model));
    assert!(printed.contains("verified: the published model equals the model file"), "{printed}");
    assert!(printed.contains("getScore (the benchmark's borrower)"), "{printed}");
    // One packed point altered: the content hash no longer matches.
    let text = std::fs::read_to_string(&model).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["payload"]["points"][0] = serde_json::json!("0x1");
    std::fs::write(&model, json.to_string()).unwrap();
    let out = aloe().args(["model", "knn", "upload", "--model"]).arg(&model).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("content hash mismatch"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
#[ignore = "needs anvil: run scripts/test, or set ALOE_ANVIL_URL and pass --include-ignored"]
fn model_knn_upload_to_a_node_resumes_after_an_interruption_and_verifies() {
    let url = std::env::var("ALOE_ANVIL_URL").expect("ALOE_ANVIL_URL");
    let dir = std::env::temp_dir().join(format!("aloe-knn-rpc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let key = dev_signer(22);
    let password = "knn upload";
    let (_, name) =
        PrivateKeySigner::encrypt_keystore(&dir, &mut rand_core_rng(), key.to_bytes(), password, None).unwrap();
    let keystore = dir.join(name);
    let mut chain = RpcChain::connect(&url, vec![key.clone()]).unwrap();
    chain.set_balance(key.address(), U256::from(10u64).pow(U256::from(21))).unwrap();
    let deployment = dir.join("deployment.json");
    let with_key = |c: &mut Command| {
        c.arg("--keystore").arg(&keystore).env("ALOE_KEYSTORE_PASSWORD", password);
    };
    let mut deploy = aloe();
    deploy.args(["deploy", "--rpc-url", &url, "--out"]).arg(&deployment);
    with_key(&mut deploy);
    run_ok(&mut deploy);
    let model = small_knn_model(&dir, "7");
    let upload = |extra: &[&str]| {
        let mut c = aloe();
        c.args(["model", "knn", "upload", "--rpc-url", &url, "--deployment"]).arg(&deployment);
        c.arg("--model").arg(&model).args(extra);
        with_key(&mut c);
        run_ok(&mut c)
    };
    let first = upload(&["--max-chunks", "1"]);
    assert!(first.contains("0 chunks already staged, 1 staged now") && first.contains("not published yet"), "{first}");
    let mut staging = aloe();
    staging.args(["model", "knn", "verify", "--staging", "--rpc-url", &url, "--deployment"]).arg(&deployment);
    let staged = run_ok(staging.arg("--model").arg(&model));
    assert!(staged.contains("the 1 staged chunks of 3 equal"), "{staged}");
    let second = upload(&[]);
    assert!(second.contains("1 chunks already staged") && second.contains("verified"), "{second}");
    let verify = |file: &std::path::Path| {
        aloe()
            .args(["model", "knn", "verify", "--rpc-url", &url, "--deployment"])
            .arg(&deployment)
            .arg("--model")
            .arg(file)
            .output()
            .unwrap()
    };
    assert!(verify(&model).status.success());
    let other = verify(&small_knn_model(&dir, "8"));
    assert!(!other.status.success());
    assert!(String::from_utf8_lossy(&other.stderr).contains("k is 7 on chain, 8 in the file"));
    std::fs::remove_dir_all(&dir).unwrap();
}
