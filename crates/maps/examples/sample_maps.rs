//! Writes a few sample maps as SVG files, for looking at the output.
//!
//! `cargo run -p honbu-maps --example sample_maps -- /tmp/maps`

use honbu_maps::{render_svg, Area, MapRequest};

fn main() -> std::io::Result<()> {
    let dir = std::env::args().nth(1).unwrap_or_else(|| ".".into());
    std::fs::create_dir_all(&dir)?;
    let lima = (-12.0464, -77.0428);
    let radius = Area::Radius { metres: 500.0 };
    let big = Area::Radius { metres: 150_000.0 };
    let fiji = Area::Polygon {
        rings: vec![vec![
            (179.0, -16.0),
            (-179.0, -16.0),
            (-179.0, -18.5),
            (179.0, -18.5),
            (179.0, -16.0),
        ]],
    };
    let samples: [(&str, MapRequest); 11] = [
        (
            "lima",
            MapRequest {
                country: Some("PE"),
                point: Some(lima),
                area: Some(&radius),
                title: "Lima: 500 m",
                width: 640,
                height: 400,
                lang: "en",
            },
        ),
        (
            "lima-ja",
            MapRequest {
                country: Some("PE"),
                point: Some(lima),
                area: Some(&radius),
                title: "リマ: 500 m",
                lang: "ja",
                ..Default::default()
            },
        ),
        (
            "bamako",
            MapRequest {
                country: Some("ML"),
                point: Some((12.65, -8.0)),
                area: Some(&radius),
                title: "Bamako: 500 m",
                lang: "fr",
                ..Default::default()
            },
        ),
        (
            "bamako-point",
            MapRequest {
                point: Some((12.65, -8.0)),
                title: "Bamako",
                ..Default::default()
            },
        ),
        (
            "lima-150km",
            MapRequest {
                country: Some("PE"),
                point: Some(lima),
                area: Some(&big),
                title: "Lima: 150 km",
                width: 640,
                height: 400,
                lang: "en",
            },
        ),
        (
            "peru",
            MapRequest {
                country: Some("PE"),
                point: None,
                area: None,
                title: "Peru",
                width: 400,
                height: 500,
                lang: "en",
            },
        ),
        (
            "france",
            MapRequest {
                country: Some("FR"),
                point: None,
                area: None,
                title: "France",
                width: 500,
                height: 500,
                lang: "en",
            },
        ),
        (
            "tokyo",
            MapRequest {
                country: Some("JP"),
                point: Some((35.68, 139.76)),
                area: None,
                title: "Tokyo",
                width: 640,
                height: 400,
                lang: "en",
            },
        ),
        (
            "fiji",
            MapRequest {
                country: Some("FJ"),
                point: Some((-17.8, 178.0)),
                area: Some(&fiji),
                title: "Fiji",
                width: 640,
                height: 400,
                lang: "en",
            },
        ),
        (
            "world",
            MapRequest {
                country: Some("AQ"),
                point: None,
                area: None,
                title: "World",
                width: 800,
                height: 400,
                lang: "en",
            },
        ),
        (
            "russia",
            MapRequest {
                country: Some("RU"),
                point: None,
                area: None,
                title: "Russia",
                width: 800,
                height: 400,
                lang: "en",
            },
        ),
    ];
    for (name, req) in samples {
        let svg = render_svg(&req);
        let path = format!("{dir}/{name}.svg");
        std::fs::write(&path, &svg)?;
        println!("{path}: {} bytes", svg.len());
    }
    Ok(())
}
