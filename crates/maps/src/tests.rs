//! Tests of the public API as other crates use it.

use crate::*;

/// A crude well-formedness check: balanced tags, quoted attributes, known
/// entities, no characters XML forbids, one root element. Enough to catch
/// what a string-built SVG gets wrong, without an XML dependency.
fn check_xml(doc: &str) -> Result<(), String> {
    let b = doc.as_bytes();
    let mut stack: Vec<&str> = Vec::new();
    let mut roots = 0;
    let mut i = 0;
    let entity_ok = |at: usize| -> bool {
        let rest = &doc[at..];
        ["&amp;", "&lt;", "&gt;", "&quot;", "&#39;"]
            .iter()
            .any(|e| rest.starts_with(e))
    };
    if let Some(c) = doc.chars().find(|&c| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{fffe}' || c == '\u{ffff}'
    }) {
        return Err(format!("forbidden character {c:?}"));
    }
    while i < b.len() {
        match b[i] {
            b'<' if b.get(i + 1) == Some(&b'/') => {
                let end = doc[i..].find('>').ok_or("unterminated end tag")? + i;
                let name = &doc[i + 2..end];
                match stack.pop() {
                    Some(open) if open == name => {}
                    other => return Err(format!("</{name}> closes {other:?}")),
                }
                i = end + 1;
            }
            b'<' => {
                if stack.is_empty() {
                    roots += 1;
                }
                let mut j = i + 1;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'-') {
                    j += 1;
                }
                let name = &doc[i + 1..j];
                if name.is_empty() {
                    return Err(format!("bad tag at {i}"));
                }
                loop {
                    while j < b.len() && b[j] == b' ' {
                        j += 1;
                    }
                    match b.get(j) {
                        Some(b'>') => {
                            stack.push(name);
                            j += 1;
                            break;
                        }
                        Some(b'/') if b.get(j + 1) == Some(&b'>') => {
                            j += 2;
                            break;
                        }
                        Some(_) => {
                            let eq = doc[j..].find("=\"").ok_or("attribute without value")? + j;
                            let attr = &doc[j..eq];
                            if attr.is_empty()
                                || !attr.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
                            {
                                return Err(format!("bad attribute name {attr:?}"));
                            }
                            let close =
                                doc[eq + 2..].find('"').ok_or("unterminated attribute")? + eq + 2;
                            let value = &doc[eq + 2..close];
                            if value.contains('<') {
                                return Err(format!("'<' in attribute {attr}"));
                            }
                            if let Some(a) = value.find('&') {
                                if !entity_ok(eq + 2 + a) {
                                    return Err(format!("bare '&' in attribute {attr}"));
                                }
                            }
                            j = close + 1;
                        }
                        None => return Err("unterminated tag".into()),
                    }
                }
                i = j;
            }
            b'&' => {
                if !entity_ok(i) {
                    return Err(format!("bare '&' at {i}"));
                }
                i += 1;
            }
            c => {
                if stack.is_empty() && !c.is_ascii_whitespace() {
                    return Err(format!("text outside the root at {i}"));
                }
                i += 1;
            }
        }
    }
    if !stack.is_empty() {
        return Err(format!("unclosed {stack:?}"));
    }
    if roots != 1 {
        return Err(format!("{roots} root elements"));
    }
    Ok(())
}

