//! Following the chain: ranges of logs read and applied, each in one transaction with the cursor.
//!
//! A range is read whole before anything is written, and written in one SQLite transaction together with the
//! new cursor and its checkpoints: a crash or a failed request leaves the index at the end of the previous
//! range, and the next sync resumes from the cursor. Every event's primary key (block, log index) makes a
//! replayed range impossible to count twice even so.
//!
//! The followed contracts are the deployment's fixed ones and every loan the bureau announced in
//! `LoanCreated`. A loan may act in the very range that creates it, so a range that reveals new loans is read
//! again for them before it is applied.

use std::collections::{BTreeMap, HashSet};

use alloy_primitives::{Address, B256};
use alloy_sol_types::SolEvent;
use aloe_chain::{Chain, ChainLog, LogFilter};
use aloe_contracts::bindings::CreditBureau::LoanCreated;
use rusqlite::{TransactionBehavior, params};

use crate::{
    Error, Indexer, Result, decode, error,
    projections::{self, EventRef, key},
    reorg::{self, Rollback},
    schema,
};

/// Addresses per `eth_getLogs` request: nodes limit the filter's size.
const ADDRESSES_PER_REQUEST: usize = 500;

/// What one [`Indexer::sync`] did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase")]
pub struct SyncReport {
    /// The chain's head when the sync began.
    pub head: u64,
    /// The last block indexed when it ended.
    pub cursor: Option<u64>,
    /// Ranges applied.
    pub ranges: u64,
    /// Events added.
    pub events: u64,
    /// Loans discovered.
    pub new_loans: u64,
    /// Reorganisations found and rolled back, oldest first.
    pub rollbacks: Vec<Rollback>,
}

/// One range read from the chain, ready to apply.
struct Range {
    from: u64,
    to: u64,
    to_hash: B256,
    logs: Vec<ChainLog>,
    new_loans: u64,
}

impl Indexer {
    /// Indexes from the block after the cursor up to the head (less [`crate::Options::confirmations`]), in
    /// ranges of [`crate::Options::range_blocks`]; first, and before each range, checks that the indexed
    /// history is still the chain's and rolls back to the last safe block if not.
    pub fn sync(&mut self, chain: &mut dyn Chain) -> Result<SyncReport> {
        let chain_id = chain.chain_id().map_err(error::chain("chain_id"))?;
        if chain_id != self.protocol.chain_id {
            return Err(Error::WrongChain { chain: chain_id, deployment: self.protocol.chain_id });
        }
        let head = chain.block_number().map_err(error::chain("block_number"))?;
        let target = head.checked_sub(self.options.confirmations);
        let mut report = SyncReport { head, ..SyncReport::default() };
        loop {
            if let Some(rollback) = reorg::check(self, chain, head)? {
                report.rollbacks.push(rollback);
            }
            let from = self.cursor()?.map_or(self.options.start_block, |cursor| cursor + 1);
            let Some(target) = target.filter(|target| from <= *target) else { break };
            let to = target.min(from.saturating_add(self.options.range_blocks - 1));
            let range = self.read_range(chain, from, to)?;
            report.ranges += 1;
            report.new_loans += range.new_loans;
            report.events += self.apply_range(range)?;
        }
        let now = chain.timestamp().map_err(error::chain("timestamp"))?;
        schema::set_meta(&self.connection, "as_of", &now.to_string())?;
        report.cursor = self.cursor()?;
        tracing::debug!(head, cursor = ?report.cursor, events = report.events, "index synced");
        Ok(report)
    }

    /// The loans indexed so far.
    fn known_loans(&self) -> Result<Vec<Address>> {
        let mut statement = self.connection.prepare("SELECT address FROM loans")?;
        let rows = statement.query_map([], |row| row.get::<_, String>(0))?;
        rows.map(|text| {
            let text = text?;
            text.parse().map_err(|_| Error::Corrupt { what: format!("loan address {text:?}") })
        })
        .collect()
    }

