//! The offline gazetteer: places by name, countries by name in four languages.
//!
//! Guarantees:
//! - [`places`], [`places_in`], [`place`]: the 118,525 GeoNames places of
//!   population 1000 or more (`data/cities1000.tsv`, embedded at compile
//!   time), each with its country, coordinates and IANA time zone. Parsed and
//!   indexed once, on first use, and kept for the life of the process. A
//!   look-up is a binary search over a sorted index of folded names, then a
//!   walk over the matching range; it allocates only its result.
//! - [`country_name`], [`countries_named`]: the CLDR names of the 249 ISO
//!   3166-1 codes of [`crate::countries`] in English, Japanese, French and
//!   Spanish (`data/countries-names.tsv`).
//! - Matching is by prefix after [`search_key`] folding (case, the accents of
//!   Latin-1 and Latin Extended-A letters, fullwidth ASCII, hyphens and runs
//!   of white space), so `"sao paulo"` finds `São Paulo`. Queries that fold to
//!   nothing find nothing. No look-up panics, whatever the query.
//!
//! The data files are checked by the crate's tests (SHA-256 pins, every line
//! parses). Should an embedded file ever fail to parse, the table is empty
//! rather than the process panicking.

use serde::Serialize;
use std::cmp::Reverse;
use std::sync::OnceLock;

const CITIES: &str = include_str!("../data/cities1000.tsv");
const NAMES: &str = include_str!("../data/countries-names.tsv");

/// The languages of [`country_name`], in the order of the name arrays below.
const LANGS: [&str; 4] = ["en", "ja", "fr", "es"];

/// A populated place from GeoNames (`cities1000.tsv`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Place {
    /// GeoNames id, e.g. `1850147` for Tokyo.
    pub id: u32,
    /// GeoNames' name, usually in Latin script, e.g. `"São Paulo"`.
    pub name: &'static str,
    /// GeoNames' ASCII name, e.g. `"Sao Paulo"`. As in GeoNames, empty for
    /// one place (`Ak”yar`, RU) and not quite ASCII for three (`Hœrdt`, FR).
    pub ascii: &'static str,
    /// Upper-case ISO 3166-1 alpha-2 code, e.g. `"JP"`. GeoNames gives Kosovo
    /// the user-assigned `"XK"`, which [`crate::country`] does not know.
    pub country: &'static str,
    /// Latitude in degrees (WGS 84).
    pub lat: f64,
    /// Longitude in degrees (WGS 84).
    pub lon: f64,
    /// Population as GeoNames gives it (at least 1000).
    pub population: u32,
    /// IANA time zone id, e.g. `"Asia/Tokyo"`.
    pub zone: &'static str,
    /// Alternate names in non-Latin scripts, in GeoNames' order, e.g.
    /// `["東京", "Токио", …]`. GeoNames does not say which language each is.
    pub native: Vec<&'static str>,
}

/// Where an embedded data file is malformed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file} line {line}: {what}")]
struct DataError {
    file: &'static str,
    line: usize,
    what: String,
}

// ---------------------------------------------------------------------------
// Folding

/// Latin-1 Supplement and Latin Extended-A letters (U+00C0 to U+017F),
/// lower-cased and without diacritics. × and ÷ stay as they are.
#[rustfmt::skip]
const LATIN: [&str; 192] = [
    // U+00C0 ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏ
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    // U+00D0 ÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞß
    "d", "n", "o", "o", "o", "o", "o", "×", "o", "u", "u", "u", "u", "y", "th", "ss",
    // U+00E0 àáâãäåæçèéêëìíîï
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    // U+00F0 ðñòóôõö÷øùúûüýþÿ
    "d", "n", "o", "o", "o", "o", "o", "÷", "o", "u", "u", "u", "u", "y", "th", "y",
    // U+0100 ĀāĂăĄąĆćĈĉĊċČčĎď
    "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",
    // U+0110 ĐđĒēĔĕĖėĘęĚěĜĝĞğ
    "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",
    // U+0120 ĠġĢģĤĥĦħĨĩĪīĬĭĮį
    "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",
    // U+0130 İıĲĳĴĵĶķĸĹĺĻļĽľĿ
    "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",
    // U+0140 ŀŁłŃńŅņŇňŉŊŋŌōŎŏ
    "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",
    // U+0150 ŐőŒœŔŕŖŗŘřŚśŜŝŞş
    "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",
    // U+0160 ŠšŢţŤťŦŧŨũŪūŬŭŮů
    "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",
    // U+0170 ŰűŲųŴŵŶŷŸŹźŻżŽžſ
    "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",
];

