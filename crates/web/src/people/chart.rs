//! The chart of people accounted for over time: a stacked step chart drawn
//! on the server as SVG (no script, prints, reads in the dark theme through
//! its CSS classes).

use crate::i18n::Catalogue;
use crate::pages::Clock;
use honbu_domain::time::Timestamp;
use honbu_domain::vocab::PersonStatus;
use honbu_store::people::StatusPoint;
use std::fmt::Write;

/// The bands, bottom to top: the worst news at the foot, the open cases on
/// top, each a group of statuses with its catalogue key.
const BANDS: &[(&str, &[PersonStatus])] = &[
    ("personstatus.deceased", &[PersonStatus::Deceased]),
    (
        "people.band.injured",
        &[PersonStatus::Injured, PersonStatus::Hospitalised],
    ),
    (
        "people.band.safe",
        &[
            PersonStatus::Safe,
            PersonStatus::Released,
            PersonStatus::Evacuated,
            PersonStatus::NotInvolved,
        ],
    ),
    ("personstatus.hostage", &[PersonStatus::Hostage]),
    ("personstatus.missing", &[PersonStatus::Missing]),
    ("personstatus.unknown", &[PersonStatus::Unknown]),
];

const CLASSES: &[&str] = &[
    "b-dead",
    "b-injured",
    "b-safe",
    "b-held",
    "b-missing",
    "b-unknown",
];

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn band_count(counts: &[i64], statuses: &[PersonStatus]) -> i64 {
    statuses
        .iter()
        .filter_map(|s| PersonStatus::ALL.iter().position(|x| x == s))
        .map(|i| counts.get(i).copied().unwrap_or(0))
        .sum()
}

/// The chart of `points` up to `end`, times in the HQ's zone; empty when
/// there is nothing to draw.
pub fn status_chart(
    points: &[StatusPoint],
    end: Timestamp,
    clock: &Clock,
    lang: &Catalogue,
) -> String {
    let Some(first) = points.first() else {
        return String::new();
    };
    let (w, h, left, right, top, bottom) = (960.0f64, 240.0f64, 44.0, 12.0, 10.0, 40.0);
    let (pw, ph) = (w - left - right, h - top - bottom);
    let start = first.at;
    let last = points.last().map_or(start, |p| p.at);
    // The state now is drawn a little wide, even when it began a moment ago.
    let end = end
        .max(start + chrono::Duration::minutes(1))
        .max(last + (last - start) / 25);
    let span = (end - start).num_seconds().max(1) as f64;
    let x = |t: Timestamp| left + pw * ((t - start).num_seconds() as f64 / span).clamp(0.0, 1.0);
    let max = points
        .iter()
        .map(|p| p.counts.iter().sum::<i64>())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let y = |n: f64| top + ph - ph * (n / max);
    let mut svg = String::new();
    let title = lang.t("people.chart");
    let _ = write!(
        svg,
        r#"<svg class="chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="chart-title" xmlns="http://www.w3.org/2000/svg"><title id="chart-title">{}</title>"#,
        esc(title)
    );
    // Each band: a step polygon from its lower to its upper edge.
    for (b, (_, statuses)) in BANDS.iter().enumerate() {
        let below: Vec<f64> = points
            .iter()
            .map(|p| {
                BANDS[..b]
                    .iter()
                    .map(|(_, s)| band_count(&p.counts, s))
                    .sum::<i64>() as f64
            })
            .collect();
        let own: Vec<f64> = points
            .iter()
            .map(|p| band_count(&p.counts, statuses) as f64)
            .collect();
        if own.iter().all(|n| *n == 0.0) {
            continue;
        }
        let mut upper = String::new();
        let mut lower: Vec<String> = vec![];
        for (i, p) in points.iter().enumerate() {
            let x0 = x(p.at);
            let x1 = points.get(i + 1).map_or(x(end), |n| x(n.at));
            let (lo, hi) = (below[i], below[i] + own[i]);
            let _ = write!(upper, "{x0:.1},{:.1} {x1:.1},{:.1} ", y(hi), y(hi));
            lower.push(format!("{x1:.1},{:.1} {x0:.1},{:.1}", y(lo), y(lo)));
        }
        lower.reverse();
        let _ = write!(
            svg,
            r#"<polygon class="{}" points="{}{}"/>"#,
            CLASSES[b],
            upper,
            lower.join(" ")
        );
    }
    // Axes: the count at the top, five times along the foot.
    let _ = write!(
        svg,
        r#"<line class="axis" x1="{left}" y1="{:.1}" x2="{:.1}" y2="{:.1}"/><text class="tick" x="{:.1}" y="{:.1}" text-anchor="end">{}</text><text class="tick" x="{:.1}" y="{:.1}" text-anchor="end">0</text>"#,
        top + ph,
        left + pw,
        top + ph,
        left - 4.0,
        top + 10.0,
        max as i64,
        left - 4.0,
        top + ph
    );
    for k in 0..5 {
        let t = start + chrono::Duration::seconds((span * k as f64 / 4.0) as i64);
        let anchor = match k {
            0 => "start",
            4 => "end",
            _ => "middle",
        };
        let _ = write!(
            svg,
            r#"<text class="tick" x="{:.1}" y="{:.1}" text-anchor="{anchor}">{}</text>"#,
            x(t),
            top + ph + 14.0,
            esc(&clock.short(&t))
        );
    }
    // The legend, along the foot.
    let mut lx = left;
    for (b, (key, _)) in BANDS.iter().enumerate() {
        let label = lang.t(key);
        let _ = write!(
            svg,
            r#"<rect class="{}" x="{lx:.1}" y="{:.1}" width="10" height="10"/><text class="tick" x="{:.1}" y="{:.1}">{}</text>"#,
            CLASSES[b],
            h - 12.0,
            lx + 14.0,
            h - 3.0,
            esc(label)
        );
        lx += 26.0 + 7.5 * label.chars().count() as f64;
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_chart_stacks_each_band_and_names_it() {
        let t = |h| {
            chrono::Utc
                .with_ymd_and_hms(1996, 12, 18, h, 0, 0)
                .single()
                .unwrap()
        };
        let at = |h, held, safe| {
            let mut counts = vec![0; PersonStatus::ALL.len()];
            counts[3] = held;
            counts[1] = safe;
            StatusPoint { at: t(h), counts }
        };
        let clock = Clock {
            hq: honbu_domain::time::Zone::parse("z", "Asia/Tokyo").unwrap(),
            local: honbu_domain::time::Zone::parse("z", "America/Lima").unwrap(),
        };
        let svg = status_chart(
            &[at(1, 10, 0), at(5, 6, 4)],
            t(9),
            &clock,
            crate::i18n::english(),
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert_eq!(
            svg.matches("<polygon").count(),
            2,
            "held and safe; empty bands are not drawn"
        );
        assert!(svg.contains("class=\"b-held\"") && svg.contains("class=\"b-safe\""));
        assert!(svg.contains(">10<"), "the scale's top");
        assert!(status_chart(&[], t(9), &clock, crate::i18n::english()).is_empty());
    }
}
