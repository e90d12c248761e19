//! What a browser or client sends besides JSON: form bodies, cookies,
//! Accept-Language, error texts turned into field names, entry numbers
//! typed in a form, names given to the sign-in throttle, the head of a
//! bare answer the server rewrites as JSON, an attachment's name in
//! `X-Filename` or `Content-Disposition` and the name it is served under,
//! and a multipart form's boundary and file part.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = honbu_web::pages::FormData::parse(data);
    let _ = honbu_web::request::instead_of_bare(data);
    let _ = honbu_web::attachments::disposition_name(data);
    let _ = honbu_web::attachments::multipart::file_part(data, "XyZ");
    if let Ok(v) = axum::http::HeaderValue::from_bytes(data) {
        for name in ["x-filename", "content-disposition"] {
            let mut h = axum::http::HeaderMap::new();
            h.insert(name, v.clone());
            if let Ok(n) = honbu_web::attachments::file_name(&h) {
                let _ = honbu_web::export::disposition(&n);
            }
        }
    }
    let Ok(s) = std::str::from_utf8(data) else { return };
    let _ = honbu_web::i18n::negotiate(s);
    let _ = honbu_web::auth::safe_next(s);
    let _ = honbu_web::log::views::entry_numbers(s);
    let _ = honbu_web::export::disposition(s);
    let _ = honbu_web::attachments::served_type(s);
    let _ = honbu_web::attachments::multipart::boundary(s);
    let t = std::sync::Arc::new(honbu_web::throttle::Throttle::default());
    let now = std::time::Instant::now();
    if let honbu_web::throttle::Gate::Open(a) = t.begin(s, s, now) {
        let _ = a.failed(now);
    }
    let _ = t.begin(s, "127.0.0.1", now);
    let _ = t.refusal(s, s, s, now);
    let _ = t.drain(now);
    let mut h = axum::http::HeaderMap::new();
    if let Ok(v) = axum::http::HeaderValue::from_str(s) {
        h.insert(axum::http::header::COOKIE, v);
        let _ = honbu_web::auth::cookie(&h, "honbu_session");
    }
    let _ = honbu_web::error::from_rejection(axum::http::StatusCode::BAD_REQUEST, s.to_string());
});
