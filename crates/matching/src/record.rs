//! Records as they arrive, and as they are prepared for comparison.

use crate::text::{alnum_upper, fold_accents, fold_roman, given_name_tokens, name_tokens, plain};

/// One person as one list spells them. Every field is optional: a missing
/// value gives no evidence either way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Record {
    /// The record's id in its list (kept as given, never compared).
    pub id: String,
    /// The person this record belongs to, when the caller already knows it
    /// (a register holding several spellings of one person). Linking is then
    /// one-to-one per group: one list record to one person.
    pub group: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    /// The whole name, used when the given and family names are absent:
    /// "FAMILY, Given", "TANAKA Taro" (upper-case family name) or
    /// "Given Family" (the last word the family name).
    pub full_name: Option<String>,
    /// The name in its own script (kanji, kana, hangul, hanzi).
    pub native_name: Option<String>,
    /// Full (YYYY-MM-DD, YYYYMMDD, DD/MM/YYYY) or partial (YYYY-MM, YYYY).
    pub date_of_birth: Option<String>,
    pub age: Option<String>,
    pub sex: Option<String>,
    /// ISO 3166-1 alpha-2 or alpha-3, an English country name or demonym.
    pub nationality: Option<String>,
    /// A strong identifier: passport number (or a national or social
    /// security number). Two different numbers are strong evidence apart.
    pub passport_number: Option<String>,
    pub street: Option<String>,
    pub city: Option<String>,
    pub postcode: Option<String>,
    pub state: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Any other column, compared as plain text with the column of the same
    /// name in the other record: (column name, value).
    pub other: Vec<(String, String)>,
}

impl Record {
    /// A record with just an id.
    pub fn new(id: impl Into<String>) -> Record {
        Record {
            id: id.into(),
            ..Default::default()
        }
    }
}

/// A date of birth, whole or partial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PartialDate {
    pub year: u16,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl PartialDate {
    pub fn is_full(&self) -> bool {
        self.month.is_some() && self.day.is_some()
    }

    /// Parses YYYY-MM-DD, YYYY/MM/DD, YYYYMMDD, YYYY-MM, YYYYMM, YYYY,
    /// DD/MM/YYYY and DD.MM.YYYY. A month or day of 0 is unknown.
    pub fn parse(s: &str) -> Option<PartialDate> {
        let s = s.trim();
        if s.is_empty() {
            return None;
        }
        let parts: Vec<&str> = s
            .split(['-', '/', '.', ' '])
            .filter(|p| !p.is_empty())
            .collect();
        let num = |p: &str| -> Option<u32> {
            if p.chars().all(|c| c.is_ascii_digit()) && !p.is_empty() && p.len() <= 8 {
                p.parse().ok()
            } else {
                None
            }
        };
        let (y, m, d) = match parts.as_slice() {
            [one] => {
                let n = num(one)?;
                match one.len() {
                    8 => (n / 10000, (n / 100) % 100, n % 100),
                    6 => (n / 100, n % 100, 0),
                    4 => (n, 0, 0),
                    _ => return None,
                }
            }
            [a, b] => {
                if a.len() == 4 {
                    (num(a)?, num(b)?, 0)
                } else {
                    (num(b)?, num(a)?, 0)
                }
            }
            [a, b, c] => {
                if a.len() == 4 {
                    (num(a)?, num(b)?, num(c)?)
                } else {
                    (num(c)?, num(b)?, num(a)?)
                }
            }
            _ => return None,
        };
        if !(1800..=2200).contains(&y) {
            return None;
        }
        let month = (1..=12).contains(&m).then_some(m as u8);
        let day = match month {
            Some(_) if (1..=31).contains(&d) => Some(d as u8),
            _ => None,
        };
        Some(PartialDate {
            year: y as u16,
            month,
            day,
        })
    }
}

/// A name part prepared for comparison.
#[derive(Debug, Clone, Default)]
pub(crate) struct Name {
    pub tokens: Vec<String>,
    pub joined: String,
    pub ftokens: Vec<String>,
    pub fjoined: String,
    /// The nickname groups of its tokens (Bill and William share one).
    pub nicknames: Vec<u16>,
}

impl Name {
    /// A family name.
    pub fn new(s: &str) -> Option<Name> {
        Name::from_tokens(name_tokens(s))
    }

    /// A given name: its first word is kept even if it spells a particle.
    pub fn given(s: &str) -> Option<Name> {
        Name::from_tokens(given_name_tokens(s))
    }

    pub fn from_tokens(tokens: Vec<String>) -> Option<Name> {
        if tokens.is_empty() {
            return None;
        }
        let joined = tokens.concat();
        let ftokens: Vec<String> = tokens.iter().map(|t| fold_roman(t)).collect();
        let fjoined = fold_roman(&joined);
        let mut nicknames: Vec<u16> = tokens
            .iter()
            .flat_map(|t| crate::text::nickname_groups_of(t))
            .collect();
        nicknames.sort_unstable();
        nicknames.dedup();
        Some(Name {
            tokens,
            joined,
            ftokens,
            fjoined,
            nicknames,
        })
    }

