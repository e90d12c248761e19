//! Offline maps for honbu's incident board.
//!
//! Guarantees:
//! - [`country`], [`countries`]: the complete ISO 3166-1 table (249 officially
//!   assigned codes), embedded, parsed once.
//! - [`country_at`]: which country a place is in, by point-in-polygon over
//!   Natural Earth 1:50m outlines (embedded, decoded once on first use).
//! - [`render_svg`]: a standalone, accessible SVG map of an incident (place,
//!   affected area, country) drawn on the server with no tile server or
//!   network, with the names of the places around it, the country's name
//!   and a locator inset; it never panics and its output is safe to inline
//!   in HTML.
//! - [`validate_polygon`]: names what is wrong with client polygon rings.
//! - [`places`], [`place`]: an offline gazetteer of the 118,525 GeoNames
//!   places of 1000 people or more (country, coordinates, IANA zone,
//!   native-script names), searched by folded name prefix;
//!   [`country_name`], [`countries_named`]: country names in English,
//!   Japanese, French and Spanish (Unicode CLDR).
//!
//! ```
//! use honbu_maps::{country, country_at, render_svg, Area, MapRequest};
//!
//! assert_eq!(country("pe").map(|c| c.name), Some("Peru"));
//! assert_eq!(country_at(-12.09, -77.03).map(|c| c.alpha2), Some("PE"));
//!
//! let area = Area::Radius { metres: 500.0 };
//! let svg = render_svg(&MapRequest {
//!     country: Some("PE"),
//!     point: Some((-12.0464, -77.0428)),
//!     area: Some(&area),
//!     title: "Lima: demonstration near Plaza San Martín",
//!     width: 640,
//!     height: 400,
//!     lang: "ja",
//! });
//! assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
//! assert!(svg.contains(">Lima</text>") && svg.contains(">ペルー</text>"));
//!
//! // Or name only what is known; the rest is the default.
//! let svg = render_svg(&MapRequest {
//!     point: Some((12.65, -8.0)),
//!     ..Default::default()
//! });
//! assert!(svg.contains(">Bamako</text>") && svg.contains(">MALI</text>"));
//!
//! use honbu_maps::{countries_named, country_name, places};
//!
//! let lima = places("lima", 5)[0];
//! assert_eq!((lima.country, lima.zone), ("PE", "America/Lima"));
//! assert_eq!(places("東京", 1)[0].name, "Tokyo");
//! assert_eq!(countries_named("Pérou", "ja", 3)[0], ("PE", "ペルー"));
//! assert_eq!(country_name("JP", "es"), Some("Japón"));
//! ```
//!
//! The outline data is public domain (Natural Earth) by way of the npm
//! package `world-atlas`; the places are GeoNames' (CC BY 4.0) and the
//! country names Unicode CLDR's (Unicode License V3); see `data/NOTICE.md`.

// Tests may unwrap; production code may not (workspace lints).
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod gazetteer;
mod geo;
mod iso;
mod nearby;
mod render;
mod topojson;
mod validate;
mod world;

pub use gazetteer::{
    all_places, countries_named, country_name, place, places, places_in, search_key, Place,
};
pub use iso::{countries, country, Country};
pub use render::{render_svg, Area, MapRequest, SVG_STYLE};
pub use validate::{validate_polygon, PolygonError};
pub use world::{country_at, near_country};

#[cfg(test)]
mod tests;
