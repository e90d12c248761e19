//! Attachments over the JSON API.

use crate::api::{in_incident_of, AtParam, Page};
use crate::auth::ApiViewer;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, ApiQuery};
use crate::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use honbu_domain::ids::*;
use honbu_store::attachments::{self, Added, AttachmentView};
use honbu_store::log;
use honbu_store::versions::At;

/// A file's bytes, as they are (OpenAPI 3.1: a string of that media type).
pub struct FileBytes;

impl utoipa::PartialSchema for FileBytes {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .content_media_type("application/octet-stream")
            .description(Some("The file's bytes, as they are."))
            .into()
    }
}

impl utoipa::ToSchema for FileBytes {}

/// Attaches a file to an entry: the body is the file, byte for byte (at
/// most the server's limit, 25 MiB unless configured otherwise: 413
/// beyond); its name in `X-Filename` (UTF-8, percent-encoded) or in
/// `Content-Disposition` (`filename*=UTF-8''…` or `filename="…"`), its type
/// in `Content-Type`. Whoever may read the entry and write the log of its
/// incident may; the file is read by exactly who reads the entry. The
/// journal records its SHA-256, which `journal verify` holds it to.
#[utoipa::path(post, path = "/api/v1/entries/{entry}/attachments", tag = "log",
    params(("entry" = uuid::Uuid, Path),
        ("X-Filename" = Option<String>, Header, description = "The file's name, UTF-8 percent-encoded (1 to 255 characters, no / or \\)"),
        ("Content-Disposition" = Option<String>, Header, description = "Instead of X-Filename: attachment; filename*=UTF-8''…"),
        ("Content-Type" = Option<String>, Header, description = "The file's type (type/subtype); application/octet-stream when absent or not of that form")),
    request_body(content = FileBytes, content_type = "application/octet-stream", description = "The file, byte for byte (any content type; its name in X-Filename or Content-Disposition); or a multipart/form-data form, whose first part with a filename is the file"),
    responses((status = 201, body = Added, headers(("Location" = String, description = "Where the file is fetched"))),
        (status = 400, body = ErrorBody), (status = 401, body = ErrorBody), (status = 403, body = ErrorBody),
        (status = 404, description = "No such entry, or not yours to read", body = ErrorBody),
        (status = 409, description = "The incident is closed", body = ErrorBody),
        (status = 413, description = "The file is larger than the server takes (the limit is named)", body = ErrorBody),
        (status = 422, description = "No name, a name that is not a file's, or an empty file", body = ErrorBody)))]
pub async fn add_attachment(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(entry): ApiPath<EntryId>,
    headers: HeaderMap,
    body: Body,
) -> Result<impl IntoResponse, ApiError> {
    super::receive(&s, &v, entry, &headers, body).await
}

/// The files attached to an entry, oldest first, if the caller may read the
/// entry; with `at`, those attached by then.
#[utoipa::path(get, path = "/api/v1/entries/{entry}/attachments", tag = "log", params(("entry" = uuid::Uuid, Path), AtParam),
    responses((status = 200, body = Page<AttachmentView>), (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn list_attachments(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(entry): ApiPath<EntryId>,
    ApiQuery(q): ApiQuery<AtParam>,
) -> Result<Json<Page<AttachmentView>>, ApiError> {
    let at = q.time()?;
    let items = in_incident_of(
        &s,
        v,
        move |c, p| Ok(log::entry(c, p, entry, At::Now)?.map(|(i, _)| i)),
        at,
        move |c, p, m| attachments::attachments(c, p, entry, m.at),
    )
    .await?;
    Ok(Json(Page {
        total: items.len() as i64,
        total_exact: true,
        items,
        next_cursor: None,
    }))
}

/// The file, byte for byte, if the caller may read its entry: always as a
/// download (`Content-Disposition: attachment`, `nosniff`, a sandboxing
/// `Content-Security-Policy`), typed as stored only for PDF, PNG, JPEG,
/// GIF, WebP, plain text and CSV (else `application/octet-stream`), with
/// its SHA-256 as the `ETag`. A file found changed or missing is not
/// served (500; `journal verify` names it).
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "log", params(("id" = uuid::Uuid, Path)),
    responses((status = 200, description = "The file as it was attached", content_type = "application/octet-stream", body = FileBytes,
            headers(("ETag" = String, description = "The SHA-256 of the bytes, quoted"), ("Content-Disposition" = String))),
        (status = 304, description = "If-None-Match names this file's ETag"),
        (status = 401, body = ErrorBody), (status = 404, body = ErrorBody), (status = 500, body = ErrorBody)))]
pub async fn get_attachment(
    State(s): State<AppState>,
    ApiViewer(v): ApiViewer,
    ApiPath(id): ApiPath<AttachmentId>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let p = v.p.clone();
    let (a, data) = s
        .store
        .read(move |c| attachments::file(c, &p, id))
        .await?
        .ok_or_else(ApiError::not_found)?;
    let etag = format!("\"{}\"", a.sha256);
    let mut h = HeaderMap::new();
    let mut put = |k: header::HeaderName, v: &str| {
        if let Ok(v) = HeaderValue::from_str(v) {
            h.insert(k, v);
        }
    };
    put(header::ETAG, &etag);
    put(header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    put(header::CONTENT_SECURITY_POLICY, "sandbox");
    put(
        header::HeaderName::from_static("cross-origin-resource-policy"),
        "same-origin",
    );
    let unchanged = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == etag || t == "*");
    if unchanged {
        return Ok((StatusCode::NOT_MODIFIED, h).into_response());
    }
    put(header::CONTENT_TYPE, super::served_type(&a.content_type));
    put(
        header::CONTENT_DISPOSITION,
        &crate::export::disposition(&a.name),
    );
    Ok((h, data).into_response())
}
