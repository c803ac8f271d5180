//! The read side: what the JSON API and the dashboard ask of the index, as typed answers (see `views`).
//!
//! An address the index has never seen is `Ok(None)`, not an error: to an API that is a 404, not a 500. Loan
//! statuses are derived in SQL from the stored facts and the chain's clock at the last sync (the one rule,
//! [`STATUS`], serves the filter and the answer alike).

use std::collections::BTreeMap;

use alloy_primitives::{Address, U256};
use rusqlite::{
    Row, ToSql,
    types::{FromSql, FromSqlError, FromSqlResult, ValueRef},
};

use crate::{
    Indexer, Result, Source,
    projections::key,
    schema,
    views::{
        Amount, AssetVolume, BorrowerDetail, BorrowerPosition, BorrowerStatus, Bucket, DefaultBucket, DefaultRecord,
        EventRecord, LenderDetail, LenderLoan, LenderPosition, LoanDetail, LoanFilter, LoanPage, LoanStatus,
        LoanSummary, Market, ModelEvent, ModelEventKind, ModelHistory, Registration, StatusCounts, Terms,
    },
};

/// [`LoanStatus`]'s rules in SQL, against `:now` (the chain's clock at the last sync; failed means
/// `block.timestamp > fundDate` without funding, as `Loan.isFailed()`).
const STATUS: &str = "CASE
    WHEN funded_at IS NULL AND fund_date < :now THEN 'failed'
    WHEN funded_at IS NULL THEN 'open'
    WHEN repaid_borrowers = borrowers THEN 'repaid'
    WHEN open_borrowers = 0 AND defaults > 0 THEN 'defaulted'
    WHEN disbursed_borrowers > 0 OR defaults > 0 OR repaid_borrowers > 0 THEN 'active'
    ELSE 'funded' END";

const LOAN_COLUMNS: &str = "address, creator, asset, total_amount, int_rate_per_mil, num_payments,
    seconds_between_payments, min_credit_score, fund_date, grace_period, creator_fee_per_mil, decision_model,
    min_decision_margin, created_block, created_at, funded_at, invested, requested, scheduled, disbursed, repaid,
    reclaimed, withdrawn, refunded, fees_withdrawn, dust_swept, lenders, borrowers, open_borrowers, defaults";

impl FromSql for Amount {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        let text = value.as_str()?;
        U256::from_str_radix(text, 10).map(Amount).map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

/// A stored address column.
struct Addr(Address);

impl FromSql for Addr {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        value.as_str()?.parse().map(Addr).map_err(|e| FromSqlError::Other(Box::new(e)))
    }
}

fn addr_at(row: &Row<'_>, index: usize) -> rusqlite::Result<Address> {
    Ok(row.get::<_, Addr>(index)?.0)
}

fn number(row: &Row<'_>, index: usize) -> rusqlite::Result<u64> {
    Ok(row.get::<_, i64>(index)? as u64)
}

fn loan_summary(row: &Row<'_>) -> rusqlite::Result<LoanSummary> {
    let status: String = row.get(30)?;
    let status = LoanStatus::parse(&status).ok_or(rusqlite::Error::InvalidColumnType(
        30,
        "status".into(),
        rusqlite::types::Type::Text,
    ))?;
    Ok(LoanSummary {
        address: addr_at(row, 0)?,
        creator: addr_at(row, 1)?,
        asset: addr_at(row, 2)?,
        terms: Terms {
            total_amount: row.get(3)?,
            int_rate_per_mil: row.get(4)?,
            num_payments: row.get(5)?,
            seconds_between_payments: row.get(6)?,
            min_credit_score: row.get(7)?,
            fund_date: number(row, 8)?,
            grace_period: row.get(9)?,
            creator_fee_per_mil: row.get(10)?,
            decision_model: row.get(11)?,
            min_decision_margin: row.get(12)?,
        },
        status,
        created_block: number(row, 13)?,
        created_at: number(row, 14)?,
        funded_at: row.get::<_, Option<i64>>(15)?.map(|t| t as u64),
        invested: row.get(16)?,
        requested: row.get(17)?,
        scheduled: row.get(18)?,
        disbursed: row.get(19)?,
        repaid: row.get(20)?,
        reclaimed: row.get(21)?,
        withdrawn: row.get(22)?,
        refunded: row.get(23)?,
        fees_withdrawn: row.get(24)?,
        dust_swept: row.get(25)?,
        lenders: number(row, 26)?,
        borrowers: number(row, 27)?,
        open_borrowers: number(row, 28)?,
        defaults: number(row, 29)?,
    })
}

