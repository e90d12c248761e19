//! The board: the common operating picture, live or as of a past moment.

use crate::auth::PageViewer;
use crate::error::ApiError;
use crate::pages::PagePath;
use crate::pages::{clock_for, query_map, render, Chrome, Clock, PageError, PageResult};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{header, Uri};
use axum::response::IntoResponse;
use honbu_domain::board::Board;
use honbu_domain::ids::IncidentId;
use honbu_domain::vocab::{Capability, IncidentStatus};
use honbu_store::board;
use honbu_store::incidents;
use honbu_store::versions::At;

#[derive(Template)]
#[template(path = "board.html")]
struct BoardPage {
    c: Chrome,
    b: Board,
    clock: Clock,
    country: String,
    as_of: bool,
    as_of_input: String,
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

pub async fn page(
    State(s): State<AppState>,
    PageViewer(v): PageViewer,
    PagePath(id): PagePath<IncidentId>,
    uri: Uri,
) -> PageResult {
    let q = query_map(&uri);
    let p = v.p.clone();
    let now = crate::api::now();
    let live = s
        .store
        .read(move |c| board::board(c, &p, id, At::Now, now))
        .await?
        .ok_or(PageError::NotFound)?;
    let clock = clock_for(&v, &live.hqs, live.incident.time_zone);
    let at = match (
        q.get("at_local").filter(|s| !s.is_empty()),
        q.get("at").filter(|s| !s.is_empty()),
    ) {
        (Some(l), _) => Some(
            clock
                .hq
                .parse_local("at", l)
                .map_err(|e| ApiError::invalid(e.field, e.message))?,
        ),
        (None, Some(a)) => Some(
            honbu_domain::time::parse_time("at", a)
                .map_err(|e| ApiError::invalid(e.field, e.message))?,
        ),
        _ => None,
    };
    let b = match at {
        Some(at) => {
            let p = v.p.clone();
            s.store
                .read(move |c| board::board_as_of(c, &p, id, at))
                .await?
                .ok_or(PageError::NotFound)?
        }
        None => live,
    };
    let country = v.lang.country(&b.incident.country);
    let c = Chrome::new(Some(&v), v.lang, b.incident.title.clone(), &q).tab(
        id,
        &b.incident.title,
        "board",
    );
    Ok(render(BoardPage {
        as_of_input: clock.input(&b.as_of),
        c,
        clock,
        country,
        as_of: at.is_some(),
        can_manage: v.p.can_in_incident(id, Capability::IncidentManage),
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

/// The map of the place and the affected area, drawn on the server.
pub async fn map(
    State(s): State<AppState>,
    PageViewer(v): PageViewer,
    PagePath(id): PagePath<IncidentId>,
) -> PageResult {
    let p = v.p.clone();
    let inc = s
        .store
        .read(move |c| incidents::incident(c, &p, id, At::Now))
        .await?
        .ok_or(PageError::NotFound)?;
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