    pub fn initial(&self) -> u8 {
        self.fjoined.as_bytes().first().copied().unwrap_or(b'_')
    }
}

/// A record ready to compare.
#[derive(Debug, Clone, Default)]
pub(crate) struct Prepared {
    pub given: Option<Name>,
    pub family: Option<Name>,
    pub native: Option<String>,
    pub dob: Option<PartialDate>,
    pub age: Option<u16>,
    pub sex: Option<u8>,
    pub nationality: Option<String>,
    pub passport: Option<String>,
    pub street: Option<String>,
    pub city: Option<String>,
    pub postcode: Option<String>,
    pub state: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
    /// Aligned with the model's other columns.
    pub other: Vec<Option<String>>,
}

fn nonempty(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Splits a whole name into (given, family).
pub(crate) fn split_full_name(s: &str) -> (Option<Name>, Option<Name>) {
    if let Some((family, given)) = s.split_once(',') {
        return (Name::given(given), Name::new(family));
    }
    let words: Vec<&str> = s.split_whitespace().collect();
    // Passport style: the family name in capitals, the given name not.
    let is_caps = |w: &str| {
        w.chars().any(|c| c.is_alphabetic())
            && w.chars().all(|c| !c.is_lowercase())
            && w.chars().filter(|c| c.is_alphabetic()).count() > 1
    };
    let caps: Vec<&str> = words.iter().copied().filter(|w| is_caps(w)).collect();
    if !caps.is_empty() && caps.len() < words.len() {
        let rest: Vec<&str> = words.iter().copied().filter(|w| !is_caps(w)).collect();
        return (Name::given(&rest.join(" ")), Name::new(&caps.join(" ")));
    }
    let tokens = given_name_tokens(s);
    match tokens.len() {
        0 => (None, None),
        1 => (None, Name::from_tokens(tokens)),
        _ => {
            let mut tokens = tokens;
            let family = tokens.split_off(tokens.len() - 1);
            (Name::from_tokens(tokens), Name::from_tokens(family))
        }
    }
}

fn sex(s: &str) -> Option<u8> {
    let f = fold_accents(s.trim());
    match f.as_str() {
        "m" | "male" | "man" | "h" | "hombre" | "masculino" | "homem" | "男" | "男性" | "1" => {
            Some(b'm')
        }
        "f" | "female" | "woman" | "w" | "mujer" | "femenino" | "feminino" | "mulher" | "女"
        | "女性" | "2" => Some(b'f'),
        "" => None,
        _ => Some(b'x'),
    }
}

pub(crate) fn prepare(r: &Record, other_columns: &[String]) -> Prepared {
    let mut given = nonempty(&r.given_name).and_then(Name::given);
    let mut family = nonempty(&r.family_name).and_then(Name::new);
    if given.is_none() && family.is_none() {
        if let Some(full) = nonempty(&r.full_name) {
            let (g, f) = split_full_name(full);
            given = g;
            family = f;
        }
    }
    let other = other_columns
        .iter()
        .map(|c| {
            r.other
                .iter()
                .find(|(k, _)| k == c)
                .map(|(_, v)| plain(v))
                .filter(|v| !v.is_empty())
        })
        .collect();
    let digits = |s: &str| -> Option<String> {
        let d: String = s.chars().filter(|c| c.is_ascii_digit()).collect();
        (d.len() >= 5).then(|| d[d.len().saturating_sub(9)..].to_string())
    };
    Prepared {
        given,
        family,
        native: nonempty(&r.native_name)
            .map(|s| {
                s.chars()
                    .filter(|c| !c.is_whitespace() && *c != '・')
                    .collect()
            })
            .filter(|s: &String| !s.is_empty()),
        dob: nonempty(&r.date_of_birth).and_then(PartialDate::parse),
        age: nonempty(&r.age).and_then(|s| s.parse::<u16>().ok()),
        sex: nonempty(&r.sex).and_then(sex),
        nationality: nonempty(&r.nationality).map(crate::country::normalise),
        passport: nonempty(&r.passport_number)
            .map(alnum_upper)
            .filter(|s| !s.is_empty()),
        street: nonempty(&r.street).map(plain).filter(|s| !s.is_empty()),
        city: nonempty(&r.city).map(plain).filter(|s| !s.is_empty()),
        postcode: nonempty(&r.postcode)
            .map(alnum_upper)
            .filter(|s| !s.is_empty()),
        state: nonempty(&r.state).map(plain).filter(|s| !s.is_empty()),
        email: nonempty(&r.email)
            .map(|s| s.to_lowercase())
            .filter(|s| s.contains('@')),
        phone: nonempty(&r.phone).and_then(digits),
        other,
    }
}
