//! The UCI "default of credit card clients" data (Taiwan, 2005): the embedded CSV and a strict parser.
//!
//! Each client has a credit limit, four demographic codes, and six months (April to September 2005) of
//! repayment status, bill amount and amount paid; the label is default on the October payment. The file
//! lists the months newest first (`PAY_0` = September); [`Client`] keeps them oldest first, the order in
//! which the cold-start replay walks them. Values may be written in scientific notation (`1.00E+05`);
//! every value must be a whole number.

use thiserror::Error;

/// `data/taiwan_credit_default/UCI_Credit_Card.csv` (30,000 clients, 6,636 defaults), embedded at compile time.
pub const TAIWAN_CSV: &str = include_str!("../../../data/taiwan_credit_default/UCI_Credit_Card.csv");

/// Months of history per client.
pub const MONTHS: usize = 6;

/// The header the file must have, column for column.
pub const HEADER: [&str; 25] = [
    "ID",
    "LIMIT_BAL",
    "SEX",
    "EDUCATION",
    "MARRIAGE",
    "AGE",
    "PAY_0",
    "PAY_2",
    "PAY_3",
    "PAY_4",
    "PAY_5",
    "PAY_6",
    "BILL_AMT1",
    "BILL_AMT2",
    "BILL_AMT3",
    "BILL_AMT4",
    "BILL_AMT5",
    "BILL_AMT6",
    "PAY_AMT1",
    "PAY_AMT2",
    "PAY_AMT3",
    "PAY_AMT4",
    "PAY_AMT5",
    "PAY_AMT6",
    "target",
];

/// Raw columns a model may use: the 23 attributes between `ID` and `target`.
pub const RAW_COLUMNS: usize = 23;

/// One client, months oldest (April) first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Client {
    /// `ID`.
    pub id: u32,
    /// `LIMIT_BAL`: credit limit, NT dollars.
    pub limit: i64,
    /// `SEX`, `EDUCATION`, `MARRIAGE` codes, `AGE` in years.
    pub demographics: [i64; 4],
    /// Repayment status per month (`PAY_6` .. `PAY_0`): −2 no balance, −1 paid duly, 0 revolving (minimum
    /// paid), 1..9 months of delay.
    pub status: [i64; MONTHS],
    /// Bill statement per month (`BILL_AMT6` .. `BILL_AMT1`); can be negative (a credit balance).
    pub bill: [i64; MONTHS],
    /// Amount paid per month (`PAY_AMT6` .. `PAY_AMT1`), against the previous month's bill.
    pub paid: [i64; MONTHS],
}

impl Client {
    /// The 23 raw attributes in file order (as a baseline model sees them).
    pub fn raw(&self) -> [f64; RAW_COLUMNS] {
        let mut row = [0.0; RAW_COLUMNS];
        row[0] = self.limit as f64;
        for (i, v) in self.demographics.iter().enumerate() {
            row[1 + i] = *v as f64;
        }
        for m in 0..MONTHS {
            // The file's order is newest first.
            row[5 + m] = self.status[MONTHS - 1 - m] as f64;
            row[11 + m] = self.bill[MONTHS - 1 - m] as f64;
            row[17 + m] = self.paid[MONTHS - 1 - m] as f64;
        }
        row
    }
}

/// The clients and whether each defaulted in October.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaiwanData {
    /// Clients in file order.
    pub clients: Vec<Client>,
    /// `target`: `true` = defaulted on the next (October) payment.
    pub defaulted: Vec<bool>,
}

/// A malformed file. Lines and columns are 1-based (line 1 is the header).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum TaiwanError {
    /// The first line is not the expected header.
    #[error("line 1: header {found:?} is not the UCI_Credit_Card.csv header")]
    Header {
        /// The line as read.
        found: String,
    },
    /// A row does not have 25 fields.
    #[error("line {line}: {found} fields, expected 25")]
    FieldCount {
        /// Line number.
        line: usize,
        /// Fields found.
        found: usize,
    },
    /// A field is not a whole number (plain or in scientific notation).
    #[error("line {line}, column {column} ({name}): {value:?} is not a whole number")]
    NotWhole {
        /// Line number.
        line: usize,
        /// Column number.
        column: usize,
        /// Column name.
        name: &'static str,
        /// The field.
        value: String,
    },
    /// A field is a number outside what its column allows.
    #[error("line {line}, column {column} ({name}): {value} is out of range ({allowed})")]
    OutOfRange {
        /// Line number.
        line: usize,
        /// Column number.
        column: usize,
        /// Column name.
        name: &'static str,
        /// The value.
        value: i64,
        /// What the column allows.
        allowed: &'static str,
    },
    /// No data rows.
    #[error("no data rows")]
    Empty,
}

