//! The incident list, opening an incident, its lifecycle, and its headquarters.

use super::{
    back_with_error, clock_for, done, id_of, query_map, render, submit, Chrome, Clock, FormData,
    PageError, PageResult, Posted,
};
use crate::api::{exec, now};
use crate::auth::PageViewer;
use crate::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect};
use honbu_domain::board::IncidentView;
use honbu_domain::commands::*;
use honbu_domain::geo::AreaInput;
use honbu_domain::ids::*;
use honbu_domain::time::Zone;
use honbu_domain::vocab::*;
use honbu_store::accounts;
use honbu_store::headquarters;
use honbu_store::headquarters::{HqDetail, ReportRow};
use honbu_store::incidents;
use honbu_store::incidents::IncidentSummary;
use honbu_store::rules;
use honbu_store::versions::At;

#[derive(Template)]
#[template(path = "index.html")]
struct Index {
    c: Chrome,
    items: Vec<IncidentSummary>,
    total: i64,
    can_open: bool,
    utc: Zone,
}

pub async fn index(State(s): State<AppState>, PageViewer(v): PageViewer, uri: Uri) -> PageResult {
    let p = v.p.clone();
    let page = s
        .store
        .read(move |c| incidents::incidents(c, &p, 200, 0))
        .await?;
    let c = Chrome::new(
        Some(&v),
        v.lang,
        v.lang.t("incidents.title"),
        &query_map(&uri),
    );
    Ok(render(Index {
        c,
        total: page.total,
        items: page.items,
        can_open: v.p.can_open_incident(),
        utc: Zone::UTC,
    }))
}

#[derive(Template)]
#[template(path = "incident_new.html")]
struct NewIncident {
    c: Chrome,
    kinds: &'static [IncidentKind],
    severities: &'static [Severity],
    hq_kinds: &'static [HqKind],
    default_zone: &'static str,
}

pub async fn new_page(PageViewer(v): PageViewer, uri: Uri) -> PageResult {
    let c = Chrome::new(
        Some(&v),
        v.lang,
        v.lang.t("incidents.open"),
        &query_map(&uri),
    );
    let default_zone = v.zone.map(|z| z.name()).unwrap_or("Asia/Tokyo");
    Ok(render(NewIncident {
        c,
        kinds: IncidentKind::ALL,
        severities: Severity::ALL,
        hq_kinds: HqKind::ALL,
        default_zone,
    }))
}

fn number(f: &FormData, name: &str) -> Result<f64, crate::error::ApiError> {
    f.str(name)
        .trim()
        .parse::<f64>()
        .map_err(|_| crate::error::ApiError::invalid(name, "must be a number"))
}

/// The affected area typed in a form: a GeoJSON polygon, or else a radius.
fn area_from(f: &FormData) -> Result<Option<AreaInput>, crate::error::ApiError> {
    Ok(match (f.opt("radius_m"), f.opt("polygon")) {
        (_, Some(poly)) => Some(serde_json::from_str::<AreaInput>(&poly).map_err(|e| {
            crate::error::ApiError::invalid("area", format!("is not a GeoJSON polygon: {e}"))
        })?),
        (Some(_), None) => Some(AreaInput {
            radius_m: Some(number(f, "radius_m")?),
            kind: None,
            coordinates: None,
        }),
        (None, None) => None,
    })
}

pub async fn create(State(s): State<AppState>, Posted(v, f): Posted) -> PageResult {
    let back = "/incidents/new";
    let parsed = (|| {
        let area = area_from(&f)?;
        Ok::<_, crate::error::ApiError>(OpenIncident {
            kind: f.str("kind"),
            title: f.str("title"),
            country: f.str("country"),
            lat: number(&f, "lat")?,
            lon: number(&f, "lon")?,
            area,
            severity: f.opt("severity"),
            time_zone: f.str("time_zone"),
            summary: f.opt("summary"),
            hqs: vec![NewHq {
                name: f.str("hq_name"),
                kind: f.opt("hq_kind"),
                time_zone: f.str("hq_zone"),
                report_every_minutes: None,
                head: None,
            }],
        })
    })();
    let r = match parsed {
        Ok(r) => r,
        Err(e) => return Ok(back_with_error(back, e, &f)),
    };
    match exec(&s, &v, move |c, ctx| incidents::open_incident(c, ctx, &r)).await {
        Ok(id) => {
            Ok(Redirect::to(&format!("/incidents/{id}?ok=ok.incident_opened")).into_response())
        }
        Err(e) => Ok(back_with_error(back, e, &f)),
    }
}

