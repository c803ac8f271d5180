//! Request bodies and query strings read so that a refusal names the field: a JSON body through
//! `serde_path_to_error`, a query string through `serde_urlencoded` with the same treatment.

use axum::{
    extract::{FromRequest, FromRequestParts, Request},
    http::{StatusCode, request::Parts},
};
use serde::de::DeserializeOwned;

use super::problem::{Problem, ProblemBody};

/// A JSON body of type `T`.
#[derive(Debug)]
pub struct Body<T>(pub T);

/// A query string of type `T`.
#[derive(Debug)]
pub struct Params<T>(pub T);

/// The field a deserialisation error is about: its path, or the field named as missing or unknown.
fn refusal(path: String, error: String) -> Problem {
    let named = ["missing field `", "unknown field `", "duplicate field `"]
        .iter()
        .find_map(|prefix| error.split_once(prefix).and_then(|(_, rest)| rest.split_once('`')).map(|(f, _)| f));
    let field = match named {
        Some(name) if path == "." || path.is_empty() => name.to_owned(),
        Some(name) if path == name || path.ends_with(&format!(".{name}")) => path,
        Some(name) => format!("{path}.{name}"),
        None if path == "." || path.is_empty() => String::new(),
        None => path,
    };
    let error = if field.is_empty() { error } else { format!("{field}: {error}") };
    Problem(StatusCode::BAD_REQUEST, ProblemBody { error, field: (!field.is_empty()).then_some(field) })
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = Problem;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let json = request
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"));
        if !json {
            return Err(Problem(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ProblemBody { error: "the body must be JSON (content-type: application/json)".into(), field: None },
            ));
        }
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|e| Problem::failed(StatusCode::BAD_REQUEST, e.body_text()))?;
        let mut deserializer = serde_json::Deserializer::from_slice(&bytes);
        serde_path_to_error::deserialize(&mut deserializer)
            .map(Body)
            .map_err(|e| refusal(e.path().to_string(), e.inner().to_string()))
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Params<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(deserializer)
            .map(Params)
            .map_err(|e| refusal(e.path().to_string(), e.inner().to_string()))
    }
}

/// A JSON number that is a whole number in `T`'s range: `5` and `5.0` alike, as JSON Schema's `integer`
/// (and so every client generated from the OpenAPI document) allows; `5.5`, `-1` or `1e30` refused.
pub fn whole<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: TryFrom<u64>,
{
    use serde::{Deserialize, de::Error};
    let number = serde_json::Number::deserialize(deserializer)?;
    let value = match (number.as_u64(), number.as_f64()) {
        (Some(value), _) => Some(value),
        (None, Some(float)) if float.fract() == 0.0 && (0.0..=u64::MAX as f64).contains(&float) => Some(float as u64),
        _ => None,
    };
    value
        .and_then(|v| T::try_from(v).ok())
        .ok_or_else(|| D::Error::custom(format!("{number} is not a whole number in range")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_name_missing_unknown_and_mistyped_fields() {
        let named = |path: &str, error: &str| refusal(path.into(), error.into()).1.field;
        assert_eq!(named(".", "missing field `fico` at line 1 column 12"), Some("fico".into()));
        assert_eq!(named(".", "unknown field `fic`, expected one of ..."), Some("fic".into()));
        assert_eq!(named("stauts", "unknown field `stauts`, expected one of ..."), Some("stauts".into()));
        assert_eq!(named("user", "invalid type: string \"a\", expected u32"), Some("user".into()));
        assert_eq!(named(".", "EOF while parsing a value"), None);
    }

    #[test]
    fn whole_numbers_may_be_written_as_floats_but_nothing_else_is_whole() {
        let read =
            |json: &str| -> Result<u16, serde_json::Error> { whole(&mut serde_json::Deserializer::from_str(json)) };
        assert_eq!(read("5").unwrap(), 5);
        assert_eq!(read("5.0").unwrap(), 5);
        for bad in ["5.5", "-1", "70000", "1e30", "\"5\"", "null"] {
            assert!(read(bad).is_err(), "{bad}");
        }
    }
}
