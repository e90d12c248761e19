//! Plain spherical and planar geometry on `(lon, lat)` degrees.
//!
//! Guarantees: every function is total (NaN in gives NaN or `false` out,
//! never a panic); distances use the mean Earth radius R = 6 371 008.8 m.

/// Mean Earth radius (IUGG), metres.
pub(crate) const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Length of one degree of a great circle on that sphere, kilometres.
pub(crate) const KM_PER_DEGREE: f64 = EARTH_RADIUS_M * std::f64::consts::PI / 180.0 / 1000.0;

/// Axis-aligned box in degrees.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct BBox {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

impl BBox {
    pub(crate) const EMPTY: BBox = BBox {
        min_lon: f64::INFINITY,
        min_lat: f64::INFINITY,
        max_lon: f64::NEG_INFINITY,
        max_lat: f64::NEG_INFINITY,
    };

    pub(crate) fn of<'a>(points: impl IntoIterator<Item = &'a (f64, f64)>) -> BBox {
        let mut b = BBox::EMPTY;
        for &p in points {
            b.add(p);
        }
        b
    }

    pub(crate) fn add(&mut self, (lon, lat): (f64, f64)) {
        self.min_lon = self.min_lon.min(lon);
        self.max_lon = self.max_lon.max(lon);
        self.min_lat = self.min_lat.min(lat);
        self.max_lat = self.max_lat.max(lat);
    }

    pub(crate) fn union(self, o: BBox) -> BBox {
        BBox {
            min_lon: self.min_lon.min(o.min_lon),
            min_lat: self.min_lat.min(o.min_lat),
            max_lon: self.max_lon.max(o.max_lon),
            max_lat: self.max_lat.max(o.max_lat),
        }
    }

    /// False for the empty box and for any box with a NaN or infinite edge.
    pub(crate) fn is_valid(&self) -> bool {
        [self.min_lon, self.min_lat, self.max_lon, self.max_lat]
            .iter()
            .all(|v| v.is_finite())
            && self.min_lon <= self.max_lon
            && self.min_lat <= self.max_lat
    }

    pub(crate) fn contains(&self, lon: f64, lat: f64) -> bool {
        lon >= self.min_lon && lon <= self.max_lon && lat >= self.min_lat && lat <= self.max_lat
    }

    pub(crate) fn intersects(&self, o: &BBox) -> bool {
        self.min_lon <= o.max_lon
            && o.min_lon <= self.max_lon
            && self.min_lat <= o.max_lat
            && o.min_lat <= self.max_lat
    }

    pub(crate) fn shifted(&self, dlon: f64) -> BBox {
        BBox {
            min_lon: self.min_lon + dlon,
            max_lon: self.max_lon + dlon,
            ..*self
        }
    }
}

/// Wraps a longitude into [-180, 180).
pub(crate) fn normalize_lon(lon: f64) -> f64 {
    (lon + 180.0).rem_euclid(360.0) - 180.0
}

/// Even-odd point-in-polygon over all rings (outer ring and holes alike).
pub(crate) fn point_in_rings(rings: &[Vec<(f64, f64)>], lon: f64, lat: f64) -> bool {
    let mut inside = false;
    for ring in rings {
        for w in ring.windows(2) {
            let ((x1, y1), (x2, y2)) = (w[0], w[1]);
            if (y1 > lat) != (y2 > lat) {
                let x = x1 + (lat - y1) / (y2 - y1) * (x2 - x1);
                if lon < x {
                    inside = !inside;
                }
            }
        }
    }
    inside
}

/// Rough area of a ring in square degrees of latitude (longitude scaled by
/// the cosine of the ring's mean latitude). Only used to rank polygons, so
/// that a country's frame follows its main landmass.
pub(crate) fn ring_area(ring: &[(f64, f64)]) -> f64 {
    let mut twice = 0.0;
    let mut lat_sum = 0.0;
    for w in ring.windows(2) {
        let ((x1, y1), (x2, y2)) = (w[0], w[1]);
        twice += x1 * y2 - x2 * y1;
        lat_sum += y1;
    }
    let n = ring.len().saturating_sub(1).max(1) as f64;
    (twice / 2.0).abs() * (lat_sum / n).to_radians().cos().abs()
}