#[derive(Template)]
#[template(path = "incident_amend.html")]
struct AmendPage {
    c: Chrome,
    inc: IncidentView,
    severities: &'static [Severity],
    lat: String,
    lon: String,
    radius: String,
    polygon: String,
}

/// An area as the form shows it: (radius in metres, GeoJSON polygon).
fn area_fields(area: &Option<AreaInput>) -> (String, String) {
    match area {
        Some(a) if a.coordinates.is_some() => {
            (String::new(), serde_json::to_string(a).unwrap_or_default())
        }
        Some(a) => (
            a.radius_m.map(|r| r.to_string()).unwrap_or_default(),
            String::new(),
        ),
        None => (String::new(), String::new()),
    }
}

/// The form to amend an incident's title, severity, summary and place,
/// filled with what is recorded now.
pub async fn amend_page(
    State(s): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    uri: Uri,
) -> PageResult {
    let id: IncidentId = id_of(&id)?;
    let (inc, _, _) = super::context(&s, &v, id).await?;
    let c = Chrome::new(
        Some(&v),
        v.lang,
        v.lang.t("incident.amend"),
        &query_map(&uri),
    );
    let (radius, polygon) = area_fields(&inc.area);
    Ok(render(AmendPage {
        c,
        severities: Severity::ALL,
        lat: inc.place.lat.to_string(),
        lon: inc.place.lon.to_string(),
        radius,
        polygon,
        inc,
    }))
}

/// Sends only what the form changed, so the event says what was amended.
pub async fn amend(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Posted(v, f): Posted,
) -> PageResult {
    let id: IncidentId = id_of(&id)?;
    let (inc, _, _) = super::context(&s, &v, id).await?;
    let back = format!("/incidents/{id}/amend");
    let parsed = (|| {
        // Compared with what the form showed (its hidden `was_` fields), not
        // with the incident now: a change someone else saved meanwhile is
        // not undone by fields this officer left alone.
        let was = |name: &str, now: String| f.opt(&format!("was_{name}")).unwrap_or(now);
        let changed = |name: &str, now: String| {
            let typed = f.str(name).trim().to_string();
            (typed != was(name, now).trim()).then_some(typed)
        };
        let (lat, lon) = (number(&f, "lat")?, number(&f, "lon")?);
        let moved = f.str("lat").trim() != was("lat", inc.place.lat.to_string()).trim()
            || f.str("lon").trim() != was("lon", inc.place.lon.to_string()).trim();
        let (radius, polygon) = area_fields(&inc.area);
        let reshaped = f.str("radius_m").trim() != was("radius_m", radius).trim()
            || f.str("polygon").trim() != was("polygon", polygon).trim();
        let area = if reshaped { area_from(&f)? } else { None };
        let r = AmendIncident {
            title: changed("title", inc.title.clone()),
            severity: changed("severity", inc.severity.as_str().to_string()),
            summary: changed("summary", inc.summary.clone()),
            lat: moved.then_some(lat),
            lon: moved.then_some(lon),
            area,
            reason: f.str("reason"),
        };
        if r.title.is_none()
            && r.severity.is_none()
            && r.summary.is_none()
            && r.lat.is_none()
            && r.area.is_none()
        {
            return Err(crate::error::ApiError::invalid(
                "title",
                "nothing was changed",
            ));
        }
        Ok(r)
    })();
    let r = match parsed {
        Ok(r) => r,
        Err(e) => return Ok(back_with_error(&back, e, &f)),
    };
    let to = format!("/incidents/{id}");
    Ok(submit(
        &s,
        &v,
        &f,
        &to,
        "ok.incident_amended",
        &back,
        move |c, ctx| incidents::amend_incident(c, ctx, id, &r),
    )
    .await)
}

