//! The ISO 3166-1 country table.
//!
//! Guarantees: the table holds the 249 officially assigned ISO 3166-1 codes
//! (`data/iso3166.tsv`, embedded at compile time), parsed once on first use and
//! kept for the life of the process, sorted by alpha-2. Lookups never allocate
//! and never panic.

use std::sync::OnceLock;

const TABLE: &str = include_str!("../data/iso3166.tsv");

/// An officially assigned ISO 3166-1 country code with its English short name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Country {
    /// Upper-case alpha-2 code, e.g. `"PE"`.
    pub alpha2: &'static str,
    /// Upper-case alpha-3 code, e.g. `"PER"`.
    pub alpha3: &'static str,
    /// Numeric code, e.g. `604`.
    pub numeric: u16,
    /// ISO English short name, e.g. `"Peru"`.
    pub name: &'static str,
}

fn table() -> &'static [Country] {
    static TABLE_PARSED: OnceLock<Vec<Country>> = OnceLock::new();
    TABLE_PARSED.get_or_init(|| parse(TABLE))
}

fn parse(text: &'static str) -> Vec<Country> {
    let mut out: Vec<Country> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|line| {
            let mut f = line.split('\t');
            let alpha2 = f.next()?;
            let alpha3 = f.next()?;
            let numeric = f.next()?.parse().ok()?;
            let name = f.next()?;
            Some(Country {
                alpha2,
                alpha3,
                numeric,
                name,
            })
        })
        .collect();
    // Binary search in `country` relies on this order.
    out.sort_by(|a, b| a.alpha2.cmp(b.alpha2));
    out
}

/// All officially assigned ISO 3166-1 countries, sorted by alpha-2.
pub fn countries() -> &'static [Country] {
    table()
}

/// Looks up an alpha-2 code, ignoring ASCII case and surrounding whitespace.
/// `None` if the code is not officially assigned (user-assigned codes such
/// as `XK` included).
pub fn country(alpha2: &str) -> Option<&'static Country> {
    let code = alpha2.trim().as_bytes();
    let [a, b] = code else {
        return None;
    };
    let up = [a.to_ascii_uppercase(), b.to_ascii_uppercase()];
    let key = std::str::from_utf8(&up).ok()?;
    let t = table();
    t.binary_search_by(|c| c.alpha2.cmp(key))
        .ok()
        .and_then(|i| t.get(i))
}

/// Looks up a numeric code.
pub(crate) fn by_numeric(numeric: u16) -> Option<&'static Country> {
    table().iter().find(|c| c.numeric == numeric)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_complete_and_consistent() {
        let t = countries();
        assert_eq!(t.len(), 249);
        for w in t.windows(2) {
            assert!(w[0].alpha2 < w[1].alpha2, "sorted and unique: {:?}", w);
        }
        let mut a3: Vec<_> = t.iter().map(|c| c.alpha3).collect();
        a3.sort_unstable();
        a3.dedup();
        assert_eq!(a3.len(), 249, "alpha-3 codes are unique");
        let mut num: Vec<_> = t.iter().map(|c| c.numeric).collect();
        num.sort_unstable();
        num.dedup();
        assert_eq!(num.len(), 249, "numeric codes are unique");
        for c in t {
            assert!(c.alpha2.len() == 2 && c.alpha2.bytes().all(|b| b.is_ascii_uppercase()));
            assert!(c.alpha3.len() == 3 && c.alpha3.bytes().all(|b| b.is_ascii_uppercase()));
            assert!(c.numeric > 0 && c.numeric < 1000);
            assert!(!c.name.is_empty() && c.name.trim() == c.name);
        }
    }

    #[test]
    fn sample_rows() {
        let sample = [
            ("PE", "PER", 604, "Peru"),
            ("JP", "JPN", 392, "Japan"),
            ("DE", "DEU", 276, "Germany"),
            (
                "GB",
                "GBR",
                826,
                "United Kingdom of Great Britain and Northern Ireland",
            ),
            ("AX", "ALA", 248, "Åland Islands"),
            ("SS", "SSD", 728, "South Sudan"),
            ("CW", "CUW", 531, "Curaçao"),
            ("SX", "SXM", 534, "Sint Maarten (Dutch part)"),
            ("BQ", "BES", 535, "Bonaire, Sint Eustatius and Saba"),
            ("AF", "AFG", 4, "Afghanistan"),
            ("ZW", "ZWE", 716, "Zimbabwe"),
            ("PS", "PSE", 275, "Palestine, State of"),
            ("MK", "MKD", 807, "North Macedonia"),
            ("SZ", "SWZ", 748, "Eswatini"),
            ("TR", "TUR", 792, "Türkiye"),
        ];
        for (a2, a3, n, name) in sample {
            let c = country(a2);
            assert_eq!(
                c.map(|c| (c.alpha2, c.alpha3, c.numeric, c.name)),
                Some((a2, a3, n, name))
            );
        }
    }

    #[test]
    fn lookup_is_case_insensitive_and_strict() {
        assert_eq!(country("pe").map(|c| c.alpha2), Some("PE"));
        assert_eq!(country("Pe").map(|c| c.alpha2), Some("PE"));
        assert_eq!(country(" jp ").map(|c| c.alpha2), Some("JP"));
        for bad in [
            "XX", "XK", "", "P", "PER", "é", "ée", "p\u{0}", "ZZ", "EU", "UK",
        ] {
            assert_eq!(country(bad), None, "{bad:?}");
        }
        assert_eq!(by_numeric(604).map(|c| c.alpha2), Some("PE"));
        assert_eq!(by_numeric(0), None);
    }
}
