//! A persistent chain against an in-memory one, and the files a persistent chain refuses to open.

use std::path::Path;

use alloy_primitives::{Address, B256, U256, hex};
use aloe_chain::{Chain, EmbeddedChain, Error, LogFilter, TxRequest};

const ALICE: Address = Address::repeat_byte(0xa1);
const BOB: Address = Address::repeat_byte(0xb0);
const CAROL: Address = Address::repeat_byte(0xca);
const DAVE: Address = Address::repeat_byte(0xda);

/// A contract whose constructor sets slot 2 to 0x77, and whose runtime (77 bytes):
/// - with value: sets slot 5 to 1, then reverts (so slot 5 must stay 0);
/// - with a calldata word `v`: slot 0 = v, emits LOG1(topic v, data v), slot 1 += 1;
/// - with no calldata: returns slots 0, 1, 2 and 5.
const RECORDER: [u8; 94] = hex!(
    "6077600255604d6011600039604d6000f3"
    "3415600f57600160055560006000fd5b3615602f57600035806000558060005260206000a1600154600101600155005b"
    "60005460005260015460205260025460405260055460605260806000f3"
);

/// Init code: mstore(0, 0x2a); revert(31, 1).
const REVERTING: [u8; 10] = hex!("602a6000526001601ffd");

/// Init code: selfdestruct(BOB), so the account is created and destroyed in one transaction.
fn self_destructing() -> Vec<u8> {
    [&[0x73][..], BOB.as_slice(), &[0xff]].concat()
}

fn word(value: u64) -> Vec<u8> {
    B256::from(U256::from(value)).to_vec()
}

fn ether(amount: u64) -> U256 {
    U256::from(amount) * U256::from(10u64.pow(18))
}

/// The first half of the script: funding, a transfer, a deployment with storage, a logged call.
fn first_half(chain: &mut EmbeddedChain) -> Address {
    chain.set_balance(ALICE, ether(1_000)).unwrap();
    chain.send(TxRequest::call(ALICE, BOB).with_value(ether(5))).unwrap();
    let recorder = chain.send(TxRequest::deploy(ALICE, RECORDER)).unwrap().contract_address.unwrap();
    chain.advance_time(3_600).unwrap();
    let receipt = chain.send(TxRequest::call(ALICE, recorder).with_input(word(7))).unwrap();
    assert_eq!(receipt.logs.len(), 1);
    recorder
}

/// The second half: reverts (a call and a deployment), a self-destructing deployment, a refused
/// transaction, more logged calls, a balance set and the clock.
fn second_half(chain: &mut EmbeddedChain, recorder: Address) {
    let call_revert = chain.send(TxRequest::call(ALICE, recorder).with_value(U256::from(1))).unwrap_err();
    assert!(matches!(call_revert, Error::Reverted { .. }), "{call_revert}");
    let deploy_revert = chain.send(TxRequest::deploy(ALICE, REVERTING)).unwrap_err();
    assert!(matches!(deploy_revert, Error::Reverted { .. }), "{deploy_revert}");
    chain.send(TxRequest::deploy(CAROL, self_destructing()).with_value(U256::from(10))).unwrap_err();
    chain.set_balance(CAROL, ether(2)).unwrap();
    let destroyed = chain.send(TxRequest::deploy(CAROL, self_destructing()).with_value(U256::from(10))).unwrap();
    assert!(chain.code(destroyed.contract_address.unwrap()).unwrap().is_empty());
    let refused = chain.send(TxRequest::call(DAVE, ALICE).with_value(U256::from(1))).unwrap_err();
    assert!(matches!(refused, Error::InvalidTransaction { .. }), "{refused}");
    chain.advance_time(60).unwrap();
    chain.send(TxRequest::call(BOB, recorder).with_input(word(9))).unwrap();
    chain.send(TxRequest::call(ALICE, recorder).with_input(word(11))).unwrap();
    chain.set_balance(DAVE, U256::from(3)).unwrap();
}

