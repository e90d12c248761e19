//! Offline maps for honbu's incident board.
//!
//! Guarantees:
//! - [`country`], [`countries`]: the complete ISO 3166-1 table (249 officially
//!   assigned codes), embedded, parsed once.
//! - [`country_at`]: which country a place is in, by point-in-polygon over
//!   Natural Earth 1:50m outlines (embedded, decoded once on first use).
//! - [`render_svg`]: a standalone, accessible SVG map of an incident (place,
//!   affected area, country) drawn on the server with no tile server or
//!   network; it never panics and its output is safe to inline in HTML.
//! - [`validate_polygon`]: names what is wrong with client polygon rings.
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
//! });
//! assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
//! ```
//!
//! The outline data is public domain (Natural Earth) by way of the npm
//! package `world-atlas`; see `data/NOTICE.md`.

// Tests may unwrap; production code may not (workspace lints).
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::panic))]

mod geo;
mod iso;
mod render;
mod topojson;
mod validate;
mod world;

pub use iso::{countries, country, Country};
pub use render::{render_svg, Area, MapRequest, SVG_STYLE};
pub use validate::{validate_polygon, PolygonError};
pub use world::{country_at, near_country};

#[cfg(test)]
mod tests;