/// The point reached from (`lat`, `lon`) after `dist_m` metres along the
/// great circle with initial `bearing` (degrees clockwise from north).
/// Returns `(lon, lat)` with the longitude *not* wrapped.
pub(crate) fn destination(lat: f64, lon: f64, bearing: f64, dist_m: f64) -> (f64, f64) {
    let d = dist_m / EARTH_RADIUS_M;
    let (phi1, lambda1, theta) = (lat.to_radians(), lon.to_radians(), bearing.to_radians());
    let sin_phi2 = (phi1.sin() * d.cos() + phi1.cos() * d.sin() * theta.cos()).clamp(-1.0, 1.0);
    let phi2 = sin_phi2.asin();
    let lambda2 =
        lambda1 + (theta.sin() * d.sin() * phi1.cos()).atan2(d.cos() - phi1.sin() * sin_phi2);
    (lambda2.to_degrees(), phi2.to_degrees())
}

/// Rings (even-odd) approximating the circle of radius `metres` around
/// (`lat`, `lon`) on the sphere with `n` points, as `(lon, lat)`.
///
/// Longitudes are unwrapped (each step under 180°) so the ring stays
/// contiguous across the antimeridian. On an equirectangular map a circle
/// that encloses one pole runs once around the globe, so it is closed through
/// that pole; one that encloses both poles is drawn as the whole globe with
/// the uncovered cap around the antipode as a hole.
pub(crate) fn geodesic_circle(lat: f64, lon: f64, metres: f64, n: usize) -> Vec<Vec<(f64, f64)>> {
    if !(lat.is_finite() && lon.is_finite()) {
        return Vec::new();
    }
    let metres = if metres.is_nan() { 0.0 } else { metres };
    let metres = metres.clamp(0.0, std::f64::consts::PI * EARTH_RADIUS_M);
    let n = n.max(3);
    let mut ring: Vec<(f64, f64)> = Vec::with_capacity(n + 4);
    for i in 0..n {
        let bearing = 360.0 * i as f64 / n as f64;
        let (plon, plat) = destination(lat, lon, bearing, metres);
        let prev = ring.last().map_or(lon, |p| p.0);
        ring.push((prev + normalize_lon(plon - prev), plat));
    }
    let (Some(&first), Some(&last)) = (ring.first(), ring.last()) else {
        return Vec::new();
    };
    let reach_deg = metres / 1000.0 / KM_PER_DEGREE;
    let north = 90.0 - lat < reach_deg;
    let south = 90.0 + lat < reach_deg;
    let close_lon = last.0 + normalize_lon(first.0 - last.0);
    if north != south && (close_lon - first.0).abs() > 180.0 {
        let pole = if north { 90.0 } else { -90.0 };
        ring.push((close_lon, first.1));
        ring.push((close_lon, pole));
        ring.push((first.0, pole));
    }
    ring.push(first);
    // Unwrapping may have carried the ring a turn away; bring it back around
    // the centre so callers can reason about its longitudes.
    let b = BBox::of(&ring);
    let centre = (b.min_lon + b.max_lon) / 2.0;
    let turns = ((lon - centre) / 360.0).round();
    if turns != 0.0 && turns.is_finite() {
        for p in &mut ring {
            p.0 += 360.0 * turns;
        }
    }
    if north && south {
        // The ring circles the uncovered cap around the antipode: the area is
        // the globe, centred on that cap, with the cap as a hole.
        let c = centre + 360.0 * turns;
        let world = vec![
            (c - 180.0, -90.0),
            (c + 180.0, -90.0),
            (c + 180.0, 90.0),
            (c - 180.0, 90.0),
            (c - 180.0, -90.0),
        ];
        return vec![world, ring];
    }
    vec![ring]
}