const LENDER_COLUMNS: &str = "loan, lender, invested, withdrawn, refunded, first_block";

fn lender_position(row: &Row<'_>) -> rusqlite::Result<LenderPosition> {
    Ok(LenderPosition {
        loan: addr_at(row, 0)?,
        lender: addr_at(row, 1)?,
        invested: row.get(2)?,
        withdrawn: row.get(3)?,
        refunded: row.get(4)?,
        first_block: number(row, 5)?,
    })
}

const BORROWER_COLUMNS: &str = "p.loan, p.borrower, p.requested, p.installment, p.scheduled, p.disbursed, p.paid,
    p.reclaimed, p.defaulted, p.cancellations, p.requested_block";

fn borrower_position(row: &Row<'_>) -> rusqlite::Result<BorrowerPosition> {
    let (requested, scheduled, disbursed, paid, reclaimed): (Amount, Amount, Amount, Amount, Amount) =
        (row.get(2)?, row.get(4)?, row.get(5)?, row.get(6)?, row.get(7)?);
    let defaulted: bool = row.get(8)?;
    let status = if defaulted {
        BorrowerStatus::Defaulted
    } else if scheduled.0 > U256::ZERO && paid.0 + reclaimed.0 == scheduled.0 {
        BorrowerStatus::Repaid
    } else if disbursed.0 > U256::ZERO {
        BorrowerStatus::Active
    } else if requested.0 > U256::ZERO {
        BorrowerStatus::Requested
    } else {
        BorrowerStatus::Cancelled
    };
    Ok(BorrowerPosition {
        loan: addr_at(row, 0)?,
        borrower: addr_at(row, 1)?,
        status,
        requested,
        installment: row.get(3)?,
        scheduled,
        disbursed,
        paid,
        reclaimed,
        defaulted,
        cancellations: number(row, 9)?,
        requested_block: number(row, 10)?,
    })
}

const DEFAULT_COLUMNS: &str = "loan, borrower, reporter, arrears, block_number, block_timestamp, shares_released";

fn default_record(row: &Row<'_>) -> rusqlite::Result<DefaultRecord> {
    Ok(DefaultRecord {
        loan: addr_at(row, 0)?,
        borrower: addr_at(row, 1)?,
        reporter: addr_at(row, 2)?,
        arrears: row.get(3)?,
        block_number: number(row, 4)?,
        confirmed_at: number(row, 5)?,
        shares_released: number(row, 6)?,
    })
}

fn volume(volumes: &mut BTreeMap<Address, AssetVolume>, asset: Address) -> &mut AssetVolume {
    volumes.entry(asset).or_insert_with(|| AssetVolume {
        asset,
        loans: 0,
        invested: Amount::default(),
        disbursed: Amount::default(),
        repaid: Amount::default(),
        defaulted_arrears: Amount::default(),
    })
}

impl Indexer {
    /// The chain's clock at the last sync, as the `:now` of [`STATUS`].
    fn now(&self) -> Result<Option<i64>> {
        Ok(schema::get_meta_u64(&self.connection, "as_of")?.map(|t| t as i64))
    }