/// The key [`places`] and [`countries_named`] compare: `text` lower-cased,
/// with the diacritics of Latin-1 and Latin Extended-A letters removed
/// (`"São Paulo"` → `"sao paulo"`, `"Łódź"` → `"lodz"`, `"ß"` → `"ss"`), a
/// few more (ș ț ơ ư, pinyin tone marks) and combining marks dropped,
/// fullwidth ASCII made ASCII, typographic apostrophes made `'`, hyphens,
/// underscores and white space made one space, control and format
/// characters dropped, and the ends trimmed. Other scripts are only
/// lower-cased (`"Москва"` → `"москва"`, `"東京"` unchanged).
pub fn search_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        fold_char(c, &mut out, &mut space);
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// Appends the folded form of `c`. `space` is set when a space is pending so
/// that runs collapse and a leading space is never written.
fn fold_char(c: char, out: &mut String, space: &mut bool) {
    // Fullwidth ASCII (U+FF01..U+FF5E), as Japanese input methods type it.
    let c = match c as u32 {
        u @ 0xFF01..=0xFF5E => char::from_u32(u - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    let folded: &str = match c {
        _ if c.is_whitespace() || matches!(c, '-' | '_' | '\u{2010}'..='\u{2015}') => {
            *space = true;
            return;
        }
        // Combining diacritical marks, controls, invisible format characters.
        '\u{0300}'..='\u{036F}' => return,
        _ if c.is_control() || is_format(c) => return,
        '\u{2018}' | '\u{2019}' | '\u{02BC}' | '`' | '\u{00B4}' => "'",
        '\u{00C0}'..='\u{017F}' => LATIN.get(c as usize - 0xC0).copied().unwrap_or(""),
        'Ș' | 'ș' => "s",
        'Ț' | 'ț' => "t",
        'Ơ' | 'ơ' | 'Ǒ' | 'ǒ' => "o",
        'Ư' | 'ư' | 'Ǔ' | 'ǔ' | 'Ǖ' | 'ǖ' | 'Ǘ' | 'ǘ' | 'Ǚ' | 'ǚ' | 'Ǜ' | 'ǜ' => "u",
        'Ǎ' | 'ǎ' => "a",
        'Ǐ' | 'ǐ' => "i",
        _ => "",
    };
    if *space && !out.is_empty() {
        out.push(' ');
    }
    *space = false;
    if !folded.is_empty() {
        out.push_str(folded);
    } else if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
    } else {
        // Lower-casing can itself yield a combining mark (İ is handled above).
        out.extend(
            c.to_lowercase()
                .filter(|l| !matches!(l, '\u{0300}'..='\u{036F}')),
        );
    }
}

/// Unicode format characters that carry no letters: bidirectional marks and
/// embeddings, the byte order mark, soft hyphen. (ZWJ and ZWNJ stay: they
/// change how Persian and Indic names are written.)
fn is_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{061C}'
            | '\u{200B}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

// ---------------------------------------------------------------------------
// Places

/// One folded name of one place, in the sorted index. 16 bytes: the key is a
/// range of [`Gazetteer::keys`], and the population and country are copied
/// here so that a look-up never touches the places it skips.
#[derive(Debug, Clone, Copy)]
struct Entry {
    start: u32,
    place: u32,
    population: u32,
    len: u16,
    country: [u8; 2],
}

#[derive(Debug, Default)]
struct Gazetteer {
    /// Sorted by id.
    places: Vec<Place>,
    /// Every folded key, one after another.
    keys: String,
    /// Sorted by key, then place.
    index: Vec<Entry>,
}

impl Gazetteer {
    fn key(&self, e: &Entry) -> &str {
        let start = e.start as usize;
        self.keys
            .get(start..start + usize::from(e.len))
            .unwrap_or("")
    }
}

fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| parse_places(CITIES).map(build_index).unwrap_or_default())
}

