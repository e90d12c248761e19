//! The board: the common operating picture, live or as of a past moment.

use crate::auth::PageViewer;
use crate::pages::PagePath;
use crate::pages::{
    clock_for, incident_page, query_map, render, Chrome, Clock, PageError, PageResult,
};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{header, Uri};
use axum::response::IntoResponse;
use honbu_domain::board::Board;
use honbu_domain::ids::IncidentId;
use honbu_domain::vocab::{Capability, IncidentStatus};
use honbu_store::board;
use honbu_store::versions::At;

#[derive(Template)]
#[template(path = "board.html")]
struct BoardPage {
    c: Chrome,
    b: Board,
    clock: Clock,
    country: String,
    can_manage: bool,
    statuses: &'static [IncidentStatus],
}

#[derive(Template)]
#[template(path = "board_inner.html")]
struct BoardInner {
    c: Chrome,
    b: Board,
    clock: Clock,
}

/// The board now, or as the record stood at the moment asked for.
pub async fn page(
    State(s): State<AppState>,
    PageViewer(v): PageViewer,
    PagePath(id): PagePath<IncidentId>,
    uri: Uri,
) -> PageResult {
    let page = incident_page(&s, &v, id, &uri).await?;
    let (p, m) = (v.p.clone(), page.moment);
    let b = s
        .store
        .read(move |c| board::board(c, &p, id, m.at, m.clock))
        .await?
        .ok_or(PageError::NotFound)?;
    let country = v.lang.country(&b.incident.country);
    let c = Chrome::new(Some(&v), v.lang, b.incident.title.clone(), &query_map(&uri))
        .tab(id, &b.incident.title, "board")
        .moment(&page, &uri);
    Ok(render(BoardPage {
        c,
        clock: page.clock,
        country,
        can_manage: page.may(v.p.can_in_incident(id, Capability::IncidentManage)),
        statuses: IncidentStatus::ALL,
        b,
    }))
}

/// The live part of the board, refetched by the page when the stream says something changed.
pub async fn partial(
    State(s): State<AppState>,
    PageViewer(v): PageViewer,
    PagePath(id): PagePath<IncidentId>,
    uri: Uri,
) -> PageResult {
    let p = v.p.clone();
    let b = s
        .store
        .read(move |c| board::board(c, &p, id, At::Now, crate::api::now()))
        .await?
        .ok_or(PageError::NotFound)?;
    let clock = clock_for(&v, &b.hqs, b.incident.time_zone);
    let c = Chrome::new(Some(&v), v.lang, String::new(), &query_map(&uri));
    Ok(render(BoardInner { c, b, clock }))
}

/// The map of the place and the affected area, drawn on the server, as
/// they were recorded at the page's moment.
pub async fn map(
    State(s): State<AppState>,
    PageViewer(v): PageViewer,
    PagePath(id): PagePath<IncidentId>,
    uri: Uri,
) -> PageResult {
    let inc = incident_page(&s, &v, id, &uri).await?.inc;
    let area = inc
        .area
        .as_ref()
        .and_then(|a| honbu_domain::geo::Area::parse(a).ok())
        .map(|a| map_area(&a));
    let svg = honbu_maps::render_svg(&honbu_maps::MapRequest {
        country: Some(&inc.country),
        point: Some((inc.place.lat, inc.place.lon)),
        area: area.as_ref(),
        title: &inc.title,
        width: 960,
        height: 480,
        lang: v.lang.lang,
    });
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, "private, max-age=60"),
        ],
        svg,
    )
        .into_response())
}

/// The affected area as the map renderer draws it.
pub fn map_area(a: &honbu_domain::geo::Area) -> honbu_maps::Area {
    match a {
        honbu_domain::geo::Area::Radius(r) => honbu_maps::Area::Radius { metres: *r },
        honbu_domain::geo::Area::Polygon(rings) => honbu_maps::Area::Polygon {
            rings: rings.clone(),
        },
    }
}
