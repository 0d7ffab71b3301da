//! HTTP plumbing shared by the handlers: Trendyol-shaped error responses, JSON bodies, query
//! parameters.
//!
//! Handlers never `unwrap` what a client sent: a body that is not the expected JSON, a
//! non-numeric id or a bad parameter becomes a 400 with Trendyol's `errors[{key,message}]`.

use axum::body::Body;
use axum::extract::FromRequestParts;
use axum::http::{header, request::Parts, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::HashMap;
use trendyol_wire::error::{self as werr, ErrorBody};

/// An error answered in Trendyol's shape.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    /// Boxed: errors travel through many `Result`s and should keep them small.
    pub body: Box<ErrorBody>,
}

impl ApiError {
    pub fn new(status: StatusCode, exception: &str, key: &str, message: impl AsRef<str>) -> Self {
        ApiError {
            status,
            body: Box::new(ErrorBody::new(now_ms(), exception, key, message.as_ref())),
        }
    }

    /// 400 with one validation error.
    pub fn bad_request(key: &str, message: impl AsRef<str>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, werr::EXC_VALIDATION, key, message)
    }

    /// 404 with one error.
    pub fn not_found(key: &str, message: impl AsRef<str>) -> Self {
        Self::new(StatusCode::NOT_FOUND, werr::EXC_NOT_FOUND, key, message)
    }

    /// 409 with one error.
    pub fn conflict(key: &str, message: impl AsRef<str>) -> Self {
        Self::new(StatusCode::CONFLICT, werr::EXC_CONFLICT, key, message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        json_response(self.status, &*self.body)
    }
}

/// Wall-clock ms for error timestamps (error bodies need no sandbox-clock precision).
fn now_ms() -> i64 {
    crate::clock::Clock::real_now_ms()
}

pub type ApiResult = Result<Response, ApiError>;

/// A JSON response.
pub fn json_response<T: Serialize + ?Sized>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(bytes) => json_bytes(status, bytes),
        Err(e) => {
            let body = ErrorBody::new(
                now_ms(),
                werr::EXC_SYSTEM,
                werr::KEY_GENERIC,
                &e.to_string(),
            );
            json_bytes(
                StatusCode::INTERNAL_SERVER_ERROR,
                serde_json::to_vec(&body).unwrap_or_default(),
            )
        }
    }
}

/// A JSON response from pre-serialized bytes.
pub fn json_bytes(status: StatusCode, bytes: Vec<u8>) -> Response {
    let mut r = Response::new(Body::from(bytes));
    *r.status_mut() = status;
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// 200 with a JSON body.
pub fn ok<T: Serialize + ?Sized>(value: &T) -> ApiResult {
    Ok(json_response(StatusCode::OK, value))
}

/// An empty response with a status (Trendyol answers several updates with an empty 200).
pub fn empty(status: StatusCode) -> ApiResult {
    let mut r = Response::new(Body::empty());
    *r.status_mut() = status;
    Ok(r)
}

/// Parses a JSON request body; failures become Trendyol-like 400s.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(ApiError::bad_request(
            "request.body.required",
            "Request body is required",
        ));
    }
    serde_json::from_slice(body).map_err(|e| {
        ApiError::bad_request(
            "invalid.request.body",
            format!("Request body is invalid: {e}"),
        )
    })
}

/// Query parameters, parsed leniently (never fails; repeated keys keep the last value).
#[derive(Debug, Clone, Default)]
pub struct Params(pub HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for Params {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(Params::from_query(parts.uri.query().unwrap_or("")))
    }
}

impl Params {
    pub fn from_query(q: &str) -> Self {
        Params(
            form_urlencoded::parse(q.as_bytes())
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// A non-empty string parameter.
    pub fn str(&self, key: &str) -> Option<&str> {
        self.0
            .get(key)
            .map(String::as_str)
            .filter(|s| !s.is_empty())
    }

    /// An integer parameter; a present but malformed value is a 400.
    pub fn i64(&self, key: &str) -> Result<Option<i64>, ApiError> {
        match self.str(key) {
            None => Ok(None),
            Some(s) => s.trim().parse::<i64>().map(Some).map_err(|_| {
                ApiError::bad_request(
                    "invalid.parameter",
                    format!("Parameter '{key}' must be a number, got '{s}'"),
                )
            }),
        }
    }

    /// A non-negative integer parameter.
    pub fn u64(&self, key: &str) -> Result<Option<u64>, ApiError> {
        match self.i64(key)? {
            Some(v) if v < 0 => Err(ApiError::bad_request(
                "invalid.parameter",
                format!("Parameter '{key}' must not be negative"),
            )),
            v => Ok(v.map(|v| v as u64)),
        }
    }

    /// A boolean parameter (`true`/`false`).
    pub fn bool(&self, key: &str) -> Result<Option<bool>, ApiError> {
        match self.str(key) {
            None => Ok(None),
            Some(s) if s.eq_ignore_ascii_case("true") => Ok(Some(true)),
            Some(s) if s.eq_ignore_ascii_case("false") => Ok(Some(false)),
            Some(s) => Err(ApiError::bad_request(
                "invalid.parameter",
                format!("Parameter '{key}' must be true or false, got '{s}'"),
            )),
        }
    }

    /// A comma-separated list parameter.
    pub fn list(&self, key: &str) -> Vec<String> {
        self.str(key)
            .map(|s| {
                s.split(',')
                    .map(|p| p.trim().to_string())
                    .filter(|p| !p.is_empty())
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Parses a numeric path segment (a non-number is a 400 as for any bad id).
pub fn path_id(raw: &str, what: &str) -> Result<u64, ApiError> {
    raw.parse::<u64>().map_err(|_| {
        ApiError::bad_request(
            "invalid.path.variable",
            format!("{what} must be a number, got '{raw}'"),
        )
    })
}

/// Checks `page`/`size` and returns `(page, size)`.
pub fn paging(
    params: &Params,
    default_size: u64,
    max_size: u64,
    window: Option<u64>,
) -> Result<(u64, u64), ApiError> {
    let page = params.u64("page")?.unwrap_or(0);
    let size = params.u64("size")?.unwrap_or(default_size);
    if size == 0 {
        return Err(ApiError::bad_request(
            "invalid.size",
            "size must be greater than 0",
        ));
    }
    if size > max_size {
        return Err(ApiError::bad_request(
            "invalid.size",
            format!("size must be less than or equal to {max_size}"),
        ));
    }
    if let Some(w) = window {
        if page.saturating_add(1).saturating_mul(size) > w {
            return Err(ApiError::bad_request(
                "invalid.page.window",
                format!("page x size must not exceed {w}"),
            ));
        }
    }
    Ok((page, size))
}

/// Slices one page out of a list.
pub fn page_of<T: Clone>(items: &[T], page: u64, size: u64) -> Vec<T> {
    let start = page.saturating_mul(size) as usize;
    items
        .iter()
        .skip(start)
        .take(size as usize)
        .cloned()
        .collect()
}

/// Number of pages for `total` items.
pub fn total_pages(total: u64, size: u64) -> u64 {
    if size == 0 {
        0
    } else {
        total.div_ceil(size)
    }
}
