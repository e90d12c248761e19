//! Server-drawn SVG incident maps.
//!
//! Guarantees: [`render_svg`] returns a standalone, well-formed SVG document
//! for every input (non-finite or out-of-range coordinates, empty rings,
//! absurd radii, zero sizes included) and never panics; inputs it cannot use
//! are left out, and when nothing usable remains it draws the whole world.
//! All text is XML-escaped: the title, the only text taken from the request,
//! and the place and country names from the embedded gazetteer, so the
//! output is safe to inline into an HTML page. All coordinates are in
//! viewBox units rounded to 0.1 (the inset's in its own, a nested `<svg>`'s). The embedded `<style>` only has selectors
//! under `.honbu-map` and contains nothing size-dependent, so several maps of
//! different sizes can share one page.
//!
//! Besides the outlines a map names what is around the place: the most
//! populous gazetteer places in the frame (the incident's own town first),
//! the country (at its main landmass, or in a corner when the frame lies
//! inside it), and, for a local frame, an inset locating it in the country
//! and its region. Names are laid out by estimated box and never overlap one
//! another, the incident's marker or the scale bar; a name that does not fit
//! is left out.

use crate::geo::{self, normalize_lon, BBox, KM_PER_DEGREE};
use crate::iso;
use crate::world::{country_at, main_bbox, polys_at};

mod inset;
mod labels;

use inset::Inset;
use labels::{Layout, Rect};

/// The affected area of an incident.
#[derive(Debug, Clone, PartialEq)]
pub enum Area {
    /// A circle of this radius around [`MapRequest::point`].
    Radius { metres: f64 },
    /// GeoJSON polygon rings of `(lon, lat)`, first ring the outer boundary.
    Polygon { rings: Vec<Vec<(f64, f64)>> },
}

/// What to draw. `MapRequest { point, ..Default::default() }` leaves the
/// rest out: no country, area or title, the default size, English names.
#[derive(Debug, Clone, Copy, Default)]
pub struct MapRequest<'a> {
    /// ISO 3166-1 alpha-2 code of the country to highlight and name.
    /// Without one, the country the point lies in is named (not
    /// highlighted).
    pub country: Option<&'a str>,
    /// `(lat, lon)` of the incident place; also the centre of an
    /// [`Area::Radius`].
    pub point: Option<(f64, f64)>,
    pub area: Option<&'a Area>,
    /// Used for `<title>` and `aria-label`.
    pub title: &'a str,
    /// viewBox size; 0 stands for the default 640×400, and sides are capped
    /// at 8192.
    pub width: u32,
    pub height: u32,
    /// Language of the country's name: `"en"`, `"ja"`, `"fr"`, `"es"` or a
    /// tag such as `"ja-JP"`; English for any other (see
    /// [`crate::country_name`]). Place names are GeoNames' own (`name`, in
    /// Latin script) whatever the language.
    pub lang: &'a str,
}

const DEFAULT_WIDTH: u32 = 640;
const DEFAULT_HEIGHT: u32 = 400;
const MAX_SIDE: u32 = 8192;
const CIRCLE_POINTS: usize = 64;
/// Least extent of a frame's longer side: about 22 km, so that even a small
/// area is shown with its city around it.
const MIN_SPAN_DEG: f64 = 0.2;
/// Extent of the longer side of a frame around a bare point.
const POINT_SPAN_DEG: f64 = 3.0;
/// A frame taller than this is a world map, where a scale bar would lie.
const MAX_SCALE_LAT_SPAN: f64 = 90.0;
/// Space added on each side of an area, as a fraction of its size.
const AREA_MARGIN: f64 = 0.5;
const COUNTRY_MARGIN: f64 = 0.08;
/// Beyond these spans an equirectangular frame is no better than the world.
const MAX_FRAME_LAT_SPAN: f64 = 150.0;
const MAX_FRAME_LON_SPAN: f64 = 300.0;
/// Keeps the x scale finite near the poles.
const MIN_COS_LAT: f64 = 0.1;
/// Paths are clipped to the viewBox grown by this much, so clip edges and
/// their strokes stay out of sight.
const CLIP_MARGIN_PX: f64 = 8.0;
/// Consecutive path points closer than this (in tenths of a unit, Manhattan
/// distance) are merged; invisible, and it keeps world views small.
const MERGE_TENTHS: i64 = 4;
/// Douglas–Peucker tolerance in tenths of a unit: half a unit of deviation
/// cannot be seen, and it shrinks country and world frames many times over.
const SIMPLIFY_TENTHS: f64 = 5.0;
/// Coarse outlines are drawn where they stray from the full ones by at most
/// this many viewBox units: as much as [`SIMPLIFY_TENTHS`] allows.
const COARSE_MAX_PX: f64 = SIMPLIFY_TENTHS / 10.0;
/// A map may show the same land at ±360° when it spans the antimeridian.
const WORLD_COPIES: [f64; 3] = [0.0, -360.0, 360.0];