/// Great-circle distance in metres (haversine).
#[cfg(test)]
pub(crate) fn distance_m(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = p2 - p1;
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * EARTH_RADIUS_M * a.sqrt().min(1.0).asin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn circle_points_are_at_the_radius() {
        let rings = geodesic_circle(-12.0464, -77.0428, 500.0, 64);
        assert_eq!(rings.len(), 1);
        let ring = &rings[0];
        assert_eq!(ring.len(), 65);
        assert_eq!(ring.first(), ring.last());
        for &(lon, lat) in ring {
            let d = distance_m(-12.0464, -77.0428, lat, lon);
            assert!((d - 500.0).abs() < 0.01, "{d}");
        }
    }

    #[test]
    fn circle_across_the_antimeridian_stays_contiguous() {
        let rings = geodesic_circle(-17.7, 179.9, 50_000.0, 64);
        let ring = &rings[0];
        for w in ring.windows(2) {
            assert!((w[1].0 - w[0].0).abs() < 5.0);
        }
        let b = BBox::of(ring);
        assert!(b.max_lon > 180.0 && b.min_lon < 180.0);
    }

    /// A ring circling a pole spans 360° of longitude; which turn of the
    /// globe it sits on is arbitrary.
    fn inside_some_copy(rings: &[Vec<(f64, f64)>], lon: f64, lat: f64) -> bool {
        [lon, lon - 360.0, lon + 360.0]
            .iter()
            .any(|&l| point_in_rings(rings, l, lat))
    }

    #[test]
    fn circle_around_a_pole_is_closed_through_it() {
        let north = geodesic_circle(85.0, 10.0, 1_000_000.0, 64);
        assert_eq!(north.len(), 1);
        assert!(north[0].iter().any(|p| p.1 == 90.0));
        assert!(inside_some_copy(&north, 10.0, 89.0));
        assert!(inside_some_copy(&north, 100.0, 89.0));
        assert!(inside_some_copy(&north, -100.0, 89.0));
        assert!(!inside_some_copy(&north, 10.0, 70.0));
        let south = geodesic_circle(-85.0, 10.0, 1_000_000.0, 64);
        assert!(south[0].iter().any(|p| p.1 == -90.0));
        assert!(inside_some_copy(&south, 100.0, -89.0));
        // Larger than a hemisphere: everything but a cap around (0, 180).
        let huge = geodesic_circle(0.0, 0.0, 15_000_000.0, 64);
        assert_eq!(huge.len(), 2);
        assert!(inside_some_copy(&huge, 0.0, 80.0));
        assert!(inside_some_copy(&huge, 90.0, -30.0));
        assert!(!point_in_rings(&huge, 179.0, 0.0) && !point_in_rings(&huge, -179.0, 0.0));
        assert!(!point_in_rings(&huge, 179.0 - 360.0, 0.0) && !point_in_rings(&huge, 181.0, 0.0));
        for rings in [
            geodesic_circle(0.0, 0.0, 1e12, 64),
            geodesic_circle(0.0, 0.0, f64::NAN, 8),
        ] {
            assert!(rings
                .iter()
                .flatten()
                .all(|p| p.0.is_finite() && p.1.is_finite()));
        }
    }

    #[test]
    fn point_in_polygon_with_hole() {
        let outer = vec![
            (0.0, 0.0),
            (10.0, 0.0),
            (10.0, 10.0),
            (0.0, 10.0),
            (0.0, 0.0),
        ];
        let hole = vec![(4.0, 4.0), (6.0, 4.0), (6.0, 6.0), (4.0, 6.0), (4.0, 4.0)];
        let rings = vec![outer, hole];
        assert!(point_in_rings(&rings, 1.0, 1.0));
        assert!(!point_in_rings(&rings, 5.0, 5.0));
        assert!(!point_in_rings(&rings, 11.0, 5.0));
        assert!(!point_in_rings(&rings, f64::NAN, 5.0));
    }

    #[test]
    fn lon_wraps() {
        assert_eq!(normalize_lon(190.0), -170.0);
        assert_eq!(normalize_lon(-190.0), 170.0);
        assert_eq!(normalize_lon(180.0), -180.0);
        assert_eq!(normalize_lon(12.5), 12.5);
    }
}
