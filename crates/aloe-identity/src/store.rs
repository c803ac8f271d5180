//! The parties' SQLite stores (rusqlite, bundled SQLite, WAL: crash-safe). Nothing secret is written in
//! the clear: the notary keeps only a log of registrations (no identifier, no share); an auditor keeps
//! each delivery as received, its share encrypted to the auditor's key.

use std::path::Path;

use alloy_primitives::{Address, B256};
use rusqlite::{Connection, OptionalExtension, params};

use crate::Result;

fn open(path: &Path, schema: &str) -> Result<Connection> {
    let connection = Connection::open(path)?;
    connection.pragma_update(None, "journal_mode", "WAL")?;
    connection.pragma_update(None, "synchronous", "FULL")?;
    connection.execute_batch(schema)?;
    Ok(connection)
}

/// The notary's log of registration attempts.
#[derive(Debug)]
pub struct NotaryStore(Connection);

impl NotaryStore {
    /// Opens (creating if needed) the store at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        open(
            path,
            "CREATE TABLE IF NOT EXISTS registrations (
                id INTEGER PRIMARY KEY,
                borrower TEXT NOT NULL,
                status TEXT NOT NULL,
                detail TEXT NOT NULL,
                at INTEGER NOT NULL
            );",
        )
        .map(Self)
    }

    /// Records a step of `borrower`'s registration.
    pub fn log(&self, borrower: Address, status: &str, detail: &str, at: u64) -> Result<()> {
        self.0.execute(
            "INSERT INTO registrations (borrower, status, detail, at) VALUES (?1, ?2, ?3, ?4)",
            params![borrower.to_string(), status, detail, at as i64],
        )?;
        Ok(())
    }

    /// `borrower`'s steps, oldest first: (status, detail).
    pub fn history(&self, borrower: Address) -> Result<Vec<(String, String)>> {
        let mut statement =
            self.0.prepare("SELECT status, detail FROM registrations WHERE borrower = ?1 ORDER BY id")?;
        let rows = statement.query_map([borrower.to_string()], |row| Ok((row.get(0)?, row.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

/// A stored delivery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredDelivery {
    /// The notary-signed message as received (JSON of [`crate::messages::Signed`]).
    pub signed_json: String,
    /// The notary who signed it.
    pub notary: Address,
}

/// An auditor's deliveries, the defaults it saw and the releases it made.
#[derive(Debug)]
pub struct AuditorStore(Connection);

impl AuditorStore {
    /// Opens (creating if needed) the store at `path`.
    pub fn open(path: &Path) -> Result<Self> {
        open(
            path,
            "CREATE TABLE IF NOT EXISTS deliveries (
                borrower TEXT NOT NULL,
                registration_id BLOB NOT NULL,
                digest BLOB NOT NULL,
                notary TEXT NOT NULL,
                signed_json TEXT NOT NULL,
                received_at INTEGER NOT NULL,
                recorded INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (borrower, registration_id)
            );
            CREATE TABLE IF NOT EXISTS defaults (
                loan TEXT NOT NULL, borrower TEXT NOT NULL, block INTEGER NOT NULL,
                served INTEGER NOT NULL DEFAULT 0,
                PRIMARY KEY (loan, borrower)
            );
            CREATE TABLE IF NOT EXISTS releases (
                loan TEXT NOT NULL, borrower TEXT NOT NULL, lender TEXT NOT NULL,
                PRIMARY KEY (loan, borrower, lender)
            );
            CREATE TABLE IF NOT EXISTS cursor (name TEXT PRIMARY KEY, block INTEGER NOT NULL);",
        )
        .map(Self)
    }

    /// Stores a checked delivery; `false` if this (borrower, registration id) is already stored (a replay).
    pub fn insert_delivery(
        &self,
        borrower: Address,
        registration_id: B256,
        digest: B256,
        delivery: &StoredDelivery,
        at: u64,
    ) -> Result<bool> {
        let inserted = self.0.execute(
            "INSERT OR IGNORE INTO deliveries (borrower, registration_id, digest, notary, signed_json, received_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                borrower.to_string(),
                registration_id.as_slice(),
                digest.as_slice(),
                delivery.notary.to_string(),
                delivery.signed_json,
                at as i64
            ],
        )?;
        Ok(inserted == 1)
    }

    /// Whether this (borrower, registration id) was already delivered.
    pub fn has_delivery(&self, borrower: Address, registration_id: B256) -> Result<bool> {
        let found: Option<i64> = self
            .0
            .query_row(
                "SELECT 1 FROM deliveries WHERE borrower = ?1 AND registration_id = ?2",
                params![borrower.to_string(), registration_id.as_slice()],
                |row| row.get(0),
            )
            .optional()?;
        Ok(found.is_some())
    }

    /// The delivery for `borrower` whose package has `digest` (the one the chain recorded): the notary-signed
    /// message as received.
    pub fn delivery_for(&self, borrower: Address, digest: B256) -> Result<Option<String>> {
        Ok(self
            .0
            .query_row(
                "SELECT signed_json FROM deliveries WHERE borrower = ?1 AND digest = ?2",
                params![borrower.to_string(), digest.as_slice()],
                |row| row.get(0),
            )
            .optional()?)
    }

    /// Notes a confirmed default to serve.
    pub fn add_default(&self, loan: Address, borrower: Address, block: u64) -> Result<()> {
        self.0.execute(
            "INSERT OR IGNORE INTO defaults (loan, borrower, block) VALUES (?1, ?2, ?3)",
            params![loan.to_string(), borrower.to_string(), block as i64],
        )?;
        Ok(())
    }

    /// The defaults not yet served: (loan, borrower).
    pub fn pending_defaults(&self) -> Result<Vec<(Address, Address)>> {
        let mut statement = self.0.prepare("SELECT loan, borrower FROM defaults WHERE served = 0 ORDER BY block")?;
        let rows = statement.query_map([], |row| Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?)))?;
        let mut out = Vec::new();
        for row in rows {
            let (loan, borrower) = row?;
            out.push((loan.parse().unwrap_or_default(), borrower.parse().unwrap_or_default()));
        }
        Ok(out)
    }

    /// Marks a default served: every lender has this auditor's share, or the auditor holds none to give.
    pub fn mark_default_served(&self, loan: Address, borrower: Address) -> Result<()> {
        self.0.execute(
            "UPDATE defaults SET served = 1 WHERE loan = ?1 AND borrower = ?2",
            params![loan.to_string(), borrower.to_string()],
        )?;
        Ok(())
    }

    /// Whether the share for `borrower`'s default on `loan` went to `lender` already.
    pub fn released(&self, loan: Address, borrower: Address, lender: Address) -> Result<bool> {
        let found: Option<i64> = self
            .0
            .query_row(
                "SELECT 1 FROM releases WHERE loan = ?1 AND borrower = ?2 AND lender = ?3",
                params![loan.to_string(), borrower.to_string(), lender.to_string()],
                |row| row.get(0),
            )
            .optional()?;
        Ok(found.is_some())
    }

    /// Records releases made on-chain.
    pub fn mark_released(&self, loan: Address, borrower: Address, lenders: &[Address]) -> Result<()> {
        for lender in lenders {
            self.0.execute(
                "INSERT OR IGNORE INTO releases (loan, borrower, lender) VALUES (?1, ?2, ?3)",
                params![loan.to_string(), borrower.to_string(), lender.to_string()],
            )?;
        }
        Ok(())
    }

    /// Deliveries not yet seen recorded on-chain and received before `received_before`: (borrower,
    /// registration id, digest).
    pub fn unrecorded_before(&self, received_before: u64) -> Result<Vec<(Address, B256, B256)>> {
        let mut statement = self.0.prepare(
            "SELECT borrower, registration_id, digest FROM deliveries WHERE recorded = 0 AND received_at < ?1",
        )?;
        let rows = statement.query_map([received_before as i64], |row| {
            Ok((row.get::<_, String>(0)?, row.get::<_, Vec<u8>>(1)?, row.get::<_, Vec<u8>>(2)?))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (borrower, id, digest) = row?;
            if let (Ok(borrower), 32, 32) = (borrower.parse(), id.len(), digest.len()) {
                out.push((borrower, B256::from_slice(&id), B256::from_slice(&digest)));
            }
        }
        Ok(out)
    }

    /// Marks a delivery as the one the chain recorded (it is kept, and no longer checked).
    pub fn mark_recorded(&self, borrower: Address, registration_id: B256) -> Result<()> {
        self.0.execute(
            "UPDATE deliveries SET recorded = 1 WHERE borrower = ?1 AND registration_id = ?2",
            params![borrower.to_string(), registration_id.as_slice()],
        )?;
        Ok(())
    }

    /// Deletes one delivery (a split the chain never recorded).
    pub fn delete_delivery(&self, borrower: Address, registration_id: B256) -> Result<()> {
        self.0.execute(
            "DELETE FROM deliveries WHERE borrower = ?1 AND registration_id = ?2",
            params![borrower.to_string(), registration_id.as_slice()],
        )?;
        Ok(())
    }

    /// The next block to scan for defaults.
    pub fn cursor(&self) -> Result<u64> {
        let block: Option<i64> =
            self.0.query_row("SELECT block FROM cursor WHERE name = 'defaults'", [], |row| row.get(0)).optional()?;
        Ok(block.map_or(0, |b| b as u64))
    }

    /// Moves the default scan's cursor.
    pub fn set_cursor(&self, next_block: u64) -> Result<()> {
        self.0.execute(
            "INSERT INTO cursor (name, block) VALUES ('defaults', ?1) ON CONFLICT(name) DO UPDATE SET block = ?1",
            [next_block as i64],
        )?;
        Ok(())
    }
}
