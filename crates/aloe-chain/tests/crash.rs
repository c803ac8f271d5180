//! A persistent chain killed with SIGKILL at varied moments keeps every acknowledged change and no
//! half-applied one.
//!
//! The test runs its own binary again as the writer (`writer_child`, which does nothing unless
//! [`WRITER`] names the chain file): it sends transactions in a loop and prints an `ACK` line after
//! each call returns. The parent reads some, kills the writer, reopens the chain and checks it
//! against a model of what the writer does, then lets the next writer carry on.
#![cfg(unix)]

use std::{
    io::{BufRead, BufReader, Write},
    os::unix::process::ExitStatusExt,
    path::Path,
    process::{Child, Command, Stdio},
};

use alloy_primitives::{Address, B256, U256, hex};
use aloe_chain::{Chain, ChainLog, EmbeddedChain, Error, GENESIS_TIMESTAMP, LogFilter, TxRequest};

/// Set (to the chain file) in the writer's environment only.
const WRITER: &str = "ALOE_CHAIN_CRASH_WRITER";

const ALICE: Address = Address::repeat_byte(0xa1);
const BOB: Address = Address::repeat_byte(0xb0);
/// Alice's balance at the start; the three accounts' balances always sum to it.
const TOTAL: u64 = 1_000_000_000;
/// Wei sent by every transaction.
const VALUE: u64 = 1_000;
/// Seconds the clock moves before every fifth transaction.
const STEP: u64 = 7;

/// A payable sink: called with a word `v`, it emits LOG1(topic v) and counts the call in slot 0;
/// called with no data, it returns the count.
const SINK: [u8; 47] =
    hex!("6023600c60003960236000f3361560175760003560006000a1600054600101600055005b60005460005260206000f3");

/// The sink, Alice's first (nonce 0) deployment.
fn sink() -> Address {
    ALICE.create(0)
}

/// The clock when Alice sends her transaction `nonce`.
fn clock(nonce: u64) -> u64 {
    GENESIS_TIMESTAMP + STEP * (nonce / 5)
}

/// What a writer acknowledged: a call that returned.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Ack {
    /// `advance_time` returned this timestamp.
    Time(u64),
    /// `send` of Alice's transaction `nonce` returned, and the latest block was `block`.
    Tx { nonce: u64, block: u64 },
}

impl Ack {
    fn line(self) -> String {
        match self {
            Self::Time(timestamp) => format!("ACK time {timestamp}\n"),
            Self::Tx { nonce, block } => format!("ACK tx {nonce} {block}\n"),
        }
    }

    /// The ack a complete line (newline included) states; anything else (the test harness's own
    /// output, a line cut short by the kill) acknowledges nothing. The harness starts the writer's
    /// first line with "test writer_child ... ", so an ack may come after other text.
    fn parse(line: &str) -> Option<Self> {
        let ack = &line[line.find("ACK ")?..];
        let words: Vec<&str> = ack.strip_suffix('\n')?.split(' ').collect();
        match words[..] {
            ["ACK", "time", timestamp] => Some(Self::Time(timestamp.parse().ok()?)),
            ["ACK", "tx", nonce, block] => Some(Self::Tx { nonce: nonce.parse().ok()?, block: block.parse().ok()? }),
            _ => None,
        }
    }
}

/// One step of the writer: the clock if a fifth transaction is due and the clock has not moved for it
/// yet (it may have before a kill), then Alice's next transaction: to the sink with her nonce as data
/// when the nonce is even, a plain transfer to Bob when it is odd.
fn step(chain: &mut EmbeddedChain, ack: &mut dyn FnMut(Ack) -> std::io::Result<()>) -> std::io::Result<()> {
    let nonce = chain.nonce(ALICE);
    if chain.timestamp().unwrap() < clock(nonce) {
        ack(Ack::Time(chain.advance_time(STEP).unwrap()))?;
    }
    let tx = if nonce.is_multiple_of(2) {
        TxRequest::call(ALICE, sink()).with_input(B256::from(U256::from(nonce)).to_vec())
    } else {
        TxRequest::call(ALICE, BOB)
    };
    chain.send(tx.with_value(U256::from(VALUE))).unwrap();
    ack(Ack::Tx { nonce, block: chain.block_number().unwrap() })
}

/// The writer: steps until it is killed (or its reader goes away), acknowledging each call on stdout.
#[test]
fn writer_child() {
    let Some(path) = std::env::var_os(WRITER) else { return };
    let mut chain = EmbeddedChain::open(Path::new(&path)).unwrap();
    let mut out = std::io::stdout().lock();
    let mut ack = |ack: Ack| {
        out.write_all(ack.line().as_bytes())?;
        out.flush()
    };
    // Bounded in case the parent never kills it; a parent gone makes the write fail first.
    for _ in 0..100_000 {
        if step(&mut chain, &mut ack).is_err() {
            return;
        }
    }
}

/// What all writers so far acknowledged.
#[derive(Default)]
struct Acked {
    last_tx: Option<u64>,
    last_time: Option<u64>,
}

