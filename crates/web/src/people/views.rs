//! People of concern: the accountability board and register, one person's
//! page with their reports, and the forms that record, report, settle and
//! erase.

use crate::auth::PageViewer;
use crate::error::ApiError;
use crate::pages::{
    back_with_error, context, done, incident_page, local_time, query_map, render, submit, Chrome,
    Clock, FormData, PageError, PagePath, PageResult, Posted,
};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::Uri;
use honbu_domain::board::HqView;
use honbu_domain::commands::*;
use honbu_domain::ids::*;
use honbu_domain::people::{Accountability, Count, Outcome, PersonRecord, PersonView};
use honbu_domain::vocab::*;
use honbu_store::log::SourceRow;
use honbu_store::people::{self, PersonFilter};
use honbu_store::rules::Page;

#[derive(Template)]
#[template(path = "people.html")]
struct PeoplePage {
    c: Chrome,
    incident: IncidentId,
    board: Accountability,
    page: Page<PersonView>,
    clock: Clock,
    can_manage: bool,
    statuses: &'static [PersonStatus],
    roles: &'static [PersonRole],
    sexes: &'static [Sex],
    my_hqs: Vec<(HqId, String)>,
    q: String,
    status: String,
    unaccounted: bool,
    review: bool,
    filter_error: String,
    at_value: String,
    /// The chart of people by status over time (SVG drawn here).
    chart: String,
    /// This page with its query, which the live regions fetch again.
    refresh: String,
    /// Whether the viewer may read who the people are (members, not
    /// global readers).
    personal: bool,
}