pub async fn status(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Posted(v, f): Posted,
) -> PageResult {
    let id: IncidentId = id_of(&id)?;
    let r = ChangeStatus {
        status: f.str("status"),
        reason: f.str("reason"),
    };
    let to = format!("/incidents/{id}");
    Ok(
        submit(&s, &v, &f, &to, "ok.status_changed", &to, move |c, ctx| {
            incidents::change_status(c, ctx, id, &r)
        })
        .await,
    )
}

#[derive(Template)]
#[template(path = "hqs.html")]
struct HqsPage {
    c: Chrome,
    incident: IncidentId,
    hqs: Vec<HqDetail>,
    reports: Vec<ReportRow>,
    clock: Clock,
    me: UserId,
    manage: Vec<HqId>,
    report: Vec<HqId>,
    can_activate: bool,
    roles: Vec<String>,
    hq_kinds: &'static [HqKind],
    /// The incident is closed: its headquarters have stood down.
    stood_down: bool,
}

impl HqsPage {
    fn manages(&self, id: &HqId) -> bool {
        self.manage.contains(id)
    }
    fn reports_for(&self, id: &HqId) -> bool {
        self.report.contains(id)
    }
    fn role_label(&self, role: &str) -> String {
        let key = format!("role.{role}");
        if self.c.t.has(&key) {
            self.c.t.t(&key).to_string()
        } else {
            role.to_string()
        }
    }
    fn hq_name(&self, id: &HqId) -> &str {
        self.hqs
            .iter()
            .find(|h| h.hq.id == *id)
            .map(|h| h.hq.name.as_str())
            .unwrap_or("")
    }
}

pub async fn hqs_page(
    State(s): State<AppState>,
    PageViewer(v): PageViewer,
    Path(id): Path<String>,
    uri: Uri,
) -> PageResult {
    let id: IncidentId = id_of(&id)?;
    let p = v.p.clone();
    let (inc, hqs, reports, roles) = s
        .store
        .read(move |c| {
            let Some(inc) = incidents::incident(c, &p, id, At::Now)? else {
                return Ok(None);
            };
            Ok(Some((
                inc,
                // A closed incident's clock stopped when it closed (hq_views).
                headquarters::hq_details(c, id, At::Now, now())?,
                headquarters::reports(c, id, At::Now, None, 200)?,
                accounts::roles(c)?,
            )))
        })
        .await?
        .ok_or(PageError::NotFound)?;
    let views: Vec<_> = hqs.iter().map(|h| h.hq.clone()).collect();
    let clock = clock_for(&v, &views, inc.time_zone);
    let manage = hqs
        .iter()
        .map(|h| h.hq.id)
        .filter(|h| v.p.can(*h, Capability::HqManage))
        .collect();
    let report = hqs
        .iter()
        .map(|h| h.hq.id)
        .filter(|h| v.p.can(*h, Capability::ReportFile))
        .collect();
    let c = Chrome::new(Some(&v), v.lang, v.lang.t("nav.hqs"), &query_map(&uri))
        .tab(id, &inc.title, "hqs");
    Ok(render(HqsPage {
        c,
        incident: id,
        hqs,
        reports,
        clock,
        me: v.p.user,
        manage,
        report,
        can_activate: v.p.can_in_incident(id, Capability::IncidentManage),
        roles: roles.into_iter().map(|r| r.name).collect(),
        hq_kinds: HqKind::ALL,
        stood_down: inc.status.is_closed(),
    }))
}

pub async fn activate_hq(
    State(s): State<AppState>,
    Path(id): Path<String>,
    Posted(v, f): Posted,
) -> PageResult {
    let id: IncidentId = id_of(&id)?;
    let r = NewHq {
        name: f.str("name"),
        kind: f.opt("kind"),
        time_zone: f.str("time_zone"),
        report_every_minutes: None,
        head: f.opt("head"),
    };
    let to = format!("/incidents/{id}/hqs");
    Ok(
        submit(&s, &v, &f, &to, "ok.hq_activated", &to, move |c, ctx| {
            headquarters::activate_hq(c, ctx, id, &r)
        })
        .await,
    )
}

