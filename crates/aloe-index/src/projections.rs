//! The projections: each event folded into the tables the queries read, in the transaction that stores it.
//!
//! The fold mirrors the contracts' own accounting (`Loan.sol`): `repaid` counts principal reclaimed at a
//! default as the contract's `totals().repaid` does, `openBorrowers` moves exactly where the contract's
//! `_openBorrowers` does. The projections are a function of the `events` table alone, replayed in
//! (block, log index) order: a rollback rebuilds them from the events that remain, which is what makes the
//! index after a reorg equal to a fresh index of the new history.

use alloy_primitives::{Address, LogData, U256};
use alloy_sol_types::SolEvent;
use aloe_contracts::bindings::{CreditBureau as bureau, IdentityEscrow as escrow, KnnModel as model, Loan as loan};
use rusqlite::{OptionalExtension, Transaction, params};

use crate::{Error, Result, Source, views::ModelEventKind};

/// One stored event, as the fold sees it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EventRef<'a> {
    /// Which contract kind emitted it.
    pub(crate) source: Source,
    /// The emitting contract.
    pub(crate) contract: Address,
    /// Its block.
    pub(crate) block: u64,
    /// Its position in the block.
    pub(crate) log_index: u64,
    /// The block's time.
    pub(crate) timestamp: u64,
    /// Topics and data.
    pub(crate) log: &'a LogData,
}

fn decode<E: SolEvent>(event: &EventRef<'_>) -> Result<E> {
    E::decode_log_data(event.log).map_err(|e| Error::Decode {
        event: E::SIGNATURE.to_owned(),
        block: event.block,
        log_index: event.log_index,
        reason: e.to_string(),
    })
}

/// The SQL text of an address (lowercase hex: one spelling per address, so equality is plain string equality).
pub(crate) fn key(address: Address) -> String {
    format!("{address:#x}")
}

/// Folds `event` into the projections.
pub(crate) fn apply(tx: &Transaction<'_>, event: &EventRef<'_>) -> Result<()> {
    let Some(&topic) = event.log.topics().first() else { return Ok(()) };
    match event.source {
        Source::Bureau => match topic {
            bureau::LoanCreated::SIGNATURE_HASH => loan_created(tx, event, decode(event)?),
            bureau::ScoreLedgerInitialized::SIGNATURE_HASH => registered(tx, event, decode(event)?),
            bureau::DefaultConfirmed::SIGNATURE_HASH => default_confirmed(tx, event, decode(event)?),
            bureau::PointRecorded::SIGNATURE_HASH => {
                let e: bureau::PointRecorded = decode(event)?;
                let row = ModelRow { point: Some(e.point), borrower: Some(e.borrower), ..ModelRow::default() };
                model_event(tx, event, ModelEventKind::PointRecorded, row)
            }
            _ => Ok(()),
        },
        Source::Loan => loan_event(tx, event, topic),
        Source::ScoreModel => model_contract_event(tx, event, topic),
        Source::IdentityEscrow => match topic {
            escrow::ShareReleased::SIGNATURE_HASH => {
                let e: escrow::ShareReleased = decode(event)?;
                tx.execute(
                    "UPDATE defaults SET shares_released = shares_released + 1 WHERE loan = ?1 AND borrower = ?2",
                    params![key(e.loan), key(e.borrower)],
                )?;
                Ok(())
            }
            _ => Ok(()),
        },
        Source::DecisionModels => Ok(()),
    }
}

fn loan_created(tx: &Transaction<'_>, event: &EventRef<'_>, e: bureau::LoanCreated) -> Result<()> {
    tx.execute(
        "INSERT INTO loans (address, creator, asset, total_amount, int_rate_per_mil, num_payments,
            seconds_between_payments, min_credit_score, fund_date, grace_period, creator_fee_per_mil, decision_model,
            min_decision_margin, created_block, created_log_index, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
        params![
            key(e.loan),
            key(e.creator),
            key(e.asset),
            e.totalAmount.to_string(),
            e.intRatePerMil,
            e.numPayments,
            e.secondsBetweenPayments,
            e.minCreditScore,
            e.fundDate.to::<u64>() as i64,
            e.gracePeriod,
            e.creatorFeePerMil,
            e.decisionModel,
            e.minDecisionMargin,
            event.block as i64,
            event.log_index as i64,
            event.timestamp as i64,
        ],
    )?;
    Ok(())
}

