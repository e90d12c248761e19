//! The incident list, opening an incident, amending it, its lifecycle.

use crate::api::exec;
use crate::auth::PageViewer;
use crate::pages::PagePath;
use crate::pages::{
    back_with_error, query_map, render, submit, Chrome, FormData, PageResult, Posted,
};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::Uri;
use axum::response::{IntoResponse, Redirect};
use honbu_domain::board::IncidentView;
use honbu_domain::commands::*;
use honbu_domain::geo::AreaInput;
use honbu_domain::ids::*;
use honbu_domain::time::Zone;
use honbu_domain::vocab::*;
use honbu_store::incidents;
use honbu_store::incidents::IncidentSummary;

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
    countries: Vec<(&'static str, String)>,
    zones: &'static [&'static str],
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
        countries: crate::places::countries_by_name(v.lang),
        zones: crate::places::zones(),
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
            let (l, c) = (e.line(), e.column());
            let why = match e.classify() {
                serde_json::error::Category::Eof => {
                    format!("ends before the polygon closes (line {l}, column {c}); paste the whole GeoJSON polygon")
                }
                serde_json::error::Category::Syntax => {
                    format!("is not JSON at line {l}, column {c}; paste a GeoJSON polygon")
                }
                _ => format!("is not a GeoJSON polygon: {e}"),
            };
            crate::error::ApiError::invalid("area", why)
        })?),
        (Some(_), None) => Some(AreaInput {
            radius_m: Some(number(f, "radius_m")?),
            kind: None,
            coordinates: None,
        }),
        (None, None) => None,
    })
}

/// Where a form says the incident is: a place of the gazetteer by its name
/// fills in what was left empty (country, coordinates, zone); what was
/// typed wins. Returns (country, lat, lon, time zone).
fn whereabouts(f: &FormData) -> Result<(String, f64, f64, String), crate::error::ApiError> {
    let typed_country = f.opt("country");
    let country = typed_country.as_deref().map(|c| {
        crate::places::country_named(c)
            .map(str::to_string)
            .unwrap_or_else(|| c.to_string())
    });
    let place = match f.opt("place") {
        Some(p) => Some(crate::places::place_named(&p, country.as_deref()).ok_or_else(|| {
            crate::error::ApiError::invalid(
                "place",
                "is not a place honbu knows: check its spelling, or give the latitude and longitude",
            )
        })?),
        None => None,
    };
    let coordinate = |name: &str, of_place: Option<f64>| match (f.opt(name), of_place) {
        (None, Some(v)) => Ok(v),
        (None, None) => Err(crate::error::ApiError::invalid(
            name,
            "is needed: type the place's name, or give its latitude and longitude",
        )),
        _ => number(f, name),
    };
    let lat = coordinate("lat", place.map(|p| p.lat))?;
    let lon = coordinate("lon", place.map(|p| p.lon))?;
    let country = country
        .or_else(|| place.map(|p| p.country.to_string()))
        .unwrap_or_default();
    let zone = f
        .opt("time_zone")
        .or_else(|| place.map(|p| p.zone.to_string()))
        .unwrap_or_default();
    Ok((country, lat, lon, zone))
}

pub async fn create(State(s): State<AppState>, Posted(v, f): Posted) -> PageResult {
    let back = "/incidents/new";
    let parsed = (|| {
        let area = area_from(&f)?;
        let (country, lat, lon, time_zone) = whereabouts(&f)?;
        Ok::<_, crate::error::ApiError>(OpenIncident {
            kind: f.str("kind"),
            title: f.str("title"),
            country,
            lat,
            lon,
            area,
            severity: f.opt("severity"),
            time_zone,
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
    PagePath(id): PagePath<IncidentId>,
    uri: Uri,
) -> PageResult {
    let (inc, _, _) = crate::pages::context(&s, &v, id).await?;
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
    PagePath(id): PagePath<IncidentId>,
    Posted(v, f): Posted,
) -> PageResult {
    let (inc, _, _) = crate::pages::context(&s, &v, id).await?;
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
    PagePath(id): PagePath<IncidentId>,
    Posted(v, f): Posted,
) -> PageResult {
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
