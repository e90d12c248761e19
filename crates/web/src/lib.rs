//! honbu's web face. One router serves:
//! - the JSON API under `/api/v1`, described by the OpenAPI 3.1 document at
//!   `/api/openapi.json` (every API route is registered through
//!   `utoipa_axum::routes!`, so a route cannot exist without its entry);
//! - the server-rendered pages, readable without JavaScript;
//! - live updates over Server-Sent Events.
//!
//! Handlers parse, call the store's command handlers or queries, and render.
//! They hold no rules of their own: access and validation live in
//! `honbu-domain` and `honbu-store`.

// A page handler's error is the page to show instead (an axum `Response`);
// boxing it would buy nothing on a path that renders HTML anyway.
#![allow(clippy::result_large_err)]

pub mod accounts;
pub mod api;
pub mod attachments;
pub mod auth;
pub mod board;
pub mod conn;
pub mod error;
pub mod export;
pub mod extract;
pub mod headquarters;
pub mod i18n;
pub mod incidents;
pub mod live;
pub mod log;
pub mod pages;
pub mod people;
pub mod places;
pub mod reports;
pub mod request;
pub mod throttle;
pub mod work;

use axum::body::Body;
use axum::extract::{MatchedPath, State};
use axum::http::{header, HeaderValue, Request, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use honbu_store::Store;
use std::sync::Arc;
use tower_http::set_header::SetResponseHeaderLayer;

/// Largest request body accepted (a log entry is at most 20,000 characters);
/// the routes that take a file take [`Config::max_attachment_bytes`].
pub const BODY_LIMIT: usize = 256 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    pub throttle: Arc<throttle::Throttle>,
    /// Live streams' second looks at their credentials, shared per event.
    pub rechecks: Arc<live::Rechecks>,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// Mark cookies `Secure` (behind TLS).
    pub secure_cookies: bool,
    /// Shown on the login page of a demo instance.
    pub demo_note: Option<String>,
    /// Sign-in locks and the recording of refusal floods.
    pub throttle: throttle::Policy,
    /// Timeouts and caps on the connections the server holds.
    pub connections: conn::Limits,
    /// The largest file attached to an entry (default 25 MiB): the body
    /// limit of the routes that take one.
    pub max_attachment_bytes: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            secure_cookies: false,
            demo_note: None,
            throttle: Default::default(),
            connections: Default::default(),
            max_attachment_bytes: honbu_domain::attachments::DEFAULT_MAX_BYTES as usize,
        }
    }
}

pub fn router(store: Store, config: Config) -> Router {
    router_with_throttle(store, config).0
}

/// The router and its throttle (whose counts `serve` records on a timer).
fn router_with_throttle(store: Store, config: Config) -> (Router, Arc<throttle::Throttle>) {
    let throttle = Arc::new(throttle::Throttle::new(config.throttle));
    let state = AppState {
        store,
        throttle: throttle.clone(),
        config: Arc::new(config),
        rechecks: Default::default(),
    };
    let (api, openapi) = api::router().split_for_parts();
    let openapi = Arc::new(openapi);
    let app = Router::new()
        .merge(api)
        .route(
            "/api/openapi.json",
            axum::routing::get(move || {
                let doc = openapi.clone();
                async move { axum::Json(doc.as_ref().clone()) }
            }),
        )
        .merge(pages::router())
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), record_refusals))
        .layer(axum::middleware::from_fn_with_state(state.clone(), request::limit_body))
        .layer(axum::middleware::from_fn(request::frame))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff")))
        .layer(SetResponseHeaderLayer::if_not_present(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
        .layer(SetResponseHeaderLayer::if_not_present(header::REFERRER_POLICY, HeaderValue::from_static("same-origin")))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'"),
        ))
        .with_state(state);
    // A failed form comes back as its page, drawn by the same router.
    let inner = app.clone();
    let app = app.layer(axum::middleware::from_fn_with_state(
        inner,
        pages::redispatch,
    ));
    (app, throttle)
}

async fn not_found(req: Request<Body>) -> Response {
    if req.uri().path().starts_with("/api/") {
        error::ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such route").into_response()
    } else {
        pages::not_found_page(&req).into_response()
    }
}

