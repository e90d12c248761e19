//! Render-time benchmark for `render_svg`.
//!
//! `cargo run --release -p honbu-maps --example bench_map`
//!
//! Prints p50/p99 for the Lima incident frame (500 m radius), next to a
//! baseline measured in the same run: formatting as many path points into a
//! `String` as that map draws, with no projection, clipping or
//! simplification. The ratio says what the map logic costs over bare text
//! output (the points include the locator inset's; the names are not
//! counted). A country frame and the world view are timed for context.

use honbu_maps::{country_at, render_svg, Area, MapRequest};
use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

const RUNS: usize = 2000;

fn percentiles(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort_unstable();
    let at = |q: f64| {
        let i = ((samples.len() as f64 - 1.0) * q).round() as usize;
        samples.get(i).copied().unwrap_or_default()
    };
    (at(0.50), at(0.99))
}

fn time(runs: usize, mut f: impl FnMut()) -> (Duration, Duration) {
    let samples = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    percentiles(samples)
}

/// Path points in a map: every point of every `d` attribute is one `x,y` pair.
fn path_points(svg: &str) -> usize {
    svg.split(" d=\"")
        .skip(1)
        .map(|rest| rest.split('"').next().unwrap_or("").matches(',').count())
        .sum()
}

fn us(d: Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

fn main() {
    let area = Area::Radius { metres: 500.0 };
    let lima = MapRequest {
        country: Some("PE"),
        point: Some((-12.0464, -77.0428)),
        area: Some(&area),
        title: "Lima: protest, 500 m",
        width: 640,
        height: 400,
        lang: "en",
    };

    let t = Instant::now();
    let first = render_svg(&lima);
    let first_time = t.elapsed();
    let t = Instant::now();
    let _ = black_box(country_at(-12.0464, -77.0428));
    let lookup_time = t.elapsed();

    let points = path_points(&first);
    let (p50, p99) = time(RUNS, || {
        black_box(render_svg(black_box(&lima)));
    });

    // Same number of points, formatted the plain way.
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let coords: Vec<(f64, f64)> = (0..points.max(1))
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (
                (seed % 6400) as f64 / 10.0,
                (seed / 6400 % 4000) as f64 / 10.0,
            )
        })
        .collect();
    let (b50, b99) = time(RUNS, || {
        let mut s = String::new();
        for &(x, y) in black_box(&coords) {
            let _ = write!(s, "{x:.1},{y:.1} ");
        }
        black_box(s);
    });

    println!(
        "first render (includes decoding the embedded outlines, parsing the gazetteer and indexing its places): {:.1} ms",
        first_time.as_secs_f64() * 1e3
    );
    println!("first country_at after that: {:.1} us", us(lookup_time));
    println!(
        "Lima 500 m frame, 640x400: {} bytes, {points} path points, {RUNS} runs",
        first.len()
    );
    println!(
        "  render_svg  p50 {:>8.1} us   p99 {:>8.1} us",
        us(p50),
        us(p99)
    );
    println!(
        "  baseline    p50 {:>8.1} us   p99 {:>8.1} us   ({points} points formatted into a String)",
        us(b50),
        us(b99)
    );
    println!(
        "  ratio       p50 {:>8.1}x     p99 {:>8.1}x",
        us(p50) / us(b50).max(1e-3),
        us(p99) / us(b99).max(1e-3)
    );
    println!(
        "  target      p99 < 2000 us: {}",
        if p99 < Duration::from_millis(2) {
            "met"
        } else {
            "MISSED"
        }
    );

    let peru = MapRequest {
        country: Some("PE"),
        point: None,
        area: None,
        title: "Peru",
        width: 640,
        height: 400,
        lang: "en",
    };
    let world = MapRequest {
        country: None,
        point: None,
        area: None,
        title: "World",
        width: 1280,
        height: 640,
        lang: "en",
    };
    for (name, req) in [
        ("Peru country frame, 640x400", peru),
        ("world view, 1280x640", world),
    ] {
        let svg = render_svg(&req);
        let (p50, p99) = time(200, || {
            black_box(render_svg(black_box(&req)));
        });
        println!(
            "{name}: {} bytes, {} path points; p50 {:.1} us, p99 {:.1} us",
            svg.len(),
            path_points(&svg),
            us(p50),
            us(p99)
        );
    }
}
