//! What every request goes through, outermost: an id of its own (in the
//! `x-request-id` header, in the log line of any 5xx, on the error page
//! that answers it), a JSON answer for a URL or a body too large (never a
//! bare status; each route's body limit is [`limit_body`]'s), and `Cache-Control: no-store` on everything answered to a
//! signed-in browser or a bearer token, so that no cache keeps what only
//! its reader may see.

use crate::error::ApiError;
use crate::AppState;
use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

tokio::task_local! {
    static REQUEST_ID: String;
}

/// The longest path and query read (most servers stop at 8 KiB too).
pub const MAX_URI: usize = 8 * 1024;

/// The id of the request being answered, if any.
pub fn current() -> Option<String> {
    REQUEST_ID.try_with(|s| s.clone()).ok()
}

fn new_id() -> String {
    let u = uuid::Uuid::new_v4().simple().to_string();
    u[..16].to_string()
}

pub async fn frame(req: Request, next: Next) -> Response {
    let id = new_id();
    let (method, path) = (req.method().clone(), req.uri().path().to_string());
    let credentialed = req.headers().contains_key(header::AUTHORIZATION)
        || req.headers().get_all(header::COOKIE).iter().any(|c| {
            c.to_str()
                .is_ok_and(|c| c.contains(crate::auth::SESSION_COOKIE))
        });
    let uri_len = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().len())
        .unwrap_or(0);
    let mut res = if uri_len > MAX_URI {
        ApiError::new(
            StatusCode::URI_TOO_LONG,
            "too_large",
            format!("the URL is {uri_len} bytes long; this server reads at most {MAX_URI}"),
        )
        .into_response()
    } else {
        REQUEST_ID.scope(id.clone(), next.run(req)).await
    };
    if res.status() == StatusCode::PAYLOAD_TOO_LARGE && !is_json(&res) {
        res = too_large(false, crate::BODY_LIMIT).into_response();
    }
    if res.status().is_server_error() {
        tracing::error!(
            request_id = %id,
            "{method} {} answered {}",
            path.chars().take(200).collect::<String>(),
            res.status()
        );
    }
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&id) {
        h.insert("x-request-id", v);
    }
    if credentialed && !path.starts_with("/static/") {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}

/// Each route reads at most its limit of a request's body: a route that
/// takes a file (`attachments::UPLOAD_ROUTES`) the configured file limit,
/// every other [`crate::BODY_LIMIT`]. A body announced as larger is refused
/// before any of it is read, one that runs past the limit is cut off
/// there; either way the answer is the JSON error naming the limit.
pub async fn limit_body(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let takes_file = req
        .extensions()
        .get::<MatchedPath>()
        .is_some_and(|p| crate::attachments::UPLOAD_ROUTES.contains(&p.as_str()));
    let limit = if takes_file {
        state.config.max_attachment_bytes
    } else {
        crate::BODY_LIMIT
    };
    let announced = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if announced.is_some_and(|n| n > limit as u64) {
        return too_large(takes_file, limit).into_response();
    }
    let (parts, body) = req.into_parts();
    let req = Request::from_parts(parts, Body::new(http_body_util::Limited::new(body, limit)));
    let res = next.run(req).await;
    if res.status() == StatusCode::PAYLOAD_TOO_LARGE && !is_json(&res) {
        return too_large(takes_file, limit).into_response();
    }
    res
}

/// The refusal of a body past `limit`, naming it.
pub fn too_large(file: bool, limit: usize) -> ApiError {
    if file {
        let mut e = ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!(
                "the file is larger than this server takes: at most {} ({limit} bytes)",
                crate::attachments::human_size(limit as u64)
            ),
        );
        e.field = Some("file".into());
        e
    } else {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!(
                "the request body is larger than this server reads ({} KiB)",
                limit / 1024
            ),
        )
    }
}

fn is_json(r: &Response) -> bool {
    r.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// The answer the server gives in place of hyper's own bare one when a
/// request cannot even be read (a URL past hyper's 64 KiB, headers too
/// large, not HTTP at all): the same JSON error body as every refusal.
/// `head` is what hyper was about to write; `None` unless it is one of those.
pub fn instead_of_bare(head: &[u8]) -> Option<Vec<u8>> {
    let text = std::str::from_utf8(head).ok()?;
    if !text.ends_with("\r\n\r\n")
        || !text
            .to_ascii_lowercase()
            .contains("\r\ncontent-length: 0\r\n")
    {
        return None;
    }
    let (status, reason, code, message) = match text.get(..12)? {
        "HTTP/1.1 400" => (
            400,
            "Bad Request",
            "bad_request",
            "the request could not be read as HTTP",
        ),
        "HTTP/1.1 414" => (
            414,
            "URI Too Long",
            "too_large",
            "the URL is longer than this server reads",
        ),
        "HTTP/1.1 431" => (
            431,
            "Request Header Fields Too Large",
            "too_large",
            "the request's headers are larger than this server reads",
        ),
        _ => return None,
    };
    let body = serde_json::json!({ "error": { "code": code, "message": message } }).to_string();
    Some(
        format!(
            "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nx-content-type-options: nosniff\r\nconnection: close\r\n\r\n{body}",
            body.len()
        )
        .into_bytes(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hypers_bare_answers_are_rewritten() {
        for (head, status) in [
            (
                "HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\ndate: x\r\n\r\n",
                "400",
            ),
            (
                "HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\n\r\n",
                "414",
            ),
            (
                "HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n\r\n",
                "431",
            ),
        ] {
            let out = String::from_utf8(instead_of_bare(head.as_bytes()).unwrap()).unwrap();
            assert!(out.starts_with(&format!("HTTP/1.1 {status} ")), "{out}");
            let body: serde_json::Value =
                serde_json::from_str(out.split("\r\n\r\n").nth(1).unwrap()).unwrap();
            assert!(body["error"]["code"].is_string());
        }
        // Our own answers (with a body), and other statuses, are left alone.
        assert!(
            instead_of_bare(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 80\r\n\r\n").is_none()
        );
        assert!(
            instead_of_bare(b"HTTP/1.1 405 Method Not Allowed\r\ncontent-length: 0\r\n\r\n")
                .is_none()
        );
        assert!(
            instead_of_bare(b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\n").is_none(),
            "not a whole head"
        );
    }
}