/// Largest magnitude accepted for an amount (NT dollars): far above any real bill, far below i64 and the
/// ledger's 120-bit sums once scaled.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000;

fn whole(line: usize, column: usize, field: &str) -> Result<i64, TaiwanError> {
    let name = HEADER[column - 1];
    let bad = || TaiwanError::NotWhole { line, column, name, value: field.into() };
    if let Ok(v) = field.parse::<i64>() {
        return Ok(v);
    }
    // Spreadsheet notation (`1.00E+05`): parse as a float, accept only exact whole numbers in range.
    let v: f64 = field.parse().map_err(|_| bad())?;
    if !v.is_finite() || v.fract() != 0.0 || v.abs() > MAX_AMOUNT as f64 {
        return Err(bad());
    }
    Ok(v as i64)
}

fn check(line: usize, column: usize, value: i64, range: (i64, i64), allowed: &'static str) -> Result<i64, TaiwanError> {
    if (range.0..=range.1).contains(&value) {
        Ok(value)
    } else {
        Err(TaiwanError::OutOfRange { line, column, name: HEADER[column - 1], value, allowed })
    }
}

/// Parse one data line (`line` is its 1-based number).
pub fn parse_row(line: usize, raw: &str) -> Result<(Client, bool), TaiwanError> {
    let fields: Vec<&str> = raw.split(',').map(str::trim).collect();
    if fields.len() != HEADER.len() {
        return Err(TaiwanError::FieldCount { line, found: fields.len() });
    }
    let mut v = [0i64; 25];
    for (i, field) in fields.iter().enumerate() {
        v[i] = whole(line, i + 1, field)?;
    }
    let amount = (-MAX_AMOUNT, MAX_AMOUNT);
    let id = check(line, 1, v[0], (1, i64::from(u32::MAX)), "1 to 2^32 - 1")? as u32;
    let limit = check(line, 2, v[1], (0, MAX_AMOUNT), "0 to 10^12")?;
    let demographics = [
        check(line, 3, v[2], (1, 2), "1 or 2")?,
        check(line, 4, v[3], (0, 6), "0 to 6")?,
        check(line, 5, v[4], (0, 3), "0 to 3")?,
        check(line, 6, v[5], (0, 150), "0 to 150")?,
    ];
    let mut client = Client { id, limit, demographics, status: [0; MONTHS], bill: [0; MONTHS], paid: [0; MONTHS] };
    for m in 0..MONTHS {
        // Column of the month `m` (oldest first) in each block of six (newest first).
        let newest_first = MONTHS - 1 - m;
        client.status[m] = check(line, 7 + newest_first, v[6 + newest_first], (-2, 9), "-2 to 9")?;
        client.bill[m] = check(line, 13 + newest_first, v[12 + newest_first], amount, "|x| <= 10^12")?;
        client.paid[m] = check(line, 19 + newest_first, v[18 + newest_first], (0, MAX_AMOUNT), "0 to 10^12")?;
    }
    let defaulted = check(line, 25, v[24], (0, 1), "0 or 1")? == 1;
    Ok((client, defaulted))
}

/// Parse the whole file (CRLF or LF), stopping at the first bad row; blank lines are skipped.
pub fn parse(text: &str) -> Result<TaiwanData, TaiwanError> {
    let mut lines = text.lines();
    let header = lines.next().unwrap_or("").trim_end_matches('\r');
    if header.split(',').map(str::trim).ne(HEADER) {
        return Err(TaiwanError::Header { found: header.into() });
    }
    let mut data = TaiwanData { clients: Vec::new(), defaulted: Vec::new() };
    for (i, raw) in lines.enumerate() {
        let raw = raw.trim_end_matches('\r');
        if raw.trim().is_empty() {
            continue;
        }
        let (client, defaulted) = parse_row(i + 2, raw)?;
        data.clients.push(client);
        data.defaulted.push(defaulted);
    }
    if data.clients.is_empty() {
        return Err(TaiwanError::Empty);
    }
    Ok(data)
}

