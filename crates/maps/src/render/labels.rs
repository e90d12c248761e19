//! Names on the map: cities from the gazetteer, the country, the degrees of
//! the graticule, each kept clear of the others by an estimated box.
//!
//! Text is measured without a font: each character counts a fixed share of
//! the font size by its kind (narrow, capital, wide CJK…), taken from the
//! widest of the usual sans-serifs (DejaVu Sans, which Linux browsers fall
//! back to), so the boxes are, if anything, a little larger than the text
//! drawn.

use super::{
    nearest_copy, push_escaped, push_tenths, tenths, Frame, GridLabel, Marker, WORLD_COPIES,
};
use crate::gazetteer::country_name;
use crate::nearby;
use crate::world::{country_meets, label_point, main_poly};

/// The most names of places a map carries.
const MAX_CITY_LABELS: usize = 12;
/// viewBox area per city name: a smaller map carries fewer.
const AREA_PER_LABEL: f64 = 20_000.0;
/// Places considered for a name, the most populous first.
const CITY_CANDIDATES: usize = 48;
/// Cities of this population or more are named larger…
const BIG_CITY: u32 = 1_000_000;
/// …and places below this smaller.
const SMALL_TOWN: u32 = 50_000;
/// Extra space between letters of the country's name (matches the
/// `letter-spacing` of `.country-name` in the style), in ems.
const COUNTRY_SPACING_EM: f64 = 0.18;

/// A box in viewBox units.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Rect {
    pub x0: f64,
    pub y0: f64,
    pub x1: f64,
    pub y1: f64,
}

impl Rect {
    pub(super) fn around(x: f64, y: f64, r: f64) -> Rect {
        Rect {
            x0: x - r,
            y0: y - r,
            x1: x + r,
            y1: y + r,
        }
    }

    pub(super) fn grown(self, d: f64) -> Rect {
        Rect {
            x0: self.x0 - d,
            y0: self.y0 - d,
            x1: self.x1 + d,
            y1: self.y1 + d,
        }
    }

    fn overlaps(&self, o: &Rect) -> bool {
        self.x0 < o.x1 && o.x0 < self.x1 && self.y0 < o.y1 && o.y0 < self.y1
    }
}

/// The boxes taken so far on a map.
pub(super) struct Layout {
    w: f64,
    h: f64,
    taken: Vec<Rect>,
}

impl Layout {
    pub(super) fn new(w: f64, h: f64) -> Layout {
        Layout {
            w,
            h,
            taken: Vec::with_capacity(32),
        }
    }

    pub(super) fn take(&mut self, r: Rect) {
        self.taken.push(r);
    }

    /// Whether `r` meets nothing taken. Written so that NaN is never clear.
    fn clear(&self, r: &Rect) -> bool {
        r.x0 <= r.x1 && r.y0 <= r.y1 && !self.taken.iter().any(|t| t.overlaps(r))
    }

    /// Whether `r` lies inside the viewBox and meets nothing taken.
    fn free(&self, r: &Rect) -> bool {
        r.x0 >= 0.0 && r.y0 >= 0.0 && r.x1 <= self.w && r.y1 <= self.h && self.clear(r)
    }
}

/// The estimated advance of `text` in ems: generous for a sans-serif.
pub(super) fn text_em(text: &str) -> f64 {
    text.chars().map(char_em).sum()
}

fn char_em(c: char) -> f64 {
    match c {
        ' ' | '.' | ',' | ':' | ';' | '\'' | '’' | '!' | '|' | 'i' | 'j' | 'l' | 'I' | '('
        | ')' => 0.34,
        'f' | 't' | 'r' | '-' => 0.43,
        '°' => 0.5,
        'm' | 'w' | 'M' | 'W' => 1.0,
        'A'..='Z' => 0.78,
        '0'..='9' => 0.64,
        // Hangul, CJK, kana, fullwidth forms.
        '\u{1100}'..='\u{115F}'
        | '\u{2E80}'..='\u{A4CF}'
        | '\u{AC00}'..='\u{D7A3}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FF60}'
        | '\u{FFE0}'..='\u{FFE6}' => 1.0,
        _ => 0.63,
    }
}

/// How text is anchored at its `x`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Anchor {
    Start,
    Middle,
    End,
}

