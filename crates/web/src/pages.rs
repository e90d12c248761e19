//! What every room's pages share. Server-rendered HTML that works without JavaScript; with it,
//! boards and logs update live. Every form posts with the session's CSRF
//! token and, on a mistake, comes back with the message beside the field
//! and what was typed still in it (Post/Redirect/Get throughout).

use crate::auth::{self, Viewer};
use crate::error::ApiError;
use crate::i18n::{self, Catalogue};
use crate::AppState;
use askama::Template;
use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use honbu_domain::time::{Timestamp, Zone};
use honbu_store::rules::Moment;
use honbu_store::versions::At;
use std::collections::HashMap;

/// Every room's pages, and the two static files they share.
pub fn router() -> Router<AppState> {
    let r = Router::new()
        .route(
            "/static/app.css",
            get(|| async {
                static_file("text/css; charset=utf-8", include_str!("../static/app.css"))
            }),
        )
        .route(
            "/static/app.js",
            get(|| async {
                static_file(
                    "text/javascript; charset=utf-8",
                    include_str!("../static/app.js"),
                )
            }),
        );
    let r = crate::incidents::pages(r);
    let r = crate::board::pages(r);
    let r = crate::headquarters::pages(r);
    let r = crate::log::pages(r);
    let r = crate::attachments::pages(r);
    let r = crate::work::pages(r);
    let r = crate::reports::pages(r);
    let r = crate::people::pages(r);
    crate::accounts::pages(r)
}

fn static_file(ct: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, ct),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        body,
    )
        .into_response()
}