/// Runs an HQ form and goes back to the HQ page of its incident.
async fn hq_form<T: Send + 'static>(
    s: &AppState,
    v: &crate::auth::Viewer,
    hq: HqId,
    f: &FormData,
    ok: &str,
    run: impl FnOnce(
            &mut dyn honbu_store::sql::Conn,
            &rules::Ctx,
        ) -> honbu_store::Result<(Vec<honbu_domain::events::Event>, T)>
        + Send
        + 'static,
) -> PageResult {
    let p = v.p.clone();
    let inc = s
        .store
        .read(move |c| Ok(headquarters::hq_incident(c, hq)?.filter(|i| p.can_see_incident(*i))))
        .await?
        .ok_or(PageError::NotFound)?;
    let to = format!("/incidents/{inc}/hqs");
    Ok(match exec(s, v, run).await {
        Ok(_) => done(&format!("{to}#hq-{hq}"), ok),
        Err(e) => back_with_error(&to, e, f),
    })
}

pub async fn add_member(
    State(s): State<AppState>,
    Path(hq): Path<String>,
    Posted(v, f): Posted,
) -> PageResult {
    let hq: HqId = id_of(&hq)?;
    let r = AddMember {
        user: f.str("user"),
        role: f.str("role"),
    };
    hq_form(&s, &v, hq, &f, "ok.member_added", move |c, ctx| {
        headquarters::add_member(c, ctx, hq, &r)
    })
    .await
}

pub async fn remove_member(
    State(s): State<AppState>,
    Path((hq, user)): Path<(String, String)>,
    Posted(v, f): Posted,
) -> PageResult {
    let hq: HqId = id_of(&hq)?;
    hq_form(&s, &v, hq, &f, "ok.member_removed", move |c, ctx| {
        headquarters::remove_member(c, ctx, hq, &user)
    })
    .await
}

pub async fn duty(
    State(s): State<AppState>,
    Path(hq): Path<String>,
    Posted(v, f): Posted,
) -> PageResult {
    let hq: HqId = id_of(&hq)?;
    let r = Duty {
        on: f.get("on") == Some("1"),
        user: f.opt("user"),
    };
    let ok = if r.on {
        "ok.signed_on"
    } else {
        "ok.signed_off"
    };
    hq_form(&s, &v, hq, &f, ok, move |c, ctx| {
        headquarters::duty(c, ctx, hq, &r)
    })
    .await
}

pub async fn cadence(
    State(s): State<AppState>,
    Path(hq): Path<String>,
    Posted(v, f): Posted,
) -> PageResult {
    let hq: HqId = id_of(&hq)?;
    let every = match f.opt("every_minutes") {
        None => None,
        Some(m) => match m.parse::<u32>() {
            Ok(m) => Some(m),
            Err(_) => {
                let p = v.p.clone();
                let inc = s
                    .store
                    .read(move |c| {
                        Ok(headquarters::hq_incident(c, hq)?.filter(|i| p.can_see_incident(*i)))
                    })
                    .await?
                    .ok_or(PageError::NotFound)?;
                return Ok(back_with_error(
                    &format!("/incidents/{inc}/hqs"),
                    crate::error::ApiError::invalid(
                        "every_minutes",
                        "must be a whole number of minutes",
                    ),
                    &f,
                ));
            }
        },
    };
    hq_form(&s, &v, hq, &f, "ok.saved", move |c, ctx| {
        headquarters::set_cadence(
            c,
            ctx,
            hq,
            &SetCadence {
                every_minutes: every,
            },
        )
    })
    .await
}

pub async fn report(
    State(s): State<AppState>,
    Path(hq): Path<String>,
    Posted(v, f): Posted,
) -> PageResult {
    let hq: HqId = id_of(&hq)?;
    let r = FileReport {
        text: f.str("text"),
    };
    hq_form(&s, &v, hq, &f, "ok.report_filed", move |c, ctx| {
        headquarters::file_report(c, ctx, hq, &r)
    })
    .await
}
