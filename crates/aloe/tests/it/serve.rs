//! `aloe serve` as a process: the lending lifecycle through the JSON API, refusals that name their field
//! and change nothing, and kill -9 during writes with nothing acknowledged lost on restart.

use std::{
    net::TcpListener,
    path::Path,
    process::{Child, Stdio},
    sync::{
        Arc,
        atomic::{AtomicBool, AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use serde_json::{Value, json};

use super::aloe;

/// A running `aloe serve`, killed (SIGKILL) when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start(dir: &Path) -> Server {
    let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let log = std::fs::OpenOptions::new().create(true).append(true).open(dir.join("serve.log")).unwrap();
    let child = aloe()
        .arg("serve")
        .arg("--data-dir")
        .arg(dir.join("data"))
        .args(["--listen", &format!("127.0.0.1:{port}"), "--index-ms", "200"])
        .env("ALOE_SERVICE_PASSWORD", "serve test")
        .stdin(Stdio::null())
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    let server = Server { child, url: format!("http://127.0.0.1:{port}/api/v1") };
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
    let (_, market) = get(&server, "/market");
    assert_eq!(market["byStatus"]["active"], 1, "{market}");
    assert_eq!(market["registrations"], 1);
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
