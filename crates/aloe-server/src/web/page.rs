//! What every page shares: the layout's data ([`Chrome`]: title, navigation, the chain's clock, the
//! development banner, the message a form left), rendering a template into a response, and the error
//! page a refused read gets (404 for an unknown loan or party, with the API's message).

use askama::Template;
use axum::{
    http::StatusCode,
    response::{Html, IntoResponse, Response},
};
use serde::Deserialize;

use super::format;
use crate::api::problem::{ApiResult, Problem};

/// The message a form's redirect carries in the query string: `?ok=` after an action, `?error=` (with
/// the field at fault and the form it came from) after a refusal. Shown escaped, like any text.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Flash {
    /// What the action did.
    pub(super) ok: Option<String>,
    /// Why it was refused.
    pub(super) error: Option<String>,
    /// The input at fault.
    pub(super) field: Option<String>,
    /// The form that input is in (several forms on a page share field names).
    pub(super) form: Option<String>,
}

/// The layout's data.
#[derive(Clone, Debug)]
pub(super) struct Chrome {
    /// The page's title.
    pub(super) title: String,
    /// Which navigation entry is current ("market", "model", "dev" or none).
    pub(super) nav: &'static str,
    /// The chain's clock, as a date.
    pub(super) now: String,
    /// Whether the page carries development actions (and so the public-keys banner).
    pub(super) dev: bool,
    /// The form's message, if the page was reached from one.
    pub(super) flash: Flash,
}

impl Chrome {
    /// A page titled `title` under `nav`, at the chain's time `now`.
    pub(super) fn new(title: impl Into<String>, nav: &'static str, now: u64, flash: Flash) -> Self {
        Self { title: title.into(), nav, now: format::date_time(now), dev: false, flash }
    }

    /// The same, carrying development actions.
    pub(super) fn with_dev(mut self) -> Self {
        self.dev = true;
        self
    }

    /// Whether `field` of `form` is the input a refusal named (the template marks it).
    pub(super) fn invalid(&self, form: &str, field: &str) -> bool {
        let flash = &self.flash;
        flash.error.is_some() && flash.form.as_deref() == Some(form) && flash.field.as_deref() == Some(field)
    }

    /// The refusal's message if it came from `form` (shown beside that form too).
    pub(super) fn error_of(&self, form: &str) -> Option<&str> {
        (self.flash.form.as_deref() == Some(form)).then_some(self.flash.error.as_deref()).flatten()
    }
}

/// A page, or the error page with the refusal's status.
pub(super) type PageResult = Result<Response, PageError>;

/// A read that could not be shown: rendered as the error page.
#[derive(Debug)]
pub(super) struct PageError(pub(super) Problem);

impl From<Problem> for PageError {
    fn from(problem: Problem) -> Self {
        Self(problem)
    }
}

/// The error page.
#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    chrome: Chrome,
    status: u16,
    reason: String,
    message: String,
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let Problem(status, body) = self.0;
        let reason = match status {
            StatusCode::NOT_FOUND => "Not found".to_owned(),
            other => other.canonical_reason().unwrap_or("Error").to_owned(),
        };
        let page = ErrorPage {
            chrome: Chrome { title: reason.clone(), nav: "", now: String::new(), dev: false, flash: Flash::default() },
            status: status.as_u16(),
            reason,
            message: body.error,
        };
        match page.render() {
            Ok(html) => (status, Html(html)).into_response(),
            Err(error) => (StatusCode::INTERNAL_SERVER_ERROR, error.to_string()).into_response(),
        }
    }
}

/// `page` rendered as a 200.
pub(super) fn render(page: &impl Template) -> PageResult {
    Ok(Html(rendered(page)?).into_response())
}

fn rendered(page: &impl Template) -> ApiResult<String> {
    page.render().map_err(|e| Problem::failed(StatusCode::INTERNAL_SERVER_ERROR, e))
}

/// Any other path: the 404 page, or the API's JSON refusal under `/api/` (so API clients keep reading JSON).
pub(super) async fn not_found(uri: axum::http::Uri) -> Response {
    let problem = Problem::not_found("path", format!("nothing at {}", uri.path()));
    if uri.path().starts_with("/api/") { problem.into_response() } else { PageError(problem).into_response() }
}
