//! Refusals of the JSON API: a status, a message, and the request field at fault when there is one, so
//! a client can point at the form input that needs fixing. A refused request changes nothing.

use alloy_primitives::{Address, U256};
use axum::{Json, http::StatusCode, response::IntoResponse};
use serde::Serialize;
use utoipa::ToSchema;

use crate::ApiError;

/// What a refused or failed request gets back.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, serde::Deserialize, ToSchema)]
#[serde(rename_all = "camelCase")]
pub struct ProblemBody {
    /// What went wrong, for a person.
    pub error: String,
    /// The request field at fault (a query parameter, a path segment or a body field).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// A refusal (4xx) or a failure (5xx) with its body.
#[derive(Debug)]
pub struct Problem(pub StatusCode, pub ProblemBody);

/// The API's results.
pub type ApiResult<T> = Result<T, Problem>;

impl Problem {
    /// 400: `field` is malformed.
    pub fn bad_field(field: &str, error: impl std::fmt::Display) -> Self {
        Self(StatusCode::BAD_REQUEST, ProblemBody { error: format!("{field}: {error}"), field: Some(field.into()) })
    }

    /// 404: nothing is known at `field`'s value.
    pub fn not_found(field: &str, error: impl std::fmt::Display) -> Self {
        Self(StatusCode::NOT_FOUND, ProblemBody { error: error.to_string(), field: Some(field.into()) })
    }

    /// 409: well-formed, but the protocol refused it (a contract's custom error, the notary's refusal).
    pub fn refused(error: impl std::fmt::Display) -> Self {
        Self(StatusCode::CONFLICT, ProblemBody { error: error.to_string(), field: None })
    }

    /// 500/502: our side failed.
    pub fn failed(status: StatusCode, error: impl std::fmt::Display) -> Self {
        Self(status, ProblemBody { error: error.to_string(), field: None })
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> axum::response::Response {
        (self.0, Json(self.1)).into_response()
    }
}

impl From<ApiError> for Problem {
    fn from(error: ApiError) -> Self {
        Self(error.0, ProblemBody { error: error.1, field: None })
    }
}

impl From<aloe_identity::Error> for Problem {
    fn from(error: aloe_identity::Error) -> Self {
        ApiError::from(error).into()
    }
}

impl From<aloe_contracts::Error> for Problem {
    fn from(error: aloe_contracts::Error) -> Self {
        match error.revert_name() {
            Some(name) => Self::refused(format!("the contract refused: {name}")),
            None => Self::failed(StatusCode::BAD_GATEWAY, error),
        }
    }
}

impl From<aloe_chain::Error> for Problem {
    fn from(error: aloe_chain::Error) -> Self {
        Self::failed(StatusCode::BAD_GATEWAY, error)
    }
}

impl From<aloe_index::Error> for Problem {
    fn from(error: aloe_index::Error) -> Self {
        Self::failed(StatusCode::INTERNAL_SERVER_ERROR, error)
    }
}

/// `text` as an address, or a 400 naming `field`.
pub fn address(field: &str, text: &str) -> ApiResult<Address> {
    text.trim().parse().map_err(|_| Problem::bad_field(field, format!("{text:?} is not a 0x-prefixed 20-byte address")))
}

/// `text` as a positive amount in base units (wei: a decimal integer, as the API writes amounts), or a 400
/// naming `field`.
pub fn wei(field: &str, text: &str) -> ApiResult<U256> {
    let refuse = |why: &str| Problem::bad_field(field, format!("{text:?} {why}"));
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(refuse("is not an amount in wei (a decimal integer)"));
    }
    let value = U256::from_str_radix(text, 10).map_err(|_| refuse("is too large"))?;
    if value.is_zero() {
        return Err(refuse("must be more than zero"));
    }
    Ok(value)
}

/// `text` as an amount in whole units with up to 18 decimals ("1.5" ether, as a person types it in a
/// form), or a 400 naming `field`.
pub fn ether(field: &str, text: &str) -> ApiResult<U256> {
    let refuse = |why: &str| Problem::bad_field(field, format!("{text:?} {why}"));
    let text = text.trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !(fraction.is_empty() || digits(fraction)) {
        return Err(refuse("is not a decimal amount such as 1.5"));
    }
    if fraction.len() > 18 {
        return Err(refuse("has more than 18 decimals"));
    }
    let scaled = format!("{whole}{fraction:0<18}");
    let value = U256::from_str_radix(&scaled, 10).map_err(|_| refuse("is too large"))?;
    if value.is_zero() {
        return Err(refuse("must be more than zero"));
    }
    Ok(value)
}

/// `value` in whole units with 18 decimals, trailing zeros dropped ("1.5").
pub fn format_amount(value: U256) -> String {
    let unit = U256::from(10u64).pow(U256::from(18));
    let (whole, fraction) = (value / unit, value % unit);
    if fraction.is_zero() {
        return whole.to_string();
    }
    let fraction = format!("{:0>18}", fraction.to_string());
    format!("{whole}.{}", fraction.trim_end_matches('0'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_parse_as_18_decimal_units_and_refusals_name_the_field() {
        assert_eq!(ether("amount", "1.5").unwrap(), U256::from(15u64) * U256::from(10u64).pow(U256::from(17)));
        assert_eq!(ether("amount", "2").unwrap(), U256::from(2u64) * U256::from(10u64).pow(U256::from(18)));
        assert_eq!(format_amount(ether("amount", "0.000000000000000001").unwrap()), "0.000000000000000001");
        assert_eq!(format_amount(ether("amount", "12.340").unwrap()), "12.34");
        for bad in ["", "abc", "-1", "1.2.3", "1e18", "0", "0.0", ".5", "1.0000000000000000001", &"9".repeat(90)] {
            let Problem(status, body) = ether("amount", bad).unwrap_err();
            assert_eq!(status, StatusCode::BAD_REQUEST, "{bad:?}");
            assert_eq!(body.field.as_deref(), Some("amount"), "{bad:?}");
        }
        assert_eq!(wei("amount", "1500").unwrap(), U256::from(1500));
        for bad in ["", "1.5", "-1", "0", "0x10", &"9".repeat(90)] {
            assert_eq!(wei("amount", bad).unwrap_err().1.field.as_deref(), Some("amount"), "{bad:?}");
        }
        assert_eq!(address("lender", "0x12").unwrap_err().1.field.as_deref(), Some("lender"));
    }
}