    fn collect<T>(
        &self,
        sql: &str,
        params: &[(&str, &dyn ToSql)],
        map: impl FnMut(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>> {
        let mut statement = self.connection.prepare(sql)?;
        let rows = statement.query_map(params, map)?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A page of loans matching `filter`, in creation order, and how many match in all.
    pub fn loans(&self, filter: &LoanFilter) -> Result<LoanPage> {
        let now = self.now()?;
        let (asset, creator) = (filter.asset.map(key), filter.creator.map(key));
        let status = filter.status.map(LoanStatus::as_str);
        let (score_from, score_to) = (filter.min_credit_score_from, filter.min_credit_score_to);
        let mut conditions = Vec::new();
        let mut params: Vec<(&str, &dyn ToSql)> = vec![(":now", &now)];
        if let Some(status) = &status {
            conditions.push(format!("({STATUS}) = :status"));
            params.push((":status", status));
        }
        if let Some(asset) = &asset {
            conditions.push("asset = :asset".to_owned());
            params.push((":asset", asset));
        }
        if let Some(creator) = &creator {
            conditions.push("creator = :creator".to_owned());
            params.push((":creator", creator));
        }
        if let Some(from) = &score_from {
            conditions.push("min_credit_score >= :score_from".to_owned());
            params.push((":score_from", from));
        }
        if let Some(to) = &score_to {
            conditions.push("min_credit_score <= :score_to".to_owned());
            params.push((":score_to", to));
        }
        let filter_sql =
            if conditions.is_empty() { String::new() } else { format!("WHERE {}", conditions.join(" AND ")) };
        // `:now` appears only where the status does: bind it only then.
        let count_params: Vec<_> =
            params.iter().copied().filter(|(name, _)| status.is_some() || *name != ":now").collect();
        let total: i64 =
            self.connection
                .query_row(&format!("SELECT count(*) FROM loans {filter_sql}"), &*count_params, |row| row.get(0))?;
        let order = if filter.newest_first { "DESC" } else { "ASC" };
        let (limit, offset) = (filter.limit.min(LoanFilter::MAX_LIMIT) as i64, filter.offset as i64);
        params.push((":limit", &limit));
        params.push((":offset", &offset));
        let loans = self.collect(
            &format!(
                "SELECT {LOAN_COLUMNS}, {STATUS} FROM loans {filter_sql}
                 ORDER BY created_block {order}, created_log_index {order} LIMIT :limit OFFSET :offset"
            ),
            &params,
            loan_summary,
        )?;
        Ok(LoanPage { total: total as u64, loans })
    }

    /// The loan at `address` with its positions and defaults; `None` if the index has no such loan.
    pub fn loan(&self, address: Address) -> Result<Option<LoanDetail>> {
        let now = self.now()?;
        let loan_key = key(address);
        let params: [(&str, &dyn ToSql); 2] = [(":now", &now), (":loan", &loan_key)];
        let Some(loan) = self
            .collect(
                &format!("SELECT {LOAN_COLUMNS}, {STATUS} FROM loans WHERE address = :loan"),
                &params,
                loan_summary,
            )?
            .pop()
        else {
            return Ok(None);
        };
        let by_loan: [(&str, &dyn ToSql); 1] = [(":loan", &loan_key)];
        let lender_positions = self.collect(
            &format!("SELECT {LENDER_COLUMNS} FROM lender_positions WHERE loan = :loan ORDER BY first_block, rowid"),
            &by_loan,
            lender_position,
        )?;
        let borrower_positions = self.collect(
            &format!("SELECT {BORROWER_COLUMNS} FROM borrower_positions p WHERE p.loan = :loan ORDER BY p.rowid"),
            &by_loan,
            borrower_position,
        )?;
        let default_records = self.collect(
            &format!("SELECT {DEFAULT_COLUMNS} FROM defaults WHERE loan = :loan ORDER BY block_number, log_index"),
            &by_loan,
            default_record,
        )?;
        Ok(Some(LoanDetail { loan, lender_positions, borrower_positions, default_records }))
    }

    /// Every event naming `address` as an argument or emitted by it (a loan's own events), in chain order.
    pub fn history(&self, address: Address) -> Result<Vec<EventRecord>> {
        let who = key(address);
        let params: [(&str, &dyn ToSql); 1] = [(":who", &who)];
        let rows = self.collect(
            "SELECT block_number, log_index, block_timestamp, contract, source, event, args FROM events
             WHERE (block_number, log_index) IN
                (SELECT block_number, log_index FROM event_parties WHERE address = :who)
             ORDER BY block_number, log_index",
            &params,
            |row| {
                Ok((
                    number(row, 0)?,
                    number(row, 1)?,
                    number(row, 2)?,
                    addr_at(row, 3)?,
                    row.get::<_, String>(4)?,
                    row.get::<_, String>(5)?,
                    row.get::<_, String>(6)?,
                ))
            },
        )?;
        rows.into_iter()
            .map(|(block_number, log_index, block_timestamp, contract, source, event, args)| {
                Ok(EventRecord {
                    block_number,
                    log_index,
                    block_timestamp,
                    contract,
                    source: Source::parse(&source)?,
                    event,
                    args: serde_json::from_str(&args)
                        .map_err(|_| crate::Error::Corrupt { what: format!("event arguments {args:?}") })?,
                })
            })
            .collect()
    }

    /// The borrower at `address`: registration, positions, defaults and history; `None` if neither registered
    /// nor holding any position in the index.
    pub fn borrower(&self, address: Address) -> Result<Option<BorrowerDetail>> {
        let who = key(address);
        let params: [(&str, &dyn ToSql); 1] = [(":who", &who)];
        let registration = self
            .collect(
                "SELECT address, notary, fico_score, verified_at, registered_block, registered_at FROM borrowers
                 WHERE address = :who",
                &params,
                |row| {
                    Ok(Registration {
                        address: addr_at(row, 0)?,
                        notary: addr_at(row, 1)?,
                        fico_score: row.get(2)?,
                        verified_at: number(row, 3)?,
                        registered_block: number(row, 4)?,
                        registered_at: number(row, 5)?,
                    })
                },
            )?
            .pop();
        let positions = self.collect(
            &format!(
                "SELECT {BORROWER_COLUMNS} FROM borrower_positions p JOIN loans l ON l.address = p.loan
                 WHERE p.borrower = :who ORDER BY l.created_block, l.created_log_index"
            ),
            &params,
            borrower_position,
        )?;
        if registration.is_none() && positions.is_empty() {
            return Ok(None);
        }
        let defaults = self.collect(
            &format!("SELECT {DEFAULT_COLUMNS} FROM defaults WHERE borrower = :who ORDER BY block_number, log_index"),
            &params,
            default_record,
        )?;
        Ok(Some(BorrowerDetail { address, registration, positions, defaults, history: self.history(address)? }))
    }

    /// Every borrower position in repayment (principal taken, neither repaid nor defaulted): what a keeper
    /// watches for defaults, oldest first.
    pub fn positions_in_repayment(&self) -> Result<Vec<BorrowerPosition>> {
        let positions = self.collect(
            &format!(
                "SELECT {BORROWER_COLUMNS} FROM borrower_positions p JOIN loans l ON l.address = p.loan
                 WHERE p.defaulted = 0 AND p.disbursed != '0' ORDER BY l.created_block, l.created_log_index, p.borrower"
            ),
            &[],
            borrower_position,
        )?;
        Ok(positions.into_iter().filter(|p| p.status == BorrowerStatus::Active).collect())
    }

    /// The lender at `address`: positions across loans (with each loan's asset and status) and history; `None`
    /// if they hold no position in the index.
    pub fn lender(&self, address: Address) -> Result<Option<LenderDetail>> {
        let now = self.now()?;
        let who = key(address);
        let params: [(&str, &dyn ToSql); 2] = [(":now", &now), (":who", &who)];
        let positions = self.collect(
            &format!(
                "SELECT p.loan, p.lender, p.invested, p.withdrawn, p.refunded, p.first_block, l.asset, {STATUS}
                 FROM lender_positions p JOIN loans l ON l.address = p.loan
                 WHERE p.lender = :who ORDER BY l.created_block, l.created_log_index"
            ),
            &params,
            |row| {
                let status: String = row.get(7)?;
                Ok(LenderLoan {
                    position: lender_position(row)?,
                    asset: addr_at(row, 6)?,
                    status: LoanStatus::parse(&status).unwrap_or(LoanStatus::Open),
                })
            },
        )?;
        if positions.is_empty() {
            return Ok(None);
        }
        Ok(Some(LenderDetail { address, positions, history: self.history(address)? }))
    }

    /// The market at a glance, defaults bucketed by `bucket`.
    pub fn market(&self, bucket: Bucket) -> Result<Market> {
        let now = self.now()?;
        let count =
            |sql: &str| -> Result<u64> { Ok(self.connection.query_row(sql, [], |row| row.get::<_, i64>(0))? as u64) };
        let mut by_status = StatusCounts::default();
        let now_param: [(&str, &dyn ToSql); 1] = [(":now", &now)];
        for (status, n) in self.collect(
            &format!("SELECT {STATUS} AS status, count(*) FROM loans GROUP BY status"),
            &now_param,
            |row| Ok((row.get::<_, String>(0)?, number(row, 1)?)),
        )? {
            if let Some(status) = LoanStatus::parse(&status) {
                by_status.add(status, n);
            }
        }
        let mut volumes: BTreeMap<Address, AssetVolume> = BTreeMap::new();
        for (asset, invested, disbursed, repaid) in
            self.collect("SELECT asset, invested, disbursed, repaid FROM loans", &[], |row| {
                Ok((addr_at(row, 0)?, row.get::<_, Amount>(1)?, row.get::<_, Amount>(2)?, row.get::<_, Amount>(3)?))
            })?
        {
            let v = volume(&mut volumes, asset);
            v.loans += 1;
            v.invested.0 += invested.0;
            v.disbursed.0 += disbursed.0;
            v.repaid.0 += repaid.0;
        }
        for (asset, arrears) in
            self.collect("SELECT l.asset, d.arrears FROM defaults d JOIN loans l ON l.address = d.loan", &[], |row| {
                Ok((addr_at(row, 0)?, row.get::<_, Amount>(1)?))
            })?
        {
            volume(&mut volumes, asset).defaulted_arrears.0 += arrears.0;
        }
        let width = bucket.seconds() as i64;
        let width_param: [(&str, &dyn ToSql); 1] = [(":width", &width)];
        let defaults_over_time = self.collect(
            "SELECT (block_timestamp / :width) * :width AS start, count(*) FROM defaults GROUP BY start ORDER BY start",
            &width_param,
            |row| Ok(DefaultBucket { start: number(row, 0)?, defaults: number(row, 1)? }),
        )?;
        Ok(Market {
            loans: count("SELECT count(*) FROM loans")?,
            by_status,
            volumes: volumes.into_values().collect(),
            registrations: count("SELECT count(*) FROM borrowers")?,
            lenders: count("SELECT count(DISTINCT lender) FROM lender_positions")?,
            borrowers: count("SELECT count(DISTINCT borrower) FROM borrower_positions")?,
            defaults: count("SELECT count(*) FROM defaults")?,
            bucket_seconds: bucket.seconds(),
            defaults_over_time,
        })
    }

    /// The score model's events and where it stands.
    pub fn model_history(&self) -> Result<ModelHistory> {
        let optional = |row: &Row<'_>, index| row.get::<_, Option<i64>>(index).map(|v| v.map(|v| v as u64));
        let events = self.collect(
            "SELECT block_number, log_index, block_timestamp, kind, size, k, point, buffered, chunk, points,
                chunk_index, borrower
             FROM model_events ORDER BY block_number, log_index",
            &[],
            |row| {
                let kind: String = row.get(3)?;
                Ok(ModelEvent {
                    block_number: number(row, 0)?,
                    log_index: number(row, 1)?,
                    block_timestamp: number(row, 2)?,
                    kind: ModelEventKind::parse(&kind).ok_or(rusqlite::Error::InvalidColumnType(
                        3,
                        "kind".into(),
                        rusqlite::types::Type::Text,
                    ))?,
                    size: optional(row, 4)?,
                    k: optional(row, 5)?,
                    point: row.get(6)?,
                    buffered: optional(row, 7)?,
                    chunk: row.get::<_, Option<Addr>>(8)?.map(|a| a.0),
                    points: optional(row, 9)?,
                    chunk_index: optional(row, 10)?,
                    borrower: row.get::<_, Option<Addr>>(11)?.map(|a| a.0),
                })
            },
        )?;
        let count = |kind| events.iter().filter(|e| e.kind == kind).count() as u64;
        Ok(ModelHistory {
            size: events.iter().rev().find_map(|e| e.size),
            k: events.iter().rev().find_map(|e| e.k),
            publications: count(ModelEventKind::Published),
            rotations: count(ModelEventKind::Rotated),
            points_recorded: count(ModelEventKind::PointRecorded),
            events,
        })
    }
}
