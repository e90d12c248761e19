//! Attachments: a file goes up as the body and comes down byte for byte,
//! as a download that runs nothing, to exactly who reads its entry.

use super::common::*;
use reqwest::StatusCode;
use serde_json::{json, Value};

/// Every byte value, NULs and invalid UTF-8 among them.
fn binary() -> Vec<u8> {
    let mut v: Vec<u8> = (0..=255u8).collect();
    v.extend([0, 0, 0xff, 0xfe, 0x00, b'\n', b'\r']);
    v
}

fn encoded(name: &str) -> String {
    percent_encoding::utf8_percent_encode(name, percent_encoding::NON_ALPHANUMERIC).to_string()
}

async fn entry(app: &App, token: &str, incident: &str, body: Value) -> String {
    app.post_json(&format!("/api/v1/incidents/{incident}/log"), token, body)
        .await["id"]
        .as_str()
        .unwrap()
        .to_string()
}

async fn upload(
    app: &App,
    token: &str,
    entry: &str,
    name: &str,
    content_type: &str,
    data: Vec<u8>,
) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/entries/{entry}/attachments")))
        .bearer_auth(token)
        .header("x-filename", encoded(name))
        .header("content-type", content_type)
        .body(data)
        .send()
        .await
        .unwrap()
}

async fn blobs(app: &App) -> i64 {
    app.store
        .read(|c| {
            c.query_one("SELECT COUNT(*) FROM attachment_blobs", &[])?
                .map(|r| r.int(0))
                .transpose()
                .map(Option::unwrap_or_default)
        })
        .await
        .unwrap()
}

#[tokio::test]
async fn a_file_goes_up_and_comes_down_byte_for_byte() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let e = entry(
        &app,
        &w.mofa_token,
        &w.incident,
        json!({"text": "Cable 12 received"}),
    )
    .await;
    let r = upload(
        &app,
        &w.mofa_token,
        &e,
        "公電 第12号.png",
        "image/png",
        binary(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let location = r.headers()["location"].to_str().unwrap().to_string();
    let made: Value = r.json().await.unwrap();
    let id = made["id"].as_str().unwrap();
    assert_eq!(location, format!("/api/v1/attachments/{id}"));
    assert_eq!(made["size"], binary().len());
    let sha = made["sha256"].as_str().unwrap().to_string();
    assert_eq!(sha, honbu_store::attachments::digest(&binary()));
    // Down again, as the other HQ (the entry is the incident's).
    let r = app
        .client
        .get(app.url(&location))
        .bearer_auth(&w.lima_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let h = r.headers().clone();
    assert_eq!(h["content-type"], "image/png");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["content-security-policy"], "sandbox");
    assert_eq!(h["etag"].to_str().unwrap(), format!("\"{sha}\""));
    let disposition = h["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\""),
        "{disposition}"
    );
    assert!(
        disposition.ends_with(&format!(
            "filename*=UTF-8''{}",
            "%E5%85%AC%E9%9B%BB%20%E7%AC%AC12%E5%8F%B7.png"
        )),
        "{disposition}"
    );
    assert_eq!(r.bytes().await.unwrap().to_vec(), binary(), "byte for byte");
    // Unchanged since: 304, nothing sent.
    let r = app
        .client
        .get(app.url(&location))
        .bearer_auth(&w.lima_token)
        .header("if-none-match", format!("\"{sha}\""))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::NOT_MODIFIED);
    // Named in Content-Disposition instead, with no type: octet-stream.
    let r = app
        .client
        .post(app.url(&format!("/api/v1/entries/{e}/attachments")))
        .bearer_auth(&w.lima_token)
        .header(
            "content-disposition",
            "attachment; filename=\"list.bin\"; filename*=UTF-8''%E5%90%8D%E7%B0%BF.bin",
        )
        .body(b"\0\0\0".to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    // The entry lists both, oldest first, and so does its detail.
    let list = app
        .get_json(&format!("/api/v1/entries/{e}/attachments"), &w.reader_token)
        .await;
    assert_eq!(list["total"], 2, "{list}");
    assert_eq!(list["items"][0]["name"], "公電 第12号.png");
    assert_eq!(list["items"][0]["content_type"], "image/png");
    assert_eq!(list["items"][0]["sha256"], sha.as_str());
    assert_eq!(list["items"][1]["name"], "名簿.bin");
    assert_eq!(list["items"][1]["content_type"], "application/octet-stream");
    let detail = app
        .get_json(&format!("/api/v1/entries/{e}"), &w.reader_token)
        .await;
    assert_eq!(detail["attachments"], list["items"]);
    // The same bytes again: a new attachment, the file kept once.
    let r = upload(&app, &w.mofa_token, &e, "again.png", "image/png", binary()).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(blobs(&app).await, 2);
}

