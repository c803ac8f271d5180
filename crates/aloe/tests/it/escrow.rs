//! The identity escrow as separate processes against anvil: a notary and three auditors (t = 2), each
//! `aloe … serve` on its own data directory and port. Two borrowers register with `aloe borrower
//! register`; each defaults, and the lender reveals with `aloe lender reveal`: the first time with every
//! auditor up, the second with one down. Refused, with
//! nothing leaked or changed: a replayed registration, the same identity on a fresh address, a delivery
//! from a forged notary, a reveal before the default, and a reveal by someone who did not lend.

use std::{
    net::TcpListener,
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use alloy::signers::local::PrivateKeySigner;
use alloy_primitives::Address;
use aloe_chain::{Chain, RpcChain, dev_signer};
use aloe_contracts::{LoanTerms, Protocol, lifecycle::whole};
use aloe_identity::{
    escrow::{self, AuditorInfo, AuditorSet},
    identity::{NationalId, TagKey},
    messages::{self, Signed},
};

use super::{Process, aloe, rand_core_rng};

const PASSWORD: &str = "escrow test";
const SSN: &str = "219-09-9999";
const SECOND_SSN: &str = "457-55-5462";

/// A service process, killed when dropped.
struct Service {
    _process: Process,
    url: String,
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn info(url: &str) -> Option<aloe_server::Info> {
    reqwest::blocking::get(format!("{url}/v1/info")).ok()?.json().ok()
}

fn start(role: &str, dir: &Path, url: &str, deployment: &Path, extra: &[String]) -> Service {
    let port = free_port();
    let data = dir.join(format!("{role}-{port}"));
    let log = std::fs::File::create(dir.join(format!("{role}-{port}.log"))).unwrap();
    let child = aloe()
        .args([role, "serve", "--rpc-url", url, "--deployment"])
        .arg(deployment)
        .arg("--data-dir")
        .arg(&data)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .args(extra)
        .env("ALOE_SERVICE_PASSWORD", PASSWORD)
        .stdout(log.try_clone().unwrap())
        .stderr(log)
        .spawn()
        .unwrap();
    let service = Service { _process: Process(child), url: format!("http://127.0.0.1:{port}") };
    let deadline = Instant::now() + Duration::from_secs(60);
    while info(&service.url).is_none() {
        assert!(Instant::now() < deadline, "{role} did not start; see {}", dir.display());
        std::thread::sleep(Duration::from_millis(200));
    }
    service
}

fn keystore(dir: &Path, key: &PrivateKeySigner) -> PathBuf {
    let (_, name) =
        PrivateKeySigner::encrypt_keystore(dir, &mut rand_core_rng(), key.to_bytes(), PASSWORD, None).unwrap();
    dir.join(name)
}

/// `aloe <args> --rpc-url --deployment --keystore` as `key`'s owner; the output and whether it succeeded.
fn as_user(args: &[impl AsRef<std::ffi::OsStr>], url: &str, deployment: &Path, keystore: &Path) -> (bool, String) {
    as_user_with_id(args, url, deployment, keystore, SSN)
}

fn as_user_with_id(
    args: &[impl AsRef<std::ffi::OsStr>],
    url: &str,
    deployment: &Path,
    keystore: &Path,
    id: &str,
) -> (bool, String) {
    let out = aloe()
        .args(args)
        .args(["--rpc-url", url, "--deployment"])
        .arg(deployment)
        .arg("--keystore")
        .arg(keystore)
        .env("ALOE_KEYSTORE_PASSWORD", PASSWORD)
        .env("ALOE_NATIONAL_ID", id)
        .output()
        .unwrap();
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

fn files_contain(dir: &Path, needle: &[u8]) -> bool {
    std::fs::read_dir(dir).unwrap().flatten().any(|entry| {
        let path = entry.path();
        if path.is_dir() {
            files_contain(&path, needle)
        } else {
            std::fs::read(&path).is_ok_and(|bytes| bytes.windows(needle.len()).any(|w| w == needle))
        }
    })
}

#[test]
#[ignore = "needs anvil: run scripts/test, or set ALOE_ANVIL_URL and pass --include-ignored"]
fn notary_and_auditors_as_processes_register_and_reveal_only_to_lenders() {
    let url = std::env::var("ALOE_ANVIL_URL").expect("ALOE_ANVIL_URL");
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    // Accounts of their own (the other anvil tests use 0..=22).
    let (owner, borrower, lender, stranger, twin, second) =
        (dev_signer(40), dev_signer(41), dev_signer(42), dev_signer(43), dev_signer(44), dev_signer(45));
    let mut chain = RpcChain::connect(&url, vec![owner.clone()]).unwrap();
    for who in [&owner, &borrower, &lender, &stranger, &twin, &second] {
        chain.set_balance(who.address(), whole(1_000)).unwrap();
    }
    let protocol = Protocol::deploy(&mut chain, owner.address()).unwrap();
    let deployment = dir.join("deployment.json");
    std::fs::write(&deployment, serde_json::to_string(&protocol).unwrap()).unwrap();

    // Three auditors and a notary, each its own process; the owner lists them.
    let auditors: Vec<Service> =
        (0..3).map(|_| start("auditor", dir, &url, &deployment, &["--poll-seconds".into(), "1".into()])).collect();
    let urls: Vec<String> = auditors.iter().map(|a| a.url.clone()).collect();
    for service in &auditors {
        chain.set_balance(info(&service.url).unwrap().address, whole(10)).unwrap();
    }
    let owner_keystore = keystore(dir, &owner);
    let mut set_auditors = vec!["escrow", "set-auditors", "--threshold", "2"];
    for u in &urls {
        set_auditors.extend(["--auditor", u.as_str()]);
    }
    let (ok, out) = as_user(&set_auditors, &url, &deployment, &owner_keystore);
    assert!(ok && out.contains("auditor set 1 (2 of 3)"), "{out}");
    let notary_args: Vec<String> = urls.iter().flat_map(|u| ["--auditor".to_owned(), u.clone()]).collect();
    let notary = start("notary", dir, &url, &deployment, &notary_args);
    let notary_address = info(&notary.url).unwrap().address;
    chain.set_balance(notary_address, whole(10)).unwrap();
    protocol.bureau.add_notary(&mut chain, owner.address(), notary_address).unwrap();

    // Register; the same request again and the same identity on a fresh address are refused.
    let borrower_keystore = keystore(dir, &borrower);
    let register = ["borrower", "register", "--fico", "720", "--notary", notary.url.as_str()];
    // The first registration carries the borrower's credit attributes: the CLI keeps them with a fresh salt,
    // the notary service commits to them on-chain.
    let applicant = dir.join("applicant.txt");
    std::fs::write(&applicant, "A11 6 A34 A43 1169 A65 A75 4 A93 A101 4 A121 67 A143 A152 2 A173 1 A192 A201\n")
        .unwrap();
    let kept = dir.join("attributes.json");
    let with_attributes =
        [&register[..], &["--attributes", applicant.to_str().unwrap(), "--attributes-out", kept.to_str().unwrap()]]
            .concat();
    let (ok, out) = as_user(&with_attributes, &url, &deployment, &borrower_keystore);
    assert!(ok && out.contains("registered"), "{out}");
    let file = aloe_zk::files::AttributesFile::from_json(&std::fs::read_to_string(&kept).unwrap()).unwrap();
    let stored = protocol.identity_escrow.identity_of(&mut chain, borrower.address()).unwrap().attributesCommitment;
    assert_eq!(stored.to_string(), file.commitment, "the notary recorded the commitment the borrower keeps");
    let (ok, out) = as_user(&register, &url, &deployment, &borrower_keystore);
    assert!(!ok && out.contains("already registered"), "{out}");
    let (ok, out) = as_user(&register, &url, &deployment, &keystore(dir, &twin));
    assert!(!ok && out.contains("this identity is already registered"), "{out}");
    assert!(protocol.bureau.verify_unused_address(&mut chain, twin.address()).is_ok(), "the twin got a ledger");

    // A delivery signed by someone who is not a notary: refused with 401, nothing stored.
    let set = AuditorSet {
        epoch: 1,
        threshold: 2,
        auditors: urls
            .iter()
            .zip(1u8..)
            .map(|(u, index)| {
                let i = info(u).unwrap();
                AuditorInfo {
                    account: i.address,
                    index,
                    encryption_key: aloe_identity::encryption::EncryptionKey(i.encryption_key.unwrap().0),
                }
            })
            .collect(),
    };
    let forger = PrivateKeySigner::random();
    let mut rng = rand_core_rng();
    let fake = escrow::create(
        Address::repeat_byte(0x77),
        &NationalId::new("000").unwrap(),
        &TagKey::random(&mut rng),
        &set,
        chain.timestamp().unwrap(),
        &mut rng,
    )
    .unwrap();
    let signed = Signed::sign(
        &fake.deliveries[0],
        &messages::domain(protocol.chain_id, protocol.identity_escrow.address),
        &forger,
    )
    .unwrap();
    let response =
        reqwest::blocking::Client::new().post(format!("{}/v1/deliveries", urls[0])).json(&signed).send().unwrap();
    assert_eq!(response.status(), 401);
    let body: serde_json::Value = response.json().unwrap();
    assert!(body["error"].as_str().unwrap().contains("not a notary"), "{body}");

    // A second borrower, registered while every auditor is up.
    let (ok, out) = as_user_with_id(&register, &url, &deployment, &keystore(dir, &second), SECOND_SSN);
    assert!(ok, "{out}");

    let lender_keystore = keystore(dir, &lender);
    let (ok, out) = as_user(&["lender", "set-key"], &url, &deployment, &lender_keystore);
    assert!(ok, "{out}");
    let ctx = Context {
        url: &url,
        deployment: &deployment,
        protocol,
        owner: &owner,
        lender: &lender,
        lender_keystore: &lender_keystore,
    };

    // Round one: every auditor answers. Before the default nothing is released; after it, the lender reveals.
    let first_loan = ctx.defaulting_loan(&mut chain, &borrower);
    let (ok, out) = as_user(&ctx.reveal_args(first_loan, &borrower), &url, &deployment, &lender_keystore);
    assert!(!ok && out.contains("no share was released"), "{out}");
    assert_eq!(ctx.default_and_reveal(&mut chain, first_loan, &borrower, &auditors), SSN);
    // Someone who did not lend gets nothing.
    let (ok, out) = as_user(&ctx.reveal_args(first_loan, &borrower), &url, &deployment, &keystore(dir, &stranger));
    assert!(!ok && out.contains("no share was released"), "{out}");

    // Round two: one auditor is down; the other two suffice.
    let mut auditors = auditors;
    drop(auditors.pop());
    let second_loan = ctx.defaulting_loan(&mut chain, &second);
    assert_eq!(ctx.default_and_reveal(&mut chain, second_loan, &second, &auditors), SECOND_SSN);

    // No service wrote either identifier anywhere, in any file.
    drop(auditors);
    drop(notary);
    assert!(
        !files_contain(dir, SSN.as_bytes()) && !files_contain(dir, SECOND_SSN.as_bytes()),
        "an identifier is on disk"
    );
}

/// What the two rounds share.
struct Context<'a> {
    url: &'a str,
    deployment: &'a Path,
    protocol: Protocol,
    owner: &'a PrivateKeySigner,
    lender: &'a PrivateKeySigner,
    lender_keystore: &'a Path,
}

impl Context<'_> {
    /// A one-payment loan due in a minute, funded by the lender and taken by `borrower`.
    fn defaulting_loan(&self, chain: &mut RpcChain, borrower: &PrivateKeySigner) -> Address {
        let now = chain.timestamp().unwrap();
        let terms = LoanTerms {
            asset: Address::ZERO,
            totalAmount: whole(10).to(),
            intRatePerMil: 10,
            numPayments: 1,
            secondsBetweenPayments: 60,
            minCreditScore: 0,
            fundDate: alloy_primitives::Uint::from(now + 86_400),
            gracePeriod: 0,
            creatorFeePerMil: 0,
            decisionModel: 0,
            minDecisionMargin: 0,
        };
        let loan = self.protocol.bureau.create_loan(chain, self.owner.address(), terms).unwrap().value;
        let mut parties = RpcChain::connect(self.url, vec![self.lender.clone(), borrower.clone()]).unwrap();
        loan.invest(&mut parties, self.lender.address(), whole(10)).unwrap();
        loan.borrow(&mut parties, borrower.address(), whole(10)).unwrap();
        loan.disburse(&mut parties, borrower.address()).unwrap();
        loan.address
    }

    fn reveal_args(&self, loan: Address, borrower: &PrivateKeySigner) -> Vec<String> {
        ["lender", "reveal", "--loan", &loan.to_string(), "--borrower", &borrower.address().to_string()]
            .map(str::to_owned)
            .to_vec()
    }

    /// Two minutes later the keeper reports the default; the running auditors look at the chain; the lender
    /// reveals (retrying while the releases land). Returns what `aloe lender reveal` printed.
    fn default_and_reveal(
        &self,
        chain: &mut RpcChain,
        loan: Address,
        borrower: &PrivateKeySigner,
        auditors: &[Service],
    ) -> String {
        chain.advance_time(120).unwrap();
        self.protocol.bureau.report_default(chain, self.owner.address(), loan, borrower.address()).unwrap();
        for service in auditors {
            let response =
                reqwest::blocking::Client::new().post(format!("{}/v1/release-pass", service.url)).send().unwrap();
            assert!(response.status().is_success());
        }
        let args = self.reveal_args(loan, borrower);
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let (ok, out) = as_user(&args, self.url, self.deployment, self.lender_keystore);
            if ok || Instant::now() > deadline {
                return out.trim().to_owned();
            }
            std::thread::sleep(Duration::from_millis(500));
        }
    }
}
