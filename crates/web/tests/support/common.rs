//! Test helpers: a real server on port 0 over a fresh database, a small
//! world of users and tokens, typed request helpers, an SSE reader.

use futures::StreamExt;
use honbu_store::accounts;
use honbu_store::Store;
use honbu_testkit::contract;
use serde_json::Value;
use std::time::Duration;

pub const PASSWORD: &str = "correct horse battery";

pub struct App {
    pub base: String,
    pub store: Store,
    pub client: reqwest::Client,
    /// The SQLite database's directory, removed when the test ends.
    _db: Option<honbu_testkit::TempDb>,
}

/// A fresh store on SQLite (commits not synced: tests need no power-cut safety).
pub fn sqlite_store() -> honbu_testkit::TempStore {
    honbu_testkit::sqlite(honbu_store_sqlite::Durability::Normal)
}

pub async fn spawn_app() -> App {
    spawn_with(sqlite_store(), honbu_web::Config::default()).await
}

/// A server on a store the test made (several may share one PostgreSQL database).
pub async fn spawn_on(store: Store) -> App {
    serve(store, None, honbu_web::Config::default()).await
}

pub async fn spawn_with(store: honbu_testkit::TempStore, config: honbu_web::Config) -> App {
    let (store, db) = store.into_parts();
    serve(store, Some(db), config).await
}

/// A server the test can stop (as a power cut or a crash would, for the
/// pages left open on it): send on the returned channel.
pub async fn spawn_stoppable() -> (App, tokio::sync::oneshot::Sender<()>) {
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let (store, db) = sqlite_store().into_parts();
    let app = serve_until(store, Some(db), honbu_web::Config::default(), async {
        let _ = rx.await;
    })
    .await;
    (app, tx)
}

async fn serve(store: Store, db: Option<honbu_testkit::TempDb>, config: honbu_web::Config) -> App {
    serve_until(store, db, config, std::future::pending()).await
}

