//! Validation of GeoJSON-style polygon coordinates sent by clients.
//!
//! Guarantees: `validate_polygon` accepts exactly the polygons that
//! [`render_svg`](crate::render_svg) can draw as given: at least one ring,
//! every ring closed with at least four positions, every position finite and
//! within longitude −180..=180, latitude −90..=90. The first problem found, in
//! ring order and then position order, is reported with its indices.

/// What is wrong with a polygon. `Display` reads as a path below the
/// polygon's `coordinates` member followed by the reason, e.g.
/// `coordinates[0]: ring does not close`, so an API can prefix its own path:
/// `format!("area.{err}")`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PolygonError {
    #[error("coordinates: polygon has no rings")]
    NoRings,
    #[error("coordinates[{ring}]: ring has {len} positions, needs at least 4")]
    TooFewPositions { ring: usize, len: usize },
    #[error("coordinates[{ring}]: ring does not close (first and last positions differ)")]
    NotClosed { ring: usize },
    #[error("coordinates[{ring}][{position}]: coordinate is not a finite number")]
    NotFinite { ring: usize, position: usize },
    #[error(
        "coordinates[{ring}][{position}]: ({lon}, {lat}) is out of range \
         (longitude -180..180, latitude -90..90)"
    )]
    OutOfRange {
        ring: usize,
        position: usize,
        lon: f64,
        lat: f64,
    },
}

impl PolygonError {
    /// Index of the offending ring, if the error is about one ring.
    pub fn ring(&self) -> Option<usize> {
        match *self {
            PolygonError::NoRings => None,
            PolygonError::TooFewPositions { ring, .. }
            | PolygonError::NotClosed { ring }
            | PolygonError::NotFinite { ring, .. }
            | PolygonError::OutOfRange { ring, .. } => Some(ring),
        }
    }

    /// Index of the offending position within its ring, if any.
    pub fn position(&self) -> Option<usize> {
        match *self {
            PolygonError::NotFinite { position, .. }
            | PolygonError::OutOfRange { position, .. } => Some(position),
            _ => None,
        }
    }
}

/// Checks polygon rings of `(lon, lat)` positions in GeoJSON order (first
/// ring the outer boundary, the others holes).
pub fn validate_polygon(rings: &[Vec<(f64, f64)>]) -> Result<(), PolygonError> {
    if rings.is_empty() {
        return Err(PolygonError::NoRings);
    }
    for (ring, positions) in rings.iter().enumerate() {
        if positions.len() < 4 {
            return Err(PolygonError::TooFewPositions {
                ring,
                len: positions.len(),
            });
        }
        for (position, &(lon, lat)) in positions.iter().enumerate() {
            if !lon.is_finite() || !lat.is_finite() {
                return Err(PolygonError::NotFinite { ring, position });
            }
            if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
                return Err(PolygonError::OutOfRange {
                    ring,
                    position,
                    lon,
                    lat,
                });
            }
        }
        if positions.first() != positions.last() {
            return Err(PolygonError::NotClosed { ring });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn square(lon: f64, lat: f64) -> Vec<(f64, f64)> {
        vec![
            (lon, lat),
            (lon + 1.0, lat),
            (lon + 1.0, lat + 1.0),
            (lon, lat + 1.0),
            (lon, lat),
        ]
    }

    #[test]
    fn accepts_polygon_with_hole() {
        let outer = vec![
            (0.0, 0.0),
            (10.0, 0.0),
            (10.0, 10.0),
            (0.0, 10.0),
            (0.0, 0.0),
        ];
        assert_eq!(validate_polygon(&[outer, square(4.0, 4.0)]), Ok(()));
        assert_eq!(validate_polygon(&[square(179.0, 89.0)]), Ok(()));
    }

    #[test]
    fn names_the_problem_and_where() {
        assert_eq!(validate_polygon(&[]), Err(PolygonError::NoRings));

        let e = validate_polygon(&[square(0.0, 0.0), vec![(0.0, 0.0), (1.0, 1.0), (0.0, 0.0)]]);
        assert_eq!(e, Err(PolygonError::TooFewPositions { ring: 1, len: 3 }));

        let mut open = square(0.0, 0.0);
        open[4] = (0.5, 0.0);
        let e = validate_polygon(&[open]).expect_err("error");
        assert_eq!(e, PolygonError::NotClosed { ring: 0 });
        assert_eq!(
            format!("area.{e}"),
            "area.coordinates[0]: ring does not close (first and last positions differ)"
        );
        assert_eq!((e.ring(), e.position()), (Some(0), None));

        let mut nan = square(0.0, 0.0);
        nan[2].1 = f64::NAN;
        let e = validate_polygon(&[square(5.0, 5.0), nan]).expect_err("error");
        assert_eq!(
            e,
            PolygonError::NotFinite {
                ring: 1,
                position: 2
            }
        );
        assert_eq!(
            e.to_string(),
            "coordinates[1][2]: coordinate is not a finite number"
        );
        assert_eq!((e.ring(), e.position()), (Some(1), Some(2)));

        let mut inf = square(0.0, 0.0);
        inf[0].0 = f64::NEG_INFINITY;
        assert!(matches!(
            validate_polygon(&[inf]),
            Err(PolygonError::NotFinite {
                ring: 0,
                position: 0
            })
        ));

        let e = validate_polygon(&[square(180.0, 0.0)]);
        assert!(
            matches!(
                e,
                Err(PolygonError::OutOfRange {
                    ring: 0,
                    position: 1,
                    ..
                })
            ),
            "{e:?}"
        );
        let e = validate_polygon(&[square(0.0, 89.5)]).expect_err("error");
        assert!(
            e.to_string()
                .starts_with("coordinates[0][2]: (1, 90.5) is out of range"),
            "{e}"
        );
        assert_eq!(
            PolygonError::NoRings.to_string(),
            "coordinates: polygon has no rings"
        );
    }
}
