//! `aloe serve` as a process: the lending lifecycle through the JSON API, refusals that name their field
//! and change nothing, and kill -9 during writes with nothing acknowledged lost on restart.

use std::{
    net::TcpListener,
    path::Path,
    process::Stdio,
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use serde_json::{Value, json};

use super::{Process, aloe};

/// A running `aloe serve`, killed (SIGKILL) when dropped.
struct Server {
    _process: Process,
    url: String,
}

fn start(dir: &Path) -> Server {
    start_with(dir, &[])
}

fn start_with(dir: &Path, extra: &[&str]) -> Server {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let log = std::fs::OpenOptions::new().create(true).append(true).open(dir.join("serve.log")).unwrap();
    let child = aloe()
        .arg("serve")
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(["--listen", &format!("127.0.0.1:{port}"), "--index-ms", "200"])
        .args(extra)
        .env("ALOE_SERVICE_PASSWORD", "serve test")
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    let server = Server { _process: Process(child), url: format!("http://127.0.0.1:{port}/api/v1") };
    let deadline = Instant::now() + Duration::from_secs(120);
    while reqwest::blocking::get(format!("{}/status", server.url)).is_err() {
        assert!(Instant::now() < deadline, "aloe serve did not start; see {}", dir.join("serve.log").display());
        std::thread::sleep(Duration::from_millis(200));
    }
    server
}

fn client() -> reqwest::blocking::Client {
    reqwest::blocking::Client::builder().timeout(Duration::from_secs(60)).build().unwrap()
}

fn get(server: &Server, path: &str) -> (u16, Value) {
    let response = client().get(format!("{}{path}", server.url)).send().unwrap();
    (response.status().as_u16(), response.json().unwrap())
}

fn post(server: &Server, path: &str, body: Value) -> (u16, Value) {
    let response = client().post(format!("{}{path}", server.url)).json(&body).send().unwrap();
    (response.status().as_u16(), response.json().unwrap())
}

/// Waits until the index has read the chain's latest block, and returns the status.
fn synced(server: &Server) -> Value {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let (_, status) = get(server, "/status");
        if status["indexedBlock"] == status["block"] {
            return status;
        }
        assert!(Instant::now() < deadline, "the index did not catch up: {status}");
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn ether(units: u64) -> String {
    (alloy_primitives::U256::from(units) * alloy_primitives::U256::from(10u64).pow(alloy_primitives::U256::from(18)))
        .to_string()
}

fn create_loan(server: &Server, amount: &str, payments: u32) -> String {
    let (status, sent) = post(
        server,
        "/dev/loans",
        json!({"user": 1, "amount": amount, "ratePerMil": 10, "payments": payments, "periodDays": 30,
               "minScore": 500, "fundDays": 30, "graceDays": 10}),
    );
    assert_eq!(status, 201, "{sent}");
    sent["loan"].as_str().unwrap().to_owned()
}

#[test]
fn serve_runs_the_lending_lifecycle_through_the_api_and_refusals_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path());
    let (status, registered) =
        post(&server, "/dev/registrations", json!({"user": 0, "fico": 720, "nationalId": "219-09-9999"}));
    assert_eq!(status, 201, "{registered}");
    let borrower = registered["borrower"].as_str().unwrap().to_owned();
    let loan = create_loan(&server, &ether(2), 2);
    let before = synced(&server)["block"].clone();

    // Refusals: each names its field, is 4xx, and sends nothing.
    let refusals = [
        (post(&server, "/dev/registrations", json!({"user": 3, "fico": 720, "nationalId": "219-09-9999"})), 409, None),
        (post(&server, "/dev/registrations", json!({"user": 3, "fico": 200, "nationalId": "x"})), 400, Some("fico")),
        (post(&server, "/dev/registrations", json!({"user": 3, "fico": 700})), 400, Some("nationalId")),
        (post(&server, &format!("/dev/loans/{loan}/invest"), json!({"user": 2, "amount": "1.5"})), 400, Some("amount")),
        (post(&server, &format!("/dev/loans/{loan}/invest"), json!({"user": 12, "amount": "1"})), 400, Some("user")),
        (
            post(
                &server,
                "/dev/loans/0x0000000000000000000000000000000000000001/invest",
                json!({"user": 2, "amount": "1"}),
            ),
            404,
            Some("loan"),
        ),
        (post(&server, &format!("/dev/loans/{loan}/borrow"), json!({"user": 4, "amount": ether(2)})), 409, None),
        (get(&server, "/loans?status=late"), 400, Some("status")),
        (get(&server, &format!("/borrowers/{borrower}?payments=0")), 400, Some("payments")),
        (get(&server, "/lenders/0x12"), 400, Some("lender")),
    ];
    for ((status, body), expected, field) in refusals {
        assert_eq!(status, expected, "{body}");
        assert!(body["error"].as_str().is_some_and(|e| !e.is_empty()), "{body}");
        assert_eq!(body["field"].as_str(), field, "{body}");
    }
    assert_eq!(synced(&server)["block"], before, "a refused request sent a transaction");

    // The lifecycle: invest, borrow, disburse, a period later pay one installment, withdraw.
    assert_eq!(post(&server, &format!("/dev/loans/{loan}/invest"), json!({"user": 2, "amount": ether(2)})).0, 200);
    assert_eq!(post(&server, &format!("/dev/loans/{loan}/borrow"), json!({"user": 0, "amount": ether(2)})).0, 200);
    assert_eq!(post(&server, &format!("/dev/loans/{loan}/disburse"), json!({"user": 0})).0, 200);
    assert_eq!(post(&server, "/dev/clock", json!({"days": 30})).0, 200);
    let (_, view) = get(&server, &format!("/loans/{loan}"));
    assert_eq!(view["status"], "active", "{view}");
    assert_eq!(view["fundingProgress"], 1.0);
    let installment = view["schedule"][0]["installment"].as_str().unwrap().to_owned();
    assert_eq!(view["standing"][0]["arrears"], installment.as_str(), "one installment is due: {view}");
    assert_eq!(post(&server, &format!("/dev/loans/{loan}/pay"), json!({"user": 0, "amount": installment})).0, 200);
    let lender = get(&server, "/dev/users").1[2]["address"].as_str().unwrap().to_owned();
    let (_, earnings) = get(&server, &format!("/lenders/{lender}"));
    let withdrawable = earnings["earnings"][0]["withdrawable"].as_str().unwrap().to_owned();
    assert_eq!(withdrawable, installment, "the one lender may take the whole installment: {earnings}");
    assert_eq!(
        post(&server, &format!("/dev/loans/{loan}/withdraw"), json!({"user": 2, "amount": withdrawable})).0,
        200
    );

    let (_, view) = get(&server, &format!("/loans/{loan}"));
    assert_eq!(view["repaid"], installment.as_str());
    assert_eq!(view["withdrawn"], installment.as_str());
    assert_eq!(view["standing"][0]["arrears"], "0");
    let (_, account) = get(&server, &format!("/borrowers/{borrower}"));
    assert_eq!(account["registration"]["ficoScore"], 720);
    assert!(account["score"]["score"].as_u64().is_some(), "{account}");
    assert!(account["history"].as_array().unwrap().len() >= 4, "{account}");
    // The DeFi score reads the borrower's Aloe loan: a request, a disbursement, a payment.
    let defi = &account["defi"]["score"];
    assert_eq!(defi["transactions"], 3, "{account}");
    // Repaid over borrowed: one installment of two ether's schedule so far.
    let rate = installment.parse::<f64>().unwrap() / 2e18;
    assert!((defi["repaymentRate"].as_f64().unwrap() - rate).abs() < 1e-9, "{account}");
    assert!((0.0..=100.0).contains(&defi["points"].as_f64().unwrap()), "{account}");
    let (status, newcomer) =
        post(&server, "/dev/registrations", json!({"user": 5, "fico": 650, "nationalId": "457-55-5462"}));
    assert_eq!(status, 201, "{newcomer}");
    let (_, newcomer) = get(&server, &format!("/borrowers/{}", newcomer["borrower"].as_str().unwrap()));
    assert!(newcomer["defi"]["score"].is_null(), "{newcomer}");
    assert!(newcomer["defi"]["unavailable"].as_str().unwrap().contains("no lending history"), "{newcomer}");
    let (_, market) = get(&server, "/market");
    assert_eq!(market["byStatus"]["active"], 1, "{market}");
    assert_eq!(market["registrations"], 2);
}

