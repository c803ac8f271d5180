//! The SQLite file behind a persistent [`crate::EmbeddedChain`].
//!
//! The chain still executes in memory; this file only has to survive the process. So each
//! state-changing call writes what it changed, and nothing else, as one SQLite transaction: for a sent
//! transaction its state diff (the accounts it touched, their code if new, the storage slots it
//! changed, the accounts it destroyed), its block and its logs. The transaction is committed with WAL
//! and `synchronous=FULL`, so the commit returns only after the log is on disk, and the chain
//! acknowledges (returns) only after the commit: a `kill -9` at any moment loses nothing
//! acknowledged and never leaves half a transaction. Opening the file loads it whole back into the
//! in-memory state, so reads cost what they cost on an in-memory chain.
//!
//! The file is locked (`flock`) for as long as the chain is open, so a second opener, in this process
//! or another, is refused until the first closes it or dies; SQLite itself runs in exclusive locking
//! mode too. A file that is not a chain is refused before anything is written to it.

use std::{
    fs::{File, OpenOptions, TryLockError},
    io::Read,
    path::{Path, PathBuf},
    sync::{Mutex, MutexGuard, PoisonError},
};

use alloy_primitives::{Address, B256, Bytes, Log, LogData, U256};
use revm::{
    bytecode::Bytecode,
    database::{AccountState, DbAccount},
    primitives::{B256Map, KECCAK_EMPTY},
    state::{AccountInfo, EvmState},
};
use rusqlite::{Connection, ErrorCode, OptionalExtension, Transaction, params};

use crate::{ChainLog, Error, Result, embedded::Db};

/// `PRAGMA application_id` of a chain file: "Aloe" in ASCII, so another SQLite file is told apart.
const APPLICATION_ID: i32 = 0x416c_6f65;

/// The first 16 bytes of every SQLite database file.
const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// `PRAGMA user_version` of the format this code writes; files of any other version are refused.
const FORMAT_VERSION: i32 = 1;

const SCHEMA: &str = "
    CREATE TABLE head (
        id INTEGER PRIMARY KEY CHECK (id = 0),
        next_block INTEGER NOT NULL,
        timestamp INTEGER NOT NULL
    );
    CREATE TABLE accounts (
        address BLOB PRIMARY KEY,
        balance BLOB NOT NULL,
        nonce INTEGER NOT NULL,
        code_hash BLOB NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE code (hash BLOB PRIMARY KEY, bytecode BLOB NOT NULL) WITHOUT ROWID;
    CREATE TABLE storage (
        address BLOB NOT NULL,
        slot BLOB NOT NULL,
        value BLOB NOT NULL,
        PRIMARY KEY (address, slot)
    ) WITHOUT ROWID;
    CREATE TABLE blocks (number INTEGER PRIMARY KEY, timestamp INTEGER NOT NULL, hash BLOB NOT NULL);
    CREATE TABLE logs (
        block_number INTEGER NOT NULL REFERENCES blocks (number),
        log_index INTEGER NOT NULL,
        address BLOB NOT NULL,
        topics BLOB NOT NULL,
        data BLOB NOT NULL,
        PRIMARY KEY (block_number, log_index)
    ) WITHOUT ROWID;
";

/// The clock and the next block's number: what a chain has besides its state and logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Head {
    /// The number the next mined block gets.
    pub(crate) next_block: u64,
    /// The timestamp the next block gets.
    pub(crate) timestamp: u64,
}

/// A block mined by one transaction, as it is written.
pub(crate) struct MinedBlock<'a> {
    /// Its number.
    pub(crate) number: u64,
    /// Its timestamp.
    pub(crate) timestamp: u64,
    /// Its hash.
    pub(crate) hash: B256,
    /// The transaction's state diff, as `transact` returned it.
    pub(crate) state: &'a EvmState,
    /// The code already stored (so a call to a known contract does not write its code again).
    pub(crate) known_code: &'a B256Map<Bytecode>,
    /// Its logs (none for a reverted transaction).
    pub(crate) logs: &'a [Log],
}

/// What a chain file holds, loaded into memory.
pub(crate) struct Loaded {
    pub(crate) head: Head,
    pub(crate) db: Db,
    pub(crate) logs: Vec<ChainLog>,
}

