//! Attachments: a file sent as the body of a request, kept byte for byte,
//! served back as a download to exactly those who may read its entry.
//!
//! The JSON API takes the file raw (`POST /api/v1/entries/{entry}/attachments`,
//! its name in `X-Filename` or `Content-Disposition`) or as the file part
//! of a multipart form (`curl -F file=@PATH`, see [`multipart`]); the entry page sends
//! it the same way through a page route with the session and its CSRF
//! token in `X-CSRF-Token` (a small script: the upload needs JavaScript).
//! Both routes read at most the configured file limit
//! ([`crate::Config::max_attachment_bytes`], see `request::limit_body`).

pub mod api;
pub mod multipart;
pub mod views;

use crate::auth::Viewer;
use crate::error::ApiError;
use crate::AppState;
use axum::body::Body;
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use honbu_domain::attachments::NewAttachment;
use honbu_domain::ids::EntryId;
use honbu_store::attachments::Added;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// The routes whose body is a file, as the router names them.
pub const UPLOAD_ROUTES: &[&str] = &[
    "/api/v1/entries/{entry}/attachments",
    PAGE_UPLOAD,
    // A list of people is a file too.
    "/api/v1/incidents/{id}/lists",
    "/incidents/{id}/people/lists",
];

/// The entry page's upload, a page route (session and CSRF header).
pub const PAGE_UPLOAD: &str = "/entries/{entry}/attachments";

/// The room's pages.
pub(crate) fn pages(r: axum::Router<AppState>) -> axum::Router<AppState> {
    r.route(PAGE_UPLOAD, axum::routing::post(views::upload))
}

/// The room's JSON API, each route in the OpenAPI document.
pub(crate) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(api::list_attachments, api::add_attachment))
        .routes(routes!(api::get_attachment))
}

/// A size as people read it: `512 B`, `1.5 KiB`, `25 MiB`.
pub fn human_size(n: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = 1024 * 1024;
    let scaled = |unit: u64, name: &str| {
        if n.is_multiple_of(unit) {
            format!("{} {name}", n / unit)
        } else {
            format!("{:.1} {name}", n as f64 / unit as f64)
        }
    };
    if n >= MIB {
        scaled(MIB, "MiB")
    } else if n >= KIB {
        scaled(KIB, "KiB")
    } else {
        format!("{n} B")
    }
}

/// What a download is served as: the stored type when it is one a browser
/// shows without running anything (PDF, PNG, JPEG, GIF, WebP, plain text,
/// CSV), else `application/octet-stream`. Served as an attachment, with
/// `nosniff` and a sandbox, whatever it is.
pub fn served_type(stored: &str) -> &'static str {
    const SAFE: &[&str] = &[
        "application/pdf",
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "text/plain",
        "text/csv",
    ];
    SAFE.iter()
        .find(|t| **t == stored)
        .copied()
        .unwrap_or(honbu_domain::attachments::OCTET_STREAM)
}

/// The file's name a request gives: `X-Filename` (UTF-8, percent-encoded),
/// else `Content-Disposition`'s `filename*=UTF-8''…` or `filename="…"`.
/// Checked as every name is (`honbu_domain::attachments::name`).
pub fn file_name(headers: &HeaderMap) -> Result<String, ApiError> {
    let named = if let Some(v) = headers.get("x-filename") {
        let decoded: Vec<u8> = percent_encoding::percent_decode(v.as_bytes()).collect();
        String::from_utf8(decoded).map_err(|_| {
            ApiError::invalid(
                "name",
                "X-Filename must be the name in UTF-8, percent-encoded",
            )
        })?
    } else if let Some(v) = headers.get(header::CONTENT_DISPOSITION) {
        disposition_name(v.as_bytes()).ok_or_else(|| {
            ApiError::invalid(
                "name",
                "Content-Disposition names no file: give filename=\"…\" or filename*=UTF-8''…",
            )
        })?
    } else {
        return Err(ApiError::invalid(
            "name",
            "name the file in X-Filename (UTF-8, percent-encoded) or in Content-Disposition",
        ));
    };
    Ok(honbu_domain::attachments::name("name", &named)?)
}

/// The name in a `Content-Disposition` value (RFC 6266): `filename*` in
/// UTF-8 when there is one, else `filename` (quoted or not).
pub fn disposition_name(value: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(value).ok()?;
    let mut plain = None;
    let mut extended = None;
    for (k, v) in disposition_params(text) {
        match k.to_ascii_lowercase().as_str() {
            "filename*" => {
                // charset'language'percent-encoded
                let mut parts = v.splitn(3, '\'');
                let (charset, _, encoded) = (parts.next()?, parts.next()?, parts.next()?);
                if charset.eq_ignore_ascii_case("utf-8") {
                    let bytes: Vec<u8> = percent_encoding::percent_decode_str(encoded).collect();
                    extended = String::from_utf8(bytes).ok();
                }
            }
            "filename" => plain = Some(v),
            _ => {}
        }
    }
    extended.or(plain)
}

/// The `name=value` parameters after a disposition's type, a quoted value
/// unquoted (with its backslash escapes).
fn disposition_params(text: &str) -> Vec<(String, String)> {
    let mut out = vec![];
    let mut chars = text.chars().peekable();
    // The disposition type.
    for c in chars.by_ref() {
        if c == ';' {
            break;
        }
    }
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace() || *c == ';') {
            chars.next();
        }
        let mut name = String::new();
        while let Some(c) = chars.next_if(|c| *c != '=' && *c != ';') {
            name.push(c);
        }
        if name.is_empty() && chars.peek().is_none() {
            return out;
        }
        let mut value = String::new();
        if chars.next_if_eq(&'=').is_some() {
            while chars.next_if(|c| *c == ' ' || *c == '\t').is_some() {}
            if chars.next_if_eq(&'"').is_some() {
                while let Some(c) = chars.next() {
                    match c {
                        '"' => break,
                        '\\' => {
                            if let Some(e) = chars.next() {
                                value.push(e);
                            }
                        }
                        c => value.push(c),
                    }
                }
                while chars.next_if(|c| *c != ';').is_some() {}
            } else {
                while let Some(c) = chars.next_if(|c| *c != ';') {
                    value.push(c);
                }
                value = value.trim_end().to_string();
            }
        }
        out.push((name.trim().to_string(), value));
    }
}