/// Everything observable about the script's accounts, blocks and logs.
#[derive(Debug, PartialEq)]
struct Observed {
    accounts: Vec<(Address, U256, u64, Vec<u8>)>,
    recorder_slots: Vec<u8>,
    block_number: u64,
    timestamp: u64,
    block_hashes: Vec<B256>,
    logs: Vec<aloe_chain::ChainLog>,
}

fn observe(chain: &mut EmbeddedChain, recorder: Address) -> Observed {
    let destroyed = CAROL.create(0);
    let accounts = [ALICE, BOB, CAROL, DAVE, recorder, destroyed]
        .into_iter()
        .map(|a| (a, chain.balance(a).unwrap(), chain.nonce(a), chain.code(a).unwrap().to_vec()))
        .collect();
    let block_number = chain.block_number().unwrap();
    Observed {
        accounts,
        recorder_slots: chain.call(TxRequest::call(ALICE, recorder)).unwrap().to_vec(),
        block_number,
        timestamp: chain.timestamp().unwrap(),
        block_hashes: (0..=block_number).map(|n| chain.block_hash(n).unwrap()).collect(),
        logs: chain.logs(&LogFilter::contracts(vec![recorder, destroyed])).unwrap(),
    }
}

#[test]
fn a_reopened_chain_agrees_with_an_in_memory_one_fed_the_same_operations() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chain.sqlite");

    let mut memory = EmbeddedChain::new();
    let recorder = first_half(&mut memory);
    second_half(&mut memory, recorder);
    let expected = observe(&mut memory, recorder);

    let mut persistent = EmbeddedChain::open(&path).unwrap();
    assert_eq!(persistent.path(), Some(path.as_path()));
    assert_eq!(first_half(&mut persistent), recorder);
    drop(persistent);
    let mut persistent = EmbeddedChain::open(&path).unwrap();
    second_half(&mut persistent, recorder);
    assert_eq!(observe(&mut persistent, recorder), expected, "before closing");
    drop(persistent);
    let mut reopened = EmbeddedChain::open(&path).unwrap();
    assert_eq!(observe(&mut reopened, recorder), expected, "after reopening");

    // What the script checks, spelled out once.
    assert_eq!(expected.block_number, 6, "every successful transaction took a block, the two reverted ones none");
    assert_eq!(expected.logs.len(), 3);
    let mut slots = [0u8; 128];
    slots[31] = 11; // slot 0: the last word recorded
    slots[63] = 3; // slot 1: three recorded calls
    slots[95] = 0x77; // slot 2: set by the constructor; slot 5 stays 0 (its write reverted)
    assert_eq!(expected.recorder_slots, slots);
    assert_eq!(reopened.nonce(ALICE), 4, "a transfer, a deployment and two calls; its two reverted transactions none");

    // The reopened chain goes on where it stopped, and the memory chain in step with it.
    for chain in [&mut memory, &mut reopened] {
        chain.send(TxRequest::call(ALICE, recorder).with_input(word(13))).unwrap();
    }
    assert_eq!(observe(&mut reopened, recorder), observe(&mut memory, recorder));
}

#[test]
fn snapshots_are_unsupported_on_a_persistent_chain_and_a_clone_is_in_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chain.sqlite");
    let mut chain = EmbeddedChain::open(&path).unwrap();
    let error = chain.snapshot().unwrap_err();
    assert!(matches!(error, Error::Unsupported { operation: "snapshot", .. }), "{error}");

    let mut copy = chain.clone();
    assert_eq!(copy.path(), None);
    copy.set_balance(ALICE, U256::from(1)).unwrap();
    copy.snapshot().unwrap();
    drop(chain);
    assert_eq!(EmbeddedChain::open(&path).unwrap().balance(ALICE).unwrap(), U256::ZERO);
}

#[test]
fn a_second_open_of_a_held_file_is_refused_until_the_first_closes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chain.sqlite");
    let mut first = EmbeddedChain::open(&path).unwrap();
    first.set_balance(ALICE, U256::from(5)).unwrap();
    for _ in 0..2 {
        let error = EmbeddedChain::open(&path).unwrap_err();
        assert!(matches!(&error, Error::ChainLocked { path: p } if *p == path), "{error}");
    }
    // The refused opens did not disturb the holder.
    first.set_balance(ALICE, U256::from(6)).unwrap();
    drop(first);
    assert_eq!(EmbeddedChain::open(&path).unwrap().balance(ALICE).unwrap(), U256::from(6));
}