/// Every refusal is recorded in the journal: 401, 403 and 404 on a real
/// route (a 404 there means "not yours to see" as often as "not there").
/// Past an allowance per requester and minute, refusals are counted and the
/// last of them recorded with the count (see `throttle`).
async fn record_refusals(
    State(state): State<AppState>,
    req: Request<Body>,
    next: Next,
) -> Response {
    let matched = req.extensions().get::<MatchedPath>().is_some();
    let headers = req.headers().clone();
    let action = req.method().to_string();
    let target = req.uri().path().to_string();
    let res = next.run(req).await;
    let s = res.status();
    if matched
        && matches!(
            s,
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
        )
    {
        let who = auth::resolve(&state, &headers)
            .await
            .ok()
            .flatten()
            .map(|v| v.p);
        let requester = who
            .as_ref()
            .map_or_else(|| "anonymous".to_string(), |p| p.user.to_string());
        // Past an allowance, refusals are counted, not written one by one.
        let due = state.throttle.refusal(
            &requester,
            &format!("{action} ({})", s.as_u16()),
            &target,
            std::time::Instant::now(),
        );
        record_refused(&state.store, due).await;
    }
    res
}

async fn record_refused(store: &Store, due: Vec<throttle::Refusal>) {
    if due.is_empty() {
        return;
    }
    let now = chrono::Utc::now();
    let events: Vec<_> = due
        .into_iter()
        .flat_map(|r| {
            honbu_store::accounts::refused(r.who.parse().ok(), &r.action, &r.target, r.repeats, now)
        })
        .collect();
    if let Err(e) = store.write(move |_| Ok((events, ()))).await {
        tracing::warn!("could not record a refusal: {e}");
    }
}

/// Writes the counts the throttle holds once they are due, so that a flood
/// that stops is still recorded with its size.
async fn record_counted(store: Store, throttle: Arc<throttle::Throttle>) {
    let p = *throttle.policy();
    let every = p
        .refusal_window
        .min(p.locked_record_every)
        .max(std::time::Duration::from_millis(100));
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        let (refused, locked) = throttle.drain(std::time::Instant::now());
        record_counts(&store, refused, locked).await;
    }
}

async fn record_counts(
    store: &Store,
    refused: Vec<throttle::Refusal>,
    locked: Vec<throttle::LockedAttempts>,
) {
    record_refused(store, refused).await;
    if !locked.is_empty() {
        let now = chrono::Utc::now();
        let mut events = vec![];
        for l in locked {
            let name = match accounts::login::recorded_name(store, &l.name).await {
                Ok(n) => n,
                Err(e) => {
                    tracing::warn!("could not record refused sign-ins: {e}");
                    continue;
                }
            };
            events.extend(honbu_store::accounts::login_failed(
                &name,
                accounts::login::LOCKED_REASON,
                l.repeats,
                now,
            ));
        }
        if let Err(e) = store.write(move |_| Ok((events, ()))).await {
            tracing::warn!("could not record refused sign-ins: {e}");
        }
    }
}

/// Serves on a bound listener until the future `shutdown` completes; tests
/// bind port 0 and read the address back.
pub async fn serve(
    listener: tokio::net::TcpListener,
    store: Store,
    config: Config,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Decode the world outline now rather than on the first board, and
    // build the gazetteer's index (a third of a second) off the async threads.
    let _ = honbu_maps::country_at(0.0, 0.0);
    tokio::task::spawn_blocking(|| {
        honbu_maps::places("a", 1);
        honbu_maps::render_svg(&honbu_maps::MapRequest {
            point: Some((-12.0, -77.0)),
            ..Default::default()
        });
    });
    let registry = conn::Registry::new(config.connections.clone());
    let (app, throttle) = router_with_throttle(store.clone(), config);
    let counted = tokio::spawn(record_counted(store.clone(), throttle.clone()));
    let served = conn::run(listener, app, registry, shutdown).await;
    counted.abort();
    // What is still counted is written before the server stops.
    let (refused, locked) = throttle.drain_all();
    record_counts(&store, refused, locked).await;
    served
}