/// Why a chain file could not be loaded: SQLite failed, or it holds rows no chain writes.
enum LoadError {
    Sqlite(rusqlite::Error),
    Malformed(&'static str),
}

impl From<rusqlite::Error> for LoadError {
    fn from(error: rusqlite::Error) -> Self {
        Self::Sqlite(error)
    }
}

/// An open chain file, locked for this connection.
#[derive(Debug)]
pub(crate) struct Store {
    /// In a mutex only so that the chain stays `Sync` (a connection is not); writes reach it through
    /// `get_mut`, which takes no lock.
    conn: Mutex<Connection>,
    /// The file, opened once more and `flock`ed; dropped after `conn` (fields drop in order).
    _lock: File,
    path: PathBuf,
    /// Set once a write failed: SQLite may or may not have made it durable, so memory and file can no
    /// longer be known to agree and every later write is refused until the chain is reopened.
    failed: bool,
}

impl Store {
    /// Opens (or creates, starting from `genesis`) the chain file at `path` and loads it.
    pub(crate) fn open(path: &Path, genesis: Head) -> Result<(Self, Loaded)> {
        let lock = open_locked(path)?;
        let conn = Connection::open(path).map_err(|e| store_error(path, &e))?;
        let mut store = Self { conn: Mutex::new(conn), _lock: lock, path: path.to_owned(), failed: false };
        store.take_sqlite_lock()?;
        let fresh = store.identify()?;
        store.configure()?;
        if fresh {
            store.create(genesis)?;
            sync_parent_dir(path)?;
        }
        let loaded = store.load()?;
        Ok((store, loaded))
    }

    /// Takes SQLite's own lock for as long as the connection lives (exclusive locking mode: the first
    /// transaction's exclusive lock is never released), so other SQLite clients stay out too.
    fn take_sqlite_lock(&self) -> Result<()> {
        let conn = self.conn();
        // Fail at once rather than wait for a lock another process keeps for its whole life.
        conn.busy_timeout(std::time::Duration::ZERO).map_err(|e| self.error(&e))?;
        conn.pragma_update(None, "locking_mode", "EXCLUSIVE").map_err(|e| self.error(&e))?;
        conn.execute_batch("BEGIN EXCLUSIVE; COMMIT;").map_err(|e| self.error(&e))
    }

    /// Whether the file is a new (empty) database; refuses anything that is not a chain file of this
    /// format. Reads only, so a refused file is left as it was.
    fn identify(&self) -> Result<bool> {
        let read = |pragma: &str| -> Result<i32> {
            self.conn().pragma_query_value(None, pragma, |row| row.get(0)).map_err(|e| self.error(&e))
        };
        let application_id = read("application_id")?;
        let version = read("user_version")?;
        let objects: i64 = self
            .conn()
            .query_row("SELECT count(*) FROM sqlite_schema", [], |row| row.get(0))
            .map_err(|e| self.error(&e))?;
        if application_id == 0 && version == 0 && objects == 0 {
            return Ok(true);
        }
        if application_id != APPLICATION_ID {
            return Err(self.not_a_chain("a SQLite database of something else (its application id is not Aloe's)"));
        }
        if version != FORMAT_VERSION {
            return Err(Error::UnsupportedChainFormat {
                path: self.path.clone(),
                version: i64::from(version),
                supported: i64::from(FORMAT_VERSION),
            });
        }
        Ok(false)
    }