/// What a browser would run or render as a page is served as bytes to
/// save: octet-stream, an attachment, nosniff, in a sandbox.
#[tokio::test]
async fn html_is_served_as_an_octet_stream_to_save() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let e = entry(&app, &w.mofa_token, &w.incident, json!({"text": "a page"})).await;
    let page = b"<html><script>alert(document.cookie)</script></html>".to_vec();
    for (name, ct) in [
        ("page.html", "text/html"),
        ("logo.svg", "image/svg+xml"),
        ("x.js", "text/javascript"),
    ] {
        let r = upload(&app, &w.mofa_token, &e, name, ct, page.clone()).await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let id = r.json::<Value>().await.unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        let r = app
            .client
            .get(app.url(&format!("/api/v1/attachments/{id}")))
            .bearer_auth(&w.mofa_token)
            .send()
            .await
            .unwrap();
        let h = r.headers();
        assert_eq!(h["content-type"], "application/octet-stream", "{ct}");
        assert_eq!(h["x-content-type-options"], "nosniff");
        assert_eq!(h["content-security-policy"], "sandbox");
        assert_eq!(
            h["content-disposition"].to_str().unwrap(),
            format!("attachment; filename=\"{name}\"")
        );
        assert_eq!(r.bytes().await.unwrap().to_vec(), page);
    }
    // The stored type is kept as given, for whoever reads the list.
    let list = app
        .get_json(&format!("/api/v1/entries/{e}/attachments"), &w.mofa_token)
        .await;
    assert_eq!(list["items"][0]["content_type"], "text/html");
}

