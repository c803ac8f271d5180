//! Syncing in pieces, reopening the file between pieces, and failing mid-range all end with the index one sync
//! at the end gives.

use aloe_chain::{Chain, EmbeddedChain};
use aloe_contracts::{Protocol, lifecycle};
use aloe_index::{Error, Indexer, Options};

use crate::support::{TestChain, assert_same_index};

fn lifecycle_chain() -> (TestChain, Protocol) {
    let mut chain = EmbeddedChain::new();
    let report = lifecycle::run(&mut chain, &mut |_| {}).unwrap();
    (TestChain::new(chain), report.protocol)
}

#[test]
fn syncing_in_pieces_and_reopening_equal_one_sync_at_the_end() {
    let (mut chain, protocol) = lifecycle_chain();
    let head = chain.block_number().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole.sqlite");
    Indexer::open(&whole, &protocol).unwrap().sync(&mut chain).unwrap();

    // Range sizes that split the loans' creation from their first events (1), cut through them (7) or hold
    // the whole scenario in one range (the default).
    for range_blocks in [1, 7, 2_000] {
        let path = dir.path().join(format!("pieces-{range_blocks}.sqlite"));
        let options = Options { range_blocks, ..Options::default() };
        chain.widest_range = 0;
        let mut cap = 0;
        while cap < head {
            cap = (cap + 13).min(head);
            chain.cap = Some(cap);
            // A fresh handle every time: what a restarted `aloe serve` does.
            let report = Indexer::open_with(&path, &protocol, options).unwrap().sync(&mut chain).unwrap();
            assert_eq!(report.cursor, Some(cap));
            assert!(report.rollbacks.is_empty(), "{report:?}");
        }
        chain.cap = None;
        assert!(chain.widest_range <= range_blocks, "asked for {} blocks at once", chain.widest_range);
        assert_same_index(&whole, &path);

        let again = Indexer::open_with(&path, &protocol, options).unwrap().sync(&mut chain).unwrap();
        assert_eq!((again.ranges, again.events), (0, 0), "nothing new, nothing added");
        assert_same_index(&whole, &path);
    }
}

#[test]
fn a_sync_failing_mid_range_leaves_whole_ranges_and_resumes() {
    let (mut chain, protocol) = lifecycle_chain();
    let dir = tempfile::tempdir().unwrap();
    let whole = dir.path().join("whole.sqlite");
    Indexer::open(&whole, &protocol).unwrap().sync(&mut chain).unwrap();
    let events_up_to = |block: u64| -> i64 {
        let connection = rusqlite::Connection::open(&whole).unwrap();
        connection
            .query_row("SELECT count(*) FROM events WHERE block_number <= ?1", [block as i64], |r| r.get(0))
            .unwrap()
    };

    let range_blocks = 25;
    // Each range makes one request, and the one creating the loans a second: failing the n-th request hits
    // first passes and the re-read alike.
    let mut failures = 0;
    for fail_at in 0..8 {
        let path = dir.path().join(format!("failed-{fail_at}.sqlite"));
        let mut index = Indexer::open_with(&path, &protocol, Options { range_blocks, ..Options::default() }).unwrap();
        chain.fail_logs_at = Some(fail_at);
        if let Err(error) = index.sync(&mut chain) {
            assert!(matches!(error, Error::Chain { operation: "logs", .. }), "{error}");
            failures += 1;
            let kept = index.cursor().unwrap();
            if let Some(cursor) = kept {
                assert_eq!((cursor + 1) % range_blocks, 0, "the cursor ends a range");
            }
            let connection = rusqlite::Connection::open(&path).unwrap();
            let stored: i64 = connection.query_row("SELECT count(*) FROM events", [], |r| r.get(0)).unwrap();
            assert_eq!(stored, kept.map_or(0, events_up_to), "only whole ranges are stored");
        }
        chain.fail_logs_at = None;
        drop(index);
        Indexer::open(&path, &protocol).unwrap().sync(&mut chain).unwrap();
        assert_same_index(&whole, &path);
    }
    assert!(failures >= 3, "the scenario spans several ranges");
}

#[test]
fn confirmations_keep_the_newest_blocks_out() {
    let (mut chain, protocol) = lifecycle_chain();
    let head = chain.block_number().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("confirmed.sqlite");
    let options = Options { confirmations: 12, ..Options::default() };
    let report = Indexer::open_with(&path, &protocol, options).unwrap().sync(&mut chain).unwrap();
    assert_eq!(report.cursor, Some(head - 12));
    let connection = rusqlite::Connection::open(&path).unwrap();
    let newest: i64 = connection.query_row("SELECT max(block_number) FROM events", [], |r| r.get(0)).unwrap();
    assert!(newest as u64 <= head - 12);
}