#[test]
fn xml_checker_catches_mistakes() {
    assert!(check_xml(r#"<svg a="1"><title>x &amp; y</title><path d="M0,0"/></svg>"#).is_ok());
    for bad in [
        "<svg><title>x</svg>",
        "<svg>a & b</svg>",
        r#"<svg a="<"></svg>"#,
        "<svg></svg><svg></svg>",
        "<svg>",
        "<svg>\u{1}</svg>",
        r#"<svg a="1></svg>"#,
    ] {
        assert!(check_xml(bad).is_err(), "{bad}");
    }
}

fn lima() -> (f64, f64) {
    (-12.0464, -77.0428)
}

#[test]
fn lima_with_radius() {
    let area = Area::Radius { metres: 500.0 };
    let svg = render_svg(&MapRequest {
        country: Some("pe"),
        point: Some(lima()),
        area: Some(&area),
        title: "Protest <Plaza San Martín> & \"Jirón\" 'Unión'",
        width: 640,
        height: 400,
        lang: "en",
    });
    check_xml(&svg).unwrap();
    assert!(svg.starts_with(r#"<svg xmlns="http://www.w3.org/2000/svg" class="honbu-map" viewBox="0 0 640 400" role="img" aria-label="Protest &lt;Plaza"#));
    assert!(svg.contains(
        "<title>Protest &lt;Plaza San Martín&gt; &amp; &quot;Jirón&quot; &#39;Unión&#39;</title>"
    ));
    for class in ["land-focus", "area", "place", "scale", "graticule", "sea"] {
        assert!(svg.contains(&format!("class=\"{class}\"")), "{class}");
    }
    assert!(svg.contains("prefers-color-scheme"));
    assert!(svg.contains(&format!("<style>{SVG_STYLE}</style>")));
    // Lima is on the coast: both sea and land are in frame, and no other
    // country is near enough to be drawn (the inset shows the neighbours).
    let (main, inset) = svg.split_once(r#"<svg class="inset""#).unwrap();
    assert!(!main.contains(r#"class="land" "#));
    assert!(inset.contains(r#"class="land" "#) && inset.contains(r#"class="land-focus""#));
    assert!(svg.len() < 30_000, "{} bytes", svg.len());
    assert!(!svg.contains("NaN") && !svg.contains("inf"));
    // 0.2° across at least: the scale bar shows kilometres, not metres.
    assert!(svg.contains(" km</text>"), "{svg}");
}

#[test]
fn country_only_and_point_only_and_world() {
    for (req, must) in [
        (
            MapRequest {
                country: Some("FR"),
                point: None,
                area: None,
                title: "France",
                width: 500,
                height: 500,
                lang: "en",
            },
            vec!["land-focus", "land"],
        ),
        (
            MapRequest {
                country: None,
                point: Some((35.68, 139.76)),
                area: None,
                title: "Tokyo",
                width: 300,
                height: 200,
                lang: "en",
            },
            vec!["land", "place"],
        ),
        (
            MapRequest {
                country: None,
                point: None,
                area: None,
                title: "",
                width: 800,
                height: 400,
                lang: "en",
            },
            vec!["land"],
        ),
        (
            MapRequest {
                country: Some("FJ"),
                point: Some((-17.8, 178.0)),
                area: None,
                title: "Fiji",
                width: 400,
                height: 300,
                lang: "en",
            },
            vec!["land-focus", "place"],
        ),
    ] {
        let svg = render_svg(&req);
        check_xml(&svg).unwrap();
        for class in must {
            assert!(
                svg.contains(&format!("class=\"{class}\"")),
                "{}: {class}",
                req.title
            );
        }
        assert!(svg.len() < 400_000, "{}: {} bytes", req.title, svg.len());
    }
    let untitled = render_svg(&MapRequest {
        country: None,
        point: None,
        area: None,
        title: " ",
        width: 0,
        height: 0,
        lang: "en",
    });
    assert!(untitled.contains(r#"viewBox="0 0 640 400""#));
    assert!(untitled.contains("aria-label=\"Map\""));
}

#[test]
fn polygon_area_with_hole_and_antimeridian() {
    let ring = vec![
        (179.5, -17.0),
        (-179.5, -17.0),
        (-179.5, -18.0),
        (179.5, -18.0),
        (179.5, -17.0),
    ];
    let area = Area::Polygon { rings: vec![ring] };
    let svg = render_svg(&MapRequest {
        country: None,
        point: None,
        area: Some(&area),
        title: "Fiji area",
        width: 400,
        height: 300,
        lang: "en",
    });
    check_xml(&svg).unwrap();
    assert!(svg.contains("class=\"area\""));
    // A 1°-wide box, not one spanning the globe: the scale bar stays small.
    assert!(svg.contains(" km</text>"));
    assert!(!svg.contains("000 km"), "frame went global");
}

/// xorshift64*: deterministic garbage without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[(self.next() % xs.len() as u64) as usize]
    }
    fn f64(&mut self) -> f64 {
        match self.next() % 8 {
            0 => self.pick(&[
                f64::NAN,
                f64::INFINITY,
                f64::NEG_INFINITY,
                0.0,
                -0.0,
                f64::MAX,
                f64::MIN_POSITIVE,
                1e300,
            ]),
            1 => f64::from_bits(self.next()),
            2 => (self.next() % 2000) as f64 - 1000.0,
            3 => self.pick(&[90.0, -90.0, 180.0, -180.0, 179.999, 89.999]),
            _ => (self.next() % 360_000) as f64 / 1000.0 - 180.0,
        }
    }
    fn ring(&mut self) -> Vec<(f64, f64)> {
        let n = self.next() % 9;
        let mut r: Vec<(f64, f64)> = (0..n).map(|_| (self.f64(), self.f64())).collect();
        if self.next() % 2 == 0 {
            if let Some(&p) = r.first() {
                r.push(p);
            }
        }
        r
    }
}

#[test]
fn garbage_never_panics() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let codes = [
        "PE", "pe", "XX", "", "FR", "US", "RU", "FJ", "AQ", "ÿÿ", "XK", "GB", "P",
    ];
    let titles = [
        "",
        "a\u{0}b\u{1f}c\u{fffe}",
        "]]><script>alert(1)</script>",
        "\"'&<>",
        "ＴＩＴＬＥ 🗺",
        "\r\n\t",
    ];
    for _ in 0..250 {
        let area = match rng.next() % 4 {
            0 => Area::Radius {
                metres: rng.f64() * 1000.0,
            },
            1 => Area::Radius {
                metres: rng.pick(&[0.0, -1.0, 1e7, 2.1e7, 1e30, f64::NAN, 500.0]),
            },
            2 => Area::Polygon {
                rings: (0..rng.next() % 4).map(|_| rng.ring()).collect(),
            },
            _ => Area::Polygon { rings: Vec::new() },
        };
        let req = MapRequest {
            country: if rng.next() % 3 == 0 {
                None
            } else {
                Some(rng.pick(&codes))
            },
            point: if rng.next() % 4 == 0 {
                None
            } else {
                Some((rng.f64(), rng.f64()))
            },
            area: if rng.next() % 3 == 0 {
                None
            } else {
                Some(&area)
            },
            title: rng.pick(&titles),
            width: rng.pick(&[0, 1, 2, 17, 640, 1920, 8192, u32::MAX]),
            height: rng.pick(&[0, 1, 3, 400, 1080, 9000, u32::MAX]),
            lang: rng.pick(&["en", "ja", "fr-CA", "es", "", "\u{0}<&>", "zz-ZZ-x"]),
        };
        let svg = render_svg(&req);
        if let Err(e) = check_xml(&svg) {
            panic!("{e} for {req:?}");
        }
        assert!(!svg.contains("NaN") && !svg.contains("inf"), "{req:?}");
        assert!(
            svg.contains("</title>") && svg.contains("class=\"sea\""),
            "{req:?}"
        );
        let _ = country_at(rng.f64(), rng.f64());
        if let Area::Polygon { rings } = &area {
            let _ = validate_polygon(rings);
        }
    }
}

// --- Names on the map --------------------------------------------------------

/// A text element of a map: its content (still escaped), the box the text
/// covers at the least (0.45 em a character, which any sans-serif exceeds;
/// cap height and descender), and its class.
#[derive(Debug)]
struct Label {
    text: String,
    class: String,
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    let end = tag[at..].find('"')? + at;
    Some(tag[at..end].to_string())
}

/// The names a map writes (cities and the country; not degrees or the
/// scale), with the font size of their group unless they have their own.
fn names(svg: &str) -> Vec<Label> {
    let mut out = Vec::new();
    let mut group_fs = 0.0;
    let mut i = 0;
    while let Some(at) = svg[i..].find('<') {
        let start = i + at;
        let Some(end) = svg[start..].find('>').map(|e| start + e) else {
            break;
        };
        let tag = &svg[start..=end];
        i = end + 1;
        if tag.starts_with("<g ") {
            group_fs = attr(tag, "font-size")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0.0);
            let class = attr(tag, "class").unwrap_or_default();
            if class == "graticule" || class == "scale" {
                group_fs = 0.0;
            }
        } else if tag.starts_with("<text") && group_fs > 0.0 {
            let close = svg[i..].find("</text>").unwrap() + i;
            let text = svg[i..close].to_string();
            let fs: f64 = attr(tag, "font-size").map_or(group_fs, |v| v.parse().unwrap());
            let x: f64 = attr(tag, "x").unwrap().parse().unwrap();
            let y: f64 = attr(tag, "y").unwrap().parse().unwrap();
            let width = text.chars().count() as f64 * fs * 0.45;
            let x0 = match attr(tag, "text-anchor").as_deref() {
                Some("middle") => x - width / 2.0,
                Some("end") => x - width,
                _ => x,
            };
            out.push(Label {
                text,
                class: attr(tag, "class").unwrap_or_default(),
                x0,
                y0: y - fs * 0.7,
                x1: x0 + width,
                y1: y + fs * 0.2,
            });
        }
    }
    out
}

fn city_names(svg: &str) -> Vec<String> {
    names(svg)
        .into_iter()
        .filter(|l| l.class != "country-name")
        .map(|l| l.text)
        .collect()
}

fn country_label(svg: &str) -> Option<String> {
    names(svg)
        .into_iter()
        .find(|l| l.class == "country-name")
        .map(|l| l.text)
}

fn lima_500m(lang: &str) -> String {
    let area = Area::Radius { metres: 500.0 };
    render_svg(&MapRequest {
        country: Some("PE"),
        point: Some(lima()),
        area: Some(&area),
        title: "Lima",
        lang,
        ..Default::default()
    })
}

#[test]
fn lima_names_its_cities_and_country() {
    let svg = lima_500m("en");
    check_xml(&svg).unwrap();
    let cities = city_names(&svg);
    assert!(cities.len() >= 4 && cities.len() <= 12, "{cities:?}");
    assert_eq!(cities[0], "Lima", "the incident's own town first");
    assert!(svg.contains(r#"<text class="major""#) && svg.contains(">Lima</text>"));
    assert!(cities.iter().any(|c| c == "Callao"), "{cities:?}");
    assert_eq!(cities.iter().filter(|c| *c == "Lima").count(), 1);
    // Dots for the names (none is under the marker at this scale).
    assert_eq!(svg.matches(r#"<circle class="city""#).count(), cities.len());
    // The frame lies inside Peru: the name goes in a corner.
    assert_eq!(country_label(&svg).as_deref(), Some("PERU"));
    assert!(svg.contains(r#"<svg class="inset""#) && svg.contains(r#"class="inset-mark""#));
    assert!(svg.contains(r#"class="inset-frame""#));
    assert!(svg.len() < 30_000, "{} bytes", svg.len());
}

#[test]
fn country_name_in_the_language_asked() {
    for (lang, name) in [
        ("ja", "ペルー"),
        ("ja-JP", "ペルー"),
        ("fr", "PÉROU"),
        ("es", "PERÚ"),
        ("en", "PERU"),
        ("de", "PERU"),
        ("", "PERU"),
        ("<&\"", "PERU"),
    ] {
        let svg = lima_500m(lang);
        check_xml(&svg).unwrap();
        assert_eq!(country_label(&svg).as_deref(), Some(name), "{lang:?}");
        // City names are GeoNames' own, whatever the language.
        assert_eq!(city_names(&svg)[0], "Lima", "{lang:?}");
    }
    // A whole-country frame names the country over its land, in the middle.
    let svg = render_svg(&MapRequest {
        country: Some("JP"),
        lang: "ja",
        width: 640,
        height: 640,
        ..Default::default()
    });
    let label = names(&svg).into_iter().find(|l| l.class == "country-name");
    let label = label.expect("country name");
    assert_eq!(label.text, "日本");
    assert!(label.x0 > 64.0 && label.x1 < 576.0, "{label:?}");
}

#[test]
fn bamako_is_no_longer_blank() {
    let area = Area::Radius { metres: 500.0 };
    for (country, area) in [
        (Some("ML"), Some(&area)),
        (Some("ml"), None),
        // No country given: the place tells which.
        (None, Some(&area)),
        (None, None),
    ] {
        let svg = render_svg(&MapRequest {
            country,
            point: Some((12.65, -8.0)),
            area,
            title: "Bamako",
            ..Default::default()
        });
        check_xml(&svg).unwrap();
        let cities = city_names(&svg);
        assert_eq!(
            cities.first().map(String::as_str),
            Some("Bamako"),
            "{country:?}"
        );
        assert_eq!(country_label(&svg).as_deref(), Some("MALI"), "{country:?}");
        assert!(svg.contains(r#"<svg class="inset""#), "{country:?}");
        // Bamako's point is the incident's: named beside the marker, no dot.
        assert!(svg.contains(r#"<text class="major""#));
        assert_eq!(svg.matches(r#"class="city""#).count(), cities.len() - 1);
        // The inset shows Mali, highlighted.
        let inset = svg.split_once(r#"<svg class="inset""#).unwrap().1;
        assert!(inset.contains(r#"class="land-focus""#), "{country:?}");
    }
}

#[test]
fn inset_only_for_local_frames() {
    let has_inset = |req: &MapRequest| render_svg(req).contains(r#"<svg class="inset""#);
    let city = MapRequest {
        point: Some((48.8566, 2.3522)),
        country: Some("FR"),
        ..Default::default()
    };
    assert!(has_inset(&city));
    let world = MapRequest::default();
    assert!(!has_inset(&world));
    let svg = render_svg(&world);
    assert!(city_names(&svg).is_empty(), "no city names on the world");
    let france = MapRequest {
        country: Some("FR"),
        ..Default::default()
    };
    assert!(
        !has_inset(&france),
        "a whole-country frame needs no locator"
    );
    let svg = render_svg(&france);
    assert!(city_names(&svg).iter().any(|c| c == "Paris"));
    assert_eq!(country_label(&svg).as_deref(), Some("FRANCE"));
    // A huge area is already its own region.
    let huge = Area::Radius { metres: 3.0e6 };
    assert!(!has_inset(&MapRequest {
        area: Some(&huge),
        ..city
    }));
    // Too small a map for one.
    assert!(!has_inset(&MapRequest {
        width: 200,
        height: 150,
        ..city
    }));
    // Where the frame is in the inset: a dot for a city, a box for a region.
    let street = Area::Radius { metres: 500.0 };
    let svg = render_svg(&MapRequest {
        area: Some(&street),
        ..city
    });
    assert!(svg.contains(r#"<circle class="inset-mark""#));
    let region = Area::Radius { metres: 150_000.0 };
    let svg = render_svg(&MapRequest {
        area: Some(&region),
        ..city
    });
    assert!(svg.contains(r#"<rect class="inset-mark""#));
}

/// Every map of a varied set: its names inside the viewBox, apart from one
/// another and from the incident's marker.
#[test]
fn names_do_not_overlap() {
    let lima_area = Area::Radius { metres: 500.0 };
    let wide = Area::Radius { metres: 150_000.0 };
    let fiji = Area::Polygon {
        rings: vec![vec![
            (179.0, -16.0),
            (-179.0, -16.0),
            (-179.0, -18.5),
            (179.0, -18.5),
            (179.0, -16.0),
        ]],
    };
    let mut reqs = Vec::new();
    for (w, h) in [(640, 400), (960, 480), (300, 200), (400, 500), (1920, 1080)] {
        for (country, point, area) in [
            (Some("PE"), Some(lima()), Some(&lima_area)),
            (Some("PE"), Some(lima()), Some(&wide)),
            (Some("PE"), None, None),
            (Some("JP"), Some((35.68, 139.76)), None),
            (Some("FR"), None, None),
            (Some("RU"), None, None),
            (Some("IN"), Some((28.61, 77.21)), Some(&wide)),
            (None, Some((12.65, -8.0)), None),
            (Some("FJ"), Some((-17.8, 178.0)), Some(&fiji)),
            (Some("US"), Some((40.71, -74.0)), None),
            (Some("CN"), None, None),
        ] {
            reqs.push(MapRequest {
                country,
                point,
                area,
                width: w,
                height: h,
                lang: "ja",
                ..Default::default()
            });
        }
    }
    let mut total = 0;
    for req in &reqs {
        let svg = render_svg(req);
        check_xml(&svg).unwrap();
        let labels = names(&svg);
        let vb = (f64::from(req.width), f64::from(req.height));
        for (i, a) in labels.iter().enumerate() {
            assert!(
                a.x0 >= 0.0 && a.y0 >= 0.0 && a.x1 <= vb.0 && a.y1 <= vb.1,
                "{a:?} outside {req:?}"
            );
            for b in &labels[i + 1..] {
                let apart = a.x1 <= b.x0 || b.x1 <= a.x0 || a.y1 <= b.y0 || b.y1 <= a.y0;
                assert!(apart, "{a:?} and {b:?} overlap in {req:?}");
            }
        }
        if let Some(tag) = svg.split(r#"<circle class="place""#).nth(1) {
            let num = |n| attr(tag, n).unwrap().parse::<f64>().unwrap();
            let (cx, cy, r) = (num("cx"), num("cy"), num("r"));
            for a in &labels {
                let apart = a.x1 <= cx - r || cx + r <= a.x0 || a.y1 <= cy - r || cy + r <= a.y0;
                assert!(apart, "{a:?} over the marker in {req:?}");
            }
        }
        total += labels.len();
    }
    assert!(
        total > reqs.len() * 3,
        "{total} names in {} maps",
        reqs.len()
    );
}

#[test]
fn names_are_escaped() {
    // Huai'an, 2.5 million people: a gazetteer name with an apostrophe.
    let svg = render_svg(&MapRequest {
        point: Some((33.58861, 119.01917)),
        ..Default::default()
    });
    check_xml(&svg).unwrap();
    assert!(
        svg.contains(">Huai&#39;an</text>"),
        "{:?}",
        city_names(&svg)
    );
    assert!(!svg.contains("Huai'an"));
}

#[test]
fn absurd_places_with_names() {
    let huge = Area::Radius { metres: 1e30 };
    let nan = Area::Radius { metres: f64::NAN };
    let big = Area::Radius { metres: 2.0e7 };
    let wide = Area::Polygon {
        rings: vec![vec![
            (-179.9, -89.9),
            (179.9, -89.9),
            (179.9, 89.9),
            (-179.9, 89.9),
            (-179.9, -89.9),
        ]],
    };
    let points = [
        (90.0, 0.0),
        (-90.0, 180.0),
        (89.9999, -179.9999),
        (0.0, 180.0),
        (0.0, -180.0),
        (-16.5, 179.999),
        (65.5, -179.999),
        (f64::NAN, 0.0),
        (0.0, f64::INFINITY),
        (1e300, 1e300),
        (-12.0464, -77.0428 + 360.0 * 5.0),
    ];
    for point in points {
        for area in [None, Some(&huge), Some(&nan), Some(&big), Some(&wide)] {
            for (w, h) in [
                (640, 400),
                (1, 1),
                (8192, 3),
                (3, 8192),
                (u32::MAX, u32::MAX),
            ] {
                for country in [None, Some("FJ"), Some("RU"), Some("AQ"), Some("PE")] {
                    let req = MapRequest {
                        country,
                        point: Some(point),
                        area,
                        width: w,
                        height: h,
                        lang: "ja",
                        ..Default::default()
                    };
                    let svg = render_svg(&req);
                    if let Err(e) = check_xml(&svg) {
                        panic!("{e} for {req:?}");
                    }
                    assert!(!svg.contains("NaN") && !svg.contains("inf"), "{req:?}");
                }
            }
        }
    }
    // Lima five turns of the globe away is still Lima.
    let svg = render_svg(&MapRequest {
        point: Some((-12.0464, -77.0428 + 1800.0)),
        ..Default::default()
    });
    assert_eq!(city_names(&svg).first().map(String::as_str), Some("Lima"));
    // Across the antimeridian: Fiji's towns either side of 180°.
    let svg = render_svg(&MapRequest {
        point: Some((-16.8, 179.9)),
        country: Some("FJ"),
        ..Default::default()
    });
    let cities = city_names(&svg);
    assert!(cities.iter().any(|c| c == "Labasa"), "{cities:?}");
    assert_eq!(country_label(&svg).as_deref(), Some("FIJI"));
}

// --- Gazetteer -------------------------------------------------------------

fn first(query: &str) -> (&'static str, &'static str, &'static str) {
    let p = places(query, 10);
    let p = p.first().unwrap_or_else(|| panic!("nothing for {query:?}"));
    (p.name, p.country, p.zone)
}

#[test]
fn places_by_name_in_any_script() {
    assert_eq!(first("東京"), ("Tokyo", "JP", "Asia/Tokyo"));
    assert_eq!(first("Москва"), ("Moscow", "RU", "Europe/Moscow"));
    assert_eq!(first("القاهرة"), ("Cairo", "EG", "Africa/Cairo"));
    assert_eq!(first("lima"), ("Lima", "PE", "America/Lima"));
    assert_eq!(first("LIMA "), ("Lima", "PE", "America/Lima"));
    assert_eq!(first("sao paulo"), ("São Paulo", "BR", "America/Sao_Paulo"));
    assert_eq!(first("São Paulo"), ("São Paulo", "BR", "America/Sao_Paulo"));
    assert_eq!(first("大阪"), ("Osaka", "JP", "Asia/Tokyo"));
    assert_eq!(first("さっぽろ").0, "Sapporo");
    assert_eq!(first("ＴＯＫＹＯ").0, "Tokyo");
    assert_eq!(first("Pristina").1, "XK");

    let lima = places("lima", 10);
    assert!(lima.len() > 3 && lima.len() <= 10);
    // Exact names first: every "Lima" before "Limassol" and the like.
    let exact = lima
        .iter()
        .take_while(|p| search_key(p.name) == "lima")
        .count();
    assert!(exact >= 3, "{lima:?}");
    assert!(lima[exact..].iter().all(|p| search_key(p.name) != "lima"));
    for w in lima[..exact].windows(2) {
        assert!(w[0].population >= w[1].population);
    }
    // A prefix ranks by population.
    let to = places("to", 20);
    assert_eq!(to.len(), 20);
    assert_eq!(to[0].name, "Tokyo");
    let mut ids: Vec<u32> = to.iter().map(|p| p.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 20, "each place once");
}

#[test]
fn places_in_a_country() {
    let us = places_in("lima", Some("us"), 5);
    assert!(
        !us.is_empty() && us.iter().all(|p| p.country == "US"),
        "{us:?}"
    );
    assert_eq!(places_in("lima", Some("PE"), 5)[0].zone, "America/Lima");
    assert_eq!(places_in("lima", None, 5), places("lima", 5));
    for bad in ["", "P", "PER", "1E", "é"] {
        assert!(places_in("lima", Some(bad), 5).is_empty(), "{bad:?}");
    }
    assert!(places_in("lima", Some("ZZ"), 5).is_empty());
}

#[test]
fn place_by_id() {
    let tokyo = place(1850147).unwrap();
    assert_eq!(
        (tokyo.name, tokyo.country, tokyo.zone),
        ("Tokyo", "JP", "Asia/Tokyo")
    );
    assert!((tokyo.lat - 35.6895).abs() < 1e-9 && (tokyo.lon - 139.69171).abs() < 1e-9);
    assert!(tokyo.native.contains(&"東京") && tokyo.native.contains(&"東京都"));
    assert!(tokyo.population > 8_000_000);
    assert_eq!(place(0), None);
    assert_eq!(place(u32::MAX), None);
    let json = serde_json::to_value(tokyo).unwrap();
    assert_eq!(json["id"], 1850147);
    assert_eq!(json["zone"], "Asia/Tokyo");
    assert_eq!(json["country"], "JP");
    assert_eq!(json["native"][0], "東京");
}

#[test]
fn queries_that_find_nothing() {
    for q in ["", "   ", "\t\n", "\u{0}", "\u{200e}", "-", "xyzzyplugh"] {
        assert!(places(q, 10).is_empty(), "{q:?}");
        assert!(countries_named(q, "en", 10).is_empty(), "{q:?}");
    }
    let long = "a".repeat(1000);
    assert!(places(&long, 10).is_empty());
    assert!(countries_named(&long, "en", 10).is_empty());
    assert!(places("lima", 0).is_empty());
    // Control characters are dropped, not a reason to panic.
    assert_eq!(places("\u{1b}li\u{0}ma\u{7}", 1)[0].name, "Lima");
    let _ = places("\u{1}\u{7f}\u{9f}\u{fffe}\u{10ffff}", 10);
    let _ = places("\u{300}", 10);
    // Every limit works, the largest too.
    let a = places("a", usize::MAX);
    assert!(a.len() > 5_000);
    let mut ids: Vec<u32> = a.iter().map(|p| p.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), a.len(), "each place once");
}

#[test]
fn country_names_in_four_languages() {
    assert_eq!(country_name("PE", "en"), Some("Peru"));
    assert_eq!(country_name("pe", "ja"), Some("ペルー"));
    assert_eq!(country_name(" PE ", "fr"), Some("Pérou"));
    assert_eq!(country_name("PE", "es"), Some("Perú"));
    assert_eq!(country_name("PE", "es-419"), Some("Perú"));
    assert_eq!(country_name("PE", "JA_jp"), Some("ペルー"));
    assert_eq!(country_name("PE", "de"), Some("Peru"), "English for others");
    assert_eq!(country_name("PE", ""), Some("Peru"));
    assert_eq!(country_name("JP", "ja"), Some("日本"));
    for bad in ["XK", "ZZ", "", "P", "PER", "é"] {
        assert_eq!(country_name(bad, "en"), None, "{bad:?}");
    }
    for c in countries() {
        for l in ["en", "ja", "fr", "es"] {
            assert!(
                country_name(c.alpha2, l).is_some_and(|n| !n.is_empty()),
                "{} {l}",
                c.alpha2
            );
        }
    }
}

#[test]
fn countries_by_name_in_any_language() {
    for q in [
        "peru",
        "Peru",
        "ペルー",
        "Pérou",
        "perou",
        "Perú",
        "PE",
        "pe",
    ] {
        assert_eq!(
            countries_named(q, "en", 5).first(),
            Some(&("PE", "Peru")),
            "{q:?}"
        );
    }
    assert_eq!(countries_named("ペルー", "ja", 5)[0], ("PE", "ペルー"));
    assert_eq!(countries_named("peru", "fr", 5)[0], ("PE", "Pérou"));
    // Short and variant names count.
    assert_eq!(countries_named("UK", "en", 5)[0].0, "GB");
    assert_eq!(
        countries_named("英国", "en", 5)[0],
        ("GB", "United Kingdom")
    );
    assert_eq!(countries_named("Turkey", "en", 5)[0].0, "TR");
    assert_eq!(countries_named("ivory coast", "fr", 5)[0].0, "CI");
    assert_eq!(countries_named("cote d'ivoire", "en", 5)[0].0, "CI");
    // Exact first, then by name in the language asked.
    let ch = countries_named("ch", "en", 50);
    assert_eq!(ch[0].0, "CH");
    let rest: Vec<&str> = ch[1..].iter().map(|c| c.1).collect();
    let mut sorted = rest.clone();
    sorted.sort_by_key(|n| search_key(n));
    assert_eq!(rest, sorted);
    assert!(ch.iter().any(|c| c.0 == "CN") && ch.iter().any(|c| c.0 == "CL"));
    assert_eq!(countries_named("a", "en", 3).len(), 3);
    assert!(countries_named("peru", "en", 0).is_empty());
}