/// The box of text `width` wide at baseline `y`, with room for its halo.
fn text_box(x: f64, y: f64, width: f64, anchor: Anchor, fs: f64) -> Rect {
    let x0 = match anchor {
        Anchor::Start => x,
        Anchor::Middle => x - width / 2.0,
        Anchor::End => x - width,
    };
    let pad = fs * 0.12;
    Rect {
        x0: x0 - pad,
        y0: y - fs * 0.8 - pad,
        x1: x0 + width + pad,
        y1: y + fs * 0.25 + pad,
    }
}

/// A `<text>` element, with a font size of its own if `size` is given.
fn push_text(
    out: &mut String,
    class: Option<&str>,
    size: Option<f64>,
    x: f64,
    y: f64,
    anchor: Anchor,
    text: &str,
) {
    out.push_str("<text");
    if let Some(c) = class {
        out.push_str(" class=\"");
        out.push_str(c);
        out.push('"');
    }
    if let Some(fs) = size {
        out.push_str(" font-size=\"");
        push_tenths(out, tenths(fs));
        out.push('"');
    }
    out.push_str(" x=\"");
    push_tenths(out, tenths(x));
    out.push_str("\" y=\"");
    push_tenths(out, tenths(y));
    match anchor {
        Anchor::Start => {}
        Anchor::Middle => out.push_str("\" text-anchor=\"middle"),
        Anchor::End => out.push_str("\" text-anchor=\"end"),
    }
    out.push_str("\">");
    push_escaped(out, text);
    out.push_str("</text>");
}

/// Where a name `width` wide goes beside a point at (`x`, `y`) with `gap`
/// around it: right, left, above or below, the first that is free.
fn beside(
    layout: &Layout,
    x: f64,
    y: f64,
    gap: f64,
    width: f64,
    fs: f64,
) -> Option<(f64, f64, Anchor, Rect)> {
    let mid = y + fs * 0.3;
    [
        (x + gap, mid, Anchor::Start),
        (x - gap, mid, Anchor::End),
        (x, y - gap - fs * 0.3, Anchor::Middle),
        (x, y + gap + fs * 0.85, Anchor::Middle),
    ]
    .into_iter()
    .map(|(tx, ty, a)| (tx, ty, a, text_box(tx, ty, width, a, fs)))
    .find(|(.., r)| layout.free(r))
}

