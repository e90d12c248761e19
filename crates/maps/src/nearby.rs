//! Places by position: a spatial index over the gazetteer, for map labels.
//!
//! Guarantees: built once, on first use, from [`all_places`] (which parses
//! the gazetteer if nothing has yet), and kept for the life of the process:
//! the places in 1° cells, each cell listing its places by population,
//! largest first, plus one list of all places in that order. Queries never
//! panic, whatever the box (NaN, reversed, beyond ±180° or ±90°), and
//! allocate only their result. An empty gazetteer gives an empty index.

use crate::gazetteer::{all_places, Place};
use crate::geo::BBox;
use std::cmp::Reverse;
use std::sync::OnceLock;

const LON_CELLS: usize = 360;
const LAT_CELLS: usize = 180;
/// Beyond this many cells, one pass over all places by population is
/// cheaper than visiting the cells.
const MAX_CELLS: usize = 2048;

/// A place as the index keeps it: 16 bytes, so a scan stays in cache.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Spot {
    lat: f32,
    lon: f32,
    population: u32,
    /// Index into [`all_places`].
    place: u32,
}

/// A place found in a box.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Hit {
    pub place: &'static Place,
    /// Longitude of the copy (shifted by a multiple of 360°) inside the box.
    pub lon: f64,
    pub lat: f64,
}

#[derive(Debug, Default)]
struct Grid {
    /// `starts[c]..starts[c + 1]` are cell `c`'s spots; `LAT_CELLS ×
    /// LON_CELLS + 1` entries, or none for an empty gazetteer.
    starts: Vec<u32>,
    spots: Vec<Spot>,
    /// All spots, largest population first.
    by_population: Vec<Spot>,
}

fn cell_of(lat: f64, lon: f64) -> usize {
    // Casts saturate; the clamps keep ±90° and 180° in the last cells.
    let row = ((lat + 90.0).floor() as usize).min(LAT_CELLS - 1);
    let col = ((lon + 180.0).floor() as usize).min(LON_CELLS - 1);
    row * LON_CELLS + col
}

fn grid() -> &'static Grid {
    static G: OnceLock<Grid> = OnceLock::new();
    G.get_or_init(|| build(all_places()))
}

fn build(places: &[Place]) -> Grid {
    let mut spots: Vec<(usize, Spot)> = places
        .iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let place = u32::try_from(i).ok()?;
            let spot = Spot {
                lat: p.lat as f32,
                lon: p.lon as f32,
                population: p.population,
                place,
            };
            Some((cell_of(p.lat, p.lon), spot))
        })
        .collect();
    if spots.is_empty() {
        return Grid::default();
    }
    spots.sort_unstable_by_key(|(c, s)| (*c, Reverse(s.population), s.place));
    let mut starts = vec![0u32; LAT_CELLS * LON_CELLS + 1];
    for &(c, _) in &spots {
        if let Some(n) = starts.get_mut(c + 1) {
            *n += 1;
        }
    }
    for c in 1..starts.len() {
        let before = starts.get(c - 1).copied().unwrap_or(0);
        if let Some(n) = starts.get_mut(c) {
            *n += before;
        }
    }
    let spots: Vec<Spot> = spots.into_iter().map(|(_, s)| s).collect();
    let mut by_population = spots.clone();
    by_population.sort_unstable_by_key(|s| (Reverse(s.population), s.place));
    Grid {
        starts,
        spots,
        by_population,
    }
}

impl Grid {
    fn cell(&self, c: usize) -> &[Spot] {
        let (Some(&a), Some(&b)) = (self.starts.get(c), self.starts.get(c + 1)) else {
            return &[];
        };
        self.spots.get(a as usize..b as usize).unwrap_or_default()
    }
}

/// The `limit` most populous places inside `view` (ties by gazetteer
/// order), largest first. `view` may reach beyond ±180° of longitude: a
/// place is found at whichever copy (lon, lon ± 360°) lies inside, and at
/// most once.
pub(crate) fn most_populous(view: &BBox, limit: usize) -> Vec<Hit> {
    let g = grid();
    let mut found: Vec<(Spot, f64)> = Vec::new();
    if !view.is_valid() || limit == 0 || g.spots.is_empty() {
        return Vec::new();
    }
    for off in [0.0, -360.0, 360.0] {
        // Places at `lon` are drawn at `lon + off`.
        let q = BBox {
            min_lon: (view.min_lon - off).max(-180.0),
            max_lon: (view.max_lon - off).min(180.0),
            min_lat: view.min_lat.max(-90.0),
            max_lat: view.max_lat.min(90.0),
        };
        if !q.is_valid() {
            continue;
        }
        let inside = |s: &Spot| q.contains(f64::from(s.lon), f64::from(s.lat));
        let (r0, c0) = (cell_of(q.min_lat, q.min_lon), cell_of(q.min_lat, q.max_lon));
        let r1 = cell_of(q.max_lat, q.min_lon);
        let (row0, row1) = (r0 / LON_CELLS, r1 / LON_CELLS);
        let (col0, col1) = (r0 % LON_CELLS, c0 % LON_CELLS);
        let cells = (row1 - row0 + 1) * (col1 - col0 + 1);
        if cells > MAX_CELLS {
            found.extend(
                g.by_population
                    .iter()
                    .filter(|s| inside(s))
                    .take(limit)
                    .map(|s| (*s, off)),
            );
            continue;
        }
        for row in row0..=row1 {
            for col in col0..=col1 {
                let spots = g.cell(row * LON_CELLS + col);
                found.extend(
                    spots
                        .iter()
                        .filter(|s| inside(s))
                        .take(limit)
                        .map(|s| (*s, off)),
                );
            }
        }
    }
    found.sort_unstable_by_key(|(s, _)| (Reverse(s.population), s.place));
    found.dedup_by_key(|(s, _)| s.place);
    let places = all_places();
    found
        .into_iter()
        .filter_map(|(s, off)| {
            let place = places.get(s.place as usize)?;
            Some(Hit {
                place,
                lon: place.lon + off,
                lat: place.lat,
            })
        })
        .take(limit)
        .collect()
}

