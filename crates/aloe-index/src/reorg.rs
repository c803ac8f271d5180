//! Reorganisations: noticing that the indexed history is no longer the chain's, and rolling back to the last
//! block that still is.
//!
//! A block hash commits to every block before it, so the cursor block's hash alone tells whether anything
//! indexed changed. When it did (or the chain is now shorter than the cursor), the checkpoints (the hashes of
//! the last blocks with events, and of range ends) are walked back to the newest one the chain still has: the
//! last safe block. One transaction then deletes every event after it, moves the cursor there and rebuilds the
//! projections from the events that remain, so the index equals a fresh one of the new history up to that
//! block; the sync goes on from there. A reorganisation deeper than every checkpoint re-indexes from the start.

use aloe_chain::Chain;
use rusqlite::{TransactionBehavior, params};

use crate::{
    Error, Indexer, Result, Source, error,
    projections::{self, EventRef},
    schema,
};

/// One rollback.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct Rollback {
    /// The cursor when the reorganisation was found.
    pub from_block: u64,
    /// The last safe block, kept (none: nothing matched, the index restarted from the start block).
    pub to_block: Option<u64>,
    /// Events deleted.
    pub events_removed: u64,
}

/// Checks the cursor block against the chain (whose head is `head`) and rolls back if it changed.
pub(crate) fn check(indexer: &mut Indexer, chain: &mut dyn Chain, head: u64) -> Result<Option<Rollback>> {
    let Some(cursor) = indexer.cursor()? else { return Ok(None) };
    let stored = |indexer: &Indexer, block: u64| -> Result<Option<Vec<u8>>> {
        use rusqlite::OptionalExtension;
        Ok(indexer
            .connection
            .query_row("SELECT block_hash FROM checkpoints WHERE block_number = ?1", [block as i64], |row| row.get(0))
            .optional()?)
    };
    if cursor <= head {
        let current = chain.block_hash(cursor).map_err(error::chain("block_hash"))?;
        if stored(indexer, cursor)?.as_deref() == Some(current.as_slice()) {
            return Ok(None);
        }
    }
    let checkpoints: Vec<(i64, Vec<u8>)> = {
        let mut statement = indexer.connection.prepare(
            "SELECT block_number, block_hash FROM checkpoints WHERE block_number < ?1 AND block_number <= ?2
             ORDER BY block_number DESC",
        )?;
        let rows = statement.query_map([cursor as i64, head as i64], |row| Ok((row.get(0)?, row.get(1)?)))?;
        rows.collect::<Result<_, _>>()?
    };
    let mut safe = None;
    for (block, hash) in checkpoints {
        let block = block as u64;
        if chain.block_hash(block).map_err(error::chain("block_hash"))?.as_slice() == hash.as_slice() {
            safe = Some(block);
            break;
        }
    }
    let events_removed = roll_back(indexer, safe)?;
    let rollback = Rollback { from_block: cursor, to_block: safe, events_removed };
    match safe {
        Some(block) => tracing::warn!(cursor, safe = block, events_removed, "chain reorganised: rolled back"),
        None => tracing::warn!(cursor, events_removed, "chain reorganised below every checkpoint: re-indexing"),
    }
    Ok(Some(rollback))
}

/// Deletes everything after `safe` (everything, for none) and rebuilds the projections, in one transaction.
fn roll_back(indexer: &mut Indexer, safe: Option<u64>) -> Result<u64> {
    let after = safe.map_or(-1, |block| block as i64);
    let tx = indexer.connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let removed = tx.execute("DELETE FROM events WHERE block_number > ?1", [after])?;
    tx.execute("DELETE FROM event_parties WHERE block_number > ?1", [after])?;
    tx.execute("DELETE FROM checkpoints WHERE block_number > ?1", [after])?;
    match safe {
        Some(block) => schema::set_meta(&tx, "cursor", &block.to_string())?,
        None => {
            tx.execute("DELETE FROM meta WHERE key = 'cursor'", [])?;
        }
    }
    rebuild(&tx)?;
    tx.commit()?;
    Ok(removed as u64)
}

/// Empties the projections and folds every stored event into them again, in chain order.
pub(crate) fn rebuild(tx: &rusqlite::Transaction<'_>) -> Result<()> {
    for table in schema::PROJECTIONS {
        tx.execute(&format!("DELETE FROM {table}"), [])?;
    }
    let mut statement = tx.prepare(
        "SELECT source, contract, block_number, log_index, block_timestamp, topics, data FROM events
         ORDER BY block_number, log_index",
    )?;
    let mut rows = statement.query(params![])?;
    while let Some(row) = rows.next()? {
        let source = Source::parse(&row.get::<_, String>(0)?)?;
        let contract: String = row.get(1)?;
        let contract = contract.parse().map_err(|_| Error::Corrupt { what: format!("contract {contract:?}") })?;
        let topics: Vec<u8> = row.get(5)?;
        let data: Vec<u8> = row.get(6)?;
        let topics = topics.chunks_exact(32).map(alloy_primitives::B256::from_slice).collect();
        let log = alloy_primitives::LogData::new_unchecked(topics, data.into());
        let event = EventRef {
            source,
            contract,
            block: row.get::<_, i64>(2)? as u64,
            log_index: row.get::<_, i64>(3)? as u64,
            timestamp: row.get::<_, i64>(4)? as u64,
            log: &log,
        };
        projections::apply(tx, &event)?;
    }
    Ok(())
}