    /// Reads every followed log of `from..=to`, re-reading for the loans the range itself creates.
    fn read_range(&self, chain: &mut dyn Chain, from: u64, to: u64) -> Result<Range> {
        let bureau = self.protocol.bureau.address;
        let mut query: Vec<Address> = self.fixed_contracts().iter().map(|(address, _)| *address).collect();
        query.extend(self.known_loans()?);
        let mut followed: HashSet<Address> = query.iter().copied().collect();
        let mut logs = Vec::new();
        let mut new_loans = 0;
        while !query.is_empty() {
            let mut found = Vec::new();
            for addresses in query.chunks(ADDRESSES_PER_REQUEST) {
                let filter = LogFilter::contracts(addresses.to_vec()).from_block(from).to_block(to);
                found.extend(chain.logs(&filter).map_err(error::chain("logs"))?);
            }
            // Only the bureau creates loans, so the second pass finds none: the loop ends after it.
            query = found
                .iter()
                .filter(|entry| {
                    entry.log.address == bureau && entry.log.topics().first() == Some(&LoanCreated::SIGNATURE_HASH)
                })
                .filter_map(|entry| entry.log.topics().get(1).map(|topic| Address::from_word(*topic)))
                .filter(|loan| followed.insert(*loan))
                .collect();
            new_loans += query.len() as u64;
            logs.extend(found);
        }
        logs.sort_by_key(|entry| (entry.block_number, entry.log_index));
        logs.dedup_by_key(|entry| (entry.block_number, entry.log_index));
        let to_hash = chain.block_hash(to).map_err(error::chain("block_hash"))?;
        // Logs of one block seen with two hashes: the chain reorganised between the requests.
        let mut hashes = BTreeMap::from([(to, to_hash)]);
        for entry in &logs {
            if *hashes.entry(entry.block_number).or_insert(entry.block_hash) != entry.block_hash {
                return Err(Error::ChainMovedDuringRead { block: entry.block_number });
            }
        }
        Ok(Range { from, to, to_hash, logs, new_loans })
    }

    /// Writes a range, its checkpoints and the new cursor in one transaction; returns the events added.
    fn apply_range(&mut self, range: Range) -> Result<u64> {
        let sources: Vec<_> = range.logs.iter().map(|entry| self.source_of(entry.log.address)).collect();
        let kept = self.options.checkpoints_kept.max(1);
        let tx = self.connection.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut added = 0;
        for (entry, source) in range.logs.iter().zip(sources) {
            let decoded = decode::decode(source, &entry.log.data, entry.block_number, entry.log_index)?;
            let topics: Vec<u8> = entry.log.topics().iter().flat_map(|topic| topic.0).collect();
            let inserted = tx.execute(
                "INSERT OR IGNORE INTO events (block_number, log_index, block_timestamp, contract, source, event, args,
                    topics, data)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                params![
                    entry.block_number as i64,
                    entry.log_index as i64,
                    entry.block_timestamp as i64,
                    key(entry.log.address),
                    source.as_str(),
                    decoded.name,
                    decoded.args.to_string(),
                    topics,
                    entry.log.data.data.as_ref(),
                ],
            )?;
            if inserted == 0 {
                continue; // already indexed: never folded twice
            }
            added += 1;
            // The emitter too: a loan's history is its own events and the bureau's naming it.
            let emitter = (entry.log.address, "contract".to_owned());
            for (address, role) in decoded.parties.iter().chain([&emitter]) {
                tx.execute(
                    "INSERT OR IGNORE INTO event_parties (address, block_number, log_index, role) VALUES (?1, ?2, ?3, ?4)",
                    params![key(*address), entry.block_number as i64, entry.log_index as i64, role],
                )?;
            }
            let event = EventRef {
                source,
                contract: entry.log.address,
                block: entry.block_number,
                log_index: entry.log_index,
                timestamp: entry.block_timestamp,
                log: &entry.log.data,
            };
            projections::apply(&tx, &event)?;
            tx.execute(
                "INSERT OR REPLACE INTO checkpoints (block_number, block_hash) VALUES (?1, ?2)",
                params![entry.block_number as i64, entry.block_hash.as_slice()],
            )?;
        }
        tx.execute(
            "INSERT OR REPLACE INTO checkpoints (block_number, block_hash) VALUES (?1, ?2)",
            params![range.to as i64, range.to_hash.as_slice()],
        )?;
        tx.execute(
            "DELETE FROM checkpoints WHERE block_number NOT IN
                (SELECT block_number FROM checkpoints ORDER BY block_number DESC LIMIT ?1)",
            [kept as i64],
        )?;
        schema::set_meta(&tx, "cursor", &range.to.to_string())?;
        tx.commit()?;
        tracing::debug!(from = range.from, to = range.to, events = added, "range indexed");
        Ok(added)
    }
}