#[test]
fn serve_survives_kill_9_during_writes_and_keeps_every_acknowledged_write() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path());
    let bureau = synced(&server)["bureau"].clone();
    let loan = create_loan(&server, &ether(1_000), 3);
    drop(server);

    // Each investment is 0.001 ether; kill -9 after a different number of acknowledgements each round.
    let amount: u128 = 1_000_000_000_000_000;
    let mut acknowledged: u128 = 0;
    for (round, kill_after) in [3u64, 17, 1, 9].into_iter().enumerate() {
        let server = start(dir.path());
        assert_eq!(synced(&server)["bureau"], bureau, "round {round}: the restart resumed another deployment");
        let acks = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let writer = {
            let (acks, stop, url) = (acks.clone(), stop.clone(), server.url.clone());
            let path = format!("{url}/dev/loans/{loan}/invest");
            std::thread::spawn(move || {
                let client = client();
                for i in 0.. {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let body = json!({"user": 2 + i % 8, "amount": amount.to_string()});
                    match client.post(&path).json(&body).send() {
                        Ok(response) if response.status().is_success() => acks.fetch_add(1, Ordering::SeqCst),
                        _ => break, // the server died under it: this one was never acknowledged
                    };
                }
            })
        };
        while acks.load(Ordering::SeqCst) < kill_after {
            std::thread::sleep(Duration::from_millis(5));
        }
        drop(server); // SIGKILL, with a request most likely in flight
        stop.store(true, Ordering::SeqCst);
        writer.join().unwrap();
        acknowledged += u128::from(acks.load(Ordering::SeqCst));

        let server = start(dir.path());
        synced(&server);
        let (_, view) = get(&server, &format!("/loans/{loan}"));
        let invested: u128 = view["invested"].as_str().unwrap().parse().unwrap();
        assert_eq!(invested % amount, 0, "round {round}: half an investment: {invested}");
        let committed = invested / amount;
        // Every acknowledged investment is there; at most the one in flight at the kill is there too.
        assert!(
            (acknowledged..=acknowledged + 1).contains(&committed),
            "round {round}: {acknowledged} acknowledged, {committed} on the restarted chain"
        );
        let positions: u128 = view["lenderPositions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["invested"].as_str().unwrap().parse::<u128>().unwrap())
            .sum();
        assert_eq!(positions, invested, "round {round}: the index's positions disagree with its totals");
        acknowledged = committed;
    }
}