impl PeoplePage {
    fn status_count(&self, s: &PersonStatus) -> i64 {
        self.board
            .by_status
            .iter()
            .find(|c| c.key == s.as_str())
            .map_or(0, |c| c.count)
    }
    /// A bar's width in percent of the total.
    fn share(&self, n: &i64) -> i64 {
        if self.board.total == 0 {
            0
        } else {
            (n * 100 + self.board.total / 2) / self.board.total
        }
    }
    fn country(&self, code: &str) -> String {
        if code.is_empty() {
            self.c.t.t("people.not_given").to_string()
        } else {
            self.c.t.country(code)
        }
    }
    fn or_none(&self, k: &Count) -> String {
        if k.key.is_empty() {
            self.c.t.t("people.not_given").to_string()
        } else {
            k.key.clone()
        }
    }
    fn role_name(&self, k: &Count) -> String {
        PersonRole::parse("role", &k.key)
            .map(|r| self.c.t.t(r.msg_key()).to_string())
            .unwrap_or_else(|_| k.key.clone())
    }
    fn nationalities(&self, p: &PersonView) -> String {
        p.nationalities
            .iter()
            .map(|n| self.c.t.country(n))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

pub async fn people_page(
    State(s): State<AppState>,
    PageViewer(v): PageViewer,
    PagePath(id): PagePath<IncidentId>,
    uri: Uri,
) -> PageResult {
    let frame = incident_page(&s, &v, id, &uri).await?;
    let (p, at) = (v.p.clone(), frame.moment.at);
    let qm = query_map(&uri);
    let typed = crate::people::api::PersonParams {
        status: qm.get("status").cloned(),
        q: qm.get("q").cloned(),
        unaccounted: Some(qm.get("unaccounted").is_some_and(|v| v == "1")),
        review: Some(qm.get("review").is_some_and(|v| v == "1")),
        ..Default::default()
    };
    let (filter, filter_error) = match typed.filter() {
        Ok(f) => (f, String::new()),
        Err(e) => (PersonFilter::default(), e.message.clone()),
    };
    let f2 = filter.clone();
    let clock_now = frame.moment.clock;
    let (board, page, points, end) = s
        .store
        .read(move |c| {
            // A closed incident's chart ends where its clock stopped.
            let end = honbu_store::incidents::incident_clock(c, id, at, clock_now)?;
            let board = people::accountability(c, &p, id, at)?;
            // Counts over time are no one's personal data: whoever sees the
            // board sees them.
            let points = if board.total > 0 {
                people::status_over_time(c, id, at)?
            } else {
                vec![]
            };
            Ok((
                board,
                people::persons(c, &p, id, at, &f2, 1000, 0)?,
                points,
                end,
            ))
        })
        .await?;
    let chart = crate::people::chart::status_chart(&points, end, &frame.clock, v.lang);
    let c = Chrome::new(Some(&v), v.lang, v.lang.t("nav.people"), &qm)
        .tab(id, &frame.inc.title, "people")
        .moment(&frame, &uri);
    Ok(render(PeoplePage {
        c,
        incident: id,
        board,
        page,
        clock: frame.clock,
        can_manage: frame.may_work(v.p.can_in_incident(id, Capability::PersonsManage)),
        statuses: PersonStatus::ALL,
        roles: PersonRole::ALL,
        sexes: Sex::ALL,
        my_hqs: frame
            .hqs
            .iter()
            .filter(|h| v.p.can(h.id, Capability::PersonsManage))
            .map(|h| (h.id, h.name.clone()))
            .collect(),
        q: qm.get("q").cloned().unwrap_or_default(),
        status: filter
            .status
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        unaccounted: filter.unaccounted,
        review: filter.in_review,
        filter_error,
        at_value: qm.get("at").cloned().unwrap_or_default(),
        chart,
        refresh: uri
            .path_and_query()
            .map_or_else(|| format!("/incidents/{id}/people"), |p| p.to_string()),
        personal: people::may_read_personal(&v.p, id),
    }))
}

/// Lines of a text area, each trimmed, empty ones dropped.
fn lines(f: &FormData, name: &str) -> Vec<String> {
    f.str(name)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

fn hq_field(f: &FormData) -> Result<Option<HqId>, ApiError> {
    f.opt("hq")
        .map(|h| {
            h.parse()
                .map_err(|_| ApiError::invalid("hq", "is not a headquarters of this incident"))
        })
        .transpose()
}

fn new_person(f: &FormData) -> Result<NewPerson, ApiError> {
    Ok(NewPerson {
        family_name: f.opt("family_name"),
        given_name: f.opt("given_name"),
        native_name: f.opt("native_name"),
        other_names: lines(f, "other_names"),
        sex: f.opt("sex"),
        date_of_birth: f.opt("date_of_birth"),
        age: f
            .opt("age")
            .map(|a| {
                a.parse::<u16>()
                    .map_err(|_| ApiError::invalid("age", "must be from 0 to 130"))
            })
            .transpose()?,
        nationalities: f.words("nationalities"),
        passport_number: f.opt("passport_number"),
        employer: f.opt("employer"),
        role: f.str("role"),
        location: f.opt("location"),
        contacts: lines(f, "contacts"),
        hq: hq_field(f)?,
    })
}

pub async fn record(
    State(s): State<AppState>,
    PagePath(id): PagePath<IncidentId>,
    Posted(v, f): Posted,
) -> PageResult {
    let back = format!("/incidents/{id}/people");
    let r = match new_person(&f) {
        Ok(r) => r,
        Err(e) => return Ok(back_with_error(&back, e, &f)),
    };
    let key = s.store.key().clone();
    match crate::api::exec(&s, &v, move |c, ctx| {
        people::record_person(c, ctx, &key, id, &r)
    })
    .await
    {
        Ok(p) => Ok(done(
            &format!("/incidents/{id}/people/{p}"),
            "ok.person_recorded",
        )),
        Err(e) => Ok(back_with_error(&back, e, &f)),
    }
}

#[derive(Template)]
#[template(path = "person.html")]
struct PersonPage {
    c: Chrome,
    incident: IncidentId,
    rec: PersonRecord,
    clock: Clock,
    hqs: Vec<HqView>,
    can_report: bool,
    can_settle: bool,
    can_erase: bool,
    statuses: &'static [PersonStatus],
    sources: Vec<SourceRow>,
    bases: &'static [ErasureBasis],
    roles: &'static [PersonRole],
    form_zone: &'static str,
}

impl PersonPage {
    fn dob(&self) -> String {
        self.rec
            .person
            .details
            .as_ref()
            .and_then(|d| d.date_of_birth)
            .map(|b| b.to_string())
            .unwrap_or_default()
    }
    fn nationality_codes(&self) -> String {
        self.rec.person.nationalities.join(", ")
    }
    fn employer(&self) -> String {
        self.rec.person.employer.clone().unwrap_or_default()
    }
    fn hq_name(&self, id: &HqId) -> String {
        crate::pages::hq_name(&self.hqs, *id)
    }
    fn outcome_key(o: &Outcome) -> &'static str {
        match o {
            Outcome::Holds => "people.outcome.holds",
            Outcome::Noted { .. } => "people.outcome.noted",
            Outcome::Review { .. } => "people.outcome.review",
        }
    }
    fn outcome_reason(o: &Outcome) -> &str {
        match o {
            Outcome::Holds => "",
            Outcome::Noted { reason } | Outcome::Review { reason } => reason,
        }
    }
    fn nationalities(&self) -> String {
        self.rec
            .person
            .nationalities
            .iter()
            .map(|n| self.c.t.country(n))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// The person as the viewer may see them in incident `id`, at `at`.
async fn person_in(
    s: &AppState,
    v: &crate::auth::Viewer,
    id: IncidentId,
    person: PersonId,
    at: honbu_store::versions::At,
) -> Result<(PersonRecord, Vec<SourceRow>), PageError> {
    let p = v.p.clone();
    s.store
        .read(move |c| {
            let Some(r) = people::person(c, &p, person, at)? else {
                return Ok(None);
            };
            if r.person.incident != id {
                return Ok(None);
            }
            Ok(Some((r, honbu_store::log::sources(c)?)))
        })
        .await?
        .ok_or(PageError::NotFound)
}

pub async fn person_page(
    State(s): State<AppState>,
    PageViewer(v): PageViewer,
    PagePath((id, person)): PagePath<(IncidentId, PersonId)>,
    uri: Uri,
) -> PageResult {
    let frame = incident_page(&s, &v, id, &uri).await?;
    let (rec, sources) = person_in(&s, &v, id, person, frame.moment.at).await?;
    let qm = query_map(&uri);
    let c = Chrome::new(Some(&v), v.lang, rec.person.label(), &qm)
        .tab(id, &frame.inc.title, "people")
        .moment(&frame, &uri);
    let manage = v.p.can_in_incident(id, Capability::PersonsManage);
    Ok(render(PersonPage {
        c,
        incident: id,
        can_report: frame.may_work(manage),
        can_settle: frame.may_work(manage),
        // Erasure is not new work: a closed incident's people are erased
        // when their time is up.
        can_erase: frame.may(
            v.p.can_in_incident(id, Capability::PersonalDataErase)
                && rec.person.erased_at.is_none(),
        ),
        statuses: PersonStatus::ALL,
        sources,
        bases: ErasureBasis::ALL,
        roles: PersonRole::ALL,
        form_zone: crate::pages::acting_zone(
            &frame.hqs,
            &v.p,
            None,
            Capability::PersonsManage,
            frame.clock.hq,
        )
        .name(),
        rec,
        clock: frame.clock,
        hqs: frame.hqs,
    }))
}

/// A form posted to a person under incident `id` acts on that person
/// only if they are that incident's and the viewer may know them: an id
/// guessed or carried over from another incident is not found.
async fn of_incident(
    s: &AppState,
    v: &crate::auth::Viewer,
    id: IncidentId,
    person: PersonId,
) -> Result<(), PageError> {
    let p = v.p.clone();
    let here = s
        .store
        .read(move |c| people::person_incident(c, &p, person))
        .await?;
    if here == Some(id) {
        Ok(())
    } else {
        Err(PageError::NotFound)
    }
}

pub async fn report(
    State(s): State<AppState>,
    PagePath((id, person)): PagePath<(IncidentId, PersonId)>,
    Posted(v, f): Posted,
) -> PageResult {
    let to = format!("/incidents/{id}/people/{person}");
    of_incident(&s, &v, id, person).await?;
    let (_, hqs, clock) = context(&s, &v, id).await?;
    let zone = crate::pages::acting_zone(&hqs, &v.p, None, Capability::PersonsManage, clock.hq);
    let parsed = (|| {
        Ok::<_, ApiError>(ReportStatus {
            status: f.str("status"),
            source: f.source()?,
            credibility: f.credibility()?,
            reported_at: local_time(&f, "reported_at", zone)?,
            note: f.opt("note"),
            hq: None,
        })
    })();
    let r = match parsed {
        Ok(r) => r,
        Err(e) => return Ok(back_with_error(&to, e, &f)),
    };
    let key = s.store.key().clone();
    match crate::api::exec(&s, &v, move |c, ctx| {
        people::report_status(c, ctx, &key, person, &r)
    })
    .await
    {
        Ok(out) => Ok(done(
            &to,
            match out.outcome {
                Outcome::Holds => "ok.status_holds",
                Outcome::Noted { .. } => "ok.status_noted",
                Outcome::Review { .. } => "ok.status_review",
            },
        )),
        Err(e) => Ok(back_with_error(&to, e, &f)),
    }
}

pub async fn settle(
    State(s): State<AppState>,
    PagePath((id, person)): PagePath<(IncidentId, PersonId)>,
    Posted(v, f): Posted,
) -> PageResult {
    let to = format!("/incidents/{id}/people/{person}");
    of_incident(&s, &v, id, person).await?;
    let Ok(report) = f.str("report").trim().parse::<PersonReportId>() else {
        return Ok(back_with_error(
            &to,
            ApiError::invalid("report", "is not a report on this person"),
            &f,
        ));
    };
    let r = SettleStatus {
        report,
        reason: f.str("reason"),
    };
    Ok(
        submit(&s, &v, &f, &to, "ok.status_settled", &to, move |c, ctx| {
            people::settle_status(c, ctx, person, &r)
        })
        .await,
    )
}

pub async fn erase(
    State(s): State<AppState>,
    PagePath((id, person)): PagePath<(IncidentId, PersonId)>,
    Posted(v, f): Posted,
) -> PageResult {
    let to = format!("/incidents/{id}/people/{person}");
    of_incident(&s, &v, id, person).await?;
    if f.get("confirm") != Some("yes") {
        return Ok(back_with_error(
            &to,
            ApiError::invalid(
                "confirm",
                "tick the box to confirm: erasure cannot be undone",
            ),
            &f,
        ));
    }
    let r = ErasePerson {
        basis: f.str("basis"),
        reason: f.str("reason"),
    };
    match crate::people::api::erase(&s, &v, person, r).await {
        Ok(_) => Ok(done(&to, "ok.person_erased")),
        Err(e) => Ok(back_with_error(&to, e, &f)),
    }
}

/// The amend form sends every field as it stands; each is given to the
/// store, which records only what changed. A passport number is sent only
/// by those who see it whole (others are not offered the field, and a
/// masked value must never be saved as the number).
pub async fn amend(
    State(s): State<AppState>,
    PagePath((id, person)): PagePath<(IncidentId, PersonId)>,
    Posted(v, f): Posted,
) -> PageResult {
    let to = format!("/incidents/{id}/people/{person}");
    of_incident(&s, &v, id, person).await?;
    let r = AmendPerson {
        family_name: Some(f.str("family_name")),
        given_name: Some(f.str("given_name")),
        native_name: Some(f.str("native_name")),
        other_names: Some(lines(&f, "other_names")),
        date_of_birth: Some(f.str("date_of_birth")),
        nationalities: Some(f.words("nationalities")),
        passport_number: f.get("passport_number").map(str::to_string),
        employer: Some(f.str("employer")),
        role: f.opt("role"),
        location: Some(f.str("location")),
        ..Default::default()
    };
    let key = s.store.key().clone();
    match crate::api::exec(&s, &v, move |c, ctx| {
        people::amend_person(c, ctx, &key, person, &r)
    })
    .await
    {
        Ok(()) => Ok(done(&to, "ok.saved")),
        Err(e) => Ok(back_with_error(&to, e, &f)),
    }
}

#[derive(Template)]
#[template(path = "lists.html")]
struct ListsPage {
    c: Chrome,
    incident: IncidentId,
    lists: Vec<honbu_store::people::lists::ListView>,
    queue: Vec<honbu_store::people::lists::ReviewItem>,
    clock: Clock,
    can_import: bool,
    sources: Vec<SourceRow>,
    roles: &'static [PersonRole],
    /// The report of a list just pasted, shown on the page it was pasted on.
    report: Option<honbu_domain::people::ImportReport>,
    max_bytes: usize,
}

impl ListsPage {
    fn percent(p: &f64) -> String {
        format!("{:.0} %", p * 100.0)
    }
    fn details_line(&self, d: &honbu_domain::people::PersonDetails) -> String {
        let mut parts = vec![d.display_name()];
        if !d.native_name.is_empty() {
            parts.push(d.native_name.clone());
        }
        if let Some(b) = d.date_of_birth {
            parts.push(b.to_string());
        }
        if !d.passport_number.is_empty() {
            parts.push(d.passport_number.clone());
        }
        parts.join(" · ")
    }
}

async fn lists_page_with(
    s: &AppState,
    v: &crate::auth::Viewer,
    id: IncidentId,
    uri: &Uri,
    report: Option<honbu_domain::people::ImportReport>,
) -> PageResult {
    let frame = incident_page(s, v, id, uri).await?;
    let (p, at) = (v.p.clone(), frame.moment.at);
    let (lists, queue, sources) = s
        .store
        .read(move |c| {
            Ok((
                honbu_store::people::lists::lists(c, &p, id, at)?,
                honbu_store::people::lists::review_queue(c, &p, id, at)?,
                honbu_store::log::sources(c)?,
            ))
        })
        .await?;
    let qm = query_map(uri);
    let c = Chrome::new(Some(v), v.lang, v.lang.t("people.lists"), &qm)
        .tab(id, &frame.inc.title, "people")
        .moment(&frame, uri);
    Ok(render(ListsPage {
        c,
        incident: id,
        lists,
        queue,
        clock: frame.clock,
        can_import: frame.may_work(v.p.can_in_incident(id, Capability::PersonsManage)),
        sources,
        roles: PersonRole::ALL,
        report,
        max_bytes: s.config.max_attachment_bytes,
    }))
}

pub async fn lists_page(
    State(s): State<AppState>,
    PageViewer(v): PageViewer,
    PagePath(id): PagePath<IncidentId>,
    uri: Uri,
) -> PageResult {
    lists_page_with(&s, &v, id, &uri, None).await
}

fn import_params(
    source: String,
    role: Option<String>,
    take_good: bool,
) -> crate::people::api::ImportParams {
    crate::people::api::ImportParams {
        source,
        take_good: Some(take_good),
        role,
    }
}

/// A list pasted into the page (no script needed): imported, and the page
/// drawn again with what it did, refused rows by line and field.
pub async fn paste(
    State(s): State<AppState>,
    PagePath(id): PagePath<IncidentId>,
    uri: Uri,
    Posted(v, f): Posted,
) -> PageResult {
    let back = format!("/incidents/{id}/people/lists");
    let q = import_params(
        f.str("source"),
        f.opt("role"),
        f.get("take_good") == Some("yes"),
    );
    let text = f.str("list").into_bytes();
    let mut headers = axum::http::HeaderMap::new();
    headers.insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("text/csv"),
    );
    match crate::people::api::import_report(&s, &v, id, &q, &headers, text).await {
        Ok(report) => lists_page_with(&s, &v, id, &uri, Some(report)).await,
        Err(e) => Ok(back_with_error(&back, e, &f)),
    }
}

/// The page's file upload (its script sends the file as the body, the
/// session's CSRF token in `X-CSRF-Token`, the choices in the query):
/// answered as the API answers.
pub async fn upload(
    State(s): State<AppState>,
    PageViewer(v): PageViewer,
    PagePath(id): PagePath<IncidentId>,
    axum::extract::Query(q): axum::extract::Query<crate::people::api::ImportParams>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> axum::response::Response {
    use axum::response::IntoResponse;
    if let Err(refused) = crate::pages::csrf_header(&v, &headers) {
        return refused.into_response();
    }
    match crate::people::api::import_report(&s, &v, id, &q, &headers, body.to_vec()).await {
        Ok(r) => crate::people::api::report_response(r),
        Err(e) => e.into_response(),
    }
}