/// What every page needs: the language, who is signed in, the CSRF token,
/// the message of a failed form and what was typed into it.
pub struct Chrome {
    pub t: &'static Catalogue,
    pub title: String,
    pub user: Option<String>,
    pub admin: bool,
    pub csrf: String,
    pub error: Option<(String, String)>,
    pub ok: Option<String>,
    pub form: HashMap<String, String>,
    pub languages: Vec<(&'static str, String)>,
    /// The incident the page belongs to, for the tab bar: (id, title, tab).
    pub incident: Option<(String, String, &'static str)>,
    /// The journal does not verify: honbu reads but writes nothing.
    pub journal_broken: Option<String>,
    /// On an incident page: the moment shown and the form to choose another.
    pub moment: Option<MomentBar>,
}

/// The "as of" bar of an incident page.
pub struct MomentBar {
    /// Where the form goes: this page, without its query.
    pub path: String,
    /// The moment in the viewer's HQ zone, for the form's input.
    pub input: String,
    pub zone: String,
    /// A past moment in all three clocks, for the banner; `None` now.
    pub past: Option<String>,
    /// `at=…` for links that stay in the moment (empty now).
    pub at: String,
}

impl Chrome {
    pub fn new(
        v: Option<&Viewer>,
        t: &'static Catalogue,
        title: impl Into<String>,
        q: &HashMap<String, String>,
    ) -> Self {
        // A failed form's message and what was typed come only with the
        // answer to its post (`redispatch`), never from the URL.
        let (error, form) = DRAFT
            .try_with(|d| (Some((d.field.clone(), d.message.clone())), d.form.clone()))
            .unwrap_or_default();
        Chrome {
            t,
            title: title.into(),
            user: v.map(|v| v.p.display_name.clone()),
            admin: v.is_some_and(|v| v.p.is_admin()),
            csrf: v.map(|v| v.csrf.clone()).unwrap_or_default(),
            error,
            ok: q.get("ok").filter(|k| t.has(k)).map(|k| t.t(k).to_string()),
            form,
            languages: i18n::languages()
                .iter()
                .map(|c| (c.lang, c.name.clone()))
                .collect(),
            incident: None,
            moment: None,
            journal_broken: v.and_then(|v| v.journal_problem.clone()),
        }
    }

    /// Says on the page that the journal does not verify (and so nothing
    /// can be saved), for a page shown without a signed-in viewer.
    pub fn journal(mut self, problem: Option<String>) -> Self {
        self.journal_broken = problem;
        self
    }

    /// Marks the page as showing `page`'s moment: the bar to choose another,
    /// the banner when it is in the past, links that stay in it.
    pub fn moment(mut self, page: &IncidentPage, uri: &axum::http::Uri) -> Self {
        let m = &page.moment;
        self.moment = Some(MomentBar {
            path: uri.path().to_string(),
            input: page.clock.input(&m.clock),
            zone: page.clock.hq.name().to_string(),
            past: m.asked.map(|t| page.clock.all(&t)),
            at: m
                .asked
                .map(|t| format!("at={}", honbu_domain::time::to_db(&t)))
                .unwrap_or_default(),
        });
        self
    }

    /// `?at=…` (or nothing) for a link that stays in the page's moment.
    pub fn at_q(&self) -> String {
        match &self.moment {
            Some(m) if !m.at.is_empty() => format!("?{}", m.at),
            _ => String::new(),
        }
    }

    /// `&at=…` (or nothing), for a link that has a query already.
    pub fn at_amp(&self) -> String {
        match &self.moment {
            Some(m) if !m.at.is_empty() => format!("&{}", m.at),
            _ => String::new(),
        }
    }

    /// Whether the page shows the present (and so may offer to change it).
    pub fn live(&self) -> bool {
        self.moment.as_ref().is_none_or(|m| m.past.is_none())
    }

    pub fn tab(mut self, id: impl ToString, title: &str, tab: &'static str) -> Self {
        self.incident = Some((id.to_string(), title.to_string(), tab));
        self
    }

    /// What was typed into `name` before the form came back.
    pub fn val(&self, name: &str) -> &str {
        self.form.get(name).map(String::as_str).unwrap_or("")
    }

    pub fn val_or<'a>(&'a self, name: &str, default: &'a str) -> &'a str {
        self.form.get(name).map(String::as_str).unwrap_or(default)
    }

    /// The message for `name`, if the last submission failed there.
    pub fn err(&self, name: &str) -> &str {
        match &self.error {
            Some((f, m))
                if f == name
                    || f.starts_with(&format!("{name}."))
                    || f.starts_with(&format!("{name}[")) =>
            {
                m
            }
            _ => "",
        }
    }

    /// A failure not tied to a field shown on the form. A moment the
    /// record cannot show is said beside the as-of bar's field instead:
    /// nothing was being saved.
    pub fn general_error(&self) -> Option<String> {
        let shown_by_the_bar = self.moment.is_some();
        self.error
            .as_ref()
            .filter(|(f, _)| !(shown_by_the_bar && f == "at"))
            .map(|(f, m)| {
                if f.is_empty() {
                    m.clone()
                } else {
                    format!("{}: {m}", self.label(f))
                }
            })
    }

    /// A field named in the form's own words: `field.<path>` from the
    /// catalogue, indices dropped (`hqs[0].time_zone` is `hqs.time_zone`),
    /// else the nearest enclosing field's label, else the path as given.
    pub fn label(&self, path: &str) -> String {
        let mut plain = String::new();
        let mut skipping = false;
        for ch in path.chars() {
            match ch {
                '[' => skipping = true,
                ']' => skipping = false,
                _ if !skipping => plain.push(ch),
                _ => {}
            }
        }
        let mut p = plain.as_str();
        loop {
            let key = format!("field.{p}");
            if self.t.has(&key) || crate::i18n::english().has(&key) {
                return self.t.t(&key).to_string();
            }
            match p.rsplit_once('.') {
                Some((head, _)) => p = head,
                None => return path.to_string(),
            }
        }
    }

    pub fn lang(&self) -> &'static str {
        self.t.lang
    }
}

/// Three clocks: the viewer's HQ, the incident's local zone, UTC.
#[derive(Clone, Copy)]
pub struct Clock {
    pub hq: Zone,
    pub local: Zone,
}

impl Clock {
    pub fn hq(&self, t: &Timestamp) -> String {
        self.hq.format(t)
    }
    pub fn local(&self, t: &Timestamp) -> String {
        self.local.format(t)
    }
    pub fn utc(&self, t: &Timestamp) -> String {
        Zone::UTC.format(t)
    }
    pub fn short(&self, t: &Timestamp) -> String {
        format!("{} {}", self.hq.format_short(t), self.hq.abbrev(t))
    }
    /// All three, for a title attribute.
    pub fn all(&self, t: &Timestamp) -> String {
        format!("{} · {} · {}", self.hq(t), self.local(t), self.utc(t))
    }
    pub fn iso(&self, t: &Timestamp) -> String {
        honbu_domain::time::to_db(t)
    }
    pub fn input(&self, t: &Timestamp) -> String {
        self.hq.format_input(t)
    }
    pub fn opt(&self, t: &Option<Timestamp>) -> String {
        t.as_ref().map(|t| self.hq(t)).unwrap_or_default()
    }
}

/// The viewer's clock for an incident: their HQ's zone there, else their own
/// setting, else UTC.
pub fn clock_for(v: &Viewer, hqs: &[honbu_domain::board::HqView], local: Zone) -> Clock {
    let mine = hqs.iter().find(|h| v.p.role_in(h.id).is_some());
    Clock {
        hq: mine.map(|h| h.time_zone).or(v.zone).unwrap_or(Zone::UTC),
        local,
    }
}

pub fn render(t: impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!("template: {e}");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal error; it has been logged",
            )
                .into_response()
        }
    }
}