/// Past the configured limit, announced or not, the file is refused with
/// the JSON error naming the limit, and nothing is written; up to it, the
/// file is taken. Other routes keep their own limit.
#[tokio::test]
async fn a_file_past_the_limit_is_refused_naming_it_and_nothing_is_written() {
    let app = spawn_with(
        sqlite_store(),
        honbu_web::Config {
            max_attachment_bytes: 300 * 1024,
            ..Default::default()
        },
    )
    .await;
    let w = world(&app).await;
    let e = entry(&app, &w.mofa_token, &w.incident, json!({"text": "scan"})).await;
    let before = app.journal_seq_excluding_security().await;
    let too_large = |body: Value| {
        assert_eq!(body["error"]["code"], "too_large", "{body}");
        let m = body["error"]["message"].as_str().unwrap();
        assert!(m.contains("300 KiB") && m.contains("307200 bytes"), "{m}");
    };
    let r = upload(
        &app,
        &w.mofa_token,
        &e,
        "big.pdf",
        "application/pdf",
        vec![7; 300 * 1024 + 1],
    )
    .await;
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(r.headers()["content-type"], "application/json");
    too_large(r.json().await.unwrap());
    // Sent in chunks, with no length announced: cut off at the limit.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> =
        (0..40).map(|_| Ok(vec![1u8; 10_000])).collect();
    let r = app
        .client
        .post(app.url(&format!("/api/v1/entries/{e}/attachments")))
        .bearer_auth(&w.mofa_token)
        .header("x-filename", "chunked.bin")
        .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    too_large(r.json().await.unwrap());
    assert_eq!(
        app.journal_seq_excluding_security().await,
        before,
        "nothing journaled"
    );
    assert_eq!(blobs(&app).await, 0, "no file kept");
    // An empty file, and one without a name, are refused naming the field.
    for (name, data, field) in [
        (Some("empty.txt"), vec![], "file"),
        (None, b"x".to_vec(), "name"),
    ] {
        let mut req = app
            .client
            .post(app.url(&format!("/api/v1/entries/{e}/attachments")))
            .bearer_auth(&w.mofa_token)
            .body(data);
        if let Some(n) = name {
            req = req.header("x-filename", n);
        }
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["error"]["field"], field, "{body}");
    }
    // Exactly the limit is taken: larger than any other route reads.
    let r = upload(
        &app,
        &w.mofa_token,
        &e,
        "max.pdf",
        "application/pdf",
        vec![7; 300 * 1024],
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    // A log entry keeps its own limit (256 KiB), named as before.
    let r = app
        .client
        .post(app.url(&format!("/api/v1/incidents/{}/log", w.incident)))
        .bearer_auth(&w.mofa_token)
        .header("content-type", "application/json")
        .body(format!("{{\"text\": \"{}\"}}", "x".repeat(280 * 1024)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: Value = r.json().await.unwrap();
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("256 KiB"),
        "{body}"
    );
}

/// An attachment of an entry one may not read answers exactly as one that
/// does not exist, to read it, to list it and to add to it — for a
/// stranger and for a member of another HQ — and nothing is written.
#[tokio::test]
async fn an_attachment_not_yours_is_not_found_as_a_random_id_is() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let hidden = entry(
        &app,
        &w.mofa_token,
        &w.incident,
        json!({"text": "MOFA only: the list of the held", "release": "hq", "hq": w.mofa_hq}),
    )
    .await;
    let r = upload(
        &app,
        &w.mofa_token,
        &hidden,
        "held.csv",
        "text/csv",
        b"a,b\n".to_vec(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let id = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let random = uuid::Uuid::now_v7().to_string();
    let before = app.journal_seq_excluding_security().await;
    let kept = blobs(&app).await;
    let answer = |r: reqwest::Response| async move {
        let status = r.status();
        (status, r.json::<Value>().await.unwrap())
    };
    for token in [&w.lima_token, &w.stranger_token, &w.reader_token] {
        let get = |path: String| {
            let (app, token) = (&app, token.clone());
            async move {
                answer(
                    app.client
                        .get(app.url(&path))
                        .bearer_auth(&token)
                        .send()
                        .await
                        .unwrap(),
                )
                .await
            }
        };
        let file = get(format!("/api/v1/attachments/{id}")).await;
        assert_eq!(file.0, StatusCode::NOT_FOUND);
        assert_eq!(file, get(format!("/api/v1/attachments/{random}")).await);
        let list = get(format!("/api/v1/entries/{hidden}/attachments")).await;
        assert_eq!(list.0, StatusCode::NOT_FOUND);
        assert_eq!(
            list,
            get(format!("/api/v1/entries/{random}/attachments")).await
        );
        assert_eq!(list, file, "the same words for all");
        let add = answer(
            upload(
                &app,
                token,
                &hidden,
                "x.txt",
                "text/plain",
                b"planted".to_vec(),
            )
            .await,
        )
        .await;
        let add_random = answer(
            upload(
                &app,
                token,
                &random,
                "x.txt",
                "text/plain",
                b"planted".to_vec(),
            )
            .await,
        )
        .await;
        assert_eq!(add.0, StatusCode::NOT_FOUND);
        assert_eq!(add, add_random);
        assert_eq!(add, file);
    }
    // The page's upload, from a Lima officer's session: the same.
    let lima = app.login("lima.analyst").await;
    let csrf = app
        .csrf_at(&lima, &format!("/incidents/{}/log", w.incident))
        .await;
    assert!(!csrf.is_empty());
    let mut seen = vec![];
    for target in [&hidden, &random] {
        let r = lima
            .post(app.url(&format!("/entries/{target}/attachments")))
            .header("x-csrf-token", &csrf)
            .header("x-filename", "x.txt")
            .body(b"planted".to_vec())
            .send()
            .await
            .unwrap();
        seen.push(answer(r).await);
    }
    assert_eq!(seen[0].0, StatusCode::NOT_FOUND);
    assert_eq!(seen[0], seen[1]);
    assert_eq!(
        app.journal_seq_excluding_security().await,
        before,
        "nothing journaled"
    );
    assert_eq!(blobs(&app).await, kept, "no file kept");
    // Its own HQ reads it.
    let r = app
        .client
        .get(app.url(&format!("/api/v1/attachments/{id}")))
        .bearer_auth(&w.mofa_token)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "text/csv");
}

/// The entry page lists its files (name, size, type, the digest, who and
/// when, a link to download) and, to whoever may write the log, offers the
/// upload, which its script sends with the session and the CSRF token.
#[tokio::test]
async fn the_entry_page_lists_its_files_and_takes_one_from_a_writer() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let inc = &w.incident;
    let e = entry(
        &app,
        &w.mofa_token,
        inc,
        json!({"text": "Scanned list of the held"}),
    )
    .await;
    let page_path = format!("/incidents/{inc}/log/{e}");
    let mofa = app.login("mofa.head").await;
    let page = mofa
        .get(app.url(&page_path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        page.contains("No file is attached to this entry."),
        "{page}"
    );
    assert!(page.contains(&format!("data-attach=\"/entries/{e}/attachments\"")));
    assert!(page.contains("needs JavaScript"));
    let csrf = between(&page, "data-csrf=\"", "\"");
    assert!(!csrf.is_empty());
    let before = app.journal_seq_excluding_security().await;
    // Without the CSRF token the upload is refused, and nothing written.
    let send = |token: Option<String>| {
        let (app, mofa, e) = (&app, mofa.clone(), e.clone());
        async move {
            let mut req = mofa
                .post(app.url(&format!("/entries/{e}/attachments")))
                .header("x-filename", encoded("名簿 <b>1.pdf"))
                .header("content-type", "application/pdf")
                .body(b"%PDF-1.4\0list".to_vec());
            if let Some(t) = token {
                req = req.header("x-csrf-token", t);
            }
            req.send().await.unwrap()
        }
    };
    for token in [None, Some("not-the-token".to_string())] {
        let r = send(token).await;
        assert_eq!(r.status(), StatusCode::FORBIDDEN);
    }
    assert_eq!(app.journal_seq_excluding_security().await, before);
    let r = send(Some(csrf.clone())).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let made: Value = r.json().await.unwrap();
    let (id, sha) = (
        made["id"].as_str().unwrap().to_string(),
        made["sha256"].as_str().unwrap().to_string(),
    );
    let page = mofa
        .get(app.url(&format!("{page_path}?ok=ok.attached")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("File attached."));
    assert!(
        page.contains("名簿 &#60;b&#62;1.pdf") && !page.contains("<b>1"),
        "escaped: {page}"
    );
    assert!(page.contains(&format!("href=\"/api/v1/attachments/{id}\"")));
    assert!(page.contains(&sha[..12]) && page.contains(&format!("title=\"{sha}\"")));
    assert!(page.contains("13 B") && page.contains("application/pdf"));
    assert!(page.contains("mofa.head (test)"), "who added it");
    // The link downloads it with the session.
    let r = mofa
        .get(app.url(&format!("/api/v1/attachments/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(r.bytes().await.unwrap().to_vec(), b"%PDF-1.4\0list");
    // A reader sees the file but is offered no upload.
    let reader = app.login("reader").await;
    let page = reader
        .get(app.url(&page_path))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains(&format!("/api/v1/attachments/{id}")));
    assert!(!page.contains("data-attach="), "no upload for a reader");
    // As the entry stood before the file was attached: none, and no form.
    let t0 = app
        .get_json(&format!("/api/v1/entries/{e}"), &w.mofa_token)
        .await["entered_at"]
        .as_str()
        .unwrap()
        .to_string();
    let past = mofa
        .get(app.url(&page_path))
        .query(&[("at", t0.as_str())])
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        past.contains("No file is attached to this entry."),
        "{past}"
    );
    assert!(!past.contains("data-attach="));
}

/// The live stream tells of a file attached only those who may read its
/// entry: the other HQ does not learn that one came to an entry of this HQ.
#[tokio::test]
async fn the_stream_tells_of_a_file_only_those_who_read_its_entry() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let inc = &w.incident;
    let hidden = entry(
        &app,
        &w.mofa_token,
        inc,
        json!({"text": "MOFA only", "release": "hq", "hq": w.mofa_hq}),
    )
    .await;
    let open = entry(&app, &w.mofa_token, inc, json!({"text": "for all"})).await;
    let path = format!("/api/v1/incidents/{inc}/stream");
    let mut mofa = app.sse(&path, &w.mofa_token).await;
    let mut lima = app.sse(&path, &w.lima_token).await;
    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    let r = upload(
        &app,
        &w.mofa_token,
        &hidden,
        "held.csv",
        "text/csv",
        b"a".to_vec(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = upload(
        &app,
        &w.mofa_token,
        &open,
        "map.png",
        "image/png",
        b"b".to_vec(),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let wait = std::time::Duration::from_secs(3);
    let (k1, d1) = mofa.next_event(wait).await.unwrap();
    let (k2, d2) = mofa.next_event(wait).await.unwrap();
    assert_eq!(
        (k1.as_str(), k2.as_str()),
        ("attachment_added", "attachment_added")
    );
    let (k, d) = lima.next_event(wait).await.unwrap();
    assert_eq!(k, "attachment_added");
    let seq = |d: &str| serde_json::from_str::<Value>(d).unwrap()["seq"].clone();
    assert_eq!(seq(&d), seq(&d2), "Lima hears of the second only: {d1} {d}");
    assert!(!d.contains("map.png"), "the stream names no file: {d}");
}

/// A multipart form (`curl -F file=@PATH`) carries the file in a part of
/// its own: that part is kept, byte for byte, under the name it gives; a
/// form without a file is refused naming it, and nothing is kept.
#[tokio::test]
async fn a_file_sent_in_a_multipart_form_is_kept_as_its_part_says() {
    let app = spawn_app().await;
    let w = world(&app).await;
    let e = entry(
        &app,
        &w.mofa_token,
        &w.incident,
        json!({"text": "Cable 13 received"}),
    )
    .await;
    let data = binary();
    let mut envelope = b"--X7\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nnot the file\r\n--X7\r\nContent-Disposition: form-data; name=\"file\"; filename=\"list.png\"\r\nContent-Type: image/png\r\n\r\n".to_vec();
    envelope.extend_from_slice(&data);
    envelope.extend_from_slice(b"\r\n--X7--\r\n");
    let send = |body: Vec<u8>| {
        app.client
            .post(app.url(&format!("/api/v1/entries/{e}/attachments")))
            .bearer_auth(&w.mofa_token)
            .header("content-type", "multipart/form-data; boundary=X7")
            .body(body)
            .send()
    };
    let r = send(envelope).await.unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let added: Value = r.json().await.unwrap();
    let listed = app
        .get_json(&format!("/api/v1/entries/{e}/attachments"), &w.mofa_token)
        .await;
    assert_eq!(listed["items"][0]["name"], "list.png", "{listed}");
    assert_eq!(listed["items"][0]["content_type"], "image/png", "{listed}");
    let got = app
        .client
        .get(app.url(&format!(
            "/api/v1/attachments/{}",
            added["id"].as_str().unwrap()
        )))
        .bearer_auth(&w.mofa_token)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(got.to_vec(), data, "byte for byte");
    let before = blobs(&app).await;
    let r = send(
        b"--X7\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\ntext\r\n--X7--\r\n".to_vec(),
    )
    .await
    .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = r.json().await.unwrap();
    assert_eq!(body["error"]["field"], "file", "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("holds no file"),
        "{body}"
    );
    assert_eq!(blobs(&app).await, before, "nothing kept");
}
