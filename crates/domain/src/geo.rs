//! The place of an incident: a point and an affected area, either a radius
//! around the point or a GeoJSON polygon. Coordinates are WGS 84.

use crate::FieldError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Point {
    pub lat: f64,
    pub lon: f64,
}

impl Point {
    pub fn parse(lat: f64, lon: f64) -> Result<Self, FieldError> {
        if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
            return Err(FieldError::new(
                "lat",
                "must be a latitude between -90 and 90",
            ));
        }
        if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
            return Err(FieldError::new(
                "lon",
                "must be a longitude between -180 and 180",
            ));
        }
        Ok(Point { lat, lon })
    }

    /// Refuses a point far from the incident's country (a point in Lima
    /// given with country JP), naming both: where the point is, and the
    /// country it was said to be in. Near means within about a degree
    /// (some 100 km) of the country's outlines, which are coarse; a country
    /// the map has no outline of is not judged.
    pub fn check_in(&self, country: &str) -> Result<(), FieldError> {
        const MARGIN_DEG: f64 = 1.0;
        if honbu_maps::near_country(country, self.lat, self.lon, MARGIN_DEG) != Some(false) {
            return Ok(());
        }
        let named = |c: &str| {
            honbu_maps::country(c)
                .map(|x| format!("{} ({})", x.name, x.alpha2))
                .unwrap_or_else(|| c.to_string())
        };
        let at = match honbu_maps::country_at(self.lat, self.lon) {
            Some(c) => format!("is in {}", named(c.alpha2)),
            None => "is at sea or outside any country".to_string(),
        };
        Err(FieldError::new(
            "country",
            format!(
                "the point ({:.4}, {:.4}) {at}, far from {}: check the coordinates or the country",
                self.lat,
                self.lon,
                named(country)
            ),
        ))
    }
}

/// The affected area, as accepted on the wire and stored in events:
/// `{"radius_m": 400}` or a GeoJSON geometry `{"type": "Polygon", "coordinates": [[[lon, lat], ...]]}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct AreaInput {
    /// Radius around the point, in metres.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub radius_m: Option<f64>,
    /// `Polygon` when `coordinates` is given.
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// GeoJSON polygon rings of `[lon, lat]` positions; each ring closes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coordinates: Option<Vec<Vec<[f64; 2]>>>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Area {
    Radius(f64),
    Polygon(Vec<Vec<(f64, f64)>>),
}

/// Largest radius accepted: a quarter of the Earth's circumference is more
/// than any affected area a desk would draw.
const MAX_RADIUS_M: f64 = 10_000_000.0;

impl Area {
    pub fn parse(input: &AreaInput) -> Result<Area, FieldError> {
        match (input.radius_m, &input.coordinates) {
            (Some(_), Some(_)) => Err(FieldError::new(
                "area",
                "give either radius_m or a polygon, not both",
            )),
            (Some(r), None) => {
                if input.kind.is_some() {
                    return Err(FieldError::new("area.type", "goes only with coordinates"));
                }
                if !r.is_finite() || r <= 0.0 || r > MAX_RADIUS_M {
                    return Err(FieldError::new(
                        "area.radius_m",
                        "must be a positive number of metres up to 10,000,000",
                    ));
                }
                Ok(Area::Radius(r))
            }
            (None, Some(rings)) => {
                if input.kind.as_deref() != Some("Polygon") {
                    return Err(FieldError::new("area.type", "must be \"Polygon\""));
                }
                let rings: Vec<Vec<(f64, f64)>> = rings
                    .iter()
                    .map(|r| r.iter().map(|p| (p[0], p[1])).collect())
                    .collect();
                validate_rings(&rings)?;
                Ok(Area::Polygon(rings))
            }
            (None, None) => Err(FieldError::new(
                "area",
                "needs radius_m or type and coordinates",
            )),
        }
    }

    pub fn to_input(&self) -> AreaInput {
        match self {
            Area::Radius(r) => AreaInput {
                radius_m: Some(*r),
                kind: None,
                coordinates: None,
            },
            Area::Polygon(rings) => AreaInput {
                radius_m: None,
                kind: Some("Polygon".into()),
                coordinates: Some(
                    rings
                        .iter()
                        .map(|r| r.iter().map(|&(x, y)| [x, y]).collect())
                        .collect(),
                ),
            },
        }
    }
}

fn validate_rings(rings: &[Vec<(f64, f64)>]) -> Result<(), FieldError> {
    honbu_maps::validate_polygon(rings).map_err(|e| polygon_error(&e.to_string()))
}

fn polygon_error(msg: &str) -> FieldError {
    // honbu_maps names the ring ("ring 0: ..."); keep its words under our field path.
    FieldError::new("area.coordinates", msg.to_string())
}

/// Checks an ISO 3166-1 alpha-2 code and returns it upper-cased.
pub fn parse_country(field: &str, s: &str) -> Result<String, FieldError> {
    honbu_maps::country(s.trim())
        .map(|c| c.alpha2.to_string())
        .ok_or_else(|| {
            FieldError::new(
                field,
                "must be an ISO 3166-1 alpha-2 country code such as PE",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn poly(coords: Vec<[f64; 2]>) -> AreaInput {
        AreaInput {
            radius_m: None,
            kind: Some("Polygon".into()),
            coordinates: Some(vec![coords]),
        }
    }

    #[test]
    fn polygon_that_does_not_close_is_refused() {
        let e = Area::parse(&poly(vec![
            [-77.0, -12.0],
            [-77.1, -12.0],
            [-77.1, -12.1],
            [-77.0, -12.2],
        ]))
        .unwrap_err();
        assert_eq!(e.field, "area.coordinates");
        assert!(e.message.contains("close"), "{e}");
        let ok = poly(vec![
            [-77.0, -12.0],
            [-77.1, -12.0],
            [-77.1, -12.1],
            [-77.0, -12.0],
        ]);
        assert!(Area::parse(&ok).is_ok());
    }

    #[test]
    fn a_point_far_from_its_country_is_refused_naming_both() {
        let lima = Point::parse(-12.0975, -77.037).unwrap();
        assert_eq!(lima.check_in("PE"), Ok(()));
        let e = lima.check_in("JP").unwrap_err();
        assert_eq!(e.field, "country");
        assert!(
            e.message.contains("Peru (PE)") && e.message.contains("Japan (JP)"),
            "{}",
            e.message
        );
        // On the coast, or just over a coarse border: near enough.
        assert_eq!(Point::parse(35.68, 139.77).unwrap().check_in("JP"), Ok(()));
        assert_eq!(Point::parse(46.2, 6.14).unwrap().check_in("CH"), Ok(()));
        assert_eq!(Point::parse(46.2, 6.14).unwrap().check_in("FR"), Ok(()));
        // Across the antimeridian: Fiji.
        assert_eq!(Point::parse(-16.5, 179.9).unwrap().check_in("FJ"), Ok(()));
        assert!(Point::parse(-16.5, 179.9).unwrap().check_in("BR").is_err());
    }

    #[test]
    fn radius_must_be_positive() {
        let a = AreaInput {
            radius_m: Some(-1.0),
            kind: None,
            coordinates: None,
        };
        assert_eq!(Area::parse(&a).unwrap_err().field, "area.radius_m");
    }

    #[test]
    fn countries_are_iso_alpha2() {
        assert_eq!(parse_country("country", "pe").unwrap(), "PE");
        assert_eq!(parse_country("country", "XX").unwrap_err().field, "country");
    }
}