/// Parses `cities1000.tsv`: comment lines start with `#`; every other line
/// has exactly nine tab-separated fields, ids strictly increasing.
fn parse_places(text: &'static str) -> Result<Vec<Place>, DataError> {
    let mut out = Vec::with_capacity(120_000);
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') {
            continue;
        }
        let err = |what: String| DataError {
            file: "cities1000.tsv",
            line: n + 1,
            what,
        };
        let f: Vec<&'static str> = line.split('\t').collect();
        let [id, name, ascii, country, lat, lon, population, zone, native] = f[..] else {
            return Err(err(format!("{} fields, expected 9", f.len())));
        };
        let id: u32 = id.parse().map_err(|_| err(format!("bad id {id:?}")))?;
        if out.last().is_some_and(|p: &Place| p.id >= id) {
            return Err(err(format!("id {id} out of order")));
        }
        if name.is_empty() || name.trim() != name {
            return Err(err(format!("bad name {name:?}")));
        }
        if ascii.trim() != ascii {
            return Err(err(format!("bad ASCII name {ascii:?}")));
        }
        if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(err(format!("bad country {country:?}")));
        }
        let coord = |s: &str, max: f64| {
            s.parse::<f64>()
                .ok()
                .filter(|v| v.is_finite() && v.abs() <= max)
                .ok_or_else(|| err(format!("bad coordinate {s:?}")))
        };
        let lat = coord(lat, 90.0)?;
        let lon = coord(lon, 180.0)?;
        let population: u32 = population
            .parse()
            .map_err(|_| err(format!("bad population {population:?}")))?;
        if zone.is_empty() || zone.contains(char::is_whitespace) {
            return Err(err(format!("bad zone {zone:?}")));
        }
        let native: Vec<&'static str> = if native.is_empty() {
            Vec::new()
        } else {
            native.split(',').collect()
        };
        if native.iter().any(|s| s.is_empty() || s.trim() != *s) {
            return Err(err("empty or padded native name".into()));
        }
        out.push(Place {
            id,
            name,
            ascii,
            country,
            lat,
            lon,
            population,
            zone,
            native,
        });
    }
    Ok(out)
}

fn build_index(places: Vec<Place>) -> Gazetteer {
    let mut keys = String::with_capacity(8 << 20);
    let mut index = Vec::with_capacity(places.len() * 4);
    let mut mine: Vec<String> = Vec::new();
    for (i, p) in places.iter().enumerate() {
        mine.clear();
        mine.extend(
            [p.name, p.ascii]
                .into_iter()
                .chain(p.native.iter().copied())
                .map(search_key)
                .filter(|k| !k.is_empty() && k.len() <= usize::from(u16::MAX)),
        );
        mine.sort_unstable();
        mine.dedup();
        let country = p.country.as_bytes();
        for k in &mine {
            let (Ok(start), Ok(len), Ok(place)) = (
                u32::try_from(keys.len()),
                u16::try_from(k.len()),
                u32::try_from(i),
            ) else {
                continue;
            };
            keys.push_str(k);
            index.push(Entry {
                start,
                place,
                population: p.population,
                len,
                country: [
                    country.first().copied().unwrap_or(0),
                    country.get(1).copied().unwrap_or(0),
                ],
            });
        }
    }
    let mut g = Gazetteer {
        places,
        keys,
        index: Vec::new(),
    };
    index.sort_unstable_by(|a, b| g.key(a).cmp(g.key(b)).then(a.place.cmp(&b.place)));
    g.index = index;
    g
}

/// All places, sorted by GeoNames id.
pub fn all_places() -> &'static [Place] {
    &gazetteer().places
}

/// The place with this GeoNames id.
pub fn place(id: u32) -> Option<&'static Place> {
    let p = &gazetteer().places;
    p.binary_search_by_key(&id, |p| p.id)
        .ok()
        .and_then(|i| p.get(i))
}

/// Places whose name, ASCII name or a native-script name starts with `query`
/// after [`search_key`] folding: those with a name equal to the query first,
/// then by population, largest first (ties by id). At most `limit`, each
/// once. `places("lima", 5)` gives Lima, Peru first; `places("東京", 5)`
/// gives Tokyo.
pub fn places(query: &str, limit: usize) -> Vec<&'static Place> {
    places_in(query, None, limit)
}