    /// WAL with a full sync at every commit: a commit returns once it is on disk.
    fn configure(&self) -> Result<()> {
        let mode: String = self
            .conn()
            .pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))
            .map_err(|e| self.error(&e))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(Error::Store {
                path: self.path.clone(),
                message: format!("cannot use WAL (journal mode {mode})"),
            });
        }
        self.conn().pragma_update(None, "synchronous", "FULL").map_err(|e| self.error(&e))
    }

    /// Writes the schema, the format's identity and the genesis head, all in one transaction (a crash
    /// halfway leaves an empty database, which the next open treats as new again).
    fn create(&mut self, genesis: Head) -> Result<()> {
        let path = self.path.clone();
        let conn = self.conn.get_mut().unwrap_or_else(PoisonError::into_inner);
        let tx = conn.transaction().map_err(|e| store_error(&path, &e))?;
        let written = (|| {
            tx.execute_batch(SCHEMA)?;
            tx.pragma_update(None, "application_id", APPLICATION_ID)?;
            tx.pragma_update(None, "user_version", FORMAT_VERSION)?;
            tx.execute(
                "INSERT INTO head (id, next_block, timestamp) VALUES (0, ?1, ?2)",
                params![int(genesis.next_block), int(genesis.timestamp)],
            )?;
            tx.commit()
        })();
        written.map_err(|e| store_error(&path, &e))
    }

    /// Reads the whole chain into a fresh in-memory state.
    fn load(&self) -> Result<Loaded> {
        self.read_all().map_err(|error| match error {
            LoadError::Sqlite(e) => self.error(&e),
            LoadError::Malformed(what) => self.not_a_chain(&format!("it holds {what}")),
        })
    }

    /// Every table, row by row, into memory; rows no chain writes are refused.
    fn read_all(&self) -> Result<Loaded, LoadError> {
        let conn = self.conn();
        let head = conn
            .query_row("SELECT next_block, timestamp FROM head WHERE id = 0", [], |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
            })
            .optional()?;
        let Some((next_block, timestamp)) = head else { return Err(LoadError::Malformed("no head row")) };
        let head = Head { next_block: next_block as u64, timestamp: timestamp as u64 };
        let mut db = Db::default();

        let mut code = conn.prepare("SELECT hash, bytecode FROM code")?;
        for row in code.query_map([], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?)))? {
            let (hash, bytes) = row?;
            let Ok(bytecode) = Bytecode::new_raw_checked(Bytes::from(bytes)) else {
                return Err(LoadError::Malformed("undecodable contract code"));
            };
            if b256(&hash) != Some(bytecode.hash_slow()) {
                return Err(LoadError::Malformed("contract code that does not match its hash"));
            }
            db.cache.contracts.insert(bytecode.hash_slow(), bytecode);
        }

        let mut accounts = conn.prepare("SELECT address, balance, nonce, code_hash FROM accounts")?;
        for row in accounts.query_map([], |r| {
            Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, i64>(2)?, r.get::<_, Vec<u8>>(3)?))
        })? {
            let (address, balance, nonce, code_hash) = row?;
            let (Some(address), Some(balance), Some(code_hash)) =
                (address20(&address), u256(&balance), b256(&code_hash))
            else {
                return Err(LoadError::Malformed("a malformed account row"));
            };
            let mut info = AccountInfo { balance, nonce: nonce as u64, code_hash, ..AccountInfo::default() };
            if code_hash != KECCAK_EMPTY {
                let Some(bytecode) = db.cache.contracts.get(&code_hash) else {
                    return Err(LoadError::Malformed("an account whose code is missing"));
                };
                info.code = Some(bytecode.clone());
            }
            db.cache
                .accounts
                .insert(address, DbAccount { info, account_state: AccountState::None, ..DbAccount::default() });
        }

        let mut storage = conn.prepare("SELECT address, slot, value FROM storage")?;
        for row in storage
            .query_map([], |r| Ok((r.get::<_, Vec<u8>>(0)?, r.get::<_, Vec<u8>>(1)?, r.get::<_, Vec<u8>>(2)?)))?
        {
            let (address, slot, value) = row?;
            let (Some(address), Some(slot), Some(value)) = (address20(&address), u256(&slot), u256(&value)) else {
                return Err(LoadError::Malformed("a malformed storage row"));
            };
            let Some(account) = db.cache.accounts.get_mut(&address) else {
                return Err(LoadError::Malformed("storage of an account that does not exist"));
            };
            account.storage.insert(slot, value);
        }

        let mut logs = Vec::new();
        let mut query = conn.prepare(
            "SELECT l.block_number, l.log_index, l.address, l.topics, l.data, b.timestamp, b.hash
             FROM logs l JOIN blocks b ON b.number = l.block_number ORDER BY l.block_number, l.log_index",
        )?;
        for row in query.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, Vec<u8>>(2)?,
                r.get::<_, Vec<u8>>(3)?,
                r.get::<_, Vec<u8>>(4)?,
                r.get::<_, i64>(5)?,
                r.get::<_, Vec<u8>>(6)?,
            ))
        })? {
            let (block_number, log_index, address, topics, data, block_timestamp, hash) = row?;
            let topics: Option<Vec<B256>> =
                if topics.len() % 32 == 0 { topics.chunks(32).map(b256).collect() } else { None };
            let (Some(address), Some(block_hash), Some(data)) =
                (address20(&address), b256(&hash), topics.and_then(|t| LogData::new(t, Bytes::from(data))))
            else {
                return Err(LoadError::Malformed("a malformed log row"));
            };
            logs.push(ChainLog {
                block_number: block_number as u64,
                block_timestamp: block_timestamp as u64,
                block_hash,
                log_index: log_index as u64,
                log: Log { address, data },
            });
        }
        Ok(Loaded { head, db, logs })
    }

    /// Writes a mined block: the transaction's state diff, the block, its logs and the new head.
    pub(crate) fn commit_block(&mut self, block: &MinedBlock<'_>, next: Head) -> Result<()> {
        self.write(|tx| {
            for (address, account) in block.state {
                // The same rules as `CacheDB::commit`, which applies this diff to memory afterwards.
                if !account.is_touched() {
                    continue;
                }
                if account.is_selfdestructed() {
                    tx.prepare_cached("DELETE FROM accounts WHERE address = ?1")?.execute([address.as_slice()])?;
                    tx.prepare_cached("DELETE FROM storage WHERE address = ?1")?.execute([address.as_slice()])?;
                    continue;
                }
                let created = account.is_created();
                if created {
                    tx.prepare_cached("DELETE FROM storage WHERE address = ?1")?.execute([address.as_slice()])?;
                }
                let code_hash = put_account(tx, *address, &account.info)?;
                if let Some(code) = &account.info.code
                    && !code.is_empty()
                    && !block.known_code.contains_key(&code_hash)
                {
                    tx.prepare_cached("INSERT OR IGNORE INTO code (hash, bytecode) VALUES (?1, ?2)")?
                        .execute(params![code_hash.as_slice(), code.original_bytes().as_ref()])?;
                }
                for (slot, value) in &account.storage {
                    // A new contract's storage was cleared above, so all of it is written.
                    if created || value.is_changed() {
                        put_slot(tx, *address, *slot, value.present_value())?;
                    }
                }
            }
            tx.prepare_cached("INSERT INTO blocks (number, timestamp, hash) VALUES (?1, ?2, ?3)")?.execute(params![
                int(block.number),
                int(block.timestamp),
                block.hash.as_slice()
            ])?;
            for (index, log) in block.logs.iter().enumerate() {
                let topics: Vec<u8> = log.topics().iter().flat_map(|t| t.0).collect();
                tx.prepare_cached(
                    "INSERT INTO logs (block_number, log_index, address, topics, data) VALUES (?1, ?2, ?3, ?4, ?5)",
                )?
                .execute(params![
                    int(block.number),
                    index as i64,
                    log.address.as_slice(),
                    topics,
                    log.data.data.as_ref()
                ])?;
            }
            put_head(tx, next)
        })
    }

    /// Writes an account's balance, nonce and code hash (its storage stays).
    pub(crate) fn set_account(&mut self, address: Address, info: &AccountInfo) -> Result<()> {
        self.write(|tx| put_account(tx, address, info).map(drop))
    }

    /// Writes the head (the clock moved).
    pub(crate) fn set_head(&mut self, head: Head) -> Result<()> {
        self.write(|tx| put_head(tx, head))
    }

    /// Runs `body` in one transaction and commits it (durably, before returning); on any failure
    /// nothing is committed and the store refuses further writes.
    fn write(&mut self, body: impl FnOnce(&Transaction<'_>) -> rusqlite::Result<()>) -> Result<()> {
        if self.failed {
            return Err(Error::Store {
                path: self.path.clone(),
                message: "an earlier write failed, so the file may not match memory; reopen the chain".into(),
            });
        }
        let conn = self.conn.get_mut().unwrap_or_else(PoisonError::into_inner);
        let written = conn.transaction().and_then(|tx| {
            body(&tx)?;
            tx.commit()
        });
        written.map_err(|e| {
            self.failed = true;
            store_error(&self.path, &e)
        })
    }

    /// The chain file.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    fn error(&self, error: &rusqlite::Error) -> Error {
        store_error(&self.path, error)
    }

    fn not_a_chain(&self, reason: &str) -> Error {
        Error::NotAChain { path: self.path.clone(), reason: reason.to_owned() }
    }

    /// The connection, locked (only while the chain is being opened, or by tests that make SQLite fail).
    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Opens `path` (creating an empty file, which is a new chain, if there is none), locks it for this
