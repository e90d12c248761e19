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
    #[error("coordinates: {total} positions in all; an affected area is drawn with at most {MAX_POSITIONS}")]
    TooManyPositions { total: usize },
    #[error(
        "coordinates[{ring}]: the edge from position {edge} crosses the edge from position {other_edge} of ring {other_ring}; \
         a polygon's edges must not cross"
    )]
    SelfIntersecting {
        ring: usize,
        edge: usize,
        other_ring: usize,
        other_edge: usize,
    },
}

/// The most positions a polygon may have, in all its rings: enough for any
/// affected area drawn by hand or traced from a map, and few enough that
/// checking every pair of edges stays quick.
pub const MAX_POSITIONS: usize = 2_000;

impl PolygonError {
    /// Index of the offending ring, if the error is about one ring.
    pub fn ring(&self) -> Option<usize> {
        match *self {
            PolygonError::NoRings | PolygonError::TooManyPositions { .. } => None,
            PolygonError::SelfIntersecting { ring, .. } => Some(ring),
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
    let total: usize = rings.iter().map(Vec::len).sum();
    if total > MAX_POSITIONS {
        return Err(PolygonError::TooManyPositions { total });
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
    crossing(rings)
}

/// The first pair of edges that cross, in any ring or between two rings
/// (edges that merely share an end, as neighbours in a ring do, do not).
fn crossing(rings: &[Vec<(f64, f64)>]) -> Result<(), PolygonError> {
    let edges: Vec<_> = rings
        .iter()
        .enumerate()
        .flat_map(|(r, ps)| {
            ps.windows(2)
                .enumerate()
                .map(move |(i, w)| (r, i, w[0], w[1]))
        })
        .filter(|(_, _, a, b)| a != b)
        .collect();
    for (i, &(r1, e1, a, b)) in edges.iter().enumerate() {
        for &(r2, e2, c, d) in &edges[i + 1..] {
            let shares_end = a == c || a == d || b == c || b == d;
            if segments_cross(a, b, c, d, shares_end) {
                return Err(PolygonError::SelfIntersecting {
                    ring: r1,
                    edge: e1,
                    other_ring: r2,
                    other_edge: e2,
                });
            }
        }
    }
    Ok(())
}

fn orient(a: (f64, f64), b: (f64, f64), c: (f64, f64)) -> f64 {
    (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
}

fn on_segment(a: (f64, f64), b: (f64, f64), p: (f64, f64)) -> bool {
    p.0 >= a.0.min(b.0) && p.0 <= a.0.max(b.0) && p.1 >= a.1.min(b.1) && p.1 <= a.1.max(b.1)
}

/// Whether segments ab and cd cross or overlap. Two that only share an end
/// (`shares_end`) cross only if they run along each other.
fn segments_cross(
    a: (f64, f64),
    b: (f64, f64),
    c: (f64, f64),
    d: (f64, f64),
    shares_end: bool,
) -> bool {
    let (o1, o2, o3, o4) = (
        orient(a, b, c),
        orient(a, b, d),
        orient(c, d, a),
        orient(c, d, b),
    );
    if shares_end {
        // Collinear and overlapping beyond the shared point.
        return o1 == 0.0
            && o2 == 0.0
            && [c, d]
                .iter()
                .any(|&p| p != a && p != b && on_segment(a, b, p))
            || o3 == 0.0
                && o4 == 0.0
                && [a, b]
                    .iter()
                    .any(|&p| p != c && p != d && on_segment(c, d, p));
    }
    if ((o1 > 0.0 && o2 < 0.0) || (o1 < 0.0 && o2 > 0.0))
        && ((o3 > 0.0 && o4 < 0.0) || (o3 < 0.0 && o4 > 0.0))
    {
        return true;
    }
    (o1 == 0.0 && on_segment(a, b, c))
        || (o2 == 0.0 && on_segment(a, b, d))
        || (o3 == 0.0 && on_segment(c, d, a))
        || (o4 == 0.0 && on_segment(c, d, b))
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
    fn refuses_edges_that_cross() {
        // A bow tie: (0,0) (1,1) (1,0) (0,1) back to (0,0).
        let bow = vec![(0.0, 0.0), (1.0, 1.0), (1.0, 0.0), (0.0, 1.0), (0.0, 0.0)];
        let e = validate_polygon(&[bow]).expect_err("crosses");
        assert!(
            matches!(
                e,
                PolygonError::SelfIntersecting {
                    ring: 0,
                    edge: 0,
                    other_ring: 0,
                    other_edge: 2
                }
            ),
            "{e:?}"
        );
        assert!(e
            .to_string()
            .starts_with("coordinates[0]: the edge from position 0 crosses"));
        // A hole poking out of its outer ring.
        let outer = square(0.0, 0.0);
        let e = validate_polygon(&[outer, square(0.5, 0.5)]).expect_err("crosses");
        assert!(
            matches!(
                e,
                PolygonError::SelfIntersecting {
                    ring: 0,
                    other_ring: 1,
                    ..
                }
            ),
            "{e:?}"
        );
        // An edge doubling back along itself.
        let back = vec![(0.0, 0.0), (2.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 0.0)];
        assert!(validate_polygon(&[back]).is_err());
        // Too many positions to check.
        let mut many: Vec<(f64, f64)> = (0..MAX_POSITIONS)
            .map(|i| {
                let t = i as f64 / MAX_POSITIONS as f64 * std::f64::consts::TAU;
                (t.cos(), t.sin())
            })
            .collect();
        many.push(many[0]);
        assert!(matches!(
            validate_polygon(&[many]),
            Err(PolygonError::TooManyPositions { .. })
        ));
        // A circle of 1,000 positions is fine.
        let mut circle: Vec<(f64, f64)> = (0..1000)
            .map(|i| {
                let t = i as f64 / 1000.0 * std::f64::consts::TAU;
                (t.cos(), t.sin())
            })
            .collect();
        circle.push(circle[0]);
        assert_eq!(validate_polygon(&[circle]), Ok(()));
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
