//! The UCI Statlog German Credit data: the column schema, the embedded file, and a strict parser.
//!
//! A row is 20 space-separated attributes in the UCI coding (`A11 6 A34 ...`), optionally followed by
//! the class (`1` = good, `2` = bad). Categorical attributes are kept as the index of their code in
//! the documented list; numeric ones as integers.

use thiserror::Error;

/// The file `data/german_credit/german.data` (1,000 rows, 700 good and 300 bad), embedded at compile time.
pub const GERMAN_DATA: &str = include_str!("../../../data/german_credit/german.data");

/// Number of attributes per applicant.
pub const ATTRIBUTES: usize = 20;

/// What an attribute holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One of the listed UCI codes; the second list holds the codes documented as never occurring
    /// (they parse, and one-hot encode to all zeros).
    Categorical(&'static [&'static str], &'static [&'static str]),
    /// A non-negative integer.
    Numeric,
}

/// One attribute of the UCI schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attribute {
    /// A short name (`checking_status`).
    pub name: &'static str,
    /// Its kind and codes.
    pub kind: Kind,
}

const fn cat(name: &'static str, codes: &'static [&'static str], absent: &'static [&'static str]) -> Attribute {
    Attribute { name, kind: Kind::Categorical(codes, absent) }
}

const fn num(name: &'static str) -> Attribute {
    Attribute { name, kind: Kind::Numeric }
}

/// The 20 attributes in file order (UCI `german.doc`; see `data/german_credit/README.md`).
pub const SCHEMA: [Attribute; ATTRIBUTES] = [
    cat("checking_status", &["A11", "A12", "A13", "A14"], &[]),
    num("duration_months"),
    cat("credit_history", &["A30", "A31", "A32", "A33", "A34"], &[]),
    cat("purpose", &["A40", "A41", "A42", "A43", "A44", "A45", "A46", "A48", "A49", "A410"], &["A47"]),
    num("credit_amount"),
    cat("savings", &["A61", "A62", "A63", "A64", "A65"], &[]),
    cat("employment_since", &["A71", "A72", "A73", "A74", "A75"], &[]),
    num("installment_rate_pct"),
    cat("personal_status_sex", &["A91", "A92", "A93", "A94"], &["A95"]),
    cat("other_debtors", &["A101", "A102", "A103"], &[]),
    num("residence_since"),
    cat("property", &["A121", "A122", "A123", "A124"], &[]),
    num("age_years"),
    cat("other_installment_plans", &["A141", "A142", "A143"], &[]),
    cat("housing", &["A151", "A152", "A153"], &[]),
    num("existing_credits"),
    cat("job", &["A171", "A172", "A173", "A174"], &[]),
    num("num_dependents"),
    cat("telephone", &["A191", "A192"], &[]),
    cat("foreign_worker", &["A201", "A202"], &[]),
];

/// Value of a categorical attribute whose code is documented but never occurs (encoded as all zeros).
pub const ABSENT_LEVEL: u32 = u32::MAX;

/// One applicant: for a categorical attribute, the index of its code in [`Kind::Categorical`]'s first
/// list (or [`ABSENT_LEVEL`]); for a numeric one, its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applicant(pub [u32; ATTRIBUTES]);

/// Applicants and, where the file had them, their classes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dataset {
    /// The applicants, in file order.
    pub applicants: Vec<Applicant>,
    /// `true` = good (class 1), `false` = bad (class 2); empty if the file had no class column.
    pub good: Vec<bool>,
}

/// Whether the class column must, may or must not be present.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Labels {
    /// Every row has 21 fields.
    Required,
    /// Every row has 20 or 21 fields, all rows alike.
    Optional,
}

/// A malformed row. Lines and columns are 1-based.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DataError {
    /// The row does not have the expected number of fields.
    #[error("line {line}: {found} fields, expected {expected}")]
    FieldCount {
        /// Line number.
        line: usize,
        /// Fields found.
        found: usize,
        /// Fields expected (e.g. "21" or "20 or 21").
        expected: String,
    },
    /// A categorical field holds a code that is not in the UCI coding of its attribute.
    #[error("line {line}, column {column} ({attribute}): unknown code {value:?}")]
    UnknownCode {
        /// Line number.
        line: usize,
        /// Column number.
        column: usize,
        /// Attribute name.
        attribute: &'static str,
        /// The field.
        value: String,
    },
    /// A numeric field is not a non-negative integer.
    #[error("line {line}, column {column} ({attribute}): {value:?} is not a non-negative integer")]
    NotNumeric {
        /// Line number.
        line: usize,
        /// Column number.
        column: usize,
        /// Attribute name.
        attribute: &'static str,
        /// The field.
        value: String,
    },
    /// The class field is neither 1 nor 2.
    #[error("line {line}, column 21 (class): {value:?} is neither 1 (good) nor 2 (bad)")]
    BadClass {
        /// Line number.
        line: usize,
        /// The field.
        value: String,
    },
    /// Some rows have the class column and others do not.
    #[error("line {line}: has {found} fields but earlier rows have {earlier}")]
    MixedLabels {
        /// Line number.
        line: usize,
        /// Fields on this line.
        found: usize,
        /// Fields on earlier lines.
        earlier: usize,
    },
    /// No rows at all.
    #[error("no rows")]
    Empty,
}

