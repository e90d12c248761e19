//! Errors as the client sees them: a status and a JSON body that names what
//! is wrong (`{"error": {"code": "invalid", "field": "credibility", "message": "..."}}`).
//! Internal failures are logged in full and answered with a bare 500 that
//! leaks nothing.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use honbu_store::StoreError;
use serde::Serialize;

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ErrorDetail {
    /// invalid, unauthorized, not_found, forbidden, password_change_required, conflict, journal_broken, too_large, unsupported, busy, internal
    pub code: &'static str,
    /// The input field at fault, as the client wrote it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    pub message: String,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub field: Option<String>,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            field: None,
            message: message.into(),
        }
    }
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::UNPROCESSABLE_ENTITY,
            code: "invalid",
            field: Some(field.into()),
            message: message.into(),
        }
    }
    pub fn not_found() -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "no such thing, or not yours to see",
        )
    }
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "sign in, or send a bearer token",
        )
    }
    pub fn forbidden(msg: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", msg)
    }
    pub fn bad_request(field: Option<String>, msg: impl Into<String>) -> Self {
        ApiError {
            status: StatusCode::BAD_REQUEST,
            code: "bad_request",
            field,
            message: msg.into(),
        }
    }
}

impl From<honbu_domain::FieldError> for ApiError {
    fn from(f: honbu_domain::FieldError) -> Self {
        ApiError::invalid(f.field, f.message)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Invalid(f) => ApiError::invalid(f.field, f.message),
            StoreError::NotFound => ApiError::not_found(),
            StoreError::Forbidden(m) => ApiError::forbidden(format!("you may not {m}")),
            StoreError::Conflict(m) => ApiError::new(StatusCode::CONFLICT, "conflict", m),
            StoreError::JournalBroken(problem) => {
                tracing::error!("write refused, the journal is broken: {problem}");
                ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "journal_broken",
                    format!("the journal does not verify, so nothing can be saved until an operator has restored it: {problem}"),
                )
            }
            StoreError::Busy => ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "the database is busy; try again",
            ),
            e => {
                // The whole chain: the store's words, then the driver's.
                let mut chain = e.to_string();
                let mut cause = std::error::Error::source(&e);
                while let Some(c) = cause {
                    chain.push_str(&format!(": caused by {c}"));
                    cause = c.source();
                }
                let id = crate::request::current().unwrap_or_default();
                tracing::error!(request_id = %id, "internal error: {chain}");
                ApiError::new(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    format!("internal error; it has been logged as request {id}"),
                )
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                field: self.field,
                message: self.message,
            },
        };
        (self.status, Json(body)).into_response()
    }
}

/// Turns axum's rejections (bad JSON, wrong content type, body too large,
/// bad path or query) into our error body, naming the field serde named.
pub fn from_rejection(status: StatusCode, text: String) -> ApiError {
    let code = match status {
        StatusCode::PAYLOAD_TOO_LARGE => "too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported",
        StatusCode::UNPROCESSABLE_ENTITY => "invalid",
        _ => "bad_request",
    };
    let field = field_from_serde(&text);
    let status = if status.is_client_error() {
        status
    } else {
        StatusCode::BAD_REQUEST
    };
    ApiError {
        status,
        code,
        field,
        message: text,
    }
}

/// serde_path_to_error messages start with the path ("hqs[0].name: ...",
/// "colour: unknown field `colour`"); serde's own name the field in backquotes.
fn field_from_serde(text: &str) -> Option<String> {
    let body = text
        .split_once("target type: ")
        .map(|(_, b)| b)
        .unwrap_or(text);
    if let Some((path, _)) = body.split_once(": ") {
        if !path.is_empty() && path != "." && !path.contains(' ') {
            return Some(path.to_string());
        }
    }
    for marker in ["unknown field `", "missing field `"] {
        if let Some(rest) = body.split_once(marker).map(|(_, r)| r) {
            return Some(rest.split('`').next().unwrap_or("").to_string());
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_is_named_from_serde_messages() {
        assert_eq!(field_from_serde("Failed to deserialize the JSON body into the target type: colour: unknown field `colour`, expected one of `text`"), Some("colour".into()));
        assert_eq!(field_from_serde("Failed to deserialize the JSON body into the target type: area.colour: unknown field `colour`, expected"), Some("area.colour".into()));
        assert_eq!(field_from_serde("Failed to deserialize the JSON body into the target type: lat: invalid type: string \"x\", expected f64 at line 1 column 9"), Some("lat".into()));
        assert_eq!(field_from_serde("Failed to deserialize the JSON body into the target type: missing field `text` at line 1"), Some("text".into()));
    }
}