/// The embedded file, parsed (it is checked by this crate's tests).
pub fn taiwan_credit() -> TaiwanData {
    parse(TAIWAN_CSV).expect("the embedded Taiwan credit file parses")
}

/// SHA-256 of the embedded file, lowercase hex (recorded in model files built from it).
pub fn taiwan_sha256() -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(TAIWAN_CSV.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER_LINE: &str = "ID,LIMIT_BAL,SEX,EDUCATION,MARRIAGE,AGE,PAY_0,PAY_2,PAY_3,PAY_4,PAY_5,PAY_6,BILL_AMT1,\
BILL_AMT2,BILL_AMT3,BILL_AMT4,BILL_AMT5,BILL_AMT6,PAY_AMT1,PAY_AMT2,PAY_AMT3,PAY_AMT4,PAY_AMT5,PAY_AMT6,target";
    const ROW: &str = "1,2.00E+04,2,2,1,24,2,2,-1,-1,-2,-2,3913,3102,689,0,0,0,0,689,0,0,0,0,1";

    fn file(rows: &[&str]) -> String {
        std::iter::once(HEADER_LINE).chain(rows.iter().copied()).collect::<Vec<_>>().join("\r\n") + "\r\n"
    }

    #[test]
    fn the_embedded_file_has_the_documented_counts() {
        let data = taiwan_credit();
        assert_eq!(data.clients.len(), 30_000);
        assert_eq!(data.defaulted.iter().filter(|d| **d).count(), 6_636);
        assert!(data.clients.iter().enumerate().all(|(i, c)| c.id as usize == i + 1));
        // Row 1, months oldest first: PAY_6 .. PAY_0 = -2 -2 -1 -1 2 2.
        let first = data.clients[0];
        assert_eq!(first.limit, 20_000);
        assert_eq!(first.status, [-2, -2, -1, -1, 2, 2]);
        assert_eq!(first.bill, [0, 0, 0, 689, 3102, 3913]);
        assert_eq!(first.paid, [0, 0, 0, 0, 689, 0]);
        assert_eq!(first.raw()[..6], [20_000.0, 2.0, 2.0, 1.0, 24.0, 2.0]);
        // The bytes the data README records (CRLF kept by its .gitattributes).
        assert_eq!(taiwan_sha256(), "0311596a909804e7727c39c89659d1e7d4b0a0509a2c5e6019aa680ed0500847");
    }

    #[test]
    fn scientific_notation_is_accepted_only_for_whole_numbers() {
        let data = parse(&file(&[ROW])).unwrap();
        assert_eq!(data.clients[0].limit, 20_000);
        let fractional = ROW.replace("2.00E+04", "2.5E-1");
        let error = parse(&file(&[ROW, &fractional])).unwrap_err();
        assert_eq!(error, TaiwanError::NotWhole { line: 3, column: 2, name: "LIMIT_BAL", value: "2.5E-1".into() });
        assert_eq!(error.to_string(), "line 3, column 2 (LIMIT_BAL): \"2.5E-1\" is not a whole number");
    }

    #[test]
    fn malformed_rows_are_rejected_naming_the_row() {
        let short = ROW.rsplit_once(',').unwrap().0;
        assert_eq!(parse(&file(&[ROW, short])).unwrap_err(), TaiwanError::FieldCount { line: 3, found: 24 });
        let bad_target = format!("{short},2");
        assert!(matches!(
            parse(&file(&[&bad_target])).unwrap_err(),
            TaiwanError::OutOfRange { line: 2, column: 25, value: 2, .. }
        ));
        let bad_status = ROW.replacen(",2,2,-1", ",2,12,-1", 1);
        let error = parse(&file(&[&bad_status])).unwrap_err();
        assert!(matches!(error, TaiwanError::OutOfRange { line: 2, column: 8, name: "PAY_2", value: 12, .. }));
        let text = ROW.replace(",3913,", ",n/a,");
        assert!(matches!(parse(&file(&[&text])).unwrap_err(), TaiwanError::NotWhole { column: 13, .. }));
        assert!(matches!(parse("ID,LIMIT\r\n1,2\r\n").unwrap_err(), TaiwanError::Header { .. }));
        assert_eq!(parse(&file(&[])).unwrap_err(), TaiwanError::Empty);
    }
}
