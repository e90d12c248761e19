//! The locator inset: a small map of the country and its region in the
//! bottom-right corner, with the main frame marked on it.

use super::labels::Rect;
use super::{draw_land, nearest_copy, push_tenths, tenths, Frame, WORLD_COPIES};
use crate::iso::Country;
use crate::world::{country_meets, main_bbox};

/// Space added on each side of the country and the frame, as a fraction.
const INSET_MARGIN: f64 = 0.3;
/// Least extent of the inset's longer side, in degrees: a region, even
/// around a small country.
const INSET_MIN_SPAN: f64 = 24.0;
/// No inset below this width.
const INSET_MIN_WIDTH: f64 = 80.0;
const INSET_MAX_WIDTH: f64 = 320.0;
const INSET_ASPECT: f64 = 1.6;
/// The main frame is marked by a dot when its box would be smaller.
const MIN_MARK_PX: f64 = 6.0;

pub(super) struct Inset {
    /// Top-left corner on the main map.
    x: f64,
    y: f64,
    frame: Frame,
}

impl Inset {
    /// The inset for the main frame `main`: the country's main landmass and
    /// the frame, with a margin; `None` when the map is too small for one or
    /// the main frame is itself nearly as wide.
    pub(super) fn plan(main: &Frame, country: Option<&Country>, fs: f64) -> Option<Inset> {
        let iw = (main.w * 0.25)
            .min(main.h * 0.4 * INSET_ASPECT)
            .min(INSET_MAX_WIDTH)
            .round();
        let ih = (iw / INSET_ASPECT).round();
        if iw.is_nan() || iw < INSET_MIN_WIDTH {
            return None;
        }
        let view = main.bbox();
        let centre = (view.min_lon + view.max_lon) / 2.0;
        let mut content = view;
        // The country only when the frame shows some of it: else the inset
        // would span the globe between them.
        let b = country
            .filter(|c| country_meets(c.alpha2, &view, &WORLD_COPIES))
            .and_then(main_bbox);
        if let Some(b) = b {
            let shift = nearest_copy(centre, (b.min_lon + b.max_lon) / 2.0) - centre;
            content = view.shifted(shift).union(b);
        }
        // Casts saturate; `iw` is at most INSET_MAX_WIDTH.
        let frame = Frame::fit(content, INSET_MARGIN, INSET_MIN_SPAN, iw as u32, ih as u32);
        let (span, region) = (main.top - main.bottom(), frame.top - frame.bottom());
        if !(span.is_finite() && span <= 0.4 * region) {
            return None;
        }
        let m = (fs * 0.6).round();
        Some(Inset {
            x: main.w - iw - m,
            y: main.h - ih - m,
            frame,
        })
    }

    pub(super) fn rect(&self) -> Rect {
        Rect {
            x0: self.x,
            y0: self.y,
            x1: self.x + self.frame.w,
            y1: self.y + self.frame.h,
        }
    }

    /// A nested `<svg>` (which clips its content) with the sea, the land,
    /// the country `focus` highlighted and the main frame marked, then the
    /// inset's border.
    pub(super) fn draw(&self, svg: &mut String, main: &Frame, focus: Option<&str>) {
        let f = &self.frame;
        let (w, h) = (tenths(f.w), tenths(f.h));
        svg.push_str(r#"<svg class="inset" x=""#);
        push_tenths(svg, tenths(self.x));
        svg.push_str(r#"" y=""#);
        push_tenths(svg, tenths(self.y));
        svg.push_str(r#"" width=""#);
        push_tenths(svg, w);
        svg.push_str(r#"" height=""#);
        push_tenths(svg, h);
        svg.push_str(r#"" viewBox="0 0 "#);
        push_tenths(svg, w);
        svg.push(' ');
        push_tenths(svg, h);
        svg.push_str(r#""><rect class="sea" width=""#);
        push_tenths(svg, w);
        svg.push_str(r#"" height=""#);
        push_tenths(svg, h);
        svg.push_str(r#""/>"#);
        draw_land(svg, f, focus);

        let view = main.bbox();
        let centre = (view.min_lon + view.max_lon) / 2.0;
        let shift = nearest_copy(centre, (f.left + f.right()) / 2.0) - centre;
        let (x0, x1) = (f.x(view.min_lon + shift), f.x(view.max_lon + shift));
        let (y0, y1) = (f.y(view.max_lat), f.y(view.min_lat));
        if (x1 - x0).max(y1 - y0) < MIN_MARK_PX {
            svg.push_str(r#"<circle class="inset-mark" cx=""#);
            push_tenths(svg, tenths((x0 + x1) / 2.0));
            svg.push_str(r#"" cy=""#);
            push_tenths(svg, tenths((y0 + y1) / 2.0));
            svg.push_str(r#"" r="3"/>"#);
        } else {
            svg.push_str(r#"<rect class="inset-mark" x=""#);
            push_tenths(svg, tenths(x0));
            svg.push_str(r#"" y=""#);
            push_tenths(svg, tenths(y0));
            svg.push_str(r#"" width=""#);
            push_tenths(svg, tenths((x1 - x0).max(0.0)));
            svg.push_str(r#"" height=""#);
            push_tenths(svg, tenths((y1 - y0).max(0.0)));
            svg.push_str(r#""/>"#);
        }
        svg.push_str(r#"</svg><rect class="inset-frame" x=""#);
        push_tenths(svg, tenths(self.x));
        svg.push_str(r#"" y=""#);
        push_tenths(svg, tenths(self.y));
        svg.push_str(r#"" width=""#);
        push_tenths(svg, w);
        svg.push_str(r#"" height=""#);
        push_tenths(svg, h);
        svg.push_str(r#""/>"#);
    }
}
