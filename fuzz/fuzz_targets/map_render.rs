//! The map drawer on arbitrary places, areas and sizes: always an SVG.
#![no_main]
use libfuzzer_sys::fuzz_target;

fn f(d: &[u8], i: usize) -> f64 {
    d.get(i * 8..i * 8 + 8).and_then(|b| b.try_into().ok()).map(f64::from_le_bytes).unwrap_or(0.0)
}

fuzz_target!(|data: &[u8]| {
    let n = data.len() / 16;
    let ring: Vec<(f64, f64)> = (0..n.min(64)).map(|i| (f(data, 2 * i), f(data, 2 * i + 1))).collect();
    let _ = honbu_maps::validate_polygon(&[ring.clone()]);
    let area = if data.first().is_some_and(|b| b % 2 == 0) {
        honbu_maps::Area::Radius { metres: f(data, 2) }
    } else {
        honbu_maps::Area::Polygon { rings: vec![ring] }
    };
    let country = std::str::from_utf8(data.get(..2).unwrap_or_default()).unwrap_or("PE");
    let svg = honbu_maps::render_svg(&honbu_maps::MapRequest {
        country: Some(country),
        point: Some((f(data, 0), f(data, 1))),
        area: Some(&area),
        title: "fuzz",
        width: u32::from(data.get(3).copied().unwrap_or(0)) * 8,
        height: u32::from(data.get(4).copied().unwrap_or(0)) * 8,
        lang: if data.len() % 2 == 0 { "ja" } else { "en" },
    });
    assert!(svg.starts_with("<svg"));
    let _ = honbu_maps::country_at(f(data, 0), f(data, 1));
});