/// descriptor's life and refuses it if it is neither empty nor a SQLite database.
///
/// The lock is a `flock`, not SQLite's POSIX record locks: a process loses all of those on a file when
/// it closes any descriptor of it, so a refused second opener in this process (closing its own
/// descriptor) would silently unlock the first. A `flock` belongs to its descriptor alone.
fn open_locked(path: &Path) -> Result<File> {
    let io = |e: std::io::Error| Error::Store { path: path.to_owned(), message: e.to_string() };
    let file = OpenOptions::new().read(true).write(true).create(true).truncate(false).open(path).map_err(io)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => return Err(Error::ChainLocked { path: path.to_owned() }),
        Err(TryLockError::Error(e)) => return Err(io(e)),
    }
    let mut header = Vec::with_capacity(SQLITE_HEADER.len());
    (&file).take(SQLITE_HEADER.len() as u64).read_to_end(&mut header).map_err(io)?;
    // SQLite would take a short file of anything for an empty database, and write over it.
    if !header.is_empty() && header != SQLITE_HEADER {
        return Err(Error::NotAChain { path: path.to_owned(), reason: "not a SQLite database".into() });
    }
    Ok(file)
}

/// Makes a new file's directory entry durable (SQLite syncs the file, not the directory naming it).
fn sync_parent_dir(path: &Path) -> Result<()> {
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    File::open(parent)
        .and_then(|dir| dir.sync_all())
        .map_err(|e| Error::Store { path: path.to_owned(), message: format!("syncing its directory: {e}") })
}