/// The exact text of the `<style>` element of every map. It never changes
/// between calls, so a page with a strict Content-Security-Policy can allow
/// it by hash (`style-src 'sha256-…'`, computed over these bytes) instead of
/// `'unsafe-inline'`. Pages restyle maps through the `--honbu-map-*` custom
/// properties it reads, set on any ancestor:
///
/// - `sea`, `land`, `border`: water, land and borders;
/// - `focus`, `focus-border`: the incident's country;
/// - `area`: the affected area, and its mark in the inset;
/// - `place`, `place-ring`: the incident's marker;
/// - `grid`: the graticule; `ink`: degree and scale-bar text;
/// - `halo`: the outline around all text, and around city dots;
/// - `label`, `city`: city names and their dots;
/// - `country`: the country's name;
/// - `inset-border`: the locator inset's frame.
///
/// Each has a light and a dark value (`prefers-color-scheme`).
pub const SVG_STYLE: &str = concat!(
    ".honbu-map{--hm-sea:#d6e6f2;--hm-land:#f4f1ea;--hm-border:#a39c8c;--hm-focus:#fbe1b0;",
    "--hm-focus-border:#8a5a14;--hm-area:#c8102e;--hm-place:#c8102e;--hm-place-ring:#fff;",
    "--hm-ink:#26303b;--hm-halo:#fff;--hm-grid:#4d6780;--hm-label:#1b232c;--hm-city:#36414e;",
    "--hm-country:#5e6a78;--hm-inset-border:#4d6780}",
    "@media (prefers-color-scheme:dark){.honbu-map{--hm-sea:#0f1c29;--hm-land:#2a323d;",
    "--hm-border:#5f6b7a;--hm-focus:#5a4626;--hm-focus-border:#e6b86a;--hm-area:#ff5a70;",
    "--hm-place:#ff5a70;--hm-place-ring:#fff;--hm-ink:#dbe3ec;--hm-halo:#0b1118;--hm-grid:#8aa4bd;",
    "--hm-label:#f1f5f9;--hm-city:#e2e8ef;--hm-country:#aebccb;--hm-inset-border:#8aa4bd}}",
    ".honbu-map .sea{fill:var(--honbu-map-sea,var(--hm-sea))}",
    ".honbu-map .land,.honbu-map .land-focus,.honbu-map .area{fill-rule:evenodd;",
    "stroke-linejoin:round;vector-effect:non-scaling-stroke}",
    ".honbu-map .land{fill:var(--honbu-map-land,var(--hm-land));",
    "stroke:var(--honbu-map-border,var(--hm-border));stroke-width:.6px}",
    ".honbu-map .land-focus{fill:var(--honbu-map-focus,var(--hm-focus));",
    "stroke:var(--honbu-map-focus-border,var(--hm-focus-border));stroke-width:1.2px}",
    ".honbu-map .area{fill:var(--honbu-map-area,var(--hm-area));fill-opacity:.22;",
    "stroke:var(--honbu-map-area,var(--hm-area));stroke-width:2px}",
    ".honbu-map .place{fill:var(--honbu-map-place,var(--hm-place));",
    "stroke:var(--honbu-map-place-ring,var(--hm-place-ring));stroke-width:2px;",
    "vector-effect:non-scaling-stroke}",
    ".honbu-map path.graticule{fill:none;stroke:var(--honbu-map-grid,var(--hm-grid));",
    "stroke-opacity:.3;stroke-width:.5px;vector-effect:non-scaling-stroke}",
    ".honbu-map .scale path{fill:none;stroke:var(--honbu-map-ink,var(--hm-ink));",
    "stroke-width:2px;vector-effect:non-scaling-stroke}",
    ".honbu-map text{fill:var(--honbu-map-ink,var(--hm-ink));",
    "stroke:var(--honbu-map-halo,var(--hm-halo));paint-order:stroke;stroke-linejoin:round;",
    "font-family:system-ui,-apple-system,'Segoe UI',sans-serif}",
    ".honbu-map .city{fill:var(--honbu-map-city,var(--hm-city));",
    "stroke:var(--honbu-map-halo,var(--hm-halo));stroke-width:1.5px;vector-effect:non-scaling-stroke}",
    ".honbu-map .cities text{fill:var(--honbu-map-label,var(--hm-label))}",
    ".honbu-map .cities .major{font-weight:700}",
    ".honbu-map .country-name{fill:var(--honbu-map-country,var(--hm-country));",
    "font-weight:600;letter-spacing:.18em}",
    ".honbu-map .inset-frame{fill:none;stroke:var(--honbu-map-inset-border,var(--hm-inset-border));",
    "stroke-width:1px;vector-effect:non-scaling-stroke}",
    ".honbu-map .inset-mark{fill:var(--honbu-map-area,var(--hm-area));fill-opacity:.2;",
    "stroke:var(--honbu-map-area,var(--hm-area));stroke-width:1.5px;vector-effect:non-scaling-stroke}",
);