/// Names the most populous places in the frame, each with a dot, the
/// incident's own town ([`nearby::town_at`]) first and in bold; the
/// largest cities in a larger type, the smallest towns in a smaller. A
/// place under the marker is named beside the marker, without a dot. A
/// place whose dot or name would meet a name or mark already there is left
/// out.
pub(super) fn draw_cities(
    svg: &mut String,
    layout: &mut Layout,
    frame: &Frame,
    marker: Option<&Marker>,
    fs: f64,
) {
    let most = ((frame.w * frame.h / AREA_PER_LABEL) as usize).clamp(2, MAX_CITY_LABELS);
    let own = marker.and_then(|m| nearby::town_at(m.lat, m.lon));
    let others = nearby::most_populous(&frame.bbox(), CITY_CANDIDATES);
    let own_id = own.map(|h| h.place.id);
    let candidates = own.into_iter().map(|h| (h, true)).chain(
        others
            .into_iter()
            .filter(|h| Some(h.place.id) != own_id)
            .map(|h| (h, false)),
    );
    let dot = (fs * 0.24).max(1.5);
    let mut out = String::new();
    let mut n = 0;
    for (hit, major) in candidates {
        if n >= most {
            break;
        }
        let (x, y) = (frame.x(hit.lon), frame.y(hit.lat));
        let size = match hit.place.population {
            p if p >= BIG_CITY => 1.15,
            p if p < SMALL_TOWN => 0.9,
            _ => 1.0,
        };
        let tfs = fs * size;
        // Bold is wider.
        let width = text_em(hit.place.name) * tfs * if major { 1.1 } else { 1.0 };
        let under = marker.filter(|m| (m.x - x).hypot(m.y - y) < m.r + dot * 2.0);
        let (ax, ay, gap, dot_box) = match under {
            Some(m) => (m.x, m.y, m.r + tfs * 0.3, None),
            None => (x, y, dot + tfs * 0.25, Some(Rect::around(x, y, dot + 1.0))),
        };
        if dot_box.is_some_and(|b| !layout.free(&b)) {
            continue;
        }
        let Some((tx, ty, anchor, r)) = beside(layout, ax, ay, gap, width, tfs) else {
            continue;
        };
        if let Some(b) = dot_box {
            layout.take(b);
            out.push_str(r#"<circle class="city" cx=""#);
            push_tenths(&mut out, tenths(x));
            out.push_str(r#"" cy=""#);
            push_tenths(&mut out, tenths(y));
            out.push_str(r#"" r=""#);
            push_tenths(&mut out, tenths(dot));
            out.push_str(r#""/>"#);
        }
        layout.take(r);
        let class = major.then_some("major");
        let size = (size != 1.0).then_some(tfs);
        push_text(&mut out, class, size, tx, ty, anchor, hit.place.name);
        n += 1;
    }
    if out.is_empty() {
        return;
    }
    svg.push_str(r#"<g class="cities" font-size=""#);
    push_tenths(svg, tenths(fs));
    svg.push_str(r#"" stroke-width=""#);
    push_tenths(svg, tenths(fs / 4.0));
    svg.push_str(r#"">"#);
    svg.push_str(&out);
    svg.push_str("</g>");
}

/// Names the country `alpha2` in `lang`, in capitals: over its main
/// landmass when that is in the frame with room for the name, else in a
/// top corner when some of the country is in the frame (the frame lies
/// inside it, or on its edge).
pub(super) fn draw_country(
    svg: &mut String,
    layout: &mut Layout,
    frame: &Frame,
    alpha2: &str,
    lang: &str,
    fs: f64,
) {
    let Some(name) = country_name(alpha2, lang) else {
        return;
    };
    if !country_meets(alpha2, &frame.bbox(), &WORLD_COPIES) {
        return;
    }
    let name = name.to_uppercase();
    let chars = name.chars().count() as f64;
    // Semibold is wider.
    let width = |cfs: f64| (text_em(&name) * 1.08 + COUNTRY_SPACING_EM * chars) * cfs;
    let centre = (frame.left + frame.right()) / 2.0;
    // (x, baseline, anchor, font size)
    let mut spots: Vec<(f64, f64, Anchor, f64)> = Vec::with_capacity(5);
    if let Some((lon, lat)) = main_poly(alpha2).and_then(label_point) {
        let cfs = fs * 1.3;
        let (x, y) = (frame.x(nearest_copy(lon, centre)), frame.y(lat));
        // The letter spacing also follows the last letter: centre the rest.
        let x = x + COUNTRY_SPACING_EM * cfs / 2.0;
        for dy in [0.0, -1.5, 1.5] {
            spots.push((x, y + cfs * (0.3 + dy), Anchor::Middle, cfs));
        }
    }
    let cfs = fs * 1.1;
    let pad = fs * 0.5;
    let top = pad + cfs * 0.8;
    spots.push((frame.w - pad, top, Anchor::End, cfs));
    spots.push((pad, top, Anchor::Start, cfs));
    let found = spots.into_iter().find_map(|(x, y, a, cfs)| {
        let r = text_box(x, y, width(cfs), a, cfs);
        layout.free(&r).then_some((x, y, a, cfs, r))
    });
    let Some((x, y, anchor, cfs, r)) = found else {
        return;
    };
    layout.take(r);
    svg.push_str(r#"<g font-size=""#);
    push_tenths(svg, tenths(cfs));
    svg.push_str(r#"" stroke-width=""#);
    push_tenths(svg, tenths(cfs / 4.0));
    svg.push_str(r#"">"#);
    push_text(svg, Some("country-name"), None, x, y, anchor, &name);
    svg.push_str("</g>");
}

/// The graticule's degree labels that meet no name or mark.
pub(super) fn draw_grid_labels(svg: &mut String, layout: &Layout, labels: &[GridLabel], fs: f64) {
    let mut out = String::new();
    for l in labels {
        let r = text_box(l.x, l.y, text_em(&l.text) * fs, Anchor::Start, fs);
        if layout.clear(&r) {
            push_text(&mut out, None, None, l.x, l.y, Anchor::Start, &l.text);
        }
    }
    if out.is_empty() {
        return;
    }
    svg.push_str(r#"<g class="graticule" font-size=""#);
    push_tenths(svg, tenths(fs));
    svg.push_str(r#"" stroke-width=""#);
    push_tenths(svg, tenths(fs / 4.0));
    svg.push_str(r#"">"#);
    svg.push_str(&out);
    svg.push_str("</g>");
}
