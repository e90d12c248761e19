//! Nationalities to ISO 3166-1 alpha-2: the codes themselves, alpha-3, and
//! the English names and demonyms of the countries crisis lists name most.
//! Anything else is compared as folded text.

use crate::text::plain;

/// (alpha-2, alpha-3, names and demonyms, folded).
const COUNTRIES: &[(&str, &str, &[&str])] = &[
    (
        "JP",
        "JPN",
        &["japan", "japanese", "nihon", "nippon", "日本"],
    ),
    (
        "KR",
        "KOR",
        &[
            "korea",
            "south korea",
            "republic of korea",
            "korean",
            "south korean",
        ],
    ),
    ("KP", "PRK", &["north korea", "north korean"]),
    (
        "CN",
        "CHN",
        &["china", "chinese", "people s republic of china", "中国"],
    ),
    ("TW", "TWN", &["taiwan", "taiwanese"]),
    ("HK", "HKG", &["hong kong"]),
    ("PE", "PER", &["peru", "peruvian"]),
    ("ES", "ESP", &["spain", "spanish", "espana"]),
    ("MX", "MEX", &["mexico", "mexican"]),
    ("AR", "ARG", &["argentina", "argentine", "argentinian"]),
    ("CL", "CHL", &["chile", "chilean"]),
    ("CO", "COL", &["colombia", "colombian"]),
    ("BO", "BOL", &["bolivia", "bolivian"]),
    ("EC", "ECU", &["ecuador", "ecuadorian"]),
    ("VE", "VEN", &["venezuela", "venezuelan"]),
    ("PT", "PRT", &["portugal", "portuguese"]),
    ("BR", "BRA", &["brazil", "brazilian", "brasil"]),
    (
        "US",
        "USA",
        &[
            "united states",
            "usa",
            "united states of america",
            "american",
        ],
    ),
    (
        "GB",
        "GBR",
        &["united kingdom", "uk", "great britain", "british"],
    ),
    ("AU", "AUS", &["australia", "australian"]),
    ("CA", "CAN", &["canada", "canadian"]),
    ("FR", "FRA", &["france", "french"]),
    ("DE", "DEU", &["germany", "german"]),
    ("IT", "ITA", &["italy", "italian"]),
    ("PH", "PHL", &["philippines", "filipino", "philippine"]),
    ("VN", "VNM", &["vietnam", "viet nam", "vietnamese"]),
    ("TH", "THA", &["thailand", "thai"]),
    ("ID", "IDN", &["indonesia", "indonesian"]),
    ("IN", "IND", &["india", "indian"]),
    ("DZ", "DZA", &["algeria", "algerian"]),
    ("NZ", "NZL", &["new zealand", "new zealander"]),
];

/// The alpha-2 code a nationality names, or its folded text.
pub fn normalise(s: &str) -> String {
    let t = s.trim();
    let up = t.to_ascii_uppercase();
    for (a2, a3, _) in COUNTRIES {
        if up == *a2 || up == *a3 {
            return (*a2).to_string();
        }
    }
    let f = plain(t);
    for (a2, _, names) in COUNTRIES {
        if names.contains(&f.as_str()) {
            return (*a2).to_string();
        }
    }
    if up.len() <= 3 && up.chars().all(|c| c.is_ascii_alphabetic()) {
        return up;
    }
    f
}

/// The alpha-3 code of an alpha-2 code in the table (the code itself otherwise).
pub fn alpha3(a2: &str) -> &str {
    COUNTRIES
        .iter()
        .find(|(x, _, _)| *x == a2)
        .map(|(_, a3, _)| *a3)
        .unwrap_or(a2)
}

/// The English name of an alpha-2 code in the table, capitalised.
pub fn name(a2: &str) -> String {
    COUNTRIES
        .iter()
        .find(|(x, _, _)| *x == a2)
        .and_then(|(_, _, names)| names.first())
        .map(|n| {
            n.split(' ')
                .map(|w| {
                    let mut c = w.chars();
                    c.next()
                        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                        .unwrap_or_default()
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_else(|| a2.to_string())
}