/// The submitted form: name/value pairs in order (repeated names allowed).
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    pub fn parse(body: &[u8]) -> Result<Self, ApiError> {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
            .map(FormData)
            .map_err(|e| ApiError::bad_request(None, format!("the form does not decode: {e}")))
    }
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
    pub fn str(&self, name: &str) -> String {
        self.get(name).unwrap_or("").to_string()
    }
    /// A field left empty counts as absent.
    pub fn opt(&self, name: &str) -> Option<String> {
        self.get(name)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    }
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, v)| k == name && !v.trim().is_empty())
            .map(|(_, v)| v.clone())
            .collect()
    }
    pub fn checked(&self, name: &str) -> bool {
        self.get(name).is_some()
    }
    /// The words of a field typed as "JP, PE" or "JP PE".
    pub fn words(&self, name: &str) -> Vec<String> {
        self.str(name)
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }
    /// The registered source a form names (`source`), if any.
    pub fn source(&self) -> Result<Option<honbu_domain::ids::SourceId>, ApiError> {
        self.opt("source")
            .map(|h| {
                h.parse()
                    .map_err(|_| ApiError::invalid("source", "is not a registered source"))
            })
            .transpose()
    }
    /// The credibility a form gives (`credibility`): a form sends text, the
    /// API takes a number, as its schema says.
    pub fn credibility(&self) -> Result<Option<serde_json::Value>, ApiError> {
        self.opt("credibility")
            .map(|s| {
                s.trim()
                    .parse::<i64>()
                    .map(serde_json::Value::from)
                    .map_err(|_| {
                        ApiError::invalid("credibility", "must be a credibility grade from 1 to 6")
                    })
            })
            .transpose()
    }
    /// Refuses a form without the session's CSRF token.
    pub fn check(&self, v: &Viewer) -> Result<(), Response> {
        match self.get("csrf") {
            Some(t) if !v.csrf.is_empty() && auth::same(t, &v.csrf) => Ok(()),
            _ => Err(forbidden_form(v.lang)),
        }
    }
}

pub fn forbidden_form(t: &'static Catalogue) -> Response {
    (StatusCode::FORBIDDEN, Html(format!("<!doctype html><meta charset=utf-8><title>403</title><p>{}</p><p><a href=\"javascript:history.back()\">{}</a></p>", t.t("error.csrf"), t.t("action.back")))).into_response()
}

/// A form posted by a signed-in user, its CSRF token already checked: a
/// handler that takes `Posted` cannot forget the check.
pub struct Posted(pub Viewer, pub FormData);

impl axum::extract::FromRequest<AppState> for Posted {
    type Rejection = Response;
    async fn from_request(req: axum::extract::Request, state: &AppState) -> Result<Self, Response> {
        use axum::extract::FromRequestParts;
        let (mut parts, body) = req.into_parts();
        let auth::PageViewer(v) = auth::PageViewer::from_request_parts(&mut parts, state).await?;
        let bytes = axum::body::to_bytes(body, crate::BODY_LIMIT)
            .await
            .map_err(|_| {
                ApiError::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "too_large",
                    "the form is too large",
                )
                .into_response()
            })?;
        let f = FormData::parse(&bytes).map_err(IntoResponse::into_response)?;
        f.check(&v)?;
        Ok(Posted(v, f))
    }
}