/// The directory's files and their bytes, to show a refused open changed nothing.
fn listing(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (e.file_name().into_string().unwrap(), std::fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}

#[test]
fn a_file_that_is_not_a_chain_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let garbage = dir.path().join("garbage.sqlite");
    std::fs::write(&garbage, b"not a database, just words\n".repeat(200)).unwrap();
    let short = dir.path().join("short.sqlite");
    std::fs::write(&short, b"x").unwrap();
    let corrupt = dir.path().join("corrupt.sqlite");
    EmbeddedChain::open(&corrupt).unwrap().set_balance(ALICE, U256::from(1)).unwrap();
    let mut bytes = std::fs::read(&corrupt).unwrap();
    bytes[100..].fill(0xa5);
    std::fs::write(&corrupt, bytes).unwrap();
    let other = dir.path().join("other.sqlite");
    {
        let conn = rusqlite::Connection::open(&other).unwrap();
        conn.execute_batch("CREATE TABLE notes (text TEXT); INSERT INTO notes VALUES ('hello');").unwrap();
    }
    let before = listing(dir.path());
    for path in [&garbage, &short, &corrupt, &other] {
        let error = EmbeddedChain::open(path).unwrap_err();
        assert!(matches!(&error, Error::NotAChain { path: p, .. } if p == path), "{}: {error}", path.display());
    }
    assert_eq!(listing(dir.path()), before);
}

#[test]
fn an_empty_file_is_a_new_chain() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chain.sqlite");
    std::fs::write(&path, b"").unwrap();
    let mut chain = EmbeddedChain::open(&path).unwrap();
    assert_eq!(chain.block_number().unwrap(), 0);
    assert_eq!(chain.timestamp().unwrap(), aloe_chain::GENESIS_TIMESTAMP);
}

#[test]
fn a_chain_file_of_another_format_version_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chain.sqlite");
    EmbeddedChain::open(&path).unwrap().set_balance(ALICE, U256::from(1)).unwrap();
    rusqlite::Connection::open(&path).unwrap().pragma_update(None, "user_version", 2).unwrap();
    let before = listing(dir.path());
    let error = EmbeddedChain::open(&path).unwrap_err();
    assert!(matches!(error, Error::UnsupportedChainFormat { version: 2, supported: 1, .. }), "{error}");
    assert_eq!(listing(dir.path()), before);
}

/// Sends per second of plain transfers, in memory and persisted (one fsync'd SQLite transaction each).
/// A figure to read, not a check: `cargo test -p aloe-chain --release --test persistent -- --ignored
/// --nocapture`.
#[test]
#[ignore = "a measurement; prints figures"]
fn transfers_per_second_in_memory_and_persistent() {
    fn rate(chain: &mut EmbeddedChain, sends: u32) -> f64 {
        chain.set_balance(ALICE, ether(1_000)).unwrap();
        let start = std::time::Instant::now();
        for _ in 0..sends {
            chain.send(TxRequest::call(ALICE, BOB).with_value(U256::from(1))).unwrap();
        }
        f64::from(sends) / start.elapsed().as_secs_f64()
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chain.sqlite");
    let memory = rate(&mut EmbeddedChain::new(), 50_000);
    let persistent = rate(&mut EmbeddedChain::open(&path).unwrap(), 2_000);
    let start = std::time::Instant::now();
    let reopened = EmbeddedChain::open(&path).unwrap();
    let reopen = start.elapsed();
    assert_eq!(reopened.nonce(ALICE), 2_000);
    println!("in memory: {memory:.0} transfers/s; persistent: {persistent:.0} transfers/s ({})", dir.path().display());
    println!("reopening after 2,000 transfers: {:.1} ms", reopen.as_secs_f64() * 1e3);
}