/// Parse one field of attribute `index` (0-based) on `line`.
fn parse_field(line: usize, index: usize, field: &str) -> Result<u32, DataError> {
    let attribute = SCHEMA[index];
    match attribute.kind {
        Kind::Categorical(codes, absent) => {
            if let Some(level) = codes.iter().position(|c| *c == field) {
                Ok(level as u32)
            } else if absent.contains(&field) {
                Ok(ABSENT_LEVEL)
            } else {
                Err(DataError::UnknownCode { line, column: index + 1, attribute: attribute.name, value: field.into() })
            }
        }
        Kind::Numeric => field.parse::<u32>().map_err(|_| DataError::NotNumeric {
            line,
            column: index + 1,
            attribute: attribute.name,
            value: field.into(),
        }),
    }
}

/// The fields of one line: separated by spaces, tabs or commas.
fn fields(raw: &str) -> Vec<&str> {
    raw.split(|c: char| c.is_whitespace() || c == ',').filter(|f| !f.is_empty()).collect()
}

/// Parse line number `line` (1-based). `Ok(None)` for a blank line; otherwise the applicant and, if the
/// line has the class column, its class.
pub fn parse_line(line: usize, raw: &str, labels: Labels) -> Result<Option<(Applicant, Option<bool>)>, DataError> {
    let fields = fields(raw);
    if fields.is_empty() {
        return Ok(None);
    }
    let ok = match labels {
        Labels::Required => fields.len() == ATTRIBUTES + 1,
        Labels::Optional => fields.len() == ATTRIBUTES || fields.len() == ATTRIBUTES + 1,
    };
    if !ok {
        let expected = match labels {
            Labels::Required => (ATTRIBUTES + 1).to_string(),
            Labels::Optional => format!("{ATTRIBUTES} or {}", ATTRIBUTES + 1),
        };
        return Err(DataError::FieldCount { line, found: fields.len(), expected });
    }
    let mut values = [0u32; ATTRIBUTES];
    for (index, field) in fields.iter().take(ATTRIBUTES).enumerate() {
        values[index] = parse_field(line, index, field)?;
    }
    let class = match fields.get(ATTRIBUTES) {
        None => None,
        Some(&"1") => Some(true),
        Some(&"2") => Some(false),
        Some(other) => return Err(DataError::BadClass { line, value: (*other).into() }),
    };
    Ok(Some((Applicant(values), class)))
}

/// Parse a file in the UCI coding, stopping at the first bad row. Blank lines are skipped (but counted
/// for line numbers); all rows must agree on having the class column.
pub fn parse(text: &str, labels: Labels) -> Result<Dataset, DataError> {
    let mut data = Dataset { applicants: Vec::new(), good: Vec::new() };
    let mut labelled: Option<bool> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let Some((applicant, class)) = parse_line(line, raw, labels)? else { continue };
        match labelled {
            Some(earlier) if earlier != class.is_some() => {
                let width = |l: bool| ATTRIBUTES + usize::from(l);
                return Err(DataError::MixedLabels { line, found: width(class.is_some()), earlier: width(earlier) });
            }
            _ => labelled = Some(class.is_some()),
        }
        data.applicants.push(applicant);
        data.good.extend(class);
    }
    if data.applicants.is_empty() {
        return Err(DataError::Empty);
    }
    Ok(data)
}

/// The embedded German credit data set (1,000 labelled applicants).
pub fn german_credit() -> Dataset {
    parse(GERMAN_DATA, Labels::Required).expect("the embedded german.data parses")
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROW: &str = "A11 6 A34 A43 1169 A65 A75 4 A93 A101 4 A121 67 A143 A152 2 A173 1 A192 A201";

    #[test]
    fn embedded_data_has_700_good_and_300_bad() {
        let data = german_credit();
        assert_eq!(data.applicants.len(), 1000);
        assert_eq!(data.good.iter().filter(|g| **g).count(), 700);
        assert_eq!(data.applicants[0].0[1], 6);
        assert_eq!(data.applicants[0].0[4], 1169);
    }

    #[test]
    fn wrong_field_count_names_the_line() {
        let text = format!("{ROW} 1\n{ROW}\n");
        assert_eq!(
            parse(&text, Labels::Required),
            Err(DataError::FieldCount { line: 2, found: 20, expected: "21".into() })
        );
        assert!(matches!(
            parse(&format!("{ROW} 1\n\n{ROW}\n"), Labels::Optional),
            Err(DataError::MixedLabels { line: 3, .. })
        ));
    }

    #[test]
    fn unknown_code_names_line_and_column() {
        let text = format!("{ROW} 1\n{}", ROW.replace("A43", "A99"));
        let error = parse(&text, Labels::Optional).unwrap_err();
        assert_eq!(error, DataError::UnknownCode { line: 2, column: 4, attribute: "purpose", value: "A99".into() });
        assert_eq!(error.to_string(), "line 2, column 4 (purpose): unknown code \"A99\"");
    }

    #[test]
    fn non_numeric_names_line_and_column() {
        let error = parse(&ROW.replace("1169", "12x"), Labels::Optional).unwrap_err();
        assert_eq!(
            error,
            DataError::NotNumeric { line: 1, column: 5, attribute: "credit_amount", value: "12x".into() }
        );
        assert!(matches!(parse(&format!("{ROW} 3"), Labels::Optional), Err(DataError::BadClass { line: 1, .. })));
        assert_eq!(parse("\n", Labels::Optional), Err(DataError::Empty));
    }

    #[test]
    fn documented_but_absent_codes_parse() {
        let data = parse(&ROW.replace("A43", "A47"), Labels::Optional).unwrap();
        assert_eq!(data.applicants[0].0[3], ABSENT_LEVEL);
        assert!(data.good.is_empty());
    }
}