/// Upserts an account row; returns the code hash written (normalised as `CacheDB` does).
fn put_account(tx: &Transaction<'_>, address: Address, info: &AccountInfo) -> rusqlite::Result<B256> {
    let code_hash = match &info.code {
        Some(code) if !code.is_empty() && info.code_hash == KECCAK_EMPTY => code.hash_slow(),
        _ if info.code_hash.is_zero() => KECCAK_EMPTY,
        _ => info.code_hash,
    };
    tx.prepare_cached(
        "INSERT INTO accounts (address, balance, nonce, code_hash) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (address) DO UPDATE SET balance = ?2, nonce = ?3, code_hash = ?4",
    )?
    .execute(params![
        address.as_slice(),
        info.balance.to_be_bytes::<32>().as_slice(),
        int(info.nonce),
        code_hash.as_slice()
    ])?;
    Ok(code_hash)
}

/// Writes a storage slot; a zero slot is a missing row (both read as zero).
fn put_slot(tx: &Transaction<'_>, address: Address, slot: U256, value: U256) -> rusqlite::Result<()> {
    let slot = slot.to_be_bytes::<32>();
    if value.is_zero() {
        tx.prepare_cached("DELETE FROM storage WHERE address = ?1 AND slot = ?2")?
            .execute(params![address.as_slice(), slot.as_slice()])?;
    } else {
        tx.prepare_cached(
            "INSERT INTO storage (address, slot, value) VALUES (?1, ?2, ?3)
             ON CONFLICT (address, slot) DO UPDATE SET value = ?3",
        )?
        .execute(params![address.as_slice(), slot.as_slice(), value.to_be_bytes::<32>().as_slice()])?;
    }
    Ok(())
}

fn put_head(tx: &Transaction<'_>, head: Head) -> rusqlite::Result<()> {
    tx.prepare_cached("UPDATE head SET next_block = ?1, timestamp = ?2 WHERE id = 0")?
        .execute(params![int(head.next_block), int(head.timestamp)])?;
    Ok(())
}

/// A u64 as SQLite's i64, bit for bit (read back with `as u64`; every value round-trips).
const fn int(value: u64) -> i64 {
    value as i64
}

fn address20(bytes: &[u8]) -> Option<Address> {
    Address::try_from(bytes).ok()
}

fn b256(bytes: &[u8]) -> Option<B256> {
    B256::try_from(bytes).ok()
}

fn u256(bytes: &[u8]) -> Option<U256> {
    (bytes.len() == 32).then(|| U256::from_be_slice(bytes))
}

/// A SQLite failure as the chain's error: a held lock and a file that is no database get their own.
fn store_error(path: &Path, error: &rusqlite::Error) -> Error {
    match error.sqlite_error_code() {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Error::ChainLocked { path: path.to_owned() },
        Some(ErrorCode::NotADatabase) => Error::NotAChain { path: path.to_owned(), reason: error.to_string() },
        Some(ErrorCode::DatabaseCorrupt) => {
            Error::NotAChain { path: path.to_owned(), reason: format!("corrupt: {error}") }
        }
        _ => Error::Store { path: path.to_owned(), message: error.to_string() },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chain_file_is_in_wal_mode_synced_at_every_commit_and_locked_exclusively() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("chain.sqlite");
        let (store, _) = Store::open(&path, Head { next_block: 1, timestamp: 0 }).unwrap();
        let conn = store.conn();
        let pragma = |name: &str| -> String {
            conn.query_row(&format!("PRAGMA {name}"), [], |row| row.get::<_, rusqlite::types::Value>(0))
                .map(|value| format!("{value:?}"))
                .unwrap()
        };
        assert_eq!(pragma("journal_mode"), r#"Text("wal")"#);
        assert_eq!(pragma("synchronous"), "Integer(2)", "FULL");
        assert_eq!(pragma("locking_mode"), r#"Text("exclusive")"#);
        assert_eq!(pragma("application_id"), format!("Integer({APPLICATION_ID})"));
        assert_eq!(pragma("user_version"), format!("Integer({FORMAT_VERSION})"));
    }
}