/// Whether reading a body failed because it ran past its limit.
fn past_limit(e: &axum::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(c) = cause {
        if c.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        cause = c.source();
    }
    false
}

/// Takes the file a request sends for `entry` as `v`, however it came (the
/// API or the page): its name and type from the headers, its bytes whole
/// up to the limit, then the store's command. 201 with what the journal
/// now holds of it.
pub(crate) async fn receive(
    s: &AppState,
    v: &Viewer,
    entry: EntryId,
    headers: &HeaderMap,
    body: Body,
) -> Result<(StatusCode, HeaderMap, Json<Added>), ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    // A form (`curl -F`, an HTML form) carries the file in a part of its
    // own, named there; otherwise the body is the file, named in a header
    // (refused for want of a name before a byte is read).
    enum Sent {
        Form { boundary: String },
        Raw { name: String },
    }
    let sent = match content_type.as_deref().filter(|t| multipart::is_form(t)) {
        Some(t) => Sent::Form {
            boundary: multipart::boundary(t)?,
        },
        None => Sent::Raw {
            name: file_name(headers)?,
        },
    };
    let limit = s.config.max_attachment_bytes;
    let data = axum::body::to_bytes(body, limit).await.map_err(|e| {
        if past_limit(&e) {
            crate::request::too_large(true, limit)
        } else {
            ApiError::bad_request(Some("file".into()), "the file did not arrive whole")
        }
    })?;
    let (name, content_type, data) = match sent {
        Sent::Raw { name } => (name, content_type, Vec::from(data)),
        Sent::Form { boundary } => {
            let part = multipart::file_part(&data, &boundary)?;
            let name = honbu_domain::attachments::name("name", &part.name)?;
            (name, part.content_type, part.data)
        }
    };
    let r = NewAttachment {
        name,
        content_type,
        data,
    };
    let added = crate::api::exec(s, v, move |c, ctx| {
        honbu_store::attachments::add_attachment(c, ctx, entry, r)
    })
    .await?;
    let mut h = HeaderMap::new();
    if let Ok(l) = format!("/api/v1/attachments/{}", added.id).parse() {
        h.insert(header::LOCATION, l);
    }
    Ok((StatusCode::CREATED, h, Json(added)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_read_them() {
        assert_eq!(human_size(0), "0 B");
        assert_eq!(human_size(1023), "1023 B");
        assert_eq!(human_size(1536), "1.5 KiB");
        assert_eq!(human_size(25 * 1024 * 1024), "25 MiB");
        assert_eq!(human_size(3 * 1024 * 1024 + 300_000), "3.3 MiB");
    }

    #[test]
    fn only_types_shown_without_running_anything_are_served_as_such() {
        assert_eq!(served_type("image/png"), "image/png");
        assert_eq!(served_type("text/csv"), "text/csv");
        for t in [
            "text/html",
            "image/svg+xml",
            "application/javascript",
            "text/xml",
            "",
        ] {
            assert_eq!(served_type(t), "application/octet-stream", "{t}");
        }
    }

    #[test]
    fn the_name_comes_from_x_filename_or_content_disposition() {
        let name = |pairs: &[(&str, &[u8])]| {
            let mut h = HeaderMap::new();
            for (k, v) in pairs {
                h.insert(
                    header::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                    header::HeaderValue::from_bytes(v).unwrap(),
                );
            }
            file_name(&h).map_err(|e| e.field)
        };
        assert_eq!(
            name(&[("x-filename", b"%E5%85%AC%E9%9B%BB%201.pdf")]),
            Ok("公電 1.pdf".into())
        );
        assert_eq!(name(&[("x-filename", b"a+b.txt")]), Ok("a+b.txt".into()));
        assert_eq!(
            name(&[(
                "content-disposition",
                b"attachment; filename=\"x.pdf\"; filename*=UTF-8''%E5%90%8D%E7%B0%BF.pdf"
            )]),
            Ok("名簿.pdf".into())
        );
        assert_eq!(
            name(&[(
                "content-disposition",
                b"attachment; filename=\"a \\\"b\\\"; c.txt\""
            )]),
            Ok("a \"b\"; c.txt".into())
        );
        assert_eq!(
            name(&[("content-disposition", b"inline;filename=plain.txt ")]),
            Ok("plain.txt".into())
        );
        // X-Filename first; a name that is a path is refused naming `name`.
        assert_eq!(
            name(&[
                ("x-filename", b"first.txt"),
                ("content-disposition", b"attachment; filename=second.txt")
            ]),
            Ok("first.txt".into())
        );
        for bad in [
            &[][..],
            &[("x-filename", &b"..%2F..%2Fetc%2Fpasswd"[..])][..],
            &[("x-filename", &b"%FF%FE"[..])][..],
            &[("x-filename", &b"%00"[..])][..],
            &[("content-disposition", &b"attachment"[..])][..],
            &[(
                "content-disposition",
                &b"attachment; filename*=ISO-8859-1''%E9.txt"[..],
            )][..],
        ] {
            assert_eq!(name(bad), Err(Some("name".into())), "{bad:?}");
        }
    }
}