/// As [`places`], keeping only places in `country` (an alpha-2 code, any
/// case, `"XK"` for Kosovo) when it is given. A `country` that is not two
/// ASCII letters matches nothing.
pub fn places_in(query: &str, country: Option<&str>, limit: usize) -> Vec<&'static Place> {
    let want = match country.map(|c| c.trim().as_bytes()) {
        None => None,
        Some(&[a, b]) if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
            Some([a.to_ascii_uppercase(), b.to_ascii_uppercase()])
        }
        Some(_) => return Vec::new(),
    };
    let q = search_key(query);
    if q.is_empty() || limit == 0 {
        return Vec::new();
    }
    let g = gazetteer();
    let lo = g.index.partition_point(|e| g.key(e) < q.as_str());
    let rest = g.index.get(lo..).unwrap_or_default();
    let hi = rest.partition_point(|e| g.key(e).starts_with(q.as_str()));
    let range = rest.get(..hi).unwrap_or_default();
    // Every key in the range starts with the query: it is the query when it
    // is as long.
    let ranked = range
        .iter()
        .filter(|e| want.is_none_or(|w| w == e.country))
        .map(|e| Rank {
            exact: usize::from(e.len) == q.len(),
            population: e.population,
            place: Reverse(e.place),
        });
    let best = top(ranked, limit, g.places.len());
    best.into_iter()
        .filter_map(|r| g.places.get(r.place.0 as usize))
        .collect()
}

/// How a candidate ranks: greater is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Rank {
    exact: bool,
    population: u32,
    place: Reverse<u32>,
}

/// The `limit` best distinct places among `ranked`, best first. A place may
/// come more than once (several of its names match); its best rank counts.
fn top(ranked: impl Iterator<Item = Rank>, limit: usize, places: usize) -> Vec<Rank> {
    const SMALL: usize = 64;
    if limit <= SMALL {
        // A sorted buffer of at most `limit`: most candidates lose to the
        // worst kept one at a single comparison.
        let mut buf: Vec<Rank> = Vec::with_capacity(limit + 1);
        for r in ranked {
            if buf.len() == limit && buf.last().is_some_and(|w| r <= *w) {
                continue;
            }
            if let Some(i) = buf.iter().position(|b| b.place == r.place) {
                if buf.get(i).is_some_and(|b| *b >= r) {
                    continue;
                }
                buf.remove(i);
            }
            let at = buf.partition_point(|b| *b > r);
            buf.insert(at, r);
            buf.truncate(limit);
        }
        buf
    } else {
        let mut all: Vec<Rank> = ranked.collect();
        all.sort_unstable_by(|a, b| b.cmp(a));
        let mut seen = vec![false; places];
        all.retain(|r| match seen.get_mut(r.place.0 as usize) {
            Some(s) if !*s => {
                *s = true;
                true
            }
            _ => false,
        });
        all.truncate(limit);
        all
    }
}

// ---------------------------------------------------------------------------
// Countries

/// The names of one country code.
#[derive(Debug)]
struct CountryNames {
    code: &'static str,
    /// The CLDR (`std`) name in each of [`LANGS`].
    std: [&'static str; 4],
    /// Every name in every language and the code, folded, sorted, unique.
    keys: Vec<String>,
}

fn country_table() -> &'static [CountryNames] {
    static T: OnceLock<Vec<CountryNames>> = OnceLock::new();
    T.get_or_init(|| parse_names(NAMES).unwrap_or_default())
}

