//! The index file: its tables, how a file is recognised as an Aloe index, and the deployment it is bound to.
//!
//! The file says what it is in SQLite's header (`application_id`, `user_version`), so a garbage file, another
//! application's database and an index of another schema version are told apart before any table is read.
//! `meta` binds the file to one deployment: syncing a second deployment into it would mix two protocols'
//! loans, so [`bind_deployment`] refuses one.
//!
//! Tables: `events` (every log of a followed contract, raw and decoded) and `event_parties` (each address an
//! event names, to find "every event about X"), `checkpoints` (block hashes for reorg detection), and the
//! projections folded from `events` in order: `loans`, `lender_positions`, `borrower_positions`, `borrowers`,
//! `defaults`, `model_events`. Amounts are decimal strings: a U256 does not fit SQLite's 64-bit integers.

use std::path::Path;

use aloe_contracts::Protocol;
use rusqlite::{Connection, OptionalExtension, params};

use crate::{Error, Result};

/// "Aloe" in ASCII: SQLite's `application_id` of an index file.
const APPLICATION_ID: i64 = 0x416c_6f65;

/// The schema this build writes and reads.
pub(crate) const SCHEMA_VERSION: i64 = 1;

/// The projections: rebuilt from `events` after a rollback (the other tables are cut at the safe block).
pub(crate) const PROJECTIONS: [&str; 6] =
    ["loans", "lender_positions", "borrower_positions", "borrowers", "defaults", "model_events"];

const SCHEMA: &str = "
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE checkpoints (block_number INTEGER PRIMARY KEY, block_hash BLOB NOT NULL);
CREATE TABLE events (
    block_number INTEGER NOT NULL,
    log_index INTEGER NOT NULL,
    block_timestamp INTEGER NOT NULL,
    contract TEXT NOT NULL,
    source TEXT NOT NULL,
    event TEXT NOT NULL,
    args TEXT NOT NULL,
    topics BLOB NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (block_number, log_index)
);
CREATE INDEX events_by_contract ON events (contract, block_number, log_index);
CREATE TABLE event_parties (
    address TEXT NOT NULL,
    block_number INTEGER NOT NULL,
    log_index INTEGER NOT NULL,
    role TEXT NOT NULL,
    PRIMARY KEY (address, block_number, log_index, role)
) WITHOUT ROWID;
CREATE INDEX event_parties_by_block ON event_parties (block_number);
CREATE TABLE loans (
    address TEXT PRIMARY KEY,
    creator TEXT NOT NULL,
    asset TEXT NOT NULL,
    total_amount TEXT NOT NULL,
    int_rate_per_mil INTEGER NOT NULL,
    num_payments INTEGER NOT NULL,
    seconds_between_payments INTEGER NOT NULL,
    min_credit_score INTEGER NOT NULL,
    fund_date INTEGER NOT NULL,
    grace_period INTEGER NOT NULL,
    creator_fee_per_mil INTEGER NOT NULL,
    decision_model INTEGER NOT NULL,
    min_decision_margin INTEGER NOT NULL,
    created_block INTEGER NOT NULL,
    created_log_index INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    funded_at INTEGER,
    invested TEXT NOT NULL DEFAULT '0',
    requested TEXT NOT NULL DEFAULT '0',
    scheduled TEXT NOT NULL DEFAULT '0',
    disbursed TEXT NOT NULL DEFAULT '0',
    repaid TEXT NOT NULL DEFAULT '0',
    reclaimed TEXT NOT NULL DEFAULT '0',
    withdrawn TEXT NOT NULL DEFAULT '0',
    refunded TEXT NOT NULL DEFAULT '0',
    fees_withdrawn TEXT NOT NULL DEFAULT '0',
    dust_swept TEXT NOT NULL DEFAULT '0',
    lenders INTEGER NOT NULL DEFAULT 0,
    borrowers INTEGER NOT NULL DEFAULT 0,
    open_borrowers INTEGER NOT NULL DEFAULT 0,
    disbursed_borrowers INTEGER NOT NULL DEFAULT 0,
    repaid_borrowers INTEGER NOT NULL DEFAULT 0,
    defaults INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX loans_by_creation ON loans (created_block, created_log_index);
CREATE TABLE lender_positions (
    loan TEXT NOT NULL,
    lender TEXT NOT NULL,
    invested TEXT NOT NULL DEFAULT '0',
    withdrawn TEXT NOT NULL DEFAULT '0',
    refunded TEXT NOT NULL DEFAULT '0',
    first_block INTEGER NOT NULL,
    PRIMARY KEY (loan, lender)
);
CREATE INDEX lender_positions_by_lender ON lender_positions (lender);
CREATE TABLE borrower_positions (
    loan TEXT NOT NULL,
    borrower TEXT NOT NULL,
    requested TEXT NOT NULL DEFAULT '0',
    installment TEXT NOT NULL DEFAULT '0',
    scheduled TEXT NOT NULL DEFAULT '0',
    disbursed TEXT NOT NULL DEFAULT '0',
    paid TEXT NOT NULL DEFAULT '0',
    reclaimed TEXT NOT NULL DEFAULT '0',
    defaulted INTEGER NOT NULL DEFAULT 0,
    cancellations INTEGER NOT NULL DEFAULT 0,
    requested_block INTEGER NOT NULL,
    PRIMARY KEY (loan, borrower)
);
CREATE INDEX borrower_positions_by_borrower ON borrower_positions (borrower);
CREATE TABLE borrowers (
    address TEXT PRIMARY KEY,
    notary TEXT NOT NULL,
    fico_score INTEGER NOT NULL,
    verified_at INTEGER NOT NULL,
    registered_block INTEGER NOT NULL,
    registered_at INTEGER NOT NULL
);
CREATE TABLE defaults (
    loan TEXT NOT NULL,
    borrower TEXT NOT NULL,
    reporter TEXT NOT NULL,
    arrears TEXT NOT NULL,
    block_number INTEGER NOT NULL,
    log_index INTEGER NOT NULL,
    block_timestamp INTEGER NOT NULL,
    shares_released INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (loan, borrower)
);
CREATE INDEX defaults_by_time ON defaults (block_timestamp);
CREATE INDEX defaults_by_borrower ON defaults (borrower);
CREATE TABLE model_events (
    block_number INTEGER NOT NULL,
    log_index INTEGER NOT NULL,
    block_timestamp INTEGER NOT NULL,
    kind TEXT NOT NULL,
    size INTEGER,
    k INTEGER,
    point TEXT,
    buffered INTEGER,
    chunk TEXT,
    points INTEGER,
    chunk_index INTEGER,
    borrower TEXT,
    PRIMARY KEY (block_number, log_index)
);
";

/// Opens `path` as an index, creating the schema in a new (or empty) file; refuses anything else.
pub(crate) fn open(path: &Path) -> Result<Connection> {
    let unreadable = |source| Error::Unreadable { path: path.to_owned(), source };
    let connection = Connection::open(path).map_err(unreadable)?;
    // The header is read on the first statement: a file that is not SQLite fails here.
    let application_id: i64 =
        connection.pragma_query_value(None, "application_id", |row| row.get(0)).map_err(unreadable)?;
    let tables: i64 =
        connection.query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0)).map_err(unreadable)?;
    let not_an_index = |reason: String| Error::NotAnIndex { path: path.to_owned(), reason };
    if application_id == 0 && tables != 0 {
        return Err(not_an_index(format!("a SQLite database with {tables} tables of another application")));
    }
    if application_id != 0 && application_id != APPLICATION_ID {
        return Err(not_an_index(format!("SQLite application id {application_id:#x}")));
    }
    connection.pragma_update(None, "journal_mode", "WAL")?;
    // Each range is one transaction: FULL makes a committed range survive a power cut, not only a crash.
    connection.pragma_update(None, "synchronous", "FULL")?;
    // A second process (the API reading while `serve` syncs) waits for the writer instead of failing.
    connection.busy_timeout(std::time::Duration::from_secs(10))?;
    if application_id == 0 {
        connection.execute_batch(&format!(
            "BEGIN; {SCHEMA} PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
        ))?;
    }
    let found: i64 = connection.pragma_query_value(None, "user_version", |row| row.get(0))?;
    if found != SCHEMA_VERSION {
        return Err(Error::SchemaVersion { found, expected: SCHEMA_VERSION });
    }
    Ok(connection)
}

