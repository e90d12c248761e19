//! The gazetteer over the web: places by name (GeoNames places of 1,000
//! people or more, in Latin letters or their own script) and countries by
//! name in the reader's language, for the forms that ask where.

use crate::auth::ApiViewer;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiQuery;
use crate::AppState;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PlaceParams {
    /// The start of the place's name, in any case and with or without its
    /// accents ("sao pa" finds São Paulo), or in its own script (東京).
    pub q: String,
    /// Only places in this country (ISO 3166-1 alpha-2).
    pub country: Option<String>,
    /// At most this many, 1 to 50 (default 10).
    pub limit: Option<usize>,
}

/// A place of the gazetteer.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlaceView {
    /// Its GeoNames id.
    pub id: u32,
    pub name: String,
    /// The name in plain ASCII letters.
    pub ascii: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    /// The country's name in the caller's language.
    pub country_name: String,
    pub lat: f64,
    pub lon: f64,
    /// Its IANA time zone.
    pub time_zone: String,
    pub population: u32,
}

impl PlaceView {
    pub fn of(p: &honbu_maps::Place, lang: &crate::i18n::Catalogue) -> PlaceView {
        PlaceView {
            id: p.id,
            name: p.name.to_string(),
            ascii: p.ascii.to_string(),
            country: p.country.to_string(),
            country_name: lang.country(p.country),
            lat: p.lat,
            lon: p.lon,
            time_zone: p.zone.to_string(),
            population: p.population,
        }
    }
}

/// The longest name a search of places takes.
const MAX_QUERY: usize = 100;

/// Places whose name starts with `q`: an exact name first, then the most
/// populous. From the gazetteer honbu ships (GeoNames, CC BY 4.0); no
/// online service is asked.
#[utoipa::path(get, path = "/api/v1/places", tag = "places", params(PlaceParams),
    responses((status = 200, body = Vec<PlaceView>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn places(
    ApiViewer(v): ApiViewer,
    ApiQuery(q): ApiQuery<PlaceParams>,
) -> Result<Json<Vec<PlaceView>>, ApiError> {
    if q.q.chars().count() > MAX_QUERY {
        return Err(ApiError::invalid(
            "q",
            format!("is longer than {MAX_QUERY} characters"),
        ));
    }
    let limit = q.limit.unwrap_or(10);
    if !(1..=50).contains(&limit) {
        return Err(ApiError::invalid("limit", "must be from 1 to 50"));
    }
    let country = match q
        .country
        .as_deref()
        .map(str::trim)
        .filter(|c| !c.is_empty())
    {
        Some(c) => Some(
            honbu_maps::country(c)
                .ok_or_else(|| ApiError::invalid("country", "is not an ISO 3166-1 alpha-2 code"))?
                .alpha2,
        ),
        None => None,
    };
    let lang = v.lang;
    let found = tokio::task::spawn_blocking(move || {
        honbu_maps::places_in(&q.q, country, limit)
            .into_iter()
            .map(|p| PlaceView::of(p, lang))
            .collect::<Vec<_>>()
    })
    .await
    .map_err(|e| {
        ApiError::new(
            axum::http::StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("the gazetteer failed: {e}"),
        )
    })?;
    Ok(Json(found))
}

/// The place a form names by its words: the exact name first, then the
/// most populous that starts so (in the country, when one is given).
pub fn place_named(typed: &str, country: Option<&str>) -> Option<&'static honbu_maps::Place> {
    let typed = typed.split(',').next().unwrap_or("").trim();
    if typed.is_empty() {
        return None;
    }
    honbu_maps::places_in(typed, country, 1).into_iter().next()
}

/// The country a form names: its code, or its name in any of the
/// languages honbu knows (Peru, ペルー, Pérou).
pub fn country_named(typed: &str) -> Option<&'static str> {
    let typed = typed.trim();
    if typed.is_empty() {
        return None;
    }
    if let Some(c) = honbu_maps::country(typed) {
        return Some(c.alpha2);
    }
    let key = honbu_maps::search_key(typed);
    honbu_maps::countries_named(typed, "en", 5)
        .into_iter()
        .find(|(code, name)| {
            honbu_maps::search_key(name) == key
                || ["en", "ja", "fr", "es"].iter().any(|l| {
                    honbu_maps::country_name(code, l)
                        .is_some_and(|n| honbu_maps::search_key(n) == key)
                })
        })
        .map(|(code, _)| code)
}

/// Every time zone of the gazetteer's places, sorted: the choices a form
/// offers for a zone.
pub fn zones() -> &'static [&'static str] {
    static ZONES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    ZONES.get_or_init(|| {
        let mut z: Vec<&'static str> = honbu_maps::all_places().iter().map(|p| p.zone).collect();
        z.push("UTC");
        z.sort_unstable();
        z.dedup();
        z
    })
}

/// Every country, by its name in `lang`, sorted by that name: (code, name).
pub fn countries_by_name(lang: &crate::i18n::Catalogue) -> Vec<(&'static str, String)> {
    let mut v: Vec<(&'static str, String)> = honbu_maps::countries()
        .iter()
        .map(|c| (c.alpha2, lang.country(c.alpha2)))
        .collect();
    v.sort_by_cached_key(|(_, n)| honbu_maps::search_key(n));
    v
}

/// The room's JSON API.
pub(crate) fn api(r: OpenApiRouter<AppState>) -> OpenApiRouter<AppState> {
    r.routes(routes!(places))
}