fn registered(tx: &Transaction<'_>, event: &EventRef<'_>, e: bureau::ScoreLedgerInitialized) -> Result<()> {
    tx.execute(
        "INSERT OR REPLACE INTO borrowers (address, notary, fico_score, verified_at, registered_block, registered_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            key(e.borrower),
            key(e.notary),
            e.ficoScore,
            e.timestamp.to::<u64>() as i64,
            event.block as i64,
            event.timestamp as i64
        ],
    )?;
    Ok(())
}

fn default_confirmed(tx: &Transaction<'_>, event: &EventRef<'_>, e: bureau::DefaultConfirmed) -> Result<()> {
    tx.execute(
        "INSERT INTO defaults (loan, borrower, reporter, arrears, block_number, log_index, block_timestamp)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            key(e.loan),
            key(e.borrower),
            key(e.reporter),
            e.arrears.to_string(),
            event.block as i64,
            event.log_index as i64,
            event.timestamp as i64
        ],
    )?;
    Ok(())
}

// ---- loans ----

/// A row holding decimal amounts: a loan, or one party's position in it.
#[derive(Clone, Copy)]
enum Row<'a> {
    Loan(&'a str),
    Lender(&'a str, &'a str),
    Borrower(&'a str, &'a str),
}

impl Row<'_> {
    fn table_and_key(&self) -> (&'static str, &'static str) {
        match self {
            Row::Loan(_) => ("loans", "address = ?1"),
            Row::Lender(..) => ("lender_positions", "loan = ?1 AND lender = ?2"),
            Row::Borrower(..) => ("borrower_positions", "loan = ?1 AND borrower = ?2"),
        }
    }

    fn keys(&self) -> Vec<&str> {
        match *self {
            Row::Loan(loan) => vec![loan],
            Row::Lender(loan, who) | Row::Borrower(loan, who) => vec![loan, who],
        }
    }

    /// The amount in `column` (a constant of this file, never caller input).
    fn get(&self, tx: &Transaction<'_>, column: &str) -> Result<U256> {
        let (table, key) = self.table_and_key();
        let text: Option<String> = tx
            .query_row(
                &format!("SELECT {column} FROM {table} WHERE {key}"),
                rusqlite::params_from_iter(self.keys()),
                |row| row.get(0),
            )
            .optional()?;
        let text = text.ok_or_else(|| Error::Corrupt { what: format!("no {table} row for {:?}", self.keys()) })?;
        U256::from_str_radix(&text, 10).map_err(|_| Error::Corrupt { what: format!("{table}.{column} = {text:?}") })
    }

    fn set(&self, tx: &Transaction<'_>, column: &str, value: U256) -> Result<()> {
        let (table, key) = self.table_and_key();
        let offset = self.keys().len();
        let sql = format!("UPDATE {table} SET {column} = ?{} WHERE {key}", offset + 1);
        let mut values: Vec<String> = self.keys().into_iter().map(str::to_owned).collect();
        values.push(value.to_string());
        tx.execute(&sql, rusqlite::params_from_iter(values))?;
        Ok(())
    }

    fn add(&self, tx: &Transaction<'_>, column: &str, delta: U256) -> Result<U256> {
        let value = self.get(tx, column)? + delta;
        self.set(tx, column, value)?;
        Ok(value)
    }

    fn sub(&self, tx: &Transaction<'_>, column: &str, delta: U256) -> Result<()> {
        let value = self.get(tx, column)?.checked_sub(delta);
        let value =
            value.ok_or_else(|| Error::Corrupt { what: format!("{column} below zero for {:?}", self.keys()) })?;
        self.set(tx, column, value)
    }
}

/// Adds `delta` (±1) to an integer counter of a loan.
fn count(tx: &Transaction<'_>, loan: &str, column: &str, delta: i64) -> Result<()> {
    tx.execute(&format!("UPDATE loans SET {column} = {column} + ?2 WHERE address = ?1"), params![loan, delta])?;
    Ok(())
}