/// What identifies a deployment: its chain and addresses (not the gas its deployment used).
pub(crate) fn deployment_id(protocol: &Protocol) -> String {
    serde_json::json!({
        "chainId": protocol.chain_id,
        "bureau": protocol.bureau.address.to_string(),
        "loanImplementation": protocol.loan_implementation.to_string(),
        "scoreModel": protocol.score_model.address.to_string(),
        "identityEscrow": protocol.identity_escrow.address.to_string(),
        "decisionModels": protocol.decision_models.address.to_string(),
    })
    .to_string()
}

/// Binds a new file to `protocol`, or checks that an existing one indexes it.
pub(crate) fn bind_deployment(connection: &Connection, protocol: &Protocol) -> Result<()> {
    let requested = deployment_id(protocol);
    match get_meta(connection, "deployment")? {
        None => set_meta(connection, "deployment", &requested),
        Some(indexed) if indexed == requested => Ok(()),
        Some(indexed) => Err(Error::OtherDeployment { indexed, requested }),
    }
}

/// A `meta` value.
pub(crate) fn get_meta(connection: &Connection, key: &str) -> Result<Option<String>> {
    Ok(connection.query_row("SELECT value FROM meta WHERE key = ?1", [key], |row| row.get(0)).optional()?)
}

/// Sets a `meta` value.
pub(crate) fn set_meta(connection: &Connection, key: &str, value: &str) -> Result<()> {
    connection.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)", params![key, value])?;
    Ok(())
}

/// A numeric `meta` value (the cursor, the clock).
pub(crate) fn get_meta_u64(connection: &Connection, key: &str) -> Result<Option<u64>> {
    get_meta(connection, key)?
        .map(|value| value.parse().map_err(|_| Error::Corrupt { what: format!("meta {key} = {value:?}") }))
        .transpose()
}
