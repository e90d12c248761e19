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
    // country is near enough to be drawn.
    assert!(!svg.contains(r#"class="land" "#));
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