/// How near a place of `population` a point must be to count as in it, in
/// kilometres: 2.5 km for a village of 1000, growing with the logarithm of
/// the population to about 8 km for a city of five million (GeoNames puts a
/// city at one point, often its centre, while the city reaches far beyond).
pub(crate) fn reach_km(population: u32) -> f64 {
    (1.5 * f64::from(population.max(1)).log10() - 2.0).clamp(2.5, MAX_REACH_KM)
}

/// The largest reach of [`reach_km`].
const MAX_REACH_KM: f64 = 12.0;

/// The town a point is in: the most populous place within its
/// [`reach_km`] of (`lat`, `lon`), at the copy of its longitude nearest
/// `lon`.
pub(crate) fn town_at(lat: f64, lon: f64) -> Option<Hit> {
    if !(lat.is_finite() && lon.is_finite()) {
        return None;
    }
    let dlat = MAX_REACH_KM / crate::geo::KM_PER_DEGREE;
    let k = lat.to_radians().cos().max(0.01);
    let dlon = (dlat / k).min(180.0);
    let view = BBox {
        min_lon: lon - dlon,
        max_lon: lon + dlon,
        min_lat: lat - dlat,
        max_lat: lat + dlat,
    };
    // Nearby candidates are few; take them all, largest first.
    most_populous(&view, 512).into_iter().find(|h| {
        let (dy, dx) = (h.lat - lat, (h.lon - lon) * k);
        (dx * dx + dy * dy).sqrt() * crate::geo::KM_PER_DEGREE <= reach_km(h.place.population)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bbox(min_lon: f64, min_lat: f64, max_lon: f64, max_lat: f64) -> BBox {
        BBox {
            min_lon,
            min_lat,
            max_lon,
            max_lat,
        }
    }

    /// The index answers what a scan over all places answers.
    #[test]
    fn same_as_a_scan() {
        let places = all_places();
        for b in [
            bbox(-77.2, -12.2, -76.9, -11.9),
            bbox(-81.4, -18.4, -68.6, 0.1),
            bbox(-10.0, 35.0, 40.0, 70.0),
            bbox(-180.0, -90.0, 180.0, 90.0),
            bbox(0.0, 0.0, 0.3, 0.3),
            bbox(175.0, -20.0, 185.0, -15.0),
            bbox(-185.0, 60.0, -170.0, 70.0),
            bbox(-190.0, -90.0, 190.0, 90.0),
        ] {
            let got: Vec<u32> = most_populous(&b, 40).iter().map(|h| h.place.id).collect();
            let mut want: Vec<&Place> = places
                .iter()
                .filter(|p| {
                    [0.0, -360.0, 360.0].iter().any(|off| {
                        b.contains(f64::from(p.lon as f32) + off, f64::from(p.lat as f32))
                    })
                })
                .collect();
            want.sort_by_key(|p| (Reverse(p.population), p.id));
            let want: Vec<u32> = want.iter().take(40).map(|p| p.id).collect();
            assert_eq!(got, want, "{b:?}");
            for h in most_populous(&b, 40) {
                assert!(b.contains(h.lon, h.lat), "{b:?} {h:?}");
            }
        }
    }

    #[test]
    fn towns_by_point() {
        let town = |lat, lon| town_at(lat, lon).map(|h| h.place.name);
        assert_eq!(town(-12.0464, -77.0428), Some("Lima"));
        // Tokyo's point is 6 km from the Imperial Palace.
        assert_eq!(town(35.68, 139.76), Some("Tokyo"));
        assert_eq!(town(12.65, -8.0), Some("Bamako"));
        // In Callao, 10 km from Lima's point: Callao, not Lima.
        assert_eq!(town(-12.056, -77.118), Some("Callao"));
        // Suva seen from across the antimeridian.
        let suva = town_at(-18.14, 178.44 - 360.0).unwrap();
        assert_eq!(suva.place.name, "Suva");
        assert!((suva.lon - (suva.place.lon - 360.0)).abs() < 1e-9);
        assert_eq!(town(0.0, -30.0), None, "mid-Atlantic");
        assert_eq!(reach_km(0), 2.5);
        assert!(reach_km(u32::MAX) <= 12.0);
        for (lat, lon) in [
            (f64::NAN, 0.0),
            (0.0, f64::INFINITY),
            (90.0, 0.0),
            (-90.0, 180.0),
            (1e300, -1e300),
        ] {
            let _ = town_at(lat, lon);
        }
        for b in [
            bbox(f64::NAN, 0.0, 1.0, 1.0),
            bbox(10.0, 0.0, -10.0, 1.0),
            bbox(-1e300, -1e300, 1e300, 1e300),
            bbox(500.0, 95.0, 600.0, 100.0),
        ] {
            let _ = most_populous(&b, 10);
        }
    }
}