/// Back to `to` with the error beside `field` and the typed values kept.
pub fn back_with_error(to: &str, e: ApiError, form: &FormData) -> Response {
    if e.status == StatusCode::NOT_FOUND {
        return not_found_response();
    }
    let draft = Draft {
        to: to.split('#').next().unwrap_or(to).to_string(),
        status: if e.status.is_client_error() || e.status.is_server_error() {
            e.status
        } else {
            StatusCode::UNPROCESSABLE_ENTITY
        },
        field: e.field.as_deref().map(form_field).unwrap_or_default(),
        message: e.message.clone(),
        form: form
            .0
            .iter()
            .filter(|(k, _)| k.as_str() != "csrf" && !k.contains("password"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect(),
    };
    // Without the page to come back to (`redispatch` not in the stack),
    // at least back to the form.
    let mut resp = Redirect::to(to).into_response();
    resp.extensions_mut().insert(draft);
    resp.headers_mut()
        .insert("x-honbu-error", axum::http::HeaderValue::from_static("1"));
    resp
}

/// The form's name for a field the commands name by its path in the JSON
/// they take (`area.radius_m` is the form's `radius_m`, `based_on[2]` its
/// `based_on`), so the message stands beside the field it is about.
fn form_field(path: &str) -> String {
    const NAMES: &[(&str, &str)] = &[
        ("based_on[", "based_on"),
        ("links[", "links"),
        ("options[", "options"),
    ];
    NAMES
        .iter()
        .find(|(p, _)| {
            path == *p
                || path.starts_with(&format!("{p}."))
                || (p.ends_with('[') && path.starts_with(p))
        })
        .map(|(_, f)| f.to_string())
        .unwrap_or_else(|| path.to_string())
}

/// A form that failed, on its way back: the page it came from, the
/// message, and everything typed into it (but a password), whole.
#[derive(Debug, Clone)]
pub struct Draft {
    pub to: String,
    pub status: StatusCode,
    pub field: String,
    pub message: String,
    pub form: HashMap<String, String>,
}

tokio::task_local! {
    static DRAFT: Draft;
}

/// What a failed form being shown again had in `field` (none otherwise).
pub fn draft_value(field: &str) -> Option<String> {
    DRAFT
        .try_with(|d| d.form.get(field).cloned())
        .ok()
        .flatten()
}

/// Drafts are never lost: a form that fails comes back in the answer to
/// its post itself — the page it came from, rendered with the message and
/// everything as typed, at any length — never through a redirect that
/// would carry the text in the URL (into history and logs), and never from
/// a query a stranger could craft into an official-looking banner.
pub async fn redispatch(
    axum::extract::State(inner): axum::extract::State<Router>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let mut carried = HeaderMap::new();
    for h in [
        header::COOKIE,
        header::ACCEPT_LANGUAGE,
        header::HOST,
        header::USER_AGENT,
    ] {
        for v in req.headers().get_all(&h) {
            carried.append(h.clone(), v.clone());
        }
    }
    let peer = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .cloned();
    let res = next.run(req).await;
    let Some(draft) = res.extensions().get::<Draft>().cloned() else {
        return res;
    };
    if DRAFT.try_with(|_| ()).is_ok() {
        // The page itself failed with the draft: no second round.
        return res;
    }
    let Ok(mut get) = Request::get(&draft.to).body(Body::empty()) else {
        return res;
    };
    *get.headers_mut() = carried;
    if let Some(p) = peer {
        get.extensions_mut().insert(p);
    }
    let status = draft.status;
    let page = DRAFT
        .scope(draft, tower::ServiceExt::oneshot(inner, get))
        .await;
    match page {
        Ok(mut p) if p.status() == StatusCode::OK => {
            *p.status_mut() = status;
            p.headers_mut()
                .insert("x-honbu-error", axum::http::HeaderValue::from_static("1"));
            p
        }
        _ => res,
    }
}

/// Runs one command for a form: on success back to `ok_to` with the
/// message `ok_key`, on failure to `err_to` with the error and what was typed.
pub async fn submit<T: Send + 'static>(
    s: &AppState,
    v: &Viewer,
    f: &FormData,
    ok_to: &str,
    ok_key: &str,
    err_to: &str,
    run: impl FnOnce(
            &mut dyn honbu_store::sql::Conn,
            &honbu_store::rules::Ctx,
        ) -> honbu_store::Result<(Vec<honbu_domain::events::Event>, T)>
        + Send
        + 'static,
) -> Response {
    match crate::api::exec(s, v, run).await {
        Ok(_) => done(ok_to, ok_key),
        Err(e) => back_with_error(err_to, e, f),
    }
}

/// Refuses a page's scripted upload (a file sent as the body, the session
/// in its cookie) without the session's CSRF token in `X-CSRF-Token`.
pub fn csrf_header(v: &Viewer, headers: &axum::http::HeaderMap) -> Result<(), ApiError> {
    let token = headers.get("x-csrf-token").and_then(|t| t.to_str().ok());
    if v.csrf.is_empty() || !token.is_some_and(|t| auth::same(t, &v.csrf)) {
        return Err(ApiError::forbidden(
            "the upload needs the session's CSRF token in X-CSRF-Token (reload the page)",
        ));
    }
    Ok(())
}

pub fn done(to: &str, ok_key: &str) -> Response {
    let sep = if to.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{to}{sep}ok={ok_key}")).into_response()
}

pub fn not_found_response() -> Response {
    (StatusCode::NOT_FOUND, Html("<!doctype html><meta charset=utf-8><title>404</title><link rel=stylesheet href=/static/app.css><main class=narrow><h1>404</h1><p>Not found, or not yours to see. — 見つからないか、閲覧権限がありません。</p><p><a href=/>honbu</a></p></main>".to_string())).into_response()
}

pub fn not_found_page(_req: &Request<Body>) -> Response {
    not_found_response()
}

/// Query parameters as a map (for error and typed values).
pub fn query_map(uri: &axum::http::Uri) -> HashMap<String, String> {
    uri.query()
        .and_then(|q| serde_urlencoded::from_str::<Vec<(String, String)>>(q).ok())
        .unwrap_or_default()
        .into_iter()
        .collect()
}

pub fn lang_of(headers: &HeaderMap, v: Option<&Viewer>) -> &'static Catalogue {
    v.map(|v| v.lang)
        .unwrap_or_else(|| auth::browser_language(headers))
}

