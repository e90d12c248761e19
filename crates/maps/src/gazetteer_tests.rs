//! Tests of the gazetteer's data files, parsers, folding and index.

use super::*;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;

/// The SHA-256s written by `scripts/gazetteer/update` (and in NOTICE.md).
const CITIES_SHA256: &str = "dcb83063bbb7caeb44f624208cde9337b3123db9178a25c017c3630cb77da92c";
const NAMES_SHA256: &str = "ffe960ba54aaec32b66fc145e5986d3861b50ed3a248ab54497aae8697c08747";

fn sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn parsed_places() -> Vec<Place> {
    parse_places(CITIES).unwrap_or_else(|e| panic!("{e}"))
}

fn parsed_names() -> Vec<CountryNames> {
    parse_names(NAMES).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn embedded_files_are_the_pinned_ones() {
    assert_eq!(
        sha256(CITIES),
        CITIES_SHA256,
        "cities1000.tsv changed: rerun scripts/gazetteer/update, then update the pin here and in data/NOTICE.md"
    );
    assert_eq!(
        sha256(NAMES),
        NAMES_SHA256,
        "countries-names.tsv changed: rerun scripts/gazetteer/update, then update the pin here and in data/NOTICE.md"
    );
}

#[test]
fn every_place_parses() {
    let p = parsed_places();
    assert_eq!(p.len(), 118_525);
    assert_eq!(
        all_places().len(),
        118_525,
        "the lazily built table is the full one"
    );
    assert!(p.iter().all(|p| p.population >= 1000));
    assert_eq!(p.iter().filter(|p| p.ascii.is_empty()).count(), 1);
    let with_native = p.iter().filter(|p| !p.native.is_empty()).count();
    assert!(
        with_native > 45_000,
        "{with_native} places have native names"
    );
}

#[test]
fn every_zone_is_one_chrono_tz_knows() {
    let zones: BTreeSet<&str> = parsed_places().iter().map(|p| p.zone).collect();
    assert!(zones.len() > 350, "{} zones", zones.len());
    for z in zones {
        assert!(z.parse::<chrono_tz::Tz>().is_ok(), "unknown zone {z}");
    }
}

#[test]
fn every_country_is_iso_3166_or_kosovo() {
    let mut kosovo = 0;
    for p in parsed_places() {
        if p.country == "XK" {
            kosovo += 1;
        } else {
            assert!(
                crate::country(p.country).is_some(),
                "{} {}",
                p.id,
                p.country
            );
        }
    }
    assert_eq!(kosovo, 58, "GeoNames' user-assigned XK");
}

#[test]
fn every_iso_code_has_four_names() {
    let names = parsed_names();
    let codes: Vec<&str> = names.iter().map(|c| c.code).collect();
    let iso: Vec<&str> = crate::countries().iter().map(|c| c.alpha2).collect();
    assert_eq!(codes, iso, "the same 249 codes, in the same order");
    for c in &names {
        for (l, s) in LANGS.iter().zip(c.std) {
            assert!(!s.is_empty(), "{} {l}", c.code);
            assert_eq!(country_name(c.code, l), Some(s));
        }
    }
    assert_eq!(country_table().len(), 249);
}

#[test]
fn parsers_name_the_bad_line() {
    let head = "# comment\n";
    let good = "1\tA\tA\tPE\t1.5\t-2\t1000\tAmerica/Lima\t\n";
    assert_eq!(parse_places("").map(|p| p.len()), Ok(0));
    assert_eq!(
        parse_places("# c\n1\tA\tA\tPE\t1.5\t-2\t1000\tAmerica/Lima\tΑ,Б\n")
            .map(|p| p[0].native.clone()),
        Ok(vec!["Α", "Б"])
    );
    let bad_rows = [
        "2\tA\tA\tPE\t1\t2\t1000\tAmerica/Lima",       // 8 fields
        "x\tA\tA\tPE\t1\t2\t1000\tAmerica/Lima\t",     // id
        "1\tA\tA\tPE\t1\t2\t1000\tAmerica/Lima\t",     // id not increasing
        "2\t\tA\tPE\t1\t2\t1000\tAmerica/Lima\t",      // empty name
        "2\tA\t A\tPE\t1\t2\t1000\tAmerica/Lima\t",    // padded ascii
        "2\tA\tA\tpe\t1\t2\t1000\tAmerica/Lima\t",     // country
        "2\tA\tA\tPER\t1\t2\t1000\tAmerica/Lima\t",    // country
        "2\tA\tA\tPE\t91\t2\t1000\tAmerica/Lima\t",    // latitude
        "2\tA\tA\tPE\t1\tNaN\t1000\tAmerica/Lima\t",   // longitude
        "2\tA\tA\tPE\t1\t2\t-5\tAmerica/Lima\t",       // population
        "2\tA\tA\tPE\t1\t2\t1000\t\t",                 // zone
        "2\tA\tA\tPE\t1\t2\t1000\tAmerica/Lima\tА,,Б", // empty native
        "2\tA\tA\tPE\t1\t2\t1000\tAmerica/Lima\t\t",   // 10 fields
    ];
    for row in bad_rows {
        let text: &'static str = format!("{head}{good}{row}\n").leak();
        match parse_places(text) {
            Err(e) => {
                assert_eq!(e.line, 3, "{row:?}: {e}");
                assert!(e.to_string().starts_with("cities1000.tsv line 3: "), "{e}");
            }
            Ok(_) => panic!("accepted {row:?}"),
        }
    }

    let names_head =
        "# c\nPE\ten\tPeru\tstd\nPE\tja\tペルー\tstd\nPE\tfr\tPérou\tstd\nPE\tes\tPerú\tstd\n";
    assert_eq!(parse_names(names_head).map(|n| n.len()), Ok(1));
    for row in [
        "PE\tde\tPeru\tstd",    // language
        "PE\ten\tPeru\tfull",   // kind
        "PE\ten\tPeruvia\tstd", // second std
        "pe\ten\tPeru\tshort",  // code
        "PE\ten\t\tshort",      // empty name
        "PE\ten\tPeru",         // 3 fields
    ] {
        let text: &'static str = format!("{names_head}{row}\n").leak();
        match parse_names(text) {
            Err(e) => assert_eq!(e.line, 6, "{row:?}: {e}"),
            Ok(_) => panic!("accepted {row:?}"),
        }
    }
    assert!(
        parse_names("PE\ten\tPeru\tstd\n").is_err(),
        "ja, fr, es missing"
    );
    assert!(
        parse_names("PE\ten\tPeru\tstd\nJP\ten\tJapan\tstd\nPE\tja\tペルー\tstd\n").is_err(),
        "out of order"
    );
}

#[test]
fn folding() {
    for (text, key) in [
        ("São Paulo", "sao paulo"),
        ("ŁÓDŹ", "lodz"),
        ("Straße", "strasse"),
        ("  Winston-Salem \t", "winston salem"),
        ("ＴＯＫＹＯ", "tokyo"),
        ("Côte d’Ivoire", "cote d'ivoire"),
        ("İstanbul", "istanbul"),
        ("Hœrdt", "hoerdt"),
        ("Ærøskøbing", "aeroskobing"),
        ("Timișoara", "timisoara"),
        ("Pe\u{301}rou", "perou"),
        ("\u{200e}Lima\u{0}\u{7f}", "lima"),
        ("Москва", "москва"),
        ("東京", "東京"),
        ("ペルー", "ペルー"),
        ("ΑΘΉΝΑ", "αθήνα"),
        ("a\u{3000}b", "a b"),
        ("", ""),
        (" \t\n", ""),
        ("\u{0}\u{1}", ""),
        ("2×3", "2×3"),
    ] {
        assert_eq!(search_key(text), key, "{text:?}");
    }
    // Every letter of the table folds to lower-case ASCII (or keeps × ÷).
    for (i, s) in LATIN.iter().enumerate() {
        assert!(
            s.bytes().all(|b| b.is_ascii_lowercase()) || *s == "×" || *s == "÷",
            "U+{:04X} {s}",
            0xC0 + i
        );
    }
    // Folding is idempotent.
    for p in all_places().iter().step_by(97) {
        for n in [p.name, p.ascii].iter().chain(&p.native) {
            let k = search_key(n);
            assert_eq!(search_key(&k), k, "{n}");
        }
    }
}

#[test]
fn index_is_sorted_and_complete() {
    let g = gazetteer();
    assert!(g.index.len() > g.places.len());
    for w in g.index.windows(2) {
        let (a, b) = (g.key(&w[0]), g.key(&w[1]));
        assert!(a < b || (a == b && w[0].place < w[1].place), "{a:?} {b:?}");
    }
    assert!(g.index.iter().all(|e| !g.key(e).is_empty()));
    let tokyo = g.places.iter().position(|p| p.id == 1850147).unwrap() as u32;
    let keys: BTreeSet<&str> = g
        .index
        .iter()
        .filter(|e| e.place == tokyo)
        .map(|e| g.key(e))
        .collect();
    assert!(
        keys.contains("tokyo") && keys.contains("東京") && keys.contains("токио"),
        "{keys:?}"
    );
}

/// The index gives what a plain scan over every place gives.
#[test]
fn index_agrees_with_a_scan() {
    let g = gazetteer();
    let keys: Vec<Vec<String>> = g
        .places
        .iter()
        .map(|p| {
            [p.name, p.ascii]
                .iter()
                .chain(&p.native)
                .map(|n| search_key(n))
                .collect()
        })
        .collect();
    let scan = |q: &str, country: Option<&str>, limit: usize| -> Vec<u32> {
        let q = search_key(q);
        let mut hits: Vec<(bool, u32, Reverse<u32>)> = g
            .places
            .iter()
            .zip(&keys)
            .filter(|(p, _)| country.is_none_or(|c| p.country == c))
            .filter(|(_, k)| k.iter().any(|k| k.starts_with(&q)))
            .map(|(p, k)| (k.contains(&q), p.population, Reverse(p.id)))
            .collect();
        hits.sort_unstable_by(|a, b| b.cmp(a));
        hits.into_iter().take(limit).map(|h| h.2 .0).collect()
    };
    for (q, country) in [
        ("lima", None),
        ("l", None),
        ("sa", None),
        ("san jose", None),
        ("san", Some("PE")),
        ("tok", None),
        ("東", None),
        ("моск", None),
        ("القا", None),
        ("new york", None),
        ("springfield", Some("US")),
        ("z", Some("XK")),
        ("xyzzy", None),
    ] {
        for limit in [1, 5, 10, 64, 65, 500] {
            let got: Vec<u32> = places_in(q, country, limit).iter().map(|p| p.id).collect();
            assert_eq!(got, scan(q, country, limit), "{q:?} {country:?} {limit}");
        }
    }
}