async fn serve_until(
    store: Store,
    db: Option<honbu_testkit::TempDb>,
    config: honbu_web::Config,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> App {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let s = store.clone();
    tokio::spawn(async move {
        honbu_web::serve(listener, s, config, stop).await.unwrap();
    });
    App {
        base,
        store,
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
        _db: db,
    }
}

pub struct World {
    pub incident: String,
    pub lima_hq: String,
    pub mofa_hq: String,
    pub admin_token: String,
    pub officer_token: String,
    pub reader_token: String,
    pub stranger_token: String,
    pub mofa_token: String,
    pub lima_token: String,
}

/// The contract's world (an incident with a MOFA and a Lima HQ, a member of
/// each, a reader, an officer, a stranger), with a token for each.
pub async fn world(app: &App) -> World {
    let store = app.store.clone();
    tokio::task::spawn_blocking(move || {
        let w = contract::world(&store);
        let token = |name: &str| {
            let r = honbu_domain::commands::CreateToken {
                name: "test".into(),
                user: Some(name.into()),
            };
            store
                .write_blocking(|c| accounts::create_token(c, None, chrono::Utc::now(), &r))
                .unwrap()
                .1
                 .1
        };
        World {
            incident: w.incident.to_string(),
            lima_hq: w.lima.to_string(),
            mofa_hq: w.mofa.to_string(),
            admin_token: token("admin"),
            officer_token: token("officer"),
            reader_token: token("reader"),
            stranger_token: token("stranger"),
            mofa_token: token("mofa.head"),
            lima_token: token("lima.analyst"),
        }
    })
    .await
    .unwrap()
}

pub fn between(s: &str, start: &str, end: &str) -> String {
    let i = s.find(start).map(|i| i + start.len()).unwrap_or(0);
    s[i..].split(end).next().unwrap_or("").to_string()
}

impl App {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get_json(&self, path: &str, token: &str) -> Value {
        let r = self
            .client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        assert!(r.status().is_success(), "GET {path}: {}", r.status());
        r.json().await.unwrap()
    }

    pub async fn post_json(&self, path: &str, token: &str, body: Value) -> Value {
        let r = self
            .client
            .post(self.url(path))
            .bearer_auth(token)
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status();
        let text = r.text().await.unwrap();
        assert!(status.is_success(), "POST {path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    /// Journal length, not counting the security events every request may add.
    pub async fn journal_seq_excluding_security(&self) -> i64 {
        self.store
            .read(|c| {
                Ok(c.query_one(
                    "SELECT COUNT(*) FROM journal WHERE kind NOT IN ('access_refused', 'login_failed', 'login_succeeded', 'logged_out')",
                    &[],
                )?
                .map(|r| r.int(0))
                .transpose()?
                .unwrap_or(0))
            })
            .await
            .unwrap()
    }

    /// The CSRF token of the form at `path`, as `c` is served it.
    pub async fn csrf_at(&self, c: &reqwest::Client, path: &str) -> String {
        let html = c
            .get(self.url(path))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        between(&html, "name=\"csrf\" value=\"", "\"")
    }

    /// Posts the login form from `c` with its token.
    pub async fn sign_in(
        &self,
        c: &reqwest::Client,
        csrf: &str,
        username: &str,
        password: &str,
        next: &str,
    ) -> reqwest::Response {
        c.post(self.url("/login"))
            .form(&[
                ("csrf", csrf),
                ("username", username),
                ("password", password),
                ("next", next),
            ])
            .send()
            .await
            .unwrap()
    }

    /// A browser at the login form: a client keeping cookies and not
    /// following redirects, and the form's CSRF token.
    pub async fn login_form(&self) -> (reqwest::Client, String) {
        let c = reqwest::Client::builder()
            .cookie_provider(std::sync::Arc::new(reqwest::cookie::Jar::default()))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let csrf = self.csrf_at(&c, "/login").await;
        (c, csrf)
    }

    /// A browser-like client signed in as `username` (cookies kept, redirects followed).
    pub async fn login(&self, username: &str) -> reqwest::Client {
        let c = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let csrf = self.csrf_at(&c, "/login").await;
        let r = self.sign_in(&c, &csrf, username, PASSWORD, "/").await;
        assert_eq!(r.status(), 200, "login of {username}");
        assert!(
            !r.url().as_str().contains("failed"),
            "login of {username} failed"
        );
        c
    }

    pub async fn sse(&self, path: &str, token: &str) -> Sse {
        Sse::of(self.client.get(self.url(path)).bearer_auth(token)).await
    }

    /// A stream opened by a signed-in browser (its session cookie).
    pub async fn sse_as(&self, browser: &reqwest::Client, path: &str) -> Sse {
        Sse::of(browser.get(self.url(path))).await
    }
}

pub struct Sse {
    body: std::pin::Pin<Box<dyn futures::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
    buf: String,
}

/// What a stream did within a wait.
#[derive(Debug, PartialEq)]
pub enum Heard {
    Event(String, String),
    /// The server closed it.
    Ended,
    /// Nothing but keep-alives.
    Quiet,
}

impl Sse {
    async fn of(req: reqwest::RequestBuilder) -> Sse {
        let r = req.send().await.unwrap();
        assert_eq!(r.status(), 200);
        assert!(r.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream"));
        Sse {
            body: Box::pin(r.bytes_stream()),
            buf: String::new(),
        }
    }

    /// The next (event, data) pair, skipping keep-alive comments.
    pub async fn next_event(&mut self, within: Duration) -> Option<(String, String)> {
        match self.listen(within).await {
            Heard::Event(k, d) => Some((k, d)),
            _ => None,
        }
    }

    /// The next event, the end of the stream, or quiet for `within`.
    pub async fn listen(&mut self, within: Duration) -> Heard {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            if let Some(i) = self.buf.find("\n\n") {
                let block: String = self.buf.drain(..i + 2).collect();
                let mut event = String::from("message");
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("event:") {
                        event = v.trim().to_string();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim_start());
                    }
                }
                if !data.is_empty() {
                    return Heard::Event(event, data);
                }
                continue;
            }
            match tokio::time::timeout_at(deadline, self.body.next()).await {
                Err(_) => return Heard::Quiet,
                Ok(None) | Ok(Some(Err(_))) => return Heard::Ended,
                Ok(Some(Ok(chunk))) => self.buf.push_str(&String::from_utf8_lossy(&chunk)),
            }
        }
    }
}