/// Errors a page handler may end in.
pub enum PageError {
    NotFound,
    Api(ApiError),
    Response(Response),
}

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        if e.status == StatusCode::NOT_FOUND {
            PageError::NotFound
        } else {
            PageError::Api(e)
        }
    }
}

impl From<honbu_store::StoreError> for PageError {
    fn from(e: honbu_store::StoreError) -> Self {
        ApiError::from(e).into()
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::NotFound => not_found_response(),
            PageError::Api(e) => {
                // A failure of ours names the request, as the log does, so
                // whoever reports it can be matched with what was logged.
                let reference = match crate::request::current() {
                    Some(id) if e.status.is_server_error() => {
                        format!(
                            "<p class=hint>Request <code>{}</code></p>",
                            askama_escape(&id)
                        )
                    }
                    _ => String::new(),
                };
                (e.status, Html(format!("<!doctype html><meta charset=utf-8><title>{}</title><link rel=stylesheet href=/static/app.css><main class=narrow><h1>{}</h1><p>{}</p>{reference}<p><a href=/>honbu</a></p></main>", e.status.as_u16(), e.status.as_u16(), askama_escape(&e.message)))).into_response()
            }
            PageError::Response(r) => r,
        }
    }
}

pub fn askama_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

pub type PageResult = Result<Response, PageError>;

/// The incident, its HQs (now) and the viewer's clock, or 404.
pub async fn context(
    s: &AppState,
    v: &Viewer,
    id: honbu_domain::ids::IncidentId,
) -> Result<
    (
        honbu_domain::board::IncidentView,
        Vec<honbu_domain::board::HqView>,
        Clock,
    ),
    PageError,
> {
    let p = v.p.clone();
    let (inc, hqs) = s
        .store
        .read(move |c| {
            let Some(inc) = honbu_store::incidents::incident(c, &p, id, At::Now)? else {
                return Ok(None);
            };
            Ok(Some((
                inc,
                honbu_store::headquarters::hq_views(c, id, At::Now, crate::api::now())?,
            )))
        })
        .await?
        .ok_or(PageError::NotFound)?;
    let clock = clock_for(v, &hqs, inc.time_zone);
    Ok((inc, hqs, clock))
}

/// An incident page's frame: the incident and its HQs as the record stood
/// at the moment the page shows, the viewer's clock, and that moment.
pub struct IncidentPage {
    pub inc: honbu_domain::board::IncidentView,
    pub hqs: Vec<honbu_domain::board::HqView>,
    pub clock: Clock,
    pub moment: Moment,
}

impl IncidentPage {
    /// `can` on a page of the present; nothing can be changed in the past.
    pub fn may(&self, can: bool) -> bool {
        can && self.moment.is_now()
    }

    /// Whether to offer a form for new work: as `may`, and never on a
    /// closed incident, whose record is final (the store refuses it too).
    pub fn may_work(&self, can: bool) -> bool {
        self.may(can) && !self.inc.status.is_closed()
    }
}