/// Draws the map described by `req` as a standalone SVG document.
///
/// Frame: an area (with the point) is shown with a margin, at least ~0.2°
/// across; a bare point ~3° across; a bare country its main landmass; else
/// the world. Equirectangular projection scaled by the cosine of the frame
/// centre's latitude.
///
/// Names: up to 12 places of the gazetteer in the frame (fewer on a small
/// map), the town the point is in first and in bold, then by population;
/// none on the world view. The country's name in `req.lang`, in capitals.
/// The inset (about a quarter of the width, bottom right) shows the
/// country's main landmass and its surroundings with the frame marked, for
/// frames around a point or an area only, and on maps 320 wide or more.
pub fn render_svg(req: &MapRequest) -> String {
    let w = side(req.width, DEFAULT_WIDTH);
    let h = side(req.height, DEFAULT_HEIGHT);
    let point = req
        .point
        .filter(|&(lat, lon)| lat.is_finite() && lon.is_finite() && (-90.0..=90.0).contains(&lat))
        .map(|(lat, lon)| (normalize_lon(lon), lat));
    let focus = req.country.and_then(iso::country);
    let area = match (req.area, point) {
        (Some(Area::Radius { metres }), Some((lon, lat))) if *metres > 0.0 => {
            geo::geodesic_circle(lat, lon, *metres, CIRCLE_POINTS)
        }
        (Some(Area::Polygon { rings }), _) => usable_rings(rings),
        _ => Vec::new(),
    };
    let area_bbox = area.iter().fold(BBox::EMPTY, |b, r| b.union(BBox::of(r)));

    let (frame, kind) = if area_bbox.is_valid() {
        let mut content = area_bbox;
        if let Some((lon, lat)) = point {
            let centre = (area_bbox.min_lon + area_bbox.max_lon) / 2.0;
            content.add((nearest_copy(lon, centre), lat));
        }
        let frame = Frame::fit(content, AREA_MARGIN, MIN_SPAN_DEG, w, h);
        (frame, View::Local)
    } else if let Some(p) = point {
        let frame = Frame::fit(BBox::of(&[p]), 0.0, POINT_SPAN_DEG, w, h);
        (frame, View::Local)
    } else if let Some(b) = focus.and_then(main_bbox) {
        (
            Frame::fit(b, COUNTRY_MARGIN, MIN_SPAN_DEG, w, h),
            View::Country,
        )
    } else {
        (Frame::world(w, h), View::World)
    };
    let kind = if frame.is_world() { View::World } else { kind };

    let mut svg = String::with_capacity(16 * 1024);
    let title = if req.title.trim().is_empty() {
        "Map"
    } else {
        req.title
    };
    svg.push_str(r#"<svg xmlns="http://www.w3.org/2000/svg" class="honbu-map" viewBox="0 0 "#);
    push_int(&mut svg, i64::from(w));
    svg.push(' ');
    push_int(&mut svg, i64::from(h));
    svg.push_str(r#"" role="img" aria-label=""#);
    push_escaped(&mut svg, title);
    svg.push_str("\"><title>");
    push_escaped(&mut svg, title);
    svg.push_str("</title><style>");
    svg.push_str(SVG_STYLE);
    svg.push_str(r#"</style><rect class="sea" width=""#);
    push_int(&mut svg, i64::from(w));
    svg.push_str(r#"" height=""#);
    push_int(&mut svg, i64::from(h));
    svg.push_str(r#""/>"#);

    draw_land(&mut svg, &frame, focus.map(|c| c.alpha2));
    let fs = (f64::from(w.min(h)) / 30.0).clamp(8.0, 28.0);
    let grid_labels = draw_graticule(&mut svg, &frame, fs);
    if area_bbox.is_valid() {
        let mut pen = Pen::new(&frame);
        let view = frame.bbox();
        for off in WORLD_COPIES {
            if area_bbox.shifted(off).intersects(&view) {
                for ring in &area {
                    pen.ring(ring, off, true);
                }
            }
        }
        push_path(&mut svg, "area", &pen.d);
    }

    // What must stay clear comes first; names then go where they fit, the
    // country's before the cities', the degrees' last.
    let mut layout = Layout::new(frame.w, frame.h);
    let centre = (frame.left + frame.right()) / 2.0;
    let marker = point.map(|(lon, lat)| {
        let full = (f64::from(w.min(h)) / 45.0).clamp(4.0, 40.0);
        // Over a small area, a smaller marker leaves the area visible around it.
        let area_px = (area_bbox.max_lat - area_bbox.min_lat) * frame.s / 2.0;
        let r = if area_bbox.is_valid() && area_px.is_finite() {
            full.min((area_px * 0.35).max(3.0))
        } else {
            full
        };
        let lon = nearest_copy(lon, centre);
        Marker {
            lon,
            lat,
            x: frame.x(lon),
            y: frame.y(lat),
            r,
        }
    });
    if let Some(m) = &marker {
        layout.take(Rect::around(m.x, m.y, m.r + 1.0));
    }
    let scale = ScaleBar::new(&frame, fs);
    if let Some(bar) = &scale {
        layout.take(bar.rect());
    }
    // The country named and located: the one asked for, else the one the
    // place is in.
    let named = focus.or_else(|| marker.as_ref().and_then(|m| country_at(m.lat, m.lon)));
    let inset = match kind {
        View::Local => Inset::plan(&frame, named, fs),
        View::Country | View::World => None,
    };
    if let Some(i) = &inset {
        layout.take(i.rect().grown(fs * 0.3));
    }
    if let Some(c) = named {
        labels::draw_country(&mut svg, &mut layout, &frame, c.alpha2, req.lang, fs);
    }
    if kind != View::World {
        labels::draw_cities(&mut svg, &mut layout, &frame, marker.as_ref(), fs);
    }
    if let Some(m) = &marker {
        svg.push_str(r#"<circle class="place" cx=""#);
        push_tenths(&mut svg, tenths(m.x));
        svg.push_str(r#"" cy=""#);
        push_tenths(&mut svg, tenths(m.y));
        svg.push_str(r#"" r=""#);
        push_tenths(&mut svg, tenths(m.r));
        svg.push_str(r#""/>"#);
    }
    labels::draw_grid_labels(&mut svg, &layout, &grid_labels, fs);
    if let Some(bar) = &scale {
        bar.draw(&mut svg);
    }
    if let Some(i) = &inset {
        i.draw(&mut svg, &frame, named.map(|c| c.alpha2));
    }
    svg.push_str("</svg>");
    svg
}

/// What kind of frame a map shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum View {
    /// Around a place or an area: an inset locates it.
    Local,
    /// A whole country.
    Country,
    /// The world, where city names would only crowd.
    World,
}

/// The incident's place as drawn: the copy of its longitude nearest the
/// frame's centre, its position and the marker's radius in viewBox units.
#[derive(Debug, Clone, Copy)]
struct Marker {
    lon: f64,
    lat: f64,
    x: f64,
    y: f64,
    r: f64,
}

fn side(v: u32, default: u32) -> u32 {
    if v == 0 {
        default
    } else {
        v.min(MAX_SIDE)
    }
}

/// The copy of `lon` (shifted by a multiple of 360°) closest to `centre`.
fn nearest_copy(lon: f64, centre: f64) -> f64 {
    let shifted = lon + 360.0 * ((centre - lon) / 360.0).round();
    if shifted.is_finite() {
        shifted
    } else {
        lon
    }
}

/// Client polygon rings made drawable: non-finite positions dropped,
/// latitudes clamped, longitudes unwrapped so a ring crossing the
/// antimeridian stays in one piece, rings closed. An unusable outer ring
/// drops the whole polygon, since its holes alone mean nothing.
fn usable_rings(rings: &[Vec<(f64, f64)>]) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut reference: Option<f64> = None;
    for (i, ring) in rings.iter().enumerate() {
        let mut r: Vec<(f64, f64)> = Vec::with_capacity(ring.len() + 1);
        for &(lon, lat) in ring {
            if !lon.is_finite() || !lat.is_finite() {
                continue;
            }
            let lat = lat.clamp(-90.0, 90.0);
            let lon = match (r.last(), reference) {
                (Some(&(prev, _)), _) => prev + normalize_lon(lon - prev),
                (None, Some(c)) => nearest_copy(normalize_lon(lon), c),
                (None, None) => normalize_lon(lon),
            };
            r.push((lon, lat));
        }
        if let (Some(&first), Some(&last)) = (r.first(), r.last()) {
            if first != last {
                r.push(first);
            }
        }
        if r.len() < 4 {
            if i == 0 {
                return Vec::new();
            }
            continue;
        }
        if reference.is_none() {
            reference = r.first().map(|p| p.0);
        }
        out.push(r);
    }
    out
}

/// Equirectangular frame: `x = (lon - left)·k·s`, `y = (top - lat)·s`.
struct Frame {
    left: f64,
    top: f64,
    /// Cosine of the centre latitude.
    k: f64,
    /// viewBox units per degree of latitude.
    s: f64,
    w: f64,
    h: f64,
}

impl Frame {
    fn world(w: u32, h: u32) -> Frame {
        Frame::centred(0.0, 0.0, 1.0, 360.0, 180.0, f64::from(w), f64::from(h))
    }

    /// The frame centred on `content`, grown by `margin` on each side, to
    /// the viewBox aspect ratio, and to at least `min_span` degrees of
    /// latitude on its longer side.
    fn fit(content: BBox, margin: f64, min_span: f64, w: u32, h: u32) -> Frame {
        if !content.is_valid() {
            return Frame::world(w, h);
        }
        let (wf, hf) = (f64::from(w), f64::from(h));
        let aspect = wf / hf;
        let clat = (content.min_lat + content.max_lat) / 2.0;
        let clon = (content.min_lon + content.max_lon) / 2.0;
        let k = clat.to_radians().cos().max(MIN_COS_LAT);
        let mut pw = (content.max_lon - content.min_lon) * k * (1.0 + 2.0 * margin);
        let mut ph = (content.max_lat - content.min_lat) * (1.0 + 2.0 * margin);
        if pw > ph * aspect {
            ph = pw / aspect;
        } else {
            pw = ph * aspect;
        }
        if pw.max(ph) < min_span {
            if aspect >= 1.0 {
                pw = min_span;
                ph = min_span / aspect;
            } else {
                ph = min_span;
                pw = min_span * aspect;
            }
        }
        // Written so that NaN spans also fall back to the world.
        let usable =
            pw > 0.0 && ph > 0.0 && ph <= MAX_FRAME_LAT_SPAN && pw / k <= MAX_FRAME_LON_SPAN;
        if usable {
            Frame::centred(clon, clat, k, pw, ph, wf, hf)
        } else {
            Frame::world(w, h)
        }
    }

    fn centred(clon: f64, clat: f64, k: f64, pw: f64, ph: f64, w: f64, h: f64) -> Frame {
        let mut top = clat + ph / 2.0;
        // Slide the frame rather than show empty space beyond a pole.
        if ph < 180.0 {
            if top > 90.0 {
                top = 90.0;
            } else if top - ph < -90.0 {
                top = ph - 90.0;
            }
        }
        Frame {
            left: clon - pw / k / 2.0,
            top,
            k,
            s: h / ph,
            w,
            h,
        }
    }

    fn x(&self, lon: f64) -> f64 {
        (lon - self.left) * self.k * self.s
    }

    fn y(&self, lat: f64) -> f64 {
        (self.top - lat) * self.s
    }

    fn right(&self) -> f64 {
        self.left + self.w / (self.k * self.s)
    }

    fn bottom(&self) -> f64 {
        self.top - self.h / self.s
    }

    /// Whether this is the world view, not a frame fitted to something.
    fn is_world(&self) -> bool {
        let span = self.top - self.bottom();
        span.is_nan() || span > MAX_FRAME_LAT_SPAN
    }

    fn bbox(&self) -> BBox {
        BBox {
            min_lon: self.left,
            max_lon: self.right(),
            min_lat: self.bottom(),
            max_lat: self.top,
        }
    }
}

fn draw_land(svg: &mut String, frame: &Frame, focus: Option<&str>) {
    let view = frame.bbox();
    let mut land = Pen::new(frame);
    let mut highlight = Pen::new(frame);
    for poly in polys_at(frame.s, COARSE_MAX_PX) {
        let focused = focus.is_some() && poly.country.map(|c| c.alpha2) == focus;
        for off in WORLD_COPIES {
            let b = poly.bbox.shifted(off);
            if !b.intersects(&view) {
                continue;
            }
            // Land smaller than the merge distance would vanish anyway.
            let tiny = (b.max_lon - b.min_lon) * frame.k * frame.s < 1.0
                && (b.max_lat - b.min_lat) * frame.s < 1.0;
            if tiny && !focused {
                continue;
            }
            let inside = frame.x(b.min_lon) >= 0.0
                && frame.x(b.max_lon) <= frame.w
                && frame.y(b.max_lat) >= 0.0
                && frame.y(b.min_lat) <= frame.h;
            let pen = if focused { &mut highlight } else { &mut land };
            for ring in &poly.rings {
                pen.ring(ring, off, !inside);
            }
        }
    }
    push_path(svg, "land", &land.d);
    push_path(svg, "land-focus", &highlight.d);
}

/// Builds SVG path data from rings of `(lon, lat)`.
struct Pen<'f> {
    frame: &'f Frame,
    d: String,
    projected: Vec<(f64, f64)>,
    clipped: Vec<(f64, f64)>,
    points: Vec<(i64, i64)>,
    keep: Vec<bool>,
    stack: Vec<(usize, usize)>,
}

impl<'f> Pen<'f> {
    fn new(frame: &'f Frame) -> Pen<'f> {
        Pen {
            frame,
            d: String::new(),
            projected: Vec::new(),
            clipped: Vec::new(),
            points: Vec::new(),
            keep: Vec::new(),
            stack: Vec::new(),
        }
    }

    /// Appends one closed subpath. Each point is written as one `x,y` pair.
    fn ring(&mut self, ring: &[(f64, f64)], lon_offset: f64, clip: bool) {
        let f = self.frame;
        self.projected.clear();
        // The closing position repeats the first; `z` closes instead.
        let open = match ring.split_last() {
            Some((last, rest)) if rest.first() == Some(last) => rest,
            _ => ring,
        };
        self.projected.extend(
            open.iter()
                .map(|&(lon, lat)| (f.x(lon + lon_offset), f.y(lat))),
        );
        if clip {
            let (lo_x, lo_y) = (-CLIP_MARGIN_PX, -CLIP_MARGIN_PX);
            let (hi_x, hi_y) = (f.w + CLIP_MARGIN_PX, f.h + CLIP_MARGIN_PX);
            clip_edge(
                &self.projected,
                &mut self.clipped,
                |p| p.0 >= lo_x,
                |p, q| at_x(p, q, lo_x),
            );
            clip_edge(
                &self.clipped,
                &mut self.projected,
                |p| p.0 <= hi_x,
                |p, q| at_x(p, q, hi_x),
            );
            clip_edge(
                &self.projected,
                &mut self.clipped,
                |p| p.1 >= lo_y,
                |p, q| at_y(p, q, lo_y),
            );
            clip_edge(
                &self.clipped,
                &mut self.projected,
                |p| p.1 <= hi_y,
                |p, q| at_y(p, q, hi_y),
            );
        }
        self.points.clear();
        for &(x, y) in &self.projected {
            let p = (tenths(x), tenths(y));
            match self.points.last() {
                Some(&(lx, ly)) if (p.0 - lx).abs() + (p.1 - ly).abs() < MERGE_TENTHS => {}
                _ => self.points.push(p),
            }
        }
        if self.points.len() < 3 {
            return;
        }
        simplify(&self.points, &mut self.keep, &mut self.stack);
        if self.keep.iter().filter(|&&k| k).count() < 3 {
            return;
        }
        let d = &mut self.d;
        let mut prev = (0, 0);
        let kept = self.points.iter().zip(&self.keep).filter(|(_, &k)| k);
        for (i, (&(x, y), _)) in kept.enumerate() {
            match i {
                0 => {
                    d.push('M');
                    push_tenths(d, x);
                    d.push(',');
                    push_tenths(d, y);
                }
                _ => {
                    d.push(if i == 1 { 'l' } else { ' ' });
                    push_tenths(d, x - prev.0);
                    d.push(',');
                    push_tenths(d, y - prev.1);
                }
            }
            prev = (x, y);
        }
        d.push('z');
    }
}

/// Douglas–Peucker: marks in `keep` the points to draw. The first and last
/// points are always kept, so a ring keeps its start.
fn simplify(points: &[(i64, i64)], keep: &mut Vec<bool>, stack: &mut Vec<(usize, usize)>) {
    keep.clear();
    keep.resize(points.len(), false);
    let last = points.len().saturating_sub(1);
    if let Some(a) = keep.first_mut() {
        *a = true;
    }
    if let Some(z) = keep.get_mut(last) {
        *z = true;
    }
    stack.clear();
    stack.push((0, last));
    while let Some((a, b)) = stack.pop() {
        if b <= a + 1 {
            continue;
        }
        let (Some(&pa), Some(&pb)) = (points.get(a), points.get(b)) else {
            continue;
        };
        let mut far = (0.0, a);
        for (i, &p) in points.iter().enumerate().take(b).skip(a + 1) {
            let dist = segment_distance2(p, pa, pb);
            if dist > far.0 {
                far = (dist, i);
            }
        }
        if far.0 > SIMPLIFY_TENTHS * SIMPLIFY_TENTHS {
            if let Some(k) = keep.get_mut(far.1) {
                *k = true;
            }
            stack.push((a, far.1));
            stack.push((far.1, b));
        }
    }
}

/// Squared distance from `p` to the segment `a`–`b`.
fn segment_distance2(p: (i64, i64), a: (i64, i64), b: (i64, i64)) -> f64 {
    let (px, py) = ((p.0 - a.0) as f64, (p.1 - a.1) as f64);
    let (dx, dy) = ((b.0 - a.0) as f64, (b.1 - a.1) as f64);
    let len2 = dx * dx + dy * dy;
    let t = if len2 > 0.0 {
        ((px * dx + py * dy) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    let (ex, ey) = (px - t * dx, py - t * dy);
    ex * ex + ey * ey
}

/// One Sutherland–Hodgman step against a half-plane. The result may run
/// along the clip edge; that edge lies outside the viewBox, so it is unseen.
fn clip_edge(
    input: &[(f64, f64)],
    out: &mut Vec<(f64, f64)>,
    inside: impl Fn((f64, f64)) -> bool,
    cross: impl Fn((f64, f64), (f64, f64)) -> (f64, f64),
) {
    out.clear();
    let Some(&last) = input.last() else { return };
    let (mut prev, mut prev_in) = (last, inside(last));
    for &cur in input {
        let cur_in = inside(cur);
        if cur_in != prev_in {
            out.push(cross(prev, cur));
        }
        if cur_in {
            out.push(cur);
        }
        prev = cur;
        prev_in = cur_in;
    }
}

fn at_x(p: (f64, f64), q: (f64, f64), x: f64) -> (f64, f64) {
    let t = (x - p.0) / (q.0 - p.0);
    (x, p.1 + t * (q.1 - p.1))
}

fn at_y(p: (f64, f64), q: (f64, f64), y: f64) -> (f64, f64) {
    let t = (y - p.1) / (q.1 - p.1);
    (p.0 + t * (q.0 - p.0), y)
}

/// Grid steps in degrees, with the decimals their labels need.
const GRID_STEPS: [(f64, usize); 16] = [
    (0.01, 2),
    (0.02, 2),
    (0.05, 2),
    (0.1, 1),
    (0.2, 1),
    (0.5, 1),
    (1.0, 0),
    (2.0, 0),
    (5.0, 0),
    (10.0, 0),
    (15.0, 0),
    (20.0, 0),
    (30.0, 0),
    (45.0, 0),
    (60.0, 0),
    (90.0, 0),
];

fn grid_step(span: f64, max_lines: f64) -> (f64, usize) {
    GRID_STEPS
        .iter()
        .copied()
        .find(|&(step, _)| span / step <= max_lines)
        .unwrap_or((90.0, 0))
}

/// A degree label of the graticule: start-anchored text at a baseline.
struct GridLabel {
    x: f64,
    y: f64,
    text: String,
}

/// Draws the graticule's lines and returns its labels, which are drawn
/// later, where no other name is.
fn draw_graticule(svg: &mut String, frame: &Frame, fs: f64) -> Vec<GridLabel> {
    let lat_lines = (frame.h / (fs * 4.0)).clamp(2.0, 5.0);
    let lon_lines = (frame.w / (fs * 8.0)).clamp(2.0, 6.0);
    let (lat_step, lat_dec) = grid_step(frame.top - frame.bottom(), lat_lines);
    let (lon_step, lon_dec) = grid_step(frame.right() - frame.left, lon_lines);
    let mut d = String::new();
    let mut labels = Vec::new();
    let pad = fs * 0.3;

    let first = (frame.bottom() / lat_step).ceil();
    for i in 0..12 {
        let lat = (first + f64::from(i)) * lat_step;
        if lat > frame.top || !lat.is_finite() {
            break;
        }
        if lat.abs() > 90.0 {
            continue;
        }
        let y = tenths(frame.y(lat));
        d.push_str("M0,");
        push_tenths(&mut d, y);
        d.push('H');
        push_tenths(&mut d, tenths(frame.w));
        // Keep clear of the longitude labels above and the scale bar below.
        let yf = frame.y(lat);
        if yf > fs * 2.2 && yf < frame.h - fs * 2.6 {
            let mut text = String::new();
            push_degrees(&mut text, lat, lat_dec, 'N', 'S');
            labels.push(GridLabel {
                x: pad,
                y: yf - pad,
                text,
            });
        }
    }
    let first = (frame.left / lon_step).ceil();
    for i in 0..40 {
        let lon = (first + f64::from(i)) * lon_step;
        if lon > frame.right() || !lon.is_finite() {
            break;
        }
        let x = frame.x(lon);
        d.push('M');
        push_tenths(&mut d, tenths(x));
        d.push_str(",0V");
        push_tenths(&mut d, tenths(frame.h));
        if x > fs * 3.5 && x < frame.w - fs * 3.5 {
            let shown = normalize_lon(lon);
            let mut text = String::new();
            if (shown.abs() - 180.0).abs() < 1e-9 {
                text.push_str("180°");
            } else {
                push_degrees(&mut text, shown, lon_dec, 'E', 'W');
            }
            labels.push(GridLabel {
                x: x + pad,
                y: fs + pad,
                text,
            });
        }
    }
    push_path(svg, "graticule", &d);
    labels
}

fn push_label(out: &mut String, x: i64, y: i64, anchor: &str, text: &dyn Fn(&mut String)) {
    out.push_str("<text x=\"");
    push_tenths(out, x);
    out.push_str("\" y=\"");
    push_tenths(out, y);
    if anchor != "start" {
        out.push_str("\" text-anchor=\"");
        out.push_str(anchor);
    }
    out.push_str("\">");
    text(out);
    out.push_str("</text>");
}

fn push_degrees(out: &mut String, v: f64, decimals: usize, pos: char, neg: char) {
    let shown = format!("{:.*}", decimals, v.abs());
    out.push_str(&shown);
    out.push('°');
    // "0°" gets no hemisphere; a value that rounds to zero neither.
    if shown.bytes().any(|b| (b'1'..=b'9').contains(&b)) {
        out.push(if v > 0.0 { pos } else { neg });
    }
}

/// A scale bar of a round length, about a quarter of the width at most,
/// true at the frame's centre latitude.
struct ScaleBar {
    /// Length in kilometres and in viewBox units.
    km: f64,
    len: f64,
    x0: f64,
    y0: f64,
    tick: f64,
    fs: f64,
}

impl ScaleBar {
    fn new(frame: &Frame, fs: f64) -> Option<ScaleBar> {
        let km_per_unit = KM_PER_DEGREE / frame.s;
        let target = frame.w * 0.25 * km_per_unit;
        if !(target.is_finite() && target > 0.0) || frame.top - frame.bottom() > MAX_SCALE_LAT_SPAN
        {
            return None;
        }
        let magnitude = 10f64.powf(target.log10().floor());
        let km = [5.0, 2.0, 1.0]
            .iter()
            .map(|m| m * magnitude)
            .find(|&v| v <= target)
            .unwrap_or(magnitude);
        Some(ScaleBar {
            km,
            len: km / km_per_unit,
            x0: fs,
            y0: frame.h - fs,
            tick: fs * 0.4,
            fs,
        })
    }

    fn label(&self) -> String {
        if self.km >= 1.0 {
            format!("{:.0} km", self.km)
        } else {
            format!("{:.0} m", self.km * 1000.0)
        }
    }

    /// The bar with its label, which sits above its middle.
    fn rect(&self) -> Rect {
        let mid = self.x0 + self.len / 2.0;
        let half = labels::text_em(&self.label()) * self.fs / 2.0;
        Rect {
            x0: self.x0.min(mid - half) - 2.0,
            y0: self.y0 - self.tick - self.fs * 1.3,
            x1: (self.x0 + self.len).max(mid + half) + 2.0,
            y1: self.y0 + 2.0,
        }
    }

    fn draw(&self, svg: &mut String) {
        let (x0, y0, tick, fs) = (self.x0, self.y0, self.tick, self.fs);
        svg.push_str(r#"<g class="scale" font-size=""#);
        push_tenths(svg, tenths(fs));
        svg.push_str(r#"" stroke-width=""#);
        push_tenths(svg, tenths(fs / 4.0));
        svg.push_str(r#""><path d="M"#);
        push_tenths(svg, tenths(x0));
        svg.push(',');
        push_tenths(svg, tenths(y0 - tick));
        svg.push('V');
        push_tenths(svg, tenths(y0));
        svg.push('H');
        push_tenths(svg, tenths(x0 + self.len));
        svg.push('V');
        push_tenths(svg, tenths(y0 - tick));
        svg.push_str(r#""/>"#);
        let label = self.label();
        push_label(
            svg,
            tenths(x0 + self.len / 2.0),
            tenths(y0 - tick - fs * 0.3),
            "middle",
            &|s| s.push_str(&label),
        );
        svg.push_str("</g>");
    }
}

fn push_path(svg: &mut String, class: &str, d: &str) {
    if d.is_empty() {
        return;
    }
    svg.push_str("<path class=\"");
    svg.push_str(class);
    svg.push_str("\" d=\"");
    svg.push_str(d);
    svg.push_str("\"/>");
}

/// A viewBox coordinate in tenths. Rounding to integers first makes
/// relative path steps add up exactly; the cast saturates, so NaN or huge
/// values cannot panic.
fn tenths(v: f64) -> i64 {
    (v * 10.0).round() as i64
}

fn push_int(out: &mut String, v: i64) {
    if v < 0 {
        out.push('-');
    }
    let mut n = v.unsigned_abs();
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for &b in &buf[i..] {
        out.push(char::from(b));
    }
}

/// Writes tenths as a decimal with at most one fraction digit.
fn push_tenths(out: &mut String, v: i64) {
    let a = v.unsigned_abs();
    if v < 0 {
        out.push('-');
    }
    push_int(out, (a / 10) as i64);
    let frac = (a % 10) as u8;
    if frac != 0 {
        out.push('.');
        out.push(char::from(b'0' + frac));
    }
}

/// XML-escapes text for element content and attribute values alike.
/// Characters XML 1.0 does not allow become U+FFFD, and line breaks a space,
/// so the document stays well-formed whatever the title holds.
fn push_escaped(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(' '),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
}
