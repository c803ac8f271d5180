//! What the queries return: plain structs an API serialises as they are (camelCase JSON, amounts as decimal
//! strings), and the loan and position statuses with the rules that derive them from the contracts' state.

use alloy_primitives::U256;
use serde::Serialize;

mod loans;
mod market;
mod parties;

pub use loans::{LoanDetail, LoanFilter, LoanPage, LoanStatus, LoanSummary, Terms};
pub use market::{
    AssetVolume, Bucket, DefaultBucket, IndexStatus, Market, ModelEvent, ModelEventKind, ModelHistory, StatusCounts,
};
pub use parties::{
    BorrowerDetail, BorrowerPosition, BorrowerStatus, DefaultRecord, EventRecord, LenderDetail, LenderLoan,
    LenderPosition, Registration,
};

/// An amount of a loan's asset in base units. Serialised as a decimal string: a U256 does not fit a JSON number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Amount(pub U256);

impl Serialize for Amount {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Amount {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some("^[0-9]+$"))
            .description(Some("An amount in the asset's base units, as a decimal string"))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Amount {}

impl std::fmt::Display for Amount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(all(test, feature = "openapi"))]
mod tests {
    use utoipa::PartialSchema;

    #[test]
    fn the_openapi_schema_says_what_the_json_is() {
        let schema = serde_json::to_value(super::LoanSummary::schema()).unwrap();
        assert_eq!(schema["properties"]["address"]["type"], "string");
        assert_eq!(schema["properties"]["createdBlock"]["type"], "integer");
        assert_eq!(schema["properties"]["invested"]["$ref"], "#/components/schemas/Amount");
        let amount = serde_json::to_value(super::Amount::schema()).unwrap();
        assert_eq!(amount["type"], "string");
    }
}