impl Acked {
    fn record(&mut self, ack: Ack) {
        match ack {
            Ack::Time(timestamp) => self.last_time = Some(timestamp),
            Ack::Tx { nonce, block } => {
                // Alice's transaction `nonce` is the chain's block `nonce + 1`.
                assert_eq!(block, nonce + 1, "acknowledged {ack:?}");
                assert!(
                    self.last_tx.is_none_or(|last| nonce == last + 1),
                    "acknowledged {ack:?} after {:?}",
                    self.last_tx
                );
                self.last_tx = Some(nonce);
            }
        }
    }
}

/// Checks the chain against the model: every acknowledged change there, at most the one transaction
/// after the last acknowledged one (committed, killed before it could say so), nothing half-applied.
fn check(chain: &mut EmbeddedChain, acked: &Acked) {
    let sent = chain.nonce(ALICE);
    if let Some(last) = acked.last_tx {
        assert!(
            sent == last + 1 || sent == last + 2,
            "{sent} transactions on the chain, the last acknowledged was {last}"
        );
    }
    let timestamp = chain.timestamp().unwrap();
    assert!(acked.last_time.is_none_or(|t| timestamp >= t), "the clock went back to {timestamp}");
    assert!(timestamp == clock(sent - 1) || timestamp == clock(sent), "clock {timestamp} after {sent} transactions");
    assert_eq!(chain.block_number().unwrap(), sent, "one block per transaction");

    let calls: Vec<u64> = (1..sent).filter(|n| n.is_multiple_of(2)).collect();
    let transfers = (1..sent).filter(|n| !n.is_multiple_of(2)).count() as u64;
    let calls_len = calls.len() as u64;
    let balances = [ALICE, BOB, sink()].map(|a| chain.balance(a).unwrap());
    assert_eq!(balances.iter().sum::<U256>(), U256::from(TOTAL), "{balances:?}");
    assert_eq!(balances[1], U256::from(transfers * VALUE));
    assert_eq!(balances[2], U256::from(calls_len * VALUE));
    let count = chain.call(TxRequest::call(BOB, sink())).unwrap();
    assert_eq!(U256::from_be_slice(&count), U256::from(calls_len), "the sink's call count");

    let expected: Vec<ChainLog> = calls
        .iter()
        .map(|&nonce| {
            let block_number = nonce + 1;
            ChainLog {
                block_number,
                block_timestamp: clock(nonce),
                block_hash: chain.block_hash(block_number).unwrap(),
                log_index: 0,
                log: alloy_primitives::Log::new_unchecked(
                    sink(),
                    vec![B256::from(U256::from(nonce))],
                    Default::default(),
                ),
            }
        })
        .collect();
    assert_eq!(chain.logs(&LogFilter::contracts(vec![sink()])).unwrap(), expected);
}

/// Kills the writer if the test fails while it runs.
struct Writer(Child);

impl Drop for Writer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn every_acknowledged_change_survives_kill_9_and_the_chain_carries_on() {
    if std::env::var_os(WRITER).is_some() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("chain.sqlite");
    {
        let mut chain = EmbeddedChain::open(&path).unwrap();
        chain.set_balance(ALICE, U256::from(TOTAL)).unwrap();
        assert_eq!(chain.send(TxRequest::deploy(ALICE, SINK)).unwrap().contract_address, Some(sink()));
    }
    let mut acked = Acked::default();
    // Each round kills its writer after a different number of acknowledged transactions.
    for (round, kill_after) in [1, 4, 13, 2, 40].into_iter().enumerate() {
        let mut writer = Writer(
            Command::new(std::env::current_exe().unwrap())
                .args(["writer_child", "--exact", "--nocapture", "--test-threads=1"])
                .env(WRITER, &path)
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .unwrap(),
        );
        let mut out = BufReader::new(writer.0.stdout.take().unwrap());
        let mut read_ack = |acked: &mut Acked| -> Option<Ack> {
            let mut line = String::new();
            while out.read_line(&mut line).unwrap() > 0 {
                if let Some(ack) = Ack::parse(&line) {
                    acked.record(ack);
                    return Some(ack);
                }
                line.clear();
            }
            None
        };
        let mut txs = 0;
        while txs < kill_after {
            let ack =
                read_ack(&mut acked).unwrap_or_else(|| panic!("round {round}: the writer stopped after {txs} acks"));
            txs += u32::from(matches!(ack, Ack::Tx { .. }));
        }
        if round == 0 {
            let error = EmbeddedChain::open(&path).unwrap_err();
            assert!(matches!(error, Error::ChainLocked { .. }), "opened while the writer holds it: {error}");
        }
        // A little later each round, so the kill lands at different points of a transaction.
        std::thread::sleep(std::time::Duration::from_micros(300 * round as u64));
        writer.0.kill().unwrap();
        let status = writer.0.wait().unwrap();
        assert_eq!(status.signal(), Some(9), "round {round}: the writer was to die of SIGKILL, not {status}");
        // What it acknowledged before it died, still in the pipe.
        while read_ack(&mut acked).is_some() {}

        let mut chain = EmbeddedChain::open(&path).unwrap();
        check(&mut chain, &acked);
        // A transaction committed but not acknowledged is durable now that the chain has it.
        acked.last_tx = Some(chain.nonce(ALICE) - 1);
        // The reopened chain carries on (and the next writer after it).
        step(&mut chain, &mut |ack| {
            acked.record(ack);
            Ok(())
        })
        .unwrap();
        check(&mut chain, &acked);
    }
    assert!(acked.last_tx.unwrap() >= 60, "{:?} transactions", acked.last_tx);
}