#[test]
fn the_loopback_load_test_reads_and_writes_concurrently_without_errors() {
    let out = aloe()
        .args(["bench", "serve", "--readers", "3", "--writers", "2", "--reads", "30", "--writes", "6", "--loans", "3"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    for phase in [
        "| reads alone (baseline) | 90 | 0 |",
        "| reads beside writes | 90 | 0 |",
        "| writes (invest, then index sync) | 12 | 0 |",
    ] {
        assert!(stdout.contains(phase), "missing {phase:?} in\n{stdout}");
    }
}

/// A private anvil for one test (from the npm package `scripts/test` installs), killed when dropped: a
/// whole deployment and a reorganisation would disturb the shared one.
struct Anvil {
    _process: Process,
    url: String,
}

impl Anvil {
    fn start() -> Self {
        let binary =
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil");
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = std::process::Command::new(&binary)
            .args(["--host", "127.0.0.1", "--port", &port.to_string(), "--enable-tx-gas-limit", "--silent"])
            .args(["--timestamp", "1767225600"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("starting {}: {e} (run npm ci)", binary.display()));
        let anvil = Self { _process: Process(child), url: format!("http://127.0.0.1:{port}") };
        let deadline = Instant::now() + Duration::from_secs(30);
        while anvil.rpc("eth_chainId", json!([])).is_none() {
            assert!(Instant::now() < deadline, "anvil did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        anvil
    }

    fn rpc(&self, method: &str, params: Value) -> Option<Value> {
        let body = json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params});
        let answer: Value = client().post(&self.url).json(&body).send().ok()?.json().ok()?;
        answer.get("result").cloned()
    }
}

/// The indexed loans' amounts, in creation order.
fn loan_amounts(server: &Server) -> Vec<String> {
    let (_, page) = get(server, "/loans");
    page["loans"].as_array().unwrap().iter().map(|l| l["terms"]["totalAmount"].as_str().unwrap().to_owned()).collect()
}

#[test]
#[ignore = "needs anvil from npm: run scripts/test, or npm ci and pass --include-ignored"]
fn serve_on_a_json_rpc_node_resumes_and_follows_a_reorganisation() {
    let anvil = Anvil::start();
    let dir = tempfile::tempdir().unwrap();
    let rpc = ["--rpc-url", anvil.url.as_str()];
    let server = start_with(dir.path(), &rpc);
    let status = synced(&server);
    assert_eq!(status["backend"], "json-rpc");
    let (code, registered) =
        post(&server, "/dev/registrations", json!({"user": 0, "fico": 720, "nationalId": "219-09-9999"}));
    assert_eq!(code, 201, "{registered}");
    let first = create_loan(&server, &ether(2), 2);
    assert_eq!(post(&server, &format!("/dev/loans/{first}/invest"), json!({"user": 2, "amount": ether(2)})).0, 200);

    // A reorganisation: the node returns to a snapshot and mines a different history at the same heights.
    let snapshot = anvil.rpc("evm_snapshot", json!([])).unwrap();
    create_loan(&server, &ether(3), 3);
    synced(&server);
    assert_eq!(loan_amounts(&server), [ether(2), ether(3)]);
    assert_eq!(anvil.rpc("evm_revert", json!([snapshot])), Some(json!(true)));
    // The bureau's clone lands at the same address (its nonce was reverted too), with other terms, in a
    // block of the same height and another hash.
    create_loan(&server, &ether(4), 4);
    synced(&server);
    assert_eq!(loan_amounts(&server), [ether(2), ether(4)], "the orphaned loan's terms are gone");

    // A restart resumes the same deployment and index on the node.
    drop(server);
    let server = start_with(dir.path(), &rpc);
    assert_eq!(synced(&server)["bureau"], status["bureau"]);
    assert_eq!(loan_amounts(&server), [ether(2), ether(4)]);
    let (_, view) = get(&server, &format!("/loans/{first}"));
    assert_eq!(view["invested"], ether(2).as_str(), "{view}");
}

#[test]
fn the_keeper_reports_a_default_the_chain_confirms() {
    let dir = tempfile::tempdir().unwrap();
    let server = start_with(dir.path(), &["--keeper-seconds", "1"]);
    let (status, registered) =
        post(&server, "/dev/registrations", json!({"user": 0, "fico": 720, "nationalId": "219-09-9999"}));
    assert_eq!(status, 201, "{registered}");
    let (status, sent) = post(
        &server,
        "/dev/loans",
        json!({"user": 1, "amount": ether(1), "ratePerMil": 10, "payments": 1, "periodDays": 30,
               "minScore": 0, "fundDays": 30, "graceDays": 1}),
    );
    assert_eq!(status, 201, "{sent}");
    let loan = sent["loan"].as_str().unwrap().to_owned();
    assert_eq!(post(&server, &format!("/dev/loans/{loan}/invest"), json!({"user": 2, "amount": ether(1)})).0, 200);
    assert_eq!(post(&server, &format!("/dev/loans/{loan}/borrow"), json!({"user": 0, "amount": ether(1)})).0, 200);
    assert_eq!(post(&server, &format!("/dev/loans/{loan}/disburse"), json!({"user": 0})).0, 200);
    // The installment falls due after 30 days and the grace ends a day later: the keeper reports it.
    assert_eq!(post(&server, "/dev/clock", json!({"days": 32})).0, 200);
    let deadline = Instant::now() + Duration::from_secs(60);
    let view = loop {
        let (_, view) = get(&server, &format!("/loans/{loan}"));
        if view["status"] == "defaulted" {
            break view;
        }
        assert!(Instant::now() < deadline, "no default reported: {view}");
        std::thread::sleep(Duration::from_millis(200));
    };
    let record = &view["defaultRecords"][0];
    assert_eq!(record["borrower"], registered["borrower"], "{view}");
    let users: Vec<Value> =
        get(&server, "/dev/users").1.as_array().unwrap().iter().map(|u| u["address"].clone()).collect();
    assert!(!users.contains(&record["reporter"]), "the keeper, not a user, reported it: {view}");
    assert_eq!(get(&server, "/market").1["defaults"], 1);
}

#[test]
fn a_loan_that_requires_the_credit_models_approval_takes_a_proof_and_refuses_a_plain_borrow() {
    let dir = tempfile::tempdir().unwrap();
    let server = start(dir.path());
    // The German credit data's first applicant, whom the shipped model approves.
    let attributes = "A11 6 A34 A43 1169 A65 A75 4 A93 A101 4 A121 67 A143 A152 2 A173 1 A192 A201";
    let register = |user: u32, id: &str, attributes: Option<&str>| {
        let mut body = json!({"user": user, "fico": 700, "nationalId": id});
        if let Some(a) = attributes {
            body["attributes"] = json!(a);
        }
        post(&server, "/dev/registrations", body)
    };
    assert_eq!(register(0, "219-09-9999", Some(attributes)).0, 201);
    assert_eq!(register(4, "457-55-5462", None).0, 201);
    let (status, refused) = register(5, "078-05-1120", Some("A11 6"));
    assert_eq!((status, refused["field"].as_str()), (400, Some("attributes")), "{refused}");

    let (status, sent) = post(
        &server,
        "/dev/loans",
        json!({"user": 1, "amount": ether(1), "ratePerMil": 10, "payments": 1, "periodDays": 30,
               "fundDays": 30, "graceDays": 10, "requiresProof": true}),
    );
    assert_eq!(status, 201, "{sent}");
    let loan = sent["loan"].as_str().unwrap().to_owned();
    let (_, view) = get(&server, &format!("/loans/{loan}"));
    assert_ne!(view["terms"]["decisionModel"], 0, "{view}");

    let borrow = |path: &str, user: u32| {
        post(&server, &format!("/dev/loans/{loan}/{path}"), json!({"user": user, "amount": ether(1)}))
    };
    let (status, plain) = borrow("borrow", 0);
    assert_eq!(status, 409, "a plain borrow from a loan that requires a proof: {plain}");
    let (status, nothing) = borrow("borrow-with-proof", 4);
    assert_eq!(status, 409, "an account with no committed attributes cannot prove: {nothing}");
    let (status, proved) = borrow("borrow-with-proof", 0);
    assert_eq!(status, 200, "{proved}");
    let (_, view) = get(&server, &format!("/loans/{loan}"));
    assert_eq!(view["requested"], ether(1).as_str(), "{view}");
    let (_, account) = get(&server, &format!("/borrowers/{}", proved["from"].as_str().unwrap()));
    let events: Vec<&str> =
        account["history"].as_array().unwrap().iter().map(|e| e["event"].as_str().unwrap()).collect();
    assert!(events.contains(&"DecisionProofAccepted"), "{events:?}");
}