fn loan_event(tx: &Transaction<'_>, event: &EventRef<'_>, topic: alloy_primitives::B256) -> Result<()> {
    let address = key(event.contract);
    let loan_row = Row::Loan(&address);
    match topic {
        loan::Invested::SIGNATURE_HASH => {
            let e: loan::Invested = decode(event)?;
            let lender = key(e.lender);
            let new = tx.execute(
                "INSERT OR IGNORE INTO lender_positions (loan, lender, first_block) VALUES (?1, ?2, ?3)",
                params![address, lender, event.block as i64],
            )?;
            if new == 1 {
                count(tx, &address, "lenders", 1)?;
            }
            Row::Lender(&address, &lender).add(tx, "invested", e.amount)?;
            loan_row.set(tx, "invested", e.totalInvested)
        }
        loan::BorrowRequested::SIGNATURE_HASH => {
            let e: loan::BorrowRequested = decode(event)?;
            let borrower = key(e.borrower);
            let payments: i64 =
                tx.query_row("SELECT num_payments FROM loans WHERE address = ?1", [&address], |row| row.get(0))?;
            let scheduled = e.installment * U256::from(payments as u64);
            tx.execute(
                "INSERT INTO borrower_positions (loan, borrower, requested_block) VALUES (?1, ?2, ?3)
                 ON CONFLICT (loan, borrower) DO UPDATE SET requested_block = excluded.requested_block",
                params![address, borrower, event.block as i64],
            )?;
            let position = Row::Borrower(&address, &borrower);
            position.set(tx, "requested", e.amount)?;
            position.set(tx, "installment", e.installment)?;
            position.set(tx, "scheduled", scheduled)?;
            loan_row.set(tx, "requested", e.totalRequested)?;
            loan_row.add(tx, "scheduled", scheduled)?;
            count(tx, &address, "borrowers", 1)?;
            count(tx, &address, "open_borrowers", 1)
        }
        loan::BorrowCancelled::SIGNATURE_HASH => {
            let e: loan::BorrowCancelled = decode(event)?;
            let borrower = key(e.borrower);
            let position = Row::Borrower(&address, &borrower);
            let scheduled = position.get(tx, "scheduled")?;
            for column in ["requested", "installment", "scheduled"] {
                position.set(tx, column, U256::ZERO)?;
            }
            tx.execute(
                "UPDATE borrower_positions SET cancellations = cancellations + 1 WHERE loan = ?1 AND borrower = ?2",
                params![address, borrower],
            )?;
            loan_row.sub(tx, "requested", e.amount)?;
            loan_row.sub(tx, "scheduled", scheduled)?;
            count(tx, &address, "borrowers", -1)?;
            count(tx, &address, "open_borrowers", -1)
        }
        loan::Funded::SIGNATURE_HASH => {
            let e: loan::Funded = decode(event)?;
            tx.execute(
                "UPDATE loans SET funded_at = ?2 WHERE address = ?1",
                params![address, e.fundedAt.to::<u64>() as i64],
            )?;
            Ok(())
        }
        loan::Disbursed::SIGNATURE_HASH => {
            let e: loan::Disbursed = decode(event)?;
            Row::Borrower(&address, &key(e.borrower)).add(tx, "disbursed", e.amount)?;
            loan_row.add(tx, "disbursed", e.amount)?;
            count(tx, &address, "disbursed_borrowers", 1)
        }
        loan::PaymentMade::SIGNATURE_HASH => {
            let e: loan::PaymentMade = decode(event)?;
            let borrower = key(e.borrower);
            let position = Row::Borrower(&address, &borrower);
            position.add(tx, "paid", e.amount)?;
            loan_row.add(tx, "repaid", e.amount)?;
            // The contract's `totalPaid` counts reclaimed principal too: settled when it covers the schedule.
            if e.totalPaid == position.get(tx, "scheduled")? {
                count(tx, &address, "repaid_borrowers", 1)?;
                if !defaulted(tx, &address, &borrower)? {
                    count(tx, &address, "open_borrowers", -1)?;
                }
            }
            Ok(())
        }
        loan::Withdrawn::SIGNATURE_HASH => {
            let e: loan::Withdrawn = decode(event)?;
            let lender = key(e.lender);
            Row::Lender(&address, &lender).add(tx, "withdrawn", e.amount)?;
            loan_row.add(tx, "withdrawn", e.amount)?;
            if e.refund {
                Row::Lender(&address, &lender).add(tx, "refunded", e.amount)?;
                loan_row.add(tx, "refunded", e.amount)?;
            }
            Ok(())
        }
        loan::FeesWithdrawn::SIGNATURE_HASH => {
            let e: loan::FeesWithdrawn = decode(event)?;
            loan_row.add(tx, "fees_withdrawn", e.amount).map(drop)
        }
        loan::DustSwept::SIGNATURE_HASH => {
            let e: loan::DustSwept = decode(event)?;
            loan_row.add(tx, "dust_swept", e.amount).map(drop)
        }
        loan::DefaultMarked::SIGNATURE_HASH => {
            let e: loan::DefaultMarked = decode(event)?;
            tx.execute(
                "UPDATE borrower_positions SET defaulted = 1 WHERE loan = ?1 AND borrower = ?2",
                params![address, key(e.borrower)],
            )?;
            count(tx, &address, "defaults", 1)?;
            count(tx, &address, "open_borrowers", -1)
        }
        loan::PrincipalReclaimed::SIGNATURE_HASH => {
            let e: loan::PrincipalReclaimed = decode(event)?;
            let position = Row::Borrower(&address, &key(e.borrower));
            let reclaimed = position.add(tx, "reclaimed", e.principal)?;
            loan_row.add(tx, "repaid", e.principal)?;
            loan_row.add(tx, "reclaimed", e.principal)?;
            // At zero interest the principal is the whole schedule: the default settled the debt.
            if reclaimed == position.get(tx, "scheduled")? {
                count(tx, &address, "repaid_borrowers", 1)?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

fn defaulted(tx: &Transaction<'_>, loan: &str, borrower: &str) -> Result<bool> {
    Ok(tx.query_row(
        "SELECT defaulted FROM borrower_positions WHERE loan = ?1 AND borrower = ?2",
        [loan, borrower],
        |row| row.get(0),
    )?)
}

// ---- the score model ----

#[derive(Default)]
struct ModelRow {
    size: Option<U256>,
    k: Option<U256>,
    point: Option<U256>,
    buffered: Option<U256>,
    chunk: Option<Address>,
    points: Option<U256>,
    chunk_index: Option<U256>,
    borrower: Option<Address>,
}

fn model_contract_event(tx: &Transaction<'_>, event: &EventRef<'_>, topic: alloy_primitives::B256) -> Result<()> {
    let (kind, row) = match topic {
        model::ChunkStaged::SIGNATURE_HASH => {
            let e: model::ChunkStaged = decode(event)?;
            let row = ModelRow {
                chunk_index: Some(e.index),
                chunk: Some(e.chunk),
                points: Some(e.points),
                ..Default::default()
            };
            (ModelEventKind::ChunkStaged, row)
        }
        model::StagingCleared::SIGNATURE_HASH => (ModelEventKind::StagingCleared, ModelRow::default()),
        model::ModelPublished::SIGNATURE_HASH => {
            let e: model::ModelPublished = decode(event)?;
            (ModelEventKind::Published, ModelRow { size: Some(e.size), k: Some(e.k), ..Default::default() })
        }
        model::KChanged::SIGNATURE_HASH => {
            let e: model::KChanged = decode(event)?;
            (ModelEventKind::KChanged, ModelRow { k: Some(e.k), ..Default::default() })
        }
        model::PointAppended::SIGNATURE_HASH => {
            let e: model::PointAppended = decode(event)?;
            let row = ModelRow { point: Some(e.point), buffered: Some(e.buffered), ..Default::default() };
            (ModelEventKind::PointAppended, row)
        }
        model::BufferSealed::SIGNATURE_HASH => {
            let e: model::BufferSealed = decode(event)?;
            (
                ModelEventKind::BufferSealed,
                ModelRow { chunk: Some(e.chunk), points: Some(e.points), ..Default::default() },
            )
        }
        model::ModelRotated::SIGNATURE_HASH => {
            let e: model::ModelRotated = decode(event)?;
            (ModelEventKind::Rotated, ModelRow { size: Some(e.size), ..Default::default() })
        }
        _ => return Ok(()),
    };
    model_event(tx, event, kind, row)
}

fn model_event(tx: &Transaction<'_>, event: &EventRef<'_>, kind: ModelEventKind, row: ModelRow) -> Result<()> {
    // Sizes, k, counts and indices are small (they bound loops on-chain); saturate rather than wrap if not.
    let small = |value: Option<U256>| value.map(|v| v.saturating_to::<i64>());
    tx.execute(
        "INSERT INTO model_events (block_number, log_index, block_timestamp, kind, size, k, point, buffered, chunk,
            points, chunk_index, borrower)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            event.block as i64,
            event.log_index as i64,
            event.timestamp as i64,
            kind.as_str(),
            small(row.size),
            small(row.k),
            row.point.map(|p| p.to_string()),
            small(row.buffered),
            row.chunk.map(key),
            small(row.points),
            small(row.chunk_index),
            row.borrower.map(key),
        ],
    )?;
    Ok(())
}
