//! Attachments on the entry page: the list, and the upload its script sends.

use crate::auth::PageViewer;
use crate::pages::PagePath;
use crate::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use honbu_domain::ids::*;
use honbu_domain::time::Timestamp;
use honbu_store::attachments::AttachmentView;
use std::collections::HashMap;

/// An attachment as the entry page lists it.
pub struct Row {
    pub id: AttachmentId,
    pub name: String,
    pub size: String,
    pub content_type: String,
    pub sha256: String,
    /// The first 12 hex digits, as the page shows them (the whole in its title).
    pub sha_short: String,
    pub by: String,
    pub at: Timestamp,
}

/// The rows of an entry's attachments, with who added each by name.
pub fn rows(list: Vec<AttachmentView>, names: &HashMap<UserId, String>) -> Vec<Row> {
    list.into_iter()
        .map(|a| Row {
            id: a.id,
            size: super::human_size(a.size),
            content_type: a.content_type,
            sha_short: a.sha256.chars().take(12).collect(),
            sha256: a.sha256,
            by: a
                .added_by
                .and_then(|u| names.get(&u).cloned())
                .unwrap_or_default(),
            at: a.added_at,
            name: a.name,
        })
        .collect()
}

/// The entry page's upload: the file as the body (as the API takes it), the
/// session's cookie, and its CSRF token in `X-CSRF-Token` — checked before
/// anything else, as every form's is. Answers as the API does (JSON).
pub async fn upload(
    State(s): State<AppState>,
    PageViewer(v): PageViewer,
    PagePath(entry): PagePath<EntryId>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    if let Err(refused) = crate::pages::csrf_header(&v, &headers) {
        return refused.into_response();
    }
    match super::receive(&s, &v, entry, &headers, body).await {
        Ok(created) => created.into_response(),
        Err(e) => e.into_response(),
    }
}