/// Parses `countries-names.tsv`: `code`, `lang`, `name`, `kind` a line,
/// grouped by code; each code has exactly one `std` name in each language.
fn parse_names(text: &'static str) -> Result<Vec<CountryNames>, DataError> {
    let mut out: Vec<CountryNames> = Vec::with_capacity(250);
    for (n, line) in text.lines().enumerate() {
        if line.starts_with('#') {
            continue;
        }
        let err = |what: String| DataError {
            file: "countries-names.tsv",
            line: n + 1,
            what,
        };
        let f: Vec<&'static str> = line.split('\t').collect();
        let [code, lang, name, kind] = f[..] else {
            return Err(err(format!("{} fields, expected 4", f.len())));
        };
        if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(err(format!("bad code {code:?}")));
        }
        let Some(l) = LANGS.iter().position(|x| *x == lang) else {
            return Err(err(format!("unknown language {lang:?}")));
        };
        if name.is_empty() || name.trim() != name {
            return Err(err(format!("bad name {name:?}")));
        }
        if out.last().is_none_or(|c| c.code != code) {
            if out.iter().any(|c| c.code == code) {
                return Err(err(format!("{code} out of order")));
            }
            out.push(CountryNames {
                code,
                std: [""; 4],
                keys: vec![code.to_ascii_lowercase()],
            });
        }
        let Some(c) = out.last_mut() else {
            return Err(err("no country".into()));
        };
        match kind {
            "std" => match c.std.get_mut(l) {
                Some(s) if s.is_empty() => *s = name,
                _ => return Err(err(format!("second std name for {code} {lang}"))),
            },
            "short" | "variant" => {}
            _ => return Err(err(format!("unknown kind {kind:?}"))),
        }
        c.keys.push(search_key(name));
    }
    for c in &mut out {
        if let Some(l) = c.std.iter().position(|s| s.is_empty()) {
            return Err(DataError {
                file: "countries-names.tsv",
                line: 0,
                what: format!("{} has no {} name", c.code, LANGS.get(l).unwrap_or(&"?")),
            });
        }
        c.keys.sort_unstable();
        c.keys.dedup();
    }
    Ok(out)
}

/// The index into [`LANGS`] of a language tag's primary subtag (`"ja"`,
/// `"fr-CA"`, `"ES"`); English for any other.
fn lang_index(lang: &str) -> usize {
    let primary = lang.split(['-', '_']).next().unwrap_or("").trim();
    LANGS
        .iter()
        .position(|l| l.eq_ignore_ascii_case(primary))
        .unwrap_or(0)
}

fn names_of(code: &str) -> Option<&'static CountryNames> {
    let code = code.trim();
    let t = country_table();
    t.binary_search_by(|c| {
        c.code
            .bytes()
            .cmp(code.bytes().map(|b| b.to_ascii_uppercase()))
    })
    .ok()
    .and_then(|i| t.get(i))
}

/// The CLDR name of an ISO 3166-1 alpha-2 code (any case) in `lang` (`"en"`,
/// `"ja"`, `"fr"`, `"es"`, or a tag such as `"ja-JP"`; English for any
/// other): `country_name("PE", "ja")` is `ペルー`. `None` for a code that is
/// not officially assigned.
pub fn country_name(code: &str, lang: &str) -> Option<&'static str> {
    names_of(code).and_then(|c| c.std.get(lang_index(lang)).copied())
}

/// Countries whose code or whose name in any of English, Japanese, French
/// and Spanish (CLDR standard, short and variant names) starts with `query`
/// after [`search_key`] folding, as `(code, name in lang)`: those with a code
/// or name equal to the query first, then by their name in `lang`. At most
/// `limit`. `"peru"`, `"ペルー"`, `"Pérou"` and `"PE"` all give `("PE", …)`
/// first.
pub fn countries_named(query: &str, lang: &str, limit: usize) -> Vec<(&'static str, &'static str)> {
    let q = search_key(query);
    if q.is_empty() || limit == 0 {
        return Vec::new();
    }
    let l = lang_index(lang);
    let mut hits: Vec<(bool, String, &'static str, &'static str)> = country_table()
        .iter()
        .filter_map(|c| {
            let mut matched = false;
            let mut exact = false;
            for k in &c.keys {
                if k.starts_with(q.as_str()) {
                    matched = true;
                    exact |= k.len() == q.len();
                }
            }
            let name = c.std.get(l).copied().unwrap_or(c.code);
            matched.then(|| (exact, search_key(name), c.code, name))
        })
        .collect();
    hits.sort_unstable_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)).then(a.2.cmp(b.2)));
    hits.into_iter()
        .take(limit)
        .map(|(_, _, code, name)| (code, name))
        .collect()
}

#[cfg(test)]
#[path = "gazetteer_tests.rs"]
mod tests;