/// The frame of an incident page at the moment its query asks for: `at`
/// (RFC 3339, as links carry it) or `at_local` (typed in the viewer's HQ
/// zone); now when neither. A stranger gets 404 whatever the moment; a
/// moment the record cannot show brings the page back, now, with the reason
/// beside the field.
pub async fn incident_page(
    s: &AppState,
    v: &Viewer,
    id: honbu_domain::ids::IncidentId,
    uri: &axum::http::Uri,
) -> Result<IncidentPage, PageError> {
    let (inc, hqs, clock) = context(s, v, id).await?;
    let q = query_map(uri);
    let typed = |k: &str| q.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
    let asked = match (typed("at_local"), typed("at")) {
        (Some(l), _) => clock.hq.parse_local("at", l).map(Some),
        (None, Some(a)) => honbu_domain::time::parse_time("at", a).map(Some),
        (None, None) => Ok(None),
    }
    .map(|t| t.map(honbu_domain::time::trunc))
    .map_err(ApiError::from);
    let back = |e: ApiError| {
        // What was typed comes back in the field; an `at` from a link does not.
        let typed: Vec<(String, String)> = q
            .iter()
            .filter(|(k, _)| k.as_str() == "at_local")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        PageError::Response(back_with_error(uri.path(), e, &FormData(typed)))
    };
    let asked = asked.map_err(back)?;
    let Some(_) = asked else {
        return Ok(IncidentPage {
            inc,
            hqs,
            clock,
            moment: Moment::now(crate::api::now()),
        });
    };
    let p = v.p.clone();
    let now = crate::api::now();
    let read = s
        .store
        .read(move |c| {
            let m = honbu_store::rules::moment(c, &p, id, asked, now)?;
            let inc = honbu_store::incidents::incident(c, &p, id, m.at)?;
            let hqs = honbu_store::headquarters::hq_views(c, id, m.at, m.clock)?;
            Ok((m, inc, hqs))
        })
        .await;
    match read {
        Ok((moment, Some(inc), hqs)) => Ok(IncidentPage {
            inc,
            hqs,
            clock,
            moment,
        }),
        Ok((_, None, _)) => Err(PageError::NotFound),
        Err(honbu_store::StoreError::NotFound) => Err(PageError::NotFound),
        Err(e @ honbu_store::StoreError::Invalid(_)) => Err(back(e.into())),
        Err(e) => Err(e.into()),
    }
}

/// Reads a wall-clock time typed in the viewer's HQ zone (form inputs carry no offset).
pub fn local_time(f: &FormData, name: &str, zone: Zone) -> Result<Option<String>, ApiError> {
    match f.opt(name) {
        None => Ok(None),
        Some(s) => zone
            .parse_local(name, &s)
            .map(|t| Some(honbu_domain::time::to_db(&t)))
            .map_err(|e| ApiError::invalid(e.field, e.message)),
    }
}

/// The zone a form's times are read in: that of the HQ the form acts for
/// (the one chosen, else the one the store will take: the viewer's first
/// HQ with `cap`, else the incident's first for an administrator), so that
/// "14:00" typed for the HQ in Bamako is 14:00 in Bamako; the viewer's own
/// zone when none applies. The form's labels say the same zone.
pub fn acting_zone(
    hqs: &[honbu_domain::board::HqView],
    p: &honbu_domain::access::Principal,
    chosen: Option<&str>,
    cap: honbu_domain::vocab::Capability,
    fallback: Zone,
) -> Zone {
    let by_id = |id: honbu_domain::ids::HqId| hqs.iter().find(|h| h.id == id);
    chosen
        .and_then(|c| c.trim().parse().ok())
        .and_then(by_id)
        .or_else(|| {
            p.memberships
                .iter()
                .find(|m| hqs.iter().any(|h| h.id == m.hq) && m.capabilities.contains(&cap))
                .and_then(|m| by_id(m.hq))
        })
        .or_else(|| hqs.first().filter(|_| p.is_admin()))
        .map_or(fallback, |h| h.time_zone)
}

/// The name of headquarters `id` among `hqs` (empty if it is not there).
pub fn hq_name(hqs: &[honbu_domain::board::HqView], id: honbu_domain::ids::HqId) -> String {
    hqs.iter()
        .find(|h| h.id == id)
        .map(|h| h.name.clone())
        .unwrap_or_default()
}

/// Ids from a page's path, typed as the API's are: one that does not parse
/// names nothing that exists, and gets the 404 page.
pub struct PagePath<T>(pub T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned + Send> axum::extract::FromRequestParts<S>
    for PagePath<T>
{
    type Rejection = Response;
    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &S,
    ) -> Result<Self, Response> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|axum::extract::Path(v)| PagePath(v))
            .map_err(|_| not_found_response())
    }
}
